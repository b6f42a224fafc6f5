"""Fixtures for the network layer: a store of each backend, on a real server for PostgreSQL.

`store_url` is parametrized over SQLite (a file in the test's temp folder) and PostgreSQL
(a fresh database on a throwaway server this session starts). PostgreSQL tests are skipped,
with the reason, only where no server can be installed or started.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.net.pgcluster import PgCluster, PgUnavailable, start_cluster
from wargame.net.store import Store, open_store

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL server for the whole session (one per xdist worker), removed at the end."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests need psycopg: pip install 'wargame[postgres]'")
    try:
        cluster = start_cluster()
    except PgUnavailable as exc:
        pytest.skip(f"no PostgreSQL server can be started here: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> str:
    """A URL (with password) of a fresh, empty schema on the session's server."""
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_schema(f"t_{uuid.uuid4().hex[:16]}")


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store's URL, once per backend."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'exercises.sqlite3'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open empty store, once per backend; closed after the test."""
    s = open_store(store_url)
    try:
        yield s
    finally:
        s.close()
