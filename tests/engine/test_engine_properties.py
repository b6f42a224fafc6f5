"""Invariants of the engine under any legal play, on every committed deck.

Hypothesis draws each seat's orders from what is legal at that moment (and, as the
facilitator, injects and dice overrides), so these hold for whole games, not one turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import DECK_NAMES
from wargame.deck.compile import CMove, CompiledDeck
from wargame.engine.game import Game
from wargame.engine.model import state_model
from wargame.engine.state import FACILITATOR
from wargame.observe.view import PlayerView

seeds = st.integers(0, 2**63 - 1)
Drive = Callable[..., Any]


@pytest.mark.parametrize("name", DECK_NAMES)
@given(seed=seeds, data=st.data())
def test_tracks_stay_within_bounds(decks: dict[str, CompiledDeck], drive: Drive, name: str, seed: int, data: st.DataObject) -> None:
    deck = decks[name]
    game = Game(deck, seed)
    while not game.is_over:
        drive(game, data.draw, True)
        for slot, value in enumerate(game.state.v):
            assert deck.lo[slot] <= value <= deck.hi[slot], f"{deck.slot_names[slot]} = {value}"
        state_model(deck, game.state)  # the boundary model agrees (it checks bounds too)
        for seat in (*deck.actors, FACILITATOR):
            view = PlayerView(game, seat)
            for track, shown in view.state.tracks.items():
                slot = deck.slot_names.index(track)
                assert deck.lo[slot] <= shown <= deck.hi[slot]
    assert game.ending is not None
    assert len(game.records) <= game.turns


@pytest.mark.parametrize("name", DECK_NAMES)
@given(seed=seeds, data=st.data())
def test_same_inputs_replay_bit_for_bit(decks: dict[str, CompiledDeck], drive: Drive, name: str, seed: int, data: st.DataObject) -> None:
    deck = decks[name]
    game = Game(deck, seed)
    while not game.is_over:
        drive(game, data.draw, True)
    again = Game(deck, seed)
    for rec in game.records:
        for actor, orders in rec.orders.items():
            again.submit(actor, orders)
        for inject in rec.injects:
            again.fire_inject(event=inject.event, text=inject.text, effects=inject.effects)
        for key, outcome in rec.overrides.items():
            again.override(key, outcome)
        redo = again.resolve()
        assert (redo.state_hash, redo.rolls, redo.news, redo.changes) == (rec.state_hash, rec.rolls, rec.news, rec.changes)
    assert again.state.digest() == game.state.digest()
    assert again.ending is game.ending


def _told(move: CMove, seat: str) -> bool:
    """Whether the deck lets `seat` learn of `move` when it resolves (its actor, or shared)."""
    return not move.secret or move.audience is None or seat in move.audience


def _unrevealed_secrets(game: Game, seat: str) -> set[tuple[int, str]]:
    deck = game.deck
    return {
        (p.turn, p.move)
        for p in game.plays
        if not _told(deck.moves[deck.move_index[p.move]], seat) and (p.turn, p.move) not in game.revealed_plays
    }


def assert_view_keeps_secrets(game: Game, seat: str) -> None:
    """Everything `seat`'s view holds, checked against what the game knows is secret."""
    deck = game.deck
    view = PlayerView(game, seat)
    hidden = _unrevealed_secrets(game, seat)
    # Plays: no unrevealed secret play of another seat.
    assert not [p for p in view.plays if (p.turn, p.move) in hidden]
    assert {(p.turn, p.move) for p in game.plays} - {(p.turn, p.move) for p in view.plays} == hidden
    # News: nothing addressed to others; no headline of another seat's secret move
    # (after a reveal, the public "Revealed: ..." item tells it instead).
    for item in view.news:
        assert item.audience is None or seat in item.audience
        if item.kind in {"move", "fizzle"}:
            if item.source is None:  # an unattributed move's news, without who played it
                assert item.kind == "move" and item.actor is None, item
                continue
            move = deck.moves[deck.move_index[item.source]]
            assert _told(move, seat) or (item.turn, item.source) in game.revealed_plays, item
    # Orders and reasons: only the seat's own.
    assert all(set(orders) == {seat} for orders in view.orders.values())
    assert all(set(reasons) == {seat} for reasons in view.reasons.values())
    # Dice: no roll of another seat's secret move unless that play is revealed.
    for turn in range(1, len(game.records) + 1):
        for roll in view.rolls_for_turn(turn):
            if roll.kind in {"move", "detect"} and roll.actor != seat:
                assert (turn, roll.key) not in hidden
    # Belief: counts and wins leave out exactly the unrevealed secret plays.
    for move in deck.moves:
        unseen = [p for p in game.plays if p.move == move.id and (p.turn, p.move) in hidden]
        assert view.belief.counts[move.index] == game.state.counts[move.index] - len(unseen)
        assert view.belief.wins[move.index] == game.state.wins[move.index] - sum(p.success for p in unseen)
    # Secret tracks of others: not in the state, not in the history.
    for slot in view.hidden_slots:
        name = deck.slot_names[slot]
        assert deck.secret_slots[slot] != seat
        assert name not in view.state.tracks
        assert view.value(name) is None
        assert set(view.history(name)) == {None}
        assert view.belief.v[slot] == deck.start_values[slot]
    for turn in range(1, len(game.records) + 1):
        assert all(c.slot not in view.hidden_slots for c in view.changes_for_turn(turn))


