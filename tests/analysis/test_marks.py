"""Marked choices: a team's orders judged against the best it had, on the same dice.

On a deck whose choices have known worth (tests/decks_debrief/choices.toml: talking calms
the strait a step a week, a strike is war), a game whose every choice is the best is
marked clean, and one with a planted strike is marked a blunder; thresholds, caching and
the noise rule are checked on their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wargame.analysis.cache import sidecar_path
from wargame.analysis.marks import (
    BLUNDER,
    INACCURACY,
    MISTAKE,
    Marks,
    cached_marks,
    judge,
    latest_marks,
    mark_choices,
)
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.observe.labels import STAND_IN_MARK
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save, write_save

ROOT = Path(__file__).resolve().parents[2]
SEATS = {"red": "human", "blue": "doctrine:watch"}


@pytest.fixture(scope="module")
def deck() -> CompiledDeck:
    return load_deck(ROOT / "tests" / "decks_debrief" / "choices.toml")


def played(deck: CompiledDeck, red: list[str], reasons: dict[int, list[str]] | None = None) -> SaveModel:
    game = Game(deck, 5)
    for turn, move in enumerate(red, start=1):
        game.submit("red", [move], (reasons or {}).get(turn, []))
        game.submit("blue", ["watch"], ["Watch: watch doctrine weight 1 (1st of 1 available, 100% share), a standing preference."])
        game.resolve()
    return new_save(game, SEATS)


def test_a_game_of_best_choices_is_marked_clean(deck: CompiledDeck) -> None:
    marks = mark_choices(played(deck, ["talk", "talk", "talk"]), games=8)
    assert marks.seats == ("red",)  # only the team's choices are marked
    assert [m.turn for m in marks.marks] == [1, 2, 3]
    assert all(m.kind in {"", "strong"} for m in marks.marks)
    assert all(m.cost == 0 and m.best == m.orders for m in marks.marks)
    # Talking beat the average choice by far: a strong choice.
    assert marks.marks[0].kind == "strong" and marks.marks[0].symbol == "!"


def test_a_planted_strike_is_marked_a_blunder(deck: CompiledDeck) -> None:
    marks = mark_choices(played(deck, ["talk", "strike"]), games=8)
    first, strike = marks.marks
    assert first.kind == "strong"
    assert strike.kind == "blunder" and strike.symbol == "??"
    assert strike.orders == ("strike",) and strike.best == ("talk",)
    assert strike.value == 0 and strike.best_value == 6 and strike.most == 6
    assert strike.endings["war"] == (1.0, 0.0)
    text = strike.summary(marks.titles)
    assert text.startswith("a blunder: 6.0 of 6 points below the best choice found: Talk")
    assert "War 100% against 0%" in text


def test_a_wait_costs_a_calm_strait(deck: CompiledDeck) -> None:
    # Waiting in week 1 leaves tension at 3 by the end (the stand-in talks after): the calm
    # objective (2 of 6 points) is lost, a third of the seat's points.
    marks = mark_choices(played(deck, ["wait", "talk", "talk"]), games=8)
    assert marks.marks[0].kind == "blunder" and marks.marks[0].cost == 2
    assert [m.kind for m in marks.marks[1:]] == ["strong", "strong"]


def test_a_turn_a_stand_in_played_is_not_the_teams_to_answer_for(deck: CompiledDeck) -> None:
    save = played(deck, ["talk", "strike"], {2: [f"{STAND_IN_MARK}Strike: chosen at random."]})
    marks = mark_choices(save, games=4)
    assert [m.turn for m in marks.marks] == [1] and marks.skipped == ((2, "red"),)


def test_the_thresholds_are_shares_of_the_seats_points_beyond_the_noise() -> None:
    most = 20.0
    assert judge(10.0, 10.0 + BLUNDER * most, 10.0, 0.0, most) == "blunder"
    assert judge(10.0, 10.0 + MISTAKE * most, 10.0, 0.0, most) == "mistake"
    assert judge(10.0, 10.0 + INACCURACY * most, 10.0, 0.0, most) == "inaccuracy"
    assert judge(10.0, 10.0 + INACCURACY * most / 2, 10.0, 0.0, most) == ""
    # The same cost inside the noise of the continuations is no mark at all.
    assert judge(10.0, 15.0, 10.0, 6.0, most) == ""
    assert judge(10.0, 10.0, 7.0, 0.0, most) == "strong"


def test_marks_are_kept_beside_the_save_and_read_back(deck: CompiledDeck, tmp_path: Path) -> None:
    path = write_save(played(deck, ["talk", "strike"]), tmp_path / "game.json")
    from wargame.saves.store import read_save

    save = read_save(path)
    first = cached_marks(save, path, games=4)
    assert sidecar_path(path).exists()
    again = cached_marks(save, path, games=4)
    assert again == first and latest_marks(save, path) == first
    assert Marks.from_json(first.to_json()) == first


def test_marks_do_not_depend_on_the_worker_processes(decks: dict[str, CompiledDeck]) -> None:
    game = Game(decks["tutorial"], 3)
    for _ in range(2):
        for actor in game.deck.actors:
            game.submit(actor, [game.available_moves(actor)[0].id])
        game.resolve()
    save = new_save(game, {"red": "human", "blue": "doctrine:broker"})
    one = mark_choices(save, games=12, seed=2, jobs=1)
    two = mark_choices(save, games=12, seed=2, jobs=2)
    assert one == two


def test_the_report_lists_marks_per_seat_and_on_the_timeline(deck: CompiledDeck) -> None:
    from wargame.report.data import build_report
    from wargame.report.templates import render_report

    save = played(deck, ["talk", "strike"])
    marks = mark_choices(save, games=4)
    text = render_report(build_report(save, "facilitator", marks=marks), "markdown")
    assert "## Marked choices" in text and "Red: 1 blunder, 1 strong choice" in text
    assert "- Red: Strike (?? blunder)" in text


def test_marks_are_withheld_where_the_odds_are(decks: dict[str, CompiledDeck]) -> None:
    from wargame.report.data import ODDS_WITHHELD, build_report

    game = Game(decks["tutorial"], 3)
    for _ in range(3):
        for actor in game.deck.actors:
            game.submit(actor, [game.available_moves(actor)[-1].id])
        game.resolve()
    save = new_save(game, {"red": "human", "blue": "human"})
    marks = mark_choices(save, games=2, seats=["red"])
    seat = build_report(save, "red", marks=marks)
    assert seat.marks is None and seat.withheld == ODDS_WITHHELD  # Blue's secrets fed the continuations
    assert build_report(save, "facilitator", marks=marks).marks == marks
