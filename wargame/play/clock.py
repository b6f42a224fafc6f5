"""The facilitator's clock: a per-turn countdown and the pause.

`Countdown` takes the time as an argument; `Clock` reads it from a clock function it is
given (`time.monotonic` unless a test or a replay gives another), so nothing here depends
on the wall clock in tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wargame.errors import WargameError


@dataclass
class Countdown:
    """The facilitator's per-turn countdown. Time comes in as an argument, so it is testable."""

    seconds: float = 0.0
    """The length of a turn's countdown; 0 when there is none."""
    deadline: float | None = None
    """Monotonic time the countdown ends; None when not running."""
    left_when_paused: float | None = None
    warned: set[int] = field(default_factory=set)
    """The warnings already given this turn (seconds left: 60, 0)."""

    @property
    def active(self) -> bool:
        return self.deadline is not None or self.left_when_paused is not None

    def start(self, seconds: float, now: float) -> None:
        if seconds <= 0:
            raise WargameError("a countdown needs a positive number of minutes")
        self.seconds = seconds
        self.deadline = now + seconds
        self.left_when_paused = None
        self.warned = set()

    def restart(self, now: float) -> None:
        """Start the next turn's countdown with the same length (if one was set)."""
        if self.seconds > 0 and self.active:
            self.start(self.seconds, now)

    def stop(self) -> None:
        self.deadline = None
        self.left_when_paused = None
        self.seconds = 0.0

    def pause(self, now: float) -> None:
        if self.deadline is not None:
            self.left_when_paused = max(0.0, self.deadline - now)
            self.deadline = None

    def resume(self, now: float) -> None:
        if self.left_when_paused is not None:
            self.deadline = now + self.left_when_paused
            self.left_when_paused = None

    def adjust(self, seconds: float, now: float) -> float:
        """Add time to this turn's countdown (take it away with a negative number), running
        or paused; never below none left. Later turns keep the countdown's length.

        A warning already given is given again if the time added puts it ahead once more
        (a minute left, then three added: the one-minute warning comes again). Returns the
        time left. Raises `WargameError` when there is no countdown."""
        left = self.left(now)
        if left is None:
            raise WargameError("no countdown is running: start one first")
        left = max(0.0, left + seconds)
        if self.left_when_paused is not None:
            self.left_when_paused = left
        else:
            self.deadline = now + left
        self.warned = {w for w in self.warned if left <= w}
        return left

    def left(self, now: float) -> float | None:
        if self.left_when_paused is not None:
            return self.left_when_paused
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - now)

    def due_warning(self, now: float) -> int | None:
        """60 when a minute is left, 0 when time is up: each at most once a turn."""
        left = self.left(now)
        if left is None or self.deadline is None:
            return None
        if left <= 0 and 0 not in self.warned:
            self.warned |= {0, 60}  # no one-minute warning once time is up
            return 0
        if left <= 60 and 60 not in self.warned and self.seconds > 60:
            self.warned.add(60)
            return 60
        return None


@dataclass
class Clock:
    """The facilitator's control of time in a game: the countdown and whether play is paused.

    `now` is the clock it reads (seconds, monotonic); tests give it a fake one.
    """

    countdown: Countdown = field(default_factory=Countdown)
    paused: bool = False
    now: Callable[[], float] = time.monotonic

    def start(self, seconds: float) -> None:
        self.countdown.start(seconds, self.now())

    def stop(self) -> None:
        self.countdown.stop()

    def restart(self) -> None:
        """The next turn's countdown, with the same length (if one was set)."""
        self.countdown.restart(self.now())

    def extend(self, seconds: float) -> None:
        """More time for this turn: the countdown runs on for `seconds` from now."""
        if seconds <= 0:
            raise WargameError("extend the countdown by a positive number of minutes")
        length = self.countdown.seconds
        self.countdown.start(seconds, self.now())
        self.countdown.seconds = max(length, seconds)

    def adjust(self, seconds: float) -> float:
        """More time (or less, with a negative number) for this turn only; see
        `Countdown.adjust`. The save keeps the time left (`snapshot`)."""
        return self.countdown.adjust(seconds, self.now())

    def pause(self) -> None:
        self.paused = True
        self.countdown.pause(self.now())

    def resume(self) -> None:
        self.paused = False
        self.countdown.resume(self.now())

    def left(self) -> float | None:
        return self.countdown.left(self.now())

    def due_warning(self) -> int | None:
        return self.countdown.due_warning(self.now())

    @property
    def expired(self) -> bool:
        """The countdown ran out and the turn has not been resolved yet."""
        left = self.left()
        return left is not None and left <= 0

    def snapshot(self) -> dict[str, Any] | None:
        """The countdown as the save keeps it: its length and the time left; None if none."""
        if not self.countdown.active:
            return None
        return {"seconds": self.countdown.seconds, "left": self.left(), "paused": self.paused}

    def restore(self, data: dict[str, Any] | None) -> None:
        """Set the countdown back as a save kept it: running on from the time that was
        left (paused if it was paused)."""
        if not data:
            return
        seconds = float(data.get("seconds") or 0)
        left = data.get("left")
        if seconds <= 0 or left is None:
            return
        self.countdown.start(seconds, self.now())
        self.countdown.deadline = self.now() + max(0.0, float(left))
        if data.get("paused"):
            self.pause()
