"""`wargame host` run as a child process for tests, with the URL and codes it printed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


class HostProcess:
    """`wargame host` in a child process; `codes`, `projector_code` and `url` as it printed them."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.args, self.cwd = args, cwd
        self.codes: dict[str, str] = {}
        self.projector = ""
        """The projector's page with its code, as printed (empty on a restart)."""
        self.url = ""
        self.banner = ""
        """Everything the host printed before it served."""
        self.start()

    def start(self) -> None:
        self.codes = {}
        self.projector = ""
        self.projector_code = ""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "wargame", "host", *self.args], cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert self.proc.stdout is not None
        lines = []
        for line in self.proc.stdout:
            lines.append(line)
            if m := re.search(r"wargame join (http://\S+) --code", line):
                self.url = m.group(1)
            if m := re.search(r"Projector \(public\):\s+(http://\S+/projector\?code=([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}))$", line.rstrip("\n")):
                self.projector, self.projector_code = m.group(1), m.group(2)
            if m := re.match(r"  (\w[\w ]*?)\s{2,}([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})$", line.rstrip("\n")):
                self.codes[m.group(1).strip()] = m.group(2)
            if line.startswith("Press Ctrl+C"):
                self.banner = "".join(lines)
                break
        else:
            raise AssertionError("the host did not start:\n" + "".join(lines))
        deadline = time.monotonic() + 20
        while True:  # wait for the port to accept connections
            try:
                urllib.request.urlopen(self.url + "/api/v1/info", timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
