"""A game as people play it: its seats, the facilitator, autosave and resume.

The terminal UI drives a `Session` and renders what it returns; it holds no game state of
its own. Nothing here imports textual, so everything the UI relies on is tested headless.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from wargame.bots.base import Bot, Decision, SeatSpec, make_bot
from wargame.deck.compile import CEnding, CMove, CompiledDeck
from wargame.engine.game import Game, MoveOption, ObjectiveResult, Score
from wargame.engine.state import FACILITATOR, Inject, NewsItem, Play, Roll, TurnRecord
from wargame.engine.view import PlayerView
from wargame.errors import WargameError
from wargame.saves.catalogue import (
    SaveSummary,
    describe_save,
    latest_unfinished,
    list_saves,
    new_seed,
    unused_path,
)
from wargame.saves.format import SaveModel
from wargame.saves.store import (
    DEFAULT_SAVE_DIR,
    new_save,
    read_save,
    resume,
    update_save,
    write_save,
)

PUBLIC: None = None
"""The audience of a shared screen that every seat may be looking at: what all seats know."""

Audience = str | None
"""A seat (an actor id, or `FACILITATOR`), or `PUBLIC`."""

LOOKAHEAD_LEVELS = ("easy", "normal", "hard")
T = TypeVar("T")


def seat_label(spec: SeatSpec) -> str:
    """How a seat is described to people: "Human", "Random", "Doctrine: bully", ..."""
    if spec.kind == "human":
        return "Human"
    if spec.kind == "random":
        return "Computer (random)"
    if spec.kind == "doctrine":
        return f"Computer (doctrine: {spec.arg})"
    if spec.kind == "agent":
        return f"Agent ({spec.arg})"
    return f"Computer (lookahead: {spec.arg or 'normal'})"


@dataclass(frozen=True, slots=True)
class MoveChoice:
    """A move as a seat sees it on its order sheet, with its chance as far as the seat knows."""

    option: MoveOption
    chance: float
    """The move's chance of success now, computed on the seat's belief state."""

    @property
    def move(self) -> CMove:
        return self.option.move

    @property
    def available(self) -> bool:
        return self.option.available

    @property
    def reason(self) -> str:
        return self.option.reason


@dataclass(frozen=True, slots=True)
class TrackReading:
    """One track as an audience sees it: its value (None when hidden) and its named levels."""

    name: str
    label: str
    value: float | None
    lo: float
    hi: float
    thresholds: tuple[tuple[float, str], ...]
    owner: str | None
    """The actor of an actor track; None for a global track."""
    secret: bool
    description: str

    @property
    def level(self) -> str:
        """The highest named threshold reached, or empty."""
        if self.value is None:
            return ""
        reached = [name for level, name in self.thresholds if self.value >= level]
        return reached[-1] if reached else ""


@dataclass(frozen=True, slots=True)
class RollLine:
    """A chance roll described for people."""

    label: str
    chance: float
    roll: float
    success: bool
    forced: bool
    kind: str


@dataclass(frozen=True, slots=True)
class ChangeLine:
    label: str
    old: float
    new: float


@dataclass(slots=True)
class TurnReport:
    """What an audience may see of one resolved turn."""

    turn: int
    news: list[NewsItem] = field(default_factory=list)
    rolls: list[RollLine] = field(default_factory=list)
    changes: list[ChangeLine] = field(default_factory=list)
    flags: list[tuple[str, bool, bool]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    """Names of the events and deck injects that fired."""
    thresholds: list[NewsItem] = field(default_factory=list)
    ending: CEnding | None = None
    reasons: list[tuple[str, str, str]] = field(default_factory=list)
    """(actor name, move name, reason) for each computer seat's order that this
    audience may see: all of them for the facilitator, none in public."""


@dataclass(frozen=True, slots=True)
class PendingRoll:
    """A chance roll the sealed orders will make, and the facilitator's override of it."""

    key: str
    label: str
    chance: float
    forced: bool | None


