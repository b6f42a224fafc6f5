"""The deck schema: pydantic models for what a deck author writes in TOML.

These models check shape and types at the boundary (`extra="forbid"` everywhere, so a
misspelt key is an error). Cross-references and expressions are checked afterwards by
`wargame.deck.compile`, which turns a `Deck` into the engine's fast `CompiledDeck`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import keyword
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_-]{0,63}$"
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
"""Track, flag and actor ids are used as names in expressions, so no hyphens there."""

Id = Annotated[str, Field(pattern=ID_PATTERN)]
TURN_LENGTH_PATTERN = r"^[1-9][0-9]{0,3}(m|h|d|w)$"
WEIGHT_KEY_PATTERN = r"^[a-z][a-z0-9_-]{0,63}(/accept|/refuse|/wait)?$"
WeightKey = Annotated[str, Field(pattern=WEIGHT_KEY_PATTERN)]
"""A doctrine weight's key: a move id, or `offer-id/accept`, `offer-id/refuse` and
`offer-id/wait` (leaving it unanswered this turn) for another actor's offer."""
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
Text = Annotated[str, Field(max_length=20_000)]
Expr = Annotated[str, Field(min_length=1, max_length=2_000)]
Number = float | int
ChanceSpec = Annotated[float, Field(ge=0, le=1)] | Expr


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True)
    """Strict: `points = "3"` or `turns = true` is refused as the schema says, never coerced."""


class FieldError(ValueError):
    """A whole-model check that is about one of its fields (e.g. `start` outside `min..max`).

    The loader reports it at that field's line and path rather than at the table's.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Category(StrEnum):
    """The kind of lever a move pulls; also fixes its place in the resolution order."""

    DIPLOMATIC = "diplomatic"
    """Talks, offers, declarations: resolve first, so they can shape what follows."""
    INFORMATION = "information"
    """Statements, laws, cyber and influence operations."""
    ECONOMIC = "economic"
    """Sanctions, aid, enforcement."""
    MILITARY = "military"
    """Tests, drills, deployments, strikes: resolve last."""


CATEGORY_ORDER = {
    Category.DIPLOMATIC: 0,
    Category.INFORMATION: 1,
    Category.ECONOMIC: 2,
    Category.MILITARY: 3,
}
"""The default categories in resolution order (a deck without `[categories]` has these)."""
DEFAULT_CATEGORIES = [c.value for c in CATEGORY_ORDER]


def unknown_category(value: str, known: list[str]) -> str:
    """Why `value` is no category of a deck whose categories are `known`, with a suggestion."""
    quoted = [f"'{k}'" for k in known]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close and known != DEFAULT_CATEGORIES else ""
    return f"must be one of {listed}{hint}"


def category_context(data: object) -> dict[str, list[str]]:
    """The validation context of a deck's raw data: its categories in resolution order."""
    declared = data.get("categories") if isinstance(data, dict) else None
    return {"categories": list(declared) if isinstance(declared, dict) and declared else DEFAULT_CATEGORIES}


class CategorySpec(_Model):
    """One of a deck's own categories (`[categories.ID]`): declared in resolution order."""

    label: Annotated[str, Field(min_length=1, max_length=40)]
    """What players read beside a move (`Containment`)."""
    description: Text = ""


class Visibility(StrEnum):
    """Who learns that a move was played."""

    PUBLIC = "public"
    """Every seat sees the move and its news when it resolves."""
    SECRET = "secret"
    """Only the actor (and the facilitator) sees it, until it is revealed."""
    UNATTRIBUTED = "unattributed"
    """Everyone sees its effects and its news, but not who played it: the actor (and those
    it is shared with) stays hidden until the play is detected or revealed. Sabotage, a
    cyber attack, a cut cable."""


class DeckMeta(_Model):
    id: Id
    title: Annotated[str, Field(min_length=1, max_length=200)]
    version: Annotated[int, Field(ge=1)] = 1
    turns: Annotated[int, Field(ge=1, le=200)]
    turn_name: Annotated[str, Field(min_length=1, max_length=40)] = "turn"
    start: dt.datetime | dt.date | None = None
    """When turn 1 starts: a date (`2022-01-03`), or a date and time (`2024-02-01T04:00`)."""
    turn_length: Annotated[str, Field(pattern=TURN_LENGTH_PATTERN)] | None = None
    """How long a turn is on the clock (`12h`, `30m`, `2d`, `1w`): turn labels then show the
    time each turn starts ("Shift 3 of 12 · 16:00, 2 Feb 2024"). Needs `start`."""
    summary: Text = ""
    sources: list[Text] = []
    authors: list[str] = []

    @model_validator(mode="after")
    def _clock(self) -> DeckMeta:
        if self.turn_length is not None and self.start is None:
            raise FieldError("turn_length", "needs `start`, the date and time turn 1 begins (e.g. start = 2024-02-01T04:00)")
        return self


