"""Deck expressions and effects compiled from the IR to flat Python functions, one each.

The turn loop calls a deck's compiled expressions thousands of times a game. A tree of
nested closures pays a Python call per node; a generated function such as
``def expression(s): v = s.v; return v[3] >= k0 and not s.f[2]`` pays one call in all.

The engine's hot rules are generated the same way, one function per deck or actor: an
actor's availability (`compile_availability`), the events due each turn
(`compile_events`), the endings (`compile_endings`) and each move's resolution on the
state (`compile_resolution`), each the rule the engine writes out in Python
(`wargame.engine.game`), which tests/engine/test_generated_rules.py holds them to.

Deck text never becomes code here. The IR (`wargame.deck.ir`) has been parsed and checked
already, and this module writes the Python source itself from fixed pieces only:
operators and state field names from the tables below, slot and move indices as Python
`int`s that are checked to be exactly that, and every number or truth value
the deck wrote passed in as a closure constant (`k0`, `k1`, ...) from a table, never
spelt into the source. Ids, names and a number's spelling never reach it. The source is
compiled with `compile()` and run with no builtins (the few functions it needs, `min`,
`max`, `abs`, `bool` and two helpers, are handed in); a node that is not of the IR, a constant
that is not a number or an index that is not an `int` raises `TypeError` instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

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

Fn = Callable[[Any], Any]
"""A compiled expression: takes the engine's `State`, returns a number or a bool."""
Effect = Callable[[Any], None]
"""A compiled effect: takes the engine's `State` and changes it."""


def _as_track(value: float) -> int | float:
    """A whole number that meets a track's value, as the float it equals exactly: tracks
    hold floats, and Python compares and adds a float and an int the long way (the
    float's type checked, the int measured and converted, each time)."""
    return float(value) if type(value) is int and abs(value) <= 2**53 else value


def _reads_track(n: Node) -> bool:
    """Whether `n`'s value is a track's (a float) or computed from one."""
    if isinstance(n, Track):
        return True
    if isinstance(n, Num):
        return type(n.value) is float
    if isinstance(n, Arith):
        return _reads_track(n.left) or _reads_track(n.right)
    if isinstance(n, Neg):
        return _reads_track(n.operand)
    if isinstance(n, Func):
        return any(map(_reads_track, n.args))
    if isinstance(n, IfElse):
        return _reads_track(n.body) or _reads_track(n.orelse)
    return False


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


_HELPERS: dict[str, Callable[..., Any]] = {"div": _div, "round_": _round, "min": min, "max": max, "abs": abs, "bool": bool, "float": float, "new": tuple.__new__}
"""The only functions generated code can call, by the names it calls them."""

_FIELDS = ("v", "f", "turn", "turns", "counts", "wins", "last", "ordered", "revealed", "fired", "fired_last")
"""State fields an expression reads, in the order a function loads them into locals."""

_COMPARE = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}
_ARITH = {"+": "+", "-": "-", "*": "*"}
_LOGIC = {"and": " and ", "or": " or "}
_MOVE_LISTS = {"count": "counts", "succeeded": "wins", "ordered": "ordered", "revealed": "revealed"}
_EVENT_LISTS = {"count": "fired"}
_CLOCK = {"turn": "turn", "turns": "turns"}

NEST_LIMIT = 40
"""Parentheses a generated function may nest before a deeper part becomes a function of
its own (Python's parser stops at 200; a deck expression may nest deeper than that)."""


def _known(table: dict[str, str], key: object) -> str:
    """The source text for an operator or function of the IR: only ever one of `table`'s."""
    if not isinstance(key, str) or key not in table:
        raise ValueError(f"{key!r} is not an operator or function of the deck language here")
    return table[key]


def _index(i: object) -> str:
    """A slot or index, written into the source: only ever a non-negative `int`."""
    if type(i) is not int:
        raise TypeError(f"an index in a deck expression must be an int, not {i!r}")
    if i < 0:
        raise ValueError(f"an index in a deck expression cannot be negative ({i})")
    return str(i)


