"""A save that names a program never runs it.

A hostile save (a student's file handed in for a debrief) whose seats say `agent:sh -c
'...'` goes through every path that reads seats from a file: the report, analyse,
what-if, branch, replay, Continue and Load in the terminal UI, and the library calls
behind them. Each writes a canary file if the program ever starts; none may.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wargame.analysis.rollout import default_stand_ins, program_notes
from wargame.analysis.whatif import play_from_here
from wargame.bots.make import make_bot
from wargame.bots.seats import Programs, SeatSpec, UntrustedProgram, safe_seats, seat_label
from wargame.deck.compile import CompiledDeck
from wargame.play.control import Session
from wargame.saves.store import read_save, save_deck

ROOT = Path(__file__).resolve().parents[2]


def hostile_save(tmp_path: Path, tutorial: CompiledDeck, *, finished: bool = False) -> tuple[Path, Path]:
    """A real tutorial game whose save then says Red was played by a canary-writing program."""
    canary = tmp_path / "canary"
    session = Session.new(tutorial, {"red": "random", "blue": "random"}, seed=5, save_dir=tmp_path / "made")
    for _ in range(2 if not finished else 99):
        if session.is_over:
            break
        session.run_bots()
        session.resolve()
    assert session.save_path is not None
    data = json.loads(session.save_path.read_text())
    data["seats"]["red"] = f"agent:sh -c 'echo ran > {canary}'"
    data["seats"]["blue"] = f"agent:{sys.executable} -c \"open('{canary}', 'w').write('ran')\""
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    return path, canary


def wargame(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wargame", *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=300)


def test_report_analyse_whatif_branch_and_replay_run_nothing(tmp_path: Path, tutorial: CompiledDeck) -> None:
    save, canary = hostile_save(tmp_path, tutorial)
    runs = [
        wargame("report", str(save), "-o", str(tmp_path / "r.md"), cwd=tmp_path),
        wargame("report", str(save), "-o", str(tmp_path / "r.html"), "--seat", "red", cwd=tmp_path),
        wargame("analyse", str(save), "--rollouts", "3", "--no-progress", cwd=tmp_path),
        wargame("whatif", str(save), "--turn", "1", "--seat", "blue", "--all", "--games", "2", "--no-progress", cwd=tmp_path),
        wargame("branch", str(save), "--turn", "2", "--save", str(tmp_path / "child.json"), cwd=tmp_path),
        wargame("replay", str(save), "--text", cwd=tmp_path),
        wargame("replay", str(save), "--verify", cwd=tmp_path),
    ]
    for run in runs:
        assert "Traceback" not in run.stderr, run.stderr
        assert run.returncode in (0, 1), run.args
    assert not canary.exists()
    # Said plainly where a stand-in played, and never the command line itself.
    assert "not run from a saved game" in runs[2].stderr and "not run from a saved game" in runs[4].stderr
    for run in runs:
        assert "echo ran" not in run.stdout + run.stderr
    report = (tmp_path / "r.md").read_text()
    assert "a program (not run)" in report and "echo ran" not in report
    child = read_save(tmp_path / "child.json")
    assert not any(s.startswith("agent:") for s in child.seats.values())


def test_library_paths_never_start_a_program_from_a_save(tmp_path: Path, tutorial: CompiledDeck) -> None:
    save_path, canary = hostile_save(tmp_path, tutorial)
    save = read_save(save_path)
    deck = save_deck(save)
    stand_ins = default_stand_ins(save, deck)
    assert stand_ins == {"red": "doctrine:bully", "blue": "doctrine:broker"}
    assert len(program_notes(save, deck)) == 2
    branched = play_from_here(save_path, 2, tmp_path / "b.json")
    assert len(branched.notes) == 2
    session = Session.resume(save_path)  # Continue / Load
    assert session.seats["red"] == SeatSpec("doctrine", "bully") and len(session.notes) == 2
    session.run_bots()
    session.resolve()
    with pytest.raises(UntrustedProgram, match="not started"):
        make_bot(save.seats["red"], deck, "red", 1)
    assert not canary.exists()


def test_a_program_named_on_this_runs_command_line_does_run(tmp_path: Path, tutorial: CompiledDeck) -> None:
    """The same seat, named by the person at the keyboard, is the program they chose."""
    example = f"{sys.executable} {ROOT / 'examples' / 'agent.py'}"
    programs = Programs.from_options([f"helper={example}"])
    seats, notes = safe_seats({"red": "agent:helper", "blue": "random"}, tutorial, programs)
    assert seats["red"] == "agent:helper" and notes == []
    bot = make_bot(seats["red"], tutorial, "red", 1, programs=programs)
    bot.close()  # type: ignore[attr-defined]
    # Not by a command line the file carries, even if its name happens to be listed.
    assert safe_seats({"red": f"agent:{example}"}, tutorial, programs)[1]


def test_seat_labels_never_show_a_command_line() -> None:
    spec = SeatSpec.parse("agent:OPENAI_KEY=sk-123 python llm.py")
    assert seat_label(spec) == "Computer (a program)"
    assert seat_label(spec, facilitator=True) == "Computer (a program)"
    assert seat_label(SeatSpec.parse("agent:llm"), facilitator=True) == "Computer (program llm)"
