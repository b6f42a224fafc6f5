"""Parity: the same scripted game, played once in this process and once through a real host
with every human seat joined over the network, shows each seat the same screens.

The screens are one set for both ways of playing and both clients hand them an
`Observation`; this holds the two paths together where users would see a difference: the
order sheet (coach line, offers waiting, targets, hidden odds), the results (reasons,
the seat's own hidden dice), the dashboard, the waiting screen and the end, rendered at
120×40 and compared as text.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from textual.app import App
from textual.pilot import Pilot
from textual.reactive import reactive
from textual.screen import Screen
from tui_helpers import ROOT, screen_lines

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.net.exercise import Exercise
from wargame.net.remote import RemoteClient
from wargame.net.server import Host
from wargame.net.store import open_store
from wargame.observe.model import Observation
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient, LocalClient
from wargame.play.commands import Orders
from wargame.play.control import Session
from wargame.tui.app import CSS
from wargame.tui.screens.dashboard import DashboardScreen
from wargame.tui.screens.end import EndScreen
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.screens.resolution import ResolutionScreen
from wargame.tui.screens.wait import WaitScreen

SIZE = (120, 40)

GAMES = [
    # The tutorial: coach lines every week, a secret move whose dice only Blue sees.
    ("tutorial", ROOT / "decks" / "tutorial.toml", {"red": "human", "blue": "human"}, 8),
    # Offers and targets, a secret offer, and a computer's stated reasons.
    ("offers", ROOT / "tests" / "decks_format" / "offers.toml", {"a": "human", "b": "human", "c": "random"}, 3),
]


class Show(App[None]):
    """An app that shows the screens it is given, one at a time (what the game apps do,
    without their flow): one app serves every screen a game compares."""

    CSS_PATH = CSS
    game_version: reactive[int] = reactive(0)
    clock_tick: reactive[int] = reactive(0)

    def on_mount(self) -> None:
        self.theme = "textual-dark"


async def render(pilot: Pilot[None], screen: Screen[None]) -> list[str]:
    """`screen` as it shows alone on the app's default screen, which it leaves again."""
    app = pilot.app
    await app.push_screen(screen)
    await pilot.pause()
    await pilot.pause()
    lines = screen_lines(app)  # type: ignore[arg-type]
    await app.pop_screen()
    return lines


def scripted_orders(obs: Observation) -> list[str]:
    """What a human seat orders in both games: accept every offer waiting for it, and one of
    its available moves, a different one each turn (so secret moves, targets and offers all
    get played)."""
    sheet = obs.seat
    assert sheet is not None
    orders = [o.accept for o in sheet.offers_waiting]
    moves = [m for m in sheet.moves if m.available and m.answer is None]
    if moves:
        orders.append(moves[obs.game.turn % len(moves)].id)
    return orders


async def until(pred: Any, timeout: float = 30) -> None:
    """Wait (in this event loop) for the remote side to catch up: bounded, never timed."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        if loop.time() > end:
            raise AssertionError("the host did not catch up")
        await asyncio.sleep(0.02)


def same_moment(local: Observation, remote: Observation) -> bool:
    return (local.game.turn, local.game.resolved, local.model_dump(exclude={"room"})) == (remote.game.turn, remote.game.resolved, remote.model_dump(exclude={"room"}))


@pytest.mark.parametrize(("name", "path", "seats", "seed"), GAMES, ids=[g[0] for g in GAMES])
async def test_each_seat_sees_the_same_screens_in_process_and_over_the_network(
    tmp_path: Path, name: str, path: Path, seats: dict[str, str], seed: int
) -> None:
    deck: CompiledDeck = load_deck(path)
    humans = [a for a, s in seats.items() if s == "human"]
    computers = {a: s for a, s in seats.items() if s != "human"}
    session = Session(Game(deck, seed), seats)
    session.settings = session.settings.model_copy(update={"auto_resolve": True})
    local = LocalClient(session)

    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "parity", deck, computers, seed=seed, facilitator=False)
    host = Host(ex)
    server = TestServer(await host.make_app())
    await server.start_server()
    url = str(server.make_url("")).rstrip("/")
    remotes: dict[str, RemoteClient] = {a: RemoteClient(url, codes[a]) for a in humans}
    tasks = [asyncio.ensure_future(c.run()) for c in remotes.values()]
    compared = 0
    try:
        await until(lambda: all(c.ready for c in remotes.values()))

        async with Show().run_test(size=SIZE) as pilot:
            def both(seat: str) -> tuple[GameClient, GameClient]:
                return local, remotes[seat]

            while True:
                session.run_bots()
                for seat in humans:
                    await until(lambda seat=seat: same_moment(local.observe(Viewer.seat(seat)), remotes[seat].observe(Viewer.seat(seat))))
                if session.is_over:
                    break
                turn = session.turn
                for seat in humans:
                    a, b = both(seat)
                    for make in (lambda c, s=seat: OrdersScreen(c, s), lambda c, s=seat: DashboardScreen(c, Viewer.seat(s))):
                        assert await render(pilot, make(a)) == await render(pilot, make(b)), (name, seat, turn)
                        compared += 1
                for i, seat in enumerate(humans):
                    orders = scripted_orders(local.observe(Viewer.seat(seat)))
                    assert (await local.send(Orders(turn=turn, orders=orders), seat)).ok
                    assert (await remotes[seat].send(Orders(turn=turn, orders=orders), seat)).ok
                    if i < len(humans) - 1:  # a seat that has sealed waits for the others
                        await until(lambda seat=seat: same_moment(local.observe(Viewer.seat(seat)), remotes[seat].observe(Viewer.seat(seat))))
                        a, b = both(seat)
                        assert await render(pilot, WaitScreen(a, seat, "Orders sealed")) == await render(pilot, WaitScreen(b, seat, "Orders sealed"))
                session.run_bots()
                for seat in humans:
                    await until(lambda seat=seat: same_moment(local.observe(Viewer.seat(seat)), remotes[seat].observe(Viewer.seat(seat))))
                    a, b = both(seat)
                    assert await render(pilot, ResolutionScreen(a, turn, Viewer.seat(seat))) == await render(pilot, ResolutionScreen(b, turn, Viewer.seat(seat))), (name, seat, turn)
                    compared += 1
            for seat in humans:
                a, b = both(seat)
                assert await render(pilot, EndScreen(a, Viewer.seat(seat), local=False)) == await render(pilot, EndScreen(b, Viewer.seat(seat), local=False))
        assert compared >= 3 * len(humans)
        # The game went where the comparison matters: hidden dice and secret plays.
        assert any(p.secret for p in session.game.plays) or name != "tutorial"
    finally:
        for c in remotes.values():
            c.close()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.close()
        store.close()