class _Body:
    """One generated function: its expression text and the state fields it reads."""

    def __init__(self) -> None:
        self.fields: set[str] = set()

    def field(self, name: str) -> str:
        self.fields.add(name)
        return name

    def prologue(self) -> list[str]:
        return [f"    {name} = s.{name}" for name in _FIELDS if name in self.fields]


class _Writer:
    """Writes the source of one `_build` function, which returns the compiled function."""

    def __init__(self) -> None:
        self.consts: list[object] = []
        self.helpers: set[str] = set()
        self.parts: list[str] = []
        """Inner functions for parts nested deeper than `NEST_LIMIT`."""
        self.temps = 0

    def const(self, value: object) -> str:
        if type(value) not in {int, float, bool}:
            raise TypeError(f"a constant in a deck expression must be a number or true/false, not {value!r}")
        self.consts.append(value)
        return f"k{len(self.consts) - 1}"

    def helper(self, name: str) -> str:
        self.helpers.add(name)
        return name

    def value(self, value: object) -> str:
        """A value the engine hands a generated rule (a draw's key, a play's fixed fields),
        passed in as a constant like the deck's numbers: never spelt into the source."""
        self.consts.append(value)
        return f"k{len(self.consts) - 1}"

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps - 1}"

    def expr(self, n: Node, body: _Body, level: int = 0, tracked: bool = False) -> str:
        """`n` as a Python expression, every compound part in parentheses. `tracked`: it
        meets a track's value (a float) in arithmetic or a comparison, so a whole number
        in it is written as that float (`_as_track`)."""
        if level >= NEST_LIMIT and not isinstance(n, Num | Truth | Track | Flag | Clock):
            return f"{self.function(n)}(s)"
        deeper = level + 1
        if isinstance(n, Num | Truth):
            if type(n.value) not in ({bool} if isinstance(n, Truth) else {int, float}):
                raise TypeError(f"{type(n).__name__} cannot hold {n.value!r}")
            return self.const(_as_track(n.value) if tracked and isinstance(n, Num) else n.value)
        if isinstance(n, Track):
            return f"{body.field('v')}[{_index(n.slot)}]"
        if isinstance(n, Flag):
            return f"{body.field('f')}[{_index(n.slot)}]"
        if isinstance(n, Clock):
            return body.field(_known(_CLOCK, n.which))
        if isinstance(n, Plays):
            i = _index(n.index)
            if n.fn == "played":
                return f"({body.field('counts')}[{i}] > 0)"
            if n.fn == "since":
                return self.since(body.field("last"), i, body)
            return f"{body.field(_known(_MOVE_LISTS, n.fn))}[{i}]"
        if isinstance(n, Fired):
            return f"({body.field('fired')}[{_index(n.index)}] > 0)"
        if isinstance(n, EventHistory):
            i = _index(n.index)
            if n.fn == "since":
                return self.since(body.field("fired_last"), i, body)
            return f"{body.field(_known(_EVENT_LISTS, n.fn))}[{i}]"
        if isinstance(n, Not):
            return f"(not {self.expr(n.operand, body, deeper)})"
        if isinstance(n, Neg):
            return f"(-{self.expr(n.operand, body, deeper, tracked)})"
        if isinstance(n, Logic):
            if len(n.operands) < 2:
                raise ValueError("and/or needs two or more operands")
            return "(" + _known(_LOGIC, n.op).join(self.expr(o, body, deeper) for o in n.operands) + ")"
        if isinstance(n, Compare):
            if len(n.operands) != len(n.ops) + 1 or not n.ops:
                raise ValueError("a comparison needs one more operand than operators")
            floats = any(map(_reads_track, n.operands))
            text = self.expr(n.operands[0], body, deeper, floats)
            for op, operand in zip(n.ops, n.operands[1:], strict=True):
                text += f" {_known(_COMPARE, op)} {self.expr(operand, body, deeper, floats)}"
            return f"({text})"
        if isinstance(n, Arith):
            floats = tracked or _reads_track(n.left) or _reads_track(n.right)
            left, right = self.expr(n.left, body, deeper, floats), self.expr(n.right, body, deeper, floats)
            if n.op == "/":
                return f"{self.helper('div')}({left}, {right})"
            return f"({left} {_known(_ARITH, n.op)} {right})"
        if isinstance(n, Func):
            floats = tracked or any(map(_reads_track, n.args))
            args = [self.expr(a, body, deeper, floats) for a in n.args]
            if n.fn in {"min", "max"} and len(args) >= 2:
                return f"{self.helper(n.fn)}({', '.join(args)})"
            if n.fn in {"abs", "round"} and len(args) == 1:
                return f"{self.helper('abs' if n.fn == 'abs' else 'round_')}({args[0]})"
            raise ValueError(f"{n.fn!r} with {len(args)} arguments is not a deck function")
        if isinstance(n, IfElse):
            floats = tracked or _reads_track(n.body) or _reads_track(n.orelse)
            return f"({self.expr(n.body, body, deeper, floats)} if {self.expr(n.test, body, deeper)} else {self.expr(n.orelse, body, deeper, floats)})"
        raise TypeError(f"not a deck expression node: {type(n).__name__}")

    def since(self, history: str, i: str, body: _Body) -> str:
        # `min(99, turn - last)` without the call: the difference, kept in a temporary.
        t = self.temp()
        never = _index(NEVER_SINCE)
        return f"({never} if {history}[{i}] < 0 else ({t} if ({t} := {body.field('turn')} - {history}[{i}]) < {never} else {never}))"

    def function(self, n: Node) -> str:
        """A part nested too deep, as an inner function of its own; returns its name."""
        body = _Body()
        text = self.expr(n, body)
        name = f"p{len(self.parts)}"
        self.parts.append("\n".join([f"  def {name}(s):", *("  " + line for line in body.prologue()), f"      return {text}"]))
        return name

    def source(self, main: list[str]) -> str:
        params = [f"k{i}" for i in range(len(self.consts))] + sorted(self.helpers)
        lines = [f"def _build({', '.join(params)}):", *self.parts, *("  " + line for line in main), "  return compiled"]
        return "\n".join(lines) + "\n"

    def build(self, main: list[str]) -> Callable[..., Any]:
        builder = _builder(self.source(main))
        return builder(*self.consts, *(_HELPERS[name] for name in sorted(self.helpers)))  # type: ignore[no-any-return]


