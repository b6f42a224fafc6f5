"""Who may know what: the one place that decides secrecy, for every screen, bot and report.

A `Viewer` is a seat (an actor), the facilitator (who sees everything) or the public (a
projector in the room: what every seat knows). Each rule below is a named predicate on a
viewer; views, the read model, replays, reports, bots' beliefs and network messages all
ask these, and nothing else in the code decides what is secret.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from wargame.errors import WargameError

if TYPE_CHECKING:
    from wargame.deck.compile import CChannel, CMove, CompiledDeck, Hidden
    from wargame.deck.expr import Reads
    from wargame.engine.offers import OfferRecord
    from wargame.engine.state import Cause, NewsItem, Play, Roll, State
    from wargame.observe.talk import Message

from wargame.engine.state import FACILITATOR

PUBLIC_NAME = "public"
"""The name of the public viewer: a shared screen every seat may be looking at."""

ViewerKind = Literal["seat", "facilitator", "public"]


@dataclass(frozen=True, slots=True)
class Viewer:
    """Whose eyes a view is for: one seat, the facilitator, or the public."""

    kind: ViewerKind
    actor: str | None = None
    """The seat's actor id; None for the facilitator and the public."""

    @classmethod
    def seat(cls, actor: str) -> Viewer:
        return cls("seat", actor)

    @property
    def is_facilitator(self) -> bool:
        return self.kind == "facilitator"

    @property
    def is_public(self) -> bool:
        return self.kind == "public"

    @property
    def name(self) -> str:
        """`facilitator`, `public`, or the seat's actor id (for command lines and saves)."""
        return self.actor if self.actor is not None else self.kind

    def __str__(self) -> str:
        return self.name


FACILITATOR_VIEWER = Viewer("facilitator")
"""The facilitator: sees everything, including the seed and every seat's orders and reasons."""

PUBLIC = Viewer("public")
"""The public: sees only what every seat knows."""


def home_viewer(facilitator: bool, humans: Collection[str]) -> Viewer | None:
    """Whose eyes a game's own screens are for, live or in its debrief: the facilitator's
    when there is one, the seat's of the one person who plays alone against computers;
    None when several seats share the game with no facilitator (it is no one seat's)."""
    if facilitator:
        return FACILITATOR_VIEWER
    if len(humans) == 1:
        return Viewer.seat(next(iter(humans)))
    return None


def as_viewer(who: Viewer | str, deck: CompiledDeck) -> Viewer:
    """A viewer from a `Viewer` or a name (`facilitator`, `public`, an actor id), checked."""
    if isinstance(who, Viewer):
        if who.kind == "seat" and who.actor not in deck.moves_by_actor:
            raise WargameError(f"unknown seat '{who.actor}'")
        return who
    if who == FACILITATOR:
        return FACILITATOR_VIEWER
    if who == PUBLIC_NAME:
        return PUBLIC
    if who not in deck.moves_by_actor:
        known = ", ".join(deck.actors)
        raise WargameError(f"unknown seat '{who[:60]}' (actors: {known}, or facilitator, or public)")
    return Viewer.seat(who)


# -- tracks ---------------------------------------------------------------------------------
def sees_slot(viewer: Viewer, deck: CompiledDeck, slot: int) -> bool:
    """A track's value: global and public actor tracks to all; a secret actor track to its
    owner and the facilitator only."""
    owner = deck.secret_slots.get(slot)
    if owner is None or viewer.is_facilitator:
        return True
    return viewer.actor == owner


def hidden_slots(viewer: Viewer, deck: CompiledDeck) -> frozenset[int]:
    """The track slots whose values `viewer` may not see."""
    if viewer.is_facilitator:
        return frozenset()
    return frozenset(slot for slot, owner in deck.secret_slots.items() if owner != viewer.actor)


