"""What a seat reads off its own order sheet, computed once for every surface that shows it.

The read model (`wargame.play.readmodel`, for the screens) and the seat view sent to
network clients and agent programs (`wargame.bots.seatview`, a layer further in) both
build on these functions, so a move's odds, why a roll's odds are hidden, the coach
line, the grouping of targeted moves and the terms of an offer are worked out one way for
every viewer (a roll's label is `wargame.deck.labels.roll_label`, for every surface).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wargame.deck.compile import CMove, COffer, CompiledDeck
from wargame.deck.describe import Describer, depends_on
from wargame.deck.labels import group_name
from wargame.engine import visibility as vis
from wargame.engine.game import MoveOption, ObjectiveResult
from wargame.engine.offers import OfferRecord
from wargame.engine.state import Roll, State
from wargame.engine.visibility import Viewer


def move_chance(viewer: Viewer, deck: CompiledDeck, move: CMove, belief: State) -> tuple[float | None, str]:
    """A move's chance of success now as `viewer` knows it (computed on its `belief`), and
    why it is not shown: None with a note when the chance reads something hidden from the
    viewer (the number would give it away)."""
    if move.chance_const is not None:
        return move.chance_const, ""
    hidden = vis.hidden_inputs(viewer, deck, move.chance_reads)
    if hidden:
        return None, depends_on(hidden)
    assert move.chance is not None
    return min(1.0, max(0.0, float(move.chance(belief)))), ""


def roll_hidden_note(viewer: Viewer, deck: CompiledDeck, roll: Roll) -> str:
    """Why a roll's odds and draw are hidden from `viewer` (they read a secret), or empty."""
    reads = vis.roll_reads(deck, roll)
    return depends_on(vis.hidden_inputs(viewer, deck, reads)) if reads is not None else ""


def event_names(deck: CompiledDeck, viewer: Viewer, fired: Iterable[str], names: dict[str, str]) -> list[str]:
    """The names of the events and injects that fired, as `viewer` is told of them: a
    silent event (no news) is the author's bookkeeping, so only the facilitator sees it fire."""
    silent = {e.id for e in deck.events if not e.news and not e.inject} if not viewer.is_facilitator else set()
    return [names.get(e, e) for e in fired if e not in silent]


def coach_line(deck: CompiledDeck, viewer: Viewer, turn: int, belief: State, over: bool) -> str:
    """The deck's coach line for `viewer` before ordering `turn`, or empty. Judged on the
    viewer's belief (the loader has checked that its condition reads nothing hidden)."""
    if over or viewer.is_facilitator:
        return ""
    return next((line.text for line in deck.coach if line.applies(turn, viewer.actor, belief)), "")


def objectives(deck: CompiledDeck, seat: str, belief: State) -> list[ObjectiveResult]:
    """A seat's objectives, met or not as far as it knows (text with values filled in)."""
    return [
        ObjectiveResult(o.text_tpl.fill(belief) if o.text_tpl else o.text, o.points, bool(o.when(belief)))
        for o in deck.objectives[seat]
    ]


# -- targeted moves -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TargetChoice:
    """One target of a targeted move: the plain move to order (`warn@b`), and why not."""

    target: str
    move: CMove
    available: bool
    reason: str


@dataclass(frozen=True, slots=True)
class MoveGroup:
    """A targeted move as its author wrote it (`warn`), with each of its targets."""

    base: str
    name: str
    """The move's name before its target is picked (`Warn …`, `Sanction → …`)."""
    targets: tuple[TargetChoice, ...]

    @property
    def available(self) -> bool:
        return any(t.available for t in self.targets)


def move_groups(deck: CompiledDeck, options: Iterable[MoveOption]) -> list[MoveGroup]:
    """The targeted moves among `options` (answers to offers aside), one group per move the
    author wrote, in deck order, each target available or with the engine's reason."""
    groups: dict[str, list[TargetChoice]] = {}
    names: dict[str, str] = {}
    for opt in options:
        m = opt.move
        if m.target is None or m.answer is not None:
            continue
        names.setdefault(m.base, group_name(m))
        groups.setdefault(m.base, []).append(TargetChoice(m.target, m, opt.available, opt.reason))
    return [MoveGroup(base, names[base], tuple(targets)) for base, targets in groups.items()]


# -- offers ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OfferTerms:
    """An offer as the viewer may read it: who made it to whom, by when it must be answered,
    and what each answer (and letting it expire) does, in plain words."""

    record: OfferRecord
    accept: CMove
    """The recipient's move that accepts it (`talks@b/accept`)."""
    refuse: CMove
    accept_effects: list[str]
    refuse_effects: list[str]
    expire_effects: list[str]
    accept_news: str
    refuse_news: str


def answer_effects(deck: CompiledDeck, words: Describer, offer: COffer) -> tuple[list[str], list[str], list[str]]:
    """What accepting, refusing and letting `offer` expire do, said by `words` (a viewer's
    describer: no amounts on tracks hidden from it)."""
    accept, refuse = deck.moves[offer.accept], deck.moves[offer.refuse]
    return list(words.describe_move(accept).success), list(words.describe_move(refuse).success), words.effects(offer.expire_nodes)


def offer_terms(deck: CompiledDeck, words: Describer, record: OfferRecord) -> OfferTerms:
    """The terms of an offer the viewer knows of, its effects said by `words`."""
    offer = deck.offers[record.slot]
    accept, refuse = deck.moves[offer.accept], deck.moves[offer.refuse]
    return OfferTerms(record, accept, refuse, *answer_effects(deck, words, offer), accept.success_news, refuse.success_news)


def offers_for(seat: str, records: Sequence[OfferRecord]) -> tuple[list[OfferRecord], list[OfferRecord]]:
    """(offers waiting for `seat`'s answer, `seat`'s own offers still waiting for one)."""
    waiting = [o for o in records if o.status == "waiting"]
    return [o for o in waiting if o.recipient == seat], [o for o in waiting if o.maker == seat]
