"""Monte Carlo runs: many seeded games with computer seats, summarised as they finish.

Game i of a run with seed S always uses the same game seed, and the per-game results are
folded into counters that do not depend on order, so the summary is identical whatever
`jobs` is. Nothing per game is kept (memory stays flat) unless a save folder is given.
"""

from __future__ import annotations

import math
import os
import weakref
from collections import Counter
from collections.abc import Callable, Container, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wargame.analysis.escalation import summarise_escalation
from wargame.analysis.intervals import wilson
from wargame.analysis.tally import Tally
from wargame.bots.agent import AgentError, cover
from wargame.bots.base import Bot, Decision, QuietDecide, quiet_decider
from wargame.bots.make import make_bot
from wargame.bots.seats import NO_PROGRAMS, Programs, SeatSpec, default_computer
from wargame.deck.compile import CMove, CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game
from wargame.errors import WargameError
from wargame.observe.view import PlayerView
from wargame.observe.visibility import Viewer
from wargame.procs import end_with_parent


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
    programs: Programs = NO_PROGRAMS,
    failures: Counter[tuple[str, str]] | None = None,
) -> Game:
    """Play one game to its end with computer seats (random where `seats` names none).

    `log=False` skips the news, dice and hashes nobody reads in a simulation (the game is
    the same). `history`, if given, receives the track values after each turn.
    `programs`: the outside programs an `agent:` seat may start (this run's command line).
    A turn a program cannot play (late, stopped, a refused answer) is played by the
    actor's stand-in (`seats.default_computer`), its reasons saying so, and counted in
    `failures` if given: (actor, `overran` or `failed`) to turns. Every program is ended
    when the game is, however it ends.
    """
    game = Game(deck, seed, turns, log=log, starts=deck.doctrine_starts(seats))
    bots: list[Bot] = []
    try:
        for a in deck.actors:
            bots.append(make_bot(seats.get(a, "random"), deck, a, seed, programs=programs))
        _play(game, bots, seats, log, history, failures)
    finally:
        for bot in bots:
            close = getattr(bot, "close", None)
            if close is not None:
                close()
    return game


def _play(game: Game, bots: list[Bot], seats: Mapping[str, SeatSpec | str], log: bool, history: list[list[float]] | None,
          failures: Counter[tuple[str, str]] | None) -> None:
    """Play `game` to its end with each actor's bot (`bots`, in deck order)."""
    actors = game.deck.actors
    for bot in bots:
        bot.explain = log  # reasons are part of the log: spell them out only if kept
    quiet = [quiet_decider(bot) for bot in bots]  # a bot's answer holds all game
    allowed = [game.orders_allowed(a) for a in actors]
    deciders = [(actor, decide, n) for actor, decide, n in zip(actors, quiet, allowed, strict=True) if decide is not None]
    if not log and len(deciders) == len(actors):  # every seat decides from the state: the engine's own loop
        game.play_out(deciders, history)
        return
    seated = [(a, Viewer.seat(a), bot, n) for a, bot, n in zip(actors, bots, allowed, strict=True)]
    seat_specs = {a: str(seats.get(a, "random")) for a in actors}
    stand_ins: dict[str, Bot] = {}
    while game.ending is None:
        decide_turn(game, seated, seat_specs, stand_ins=stand_ins, failures=failures, quiet=quiet)
        game.resolve()
        if history is not None:
            history.append(list(game.state.v))


Seated = Sequence[tuple[str, Viewer, Bot, int]]
"""Each computer seat of a game: (actor, its viewer, its bot, orders allowed a turn)."""


