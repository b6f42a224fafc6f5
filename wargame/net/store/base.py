"""The store interface a hosted exercise keeps its state in (`opener.open_store(url)`
opens one of its backends).

One `Store` holds many exercises. For each it keeps the whole JSON save as last written
(with a revision number for optimistic concurrency), the orders seats have sealed for the
current turn, the hashes of its join codes, an append-only event log, and the lease of the
one host that holds it. Every method is synchronous, thread-safe, and each write is one
transaction, so several host processes (PostgreSQL) or several processes on one machine
(SQLite) can share a store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Self
from urllib.parse import urlsplit, urlunsplit

from wargame.errors import KeeperLost, WargameError
from wargame.net.store.lease import Holder, Lease

DEFAULT_STORE_PATH = Path("saves") / "exercises.sqlite3"
"""Where `open_store()` keeps exercises when no URL is given (relative to the working folder)."""

FACILITATOR = "facilitator"
"""The role name of the facilitator's join code (seats use their actor ids)."""
PROJECTOR = "projector"
"""The role name of the read-only projector's code."""

# Events the store appends itself, in the same transaction as the change they record, so
# the log is a complete account of every change and `wait_for_event` wakes on all of them.
# Their payloads never hold orders, codes or anything else secret.
EVENT_CREATED = "created"
"""An exercise was created; payload ``{"turn": int, "revision": 1}``."""
EVENT_SAVE = "save"
"""A new save was written; payload ``{"revision": int, "turn": int, "finished": bool}``."""
EVENT_ORDERS = "orders"
"""A seat sealed (``"sealed": true``) or withdrew its orders; payload ``{"turn", "seat", "sealed"}``."""
EVENT_CODE = "code"
"""A code was issued or revoked; payload ``{"role": str, "action": "issued" | "revoked"}``."""

Clock = Callable[[], dt.datetime]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ROLE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_HASH = re.compile(r"^[0-9a-f]{64}$")
MAX_SAVE_CHARS = 64_000_000
"""The largest save a store accepts, the same bound `read_save` puts on save files."""


def utc_now() -> dt.datetime:
    """The default clock: the current UTC time to the microsecond."""
    return dt.datetime.now(dt.UTC)


# -- errors -------------------------------------------------------------------------------


class StoreError(WargameError):
    """Something about the store a user can cause or fix (a bad URL, an unknown exercise)."""


class StoreUnavailable(StoreError):
    """The store cannot be opened: a bad URL, an unreachable server, a refused login, a
    missing driver or an unreadable file. The message never includes a password."""


class UnknownExercise(StoreError):
    """No exercise with this id is in the store."""

    def __init__(self, exercise_id: str) -> None:
        self.exercise_id = exercise_id
        super().__init__(f"no exercise {exercise_id!r} in the store")


class ExerciseExists(StoreError):
    """`create_exercise` was given an id the store already holds."""

    def __init__(self, exercise_id: str) -> None:
        self.exercise_id = exercise_id
        super().__init__(f"an exercise {exercise_id!r} is already in the store")


class StaleWrite(StoreError):
    """`put_save` expected a revision that another writer has since moved past."""

    def __init__(self, exercise_id: str, expected: int, actual: int) -> None:
        self.exercise_id, self.expected, self.actual = exercise_id, expected, actual
        super().__init__(
            f"exercise {exercise_id!r} changed meanwhile: expected revision {expected}, "
            f"the store has revision {actual}"
        )


class StaleTurn(StoreError):
    """Orders were sealed for a turn that is not the exercise's open turn (it resolved, or
    the exercise is over)."""

    def __init__(self, exercise_id: str, turn: int, current: int | None) -> None:
        self.exercise_id, self.turn, self.current = exercise_id, turn, current
        now = "the exercise is over" if current is None else f"the current turn is {current}"
        super().__init__(f"orders for turn {turn} of {exercise_id!r} came too late: {now}")


