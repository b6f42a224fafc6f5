"""No bot can read another seat's unrevealed secrets.

Bots are handed a `PlayerView` and nothing else; two games that differ only in another
seat's secret (a secret move, a secret track) give the observing seat identical views
and identical decisions from every kind of bot.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import DECK_NAMES
from wargame.analysis import simulate as simulate_module
from wargame.bots.answers import split_answers
from wargame.bots.base import Bot, Decision
from wargame.bots.make import make_bot
from wargame.deck.compile import CMove, CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.engine.state import Play
from wargame.observe.view import PlayerView


def bot_specs(deck: CompiledDeck, actor: str) -> list[str]:
    return ["random", *(f"doctrine:{name}" for name in deck.doctrines.get(actor, {})), "lookahead:12"]


def belief_of(view: PlayerView) -> tuple[Any, ...]:
    b = view.belief
    return (b.turn, b.v, b.f, b.counts, b.wins, b.last, b.revealed, b.fired)


def what_seat_knows(view: PlayerView) -> tuple[Any, ...]:
    return (belief_of(view), view.news, view.plays, view.orders, view.hidden_slots, view.turn, view.over)


def decisions(deck: CompiledDeck, game: Game, actor: str, seed: int, legal: Sequence[CMove] | None = None) -> list[Decision]:
    """What every kind of bot for `actor` orders now (from `legal`, default: what is legal)."""
    legal = game.available_moves(actor) if legal is None else legal
    out = []
    for spec in bot_specs(deck, actor):
        bot = make_bot(spec, deck, actor, seed)
        out.append(bot.decide(PlayerView(game, actor), legal, game.orders_allowed(actor)))
    return out


_DECKS: dict[str, CompiledDeck] = {}


def deck_named(name: str) -> CompiledDeck:
    # Loaded here rather than through a fixture, so a failing example prints a short name.
    if name not in _DECKS:
        _DECKS[name] = load_deck(Path(__file__).resolve().parents[2] / "decks" / f"{name}.toml")
    return _DECKS[name]


class _Poison:
    """Stands in for the game behind a view: any use of it fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a bot reached through its view to the game (.{name})")


def test_a_secret_move_leaves_the_other_seats_view_and_decisions_unchanged(tutorial: CompiledDeck) -> None:
    # Blue's spy operation is secret; a detection would reveal it, so detection is forced
    # to fail. Red orders a patrol (no dice), so both games draw the same public dice.
    def game_with(blue_orders: list[str]) -> Game:
        game = Game(tutorial, 21)
        game.submit("red", ["patrol"])
        game.submit("blue", blue_orders)
        if blue_orders:
            game.override("detect:spy-op", False)
        game.resolve()
        return game

    spied, quiet = game_with(["spy-op"]), game_with([])
    assert spied.state.v != quiet.state.v  # Blue's secret intelligence track differs
    assert spied.state.counts != quiet.state.counts
    assert what_seat_knows(PlayerView(spied, "red")) == what_seat_knows(PlayerView(quiet, "red"))
    for seed in range(3):
        assert decisions(tutorial, spied, "red", seed) == decisions(tutorial, quiet, "red", seed)
    # Blue itself of course knows: its own view differs.
    assert belief_of(PlayerView(spied, "blue")) != belief_of(PlayerView(quiet, "blue"))


@pytest.mark.parametrize("name", DECK_NAMES)
@given(seed=st.integers(0, 2**31), turns=st.integers(0, 4), data=st.data())
def test_other_seats_secret_tracks_and_plays_change_nothing_a_bot_sees(name: str, seed: int, turns: int, data: st.DataObject) -> None:
    deck = deck_named(name)
    game = Game(deck, seed)
    rng = random.Random(seed)
    for _ in range(turns):
        if game.is_over:
            break
        for actor in deck.actors:
            # Random orders, and to each offer waiting for this seat one answer or none.
            ordinary, pending = split_answers(game.available_moves(actor))
            orders = [m.id for m in rng.sample(list(ordinary), min(len(ordinary), game.orders_allowed(actor)))]
            orders += [m.id for p in pending if (m := rng.choice([p.accept, p.refuse, None])) is not None]
            game.submit(actor, orders)
        game.resolve()
    if game.is_over:
        return
    seat = data.draw(st.sampled_from(deck.actors))
    before = what_seat_knows(PlayerView(game, seat))
    legal = game.available_moves(seat)
    chosen = decisions(deck, game, seat, seed, legal)
    # Change everything secret the seat may not know: others' secret tracks, and the
    # counts of others' unrevealed secret plays, as if those had gone differently.
    for slot, owner in deck.secret_slots.items():
        if owner != seat:
            game.state.v[slot] = data.draw(st.sampled_from([deck.lo[slot], deck.hi[slot], (deck.lo[slot] + deck.hi[slot]) / 2]))
    secret_moves = [
        m
        for m in deck.moves
        if m.secret
        and m.actor != seat
        and seat not in (m.audience or ())
        and (game.turn - 1, m.id) not in game.revealed_plays
        and not (m.once and game.state.counts[m.index])
    ]
    if secret_moves and game.turn > 1:
        # One more secret play last turn, with its counts, as the engine would record it.
        move = data.draw(st.sampled_from(secret_moves))
        game.plays.append(Play(game.turn - 1, move.actor, move.id, True, True, move.audience))
        game.state.counts[move.index] += 1
        game.state.wins[move.index] += 1
        game.state.last[move.index] = game.turn - 1
    assert what_seat_knows(PlayerView(game, seat)) == before
    # The loader lets a precondition read only what its actor knows, so the seat's order
    # list cannot change either; and the bots then decide the same.
    assert [m.id for m in game.available_moves(seat)] == [m.id for m in legal]
    assert decisions(deck, game, seat, seed) == chosen


def test_bots_decide_from_the_view_alone(tutorial: CompiledDeck) -> None:
    # Everything a seat may know is computed first; then the game behind the view is
    # replaced by a poison that fails on any use. Every bot still decides.
    game = Game(tutorial, 5)
    game.submit("red", ["missile-test"])
    game.submit("blue", ["spy-op"])
    game.resolve()
    for actor in tutorial.actors:
        for spec in bot_specs(tutorial, actor):
            view = PlayerView(game, actor)
            _ = (view.belief, view.news, view.plays, view.hidden_slots, view.orders, view.reasons)
            view._game = _Poison()  # type: ignore[assignment]
            decision = make_bot(spec, tutorial, actor, 1).decide(view, game.available_moves(actor), 1)
            assert len(decision.orders) <= 1


def test_the_simulator_hands_bots_only_player_views(tutorial: CompiledDeck, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[type] = []
    real_make_bot = simulate_module.make_bot

    class Spy:
        def __init__(self, inner: Bot) -> None:
            self.inner = inner
            self.label = inner.label
            self.explain = True

        def decide(self, view: PlayerView, legal: Sequence[CMove], allowed: int) -> Decision:
            seen.append(type(view))
            return self.inner.decide(view, legal, allowed)

    def spy_bot(*args: Any, **kwargs: Any) -> Spy:
        return Spy(real_make_bot(*args, **kwargs))

    monkeypatch.setattr(simulate_module, "make_bot", spy_bot)
    simulate_module.simulate(tutorial, 5, seed=1, seats={"red": "doctrine:bully", "blue": "lookahead:8"})
    assert seen and set(seen) == {PlayerView}
