"""Format-1 saves through every debrief path: report, analyse, whatif and branch rebuild
the game with the save's own dice (`saves.store.new_game`), so they see the game that was
played, roll for roll, as `replay --verify` does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli_run import run
from wargame.engine.dice import TURN_STREAM
from wargame.observe.labels import draw_label, draw_needed
from wargame.report.data import build_report
from wargame.saves.store import read_save, verify

FIXTURES = Path(__file__).resolve().parent / "fixtures"
V1 = sorted(FIXTURES.glob("v1-*.json"))


@pytest.fixture(params=V1, ids=[p.stem for p in V1])
def v1_save(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / Path(request.param).name
    shutil.copyfile(request.param, path)  # analyse and whatif write their results beside it
    return path


def test_there_are_format_1_fixtures() -> None:
    assert len(V1) >= 2


def test_the_report_shows_every_roll_as_the_save_records_it(v1_save: Path) -> None:
    save = read_save(v1_save)
    assert save.dice == TURN_STREAM and verify(save).ok
    data = build_report(save)
    assert [t.turn for t in data.timeline] == [t.turn for t in save.history]
    for entry, saved in zip(data.timeline, save.history, strict=True):
        shown = [(r.draw, r.success) for r in entry.rolls]
        assert shown == [(r.roll, r.success) for r in saved.rolls], f"turn {saved.turn}"


def test_report_analyse_whatif_and_branch_run_on_format_1_saves(v1_save: Path, tmp_path: Path) -> None:
    save = read_save(v1_save)
    report = run("report", str(v1_save), "-o", str(tmp_path / "report.md"))
    assert report.exit_code == 0, report.output
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    for turn in save.history:
        for roll in turn.rolls:
            if roll.kind == "move" and not roll.forced:
                said = f"the roll was {draw_label(roll.roll)} ({draw_needed(roll.chance)}): {'success' if roll.success else 'failure'}"
                assert said in text
    analyse = run("analyse", str(v1_save), "--rollouts", "5", "--no-progress")
    assert analyse.exit_code == 0, analyse.output
    last = len(save.history)
    seat = next(iter(save.seats))
    whatif = run("whatif", str(v1_save), "--turn", str(last), "--seat", seat, "--orders", "none", "--games", "5", "--no-progress")
    assert whatif.exit_code == 0, whatif.output
    assert "(actual)" in whatif.stdout
    child = tmp_path / "branch.json"
    branched = run("branch", str(v1_save), "--turn", str(last), "--save", str(child))
    assert branched.exit_code == 0, branched.output
    kid = read_save(child)
    assert kid.dice == TURN_STREAM and len(kid.history) == last - 1 and verify(kid).ok
