"""A hosted exercise: the facilitator adds or takes away time from the running countdown,
and every client (seats, projector, the console) is sent the new time at once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer
from waiting import shown, to_sheet, until

from wargame.deck.compile import CompiledDeck
from wargame.net.exercise import Exercise, Role
from wargame.net.server import Host
from wargame.net.store import FACILITATOR, PROJECTOR, Store, open_store
from wargame.play.commands import AddTime, Configure, Countdown, Pause, Resume
from wargame.tui.join import JoinApp
from wargame.tui.screens.facilitator import FacilitatorScreen

FAC = Role(FACILITATOR)


class FakeClock:
    """Monotonic time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def room(ex: Exercise, role: str) -> dict[str, Any]:
    """The room as the host sends it to `role`."""
    data: dict[str, Any] = json.loads(ex.state_text(Role(role)))["room"]
    return data


def test_added_time_reaches_every_viewer_and_later_turns_keep_the_length(store: Store, tutorial: CompiledDeck) -> None:
    clock = FakeClock()
    ex, _ = Exercise.create(store, "ex1", tutorial, {}, seed=7, clock=clock)
    assert ex.apply(FAC, AddTime(seconds=60)).message == "no countdown is running: start one first"
    assert ex.apply(FAC, Countdown(minutes=5)).ok
    clock.now += 100
    version = ex.version
    assert ex.apply(FAC, AddTime(seconds=60)).ok
    assert ex.version > version  # the host pushes a new state to every client
    for role in ("red", PROJECTOR, FACILITATOR):
        assert (room(ex, role)["countdown"], room(ex, role)["countdown_running"]) == (260, True), role
    assert ex.apply(FAC, Pause()).ok
    assert ex.apply(FAC, AddTime(seconds=-200)).ok
    clock.now += 1000
    assert (room(ex, PROJECTOR)["countdown"], room(ex, PROJECTOR)["paused"], room(ex, PROJECTOR)["countdown_running"]) == (60, True, False)
    assert ex.apply(FAC, Resume()).ok
    assert ex.apply(FAC, AddTime(seconds=-600)).ok  # more than is left: time is up, and the facilitator's choice applies
    assert room(ex, PROJECTOR)["countdown"] == 0
    assert ex.time_up() and ex.game.turn == 2
    assert room(ex, PROJECTOR)["countdown"] == 300  # the next turn has the length that was set


async def test_only_the_facilitator_may_change_the_time(tmp_path: Path, tutorial: CompiledDeck) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    ex, _ = Exercise.create(store, "ex1", tutorial, {}, seed=7, clock=FakeClock())
    host = Host(ex)
    assert ex.apply(FAC, Countdown(minutes=5)).ok
    reply = host.handle_message(Role("red"), {"v": 1, "type": "add_time", "seconds": 600})
    assert reply == {"type": "error", "of": "add_time", "message": "add_time: only the facilitator may do that"}
    reply = host.handle_message(Role(PROJECTOR), {"v": 1, "type": "add_time", "seconds": 600})
    assert reply is not None and reply["type"] == "error"
    reply = host.handle_message(FAC, {"v": 1, "type": "add_time", "seconds": 1e9})
    assert reply is not None and reply["type"] == "error" and "add_time: seconds" in reply["message"]
    assert room(ex, PROJECTOR)["countdown"] == 300
    assert host.handle_message(FAC, {"v": 1, "type": "add_time", "seconds": -60}) == {"type": "ok", "of": "add_time"}
    assert room(ex, PROJECTOR)["countdown"] == 240
    store.close()


async def test_the_console_keys_change_the_time_a_seat_sees(tmp_path: Path, tutorial: CompiledDeck) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "join", tutorial, {}, seed=2, clock=FakeClock())
    host = Host(ex)
    told: dict[str, list[float | None]] = {"red": [], FACILITATOR: []}

    def keep(role: str, text: str) -> None:
        data = json.loads(text)
        if data.get("type") == "state" and role in told:
            told[role].append(data["room"]["countdown"])

    host.on_send = keep
    server = TestServer(await host.make_app())
    await server.start_server()
    url = str(server.make_url("")).rstrip("/")
    try:
        red = JoinApp(url, codes["red"])
        fac = JoinApp(url, codes[FACILITATOR])
        async with fac.run_test(size=(130, 60)) as pilot, red.run_test(size=(120, 40)) as red_pilot:
            await until(pilot, lambda: shown(fac, FacilitatorScreen), "the console")
            await to_sheet(red_pilot, "Red's orders")
            await pilot.press("plus")  # no countdown yet: the key does nothing
            await pilot.pause(0.2)
            assert room(ex, PROJECTOR)["countdown"] is None
            assert ex.apply(FAC, Countdown(minutes=2)).ok
            await until(pilot, lambda: 120 in told[FACILITATOR] and fac.screen.obs.room is not None and fac.screen.obs.room.countdown is not None, "the countdown on the console")
            fac.screen.query_one("#rolls").focus()
            await pilot.press("plus", "plus")
            await until(red_pilot, lambda: 240 in told["red"], "Red to be sent 4:00")
            await pilot.press("minus")
            await until(red_pilot, lambda: 180 in told["red"], "Red to be sent 3:00")
            assert told[FACILITATOR][-1] == 180 and ex.countdown.left(ex.clock()) == 180
            # Red's screen shows the time it was sent (the client counts down from it).
            await until(red_pilot, lambda: red.screen.obs.room is not None and red.screen.obs.room.countdown is not None and 170 < red.screen.obs.room.countdown <= 180, "Red's clock")
    finally:
        await server.close()
        store.close()


async def test_time_up_is_acted_on_once(tmp_path: Path, tutorial: CompiledDeck) -> None:
    """When time is up and the room keeps waiting, the host tells the clients once and then
    waits for the facilitator (it does not wake every 50 ms to find time still up); a new
    time-up choice is acted on at once."""
    store = open_store(tmp_path / "s.sqlite3")
    clock = FakeClock()
    ex, _ = Exercise.create(store, "ex1", tutorial, {}, seed=7, clock=clock)
    host = Host(ex)
    try:
        assert ex.apply(FAC, Countdown(minutes=1)).ok and ex.apply(FAC, Configure(on_timeout="wait")).ok
        clock.now += 61
        version = ex.version
        host._time_up()  # the timer fires
        assert ex.game.turn == 1 and ex.version == version + 1  # the clients are told: time is up
        assert host._timer is None  # and nothing more is scheduled until something changes
        assert ex.apply(FAC, Configure(on_timeout="stand-pat")).ok
        assert host._timer is not None
        loop = asyncio.get_running_loop()
        end = loop.time() + 30
        while ex.game.turn == 1 and loop.time() < end:
            await asyncio.sleep(0.01)
        assert ex.game.turn == 2 and ex.game.records[0].orders == {"red": (), "blue": ()}
    finally:
        store.close()
