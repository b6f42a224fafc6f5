"""The facilitator's PIN: who may open the "see everything" screens on a shared keyboard.

The PIN is chosen on the new-game screen and kept only as a salted PBKDF2 hash (in the
save too), so a save file does not give it away. Wrong entries are counted by turn and
shown to the facilitator the next time the controls open.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field

from wargame.errors import WargameError

ITERATIONS = 100_000
"""PBKDF2 rounds: slow enough to make guessing a short PIN from a stolen save costly,
fast enough (tens of milliseconds) not to be felt at the keyboard."""

HASH_PATTERN = re.compile(r"^pbkdf2-sha256\$(\d{1,7})\$([0-9a-f]{32})\$([0-9a-f]{64})$")
MIN_LENGTH = 4


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """`pbkdf2-sha256$ROUNDS$SALT$HASH` for a PIN or passphrase; raises if it is too short."""
    if len(pin) < MIN_LENGTH:
        raise WargameError(f"the facilitator's PIN needs at least {MIN_LENGTH} characters")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return f"pbkdf2-sha256${iterations}${salt.hex()}${digest.hex()}"


def pin_matches(stored: str, pin: str) -> bool:
    """Whether `pin` is the one `stored` was made from (constant-time comparison)."""
    m = HASH_PATTERN.match(stored)
    if m is None:
        return False
    iterations, salt, want = int(m.group(1)), bytes.fromhex(m.group(2)), m.group(3)
    got = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations).hex()
    return hmac.compare_digest(got, want)


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
            return True
        self.failures.append(turn)
        return False

    def unseen_failures(self) -> list[int]:
        """Wrong attempts the facilitator has not been told of yet; marks them seen."""
        new = self.failures[self.seen :]
        self.seen = len(self.failures)
        return new
