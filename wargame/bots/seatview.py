"""One seat's view of a live game as plain data (pydantic): what agents and network clients get.

Built only from the seat's `PlayerView` (and its own order list), so it carries exactly
what the visibility rules let that seat see: never another seat's secret track values,
unrevealed secret plays or their news, never the deck source. Agents read it as JSON on
stdin; `wargame host` sends it over the wire (docs/agent-protocol.md is the reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from wargame.deck.compile import CompiledDeck
from wargame.deck.describe import Describer
from wargame.deck.describe import turn_label as deck_turn_label
from wargame.deck.labels import roll_label
from wargame.engine.game import MoveOption
from wargame.engine.offers import OfferRecord, offer_history
from wargame.engine.reading import (
    coach_line,
    event_names,
    move_chance,
    move_groups,
    objectives,
    offer_terms,
    offers_for,
    roll_hidden_note,
)
from wargame.engine.state import NewsItem, Play
from wargame.engine.view import PlayerView

VIEW_VERSION = 1
"""Bumped when a field changes meaning or goes away (new fields may appear at any time)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MoveInfo(_Model):
    """One of the seat's own moves, as its order sheet shows it."""

    id: str
    name: str
    description: str
    category: str
    escalation: int
    secret: bool
    detection: float
    """Chance a secret move is found out (0 for public moves)."""
    chance: float | None
    """Chance of success now, computed on what the seat knows; None when the chance reads
    something hidden from the seat (the number would give it away)."""
    chance_note: str = ""
    """Why the chance is not shown: `depends on South Korea's covert work, hidden from you`."""
    chance_source: str | None
    effects: dict[str, list[str]]
    """`success`, `failure`, `always`: the effects as deck text."""
    news: dict[str, str]
    once: bool
    cooldown: int
    requires: str
    available: bool
    reason: str
    """Why not, when unavailable; empty otherwise."""
    base: str = ""
    """The move as the deck wrote it: `warn` for `warn@b` (a targeted move, see
    `SeatView.move_groups`), the offer's id for an answer; the move's own id otherwise."""
    target: str | None = None
    """The actor a targeted move is aimed at (for an answer: this seat, the recipient)."""
    answer: str | None = None
    """`accept` or `refuse` for an answer to an offer: answers cost no order (they are not
    counted against `SeatView.allowed`)."""


class TargetInfo(_Model):
    """One target of a targeted move: the move id to order for it, and why not."""

    target: str
    target_name: str
    move: str
    """The id to order: `warn@b`."""
    available: bool
    reason: str


class MoveGroupInfo(_Model):
    """A targeted move as the deck wrote it, once, with each target it may be aimed at."""

    base: str
    """`warn`: the targets' moves are `warn@b`, `warn@c`, ..."""
    name: str
    """Its name without a target: `Warn …`."""
    available: bool
    """Whether any target is available."""
    targets: list[TargetInfo]


class OfferInfo(_Model):
    """An offer this seat knows of: who made it to whom, by when, and what answers do."""

    move: str
    """The offer move's id (`talks@b`)."""
    name: str
    maker: str
    maker_name: str
    recipient: str
    recipient_name: str
    made: int
    """The turn it was made."""
    deadline: int
    """The last turn it may be answered in (answer by then, or it expires)."""
    status: str
    """`waiting`, `accepted`, `refused`, `expired`, or `unanswered` (the game ended)."""
    closed: int | None
    """The turn it was answered or expired (null while it waits)."""
    secret: bool
    accept: str
    """The recipient's move id that accepts it (`talks@b/accept`): order it to accept."""
    refuse: str
    accept_name: str
    refuse_name: str
    accept_effects: list[str]
    """What accepting does, in plain words (no amounts on tracks hidden from this seat)."""
    refuse_effects: list[str]
    expire_effects: list[str]
    """What happens if it is left unanswered past its deadline."""
    accept_news: str
    refuse_news: str


