"""Turning points: odds by turn from continuations, the same whatever the worker count,
explained by orders and dice, cached beside the save and read back without recomputing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.analysis import turning
from wargame.analysis.cache import read_sidecar, sidecar_path
from wargame.analysis.rollout import Checkpoints, Outcomes, default_stand_ins
from wargame.analysis.simulate import play_game
from wargame.analysis.turning import analyse, cached_analysis
from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save, replay, write_save

SEATS = {"red": "doctrine:bully", "blue": "doctrine:broker"}


def tutorial_save(deck: CompiledDeck, seed: int = 3, seats: dict[str, str] | None = None) -> SaveModel:
    game = play_game(deck, seed, SEATS)
    return new_save(game, seats or SEATS)


@pytest.fixture(scope="module")
def save(tutorial: CompiledDeck) -> SaveModel:
    return tutorial_save(tutorial)


def test_the_same_seed_gives_the_same_analysis_whatever_the_jobs(save: SaveModel) -> None:
    one = analyse(save, rollouts=60, jobs=1, seed=5)
    two = analyse(save, rollouts=60, jobs=2, seed=5)
    assert json.dumps(one.to_json(), sort_keys=True) == json.dumps(two.to_json(), sort_keys=True)
    other = analyse(save, rollouts=60, jobs=1, seed=6)
    assert other.to_json()["odds"] != one.to_json()["odds"]


def test_odds_cover_every_turn_and_end_at_the_actual_ending(save: SaveModel) -> None:
    result = analyse(save, rollouts=50, seed=1)
    assert [o.turn for o in result.odds] == list(range(1, len(save.history) + 2))
    for o in result.odds[:-1]:
        assert o.games == 50 and sum(o.counts.values()) == 50
        for e in result.endings:
            lo, hi = o.interval(e)
            assert 0 <= lo <= o.p(e) <= hi <= 1
    final = result.odds[-1]
    assert final.final and result.actual == save.ending
    assert final.p(save.ending or "") == 1.0


def test_a_turning_point_is_explained_by_the_orders_that_moved_it(save: SaveModel) -> None:
    # The largest swing of this game is explained, and every order it credits was given
    # that turn by the seat it names. The sentence names the (at most 3) factors that
    # moved the odds by at least MIN_FACTOR_POINTS; the factors themselves keep every
    # seat's share, even one that moved nothing (the data says so, the sentence need not).
    result = analyse(save, rollouts=150, seed=2)
    assert result.turning_points
    tp = max(result.turning_points, key=lambda t: abs(t.after - t.before))
    assert tp.factors and tp.text().startswith(f"Week {tp.turn}: ")
    shown = [f for f in tp.factors if abs(f.points) >= turning.MIN_FACTOR_POINTS][:3]
    assert shown, tp
    for factor in tp.factors:
        if factor.kind == "orders":
            assert save.history[tp.turn - 1].orders[factor.actor], factor
        if factor in shown:
            assert factor.text() in tp.text(), factor
        else:
            assert f"{factor.label} (" not in tp.text(), factor
    # Swings are at least MIN_SWING and the list is in turn order.
    assert all(abs(t.after - t.before) >= turning.MIN_SWING for t in result.turning_points)
    assert [t.turn for t in result.turning_points] == sorted(t.turn for t in result.turning_points)


def test_chance_factors_name_the_turns_own_rolls_and_read_the_conditional_odds(save: SaveModel) -> None:
    result = analyse(save, rollouts=80, seed=3, top=10)
    assert result.turning_points
    for tp in result.turning_points:
        rolls = {f"{r.kind}:{r.key}": r for r in save.history[tp.turn - 1].rolls if 0 < r.chance < 1}
        for factor in tp.factors:
            if factor.kind == "chance":
                assert factor.key in rolls
                assert ("came off" if rolls[factor.key].success else "failed") in factor.label or "found" in factor.label


def test_odds_given_a_roll_are_read_from_the_continuations_where_it_came_out_so() -> None:
    out = Outcomes()
    # 10 continuations: the roll came off in 4 (3 of them ended in war), failed in 6 (1 war).
    for success, ending, n in [(True, "war", 3), (True, "peace", 1), (False, "war", 1), (False, "peace", 5)]:
        out.games += n
        out.endings[ending] += n
        out.by_roll[("move:strike", success, ending)] += n
    assert out.share("war") == pytest.approx(0.4)
    assert out.given_roll("move:strike", True, "war") == (pytest.approx(0.75), 4)
    assert out.given_roll("move:strike", False, "war") == (pytest.approx(1 / 6), 6)
    assert out.given_roll("event:other", True, "war") is None


def test_stand_ins_keep_computers_and_give_humans_the_first_doctrine(tutorial: CompiledDeck, save: SaveModel) -> None:
    mixed = save.model_copy(update={"seats": {"red": "human", "blue": "lookahead:10"}})
    assert default_stand_ins(mixed, tutorial) == {"red": "doctrine:bully", "blue": "doctrine:broker"}
    assert default_stand_ins(mixed, tutorial, {"blue": "random"})["blue"] == "random"
    with pytest.raises(WargameError, match="unknown actor 'green'"):
        default_stand_ins(mixed, tutorial, {"green": "random"})
    with pytest.raises(WargameError, match="no doctrine 'nope'"):
        default_stand_ins(mixed, tutorial, {"red": "doctrine:nope"})


def test_the_analysis_is_cached_beside_the_save_and_read_back(tmp_path: Path, save: SaveModel, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_save(save, tmp_path / "game.json")
    before = path.read_bytes()
    ticks: list[tuple[str, int, int]] = []
    first = cached_analysis(save, path, rollouts=30, seed=4, progress=lambda s, d, t: ticks.append((s, d, t)))
    assert sidecar_path(path).exists() and sidecar_path(path).name == "game.analysis.json"
    assert path.read_bytes() == before  # the save itself is never written
    assert ticks and ticks[-1][1] == ticks[-1][2]
    assert {s for s, _d, _t in ticks} <= {"odds", "attribution"}

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed a cached analysis")

    monkeypatch.setattr(turning, "analyse", boom)
    again = cached_analysis(save, path, rollouts=30, seed=4)
    assert again == first
    # Another parameter is another entry, so it is computed (and here, refused by the patch).
    with pytest.raises(AssertionError, match="recomputed"):
        cached_analysis(save, path, rollouts=31, seed=4)
    assert len(read_sidecar(path)["analyses"]) == 1


def test_a_damaged_cache_is_ignored_not_an_error(tmp_path: Path, save: SaveModel) -> None:
    path = write_save(save, tmp_path / "game.json")
    sidecar_path(path).write_text("{not json", encoding="utf-8")
    result = cached_analysis(save, path, rollouts=10, seed=1)
    assert result.rollouts == 10
    assert read_sidecar(path)["analyses"]


def test_checkpoints_fork_the_same_state_as_a_replay(save: SaveModel) -> None:
    cp = Checkpoints(save)
    for turn in range(1, len(save.history) + 2):
        fork = cp.fork(turn, 99)
        replayed = replay(save, upto=turn - 1)
        assert fork.state.digest() == replayed.state.digest()
        assert fork.plays == replayed.plays
        assert fork.revealed_plays == replayed.revealed_plays
    with pytest.raises(WargameError):
        cp.fork(len(save.history) + 2, 1)


def test_bad_arguments_are_user_errors(save: SaveModel) -> None:
    with pytest.raises(WargameError, match="rollouts"):
        analyse(save, rollouts=0)
    with pytest.raises(WargameError, match="jobs"):
        analyse(save, rollouts=5, jobs=0)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(game_seed=st.integers(0, 10_000), seed=st.integers(0, 2**31), rollouts=st.integers(5, 25))
def test_analysis_never_depends_on_the_number_of_workers(tutorial: CompiledDeck, game_seed: int, seed: int, rollouts: int) -> None:
    save = new_save(play_game(tutorial, game_seed, SEATS), SEATS)
    one = analyse(save, rollouts=rollouts, jobs=1, seed=seed)
    two = analyse(save, rollouts=rollouts, jobs=2, seed=seed)
    assert one == two
