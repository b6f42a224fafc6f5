"""Statistics from the batched engine: many games played as arrays, counted as the reference counts them.

`batch_tally` plays games `seeds` of a simulation and returns the same `Tally` that playing
them one by one in the reference engine gives (in exact mode, the very same counts);
`batch_outcomes` plays continuations from a state (analyse, what-if, live odds) and
returns their `Outcomes`. Games are played in chunks of `CHUNK` at a time, so memory
stays flat however many games are asked for.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from wargame.analysis.escalation import ANY, EscalationTally
from wargame.analysis.tally import Tally, cents
from wargame.bots.batch import batch_seats, batchable
from wargame.bots.seats import SeatSpec
from wargame.deck.arrays import Rows
from wargame.deck.compile import CompiledDeck
from wargame.engine.batch import (
    Batch,
    BatchDice,
    Index,
    IntArray,
    Mode,
    inject_effects,
    inject_event,
    make_dice,
)
from wargame.engine.state import Inject, State

CHUNK = 16384
"""The most games played together: a batch's cost is mostly per turn, whatever its width
(korea-2022's 10,000 games play half again as fast as one batch as in two), so wide, but
within `HISTORY_BYTES` of track history. A run of more is split into equal parts (20,000
games: two of 10,000, not 16,384 and a thin 3,616)."""

HISTORY_BYTES = 1 << 26
"""The most a chunk's track history may take (64 MiB: korea-2022's 12 turns of 32 tracks
allow 21,845 games); with the game arrays and the runs being counted, a chunk's memory
stays near twice that, however many games are asked for."""


def chunk_size(deck: CompiledDeck, turns: int | None) -> int:
    """The most games of `deck` played together (`CHUNK`, fewer for a deck with many
    tracks and turns)."""
    per_game = 8 * max(1, len(deck.lo)) * max(1, turns or deck.turns)
    return max(256, min(CHUNK, HISTORY_BYTES // per_game))


@dataclass(frozen=True)
class FirstTurn:
    """What is fixed about a continuation's first turn (`wargame.analysis.rollout.Opening`
    without the facilitator's overrides, which only the reference engine plays)."""

    orders: Mapping[str, Sequence[int]]
    """Seats whose orders are given (move indices, in the order given)."""
    injects: Sequence[Inject] = ()
    stand_in: Mapping[str, str] | None = None
    """A seat that gives the orders named for it and asks its stand-in for the other half
    (`answers` or `orders`), as `Opening.stand_in`."""
    track_rolls: bool = False


def batch_ready(seats: Mapping[str, SeatSpec | str]) -> bool:
    """Whether the batched engine can play these seats (random and doctrine seats only).
    Every rule of the deck format is modelled: the opening, the seated doctrines' start
    values, orders a turn from an expression, waiting on offers, the deck's categories and
    phases and unattributed moves play as in the reference engine (the agreement test)."""
    return all(batchable(spec) for spec in seats.values())


class TrackHistory:
    """Each game's tracks after each turn it played, as `play` records them: turns x slots x
    games (a turn's snapshot one slab, copied whole from the column-major game arrays; the
    turns a game did not play are left unset)."""

    def __init__(self) -> None:
        self.values = np.empty((0, 0, 0))
        self.turns = 0
        """Turns recorded (the first `turns` slabs of `values`)."""

    def record(self, b: Batch, at: Rows) -> None:
        """The tracks of the games `at` (`Batch.span` of the rows resolved) after a turn."""
        if self.turns == len(self.values):  # room for this turn and every turn left to the batch's last
            more = np.empty((self.turns + 2 + max(0, b.turns - b.turn), b.v.shape[1], b.size))
            if self.turns:
                more[: self.turns] = self.values[: self.turns]
            self.values = more
        self.values[self.turns][:, at] = b.v[at].T
        self.turns += 1

    @property
    def played(self) -> np.ndarray:
        return self.values[: self.turns]


def play(deck: CompiledDeck, seeds: Sequence[int], seats: Mapping[str, SeatSpec | str], turns: int | None, mode: Mode,
         start: State | None = None, first: FirstTurn | None = None, history: TrackHistory | None = None,
         escalation: list[tuple[int, Index, np.ndarray]] | None = None) -> Batch:
    """Play games `seeds` (one each) to their end: from the deck's start, or from `start`
    (then with `first` fixing parts of the first turn). `history`, if given, records the
    track values after each turn; `escalation`, the turn, the rows
    and each actor's summed escalation of the moves it played that turn (rows x actors)."""
    with np.errstate(all="ignore"):  # inf and nan are values in deck arithmetic, not errors
        return _play(deck, seeds, seats, turns, mode, start, first, history, escalation)


