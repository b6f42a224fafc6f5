"""Monte Carlo runs: many seeded games with computer seats, summarised as they finish.

Game i of a run with seed S always uses the same game seed, and the per-game results are
folded into counters that do not depend on order, so the summary is identical whatever
`jobs` is. Nothing per game is kept (memory stays flat) unless a save folder is given.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wargame.bots.base import SeatSpec, make_bot
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game
from wargame.errors import WargameError


def game_seed(seed: int, index: int) -> int:
    """The seed of game `index` in a run seeded with `seed`."""
    return (seed * 100_003 + index) & 0x7FFF_FFFF_FFFF_FFFF


def play_game(
    deck: CompiledDeck,
    seed: int,
    seats: Mapping[str, SeatSpec | str],
    turns: int | None = None,
    *,
    log: bool = True,
    history: list[list[float]] | None = None,
) -> Game:
    """Play one game to its end with computer seats (random where `seats` names none).

    `log=False` skips the news, dice and hashes nobody reads in a simulation (the game is
    the same). `history`, if given, receives the track values after each turn.
    """
    game = Game(deck, seed, turns, log=log)
    seated = [(a, make_bot(seats.get(a, "random"), deck, a, seed), game.orders_allowed(a)) for a in deck.actors]
    for _actor, bot, _allowed in seated:
        bot.explain = log  # reasons are part of the log: spell them out only if kept
    while game.ending is None:
        for actor, bot, allowed in seated:
            decision = bot.decide(game.view(actor), game.available_moves(actor), allowed)
            game.submit(actor, decision.orders, decision.reasons)
        game.resolve()
        if history is not None:
            history.append(list(game.state.v))
    return game


@dataclass
class Tally:
    """Order-independent counts over finished games (merging two tallies is addition).

    Everything is a count, never a float sum, so a merged tally is the same whatever
    order the chunks finish in; and its size is bounded by the deck, not the games.
    """

    games: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    scores: Counter[tuple[str, float]] = field(default_factory=Counter)
    """(actor, final score) to games."""
    moves: Counter[int] = field(default_factory=Counter)
    """Move index to times resolved."""
    tracks: Counter[tuple[int, float, int, int]] = field(default_factory=Counter)
    """(slot, value, first turn, last turn) to games: a run of turns at whose end the track
    held that value (rounded to 1/100). Games that end early carry their last values to
    the last turn, so every turn counts every game."""
    turns_sum: int = 0

    def add_game(self, game: Game, history: list[list[float]] | None = None) -> None:
        """Count a finished game. `history` (track values after each turn) is needed when
        the game kept no log; otherwise the values are rebuilt from its turn records."""
        assert game.ending is not None
        self.games += 1
        self.endings[game.ending.id] += 1
        for actor, score in game.scores().items():
            self.scores[(actor, score.total)] += 1
        moves = self.moves
        for i, count in enumerate(game.state.counts):
            if count:
                moves[i] += count
        self.turns_sum += len(game.records)
        if history is None:
            if not game.log:
                raise ValueError("a game played with log=False needs its track history")
            history = _history(game)
        self._add_tracks(game, history)

    def _add_tracks(self, game: Game, history: list[list[float]]) -> None:
        # Runs rather than one entry per turn and track: most tracks hold still most
        # turns, so this is a few dozen counts per game instead of hundreds.
        raw = list(game.deck.start_values)
        values = [round(x, 2) for x in raw]
        since = [1] * len(values)
        tracks = self.tracks
        for turn, now in enumerate(history, 1):
            for slot, x in enumerate(now):
                if x == raw[slot]:
                    continue
                raw[slot] = x
                new = round(x, 2)
                if new != values[slot]:
                    if turn > since[slot]:
                        tracks[(slot, values[slot], since[slot], turn - 1)] += 1
                    values[slot] = new
                    since[slot] = turn
        last = game.turns
        for slot, value in enumerate(values):
            tracks[(slot, value, since[slot], last)] += 1

    def merge(self, other: Tally) -> None:
        self.games += other.games
        self.endings.update(other.endings)
        self.scores.update(other.scores)
        self.moves.update(other.moves)
        self.tracks.update(other.tracks)
        self.turns_sum += other.turns_sum


def _history(game: Game) -> list[list[float]]:
    """Track values after each turn, rebuilt from the turn records' changes."""
    values = list(game.deck.start_values)
    out = []
    for rec in game.records:
        for change in rec.changes:
            values[change.slot] = change.new
        out.append(list(values))
    return out


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
    """What `wargame simulate` prints and exports (`to_json`; the CSV holds the same)."""

    deck: str
    games: int
    seed: int
    seats: dict[str, str]
    turns: int
    endings: dict[str, int]
    ending_intervals: dict[str, tuple[float, float]]
    """Ending id to its 95% Wilson interval for the share of games."""
    scores: dict[str, float]
    """Actor to mean final score."""
    score_counts: dict[str, dict[float, int]]
    """Actor to (final score to games)."""
    tracks: dict[str, list[dict[str, float]]]
    """Track name to one entry per turn: turn, p10, median, p90 (value at the turn's end)."""
    top_moves: dict[str, list[tuple[str, int]]]
    """Actor to its most played moves (times resolved over all games), most first."""
    mean_turns: float

    def to_json(self) -> dict[str, Any]:
        n = self.games
        return {
            "deck": self.deck,
            "games": n,
            "seed": self.seed,
            "seats": self.seats,
            "turns": self.turns,
            "mean_turns": self.mean_turns,
            "endings": self.endings,
            "ending_rates": {k: v / n for k, v in self.endings.items()} if n else {},
            "ending_intervals": {k: list(v) for k, v in self.ending_intervals.items()},
            "scores": self.scores,
            "score_counts": {a: {f"{k:g}": c for k, c in sorted(d.items())} for a, d in self.score_counts.items()},
            "tracks": self.tracks,
            "top_moves": {
                a: [{"move": m, "count": c, "per_game": c / n if n else 0.0} for m, c in ms]
                for a, ms in self.top_moves.items()
            },
        }


