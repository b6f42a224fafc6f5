"""How computer seats answer offers made to them (`[moves.offer]` in a deck).

An answer costs no order, so bots decide their orders from the ordinary moves and, apart
from that, answer each offer waiting for them: accept or refuse, drawn by weight. Decks
without offers never reach the draw, so their games are unchanged.
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


def draw_answer(pending: Pending, accept: float, refuse: float, temperature: float, rng: random.Random) -> Answer:
    """Accept or refuse in proportion to weight ** (1 / temperature); both weights zero or
    less leave the offer unanswered."""
    power = 1.0 / temperature
    wa = accept**power if accept > 0 else 0.0  # nan and negative weigh nothing
    wr = refuse**power if refuse > 0 else 0.0
    if wa + wr <= 0:
        return Answer(None, 0.0)
    share = wa / (wa + wr)
    return Answer(pending.accept if rng.random() < share else pending.refuse, share)
