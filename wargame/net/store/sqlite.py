"""The embedded store: one SQLite file (WAL mode), safe across threads and processes.

Every write is a `BEGIN IMMEDIATE` transaction, so writers queue on SQLite's lock (with a
busy timeout) instead of failing halfway, and a process killed mid-write leaves the file
as of its last commit. `synchronous=FULL` makes each commit survive a power cut too.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wargame.net.store._pool import Pool, PoolClosed
from wargame.net.store._sql import Duplicate, SqlStore, schema_v1, schema_v2
from wargame.net.store.base import Clock, StoreError, StoreUnavailable, utc_now

SCHEMA_VERSION = 2
LOCK_TIMEOUT_S = 30.0
"""How long a write waits for another process's transaction before giving up."""
POLL_S = 0.05
"""How often `wait_for_event` looks for other processes' writes (one indexed read)."""

# SQLite's own type names, as in the files earlier versions created; times are ISO text.
_SCHEMA_V1 = schema_v1(text="TEXT", integer="INTEGER", bigint="INTEGER", timestamp="TEXT")
_SCHEMA_V2 = schema_v2(text="TEXT", integer="INTEGER", bigint="INTEGER", timestamp="TEXT")


def _to_v2(conn: sqlite3.Connection) -> None:
    for stmt in _SCHEMA_V2:
        conn.execute(stmt)


# Migrations from version N to N + 1, run in one transaction when an older file is opened.
# A schema change appends its upgrade here and bumps SCHEMA_VERSION.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _to_v2}

# One condition per database file in this process: a commit by any `SqliteStore` on the
# file wakes the others' waiters at once; other processes are seen by polling.
_signals: dict[str, tuple[threading.Condition, list[int]]] = {}
_signals_lock = threading.Lock()


def _signal(key: str) -> tuple[threading.Condition, list[int]]:
    with _signals_lock:
        if key not in _signals:
            _signals[key] = (threading.Condition(), [0])
        return _signals[key]


class SqliteStore(SqlStore):
    """A store in one SQLite file (created with its folder if missing)."""

    _NAP_S = POLL_S

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
        self._held = {}
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

    @contextmanager
    def _insert_once(self, conn: sqlite3.Connection) -> Iterator[None]:
        # A failed statement rolls back only itself; the transaction goes on.
        try:
            yield
        except sqlite3.IntegrityError:
            raise Duplicate from None

    def _migrate(self, create: bool) -> None:
        self._migrate_to(str(self.path), create, SCHEMA_VERSION, MIGRATIONS)

    def _has_table(self, conn: sqlite3.Connection, name: str) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name = ?", (name,)).fetchone() is not None

    def _refuse_foreign(self, conn: sqlite3.Connection, create: bool) -> None:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone() is not None:
            raise StoreUnavailable(f"{self.path}: not a wargame store (an SQLite file with other tables)")
        if not create:
            raise StoreUnavailable(f"{self.path}: not a wargame store (an empty file)")

    def _schema(self) -> list[str]:
        # Statement by statement: executescript() would commit mid-transaction.
        return [*_SCHEMA_V1, *_SCHEMA_V2]

    # Times are ISO 8601 text: SQLite has no time type.
    def _stamp(self, t: dt.datetime) -> str:
        return t.isoformat()

    def _time(self, value: Any) -> dt.datetime:
        return dt.datetime.fromisoformat(value)

    def _seen(self, exercise_id: str) -> object:
        # Any commit to the file in this process, or this store closing.
        return self._gen[0], self._closed

    # -- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        self._closed = True
        self._pool.close()
        with self._cond:
            self._cond.notify_all()
