"""Who holds a hosted exercise: one host at a time, by a lease kept in the store.

A host names itself by machine, process id and process start time (`Holder`), takes the
exercise's lease before it changes anything, renews it while it runs and gives it back
when it stops. A lease lapses `ttl` seconds after it was last renewed; a holder on this
machine whose process is gone (killed with `kill -9`, say) has let it go at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

LEASE_TTL_S = 30.0
"""How long a lease lasts without renewal (a host renews every third of it)."""


@dataclass(frozen=True, slots=True)
class Holder:
    """A host process, named so a person can find it: machine, process id, start time."""

    host: str
    pid: int
    started: dt.datetime
    """When the process started (UTC), so a process id used again later is not mistaken for it."""

    @classmethod
    def this_process(cls) -> Holder:
        return cls(socket.gethostname(), os.getpid(), process_started(os.getpid()) or _IMPORTED)

    def to_json(self) -> str:
        return json.dumps({"host": self.host, "pid": self.pid, "started": self.started.isoformat()}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Holder:
        try:
            data = json.loads(text)
            return cls(str(data["host"]), int(data["pid"]), dt.datetime.fromisoformat(str(data["started"])))
        except (ValueError, KeyError, TypeError):
            return cls("an unknown machine", 0, _EPOCH)

    def __str__(self) -> str:
        return f"the host on {self.host} (pid {self.pid}, started {self.started:%Y-%m-%d %H:%M:%S} UTC)"

    def is_gone(self) -> bool:
        """True if this holder is a process on this machine that is no longer running (or
        whose process id now belongs to a later process). A holder on another machine is
        never known to be gone: its lease must lapse."""
        if self.host != socket.gethostname() or self.pid <= 0:
            return False
        if self.pid == os.getpid():
            return self != Holder.this_process()
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # running, as another user
        started = process_started(self.pid)
        return started is not None and abs((started - self.started).total_seconds()) > 2


@dataclass(frozen=True, slots=True)
class Lease:
    """An exercise held by `holder` until `expires` unless renewed. `token` grows with every
    new holder, so a write by a host that has lost its lease is recognised and refused."""

    exercise_id: str
    holder: Holder
    token: int
    renewed: dt.datetime
    expires: dt.datetime

    def live(self, now: dt.datetime) -> bool:
        """Whether the lease still holds the exercise at `now`."""
        return now < self.expires and not self.holder.is_gone()


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_IMPORTED = dt.datetime.now(dt.UTC).replace(microsecond=0)
"""Where the process start time cannot be read (not Linux), when wargame was first imported."""


def process_started(pid: int) -> dt.datetime | None:
    """When process `pid` started, from /proc on Linux (to the second); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime "))
        # The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    seconds = boot + ticks / os.sysconf("SC_CLK_TCK")
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC)
