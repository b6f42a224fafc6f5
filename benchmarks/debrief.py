"""Debrief speed on this machine: turning points, a what-if, and opening a long save at any turn.

Prints figures only (tests never assert on time). Run with
`.venv/bin/python benchmarks/debrief.py [--rollouts 500] [--jobs 2]`. Targets from issue 7
(2 cores): `analyse` of a 12-turn korea-2022 game with 500 rollouts per turn < 10 s; a
1,000-continuation what-if < 5 s; open a 100-turn save and build the view at any turn
< 100 ms. CPU seconds (this process and its workers) are printed beside wall time, since
a shared machine's wall time depends on what else runs.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.analysis.rollout import Checkpoints
from wargame.analysis.simulate import play_game
from wargame.analysis.turning import analyse
from wargame.analysis.whatif import what_if
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.observe.view import PlayerView
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save, read_save, replay, save_deck, write_save

T = TypeVar("T")


def cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    c0, t0 = cpu(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0, cpu() - c0


def twelve_turn_game(deck: CompiledDeck) -> SaveModel:
    """A korea-2022 game with the decks' first doctrines that lasts all 12 months."""
    seats = {a: f"doctrine:{next(iter(d))}" for a, d in deck.doctrines.items() if d}
    for seed in range(1, 1000):
        game = play_game(deck, seed, seats)
        if len(game.records) == deck.turns:
            return new_save(game, seats)
    raise SystemExit("no 12-turn game found")


def hundred_turn_game(deck: CompiledDeck) -> SaveModel:
    """100 months of korea-2022 in which every seat orders only calm moves (so no ending
    comes early): a long save with real orders, dice and news in every turn."""
    game = Game(deck, 4, 100)
    rng = random.Random(4)
    while not game.is_over:
        for actor in deck.actors:
            calm = [m.id for m in game.available_moves(actor) if m.escalation <= 0 and m.id != "freeze-tests"]
            game.submit(actor, rng.sample(calm, min(len(calm), game.orders_allowed(actor))))
        game.resolve()
    return new_save(game, {a: "human" for a in deck.actors})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rollouts", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--games", type=int, default=1000, help="continuations per choice in the what-if")
    args = parser.parse_args()
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")

    save = twelve_turn_game(deck)
    analyse(save, rollouts=10, jobs=1, seed=0)  # warm up imports and caches
    result, wall, secs = timed(lambda: analyse(save, rollouts=args.rollouts, jobs=args.jobs, seed=1))
    odds = sum(o.games for o in result.odds if not o.final)
    print(
        f"analyse, 12-turn korea-2022, {args.rollouts} rollouts/turn, --jobs {args.jobs}: {wall:6.2f} s wall, "
        f"{secs:6.2f} s CPU ({odds:,} odds continuations + attribution of {len(result.turning_points)} turning points)   (target < 10 s)"
    )
    _, wall1, secs1 = timed(lambda: analyse(save, rollouts=args.rollouts, jobs=1, seed=1, top=0))
    print(f"  odds alone (no attribution), --jobs 1:       {wall1:6.2f} s wall, {secs1:6.2f} s CPU")

    for turn in (1, 6):
        dprk = save.history[turn - 1].orders["dprk"]
        alternative = [["silence"]] if dprk != ["silence"] else [["srbm-salvo"]]
        res, wall, secs = timed(lambda t=turn, alt=alternative: what_if(save, t, "dprk", alt, games=args.games, seed=1, jobs=args.jobs))  # type: ignore[misc]
        n = sum(c.games for c in res.choices)
        print(
            f"what-if at month {turn}, actual vs 1 alternative, {args.games:,} continuations each ({n:,} in all), "
            f"--jobs {args.jobs}: {wall:6.2f} s wall, {secs:6.2f} s CPU   (target < 5 s)"
        )

    long_save = hundred_turn_game(deck)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_save(long_save, Path(tmp) / "long.json")
        size = path.stat().st_size
        model, wall_read, cpu_read = timed(lambda: read_save(path))
        compiled, wall_deck, cpu_deck = timed(lambda: save_deck(model))
        print(f"100-turn save ({size / 1e6:.1f} MB): read and validate {wall_read * 1000:6.1f} ms wall ({cpu_read * 1000:.1f} ms CPU), "
              f"compile its deck {wall_deck * 1000:6.1f} ms wall ({cpu_deck * 1000:.1f} ms CPU)")
        worst = 0.0
        for turn in (1, 25, 50, 75, 100):
            def view_at(t: int = turn) -> object:
                game = replay(model, upto=t, deck=compiled)
                return PlayerView(game, "facilitator").state, PlayerView(game, "dprk").news

            _, wall_view, cpu_view = timed(view_at)
            total = cpu_read + cpu_deck + cpu_view
            worst = max(worst, total)
            print(f"  replay to turn {turn:3d} and build two views: {wall_view * 1000:6.1f} ms wall ({cpu_view * 1000:5.1f} ms CPU); open + view {total * 1000:6.1f} ms CPU")
        cp, _wall_cp, cpu_cp = timed(lambda: Checkpoints(model, compiled))
        _, wall_fork, _ = timed(lambda: cp.fork(63, 1).view("dprk").news)
        print(f"  checkpoints for all 100 turns: {cpu_cp * 1000:6.1f} ms CPU once, then any turn's view in {wall_fork * 1000:5.2f} ms")
        print(f"  worst open + view at a turn: {worst * 1000:6.1f} ms CPU   (target < 100 ms)")


if __name__ == "__main__":
    main()
