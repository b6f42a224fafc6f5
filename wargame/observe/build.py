"""The one builder of `Observation`s: what a viewer may know of a game, now or at any past
moment of a saved one.

`observe(game, who, ...)` starts from the viewer's `PlayerView` (the engine's logs cut at a
moment and filtered by `visibility`) and puts everything in words. Screens, the host, agent
programs, the debrief and the report all call it; none of them builds a view of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from wargame.deck.compile import CMove, COffer, CompiledDeck
from wargame.deck.describe import Describer, turn_label
from wargame.deck.labels import group_name, offer_name, play_name
from wargame.deck.text import preview
from wargame.engine.game import Game, level_reached
from wargame.engine.offers import OfferRecord, offer_history
from wargame.engine.state import Cause, NewsItem, Play, Roll, State, TurnRecord
from wargame.observe import labels
from wargame.observe import visibility as vis
from wargame.observe.model import (
    ActorInfo,
    CauseInfo,
    ChangeInfo,
    ChannelInfo,
    ControlInfo,
    EndingInfo,
    FlagChange,
    FlagInfo,
    GameInfo,
    InjectEventInfo,
    InjectInfo,
    MessageInfo,
    MovedInfo,
    MoveGroupInfo,
    MoveInfo,
    NewsInfo,
    ObjectiveInfo,
    Observation,
    OddsInfo,
    OfferInfo,
    OfferTermsInfo,
    OrderInfo,
    PendingRollInfo,
    PlayInfo,
    RollInfo,
    RoomInfo,
    ScoreInfo,
    SeatInfo,
    SeatOrdersInfo,
    SeatSheet,
    TargetInfo,
    TeamInfo,
    TeamNoteInfo,
    TrackInfo,
    TurnInfo,
    ValueRead,
    ViewerInfo,
)
from wargame.observe.plain import plain_reason
from wargame.observe.talk import Message, Talk, Team, TeamNote, is_open
from wargame.observe.view import PlayerView
from wargame.observe.visibility import PUBLIC, Viewer
from wargame.words import count, possessive, sentence

__all__ = ["Explained", "TurnCache", "observe", "observe_view", "scores", "seat_infos"]


@dataclass
class Explained:
    """What the debrief adds to an observation of a past turn: for each resolved turn, the
    full state at each recorded roll (what its chance read then), in the record's order."""

    roll_states: Mapping[int, Sequence[State]] = field(default_factory=dict)


@dataclass
class TurnCache:
    """Resolved turns already put into words, per viewer: a turn's `TurnInfo` changes only
    when a later reveal uncovers one of its plays (or who plays a seat changes), so a
    controller that observes the game again and again keeps one of these."""

    turns: dict[tuple[str, int], tuple[tuple[object, ...], TurnInfo]] = field(default_factory=dict)

    def get(self, viewer: Viewer, turn: int, key: tuple[object, ...]) -> TurnInfo | None:
        hit = self.turns.get((viewer.name, turn))
        return hit[1] if hit is not None and hit[0] == key else None

    def put(self, viewer: Viewer, turn: int, key: tuple[object, ...], info: TurnInfo) -> None:
        self.turns[(viewer.name, turn)] = (key, info)


OPENING_LABEL = "Before the first orders"
"""How the opening (turn 0) is labelled."""


def seat_infos(seats: Mapping[str, str], programs: Mapping[str, str] | None = None) -> dict[str, SeatInfo]:
    """Who plays each actor, from seat specifications (`human`, `doctrine:NAME`, ...), as
    every viewer may be told. `programs`: actor -> the program's name, for the facilitator."""
    out = {}
    for actor, spec in seats.items():
        kind = labels.seat_kind(spec)
        out[actor] = SeatInfo(kind=kind, label=labels.seat_label(spec, program_name=(programs or {}).get(actor)))  # type: ignore[arg-type]
    return out


