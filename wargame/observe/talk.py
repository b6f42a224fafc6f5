"""Messages between seats and inside a team: the record of what was said, on which
channel, to whom; a team's members, proposals, comments, agreements and objections, and
the split at sealing; and the rules of talking (who may write where, when a channel is
open, who in a team seals).

Talk has no effect on the engine: it is kept beside the game (by the controller and in the
save), never in the hashed state, so a game with messages replays to the same hashes. Who
may *read* a message is a secrecy rule and lives in `visibility.sees_message`; the rules
here say who may *write* and are checked once, by `compose`, for every sender.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from wargame.errors import WargameError
from wargame.text import cut, safe_text

if TYPE_CHECKING:
    from wargame.deck.compile import CChannel, CompiledDeck
    from wargame.engine.state import State

FACILITATOR_SENDER = "facilitator"
"""The sender of a message the facilitator writes as itself."""
MAX_MESSAGE_TEXT = 1000
"""The longest message, in characters (longer text is refused, not cut: the sender sees why)."""
MAX_MESSAGES = 10_000
"""Messages a game may hold (the save's limit too): far above a classroom's afternoon."""
MAX_NAME = 60
"""The longest name a third party (a journalist, an envoy) may be given."""


class TalkError(WargameError):
    """A message that cannot be sent: the text says why in one line; nothing was sent."""


@dataclass(frozen=True, slots=True)
class Message:
    """One message, as kept: sent during `turn`, at `at` (UTC, ISO seconds)."""

    id: int
    turn: int
    at: str
    channel: str
    sender: str
    """An actor id, `facilitator`, or the name of a third party the facilitator wrote as."""
    sender_name: str
    to: tuple[str, ...]
    """The actors it was sent to (every actor, for a public channel)."""
    text: str
    public: bool = False
    """On a public channel: every seat and the projector read it."""
    third_party: bool = False
    """Written by the facilitator as a third party (`sender` is that party's name)."""
    member: str = ""
    """The team member who wrote it, for a seat played by named members (empty: the seat
    itself, a computer, the facilitator, or a message kept before members were recorded)."""


NoteKind = Literal["propose", "comment", "agree", "object", "seal", "sealer"]
"""What a team member did: proposed orders, commented, agreed with or objected to a
proposal, sealed the team's orders, or became the team's sealer."""
MAX_MEMBER_NAME = 40
"""The longest display name a team member may give."""
DEFAULT_TEAM_CAP = 6
"""Members a seat may have unless the facilitator says otherwise (a classroom team is 3–6)."""
MAX_NOTES = 20_000
"""Team notes a game may hold (the save's limit too)."""


@dataclass(frozen=True, slots=True)
class TeamNote:
    """One thing a team member said or did, in `turn`, at `at` (UTC, ISO seconds)."""

    id: int
    turn: int
    at: str
    member: str
    kind: NoteKind
    proposal: int | None = None
    """The proposal it is about (a proposal's own id; the one sealed, if any, for a seal)."""
    orders: tuple[str, ...] = ()
    """The move ids proposed or sealed."""
    text: str = ""
    agreed: tuple[str, ...] = ()
    """At a seal: the members who had agreed with the proposal sealed."""
    objected: tuple[str, ...] = ()
    """At a seal: the members who had objected to it."""


@dataclass
class Team:
    """The members playing one seat together, who seals for them, and what they said."""

    members: list[str] = field(default_factory=list)
    """Display names, in the order they first joined."""
    sealer: str = ""
    notes: list[TeamNote] = field(default_factory=list)

    def stances(self, proposal: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(agreed, objected): each member's latest word on `proposal` (its author agrees)."""
        latest: dict[str, str] = {}
        for n in self.notes:
            if n.kind == "propose" and n.id == proposal:
                latest[n.member] = "agree"
            elif n.kind in {"agree", "object"} and n.proposal == proposal:
                latest[n.member] = n.kind
        agreed = tuple(m for m in self.members if latest.get(m) == "agree")
        objected = tuple(m for m in self.members if latest.get(m) == "object")
        return agreed, objected

    def proposal(self, pid: int) -> TeamNote | None:
        return next((n for n in self.notes if n.kind == "propose" and n.id == pid), None)


@dataclass
class Talk:
    """Everything said in one game so far: messages between seats (and the channels the
    facilitator has muted), and each team's own talk."""

    messages: list[Message] = field(default_factory=list)
    muted: set[str] = field(default_factory=set)
    teams: dict[str, Team] = field(default_factory=dict)
    """Seat (actor id) to its team, for seats played by named members on several devices."""
    team_cap: int = DEFAULT_TEAM_CAP
    """How many members a seat may have, for every seat `seat_caps` does not name (the
    facilitator may change it)."""
    seat_caps: dict[str, int] = field(default_factory=dict)
    """Seat (actor id) to the members it may have, where the facilitator gave that seat a
    cap of its own."""

    def cap(self, seat: str) -> int:
        """How many members `seat`'s team may have."""
        return self.seat_caps.get(seat, self.team_cap)

    def set_cap(self, members: int, seat: str | None = None) -> None:
        """`members` for `seat` alone, or (None) for every seat: the one-number form, which
        replaces every seat's own cap. Members already in stay."""
        if seat is None:
            self.team_cap = members
            self.seat_caps.clear()
        elif members == self.team_cap:
            self.seat_caps.pop(seat, None)
        else:
            self.seat_caps[seat] = members

    @property
    def revision(self) -> tuple[object, ...]:
        """Changes whenever a message is sent, a channel muted or unmuted, or a team acts."""
        return (len(self.messages), hash(frozenset(self.muted)), sum(len(t.notes) + len(t.members) for t in self.teams.values()),
                hash(tuple(t.sealer for t in self.teams.values())), self.team_cap, hash(frozenset(self.seat_caps.items())))

    def copy(self) -> Talk:
        teams = {s: Team(list(t.members), t.sealer, list(t.notes)) for s, t in self.teams.items()}
        return Talk(list(self.messages), set(self.muted), teams, self.team_cap, dict(self.seat_caps))

    def upto(self, turn: int) -> list[Message]:
        """The messages sent up to and during `turn` (what was said while deciding it)."""
        return [m for m in self.messages if m.turn <= turn]


def channel(deck: CompiledDeck, name: str) -> CChannel:
    """The channel named `name`, or `TalkError` naming the channels there are."""
    for c in deck.channels:
        if c.name == name:
            return c
    known = ", ".join(c.name for c in deck.channels)
    raise TalkError(f"there is no channel '{cut(name, 40)}' (channels: {known})")


def is_open(c: CChannel, state: State, muted: Iterable[str], over: bool) -> bool:
    """Whether anyone may write on `c` now: the game goes on, the facilitator has not muted
    it, and its deck condition (if any) holds in `state`."""
    if over or c.name in set(muted):
        return False
    return c.when is None or bool(c.when(state))


def why_closed(c: CChannel, muted: Iterable[str], over: bool) -> str:
    if over:
        return "the game is over"
    if c.name in set(muted):
        return "the facilitator has muted it"
    return "it is closed at the moment (the deck opens it only at certain times)"


def compose(
    deck: CompiledDeck, talk: Talk, state: State, over: bool, *, sender: str, channel_name: str, to: Sequence[str],
    text: str, turn: int, at: str, third_party: str = "", member: str = "",
) -> Message:
    """The message `sender` (an actor, or `facilitator`) writes on `channel_name` to `to`
    (empty: every other member), checked: `TalkError` says in one line why it cannot be
    sent. The facilitator may write on any channel, open or not, as itself or as a
    `third_party`; a seat only on an open channel it belongs to, to fellow members.
    `member`: the team member who wrote it, for a seat played by named members (kept only
    if they are on that seat's team)."""
    c = channel(deck, channel_name)
    body = text.strip()
    if not body:
        raise TalkError("an empty message was not sent")
    if len(body) > MAX_MESSAGE_TEXT:
        raise TalkError(f"a message is at most {MAX_MESSAGE_TEXT} characters long, not {len(body)}: nothing was sent")
    if len(talk.messages) >= MAX_MESSAGES:
        raise TalkError(f"this game holds its {MAX_MESSAGES} messages: no more can be sent")
    body = safe_text(body, MAX_MESSAGE_TEXT)
    facilitator = sender == FACILITATOR_SENDER
    if not facilitator:
        if sender not in c.members:
            raise TalkError(f"{deck.actor_name(sender)} may not write on {c.title} ({c.name})")
        if not is_open(c, state, talk.muted, over):
            raise TalkError(f"{c.title} ({c.name}) is closed: {why_closed(c, talk.muted, over)}; nothing was sent")
    elif over:
        raise TalkError("the game is over: no more messages")
    if c.public:
        recipients = tuple(deck.actors)
    else:
        wanted = list(dict.fromkeys(to))
        strangers = [a for a in wanted if a not in c.members]
        if strangers:
            who = strangers[0]
            name = deck.actor_name(who) if who in deck.actors else f"'{cut(who, 40)}'"
            raise TalkError(f"{name} is not on {c.title} ({c.name}): nothing was sent")
        if sender in wanted:
            wanted.remove(sender)
        recipients = tuple(a for a in c.members if a in wanted) if wanted else tuple(a for a in c.members if a != sender)
        if not recipients:
            raise TalkError(f"nobody to send to on {c.title} ({c.name})")
    if third_party:
        name = safe_text(third_party.strip(), MAX_NAME, one_line=True)
        if not name or name in deck.actors or name == FACILITATOR_SENDER or name in {deck.actor_name(a) for a in deck.actors}:
            raise TalkError("a third party needs a name of its own (not a seat's, not 'facilitator'), e.g. 'A journalist'")
        who, who_name = name, name
    elif facilitator:
        who, who_name = FACILITATOR_SENDER, "The facilitator"
    else:
        who, who_name = sender, deck.actor_name(sender)
    team = talk.teams.get(sender) if not facilitator else None
    author = member if team is not None and member in team.members else ""
    return Message(
        id=len(talk.messages) + 1, turn=turn, at=at, channel=c.name, sender=who, sender_name=who_name, to=recipients,
        text=body, public=c.public, third_party=bool(third_party), member=author,
    )


# -- teams -----------------------------------------------------------------------------------
def member_name(name: str) -> str:
    """A member's display name, checked: one line, no control characters, not empty."""
    clean = safe_text(" ".join(name.split()), MAX_MEMBER_NAME, one_line=True)
    if not clean:
        raise TalkError("give a display name to join a team (e.g. 'Ana')")
    return clean


def admits(talk: Talk, seat: str, name: str) -> str:
    """The display name `name` would join `seat`'s team as (a member already in comes back);
    `TalkError` saying why not when the team is full. Changes nothing: a host's front door
    asks before it starts a browser tab's app."""
    clean = member_name(name)
    team = talk.teams.get(seat)
    members = team.members if team is not None else []
    cap = talk.cap(seat)
    if clean not in members and len(members) >= cap:
        held = f"{len(members)} members; the facilitator allows {cap}" if len(members) > cap else f"{cap} members"
        raise TalkError(f"this team is full ({held}): ask the facilitator to allow more")
    return clean


def join(talk: Talk, seat: str, name: str) -> Team:
    """`name` joins `seat`'s team (again, after a drop: nothing is lost); the first member
    seals for the team until someone else is chosen. `TalkError` when the team is full."""
    clean = admits(talk, seat, name)
    team = talk.teams.setdefault(seat, Team())
    if clean in team.members:
        return team
    team.members.append(clean)
    if not team.sealer:
        team.sealer = clean
    return team


def team_note(
    talk: Talk, seat: str, member: str, kind: NoteKind, *, turn: int, at: str, proposal: int | None = None,
    orders: Sequence[str] = (), text: str = "",
) -> TeamNote:
    """A member's proposal, comment, agreement or objection, checked and kept; `TalkError`
    (one line) when it cannot be: not a member, an unknown proposal or one of a past turn,
    text too long. Orders are checked as the seat's own moves by the caller."""
    team = talk.teams.get(seat)
    if team is None or member not in team.members:
        raise TalkError(f"'{cut(member, 40)}' is not a member of this team: join with a display name first")
    if sum(len(t.notes) for t in talk.teams.values()) >= MAX_NOTES:
        raise TalkError(f"this game holds its {MAX_NOTES} team notes: no more can be kept")
    body = text.strip()
    if len(body) > MAX_MESSAGE_TEXT:
        raise TalkError(f"a comment is at most {MAX_MESSAGE_TEXT} characters long, not {len(body)}: nothing was kept")
    if kind == "comment" and not body:
        raise TalkError("an empty comment was not kept")
    if kind == "propose":
        # A second proposal of the same orders would split the team's stances between two
        # numbers (a seal stands on the latest, and objections to the first drop out).
        same = proposal_sealed(team.notes, turn, orders)
        if same is not None:
            who = "you" if same.member == member else cut(same.member, 40)
            raise TalkError(f"these orders are proposal #{same.id} already (proposed by {who}): agree with it or object to it instead")
    if kind in {"agree", "object"} or (kind == "comment" and proposal is not None):
        target = team.proposal(proposal) if proposal is not None else None
        if target is None:
            raise TalkError(f"there is no proposal {proposal} in this team")
        if target.turn != turn and kind != "comment":
            raise TalkError(f"proposal {proposal} was for an earlier turn: propose again")
    note_id = _next_note_id(team)
    note = TeamNote(note_id, turn, at, member, kind, note_id if kind == "propose" else proposal, tuple(orders),
                    safe_text(body, MAX_MESSAGE_TEXT))
    team.notes.append(note)
    return note


class Said(Protocol):
    """A team's note as kept (`TeamNote`) or as a viewer reads it (`TeamNoteInfo`)."""

    @property
    def id(self) -> int: ...
    @property
    def turn(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def orders(self) -> Sequence[str]: ...


S = TypeVar("S", bound=Said)


def proposal_sealed(notes: Iterable[S], turn: int, moves: Sequence[str]) -> S | None:
    """The proposal a seal of `moves` in `turn` stands on: that turn's latest proposal of
    the same moves (in any order), or None. Answers to offers are left out of `moves` by
    the caller: a proposal never holds them. The one rule, for the seal kept and the
    sealer's preview of it."""
    wanted = sorted(moves)
    return next((n for n in reversed(list(notes)) if n.kind == "propose" and n.turn == turn and sorted(n.orders) == wanted), None)


def split_at_seal(members: Sequence[str], sealer: str, agreed: Sequence[str], objected: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(agreed, objected) as kept at a seal by `sealer`, from the stances on the proposal
    sealed: sealing a teammate's proposal is agreeing to it (one who objected and sealed it
    anyway stays on record as objecting)."""
    if sealer in agreed or sealer in objected:
        return tuple(agreed), tuple(objected)
    return tuple(m for m in members if m in agreed or m == sealer), tuple(objected)


def seal_note(
    talk: Talk, seat: str, member: str, orders: Sequence[str], *, turn: int, at: str, moves: Sequence[str] | None = None,
) -> TeamNote | None:
    """The split at sealing: who had agreed with and who objected to the proposal that
    matches the orders sealed (`proposal_sealed`, on `moves`: the orders less any answers
    to offers; all of `orders` when not given), kept in the team's record. None for a seat
    with no team. `TalkError` when `member` is not its sealer."""
    team = talk.teams.get(seat)
    if team is None or not team.members:
        return None
    if member != team.sealer:
        raise TalkError(f"only the team's sealer ({team.sealer}) seals its orders; propose them instead")
    match = proposal_sealed(team.notes, turn, orders if moves is None else moves)
    agreed, objected = split_at_seal(team.members, member, *(team.stances(match.id) if match is not None else ((member,), ())))
    note_id = _next_note_id(team)
    note = TeamNote(note_id, turn, at, member, "seal", match.id if match is not None else None, tuple(orders), "", agreed, objected)
    team.notes.append(note)
    return note


def _next_note_id(team: Team) -> int:
    """The next note's id within its own team (#1, #2, ...). Never counted over every team:
    a team reading "#14" for its first proposal would learn how much the others had said.
    The largest id so far, not the count, so a game saved with the older numbering goes on
    without reusing an id."""
    return 1 + max((n.id for n in team.notes), default=0)


def choose_sealer(talk: Talk, seat: str, member: str, *, turn: int, at: str) -> TeamNote:
    """`member` seals for `seat`'s team from now on (chosen by the team's sealer or the facilitator)."""
    team = talk.teams.get(seat)
    if team is None or member not in team.members:
        raise TalkError(f"'{cut(member, 40)}' is not a member of this team")
    team.sealer = member
    note_id = _next_note_id(team)
    note = TeamNote(note_id, turn, at, member, "sealer")
    team.notes.append(note)
    return note
