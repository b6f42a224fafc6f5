"""Computer seats for the batched engine: random and doctrine seats deciding for many games at once.

In exact mode each game's seat is the very bot the reference engine would seat
(`RandomBot`, `DoctrineBot`, with the same seed), asked through its `choose`: the same
draws from the same stream, game by game; only a doctrine's weights come from the array
code (the same numbers). In fast mode the choices are drawn for all games together from
a counter-based generator keyed per game (`wargame.engine.batch.uniform`), by the same
rules: k distinct moves uniformly, or in proportion to weight ** (1 / temperature)
without replacement, and each offer waiting accepted or refused by weight.

A seat decides from its own view: a random seat reads nothing, and a doctrine's weights
read nothing hidden from its seat (the loader refuses any that would), so the array
state itself is what its view would show. Lookahead seats and programs play only in the
reference engine (`batchable` says which seats may play here).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from hashlib import blake2b
from typing import Protocol

import numpy as np
import numpy.typing as npt

from wargame.bots.answers import RANDOM_WAIT
from wargame.bots.base import RandomBot, bot_seed
from wargame.bots.doctrine import DoctrineBot
from wargame.bots.seats import SeatSpec
from wargame.deck.arrays import ArrayFn, Rows, compile_array, evaluate
from wargame.deck.compile import MAX_ORDERS, CDoctrine, CMove, CompiledDeck
from wargame.deck.ir import Node
from wargame.engine.batch import (
    Batch,
    BoolArray,
    FloatArray,
    Index,
    IntArray,
    Mode,
    TurnUniform,
    game_keys_from_words,
)
from wargame.engine.dice import seed_key
from wargame.errors import WargameError

BATCH_KINDS = ("random", "doctrine")
"""The seats the batched engine can play."""


def batchable(spec: SeatSpec | str) -> bool:
    """Whether the batched engine can play this seat (random or a doctrine)."""
    kind = (spec if isinstance(spec, SeatSpec) else SeatSpec.parse(spec)).kind
    return kind in BATCH_KINDS


class BatchSeat(Protocol):
    """One actor's computer seat in every game of a batch."""

    def decide(self, b: Batch, rows: Index, legal: BoolArray) -> IntArray:
        """Orders for each game of `rows` (still running) from `legal` (its columns of `Batch.availability`):
        one row per game, move indices in the order given (answers to offers first), -1
        where there are fewer."""
        ...


class _Seat:
    """What every batched seat knows: its actor, moves, and the width of its orders."""

    def __init__(self, deck: CompiledDeck, actor: str) -> None:
        self.deck = deck
        self.actor = actor
        self.moves: list[CMove] = deck.moves_by_actor[actor]
        self.allowed = deck.orders_per_turn(actor)
        """Orders a turn, or at most that when the deck computes them (`allowance`)."""
        node = deck.orders_nodes.get(actor)
        self._orders: ArrayFn | None = compile_array(node) if node is not None else None
        self.pairs: list[tuple[int, int, int]] = []
        """(offer slot, column of accept, column of refuse) for each offer made to this actor."""
        cols = {m.index: j for j, m in enumerate(self.moves)}
        for offer in deck.offers:
            if offer.recipient == actor:
                self.pairs.append((offer.index, cols[offer.accept], cols[offer.refuse]))
        self.pairs.sort()
        self.ordinary = np.array([m.answer is None for m in self.moves], dtype=np.bool_)
        self.width = self.allowed + len(self.pairs)
        self.index = np.array([m.index for m in self.moves], dtype=np.int64)

    def allowance(self, b: Batch, rows: Index) -> IntArray:
        """Orders each game of `rows` allows this turn (`CompiledDeck.orders_per_turn` on its
        state: the expression rounded down, within 0..MAX_ORDERS, nan as 0)."""
        if self._orders is None:
            return np.full(len(rows), self.allowed, dtype=np.int64)
        x = np.asarray(evaluate(self._orders, b, rows), dtype=np.float64)
        inside = (x >= 0) & (x <= MAX_ORDERS)
        return np.where(inside, np.floor(np.where(inside, x, 0.0)), np.where(x > MAX_ORDERS, MAX_ORDERS, 0)).astype(np.int64)

    def wait_weights(self, b: Batch, doctrine: CDoctrine | None, rows: Index) -> FloatArray | None:
        """A doctrine's `OFFER/wait` weight for each offer made to this actor (one column per
        `pairs` entry, one row per game), as its bot reads it (`float`, not yet clamped);
        None when it weighs waiting on none of them."""
        if doctrine is None or not any(slot in doctrine.waits for slot, _a, _r in self.pairs):
            return None
        out = np.zeros((len(rows), len(self.pairs)))
        for k, (slot, _ja, _jr) in enumerate(self.pairs):
            wait = doctrine.waits.get(slot)
            if wait is None:
                continue
            if wait.node is None:
                out[:, k] = float(wait.fn(None))  # a constant reads nothing
            else:
                out[:, k] = evaluate(_array_node(wait.node), b, rows)
        return out


