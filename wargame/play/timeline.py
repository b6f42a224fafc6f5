"""A saved game opened for a debrief: replayed once, then readable at any moment by any viewer.

`SavedGame.observe(viewer, turn)` is "the game as `viewer` saw it when deciding `turn`":
the same `Observation` a live screen renders, cut at that moment. The replay keeps a copy of the
state before every turn, so jumping to any turn costs no replaying.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from wargame.engine.game import Game
from wargame.engine.state import Roll, State, TurnRecord
from wargame.errors import UnreplayableSave, WargameError
from wargame.observe.build import Explained, observe
from wargame.observe.model import Observation
from wargame.observe.view import PlayerView
from wargame.observe.visibility import Viewer
from wargame.saves.format import SaveModel
from wargame.saves.store import (
    Verification,
    apply_turn,
    new_game,
    read_save,
    save_deck,
    talk_of,
    verify,
)


@dataclass(frozen=True, slots=True)
class Reveal:
    """A secret play that a viewer did not know of at some moment, and when it came out."""

    turn: int
    """The turn it was played."""
    actor: str
    move: str
    revealed_in: int
    """The turn in which it was revealed."""


class _StatesAtRolls:
    """A game's roll observer (`Game(on_roll=...)`) that keeps a copy of the state at each
    chance roll, so a debrief can show what the roll's chance expression read at that point
    of the turn (earlier orders of the same turn may have moved the tracks since it began)."""

    def __init__(self) -> None:
        self.states: list[State] = []

    def __call__(self, roll: Roll, state: State) -> None:
        self.states.append(state.copy())


class SavedGame:
    """A save, replayed, with the state before each of its turns kept for instant jumps."""

    def __init__(self, save: SaveModel, path: Path | None = None) -> None:
        self.save = save
        self.path = path
        deck = save_deck(save)
        game = new_game(save, deck)  # the save's dice: format-1 saves keep their own
        states: list[State] = [game.state.copy()]
        for turn in save.history:
            try:
                apply_turn(game, turn)
            except WargameError as exc:
                raise UnreplayableSave(f"turn {turn.turn} of the save cannot be replayed: {exc}") from None
            states.append(game.state.copy())
        self.game = game
        self.deck = deck
        self.talk = talk_of(save)
        """What the seats said (each viewer is shown only the messages it may read)."""
        self._states = states
        self._roll_states: dict[int, list[tuple[Roll, State]]] = {}

    @classmethod
    def open(cls, path: str | Path) -> SavedGame:
        return cls(read_save(path), Path(path))

    @property
    def turns_played(self) -> int:
        """How many turns the save holds (resolved turns)."""
        return len(self.game.records)

    def verify(self) -> Verification:
        """Re-resolve the save from scratch and compare it with what it records."""
        return verify(self.save)

    @cached_property
    def verification(self) -> Verification:
        """`verify()`, run once and kept (the viewer shows it as a banner)."""
        return self.verify()

    def record(self, turn: int) -> TurnRecord:
        """The replayed record of a resolved turn (1-based)."""
        if not 1 <= turn <= self.turns_played:
            raise WargameError(f"no turn {turn} in this save (turns 1..{self.turns_played})")
        return self.game.records[turn - 1]

    def state_before(self, turn: int) -> State:
        """A copy of the full state before `turn` (`turns_played + 1`: after the last)."""
        if not 1 <= turn <= self.turns_played + 1:
            raise WargameError(f"no turn {turn} in this save (turns 1..{self.turns_played})")
        return self._states[turn - 1].copy()

    def roll_states(self, turn: int) -> list[tuple[Roll, State]]:
        """Each recorded chance roll of a resolved turn with the full state at the moment
        it was rolled (what its chance expression read). Re-resolves that one turn from
        the state before it; kept, so a second call is free. The state is the
        facilitator's: what a viewer may see of it is for `visibility` to say."""
        cached = self._roll_states.get(turn)
        if cached is not None:
            return cached
        rec = self.record(turn)
        at_rolls = _StatesAtRolls()
        game = Game.from_state(self.deck, self.save.seed, self._states[turn - 1], self.game.turns, dice=self.save.dice, on_roll=at_rolls)
        # The history before this turn, so reveal() effects find the plays they reveal.
        game.plays = [p for p in self.game.plays if p.turn < turn]
        game.revealed_plays = {k: when for k, when in self.game.revealed_plays.items() if when < turn}
        apply_turn(game, self.save.history[turn - 1])
        out = list(zip(rec.rolls, at_rolls.states, strict=True))
        self._roll_states[turn] = out
        return out

    def view(self, who: Viewer | str, turn: int) -> PlayerView:
        """The view of `who` when deciding `turn` (1-based); `turn = turns_played + 1` is
        the moment after the last resolved turn (the end, for a finished game)."""
        if not 1 <= turn <= self.turns_played + 1:
            raise WargameError(f"no turn {turn} in this save (turns 1..{self.turns_played})")
        upto = turn - 1
        return PlayerView(self.game, who, upto=upto, state=self._states[upto])

    def observe(self, who: Viewer | str, turn: int, *, explain: bool = False) -> Observation:
        """What `who` knew when deciding `turn` (see `view`); `explain` adds what each roll
        of the turn before it read (the debrief's explained rolls)."""
        if not 1 <= turn <= self.turns_played + 1:
            raise WargameError(f"no turn {turn} in this save (turns 1..{self.turns_played})")
        explained = None
        if explain and turn >= 2:
            explained = Explained({turn - 1: [state for _roll, state in self.roll_states(turn - 1)]})
        return observe(self.game, who, seats=self.save.seats, upto=turn - 1, state=self._states[turn - 1], explained=explained,
                       talk=self.talk)

    def later_reveals(self, who: Viewer | str, turn: int) -> list[Reveal]:
        """Secret plays made before `turn` that `who` did not know of when deciding it but
        that were revealed later in the game (so a debrief can mark them)."""
        view = self.view(who, turn)
        known = {(p.turn, p.move) for p in view.plays}
        out = []
        for play in self.game.plays:
            if play.turn >= turn or (play.turn, play.move) in known:
                continue
            when = self.game.revealed_plays.get((play.turn, play.move))
            if when is not None and when >= turn:
                out.append(Reveal(play.turn, play.actor, play.move, when))
        return out
