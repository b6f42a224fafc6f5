"""Deck expressions and effects compiled from the IR a second time: to NumPy, over many games.

The batched engine (`wargame.engine.batch`) keeps one row per game in a few arrays and
evaluates each deck expression once for all the games that need it. These functions are
built from the same intermediate form as the reference engine's (`wargame.deck.codegen`),
node for node, and give the very same numbers: every operation below is the IEEE one the
scalar code does, in the same order (sums left to right, `min`/`max` the first least or
greatest, division by zero 0.0, a clamp that sends nan to the lower bound), so that the
two engines play the same games on the same dice (the standing agreement test holds them
to it). Deck text never becomes code here: these are closures over the IR's nodes.

An expression reads `b` (an `ArrayState`: the fields of `wargame.engine.state.State`,
each with one row per game) at `rows` (the games wanted: an index array, or `ALL`) and
returns one value per row. Expressions only read, so `and`/`or` and `if`/`else` evaluate
every part and pick (the IR's docstring allows it); effects apply in order, each writing
the rows it was given before the next one reads them. Overflow to infinity and nan are
values here as in the scalar code, not errors: callers run these under
`np.errstate(all="ignore")` (as the batched engine does).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from wargame.deck.ir import (
    NEVER_SINCE,
    Arith,
    ChangeTrack,
    Clock,
    Compare,
    EffectNode,
    EventHistory,
    Fired,
    Flag,
    Func,
    IfElse,
    Logic,
    Neg,
    Node,
    Not,
    Num,
    Plays,
    Reveal,
    SetFlag,
    SetTrack,
    Track,
    Truth,
)

Rows = npt.NDArray[np.intp] | slice
"""Which games (rows) an expression is evaluated for: an index array, or `ALL`."""
ALL: slice = slice(None)
"""Every row."""

Value = Any
"""A column of values (a NumPy array, one per row) or a plain number the deck wrote."""


class ArrayState(Protocol):
    """The fields an array expression reads: `State`'s, one row per game (see `State`)."""

    v: npt.NDArray[np.float64]
    f: npt.NDArray[np.bool_]
    turn: int
    turns: int
    counts: npt.NDArray[np.int64]
    wins: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]
    ordered: npt.NDArray[np.bool_]
    revealed: npt.NDArray[np.bool_]
    fired: npt.NDArray[np.int64]
    fired_last: npt.NDArray[np.int64]
    reveal_requests: npt.NDArray[np.bool_]
    """Moves a `reveal()` effect asked to reveal this turn, per row (see `Reveal`)."""
    reveal_asked: set[int]
    """The moves with a request in `reveal_requests` (its columns not all false)."""
    bounded: bool
    """Whether every track of every row is within its range (never nan): true of a deck's
    start, and kept by every effect (each clamps what it writes), so a constant change
    need only clamp on the side it moves towards."""


ArrayFn = Callable[[ArrayState, Rows], Value]
"""A compiled expression: the value for each row of `rows` (or a constant)."""
ArrayEffect = Callable[[ArrayState, Rows], None]
"""A compiled effect: changes the rows `rows` of the state."""


def _number(x: Value) -> Value:
    """A condition's truth as 1 or 0 where a number is wanted (Python's `True + 1`)."""
    if isinstance(x, np.ndarray) and x.dtype == np.bool_:
        return x.astype(np.int64)
    if isinstance(x, bool):
        return int(x)
    return x


def _column(x: Value, b: ArrayState, rows: Rows) -> Any:
    """`x` as an array with one value per row (a constant repeated)."""
    if isinstance(x, np.ndarray) and x.ndim == 1:
        return x
    n = b.v.shape[0] if isinstance(rows, slice) else len(rows)
    return np.full(n, x)


def _div(a: Value, b: Value) -> Value:
    # As the scalar `div`: a / b, and 0.0 where b is 0 (nan is not 0: a / nan is nan).
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if not isinstance(b, np.ndarray):
            return a / b if b else 0.0
        zero = b == 0
        return np.where(zero, 0.0, np.true_divide(a, np.where(zero, 1, b)))


def _arith(op: str, a: Value, b: Value) -> Value:
    a, b = _number(a), _number(b)
    if op == "/":
        return _div(a, b)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    return a * b


