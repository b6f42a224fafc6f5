"""Lookahead bots: legal orders within the playout budget, deterministic for a seed,
explained, and actually looking ahead (they find the move that meets objectives)."""

from __future__ import annotations

import pytest

from wargame.bots.lookahead import BUDGETS, LookaheadBot, parse_budget
from wargame.bots.make import make_bot
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game
from wargame.errors import WargameError
from wargame.observe.view import PlayerView

FORK = """
[deck]
id = "fork"
title = "Fork"
version = 1
turns = 1
turn_name = "day"
start = 2022-01-01

[tracks.gold]
label = "Gold"
min = 0
max = 10
start = 1

[actors.hero]
name = "Hero"
objectives = [
  { text = "Gold 2 or more", when = "gold >= 2", points = 3 },
  { text = "Keep some gold", when = "gold >= 1", points = 1 },
]

[actors.other]
name = "Other"

[[moves]]
id = "dig"
actor = "hero"
name = "Dig"
category = "economic"
always = { effects = ["gold += 1"] }

[[moves]]
id = "burn"
actor = "hero"
name = "Burn"
category = "economic"
always = { effects = ["gold -= 1"] }

[[moves]]
id = "gamble"
actor = "hero"
name = "Gamble"
category = "economic"
chance = 0.1
success = { effects = ["gold += 2"] }
failure = { effects = ["gold -= 1"] }

[[moves]]
id = "shrug"
actor = "other"
name = "Shrug"
category = "diplomatic"

[[endings]]
id = "end"
title = "End"
turn_limit = true
"""


@pytest.fixture(scope="module")
def fork() -> CompiledDeck:
    return load_deck_text(FORK, "fork.toml")


def test_finds_the_move_that_meets_its_objective(fork: CompiledDeck) -> None:
    game = Game(fork, 1)
    for seed in range(5):
        bot = make_bot("lookahead:60", fork, "hero", seed)
        decision = bot.decide(PlayerView(game, "hero"), game.available_moves("hero"), 1)
        assert decision.orders == ("dig",)


def test_holds_back_when_every_order_hurts(fork: CompiledDeck) -> None:
    game = Game(fork, 1)
    burn = [m for m in game.available_moves("hero") if m.id == "burn"]
    bot = make_bot("lookahead:40", fork, "hero", 0)
    assert bot.decide(PlayerView(game, "hero"), burn, 1).orders == ()


def test_orders_are_legal_distinct_and_within_budget(decks: dict[str, CompiledDeck]) -> None:
    deck = decks.get("korea-2022", decks["tutorial"])
    game = Game(deck, 5)
    for turn in range(2):
        for actor in deck.actors:
            bot = make_bot("lookahead:30", deck, actor, turn)
            assert isinstance(bot, LookaheadBot)
            legal = game.available_moves(actor)
            allowed = game.orders_allowed(actor)
            decision = bot.decide(PlayerView(game, actor), legal, allowed)
            assert 0 < bot.playouts <= 30
            assert len(set(decision.orders)) == len(decision.orders) <= allowed
            assert set(decision.orders) <= {m.id for m in legal}
            if decision.orders:
                assert len(decision.reasons) == len(decision.orders)
            else:  # standing pat is explained too
                assert len(decision.reasons) == 1 and decision.reasons[0].startswith("Stands pat: ")
            game.submit(actor, decision.orders, decision.reasons)
        game.resolve()


def test_same_seed_same_decision(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 3)

    def decide(seed: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        bot = make_bot("lookahead:50", tutorial, "blue", seed)
        d = bot.decide(PlayerView(game, "blue"), game.available_moves("blue"), 1)
        return d.orders, d.reasons

    assert decide(8) == decide(8)


def test_reasons_report_the_playouts(fork: CompiledDeck) -> None:
    game = Game(fork, 1)
    bot = make_bot("lookahead:60", fork, "hero", 0)
    (reason,) = bot.decide(PlayerView(game, "hero"), game.available_moves("hero"), 1).reasons
    assert reason.startswith("Dig: Rollouts: ")
    assert "playouts of this order" in reason and "objective points" in reason
    assert "next best" in reason
    assert "'Gold 2 or more' met in 100% of them" in reason


def test_budgets() -> None:
    assert parse_budget("") == (BUDGETS["normal"], None)
    assert parse_budget("easy") == (BUDGETS["easy"], None)
    assert BUDGETS["easy"] < BUDGETS["normal"] < BUDGETS["hard"]
    assert parse_budget("250") == (250, None)
    assert parse_budget("300ms") == (None, 0.3)


@pytest.mark.parametrize("arg", ["abc", "0", "-5", "10s", "1e9", "ms"])
def test_a_bad_budget_is_a_clear_error(tutorial: CompiledDeck, arg: str) -> None:
    with pytest.raises(WargameError, match="lookahead budget"):
        make_bot(f"lookahead:{arg}", tutorial, "red", 1)


def test_a_time_budget_still_gives_legal_orders(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 2)
    bot = make_bot("lookahead:30ms", tutorial, "red", 1)
    decision = bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)
    assert set(decision.orders) <= {m.id for m in game.available_moves("red")}
    assert bot.playouts > 0


def test_nothing_to_decide_when_nothing_is_legal(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 2)
    bot = make_bot("lookahead", tutorial, "red", 1)
    assert bot.decide(PlayerView(game, "red"), [], 1).orders == ()
    assert bot.decide(PlayerView(game, "red"), game.available_moves("red"), 0).orders == ()
