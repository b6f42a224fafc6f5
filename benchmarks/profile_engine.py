"""Where a quiet game's time goes: the top functions by share of CPU time (cProfile).

Plays korea-2022 games as `wargame simulate` does (no log) with random or doctrine seats
and prints each function's own time as a share of the whole, largest first: the
before/after profile of issue 16. Profiling slows everything about equally, so shares
matter, not seconds. Prints figures only.

    .venv/bin/python benchmarks/profile_engine.py [--seats random|doctrine] [--games 1500] [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.analysis.simulate import game_seed, play_game
from wargame.deck.loader import load_deck


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deck", default="korea-2022")
    parser.add_argument("--seats", choices=("random", "doctrine"), default="doctrine")
    parser.add_argument("--games", type=int, default=1500)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    deck = load_deck(ROOT / "decks" / f"{args.deck}.toml")
    seats = {a: f"doctrine:{next(iter(d))}" for a, d in deck.doctrines.items() if d} if args.seats == "doctrine" else {}
    profile = cProfile.Profile()
    profile.enable()
    for index in range(args.games):
        play_game(deck, game_seed(1, index), seats, log=False)
    profile.disable()
    stats = pstats.Stats(profile)
    rows = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in rows.values())
    print(f"{args.games} {args.seats} games of {deck.id}, own time by function (cProfile), total {total:.2f} s")
    top = sorted(rows.items(), key=lambda kv: -kv[1][2])[: args.top]
    for (path, line, name), (_cc, calls, own, _cum, _callers) in top:
        where = f"{Path(path).name}:{line}" if path != "~" else "builtin"
        print(f"{own / total:6.1%}  {calls:>9,}  {name} ({where})")


if __name__ == "__main__":
    main()
