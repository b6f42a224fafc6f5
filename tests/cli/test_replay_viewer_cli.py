"""`wargame replay SAVE` opens the viewer in a terminal; `--text` (or output that is not a
terminal) keeps the printout; a bad save is one line and exit 2 before any UI starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from wargame.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def save(tmp_path: Path) -> Path:
    path = tmp_path / "game.json"
    code, _out, _err = run("autoplay", "tutorial", "--seed", "3", "--save", str(path), "--quiet")
    assert code == 0
    return path


def test_text_prints_the_game(save: Path) -> None:
    code, out, _err = run("replay", str(save), "--text")
    assert code == 0
    assert out.startswith("-- week 1") and "ending: " in out


def test_without_a_terminal_replay_prints_instead_of_opening_the_viewer(save: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr("wargame.tui.app.run_replay", lambda path, save_dir, present=False: opened.append(path))
    code, out, _err = run("replay", str(save))
    assert code == 0 and "-- week 1" in out and not opened


def test_in_a_terminal_replay_opens_the_viewer(save: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[Path, bool]] = []
    monkeypatch.setattr("wargame.tui.app.run_replay", lambda path, save_dir, present=False: opened.append((path, present)))
    monkeypatch.setattr("wargame.cli.play.interactive", lambda: True)
    code, out, _err = run("replay", str(save))
    assert code == 0 and opened == [(save, False)] and out == ""
    code, out, _err = run("replay", str(save), "--present")  # presentation mode for a room
    assert code == 0 and opened[-1] == (save, True) and out == ""


def test_a_bad_save_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    code, _out, err = run("replay", str(bad))
    assert code == 2 and "not a wargame save" in err and "Traceback" not in err
