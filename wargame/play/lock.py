"""The facilitator's PIN: who may open the "see everything" screens on a shared keyboard.

The PIN is chosen on the new-game screen and kept only as a salted scrypt hash (in the
save too, sealed to it: `wargame.saves.pin`), so a save file does not give it away. Wrong
entries are counted by turn and shown to the facilitator the next time the controls open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wargame.saves.pin import MIN_LENGTH, hash_pin, is_current, pin_matches

__all__ = ["MIN_LENGTH", "FacilitatorLock", "hash_pin", "pin_matches"]


@dataclass
class FacilitatorLock:
    """Guards the facilitator's screens. Without a PIN hash every check passes (a game
    with no human seats, or one the facilitator plays alone)."""

    pin_hash: str | None = None
    failures: list[int] = field(default_factory=list)
    """The turns in which a wrong PIN was entered."""
    seen: int = 0
    """How many of `failures` the facilitator has already been shown."""

    @property
    def locked(self) -> bool:
        return self.pin_hash is not None

    def check(self, pin: str, turn: int) -> bool:
        """True if `pin` opens the lock; a wrong one is recorded against `turn`."""
        if self.pin_hash is None:
            return True
        if pin_matches(self.pin_hash, pin):
            if not is_current(self.pin_hash) and len(pin) >= MIN_LENGTH:
                # A hash from an older save (PBKDF2): the PIN is at hand, so keep it the
                # way new ones are kept from the next autosave on.
                self.pin_hash = hash_pin(pin)
            return True
        self.failures.append(turn)
        return False

    def unseen_failures(self) -> list[int]:
        """Wrong attempts the facilitator has not been told of yet; marks them seen."""
        new = self.failures[self.seen :]
        self.seen = len(self.failures)
        return new
