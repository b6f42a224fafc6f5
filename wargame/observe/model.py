"""The one shape of "what a viewer may know": a versioned, plain-data `Observation`.

Every surface reads it: the terminal screens (local or joined over the network), the
projector, the host's messages, agent programs, the debrief and the report. It is built
only by `wargame.observe.build.observe`, from the visibility rules for its viewer, so
nothing in it is secret from that viewer. It holds no deck source and no seed (but for the
facilitator's `control.seed`). Every text in it is already in words (labels, effects,
reasons, limits): a client renders it and decides nothing.

`OBSERVATION_VERSION` is bumped when a field changes meaning or goes away; new fields may
appear at any time (docs/agent-protocol.md is the reference for programs).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

OBSERVATION_VERSION = 2
"""2: the one Observation (version 1 was the agents' and network seats' `SeatView`)."""

ViewerKind = Literal["seat", "facilitator", "public"]
SeatKind = Literal["human", "computer", "program"]
OfferStatus = Literal["waiting", "accepted", "refused", "expired", "unanswered", "unknown"]
"""`unknown`: a secret offer this viewer learned of from a reveal, whose answer or expiry
went only to those it was made among (their silence tells nothing)."""
TimeUp = Literal["wait", "stand-pat", "stand-in"]
"""What happens when the countdown runs out: keep waiting, seal missing seats' orders as
none (they stand pat), or let their computer stand-ins play. One set of names everywhere."""


class Data(BaseModel):
    """Frozen, strict plain data: what goes over the wire is exactly what the fields say."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# -- who and when ------------------------------------------------------------------------
class ViewerInfo(Data):
    kind: ViewerKind
    seat: str | None = None
    """The seat's actor id (None for the facilitator and the public)."""
    name: str
    """`North Korea`, `the facilitator`, `the public`."""
    label: str
    """What a screen's corner says: `North Korea's view`, `facilitator: everything`, `public view`."""


class EndingInfo(Data):
    id: str
    title: str
    text: str
    when: str = ""
    """What brings it about, in this viewer's words (`Tension at least 10`; `after the last
    month` for the turn limit). Set in `GameInfo.endings` (the stakes shown at the start)."""


class GameInfo(Data):
    deck: str
    """The deck's id (`korea-2022`)."""
    title: str
    turn_name: str
    """What a turn is called in this deck: `month`, `day`, `week`."""
    turn: int
    """The turn being decided now (at the end: one past the last resolved)."""
    turns: int
    resolved: int
    """How many turns had been resolved at this moment."""
    turn_label: str
    """`Month 3 of 12 · March 2022`."""
    turn_labels: list[str]
    """The label of every turn, first to last."""
    over: bool
    ending: EndingInfo | None = None
    has_offers: bool = False
    """The deck has offers (so screens keep a place for them)."""
    summary: str = ""
    """The scenario in a few sentences (the deck's summary)."""
    endings: list[EndingInfo] = []
    """Every way the game can end, in the order they are checked (the turn limit last),
    each with what brings it about: the stakes, shown at the start and one key away."""


class SeatInfo(Data):
    kind: SeatKind
    label: str
    """`Human`, `Computer (doctrine: hardliner)`, `Computer (a program)`: never a command line."""


class ActorInfo(Data):
    id: str
    name: str
    short: str
    seat: SeatInfo


# -- the situation -----------------------------------------------------------------------
class TrackInfo(Data):
    name: str
    """`tension`, or `dprk.capability` for an actor's track."""
    label: str
    """The track's own label (`Capability`)."""
    full_label: str
    """With its actor for an actor track (`North Korea: Capability`)."""
    owner: str | None
    value: float | None
    """None when hidden from this viewer (another seat's secret)."""
    lo: float
    hi: float
    thresholds: list[tuple[float, str]]
    descending: bool = False
    """Lower is worse (DEFCON): a level is reached from above."""
    secret: bool
    description: str
    level: str = ""
    """The most severe named level reached now, or empty."""
    severity: int = 0
    """How many named levels the value has reached (a bar's colour)."""
    history: list[float | None]
    """At the start and after each resolved turn (None where hidden)."""


class FlagInfo(Data):
    name: str
    label: str
    """The deck's label for the flag, or its name in words (`ICBM moratorium`)."""
    value: bool
    state: str = ""
    """What holds now, in words: `ICBM moratorium on`, or a labelled flag's label or its `off` words."""
    description: str = ""


