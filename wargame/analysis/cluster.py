"""Chunks of a run on a Dask distributed cluster, when one machine is not enough.

`simulate`, `sweep` and `analyse` split their work into chunks whose results are counts
(`Tally`, `Outcomes`), so where a chunk runs changes nothing: a run on a cluster prints
the same bytes as a local one. Each task carries the chunk and the deck's (or save's)
source, sent to the workers once; a worker compiles it once and keeps it. `--cluster
local` starts a cluster of worker processes on this machine for the run; any other value
is the address of a scheduler already running (`tcp://host:8786`). Dask is an optional
extra: `pip install 'wargame[cluster]'`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

from wargame.errors import WargameError

T = TypeVar("T")
R = TypeVar("R")

LOCAL = "local"
"""`--cluster local`: a cluster of worker processes on this machine, for this run only."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise WargameError("--cluster needs Dask distributed: pip install 'wargame[cluster]'") from None
    return distributed


@contextmanager
def connect(address: str, workers: int | None = None, *, timeout: str = "10s") -> Iterator[Any]:
    """A Dask client for `address` (or a local cluster started for `local`), closed after.
    Raises `WargameError` with one line when the scheduler cannot be reached within
    `timeout` (a Dask duration)."""
    distributed = _distributed()
    cluster = None
    try:
        if address == LOCAL:
            n = workers or max(1, os.cpu_count() or 1)
            cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                               dashboard_address=None, silence_logs=40)
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise WargameError(f"--cluster {address}: cannot reach the scheduler ({exc})") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_on_cluster(address: str | Any, deck: Any, fn: Callable[..., R], tasks: Sequence[T],
                   size: Callable[[R], int], progress: Callable[[int], None] | None = None,
                   *, source: tuple[object, ...] | None = None) -> Iterator[R]:
    """Run `fn(task, *source)` for every task on the cluster at `address` (or on a client
    already connected, from `connect`, so a run in several rounds starts no cluster twice)
    and yield each result as it arrives (in any order: callers merge counts). `source`
    defaults to the deck's (source text, path, sha256), sent to the workers once.
    `progress(done)` is told the running total of `size(result)`."""
    args = source if source is not None else (deck.source, deck.path, deck.sha256)
    with connect(address) if isinstance(address, str) else nullcontext(address) as client:
        distributed = _distributed()
        # hash=False: a key of its own each round, so a round releasing its copy cannot take
        # away the next round's (the same bytes would otherwise share one key).
        shared = [client.scatter(a, broadcast=True, hash=False) if isinstance(a, str | bytes) and len(a) > 256 else a for a in args]
        futures = [client.submit(fn, task, *shared, pure=False) for task in tasks]
        done = 0
        try:
            for future in distributed.as_completed(futures):
                result = future.result()
                done += size(result)
                if progress:
                    progress(done)
                yield result
        finally:
            for future in futures:
                future.cancel()


__all__ = ["LOCAL", "connect", "run_on_cluster"]
