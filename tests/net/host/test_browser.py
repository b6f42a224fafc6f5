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
            return any(s["id"] == "red" and s["connected"] for s in view(host.url, code)["seats"])

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
        state = wait_until("the turn to resolve", lambda: (s := view(host.url, code))["view"]["turn"] == 2 and s)
        assert state["view"]["turns_resolved"][0]["orders"] == ["patrol"]
        time.sleep(2)
        page.screenshot(path=str(tmp_path / "3-results.png"))
        assert not page.evaluate("document.body.classList.contains('-closed')")
    finally:
        host.stop()
