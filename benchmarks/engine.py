"""Engine speed on one core: games per second and orders resolved per second.

Random seats play whole games of a deck (korea-2022 by default: 12 turns, 4 actors).
Three figures: random bots deciding from their `PlayerView` with the full log a save
needs (as `wargame autoplay`), the same without the log (as `wargame simulate`), and the
engine alone (orders drawn straight from `available_moves`, no log). Issue 2's target
is at least 1,000 games/s. CPU time of this process (`time.process_time`), the best of
`--rounds`, so a machine busy with other work slows the figures less than wall time
would. Prints figures only; tests never assert on time.
Run `.venv/bin/python benchmarks/engine.py [--deck D] [--games N] [--rounds R]`.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.analysis.simulate import game_seed, play_game
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game


def bots_logged(deck: CompiledDeck, seed: int) -> Game:
    """One game as `wargame autoplay` plays it: random bots, full log (news, dice, hashes)."""
    return play_game(deck, seed, {})


def bots_quiet(deck: CompiledDeck, seed: int) -> Game:
    """One game as `wargame simulate` plays it: random bots, no log kept."""
    return play_game(deck, seed, {}, log=False)


def random_orders(game: Game, actor: str, rng: random.Random) -> list[str]:
    """Orders drawn at random from `available_moves` (an offer answered once at most)."""
    legal = game.available_moves(actor)
    answered: set[int | None] = set()
    orders = []
    for m in rng.sample(legal, min(game.orders_allowed(actor), len(legal))):
        if m.answer is not None:
            if m.gate in answered:
                continue  # accepting and refusing the same offer is no order
            answered.add(m.gate)
        orders.append(m.id)
    return orders


def engine_only(deck: CompiledDeck, seed: int) -> Game:
    """One game with orders sampled from `available_moves` and no log: the engine's own cost."""
    game = Game(deck, seed, log=False)
    rng = random.Random(seed)
    while game.ending is None:
        for actor in deck.actors:
            game.submit(actor, random_orders(game, actor, rng))
        game.resolve()
    return game


def measure(deck: CompiledDeck, games: int, play: Callable[[CompiledDeck, int], Game]) -> tuple[float, float, float]:
    """(games/s, orders resolved/s, mean turns) over `games` games, in CPU time."""
    orders = turns = 0
    start = time.process_time()
    for index in range(games):
        game = play(deck, game_seed(1, index))
        for rec in game.records:
            orders += sum(map(len, rec.orders.values()))
        turns += len(game.records)
    took = time.process_time() - start
    return games / took, orders / took, turns / games


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deck", default="korea-2022", help="a deck name in decks/ or a path")
    parser.add_argument("--games", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=1, help="measure this many times and keep the best")
    args = parser.parse_args()
    path = Path(args.deck) if args.deck.endswith(".toml") else ROOT / "decks" / f"{args.deck}.toml"
    if not path.exists():
        path = ROOT / "decks" / "tutorial.toml"  # korea-2022 may not exist on an old checkout
    deck = load_deck(path)
    print(
        f"deck {deck.id}: {len(deck.actors)} actors, {len(deck.moves)} moves, {deck.turns} turns; "
        f"Python {platform.python_version()}, CPU time, best of {args.rounds}"
    )
    runs = [
        ("random bots, logged (autoplay)", bots_logged),
        ("random bots, no log (simulate)", bots_quiet),
        ("engine only, no log", engine_only),
    ]
    for label, play in runs:
        measure(deck, max(20, args.games // 50), play)  # warm up
        games_s, orders_s, mean_turns = max(measure(deck, args.games, play) for _ in range(max(1, args.rounds)))
        print(
            f"{label:31s} {games_s:8,.0f} games/s  {orders_s:10,.0f} orders resolved/s  "
            f"(mean {mean_turns:.1f} turns; target >= 1,000 games/s)"
        )


if __name__ == "__main__":
    main()
