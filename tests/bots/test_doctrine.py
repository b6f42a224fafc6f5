"""Doctrine bots: deck weights are respected, temperature sharpens or flattens, reasons
explain each order from the seat's belief, and a doctrine added in deck text just works."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.bots.doctrine import DoctrineBot, draw_orders
from wargame.bots.make import make_bot
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game
from wargame.errors import DeckError
from wargame.observe.view import PlayerView

DECKS = Path(__file__).resolve().parents[2] / "decks"

# Red never patrols, tests only while tension is low, and may talk; added as deck text.
EXTRA_DOCTRINE = """
[actors.red.doctrines.no-patrol]
summary = "Never patrols."
weights = { patrol = 0, "missile-test" = "3 * (tension < 7)", "talks-offer" = 1 }
default_weight = 0  # the moves it does not name (the tutorial's inspection and informer) are never ordered
temperature = 0.5
"""


@pytest.fixture(scope="module")
def extended() -> CompiledDeck:
    """The tutorial with one more doctrine, written in the deck and nowhere else."""
    source = (DECKS / "tutorial.toml").read_text(encoding="utf-8") + EXTRA_DOCTRINE
    return load_deck_text(source, "tutorial+no-patrol.toml")


def test_a_doctrine_added_to_the_deck_needs_no_code(extended: CompiledDeck) -> None:
    bot = make_bot("doctrine:no-patrol", extended, "red", 1)
    assert isinstance(bot, DoctrineBot)
    assert bot.label == "Doctrine: no-patrol"


@given(seed=st.integers(0, 2**32), turns=st.integers(0, 5))
def test_zero_weight_moves_are_never_ordered(extended: CompiledDeck, seed: int, turns: int) -> None:
    game = Game(extended, seed)
    rng = random.Random(seed)
    for _ in range(turns):
        if game.is_over:
            return
        for actor in game.actors:
            legal = game.available_moves(actor)
            game.submit(actor, [m.id for m in rng.sample(legal, min(len(legal), game.orders_allowed(actor)))])
        game.resolve()
    if game.is_over:
        return
    bot = make_bot("doctrine:no-patrol", extended, "red", seed)
    legal = game.available_moves("red")
    decision = bot.decide(PlayerView(game, "red"), legal, 1)
    assert "patrol" not in decision.orders
    tension = game.state.v[extended.scope.tracks["tension"]]
    if tension >= 7:
        assert "missile-test" not in decision.orders  # its weight is 0 at crisis
    # Something is ordered whenever a move with a positive weight is available.
    positive = [m.id for m in legal if m.id == "talks-offer" or (m.id == "missile-test" and tension < 7)]
    # Answers to an offer waiting (the tutorial's fishing deal) cost no order: left aside.
    ordinary = [o for o in decision.orders if "/" not in o]
    assert bool(ordinary) == bool(positive)
    assert set(ordinary) <= set(positive)


def test_orders_are_distinct_legal_and_as_many_as_allowed(decks: dict[str, CompiledDeck]) -> None:
    deck = decks["korea-2022"] if "korea-2022" in decks else decks["tutorial"]
    game = Game(deck, 7)
    for actor in deck.actors:
        for name in deck.doctrines[actor]:
            bot = make_bot(f"doctrine:{name}", deck, actor, 3)
            legal = game.available_moves(actor)
            allowed = game.orders_allowed(actor)
            decision = bot.decide(PlayerView(game, actor), legal, allowed)
            assert len(set(decision.orders)) == len(decision.orders) == min(allowed, len(legal))
            assert set(decision.orders) <= {m.id for m in legal}
            game.submit(actor, decision.orders, decision.reasons)  # the checked path accepts them


def test_doctrine_orders_cap(extended: CompiledDeck) -> None:
    source = extended.source.replace('temperature = 0.5\n', 'temperature = 0.5\norders = 0\n')
    deck = load_deck_text(source, "capped.toml")
    game = Game(deck, 1)
    bot = make_bot("doctrine:no-patrol", deck, "red", 1)
    assert bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1).orders == ()


def shares(weights: list[float], temperature: float, draws: int = 4000) -> Counter[int]:
    rng = random.Random(12345)
    return Counter(draw_orders(weights, 1, temperature, rng)[0][0] for _ in range(draws))


def test_temperature_one_draws_in_proportion_to_weight() -> None:
    counts = shares([1.0, 3.0], 1.0)
    assert abs(counts[1] / 4000 - 0.75) < 0.03


def test_low_temperature_all_but_always_takes_the_favourite() -> None:
    counts = shares([1.0, 2.0, 1.5], 0.05)
    assert counts[1] / 4000 > 0.99


def test_high_temperature_is_close_to_uniform() -> None:
    counts = shares([1.0, 4.0], 100.0)
    assert abs(counts[1] / 4000 - 0.5) < 0.04


def test_draws_are_without_replacement_and_skip_zero_weights() -> None:
    rng = random.Random(0)
    for _ in range(200):
        picks = draw_orders([0.0, 1.0, 0.0, 2.0, -1.0], 3, 0.7, rng)
        assert sorted(p for p, _ in picks) == [1, 3]
        assert all(0 < share <= 1 for _, share in picks)
    assert draw_orders([0.0, 0.0], 2, 1.0, rng) == []


def test_reasons_name_the_move_its_rank_and_the_tracks_its_weight_reads(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 4)
    seen: dict[str, str] = {}
    for seed in range(40):
        bot = make_bot("doctrine:bully", tutorial, "red", seed)
        decision = bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)
        assert len(decision.reasons) == len(decision.orders) == 1
        seen[decision.orders[0]] = decision.reasons[0]
    # The tutorial's Red has five moves (the inspection and the informer teach targeted
    # and secret moves); the bully weighs those two 1, so they are drawn too.
    assert {"patrol", "missile-test", "talks-offer"} <= set(seen) <= {"patrol", "missile-test", "talks-offer", "inspect@blue", "informer"}
    for move_id, reason in seen.items():
        move = tutorial.moves[tutorial.move_index[move_id]]
        assert reason.startswith(f"{move.name}: bully doctrine weight")
        assert " of 5 available" in reason and "% share" in reason
    # `2 + (tension < 7)` reads tension, which is 4 at the start: the reason quotes it.
    assert "2 + (tension < 7)" in seen["missile-test"] and "Tension is 4" in seen["missile-test"]
    assert "standing preference" in seen["patrol"]  # a constant weight reads nothing


def test_reasons_quote_counts_of_moves_the_weight_mentions(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 2)
    game.submit("red", ["missile-test"])
    game.submit("blue", [])
    game.resolve()
    for seed in range(60):
        bot = make_bot("doctrine:broker", tutorial, "blue", seed)
        decision = bot.decide(PlayerView(game, "blue"), game.available_moves("blue"), 1)
        if decision.orders == ("sanctions",):
            assert "Missile test played 1 time" in decision.reasons[0]
            return
    pytest.fail("the broker never chose sanctions after a missile test")


def test_same_seed_same_orders_for_a_whole_game(tutorial: CompiledDeck) -> None:
    def play(seed: int) -> list[tuple[str, ...]]:
        game = Game(tutorial, seed)
        bots = {"red": make_bot("doctrine:bully", tutorial, "red", seed), "blue": make_bot("doctrine:broker", tutorial, "blue", seed)}
        out = []
        while not game.is_over:
            for actor, bot in bots.items():
                d = bot.decide(PlayerView(game, actor), game.available_moves(actor), game.orders_allowed(actor))
                game.submit(actor, d.orders, d.reasons)
                out.append(d.orders + d.reasons)
            game.resolve()
        return out

    assert play(11) == play(11)
    assert any(play(11) != play(s) for s in range(12, 16))


def test_weights_are_read_from_the_belief_and_may_not_read_others_secrets(tutorial: CompiledDeck) -> None:
    # A weight reading another seat's secret would only ever see its start value from
    # the bot's own view: the loader refuses it (issue 8, item 2).
    source = tutorial.source + """
[actors.red.doctrines.spy-hunter]
weights = { patrol = "10 * (blue.intel >= 3)", "missile-test" = 1, "talks-offer" = 1 }
"""
    with pytest.raises(DeckError, match=r'doctrines\."spy-hunter"\.weights\.patrol: reads blue\.intel'):
        load_deck_text(source, "spy-hunter.toml")
    # Its own secret track is in its view, so a weight on it reacts to the real value.
    source = tutorial.source + """
[actors.blue.doctrines.spymaster]
weights = { spy-op = "10 * (blue.intel < 3)", sanctions = 1, "talks-offer-blue" = 1 }
"""
    deck = load_deck_text(source, "spymaster.toml")
    game = Game(deck, 3)
    bot = make_bot("doctrine:spymaster", deck, "blue", 3)
    assert isinstance(bot, DoctrineBot)
    spy = [m.id for m in game.available_moves("blue")].index("spy-op")
    assert bot.weights(PlayerView(game, "blue").belief, game.available_moves("blue"))[spy] == 10.0
    game.state.v[deck.scope.actor_tracks["blue"]["intel"]] = 5
    assert bot.weights(PlayerView(game, "blue").belief, game.available_moves("blue"))[spy] == 0.0