class ExerciseHeld(StoreError):
    """Another host holds the exercise's lease: it is being hosted elsewhere right now."""

    def __init__(self, lease: Lease, now: dt.datetime) -> None:
        self.lease = lease
        heard = max(0, round((now - lease.renewed).total_seconds()))
        left = max(1, round((lease.expires - now).total_seconds()))
        super().__init__(
            f"exercise {lease.exercise_id!r} is being hosted by {lease.holder}, last heard from {heard} s ago: "
            f"stop that host first (its hold lapses {left} s from now if it has stopped without saying so)"
        )


class LeaseLost(StoreError, KeeperLost):
    """This host's lease on an exercise was taken over by another host (or released): it
    must stop changing the exercise."""

    def __init__(self, exercise_id: str, holder: Holder | None) -> None:
        self.exercise_id, self.holder = exercise_id, holder
        who = f"{holder} took it over" if holder is not None else "nobody holds it any more"
        super().__init__(f"this host no longer holds exercise {exercise_id!r}: {who}")


class CodeInUse(StoreError):
    """A code hash is already held by another role (of this or another exercise)."""

    def __init__(self) -> None:
        super().__init__("this join code is already in use; issue a new one")


# -- records ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExerciseInfo:
    """An exercise's bookkeeping, without its save."""

    exercise_id: str
    revision: int
    """1 when created; +1 on every `put_save`."""
    turn: int | None
    """The open turn (the one orders are sealed for), or None once the exercise is over."""
    created: dt.datetime
    updated: dt.datetime
    """When the save was last written."""

    @property
    def finished(self) -> bool:
        """True once the game has ended (no turn takes orders)."""
        return self.turn is None


@dataclass(frozen=True, slots=True)
class ExerciseRecord(ExerciseInfo):
    """An exercise with its whole JSON save as last written."""

    save_json: str = ""


class Sealed(NamedTuple):
    """One seat's sealed orders for a turn, with the seat's reasons (may be empty)."""

    orders: list[str]
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class StoreEvent:
    """One entry of an exercise's event log."""

    exercise_id: str
    seq: int
    """1, 2, 3, ... per exercise, in commit order, with no gaps."""
    kind: str
    payload: dict[str, Any]
    at: dt.datetime


# -- helpers shared by the backends -------------------------------------------------------