# -- plays, news and dice --------------------------------------------------------------------
def _in_audience(viewer: Viewer, audience: frozenset[str] | None, actors: Collection[str]) -> bool:
    """Whether a thing shared with `audience` (None: everyone) reaches `viewer`. The public
    sees only what every seat sees."""
    if audience is None or viewer.is_facilitator:
        return True
    if viewer.is_public:
        return all(a in audience for a in actors)
    return viewer.actor in audience


def in_audience(viewer: Viewer, audience: frozenset[str] | None, actors: Collection[str]) -> bool:
    """Whether something shared with `audience` (None: everyone) reaches `viewer`: a secret
    offer waiting for an answer, for one (see `PlayerView.belief`)."""
    return _in_audience(viewer, audience, actors)


def knew_of_play(viewer: Viewer, play: Play, actors: Collection[str]) -> bool:
    """Whether `viewer` learned of a play when it resolved: public plays to all; a secret
    play to its actor, those it was shared with, and the facilitator."""
    if not play.secret:
        return True
    if play.audience is None:  # a secret play with no recorded audience: its actor only
        return viewer.is_facilitator or viewer.actor == play.actor
    return _in_audience(viewer, play.audience, actors)


def knows_play(viewer: Viewer, play: Play, revealed: Collection[tuple[int, str]], actors: Collection[str]) -> bool:
    """Whether `viewer` knows of a play: it knew when it resolved, or it was revealed since
    (`revealed` holds the (turn, move) keys of plays revealed by the time of the view)."""
    return knew_of_play(viewer, play, actors) or (play.turn, play.move) in revealed


def sees_news(viewer: Viewer, item: NewsItem, actors: Collection[str]) -> bool:
    """A news item: public ones to all; one with an audience to those seats and the
    facilitator (the public only when every seat is in it)."""
    return _in_audience(viewer, item.audience, actors)


def attributes_news(viewer: Viewer, deck: CompiledDeck, item: NewsItem, revealed: Collection[tuple[int, str]]) -> bool:
    """Whether `viewer` may know who is behind a news item it sees. Everyone reads an
    unattributed move's news; who played it (the item's actor and move) only its audience,
    the facilitator, and everyone once that play is revealed (`revealed`: (turn, move) keys)."""
    if item.source is None or item.kind != "move" or viewer.is_facilitator:
        return True
    index = deck.move_index.get(item.source)
    if index is None or not deck.moves[index].unattributed:
        return True
    return _in_audience(viewer, deck.moves[index].audience, deck.actors) or (item.turn, item.source) in revealed


def sees_roll(viewer: Viewer, roll: Roll, play_known: bool) -> bool:
    """A chance roll: events' and injects' rolls are public; a move's success or detection
    roll is as visible as the play it belongs to (`play_known`)."""
    if roll.kind in {"move", "detect"}:
        return play_known
    return True


def hidden_inputs(viewer: Viewer, deck: CompiledDeck, reads: Reads) -> list[Hidden]:
    """What a number computed from deck expressions (a chance, a weight) reads that `viewer`
    may not see. Such a number is itself secret to that viewer: it would give the inputs
    away. Empty for the facilitator; for the public, what not every seat sees."""
    if viewer.is_facilitator:
        return []
    return deck.hidden_from(viewer.actor, reads)


def roll_reads(deck: CompiledDeck, roll: Roll) -> Reads | None:
    """The reads of the expression behind a roll's chance (None: a constant or unknown)."""
    if roll.kind in {"move", "detect"}:
        index = deck.move_index.get(roll.key)
        if index is None:
            return None
        move = deck.moves[index]
        return move.chance_reads if roll.kind == "move" else move.detection_reads
    if roll.kind == "outcome":  # a weighted one-of event's pick: its weights' reads
        index = deck.event_index.get(roll.key.partition("#")[0])
        return deck.events[index].outcome_reads if index is not None else None
    index = deck.event_index.get(roll.key)
    return deck.events[index].chance_reads if index is not None else None


def sees_orders(viewer: Viewer, actor: str) -> bool:
    """Sealed orders (and the computers' reasons for them): the seat's own, and all of them
    for the facilitator. Others learn of orders only through plays and news."""
    return viewer.is_facilitator or viewer.actor == actor


