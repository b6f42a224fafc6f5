"""What one guess at a facilitator's PIN costs: the scrypt hash a save keeps, on this machine.

Prints figures only (tests never assert on time). The cost (`saves.pin.LOG_N`) is meant to
be near a quarter of a second on a laptop: felt once when the facilitator opens the
controls, and 0.25 s for every guess at a copied save (a 6-digit PIN: about three days on
one core, where the former 4-digit PBKDF2 PIN fell in 31 s).
Run: `.venv/bin/python benchmarks/pin.py [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.saves.pin import LOG_N, R, hash_pin, pin_matches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    stored = hash_pin("harbour-standoff")
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        pin_matches(stored, "not-the-pin")
        times.append(time.perf_counter() - start)
    per = statistics.median(times)
    print(f"scrypt N=2^{LOG_N} r={R}: {128 * R * (1 << LOG_N) >> 20} MiB, {per:.3f} s a guess (median of {args.repeat})")
    print(f"a 6-digit PIN: {10**6 * per / 3600:.0f} hours to try all on one core; 6 lowercase letters: {26**6 * per / 86400 / 365:.1f} years")


if __name__ == "__main__":
    main()
