"""At 80x24 everything a person needs on a screen is in view or plainly reachable, and
the words on the screens read as English (korea-2022: long labels and long actor names)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList
from tui_helpers import (
    DECKS,
    PIN,
    make_app,
    new_game,
    open_facilitator,
    screen_lines,
    screen_name,
    screen_text,
    settle,
)

KOREA = DECKS / "korea-2022.toml"


async def test_new_game_at_80x24_shows_every_field_and_start(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", deck=KOREA)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        text = screen_text(app)
        for needed in ("Seed", "Turns", "Facilitator", "PIN", "Start game", "China"):
            assert needed in text, needed
        await pilot.press("ctrl+f")  # the facilitator needs a PIN: the cursor goes there
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#facilitator-pin", Input)


async def test_orders_at_80x24_show_whole_words_one_track_a_line_and_quit(tmp_path: Path) -> None:
    # A label too long for the panel reads as the track's name in the deck, never cut
    # ("Talks mo…") nor wrapped onto a line of its own (which pushed the last tracks away).
    app = make_app(tmp_path / "saves", deck=KOREA)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot, {})
        assert screen_name(app) == "OrdersScreen"
        lines = screen_lines(app)
        brief = [line[:31] for line in lines[1:-3]]
        assert "…" not in "\n".join(brief)  # no "Talks mo…"
        for label, value in (("Tension", "/10"), ("Talks momentum", "/10"), ("Sanctions", "/10"), ("UNSC", "/10"),
                             ("Capability", "/10"), ("Standing", "/10"), ("Support", "/10"), ("Agenda", "/10")):
            assert any(line.strip().startswith(label + " ") and value in line for line in brief), (label, brief)
        assert "Quit" in lines[-1]


async def test_facilitator_at_80x24_keeps_resolve_and_the_countdown_in_view(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", deck=KOREA)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot, {"dprk": "random"}, facilitator=True)
        await settle(pilot)
        await open_facilitator(pilot, PIN)
        assert screen_name(app) == "FacilitatorScreen"
        text = screen_text(app)
        assert "Resolve month 1 (r)" in text and "Start countdown" in text and "Pause (p)" in text
        # A computer's reason follows its order once, without repeating the move's name.
        for line in screen_lines(app):
            if "•" in line and " — " in line:
                name, why = line.split("•", 1)[1].split(" — ", 1)
                assert not why.startswith(name.strip()), line
        events = app.screen.query_one("#events", OptionList)
        events.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"



async def test_a_screen_left_by_esc_says_so_in_its_footer(tmp_path: Path) -> None:
    # The messages (m) are left only by Esc: the footer names it, and Esc does it. (The
    # app's own Esc, closing the keys help, is off while no help is open, so it no longer
    # hides the screen's.)
    app = make_app(tmp_path / "saves", deck=KOREA)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot, {})
        await pilot.press("m")
        await pilot.pause()
        assert screen_name(app) == "TalkScreen"
        assert "esc Back" in screen_lines(app)[-1]
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(app) == "OrdersScreen"


async def test_the_facilitators_resolve_button_reads_whole_at_80x24_while_seats_choose(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", deck=KOREA)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot, {"dprk": "human", "us": "human"}, facilitator=True)
        await settle(pilot)
        await open_facilitator(pilot, PIN)
        assert screen_name(app) == "FacilitatorScreen"
        bar = next(line for line in screen_lines(app) if "Start countdown" in line)
        assert "Waiting for orders…" in bar, bar  # whole, not "Waiting for sealed orde"
