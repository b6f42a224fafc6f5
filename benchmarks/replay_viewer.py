"""How fast the replay viewer opens a long save and jumps to any turn (target: under 100 ms a jump).

Builds a 100-turn korea-2022 game (random orders that keep it going to the end),
saves it, then times: opening it (replay and verification, what the viewer's worker does),
one turn's debrief for each perspective (the data a jump needs), and jumps in the real
Textual app (headless), from the jump to the whole screen drawn again.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.play.debrief import Debrief
from wargame.play.timeline import SavedGame
from wargame.saves.store import new_save, write_save
from wargame.tui.app import WargameApp
from wargame.tui.replay_render import turn_block
from wargame.tui.screens.replay import ReplayScreen

ROOT = Path(__file__).resolve().parent.parent


def long_save(path: Path, turns: int) -> None:
    """A korea-2022 game of `turns` turns with random orders: orders that would end the game
    early are drawn again (the deck's endings usually come well before turn 100)."""
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    rng = random.Random(7)
    log: list[dict[str, list[str]]] = []

    def play(history: list[dict[str, list[str]]]) -> Game:
        game = Game(deck, 7, turns)
        for orders in history:
            for actor in deck.actors:
                game.submit(actor, orders[actor])
            game.resolve()
        return game

    for turn in range(1, turns + 1):
        for _attempt in range(200):
            game = play(log)
            orders = {}
            for actor in deck.actors:
                moves = [m.id for m in game.available_moves(actor)]
                k = rng.randint(0, min(len(moves), game.orders_allowed(actor)))
                orders[actor] = rng.sample(moves, k)
            game = play([*log, orders])
            if not game.is_over or turn == turns:
                log.append(orders)
                break
        else:
            orders = {actor: [] for actor in deck.actors}
            log.append(orders)
    game = play(log)
    write_save(new_save(game, dict.fromkeys(deck.actors, "human")), path)


def ms(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"median {statistics.median(xs) * 1000:.1f} ms, p95 {xs[int(len(xs) * 0.95) - 1] * 1000:.1f} ms, max {xs[-1] * 1000:.1f} ms"


async def app_jumps(path: Path, turns: int, jumps: int) -> tuple[float, list[float]]:
    app = WargameApp(None, path.parent, replay=path)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        start = time.perf_counter()
        while not isinstance(app.screen, ReplayScreen) or app.screen.saved is None:
            await asyncio.sleep(0.005)
        await pilot.pause()
        opened = time.perf_counter() - start
        screen = app.screen
        rng = random.Random(1)
        for i in range(jumps):
            if i % 10 == 0:  # switch perspective now and then: a fresh read model each time
                screen.set_viewer(rng.choice(screen.debrief.viewers()))  # type: ignore[union-attr]
                await pilot.pause()
            turn = rng.randrange(1, turns + 1)
            t0 = time.perf_counter()
            screen.go(turn)
            # Until the messages the jump caused are handled and the whole screen is drawn
            # (a screenshot renders every widget: an upper bound on a normal refresh).
            await pilot._wait_for_screen()
            app.export_screenshot()
            times.append(time.perf_counter() - t0)
            await pilot.pause()
    return opened, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--jumps", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.json"
        long_save(path, args.turns)
        print(f"save: korea-2022, {args.turns} turns, {path.stat().st_size / 1024:.0f} KiB")

        t0 = time.perf_counter()
        saved = SavedGame.open(path)
        t1 = time.perf_counter()
        check = saved.verification
        t2 = time.perf_counter()
        print(f"open: replay {1000 * (t1 - t0):.0f} ms + verify {1000 * (t2 - t1):.0f} ms (ok: {check.ok})")

        debrief = Debrief(saved)
        rng = random.Random(0)
        viewers = debrief.viewers()
        data: list[float] = []
        for _ in range(args.jumps):
            viewer = rng.choice(viewers)
            turn = rng.randrange(1, saved.turns_played + 1)
            s = time.perf_counter()
            turn_block(debrief.turn(viewer, turn, hindsight=True), saved.deck, show_audience=True)
            data.append(time.perf_counter() - s)
        print(f"jump, data and render of one turn (any viewer, any turn; first visit re-resolves it): {ms(data)}")

        opened, jumps = asyncio.run(app_jumps(path, saved.turns_played, args.jumps))
        print(f"app: opened and shown in {opened * 1000:.0f} ms; jump to any turn on screen: {ms(jumps)}")


if __name__ == "__main__":
    main()
