"""A client of `wargame host`: opens a role with a join code and receives its pushed states.

Used by the terminal (and browser) app, the load benchmark and the tests. It speaks the
WebSocket API (docs/agent-protocol.md) and keeps no game state beyond the last message.
Everything the host sends is neutralised (`protocol.neutral`) before anyone reads it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from wargame.errors import WargameError
from wargame.net.protocol import neutral


class HostError(WargameError):
    """The host refused us, went away, or cannot be reached."""


def check_url(url: str) -> str:
    """A host URL such as `http://192.168.1.20:8000` (a bare host:port gets http://)."""
    text = url.strip().rstrip("/")
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise WargameError(f"'{url}' is not a host address: use the URL the host printed, e.g. http://192.168.1.20:8000")
    return text


def ws_url(url: str) -> str:
    return ("wss" if url.startswith("https") else "ws") + url[url.index(":"):] + "/api/v1/ws"


class Client:
    """One connection. `connect(code)` returns the welcome; `next()` the next message."""

    def __init__(self, url: str) -> None:
        self.url = check_url(url)
        self.session: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.welcome: dict[str, Any] = {}
        self.state: dict[str, Any] = {}

    async def connect(self, code: str, timeout: float = 10.0, *, name: str = "") -> dict[str, Any]:
        """Open the role `code` gives (as the team member `name`, when a team shares a seat)."""
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_connect=timeout))
        try:
            self.ws = await self.session.ws_connect(ws_url(self.url), heartbeat=10.0)
        except aiohttp.WSServerHandshakeError as exc:
            await self.close()
            if exc.status in {429, 503}:
                raise HostError(f"the host at {self.url} is busy (too many connections or attempts): try again in a few seconds") from None
            raise HostError(f"cannot reach the host at {self.url}: it answered {exc.status} {exc.message}") from None
        except (aiohttp.ClientError, OSError) as exc:
            await self.close()
            raise HostError(f"cannot reach the host at {self.url}: {exc}") from None
        try:
            await self.send({"v": 1, "type": "hello", "code": code, **({"name": name} if name else {})})
            first = await self.next(timeout)
        except (HostError, ConnectionError):
            await self.close()  # a host that closes or says nothing leaves no open session behind
            raise
        if first.get("type") != "welcome":
            await self.close()
            raise HostError(str(first.get("message", "the host refused the code")))
        self.welcome = first
        return first

    async def send(self, message: dict[str, Any]) -> None:
        if self.ws is None or self.ws.closed:
            raise HostError("not connected to the host")
        await self.ws.send_str(json.dumps(message))

    async def next(self, timeout: float | None = None) -> dict[str, Any]:
        """The next message from the host (states are remembered in `self.state`)."""
        if self.ws is None:
            raise HostError("not connected to the host")
        try:
            msg = await self.ws.receive(timeout=timeout)
        except TimeoutError:
            raise HostError("the host did not answer in time") from None
        if msg.type != aiohttp.WSMsgType.TEXT:
            raise HostError("the connection to the host closed")
        try:
            data = neutral(json.loads(msg.data))
        except ValueError:
            raise HostError("the host sent something that is not JSON") from None
        if not isinstance(data, dict):
            raise HostError("the host sent something that is not a message")
        if data.get("type") == "state":
            if "observation" not in data and "observation" in self.state:
                data = {**self.state, **data}  # only the room changed: the observation is as before
            self.state = data
        return data

    async def wait_for(self, pred: Any, timeout: float = 30.0) -> dict[str, Any]:
        """Messages until one satisfies `pred` (states and replies alike)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            left = end - loop.time()
            if left <= 0:
                raise HostError("timed out waiting for the host")
            data = await self.next(left)
            if pred(data):
                return data

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.session is not None:
            await self.session.close()
