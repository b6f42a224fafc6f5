"""The wire protocol between `wargame host` and its clients: versioned JSON messages.

Every message a client sends is checked here with pydantic before the host acts on it;
anything malformed becomes one `ProtocolError` line ("orders: turn: must be a whole
number"), never a crash. Text is hostile in both directions: every string a client sends
and every string a client receives (`neutral`) has its control characters neutralised and
its length bounded here, so no message can retitle or clear a terminal. docs/agent-protocol.md
documents the messages for other languages.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from wargame.errors import WargameError
from wargame.text import safe_text

PROTOCOL_VERSION = 1
MAX_MESSAGE = 256 * 1024
"""The largest message a client may send (bytes): orders and injects are small."""


class ProtocolError(WargameError):
    """A client sent a message the host cannot accept; the text says what is wrong."""


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1


MAX_TEXT = 2000
"""The longest text a client may send in one field (an inject, a reason)."""
MAX_RECEIVED_TEXT = 20_000
"""The longest string a client keeps from the host (deck text is at most this long)."""


def _lines(text: str) -> str:
    return safe_text(text, MAX_TEXT)


def _one_line(text: str) -> str:
    return safe_text(text, MAX_TEXT, one_line=True)


# Control characters are shown as `\x1b`-style escapes, never passed on: an inject typed
# with an escape sequence reaches every screen as visible text, not as a terminal command.
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_lines)]
Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]


class Hello(_Msg):
    """Open a seat, the facilitator's console or the projector with a join code."""

    type: Literal["hello"]
    code: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_one_line)]


class Orders(_Msg):
    """Seal this seat's orders for `turn` (move ids, at most the seat's allowance)."""

    type: Literal["orders"]
    turn: int
    orders: Annotated[list[Id], Field(max_length=50)]
    reasons: Annotated[list[Text], Field(max_length=50)] = []


class Ping(_Msg):
    type: Literal["ping"]


class Resolve(_Msg):
    """Facilitator: resolve the turn now. Seats that have not sealed stand pat (no orders)
    or are played by their computer stand-in."""

    type: Literal["resolve"]
    missing: Literal["stand_pat", "computer"] = "stand_pat"


class Pause(_Msg):
    type: Literal["pause"]


class Resume(_Msg):
    type: Literal["resume"]


class Countdown(_Msg):
    """Facilitator: start a countdown of `minutes` for this turn and the next ones (0 stops it)."""

    type: Literal["countdown"]
    minutes: Annotated[float, Field(ge=0, le=600)]


class AddTime(_Msg):
    """Facilitator: add `seconds` to this turn's running countdown (take time away with a
    negative number, down to none left); later turns keep the countdown's length."""

    type: Literal["add_time"]
    seconds: Annotated[float, Field(ge=-36_000, le=36_000)]


class Settings(_Msg):
    """Facilitator: resolve on its own when every seat has sealed; what to do at time-up."""

    type: Literal["settings"]
    auto_resolve: bool | None = None
    on_timeout: Literal["wait", "stand_pat", "computer"] | None = None


class Inject(_Msg):
    """Facilitator: fire a deck event, or an inject written now (text and effects)."""

    type: Literal["inject"]
    event: Id | None = None
    text: Text = ""
    effects: Annotated[list[Text], Field(max_length=20)] = []


class Override(_Msg):
    """Facilitator: force a pending roll to succeed (true) or fail (false), or roll (null)."""

    type: Literal["override"]
    key: Id
    outcome: bool | None


class Revoke(_Msg):
    """Facilitator: revoke a seat's (or the projector's) code; its clients are closed."""

    type: Literal["revoke"]
    role: Id


class Reissue(_Msg):
    """Facilitator: issue a new code for a seat (or the projector); the old one stops working."""

    type: Literal["reissue"]
    role: Id


class Reseat(_Msg):
    """Facilitator: hand a seat to a computer (`random`, `doctrine:NAME`, ...) or back to `human`."""

    type: Literal["reseat"]
    seat: Id
    spec: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_one_line)]


ClientMessage = Annotated[
    Hello | Orders | Ping | Resolve | Pause | Resume | Countdown | AddTime | Settings | Inject | Override | Revoke | Reissue | Reseat,
    Field(discriminator="type"),
]
_adapter: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
FACILITATOR_ONLY = frozenset({"resolve", "pause", "resume", "countdown", "add_time", "settings", "inject", "override", "revoke", "reissue", "reseat"})


def parse_message(raw: str | bytes | dict[str, Any]) -> ClientMessage:
    """Check a client's message; `ProtocolError` names the first problem in one line."""
    if isinstance(raw, str | bytes):
        if len(raw) > MAX_MESSAGE:
            raise ProtocolError(f"message too large ({len(raw)} bytes; the limit is {MAX_MESSAGE})")
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            raise ProtocolError("message is not JSON") from None
    else:
        data = raw
    if not isinstance(data, dict):
        raise ProtocolError("message must be a JSON object with a \"type\"")
    version = data.get("v", PROTOCOL_VERSION)
    if version != PROTOCOL_VERSION:
        raise ProtocolError(f"protocol version {version!r} is not supported (this host speaks version {PROTOCOL_VERSION})")
    try:
        return _adapter.validate_python(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        kind = data.get("type")
        loc = list(err["loc"])
        if loc and loc[0] == kind:  # the union's tag comes first; the field follows
            loc = loc[1:]
        where = ".".join(str(p) for p in loc)
        what = f"{kind}: " if isinstance(kind, str) and len(kind) < 40 else ""
        if err["type"] == "union_tag_invalid":
            shown = f" {kind!r}" if isinstance(kind, str) and len(kind) < 40 else ""
            raise ProtocolError(f"unknown message type{shown}") from None
        if err["type"] == "union_tag_not_found":
            raise ProtocolError("message has no \"type\"") from None
        raise ProtocolError(f"{what}{where + ': ' if where else ''}{err['msg']}") from None


def neutral(data: Any) -> Any:
    """A message received from a host with every string (keys too) neutralised and bounded,
    as `safe_text` does for decks: tabs and newlines stay, other control characters become
    visible escapes. Clients apply it to each message before anything reads it."""
    if isinstance(data, str):
        return safe_text(data, MAX_RECEIVED_TEXT)
    if isinstance(data, dict):
        return {neutral(k) if isinstance(k, str) else k: neutral(v) for k, v in data.items()}
    if isinstance(data, list):
        return [neutral(x) for x in data]
    return data
