"""The engine's flat game state, and the small records a turn produces.

`State` is what compiled deck functions read and write: lists indexed by slot, no dicts
and no pydantic, so the resolve loop stays fast. The records a turn makes by the
hundred (`Roll`, `NewsItem`, `Play`, `Change`) are named tuples: immutable, and about
three times cheaper to build than frozen dataclasses. The pydantic forms live in
`model.py` and `wargame.saves` and are used only at the boundaries.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass, field
from itertools import compress
from operator import ne
from typing import Any, NamedTuple

from wargame.deck.compile import CompiledDeck

FACILITATOR = "facilitator"
"""The seat name of the facilitator (control), who sees everything."""

__all__ = ["FACILITATOR", "Cause", "Change", "Inject", "NewsItem", "Play", "Roll", "State", "TurnRecord"]


class State:
    """Mutable game state in flat form. Closures compiled from deck text take it as `s`."""

    __slots__ = ("counts", "f", "fired", "fired_last", "last", "offers", "ordered", "reveal_requests", "revealed", "turn", "turns", "v", "wins")

    def __init__(self, deck: CompiledDeck, turns: int) -> None:
        n = len(deck.moves)
        self.v: list[float] = list(deck.start_values)
        """Track values by slot (global tracks first, then each actor's tracks)."""
        self.f: list[bool] = list(deck.flag_start)
        self.turn = 1
        """The turn being played (1-based); after the last turn it stays at the last turn."""
        self.turns = turns
        self.counts = [0] * n
        """Times each move has resolved (succeeded or failed, not fizzled)."""
        self.wins = [0] * n
        """Times each move's chance roll succeeded."""
        self.last = [-1] * n
        """Turn each move last resolved, -1 if never."""
        self.ordered = [False] * n
        """Moves ordered this turn (set during resolution only)."""
        self.revealed = [False] * n
        """Secret moves whose plays have been revealed."""
        self.fired = [0] * len(deck.events)
        """Times each event has fired."""
        self.fired_last = [-1] * len(deck.events)
        """Turn each event last fired, -1 if never (for `since('event-id')`). Not in the
        digest: it changes only on a turn whose `fired` count changes, which is hashed, so
        a replay that diverged here is caught on that turn; keeping it out also keeps the
        hashes of saves written before it existed."""
        self.reveal_requests: list[int] = []
        self.offers = [-1] * len(deck.offers)
        """Per offer slot (`CompiledDeck.offers`): the turn the offer was made while it waits
        for an answer, else -1."""

    def copy(self) -> State:
        new = State.__new__(State)
        new.v = list(self.v)
        new.f = list(self.f)
        new.turn = self.turn
        new.turns = self.turns
        new.counts = list(self.counts)
        new.wins = list(self.wins)
        new.last = list(self.last)
        new.ordered = list(self.ordered)
        new.revealed = list(self.revealed)
        new.fired = list(self.fired)
        new.fired_last = list(self.fired_last)
        new.reveal_requests = []
        new.offers = list(self.offers)
        return new

    def digest(self) -> str:
        """A hash of everything that decides the rest of the game; replays compare it.

        Numbers are packed as binary (tracks as doubles, the rest as 64-bit integers),
        which is exact and several times faster than hashing their text.
        """
        h = hashlib.blake2b(digest_size=16)
        h.update(array("d", self.v).tobytes())
        h.update(array("q", (self.turn, *self.counts, *self.wins, *self.last, *self.fired)).tobytes())
        h.update(bytes(self.f) + b"|" + bytes(self.revealed))
        if self.offers:  # only decks with offers: every other deck keeps its hashes
            h.update(b"|" + array("q", self.offers).tobytes())
        return h.hexdigest()


class Roll(NamedTuple):
    """One chance outcome, recorded so a debrief can show the dice and a replay can check them."""

    kind: str
    """`move` (a move's success roll), `detect` (a secret move found out), `event`, or
    `outcome` (a weighted one-of event's pick)."""
    key: str
    """The move or event id; for an `outcome`, `EVENT#INDEX` of the outcome picked."""
    actor: str | None
    chance: float
    """The probability of success at the moment of the roll."""
    roll: float
    """The uniform draw in [0, 1); success when `roll < chance` unless forced."""
    success: bool
    forced: bool = False
    """True when the facilitator overrode the outcome."""


class NewsItem(NamedTuple):
    """A line of the turn's news, and the seats it is for (`visibility.sees_news` decides)."""

    turn: int
    text: str
    kind: str
    """`move`, `fizzle`, `reveal`, `event`, `inject`, `threshold` or `ending`."""
    audience: frozenset[str] | None = None
    """None: public. Otherwise the seats that may see it (the facilitator always may)."""
    actor: str | None = None
    source: str | None = None
    """The move or event id behind the item, if any."""


class Play(NamedTuple):
    """One move that resolved: who played what on which turn, and whether it is known."""

    turn: int
    actor: str
    move: str
    secret: bool
    success: bool
    audience: frozenset[str] | None = None
    """Seats that learned of a secret play when it resolved (the actor and any it was
    shared with); None for public plays. Who may see it is decided in `visibility`."""


@dataclass(frozen=True, slots=True)
class Inject:
    """A facilitator's inject: a deck event fired by hand, or text and effects written on the spot."""

    event: str | None = None
    text: str = ""
    effects: tuple[str, ...] = ()


class Change(NamedTuple):
    slot: int
    name: str
    old: float
    new: float


class Cause(NamedTuple):
    """One step of a turn that moved tracks, and by how much: the cause of those changes.

    Kept in the turn record in the order the steps resolved, for the results to explain
    themselves ("+0.5 your order, -0.5 an event"). Not saved: a save is replayed when read,
    which records them again."""

    kind: str
    """`move` (an order, or an answer to an offer), `inject` (the facilitator's, a deck
    event fired by hand or written effects), `event`, `outcome` (a weighted one-of event's
    pick) or `expire` (an offer left unanswered)."""
    source: str | None
    """The move or event id (`EVENT#INDEX` for an outcome, the offer move for an expiry);
    None for an inject the facilitator wrote."""
    actor: str | None
    """The actor who gave the order (a move), made the offer (an expiry), else None."""
    deltas: tuple[tuple[int, float], ...]
    """(track slot, how much it moved) for each track this step moved, in slot order."""
    turn: int = 0
    """The turn of the play behind a move cause (for who may know of it)."""


@dataclass(slots=True, init=False)
class TurnRecord:
    """Everything that happened in one turn: the input (orders, injects, overrides) and the output.

    Made with the input alone (`__init__` below); the output fills in as the turn resolves."""

    turn: int
    orders: dict[str, tuple[str, ...]]
    reasons: dict[str, tuple[str, ...]]
    injects: tuple[Inject, ...]
    overrides: dict[str, bool]
    rolls: list[Roll] = field(default_factory=list)
    news: list[NewsItem] = field(default_factory=list)
    plays: list[Play] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    flag_changes: list[tuple[str, bool, bool]] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    """Ids of events that fired (including deck injects)."""
    ending: str | None = None
    state_hash: str = ""
    start: State | None = None
    """The state the seats decided on, before the turn resolved (logged games only; not
    saved): what a computer's plain reason reads."""
    steps: list[Any] = field(default_factory=list, repr=False, compare=False)
    """Each step of the turn that moved tracks, in resolution order (logged games only), six
    items a step, flat: its cause's kind, source, actor and turn (`Cause`), then where its
    track values before and after it start in `values`. What `causes` are worked out from."""
    values: list[float] = field(default_factory=list, repr=False, compare=False)
    """Copies of the track values around the steps, one after another (`steps`): a step's
    values after it follow its values before it, which are those after the step before
    when nothing moved between them."""
    _causes: list[Cause] = field(default_factory=list, repr=False, compare=False)

    def __init__(self, turn: int, orders: dict[str, tuple[str, ...]], reasons: dict[str, tuple[str, ...]],
                 injects: tuple[Inject, ...], overrides: dict[str, bool]) -> None:
        # Written out: a turn makes one in every game, and the generated `__init__` with its
        # default factories cost about twice as much.
        self.turn = turn
        self.orders = orders
        self.reasons = reasons
        self.injects = injects
        self.overrides = overrides
        self.rolls = []
        self.news = []
        self.plays = []
        self.changes = []
        self.flag_changes = []
        self.fired = []
        self.ending = None
        self.state_hash = ""
        self.start = None
        self.steps = []
        self.values = []
        self._causes = []

    @property
    def causes(self) -> list[Cause]:
        """What moved each track, step by step in resolution order (logged games only; not
        saved: replaying a save records them again).

        Worked out from `steps` when first read. A logged game only copies the track values
        around each step into one flat list (no object kept per step): most logged games
        (every `autoplay`, every save written) are never read for their causes, and working
        each step's cause out as it resolved, four or five objects kept per step for the
        rest of the game, cost about 30% of a logged game, much of it in the garbage
        collections those objects set off."""
        steps = self.steps
        if steps:  # the first read once the turn is resolved
            values = self.values
            causes = []
            for n in range(0, len(steps), 6):
                kind, source, actor, turn, at, end = steps[n : n + 6]
                before = values[at:end]
                after = values[end : end + end - at]
                # The slots that moved, in slot order, found in C (`compress` over `ne`).
                moved = tuple(compress(range(len(after)), map(ne, after, before)))
                if moved:
                    causes.append(Cause(kind, source, actor, tuple([(i, after[i] - before[i]) for i in moved]), turn))
            # The causes stay and the copies go. Replaced, not changed in place: a thread
            # reading them at the same time (a report's worker) works out the same list.
            self._causes = causes
            self.steps = []
            self.values = []
        return self._causes
