"""The game: legal moves, sealed orders, simultaneous resolution, events, endings, scores.

A game is a pure function of (deck, seed, orders, facilitator injects and overrides):
the same inputs give the same states, bit for bit. Resolution order within a turn is
documented in `Game.resolve`. This module does no I/O and imports no UI library.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import ne
from typing import Final, Protocol

from wargame.deck.codegen import (
    MoveRow,
    QuietEventRow,
    QuietMove,
    compile_availability,
    compile_endings,
    compile_events,
    compile_quiet_events,
    compile_quiet_resolution,
    compile_resolution,
)
from wargame.deck.compile import CEnding, CEvent, CMove, CompiledDeck
from wargame.engine.dice import (
    DICE_VERSIONS,
    KEYED,
    DiceVersion,
    TurnDice,
    dice_maker,
    roll_bytes,
    seed_key,
)
from wargame.engine.state import (
    Change,
    Inject,
    NewsItem,
    Play,
    Roll,
    State,
    TurnRecord,
)
from wargame.errors import ExpressionError, IllegalOrderError, WargameError
from wargame.words import count, number, sentence

RollObserver = Callable[[Roll, State], None]
"""Told of each chance roll as it is drawn: the roll as the turn record keeps it, and the
live state it was drawn on (before anything the roll decides has happened). Given to
`Game(on_roll=...)`; it must not change the state."""


class Decided(Protocol):
    """What a computer seat's decision gives the engine: its orders and their reasons."""

    @property
    def orders(self) -> tuple[str, ...]: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...


QuietSeat = Callable[[State, list[CMove], int], Decided]
"""A computer seat deciding from the state itself (`Game.play_out`): given the state, the
moves its actor may order now and how many it may give, its decision."""


@dataclass(frozen=True, slots=True)
class MoveOption:
    """A move as a seat sees it in its order list: available now, or why not."""

    move: CMove
    available: bool
    reason: str
    """Empty when available; otherwise why not, in words a player understands."""


@dataclass(frozen=True, slots=True)
class ObjectiveResult:
    text: str
    points: float
    met: bool


@dataclass(frozen=True, slots=True)
class Score:
    actor: str
    objectives: tuple[ObjectiveResult, ...]

    @property
    def total(self) -> float:
        return sum(o.points for o in self.objectives if o.met)