class NewsInfo(Data):
    turn: int
    text: str
    kind: str
    """`move`, `fizzle`, `reveal`, `event`, `inject`, `threshold`, `ending`, `expire`."""
    audience: list[str] | None = None
    """None: public. Otherwise the seats it is for (a seat sees only its own)."""
    actor: str | None = None
    source: str | None = None
    """The move or event it tells of (its id), if any."""


class PlayInfo(Data):
    turn: int
    actor: str
    move: str
    name: str
    """As it reads in the news and the debrief (`Sanction → China`)."""
    secret: bool
    success: bool
    escalation: int = 0
    """The move's escalation score (the deck's scale)."""
    revealed: int | None = None
    """For a secret play this viewer learned of later: the turn it was revealed in."""


class OfferInfo(Data):
    """An offer this viewer knows of: who made it to whom, by when, what answers do."""

    move: str
    """The offer move's id (`talks@b`)."""
    slot: int
    name: str
    """The offer as its recipient reads it (`Offer talks`)."""
    move_name: str = ""
    """The offer move's own name as the deck lists it (`Offer talks (Bravo)`)."""
    description: str = ""
    maker: str
    maker_name: str
    recipient: str
    recipient_name: str
    made: int
    deadline: int
    """The last turn it may be answered in."""
    status: OfferStatus
    closed: int | None = None
    secret: bool
    accept: str
    """The recipient's move id that accepts it (`talks@b/accept`)."""
    refuse: str
    accept_name: str
    refuse_name: str
    accept_effects: list[str]
    """What accepting does, in words (no amounts on tracks hidden from this viewer)."""
    refuse_effects: list[str]
    expire_effects: list[str]
    accept_news: str = ""
    refuse_news: str = ""
    story: str = ""
    """The offer's story in a sentence from this viewer's side: `Your offer to Bravo:
    waiting, answer due by month 3`."""


# -- a resolved turn ---------------------------------------------------------------------
class ValueRead(Data):
    """One thing a chance expression read, and its value then (None: hidden)."""

    text: str
    value: str | None


class RollInfo(Data):
    label: str
    """`North Korea: ICBM test`, `… (detection)`, an event's name, a weighted outcome's."""
    kind: str
    """`move`, `detect`, `event` or `outcome`."""
    chance: float | None
    """None (as is `roll`) when the chance read something hidden from this viewer."""
    roll: float | None
    success: bool
    forced: bool
    """The facilitator set the outcome instead of the dice."""
    note: str = ""
    """Why the chance and draw are not shown, if they are not."""
    inject: bool = False
    """The roll of an event the facilitator fired as an inject."""
    source: str = ""
    """The chance as the deck wrote it (an expression in words, or `fixed 30%`): explained
    observations only (the debrief)."""
    reads: list[ValueRead] = []
    """What the chance read at that point of the turn: explained observations only."""


class ChangeInfo(Data):
    name: str
    label: str
    """With its actor for an actor track (`North Korea: Capability`)."""
    old: float
    new: float
    descending: bool = False


CauseKind = Literal["yours", "theirs", "event", "inject", "expire", "hidden"]
"""Who or what moved a track: the viewer's own order (a seat's), another seat's order it
knows of, a deck event (or a weighted event's outcome), the facilitator's inject, an offer
left to expire, or something this viewer cannot see."""


class CauseInfo(Data):
    """One cause of a track's move in a resolved turn, as this viewer may know it."""

    kind: CauseKind
    text: str
    """In words: `your order: Offer talks`, `Blue's order: Sanctions`, `event: Storm
    season`, `the facilitator's inject: ...`, `something you cannot see` (never saying what)."""
    delta: float
    """How much it moved the track (after the track's bounds)."""
    actor: str | None = None
    """The seat whose order it was (`yours`, `theirs`, `expire`)."""
    source: str | None = None
    """The move or event id, for programs (None for `hidden` and a written inject)."""
    secret: bool = False
    """A secret order (the viewer's own, one revealed to it, or any, for the facilitator)."""


class MovedInfo(Data):
    """A track some step moved in a resolved turn (even if the steps cancelled out), with
    each cause in the order they resolved; all hidden causes as one, last."""

    name: str
    label: str
    """With its actor for an actor track (`North Korea: Capability`)."""
    old: float
    new: float
    descending: bool = False
    causes: list[CauseInfo]


