"""The orders screen's plain-word move details never name a secret move the seat cannot
know of: a property over random korea-2022 games, at every turn, for every seat."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.bots.base import RandomBot
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.observe.view import PlayerView
from wargame.play.readmodel import ReadModel

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
        read = ReadModel.now(game, seat)
        revealed = {move for _turn, move in read.view._revealed}
        unknown = [m for m in SECRET if seat not in (m.audience or ()) and m.id not in revealed]
        for choice in read.moves():
            words = read.move_words(choice.move)
            text = " ".join([words.requires, words.chance, *words.success, *words.failure, *words.always])
            for m in unknown:
                assert m.name not in text and m.id not in text, (seat, choice.move.id, m.id, text)
