"""The host as its own process, with seats in other processes: concurrent agents playing a
whole game, a seat killed mid-turn and rejoined, refusals, a stale submission, the host
killed with `kill -9` and restarted from its store (nothing lost), and a second host on
the same exercise refused while the first runs, on both store backends."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostproc import ROOT, HostProcess

from wargame.net.client import Client, HostError
from wargame.net.store import open_store
from wargame.saves.store import parse_save, verify

SEAT_SCRIPT = """
import asyncio, sys
from wargame.net.client import Client
async def main():
    c = Client(sys.argv[1])
    await c.connect(sys.argv[2])
    s = await c.wait_for(lambda m: m.get("type") == "state")
    print("joined", s["observation"]["game"]["turn"], flush=True)
    await asyncio.sleep(3600)
asyncio.run(main())
"""


@pytest.fixture
def hosts() -> Iterator[list[HostProcess]]:
    made: list[HostProcess] = []
    yield made
    for h in made:
        h.stop()


def test_agents_in_separate_processes_play_a_whole_game(tmp_path: Path, hosts: list[HostProcess]) -> None:
    store = tmp_path / "s.sqlite3"
    host = HostProcess(["korea-2022", "--no-facilitator", "--port", "0", "--store", str(store), "--exercise", "k1", "--seed", "5", "--no-browser"], tmp_path)
    hosts.append(host)
    assert set(host.codes) == {"North Korea", "United States", "South Korea", "China"}
    agents = [
        subprocess.Popen([sys.executable, str(ROOT / "examples" / "agent.py"), "--host", host.url, "--code", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for code in host.codes.values()
    ]
    for agent in agents:
        _out, err = agent.communicate(timeout=180)
        assert agent.returncode == 0, err
        assert "game over" in err
    with open_store(store) as s:
        save = parse_save(s.load_exercise("k1").save_json.encode(), "k1")
    assert save.ending is not None and verify(save).ok
    assert all(len(turn.orders) == 4 for turn in save.history)
    # A code that opens no seat, or a wrong one, is one clear line from the agent.
    for code, said in ((host.projector.rsplit("=", 1)[1], "agent: this code opens the projector, not a seat: use a team's code"),
                       ("AAAA-BBBB-CCCC", "agent: the host said: wrong code")):
        run = subprocess.run([sys.executable, str(ROOT / "examples" / "agent.py"), "--host", host.url, "--code", code], capture_output=True, text=True, timeout=60, check=False)
        assert run.returncode == 1 and run.stderr.startswith(said) and "Traceback" not in run.stderr, run.stderr


async def _expect_refused(url: str, code: str, message: str) -> None:
    with pytest.raises(HostError, match=message):
        await Client(url).connect(code)


async def _connect_when_free(url: str, code: str) -> Client:
    """Connect once the host has noticed the previous holder of the seat is gone."""
    deadline = time.monotonic() + 15
    while True:
        c = Client(url)
        try:
            await c.connect(code)
            return c
        except HostError as exc:
            if "already open" not in str(exc) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def _state(c: Client, turn: int, sealed: bool | None = None) -> dict[str, Any]:
    """The next state at `turn` (with the seat's orders sealed or not, if `sealed` says)."""

    def wanted(m: dict[str, Any]) -> bool:
        if m.get("type") != "state" or m["observation"]["game"]["turn"] != turn:
            return False
        return sealed is None or (m["observation"]["seat"]["sealed"] is not None) == sealed

    return await c.wait_for(wanted, timeout=20)


async def test_a_seat_killed_mid_turn_rejoins_and_a_killed_host_resumes(tmp_path: Path, hosts: list[HostProcess]) -> None:
    store = tmp_path / "s.sqlite3"
    args = ["tutorial", "--port", "0", "--store", str(store), "--exercise", "t1", "--seed", "3", "--no-browser"]
    host = HostProcess(args, tmp_path)
    hosts.append(host)
    codes = host.codes
    # Red joins from another process, which is killed mid-turn.
    seat = subprocess.Popen(  # noqa: ASYNC220 - a separate process is the point of the test
        [sys.executable, "-c", SEAT_SCRIPT, host.url, codes["Red"]], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert seat.stdout is not None and seat.stdout.readline().strip() == "joined 1"
    await _expect_refused(host.url, codes["Red"], "Red's seat is already open on another device")
    seat.send_signal(signal.SIGKILL)
    seat.wait()
    red = await _connect_when_free(host.url, codes["Red"])
    await _state(red, turn=1, sealed=False)
    await _expect_refused(host.url, "AAAA-BBBB-CCCC", "wrong code")
    fac = Client(host.url)
    await fac.connect(codes["Facilitator"])
    blue = Client(host.url)
    await blue.connect(codes["Blue"])
    # Both seal at once; the facilitator resolves.
    await asyncio.gather(red.send({"type": "orders", "turn": 1, "orders": ["patrol"]}), blue.send({"type": "orders", "turn": 1, "orders": ["sanctions"]}))
    await fac.wait_for(lambda m: m.get("type") == "state" and all(s["sealed"] for s in m["room"]["seats"]), timeout=20)
    await fac.send({"type": "resolve"})
    await _state(red, turn=2)
    # A stale submission after the turn resolved is refused, and changes nothing.
    await red.send({"type": "orders", "turn": 1, "orders": ["talks-offer"]})
    stale = await red.wait_for(lambda m: m.get("type") == "error")
    assert stale["message"] == "these orders are for week 1, but week 2 is being played now: they were not sealed"
    # A revoked code is refused by name; its live client is told and closed.
    await fac.send({"type": "revoke", "role": "blue"})
    assert (await blue.wait_for(lambda m: m.get("type") == "closed"))["message"] == "the facilitator revoked the code for Blue"
    await _expect_refused(host.url, codes["Blue"], "code for Blue has been revoked")
    await red.send({"type": "orders", "turn": 2, "orders": ["talks-offer"]})
    await red.wait_for(lambda m: m.get("type") == "ok")
    for c in (red, fac, blue):
        await c.close()
    # The host dies without warning, and is started again with the same command.
    host.kill9()
    host.start()
    assert host.codes == {}  # codes are not reprinted: the old ones still work
    red = await _connect_when_free(host.url, codes["Red"])
    again = await _state(red, turn=2)
    assert [o["move"] for o in again["observation"]["seat"]["sealed"]] == ["talks-offer"]
    red_orders = [next(s for s in t["orders"] if s["actor"] == "red") for t in again["observation"]["turns"]]
    assert [[o["move"] for o in s["orders"]] for s in red_orders] == [["patrol"]]
    assert next(s for s in again["room"]["seats"] if s["actor"] == "red")["sealed"] is True
    fac = Client(host.url)
    await fac.connect(codes["Facilitator"])
    await fac.send({"type": "reissue", "role": "blue"})
    new_blue = (await fac.wait_for(lambda m: m.get("type") == "code"))["code"]
    blue = Client(host.url)
    await blue.connect(str(new_blue))
    await blue.send({"type": "orders", "turn": 2, "orders": []})
    await blue.wait_for(lambda m: m.get("type") == "ok")
    await fac.send({"type": "resolve"})
    await _state(red, turn=3)
    for c in (red, fac, blue):
        await c.close()
    with open_store(store) as s:
        save = parse_save(s.load_exercise("t1").save_json.encode(), "t1")
    assert [dict(t.orders) for t in save.history] == [{"red": ["patrol"], "blue": ["sanctions"]}, {"red": ["talks-offer"], "blue": []}]
    assert verify(save).ok


def test_two_hosts_on_one_exercise_the_second_refuses_naming_the_first(tmp_path: Path, store_url: str, hosts: list[HostProcess]) -> None:
    args = ["tutorial", "--port", "0", "--store", store_url, "--exercise", "one", "--seed", "3", "--no-browser"]
    first = HostProcess(args, tmp_path)
    hosts.append(first)
    second = subprocess.run(  # the same command on another terminal (or laptop)
        [sys.executable, "-m", "wargame", "host", "--port", "0", "--store", store_url, "--exercise", "one", "--no-browser", "--new-codes"],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert second.returncode == 2
    assert second.stderr.startswith(f"error: exercise 'one' is being hosted by the host on {socket.gethostname()} (pid {first.proc.pid}, started ")
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert "Join codes" not in second.stdout  # it changed nothing: no new codes
    red = Client(first.url)
    assert (await_(red.connect(first.codes["Red"])))["seat"] == "red"  # the first host's codes still work
    await_(red.close())
    # Stopped cleanly, the first host gives the exercise back: the second starts at once.
    first.stop()
    again = HostProcess(["--port", "0", "--store", store_url, "--exercise", "one", "--no-browser"], tmp_path)
    hosts.append(again)
    assert again.url


def await_(coro: Any) -> Any:
    return asyncio.run(coro)
