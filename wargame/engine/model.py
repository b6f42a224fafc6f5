"""The pydantic form of a game state, used at the boundaries only.

What a view hands to the UI, what a save records as the final state, and any state a
facilitator edits are validated against the deck with `StateModel` (known tracks and
flags, values within bounds). Inside the turn loop the engine uses `State`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, model_validator

from wargame.errors import WargameError
from wargame.words import number

if TYPE_CHECKING:
    from wargame.deck.compile import CompiledDeck
    from wargame.engine.state import State


class StateModel(BaseModel):
    """A game state by name: ``tracks`` maps `tension` or `dprk.capability` to a value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    turn: int
    turns: int
    tracks: dict[str, float]
    flags: dict[str, bool]

    @model_validator(mode="after")
    def _against_deck(self, info: ValidationInfo) -> StateModel:
        deck: CompiledDeck | None = (info.context or {}).get("deck")
        if not 1 <= self.turn <= max(self.turns, 1):
            raise ValueError(f"turn {self.turn} is outside 1..{self.turns}")
        if deck is None:
            return self
        for name, value in self.tracks.items():
            if name not in deck.slot_names:
                raise ValueError(f"unknown track '{name}'")
            slot = deck.slot_names.index(name)
            if not deck.lo[slot] <= value <= deck.hi[slot]:
                raise ValueError(f"track '{name}' = {number(value)} is outside {number(deck.lo[slot])}..{number(deck.hi[slot])}")
        for name in self.flags:
            if name not in deck.flag_names:
                raise ValueError(f"unknown flag '{name}'")
        return self


def state_model(deck: CompiledDeck, state: State, hidden: frozenset[int] = frozenset()) -> StateModel:
    """Validate a flat state against its deck and return its pydantic form."""
    data: dict[str, Any] = {
        "turn": state.turn,
        "turns": state.turns,
        "tracks": {name: state.v[i] for i, name in enumerate(deck.slot_names) if i not in hidden},
        "flags": dict(zip(deck.flag_names, state.f, strict=True)),
    }
    return StateModel.model_validate(data, context={"deck": deck})


def apply_state_model(deck: CompiledDeck, state: State, model: StateModel | dict[str, Any]) -> None:
    """Write a (facilitator-edited) state into the flat state, validating it first.

    Raises `WargameError` naming the first unknown name or value out of bounds.
    """
    try:
        checked = StateModel.model_validate(
            model.model_dump() if isinstance(model, StateModel) else model, context={"deck": deck}
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise WargameError(f"state: {where + ': ' if where else ''}{message}") from None
    for name, value in checked.tracks.items():
        state.v[deck.slot_names.index(name)] = value
    for name, flag in checked.flags.items():
        state.f[deck.flag_names.index(name)] = flag
