"""The pydantic form of a game state: what views hand the UI and facilitator edits go through."""

from __future__ import annotations

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.engine.model import StateModel, apply_state_model, state_model
from wargame.errors import WargameError


def test_state_model_names_every_track_and_flag(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 1)
    model = state_model(tutorial, game.state)
    assert model.turn == 1 and model.turns == 6
    assert model.tracks == {"tension": 4, "talks": 0, "red.standing": 5, "red.intel": 0, "blue.standing": 5, "blue.intel": 0}
    assert model.flags == {"hotline": False}


def test_a_facilitator_edit_is_applied_when_valid(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 1)
    apply_state_model(tutorial, game.state, {"turn": 1, "turns": 6, "tracks": {"tension": 9, "blue.intel": 2}, "flags": {"hotline": True}})
    assert game.state.v[tutorial.slot_names.index("tension")] == 9
    assert game.state.v[tutorial.slot_names.index("blue.intel")] == 2
    assert game.state.f == [True]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"tracks": {"tension": 11}}, "track 'tension' = 11 is outside 0..10"),
        ({"tracks": {"morale": 1}}, "unknown track 'morale'"),
        ({"tracks": {"green.standing": 1}}, "unknown track 'green.standing'"),
        ({"flags": {"ceasefire": True}}, "unknown flag 'ceasefire'"),
        ({"turn": 9}, "turn 9 is outside 1..6"),
        ({"tracks": {"tension": "high"}}, "valid number"),
        ({"surprise": 1}, "Extra inputs are not permitted"),
    ],
)
def test_a_bad_facilitator_edit_is_refused_and_changes_nothing(tutorial: CompiledDeck, edit: dict[str, object], message: str) -> None:
    game = Game(tutorial, 1)
    before = game.state.digest()
    with pytest.raises(WargameError, match=message):
        apply_state_model(tutorial, game.state, {"turn": 1, "turns": 6, "tracks": {}, "flags": {}} | edit)
    assert game.state.digest() == before


def test_a_state_model_round_trips_through_json(tutorial: CompiledDeck) -> None:
    model = state_model(tutorial, Game(tutorial, 1).state)
    again = StateModel.model_validate_json(model.model_dump_json(), context={"deck": tutorial})
    assert again == model