class Game:
    """One game of a deck. Seats submit orders with `submit`; `resolve` plays the turn.

    Public methods check their input and raise `IllegalOrderError` (or another
    `WargameError`) for anything a person could get wrong. `available_moves` is the fast
    unchecked path the bots and the simulator use.
    """

    def __init__(
        self, deck: CompiledDeck, seed: int, turns: int | None = None, *, log: bool = True, dice: DiceVersion = KEYED,
        on_roll: RollObserver | None = None, starts: Mapping[str, float] | None = None, opening: bool = True,
        opening_injects: Iterable[Inject] = (),
    ) -> None:
        """`starts`: start values that replace the deck's (track name to value), such as the
        doctrines seated at the start ask for (`CompiledDeck.doctrine_starts`); a recorded
        input of the game, like its seed. `opening=False` skips the deck's opening (a game
        whose state its caller replaces at once). `opening_injects`: the facilitator's
        injects fired before the first orders (`fire_opening_inject`), recorded inputs
        replayed with the opening; a bad one raises `WargameError`."""
        if turns is not None and not 1 <= turns <= 200:
            raise WargameError(f"turns must be between 1 and 200, not {turns}")
        if dice not in DICE_VERSIONS:
            raise WargameError(f"unknown dice version {dice}")
        self.deck = deck
        self.seed = int(seed)
        self.dice = dice
        """Which dice (`wargame.engine.dice`): format-2 keyed dice, or the format-1 turn
        stream that older saves were played with."""
        self._seed_key = seed_key(self.seed)
        self._dice_of = dice_maker(dice, self.seed, self._seed_key)
        """Turn to that turn's dice (`turn_dice`)."""
        self.log = log
        """False for Monte Carlo play nobody reads (simulations, bots' playouts): turn
        records then keep orders, plays and the ending but no news, dice, track changes
        or state hash. The game itself (states, dice, plays) is exactly the same."""
        self.on_roll = on_roll
        """Called with every chance roll as it is drawn (see `RollObserver`), whether or
        not the game logs; a debrief uses it to keep the state each roll read."""
        self.turns = turns or deck.turns
        self._plan = _plan(deck)
        self.starts: dict[str, float] = dict(starts or {})
        """The start values that replaced the deck's, by track name (empty: the deck's own)."""
        self.state = start_state(deck, self.turns, self.starts)
        self.records: list[TurnRecord] = []
        self.news: list[NewsItem] = []
        self.plays: list[Play] = []
        self.revealed_plays: dict[tuple[int, str], int] = {}
        """(turn played, move id) of each revealed secret play, to the turn it was revealed."""
        self._queued: list[tuple[int, CMove, QuietResolution | None]] = []
        self.ending: CEnding | None = None
        self.orders: dict[str, tuple[str, ...]] = {}
        self.reasons: dict[str, tuple[str, ...]] = {}
        self.injects: list[Inject] = []
        self.overrides: dict[str, bool] = {}
        self.opening: TurnRecord | None = None
        """What happened before turn 1's orders: the deck's opening events (`at = 0`), their
        dice, news (turn 0) and changes, then the facilitator's opening injects; None for a
        deck without an opening, where none was fired."""
        self.opening_injects: list[Inject] = []
        """The facilitator's injects fired before the first orders, in the order fired."""
        for inject in opening_injects:
            self.opening_injects.append(self._checked_inject(inject.event, inject.text, inject.effects, self.opening_injects))
        if opening and (self._plan.opening or self.opening_injects):
            self._open()
        self.start_values: list[float] = list(self.state.v)
        """Track values before turn 1: the deck's, with `starts` and the opening applied."""

    @classmethod
    def from_state(
        cls, deck: CompiledDeck, seed: int, state: State, turns: int | None = None, *, log: bool = True, dice: DiceVersion = KEYED,
        on_roll: RollObserver | None = None,
    ) -> Game:
        """A game that starts from a copy of `state` instead of the deck's start.

        For what-if play from a seat's belief (the lookahead bot's rollouts): no history
        carries over (no news, plays or records), so `reveal()` effects find no earlier
        plays. Not a way to resume a saved game; use `wargame.saves.store.resume`.
        """
        game = cls(deck, seed, turns or state.turns, log=log, dice=dice, on_roll=on_roll, opening=False)
        game.state = state.copy()
        game.state.turns = game.turns
        game.start_values = list(game.state.v)
        return game

    def fork(self, seed: int) -> Game:
        """A log-free copy of this game as it stands, on dice `seed`: its history carries
        over (plays, reveals, records, the opening), its queued orders and injects do not.
        A continuation starts here (the live odds played by the reference engine)."""
        game = Game(self.deck, seed, self.turns, log=False, dice=self.dice, opening=False)
        game.state = self.state.copy()
        game.opening, game.starts, game.start_values = self.opening, self.starts, self.start_values
        game.plays = list(self.plays)
        game.revealed_plays = dict(self.revealed_plays)
        game.records = list(self.records)
        game.ending = self.ending
        return game

    # -- queries -----------------------------------------------------------------------
    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def is_over(self) -> bool:
        return self.ending is not None

    @property
    def actors(self) -> list[str]:
        return self.deck.actors

    def waiting_for(self) -> list[str]:
        """Seats that have not submitted orders for this turn yet."""
        return [a for a in self.deck.actors if a not in self.orders]

    def unavailable_reason(self, move: CMove, state: State, *, check_over: bool = True) -> str:
        """Why `move` may not be ordered in `state`, in a player's words; empty when it may.

        `check_over=False` judges a past moment of the game (when it was not yet over)."""
        if check_over and self.ending is not None:
            return "the game is over"
        blocked: list[tuple[CMove, str]] = []
        if availability((self._plan.fields[move.index],), state, blocked):
            return ""
        why = blocked[0][1]
        if why == Blocked.COOLING_DOWN:
            wait = state.last[move.index] + move.cooldown + 1 - state.turn
            return f"{why}: available again in {count(wait, self.deck.turn_name)}"
        return move.requires_text if why == Blocked.PRECONDITION else why

    def legal_moves(self, actor: str) -> list[MoveOption]:
        """Every move of `actor`, each with whether it is available now and, if not, why."""
        if actor not in self.deck.moves_by_actor:
            raise WargameError(f"unknown actor '{actor}'")
        out = []
        for move in self.deck.moves_by_actor[actor]:
            reason = self.unavailable_reason(move, self.state)
            out.append(MoveOption(move, not reason, reason))
        return out

    def available_moves(self, actor: str, state: State | None = None) -> list[CMove]:
        """Fast path: the moves `actor` may order now (no reasons, no checks on `actor`)."""
        if self.ending is not None:
            return []
        rule, moves = self._plan.available[actor]
        return rule(state or self.state, moves)

    def orders_allowed(self, actor: str) -> int:
        """How many orders `actor` may give this turn (an allowance the deck may compute
        from the state: `orders_per_turn = "1 + (utility.capacity >= 5)"`)."""
        return self.deck.orders_per_turn(actor, self.state)

    # -- input -----------------------------------------------------------------------
    def submit(self, actor: str, orders: Sequence[str], reasons: Sequence[str] = ()) -> None:
        """Seal `actor`'s orders (move ids) for this turn. Replaces earlier orders this turn."""
        if self.ending is not None:
            raise IllegalOrderError("the game is over")
        if actor not in self.deck.moves_by_actor:
            raise IllegalOrderError(f"unknown actor '{actor}'")
        allowed = self.orders_allowed(actor)
        if len(set(orders)) != len(orders):
            raise IllegalOrderError("the same move was ordered twice")
        answered: set[int] = set()
        given = 0
        for move_id in orders:
            index = self.deck.move_index.get(move_id)
            if index is None:
                raise IllegalOrderError(f"unknown move '{move_id}'")
            move = self.deck.moves[index]
            if move.actor != actor:
                raise IllegalOrderError(f"'{move_id}' is a move of {self.deck.actor_name(move.actor)}, not of {self.deck.actor_name(actor)}")
            why = self.unavailable_reason(move, self.state)
            if why:
                raise IllegalOrderError(f"{move.name} is not available: {why}")
            if move.answer is None:
                given += 1  # answers to offers cost no order
            elif move.gate in answered:
                raise IllegalOrderError(f"{move.name}: an offer is answered once (accept or refuse, not both)")
            else:
                answered.add(move.gate)  # type: ignore[arg-type]
        if given > allowed:
            raise IllegalOrderError(f"{self.deck.actor_name(actor)} may give at most {allowed} order(s) a turn, not {given}")
        self.orders[actor] = tuple(orders)
        self.reasons[actor] = tuple(reasons)

    def seal(self, actor: str, orders: Sequence[str], reasons: Sequence[str] = ()) -> None:
        """Fast unchecked path: seal orders a computer seat chose from `available_moves` on
        this very state (a simulation's or a continuation's seats, nobody reading the
        result move by move). Nothing is checked again: an order that is not available is
        the caller's bug. Orders a person or a file gives go through `submit`."""
        self.orders[actor] = tuple(orders)
        self.reasons[actor] = tuple(reasons)

    def play_out(self, seats: Sequence[tuple[str, QuietSeat, int]], history: list[list[float]] | None = None) -> None:
        """Play the game to its end with computer seats that decide from the state itself:
        `seats` holds every actor in deck order with its decider and its orders a turn.
        Each turn every decider is given the state, the moves its actor may order
        (`available_moves`) and its allowance (this turn's, when the deck computes it), and
        its orders are sealed unchecked (`seal`); then the turn resolves. `history`, if
        given, receives the track values after each turn. A simulation's hot loop: the
        game is the one `seal` for each seat and `resolve` would play."""
        if [actor for actor, _decide, _allowed in seats] != self.deck.actors:
            raise WargameError("play_out needs every actor's seat, in deck order")
        computed = self.deck.orders_fns
        allowance = self.deck.orders_per_turn
        rows = [(actor, decide, allowed, *self._plan.available[actor], actor in computed) for actor, decide, allowed in seats]
        while self.ending is None:
            s = self.state
            orders: dict[str, tuple[str, ...]] = {}
            reasons: dict[str, tuple[str, ...]] = {}
            for actor, decide, allowed, rule, moves, varies in rows:
                decision = decide(s, rule(s, moves), allowance(actor, s) if varies else allowed)
                orders[actor] = decision.orders
                reasons[actor] = decision.reasons
            if self._quiet():  # `resolve`'s checks hold: every seat is given, in deck order
                self._quiet_turn(orders, reasons)
            else:
                self.orders = orders
                self.reasons = reasons
                self.resolve()
            if history is not None:
                history.append(list(s.v))

    def fire_inject(self, event: str | None = None, text: str = "", effects: Iterable[str] = ()) -> Inject:
        """Queue a facilitator inject for this turn: a deck event by id, or text and effects.

        Effects are compiled as deck text would be; a bad one raises `ExpressionError`.
        """
        inject = self._checked_inject(event, text, effects, self.injects)
        self.injects.append(inject)
        return inject

    def _checked_inject(self, event: str | None, text: str, effects: Iterable[str], queued: Sequence[Inject]) -> Inject:
        """An inject, checked against the deck, the state and the injects `queued` with it."""
        effects = tuple(effects)
        if event is not None:
            index = self.deck.event_index.get(event)
            if index is None:
                raise WargameError(f"unknown event '{event}'")
            deck_event = self.deck.events[index]
            # `once` holds for the facilitator too: a once-only inject fires once per game.
            if deck_event.once and (self.state.fired[index] or any(i.event == event for i in queued)):
                raise WargameError(f"{deck_event.name} has already fired (once per game)")
        elif not text.strip() and not effects:
            raise WargameError("an inject needs a text or at least one effect")
        self.deck.compile_inject(list(effects))
        return Inject(event=event, text=text, effects=effects)

    def in_opening(self, retakable: Collection[str] = ()) -> bool:
        """Before the first orders: no turn resolved and no seat has sealed turn 1's orders,
        but those of the `retakable` seats (computers, whose orders a caller takes back to
        decide again). An inject fired now may join the opening (`fire_opening_inject`)."""
        return not self.records and self.ending is None and self.state.turn == 1 and all(a in retakable for a in self.orders)

    def fire_opening_inject(self, event: str | None = None, text: str = "", effects: Iterable[str] = ()) -> Inject:
        """Fire a facilitator inject now, as part of the opening (before the first orders):
        the opening is played again from the start with it last, so the game is the one a
        replay of its recorded inputs (`opening_injects`) makes. Only `in_opening()`."""
        if not self.in_opening():
            unit = self.deck.turn_name
            if self.orders:
                raise WargameError(f"orders are sealed for {unit} 1: the opening is over (queue the inject for {unit} 1 instead)")
            raise WargameError(f"the opening is over: an inject now fires when the {unit} resolves")
        inject = self._checked_inject(event, text, effects, [*self.opening_injects, *self.injects])
        self.opening_injects.append(inject)
        self._open_again()
        return inject

    def withdraw_opening_inject(self, index: int) -> Inject:
        """Take back the `index`-th inject fired into the opening (the facilitator fired the
        wrong one): the opening is played again from the start without it, so the game is
        the one a replay of the injects left makes (a game none is left in is the one that
        never had any). Only `in_opening()`."""
        if not self.in_opening():
            unit = self.deck.turn_name
            if self.orders:
                raise WargameError(f"orders are sealed for {unit} 1: the opening is over and its injects stay")
            raise WargameError("the opening is over and its injects stay")
        if not 0 <= index < len(self.opening_injects):
            raise WargameError(f"no inject number {index + 1} in the opening (there are {len(self.opening_injects)})")
        inject = self.opening_injects.pop(index)
        self._open_again()
        return inject

    def _open_again(self) -> None:
        """Play the opening again from the start with the opening injects as they are now."""
        fresh = start_state(self.deck, self.turns, self.starts)
        for name in State.__slots__:  # in place: views of this game hold the state object
            setattr(self.state, name, getattr(fresh, name))
        self.news = [n for n in self.news if n.turn != 0]
        self.opening = None
        if self._plan.opening or self.opening_injects:
            self._open()
        self.start_values = list(self.state.v)

    def remove_inject(self, index: int) -> Inject:
        """Take back the `index`-th inject queued this turn (the facilitator changed their mind)."""
        if not 0 <= index < len(self.injects):
            raise WargameError(f"no queued inject number {index + 1} (there are {len(self.injects)})")
        return self.injects.pop(index)

    def override(self, key: str, outcome: bool | None) -> None:
        """Force the outcome of a chance roll this turn (`move:ID`, `detect:ID`, `event:ID`).

        None removes an override.
        """
        kind, _, ident = key.partition(":")
        if kind in {"move", "detect"} and ident in self.deck.move_index or kind == "event" and ident in self.deck.event_index:
            pass
        else:
            raise WargameError(f"nothing to override called '{key}'")
        if outcome is None:
            self.overrides.pop(key, None)
        else:
            self.overrides[key] = bool(outcome)

    def pending_rolls(self) -> list[tuple[str, str, float]]:
        """Chance rolls the submitted orders will make: (override key, label, chance now)."""
        out: list[tuple[str, str, float]] = []
        for actor in self.deck.actors:
            for move_id in self.orders.get(actor, ()):
                move = self.deck.moves[self.deck.move_index[move_id]]
                p = self._chance(move.chance_const, move.chance, self.state)
                if 0 < p < 1:
                    out.append((f"move:{move.id}", f"{self.deck.actor_name(actor)}: {move.name}", p))
                if move.secret and (move.detection or move.detection_fn):
                    detect = self._chance(None if move.detection_fn else move.detection, move.detection_fn, self.state)
                    out.append((f"detect:{move.id}", f"{self.deck.actor_name(actor)}: {move.name} detected", detect))
        return out

    # -- resolution ----------------------------------------------------------------------
    @staticmethod
    def _chance(const: float | None, fn: object, s: State) -> float:
        if const is not None:
            return const
        p = float(fn(s))  # type: ignore[operator]
        # Written so that nan (e.g. inf - inf in a deck's chance) counts as 0, not as a chance.
        return p if 0.0 <= p <= 1.0 else 1.0 if p > 1 else 0.0

    # -- the dice: every roll is drawn, recorded and told to `on_roll` here ------------
    def _roll(self, rng: TurnDice, rec: TurnRecord, kind: str, key: str, actor: str | None, p: float) -> bool:
        """A roll that succeeds with chance `p`, unless the facilitator forced it (`override`).
        A sure chance draws nothing (and is no roll), unless forced."""
        # Most turns have no overrides: skip building the key then (the hot path).
        forced = self.overrides.get(f"{kind}:{key}") if self.overrides else None
        if forced is None and (p >= 1 or p <= 0):
            return p >= 1
        draw = rng.draw(kind, key)
        success = draw < p if forced is None else forced
        if self.log or self.on_roll is not None:
            self._rolled(rec, tuple.__new__(Roll, (kind, key, actor, p, draw, success, forced is not None)))
        return success

    def _roll_weighted(self, rng: TurnDice, rec: TurnRecord, event: CEvent, weights: list[float]) -> int | None:
        """A weighted one-of event's roll: one draw from the event's own `outcome` stream picks
        an outcome in proportion to `weights`, recorded with key `EVENT#INDEX` and the
        outcome's share as its chance. None when every weight is 0 (nothing to pick)."""
        total = sum(weights)
        if not total > 0:
            return None
        draw = rng.draw("outcome", event.id)
        chosen = pick_weighted(weights, total, draw)
        if self.log or self.on_roll is not None:
            self._rolled(rec, Roll("outcome", f"{event.id}#{chosen}", None, weights[chosen] / total, draw, True, False))
        return chosen

    def _rolled(self, rec: TurnRecord, roll: Roll) -> None:
        """Every roll drawn, recorded (when the game logs) and told to `on_roll`."""
        if self.log:
            rec.rolls.append(roll)
        if self.on_roll is not None:
            self.on_roll(roll, self.state)

    def resolve(self) -> TurnRecord:
        """Resolve the turn. Every seat must have submitted (an empty order list is fine).

        The order, fixed and documented so that games replay bit for bit:

        1. Answers to offers resolve first; then orders by category (the deck's own in
           the order it declares them, by default diplomatic, information, economic,
           military; a move's `phase` puts it in another category's place), then
           by actor in deck order, then in the order the seat gave them. Every seat's
           orders are visible to `ordered(id)` from the start, since they were sealed
           simultaneously.
        2. Each order: a precondition that no longer holds makes it fizzle; otherwise
           its chance is rolled, and `success`/`failure` then `always` effects apply.
           A secret move with a detection chance rolls for detection.
        3. The facilitator's injects for this turn, in the order fired.
        4. Deck events in deck order: scheduled (`at`) or triggered (`when`), each with
           its chance; `once` events fire at most once.
        5. Offers left unanswered for their `expires` turns expire, in deck order.
        6. Threshold crossings become news; then endings are checked in deck order, and
           the turn-limit ending applies after the last turn.
        """
        if self.ending is not None:
            raise WargameError("the game is over")
        # Every seat has submitted when there are as many orders as seats (`submit` takes
        # no one else): the list of who is missing is built only when someone is.
        missing = self.waiting_for() if len(self.orders) != len(self.deck.actors) else None
        if missing:
            names = ", ".join(self.deck.actor_name(a) for a in missing)
            raise WargameError(f"waiting for orders from {names}")
        actors = self.deck.actors
        # The record keeps orders and reasons in deck order. Seats usually submit in deck
        # order, and these dicts are replaced after the turn: then they are kept as they are.
        orders = self.orders if list(self.orders) == actors else {a: self.orders[a] for a in actors}
        reasons = self.reasons if list(self.reasons) == actors else {a: self.reasons.get(a, ()) for a in actors}
        if self._quiet():
            return self._quiet_turn(orders, reasons)
        s = self.state
        turn = s.turn
        rng = self._dice_of(turn)
        # The overrides dict is replaced by a new one after the turn: the record keeps this one.
        rec = TurnRecord(turn, orders, reasons, tuple(self.injects) if self.injects else (), self.overrides)
        log = self.log
        if log:
            rec.start = s.copy()
        v0 = list(s.v) if log else s.v
        f0 = list(s.f) if log else s.f
        self._resolve_orders(rng, rec)  # steps 1 and 2
        for inject in rec.injects:  # step 3
            self._resolve_inject(inject, rng, rec)
        self._fire_events(rng, rec)  # step 4
        if self.deck.offers:
            self._expire_offers(rec)  # step 5
        if log:  # step 6
            self._record_changes(v0, f0, rec)
        return self._end_turn(rec)

    def _quiet(self) -> bool:
        """Whether this turn resolves quietly: nothing recorded (`log`), told (`on_roll`)
        or forced (`overrides`)."""
        return not self.log and self.on_roll is None and not self.overrides

    def _quiet_turn(self, orders: dict[str, tuple[str, ...]], reasons: dict[str, tuple[str, ...]]) -> TurnRecord:
        """`resolve` in a quiet game (nothing recorded, told or forced): the same steps in
        the same order, `orders` and `reasons` given in deck order. Each order resolves
        through its move's quiet resolution (`_Plan.queue_keys`), which draws its own roll
        and appends its play, and the events through the quiet events rule
        (`_Plan.quiet_events`), each due event fired inline. A simulation's hot path:
        `play_out` calls it for every turn."""
        s = self.state
        turn = s.turn
        rng = self._dice_of(turn)
        rec = TurnRecord(turn, orders, reasons, tuple(self.injects) if self.injects else (), self.overrides)
        plan = self._plan
        queue = self._queue(orders)  # step 1
        draw = rng.roll
        plays = rec.plays
        moves = self.deck.moves

        def reveal(index: int) -> None:  # a secret move detected
            self._reveal_play(rec, turn, moves[index])
        for _key, move, quiet in queue:  # step 2
            if quiet is None:  # a move compiled without its intermediate form: the long way
                self._resolve_move(move, rng, rec, lambda m, p: rng.draw("move", m.id) < p, False)
            else:
                quiet(s, draw, plays, reveal)
        self.plays += plays
        if s.reveal_requests:
            self._reveal(rec)
        for inject in rec.injects:  # step 3
            self._resolve_inject(inject, rng, rec)
        rule, events = plan.events_rule  # step 4

        def fire(event: CEvent) -> None:
            self._fire_event(event, rng, rec, "event")
        if plan.quiet_events is not None:
            plan.quiet_events(s, events, fire, draw, rec.fired)
        else:
            rule(s, events, fire)
        if s.reveal_requests:
            self._reveal(rec)
        ordered = s.ordered
        for _key, move, _quiet in queue:  # only these were set
            ordered[move.index] = False
        if self.deck.offers:
            self._expire_offers(rec)  # step 5
        return self._end_turn(rec)  # step 6

    def _queue(self, orders: dict[str, tuple[str, ...]]) -> list[tuple[int, CMove, QuietResolution | None]]:
        """Step 1: every order of `orders` in the resolution order, (its key, its move, its
        quiet resolution), with `ordered()` set for all of them from the start (they were
        sealed simultaneously)."""
        keys = self._plan.queue_keys
        queue: list[tuple[int, CMove, QuietResolution | None]] = []
        ordered = self.state.ordered
        for actor_orders in orders.values():
            for pos, move_id in enumerate(actor_orders):
                key, move, quiet = keys[move_id]
                ordered[move.index] = True
                queue.append((key + pos, move, quiet))
        queue.sort()  # no two orders share a key: the moves themselves are never compared
        return queue

    def _end_turn(self, rec: TurnRecord) -> TurnRecord:
        """Step 6 after the track changes: the ending reached, if any, else the next turn;
        the record kept, and the next turn's inputs cleared."""
        s = self.state
        ending = self.ending_reached()
        if ending is not None:
            self.ending = ending
            rec.ending = ending.id
            if self.log:
                text = ending.text_tpl.fill(s) if ending.text_tpl is not None else ending.text
                self._news(rec, text or ending.title, "ending", None, None, ending.id)
        else:
            s.turn = rec.turn + 1
        if self.log:
            rec.state_hash = s.digest()
        self.records.append(rec)
        self.orders = {}
        self.reasons = {}
        self.injects = []
        self.overrides = {}
        return rec

    def _open(self) -> None:
        """The opening: the deck's events at `at = 0` fire in deck order before the first
        orders (`turn` reads 0 meanwhile), with dice of their own (turn 0), so the briefing
        starts with their news. No endings are checked: the game starts after it."""
        s = self.state
        rec = TurnRecord(turn=0, orders={}, reasons={}, injects=tuple(self.opening_injects), overrides={})
        v0, f0 = list(s.v), list(s.f)
        rng = self._dice_of(0)
        s.turn = 0
        overrides, self.overrides = self.overrides, {}  # turn 1's forced rolls are not the opening's
        try:
            for event in events_due(self._plan.opening, s):
                self._fire_event(event, rng, rec, "event")
            for inject in rec.injects:  # the facilitator's, after the deck's own
                self._resolve_inject(inject, rng, rec)
            if s.reveal_requests:
                self._reveal(rec)
        finally:
            s.turn = 1
            self.overrides = overrides
        if self.log:
            self._record_changes(v0, f0, rec)
            rec.state_hash = s.digest()
        self.opening = rec

    def _resolve_orders(self, rng: TurnDice, rec: TurnRecord) -> None:
        """Steps 1-2: every sealed order in the resolution order, with `ordered()` true for
        all of them from the start (they were sealed simultaneously)."""
        queue = self._queue(rec.orders)
        resolve = self._resolve_move
        s = self.state
        plays = rec.plays
        rolled = self._roll

        def roll(move: CMove, p: float) -> bool:
            return rolled(rng, rec, "move", move.id, move.actor, p)
        over = bool(self.overrides)
        for _key, move, _quiet in queue:
            resolve(move, rng, rec, roll, over)
        self.plays += plays
        if s.reveal_requests:
            self._reveal(rec)
        self._queued = queue

    def _fire_events(self, rng: TurnDice, rec: TurnRecord) -> None:
        """Step 4: the deck's events in deck order, each when `events_due` says so; then the
        turn's `ordered()` marks are cleared."""
        s = self.state
        fire = self._fire_event
        rule, events = self._plan.events_rule
        rule(s, events, lambda event: fire(event, rng, rec, "event"))
        if s.reveal_requests:
            self._reveal(rec)
        ordered = s.ordered
        for _key, move, _quiet in self._queued:  # only these were set
            ordered[move.index] = False
        self._queued = []

    def _expire_offers(self, rec: TurnRecord) -> None:
        """Step 5: an offer unanswered for its `expires` turns expires, with its effects."""
        s = self.state
        for offer in self.deck.offers:
            made = s.offers[offer.index]
            if made >= 0 and s.turn - made >= offer.expires:
                s.offers[offer.index] = -1
                before = self._before(rec) if self.log else None
                for effect in offer.expire:
                    effect(s)
                move = self.deck.moves[offer.move]
                if before is not None:
                    self._caused(rec, before, "expire", move.id, offer.maker, made)
                if self.log:
                    text = offer.expire_tpl.fill(s) if offer.expire_tpl is not None else offer.expire_news
                    self._news(rec, text, "expire", move.audience, offer.maker, move.id)

    def ending_reached(self) -> CEnding | None:
        """The ending the current state triggers: the first of the deck's endings whose
        condition holds, else the turn-limit ending after the last turn; None to play on."""
        s = self.state
        rule, endings = self._plan.endings_rule
        reached = rule(s)
        if reached >= 0:
            return endings[reached]
        if s.turn >= self.turns:
            return self.deck.turn_limit_ending
        return None

    def _before(self, rec: TurnRecord) -> int:
        """Where `rec.values` holds the track values before a step (logged games only): the
        values after its last step when nothing moved since, else a copy made now."""
        v = self.state.v
        values = rec.values
        at = len(values) - len(v)
        if at < 0 or values[at:] != v:
            at = len(values)
            values += v
        return at

    def _caused(self, rec: TurnRecord, before: int, kind: str, source: str | None, actor: str | None, turn: int = 0) -> None:
        """Record what one step moved (logged games only): a copy of the track values after it
        (next to those before it, `_before`) and the step, from which the record works out
        the step's cause when it is read (`TurnRecord.causes`)."""
        v = self.state.v
        values = rec.values
        after = len(values)
        if values[before:after] != v:
            values += v
            rec.steps += (kind, source, actor, turn or rec.turn, before, after)

    def _news(self, rec: TurnRecord, text: str, kind: str, audience: frozenset[str] | None, actor: str | None, source: str | None) -> None:
        if not text or not self.log:
            return
        # Built as a plain tuple of the named type, as `Play` is (a dozen a turn, logged games).
        item = tuple.__new__(NewsItem, (rec.turn, text, kind, audience, actor, source))
        rec.news.append(item)
        self.news.append(item)

    def _resolve_move(self, move: CMove, rng: TurnDice, rec: TurnRecord, roll: Callable[[CMove, float], bool], over: bool) -> None:
        """Step 2 for one order: it fizzles, or its chance is rolled (`roll`) and its
        effects apply (the move's generated resolution, `_Plan.resolutions`), then what the
        record keeps of it."""
        s = self.state
        log = self.log
        if move.answer is not None and s.offers[move.gate] < 0:  # type: ignore[index]
            # Only a hand-edited save gets here: `submit` allows one answer to a waiting offer.
            self._news(rec, f"{self.deck.actor_name(move.actor)}: {move.name} fizzles. There is no offer to answer.", "fizzle", move.audience, move.actor, move.id)
            return
        # A precondition or a chance reads no track the roll changes: what the order moved is
        # the difference from the values before it.
        before = self._before(rec) if log else None
        success = self._plan.resolutions[move.index](s, move, roll, over)
        if success is None:  # its precondition no longer holds: it fizzles, nothing changed
            if log:
                audience = move.audience  # a secret move's actor and those it is shared with
                actor_name = self.deck.actor_name(move.actor)
                self._news(rec, f"{actor_name}: {move.name} fizzles. {sentence(move.requires_text)}", "fizzle", audience, move.actor, move.id)
            return
        turn = s.turn
        if before is not None:
            self._caused(rec, before, "move", move.id, move.actor, turn)
        gate = move.gate
        if gate is not None:
            if move.answer is not None:
                s.offers[gate] = -1  # answered
            elif success:
                s.offers[gate] = turn  # the offer went out: it waits for an answer
        # Built as a plain tuple of the named type: the same `Play`, without the Python-level
        # `__new__` a named tuple's constructor goes through (a play per order, hot).
        play = tuple.__new__(Play, (turn, move.actor, move.id, move.secret, success, move.audience))
        rec.plays.append(play)  # the game's plays take the turn's after its orders (`_resolve_orders`)
        if log:
            tpl = move.success_tpl if success else move.failure_tpl
            text = tpl.fill(s) if tpl is not None else move.success_text if success else move.failure_text
            # An unattributed move's news is everyone's; who played it stays with the play.
            self._news(rec, text, "move", None if move.unattributed else move.audience, move.actor, move.id)
        if move.secret and (move.detection or move.detection_fn is not None):  # rare: secret moves only
            # A detection expression reads the state after the move's own effects.
            detect = move.detection if move.detection_fn is None else self._chance(None, move.detection_fn, s)
            if self._roll(rng, rec, "detect", move.id, move.actor, detect):
                self._reveal_play(rec, s.turn, move)

    def _reveal_play(self, rec: TurnRecord, turn: int, move: CMove) -> None:
        key = (turn, move.id)
        if key in self.revealed_plays:
            return
        self.revealed_plays[key] = rec.turn
        self.state.revealed[move.index] = True
        if self.log:
            when = "" if turn == rec.turn else f" ({self.deck.turn_name} {turn})"
            self._news(rec, f"Revealed: {self.deck.actor_name(move.actor)} played {move.name}{when}.", "reveal", None, move.actor, move.id)

    def _reveal(self, rec: TurnRecord) -> None:
        s = self.state
        requests, s.reveal_requests = s.reveal_requests, []
        for index in requests:
            move = self.deck.moves[index]
            for play in self.plays:
                if play.move == move.id:
                    self._reveal_play(rec, play.turn, move)

    def _resolve_inject(self, inject: Inject, rng: TurnDice, rec: TurnRecord) -> None:
        if inject.event is not None:
            self._fire_event(self.deck.events[self.deck.event_index[inject.event]], rng, rec, "inject")
            return
        try:
            effects = self.deck.compile_inject(list(inject.effects))
        except ExpressionError as exc:  # validated when fired; a hand-edited save may differ
            raise WargameError(f"inject effects: {exc}") from None
        before = self._before(rec) if self.log else None
        for effect in effects:
            effect(self.state)
        if before is not None:
            self._caused(rec, before, "inject", None, None)
        self._news(rec, inject.text or "The facilitator changes the situation.", "inject", None, None, None)

    def _fire_event(self, event: CEvent, rng: TurnDice, rec: TurnRecord, kind: str) -> None:
        s = self.state
        p = event.chance_const if event.chance_const is not None else self._chance(None, event.chance, s)
        if not self.overrides and (p >= 1 or p <= 0):
            happens = p >= 1  # a sure event draws nothing: `_roll`'s answer, without the call (hot)
        elif not self.overrides and not self.log and self.on_roll is None:
            happens = rng.draw("event", event.id) < p  # `_roll`'s answer when nothing is recorded or forced (hot)
        else:
            happens = self._roll(rng, rec, "event", event.id, None, p)
        if not happens:
            if self.log:  # news is kept only in a logged game: no text to fill in otherwise
                failure = event.failure_tpl.fill(s) if event.failure_tpl is not None else event.failure_news
                self._news(rec, failure, kind, None, None, event.id)
            return
        s.fired[event.index] += 1
        s.fired_last[event.index] = s.turn
        before = self._before(rec) if self.log else None
        for effect in event.effects:
            effect(s)
        if before is not None:
            self._caused(rec, before, "inject" if kind == "inject" else "event", event.id, None)
        rec.fired.append(event.id)
        if self.log:
            # An event with no news is silent (an author's bookkeeping); a facilitator's inject
            # is always announced, by name when it has no news.
            news = event.news_tpl.fill(s) if event.news_tpl is not None else event.news
            self._news(rec, news or (event.name if kind == "inject" else ""), kind, None, None, event.id)
        if event.outcomes:
            self._pick_outcome(event, rng, rec, kind)

    def _pick_outcome(self, event: CEvent, rng: TurnDice, rec: TurnRecord, kind: str) -> None:
        """A weighted one-of event: its roll picks one outcome by weight (weights read the
        state after the event's own effects), whose effects and news follow."""
        s = self.state
        chosen = self._roll_weighted(rng, rec, event, [o.weight_in(s) for o in event.outcomes])
        if chosen is None:
            return  # every weight is 0 now: nothing to pick
        outcome = event.outcomes[chosen]
        before = self._before(rec) if self.log else None
        for effect in outcome.effects:
            effect(s)
        if before is not None:
            self._caused(rec, before, "outcome", f"{event.id}#{chosen}", None)
        if self.log:
            text = outcome.news_tpl.fill(s) if outcome.news_tpl is not None else outcome.news
            self._news(rec, text, kind, None, None, event.id)

    def _record_changes(self, v0: list[float], f0: list[bool], rec: TurnRecord) -> None:
        """Step 5: the turn's track and flag changes, and threshold crossings as news."""
        deck = self.deck
        v = self.state.v
        names = deck.slot_names
        changes = rec.changes
        for slot in compress(range(len(v)), map(ne, v0, v)):  # the slots that moved, found in C
            old = v0[slot]
            new = v[slot]
            changes.append(tuple.__new__(Change, (slot, names[slot], old, new)))
            levels = deck.thresholds.get(slot)
            if not levels:
                continue
            down = slot in deck.descending
            passed = [(level, name) for level, name in levels if crossed(old, new, level, descending=down)]
            if not passed:
                continue
            if down:
                # A descending scale (DEFCON 5 -> 1) is news of the one level it ends at,
                # in its direction of travel: 5 straight to 3 is "falls to DEFCON 3".
                passed = [sorted(passed, reverse=new < old)[-1]]
            # An ordinary scale is news of every level crossed, lowest first, as it always
            # was: saves record the news, and `--verify` of an older save compares it.
            # Labels and audiences only when a threshold is crossed (rare).
            owner = deck.secret_slots.get(slot)
            audience = frozenset((owner,)) if owner else None
            label = deck.slot_label(slot)
            for level, name in passed:
                if down:
                    # Lower is worse: reaching the level is on the way down.
                    verb = "falls to" if new < old else "rises above"
                else:
                    verb = "rises to" if old < level else "falls below"
                self._news(rec, f"{label} {verb} {name} ({number(new)}).", "threshold", audience, owner, None)
        f = self.state.f
        if f0 != f:
            for i, (old_f, new_f) in enumerate(zip(f0, f, strict=True)):
                if old_f != new_f:
                    rec.flag_changes.append((deck.flag_names[i], old_f, new_f))

    # -- results ---------------------------------------------------------------------
    def scores(self) -> dict[str, Score]:
        """Each actor's objectives, met or missed, on the current state."""
        out = {}
        for actor in self.deck.actors:
            results = tuple(
                ObjectiveResult(o.text_tpl.fill(self.state) if o.text_tpl else o.text, o.points, bool(o.when(self.state)))
                for o in self.deck.objectives[actor]
            )
            out[actor] = Score(actor, results)
        return out



