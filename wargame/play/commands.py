"""The typed commands that change a game being played, whoever sends them.

A seat seals orders; the facilitator resolves, pauses, runs the countdown, fires injects,
sets the dice, re-seats a team and (in a hosted game) revokes or reissues codes. The local
terminal game, a joined terminal, a browser tab and a program over HTTP all send these
same commands, checked here with pydantic: anything malformed is one clear line.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from wargame.observe.model import TimeUp
from wargame.observe.talk import MAX_MEMBER_NAME, MAX_MESSAGE_TEXT, MAX_NAME
from wargame.text import safe_text

MAX_TEXT = 2000
"""The longest text a command may carry in one field (an inject, a reason)."""


def _lines(text: str) -> str:
    return safe_text(text, MAX_TEXT)


def _one_line(text: str) -> str:
    return safe_text(text, MAX_TEXT, one_line=True)


# Control characters are shown as `\x1b`-style escapes, never passed on: an inject typed
# with an escape sequence reaches every screen as visible text, not as a terminal command.
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_lines)]
Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
Missing = Literal["stand-pat", "stand-in"]
"""How to seal the orders of seats still choosing when the facilitator resolves: they give
no orders (stand pat), or their computer stand-in plays them."""

_OLD_NAMES = {"stand_pat": "stand-pat", "computer": "stand-in"}
"""The time-up names of protocol version 1's first release, still accepted."""


def _new_name(value: Any) -> Any:
    return _OLD_NAMES.get(value, value) if isinstance(value, str) else value


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1


class Orders(Command):
    """Seal this seat's orders for `turn` (move ids, at most the seat's allowance; answers
    to offers are free), with an optional reason for each."""

    type: Literal["orders"] = "orders"
    turn: int
    orders: Annotated[list[Id], Field(max_length=50)]
    reasons: Annotated[list[Text], Field(max_length=50)] = []


class Resolve(Command):
    """Facilitator: resolve the turn now; seats still choosing stand pat or their
    computer stand-in plays."""

    type: Literal["resolve"] = "resolve"
    missing: Missing = "stand-pat"

    _names = field_validator("missing", mode="before")(_new_name)


class Pause(Command):
    type: Literal["pause"] = "pause"


class Resume(Command):
    type: Literal["resume"] = "resume"


class Countdown(Command):
    """Facilitator: a countdown of `minutes` for this turn and the next ones (0 stops it)."""

    type: Literal["countdown"] = "countdown"
    minutes: Annotated[float, Field(ge=0, le=600)]


class AddTime(Command):
    """Facilitator: add `seconds` to this turn's countdown (take time away with a negative
    number, down to none left); later turns keep the countdown's length."""

    type: Literal["add_time"] = "add_time"
    seconds: Annotated[float, Field(ge=-36_000, le=36_000)]


class Configure(Command):
    """Facilitator: resolve on its own when every seat has sealed; what to do at time-up."""

    type: Literal["settings"] = "settings"
    auto_resolve: bool | None = None
    on_timeout: TimeUp | None = None

    _names = field_validator("on_timeout", mode="before")(_new_name)


class Inject(Command):
    """Facilitator: fire a deck event, or an inject written now (text and effects)."""

    type: Literal["inject"] = "inject"
    event: Id | None = None
    text: Text = ""
    effects: Annotated[list[Text], Field(max_length=20)] = []
    opening: bool = False
    """Fire it now, as part of the opening (before the first orders), instead of queueing
    it for the turn: only while no team has sealed turn 1's orders."""


class RemoveInject(Command):
    """Facilitator: take back the `index`-th inject queued this turn, or with `opening`
    withdraw the `index`-th inject fired into the opening."""

    type: Literal["remove_inject"] = "remove_inject"
    index: Annotated[int, Field(ge=0, le=1000)]
    opening: bool = False
    """Withdraw an inject fired into the opening (the opening is played again without
    it): only while no team has sealed turn 1's orders."""


class Override(Command):
    """Facilitator: force a pending roll to succeed (true) or fail (false), or roll (null)."""

    type: Literal["override"] = "override"
    key: Id
    outcome: bool | None


class Revoke(Command):
    """Facilitator of a hosted game: revoke a seat's (or the projector's) code."""

    type: Literal["revoke"] = "revoke"
    role: Id


