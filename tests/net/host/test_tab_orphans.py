"""A host killed with `kill -9` takes its browser tabs' `wargame join` processes with it:
they are started by the host (through textual-serve), and each asks the kernel to end it
when the host dies (Linux's parent-death signal), so none is left running, orphaned."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from hostproc import ROOT, HostProcess

from wargame.procs import END_WITH_ENV

pytest.importorskip("textual_serve", reason="textual-serve is not installed: the host serves no browser tabs")
if not sys.platform.startswith("linux"):
    pytest.skip("the parent-death signal (and /proc, to find the tabs' processes) is Linux's", allow_module_level=True)


def children(pid: int) -> dict[int, str]:
    """The live processes whose parent is `pid`, with their command lines (from /proc)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # it ended meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            out[int(entry.name)] = cmdline
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(check: object, what: str, timeout: float = 60) -> None:
    """Bounded: fails naming `what` (a slow machine is slow, never wrong)."""
    end = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


async def open_tab(url: str, code: str) -> tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
    """What a browser does: the code on the front door, then the tab's socket."""
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.post(f"{url}/", data={"code": code}) as r:
        page = await r.text()
        assert r.status == 200, page
    found = re.search(r'data-session-websocket-url="([^"]+)"', page)
    assert found, page
    return http, await http.ws_connect(found.group(1) + "?width=80&height=24")


def test_a_killed_hosts_browser_tabs_end_with_it(tmp_path: Path) -> None:
    host = HostProcess(["tutorial", "--port", "0", "--store", str(tmp_path / "s.sqlite3"), "--exercise", "orphans", "--seed", "3"], tmp_path)
    loop = asyncio.new_event_loop()
    opened = []
    try:
        for seat in ("Red", "Blue"):
            opened.append(loop.run_until_complete(open_tab(host.url, host.codes[seat])))
        wait_until(lambda: len([c for c in children(host.proc.pid).values() if " join " in c]) == 2, "both tabs' join processes")
        tabs = [pid for pid, cmd in children(host.proc.pid).items() if " join " in cmd]
        for pid in tabs:  # started by the host itself (no shell between), told to end with it
            assert f"{END_WITH_ENV}={host.proc.pid}".encode() in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        host.kill9()
        wait_until(lambda: not any(alive(pid) for pid in tabs), "the tabs' join processes to end with the host")
    finally:
        for http, socket in opened:
            loop.run_until_complete(socket.close())
            loop.run_until_complete(http.close())
        loop.close()
        host.stop()


QUIET = """
import sys, time
from wargame.procs import end_with_starter
end_with_starter()
open(sys.argv[1], "w").write("ready")
time.sleep(600)  # writes nothing: no broken pipe will tell it its starter is gone
"""

STARTER = """
import os, subprocess, sys
env = {**os.environ, sys.argv[3]: str(os.getpid())}
child = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], env=env)
print(child.pid, flush=True)
child.wait()
"""


def test_a_quiet_tab_process_ends_when_its_starter_is_killed(tmp_path: Path) -> None:
    """A tab's app that writes nothing never hits a broken pipe: only the parent-death
    signal ends it when the host is killed with `kill -9`."""
    ready = tmp_path / "ready"
    starter = subprocess.Popen([sys.executable, "-c", STARTER, QUIET, str(ready), END_WITH_ENV], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    quiet = 0
    try:
        assert starter.stdout is not None
        quiet = int(starter.stdout.readline())
        wait_until(ready.exists, "the quiet process to start")
        starter.kill()
        starter.wait()
        wait_until(lambda: not alive(quiet), "the quiet process to end with its starter")
    finally:
        if starter.poll() is None:
            starter.kill()
            starter.wait()
        if quiet and alive(quiet):  # the test failed: leave nothing running
            os.kill(quiet, 9)