def observe(
    game: Game,
    who: Viewer | str,
    *,
    seats: Mapping[str, str] | None = None,
    upto: int | None = None,
    state: State | None = None,
    room: RoomInfo | None = None,
    explained: Explained | None = None,
    programs: Mapping[str, str] | None = None,
    cache: TurnCache | None = None,
    odds: tuple[OddsInfo | None, bool] | None = None,
    talk: Talk | None = None,
) -> Observation:
    """What `who` may know of `game`: now, or (with `upto` and the `state` then) after
    `upto` resolved turns, before the next was decided.

    `seats` are the seat specifications (actor -> `human`, `doctrine:NAME`, ...): who plays
    each actor, and whose stated reasons may be shown to others (a computer's that read
    nothing hidden). `room` is the controller's (who has sealed, the clock, settings),
    passed through. `explained` adds each roll's reads (the debrief). `programs` names the
    program playing an actor, for the facilitator's seat labels. `cache` keeps resolved
    turns between calls (live games only). `odds` is the controller's live odds and whether
    they are being computed again: for the facilitator's console only (they read the full
    state), never put in anyone else's observation. `talk` is what was said (kept beside
    the game, never in its state): the viewer is shown the messages it may read (up to the
    turn being decided, in the past) and, live, the channels it reads."""
    view = PlayerView(game, who) if upto is None else PlayerView(game, who, upto=upto, state=state)
    builder = _Builder(game, view, dict(seats or {}), explained, programs or {}, cache if upto is None else None, talk)
    builder.odds = odds
    return builder.build(room, live=upto is None)


def observe_view(view: PlayerView, room: RoomInfo | None = None, talk: Talk | None = None) -> Observation:
    """The observation of an existing view of a game being played (a computer seat's, made
    for it by its controller): what a program playing the seat is sent."""
    return _Builder(view._game, view, dict(view.seats), None, {}, None, talk or view.talk).build(room, live=True)


