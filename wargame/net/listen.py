"""Listening behind the gate: every TCP connection passes `Gate.admit` before aiohttp sees a
byte of it, so a flood of idle sockets is refused in one line each instead of holding the
host's file handles until its real seats are locked out.

aiohttp's own sites hand connections straight to its handler; `GuardedSite` puts a small
protocol in front that asks the gate, answers a refused connection with one 503 line and
closes it at once, and tells the gate when an admitted connection ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web

from wargame.net.guard import Gate, RefusalLog, Visitor


class _Gatekeeper(asyncio.Protocol):
    """Stands in front of aiohttp's handler for one TCP connection."""

    def __init__(self, gate: Gate, refusals: RefusalLog, visitors: dict[object, Visitor], make_handler: Callable[[], asyncio.Protocol]) -> None:
        self.gate = gate
        self.refusals = refusals
        self.visitors = visitors
        self.make_handler = make_handler
        self.handler: asyncio.Protocol | None = None
        self.visitor: Visitor | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"
        admitted = self.gate.admit(address, transport.close)
        if isinstance(admitted, str):
            self.refusals.refused(address, admitted)
            body = f"the host is busy: {admitted}; try again in a few seconds\n".encode()
            transport.write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                + b"Retry-After: 5\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            transport.close()
            return
        self.visitor = admitted
        self.visitors[transport] = admitted
        self.handler = self.make_handler()
        self.handler.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self.handler is not None:
            self.handler.data_received(data)

    def eof_received(self) -> bool | None:
        return self.handler.eof_received() if self.handler is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        if self.visitor is not None:
            self.gate.left(self.visitor)
            self.visitors.pop(self.transport, None)
        if self.handler is not None:
            self.handler.connection_lost(exc)

    def pause_writing(self) -> None:
        if self.handler is not None:
            self.handler.pause_writing()

    def resume_writing(self) -> None:
        if self.handler is not None:
            self.handler.resume_writing()


class GuardedSite(web.BaseSite):
    """A TCP site whose every connection passes `gate` first; `visitors` maps each admitted
    connection's transport to its `Visitor` (a request finds its own through it)."""

    def __init__(self, runner: web.AppRunner, gate: Gate, refusals: RefusalLog, visitors: dict[object, Visitor], bind: str, port: int) -> None:
        super().__init__(runner, backlog=64)  # a smaller burst of accepted sockets before the gate sees them
        self._gate, self._refusals, self._visitors = gate, refusals, visitors
        self._bind, self._port = bind, port

    @property
    def name(self) -> str:
        return f"http://{self._bind}:{self._port}"

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose, for port 0)."""
        sockets = getattr(self._server, "sockets", None) or []
        return int(sockets[0].getsockname()[1]) if sockets else self._port

    async def start(self) -> None:
        await super().start()
        loop = asyncio.get_running_loop()
        server = self._runner.server
        assert server is not None
        self._server = await loop.create_server(
            lambda: _Gatekeeper(self._gate, self._refusals, self._visitors, server), self._bind, self._port, backlog=self._backlog, reuse_address=True
        )
