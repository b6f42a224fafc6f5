"""The facilitator's PIN: who may open the "see everything" screens on a shared keyboard.

The PIN is chosen on the new-game screen and kept only as a salted scrypt hash (in the
save too, sealed to it: `wargame.saves.pin`), so a save file does not give it away. Wrong
entries are counted by turn and shown to the facilitator the next time the controls open;
each wrong entry makes the next wait longer (the clock is injected, so tests never read
the wall clock).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from wargame.saves.pin import MIN_LENGTH, hash_pin, is_current, pin_matches

__all__ = ["MAX_WAIT", "MIN_LENGTH", "FacilitatorLock", "hash_pin", "pin_matches", "wait_after"]

MAX_WAIT = 60.0
"""The longest wait between guesses, in seconds: long enough that guessing a PIN at the
keyboard takes days, short enough for a facilitator who mistyped."""


def wait_after(wrong: int) -> float:
    """Seconds to wait after `wrong` wrong entries in a row: 2, 4, 8, ... up to `MAX_WAIT`."""
    return 0.0 if wrong <= 0 else min(MAX_WAIT, 2.0**wrong)


@dataclass
class FacilitatorLock:
    """Guards the facilitator's screens. Without a PIN hash every check passes (a game
    with no human seats, or one the facilitator plays alone)."""

    pin_hash: str | None = None
    failures: list[int] = field(default_factory=list)
    """The turns in which a wrong PIN was entered."""
    seen: int = 0
    """How many of `failures` the facilitator has already been shown."""
    now: Callable[[], float] = time.monotonic
    """The clock the wait between guesses reads (tests give a fake one)."""
    in_a_row: int = 0
    """Wrong entries since the last right one (the wait grows with them)."""
    until: float = 0.0
    """When the next entry may be checked (`now()` time)."""

    @property
    def locked(self) -> bool:
        return self.pin_hash is not None

    def wait(self) -> float:
        """Seconds before the next entry is checked (0: now)."""
        return max(0.0, self.until - self.now()) if self.in_a_row else 0.0

    def check(self, pin: str, turn: int) -> bool:
        """True if `pin` opens the lock; a wrong one is recorded against `turn` and makes
        the next wait longer. While a wait runs no entry is checked (not even the right
        one), nor recorded: guessing fast gets nowhere."""
        if self.pin_hash is None:
            return True
        if self.wait() > 0:
            return False
        if pin_matches(self.pin_hash, pin):
            self.in_a_row = 0
            if not is_current(self.pin_hash) and len(pin) >= MIN_LENGTH:
                # A hash from an older save (PBKDF2): the PIN is at hand, so keep it the
                # way new ones are kept from the next autosave on.
                self.pin_hash = hash_pin(pin)
            return True
        self.failures.append(turn)
        self.in_a_row += 1
        self.until = self.now() + wait_after(self.in_a_row)
        return False

    def warning(self, unit: str) -> str:
        """What the facilitator is told when the controls open after wrong entries it has
        not been told of (empty if none): every wrong entry the save records, and how many
        are new. Marks them seen."""
        new = self.unseen_failures()
        if not new:
            return ""
        total = len(self.failures)
        when = ", ".join(f"{unit} {t}" for t in sorted(set(new)))
        times = "once" if total == 1 else f"{total} times"
        since = "" if len(new) == total else f"; {len(new)} since you last opened the controls"
        return f"Someone entered a wrong facilitator PIN {times} in this game ({when}{since})."

    def unseen_failures(self) -> list[int]:
        """Wrong attempts the facilitator has not been told of yet; marks them seen."""
        new = self.failures[self.seen :]
        self.seen = len(self.failures)
        return new
