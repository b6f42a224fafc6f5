"""The turn as `Game.resolve` documents it: order, fizzles, limits, dice, injects, endings.

Most tests use ORDER_DECK, a deck built to make resolution visible: every move appends
its digit to the `log` track (`log = log * 10 + digit`), so the value of `log` after a
turn spells the order in which the moves resolved.
"""

from __future__ import annotations

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game
from wargame.engine.state import FACILITATOR, TurnRecord
from wargame.errors import ExpressionError, IllegalOrderError, WargameError

ORDER_DECK = """
[deck]
id = "order"
title = "Resolution order"
turns = 6
turn_name = "week"

[tracks.log]
label = "Resolution log"
min = 0
max = 1e12

[tracks.tension]
label = "Tension"
min = 0
max = 10
start = 5
thresholds = { 7 = "crisis" }

[flags]
open = true

[actors.alpha]
name = "Alpha"
orders_per_turn = 3

[actors.beta]
name = "Beta"
orders_per_turn = 3

[[moves]]
id = "a-mil"
actor = "alpha"
name = "Alpha military"
category = "military"
always = { effects = ["log = log * 10 + 1"] }

[[moves]]
id = "a-dip"
actor = "alpha"
name = "Alpha diplomatic"
category = "diplomatic"
always = { effects = ["log = log * 10 + 2"] }

[[moves]]
id = "a-eco"
actor = "alpha"
name = "Alpha economic"
category = "economic"
always = { effects = ["log = log * 10 + 3"] }

[[moves]]
id = "a-mil-2"
actor = "alpha"
name = "Alpha second military"
category = "military"
always = { effects = ["log = log * 10 + 4"] }

[[moves]]
id = "b-mil"
actor = "beta"
name = "Beta military"
category = "military"
always = { effects = ["log = log * 10 + 5"] }

[[moves]]
id = "b-dip"
actor = "beta"
name = "Beta diplomatic"
category = "diplomatic"
always = { effects = ["log = log * 10 + 6"] }

[[moves]]
id = "b-info"
actor = "beta"
name = "Beta information"
category = "information"
always = { effects = ["log = log * 10 + 7"] }

[[moves]]
id = "close"
actor = "alpha"
name = "Close the channel"
category = "diplomatic"
success = { effects = ["flags.open = false"], news = "Alpha closes the channel." }

[[moves]]
id = "use-channel"
actor = "beta"
name = "Use the channel"
category = "military"
requires = "flags.open"
requires_text = "Only while the channel is open."
success = { effects = ["tension += 3"], news = "Beta uses the channel." }

[[moves]]
id = "gamble"
actor = "beta"
name = "Gamble"
category = "economic"
chance = "tension / 10"
success = { effects = ["tension += 1"], news = "The gamble pays." }
failure = { effects = ["tension -= 1"], news = "The gamble fails." }

[[moves]]
id = "summit"
actor = "alpha"
name = "Summit"
category = "diplomatic"
once = true

[[moves]]
id = "drill"
actor = "beta"
name = "Drill"
category = "military"
cooldown = 2

[[events]]
id = "storm"
at = 2
chance = 0.5
effects = ["tension -= 2"]
news = "A storm."
failure_news = "No storm."

[[events]]
id = "spiral"
when = "tension >= 8"
effects = ["tension += 1"]
news = "Things spiral."

[[events]]
id = "incident"
inject = true
once = false
effects = ["tension += 2"]
news = "An incident at sea."

[[endings]]
id = "war"
title = "War"
when = "tension >= 10"
text = "War breaks out."

[[endings]]
id = "limit"
title = "Time runs out"
turn_limit = true
"""


@pytest.fixture(scope="module")
def deck() -> CompiledDeck:
    return load_deck_text(ORDER_DECK, "order.toml")


def turn(game: Game, alpha: list[str] = [], beta: list[str] = []) -> TurnRecord:  # noqa: B006
    game.submit("alpha", alpha)
    game.submit("beta", beta)
    return game.resolve()


def value(game: Game, name: str) -> float:
    return game.state.v[game.deck.slot_names.index(name)]


def test_orders_resolve_by_category_then_actor_then_position(deck: CompiledDeck) -> None:
    game = Game(deck, seed=1)
    rec = turn(game, alpha=["a-mil-2", "a-dip", "a-mil"], beta=["b-mil", "b-info", "b-dip"])
    # diplomatic: a-dip (2), b-dip (6); information: b-info (7); military: alpha in the
    # order given (a-mil-2 = 4, a-mil = 1), then beta (b-mil = 5).
    assert value(game, "log") == 267415
    assert [n.source for n in rec.news if n.kind == "move"] == ["a-dip", "b-dip", "b-info", "a-mil-2", "a-mil", "b-mil"]
    assert [p.move for p in rec.plays] == ["a-dip", "b-dip", "b-info", "a-mil-2", "a-mil", "b-mil"]


