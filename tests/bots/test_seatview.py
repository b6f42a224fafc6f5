"""The seat view (what agents and network clients are sent) says what the read model says
to the same seat: the two are built on the same rules (`wargame.observe.reading`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DECK_NAMES
from tests.deck.test_format_loader import deck, load
from wargame.bots.seatview import seat_view
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.engine.state import TurnRecord
from wargame.observe.view import PlayerView
from wargame.play.readmodel import ReadModel


def test_the_seat_view_leaves_out_silent_events_as_the_read_model_does() -> None:
    """Seats are not told a silent event (the author's bookkeeping) fired, on any screen:
    the seat view sent to agents and network clients agrees with the read model."""
    d = load(deck(event='news = ""\neffects = ["tension += 1"]'))
    game = Game(d, 1)
    for _ in range(2):
        game.submit("us", [])
        game.submit("un", [])
        game.resolve()
    assert game.records[1].fired == ["first-letter"]
    view = seat_view(PlayerView(game, "un"), game.legal_moves("un"), 1)
    assert [t.events for t in view.turns_resolved] == [ReadModel.now(game, "un").turn_report(t).events for t in (1, 2)] == [[], []]


OFFERS = load_deck(Path(__file__).resolve().parents[1] / "decks_format" / "offers.toml")


@pytest.mark.parametrize("deck_name", [*DECK_NAMES, "offers"])
@settings(max_examples=min(10, settings.default.max_examples))
@given(data=st.data(), seed=st.integers(0, 2**31))
def test_the_seat_view_agrees_with_the_read_model(
    deck_name: str, decks: dict[str, CompiledDeck], drive: Callable[[Game, object, bool], TurnRecord], data: st.DataObject, seed: int
) -> None:
    """Each seat's odds, objectives, coach line, offers, and every resolved turn's dice,
    changes and events are the same in its seat view as in its read model."""
    deck = OFFERS if deck_name == "offers" else decks[deck_name]
    game = Game(deck, seed, data.draw(st.integers(1, 5)))
    while True:
        for seat in deck.actors:
            read = ReadModel.now(game, seat)
            view = seat_view(PlayerView(game, seat), game.legal_moves(seat), game.orders_allowed(seat))
            listed = {m.id: m for m in view.moves}
            for choice in read.moves():
                if choice.move.id in listed:  # (answers are listed only while they may be given)
                    m = listed[choice.move.id]
                    assert (m.chance, m.chance_note, m.available, m.reason) == (choice.chance, choice.chance_note, choice.available, choice.reason)
            assert [(o.text, o.points, o.met) for o in view.objectives] == [(o.text, o.points, o.met) for o in read.objectives()]
            assert view.coach == read.coach()
            assert [(o.move, o.status, o.closed) for o in view.offers] == [(o.move, o.status, o.closed) for o in read.offers()]
            assert [o.move for o in view.offers_waiting] == [o.move for o in read.offers_waiting()]
            for info in view.turns_resolved:
                report = read.turn_report(info.turn)
                assert [(r.label, r.chance, r.roll, r.note) for r in info.rolls] == [(r.label, r.chance, r.roll, r.note) for r in report.rolls]
                assert [(c.label, c.old, c.new) for c in info.changes] == [(c.label, c.old, c.new) for c in report.changes]
                assert info.events == report.events
        if game.is_over:
            break
        drive(game, data.draw, True)
