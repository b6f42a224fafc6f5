"""The dice: where every chance roll's number comes from, as a pure function of the seed.

Format-2 dice (`KEYED`) give each roll its own stream, a keyed hash of what the roll is
for (turn, kind, move or event id, and how many times that key already rolled this turn),
so knowing the seed and the public rolls of a turn says nothing about its hidden rolls.
Format-1 dice (`TURN_STREAM`: one Mersenne Twister stream per turn, drawn in resolution
order) are kept only so that saves written with them still replay bit for bit. Other
streams drawn from the seed (a computer seat's) are keyed the same way (`stream_seed`).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from functools import partial
from typing import Final, Literal, Protocol

DiceVersion = Literal[1, 2]
TURN_STREAM: Final = 1
"""Format-1 dice: one stream per turn shared by all its rolls (kept for old saves)."""
KEYED: Final = 2
"""Format-2 dice: one independent stream per roll, keyed by what the roll is for."""
DICE_VERSIONS: Final = (TURN_STREAM, KEYED)

_SCALE: Final = 2.0**-53


def turn_seed(seed: int, turn: int) -> int:
    """The seed of one turn's format-1 dice (independent of earlier turns' draws)."""
    return (seed * 1_000_003 + turn * 7_919) & 0xFFFF_FFFF_FFFF_FFFF


class TurnDice(Protocol):
    """One turn's dice: a uniform number in [0, 1) for a roll of `kind` about `key`."""

    def draw(self, kind: str, key: str) -> float: ...

    def roll(self, first: bytes) -> float:
        """`draw(kind, key)` for the roll whose first-of-turn bytes are `first`
        (`roll_bytes(kind, key)`), made once by its caller: the generated rules' draw."""
        ...


class _StreamDice:
    """Format 1: every roll of the turn takes the next number of one stream."""

    __slots__ = ("_random",)

    def __init__(self, seed: int, turn: int) -> None:
        self._random = random.Random(turn_seed(seed, turn)).random

    def draw(self, kind: str, key: str) -> float:
        return self._random()

    def roll(self, first: bytes) -> float:
        return self._random()


class _KeyedDice:
    """Format 2: blake2b keyed with the seed, over (turn, kind, key, occurrence).

    The hash state after the seed and turn is built once per turn and copied per roll,
    which keeps a roll at about a microsecond.
    """

    __slots__ = ("_base", "_seen")

    def __init__(self, keyed: hashlib.blake2b, turn: int) -> None:
        """`keyed`: the hash keyed with the game's seed (`_keyed`), only copied."""
        base = keyed.copy()
        base.update(turn.to_bytes(4, "little"))
        self._base = base
        self._seen: dict[bytes, int] = {}

    def draw(self, kind: str, key: str) -> float:
        data = _FIRST_ROLLS.get((kind, key))
        return self.roll(data if data is not None else roll_bytes(kind, key))

    def roll(self, first: bytes) -> float:
        # A key can roll more than once in a turn (a deck event fired by the deck and
        # again as an inject): each occurrence gets its own number, `KIND:KEY#N`. Rolls
        # are counted by their first bytes, whose hash Python keeps.
        seen = self._seen
        n = seen.get(first, 0)
        seen[first] = n + 1
        h = self._base.copy()
        h.update(first if n == 0 else first[:-1] + b"%d" % n)
        return (_from_bytes(h.digest(), "little") >> 11) * _SCALE


_from_bytes = int.from_bytes

_FIRST_ROLLS: dict[tuple[str, str], bytes] = {}
"""The bytes hashed for the first roll of (kind, key) in a turn, `KIND:KEY#0`: a deck's
keys are few and roll every turn, so each is encoded once."""


def roll_bytes(kind: str, key: str) -> bytes:
    """The bytes hashed for the first roll of (`kind`, `key`) in a turn: `KIND:KEY#0`
    (the N-th again ends `#N` instead)."""
    data = f"{kind}:{key}#0".encode()
    if len(_FIRST_ROLLS) < 65_536:  # bounded: keys come from decks, which a long session may load many of
        _FIRST_ROLLS[(kind, key)] = data
    return data


_last_keyed: tuple[bytes, hashlib.blake2b | None] = (b"", None)
"""The hash state keyed with the last seed used, before any turn: each turn of a game
copies it instead of keying a new hash (keying hashes a whole block)."""


def _keyed(seed_key: bytes) -> hashlib.blake2b:
    """The blake2b state keyed with `seed_key`: only copied, never updated, so sharing it is safe."""
    global _last_keyed
    key, h = _last_keyed
    if h is None or key != seed_key:
        h = hashlib.blake2b(key=seed_key, digest_size=8, person=b"wargame-dice-v2")
        _last_keyed = (seed_key, h)
    return h


def seed_key(seed: int) -> bytes:
    """The blake2b key for a seed (any int, negative or beyond 64 bits)."""
    n = int(seed)
    raw = n.to_bytes((n.bit_length() + 8) // 8 or 1, "little", signed=True)
    # blake2b keys are at most 64 bytes; a longer seed is hashed down first.
    return raw if len(raw) <= 64 else hashlib.blake2b(raw).digest()


def stream_seed(seed: int, purpose: str) -> int:
    """The seed of a random stream for `purpose` (a computer seat's: `seat:ACTOR`), a keyed
    hash of the game's whole seed, as the dice are: whatever the stream's draws give away
    (a random seat's public plays) says nothing about the seed, hence nothing about the dice.
    128 bits, so no two purposes or seeds share a stream by chance."""
    global _last_stream
    last, base = _last_stream
    if base is None or last != seed:
        base = hashlib.blake2b(key=seed_key(seed), digest_size=16, person=b"wargame-stream")
        _last_stream = (seed, base)
    h = base.copy()  # the same hash as keying a new one with the purpose as its data
    h.update(purpose.encode())
    return int.from_bytes(h.digest(), "little")


_last_stream: tuple[int, hashlib.blake2b | None] = (0, None)
"""The stream hash keyed with the last seed asked for, before any purpose: a game asks one
stream per seat, and keying a hash costs more than copying one. Only copied, never updated."""


def dice_maker(version: int, seed: int, key: bytes | None = None) -> Callable[[int], TurnDice]:
    """One game's dice maker: turn to that turn's dice (`turn_dice`), the seed keyed once."""
    if version == KEYED:
        return partial(_KeyedDice, _keyed(key if key is not None else seed_key(seed)))
    if version == TURN_STREAM:
        return partial(_StreamDice, seed)
    raise ValueError(f"unknown dice version {version}")


def turn_dice(version: int, seed: int, turn: int, key: bytes | None = None) -> TurnDice:
    """The dice of one turn; `key` is `seed_key(seed)`, passed in to build it once per game."""
    if version == KEYED:
        return _KeyedDice(_keyed(key if key is not None else seed_key(seed)), turn)
    if version == TURN_STREAM:
        return _StreamDice(seed, turn)
    raise ValueError(f"unknown dice version {version}")