class FlagChange(Data):
    name: str
    label: str
    old: bool
    new: bool
    was: str = ""
    """What held before, in the deck's words for a labelled flag (`ICBM moratorium in
    force`); empty for a flag without a label (read as its label and `on` or `off`)."""
    now: str = ""
    """What holds now, likewise (`ICBM moratorium over`)."""


class OrderInfo(Data):
    move: str
    name: str = ""
    """The move's name."""
    label: str
    """As the order reads (`Sanction → China`, `Accept Alpha's offer`)."""
    secret: bool = False
    answer: bool = False
    """An answer to an offer (it costs no order)."""
    reason: str = ""
    """The stated reason (a computer's, or a team's own), where this viewer may read it,
    as it was given (computers often open it with the move's name: `why` says it once).
    It may hold a doctrine's name and the arithmetic (`weight 3 ... from 3 * (tension <
    8)`): the facilitator's detail; players read `plain` (`Observation.reason_words`)."""
    plain: str = ""
    """The reason in a plain sentence for a player, where this viewer may read it: what
    drew the computer to the move (`it favours this while tension is below 8`, `one of
    its two likeliest choices`), never a doctrine's internal name or an expression. A
    reason that weighs what is hidden from this viewer says only that much. Empty where
    no reason was given. Screens for players and the debrief's plain words read this."""

    def why(self) -> str:
        """The reason without the move's name it may open with."""
        return self.reason.removeprefix(f"{self.name}: ")


class SeatOrdersInfo(Data):
    """One seat's orders in a turn, as this viewer may see them."""

    actor: str
    visible: bool
    """False: another seat's sealed orders; `orders` then lists only the plays this viewer
    knows of (a team's as well as a computer's), with a computer's reason where it may read it."""
    orders: list[OrderInfo]
    note: str = ""
    """`no orders` with why (`stood pat: ...`), when there were none."""


class InjectInfo(Data):
    event: str | None = None
    name: str
    """The deck event's name, or the facilitator's text."""
    effects: list[str] = []
    """The written effects: the facilitator's only (they may move secret tracks)."""


class TurnInfo(Data):
    """What this viewer may see of one resolved turn."""

    turn: int
    label: str
    """`Month 3 of 12 · March 2022`."""
    news: list[NewsInfo]
    """This turn's news but thresholds and the ending (fizzles included)."""
    thresholds: list[NewsInfo] = []
    rolls: list[RollInfo] = []
    changes: list[ChangeInfo] = []
    flags: list[FlagChange] = []
    moved: list[MovedInfo] = []
    """Each track a step of the turn moved, with what moved it and by how much, in
    resolution order (tracks hidden from this viewer left out)."""
    events: list[str] = []
    """Names of the events and deck injects that fired (silent events: facilitator only)."""
    injects: list[InjectInfo] = []
    orders: list[SeatOrdersInfo] = []
    ending: EndingInfo | None = None


# -- a seat's own sheet ------------------------------------------------------------------
class OfferTermsInfo(Data):
    """What an offer move the seat may make does once made."""

    recipient: str
    recipient_name: str
    expires: int
    accept_effects: list[str]
    refuse_effects: list[str]
    expire_effects: list[str]


class MoveInfo(Data):
    """One of the seat's own moves, as its order sheet shows it, in words."""

    id: str
    name: str
    label: str
    """As the order reads once picked (`Sanction → China`)."""
    description: str = ""
    category: str
    """The category's id (`military`, or one of the deck's own)."""
    category_label: str = ""
    """The category as players read it (the deck's label; the id for the four defaults)."""
    escalation: int
    secret: bool
    visibility: str
    """`public`, `secret`, `secret (found out 30% of the time)`, `unattributed: ...`."""
    unattributed: bool = False
    """Everyone sees what it does and its news, not who did it (`secret` is true too)."""
    detection: float = 0.0
    chance: float | None
    """Chance of success now, on what the seat knows; None when it reads something hidden
    from the seat (the number would give it away)."""
    chance_note: str = ""
    chance_words: str = ""
    """How the chance is worked out, in words (empty for a fixed chance)."""
    chance_source: str | None = None
    """The chance as the deck wrote it (programs may parse it)."""
    effects: dict[str, list[str]]
    """`success`, `failure`, `always`: the effects in words for this seat."""
    news: dict[str, str]
    """`success`, `failure`, `always`: the news it makes (values to be filled shown as `…`)."""
    once: bool = False
    cooldown: int = 0
    requires: str = ""
    """The requirement in words (the deck's own sentence when it wrote one)."""
    limits: str = ""
    """Once, cooldown and the requirement as one sentence for the move's detail."""
    available: bool
    reason: str = ""
    """Why not, when unavailable."""
    base: str = ""
    """The move as the deck wrote it (`warn` for `warn@b`)."""
    target: str | None = None
    target_name: str | None = None
    group: str = ""
    """A targeted move's name before its target is picked (`Warn …`)."""
    answer: Literal["accept", "refuse"] | None = None
    offer: OfferTermsInfo | None = None
    """For an offer the seat may make: what its answers would do."""


