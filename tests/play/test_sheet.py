"""The order sheet as people read it: a targeted move once, answers kept apart, orders
named `Sanction → China` or in the author's own words, offers with their terms."""

from __future__ import annotations

from pathlib import Path

from wargame.deck.loader import load_deck, load_deck_text
from wargame.engine.game import Game
from wargame.play.readmodel import ReadModel
from wargame.play.sheet import (
    group_name,
    offer_line,
    offer_terms,
    offers_to_answer,
    order_label,
    order_sheet,
    own_offers_waiting,
)

OFFERS = Path(__file__).resolve().parents[1] / "decks_format" / "offers.toml"

SANCTIONS = """
[deck]
id = "sanctions"
title = "Sanctions"
turns = 3
[tracks.tension]
label = "Tension"
[actors.us]
name = "United States"
orders_per_turn = 2
[actors.cn]
name = "China"
[actors.kp]
name = "North Korea"
[[moves]]
id = "sanction"
actor = "us"
name = "Sanction"
category = "economic"
targets = "others"
requires = "target.standing > 0"
[[moves]]
id = "patrol"
actor = "us"
name = "Patrol"
category = "military"
[actor_tracks.standing]
label = "Standing"
start = 1
[actors.kp.start]
standing = 0
[[endings]]
id = "time"
title = "Time"
turn_limit = true
"""


def test_a_targeted_move_is_one_line_with_its_targets() -> None:
    deck = load_deck_text(SANCTIONS)
    read = ReadModel.now(Game(deck, 1), "us")
    sheet = order_sheet(read.moves())
    assert [(line.key, line.name, line.targeted) for line in sheet] == [("sanction", "Sanction → …", True), ("patrol", "Patrol", False)]
    sanction = sheet[0]
    assert sanction.ids() == ["sanction@cn", "sanction@kp"]
    assert [c.available for c in sanction.choices] == [True, False]  # North Korea's standing is 0
    assert sanction.available and not sanction.reason
    assert order_label(sanction.choices[0].move, deck) == "Sanction → China"
    assert order_label(sheet[1].move, deck) == "Patrol"


def test_the_authors_words_name_the_target_when_they_place_it() -> None:
    deck = load_deck(OFFERS)
    read = ReadModel.now(Game(deck, 1), "a")
    sheet = order_sheet(read.moves())
    assert [line.name for line in sheet] == ["Warn …", "Offer talks to …"]
    assert order_label(sheet[0].choices[1].move, deck) == "Warn Charlie"
    assert group_name(sheet[1].move) == "Offer talks to …"


def test_answers_are_not_moves_and_wait_with_their_offer() -> None:
    deck = load_deck(OFFERS)
    game = Game(deck, 1)
    game.submit("a", ["talks@b"])
    game.submit("b", [])
    game.submit("c", ["backchannel@a"])
    game.resolve()
    bravo = ReadModel.now(game, "b")
    assert [line.key for line in order_sheet(bravo.moves())] == ["wait"]
    [offer] = offers_to_answer(bravo)
    assert (offer.maker, offer.offer.id, offer.deadline, offer.last_chance) == ("Alpha", "talks@b", "turn 3", False)
    assert offer.accept.move.id == "talks@b/accept" and offer.refuse.move.id == "talks@b/refuse"
    assert offer.accept_does == ("Tension −2",) and offer.refuse_does == ("Tension +1",)
    assert offer.expire_does == ("Alpha's standing −1",)
    alpha = ReadModel.now(game, "a")
    [secret] = offers_to_answer(alpha)
    assert secret.offer.id == "backchannel@a" and secret.last_chance  # it expires after this turn
    [own] = own_offers_waiting(alpha)
    assert offer_line(own, deck, "a") == "Your offer to Bravo: waiting, answer due by turn 3"
    assert offer_line(own, deck, "b") == "Alpha's offer to you: waiting, answer due by turn 3"
    assert offer_line(own, deck, None) == "Alpha's offer to Bravo: waiting, answer due by turn 3"
    terms = offer_terms(alpha)
    assert set(terms) == {"talks@b", "talks@c"} and terms["talks@c"].recipient == "Charlie"
    assert offer_terms(bravo) == {}  # Bravo makes no offers
