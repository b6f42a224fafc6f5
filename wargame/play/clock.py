"""The facilitator's clock: a per-turn countdown and the pause.

Time always comes in as an argument (`now`, from a monotonic clock the caller owns), so
the rules here are tested without reading the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    """The facilitator's control of time in a game: the countdown and whether play is paused."""

    countdown: Countdown = field(default_factory=Countdown)
    paused: bool = False