def _compare(op: str, a: Value, b: Value) -> Value:
    a, b = _number(a), _number(b)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == ">=":
        return a >= b
    if op == "==":
        return a == b
    return a != b


def _round(x: Value) -> Value:
    # Half to even, as Python's `round`; inf and nan stay as they are.
    if isinstance(x, np.ndarray):
        return np.round(x) if x.dtype.kind == "f" else x
    return round(x) if isinstance(x, int) or np.isfinite(x) else x


def compile_array(node: Node) -> ArrayFn:
    """The array function of an expression (see the module docstring)."""
    return _compile(node)


def _compile(n: Node) -> ArrayFn:
    if isinstance(n, Num | Truth):
        value = n.value
        return lambda b, rows: value
    if isinstance(n, Track):
        slot = n.slot
        return lambda b, rows: b.v[:, slot][rows]
    if isinstance(n, Flag):
        slot = n.slot
        return lambda b, rows: b.f[:, slot][rows]
    if isinstance(n, Clock):
        if n.which == "turn":
            return lambda b, rows: b.turn
        return lambda b, rows: b.turns
    if isinstance(n, Plays):
        i = n.index
        if n.fn == "played":
            return lambda b, rows: b.counts[:, i][rows] > 0
        if n.fn == "count":
            return lambda b, rows: b.counts[:, i][rows]
        if n.fn == "succeeded":
            return lambda b, rows: b.wins[:, i][rows]
        if n.fn == "since":
            return lambda b, rows: _since(b.turn, b.last[:, i][rows])
        if n.fn == "ordered":
            return lambda b, rows: b.ordered[:, i][rows]
        return lambda b, rows: b.revealed[:, i][rows]
    if isinstance(n, Fired):
        i = n.index
        return lambda b, rows: b.fired[:, i][rows] > 0
    if isinstance(n, EventHistory):
        i = n.index
        if n.fn == "since":
            return lambda b, rows: _since(b.turn, b.fired_last[:, i][rows])
        return lambda b, rows: b.fired[:, i][rows]
    if isinstance(n, Not):
        inner = _compile(n.operand)
        return lambda b, rows: np.logical_not(inner(b, rows))
    if isinstance(n, Neg):
        inner = _compile(n.operand)
        return lambda b, rows: -_number(inner(b, rows))
    if isinstance(n, Logic):
        parts = [_compile(o) for o in n.operands]
        combine = np.logical_and if n.op == "and" else np.logical_or

        def logic(b: ArrayState, rows: Rows) -> Value:
            out = parts[0](b, rows)
            for part in parts[1:]:
                out = combine(out, part(b, rows))
            return out

        return logic
    if isinstance(n, Compare):
        operands = [_compile(o) for o in n.operands]
        ops = n.ops

        def compare(b: ArrayState, rows: Rows) -> Value:
            values = [o(b, rows) for o in operands]
            out = _compare(ops[0], values[0], values[1])
            for j in range(1, len(ops)):
                out = np.logical_and(out, _compare(ops[j], values[j], values[j + 1]))
            return out

        return compare
    if isinstance(n, Arith):
        left, right, op = _compile(n.left), _compile(n.right), n.op
        return lambda b, rows: _arith(op, left(b, rows), right(b, rows))
    if isinstance(n, Func):
        args = [_compile(a) for a in n.args]
        if n.fn == "abs":
            return lambda b, rows: np.abs(_number(args[0](b, rows)))
        if n.fn == "round":
            return lambda b, rows: _round(_number(args[0](b, rows)))
        least = n.fn == "min"

        def pick(b: ArrayState, rows: Rows) -> Value:
            # The first least (greatest) argument, as Python's min (max): a later one only
            # where it is strictly less (greater); nan is never strictly anything.
            out = _number(args[0](b, rows))
            for arg in args[1:]:
                x = _number(arg(b, rows))
                out = np.where(x < out, x, out) if least else np.where(x > out, x, out)
            return out

        return pick
    if isinstance(n, IfElse):
        test, body, orelse = _compile(n.test), _compile(n.body), _compile(n.orelse)
        return lambda b, rows: np.where(test(b, rows), body(b, rows), orelse(b, rows))
    raise TypeError(f"not a deck expression node: {type(n).__name__}")