@lru_cache(maxsize=4096)
def _builder(source: str) -> Callable[..., Any]:
    """The `_build` function the source defines. Kept by source: expressions differing
    only in their constants share one (the constants are its arguments)."""
    namespace: dict[str, Any] = {"__builtins__": {}}
    exec(compile(source, "<deck expression>", "exec"), namespace)  # noqa: S102 (our own source, see the module docstring)
    return namespace["_build"]  # type: ignore[no-any-return]


def expression_source(node: Node) -> tuple[str, list[object]]:
    """The Python source generated for an expression and its constants (for tests and
    for reading; `compile_expression` compiles the same)."""
    writer, main = _expression(node)
    return writer.source(main), list(writer.consts)


def _expression(node: Node) -> tuple[_Writer, list[str]]:
    writer = _Writer()
    body = _Body()
    text = writer.expr(node, body)
    return writer, ["def compiled(s):", *body.prologue(), f"    return {text}"]


def compile_expression(node: Node) -> Fn:
    """One flat Python function computing `node` on a state."""
    writer, main = _expression(node)
    return writer.build(main)


def _effect(node: EffectNode, bounds: Mapping[int, tuple[float, float]]) -> tuple[_Writer, list[str]]:
    return _effects((node,), bounds)


def _effects(nodes: Sequence[EffectNode], bounds: Mapping[int, tuple[float, float]]) -> tuple[_Writer, list[str]]:
    """One function applying `nodes` in order: each effect's statements one after another,
    so a later one reads what an earlier one changed (the state's lists are the same
    objects the prologue loaded)."""
    writer = _Writer()
    body = _Body()
    lines = [line for node in nodes for line in _effect_lines(node, bounds, writer, body)]
    return writer, ["def compiled(s):", *body.prologue(), *(lines or ["    pass"])]


