"""A misbehaving laptop against `wargame host`: idle sockets, WebSockets that never say
hello, a seat reconnecting in a loop, and browser-app sockets without a code; then the real
teams and the facilitator join from another address. Prints what the attacker held, what
was refused, how long the real seats took to get in, the host's open files and memory, and
the lines the host printed (with any traceback counted).

The host runs as its own process with a low open-file limit (a laptop's 256 by default);
the attacker connects from 127.0.0.2 (Linux routes all of 127/8 to this machine), the
teams from 127.0.0.1.
Run `.venv/bin/python benchmarks/host_flood.py [--sockets 300] [--files 256] [--mode tcp|ws|reconnect|tabs|all]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wargame.net.client import Client, HostError

ATTACKER = "127.0.0.2"
ATTACKERS = [ATTACKER]
"""Where the flood comes from (`--addresses N`: 127.0.0.2 and the N - 1 after it, in turn)."""


def start_host(workdir: Path, files: int) -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    # `ulimit -n` as a laptop's shell sets it (soft and hard), then the host itself.
    command = [sys.executable, "-m", "wargame", "host", "tutorial", "--port", "0", "--store", str(workdir / "s.sqlite3"), "--exercise", "flood"]
    proc = subprocess.Popen(
        ["sh", "-c", f'ulimit -n {int(files)} && exec "$0" "$@"', *command],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    url, codes = "", {}
    for line in proc.stdout:
        if m := re.search(r"wargame join (http://\S+) --code", line):
            url = m.group(1)
        if m := re.match(r"  (\w[\w ]*?)\s{2,}([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})$", line.rstrip("\n")):
            codes[m.group(1).strip()] = m.group(2)
        if m := re.search(r"/projector\?code=(\S+)$", line.rstrip("\n")):
            codes["Projector"] = m.group(1)
        if line.startswith("Press Ctrl+C"):
            break
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/api/v1/info", timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, url, codes


def open_files(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def children(pid: int) -> list[int]:
    """The processes `pid` started (its browser tabs' apps), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def flood(url: str, mode: str, count: int, codes: dict[str, str]) -> tuple[list[object], dict[str, int]]:
    """Open `count` sockets of one kind from the attacker's address; what is held and tallies."""
    host, port = url.split("//")[1].split(":")
    held: list[object] = []
    tally = {"held": 0, "refused": 0, "failed": 0}
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, local_addr=(ATTACKER, 0)))
    held.append(session)

    async def one() -> None:
        if mode == "tcp":
            source = ATTACKERS[len(readers) % len(ATTACKERS)]
            reader, writer = await asyncio.open_connection(host, int(port), local_addr=(source, 0))
            held.append(writer)
            readers.append(reader)
        elif mode == "ws":
            held.append(await session.ws_connect(url.replace("http", "ws") + "/api/v1/ws"))
        elif mode == "tabs":
            held.append(await session.ws_connect(url.replace("http", "ws") + "/ws"))
        elif mode == "reconnect":
            client = Client(url)
            try:
                await client.connect(codes["Blue"])
            finally:
                await client.close()

    readers: list[asyncio.StreamReader] = []
    for _ in range(count):
        try:
            await asyncio.wait_for(one(), 10)
            tally["held"] += 1
        except (aiohttp.WSServerHandshakeError, HostError):
            tally["refused"] += 1
        except (OSError, TimeoutError, aiohttp.ClientError):
            tally["failed"] += 1  # no answer within 10 s, or the connection was cut
    if readers:
        # A socket the host refused was answered with one 503 line and closed at once.
        await asyncio.sleep(0.5)
        answered = 0
        for reader in readers:
            try:
                answered += (await asyncio.wait_for(reader.read(), 0.05)).startswith(b"HTTP/1.1 503")
            except TimeoutError:
                pass
        tally["held"] -= answered
        tally["refused"] += answered
    return held, tally


