"""Deck lint: silent mistakes a valid deck can still hold, found without playing it.

Every check here reasons over the deck's text: an abstract interpretation of its
expressions over intervals (each track's reachable range, which flags can change, which
moves and events can ever happen), grown to a fixed point from the start state. A claim
such as "this move can never be ordered" therefore holds for every game, seeded or not.
Pure: no I/O, no engine; `wargame.analysis.playtest` adds what only playing can show.
"""

from __future__ import annotations

import ast
import math
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wargame.deck.compile import CEvent, CMove, CompiledDeck
from wargame.deck.expr import NEVER_SINCE
from wargame.deck.locate import LineIndex, Path, format_path
from wargame.deck.schema import Doctrine, Visibility
from wargame.deck.secrecy import secrecy_findings
from wargame.errors import Problem


@dataclass(frozen=True, slots=True)
class LintWarning:
    """One thing in a deck that is valid but almost certainly not what its author meant."""

    code: str
    """A short stable name for the kind of problem, e.g. `move-never-legal`."""
    file: str
    line: int | None
    where: str
    """The field, as the loader names it: ``moves[3].requires``."""
    message: str
    severity: str = "warning"
    """`warning`: almost surely a mistake. `note`: often meant, worth a look (e.g. an
    event that sees another's same-turn effects); notes do not fail `wargame deck lint`."""

    @property
    def problem(self) -> Problem:
        return Problem(self.file, self.line, self.where, self.message)

    def __str__(self) -> str:
        note = "note: " if self.severity == "note" else ""
        loc = f"{self.file}:{self.line}" if self.line else self.file
        where = f"{self.where}: " if self.where else ""
        return f"{loc}: {note}{where}{self.message} [{self.code}]"

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "file": self.file, "line": self.line, "where": self.where, "message": self.message}


# -- abstract values ------------------------------------------------------------------------


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


def _cmp(op: ast.cmpop, a: AV, b: AV) -> AV:
    """Whether `a op b` may be true / false, from the intervals alone."""
    if isinstance(op, ast.Lt):
        return AV.flag(a.lo < b.hi, a.hi >= b.lo)
    if isinstance(op, ast.LtE):
        return AV.flag(a.lo <= b.hi, a.hi > b.lo)
    if isinstance(op, ast.Gt):
        return AV.flag(a.hi > b.lo, a.lo <= b.hi)
    if isinstance(op, ast.GtE):
        return AV.flag(a.hi >= b.lo, a.lo < b.hi)
    overlap = a.lo <= b.hi and b.lo <= a.hi
    single = a.lo == a.hi == b.lo == b.hi
    if isinstance(op, ast.Eq):
        return AV.flag(overlap, not single)
    if isinstance(op, ast.NotEq):
        return AV.flag(not single, overlap)
    return AV.flag(True, True)


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


