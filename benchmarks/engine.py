"""Engine speed on one core: games per second and orders resolved per second, beside
OpenSpiel's pure-Python Kuhn poker measured in the same run.

Korea-2022 by default (12 turns, 4 actors). Figures: random bots deciding from their
`PlayerView` with the full log a save needs (as `wargame autoplay`), the same without the
log (as `wargame simulate --engine reference`), doctrine seats without the log, and the
engine alone (orders drawn straight from `available_moves`, no log). Issue 2's target is
at least 1,000 games/s; issue 16's: orders resolved per second at least 1.5 times
OpenSpiel Kuhn poker's actions per second (random play of `python_kuhn_poker`, chance
actions included, `pip install open_spiel`; skipped with a note when it is not installed),
and doctrine seats at least 2 times the games/s before issue 16 (run this file from a
checkout of that commit too). CPU time of this process (`time.process_time`), the best
of `--rounds`, so a machine busy with other work slows the figures less than wall time
would; the rounds interleave Kuhn poker and every run, so the figures compared come from
the same stretch of time, and the ratio is also given round by round (each round's
orders/s over that round's Kuhn poker, the median over the rounds). Prints figures only; tests never assert on time.
Run `.venv/bin/python benchmarks/engine.py [--deck D] [--games N] [--rounds R]`.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
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


def doctrine_quiet(deck: CompiledDeck, seed: int) -> Game:
    """One game as `wargame simulate --engine reference` plays it with each actor on its
    first doctrine: no log kept."""
    seats = {a: f"doctrine:{next(iter(d))}" for a, d in deck.doctrines.items() if d}
    return play_game(deck, seed, seats, log=False)


def kuhn_actions_per_s(games: int) -> float | None:
    """OpenSpiel's pure-Python Kuhn poker played at random: actions applied per CPU second
    (chance deals included), or None when OpenSpiel is not installed."""
    try:
        import open_spiel.python.games  # noqa: F401  (registers the Python games)
        import pyspiel
    except ImportError:
        return None
    game = pyspiel.load_game("python_kuhn_poker")
    rng = random.Random(1)
    actions = 0
    start = time.process_time()
    for _ in range(games):
        state = game.new_initial_state()
        while not state.is_terminal():
            if state.is_chance_node():
                outcomes, probs = zip(*state.chance_outcomes(), strict=True)
                action = rng.choices(outcomes, probs)[0]
            else:
                action = rng.choice(state.legal_actions())
            state.apply_action(action)
            actions += 1
    return actions / (time.process_time() - start)


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
    parser.add_argument("--kuhn-games", type=int, default=30_000, help="OpenSpiel Kuhn poker games to time")
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
        ("doctrine seats, no log", doctrine_quiet),
        ("engine only, no log", engine_only),
    ]
    for _label, play in runs:
        measure(deck, max(20, args.games // 50), play)  # warm up
    # Rounds interleave Kuhn poker and every run, and each keeps its best round: on a
    # machine whose speed drifts (a shared one), the figures compared come from the same
    # stretch of time rather than from minutes apart.
    kuhn_rounds: list[float] = []
    rounds: dict[str, list[tuple[float, float, float]]] = {label: [] for label, _play in runs}
    for _ in range(max(1, args.rounds)):
        kuhn_rounds.append(kuhn_actions_per_s(args.kuhn_games) or 0.0)
        for label, play in runs:
            rounds[label].append(measure(deck, args.games, play))
    kuhn = max(kuhn_rounds) or None
    if kuhn is None:
        print("OpenSpiel is not installed (pip install open_spiel): no Kuhn poker figure to compare with")
    else:
        print(f"{'OpenSpiel python_kuhn_poker, random':31s} {kuhn:40,.0f} actions/s")
    for label, _play in runs:
        games_s, orders_s, mean_turns = max(rounds[label])
        versus = ""
        if kuhn:
            # Also each round against the Kuhn poker of the same round, the median of those:
            # steadier than the best of each where the machine's speed drifts.
            paired = statistics.median(o / k for (_g, o, _t), k in zip(rounds[label], kuhn_rounds, strict=True))
            versus = f"; {orders_s / kuhn:.2f}x Kuhn's actions/s, {paired:.2f}x round by round (target >= 1.5x)"
        print(
            f"{label:31s} {games_s:8,.0f} games/s  {orders_s:10,.0f} orders resolved/s  "
            f"(mean {mean_turns:.1f} turns{versus})"
        )

if __name__ == "__main__":
    main()
