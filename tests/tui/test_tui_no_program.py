"""Continue and Load in the terminal UI never start a program a save names: the actor's
default computer stands in, and a notice says so."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input
from tui_helpers import TUTORIAL, make_app, screen_name, settle

from wargame.deck.loader import load_deck
from wargame.play.control import Session


def hostile(tmp_path: Path, saves: Path) -> tuple[Path, Path]:
    canary = tmp_path / "canary"
    session = Session.new(load_deck(TUTORIAL), {"red": "random", "blue": "human"}, seed=5, save_dir=saves)
    assert session.save_path is not None
    data = json.loads(session.save_path.read_text())
    data["seats"]["red"] = f"agent:sh -c 'echo ran > {canary}'"
    session.save_path.write_text(json.dumps(data))
    return session.save_path, canary


async def test_continue_runs_no_program_from_the_save(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    path, canary = hostile(tmp_path, saves)
    app = make_app(saves)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")  # Continue
        await settle(pilot)
        s = app.session
        assert s is not None and str(s.seats["red"]) == "doctrine:bully"
        assert any((n.title or "") == "Stand-in" and "not run from a saved game" in n.message for n in app._notifications)
        assert screen_name(app) == "OrdersScreen" and s.has_orders("red")  # the stand-in played
    assert not canary.exists()
    assert json.loads(path.read_text())["seats"]["red"] == "doctrine:bully"  # the autosave says who plays now


async def test_load_runs_no_program_from_the_save(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    path, canary = hostile(tmp_path, saves)
    app = make_app(tmp_path / "elsewhere")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        box = app.screen.query_one("#save-path", Input)
        box.value = str(path)
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.session is not None and not any(spec.is_program for spec in app.session.seats.values())
    assert not canary.exists()
