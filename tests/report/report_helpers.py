"""Saves for the report tests: a seeded tutorial game with fixed id and date, so reports
made from it are the same on every run."""

from __future__ import annotations

from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save

SEATS = {"red": "doctrine:bully", "blue": "doctrine:broker"}


def seeded_save(deck: CompiledDeck, seed: int = 3, seats: dict[str, str] | None = None) -> SaveModel:
    """Game `seed` of `deck` with doctrine seats, saved with a fixed id and date."""
    game = play_game(deck, seed, seats or SEATS)
    save = new_save(game, seats or SEATS)
    return save.model_copy(update={"save_id": "golden000001", "created": "2022-01-03T09:00:00+00:00"})