def _effect_lines(node: EffectNode, bounds: Mapping[int, tuple[float, float]], writer: _Writer, body: _Body) -> list[str]:
    """The statements of one effect."""
    if isinstance(node, Reveal):
        return [f"    s.reveal_requests.append({_index(node.index)})"]
    if isinstance(node, SetFlag):
        value = node.value
        if isinstance(value, Truth):
            text = writer.const(bool(value.value))
        elif isinstance(value, Not | Compare):
            text = writer.expr(value, body)  # already a bool
        else:
            text = f"{writer.helper('bool')}({writer.expr(value, body)})"
        return [f"    {body.field('f')}[{_index(node.slot)}] = {text}"]
    if isinstance(node, SetTrack | ChangeTrack):
        slot = _index(node.slot)
        lo, hi = bounds[node.slot]
        k_lo, k_hi = writer.const(lo), writer.const(hi)
        v = body.field("v")
        if isinstance(node, ChangeTrack) and node.sign not in {1, -1}:
            raise ValueError(f"a change's sign is 1 or -1, not {node.sign!r}")
        if isinstance(node, SetTrack):
            change = writer.expr(node.value, body, tracked=True)
        elif isinstance(node.value, Num | Truth):
            change = f"{v}[{slot}] + {writer.const(_as_track(node.sign * node.value.value) if isinstance(node.value, Num) else node.sign * node.value.value)}"
        else:
            change = f"{v}[{slot}] {'+' if node.sign > 0 else '-'} {writer.expr(node.value, body, tracked=True)}"
        # Written so that nan lands on the lower bound (min/max would keep nan).
        return [f"    x = {change}", f"    {v}[{slot}] = {k_hi} if x > {k_hi} else x if x >= {k_lo} else {k_lo}"]
    raise TypeError(f"not a deck effect node: {type(node).__name__}")


def effect_source(node: EffectNode, bounds: Mapping[int, tuple[float, float]]) -> tuple[str, list[object]]:
    """The Python source generated for an effect and its constants."""
    writer, main = _effect(node, bounds)
    return writer.source(main), list(writer.consts)


def compile_effect(node: EffectNode, bounds: Mapping[int, tuple[float, float]]) -> Effect:
    """One flat Python function applying the effect `node` to a state; `bounds` maps a
    track's slot to its (min, max)."""
    writer, main = _effect(node, bounds)
    return writer.build(main)


def compile_effects(nodes: Sequence[EffectNode], bounds: Mapping[int, tuple[float, float]]) -> Effect:
    """One flat Python function applying the effects `nodes` in order: what applying each
    one's `compile_effect` in turn does, for one call instead of one per effect (a move's
    or an event's effects apply together, every time it resolves)."""
    writer, main = _effects(nodes, bounds)
    return writer.build(main)


AvailabilityRow = tuple[int, bool, int, "int | None", bool, "Node | None"]
"""What the availability rule reads of one move: (move index, once, cooldown, offer gate,
is an answer, precondition in intermediate form)."""


def availability_source(rows: Sequence[AvailabilityRow]) -> tuple[str, list[object]]:
    """The Python source generated for an actor's availability rule and its constants."""
    writer, main = _availability(rows)
    return writer.source(main), list(writer.consts)