class TrackInfo(_Model):
    name: str
    """`tension`, or `dprk.capability` for an actor's track."""
    label: str
    owner: str | None
    value: float | None
    """None when the track is another seat's secret."""
    lo: float
    hi: float
    thresholds: list[tuple[float, str]]
    secret: bool
    description: str
    history: list[float | None]
    """The value at the start and after each resolved turn (None where hidden)."""


class NewsInfo(_Model):
    turn: int
    text: str
    kind: str
    audience: list[str] | None
    """None: public. Otherwise the seats that may see it (this seat among them)."""
    actor: str | None


class PlayInfo(_Model):
    turn: int
    actor: str
    move: str
    name: str
    secret: bool
    success: bool


class RollInfo(_Model):
    label: str
    kind: str
    chance: float | None
    """None (as is `roll`) when the chance read something hidden from this seat."""
    roll: float | None
    success: bool
    forced: bool
    note: str = ""
    """Why the chance and draw are not shown, if they are not."""


class ChangeInfo(_Model):
    label: str
    old: float
    new: float


class ObjectiveInfo(_Model):
    text: str
    points: float
    met: bool


class TurnInfo(_Model):
    """What this seat may see of one resolved turn (its news are in `SeatView.news`)."""

    turn: int
    rolls: list[RollInfo]
    changes: list[ChangeInfo]
    flags: list[tuple[str, bool, bool]]
    events: list[str]
    orders: list[str]
    """This seat's own orders that turn (move ids)."""
    reasons: list[str]


class ActorInfo(_Model):
    id: str
    name: str
    short: str


class EndingInfo(_Model):
    id: str
    title: str
    text: str


class SeatView(_Model):
    """Everything one seat may know now. `v` is `VIEW_VERSION`."""

    v: int = VIEW_VERSION
    seat: str
    seat_name: str
    title: str
    turn: int
    turns: int
    turn_name: str
    """`week`, `month`, ...: what a turn is called in this deck."""
    turn_label: str
    turn_labels: list[str]
    """The label of every turn, first to last (`Week 1 of 6 · 3 January 2022`, ...)."""
    over: bool
    ending: EndingInfo | None
    actors: list[ActorInfo]
    brief: str
    allowed: int
    """How many distinct moves this seat may order a turn."""
    moves: list[MoveInfo]
    """The seat's moves (answers to offers only while an offer waits for this seat)."""
    move_groups: list[MoveGroupInfo] = []
    """The targeted moves among `moves`, grouped by the move the deck wrote (each target
    also appears in `moves` under its own id)."""
    offers_waiting: list[OfferInfo] = []
    """Offers made to this seat that wait for its answer now: order `accept` or `refuse`
    (free: answers cost no order), or let it expire after `deadline`."""
    my_offers_waiting: list[OfferInfo] = []
    """This seat's own offers still waiting for the other side's answer."""
    offers: list[OfferInfo] = []
    """Every offer this seat knows of, oldest first, with what became of it."""
    coach: str = ""
    """The deck's coach line for this seat this turn (a hint for new players), or empty."""
    objectives: list[ObjectiveInfo]
    tracks: list[TrackInfo]
    flags: dict[str, bool]
    news: list[NewsInfo]
    plays: list[PlayInfo]
    turns_resolved: list[TurnInfo]


def _news(n: NewsItem) -> NewsInfo:
    # Built from the engine's own records, hundreds per view: constructed without
    # re-validation (the models still document and serialise the format).
    return NewsInfo.model_construct(
        turn=n.turn, text=n.text, kind=n.kind, audience=sorted(n.audience) if n.audience is not None else None, actor=n.actor
    )


def _all_news(view: PlayerView, cache: ViewCache | None) -> list[NewsInfo]:
    if cache is None:
        return [_news(n) for n in view.news]
    out = []
    for n in view.news:
        info = cache.news.get(n)
        if info is None:
            info = cache.news[n] = _news(n)
        out.append(info)
    return out