class ExactSeat(_Seat):
    """Each game's own reference bot, asked through `choose` (see the module docstring)."""

    def __init__(self, deck: CompiledDeck, actor: str, spec: SeatSpec, seeds: Sequence[int]) -> None:
        super().__init__(deck, actor)
        self.spec = spec
        self.seeds = list(seeds)
        self.bots: list[RandomBot | DoctrineBot | None] = [None] * len(self.seeds)
        self.doctrine = deck.doctrines[actor][spec.arg] if spec.kind == "doctrine" else None

    def _bot(self, row: int) -> RandomBot | DoctrineBot:
        bot = self.bots[row]
        if bot is None:
            seed = bot_seed(self.seeds[row], self.actor)
            bot = RandomBot(seed) if self.doctrine is None else DoctrineBot(self.deck, self.actor, self.doctrine, seed)
            bot.explain = False
            self.bots[row] = bot
        return bot

    def decide(self, b: Batch, rows: Index, legal: BoolArray) -> IntArray:
        out = np.full((len(rows), self.width), -1, dtype=np.int64)
        weights = doctrine_weights(b, self.deck, self.actor, self.doctrine, rows).tolist() if self.doctrine is not None else None
        waits = self.wait_weights(b, self.doctrine, rows)
        slots = [slot for slot, _a, _r in self.pairs]
        allowed = self.allowance(b, rows).tolist()
        index = self.deck.move_index
        column = {m.index: j for j, m in enumerate(self.moves)}
        for r, row in enumerate(rows.tolist()):
            moves = [m for m, ok in zip(self.moves, legal[r].tolist(), strict=True) if ok]
            bot = self._bot(row)
            if isinstance(bot, DoctrineBot):
                assert weights is not None
                w = weights[r]

                def weigh(chosen: Sequence[CMove], w: list[float] = w) -> list[float]:
                    return [x if (x := w[column[m.index]]) > 0 else 0.0 for m in chosen]

                waited = dict(zip(slots, waits[r].tolist(), strict=True)) if waits is not None else {}
                decision = bot.choose(weigh, moves, allowed[r], waits=waited)
            else:
                decision = bot.choose(moves, allowed[r])
            for pos, move_id in enumerate(decision.orders):
                out[r, pos] = index[move_id]
        return out


def doctrine_weights(b: Batch, deck: CompiledDeck, actor: str, doctrine: CDoctrine, rows: Index) -> FloatArray:
    """Each game's doctrine weight for each of the actor's moves (one row per game of
    `rows`, one column per move): the expression's value as a float, as the reference bot
    takes it (`float` of the value), before negative weights count as 0."""
    out = np.empty((len(rows), len(doctrine.weight_nodes)), order="F")  # filled a column at a time
    at = b.span(rows)
    for pos, node in enumerate(doctrine.weight_nodes):
        if node is None:
            out[:, pos] = float(doctrine.weights[pos](None))
        else:
            out[:, pos] = evaluate(_array_weight(deck, actor, doctrine.id, pos, node), b, at)
    return out


_WEIGHTS: dict[tuple[int, str, str, int], tuple[Node, ArrayFn]] = {}
"""Each doctrine weight's array function, compiled once (checked against its node)."""


