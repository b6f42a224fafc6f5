"""How long each kind of computer seat takes to decide, on this machine.

Prints figures only (tests never assert on time). The lookahead bot's default budget
should decide in under 0.5 s on korea-2022, so the UI never waits long; the first turn
is the slowest (its playouts are the longest).
Run: `.venv/bin/python benchmarks/bots.py [--deck korea-2022]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.analysis.simulate import play_game
from wargame.bots.lookahead import BUDGETS, DEFAULT_BUDGET
from wargame.bots.make import make_bot
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.observe.view import PlayerView


def positions(deck: CompiledDeck) -> list[Game]:
    """The start of a game, and games after 3 and 6 turns of doctrine play."""
    seats = {a: f"doctrine:{next(iter(d))}" for a, d in deck.doctrines.items() if d}
    out = [Game(deck, 1)]
    for turns in (3, 6):
        game = play_game(deck, 1, seats, turns=deck.turns)
        # Replay the first `turns` turns' orders on a fresh game to stop mid-way.
        mid = Game(deck, 1)
        for rec in game.records[:turns]:
            for actor in deck.actors:
                mid.submit(actor, rec.orders[actor])
            mid.resolve()
            if mid.is_over:
                break
        if not mid.is_over:
            out.append(mid)
    return out


def timed(deck: CompiledDeck, kind: str, game: Game, repeats: int) -> list[float]:
    """Seconds each seat's bot of `kind` (random, doctrine, lookahead:B) takes to decide."""
    times = []
    for r in range(repeats):
        for actor in deck.actors:
            spec = f"doctrine:{next(iter(deck.doctrines[actor]))}" if kind == "doctrine" else kind
            bot = make_bot(spec, deck, actor, r)
            view, legal, allowed = PlayerView(game, actor), game.available_moves(actor), game.orders_allowed(actor)
            start = time.perf_counter()
            bot.decide(view, legal, allowed)
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deck", default="korea-2022")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    path = Path(args.deck) if args.deck.endswith(".toml") else ROOT / "decks" / f"{args.deck}.toml"
    deck = load_deck(path)
    games = positions(deck)
    print(f"deck {deck.id}: decision time per seat at turns {', '.join(str(g.turn) for g in games)}")
    for kind in ["random", "doctrine", *(f"lookahead:{name}" for name in BUDGETS)]:
        by_turn = [timed(deck, kind, g, args.repeats if "lookahead" not in kind else 1) for g in games]
        times = [t for ts in by_turn for t in ts]
        label = kind + (" (default)" if kind == f"lookahead:{DEFAULT_BUDGET}" else "")
        print(
            f"  {label:<26} median {statistics.median(times) * 1000:8.2f} ms   "
            f"slowest {max(times) * 1000:8.2f} ms   (turn 1: median {statistics.median(by_turn[0]) * 1000:.2f} ms)"
        )
    print(f"target: lookahead:{DEFAULT_BUDGET} under 500 ms at its slowest")


if __name__ == "__main__":
    main()
