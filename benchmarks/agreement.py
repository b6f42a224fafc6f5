"""The two engines at full count (issue 16): the standing agreement test's big brother.

Exact mode: every shipped deck and every deck of the test corpora, random and doctrine
seats, `--exact-games` games each (1,000 by default; the suite plays 200), played by the
reference engine and by the batched engine on the same keyed dice: every game must end
the same way on the same turn with the same scores, and `simulate --json` be the same
bytes. Fast mode: the shipped decks at `--fast-games` games (20,000) by both engines; each
ending's rate and each move's plays per game must sit within the 99% interval of the
difference between the two runs (two samples of that size; plays per game taken as
Poisson counts, a cautious variance for a move played at most once a turn). With a few
hundred comparisons about 1% may fall outside by chance alone, so the figure printed is
how many did, beside how many were expected to.

    .venv/bin/python benchmarks/agreement.py [--exact-games 1000] [--fast-games 20000] [--decks korea-2022,...]

Prints figures and exits 1 when exact mode disagrees on any game.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import deck_corpus
from tests.engine.test_batch_agreement import differences, seatings
from wargame.analysis.simulate import Summary, simulate
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck

Z99 = 2.576


def outside(fast: Summary, reference: Summary) -> tuple[int, int, list[str]]:
    """(comparisons outside their 99% interval, comparisons made, what was outside)."""
    n, m = fast.games, reference.games
    checked = 0
    out = []
    for ending in sorted(set(fast.endings) | set(reference.endings)):
        p, q = fast.endings.get(ending, 0) / n, reference.endings.get(ending, 0) / m
        se = math.sqrt(p * (1 - p) / n + q * (1 - q) / m)
        checked += 1
        if abs(p - q) > Z99 * se + 1e-12:
            out.append(f"ending {ending}: fast {p:.4f}, reference {q:.4f}")
    for actor, moves in reference.moves.items():
        for theirs, ours in zip(moves, fast.moves[actor], strict=True):
            a, b = ours["per_game"], theirs["per_game"]
            se = math.sqrt(a / n + b / m)
            checked += 1
            if abs(a - b) > Z99 * se + 1e-12:
                out.append(f"{actor} {theirs['move']}: fast {a:.4f} a game, reference {b:.4f}")
    return len(out), checked, out


def timed_simulate(deck: CompiledDeck, games: int, seats: dict[str, str], engine: str) -> tuple[Summary, float]:
    start = time.process_time()
    result = simulate(deck, games, 7, seats, engine=engine)  # type: ignore[arg-type]
    return result, time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exact-games", type=int, default=1000)
    parser.add_argument("--fast-games", type=int, default=20_000)
    parser.add_argument("--decks", default="", help="shipped deck names for the fast check (default: every shipped deck)")
    args = parser.parse_args()
    failed = False
    print(f"exact mode, {args.exact_games:,} games of each deck and seating, game by game:")
    for path in deck_corpus():
        deck = load_deck(path)
        for kind, seats in seatings(deck):
            start = time.process_time()
            found = differences(deck, seats, args.exact_games, 3)
            took = time.process_time() - start
            failed |= bool(found)
            verdict = "identical" if not found else f"{len(found)} DIFFER: {found[0]}"
            print(f"  {path.parent.name + '/' + path.stem:40s} {kind:9s} {verdict}  ({took:.1f} s CPU)")
    names = [n for n in args.decks.split(",") if n] or sorted(p.stem for p in (ROOT / "decks").glob("*.toml"))
    print(f"fast mode against the reference engine, {args.fast_games:,} games each, 99% intervals of the difference:")
    for name in names:
        deck = load_deck(ROOT / "decks" / f"{name}.toml")
        for kind, seats in seatings(deck):
            fast, fast_s = timed_simulate(deck, args.fast_games, seats, "fast")
            reference, reference_s = timed_simulate(deck, args.fast_games, seats, "reference")
            count, checked, out = outside(fast, reference)
            print(f"  {name:14s} {kind:9s} {count} of {checked} outside (about {checked / 100:.1f} expected by chance)"
                  f"  fast {fast_s:.1f} s, reference {reference_s:.1f} s CPU")
            for line in out[:5]:
                print(f"      {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