class TargetInfo(Data):
    target: str
    target_name: str
    move: str
    available: bool
    reason: str = ""


class MoveGroupInfo(Data):
    """A targeted move as the deck wrote it, once, with each of its targets."""

    base: str
    name: str
    available: bool
    targets: list[TargetInfo]


class ObjectiveInfo(Data):
    text: str
    points: float
    met: bool


class ScoreInfo(Data):
    actor: str
    total: float
    most: float
    """The most points its objectives can give."""
    objectives: list[ObjectiveInfo]

    def share(self) -> float:
        """Its points as a share of its most: how sides with different maxima compare
        (a side that met every objective is ahead of one with more points but a higher
        maximum)."""
        return self.total / self.most if self.most > 0 else 0.0


class SeatSheet(Data):
    """What only the seat itself sees: its orders to give, its offers, its objectives."""

    brief: str
    allowed: int
    """How many distinct moves it may order a turn (answers to offers are free)."""
    moves: list[MoveInfo]
    """Its moves in deck order; answers to offers only while an offer waits for it."""
    groups: list[MoveGroupInfo] = []
    offers_waiting: list[OfferInfo] = []
    """Offers made to it that wait for its answer now."""
    my_offers_waiting: list[OfferInfo] = []
    objectives: list[ObjectiveInfo]
    coach: str = ""
    """The deck's coach line for this seat this turn, or empty (as `Observation.coach`)."""
    sealed: list[OrderInfo] | None = None
    """Its orders sealed for this turn (None: still choosing)."""
    private: TurnInfo | None = None
    """What it saw of the last resolved turn that the public did not ("only you know")."""


# -- talk --------------------------------------------------------------------------------
class MessageInfo(Data):
    """A message this viewer may read (sent by it, to it, or on a public channel)."""

    id: int
    turn: int
    """The turn during which it was sent."""
    at: str = ""
    """When (UTC, ISO 8601 to the second)."""
    channel: str
    sender: str
    """An actor id, `facilitator`, or the name of a third party the facilitator wrote as."""
    sender_name: str
    to: list[str]
    """The actor ids it was sent to."""
    text: str
    """The player's own words, neutralised: render it as plain text, never as markup."""
    member: str = ""
    """The team member who wrote it, for a seat played by named members (empty: none
    recorded). Whoever may read the message reads who signed it."""


class ChannelInfo(Data):
    """A channel this viewer reads; `open`: it may write on it now."""

    name: str
    title: str
    members: list[str]
    """The actors who may write on it (and read it)."""
    open: bool
    public: bool = False
    """Every seat and the projector read it."""
    muted: bool = False
    """The facilitator has muted it (so nobody may write on it for now)."""


class TeamNoteInfo(Data):
    """One thing a team member said or did (the team and the facilitator only)."""

    id: int
    turn: int
    at: str = ""
    member: str
    kind: str
    """`propose`, `comment`, `agree`, `object`, `seal`, or `sealer` (became the sealer)."""
    proposal: int | None = None
    orders: list[str] = []
    """Move ids proposed or sealed."""
    order_names: list[str] = []
    """The same moves as orders read (`Sanction → China`)."""
    text: str = ""
    """The member's words (plain text, never markup)."""
    agreed: list[str] = []
    """A proposal: who agrees now (its author first); a seal: who had agreed."""
    objected: list[str] = []


