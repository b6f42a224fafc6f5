"""The PostgreSQL store: many exercises and several host processes sharing one database.

Every write is one transaction that first locks its exercise's row, so writers to one
exercise queue in order (no lost or doubled updates, no deadlocks: one lock each) while
different exercises proceed in parallel. Each commit NOTIFYs the channel
`wargame_store`; one LISTEN connection per `PostgresStore` wakes its waiters.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import unquote, urlsplit

from wargame.net.store._pool import Pool, PoolClosed
from wargame.net.store._sql import Duplicate, SqlStore, schema_v1, schema_v2
from wargame.net.store.base import Clock, StoreError, StoreUnavailable, redact_url, utc_now

SCHEMA_VERSION = 2
CHANNEL = "wargame_store"
CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_S = 30.0
"""How long a write waits for another process's lock on the same exercise."""
SAFETY_WAKE_S = 1.0
"""A waiter re-reads at least this often, in case the LISTEN connection dropped a notice."""
_SCHEMA_LOCK = 0x77617267  # pg_advisory_xact_lock key: one process creates/migrates at a time

_SCHEMA_V1 = [
    *schema_v1(text="text", integer="integer", bigint="bigint", timestamp="timestamptz"),
    "CREATE INDEX codes_exercise ON codes (exercise_id)",
]
_SCHEMA_V2 = schema_v2(text="text", integer="integer", bigint="bigint", timestamp="timestamptz")


def _to_v2(conn: Any) -> None:
    for stmt in _SCHEMA_V2:
        conn.execute(stmt)


# Migrations from version N to N + 1 (run under the advisory lock, in one transaction).
MIGRATIONS: dict[int, Callable[[Any], None]] = {1: _to_v2}