class Blocked:
    """Why a move may not be ordered now (`blocked`), each reason in the words a player is
    told. Plain strings, not an `Enum`: looking up an enum member or its value costs a
    few hundred nanoseconds, and the availability loop runs for every move every turn."""

    ONCE: Final = "already played (once per game)"
    COOLING_DOWN: Final = "cooling down"
    """Played within its `cooldown` turns (the reason adds when it is available again)."""
    OFFER_WAITING: Final = "your offer is still waiting for an answer"
    """An offer may be made again only once the last one is answered or expires."""
    NO_OFFER: Final = "there is no offer to answer"
    """An answer to an offer, with no offer waiting."""
    PRECONDITION: Final = "its precondition does not hold"
    """`requires` is false (the move's own `requires_text` is what a player is told)."""


MoveFields = tuple[CMove, int, bool, int, int | None, bool, Callable[[State], object] | None]
"""What the availability rule reads of a move, unpacked once per deck (`move_fields`)."""


def start_state(deck: CompiledDeck, turns: int, starts: Mapping[str, float]) -> State:
    """The state before the opening: the deck's start, with `starts` (track name to value,
    kept within the track's range) replacing the deck's values."""
    state = State(deck, turns)
    for name, value in starts.items():
        slot = deck.slot_names.index(name) if name in deck.slot_names else -1
        if slot < 0:
            raise WargameError(f"no track '{name}' to start at {value}")
        state.v[slot] = min(max(float(value), deck.lo[slot]), deck.hi[slot])
    return state


