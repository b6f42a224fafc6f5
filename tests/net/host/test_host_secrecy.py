"""No state the host sends a seat (or the projector) holds another seat's unrevealed secret.

Games are driven with hypothesis-drawn orders, injects and dice overrides; after every
turn each seat's message and the public message are checked by `netsecrets.leaks`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netsecrets import leaks

from tests.conftest import DECK_NAMES
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.engine.state import TurnRecord
from wargame.net.exercise import Exercise
from wargame.net.store.base import Store, open_store


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(Path(tmp_path_factory.mktemp("secrecy")) / "s.sqlite3") as s:
        yield s


@pytest.mark.parametrize("deck_name", DECK_NAMES)
@settings(max_examples=min(25, settings.default.max_examples))  # whole games: ~1 s each
@given(data=st.data(), seed=st.integers(0, 2**31))
def test_no_message_to_a_seat_holds_another_seats_secret(
    deck_name: str,
    decks: dict[str, CompiledDeck],
    shared_store: Store,
    drive: Callable[[Game, object, bool], TurnRecord],
    data: st.DataObject,
    seed: int,
) -> None:
    deck = decks[deck_name]
    ex, _ = Exercise.create(shared_store, uuid.uuid4().hex[:16], deck, {}, seed=seed, turns=data.draw(st.integers(1, 6)))
    while True:
        for seat in deck.actors:
            assert leaks(ex.game, seat, ex.seat_state(seat)) == [], seat
        assert leaks(ex.game, None, ex.public_state()) == []
        if ex.game.is_over:
            break
        drive(ex.game, data.draw, True)


def test_the_checker_catches_a_leak(tutorial: CompiledDeck, shared_store: Store) -> None:
    """The facilitator's state holds every secret: the checker must flag it for a seat."""
    ex, _ = Exercise.create(shared_store, "leaky", tutorial, {}, seed=3)
    ex.submit("red", 1, [])
    ex.submit("blue", 1, ["spy-op"])
    ex.resolve()
    found = leaks(ex.game, "red", ex.facilitator_state()) if "spy-op" not in {p.move for p in ex.game.view("red").plays} else ["revealed"]
    assert found
    assert any("blue.intel" in p for p in leaks(ex.game, "red", ex.facilitator_state()))