@dataclass
class Countdown:
    """The facilitator's per-turn countdown. Time comes in as an argument, so it is testable."""

    seconds: float = 0.0
    """The length of a turn's countdown; 0 when there is none."""
    deadline: float | None = None
    """Monotonic time the countdown ends; None when not running."""
    left_when_paused: float | None = None
    warned: set[int] = field(default_factory=set)
    """The warnings already given this turn (seconds left: 60, 0)."""

    @property
    def active(self) -> bool:
        return self.deadline is not None or self.left_when_paused is not None

    def start(self, seconds: float, now: float) -> None:
        if seconds <= 0:
            raise WargameError("a countdown needs a positive number of minutes")
        self.seconds = seconds
        self.deadline = now + seconds
        self.left_when_paused = None
        self.warned = set()

    def restart(self, now: float) -> None:
        """Start the next turn's countdown with the same length (if one was set)."""
        if self.seconds > 0 and self.active:
            self.start(self.seconds, now)

    def stop(self) -> None:
        self.deadline = None
        self.left_when_paused = None
        self.seconds = 0.0

    def pause(self, now: float) -> None:
        if self.deadline is not None:
            self.left_when_paused = max(0.0, self.deadline - now)
            self.deadline = None

    def resume(self, now: float) -> None:
        if self.left_when_paused is not None:
            self.deadline = now + self.left_when_paused
            self.left_when_paused = None

    def left(self, now: float) -> float | None:
        if self.left_when_paused is not None:
            return self.left_when_paused
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - now)

    def due_warning(self, now: float) -> int | None:
        """60 when a minute is left, 0 when time is up: each at most once a turn."""
        left = self.left(now)
        if left is None or self.deadline is None:
            return None
        if left <= 0 and 0 not in self.warned:
            self.warned |= {0, 60}  # no one-minute warning once time is up
            return 0
        if left <= 60 and 60 not in self.warned and self.seconds > 60:
            self.warned.add(60)
            return 60
        return None


