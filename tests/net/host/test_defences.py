"""The host under attack, in this process and on a clock the tests move: sockets that never
say hello, a flood of idle connections, a seat reconnecting in a loop, a burst of changes,
one code on two devices over two transports, and a host whose exercise is taken over.

Every test is bounded (it waits for an outcome, never for a wall-clock time) and closes all
it opens. Flooding connections come from 127.0.0.2 and 127.0.0.3 (Linux routes all of
127/8 to this machine), the real seats from 127.0.0.1, as in a classroom where one laptop
misbehaves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from wargame.deck.compile import CompiledDeck
from wargame.net.client import Client, HostError
from wargame.net.exercise import Exercise
from wargame.net.guard import Limits, Rate
from wargame.net.server import Host
from wargame.net.store import FACILITATOR, PROJECTOR, LeaseLost, open_store
from wargame.net.store.lease import Holder


class Clock:
    """The host's clock, moved only by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Sleeps:
    """The host's pacing sleeps: each waits until the test lets the sleepers go."""

    def __init__(self) -> None:
        self.waiting: list[asyncio.Future[None]] = []

    async def __call__(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        await future

    def pending(self) -> int:
        """Sleeps still waiting: a closed connection's pusher is cancelled mid-sleep (Red's
        reconnecting laptop leaves those behind), and its sleep no longer counts."""
        return sum(not f.done() for f in self.waiting)

    def release(self) -> None:
        waiting, self.waiting = self.waiting, []
        for f in waiting:
            if not f.done():
                f.set_result(None)


@asynccontextmanager
async def hosting(tmp_path: Path, deck: CompiledDeck, limits: Limits, clock: Clock | None = None, sleep: Sleeps | None = None, **host: Any) -> AsyncIterator[tuple[Host, str, dict[str, str]]]:
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "def", deck, {}, seed=3)
    kwargs: dict[str, Any] = {"limits": limits, **host}
    if clock is not None:
        kwargs["clock"] = clock
    if sleep is not None:
        kwargs["sleep"] = sleep
    h = Host(ex, **kwargs)
    port = await h.start("127.0.0.1", 0)
    try:
        yield h, f"http://127.0.0.1:{port}", codes
    finally:
        if sleep is not None:
            sleep.release()
        await h.close()
        store.close()


