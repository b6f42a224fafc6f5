"""A joined seat's dashboard shows what the local dashboard shows that seat: the same tracks,
charts, plays named by the seat's knowledge, and log, from what the host sent alone.

One `DashboardScreen` renders both: once through a `LocalClient` on the exercise's own
controller, once through a `RemoteClient` joined to a live host with the seat's code, at
the same moment of a game played by computers (secret plays, reveals and offers included);
their text is compared line for line.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from textual.app import App
from textual.widgets import Static

from wargame.bots.make import make_bot
from wargame.bots.seats import SeatSpec
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.net.exercise import Exercise, Role
from wargame.net.remote import RemoteClient
from wargame.net.server import Host
from wargame.net.store import open_store
from wargame.observe.view import PlayerView
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient, LocalClient
from wargame.play.commands import Orders
from wargame.tui.screens.dashboard import DashboardScreen

OFFERS = Path(__file__).resolve().parents[2] / "decks_format" / "offers.toml"


class _Dash(App[None]):
    CSS_PATH = ["../../../wargame/tui/app.tcss", "../../../wargame/tui/dashboard.tcss"]  # noqa: RUF012

    def __init__(self, client: GameClient, seat: str) -> None:
        super().__init__()
        self.client = client
        self.seat = seat

    def on_mount(self) -> None:
        self.push_screen(DashboardScreen(self.client, Viewer.seat(self.seat)))


async def _text(client: GameClient, seat: str) -> list[str]:
    app = _Dash(client, seat)
    async with app.run_test(size=(160, 80)) as pilot:
        await pilot.pause(0.2)
        return [str(w.render()) for w in app.screen.query(Static)]


async def _joined(url: str, code: str) -> tuple[RemoteClient, asyncio.Task[None]]:
    client = RemoteClient(url, code)
    task = asyncio.ensure_future(client.run())
    loop = asyncio.get_running_loop()
    end = loop.time() + 30
    while not client.ready:
        assert loop.time() < end and not task.done(), "the host sent nothing"
        await asyncio.sleep(0.05)
    return client, task


@pytest.mark.parametrize(("deck_name", "seed", "seats"), [("korea-2022", 3, ("us", "china")), ("offers", 2, ("a", "b"))])
async def test_the_remote_dashboard_shows_what_the_local_one_does(tmp_path: Path, decks: dict[str, CompiledDeck], deck_name: str, seed: int, seats: tuple[str, ...]) -> None:
    deck = load_deck(OFFERS) if deck_name == "offers" else decks[deck_name]
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "dash", deck, {}, seed=seed, facilitator=False)
    host = Host(ex)
    server = TestServer(await host.make_app())
    await server.start_server()
    url = str(server.make_url("")).rstrip("/")
    try:
        bots = {a: make_bot(SeatSpec.parse("random"), deck, a, seed) for a in deck.actors}
        for _turn in range(6):
            if ex.game.is_over:
                break
            turn = ex.game.turn
            for a in deck.actors:
                d = bots[a].decide(PlayerView(ex.game, a), ex.game.available_moves(a), ex.game.orders_allowed(a))
                assert ex.apply(Role(a), Orders(turn=turn, orders=list(d.orders))).ok
        assert ex.game.records, "the game was played"
        secret_plays = sum(p.secret for p in ex.game.plays)
        for seat in seats:
            remote, task = await _joined(url, codes[seat])
            here = LocalClient(ex.session)
            try:
                local = await _text(here, seat)
                assert any("Log" in line for line in local) and await _text(remote, seat) == local, seat
            finally:
                here.close()
                remote.close()
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        assert deck_name == "offers" or secret_plays  # the comparison met secret plays
    finally:
        await server.close()
        store.close()