def _availability(rows: Sequence[AvailabilityRow]) -> tuple[_Writer, list[str]]:
    writer = _Writer()
    body = _Body()
    lines = []
    offers = False
    for j, (index, once, cooldown, gate, answer, node) in enumerate(rows):
        i = _index(index)
        tests = []
        if once:
            tests.append(f"not {body.field('counts')}[{i}]")
        if cooldown:
            last = body.field("last")
            tests.append(f"({last}[{i}] < 0 or {body.field('turn')} - {last}[{i}] > {writer.const(int(cooldown))})")
        if gate is not None:
            offers = True
            tests.append(f"offers[{_index(gate)}] {'>=' if answer else '<'} 0")
        if node is not None:
            tests.append(writer.expr(node, body))
        take = f"take(ms[{_index(j)}])"
        lines.append(f"    if {' and '.join(tests)}: {take}" if tests else f"    {take}")
    head = ["def compiled(s, ms):", *body.prologue(), *(["    offers = s.offers"] if offers else []), "    out = []", "    take = out.append"]
    return writer, [*head, *lines, "    return out"]


def compile_availability(rows: Sequence[AvailabilityRow]) -> Callable[[Any, Sequence[Any]], list[Any]]:
    """One flat function `compiled(s, ms)`: the items of `ms` (one per row, in order) whose
    move may be ordered in `s`, by the rule `wargame.engine.game.availability` states:
    not a spent once-only move, not cooling down, an offer only while none of it waits and
    an answer only while one does, and its precondition holds, tested in that order."""
    writer, main = _availability(rows)
    return writer.build(main)


EventRow = tuple[int, "int | None", bool, "Node | None"]
"""What the rule for deck events reads of one event: (event index, `at` turn or None,
once, `when` in intermediate form or None)."""


def events_source(rows: Sequence[EventRow]) -> tuple[str, list[object]]:
    """The Python source generated for a deck's events rule and its constants."""
    writer, main = _events(rows)
    return writer.source(main), list(writer.consts)


def _event_due(row: EventRow, writer: _Writer, body: _Body) -> list[str]:
    """The tests of whether an event is due (`events_due`): its `at` turn, not spent if
    once-only, its `when`."""
    index, at, once, node = row
    tests = []
    if at is not None:
        tests.append(f"{body.field('turn')} == {writer.const(int(at))}")
    if once:
        tests.append(f"not {body.field('fired')}[{_index(index)}]")
    if node is not None:
        tests.append(writer.expr(node, body))
    return tests


def _events(rows: Sequence[EventRow]) -> tuple[_Writer, list[str]]:
    writer = _Writer()
    body = _Body()
    lines = []
    for j, row in enumerate(rows):
        tests = _event_due(row, writer, body)
        take = f"fire(es[{_index(j)}])"
        lines.append(f"    if {' and '.join(tests)}: {take}" if tests else f"    {take}")
    return writer, ["def compiled(s, es, fire):", *body.prologue(), *(lines or ["    pass"])]


def compile_events(rows: Sequence[EventRow]) -> Callable[[Any, Sequence[Any], Callable[[Any], None]], None]:
    """One flat function `compiled(s, es, fire)` that calls `fire(es[j])` for each event due,
    in row order, by the rule `wargame.engine.game.events_due` states: on its `at` turn (or
    any turn), not a spent once-only event, and its `when` holds, read when the rule reaches
    it (after the events fired before it: the state's lists are the ones `fire` changes)."""
    writer, main = _events(rows)
    return writer.build(main)


def endings_source(nodes: Sequence[Node]) -> tuple[str, list[object]]:
    """The Python source generated for a deck's endings rule and its constants."""
    writer, main = _endings(nodes)
    return writer.source(main), list(writer.consts)


def _endings(nodes: Sequence[Node]) -> tuple[_Writer, list[str]]:
    writer = _Writer()
    body = _Body()
    lines = [f"    if {writer.expr(node, body)}: return {_index(j)}" for j, node in enumerate(nodes)]
    return writer, ["def compiled(s):", *body.prologue(), *lines, "    return -1"]


