"""Where a game is kept as it is played: a `Keeper` is told of every seal and change.

A local game keeps its save file (`FileKeeper`, rewritten atomically after every change);
a hosted exercise keeps the store (`wargame.net.exercise.StoreKeeper`). The controller
calls the same three methods either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from wargame.deck.compile import CompiledDeck
from wargame.errors import SaveError
from wargame.saves.format import SaveModel
from wargame.saves.store import write_save


class KeptGame(Protocol):
    """What a keeper reads of the game it keeps (the controller's `Session` is one): named
    here, below the controller that calls the keeper, so the two do not import each other."""

    save: SaveModel
    """The whole game as it stands."""
    save_path: Path | None
    save_error: str | None
    """Why the last write failed (None: it was kept)."""

    @property
    def deck(self) -> CompiledDeck: ...

    def autosave(self) -> Path | None: ...


class Keeper(Protocol):
    """Where a game is kept as it is played: a save file, or the exercise store."""

    def seal(self, session: KeptGame, turn: int, seat: str, orders: Sequence[str], reasons: Sequence[str]) -> None:
        """Make a seat's sealed orders durable; raise `WargameError` to refuse them (the
        store refuses orders for a turn that has moved on)."""

    def withdraw(self, session: KeptGame, turn: int, seat: str) -> None:
        """A seat's sealed orders for `turn` were taken back (a computer's, to decide again
        after an inject before the first orders): they must not come back on a restart."""

    def save(self, session: KeptGame) -> None:
        """Keep the whole game as it stands (`session.save` is up to date)."""

    def log(self, session: KeptGame, kind: str, payload: dict[str, object]) -> None:
        """Keep a change of the room that is not part of the game record (settings, a notice)."""


class FileKeeper:
    """Keeps a local game in its save file (`session.save_path`), rewritten atomically after
    every change. A failed write never stops the game: `session.save_error` says why, and
    the next change (or `Session.retry_save`) tries again."""

    def seal(self, session: KeptGame, turn: int, seat: str, orders: Sequence[str], reasons: Sequence[str]) -> None:
        self.save(session)

    def withdraw(self, session: KeptGame, turn: int, seat: str) -> None:
        self.save(session)

    def save(self, session: KeptGame) -> None:
        if session.save_path is None:
            return
        try:
            write_save(session.save, session.save_path)
        except SaveError as exc:
            session.save_error = str(exc)
            return
        session.save_error = None

    def log(self, session: KeptGame, kind: str, payload: dict[str, object]) -> None:
        if kind == "settings":
            session.autosave()  # the countdown is kept in the save
