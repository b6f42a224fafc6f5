"""The replay viewer's branches: t shows the save's family as a tree, Enter opens a game of
it, c compares the game picked with the one open (side by side from the split, in the
viewer's perspective), and a branch's title says where it split."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.widgets import Tree
from tui_helpers import screen_text, settle

from wargame.deck.loader import load_deck
from wargame.observe.visibility import Viewer
from wargame.tui.screens.replay import ReplayScreen
from wargame.tui.screens.replay.branches import BranchesScreen, CompareScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "play"))
from branch_helpers import family_folder
from test_replay import TUTORIAL, viewer_app


async def test_the_tree_opens_a_branch_and_compares_it(tmp_path: Path) -> None:
    paths = family_folder(tmp_path, load_deck(TUTORIAL))
    app = viewer_app(paths["a"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        viewer = pilot.app.screen
        assert isinstance(viewer, ReplayScreen)
        assert "a branch of root.json after week 2" in screen_text(app)
        await pilot.press("t")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, BranchesScreen)
        text = screen_text(app)
        for name in ("root.json", "● this game: a.json", "b.json", "aa.json"):
            assert name in text
        assert "other.json" not in text
        tree = dialog.query_one(Tree)
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.path == paths["a"]  # the cursor starts on this game
        tree.move_cursor_to_line(0)  # the parent
        await pilot.press("c")
        await settle(pilot)
        compared = pilot.app.screen
        assert isinstance(compared, CompareScreen)
        assert compared.comparison.split == 2 and compared.comparison.viewer.is_facilitator
        text = screen_text(app)
        assert "They share weeks 1–2; play split from week 3." in text and "A (a.json)" in text and "B (root.json)" in text
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is viewer
        await pilot.press("t")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, BranchesScreen)
        line = next(n.line for n in [dialog.query_one(Tree).root, *dialog.query_one(Tree).root.children]
                    if n.data is not None and n.data.path == paths["b"])
        dialog.query_one(Tree).move_cursor_to_line(line)
        await pilot.press("enter")
        await settle(pilot)
        opened = pilot.app.screen
        assert isinstance(opened, ReplayScreen) and opened is not viewer and opened.path == paths["b"]
        assert "a branch of root.json after week 1" in screen_text(app)


async def test_a_seats_comparison_in_the_viewer_is_that_seats(tmp_path: Path) -> None:
    paths = family_folder(tmp_path, load_deck(TUTORIAL))
    app = viewer_app(paths["aa"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        viewer = pilot.app.screen
        assert isinstance(viewer, ReplayScreen)
        viewer.set_viewer(Viewer.seat("red"))
        await pilot.press("t")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, BranchesScreen)
        dialog.query_one(Tree).move_cursor_to_line(0)
        await pilot.press("c")
        await settle(pilot)
        compared = pilot.app.screen
        assert isinstance(compared, CompareScreen)
        assert compared.comparison.viewer.actor == "red"
        text = screen_text(app)
        assert "Seeing: Red" in text and "Blue: Intelligence" not in text
