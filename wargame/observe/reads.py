"""What a chance read when it was rolled: each thing its expression reads, from the
intermediate form the deck was compiled to (no deck text is parsed again).

The debrief shows each roll's expression and the value of everything it read at that point
of the turn; `build` asks here for those parts and shows each value only where
`visibility` lets its viewer see what that part reads.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from wargame.deck.codegen import Fn, compile_expression
from wargame.deck.compile import CompiledDeck
from wargame.deck.ir import Leaf, Node, Reads, names_read, reads_of, unparse
from wargame.engine.state import Roll


@dataclass(frozen=True, slots=True)
class Part:
    """One thing an expression reads: as written, a function of the state, what it reads."""

    text: str
    fn: Fn
    reads: Reads


def chance_of(deck: CompiledDeck, roll: Roll) -> tuple[str, Node | None]:
    """The chance behind a move's or an event's roll as the deck wrote it, and in
    intermediate form; nothing for a fixed chance or any other roll."""
    if roll.kind == "move" and roll.key in deck.move_index:
        move = deck.moves[deck.move_index[roll.key]]
        return move.chance_source or "", move.chance_node
    if roll.kind != "event" or roll.key not in deck.event_index:
        return "", None
    index = deck.event_index[roll.key]
    chance = deck.model.events[index].chance
    return (chance, deck.events[index].chance_node) if isinstance(chance, str) else ("", None)


_PARTS: dict[int, tuple[weakref.ref[CompiledDeck], dict[Leaf, Part]]] = {}
"""Per deck (by identity, checked with a weak reference): each part compiled once."""


def parts(deck: CompiledDeck, node: Node | None) -> list[Part]:
    """Each value `node` reads, in order, compiled once per deck."""
    if node is None:
        return []
    entry = _PARTS.get(id(deck))
    if entry is None or entry[0]() is not deck:
        entry = _PARTS[id(deck)] = (weakref.ref(deck), {})
    cache = entry[1]
    out = []
    for leaf in names_read(node):
        if leaf not in cache:
            cache[leaf] = Part(unparse(leaf, deck.slot_names, deck.flag_names), compile_expression(leaf), reads_of(leaf))
        out.append(cache[leaf])
    return out
