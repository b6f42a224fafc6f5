"""The deck expression language's one intermediate form, and the walks every reader makes of it.

Deck text is parsed and checked once (`wargame.deck.expr`) into the nodes below, with
every name already resolved to the engine's slot or index. Backends compile them: flat
Python functions for the reference engine (`wargame.deck.codegen`), and array code for a
batched engine may compile the very same nodes. Readers walk them and never parse text
again: the lint's interval interpreter, the secrecy rules, the plain-word describer, the
debrief's "values a roll read" and the doctrine bots' reasons.

**Expressions** (`Node`). Every node is a number or a condition (`kind_of`); a condition
counts as 1 or 0 in arithmetic. `s` is the engine's flat state (`wargame.engine.state.State`).

Leaves, reading `s` (each says the field a backend reads):

- `Num(value)`: a number the deck wrote, an `int` or a `float` with |value| <= 1e12 (keep
  the type: `1` and `1.0` print differently in news).
- `Truth(value)`: `true` or `false` (condition).
- `Track(slot)`: a track, `s.v[slot]` (number; global tracks and actors' tracks alike).
- `Flag(slot)`: a flag, `s.f[slot]` (condition).
- `Clock(which)`: `turn`, `s.turn` (the turn being resolved), or `turns`, `s.turns`.
- `Plays(fn, move, index)`: a move's history, `index` into the per-move lists: `played`
  (`s.counts[i] > 0`, condition), `count` (`s.counts[i]`), `succeeded` (`s.wins[i]`),
  `since` (`s.turn - s.last[i]`, at most `NEVER_SINCE`, and `NEVER_SINCE` when
  `s.last[i] < 0`: never played), `ordered` (`s.ordered[i]`, condition: ordered by anyone
  this turn) and `revealed` (`s.revealed[i]`, condition).
- `Fired(event, index)`: the event has fired, `s.fired[i] > 0` (condition).
- `EventHistory(fn, event, index)`: `count` (`s.fired[i]`) or `since` (as for a move,
  from `s.fired_last[i]`).

Operators, over nodes:

- `Not(operand)` and `Logic(op, operands)`: `and` / `or` over two or more conditions,
  left to right, stopping at the first that decides (a condition's value is a `bool`).
- `Compare(ops, operands)`: `<`, `<=`, `>`, `>=`, `==`, `!=`, chained as in
  `a < b <= c` (`ops[i]` sits between `operands[i]` and `operands[i + 1]`); a condition.
- `Arith(op, left, right)`: `+`, `-`, `*`, `/`; division by 0 gives 0.0, and a quotient
  too large for a float is plus or minus infinity (effects clamp it).
- `Neg(operand)`: minus a number (a constant's minus is folded into its `Num`).
- `Func(fn, args)`: `min`, `max` (two or more arguments; the first least or greatest one),
  `abs`, `round` (one argument; Python's rounding, half to even; inf and nan unchanged).
- `IfElse(test, body, orelse)`: `body if test else orelse`; a condition when both
  branches are.

**Effects** (`EffectNode`), changing `s`:

- `SetTrack(slot, value)`: `s.v[slot] = value`, clamped to the track's bounds.
- `ChangeTrack(slot, sign, value)`: `s.v[slot] += sign * value`, clamped.
  A clamp sends nan to the lower bound: `hi if x > hi else x if x >= lo else lo`.
- `SetFlag(slot, value)`: `s.f[slot] = bool(value)`.
- `Reveal(move, index)`: asks for the move's earlier secret plays to be revealed
  (`s.reveal_requests.append(index)`).

Ids (`move`, `event`) are for readers (describe, secrecy, lint); backends use `index`.

For a backend: expressions change nothing (they only read), so an array backend may
evaluate every operand of `Logic` and both branches of `IfElse` (`&`, `|`, `where`) and
get the values the short-circuiting scalar code gets. Effects are not like that:
a move's or event's effects apply one after another, each reading the state the one
before it left.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

NEVER_SINCE = 99
"""What `since()` says of a move never played (or an event never fired)."""

Kind = Literal["num", "bool"]


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
MOVE_FUNCS: frozenset[str] = frozenset({"played", "count", "succeeded", "since", "ordered", "revealed"})
EVENT_FUNCS: frozenset[str] = frozenset({"fired"})
NUM_FUNCS: frozenset[str] = frozenset({"min", "max", "abs", "round"})


@dataclass(frozen=True, slots=True)
class Plays:
    """A function of a move's history: `played('icbm-test')` and its kin."""

    fn: MoveFunc
    move: str
    index: int
    """The move's index (`CompiledDeck.moves`)."""


