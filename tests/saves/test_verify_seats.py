"""`verify` checks who played each seat (issue 17, item 7): a computer seat's recorded orders
and reasons must be what the same computer gives when replayed on the same views, and the
record of seats, changes of hands and teams must hold together. A hand edit of either fails
with one line naming the turn and the seat. A program is never run from a save: its reasons
are reported as not checked, and so are those of saves written in an older format."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.play.control import Session
from wargame.saves import seating
from wargame.saves.store import new_save, read_save, verify, write_save

FIXTURES = Path(__file__).parent / "fixtures"
SEATS = {"red": "doctrine:bully", "blue": "doctrine:broker"}
Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def doctrine_save(tmp_path: Path, tutorial: CompiledDeck) -> Path:
    return write_save(new_save(play_game(tutorial, 3, SEATS), SEATS), tmp_path / "game.json")


def edited(path: Path, edit: Edit) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    out = path.with_name("edited.json")
    out.write_text(json.dumps(data), encoding="utf-8")
    return out


def test_a_game_of_computers_verifies_with_nothing_unchecked(doctrine_save: Path) -> None:
    result = verify(read_save(doctrine_save))
    assert result.ok, result.detail
    assert result.unchecked == ()


def test_an_edited_reason_of_a_computer_fails_naming_the_turn_and_seat(doctrine_save: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["history"][1]["reasons"]["red"][0] = "Naval patrol: because I felt like it."

    result = verify(read_save(edited(doctrine_save, change)))
    assert not result.ok and result.first_bad_turn == 2 and result.field == "reasons.red[0]"
    assert "\n" not in result.detail
    assert result.detail.startswith("turn 2: Red's reasons are not what its computer (Computer (doctrine: bully)) gives on replay")
    assert '"Naval patrol: because I felt like it." in the save' in result.detail
    assert result.problem("week") is not None and result.problem("week").startswith("week 2 differs")  # type: ignore[union-attr]


def test_a_reason_added_fails_and_orders_without_reasons_are_said_unchecked(doctrine_save: Path) -> None:
    def add(d: dict[str, Any]) -> None:
        d["history"][0]["reasons"]["blue"].append("And the weather was fine.")

    result = verify(read_save(edited(doctrine_save, add)))
    assert not result.ok and result.first_bad_turn == 1 and result.field == "reasons.blue[1]"
    assert "Blue's reasons" in result.detail and '"And the weather was fine." in the save, "nothing" on replay' in result.detail

    def drop(d: dict[str, Any]) -> None:
        del d["history"][0]["reasons"]["blue"]

    dropped = verify(read_save(edited(doctrine_save, drop)))
    assert dropped.ok  # every roll, hash and state still match: only the words are gone
    assert dropped.unchecked == ("Blue: orders recorded without reasons in week 1 (a computer always gives some): not checked against its computer",)


@pytest.mark.parametrize(
    ("seat", "to"),
    [("red", "random"), ("blue", "random"), ("red", "lookahead:8")],
)
def test_a_computer_seat_said_to_be_another_computer_fails(doctrine_save: Path, seat: str, to: str) -> None:
    def change(d: dict[str, Any]) -> None:
        d["seats"][seat] = to

    result = verify(read_save(edited(doctrine_save, change)))
    assert not result.ok and result.first_bad_turn == 1
    assert result.field is not None and result.field.split(".")[0] in {"orders", "reasons"} and seat in result.field
    name = {"red": "Red", "blue": "Blue"}[seat]
    assert result.detail.startswith(f"turn 1: {name}'s ")


def test_a_persons_orders_said_to_be_a_computers_fail(tmp_path: Path, tutorial: CompiledDeck) -> None:
    session = Session.new(tutorial, {"red": "human", "blue": "doctrine:broker"}, seed=5, save_dir=tmp_path)
    for _ in range(3):
        session.submit("red", ["patrol"] if session.game.turn % 2 else ["talks-offer"], ["We hold the line."])
        session.run_bots()
        session.resolve()
    assert session.save_path is not None
    assert verify(read_save(session.save_path)).ok

    def change(d: dict[str, Any]) -> None:
        d["seats"]["red"] = "doctrine:bully"

    result = verify(read_save(edited(session.save_path, change)))
    assert not result.ok and result.first_bad_turn == 1 and "Red's" in result.detail


@pytest.mark.parametrize(
    ("edit", "field", "fragment"),
    [
        (lambda d: d["seats"].pop("blue"), "seats", "seats: no seat for Blue"),
        (lambda d: d["seats"].update(green="random"), "seats", "a seat for 'green', which is not an actor of the deck"),
        (lambda d: d["seats"].update(red="robot"), "seats", "seats: Red: unknown seat kind 'robot'"),
        (lambda d: d["seats"].update(red="doctrine:dove"), "seats", "seats: Red: Red has no doctrine 'dove'"),
        (lambda d: d.update(seat_changes=[{"turn": 2, "seat": "red", "before": "random", "after": "human"}]), "seat_changes",
         "seat_changes: Red went to human in turn 2, but the next record has it played by doctrine:bully"),
        (lambda d: d.update(teams={"red": {"members": ["Ann"], "sealer": "Bob"}}), "teams", "teams: Red's sealer Bob is not one of its members"),
    ],
)
def test_an_inconsistent_record_of_who_played_fails_in_one_line(doctrine_save: Path, edit: Edit, field: str, fragment: str) -> None:
    result = verify(read_save(edited(doctrine_save, edit)))
    assert not result.ok and result.field == field
    assert fragment in result.detail and "\n" not in result.detail
    if result.first_bad_turn is None:  # no turn to name: the record as a whole
        assert "the record of who played it was changed by hand" in (result.problem() or "")


def test_a_program_is_never_run_and_its_reasons_are_said_unchecked(doctrine_save: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def change(d: dict[str, Any]) -> None:
        d["seats"]["red"] = "agent:python evil.py"

    made: list[object] = []
    real = seating.make_bot  # every computer the verification replays is made here
    monkeypatch.setattr(seating, "make_bot", lambda spec, *a, **k: made.append(spec) or real(spec, *a, **k))
    result = verify(read_save(edited(doctrine_save, change)))
    assert result.ok, result.detail
    assert not any("agent" in str(spec) for spec in made)  # nothing runs from data
    assert len(result.unchecked) == 1
    assert result.unchecked[0].startswith("Red: played by a program") and "never run from a save" in result.unchecked[0]
    from click.testing import CliRunner

    from wargame.cli import cli

    said = CliRunner().invoke(cli, ["replay", "--verify", str(doctrine_save.with_name("edited.json"))])
    assert said.exit_code == 0 and ": ok: all" in said.stdout
    assert "note: Red: played by a program" in said.stderr and "its reasons are not checked" in said.stderr


def test_a_team_whose_sealed_orders_were_edited_fails(tmp_path: Path, tutorial: CompiledDeck) -> None:
    from wargame.play.commands import Orders

    session = Session.new(tutorial, {"red": "human", "blue": "doctrine:broker"}, seed=5, save_dir=tmp_path)
    session.join_team("red", "Ann")
    for _ in range(2):
        session.apply("red", Orders(turn=session.game.turn, orders=["patrol"], reasons=["Show the flag."]), member="Ann")
        session.run_bots()
        session.resolve()
    assert session.save_path is not None
    assert verify(read_save(session.save_path)).ok

    def change(d: dict[str, Any]) -> None:
        d["history"][1]["orders"]["red"] = ["talks-offer"]

    result = verify(read_save(edited(session.save_path, change)))
    assert not result.ok and result.first_bad_turn == 2 and result.field == "teams.red"
    assert result.detail == "turn 2: Red's team sealed patrol but the save records talks-offer as its orders"


def test_re_seats_stand_ins_and_resumes_verify(tmp_path: Path, tutorial: CompiledDeck) -> None:
    session = Session.new(tutorial, {"red": "human", "blue": "random"}, seed=8, save_dir=tmp_path)
    session.run_bots()
    session.resolve_now("stand-in")  # Red's team ran out of time: its stand-in played
    session.reseat("blue", "doctrine:broker")
    session.submit("red", ["patrol"], ["Hold."])
    session.run_bots()
    session.resolve()
    path = session.save_path
    assert path is not None
    resumed = Session.resume(path)  # a new stream for each computer from here
    resumed.reseat("red", "random")
    while not resumed.is_over:
        resumed.run_bots()
        resumed.resolve()
    resumed.autosave()
    save = read_save(path)
    assert [(c.turn, c.seat, c.before, c.after) for c in save.seat_changes] == [(2, "blue", "random", "doctrine:broker"), (3, "red", "human", "random")]
    result = verify(save)
    assert result.ok, result.detail

    def stand_in(d: dict[str, Any]) -> None:
        d["history"][0]["reasons"]["red"][0] = d["history"][0]["reasons"]["red"][0] + " Honest."

    bad = verify(read_save(edited(path, stand_in)))
    assert not bad.ok and bad.first_bad_turn == 1 and "its computer stand-in" in bad.detail and "Red's reasons" in bad.detail

    def hide_change(d: dict[str, Any]) -> None:
        d["seat_changes"] = d["seat_changes"][:1]  # Red's change of hands deleted

    hidden = verify(read_save(edited(path, hide_change)))  # so Red's turn 2 orders (a person's) are a computer's
    assert not hidden.ok and hidden.first_bad_turn == 2 and hidden.field == "orders.red" and "Red's orders" in hidden.detail


def test_a_branch_with_new_seats_verifies(doctrine_save: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from wargame.cli import cli

    child = tmp_path / "child.json"
    runner = CliRunner()
    assert runner.invoke(cli, ["branch", str(doctrine_save), "--turn", "3", "--save", str(child), "--seats", "red=random"]).exit_code == 0
    assert runner.invoke(cli, ["autoplay", "--from", str(child), "--quiet"]).exit_code == 0
    save = read_save(child)
    assert [(c.turn, c.seat, c.after) for c in save.seat_changes] == [(3, "red", "random")]
    result = verify(save)
    assert result.ok, result.detail
    checked = runner.invoke(cli, ["replay", "--verify", str(child)])
    assert checked.exit_code == 0 and ": ok: all" in checked.stdout


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_the_fixtures_still_verify_and_say_what_was_not_checked(name: str) -> None:
    save = read_save(FIXTURES / name)
    result = verify(save)
    assert result.ok, result.detail
    assert len(result.unchecked) == 1 and "not checked (the save was written in format" in result.unchecked[0]


GRID_SEATS = {"utility": "doctrine:colonial", "state": "doctrine:steady", "federal": "doctrine:hunt-forward", "crew": "doctrine:darkside"}


def test_reasons_in_the_earlier_words_for_a_labelled_flag_still_verify(tmp_path: Path, decks: dict[str, CompiledDeck]) -> None:
    """Doctrine seats once said a labelled flag as its label and yes or no ('Control systems
    cut off from IT: no'); they say its state in the deck's words now ('Control systems linked
    to IT'). A save written then records the older words: the same reasons, so it verifies;
    words that are neither still fail."""
    grid = decks["grid-ransom-2024"]
    path = write_save(new_save(play_game(grid, 1, GRID_SEATS), GRID_SEATS), tmp_path / "grid.json")
    earlier = seating.earlier_flag_words(grid)
    now_to_then = {new: old for old, new in sorted(earlier, key=lambda p: len(p[1]), reverse=True)}
    said = [r for t in json.loads(path.read_text(encoding="utf-8"))["history"] for rs in t["reasons"].values() for r in rs
            if r.endswith(tuple(f"{new}." for new in now_to_then))]
    assert said, "no doctrine reason of this game reads a labelled flag"

    def reword(d: dict[str, Any]) -> None:
        for turn in d["history"]:
            for seat, reasons in turn["reasons"].items():
                turn["reasons"][seat] = [_said_then(r, now_to_then) for r in reasons]

    older = edited(path, reword)
    assert ": no." in older.read_text(encoding="utf-8") or ": yes." in older.read_text(encoding="utf-8")
    result = verify(read_save(older))
    assert result.ok, result.detail

    def garble(d: dict[str, Any]) -> None:
        for turn in d["history"]:
            for seat, reasons in turn["reasons"].items():
                turn["reasons"][seat] = [_said_then(r, now_to_then).replace(": no.", ": perhaps.").replace(": yes.", ": perhaps.") for r in reasons]

    result = verify(read_save(edited(path, garble)))
    assert not result.ok and result.field is not None and result.field.startswith("reasons.")


def _said_then(reason: str, now_to_then: dict[str, str]) -> str:
    """A reason as doctrine seats worded it before: its last fact, a labelled flag's state,
    as the label and yes or no."""
    for new, old in now_to_then.items():
        if reason.endswith((f"; {new}.", f": {new}.")):
            return reason[: -len(new) - 1] + old + "."
    return reason
