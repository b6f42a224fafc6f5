"""A real browser (headless Chromium from the system packages, driven by Playwright) opens
the hosted app, joins a seat with its code, seals orders and sees the turn resolve."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostproc import HostProcess

from tests.conftest import NO_CHROMIUM, find_chromium

CHROMIUM = find_chromium()
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


def test_a_team_plays_a_turn_in_the_browser(tmp_path: Path, browser: Any) -> None:
    host = HostProcess(["tutorial", "--seats", "blue=random", "--no-facilitator", "--port", "0", "--store", str(tmp_path / "s.sqlite3"), "--exercise", "web", "--seed", "2"], tmp_path)
    try:
        code = host.codes["Red"]
        page = browser.new_page(viewport={"width": 1280, "height": 800})

        def red_connected() -> bool:
            return any(s["actor"] == "red" and s["connected"] for s in view(host.url, code)["room"]["seats"])

        for _attempt in range(3):
            page.goto(host.url + "/")
            # The app started for this tab asks for the code: nothing of the game is in the page.
            page.wait_for_selector("body.-first-byte", timeout=60000)  # the app has drawn
            time.sleep(3)  # and mounted its code prompt
            page.screenshot(path=str(tmp_path / "1-code.png"))
            page.mouse.click(640, 368)
            page.keyboard.type(code, delay=20)
            page.keyboard.press("Enter")
            try:
                wait_until("the seat to open", red_connected, timeout=20)
                break
            except AssertionError:
                continue  # a slow machine: the keys arrived before the app was ready
        assert red_connected()
        # Once joined, the order sheet is up: pick the first move, review, confirm.
        time.sleep(3)
        page.screenshot(path=str(tmp_path / "2-orders.png"))
        page.keyboard.press("Space")
        time.sleep(0.5)
        page.keyboard.press("c")
        time.sleep(1)
        page.keyboard.press("Enter")
        state = wait_until("the turn to resolve", lambda: (s := view(host.url, code))["observation"]["game"]["turn"] == 2 and s)
        (red,) = [s for s in state["observation"]["turns"][0]["orders"] if s["actor"] == "red"]
        assert [o["move"] for o in red["orders"]] == ["patrol"]
        time.sleep(2)
        page.screenshot(path=str(tmp_path / "3-results.png"))
        assert not page.evaluate("document.body.classList.contains('-closed')")
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