def turn_length(text: str) -> dt.timedelta:
    """`12h` as a `timedelta` (`m` minutes, `h` hours, `d` days, `w` weeks)."""
    unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[text[-1]]
    return dt.timedelta(**{unit: int(text[:-1])})


class TrackSpec(_Model):
    label: Annotated[str, Field(min_length=1, max_length=80)]
    description: Text = ""
    min: Number = 0
    max: Number = 10
    start: Number | None = None
    """Start value; defaults to `min`. For actor tracks, an actor's `start` overrides it."""
    thresholds: dict[str, Annotated[str, Field(min_length=1, max_length=60)]] = {}
    """Named levels, e.g. ``{ 6 = "crisis", 9 = "brink" }``: crossing one is news."""
    secret: bool = False
    """Actor tracks only: seen by the owning seat and the facilitator, not the others."""
    actors: list[Name] | None = None
    """Actor tracks only: the actors who have this track (default: every actor)."""
    descending: bool = False
    """A scale where lower is worse (DEFCON 5 -> 1): a threshold is reached when the value
    falls to it or below, so crossing it is news on the way down."""

    @field_validator("thresholds")
    @classmethod
    def _numeric_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            try:
                float(key)
            except ValueError:
                raise ValueError(f"threshold {key!r} must be a number, e.g. {{ 7 = \"crisis\" }}") from None
        return value

    @model_validator(mode="after")
    def _bounds(self) -> TrackSpec:
        if self.min > self.max:
            raise FieldError("min", f"min ({self.min}) is greater than max ({self.max})")
        if self.start is not None and not self.min <= self.start <= self.max:
            raise FieldError("start", f"start ({self.start}) is outside {self.min}..{self.max}")
        for key in self.thresholds:
            if not self.min <= float(key) <= self.max:
                raise FieldError("thresholds", f"threshold {key} is outside {self.min}..{self.max}")
        return self

    def threshold_levels(self) -> list[tuple[float, str]]:
        return sorted((float(k), v) for k, v in self.thresholds.items())


class FlagSpec(_Model):
    """A flag with words for players: `[flags.ot_isolated] label = "Control systems cut off from IT"`."""

    label: Annotated[str, Field(min_length=1, max_length=80)]
    """What is true while the flag is on, as players read it."""
    off: Annotated[str, Field(max_length=80)] = ""
    """What is true while it is off (default: "not " and the label)."""
    description: Text = ""
    """A sentence on what the flag means (shown in the dashboard)."""
    start: bool = False


class Objective(_Model):
    text: Annotated[str, Field(min_length=1, max_length=500)]
    when: Expr
    points: Number = 1


class Doctrine(_Model):
    """A computer seat's personality: how much it likes each move, as numbers or expressions."""

    summary: Text = ""
    weights: dict[WeightKey, Number | Expr] = {}
    """Move id to weight (a number or an expression over the state); higher is likelier.
    For a targeted move the weight is per target (an expression may read `target`); for an
    offer made to this actor, `offer-id/accept` and `offer-id/refuse` weigh its answers and
    `offer-id/wait` leaving it unanswered for now (0 when not listed)."""
    default_weight: Number | Expr = 1
    """Weight of a move not listed in `weights`."""
    temperature: Annotated[float, Field(gt=0, le=100)] = 1.0
    """Below 1 sharpens the preference for high weights; above 1 flattens it."""
    orders: Annotated[int, Field(ge=0)] | None = None
    """How many orders to give per turn (default: as many as allowed)."""
    start: dict[Name, Number] = {}
    """Start values of the actor's own tracks when a computer seat plays this doctrine from
    the first turn (a "disruptor" that starts better equipped), overriding the actor's."""
    objectives: list[Objective] = []
    """What this personality wants, scored on its own terms by `simulate` and `sweep`
    beside the actor's objectives (which still decide the game's scores)."""


class Actor(_Model):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    short: Annotated[str, Field(max_length=12)] = ""
    """A short label for narrow screens, e.g. "DPRK"."""
    brief: Text = ""
    orders_per_turn: Annotated[int, Field(ge=0, le=10)] | Expr = 1
    """How many moves it may order each turn: a number, or an expression over what the actor
    sees (`"1 + (utility.capacity >= 5)"`), rounded down and kept within 0..10."""
    start: dict[Name, Number] = {}
    """Start values of this actor's tracks, overriding each track's default."""
    objectives: list[Objective] = []
    doctrines: dict[Id, Doctrine] = {}


class Outcome(_Model):
    effects: list[Expr] = []
    news: Text = ""