def move_fields(move: CMove) -> MoveFields:
    """(move, index, once, cooldown, offer gate, is an answer, precondition)."""
    return (move, move.index, move.once, move.cooldown, move.gate, move.answer is not None, move.requires)


def availability(moves: Iterable[MoveFields], s: State, why: list[tuple[CMove, str]] | None = None) -> list[CMove]:
    """The moves that may be ordered in `s`; with `why`, each move that may not is appended
    to it with the reason. The rule as written: `blocked` and `Game.unavailable_reason` ask
    it of one move; `Game.available_moves`, which bots and simulations ask of every seat
    every turn, runs it generated flat per actor (`codegen.compile_availability`, held to
    this loop by tests/engine/test_generated_rules.py)."""
    turn = s.turn
    counts = s.counts
    last = s.last
    out = []
    for m, i, once, cooldown, gate, answer, requires in moves:
        if once and counts[i]:
            reason = Blocked.ONCE
        elif cooldown and last[i] >= 0 and turn - last[i] <= cooldown:
            reason = Blocked.COOLING_DOWN
        elif gate is not None and (s.offers[gate] < 0) == answer:
            reason = Blocked.NO_OFFER if answer else Blocked.OFFER_WAITING
        elif requires is not None and not requires(s):  # `fizzles`, on the unpacked fields
            reason = Blocked.PRECONDITION
        else:
            out.append(m)
            continue
        if why is not None:
            why.append((m, reason))
    return out


