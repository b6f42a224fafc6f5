"""Branches for the tests: a saved game and a branch of it played on by other computers."""

from __future__ import annotations

from pathlib import Path

from wargame.analysis.simulate import decide_turn, play_game
from wargame.bots.make import make_bot
from wargame.deck.compile import CompiledDeck
from wargame.observe.visibility import Viewer
from wargame.saves.format import SaveModel
from wargame.saves.store import branch, new_save, update_save, with_seats, write_save

SEATS = {"red": "doctrine:bully", "blue": "doctrine:broker"}


def parent_save(deck: CompiledDeck, seed: int = 3, seats: dict[str, str] | None = None) -> SaveModel:
    seats = seats or SEATS
    return new_save(play_game(deck, seed, seats), seats)


def played_branch(save: SaveModel, at: int, seats: dict[str, str], path: str = "") -> SaveModel:
    """A branch of `save` that keeps its first `at` turns, then is played to its end by
    `seats` (seated afresh at the split, as a resumed branch is: so it verifies)."""
    child, game = branch(save, at, path)
    deck = game.deck
    seated = [(a, Viewer.seat(a), make_bot(seats[a], deck, a, game.seed), game.orders_allowed(a)) for a in deck.actors]
    while game.ending is None:
        decide_turn(game, seated, seats)
        game.resolve()
    return update_save(with_seats(child, seats), game)


def family_folder(tmp: Path, deck: CompiledDeck) -> dict[str, Path]:
    """A folder with a game, two branches of it, a branch of a branch and an unrelated game."""
    root = parent_save(deck)
    paths = {"root": write_save(root, tmp / "root.json")}
    a = played_branch(root, 2, {"red": "random", "blue": "doctrine:broker"}, str(paths["root"]))
    paths["a"] = write_save(a, tmp / "a.json")
    b = played_branch(root, 1, {"red": "doctrine:bully", "blue": "random"}, str(paths["root"]))
    paths["b"] = write_save(b, tmp / "b.json")
    aa = played_branch(a, 4, {"red": "random", "blue": "random"}, str(paths["a"]))
    paths["aa"] = write_save(aa, tmp / "aa.json")
    paths["other"] = write_save(parent_save(deck, seed=99), tmp / "other.json")
    (tmp / "notes.json").write_text("{not a save", encoding="utf-8")
    return paths
