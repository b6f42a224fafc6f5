"""What a chance read when it was rolled: the parts of its expression, each compiled once.

The debrief shows each roll's expression and the value of everything it read at that point
of the turn; `build` asks here for the parts and shows each value only where `visibility`
lets its viewer see what that part reads.
"""

from __future__ import annotations

import ast
import weakref

from wargame.deck.compile import CompiledDeck
from wargame.deck.expr import Expression, compile_expression
from wargame.engine.state import Roll
from wargame.errors import ExpressionError

_MOVE_FUNCS = frozenset({"played", "count", "succeeded", "since", "ordered"})
"""Functions that read a move's plays (or this turn's sealed orders): as secret as the move."""
_PUBLIC_FUNCS = frozenset({"revealed", "fired"})
"""Functions that read what is public news (a reveal, an event firing)."""


def chance_source(deck: CompiledDeck, roll: Roll) -> str:
    """The chance expression behind a roll as the deck wrote it, or empty for a fixed one."""
    if roll.kind == "detect":
        return ""
    if roll.kind == "move":
        index = deck.move_index.get(roll.key)
        return (deck.moves[index].chance_source or "") if index is not None else ""
    key = roll.key.partition("#")[0] if roll.kind == "outcome" else roll.key
    if roll.kind == "outcome" or key not in deck.event_index:
        return ""
    event = deck.model.events[deck.event_index[key]]
    return event.chance if isinstance(event.chance, str) else ""


def _leaf_texts(source: str) -> list[str]:
    """The things an expression reads, as written, in order and without repeats."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return []
    out: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            if node.id not in {"true", "false", "True", "False"}:
                out.append(node.id)
            return
        if isinstance(node, ast.Attribute):
            out.append(ast.unparse(node))
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _MOVE_FUNCS | _PUBLIC_FUNCS:
            out.append(ast.unparse(node))
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(node, ast.Call) and child is node.func:
                continue
            visit(child)

    visit(tree.body)
    return list(dict.fromkeys(out))


_COMPILED: dict[int, tuple[weakref.ref[CompiledDeck], dict[str, Expression | None]]] = {}
"""Per deck (by identity, checked with a weak reference): each leaf compiled once."""


def _leaf(deck: CompiledDeck, text: str) -> Expression | None:
    entry = _COMPILED.get(id(deck))
    if entry is None or entry[0]() is not deck:
        entry = _COMPILED[id(deck)] = (weakref.ref(deck), {})
    cache = entry[1]
    if text not in cache:
        try:
            # "num" compiles conditions too (only "bool" insists on one).
            cache[text] = compile_expression(text, deck.scope, "num")
        except ExpressionError:
            cache[text] = None
    return cache[text]


def leaves(deck: CompiledDeck, source: str) -> list[Expression]:
    """Each thing `source` reads, compiled (what it reads, and a function of the state)."""
    return [e for e in (_leaf(deck, text) for text in _leaf_texts(source)) if e is not None]
