"""A seat's order sheet as people read it: a targeted move listed once (its target picked
apart), answers to offers kept out of the moves and gathered with the offers they answer.

Built from a `ReadModel` (so from the visibility rules); no UI code. The TUI renders it,
and a network client with the same data could too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wargame.deck.compile import CMove, CompiledDeck
from wargame.deck.labels import group_name, offer_name, play_name
from wargame.engine.offers import OfferRecord
from wargame.engine.reading import answer_effects, offers_for
from wargame.play.readmodel import MoveChoice, ReadModel
from wargame.words import possessive


def _target(move: CMove) -> str | None:
    # A remote seat's move sketches carry no target: each is a plain move to them.
    return getattr(move, "target", None)


def _answer(move: CMove) -> str | None:
    return getattr(move, "answer", None)


def order_label(move: CMove, deck: CompiledDeck) -> str:
    """An order as it reads in the picks and the confirmation: `Sanction → China`; the
    author's own wording when the name places the target (`Warn Bravo`); else the name."""
    if _target(move) is None or _answer(move) is not None:
        return move.name
    return play_name(deck, move)


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One line of the order sheet: a plain move, or a targeted move and its targets."""

    key: str
    """The move's id; for a targeted move the id the author wrote (`sanction`)."""
    name: str
    choices: tuple[MoveChoice, ...]
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
    def move(self) -> CMove:
        """The move this line stands for (a targeted move's first target)."""
        return self.choices[0].move

    def ids(self) -> list[str]:
        return [c.move.id for c in self.choices]


def order_sheet(choices: Iterable[MoveChoice]) -> list[SheetLine]:
    """The lines of the order sheet, in the deck's order: every move but the answers to
    offers (those are given with the offers, `offers_to_answer`), a targeted move once."""
    lines: list[SheetLine] = []
    groups: dict[str, list[MoveChoice]] = {}
    for choice in choices:
        move = choice.move
        if _answer(move) is not None:
            continue
        if _target(move) is None:
            lines.append(SheetLine(move.id, move.name, (choice,), False))
            continue
        base = getattr(move, "base", "") or move.id
        if base not in groups:
            groups[base] = []
            lines.append(SheetLine(base, group_name(move), (), True))
        groups[base].append(choice)
    return [SheetLine(x.key, x.name, tuple(groups[x.key]), True) if x.targeted else x for x in lines]


@dataclass(frozen=True, slots=True)
class OfferToAnswer:
    """An offer waiting for this seat's answer, with what each answer does in plain words."""

    record: OfferRecord
    maker: str
    """The maker's name."""
    offer: CMove
    accept: MoveChoice
    refuse: MoveChoice
    accept_does: tuple[str, ...]
    refuse_does: tuple[str, ...]
    expire_does: tuple[str, ...]
    """What happens if it is left unanswered past its deadline."""
    unit: str
    """What a turn is called in the deck (`month`)."""
    deadline: str
    """`month 3`: the last turn to answer in."""
    last_chance: bool
    """This turn is the last one to answer in."""

    @property
    def slot(self) -> int:
        return self.record.slot

    name: str = ""
    """The offer as its recipient reads it: without the recipient's own name appended
    ("First letter", not "First letter (United States)")."""

    def answer_move(self, answer: str) -> MoveChoice:
        return self.accept if answer == "accept" else self.refuse


def offers_to_answer(read: ReadModel) -> list[OfferToAnswer]:
    """The offers waiting for this seat's answer now, oldest first."""
    deck = read.deck
    seat = read.viewer.actor
    if seat is None or not deck.offers:
        return []
    choices = {c.move.id: c for c in read.moves()}
    describer = read.describer()
    unit = deck.turn_name
    out = []
    for rec in read.offers_waiting():
        offer = deck.offers[rec.slot]
        accept = choices.get(deck.moves[offer.accept].id)
        refuse = choices.get(deck.moves[offer.refuse].id)
        if accept is None or refuse is None:
            continue
        accept_does, refuse_does, expire_does = answer_effects(deck, describer, offer)
        out.append(OfferToAnswer(
            record=rec,
            maker=deck.actor_name(rec.maker),
            offer=deck.moves[offer.move],
            name=offer_name(deck, deck.moves[offer.move]),
            accept=accept,
            refuse=refuse,
            accept_does=tuple(accept_does),
            refuse_does=tuple(refuse_does),
            expire_does=tuple(expire_does),
            unit=unit,
            deadline=f"{unit} {rec.deadline}",
            last_chance=rec.deadline <= read.turn,
        ))
    return out


@dataclass(frozen=True, slots=True)
class OfferTerms:
    """What an offer the seat may make does once made, in plain words for the maker."""

    recipient: str
    """The recipient's name."""
    expires: int
    """Turns the recipient has to answer."""
    accept_does: tuple[str, ...]
    refuse_does: tuple[str, ...]
    expire_does: tuple[str, ...]


def offer_terms(read: ReadModel) -> dict[str, OfferTerms]:
    """The terms of each offer this seat may make, by the offer move's id."""
    deck = read.deck
    seat = read.viewer.actor
    if seat is None or not deck.offers:
        return {}
    describer = read.describer()
    out = {}
    for offer in deck.offers:
        if offer.maker != seat:
            continue
        accept_does, refuse_does, expire_does = answer_effects(deck, describer, offer)
        out[deck.moves[offer.move].id] = OfferTerms(
            recipient=deck.actor_name(offer.recipient),
            expires=offer.expires,
            accept_does=tuple(accept_does),
            refuse_does=tuple(refuse_does),
            expire_does=tuple(expire_does),
        )
    return out


def offer_line(rec: OfferRecord, deck: CompiledDeck, seat: str | None) -> str:
    """One offer's story in a sentence, from `seat`'s side (None: the facilitator's or the
    room's): `Your offer to Bravo: waiting, answer due by month 3`."""
    unit = deck.turn_name
    maker, recipient = deck.actor_name(rec.maker), deck.actor_name(rec.recipient)
    if seat == rec.maker:
        head = f"Your offer to {recipient}"
    elif seat == rec.recipient:
        head = f"{possessive(maker)} offer to you"
    else:
        head = f"{possessive(maker)} offer to {recipient}"
    status = {
        "waiting": f"waiting, answer due by {unit} {rec.deadline}",
        "accepted": f"accepted in {unit} {rec.closed}",
        "refused": f"refused in {unit} {rec.closed}",
        "expired": f"expired unanswered after {unit} {rec.closed}",
        "unanswered": "never answered: the game ended first",
        "unknown": "what became of it did not come to light",
    }[rec.status]
    return f"{head}: {status}"


def own_offers_waiting(read: ReadModel) -> list[OfferRecord]:
    """This seat's own offers still waiting for an answer."""
    seat = read.viewer.actor
    if seat is None or not read.deck.offers:
        return []
    return offers_for(seat, read.offers())[1]


def answers_for(offers: Sequence[OfferToAnswer], answers: dict[int, str]) -> list[str]:
    """The move ids of the answers given (`answers`: offer slot to `accept`/`refuse`)."""
    return [o.answer_move(answers[o.slot]).move.id for o in offers if o.slot in answers]
