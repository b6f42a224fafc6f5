"""The deck expression language: a small whitelisted grammar, parsed once into the IR.

Conditions (`tension >= 7 and not flags.icbm_moratorium`), numbers (`0.5 + 0.1 *
count('icbm-test')`) and effects (`us.standing -= 1`) are parsed with `ast.parse`,
checked node by node against a whitelist and turned into the one intermediate form
(`wargame.deck.ir`), names resolved to the engine's slots. Everything else works on that
form: `wargame.deck.codegen` compiles it to a flat function for the turn loop, and lint,
the secrecy rules, the describer and the debrief read it. Deck text never reaches `eval`
or `exec`.

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
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from wargame.deck import codegen, pyparse
from wargame.deck.codegen import Effect, Fn
from wargame.deck.ir import (
    EVENT_FUNCS,
    MOVE_FUNCS,
    NEVER_SINCE,
    NO_READS,
    NUM_FUNCS,
    Arith,
    ArithOp,
    ChangeTrack,
    Clock,
    CmpOp,
    Compare,
    EffectNode,
    EventHistory,
    Fired,
    Flag,
    Func,
    IfElse,
    Kind,
    Logic,
    Neg,
    Node,
    Not,
    Num,
    Plays,
    Reads,
    Reveal,
    SetFlag,
    SetTrack,
    Track,
    Truth,
    reads_of,
)
from wargame.errors import ExpressionError

MAX_EXPR_LENGTH = 2000
MAX_NUMBER = 1e12
"""Largest number an expression may write; keeps arithmetic on tracks finite."""


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


@dataclass(frozen=True, slots=True)
class Expression:
    """A compiled expression: its source, its intermediate form, what it reads and its function."""

    text: str
    fn: Fn
    node: Node
    reads: Reads


@dataclass(frozen=True, slots=True)
class EffectCode:
    """A compiled effect: its source, its intermediate form, what its value reads and its function."""

    text: str
    fn: Effect
    node: EffectNode
    reads: Reads


_CMP_OPS: dict[type, CmpOp] = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_ARITH_OPS: dict[type, ArithOp] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class _Parser:
    """Checks an expression's syntax tree against the grammar and the deck's names, and
    builds its intermediate form. Every message names the expression."""

    def __init__(self, scope: Scope, text: str) -> None:
        self.scope = scope
        self.text = text

    def fail(self, message: str) -> ExpressionError:
        return ExpressionError(f"{message} in {self.text!r}")

    # -- expressions -------------------------------------------------------------
    def expr(self, node: ast.AST) -> tuple[Kind, Node]:
        """A node's kind (number or condition) and intermediate form."""
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                return "bool", Truth(value)
            if isinstance(value, int | float):
                if not -MAX_NUMBER <= value <= MAX_NUMBER:  # also false for nan
                    raise self.fail(f"number {value!r} is too large for a deck (at most {MAX_NUMBER:g})")
                return "num", Num(value)
            if isinstance(value, str):
                raise self.fail(f"text {value!r} can only name a move or event inside a function")
            raise self.fail(f"unsupported constant {value!r}")
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.BoolOp):
            parts = tuple(self.want(v, "bool") for v in node.values)
            return "bool", Logic("and" if isinstance(node.op, ast.And) else "or", parts)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return "bool", Not(self.want(node.operand, "bool"))
            if isinstance(node.op, ast.USub):
                kind, operand = self.expr(node.operand)
                if kind != "num":
                    raise self.fail("'-' needs a number")
                return "num", Num(-operand.value) if isinstance(operand, Num) else Neg(operand)
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand)
            raise self.fail("unsupported operator")
        if isinstance(node, ast.BinOp):
            op = _ARITH_OPS.get(type(node.op))
            if op is None:
                raise self.fail("only + - * / are allowed")
            left = self.want(node.left, "num")
            return "num", Arith(op, left, self.want(node.right, "num"))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            test = self.want(node.test, "bool")
            k1, body = self.expr(node.body)
            k2, orelse = self.expr(node.orelse)
            return ("bool" if k1 == k2 == "bool" else "num"), IfElse(test, body, orelse)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(f"{type(node).__name__.lower()} is not allowed")

    def want(self, node: ast.AST, kind: Kind) -> Node:
        """A node that must be a condition (`bool`); a number (`num`) may be either."""
        got, out = self.expr(node)
        if kind == "bool" and got != "bool":
            raise self.fail("expected a condition (true or false) but found a number")
        return out

    def name(self, name: str) -> tuple[Kind, Node]:
        if name in {"true", "True"}:
            return "bool", Truth(True)
        if name in {"false", "False"}:
            return "bool", Truth(False)
        if name in {"turn", "turns"}:
            return "num", Clock("turn" if name == "turn" else "turns")
        slot = self.scope.tracks.get(name)
        if slot is not None:
            return "num", Track(slot)
        if name in self.scope.actor_tracks:
            raise self.fail(f"'{name}' is an actor; name one of its tracks, e.g. {name}.<track>")
        if name == "target":
            raise self.fail(_NOT_TARGETED)
        if name in self.scope.flags:
            raise self.fail(f"'{name}' is a flag; write flags.{name}")
        owners = [a for a, tracks in self.scope.actor_tracks.items() if name in tracks]
        if owners:
            raise self.fail(f"'{name}' is an actor's track; write ACTOR.{name} (e.g. {owners[0]}.{name})")
        known = [*self.scope.tracks, *self.scope.actor_tracks, "turn", "turns", "true", "false"]
        raise self.fail(f"unknown name '{name}'{suggest(name, known)}")

    def attribute(self, node: ast.Attribute) -> tuple[Kind, Node]:
        base = node.value
        if not isinstance(base, ast.Name):
            raise self.fail("only actor.track and flags.name may use a dot")
        if node.attr.startswith("_"):
            raise self.fail(f"'{node.attr}' is not allowed")
        if base.id == "flags":
            slot = self.scope.flags.get(node.attr)
            if slot is None:
                raise self.fail(f"unknown flag '{node.attr}'{suggest(node.attr, self.scope.flags)}")
            return "bool", Flag(slot)
        tracks = self.scope.actor_tracks.get(base.id)
        if tracks is None and base.id == "target":
            raise self.fail(_NOT_TARGETED)
        if tracks is None:
            raise self.fail(f"unknown actor '{base.id}'{suggest(base.id, [*self.scope.actor_tracks, 'flags'])}")
        slot = tracks.get(node.attr)
        if slot is None:
            raise self.fail(f"actor '{base.id}' has no track '{node.attr}'{suggest(node.attr, tracks)}")
        return "num", Track(slot)

    def compare(self, node: ast.Compare) -> tuple[Kind, Node]:
        ops: list[CmpOp] = []
        operands: list[Node] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            symbol = _CMP_OPS.get(type(op))
            if symbol is None:
                raise self.fail(f"operator {type(op).__name__} is not allowed")
            lk, left_node = self.expr(left)
            rk, right_node = self.expr(right)
            if (lk == "bool") != (rk == "bool") and symbol not in {"==", "!="}:
                raise self.fail(f"cannot compare a condition with a number using {symbol}")
            if not operands:
                operands.append(left_node)
            operands.append(right_node)
            ops.append(symbol)
            left = right
        return "bool", Compare(tuple(ops), tuple(operands))

    def call(self, node: ast.Call) -> tuple[Kind, Node]:
        if isinstance(node.func, ast.Attribute):
            raise self.fail(f"calling a method ('.{node.func.attr}()') is not allowed")
        if not isinstance(node.func, ast.Name):
            raise self.fail("only the listed functions may be called")
        name = node.func.id
        if node.keywords:
            raise self.fail(f"{name}() takes no keyword arguments")
        if name in MOVE_FUNCS or name in EVENT_FUNCS:
            if len(node.args) != 1 or not (
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            ):
                raise self.fail(f"{name}() takes one quoted id, e.g. {name}('icbm-test')")
            ident = node.args[0].value
            idx = self.scope.moves.get(ident)
            ev = self.scope.events.get(ident)
            if name in EVENT_FUNCS:
                if ev is None:
                    if idx is not None:
                        raise self.fail(f"'{ident}' is a move, not an event: use played('{ident}') for a move")
                    raise self.fail(f"unknown event '{ident}'{suggest(ident, self.scope.events)}")
                return "bool", Fired(ident, ev)
            if idx is None and ev is not None:
                # An id that names only an event: since() and count() read its firings.
                if name in {"since", "count"}:
                    return "num", EventHistory("since" if name == "since" else "count", ident, ev)
                raise self.fail(
                    f"'{ident}' is an event, not a move: {name}() reads moves; for an event use "
                    f"fired('{ident}'), count('{ident}') or since('{ident}')"
                )
            if idx is None:
                raise self.fail(f"unknown move '{ident}'{suggest(ident, self.scope.moves)}")
            plays = Plays(name, ident, idx)  # type: ignore[arg-type]  # one of MOVE_FUNCS
            return ("bool" if name in {"played", "ordered", "revealed"} else "num"), plays
        if name in NUM_FUNCS:
            args = tuple(self.expr(a)[1] for a in node.args)
            if name in {"min", "max"}:
                if len(args) < 2:
                    raise self.fail(f"{name}() needs at least two numbers")
            elif len(args) != 1:
                raise self.fail(f"{name}() takes one number")
            return "num", Func(name, args)  # type: ignore[arg-type]  # one of NUM_FUNCS
        raise self.fail(f"unknown function '{name}'")

    # -- effects -------------------------------------------------------------------
    def target(self, node: ast.AST) -> tuple[Literal["track", "flag"], int]:
        """What an effect changes: ('track', slot) or ('flag', slot)."""
        if isinstance(node, ast.Name):
            if node.id in {"turn", "turns"}:
                raise self.fail(f"'{node.id}' cannot be changed")
            slot = self.scope.tracks.get(node.id)
            if slot is None:
                raise self.fail(f"unknown track '{node.id}'")
            return "track", slot
        if isinstance(node, ast.Attribute):
            _kind, read = self.attribute(node)
            assert isinstance(read, Track | Flag)
            return ("flag" if isinstance(read, Flag) else "track"), read.slot
        raise self.fail("the left side must be a track, actor.track or flags.name")

    def effect(self, stmt: ast.stmt) -> EffectNode:
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
                return Reveal(call.args[0].value, idx)
            raise self.fail("the only effect that is a call is reveal('move-id')")
        if isinstance(stmt, ast.Assign):
            if len(stmt.targets) != 1:
                raise self.fail("assign one target at a time")
            kind, slot = self.target(stmt.targets[0])
            if kind == "flag":
                return SetFlag(slot, self.want(stmt.value, "bool"))
            vkind, value = self.expr(stmt.value)
            if vkind != "num":
                raise self.fail("a track must be set to a number")
            return SetTrack(slot, value)
        if isinstance(stmt, ast.AugAssign):
            kind, slot = self.target(stmt.target)
            if kind == "flag":
                raise self.fail("flags can only be set with '=' to true or false")
            if not isinstance(stmt.op, ast.Add | ast.Sub):
                raise self.fail("only += and -= may change a track")
            _vk, value = self.expr(stmt.value)
            return ChangeTrack(slot, 1 if isinstance(stmt.op, ast.Add) else -1, value)
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