class TeamInfo(Data):
    """A seat played by a team of named members: who, who seals, and what they said."""

    seat: str
    members: list[str]
    sealer: str
    notes: list[TeamNoteInfo]
    """Oldest first."""
    cap: int = 6
    """How many members the seat may have."""

    def proposals(self, turn: int) -> list[TeamNoteInfo]:
        return [n for n in self.notes if n.kind == "propose" and n.turn == turn]

    def splits(self) -> list[TeamNoteInfo]:
        """Each sealing, with who had agreed and who objected."""
        return [n for n in self.notes if n.kind == "seal"]

    def proposer(self, proposal: int | None) -> str:
        """Who proposed `proposal` (a seal's, say); empty for none or one not in the notes."""
        return next((n.member for n in self.notes if n.kind == "propose" and n.id == proposal), "") if proposal is not None else ""


# -- the facilitator's console -----------------------------------------------------------
class PendingRollInfo(Data):
    key: str
    """What an override names: `move:ID`, `detect:ID`, `event:ID`."""
    label: str
    chance: float
    forced: bool | None


class InjectEventInfo(Data):
    id: str
    name: str
    inject: bool
    """A deck inject (fired only by the facilitator) rather than an event."""
    news: str = ""
    effects: list[str] = []
    chance: str = ""
    once: bool = False


class EndingOdds(Data):
    id: str
    title: str
    p: float
    """The share of continuations that ended this way."""
    low: float
    high: float
    """Its 95% interval (Wilson)."""
    change: float | None = None
    """Points of probability since the odds before the last turn (None on the first turn)."""


class OddsInfo(Data):
    """Each ending's odds from where the game stands: continuations from the full state,
    every seat played by its computer stand-in (the facilitator's only: they read secrets)."""

    turn: int
    """The turn about to be played."""
    games: int
    """Continuations played."""
    endings: list[EndingOdds]
    injects: int = 0
    """The injects queued for this turn that the continuations include."""
    engine: str = "fast"
    """Which engine played them (`fast`: the batched engine, its own dice)."""


class ControlInfo(Data):
    """The facilitator's: every seat's sealed orders, the dice to come, the injects."""

    seed: int
    sealed: list[SeatOrdersInfo]
    """Every seat's sealed orders for this turn (`visible` False: still choosing)."""
    pending_rolls: list[PendingRollInfo]
    inject_events: list[InjectEventInfo]
    injects: list[InjectInfo]
    """Injects queued for this turn."""
    scores: list[ScoreInfo]
    example_effects: str = ""
    """Effects in this deck's own names, as a hint of the syntax."""
    odds: OddsInfo | None = None
    """The live odds of each ending (filled in by the controller; None until computed)."""
    odds_pending: bool = False
    """The odds are being computed again (a turn resolved, or an inject landed)."""
    in_opening: bool = False
    """Before the first orders (no team has sealed turn 1's): an inject may still be fired
    into the opening, which every seat reads before it orders."""


# -- the room (filled in by the controller) ----------------------------------------------
class RoomSeat(Data):
    actor: str
    sealed: bool
    thinking: bool = False
    covered: str = ""
    """A computer seat whose program could not play this turn (`overran`, `failed`): its
    stand-in gave the orders sealed."""
    connected: bool | None = None
    """None where nobody connects (a local game)."""
    code: bool | None = None
    """Facilitator only, hosted: whether the seat has a working code."""


class Settings(Data):
    auto_resolve: bool = True
    """Resolve as soon as every seat has sealed."""
    on_timeout: TimeUp = "stand-pat"
    countdown_minutes: float = 0.0


class RoomInfo(Data):
    seats: list[RoomSeat]
    paused: bool = False
    countdown: float | None = None
    """Seconds left this turn (None: no countdown)."""
    countdown_running: bool = False
    settings: Settings | None = None
    """Facilitator only."""
    notices: list[str] = []
    """Facilitator only: what it should know (a program's bad answer, a stand-in's move)."""
    programs: list[str] = []
    """Facilitator only: programs the host may seat (by name)."""
    hosted: bool = False
    """A hosted exercise (codes, connections) rather than one keyboard."""
    exercise: str = ""
    save_error: str = ""
    team_cap: int | None = None
    """Facilitator only: how many members a seat may have (named members on several
    devices), for every seat `seat_caps` does not name."""
    seat_caps: dict[str, int] = {}
    """Facilitator only: the seats given a cap of their own, and that cap."""


