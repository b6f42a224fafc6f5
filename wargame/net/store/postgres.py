"""The PostgreSQL store: many exercises and several host processes sharing one database.

Every write is one transaction that first locks its exercise's row, so writers to one
exercise queue in order (no lost or doubled updates, no deadlocks: one lock each) while
different exercises proceed in parallel. Each commit NOTIFYs the channel
`wargame_store`; one LISTEN connection per `PostgresStore` wakes its waiters.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import unquote, urlsplit

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
    redact_url,
    utc_now,
)

SCHEMA_VERSION = 1
CHANNEL = "wargame_store"
CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_S = 30.0
"""How long a write waits for another process's lock on the same exercise."""
SAFETY_WAKE_S = 1.0
"""A waiter re-reads at least this often, in case the LISTEN connection dropped a notice."""
_SCHEMA_LOCK = 0x77617267  # pg_advisory_xact_lock key: one process creates/migrates at a time

_SCHEMA_V1 = [
    """CREATE TABLE exercises (
        id text PRIMARY KEY,
        save_json text NOT NULL,
        revision bigint NOT NULL,
        turn integer,
        event_seq bigint NOT NULL DEFAULT 0,
        created timestamptz NOT NULL,
        updated timestamptz NOT NULL)""",
    """CREATE TABLE orders (
        exercise_id text NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        turn integer NOT NULL,
        seat text NOT NULL,
        orders text NOT NULL,
        reasons text NOT NULL,
        sealed timestamptz NOT NULL,
        PRIMARY KEY (exercise_id, turn, seat))""",
    """CREATE TABLE codes (
        code_hash text PRIMARY KEY,
        exercise_id text NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        role text NOT NULL,
        issued timestamptz NOT NULL,
        revoked timestamptz)""",
    "CREATE UNIQUE INDEX codes_live ON codes (exercise_id, role) WHERE revoked IS NULL",
    "CREATE INDEX codes_exercise ON codes (exercise_id)",
    """CREATE TABLE events (
        exercise_id text NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        kind text NOT NULL,
        payload text NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (exercise_id, seq))""",
]


# Migrations from version N to N + 1 (run under the advisory lock, in one transaction).
MIGRATIONS: dict[int, Callable[[Any], None]] = {}


def _utc(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC)


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