def _all_plays(view: PlayerView, cache: ViewCache | None) -> list[PlayInfo]:
    deck = view.deck
    out = []
    for p in view.plays:
        info = cache.plays.get(p) if cache is not None else None
        if info is None:
            info = PlayInfo.model_construct(
                turn=p.turn, actor=p.actor, move=p.move, name=deck.moves[deck.move_index[p.move]].name, secret=p.secret, success=p.success
            )
            if cache is not None:
                cache.plays[p] = info
        out.append(info)
    return out


def turn_label(view: PlayerView, turn: int | None = None) -> str:
    """`Week 3 of 6 · 17 January 2022`, as the terminal screens write it."""
    return deck_turn_label(view.deck, view.turn if turn is None else turn, view.turns)


@dataclass
class ViewCache:
    """What a host keeps between views so that each is not rebuilt from nothing.

    `turns` is per seat: turn -> (reveals so far, description); a resolved turn's
    description changes only when a later reveal uncovers one of its plays. `news` and
    `plays` may be shared by all seats: an item's data form does not depend on who sees it.
    """

    turns: dict[int, tuple[int, TurnInfo]] = field(default_factory=dict)
    news: dict[NewsItem, NewsInfo] = field(default_factory=dict)
    plays: dict[Play, PlayInfo] = field(default_factory=dict)


def _offer(deck: CompiledDeck, words: Describer, record: OfferRecord) -> OfferInfo:
    terms = offer_terms(deck, words, record)
    return OfferInfo(
        move=record.move, name=record.name, maker=record.maker, maker_name=deck.actor_name(record.maker),
        recipient=record.recipient, recipient_name=deck.actor_name(record.recipient), made=record.made,
        deadline=record.deadline, status=record.status, closed=record.closed, secret=record.secret,
        accept=terms.accept.id, refuse=terms.refuse.id, accept_name=terms.accept.name, refuse_name=terms.refuse.name,
        accept_effects=terms.accept_effects, refuse_effects=terms.refuse_effects, expire_effects=terms.expire_effects,
        accept_news=terms.accept_news, refuse_news=terms.refuse_news,
    )


