"""Computer seats. Every bot sees only its seat's view and its legal moves."""

from wargame.bots.base import Bot, Decision, RandomBot, SeatSpec, make_bot

__all__ = ["Bot", "Decision", "RandomBot", "SeatSpec", "make_bot"]