@pytest.mark.parametrize("name", DECK_NAMES)
@given(seed=seeds, data=st.data())
def test_a_seat_never_sees_another_seats_secrets(decks: dict[str, CompiledDeck], drive: Drive, name: str, seed: int, data: st.DataObject) -> None:
    deck = decks[name]
    game = Game(deck, seed)
    while not game.is_over:
        drive(game, data.draw, data.draw(st.booleans()))
        for seat in deck.actors:
            assert_view_keeps_secrets(game, seat)
        everything = PlayerView(game, FACILITATOR)
        assert len(everything.plays) == len(game.plays) and len(everything.news) == len(game.news)
        assert everything.hidden_slots == frozenset()


def test_a_secret_play_is_hidden_until_detected(tutorial: CompiledDeck) -> None:
    for detected in (False, True):
        game = Game(tutorial, 5)
        game.submit("red", [])
        game.submit("blue", ["spy-op"])
        game.override("detect:spy-op", detected)
        game.resolve()
        red, blue = PlayerView(game, "red"), PlayerView(game, "blue")
        spy = tutorial.move_index["spy-op"]
        assert [p.move for p in blue.plays] == ["spy-op"]
        assert blue.belief.counts[spy] == 1
        assert blue.value("blue.intel") == 3 and red.value("blue.intel") is None
        if detected:
            assert [p.move for p in red.plays] == ["spy-op"]
            assert red.belief.counts[spy] == 1
            assert [n.text for n in red.news] == ["Revealed: Blue played Intelligence operation."]
        else:
            assert red.plays == () and red.news == ()
            assert red.belief.counts[spy] == 0
        assert_view_keeps_secrets(game, "red")


def test_a_later_reveal_uncovers_earlier_plays(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 5)
    game.submit("red", [])
    game.submit("blue", ["spy-op"])
    game.override("detect:spy-op", False)
    game.resolve()
    before = PlayerView(game, "red")
    assert before.plays == ()
    game.submit("red", [])
    game.submit("blue", [])
    game.fire_inject(text="A defector talks.", effects=["reveal('spy-op')"])
    rec = game.resolve()
    after = PlayerView(game, "red")
    assert [(p.turn, p.move) for p in after.plays] == [(1, "spy-op")]
    assert "Revealed: Blue played Intelligence operation (week 1)." in [n.text for n in rec.news]
    assert after.belief.counts[tutorial.move_index["spy-op"]] == 1
    # A view is a snapshot: the one taken before the reveal still keeps the secret.
    assert before.plays == () and before.belief.counts[tutorial.move_index["spy-op"]] == 0
    assert_view_keeps_secrets(game, "red")


@pytest.mark.parametrize("name", DECK_NAMES)
@given(seed=seeds, data=st.data())
def test_a_game_without_its_log_plays_the_same(decks: dict[str, CompiledDeck], drive: Drive, name: str, seed: int, data: st.DataObject) -> None:
    # `log=False` (for Monte Carlo runs) may skip news, dice records and hashes, never play.
    deck = decks[name]
    game = Game(deck, seed)
    quiet = Game(deck, seed, log=False)
    while not game.is_over:
        rec = drive(game, data.draw, True)
        for actor, orders in rec.orders.items():
            quiet.submit(actor, orders)
        for inject in rec.injects:
            quiet.fire_inject(event=inject.event, text=inject.text, effects=inject.effects)
        for key, outcome in rec.overrides.items():
            quiet.override(key, outcome)
        quiet.resolve()
        assert quiet.state.digest() == rec.state_hash
        assert [(p.turn, p.move, p.success) for p in quiet.plays] == [(p.turn, p.move, p.success) for p in game.plays]
    assert quiet.is_over and quiet.ending is game.ending
    assert {a: s.total for a, s in quiet.scores().items()} == {a: s.total for a, s in game.scores().items()}


def _seen(view: PlayerView) -> tuple[object, ...]:
    """Everything a view shows that depends on its moment."""
    b = view.belief
    return (view.turn, view.over, b.turn, b.v, b.f, b.counts, b.wins, b.last, b.offers, view.plays, view.news, view.orders)


@pytest.mark.parametrize("name", DECK_NAMES)
@given(seed=seeds, data=st.data())
def test_a_lazy_view_shows_what_an_eager_one_shows(decks: dict[str, CompiledDeck], drive: Drive, name: str, seed: int, data: st.DataObject) -> None:
    # A lazy view (the simulator's) copies the state only when first read; settled before
    # the game moves on, it keeps its moment like an eager view.
    deck = decks[name]
    game = Game(deck, seed)
    kept: list[tuple[PlayerView, tuple[object, ...]]] = []
    while not game.is_over:
        for seat in (*deck.actors, FACILITATOR):
            lazy = PlayerView(game, seat, lazy=True)
            read_now = data.draw(st.booleans())
            if read_now:
                assert _seen(lazy) == _seen(PlayerView(game, seat))
            else:
                lazy.settle()
            kept.append((lazy, _seen(PlayerView(game, seat))))
        drive(game, data.draw, data.draw(st.booleans()))
    for view, then in kept:
        assert _seen(view) == then
