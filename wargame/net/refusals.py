"""Why the host turns someone away for now, beyond a wrong code (`exercise.AccessError`):
too fast, no room, or the role open elsewhere. Raised by the host (`server.py`) and
answered by the browser app (`tabs.py`), each with its own HTTP status.
"""

from __future__ import annotations

from wargame.net.exercise import AccessError

__all__ = ["DeviceBusy", "RoomFull", "SlowDown"]


class SlowDown(AccessError):
    """Refused for now: too many attempts or requests; `wait` seconds until the next is let in."""

    def __init__(self, message: str, wait: float) -> None:
        self.wait = wait
        super().__init__(message)


class RoomFull(SlowDown):
    """No place for another browser tab (`Limits.tabs_total`, or the projector's share)."""


class DeviceBusy(AccessError):
    """The role is open on another device (another WebSocket, browser or HTTP client)."""
