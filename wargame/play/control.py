"""Game control: one game being played, its seats, its computers, and its autosave.

Every change (orders, injects, overrides, resolution) goes through a `Session`, under a
lock, so computer seats can decide in a worker thread while people give orders. What a
screen shows comes from `read(viewer)`, the read model; nothing here imports textual.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from wargame.bots.base import Bot, Decision, make_bot
from wargame.bots.seats import (
    NO_PROGRAMS,
    Programs,
    SeatSpec,
    default_computer,
    safe_seats,
    seat_label,
)
from wargame.deck.compile import CEnding, CompiledDeck
from wargame.deck.describe import turn_label
from wargame.engine.game import Game, Score
from wargame.engine.state import Inject, TurnRecord
from wargame.errors import SaveError, WargameError
from wargame.observe.view import PlayerView
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.clock import Clock
from wargame.play.lock import FacilitatorLock, hash_pin
from wargame.play.readmodel import ReadModel
from wargame.saves.catalogue import autosave_path, new_seed
from wargame.saves.format import CountdownModel, SaveModel
from wargame.saves.store import (
    DEFAULT_SAVE_DIR,
    new_save,
    read_save,
    resume,
    update_save,
    write_save,
)

LOOKAHEAD_LEVELS = ("easy", "normal", "hard")


@dataclass(frozen=True, slots=True)
class PendingRoll:
    """A chance roll the sealed orders will make, and the facilitator's override of it."""

    key: str
    label: str
    chance: float
    forced: bool | None


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
        facilitator_pin: str | None = None,
        programs: Programs = NO_PROGRAMS,
    ) -> None:
        """`facilitator_pin`: the PIN (in clear) that guards the facilitator's screens;
        only its hash is kept. A resumed game takes its hash from `save`.

        `programs`: the outside programs this run may start (named on its command line
        or in the person's settings); an `agent:` seat not among them is refused."""
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
                self.bots[actor] = make_bot(spec, deck, actor, game.seed, programs=programs)
            except ImportError:
                raise WargameError(f"{spec.kind} computer seats are not available in this version") from None
        self.save = save or new_save(game, self.seat_specs, facilitator=facilitator, title=title)
        self.clock = Clock()
        """The facilitator's countdown and pause."""
        self.lock = FacilitatorLock()
        """The facilitator's PIN, asked before any screen that shows everything."""
        if save is not None:
            self.lock = FacilitatorLock(save.facilitator_pin, list(save.pin_failures), len(save.pin_failures))
            self.clock.restore(save.countdown.model_dump() if save.countdown else None)
        elif facilitator and facilitator_pin:
            self.lock = FacilitatorLock(hash_pin(facilitator_pin))
        self.save_error: str | None = None
        """Why the last autosave failed (the game itself went on); None when saved."""
        self.notes: list[str] = []
        """What the person opening this game should be told (a program seat stood in for)."""

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
        facilitator_pin: str | None = None,
        save_dir: Path | None = DEFAULT_SAVE_DIR,
        programs: Programs = NO_PROGRAMS,
    ) -> Session:
        """Start a game and write its first autosave (unless `save_dir` is None).

        A facilitated game with human seats needs a `facilitator_pin`: the seats share the
        keyboard, and the facilitator's screens show every seat's secrets."""
        seed = seed if seed is not None else new_seed()
        game = Game(deck, seed, turns)
        path = None
        if save_dir is not None:
            path = autosave_path(save_dir, deck.id)  # no seed in the name; created exclusively
        session = cls(game, seats, facilitator=facilitator, save_path=path, facilitator_pin=facilitator_pin, programs=programs)
        if facilitator and session.humans and not session.lock.locked:
            raise WargameError("choose a facilitator PIN: the seats share this keyboard, and the facilitator's screens show their secrets")
        session.autosave()
        if session.save_error:
            raise SaveError(session.save_error)
        return session

    @classmethod
    def resume(cls, path: str | Path, *, programs: Programs = NO_PROGRAMS) -> Session:
        """Continue a saved game where its save left off: every resolved turn, and the
        orders confirmed for the current one. Only unconfirmed orders are lost.

        A seat the save says a program played is never started from the file: unless
        `programs` (this run's own list) names it, the actor's default computer stands in
        from now on, and `notes` says so."""
        save = read_save(path)
        game = resume(save)
        seats, notes = safe_seats(save.seats, game.deck, programs)
        if seats != save.seats:
            save = save.model_copy(update={"seats": seats})
        session = cls(game, seats, facilitator=save.facilitator, save_path=Path(path), save=save, programs=programs)
        session.notes = notes
        return session

    @property
    def seat_specs(self) -> dict[str, str]:
        return {a: str(s) for a, s in self.seats.items()}

    # -- saving -------------------------------------------------------------------------
    def _current_save(self) -> SaveModel:
        save = update_save(self.save, self.game)
        countdown = self.clock.snapshot()
        return save.model_copy(
            update={
                "facilitator_pin": self.lock.pin_hash,
                "pin_failures": list(self.lock.failures),
                "countdown": CountdownModel.model_validate(countdown) if countdown else None,
            }
        )

    def autosave(self) -> Path | None:
        """Rewrite the save file with everything so far (atomically); None without a file.

        A failed write never stops the game: the game goes on in memory, `save_error`
        says why, and the next autosave (or `retry_save`) tries again."""
        with self._lock:
            self.save = self._current_save()
            if self.save_path is None:
                return None
            try:
                written = write_save(self.save, self.save_path)
            except SaveError as exc:
                self.save_error = str(exc)
                return None
            self.save_error = None
            return written

    def retry_save(self) -> bool:
        """Try the autosave again after a failure; True when it is saved now."""
        self.autosave()
        return self.save_error is None

    def save_copy(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the game so far to another file (the autosave goes on where it was).

        Refuses to replace an existing file unless `overwrite` (the UI asks first)."""
        target = Path(path)
        if self.save_path is not None and target.resolve() == Path(self.save_path).resolve():
            raise WargameError(f"{target} is this game's own autosave; choose another name")
        if target.exists() and not overwrite:
            raise FileExistsError(str(target))
        with self._lock:
            return write_save(self._current_save(), target)

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
    def viewer(self) -> Viewer:
        """Whose eyes the shared screens (results, dashboard) are for: the facilitator when
        there is one, the only human when one plays alone, otherwise the public."""
        if self.facilitator:
            return FACILITATOR_VIEWER
        if len(self.humans) == 1:
            return Viewer.seat(self.humans[0])
        return PUBLIC

    def seat_label(self, actor: str, *, facilitator: bool = False) -> str:
        return seat_label(self.seats[actor], facilitator=facilitator)

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
        """`Week 3 of 6 · 17 January 2022`: for headers."""
        return turn_label(self.deck, self.turn if turn is None else turn, self.turns)

    # -- views --------------------------------------------------------------------------
    def view(self, who: Viewer | str) -> PlayerView:
        with self._lock:
            return PlayerView(self.game, who)

    def read(self, who: Viewer | str) -> ReadModel:
        """What `who` may see of the game now, for a screen to render."""
        with self._lock:
            return ReadModel.now(self.game, who, self.seat_specs)

    def allowed(self, seat: str) -> int:
        return self.game.orders_allowed(seat)

    def sealed(self, actor: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The facilitator's look at a seat's sealed orders this turn (move names, reasons)."""
        with self._lock:
            if actor not in self.game.orders:
                return None
            names = tuple(self.deck.moves[self.deck.move_index[m]].name for m in self.game.orders[actor])
            return names, self.game.reasons.get(actor, ())

    def sealed_ids(self, actor: str) -> tuple[str, ...] | None:
        """The move ids of a seat's sealed orders this turn (None: still choosing); the
        facilitator's, like `sealed`."""
        with self._lock:
            return self.game.orders.get(actor)

    def scores(self) -> dict[str, Score]:
        with self._lock:
            return self.game.scores()

    # -- input --------------------------------------------------------------------------
    def submit(self, seat: str, orders: Sequence[str]) -> None:
        """Seal a human seat's orders and autosave, so a crash loses no confirmed orders.

        Raises only for illegal orders; a failed save is reported in `save_error`."""
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
                view = PlayerView(self.game, actor)
                legal = self.game.available_moves(actor)
                allowed = self.game.orders_allowed(actor)
            decision = bot.decide(view, legal, allowed)
            with self._lock:
                self.game.submit(actor, decision.orders, decision.reasons)
            out[actor] = decision
        if out:
            self.autosave()  # the computers' orders and reasons survive a crash too
        return out

    def seal_missing(self, how: str) -> list[str]:
        """When the countdown has run out: seal the orders of every seat still choosing.

        `how` is `stand-pat` (they give no orders this turn) or `stand-in` (a computer
        plays them this turn: the actor's first doctrine, or random). Returns the seats."""
        if how not in {"stand-pat", "stand-in"}:
            raise WargameError(f"unknown way to seal missing orders: {how!r}")
        missing = self.waiting_for()
        for actor in missing:
            if how == "stand-pat":
                with self._lock:
                    self.game.submit(actor, [], ["stood pat: no orders before the countdown ran out"])
                continue
            bot = make_bot(default_computer(self.deck, actor), self.deck, actor, self.game.seed + self.turn)
            with self._lock:
                view = PlayerView(self.game, actor)
                legal = self.game.available_moves(actor)
                allowed = self.game.orders_allowed(actor)
            decision = bot.decide(view, legal, allowed)
            reasons = [f"(a computer stood in when time ran out) {r}" for r in decision.reasons]
            with self._lock:
                self.game.submit(actor, decision.orders, reasons)
        if missing:
            self.autosave()
        return missing

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

    def remove_inject(self, index: int) -> Inject:
        """Take back a queued inject and autosave, so Continue does not bring it back."""
        with self._lock:
            inject = self.game.remove_inject(index)
            self.autosave()
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
