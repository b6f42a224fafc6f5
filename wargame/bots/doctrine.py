"""Doctrine bots: computer seats that play a personality declared in the deck.

A doctrine gives each of an actor's moves a weight (a number or an expression over the
state); the bot draws its orders in proportion to weight ** (1 / temperature), without
replacement, reading only its seat's belief state, and says in words why it chose each.
"""

from __future__ import annotations

import random
import weakref
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from itertools import accumulate

from wargame.bots.answers import Pending, draw_answer, split_answers
from wargame.bots.base import Decision, QuietDecide
from wargame.deck.compile import CDoctrine, CMove, CompiledDeck
from wargame.deck.ir import NEVER_SINCE, Clock, Fired, Flag, Node, Plays, Reads, Track, walk_breadth
from wargame.engine.state import State
from wargame.observe.view import PlayerView
from wargame.observe.visibility import Viewer, hidden_inputs
from wargame.words import count, number

Fact = Callable[[State, frozenset[int]], str]
"""Describes one thing a weight expression reads, e.g. "Tension is 6"."""


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def draw_orders(
    weights: Sequence[float], k: int, temperature: float, rng: random.Random
) -> list[tuple[int, float]]:
    """Draw up to `k` distinct positions in proportion to weight ** (1 / temperature).

    Returns (position, share) pairs in draw order, where share is the position's part of
    the total preference at the first draw (its chance when one order is drawn). Weights
    of zero or less are never drawn, so fewer than `k` may come back.
    """
    power = 1.0 / temperature
    # w ** 1.0 is w exactly: the usual temperature costs no power.
    pref = [w if w > 0 else 0.0 for w in weights] if power == 1.0 else [w**power if w > 0 else 0.0 for w in weights]
    total = sum(pref)
    if total <= 0:
        return []
    out: list[tuple[int, float]] = []
    for _ in range(k):
        remaining = sum(pref)  # summed afresh each draw: no float residue from subtraction
        if remaining <= 0:
            break
        target = rng.random() * remaining
        # The first position whose running total passes the target (a position that
        # weighs 0 adds nothing, so it is never the first); rounding at the top end: the
        # last that weighs anything. The running totals are the same sums, in C.
        totals = list(accumulate(pref))
        pick = bisect_right(totals, target)
        if pick == len(pref):
            pick = max(i for i, p in enumerate(pref) if p > 0)
        out.append((pick, pref[pick] / total))
        pref[pick] = 0.0
    return out


_FACT_CACHE: dict[int, tuple[weakref.ref[CompiledDeck], dict[Node, list[Fact]]]] = {}
"""Per deck (by identity, checked with a weak reference), weight expression to its facts:
bots are made per game, and finding every weight's facts again each game would cost more
than playing it."""


def facts_for(deck: CompiledDeck, node: Node | None) -> list[Fact]:
    """The facts a weight expression (in intermediate form) reads, cached per deck; none
    for a weight that is a number."""
    if node is None:
        return []
    entry = _FACT_CACHE.get(id(deck))
    if entry is None or entry[0]() is not deck:
        entry = _FACT_CACHE[id(deck)] = (weakref.ref(deck), {})
    cache = entry[1]
    facts = cache.get(node)
    if facts is None:
        facts = cache[node] = _facts(deck, node)
    return facts


def _track_fact(slot: int, label: str) -> Fact:
    def fact(s: State, hidden: frozenset[int]) -> str:
        return f"{label} is {'unknown' if slot in hidden else number(s.v[slot])}"

    return fact


def _flag_fact(i: int, words: str, on: str | None, off: str | None) -> Fact:
    """A flag as a reason reads it: a labelled flag says what holds now, in the deck's
    words for on and off (`ICBM moratorium over`); a flag without a label says its name
    and `on` or `off` (`icbm moratorium is off`), as reasons always have."""
    def fact(s: State, hidden: frozenset[int]) -> str:
        said = on if s.f[i] else off
        return said if said is not None else f"{words} is {'on' if s.f[i] else 'off'}"

    return fact


def _turn_fact(unit: str) -> Fact:
    def fact(s: State, hidden: frozenset[int]) -> str:
        return f"it is {unit} {s.turn} of {s.turns}"

    return fact


def _move_fact(fn: str, i: int, name: str, unit: str) -> Fact | None:
    def times(n: int) -> str:
        return count(n, "time")

    def played(s: State, hidden: frozenset[int]) -> str:
        return f"{name} played {times(s.counts[i])}" if s.counts[i] else f"{name} not played yet"

    def succeeded(s: State, hidden: frozenset[int]) -> str:
        return f"{name} succeeded {times(s.wins[i])}"

    def since(s: State, hidden: frozenset[int]) -> str:
        if s.last[i] < 0:
            return f"{name} never played"
        n = min(NEVER_SINCE, s.turn - s.last[i])
        return f"{name} last played {count(n, unit)} ago"

    def revealed(s: State, hidden: frozenset[int]) -> str:
        return f"{name} {'revealed' if s.revealed[i] else 'not revealed'}"

    return {"played": played, "count": played, "succeeded": succeeded, "since": since, "revealed": revealed}.get(fn)


