"""The move detail a seat reads is rendered from its observation alone (no deck at all),
for every move of every seat of every deck, and quotes the author's own requirement."""

from __future__ import annotations

from pathlib import Path

import pytest

from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.observe.build import observe
from wargame.observe.model import ScoreInfo
from wargame.tui.render import move_detail, ranked, score_block

ROOT = Path(__file__).resolve().parents[2]
DECKS = [*sorted((ROOT / "decks").glob("*.toml")), ROOT / "tests" / "decks_format" / "offers.toml"]


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.stem)
def test_move_detail_is_rendered_from_the_observation(path: Path) -> None:
    deck = load_deck(path)
    game = Game(deck, 7)
    shown = 0
    for actor in deck.actors:
        sheet = observe(game, actor).seat
        assert sheet is not None
        for move in sheet.moves:
            text = move_detail(move).plain
            assert text.startswith(move.name)
            compiled = deck.moves[deck.move_index[move.id]]
            # The author's own requirement is quoted as written.
            if compiled.requires_own:
                assert compiled.requires_own.rstrip(".") in text
            shown += 1
    assert shown > 0


def test_the_end_ranks_sides_by_their_points_against_their_most() -> None:
    """A side that met every objective (3 of 3) is above one with more points of a higher
    most (4 of 10), and each side's points are shown against its most."""
    deck = load_deck(DECKS[0])
    obs = observe(Game(deck, 7), "facilitator")
    full = ScoreInfo(actor=deck.actors[0], total=3, most=3, objectives=[])
    more = ScoreInfo(actor=deck.actors[1], total=4, most=10, objectives=[])
    assert ranked([more, full]) == [full, more]
    assert "3 of 3 points" in score_block(full, obs).plain and "4 of 10 points" in score_block(more, obs).plain
