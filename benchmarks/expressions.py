"""The cost of one deck expression: nanoseconds per evaluation of every compiled condition,
number and effect of a deck, on states taken from real games.

The turn loop spends much of its time in the deck's compiled expressions (preconditions,
chances, event triggers, effects), so their form matters. CPU time (`time.process_time`),
the best of several rounds, minus the cost of the loop itself (a do-nothing function in
the same loop). Prints figures only; tests never assert on time.

    .venv/bin/python benchmarks/expressions.py [--deck korea-2022] [--rounds 5]
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.engine import random_orders
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.engine.state import State


def expressions(deck: CompiledDeck) -> list[Callable[[Any], Any]]:
    """Every compiled condition and number of the deck (not effects: they change the state)."""
    out: list[Callable[[Any], Any] | None] = []
    for m in deck.moves:
        out += [m.requires, m.chance, m.detection_fn]
    for e in deck.events:
        out += [e.when, e.chance, *(o.weight for o in e.outcomes)]
    out += [e.when for e in [*deck.endings, deck.turn_limit_ending]]
    out += [o.when for objectives in deck.objectives.values() for o in objectives]
    out += [w for doctrines in deck.doctrines.values() for d in doctrines.values() for w in d.weights]
    out += [c.when for c in deck.coach]
    return [fn for fn in out if fn is not None]


def effects(deck: CompiledDeck) -> list[Callable[[Any], Any]]:
    """Every compiled effect of the deck's moves, events and outcomes."""
    out: list[Callable[[Any], Any]] = []
    for m in deck.moves:
        out += [*m.success, *m.failure, *m.always]
    for e in deck.events:
        out += [*e.effects, *(fx for o in e.outcomes for fx in o.effects)]
    return out


def states(deck: CompiledDeck, games: int) -> list[State]:
    """The state before each turn of a few games played by random seats."""
    out: list[State] = []
    for seed in range(games):
        game = Game(deck, seed, log=False)
        rng = random.Random(seed)
        while game.ending is None:
            out.append(game.state.copy())
            for actor in deck.actors:
                game.submit(actor, random_orders(game, actor, rng))
            game.resolve()
    return out


def _nothing(s: object) -> None:
    return None


def per_call(fns: list[Callable[[Any], Any]], pool: list[State], rounds: int, fresh: bool) -> float:
    """CPU nanoseconds per call of each of `fns` on each state of `pool`, loop cost removed.
    `fresh`: each round works on copies (effects change the state they are given)."""

    def best(calls: list[Callable[[Any], Any]]) -> float:
        times = []
        for _ in range(rounds):
            work = [s.copy() for s in pool] if fresh else pool
            start = time.process_time()
            for s in work:
                for fn in calls:
                    fn(s)
            times.append(time.process_time() - start)
        return min(times) / (len(calls) * len(pool)) * 1e9

    return best(fns) - best([_nothing] * len(fns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deck", default="korea-2022", help="a deck name in decks/ or a path")
    parser.add_argument("--games", type=int, default=20, help="games whose states the expressions run on")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    path = Path(args.deck) if args.deck.endswith(".toml") else ROOT / "decks" / f"{args.deck}.toml"
    deck = load_deck(path)
    pool = states(deck, args.games)
    conds = expressions(deck)
    fx = effects(deck)
    print(f"deck {deck.id}: {len(conds)} expressions, {len(fx)} effects, {len(pool)} states; "
          f"Python {platform.python_version()}, one core")
    print(f"expressions {per_call(conds, pool, args.rounds, fresh=False):8.0f} ns an evaluation")
    print(f"effects     {per_call(fx, pool, args.rounds, fresh=True):8.0f} ns an effect")


if __name__ == "__main__":
    main()
