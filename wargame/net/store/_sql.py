"""The logic the SQL store backends share: one `SqlStore` holding every query once.

SQLite and PostgreSQL differ only in how a query names its parameters, how a timestamp
is stored, how a write locks, how a unique violation shows and how waiters are woken; a
backend supplies those few hooks and its connections, and inherits the rest.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from abc import abstractmethod
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar

from wargame.net.store.base import (
    EVENT_CODE,
    EVENT_CREATED,
    EVENT_ORDERS,
    EVENT_SAVE,
    Clock,
    CodeInUse,
    ExerciseExists,
    ExerciseHeld,
    ExerciseInfo,
    ExerciseRecord,
    LeaseLost,
    Sealed,
    StaleTurn,
    StaleWrite,
    Store,
    StoreError,
    StoreEvent,
    StoreUnavailable,
    UnknownExercise,
    check_hash,
    check_id,
    check_lines,
    check_role,
    check_save,
    payload_json,
)
from wargame.net.store.lease import Holder, Lease

SCHEMA_V1 = [
    """CREATE TABLE exercises (
        id {text} PRIMARY KEY,
        save_json {text} NOT NULL,
        revision {bigint} NOT NULL,
        turn {integer},
        event_seq {bigint} NOT NULL DEFAULT 0,
        created {timestamp} NOT NULL,
        updated {timestamp} NOT NULL)""",
    """CREATE TABLE orders (
        exercise_id {text} NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        turn {integer} NOT NULL,
        seat {text} NOT NULL,
        orders {text} NOT NULL,
        reasons {text} NOT NULL,
        sealed {timestamp} NOT NULL,
        PRIMARY KEY (exercise_id, turn, seat))""",
    """CREATE TABLE codes (
        code_hash {text} PRIMARY KEY,
        exercise_id {text} NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        role {text} NOT NULL,
        issued {timestamp} NOT NULL,
        revoked {timestamp})""",
    "CREATE UNIQUE INDEX codes_live ON codes (exercise_id, role) WHERE revoked IS NULL",
    """CREATE TABLE events (
        exercise_id {text} NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        seq {bigint} NOT NULL,
        kind {text} NOT NULL,
        payload {text} NOT NULL,
        at {timestamp} NOT NULL,
        PRIMARY KEY (exercise_id, seq))""",
]
"""The tables of schema version 1, with the column types left for the backend to name
(``text``, ``integer``, ``bigint`` and ``timestamp``; see `schema_v1`)."""


SCHEMA_V2 = [
    """CREATE TABLE leases (
        exercise_id {text} PRIMARY KEY REFERENCES exercises(id) ON DELETE CASCADE,
        holder {text} NOT NULL,
        token {bigint} NOT NULL,
        renewed {timestamp} NOT NULL,
        expires {timestamp} NOT NULL)""",
]
"""What version 2 adds: the lease of the one host holding each exercise. A released lease
keeps its row (expired), so its token keeps growing and an old holder is never mistaken
for a new one."""


def schema_v1(*, text: str, integer: str, bigint: str, timestamp: str) -> list[str]:
    """`SCHEMA_V1` in one backend's type names."""
    return _typed(SCHEMA_V1, text=text, integer=integer, bigint=bigint, timestamp=timestamp)


def schema_v2(*, text: str, integer: str, bigint: str, timestamp: str) -> list[str]:
    """`SCHEMA_V2` (the statements that upgrade version 1) in one backend's type names."""
    return _typed(SCHEMA_V2, text=text, integer=integer, bigint=bigint, timestamp=timestamp)


def _typed(statements: list[str], **names: str) -> list[str]:
    return [stmt.format(**names) for stmt in statements]


class Duplicate(Exception):
    """An INSERT hit a unique key; `SqlStore` turns it into the error the caller expects."""


