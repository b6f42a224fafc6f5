"""How fast `wargame play` opens, and how much memory the terminal UI holds.

Runs the real command in a pseudo-terminal (as a person's terminal would), times launch
to the first interactive screen (the start menu drawn), reads the process's resident
memory there and again once a korea-2022 game is on its first orders screen, then quits.
Targets: under 1 s to the first screen, under 150 MB resident.

    .venv/bin/python benchmarks/tui_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLS, ROWS = 100, 30


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Terminal:
    """The app running in a pseudo-terminal of COLS × ROWS."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the app
            os.chdir(cwd)
            os.environ["TERM"] = "xterm-256color"
            os.execv(sys.executable, [sys.executable, *args])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.seen = b""

    def wait_for(self, text: str, timeout: float = 30.0) -> float:
        """Read output until `text` has been drawn; the time it appeared."""
        needle = text.encode()
        end = time.perf_counter() + timeout
        while needle not in self.seen:
            left = end - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{text!r} never appeared")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:
                    raise RuntimeError("the app exited early") from None
        return time.perf_counter()

    def send(self, keys: str) -> None:
        self.seen = b""
        os.write(self.fd, keys.encode())

    def close(self) -> None:
        try:
            os.kill(self.pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def one_run(saves: Path) -> tuple[float, float, float]:
    args = ["-m", "wargame", "play", str(ROOT / "decks" / "korea-2022.toml"), "--save-dir", str(saves)]
    start = time.perf_counter()
    term = Terminal(args, ROOT)
    try:
        shown = term.wait_for("oad a save")
        first_screen = shown - start
        at_start = rss_mb(term.pid)
        term.send("n")
        term.wait_for("Start game")
        term.send("\x13")  # ctrl+s: start the game with the default seats (a solo game)
        term.wait_for("Review & confirm")
        in_game = rss_mb(term.pid)
        term.send("\x11")  # ctrl+q, then confirm
        term.wait_for("Quit the game?")
        term.send("y")
        os.waitpid(term.pid, 0)
        term.pid = 0
    finally:
        if term.pid:
            term.close()
        else:
            os.close(term.fd)
    return first_screen, at_start, in_game


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            results.append(one_run(Path(tmp) / f"saves{i}"))
    starts = [r[0] for r in results]
    print(f"wargame play: launch to first interactive screen, {runs} runs in a {COLS}x{ROWS} pty")
    print(f"  median {statistics.median(starts) * 1000:.0f} ms, best {min(starts) * 1000:.0f} ms, worst {max(starts) * 1000:.0f} ms (target < 1000 ms)")
    print(f"  resident memory at the start menu: {statistics.median(r[1] for r in results):.0f} MB (target < 150 MB)")
    print(f"  resident memory on the first orders screen of korea-2022: {statistics.median(r[2] for r in results):.0f} MB")


if __name__ == "__main__":
    main()
