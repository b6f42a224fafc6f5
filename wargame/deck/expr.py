"""The deck expression language: a small whitelisted grammar compiled to closures.

Conditions (`tension >= 7 and not flags.icbm_moratorium`), numbers (`0.5 + 0.1 *
count('icbm-test')`) and effects (`us.standing -= 1`) are parsed with `ast.parse` and
checked node by node against a whitelist; deck text never reaches `eval` or `exec`.
Each expression is compiled once, at load time, to a plain closure over the engine's
flat state (see `wargame.engine.state.State`), so the turn loop runs no parser.

Names an expression may use:

- a global track (``tension``), an actor's track (``dprk.capability``), a flag
  (``flags.icbm_moratorium``), ``turn`` (1-based, the turn being resolved) and ``turns``;
- ``true`` / ``false`` (``True`` / ``False`` also work);
- functions ``played(id)``, ``count(id)`` (times resolved, success or not),
  ``succeeded(id)`` (times its chance roll succeeded), ``since(id)`` (turns since the move was last
  played; 99 if never), ``ordered(id)`` (ordered by anyone this turn), ``revealed(id)``,
  ``fired(id)`` (an event has fired), ``min``, ``max``, ``abs``, ``round``.

A condition counts as 1 or 0 in arithmetic, so ``2 + 2 * (tension >= 6)`` is 4 in a
crisis and 2 otherwise.

Effects are ``target = expr``, ``target += expr``, ``target -= expr`` (targets: a track,
an actor's track or a flag) and ``reveal(id)``, which reveals a secret move's plays.

Besides the closure, `compile_expression` and `compile_effect_code` keep a small
intermediate form (`Node`, `EffectNode`) and what the expression reads (`Reads`): the
secrecy rules check what a seat may know from them, and `wargame.deck.describe` turns
them into plain words without parsing again.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from wargame.errors import ExpressionError

Kind = Literal["num", "bool"]
Fn = Callable[[Any], Any]
"""A compiled expression: takes the engine's `State`, returns a number or a bool."""
Effect = Callable[[Any], None]
"""A compiled effect: takes the engine's `State` and changes it."""

MAX_EXPR_LENGTH = 2000
MAX_NUMBER = 1e12
"""Largest number an expression may write; keeps arithmetic on tracks finite."""
NEVER_SINCE = 99


@dataclass
class Scope:
    """Everything an expression may name, with the slot each name lives in."""

    tracks: dict[str, int] = field(default_factory=dict)
    """Global track id to its slot in `State.v`."""
    actor_tracks: dict[str, dict[str, int]] = field(default_factory=dict)
    """Actor id to (track id to slot in `State.v`)."""
    bounds: dict[int, tuple[float, float]] = field(default_factory=dict)
    """Slot to (min, max) of its track."""
    flags: dict[str, int] = field(default_factory=dict)
    """Flag name to its slot in `State.f`."""
    moves: dict[str, int] = field(default_factory=dict)
    """Move id to its index."""
    events: dict[str, int] = field(default_factory=dict)
    """Event id to its index."""


# -- the intermediate form kept for secrecy checks and plain-word descriptions ----------


@dataclass(frozen=True, slots=True)
class Reads:
    """Everything an expression looks at, to decide who may see its result."""

    slots: frozenset[int] = frozenset()
    """Track slots (global and actor tracks) in `State.v`."""
    flags: frozenset[int] = frozenset()
    """Flag slots in `State.f`."""
    moves: frozenset[str] = frozenset()
    """Moves whose plays or orders it reads: `played`, `count`, `succeeded`, `since`, `ordered`."""
    revealed: frozenset[str] = frozenset()
    """Moves whose public reveal it reads (`revealed`): every seat learns of a reveal, so
    reading it needs no secret; kept apart from `moves` for that reason."""
    events: frozenset[str] = frozenset()
    """Events it asks about with `fired` (firing is public news)."""
    turn: bool = False
    """Whether it reads `turn` (the turn being resolved)."""

    def __or__(self, other: Reads) -> Reads:
        if not other:
            return self
        if not self:
            return other
        return Reads(
            self.slots | other.slots,
            self.flags | other.flags,
            self.moves | other.moves,
            self.revealed | other.revealed,
            self.events | other.events,
            self.turn or other.turn,
        )

    def __bool__(self) -> bool:
        return bool(self.slots or self.flags or self.moves or self.revealed or self.events or self.turn)

    @staticmethod
    def union(parts: list[Reads]) -> Reads:
        out = NO_READS
        for part in parts:
            out = out | part
        return out


