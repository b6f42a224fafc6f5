"""The browser app's front door, without a browser: a plain page asks for the code, and a
tab's process starts only for a code that opens a role, within the cap on tabs in total.

The tab's program here is a stand-in that notes the key it was given and sleeps (a real
tab is a `wargame join` process of about 60 MiB; test_browser.py runs one in Chromium).
"""

from __future__ import annotations

import asyncio
import html
import re
import shlex
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from test_defences import Clock, eventually

from wargame.deck.compile import CompiledDeck
from wargame.net import tabs
from wargame.net.client import Client, HostError
from wargame.net.exercise import Exercise
from wargame.net.guard import Limits
from wargame.net.server import Host
from wargame.net.store import FACILITATOR, open_store

pytest.importorskip("textual_serve")


STAND_IN = """
import os, sys
with open(sys.argv[1], "a") as f:
    print(os.environ["WARGAME_CODE"], file=f)
print("__GANGLION__", flush=True)  # what textual-serve waits for from a Textual app
sys.stdin.buffer.read(1)  # the first packet from the host (its "quit" when the tab closes)
"""


@asynccontextmanager
async def hosting(tmp_path: Path, deck: CompiledDeck, limits: Limits, clock: Clock) -> AsyncIterator[tuple[Host, str, dict[str, str], Path]]:
    started = tmp_path / "started"
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "tabs", deck, {}, seed=3)
    host = Host(ex, limits=limits, clock=clock, browser_command=f"exec {shlex.quote(sys.executable)} -c {shlex.quote(STAND_IN)} {shlex.quote(str(started))}")
    port = await host.start("127.0.0.1", 0)
    try:
        yield host, f"http://127.0.0.1:{port}", codes, started
    finally:
        await host.close()
        store.close()