def compile_endings(nodes: Sequence[Node]) -> Callable[[Any], int]:
    """One flat function: the position of the first of `nodes` that holds in a state, or
    -1 (the endings a deck checks after every turn, in deck order)."""
    writer, main = _endings(nodes)
    return writer.build(main)


QuietEventRow = tuple[EventRow, "float | None", "Node | None", Sequence[EffectNode], bool, str, bytes]
"""What a quiet game's events rule reads of one event besides its `EventRow`: its constant
chance or None, its chance expression or None, its effects, whether it has weighted
outcomes (fired through `fire` then, the long way), its id and the bytes its roll is
drawn for (`draw(first)`: the dice's `roll`)."""


def quiet_events_source(rows: Sequence[QuietEventRow], bounds: Mapping[int, tuple[float, float]]) -> tuple[str, list[object]]:
    """The Python source generated for a deck's events rule in a quiet game, and its constants."""
    writer, main = _quiet_events(rows, bounds)
    return writer.source(main), list(writer.consts)


def _quiet_events(rows: Sequence[QuietEventRow], bounds: Mapping[int, tuple[float, float]]) -> tuple[_Writer, list[str]]:
    writer = _Writer()
    body = _Body()
    lines = []
    for j, (row, chance_const, chance, effects, outcomes, event_id, first) in enumerate(rows):
        tests = _event_due(row, writer, body)
        index = row[0]
        if outcomes:
            step = [f"    fire(es[{_index(j)}])"]
        else:
            step = _quiet_event_step(index, chance_const, chance, effects, (event_id, first), bounds, writer, body)
            if not step:
                continue  # a chance of 0: it never fires (its tests change nothing)
        if tests:
            lines += [f"    if {' and '.join(tests)}:", *("    " + line for line in step)]
        else:
            lines += step
    return writer, ["def compiled(s, es, fire, draw, ids):", *body.prologue(), *(lines or ["    pass"])]


def _quiet_event_step(index: int, chance_const: float | None, chance: Node | None, effects: Sequence[EffectNode], event: tuple[str, bytes],
                      bounds: Mapping[int, tuple[float, float]], writer: _Writer, body: _Body) -> list[str]:
    """One due event's firing in a quiet game, as `Game._fire_event` does it: its chance (a
    sure one draws nothing), then its counts, effects and id. `event`: its id and its roll's bytes."""
    i = _index(index)
    event_id, first = event
    fire = [f"    {body.field('fired')}[{i}] += 1", f"    {body.field('fired_last')}[{i}] = {body.field('turn')}",
            *(line for node in effects for line in _effect_lines(node, bounds, writer, body)),
            f"    ids.append({writer.value(event_id)})"]
    read, roll = _roll(chance_const, chance, first, writer, body)
    if roll == "False":
        return []  # it never fires
    return [*read, *(fire if roll == "True" else [f"    if {roll}:", *("    " + line for line in fire)])]


def _roll(chance_const: float | None, chance: Node | None, first: bytes, writer: _Writer, body: _Body) -> tuple[list[str], str]:
    """A roll in a quiet game, as `Game._roll` makes it when nothing is forced: the lines
    reading a chance expression into `p` (`_chance`), and the test that the roll succeeds
    (`True` or `False` for a sure chance, which draws nothing)."""
    if chance is not None:
        return _chance(chance, writer, body), f"p >= 1.0 or (p > 0.0 and draw({writer.value(first)}) < p)"
    if chance_const is None or type(chance_const) is not float:
        raise TypeError(f"a chance is a float or an expression, not {chance_const!r}")
    if chance_const <= 0.0:
        return [], "False"
    if chance_const < 1.0:
        return [], f"draw({writer.value(first)}) < {writer.const(chance_const)}"
    return [], "True"