NO_READS = Reads()


@dataclass(frozen=True, slots=True)
class Num:
    value: float


@dataclass(frozen=True, slots=True)
class Truth:
    value: bool


@dataclass(frozen=True, slots=True)
class Track:
    slot: int


@dataclass(frozen=True, slots=True)
class Flag:
    slot: int


@dataclass(frozen=True, slots=True)
class Clock:
    """`turn` (the turn being resolved) or `turns` (the game's length)."""

    which: Literal["turn", "turns"]


MoveFunc = Literal["played", "count", "succeeded", "since", "ordered", "revealed"]


@dataclass(frozen=True, slots=True)
class Plays:
    """A function of a move's history: `played('icbm-test')` and its kin."""

    fn: MoveFunc
    move: str


@dataclass(frozen=True, slots=True)
class Fired:
    event: str


@dataclass(frozen=True, slots=True)
class EventHistory:
    """`count('event-id')` (times it fired) or `since('event-id')` (turns since it last fired)."""

    fn: Literal["count", "since"]
    event: str


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class Logic:
    op: Literal["and", "or"]
    operands: tuple[Node, ...]


CmpOp = Literal["<", "<=", ">", ">=", "==", "!="]


@dataclass(frozen=True, slots=True)
class Compare:
    """`a < b` or a chain `a < b <= c`: `ops[i]` sits between `operands[i]` and `operands[i + 1]`."""

    ops: tuple[CmpOp, ...]
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Arith:
    op: Literal["+", "-", "*", "/"]
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class Func:
    fn: Literal["min", "max", "abs", "round"]
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class IfElse:
    test: Node
    body: Node
    orelse: Node


Node = Num | Truth | Track | Flag | Clock | Plays | Fired | EventHistory | Not | Logic | Compare | Arith | Neg | Func | IfElse
"""An expression in intermediate form (names resolved to slots and ids)."""


@dataclass(frozen=True, slots=True)
class SetTrack:
    slot: int
    value: Node


@dataclass(frozen=True, slots=True)
class ChangeTrack:
    """`track += value` (sign 1) or `track -= value` (sign -1)."""

    slot: int
    sign: Literal[1, -1]
    value: Node


@dataclass(frozen=True, slots=True)
class SetFlag:
    slot: int
    value: Node


@dataclass(frozen=True, slots=True)
class Reveal:
    move: str


EffectNode = SetTrack | ChangeTrack | SetFlag | Reveal


@dataclass(frozen=True, slots=True)
class Expression:
    """A compiled expression with its source, intermediate form and reads."""

    text: str
    fn: Fn
    node: Node
    reads: Reads


@dataclass(frozen=True, slots=True)
class EffectCode:
    """A compiled effect with its source, intermediate form and what its value reads."""

    text: str
    fn: Effect
    node: EffectNode
    reads: Reads


_CMP = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_CMP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


def _comparison(op: ast.cmpop, lf: Fn, rf: Fn, rc: Any, fn: Callable[[Any, Any], bool]) -> Fn:
    # Comparisons with a constant on the right are the common case: skip one call.
    if rc is not None and isinstance(op, ast.GtE):
        return lambda s: lf(s) >= rc
    if rc is not None and isinstance(op, ast.LtE):
        return lambda s: lf(s) <= rc
    if rc is not None and isinstance(op, ast.Gt):
        return lambda s: lf(s) > rc
    if rc is not None and isinstance(op, ast.Lt):
        return lambda s: lf(s) < rc
    return lambda s: fn(lf(s), rf(s))


_TRACK_CMP: dict[type, Callable[[int, Any], Fn]] = {
    ast.GtE: lambda i, c: lambda s: s.v[i] >= c,
    ast.LtE: lambda i, c: lambda s: s.v[i] <= c,
    ast.Gt: lambda i, c: lambda s: s.v[i] > c,
    ast.Lt: lambda i, c: lambda s: s.v[i] < c,
}
"""A track compared with a constant, as `_comparison` does it with the read inlined."""


