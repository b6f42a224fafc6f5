"""A game over the network as the screens reach it: `RemoteClient`, the `GameClient` of
one role of a hosted exercise (a team's seat, the facilitator's console, the projector).

It keeps only what the host sent this role (its `Observation` and the room), so nothing
secret is on this machine, sends the same typed commands a local game takes, and rejoins
on its own when the connection drops (a closed laptop, a restarted host).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Literal

from wargame.errors import WargameError
from wargame.net.client import Client, HostError
from wargame.net.store.base import FACILITATOR, PROJECTOR
from wargame.observe.model import Observation, RoomInfo
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.commands import GameCommand, Reply

__all__ = ["RETRY", "RemoteClient", "Status"]

RETRY = (1.0, 2.0, 3.0, 5.0)
"""Seconds between attempts to rejoin after the connection drops (the last repeats)."""

Status = Literal["joined", "rejoined", "lost", "refused", "closed", "message"]


class RemoteClient:
    """One role of a hosted exercise, over its WebSocket. `run()` connects and keeps the
    connection (rejoining with the same code after a drop) until the host refuses the
    code or closes the connection; `on_status(kind, text)` says what happened."""

    hosted = True

    def __init__(
        self, url: str, code: str, on_status: Callable[[Status, str], None] | None = None, *, clock: Callable[[], float] = time.monotonic,
        name: str = "",
    ) -> None:
        self.url = url
        self.code = code
        self.name = name
        """The team member's display name (a seat shared by a team), or empty."""
        self.on_status = on_status or (lambda kind, text: None)
        self.clock = clock
        self.role = ""
        """`seat`, `facilitator` or `projector`, once joined."""
        self.seat: str | None = None
        self.member = ""
        """The display name the host kept for this team member (empty: no team)."""
        self._client: Client | None = None
        self._observation: Observation | None = None
        self._room: RoomInfo | None = None
        self._room_at = 0.0
        self._listeners: list[Callable[[], None]] = []
        self._replies: deque[asyncio.Future[Reply]] = deque()
        self._closed = False

    # -- the GameClient interface -------------------------------------------------------
    @property
    def viewer(self) -> Viewer:
        if self.role == FACILITATOR:
            return FACILITATOR_VIEWER
        if self.role == PROJECTOR or self.seat is None:
            return PUBLIC
        return Viewer.seat(self.seat)

    def viewers(self) -> list[Viewer]:
        return [self.viewer]

    @property
    def ready(self) -> bool:
        """The host has sent this role its first observation."""
        return self._observation is not None

    def observe(self, viewer: Viewer) -> Observation:
        if viewer != self.viewer:
            raise WargameError(f"this client holds only the view of {self.viewer}, not of {viewer}")
        if self._observation is None:
            raise WargameError("nothing from the host yet")
        room = self._room
        if room is not None and room.countdown is not None and room.countdown_running:
            # The host sent the time left when it sent the room; it runs on here between updates.
            left = max(0.0, room.countdown - (self.clock() - self._room_at))
            room = room.model_copy(update={"countdown": left})
        return self._observation.model_copy(update={"room": room})

    async def send(self, command: GameCommand, role: str = "") -> Reply:
        client = self._client
        if client is None:
            return Reply(ok=False, of=command.type, message="Not connected to the host right now: try again in a moment.")
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._replies.append(future)
        try:
            await client.send(command.model_dump(mode="json", exclude_none=False))
        except (HostError, ConnectionError) as exc:
            self._replies.remove(future)
            return Reply(ok=False, of=command.type, message=f"Could not send: {exc}")
        try:
            return await asyncio.wait_for(future, 30)
        except TimeoutError:
            return Reply(ok=False, of=command.type, message="The host did not answer in time.")

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def close(self) -> None:
        self._closed = True

    # -- the connection ----------------------------------------------------------------
    async def run(self) -> None:
        """Join with the code, then take in everything the host pushes; rejoin on a drop."""
        attempt = 0
        joined = False
        while not self._closed:
            client = Client(self.url)
            try:
                welcome = await client.connect(self.code, name=self.name)
            except HostError as exc:
                await client.close()
                unreachable = any(w in str(exc) for w in ("cannot reach", "did not answer", "closed"))
                if not joined or not unreachable:
                    # A first join that fails goes back to the code (a wrong address or code);
                    # after a drop, only a refused code stops the rejoining.
                    self.on_status("refused", str(exc))
                    return
                attempt += 1
                self.on_status("lost", f"Connection lost: rejoining (attempt {attempt})…")
                await asyncio.sleep(RETRY[min(attempt, len(RETRY)) - 1])
                continue
            self.role = str(welcome.get("role", ""))
            self.seat = welcome.get("seat")
            self.member = str(welcome.get("member") or "")
            self._client = client
            self.on_status("rejoined" if joined else "joined", "")
            joined, attempt = True, 0
            try:
                while True:
                    msg = await client.next()
                    if self._take(msg):
                        return
            except HostError:
                self._fail_pending("the connection to the host closed")
                if self._closed:
                    return
                self.on_status("lost", "Connection lost: rejoining…")
            finally:
                # However this connection ends (closed by the host, dropped, or the app
                # quitting and cancelling us), the host is told now and nothing is left open.
                self._client = None
                await asyncio.shield(client.close())
            await asyncio.sleep(RETRY[0])

    def _take(self, msg: dict[str, Any]) -> bool:
        """Take in one message from the host; True when the host closed this connection."""
        kind = msg.get("type")
        if kind == "state":
            if "observation" in msg:
                self._observation = Observation.model_validate(msg["observation"])
            if "room" in msg:
                self._room = RoomInfo.model_validate(msg["room"])
                self._room_at = self.clock()
            for fn in list(self._listeners):
                fn()
        elif kind in {"ok", "error", "code"}:
            reply = Reply(ok=kind != "error", of=str(msg.get("of", kind)), message=str(msg.get("message", "")),
                          code=msg.get("code"), role=msg.get("role"))
            if self._replies:
                future = self._replies.popleft()
                if not future.done():
                    future.set_result(reply)
            elif kind == "error":
                self.on_status("message", reply.message)
        elif kind == "closed" and msg.get("rejoin") is True:
            # The host is stopping in good order (to be restarted): come back as after a drop.
            raise HostError(str(msg.get("message", "the host stopped")))
        elif kind == "closed":
            self._fail_pending(str(msg.get("message", "the host closed the connection")))
            self.on_status("closed", str(msg.get("message", "the host closed the connection")))
            return True
        return False

    def _fail_pending(self, why: str) -> None:
        while self._replies:
            future = self._replies.popleft()
            if not future.done():
                future.set_result(Reply(ok=False, of="", message=f"Not sent: {why}."))
