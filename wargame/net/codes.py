"""Join codes: random, unguessable, easy to read aloud and type; stored only as hashes.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown in
groups of four: 32**12 = 2**60 possibilities, far beyond guessing over a network. The
store keeps `hash_code(code)` only, so a copied store file opens no seat.
"""

from __future__ import annotations

import secrets

from wargame.net.store.base import hash_code

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LEN = 3, 4


def new_code() -> str:
    """A fresh code such as `K7QM-2XHT-9ABP`."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LEN))
    return "-".join(chars[i : i + GROUP_LEN] for i in range(0, len(chars), GROUP_LEN))


__all__ = ["hash_code", "new_code"]
