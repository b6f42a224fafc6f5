"""The replay viewer marks the teams' choices like a chess board: `k` computes them in the
background (kept beside the save), the timeline shows ?? ? ?! ! under the turns, the Odds
panel lists them and the Turn panel says what each cost; only where the odds may be shown."""

from __future__ import annotations

from pathlib import Path

from test_replay import opened, viewer_app
from tui_helpers import ROOT, screen_text, settle

from wargame.analysis.marks import latest_marks
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.saves.store import new_save, read_save, write_save

CHOICES = ROOT / "tests" / "decks_debrief" / "choices.toml"


def planted(path: Path) -> Path:
    """Red (a team) waits in week 1 and strikes in week 2: two blunders."""
    deck = load_deck(CHOICES)
    game = Game(deck, 5)
    for move in ("wait", "strike"):
        game.submit("red", [move], ["we wanted to look strong"])
        game.submit("blue", ["watch"])
        game.resolve()
    return write_save(new_save(game, {"red": "human", "blue": "doctrine:watch"}), path)


async def test_k_marks_the_choices_and_the_timeline_shows_them(tmp_path: Path) -> None:
    path = planted(tmp_path / "game.json")
    app = viewer_app(path)
    async with app.run_test(size=(110, 36)) as pilot:
        screen = await opened(pilot)
        assert "??" not in screen_text(app)
        await pilot.press("k")
        for _ in range(200):
            await pilot.pause(0.05)
            if screen.choices is not None:
                break
        await settle(pilot)
        assert screen.choices is not None and screen.tab == "odds"
        assert screen.symbols == {1: "??", 2: "??"}
        text = screen_text(app)
        assert "Marked choices" in text and "Red, week 2: Strike" in text
        assert "a blunder: 4.0 of 6 points below the best choice found" in text
        await pilot.press("1")
        await settle(pilot)
        assert "??" in screen_text(app) and "a blunder: 2.0 of 6 points below" in screen_text(app)
    # Kept beside the save: the next viewing has them at once.
    assert latest_marks(read_save(path), path) is not None
