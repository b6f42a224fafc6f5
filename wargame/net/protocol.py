"""The wire protocol between `wargame host` and its clients: versioned JSON messages.

The game's commands are `wargame.play.commands` (the same a local game takes); a client
also says hello with its code and may ping. Every message is checked here with pydantic before the host acts on it;
anything malformed becomes one `ProtocolError` line ("orders: turn: must be a whole
number"), never a crash. Text is hostile in both directions: every string a client sends
and every string a client receives (`neutral`) has its control characters neutralised and
its length bounded here, so no message can retitle or clear a terminal. docs/agent-protocol.md
documents the messages for other languages.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError

from wargame.errors import WargameError
from wargame.observe.talk import MAX_MEMBER_NAME
from wargame.play.commands import (
    FACILITATOR_ONLY,
    MAX_TEXT,
    AddTime,
    Agree,
    ChooseSealer,
    Command,
    Comment,
    Configure,
    Countdown,
    Inject,
    MuteChannel,
    Object,
    Orders,
    Override,
    Pause,
    PostAsThirdParty,
    Propose,
    Reissue,
    RemoveInject,
    Reseat,
    Resolve,
    Resume,
    Revoke,
    SendMessage,
    TeamCap,
)
from wargame.text import safe_text

__all__ = ["FACILITATOR_ONLY", "MAX_MESSAGE", "MAX_RECEIVED_TEXT", "MAX_TEXT", "PROTOCOL_VERSION", "ClientMessage", "Hello", "Ping", "ProtocolError", "neutral", "parse_message"]

PROTOCOL_VERSION = 1
MAX_MESSAGE = 256 * 1024
MAX_RECEIVED_TEXT = 20_000
"""The longest string a client keeps from the host (deck text is at most this long)."""


class ProtocolError(WargameError):
    """A client sent a message the host cannot accept; the text says what is wrong."""


def _one_line(text: str) -> str:
    return safe_text(text, MAX_TEXT, one_line=True)


class Hello(Command):
    """Open a seat, the facilitator's console or the projector with a join code; `name`: a
    team member's display name (a seat's code then opens on each member's device)."""

    type: Literal["hello"]
    code: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_one_line)]
    name: Annotated[str, Field(max_length=MAX_MEMBER_NAME), AfterValidator(_one_line)] = ""


class Ping(Command):
    type: Literal["ping"]


ClientMessage = Annotated[
    Hello | Ping | Orders | Resolve | Pause | Resume | Countdown | AddTime | Configure | Inject | RemoveInject | Override | Revoke | Reissue | Reseat
    | SendMessage | PostAsThirdParty | MuteChannel | Propose | Comment | Agree | Object | ChooseSealer | TeamCap,
    Field(discriminator="type"),
]
_adapter: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)


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
