"""Worker processes end with the process that started them.

A pool's workers are forked children: when `wargame simulate` is stopped by a signal they
would run on, orphaned, with any program they seated. On Linux each worker asks the kernel
for SIGTERM when its parent dies, which ends it (and, through `bots.agent`, its programs).
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