def blocked(move: CMove, s: State) -> str | None:
    """Why `move` may not be ordered in `s` (one of `Blocked`), or None when it may
    (`availability`'s rule)."""
    why: list[tuple[CMove, str]] = []
    availability((move_fields(move),), s, why)
    return why[0][1] if why else None


def fizzles(move: CMove, s: State) -> bool:
    """Whether the move's precondition fails in `s`: it may not be ordered then, and an
    order fizzles when it no longer holds at its place in the turn."""
    return move.requires is not None and not move.requires(s)


def pick_weighted(weights: Sequence[float], total: float, draw: float) -> int:
    """The position a draw in [0, 1) picks among `weights` (summing to `total` > 0), each
    in proportion to its weight; never one that weighs 0."""
    target = draw * total
    chosen = len(weights) - 1
    for i, w in enumerate(weights):
        if target < w:
            chosen = i
            break
        target -= w
    while weights[chosen] <= 0:  # rounding at the top end: the last outcome with weight
        chosen -= 1
    return chosen


def event_due(event: CEvent, s: State) -> bool:
    """Whether a deck event tries to fire this turn: not an inject (those fire only by the
    facilitator's hand), on its `at` turn, not a spent `once` event, and its `when` holds
    (`events_due`'s rule)."""
    if event.inject or event.at is not None and event.at != s.turn:
        return False
    return any(True for _ in events_due((event_fields(event),), s))


