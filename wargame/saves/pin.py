"""The facilitator's PIN as a save keeps it: a memory-hard hash, and the gate before any
output that shows more than the public view.

The PIN guards a shared screen: the seats at one keyboard must not open the views that
show each other's secrets. It does not protect the file (the save holds every order and
roll in the clear). The hash is scrypt (memory-hard, about a quarter of a second on a
laptop) so that guessing a PIN from a copied save is slow; hashes of format-2 saves
(PBKDF2) still open. The save's `seal` (`saves.format.seal_of`) binds the hash to the save,
so deleting it from the file makes `verify` fail.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from wargame.errors import WargameError
from wargame.saves.format import SaveModel

MIN_LENGTH = 6
"""A new PIN or passphrase has at least this many characters (a 4-digit PIN fell in 31 s)."""
MAX_LENGTH = 64
LOG_N = 16
"""scrypt cost: N = 2**16 with r = 8 takes 64 MiB and about a quarter of a second
(`benchmarks/bench_pin.py` prints it); each guess at a copied save costs as much."""
R = 8
P = 1
_MAXMEM = 1 << 28
"""The most memory a stored hash may ask of us (a hostile save could ask for gigabytes)."""

SCRYPT = re.compile(r"^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d)\$([0-9a-f]{32})\$([0-9a-f]{64})$")
"""`scrypt$LOG2N$R$P$SALT$HASH`: how every new save keeps the PIN."""
PBKDF2 = re.compile(r"^pbkdf2-sha256\$(\d{1,7})\$([0-9a-f]{32})\$([0-9a-f]{64})$")
"""`pbkdf2-sha256$ROUNDS$SALT$HASH`: format-2 saves (read, never written for a new PIN)."""


class PinNeeded(WargameError):
    """A save guarded by a facilitator's PIN was asked for more than its public view
    without the PIN."""


class WrongPin(WargameError):
    """The PIN given does not open the save."""


def check_new_pin(pin: str) -> None:
    """Raise `WargameError` (one line) for a PIN too short or too long to be chosen."""
    if len(pin) < MIN_LENGTH:
        raise WargameError(f"the facilitator's PIN needs at least {MIN_LENGTH} characters")
    if len(pin) > MAX_LENGTH:
        raise WargameError(f"the facilitator's PIN may have at most {MAX_LENGTH} characters")


def hash_pin(pin: str, *, salt: bytes | None = None, log_n: int = LOG_N) -> str:
    """`scrypt$LOG2N$R$P$SALT$HASH` for a new PIN or passphrase (checked: `check_new_pin`).
    `log_n` below `LOG_N` is for tests only."""
    check_new_pin(pin)
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=1 << log_n, r=R, p=P, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${log_n}${R}${P}${salt.hex()}${digest.hex()}"


def pin_matches(stored: str, pin: str) -> bool:
    """Whether `pin` is the one `stored` was made from (constant-time comparison). A hash
    that asks for more work or memory than we would ever have made never matches."""
    if len(pin) > MAX_LENGTH:
        return False
    m = SCRYPT.match(stored)
    if m is not None:
        log_n, r, p = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not (1 <= log_n <= 20 and 1 <= r <= 16 and p == 1 and 128 * r * (1 << log_n) <= _MAXMEM // 2):
            return False
        got = hashlib.scrypt(pin.encode("utf-8"), salt=bytes.fromhex(m.group(4)), n=1 << log_n, r=r, p=p, maxmem=_MAXMEM, dklen=32)
        return hmac.compare_digest(got.hex(), m.group(5))
    m = PBKDF2.match(stored)
    if m is not None:
        iterations, salt, want = int(m.group(1)), bytes.fromhex(m.group(2)), m.group(3)
        got_hex = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations).hex()
        return hmac.compare_digest(got_hex, want)
    return False


def is_current(stored: str) -> bool:
    """Whether `stored` is a hash of the current scheme at the current cost (else a correct
    PIN entry is a chance to hash it again: `play.lock.FacilitatorLock.check`)."""
    m = SCRYPT.match(stored)
    return m is not None and int(m.group(1)) >= LOG_N


def unlock(save: SaveModel, pin: str | None, what: str = "this output") -> None:
    """Let `what` (more than the public view: the facilitator's or a seat's) be shown from
    `save`: at once for a save without a PIN; otherwise `pin` must be its PIN.

    Raises `PinNeeded` when no PIN was given, `WrongPin` for a wrong one (one line each)."""
    stored = save.facilitator_pin
    if stored is None:
        return
    if pin is None:
        raise PinNeeded(f"this game has a facilitator's PIN, and {what} shows secrets: give the PIN (--pin, or at the prompt)")
    if not pin_matches(stored, pin):
        raise WrongPin(f"wrong facilitator's PIN: {what} is not shown")