def test_submission_order_of_seats_does_not_matter(deck: CompiledDeck) -> None:
    first, second = Game(deck, seed=1), Game(deck, seed=1)
    first.submit("alpha", ["a-eco", "a-mil"])
    first.submit("beta", ["b-mil", "b-dip"])
    second.submit("beta", ["b-mil", "b-dip"])
    second.submit("alpha", ["a-eco", "a-mil"])
    assert first.resolve().state_hash == second.resolve().state_hash
    assert value(first, "log") == 6315


def test_resubmitting_replaces_earlier_orders(deck: CompiledDeck) -> None:
    game = Game(deck, seed=1)
    game.submit("alpha", ["a-mil"])
    game.submit("alpha", ["a-eco"])
    game.submit("beta", [])
    game.resolve()
    assert value(game, "log") == 3


def test_a_move_whose_precondition_no_longer_holds_fizzles(deck: CompiledDeck) -> None:
    game = Game(deck, seed=1)
    assert {o.move.id: o.available for o in game.legal_moves("beta")}["use-channel"]
    rec = turn(game, alpha=["close"], beta=["use-channel"])
    fizzles = [n for n in rec.news if n.kind == "fizzle"]
    assert [n.text for n in fizzles] == ["Beta: Use the channel fizzles. Only while the channel is open."]
    assert fizzles[0].source == "use-channel"
    # A fizzled move has no effect, rolls no dice and does not count as played.
    assert value(game, "tension") == 5
    assert "use-channel" not in [p.move for p in rec.plays]
    assert game.state.counts[deck.move_index["use-channel"]] == 0
    # And it is now unavailable, with the deck's reason.
    option = {o.move.id: o for o in game.legal_moves("beta")}["use-channel"]
    assert (option.available, option.reason) == (False, "Only while the channel is open.")


def test_once_moves_can_be_played_once(deck: CompiledDeck) -> None:
    game = Game(deck, seed=1)
    turn(game, alpha=["summit"])
    option = {o.move.id: o for o in game.legal_moves("alpha")}["summit"]
    assert (option.available, option.reason) == (False, "already played (once per game)")
    assert "summit" not in [m.id for m in game.available_moves("alpha")]
    with pytest.raises(IllegalOrderError, match="already played"):
        game.submit("alpha", ["summit"])


def test_cooldown_counts_turns_after_the_play(deck: CompiledDeck) -> None:
    game = Game(deck, seed=1)
    turn(game, beta=["drill"])
    reasons = []
    for _ in range(3):
        option = {o.move.id: o for o in game.legal_moves("beta")}["drill"]
        reasons.append(option.reason)
        assert option.available == (option.reason == "")
        assert (option.move in game.available_moves("beta")) == option.available
        turn(game)
    assert reasons == ["cooling down: available again in 2 weeks", "cooling down: available again in 1 week", ""]


def test_chance_rolls_are_recorded_with_the_chance_at_the_time(deck: CompiledDeck) -> None:
    outcomes = set()
    for seed in range(20):
        game = Game(deck, seed)
        rec = turn(game, beta=["gamble"])
        [roll] = [r for r in rec.rolls if r.kind == "move"]
        assert (roll.key, roll.actor, roll.chance, roll.forced) == ("gamble", "beta", 0.5, False)
        assert 0 <= roll.roll < 1
        assert roll.success == (roll.roll < roll.chance)
        assert value(game, "tension") == (6 if roll.success else 4)
        outcomes.add(roll.success)
    assert outcomes == {True, False}
    # Certain moves roll no dice.
    assert Game(deck, 1).pending_rolls() == []
    game = Game(deck, 1)
    assert turn(game, alpha=["a-mil"]).rolls == []


def test_pending_rolls_lists_the_dice_the_orders_will_throw(deck: CompiledDeck, tutorial: CompiledDeck) -> None:
    game = Game(deck, 1)
    game.submit("beta", ["gamble", "b-mil"])
    assert game.pending_rolls() == [("move:gamble", "Beta: Gamble", 0.5)]
    game = Game(tutorial, 1)
    game.submit("blue", ["spy-op"])
    assert game.pending_rolls() == [("detect:spy-op", "Blue: Intelligence operation detected", 0.3)]


