"""How computer seats answer offers made to them (`[moves.offer]` in a deck).

An answer costs no order, so bots decide their orders from the ordinary moves and, apart
from that, answer each offer waiting for them: accept, refuse or leave it for now, drawn by
weight. Decks without offers never reach the draw, so their games are unchanged; a seat
that gives waiting no weight draws exactly as it always did.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from wargame.deck.compile import CMove


@dataclass(frozen=True, slots=True)
class Pending:
    """The two answers to one offer waiting for this seat."""

    accept: CMove
    refuse: CMove

    @property
    def gate(self) -> int:
        """The offer's slot (`CompiledDeck.offers`)."""
        assert self.accept.gate is not None
        return self.accept.gate

    @property
    def silence_matters(self) -> bool:
        """The offer says what leaving it unanswered does (see `CMove.silence_matters`)."""
        return self.accept.silence_matters


def split_answers(legal: Sequence[CMove]) -> tuple[Sequence[CMove], list[Pending]]:
    """The ordinary moves of `legal`, and the offers it may answer now."""
    for m in legal:  # a plain loop: cheaper than any() over a generator (every bot, every turn)
        if m.answer is not None:
            break
    else:
        return legal, []
    ordinary = [m for m in legal if m.answer is None]
    by_gate: dict[int, dict[str, CMove]] = {}
    for m in legal:
        if m.answer is not None and m.gate is not None:
            by_gate.setdefault(m.gate, {})[m.answer] = m
    pending = [Pending(pair["accept"], pair["refuse"]) for _, pair in sorted(by_gate.items()) if len(pair) == 2]
    return ordinary, pending


@dataclass(frozen=True, slots=True)
class Answer:
    move: CMove | None
    """The answer chosen, or None to leave the offer unanswered (it may expire)."""
    accept_share: float
    """The chance the draw gave to accepting."""
    wait_share: float = 0.0
    """The chance the draw gave to leaving it unanswered this turn."""

    @property
    def share(self) -> float:
        """The chance the draw gave to the answer it chose."""
        if self.move is None:
            return self.wait_share
        return self.accept_share if self.move.answer == "accept" else 1 - self.accept_share - self.wait_share


RANDOM_WAIT = 1.0
"""A random seat's weight for leaving an offer whose silence matters (against 1 for each answer)."""


def draw_answer(pending: Pending, accept: float, refuse: float, temperature: float, rng: random.Random, wait: float = 0.0) -> Answer:
    """Accept, refuse or wait in proportion to weight ** (1 / temperature); all weights zero
    or less leave the offer unanswered. With no weight for waiting the draw is the one it
    always was (one number against the share of accepting)."""
    power = 1.0 / temperature
    wa = accept**power if accept > 0 else 0.0  # nan and negative weigh nothing
    wr = refuse**power if refuse > 0 else 0.0
    ww = wait**power if wait > 0 else 0.0
    total = wa + wr + ww
    if total <= 0:
        return Answer(None, 0.0, 1.0)
    share = wa / total
    if ww <= 0:
        return Answer(pending.accept if rng.random() < share else pending.refuse, share)
    draw = rng.random() * total
    move = pending.accept if draw < wa else pending.refuse if draw < wa + wr else None
    return Answer(move, share, ww / total)


def random_answer(pending: Pending, rng: random.Random) -> Answer:
    """A random seat's answer: accept or refuse at even odds, or, when the offer says what
    silence does, accept, refuse or wait at even odds (so its `expire` branch gets played)."""
    return draw_answer(pending, 1.0, 1.0, 1.0, rng, RANDOM_WAIT if pending.silence_matters else 0.0)
