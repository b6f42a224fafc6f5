"""Where a game is kept as it is played: a `Keeper` is told of every seal and change.

A local game keeps its save file (`FileKeeper`, rewritten atomically after every change);
a hosted exercise keeps the store (`wargame.net.exercise.StoreKeeper`). The controller
calls the same three methods either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from wargame.errors import SaveError
from wargame.saves.store import write_save

if TYPE_CHECKING:
    from wargame.play.control import Session


class Keeper(Protocol):
    """Where a game is kept as it is played: a save file, or the exercise store."""

    def seal(self, session: Session, turn: int, seat: str, orders: Sequence[str], reasons: Sequence[str]) -> None:
        """Make a seat's sealed orders durable; raise `WargameError` to refuse them (the
        store refuses orders for a turn that has moved on)."""

    def save(self, session: Session) -> None:
        """Keep the whole game as it stands (`session.save` is up to date)."""

    def log(self, session: Session, kind: str, payload: dict[str, object]) -> None:
        """Keep a change of the room that is not part of the game record (settings, a notice)."""


class FileKeeper:
    """Keeps a local game in its save file (`session.save_path`), rewritten atomically after
    every change. A failed write never stops the game: `session.save_error` says why, and
    the next change (or `Session.retry_save`) tries again."""

    def seal(self, session: Session, turn: int, seat: str, orders: Sequence[str], reasons: Sequence[str]) -> None:
        self.save(session)

    def save(self, session: Session) -> None:
        if session.save_path is None:
            return
        try:
            write_save(session.save, session.save_path)
        except SaveError as exc:
            session.save_error = str(exc)
            return
        session.save_error = None

    def log(self, session: Session, kind: str, payload: dict[str, object]) -> None:
        if kind == "settings":
            session.autosave()  # the countdown is kept in the save