@pytest.mark.parametrize("forced", [True, False])
def test_an_override_forces_the_outcome_and_is_recorded(deck: CompiledDeck, forced: bool) -> None:
    for seed in range(5):
        game = Game(deck, seed)
        game.submit("alpha", [])
        game.submit("beta", ["gamble"])
        game.override("move:gamble", forced)
        rec = game.resolve()
        [roll] = rec.rolls
        assert (roll.success, roll.forced) == (forced, True)
        assert rec.overrides == {"move:gamble": forced}
        assert value(game, "tension") == (6 if forced else 4)
        # Overrides last one turn.
        assert game.overrides == {}


def test_override_even_a_certain_outcome(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    game.submit("alpha", ["close"])
    game.submit("beta", [])
    game.override("move:close", False)
    rec = game.resolve()
    assert [(r.key, r.success, r.forced) for r in rec.rolls] == [("close", False, True)]
    assert game.state.f == [True]


def test_override_can_be_withdrawn_and_rejects_unknown_keys(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    game.override("move:gamble", True)
    game.override("move:gamble", None)
    assert game.overrides == {}
    for bad in ["move:nope", "event:nope", "dice:gamble", "gamble"]:
        with pytest.raises(WargameError, match="nothing to override"):
            game.override(bad, True)


def test_facilitator_injects_change_the_outcome(deck: CompiledDeck) -> None:
    plain = Game(deck, 3)
    turn(plain)
    game = Game(deck, 3)
    game.fire_inject(event="incident")
    game.fire_inject(text="A ferry sinks.", effects=["tension += 1", "flags.open = false"])
    rec = turn(game)
    assert value(plain, "tension") == 5
    # incident +2, then the typed inject +1 (in the order fired), then the `spiral`
    # event sees tension 8 and adds 1.
    assert value(game, "tension") == 9
    assert game.state.f == [False]
    assert [n.text for n in rec.news if n.kind in {"inject", "event"}] == [
        "An incident at sea.",
        "A ferry sinks.",
        "Things spiral.",
    ]
    assert rec.fired == ["incident", "spiral"]
    assert [i.event for i in rec.injects] == ["incident", None]
    assert rec.state_hash != plain.records[0].state_hash


def test_a_once_event_fires_once_even_by_hand(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    game.fire_inject(event="spiral")
    with pytest.raises(WargameError, match="already fired"):
        game.fire_inject(event="spiral")  # twice in one turn
    assert turn(game).fired == ["spiral"]
    with pytest.raises(WargameError, match="spiral has already fired"):
        game.fire_inject(event="spiral")  # in a later turn
    # An event that may fire every time can be fired again and again.
    game.fire_inject(event="incident")
    game.fire_inject(event="incident")
    assert turn(game).fired[:2] == ["incident", "incident"]


def test_injects_are_checked_when_fired(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    with pytest.raises(WargameError, match="unknown event"):
        game.fire_inject(event="earthquake")
    with pytest.raises(WargameError, match="needs a text"):
        game.fire_inject(text="  ")
    with pytest.raises(ExpressionError, match="unknown track"):
        game.fire_inject(text="x", effects=["morale += 1"])
    with pytest.raises(ExpressionError):
        game.fire_inject(text="x", effects=["__import__('os')"])
    assert game.injects == []


def test_scheduled_events_fire_at_their_turn_with_their_chance(deck: CompiledDeck) -> None:
    seen = set()
    for seed in range(12):
        game = Game(deck, seed)
        first = turn(game)
        second = turn(game)
        assert [r.key for r in first.rolls] == []
        [roll] = second.rolls
        assert (roll.kind, roll.key, roll.chance) == ("event", "storm", 0.5)
        news = [n.text for n in second.news if n.source == "storm"]
        assert news == (["A storm."] if roll.success else ["No storm."])
        seen.add(roll.success)
    assert seen == {True, False}


def test_triggered_once_event_fires_once(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    game.fire_inject(text="push", effects=["tension = 8"])
    rec = turn(game)
    assert rec.fired == ["spiral"]
    assert value(game, "tension") == 9
    rec = turn(game, alpha=["a-mil"])  # tension is still >= 8, but `spiral` is once
    assert "spiral" not in rec.fired


def test_threshold_crossings_are_news(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    game.fire_inject(text="up", effects=["tension += 2"])
    rec = turn(game)
    assert [n.text for n in rec.news if n.kind == "threshold"] == ["Tension rises to crisis (7)."]
    game.fire_inject(text="down", effects=["tension -= 3"])
    game.override("event:storm", False)  # turn 2 has the storm; keep it out of the count
    rec = turn(game)
    assert [n.text for n in rec.news if n.kind == "threshold"] == ["Tension falls below crisis (4)."]


def test_an_ending_condition_ends_the_game(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    game.fire_inject(text="war", effects=["tension = 10"])
    rec = turn(game)
    assert rec.ending == "war" and game.is_over and game.ending is not None
    assert rec.news[-1].text == "War breaks out."
    assert game.available_moves("alpha") == []
    assert {o.reason for o in game.legal_moves("alpha")} == {"the game is over"}
    with pytest.raises(IllegalOrderError, match="over"):
        game.submit("alpha", [])
    with pytest.raises(WargameError, match="over"):
        game.resolve()


def test_the_turn_limit_ending_comes_after_the_last_turn(deck: CompiledDeck) -> None:
    game = Game(deck, 1, turns=3)
    for expected in [1, 2, 3]:
        assert game.turn == expected and not game.is_over
        rec = turn(game)
    assert rec.ending == "limit" and game.turn == 3
    assert len(game.records) == 3


def test_resolve_waits_for_every_seat(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    game.submit("alpha", [])
    assert game.waiting_for() == ["beta"]
    with pytest.raises(WargameError, match="waiting for orders from Beta"):
        game.resolve()


@pytest.mark.parametrize(
    ("actor", "orders", "message"),
    [
        ("alpha", ["nuke"], "unknown move 'nuke'"),
        ("alpha", ["b-mil"], "'b-mil' is a move of Beta, not of Alpha"),
        ("alpha", ["a-mil", "a-mil"], "the same move was ordered twice"),
        ("alpha", ["a-mil", "a-dip", "a-eco", "a-mil-2"], "at most 3 order"),
        ("gamma", [], "unknown actor 'gamma'"),
        (FACILITATOR, [], "unknown actor"),
    ],
)
def test_illegal_orders_are_refused(deck: CompiledDeck, actor: str, orders: list[str], message: str) -> None:
    game = Game(deck, 1)
    with pytest.raises(IllegalOrderError, match=message):
        game.submit(actor, orders)
    assert game.orders == {}


def test_an_unavailable_move_is_refused_with_its_reason(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    turn(game, alpha=["close"])
    with pytest.raises(IllegalOrderError, match="Use the channel is not available: Only while the channel is open."):
        game.submit("beta", ["use-channel"])
    # IllegalOrderError is a ValueError too, for callers that treat it as bad input.
    assert issubclass(IllegalOrderError, ValueError)


def test_legal_moves_lists_every_move_of_the_seat(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    assert [o.move.id for o in game.legal_moves("beta")] == ["b-mil", "b-dip", "b-info", "use-channel", "gamble", "drill"]
    assert all(o.available and o.reason == "" for o in game.legal_moves("beta"))
    with pytest.raises(WargameError, match="unknown actor"):
        game.legal_moves("gamma")


def test_same_deck_seed_and_orders_give_identical_games(deck: CompiledDeck) -> None:
    script = [
        (["a-dip"], ["gamble", "b-mil"]),
        ([], ["gamble", "drill"]),
        (["summit", "a-mil"], ["gamble"]),
        (["close"], ["use-channel", "gamble"]),
    ]

    def play(seed: int) -> list[TurnRecord]:
        game = Game(deck, seed)
        for alpha, beta in script:
            if game.is_over:
                break
            turn(game, alpha, beta)
        return game.records

    first, again = play(7), play(7)
    assert [r.state_hash for r in first] == [r.state_hash for r in again]
    assert [r.rolls for r in first] == [r.rolls for r in again]
    assert [r.news for r in first] == [r.news for r in again]
    others = [[r.rolls for r in play(seed)] for seed in range(8, 12)]
    assert any(rolls != [r.rolls for r in first] for rolls in others), "the seed must matter"


def test_scores_count_met_objectives(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 1)
    scores = game.scores()
    assert set(scores) == {"red", "blue"}
    # At the start Red has standing 5 (< 6) and no clash: 1 point; Blue has no deal and standing 5: 1 point.
    assert scores["red"].total == 1 and scores["blue"].total == 1
    assert [o.met for o in scores["red"].objectives] == [False, True]


def test_turns_outside_the_allowed_range_are_refused(deck: CompiledDeck) -> None:
    for bad in [0, -1, 201]:
        with pytest.raises(WargameError, match="turns must be between 1 and 200"):
            Game(deck, 1, turns=bad)
