"""The one family of errors a user can cause: bad decks, saves, orders and command lines.

The CLI and the UI catch `WargameError` and print its message; anything else is a bug
and is allowed to surface.
"""

from __future__ import annotations

from dataclasses import dataclass

from wargame.text import cut


class WargameError(Exception):
    """An error caused by input from a person (a deck, a save, an order, an option)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a file: where it is and what is wrong."""

    file: str
    """The file's path as given by the user."""
    line: int | None
    """1-based line number, when it is known."""
    where: str
    """A readable path to the field, e.g. ``moves[3].chance``; empty for the whole file."""
    message: str
    """A plain-language message."""

    def __str__(self) -> str:
        # Each part may quote what a user wrote (a 10 MB id): cut, on one line, no escapes.
        file = cut(self.file, MAX_QUOTED)
        loc = f"{file}:{self.line}" if self.line else file
        message = cut(self.message, MAX_MESSAGE)
        return f"{loc}: {cut(self.where, MAX_QUOTED)}: {message}" if self.where else f"{loc}: {message}"


MAX_QUOTED = 200
"""Characters of a path or a field name quoted in a message."""
MAX_MESSAGE = 500


class DeckError(WargameError):
    """A deck failed to load; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SaveError(WargameError):
    """A save file could not be read, written or replayed."""


class UnreplayableSave(SaveError):
    """A save read whole whose recorded turn (or opening inject) does not replay (edited by
    hand). Raised where the file's name is not known: a command names the file."""


class IllegalOrderError(WargameError, ValueError):
    """A seat ordered a move it may not order now."""


class ExpressionError(WargameError):
    """An expression in deck text (or a facilitator's inject) is outside the grammar."""


class KeeperLost(WargameError):
    """Whoever keeps the game (a host's store lease) can no longer write it: the program
    running the game must stop changing it. Never turned into a refused command."""
