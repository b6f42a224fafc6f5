"""The story of each offer in a game: made, then accepted, refused or expired.

Worked out from the plays a viewer knows of (`PlayerView.plays`), so each viewer's list
holds only the offers it may know of: a secret offer's plays, answers included, reach
only its maker, its recipient, those it is shared with and the facilitator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from wargame.deck.compile import CompiledDeck
from wargame.engine.state import Play

Status = Literal["waiting", "accepted", "refused", "expired", "unanswered", "unknown"]
"""`waiting` for an answer now; `unanswered` when the game ended while it waited;
`unknown`: see `observe.visibility.offer_as_seen`."""


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


def offer_history(deck: CompiledDeck, plays: Iterable[Play], resolved: int, over: bool) -> list[OfferRecord]:
    """Every offer in `plays` (a viewer's known plays up to `resolved` turns), oldest first."""
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
    return out


def _with(rec: OfferRecord, status: Status, closed: int | None) -> OfferRecord:
    return OfferRecord(rec.slot, rec.move, rec.name, rec.maker, rec.recipient, rec.made, rec.deadline, status, closed, rec.secret)
