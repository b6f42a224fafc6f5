"""The facilitator adds or takes away time from a running countdown, in a Pilot session.

A fake clock drives the countdown, so nothing here reads the wall clock or waits.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from tui_helpers import FakeClock, make_app, new_game, open_facilitator, screen_name, screen_text

from wargame.play.clock import Clock
from wargame.saves.store import read_save


async def start_countdown(pilot: Pilot[None], minutes: str) -> None:
    """On the facilitator's screen: type the minutes, Enter, then leave the field (so the
    keys reach the screen rather than the field)."""
    field = pilot.app.screen.query_one("#minutes", Input)
    field.value = minutes
    field.focus()
    await pilot.press("enter")
    await pilot.pause()
    pilot.app.screen.query_one("#events", OptionList).focus()


async def test_the_facilitator_adds_and_takes_away_time_and_a_restart_keeps_it(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path / "saves", now=clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        await open_facilitator(pilot)
        session = app.session
        assert session is not None and session.save_path is not None
        assert "+/- 1 min" not in screen_text(app)  # the keys show only while a countdown runs
        await start_countdown(pilot, "5")
        assert "+/- 1 min" in screen_text(app)
        clock.t += 30
        await pilot.press("plus")
        await pilot.pause()
        # At once on the seats' strip of this screen, before the next tick; and saved.
        assert session.clock.left() == 330 and "5:30 left" in screen_text(app)
        saved = read_save(session.save_path).countdown
        assert saved is not None and saved.left == 330 and saved.seconds == 300
        await pilot.press("minus", "minus", "minus")
        await pilot.pause()
        assert session.clock.left() == 150 and "2:30 left" in screen_text(app)
        # Typing in a field types: a minus in an inject's effects is not a minute less.
        effects = app.screen.query_one("#inject-effects", Input)
        effects.focus()
        await pilot.press("minus")
        await pilot.pause()
        assert effects.value == "-" and session.clock.left() == 150
        # The projector shows the same time.
        app.screen.query_one("#events", OptionList).focus()
        await pilot.press("v")
        await pilot.pause()
        assert screen_name(app) == "ProjectorScreen" and "2:30 left to give orders" in screen_text(app)
        # A restart resumes with the time the facilitator left, not the turn's full length.
        kept = read_save(session.save_path).countdown
        assert kept is not None
        resumed = Clock(now=clock)
        resumed.restore(kept.model_dump())
        assert resumed.left() == 150 and resumed.countdown.seconds == 300


async def test_taking_away_all_the_time_asks_the_facilitator_what_to_do(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", now=FakeClock())
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        await open_facilitator(pilot)
        await start_countdown(pilot, "1")
        await pilot.press("minus")
        await pilot.pause()
        assert app.session is not None and app.session.clock.expired
        app.tick()
        await pilot.pause()
        # As when time runs out: the seats still choosing are named and the facilitator chooses.
        assert screen_name(app) == "ExpiryScreen" and "Red" in screen_text(app)
