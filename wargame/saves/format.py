"""The save format: a versioned JSON log of a game, plus a state hash after every turn.

A save holds the deck's full source (so it replays even after the deck file changes),
the seed, the seats, and every turn's input (orders, injects, overrides) and output
(chance rolls, news, the state hash). Replaying re-resolves the inputs and compares.

The fields a menu shows come first in the file (`HEADER_FIELDS`), so the save catalogue
reads only the first few kilobytes of each save. Every list and text has a limit, so a
hostile file costs bounded time and memory. Older versions are upgraded by `migrate`.
A `seal` binds the facilitator's PIN hash to the save, so an edit that removes the PIN is
caught by verify (it is no signature: anyone who can write the file can rebuild a save).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from wargame.deck.loader import MAX_DECK_BYTES
from wargame.engine.dice import KEYED, DiceVersion
from wargame.engine.model import StateModel
from wargame.observe.talk import (
    MAX_MEMBER_NAME,
    MAX_MESSAGE_TEXT,
    MAX_MESSAGES,
    MAX_NOTES,
    NoteKind,
)

FORMAT: Literal["wargame-save"] = "wargame-save"
FORMAT_VERSION = 3
"""3: the facilitator's PIN hashed with scrypt, and the `seal` that binds it to the save.
2: per-roll keyed dice (`dice`), `played` and `ending` in the header, `pending_reasons`.
1: the first format (one dice stream per turn)."""

PIN_HASH = r"^(scrypt\$\d{1,2}\$\d{1,2}\$\d\$[0-9a-f]{32}\$[0-9a-f]{64}|pbkdf2-sha256\$\d{1,7}\$[0-9a-f]{32}\$[0-9a-f]{64})$"
"""A facilitator's PIN hash: scrypt (format 3), or PBKDF2 (kept from format 2 saves)."""
SEALED_FIELDS = ("save_id", "seed", "facilitator", "facilitator_pin", "pin_failures")
"""What the seal covers: the PIN's hash and record, bound to this save (its id and seed)."""


