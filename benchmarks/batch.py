"""The batched engine's figures against issue 16's targets, each beside the reference
engine's on the same work, in CPU seconds of this one process (one core):

- games/s at `--games` games (10,000) with random and with doctrine seats: target the
  fast engine at least 10 times the reference engine;
- 500 doctrine continuations from before month 6 of korea-2022 (what `analyse` and the
  live odds play from a turn): target under 0.1 s;
- `wargame analyse` of a 12-turn korea-2022 save at 500 continuations a turn (odds and
  turning points): target under 2 s (the reference engine took 17-18 s; `--reference-analyse`
  measures it again, which takes that long);
- `wargame sweep` of every korea-2022 doctrine combination at 1,000 games each: target
  under 10 s.

CPU time (`time.process_time`), the best of `--rounds`, so a machine busy with other work
slows the figures less than wall time would. Prints figures only; tests never assert on time.

    .venv/bin/python benchmarks/batch.py [--games 10000] [--rounds 1] [--reference-analyse]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.analysis.rollout import Checkpoints, Opening, run_batch
from wargame.analysis.simulate import play_game, simulate
from wargame.analysis.sweep import combinations, sweep
from wargame.analysis.turning import analyse
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save

T = TypeVar("T")


def cpu(fn: Callable[[], T], rounds: int = 1) -> tuple[float, T]:
    """The least CPU time of `rounds` calls of `fn`, and its result."""
    best, result = float("inf"), None
    for _ in range(max(1, rounds)):
        start = time.process_time()
        result = fn()
        best = min(best, time.process_time() - start)
    assert result is not None
    return best, result


def doctrine_seats(deck: CompiledDeck) -> dict[str, str]:
    """Each actor on its first doctrine (random where it has none), as the README's examples."""
    return {a: f"doctrine:{next(iter(d))}" if d else "random" for a, d in deck.doctrines.items()}


def full_length_save(deck: CompiledDeck, seats: dict[str, str]) -> SaveModel:
    """A save of a doctrine game that went the whole length (the first seed that did)."""
    for seed in range(1, 10_000):
        game = play_game(deck, seed, seats)
        if len(game.records) == deck.turns:
            return new_save(game, seats)
    raise SystemExit(f"no game of {deck.id} went all {deck.turns} turns")


def line(label: str, fast: float, reference: float | None, target: str) -> None:
    ratio = f"{reference / fast:6.1f}x" if reference is not None and fast > 0 else "       "
    ref = f"reference {reference:7.3f} s" if reference is not None else " " * 19
    print(f"{label:52s} fast {fast:7.3f} s  {ref}  {ratio}  ({target})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=1, help="measure this many times and keep the best")
    parser.add_argument("--reference-analyse", action="store_true", help="also time analyse on the reference engine (slow)")
    args = parser.parse_args()
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    doctrine = doctrine_seats(deck)
    print(f"korea-2022: {len(deck.actors)} actors, {deck.turns} turns; Python {platform.python_version()}; "
          f"CPU seconds of one process, best of {args.rounds}")

    simulate(deck, 500, 1, {}, engine="fast")  # warm up: the deck's array code is compiled once
    for kind, seats in (("random", {a: "random" for a in deck.actors}), ("doctrine", doctrine)):
        fast_s, _ = cpu(lambda seats=seats: simulate(deck, args.games, 1, seats, engine="fast"), args.rounds)  # type: ignore[misc]
        ref_s, _ = cpu(lambda seats=seats: simulate(deck, args.games, 1, seats, engine="reference"), args.rounds)  # type: ignore[misc]
        print(f"simulate {args.games:,} games, {kind} seats: fast {args.games / fast_s:9,.0f} games/s, "
              f"reference {args.games / ref_s:7,.0f} games/s: {ref_s / fast_s:5.1f}x (target >= 10x)")

    save = full_length_save(deck, doctrine)
    points = Checkpoints(save)
    turn = 6
    fast_s, _ = cpu(lambda: run_batch(points, doctrine, 1, turn, Opening(), 0, 500, "fast"), max(3, args.rounds))
    ref_s, _ = cpu(lambda: run_batch(points, doctrine, 1, turn, Opening(), 0, 500, "reference"), args.rounds)
    line("500 doctrine continuations from month 6", fast_s, ref_s, "target < 0.1 s")

    fast_s, result = cpu(lambda: analyse(save, rollouts=500, seed=1, engine="fast", checkpoints=Checkpoints(save)), args.rounds)
    ref: float | None = None
    if args.reference_analyse:
        ref, _ = cpu(lambda: analyse(save, rollouts=500, seed=1, engine="reference", checkpoints=Checkpoints(save)), args.rounds)
    line(f"analyse a {len(save.history)}-turn save, 500 a turn ({len(result.turning_points)} turning points)", fast_s, ref,
         "target < 2 s; reference 17-18 s in the issue")

    combos = combinations(deck)
    fast_s, _ = cpu(lambda: sweep(deck, 1000, 1, engine="fast"), args.rounds)
    line(f"sweep {len(combos)} doctrine combinations x 1,000 games", fast_s, None, "target < 10 s")


if __name__ == "__main__":
    main()