def _div(a: float, b: float) -> float:
    # Division by zero in a deck expression yields 0 rather than crashing a game.
    try:
        return a / b if b else 0.0
    except OverflowError:  # a huge whole number over a small one; tracks clamp it anyway
        return math.inf if (a > 0) == (b > 0) else -math.inf


def _round(x: float) -> float:
    try:
        return round(x)
    except (OverflowError, ValueError):  # inf and nan have no rounding; effects clamp them
        return x


_BIN: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: _div,
}
_MOVE_FUNCS = {"played", "count", "succeeded", "since", "ordered", "revealed"}
_EVENT_FUNCS = {"fired"}
_NUM_FUNCS = {"min", "max", "abs", "round"}


class _Compiler:
    def __init__(self, scope: Scope, text: str) -> None:
        self.scope = scope
        self.text = text

    def fail(self, message: str) -> ExpressionError:
        return ExpressionError(f"{message} in {self.text!r}")

    # -- expressions -------------------------------------------------------------
    def expr(self, node: ast.AST) -> tuple[Kind, Fn, Any]:
        """Compile a node; returns (kind, closure, constant value or None)."""
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                return "bool", (lambda s, c=value: c), value
            if isinstance(value, int | float):
                if not -MAX_NUMBER <= value <= MAX_NUMBER:  # also false for nan
                    raise self.fail(f"number {value!r} is too large for a deck (at most {MAX_NUMBER:g})")
                return "num", (lambda s, c=value: c), value
            if isinstance(value, str):
                raise self.fail(f"text {value!r} can only name a move or event inside a function")
            raise self.fail(f"unsupported constant {value!r}")
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.BoolOp):
            parts = [self.want(v, "bool") for v in node.values]
            if isinstance(node.op, ast.And):
                if len(parts) == 2:
                    a, b = parts
                    return "bool", (lambda s: a(s) and b(s)), None
                return "bool", (lambda s: all(p(s) for p in parts)), None
            if len(parts) == 2:
                a, b = parts
                return "bool", (lambda s: a(s) or b(s)), None
            return "bool", (lambda s: any(p(s) for p in parts)), None
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                f = self.want(node.operand, "bool")
                read = self.slot_read(node.operand)
                if read is not None and read[0] == "flag":
                    # `not flags.x`, the commonest precondition: one call, not two (hot).
                    return "bool", (lambda s, i=read[1]: not s.f[i]), None
                return "bool", (lambda s: not f(s)), None
            if isinstance(node.op, ast.USub):
                kind, f, const = self.expr(node.operand)
                if kind != "num":
                    raise self.fail("'-' needs a number")
                if const is not None:
                    return "num", (lambda s, c=-const: c), -const
                return "num", (lambda s: -f(s)), None
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand)
            raise self.fail("unsupported operator")
        if isinstance(node, ast.BinOp):
            op = _BIN.get(type(node.op))
            if op is None:
                raise self.fail("only + - * / are allowed")
            a = self.want(node.left, "num")
            b = self.want(node.right, "num")
            if isinstance(node.op, ast.Add):
                return "num", (lambda s: a(s) + b(s)), None
            if isinstance(node.op, ast.Sub):
                return "num", (lambda s: a(s) - b(s)), None
            if isinstance(node.op, ast.Mult):
                return "num", (lambda s: a(s) * b(s)), None
            return "num", (lambda s: _div(a(s), b(s))), None
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            test = self.want(node.test, "bool")
            k1, body, _ = self.expr(node.body)
            k2, orelse, _ = self.expr(node.orelse)
            result: Kind = "bool" if k1 == k2 == "bool" else "num"
            return result, (lambda s: body(s) if test(s) else orelse(s)), None
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(f"{type(node).__name__.lower()} is not allowed")

    def want(self, node: ast.AST, kind: Kind) -> Fn:
        got, f, _ = self.expr(node)
        if kind == "bool" and got != "bool":
            raise self.fail("expected a condition (true or false) but found a number")
        return f

    def name(self, name: str) -> tuple[Kind, Fn, Any]:
        if name in {"true", "True"}:
            return "bool", (lambda s: True), True
        if name in {"false", "False"}:
            return "bool", (lambda s: False), False
        if name == "turn":
            return "num", (lambda s: s.turn), None
        if name == "turns":
            return "num", (lambda s: s.turns), None
        slot = self.scope.tracks.get(name)
        if slot is not None:
            return "num", (lambda s, i=slot: s.v[i]), None
        if name in self.scope.actor_tracks:
            raise self.fail(f"'{name}' is an actor; name one of its tracks, e.g. {name}.<track>")
        if name == "target":
            raise self.fail(_NOT_TARGETED)
        raise self.fail(f"unknown name '{name}'")

    def attribute(self, node: ast.Attribute) -> tuple[Kind, Fn, Any]:
        base = node.value
        if not isinstance(base, ast.Name):
            raise self.fail("only actor.track and flags.name may use a dot")
        if node.attr.startswith("_"):
            raise self.fail(f"'{node.attr}' is not allowed")
        if base.id == "flags":
            slot = self.scope.flags.get(node.attr)
            if slot is None:
                raise self.fail(f"unknown flag '{node.attr}'")
            return "bool", (lambda s, i=slot: s.f[i]), None
        tracks = self.scope.actor_tracks.get(base.id)
        if tracks is None and base.id == "target":
            raise self.fail(_NOT_TARGETED)
        if tracks is None:
            raise self.fail(f"unknown actor '{base.id}'")
        slot = tracks.get(node.attr)
        if slot is None:
            raise self.fail(f"actor '{base.id}' has no track '{node.attr}'")
        return "num", (lambda s, i=slot: s.v[i]), None

    def slot_read(self, node: ast.AST) -> tuple[Literal["track", "flag"], int] | None:
        """("track", slot) or ("flag", slot) when `node` is nothing but a read of one (a
        name `name` and `attribute` compile to `s.v[slot]` or `s.f[slot]`), else None.
        Called on a node that compiled, so it only has to recognise, not check."""
        if isinstance(node, ast.Name):
            if node.id in {"true", "True", "false", "False", "turn", "turns"}:
                return None  # these names come before tracks in `name`
            slot = self.scope.tracks.get(node.id)
            return ("track", slot) if slot is not None else None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and not node.attr.startswith("_"):
            if node.value.id == "flags":
                flag = self.scope.flags.get(node.attr)
                return ("flag", flag) if flag is not None else None
            tracks = self.scope.actor_tracks.get(node.value.id)
            slot = tracks.get(node.attr) if tracks is not None else None
            return ("track", slot) if slot is not None else None
        return None

    def compare(self, node: ast.Compare) -> tuple[Kind, Fn, Any]:
        pairs: list[Fn] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            fn = _CMP.get(type(op))
            if fn is None:
                raise self.fail(f"operator {type(op).__name__} is not allowed")
            lk, lf, _ = self.expr(left)
            rk, rf, rc = self.expr(right)
            if (lk == "bool") != (rk == "bool") and not isinstance(op, ast.Eq | ast.NotEq):
                raise self.fail(f"cannot compare a condition with a number using {_CMP_TEXT[type(op)]}")
            read = self.slot_read(left)
            if read is not None and read[0] == "track" and rc is not None and type(op) in _TRACK_CMP:
                # `track >= 3` and the like: the track read inside the comparison, one call (hot).
                pairs.append(_TRACK_CMP[type(op)](read[1], rc))
            else:
                pairs.append(_comparison(op, lf, rf, rc, fn))
            left = right
        if len(pairs) == 1:
            return "bool", pairs[0], None
        return "bool", (lambda s: all(p(s) for p in pairs)), None

    def call(self, node: ast.Call) -> tuple[Kind, Fn, Any]:
        if isinstance(node.func, ast.Attribute):
            raise self.fail(f"calling a method ('.{node.func.attr}()') is not allowed")
        if not isinstance(node.func, ast.Name):
            raise self.fail("only the listed functions may be called")
        name = node.func.id
        if node.keywords:
            raise self.fail(f"{name}() takes no keyword arguments")
        if name in _MOVE_FUNCS or name in _EVENT_FUNCS:
            if len(node.args) != 1 or not (
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            ):
                raise self.fail(f"{name}() takes one quoted id, e.g. {name}('icbm-test')")
            ident = node.args[0].value
            idx = self.scope.moves.get(ident)
            ev = self.scope.events.get(ident)
            if name in _EVENT_FUNCS:
                if ev is None:
                    if idx is not None:
                        raise self.fail(f"'{ident}' is a move, not an event: use played('{ident}') for a move")
                    raise self.fail(f"unknown event '{ident}'{_suggest(ident, self.scope.events)}")
                return "bool", (lambda s, i=ev: s.fired[i] > 0), None
            if idx is None and ev is not None:
                # An id that names only an event: since() and count() read its firings.
                if name == "since":
                    return "num", (
                        lambda s, i=ev: NEVER_SINCE if s.fired_last[i] < 0 else min(NEVER_SINCE, s.turn - s.fired_last[i])
                    ), None
                if name == "count":
                    return "num", (lambda s, i=ev: s.fired[i]), None
                raise self.fail(
                    f"'{ident}' is an event, not a move: {name}() reads moves; for an event use "
                    f"fired('{ident}'), count('{ident}') or since('{ident}')"
                )
            if idx is None:
                raise self.fail(f"unknown move '{ident}'{_suggest(ident, self.scope.moves)}")
            if name == "played":
                return "bool", (lambda s, i=idx: s.counts[i] > 0), None
            if name == "count":
                return "num", (lambda s, i=idx: s.counts[i]), None
            if name == "succeeded":
                return "num", (lambda s, i=idx: s.wins[i]), None
            if name == "ordered":
                return "bool", (lambda s, i=idx: s.ordered[i]), None
            if name == "revealed":
                return "bool", (lambda s, i=idx: s.revealed[i]), None
            return "num", (
                lambda s, i=idx: NEVER_SINCE if s.last[i] < 0 else min(NEVER_SINCE, s.turn - s.last[i])
            ), None
        if name in _NUM_FUNCS:
            args = [self.want_num(a) for a in node.args]
            if name in {"min", "max"}:
                if len(args) < 2:
                    raise self.fail(f"{name}() needs at least two numbers")
                f = min if name == "min" else max
                return "num", (lambda s: f(a(s) for a in args)), None
            if len(args) != 1:
                raise self.fail(f"{name}() takes one number")
            (a,) = args
            if name == "abs":
                return "num", (lambda s: abs(a(s))), None
            return "num", (lambda s: _round(a(s))), None
        raise self.fail(f"unknown function '{name}'")

    def want_num(self, node: ast.AST) -> Fn:
        _kind, f, _ = self.expr(node)
        return f

    # -- effects -------------------------------------------------------------------
    def target(self, node: ast.AST) -> tuple[str, int]:
        """Returns ('track', slot) or ('flag', slot)."""
        if isinstance(node, ast.Name):
            if node.id in {"turn", "turns"}:
                raise self.fail(f"'{node.id}' cannot be changed")
            slot = self.scope.tracks.get(node.id)
            if slot is None:
                raise self.fail(f"unknown track '{node.id}'")
            return "track", slot
        if isinstance(node, ast.Attribute):
            _kind, _f, _ = self.attribute(node)
            assert isinstance(node.value, ast.Name)
            if node.value.id == "flags":
                return "flag", self.scope.flags[node.attr]
            return "track", self.scope.actor_tracks[node.value.id][node.attr]
        raise self.fail("the left side must be a track, actor.track or flags.name")

    def effect(self, stmt: ast.stmt) -> Effect:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            if isinstance(call.func, ast.Name) and call.func.id == "reveal":
                if len(call.args) != 1 or not (
                    isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)
                ):
                    raise self.fail("reveal() takes one quoted move id")
                idx = self.scope.moves.get(call.args[0].value)
                if idx is None:
                    raise self.fail(f"unknown move '{call.args[0].value}'")

                def reveal(s: Any, i: int = idx) -> None:
                    s.reveal_requests.append(i)

                return reveal
            raise self.fail("the only effect that is a call is reveal('move-id')")
        if isinstance(stmt, ast.Assign):
            if len(stmt.targets) != 1:
                raise self.fail("assign one target at a time")
            kind, slot = self.target(stmt.targets[0])
            if kind == "flag":
                value = self.want(stmt.value, "bool")

                def set_flag(s: Any, i: int = slot, f: Fn = value) -> None:
                    s.f[i] = bool(f(s))

                return set_flag
            vkind, value, _ = self.expr(stmt.value)
            if vkind != "num":
                raise self.fail("a track must be set to a number")
            lo, hi = self.scope.bounds[slot]

            # Every clamp below is written so that nan lands on `lo` (min/max would keep nan).
            def set_track(s: Any, i: int = slot, f: Fn = value, lo: float = lo, hi: float = hi) -> None:
                x = f(s)
                s.v[i] = hi if x > hi else x if x >= lo else lo  # noqa: FURB136 (max() would keep nan)

            return set_track
        if isinstance(stmt, ast.AugAssign):
            kind, slot = self.target(stmt.target)
            if kind == "flag":
                raise self.fail("flags can only be set with '=' to true or false")
            if not isinstance(stmt.op, ast.Add | ast.Sub):
                raise self.fail("only += and -= may change a track")
            _vk, value, const = self.expr(stmt.value)
            lo, hi = self.scope.bounds[slot]
            sign = 1 if isinstance(stmt.op, ast.Add) else -1
            if const is not None:
                delta = sign * const

                def add_const(s: Any, i: int = slot, d: float = delta, lo: float = lo, hi: float = hi) -> None:
                    x = s.v[i] + d
                    s.v[i] = hi if x > hi else x if x >= lo else lo  # noqa: FURB136 (max() would keep nan)

                return add_const

            def add(s: Any, i: int = slot, f: Fn = value, k: int = sign, lo: float = lo, hi: float = hi) -> None:
                x = s.v[i] + k * f(s)
                s.v[i] = hi if x > hi else x if x >= lo else lo  # noqa: FURB136 (max() would keep nan)

            return add
        raise self.fail("an effect must look like 'track += 1', 'flags.x = true' or reveal('id')")