def seat_view(view: PlayerView, options: Sequence[MoveOption], allowed: int, cache: ViewCache | None = None) -> SeatView:
    """The data form of `view` (a seat's view, not the facilitator's), with its order sheet.

    `options` are the seat's moves with availability and reasons (`Game.legal_moves`),
    which depend only on what the seat may see. `cache`, kept by the caller per seat,
    saves describing the same resolved turns and news items again every time. The odds,
    roll labels, coach line, objectives, targeted moves and offers are worked out by
    `wargame.engine.reading`, as the read model works them out for the screens.
    """
    deck = view.deck
    seat = view.seat
    viewer = view.viewer
    belief = view.belief
    # An answer appears only while its offer waits: listed otherwise, "Accept Charlie's offer
    # (Backchannel deal)" would tell the seat of a secret offer it may one day be made.
    options = [o for o in options if o.move.answer is None or o.available]
    moves = []
    words = view.describer()  # effects in plain words, never naming a secret it cannot know
    for opt in options:
        m = opt.move
        said = words.describe_move(m)
        if m.actor != seat:
            raise ValueError(f"move {m.id} is not a move of {seat}")
        p, note = move_chance(viewer, deck, m, belief)  # None when the odds would give away what they read
        moves.append(
            MoveInfo(
                id=m.id, name=m.name, description=m.description, category=m.category, escalation=m.escalation,
                secret=m.secret, detection=m.detection if m.secret else 0.0, chance=p, chance_note=note, chance_source=m.chance_source,
                effects={k: v for k, v in (("success", said.success), ("failure", said.failure), ("always", said.always)) if v},
                news={k: t for k, t in (("success", m.success_news), ("failure", m.failure_news), ("always", m.always_news)) if t},
                once=m.once, cooldown=m.cooldown, requires=m.requires_own or said.requires, available=opt.available, reason=opt.reason,
                base=m.base or m.id, target=m.target, answer=m.answer,
            )
        )
    groups = [
        MoveGroupInfo(
            base=g.base, name=g.name, available=g.available,
            targets=[TargetInfo(target=t.target, target_name=deck.actor_name(t.target), move=t.move.id, available=t.available, reason=t.reason) for t in g.targets],
        )
        for g in move_groups(deck, options)
    ]
    records = offer_history(deck, view.plays, view._n_records, view.over, view.viewer)
    waiting, mine = offers_for(seat, records)
    hidden = view.hidden_slots
    tracks = []
    for slot, name in enumerate(deck.slot_names):
        tracks.append(
            TrackInfo(
                name=name, label=deck.track_label(slot), owner=deck.slot_owner(slot), value=None if slot in hidden else belief.v[slot],
                lo=deck.lo[slot], hi=deck.hi[slot], thresholds=list(deck.thresholds.get(slot, ())),
                secret=slot in deck.secret_slots, description=deck.slot_description(slot), history=view.history(name),
            )
        )
    names = {e.id: e.name for e in deck.events}
    resolved = []
    game_records = view._game.records  # flag changes are public (flags have no owner)
    reveals = len(view._revealed)
    for turn in sorted(view.orders):  # the resolved turns
        known = cache.turns.get(turn) if cache is not None else None
        if known is not None and known[0] == reveals:
            resolved.append(known[1])
            continue
        rolls = []
        for r in view.rolls_for_turn(turn):
            label = roll_label(deck, r.kind, r.key)
            why = roll_hidden_note(viewer, deck, r)
            if why:
                rolls.append(RollInfo(label=label, kind=r.kind, chance=None, roll=None, success=r.success, forced=r.forced, note=why))
            else:
                rolls.append(RollInfo(label=label, kind=r.kind, chance=r.chance, roll=r.roll, success=r.success, forced=r.forced))
        record = game_records[turn - 1]
        info = TurnInfo(
                turn=turn,
                rolls=rolls,
                changes=[ChangeInfo(label=deck.slot_label(c.slot), old=c.old, new=c.new) for c in view.changes_for_turn(turn)],
                flags=[(str(f[0]), bool(f[1]), bool(f[2])) for f in record.flag_changes],
                events=event_names(deck, viewer, view.fired_for_turn(turn), names),
                orders=list(view.orders.get(turn, {}).get(seat, ())),
                reasons=list(view.reasons.get(turn, {}).get(seat, ())),
            )
        if cache is not None:
            cache.turns[turn] = (reveals, info)
        resolved.append(info)
    ending = None
    if view.ending is not None:
        e = next(x for x in [*deck.endings, deck.turn_limit_ending] if x.id == view.ending)
        ending = EndingInfo(id=e.id, title=e.title, text=e.text)
    return SeatView(
        seat=seat,
        seat_name=deck.actor_name(seat),
        title=deck.title,
        turn=view.turn,
        turns=view.turns,
        turn_name=deck.turn_name,
        turn_label=turn_label(view),
        turn_labels=[turn_label(view, t) for t in range(1, view.turns + 1)],
        over=view.over,
        ending=ending,
        actors=[ActorInfo(id=a, name=deck.actor_name(a), short=deck.actor_short(a)) for a in deck.actors],
        brief=deck.actor_brief(seat) or "",
        allowed=allowed,
        moves=moves,
        move_groups=groups,
        offers_waiting=[_offer(deck, words, o) for o in waiting],
        my_offers_waiting=[_offer(deck, words, o) for o in mine],
        offers=[_offer(deck, words, o) for o in records],
        coach=coach_line(deck, viewer, view.turn, belief, view.over),
        objectives=[ObjectiveInfo(text=o.text, points=o.points, met=o.met) for o in objectives(deck, seat, belief)],
        tracks=tracks,
        flags=dict(zip(deck.flag_names, belief.f, strict=True)),
        news=_all_news(view, cache),
        plays=_all_plays(view, cache),
        turns_resolved=resolved,
    )