def _play(deck: CompiledDeck, seeds: Sequence[int], seats: Mapping[str, SeatSpec | str], turns: int | None, mode: Mode,
          start: State | None, first: FirstTurn | None, history: TrackHistory | None,
          escalation: list[tuple[int, Index, np.ndarray]] | None = None) -> Batch:
    n = len(seeds)
    last_turn = turns or (start.turns if start is not None else deck.turns)
    dice: BatchDice = make_dice(mode, seeds)
    if start is None:  # the deck's start: the seated doctrines' start values, then the opening
        b = Batch(deck, n, last_turn, starts=deck.doctrine_starts(seats))
        b.open(dice)
    else:
        b = Batch(deck, n, last_turn, start)
    seated = batch_seats(seats, deck, seeds, mode)
    injects = [inject_event(i.event) if i.event is not None else inject_effects(i.effects) for i in first.injects] if first else []
    is_first = first is not None
    while True:
        rows = b.running
        if not len(rows):
            break
        at = b.span(rows)
        orders: dict[str, IntArray] = {}
        available = b.availability(rows)  # every seat's, before any decides (deciding changes nothing)
        for actor in deck.actors:
            legal = available[:, b.plan.actor_columns[actor]]
            if is_first and first is not None and actor in first.orders and not (first.stand_in and actor in first.stand_in):
                given = list(first.orders[actor])
                orders[actor] = np.tile(np.array(given or [-1], dtype=np.int64), (len(rows), 1))
                continue
            chosen = seated[actor].decide(b, rows, legal)
            if is_first and first is not None and first.stand_in and actor in first.stand_in:
                chosen = _half(deck, chosen, list(first.orders.get(actor, ())), first.stand_in[actor] == "answers")
            orders[actor] = chosen
        if is_first and first is not None and first.track_rolls:
            b.rolled = []
        if escalation is not None:
            b.escalation = np.zeros((b.size, len(deck.actors)), dtype=np.int64, order="F")
        turn = b.turn
        b.resolve(orders, rows, dice, injects if is_first else ())
        if escalation is not None and b.escalation is not None:
            escalation.append((turn, rows, b.escalation[at]))
        if b.rolled is not None:
            b.opening_rolls, b.rolled = b.rolled, None  # only the first turn's rolls are tracked
        if history is not None:
            history.record(b, at)
        if is_first:
            is_first = False
            injects = []
    return b


def _half(deck: CompiledDeck, chosen: IntArray, fixed: list[int], answers: bool) -> IntArray:
    """The given orders, then those the stand-in chose of the other half (answers or ordinary)."""
    is_answer = np.array([m.answer is not None for m in deck.moves] + [False], dtype=np.bool_)
    out = np.full((chosen.shape[0], len(fixed) + chosen.shape[1]), -1, dtype=np.int64)
    for r in range(chosen.shape[0]):
        kept = [m for m in chosen[r].tolist() if m >= 0 and bool(is_answer[m]) == answers]
        row = fixed + kept
        out[r, : len(row)] = row
    return out


def batch_tally(deck: CompiledDeck, seeds: Sequence[int], seats: Mapping[str, SeatSpec | str], turns: int | None,
                mode: Mode, *, by_move: bool = False) -> Tally:
    """The tally of games `seeds` (see the module docstring), played in chunks."""
    tally = Tally(by_move=by_move)
    size = math.ceil(len(seeds) / math.ceil(len(seeds) / chunk_size(deck, turns))) if seeds else 1
    for at in range(0, len(seeds), size):
        history = TrackHistory()
        escalation: list[tuple[int, Index, np.ndarray]] = []
        b = play(deck, seeds[at: at + size], seats, turns, mode, history=history, escalation=escalation)
        _count(tally, b, history.played)
        _count_escalation(tally.escalation, b, escalation)
    return tally