def suggest(name: str, known: Any) -> str:
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


def _unterminated(text: str) -> int | None:
    """The column (from 1) of a quote opened in `text` and never closed (`played('patrol)`),
    if there is one: Python would report the string's end, not its start."""
    quote: str | None = None
    opened = 0
    for i, ch in enumerate(text):
        if quote is None and ch in "'\"":
            quote, opened = ch, i + 1
        elif ch == quote:
            quote = None
    return opened if quote is not None else None


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
        tree = pyparse.parse(text.strip(), mode)
    except SyntaxError as exc:
        opened = _unterminated(text.strip())
        if opened is not None:
            raise ExpressionError(
                f"unterminated string: the quote at column {opened} is never closed in {text!r}") from None
        col = f" at column {exc.offset}" if exc.offset else ""
        raise ExpressionError(f"syntax error{col} in {text!r}{syntax_hint(text, mode)}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError(f"cannot parse {text!r}") from None
    _screen(tree, text)
    return tree


def parse_expression(text: str, scope: Scope, kind: Kind) -> Node:
    """A condition (kind 'bool') or a number (kind 'num') in intermediate form.

    Raises `ExpressionError` for anything outside the grammar or naming what the deck lacks.
    """
    tree = _parse(text, "eval")
    assert isinstance(tree, ast.Expression)
    parser = _Parser(scope, text)
    try:
        got, node = parser.expr(tree.body)
    except RecursionError:
        raise ExpressionError(f"expression nested too deeply: {text[:60]!r}") from None
    if kind == "bool" and got != "bool":
        raise parser.fail("expected a condition (true or false) but found a number")
    return node


def parse_effect(text: str, scope: Scope) -> EffectNode:
    """One effect statement in intermediate form; raises `ExpressionError`."""
    tree = _parse(text, "exec")
    assert isinstance(tree, ast.Module)
    parser = _Parser(scope, text)
    if len(tree.body) != 1:
        raise parser.fail("write one effect per string")
    try:
        return parser.effect(tree.body[0])
    except RecursionError:
        raise ExpressionError(f"expression nested too deeply: {text[:60]!r}") from None


def compile_expression(text: str, scope: Scope, kind: Kind) -> Expression:
    """Parse a condition (kind 'bool') or a number (kind 'num') once and compile it:
    its text, intermediate form, reads and function. Raises `ExpressionError`."""
    node = parse_expression(text, scope, kind)
    return Expression(text, codegen.compile_expression(node), node, reads_of(node))


def compile_expr(text: str, scope: Scope, kind: Kind) -> Fn:
    """Only the function of `compile_expression`."""
    return compile_expression(text, scope, kind).fn


def compile_effect_code(text: str, scope: Scope) -> EffectCode:
    """Parse one effect once and compile it: its text, intermediate form, what its value
    reads and its function (which changes the state in place). Raises `ExpressionError`."""
    node = parse_effect(text, scope)
    return EffectCode(text, codegen.compile_effect(node, scope.bounds), node, reads_of(node))


def compile_effect(text: str, scope: Scope) -> Effect:
    """Only the function of `compile_effect_code`."""
    return compile_effect_code(text, scope).fn


__all__ = [
    "MAX_EXPR_LENGTH",
    "MAX_NUMBER",
    "NEVER_SINCE",
    "NO_READS",
    "Effect",
    "EffectCode",
    "Expression",
    "Fn",
    "Kind",
    "Reads",
    "Scope",
    "compile_effect",
    "compile_effect_code",
    "compile_expr",
    "compile_expression",
    "parse_effect",
    "parse_expression",
    "suggest",
    "syntax_hint",
]
