"""The order sheet as people read it: a targeted move once, answers kept apart, orders
named `Sanction → China` or in the author's own words, offers with their terms.

The sheet is built from the seat's `Observation`: the same for a local seat and a joined one."""

from __future__ import annotations

from pathlib import Path

from wargame.deck.loader import load_deck, load_deck_text
from wargame.engine.game import Game
from wargame.observe.build import observe
from wargame.observe.model import Observation
from wargame.tui.sheet import offers_to_answer, order_sheet


def sheet_of(obs: Observation):  # type: ignore[no-untyped-def]
    assert obs.seat is not None
    return obs.seat


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
    read = observe(Game(deck, 1), "us")
    sheet = order_sheet(sheet_of(read).moves)
    assert [(line.key, line.name, line.targeted) for line in sheet] == [("sanction", "Sanction → …", True), ("patrol", "Patrol", False)]
    sanction = sheet[0]
    assert sanction.ids() == ["sanction@cn", "sanction@kp"]
    assert [c.available for c in sanction.choices] == [True, False]  # North Korea's standing is 0
    assert sanction.available and not sanction.reason
    assert sanction.choices[0].label == "Sanction → China"
    assert sheet[1].move.label == "Patrol"
    assert [(g.base, [t.move for t in g.targets]) for g in sheet_of(read).groups] == [("sanction", ["sanction@cn", "sanction@kp"])]


def test_the_authors_words_name_the_target_when_they_place_it() -> None:
    deck = load_deck(OFFERS)
    read = observe(Game(deck, 1), "a")
    sheet = order_sheet(sheet_of(read).moves)
    assert [line.name for line in sheet] == ["Warn …", "Offer talks to …"]
    assert sheet[0].choices[1].label == "Warn Charlie"
    assert sheet[1].move.group == "Offer talks to …"


def test_answers_are_not_moves_and_wait_with_their_offer() -> None:
    deck = load_deck(OFFERS)
    game = Game(deck, 1)
    game.submit("a", ["talks@b"])
    game.submit("b", [])
    game.submit("c", ["backchannel@a"])
    game.resolve()
    bravo = observe(game, "b")
    assert [line.key for line in order_sheet(sheet_of(bravo).moves)] == ["wait"]
    [offer] = offers_to_answer(bravo)
    assert (offer.maker, offer.offer.move, offer.deadline, offer.last_chance) == ("Alpha", "talks@b", "turn 3", False)
    assert offer.accept.id == "talks@b/accept" and offer.refuse.id == "talks@b/refuse"
    assert offer.offer.accept_effects == ["Tension −2"] and offer.offer.refuse_effects == ["Tension +1"]
    assert offer.offer.expire_effects == ["Alpha's standing −1"]
    alpha = observe(game, "a")
    [secret] = offers_to_answer(alpha)
    assert secret.offer.move == "backchannel@a" and secret.last_chance  # it expires after this turn
    [own] = sheet_of(alpha).my_offers_waiting
    # Each viewer reads the offer's story from its own side.
    assert own.story == "Your offer to Bravo: waiting, answer due by turn 3"
    assert next(o for o in bravo.offers if o.move == "talks@b").story == "Alpha's offer to you: waiting, answer due by turn 3"
    assert next(o for o in observe(game, "facilitator").offers if o.move == "talks@b").story == "Alpha's offer to Bravo: waiting, answer due by turn 3"
    terms = {m.id: m.offer for m in sheet_of(alpha).moves if m.offer is not None}
    assert set(terms) == {"talks@b", "talks@c"} and terms["talks@c"].recipient_name == "Charlie"  # type: ignore[union-attr]
    assert not any(m.offer for m in sheet_of(bravo).moves)  # Bravo makes no offers
