"""The facilitator's PIN: who may open the "see everything" screens on a shared keyboard.

The PIN is chosen on the new-game screen and kept only as a salted PBKDF2 hash (in the
save too), so a save file does not give it away. Wrong entries are counted by turn and
shown to the facilitator the next time the controls open; each wrong entry makes the next
wait longer (the clock is injected, so tests never read the wall clock).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from wargame.errors import WargameError

ITERATIONS = 100_000
"""PBKDF2 rounds: slow enough to make guessing a short PIN from a stolen save costly,
fast enough (tens of milliseconds) not to be felt at the keyboard."""

HASH_PATTERN = re.compile(r"^pbkdf2-sha256\$(\d{1,7})\$([0-9a-f]{32})\$([0-9a-f]{64})$")
MIN_LENGTH = 4
MAX_WAIT = 60.0
"""The longest wait between guesses, in seconds: long enough that guessing a four-digit PIN
at the keyboard takes days, short enough for a facilitator who mistyped."""


def wait_after(wrong: int) -> float:
    """Seconds to wait after `wrong` wrong entries in a row: 2, 4, 8, ... up to `MAX_WAIT`."""
    return 0.0 if wrong <= 0 else min(MAX_WAIT, 2.0 ** wrong)


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