def _array_weight(deck: CompiledDeck, actor: str, doctrine: str, pos: int, node: Node) -> ArrayFn:
    key = (id(deck), actor, doctrine, pos)
    entry = _WEIGHTS.get(key)
    if entry is None or entry[0] is not node:
        if len(_WEIGHTS) > 4096:
            _WEIGHTS.clear()
        entry = _WEIGHTS[key] = (node, compile_array(node))
    return entry[1]


_NODES: dict[int, tuple[Node, ArrayFn]] = {}
"""Other doctrine expressions' array functions (waiting weights), by node, compiled once."""


def _array_node(node: Node) -> ArrayFn:
    entry = _NODES.get(id(node))
    if entry is None or entry[0] is not node:
        if len(_NODES) > 4096:
            _NODES.clear()
        entry = _NODES[id(node)] = (node, compile_array(node))
    return entry[1]


_STREAM_PERSON = b"wargame-stream"
"""`wargame.engine.dice.stream_seed`'s personalisation (`seat_keys` computes its seeds)."""


def seat_keys(seeds: Sequence[int], actors: Sequence[str]) -> dict[str, npt.NDArray[np.uint64]]:
    """For each actor, `game_keys([bot_seed(seed, actor) for seed in seeds])`: a fast seat's
    key per game, from the stream the reference engine's bot of that seat would be seeded
    with. The same numbers in one pass: each seed's keyed hash is built once and copied for
    each actor (keying hashes a whole block), and `game_keys` keeps a seed's low 64 bits,
    the first eight bytes of `stream_seed`'s little-endian digest (a test holds the two
    to it)."""
    purposes = [f"seat:{actor}".encode() for actor in actors]
    digests: list[list[bytes]] = [[] for _ in actors]
    for seed in seeds:
        keyed = blake2b(key=seed_key(seed), digest_size=16, person=_STREAM_PERSON)
        for out, purpose in zip(digests, purposes, strict=True):
            h = keyed.copy()
            h.update(purpose)
            out.append(h.digest()[:8])
    return {actor: game_keys_from_words(np.frombuffer(b"".join(words), dtype="<u8").astype(np.uint64))
            for actor, words in zip(actors, digests, strict=True)}


