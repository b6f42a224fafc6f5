"""The save format: a versioned JSON log of a game, plus a state hash after every turn.

A save holds the deck's full source (so it replays even after the deck file changes),
the seed, the seats, and every turn's input (orders, injects, overrides) and output
(chance rolls, news, the state hash). Replaying re-resolves the inputs and compares.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from wargame.engine.model import StateModel

FORMAT: Literal["wargame-save"] = "wargame-save"
FORMAT_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RollModel(_Model):
    kind: str
    key: str
    actor: str | None = None
    chance: float = Field(ge=0, le=1)
    roll: float = Field(ge=0, lt=1)
    success: bool
    forced: bool = False


class NewsModel(_Model):
    text: str
    kind: str
    audience: list[str] | None = None
    actor: str | None = None
    source: str | None = None


class InjectModel(_Model):
    event: str | None = None
    text: str = ""
    effects: list[str] = []


class TurnModel(_Model):
    turn: int = Field(ge=1)
    orders: dict[str, list[str]]
    reasons: dict[str, list[str]] = {}
    injects: list[InjectModel] = []
    overrides: dict[str, bool] = {}
    rolls: list[RollModel] = []
    news: list[NewsModel] = []
    fired: list[str] = []
    ending: str | None = None
    state_hash: str = Field(pattern=r"^[0-9a-f]{32}$")


class ParentModel(_Model):
    """Where a branched ("what if") game forked from."""

    save_id: str
    path: str = ""
    turn: int = Field(ge=0)
    """The number of turns kept from the parent; play diverges from the next one."""


class CountdownModel(_Model):
    """The facilitator's countdown when the game was saved."""

    seconds: float = Field(gt=0, le=24 * 3600)
    """The length of a turn's countdown."""
    left: float = Field(ge=0, le=24 * 3600)
    """The time that was left."""
    paused: bool = False


class SaveModel(_Model):
    format: Literal["wargame-save"] = FORMAT
    format_version: int
    engine_version: str
    save_id: str
    created: str
    title: str = ""
    deck_path: str
    deck_id: str
    deck_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    deck_source: str
    seed: int
    turns: int = Field(ge=1, le=200)
    seats: dict[str, str]
    """Actor id to seat spec: `human`, `random`, `doctrine:NAME`, `lookahead:BUDGET`."""
    facilitator: bool = False
    facilitator_pin: str | None = Field(default=None, pattern=r"^pbkdf2-sha256\$\d{1,7}\$[0-9a-f]{32}\$[0-9a-f]{64}$")
    """A salted hash of the facilitator's PIN (never the PIN itself); None: no PIN."""
    pin_failures: list[int] = Field(default=[], max_length=10_000)
    """The turns in which someone entered a wrong facilitator PIN."""
    countdown: CountdownModel | None = None
    parent: ParentModel | None = None
    history: list[TurnModel] = []
    pending: dict[str, list[str]] = {}
    """Orders confirmed for the current, unresolved turn (a mid-turn autosave)."""
    pending_injects: list[InjectModel] = []
    """Facilitator injects queued for the current, unresolved turn."""
    pending_overrides: dict[str, bool] = {}
    """Facilitator dice overrides set for the current, unresolved turn."""
    final_state: StateModel | None = None
    ending: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SaveModel:
        if self.format_version > FORMAT_VERSION:
            raise ValueError(
                f"this save is format version {self.format_version}; this wargame reads up to "
                f"version {FORMAT_VERSION}: upgrade wargame to open it"
            )
        if self.format_version < 1:
            raise ValueError(f"unknown save format version {self.format_version}")
        digest = hashlib.sha256(self.deck_source.encode("utf-8")).hexdigest()
        if digest != self.deck_sha256:
            raise ValueError("the deck copy inside the save does not match its sha256 (the save was edited)")
        for i, turn in enumerate(self.history, start=1):
            if turn.turn != i:
                raise ValueError(f"history[{i - 1}] is turn {turn.turn}, expected turn {i}")
        if len(self.history) > self.turns:
            raise ValueError(f"the save has {len(self.history)} turns but the game has only {self.turns}")
        return self
