"""The stores' connection pool: reuse, a bound on idle connections, and outages.

Connections here are plain objects, so each promise is checked without a database.
"""

from __future__ import annotations

import itertools
from contextlib import ExitStack

import pytest

from wargame.net.store._pool import Pool, PoolClosed


class Conn:
    ids = itertools.count(1)

    def __init__(self) -> None:
        self.id = next(self.ids)
        self.dead = False
        self.disposed = False


def make(max_idle: int = 3) -> Pool[Conn]:
    def dispose(c: Conn) -> None:
        c.disposed = True

    return Pool(Conn, dispose, max_idle=max_idle)


def test_a_connection_is_reused_and_never_shared() -> None:
    pool = make()
    with pool.connection() as a, pool.connection() as b:
        assert a is not b  # two holders at once never share
    with pool.connection() as c:
        assert c in (a, b)


def test_idle_connections_are_bounded() -> None:
    pool = make(max_idle=2)
    with ExitStack() as stack:
        held = [stack.enter_context(pool.connection()) for _ in range(4)]
    assert sum(c.disposed for c in held) == 2


def test_a_broken_connection_drops_the_idle_ones_too() -> None:
    pool = make()
    with ExitStack() as stack:
        held = [stack.enter_context(pool.connection()) for _ in range(3)]
    with pytest.raises(OSError), pool.connection(broken=lambda c: True):
        raise OSError("server went away")
    assert all(x.disposed for x in held)
    with pool.connection() as fresh:
        assert fresh not in held and not fresh.disposed


def test_an_error_that_leaves_the_connection_usable_keeps_it() -> None:
    pool = make()
    with pytest.raises(ValueError), pool.connection(broken=lambda c: False) as c:
        raise ValueError("a bad argument, not a dead server")
    with pool.connection() as again:
        assert again is c and not c.disposed


def test_close_disposes_idle_now_and_busy_on_return() -> None:
    pool = make()
    with pool.connection() as busy:
        with pool.connection() as idle:
            pass
        pool.close()
        assert idle.disposed and not busy.disposed
    assert busy.disposed
    with pytest.raises(PoolClosed), pool.connection():
        pass