class Reissue(Command):
    """Facilitator of a hosted game: a new code for a seat (or the projector)."""

    type: Literal["reissue"] = "reissue"
    role: Id


class Reseat(Command):
    """Facilitator: hand a seat to a computer (`random`, `doctrine:NAME`, `lookahead`), to
    a program the host was started with (`agent:NAME`), or back to its team (`human`)."""

    type: Literal["reseat"] = "reseat"
    seat: Id
    spec: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_one_line)]


class SendMessage(Command):
    """Write a message on `channel` to the seats `to` (empty: every other member of the
    channel; everyone, on a public channel). Talk has no effect on the game."""

    type: Literal["message"] = "message"
    channel: Id
    to: Annotated[list[Id], Field(max_length=16)] = []
    text: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_TEXT), AfterValidator(_lines)]


class PostAsThirdParty(Command):
    """Facilitator: write on `channel` as a third party (`sender`: a journalist, an ally's
    envoy), to `to` (empty: every member)."""

    type: Literal["post"] = "post"
    channel: Id
    sender: Annotated[str, Field(min_length=1, max_length=MAX_NAME), AfterValidator(_one_line)]
    to: Annotated[list[Id], Field(max_length=16)] = []
    text: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_TEXT), AfterValidator(_lines)]


class MuteChannel(Command):
    """Facilitator: mute a channel (nobody may write on it) or, with `muted` false, open it again."""

    type: Literal["mute"] = "mute"
    channel: Id
    muted: bool = True


class Propose(Command):
    """A team member proposes orders for this turn (its teammates see it at once)."""

    type: Literal["propose"] = "propose"
    orders: Annotated[list[Id], Field(max_length=50)]
    text: Annotated[str, Field(max_length=MAX_MESSAGE_TEXT), AfterValidator(_lines)] = ""


class Comment(Command):
    """A team member's comment, on a proposal or on the turn."""

    type: Literal["comment"] = "comment"
    text: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_TEXT), AfterValidator(_lines)]
    proposal: Annotated[int, Field(ge=1)] | None = None


class Agree(Command):
    """A team member agrees with a proposal (their latest word on it counts)."""

    type: Literal["agree"] = "agree"
    proposal: Annotated[int, Field(ge=1)]


class Object(Command):
    """A team member objects to a proposal, saying why (their latest word on it counts)."""

    type: Literal["object"] = "object"
    proposal: Annotated[int, Field(ge=1)]
    text: Annotated[str, Field(max_length=MAX_MESSAGE_TEXT), AfterValidator(_lines)] = ""


class ChooseSealer(Command):
    """The team's sealer (or the facilitator, naming the `seat`) hands sealing to `member`."""

    type: Literal["sealer"] = "sealer"
    member: Annotated[str, Field(min_length=1, max_length=MAX_MEMBER_NAME), AfterValidator(_one_line)]
    seat: Id | None = None


class TeamCap(Command):
    """Facilitator: how many members `seat`'s team may have, or (no seat) every seat's,
    which replaces the caps given to single seats. Members already in stay."""

    type: Literal["team_cap"] = "team_cap"
    members: Annotated[int, Field(ge=1, le=100)]
    seat: Id | None = None


GameCommand = (
    Orders | Resolve | Pause | Resume | Countdown | AddTime | Configure | Inject | RemoveInject | Override | Revoke | Reissue | Reseat
    | SendMessage | PostAsThirdParty | MuteChannel | Propose | Comment | Agree | Object | ChooseSealer | TeamCap
)
FACILITATOR_ONLY = frozenset({
    "resolve", "pause", "resume", "countdown", "add_time", "settings", "inject", "remove_inject", "override", "revoke", "reissue",
    "reseat", "post", "mute", "team_cap",
})
TEAM = frozenset({"propose", "comment", "agree", "object", "sealer"})
"""A team member's commands (a host says which member sent them)."""
TALK = frozenset({"message", "post", "propose", "comment", "agree", "object"})
"""Commands that write a message (a host limits how fast a code may send them)."""


class Reply(BaseModel):
    """What came of a command: done (with anything it returns), or why not, in one line."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    of: str
    message: str = ""
    code: str | None = None
    """A new code (reissue), shown once to the facilitator."""
    role: str | None = None
