"""The new-game screen as a newcomer meets it: what each computer opponent plays like, the
facilitator's tick said in words, the seed shown to a solo player only, and the last
setup remembered for the next game."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, Select, Static
from tui_helpers import make_app, screen_name, settle

from wargame.tui.screens.new_game import LastSetup


async def test_the_form_says_what_opponents_do_and_shows_a_solo_player_the_seed(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert screen_name(app) == "NewGameScreen"
        # Solo by default: Blue plays its deck's doctrine, said in the deck's own words.
        styles = str(screen.query_one("#seat-styles", Static).render())
        assert "Blue: Prefers talks; answers tests with sanctions; may propose a fishing deal from week 2." in styles
        assert not screen.query_one("#seed", Input).password  # one person: nothing to hide
        box = screen.query_one("#facilitator", Checkbox)
        assert "no: the seats play on their own" in str(box.label)
        screen.query_one("#seat-blue", Select).value = "random"
        await pilot.pause()
        assert "Blue: picks among its allowed moves at random" in str(screen.query_one("#seat-styles", Static).render())
        # Another person at the keyboard, or a facilitator: the seed is masked again.
        screen.query_one("#seat-blue", Select).value = "human"
        await pilot.pause()
        assert screen.query_one("#seed", Input).password and str(screen.query_one("#seat-styles", Static).render()) == ""
        screen.query_one("#seat-blue", Select).value = "random"
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert box.value and "yes: runs the game, with a PIN" in str(box.label)
        assert screen.query_one("#seed", Input).password


async def test_the_next_new_game_opens_on_the_last_setup(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    app = make_app(saves)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#seat-red", Select).value = "random"
        app.screen.query_one("#seat-blue", Select).value = "human"
        app.screen.query_one("#turns", Input).value = "4"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.session is not None and app.session.seat_specs == {"red": "random", "blue": "human"}
    last = LastSetup.read(saves)
    assert last is not None and last.seats == {"red": "random", "blue": "human"} and last.turns == 4 and not last.facilitator
    assert "pin" not in (saves / LastSetup.FILE).read_text().lower()  # never the PIN
    again = make_app(saves)
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        screen = again.screen
        assert [screen.query_one(f"#seat-{a}", Select).value for a in ("red", "blue")] == ["random", "human"]
        assert screen.query_one("#turns", Input).value == "4"
    (saves / LastSetup.FILE).write_text("{not json")
    assert LastSetup.read(saves) is None  # a spoilt file is ignored: the deck's defaults


async def test_seat_names_are_not_cut_at_80_columns(tmp_path: Path) -> None:
    # grid-ransom-2024's "Tri-County Electric" was cut to "Tri-County E…" (issue 19): the
    # column widens to the longest name; a name too long even then shows the actor's short.
    from tui_helpers import DECKS, screen_lines

    from wargame.deck.loader import load_deck

    deck = load_deck(DECKS / "grid-ransom-2024.toml")
    app = make_app(tmp_path / "saves", deck=DECKS / "grid-ransom-2024.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "…" not in text
        for actor in deck.actors:
            assert deck.actor_name(actor) in text, actor