TOP_MOVES = 5


def summarise(deck: CompiledDeck, tally: Tally, seed: int, seats: Mapping[str, SeatSpec | str], turns: int | None = None) -> Summary:
    """Turn a tally into the figures people read: shares with intervals, means, percentiles."""
    n = tally.games
    endings = {e.id: tally.endings.get(e.id, 0) for e in (*deck.endings, deck.turn_limit_ending)}
    per_slot: dict[tuple[int, int], Counter[float]] = {}
    for (slot, value, first, last), count in tally.tracks.items():
        for turn in range(first, last + 1):
            per_slot.setdefault((slot, turn), Counter())[value] += count
    tracks: dict[str, list[dict[str, float]]] = {}
    last_turn = turns or deck.turns
    for slot, name in enumerate(deck.slot_names):
        rows = []
        for turn in range(1, last_turn + 1):
            dist = sorted(per_slot.get((slot, turn), Counter()).items())
            if not dist:
                continue
            rows.append({"turn": turn, "p10": _percentile(dist, 0.1), "median": _percentile(dist, 0.5), "p90": _percentile(dist, 0.9)})
        tracks[name] = rows
    score_counts: dict[str, dict[float, int]] = {a: {} for a in deck.actors}
    for (actor, score), count in tally.scores.items():
        if actor in score_counts:
            score_counts[actor][score] = count
    scores = {
        a: (math.fsum(score * c for score, c in sorted(score_counts[a].items())) / n if n else 0.0)
        for a in deck.actors
    }
    top: dict[str, list[tuple[str, int]]] = {}
    for actor in deck.actors:
        counts = [(deck.moves[i].id, c) for i, c in tally.moves.items() if deck.moves[i].actor == actor]
        counts.sort(key=lambda mc: (-mc[1], mc[0]))
        top[actor] = counts[:TOP_MOVES]
    return Summary(
        deck=deck.id,
        games=n,
        seed=seed,
        seats={a: str(seats.get(a, "random")) for a in deck.actors},
        turns=last_turn,
        endings=endings,
        ending_intervals={k: wilson(v, n) for k, v in endings.items()},
        scores=scores,
        score_counts={a: dict(sorted(d.items())) for a, d in score_counts.items()},
        tracks=tracks,
        top_moves=top,
        mean_turns=tally.turns_sum / n if n else 0.0,
    )


