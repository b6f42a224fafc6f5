"""Simulation speed on this machine: games per second by seat type, and the gain from --jobs.

Prints figures only (tests never assert on time). Run with `python3 tasks.py bench` or
`.venv/bin/python benchmarks/simulate.py [--deck korea-2022] [--games 10000]`.
Targets from issue 3 (korea-2022, 2 cores): random seats >= 1,000 games/s on one core;
10,000 doctrine games in under 15 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.analysis.simulate import simulate
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck


def doctrine_seats(deck: CompiledDeck) -> dict[str, str]:
    """Each actor on its first doctrine (random where it has none)."""
    return {a: f"doctrine:{next(iter(d))}" for a, d in deck.doctrines.items() if d}


def rate(deck: CompiledDeck, games: int, seats: dict[str, str], jobs: int) -> tuple[float, float]:
    """(games per second, seconds) for one simulate() run, tallying included."""
    start = time.perf_counter()
    simulate(deck, games, seed=1, seats=seats, jobs=jobs)
    took = time.perf_counter() - start
    return games / took, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deck", default="korea-2022")
    parser.add_argument("--games", type=int, default=10_000, help="games in the big doctrine run")
    args = parser.parse_args()
    path = Path(args.deck) if args.deck.endswith(".toml") else ROOT / "decks" / f"{args.deck}.toml"
    deck = load_deck(path)
    doctrine = doctrine_seats(deck)
    print(f"deck {deck.id}: {len(deck.actors)} actors, {len(deck.moves)} moves, {deck.turns} turns; {os.cpu_count()} cores")
    simulate(deck, 50, seed=0, seats=doctrine)  # warm up imports and caches

    r_random, _ = rate(deck, 3000, {}, 1)
    print(f"random seats, 1 core:            {r_random:8.0f} games/s   (target >= 1,000)")
    r_doc, _ = rate(deck, 3000, doctrine, 1)
    print(f"doctrine seats, 1 core:          {r_doc:8.0f} games/s")
    r_doc2, _ = rate(deck, 6000, doctrine, 2)
    print(f"doctrine seats, --jobs 2:        {r_doc2:8.0f} games/s   (speed-up x{r_doc2 / r_doc:.2f})")
    r_rand2, _ = rate(deck, 6000, {}, 2)
    print(f"random seats, --jobs 2:          {r_rand2:8.0f} games/s   (speed-up x{r_rand2 / r_random:.2f})")
    _, took = rate(deck, args.games, doctrine, 2)
    print(f"{args.games:,} doctrine games, --jobs 2: {took:6.2f} s        (target < 15 s)")


if __name__ == "__main__":
    main()