class Offer(_Model):
    """An offer to the move's target: it may accept or refuse in a later turn, until it expires."""

    expires: Annotated[int, Field(ge=1, le=50)] = 1
    """Turns the recipient has to answer: an offer made in turn 3 with `expires = 2` may be
    answered in turns 4 and 5, and expires at the end of turn 5 if it has not been."""
    accept_name: Annotated[str, Field(max_length=120)] = ""
    """The recipient's order to accept; may say `{target}` (default: "Accept North's
    offer (Offer talks to South)")."""
    refuse_name: Annotated[str, Field(max_length=120)] = ""
    """The recipient's order to refuse; may say `{target}` (default: "Refuse North's
    offer (Offer talks to South)")."""
    accept: Outcome = Outcome()
    """Effects and news when the recipient accepts."""
    refuse: Outcome = Outcome()
    """Effects and news when the recipient refuses."""
    expire: Outcome = Outcome()
    """Effects and news when the offer expires unanswered."""


Targets = list[Name] | Literal["others"]


class Move(_Model):
    id: Id
    actor: Name
    name: Annotated[str, Field(min_length=1, max_length=120)]
    description: Text = ""
    category: Id
    """One of the deck's categories (`[categories]`; by default `diplomatic`, `information`,
    `economic`, `military`): what players read beside the move, and its place in the
    resolution order."""
    phase: Id | None = None
    """Resolve in another category's place (`phase = "diplomatic"` for a military threat
    that must land before the other side's talks), keeping its own category's label."""
    escalation: Annotated[int, Field(ge=-100, le=100)] = 0
    """Escalation score on the Rivera et al. scale (-2 de-escalation ... 60 nuclear)."""
    visibility: Annotated[Visibility, Field(strict=False)] = Visibility.PUBLIC
    detection: ChanceSpec = 0.0
    """Secret and unattributed moves: the chance each time it is played that the others find
    out who played it (a number, or an expression such as `"0.1 * us.recon"`)."""
    shared_with: list[Name] = []
    """Secret and unattributed moves: other actors who learn of it (and who played it) when it resolves (a backchannel); in a
    targeted move, `"target"` stands for its target. A secret offer always reaches its
    recipient."""
    requires: Expr | None = None
    """Precondition: the move is unavailable (and fizzles at resolution) unless it holds."""
    requires_text: Text = ""
    """What to tell a player when `requires` does not hold (default: the expression)."""
    chance: ChanceSpec = 1.0
    success: Outcome = Outcome()
    failure: Outcome = Outcome()
    always: Outcome = Outcome()
    once: bool = False
    cooldown: Annotated[int, Field(ge=0, le=100)] = 0
    """Turns to wait after playing before the move may be ordered again."""
    targets: Targets | None = None
    """A targeted move: the actor it is aimed at is picked when ordering, from this list
    of actors or `"others"` (every other actor). Its texts and expressions may say
    `target` (`target.standing`, `{target}` in its name and news)."""
    @field_validator("category", "phase")
    @classmethod
    def _known_category(cls, value: str | None, info: ValidationInfo) -> str | None:
        # The loader passes the deck's categories (`category_context`): a misspelt
        # category is reported with the deck's other problems of shape, at its line.
        known = (info.context or {}).get("categories")
        if value is not None and known is not None and value not in known:
            raise ValueError(unknown_category(value, known))
        return value

    offer: Offer | None = None
    """Makes the move an offer to its target, which accepts or refuses in a later turn
    (`[moves.offer]`); needs `targets`. Answers cost the recipient no order; an offer
    left unanswered for `expires` turns expires."""
    headline: bool = False
    """A move that makes the story of a game whenever it is played (an ICBM launch, a
    blockade): the debrief's key moments always list it, as its viewer may know it."""


class EventOutcome(_Model):
    """One of a weighted one-of event's outcomes: the event picks one by weight."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    """What the dice chose, as the results show it ("a conciliatory letter")."""
    weight: Number | Expr = 1
    """Relative weight (a number or an expression); 0 never picks it."""
    effects: list[Expr] = []
    news: Text = ""


class Event(_Model):
    """An event or inject: scheduled (`at`), triggered (`when`), or fired by the facilitator."""

    id: Id
    name: Annotated[str, Field(max_length=120)] = ""
    at: Annotated[int, Field(ge=0)] | None = None
    """Fires on this turn; `at = 0` fires in the opening, before turn 1's orders."""
    when: Expr | None = None
    chance: ChanceSpec = 1.0
    once: bool = True
    """Fires at most once. A failed chance roll does not use it up: while the trigger
    holds, the event rolls again on later turns."""
    inject: bool = False
    """Only fires when the facilitator fires it (never by itself)."""
    effects: list[Expr] = []
    news: Text = ""
    failure_news: Text = ""
    """News when the chance roll fails (silent when empty)."""
    outcomes: Annotated[list[EventOutcome], Field(max_length=50)] = []
    """A weighted one-of event: when it fires (after its own `effects` and `news`), one
    outcome is picked by weight and its effects and news follow; the roll is recorded."""
    headline: bool = False
    """An event that makes the story of a game whenever it fires (an election, a coup):
    the debrief's key moments always list it."""

    @model_validator(mode="after")
    def _trigger(self) -> Event:
        if not self.inject and self.at is None and self.when is None:
            raise ValueError("an event needs `at` (a turn), `when` (a condition) or `inject = true`; "
                             "for one that may happen on any turn write `when = \"true\"` (with `once = false` to let it recur)")
        if self.inject and self.at == 0:
            raise FieldError("at", "an inject fires only when the facilitator fires it; `at = 0` is for an event that opens the scenario")
        return self


