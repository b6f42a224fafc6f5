"""Deck expressions evaluated over intervals: what lint knows a value may be in any game.

An abstract interpretation of the IR (`wargame.deck.ir`): each track is a range, each
flag may be true and/or false, each move may have been played or not, and an expression
gets the range of everything it may compute over them (`AV`). `Reach` holds those ranges;
`wargame.deck.lint.reachability` grows them to a fixed point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from wargame.deck.compile import CompiledDeck
from wargame.deck.ir import (
    NEVER_SINCE,
    Arith,
    Clock,
    CmpOp,
    Compare,
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
    Track,
    Truth,
)


@dataclass(frozen=True, slots=True)
class AV:
    """An abstract value: every number the expression may take lies in `lo..hi`; `t`/`f`
    say whether it may be true (non-zero) / false (zero). Conditions and numbers mix in
    deck expressions (a condition counts as 1 or 0), so one type serves both."""

    lo: float
    hi: float
    t: bool
    f: bool

    @staticmethod
    def num(lo: float, hi: float) -> AV:
        if math.isnan(lo) or math.isnan(hi):
            return TOP
        return AV(lo, hi, not (lo == 0 == hi), lo <= 0 <= hi)

    @staticmethod
    def flag(t: bool, f: bool) -> AV:
        return AV(0.0 if f else 1.0, 1.0 if t else 0.0, t, f)

    def join(self, other: AV) -> AV:
        return AV(min(self.lo, other.lo), max(self.hi, other.hi), self.t or other.t, self.f or other.f)


TOP = AV(-math.inf, math.inf, True, True)
"""Anything: what the lint assumes of an expression it does not understand."""


def _mul(a: float, b: float) -> float:
    return 0.0 if a == 0 or b == 0 else a * b  # 0 * inf is 0 here: a factor of 0 wins


def compare(op: CmpOp, a: AV, b: AV) -> AV:
    """Whether `a op b` may be true / false, from the intervals alone."""
    if op == "<":
        return AV.flag(a.lo < b.hi, a.hi >= b.lo)
    if op == "<=":
        return AV.flag(a.lo <= b.hi, a.hi > b.lo)
    if op == ">":
        return AV.flag(a.hi > b.lo, a.lo <= b.hi)
    if op == ">=":
        return AV.flag(a.hi >= b.lo, a.lo < b.hi)
    overlap = a.lo <= b.hi and b.lo <= a.hi
    single = a.lo == a.hi == b.lo == b.hi
    if op == "==":
        return AV.flag(overlap, not single)
    return AV.flag(not single, overlap)


@dataclass
class Reach:
    """What can ever happen in a game of the deck (an over-approximation)."""

    turns: int
    slots: list[tuple[float, float]]
    flags: list[tuple[bool, bool]]
    """Per flag: (may be true, may be false)."""
    moves: set[int] = field(default_factory=set)
    """Moves that may be ordered (and so played) at some point."""
    events: set[int] = field(default_factory=set)
    """Events that may fire (injects always may: the facilitator fires them)."""
    turn: tuple[float, float] = (1.0, 1.0)


class Interpreter:
    """Evaluates deck expressions in intermediate form over a `Reach`."""

    def __init__(self, deck: CompiledDeck, reach: Reach) -> None:
        self.deck = deck
        self.reach = reach

    def run(self, node: Node | None) -> AV:
        """The value of an expression; anything (`TOP`) when there is none to read."""
        return TOP if node is None else self.expr(node)

    def expr(self, node: Node) -> AV:
        r = self.reach
        if isinstance(node, Truth):
            return AV.flag(node.value, not node.value)
        if isinstance(node, Num):
            return AV.num(float(node.value), float(node.value))
        if isinstance(node, Clock):
            return AV.num(*r.turn) if node.which == "turn" else AV.num(r.turns, r.turns)
        if isinstance(node, Track):
            return AV.num(*r.slots[node.slot])
        if isinstance(node, Flag):
            return AV.flag(*r.flags[node.slot])
        if isinstance(node, Logic):
            vals = [self.expr(v) for v in node.operands]
            if node.op == "and":
                return AV.flag(all(v.t for v in vals), any(v.f for v in vals))
            return AV.flag(any(v.t for v in vals), all(v.f for v in vals))
        if isinstance(node, Not):
            value = self.expr(node.operand)
            return AV.flag(value.f, value.t)
        if isinstance(node, Neg):
            value = self.expr(node.operand)
            return AV.num(-value.hi, -value.lo)
        if isinstance(node, Arith):
            return self.arith(node)
        if isinstance(node, Compare):
            out = AV.flag(True, False)
            left = self.expr(node.operands[0])
            for op, part in zip(node.ops, node.operands[1:], strict=True):
                right = self.expr(part)
                c = compare(op, left, right)
                out = AV.flag(out.t and c.t, out.f or c.f)
                left = right
            return out
        if isinstance(node, IfElse):
            test = self.expr(node.test)
            body, orelse = self.expr(node.body), self.expr(node.orelse)
            if test.t and test.f:
                return body.join(orelse)
            return body if test.t else orelse
        if isinstance(node, Func):
            return self.func(node)
        if isinstance(node, Fired):
            return AV.flag(node.index in r.events, True)
        if isinstance(node, Plays):
            return self.plays(node)
        assert isinstance(node, EventHistory)
        return TOP  # an event's count() or since(): not followed here, so anything

    def arith(self, node: Arith) -> AV:
        a, b = self.expr(node.left), self.expr(node.right)
        if node.op == "+":
            return AV.num(a.lo + b.lo, a.hi + b.hi)
        if node.op == "-":
            return AV.num(a.lo - b.hi, a.hi - b.lo)
        if node.op == "*":
            products = [_mul(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
            return AV.num(min(products), max(products))
        if b.lo <= 0 <= b.hi:
            return TOP  # may divide by (nearly) zero: anything
        q = [x / y for x in (a.lo, a.hi) for y in (b.lo, b.hi) if not (math.isinf(x) and math.isinf(y))]
        return AV.num(min(q), max(q)) if len(q) == 4 else TOP

    def func(self, node: Func) -> AV:
        vals = [self.expr(a) for a in node.args]
        if node.fn == "min":
            return AV.num(min(v.lo for v in vals), min(v.hi for v in vals))
        if node.fn == "max":
            return AV.num(max(v.lo for v in vals), max(v.hi for v in vals))
        v = vals[0]
        if node.fn == "abs":
            if v.lo >= 0:
                return v
            if v.hi <= 0:
                return AV.num(-v.hi, -v.lo)
            return AV.num(0, max(-v.lo, v.hi))
        return AV.num(math.floor(v.lo), math.ceil(v.hi)) if math.isfinite(v.lo) and math.isfinite(v.hi) else TOP

    def plays(self, node: Plays) -> AV:
        r = self.reach
        live = node.index in r.moves
        if node.fn in {"played", "ordered"}:
            return AV.flag(live, True)
        if node.fn == "revealed":
            return AV.flag(live and self.deck.moves[node.index].secret, True)
        if node.fn in {"count", "succeeded"}:
            return AV.num(0, r.turns * 10 if live else 0)
        return AV.num(0 if live else NEVER_SINCE, NEVER_SINCE)  # since()


def chance(ev: Interpreter, const: float | None, node: Node | None) -> AV:
    """A chance's range, clipped to 0..1: a fixed one, or an expression's."""
    if node is not None:
        v = ev.expr(node)
        return AV.num(max(0.0, min(1.0, v.lo)), max(0.0, min(1.0, v.hi)))
    value = float(const or 0.0)
    return AV.num(value, value)


__all__ = ["AV", "TOP", "Interpreter", "Reach", "chance", "compare"]