def decide_turn(
    game: Game, seated: Seated, seats: Mapping[str, str] | None = None, *, skip: Container[str] = (),
    stand_ins: dict[str, Bot] | None = None, failures: Counter[tuple[str, str]] | None = None,
    quiet: Sequence[QuietDecide | None] | None = None,
) -> None:
    """Every seat of `seated` (but those in `skip`) decides from its view and seals its orders.

    A program that cannot play its turn (late, stopped, a refused answer) is covered by the
    actor's stand-in (`seats.default_computer`, kept in `stand_ins` for the next time), its
    reasons saying so, and counted in `failures`: (actor, `overran` or `failed`) to turns.

    A seat that reads nothing hidden from it (a random one, a doctrine seat), its reasons
    unread, decides without a view (`bots.base.quiet_decider`). Other views are lazy, and
    one a bot kept is settled before the state changes. A game that keeps its log (autoplay,
    saves) has its orders checked by `submit`; a quiet one seals them unchecked, since the
    bots chose them from `available_moves` on this very state. `quiet`: each seat's
    `quiet_decider`, in `seated`'s order, when the caller worked them out for the game."""
    views: list[weakref.ref[PlayerView]] = []
    seal = game.submit if game.log else game.seal
    orders_fns = game.deck.orders_fns
    available = game.available_moves
    state = game.state
    for n, (actor, viewer, bot, allowed) in enumerate(seated):
        if actor in skip:
            continue
        if actor in orders_fns:  # orders a turn given by an expression: this turn's
            allowed = game.orders_allowed(actor)
        legal = available(actor)
        decides = quiet_decider(bot) if quiet is None else quiet[n]
        if decides is not None:  # a seat that reads nothing hidden from it, reasons unread: no view
            decision = decides(state, legal, allowed)
        else:
            decision = _decide_in_view(game, actor, viewer, bot, allowed, legal, seats, views, stand_ins, failures)
        seal(actor, decision.orders, decision.reasons)
    for ref in views:
        kept = ref()
        if kept is not None:
            kept.settle()


def _decide_in_view(
    game: Game, actor: str, viewer: Viewer, bot: Bot, allowed: int, legal: list[CMove], seats: Mapping[str, str] | None,
    views: list[weakref.ref[PlayerView]], stand_ins: dict[str, Bot] | None, failures: Counter[tuple[str, str]] | None,
) -> Decision:
    """One seat's decision from its (lazy) view, kept in `views` to be settled; a program
    that cannot play is covered by its stand-in (see `decide_turn`)."""
    view = PlayerView(game, viewer, lazy=True, seats=seats)
    views.append(weakref.ref(view))
    try:
        return bot.decide(view, legal, allowed)
    except AgentError as exc:
        held = stand_ins if stand_ins is not None else {}
        stand_in = held.get(actor)
        if stand_in is None:
            stand_in = held[actor] = make_bot(default_computer(game.deck, actor), game.deck, actor, game.seed)
            stand_in.explain = game.log
        decision = cover(exc, stand_in, view, legal, allowed)
        if failures is not None:
            failures[(actor, exc.kind)] += 1
        return decision


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
    """What `wargame simulate` prints and exports (`to_json`; the CSV holds the same).

    Every figure is computed from counts in a fixed order, so the JSON and CSV are the
    same bytes whatever `jobs` is and however the workers' results arrive.
    """

    deck: str
    games: int
    seed: int
    seats: dict[str, str]
    """Actor to seat as it may be shared: a program by its name, never its command line."""
    turns: int
    endings: dict[str, int]
    ending_intervals: dict[str, tuple[float, float]]
    """Ending id to its 95% Wilson interval for the share of games."""
    ending_turns: dict[str, dict[int, int]]
    """Ending id to (the turn it happened on to games), turns in order."""
    scores: dict[str, float]
    """Actor to mean final score."""
    score_counts: dict[str, dict[float, int]]
    """Actor to (final score to games)."""
    tracks: dict[str, list[dict[str, float]]]
    """Track name to one entry per turn: turn, games (still running at that turn),
    p10, median, p90 (value at the turn's end, over those games)."""
    moves: dict[str, list[dict[str, Any]]]
    """Actor to every one of its moves in deck order: move, ordered, played, fizzled
    (times over all games) and per_game (plays per game)."""
    events: list[dict[str, Any]]
    """Every event in deck order: event, fired (times), games (games it fired in), rate."""
    mean_turns: float
    programs: dict[str, dict[str, int]] = field(default_factory=dict)
    """Actor to the turns its program could not play (`overran`, `failed`), in which its
    stand-in played; only actors whose program failed at least once."""
    escalation: dict[str, Any] | None = None
    """Escalation of the moves played (`summarise_escalation`); None if not counted."""
    own_scores: dict[str, float] = field(default_factory=dict)
    """Actor to its mean score on its doctrine's own objectives (only doctrines that have some)."""

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
            "ending_turns": {k: {str(t): c for t, c in d.items()} for k, d in self.ending_turns.items()},
            "scores": self.scores,
            "score_counts": {a: {f"{k:g}": c for k, c in sorted(d.items())} for a, d in self.score_counts.items()},
            "tracks": self.tracks,
            "moves": self.moves,
            "events": self.events,
            "programs": self.programs,
            "escalation": self.escalation,
            **({"own_scores": self.own_scores} if self.own_scores else {}),
        }