async def real_seats(url: str, codes: dict[str, str]) -> list[str]:
    results = []
    for name in ("Red", "Facilitator"):
        start = time.perf_counter()
        client = Client(url)
        try:
            welcome = await asyncio.wait_for(client.connect(codes[name], timeout=30), 60)
            results.append(f"{name} got in ({welcome['role']}) after {1000 * (time.perf_counter() - start):.0f} ms")
        except TimeoutError:
            results.append(f"{name} had no answer within 60 s")
        except HostError as exc:
            results.append(f"{name} was refused after {1000 * (time.perf_counter() - start):.0f} ms: {exc}")
        finally:
            await client.close()
    return results


async def release(held: list[object]) -> None:
    for thing in held:
        if isinstance(thing, asyncio.StreamWriter):
            thing.close()
        elif isinstance(thing, aiohttp.ClientWebSocketResponse | aiohttp.ClientSession):
            await thing.close()


def run(mode: str, sockets: int, files: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url, codes = start_host(Path(tmp), files)
        try:
            before = open_files(proc.pid)

            async def attack() -> None:
                # The projector's screen, from the teams' side, counts what a flood costs it.
                screen = aiohttp.ClientSession()
                ws = await screen.ws_connect(url.replace("http", "ws") + "/api/v1/ws")
                await ws.send_json({"v": 1, "type": "hello", "code": codes["Projector"]})
                received = [0, 0]

                async def watch() -> None:
                    async for msg in ws:
                        if msg.type == aiohttp.WSMsgType.TEXT and '"type":"state"' in msg.data:
                            received[0] += 1
                            received[1] += len(msg.data)

                watcher = asyncio.ensure_future(watch())
                await asyncio.sleep(0.5)
                base = list(received)
                start = time.perf_counter()
                held, tally = await flood(url, mode, sockets, codes)
                took = time.perf_counter() - start
                await asyncio.sleep(0.5)
                states, size = received[0] - base[0], received[1] - base[1]
                during = open_files(proc.pid)
                seats = await real_seats(url, codes)
                print(flush=True)
                where = ATTACKER if len(ATTACKERS) == 1 else f"{len(ATTACKERS)} addresses"
                print(f"{mode}: {sockets} attempts from {where} in {took:.1f} s: {tally['held']} held, {tally['refused']} refused, {tally['failed']} failed to connect")
                tabs = children(proc.pid)
                print(f"  host: {before} open files before, {during} during (limit {files}); RSS {rss_mib(proc.pid):.0f} MiB, "
                      f"{len(tabs)} tab processes ({sum(rss_mib(t) for t in tabs):.0f} MiB)")
                print(f"  the projector was sent {states} states ({size / 1e6:.2f} MB) meanwhile")
                for line in seats:
                    print(f"  {line}")
                await release(held)
                watcher.cancel()
                await ws.close()
                await screen.close()

            asyncio.run(attack())
        finally:
            proc.terminate()
            out, _ = proc.communicate(timeout=30)
        lines = [ln for ln in out.splitlines() if ln.strip()]
        print(f"  the host printed {len(lines)} lines, {sum('Traceback' in ln for ln in lines)} tracebacks:")
        for ln in lines[:6]:
            print(f"    {ln}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=300)
    parser.add_argument("--files", type=int, default=256, help="the host's open-file limit (ulimit -n)")
    parser.add_argument("--mode", choices=["tcp", "ws", "reconnect", "tabs", "all"], default="all")
    parser.add_argument("--addresses", type=int, default=1, help="idle TCP sockets come from this many addresses (127.0.0.2, ...)")
    args = parser.parse_args()
    ATTACKERS[:] = [f"127.0.0.{2 + i}" for i in range(max(1, min(args.addresses, 250)))]
    for mode in ["tcp", "ws", "reconnect", "tabs"] if args.mode == "all" else [args.mode]:
        run(mode, args.sockets, args.files)


if __name__ == "__main__":
    main()
