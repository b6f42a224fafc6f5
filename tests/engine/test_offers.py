"""Offers and targeted moves in play: invariants under any legal orders.

Hypothesis plays `tests/decks_format/offers.toml` (a public offer with two targets, a
secret one, a targeted move) with orders drawn from what is legal each turn, answers
included, and checks the life of every offer, the order limits, saves and replays, and
that the secret offer never reaches a seat it is not for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.engine.offers import offer_history
from wargame.errors import IllegalOrderError
from wargame.observe.build import observe
from wargame.observe.view import PlayerView
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.saves.store import new_save, parse_save, replay, update_save, verify

DECK = Path(__file__).resolve().parents[1] / "decks_format" / "offers.toml"
seeds = st.integers(0, 2**63 - 1)


@pytest.fixture(scope="module")
def deck() -> CompiledDeck:
    return load_deck(DECK)


def draw_orders(game: Game, actor: str, draw: st.DataObject) -> list[str]:
    """Up to the actor's order limit of ordinary moves, plus any answers (one per offer)."""
    available = game.available_moves(actor)
    ordinary = [m.id for m in available if m.answer is None]
    answers = [m for m in available if m.answer is not None]
    k = draw.draw(st.integers(0, min(len(ordinary), game.orders_allowed(actor))))
    picks = draw.draw(st.permutations(ordinary))[:k] if k else []
    for gate in sorted({m.gate for m in answers if m.gate is not None}):
        choice = draw.draw(st.sampled_from(["accept", "refuse", None]))
        picks += [m.id for m in answers if m.gate == gate and m.answer == choice]
    return draw.draw(st.permutations(picks)) if picks else []


def play(deck: CompiledDeck, seed: int, data: st.DataObject) -> Game:
    """A whole game with drawn orders, checking after each turn that no offer waits longer
    than it may."""
    game = Game(deck, seed)
    while not game.is_over:
        for actor in game.actors:
            game.submit(actor, draw_orders(game, actor, data))
        rec = game.resolve()
        for offer in deck.offers:
            made = game.state.offers[offer.index]
            if made >= 0:
                # Still waiting after turn rec.turn: it was made fewer than `expires` turns ago.
                assert rec.turn - made < offer.expires
                assert made <= rec.turn
    return game


@given(seed=seeds, data=st.data())
def test_every_offer_made_ends_exactly_one_way(deck: CompiledDeck, seed: int, data: st.DataObject) -> None:
    game = play(deck, seed, data)
    offers = {o.index: o for o in deck.offers}
    made = [p for p in game.plays if p.success and any(deck.moves[o.move].id == p.move for o in deck.offers)]
    history = offer_history(deck, game.plays, len(game.records), game.is_over)
    assert [(h.move, h.made) for h in history] == [(p.move, p.turn) for p in made]
    expire_news = [(n.turn, n.source) for n in game.news if n.kind == "expire"]
    assert sorted(expire_news) == sorted((h.closed, h.move) for h in history if h.status == "expired")
    for h in history:
        offer = offers[h.slot]
        assert h.deadline == h.made + offer.expires
        assert h.status in {"accepted", "refused", "expired", "unanswered"}
        if h.status in {"accepted", "refused"}:
            answer = deck.moves[offer.accept if h.status == "accepted" else offer.refuse].id
            # Answered once, in a turn after it was made and no later than its deadline.
            assert h.closed is not None and h.made < h.closed <= h.deadline
            assert [p.turn for p in game.plays if p.move == answer and h.made < p.turn <= h.deadline] == [h.closed]
        elif h.status == "expired":
            assert h.closed == h.deadline
        else:  # the game ended while it waited: the engine still holds it
            assert game.state.offers[h.slot] == h.made
            assert h.closed is None and h.deadline > game.records[-1].turn
    waiting = {h.slot for h in history if h.status == "unanswered"}
    assert waiting == {o.index for o in deck.offers if game.state.offers[o.index] >= 0}
    # Every answer played answered an offer that waited.
    answer_plays = [p for p in game.plays if deck.moves[deck.move_index[p.move]].answer is not None]
    assert len(answer_plays) == sum(h.status in {"accepted", "refused"} for h in history)


def test_an_offer_waits_expires_turns_then_expires_with_news(deck: CompiledDeck) -> None:
    game = Game(deck, 3)
    orders = {"a": ["talks@b"], "b": [], "c": []}
    for actor, o in orders.items():
        game.submit(actor, o)
    game.resolve()  # turn 1: made
    assert game.legal_moves("a")[[o.move.id for o in game.legal_moves("a")].index("talks@b")].reason == (
        "your offer is still waiting for an answer"
    )
    for turn in (2, 3):
        assert {m.id for m in game.available_moves("b")} >= {"talks@b/accept", "talks@b/refuse"}
        for actor in game.actors:
            game.submit(actor, [])
        rec = game.resolve()
        assert rec.turn == turn
    assert [n.text for n in rec.news if n.kind == "expire"] == ["Alpha's offer to Bravo expires unanswered: Offer talks to Bravo."]
    assert not {m.id for m in game.available_moves("b")} & {"talks@b/accept", "talks@b/refuse"}
    a_standing = deck.scope.actor_tracks["a"]["standing"]
    assert game.state.v[a_standing] == 4  # the expire effect
    [h] = offer_history(deck, game.plays, len(game.records), False)
    assert (h.status, h.made, h.closed) == ("expired", 1, 3)


