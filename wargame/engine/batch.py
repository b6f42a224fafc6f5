"""The batched engine: many games of one deck at once, as NumPy arrays, for statistics only.

Each game is a row of a few arrays (tracks, flags, plays, firings, offers); a turn resolves
every game still running together, each deck expression evaluated once for all the games
that need it (`wargame.deck.arrays`, compiled from the same IR as the reference engine).
The rules are the reference engine's (`wargame.engine.game`), step for step and in the
same order, so that on the same dice both engines play the same games: a standing test
(tests/engine/test_batch_agreement.py) plays every deck both ways and compares them.

The dice are a source the engine is given (`BatchDice`): `KeyedDice` draws every roll
from the keyed streams a replay uses (game for game the reference engine's dice; slow,
for tests and checks), `CounterDice` from a counter-based generator keyed per game (fast;
other dice than a replay would draw). A batch keeps no log: no news, rolls or records,
only what statistics count. Facilitator overrides are not supported here: games with them
stay on the reference engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from wargame.deck.arrays import (
    ALL,
    ArrayEffect,
    ArrayFn,
    Rows,
    compile_array,
    compile_array_effect,
    evaluate,
)
from wargame.deck.compile import CEvent, CMove, CompiledDeck
from wargame.deck.expr import compile_effect_code
from wargame.engine.dice import KEYED, seed_key, turn_dice
from wargame.engine.game import start_state
from wargame.engine.state import State

IntArray = npt.NDArray[np.int64]
Index = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

Mode = Literal["exact", "fast"]
"""`exact`: the keyed dice of a replay (game for game the reference engine's); `fast`: a
counter-based generator per game."""

ROLL_KINDS = {"move": 0, "detect": 1, "event": 2, "outcome": 3}
"""Kinds of roll, numbered for the counter-based dice's labels."""


# -- the dice --------------------------------------------------------------------------------
class BatchDice(Protocol):
    """Where a batch's rolls come from: one uniform number in [0, 1) per row asked."""

    def start_turn(self, turn: int) -> None:
        """A new turn: each label's count of draws starts again."""
        ...

    def draw(self, kind: str, key: str, index: int, rows: Index) -> FloatArray:
        """A roll of `kind` about `key` (the move or event id; `index` its index) for each row."""
        ...


class KeyedDice:
    """The reference engine's keyed dice (`wargame.engine.dice`, format 2), game by game:
    each row draws from its own game's streams, one Python call per roll."""

    def __init__(self, seeds: Sequence[int]) -> None:
        self._keys = [seed_key(s) for s in seeds]
        self._seeds = list(seeds)
        self._turn = 0
        self._dice: dict[int, object] = {}

    def start_turn(self, turn: int) -> None:
        self._turn = turn
        self._dice = {}

    def draw(self, kind: str, key: str, index: int, rows: Index) -> FloatArray:
        out = np.empty(len(rows))
        for j, row in enumerate(rows.tolist()):
            dice = self._dice.get(row)
            if dice is None:
                dice = self._dice[row] = turn_dice(KEYED, self._seeds[row], self._turn, self._keys[row])
            out[j] = dice.draw(kind, key)  # type: ignore[attr-defined]
        return out


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """SplitMix64's finaliser: a bijection of 64-bit words that scatters every input bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def game_keys(seeds: Sequence[int]) -> npt.NDArray[np.uint64]:
    """Each game's key for the counter-based generator, from its seed."""
    raw = np.array([s & 0xFFFF_FFFF_FFFF_FFFF for s in seeds], dtype=np.uint64)
    return mix64(raw ^ np.uint64(0x5741_5247_414D_4531))  # "WARGAME1": apart from other uses of the seed


def uniform(keys: npt.NDArray[np.uint64], *counter: int | npt.NDArray[np.int64]) -> FloatArray:
    """A uniform number in [0, 1) for each key, a pure function of the key and the counter's
    words (a counter-based generator: no state, so any game's draw is the same whichever
    batch, chunk or worker plays it)."""
    h = keys
    for word in counter:
        h = mix64(h ^ (np.asarray(word).astype(np.uint64) * _GOLDEN + np.uint64(1)))
    return (h >> np.uint64(11)).astype(np.float64) * (2.0**-53)


class CounterDice:
    """Fast dice: a counter-based generator keyed per game, (turn, roll kind, move or event,
    its draw this turn) as the counter. Other numbers than a replay would draw."""

    def __init__(self, seeds: Sequence[int]) -> None:
        self.keys = game_keys(seeds)
        self._turn = 0
        self._seen: dict[tuple[int, int], IntArray] = {}

    def start_turn(self, turn: int) -> None:
        self._turn = turn
        self._seen = {}

    def draw(self, kind: str, key: str, index: int, rows: Index) -> FloatArray:
        label = (ROLL_KINDS[kind], index)
        seen = self._seen.get(label)
        if seen is None:
            seen = self._seen[label] = np.zeros(len(self.keys), dtype=np.int64)
        occurrence = seen[rows]
        seen[rows] += 1
        return uniform(self.keys[rows], self._turn, label[0] * 1_000_003 + label[1], occurrence)


def make_dice(mode: Mode, seeds: Sequence[int]) -> BatchDice:
    return KeyedDice(seeds) if mode == "exact" else CounterDice(seeds)


# -- the plan: a deck compiled to array code, once ----------------------------------------------
@dataclass(frozen=True)
class MoveCode:
    move: CMove
    requires: ArrayFn | None
    chance: ArrayFn | None
    detection: ArrayFn | None
    success: tuple[ArrayEffect, ...]
    failure: tuple[ArrayEffect, ...]
    always: tuple[ArrayEffect, ...]


@dataclass(frozen=True)
class EventCode:
    event: CEvent
    when: ArrayFn | None
    chance: ArrayFn | None
    effects: tuple[ArrayEffect, ...]
    outcome_weights: tuple[ArrayFn | float, ...]
    outcome_effects: tuple[tuple[ArrayEffect, ...], ...]


class Plan:
    """A deck compiled to array code: every expression and effect the batched engine runs."""

    def __init__(self, deck: CompiledDeck) -> None:
        self.deck = deck
        bounds = deck.scope.bounds

        def effects(nodes: Sequence[object]) -> tuple[ArrayEffect, ...]:
            return tuple(compile_array_effect(n, bounds) for n in nodes)  # type: ignore[arg-type]

        def expr(node: object) -> ArrayFn | None:
            return compile_array(node) if node is not None else None  # type: ignore[arg-type]

        self.moves = [
            MoveCode(m, expr(m.requires_node), expr(m.chance_node), expr(m.detection_node),
                     effects(m.effect_nodes.get("success", [])), effects(m.effect_nodes.get("failure", [])),
                     effects(m.effect_nodes.get("always", [])))
            for m in deck.moves
        ]
        for m, code in zip(deck.moves, self.moves, strict=True):
            _check_compiled(m.requires, code.requires, f"{m.id}: requires")
            _check_compiled(m.chance if m.chance_const is None else None, code.chance, f"{m.id}: chance")
        self.events = [
            EventCode(
                e, expr(e.when_node), expr(e.chance_node), effects(e.effect_nodes),
                tuple(o.weight_const if o.weight_const is not None else compile_array(o.weight_node) for o in e.outcomes),  # type: ignore[arg-type]
                tuple(effects(o.effect_nodes) for o in e.outcomes),
            )
            for e in deck.events
        ]
        self.endings = [(e, expr(e.when_node)) for e in deck.endings]
        self.objectives = {a: [(o.points, compile_array(o.when_node)) for o in objs] for a, objs in deck.objectives.items()}  # type: ignore[arg-type]
        self.expire = [effects(o.expire_nodes) for o in deck.offers]
        self.actor_moves = {a: [m.index for m in moves] for a, moves in deck.moves_by_actor.items()}
        # The resolution order: (category, actor) keys in order, each with its moves; answers
        # to offers first (key -1). Positions within a seat's orders come next.
        groups: dict[tuple[int, int], list[int]] = {}
        for m in deck.moves:
            groups.setdefault(m.order_key, []).append(m.index)
        self.order_groups = sorted(groups.items())
        self._injects: dict[tuple[str, ...], tuple[ArrayEffect, ...]] = {}

    def inject_effects(self, texts: Sequence[str]) -> tuple[ArrayEffect, ...]:
        """A facilitator's on-the-spot effects, compiled (they were checked when fired)."""
        key = tuple(texts)
        if key not in self._injects:
            nodes = [compile_effect_code(t, self.deck.scope).node for t in texts]
            self._injects[key] = tuple(compile_array_effect(n, self.deck.scope.bounds) for n in nodes)
        return self._injects[key]


def _check_compiled(scalar: object, array: ArrayFn | None, what: str) -> None:
    # Every expression the reference engine runs must have its intermediate form here.
    if (scalar is None) != (array is None):
        raise ValueError(f"{what}: no intermediate form to compile to arrays")


_PLANS: dict[int, tuple[CompiledDeck, Plan]] = {}


def plan_of(deck: CompiledDeck) -> Plan:
    """The deck's array plan, compiled once per deck object."""
    entry = _PLANS.get(id(deck))
    if entry is None or entry[0] is not deck:
        if len(_PLANS) > 16:
            _PLANS.clear()
        entry = _PLANS[id(deck)] = (deck, Plan(deck))
    return entry[1]


# -- the state of many games ----------------------------------------------------------------------
class Batch:
    """Many games of one deck, one row each, all at the same turn while they run.

    Fields are `State`'s with a row per game (`wargame.deck.arrays.ArrayState`), plus each
    game's ending (-1 while it runs; else its index in `deck.endings`, the turn-limit ending
    being `len(deck.endings)`) and how many turns it played.
    """

    def __init__(self, deck: CompiledDeck, games: int, turns: int, start: State | None = None,
                 starts: Mapping[str, float] | None = None) -> None:
        """Games from `start`, or from the deck's start with `starts` replacing its values
        (as `Game(starts=...)`: the doctrines seated from turn 1 ask for them)."""
        self.deck = deck
        self.plan = plan_of(deck)
        n, m = games, len(deck.moves)
        base = start if start is not None else start_state(deck, turns, starts or {})

        def rows(values: Sequence[float] | Sequence[int] | Sequence[bool], dtype: type) -> npt.NDArray[np.generic]:
            return np.tile(np.asarray(values, dtype=dtype).reshape(1, -1), (n, 1)) if len(values) else np.zeros((n, 0), dtype=dtype)

        self.v: FloatArray = rows(base.v, np.float64)  # type: ignore[assignment]
        self.f: BoolArray = rows(base.f, np.bool_)  # type: ignore[assignment]
        self.counts: IntArray = rows(base.counts, np.int64)  # type: ignore[assignment]
        self.wins: IntArray = rows(base.wins, np.int64)  # type: ignore[assignment]
        self.last: IntArray = rows(base.last, np.int64)  # type: ignore[assignment]
        self.ordered: BoolArray = np.zeros((n, m), dtype=np.bool_)
        self.revealed: BoolArray = rows(base.revealed, np.bool_)  # type: ignore[assignment]
        self.fired: IntArray = rows(base.fired, np.int64)  # type: ignore[assignment]
        self.fired_last: IntArray = rows(base.fired_last, np.int64)  # type: ignore[assignment]
        self.offers: IntArray = rows(base.offers, np.int64)  # type: ignore[assignment]
        self.reveal_requests: BoolArray = np.zeros((n, m), dtype=np.bool_)
        self.turn = base.turn
        self.turns = turns
        self.size = n
        self.ending: IntArray = np.full(n, -1, dtype=np.int64)
        self.played: IntArray = np.zeros(n, dtype=np.int64)
        """Turns each game resolved in this batch."""
        self.ordered_count: IntArray = np.zeros((n, m), dtype=np.int64)
        """Times each move was ordered (resolved or fizzled), per game."""
        self.offer_counts: IntArray = np.zeros((n, len(deck.offers), 2), dtype=np.int64)
        """Per game and offer: times it was made, and times it expired unanswered."""
        self.score: FloatArray = np.zeros((n, len(deck.actors)))
        """Each actor's final score, per game (set when the game ends, on its final state)."""
        self.rolled: list[tuple[str, Index, BoolArray]] | None = None
        """When set (a list), every roll's (`kind:id`, rows, outcome) is appended to it."""
        self.opening_rolls: list[tuple[str, Index, BoolArray]] = []
        """The rolls of the first turn, when they were tracked (`rolled`)."""

    def open(self, dice: BatchDice) -> None:
        """The opening (`Game._open`): the deck's events at `at = 0` try to fire in deck
        order before turn 1's orders, `turn` reading 0 and the dice turn 0's; no endings."""
        opening = [code for code in self.plan.events if not code.event.inject and code.event.at == 0]
        if not opening:
            return
        rows = np.arange(self.size)
        self.turn = 0
        dice.start_turn(0)
        try:
            for code in opening:
                self._fire_if_due(code, rows, dice)
            self._reveal(rows)
        finally:
            self.turn = 1

    @property
    def running(self) -> Index:
        """The rows of the games still running."""
        return np.flatnonzero(self.ending < 0)

    # -- the rules ------------------------------------------------------------------------------
    def available(self, actor: str, rows: Index) -> BoolArray:
        """For each row, which of `actor`'s moves may be ordered (`availability`'s rule):
        one column per move of the actor, in its move order."""
        deck, plan = self.deck, self.plan
        moves = deck.moves_by_actor[actor]
        out = np.ones((len(rows), len(moves)), dtype=np.bool_)
        turn = self.turn
        for j, move in enumerate(moves):
            i = move.index
            ok = out[:, j]
            if move.once:
                ok &= self.counts[rows, i] == 0
            if move.cooldown:
                last = self.last[rows, i]
                ok &= ~((last >= 0) & (turn - last <= move.cooldown))
            if move.gate is not None:
                ok &= (self.offers[rows, move.gate] < 0) != (move.answer is not None)
            code = plan.moves[i].requires
            if code is not None:
                ok &= _truth(evaluate(code, self, rows))
        return out

    def resolve(self, orders: dict[str, IntArray], rows: Index, dice: BatchDice,
                injects: Sequence[Callable[[Batch, Index, BatchDice], None]] = ()) -> None:
        """Resolve the turn for `rows` (games still running), in `Game.resolve`'s order.

        `orders[actor]` has a row per game of `rows` and a column per position in the
        seat's orders: move indices, -1 for none."""
        deck, plan = self.deck, self.plan
        turn = self.turn
        dice.start_turn(turn)
        ordered = self.ordered
        # Steps 1-2: every order in (category, actor) order, then by its position.
        for actor, cols in orders.items():
            for pos in range(cols.shape[1]):
                col = cols[:, pos]
                given = col >= 0
                ordered[rows[given], col[given]] = True
                np.add.at(self.ordered_count, (rows[given], col[given]), 1)
        for (_cat, actor_index), group in plan.order_groups:
            given_by = orders.get(deck.actors[actor_index])
            if given_by is None:
                continue
            for pos in range(given_by.shape[1]):
                col = given_by[:, pos]
                for i in group:
                    sel = rows[col == i]
                    if len(sel):
                        self._resolve_move(i, sel, dice)
        self._reveal(rows)
        for inject in injects:  # step 3
            inject(self, rows, dice)
        self._fire_events(rows, dice)  # step 4
        self._reveal(rows)
        ordered[rows] = False
        if deck.offers:
            self._expire_offers(rows)  # step 5
        self._endings(rows)  # step 6
        self.played[rows] += 1
        ended = rows[self.ending[rows] >= 0]
        if len(ended):
            # Objectives read the final state, `turn` included: scored now, before it moves on.
            for k, actor in enumerate(deck.actors):
                self.score[ended, k] = self.scores(actor, ended)
        if (self.ending[rows] < 0).any():
            self.turn = turn + 1

    def _roll(self, kind: str, key: str, index: int, p: FloatArray | float, sel: Index, dice: BatchDice) -> BoolArray:
        """Success per row of `sel` at chance `p`: a sure chance draws nothing."""
        if not isinstance(p, np.ndarray):
            if p >= 1 or p <= 0:
                return np.full(len(sel), p >= 1)
            out = dice.draw(kind, key, index, sel) < p
            self._rolled(kind, key, sel, out)
            return out
        out = p >= 1
        unsure = (p > 0) & (p < 1)
        if unsure.any():
            drawn = sel[unsure]
            hit = dice.draw(kind, key, index, drawn) < p[unsure]
            out[unsure] = hit
            self._rolled(kind, key, drawn, hit)
        return out

    def _rolled(self, kind: str, key: str, rows: Index, outcome: BoolArray) -> None:
        if self.rolled is not None:
            self.rolled.append((f"{kind}:{key}", rows, outcome))

    def _resolve_move(self, i: int, sel: Index, dice: BatchDice) -> None:
        code = self.plan.moves[i]
        move = code.move
        if move.answer is not None:
            sel = sel[self.offers[sel, move.gate] >= 0]  # no offer to answer: it fizzles
        if code.requires is not None:
            sel = sel[_truth(evaluate(code.requires, self, sel))]  # the precondition fails: it fizzles
        if not len(sel):
            return
        p = move.chance_const if move.chance_const is not None else _chance(evaluate(code.chance, self, sel))  # type: ignore[arg-type]
        success = self._roll("move", move.id, i, p, sel, dice)
        turn = self.turn
        self.counts[sel, i] += 1
        self.last[sel, i] = turn
        won, lost = sel[success], sel[~success]
        self.wins[won, i] += 1
        # An effect on no rows changes nothing: skipping it saves a third of a short batch's time.
        if len(won):
            for effect in code.success:
                effect(self, won)
        if len(lost):
            for effect in code.failure:
                effect(self, lost)
        for effect in code.always:
            effect(self, sel)
        if move.gate is not None:
            if move.answer is not None:
                self.offers[sel, move.gate] = -1  # answered
            else:
                self.offers[won, move.gate] = turn  # made: it waits for an answer
                self.offer_counts[won, move.gate, 0] += 1
        if move.secret and (move.detection or code.detection is not None):
            detect = move.detection if code.detection is None else _chance(evaluate(code.detection, self, sel))
            found = self._roll("detect", move.id, i, detect, sel, dice)
            self.revealed[sel[found], i] = True

    def _reveal(self, rows: Index) -> None:
        """`reveal()` requests: a move's earlier plays come out (if it has any)."""
        asked = self.reveal_requests[rows]
        if asked.any():
            self.revealed[rows] |= asked & (self.counts[rows] > 0)
            self.reveal_requests[rows] = False

    def fire_event(self, e: int, sel: Index, dice: BatchDice) -> None:
        """One event tries to fire in the rows `sel` (due there, or fired by the facilitator)."""
        code = self.plan.events[e]
        event = code.event
        p = event.chance_const if event.chance_const is not None else _chance(evaluate(code.chance, self, sel))  # type: ignore[arg-type]
        sel = sel[self._roll("event", event.id, e, p, sel, dice)]
        if not len(sel):
            return
        self.fired[sel, e] += 1
        self.fired_last[sel, e] = self.turn
        for effect in code.effects:
            effect(self, sel)
        if code.outcome_weights:
            self._pick_outcome(code, sel, dice)

    def _fire_events(self, rows: Index, dice: BatchDice) -> None:
        turn = self.turn
        for code in self.plan.events:
            event = code.event
            if event.inject or (event.at is not None and event.at != turn):
                continue
            self._fire_if_due(code, rows, dice)

    def _fire_if_due(self, code: EventCode, rows: Index, dice: BatchDice) -> None:
        """`event_due`'s rule for an event on its turn: the rows where a `once` event is
        not spent and its `when` holds try to fire it."""
        event = code.event
        sel = rows
        if event.once:
            sel = sel[self.fired[sel, event.index] == 0]
        if code.when is not None and len(sel):
            sel = sel[_truth(evaluate(code.when, self, sel))]
        if len(sel):
            self.fire_event(event.index, sel, dice)

    def _pick_outcome(self, code: EventCode, sel: Index, dice: BatchDice) -> None:
        # `Game._roll_weighted` and `pick_weighted`, row by row in arrays: the same floats.
        weights: list[FloatArray] = []
        for weight in code.outcome_weights:
            if isinstance(weight, float):
                weights.append(np.full(len(sel), weight))
            else:
                x = np.asarray(evaluate(weight, self, sel), dtype=np.float64)
                weights.append(np.where(x > 0, x, 0.0))
        total = np.zeros(len(sel)) + weights[0]
        for column in weights[1:]:
            total = total + column
        go = total > 0
        sel, weights, total = sel[go], [column[go] for column in weights], total[go]
        if not len(sel):
            return
        event = code.event
        draw = dice.draw("outcome", event.id, event.index, sel)
        target = draw * total
        last = len(weights) - 1
        chosen = np.full(len(sel), last)
        open_ = np.ones(len(sel), dtype=np.bool_)
        for j, column in enumerate(weights):
            hit = open_ & (target < column)
            chosen[hit] = j
            open_ &= ~hit
            target = np.where(open_, target - column, target)
        stack = np.stack(weights, axis=1)
        while True:  # rounding at the top end: the last outcome with weight
            zero = stack[np.arange(len(sel)), chosen] <= 0
            if not zero.any():
                break
            chosen[zero] -= 1
        if self.rolled is not None:
            for j in range(len(weights)):
                self._rolled("outcome", f"{event.id}#{j}", sel[chosen == j], np.ones(int((chosen == j).sum()), dtype=np.bool_))
        for j, effects in enumerate(code.outcome_effects):
            rows = sel[chosen == j]
            if len(rows):
                for effect in effects:
                    effect(self, rows)

    def _expire_offers(self, rows: Index) -> None:
        turn = self.turn
        for offer, effects in zip(self.deck.offers, self.plan.expire, strict=True):
            made = self.offers[rows, offer.index]
            sel = rows[(made >= 0) & (turn - made >= offer.expires)]
            if len(sel):
                self.offers[sel, offer.index] = -1
                self.offer_counts[sel, offer.index, 1] += 1
                for effect in effects:
                    effect(self, sel)

    def _endings(self, rows: Index) -> None:
        open_ = rows
        for k, (_ending, when) in enumerate(self.plan.endings):
            if when is None or not len(open_):
                continue
            hit = _truth(evaluate(when, self, open_))
            self.ending[open_[hit]] = k
            open_ = open_[~hit]
        if self.turn >= self.turns:
            self.ending[open_] = len(self.plan.endings)

    def scores(self, actor: str, rows: Rows = ALL) -> FloatArray:
        """The actor's final score per row: its objectives met, summed in deck order."""
        n = self.size if isinstance(rows, slice) else len(rows)
        total = np.zeros(n)
        for points, when in self.plan.objectives[actor]:
            total = total + np.where(_truth(evaluate(when, self, rows)), float(points), 0.0)
        return total


def _truth(x: npt.NDArray[np.generic]) -> BoolArray:
    """A condition's value per row (a number counts as true when it is not 0)."""
    out: BoolArray = x if x.dtype == np.bool_ else np.not_equal(x, 0)  # type: ignore[assignment]
    return out


def _chance(p: npt.NDArray[np.generic]) -> FloatArray:
    """`Game._chance`'s clamp: within [0, 1], nan counting as 0."""
    x = np.asarray(p, dtype=np.float64)
    return np.where((x >= 0.0) & (x <= 1.0), x, np.where(x > 1, 1.0, 0.0))


def inject_event(event_id: str) -> Callable[[Batch, Index, BatchDice], None]:
    """A facilitator's inject that fires a deck event (as `Game._resolve_inject`)."""

    def fire(b: Batch, rows: Index, dice: BatchDice) -> None:
        b.fire_event(b.deck.event_index[event_id], rows, dice)

    return fire


def inject_effects(effects: Sequence[str]) -> Callable[[Batch, Index, BatchDice], None]:
    """A facilitator's inject written on the spot: its effects, in order."""

    def apply(b: Batch, rows: Index, dice: BatchDice) -> None:
        for effect in b.plan.inject_effects(effects):
            effect(b, rows)

    return apply


__all__ = ["Batch", "BatchDice", "CounterDice", "KeyedDice", "Mode", "Plan", "inject_effects", "inject_event", "make_dice", "plan_of", "uniform"]
