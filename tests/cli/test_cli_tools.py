"""`wargame deck lint`, `wargame sweep`, the simulate fixes of issues 8 and 9, and one-line
usage errors everywhere (exit 2, no Usage/Try block, no traceback)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli_run import run

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = str(ROOT / "decks" / "tutorial.toml")
FIXTURES = ROOT / "tests" / "decks_lint"


def one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Usage:" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert result.stdout == ""


# -- deck lint ---------------------------------------------------------------------------------


def test_lint_clean_deck_exits_0() -> None:
    result = run("deck", "lint", "tutorial")
    assert result.exit_code == 0 and result.stdout.strip() == "tutorial: clean"


def test_lint_warnings_exit_1_with_file_line_and_field() -> None:
    path = str(FIXTURES / "since-unplayed.toml")
    result = run("deck", "lint", path)
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:47: moves[3].requires: since('mobilise') is 99")
    assert result.stdout.strip().endswith("2 warnings")


def test_lint_notes_alone_do_not_fail() -> None:
    result = run("deck", "lint", "korea-2022", "--json")
    data = json.loads(result.stdout)
    notes = [w for w in data["warnings"] if w["severity"] == "note"]
    assert notes and all(w["code"] == "event-order-dependence" for w in notes)
    warnings = [w for w in data["warnings"] if w["severity"] == "warning"]
    assert result.exit_code == (1 if warnings else 0)


def test_lint_a_broken_deck_exits_2_with_its_problems(tmp_path: Path) -> None:
    result = run("deck", "lint", str(ROOT / "tests" / "decks_broken" / "unknown-actor.toml"))
    assert result.exit_code == 2 and "unknown actor 'green'" in result.stderr and result.stdout == ""
    missing = run("deck", "lint", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_lint_json_and_playtest() -> None:
    path = str(FIXTURES / "playtest-only.toml")
    result = run("deck", "lint", path, "--playtest", "40", "--seed", "2", "--json", "--no-progress")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    codes = {w["code"] for w in data["warnings"]}
    assert codes == {"playtest-move-always-fizzles", "playtest-event-never-fired", "playtest-ending-never-reached",
                     "playtest-objectives-always-met"}
    assert data["playtest"]["random"]["games"] == 40
    assert data["playtest"]["random"]["moves"]["bluff"]["fizzled"] > 0
    again = run("deck", "lint", path, "--playtest", "40", "--seed", "2", "--json", "--no-progress", "--jobs", "2")
    assert again.stdout == result.stdout


def test_lint_playtest_text_on_the_tutorial() -> None:
    result = run("deck", "lint", "tutorial", "--playtest", "100", "--no-progress")
    assert result.exit_code == 0, result.stdout
    assert "100 games with random seats, 100 with doctrine seats" in result.stdout
    assert "Hotline opens" in result.stdout and "weeks" in result.stdout


# -- sweep ----------------------------------------------------------------------------------------


def test_sweep_json_and_csv_are_the_same_bytes_whatever_the_jobs(tmp_path: Path) -> None:
    outs = []
    for jobs in ("1", "2", "3"):
        csv_path = tmp_path / f"s{jobs}.csv"
        result = run("sweep", "tutorial", "--games", "40", "--seed", "4", "--doctrines", "red=bully,random",
                     "--jobs", jobs, "--json", "--csv", str(csv_path), "--no-progress")
        assert result.exit_code == 0, result.stderr
        outs.append((result.stdout, csv_path.read_bytes()))
    assert len(set(outs)) == 1
    data = json.loads(outs[0][0])
    assert len(data["combinations"]) == 2 and data["games_per_combination"] == 40


def test_sweep_text_table() -> None:
    result = run("sweep", "tutorial", "--games", "20", "--no-progress")
    assert result.exit_code == 0
    assert "1 combination of doctrines, 20 games each" in result.stdout and "bully" in result.stdout


@pytest.mark.parametrize(("args", "fragment"), [
    (["--doctrines", "red=nosuch"], "'red' has no doctrine 'nosuch'"),
    (["--doctrines", "green=x"], "unknown actor 'green'"),
    (["--games", "0"], "--games"),
])
def test_sweep_bad_input_is_one_line(args: list[str], fragment: str) -> None:
    one_line_error(run("sweep", "tutorial", *args, "--no-progress"), fragment)


# -- simulate (issue 8 items 19 and determinism) ------------------------------------------------


def test_simulate_json_and_csv_are_the_same_bytes_across_jobs_and_runs(tmp_path: Path) -> None:
    outs = set()
    for i, jobs in enumerate(("1", "2", "4", "4")):
        csv_path = tmp_path / f"{i}.csv"
        result = run("simulate", "korea-2022", "--games", "60", "--seed", "5", "--seats", "dprk=random,us=random",
                     "--jobs", jobs, "--json", "--csv", str(csv_path), "--no-progress")
        assert result.exit_code == 0, result.stderr
        outs.add((result.stdout, csv_path.read_bytes()))
    assert len(outs) == 1


def test_simulate_seats_default_to_first_doctrines_and_say_so() -> None:
    result = run("simulate", "tutorial", "--games", "5", "--json", "--no-progress", "--seats", "blue=random")
    assert json.loads(result.stdout)["seats"] == {"red": "doctrine:bully", "blue": "random"}
    text = run("simulate", "tutorial", "--games", "5", "--no-progress")
    assert "seats: Red played doctrine:bully, Blue played doctrine:broker" in text.stdout


# -- one-line usage errors (issue 8 item 18) ----------------------------------------------------


@pytest.mark.parametrize(("args", "fragment"), [
    (["validate"], "missing argument"),
    (["simulate", "tutorial", "--games", "0"], "--games"),
    (["simulate", "tutorial", "--csv", "."], "--csv"),
    (["simulate", "tutorial", "--save-dir", TUTORIAL], "--save-dir"),
    (["simulate", "tutorial", "--seats", "red=random,red=random"], "'red' is seated twice"),
    (["simulate", "tutorial", "--seats", ","], "empty entry"),
    (["simulate", "tutorial", "--seats", "red=random,,blue=random"], "empty entry"),
    (["simulate", "tutorial", "--nosuch"], "no such option"),
    (["nosuch"], "no such command"),
    (["deck"], ""),
    (["deck", "nosuch"], "no such command"),
    (["deck", "lint"], "missing argument"),
    (["deck", "lint", "tutorial", "--playtest", "0"], "--playtest"),
    (["autoplay", "tutorial", "--turns", "x"], "--turns"),
    (["replay"], "missing argument"),
])
def test_every_usage_error_is_one_line_and_exit_2(args: list[str], fragment: str) -> None:
    result = run(*args)
    if args == ["deck"]:  # a group with no command shows its help, as `wargame` does
        assert "lint" in result.output
        return
    one_line_error(result, fragment)


def test_validate_on_a_save_says_it_is_a_save(tmp_path: Path) -> None:
    save = tmp_path / "game.json"
    assert run("autoplay", "tutorial", "--seed", "1", "--save", str(save), "--quiet").exit_code == 0
    result = run("validate", str(save))
    assert result.exit_code == 2
    assert "wargame save, not a deck" in result.stdout and "TOML" not in result.stdout


def test_tasks_test_uses_every_core_unless_told() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import tasks
    finally:
        sys.path.remove(str(ROOT))
    assert tasks._parallel([]) == ["-n", "auto"]
    assert tasks._parallel(["tests/cli", "-x"]) == ["-n", "auto"]
    for chosen in (["-n", "2", "-p", "no:cacheprovider"], ["-n2"], ["--numprocesses=3"], ["-p", "no:xdist"], ["--pdb"]):
        assert tasks._parallel(chosen) == []


def test_sweep_and_playtest_progress_bars_on_request() -> None:
    result = run("sweep", "tutorial", "--games", "10", "--progress")
    assert result.exit_code == 0 and "1 combination" in result.stderr
    # 20 games a kind: enough that the tutorial's rare Deal ending is reached, so it lints clean.
    lint = run("deck", "lint", "tutorial", "--playtest", "20", "--progress")
    assert lint.exit_code == 0 and "playtesting" in lint.stderr
