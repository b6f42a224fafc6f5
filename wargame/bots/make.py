"""The bot for a seat specification: one place that knows every kind of computer seat.

Above the kinds (random, doctrine, lookahead, a program), which share only `bots.base`'s
interface, so no kind imports another's builder and the interface imports no kind.
"""

from __future__ import annotations

from wargame.bots.agent import AgentBot
from wargame.bots.base import Bot, RandomBot, bot_seed
from wargame.bots.doctrine import DoctrineBot
from wargame.bots.lookahead import LookaheadBot
from wargame.bots.seats import NO_PROGRAMS, Programs, SeatSpec, UntrustedProgram, untrusted_message
from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError

__all__ = ["make_bot"]


def make_bot(spec: SeatSpec | str, deck: CompiledDeck, actor: str, seed: int, *, programs: Programs = NO_PROGRAMS) -> Bot:
    """Build the bot for a seat spec; raises `WargameError` for a spec the deck cannot serve.

    An `agent:` seat starts its program only when `programs` (this run's command line and
    the person's own settings) names it; otherwise `UntrustedProgram` is raised and nothing
    runs. Callers that read seats from a save or the store pass them through
    `seats.seat_from_record` first."""
    if isinstance(spec, str):
        spec = SeatSpec.parse(spec)
    s = bot_seed(seed, actor)
    if spec.kind == "random":
        return RandomBot(s, answers=actor in deck.answering)
    if spec.kind == "doctrine":
        doctrines = deck.doctrines.get(actor, {})
        if spec.arg not in doctrines:
            known = ", ".join(doctrines) or "none"
            raise WargameError(f"{deck.actor_name(actor)} has no doctrine '{spec.arg}' (doctrines: {known})")
        return DoctrineBot(deck, actor, doctrines[spec.arg], s)
    if spec.kind == "lookahead":
        return LookaheadBot(deck, actor, spec.arg, s)
    if spec.kind == "agent":
        command = programs.command(spec.arg)
        if command is None:
            raise UntrustedProgram(untrusted_message(deck.actor_name(actor), spec.arg, programs))
        return AgentBot(command, deck, actor, s, name=spec.arg, timeout=spec.time_limit)
    raise WargameError(f"seat kind '{spec.kind}' is not a computer seat")

