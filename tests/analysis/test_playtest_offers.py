"""Playtests of a deck with targeted moves and offers: offers made, accepted, refused,
expired and left unanswered are counted (the same whatever the jobs), and findings about
a targeted move are said once, at the move the author wrote."""

from __future__ import annotations

import json
from pathlib import Path

from wargame.analysis.playtest import OFFER_FATES, playtest, playtest_text
from wargame.deck.loader import load_deck, load_deck_text

OFFERS = Path(__file__).resolve().parents[1] / "decks_format" / "offers.toml"


def test_offer_counts_add_up_and_do_not_depend_on_jobs() -> None:
    deck = load_deck(OFFERS)
    one = playtest(deck, 40, seed=2, jobs=1)
    two = playtest(deck, 40, seed=2, jobs=2)
    assert json.dumps(one.to_json(deck)) == json.dumps(two.to_json(deck))
    data = one.to_json(deck)
    for kind in ("random", "doctrine"):
        offers = data[kind]["offers"]
        assert set(offers) == {"talks@b", "talks@c", "backchannel@a"}
        for move_id, fates in offers.items():
            assert list(fates) == list(OFFER_FATES)
            assert fates["made"] == sum(fates[k] for k in OFFER_FATES[1:])
            # Every offer made is a success of the offer move; answers are plays of the answers.
            assert fates["accepted"] == data[kind]["moves"][f"{move_id}/accept"]["played"]
            assert fates["refused"] == data[kind]["moves"][f"{move_id}/refuse"]["played"]
            assert fates["made"] <= data[kind]["moves"][move_id]["played"]
        assert sum(f["made"] for f in offers.values()) > 0
    text = playtest_text(deck, one)
    assert "offers (times made; then accepted / refused / expired / unanswered" in text
    assert "  Charlie: Backchannel deal with Alpha\n    random " in text


def test_offers_that_expire_are_counted() -> None:
    # Bravo's only doctrine never answers: under doctrine seats every talks offer to Bravo
    # that the game outlives expires.
    text = OFFERS.read_text(encoding="utf-8").replace(
        'weights = { "talks/accept" = 3, "talks/refuse" = 1 }', 'weights = { "talks/accept" = 0, "talks/refuse" = 0 }')
    deck = load_deck_text(text, "silent.toml")
    report = playtest(deck, 30, seed=4)
    slot = next(o.index for o in deck.offers if deck.moves[o.move].id == "talks@b")
    d = report.doctrine.offers
    assert d[(slot, "expired")] > 0
    assert d[(slot, "accepted")] == d[(slot, "refused")] == 0
    assert d[(slot, "made")] == d[(slot, "expired")] + d[(slot, "unanswered")]


def test_an_offer_never_accepted_is_noted_at_the_offer() -> None:
    # The game ends the turn talks are offered: no answer ever comes.
    text = OFFERS.read_text(encoding="utf-8").replace(
        "when = \"tension <= 0 or played('talks/accept')\"", "when = \"played('talks')\"")
    deck = load_deck_text(text, "abrupt.toml")
    report = playtest(deck, 40, seed=1)
    found = [w for w in report.findings if w.code == "playtest-offer-never-accepted"]
    line = text.splitlines().index("[moves.offer]") + 1  # talks' offer table comes first
    assert {(w.line, w.where) for w in found} == {(line, "moves[1].offer")}
    assert {w.message.split(" was made to ")[1].split(" ")[0] for w in found} == {"Bravo", "Charlie"}
    assert all("never accepted" in w.message for w in found)
    # Offers are named by their move, never by an internal id (talks@b); the other offer
    # finding here says doctrines never let it expire (they weigh no waiting).
    assert all("@" not in w.message for w in report.findings if w.code.startswith("playtest-offer"))


def test_a_targeted_move_never_ordered_against_one_target_is_said_once() -> None:
    # Warn needs the target's standing above 1; Charlie starts at 1 and nothing raises it.
    # (Static lint says so too; `deck lint` then leaves it out of the playtest's findings.)
    text = OFFERS.read_text(encoding="utf-8").replace('[actors.c]\nname = "Charlie"', '[actors.c]\nname = "Charlie"\nstart = { standing = 1 }')
    deck = load_deck_text(text, "low.toml")
    report = playtest(deck, 40, seed=0)
    found = [w for w in report.findings if w.code == "playtest-move-never-played"]
    assert [(w.where, w.message.split(" in ")[0]) for w in found] == [("moves[0].requires", "'warn' was never ordered against Charlie")]