def sees_reasons(viewer: Viewer, actor: str) -> bool:
    """All of a seat's stated reasons, for every order (given or not): as private as its
    orders. Others may see single reasons under `sees_reason`."""
    return sees_orders(viewer, actor)


def sees_inject_effects(viewer: Viewer) -> bool:
    """The effects the facilitator wrote into an inject may move secret tracks: only the
    facilitator sees them; every seat sees the inject's news."""
    return viewer.is_facilitator


def reason_reads(deck: CompiledDeck, actor: str, seat: str, move_id: str) -> Reads | None:
    """What a computer seat's stated reason for ordering `move_id` is computed from: its
    doctrine's weight for that move, nothing for a random pick. A lookahead's estimates
    draw on everything its actor knows, so they count as reading its secrets; None for a
    seat whose reasons cannot be judged (a human, an agent)."""
    from wargame.deck.expr import NO_READS, Reads

    kind, _, arg = seat.partition(":")
    if kind == "random":
        return NO_READS
    if kind == "doctrine":
        doctrine = deck.doctrines.get(actor, {}).get(arg)
        own = [m.id for m in deck.moves_by_actor.get(actor, [])]
        if doctrine is None or move_id not in own:
            return None
        return doctrine.weight_reads[own.index(move_id)]
    if kind == "lookahead":
        secret_moves = frozenset(m.id for m in deck.moves_by_actor.get(actor, []) if m.secret)
        own_slots = frozenset(slot for slot, owner in deck.secret_slots.items() if owner == actor)
        return Reads(slots=own_slots, moves=secret_moves)
    return None


def sees_reason(viewer: Viewer, deck: CompiledDeck, actor: str, seat: str, move_id: str, play_known: bool) -> bool:
    """One computer seat's reason for one order it gave: to whoever sees its orders; to
    others once they know of the play, and only if the reason reads nothing hidden from them
    (a reason quoting a secret track would give the value away)."""
    if sees_orders(viewer, actor):
        return True
    if not play_known:
        return False
    reads = reason_reads(deck, actor, seat, move_id)
    return reads is not None and not hidden_inputs(viewer, deck, reads)


def names_cause(viewer: Viewer, deck: CompiledDeck, cause: Cause, play_known: bool) -> bool:
    """Whether the results may tell `viewer` what a step of a turn that moved a track was
    (otherwise it is "something you cannot see", which never says what). An order: as its
    play is known (`play_known`); an event: as its firing is seen (`sees_event_fired`); an
    offer left to expire: to those it was made among; the facilitator's inject: to all
    (its news is public). The facilitator may be told everything. A track hidden from the
    viewer is left out of its results whatever moved it (`sees_slot`)."""
    if viewer.is_facilitator:
        return True
    if cause.kind == "move":
        return play_known
    if cause.kind in {"event", "outcome"}:
        return sees_event_fired(viewer, deck, (cause.source or "").partition("#")[0])
    if cause.kind == "expire":
        index = deck.move_index.get(cause.source or "")
        return index is not None and _in_audience(viewer, deck.moves[index].audience, deck.actors)
    return cause.kind == "inject"


def sees_flags(viewer: Viewer) -> bool:
    """Flags are public: every viewer sees every flag (deck authors keep secrets in secret
    actor tracks)."""
    return True


def sees_seed(viewer: Viewer) -> bool:
    """The game's seed decides every roll: only the facilitator (and a debrief run as the
    facilitator) may see it."""
    return viewer.is_facilitator


def sees_pending(viewer: Viewer) -> bool:
    """The current turn's sealed orders, queued injects and dice overrides: the facilitator's."""
    return viewer.is_facilitator


