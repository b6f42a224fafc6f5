"""Store speed: sealed-order submissions per second, put_save and wake-up latency.

For SQLite (a file in a temp folder) and PostgreSQL (a throwaway server this script starts
with fsync on, skipped with the reason if it cannot): submissions from one thread and from
12 seat threads at once, the latency of writing a whole korea-2022 save (median, p99), and
how long a `wait_for_event` waiter takes to wake after another thread's commit.
Run `.venv/bin/python benchmarks/store.py [--backend sqlite|postgresql|both] [--n N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.net.pgcluster import PgUnavailable, start_cluster
from wargame.analysis.simulate import play_game
from wargame.deck.loader import load_deck
from wargame.net.store import Store, open_store
from wargame.saves.store import new_save

SEATS = 12


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def a_save() -> str:
    """A whole korea-2022 game's save, as a host would write it after the last turn."""
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    game = play_game(deck, 2022, {})
    data = json.loads(new_save(game, {}).model_dump_json())
    data["history"], data["ending"] = data["history"][:-1], None  # keep a turn open
    return json.dumps(data)


def submissions(store: Store, ex: str, threads: int, n: int) -> float:
    """Submissions per second with `threads` seats sealing `n` orders each, all at once."""
    barrier = threading.Barrier(threads + 1)
    turn = store.load_exercise(ex).turn or 0

    def seat(i: int) -> None:
        barrier.wait()
        for k in range(n):
            store.submit_orders(ex, turn, f"s{i}", [f"move-{k}"], ["why"])

    workers = [threading.Thread(target=seat, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    barrier.wait()
    t0 = time.perf_counter()
    for w in workers:
        w.join()
    return threads * n / (time.perf_counter() - t0)


def put_save_latency(store: Store, ex: str, save: str, n: int) -> list[float]:
    rev = store.load_exercise(ex).revision
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        rev = store.put_save(ex, save, rev)
        out.append(time.perf_counter() - t0)
    return out


def wake_latency(store: Store, ex: str, n: int) -> list[float]:
    """From just before a commit in one thread to a waiter in another holding the event."""
    out: list[float] = []
    for _ in range(n):
        after = store.last_event(ex)
        ready, woke = threading.Event(), [0.0]

        def wait(after: int = after, ready: threading.Event = ready, woke: list[float] = woke) -> None:
            ready.set()
            store.wait_for_event(ex, after, timeout=30)
            woke[0] = time.perf_counter()

        t = threading.Thread(target=wait)
        t.start()
        ready.wait()
        time.sleep(0.01)  # let the waiter block first
        t0 = time.perf_counter()
        store.append_event(ex, "tick", {})
        t.join()
        out.append(woke[0] - t0)
    return out


def fsync_ms(folder: str, n: int = 50) -> float:
    """The disk's median fsync time: each commit of either backend waits for one or two."""
    times = []
    with open(Path(folder) / "fsync.probe", "wb") as fh:
        for _ in range(n):
            fh.write(b"x" * 512)
            t0 = time.perf_counter()
            fh.flush()
            os.fsync(fh.fileno())
            times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def bench(name: str, open_it: Callable[[], Store], save: str, n: int) -> None:
    with open_it() as store:
        store.create_exercise("bench", save, {})
        one = submissions(store, "bench", 1, n * SEATS // 4)
        many = submissions(store, "bench", SEATS, n // 4)
        lat = put_save_latency(store, "bench", save, n)
        wake = wake_latency(store, "bench", max(20, n // 5))
    ms = 1000.0
    print(f"{name}:")
    print(f"  submissions, 1 thread:          {one:8.0f} /s")
    print(f"  submissions, {SEATS} seat threads:   {many:8.0f} /s")
    print(f"  put_save ({len(save) / 1e3:.0f} kB save):        median {statistics.median(lat) * ms:6.2f} ms"
          f"   p99 {pct(lat, 99) * ms:6.2f} ms")
    print(f"  wait_for_event wake-up:         median {statistics.median(wake) * ms:6.2f} ms"
          f"   p99 {pct(wake, 99) * ms:6.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--n", type=int, default=400, help="put_save writes (submissions scale with it)")
    args = ap.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    save = a_save()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"disk fsync: median {fsync_ms(tmp):.2f} ms (commits are bounded by it)")
    if args.backend in {"sqlite", "both"}:
        with tempfile.TemporaryDirectory() as tmp:
            bench("SQLite (WAL, synchronous=FULL)", lambda: open_store(Path(tmp) / "bench.sqlite3"), save, args.n)
    if args.backend in {"postgresql", "both"}:
        try:
            cluster = start_cluster(durable=True)
        except PgUnavailable as exc:
            print(f"PostgreSQL: skipped ({exc})")
            return
        try:
            url = cluster.create_database("bench")
            bench("PostgreSQL 15 (local, fsync on)", lambda: open_store(url), save, args.n)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
