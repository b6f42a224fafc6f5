"""Playtests and doctrine sweeps: what they find, and that they are the same whatever the
number of worker processes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from wargame.analysis.playtest import playtest, playtest_text, rotations
from wargame.analysis.sweep import combinations, parse_doctrines, sweep, sweep_csv, sweep_text
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck, load_deck_text
from wargame.errors import WargameError

FIXTURES = Path(__file__).resolve().parents[1] / "decks_lint"


def test_playtest_finds_what_static_lint_cannot() -> None:
    deck = load_deck(FIXTURES / "playtest-only.toml")
    report = playtest(deck, 60, seed=1)
    found = {(w.code, w.where) for w in report.findings}
    assert found == {
        ("playtest-move-always-fizzles", "moves[1].requires"),
        ("playtest-event-never-fired", "events[0].when"),
        ("playtest-ending-never-reached", "endings[0].when"),
        # Tension never reaches 5 in four turns with bluff fizzling: Red's objective always holds.
        ("playtest-objectives-always-met", "actors.red.objectives"),
    }
    lines = deck.source.splitlines()
    for w in report.findings:
        assert w.line is not None and w.file == deck.path
        assert lines[w.line - 1].split("=")[0].strip() in w.where  # the finding's own line
    bluff = deck.move_index["bluff"]
    assert report.random.ordered[bluff] > 0 and report.random.moves[bluff] == 0


def test_playtest_finds_the_misses_designers_met() -> None:
    # Issue 19: a move fizzling in most games, an expire outcome doctrines never let run,
    # objectives met whatever a seat does.
    deck = load_deck(FIXTURES / "playtest-misses.toml")
    report = playtest(deck, 60, seed=1)
    found = {w.code: w for w in report.findings if w.severity == "warning"}
    assert set(found) == {"playtest-move-mostly-fizzles", "playtest-offer-never-expires", "playtest-objectives-always-met"}
    fizzles = found["playtest-move-mostly-fizzles"]
    strike = deck.move_index["strike"]
    ordered = report.random.ordered[strike] + report.doctrine.ordered[strike]
    played = report.random.moves[strike] + report.doctrine.moves[strike]
    assert fizzles.where == "moves[0].requires" and f"fizzled {ordered - played} of the {ordered} times" in fizzles.message
    assert 2 * (ordered - played) >= ordered
    expires = found["playtest-offer-never-expires"]
    assert expires.where == "moves[1].offer.expire" and "'deal/wait'" in expires.message
    assert found["playtest-objectives-always-met"].message.startswith("Red scored 1.00 of 1 point on average")
    lines = deck.source.splitlines()
    for w in found.values():
        assert w.line is not None and lines[w.line - 1].split("=")[0].strip() in w.where.split(".")[-1]


def test_a_playtest_warning_can_be_allowed_like_a_static_one() -> None:
    text = (FIXTURES / "playtest-misses.toml").read_text(encoding="utf-8")
    allowed = text.replace('requires = "tension >= 3"', '# lint: allow playtest-move-mostly-fizzles -- Blue calming first is the point\nrequires = "tension >= 3"')
    deck = load_deck_text(allowed, "misses.toml")
    codes = {w.code for w in playtest(deck, 60, seed=1).findings}
    assert "playtest-move-mostly-fizzles" not in codes and "playtest-offer-never-expires" in codes


def test_playtest_counts_add_up_and_do_not_depend_on_jobs(tutorial: CompiledDeck) -> None:
    one = playtest(tutorial, 80, seed=3, jobs=1)
    two = playtest(tutorial, 80, seed=3, jobs=2)
    assert json.dumps(one.to_json(tutorial)) == json.dumps(two.to_json(tutorial))
    data = one.to_json(tutorial)
    for kind in ("random", "doctrine"):
        assert data[kind]["games"] == 80
        assert sum(e["games"] for e in data[kind]["endings"].values()) == 80
        for counts in data[kind]["moves"].values():
            assert counts["ordered"] == counts["played"] + counts["fizzled"]
    assert data["doctrine"]["rotations"] == [{"red": "doctrine:bully", "blue": "doctrine:broker"}]
    text = playtest_text(tutorial, one)
    assert "Naval patrol" in text and "Storm season" in text and "Stalemate" in text


def test_the_tutorial_playtest_finds_no_warnings(tutorial: CompiledDeck) -> None:
    report = playtest(tutorial, 200, seed=0)
    assert [w for w in report.findings if w.severity == "warning"] == []


def test_rotations_give_every_doctrine_a_turn(decks: dict[str, CompiledDeck]) -> None:
    korea = decks["korea-2022"]
    rots = rotations(korea)
    for actor, docs in korea.doctrines.items():
        assert {r[actor] for r in rots} == {f"doctrine:{d}" for d in docs}


def test_combinations_cover_every_doctrine_of_every_actor(decks: dict[str, CompiledDeck]) -> None:
    korea = decks["korea-2022"]
    combos = combinations(korea)
    expected = 1
    for docs in korea.doctrines.values():
        expected *= max(1, len(docs))
    assert len(combos) == expected == len({tuple(c.values()) for c in combos})
    chosen = combinations(korea, {"dprk": ["hardliner"], "us": ["pressure-first", "random"]})
    assert {c["dprk"] for c in chosen} == {"doctrine:hardliner"}
    assert {c["us"] for c in chosen} == {"doctrine:pressure-first", "random"}


@pytest.mark.parametrize(("chosen", "message"), [
    ({"nobody": ["x"]}, "unknown actor 'nobody'"),
    ({"red": ["nosuch"]}, "'red' has no doctrine 'nosuch'"),
    ({"red": ["bully", "bully"]}, "named twice"),
])
def test_bad_doctrine_choices_are_refused(tutorial: CompiledDeck, chosen: dict[str, list[str]], message: str) -> None:
    with pytest.raises(WargameError, match=message):
        combinations(tutorial, chosen)


@pytest.mark.parametrize(("values", "message"), [
    (["red"], "should look like ACTOR=NAME"),
    (["red=bully", "red=random"], "given twice"),
    (["red=bully,"], "empty doctrine name"),
])
def test_bad_doctrine_options_are_refused(values: list[str], message: str) -> None:
    with pytest.raises(WargameError, match=message):
        parse_doctrines(values)


def test_sweep_is_the_same_whatever_the_jobs(tutorial: CompiledDeck) -> None:
    chosen = {"red": ["bully", "random"]}
    runs = [sweep(tutorial, 50, 7, chosen, jobs=j) for j in (1, 2, 3)]
    jsons = {json.dumps(r.to_json()) for r in runs}
    csvs = {sweep_csv(r) for r in runs}
    assert len(jsons) == 1 and len(csvs) == 1
    data = runs[0].to_json()
    assert [c["seats"] for c in data["combinations"]] == [
        {"red": "doctrine:bully", "blue": "doctrine:broker"},
        {"red": "random", "blue": "doctrine:broker"},
    ]
    for row in data["combinations"]:
        assert row["games"] == 50 and sum(row["endings"].values()) == 50
        for ending, (lo, hi) in row["ending_intervals"].items():
            assert lo <= row["ending_rates"][ending] <= hi
    assert runs[0].to_json() != sweep(tutorial, 50, 8, chosen).to_json()


def test_a_sweep_row_is_the_simulation_of_its_seats(tutorial: CompiledDeck) -> None:
    from wargame.analysis.simulate import simulate

    result = sweep(tutorial, 40, 5, {"red": ["random"]})
    alone = simulate(tutorial, 40, 5, result.rows[0].seats).to_json()
    assert result.rows[0].endings == alone["endings"]
    assert result.rows[0].scores == alone["scores"]


def test_sweep_table_and_csv_carry_the_figures(tutorial: CompiledDeck) -> None:
    result = sweep(tutorial, 30, 2)
    text = sweep_text(tutorial, result)
    assert "Clash" in text and "bully" in text and "broker" in text
    rows = list(csv.DictReader(io.StringIO(sweep_csv(result))))
    assert len(rows) == 1
    assert int(rows[0]["clash:games"]) + int(rows[0]["deal:games"]) + int(rows[0]["stalemate:games"]) == 30
    assert float(rows[0]["score:red"]) == result.rows[0].scores["red"]
