"""Where a deck's expressions are, what each effect writes and what each expression reads.

Lint reasons over every expression of the deck and the changes its effects make; both
are read off the intermediate form the compiler kept (`CompiledDeck.code`), by path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from wargame.deck.compile import CompiledDeck
from wargame.deck.ir import (
    ChangeTrack,
    Clock,
    EffectNode,
    EventHistory,
    Fired,
    Flag,
    Node,
    Plays,
    Reveal,
    SetFlag,
    SetTrack,
    Track,
    walk,
)
from wargame.deck.locate import Path


@dataclass(frozen=True, slots=True)
class Site:
    """One expression (or effect) in the deck and where it is."""

    path: Path
    text: str
    kind: str
    """`requires`, `chance`, `effect`, `when`, `objective`, `weight`."""
    node: Node | EffectNode
    """Its intermediate form."""


def node_at(deck: CompiledDeck, path: Path) -> Node | None:
    """The expression at `path` in intermediate form (None: none there, or an effect)."""
    code = deck.code.get(path)
    node = code.node if code is not None else None
    return None if isinstance(node, SetTrack | ChangeTrack | SetFlag | Reveal) else node


def expression_sites(deck: CompiledDeck) -> Iterator[Site]:
    """Every expression and effect of the deck with its path in the TOML."""
    model = deck.model
    texts: list[tuple[Path, str, str]] = []
    for i, move in enumerate(model.moves):
        if move.requires:
            texts.append((("moves", i, "requires"), move.requires, "requires"))
        if isinstance(move.chance, str):
            texts.append((("moves", i, "chance"), move.chance, "chance"))
        for outcome in ("success", "failure", "always"):
            for j, text in enumerate(getattr(move, outcome).effects):
                texts.append((("moves", i, outcome, "effects", j), text, "effect"))
        if move.offer is not None:  # one offer per target: its `expire` effects
            for j, text in enumerate(move.offer.expire.effects):
                texts.append((("moves", i, "offer", "expire", "effects", j), text, "effect"))
    for i, event in enumerate(model.events):
        if event.when:
            texts.append((("events", i, "when"), event.when, "when"))
        if isinstance(event.chance, str):
            texts.append((("events", i, "chance"), event.chance, "chance"))
        for j, text in enumerate(event.effects):
            texts.append((("events", i, "effects", j), text, "effect"))
        for k, one in enumerate(event.outcomes):
            if isinstance(one.weight, str):
                texts.append((("events", i, "outcomes", k, "weight"), one.weight, "chance"))
            for j, text in enumerate(one.effects):
                texts.append((("events", i, "outcomes", k, "effects", j), text, "effect"))
    for i, move in enumerate(model.moves):
        if isinstance(move.detection, str):
            texts.append((("moves", i, "detection"), move.detection, "chance"))
    for i, line in enumerate(model.coach):
        if line.when:
            texts.append((("coach", i, "when"), line.when, "when"))
    for i, ending in enumerate(model.endings):
        if ending.when:
            texts.append((("endings", i, "when"), ending.when, "when"))
    for actor_id, actor in model.actors.items():
        for j, obj in enumerate(actor.objectives):
            texts.append((("actors", actor_id, "objectives", j, "when"), obj.when, "objective"))
        if isinstance(actor.orders_per_turn, str):
            texts.append((("actors", actor_id, "orders_per_turn"), actor.orders_per_turn, "requires"))
        for name, doc in actor.doctrines.items():
            for j, obj in enumerate(doc.objectives):
                texts.append((("actors", actor_id, "doctrines", name, "objectives", j, "when"), obj.when, "objective"))
            for move_id, weight in doc.weights.items():
                if isinstance(weight, str):
                    texts.append((("actors", actor_id, "doctrines", name, "weights", move_id), weight, "weight"))
            if isinstance(doc.default_weight, str):
                texts.append((("actors", actor_id, "doctrines", name, "default_weight"), doc.default_weight, "weight"))
    for path, text, kind in texts:
        code = deck.code.get(path)
        if code is not None:  # every expression of a deck that loaded was compiled
            yield Site(path, text, kind, code.node)


@dataclass(frozen=True, slots=True)
class Write:
    """One effect: what it writes and how."""

    path: Path
    text: str
    target: tuple[str, int] | None
    """('slot', i) or ('flag', i); None for reveal()."""
    op: str
    """`=`, `+=` or `-=` (empty for reveal())."""
    value: Node | None
    source: tuple[str, int]
    """('move', index) or ('event', index): who makes this change."""
    outcome: str
    """`success`, `failure`, `always` (moves) or `effects` (events)."""


def _write(deck: CompiledDeck, path: Path, text: str, source: tuple[str, int], outcome: str) -> Write:
    code = deck.code.get(path)
    node = code.node if code is not None else None
    if isinstance(node, SetTrack | SetFlag):
        return Write(path, text, ("flag" if isinstance(node, SetFlag) else "slot", node.slot), "=", node.value, source, outcome)
    if isinstance(node, ChangeTrack):
        return Write(path, text, ("slot", node.slot), "+=" if node.sign > 0 else "-=", node.value, source, outcome)
    return Write(path, text, None, "", None, source, outcome)


def writes(deck: CompiledDeck) -> list[Write]:
    """Every effect of every move, offer and event."""
    out: list[Write] = []
    for i, move in enumerate(deck.model.moves):
        for outcome in ("success", "failure", "always"):
            for j, text in enumerate(getattr(move, outcome).effects):
                out.append(_write(deck, ("moves", i, outcome, "effects", j), text, ("move", i), outcome))
    for offer in deck.offers:  # an offer left unanswered: its `expire` effects
        spec = deck.model.moves[offer.move].offer
        for j, text in enumerate(spec.expire.effects if spec is not None else ()):
            out.append(_write(deck, ("moves", offer.move, "offer", "expire", "effects", j), text, ("move", offer.move), "expire"))
    for i, event in enumerate(deck.model.events):
        for j, text in enumerate(event.effects):
            out.append(_write(deck, ("events", i, "effects", j), text, ("event", i), "effects"))
        for k, one in enumerate(event.outcomes):  # a weighted one-of event's outcomes
            for j, text in enumerate(one.effects):
                out.append(_write(deck, ("events", i, "outcomes", k, "effects", j), text, ("event", i), "effects"))
    return out


def reads(node: Node | EffectNode | None) -> set[tuple[str, int]]:
    """What an expression (or effect) looks at: ('slot', i), ('flag', i), ('move', i),
    ('event', i) or ('turn', 0). An effect's own target is not among them; a reveal()
    counts as reading its move."""
    out: set[tuple[str, int]] = set()
    if node is None:
        return out
    for n in walk(node):
        if isinstance(n, Track):
            out.add(("slot", n.slot))
        elif isinstance(n, Flag):
            out.add(("flag", n.slot))
        elif isinstance(n, Clock) and n.which == "turn":
            out.add(("turn", 0))
        elif isinstance(n, Plays | Reveal):
            out.add(("move", n.index))
        elif isinstance(n, Fired | EventHistory):
            out.add(("event", n.index))
    return out


def name_of(deck: CompiledDeck, what: tuple[str, int]) -> str:
    """A read or a write as the author would write it."""
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


__all__ = ["Site", "Write", "expression_sites", "name_of", "node_at", "reads", "writes"]
