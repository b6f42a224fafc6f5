"""Continuations of a saved game: fork the game before any turn and play it out many times.

Turning points and what-ifs both ask "from the state before turn T, if the seats play
on, how does the game end?". A save is replayed once into checkpoints; each continuation
forks a log-free game from one, with its own dice and stand-in bots seeded by its index,
so the counts depend only on (save, seed, opening, index), never on worker processes.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, Self

from wargame.analysis.batch import batch_ready
from wargame.analysis.simulate import Engine, decide_turn
from wargame.bots.base import Bot
from wargame.bots.make import make_bot
from wargame.bots.seats import NO_PROGRAMS, SeatSpec, default_computer, safe_seats
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.engine.state import Inject, State
from wargame.errors import SaveError, UnreplayableSave, WargameError
from wargame.observe.view import PlayerView
from wargame.observe.visibility import Viewer
from wargame.procs import end_with_parent
from wargame.saves.format import SaveModel
from wargame.saves.store import apply_turn, new_game, parse_save, save_deck


def continuation_seed(seed: int, turn: int, index: int) -> int:
    """The seed of continuation `index` from before `turn`: its dice and its bots' draws.

    Every opening tried from the same turn reuses these seeds (common random numbers),
    so a difference between two openings is the openings', not the dice's.
    """
    return ((seed * 1_000_033 + turn) * 2_654_435_761 + index * 40_503 + 1) & 0x7FFF_FFFF_FFFF_FFFF


def default_stand_ins(save: SaveModel, deck: CompiledDeck, chosen: Mapping[str, str] | None = None) -> dict[str, str]:
    """The computer seat that plays each actor in continuations.

    `chosen` wins (actor to spec); otherwise a computer seat keeps its own spec, except
    lookahead, which is replaced by its playout policy (the deck's first doctrine): a
    searching bot inside thousands of continuations would take hours. A human seat gets
    the deck's first doctrine for that actor (random if it has none), and so does a seat
    played by a program: a program named in a save is never started (`program_notes` says
    so), and none may stand in for continuations.
    Raises `WargameError` for an unknown actor or a spec the deck cannot serve.
    """
    out: dict[str, str] = {}
    chosen = dict(chosen or {})
    for actor in chosen:
        if actor not in deck.actors:
            raise WargameError(f"stand-in for unknown actor '{actor}' (actors: {', '.join(deck.actors)})")
    for actor in deck.actors:
        if actor in chosen:
            spec = SeatSpec.parse(chosen[actor])
            if spec.is_human:
                raise WargameError(f"the stand-in for {deck.actor_name(actor)} must be a computer seat, not human")
            if spec.is_program:
                raise WargameError(f"the stand-in for {deck.actor_name(actor)} must be a computer (random, doctrine or lookahead): a program cannot play thousands of continuations")
        else:
            try:
                spec = SeatSpec.parse(save.seats.get(actor, "human"))
            except WargameError:
                spec = default_computer(deck, actor)
            if spec.is_human or spec.kind == "lookahead" or spec.is_program:
                spec = default_computer(deck, actor)
        make_bot(spec, deck, actor, 0)  # fail now, not in a worker
        out[actor] = str(spec)
    return out


def program_notes(save: SaveModel, deck: CompiledDeck) -> list[str]:
    """A line for each seat of `save` that a program played: it is not run here."""
    return safe_seats(save.seats, deck, NO_PROGRAMS)[1]


@dataclass(frozen=True)
class Opening:
    """How the first turn of a continuation is played; later turns are all stand-ins.

    Seats named in `orders` give exactly those orders; the rest ask their stand-in.
    `injects` and `overrides` are the facilitator's for that turn (as in a save).
    A seat in `stand_in` gives the orders named for it and asks its stand-in for the
    rest: `answers` (its answers to offers; the named orders are its ordinary ones) or
    `orders` (its ordinary orders; the named ones are its answers). Turning points credit
    an acceptance or a refusal apart from the seat's other orders this way.
    """

    orders: tuple[tuple[str, tuple[str, ...]], ...] = ()
    injects: tuple[Inject, ...] = ()
    overrides: tuple[tuple[str, bool], ...] = ()
    track_rolls: bool = False
    """Count endings by each opening roll's outcome (`Outcomes.by_roll`): the odds given
    that a roll came out one way, read from the same continuations at no extra cost."""
    stand_in: tuple[tuple[str, str], ...] = ()
    """(actor, `answers` or `orders`): what that seat's stand-in decides on top of the
    orders named for it."""
    per_game: str | None = None
    """An actor whose score to keep for each continuation by its index (`Outcomes.by_game`),
    so two openings can be compared game by game on the same dice."""

    @classmethod
    def of(
        cls,
        orders: Mapping[str, Sequence[str]] | None = None,
        injects: Iterable[Inject] = (),
        overrides: Mapping[str, bool] | None = None,
        *,
        track_rolls: bool = False,
        stand_in: Mapping[str, str] | None = None,
        per_game: str | None = None,
    ) -> Opening:
        return cls(
            tuple(sorted((a, tuple(o)) for a, o in (orders or {}).items())),
            tuple(injects),
            tuple(sorted((overrides or {}).items())),
            track_rolls,
            tuple(sorted((stand_in or {}).items())),
            per_game,
        )


@dataclass
class Outcomes:
    """What a batch of continuations came to: counts only, so merging is addition and the
    result is the same whatever order the batches finish in."""

    games: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    scores: Counter[tuple[str, float]] = field(default_factory=Counter)
    """(actor, final score) to continuations."""
    by_roll: Counter[tuple[str, bool, str]] = field(default_factory=Counter)
    """(`kind:id` of an opening roll, its outcome, ending) to continuations (only when
    the opening tracks rolls)."""
    by_game: dict[int, float] = field(default_factory=dict)
    """Continuation index to the score of the opening's `per_game` actor (only when it
    names one): batches hold different indexes, so merging is a union."""

    def merge(self, other: Outcomes) -> None:
        self.games += other.games
        self.endings.update(other.endings)
        self.scores.update(other.scores)
        self.by_roll.update(other.by_roll)
        self.by_game.update(other.by_game)

    def given_roll(self, roll: str, success: bool, ending: str) -> tuple[float, int] | None:
        """The share of `ending` among continuations whose opening roll `roll` came out
        `success`, and how many those were; None if none did."""
        n = sum(c for (r, ok, _e), c in self.by_roll.items() if r == roll and ok == success)
        if n == 0:
            return None
        return self.by_roll.get((roll, success, ending), 0) / n, n

    def share(self, ending: str) -> float:
        return self.endings.get(ending, 0) / self.games if self.games else 0.0

    def mean_score(self, actor: str) -> float:
        if not self.games:
            return 0.0
        return math.fsum(s * c for (a, s), c in sorted(self.scores.items()) if a == actor) / self.games

    def score_interval(self, actor: str, z: float = 1.96) -> tuple[float, float]:
        """A normal-approximation 95% interval for the mean score."""
        n = self.games
        if n == 0:
            return (0.0, 0.0)
        mean = self.mean_score(actor)
        if n == 1:
            return (mean, mean)
        var = math.fsum(c * (s - mean) ** 2 for (a, s), c in sorted(self.scores.items()) if a == actor) / (n - 1)
        half = z * math.sqrt(var / n)
        return (mean - half, mean + half)


class Checkpoints:
    """A save replayed once, with the game before each turn kept to fork from.

    `fork(turn, seed)` is the game before `turn` (1-based; one past the last saved turn
    is the game as the save leaves it), as a new log-free `Game` with its own dice seed.
    Raises `SaveError` if a saved turn cannot be replayed.
    """

    def __init__(self, save: SaveModel, deck: CompiledDeck | None = None) -> None:
        self.save = save
        self.deck = deck or save_deck(save)
        game = new_game(save, self.deck)  # the save's dice: a format-1 save replays with its own
        self._snaps: list[tuple[State, int, dict[tuple[int, str], int], int]] = [self._snap(game)]
        for turn in save.history:
            try:
                apply_turn(game, turn)
            except WargameError as exc:
                raise UnreplayableSave(f"turn {turn.turn} of the save cannot be replayed: {exc}") from None
            self._snaps.append(self._snap(game))
        self.game = game
        """The whole game as the save leaves it (with its log)."""

    @staticmethod
    def _snap(game: Game) -> tuple[State, int, dict[tuple[int, str], int], int]:
        return (game.state.copy(), len(game.plays), dict(game.revealed_plays), len(game.records))

    @property
    def last(self) -> int:
        """The last turn that can be forked from (one past the saved turns)."""
        return len(self._snaps)

    def fork(self, turn: int, seed: int) -> Game:
        if not 1 <= turn <= len(self._snaps):
            raise SaveError(f"no turn {turn} to start from: the save has turns 1..{len(self._snaps)}")
        state, n_plays, revealed, n_records = self._snaps[turn - 1]
        final = self.game
        game = Game(self.deck, seed, final.turns, log=False, opening=False)
        game.state = state.copy()
        game.opening, game.starts, game.start_values = final.opening, final.starts, final.start_values
        game.plays = final.plays[:n_plays]
        game.revealed_plays = dict(revealed)
        game.records = final.records[:n_records]
        if n_records == len(final.records):
            game.ending = final.ending
        return game


def play_continuation(game: Game, bots: Mapping[str, Bot], opening: Opening) -> list[tuple[str, bool]]:
    """Play `game` to its end: the opening's turn first, then every seat's stand-in.

    Returns the opening turn's rolls as (`kind:id`, success) when the opening tracks them.
    """
    deck = game.deck
    rolls: list[tuple[str, bool]] = []
    fixed = dict(opening.orders)
    partial = dict(opening.stand_in)
    seated = [(a, Viewer.seat(a), bots[a], game.orders_allowed(a)) for a in deck.actors]
    first = True
    while game.ending is None:
        if not first:
            decide_turn(game, seated)
        else:
            for actor in deck.actors:
                if actor in partial:
                    # Bots answer offers apart from choosing orders (wargame.bots.answers), so
                    # one half of a decision stands on its own beside the other half as given.
                    decision = bots[actor].decide(PlayerView(game, actor), game.available_moves(actor), game.orders_allowed(actor))
                    answers = partial[actor] == "answers"
                    chosen = [m for m in decision.orders if (deck.moves[deck.move_index[m]].answer is not None) == answers]
                    game.submit(actor, [*fixed.get(actor, ()), *chosen])
                elif actor in fixed:
                    game.submit(actor, fixed[actor])
            decide_turn(game, seated, skip=fixed.keys() | partial.keys())
        if first:
            for inject in opening.injects:
                game.fire_inject(event=inject.event, text=inject.text, effects=inject.effects)
            for key, outcome in opening.overrides:
                game.override(key, outcome)
            first = False
            if opening.track_rolls:
                game.log = True  # only a log keeps the dice; one turn of it is cheap
                rec = game.resolve()
                game.log = False
                rolls = [(f"{r.kind}:{r.key}", r.success) for r in rec.rolls]
                continue
        game.resolve()
    return rolls


def engine_for_task(engine: Engine, stand_ins: Mapping[str, str], opening: Opening) -> Engine:
    """The engine that plays a task: the batched engine unless a stand-in is a lookahead
    seat or the opening forces dice (facilitator overrides)."""
    if engine == "reference" or opening.overrides or not batch_ready(stand_ins):
        return "reference"
    return engine


def reference_note(engine: Engine, stand_ins: Mapping[str, str], overrides: bool = False) -> str | None:
    """A line for the output when the batched engine was asked for but some continuations
    had to be played by the reference engine (lookahead stand-ins, forced dice)."""
    if engine == "reference":
        return None
    if not batch_ready(stand_ins):
        return "lookahead stand-ins play only in the reference engine, which played these continuations"
    if overrides:
        return "continuations from turns with the facilitator's forced dice were played by the reference engine"
    return None


def run_batch(checkpoints: Checkpoints, stand_ins: Mapping[str, str], seed: int, turn: int, opening: Opening, start: int, stop: int,
              engine: Engine = "reference") -> Outcomes:
    """Continuations `start..stop-1` from before `turn` with `opening`, counted (by the
    batched engine when `engine_for_task` allows it)."""
    deck = checkpoints.deck
    if engine_for_task(engine, stand_ins, opening) != "reference":
        return _run_arrays(checkpoints, stand_ins, seed, turn, opening, start, stop, engine)
    out = Outcomes()
    for index in range(start, stop):
        cseed = continuation_seed(seed, turn, index)
        game = checkpoints.fork(turn, cseed)
        bots = {a: make_bot(stand_ins[a], deck, a, cseed) for a in deck.actors}
        for bot in bots.values():
            bot.explain = False  # nobody reads a continuation's reasons
        rolls = play_continuation(game, bots, opening)
        assert game.ending is not None
        out.games += 1
        ending = game.ending.id
        out.endings[ending] += 1
        for ident, success in dict(rolls).items():
            out.by_roll[(ident, success, ending)] += 1
        for actor, score in game.scores().items():
            out.scores[(actor, score.total)] += 1
            if actor == opening.per_game:
                out.by_game[index] = score.total
    return out


def _run_arrays(checkpoints: Checkpoints, stand_ins: Mapping[str, str], seed: int, turn: int, opening: Opening, start: int, stop: int,
                engine: Engine) -> Outcomes:
    """`run_batch` by the batched engine: the same continuations (in exact mode the very
    same games), played together."""
    from wargame.analysis.batch import FirstTurn, play

    deck = checkpoints.deck
    game = checkpoints.fork(turn, 0)
    out = Outcomes()
    if game.ending is not None:  # nothing left to play: every continuation is the ending
        out.games = stop - start
        out.endings[game.ending.id] += out.games
        for actor, score in game.scores().items():
            out.scores[(actor, float(score.total))] += out.games
        return out
    fixed = dict(opening.orders)
    partial = dict(opening.stand_in)
    for actor, orders in fixed.items():
        if actor not in partial:
            game.submit(actor, orders)  # raises for an order that is not available, as the reference run does
    index = deck.move_index
    first = FirstTurn({a: [index[m] for m in o] for a, o in fixed.items()}, opening.injects, partial or None, opening.track_rolls)
    seeds = [continuation_seed(seed, turn, i) for i in range(start, stop)]
    b = play(deck, seeds, stand_ins, game.turns, "fast" if engine == "fast" else "exact", start=game.state, first=first)
    ids = [e.id for e in deck.endings] + [deck.turn_limit_ending.id]
    endings = [ids[k] for k in b.ending.tolist()]
    out.games = len(seeds)
    out.endings.update(endings)
    for a, actor in enumerate(deck.actors):
        out.scores.update((actor, score) for score in b.score[:, a].tolist())
    if opening.track_rolls:
        last: dict[str, dict[int, bool]] = {}
        for ident, rows, outcome in b.opening_rolls:
            seen = last.setdefault(ident, {})
            for row, ok in zip(rows.tolist(), outcome.tolist(), strict=True):
                seen[row] = ok
        for ident, seen in last.items():
            for row, ok in seen.items():
                out.by_roll[(ident, ok, endings[row])] += 1
    return out


# -- worker processes --------------------------------------------------------------------
# Compiled decks hold closures, which cannot be pickled: each worker parses the save and
# replays it into checkpoints once, and tasks name continuations by index only.
_WORKER: Checkpoints | None = None


def _init_worker(save_json: bytes, parent: int) -> None:
    global _WORKER
    end_with_parent(parent)
    _WORKER = Checkpoints(parse_save(save_json))


@dataclass(frozen=True)
class Task:
    """One batch of continuations: its results are keyed by `key` when merged."""

    key: tuple[object, ...]
    turn: int
    opening: Opening
    start: int
    stop: int


def _run_task(task: Task, stand_ins: Mapping[str, str], seed: int, engine: Engine = "reference") -> tuple[tuple[object, ...], Outcomes]:
    assert _WORKER is not None, "worker started without a save"
    return task.key, run_batch(_WORKER, stand_ins, seed, task.turn, task.opening, task.start, task.stop, engine)


_SAVES: dict[bytes, Checkpoints] = {}
"""Saves replayed in this process, by their JSON (a cluster worker's)."""


def _run_task_from_save(task: Task, save_json: bytes, stand_ins: Mapping[str, str], seed: int, engine: Engine) -> tuple[tuple[object, ...], Outcomes]:
    cp = _SAVES.get(save_json)
    if cp is None:
        if len(_SAVES) > 8:
            _SAVES.clear()
        cp = _SAVES[save_json] = Checkpoints(parse_save(save_json))
    return task.key, run_batch(cp, stand_ins, seed, task.turn, task.opening, task.start, task.stop, engine)


def split(key: tuple[object, ...], turn: int, opening: Opening, games: int, chunk: int) -> list[Task]:
    return [Task(key, turn, opening, a, min(a + chunk, games)) for a in range(0, games, chunk)]


def chunk_size(games: int, jobs: int) -> int:
    # Enough chunks that both workers stay busy to the end and progress moves; big enough
    # that sending results back costs little next to playing the games.
    return max(10, math.ceil(games / 4)) if jobs > 1 else games


class Runner:
    """Runs tasks in this process (jobs=1) or in a pool of workers, and merges by key.

    Use as a context manager so the pool is shut down. `progress(done, total)` is called
    with continuations finished so far.
    """

    def __init__(self, checkpoints: Checkpoints, stand_ins: Mapping[str, str], seed: int, jobs: int = 1,
                 engine: Engine = "reference", cluster: str | None = None) -> None:
        self.checkpoints = checkpoints
        self.stand_ins = dict(stand_ins)
        self.seed = seed
        self.engine = engine
        self.cluster = cluster
        self.jobs = max(1, min(jobs, os.cpu_count() or 1, 64)) if jobs > 1 and cluster is None else 1
        self._pool: Executor | None = None
        self._cluster: ExitStack | None = None
        self._client: Any = None
        """The cluster's client, kept for every round of the run (`--cluster local` starts
        its cluster once, not once a round)."""

    def __enter__(self) -> Self:
        if self.cluster is not None:
            from wargame.analysis.cluster import connect

            self._cluster = ExitStack()
            self._client = self._cluster.enter_context(connect(self.cluster))
        elif self.jobs > 1:
            data = self.checkpoints.save.model_dump_json().encode("utf-8")
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_init_worker, initargs=(data, os.getpid()))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = self._client = None

    def run(self, tasks: Sequence[Task], progress: Callable[[int, int], None] | None = None) -> dict[tuple[object, ...], Outcomes]:
        total = sum(t.stop - t.start for t in tasks)
        done = 0
        out: dict[tuple[object, ...], Outcomes] = {}
        if self.cluster is not None:
            from wargame.analysis.cluster import run_on_cluster

            data = self.checkpoints.save.model_dump_json().encode("utf-8")
            results = run_on_cluster(self._client if self._client is not None else self.cluster, None, _run_task_from_save, tasks, lambda r: r[1].games,
                                     (lambda d: progress(d, total)) if progress else None,
                                     source=(data, self.stand_ins, self.seed, self.engine))
            for key, result in results:
                out.setdefault(key, Outcomes()).merge(result)
            return out
        if self._pool is None:
            for task in tasks:
                result = run_batch(self.checkpoints, self.stand_ins, self.seed, task.turn, task.opening, task.start, task.stop, self.engine)
                out.setdefault(task.key, Outcomes()).merge(result)
                done += task.stop - task.start
                if progress:
                    progress(done, total)
            return out
        from concurrent.futures import as_completed

        futures = {self._pool.submit(_run_task, task, self.stand_ins, self.seed, self.engine): task for task in tasks}
        try:
            for future in as_completed(futures):
                key, result = future.result()
                out.setdefault(key, Outcomes()).merge(result)
                task = futures[future]
                done += task.stop - task.start
                if progress:
                    progress(done, total)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return out
