"""The embedded store: one SQLite file (WAL mode), safe across threads and processes.

Every write is a `BEGIN IMMEDIATE` transaction, so writers queue on SQLite's lock (with a
busy timeout) instead of failing halfway, and a process killed mid-write leaves the file
as of its last commit. `synchronous=FULL` makes each commit survive a power cut too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wargame.net.store._pool import Pool, PoolClosed
from wargame.net.store.base import (
    EVENT_CODE,
    EVENT_CREATED,
    EVENT_ORDERS,
    EVENT_SAVE,
    Clock,
    CodeInUse,
    ExerciseExists,
    ExerciseInfo,
    ExerciseRecord,
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
    utc_now,
)

SCHEMA_VERSION = 1
LOCK_TIMEOUT_S = 30.0
"""How long a write waits for another process's transaction before giving up."""
POLL_S = 0.05
"""How often `wait_for_event` looks for other processes' writes (one indexed read)."""

_SCHEMA_V1 = """
CREATE TABLE exercises (
    id TEXT PRIMARY KEY,
    save_json TEXT NOT NULL,
    revision INTEGER NOT NULL,
    turn INTEGER,
    event_seq INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE orders (
    exercise_id TEXT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    seat TEXT NOT NULL,
    orders TEXT NOT NULL,
    reasons TEXT NOT NULL,
    sealed TEXT NOT NULL,
    PRIMARY KEY (exercise_id, turn, seat)
);
CREATE TABLE codes (
    code_hash TEXT PRIMARY KEY,
    exercise_id TEXT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    issued TEXT NOT NULL,
    revoked TEXT
);
CREATE UNIQUE INDEX codes_live ON codes (exercise_id, role) WHERE revoked IS NULL;
CREATE TABLE events (
    exercise_id TEXT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (exercise_id, seq)
);
"""

# Migrations from version N to N + 1, run in one transaction when an older file is opened.
# Version 1 is the first; a schema change appends its upgrade here and bumps SCHEMA_VERSION.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}

# One condition per database file in this process: a commit by any `SqliteStore` on the
# file wakes the others' waiters at once; other processes are seen by polling.
_signals: dict[str, tuple[threading.Condition, list[int]]] = {}
_signals_lock = threading.Lock()


def _signal(key: str) -> tuple[threading.Condition, list[int]]:
    with _signals_lock:
        if key not in _signals:
            _signals[key] = (threading.Condition(), [0])
        return _signals[key]


def _ts(t: dt.datetime) -> str:
    return t.isoformat()