async def eventually(check: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Bounded: fails naming `what` if `check` does not hold within `timeout` (a slow machine
    is slow, never wrong; no test here asserts a time)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def reading(client: Client, into: list[dict[str, Any]]) -> None:
    """Everything the host sends `client`, as it comes, until the connection ends."""
    try:
        while True:
            into.append(await client.next())
    except HostError:
        return


async def raw_socket(port: int, source: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    try:
        return await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    except OSError as exc:  # pragma: no cover - a system without 127/8 on loopback
        pytest.skip(f"cannot connect from {source}: {exc}")


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info is not None or "Traceback" in r.getMessage()]


async def test_a_websocket_that_never_says_hello_is_closed_with_one_line(tmp_path: Path, tutorial: CompiledDeck, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    async with hosting(tmp_path, tutorial, Limits(hello_timeout=0.2)) as (_host, url, _codes), aiohttp.ClientSession() as http:
        ws = await http.ws_connect(url.replace("http", "ws") + "/api/v1/ws")
        said = await ws.receive(timeout=30)
        assert json.loads(said.data) == {"type": "error", "message": "no hello with a join code: closing"}
        assert (await ws.receive(timeout=30)).type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}
        await ws.close()
    assert any(r.getMessage() == "refused 127.0.0.1: no hello with a join code within 0.2 s" for r in caplog.records)
    assert no_tracebacks(caplog) == []


async def test_a_socket_that_sends_nothing_is_closed_once_idle_too_long(tmp_path: Path, tutorial: CompiledDeck) -> None:
    clock = Clock()
    async with hosting(tmp_path, tutorial, Limits(hello_timeout=5), clock) as (host, url, _codes):
        port = int(url.rsplit(":", 1)[1])
        reader, writer = await raw_socket(port, "127.0.0.2")
        await eventually(lambda: len(host.gate.strangers("127.0.0.2")) == 1, "the socket to be admitted")
        clock.now += 5
        host.gate.sweep()
        assert len(host.gate.strangers("127.0.0.2")) == 1  # 5 s idle is allowed
        clock.now += 1
        host.gate.sweep()
        assert await asyncio.wait_for(reader.read(), 30) == b""  # closed by the host
        writer.close()
        assert host.gate.strangers() == []


async def test_idle_sockets_are_capped_per_address_and_in_total_and_codes_still_get_in(tmp_path: Path, tutorial: CompiledDeck, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    limits = Limits(strangers_per_address=5, strangers_total=8, hello_timeout=600)
    held: list[asyncio.StreamWriter] = []
    async with hosting(tmp_path, tutorial, limits) as (host, url, codes):
        port = int(url.rsplit(":", 1)[1])
        try:
            for _ in range(5):
                held.append((await raw_socket(port, "127.0.0.2"))[1])
            await eventually(lambda: len(host.gate.strangers("127.0.0.2")) == 5, "five strangers from one laptop")
            # The sixth from that laptop is answered with one line and closed at once.
            reader, writer = await raw_socket(port, "127.0.0.2")
            answer = await asyncio.wait_for(reader.read(), 30)
            writer.close()
            assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
            assert answer.endswith(b"the host is busy: 5 connections from 127.0.0.2 have not opened a seat yet, the most one address may hold; try again in a few seconds\n")
            for _ in range(3):
                held.append((await raw_socket(port, "127.0.0.3"))[1])
            await eventually(lambda: len(host.gate.strangers()) == 8, "the host to be full of strangers")
            # The teams and the facilitator, from other laptops, still get in.
            clients = []
            for role in ("red", "blue", FACILITATOR):
                c = Client(url)
                welcome = await c.connect(codes[role])
                assert welcome["type"] == "welcome"
                clients.append(c)
            for c in clients:
                await c.close()
            assert len(host.gate.strangers()) <= 8
        finally:
            for w in held:
                w.close()
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]
    assert refusals == ["refused 127.0.0.2: 5 connections from 127.0.0.2 have not opened a seat yet, the most one address may hold"]
    assert no_tracebacks(caplog) == []


async def test_running_out_of_file_handles_is_one_line_not_a_traceback(tmp_path: Path, tutorial: CompiledDeck, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    async with hosting(tmp_path, tutorial, Limits()) as (host, _url, _codes):
        loop = asyncio.get_running_loop()
        handler = loop.get_exception_handler()
        assert handler is not None
        for _ in range(50):  # what asyncio reports on each failed accept()
            handler(loop, {"message": "socket.accept() out of system resource", "exception": OSError(errno.EMFILE, "Too many open files")})
        host.refusals.flush()
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["refused new connections: the host has no file handles left (Too many open files): they wait until strangers' connections close"]
    assert no_tracebacks(caplog) == []


async def test_a_seat_reconnecting_in_a_loop_is_slowed_down_per_code(tmp_path: Path, tutorial: CompiledDeck) -> None:
    clock = Clock()
    async with hosting(tmp_path, tutorial, Limits(opens=Rate(burst=3, per_second=0.1)), clock) as (host, url, codes):
        states_to_facilitator: list[str] = []
        host.on_send = lambda role, text: states_to_facilitator.append(text) if role == FACILITATOR and '"type":"state"' in text else None
        fac = Client(url)
        await fac.connect(codes[FACILITATOR])
        await eventually(lambda: len(states_to_facilitator) == 1, "the console's first state")
        refused = 0
        for _ in range(50):
            red = Client(url)
            try:
                await red.connect(codes["red"])
            except HostError as exc:
                assert str(exc) == "too many new connections with the code for Red's seat in a short time: wait 10 s and try again"
                refused += 1
                continue
            await red.close()
            await eventually(lambda: "red" not in host.exercise.connected, "Red to be gone")
        assert refused == 47
        blue = Client(url)  # another code is not slowed down
        await blue.connect(codes["blue"])
        await blue.close()
        clock.now += 10
        again = Client(url)
        assert (await again.connect(codes["red"]))["seat"] == "red"
        await again.close()
        await fac.close()


async def test_a_burst_of_changes_goes_out_as_one_state(tmp_path: Path, tutorial: CompiledDeck) -> None:
    clock, sleeps = Clock(), Sleeps()
    # One state at once, then (the clock standing still) none until the pacing sleep ends.
    limits = Limits(opens=Rate(burst=1000, per_second=1), pushes=Rate(burst=1, per_second=4))
    async with hosting(tmp_path, tutorial, limits, clock, sleeps) as (host, url, codes):
        sent: dict[str, int] = {FACILITATOR: 0, PROJECTOR: 0}

        def count(role: str, text: str) -> None:
            if role in sent and '"type":"state"' in text:
                sent[role] += 1

        host.on_send = count
        fac, proj = Client(url), Client(url)
        await fac.connect(codes[FACILITATOR])
        await proj.connect(codes[PROJECTOR])
        await eventually(lambda: sent == {FACILITATOR: 1, PROJECTOR: 1}, "the first states")
        # Both read all along, as a console and a projector do (an unread socket misses the
        # host's heartbeat pings and is dropped, however long the loop below takes).
        heard: list[dict[str, Any]] = []
        readers = [asyncio.ensure_future(reading(fac, heard)), asyncio.ensure_future(reading(proj, []))]
        # Red's laptop reconnects 40 times: 80 changes of who is connected.
        for _ in range(40):
            red = Client(url)
            await red.connect(codes["red"])
            await red.close()
            await eventually(lambda: "red" not in host.exercise.connected, "Red to be gone")
        assert sent == {FACILITATOR: 1, PROJECTOR: 1}  # held back while the burst lasts
        await eventually(lambda: sleeps.pending() == 2, "both pushers to wait for their pace")
        burst_ended_at = host.exercise.version
        sleeps.release()
        await eventually(lambda: sent == {FACILITATOR: 2, PROJECTOR: 2}, "one state each for the whole burst")
        await eventually(lambda: sum(m.get("type") == "state" for m in heard) == 2, "the console to read it")
        states = [m for m in heard if m.get("type") == "state"]
        assert states[1]["version"] >= burst_ended_at  # the one state carries the whole burst

        def caught_up() -> bool:
            sleeps.release()  # any later change (the last close, the host's tick) is paced too
            return all(c.sent == host.exercise.version and not c.wake.is_set() for c in host.connections) and sleeps.pending() == 0

        await eventually(caught_up, "the pushers to settle")
        await eventually(lambda: any(m.get("type") == "state" and m["version"] == host.exercise.version for m in heard), "the last state at the console")
        states = [m for m in heard if m.get("type") == "state"]
        # Past the burst, a state goes only for a change made after it, never one per change.
        assert len(states) - 2 <= host.exercise.version - burst_ended_at
        assert not any(s["connected"] for s in states[-1]["room"]["seats"] if s["actor"] == "red")
        for reader in readers:
            reader.cancel()
        await fac.close()
        await proj.close()


async def test_one_device_per_code_over_every_transport(tmp_path: Path, tutorial: CompiledDeck) -> None:
    clock = Clock()
    async with hosting(tmp_path, tutorial, Limits(http_hold=60), clock) as (host, url, codes), aiohttp.ClientSession() as http:
        red_auth = {"Authorization": f"Bearer {codes['red']}"}
        red = Client(url)
        await red.connect(codes["red"])
        # An HTTP client with Red's code, beside Red's open seat: refused, reads nothing.
        async with http.get(f"{url}/api/v1/view", headers=red_auth) as r:
            assert r.status == 409
            assert (await r.json())["message"] == "Red's seat is already open on another device: close it there first, or ask the facilitator to issue a new code"
        async with http.post(f"{url}/api/v1/orders", headers=red_auth, json={"type": "orders", "turn": 1, "orders": ["patrol"]}) as r:
            assert r.status == 409
        assert "red" not in host.exercise.game.orders
        await red.close()
        await eventually(lambda: "red" not in host.exercise.connected, "Red's seat to be free")
        # Now a program over HTTP holds the seat; it shows as connected.
        async with http.get(f"{url}/api/v1/view", headers=red_auth) as r:
            assert r.status == 200 and (await r.json())["observation"]["viewer"]["seat"] == "red"
        assert "red" in host.exercise.connected
        with pytest.raises(HostError, match=r"^Red's seat is already open on another device \(a program at 127.0.0.1 over HTTP, until 60 s after its last request\)"):
            await Client(url).connect(codes["red"])
        # The projector may be on any number of screens, over either transport.
        proj_auth = {"Authorization": f"Bearer {codes[PROJECTOR]}"}
        screen = Client(url)
        await screen.connect(codes[PROJECTOR])
        async with http.get(f"{url}/api/v1/view", headers=proj_auth) as r:
            assert r.status == 200
        await screen.close()
        # A minute after the program's last request, the seat is free again.
        clock.now += 61
        host._sweep()
        assert "red" not in host.exercise.connected
        again = Client(url)
        assert (await again.connect(codes["red"]))["seat"] == "red"
        await again.close()


async def test_http_requests_and_wrong_codes_are_rate_limited(tmp_path: Path, tutorial: CompiledDeck) -> None:
    clock = Clock()
    limits = Limits(requests=Rate(burst=5, per_second=1), refusals=Rate(burst=3, per_second=0.5))
    async with hosting(tmp_path, tutorial, limits, clock) as (_host, url, codes), aiohttp.ClientSession() as http:
        auth = {"Authorization": f"Bearer {codes['blue']}"}
        statuses = []
        for _ in range(8):
            async with http.get(f"{url}/api/v1/view", headers=auth) as r:
                statuses.append(r.status)
                if r.status == 429:
                    assert r.headers["Retry-After"] == "1"
                    assert (await r.json())["message"] == "too many requests with the code for Blue's seat in a short time: wait 1 s and try again"
        assert statuses == [200] * 5 + [429] * 3
        wrong = []
        for _ in range(5):
            async with http.get(f"{url}/api/v1/view", headers={"Authorization": "Bearer AAAA-BBBB-CCCC"}) as r:
                wrong.append((r.status, (await r.json())["message"].split(":")[0]))
        assert wrong == [(403, "wrong code")] * 3 + [(429, "too many wrong codes from 127.0.0.1")] * 2
        clock.now += 2
        async with http.get(f"{url}/api/v1/view", headers=auth) as r:
            assert r.status == 200


async def test_a_host_whose_exercise_is_taken_over_stops_and_changes_nothing(tmp_path: Path, tutorial: CompiledDeck) -> None:
    times = [dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)]
    store = open_store(tmp_path / "s.sqlite3", clock=lambda: times[0])
    ex, codes = Exercise.create(store, "taken", tutorial, {}, seed=3)
    lease = store.acquire_lease("taken", Holder("laptop-a", 11, times[0]), ttl=30)
    host = Host(ex, lease=lease, lease_ttl=30, limits=Limits())
    port = await host.start("127.0.0.1", 0)
    url = f"http://127.0.0.1:{port}"
    other = open_store(tmp_path / "s.sqlite3", clock=lambda: times[0])
    try:
        red = Client(url)
        await red.connect(codes["red"])
        # This host cannot reach the store for a while; another host takes the exercise over.
        times[0] += dt.timedelta(seconds=31)
        other.acquire_lease("taken", Holder("laptop-b", 22, times[0]), ttl=30)
        await red.send({"type": "orders", "turn": 1, "orders": ["patrol"]})
        refused = await red.wait_for(lambda m: m.get("type") == "error", timeout=30)
        assert refused["message"] == "this host no longer holds exercise 'taken': the host on laptop-b (pid 22, started 2030-01-01 09:00:31 UTC) took it over"
        assert other.pending_orders("taken", 1) == {}
        closed = await red.wait_for(lambda m: m.get("type") == "closed", timeout=30)
        assert closed["message"].endswith("took it over: join it there")
        assert isinstance(host.lost, LeaseLost)
        await red.close()
        with pytest.raises(HostError, match="took it over: join it there"):
            await Client(url).connect(codes["blue"])
    finally:
        await host.close()
        other.close()
        store.close()


async def test_a_lease_is_renewed_while_the_host_runs_and_given_back_when_it_stops(tmp_path: Path, tutorial: CompiledDeck) -> None:
    times = [dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)]
    store = open_store(tmp_path / "s.sqlite3", clock=lambda: times[0])
    ex, _codes = Exercise.create(store, "kept", tutorial, {}, seed=3)
    lease = store.acquire_lease("kept", Holder.this_process(), ttl=30)
    host = Host(ex, lease=lease, lease_ttl=30)
    await host.start("127.0.0.1", 0)
    try:
        times[0] += dt.timedelta(seconds=20)
        await host.renew_lease()  # what the host's loop does every 10 s
        held = store.lease("kept")
        assert held is not None and held.expires == times[0] + dt.timedelta(seconds=30)
    finally:
        await host.close()
    with open_store(tmp_path / "s.sqlite3", clock=lambda: times[0]) as again:
        assert again.acquire_lease("kept", Holder("laptop-b", 5, times[0]), ttl=30).holder.host == "laptop-b"
    store.close()