def summarise(deck: CompiledDeck, tally: Tally, seed: int, seats: Mapping[str, SeatSpec | str], turns: int | None = None) -> Summary:
    """Turn a tally into the figures people read: shares with intervals, means, percentiles."""
    n = tally.games
    all_endings = (*deck.endings, deck.turn_limit_ending)
    endings = {e.id: tally.endings.get(e.id, 0) for e in all_endings}
    ending_turns: dict[str, dict[int, int]] = {e.id: {} for e in all_endings}
    for (ending, turn), count in sorted(tally.ending_turns.items()):
        ending_turns.setdefault(ending, {})[turn] = count
    # Plain dicts, not Counters: a Counter's `+=` on a new value goes through `__missing__`
    # in Python, and this loop runs for every run of every track (a batched simulation's
    # summary took a seventh of its time here).
    per_slot: dict[tuple[int, int], dict[float, int]] = {}
    for (slot, value, first, last), count in tally.tracks.items():
        for turn in range(first, last + 1):
            at_turn = per_slot.get((slot, turn))
            if at_turn is None:
                at_turn = per_slot[(slot, turn)] = {}
            at_turn[value] = at_turn.get(value, 0) + count
    tracks: dict[str, list[dict[str, float]]] = {}
    last_turn = turns or deck.turns
    for slot, name in enumerate(deck.slot_names):
        rows = []
        for turn in range(1, last_turn + 1):
            dist = sorted(per_slot.get((slot, turn), {}).items())
            if not dist:
                continue
            running = sum(c for _, c in dist)
            rows.append({"turn": turn, "games": running, "p10": _percentile(dist, 0.1), "median": _percentile(dist, 0.5), "p90": _percentile(dist, 0.9)})
        tracks[name] = rows
    score_counts: dict[str, dict[float, int]] = {a: {} for a in deck.actors}
    for (actor, score), count in sorted(tally.scores.items()):
        if actor in score_counts:
            score_counts[actor][float(score)] = count
    scores = {
        a: (math.fsum(score * c for score, c in sorted(score_counts[a].items())) / n if n else 0.0)
        for a in deck.actors
    }
    moves: dict[str, list[dict[str, Any]]] = {a: [] for a in deck.actors}
    for move in deck.moves:
        played = tally.moves.get(move.index, 0)
        ordered = tally.ordered.get(move.index, 0)
        moves[move.actor].append({
            "move": move.id,
            "ordered": ordered,
            "played": played,
            "fizzled": ordered - played,
            "per_game": played / n if n else 0.0,
        })
    events = [
        {
            "event": event.id,
            "fired": tally.fired.get(event.index, 0),
            "games": tally.fired_games.get(event.index, 0),
            "rate": tally.fired_games.get(event.index, 0) / n if n else 0.0,
        }
        for event in deck.events
    ]
    return Summary(
        deck=deck.id,
        games=n,
        seed=seed,
        seats={a: SeatSpec.parse(str(seats.get(a, "random"))).shown for a in deck.actors},
        turns=last_turn,
        endings=endings,
        ending_intervals={k: wilson(v, n) for k, v in endings.items()},
        ending_turns=ending_turns,
        scores=scores,
        score_counts={a: dict(sorted(d.items())) for a, d in score_counts.items()},
        tracks=tracks,
        moves=moves,
        events=events,
        mean_turns=tally.turns_sum / n if n else 0.0,
        programs={
            a: {kind: tally.programs[(a, kind)] for kind in ("overran", "failed") if tally.programs[(a, kind)]}
            for a in deck.actors if tally.programs[(a, "overran")] or tally.programs[(a, "failed")]
        },
        escalation=summarise_escalation(deck, tally.escalation, n),
        own_scores=mean_own_scores(tally),
    )