def seal_of(fields: Mapping[str, Any]) -> str:
    """The seal of a save with these fields (a `SaveModel`'s, or a raw save's being migrated):
    a SHA-256 over the PIN's hash and record and the save's id and seed."""
    defaults: dict[str, Any] = {"facilitator": False, "facilitator_pin": None, "pin_failures": []}
    data = {k: fields.get(k, defaults.get(k)) for k in SEALED_FIELDS}
    text = json.dumps({"seal": 1, **data}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

HEADER_FIELDS = ("format", "format_version", "engine_version", "save_id", "created", "title", "deck_id", "turn_name", "turns", "played", "ending", "seats", "facilitator")
"""The fields a menu needs, written first (in this order) so a reader can stop early."""

# Limits: far above any real game (a deck has at most 16 actors, 2,000 moves and events,
# 10 orders a seat a turn), low enough that a hostile save costs seconds, not minutes.
MAX_TITLE = 200
MAX_ID = 200
MAX_TEXT = 25_000
MAX_EXPR = 2_000
MAX_ACTORS = 16
MAX_ORDERS = 10
MAX_REASONS = 50
MAX_INJECTS = 50
"""Facilitator injects in one turn."""
MAX_INJECT_EFFECTS = 50
MAX_ROLLS = 10_000
MAX_NEWS = 10_000
MAX_FIRED = 4_000
MAX_OVERRIDES = 6_000
MAX_TURNS = 200
MAX_STARTS = 16 * 200
"""Start values a save may set: every actor track of every actor, at most."""

ShortText = Annotated[str, Field(max_length=MAX_ID)]
LongText = Annotated[str, Field(max_length=MAX_TEXT)]
Orders = Annotated[list[ShortText], Field(max_length=MAX_ORDERS)]
Reasons = Annotated[list[Annotated[str, Field(max_length=MAX_EXPR)]], Field(max_length=MAX_REASONS)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RollModel(_Model):
    kind: ShortText
    key: ShortText
    actor: ShortText | None = None
    chance: float = Field(ge=0, le=1)
    roll: float = Field(ge=0, lt=1)
    success: bool
    forced: bool = False


class NewsModel(_Model):
    text: LongText
    kind: ShortText
    audience: Annotated[list[ShortText], Field(max_length=MAX_ACTORS)] | None = None
    actor: ShortText | None = None
    source: ShortText | None = None


class InjectModel(_Model):
    event: ShortText | None = None
    text: LongText = ""
    effects: Annotated[list[Annotated[str, Field(max_length=MAX_EXPR)]], Field(max_length=MAX_INJECT_EFFECTS)] = []


Injects = Annotated[list[InjectModel], Field(max_length=MAX_INJECTS)]
Overrides = Annotated[dict[ShortText, bool], Field(max_length=MAX_OVERRIDES)]


class TurnModel(_Model):
    turn: int = Field(ge=1)
    orders: Annotated[dict[ShortText, Orders], Field(max_length=MAX_ACTORS)]
    reasons: Annotated[dict[ShortText, Reasons], Field(max_length=MAX_ACTORS)] = {}
    injects: Injects = []
    overrides: Overrides = {}
    rolls: Annotated[list[RollModel], Field(max_length=MAX_ROLLS)] = []
    news: Annotated[list[NewsModel], Field(max_length=MAX_NEWS)] = []
    fired: Annotated[list[ShortText], Field(max_length=MAX_FIRED)] = []
    ending: ShortText | None = None
    state_hash: str = Field(pattern=r"^[0-9a-f]{32}$")


class MessageModel(_Model):
    """A message between seats (see `wargame.observe.talk.Message`): talk, kept beside the
    game's record and never in its hashes (it has no effect on the engine)."""

    id: int = Field(ge=1)
    turn: int = Field(ge=1, le=MAX_TURNS + 1)
    at: Annotated[str, Field(max_length=40)] = ""
    channel: ShortText
    sender: ShortText
    sender_name: ShortText
    to: Annotated[list[ShortText], Field(max_length=MAX_ACTORS)]
    text: Annotated[str, Field(max_length=MAX_MESSAGE_TEXT)]
    public: bool = False
    third_party: bool = False
    member: Annotated[str, Field(max_length=MAX_MEMBER_NAME)] = ""
    """The team member who wrote it (a seat played by named members); written only when
    there is one, so other messages, and older saves, keep their shape."""

    @model_serializer(mode="wrap")
    def _shape(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not data.get("member"):
            data.pop("member", None)
        return data


class TeamNoteModel(_Model):
    """One thing a team member said or did (see `wargame.observe.talk.TeamNote`)."""

    id: int = Field(ge=1)
    turn: int = Field(ge=1, le=MAX_TURNS + 1)
    at: Annotated[str, Field(max_length=40)] = ""
    member: Annotated[str, Field(max_length=MAX_MEMBER_NAME)]
    kind: NoteKind
    proposal: int | None = None
    orders: Orders = []
    text: Annotated[str, Field(max_length=MAX_MESSAGE_TEXT)] = ""
    agreed: Annotated[list[Annotated[str, Field(max_length=MAX_MEMBER_NAME)]], Field(max_length=100)] = []
    objected: Annotated[list[Annotated[str, Field(max_length=MAX_MEMBER_NAME)]], Field(max_length=100)] = []


class TeamModel(_Model):
    """A seat played by named members: who, who seals, and the team's record (its
    proposals, comments, agreements, objections and the split at each sealing). Private to
    the seat and the facilitator: `visibility.sees_team`."""

    members: Annotated[list[Annotated[str, Field(max_length=MAX_MEMBER_NAME)]], Field(max_length=100)]
    sealer: Annotated[str, Field(max_length=MAX_MEMBER_NAME)] = ""
    notes: Annotated[list[TeamNoteModel], Field(max_length=MAX_NOTES)] = []


TALK_FIELDS = ("messages", "muted", "teams", "team_cap", "team_caps")
"""Talk beside the game: left out of a save that has none, so a game without messages is
written exactly as before."""


class ParentModel(_Model):
    """Where a branched ("what if") game forked from."""

    save_id: ShortText
    path: Annotated[str, Field(max_length=4_096)] = ""
    turn: int = Field(ge=0)
    """The number of turns kept from the parent; play diverges from the next one."""


class SeatChangeModel(_Model):
    """A seat changing hands during the game (the facilitator re-seated it, a program's
    seat went to its stand-in on resume, a branch gave it to someone else): who played it
    before and after, and the turn from which the new player may have given its orders
    (in that turn itself either may have: the change can come after the old one sealed)."""

    turn: int = Field(ge=1, le=MAX_TURNS + 1)
    seat: ShortText
    before: ShortText
    after: ShortText


MAX_SEAT_CHANGES = 2_000


class CountdownModel(_Model):
    """The facilitator's countdown when the game was saved."""

    seconds: float = Field(gt=0, le=24 * 3600)
    """The length of a turn's countdown."""
    left: float = Field(ge=0, le=24 * 3600)
    """The time that was left."""
    paused: bool = False


class SaveModel(_Model):
    # The header: what a menu shows, first in the file (see HEADER_FIELDS).
    format: Literal["wargame-save"] = FORMAT
    format_version: int
    engine_version: ShortText
    save_id: ShortText
    created: ShortText
    title: Annotated[str, Field(max_length=MAX_TITLE)] = ""
    deck_id: ShortText
    turn_name: Annotated[str, Field(max_length=40)] = "turn"
    """What a turn is called in the deck (`month`), so menus say "month 5 of 12"."""
    turns: int = Field(ge=1, le=MAX_TURNS)
    played: int = Field(ge=0, le=MAX_TURNS)
    """How many turns `history` holds (in the header, so menus need not read it)."""
    ending: ShortText | None = None
    seats: Annotated[dict[ShortText, ShortText], Field(max_length=MAX_ACTORS)]
    """Actor id to seat spec: `human`, `random`, `doctrine:NAME`, `lookahead:BUDGET`: who
    plays each seat now (`seat_changes` says who played it before)."""
    facilitator: bool = False
    # The rest.
    facilitator_pin: str | None = Field(default=None, pattern=PIN_HASH)
    """A salted hash of the facilitator's PIN (never the PIN itself); None: no PIN."""
    pin_failures: list[int] = Field(default=[], max_length=10_000)
    """The turns in which someone entered a wrong facilitator PIN."""
    seal: str | None = Field(default=None, max_length=64)
    """`seal_of` the save, filled in by every dump (a file, the store, a worker), so what
    is written is sealed whatever the fields became in memory. None in memory: `parse_save`
    takes the file's seal out before validating and checks it (`seal_problem`)."""
    countdown: CountdownModel | None = None
    parent: ParentModel | None = None
    seat_changes: Annotated[list[SeatChangeModel], Field(max_length=MAX_SEAT_CHANGES)] = []
    """Every time a seat changed hands, oldest first (written only when one did, so other
    saves keep their shape): with `seats`, who played each seat in every turn, which
    `verify` checks against the reasons the computers recorded."""
    older_turns: int = Field(default=0, ge=0, le=MAX_TURNS)
    """The first turns, kept by a branch from a save written in an older format, that an
    older wargame's computers played (they drew and worded differently): `verify` does not
    replay their computers. Written only when there are some."""
    seed: int
    dice: DiceVersion = KEYED
    starts: Annotated[dict[ShortText, float], Field(max_length=MAX_STARTS)] = {}
    """Start values that replaced the deck's (track name to value): what the doctrines seated
    at the start asked for. Written only when there are some, so other saves keep their shape."""
    """The dice the game is played with (`wargame.engine.dice`); saves migrated from
    format 1 keep the format-1 dice so they replay as they were played."""
    deck_path: Annotated[str, Field(max_length=4_096)]
    deck_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    deck_source: Annotated[str, Field(max_length=MAX_DECK_BYTES)]
    """The deck's full text, limited as a deck file is (the loader's `MAX_DECK_BYTES`)."""
    history: Annotated[list[TurnModel], Field(max_length=MAX_TURNS)] = []
    pending: Annotated[dict[ShortText, Orders], Field(max_length=MAX_ACTORS)] = {}
    """Orders confirmed for the current, unresolved turn (a mid-turn autosave)."""
    pending_reasons: Annotated[dict[ShortText, Reasons], Field(max_length=MAX_ACTORS)] = {}
    """Why each computer seat chose its pending orders (restored on resume)."""
    opening_injects: Injects = []
    """Facilitator injects fired before the first orders: part of the opening, replayed
    with it (`Game(opening_injects=...)`). Written only when there are some, so other saves
    keep their shape (and a save written before them reads as having none)."""
    pending_injects: Injects = []
    """Facilitator injects queued for the current, unresolved turn."""
    pending_overrides: Overrides = {}
    """Facilitator dice overrides set for the current, unresolved turn."""
    final_state: StateModel | None = None
    messages: Annotated[list[MessageModel], Field(max_length=MAX_MESSAGES)] = []
    """Messages between seats, oldest first (who may read each is `visibility`'s to say)."""
    muted: Annotated[list[ShortText], Field(max_length=200)] = []
    """Channels the facilitator has muted."""
    teams: Annotated[dict[ShortText, TeamModel], Field(max_length=MAX_ACTORS)] = {}
    """Seats played by teams of named members, with each team's record."""
    team_cap: int | None = Field(default=None, ge=1, le=100)
    """Members a seat may have, when the facilitator changed it (None: the default): every
    seat's, except the seats `team_caps` names. (A save written before `team_caps` holds
    only this one number, which is every seat's cap.)"""
    team_caps: Annotated[dict[ShortText, Annotated[int, Field(ge=1, le=100)]], Field(max_length=MAX_ACTORS)] = {}
    """The seats the facilitator gave a cap of their own, and that cap; written only when
    there are some."""

    _migrated_from: int | None = PrivateAttr(default=None)
    """The format version the file was written in, when older than this one (None: this one,
    or not read from a file)."""
    _seal_problem: str | None = PrivateAttr(default=None)
    """Why the seal read with this save did not match it (None: it did, or not read)."""

    @model_serializer(mode="wrap")
    def _sealed(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Every dump carries the seal of what it holds.
        data: dict[str, Any] = handler(self)
        if "seal" in data:
            data["seal"] = seal_of(self.__dict__)
        # Fields newer than a game's needs (talk, doctrine starts, changes of hands) are
        # written only when they hold something, so other saves keep their shape. (One
        # serializer: pydantic keeps only the last a model defines, and a second one here
        # once dropped the seal from every save written.)
        for key in (*TALK_FIELDS, "starts", "seat_changes", "older_turns", "opening_injects"):
            if key in data and not data[key]:
                del data[key]
        if not data.get("starts"):  # written only when a doctrine set start values
            data.pop("starts", None)
        return data

    @property
    def migrated_from(self) -> int | None:
        """The older format version this save was read in and upgraded from (None: none)."""
        return self._migrated_from

    def read_as(self, version: int) -> None:
        """Note the format version the file was written in (`saves.store.parse_save`)."""
        self._migrated_from = version if version < FORMAT_VERSION else None

    @property
    def seal_problem(self) -> str | None:
        """Why this save, as read, fails its seal (the PIN or its record was edited); None
        when it passed or was not read from a file (`saves.store.parse_save` checks it)."""
        return self._seal_problem

    def check_seal(self, stored: object) -> None:
        """Compare the seal read with the save (`stored`: the file's `seal`, if any)."""
        if stored is None:
            self._seal_problem = "the save has no seal (every save since format 3 has one): it was edited"
        elif stored != seal_of(self.__dict__):
            self._seal_problem = "the seal does not match: the facilitator's PIN or its record was edited after the save was written"
        else:
            self._seal_problem = None

    @model_validator(mode="after")
    def _consistent(self) -> SaveModel:
        if self.format_version > FORMAT_VERSION:
            raise ValueError(
                f"this save is format version {self.format_version}; this wargame reads up to "
                f"version {FORMAT_VERSION}: upgrade wargame to open it"
            )
        if self.format_version < FORMAT_VERSION:
            raise ValueError(f"format version {self.format_version} must be migrated first (wargame.saves.migrate)")
        if len(self.deck_source.encode("utf-8")) > MAX_DECK_BYTES:
            raise ValueError(f"the deck copy inside the save is larger than a deck may be ({MAX_DECK_BYTES:,} bytes)")
        if self.played != len(self.history):
            raise ValueError(f"played says {self.played} turns but the history holds {len(self.history)}")
        digest = hashlib.sha256(self.deck_source.encode("utf-8")).hexdigest()
        if digest != self.deck_sha256:
            raise ValueError("the deck copy inside the save does not match its sha256 (the save was edited)")
        for i, turn in enumerate(self.history, start=1):
            if turn.turn != i:
                raise ValueError(f"history[{i - 1}] is turn {turn.turn}, expected turn {i}")
        if len(self.history) > self.turns:
            raise ValueError(f"the save has {len(self.history)} turns but the game has only {self.turns}")
        return self


def seats_at(save: SaveModel, turn: int) -> dict[str, str]:
    """Who played each seat when `turn` began (before any change of hands in it): the
    save's seats with every change recorded from `turn` on undone."""
    seats = dict(save.seats)
    for change in reversed(save.seat_changes):
        if change.turn >= turn:
            seats[change.seat] = change.before
    return seats
