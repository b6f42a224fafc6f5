"""Saves from older format versions still open, replay and verify (issue 7, section 6).

The fixtures in `fixtures/` were written by earlier versions (see its README).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from wargame.engine.dice import KEYED, TURN_STREAM
from wargame.errors import SaveError
from wargame.saves.format import FORMAT_VERSION, HEADER_FIELDS
from wargame.saves.migrate import migrate
from wargame.saves.store import read_save, replay, resume, update_save, verify, write_save

FIXTURES = Path(__file__).resolve().parent / "fixtures"
V1 = sorted(FIXTURES.glob("v1-*.json"))


def test_there_are_fixtures_of_format_1() -> None:
    assert [p.name for p in V1] == ["v1-korea-unfinished.json", "v1-tutorial-finished.json"]


@pytest.mark.parametrize("path", V1, ids=lambda p: p.name)
def test_a_format_1_save_opens_replays_and_verifies_with_its_own_dice(path: Path) -> None:
    raw = json.loads(path.read_text())
    assert raw["format_version"] == 1
    save = read_save(path)
    assert save.format_version == FORMAT_VERSION and save.dice == TURN_STREAM
    assert save.played == len(raw["history"]) and save.ending == raw["ending"]
    result = verify(save)
    assert result.ok, result.detail
    game = replay(save)
    assert [r.state_hash for r in game.records] == [t["state_hash"] for t in raw["history"]]
    # With the format-2 dice the same orders would not give the recorded rolls.
    other = save.model_copy(update={"dice": KEYED})
    assert not verify(other).ok


def test_a_format_1_game_continues_with_its_dice_and_is_written_as_format_2(tmp_path: Path) -> None:
    save = read_save(FIXTURES / "v1-korea-unfinished.json")
    game = resume(save)
    assert game.dice == TURN_STREAM
    assert game.orders == {"dprk": ("srbm-salvo",), "us": ()}
    assert [i.text for i in game.injects] == ["A pending inject."]
    for actor in game.waiting_for():
        game.submit(actor, [])
    game.resolve()
    path = write_save(update_save(save, game), tmp_path / "continued.json")
    data = json.loads(path.read_text())
    assert (data["format_version"], data["dice"], data["played"]) == (FORMAT_VERSION, TURN_STREAM, 5)
    assert verify(read_save(path)).ok


def test_migrate_leaves_its_input_alone_and_current_saves_as_they_are() -> None:
    raw = json.loads((FIXTURES / "v1-tutorial-finished.json").read_text())
    before = copy.deepcopy(raw)
    new = migrate(raw)
    assert raw == before
    assert new["format_version"] == FORMAT_VERSION and new["dice"] == TURN_STREAM
    present = [f for f in HEADER_FIELDS if f in new]
    assert list(new)[: len(present)] == present
    assert migrate(new) == new


@pytest.mark.parametrize(("version", "message"), [(0, "unknown save format version 0"), (-3, "unknown save format version -3"), ("1", "whole number"), (True, "whole number"), (FORMAT_VERSION + 1, "newer than this wargame")])
def test_migrate_refuses_versions_it_does_not_know(version: object, message: str) -> None:
    with pytest.raises(SaveError, match=message):
        migrate({"format": "wargame-save", "format_version": version})


def test_the_format_2_fixture_opens_and_verifies() -> None:
    save = read_save(FIXTURES / "v2-korea-unfinished.json")
    assert save.dice == KEYED and save.played == 3
    assert verify(save).ok


def test_a_save_whose_turn_crossed_two_levels_at_once_still_verifies() -> None:
    """An ordinary scale is news of every level one change crosses (lowest first); saves
    record that news, so a replay that said only the last level would fail `--verify`."""
    save = read_save(FIXTURES / "v2-korea-two-thresholds.json")
    turn = save.history[10]
    crossings = [n.text for n in turn.news if n.kind == "threshold"]
    assert crossings[:2] == ["Tension rises to brink (10).", "Tension rises to war (10)."]
    assert verify(save).ok
