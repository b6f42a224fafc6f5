"""A small thread-safe connection pool shared by the store backends.

A database connection must not be used by two threads at once; a pool hands each call
its own connection and keeps a few idle ones, so a busy host does not reconnect per call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

C = TypeVar("C")


class PoolClosed(Exception):
    """The pool was closed; the store that owns it turns this into its own error."""


class Pool(Generic[C]):
    """Connections made by `connect`, reused up to `max_idle` at a time."""

    def __init__(self, connect: Callable[[], C], dispose: Callable[[C], None], max_idle: int = 8) -> None:
        self._connect = connect
        self._dispose = dispose
        self._max_idle = max_idle
        self._idle: list[C] = []
        self._lock = threading.Lock()
        self.closed = False

    @contextmanager
    def connection(self, *, broken: Callable[[C], bool] = lambda c: False) -> Iterator[C]:
        """A connection for the duration of the block. If the block raises and `broken`
        says the connection is unusable, it is discarded rather than reused."""
        with self._lock:
            if self.closed:
                raise PoolClosed
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._connect()
        keep = True
        stale: list[C] = []
        try:
            yield conn
        except BaseException:
            keep = not broken(conn)
            raise
        finally:
            with self._lock:
                if not keep:
                    # The server went away: the idle connections are from before, drop them
                    # too, so the outage costs one failed call rather than one per connection.
                    stale, self._idle = self._idle, []
                elif not self.closed and len(self._idle) < self._max_idle:
                    self._idle.append(conn)
                    conn = None
            for old in [*stale, conn]:
                if old is not None:
                    self._dispose(old)

    def close(self) -> None:
        """Dispose of idle connections now and of busy ones when they come back."""
        with self._lock:
            self.closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            self._dispose(conn)
