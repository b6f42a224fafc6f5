"""The move detail a seat reads comes from compiled-deck accessors and the read model only.

`deck.model` is the raw (expanded) pydantic deck; a screen that read it would show what the
author wrote rather than what the seat may know, so these renders run with it unreachable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.play.readmodel import ReadModel
from wargame.tui.render import move_detail

ROOT = Path(__file__).resolve().parents[2]
DECKS = [*sorted((ROOT / "decks").glob("*.toml")), ROOT / "tests" / "decks_format" / "offers.toml"]


class NoModel:
    """A compiled deck whose raw pydantic model cannot be read."""

    def __init__(self, deck: CompiledDeck) -> None:
        self._deck = deck

    def __getattr__(self, name: str) -> Any:
        if name == "model":
            raise AssertionError("a screen read deck.model")
        return getattr(self._deck, name)


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.stem)
def test_move_detail_needs_no_raw_deck(path: Path) -> None:
    deck = load_deck(path)
    game = Game(deck, 7)
    shown = 0
    for actor in deck.actors:
        read = ReadModel.now(game, actor)
        for choice in read.moves():
            for words in (read.move_words(choice.move), None):
                text = move_detail(choice, cast(CompiledDeck, NoModel(deck)), words).plain
                assert text.startswith(choice.move.name)
                # The author's own requirement is quoted as written, by both views.
                if choice.move.requires_own:
                    assert choice.move.requires_own.rstrip(".") in text
            shown += 1
    assert shown > 0