class FastSeat(_Seat):
    """All games' choices drawn together (see the module docstring)."""

    def __init__(self, deck: CompiledDeck, actor: str, spec: SeatSpec, seeds: Sequence[int],
                 keys: npt.NDArray[np.uint64] | None = None) -> None:
        """`keys`: the seat's keys (`seat_keys`), when worked out with other seats'."""
        super().__init__(deck, actor)
        self.keys = keys if keys is not None else seat_keys(seeds, [actor])[actor]
        self._uniform = TurnUniform(self.keys)
        self.doctrine = deck.doctrines[actor][spec.arg] if spec.kind == "doctrine" else None
        self.cap = MAX_ORDERS if self.doctrine is None or self.doctrine.orders is None else self.doctrine.orders
        """A doctrine's own limit on orders a turn (`orders`), else none."""
        self.silence = [self.moves[ja].silence_matters for _slot, ja, _jr in self.pairs]
        """For each offer made to this actor: whether it says what its silence does."""
        self._positions = np.arange(len(self.moves))[:, None]
        # A doctrine's weights raised to 1 / temperature: those written as numbers once
        # here, those the state moves each turn (a power is the dearest step of a turn).
        doctrine = self.doctrine
        power = 1.0 / doctrine.temperature if doctrine is not None else 1.0
        self._varying = np.array([p for p, node in enumerate(doctrine.weight_nodes) if node is not None] if doctrine else [], dtype=np.intp)
        fixed = [p for p, node in enumerate(doctrine.weight_nodes) if node is None] if doctrine else []
        self._fixed = np.array(fixed, dtype=np.intp)
        if doctrine is not None:
            weights = np.array([float(doctrine.weights[p](None)) for p in fixed])  # constants read nothing
            weights = np.where(weights > 0, weights, 0.0)
            self._fixed_pref = np.where(weights > 0, weights**power, 0.0) if power != 1.0 else weights

    def decide(self, b: Batch, rows: Index, legal: BoolArray) -> IntArray:
        n = len(rows)
        at = b.span(rows)
        out = np.full((n, self.width), -1, dtype=np.int64)
        uniform = self._uniform
        uniform.start_turn(b.turn)
        ordinary = legal & self.ordinary
        limit = np.minimum(self.allowance(b, rows), self.cap)
        waits = self.wait_weights(b, self.doctrine, rows)
        if self.doctrine is None:
            pref = ordinary.astype(np.float64)
            power = 1.0
            accept_w = refuse_w = None
        else:
            w = doctrine_weights(b, self.deck, self.actor, self.doctrine, rows)
            w = np.where(w > 0, w, 0.0)
            power = 1.0 / self.doctrine.temperature
            if power != 1.0:  # the power of the weights that count only (the others stay 0)
                pref = np.empty_like(w)
                if len(self._fixed):
                    pref[:, self._fixed] = np.where(ordinary[:, self._fixed], self._fixed_pref, 0.0)
                if len(self._varying):
                    varying = w[:, self._varying]
                    pref[:, self._varying] = np.where(ordinary[:, self._varying] & (varying > 0), _power(varying, power), 0.0)
            else:
                pref = np.where(ordinary, w, 0.0)
            accept_w = w
            refuse_w = w
        # Answers first, each offer waiting in slot order, as the reference bots give them:
        # accepted, refused or left to wait in proportion to their weights (`draw_answer`).
        filled = np.zeros(n, dtype=np.int64)
        for k, (slot, ja, jr) in enumerate(self.pairs):
            waiting = legal[:, ja] & legal[:, jr]
            if accept_w is None or refuse_w is None:
                wa = wr = np.ones(n)
                ww = np.full(n, RANDOM_WAIT if self.silence[k] else 0.0)
            else:
                wa = accept_w[:, ja] ** power if power != 1.0 else accept_w[:, ja]
                wr = refuse_w[:, jr] ** power if power != 1.0 else refuse_w[:, jr]
                ww = np.zeros(n) if waits is None else np.where(waits[:, k] > 0, waits[:, k], 0.0)
                ww = np.where(ww > 0, ww**power, 0.0) if power != 1.0 else ww
            u = uniform.draw(at, 2 * slot + 1)
            if not ww.any():  # no waiting: one number against the share of accepting
                total = wa + wr
                share = np.divide(wa, total, out=np.zeros(n), where=total > 0)
                pick = np.where(u < share, self.index[ja], self.index[jr])
            else:
                total = wa + wr + ww
                target = u * total
                pick = np.where(target < wa, self.index[ja], np.where(target < wa + wr, self.index[jr], -1))
            some = waiting & (total > 0) & (pick >= 0)
            out[some, filled[some]] = pick[some]
            filled += some
        if pref.shape[1]:
            self._pick_orders(at, pref, limit, filled, out)
        return out

    def _pick_orders(self, at: Rows, pref: FloatArray, limit: IntArray, filled: IntArray, out: IntArray) -> None:
        """The ordinary orders, one position at a time: each game's next move drawn in
        proportion to `pref` (rows x moves) among those not yet picked, while it has
        orders left (`limit`) and a move with weight: the count of a game's cumulative
        weights at or below the draw times its total, the last cumulative weight (at
        most its last move with weight, which an infinite weight could pass).

        The weights are copied to moves x games, so a cumulative sum is one vector step a
        move. A random seat's weights are 0 or 1: its sums are small whole numbers, kept
        in bytes."""
        n, m = pref.shape
        uniform = self._uniform
        random = self.doctrine is None
        columns: npt.NDArray[np.int8 | np.float64] = np.ascontiguousarray(pref.T, dtype=np.int8 if random else np.float64)  # moves x games
        flat = columns.reshape(-1)
        cum = np.empty_like(columns)
        below = np.empty((m, n), dtype=np.bool_)
        uneven = n > 0 and bool((limit != limit[0]).any())
        even = n == 0 or not bool((filled != filled[0]).any())  # every game has as many orders so far
        everyone = np.arange(n)
        for d in range(int(limit.max(initial=0))):
            cum[0] = columns[0]
            for j in range(1, m):
                np.add(cum[j - 1], columns[j], out=cum[j])
            total = cum[m - 1]
            if uneven:
                total = np.where(d < limit, total, 0)
            go = total > 0
            every = bool(go.all())
            if not every and not go.any():
                break
            target = uniform.draw_after(0, at, d)
            target *= total
            if random:  # whole cumulative counts: at or below the draw is at or below its floor
                np.less_equal(cum, np.floor(target).astype(np.int8), out=below)
            else:
                np.less_equal(cum, target, out=below)
            pick = np.add.reduce(below.view(np.int8), axis=0, dtype=np.int16).astype(np.intp)
            over = np.flatnonzero(pick == m)  # the draw reached the whole sum (infinite weights)
            if len(over):
                pick[over] = np.where(columns[:, over] > 0, self._positions, -1).max(axis=0)
            if every:
                if even:
                    out[:, int(filled[0]) if n else 0] = self.index[pick]
                else:
                    out[everyone, filled] = self.index[pick]
                filled += 1
                flat[pick * n + everyone] = 0
                continue
            chosen = np.flatnonzero(go)
            picked = pick[chosen]
            out[chosen, filled[chosen]] = self.index[picked]
            filled[chosen] += 1
            even = False
            flat[picked * n + chosen] = 0


