"""What can ever happen in a game of a deck: reachable track ranges, flags, moves and events.

The least fixed point of "what can happen", grown from the start state: every move that
may be ordered and every event that may fire applies its effects to the ranges, until
nothing grows. Anything outside it can never happen in any game, so lint may say so.
"""

from __future__ import annotations

from wargame.deck.compile import CompiledDeck
from wargame.deck.lint.interpreter import Interpreter, Reach, chance
from wargame.deck.lint.readwrite import Write, writes


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
    # A doctrine seated from the start may start its actor's tracks elsewhere.
    for doctrines in deck.doctrines.values():
        for doctrine in doctrines.values():
            for name, value in doctrine.start.items():
                slot = deck.slot_names.index(name)
                lo, hi = reach.slots[slot]
                reach.slots[slot] = (min(lo, value), max(hi, value))
    ev = Interpreter(deck, reach)
    all_writes = writes(deck)
    for _ in range(200):  # each round adds a move or event or widens a range; few are needed
        grown = False
        for i, move in enumerate(model.moves):
            if i in reach.moves or i in forbid:
                continue
            compiled = deck.moves[i]
            gate = compiled.gate
            if compiled.answer is not None and gate is not None:
                # An answer costs no order, and there is one to give once its offer went out.
                if deck.offers[gate].move in reach.moves:
                    reach.moves.add(i)
                    grown = True
                continue
            if model.actors[move.actor].orders_per_turn == 0:
                continue
            if compiled.requires_node is None or ev.expr(compiled.requires_node).t:
                reach.moves.add(i)
                grown = True
        for i, event in enumerate(deck.events):
            if i in reach.events:
                continue
            if event.inject or may_fire(ev, i):
                reach.events.add(i)
                grown = True
        for w in all_writes:
            kind, index = w.source
            if (index not in reach.moves) if kind == "move" else (index not in reach.events):
                continue
            if kind == "move" and not outcome_possible(ev, index, w.outcome):
                continue
            if w.target is None or w.value is None:
                continue
            grown |= _apply(ev, reach, deck, w)
        if not grown:
            break
    return reach


def may_fire(ev: Interpreter, index: int) -> bool:
    """Whether event `index` may fire on some turn of `ev`'s reach (on its `at` turn, if any)."""
    event = ev.deck.events[index]
    reach = ev.reach
    saved = reach.turn
    if event.at is not None:
        reach.turn = (float(event.at), float(event.at))
    try:
        if event.when_node is not None and not ev.expr(event.when_node).t:
            return False
        return chance(ev, event.chance_const, event.chance_node).hi > 0
    finally:
        reach.turn = saved


def move_chance(ev: Interpreter, index: int) -> tuple[float, float]:
    """The range of move `index`'s chance of success."""
    move = ev.deck.moves[index]
    p = chance(ev, move.chance_const, move.chance_node)
    return p.lo, p.hi


def outcome_possible(ev: Interpreter, index: int, outcome: str) -> bool:
    """Whether move `index` may end in `outcome` (`success`, `failure`; anything else always)."""
    lo, hi = move_chance(ev, index)
    if outcome == "success":
        return hi > 0
    if outcome == "failure":
        return lo < 1
    return True


def _apply(ev: Interpreter, reach: Reach, deck: CompiledDeck, w: Write) -> bool:
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


__all__ = ["may_fire", "move_chance", "outcome_possible", "reachable"]
