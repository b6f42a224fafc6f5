"""How fast the start screen learns what is in a folder of saves (`list_saves`).

Writes a folder of N korea-2022 saves (finished 12-turn games, about 100 KB each, plus a
few hostile files), then times `list_saves` (a bounded header read per file) against
reading every file whole with `json`, as the catalogue did before save format 2.
Prints figures only.

    .venv/bin/python benchmarks/catalogue.py [--saves 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.analysis.simulate import play_game
from wargame.deck.loader import load_deck
from wargame.saves.catalogue import list_saves
from wargame.saves.store import new_save, write_save


def whole_files(folder: Path) -> int:
    """The format-1 catalogue's way: parse every file whole."""
    n = 0
    for p in folder.glob("*.json"):
        try:
            json.loads(p.read_text(encoding="utf-8"))
            n += 1
        except (ValueError, RecursionError):  # the deep file stopped the old catalogue
            continue
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    seats = {a: "random" for a in deck.actors}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        save = new_save(play_game(deck, 1, seats, None), seats)
        size = write_save(save, folder / "game-0000.json").stat().st_size
        for i in range(1, args.saves):
            write_save(save, folder / f"game-{i:04d}.json")
        (folder / "deep.json").write_text('{"format": "wargame-save", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
        (folder / "title.json").write_text(json.dumps({"format": "wargame-save", "format_version": 2, "title": "T" * 5_000_000}))
        listed = len(list_saves(folder, limit=args.saves + 10))
        header = [timed(lambda: list_saves(folder, limit=args.saves + 10)) for _ in range(args.runs)]
        whole = [timed(lambda: whole_files(folder)) for _ in range(args.runs)]
    print(f"{args.saves} saves of {size / 1000:.0f} KB each, plus 2 hostile files ({listed} listed)")
    print(f"list_saves (header only):   median {statistics.median(header) * 1000:7.1f} ms  ({statistics.median(header) / (args.saves + 2) * 1e6:.0f} µs a file)")
    print(f"every file parsed whole:    median {statistics.median(whole) * 1000:7.1f} ms")


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
