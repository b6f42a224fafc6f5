"""The browser app: a plain page asks for the join code first, and only a code that opens a
role starts a tab's `wargame join` process (about 60 MiB each), never more than the host's
cap at once ("the room is full" otherwise).

textual-serve runs the Textual app once per tab. Here it runs only tabs the host admitted:
the page the code unlocks carries a one-time ticket for the tab's own connection, and the
tab's process joins the API with a key of its own (in its environment, never the code),
valid while the tab lives and its code is not revoked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
from dataclasses import dataclass
from importlib import resources
from string import Template
from typing import Any, Protocol

from aiohttp import WSMsgType, web

from wargame.net.exercise import AccessError
from wargame.net.guard import Clock, Gate, Limits, Visitor
from wargame.net.refusals import DeviceBusy, RoomFull, SlowDown
from wargame.net.store.base import PROJECTOR, hash_code
from wargame.observe.talk import MAX_MEMBER_NAME
from wargame.procs import END_WITH_ENV
from wargame.words import count, plural

log = logging.getLogger("wargame.host")
DEVICE_COOKIE = "wargame_device"
"""Names a browser (not a person, and no secret): the same browser reloading its tab takes
the seat back; another browser with the same code is refused."""
REJOIN_CLOSE = 4000
"""The WebSocket close code that tells a tab's page to rejoin when the host is back (a
stopping host sends it; a crash gives 1006, which the page treats the same way). Any other
close (a newer tab took the seat, the code was revoked) ends the tab for good."""
PROJECTOR_TABS = 2
"""Browser tabs the projector's code may hold at once (the projector page needs none)."""


@dataclass(eq=False)
class Tab:
    """One browser tab of the app: admitted by a code, then running its own process."""

    role: str
    code_hash: str
    device: str
    ticket: str
    """Opens the tab's connection from the browser, once."""
    key: str
    """The tab process's code for the API: never shown to the browser."""
    made: float
    member: str = ""
    """The team member's display name given with the code (a seat shared by a team)."""
    claimed: bool = False
    process: asyncio.subprocess.Process | None = None
    socket: web.WebSocketResponse | None = None

    async def end(self, *, rejoin: bool = False) -> None:
        """Stop the tab's process and close its browser connection ("Session ended"). With
        `rejoin` (the host is stopping, to be started again) the browser is told so first,
        with `REJOIN_CLOSE`, and its page comes back with its code when the host answers."""
        if rejoin and self.socket is not None and not self.socket.closed:
            try:
                await self.socket.close(code=REJOIN_CLOSE, message=b"the host stopped")
            except (ConnectionError, RuntimeError):
                pass
        process = self.process
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
        if self.socket is not None and not self.socket.closed:
            try:
                await self.socket.close()
            except (ConnectionError, RuntimeError):
                pass


