"""The host's web server (aiohttp): the JSON API, WebSocket pushes, the projector page, and
the Textual app served to browsers by textual-serve.

The API is a WebSocket at `/api/v1/ws` (a `hello` with a join code, then orders or the
facilitator's commands; the host pushes a fresh state to each client when anything
changes) and plain HTTP for simple agents (`GET /api/v1/view?after=N` waits for a change,
`POST /api/v1/orders`). Each client is sent only the state built for its own viewer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
import sys
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from aiohttp import WSMsgType, web

from wargame.errors import WargameError
from wargame.net.exercise import AccessError, BotJob, Exercise, Role
from wargame.net.protocol import (
    MAX_MESSAGE,
    Hello,
    Ping,
    ProtocolError,
    parse_message,
)
from wargame.net.store.base import FACILITATOR, PROJECTOR
from wargame.report.data import build_report
from wargame.report.templates import render_report

log = logging.getLogger("wargame.host")
HELLO_TIMEOUT = 60.0
LONG_POLL = 50.0
"""Seconds an HTTP `view?after=N` waits for a change before answering with the same state."""


@dataclass(eq=False)
class Connection:
    """One live WebSocket client and the role its code opened."""

    ws: web.WebSocketResponse
    role: Role
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    sent: int = -1
    """The exercise version last sent to this client."""
    view_key: tuple[object, ...] = ()
    """The moment of the view last sent (a seat's client keeps it until it changes)."""


class Host:
    """Serves one `Exercise`. All game changes happen on the event loop thread; computer
    seats decide in worker threads and hand their decisions back to the loop."""

    def __init__(self, exercise: Exercise, *, browser_command: str | None = None) -> None:
        self.exercise = exercise
        self.connections: set[Connection] = set()
        self.changed = asyncio.Event()
        """Set and replaced on every change: HTTP long polls wait on it."""
        self.browser_command = browser_command
        self._timer: asyncio.TimerHandle | None = None
        self._time_up_failed: float | None = None
        """The countdown deadline whose time-up could not resolve the turn (not retried)."""
        self._tasks: set[asyncio.Task[Any]] = set()
        self.sends = 0
        """Messages sent (for benchmarks and tests)."""
        self.on_send: Callable[[str, str], None] | None = None
        """Called with (role, message text) before each message goes out (the secrecy tests)."""
        exercise.listeners.append(self._on_change)

    # -- reacting to changes -------------------------------------------------------------
    def _on_change(self) -> None:
        ex = self.exercise
        for conn in self.connections:
            conn.wake.set()
        old, self.changed = self.changed, asyncio.Event()
        old.set()
        while ex.kicked:
            role, reason = ex.kicked.pop(0)
            for conn in [c for c in self.connections if c.role.name == role]:
                self._spawn(self._close(conn, reason))
        self._schedule_timer()
        self.run_bots()

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def run_bots(self) -> None:
        for job in self.exercise.bot_jobs():
            self._spawn(self._think(job))

    async def _think(self, job: BotJob) -> None:
        loop = asyncio.get_running_loop()
        try:
            decision = await loop.run_in_executor(None, job.run)
        except Exception as exc:  # noqa: BLE001 - a bot's or an agent's failure is reported to the facilitator, never fatal to the host
            self.exercise.bot_decided(job, None, exc if isinstance(exc, WargameError) else WargameError(f"{job.bot.label} failed: {exc!r}"))
            return
        self.exercise.bot_decided(job, decision, None)

    def _schedule_timer(self) -> None:
        ex = self.exercise
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        left = ex.countdown.left(ex.clock())
        if left is None or ex.paused or ex.countdown.deadline is None:
            return
        if left <= 0 and (ex.settings.on_timeout == "wait" or self._time_up_failed == ex.countdown.deadline):
            # Time is up and was acted on: the room waits for the facilitator (to resolve,
            # add time or choose another time-up), not for this timer to fire again.
            return
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(max(0.0, left) + 0.05, self._time_up)

    def _time_up(self) -> None:
        self._timer = None
        ex = self.exercise
        try:
            if not ex.time_up():
                ex.changed()  # clients show "time is up"
        except WargameError as exc:
            self._time_up_failed = ex.countdown.deadline  # told once, not retried every 50 ms
            ex.notice(f"time is up but the turn could not resolve: {exc}")
            ex.changed()

    def _update_connected(self) -> None:
        live = {c.role.name for c in self.connections if not c.ws.closed}
        if live != self.exercise.connected:
            self.exercise.connected = live
            self.exercise.changed()

    # -- what a role is sent -------------------------------------------------------------
    def text_for(self, role: Role) -> str:
        """The role's whole state now: the room and its observation of the game."""
        return self.exercise.state_text(role)

    async def _send(self, conn: Connection, message: dict[str, Any] | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message, separators=(",", ":"))
        if self.on_send is not None:
            self.on_send(conn.role.name, text)
        self.sends += 1
        await conn.ws.send_str(text)

    async def _close(self, conn: Connection, reason: str) -> None:
        try:
            await self._send(conn, {"type": "closed", "message": reason})
            await conn.ws.close()
        except (ConnectionError, RuntimeError):
            pass

    async def _pusher(self, conn: Connection) -> None:
        """Send the client a new state whenever the exercise changes (no polling)."""
        while not conn.ws.closed:
            await conn.wake.wait()
            conn.wake.clear()
            if conn.sent == self.exercise.version or conn.ws.closed:
                continue
            conn.sent = self.exercise.version
            try:
                # The observation goes only when what the role may see changed (resolution,
                # a reveal, the end; for the facilitator anything): others sealing, the clock
                # and connections change only the room.
                key = self.exercise.observation_key(conn.role)
                text = self.exercise.state_text(conn.role, with_observation=key != conn.view_key)
                conn.view_key = key
                await self._send(conn, text)
            except (ConnectionError, RuntimeError):
                return

    # -- the WebSocket API ---------------------------------------------------------------
    def open_role(self, code: str) -> Role:
        """Check a code; a seat or the facilitator may be open on one device at a time."""
        role = self.exercise.authenticate(code)
        if role.name != PROJECTOR and any(c.role == role and not c.ws.closed for c in self.connections):
            who = "the facilitator's console" if role.name == FACILITATOR else f"{self.exercise.deck.actor_name(role.name)}'s seat"
            raise AccessError(
                f"{who} is already open on another device: close it there first, or ask the facilitator to issue a new code"
            )
        return role

    async def handle_ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=5.0, max_msg_size=MAX_MESSAGE)
        await ws.prepare(request)
        conn: Connection | None = None
        pusher: asyncio.Task[None] | None = None
        try:
            try:
                first = await ws.receive(timeout=HELLO_TIMEOUT)
            except TimeoutError:
                await ws.send_json({"type": "error", "message": "no hello with a join code: closing"})
                return ws
            if first.type != WSMsgType.TEXT:
                return ws
            try:
                hello = parse_message(first.data)
                if not isinstance(hello, Hello):
                    raise ProtocolError("the first message must be a hello with your join code")
                role = self.open_role(hello.code)
            except WargameError as exc:
                await ws.send_json({"type": "refused", "message": str(exc)})
                await ws.close()
                return ws
            conn = Connection(ws, role)
            self.connections.add(conn)
            self._update_connected()
            ex = self.exercise
            await self._send(conn, {"type": "welcome", "v": 1, "role": "seat" if role.is_seat else role.name, "seat": role.name if role.is_seat else None, "exercise": ex.id, "title": ex.deck.title})
            conn.wake.set()
            pusher = asyncio.ensure_future(self._pusher(conn))
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                reply = self.handle_message(role, msg.data)
                if reply is not None:
                    await self._send(conn, reply)
        finally:
            if conn is not None:
                self.connections.discard(conn)
                conn.wake.set()
                self._update_connected()
            if pusher is not None:
                pusher.cancel()
        return ws

    def handle_message(self, role: Role, raw: str | dict[str, Any]) -> dict[str, Any] | None:
        """Act on one message from `role`; the reply (ok or error) for the sender, if any."""
        try:
            msg = parse_message(raw)
            if isinstance(msg, Ping):
                return {"type": "pong"}
            if isinstance(msg, Hello):
                raise ProtocolError("hello: this connection is already open")
            reply = self.exercise.apply(role, msg)
        except WargameError as exc:
            return {"type": "error", "message": str(exc)}
        if not reply.ok:
            return {"type": "error", "of": reply.of, "message": reply.message}
        if reply.code is not None:
            return {"type": "code", "role": reply.role, "code": reply.code}
        if reply.of == "orders" and isinstance(raw, str | dict):
            turn = msg.turn if hasattr(msg, "turn") else None
            return {"type": "ok", "of": "orders", "turn": turn}
        return {"type": "ok", "of": reply.of}

    # -- plain HTTP (agents, scripts) ----------------------------------------------------
    def _http_role(self, request: web.Request) -> Role:
        auth = request.headers.get("Authorization", "")
        code = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else request.query.get("code", "")
        if not code:
            raise AccessError("no join code: send the header 'Authorization: Bearer CODE'")
        return self.exercise.authenticate(code)

    @staticmethod
    def _error(status: int, message: str) -> web.Response:
        return web.json_response({"type": "error", "message": message}, status=status)

    async def handle_info(self, request: web.Request) -> web.Response:
        ex = self.exercise
        return web.json_response({"v": 1, "exercise": ex.id, "title": ex.deck.title, "turn": ex.game.turn, "over": ex.game.is_over, "seats": [{"id": a, "name": ex.deck.actor_name(a)} for a in ex.deck.actors]})

    async def handle_view(self, request: web.Request) -> web.Response:
        try:
            role = self._http_role(request)
            after = int(request.query.get("after", "-1"))
        except AccessError as exc:
            return self._error(403, str(exc))
        except ValueError:
            return self._error(400, "after: must be a whole number (the version you have)")
        if self.exercise.version <= after:
            waiter = self.changed
            try:
                await asyncio.wait_for(waiter.wait(), LONG_POLL)
            except TimeoutError:
                pass
        try:
            role = self._http_role(request)  # the code may have been revoked while waiting
        except AccessError as exc:
            return self._error(403, str(exc))
        return web.Response(text=self.text_for(role), content_type="application/json")

    async def handle_post(self, request: web.Request) -> web.Response:
        try:
            role = self._http_role(request)
        except AccessError as exc:
            return self._error(403, str(exc))
        raw = await request.read()
        if len(raw) > MAX_MESSAGE:
            return self._error(413, "message too large")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self._error(400, "message is not UTF-8 JSON")
        reply = self.handle_message(role, text)
        if reply is not None and reply.get("type") == "error":
            return web.json_response(reply, status=409)
        return web.json_response(reply or {"type": "ok"})

    async def handle_projector(self, request: web.Request) -> web.Response:
        page = resources.files("wargame.net").joinpath("projector.html").read_text("utf-8")
        return web.Response(text=page, content_type="text/html")

    async def handle_debrief(self, request: web.Request) -> web.Response:
        """The debrief's slides once the exercise is over (`/debrief?code=CODE`), for a room:
        a seat's code shows what that seat knew, the projector's what every seat knew, the
        facilitator's everything (as `wargame report --slides --seat` would)."""
        try:
            role = self._http_role(request)
        except AccessError as exc:
            return self._error(403, str(exc))
        ex = self.exercise
        if not ex.game.is_over:
            return self._error(409, "the exercise is not over: its debrief opens when it ends")
        viewer = "public" if role.name == PROJECTOR else role.name
        save = ex.session.save
        page = await asyncio.to_thread(lambda: render_report(build_report(save, viewer), "slides"))
        return web.Response(text=page, content_type="text/html")

    # -- the application -----------------------------------------------------------------
    def add_routes(self, app: web.Application) -> None:
        app.add_routes(
            [
                web.get("/api/v1/ws", self.handle_ws),
                web.get("/api/v1/info", self.handle_info),
                web.get("/api/v1/view", self.handle_view),
                web.post("/api/v1/orders", self.handle_post),
                web.post("/api/v1/command", self.handle_post),
                web.get("/projector", self.handle_projector),
                web.get("/debrief", self.handle_debrief),
            ]
        )
        app.on_startup.append(self._started)
        app.on_shutdown.append(self._shutdown)

    async def _started(self, app: web.Application) -> None:
        self.exercise.changed()  # start any computer seats and the countdown

    async def _shutdown(self, app: web.Application) -> None:
        for conn in list(self.connections):
            await self._close(conn, "the host is shutting down")

    async def make_app(self, public_url: str | None = None) -> web.Application:
        """The aiohttp app: the API, plus the browser app when textual-serve is installed."""
        if self.browser_command is not None:
            app = await _browser_app(self.browser_command, self.exercise.deck.title, public_url)
        else:
            app = web.Application()
        self.add_routes(app)
        return app