_ALLOWED_NODES = (
    ast.Expression, ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.Constant, ast.Name,
    ast.Attribute, ast.BoolOp, ast.UnaryOp, ast.BinOp, ast.Compare, ast.IfExp, ast.Call,
    ast.keyword, ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop,
)
"""Node types the compiler knows; operators are checked there, with a precise message."""

_NODE_WORDS: dict[type, str] = {
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.Subscript: "indexing with [...]",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.Starred: "'*'",
    ast.JoinedStr: "an f-string",
    ast.NamedExpr: "':='",
    ast.Import: "import",
    ast.ImportFrom: "import",
}


_NOT_TARGETED = "'target' (the actor a move is aimed at) works only in a move with `targets`"


def _suggest(name: str, known: Any) -> str:
    """`, did you mean 'x'?` for a near miss among `known` names, else nothing."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


_SINGLE_EQUALS = re.compile(r"(?<![=<>!+\-*/])=(?!=)")


def syntax_hint(text: str, mode: Literal["eval", "exec"]) -> str:
    """A likely fix for a syntax error, in the words of someone who knows other languages."""
    if "&&" in text:
        return "; did you mean 'and' instead of '&&'?"
    if "||" in text:
        return "; did you mean 'or' instead of '||'?"
    if re.search(r"!(?!=)", text):
        return "; did you mean 'not' instead of '!'?"
    if mode == "eval" and _SINGLE_EQUALS.search(text):
        return "; did you mean '==' to compare? ('=' sets a value, and only in effects)"
    if mode == "exec" and len(_SINGLE_EQUALS.findall(text)) > 1:
        return "; an effect sets one thing: write one effect per string, and '==' to compare"
    return ""


def _screen(tree: ast.AST, text: str) -> None:
    """Reject anything outside the grammar before compiling, wherever it is nested.

    The compiler would reject it too, but only when it reaches it; screening first gives
    the precise reason (`lambda is not allowed`, not `only the listed functions ...`).
    """
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name is not None and name.startswith("_"):
            raise ExpressionError(f"'{name}' is not allowed (no name may start with '_') in {text!r}")
        if not isinstance(node, _ALLOWED_NODES):
            word = _NODE_WORDS.get(type(node), type(node).__name__.lower())
            raise ExpressionError(f"{word} is not allowed in {text!r}")


def _parse(text: str, mode: Literal["eval", "exec"]) -> ast.AST:
    if not isinstance(text, str):
        raise ExpressionError(f"expected an expression as text, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("empty expression")
    if len(text) > MAX_EXPR_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_EXPR_LENGTH} characters")
    try:
        tree = ast.parse(text.strip(), mode=mode)
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"syntax error{col} in {text!r}{syntax_hint(text, mode)}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError(f"cannot parse {text!r}") from None
    _screen(tree, text)
    return tree


def _compile(text: str, scope: Scope, kind: Kind) -> tuple[ast.Expression, Fn]:
    tree = _parse(text, "eval")
    assert isinstance(tree, ast.Expression)
    compiler = _Compiler(scope, text)
    try:
        got, fn, _ = compiler.expr(tree.body)
    except RecursionError:
        raise ExpressionError(f"expression nested too deeply: {text[:60]!r}") from None
    if kind == "bool" and got != "bool":
        raise compiler.fail("expected a condition (true or false) but found a number")
    return tree, fn


def compile_expr(text: str, scope: Scope, kind: Kind) -> Fn:
    """Compile a condition (kind 'bool') or a number (kind 'num') to a closure.

    Raises `ExpressionError` for anything outside the grammar.
    """
    return _compile(text, scope, kind)[1]


def compile_expression(text: str, scope: Scope, kind: Kind) -> Expression:
    """Like `compile_expr`, keeping the intermediate form and what the expression reads."""
    tree, fn = _compile(text, scope, kind)
    lower = _Lower(scope)
    try:
        node = lower.expr(tree.body)
    except RecursionError:  # pragma: no cover - the compiler above recursed as deep
        raise ExpressionError(f"expression nested too deeply: {text[:60]!r}") from None
    return Expression(text, fn, node, lower.reads())


def _compile_effect(text: str, scope: Scope) -> tuple[ast.stmt, Effect]:
    tree = _parse(text, "exec")
    assert isinstance(tree, ast.Module)
    compiler = _Compiler(scope, text)
    if len(tree.body) != 1:
        raise compiler.fail("write one effect per string")
    try:
        return tree.body[0], compiler.effect(tree.body[0])
    except RecursionError:
        raise ExpressionError(f"expression nested too deeply: {text[:60]!r}") from None


def compile_effect(text: str, scope: Scope) -> Effect:
    """Compile one effect statement to a closure that changes the state in place."""
    return _compile_effect(text, scope)[1]


def compile_effect_code(text: str, scope: Scope) -> EffectCode:
    """Like `compile_effect`, keeping the intermediate form and what its value reads."""
    stmt, fn = _compile_effect(text, scope)
    lower = _Lower(scope)
    try:
        node = lower.effect(stmt)
    except RecursionError:  # pragma: no cover - the compiler above recursed as deep
        raise ExpressionError(f"expression nested too deeply: {text[:60]!r}") from None
    return EffectCode(text, fn, node, lower.reads())


_CMP_OPS: dict[type, CmpOp] = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_ARITH_OPS: dict[type, Literal["+", "-", "*", "/"]] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class _Lower:
    """Turns an AST the compiler has accepted into the intermediate form, noting what it reads.

    It runs only after `_Compiler` succeeded, so it can trust the tree's shape and names.
    """

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.slots: set[int] = set()
        self.flags: set[int] = set()
        self.moves: set[str] = set()
        self.revealed: set[str] = set()
        self.events: set[str] = set()
        self.turn = False

    def reads(self) -> Reads:
        if not (self.slots or self.flags or self.moves or self.revealed or self.events or self.turn):
            return NO_READS
        return Reads(
            frozenset(self.slots), frozenset(self.flags), frozenset(self.moves),
            frozenset(self.revealed), frozenset(self.events), self.turn,
        )

    def expr(self, node: ast.AST) -> Node:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return Truth(node.value)
            assert isinstance(node.value, int | float)
            return Num(node.value)
        if isinstance(node, ast.Name):
            if node.id in {"true", "True", "false", "False"}:
                return Truth(node.id in {"true", "True"})
            if node.id == "turn":
                self.turn = True
                return Clock("turn")
            if node.id == "turns":
                return Clock("turns")
            slot = self.scope.tracks[node.id]
            self.slots.add(slot)
            return Track(slot)
        if isinstance(node, ast.Attribute):
            assert isinstance(node.value, ast.Name)
            if node.value.id == "flags":
                slot = self.scope.flags[node.attr]
                self.flags.add(slot)
                return Flag(slot)
            slot = self.scope.actor_tracks[node.value.id][node.attr]
            self.slots.add(slot)
            return Track(slot)
        if isinstance(node, ast.BoolOp):
            return Logic("and" if isinstance(node.op, ast.And) else "or", tuple(self.expr(v) for v in node.values))
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand)
            if isinstance(node.op, ast.Not):
                return Not(operand)
            if isinstance(node.op, ast.USub):
                return Num(-operand.value) if isinstance(operand, Num) else Neg(operand)
            return operand  # unary +
        if isinstance(node, ast.BinOp):
            return Arith(_ARITH_OPS[type(node.op)], self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.Compare):
            operands = (self.expr(node.left), *(self.expr(c) for c in node.comparators))
            return Compare(tuple(_CMP_OPS[type(op)] for op in node.ops), operands)
        if isinstance(node, ast.IfExp):
            return IfElse(self.expr(node.test), self.expr(node.body), self.expr(node.orelse))
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            name = node.func.id
            if name in _MOVE_FUNCS or name in _EVENT_FUNCS:
                arg = node.args[0]
                assert isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                if name == "fired":
                    self.events.add(arg.value)
                    return Fired(arg.value)
                if arg.value not in self.scope.moves:  # an event's count() or since()
                    self.events.add(arg.value)
                    return EventHistory(name, arg.value)  # type: ignore[arg-type]
                (self.revealed if name == "revealed" else self.moves).add(arg.value)
                return Plays(name, arg.value)  # type: ignore[arg-type]
            return Func(name, tuple(self.expr(a) for a in node.args))  # type: ignore[arg-type]
        raise AssertionError(f"the compiler accepted a {type(node).__name__}")  # pragma: no cover

    def target(self, node: ast.AST) -> tuple[Literal["track", "flag"], int]:
        if isinstance(node, ast.Name):
            return "track", self.scope.tracks[node.id]
        assert isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        if node.value.id == "flags":
            return "flag", self.scope.flags[node.attr]
        return "track", self.scope.actor_tracks[node.value.id][node.attr]

    def effect(self, stmt: ast.stmt) -> EffectNode:
        if isinstance(stmt, ast.Expr):
            assert isinstance(stmt.value, ast.Call)
            arg = stmt.value.args[0]
            assert isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            return Reveal(arg.value)
        if isinstance(stmt, ast.Assign):
            kind, slot = self.target(stmt.targets[0])
            value = self.expr(stmt.value)
            return SetFlag(slot, value) if kind == "flag" else SetTrack(slot, value)
        assert isinstance(stmt, ast.AugAssign)
        _kind, slot = self.target(stmt.target)
        return ChangeTrack(slot, 1 if isinstance(stmt.op, ast.Add) else -1, self.expr(stmt.value))


def reads_of(node: Node | EffectNode) -> Reads:
    """What an expression or effect in intermediate form reads (an effect: its value)."""
    slots: set[int] = set()
    flags: set[int] = set()
    moves: set[str] = set()
    revealed: set[str] = set()
    events: set[str] = set()
    turn = False
    stack: list[Node | EffectNode] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Track):
            slots.add(n.slot)
        elif isinstance(n, Flag):
            flags.add(n.slot)
        elif isinstance(n, Clock):
            turn = turn or n.which == "turn"
        elif isinstance(n, Plays):
            (revealed if n.fn == "revealed" else moves).add(n.move)
        elif isinstance(n, Fired | EventHistory):
            events.add(n.event)
        elif isinstance(n, Not | Neg):
            stack.append(n.operand)
        elif isinstance(n, Logic | Compare):
            stack.extend(n.operands)
        elif isinstance(n, Func):
            stack.extend(n.args)
        elif isinstance(n, Arith):
            stack += [n.left, n.right]
        elif isinstance(n, IfElse):
            stack += [n.test, n.body, n.orelse]
        elif isinstance(n, SetTrack | ChangeTrack | SetFlag):
            stack.append(n.value)
    if not (slots or flags or moves or revealed or events or turn):
        return NO_READS
    return Reads(frozenset(slots), frozenset(flags), frozenset(moves), frozenset(revealed), frozenset(events), turn)
