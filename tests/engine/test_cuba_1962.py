"""The Cuba 1962 deck's use of the format's extensions, played through the engine: DEFCON
counting down, Khrushchev's letters as offers, the Jupiter assurance as a secret offer
that only Washington and Moscow know was made and taken, and targeted warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game, level_reached
from wargame.observe.build import observe
from wargame.observe.view import PlayerView

DECK = Path(__file__).resolve().parents[2] / "decks" / "cuba-1962.toml"


@pytest.fixture(scope="module")
def cuba() -> CompiledDeck:
    return load_deck(DECK)


def turn(game: Game, **orders: list[str]) -> None:
    for actor in game.deck.actors:
        game.submit(actor, orders.get(actor, []))
    game.resolve()


def defcon(game: Game) -> float:
    return game.state.v[game.deck.slot_names.index("defcon")]


def texts(game: Game, who: str) -> list[str]:
    return [n.text for n in PlayerView(game, who).news]


def test_defcon_counts_down_from_5_and_is_labelled_by_the_level_reached(cuba: CompiledDeck) -> None:
    slot = cuba.slot_names.index("defcon")
    assert slot in cuba.descending
    levels = cuba.thresholds[slot]
    assert level_reached(5, levels, descending=True) == ""  # peacetime: no level yet
    assert level_reached(3, levels, descending=True) == "DEFCON 3"
    assert level_reached(2, levels, descending=True) == "DEFCON 2"

    game = Game(cuba, 7)
    assert defcon(game) == 5
    # The address takes forces to DEFCON 3, then raising the alert to DEFCON 2 (SAC, 24
    # October); the news shows the value reached.
    turn(game, us=["address-the-nation", "raise-alert"])
    assert defcon(game) == 2
    news = texts(game, "cuba")
    assert any("US forces go to DEFCON 3." in t for t in news), news
    assert any("take US forces to DEFCON 2:" in t for t in news), news
    # Short of the brink, DEFCON 2 is as far as it goes.
    assert "raise-alert" not in [m.id for m in game.available_moves("us")]


def test_the_first_letter_is_an_offer_whose_acceptance_is_the_public_pledge(cuba: CompiledDeck) -> None:
    game = Game(cuba, 3)
    turn(game, us=["address-the-nation"])
    turn(game, ussr=["first-letter@us"])
    us_moves = [m.id for m in game.available_moves("us")]
    assert {"first-letter@us/accept", "first-letter@us/refuse"} <= set(us_moves)
    assert [o.move for o in observe(game, "us").seat.offers_waiting]  # type: ignore[union-attr] == ["first-letter@us"]
    turn(game, us=["first-letter@us/accept"])
    assert game.state.f[cuba.flag_names.index("pledge")]
    # A public offer: Cuba reads the answer too, and cannot answer again.
    assert any("assurances against an invasion of Cuba" in t for t in texts(game, "cuba"))
    assert [o.status for o in observe(game, "cuba").offers] == ["accepted"]
    assert "no-invasion-pledge" not in [m.id for m in game.available_moves("us")]


def test_an_unanswered_second_letter_expires_after_a_day(cuba: CompiledDeck) -> None:
    game = Game(cuba, 3)
    turn(game, us=["address-the-nation"])
    turn(game, ussr=["second-letter@us"])
    assert game.state.f[cuba.flag_names.index("turkey_demand")]
    turn(game)  # Washington ignores it
    assert any("lets the broadcast letter go unanswered" in t for t in texts(game, "cuba"))
    assert [o.status for o in observe(game, "us").offers] == ["expired"]
    assert "second-letter@us/accept" not in [m.id for m in game.available_moves("us")]


def test_the_secret_trade_is_known_only_to_washington_and_moscow(cuba: CompiledDeck) -> None:
    game = Game(cuba, 11)
    turn(game, us=["address-the-nation"])
    turn(game, ussr=["first-letter@us"])
    game.override("detect:jupiter-assurance@ussr", False)  # no leak in this game
    turn(game, us=["first-letter@us/accept", "jupiter-assurance@ussr"])
    assert "jupiter-assurance@ussr/accept" in [m.id for m in game.available_moves("ussr")]
    turn(game, ussr=["jupiter-assurance@ussr/accept", "announce-withdrawal"])
    assert game.ending is not None and game.ending.id == "secret-trade"
    for party in ("us", "ussr"):
        offers = {o.move: o.status for o in observe(game, party).offers}
        assert offers["jupiter-assurance@ussr"] == "accepted", party
        assert any("accepts the private assurance on Turkey" in t for t in texts(game, party))
    cuban = observe(game, "cuba")
    assert [o.move for o in cuban.offers] == ["first-letter@us"]
    # Cuba learns of the trade only from the ending, as the world did decades later.
    before_end = [n.text for n in PlayerView(game, "cuba").news if n.kind != "ending"]
    assert not any("Jupiter" in t or "Dobrynin" in t for t in before_end), before_end
    assert not any(p.move.startswith("jupiter-assurance") for p in cuban.plays)


def test_a_warning_is_aimed_at_the_target_picked(cuba: CompiledDeck) -> None:
    game = Game(cuba, 5)
    turn(game, us=["address-the-nation"])
    standing = {a: game.state.v[cuba.slot_names.index(f"{a}.standing")] for a in ("ussr", "cuba")}
    turn(game, us=["warn@cuba"])
    after = {a: game.state.v[cuba.slot_names.index(f"{a}.standing")] for a in ("ussr", "cuba")}
    assert after["cuba"] == standing["cuba"] - 0.5 and after["ussr"] == standing["ussr"]
    assert any("Warn Cuba." in t and "White House to Cuba: any attack" in t and "US forces stand at DEFCON 3." in t for t in texts(game, "ussr"))


def test_the_brink_alert_is_silent_and_the_defcon_track_tells_the_table(cuba: CompiledDeck) -> None:
    game = Game(cuba, 5)
    turn(game, us=["address-the-nation"])
    game.state.v[cuba.slot_names.index("tension")] = 9  # the brink
    turn(game)
    assert defcon(game) <= 2
    assert "brink-alert" in game.records[-1].fired
    assert not any(n.source == "brink-alert" for n in PlayerView(game, "cuba").news)
    assert any(n.kind == "threshold" and "DEFCON 2" in n.text for n in PlayerView(game, "cuba").news)