def format_value(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


class Session:
    """One game being played: the engine's `Game`, who sits in each seat, and its save file.

    Every change (orders, injects, overrides, resolution) goes through here, under a lock,
    so computer seats can decide in a worker thread while people give orders. The save is
    rewritten atomically after every resolved turn and whenever a human confirms orders.
    """

    def __init__(
        self,
        game: Game,
        seats: Mapping[str, str | SeatSpec],
        *,
        facilitator: bool = False,
        save_path: Path | None = None,
        save: SaveModel | None = None,
        title: str = "",
    ) -> None:
        deck = game.deck
        self.game = game
        self.deck: CompiledDeck = deck
        self.seats: dict[str, SeatSpec] = {}
        for actor in deck.actors:
            spec = seats.get(actor, "human")
            self.seats[actor] = spec if isinstance(spec, SeatSpec) else SeatSpec.parse(spec)
        unknown = set(seats) - set(deck.actors)
        if unknown:
            raise WargameError(f"unknown actor(s) in seats: {', '.join(sorted(unknown))}")
        self.facilitator = facilitator
        self.save_path = save_path
        self._lock = threading.RLock()
        self.bots: dict[str, Bot] = {}
        for actor, spec in self.seats.items():
            if spec.is_human:
                continue
            try:
                self.bots[actor] = make_bot(spec, deck, actor, game.seed)
            except ImportError:
                raise WargameError(f"{spec.kind} computer seats are not available in this version") from None
        self.save = save or new_save(game, self.seat_specs, facilitator=facilitator, title=title)
        self.countdown = Countdown()
        self.paused = False

    # -- making and resuming ------------------------------------------------------------
    @classmethod
    def new(
        cls,
        deck: CompiledDeck,
        seats: Mapping[str, str | SeatSpec],
        *,
        seed: int | None = None,
        turns: int | None = None,
        facilitator: bool = False,
        save_dir: Path | None = DEFAULT_SAVE_DIR,
    ) -> Session:
        """Start a game and write its first autosave (unless `save_dir` is None)."""
        seed = seed if seed is not None else new_seed()
        game = Game(deck, seed, turns)
        path = None
        if save_dir is not None:
            path = unused_path(Path(save_dir) / f"{deck.id}-seed{seed}.json")
        session = cls(game, seats, facilitator=facilitator, save_path=path)
        session.autosave()
        return session

    @classmethod
    def resume(cls, path: str | Path) -> Session:
        """Continue a saved game where its save left off: every resolved turn, and the
        orders confirmed for the current one. Only unconfirmed orders are lost."""
        save = read_save(path)
        game = resume(save)
        return cls(game, save.seats, facilitator=save.facilitator, save_path=Path(path), save=save)

    @property
    def seat_specs(self) -> dict[str, str]:
        return {a: str(s) for a, s in self.seats.items()}

    # -- saving -------------------------------------------------------------------------
    def autosave(self) -> Path | None:
        """Rewrite the save file with everything so far (atomically); None without a file."""
        with self._lock:
            self.save = update_save(self.save, self.game)
            if self.save_path is None:
                return None
            return write_save(self.save, self.save_path)

    def save_copy(self, path: str | Path) -> Path:
        """Write the game so far to another file (the autosave goes on where it was)."""
        with self._lock:
            self.save = update_save(self.save, self.game)
            return write_save(self.save, path)

    @property
    def state_hash(self) -> str:
        return self.game.state.digest()

    # -- who plays ----------------------------------------------------------------------
    @property
    def humans(self) -> list[str]:
        return [a for a, s in self.seats.items() if s.is_human]

    @property
    def computers(self) -> list[str]:
        return [a for a, s in self.seats.items() if not s.is_human]

    @property
    def shared_screen(self) -> bool:
        """More than one person uses this screen, so seats hand over behind a curtain."""
        return len(self.humans) + (1 if self.facilitator else 0) > 1

    @property
    def audience(self) -> Audience:
        """Whose eyes the shared screens (results, dashboard) are for: the facilitator when
        there is one, the only human when one plays alone, otherwise the public."""
        if self.facilitator:
            return FACILITATOR
        if len(self.humans) == 1:
            return self.humans[0]
        return PUBLIC

    def seat_label(self, actor: str) -> str:
        return seat_label(self.seats[actor])

    def actor_name(self, actor: str) -> str:
        return self.deck.actor_name(actor)

    def has_orders(self, actor: str) -> bool:
        return actor in self.game.orders

    def waiting_for(self) -> list[str]:
        with self._lock:
            return self.game.waiting_for()

    def next_human(self) -> str | None:
        """The first human seat, in deck order, still to give orders this turn."""
        if self.is_over:
            return None
        with self._lock:
            return next((a for a in self.humans if a not in self.game.orders), None)

    def bots_waiting(self) -> list[str]:
        if self.is_over:
            return []
        with self._lock:
            return [a for a in self.computers if a not in self.game.orders]

    @property
    def ready(self) -> bool:
        """Every seat has sealed its orders: the turn can be resolved."""
        return not self.is_over and not self.waiting_for()

    @property
    def is_over(self) -> bool:
        return self.game.is_over

    @property
    def ending(self) -> CEnding | None:
        return self.game.ending

    @property
    def turn(self) -> int:
        return self.game.turn

    @property
    def turns(self) -> int:
        return self.game.turns

    def turn_label(self, turn: int | None = None) -> str:
        """`Week 3 of 6 · 2022-01-17`: for headers."""
        turn = self.turn if turn is None else turn
        name = self.deck.model.deck.turn_name
        text = f"{name[:1].upper()}{name[1:]} {turn} of {self.turns}"
        date = self.deck.turn_date(turn)
        if date is None:
            return text
        unit = name.lower()
        shown = date.strftime("%B %Y") if unit in {"month", "quarter"} else str(date.year) if unit == "year" else f"{date.day} {date:%B %Y}"
        return f"{text} · {shown}"

    # -- views --------------------------------------------------------------------------
    def view(self, seat: str) -> PlayerView:
        with self._lock:
            return self.game.view(seat)

    def _views(self, audience: Audience) -> list[PlayerView]:
        """The views whose intersection is what `audience` may see."""
        if audience is PUBLIC:
            return [self.view(a) for a in self.deck.actors]
        return [self.view(audience)]

    def allowed(self, seat: str) -> int:
        return self.game.orders_allowed(seat)

    def moves(self, seat: str) -> list[MoveChoice]:
        """Every move of `seat`, available or not (with the engine's reason), and its chance."""
        view = self.view(seat)
        with self._lock:
            options = self.game.legal_moves(seat)
        out = []
        for option in options:
            move = option.move
            if move.chance_const is not None:
                p = move.chance_const
            else:
                assert move.chance is not None
                p = min(1.0, max(0.0, float(move.chance(view.belief))))
            out.append(MoveChoice(option, p))
        return out

    def objectives(self, seat: str) -> list[ObjectiveResult]:
        """The seat's objectives, met or not as far as the seat knows now."""
        belief = self.view(seat).belief
        return [ObjectiveResult(o.text, o.points, bool(o.when(belief))) for o in self.deck.objectives[seat]]

    def tracks(self, audience: Audience, actor: str | None = None) -> list[TrackReading]:
        """The global tracks (or one actor's tracks), with values hidden from `audience` as None."""
        deck = self.deck
        views = self._views(audience)
        hidden: set[int] = set()
        for v in views:
            hidden |= v.hidden_slots
        values = views[0].belief.v
        out = []
        for slot, name in enumerate(deck.slot_names):
            owner, _, track = name.rpartition(".")
            if (owner or None) != actor:
                continue
            spec = deck.model.actor_tracks[track] if owner else deck.model.tracks[name]
            out.append(
                TrackReading(
                    name=name,
                    label=spec.label,
                    value=None if slot in hidden else values[slot],
                    lo=deck.lo[slot],
                    hi=deck.hi[slot],
                    thresholds=tuple(deck.thresholds.get(slot, ())),
                    owner=owner or None,
                    secret=slot in deck.secret_slots,
                    description=spec.description,
                )
            )
        return out

    def history(self, name: str, audience: Audience) -> list[float | None]:
        """A track's value at the start and after each resolved turn (None where hidden)."""
        series = [v.history(name) for v in self._views(audience)]
        if any(s[0] is None for s in series):
            return [None] * len(series[0])
        return series[0]

    def news(self, audience: Audience) -> list[NewsItem]:
        """Every news item `audience` may see, oldest first."""
        return _common([list(v.news) for v in self._views(audience)])

    def plays(self, audience: Audience) -> list[Play]:
        """Every resolved move `audience` may know was played, oldest first."""
        return _common([list(v.plays) for v in self._views(audience)])

    def turn_report(self, turn: int, audience: Audience) -> TurnReport:
        """What `audience` may see of a resolved turn: news, dice, changes, events, thresholds."""
        views = self._views(audience)
        rolls = _common([v.rolls_for_turn(turn) for v in views])
        changes = _common([v.changes_for_turn(turn) for v in views])
        news = self.news(audience)
        report = TurnReport(turn)
        report.news = [n for n in news if n.turn == turn and n.kind not in {"threshold", "ending"}]
        report.thresholds = [n for n in news if n.turn == turn and n.kind == "threshold"]
        report.rolls = [self._roll_line(r) for r in rolls]
        report.changes = [ChangeLine(self.deck.slot_label(c.slot), c.old, c.new) for c in changes]
        names = {e.id: e.name for e in self.deck.events}
        report.events = [names.get(e, e) for e in views[0].fired_for_turn(turn)]
        if audience is not PUBLIC:
            view = views[0]
            for actor, orders in view.orders.get(turn, {}).items():
                why = view.reasons.get(turn, {}).get(actor, ())
                for move_id, reason in zip(orders, why, strict=False):
                    move = self.deck.moves[self.deck.move_index[move_id]]
                    # Bots often open their reason with the move's name: say it once.
                    report.reasons.append((self.deck.actor_name(actor), move.name, reason.removeprefix(f"{move.name}: ")))
        records = self.game.records
        if 1 <= turn <= len(records):
            rec = records[turn - 1]
            report.flags = list(rec.flag_changes)
            if rec.ending is not None and self.game.ending is not None:
                report.ending = self.game.ending
        return report

    def _roll_line(self, roll: Roll) -> RollLine:
        deck = self.deck
        if roll.kind in {"move", "detect"}:
            move = deck.moves[deck.move_index[roll.key]]
            label = f"{deck.actor_name(move.actor)}: {move.name}"
            if roll.kind == "detect":
                label += " (detection)"
        else:
            names = {e.id: e.name for e in deck.events}
            label = names.get(roll.key, roll.key)
        return RollLine(label, roll.chance, roll.roll, roll.success, roll.forced, roll.kind)

    def sealed(self, actor: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The facilitator's look at a seat's sealed orders this turn (move names, reasons)."""
        with self._lock:
            if actor not in self.game.orders:
                return None
            names = tuple(self.deck.moves[self.deck.move_index[m]].name for m in self.game.orders[actor])
            return names, self.game.reasons.get(actor, ())

    def scores(self) -> dict[str, Score]:
        with self._lock:
            return self.game.scores()

    # -- input --------------------------------------------------------------------------
    def submit(self, seat: str, orders: Sequence[str]) -> None:
        """Seal a human seat's orders and autosave, so a crash loses no confirmed orders."""
        with self._lock:
            self.game.submit(seat, list(orders))
            self.autosave()

    def run_bots(self) -> dict[str, Decision]:
        """Let every computer seat still waiting decide and seal its orders.

        Safe to call from a worker thread: each bot decides from its own view, outside the
        lock, and only the submit is locked.
        """
        out: dict[str, Decision] = {}
        for actor in self.bots_waiting():
            bot = self.bots[actor]
            with self._lock:
                view = self.game.view(actor)
                legal = self.game.available_moves(actor)
                allowed = self.game.orders_allowed(actor)
            decision = bot.decide(view, legal, allowed)
            with self._lock:
                self.game.submit(actor, decision.orders, decision.reasons)
            out[actor] = decision
        return out

    def inject_events(self) -> list[tuple[str, str, bool]]:
        """The deck's events a facilitator may fire: (id, name, is an inject), injects first."""
        events = sorted(self.deck.events, key=lambda e: not e.inject)
        return [(e.id, e.name, e.inject) for e in events]

    def fire_inject(self, event: str | None = None, text: str = "", effects: Iterable[str] = ()) -> Inject:
        """Queue a facilitator inject for this turn; bad effects raise `ExpressionError`."""
        with self._lock:
            inject = self.game.fire_inject(event=event, text=text, effects=[e for e in effects if e.strip()])
            self.autosave()  # a crash before the turn resolves must not lose the inject
            return inject

    @property
    def injects(self) -> list[Inject]:
        return list(self.game.injects)

    def pending_rolls(self) -> list[PendingRoll]:
        with self._lock:
            rolls = self.game.pending_rolls()
            forced = dict(self.game.overrides)
        return [PendingRoll(key, label, p, forced.get(key)) for key, label, p in rolls]

    def override(self, key: str, outcome: bool | None) -> None:
        with self._lock:
            self.game.override(key, outcome)
            self.autosave()

    def resolve(self) -> TurnRecord:
        """Resolve the turn and autosave."""
        with self._lock:
            rec = self.game.resolve()
            self.autosave()
        return rec


def _common(lists: list[list[T]]) -> list[T]:
    """The items (the same objects) present in every list, in the first list's order."""
    if len(lists) == 1:
        return lists[0]
    others = [set(map(id, items)) for items in lists[1:]]
    return [x for x in lists[0] if all(id(x) in o for o in others)]


def seat_options(deck: CompiledDeck, actor: str) -> list[tuple[str, str]]:
    """The seat choices for an actor: (label, spec). Only bots this version has are offered."""
    import importlib.util

    out = [("Human", "human"), ("Computer: random", "random")]
    if importlib.util.find_spec("wargame.bots.doctrine") is not None:
        for name in deck.doctrines.get(actor, {}):
            out.append((f"Computer: doctrine {name}", f"doctrine:{name}"))
    if importlib.util.find_spec("wargame.bots.lookahead") is not None:
        for level in LOOKAHEAD_LEVELS:
            out.append((f"Computer: lookahead ({level})", f"lookahead:{level}"))
    return out


__all__ = [
    "FACILITATOR",
    "PUBLIC",
    "Countdown",
    "MoveChoice",
    "PendingRoll",
    "SaveSummary",
    "Session",
    "TrackReading",
    "TurnReport",
    "describe_save",
    "latest_unfinished",
    "list_saves",
    "new_seed",
    "seat_label",
    "seat_options",
]
