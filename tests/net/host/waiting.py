"""Waiting in Pilot tests for what a live host sends to come true, with a generous
deadline (a busy machine is slow, never wrong) and no fixed sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(pilot: object, check: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Let the app run until `check()` holds; fail naming `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)  # type: ignore[attr-defined]
