"""Lookahead bots: choose orders by playing the game forward many times (Monte Carlo).

From the seat's belief (never the real state) the bot builds determinised games, with
whatever it cannot see sampled uniformly, plays each to the end with fast default
policies, and keeps the orders whose playouts met its objectives best. Its strength is
a budget of playouts, so "easy", "normal" and "hard" are budgets.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wargame.bots.answers import Pending, draw_answer, random_answer, split_answers
from wargame.bots.base import Decision
from wargame.bots.doctrine import draw_orders
from wargame.deck.compile import CDoctrine, CMove, CompiledDeck
from wargame.engine.game import Game
from wargame.engine.state import State
from wargame.errors import WargameError
from wargame.observe.view import PlayerView

BUDGETS: dict[str, int] = {"easy": 80, "normal": 300, "hard": 1000}
"""Named strengths, in playouts per decision. "normal" is the default."""
DEFAULT_BUDGET = "normal"
MAX_BUDGET = 100_000
MAX_DIRECT = 10
"""At most this many candidate order sets are compared head to head; with more, a
screening phase first narrows the moves down."""
SHAPING = 0.1
"""Weight of the tie-breaker: objective points met after each turn, averaged over the
playout. It prefers orders that meet objectives sooner and keep them, without ever
outweighing a point at the end."""

HORIZON: int | None = None
"""Turns each playout looks ahead (None: to the end of the game). Objectives are scored
where the playout stops."""

HOLD = -1
"""Stands for "one order fewer" among the candidates, so holding back can win."""


def parse_budget(arg: str) -> tuple[int | None, float | None]:
    """`""`, `easy|normal|hard`, `N` (playouts) or `Nms` (milliseconds a decision).

    Returns (playouts, seconds); exactly one is set. Raises `WargameError` otherwise.
    """
    text = (arg or DEFAULT_BUDGET).strip().lower()
    if text in BUDGETS:
        return BUDGETS[text], None
    try:
        if text.endswith("ms"):
            ms = float(text[:-2])
            if not 1 <= ms <= 600_000:
                raise ValueError
            return None, ms / 1000
        n = int(text)
        if not 1 <= n <= MAX_BUDGET:
            raise ValueError
        return n, None
    except ValueError:
        raise WargameError(
            f"lookahead budget '{arg}' should be easy, normal, hard, a number of playouts "
            f"(1..{MAX_BUDGET}, e.g. lookahead:200) or milliseconds (e.g. lookahead:300ms)"
        ) from None


@dataclass
class _Stats:
    """Playout results of one candidate order set (or one move, when screening)."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0
    """The sum of squared scores, for the uncertainty of the mean."""
    met: list[int] = field(default_factory=list)
    """Playouts in which each of the actor's objectives was met at the end."""

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else float("-inf")

    @property
    def variance_of_mean(self) -> float:
        if self.n < 2:
            return float("inf")
        var = max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))
        return var / self.n


class _Policy:
    """A fast default policy for one actor in playouts: its first doctrine, else random."""

    def __init__(self, deck: CompiledDeck, actor: str, doctrine: CDoctrine | None) -> None:
        self.actor = actor
        self.deck = deck
        self.allowed = deck.orders_per_turn(actor)
        """At most this many orders (`choose` asks the deck for the turn's own allowance)."""
        self.doctrine = doctrine
        own = deck.moves_by_actor[actor]
        self.weight = {m.index: doctrine.weights[pos] for pos, m in enumerate(own)} if doctrine else {}
        if doctrine is not None and doctrine.orders is not None:
            self.allowed = min(self.allowed, doctrine.orders)

    def choose(self, game: Game, rng: random.Random) -> tuple[str, ...]:
        legal, pending = split_answers(game.available_moves(self.actor))
        answers = self.answer(game.state, pending, rng) if pending else ()
        allowed = self.allowed if self.actor not in self.deck.orders_fns else min(self.allowed, self.deck.orders_per_turn(self.actor, game.state))
        k = min(allowed, len(legal))
        if k <= 0:
            return answers
        if self.doctrine is None:
            return answers + tuple(m.id for m in rng.sample(list(legal), k))
        s = game.state
        weights = [float(self.weight[m.index](s)) for m in legal]
        return answers + tuple(legal[pos].id for pos, _ in draw_orders(weights, k, self.doctrine.temperature, rng))

    def answer(self, s: State, pending: list[Pending], rng: random.Random) -> tuple[str, ...]:
        """Answers to the offers waiting: by the doctrine's weights, else at even odds."""
        out = []
        for p in pending:
            if self.doctrine is None:
                chosen = random_answer(p, rng)
            else:
                wait = self.doctrine.waits.get(p.gate)
                chosen = draw_answer(p, float(self.weight[p.accept.index](s)), float(self.weight[p.refuse.index](s)), self.doctrine.temperature, rng,
                                     float(wait.fn(s)) if wait is not None else 0.0)
            if chosen.move is not None:
                out.append(chosen.move.id)
        return tuple(out)