class _Builder:
    def __init__(
        self, game: Game, view: PlayerView, seats: dict[str, str], explained: Explained | None, programs: Mapping[str, str],
        cache: TurnCache | None, talk: Talk | None = None,
    ) -> None:
        self.talk = talk
        self.cache = cache
        self.game = game
        self.view = view
        self.deck: CompiledDeck = game.deck
        self.viewer: Viewer = view.viewer
        self.seats = seats
        self.explained = explained
        self.programs = programs
        self.words: Describer = view.describer()
        self.event_names = {e.id: e.name for e in self.deck.events}
        self.resolved = view._n_records
        self.odds: tuple[OddsInfo | None, bool] | None = None

    # -- the whole -----------------------------------------------------------------------
    def build(self, room: RoomInfo | None, *, live: bool) -> Observation:
        deck, view = self.deck, self.view
        viewer = self.viewer
        records = [vis.offer_as_seen(viewer, deck, r) for r in offer_history(deck, view.plays, self.resolved, view.over)]
        seat = viewer.actor
        sheet = self._sheet(records, live) if seat is not None else None
        control = self._control() if viewer.is_facilitator and live else None
        return Observation.model_construct(
            v=2,
            viewer=ViewerInfo(kind=viewer.kind, seat=seat, name=labels.viewer_name(deck, viewer), label=labels.viewer_label(deck, viewer)),
            game=self._game_info(),
            actors=self._actors(),
            tracks=self._tracks(),
            flags=[self._flag(i, n, bool(view.belief.f[i])) for i, n in enumerate(deck.flag_names)],
            news=[_news(n) for n in view.news],
            plays=[self._play(p) for p in view.plays],
            offers=[self._offer(r) for r in records],
            turns=[self._turn(t) for t in range(1, self.resolved + 1)],
            opening=self._build_turn(0) if self.game.opening is not None else None,
            coach=_coach(deck, viewer, view.turn, view.belief, view.over),
            seat=sheet,
            control=control,
            room=room,
            messages=self._messages(),
            channels=self._channels(),
            teams=self._teams(),
        )

    # -- talk ------------------------------------------------------------------------------
    def _messages(self) -> list[MessageInfo]:
        if self.talk is None:
            return []
        said = self.talk.upto(self.view.turn)
        return [_message(m) for m in said if vis.sees_message(self.viewer, m)]

    def _teams(self) -> list[TeamInfo]:
        if self.talk is None:
            return []
        out = []
        for seat in self.deck.actors:
            team = self.talk.teams.get(seat)
            if team is None or not team.members or not vis.sees_team(self.viewer, seat):
                continue
            notes = [self._note(team, n) for n in team.notes if n.turn <= self.view.turn]
            out.append(TeamInfo(seat=seat, members=list(team.members), sealer=team.sealer, notes=notes, cap=self.talk.cap(seat)))
        return out

    def _note(self, team: Team, n: TeamNote) -> TeamNoteInfo:
        deck = self.deck
        names = [labels.order_label(deck, deck.moves[deck.move_index[o]]) if o in deck.move_index else o for o in n.orders]
        agreed, objected = (team.stances(n.id) if n.kind == "propose" else (n.agreed, n.objected))
        return TeamNoteInfo(id=n.id, turn=n.turn, at=n.at, member=n.member, kind=n.kind, proposal=n.proposal, orders=list(n.orders),
                            order_names=names, text=n.text, agreed=list(agreed), objected=list(objected))

    def _channels(self) -> list[ChannelInfo]:
        talk = self.talk or Talk()
        out = []
        viewer, state, over = self.viewer, self.view.belief, self.view.over
        for c in self.deck.channels:
            if not vis.reads_channel(viewer, c):
                continue
            member = viewer.is_facilitator or (viewer.actor is not None and viewer.actor in c.members)
            out.append(ChannelInfo(
                name=c.name, title=c.title, members=list(c.members), open=member and is_open(c, state, talk.muted, over),
                public=c.public, muted=c.name in talk.muted,
            ))
        return out

    def _game_info(self) -> GameInfo:
        deck, view = self.deck, self.view
        ending = None
        if view.ending is not None:
            e = next(x for x in [*deck.endings, deck.turn_limit_ending] if x.id == view.ending)
            ending = EndingInfo(id=e.id, title=e.title, text=e.text)
        return GameInfo(
            deck=deck.id, title=deck.title, turn_name=deck.turn_name, turn=view.turn, turns=view.turns,
            resolved=self.resolved, turn_label=turn_label(deck, view.turn, view.turns),
            turn_labels=[turn_label(deck, t, view.turns) for t in range(1, view.turns + 1)],
            over=view.over, ending=ending, has_offers=bool(deck.offers), summary=deck.summary, endings=self._endings(),
        )

    def _endings(self) -> list[EndingInfo]:
        """Every way the game can end, with what brings it about in this viewer's words (no
        amount of a track hidden from it)."""
        deck = self.deck
        out = [EndingInfo(id=e.id, title=e.title, text=e.text, when=self.words.ending_condition(e.when_node) if e.when_node is not None else "")
               for e in deck.endings]
        limit = deck.turn_limit_ending
        out.append(EndingInfo(id=limit.id, title=limit.title, text=limit.text, when=f"{self.words.time_up()} with none of the above"))
        return out

    def _actors(self) -> list[ActorInfo]:
        deck = self.deck
        infos = seat_infos(self.seats, self.programs if self.viewer.is_facilitator else None)
        default = SeatInfo(kind="human", label="Human")
        return [ActorInfo(id=a, name=deck.actor_name(a), short=deck.actor_short(a), seat=infos.get(a, default)) for a in deck.actors]

    def _tracks(self) -> list[TrackInfo]:
        deck, view = self.deck, self.view
        hidden = view.hidden_slots
        values = view.belief.v
        out = []
        for slot, name in enumerate(deck.slot_names):
            value = None if slot in hidden else values[slot]
            levels = list(deck.thresholds.get(slot, ()))
            down = slot in deck.descending
            level = level_reached(value, levels, descending=down) if value is not None else ""
            severity = 0 if value is None else sum(1 for lvl, _ in levels if (value <= lvl if down else value >= lvl))
            owner = deck.slot_owner(slot)
            out.append(TrackInfo.model_construct(
                name=name, label=deck.track_label(slot), full_label=deck.slot_label(slot), owner=owner, value=value,
                lo=deck.lo[slot], hi=deck.hi[slot], thresholds=levels, descending=down, secret=slot in deck.secret_slots,
                description=deck.slot_description(slot), level=level, severity=severity, history=view.history(name),
            ))
        return out

    def _flag(self, slot: int, name: str, value: bool) -> FlagInfo:
        spec = self.deck.flag_spec(slot)
        return FlagInfo(name=name, label=self.words.flag(slot), value=value, state=self.words.flag_state(slot, value),
                        description=spec.description if spec is not None else "")

    def _flag_change(self, name: str, old: bool, new: bool) -> FlagChange:
        deck = self.deck
        if name not in deck.flag_names:
            return FlagChange(name=name, label=name, old=old, new=new)
        slot = deck.flag_names.index(name)
        return FlagChange(name=name, label=self.words.flag(slot), old=old, new=new,
                          was=deck.flag_words(slot, old) or "", now=deck.flag_words(slot, new) or "")

    def _play(self, p: Play) -> PlayInfo:
        move = self.deck.moves[self.deck.move_index[p.move]]
        revealed = self.view._revealed_at.get((p.turn, p.move)) if p.secret else None
        return PlayInfo.model_construct(turn=p.turn, actor=p.actor, move=p.move, name=play_name(self.deck, move), secret=p.secret,
                                        success=p.success, escalation=move.escalation, revealed=revealed)

    # -- offers --------------------------------------------------------------------------
    def _offer(self, rec: OfferRecord) -> OfferInfo:
        deck = self.deck
        offer = deck.offers[rec.slot]
        move, accept, refuse = deck.moves[offer.move], deck.moves[offer.accept], deck.moves[offer.refuse]
        accept_does, refuse_does, expire_does = self._answers(offer)
        return OfferInfo(
            move=rec.move, slot=rec.slot, name=offer_name(deck, move), move_name=move.name, description=move.description,
            maker=rec.maker, maker_name=deck.actor_name(rec.maker), recipient=rec.recipient, recipient_name=deck.actor_name(rec.recipient),
            made=rec.made, deadline=rec.deadline, status=rec.status, closed=rec.closed, secret=rec.secret,
            accept=accept.id, refuse=refuse.id, accept_name=accept.name, refuse_name=refuse.name,
            accept_effects=accept_does, refuse_effects=refuse_does, expire_effects=expire_does,
            accept_news=accept.success_news, refuse_news=refuse.success_news,
            story=labels.offer_story(deck, rec, self.viewer.actor),
        )

    def _answers(self, offer: COffer) -> tuple[list[str], list[str], list[str]]:
        """What accepting, refusing and letting `offer` expire do, in this viewer's words."""
        deck, words = self.deck, self.words
        accept, refuse = deck.moves[offer.accept], deck.moves[offer.refuse]
        return list(words.describe_move(accept).success), list(words.describe_move(refuse).success), words.effects(offer.expire_nodes)

    # -- a resolved turn -----------------------------------------------------------------
    def _turn(self, turn: int) -> TurnInfo:
        if self.cache is None:
            return self._build_turn(turn)
        key = (len(self.view._revealed), tuple(sorted(self.seats.items())))
        info = self.cache.get(self.viewer, turn, key)
        if info is None:
            info = self._build_turn(turn)
            self.cache.put(self.viewer, turn, key, info)
        return info

    def _build_turn(self, turn: int) -> TurnInfo:
        deck, view, viewer = self.deck, self.view, self.viewer
        rec = self.game.records[turn - 1] if turn else self.game.opening
        assert rec is not None
        news = view.news_for_turn(turn)
        ending = None
        if rec.ending is not None:
            e = next((x for x in [*deck.endings, deck.turn_limit_ending] if x.id == rec.ending), None)
            ending = EndingInfo(id=e.id, title=e.title, text=e.text) if e is not None else None
        injected = frozenset(i.event for i in rec.injects if i.event is not None)
        return TurnInfo.model_construct(
            turn=turn,
            label=turn_label(deck, turn, view.turns) if turn else OPENING_LABEL,
            news=[_news(n) for n in news if n.kind not in {"threshold", "ending"}],
            thresholds=[_news(n) for n in news if n.kind == "threshold"],
            rolls=self._rolls(turn, rec, injected),
            changes=[ChangeInfo.model_construct(name=c.name, label=deck.slot_label(c.slot), old=c.old, new=c.new, descending=c.slot in deck.descending)
                     for c in view.changes_for_turn(turn)],
            flags=[self._flag_change(str(n), bool(o), bool(w)) for n, o, w in rec.flag_changes],
            moved=self._moved(turn, rec),
            events=[self.event_names.get(e, e) for e in view.fired_for_turn(turn) if vis.sees_event_fired(viewer, deck, e)],
            injects=[self._inject(i.event, i.text, i.effects) for i in rec.injects],
            orders=self._orders(turn, rec) if turn else [],
            ending=ending,
        )

    def _moved(self, turn: int, rec: TurnRecord) -> list[MovedInfo]:
        """Each track this viewer sees that a step of the turn moved, with each cause it may
        be told of by name in resolution order, and the rest as one "something you cannot
        see" (last, so that its place says nothing of what it was)."""
        deck, view = self.deck, self.view
        known = {(p.turn, p.move) for p in view.plays}
        per_slot: dict[int, list[CauseInfo]] = {}
        unseen: dict[int, float] = {}
        for cause in rec.causes:
            named = vis.names_cause(self.viewer, deck, cause, (cause.turn, cause.source) in known)
            info = self._cause(cause, rec) if named else None
            for slot, delta in cause.deltas:
                if slot in view.hidden_slots:
                    continue
                if info is None:
                    unseen[slot] = unseen.get(slot, 0.0) + delta
                    per_slot.setdefault(slot, [])
                else:
                    per_slot.setdefault(slot, []).append(info.model_copy(update={"delta": delta}))
        changed = {c.slot: c for c in rec.changes}
        out = []
        for slot in sorted(per_slot):
            causes = per_slot[slot]
            hidden = unseen.get(slot, 0.0)
            if abs(hidden) > 1e-9:
                causes.append(CauseInfo(kind="hidden", text="something you cannot see", delta=hidden))
            if not causes:
                continue  # moved only by what this viewer cannot see, and back
            change = changed.get(slot)
            if change is not None:
                old, new = change.old, change.new
            else:
                old = new = rec.start.v[slot] if rec.start is not None else view.history(deck.slot_names[slot])[turn] or 0.0
            out.append(MovedInfo(name=deck.slot_names[slot], label=deck.slot_label(slot), old=old, new=new,
                                 descending=slot in deck.descending, causes=causes))
        return out

    def _cause(self, cause: Cause, rec: TurnRecord) -> CauseInfo:
        """A step this viewer may be told of, in words (its amount filled in per track)."""
        deck, viewer = self.deck, self.viewer
        if cause.kind == "move" and cause.source in deck.move_index:
            move = deck.moves[deck.move_index[cause.source]]
            label = labels.order_label(deck, move)
            label += labels.mark_after(label, "secret", move.secret)
            if viewer.actor == move.actor:
                return CauseInfo(kind="yours", text=f"your order: {label}", delta=0.0, actor=move.actor, source=move.id, secret=move.secret)
            return CauseInfo(kind="theirs", text=f"{possessive(deck.actor_name(move.actor))} order: {label}", delta=0.0, actor=move.actor,
                             source=move.id, secret=move.secret)
        if cause.kind in {"event", "outcome", "inject"} and cause.source is not None:
            event_id, _, pick = cause.source.partition("#")
            index = deck.event_index.get(event_id)
            name = deck.events[index].name if index is not None else event_id
            if cause.kind == "outcome" and index is not None and pick.isdigit() and int(pick) < len(deck.events[index].outcomes):
                name = f"{name}: {deck.events[index].outcomes[int(pick)].name}"
            text = f"the facilitator's inject: {name}" if cause.kind == "inject" else f"event: {name}"
            return CauseInfo(kind="inject" if cause.kind == "inject" else "event", text=text, delta=0.0, source=event_id)
        if cause.kind == "expire" and cause.source in deck.move_index:
            move = deck.moves[deck.move_index[cause.source]]
            whose = "your" if viewer.actor == cause.actor else possessive(deck.actor_name(cause.actor or move.actor))
            return CauseInfo(kind="expire", text=f"{whose} offer left unanswered: {offer_name(deck, move)}", delta=0.0,
                             actor=cause.actor, source=move.id)
        written = [i.text for i in rec.injects if i.event is None]
        text = written[0] if len(written) == 1 and written[0] else "the facilitator changes the situation"
        return CauseInfo(kind="inject", text=f"the facilitator's inject: {text}", delta=0.0)

    def _inject(self, event: str | None, text: str, effects: Sequence[str]) -> InjectInfo:
        if event is not None:
            return InjectInfo(event=event, name=self.event_names.get(event, event))
        shown = list(effects) if vis.sees_inject_effects(self.viewer) else []
        return InjectInfo(name=text or "The facilitator changes the situation.", effects=shown)

    def _rolls(self, turn: int, rec: TurnRecord, injected: frozenset[str]) -> list[RollInfo]:
        seen = self.view.rolls_for_turn(turn)
        if not seen:
            return []
        states: Sequence[State] = ()
        if self.explained is not None:
            states = self.explained.roll_states.get(turn, ())
        at = dict(zip(map(tuple, rec.rolls), states, strict=False)) if states else {}
        return [self._roll(r, injected, at.get(tuple(r))) for r in seen]

    def _roll(self, roll: Roll, injected: frozenset[str], state: State | None) -> RollInfo:
        deck, viewer = self.deck, self.viewer
        note = vis.roll_hidden_note(viewer, deck, roll)
        source, reads = "", list[ValueRead]()
        if state is not None:
            source, reads = self._explain(roll, state)
        inject = roll.kind in {"event", "outcome"} and roll.key.partition("#")[0] in injected
        return RollInfo.model_construct(
            label=labels.roll_label(deck, roll), kind=roll.kind,
            chance=None if note else roll.chance, roll=None if note else roll.roll,
            success=roll.success, forced=roll.forced, note=note, inject=inject, source=source, reads=reads,
        )

    def _explain(self, roll: Roll, state: State) -> tuple[str, list[ValueRead]]:
        """The chance as the deck wrote it and each thing it read then, as this viewer may
        see it: a value only if the viewer may see what it reads."""
        from wargame.observe.reads import chance_of, parts

        source, node = chance_of(self.deck, roll)
        if not source:
            return f"fixed {roll.chance * 100:.0f}%", []
        shown = []
        for part in parts(self.deck, node):
            ok = not vis.hidden_inputs(self.viewer, self.deck, part.reads)
            shown.append(ValueRead(text=part.text, value=_show(part.fn(state)) if ok else None))
        return source, shown

    def _orders(self, turn: int, rec: TurnRecord) -> list[SeatOrdersInfo]:
        """Each seat's orders of a resolved turn as this viewer may see them: all of them for
        whoever sees that seat's orders; for others, every play it knows of (a team's as well
        as a computer's) with a computer's reason where it reads nothing hidden from the
        viewer, or a line saying its reasons are hidden; a team's why only to itself."""
        deck, view, viewer = self.deck, self.view, self.viewer
        known = {(p.actor, p.move) for p in view.plays if p.turn == turn}
        out = []
        for actor in deck.actors:
            orders, why = rec.orders.get(actor, ()), rec.reasons.get(actor, ())
            seat = self.seats.get(actor, "")
            if vis.sees_orders(viewer, actor):
                lines = [self._order(m, why[i] if i < len(why) else "", actor, seat, rec.start, readable=True) for i, m in enumerate(orders)]
                note = why[0] if not orders and why else ""
                out.append(SeatOrdersInfo.model_construct(actor=actor, visible=True, orders=lines, note=note))
                continue
            team = labels.seat_kind(seat or "human") == "human"
            lines = []
            for i, move_id in enumerate(orders):
                if (actor, move_id) not in known:
                    continue
                # A team's play is listed like a computer's; its own why stays as private as
                # its orders (it may speak of its secrets).
                reason = "" if team else why[i] if i < len(why) else ""
                readable = not reason or vis.sees_reason(viewer, deck, actor, seat, move_id, True)
                line = self._order(move_id, reason, actor, seat, rec.start, readable=readable)
                if not readable:
                    line = line.model_copy(update={"reason": labels.HIDDEN_REASON})
                lines.append(line)
            out.append(SeatOrdersInfo.model_construct(actor=actor, visible=False, orders=lines, note=""))
        return out

    def _order(self, move_id: str, reason: str, actor: str = "", seat: str = "", state: State | None = None, *, readable: bool = True) -> OrderInfo:
        move = self.deck.moves[self.deck.move_index[move_id]]
        plain = plain_reason(self.deck, actor or move.actor, seat, move_id, reason, state, readable=readable,
                             owner=vis.sees_orders(self.viewer, actor or move.actor)) if reason else ""
        return OrderInfo.model_construct(move=move_id, name=move.name, label=labels.order_label(self.deck, move), secret=move.secret,
                                         answer=move.answer is not None, reason=reason, plain=plain)

    # -- a seat's own sheet --------------------------------------------------------------
    def _sheet(self, records: list[OfferRecord], live: bool) -> SeatSheet:
        deck, view, viewer = self.deck, self.view, self.viewer
        seat = viewer.actor
        assert seat is not None
        belief = view.belief
        moves = []
        for move in deck.moves_by_actor[seat]:
            reason = "the game is over" if view.over else self.game.unavailable_reason(move, belief, check_over=False)
            if not vis.lists_move(viewer, move, available=not reason):
                continue  # an answer to an offer that does not wait for this seat
            moves.append(self._move(move, reason, belief))
        waiting = [r for r in records if r.status == "waiting"]
        sealed = None
        if live and seat in self.game.orders:
            sealed = [self._order(m, "") for m in self.game.orders[seat]]
        return SeatSheet(
            brief=deck.actor_brief(seat) or "",
            allowed=deck.orders_per_turn(seat, belief),
            moves=moves,
            groups=self._groups(moves),
            offers_waiting=[self._offer(r) for r in waiting if r.recipient == seat],
            my_offers_waiting=[self._offer(r) for r in waiting if r.maker == seat],
            objectives=[ObjectiveInfo(text=o.text_tpl.fill(belief) if o.text_tpl else o.text, points=o.points, met=bool(o.when(belief)))
                        for o in deck.objectives[seat]],
            coach=_coach(deck, viewer, view.turn, belief, view.over),
            sealed=sealed,
            private=self._private(view.turn - 1) if self.resolved >= 1 else None,
        )

    def _move(self, move: CMove, reason: str, belief: State) -> MoveInfo:
        deck = self.deck
        said = self.words.describe_move(move)
        chance, note = vis.move_chance(self.viewer, deck, move, belief)
        unit = deck.turn_name
        visibility = "secret" if move.secret else "public"
        if move.secret and move.detection:
            visibility += f" (found out {labels.percent(move.detection)} of the time)"
        elif move.secret and move.detection_fn is not None:
            visibility += " (may be found out; the odds change with the situation)"
        if move.unattributed:
            # Everyone sees what it does; "found out" is about who did it.
            visibility = "unattributed: everyone sees what it does, not who did it" + visibility.removeprefix("secret")
        templated = move.success_tpl is not None or move.failure_tpl is not None
        news = {}
        for key, text in (("success", move.success_news), ("failure", move.failure_news), ("always", move.always_news)):
            if text:
                # News with values is filled in when it happens: before, its values are "…".
                news[key] = preview(text) if templated else text
        limits = []
        if move.once:
            limits.append("once per game")
        if move.cooldown:
            limits.append(f"after playing it, wait {count(move.cooldown, unit)}")
        said_limits = [sentence("; ".join(limits))] if limits else []
        requires = move.requires_own or said.requires or move.requires_text
        if requires:
            said_limits.append(sentence(requires))
        terms = None
        if move.gate is not None and move.answer is None and move.gate < len(deck.offers):
            offer = deck.offers[move.gate]
            a, r, e = self._answers(offer)
            terms = OfferTermsInfo(recipient=offer.recipient, recipient_name=deck.actor_name(offer.recipient), expires=offer.expires,
                                   accept_effects=a, refuse_effects=r, expire_effects=e)
        return MoveInfo.model_construct(
            id=move.id, name=move.name, label=labels.order_label(deck, move), description=move.description,
            category=move.category, category_label=move.category_label or move.category, escalation=move.escalation, secret=move.secret, visibility=visibility, unattributed=move.unattributed,
            detection=move.detection if move.secret else 0.0, chance=chance, chance_note=note,
            chance_words=said.chance if move.chance_source else "", chance_source=move.chance_source,
            effects={k: v for k, v in (("success", said.success), ("failure", said.failure), ("always", said.always)) if v},
            news=news, once=move.once, cooldown=move.cooldown, requires=requires, limits=" ".join(said_limits),
            available=not reason, reason=reason, base=move.base or move.id, target=move.target,
            target_name=deck.actor_name(move.target) if move.target else None,
            group=group_name(move) if move.target is not None and move.answer is None else "",
            answer=move.answer, offer=terms,
        )

    def _groups(self, moves: list[MoveInfo]) -> list[MoveGroupInfo]:
        groups: dict[str, list[TargetInfo]] = {}
        names: dict[str, str] = {}
        for m in moves:
            if m.target is None or m.answer is not None:
                continue
            names.setdefault(m.base, m.group)
            groups.setdefault(m.base, []).append(TargetInfo(target=m.target, target_name=m.target_name or m.target, move=m.id, available=m.available, reason=m.reason))
        return [MoveGroupInfo(base=b, name=names[b], available=any(t.available for t in ts), targets=ts) for b, ts in groups.items()]

    def _private(self, turn: int) -> TurnInfo | None:
        """What this seat saw of a resolved turn that the public did not: its secret news,
        its hidden rolls and its secret tracks' changes."""
        if turn < 1:
            return None
        mine = self._turn(turn)
        public_view = PlayerView(self.game, PUBLIC) if self.view._own is not None and self.resolved == len(self.game.records) and self.view.turn == self.game.state.turn \
            else PlayerView(self.game, PUBLIC, upto=self.resolved, state=self.view._state)
        public = _Builder(self.game, public_view, self.seats, None, {}, self.cache)._turn(turn)
        # An item is private when the public does not read it (an unattributed move's news
        # is public, though only its own seat knows who is behind it).
        public_news = {(n.turn, n.text, n.kind) for n in public.news}
        return TurnInfo.model_construct(
            turn=turn, label=mine.label,
            news=[n for n in mine.news if (n.turn, n.text, n.kind) not in public_news],
            thresholds=[n for n in mine.thresholds if n not in public.thresholds],
            rolls=[r for r in mine.rolls if r not in public.rolls],
            changes=[c for c in mine.changes if c not in public.changes],
            flags=[], events=[], injects=[], orders=[], ending=None,
        )

    # -- the facilitator's console -------------------------------------------------------
    def _control(self) -> ControlInfo:
        game, deck = self.game, self.deck
        sealed = []
        for actor in deck.actors:
            if actor in game.orders:
                why = game.reasons.get(actor, ())
                seat = self.seats.get(actor, "")
                lines = [self._order(m, why[i] if i < len(why) else "", actor, seat, game.state) for i, m in enumerate(game.orders[actor])]
                sealed.append(SeatOrdersInfo(actor=actor, visible=True, orders=lines, note=why[0] if not lines and why else ""))
            else:
                sealed.append(SeatOrdersInfo(actor=actor, visible=False, orders=[]))
        pending = [] if game.is_over else [
            PendingRollInfo(key=key, label=label, chance=p, forced=game.overrides.get(key)) for key, label, p in game.pending_rolls()
        ]
        words = Describer(deck)  # the facilitator may know everything
        events = []
        for e in sorted(deck.events, key=lambda e: not e.inject):
            said = words.describe_event(e)
            chance = said.chance if e.chance is not None or (e.chance_const is not None and e.chance_const < 1) else ""
            events.append(InjectEventInfo(id=e.id, name=e.name, inject=e.inject, news=e.news, effects=said.effects, chance=chance, once=e.once))
        queued = [self._inject(i.event, i.text, i.effects) for i in game.injects]
        odds, pending_odds = self.odds if self.odds is not None else (None, False)
        computers = [a for a in deck.actors if labels.seat_kind(self.seats.get(a) or "human") != "human"]
        return ControlInfo(
            seed=game.seed, sealed=sealed, pending_rolls=pending, inject_events=events, injects=queued,
            scores=scores(game), example_effects=_example_effects(deck), odds=odds, odds_pending=pending_odds,
            in_opening=game.in_opening(computers),  # a computer's sealed orders are taken back
        )


