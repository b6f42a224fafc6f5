"""`wargame compare A B`: two branches of one game side by side from their split, as
Markdown on the terminal or a .md/.html file; bad input is one line and exit 2; a save that
does not verify is compared with the warning at the top and exit 1 (0 with --force)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.cli_run import run
from wargame.deck.compile import CompiledDeck

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "play"))
from branch_helpers import family_folder


@pytest.fixture
def games(tmp_path: Path, tutorial: CompiledDeck) -> dict[str, Path]:
    return family_folder(tmp_path, tutorial)


def test_compare_prints_both_games_from_the_split(games: dict[str, Path]) -> None:
    result = run("compare", str(games["root"]), str(games["a"]))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("# Two games compared: Tutorial: the harbour standoff")
    assert "As the facilitator may see them." in out
    assert "They share weeks 1–2; play split from week 3." in out
    assert "## Week 3 of 6" in out and "## Week 2 of 6" not in out
    assert "| Seat | A (root.json) | B (a.json) |" in out
    assert "## Tracks from the split" in out and "| Tension | A |" in out
    assert "## Endings" in out and "- **A**: **" in out and "- **B**: **" in out


def test_a_seats_comparison_keeps_its_secrets(games: dict[str, Path]) -> None:
    out = run("compare", str(games["root"]), str(games["a"]), "--seat", "red").stdout
    assert "As Red may see them." in out
    assert "Blue: Intelligence" not in out  # Blue's own secret track
    assert "Intelligence operation" not in out or "came to light" in out


def test_compare_writes_markdown_and_html(games: dict[str, Path], tmp_path: Path) -> None:
    md = tmp_path / "cmp.md"
    assert run("compare", str(games["a"]), str(games["aa"]), "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# Two games compared")
    page = tmp_path / "cmp.html"
    assert run("compare", str(games["root"]), str(games["a"]), "-o", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script" not in html
    again = run("compare", str(games["root"]), str(games["a"]), "-o", str(page))
    assert again.exit_code == 2 and "already exists" in again.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("root", "other"), "not branches of one game"),
        (("root", "missing"), "no such save file"),
        (("root", "a", "--seat", "green"), "unknown seat 'green'"),
        (("root", "a", "-o", "cmp.pdf"), "a comparison is written as .md or .html"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(games: dict[str, Path], tmp_path: Path, args: tuple[str, ...], fragment: str) -> None:
    named = [str(games.get(a, tmp_path / f"{a}.json")) if a in {"root", "a", "other", "missing"} else a for a in args]
    if "-o" in named:
        named[named.index("-o") + 1] = str(tmp_path / "cmp.pdf")
    result = run("compare", *named)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr


def test_a_save_that_does_not_verify_is_compared_with_the_warning(games: dict[str, Path]) -> None:
    data = json.loads(games["a"].read_text(encoding="utf-8"))
    data["history"][3]["state_hash"] = "0" * 32
    games["a"].write_text(json.dumps(data), encoding="utf-8")
    result = run("compare", str(games["root"]), str(games["a"]))
    assert result.exit_code == 1
    assert "> **⚠ B: This save does not verify: week 4 differs" in result.stdout
    assert "warning: B: This save does not verify" in result.stderr
    assert run("compare", str(games["root"]), str(games["a"]), "--force").exit_code == 0


def test_a_save_that_cannot_be_replayed_is_named(games: dict[str, Path], tmp_path: Path) -> None:
    # Two saves on the line: the one whose turn does not replay (edited by hand) is named.
    data = json.loads(games["a"].read_text(encoding="utf-8"))
    data["history"][0]["orders"]["red"] = ["no-such-move"]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    for args in (("compare", str(games["root"]), str(edited)), ("replay", str(edited), "--text"), ("report", str(edited), "-o", str(tmp_path / "r.md"))):
        result = run(*args)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {edited}: turn 1 of the save cannot be replayed: unknown move 'no-such-move'"), result.stderr
