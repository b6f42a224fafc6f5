"""A small tournament: how much each kind of computer seat scores, seat by seat.

For every actor in turn, that one seat is played by each bot kind (random, the actor's
first doctrine, lookahead) while every other seat keeps the same fixed opponent (its
first doctrine by default), over the same seeded games. Scores are the seat's objective
points; "beats" compares two kinds on the same seed and seat (a tie counts half).

Run: `.venv/bin/python benchmarks/tournament.py [--games 40] [--budget normal] [--jobs 2]`.
Prints figures only.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.analysis.simulate import game_seed, play_game
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck, load_deck_text

_DECK: CompiledDeck | None = None


def _init(source: str, name: str) -> None:
    global _DECK
    _DECK = load_deck_text(source, name)


def first_doctrine(deck: CompiledDeck, actor: str) -> str:
    names = list(deck.doctrines.get(actor, {}))
    return f"doctrine:{names[0]}" if names else "random"


def kinds(deck: CompiledDeck, actor: str, budget: str) -> dict[str, str]:
    return {"random": "random", "doctrine": first_doctrine(deck, actor), "lookahead": f"lookahead:{budget}"}


def _play(task: tuple[str, str, int, str, str, int]) -> tuple[str, str, int, float]:
    actor, kind, index, spec, opponents, seed = task
    deck = _DECK
    assert deck is not None
    seats = {a: (first_doctrine(deck, a) if opponents == "doctrine" else "random") for a in deck.actors}
    seats[actor] = spec
    game = play_game(deck, game_seed(seed, index), seats, log=False, history=None)
    return actor, kind, index, game.scores()[actor].total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deck", default="korea-2022")
    parser.add_argument("--games", type=int, default=40, help="games per actor and bot kind")
    parser.add_argument("--budget", default="normal", help="lookahead budget (easy, normal, hard, N, Nms)")
    parser.add_argument("--opponents", choices=["doctrine", "random"], default="doctrine")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    path = Path(args.deck) if args.deck.endswith(".toml") else ROOT / "decks" / f"{args.deck}.toml"
    deck = load_deck(path)
    names = ["random", "doctrine", "lookahead"]
    tasks = [
        (actor, kind, i, kinds(deck, actor, args.budget)[kind], args.opponents, args.seed)
        for actor in deck.actors
        for i in range(args.games)
        for kind in names
    ]
    start = time.perf_counter()
    scores: dict[tuple[str, str], dict[int, float]] = {}
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=_init, initargs=(deck.source, deck.path)) as pool:
        for actor, kind, i, score in pool.map(_play, tasks, chunksize=1):
            scores.setdefault((actor, kind), {})[i] = score
    took = time.perf_counter() - start

    print(f"{deck.title}: {args.games} games per seat and kind; other seats: {args.opponents}; lookahead budget {args.budget}; {took:.0f} s")
    print()
    width = max(len(deck.actor_name(a)) for a in deck.actors) + 2
    print("mean score of the seat (95% interval)".ljust(width + 2) + "".join(f"{n:>22}" for n in names))
    for actor in deck.actors:
        best = sum(o.points for o in deck.objectives[actor])
        cells = []
        for kind in names:
            xs = list(scores[(actor, kind)].values())
            mean = statistics.fmean(xs)
            half = 1.96 * statistics.stdev(xs) / math.sqrt(len(xs)) if len(xs) > 1 else 0.0
            cells.append(f"{mean:5.2f} ±{half:4.2f} of {best:g}")
        print(f"  {deck.actor_name(actor):<{width}}" + "".join(f"{c:>22}" for c in cells))
    print()
    print("head to head, same seed and seat: share of games the first scores more (a tie counts half)")
    for a, b in itertools.permutations(names, 2):
        if names.index(a) < names.index(b):
            continue
        row = []
        wins = ties = losses = 0
        for actor in deck.actors:
            xa, xb = scores[(actor, a)], scores[(actor, b)]
            w = sum(xa[i] > xb[i] for i in xa)
            t = sum(xa[i] == xb[i] for i in xa)
            row.append(f"{deck.actor_name(actor)} {(w + t / 2) / len(xa):.0%}")
            wins, ties, losses = wins + w, ties + t, losses + len(xa) - w - t
        n = wins + ties + losses
        print(f"  {a} beats {b}: {(wins + ties / 2) / n:.0%} ({wins} wins, {ties} ties, {losses} losses; {', '.join(row)})")

if __name__ == "__main__":
    main()
