"""The facilitator's lock in hot-seat play (issue 20): each item a student at the shared
keyboard could get round, driven through the screens as they would.

A fake clock drives the countdown and the PIN's growing delay: nothing here reads the wall
clock or waits.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from tui_helpers import (
    PIN,
    FakeClock,
    make_app,
    new_game,
    open_facilitator,
    past_briefing,
    screen_name,
    screen_text,
    settle,
)

from wargame.observe.visibility import FACILITATOR
from wargame.saves.store import read_save
from wargame.tui.app import WargameApp

HOT_SEAT = {"red": "human", "blue": "human"}


async def type_pin(pilot: Pilot[None], pin: str) -> None:
    assert screen_name(pilot.app) == "PinScreen", screen_text(pilot.app)  # type: ignore[arg-type]
    pilot.app.screen.query_one("#pin", Input).value = pin
    await pilot.press("enter")
    await pilot.pause()


async def countdown_on_reds_screen(pilot: Pilot[None], clock: FakeClock) -> WargameApp:
    """A hot-seat class: the facilitator starts a one-minute countdown from Red's curtain,
    Red takes the keyboard, and the minute runs out on Red's orders screen."""
    app = pilot.app
    assert isinstance(app, WargameApp)
    await new_game(pilot, HOT_SEAT, facilitator=True)
    await open_facilitator(pilot)
    field = app.screen.query_one("#minutes", Input)
    field.value = "1"
    field.focus()
    await pilot.press("enter")
    await pilot.pause()
    app.screen.query_one("#events", OptionList).focus()
    await pilot.press("escape")  # back to the curtain
    await pilot.pause()
    await pilot.press("enter")  # Red is ready
    await settle(pilot)
    await past_briefing(pilot)
    assert screen_name(app) == "OrdersScreen"
    clock.t += 61
    app.tick()
    await pilot.pause()
    assert screen_name(app) == "ExpiryScreen", screen_text(app)
    return app


async def test_extend_on_a_students_screen_needs_the_pin_and_really_extends(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path / "saves", now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await countdown_on_reds_screen(pilot, clock)
        session = app.session
        assert session is not None
        await pilot.press("e")
        await pilot.pause()
        # A student pressing e gets nothing without the PIN...
        assert screen_name(app) == "PinScreen"
        await type_pin(pilot, PIN)
        await settle(pilot)
        # ...and with it, two more minutes on the clock, shown on the seat's screen.
        assert session.clock.left() == 120 and not session.clock.expired
        assert "2:00" in screen_text(app)


async def test_the_facilitator_resolving_at_a_students_screen_shows_no_secrets_there(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path / "saves", now=clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await countdown_on_reds_screen(pilot, clock)
        await pilot.press("s")
        await pilot.pause()
        await type_pin(pilot, PIN)
        await settle(pilot)
        session = app.session
        assert session is not None and len(session.game.records) == 1
        # Red's screen was at the keyboard: the room sees the public results, never the
        # facilitator's (those open from its console, behind the PIN).
        assert screen_name(app) == "ResolutionScreen", screen_text(app)
        assert "public view" in screen_text(app) and "facilitator: everything" not in screen_text(app)


async def test_a_student_cannot_pause_or_lift_the_facilitators_pause(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", now=FakeClock())
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot, HOT_SEAT, facilitator=True)
        await pilot.press("enter")  # Red takes the keyboard
        await settle(pilot)
        await past_briefing(pilot)
        session = app.session
        assert session is not None and screen_name(app) == "OrdersScreen"
        # From the palette on Red's screen: pausing needs the PIN.
        await app.run_action("pause")
        await pilot.pause()
        assert screen_name(app) == "PinScreen" and not session.clock.paused
        await pilot.press("escape")
        await pilot.pause()
        assert not session.clock.paused
        await app.run_action("pause")
        await pilot.pause()
        await type_pin(pilot, PIN)
        await settle(pilot)
        assert session.clock.paused and "Paused by the facilitator" in screen_text(app)
        # Neither p, Esc nor Enter lifts it without the PIN.
        for key in ("p", "escape", "enter"):
            await pilot.press(key)
            await pilot.pause()
            if screen_name(app) == "PinScreen":
                await pilot.press("escape")
                await pilot.pause()
            assert session.clock.paused, key
        await pilot.press("p")
        await pilot.pause()
        await type_pin(pilot, PIN)
        await settle(pilot)
        assert not session.clock.paused and screen_name(app) == "OrdersScreen"


async def test_wrong_pins_wait_longer_each_time_and_the_warning_counts_what_the_save_records(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path / "saves", now=clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot, HOT_SEAT, facilitator=True)
        session = app.session
        assert session is not None and session.save_path is not None
        tries = 0
        for _ in range(4):
            await app.run_action("facilitator")
            await pilot.pause()
            await type_pin(pilot, "0000")
            tries += 1
            # At once again: refused without even a check, with how long to wait.
            await app.run_action("facilitator")
            await pilot.pause()
            await type_pin(pilot, PIN)
            assert screen_name(app) == "CurtainScreen"
            assert "wait" in " ".join(n.message for n in app._notifications).lower()
            clock.t += 60  # long enough for the longest wait so far
        assert len(session.lock.failures) == tries
        # The right PIN, after the wait: the warning names every wrong try the save records.
        await open_facilitator(pilot)
        assert screen_name(app) == "FacilitatorScreen"
        recorded = len(read_save(session.save_path).pin_failures)
        assert recorded == tries
        assert any(f"wrong facilitator PIN {recorded} times" in n.message for n in app._notifications)
        # Told once: opening the controls again does not warn again.
        assert session.lock.unseen_failures() == []


async def test_a_wrong_pin_right_after_another_is_not_even_checked() -> None:
    from wargame.play.lock import FacilitatorLock, hash_pin

    clock = FakeClock()
    lock = FacilitatorLock(hash_pin(PIN), now=clock)
    assert lock.check("1111", 1) is False and lock.wait() > 0
    first = lock.wait()
    # Even the right PIN waits out the delay: guessing fast gets nowhere.
    assert lock.check(PIN, 1) is False and len(lock.failures) == 1
    clock.t += first
    assert lock.wait() == 0
    assert lock.check("2222", 1) is False
    assert lock.wait() > first  # each wrong guess waits longer
    clock.t += lock.wait()
    assert lock.check(PIN, 1) is True


async def test_the_seats_own_curtain_never_opens_the_controls(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", now=FakeClock())
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot, HOT_SEAT, facilitator=True)
        await pilot.press("f")
        await pilot.pause()
        assert screen_name(app) == "CurtainScreen"
        assert app.session is not None and app.session.viewer.name == FACILITATOR
