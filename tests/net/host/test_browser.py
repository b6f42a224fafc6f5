"""A real browser (headless Chromium from the system packages, driven by Playwright) opens
the hosted app, types a seat's code in the page, seals orders and sees the turn resolve;
and the front door: no app runs for a tab until a code opens a role, another browser with
the same code is refused, and past the cap on tabs the page says the room is full."""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from hostproc import HostProcess

from tests.conftest import NO_CHROMIUM, find_chromium
from wargame.net.store import open_store
from wargame.saves.store import parse_save

CHROMIUM = find_chromium()
TERMINAL_HAS_KEYS = "document.activeElement !== null && document.activeElement.classList.contains('xterm-helper-textarea')"
"""The seat's terminal has the keyboard (typing reaches the app)."""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the browser test needs Playwright's Python package: pip install 'wargame[test]'")
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def view(url: str, code: str) -> dict[str, Any]:
    request = urllib.request.Request(f"{url}/api/v1/view", headers={"Authorization": f"Bearer {code}"})
    with urllib.request.urlopen(request, timeout=10) as r:
        data: dict[str, Any] = json.load(r)
        return data


def wait_until(what: str, check: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def children(pid: int) -> list[int]:
    """The processes `pid` started (its browser tabs' apps), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def host_args(tmp_path: Path, *extra: str) -> list[str]:
    return ["tutorial", "--seats", "blue=random", "--no-facilitator", "--port", "0", "--store", str(tmp_path / "s.sqlite3"), "--exercise", "web", "--seed", "2", *extra]


def test_a_team_plays_a_turn_in_the_browser(tmp_path: Path, browser: Any) -> None:
    host = HostProcess(host_args(tmp_path), tmp_path)
    try:
        code = host.codes["Red"]
        projector = host.projector_code

        def red_connected() -> bool:
            return any(s["actor"] == "red" and s["connected"] for s in view(host.url, projector)["room"]["seats"])

        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(host.url + "/")
        # A plain page asks for the code: no app runs for this tab yet.
        page.wait_for_selector("#code")
        assert children(host.proc.pid) == []
        page.screenshot(path=str(tmp_path / "1-code.png"))
        page.fill("#code", code)
        page.click("#join")
        page.wait_for_selector("body.-first-byte", timeout=60000)  # the app has drawn
        wait_until("the seat to open", red_connected, timeout=60)
        assert len(children(host.proc.pid)) == 1
        # Once joined, the seat's briefing is up: read, Enter to the order sheet; pick the
        # first move, review, confirm. The terminal takes the keys on its own (focus.js): the
        # student who typed the code needs no click first.
        page.wait_for_function(TERMINAL_HAS_KEYS, timeout=30000)
        time.sleep(3)
        page.screenshot(path=str(tmp_path / "2-briefing.png"))
        page.keyboard.press("Enter")
        time.sleep(1)
        page.screenshot(path=str(tmp_path / "2-orders.png"))
        page.keyboard.press("Space")
        time.sleep(0.5)
        page.keyboard.press("c")
        time.sleep(1)
        page.keyboard.press("Enter")
        wait_until("the turn to resolve", lambda: view(host.url, projector)["observation"]["game"]["turn"] == 2, timeout=60)
        time.sleep(2)
        page.screenshot(path=str(tmp_path / "3-results.png"))
        assert not page.evaluate("document.body.classList.contains('-closed')")
    finally:
        host.stop()
    with open_store(tmp_path / "s.sqlite3") as store:
        save = parse_save(store.load_exercise("web").save_json.encode(), "web")
    assert save.history[0].orders["red"] == ["patrol"]


def test_the_room_is_full_page_and_one_browser_per_code(tmp_path: Path, browser: Any) -> None:
    host = HostProcess(host_args(tmp_path, "--max-tabs", "1"), tmp_path)
    try:
        first = browser.new_context().new_page()
        # Tabs that only look at the front door start nothing, however many there are.
        idle = [browser.new_context().new_page() for _ in range(4)]
        for p in idle:
            p.goto(host.url + "/")
            p.wait_for_selector("#code")
        assert children(host.proc.pid) == []
        first.goto(host.url + "/")
        first.fill("#code", host.codes["Red"])
        first.click("#join")
        first.wait_for_selector("body.-first-byte", timeout=60000)
        wait_until("Red's tab to start", lambda: len(children(host.proc.pid)) == 1)
        # Another browser with Red's code is refused; the projector's code finds the room full.
        other = idle[0]
        other.fill("#code", host.codes["Red"])
        other.click("#join")
        other.wait_for_selector("#message")
        assert other.inner_text("#message").startswith("Red's seat is already open on another device (another browser)")
        full = idle[1]
        full.fill("#code", host.projector_code)
        full.click("#join")
        full.wait_for_selector("#message")
        assert full.inner_text("#message").startswith("the room is full: 1 browser tab is open")
        full.screenshot(path=str(tmp_path / "room-full.png"))
        assert len(children(host.proc.pid)) == 1
    finally:
        host.stop()


def post(url: str, code: str, message: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(f"{url}/api/v1/command", data=json.dumps(message).encode(), headers={"Authorization": f"Bearer {code}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        data: dict[str, Any] = json.load(r)
        return data


def test_the_projector_page_shows_the_room_and_follows_the_game(tmp_path: Path, browser: Any) -> None:
    host = HostProcess(["tutorial", "--port", "0", "--store", str(tmp_path / "s.sqlite3"), "--exercise", "proj", "--seed", "2", "--no-browser"], tmp_path)
    try:
        assert host.projector.startswith(host.url + "/projector?code=")
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(host.projector)

        def text(selector: str) -> str:
            return str(page.text_content(selector) or "")

        wait_until("the page to draw the game", lambda: "Week 1 of 6" in text("#turn"))
        assert text("#title") == "Tutorial: the harbour standoff" and "Tension" in text("#tracks")
        assert "RED … choosing" in text("#seats") and "The game has just begun." in text("#news")
        assert "Intel" not in page.content()  # Blue's secret track is not on the room's screen
        # Red seals: only the room changes, and the page shows it.
        assert post(host.url, host.codes["Red"], {"type": "orders", "turn": 1, "orders": ["patrol"]})["type"] == "ok"
        wait_until("Red to show as sealed", lambda: "RED ✓ sealed" in text("#seats"))
        post(host.url, host.codes["Facilitator"], {"type": "pause"})
        wait_until("the pause", lambda: "paused" in text("#clock"))
        post(host.url, host.codes["Facilitator"], {"type": "resume"})
        post(host.url, host.codes["Facilitator"], {"type": "resolve"})
        wait_until("the first results", lambda: "Latest news: week 1" in text("#news-title") and "Week 2 of 6" in text("#turn"))
        assert "patrol" in text("#news").lower()
    finally:
        host.stop()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_browser_tab_rejoins_on_its_own_after_the_host_stops_and_after_it_is_killed(tmp_path: Path, browser: Any) -> None:
    # The issue: browser teams never rejoined after a host restart or crash ("Session
    # ended. [Restart]", the code typed again). The tab keeps its code for its own life (not
    # in the address) and comes back when the host does, after a clean stop and a kill -9.
    args = host_args(tmp_path)
    args[args.index("--port") + 1] = str(free_port())
    host = HostProcess(args, tmp_path)
    projector = host.projector_code
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(host.url + "/")
        page.fill("#code", host.codes["Red"])
        page.click("#join")
        page.wait_for_selector("body.-first-byte", timeout=60000)

        def red_connected() -> bool:
            try:
                return any(s["actor"] == "red" and s["connected"] for s in view(host.url, projector)["room"]["seats"])
            except OSError:
                return False

        wait_until("the seat to open", red_connected, timeout=60)
        assert "code" not in page.url, "the code never goes in the address"
        for how in ("stop", "kill -9"):
            if how == "stop":
                host.stop()
            else:
                host.kill9()
            wait_until("the page to say it is rejoining", lambda: page.evaluate("document.getElementById('wargame-rejoin') !== null"), timeout=30)
            host.start()  # the same command: the exercise resumes from its store
            wait_until(f"the tab to rejoin after a {how}", red_connected, timeout=90)
            page.wait_for_selector("body.-first-byte", timeout=60000)
        page.screenshot(path=str(tmp_path / "rejoined.png"))
        assert "code" not in page.url
        page.wait_for_function(TERMINAL_HAS_KEYS, timeout=30000)  # a rejoined tab too, no click
        time.sleep(3)
        page.keyboard.press("Enter")  # the rejoined tab's app opens on the seat's briefing again
        time.sleep(1)
        page.keyboard.press("Space")
        time.sleep(0.5)
        page.keyboard.press("c")
        time.sleep(1)
        page.keyboard.press("Enter")
        wait_until("the turn to resolve", lambda: view(host.url, projector)["observation"]["game"]["turn"] == 2, timeout=60)
    finally:
        host.stop()


def terminal_lines(stream: IO[str]) -> queue.Queue[str | None]:
    """The lines a child process prints, read in a thread (None at its end), so that every
    wait for one has a deadline: a child that never prints fails the test, not hangs it."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def next_line(lines: queue.Queue[str | None], what: str, timeout: float = 60) -> str:
    """The child's next line; fail naming `what` if none comes in time or the child ended."""
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"timed out waiting for {what}") from None
    if line is None:
        raise AssertionError(f"the terminal ended before {what}")
    return line


