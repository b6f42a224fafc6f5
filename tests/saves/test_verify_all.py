"""`verify` checks the whole record (issue 7, section 6): every turn present, every field
of every turn record, the final state and the ending; it names the first turn and field
that differ, in one line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.saves.store import new_save, read_save, verify, write_save

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def five_turns(decks: dict[str, CompiledDeck], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A korea-2022 game of five turns with rolls, news, events, an inject and an override."""
    deck = decks["korea-2022"]
    game = Game(deck, 12345, turns=5)
    for turn in range(5):
        for actor in deck.actors:
            moves = [m.id for m in game.available_moves(actor)]
            game.submit(actor, moves[turn % len(moves) : turn % len(moves) + 1], [f"{actor} reason {turn}"])
        if turn == 1:
            game.fire_inject(event="unsc-vote")
            game.fire_inject(text="Talks in Geneva.", effects=["tension -= 1"])
        if turn == 2:
            key, _label, _p = game.pending_rolls()[0]
            game.override(key, True)
        game.resolve()
    assert game.is_over
    # Orders given by hand: the seats are people's (verify checks a computer seat's reasons).
    path = write_save(new_save(game, dict.fromkeys(deck.actors, "human")), tmp_path_factory.mktemp("v") / "five.json")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def check(data: dict[str, Any], edit: Edit, tmp_path: Path) -> tuple[bool, int | None, str | None, str]:
    changed = json.loads(json.dumps(data))
    edit(changed)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(changed))
    result = verify(read_save(path))
    assert "\n" not in result.detail
    return result.ok, result.first_bad_turn, result.field, result.detail


def test_the_untouched_save_verifies(five_turns: dict[str, Any], tmp_path: Path) -> None:
    assert check(five_turns, lambda d: None, tmp_path)[0]


def first(d: dict[str, Any], turn: int, field: str) -> dict[str, Any]:
    entries: list[dict[str, Any]] = d["history"][turn - 1][field]
    assert entries, f"turn {turn} has no {field}"
    return entries[0]


def with_roll(d: dict[str, Any]) -> int:
    return next(t["turn"] for t in d["history"] if t["rolls"])


CASES: dict[str, tuple[Edit, str]] = {
    "roll chance": (lambda d: first(d, with_roll(d), "rolls").update(chance=0.123), "rolls[0].chance"),
    "roll actor": (lambda d: first(d, with_roll(d), "rolls").update(actor="china"), "rolls[0].actor"),
    "forced flag": (lambda d: first(d, with_roll(d), "rolls").update(forced=not first(d, with_roll(d), "rolls")["forced"]), "rolls[0].forced"),
    "news text": (lambda d: first(d, 1, "news").update(text="Nothing happened."), "news[0].text"),
    "news audience": (lambda d: first(d, 1, "news").update(audience=["us"]), "news[0].audience"),
    "events fired": (lambda d: d["history"][1]["fired"].append("covid-outbreak"), "fired"),
    "a roll removed": (lambda d: d["history"][with_roll(d) - 1]["rolls"].pop(), "rolls"),
    "turn ending": (lambda d: d["history"][0].update(ending="war"), "ending"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_edited_output_field_is_named_with_its_turn(five_turns: dict[str, Any], tmp_path: Path, case: str) -> None:
    edit, field = CASES[case]
    ok, turn, named, detail = check(five_turns, edit, tmp_path)
    assert not ok
    assert named == field
    assert detail.startswith(f"turn {turn}: {field} differs: ")


def test_a_save_cut_to_2_of_5_turns_with_its_ending_edited_fails(five_turns: dict[str, Any], tmp_path: Path) -> None:
    def cut(d: dict[str, Any]) -> None:
        d["history"] = d["history"][:2]
        d["played"] = 2
        d["ending"] = "stalemate"

    ok, turn, field, detail = check(five_turns, cut, tmp_path)
    assert (ok, turn, field) == (False, 3, "ending")
    assert "turns are missing" in detail


def test_a_cut_save_that_kept_its_final_state_fails(five_turns: dict[str, Any], tmp_path: Path) -> None:
    def cut(d: dict[str, Any]) -> None:
        d["history"] = d["history"][:2]
        d["played"] = 2
        d["ending"] = None

    ok, turn, field, _detail = check(five_turns, cut, tmp_path)
    assert (ok, turn) == (False, 3)
    assert field is not None and field.startswith("final_state.")


def test_an_edited_final_state_or_ending_fails(five_turns: dict[str, Any], tmp_path: Path) -> None:
    ok, turn, field, detail = check(five_turns, lambda d: d["final_state"]["tracks"].update(tension=0.0), tmp_path)
    assert (ok, turn, field) == (False, 6, "final_state.tracks.tension")
    assert "0.0 in the save" in detail
    ok, _turn, field, _detail = check(five_turns, lambda d: d.update(ending="stalemate"), tmp_path)
    assert (ok, field) == (False, "ending")


def test_a_turn_after_the_ending_fails(tmp_path: Path) -> None:
    # The tutorial fixture ends in a clash in week 4 of 6: a fifth week should not exist.
    data = json.loads((Path(__file__).resolve().parent / "fixtures" / "v1-tutorial-finished.json").read_text())
    assert len(data["history"]) == 4 and data["turns"] == 6
    data["history"].append(dict(data["history"][-1], turn=5))
    ok, turn, field, detail = check(data, lambda d: None, tmp_path)
    assert (ok, turn, field) == (False, 5, "turn")
    assert detail == "turn 5: the game ended at turn 4; this turn should not exist"


def test_a_very_long_edit_still_gives_a_short_line(five_turns: dict[str, Any], tmp_path: Path) -> None:
    ok, _turn, _field, detail = check(five_turns, lambda d: first(d, 1, "news").update(text="x" * 20_000), tmp_path)
    assert not ok and len(detail) < 300