EventFields = tuple[CEvent, int, bool, Callable[[State], object] | None]
"""What `events_due` reads of an event, unpacked once per deck (`event_fields`)."""


def event_fields(event: CEvent) -> EventFields:
    """(event, index, once, when)."""
    return (event, event.index, event.once, event.when)


def events_due(events: Iterable[EventFields], s: State) -> Iterator[CEvent]:
    """Of `events` (not injects, on their `at` turn or unscheduled), each one due when
    the loop reaches it: not a spent `once` event, and its `when` holds. Lazy, because an
    event that fires changes what the next one's `when` reads. The one place the rule is
    written (`event_due` asks it of one event); a loop over fields unpacked once, since
    every event is asked every turn."""
    fired = s.fired
    for event, index, once, when in events:
        if once and fired[index]:
            continue
        if when is None or when(s):
            yield event


def crossed(old: float, new: float, level: float, *, descending: bool = False) -> bool:
    """A threshold crossing: `level` reached on the way up, or left on the way down. On a
    descending scale (lower is worse) it is reached on the way down and left going up."""
    if descending:
        return new <= level < old or old <= level < new
    return old < level <= new or new < level <= old


def level_reached(value: float, levels: Iterable[tuple[float, str]], *, descending: bool = False) -> str:
    """The most severe named level `value` has reached, or empty: the highest threshold at or
    below it, or on a descending scale the lowest threshold at or above it."""
    if descending:
        return next((name for level, name in sorted(levels) if value <= level), "")
    reached = [name for level, name in sorted(levels) if value >= level]
    return reached[-1] if reached else ""