def _since(turn: int, last: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """`since()`: turns since `last`, at most `NEVER_SINCE`, and `NEVER_SINCE` when never (-1)."""
    return np.where(last < 0, NEVER_SINCE, np.minimum(turn - last, NEVER_SINCE))


def evaluate(fn: ArrayFn, b: ArrayState, rows: Rows) -> Any:
    """`fn` for every row of `rows`, as an array (a constant repeated)."""
    return _column(fn(b, rows), b, rows)


def compile_array_effect(node: EffectNode, bounds: Mapping[int, tuple[float, float]]) -> ArrayEffect:
    """The array function of an effect; `bounds` maps a track's slot to its (min, max)."""
    if isinstance(node, Reveal):
        index = node.index

        def reveal(b: ArrayState, rows: Rows) -> None:
            b.reveal_requests[:, index][rows] = True
            b.reveal_asked.add(index)

        return reveal
    if isinstance(node, SetFlag):
        value, slot = _compile(node.value), node.slot

        def set_flag(b: ArrayState, rows: Rows) -> None:
            x = value(b, rows)
            b.f[:, slot][rows] = x if isinstance(x, np.ndarray) and x.dtype == np.bool_ else np.not_equal(x, 0)

        return set_flag
    if isinstance(node, SetTrack | ChangeTrack):
        slot = node.slot
        lo, hi = bounds[slot]
        amount = _compile(node.value)
        change = isinstance(node, ChangeTrack)
        sign = node.sign if isinstance(node, ChangeTrack) else 1
        constant = isinstance(node.value, Num | Truth)
        # A constant change (`tension += 1`): its `sign * k` worked out once, not per call.
        step = sign * _number(amount(None, None)) if change and constant else None  # type: ignore[arg-type]  # a constant reads nothing
        if isinstance(step, int | float) and _plain_step(float(step), step, lo, hi):
            return _constant_change(slot, float(step), lo, hi)

        def set_track(b: ArrayState, rows: Rows) -> None:
            x = _number(amount(b, rows))
            if change:
                # `v + (-k)` for a constant, as the scalar code writes it; `v - x` else
                # (the same IEEE result either way).
                now = b.v[:, slot][rows]
                x = now + sign * x if constant else (now + x if sign > 0 else now - x)
            x = np.asarray(x, dtype=np.float64)
            # hi if x > hi else x if x >= lo else lo: nan lands on the lower bound.
            b.v[:, slot][rows] = np.where(x > hi, hi, np.where(x >= lo, x, lo))

        return set_track
    raise TypeError(f"not a deck effect node: {type(node).__name__}")


def _plain_step(step: float, written: float, lo: float, hi: float) -> bool:
    """Whether a constant change by `step` may clamp with `fmax`/`minimum` (`_constant_change`)
    and give the very floats of the `np.where` clamp: a finite step the float of what was
    written, not -0.0 (so `v + step` is never -0.0), and bounds in order, neither -0.0
    (`fmax`/`minimum` return the bound where `where` keeps `x`: the same float unless
    they are zeros of opposite sign)."""
    def negative_zero(x: float) -> bool:
        return x == 0 and math.copysign(1.0, x) < 0

    return (math.isfinite(step) and step == written and not negative_zero(step) and lo <= hi
            and not negative_zero(lo) and not negative_zero(hi))


def _constant_change(slot: int, step: float, lo: float, hi: float) -> ArrayEffect:
    """`tension += 1`: the column's rows plus `step`, clamped in place (four small calls, not
    the `where` chain's six). `fmax` sends nan to `lo` as the chain does; when the state is
    `bounded` the value moves one way only, so only that side can need clamping."""

    def change(b: ArrayState, rows: Rows) -> None:
        column = b.v[:, slot]
        x = column[rows]  # a copy for an index array; a view of the column for ALL
        np.add(x, step, out=x)
        if not b.bounded:
            np.fmax(x, lo, out=x)
            np.minimum(x, hi, out=x)
        elif step > 0:
            np.minimum(x, hi, out=x)
        elif step < 0:
            np.maximum(x, lo, out=x)
        column[rows] = x

    return change


__all__ = ["ALL", "ArrayEffect", "ArrayFn", "ArrayState", "Rows", "compile_array", "compile_array_effect", "evaluate"]
