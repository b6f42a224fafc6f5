"""Targeted moves and offers in plain words: whom a move is aimed at, what becomes of an
offer (accepted, refused, expired), whose offer an answer answers, and nothing a viewer
may not see."""

from __future__ import annotations

from pathlib import Path

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.deck.describe import HIDDEN, Describer
from wargame.deck.loader import load_deck, load_deck_text

OFFERS = Path(__file__).resolve().parents[1] / "decks_format" / "offers.toml"


@pytest.fixture(scope="module")
def deck() -> CompiledDeck:
    return load_deck(OFFERS)


def words(deck: CompiledDeck, move_id: str, seat: str | None = None):  # type: ignore[no-untyped-def]
    return Describer.for_seat(deck, seat).describe_move(deck.moves[deck.move_index[move_id]])


def test_a_targeted_move_names_its_target(deck: CompiledDeck) -> None:
    w = words(deck, "warn@c")
    assert w.target == "aimed at Charlie"
    assert w.success == ["Charlie's standing \u22121", "Tension +1"]
    assert w.offer == ""
    assert words(deck, "wait").target == ""


def test_an_offer_says_who_answers_by_when_and_every_outcome(deck: CompiledDeck) -> None:
    assert words(deck, "talks@b").offer == (
        "An offer to Bravo, who has 2 turns to answer. If accepted: Tension \u22122; "
        "if refused: Tension +1; if it expires: Alpha's standing \u22121."
    )


def test_an_offer_with_no_consequence_says_no_change(deck: CompiledDeck) -> None:
    assert words(deck, "backchannel@a", "c").offer.endswith("if refused: no change; if it expires: no change.")
    assert "who has 1 turn to answer" in words(deck, "backchannel@a", "c").offer


def test_the_deck_word_for_a_turn_is_used() -> None:
    text = OFFERS.read_text(encoding="utf-8").replace('turns = 6\n', 'turns = 6\nturn_name = "month"\n', 1)
    d = load_deck_text(text, "months.toml")
    assert "who has 2 months to answer" in words(d, "talks@c").offer


def test_an_answer_says_whose_offer_it_answers_and_what_it_does(deck: CompiledDeck) -> None:
    accept, refuse = words(deck, "talks@c/accept", "c"), words(deck, "talks@c/refuse", "c")
    assert accept.offer.startswith("Accepts Alpha's offer (Offer talks to Charlie); an answer costs no order")
    assert refuse.offer.startswith("Refuses Alpha's offer (Offer talks to Charlie)")
    assert (accept.success, refuse.success) == (["Tension \u22122"], ["Tension +1"])
    assert accept.target == ""


def test_a_secret_offers_outcomes_hide_what_the_viewer_cannot_see(deck: CompiledDeck) -> None:
    # Alpha, the recipient, sees its own covert track but not Charlie's.
    said = words(deck, "backchannel@a", "a").offer
    assert "Alpha's covert deals +1" in said
    assert f"Charlie's covert deals changes ({HIDDEN})" in said
    assert "+1" not in said.split("Alpha's covert deals +1")[0]
