"""Presenting the debrief to a room from the replay viewer: `wargame replay --present` (or s
in the viewer) shows one turn per screen (what happened, what each side chose with its
marks, the question placed there), the arrow keys step and Esc goes back to that turn."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_replay import opened
from test_replay_marks import planted, viewer_app
from tui_helpers import ROOT, screen_text, settle

from wargame.tui.app import WargameApp
from wargame.tui.screens.replay.present import PresentScreen
from wargame.tui.screens.replay.screen import ReplayScreen

KOREA = ROOT / "tests" / "analysis" / "moments" / "korea-2022-seed11.json"


async def test_present_opens_on_the_first_turn_and_steps_at_80_columns(tmp_path: Path) -> None:
    path = Path(shutil.copy(KOREA, tmp_path / "korea.json"))
    app = WargameApp(None, tmp_path, replay=path, present=True)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await settle(pilot)
            if isinstance(app.screen, PresentScreen):
                break
        assert isinstance(app.screen, PresentScreen)
        text = screen_text(app)
        assert "Month 1 of 12" in text and "What each side chose" in text and "North Korea:" in text
        assert "Discuss: In the first month" in text  # the deck places this question here
        assert "Month 2 of 12" not in text and "Orders" not in text  # one turn, nothing else
        assert all(len(line) <= 80 for line in text.splitlines())
        await pilot.press("right", "right")
        await settle(pilot)
        assert "Month 3 of 12" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReplayScreen) and app.screen.turn == 3


async def test_s_presents_the_marked_choices_where_odds_may_be_shown(tmp_path: Path) -> None:
    path = planted(tmp_path / "game.json")
    app = viewer_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("k")
        for _ in range(200):
            await pilot.pause(0.05)
            if screen.choices is not None:
                break
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PresentScreen)
        text = screen_text(app)
        assert "Red: Wait  ?? blunder" in text
        await pilot.press("right")
        await settle(pilot)
        assert "Red: Strike  ?? blunder" in screen_text(app)