def scores(game: Game) -> list[ScoreInfo]:
    """Every actor's objectives met or missed now (the full state: the facilitator's)."""
    out = []
    for actor, score in game.scores().items():
        most = sum(o.points for o in game.deck.objectives[actor])
        out.append(ScoreInfo(actor=actor, total=score.total, most=most,
                             objectives=[ObjectiveInfo(text=o.text, points=o.points, met=o.met) for o in score.objectives]))
    return out


def _example_effects(deck: CompiledDeck) -> str:
    """Effects in this deck's own names, as a hint of the syntax."""
    names = deck.slot_names
    glob = next((n for n in names if "." not in n), None)
    own = next((n for n in names if "." in n), None)
    parts = [f"{glob} += 1" if glob else "", f"{own} -= 1" if own else ""]
    return "; ".join(p for p in parts if p) or "flags.name = true"


def _coach(deck: CompiledDeck, viewer: Viewer, turn: int, belief: State, over: bool) -> str:
    """The deck's coach line for a viewer before ordering `turn`, or empty (never the
    facilitator's). Judged on the viewer's belief (the loader has checked that its
    condition reads nothing hidden); the public gets the lines for everyone."""
    if over or viewer.is_facilitator:
        return ""
    return next((line.text for line in deck.coach if line.applies(turn, viewer.actor, belief)), "")


def _message(m: Message) -> MessageInfo:
    return MessageInfo(id=m.id, turn=m.turn, at=m.at, channel=m.channel, sender=m.sender, sender_name=m.sender_name,
                       to=list(m.to), text=m.text, member=m.member)


def _news(n: NewsItem) -> NewsInfo:
    return NewsInfo.model_construct(turn=n.turn, text=n.text, kind=n.kind, audience=sorted(n.audience) if n.audience is not None else None, actor=n.actor, source=n.source)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return labels.format_value(float(value))
    return str(value)
