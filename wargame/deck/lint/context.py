"""What every lint check gets and gives: the deck with what can happen in it, and warnings.

A warning found in a move made for one target of a targeted move is reported where the
author wrote the move, once, naming the targets it holds for when not all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wargame.deck.compile import CompiledDeck
from wargame.deck.ir import Node
from wargame.deck.lint.interpreter import AV, Interpreter, Reach
from wargame.deck.lint.readwrite import Write
from wargame.deck.locate import LineIndex, Path, format_path
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

    def eval(self, node: Node | None, turn: tuple[float, float] | None = None) -> AV:
        """An expression's value over everything reachable (on `turn`, when given)."""
        saved = self.reach.turn
        if turn is not None:
            self.reach.turn = turn
        try:
            return Interpreter(self.deck, self.reach).run(node)
        finally:
            self.reach.turn = saved

    def interpreter(self) -> Interpreter:
        return Interpreter(self.deck, self.reach)


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


def with_targets(c: Context) -> None:
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


__all__ = ["Context", "LintWarning", "with_targets"]
