"""`wargame simulate` end to end: computer seats of every kind, JSON and CSV exports,
save folders, and clear errors (exit 2, no traceback) for bad seats."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wargame.cli import cli
from wargame.saves.store import read_save, verify


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["simulate", *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_korea_with_doctrine_and_lookahead_seats_end_to_end() -> None:
    seats = "dprk=doctrine:hardliner,us=lookahead:200,rok=doctrine:dovish,china=doctrine:status-quo"
    result = run("korea-2022", "--games", "2", "--turns", "2", "--seed", "4", "--seats", seats, "--json", "--no-progress")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["seats"] == {"dprk": "doctrine:hardliner", "us": "lookahead:200", "rok": "doctrine:dovish", "china": "doctrine:status-quo"}
    assert data["games"] == 2 and sum(data["endings"].values()) == 2
    assert all(len(rows) == 2 for rows in data["tracks"].values())


def test_text_summary_and_csv_export(tmp_path: Path) -> None:
    out = tmp_path / "run.csv"
    result = run("tutorial", "--games", "40", "--seed", "1", "--seats", "red=doctrine:bully,blue=random", "--csv", str(out), "--no-progress")
    assert result.exit_code == 0, result.stderr
    assert "95% interval" in result.stdout and "mean score" in result.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["section"] for r in rows} >= {"run", "seat", "ending", "score", "track", "move"}
    assert sum(int(r["value"]) for r in rows if r["section"] == "ending") == 40


def test_a_csv_file_that_cannot_be_written_is_refused_before_the_run(tmp_path: Path) -> None:
    # Said at once in one line, not after the whole run; an existing file is kept unless --force.
    runs = tmp_path / "runs"
    missing = run("tutorial", "--games", "3", "--csv", str(tmp_path / "nowhere" / "run.csv"), "--save-dir", str(runs), "--no-progress")
    assert missing.exit_code != 0 and "no such folder" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "Traceback" not in missing.stderr
    assert not runs.exists()  # no game was played
    kept = tmp_path / "kept.csv"
    kept.write_text("mine", encoding="utf-8")
    refused = run("tutorial", "--games", "3", "--csv", str(kept), "--save-dir", str(runs), "--no-progress")
    assert refused.exit_code != 0 and "already exists" in refused.stderr and "--force" in refused.stderr
    assert kept.read_text(encoding="utf-8") == "mine" and not runs.exists()
    forced = run("tutorial", "--games", "3", "--csv", str(kept), "--force", "--no-progress")
    assert forced.exit_code == 0, forced.stderr
    assert kept.read_text(encoding="utf-8").startswith("section,")
    swept = CliRunner().invoke(cli, ["sweep", "tutorial", "--games", "5", "--csv", str(kept), "--no-progress"], catch_exceptions=False)
    assert swept.exit_code != 0 and "already exists" in swept.stderr


def test_json_is_the_same_whatever_the_jobs() -> None:
    args = ["tutorial", "--games", "60", "--seed", "3", "--seats", "red=doctrine:bully", "--json", "--no-progress"]
    one = run(*args, "--jobs", "1")
    two = run(*args, "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    assert json.loads(one.stdout) == json.loads(two.stdout)


def test_save_dir_holds_one_verified_save_per_game(tmp_path: Path) -> None:
    folder = tmp_path / "runs"
    result = run("tutorial", "--games", "3", "--seed", "2", "--save-dir", str(folder), "--no-progress")
    assert result.exit_code == 0, result.stderr
    saves = sorted(folder.glob("*.json"))
    assert len(saves) == 3
    assert all(verify(read_save(p)).ok for p in saves)


def test_progress_bar_on_request() -> None:
    result = run("tutorial", "--games", "20", "--progress")
    assert result.exit_code == 0
    assert "simulating" in result.stderr


@pytest.mark.parametrize(
    ("seats", "fragment"),
    [
        ("green=random", "--seats: unknown actor 'green'"),
        ("red", "should look like ACTOR=SPEC"),
        ("red=genius", "unknown seat kind 'genius'"),
        ("red=doctrine", "needs a name"),
        ("red=doctrine:broker", "no doctrine 'broker'"),
        ("red=lookahead:lots", "lookahead budget 'lots'"),
        ("red=lookahead:0", "lookahead budget '0'"),
        ("red=human", "no human seats"),
    ],
)
def test_bad_seats_are_a_clear_message_and_exit_2(seats: str, fragment: str) -> None:
    result = run("tutorial", "--games", "2", "--seats", seats)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
