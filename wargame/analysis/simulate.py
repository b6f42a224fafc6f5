"""Monte Carlo runs: many seeded games with computer seats, summarised as they finish.

Game i of a run with seed S always uses the same game seed, and the per-game results are
folded into counters that do not depend on order, so the summary is identical whatever
`jobs` is. Nothing per game is kept (memory stays flat) unless a save folder is given.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wargame.bots.base import Bot, SeatSpec, make_bot
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game


def game_seed(seed: int, index: int) -> int:
    """The seed of game `index` in a run seeded with `seed`."""
    return (seed * 100_003 + index) & 0x7FFF_FFFF_FFFF_FFFF


def play_game(deck: CompiledDeck, seed: int, seats: Mapping[str, SeatSpec | str], turns: int | None = None) -> Game:
    """Play one game to its end with computer seats (random where `seats` names none)."""
    game = Game(deck, seed, turns)
    bots: dict[str, Bot] = {a: make_bot(seats.get(a, "random"), deck, a, seed) for a in deck.actors}
    while game.ending is None:
        for actor in deck.actors:
            bot = bots[actor]
            decision = bot.decide(game.view(actor), game.available_moves(actor), game.orders_allowed(actor))
            game.submit(actor, decision.orders, decision.reasons)
        game.resolve()
    return game


@dataclass
class Tally:
    """Order-independent sums over finished games (merging two tallies is addition)."""

    games: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    score_sums: Counter[str] = field(default_factory=Counter)
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(actor, move id) to times resolved."""
    tracks: Counter[tuple[int, int, float]] = field(default_factory=Counter)
    """(slot, turn, value at the end of that turn) to games; games that ended earlier
    carry their last value forward, so every turn counts every game."""
    turns_sum: int = 0

    def add_game(self, game: Game) -> None:
        self.games += 1
        assert game.ending is not None
        self.endings[game.ending.id] += 1
        for actor, score in game.scores().items():
            self.score_sums[actor] += score.total
        for play in game.plays:
            self.moves[(play.actor, play.move)] += 1
        self.turns_sum += len(game.records)
        self._add_tracks(game)

    def _add_tracks(self, game: Game) -> None:
        # Values after each turn, rebuilt from the per-turn changes.
        values = list(game.deck.start_values)
        last_turn = 0
        for rec in game.records:
            for change in rec.changes:
                values[change.slot] = change.new
            for slot, value in enumerate(values):
                self.tracks[(slot, rec.turn, value)] += 1
            last_turn = rec.turn
        for turn in range(last_turn + 1, game.turns + 1):
            for slot, value in enumerate(values):
                self.tracks[(slot, turn, value)] += 1

    def merge(self, other: Tally) -> None:
        self.games += other.games
        self.endings.update(other.endings)
        self.score_sums.update(other.score_sums)
        self.moves.update(other.moves)
        self.tracks.update(other.tracks)
        self.turns_sum += other.turns_sum


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for k successes in n trials."""
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _percentile(dist: list[tuple[float, int]], q: float) -> float:
    total = sum(c for _, c in dist)
    target = q * (total - 1)
    seen = 0
    for value, count in dist:
        seen += count
        if seen - 1 >= target:
            return value
    return dist[-1][0]


@dataclass
class Summary:
    """What `wargame simulate` prints and exports."""

    deck: str
    games: int
    seed: int
    seats: dict[str, str]
    endings: dict[str, int]
    ending_intervals: dict[str, tuple[float, float]]
    scores: dict[str, float]
    tracks: dict[str, list[dict[str, float]]]
    """Track name to one entry per turn: p10, median, p90."""
    top_moves: dict[str, list[tuple[str, int]]]
    mean_turns: float

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.deck,
            "games": self.games,
            "seed": self.seed,
            "seats": self.seats,
            "endings": self.endings,
            "ending_rates": {k: v / self.games for k, v in self.endings.items()} if self.games else {},
            "ending_intervals": {k: list(v) for k, v in self.ending_intervals.items()},
            "scores": self.scores,
            "tracks": self.tracks,
            "top_moves": {a: [{"move": m, "count": c} for m, c in ms] for a, ms in self.top_moves.items()},
            "mean_turns": self.mean_turns,
        }


def summarise(deck: CompiledDeck, tally: Tally, seed: int, seats: Mapping[str, SeatSpec | str], turns: int | None = None) -> Summary:
    n = tally.games
    endings = {e.id: tally.endings.get(e.id, 0) for e in (*deck.endings, deck.turn_limit_ending)}
    per_slot: dict[tuple[int, int], list[tuple[float, int]]] = {}
    for (slot, turn, value), count in tally.tracks.items():
        per_slot.setdefault((slot, turn), []).append((value, count))
    tracks: dict[str, list[dict[str, float]]] = {}
    last_turn = turns or deck.turns
    for slot, name in enumerate(deck.slot_names):
        rows = []
        for turn in range(1, last_turn + 1):
            dist = sorted(per_slot.get((slot, turn), []))
            if not dist:
                continue
            rows.append({"turn": turn, "p10": _percentile(dist, 0.1), "median": _percentile(dist, 0.5), "p90": _percentile(dist, 0.9)})
        tracks[name] = rows
    top: dict[str, list[tuple[str, int]]] = {}
    for actor in deck.actors:
        counts = [(m, c) for (a, m), c in tally.moves.items() if a == actor]
        counts.sort(key=lambda mc: (-mc[1], mc[0]))
        top[actor] = counts[:5]
    return Summary(
        deck=deck.id,
        games=n,
        seed=seed,
        seats={a: str(seats.get(a, "random")) for a in deck.actors},
        endings=endings,
        ending_intervals={k: wilson(v, n) for k, v in endings.items()},
        scores={a: (tally.score_sums.get(a, 0) / n if n else 0.0) for a in deck.actors},
        tracks=tracks,
        top_moves=top,
        mean_turns=tally.turns_sum / n if n else 0.0,
    )


def _run_chunk(args: tuple[str, str, int, int, int, dict[str, str], int | None, str | None]) -> Tally:
    source, name, seed, start, stop, seats, turns, save_dir = args
    deck = load_deck_text(source, name)
    tally = Tally()
    for index in range(start, stop):
        game = play_game(deck, game_seed(seed, index), seats, turns)
        tally.add_game(game)
        if save_dir:
            from wargame.saves.store import new_save, write_save

            save = new_save(game, {a: str(s) for a, s in seats.items()} | {a: "random" for a in deck.actors if a not in seats})
            write_save(save, Path(save_dir) / f"{deck.id}-{seed}-{index:06d}.json")
    return tally


def simulate(
    deck: CompiledDeck,
    games: int,
    seed: int,
    seats: Mapping[str, SeatSpec | str] | None = None,
    jobs: int = 1,
    turns: int | None = None,
    save_dir: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Run `games` games and summarise them. `progress(n)` is called as chunks finish."""
    seats = {a: str(s) for a, s in (seats or {}).items()}
    for actor, spec in seats.items():
        make_bot(spec, deck, actor, seed)  # fail early, in the parent, on a bad seat
    jobs = max(1, min(jobs, os.cpu_count() or 1, games or 1))
    chunk = max(1, min(500, math.ceil(games / (jobs * 4)))) if jobs > 1 else max(1, min(500, games))
    spans = [(start, min(start + chunk, games)) for start in range(0, games, chunk)]
    args = [(deck.source, deck.path, seed, a, b, seats, turns, str(save_dir) if save_dir else None) for a, b in spans]
    total = Tally()
    if jobs == 1:
        for arg in args:
            total.merge(_run_chunk(arg))
            if progress:
                progress(total.games)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for part in pool.map(_run_chunk, args):
                total.merge(part)
                if progress:
                    progress(total.games)
    return summarise(deck, total, seed, seats, turns)
