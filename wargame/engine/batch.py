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


_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def mix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """SplitMix64's finaliser: a bijection of 64-bit words that scatters every input bit."""
    return _mix64_inplace(x.copy())


def _mix64_inplace(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    # `mix64` in the array it is given (one scratch array instead of a new one per step).
    t = np.right_shift(x, _S30)
    np.bitwise_xor(x, t, out=x)
    np.multiply(x, _M1, out=x)
    np.right_shift(x, _S27, out=t)
    np.bitwise_xor(x, t, out=x)
    np.multiply(x, _M2, out=x)
    np.right_shift(x, _S31, out=t)
    np.bitwise_xor(x, t, out=x)
    return x


def _word(value: int) -> np.uint64:
    """A counter word as `uniform` mixes it in: value * golden + 1, modulo 2**64."""
    return np.uint64((value * 0x9E3779B97F4A7C15 + 1) & 0xFFFF_FFFF_FFFF_FFFF)


def _mix_word(h: npt.NDArray[np.uint64], word: int | npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """`mix64(h ^ word')` (`uniform`'s step) into a new array."""
    if isinstance(word, np.ndarray):
        w = word.astype(np.uint64)
        np.multiply(w, _GOLDEN, out=w)
        np.add(w, np.uint64(1), out=w)
        return _mix64_inplace(np.bitwise_xor(h, w, out=w))
    return _mix64_inplace(np.bitwise_xor(h, _word(int(word))))


def _to_unit(h: npt.NDArray[np.uint64]) -> FloatArray:
    np.right_shift(h, np.uint64(11), out=h)
    out: FloatArray = h.astype(np.float64)
    np.multiply(out, 2.0**-53, out=out)
    return out


def game_keys(seeds: Sequence[int]) -> npt.NDArray[np.uint64]:
    """Each game's key for the counter-based generator, from its seed."""
    return game_keys_from_words(np.array([s & 0xFFFF_FFFF_FFFF_FFFF for s in seeds], dtype=np.uint64))


def game_keys_from_words(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """`game_keys` of seeds given as their low 64 bits."""
    return _mix64_inplace(words ^ np.uint64(0x5741_5247_414D_4531))  # "WARGAME1": apart from other uses of the seed


def uniform(keys: npt.NDArray[np.uint64], *counter: int | npt.NDArray[np.int64]) -> FloatArray:
    """A uniform number in [0, 1) for each key, a pure function of the key and the counter's
    words (a counter-based generator: no state, so any game's draw is the same whichever
    batch, chunk or worker plays it)."""
    h = keys
    for word in counter:
        h = _mix_word(h, word)
    return _to_unit(h if h is not keys else keys.copy())


class TurnUniform:
    """`uniform(keys, turn, *rest)` for one turn's many draws: the turn's word is mixed into
    every key once (the first step of each draw's chain), then each draw mixes in the rest."""

    def __init__(self, keys: npt.NDArray[np.uint64]) -> None:
        self.keys = keys
        self.turn = -1
        self._after: npt.NDArray[np.uint64] = keys
        self._prefixes: dict[int, npt.NDArray[np.uint64]] = {}

    def start_turn(self, turn: int) -> None:
        if turn != self.turn:
            self.turn = turn
            self._after = _mix_word(self.keys, turn)
            self._prefixes = {}

    def draw(self, rows: Index | slice, *rest: int | IntArray) -> FloatArray:
        """`uniform(keys[rows], turn, *rest)`."""
        h = self._after[rows]
        for word in rest:
            h = _mix_word(h, word)
        return _to_unit(h if isinstance(rows, np.ndarray) or rest else h.copy())

    def draw_after(self, prefix: int, rows: Index | slice, *rest: int | IntArray) -> FloatArray:
        """`uniform(keys[rows], turn, prefix, *rest)`, the turn's and `prefix`'s words mixed
        into every key once per turn (for a word many draws share)."""
        after = self._prefixes.get(prefix)
        if after is None:
            after = self._prefixes[prefix] = _mix_word(self._after, prefix)
        h = after[rows]
        for word in rest:
            h = _mix_word(h, word)
        return _to_unit(h if isinstance(rows, np.ndarray) or rest else h.copy())


class CounterDice:
    """Fast dice: a counter-based generator keyed per game, (turn, roll kind, move or event,
    its draw this turn) as the counter. Other numbers than a replay would draw."""

    def __init__(self, seeds: Sequence[int]) -> None:
        self.keys = game_keys(seeds)
        self._uniform = TurnUniform(self.keys)
        self._seen: dict[int, tuple[Index, IntArray | None]] = {}
        """Per label drawn this turn: the rows of its first draw, and once it is drawn
        again, each row's count of draws (before then every row drawn has drawn once)."""

    def start_turn(self, turn: int) -> None:
        self._uniform.start_turn(turn)
        self._seen = {}

    def draw(self, kind: str, key: str, index: int, rows: Index) -> FloatArray:
        label = ROLL_KINDS[kind] * 1_000_003 + index
        seen = self._seen.get(label)
        if seen is None:  # the label's first draw this turn: every row's first
            self._seen[label] = (rows, None)
            return self._uniform.draw(rows, label, 0)
        first, counts = seen
        if counts is None:
            counts = np.zeros(len(self.keys), dtype=np.int64)
            counts[first] = 1
            self._seen[label] = (first, counts)
        occurrence = counts[rows]
        counts[rows] += 1
        return self._uniform.draw(rows, label, occurrence)


def make_dice(mode: Mode, seeds: Sequence[int]) -> BatchDice:
    return KeyedDice(seeds) if mode == "exact" else CounterDice(seeds)


# -- the plan: a deck compiled to array code, once ----------------------------------------------
@dataclass(frozen=True)
class MoveCode:
    move: CMove
    actor: int
    """The move's actor's index in the deck's actors."""
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
            MoveCode(m, deck.actors.index(m.actor), expr(m.requires_node), expr(m.chance_node), expr(m.detection_node),
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
        # Availability's rule as whole-matrix steps (`Batch.availability`): the moves that
        # are `once`, those with a cooldown (and its length), those behind an offer (its
        # slot, and whether the move answers it), and those with a precondition.
        moves = deck.moves
        self.once_moves = np.array([m.index for m in moves if m.once], dtype=np.intp)
        self.cooldown_moves = np.array([m.index for m in moves if m.cooldown], dtype=np.intp)
        self.cooldowns = np.array([m.cooldown for m in moves if m.cooldown], dtype=np.int64)
        self.gated_moves = np.array([m.index for m in moves if m.gate is not None], dtype=np.intp)
        self.gate_slots = np.array([m.gate for m in moves if m.gate is not None], dtype=np.intp)
        self.gate_answers = np.array([m.answer is not None for m in moves if m.gate is not None], dtype=np.bool_)
        self.preconditions = [(code.move.index, code.requires) for code in self.moves if code.requires is not None]
        self.actor_columns = {a: np.array([m.index for m in ms], dtype=np.intp) for a, ms in deck.moves_by_actor.items()}
        """Each actor's moves (their indices, in its move order): its columns of `availability`."""
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

        # Column-major: an expression reads or writes one column (a track, a move) for many
        # rows, and a column's rows lie together.
        def rows(values: Sequence[float] | Sequence[int] | Sequence[bool], dtype: type) -> npt.NDArray[np.generic]:
            out: npt.NDArray[np.generic] = np.empty((n, len(values)), dtype=dtype, order="F")
            out[:] = np.asarray(values, dtype=dtype)
            return out

        self.v: FloatArray = rows(base.v, np.float64)  # type: ignore[assignment]
        self.f: BoolArray = rows(base.f, np.bool_)  # type: ignore[assignment]
        self.counts: IntArray = rows(base.counts, np.int64)  # type: ignore[assignment]
        self.wins: IntArray = rows(base.wins, np.int64)  # type: ignore[assignment]
        self.last: IntArray = rows(base.last, np.int64)  # type: ignore[assignment]
        self.ordered: BoolArray = np.zeros((n, m), dtype=np.bool_, order="F")
        self.revealed: BoolArray = rows(base.revealed, np.bool_)  # type: ignore[assignment]
        self.fired: IntArray = rows(base.fired, np.int64)  # type: ignore[assignment]
        self.fired_last: IntArray = rows(base.fired_last, np.int64)  # type: ignore[assignment]
        self.offers: IntArray = rows(base.offers, np.int64)  # type: ignore[assignment]
        self.reveal_requests: BoolArray = np.zeros((n, m), dtype=np.bool_, order="F")
        self.reveal_asked: set[int] = set()
        lo, hi = np.array(deck.lo, dtype=np.float64), np.array(deck.hi, dtype=np.float64)
        self.bounded = bool(((self.v >= lo) & (self.v <= hi)).all())
        """Every track within its range (see `ArrayState.bounded`); effects keep it so."""
        self.turn = base.turn
        self.turns = turns
        self.size = n
        self.ending: IntArray = np.full(n, -1, dtype=np.int64)
        self.played: IntArray = np.zeros(n, dtype=np.int64)
        """Turns each game resolved in this batch."""
        self.ordered_total: IntArray = np.zeros(m, dtype=np.int64)
        """Times each move was ordered (resolved or fizzled), over every game."""
        self.escalation: IntArray | None = None
        """When set (games x actors, zeroed by the caller), each actor's summed escalation of
        the moves it played is added to it as they resolve."""
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
        """The rows of the games still running (ascending)."""
        return np.flatnonzero(self.ending < 0)

    def span(self, rows: Index) -> Rows:
        """`rows` as expressions may read them: `ALL` when they are every row (`rows` are
        distinct and ascending, as `running` gives them), which reads columns in place
        instead of gathering them."""
        return ALL if len(rows) == self.size else rows

    # -- the rules ------------------------------------------------------------------------------
    def availability(self, rows: Index) -> BoolArray:
        """For each row (ascending, as `running`), which moves may be ordered
        (`availability`'s rule): one column per move of the deck, each rule one step over
        every move it concerns."""
        plan = self.plan
        at = self.span(rows)
        out = np.ones((len(rows), len(self.deck.moves)), dtype=np.bool_, order="F")
        turn = self.turn
        if len(plan.once_moves):
            out[:, plan.once_moves] = self.counts[:, plan.once_moves][at] == 0
        if len(plan.cooldown_moves):
            last = self.last[:, plan.cooldown_moves][at]
            out[:, plan.cooldown_moves] &= ~((last >= 0) & (turn - last <= plan.cooldowns))
        if len(plan.gated_moves):
            out[:, plan.gated_moves] &= (self.offers[:, plan.gate_slots][at] < 0) != plan.gate_answers
        for i, code in plan.preconditions:
            column = out[:, i]
            column &= _truth(evaluate(code, self, at))
        return out

    def _split(self, col: IntArray, rows: Index) -> tuple[list[int], Index]:
        """The rows of each move in one position of a seat's orders (`col`: a move index per
        row, -1 for none): the rows sorted by move, stably (ascending within a move), and
        where each move's run starts (move i: `starts[i + 1]` to `starts[i + 2]`)."""
        moves = len(self.deck.moves)
        # A radix sort for small integers: much quicker than a general one.
        small = np.int8 if moves < 127 else np.int16 if moves < 32767 else np.int64
        order = np.argsort(col.astype(small), kind="stable")
        starts = np.zeros(moves + 2, dtype=np.int64)
        np.cumsum(np.bincount(col + 1, minlength=moves + 1), out=starts[1:])
        return starts.tolist(), rows[order]

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
        split: dict[str, list[tuple[list[int], Index]]] = {}
        total = self.ordered_total
        for actor, cols in orders.items():
            split[actor] = []
            for pos in range(cols.shape[1]):
                starts, by_move = self._split(cols[:, pos], rows)
                split[actor].append((starts, by_move))
                for i in range(len(starts) - 2):
                    first, end = starts[i + 1], starts[i + 2]
                    if end > first:
                        ordered[:, i][by_move[first:end]] = True
                        total[i] += end - first
        for (_cat, actor_index), group in plan.order_groups:
            positions = split.get(deck.actors[actor_index])
            if positions is None:
                continue
            for starts, by_move in positions:
                for i in group:
                    first, end = starts[i + 1], starts[i + 2]
                    if end > first:
                        self._resolve_move(i, by_move[first:end], dice)
        self._reveal(rows)
        for inject in injects:  # step 3
            inject(self, rows, dice)
        self._fire_events(rows, dice)  # step 4
        self._reveal(rows)
        ordered[self.span(rows)] = False
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
            sel = sel[self.offers[:, move.gate][sel] >= 0]  # no offer to answer: it fizzles
        if code.requires is not None:
            sel = sel[_truth(evaluate(code.requires, self, sel))]  # the precondition fails: it fizzles
        if not len(sel):
            return
        sure = move.chance_const
        if sure is not None and (sure >= 1 or sure <= 0):  # a sure chance draws nothing
            won, lost = (sel, sel[:0]) if sure >= 1 else (sel[:0], sel)
        else:
            p = sure if sure is not None else _chance(evaluate(code.chance, self, sel))  # type: ignore[arg-type]
            success = self._roll("move", move.id, i, p, sel, dice)
            won, lost = sel[success], sel[~success]
        turn = self.turn
        counts = self.counts[:, i]  # a column: a view, its rows together
        counts[sel] += 1
        if self.escalation is not None and move.escalation:
            summed = self.escalation[:, code.actor]
            summed[sel] += move.escalation
        self.last[:, i][sel] = turn
        if len(won):
            wins = self.wins[:, i]
            wins[won] += 1
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
                self.offers[:, move.gate][sel] = -1  # answered
            else:
                self.offers[:, move.gate][won] = turn  # made: it waits for an answer
                self.offer_counts[won, move.gate, 0] += 1
        if move.secret and (move.detection or code.detection is not None):
            detect = move.detection if code.detection is None else _chance(evaluate(code.detection, self, sel))
            found = self._roll("detect", move.id, i, detect, sel, dice)
            self.revealed[:, i][sel[found]] = True

    def _reveal(self, rows: Index) -> None:
        """`reveal()` requests: a move's earlier plays come out (if it has any). Requests
        are only ever made for `rows` (the games resolving) and cleared here, so each
        move's column is read whole."""
        for i in sorted(self.reveal_asked):
            asked = self.reveal_requests[:, i]
            revealed = self.revealed[:, i]
            revealed |= asked & (self.counts[:, i] > 0)
            asked[:] = False
        self.reveal_asked.clear()

    def fire_event(self, e: int, sel: Index, dice: BatchDice) -> None:
        """One event tries to fire in the rows `sel` (due there, or fired by the facilitator)."""
        code = self.plan.events[e]
        event = code.event
        p = event.chance_const if event.chance_const is not None else _chance(evaluate(code.chance, self, sel))  # type: ignore[arg-type]
        sel = sel[self._roll("event", event.id, e, p, sel, dice)]
        if not len(sel):
            return
        fired = self.fired[:, e]
        fired[sel] += 1
        self.fired_last[:, e][sel] = self.turn
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
            sel = sel[self.fired[:, event.index][self.span(sel)] == 0]
        if code.when is not None and len(sel):
            sel = sel[_truth(evaluate(code.when, self, self.span(sel)))]
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
            hit = _truth(evaluate(when, self, self.span(open_)))
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


__all__ = ["Batch", "BatchDice", "CounterDice", "KeyedDice", "Mode", "Plan", "TurnUniform", "game_keys", "game_keys_from_words",
           "inject_effects", "inject_event", "make_dice", "plan_of", "uniform"]
