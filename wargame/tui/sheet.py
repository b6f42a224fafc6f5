"""A seat's order sheet as people read it: a targeted move listed once (its target picked
apart), answers to offers kept out of the moves and gathered with the offers they answer.

Built from the seat's `Observation` (so from the visibility rules): the same sheet for a
local seat and one joined over the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wargame.observe.model import MoveInfo, Observation, OfferInfo


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One line of the order sheet: a plain move, or a targeted move and its targets."""

    key: str
    """The move's id; for a targeted move the id the author wrote (`sanction`)."""
    name: str
    choices: tuple[MoveInfo, ...]
    """The move itself, or one per target in the deck's order."""
    targeted: bool

    @property
    def available(self) -> bool:
        return any(c.available for c in self.choices)

    @property
    def reason(self) -> str:
        """Why nothing on this line may be ordered now (empty when something may)."""
        if self.available:
            return ""
        reasons = list(dict.fromkeys(c.reason for c in self.choices))
        return reasons[0] if len(reasons) == 1 else "no target may be chosen now"

    @property
    def move(self) -> MoveInfo:
        """The move this line stands for (a targeted move's first target)."""
        return self.choices[0]

    def ids(self) -> list[str]:
        return [c.id for c in self.choices]


def order_sheet(moves: Sequence[MoveInfo]) -> list[SheetLine]:
    """The lines of the order sheet, in the deck's order: every move but the answers to
    offers (those are given with the offers, `offers_to_answer`), a targeted move once."""
    lines: list[SheetLine] = []
    groups: dict[str, list[MoveInfo]] = {}
    for move in moves:
        if move.answer is not None:
            continue
        if move.target is None:
            lines.append(SheetLine(move.id, move.name, (move,), False))
            continue
        base = move.base or move.id
        if base not in groups:
            groups[base] = []
            lines.append(SheetLine(base, move.group or move.name, (), True))
        groups[base].append(move)
    return [SheetLine(x.key, x.name, tuple(groups[x.key]), True) if x.targeted else x for x in lines]


@dataclass(frozen=True, slots=True)
class OfferToAnswer:
    """An offer waiting for this seat's answer, with the two answers it may give."""

    offer: OfferInfo
    accept: MoveInfo
    refuse: MoveInfo
    unit: str
    """What a turn is called in the deck (`month`)."""
    deadline: str
    """`month 3`: the last turn to answer in."""
    last_chance: bool
    """This turn is the last one to answer in."""

    @property
    def slot(self) -> int:
        return self.offer.slot

    @property
    def maker(self) -> str:
        return self.offer.maker_name

    @property
    def name(self) -> str:
        """The offer as its recipient reads it ("First letter", not "First letter (United States)")."""
        return self.offer.name

    def answer_move(self, answer: str) -> MoveInfo:
        return self.accept if answer == "accept" else self.refuse


def offers_to_answer(obs: Observation) -> list[OfferToAnswer]:
    """The offers waiting for this seat's answer now, oldest first."""
    sheet = obs.seat
    if sheet is None:
        return []
    moves = {m.id: m for m in sheet.moves}
    unit = obs.game.turn_name
    out = []
    for offer in sheet.offers_waiting:
        accept, refuse = moves.get(offer.accept), moves.get(offer.refuse)
        if accept is None or refuse is None:
            continue
        out.append(OfferToAnswer(offer, accept, refuse, unit, f"{unit} {offer.deadline}", offer.deadline <= obs.game.turn))
    return out


def answers_for(offers: Sequence[OfferToAnswer], answers: dict[int, str]) -> list[str]:
    """The move ids of the answers given (`answers`: offer slot to `accept`/`refuse`)."""
    return [o.answer_move(answers[o.slot]).id for o in offers if o.slot in answers]
