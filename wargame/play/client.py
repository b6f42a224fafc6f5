"""The one seam between the screens and a game: a `GameClient`, in-process or remote.

The terminal UI shows a game only through this interface. `LocalClient` wraps a `Session`
in this process (solo, hot-seat, a facilitated class on one keyboard); the network client
(`wargame.net.remote.RemoteClient`) talks to `wargame host` for one seat, the facilitator
or the projector. Both hand the screens an `Observation` and take the same typed
commands, so one set of screens serves every way of playing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from wargame.observe.model import Observation
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.commands import GameCommand, Reply
from wargame.play.control import BotJob, Session

__all__ = ["GameClient", "LocalClient", "Spawn"]

Spawn = Callable[[Callable[[], None]], None]
"""Runs a function in a worker thread (the UI's own, so it can wait for them)."""


class GameClient(Protocol):
    """A game as the screens reach it."""

    hosted: bool
    """A hosted exercise (codes, connections) rather than a game on this keyboard."""
    member: str
    """The team member this client plays as (a seat shared by named members), or empty."""

    def viewers(self) -> list[Viewer]:
        """Whose observations this client may ask for: every viewer of a local game, the
        one role a join code opened over the network."""
        ...

    def observe(self, viewer: Viewer) -> Observation:
        """What `viewer` may know now (the latest the host sent, over the network)."""
        ...

    async def send(self, command: GameCommand, role: str) -> Reply:
        """Carry out `command` as `role` (an actor, or `facilitator`)."""
        ...

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call `listener` (from any thread) whenever anything changed."""
        ...

    def close(self) -> None: ...


class LocalClient:
    """A game in this process. Computer seats decide in worker threads (`spawn`) as soon
    as a turn needs them; every change reaches the subscribers."""

    hosted = False
    member = ""

    def __init__(self, session: Session, spawn: Spawn | None = None) -> None:
        self.session = session
        self._spawn = spawn or _thread
        self._listeners: list[Callable[[], None]] = []
        self._closed = False
        session.listeners.append(self._changed)

    def viewers(self) -> list[Viewer]:
        return [FACILITATOR_VIEWER, PUBLIC, *(Viewer.seat(a) for a in self.session.deck.actors)]

    def observe(self, viewer: Viewer) -> Observation:
        return self.session.observe(viewer)

    async def send(self, command: GameCommand, role: str) -> Reply:
        return self.session.apply(role, command)

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def close(self) -> None:
        self._closed = True
        if self._changed in self.session.listeners:
            self.session.listeners.remove(self._changed)

    def start(self) -> None:
        """Let the computer seats decide (call once the screens are listening)."""
        self.run_bots()

    def run_bots(self) -> None:
        for job in self.session.bot_jobs():
            self._spawn(lambda job=job: self._think(job))  # type: ignore[misc]
        odds = self.session.odds_job()
        if odds is not None:  # the facilitator's live odds, off the UI thread
            self._spawn(lambda: self.session.odds_done(odds, odds.safe_run()))

    def _think(self, job: BotJob) -> None:
        try:
            decision = job.run()
        except Exception as exc:  # noqa: BLE001 - a computer's failure stands the seat pat and is told, never fatal
            from wargame.errors import WargameError

            self.session.bot_decided(job, None, exc if isinstance(exc, WargameError) else WargameError(f"{job.bot.label} failed: {exc!r}"))
            return
        self.session.bot_decided(job, decision)

    def _changed(self) -> None:
        if self._closed:
            return
        for fn in list(self._listeners):
            fn()
        self.run_bots()

    # -- what only a game on this keyboard has -------------------------------------------
    @property
    def save_path(self) -> Path | None:
        return self.session.save_path


def _thread(fn: Callable[[], None]) -> None:
    threading.Thread(target=fn, daemon=True).start()
