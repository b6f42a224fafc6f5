"""`wargame join`: the Textual app against a live host in this process (Pilot): a seat's
turn, a wrong code, the facilitator's console, and rejoining after the connection drops."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestServer
from textual.widgets import Static
from waiting import until

from wargame.deck.compile import CompiledDeck
from wargame.net.exercise import Exercise
from wargame.net.server import Host
from wargame.net.store.base import FACILITATOR, open_store
from wargame.tui.remote import CodeScreen, FacilitatorConsole, RemoteApp, WaitScreen
from wargame.tui.remote_orders import RemoteOrdersScreen
from wargame.tui.screens.resolution import ResolutionScreen


async def serve(tmp_path: Path, deck: CompiledDeck, facilitator: bool, seats: dict[str, str]) -> tuple[Host, TestServer, dict[str, str]]:
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "join", deck, seats, seed=2, facilitator=facilitator)
    host = Host(ex)
    server = TestServer(await host.make_app())
    await server.start_server()
    return host, server, codes


async def test_a_seat_plays_a_turn_and_rejoins_after_a_drop(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes = await serve(tmp_path, tutorial, False, {"blue": "random"})
    url = str(server.make_url("")).rstrip("/")
    try:
        app = RemoteApp(url, codes["red"])
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, RemoteOrdersScreen), "the order sheet")
            # The connection drops (a closed laptop): the app rejoins with the same code.
            for conn in list(host.connections):
                await conn.ws.close()
            await until(pilot, lambda: "red" in host.exercise.connected and app.client is not None and not app.client.ws.closed, "the rejoin")  # type: ignore[union-attr]
            assert isinstance(app.screen, RemoteOrdersScreen)
            await pilot.press("space", "c")
            await pilot.pause(0.2)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ResolutionScreen), "the results")
            assert host.exercise.game.records[0].orders["red"] == ("patrol",)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, RemoteOrdersScreen) and app.remote is not None and app.remote.turn == 2, "the next turn")
    finally:
        await server.close()
        host.exercise.store.close()


async def test_a_wrong_code_is_refused_on_the_code_screen(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, _ = await serve(tmp_path, tutorial, True, {})
    url = str(server.make_url("")).rstrip("/")
    try:
        app = RemoteApp(url)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, CodeScreen), "the code prompt")
            await pilot.click("#code")
            await pilot.press(*"WXYZ-WXYZ-WXYZ", "enter")
            await until(pilot, lambda: "wrong code" in str(app.screen.query_one("#code-error", Static).render()), "the refusal")
    finally:
        await server.close()
        host.exercise.store.close()


async def test_the_facilitator_console_runs_the_room(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes = await serve(tmp_path, tutorial, True, {})
    url = str(server.make_url("")).rstrip("/")
    ex = host.exercise
    try:
        red = RemoteApp(url, codes["red"])
        fac = RemoteApp(url, codes[FACILITATOR])
        async with fac.run_test(size=(130, 60)) as pilot, red.run_test(size=(120, 40)) as red_pilot:
            await until(pilot, lambda: isinstance(fac.screen, FacilitatorConsole), "the console")
            await until(red_pilot, lambda: isinstance(red.screen, RemoteOrdersScreen), "Red's orders")
            await pilot.press("p")
            await until(pilot, lambda: ex.paused and fac.state.get("paused") is True, "the pause")
            await until(red_pilot, lambda: red.remote is not None and red.remote.paused, "Red to see the pause")
            await pilot.press("p")
            await until(pilot, lambda: not ex.paused, "the resume")
            await pilot.press("r")  # resolve now: both seats stand pat
            await until(pilot, lambda: ex.game.turn == 2, "the turn to resolve")
            assert ex.game.records[0].orders == {"red": (), "blue": ()}
            await until(red_pilot, lambda: isinstance(red.screen, ResolutionScreen), "Red's results")
            await until(pilot, lambda: any("stands pat" in n for n in fac.state.get("notices", [])), "the notice")
            assert not isinstance(red.screen, WaitScreen)
    finally:
        await server.close()
        ex.store.close()