async def _browser_app(command: str, title: str, public_url: str | None) -> web.Application:
    """textual-serve's app (one `wargame join` process per browser tab, at `/`)."""
    from textual_serve.server import Server

    class _Serve(Server):
        async def handle_index(self, request: web.Request) -> Any:
            # Links in the page must point where the browser reached us (a classroom
            # address with --public, 127.0.0.1 otherwise).
            self.public_url = public_url or f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, app: web.Application) -> None:
            pass  # the host prints its own banner

    _track_tab_processes()
    serve = _Serve(command, title=title)
    # textual-serve builds its routes in `_make_app`; we add ours to the same app so one
    # port serves the browser app and the API.
    app = await serve._make_app()

    async def end_tabs(_app: web.Application) -> None:
        # A tab's process outlives a host that stops while the tab is open (textual-serve
        # asks it to quit only when its websocket closes in good order, which a stopping
        # host waits for): end them first, so the tabs' handlers finish and the host stops.
        for process in list(_TAB_PROCESSES.get(command, ())):
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 5)
                except TimeoutError:
                    process.kill()

    app.on_shutdown.append(end_tabs)
    app.on_cleanup.append(end_tabs)  # any started while the host was stopping
    return app


_TAB_PROCESSES: dict[str, weakref.WeakSet[asyncio.subprocess.Process]] = {}
"""Each host's browser-tab processes, by the command that started them (one per host)."""


def _track_tab_processes() -> None:
    """Have textual-serve's app service note each process it starts (once per run)."""
    import textual_serve.server as serve_module
    from textual_serve.app_service import AppService

    if getattr(serve_module, "AppService", None) is not AppService:
        return  # already tracked

    class TrackedAppService(AppService):
        async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
            process: asyncio.subprocess.Process = await super()._open_app_process(width, height)
            _TAB_PROCESSES.setdefault(self.command, weakref.WeakSet()).add(process)
            return process

    serve_module.AppService = TrackedAppService  # type: ignore[attr-defined]


def browser_command(api_url: str) -> str:
    """The command textual-serve runs for each browser tab: a join client that asks for the
    code. `exec`: the shell becomes the client, so ending the process ends the client."""
    return f"exec {shlex.quote(sys.executable)} -m wargame join {shlex.quote(api_url)} --ask-code"


Runner = Callable[[], Awaitable[None]]