def _power(x: FloatArray, power: float) -> FloatArray:
    """`x ** power` for weights (not negative, not nan), the very same floats: when every
    value is a whole number of hundredths over a modest range (a weight of a few terms the
    state moves by whole steps: the usual case, a few distinct values) each hundredth's
    power is taken once and looked up; a power costs twenty times an addition."""
    head = x[:64]  # a look at a few games first: weights that are not hundredths mostly show it at once
    if not x.size or not bool(((head * 100.0 + 0.5).astype(np.int64) / 100.0 == head).all()):
        return x**power
    code = (x * 100.0 + 0.5).astype(np.int64)  # (inf and the huge give nonsense, which the check refuses)
    if bool((code / 100.0 == x).all()):  # each value is k / 100 exactly
        low, high = int(code.min()), int(code.max())
        if 0 <= low and high - low < 100_000:
            table = (np.arange(low, high + 1) / 100.0) ** power
            out: FloatArray = table.take(code - low)
            return out
    return x**power


def batch_seats(seats: Mapping[str, SeatSpec | str], deck: CompiledDeck, seeds: Sequence[int], mode: Mode) -> dict[str, BatchSeat]:
    """Every actor's batched seat (`batch_seat`; random where `seats` names none), the fast
    seats' keys worked out together."""
    specs = {a: _spec(seats.get(a, "random")) for a in deck.actors}
    keys = seat_keys(seeds, deck.actors) if mode == "fast" else {}
    return {a: batch_seat(spec, deck, a, seeds, mode, keys.get(a)) for a, spec in specs.items()}


def _spec(spec: SeatSpec | str) -> SeatSpec:
    return spec if isinstance(spec, SeatSpec) else SeatSpec.parse(spec)


def batch_seat(spec: SeatSpec | str, deck: CompiledDeck, actor: str, seeds: Sequence[int], mode: Mode,
               keys: npt.NDArray[np.uint64] | None = None) -> BatchSeat:
    """The batched seat for `spec` in games seeded `seeds` (bots seeded as `make_bot` seeds
    them; a fast seat's `keys` when worked out already); raises `WargameError` for a seat
    only the reference engine plays."""
    spec = _spec(spec)
    if spec.kind not in BATCH_KINDS:
        raise WargameError(f"a {spec.kind} seat plays only in the reference engine")
    if spec.kind == "doctrine" and spec.arg not in deck.doctrines.get(actor, {}):
        known = ", ".join(deck.doctrines.get(actor, {})) or "none"
        raise WargameError(f"{deck.actor_name(actor)} has no doctrine '{spec.arg}' (doctrines: {known})")
    if mode == "exact":
        return ExactSeat(deck, actor, spec, seeds)
    return FastSeat(deck, actor, spec, seeds, keys)


__all__ = ["BATCH_KINDS", "BatchSeat", "batch_seat", "batch_seats", "batchable", "doctrine_weights", "seat_keys"]