def _dt(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


class SqliteStore(Store):
    """A store in one SQLite file (created with its folder if missing)."""

    def __init__(self, path: Path, *, clock: Clock = utc_now, create: bool = True) -> None:
        self.path = path
        self.url = f"sqlite://{path}"  # sqlite:///abs/path or sqlite://relative/path
        self._clock = clock
        if path.is_dir():
            raise StoreUnavailable(f"{path}: is a directory, not a store file")
        if not create and not path.exists():
            raise StoreUnavailable(f"{path}: no such store file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"{path}: cannot create its folder: {exc.strerror or exc}") from None
        self._pool: Pool[sqlite3.Connection] = Pool(self._connect, lambda c: c.close())
        self._cond, self._gen = _signal(os.path.realpath(path))
        self._closed = False
        self._migrate(create)

    # -- connections and transactions ---------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=LOCK_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={int(LOCK_TIMEOUT_S * 1000)}")
        except sqlite3.DatabaseError as exc:
            raise self._unavailable(exc) from None
        return conn

    def _unavailable(self, exc: sqlite3.Error) -> StoreUnavailable:
        text = str(exc)
        if "not a database" in text:
            return StoreUnavailable(f"{self.path}: not a wargame store (not an SQLite database)")
        if "locked" in text or "busy" in text:
            return StoreUnavailable(f"{self.path}: the store stayed busy for {LOCK_TIMEOUT_S:g} s (another process holds it)")
        if "readonly" in text or "unable to open" in text:
            return StoreUnavailable(f"{self.path}: cannot open the store for writing: {text}")
        return StoreUnavailable(f"{self.path}: store error: {text}")

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._pool.connection() as conn:
                yield conn
        except PoolClosed:
            raise StoreError(f"the store {self.url} is closed") from None
        except sqlite3.OperationalError as exc:
            raise self._unavailable(exc) from None
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.IntegrityError):
                raise
            raise self._unavailable(exc) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction (takes the write lock up front, so it never has to
        upgrade a read lock and deadlock); committed if the block returns."""
        with self._conn() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        with self._cond:
            self._gen[0] += 1
            self._cond.notify_all()

    def _migrate(self, create: bool) -> None:
        # The usual case, a store already at this version, needs only a read: opening a
        # store must not queue behind another process's write.
        with self._conn() as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "schema_version" in tables:
                row = conn.execute("SELECT version FROM schema_version").fetchone()
                if row is not None and int(row[0]) == SCHEMA_VERSION:
                    return
        with self._write() as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "schema_version" not in tables:
                if tables:
                    raise StoreUnavailable(f"{self.path}: not a wargame store (an SQLite file with other tables)")
                if not create:
                    raise StoreUnavailable(f"{self.path}: not a wargame store (an empty file)")
                conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
                # Statement by statement: executescript() would commit mid-transaction.
                for stmt in _SCHEMA_V1.split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
                return
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise StoreUnavailable(
                    f"{self.path}: the store is schema version {version}, newer than this wargame "
                    f"reads (up to {SCHEMA_VERSION}); upgrade wargame"
                )
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                version += 1
                conn.execute("UPDATE schema_version SET version = ?", (version,))

    def schema_version(self) -> int:
        """The schema version of the open file."""
        with self._conn() as conn:
            return int(conn.execute("SELECT version FROM schema_version").fetchone()[0])

    # -- helpers inside a transaction ---------------------------------------------------

    @staticmethod
    def _event(conn: sqlite3.Connection, exercise_id: str, kind: str, payload: str, at: str) -> int:
        row = conn.execute(
            "UPDATE exercises SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq",
            (exercise_id,),
        ).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        seq = int(row[0])
        conn.execute(
            "INSERT INTO events (exercise_id, seq, kind, payload, at) VALUES (?, ?, ?, ?, ?)",
            (exercise_id, seq, kind, payload, at),
        )
        return seq

    @staticmethod
    def _open_turn(conn: sqlite3.Connection, exercise_id: str, turn: int) -> None:
        row = conn.execute("SELECT turn FROM exercises WHERE id = ?", (exercise_id,)).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        if row[0] != turn:
            raise StaleTurn(exercise_id, turn, row[0])

    def _insert_code(self, conn: sqlite3.Connection, exercise_id: str, role: str, code_hash: str, at: str) -> None:
        conn.execute(
            "UPDATE codes SET revoked = ? WHERE exercise_id = ? AND role = ? AND revoked IS NULL",
            (at, exercise_id, role),
        )
        try:
            conn.execute(
                "INSERT INTO codes (code_hash, exercise_id, role, issued) VALUES (?, ?, ?, ?)",
                (code_hash, exercise_id, role, at),
            )
        except sqlite3.IntegrityError:
            raise CodeInUse() from None

    # -- exercises ----------------------------------------------------------------------

    def create_exercise(self, exercise_id: str, save_json: str, codes: Mapping[str, str]) -> None:
        check_id(exercise_id)
        turn = check_save(save_json)
        checked = {check_role(r): check_hash(h) for r, h in codes.items()}
        if len(set(checked.values())) < len(checked):
            raise CodeInUse()
        at = _ts(self._clock())
        with self._write() as conn:
            try:
                conn.execute(
                    "INSERT INTO exercises (id, save_json, revision, turn, created, updated) "
                    "VALUES (?, ?, 1, ?, ?, ?)",
                    (exercise_id, save_json, turn, at, at),
                )
            except sqlite3.IntegrityError:
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
        return [ExerciseInfo(r[0], r[1], r[2], _dt(r[3]), _dt(r[4])) for r in rows]

    def load_exercise(self, exercise_id: str) -> ExerciseRecord:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT id, revision, turn, created, updated, save_json FROM exercises WHERE id = ?",
                (exercise_id,),
            ).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        return ExerciseRecord(row[0], row[1], row[2], _dt(row[3]), _dt(row[4]), row[5])

    def put_save(self, exercise_id: str, save_json: str, expected_revision: int) -> int:
        turn = check_save(save_json)
        at = _ts(self._clock())
        with self._write() as conn:
            row = conn.execute("SELECT revision FROM exercises WHERE id = ?", (exercise_id,)).fetchone()
            if row is None:
                raise UnknownExercise(exercise_id)
            if row[0] != expected_revision:
                raise StaleWrite(exercise_id, expected_revision, row[0])
            revision = expected_revision + 1
            conn.execute(
                "UPDATE exercises SET save_json = ?, revision = ?, turn = ?, updated = ? WHERE id = ?",
                (save_json, revision, turn, at, exercise_id),
            )
            payload = {"revision": revision, "turn": turn, "finished": turn is None}
            self._event(conn, exercise_id, EVENT_SAVE, payload_json(payload), at)
        return revision

    def delete_exercise(self, exercise_id: str) -> None:
        with self._write() as conn:
            if conn.execute("DELETE FROM exercises WHERE id = ?", (exercise_id,)).rowcount == 0:
                raise UnknownExercise(exercise_id)

    # -- sealed orders ------------------------------------------------------------------

    def submit_orders(
        self, exercise_id: str, turn: int, seat: str, orders: Sequence[str], reasons: Sequence[str] = ()
    ) -> None:
        check_role(seat, "seat")
        o = json.dumps(check_lines("orders", orders))
        r = json.dumps(check_lines("reasons", reasons))
        at = _ts(self._clock())
        with self._write() as conn:
            self._open_turn(conn, exercise_id, turn)
            conn.execute(
                "INSERT OR REPLACE INTO orders (exercise_id, turn, seat, orders, reasons, sealed) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (exercise_id, turn, seat, o, r, at),
            )
            payload = {"turn": turn, "seat": seat, "sealed": True}
            self._event(conn, exercise_id, EVENT_ORDERS, payload_json(payload), at)

    def withdraw_orders(self, exercise_id: str, turn: int, seat: str) -> bool:
        at = _ts(self._clock())
        with self._write() as conn:
            self._open_turn(conn, exercise_id, turn)
            gone = conn.execute(
                "DELETE FROM orders WHERE exercise_id = ? AND turn = ? AND seat = ?",
                (exercise_id, turn, seat),
            ).rowcount
            if gone:
                payload = {"turn": turn, "seat": seat, "sealed": False}
                self._event(conn, exercise_id, EVENT_ORDERS, payload_json(payload), at)
        return bool(gone)

    def pending_orders(self, exercise_id: str, turn: int) -> dict[str, Sealed]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT seat, orders, reasons FROM orders WHERE exercise_id = ? AND turn = ? ORDER BY seat",
                (exercise_id, turn),
            ).fetchall()
            if not rows and conn.execute("SELECT 1 FROM exercises WHERE id = ?", (exercise_id,)).fetchone() is None:
                raise UnknownExercise(exercise_id)
        return {seat: Sealed(json.loads(o), json.loads(r)) for seat, o, r in rows}

    # -- join codes ---------------------------------------------------------------------

    def set_code(self, exercise_id: str, role: str, code_hash: str) -> None:
        check_role(role)
        check_hash(code_hash)
        at = _ts(self._clock())
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM exercises WHERE id = ?", (exercise_id,)).fetchone() is None:
                raise UnknownExercise(exercise_id)
            self._insert_code(conn, exercise_id, role, code_hash, at)
            self._event(conn, exercise_id, EVENT_CODE, payload_json({"role": role, "action": "issued"}), at)

    def revoke_code(self, exercise_id: str, role: str) -> bool:
        at = _ts(self._clock())
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM exercises WHERE id = ?", (exercise_id,)).fetchone() is None:
                raise UnknownExercise(exercise_id)
            gone = conn.execute(
                "UPDATE codes SET revoked = ? WHERE exercise_id = ? AND role = ? AND revoked IS NULL",
                (at, exercise_id, role),
            ).rowcount
            if gone:
                self._event(conn, exercise_id, EVENT_CODE, payload_json({"role": role, "action": "revoked"}), at)
        return bool(gone)

    def find_code(self, code_hash: str) -> tuple[str, str] | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT exercise_id, role FROM codes WHERE code_hash = ? AND revoked IS NULL", (code_hash,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def revoked_code(self, code_hash: str) -> tuple[str, str] | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT exercise_id, role FROM codes WHERE code_hash = ? AND revoked IS NOT NULL", (code_hash,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def codes(self, exercise_id: str) -> dict[str, str]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT role, code_hash FROM codes WHERE exercise_id = ? AND revoked IS NULL ORDER BY role",
                (exercise_id,),
            ).fetchall()
            if not rows and conn.execute("SELECT 1 FROM exercises WHERE id = ?", (exercise_id,)).fetchone() is None:
                raise UnknownExercise(exercise_id)
        return dict(rows)

    # -- events -------------------------------------------------------------------------

    def append_event(self, exercise_id: str, kind: str, payload: Mapping[str, Any]) -> int:
        check_role(kind, "event kind")
        text = payload_json(payload)
        at = _ts(self._clock())
        with self._write() as conn:
            return self._event(conn, exercise_id, kind, text, at)

    def events(self, exercise_id: str, after: int = 0, limit: int | None = None) -> list[StoreEvent]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT seq, kind, payload, at FROM events WHERE exercise_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                (exercise_id, after, -1 if limit is None else limit),
            ).fetchall()
            if not rows and conn.execute("SELECT 1 FROM exercises WHERE id = ?", (exercise_id,)).fetchone() is None:
                raise UnknownExercise(exercise_id)
        return [StoreEvent(exercise_id, s, k, json.loads(p), _dt(a)) for s, k, p, a in rows]

    def last_event(self, exercise_id: str) -> int:
        with self._conn() as conn:
            row = conn.execute("SELECT event_seq FROM exercises WHERE id = ?", (exercise_id,)).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        return int(row[0])

    def wait_for_event(self, exercise_id: str, after: int, timeout: float) -> list[StoreEvent]:
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            with self._cond:
                seen = self._gen[0]
            # One indexed read of the counter; the events only when there are new ones.
            if self.last_event(exercise_id) > after:
                return self.events(exercise_id, after)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            with self._cond:
                # A commit in this process between the read and here bumped the counter:
                # look again at once instead of sleeping through it.
                if self._gen[0] == seen:
                    self._cond.wait(min(remaining, POLL_S))

    # -- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        self._closed = True
        self._pool.close()
        with self._cond:
            self._cond.notify_all()
