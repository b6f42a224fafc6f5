"""`open_store(url)`: the store a URL names, in the backend it names (SQLite or PostgreSQL).

Kept apart from `base.py`, the interface the backends implement and import, so that the
interface never imports its backends.
"""

from __future__ import annotations

import re
from pathlib import Path

from wargame.net.store.base import (
    DEFAULT_STORE_PATH,
    Clock,
    Store,
    StoreUnavailable,
    redact_url,
    utc_now,
)
from wargame.net.store.postgres import PostgresStore
from wargame.net.store.sqlite import SqliteStore


def open_store(url: str | Path | None = None, *, clock: Clock = utc_now, create: bool = True) -> Store:
    """Open (creating if needed) the store a URL names.

    - None or ``""``: the SQLite file `DEFAULT_STORE_PATH`;
    - ``sqlite:///abs/path.sqlite3``, ``sqlite://rel/path`` or a plain file path: SQLite;
    - ``postgresql://user:password@host:port/dbname`` (or ``postgres://``): PostgreSQL.

    `clock` stamps records (tests inject one). With ``create=False`` a store that does
    not exist yet is an error instead of being created (for commands that only read).
    Raises `StoreUnavailable` with one clear line (never a password) if the store cannot
    be opened.
    """
    text = str(url) if url is not None else ""
    if isinstance(url, Path) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        return SqliteStore(Path(text) if text else DEFAULT_STORE_PATH, clock=clock, create=create)
    scheme = text.split("://", 1)[0].lower()
    if scheme == "sqlite":
        # sqlite:///abs/path is /abs/path; SQLAlchemy's sqlite:////abs/path means the same.
        rest = re.sub(r"^/+", "/", text.split("://", 1)[1])
        return SqliteStore(Path(rest) if rest else DEFAULT_STORE_PATH, clock=clock, create=create)
    if scheme in {"postgresql", "postgres"}:
        return PostgresStore(text, clock=clock, create=create)
    raise StoreUnavailable(
        f"unknown store URL {redact_url(text)!r}: use a file path, sqlite:///PATH or "
        "postgresql://USER@HOST:PORT/DB"
    )
