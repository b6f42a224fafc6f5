"""A hosted exercise: the facilitator adds or takes away time from the running countdown,
and every client (seats, projector, the console) is sent the new time at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from waiting import until

from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.net.exercise import Exercise, Role
from wargame.net.server import Host
from wargame.net.store.base import FACILITATOR, Store, open_store
from wargame.tui.remote import FacilitatorConsole, RemoteApp
from wargame.tui.remote_orders import RemoteOrdersScreen


class FakeClock:
    """Monotonic time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_added_time_reaches_every_viewer_and_later_turns_keep_the_length(store: Store, tutorial: CompiledDeck) -> None:
    clock = FakeClock()
    ex, _ = Exercise.create(store, "ex1", tutorial, {}, seed=7, clock=clock)
    with pytest.raises(WargameError, match="no countdown is running"):
        ex.add_time(60)
    ex.set_countdown(5)
    clock.now += 100
    version = ex.version
    ex.add_time(60)
    assert ex.version > version  # the host pushes a new state to every client
    for state in (ex.seat_state("red"), ex.public_state(), ex.facilitator_state()):
        assert state["countdown"] == 260 and state["countdown_running"] is True
    ex.pause()
    ex.add_time(-200)
    clock.now += 1000
    assert ex.public_state()["countdown"] == 60 and ex.public_state()["countdown_running"] is False
    ex.resume()
    ex.add_time(-600)  # more than is left: time is up, and the facilitator's choice applies
    assert ex.public_state()["countdown"] == 0
    assert ex.time_up() and ex.game.turn == 2
    assert ex.public_state()["countdown"] == 300  # the next turn has the length that was set


async def test_only_the_facilitator_may_change_the_time(tmp_path: Path, tutorial: CompiledDeck) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    ex, _ = Exercise.create(store, "ex1", tutorial, {}, seed=7, clock=FakeClock())
    host = Host(ex)
    ex.set_countdown(5)
    reply = host.handle_message(Role("red"), {"v": 1, "type": "add_time", "seconds": 600})
    assert reply == {"type": "error", "message": "add_time: only the facilitator may do that"}
    reply = host.handle_message(Role(FACILITATOR), {"v": 1, "type": "add_time", "seconds": 1e9})
    assert reply is not None and reply["type"] == "error" and "add_time: seconds" in reply["message"]
    assert ex.public_state()["countdown"] == 300
    assert host.handle_message(Role(FACILITATOR), {"v": 1, "type": "add_time", "seconds": -60}) == {"type": "ok", "of": "add_time"}
    assert ex.public_state()["countdown"] == 240
    store.close()


async def test_the_console_keys_change_the_time_a_seat_sees(tmp_path: Path, tutorial: CompiledDeck) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "join", tutorial, {}, seed=2, clock=FakeClock())
    host = Host(ex)
    server = TestServer(await host.make_app())
    await server.start_server()
    url = str(server.make_url("")).rstrip("/")
    try:
        red = RemoteApp(url, codes["red"])
        fac = RemoteApp(url, codes[FACILITATOR])
        async with fac.run_test(size=(130, 60)) as pilot, red.run_test(size=(120, 40)) as red_pilot:
            await until(pilot, lambda: isinstance(fac.screen, FacilitatorConsole), "the console")
            await until(red_pilot, lambda: isinstance(red.screen, RemoteOrdersScreen), "Red's orders")
            await pilot.press("plus")  # no countdown yet: the key does nothing
            await pilot.pause(0.2)
            assert ex.public_state()["countdown"] is None
            ex.set_countdown(2)
            await until(pilot, lambda: fac.state.get("countdown") == 120, "the countdown on the console")
            fac.screen.query_one("#rolls").focus()
            await pilot.press("plus", "plus")
            await until(red_pilot, lambda: red.remote is not None and red.remote.state.get("countdown") == 240, "Red to see 4:00")
            await pilot.press("minus")
            await until(red_pilot, lambda: red.remote is not None and red.remote.state.get("countdown") == 180, "Red to see 3:00")
            assert fac.state.get("countdown") == 180
    finally:
        await server.close()
        store.close()