class _Plan:
    """What the turn loop precomputes once per deck.

    A compiled deck never changes, so each game of it (thousands in a simulation) shares
    one plan: the rules generated from it (availability, resolutions, events, endings),
    each move's fields for the written availability rule, and the resolution order's keys.
    """

    __slots__ = ("available", "endings_rule", "events_rule", "fields", "opening", "queue_keys", "quiet_events", "resolutions")

    def __init__(self, deck: CompiledDeck) -> None:
        self.fields: tuple[MoveFields, ...] = tuple(map(move_fields, deck.moves))
        """Each move's fields, by index."""
        self.available: dict[str, tuple[Callable[[State, Sequence[CMove]], list[CMove]], tuple[CMove, ...]]] = {
            actor: (_available_rule(moves), tuple(moves)) for actor, moves in deck.moves_by_actor.items()
        }
        """Each actor's availability rule as one generated function (`compile_availability`,
        the rule `availability` states), with the moves it picks from."""
        bounds = {slot: (deck.lo[slot], deck.hi[slot]) for slot in range(len(deck.lo))}
        self.resolutions: tuple[Resolution, ...] = tuple(_resolution(m, bounds) for m in deck.moves)
        """Each move's resolution on the state, by index: one generated function
        (`compile_resolution`) from the deck's intermediate form."""
        ranks = sorted({m.order_key for m in deck.moves})
        self.queue_keys: dict[str, tuple[int, CMove, QuietResolution | None]] = {
            m.id: (ranks.index(m.order_key) << 16, m, _quiet_resolution(m, bounds)) for m in deck.moves
        }
        """Move id to (its place in the resolution order, shifted to leave room for the
        order's position in its seat's list, which breaks ties; the move; its resolution in
        a quiet game, generated, or None to resolve it the long way): a queue of these then
        sorts on whole numbers alone."""
        self.events_rule = _events_rule(tuple(e for e in deck.events if not e.inject and e.at != 0))
        self.quiet_events = _quiet_events_rule(self.events_rule[1], bounds)
        """The events rule for a quiet game, each due event fired inline (`compile_quiet_events`);
        None when an event was compiled without its intermediate form."""
        """The deck's events rule as one generated function (`compile_events`, the rule
        `events_due` states for the events on the turn: scheduled for it or unscheduled), with
        the events it fires."""
        self.endings_rule = _endings_rule(tuple(e for e in deck.endings if e.when is not None))
        """The endings the deck checks after every turn, in deck order, as one generated
        function giving the position of the first that holds (-1: none), with the endings."""
        self.opening: tuple[EventFields, ...] = tuple(event_fields(e) for e in deck.events if not e.inject and e.at == 0)
        """The events of the opening (`at = 0`), in deck order."""


