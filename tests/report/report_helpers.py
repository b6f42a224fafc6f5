"""Saves for the report tests: a seeded tutorial game and a scripted game of the offers
test deck, with fixed id and date, so reports made from them are the same on every run."""

from __future__ import annotations

from pathlib import Path

from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save

SEATS = {"red": "doctrine:bully", "blue": "doctrine:broker"}


def seeded_save(deck: CompiledDeck, seed: int = 3, seats: dict[str, str] | None = None) -> SaveModel:
    """Game `seed` of `deck` with doctrine seats, saved with a fixed id and date."""
    game = play_game(deck, seed, seats or SEATS)
    save = new_save(game, seats or SEATS)
    return save.model_copy(update={"save_id": "golden000001", "created": "2022-01-03T09:00:00+00:00"})


OFFERS_DECK = Path(__file__).resolve().parent.parent / "decks_format" / "offers.toml"

OFFERS_SCRIPT: tuple[dict[str, list[str]], ...] = (
    # Turn 1: Alpha offers Charlie talks; Charlie secretly offers Alpha a backchannel deal.
    {"a": ["talks@c"], "b": ["wait"], "c": ["backchannel@a"]},
    # Turn 2: Charlie refuses the talks; Alpha quietly accepts the deal and offers Bravo talks.
    {"a": ["talks@b", "backchannel@a/accept"], "b": [], "c": ["talks@c/refuse"]},
    # Turn 3: Bravo lets the offer wait; Alpha warns Charlie; Charlie offers the deal again.
    {"a": ["warn@c"], "b": ["wait"], "c": ["backchannel@a"]},
    # Turn 4: nobody answers: Bravo's talks and Charlie's second deal expire tonight.
    {"a": ["warn@b"], "b": [], "c": ["wait-c"]},
    # Turn 5: Alpha offers Bravo talks again.
    {"a": ["talks@b"], "b": ["wait"], "c": []},
    # Turn 6: Bravo accepts (calm); Charlie's third deal is left unanswered at the end.
    {"a": [], "b": ["talks@b/accept"], "c": ["backchannel@a"]},
)
"""A short game of the offers test deck with every fate an offer can meet: refused (public),
accepted (secret, then public), expired (secret and public) and unanswered at the end."""


def offers_save() -> SaveModel:
    """The scripted offers game (human seats), saved with a fixed id and date."""
    deck = load_deck(OFFERS_DECK)
    game = Game(deck, 11)
    for orders in OFFERS_SCRIPT:
        for actor, given in orders.items():
            game.submit(actor, given)
        game.resolve()
    assert game.is_over and len(game.records) == len(OFFERS_SCRIPT)
    save = new_save(game, {a: "human" for a in deck.actors})
    return save.model_copy(update={"save_id": "golden000002", "created": "2022-01-03T09:00:00+00:00"})
