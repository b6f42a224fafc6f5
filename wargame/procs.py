"""Worker processes end with the process that started them.

A pool's workers are forked children: when `wargame simulate` is stopped by a signal they
would run on, orphaned, with any program they seated. On Linux each worker asks the kernel
for SIGTERM when its parent dies, which ends it (and, through `bots.agent`, its programs).
A host's browser tabs are `wargame join` processes: the host names itself in their
environment (`END_WITH_ENV`), and each asks the same of the kernel as it starts.
"""

from __future__ import annotations

import os
import signal
import sys


def end_with_parent(parent: int) -> None:
    """In a worker started by process `parent`: receive SIGTERM when the parent dies.

    Linux only (elsewhere nothing is done). Call it first thing in a pool's initializer."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before we asked: no signal will come
        os.kill(os.getpid(), signal.SIGTERM)


END_WITH_ENV = "WARGAME_END_WITH"
"""Set by a host in the environment of a process it starts (a browser tab's `wargame
join`) to its own process id: the process ends when the host dies."""


def end_with_starter() -> None:
    """In a process started with `END_WITH_ENV` set: receive SIGTERM when that process (its
    parent) dies, even a `kill -9`, and even while this one is quiet (a tab's app that writes
    nothing would never learn that its host is gone). The variable is taken out of the
    environment, so nothing this process starts inherits it; anything but a process id is
    ignored. Call it first thing."""
    text = os.environ.pop(END_WITH_ENV, "")
    if text.isdigit() and int(text) > 1:
        end_with_parent(int(text))