class Tabs:
    """The browser tabs open or about to be: at most `Limits.tabs_total`, one per code (the
    projector's, `PROJECTOR_TABS`); a ticket not used within `tab_claim_timeout` lapses."""

    def __init__(self, limits: Limits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self.open: list[Tab] = []

    def of(self, role: str) -> list[Tab]:
        return [t for t in self.open if t.role == role]

    def by_key(self, key: str) -> Tab | None:
        return next((t for t in self.open if secrets.compare_digest(t.key, key)), None) if key else None

    def add(self, role: str, code: str, device: str, member: str = "") -> Tab | str:
        """A new tab for `role`, or why the room has no place for it."""
        self.expire()
        if role == PROJECTOR and len(self.of(role)) >= PROJECTOR_TABS:
            return f"the projector is open in {count(PROJECTOR_TABS, 'browser tab')} already: use its page (/projector) on more screens"
        if len(self.open) >= self.limits.tabs_total:
            n = len(self.open)
            return (
                f"the room is full: {count(n, 'browser tab')} {plural(n, 'is', 'are')} open, the most this host runs at once; "
                "close a tab that is no longer needed, or join from a terminal with `wargame join`"
            )
        tab = Tab(role, hash_code(code), device, secrets.token_urlsafe(24), secrets.token_urlsafe(24), self.clock(), member)
        self.open.append(tab)
        return tab

    def claim(self, ticket: str) -> Tab | None:
        """The tab a browser's ticket opens (once), or None."""
        self.expire()
        for tab in self.open:
            if not tab.claimed and ticket and secrets.compare_digest(tab.ticket, ticket):
                tab.claimed = True
                return tab
        return None

    def remove(self, tab: Tab) -> None:
        if tab in self.open:
            self.open.remove(tab)

    def expire(self) -> None:
        now = self.clock()
        self.open = [t for t in self.open if t.claimed or now - t.made <= self.limits.tab_claim_timeout]


# -- the pages ------------------------------------------------------------------------------


def join_page(title: str, message: str = "", *, kind: str = "", status: int = 200) -> web.Response:
    """The front door: the exercise's title, a message (why a code was refused), the form.
    A refusal that passes (the room full, too many tries) is tried again by a tab that is
    rejoining; any other forgets the code the tab kept."""
    from html import escape

    text = resources.files("wargame.net").joinpath("join.html").read_text("utf-8")
    passing = "true" if status in (429, 503) else "false"
    page = Template(text).substitute(title=escape(title), message=escape(message), kind=escape(kind), passing=passing)
    response = web.Response(text=page, content_type="text/html", status=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


PAGE_SCRIPTS = ("rejoin.js", "focus.js")
"""Our scripts in the app's page: `rejoin.js` rejoins after the host stops or crashes (the
code is kept in the tab's sessionStorage by the front door, never in the address);
`focus.js` gives the terminal the keys as soon as it is drawn, with no click first."""


def with_scripts(page: str) -> str:
    """The app's page with `PAGE_SCRIPTS` at the top of its head."""
    files = resources.files("wargame.net")
    scripts = "".join(f"<script>\n{files.joinpath(name).read_text('utf-8')}</script>\n" for name in PAGE_SCRIPTS)
    return page.replace("<head>", "<head>\n" + scripts, 1)


def _device(request: web.Request, response: web.StreamResponse, device: str | None = None) -> str:
    """The browser's device id from its cookie (a new one set when it has none)."""
    have = request.cookies.get(DEVICE_COOKIE, "")
    if len(have) == 32 and all(c in "0123456789abcdef" for c in have):
        return have
    made = device or secrets.token_hex(16)
    response.set_cookie(DEVICE_COOKIE, made, httponly=True, samesite="Strict", path="/")
    return made


MAX_COLUMNS, MAX_ROWS = 500, 200
"""The largest screen a browser may ask a tab's app to draw (a hostile size must not make
the app allocate without bound)."""


def _bounded(text: object, default: int, low: int, high: int) -> int:
    try:
        value = int(str(text))
    except ValueError:
        return default
    return max(low, min(high, value))


def _size(width: object, height: object) -> tuple[int, int]:
    return _bounded(width, 80, 1, MAX_COLUMNS), _bounded(height, 24, 1, MAX_ROWS)


async def _relay(websocket: web.WebSocketResponse, service: Any) -> None:
    """Pass what the browser sends to the tab's app: keys, its size, focus; answer its pings.
    textual-serve's messages are JSON lists (`["stdin", "..."]`, `["resize", {...}]`);
    anything else is not the app's and is ignored, so no message can end the tab."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = json.loads(message.data)
        except ValueError:
            continue
        if not isinstance(envelope, list) or not envelope:
            continue
        kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
        if kind == "stdin" and isinstance(data, str):
            await service.send_bytes(data.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            await service.set_terminal_size(*_size(data.get("width"), data.get("height")))
        elif kind == "ping":
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await service.blur()
        elif kind == "focus":
            await service.focus()


QUIT_GRACE = 5.0
"""Seconds a tab's app has to quit when asked (its browser went away) before it is ended."""


async def _stop(service: Any, tab: Tab) -> None:
    """Ask the tab's app to quit, and end its process if it does not: a hung app must not
    hold its place in the room (nor the host's shutdown) for ever."""
    stopping = asyncio.ensure_future(service.stop())
    try:
        await asyncio.wait_for(asyncio.shield(stopping), QUIT_GRACE)
    except TimeoutError:
        await tab.end()
        await stopping


class TabHost(Protocol):
    """What the browser app asks of the host (`server.Host` is one): named here, so the host
    that serves the app and the app do not import each other."""

    tabs: Tabs
    gate: Gate

    def open_tab(self, code: str, address: str, device: str, member: str = "") -> Tab:
        """A tab for `code`, admitted (or an `AccessError` saying why not)."""
        ...

    def visitor_of(self, request: web.BaseRequest) -> Visitor | None: ...

    def tab_ended(self, tab: Tab) -> None: ...


async def browser_app(host: TabHost, command: str, title: str, public_url: str | None) -> web.Application:
    """textual-serve's app, admitting only the tabs `host` lets in: `/` is the code page
    (POST `/` with a code opens the app), `/ws/TICKET` runs an admitted tab's process (`/ws`
without one runs nothing)."""
    import aiohttp_jinja2
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class TabService(AppService):
        """One tab's process: the tab's key in its environment; the host can end it."""

        def __init__(self, tab: Tab, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tab = tab

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            environment = super()._build_environment(width, height)
            environment["WARGAME_CODE"] = self.tab.key
            environment[END_WITH_ENV] = str(os.getpid())  # the tab's process ends with this host, however it dies
            if self.tab.member:
                environment["WARGAME_NAME"] = self.tab.member
            return environment

        async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
            process: asyncio.subprocess.Process = await super()._open_app_process(width, height)
            self.tab.process = process
            return process

    class Serve(Server):
        def _base(self, request: web.Request) -> str:
            # Links in the page must point where the browser reached us (a classroom
            # address with --public, 127.0.0.1 otherwise).
            return public_url or f"{request.scheme}://{request.host}"

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            response = join_page(title)
            _device(request, response)
            return response

        async def handle_join(self, request: web.Request) -> web.StreamResponse:
            form = await request.post()
            code = str(form.get("code", ""))
            member = " ".join(str(form.get("name", "")).split())[:MAX_MEMBER_NAME]
            address = request.remote or "unknown"
            probe = web.Response()
            device = _device(request, probe)
            try:
                tab = host.open_tab(code, address, device, member)
            except AccessError as exc:
                status = 503 if isinstance(exc, RoomFull) else 429 if isinstance(exc, SlowDown) else 409 if isinstance(exc, DeviceBusy) else 403
                response = join_page(title, str(exc), kind="full" if status == 503 else "", status=status)
            else:
                base = self._base(request)
                ws = ("wss:" if base.startswith("https") else "ws:") + base.split(":", 1)[1]
                context = {
                    "font_size": _bounded(request.query.get("fontsize"), 16, 8, 48),
                    # In the path: the page's script adds its own `?width=...` to this URL.
                    "app_websocket_url": f"{ws}/ws/{tab.ticket}",
                    "config": {"static": {"url": f"{base}/static/"}},
                    "application": {"name": title},
                }
                response = aiohttp_jinja2.render_template("app_index.html", request, context)
                response.text = with_scripts(response.text or "")
                response.headers["Cache-Control"] = "no-store"
            for name, morsel in probe.cookies.items():
                response.cookies[name] = morsel
            return response

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            tab = host.tabs.claim(request.match_info.get("ticket", ""))
            if tab is None:
                raise web.HTTPForbidden(text="this page's link to its tab has lapsed: open the address again and type your code\n")
            visitor = host.visitor_of(request)
            if visitor is not None and host.gate.opened(visitor, tab.role) is not None:
                host.tabs.remove(tab)
                raise web.HTTPTooManyRequests(text="too many connections with this code\n")
            websocket = web.WebSocketResponse(heartbeat=15)
            tab.socket = websocket
            service = TabService(
                tab, self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                close=websocket.close, download_manager=self.download_manager, debug=self.debug,
            )
            try:
                await websocket.prepare(request)
                await service.start(*_size(request.query.get("width"), request.query.get("height")))
                try:
                    await _relay(websocket, service)
                finally:
                    await _stop(service, tab)
            except asyncio.CancelledError:
                await websocket.close()
            except (ConnectionError, RuntimeError) as exc:
                log.warning("a browser tab for %s ended: %s", tab.role, exc.__class__.__name__ + (f": {exc}" if str(exc) else ""))
            finally:
                await tab.end()
                host.tab_ended(tab)
            return websocket

        async def on_startup(self, app: web.Application) -> None:
            pass  # the host prints its own banner

    serve = Serve(command, title=title)
    # textual-serve builds its routes in `_make_app`; the code page's form posts to the
    # same address, and the API joins the same app, so one port serves everything.
    app = await serve._make_app()
    app.router.add_post("/", serve.handle_join)
    app.router.add_get("/ws/{ticket}", serve.handle_websocket)
    return app
