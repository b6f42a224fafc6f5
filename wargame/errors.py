"""The one family of errors a user can cause: bad decks, saves, orders and command lines.

The CLI and the UI catch `WargameError` and print its message; anything else is a bug
and is allowed to surface.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        loc = f"{self.file}:{self.line}" if self.line else self.file
        return f"{loc}: {self.where}: {self.message}" if self.where else f"{loc}: {self.message}"


class DeckError(WargameError):
    """A deck failed to load; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SaveError(WargameError):
    """A save file could not be read, written or replayed."""


class IllegalOrderError(WargameError, ValueError):
    """A seat ordered a move it may not order now."""


class ExpressionError(WargameError):
    """An expression in deck text (or a facilitator's inject) is outside the grammar."""