def _event_fact(i: int, name: str) -> Fact:
    def fact(s: State, hidden: frozenset[int]) -> str:
        return f"{name} {'has happened' if s.fired[i] else 'has not happened'}"

    return fact


def _facts(deck: CompiledDeck, node: Node) -> list[Fact]:
    """What a weight expression reads, as functions that describe its current value, in
    the order its reasons have always quoted them (breadth first through the expression)."""
    unit = deck.turn_name
    facts: list[Fact] = []
    seen: set[object] = set()
    for n in walk_breadth(node):
        fact: Fact | None = None
        if isinstance(n, Track):
            fact = _track_fact(n.slot, deck.slot_label(n.slot))
        elif isinstance(n, Clock) and n.which == "turn":
            fact = _turn_fact(unit)
        elif isinstance(n, Flag):
            fact = _flag_fact(n.slot, deck.flag_names[n.slot].replace("_", " "), deck.flag_words(n.slot, True), deck.flag_words(n.slot, False))
        elif isinstance(n, Plays):
            fact = _move_fact(n.fn, n.index, deck.moves[n.index].name, unit)
        elif isinstance(n, Fired):
            fact = _event_fact(n.index, deck.events[n.index].name)
        if fact is not None and n not in seen:
            seen.add(n)
            facts.append(fact)
    return facts


class _Plan:
    """What a doctrine seat reads of its doctrine, by move index: built once per deck,
    actor and doctrine (bots are made per game; a simulation makes thousands)."""

    __slots__ = ("node", "reads", "seen", "source", "weight")

    def __init__(self, deck: CompiledDeck, actor: str, doctrine: CDoctrine) -> None:
        own = deck.moves_by_actor[actor]
        # Doctrine weights are stored in the actor's move order; legal moves arrive as
        # CMoves, so map each move's deck index to its weight function.
        self.weight = {m.index: doctrine.weights[pos] for pos, m in enumerate(own)}
        self.source = {m.index: doctrine.weight_source[pos] for pos, m in enumerate(own)}
        self.node = {m.index: doctrine.weight_nodes[pos] for pos, m in enumerate(own)}
        self.reads = Reads.union([*doctrine.weight_reads, *(w.reads for w in doctrine.waits.values())])
        """Everything the doctrine's weights (and its weights for waiting on offers) read:
        what the seat's view is asked for."""
        self.seen = not hidden_inputs(Viewer.seat(actor), deck, self.reads)
        """Whether the seat sees all its weights read (as the loader requires): its view's
        reading is then the state itself, and it may decide `quiet`ly, without a view."""


_PLANS: dict[int, tuple[weakref.ref[CompiledDeck], dict[tuple[str, str], _Plan]]] = {}


def _plan(deck: CompiledDeck, actor: str, doctrine: CDoctrine) -> _Plan:
    entry = _PLANS.get(id(deck))
    if entry is None or entry[0]() is not deck:
        entry = _PLANS[id(deck)] = (weakref.ref(deck), {})
    plan = entry[1].get((actor, doctrine.id))
    if plan is None:
        plan = entry[1][(actor, doctrine.id)] = _Plan(deck, actor, doctrine)
    return plan


