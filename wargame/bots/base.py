"""The computer-seat interface and the random bot (`bots.make` builds the bot for a seat).

A bot sees only its seat's `PlayerView` and the moves it may order now, and returns
orders with a one-line reason each. The engine, the UI and the simulator all drive bots
through `decide`; none of them hands a bot the game itself.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from wargame.bots.answers import random_answer, split_answers
from wargame.deck.compile import CMove
from wargame.engine.dice import stream_seed
from wargame.engine.state import State
from wargame.observe.view import PlayerView


class Decision(NamedTuple):
    """A bot's orders for one turn, each with a one-line reason; a bot that gives no orders
    says why in a single reason ("Stands pat: ...").

    A named tuple (immutable): every computer seat makes one every turn, and a frozen
    dataclass costs about three times as much to build."""

    orders: tuple[str, ...]
    reasons: tuple[str, ...]
    messages: tuple[Said, ...] = ()
    """Messages it writes with its orders (a program's): the controller sends each, or
    refuses it with one line; its orders stand either way."""
    unsent: tuple[str, ...] = ()
    """Why messages it wrote could not even be read (one line each): said, never sent."""


@dataclass(frozen=True, slots=True)
class Said:
    """A message a computer seat wants sent: on `channel`, to `to` (empty: every other
    member of the channel)."""

    channel: str
    to: tuple[str, ...]
    text: str


class Bot(Protocol):
    """A computer seat."""

    label: str
    """How the seat is described to people, e.g. "Doctrine: hardliner"."""
    explain: bool
    """Whether reasons should explain in full. The simulator turns it off when no one
    will read them (no saves); the orders are the same either way."""

    def decide(self, view: PlayerView, legal: Sequence[CMove], allowed: int) -> Decision:
        """Choose up to `allowed` distinct moves from `legal`, from `view` alone."""
        ...


QuietDecide = Callable[[State, Sequence[CMove], int], Decision]
"""A bot's `quiet` decision: `decide` with `explain` off, given the game's state itself
instead of a view (see `quiet_decider`)."""


def quiet_decider(bot: Bot) -> QuietDecide | None:
    """How `bot` decides in a game nobody reads move by move (`explain` off) without a view
    being built for it, or None when it needs its view. A bot offers this (a `quiet`
    attribute) only when it reads nothing of the state hidden from its seat: a random seat
    reads nothing, a doctrine seat its weights (which the loader holds to what the seat
    sees). It decides exactly as `decide` would; the simulator's hot path, where building
    a view per seat per turn cost more than many a decision."""
    if bot.explain:
        return None
    kind = type(bot)
    beside = _QUIET_BESIDE_DECIDE.get(kind)
    if beside is None:
        # Only a `quiet` written beside the `decide` in use: a subclass that decides
        # otherwise (reading its view, keeping it) must be asked through `decide`.
        deciding = next((c for c in kind.__mro__ if "decide" in c.__dict__), None)
        beside = _QUIET_BESIDE_DECIDE[kind] = deciding is not None and "quiet" in deciding.__dict__
    if not beside:
        return None
    quiet: QuietDecide | None = getattr(bot, "quiet", None)
    return quiet


_QUIET_BESIDE_DECIDE: dict[type, bool] = {}
"""Per bot class, whether it declares `quiet` beside its `decide` (`quiet_decider` asks
every seat every turn; the class never changes its answer)."""


class RandomBot:
    """Uniform over legal orders: as many distinct available moves as allowed."""

    def __init__(self, seed: int, *, answers: bool = True) -> None:
        """`answers=False`: the seat has no offer to answer in its deck (`CompiledDeck.answers_for`),
        so its legal moves need no sorting into orders and answers."""
        self.rng = random.Random(seed)
        self._getrandbits = self.rng.getrandbits
        self.label = "Random"
        self.explain = True
        self._answers = answers

    def decide(self, view: PlayerView, legal: Sequence[CMove], allowed: int) -> Decision:
        return self.choose(legal, allowed)

    def choose(self, legal: Sequence[CMove], allowed: int) -> Decision:
        """`decide` without a view, which a random seat never reads (the batched engine's
        exact mode asks this)."""
        return self.quiet(None, legal, allowed)

    def quiet(self, state: State | None, legal: Sequence[CMove], allowed: int) -> Decision:
        """`decide` without a view (`quiet_decider`): a random seat reads nothing, not even
        `state`. The simulator's hot path, so the choice itself is written here: one or two
        orders from at most 21 moves and no offer to answer are drawn inline, as
        `pick_uniform` draws them (`Random._randbelow_with_getrandbits` written out, a call
        less per draw; tests/bots/test_random_draws.py holds them to `pick_uniform`)."""
        n = len(legal)
        if not self._answers and 0 < n <= 21 and 0 < allowed < 3:
            getrandbits = self._getrandbits
            bits = n.bit_length()
            j = getrandbits(bits)
            while j >= n:
                j = getrandbits(bits)
            if allowed == 1 or n == 1:
                # Built as a plain tuple of the named type, as `Decision(orders, reasons)`
                # builds it (every seat, every turn), without the Python-level `__new__`.
                return tuple.__new__(Decision, ((legal[j].id,), _CHOSEN[1], (), ()))
            m = n - 1  # two orders: the first pick's place takes the last move
            bits = m.bit_length()
            r = getrandbits(bits)
            while r >= m:
                r = getrandbits(bits)
            return tuple.__new__(Decision, ((legal[j].id, legal[m].id if r == j else legal[r].id), _CHOSEN[2], (), ()))
        return self._decided(legal, allowed)

    def _decided(self, legal: Sequence[CMove], allowed: int) -> Decision:
        """The general case of `quiet`: answers to the offers waiting (a seat that has
        some in its deck), then up to `allowed` orders, as `pick_uniform` draws them."""
        pending = None
        if self._answers:
            legal, pending = split_answers(legal)
        k = min(len(legal), allowed)
        orders = tuple([m.id for m in pick_uniform(self.rng, legal, k)]) if k > 0 else ()
        if pending:  # most turns no offer waits: no answers to build then
            orders = tuple(a.move.id for p in pending if (a := random_answer(p, self.rng)).move) + orders
        if not orders:
            return _STANDS_PAT
        n = len(orders)
        return tuple.__new__(Decision, (orders, _CHOSEN[n] if n < len(_CHOSEN) else ("Chosen at random.",) * n, (), ()))


_CHOSEN = tuple(("Chosen at random.",) * n for n in range(8))
"""A random seat's reasons for n orders, built once."""
_STANDS_PAT = Decision((), ("Stands pat: no move is available this turn.",))


def pick_uniform(rng: random.Random, items: Sequence[CMove], k: int) -> list[CMove]:
    """`k` distinct items uniformly at random: the same draws as `rng.sample(items, k)`.

    `random.sample` is the slowest part of a random seat's turn; for the short lists
    bots see (up to 21 items, where `sample` uses this very selection) this makes the
    same `_randbelow` calls `sample` makes, without its overhead, so seeded games are
    unchanged. (`randrange(n)` is `_randbelow(n)` behind argument checks that cost more
    than the draw.)
    """
    n = len(items)
    if n > 21:
        return rng.sample(list(items), k)
    below: Callable[[int], int] = rng._randbelow  # type: ignore[attr-defined]  # what `sample` itself calls
    if k == 1:
        return [items[below(n)]]
    if k == 2:  # the loop below, unrolled: the first pick's place takes the last item
        j = below(n)
        i = below(n - 1)
        return [items[j], items[n - 1] if i == j else items[i]]
    pool = list(items)
    out = []
    for i in range(k):
        j = below(n - i)
        out.append(pool[j])
        pool[j] = pool[n - i - 1]
    return out


def bot_seed(seed: int, actor: str) -> int:
    """Each bot draws from its own stream, so the game's dice never depend on bot choices:
    keyed from the whole seed and the seat like the dice (`dice.stream_seed`), so a seat
    that works out an opponent's stream from its plays learns nothing of the seed."""
    return stream_seed(seed, f"seat:{actor}")
