"""The command line asks for the facilitator's PIN before any output of a PIN-guarded save
beyond the public view (`replay --text`, `report`, `analyse`, `whatif`): from --pin,
$WARGAME_PIN or the prompt; without it, one line and exit 2, and nothing is shown or
written. A report of a save that does not verify says so and exits 1 unless --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from wargame.analysis.simulate import play_game
from wargame.cli import cli
from wargame.deck.compile import CompiledDeck
from wargame.saves.pin import hash_pin
from wargame.saves.store import new_save, write_save

PIN = "harbour7"
SEATS = {"red": "doctrine:bully", "blue": "doctrine:broker"}


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr


@pytest.fixture
def pinned(tmp_path: Path, tutorial: CompiledDeck) -> Path:
    path = tmp_path / "pinned.json"
    save = new_save(play_game(tutorial, 3, SEATS), SEATS, facilitator=True)
    write_save(save.model_copy(update={"facilitator_pin": hash_pin(PIN, log_n=10)}), path)
    return path


@pytest.fixture
def open_save(tmp_path: Path, tutorial: CompiledDeck) -> Path:
    path = tmp_path / "open.json"
    write_save(new_save(play_game(tutorial, 3, SEATS), SEATS), path)
    return path


@pytest.mark.parametrize("seat", ["facilitator", "red"])
def test_replay_text_of_a_pinned_save_needs_the_pin(pinned: Path, seat: str) -> None:
    refused = run("replay", str(pinned), "--text", "--seat", seat)
    one_line_error(refused, "this game has a facilitator's PIN")
    assert refused.stdout == ""  # not a line of the game before the refusal
    one_line_error(run("replay", str(pinned), "--text", "--seat", seat, "--pin", "wrong-pin"), "wrong facilitator's PIN")
    shown = run("replay", str(pinned), "--text", "--seat", seat, "--pin", PIN)
    assert shown.exit_code == 0 and "-- week 1" in shown.stdout


def test_the_public_view_needs_no_pin(pinned: Path) -> None:
    shown = run("replay", str(pinned), "--text", "--seat", "public")
    assert shown.exit_code == 0 and "-- week 1" in shown.stdout


def test_the_pin_may_come_from_the_environment(pinned: Path) -> None:
    assert run("replay", str(pinned), "--text", env={"WARGAME_PIN": PIN}).exit_code == 0


def test_a_person_at_the_terminal_is_asked(pinned: Path, open_save: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("wargame.cli.common._stdin_is_a_terminal", lambda: True)
    asked = run("replay", str(pinned), "--text", input=f"{PIN}\n")
    assert asked.exit_code == 0 and "PIN" in asked.stderr and PIN not in asked.output  # typed, not echoed
    wrong = run("replay", str(pinned), "--text", input="nope-nope\n")
    assert wrong.exit_code == 2 and wrong.stdout == ""
    assert wrong.stderr.strip().splitlines()[-1] == "error: wrong facilitator's PIN: the facilitator's view is not shown"
    unguarded = run("replay", str(open_save), "--text", input="")
    assert unguarded.exit_code == 0 and "PIN" not in unguarded.stderr  # nothing to ask


def test_report_of_a_pinned_save_needs_the_pin(pinned: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    one_line_error(run("report", str(pinned), "-o", str(out)), "the facilitator's report shows secrets")
    assert not out.exists()
    one_line_error(run("report", str(pinned), "-o", str(out), "--seat", "blue"), "facilitator's PIN")
    assert run("report", str(pinned), "-o", str(out), "--seat", "public").exit_code == 0
    written = run("report", str(pinned), "-o", str(tmp_path / "full.md"), "--pin", PIN)
    assert written.exit_code == 0 and (tmp_path / "full.md").exists()


def test_analyse_and_whatif_of_a_pinned_save_need_the_pin(pinned: Path) -> None:
    one_line_error(run("analyse", str(pinned), "--rollouts", "3", "--no-progress"), "facilitator's PIN")
    one_line_error(run("whatif", str(pinned), "--turn", "2", "--seat", "red", "--orders", "none", "--games", "3", "--no-progress"), "facilitator's PIN")
    assert run("analyse", str(pinned), "--rollouts", "3", "--no-progress", "--pin", PIN).exit_code == 0


def test_a_report_of_a_save_that_does_not_verify_warns_and_fails_unless_forced(open_save: Path, tmp_path: Path) -> None:
    data = json.loads(open_save.read_text())
    data["history"][2]["state_hash"] = "0" * 32
    open_save.write_text(json.dumps(data))
    out = tmp_path / "report.md"
    result = run("report", str(open_save), "-o", str(out))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("warning: This save does not verify: week 3 differs")
    assert out.read_text().splitlines()[2].startswith("> **⚠ This save does not verify: week 3 differs")
    forced = run("report", str(open_save), "-o", str(out), "--force")
    assert forced.exit_code == 0 and "does not verify" in forced.stderr
    assert run("report", str(open_save), "-o", str(tmp_path / "public.md"), "--seat", "public").exit_code == 1  # whoever reads it


def test_a_pin_deleted_by_hand_is_caught_by_verify_and_the_report(pinned: Path, tmp_path: Path) -> None:
    data = json.loads(pinned.read_text())
    del data["facilitator_pin"]
    pinned.write_text(json.dumps(data))
    verified = run("replay", str(pinned), "--verify")
    assert verified.exit_code == 1 and "MISMATCH: the seal does not match" in verified.stderr
    result = run("report", str(pinned), "-o", str(tmp_path / "r.md"))
    assert result.exit_code == 1 and "the seal does not match" in result.stderr
