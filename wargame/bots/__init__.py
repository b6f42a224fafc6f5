"""Computer seats. Every bot sees only its seat's view and its legal moves."""

from wargame.bots.base import Bot, Decision, RandomBot
from wargame.bots.make import make_bot
from wargame.bots.seats import Programs, SeatSpec

__all__ = ["Bot", "Decision", "Programs", "RandomBot", "SeatSpec", "make_bot"]
