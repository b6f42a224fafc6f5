"""Snapshots of the main screens at 80×24 (the smallest supported) and 120×40.

Fixed seeds and a relative save folder keep them deterministic: no clock, no random seed
and no temporary path is on screen. After a deliberate change, look at the report
(`pytest --snapshot-update` rewrites them) before committing new SVGs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList
from tui_helpers import make_app, new_game, past_briefing, settle

from wargame.saves import catalogue

SIZES = [(80, 24), (120, 40)]

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def nothing(pilot: Pilot[None]) -> None:
    await pilot.pause()


async def new_game_screen(pilot: Pilot[None]) -> None:
    await pilot.press("n")
    await pilot.pause()


async def solo(pilot: Pilot[None]) -> None:
    await new_game(pilot, {"red": "human", "blue": "random"})
    pilot.app.screen.query_one("#moves", OptionList).highlighted = 1  # the missile test's details
    await pilot.press("space")
    await pilot.pause()


async def review(pilot: Pilot[None]) -> None:
    await solo(pilot)
    await pilot.press("c")
    await pilot.pause()


async def resolution(pilot: Pilot[None]) -> None:
    await review(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def seal_first_move(pilot: Pilot[None]) -> None:
    """Pick the first move and seal it. The move list is focused first: with an offer
    waiting (the tutorial's fishing deal) the orders screen opens on the offers."""
    pilot.app.screen.query_one("#moves", OptionList).focus()
    await pilot.press("space", "c", "enter")


async def causes(pilot: Pilot[None]) -> None:
    """Week 3 of seed 42: Red's patrol raises tension, the storm (an event) cancels it; the
    results name both, and Blue's talks offer, in the order they resolved."""
    await new_game(pilot, {"red": "human", "blue": "random"})
    for week in (1, 2, 3):
        await seal_first_move(pilot)  # Red patrols
        await settle(pilot)
        if week < 3:
            await pilot.press("enter")
            await settle(pilot)


async def dashboard(pilot: Pilot[None]) -> None:
    await resolution(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await seal_first_move(pilot)
    await settle(pilot)
    await pilot.press("d")
    await pilot.pause()


async def projector(pilot: Pilot[None]) -> None:
    await resolution(pilot)
    await pilot.press("v")
    await pilot.pause()


async def curtain(pilot: Pilot[None]) -> None:
    await new_game(pilot, {"red": "human", "blue": "human"})


async def facilitator(pilot: Pilot[None]) -> None:
    await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
    await pilot.press("enter")
    await pilot.pause()
    await past_briefing(pilot)
    pilot.app.screen.query_one("#moves", OptionList).highlighted = 1
    await pilot.press("space", "c", "enter")
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("enter")  # force the missile test to succeed
    await pilot.pause()


async def end(pilot: Pilot[None]) -> None:
    await new_game(pilot, {"red": "human", "blue": "random"})
    for _ in range(6):
        if type(pilot.app.screen).__name__ == "EndScreen":
            break
        await seal_first_move(pilot)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)


SCREENS: dict[str, Steps] = {
    "start": nothing,
    "new_game": new_game_screen,
    "orders": solo,
    "review": review,
    "resolution": resolution,
    "causes": causes,
    "dashboard": dashboard,
    "projector": projector,
    "curtain": curtain,
    "facilitator": facilitator,
    "end": end,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, screen: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # saves/ is relative, so the end screen shows the same path every run
    # Autosave names carry the time: a fixed clock keeps the end screen's path the same.
    monkeypatch.setattr(catalogue, "wall_clock", lambda: dt.datetime(2022, 1, 3, 9, 0, 0))
    app = make_app(Path("saves"), seed=42)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
