"""Snapshots of the replay viewer at 80×24 (the smallest supported) and 120×40: the
facilitator's view of a turn, and the same turn as one seat saw it when deciding.

A fixed seed and a relative path keep them deterministic. After a deliberate change,
look at the report (`pytest --snapshot-update` rewrites them) before committing new SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_replay import SEED, make_save, viewer_app
from textual.pilot import Pilot
from textual.widgets import OptionList
from tui_helpers import settle

SIZES = [(80, 24), (120, 40)]


async def facilitator(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("right")
    await settle(pilot)


async def seat(pilot: Pilot[None]) -> None:
    await facilitator(pilot)
    await pilot.press("p")
    await pilot.pause()
    pilot.app.screen.query_one("#perspectives", OptionList).highlighted = 2
    await pilot.press("enter")
    await settle(pilot)


async def tracks(pilot: Pilot[None]) -> None:
    await facilitator(pilot)
    await pilot.press("2")
    await settle(pilot)


STEPS = {"facilitator": facilitator, "seat": seat, "tracks": tracks}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", list(STEPS))
def test_replay_viewer(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, view: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    Path("saves").mkdir()
    path = Path("saves/game.json")
    make_save(path, SEED)
    assert snap_compare(viewer_app(path), terminal_size=size, run_before=STEPS[view])
