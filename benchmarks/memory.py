"""Peak memory of headless runs as the number of games grows (it should stay flat).

Runs `wargame simulate` on korea-2022 in a fresh process for each game count and prints
its peak resident set size, so a leak per game shows as a rising column. The batched
engine (`--engine fast`, the default, or `exact`) plays in chunks of at most 8,192 games,
so its peak should not grow with the count either; issue 16 asks for the peak at 100,000.

    .venv/bin/python benchmarks/memory.py [--games 1000,10000,100000] [--engine fast] [--seats ...]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb(games: int, seats: str, engine: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "wargame", "simulate", str(ROOT / "decks" / "korea-2022.toml"),
           "--games", str(games), "--seed", "1", "--json", "--no-progress", "--engine", engine]
    if seats:
        cmd += ["--seats", seats]
    done = subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"simulate --games {games} failed: {done.stderr.strip()}")
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far (KiB on Linux): runs go smallest first.
    return max(peak, before) / 1024, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", default="1000,10000,100000", help="comma-separated game counts, ascending")
    parser.add_argument("--engine", choices=("fast", "exact", "reference"), default="fast")
    parser.add_argument("--seats", default="", help="seat specs as for simulate (default: all random)")
    args = parser.parse_args()
    counts = [int(x) for x in args.games.split(",")]
    print(f"wargame simulate korea-2022 --engine {args.engine}, one process, seats: {args.seats or 'random'}")
    print(f"{'games':>8} {'peak RSS':>10} {'time':>8}")
    for n in sorted(counts):
        mb, secs = peak_rss_mb(n, args.seats, args.engine)
        print(f"{n:>8,} {mb:>8.1f} MB {secs:>7.1f} s")


if __name__ == "__main__":
    main()