def hash_code(code: str) -> str:
    """The hash a store keeps for a join code (SHA-256 hex), never the code itself.

    Spaces and hyphens are dropped and letters upper-cased first, so ``abcd-efgh`` typed
    by a team matches ``ABCDEFGH`` as issued.
    """
    norm = re.sub(r"[\s-]+", "", code).upper()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def save_turn(save_json: str) -> int | None:
    """The open turn of a save (len(history) + 1), or None if the game is over.

    Raises `StoreError` if the text is not a JSON object with a history list.
    """
    try:
        data = json.loads(save_json)
    except (json.JSONDecodeError, RecursionError):
        raise StoreError("the save to store is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("history"), list):
        raise StoreError("the save to store is not a wargame save (no history list)")
    done = len(data["history"])
    turns = data.get("turns")
    if data.get("ending") is not None or (isinstance(turns, int) and done >= turns):
        return None
    return done + 1


def check_id(exercise_id: str) -> str:
    if not isinstance(exercise_id, str) or not _ID.match(exercise_id):
        raise StoreError(
            f"bad exercise id {exercise_id!r}: use 1-64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
    return exercise_id


def check_role(role: str, what: str = "role name") -> str:
    if not isinstance(role, str) or not _ROLE.match(role):
        raise StoreError(f"bad {what} {role!r}: use 1-64 letters, digits, '_', '.' or '-'")
    return role


def check_hash(code_hash: str) -> str:
    if not isinstance(code_hash, str) or not _HASH.match(code_hash):
        raise StoreError("a code hash must be 64 lowercase hex digits (see hash_code)")
    return code_hash


def check_save(save_json: str) -> int | None:
    if not isinstance(save_json, str):
        raise StoreError("a save must be stored as JSON text")
    if len(save_json) > MAX_SAVE_CHARS:
        raise StoreError(f"the save is too large to store ({len(save_json):,} characters)")
    return save_turn(save_json)


def check_lines(what: str, lines: Sequence[str]) -> list[str]:
    if isinstance(lines, str) or not all(isinstance(x, str) for x in lines):
        raise StoreError(f"{what} must be a list of strings")
    return list(lines)


def payload_json(payload: Mapping[str, Any]) -> str:
    """An event payload as compact JSON text; raises `StoreError` if it cannot be."""
    if not isinstance(payload, Mapping):
        raise StoreError("an event payload must be a JSON object")
    try:
        return json.dumps(dict(payload), separators=(",", ":"), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"an event payload must be plain JSON: {exc}") from None


def redact_url(url: str) -> str:
    """`url` with any password replaced by ``***``, safe to print or log."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable store URL>"
    query = parts.query
    if re.search(r"(^|&)password=", query):  # libpq also takes ?password=...
        query = re.sub(r"(^|&)password=[^&]*", r"\1password=***", query)
    if parts.password is None:
        return url if query == parts.query else urlunsplit(parts._replace(query=query))
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{user}:***@{host}" + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# -- the interface ------------------------------------------------------------------------


class Store(ABC):
    """Where hosted exercises live. Every method is thread-safe; every write is atomic.

    Seats are named by actor id; the facilitator's and projector's codes by `FACILITATOR`
    and `PROJECTOR`. Codes are only ever stored as `hash_code` hashes.
    """

    url: str
    """The store's URL with any password masked (safe to print)."""

    # exercises --------------------------------------------------------------------------

    @abstractmethod
    def create_exercise(self, exercise_id: str, save_json: str, codes: Mapping[str, str]) -> None:
        """Add an exercise at revision 1 with its first save and its codes.

        `codes` maps a role (a seat, `FACILITATOR` or `PROJECTOR`) to a code hash.
        Raises `ExerciseExists` if the id is taken, `CodeInUse` if a hash is.
        """

    @abstractmethod
    def exercise_ids(self) -> list[str]:
        """Every exercise's id, sorted."""

    @abstractmethod
    def exercises(self) -> list[ExerciseInfo]:
        """Every exercise's bookkeeping (no saves), most recently updated first."""

    @abstractmethod
    def load_exercise(self, exercise_id: str) -> ExerciseRecord:
        """The exercise with its save as last written; raises `UnknownExercise`."""

    @abstractmethod
    def put_save(self, exercise_id: str, save_json: str, expected_revision: int) -> int:
        """Replace the save if the stored revision is still `expected_revision`.

        Returns the new revision (expected + 1). The open turn follows the save's history.
        Raises `StaleWrite` if someone wrote in between (reload and retry),
        `UnknownExercise` if there is no such exercise. Appends an `EVENT_SAVE`.
        """

    @abstractmethod
    def delete_exercise(self, exercise_id: str) -> None:
        """Remove the exercise with its orders, codes and events; raises `UnknownExercise`."""

    # sealed orders ----------------------------------------------------------------------

    @abstractmethod
    def submit_orders(
        self, exercise_id: str, turn: int, seat: str, orders: Sequence[str], reasons: Sequence[str] = ()
    ) -> None:
        """Seal `seat`'s orders for `turn`, replacing any it sealed before for that turn.

        Raises `StaleTurn` unless `turn` is the exercise's open turn: checked in the same
        transaction, so orders never land on a turn that has already resolved.
        Appends an `EVENT_ORDERS`. The store does not check legality; the host does.
        """

    @abstractmethod
    def withdraw_orders(self, exercise_id: str, turn: int, seat: str) -> bool:
        """Unseal `seat`'s orders for `turn`; False if it had none. Raises `StaleTurn`
        like `submit_orders`."""

    @abstractmethod
    def pending_orders(self, exercise_id: str, turn: int) -> dict[str, Sealed]:
        """The orders sealed for `turn`, by seat (``(orders, reasons)`` tuples)."""

    # join codes -------------------------------------------------------------------------

    @abstractmethod
    def set_code(self, exercise_id: str, role: str, code_hash: str) -> None:
        """Issue (or reissue) `role`'s code: its previous code stops working at once.

        Raises `CodeInUse` if another role holds this hash. Appends an `EVENT_CODE`.
        """

    @abstractmethod
    def revoke_code(self, exercise_id: str, role: str) -> bool:
        """Revoke `role`'s code; False if it had none. Appends an `EVENT_CODE` if revoked."""

    @abstractmethod
    def find_code(self, code_hash: str) -> tuple[str, str] | None:
        """``(exercise_id, role)`` for a code hash, or None if unknown or revoked."""

    @abstractmethod
    def revoked_code(self, code_hash: str) -> tuple[str, str] | None:
        """``(exercise_id, role)`` if this hash was a code that has since been revoked or
        reissued (so a host can say "revoked" rather than "wrong code"), else None."""

    @abstractmethod
    def codes(self, exercise_id: str) -> dict[str, str]:
        """The exercise's live codes: role -> code hash."""

    # the one host ---------------------------------------------------------------------------

    @abstractmethod
    def acquire_lease(self, exercise_id: str, holder: Holder, ttl: float) -> Lease:
        """Hold the exercise for `ttl` seconds (renew before then), so no other host changes it.

        Raises `ExerciseHeld` (naming the holder) if another holder's lease is live: not
        expired and, for a holder on this machine, its process still running. Taking over
        a lapsed lease gives a new `token`; from then on this store refuses, with
        `LeaseLost`, the writes of a store whose lease was taken over, and every store
        refuses writes to an exercise that another holder's live lease covers
        (`ExerciseHeld`). `UnknownExercise` if there is no such exercise.
        """

    @abstractmethod
    def renew_lease(self, lease: Lease, ttl: float) -> Lease:
        """Extend `lease` to `ttl` seconds from now; `LeaseLost` if another host took it over
        (a lease that lapsed but was not taken over is renewed)."""

    @abstractmethod
    def release_lease(self, lease: Lease) -> None:
        """Give the exercise back (a clean shutdown); nothing if it was taken over already."""

    @abstractmethod
    def lease(self, exercise_id: str) -> Lease | None:
        """The exercise's lease as last written (live or lapsed), or None."""

    # events -----------------------------------------------------------------------------

    @abstractmethod
    def append_event(self, exercise_id: str, kind: str, payload: Mapping[str, Any]) -> int:
        """Append an event (a kind and a JSON object); returns its sequence number."""

    @abstractmethod
    def events(self, exercise_id: str, after: int = 0, limit: int | None = None) -> list[StoreEvent]:
        """The events with ``seq > after``, oldest first (at most `limit`)."""

    @abstractmethod
    def last_event(self, exercise_id: str) -> int:
        """The sequence number of the exercise's newest event (0 if none)."""

    @abstractmethod
    def wait_for_event(self, exercise_id: str, after: int, timeout: float) -> list[StoreEvent]:
        """Block until the exercise has events with ``seq > after``, or `timeout` seconds
        pass; returns them (empty on timeout). Wakes on writes from any process sharing
        the store (PostgreSQL: LISTEN/NOTIFY; SQLite: an in-process signal, plus a cheap
        check every 50 ms for other processes). Never spins."""

    # lifetime ---------------------------------------------------------------------------

    @abstractmethod
    def schema_version(self) -> int:
        """The version of the store's tables (a newer wargame migrates older ones on open)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and wake any waiters; the store is unusable afterwards.
        Calling it twice is harmless."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"
