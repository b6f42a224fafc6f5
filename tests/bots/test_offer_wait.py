"""Leaving an offer unanswered is a choice computer seats make: `OFFER/wait` weights it for
doctrine and lookahead seats, and random seats try it when the offer says what silence does.
A seat that gives waiting no weight draws exactly as before."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from wargame.analysis.simulate import simulate_tally
from wargame.bots.answers import Pending, draw_answer, random_answer, split_answers
from wargame.bots.base import RandomBot
from wargame.bots.doctrine import DoctrineBot
from wargame.deck.loader import load_deck, load_deck_text
from wargame.engine.game import Game
from wargame.errors import DeckError
from wargame.observe.view import PlayerView

ROOT = Path(__file__).resolve().parents[2]
DECK = ROOT / "tests" / "decks_format" / "offer-wait.toml"


def _waiting(seed: int = 1) -> Game:
    """A game where the crew's ransom demand waits for the utility's answer."""
    game = Game(load_deck(DECK), seed)
    game.submit("utility", [])
    game.submit("crew", ["ransom@utility"])
    game.resolve()
    return game


def test_without_a_wait_weight_the_draw_is_the_old_one() -> None:
    game = _waiting()
    _legal, pending = split_answers(game.available_moves("utility"))
    for seed in range(50):
        a, b = random.Random(seed), random.Random(seed)
        share = 0.3
        old = pending[0].accept if a.random() < share else pending[0].refuse
        assert draw_answer(pending[0], 0.3, 0.7, 1.0, b).move is old


def test_a_wait_weight_leaves_the_offer_at_its_share() -> None:
    game = _waiting()
    _legal, pending = split_answers(game.available_moves("utility"))
    rng = random.Random(4)
    answers = [draw_answer(pending[0], 1.0, 1.0, 1.0, rng, wait=2.0) for _ in range(4000)]
    waited = sum(a.move is None for a in answers) / len(answers)
    assert 0.45 < waited < 0.55
    assert answers[0].wait_share == pytest.approx(0.5)


def test_random_seats_wait_only_where_silence_matters() -> None:
    game = _waiting()
    _legal, pending = split_answers(game.available_moves("utility"))
    assert pending[0].silence_matters
    rng = random.Random(2)
    assert any(random_answer(pending[0], rng).move is None for _ in range(30))
    quiet = Pending(pending[0].accept, pending[0].refuse)
    object.__setattr__(quiet, "accept", _without_silence(pending[0].accept))
    assert all(random_answer(quiet, rng).move is not None for _ in range(200))
    bot = RandomBot(3)
    decisions = [bot.decide(PlayerView(game, "utility"), game.available_moves("utility"), 1) for _ in range(60)]
    assert any(not any("/" in o for o in d.orders) for d in decisions)


def _without_silence(move: object) -> object:
    import copy

    clone = copy.copy(move)
    clone.silence_matters = False  # type: ignore[attr-defined]
    return clone


def test_a_doctrine_that_weighs_waiting_says_so_and_lets_offers_expire() -> None:
    deck = load_deck(DECK)
    game = _waiting()
    bot = DoctrineBot(deck, "utility", deck.doctrines["utility"]["stall"], 5)
    reasons = [r for _ in range(40) for r in bot.decide(PlayerView(game, "utility"), game.available_moves("utility"), 1).reasons]
    waits = [r for r in reasons if r.startswith("Leaves the offer unanswered")]
    assert waits
    assert "stall doctrine weighs accepting 0, refusing 1 and waiting 2.5" in waits[0]
    assert "chance of waiting" in waits[0]
    tally = simulate_tally(deck, games=80, seed=3, seats={"utility": "doctrine:stall", "crew": "doctrine:extort"})
    assert tally.offers[(0, "expired")] > 0


def test_wait_weights_are_checked_like_answers() -> None:
    text = DECK.read_text()
    with pytest.raises(DeckError) as err:
        load_deck_text(text.replace('summary = "Demands a ransom whenever it can."', 'summary = "x"\nweights = { "ransom/wait" = 1 }')
                       .replace('weights = { ransom = 3, leak = 1 }', ''), "w.toml")
    assert "'ransom' is crew's own offer" in str(err.value)
    with pytest.raises(DeckError) as err:
        load_deck_text(text.replace('"ransom/wait" = "4 - outage / 4"', '"ransm/wait" = 1'), "w.toml")
    assert "there is no offer 'ransm' (did you mean 'ransom'?)" in str(err.value)
