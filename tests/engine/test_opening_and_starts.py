"""The opening (events at `at = 0`, before turn 1's orders) and the doctrines' own start
values and objectives: what the game does with them, what saves keep, what analysis says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wargame.analysis.simulate import simulate
from wargame.analysis.sweep import sweep, sweep_csv, sweep_text
from wargame.deck.loader import load_deck, load_deck_text
from wargame.engine.game import Game
from wargame.errors import DeckError
from wargame.observe.build import observe
from wargame.play.timeline import SavedGame
from wargame.saves.store import new_save, parse_save, replay, update_save, verify

FORMAT = Path(__file__).resolve().parents[1] / "decks_format"
OPENING = load_deck(FORMAT / "opening.toml")
TERMS = load_deck(FORMAT / "doctrine-terms.toml")


def test_the_opening_happens_before_the_first_orders() -> None:
    game = Game(OPENING, 4)
    assert game.state.turn == 1 and game.records == []
    assert game.opening is not None and game.opening.turn == 0
    assert game.opening.fired[0] == "attack"
    assert game.state.v[0] == 6  # the attack's outage, before anyone orders
    assert game.available_moves("utility")  # `restore` needs the attack to have happened
    news = [(n.turn, n.kind, n.text) for n in game.news]
    assert news[0] == (0, "event", "04:00: ransomware locks the utility's control room; 60,000 homes are without power.")
    assert (0, "threshold", "Outage rises to blackout (6).") in news


def test_the_opening_rolls_its_own_dice_the_same_way_every_time() -> None:
    fired = {seed: "leak" in Game(OPENING, seed).opening.fired for seed in range(40)}  # type: ignore[union-attr]
    assert set(fired.values()) == {True, False}  # a 50% event fires in some games only
    assert all(("leak" in Game(OPENING, seed).opening.fired) == f for seed, f in fired.items())  # type: ignore[union-attr]


def test_since_counts_from_the_opening() -> None:
    game = Game(OPENING, 4)
    game.submit("utility", ["restore"])
    assert "The next morning the press asks how it happened." in [n.text for n in game.resolve().news]


def test_every_viewer_sees_the_opening_and_the_history_starts_after_it() -> None:
    game = Game(OPENING, 4)
    for viewer in ("utility", "public", "facilitator"):
        obs = observe(game, viewer)
        assert obs.opening is not None and obs.opening.turn == 0
        assert obs.opening.label == "Before the first orders"
        assert obs.opening.news[0].text.startswith("04:00: ransomware")
        assert obs.turns == [] and obs.tracks[0].history == [6]


def test_a_deck_without_an_opening_has_none() -> None:
    deck = load_deck(FORMAT / "flag-labels.toml")
    game = Game(deck, 1)
    assert game.opening is None and observe(game, "utility").opening is None


def test_a_save_replays_the_opening_and_verifies(tmp_path: Path) -> None:
    game = Game(OPENING, 9)
    game.submit("utility", ["restore"])
    game.resolve()
    save = update_save(new_save(game, {"utility": "human"}), game)
    again = replay(parse_save(save.model_dump_json().encode()))
    assert [n.text for n in again.news] == [n.text for n in game.news]
    assert verify(save).ok
    before = SavedGame(save).observe("utility", 1)
    assert before.opening is not None and before.opening.news[0].text.startswith("04:00")


def test_an_inject_cannot_open_the_scenario() -> None:
    text = (FORMAT / "opening.toml").read_text().replace('at = 0\nchance = 0.5', 'at = 0\ninject = true')
    with pytest.raises(DeckError) as err:
        load_deck_text(text, "x.toml")
    assert "events[1].at: an inject fires only when the facilitator fires it" in str(err.value)


def test_a_doctrine_seated_from_the_start_sets_its_start_values() -> None:
    seats = {"utility": "doctrine:responder", "crew": "doctrine:disruptor"}
    starts = TERMS.doctrine_starts(seats)
    assert starts == {"crew.capability": 3.0}
    assert TERMS.doctrine_starts({"crew": "doctrine:extortionist"}) == {}
    game = Game(TERMS, 2, starts=starts)
    assert game.state.v[TERMS.slot_names.index("crew.capability")] == 3
    save = update_save(new_save(game, seats), game)
    assert json.loads(save.model_dump_json())["starts"] == {"crew.capability": 3.0}
    assert replay(save).state.v == game.state.v
    plain = update_save(new_save(Game(TERMS, 2), seats), Game(TERMS, 2))
    assert "starts" not in json.loads(plain.model_dump_json())  # other saves keep their shape


def test_a_doctrine_start_outside_its_actors_tracks_is_refused() -> None:
    text = (FORMAT / "doctrine-terms.toml").read_text()
    with pytest.raises(DeckError) as err:
        load_deck_text(text.replace("start = { capability = 3 }", "start = { capabilty = 3 }"), "x.toml")
    assert "crew has no track 'capabilty' (did you mean 'capability'?)" in str(err.value)
    with pytest.raises(DeckError) as err:
        load_deck_text(text.replace("start = { capability = 3 }", "start = { capability = 30 }"), "x.toml")
    assert "start 30 is outside 0..10" in str(err.value)


def test_simulate_and_sweep_score_a_doctrine_on_its_own_terms() -> None:
    s = simulate(TERMS, 60, 1, {"utility": "doctrine:responder", "crew": "doctrine:disruptor"})
    assert set(s.own_scores) == {"crew"} and 0 <= s.own_scores["crew"] <= 3
    assert "own_scores" in s.to_json()
    plain = simulate(TERMS, 20, 1, {"utility": "doctrine:responder", "crew": "doctrine:extortionist"})
    assert plain.own_scores == {} and "own_scores" not in plain.to_json()
    sw = sweep(TERMS, 30, 1)
    by_crew = {row.seats["crew"]: row for row in sw.rows}
    assert set(by_crew["doctrine:disruptor"].own_scores) == {"crew"}
    assert by_crew["doctrine:extortionist"].own_scores == {}
    assert "| own terms: crew 0." in sweep_text(TERMS, sw)
    assert sweep_csv(sw).splitlines()[0].endswith(",own:crew")