class _Eval:
    """Evaluates deck expressions (Python ast, already validated by the loader) over a `Reach`."""

    def __init__(self, deck: CompiledDeck, reach: Reach) -> None:
        self.deck = deck
        self.scope = deck.scope
        self.reach = reach

    def run(self, text: str) -> AV:
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError:
            return TOP
        return self.expr(tree.body)

    def expr(self, node: ast.AST) -> AV:
        r = self.reach
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                return AV.flag(v, not v)
            if isinstance(v, int | float):
                return AV.num(float(v), float(v))
            return TOP
        if isinstance(node, ast.Name):
            if node.id in {"true", "True"}:
                return AV.flag(True, False)
            if node.id in {"false", "False"}:
                return AV.flag(False, True)
            if node.id == "turn":
                return AV.num(*r.turn)
            if node.id == "turns":
                return AV.num(r.turns, r.turns)
            slot = self.scope.tracks.get(node.id)
            return AV.num(*r.slots[slot]) if slot is not None else TOP
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "flags":
                i = self.scope.flags.get(node.attr)
                return AV.flag(*r.flags[i]) if i is not None else TOP
            slot = self.scope.actor_tracks.get(node.value.id, {}).get(node.attr)
            return AV.num(*r.slots[slot]) if slot is not None else TOP
        if isinstance(node, ast.BoolOp):
            vals = [self.expr(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return AV.flag(all(v.t for v in vals), any(v.f for v in vals))
            return AV.flag(any(v.t for v in vals), all(v.f for v in vals))
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand)
            if isinstance(node.op, ast.Not):
                return AV.flag(operand.f, operand.t)
            if isinstance(node.op, ast.USub):
                return AV.num(-operand.hi, -operand.lo)
            return operand
        if isinstance(node, ast.BinOp):
            a, b = self.expr(node.left), self.expr(node.right)
            if isinstance(node.op, ast.Add):
                return AV.num(a.lo + b.lo, a.hi + b.hi)
            if isinstance(node.op, ast.Sub):
                return AV.num(a.lo - b.hi, a.hi - b.lo)
            if isinstance(node.op, ast.Mult):
                products = [_mul(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
                return AV.num(min(products), max(products))
            if isinstance(node.op, ast.Div):
                if b.lo <= 0 <= b.hi:
                    return TOP  # may divide by (nearly) zero: anything
                q = [x / y for x in (a.lo, a.hi) for y in (b.lo, b.hi) if not (math.isinf(x) and math.isinf(y))]
                return AV.num(min(q), max(q)) if len(q) == 4 else TOP
            return TOP
        if isinstance(node, ast.Compare):
            out = AV.flag(True, False)
            left = self.expr(node.left)
            for op, comp in zip(node.ops, node.comparators, strict=False):
                right = self.expr(comp)
                c = _cmp(op, left, right)
                out = AV.flag(out.t and c.t, out.f or c.f)
                left = right
            return out
        if isinstance(node, ast.IfExp):
            test = self.expr(node.test)
            body, orelse = self.expr(node.body), self.expr(node.orelse)
            if test.t and test.f:
                return body.join(orelse)
            return body if test.t else orelse
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node.func.id, node.args)
        return TOP

    def call(self, name: str, args: list[ast.expr]) -> AV:
        r = self.reach
        if name in {"min", "max", "abs", "round"}:
            vals = [self.expr(a) for a in args]
            if not vals:
                return TOP
            if name == "min":
                return AV.num(min(v.lo for v in vals), min(v.hi for v in vals))
            if name == "max":
                return AV.num(max(v.lo for v in vals), max(v.hi for v in vals))
            v = vals[0]
            if name == "abs":
                if v.lo >= 0:
                    return v
                if v.hi <= 0:
                    return AV.num(-v.hi, -v.lo)
                return AV.num(0, max(-v.lo, v.hi))
            return AV.num(math.floor(v.lo), math.ceil(v.hi)) if math.isfinite(v.lo) and math.isfinite(v.hi) else TOP
        ident = args[0].value if len(args) == 1 and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str) else None
        if ident is None:
            return TOP
        if name == "fired":
            e = self.scope.events.get(ident)
            return AV.flag(e in r.events, True) if e is not None else TOP
        m = self.scope.moves.get(ident)
        if m is None:
            return TOP  # a function on ids this lint does not know yet: assume anything
        live = m in r.moves
        if name in {"played", "ordered"}:
            return AV.flag(live, True)
        if name == "revealed":
            return AV.flag(live and self.deck.moves[m].secret, True)
        if name in {"count", "succeeded"}:
            return AV.num(0, r.turns * 10 if live else 0)
        if name == "since":
            return AV.num(0 if live else NEVER_SINCE, NEVER_SINCE)
        return TOP


# -- what the deck says: expression sites ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Site:
    """One expression in the deck and where it is."""

    path: Path
    text: str
    kind: str
    """`requires`, `chance`, `effect`, `when`, `objective`, `weight`."""


def expression_sites(deck: CompiledDeck) -> Iterator[Site]:
    """Every expression of the deck with its path in the TOML."""
    model = deck.model
    for i, move in enumerate(model.moves):
        if move.requires:
            yield Site(("moves", i, "requires"), move.requires, "requires")
        if isinstance(move.chance, str):
            yield Site(("moves", i, "chance"), move.chance, "chance")
        for outcome in ("success", "failure", "always"):
            for j, text in enumerate(getattr(move, outcome).effects):
                yield Site(("moves", i, outcome, "effects", j), text, "effect")
        if move.offer is not None:  # one offer per target: its `expire` effects
            for j, text in enumerate(move.offer.expire.effects):
                yield Site(("moves", i, "offer", "expire", "effects", j), text, "effect")
    for i, event in enumerate(model.events):
        if event.when:
            yield Site(("events", i, "when"), event.when, "when")
        if isinstance(event.chance, str):
            yield Site(("events", i, "chance"), event.chance, "chance")
        for j, text in enumerate(event.effects):
            yield Site(("events", i, "effects", j), text, "effect")
        for k, one in enumerate(event.outcomes):
            if isinstance(one.weight, str):
                yield Site(("events", i, "outcomes", k, "weight"), one.weight, "chance")
            for j, text in enumerate(one.effects):
                yield Site(("events", i, "outcomes", k, "effects", j), text, "effect")
    for i, move in enumerate(model.moves):
        if isinstance(move.detection, str):
            yield Site(("moves", i, "detection"), move.detection, "chance")
    for i, line in enumerate(model.coach):
        if line.when:
            yield Site(("coach", i, "when"), line.when, "when")
    for i, ending in enumerate(model.endings):
        if ending.when:
            yield Site(("endings", i, "when"), ending.when, "when")
    for actor_id, actor in model.actors.items():
        for j, obj in enumerate(actor.objectives):
            yield Site(("actors", actor_id, "objectives", j, "when"), obj.when, "objective")
        for name, doc in actor.doctrines.items():
            for move_id, weight in doc.weights.items():
                if isinstance(weight, str):
                    yield Site(("actors", actor_id, "doctrines", name, "weights", move_id), weight, "weight")
            if isinstance(doc.default_weight, str):
                yield Site(("actors", actor_id, "doctrines", name, "default_weight"), doc.default_weight, "weight")


@dataclass(frozen=True, slots=True)
class Write:
    """One effect statement, parsed: what it writes and how."""

    path: Path
    text: str
    target: tuple[str, int] | None
    """('slot', i) or ('flag', i); None for reveal() and the like."""
    op: str
    """`=`, `+=` or `-=`."""
    value: ast.expr | None
    source: tuple[str, int]
    """('move', index) or ('event', index): who makes this change."""
    outcome: str
    """`success`, `failure`, `always` (moves) or `effects` (events)."""


def _target(deck: CompiledDeck, node: ast.expr) -> tuple[str, int] | None:
    if isinstance(node, ast.Name):
        slot = deck.scope.tracks.get(node.id)
        return ("slot", slot) if slot is not None else None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id == "flags":
            i = deck.scope.flags.get(node.attr)
            return ("flag", i) if i is not None else None
        slot = deck.scope.actor_tracks.get(node.value.id, {}).get(node.attr)
        return ("slot", slot) if slot is not None else None
    return None


def _parse_write(deck: CompiledDeck, path: Path, text: str, source: tuple[str, int], outcome: str) -> Write:
    try:
        tree = ast.parse(text.strip(), mode="exec")
        stmt = tree.body[0]
    except (SyntaxError, IndexError):
        return Write(path, text, None, "", None, source, outcome)
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        return Write(path, text, _target(deck, stmt.targets[0]), "=", stmt.value, source, outcome)
    if isinstance(stmt, ast.AugAssign):
        op = "+=" if isinstance(stmt.op, ast.Add) else "-="
        return Write(path, text, _target(deck, stmt.target), op, stmt.value, source, outcome)
    return Write(path, text, None, "", None, source, outcome)


def writes(deck: CompiledDeck) -> list[Write]:
    """Every effect of every move and event, parsed."""
    out: list[Write] = []
    for i, move in enumerate(deck.model.moves):
        for outcome in ("success", "failure", "always"):
            for j, text in enumerate(getattr(move, outcome).effects):
                out.append(_parse_write(deck, ("moves", i, outcome, "effects", j), text, ("move", i), outcome))
    for offer in deck.offers:  # an offer left unanswered: its `expire` effects
        spec = deck.model.moves[offer.move].offer
        for j, text in enumerate(spec.expire.effects if spec is not None else ()):
            out.append(_parse_write(deck, ("moves", offer.move, "offer", "expire", "effects", j), text, ("move", offer.move), "expire"))
    for i, event in enumerate(deck.model.events):
        for j, text in enumerate(event.effects):
            out.append(_parse_write(deck, ("events", i, "effects", j), text, ("event", i), "effects"))
        for k, one in enumerate(event.outcomes):  # a weighted one-of event's outcomes
            for j, text in enumerate(one.effects):
                out.append(_parse_write(deck, ("events", i, "outcomes", k, "effects", j), text, ("event", i), "effects"))
    return out


def reads(deck: CompiledDeck, text: str, mode: str = "eval") -> set[tuple[str, int]]:
    """What an expression (or, with mode `exec`, an effect's right side) looks at:
    ('slot', i), ('flag', i), ('move', i), ('event', i) or ('turn', 0)."""
    try:
        tree = ast.parse(text.strip(), mode=mode)
    except SyntaxError:
        return set()
    out: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id == "turn":
                out.add(("turn", 0))
            slot = deck.scope.tracks.get(node.id)
            if slot is not None:
                out.add(("slot", slot))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = _target(deck, node)
            if target is not None:
                out.add(target)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if node.func.id == "fired" and arg.value in deck.scope.events:
                    out.add(("event", deck.scope.events[arg.value]))
                elif arg.value not in deck.scope.moves and arg.value in deck.scope.events:
                    out.add(("event", deck.scope.events[arg.value]))  # count()/since() on an event
                elif arg.value in deck.scope.moves:
                    out.add(("move", deck.scope.moves[arg.value]))
    return out


def _name(deck: CompiledDeck, what: tuple[str, int]) -> str:
    kind, i = what
    if kind == "slot":
        return deck.slot_names[i]
    if kind == "flag":
        return f"flags.{deck.flag_names[i]}"
    if kind == "event":
        return f"fired('{deck.events[i].id}')"
    if kind == "move":
        return f"'{deck.moves[i].id}'"
    return "turn"


# -- reachability -----------------------------------------------------------------------------


def _chance(ev: _Eval, value: float | str) -> AV:
    if isinstance(value, str):
        v = ev.run(value)
        return AV.num(max(0.0, min(1.0, v.lo)), max(0.0, min(1.0, v.hi)))
    return AV.num(float(value), float(value))


def reachable(deck: CompiledDeck, forbid: frozenset[int] = frozenset()) -> Reach:
    """The least fixed point of "what can happen": start from the start state, add every
    move that may be ordered and every event that may fire, apply their effects to the
    ranges, and repeat until nothing grows. An over-approximation: anything outside it can
    never happen in any game (even with the facilitator's injects from the deck).

    Moves in `forbid` are never played: what can happen in games where they are not."""
    model = deck.model
    reach = Reach(
        turns=deck.turns,
        slots=[(v, v) for v in deck.start_values],
        flags=[(v, not v) for v in deck.flag_start],
        turn=(1.0, float(deck.turns)),
    )
    ev = _Eval(deck, reach)
    all_writes = writes(deck)
    for _ in range(200):  # each round adds a move or event or widens a range; few are needed
        grown = False
        for i, move in enumerate(model.moves):
            if i in reach.moves or i in forbid:
                continue
            gate = deck.moves[i].gate
            if deck.moves[i].answer is not None and gate is not None:
                # An answer costs no order, and there is one to give once its offer went out.
                if deck.offers[gate].move in reach.moves:
                    reach.moves.add(i)
                    grown = True
                continue
            if model.actors[move.actor].orders_per_turn == 0:
                continue
            if move.requires is None or ev.run(move.requires).t:
                reach.moves.add(i)
                grown = True
        for i, event in enumerate(model.events):
            if i in reach.events:
                continue
            if event.inject or _may_fire(ev, reach, event.at, event.when, event.chance):
                reach.events.add(i)
                grown = True
        for w in all_writes:
            kind, index = w.source
            if (index not in reach.moves) if kind == "move" else (index not in reach.events):
                continue
            if kind == "move" and not _outcome_possible(ev, model.moves[index].chance, w.outcome):
                continue
            if w.target is None or w.value is None:
                continue
            grown |= _apply(ev, reach, deck, w)
        if not grown:
            break
    return reach


def _may_fire(ev: _Eval, reach: Reach, at: int | None, when: str | None, chance: float | str) -> bool:
    saved = reach.turn
    if at is not None:
        reach.turn = (float(at), float(at))
    try:
        if when is not None and not ev.run(when).t:
            return False
        return _chance(ev, chance).hi > 0
    finally:
        reach.turn = saved


def _outcome_possible(ev: _Eval, chance: float | str, outcome: str) -> bool:
    p = _chance(ev, chance)
    if outcome == "success":
        return p.hi > 0
    if outcome == "failure":
        return p.lo < 1
    return True


def _apply(ev: _Eval, reach: Reach, deck: CompiledDeck, w: Write) -> bool:
    assert w.target is not None and w.value is not None
    kind, i = w.target
    value = ev.expr(w.value)
    if kind == "flag":
        t, f = reach.flags[i]
        new = (t or value.t, f or value.f)
        reach.flags[i] = new
        return new != (t, f)
    lo, hi = reach.slots[i]
    bound_lo, bound_hi = deck.lo[i], deck.hi[i]
    new_lo, new_hi = lo, hi
    if w.op == "=":
        new_lo = min(lo, max(bound_lo, min(bound_hi, value.lo)))
        new_hi = max(hi, max(bound_lo, min(bound_hi, value.hi)))
        # Widen to the bound at once: a track set from itself (`x = x + 1`) would
        # otherwise creep up one round at a time.
        new_lo = bound_lo if new_lo < lo else new_lo
        new_hi = bound_hi if new_hi > hi else new_hi
    else:
        up, down = (value.hi > 0, value.lo < 0) if w.op == "+=" else (value.lo < 0, value.hi > 0)
        # Played turn after turn, any step reaches the bound in its direction.
        if up:
            new_hi = bound_hi
        if down:
            new_lo = bound_lo
    reach.slots[i] = (new_lo, new_hi)
    return (new_lo, new_hi) != (lo, hi)


# -- the checks --------------------------------------------------------------------------------


@dataclass
class Context:
    """What every check gets: the deck, where its lines are, and what can happen."""

    deck: CompiledDeck
    index: LineIndex
    reach: Reach
    writes: list[Write]
    out: list[LintWarning] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    """For checks to keep what they computed (e.g. reachability without a move)."""

    targets: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    """For a warning about a move made for one target: the targets it was found for."""

    def warn(self, code: str, path: Path, message: str, severity: str = "warning") -> None:
        """Warn at `path` in the expanded deck, reported where the author wrote it: a
        targeted move's warning names the move as written (`'sanction'`) and, unless it
        holds for every target, the targets it holds for."""
        source = self.deck.source_path(path)
        target = _target_of(self.deck, path)
        if target is not None:
            expanded, written = target[1], target[2]
            message = message.replace(f"'{expanded}'", f"'{written}'")
        where = format_path(source)
        if target is not None:
            key = (code, where, message)
            if key in self.targets:
                self.targets[key].append(target[0])
                return
            self.targets[key] = [target[0]]
        self.out.append(LintWarning(code, self.deck.path, self.index.line_of(source), where, message, severity))

    def eval(self, text: str, turn: tuple[float, float] | None = None) -> AV:
        saved = self.reach.turn
        if turn is not None:
            self.reach.turn = turn
        try:
            return _Eval(self.deck, self.reach).run(text)
        finally:
            self.reach.turn = saved


def _target_of(deck: CompiledDeck, path: Path) -> tuple[str, str, str] | None:
    """(target, expanded id, id as written) when `path` is in a move made for one target
    (an offer's answer counts: its target is the recipient) or a weight given per target."""
    expansion = deck.expansion
    if expansion is None or not expansion.targeted(path):
        return None
    if path[0] == "moves" and isinstance(path[1], int):
        origin = expansion.origins[path[1]]
        if origin.target is None:
            return None
        written = f"{origin.base}/{origin.answer}" if origin.answer else origin.base
        return origin.target, deck.model.moves[path[1]].id, written
    key = str(path[5])
    target = key.split("@", 1)[1].split("/", 1)[0]
    return target, key, expansion.weight_keys[key]


def _all_targets(deck: CompiledDeck, where: str) -> list[str]:
    """Every target of the targeted move (or per-target weight) at the author's `where`."""
    expansion = deck.expansion
    if expansion is None:
        return []
    if where.startswith("moves["):
        source = int(where[len("moves["):where.index("]")])
        return [o.target for o in expansion.origins if o.source == source and o.answer is None and o.target is not None]
    key = where.rsplit(".", 1)[-1].strip('"')
    return sorted({k.split("@", 1)[1].split("/", 1)[0] for k, v in expansion.weight_keys.items() if v == key})


def _with_targets(c: Context) -> None:
    """Add "(for Bravo)" to a targeted move's warnings that hold for some targets only."""
    deck = c.deck
    for n, w in enumerate(c.out):
        found = c.targets.get((w.code, w.where, w.message))
        if not found:
            continue
        every = _all_targets(deck, w.where)
        if set(found) >= set(every):
            continue
        names = [deck.actor_name(t) for t in every if t in found]
        which = f"the target {names[0]}" if len(names) == 1 else f"the targets {', '.join(names)}"
        c.out[n] = LintWarning(w.code, w.file, w.line, w.where, f"{w.message} (for {which})", w.severity)


def check_actors(c: Context) -> None:
    for actor_id, actor in c.deck.model.actors.items():
        if not c.deck.moves_by_actor.get(actor_id):
            c.warn("actor-without-moves", ("actors", actor_id), f"{actor.name} has no moves, so its seat can never do anything")
        elif actor.orders_per_turn == 0:
            # Answers to offers cost no order: such an actor can still answer.
            answers = " (it may still answer offers made to it)" if c.deck.answers_for(actor_id) else ""
            c.warn("actor-without-moves", ("actors", actor_id, "orders_per_turn"),
                   f"{actor.name} may give 0 orders a turn, so its moves can never be played{answers}")


def check_moves(c: Context) -> None:
    model = c.deck.model
    for i, move in enumerate(model.moves):
        if model.actors[move.actor].orders_per_turn == 0 or i in c.reach.moves or c.deck.moves[i].answer is not None:
            continue  # an answer is there whenever its offer is: the offer's warning says it
        c.warn("move-never-legal", ("moves", i, "requires"),
               f"'{move.id}' can never be ordered: its precondition is false in every reachable state")
    for i, move in enumerate(model.moves):
        if i not in c.reach.moves:
            continue
        p = _chance(_Eval(c.deck, c.reach), move.chance)
        if p.hi <= 0 and (move.success.effects or move.success.news):
            c.warn("move-never-succeeds", ("moves", i, "chance"), f"'{move.id}' can never succeed: its chance is 0 in every reachable state, so its success effects never apply")


def check_events(c: Context) -> None:
    for i, event in enumerate(c.deck.model.events):
        if event.inject or i in c.reach.events:
            continue
        ev = _Eval(c.deck, c.reach)
        turn = (float(event.at),) * 2 if event.at is not None else None
        if event.when is not None and not c.eval(event.when, turn).t:
            where = f"at turn {event.at} " if event.at is not None else ""
            c.warn("event-never-fires", ("events", i, "when"),
                   f"'{event.id}' can never fire: its trigger is false {where}in every reachable state")
        elif _chance(ev, event.chance).hi <= 0:
            c.warn("event-never-fires", ("events", i, "chance"), f"'{event.id}' can never fire: its chance is 0 in every reachable state")


def check_endings_and_objectives(c: Context) -> None:
    for i, ending in enumerate(c.deck.model.endings):
        if ending.when is not None and not c.eval(ending.when).t:
            c.warn("ending-never-reached", ("endings", i, "when"), f"'{ending.id}' can never happen: its condition is false in every reachable state")
    for actor_id, actor in c.deck.model.actors.items():
        for j, obj in enumerate(actor.objectives):
            value = c.eval(obj.when)
            if not value.t:
                c.warn("objective-never-met", ("actors", actor_id, "objectives", j, "when"),
                       f"{actor.name}'s objective \"{obj.text}\" can never be met: its condition is false in every reachable state")


def check_tracks_and_flags(c: Context) -> None:
    deck = c.deck
    live = [w for w in c.writes if w.target is not None and _live(c, w)]
    changed = {w.target for w in live}
    for name in deck.model.tracks:
        slot = deck.scope.tracks[name]
        if ("slot", slot) not in changed:
            c.warn("track-never-changes", ("tracks", name), f"nothing ever changes track '{name}': it stays at {_fmt(deck.start_values[slot])} all game")
    for name in deck.model.actor_tracks:
        # An actor track may belong to some actors only (`actors = [...]`).
        slots = [deck.scope.actor_tracks[a][name] for a in deck.actors if name in deck.scope.actor_tracks[a]]
        if not any(("slot", s) in changed for s in slots):
            c.warn("track-never-changes", ("actor_tracks", name), f"nothing ever changes actor track '{name}' of any actor: it stays at its start all game")
    for i, name in enumerate(deck.flag_names):
        if ("flag", i) not in changed:
            c.warn("flag-never-changes", ("flags", name), f"nothing ever changes flag '{name}': it stays {'true' if deck.flag_start[i] else 'false'} all game")
        elif not any(_flag_value(c, w) != deck.flag_start[i] for w in live if w.target == ("flag", i)):
            c.warn("flag-never-changes", ("flags", name), f"flag '{name}' is only ever set to its start value ({'true' if deck.flag_start[i] else 'false'}), so it never changes")


def _flag_value(c: Context, w: Write) -> bool | None:
    """The value an effect sets a flag to, when it is always the same; None otherwise."""
    assert w.value is not None
    v = _Eval(c.deck, c.reach).expr(w.value)
    if v.t and not v.f:
        return True
    if v.f and not v.t:
        return False
    return None


def _live(c: Context, w: Write) -> bool:
    kind, index = w.source
    if kind == "event":
        return index in c.reach.events
    return index in c.reach.moves and _outcome_possible(_Eval(c.deck, c.reach), c.deck.model.moves[index].chance, w.outcome)


def check_effects(c: Context) -> None:
    deck = c.deck
    for w in c.writes:
        if w.target is None or w.target[0] != "slot" or w.value is None or not _live(c, w):
            continue
        slot = w.target[1]
        value = _Eval(deck, c.reach).expr(w.value)
        lo, hi = c.reach.slots[slot]
        name = deck.slot_names[slot]
        if w.op == "=":
            if value.lo > deck.hi[slot] or value.hi < deck.lo[slot]:
                c.warn("effect-clamped", w.path, f"sets {name} outside its range {_fmt(deck.lo[slot])}..{_fmt(deck.hi[slot])}: the value is always clamped to the bound")
            continue
        up = (value.lo > 0) if w.op == "+=" else (value.hi < 0)
        down = (value.hi < 0) if w.op == "+=" else (value.lo > 0)
        if up and lo >= deck.hi[slot]:
            c.warn("effect-clamped", w.path, f"raises {name}, which is always at its max ({_fmt(deck.hi[slot])}) when this can happen: the change is clamped away")
        elif down and hi <= deck.lo[slot]:
            c.warn("effect-clamped", w.path, f"lowers {name}, which is always at its min ({_fmt(deck.lo[slot])}) when this can happen: the change is clamped away")


_LARGE_TRUE = (ast.Gt, ast.GtE, ast.NotEq)
"""Comparisons `since(x) OP k` that the never-played value (large) makes true."""


def check_since(c: Context) -> None:
    for site in expression_sites(c.deck):
        mode = "exec" if site.kind == "effect" else "eval"
        try:
            tree = ast.parse(site.text.strip(), mode=mode)
        except SyntaxError:
            continue
        guarded = _guards(tree)
        flagged: set[str] = set()
        for node in ast.walk(tree):
            for ids, how in _unguarded_since(node, c.deck):
                moves = c.deck.scope.moves
                if all(i in guarded for i in ids) or any(i not in moves for i in ids):
                    continue
                # A targeted move's id stands for all its targets (`min(since(...), ...)`).
                move = _written(c.deck.moves[moves[ids[0]]]) if len(ids) > 1 else ids[0]
                if move in flagged:
                    continue
                if site.kind in {"requires", "when", "objective"} and not _true_unplayed(c, site.text, frozenset(moves[i] for i in ids)):
                    continue  # e.g. a flag only that move sets also guards it
                flagged.add(move)
                fix = f"add `played('{move}') and ...` if that is not meant" if how.endswith("is true") else f"guard it with played('{move}')"
                c.warn("since-unplayed", site.path,
                       f"since('{move}') is {NEVER_SINCE} until '{move}' has been played, so {how} from the first turn; {fix}")


def _true_unplayed(c: Context, text: str, moves: frozenset[int]) -> bool:
    """Whether a condition can hold in a game where `moves` have not been played yet."""
    cache = c.cache.setdefault("unplayed", {})
    if moves not in cache:
        cache[moves] = reachable(c.deck, moves)
    return _Eval(c.deck, cache[moves]).run(text).t


def _since_arg(node: ast.AST) -> tuple[str, ...] | None:
    """The move id of `since('x')`; for a targeted move's id, which the expansion wrote as
    `min(since('x@a'), since('x@b'))`, the id of every target's move."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "since" and len(node.args) == 1:
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return (arg.value,)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "min" and len(node.args) > 1:
        parts = [_since_arg(a) for a in node.args]
        if all(p is not None and len(p) == 1 and "@" in p[0] for p in parts):
            return tuple(p[0] for p in parts if p is not None)
    return None


def _shown(node: ast.expr, ids: tuple[str, ...] | None, deck: CompiledDeck) -> str:
    """An operand as the author wrote it (`since('x')` for a targeted move's expansion)."""
    if ids is not None and len(ids) > 1 and ids[0] in deck.scope.moves:
        return f"since('{_written(deck.moves[deck.scope.moves[ids[0]]])}')"
    return ast.unparse(node)


def _written(move: CMove) -> str:
    """The id the author wrote for an expanded move: `warn`, or `talks/accept` for an answer."""
    return f"{move.base}/{move.answer}" if move.answer is not None else move.base


def _unguarded_since(node: ast.AST, deck: CompiledDeck) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(node, ast.Compare):
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=False):
            a, b = _since_arg(left), _since_arg(right)
            shown = f"`{_shown(left, a, deck)} {_op(op)} {_shown(right, b, deck)}` is true"
            if a and not b and isinstance(op, _LARGE_TRUE):
                yield a, shown
            if b and not a and isinstance(op, ast.Lt | ast.LtE | ast.NotEq):
                yield b, shown
            left = right
    elif isinstance(node, ast.BinOp):
        for side in (node.left, node.right):
            move = _since_arg(side)
            if move:
                yield move, f"the arithmetic `{ast.unparse(node)}` uses {NEVER_SINCE}"


def _op(op: ast.cmpop) -> str:
    return {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.NotEq: "!=", ast.Eq: "=="}.get(type(op), "?")


def _guards(tree: ast.AST) -> set[str]:
    """Moves whose having been played the expression also tests (`played('x')`,
    `count('x') > 0`, `succeeded('x')`): its `since('x')` is then meant."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"played", "count", "succeeded"}
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out.add(node.args[0].value)
    return out


_TEMPLATE = re.compile(r"\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}")


def check_templates(c: Context) -> None:
    model = c.deck.model
    texts: list[tuple[Path, str]] = []
    for i, move in enumerate(model.moves):
        for outcome in ("success", "failure", "always"):
            texts.append((("moves", i, outcome, "news"), getattr(move, outcome).news))
        texts.append((("moves", i, "requires_text"), move.requires_text))
    for i, event in enumerate(model.events):
        texts.append((("events", i, "news"), event.news))
        texts.append((("events", i, "failure_news"), event.failure_news))
    for i, ending in enumerate(model.endings):
        texts.append((("endings", i, "text"), ending.text))
        texts.append((("endings", i, "title"), ending.title))
    for actor_id, actor in model.actors.items():
        for j, obj in enumerate(actor.objectives):
            texts.append((("actors", actor_id, "objectives", j, "text"), obj.text))
    for i, event in enumerate(model.events):
        for k, one in enumerate(event.outcomes):
            texts.append((("events", i, "outcomes", k, "news"), one.news))
    for path, text in texts:
        match = _TEMPLATE.search(text or "")
        if match and template_enabled(c.deck, path) is False:
            c.warn("text-looks-like-template", path, f"{match.group(0)} looks like a placeholder, but this text is shown as written (values are not filled in)")


def template_enabled(deck: CompiledDeck, path: Path) -> bool:
    """Whether the text at `path` has its `{name}` placeholders filled in: news (of moves,
    events and outcomes), ending text and objective text do (the loader checks their
    names); `requires_text` and titles are shown as written."""
    return path[-1] in {"news", "failure_news", "text"}


def check_secret_effects(c: Context) -> None:
    deck = c.deck
    for w in c.writes:
        kind, index = w.source
        if kind != "move" or w.target is None:
            continue
        move = deck.model.moves[index]
        if move.visibility != Visibility.SECRET:
            continue
        target_kind, i = w.target
        if target_kind == "flag":
            c.warn("secret-move-public-change", w.path,
                   f"secret move '{move.id}' changes flags.{deck.flag_names[i]}, which every seat sees: the change gives the move away")
            continue
        owner = deck.secret_slots.get(i)
        name = deck.slot_names[i]
        if owner is None:
            c.warn("secret-move-public-change", w.path,
                   f"secret move '{move.id}' changes {name}, a public track: every seat sees it change, which gives the move away")
        elif owner != move.actor and owner not in move.shared_with:
            c.warn("secret-move-public-change", w.path,
                   f"secret move '{move.id}' changes {name}, a secret track that {deck.actor_name(owner)} sees: the change tells {deck.actor_name(owner)} of the move")


def check_offers(c: Context) -> None:
    """Offers whose answers make no difference, and offers computer seats never accept."""
    deck = c.deck
    if not deck.offers:
        return
    read: set[int] = set()
    for site in expression_sites(deck):
        read |= {i for kind, i in reads(deck, site.text, "exec" if site.kind == "effect" else "eval") if kind == "move"}
    for offer in deck.offers:
        move = deck.moves[offer.move]
        spec = deck.model.moves[offer.move].offer
        assert spec is not None
        accept, refuse = deck.moves[offer.accept], deck.moves[offer.refuse]
        recipient = deck.actor_name(offer.recipient)
        if (not accept.success and not refuse.success and not spec.accept.news and not spec.refuse.news
                and offer.accept not in read and offer.refuse not in read):
            c.warn("offer-answer-changes-nothing", ("moves", offer.move, "offer"),
                   f"accepting or refusing '{move.id}' changes nothing: neither answer has effects or news of its own, "
                   f"and nothing reads played('{move.base}/accept'); give the answers consequences")
        doctrines = deck.model.actors[offer.recipient].doctrines
        if not doctrines or offer.move not in c.reach.moves:
            continue
        never_accept, never_refuse = (_weighs_nothing(doctrines.values(), m.id) for m in (accept, refuse))
        if never_accept and never_refuse:
            c.warn("offer-never-answered", ("moves", offer.move, "offer"),
                   f"no doctrine of {recipient} weighs accepting or refusing '{move.id}' above 0, so a computer seat "
                   "never answers it and it always expires", "note")
        elif never_accept:
            c.warn("offer-never-answered", ("moves", offer.move, "offer"),
                   f"no doctrine of {recipient} weighs accepting '{move.id}' above 0, so only a human seat can ever accept it", "note")


def _weighs_nothing(doctrines: Iterable[Doctrine], key: str) -> bool:
    """Whether every doctrine gives the move `key` a constant weight of 0 or less."""
    return all(not isinstance(w := d.weights.get(key, d.default_weight), str) and w <= 0 for d in doctrines)


# -- events seen in order -------------------------------------------------------------------------


class _Probe:
    """A stand-in for the engine's state, enough for compiled deck closures to run on
    (the deck layer may not import the engine)."""

    __slots__ = ("counts", "f", "fired", "fired_last", "last", "ordered", "reveal_requests", "revealed", "turn", "turns", "v", "wins")

    def __init__(self, deck: CompiledDeck) -> None:
        n = len(deck.moves)
        self.v = list(deck.start_values)
        self.f = list(deck.flag_start)
        self.turn = 1
        self.turns = deck.turns
        self.counts = [0] * n
        self.wins = [0] * n
        self.last = [-1] * n
        self.ordered = [False] * n
        self.revealed = [False] * n
        self.fired = [0] * len(deck.events)
        self.fired_last = [-1] * len(deck.events)
        self.reveal_requests: list[int] = []

    def copy(self) -> _Probe:
        """A copy for effects to change: effects write tracks, flags and reveal requests
        only, so the play history is shared, not copied."""
        new = _Probe.__new__(_Probe)
        for name in _Probe.__slots__:
            setattr(new, name, getattr(self, name))
        new.v = list(self.v)
        new.f = list(self.f)
        new.reveal_requests = []
        return new


SAMPLES = 600
"""States drawn per pair of events; seeded, so lint is deterministic."""


def _samples(deck: CompiledDeck, reach: Reach, rng: random.Random, at: int | None, count: int = SAMPLES) -> Iterator[_Probe]:
    """Plausible states within the reachable ranges: the bounds, whole numbers between
    them and uniform draws, with random histories of the moves and events that can happen."""
    moves = sorted(reach.moves)
    events = sorted(reach.events)
    for _ in range(count):
        s = _Probe(deck)
        s.turn = at if at is not None else rng.randint(1, deck.turns)
        for slot, (lo, hi) in enumerate(reach.slots):
            roll = rng.random()
            if lo == hi or roll < 0.2:
                s.v[slot] = lo if rng.random() < 0.5 else hi
            elif roll < 0.7 and hi - lo < 1000:
                s.v[slot] = float(rng.randint(math.ceil(lo), math.floor(hi))) if math.ceil(lo) <= math.floor(hi) else lo
            else:
                s.v[slot] = rng.uniform(lo, hi)
        for i, (t, f) in enumerate(reach.flags):
            s.f[i] = t and (not f or rng.random() < 0.5)
        for i in moves:
            if rng.random() < 0.5:
                s.counts[i] = rng.randint(1, max(1, s.turn))
                s.wins[i] = rng.randint(0, s.counts[i])
                s.last[i] = rng.randint(max(1, s.turn - 3), s.turn)
            s.ordered[i] = rng.random() < 0.3
            s.revealed[i] = deck.moves[i].secret and rng.random() < 0.3
        for i in events:
            s.fired[i] = 1 if rng.random() < 0.3 else 0
            s.fired_last[i] = rng.randint(1, s.turn) if s.fired[i] else -1
        yield s


def _pool(c: Context, at: int | None, count: int) -> list[_Probe]:
    """Sampled states for turn `at` (any turn when None), drawn once per lint and shared
    by every pair of events: drawing is the costly part."""
    pools: dict[tuple[int | None, int], list[_Probe]] = c.cache.setdefault("samples", {})
    key = (at, count)
    if key not in pools:
        rng = random.Random(20_221_103 + (at or 0))
        pools[key] = list(_samples(c.deck, c.reach, rng, at, count))
    return pools[key]


def _triggers(event: CEvent, s: _Probe) -> bool:
    if event.at is not None and event.at != s.turn:
        return False
    return event.when is None or bool(event.when(s))


def check_event_order(c: Context) -> None:
    deck = c.deck
    events = deck.events
    by_index: dict[int, list[Write]] = {}
    for w in c.writes:
        if w.source[0] == "event":
            by_index.setdefault(w.source[1], []).append(w)
    # Pairs (A above B) where B's trigger reads something A writes, on a turn both can fire.
    pairs: dict[int, list[tuple[int, list[tuple[str, int]]]]] = {}
    for j, b in enumerate(events):
        if b.inject or b.when is None or j not in c.reach.events:
            continue
        b_reads = reads(deck, deck.model.events[j].when or "")
        for i in range(j):
            a = events[i]
            if a.inject or i not in c.reach.events:
                continue
            if a.at is not None and b.at is not None and a.at != b.at:
                continue
            a_writes = {w.target for w in by_index.get(i, []) if w.target is not None}
            a_writes |= {("event", i)}  # firing A makes fired('a') true
            shared = sorted(b_reads & a_writes)
            if shared:
                pairs.setdefault(j, []).append((i, shared))
    # A deck with thousands of events shares a fixed budget of sampled states.
    samples = max(60, min(SAMPLES, 300_000 // max(1, sum(len(p) for p in pairs.values()))))
    for j, candidates in pairs.items():
        b = events[j]
        for i, shared in candidates:
            a = events[i]
            verdict = _compare(a, b, _pool(c, b.at if b.at is not None else a.at, samples))
            if verdict is None:
                continue
            names = ", ".join(_name(deck, x) for x in shared)
            a_line = c.index.line_of(("events", i))
            above = f"'{a.id}' (line {a_line})" if a_line else f"'{a.id}'"
            if verdict == "cleared":
                c.warn("event-cleared-above", ("events", j, "when"),
                       f"'{b.id}' can never fire: whenever its trigger holds, {above}, declared above it, fires first and its effects on {names} make the trigger false")
            else:
                c.warn("event-order-dependence", ("events", j, "when"),
                       f"'{b.id}' reads {names}, which {above}, declared above it, can change on the same turn: whether '{b.id}' fires depends on their order in the deck",
                       "note")
            break  # one warning per event is enough to send the author to it


def _compare(a: CEvent, b: CEvent, states: list[_Probe]) -> str | None:
    """`cleared` when A always fires with B's trigger and always clears it; `order` when
    A's effects can change whether B fires on the same turn; None when neither was seen."""
    a_always = a.chance_const == 1.0 and (not a.once or (a.at is not None and a.at == b.at))
    b_held = 0
    cleared = True
    flipped = False
    for s in states:
        before = _triggers(b, s)
        a_fires = _triggers(a, s)
        if not a_fires:
            if before:
                b_held += 1
                cleared = False
            continue
        after_state = s.copy()
        for effect in a.effects:
            effect(after_state)
        after = _triggers(b, after_state)
        if before:
            b_held += 1
            if after:
                cleared = False
        if before != after:
            flipped = True
    if a_always and cleared and b_held >= 5:
        return "cleared"
    return "order" if flipped else None


def check_secrecy(c: Context) -> None:
    """Expressions whose result a seat sees while they read what it cannot (a chance
    computed from another actor's secret track, ...): `wargame.deck.secrecy` decides."""
    for path, message in secrecy_findings(c.deck):
        c.warn("secret-input", path, message)


# -- running -------------------------------------------------------------------------------------

Check = Callable[[Context], None]

CHECKS: list[Check] = [
    check_actors,
    check_moves,
    check_events,
    check_endings_and_objectives,
    check_tracks_and_flags,
    check_effects,
    check_since,
    check_event_order,
    check_templates,
    check_secret_effects,
    check_offers,
    check_secrecy,
]
"""Every static check. A check takes the `Context` and calls `Context.warn`; warnings
are listed by line whatever the order here."""


def lint_deck(deck: CompiledDeck, checks: list[Check] | None = None) -> list[LintWarning]:
    """Every warning for a loaded deck, sorted by line. Deterministic; no I/O."""
    c = Context(deck, LineIndex(deck.source), reachable(deck), writes(deck))
    for check in checks if checks is not None else CHECKS:
        check(c)
    _with_targets(c)
    seen: set[tuple[str, str, str]] = set()
    out: list[LintWarning] = []
    for w in c.out:
        key = (w.code, w.where, w.message)
        if key not in seen:
            seen.add(key)
            out.append(w)
    out.sort(key=lambda w: (w.line or 0, w.where, w.code))
    return [w for w in out if not allowed(deck.source, w)]


_ALLOW = re.compile(r"#\s*lint:\s*allow\s+([\w, -]+)")


def allowed(source: str, w: LintWarning) -> bool:
    """Whether the deck's author acknowledged this warning: a `# lint: allow CODE` comment
    on its line or on the line just above (like a linter's `noqa`), for a disclosure that
    is meant, say. The reason belongs in the same comment."""
    if not w.line:
        return False
    lines = source.splitlines()
    for n in (w.line, w.line - 1):
        if 1 <= n <= len(lines):
            m = _ALLOW.search(lines[n - 1])
            if m and w.code in {c.strip() for c in re.split(r"[,\s]+", m.group(1)) if c.strip()}:
                return True
    return False


def _fmt(x: float) -> str:
    return f"{x:g}"