class LookaheadBot:
    """Flat Monte Carlo over order sets, with screening and sequential halving.

    Each decision: (1) if there are many candidate order sets, a screening phase plays
    random order sets and ranks single moves by the mean score of playouts that used
    them; (2) the order sets built from the best moves (or all sets, when few) are
    compared by sequential halving, every set played on the same determinised games and
    dice (common random numbers) so the comparison is fair. A playout scores the actor's
    objective points at the end, plus `SHAPING` times the points it held on average.

    In playouts the other seats follow their deck's first doctrine (random if they have
    none) and this seat plays at random after the first turn (`own_policy`); in the
    tournament a random continuation scored as well or better than the seat's own
    doctrine, which can steer every playout the same (wrong) way.
    """

    def __init__(self, deck: CompiledDeck, actor: str, budget: str, seed: int, *, own_policy: str = "random") -> None:
        self.deck = deck
        self.actor = actor
        self.rng = random.Random(seed)
        self.budget, self.seconds = parse_budget(budget)
        strength = (budget or DEFAULT_BUDGET).strip().lower()
        self.label = f"Lookahead ({strength}{'' if strength in BUDGETS or strength.endswith('ms') else ' playouts'})"
        self.policies = {}
        for a in deck.actors:
            doctrines = deck.doctrines.get(a, {})
            first = next(iter(doctrines.values()), None)
            if a == actor and own_policy == "random":
                first = None
            self.policies[a] = _Policy(deck, a, first)
        self.answerer = _Policy(deck, actor, next(iter(deck.doctrines.get(actor, {}).values()), None))
        """How this seat answers offers: its first doctrine (even odds without one)."""
        self.objectives = [(o.when, o.points) for o in deck.objectives[actor]]
        self.objective_text = [o.text for o in deck.objectives[actor]]
        self.playouts = 0
        """Playouts run in the last decision (for benchmarks and tests)."""
        self.explain = True

    # -- one playout ---------------------------------------------------------------------
    def _points(self, s: State) -> float:
        return sum(points for when, points in self.objectives if when(s))

    def _playout(self, belief: State, hidden: Sequence[int], seed: int, orders: tuple[str, ...], stats: Sequence[_Stats]) -> None:
        deck = self.deck
        rng = random.Random(seed)
        state = belief.copy()
        # What the seat cannot see is sampled, never read: each playout is one guess.
        for slot in hidden:
            lo, hi = deck.lo[slot], deck.hi[slot]
            if float(lo).is_integer() and float(hi).is_integer():
                state.v[slot] = float(rng.randint(int(lo), int(hi)))
            else:
                state.v[slot] = rng.uniform(lo, hi)
        game = Game.from_state(deck, rng.getrandbits(62), state, log=False)
        held = 0.0
        turns = 0
        first = True
        horizon = HORIZON
        while game.ending is None and (horizon is None or turns < horizon):
            for actor, policy in self.policies.items():
                # Sealed directly, not through the checked `submit`: policies choose from
                # available_moves on this very state, and the candidate's own first orders
                # were legal on the real state (one unavailable in this guessed state
                # fizzles in resolve, as an order overtaken by events would).
                game.orders[actor] = orders if first and actor == self.actor else policy.choose(game, rng)
            first = False
            game.resolve()
            held += self._points(game.state)
            turns += 1
        s = game.state
        final = 0.0
        met = [bool(when(s)) for when, _ in self.objectives]
        for ok, (_, points) in zip(met, self.objectives, strict=True):
            if ok:
                final += points
        score = final + SHAPING * held / max(turns, 1)
        self.playouts += 1
        for st in stats:
            st.n += 1
            st.total += score
            st.squares += score * score
            if not st.met:
                st.met = [0] * len(met)
            for i, ok in enumerate(met):
                st.met[i] += ok

    # -- deciding ------------------------------------------------------------------------
    def decide(self, view: PlayerView, legal: Sequence[CMove], allowed: int) -> Decision:
        if view.over:
            return Decision((), ())
        legal, pending = split_answers(legal)
        if not pending:
            return self._decide(view, legal, allowed, ())
        # Offers are answered by the seat's doctrine (even odds without one), and every
        # candidate's playouts start from those answers.
        answers = self.answerer.answer(view.belief, pending, self.rng)
        decision = self._decide(view, legal, allowed, answers)
        names = {m.id: m.name for p in pending for m in (p.accept, p.refuse)}
        said = tuple(f"{names[a]}: as the seat's {self.answerer.doctrine.id if self.answerer.doctrine else 'random'} policy answers offers." for a in answers)
        if not decision.orders:
            return Decision(answers, said) if answers else decision
        return Decision(answers + decision.orders, said + decision.reasons)

    def _decide(self, view: PlayerView, legal: Sequence[CMove], allowed: int, answers: tuple[str, ...]) -> Decision:
        k = min(allowed, len(legal))
        if k <= 0:
            return Decision((), ("Stands pat: no move is available this turn.",))
        self.playouts = 0
        belief = view.belief
        hidden = sorted(view.hidden_slots)
        base = self.rng.getrandbits(48)
        started = time.perf_counter()
        pool = [*range(len(legal)), HOLD]

        def seed(j: int) -> int:
            return base * 1_000_003 + j

        def orders_of(combo: tuple[int, ...]) -> tuple[str, ...]:
            return answers + tuple(legal[i].id for i in combo if i != HOLD)

        budget = self.budget
        if budget is None:  # a time budget: measure a few playouts, then count
            assert self.seconds is not None
            probe = _Stats()
            n_probe = 0
            while n_probe < 4 or (time.perf_counter() - started < self.seconds * 0.05 and n_probe < 50):
                self._playout(belief, hidden, seed(10**6 + n_probe), orders_of(tuple(self.rng.sample(pool, k))), [probe])
                n_probe += 1
            per = (time.perf_counter() - started) / n_probe
            budget = max(1, int((self.seconds - (time.perf_counter() - started)) / per))

        combos = list(itertools.combinations(pool, k))
        screened = ""
        if len(combos) > MAX_DIRECT:
            # Screening: random order sets; a move's mean is over playouts that used it.
            per_move = {i: _Stats() for i in pool}
            screen = budget // 2
            for j in range(screen):
                combo = self.rng.sample(pool, k)
                self._playout(belief, hidden, seed(j), orders_of(tuple(combo)), [per_move[i] for i in combo])
            m = k
            while m < len(pool) and math.comb(m + 1, k) <= MAX_DIRECT:
                m += 1
            best = sorted(pool, key=lambda i: (-per_move[i].mean, i))[:m]
            best.sort(key=lambda i: (i == HOLD, i))
            combos = list(itertools.combinations(best, k))
            budget -= screen
            screened = f" (after screening {len(pool) - 1} moves in {screen} playouts)"
        if budget < len(combos):
            combos = combos[: max(1, budget)]  # a tiny budget cannot try every candidate
        stats, ranked = self._halve(belief, hidden, combos, budget, seed, orders_of)
        choice = combos[ranked[0]]
        runner = combos[ranked[1]] if len(ranked) > 1 else None
        orders = orders_of(choice)[len(answers):]
        why = self._reasons(legal, choice, stats[ranked[0]], runner, stats[ranked[1]] if runner is not None else None, screened)
        if not orders:
            return Decision((), (f"Stands pat: {why}",))
        # How sure it is, once per seat: the first order carries the reasoning.
        picked = [i for i in choice if i != HOLD]
        first = legal[picked[0]].name
        reasons = [f"{first}: {why}"] + [f"{legal[i].name}: chosen together with {first} (see its reason)." for i in picked[1:]]
        return Decision(orders, tuple(reasons))

    def _halve(
        self,
        belief: State,
        hidden: Sequence[int],
        combos: list[tuple[int, ...]],
        budget: int,
        seed: Callable[[int], int],
        orders_of: Callable[[tuple[int, ...]], tuple[str, ...]],
    ) -> tuple[list[_Stats], list[int]]:
        """Sequential halving: share the budget over rounds, keep the better half each round.

        Returns each candidate's stats and the candidates ranked: the last round's by
        mean, then those dropped later before those dropped earlier.
        """
        stats = [_Stats() for _ in combos]
        alive = list(range(len(combos)))
        dropped: list[int] = []
        rounds = max(1, math.ceil(math.log2(len(combos))))
        j = 0
        for r in range(rounds):
            left_rounds = rounds - r
            per = budget // (len(alive) * left_rounds)
            if per == 0:
                if budget < len(alive):
                    break  # the budget is spent: rank on what was played
                per = 1
            for _ in range(per):
                for c in alive:  # every candidate plays the same determinised game: seed(j)
                    self._playout(belief, hidden, seed(10**7 + j), orders_of(combos[c]), [stats[c]])
                j += 1
            budget -= per * len(alive)
            if len(alive) > 1 and r < rounds - 1:
                alive.sort(key=lambda c: (-stats[c].mean, c))
                keep = max(1, math.ceil(len(alive) / 2))
                dropped = alive[keep:] + dropped
                alive = sorted(alive[:keep])
        alive.sort(key=lambda c: (-stats[c].mean, c))
        return stats, alive + dropped

    def _reasons(self, legal: Sequence[CMove], choice: tuple[int, ...], best: _Stats, runner: tuple[int, ...] | None, other: _Stats | None, screened: str) -> str:
        def names(combo: tuple[int, ...]) -> str:
            picked = [legal[i].name for i in combo if i != HOLD]
            return " + ".join(picked) if picked else "holding back"

        if all(i == HOLD for i in choice):
            head = f"Rollouts: {best.n} playouts of holding back averaged {best.mean:.1f} objective points"
        else:
            what = "this order" if len(choice) == 1 else "these orders"
            head = f"Rollouts: {best.n} playouts of {what} ({names(choice)}) averaged {best.mean:.1f} objective points"
        if runner is None or other is None or not other.n:
            return head + screened + "."
        head += f" vs {other.mean:.1f} for the next best ({names(runner)})"
        diff = best.mean - other.mean
        spread = 1.96 * math.sqrt(best.variance_of_mean + other.variance_of_mean)
        if not math.isfinite(spread) or diff <= spread:
            head += f": a toss-up (+{diff:.1f} ± {spread:.1f} points)" if math.isfinite(spread) else ": a toss-up"
        else:
            head += f": clearly better (+{diff:.1f} ± {spread:.1f} points)"
        # Name the objective these orders help most, compared with the runner-up.
        diffs = [(best.met[i] / best.n - other.met[i] / other.n, i) for i in range(len(self.objective_text))] if best.met and other.met else []
        if diffs:
            gain, i = max(diffs)
            if gain > 0:
                head += f"; '{self.objective_text[i]}' met in {best.met[i] / best.n:.0%} of them vs {other.met[i] / other.n:.0%}"
        return head + screened + "."