def mean_own_scores(tally: Tally) -> dict[str, float]:
    """Actor to its mean score on its doctrine's own objectives, over the games counted."""
    sums: dict[str, list[tuple[float, int]]] = {}
    for (actor, score), count in sorted(tally.own_scores.items()):
        sums.setdefault(actor, []).append((score, count))
    return {a: math.fsum(s * c for s, c in rows) / sum(c for _, c in rows) for a, rows in sums.items()}


def default_seats(deck: CompiledDeck, seats: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every actor's seat: as given in `seats`, else its first doctrine, else random.

    What a person running a simulation expects of the seats they did not name: the
    deck's computer personalities rather than uniform random play.
    """
    given = dict(seats or {})
    out: dict[str, str] = {}
    for actor in deck.actors:
        if actor in given:
            out[actor] = given[actor]
        elif deck.doctrines.get(actor):
            out[actor] = f"doctrine:{next(iter(deck.doctrines[actor]))}"
        else:
            out[actor] = "random"
    return out


# -- running games in worker processes -------------------------------------------------
# Compiled decks hold closures, which cannot be pickled: each worker compiles the deck
# once from its source text, and chunks name games by index only.
_WORKER_DECK: CompiledDeck | None = None


def _init_worker(source: str, name: str, parent: int) -> None:
    global _WORKER_DECK
    end_with_parent(parent)  # stopped with us, programs and all
    _WORKER_DECK = load_deck_text(source, name)


Engine = Literal["reference", "exact", "fast"]
"""Which engine plays a run's games: the `reference` engine game by game; the batched
engine (`wargame.analysis.batch`) with the keyed dice of a replay (`exact`: the very
same games and counts as the reference engine, for checks), or with a counter-based
generator per game (`fast`: other dice than a replay would draw, the same rules)."""
ENGINES: tuple[Engine, ...] = ("fast", "exact", "reference")


def engine_for(engine: Engine, seats: Mapping[str, SeatSpec | str], *, saves: bool = False) -> tuple[Engine, str | None]:
    """The engine a run can use, and a line saying why when it is not the one asked for:
    lookahead seats, programs and saved games play only in the reference engine."""
    if engine == "reference":
        return engine, None
    if saves:
        return "reference", "games saved one by one (--save-dir) are played by the reference engine"
    from wargame.analysis.batch import batch_ready

    if not batch_ready(seats):
        kinds = sorted({SeatSpec.parse(str(s)).kind for s in seats.values()} - {"random", "doctrine"})
        return "reference", f"{' and '.join(kinds)} seats play only in the reference engine, which played this run"
    return engine, None


@dataclass(frozen=True)
class Chunk:
    """Games `start..stop` of the run `key` (a simulation has one run; a sweep one per
    combination of doctrines)."""

    key: int
    seed: int
    start: int
    stop: int
    seats: dict[str, str]
    turns: int | None
    save_dir: str | None = None
    by_move: bool = False
    programs: Programs = NO_PROGRAMS
    engine: Engine = "reference"


def _run_chunk(chunk: Chunk, deck: CompiledDeck | None = None) -> tuple[int, Tally]:
    deck = deck or _WORKER_DECK
    assert deck is not None, "worker started without a deck"
    if chunk.engine != "reference":
        from wargame.analysis.batch import batch_tally

        seeds = [game_seed(chunk.seed, index) for index in range(chunk.start, chunk.stop)]
        return chunk.key, batch_tally(deck, seeds, chunk.seats, chunk.turns, chunk.engine, by_move=chunk.by_move)
    tally = Tally(by_move=chunk.by_move)
    all_seats = {a: chunk.seats.get(a, "random") for a in deck.actors}
    log = chunk.save_dir is not None  # only saves need the news, dice and hashes
    for index in range(chunk.start, chunk.stop):
        history: list[list[float]] = []
        game = play_game(deck, game_seed(chunk.seed, index), chunk.seats, chunk.turns, log=log, history=history,
                         programs=chunk.programs, failures=tally.programs)
        tally.add_game(game, history, all_seats)
        if chunk.save_dir:
            from wargame.saves.store import new_save, write_save

            save = new_save(game, all_seats, title=f"{deck.title} (simulation {chunk.seed}, game {index})")
            write_save(save, Path(chunk.save_dir) / f"{deck.id}-{chunk.seed}-{index:06d}.json")
    return chunk.key, tally


_DECKS: dict[str, CompiledDeck] = {}
"""Decks compiled in this process from their source, by sha256 (a cluster worker's)."""


def deck_from_source(source: str, path: str, sha256: str) -> CompiledDeck:
    """The deck of `source`, compiled once per process (cluster workers get the source,
    since a compiled deck holds functions that cannot be sent)."""
    deck = _DECKS.get(sha256)
    if deck is None:
        deck = _DECKS[sha256] = load_deck_text(source, path)
    return deck


def _run_chunk_from_source(chunk: Chunk, source: str, path: str, sha256: str) -> tuple[int, Tally]:
    return _run_chunk(chunk, deck_from_source(source, path, sha256))


BATCH_CHUNK = 16384
"""The most games the batched engine plays at once in one chunk (`wargame.analysis.batch.CHUNK`,
which plays fewer together for a deck with many tracks and turns)."""


def make_chunks(key: int, games: int, jobs: int, seed: int, seats: dict[str, str], turns: int | None,
                save_dir: str | None = None, by_move: bool = False, programs: Programs = NO_PROGRAMS,
                engine: Engine = "reference") -> list[Chunk]:
    """Split one run of `games` games into chunks for `run_chunks`."""
    # Small enough chunks that the progress bar moves and both workers stay busy to the
    # end; big enough that passing results back costs little next to playing the games
    # (and, for the batched engine, that each chunk is wide enough to be worth batching).
    if engine != "reference":
        # The batched engine's cost is mostly per turn, not per game: 500 games a chunk
        # play at a third of the speed of 5,000. At most BATCH_CHUNK games at once keeps
        # memory flat however many games are asked for.
        parts = max(math.ceil(games / BATCH_CHUNK), jobs * 4 if jobs > 1 else 1)
        size = max(1, min(BATCH_CHUNK, max(512, math.ceil(games / parts))))
    elif jobs > 1:
        size = max(1, min(500, math.ceil(games / (jobs * 8))))
    else:
        size = max(1, min(200, math.ceil(games / 20)))
    return [Chunk(key, seed, a, min(a + size, games), seats, turns, save_dir, by_move, programs, engine) for a in range(0, games, size)]


def run_chunks(deck: CompiledDeck, chunks: list[Chunk], jobs: int = 1,
               progress: Callable[[int], None] | None = None, cluster: str | None = None) -> dict[int, Tally]:
    """Play every chunk (in `jobs` worker processes when more than one, or on the Dask
    cluster at `cluster`: see `wargame.analysis.cluster`) and merge the tallies of each
    run key. `progress(games done)` is called as chunks finish.

    Tallies are counts, so the result is the same whatever order the chunks finish in.
    """
    totals: dict[int, Tally] = {c.key: Tally(by_move=c.by_move) for c in chunks}
    done = 0
    if cluster is not None:
        from wargame.analysis.cluster import run_on_cluster

        for key, tally in run_on_cluster(cluster, deck, _run_chunk_from_source, chunks, lambda r: r[1].games, progress):
            totals[key].merge(tally)
        return totals
    jobs = max(1, min(jobs, len(chunks) or 1))
    if jobs == 1:
        for chunk in chunks:
            key, tally = _run_chunk(chunk, deck)
            totals[key].merge(tally)
            done += tally.games
            if progress:
                progress(done)
        return totals
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(deck.source, deck.path, os.getpid())) as pool:
        pending = [pool.submit(_run_chunk, chunk) for chunk in chunks]
        try:
            for future in as_completed(pending):
                key, tally = future.result()
                totals[key].merge(tally)
                done += tally.games
                if progress:
                    progress(done)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return totals


def check_seats(deck: CompiledDeck, seats: Mapping[str, SeatSpec | str], seed: int = 0, programs: Programs = NO_PROGRAMS) -> dict[str, str]:
    """The seats as text, after building each bot once: a bad seat fails here, in the
    parent process, before any game starts (raises `WargameError`)."""
    seat_map = {a: str(s) for a, s in seats.items()}
    for actor, spec in seat_map.items():
        bot = make_bot(spec, deck, actor, seed, programs=programs)
        close = getattr(bot, "close", None)
        if close is not None:
            close()  # a program started only to check it: stopped at once
    return seat_map


def simulate(
    deck: CompiledDeck,
    games: int,
    seed: int,
    seats: Mapping[str, SeatSpec | str] | None = None,
    jobs: int = 1,
    turns: int | None = None,
    save_dir: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    by_move: bool = False,
    programs: Programs = NO_PROGRAMS,
    engine: Engine = "reference",
    cluster: str | None = None,
) -> Summary:
    """Run `games` games and summarise them. `progress(n)` is called as chunks finish.

    Seats not named in `seats` play random. The summary depends only on (deck, games,
    seed, seats, turns, engine), never on `jobs` or `cluster`; the `exact` engine gives
    the reference engine's summary. Raises `WargameError` for a seat the deck cannot
    serve, before any game starts.
    """
    tally = simulate_tally(deck, games, seed, seats, jobs, turns, save_dir, progress, by_move=by_move, programs=programs,
                           engine=engine, cluster=cluster)
    return summarise(deck, tally, seed, seats or {}, turns)


def simulate_tally(
    deck: CompiledDeck,
    games: int,
    seed: int,
    seats: Mapping[str, SeatSpec | str] | None = None,
    jobs: int = 1,
    turns: int | None = None,
    save_dir: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    by_move: bool = False,
    programs: Programs = NO_PROGRAMS,
    engine: Engine = "reference",
    cluster: str | None = None,
) -> Tally:
    """`simulate` without the summary: the merged tally of the run (`engine_for` says
    which engine plays it)."""
    seat_map = check_seats(deck, seats or {}, seed, programs)
    if save_dir is not None:
        try:
            Path(save_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WargameError(f"{save_dir}: cannot create the save folder: {exc.strerror or exc}") from None
    jobs = max(1, min(jobs, games or 1))
    engine = engine_for(engine, {a: seat_map.get(a, "random") for a in deck.actors}, saves=save_dir is not None)[0]
    chunks = make_chunks(0, games, jobs, seed, seat_map, turns, str(save_dir) if save_dir is not None else None, by_move, programs, engine)
    return run_chunks(deck, chunks, jobs, progress, cluster).get(0, Tally(by_move=by_move))