def _count_escalation(tally: EscalationTally, b: Batch, turns: list[tuple[int, Index, np.ndarray]]) -> None:
    """`EscalationTally.add_game` for every game of a batch played from the deck's start:
    each actor's summed escalation per turn, and its highest move played (None: none)."""
    deck = b.deck
    tally.games += b.size
    for turn, _rows, sums in turns:
        for a, actor in enumerate(deck.actors):
            values, counts = np.unique(sums[:, a], return_counts=True)
            for value, n in zip(values.tolist(), counts.tolist(), strict=True):
                tally.turns[(actor, turn, int(value))] += n
    escalations = np.array([m.escalation for m in deck.moves], dtype=np.int64)
    lowest = np.iinfo(np.int64).min
    peaks = np.full((b.size, len(deck.actors)), lowest, dtype=np.int64)
    for a, actor in enumerate(deck.actors):
        mine = np.array([m.index for m in deck.moves if m.actor == actor], dtype=np.int64)
        if len(mine):
            played = b.counts[:, mine] > 0
            peaks[:, a] = np.where(played, escalations[mine][None, :], lowest).max(axis=1)
    for a, actor in enumerate(deck.actors):
        values, counts = np.unique(peaks[:, a], return_counts=True)
        for value, n in zip(values.tolist(), counts.tolist(), strict=True):
            tally.peaks[(actor, None if value == lowest else int(value))] += n
    values, counts = np.unique(peaks.max(axis=1) if len(deck.actors) else np.full(b.size, lowest), return_counts=True)
    for value, n in zip(values.tolist(), counts.tolist(), strict=True):
        tally.peaks[(ANY, None if value == lowest else int(value))] += n


def _count(tally: Tally, b: Batch, history: np.ndarray) -> None:
    """Add a finished batch to `tally`, as `Tally.add_game` adds each of its games."""
    deck = b.deck
    ids = [e.id for e in deck.endings] + [deck.turn_limit_ending.id]
    tally.games += b.size
    for k, n in zip(*np.unique(b.ending, return_counts=True), strict=True):
        tally.endings[ids[int(k)]] += int(n)
    pairs, counts = np.unique(np.stack([b.ending, b.played], axis=1), axis=0, return_counts=True)
    for (k, turn), n in zip(pairs.tolist(), counts.tolist(), strict=True):
        tally.ending_turns[(ids[k], turn)] += n
    for a, actor in enumerate(deck.actors):
        values, counts = np.unique(b.score[:, a], return_counts=True)
        for value, n in zip(values.tolist(), counts.tolist(), strict=True):
            tally.scores[(actor, float(value))] += n
    _add_nonzero(tally.moves, b.counts.sum(axis=0))
    _add_nonzero(tally.ordered, b.ordered_total)
    _add_nonzero(tally.fired, b.fired.sum(axis=0))
    _add_nonzero(tally.fired_games, (b.fired > 0).sum(axis=0))
    if tally.by_move:
        for move in deck.moves:
            a = deck.actors.index(move.actor)
            keys, counts = np.unique(np.stack([b.counts[:, move.index] > 0, b.score[:, a]], axis=1), axis=0, return_counts=True)
            for (played, score), n in zip(keys.tolist(), counts.tolist(), strict=True):
                tally.move_scores[(move.index, bool(played), float(score))] += n
    for offer in deck.offers:
        made = int(b.offer_counts[:, offer.index, 0].sum())
        if made:
            tally.offers[(offer.index, "made")] += made
            for status, n in (
                ("accepted", int(b.counts[:, offer.accept].sum())),
                ("refused", int(b.counts[:, offer.refuse].sum())),
                ("expired", int(b.offer_counts[:, offer.index, 1].sum())),
                ("unanswered", int((b.offers[:, offer.index] >= 0).sum())),
            ):
                if n:
                    tally.offers[(offer.index, status)] += n
    tally.turns_sum += int(b.played.sum())
    _count_tracks(tally, b, history)


def _add_nonzero(counter: Counter[int], sums: np.ndarray) -> None:
    for i in np.flatnonzero(sums).tolist():
        counter[i] += int(sums[i])


def _count_tracks(tally: Tally, b: Batch, values: np.ndarray) -> None:
    """`Tally._add_tracks` for every game at once: each run of turns over which a track's
    value (to 1/100) held still, as (slot, value, first turn, last turn).

    Every slot of every game together, in a few whole-array steps: where runs begin, where
    each ends (the turn before its slot's next begin, else the game's last), and one
    small integer key per run counted by `bincount`. Runs are found on the exact values
    first: a value to 1/100 changes only where the exact value does, and when every run's
    value is a whole number of quarters (the usual case) each is its own value to 1/100,
    so those are the runs; else the values are rounded first and the runs found again.
    A few thousand games at a time: a run takes a few dozen bytes while it is counted."""
    turns, slots, games = values.shape  # (`TrackHistory`: the turns a game did not play are never read)
    if not turns or not slots:
        return
    for first in range(0, games, TRACK_BLOCK):
        last = min(first + TRACK_BLOCK, games)
        _count_track_runs(tally, b.played[first:last], values, first)