class Ending(_Model):
    id: Id
    title: Annotated[str, Field(min_length=1, max_length=120)]
    when: Expr | None = None
    turn_limit: bool = False
    """This ending is the one reached when the last turn ends with no other ending."""
    text: Text = ""

    @model_validator(mode="after")
    def _trigger(self) -> Ending:
        if self.turn_limit == (self.when is not None):
            raise ValueError("an ending needs exactly one of `when` or `turn_limit = true`")
        return self


class Question(_Model):
    """A discussion question for the debrief (the after-action report lists them)."""

    text: Annotated[str, Field(min_length=1, max_length=2_000)]
    turn: Annotated[int, Field(ge=1)] | None = None
    """Ask it at this turn of the timeline (within the deck's turns)."""
    when: Expr | None = None
    """Ask it only if this condition holds at the end of the game (as the reader knew it)."""


class Debrief(_Model):
    """What the deck gives the debrief: `[[debrief.questions]]` tables."""

    questions: Annotated[list[Question], Field(max_length=200)] = []


class Coach(_Model):
    """A coach line: a short hint a seat sees on its orders screen and after the results,
    saying what just happened and what to try. The first line that applies is shown."""

    text: Annotated[str, Field(min_length=1, max_length=500)]
    turn: Annotated[int, Field(ge=1)] | None = None
    """The turn it is for (its orders, and the results just before them); any turn if omitted."""
    when: Expr | None = None
    """Shown only while this holds (it may read only what its seats can see)."""
    actor: Name | None = None
    """Shown only to this seat; to every seat (and the projector) if omitted."""


class Channel(_Model):
    """A way for seats to talk: `[[channels]]`. Messages have no effect on the game (the
    formal offer stays the way to make a binding deal). A deck without channels gets one
    private channel, `direct`, on which any seat may write to any one or several others."""

    name: Id
    """How programs and saves name the channel (`hotline`)."""
    title: Annotated[str, Field(min_length=1, max_length=80)]
    """What screens call it (`The Washington-Beijing hotline`)."""
    members: Annotated[list[Name], Field(max_length=16)] = []
    """The actors who may write on it and read it (all actors if omitted)."""
    public: bool = False
    """Public statements: every seat and the projector read what its members write."""
    when: Expr | None = None
    """Open only while this holds (it may read only what its members can see)."""


class Deck(_Model):
    """A whole deck, as read from one TOML file."""

    deck: DeckMeta
    categories: dict[Id, CategorySpec] = {}
    """The deck's own move categories, in resolution order (default: the four of `Category`)."""
    tracks: dict[Name, TrackSpec] = {}
    actor_tracks: dict[Name, TrackSpec] = {}
    flags: dict[Name, bool | FlagSpec] = {}
    """On/off facts: `name = false`, or a table with a label (`[flags.name] label = "..."`)."""
    actors: Annotated[dict[Name, Actor], Field(min_length=1, max_length=16)]
    moves: Annotated[list[Move], Field(min_length=1, max_length=2_000)]
    events: Annotated[list[Event], Field(max_length=2_000)] = []
    endings: Annotated[list[Ending], Field(min_length=1, max_length=200)]
    debrief: Debrief = Debrief()
    coach: Annotated[list[Coach], Field(max_length=2_000)] = []
    """Coach lines for a guided game (the tutorial's hints)."""
    channels: Annotated[list[Channel], Field(max_length=200)] = []
    """Who may talk to whom (`[[channels]]`); none: one private `direct` channel for all."""


RESERVED_NAMES = {"flags", "turn", "turns", "true", "false", "target", *keyword.kwlist}
"""Names no track, flag or actor may have: the language's own words (and every word the
expression parser keeps for itself, such as `as` or `in`, which would break `as.standing`)."""
_IDENT = re.compile(NAME_PATTERN)