def _describe(url: str) -> tuple[str, str, str]:
    """(user, host:port, database) named by the URL, for messages."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise StoreUnavailable(f"bad PostgreSQL URL {redact_url(url)!r}") from None
    host = parts.hostname or "localhost"
    where = f"{host}:{port or 5432}"
    return unquote(parts.username or ""), where, unquote(parts.path.lstrip("/")) or "(default)"


class PostgresStore(SqlStore):
    """A store in a PostgreSQL database (tables created on first use)."""

    _PARAM = "%s"
    _FOR_UPDATE = " FOR UPDATE"
    _NAP_S = SAFETY_WAKE_S

    def __init__(self, url: str, *, clock: Clock = utc_now, create: bool = True) -> None:
        self.url = redact_url(url)
        self._dsn = url
        self._clock = clock
        self._user, self._where, self._db = _describe(url)
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise StoreUnavailable(
                "a PostgreSQL store needs the psycopg driver: pip install 'wargame[postgres]'"
            ) from None
        self._pool: Pool[Any] = Pool(self._connect, self._dispose)
        self._closed = False
        self._held = {}
        self._cond = threading.Condition()
        # Per exercise, how many notices have arrived: a waiter re-reads only when its own
        # exercise changed, so many exercises on one server do not wake every waiter.
        self._gens: dict[str, int] = {}
        self._gen_all = 0
        self._listener: threading.Thread | None = None
        self._listening = threading.Event()
        self._migrate(create)

    # -- connections and transactions ---------------------------------------------------

    def _unavailable(self, exc: Exception) -> StoreUnavailable:
        text = str(exc)
        parts = urlsplit(self._dsn)
        in_query = re.search(r"(?:^|&)password=([^&]*)", parts.query)
        for password in (parts.password, unquote(in_query.group(1)) if in_query else None):
            if password:
                text = text.replace(password, "***")
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), type(exc).__name__)
        if "lock timeout" in text:
            return StoreUnavailable(
                f"PostgreSQL store {self.url}: the exercise stayed locked by another process for "
                f"{LOCK_TIMEOUT_S:g} s"
            )
        if "password authentication failed" in text or "no password supplied" in text:
            return StoreUnavailable(
                f"PostgreSQL at {self._where} refused the login for user {self._user!r} (wrong password?)"
            )
        if "does not exist" in text and "database" in text:
            return StoreUnavailable(f"PostgreSQL at {self._where} has no database {self._db!r}")
        if "role" in text and "does not exist" in text:
            return StoreUnavailable(f"PostgreSQL at {self._where} has no user {self._user!r}")
        if "refused" in text or "timeout" in text or "could not" in text or "failed" in text:
            return StoreUnavailable(f"cannot reach PostgreSQL at {self._where}: {first.split(': ')[-1]}")
        return StoreUnavailable(f"PostgreSQL store {self.url}: {first}")

    def _connect(self) -> Any:
        import psycopg

        try:
            conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
            # A host process stuck inside a transaction must not stall the others for ever.
            conn.execute(f"SET lock_timeout = '{int(LOCK_TIMEOUT_S * 1000)}ms'")
            return conn
        except psycopg.Error as exc:
            raise self._unavailable(exc) from None

    @staticmethod
    def _dispose(conn: Any) -> None:
        import psycopg

        # Closing a broken connection can itself fail; it is gone either way.
        with suppress(psycopg.Error, OSError):
            conn.close()

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        import psycopg

        try:
            with self._pool.connection(broken=lambda c: bool(c.closed or c.broken)) as conn:
                yield conn
        except PoolClosed:
            raise StoreError(f"the store {self.url} is closed") from None
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from None

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """One transaction, committed if the block returns, rolled back if it raises."""
        with self._conn() as conn, conn.transaction():
            yield conn

    @contextmanager
    def _insert_once(self, conn: Any) -> Iterator[None]:
        import psycopg

        try:
            with conn.transaction():  # a savepoint: the outer transaction survives the error
                yield
        except psycopg.errors.UniqueViolation:
            raise Duplicate from None

    def _migrate(self, create: bool) -> None:
        self._migrate_to(self.url, create, SCHEMA_VERSION, MIGRATIONS)

    def _has_table(self, conn: Any, name: str) -> bool:
        return conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()[0] is not None

    def _lock_schema(self, conn: Any) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))

    def _refuse_foreign(self, conn: Any, create: bool) -> None:
        if not create:
            raise StoreUnavailable(f"{self.url}: no wargame store in this database yet")
        if self._has_table(conn, "exercises"):
            raise StoreUnavailable(f"{self.url}: not a wargame store (it has other 'exercises' tables)")

    def _schema(self) -> list[str]:
        return [*_SCHEMA_V1, *_SCHEMA_V2]

    def _stamp(self, t: dt.datetime) -> dt.datetime:
        return t

    def _time(self, value: Any) -> dt.datetime:
        return value.astimezone(dt.UTC)  # type: ignore[no-any-return]

    def _notify(self, conn: Any, exercise_id: str, seq: int) -> None:
        # Delivered to listeners only when (and if) the transaction commits.
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{exercise_id}:{seq}"))

    def _listen(self) -> None:
        """The listener thread: LISTEN on one connection and wake waiters on each notice;
        reconnects (with a pause) if the server drops it, until the store closes."""
        import psycopg

        while not self._closed:
            try:
                with psycopg.connect(self._dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    self._wake()  # anything committed while we were not listening
                    while not self._closed:
                        for notice in conn.notifies(timeout=0.25):
                            self._wake(notice.payload.rpartition(":")[0])
            except psycopg.Error:
                self._listening.set()  # waiters fall back to SAFETY_WAKE_S re-reads
                time.sleep(0.5)
        self._listening.set()

    def _wake(self, exercise_id: str | None = None) -> None:
        """Wake the waiters on one exercise, or on all (None)."""
        with self._cond:
            if exercise_id is None:
                self._gen_all += 1
            else:
                self._gens[exercise_id] = self._gens.get(exercise_id, 0) + 1
            self._cond.notify_all()

    def _seen(self, exercise_id: str) -> tuple[int, int]:
        return self._gen_all, self._gens.get(exercise_id, 0)

    def _ensure_listener(self) -> None:
        with self._cond:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, name="wargame-store-listen", daemon=True)
                self._listener.start()
        # The first wait must not read before LISTEN is in place, or it could miss a commit.
        self._listening.wait(CONNECT_TIMEOUT_S)

    def _before_wait(self) -> None:
        self._ensure_listener()

    # -- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        self._closed = True
        self._pool.close()
        self._wake()
        listener = self._listener
        if listener is not None and listener is not threading.current_thread():
            listener.join(timeout=2.0)