@given(seed=seeds, data=st.data())
def test_answers_cost_no_order_and_one_answer_per_offer(deck: CompiledDeck, seed: int, data: st.DataObject) -> None:
    game = Game(deck, seed)
    while not game.is_over:
        for actor in game.actors:
            available = game.available_moves(actor)
            ordinary = [m.id for m in available if m.answer is None]
            answers = [m for m in available if m.answer is not None]
            allowed = game.orders_allowed(actor)
            one_each = [m.id for m in answers if m.answer == "accept"]
            if len(ordinary) > allowed:
                with pytest.raises(IllegalOrderError, match="at most"):
                    game.submit(actor, [*ordinary[: allowed + 1], *one_each])
            for gate in {m.gate for m in answers}:
                both = [m.id for m in answers if m.gate == gate]
                assert len(both) == 2
                with pytest.raises(IllegalOrderError, match="answered once"):
                    game.submit(actor, both)
            # The full allowance of ordinary orders and an answer to every offer: accepted.
            game.submit(actor, [*ordinary[:allowed], *one_each])
            game.submit(actor, draw_orders(game, actor, data))
        game.resolve()


@given(seed=seeds, data=st.data())
def test_a_saved_game_with_offers_round_trips_verifies_and_replays(deck: CompiledDeck, seed: int, data: st.DataObject) -> None:
    game = Game(deck, seed)
    save = new_save(game, {a: "human" for a in deck.actors})
    while not game.is_over:
        for actor in game.actors:
            game.submit(actor, draw_orders(game, actor, data))
        game.resolve()
        save = update_save(save, game)
    again = parse_save(save.model_dump_json().encode("utf-8"), "game.json")
    result = verify(again)
    assert result.ok, result.detail
    replayed = replay(again)
    assert [r.state_hash for r in replayed.records] == [r.state_hash for r in game.records]
    assert replayed.state.offers == game.state.offers
    assert replayed.state.digest() == game.state.digest()


def _secret_ids(deck: CompiledDeck) -> set[str]:
    return {m.id for m in deck.moves if m.base == "backchannel"}


@given(seed=seeds, data=st.data())
def test_the_secret_offer_never_reaches_bravo_or_the_public(deck: CompiledDeck, seed: int, data: st.DataObject) -> None:
    game = play(deck, seed, data)
    secret = _secret_ids(deck)
    assert secret == {"backchannel@a", "backchannel@a/accept", "backchannel@a/refuse"}
    told = {n.source for n in game.news if n.source in secret}
    for viewer in (Viewer.seat("b"), PUBLIC):
        model = observe(game, viewer)
        assert not [n for n in model.news if n.source in secret or "Charlie's deal" in n.text or "Backchannel" in n.text]
        assert not [p for p in model.plays if p.move in secret]
        assert not [o for o in model.offers if o.move in secret]
        assert PlayerView(game, viewer).belief.offers[deck.offers[-1].index] == -1
    for seat in ("a", "c"):  # the maker and the recipient know all of it
        model = observe(game, Viewer.seat(seat))
        assert {n.source for n in model.news if n.source in secret} == told
    facilitator = observe(game, FACILITATOR_VIEWER)
    assert {o.move for o in facilitator.offers if o.move in secret} == {p.move for p in game.plays if p.move == "backchannel@a" and p.success}


def test_the_recipient_of_a_secret_offer_sees_it_waiting(deck: CompiledDeck) -> None:
    game = Game(deck, 1)
    for actor, orders in {"a": [], "b": [], "c": ["backchannel@a"]}.items():
        game.submit(actor, orders)
    game.resolve()
    [waiting] = observe(game, Viewer.seat("a")).seat.offers_waiting  # type: ignore[union-attr]
    assert (waiting.move, waiting.recipient, waiting.secret) == ("backchannel@a", "a", True)
    assert observe(game, Viewer.seat("b")).offers == []
    assert observe(game, PUBLIC).offers_waiting() == []
    for actor, orders in {"a": ["backchannel@a/accept"], "b": [], "c": []}.items():
        game.submit(actor, orders)
    rec = game.resolve()
    assert [n.text for n in rec.news if n.source == "backchannel@a/accept"] == ["Alpha quietly accepts Charlie's deal."]
    covert = deck.scope.actor_tracks["c"]["covert"]
    assert game.state.v[covert] == 1
    [h] = observe(game, Viewer.seat("c")).offers
    assert (h.status, h.closed) == ("accepted", 2)


def test_a_revealed_secret_offer_that_was_accepted_is_never_expired_to_third_parties(deck: CompiledDeck) -> None:
    """Bravo and the public learn of Charlie's secret offer from its reveal, but its answer
    went only to Charlie and Alpha: once accepted, they must not be told it expired (a
    falsehood), nor that it still waits; they are told its fate did not come to light."""
    from wargame.deck.loader import load_deck_text

    source = DECK.read_text(encoding="utf-8").replace('visibility = "secret"\ntargets = ["a"]', 'visibility = "secret"\ndetection = 1\ntargets = ["a"]')
    assert source != DECK.read_text(encoding="utf-8")
    revealing = load_deck_text(source, "offers-revealed.toml")
    game = Game(revealing, 1)
    for actor, orders in {"a": [], "b": [], "c": ["backchannel@a"]}.items():
        game.submit(actor, orders)
    rec = game.resolve()
    assert [n.text for n in rec.news if n.kind == "reveal"] == ["Revealed: Charlie played Backchannel deal with Alpha."]
    for actor, orders in {"a": ["backchannel@a/accept"], "b": [], "c": []}.items():
        game.submit(actor, orders)
    game.resolve()
    for actor in game.actors:
        game.submit(actor, [])
    game.resolve()  # past the deadline
    for viewer in (Viewer.seat("b"), PUBLIC):
        [h] = observe(game, viewer).offers
        assert (h.move, h.status, h.closed) == ("backchannel@a", "unknown", None)
    for viewer in (Viewer.seat("a"), Viewer.seat("c"), FACILITATOR_VIEWER):
        [h] = observe(game, viewer).offers
        assert (h.status, h.closed) == ("accepted", 2)