def _available_rule(moves: Sequence[CMove]) -> Callable[[State, Sequence[CMove]], list[CMove]]:
    """An actor's availability rule, generated flat from the deck's intermediate form; the
    generic loop of `availability` for a precondition compiled without one."""
    if any(m.requires is not None and m.requires_node is None for m in moves):
        fields = tuple(map(move_fields, moves))
        return lambda s, _moves: availability(fields, s)
    return compile_availability([(m.index, m.once, m.cooldown, m.gate, m.answer is not None, m.requires_node) for m in moves])


Resolution = Callable[[State, CMove, Callable[[CMove, float], bool], bool], "bool | None"]


def _resolution(move: CMove, bounds: Mapping[int, tuple[float, float]]) -> Resolution:
    """A move's resolution, generated flat; for a move compiled without its intermediate
    form, the same steps on its compiled functions."""
    if _written(move):
        return compile_resolution(_row(move), bounds)

    def generic(s: State, m: CMove, roll: Callable[[CMove, float], bool], over: bool) -> bool | None:
        if fizzles(m, s):
            return None
        p = m.chance_const if m.chance_const is not None else Game._chance(None, m.chance, s)
        ok = roll(m, p) if over or 0 < p < 1 else p >= 1
        s.counts[m.index] += 1
        s.last[m.index] = s.turn
        if ok:
            s.wins[m.index] += 1
        for effect in m.success if ok else m.failure:
            effect(s)
        for effect in m.always:
            effect(s)
        return ok
    return generic


QuietResolution = Callable[[State, Callable[[bytes], float], list[Play], Callable[[int], None]], "bool | None"]
"""A move's resolution in a quiet game (`compile_quiet_resolution`): `(state, draw, plays, reveal)`."""


def _written(move: CMove) -> bool:
    """Whether every compiled part of `move` has its intermediate form beside it."""
    nodes = move.effect_nodes
    return (
        (move.requires is None or move.requires_node is not None)
        and (move.chance_node is not None if move.chance is not None else move.chance_const is not None)
        and all(bool(nodes.get(k)) == bool(fns) for k, fns in (("success", move.success), ("failure", move.failure), ("always", move.always)))
    )


def _row(move: CMove) -> MoveRow:
    nodes = move.effect_nodes
    return (move.index, move.requires_node, move.chance_const, move.chance_node, nodes.get("success", ()), nodes.get("failure", ()), nodes.get("always", ()))


def _quiet_resolution(move: CMove, bounds: Mapping[int, tuple[float, float]]) -> QuietResolution | None:
    """A move's resolution in a quiet game, generated; None for one compiled without its
    intermediate form (resolved the long way, `_resolve_move`)."""
    row = _quiet_row(move)
    return None if row is None else compile_quiet_resolution(row, bounds)


def _quiet_row(move: CMove) -> QuietMove | None:
    """What the generated resolution of `move` in a quiet game reads (`QuietMove`); None
    for a move compiled without its intermediate form."""
    detection = None
    if move.secret and (move.detection or move.detection_fn is not None):
        if move.detection_fn is not None and move.detection_node is None:
            return None
        detection = (None if move.detection_fn is not None else move.detection, move.detection_node, roll_bytes("detect", move.id))
    if not _written(move):
        return None
    play = (move.actor, move.id, move.secret, move.audience)
    return (_row(move), move.gate, move.answer is not None, play, Play, roll_bytes("move", move.id), detection)


def _quiet_events_rule(events: tuple[CEvent, ...], bounds: Mapping[int, tuple[float, float]]) -> Callable[..., None] | None:
    """The events rule for a quiet game, generated; None when a part of an event was
    compiled without its intermediate form."""
    rows = _quiet_event_rows(events)
    return None if rows is None else compile_quiet_events(rows, bounds)


def _quiet_event_rows(events: Sequence[CEvent]) -> list[QuietEventRow] | None:
    """What the quiet events rule reads of each of `events` (`QuietEventRow`); None when a
    part of an event was compiled without its intermediate form."""
    rows: list[QuietEventRow] = []
    for e in events:
        chance = e.chance_node if e.chance_const is None else None
        if (e.when is not None and e.when_node is None) or (e.chance_const is None and chance is None) or bool(e.effect_nodes) != bool(e.effects):
            return None
        rows.append(((e.index, e.at, e.once, e.when_node), e.chance_const, chance, e.effect_nodes, bool(e.outcomes), e.id, roll_bytes("event", e.id)))
    return rows


EventsRule = Callable[[State, Sequence[CEvent], Callable[[CEvent], None]], None]


def _events_rule(events: tuple[CEvent, ...]) -> tuple[EventsRule, tuple[CEvent, ...]]:
    """The deck's events rule, generated flat; the generic loop of `events_due` for a
    condition compiled without its intermediate form."""
    if any(e.when is not None and e.when_node is None for e in events):
        def generic(s: State, es: Sequence[CEvent], fire: Callable[[CEvent], None]) -> None:
            for event in events_due(tuple(event_fields(e) for e in es if e.at is None or e.at == s.turn), s):
                fire(event)
        return generic, events
    return compile_events([(e.index, e.at, e.once, e.when_node) for e in events]), events


def _endings_rule(endings: tuple[CEnding, ...]) -> tuple[Callable[[State], int], tuple[CEnding, ...]]:
    """The endings rule, generated flat; a plain loop for a condition compiled without its
    intermediate form."""
    nodes = [e.when_node for e in endings]
    if any(node is None for node in nodes):
        return (lambda s: next((j for j, e in enumerate(endings) if e.when is not None and e.when(s)), -1)), endings
    return compile_endings([node for node in nodes if node is not None]), endings


_PLANS: dict[int, tuple[weakref.ref[CompiledDeck], _Plan]] = {}
"""Per deck (by identity, checked with a weak reference), its plan."""


def _plan(deck: CompiledDeck) -> _Plan:
    entry = _PLANS.get(id(deck))
    if entry is None or entry[0]() is not deck:
        key = id(deck)

        def forget(ref: weakref.ref[CompiledDeck]) -> None:
            # The deck is gone: drop its plan, unless a newer deck reuses the id by now.
            if _PLANS.get(key, (None,))[0] is ref:
                del _PLANS[key]

        entry = _PLANS[key] = (weakref.ref(deck, forget), _Plan(deck))
    return entry[1]
