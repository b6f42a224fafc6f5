"""The debrief's timeline: a replayed save read at any turn, by any viewer, is exactly what
that viewer saw live at that moment, and never more."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DECK_NAMES
from wargame.bots.make import make_bot
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.observe.build import observe
from wargame.observe.view import PlayerView
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.timeline import SavedGame
from wargame.saves.store import new_save


def _snapshot(view: PlayerView) -> dict[str, Any]:
    """Everything a view shows, in comparable form: the view itself and the observation
    built from it (the one every screen renders)."""
    game = view._game
    last = view._n_records
    if last == len(game.records) and view.turn == game.state.turn:
        obs = observe(game, view.viewer, seats=SEATS.get(game.deck.id))
    else:
        obs = observe(game, view.viewer, seats=SEATS.get(game.deck.id), upto=last, state=view._state)
    shown = obs.model_dump(exclude={"control", "room"})
    if shown.get("seat"):
        shown["seat"].pop("sealed", None)  # a live seat's orders sealed so far this turn
    return {
        "turn": view.turn,
        "over": view.over,
        "news": [tuple(n) for n in view.news],
        "plays": [tuple(p) for p in view.plays],
        "orders": view.orders,
        "reasons": view.reasons,
        "belief": (view.belief.v, view.belief.counts, view.belief.last, view.belief.f),
        "observation": shown,
        "rolls": [view.rolls_for_turn(t) for t in range(1, last + 1)],
        "changes": [view.changes_for_turn(t) for t in range(1, last + 1)],
        "history": [view.history(n) for n in view.deck.slot_names],
    }


SEATS: dict[str, dict[str, str]] = {}
"""Who plays each deck's seats in these games (random computers), for the observations."""


def _viewers(deck: CompiledDeck) -> list[Viewer]:
    return [FACILITATOR_VIEWER, PUBLIC, *(Viewer.seat(a) for a in deck.actors)]


@settings(max_examples=8)
@given(name=st.sampled_from(DECK_NAMES), seed=st.integers(0, 10_000))
def test_a_replayed_turn_shows_each_viewer_exactly_what_it_saw_live(decks: dict[str, CompiledDeck], name: str, seed: int) -> None:
    _replay_matches_live(decks[name], seed)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_a_replayed_turn_shows_each_viewer_the_offers_it_saw_live(offers_deck: CompiledDeck, seed: int) -> None:
    # Offers made, answered, expired and waiting (a secret one among them), for every
    # viewer at every turn: the replay's read model is the live one's.
    _replay_matches_live(offers_deck, seed)


def test_a_secret_offer_is_in_no_observation_of_a_seat_not_party_to_it(offers_deck: CompiledDeck) -> None:
    for seed in range(30):
        game = Game(offers_deck, seed)
        bots = {a: make_bot("random", offers_deck, a, seed) for a in offers_deck.actors}
        while not game.is_over:
            for actor, bot in bots.items():
                decision = bot.decide(PlayerView(game, actor), game.available_moves(actor), game.orders_allowed(actor))
                game.submit(actor, decision.orders)
            game.resolve()
        secret = [p for p in game.plays if p.move.startswith("backchannel@a")]
        if not secret:
            continue
        saved = SavedGame(new_save(game, dict.fromkeys(offers_deck.actors, "random")))
        for turn in range(1, saved.turns_played + 2):
            assert all(not o.secret for o in saved.observe("b", turn).offers)
            assert all(not o.secret for o in saved.observe(PUBLIC, turn).offers)
        assert any(o.secret for o in saved.observe("a", saved.turns_played + 1).offers)
        assert any(o.secret for o in saved.observe("c", saved.turns_played + 1).offers)
        return
    raise AssertionError("no offers game in 30 seeds made the secret offer")


def _replay_matches_live(deck: CompiledDeck, seed: int) -> None:
    game = Game(deck, seed)
    bots = {a: make_bot("random", deck, a, seed) for a in deck.actors}
    SEATS[deck.id] = dict.fromkeys(deck.actors, "random")
    live: list[dict[Viewer, dict[str, Any]]] = []
    while not game.is_over:
        live.append({v: _snapshot(PlayerView(game, v)) for v in _viewers(deck)})
        for actor, bot in bots.items():
            decision = bot.decide(PlayerView(game, actor), game.available_moves(actor), game.orders_allowed(actor))
            game.submit(actor, decision.orders, decision.reasons)
        game.resolve()
    live.append({v: _snapshot(PlayerView(game, v)) for v in _viewers(deck)})
    saved = SavedGame(new_save(game, {a: "random" for a in deck.actors}))
    assert saved.turns_played == len(game.records)
    for turn, seen in enumerate(live, start=1):
        for viewer, expected in seen.items():
            assert _snapshot(saved.view(viewer, turn)) == expected, (viewer, turn)


def test_later_reveals_name_only_plays_the_seat_did_not_know(decks: dict[str, CompiledDeck]) -> None:
    deck = decks["korea-2022"]
    for seed in range(40):
        game = Game(deck, seed)
        bots = {a: make_bot("random", deck, a, seed) for a in deck.actors}
        while not game.is_over:
            for actor, bot in bots.items():
                decision = bot.decide(PlayerView(game, actor), game.available_moves(actor), game.orders_allowed(actor))
                game.submit(actor, decision.orders)
            game.resolve()
        if not game.revealed_plays:
            continue
        saved = SavedGame(new_save(game, {a: "random" for a in deck.actors}))
        for actor in deck.actors:
            for turn in range(1, saved.turns_played + 2):
                knew = {(p.turn, p.move) for p in saved.view(actor, turn).plays}
                for reveal in saved.later_reveals(actor, turn):
                    assert (reveal.turn, reveal.move) not in knew
                    assert reveal.turn < turn <= reveal.revealed_in
                    assert reveal.actor != actor
        return
    raise AssertionError("no korea-2022 game in 40 seeds revealed a secret play")


def test_every_roll_of_a_turn_has_its_state_also_a_weighted_outcome(decks: dict[str, CompiledDeck]) -> None:
    # cuba-1962 has one-of events, whose `outcome` rolls the engine records apart from
    # its other rolls; the debrief explains each roll from its state, so none may be missed.
    from wargame.analysis.simulate import play_game

    deck = decks["cuba-1962"]
    for seed in range(200):
        game = play_game(deck, seed, dict.fromkeys(deck.actors, "random"))
        turns = [r.turn for r in game.records if any(roll.kind == "outcome" for roll in r.rolls)]
        if turns:
            break
    assert turns, "no seeded game drew a weighted outcome"
    saved = SavedGame(new_save(game, dict.fromkeys(deck.actors, "random")))
    for turn in range(1, saved.turns_played + 1):
        assert [roll for roll, _state in saved.roll_states(turn)] == saved.record(turn).rolls
