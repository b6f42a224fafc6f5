"""Made the two saves whose key moments are pinned in this folder: a korea-2022 and a
cuba-1962 game under the historical doctrines, saved with fixed ids and dates. Run from the
repository root once; the saves then stay as they are (they carry their deck's copy)."""

from pathlib import Path

from wargame.analysis.simulate import play_game
from wargame.deck.loader import load_deck
from wargame.saves.store import new_save, write_save

out = Path("tests/analysis/moments")
games = {
    "korea-2022-seed11": ("decks/korea-2022.toml", 11, {"dprk": "doctrine:hardliner", "us": "doctrine:pressure-first", "rok": "doctrine:hawkish", "china": "doctrine:status-quo"}),
    "cuba-1962-seed2": ("decks/cuba-1962.toml", 2, {"us": "doctrine:excomm", "ussr": "doctrine:khrushchev", "cuba": "doctrine:castro"}),
}
for name, (path, seed, seats) in games.items():
    deck = load_deck(path)
    save = new_save(play_game(deck, seed, seats), seats)
    save = save.model_copy(update={"save_id": name[:12], "created": "2026-12-06T09:00:00+00:00", "deck_path": path})
    write_save(save, out / f"{name}.json")
