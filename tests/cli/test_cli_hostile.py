"""The command line facing hostile saves and decks (issue 8): text from a save reaches the
terminal without control sequences, messages quoting input stay short, autoplay names its
save without the seed, and `replay --verify` reports on one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli_run import run
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.saves.store import new_save, write_save

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "decks" / "tutorial.toml"
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9b31m\r"


@pytest.fixture
def escaping_save(tmp_path: Path) -> Path:
    game = Game(load_deck(TUTORIAL), 3)
    game.submit("red", ["patrol"], [f"because{ESCAPES}"])
    game.submit("blue", [])
    game.fire_inject(text=f"Breaking news{ESCAPES}", effects=[])
    game.resolve()
    return write_save(new_save(game, {}), tmp_path / "escapes.json")


def test_replay_neutralises_control_characters_from_a_save(escaping_save: Path) -> None:
    for seat in ("facilitator", "red"):
        result = run("replay", str(escaping_save), "--seat", seat)
        assert result.exit_code == 0
        assert "Breaking news" in result.stdout
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stdout)
        assert "Breaking news\\x1b]0;owned\\x07" in result.stdout


def test_a_huge_bad_id_gives_a_short_line(tmp_path: Path) -> None:
    # A save whose seats name a 10 MB actor: one short line, not 10 MB of error.
    path = tmp_path / "game.json"
    game = Game(load_deck(TUTORIAL), 3)
    data = json.loads(write_save(new_save(game, {}), path).read_text())
    data["seats"] = {"x" * 10_000_000: "human"}
    path.write_text(json.dumps(data))
    for args in (("replay", str(path)), ("replay", str(path), "--verify")):
        result = run(*args)
        assert result.exit_code == 2
        assert len(result.stderr) < 600 and result.stderr.count("\n") <= 2, result.stderr[:600]


def test_a_huge_unknown_seat_is_cut_in_the_message(escaping_save: Path) -> None:
    result = run("replay", str(escaping_save), "--seat", "s" * 100_000)
    assert result.exit_code == 2
    assert len(result.stderr) < 300 and "unknown seat 'sss" in result.stderr


def test_a_deck_problem_quoting_a_huge_key_is_short(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(TUTORIAL.read_text().replace("[actors.red]", f"[actors.red{'a' * 1_500_000}]", 1))
    result = run("validate", str(deck))
    assert result.exit_code == 2
    assert all(len(line) < 800 for line in result.stdout.splitlines())


def test_autoplay_names_its_save_without_the_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    first = run("autoplay", str(TUTORIAL), "--seed", "123456", "--quiet")
    second = run("autoplay", str(TUTORIAL), "--seed", "123456", "--quiet")
    names = [re.search(r"saved: saves/(\S+)", r.stdout).group(1) for r in (first, second)]  # type: ignore[union-attr]
    assert names[0] != names[1]
    assert all(re.fullmatch(r"tutorial-\d{8}-\d{6}(-\d+)?\.json", n) for n in names), names


def test_a_cut_save_fails_verify_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    assert run("autoplay", str(TUTORIAL), "--seed", "7", "--save", str(path), "--quiet").exit_code == 0
    data = json.loads(path.read_text())
    assert len(data["history"]) >= 3
    data["history"] = data["history"][:2]
    data["played"] = 2
    path.write_text(json.dumps(data))
    result = run("replay", str(path), "--verify")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"{path}: MISMATCH: ")
