"""The host's web server (aiohttp): the JSON API, WebSocket pushes, the projector page, and
the browser app (tabs.py), behind the defences of guard.py.

The API is a WebSocket at `/api/v1/ws` (a `hello` with a join code, then orders or the
facilitator's commands; the host pushes a fresh state to each client when anything
changes, a burst of changes as one state) and plain HTTP for simple agents
(`GET /api/v1/view?after=N` waits for a change, `POST /api/v1/orders`). Each client is sent
only the state built for its own viewer. A seat or the facilitator is open on one device
at a time, whichever the transport; the host holds its exercise's lease while it runs.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import math
import shlex
import signal
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import WSMsgType, web

from wargame.errors import WargameError
from wargame.net.exercise import AccessError, BotJob, Exercise, Role
from wargame.net.guard import (
    Gate,
    Limits,
    RateLimit,
    RefusalLog,
    Visitor,
    files_in_use,
    raise_file_limit,
)
from wargame.net.listen import GuardedSite
from wargame.net.protocol import (
    MAX_MESSAGE,
    Hello,
    Ping,
    ProtocolError,
    parse_message,
)
from wargame.net.refusals import DeviceBusy, RoomFull, SlowDown
from wargame.net.store.base import FACILITATOR, PROJECTOR, LeaseLost, StoreError
from wargame.net.store.lease import LEASE_TTL_S, Lease
from wargame.net.tabs import Tab, Tabs
from wargame.observe.talk import TalkError
from wargame.play.commands import TALK
from wargame.report.data import build_report
from wargame.report.templates import render_report
from wargame.words import possessive

if TYPE_CHECKING:
    from wargame.analysis.odds import OddsJob

log = logging.getLogger("wargame.host")
LONG_POLL = 50.0
"""Seconds an HTTP `view?after=N` waits for a change before answering with the same state."""
KEEPALIVE = 15.0
"""Seconds an idle HTTP connection stays open (a browser or agent opens another at will)."""
SWEEP_EVERY = 1.0
"""How often idle strangers, lapsed HTTP holds and unclaimed tabs are looked for."""
_OUT_OF_FILES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


@dataclass(frozen=True, slots=True)
class Device:
    """Where a role is open: one WebSocket, one browser (its cookie), or one address over HTTP."""

    kind: Literal["websocket", "browser", "http"]
    ident: str


@dataclass(eq=False)
class Connection:
    """One live WebSocket client and the role its code opened."""

    ws: web.WebSocketResponse
    role: Role
    device: Device
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    sent: int = -1
    """The exercise version last sent to this client."""
    view_key: tuple[object, ...] = ()
    """The moment of the view last sent (a seat's client keeps it until it changes)."""
    member: str = ""
    """The team member on this device (a seat opened with a display name), or empty."""


@dataclass
class HttpHold:
    """A role open over plain HTTP from `address`: held while a request is in flight and for
    `Limits.http_hold` seconds after the last one."""

    address: str
    until: float
    in_flight: int = 0


def _wait_text(seconds: float) -> str:
    return f"{max(1, math.ceil(seconds))} s"


class Host:
    """Serves one `Exercise`. All game changes happen on the event loop thread; computer
    seats decide in worker threads and hand their decisions back to the loop.

    `clock` and `sleep` pace pushes and limits (tests pass ones they control); `lease` is
    the exercise's lease in the store, renewed from the loop while the host runs."""

    def __init__(
        self, exercise: Exercise, *, browser_command: str | None = None, limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        lease: Lease | None = None, lease_ttl: float = LEASE_TTL_S,
    ) -> None:
        self.exercise = exercise
        self.connections: set[Connection] = set()
        self.changed = asyncio.Event()
        """Set and replaced on every change: HTTP long polls wait on it."""
        self.browser_command = browser_command
        self.limits = limits or Limits()
        self.clock = clock
        self._sleep = sleep
        self.gate = Gate(self.limits, clock)
        self.refusals = RefusalLog(log, clock)
        self.opens = RateLimit(self.limits.opens, clock)
        self.requests = RateLimit(self.limits.requests, clock)
        self.talking = RateLimit(self.limits.messages, clock)
        self.refused_at = RateLimit(self.limits.refusals, clock)
        self.http_holds: dict[str, HttpHold] = {}
        self.tabs = Tabs(self.limits, clock)
        self.lease = lease
        self.lease_ttl = lease_ttl
        self.lost: LeaseLost | None = None
        """Set when another host took the exercise over: this one stops."""
        self._visitors: dict[object, Visitor] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._time_up_failed: float | None = None
        """The countdown deadline whose time-up could not resolve the turn (not retried)."""
        self._sweeper: asyncio.TimerHandle | None = None
        self._renewal: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self._stop: asyncio.Event | None = None
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
            for tab in self.tabs.of(role):
                self._spawn(self.end_tab(tab))
            self.http_holds.pop(role, None)
        self._schedule_timer()
        self.run_bots()

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def run_bots(self) -> None:
        for job in self.exercise.bot_jobs():
            self._spawn(self._think(job))
        odds = self.exercise.session.odds_job()
        if odds is not None:  # the facilitator's live odds, off the event loop
            self._spawn(self._odds(odds))

    async def _odds(self, job: OddsJob) -> None:
        loop = asyncio.get_running_loop()
        self.exercise.session.odds_done(job, await loop.run_in_executor(None, job.safe_run))

    async def _think(self, job: BotJob) -> None:
        loop = asyncio.get_running_loop()
        try:
            try:
                decision = await loop.run_in_executor(None, job.run)
            except Exception as exc:  # noqa: BLE001 - a bot's or an agent's failure is reported to the facilitator, never fatal to the host
                self.exercise.bot_decided(job, None, exc if isinstance(exc, WargameError) else WargameError(f"{job.bot.label} failed: {exc!r}"))
                return
            self.exercise.bot_decided(job, decision, None)
        except LeaseLost as exc:
            self._lose(exc)

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
        except LeaseLost as exc:
            self._lose(exc)
        except WargameError as exc:
            self._time_up_failed = ex.countdown.deadline  # told once, not retried every 50 ms
            ex.notice(f"time is up but the turn could not resolve: {exc}")
            ex.changed()

    def _update_connected(self) -> None:
        now = self.clock()
        live = {c.role.name for c in self.connections if not c.ws.closed}
        live |= {role for role, hold in self.http_holds.items() if hold.in_flight or hold.until > now}
        live.discard(PROJECTOR)
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

    async def _close(self, conn: Connection, reason: str, *, rejoin: bool = False) -> None:
        """Close a connection, saying why; `rejoin` tells the client to come back on its own
        (the host is stopping and will be restarted), not to ask for its code again."""
        try:
            await self._send(conn, {"type": "closed", "message": reason, **({"rejoin": True} if rejoin else {})})
            await conn.ws.close()
        except (ConnectionError, RuntimeError):
            pass

    async def _pusher(self, conn: Connection) -> None:
        """Send the client a new state whenever the exercise changes (no polling), as fast as
        `Limits.pushes` allows: beyond it, the changes of a burst go out together, as one state."""
        pushes = RateLimit(self.limits.pushes, self.clock)
        while not conn.ws.closed:
            await conn.wake.wait()
            wait = pushes.ready("")
            if wait > 0:
                await self._sleep(wait)
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
            pushes.take("")

    # -- who may open what ---------------------------------------------------------------
    def _who(self, role: str) -> str:
        if role == FACILITATOR:
            return "the facilitator's console"
        if role == PROJECTOR:
            return "the projector"
        return f"{possessive(self.exercise.deck.actor_name(role))} seat"

    def admit_code(self, code: str, address: str, *, keys: bool = True) -> tuple[Role, Tab | None]:
        """The role a code opens (or a browser tab's own key, with `keys`), or `AccessError`.

        Wrong codes count against the address: past `Limits.refusals` its codes are not even
        looked at until it waits (one laptop guessing locks out only itself)."""
        if self.lost is not None:
            raise AccessError(f"{self.lost}: join it there")
        tab = self.tabs.by_key(code) if keys else None
        if tab is not None:
            # A tab's key lives only as long as the code that opened the tab.
            if self.exercise.store.find_code(tab.code_hash) == (self.exercise.id, tab.role):
                return Role(tab.role), tab
            raise AccessError(f"the code for {self._who(tab.role)} has been revoked or replaced: ask the facilitator for the new one")
        blocked = self.refused_at.ready(address)
        if blocked > 0:
            raise SlowDown(f"too many wrong codes from {address}: wait {_wait_text(blocked)} and try again", blocked)
        try:
            return self.exercise.authenticate(code), None
        except AccessError as exc:
            self.refused_at.take(address)
            self.refusals.refused(address, str(exc))
            raise

    def holders(self, role: str) -> list[tuple[Device, str]]:
        """The devices `role` is open on now, each with how to say it."""
        found = [(Device("browser", t.device), "another browser") for t in self.tabs.of(role)]
        found += [(c.device, "another browser" if c.device.kind == "browser" else "another device") for c in self.connections if c.role.name == role and not c.ws.closed]
        hold = self.http_holds.get(role)
        if hold is not None and (hold.in_flight or hold.until > self.clock()):
            found.append((Device("http", hold.address), f"a program at {hold.address} over HTTP, until {self.limits.http_hold:g} s after its last request"))
        return found

    def claim(self, role: Role, device: Device, member: str = "") -> None:
        """`DeviceBusy` unless `role` is free or open only on `device`: a seat or the
        facilitator is open on one device at a time, whatever the transport. A team's
        members (a seat opened with display names) each have their own devices: a named
        member's device shares the seat with its teammates' named devices only."""
        if role.name == PROJECTOR:
            return
        if member:
            # Teammates' devices (named connections and tabs) share the seat; anything unnamed holds it alone.
            named = {c.device for c in self.connections if c.role.name == role.name and c.member}
            named |= {Device("browser", t.device) for t in self.tabs.of(role.name) if t.member}
            others = [how for d, how in self.holders(role.name) if d != device and d not in named]
            if others:
                raise DeviceBusy(f"{self._who(role.name)} is already open on a device without a team member's name: close it there first")
            return
        teammates = [c for c in self.connections if c.role.name == role.name and c.member and not c.ws.closed]
        if teammates or any(t.member and t.device != device.ident for t in self.tabs.of(role.name)):
            raise DeviceBusy(f"{self._who(role.name)} is played by a team of named members: join with your display name")
        others = [how for d, how in self.holders(role.name) if d != device]
        if others:
            how = "" if others[0] == "another device" else f" ({others[0]})"
            raise DeviceBusy(
                f"{self._who(role.name)} is already open on another device{how}: close it there first, or ask the facilitator to issue a new code"
            )

    @staticmethod
    def _device_for(tab: Tab | None) -> Device:
        return Device("browser", tab.device) if tab is not None else Device("websocket", uuid.uuid4().hex)

    def _rate(self, limiter: RateLimit, role: Role, what: str) -> None:
        wait = limiter.take(role.name)
        if wait > 0:
            raise SlowDown(f"too many {what} with the code for {self._who(role.name)} in a short time: wait {_wait_text(wait)} and try again", wait)

    def visitor_of(self, request: web.BaseRequest) -> Visitor | None:
        return self._visitors.get(request.transport) if request.transport is not None else None

    def _opened_on(self, request: web.BaseRequest, role: Role) -> None:
        """Count the request's connection as the role's (it stops being a stranger)."""
        visitor = self.visitor_of(request)
        if visitor is None:
            return
        why = self.gate.opened(visitor, role.name)
        if why is not None:
            raise SlowDown(f"{self._who(role.name)}: {why}", self.limits.hello_timeout)

    @staticmethod
    def _address(request: web.BaseRequest) -> str:
        return request.remote or "unknown"

    # -- the WebSocket API ---------------------------------------------------------------
    async def handle_ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=5.0, max_msg_size=MAX_MESSAGE)
        await ws.prepare(request)
        address = self._address(request)
        conn: Connection | None = None
        pusher: asyncio.Task[None] | None = None
        try:
            try:
                first = await ws.receive(timeout=self.limits.hello_timeout)
            except TimeoutError:
                self.refusals.refused(address, f"no hello with a join code within {self.limits.hello_timeout:g} s")
                await ws.send_json({"type": "error", "message": "no hello with a join code: closing"})
                return ws
            if first.type != WSMsgType.TEXT:
                return ws
            try:
                hello = parse_message(first.data)
                if not isinstance(hello, Hello):
                    raise ProtocolError("the first message must be a hello with your join code")
                role, tab = self.admit_code(hello.code, address)
                device = self._device_for(tab)
                if tab is not None:
                    # A tab's process rejoining, or a newer tab of the same browser: the
                    # older connections of that browser give way.
                    for old in [c for c in self.connections if c.role == role and c.device == device]:
                        await self._close(old, "this seat was opened in a newer tab of the same browser")
                        self.connections.discard(old)
                member = ""
                if hello.name and role.is_seat:
                    self.claim(role, device, member=hello.name)
                    if tab is None:
                        self._rate(self.opens, role, "new connections")
                    member = self.exercise.session.join_team(role.name, hello.name)
                    # The same member on a new device (a dropped laptop rejoining): the old one gives way.
                    for old in [c for c in self.connections if c.role == role and c.member == member]:
                        await self._close(old, f"{member} opened this seat on another device")
                        self.connections.discard(old)
                else:
                    self.claim(role, device)
                    if tab is None:
                        self._rate(self.opens, role, "new connections")
                self._opened_on(request, role)
            except WargameError as exc:
                if isinstance(exc, DeviceBusy | SlowDown):
                    self.refusals.refused(address, str(exc))
                await ws.send_json({"type": "refused", "message": str(exc)})
                await ws.close()
                return ws
            conn = Connection(ws, role, device, member=member)
            self.connections.add(conn)
            self._update_connected()
            ex = self.exercise
            await self._send(conn, {"type": "welcome", "v": 1, "role": "seat" if role.is_seat else role.name, "seat": role.name if role.is_seat else None, "exercise": ex.id, "title": ex.deck.title, "member": member})
            conn.wake.set()
            pusher = asyncio.ensure_future(self._pusher(conn))
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    self._rate(self.requests, role, "messages")
                except SlowDown as exc:
                    await self._send(conn, {"type": "error", "message": str(exc)})
                    continue
                reply = self.handle_message(role, msg.data, conn.member)
                if reply is not None:
                    await self._send(conn, reply)
        except ConnectionError:
            pass  # the client went away mid-send
        finally:
            if conn is not None:
                self.connections.discard(conn)
                conn.wake.set()
                self._update_connected()
            if pusher is not None:
                pusher.cancel()
        return ws

    def handle_message(self, role: Role, raw: str | dict[str, Any], member: str = "") -> dict[str, Any] | None:
        """Act on one message from `role` (sent by the team member `member`, if named); the
        reply (ok or error) for the sender, if any."""
        try:
            msg = parse_message(raw)
            if isinstance(msg, Ping):
                return {"type": "pong"}
            if isinstance(msg, Hello):
                raise ProtocolError("hello: this connection is already open")
            if msg.type in TALK:
                # Per member when a team shares the code: six people talking are not one flood.
                wait = self.talking.take(f"{role.name}/{member}" if member else role.name)
                if wait > 0:
                    raise SlowDown(f"too many messages from {self._who(role.name)} in a short time: wait {_wait_text(wait)} and try again", wait)
            reply = self.exercise.apply(role, msg, member)
        except LeaseLost as exc:
            self._lose(exc)
            return {"type": "error", "message": str(exc)}
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
        """The role the request's code opens; the role is then held over HTTP from this
        address (see `_hold`), so no other device opens it meanwhile."""
        code = self._code_of(request)
        if not code:
            raise AccessError("no join code: send the header 'Authorization: Bearer CODE'")
        role, _ = self.admit_code(code, self._address(request), keys=False)
        self._rate(self.requests, role, "requests")
        if role.name != PROJECTOR:
            self.claim(role, Device("http", self._address(request)))
        self._opened_on(request, role)
        return role

    def _hold(self, role: Role, request: web.Request) -> HttpHold | None:
        if role.name == PROJECTOR:
            return None
        hold = self.http_holds.get(role.name)
        address = self._address(request)
        fresh = hold is None or hold.address != address or not (hold.in_flight or hold.until > self.clock())
        if hold is None or fresh:
            hold = self.http_holds[role.name] = HttpHold(address, self.clock())
        hold.in_flight += 1
        if fresh:
            self._update_connected()
        return hold

    def _unhold(self, hold: HttpHold | None) -> None:
        if hold is not None:
            hold.in_flight -= 1
            hold.until = self.clock() + self.limits.http_hold

    def _refusal(self, exc: AccessError) -> web.Response:
        if isinstance(exc, SlowDown):
            response = self._error(429, str(exc))
            response.headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
            return response
        return self._error(409 if isinstance(exc, DeviceBusy) else 403, str(exc))

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
            return self._refusal(exc)
        except ValueError:
            return self._error(400, "after: must be a whole number (the version you have)")
        hold = self._hold(role, request)
        try:
            if self.exercise.version <= after:
                waiter = self.changed
                try:
                    await asyncio.wait_for(waiter.wait(), LONG_POLL)
                except TimeoutError:
                    pass
            try:
                role, _ = self.admit_code(self._code_of(request), self._address(request), keys=False)  # revoked while waiting?
            except AccessError as exc:
                return self._refusal(exc)
            return web.Response(text=self.text_for(role), content_type="application/json")
        finally:
            self._unhold(hold)

    @staticmethod
    def _code_of(request: web.Request) -> str:
        auth = request.headers.get("Authorization", "")
        return (auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else request.query.get("code", ""))[:100]

    async def handle_post(self, request: web.Request) -> web.Response:
        try:
            role = self._http_role(request)
        except AccessError as exc:
            return self._refusal(exc)
        hold = self._hold(role, request)
        try:
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
        finally:
            self._unhold(hold)

    async def handle_projector(self, request: web.Request) -> web.Response:
        page = resources.files("wargame.net").joinpath("projector.html").read_text("utf-8")
        return web.Response(text=page, content_type="text/html")

    # -- browser tabs ------------------------------------------------------------------------
    def open_tab(self, code: str, address: str, device: str, member: str = "") -> Tab:
        """A browser typed `code` (and, for a team sharing a seat, a member's name): admit a
        tab for its role (the browser's older tab of that role gives way), or `AccessError`
        saying why not (the room full among them)."""
        role, _ = self.admit_code(code[:100], address, keys=False)
        member = member if role.is_seat else ""
        if role.name != PROJECTOR:
            for old in self.tabs.of(role.name):
                if old.device == device:
                    self.tabs.remove(old)  # a reload: that tab ends, this one takes its place
                    self._spawn(self.end_tab(old))
            self.claim(role, Device("browser", device), member=member)
        if member:
            # A full team is told on the page, before an app starts for a tab that would be refused.
            try:
                self.exercise.session.may_join_team(role.name, member)
            except TalkError as exc:
                raise AccessError(str(exc)) from None
        self._rate(self.opens, role, "new tabs")
        tab = self.tabs.add(role.name, code, device, member)
        if isinstance(tab, str):
            self.refusals.refused(address, tab)
            raise RoomFull(tab, self.limits.tab_claim_timeout)
        return tab

    async def end_tab(self, tab: Tab, *, rejoin: bool = False) -> None:
        """End a tab: its process, its browser connection and its place in the room (with
        `rejoin`, its page comes back when the host does)."""
        self.tabs.remove(tab)
        await tab.end(rejoin=rejoin)

    def tab_ended(self, tab: Tab) -> None:
        self.tabs.remove(tab)
        self._update_connected()

    # -- keeping the exercise ------------------------------------------------------------
    def _schedule_renewal(self) -> None:
        if self.lease is None or self.lost is not None:
            return
        loop = asyncio.get_running_loop()
        self._renewal = loop.call_later(self.lease_ttl / 3, lambda: self._spawn(self.renew_lease()))

    async def renew_lease(self) -> None:
        """Renew the exercise's lease (off the loop: the store may be slow); a lease taken
        over stops the host, an unreachable store is tried again at the next beat."""
        lease = self.lease
        if lease is None or self.lost is not None:
            return
        loop = asyncio.get_running_loop()
        try:
            self.lease = await loop.run_in_executor(None, self.exercise.store.renew_lease, lease, self.lease_ttl)
        except LeaseLost as exc:
            self._lose(exc)
            return
        except StoreError as exc:
            log.warning("could not renew this host's hold on the exercise (trying again): %s", exc)
        self._schedule_renewal()

    def _lose(self, exc: LeaseLost) -> None:
        """Another host took the exercise over: tell everyone, change nothing more, stop."""
        if self.lost is not None:
            return
        self.lost = exc
        self.lease = None
        log.error("%s: this host stops", exc)
        for conn in list(self.connections):
            self._spawn(self._close(conn, f"{exc}: join it there"))
        if self._stop is not None:
            self._stop.set()

    # -- the connection layer ------------------------------------------------------------
    def _sweep(self) -> None:
        """Each second: idle strangers closed, lapsed HTTP holds and unclaimed tabs dropped,
        held-back refusal counts written."""
        self._sweeper = None
        try:
            for visitor in self.gate.sweep():
                if not visitor.requests:  # a browser's idle keep-alive connection is no news
                    self.refusals.refused(visitor.address, f"closed a connection that sent nothing for {self.limits.hello_timeout:g} s")
            now = self.clock()
            for role in [r for r, h in self.http_holds.items() if not h.in_flight and h.until <= now]:
                del self.http_holds[role]
            self._update_connected()
            self.tabs.expire()
            self.refusals.flush()
        finally:
            self._sweeper = asyncio.get_running_loop().call_later(SWEEP_EVERY, self._sweep)

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """Running out of file handles is a refusal (one line, now and then), not a traceback."""
        exc = context.get("exception")
        if isinstance(exc, OSError) and exc.errno in _OUT_OF_FILES:
            self.refusals.refused("new connections", f"the host has no file handles left ({exc.strerror}): they wait until strangers' connections close")
            return
        loop.default_exception_handler(context)

    @web.middleware
    async def _track(self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        """A connection in the middle of a request is busy (never closed as idle)."""
        visitor = self.visitor_of(request)
        if visitor is not None:
            self.gate.busy(visitor)
        try:
            return await handler(request)
        finally:
            if visitor is not None:
                self.gate.idle(visitor)

    async def handle_debrief(self, request: web.Request) -> web.Response:
        """The debrief's slides once the exercise is over (`/debrief?code=CODE`), for a room:
        a seat's code shows what that seat knew, the projector's what every seat knew, the
        facilitator's everything (as `wargame report --slides --seat` would)."""
        try:
            role = self._http_role(request)
        except AccessError as exc:
            return self._refusal(exc)
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
        app.middlewares.append(self._track)
        app.on_startup.append(self._started)
        app.on_shutdown.append(self._shutdown)

    async def _started(self, app: web.Application) -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(self._loop_exception)
        self._sweeper = loop.call_later(SWEEP_EVERY, self._sweep)
        self._schedule_renewal()
        self.exercise.changed()  # start any computer seats and the countdown

    async def _shutdown(self, app: web.Application) -> None:
        for handle in (self._sweeper, self._renewal, self._timer):
            if handle is not None:
                handle.cancel()
        # A tab's process outlives a host that stops while the tab is open (textual-serve
        # asks it to quit only when its websocket closes in good order, which a stopping
        # host waits for): end them first, so the tabs' handlers finish and the host stops.
        await asyncio.gather(*(self.end_tab(tab, rejoin=True) for tab in list(self.tabs.open)))
        for conn in list(self.connections):
            await self._close(conn, "the host stopped: rejoining when it is back", rejoin=True)

    async def make_app(self, public_url: str | None = None) -> web.Application:
        """The aiohttp app: the API, plus the browser app when textual-serve is installed."""
        if self.browser_command is not None:
            from wargame.net.tabs import browser_app

            app = await browser_app(self, self.browser_command, self.exercise.deck.title, public_url)
        else:
            app = web.Application()
        self.add_routes(app)
        return app

    # -- serving -------------------------------------------------------------------------
    async def start(self, bind: str, port: int) -> int:
        """Listen on `bind`:`port` behind the gate; the port listened on (for port 0)."""
        limit = raise_file_limit()
        roles = len(self.exercise.deck.actors) + 2
        fitted = self.limits.fitted(limit, files_in_use(), roles)
        if fitted.strangers_total < self.limits.strangers_total:
            log.warning(
                "this process may open %d files: the host holds at most %d connections without a code at once (%d per address)",
                limit, fitted.strangers_total, fitted.strangers_per_address,
            )
        self.limits = self.gate.limits = self.tabs.limits = fitted
        app = await self.make_app()
        runner = web.AppRunner(app, access_log=None, keepalive_timeout=KEEPALIVE, handle_signals=False)
        await runner.setup()
        site = GuardedSite(runner, self.gate, self.refusals, self._visitors, bind, port)
        await site.start()
        self._runner = runner
        return site.port

    async def close(self) -> None:
        """Stop listening, close every connection and tab, and give the exercise back."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        lease, self.lease = self.lease, None
        if lease is not None and self.lost is None:
            try:
                self.exercise.store.release_lease(lease)
            except StoreError as exc:
                log.warning("could not give the exercise back (it lapses on its own): %s", exc)

    def run(self, bind: str, port: int) -> None:
        """Serve until Ctrl+C or SIGTERM. Raises `LeaseLost` if another host took the
        exercise over meanwhile (this one then stopped)."""

        async def serve() -> None:
            loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.add_signal_handler(sig, self._stop.set)
                except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
                    pass
            await self.start(bind, port)
            try:
                await self._stop.wait()
            finally:
                await self.close()

        asyncio.run(serve())
        if self.lost is not None:
            raise self.lost


def browser_command(api_url: str) -> str:
    """The command textual-serve runs for each browser tab: a join client that opens the
    tab's role with the key in its environment (WARGAME_CODE), never a code on its command
    line. `exec`: the shell becomes the client, so ending the process ends the client, and
    the client's parent is the host, whose death ends it (`procs.end_with_starter`)."""
    return f"exec {shlex.quote(sys.executable)} -m wargame join {shlex.quote(api_url)}"


Runner = Callable[[], Awaitable[None]]
