"""Load on `wargame host`: 12 seats (bots through the API) over 50 turns against one host.

The host runs as its own process (as in a classroom) on a generated 12-actor deck; 12
WebSocket clients in this process seal orders the moment each new turn reaches them. For
every turn it measures the latency from the last seal sent to the moment every client has
received the next turn, and at the end the host's resident memory; with `--browsers`, it
then opens 12 headless Chromium tabs on the browser app and measures memory again (the host
plus the app processes it started, one per tab).
Run `.venv/bin/python benchmarks/host.py [--backend sqlite|postgresql|both] [--turns 50] [--browsers]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.net.client import Client

SEATS = 12


def bench_deck(seats: int, turns: int) -> str:
    """A deck with `seats` actors and three moves each (one secret), that lasts `turns`."""
    lines = [
        "[deck]", 'id = "bench"', 'title = "Benchmark: twelve capitals"', "version = 1", f"turns = {turns}",
        'turn_name = "round"', 'summary = "Load test."', "",
        "[tracks.tension]", 'label = "Tension"', "min = 0", "max = 1000", "start = 10", "",
        "[actor_tracks.standing]", 'label = "Standing"', "min = 0", "max = 100", "start = 50", "",
        "[actor_tracks.intel]", 'label = "Intelligence"', "min = 0", "max = 100", "start = 0", "secret = true", "",
    ]
    for i in range(seats):
        a = f"a{i}"
        lines += [f"[actors.{a}]", f'name = "Capital {i}"', "orders_per_turn = 2", 'brief = "Hold on."',
                  f'objectives = [{{ text = "Standing", when = "{a}.standing >= 50", points = 1 }}]', ""]
    for i in range(seats):
        a = f"a{i}"
        lines += [
            "[[moves]]", f'id = "{a}-press"', f'actor = "{a}"', 'name = "Press"', 'category = "military"', "escalation = 2",
            f'always = {{ effects = ["tension += 1", "{a}.standing += 1"], news = "Capital {i} presses." }}', "",
            "[[moves]]", f'id = "{a}-calm"', f'actor = "{a}"', 'name = "Calm"', 'category = "diplomatic"', "escalation = -1",
            'chance = "0.7"', 'success = { effects = ["tension -= 1"] }', "",
            "[[moves]]", f'id = "{a}-spy"', f'actor = "{a}"', 'name = "Watch"', 'category = "information"', "escalation = 0",
            'visibility = "secret"', "detection = 0.2", f'always = {{ effects = ["{a}.intel += 1"] }}', "",
        ]
    lines += ["[[endings]]", 'id = "time"', 'title = "Time"', "turn_limit = true", 'text = "The rounds are over."', ""]
    return "\n".join(lines)


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(m.group(1)) if m else 0


def descendants(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for c in map(int, children):
            out += [c, *descendants(c)]
    return out


def start_host(deck: Path, store: str, cwd: Path) -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "wargame", "host", str(deck), "--no-facilitator", "--port", "0", "--store", store, "--exercise", "bench", "--seed", "1"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    url, codes = "", {}
    for line in proc.stdout:
        if m := re.search(r"wargame join (http://\S+) --code", line):
            url = m.group(1)
        if m := re.match(r"  (Capital \d+)\s+(\S{4}-\S{4}-\S{4})$", line.rstrip()):
            codes[m.group(1)] = m.group(2)
        if line.startswith("Press Ctrl+C"):
            break
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/api/v1/info", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return proc, url, codes


async def play(url: str, codes: dict[str, str], turns: int) -> list[float]:
    """Every seat seals as soon as a turn reaches it; latency per turn: last seal -> all updated."""
    clients = []
    for code in codes.values():
        c = Client(url)
        await c.connect(code)
        clients.append(c)
    sealed_at: dict[int, list[float]] = {}
    updated_at: dict[int, list[float]] = {}

    async def seat(c: Client, rng: random.Random) -> None:
        done_turn = 0
        sent_turn = 0
        while True:
            msg = await c.next(120)
            if msg.get("type") != "state":
                continue
            view = msg["view"]
            now = time.perf_counter()
            if view["turn"] > 1 or view["over"]:
                resolved = len(view["turns_resolved"])
                if resolved > done_turn:
                    updated_at.setdefault(resolved, []).append(now)
                    done_turn = resolved
            if view["over"]:
                return
            if not msg["sealed"] and view["turn"] > sent_turn:
                sent_turn = view["turn"]
                moves = [m["id"] for m in view["moves"] if m["available"]]
                orders = rng.sample(moves, min(2, len(moves)))
                sealed_at.setdefault(view["turn"], []).append(time.perf_counter())
                await c.send({"v": 1, "type": "orders", "turn": view["turn"], "orders": orders})

    await asyncio.gather(*(seat(c, random.Random(i)) for i, c in enumerate(clients)))
    for c in clients:
        await c.close()
    out = []
    for turn in range(1, turns + 1):
        if len(updated_at.get(turn, [])) == len(codes) and turn in sealed_at:
            out.append(max(updated_at[turn]) - max(sealed_at[turn]))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def browsers(url: str, host_pid: int, n: int) -> str:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "skipped (Playwright is not installed)"
    if not Path("/usr/bin/chromium").exists():
        return "skipped (no /usr/bin/chromium)"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        pages = [b.new_page(viewport={"width": 1280, "height": 800}) for _ in range(n)]
        for page in pages:
            page.goto(url + "/")
        time.sleep(10)  # every tab's app process starts and draws the code prompt
        host = rss_kb(host_pid)
        apps = descendants(host_pid)
        app_rss = sum(rss_kb(pid) for pid in apps)
        b.close()
    return f"host {host / 1024:.0f} MiB; {len(apps)} app processes, {app_rss / 1024:.0f} MiB together ({app_rss / 1024 / max(1, len(apps)):.0f} MiB each)"


def run(backend: str, turns: int, with_browsers: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        deck = folder / "bench.toml"
        deck.write_text(bench_deck(SEATS, turns))
        cluster = None
        if backend == "sqlite":
            store = str(folder / "s.sqlite3")
        else:
            from tests.net.pgcluster import PgUnavailable, start_cluster

            try:
                cluster = start_cluster(durable=True)
            except PgUnavailable as exc:
                print(f"postgresql: skipped ({exc})")
                return
            store = cluster.create_schema("bench")
        proc, url, codes = start_host(deck, store, folder)
        try:
            t0 = time.perf_counter()
            latencies = asyncio.run(play(url, codes, turns))
            wall = time.perf_counter() - t0
            rss = rss_kb(proc.pid)
            peak = rss_kb(proc.pid, "VmHWM")
            print(
                f"{backend}: {SEATS} seats, {len(latencies)} turns in {wall:.1f} s; turn resolution (last seal -> all {SEATS} updated): "
                f"median {statistics.median(latencies) * 1000:.1f} ms, p99 {pct(latencies, 99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms; "
                f"host RSS {rss / 1024:.0f} MiB (peak {peak / 1024:.0f} MiB)"
            )
            if with_browsers:
                print(f"{backend}: with {SEATS} browser tabs open: {browsers(url, proc.pid, SEATS)}")
        finally:
            proc.terminate()
            proc.wait()
            if cluster is not None:
                cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--browsers", action="store_true", help="also open 12 headless Chromium tabs and measure memory")
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus")
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        run(backend, args.turns, args.browsers)


if __name__ == "__main__":
    main()