class Observation(Data):
    """Everything one viewer may know at one moment of one game."""

    v: int = OBSERVATION_VERSION
    viewer: ViewerInfo
    game: GameInfo
    actors: list[ActorInfo]
    tracks: list[TrackInfo]
    flags: list[FlagInfo]
    news: list[NewsInfo]
    """Every news item this viewer may see, oldest first."""
    plays: list[PlayInfo]
    """Every resolved move this viewer may know was played, oldest first."""
    offers: list[OfferInfo] = []
    """Every offer this viewer may know of, oldest first, with what became of it."""
    turns: list[TurnInfo]
    """The resolved turns, first to last, as this viewer may see them."""
    opening: TurnInfo | None = None
    """What happened before turn 1's orders (the deck's opening, turn 0), as this viewer
    may see it; None for a deck without an opening."""
    coach: str = ""
    """The deck's coach line for this viewer before the turn to be decided (a seat's, or
    the room's on a shared screen), or empty; never the facilitator's."""
    seat: SeatSheet | None = None
    """A seat's own sheet (seat viewers only)."""
    control: ControlInfo | None = None
    """The facilitator's console data (the facilitator only, in a game being played)."""
    room: RoomInfo | None = None
    messages: list[MessageInfo] = []
    """Every message this viewer may read, oldest first (sent by it, to it, or public;
    every one for the facilitator)."""
    channels: list[ChannelInfo] = []
    """The channels this viewer reads, in deck order, as they stood at this moment."""
    teams: list[TeamInfo] = []
    """A seat's own team (if its seat is played by named members); every team for the
    facilitator; never another seat's."""

    # -- reading helpers (no secrecy decided here: everything is already this viewer's) --
    def actor_name(self, actor: str) -> str:
        return next((a.name for a in self.actors if a.id == actor), actor)

    def actor_short(self, actor: str) -> str:
        return next((a.short or a.name for a in self.actors if a.id == actor), actor)

    def tracks_of(self, owner: str | None) -> list[TrackInfo]:
        """The global tracks (owner None) or one actor's."""
        return [t for t in self.tracks if t.owner == owner]

    def track(self, name: str) -> TrackInfo:
        return next(t for t in self.tracks if t.name == name)

    def turn_info(self, turn: int) -> TurnInfo | None:
        return self.turns[turn - 1] if 1 <= turn <= len(self.turns) else None

    def reason_words(self, order: OrderInfo) -> str:
        """`order`'s reason worded for this viewer: the facilitator reads it as it was
        recorded (a doctrine's weight, rank and expression; a lookahead's playouts), without
        the move's name it may open with; everyone else reads the plain sentence. Players
        read plain sentences, the arithmetic is the facilitator's: every screen, the
        debrief and the report word reasons through this one rule."""
        return order.why() if self.viewer.kind == "facilitator" else order.plain

    def news_of(self, turn: int) -> list[NewsInfo]:
        return [n for n in self.news if n.turn == turn]

    def offers_waiting(self) -> list[OfferInfo]:
        return [o for o in self.offers if o.status == "waiting"]

    def room_seat(self, actor: str) -> RoomSeat | None:
        if self.room is None:
            return None
        return next((s for s in self.room.seats if s.actor == actor), None)


__all__ = [
    "OBSERVATION_VERSION",
    "ActorInfo",
    "CauseInfo",
    "CauseKind",
    "ChangeInfo",
    "ChannelInfo",
    "ControlInfo",
    "EndingInfo",
    "EndingOdds",
    "FlagChange",
    "FlagInfo",
    "GameInfo",
    "InjectEventInfo",
    "InjectInfo",
    "MessageInfo",
    "MoveGroupInfo",
    "MoveInfo",
    "MovedInfo",
    "NewsInfo",
    "ObjectiveInfo",
    "Observation",
    "OddsInfo",
    "OfferInfo",
    "OfferTermsInfo",
    "OrderInfo",
    "PendingRollInfo",
    "PlayInfo",
    "RollInfo",
    "RoomInfo",
    "RoomSeat",
    "ScoreInfo",
    "SeatInfo",
    "SeatOrdersInfo",
    "SeatSheet",
    "Settings",
    "TargetInfo",
    "TeamInfo",
    "TeamNoteInfo",
    "TimeUp",
    "TrackInfo",
    "TurnInfo",
    "ValueRead",
    "ViewerInfo",
]