class DoctrineBot:
    """Plays one of an actor's doctrines from the deck: weighted draws, explained.

    Weights are evaluated on what the seat knows (`view.reading`: its belief, or the state
    itself when the weights read nothing hidden from it, as the loader requires); the
    draw uses the doctrine's temperature. Ties and the draw itself come from the bot's own
    seeded stream, so the same seed and the same views give the same orders.
    """

    quiet: QuietDecide | None = None
    """`decide` without a view (`bots.base.quiet_decider`), when the seat sees all its
    weights read (set per bot); declared here, beside `decide`, so `quiet_decider` finds it."""

    def __init__(self, deck: CompiledDeck, actor: str, doctrine: CDoctrine, seed: int) -> None:
        self.deck = deck
        self.actor = actor
        self.doctrine = doctrine
        self.rng = random.Random(seed)
        self.label = f"Doctrine: {doctrine.id}"
        self.explain = True
        plan = _plan(deck, actor, doctrine)
        self._weight = plan.weight
        self._source = plan.source
        self._node = plan.node
        self._reads = plan.reads
        self.quiet = self._quiet if plan.seen else None

    def weights(self, state: State, legal: Sequence[CMove]) -> list[float]:
        """The doctrine's weight for each legal move on `state` (negative counts as 0)."""
        weight = self._weight
        out = [float(weight[m.index](state)) for m in legal]
        return [w if w > 0 else 0.0 for w in out]

    def decide(self, view: PlayerView, legal: Sequence[CMove], allowed: int) -> Decision:
        state = view.reading(self._reads)
        return self.choose(lambda moves: self.weights(state, moves), legal, allowed, view, state)

    def _quiet(self, state: State, legal: Sequence[CMove], allowed: int) -> Decision:
        # What `decide` does when the view's reading is the state itself, with no reasons spelt out.
        return self.choose(lambda moves: self.weights(state, moves), legal, allowed, None, state)

    def choose(self, weigh: Callable[[Sequence[CMove]], list[float]], legal: Sequence[CMove], allowed: int,
               view: PlayerView | None = None, state: State | None = None, waits: Mapping[int, float] | None = None) -> Decision:
        """The decision `decide` makes, from the weights `weigh` gives moves (negative as 0):
        for a caller that has them already (the batched engine's exact mode, which gives
        the weights for waiting too, by offer slot, instead of a `state` to read them on).
        Reasons are spelt out from `view` when `explain` is on; without a view they are the label."""
        legal, pending = split_answers(legal)
        explain = view if self.explain else None
        decision = self._orders(weigh, legal, allowed, explain)
        if not pending:
            return decision
        answers, reasons = self._answers(weigh, pending, explain, state, waits)
        if not decision.orders:  # "Stands pat" is about orders: the answers speak for themselves
            return Decision(answers, reasons) if answers else Decision((), reasons or decision.reasons)
        return Decision(answers + decision.orders, reasons + decision.reasons)

    def _answers(self, weigh: Callable[[Sequence[CMove]], list[float]], pending: list[Pending],
                 view: PlayerView | None, state: State | None = None,
                 waits: Mapping[int, float] | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Accept, refuse or wait on each offer waiting for this seat, drawn by the doctrine's
        weights for `OFFER/accept`, `OFFER/refuse` and `OFFER/wait`, with a reason each."""
        orders: list[str] = []
        reasons: list[str] = []
        for p in pending:
            wa, wr = weigh((p.accept, p.refuse))
            wait = self.doctrine.waits.get(p.gate)
            if waits is not None:
                ww = max(0.0, waits.get(p.gate, 0.0))
            else:
                ww = max(0.0, float(wait.fn(state))) if wait is not None and state is not None else 0.0
            answer = draw_answer(p, wa, wr, self.doctrine.temperature, self.rng, ww)
            if ww > 0:
                weighs = (f"{self.doctrine.id} doctrine weighs accepting {number(wa)}, refusing {number(wr)} "
                          f"and waiting {number(ww)}")
            else:
                weighs = f"{self.doctrine.id} doctrine weighs accepting {number(wa)} against refusing {number(wr)}"
            if answer.move is None:
                if view is not None:
                    odds = f" ({answer.share:.0%} chance of waiting)" if ww > 0 else ""
                    node = wait.node if wait is not None else None
                    said = "; ".join(f(state, view.hidden_slots) for f in facts_for(self.deck, node)) if state is not None else ""
                    reasons.append(f"Leaves the offer unanswered ({p.accept.name}): the {weighs}{odds}" + (f": {said}." if said else "."))
                continue
            orders.append(answer.move.id)
            if view is None:
                reasons.append(self.label)
                continue
            state = view.reading(self._reads)
            facts = facts_for(self.deck, self._node[answer.move.index])
            said = "; ".join(f(state, view.hidden_slots) for f in facts)
            reasons.append(f"{answer.move.name}: the {weighs} ({answer.share:.0%} chance of this answer)" + (f": {said}." if said else "."))
        return tuple(orders), tuple(reasons)

    def _orders(self, weigh: Callable[[Sequence[CMove]], list[float]], legal: Sequence[CMove], allowed: int,
                view: PlayerView | None) -> Decision:
        doctrine = self.doctrine
        k = allowed if doctrine.orders is None else min(allowed, doctrine.orders)
        if k <= 0 or not legal:
            why = "no move is available this turn" if not legal else f"the {doctrine.id} doctrine gives no orders"
            return Decision((), (f"Stands pat: {why}.",))
        weights = weigh(legal)
        picks = draw_orders(weights, k, doctrine.temperature, self.rng)
        if view is None:
            return Decision(tuple(legal[pos].id for pos, _ in picks), (self.label,) * len(picks))
        positive = sum(1 for w in weights if w > 0)
        # Equal weights share a rank: "1st of 4" means nothing available is liked more.
        rank = {pos: 1 + sum(1 for w in weights if w > weights[pos]) for pos, _ in picks}
        state = view.reading(self._reads)
        hidden = view.hidden_slots
        orders = tuple(legal[pos].id for pos, _ in picks)
        reasons = tuple(self._reason(legal[pos], weights[pos], rank[pos], positive, share, state, hidden) for pos, share in picks)
        return Decision(orders, reasons)

    def _reason(self, move: CMove, weight: float, rank: int, of: int, share: float, state: State, hidden: frozenset[int]) -> str:
        source = self._source[move.index]
        facts = facts_for(self.deck, self._node[move.index])
        head = (
            f"{move.name}: {self.doctrine.id} doctrine weight {number(weight)} "
            f"({_ordinal(rank)} of {of} available, {share:.0%} share)"
        )
        if not facts:
            return f"{head}, a standing preference."
        said = "; ".join(f(state, hidden) for f in facts)
        return f"{head} from `{source}`: {said}."
