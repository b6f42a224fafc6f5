"""What if and play from here: choices compared on the same dice, the same whatever the
jobs; branches are new saves that name their parent, and the parent is never changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.analysis.rollout import Checkpoints
from wargame.analysis.simulate import play_game
from wargame.analysis.whatif import (
    legal_alternatives,
    play_from_here,
    recorded_what_if,
    recorded_what_ifs,
    what_if,
)
from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save, read_save, resume, verify, write_save

SEATS = {"red": "doctrine:bully", "blue": "doctrine:broker"}


@pytest.fixture(scope="module")
def save(tutorial: CompiledDeck) -> SaveModel:
    # Seed 41: in week 2 Red tests a missile while Blue offers talks (the what-ifs below need both).
    return new_save(play_game(tutorial, 41, SEATS), SEATS)


def test_actual_orders_come_first_and_alternatives_follow(save: SaveModel) -> None:
    actual = tuple(save.history[1].orders["red"])
    result = what_if(save, 2, "red", [["patrol"], []], games=40, seed=1)
    assert [c.orders for c in result.choices] == [actual, ("patrol",), ()]
    assert [c.actual for c in result.choices] == [True, False, False]
    for c in result.choices:
        assert c.games == 40 and sum(c.endings.values()) == 40
        mean, lo, hi = c.scores["red"]
        assert lo <= mean <= hi
    assert result.label == "Week 2" and result.seat_name == "Red"


def test_the_same_seed_gives_the_same_what_if_whatever_the_jobs(save: SaveModel) -> None:
    one = what_if(save, 2, "red", [["patrol"]], games=60, seed=7, jobs=1)
    two = what_if(save, 2, "red", [["patrol"]], games=60, seed=7, jobs=2)
    assert json.dumps(one.to_json(), sort_keys=True) == json.dumps(two.to_json(), sort_keys=True)


def test_offering_talks_when_the_other_side_does_makes_a_deal_likelier(save: SaveModel) -> None:
    # In week 2 Blue offered talks: talks move only when both sides offer in the same week,
    # so Red offering too makes a deal at the end of week 6 likelier than what Red did.
    # Deals are rare in the tutorial (about 1 game in 25 even then), so 400 games keep
    # the difference clear (3 deals against 16 with this seed).
    assert save.history[1].orders["blue"] == ["talks-offer-blue"]
    assert save.history[1].orders["red"] != ["talks-offer"]
    result = what_if(save, 2, "red", [["talks-offer"]], games=400, seed=2)
    talks = next(c for c in result.choices if c.orders == ("talks-offer",))
    assert talks.p("deal") > result.choices[0].p("deal")


def test_every_legal_alternative_is_tried_or_each_move_alone_when_too_many(save: SaveModel) -> None:
    cp = Checkpoints(save)
    sets, left_out = legal_alternatives(cp, 2, "red")
    game = cp.fork(2, 0)
    legal = {m.id for m in game.available_moves("red")}
    assert left_out == 0 and () in sets and {s[0] for s in sets if s} == legal
    small, left = legal_alternatives(cp, 2, "red", cap=2)
    assert len(small) == 2 and left == len(sets) - 2
    result = what_if(save, 2, "red", every=True, games=10, seed=1)
    assert {c.orders for c in result.choices} == set(sets) | {tuple(save.history[1].orders["red"])}


def test_bad_what_ifs_are_one_line_user_errors(save: SaveModel) -> None:
    with pytest.raises(WargameError, match="unknown actor 'green'"):
        what_if(save, 2, "green", [["patrol"]], games=5)
    with pytest.raises(WargameError, match="no turn 99"):
        what_if(save, 99, "red", [["patrol"]], games=5)
    with pytest.raises(WargameError, match="is a move of Blue"):
        what_if(save, 2, "red", [["sanctions"]], games=5)
    with pytest.raises(WargameError, match="nothing to compare"):
        what_if(save, 2, "red", [], games=5)


def test_what_ifs_are_kept_beside_the_save_for_the_report(tmp_path: Path, save: SaveModel) -> None:
    path = write_save(save, tmp_path / "g.json")
    first = recorded_what_if(save, path, 2, "red", [["patrol"]], games=20, seed=1)
    assert recorded_what_ifs(save, path) == [first]
    again = recorded_what_if(save, path, 2, "red", [["patrol"]], games=20, seed=1)
    assert again == first and len(recorded_what_ifs(save, path)) == 1
    recorded_what_if(save, path, 3, "blue", [[]], games=20, seed=1)
    assert [w.turn for w in recorded_what_ifs(save, path)] == [2, 3]


def test_play_from_here_writes_a_child_that_names_its_parent(tmp_path: Path, save: SaveModel) -> None:
    parent = write_save(save, tmp_path / "parent.json")
    child_path = play_from_here(parent, 3, tmp_path / "child.json", {"red": "human"}).path
    child = read_save(child_path)
    assert child.parent is not None and child.parent.save_id == save.save_id and child.parent.turn == 2
    assert child.history == save.history[:2] and child.seats["red"] == "human"
    assert verify(child).ok
    game = resume(child)
    assert game.turn == 3 and not game.is_over
    with pytest.raises(WargameError, match="already exists"):
        play_from_here(parent, 3, child_path)
    with pytest.raises(WargameError, match="the save being branched"):
        play_from_here(parent, 3, parent, force=True)
    with pytest.raises(WargameError, match="cannot branch before turn 9"):
        play_from_here(parent, 9, tmp_path / "other.json")
    with pytest.raises(WargameError, match="unknown seat kind"):
        play_from_here(parent, 2, tmp_path / "other.json", {"red": "wizard"})


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), turn=st.integers(1, 7), seats=st.sampled_from([{}, {"blue": "human"}, {"red": "random"}]), force=st.booleans())
def test_branching_never_changes_the_parent_save(tutorial: CompiledDeck, tmp_path_factory: pytest.TempPathFactory, seed: int, turn: int, seats: dict[str, str], force: bool) -> None:
    folder = tmp_path_factory.mktemp("branch")
    game = play_game(tutorial, seed, SEATS)
    parent = write_save(new_save(game, SEATS), folder / "parent.json")
    before = parent.read_bytes()
    mtime = parent.stat().st_mtime_ns
    target = folder / "child.json"
    if force:
        target.write_text("old", encoding="utf-8")
    # A finished game can be branched before any turn it played, and only then.
    if turn <= len(game.records):
        child = read_save(play_from_here(parent, turn, target, seats, force=force).path)
        assert child.parent is not None and child.parent.path == str(parent)
    else:
        with pytest.raises(WargameError):
            play_from_here(parent, turn, target, seats, force=force)
    assert parent.read_bytes() == before
    assert parent.stat().st_mtime_ns == mtime
    assert not any(p.name.startswith(".parent.json") for p in folder.iterdir())
