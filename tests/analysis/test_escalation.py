"""Escalation measures for studies: every score has one class of the Rivera et al. scale, and
`simulate`/`sweep` report per actor and turn the escalation of the moves played, the same
figures a person would count by hand from the games themselves, in JSON, text and CSV."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from wargame.analysis.escalation import (
    CLASS_IDS,
    CLASSES,
    EscalationTally,
    class_of,
    class_range,
    summarise_escalation,
)
from wargame.analysis.report import summary_csv, summary_text
from wargame.analysis.simulate import game_seed, play_game, simulate
from wargame.analysis.sweep import sweep, sweep_csv, sweep_text
from wargame.cli import cli
from wargame.deck.compile import CompiledDeck

SEATS = {"red": "doctrine:bully", "blue": "random"}


@given(st.integers(-100, 100))
def test_every_score_has_exactly_one_class(score: int) -> None:
    holding = [c for c in CLASSES if class_range(c)[0] <= score <= class_range(c)[1]]
    assert holding == [class_of(score)]


def test_the_scales_own_scores_fall_in_their_classes() -> None:
    # What a deck author writes (docs/deck-format.md): -2, 0, 4, 12, 28, 60.
    assert [class_of(c.example).id for c in CLASSES] == list(CLASS_IDS)
    assert [class_of(s).id for s in (-1, 1, 11, 27, 59, 100)] == [
        "de-escalation", "posturing", "posturing", "non-violent", "violent", "nuclear"]


def test_figures_are_those_counted_by_hand_from_the_games(tutorial: CompiledDeck) -> None:
    games, seed = 12, 5
    figures = simulate(tutorial, games, seed, SEATS).escalation
    assert figures is not None
    # Replay each game of the run and count what its plays say.
    sums: Counter[tuple[str, int]] = Counter()
    running: Counter[int] = Counter()
    reached: Counter[tuple[str, str]] = Counter()
    dist: Counter[tuple[str, int, int]] = Counter()
    for i in range(games):
        game = play_game(tutorial, game_seed(seed, i), SEATS)
        for turn in range(1, len(game.records) + 1):
            running[turn] += 1
            for actor in tutorial.actors:
                score = sum(tutorial.moves[tutorial.move_index[p.move]].escalation
                            for p in game.plays if p.turn == turn and p.actor == actor)
                sums[(actor, turn)] += score
                dist[(actor, turn, score)] += 1
        for actor in tutorial.actors:
            mine = [tutorial.moves[tutorial.move_index[p.move]].escalation for p in game.plays if p.actor == actor]
            for c in CLASSES:
                if any(s >= c.lowest for s in mine):
                    reached[(actor, c.id)] += 1
    for actor in tutorial.actors:
        f = figures["actors"][actor]
        assert [r["turn"] for r in f["turns"]] == sorted(running)
        for r in f["turns"]:
            assert r["games"] == running[r["turn"]]
            assert r["mean"] == pytest.approx(sums[(actor, r["turn"])] / running[r["turn"]])
            assert r["distribution"] == {str(s): n for (a, t, s), n in sorted(dist.items()) if a == actor and t == r["turn"]}
        assert f["mean_per_game"] == pytest.approx(sum(v for (a, _t), v in sums.items() if a == actor) / games)
        for c in CLASS_IDS:
            assert f["reaching"][c]["games"] == reached[(actor, c)]
            lo, hi = f["reaching"][c]["interval"]
            assert lo <= f["reaching"][c]["share"] <= hi
        assert sum(f["peak"].values()) == games


def test_reaching_a_class_means_reaching_every_milder_one(tutorial: CompiledDeck) -> None:
    figures = simulate(tutorial, 60, 2, {"red": "random", "blue": "random"}).escalation
    assert figures is not None
    for f in [*figures["actors"].values(), figures["any"]]:
        shares = [f["reaching"][c]["games"] for c in CLASS_IDS]
        assert shares == sorted(shares, reverse=True)
    # Any actor reaches a class in at least the games each actor does.
    for c in CLASS_IDS:
        assert figures["any"]["reaching"][c]["games"] >= max(f["reaching"][c]["games"] for f in figures["actors"].values())


def test_a_tally_that_missed_games_gives_no_figures(tutorial: CompiledDeck) -> None:
    # An engine that cannot count escalation leaves the tally short: no figures, not zeros.
    assert summarise_escalation(tutorial, EscalationTally(), 10) is None
    s = simulate(tutorial, 5, 1, SEATS)
    s.escalation = None
    assert "not counted" in summary_text(tutorial, s)
    assert "escalation" not in {row.split(",")[0] for row in summary_csv(s).splitlines()}


def test_text_and_csv_carry_the_figures(tutorial: CompiledDeck) -> None:
    s = simulate(tutorial, 30, 3, SEATS)
    assert s.escalation is not None
    text = summary_text(tutorial, s)
    assert "share of games reaching each escalation class" in text and "any actor" in text
    rows = list(csv.DictReader(io.StringIO(summary_csv(s))))
    means = {(r["key"], int(r["turn"])): float(r["value"]) for r in rows if r["section"] == "escalation"}
    for actor, f in s.escalation["actors"].items():
        for r in f["turns"]:
            assert means[(actor, r["turn"])] == r["mean"]
    reaching = {r["key"]: int(r["value"]) for r in rows if r["section"] == "escalation_reaching"}
    assert reaching["*:de-escalation"] == s.escalation["any"]["reaching"]["de-escalation"]["games"]


def test_sweep_reports_escalation_per_combination(tutorial: CompiledDeck) -> None:
    result = sweep(tutorial, 20, 4)
    for row in result.rows:
        one = simulate(tutorial, 20, 4, row.seats).escalation
        assert row.escalation == one  # the same games as a simulation of that combination
    table = list(csv.DictReader(io.StringIO(sweep_csv(result))))
    assert float(table[0]["escalation:red"]) == result.rows[0].escalation["actors"]["red"]["mean_per_game"]  # type: ignore[index]
    assert "share of games in which" in sweep_text(tutorial, result)


def test_cli_json_has_escalation() -> None:
    out = CliRunner().invoke(cli, ["simulate", "tutorial", "--games", "10", "--json", "--no-progress"], catch_exceptions=False)
    assert out.exit_code == 0
    data = json.loads(out.stdout)["escalation"]
    assert [c["class"] for c in data["classes"]] == list(CLASS_IDS)
    assert set(data["actors"]) == {"red", "blue"}
    out = CliRunner().invoke(cli, ["sweep", "tutorial", "--games", "5", "--json", "--no-progress"], catch_exceptions=False)
    assert out.exit_code == 0
    assert all(c["escalation"]["actors"] for c in json.loads(out.stdout)["combinations"])
