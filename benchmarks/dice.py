"""The cost of the dice: format-2 keyed dice (one stream per roll) against format 1's one
stream per turn, per roll and in the engine's turn loop.

CPU time (`time.process_time`), not wall time, and the two dice interleaved in one
process, so a busy machine moves both figures alike. Prints figures only.

    .venv/bin/python benchmarks/dice.py [--games 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.analysis.simulate import game_seed
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.dice import KEYED, TURN_STREAM, DiceVersion, seed_key, turn_dice
from wargame.engine.game import Game


def engine_only(deck: CompiledDeck, seed: int, dice: DiceVersion) -> int:
    """One unlogged game with orders sampled from `available_moves`; its turn count."""
    game = Game(deck, seed, log=False, dice=dice)
    rng = random.Random(seed)
    allowed = {a: game.orders_allowed(a) for a in deck.actors}
    while game.ending is None:
        for actor in deck.actors:
            legal = game.available_moves(actor)
            game.submit(actor, [m.id for m in rng.sample(legal, min(allowed[actor], len(legal)))])
        game.resolve()
    return len(game.records)


def per_roll(dice: DiceVersion, turns: int, rolls: int) -> float:
    """CPU seconds per roll, with a turn's dice made once per `rolls` rolls."""
    key = seed_key(123456789)
    start = time.process_time()
    for turn in range(1, turns + 1):
        d = turn_dice(dice, 123456789, turn, key)
        for i in range(rolls):
            d.draw("move", f"m{i}")
    return (time.process_time() - start) / (turns * rolls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    names = {TURN_STREAM: "format 1 (one stream a turn)", KEYED: "format 2 (keyed, one a roll)"}
    rates: dict[int, list[float]] = {TURN_STREAM: [], KEYED: []}
    rolls: dict[int, list[float]] = {TURN_STREAM: [], KEYED: []}
    for _ in range(args.rounds):
        for dice in (TURN_STREAM, KEYED):
            rolls[dice].append(per_roll(dice, 2000, 8))  # about 8 rolls a korea-2022 turn
            start = time.process_time()
            for i in range(args.games):
                engine_only(deck, game_seed(1, i), dice)
            rates[dice].append(args.games / (time.process_time() - start))
    print(f"deck {deck.id}; CPU time; median of {args.rounds} rounds")
    for dice in (TURN_STREAM, KEYED):
        print(f"{names[dice]:30s} {statistics.median(rolls[dice]) * 1e6:5.2f} µs a roll (turn set-up included)   engine only, no log: {statistics.median(rates[dice]):7,.0f} games/s")


if __name__ == "__main__":
    main()
