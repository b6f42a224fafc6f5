"""Waiting in Pilot tests for what a live host sends to come true, with a generous
deadline (a busy machine is slow, never wrong) and no fixed sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.app import App
from textual.pilot import Pilot

from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.screens.review import ReviewScreen
from wargame.tui.screens.stakes import StakesScreen


async def until(pilot: object, check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Let the app run until `check()` holds; fail naming `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)  # type: ignore[attr-defined]


def sheet_ready(app: App[None], turn: int | None = None) -> bool:
    """The app shows an order sheet (for `turn`, if given), mounted and taking keys."""
    screen = app.screen
    return isinstance(screen, OrdersScreen) and screen.is_mounted and screen.focused is not None and turn in {None, screen.turn}


async def seal(pilot: Pilot[None]) -> None:
    """Review the picks on the order sheet (`c`) and confirm them (Enter), as a team would."""
    app = pilot.app
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.is_mounted, "the review")
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, ReviewScreen), "the review to close")


def shown(app: App[None], screen_type: type) -> bool:
    """The app shows a screen of this type, mounted (so it takes keys)."""
    return isinstance(app.screen, screen_type) and app.screen.is_mounted


async def to_sheet(pilot: Pilot[None], what: str = "the order sheet") -> None:
    """Until the first order sheet: a joined game opens on the seat's briefing (the stakes),
    as a local game does; read, Enter."""
    app = pilot.app
    await until(pilot, lambda: shown(app, StakesScreen) or sheet_ready(app), f"the briefing or {what}")
    if shown(app, StakesScreen):
        await pilot.press("enter")
    await until(pilot, lambda: sheet_ready(app), what)
