"""A seat's observation (its order sheet in plain words, and everything else it is shown)
never names a secret move the seat cannot know of: a property over random korea-2022
games, at every turn, for every seat."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.bots.base import RandomBot
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.observe.build import observe
from wargame.observe.view import PlayerView

DECK = load_deck(Path(__file__).resolve().parents[2] / "decks" / "korea-2022.toml")
SECRET = [m for m in DECK.moves if m.secret]


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 8))
def test_move_words_name_no_secret_move_the_seat_cannot_know(seed: int, turns: int) -> None:
    game = Game(DECK, seed)
    bots = {a: RandomBot(seed + i) for i, a in enumerate(DECK.actors)}
    for _ in range(turns):
        if game.is_over:
            break
        for actor, bot in bots.items():
            legal = game.available_moves(actor)
            game.submit(actor, bot.decide(PlayerView(game, actor), legal, game.orders_allowed(actor)).orders)
        game.resolve()
    for seat in DECK.actors:
        obs = observe(game, seat)
        revealed = {move for _turn, move in PlayerView(game, seat)._revealed}
        unknown = [m for m in SECRET if seat not in (m.audience or ()) and m.id not in revealed]
        assert obs.seat is not None
        for move in obs.seat.moves:
            text = " ".join([move.requires, move.limits, move.chance_words, *(w for ws in move.effects.values() for w in ws)])
            for m in unknown:
                assert m.name not in text and m.id not in text, (seat, move.id, m.id, text)
        whole = obs.model_dump_json()
        for m in unknown:
            assert f'"{m.id}"' not in whole and m.name not in whole, (seat, m.id)