def test_a_team_of_two_browsers_and_a_terminal_shares_a_seat(tmp_path: Path, browser: Any) -> None:
    """Red's team: Ana and Ben in two browsers, Cy in a terminal. Two proposals, Cy's
    objection, the sealer's seal; the save holds the split, and Blue's client and the
    projector never receive any of the team's talk."""
    import subprocess
    import sys

    from hostproc import ROOT

    host = HostProcess(["tutorial", "--no-facilitator", "--port", "0", "--store", str(tmp_path / "s.sqlite3"), "--exercise", "team",
                        "--seed", "2"], tmp_path)
    terminal = None
    try:
        red = host.codes["Red"]
        pages = {}
        for name in ("Ana", "Ben"):  # Ana joins first: she seals for the team
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            page.goto(host.url + "/")
            page.fill("#code", red)
            page.fill("#name", name)
            page.click("#join")
            page.wait_for_selector("body.-first-byte", timeout=60000)
            pages[name] = page
            time.sleep(3)
        out = tmp_path / "received.json"
        terminal = subprocess.Popen([sys.executable, str(ROOT / "tests" / "net" / "host" / "team_terminal.py"), host.url, red,
                                     host.codes["Blue"], host.projector_code, str(out)], stdout=subprocess.PIPE, text=True,
                                    env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
        assert terminal.stdout is not None
        lines = terminal_lines(terminal.stdout)
        assert next_line(lines, "the terminal to join") == "joined"
        # Ana proposes her pick (the first move); Ben proposes the second.
        # Each tab opens on the seat's briefing: Enter first, to the order sheet.
        for name, keys in (("Ana", ["Enter", "Space", "p"]), ("Ben", ["Enter", "ArrowDown", "Space", "p"])):
            page = pages[name]
            page.focus(".xterm-helper-textarea")
            for key in keys:
                page.keyboard.press(key)
                time.sleep(0.7)
        assert next_line(lines, "Cy's objection", timeout=120) == "objected"
        pages["Ana"].screenshot(path=str(tmp_path / "team-ana.png"))
        for key in ("c", "Enter"):  # Ana seals her proposal
            pages["Ana"].keyboard.press(key)
            time.sleep(1)
        split = json.loads(next_line(lines, "the split after the seal", timeout=120).removeprefix("split "))
        assert (split["member"], split["agreed"], split["objected"]) == ("Ana", ["Ana"], ["Cy"])
        assert terminal.wait(timeout=60) == 0
        received = json.loads(out.read_text())
        assert received["blue"] and received["projector"]
        for text in received["blue"] + received["projector"]:
            for secret in ("TOO-RISKY-SAYS-CY", '"Ana"', '"Ben"', '"Cy"', '"teams": [{'):
                assert secret not in text
    finally:
        if terminal is not None and terminal.poll() is None:
            terminal.kill()
        host.stop()
    with open_store(tmp_path / "s.sqlite3") as store:
        save = parse_save(store.load_exercise("team").save_json.encode(), "team")
    team = save.teams["red"]
    assert team.members == ["Ana", "Ben", "Cy"] and team.sealer == "Ana"
    assert [n.kind for n in team.notes].count("propose") == 2
    seal = next(n for n in team.notes if n.kind == "seal")
    assert (seal.agreed, seal.objected, seal.orders) == (["Ana"], ["Cy"], ["patrol"])
    assert save.history[0].orders["red"] == ["patrol"]