@dataclass(frozen=True, slots=True)
class Fired:
    event: str
    index: int
    """The event's index (`CompiledDeck.events`)."""


@dataclass(frozen=True, slots=True)
class EventHistory:
    """`count('event-id')` (times it fired) or `since('event-id')` (turns since it last fired)."""

    fn: Literal["count", "since"]
    event: str
    index: int


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


ArithOp = Literal["+", "-", "*", "/"]


@dataclass(frozen=True, slots=True)
class Arith:
    op: ArithOp
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


NumFunc = Literal["min", "max", "abs", "round"]


@dataclass(frozen=True, slots=True)
class Func:
    fn: NumFunc
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class IfElse:
    test: Node
    body: Node
    orelse: Node


Node = Num | Truth | Track | Flag | Clock | Plays | Fired | EventHistory | Not | Logic | Compare | Arith | Neg | Func | IfElse
"""An expression in intermediate form (names resolved to slots and indices)."""

Leaf = Track | Flag | Clock | Plays | Fired | EventHistory
"""A node that reads the state (constants read nothing)."""


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
    index: int


EffectNode = SetTrack | ChangeTrack | SetFlag | Reveal


# -- walking ------------------------------------------------------------------------------


def children(node: Node | EffectNode) -> tuple[Node, ...]:
    """A node's direct sub-expressions, in the order they are written."""
    if isinstance(node, Not | Neg):
        return (node.operand,)
    if isinstance(node, Logic | Compare):
        return node.operands
    if isinstance(node, Arith):
        return (node.left, node.right)
    if isinstance(node, Func):
        return node.args
    if isinstance(node, IfElse):
        return (node.test, node.body, node.orelse)
    if isinstance(node, SetTrack | ChangeTrack | SetFlag):
        return (node.value,)
    return ()


def walk(node: Node | EffectNode) -> Iterator[Node | EffectNode]:
    """Every node of an expression or effect, itself first, then depth first in written order."""
    stack: list[Node | EffectNode] = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def walk_breadth(node: Node | EffectNode) -> Iterator[Node | EffectNode]:
    """Every node level by level (all children before any grandchild), in written order
    within a level: the order the doctrine bots' reasons have always quoted facts in."""
    queue: deque[Node | EffectNode] = deque([node])
    while queue:
        n = queue.popleft()
        yield n
        queue.extend(children(n))


def names_read(node: Node | EffectNode) -> list[Leaf]:
    """The things an expression reads (tracks, flags, the clock, plays and firings), in
    written order, each once: what a debrief lists with its value at a roll."""
    out: dict[Leaf, None] = {}
    for n in walk(node):
        if isinstance(n, Track | Flag | Clock | Plays | Fired | EventHistory):
            out.setdefault(n, None)
    return list(out)


def calls(node: Node | EffectNode) -> list[Plays | Fired | EventHistory | Func | Reveal]:
    """Every function call in an expression or effect, in written order (repeats kept)."""
    return [n for n in walk(node) if isinstance(n, Plays | Fired | EventHistory | Func | Reveal)]


def kind_of(node: Node) -> Kind:
    """`bool` for a condition, `num` for a number (as the parser decided when it checked it)."""
    if isinstance(node, Truth | Flag | Fired | Not | Logic | Compare):
        return "bool"
    if isinstance(node, Plays):
        return "bool" if node.fn in {"played", "ordered", "revealed"} else "num"
    if isinstance(node, IfElse):
        return "bool" if kind_of(node.body) == kind_of(node.orelse) == "bool" else "num"
    return "num"


