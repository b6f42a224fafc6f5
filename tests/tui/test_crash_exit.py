"""A crash in the terminal UI exits non-zero after saving what it can (issue 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from wargame.deck.loader import load_deck
from wargame.play.control import Session
from wargame.saves.store import read_save
from wargame.tui.app import WargameApp, run_app, save_after_crash

TUTORIAL = Path(__file__).resolve().parents[2] / "decks" / "tutorial.toml"


def test_run_app_exits_non_zero_after_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def crash(self: WargameApp) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(WargameApp, "on_mount", crash)
    monkeypatch.setattr(WargameApp, "run", lambda self: App.run(self, headless=True))
    with pytest.raises(SystemExit) as stopped:
        run_app(str(TUTORIAL), tmp_path / "saves")
    assert stopped.value.code == 1
    assert "wargame: stopped on an error (exit status 1)" in capsys.readouterr().err


def test_run_app_exits_quietly_when_all_is_well(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def leave(self: WargameApp) -> None:
        self.exit()

    monkeypatch.setattr(WargameApp, "on_mount", leave)
    monkeypatch.setattr(WargameApp, "run", lambda self: App.run(self, headless=True))
    assert run_app(str(TUTORIAL), tmp_path / "saves") is None


def test_after_a_crash_the_game_is_saved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = WargameApp(TUTORIAL, tmp_path)
    session = Session.new(load_deck(TUTORIAL), {"red": "human", "blue": "random"}, seed=4, save_dir=tmp_path)
    session.game.submit("red", ["patrol"])  # confirmed, but not yet autosaved when the bug struck
    app.session = session
    assert save_after_crash(app.session, 3) == 3
    assert session.save_path is not None
    assert read_save(session.save_path).pending == {"red": ["patrol"]}
    assert f"the game so far is saved in {session.save_path}" in capsys.readouterr().err
