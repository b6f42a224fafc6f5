"""Analysis of games with offers: a what-if that answers an offer differently ("what if
Bravo had refused?"), legal alternatives that answer each waiting offer once, branches
and resumed games that keep the offers waiting, and turning points that credit an answer
(or leaving an offer unanswered) apart from the seat's other orders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.analysis.rollout import Checkpoints, Opening, run_batch
from wargame.analysis.simulate import play_game
from wargame.analysis.turning import actual_opening, analyse, waiting_offers
from wargame.analysis.whatif import legal_alternatives, play_from_here, what_if
from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.play.timeline import SavedGame
from wargame.saves.format import SaveModel
from wargame.saves.store import read_save, resume, verify, write_save


def test_what_if_bravo_had_refused_or_let_the_offer_wait(offers_save: SaveModel) -> None:
    result = what_if(offers_save, 6, "b", answers=True, games=30, seed=1)
    assert [c.orders for c in result.choices] == [("talks@b/accept",), (), ("talks@b/refuse",)]
    assert [c.actual for c in result.choices] == [True, False, False]
    assert [c.label for c in result.choices] == [
        "Accept Alpha's offer (Offer talks to Bravo)",
        "No answer to Alpha's offer (Offer talks to Bravo)",
        "Refuse Alpha's offer (Offer talks to Bravo)",
    ]
    # Accepting talks brings the calm ending at once (the deck's ending reads the answer).
    assert result.choices[0].p("calm") == 1.0
    assert result.choices[2].p("calm") == 0.0


def test_answers_keep_the_seats_other_orders(offers_save: SaveModel) -> None:
    # Turn 2: Alpha offered Bravo talks and accepted Charlie's deal; answering differently
    # keeps the offer to Bravo.
    result = what_if(offers_save, 2, "a", answers=True, games=10, seed=1)
    assert [c.orders for c in result.choices] == [("talks@b", "backchannel@a/accept"), ("talks@b",), ("talks@b", "backchannel@a/refuse")]
    assert result.choices[1].label == "Offer talks to Bravo + no answer to Charlie's offer (Backchannel deal with Alpha)"


def test_answers_need_an_offer_waiting(offers_save: SaveModel) -> None:
    with pytest.raises(WargameError, match="--answers: no offer waits for Bravo's answer in turn 1"):
        what_if(offers_save, 1, "b", answers=True, games=5)


def test_an_offers_what_if_is_the_same_whatever_the_jobs(offers_save: SaveModel) -> None:
    one = what_if(offers_save, 4, "b", answers=True, games=24, seed=3, jobs=1)
    two = what_if(offers_save, 4, "b", answers=True, games=24, seed=3, jobs=2)
    assert json.dumps(one.to_json(), sort_keys=True) == json.dumps(two.to_json(), sort_keys=True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_every_legal_alternative_can_be_ordered(offers_deck: CompiledDeck, seed: int) -> None:
    # Answers cost no order and an offer is answered once: every set offered is one the
    # engine accepts, and each waiting offer is accepted, refused and left in some set.
    seats = dict.fromkeys(offers_deck.actors, "random")
    from wargame.saves.store import new_save

    save = new_save(play_game(offers_deck, seed, seats), seats)
    cp = Checkpoints(save)
    for turn in range(1, len(save.history) + 1):
        for seat in offers_deck.actors:
            sets, left_out = legal_alternatives(cp, turn, seat)
            assert left_out == 0
            game = cp.fork(turn, 0)
            for orders in sets:
                game.submit(seat, orders)  # raises if illegal
            for offer in waiting_offers(game, seat):
                accept, refuse = offers_deck.moves[offer.accept].id, offers_deck.moves[offer.refuse].id
                assert any(accept in s for s in sets) and any(refuse in s for s in sets)
                assert any(accept not in s and refuse not in s for s in sets)
                assert not any(accept in s and refuse in s for s in sets)


def test_a_branch_where_an_offer_waits_keeps_it_waiting(offers_save: SaveModel, tmp_path: Path) -> None:
    parent = write_save(offers_save, tmp_path / "parent.json")
    before = SavedGame(offers_save).state_before(6)
    assert before.offers[0] == 5  # Alpha's talks offer to Bravo, made in turn 5, waits
    child = play_from_here(parent, 6, tmp_path / "child.json", {"b": "human"}).path
    game = resume(read_save(child))
    assert game.state.offers == before.offers and game.state.digest() == before.digest()
    assert verify(read_save(child)).ok
    # Bravo may answer it in the branch; Alpha may not make it again while it waits.
    assert {m.id for m in game.available_moves("b")} >= {"talks@b/accept", "talks@b/refuse"}
    assert "talks@b" not in {m.id for m in game.available_moves("a")}
    game.submit("b", ["talks@b/refuse"])
    # Checkpoints fork the same offers as the replay.
    assert Checkpoints(offers_save).fork(6, 0).state.offers == before.offers


def test_a_half_opening_keeps_the_other_half_as_given(offers_save: SaveModel, offers_deck: CompiledDeck) -> None:
    cp = Checkpoints(offers_save)
    record = offers_save.history[1]  # Alpha: talks@b and the secret accept
    answers_left = actual_opening(offers_deck, record, without="a", half="answers")
    assert dict(answers_left.orders)["a"] == ("talks@b",) and dict(answers_left.stand_in) == {"a": "answers"}
    orders_left = actual_opening(offers_deck, record, without="a", half="orders")
    assert dict(orders_left.orders)["a"] == ("backchannel@a/accept",) and dict(orders_left.stand_in) == {"a": "orders"}
    stand_ins = dict.fromkeys(offers_deck.actors, "random")
    for opening in (answers_left, orders_left, Opening()):
        out = run_batch(cp, stand_ins, 0, 2, opening, 0, 10)
        assert out.games == 10


def test_turning_points_credit_answers_like_orders(offers_save: SaveModel) -> None:
    analysis = analyse(offers_save, rollouts=40, seed=1)
    by_turn = {tp.turn: tp for tp in analysis.turning_points}
    assert 6 in by_turn
    answer = [f for f in by_turn[6].factors if f.kind == "answer"]
    assert [(f.actor, f.key, f.label) for f in answer] == [("b", "talks@b/accept", "Bravo's acceptance of Alpha's offer (Offer talks to Bravo)")]
    assert answer[0].points > 0  # accepting made the calm ending certain
    # Leaving an offer waiting is a choice too: Bravo let Alpha's first offer expire.
    assert 4 in by_turn
    labels = [f.label for f in by_turn[4].factors if f.kind == "answer"]
    assert "Bravo leaving Alpha's offer (Offer talks to Bravo) unanswered" in labels
    # Seats with no offer waiting keep the one orders factor.
    assert [f.kind for f in by_turn[6].factors if f.actor == "c"] == ["orders"]