def offer_as_seen(viewer: Viewer, deck: CompiledDeck, rec: OfferRecord) -> OfferRecord:
    """An offer as `viewer` may know its fate: an answer it saw stands; a secret offer it
    learned of from a reveal, whose answer and expiry went only to those it was made among,
    is `unknown` to it (their silence says nothing: it may have been accepted)."""
    if viewer.is_facilitator or rec.status in {"accepted", "refused"}:
        return rec
    if in_audience(viewer, deck.moves[deck.offers[rec.slot].move].audience, deck.actors):
        return rec
    return replace(rec, status="unknown", closed=None)


def sees_event_fired(viewer: Viewer, deck: CompiledDeck, event_id: str) -> bool:
    """That an event or deck inject fired: public, but for a silent event (no news, not an
    inject), which is the author's bookkeeping and only the facilitator sees fire."""
    if viewer.is_facilitator or event_id not in deck.event_index:
        return True
    event = deck.events[deck.event_index[event_id]]
    return bool(event.news) or event.inject


def lists_move(viewer: Viewer, move: CMove, *, available: bool) -> bool:
    """Whether a seat's order sheet lists one of its moves. An answer to an offer appears
    only while its offer waits: listed otherwise, "Accept Charlie's offer (Backchannel
    deal)" would tell the seat of a secret offer it may one day be made."""
    return move.answer is None or available


def move_chance(viewer: Viewer, deck: CompiledDeck, move: CMove, belief: State) -> tuple[float | None, str]:
    """A move's chance of success now as `viewer` knows it (computed on its `belief`), and
    why it is not shown: None with a note when the chance reads something hidden from the
    viewer (the number would give it away)."""
    from wargame.deck.describe import depends_on

    if move.chance_const is not None:
        return move.chance_const, ""
    hidden = hidden_inputs(viewer, deck, move.chance_reads)
    if hidden:
        return None, depends_on(hidden)
    assert move.chance is not None
    return min(1.0, max(0.0, float(move.chance(belief)))), ""


def roll_hidden_note(viewer: Viewer, deck: CompiledDeck, roll: Roll) -> str:
    """Why a roll's odds and draw are hidden from `viewer` (they read a secret), or empty:
    a number computed from a secret is itself secret."""
    from wargame.deck.describe import depends_on

    reads = roll_reads(deck, roll)
    return depends_on(hidden_inputs(viewer, deck, reads)) if reads is not None else ""


__all__ = [
    "FACILITATOR",
    "FACILITATOR_VIEWER",
    "PUBLIC",
    "Viewer",
    "as_viewer",
    "attributes_news",
    "hidden_inputs",
    "hidden_slots",
    "knew_of_play",
    "knows_play",
    "lists_move",
    "move_chance",
    "names_cause",
    "offer_as_seen",
    "reason_reads",
    "roll_hidden_note",
    "roll_reads",
    "sees_event_fired",
    "sees_flags",
    "sees_inject_effects",
    "sees_news",
    "sees_orders",
    "sees_pending",
    "sees_reason",
    "sees_reasons",
    "sees_roll",
    "sees_seed",
    "sees_slot",
]


def sees_message(viewer: Viewer, message: Message) -> bool:
    """A message is seen by its sender, its recipients and the facilitator (who reads every
    channel); one on a public channel by every seat and the projector too. Whoever sees a
    message sees all of it, the team member who wrote it included: a member signs what they
    write to other seats (their team's own talk and its members stay `sees_team`'s)."""
    if viewer.is_facilitator or message.public:
        return True
    if viewer.actor is None:
        return False
    return viewer.actor in message.to or (message.sender == viewer.actor and not message.third_party)


def reads_channel(viewer: Viewer, channel: CChannel) -> bool:
    """Whether `viewer` is shown a channel at all: its members, everyone for a public one,
    the facilitator for every one."""
    return viewer.is_facilitator or channel.public or (viewer.actor is not None and viewer.actor in channel.members)


def sees_team(viewer: Viewer, seat: str) -> bool:
    """A team's own talk (members, proposals, comments, its split at sealing) is seen by its
    seat and the facilitator only: never another seat, never the projector."""
    return viewer.is_facilitator or viewer.actor == seat