TRACK_BLOCK = 4096
"""Games whose track runs are counted together."""


def _count_track_runs(tally: Tally, played: np.ndarray, values: np.ndarray, start: int) -> None:
    """The runs of games `start` on (as many as `played` has) of `values` (`TrackHistory`)."""
    turns, slots, _games = values.shape
    valid = (np.arange(turns)[:, None] < played[None, :])[:, None, :]
    index = np.int32 if values.size < 1 << 31 else np.int64  # quicker division
    pair, at, value = _run_starts(values, start, len(played), valid, index)
    quarters = value * 4.0
    if not (quarters == np.floor(quarters)).all():
        rounded = _tocents(np.where(valid, values[:, :, start: start + len(played)], np.nan))
        pair, at, value = _run_starts(rounded, 0, len(played), valid, index)
    g = pair // slots
    slot = pair - g * slots
    # A run ends the turn before the next begins in its game and slot, else on the game's last.
    end = played[g] - 1
    if len(pair) > 1:
        end[:-1] = np.where(pair[1:] == pair[:-1], at[1:] - 1, end[:-1])
    distinct, rank = _ranks(value)
    key = ((slot * len(distinct) + rank) * turns + at) * turns + end
    size = slots * len(distinct) * turns * turns
    if size <= 1 << 24:
        counts = np.bincount(key, minlength=size)
        keys = np.flatnonzero(counts)
        counts = counts[keys]
    else:
        keys, counts = np.unique(key, return_counts=True)
    rest, last = np.divmod(keys, turns)
    rest, first = np.divmod(rest, turns)
    which, v = np.divmod(rest, len(distinct))
    runs = zip(which.tolist(), distinct[v].tolist(), (first + 1).tolist(), (last + 1).tolist(), strict=True)
    tally.tracks.update(dict(zip(runs, counts.tolist(), strict=True)))


def _run_starts(values: np.ndarray, first: int, games: int, valid: np.ndarray, index: type) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where runs of equal values begin in games `first` to `first + games` of `values`
    (turns x slots x games, contiguous) among the turns `valid`: each run's game (from
    `first`) and slot (`game * slots + slot`) and first turn (0-based), ordered by game,
    slot and turn, and its value."""
    turns, slots, n = values.shape
    block = values[:, :, first: first + games]
    begins = np.empty(block.shape, dtype=np.bool_)
    begins[0] = True
    np.not_equal(block[1:], block[:-1], out=begins[1:])
    begins &= valid
    flat: np.ndarray = np.flatnonzero(np.ascontiguousarray(begins.transpose(2, 1, 0))).astype(index)  # game, slot, turn
    pair = flat // turns
    at = flat - pair * turns
    g = pair // slots
    where = (at.astype(np.int64) * slots + (pair - g * slots)) * n + first + g
    return pair, at, values.reshape(-1)[where]


def _ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values (ascending) and each value's index among them, as `np.unique`
    with `return_inverse` gives them; without sorting when the values are hundredths over
    a modest range (tracks to 1/100: each is `k / 100` for a whole `k`), the usual case."""
    if not len(values):
        return np.empty(0), np.empty(0, dtype=np.int64)
    low, high = values.min(), values.max()
    if np.isfinite(low) and np.isfinite(high) and (high - low) * 100.0 < 1 << 20:
        code = np.rint(values * 100.0).astype(np.int64)
        base = int(code.min())
        code -= base
        seen = np.zeros(int(code.max()) + 1, dtype=np.bool_)
        seen[code] = True
        dense = np.cumsum(seen) - 1
        rank = dense[code]
        distinct = np.empty(int(dense[-1]) + 1)
        distinct[rank] = values  # the very floats seen (one per code: hundredths are distinct)
        return distinct, rank
    distinct, rank = np.unique(values, return_inverse=True)
    return distinct, rank.reshape(-1)


def _tocents(values: np.ndarray) -> np.ndarray:
    """Each value rounded to 1/100 exactly as the reference rounds it (`_cents`, in Python):
    values on a quarter are kept as they are (most of them), the few others looked up."""
    quarter = values * 4.0
    odd = ~(quarter == np.floor(quarter))
    if not odd.any():
        return values
    out = values.copy()
    uniq, inverse = np.unique(values[odd], return_inverse=True)
    out[odd] = np.array([np.nan if math.isnan(x) else cents(x) for x in uniq.tolist()])[inverse.reshape(-1)]
    return out


__all__ = ["CHUNK", "FirstTurn", "TrackHistory", "batch_ready", "batch_tally", "chunk_size", "play"]