def compile_quiet_events(rows: Sequence[QuietEventRow], bounds: Mapping[int, tuple[float, float]]) -> Callable[..., None]:
    """One flat function `compiled(s, es, fire, draw, ids)`: the events rule
    (`compile_events`) for a quiet game (nothing recorded, told or forced), each due event
    fired inline as `Game._fire_event` does (its chance drawn as `draw(first) < p` unless
    sure, where `first` is the bytes of its roll (`QuietEventRow`), its counts, its effects, its id appended to `ids`); an event with
    weighted outcomes through `fire(es[j])`."""
    writer, main = _quiet_events(rows, bounds)
    return writer.build(main)


MoveRow = tuple[int, "Node | None", "float | None", "Node | None", Sequence[EffectNode], Sequence[EffectNode], Sequence[EffectNode]]
"""What resolving one order reads of its move: (move index, precondition, constant chance
or None, chance expression or None, success, failure and always effects), in
intermediate form."""


def resolution_source(row: MoveRow, bounds: Mapping[int, tuple[float, float]]) -> tuple[str, list[object]]:
    """The Python source generated for resolving one move and its constants."""
    writer, main = _resolution(row, bounds)
    return writer.source(main), list(writer.consts)


def _chance(chance: Node, writer: _Writer, body: _Body) -> list[str]:
    """A chance expression into `p`, as `Game._chance` reads it: a number in [0, 1]; nan
    counts as 0."""
    return [f"    x = {writer.helper('float')}({writer.expr(chance, body)})", "    p = x if 0.0 <= x <= 1.0 else 1.0 if x > 1 else 0.0"]


def _played(row: MoveRow, bounds: Mapping[int, tuple[float, float]], writer: _Writer, body: _Body) -> list[str]:
    """What an order that did not fizzle does to the state once `ok` is rolled: its counts,
    then its success or failure effects, then its always effects."""
    index, _requires, _const, _chance, success, failure, always = row
    i = _index(index)
    lines = [f"    {body.field('counts')}[{i}] += 1", f"    {body.field('last')}[{i}] = {body.field('turn')}", "    if ok:", f"        {body.field('wins')}[{i}] += 1"]
    lines += ["    " + line for node in success for line in _effect_lines(node, bounds, writer, body)]
    fail = ["    " + line for node in failure for line in _effect_lines(node, bounds, writer, body)]
    if fail:
        lines += ["    else:", *fail]
    return lines + [line for node in always for line in _effect_lines(node, bounds, writer, body)]


def _resolution(row: MoveRow, bounds: Mapping[int, tuple[float, float]]) -> tuple[_Writer, list[str]]:
    requires, chance_const, chance = row[1], row[2], row[3]
    writer = _Writer()
    body = _Body()
    lines = []
    if requires is not None:
        lines.append(f"    if not {writer.expr(requires, body)}: return None")
    if chance is not None:
        lines += [*_chance(chance, writer, body), "    ok = roll(m, p) if over or 0.0 < p < 1.0 else p >= 1.0"]
    elif chance_const is None or type(chance_const) is not float:
        raise TypeError(f"a move's chance is a float or an expression, not {chance_const!r}")
    elif 0.0 < chance_const < 1.0:
        lines.append(f"    ok = roll(m, {writer.const(chance_const)})")
    else:  # a sure chance draws nothing unless the facilitator forces it
        lines.append(f"    ok = roll(m, {writer.const(chance_const)}) if over else {'True' if chance_const >= 1 else 'False'}")
    lines += _played(row, bounds, writer, body)
    return writer, ["def compiled(s, m, roll, over):", *body.prologue(), *lines, "    return ok"]


QuietMove = tuple[MoveRow, "int | None", bool, tuple[str, str, bool, "frozenset[str] | None"], object, bytes, "tuple[float | None, Node | None, bytes] | None"]
"""What a quiet game's resolution reads of one move besides its `MoveRow`: its offer gate,
whether it answers an offer, its play's fixed fields (actor, move id, secret, audience),
the type of a play (`Play`), the bytes its roll is drawn for (`draw(first)`: the dice's
`roll`), and for a secret move with a detection chance, that chance (a constant or an
expression) and the bytes its detection roll is drawn for (None for any other move)."""