class SqlStore(Store):
    """A `Store` over a SQL database reached through DB-API connections.

    Queries are written once with ``?`` parameters; `_PARAM` is what the backend's driver
    wants instead. Subclasses set `_clock`, `_cond` and `_closed` in their constructor.
    """

    _PARAM: ClassVar[str] = "?"
    """The driver's parameter marker (``?`` for sqlite3, ``%s`` for psycopg)."""
    _FOR_UPDATE: ClassVar[str] = ""
    """What makes a SELECT lock its row for the transaction ("" where a write already
    holds the whole database)."""
    _NAP_S: ClassVar[float]
    """The longest `wait_for_event` sleeps before it reads again without being woken."""

    _clock: Clock
    _cond: threading.Condition
    _closed: bool
    _held: dict[str, Lease]
    """The leases this store holds, by exercise: its writes to them are checked against the
    lease in the same transaction (fencing), so a host that lost its lease changes nothing."""

    # -- what a backend supplies ----------------------------------------------------------

    @abstractmethod
    def _conn(self) -> AbstractContextManager[Any]:
        """A connection (autocommit) for the block; driver errors become `StoreError`s."""

    @abstractmethod
    def _write(self) -> AbstractContextManager[Any]:
        """One transaction for the block: committed if it returns, rolled back if it raises."""

    @abstractmethod
    def _insert_once(self, conn: Any) -> AbstractContextManager[None]:
        """Around one INSERT: raise `Duplicate` if it hits a unique key, leaving the
        enclosing transaction usable."""

    @abstractmethod
    def _stamp(self, t: dt.datetime) -> Any:
        """A time as the database stores it."""

    @abstractmethod
    def _time(self, value: Any) -> dt.datetime:
        """A stored time back as an aware datetime."""

    def _notify(self, conn: Any, exercise_id: str, seq: int) -> None:
        """Tell other processes, on commit, that the exercise changed (seq 0: deleted).
        Nothing by default: the backend wakes its own waiters after each commit."""

    def _seen(self, exercise_id: str) -> object:
        """What changes (under `_cond`) whenever a waiter on the exercise should read again."""
        return self._closed

    def _before_wait(self) -> None:
        """Anything `wait_for_event` needs in place before its first read."""

    # -- queries --------------------------------------------------------------------------

    def _x(self, conn: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement written with ``?`` parameters; the driver's cursor."""
        if self._PARAM != "?":
            sql = sql.replace("?", self._PARAM)
        return conn.execute(sql, params)

    def _migrate_to(
        self, label: str, create: bool, version_to: int, migrations: Mapping[int, Callable[[Any], None]]
    ) -> None:
        """Create the tables, or upgrade older ones to `version_to`, in one transaction.

        The usual case, a store already at this version, needs only a read: opening a
        store must not queue behind another process's write.
        """
        with self._conn() as conn:
            if self._has_table(conn, "schema_version"):
                row = conn.execute("SELECT version FROM schema_version").fetchone()
                if row is not None and int(row[0]) == version_to:
                    return
        with self._write() as conn:
            self._lock_schema(conn)
            if not self._has_table(conn, "schema_version"):
                self._refuse_foreign(conn, create)
                conn.execute("CREATE TABLE schema_version (version integer NOT NULL)")
                for stmt in self._schema():
                    conn.execute(stmt)
                self._x(conn, "INSERT INTO schema_version VALUES (?)", (version_to,))
                return
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            version = int(row[0]) if row else 0
            if version > version_to:
                raise StoreUnavailable(
                    f"{label}: the store is schema version {version}, newer than this wargame "
                    f"reads (up to {version_to}); upgrade wargame"
                )
            while version < version_to:
                migrations[version](conn)
                version += 1
                self._x(conn, "UPDATE schema_version SET version = ?", (version,))

    @abstractmethod
    def _has_table(self, conn: Any, name: str) -> bool:
        """Whether the database has a table of this name."""

    def _lock_schema(self, conn: Any) -> None:
        """Make creating or migrating the tables one process at a time (inside `_write`)."""

    @abstractmethod
    def _refuse_foreign(self, conn: Any, create: bool) -> None:
        """Raise `StoreUnavailable` if a database without our tables must not get them
        (it holds another program's, or the caller asked not to create a store)."""

    @abstractmethod
    def _schema(self) -> Sequence[str]:
        """The statements that create the current tables."""

    def schema_version(self) -> int:
        with self._conn() as conn:
            return int(conn.execute("SELECT version FROM schema_version").fetchone()[0])

    # -- helpers inside a transaction -----------------------------------------------------

    def _lock(self, conn: Any, exercise_id: str, *, fence: bool = True) -> tuple[int, int | None]:
        """Lock the exercise's row for this transaction; (revision, open turn).

        With `fence`, refuse to go on if another host holds the exercise (`ExerciseHeld`) or
        took over this store's lease (`LeaseLost`): every write goes through here, and the
        lease is checked under the same lock a takeover takes, so none slips between."""
        row = self._x(
            conn, "SELECT revision, turn FROM exercises WHERE id = ?" + self._FOR_UPDATE, (exercise_id,)
        ).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        if fence:
            self._fence(conn, exercise_id)
        return int(row[0]), row[1]

    def _fence(self, conn: Any, exercise_id: str) -> None:
        current = self._read_lease(conn, exercise_id)
        mine = self._held.get(exercise_id)
        if mine is not None:
            if current is None or current.token != mine.token:
                raise LeaseLost(exercise_id, current.holder if current is not None else None)
            return
        now = self._clock()
        if current is not None and current.live(now):
            raise ExerciseHeld(current, now)

    def _read_lease(self, conn: Any, exercise_id: str) -> Lease | None:
        row = self._x(
            conn, "SELECT holder, token, renewed, expires FROM leases WHERE exercise_id = ?", (exercise_id,)
        ).fetchone()
        if row is None:
            return None
        return Lease(exercise_id, Holder.from_json(row[0]), int(row[1]), self._time(row[2]), self._time(row[3]))

    def _open_turn(self, conn: Any, exercise_id: str, turn: int) -> None:
        _, current = self._lock(conn, exercise_id)
        if current != turn:
            raise StaleTurn(exercise_id, turn, current)

    def _event(self, conn: Any, exercise_id: str, kind: str, payload: str, at: Any) -> int:
        row = self._x(
            conn, "UPDATE exercises SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq", (exercise_id,)
        ).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        seq = int(row[0])
        self._x(
            conn,
            "INSERT INTO events (exercise_id, seq, kind, payload, at) VALUES (?, ?, ?, ?, ?)",
            (exercise_id, seq, kind, payload, at),
        )
        self._notify(conn, exercise_id, seq)
        return seq

    def _revoke(self, conn: Any, exercise_id: str, role: str, at: Any) -> int:
        """Revoke the role's live code, if any; how many were revoked (0 or 1)."""
        cur = self._x(
            conn,
            "UPDATE codes SET revoked = ? WHERE exercise_id = ? AND role = ? AND revoked IS NULL",
            (at, exercise_id, role),
        )
        return int(cur.rowcount)

    def _insert_code(self, conn: Any, exercise_id: str, role: str, code_hash: str, at: Any) -> None:
        self._revoke(conn, exercise_id, role, at)
        try:
            with self._insert_once(conn):
                self._x(
                    conn,
                    "INSERT INTO codes (code_hash, exercise_id, role, issued) VALUES (?, ?, ?, ?)",
                    (code_hash, exercise_id, role, at),
                )
        except Duplicate:
            raise CodeInUse() from None

    def _exists(self, conn: Any, exercise_id: str) -> bool:
        return self._x(conn, "SELECT 1 FROM exercises WHERE id = ?", (exercise_id,)).fetchone() is not None

    def _rows(self, exercise_id: str, sql: str, params: Sequence[Any]) -> list[Any]:
        """The rows of a query about one exercise; `UnknownExercise` if there are none
        because the exercise itself is not there."""
        with self._conn() as conn:
            rows: list[Any] = self._x(conn, sql, params).fetchall()
            if not rows and not self._exists(conn, exercise_id):
                raise UnknownExercise(exercise_id)
        return rows

    # -- exercises ------------------------------------------------------------------------

    def create_exercise(self, exercise_id: str, save_json: str, codes: Mapping[str, str]) -> None:
        check_id(exercise_id)
        turn = check_save(save_json)
        checked = {check_role(r): check_hash(h) for r, h in codes.items()}
        if len(set(checked.values())) < len(checked):
            raise CodeInUse()
        at = self._stamp(self._clock())
        with self._write() as conn:
            try:
                with self._insert_once(conn):
                    self._x(
                        conn,
                        "INSERT INTO exercises (id, save_json, revision, turn, created, updated) "
                        "VALUES (?, ?, 1, ?, ?, ?)",
                        (exercise_id, save_json, turn, at, at),
                    )
            except Duplicate:
                raise ExerciseExists(exercise_id) from None
            for role, code_hash in checked.items():
                self._insert_code(conn, exercise_id, role, code_hash, at)
            self._event(conn, exercise_id, EVENT_CREATED, payload_json({"turn": turn, "revision": 1}), at)

    def exercise_ids(self) -> list[str]:
        with self._conn() as conn:
            return [r[0] for r in conn.execute("SELECT id FROM exercises ORDER BY id")]

    def exercises(self) -> list[ExerciseInfo]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT id, revision, turn, created, updated FROM exercises ORDER BY updated DESC, id"
            ).fetchall()
        return [ExerciseInfo(r[0], int(r[1]), r[2], self._time(r[3]), self._time(r[4])) for r in rows]

    def load_exercise(self, exercise_id: str) -> ExerciseRecord:
        with self._conn() as conn:
            row = self._x(
                conn,
                "SELECT id, revision, turn, created, updated, save_json FROM exercises WHERE id = ?",
                (exercise_id,),
            ).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        return ExerciseRecord(row[0], int(row[1]), row[2], self._time(row[3]), self._time(row[4]), row[5])

    def put_save(self, exercise_id: str, save_json: str, expected_revision: int) -> int:
        turn = check_save(save_json)
        at = self._stamp(self._clock())
        with self._write() as conn:
            revision, _ = self._lock(conn, exercise_id)
            if revision != expected_revision:
                raise StaleWrite(exercise_id, expected_revision, revision)
            revision += 1
            self._x(
                conn,
                "UPDATE exercises SET save_json = ?, revision = ?, turn = ?, updated = ? WHERE id = ?",
                (save_json, revision, turn, at, exercise_id),
            )
            payload = {"revision": revision, "turn": turn, "finished": turn is None}
            self._event(conn, exercise_id, EVENT_SAVE, payload_json(payload), at)
        return revision

    def delete_exercise(self, exercise_id: str) -> None:
        with self._write() as conn:
            self._lock(conn, exercise_id)
            self._x(conn, "DELETE FROM exercises WHERE id = ?", (exercise_id,))
            self._notify(conn, exercise_id, 0)
        self._held.pop(exercise_id, None)

    # -- sealed orders --------------------------------------------------------------------

    def submit_orders(
        self, exercise_id: str, turn: int, seat: str, orders: Sequence[str], reasons: Sequence[str] = ()
    ) -> None:
        check_role(seat, "seat")
        o = json.dumps(check_lines("orders", orders))
        r = json.dumps(check_lines("reasons", reasons))
        at = self._stamp(self._clock())
        with self._write() as conn:
            self._open_turn(conn, exercise_id, turn)
            self._x(
                conn,
                "INSERT INTO orders (exercise_id, turn, seat, orders, reasons, sealed) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (exercise_id, turn, seat) "
                "DO UPDATE SET orders = excluded.orders, reasons = excluded.reasons, sealed = excluded.sealed",
                (exercise_id, turn, seat, o, r, at),
            )
            self._event(conn, exercise_id, EVENT_ORDERS, payload_json({"turn": turn, "seat": seat, "sealed": True}), at)

    def withdraw_orders(self, exercise_id: str, turn: int, seat: str) -> bool:
        at = self._stamp(self._clock())
        with self._write() as conn:
            self._open_turn(conn, exercise_id, turn)
            gone = self._x(
                conn,
                "DELETE FROM orders WHERE exercise_id = ? AND turn = ? AND seat = ?",
                (exercise_id, turn, seat),
            ).rowcount
            if gone:
                payload = {"turn": turn, "seat": seat, "sealed": False}
                self._event(conn, exercise_id, EVENT_ORDERS, payload_json(payload), at)
        return bool(gone)

    def pending_orders(self, exercise_id: str, turn: int) -> dict[str, Sealed]:
        rows = self._rows(
            exercise_id,
            "SELECT seat, orders, reasons FROM orders WHERE exercise_id = ? AND turn = ? ORDER BY seat",
            (exercise_id, turn),
        )
        return {seat: Sealed(json.loads(o), json.loads(r)) for seat, o, r in rows}

    # -- join codes -----------------------------------------------------------------------

    def set_code(self, exercise_id: str, role: str, code_hash: str) -> None:
        check_role(role)
        check_hash(code_hash)
        at = self._stamp(self._clock())
        with self._write() as conn:
            self._lock(conn, exercise_id)
            self._insert_code(conn, exercise_id, role, code_hash, at)
            self._event(conn, exercise_id, EVENT_CODE, payload_json({"role": role, "action": "issued"}), at)

    def revoke_code(self, exercise_id: str, role: str) -> bool:
        at = self._stamp(self._clock())
        with self._write() as conn:
            self._lock(conn, exercise_id)
            gone = self._revoke(conn, exercise_id, role, at)
            if gone:
                self._event(conn, exercise_id, EVENT_CODE, payload_json({"role": role, "action": "revoked"}), at)
        return bool(gone)

    def _code_role(self, code_hash: str, live: bool) -> tuple[str, str] | None:
        state = "revoked IS NULL" if live else "revoked IS NOT NULL"
        with self._conn() as conn:
            row = self._x(
                conn, f"SELECT exercise_id, role FROM codes WHERE code_hash = ? AND {state}", (code_hash,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def find_code(self, code_hash: str) -> tuple[str, str] | None:
        return self._code_role(code_hash, live=True)

    def revoked_code(self, code_hash: str) -> tuple[str, str] | None:
        return self._code_role(code_hash, live=False)

    def codes(self, exercise_id: str) -> dict[str, str]:
        rows = self._rows(
            exercise_id,
            "SELECT role, code_hash FROM codes WHERE exercise_id = ? AND revoked IS NULL ORDER BY role",
            (exercise_id,),
        )
        return {role: h for role, h in rows}

    # -- the one host ---------------------------------------------------------------------

    def acquire_lease(self, exercise_id: str, holder: Holder, ttl: float) -> Lease:
        now = self._clock()
        with self._write() as conn:
            self._lock(conn, exercise_id, fence=False)
            current = self._read_lease(conn, exercise_id)
            mine = self._held.get(exercise_id)
            if current is None:
                token = 1
            elif mine is not None and mine.token == current.token:
                token = current.token  # this store holds it already: a renewal
            elif current.holder != holder and current.live(now):
                raise ExerciseHeld(current, now)
            else:
                token = current.token + 1  # a lapsed or released lease, or one left by a dead process
            lease = Lease(exercise_id, holder, token, now, now + dt.timedelta(seconds=ttl))
            self._put_lease(conn, lease, insert=current is None)
        self._held[exercise_id] = lease
        return lease

    def renew_lease(self, lease: Lease, ttl: float) -> Lease:
        now = self._clock()
        with self._write() as conn:
            self._lock(conn, lease.exercise_id, fence=False)
            current = self._read_lease(conn, lease.exercise_id)
            if current is None or current.token != lease.token:
                self._held.pop(lease.exercise_id, None)
                raise LeaseLost(lease.exercise_id, current.holder if current is not None else None)
            renewed = Lease(lease.exercise_id, lease.holder, lease.token, now, now + dt.timedelta(seconds=ttl))
            self._put_lease(conn, renewed, insert=False)
        self._held[lease.exercise_id] = renewed
        return renewed

    def release_lease(self, lease: Lease) -> None:
        now = self._stamp(self._clock())
        self._held.pop(lease.exercise_id, None)
        with self._write() as conn:
            # Expired at once, row kept: the next holder's token is still a new one.
            self._x(
                conn,
                "UPDATE leases SET expires = ?, renewed = ? WHERE exercise_id = ? AND token = ?",
                (now, now, lease.exercise_id, lease.token),
            )

    def lease(self, exercise_id: str) -> Lease | None:
        with self._conn() as conn:
            return self._read_lease(conn, exercise_id)

    def _put_lease(self, conn: Any, lease: Lease, *, insert: bool) -> None:
        values = (lease.holder.to_json(), lease.token, self._stamp(lease.renewed), self._stamp(lease.expires), lease.exercise_id)
        if insert:
            self._x(conn, "INSERT INTO leases (holder, token, renewed, expires, exercise_id) VALUES (?, ?, ?, ?, ?)", values)
        else:
            self._x(conn, "UPDATE leases SET holder = ?, token = ?, renewed = ?, expires = ? WHERE exercise_id = ?", values)

    # -- events ---------------------------------------------------------------------------

    def append_event(self, exercise_id: str, kind: str, payload: Mapping[str, Any]) -> int:
        check_role(kind, "event kind")
        text = payload_json(payload)
        at = self._stamp(self._clock())
        with self._write() as conn:
            self._lock(conn, exercise_id)
            return self._event(conn, exercise_id, kind, text, at)

    def events(self, exercise_id: str, after: int = 0, limit: int | None = None) -> list[StoreEvent]:
        sql = "SELECT seq, kind, payload, at FROM events WHERE exercise_id = ? AND seq > ? ORDER BY seq"
        params: tuple[Any, ...] = (exercise_id, after)
        if limit is not None:
            sql, params = sql + " LIMIT ?", (*params, limit)
        rows = self._rows(exercise_id, sql, params)
        return [StoreEvent(exercise_id, int(s), k, json.loads(p), self._time(a)) for s, k, p, a in rows]

    def last_event(self, exercise_id: str) -> int:
        with self._conn() as conn:
            row = self._x(conn, "SELECT event_seq FROM exercises WHERE id = ?", (exercise_id,)).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        return int(row[0])

    def wait_for_event(self, exercise_id: str, after: int, timeout: float) -> list[StoreEvent]:
        if self._closed:
            raise StoreError(f"the store {self.url} is closed")
        self._before_wait()
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            with self._cond:
                seen = self._seen(exercise_id)
            # One indexed read of the counter; the events only when there are new ones.
            if self.last_event(exercise_id) > after:
                return self.events(exercise_id, after)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            with self._cond:
                # Sleep until woken (a commit, a notice, close), at most _NAP_S; a wake-up
                # that came during the read is not slept through. Wake-ups that change
                # nothing for this exercise only send us back to sleep without a read.
                nap_end = time.monotonic() + min(remaining, self._NAP_S)
                while self._seen(exercise_id) == seen:
                    nap = nap_end - time.monotonic()
                    if nap <= 0:
                        break
                    self._cond.wait(nap)
