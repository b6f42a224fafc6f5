"""The engine's rules by their names: `blocked` (availability), `fizzles`, `event_due`,
and the public roll observer that replaced overriding `Game._roll`.

Each rule is written once and called by every path that needs it, so the order sheet's
reasons, the fast path bots use and resolution can never disagree; every roll, weighted
outcomes included, reaches `on_roll` as it is drawn.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Blocked, Game, blocked, event_due, fizzles
from wargame.engine.state import Roll, State

ROOT = Path(__file__).resolve().parents[2]
WEIGHTED = ROOT / "tests" / "decks_format" / "weighted-events.toml"


def test_blocked_gives_each_reason_the_order_sheet_words_it_by(offers_deck: CompiledDeck, tutorial: CompiledDeck) -> None:
    game = Game(offers_deck, 1)
    talks, accept = (offers_deck.moves[offers_deck.move_index[m]] for m in ("talks@b", "talks@b/accept"))
    assert blocked(talks, game.state) is None
    assert blocked(accept, game.state) is Blocked.NO_OFFER
    assert game.unavailable_reason(accept, game.state) == "there is no offer to answer"
    game.submit("a", ["talks@b"])
    game.submit("b", [])
    game.submit("c", [])
    game.resolve()
    assert blocked(talks, game.state) is Blocked.OFFER_WAITING and blocked(accept, game.state) is None
    assert game.unavailable_reason(talks, game.state) == Blocked.OFFER_WAITING
    # A precondition's reason is the move's own words.
    warn = offers_deck.moves[offers_deck.move_index["warn@b"]]
    state = game.state.copy()
    state.v[offers_deck.scope.actor_tracks["b"]["standing"]] = 1
    assert blocked(warn, state) is Blocked.PRECONDITION and fizzles(warn, state)
    assert game.unavailable_reason(warn, state) == warn.requires_text


@pytest.mark.parametrize("seed", range(6))
def test_the_fast_path_and_the_reasons_are_one_rule(decks: dict[str, CompiledDeck], seed: int) -> None:
    for deck in decks.values():
        game = play_game(deck, seed, {})
        for state in (State(deck, deck.turns), game.state):
            game.ending = None  # judge the final state as if play went on
            for actor in deck.actors:
                fast = game.available_moves(actor, state)
                assert fast == [m for m in deck.moves_by_actor[actor] if blocked(m, state) is None]
                assert fast == [m for m in deck.moves_by_actor[actor] if not game.unavailable_reason(m, state)]


def test_an_event_is_due_by_event_due(decks: dict[str, CompiledDeck]) -> None:
    # Every deck event that fired was due when it fired; injects never are.
    for deck in decks.values():
        game = Game(deck, 5)
        before = game.state.copy()
        rng = random.Random(5)
        while game.ending is None:
            for actor in deck.actors:
                legal = game.available_moves(actor)
                game.submit(actor, [m.id for m in rng.sample(legal, min(1, len(legal), game.orders_allowed(actor)))])
            rec = game.resolve()
            for event_id in rec.fired:
                event = deck.events[deck.event_index[event_id]]
                assert not event.inject and (event.at is None or event.at == rec.turn)
                assert not (event.once and before.fired[event.index])
            before = game.state.copy()
        for event in deck.events:
            if event.inject:
                assert not event_due(event, game.state)


def test_every_roll_reaches_the_observer_as_it_is_drawn_logged_or_not() -> None:
    deck = load_deck(WEIGHTED)
    for log in (True, False):
        seen: list[tuple[Roll, State]] = []
        game = Game(deck, 7, log=log, on_roll=lambda roll, state: seen.append((roll, state.copy())))  # noqa: B023
        rng = random.Random(7)
        recorded: list[Roll] = []
        while game.ending is None:
            for actor in deck.actors:
                legal = game.available_moves(actor)
                game.submit(actor, [m.id for m in rng.sample(legal, min(1, len(legal)))])
            recorded += game.resolve().rolls
        kinds = {roll.kind for roll, _ in seen}
        assert {"move", "outcome", "event"} <= kinds
        if log:
            assert [roll for roll, _ in seen] == recorded
            logged = game.state.digest()
        else:
            assert recorded == [] and game.state.digest() == logged  # the same game, unlogged
        # Each weighted pick was drawn on the state its weights read.
        for roll, state in seen:
            if roll.kind == "outcome":
                event = deck.events[deck.event_index[roll.key.partition("#")[0]]]
                weights = [o.weight_in(state) for o in event.outcomes]
                assert roll.chance == weights[int(roll.key.partition("#")[2])] / sum(weights)
