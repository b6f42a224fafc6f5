"""Every command that writes a file where a person said refuses it for the same reasons in
the same words (`wargame.files.check_output`): a file there already (kept, unless --force),
a folder that is not there (said, never made) or cannot be written into. One line, exit 2.
(`store export`, which needs a store, is checked in tests/net/test_cli_store.py.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli_run import run
from wargame import files
from wargame.files import write_atomic, write_output

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = str(ROOT / "decks" / "tutorial.toml")


@pytest.fixture(scope="module")
def saves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("outputs")
    game, child = folder / "game.json", folder / "child.json"
    assert run("autoplay", TUTORIAL, "--seed", "3", "--save", str(game), "--quiet").exit_code == 0
    assert run("branch", str(game), "--turn", "3", "--save", str(child)).exit_code == 0
    return game, child


COMMANDS: dict[str, list[str]] = {
    "report": ["report", "{game}", "-o", "{out}.md", "--seat", "public"],
    "compare": ["compare", "{game}", "{child}", "-o", "{out}.md"],
    "simulate": ["simulate", "tutorial", "--games", "2", "--csv", "{out}.csv", "--no-progress"],
    "sweep": ["sweep", "tutorial", "--games", "1", "--doctrines", "red=bully", "--doctrines", "blue=broker", "--csv", "{out}.csv", "--no-progress"],
    "branch": ["branch", "{game}", "--turn", "2", "--save", "{out}.json"],
    "autoplay": ["autoplay", TUTORIAL, "--seed", "4", "--save", "{out}.json", "--quiet"],
    "autoplay --from": ["autoplay", "--from", "{child}", "--save", "{out}.json", "--quiet"],
    "deck new": ["deck", "new", "{out}.toml"],
}


def command(name: str, saves: tuple[Path, Path], out: Path) -> tuple[list[str], Path]:
    game, child = saves
    args = [a.format(game=game, child=child, out=out) for a in COMMANDS[name]]
    return args, Path(next(a for a in args if a.startswith(str(out))))


def refused(result: Result, line: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"error: {line}"]


@pytest.mark.parametrize("name", COMMANDS)
def test_an_existing_file_is_kept_unless_force(name: str, saves: tuple[Path, Path], tmp_path: Path) -> None:
    args, target = command(name, saves, tmp_path / "out")
    target.write_text("mine", encoding="utf-8")
    refused(run(*args), f"{target}: already exists (--force overwrites it)")
    assert target.read_text(encoding="utf-8") == "mine"
    forced = run(*args, "--force")
    assert forced.exit_code in (0, 1), forced.output  # compare and report exit 1 on a warning
    assert target.read_text(encoding="utf-8") != "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary file left


@pytest.mark.parametrize("name", COMMANDS)
def test_a_missing_folder_is_said_not_made(name: str, saves: tuple[Path, Path], tmp_path: Path) -> None:
    args, target = command(name, saves, tmp_path / "nowhere" / "out")
    refused(run(*args), f"{target}: no such folder '{tmp_path / 'nowhere'}'")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("name", COMMANDS)
def test_a_read_only_folder_is_said(name: str, saves: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Faked: the tests may run as root, for whom every folder is writable.
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(files.os, "access", lambda p, mode: Path(p) != locked and real(p, mode))
    args, target = command(name, saves, locked / "out")
    refused(run(*args), f"{target}: cannot write into the folder '{locked}' (read-only)")
    assert list(locked.iterdir()) == []


def test_without_force_a_file_that_appears_meanwhile_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.md"
    checked = files.check_output

    def late(path: str | Path, *, force: bool = False) -> Path:
        out = checked(path, force=force)
        target.write_text("someone else's", encoding="utf-8")  # between the check and the write
        return out

    monkeypatch.setattr(files, "check_output", late)
    with pytest.raises(files.WargameError, match="already exists"):
        write_output(target, "ours")
    assert target.read_text(encoding="utf-8") == "someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]
    write_atomic(target, b"ours")  # replace=True: the rename goes over it
    assert target.read_bytes() == b"ours"
