"""The story of each offer in a game: made, then accepted, refused or expired.

Worked out from the plays a viewer knows of (`PlayerView.plays`), so each viewer's list
holds only the offers it may know of: a secret offer's plays, answers included, reach
only its maker, its recipient, those it is shared with and the facilitator. A viewer who
learned of a secret offer only from a reveal never saw its answer or expiry: to it the
offer's fate is `unknown`, never a guess from silence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from wargame.deck.compile import CompiledDeck
from wargame.engine.state import Play
from wargame.engine.visibility import Viewer, in_audience

Status = Literal["waiting", "accepted", "refused", "expired", "unanswered", "unknown"]
"""`waiting` for an answer now; `unanswered` when the game ended while it waited;
`unknown` to a viewer outside a secret offer's circle who learned of it from a reveal
(its answer and expiry went only to that circle, so their absence tells nothing)."""


@dataclass(frozen=True, slots=True)
class OfferRecord:
    slot: int
    """The offer's slot (`CompiledDeck.offers`)."""
    move: str
    """The offer move's id (`talks@kp`)."""
    name: str
    maker: str
    recipient: str
    made: int
    """The turn it was made."""
    deadline: int
    """The last turn the recipient may answer in."""
    status: Status
    closed: int | None
    """The turn it was answered or expired (None while it waits)."""
    secret: bool


def offer_history(deck: CompiledDeck, plays: Iterable[Play], resolved: int, over: bool, viewer: Viewer) -> list[OfferRecord]:
    """Every offer in `plays` (the plays `viewer` knows of, up to `resolved` turns), oldest first."""
    if not deck.offers:
        return []
    by_move = {deck.moves[o.move].id: o for o in deck.offers}
    by_answer = {deck.moves[o.accept].id: (o, "accepted") for o in deck.offers}
    by_answer |= {deck.moves[o.refuse].id: (o, "refused") for o in deck.offers}
    out: list[OfferRecord] = []
    open_at: dict[int, int] = {}  # slot -> position in `out` of the offer waiting

    def expire(slot: int) -> None:
        pos = open_at.pop(slot)
        rec = out[pos]
        if rec.deadline <= resolved:
            out[pos] = _with(rec, "expired", rec.deadline)
        else:
            out[pos] = _with(rec, "unanswered" if over else "waiting", None)

    for play in plays:
        offer = by_move.get(play.move)
        if offer is not None and play.success:
            if offer.index in open_at:  # made again: the earlier one expired first
                expire(offer.index)
            move = deck.moves[offer.move]
            open_at[offer.index] = len(out)
            out.append(OfferRecord(offer.index, move.id, move.name, offer.maker, offer.recipient, play.turn,
                                   play.turn + offer.expires, "waiting", None, move.secret))
            continue
        answered = by_answer.get(play.move)
        if answered is not None and answered[0].index in open_at:
            pos = open_at.pop(answered[0].index)
            out[pos] = _with(out[pos], answered[1], play.turn)  # type: ignore[arg-type]
    for slot in list(open_at):
        expire(slot)
    if viewer.is_facilitator:
        return out  # sees every answer and expiry (a simulation's tally too)
    return [_as_seen(deck, rec, viewer) for rec in out]


def _as_seen(deck: CompiledDeck, rec: OfferRecord, viewer: Viewer) -> OfferRecord:
    """`rec` as `viewer` may know it: an answer it saw stands; silence about an offer whose
    answers and expiry it could not see says nothing (the offer may have been accepted)."""
    if rec.status in {"accepted", "refused"} or in_audience(viewer, deck.moves[deck.offers[rec.slot].move].audience, deck.actors):
        return rec
    return _with(rec, "unknown", None)


def _with(rec: OfferRecord, status: Status, closed: int | None) -> OfferRecord:
    return OfferRecord(rec.slot, rec.move, rec.name, rec.maker, rec.recipient, rec.made, rec.deadline, status, closed, rec.secret)
