"""Events seen in order: an event above another can change, on the same turn, whether it fires.

Events fire in deck order, each seeing the effects of those above it. For each pair
where the lower event's trigger reads what the upper one writes, lint tries seeded
sample states within the reachable ranges and reports when the order decides, or when
the upper event always clears the lower one's trigger first. The compiled functions run
on a stand-in for the engine's state (the deck layer may not import the engine).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from wargame.deck.compile import CEvent, CompiledDeck
from wargame.deck.lint.context import Context
from wargame.deck.lint.interpreter import Reach
from wargame.deck.lint.readwrite import Write, name_of, reads


class _Probe:
    """A stand-in for the engine's state, enough for compiled deck functions to run on
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
        if s.turn < 1:
            yield s  # the opening: nothing has been played or has fired yet
            continue
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
        b_reads = reads(b.when_node)
        for i in range(j):
            a = events[i]
            if a.inject or i not in c.reach.events:
                continue
            if a.at is not None and b.at is not None and a.at != b.at:
                continue
            if (a.at == 0) != (b.at == 0):  # the opening fires its own events only (at = 0)
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
            names = ", ".join(name_of(deck, x) for x in shared)
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


__all__ = ["SAMPLES", "check_event_order"]