class PostgresStore(Store):
    """A store in a PostgreSQL database (tables created on first use)."""

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

    def _migrate(self, create: bool) -> None:
        with self._conn() as conn:  # the usual case needs no lock: already at this version
            if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is not None:
                row = conn.execute("SELECT version FROM schema_version").fetchone()
                if row is not None and int(row[0]) == SCHEMA_VERSION:
                    return
        with self._write() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
                if not create:
                    raise StoreUnavailable(f"{self.url}: no wargame store in this database yet")
                if conn.execute("SELECT to_regclass('exercises')").fetchone()[0] is not None:
                    raise StoreUnavailable(f"{self.url}: not a wargame store (it has other 'exercises' tables)")
                conn.execute("CREATE TABLE schema_version (version integer NOT NULL)")
                for stmt in _SCHEMA_V1:
                    conn.execute(stmt)
                conn.execute("INSERT INTO schema_version VALUES (%s)", (SCHEMA_VERSION,))
                return
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise StoreUnavailable(
                    f"{self.url}: the store is schema version {version}, newer than this wargame "
                    f"reads (up to {SCHEMA_VERSION}); upgrade wargame"
                )
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                version += 1
                conn.execute("UPDATE schema_version SET version = %s", (version,))

    def schema_version(self) -> int:
        """The schema version of the database."""
        with self._conn() as conn:
            return int(conn.execute("SELECT version FROM schema_version").fetchone()[0])

    # -- helpers inside a transaction ---------------------------------------------------

    @staticmethod
    def _lock(conn: Any, exercise_id: str) -> tuple[int, int | None]:
        """Lock the exercise's row for this transaction; (revision, open turn)."""
        row = conn.execute(
            "SELECT revision, turn FROM exercises WHERE id = %s FOR UPDATE", (exercise_id,)
        ).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        return int(row[0]), row[1]

    @staticmethod
    def _event(conn: Any, exercise_id: str, kind: str, payload: str, at: dt.datetime) -> int:
        row = conn.execute(
            "UPDATE exercises SET event_seq = event_seq + 1 WHERE id = %s RETURNING event_seq",
            (exercise_id,),
        ).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        seq = int(row[0])
        conn.execute(
            "INSERT INTO events (exercise_id, seq, kind, payload, at) VALUES (%s, %s, %s, %s, %s)",
            (exercise_id, seq, kind, payload, at),
        )
        # Delivered to listeners only when (and if) the transaction commits.
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{exercise_id}:{seq}"))
        return seq

    @staticmethod
    def _insert_code(conn: Any, exercise_id: str, role: str, code_hash: str, at: dt.datetime) -> None:
        import psycopg

        conn.execute(
            "UPDATE codes SET revoked = %s WHERE exercise_id = %s AND role = %s AND revoked IS NULL",
            (at, exercise_id, role),
        )
        try:
            with conn.transaction():  # a savepoint: the outer transaction survives the error
                conn.execute(
                    "INSERT INTO codes (code_hash, exercise_id, role, issued) VALUES (%s, %s, %s, %s)",
                    (code_hash, exercise_id, role, at),
                )
        except psycopg.errors.UniqueViolation:
            raise CodeInUse() from None

    @staticmethod
    def _exists(conn: Any, exercise_id: str) -> bool:
        return conn.execute("SELECT 1 FROM exercises WHERE id = %s", (exercise_id,)).fetchone() is not None

    # -- exercises ----------------------------------------------------------------------

    def create_exercise(self, exercise_id: str, save_json: str, codes: Mapping[str, str]) -> None:
        import psycopg

        check_id(exercise_id)
        turn = check_save(save_json)
        checked = {check_role(r): check_hash(h) for r, h in codes.items()}
        if len(set(checked.values())) < len(checked):
            raise CodeInUse()
        at = self._clock()
        with self._write() as conn:
            try:
                with conn.transaction():
                    conn.execute(
                        "INSERT INTO exercises (id, save_json, revision, turn, created, updated) "
                        "VALUES (%s, %s, 1, %s, %s, %s)",
                        (exercise_id, save_json, turn, at, at),
                    )
            except psycopg.errors.UniqueViolation:
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
        return [ExerciseInfo(r[0], int(r[1]), r[2], _utc(r[3]), _utc(r[4])) for r in rows]

    def load_exercise(self, exercise_id: str) -> ExerciseRecord:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT id, revision, turn, created, updated, save_json FROM exercises WHERE id = %s",
                (exercise_id,),
            ).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        return ExerciseRecord(row[0], int(row[1]), row[2], _utc(row[3]), _utc(row[4]), row[5])

    def put_save(self, exercise_id: str, save_json: str, expected_revision: int) -> int:
        turn = check_save(save_json)
        at = self._clock()
        with self._write() as conn:
            revision, _ = self._lock(conn, exercise_id)
            if revision != expected_revision:
                raise StaleWrite(exercise_id, expected_revision, revision)
            revision += 1
            conn.execute(
                "UPDATE exercises SET save_json = %s, revision = %s, turn = %s, updated = %s WHERE id = %s",
                (save_json, revision, turn, at, exercise_id),
            )
            payload = {"revision": revision, "turn": turn, "finished": turn is None}
            self._event(conn, exercise_id, EVENT_SAVE, payload_json(payload), at)
        return revision

    def delete_exercise(self, exercise_id: str) -> None:
        with self._write() as conn:
            if conn.execute("DELETE FROM exercises WHERE id = %s", (exercise_id,)).rowcount == 0:
                raise UnknownExercise(exercise_id)
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{exercise_id}:0"))

    # -- sealed orders ------------------------------------------------------------------

    def submit_orders(
        self, exercise_id: str, turn: int, seat: str, orders: Sequence[str], reasons: Sequence[str] = ()
    ) -> None:
        check_role(seat, "seat")
        o = json.dumps(check_lines("orders", orders))
        r = json.dumps(check_lines("reasons", reasons))
        at = self._clock()
        with self._write() as conn:
            _, current = self._lock(conn, exercise_id)
            if current != turn:
                raise StaleTurn(exercise_id, turn, current)
            conn.execute(
                "INSERT INTO orders (exercise_id, turn, seat, orders, reasons, sealed) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (exercise_id, turn, seat) "
                "DO UPDATE SET orders = EXCLUDED.orders, reasons = EXCLUDED.reasons, sealed = EXCLUDED.sealed",
                (exercise_id, turn, seat, o, r, at),
            )
            payload = {"turn": turn, "seat": seat, "sealed": True}
            self._event(conn, exercise_id, EVENT_ORDERS, payload_json(payload), at)

    def withdraw_orders(self, exercise_id: str, turn: int, seat: str) -> bool:
        at = self._clock()
        with self._write() as conn:
            _, current = self._lock(conn, exercise_id)
            if current != turn:
                raise StaleTurn(exercise_id, turn, current)
            gone = conn.execute(
                "DELETE FROM orders WHERE exercise_id = %s AND turn = %s AND seat = %s",
                (exercise_id, turn, seat),
            ).rowcount
            if gone:
                payload = {"turn": turn, "seat": seat, "sealed": False}
                self._event(conn, exercise_id, EVENT_ORDERS, payload_json(payload), at)
        return bool(gone)

    def pending_orders(self, exercise_id: str, turn: int) -> dict[str, Sealed]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT seat, orders, reasons FROM orders WHERE exercise_id = %s AND turn = %s ORDER BY seat",
                (exercise_id, turn),
            ).fetchall()
            if not rows and not self._exists(conn, exercise_id):
                raise UnknownExercise(exercise_id)
        return {seat: Sealed(json.loads(o), json.loads(r)) for seat, o, r in rows}

    # -- join codes ---------------------------------------------------------------------

    def set_code(self, exercise_id: str, role: str, code_hash: str) -> None:
        check_role(role)
        check_hash(code_hash)
        at = self._clock()
        with self._write() as conn:
            self._lock(conn, exercise_id)
            self._insert_code(conn, exercise_id, role, code_hash, at)
            self._event(conn, exercise_id, EVENT_CODE, payload_json({"role": role, "action": "issued"}), at)

    def revoke_code(self, exercise_id: str, role: str) -> bool:
        at = self._clock()
        with self._write() as conn:
            self._lock(conn, exercise_id)
            gone = conn.execute(
                "UPDATE codes SET revoked = %s WHERE exercise_id = %s AND role = %s AND revoked IS NULL",
                (at, exercise_id, role),
            ).rowcount
            if gone:
                self._event(conn, exercise_id, EVENT_CODE, payload_json({"role": role, "action": "revoked"}), at)
        return bool(gone)

    def find_code(self, code_hash: str) -> tuple[str, str] | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT exercise_id, role FROM codes WHERE code_hash = %s AND revoked IS NULL", (code_hash,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def revoked_code(self, code_hash: str) -> tuple[str, str] | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT exercise_id, role FROM codes WHERE code_hash = %s AND revoked IS NOT NULL", (code_hash,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def codes(self, exercise_id: str) -> dict[str, str]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT role, code_hash FROM codes WHERE exercise_id = %s AND revoked IS NULL ORDER BY role",
                (exercise_id,),
            ).fetchall()
            if not rows and not self._exists(conn, exercise_id):
                raise UnknownExercise(exercise_id)
        return {role: h for role, h in rows}

    # -- events -------------------------------------------------------------------------

    def append_event(self, exercise_id: str, kind: str, payload: Mapping[str, Any]) -> int:
        check_role(kind, "event kind")
        text = payload_json(payload)
        at = self._clock()
        with self._write() as conn:
            return self._event(conn, exercise_id, kind, text, at)

    def events(self, exercise_id: str, after: int = 0, limit: int | None = None) -> list[StoreEvent]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT seq, kind, payload, at FROM events WHERE exercise_id = %s AND seq > %s "
                "ORDER BY seq LIMIT %s",
                (exercise_id, after, limit),
            ).fetchall()
            if not rows and not self._exists(conn, exercise_id):
                raise UnknownExercise(exercise_id)
        return [StoreEvent(exercise_id, int(s), k, json.loads(p), _utc(a)) for s, k, p, a in rows]

    def last_event(self, exercise_id: str) -> int:
        with self._conn() as conn:
            row = conn.execute("SELECT event_seq FROM exercises WHERE id = %s", (exercise_id,)).fetchone()
        if row is None:
            raise UnknownExercise(exercise_id)
        return int(row[0])

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

    def wait_for_event(self, exercise_id: str, after: int, timeout: float) -> list[StoreEvent]:
        if self._closed:
            raise StoreError(f"the store {self.url} is closed")
        self._ensure_listener()
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
                # Sleep until a notice (or a reconnect, or close), at most SAFETY_WAKE_S; a
                # notice that came during the read is not slept through. Notices for other
                # exercises wake us too, but only to go back to sleep without a read.
                nap_end = time.monotonic() + min(remaining, SAFETY_WAKE_S)
                while self._seen(exercise_id) == seen:
                    nap = nap_end - time.monotonic()
                    if nap <= 0:
                        break
                    self._cond.wait(nap)

    # -- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        self._closed = True
        self._pool.close()
        self._wake()
        listener = self._listener
        if listener is not None and listener is not threading.current_thread():
            listener.join(timeout=2.0)