# -- running games in worker processes -------------------------------------------------
# Compiled decks hold closures, which cannot be pickled: each worker compiles the deck
# once from its source text, and chunks name games by index only.
_WORKER_DECK: CompiledDeck | None = None


def _init_worker(source: str, name: str) -> None:
    global _WORKER_DECK
    _WORKER_DECK = load_deck_text(source, name)


@dataclass(frozen=True)
class _Chunk:
    seed: int
    start: int
    stop: int
    seats: dict[str, str]
    turns: int | None
    save_dir: str | None


def _run_chunk(chunk: _Chunk, deck: CompiledDeck | None = None) -> Tally:
    deck = deck or _WORKER_DECK
    assert deck is not None, "worker started without a deck"
    tally = Tally()
    all_seats = {a: chunk.seats.get(a, "random") for a in deck.actors}
    log = chunk.save_dir is not None  # only saves need the news, dice and hashes
    for index in range(chunk.start, chunk.stop):
        history: list[list[float]] = []
        game = play_game(deck, game_seed(chunk.seed, index), chunk.seats, chunk.turns, log=log, history=history)
        tally.add_game(game, history)
        if chunk.save_dir:
            from wargame.saves.store import new_save, write_save

            save = new_save(game, all_seats, title=f"{deck.title} (simulation {chunk.seed}, game {index})")
            write_save(save, Path(chunk.save_dir) / f"{deck.id}-{chunk.seed}-{index:06d}.json")
    return tally


def _chunks(games: int, jobs: int, seed: int, seats: dict[str, str], turns: int | None, save_dir: str | None) -> list[_Chunk]:
    # Small enough chunks that the progress bar moves and both workers stay busy to the
    # end; big enough that passing results back costs little next to playing the games.
    size = max(1, min(500, math.ceil(games / (jobs * 8)))) if jobs > 1 else max(1, min(200, math.ceil(games / 20)))
    return [_Chunk(seed, a, min(a + size, games), seats, turns, save_dir) for a in range(0, games, size)]


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
    """Run `games` games and summarise them. `progress(n)` is called as chunks finish.

    The summary depends only on (deck, games, seed, seats, turns), never on `jobs`.
    Raises `WargameError` for a seat the deck cannot serve, before any game starts.
    """
    seat_map = {a: str(s) for a, s in (seats or {}).items()}
    for actor, spec in seat_map.items():
        make_bot(spec, deck, actor, seed)  # fail early, in the parent, on a bad seat
    if save_dir is not None:
        try:
            Path(save_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WargameError(f"{save_dir}: cannot create the save folder: {exc.strerror or exc}") from None
    jobs = max(1, min(jobs, games or 1))
    chunks = _chunks(games, jobs, seed, seat_map, turns, str(save_dir) if save_dir is not None else None)
    total = Tally()
    if jobs == 1:
        for chunk in chunks:
            total.merge(_run_chunk(chunk, deck))
            if progress:
                progress(total.games)
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(deck.source, deck.path)) as pool:
            pending = [pool.submit(_run_chunk, chunk) for chunk in chunks]
            try:
                for future in as_completed(pending):
                    total.merge(future.result())
                    if progress:
                        progress(total.games)
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    return summarise(deck, total, seed, seat_map, turns)