def depth(node: Node | EffectNode) -> int:
    """How deeply the expression nests (a leaf is 1)."""
    best = 0
    stack: list[tuple[Node | EffectNode, int]] = [(node, 1)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        stack.extend((c, d + 1) for c in children(n))
    return best


# -- what an expression reads -------------------------------------------------------------


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


def reads_of(node: Node | EffectNode) -> Reads:
    """What an expression or effect reads (an effect: its value; a reveal reads nothing)."""
    slots: set[int] = set()
    flags: set[int] = set()
    moves: set[str] = set()
    revealed: set[str] = set()
    events: set[str] = set()
    turn = False
    for n in walk(node):
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
    if not (slots or flags or moves or revealed or events or turn):
        return NO_READS
    return Reads(frozenset(slots), frozenset(flags), frozenset(moves), frozenset(revealed), frozenset(events), turn)


# -- back to text ---------------------------------------------------------------------------

# Binding strengths, as Python's own `ast.unparse` ranks them: a part that binds more
# loosely than its place needs is put in parentheses.
_TEST, _OR, _AND, _NOT, _CMP, _ARITH, _TERM, _FACTOR, _ATOM = 3, 4, 5, 6, 7, 13, 14, 15, 18
_ARITH_STRENGTH: dict[str, int] = {"+": _ARITH, "-": _ARITH, "*": _TERM, "/": _TERM}


def unparse(node: Node | EffectNode, slot_names: Sequence[str], flag_names: Sequence[str]) -> str:
    """The expression in the deck's own syntax (`tension >= 3 and not flags.talks`), with
    parentheses only where they are needed: how lint quotes a part of an expression and
    how a debrief names what a roll read. `slot_names`/`flag_names` are the deck's."""
    if isinstance(node, SetTrack | ChangeTrack):
        op = "=" if isinstance(node, SetTrack) else "+=" if node.sign > 0 else "-="
        return f"{slot_names[node.slot]} {op} {_text(node.value, _TEST, slot_names, flag_names)}"
    if isinstance(node, SetFlag):
        return f"flags.{flag_names[node.slot]} = {_text(node.value, _TEST, slot_names, flag_names)}"
    if isinstance(node, Reveal):
        return f"reveal({node.move!r})"
    return _text(node, _TEST, slot_names, flag_names)


def _text(n: Node, place: int, slots: Sequence[str], flags: Sequence[str]) -> str:
    """`n` written where at least `place` binding strength is needed."""

    def wrap(text: str, strength: int) -> str:
        return f"({text})" if place > strength else text

    if isinstance(n, Num):
        text = repr(n.value)
        return wrap(text, _FACTOR) if n.value < 0 else text
    if isinstance(n, Truth):
        return "true" if n.value else "false"
    if isinstance(n, Track):
        return slots[n.slot]
    if isinstance(n, Flag):
        return f"flags.{flags[n.slot]}"
    if isinstance(n, Clock):
        return n.which
    if isinstance(n, Plays):
        return f"{n.fn}({n.move!r})"
    if isinstance(n, Fired):
        return f"fired({n.event!r})"
    if isinstance(n, EventHistory):
        return f"{n.fn}({n.event!r})"
    if isinstance(n, Not):
        return wrap(f"not {_text(n.operand, _NOT, slots, flags)}", _NOT)
    if isinstance(n, Neg):
        return wrap(f"-{_text(n.operand, _FACTOR, slots, flags)}", _FACTOR)
    if isinstance(n, Logic):
        strength = _AND if n.op == "and" else _OR
        # Each further operand needs one more strength, as `ast.unparse` writes a chain.
        parts = [_text(o, strength + 1 + i, slots, flags) for i, o in enumerate(n.operands)]
        return wrap(f" {n.op} ".join(parts), strength)
    if isinstance(n, Compare):
        text = _text(n.operands[0], _CMP + 1, slots, flags)
        for op, operand in zip(n.ops, n.operands[1:], strict=True):
            text += f" {op} {_text(operand, _CMP + 1, slots, flags)}"
        return wrap(text, _CMP)
    if isinstance(n, Arith):
        strength = _ARITH_STRENGTH[n.op]
        left = _text(n.left, strength, slots, flags)
        right = _text(n.right, strength + 1, slots, flags)
        return wrap(f"{left} {n.op} {right}", strength)
    if isinstance(n, Func):
        return f"{n.fn}({', '.join(_text(a, _TEST, slots, flags) for a in n.args)})"
    body = _text(n.body, _TEST + 1, slots, flags)
    test = _text(n.test, _TEST + 1, slots, flags)
    return wrap(f"{body} if {test} else {_text(n.orelse, _TEST, slots, flags)}", _TEST)


__all__ = [
    "EVENT_FUNCS",
    "MOVE_FUNCS",
    "NEVER_SINCE",
    "NO_READS",
    "NUM_FUNCS",
    "Arith",
    "ChangeTrack",
    "Clock",
    "CmpOp",
    "Compare",
    "EffectNode",
    "EventHistory",
    "Fired",
    "Flag",
    "Func",
    "IfElse",
    "Kind",
    "Leaf",
    "Logic",
    "Neg",
    "Node",
    "Not",
    "Num",
    "Plays",
    "Reads",
    "Reveal",
    "SetFlag",
    "SetTrack",
    "Track",
    "Truth",
    "calls",
    "children",
    "depth",
    "kind_of",
    "names_read",
    "reads_of",
    "unparse",
    "walk",
    "walk_breadth",
]
