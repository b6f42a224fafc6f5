"""Unattributed moves: everyone sees what they do and reads their news; who played them
stays with the actor (and those it shares with) until the play is detected or revealed.
Views, observations, bots' beliefs and the report all keep it so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine.test_engine_properties import assert_view_keeps_secrets
from wargame.deck.compile import CompiledDeck
from wargame.deck.lint import lint_deck
from wargame.deck.loader import load_deck, load_deck_text
from wargame.engine.game import Game
from wargame.errors import DeckError
from wargame.observe.build import observe
from wargame.observe.view import PlayerView

DECK_PATH = Path(__file__).resolve().parents[1] / "decks_format" / "unattributed.toml"


@pytest.fixture(scope="module")
def deck() -> CompiledDeck:
    return load_deck(DECK_PATH)


def _cut(deck: CompiledDeck, detected: bool) -> Game:
    game = Game(deck, 3)
    game.submit("north", ["cut"])
    game.submit("south", [])
    game.submit("ally", [])
    game.override("detect:cut", detected)
    game.resolve()
    return game


def test_everyone_reads_the_news_and_sees_the_change_but_not_who(deck: CompiledDeck) -> None:
    game = _cut(deck, detected=False)
    for viewer in ("south", "public"):
        obs = observe(game, viewer)
        [news] = obs.news
        assert news.text == "The undersea cable goes dark; outage now 3."
        assert news.actor is None and news.source is None
        assert obs.plays == [] and obs.turns[0].rolls == []
        assert [c.name for c in obs.turns[0].changes] == ["outage"]
        dumped = json.dumps(obs.model_dump())
        assert '"cut"' not in dumped and "Cut the undersea cable" not in dumped
    for viewer in ("north", "ally", "facilitator"):
        obs = observe(game, viewer)
        assert obs.news[0].actor == "north" and obs.news[0].source == "cut"
        assert [p.move for p in obs.plays] == ["cut"]
    # The saboteur's own results: the news is public, so "only you know" holds its roll only.
    private = observe(game, "north").seat
    assert private is not None and private.private is not None
    assert private.private.news == [] and [r.kind for r in private.private.rolls] == ["detect"]


def test_detection_names_the_actor_to_everyone(deck: CompiledDeck) -> None:
    game = _cut(deck, detected=True)
    obs = observe(game, "south")
    assert [n.text for n in obs.news] == ["The undersea cable goes dark; outage now 3.", "Revealed: North played Cut the undersea cable."]
    assert obs.news[0].actor == "north"  # once revealed, the news says whose it was
    assert [p.move for p in obs.plays] == ["cut"]


def test_a_bots_belief_does_not_count_an_unattributed_play(deck: CompiledDeck) -> None:
    game = _cut(deck, detected=False)
    cut = deck.move_index["cut"]
    assert PlayerView(game, "south").belief.counts[cut] == 0
    assert PlayerView(game, "ally").belief.counts[cut] == 1
    assert PlayerView(game, "south").belief.v[deck.scope.tracks["outage"]] == 3


def test_the_seat_sheet_says_what_everyone_sees(deck: CompiledDeck) -> None:
    sheet = observe(Game(deck, 1), "north").seat
    assert sheet is not None
    cut = next(m for m in sheet.moves if m.id == "cut")
    assert cut.unattributed and cut.secret
    assert cut.visibility.startswith("unattributed: everyone sees what it does, not who did it")


def test_the_report_of_a_seat_names_nobody(deck: CompiledDeck, tmp_path: Path) -> None:
    from wargame.report.data import build_report
    from wargame.report.templates import render_report
    from wargame.saves.store import new_save, update_save

    game = _cut(deck, detected=False)
    save = update_save(new_save(game, {"north": "human", "south": "human", "ally": "human"}), game)
    text = render_report(build_report(save, "south"), "markdown")
    assert "The undersea cable goes dark" in text
    assert "Cut the undersea cable" not in text


@given(seed=st.integers(0, 2**32), data=st.data())
@settings(max_examples=25, deadline=None)
def test_no_seat_learns_who_played_an_unattributed_move(deck: CompiledDeck, seed: int, data: st.DataObject, drive: Any) -> None:
    game = Game(deck, seed)
    while not game.is_over:
        drive(game, data.draw, data.draw(st.booleans()))
        for seat in deck.actors:
            assert_view_keeps_secrets(game, seat)
        known = {(t, m) for (t, m) in game.revealed_plays}
        for viewer in ("south", "public"):
            for n in PlayerView(game, viewer).news:
                if n.kind == "move" and n.actor == "north":
                    assert n.source != "cut" or (n.turn, "cut") in known


def test_an_offer_cannot_be_unattributed() -> None:
    text = (Path(__file__).resolve().parents[1] / "decks_format" / "offer-wait.toml").read_text()
    with pytest.raises(DeckError) as err:
        load_deck_text(text.replace('targets = ["utility"]', 'targets = ["utility"]\nvisibility = "unattributed"'), "x.toml")
    assert "an offer cannot be unattributed" in str(err.value)


def test_lint_asks_for_news_everyone_may_read(deck: CompiledDeck) -> None:
    text = DECK_PATH.read_text().replace(', news = "The undersea cable goes dark; outage now {outage}."', "")
    found = [w for w in lint_deck(load_deck_text(text, "x.toml")) if w.code == "unattributed-without-news"]
    assert len(found) == 1
    assert 'every seat reads "Unattributed: Cut the undersea cable"' in found[0].message
    # A secret move that moves a public track is pointed to the right way to write it.
    secret = text.replace('visibility = "unattributed"', 'visibility = "secret"')
    [hint] = [w for w in lint_deck(load_deck_text(secret, "x.toml")) if w.code == "secret-move-public-change"]
    assert 'visibility = \\"unattributed\\"' in json.dumps(hint.message)