def quiet_resolution_source(move: QuietMove, bounds: Mapping[int, tuple[float, float]]) -> tuple[str, list[object]]:
    """The Python source generated for resolving one move in a quiet game, and its constants."""
    writer, main = _quiet_resolution(move, bounds)
    return writer.source(main), list(writer.consts)


def _quiet_resolution(move: QuietMove, bounds: Mapping[int, tuple[float, float]]) -> tuple[_Writer, list[str]]:
    row, gate, answer, play, play_type, first, detection = move
    requires, chance_const, chance = row[1], row[2], row[3]
    writer = _Writer()
    body = _Body()
    lines = []
    if answer:  # an answer with no offer waiting fizzles (only a hand-edited save orders one)
        lines.append(f"    if offers[{_index(gate)}] < 0: return None")
    if requires is not None:
        lines.append(f"    if not {writer.expr(requires, body)}: return None")
    actor, move_id, secret, audience = play
    read, roll = _roll(chance_const, chance, first, writer, body)
    lines += [*read, f"    ok = {roll}"]
    lines += _played(row, bounds, writer, body)
    turn = body.field("turn")
    if gate is not None:
        lines.append(f"    offers[{_index(gate)}] = -1" if answer else f"    if ok: offers[{_index(gate)}] = {turn}")
    fixed = ", ".join(writer.value(x) for x in (actor, move_id, secret))
    lines.append(f"    plays.append({writer.helper('new')}({writer.value(play_type)}, ({turn}, {fixed}, ok, {writer.value(audience)})))")
    if detection is not None:
        # Its detection roll reads the state after the move's own effects.
        detect_const, detect, detect_first = detection
        read, roll = _roll(detect_const, detect, detect_first, writer, body)
        if roll != "False":
            lines += [*read, f"    if {roll}: reveal({_index(row[0])})"]
    head = ["def compiled(s, draw, plays, reveal):", *body.prologue(), *(["    offers = s.offers"] if gate is not None else [])]
    return writer, [*head, *lines, "    return ok"]


def compile_quiet_resolution(move: QuietMove, bounds: Mapping[int, tuple[float, float]]) -> Callable[[Any, Callable[[bytes], float], list[Any], Callable[[int], None]], bool | None]:
    """One flat function `compiled(s, draw, plays, reveal)` resolving an order of a move in
    a quiet game (nothing recorded, told or forced): the steps of `compile_resolution`, its
    chance drawn as `draw(first) < p` unless sure, then what `Game._resolve_move` does after
    them: the offer it answers closes, an offer made goes out on success, its play is
    appended to `plays`, and a secret move's detection is rolled (`reveal(index)` when
    detected). None when it fizzles (nothing changes)."""
    writer, main = _quiet_resolution(move, bounds)
    return writer.build(main)


def compile_resolution(row: MoveRow, bounds: Mapping[int, tuple[float, float]]) -> Callable[[Any, Any, Callable[[Any, float], bool], bool], bool | None]:
    """One flat function `compiled(s, m, roll, over)` resolving an order of move `m` on `s`
    (`wargame.engine.game.Game._resolve_move`'s steps on the state): None when its
    precondition fails (it fizzles, nothing changes); else its chance, rolled by `roll(m, p)`
    unless sure and nothing is forced (`over` false), then its counts, and its success or
    failure effects and its always effects in that order. Returns whether it succeeded."""
    writer, main = _resolution(row, bounds)
    return writer.build(main)


__all__ = ["NEST_LIMIT", "AvailabilityRow", "Effect", "EventRow", "Fn", "MoveRow", "QuietEventRow", "QuietMove", "availability_source", "compile_availability", "compile_effect", "compile_effects", "compile_endings", "compile_events", "compile_expression", "compile_quiet_events", "compile_quiet_resolution", "compile_resolution", "effect_source", "endings_source", "events_source", "expression_source", "quiet_events_source", "quiet_resolution_source", "resolution_source"]