def browser() -> aiohttp.ClientSession:
    """A browser's cookie jar (cookies from an IP address are its device id)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


def starts(marker: Path) -> list[str]:
    return marker.read_text().split() if marker.exists() else []


async def join(http: aiohttp.ClientSession, url: str, code: str) -> tuple[int, str]:
    async with http.post(f"{url}/", data={"code": code}) as r:
        return r.status, await r.text()


def ticket_url(page: str) -> str:
    found = re.search(r'data-session-websocket-url="([^"]+)"', page)
    assert found, page
    return found.group(1)


def message(page: str) -> str:
    found = re.search(r'id="message" role="alert">([^<]*)<', page)
    assert found, page
    return html.unescape(found.group(1))


async def test_nothing_starts_before_a_code_opens_a_role(tmp_path: Path, tutorial: CompiledDeck) -> None:
    async with hosting(tmp_path, tutorial, Limits(), Clock()) as (host, url, _codes, started), browser() as http:
        async with http.get(f"{url}/") as r:
            page = await r.text()
            assert r.status == 200 and "Tutorial: the harbour standoff" in page and 'name="code"' in page
            assert r.cookies["wargame_device"].value
        # The app's socket without a ticket, again and again: refused, nothing started.
        for path in ["/ws", "/ws?width=80&height=24", "/ws/", "/ws/made-up-ticket"] * 2:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(url.replace("http", "ws") + path)
            assert refused.value.status in {403, 404}
        status, page = await join(http, url, "ZZZZ-ZZZZ-ZZZZ<script>")
        assert status == 403 and message(page).startswith("wrong code: check it")
        assert "<script>" not in page.split("<main>")[1]
        assert host.tabs.open == [] and starts(started) == []


async def test_a_code_opens_a_tab_whose_process_joins_with_its_own_key(tmp_path: Path, tutorial: CompiledDeck) -> None:
    async with hosting(tmp_path, tutorial, Limits(), Clock()) as (host, url, codes, started), browser() as http:
        status, page = await join(http, url, codes["red"].lower())  # as a team might type it
        assert status == 200 and starts(started) == []  # the page first; the process with its socket
        ws_url = ticket_url(page)
        assert ws_url.startswith(url.replace("http", "ws") + "/ws/")
        tab_socket = await http.ws_connect(ws_url + "?width=142&height=44")  # as the page's script asks
        await eventually(lambda: len(starts(started)) == 1, "the tab's process to start")
        [key] = starts(started)
        assert key not in codes.values() and len(key) >= 24
        # The ticket opened its tab once; it opens nothing again.
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await http.ws_connect(ws_url)
        # The process joins the API with its key, as Red; another device with Red's code is refused.
        process = Client(url)
        assert (await process.connect(key))["seat"] == "red"
        with pytest.raises(HostError, match=r"^Red's seat is already open on another device"):
            await Client(url).connect(codes["red"])
        async with browser() as other:
            status, page = await join(other, url, codes["red"])
            assert status == 409 and message(page).startswith("Red's seat is already open on another device (another browser)")
        await process.close()
        await tab_socket.close()  # the tab closes: its process ends and the seat is free
        await eventually(lambda: host.tabs.open == [], "the tab to end")
        with pytest.raises(HostError, match="wrong code"):
            await Client(url).connect(key)  # the key died with its tab
        again = Client(url)
        assert (await again.connect(codes["red"]))["seat"] == "red"
        await again.close()


async def test_the_room_is_full_at_the_cap_in_total(tmp_path: Path, tutorial: CompiledDeck) -> None:
    clock = Clock()
    async with hosting(tmp_path, tutorial, Limits(tabs_total=2, tab_claim_timeout=30), clock) as (host, url, codes, started), browser() as http:
        assert (await join(http, url, codes["red"]))[0] == 200
        assert (await join(http, url, codes["blue"]))[0] == 200
        status, page = await join(http, url, codes[FACILITATOR])
        assert status == 503
        assert message(page) == (
            "the room is full: 2 browser tabs are open, the most this host runs at once; close a tab that is no "
            "longer needed, or join from a terminal with `wargame join`"
        )
        assert 'class="message full"' in page
        assert starts(started) == []  # admitted tabs start only when their page connects
        clock.now += 31  # neither page connected: their places lapse
        assert (await join(http, url, codes[FACILITATOR]))[0] == 200
        assert len(host.tabs.open) == 1


async def test_a_full_team_is_told_on_the_page_before_any_app_starts(tmp_path: Path, tutorial: CompiledDeck) -> None:
    # Found in the three-team trial: the page admitted a member the team had no room for,
    # started an app for the tab, and only that app said the team was full.
    async with hosting(tmp_path, tutorial, Limits(), Clock()) as (host, url, codes, started), browser() as http:
        session = host.exercise.session
        session.set_team_cap(2)
        session.join_team("red", "Ana")
        session.join_team("red", "Ben")
        async with http.post(f"{url}/", data={"code": codes["red"], "name": "Cy"}) as r:
            status, page = r.status, await r.text()
        assert status == 403 and message(page) == "this team is full (2 members): ask the facilitator to allow more"
        assert host.tabs.open == [] and starts(started) == []
        # A member already in comes back (a dropped laptop), full or not.
        async with http.post(f"{url}/", data={"code": codes["red"], "name": "Ben"}) as r:
            assert r.status == 200
        # A cap lowered below the team's size says both numbers.
        session.set_team_cap(1)
        async with browser() as other, other.post(f"{url}/", data={"code": codes["red"], "name": "Dee"}) as r:
            assert message(await r.text()) == "this team is full (2 members; the facilitator allows 1): ask the facilitator to allow more"


async def test_a_reload_takes_the_seat_back_and_a_revoked_code_ends_its_tab(tmp_path: Path, tutorial: CompiledDeck) -> None:
    async with hosting(tmp_path, tutorial, Limits(), Clock()) as (host, url, codes, started), browser() as http:
        _, page = await join(http, url, codes["red"])
        first = await http.ws_connect(ticket_url(page))
        await eventually(lambda: len(starts(started)) == 1, "the first tab's process")
        # The same browser reloads (the form is sent again): the old tab ends, a new one opens.
        status, page = await join(http, url, codes["red"])
        assert status == 200
        closed = await asyncio.wait_for(first.receive(), 30)
        assert closed.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}
        second = await http.ws_connect(ticket_url(page))
        await eventually(lambda: len(starts(started)) == 2, "the second tab's process")
        [tab] = host.tabs.of("red")
        await eventually(lambda: tab.process is not None, "the process handle")
        # The facilitator revokes Red's code: the tab ends with it.
        host.exercise.revoke("red")
        await asyncio.wait_for(second.receive(), 30)
        await eventually(lambda: host.tabs.open == [] and tab.process is not None and tab.process.returncode is not None, "the tab to end")
        await second.close()
        await first.close()


async def test_a_hung_tab_is_ended_when_its_browser_goes_away(tmp_path: Path, tutorial: CompiledDeck, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabs, "QUIT_GRACE", 0.2)
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "hung", tutorial, {}, seed=3)
    host = Host(ex, browser_command="exec sleep 600")  # never answers, never quits
    port = await host.start("127.0.0.1", 0)
    url = f"http://127.0.0.1:{port}"
    try:
        async with browser() as http:
            _, page = await join(http, url, codes["blue"])
            socket = await http.ws_connect(ticket_url(page))
            await eventually(lambda: bool(host.tabs.open) and host.tabs.open[0].process is not None, "the tab's process")
            process = host.tabs.open[0].process
            await socket.close()
            await eventually(lambda: host.tabs.open == [] and process is not None and process.returncode is not None, "the hung tab to be ended")
    finally:
        await host.close()
        store.close()


class FakeSocket:
    """What `_relay` reads from a browser, and what it answers."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.sent: list[object] = []

    def __aiter__(self) -> FakeSocket:
        return self

    async def __anext__(self) -> aiohttp.WSMessage:
        if not self.texts:
            raise StopAsyncIteration
        return aiohttp.WSMessage(aiohttp.WSMsgType.TEXT, self.texts.pop(0), None)

    async def send_json(self, data: object) -> None:
        self.sent.append(data)


class FakeService:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    async def send_bytes(self, data: bytes) -> None:
        self.calls.append(("stdin", data))

    async def set_terminal_size(self, width: int, height: int) -> None:
        self.calls.append(("resize", (width, height)))

    async def blur(self) -> None:
        self.calls.append(("blur", None))

    async def focus(self) -> None:
        self.calls.append(("focus", None))


async def test_what_a_browser_sends_its_tab_is_checked_and_bounded() -> None:
    socket = FakeSocket([
        "not json", "[]", "{}", '["stdin", 5]', '["resize", "big"]', '["launch", 1]',
        '["resize", {"width": 1000000000, "height": -4}]', '["resize", {"width": "wide"}]',
        '["stdin", "q"]', '["ping", "t1"]', '["focus"]',
    ])
    service = FakeService()
    await tabs._relay(socket, service)  # type: ignore[arg-type]
    assert service.calls == [("resize", (tabs.MAX_COLUMNS, 1)), ("resize", (80, 24)), ("stdin", b"q"), ("focus", None)]
    assert socket.sent == [["pong", "t1"]]
