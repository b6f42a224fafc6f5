"""`wargame join`: the Textual app of one team, the facilitator or the projector, against a host.

The app asks for a join code (unless given), opens a WebSocket to the host and renders
whatever the host pushes for that role. A seat reuses the game's own screens (orders,
results, dashboard) through `RemoteSession`; the facilitator gets a console to run the
room. If the connection drops (a closed laptop, a restarted host) it rejoins with the same
code and carries on. Browsers get this same app through textual-serve.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, ClassVar, cast

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from wargame.net.client import Client, HostError
from wargame.observe.visibility import Viewer
from wargame.play.control import Session
from wargame.tui.remote_orders import RemoteOrdersScreen
from wargame.tui.remote_session import DeckSketch, RemoteSession, _news, _track
from wargame.tui.render import (
    BAD,
    GOOD,
    MUTED,
    WARN,
    heading,
    news_block,
    objectives_block,
    percent,
    report_block,
    tracks_block,
)
from wargame.tui.screens.base import GameScreen
from wargame.tui.screens.resolution import ResolutionScreen
from wargame.tui.widgets import SeatStrip, TitleBar

RETRY = (1.0, 2.0, 3.0, 5.0)
"""Seconds between attempts to rejoin after the connection drops (the last repeats)."""


def _as_session(remote: RemoteSession) -> Session:
    # The screens are typed against Session; RemoteSession answers the same calls.
    return cast(Session, remote)


def waiting_offers(state: dict[str, Any]) -> list[Content]:
    """The offers waiting for an answer that this viewer may know of (from its state)."""
    unit = state.get("turn_name", "turn")
    waiting = [o for o in state.get("offers", []) if o["status"] == "waiting"]
    if not waiting:
        return []
    lines = [heading("Offers waiting for an answer")]
    for o in waiting:
        secret = "  (secret)" if o["secret"] else ""
        lines.append(Content.assemble("• ", (o["maker_name"], "bold"), " → ", (o["recipient_name"], "bold"), ": ", o["name"],
                                      (f"  answer by {unit} {o['deadline']}{secret}", MUTED)))
    return lines


class CodeScreen(Screen[None]):
    """Ask for the join code; the host decides what it opens."""

    def __init__(self, url: str, message: str = "") -> None:
        super().__init__()
        self.url = url
        self.message = message

    def compose(self) -> ComposeResult:
        yield TitleBar("wargame", f"host {self.url}")
        with Center(id="code-center"), Vertical(id="code-box"):
            yield Static(Content.styled("Join the exercise", "bold $accent"), id="code-title")
            yield Static(Content.styled("Type the code your facilitator gave your team.", MUTED))
            yield Input(placeholder="e.g. K7QM-2XHT-9ABP", id="code", max_length=40)
            yield Button("Join", id="join", variant="primary")
            yield Static(Content.styled(self.message, BAD), id="code-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def show_error(self, text: str) -> None:
        self.query_one("#code-error", Static).update(Content.styled(text, BAD))

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#join")
    def submit(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        if not code:
            self.show_error("Type your code first.")
            return
        self.show_error("")
        cast(RemoteApp, self.app).join(code)


class WaitScreen(GameScreen):
    """Orders sealed (or a computer plays the seat): who is still choosing, and the news."""

    def __init__(self, session: RemoteSession, title: str, note: str = "") -> None:
        super().__init__(_as_session(session), session.seat)
        self.remote = session
        self.title_text = title
        self.note = note

    def compose(self) -> ComposeResult:
        s = self.remote
        yield TitleBar(Content.assemble((s.actor_name(s.seat), "bold"), " — ", self.title_text), s.turn_label())
        with VerticalScroll(id="wait-box"):
            yield Static(id="wait-text")
            yield Static(id="wait-orders")
            yield Static(id="wait-news")
        yield SeatStrip(_as_session(s))
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        super().refresh_view()
        s = self.remote
        waiting = [s.actor_name(a) for a in s.waiting_for()]
        lines = [Content.styled(self.title_text, "bold $accent")]
        if self.note:
            lines.append(Content.styled(self.note, MUTED))
        if s.paused:
            lines.append(Content.styled("The facilitator has paused the game.", WARN))
        elif waiting:
            lines.append(Content.assemble(("Waiting for: ", MUTED), ", ".join(waiting)))
        else:
            lines.append(Content.styled("Every seat has sealed: waiting for the facilitator to resolve.", MUTED))
        self.query_one("#wait-text", Static).update(Content("\n").join(lines))
        mine = s.state.get("my_orders", [])
        names = [s.deck.moves[s.deck.move_index[m]].name for m in mine if m in s.deck.move_index]
        lines = [heading("Your sealed orders"), Content(", ".join(names) if names else "none: you stand pat")]
        unit = s.deck.turn_name
        mine = s.my_offers_waiting()
        if mine:
            lines.append(heading("Your offers waiting for an answer"))
            lines += [Content.assemble("• ", (o["name"], "bold"), (f"  answer due by {unit} {o['deadline']}", MUTED)) for o in mine]
        self.query_one("#wait-orders", Static).update(Content("\n").join(lines))
        last = [n for n in s.news() if n.turn == s.turn - 1]
        self.query_one("#wait-news", Static).update(Content("\n").join([heading("Latest news"), news_block(last, cast(Any, s.deck), show_audience=True)]))


class RemoteEndScreen(GameScreen):
    """The game is over: the ending, the last results, and the seat's objectives."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit")]

    def __init__(self, session: RemoteSession) -> None:
        super().__init__(_as_session(session), session.seat)
        self.remote = session

    def compose(self) -> ComposeResult:
        s = self.remote
        ending = s.ending
        title = ending.title if ending else "the game is over"
        yield TitleBar(Content.assemble(("The game ends: ", "bold"), (title, "bold $accent")), s.actor_name(s.seat))
        with VerticalScroll(id="end-box"):
            if ending and ending.text:
                yield Static(Content(ending.text))
            yield Static(Content("\n").join([heading("Your objectives"), objectives_block(s.objectives(), "met")]), classes="section")
            if s.resolved:
                report = s.turn_report(s.resolved)
                yield Static(report_block(report, cast(Any, s.deck), show_audience=True), classes="section")
            yield Static(Content.styled("The facilitator has the full picture for the debrief. Press q to leave.", MUTED), classes="section")
        yield Footer()


class ProjectorView(Screen[None]):
    """The public view for a room screen (read-only)."""

    def __init__(self, state: dict[str, Any]) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        yield TitleBar("Projector", "public view")
        with VerticalScroll(id="projector"):
            yield Static(id="proj-body")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.state)

    def show(self, state: dict[str, Any]) -> None:
        self.state = state
        deck = DeckSketch(state)
        tracks = [_track({**t, "label": deck.slot_label(i)}) for i, t in enumerate(state["tracks"]) if t["value"] is not None]
        seats = "  ".join(f"{x['short']}{' ✓' if x['sealed'] else ' …'}" for x in state["seats"])
        parts = [
            Content.styled(state["title"], "bold $accent"),
            Content.styled(state["turn_label"], "bold"),
            Content.styled(seats, MUTED),
            Content(""),
            tracks_block(tracks, 18, 24),
        ]
        if state["ending"]:
            parts += [Content(""), heading(f"The game ends: {state['ending']['title']}"), Content(state["ending"]["text"])]
        offers = waiting_offers(state)
        if offers:
            parts += [Content(""), *offers]
        last = [_news(n) for n in state["news"] if n["turn"] == (state["report"] or {}).get("turn")]
        parts += [Content(""), heading("Latest news"), news_block(last, cast(Any, deck), empty="The game has just begun.")]
        self.query_one("#proj-body", Static).update(Content("\n").join(parts))


class FacilitatorConsole(Screen[None]):
    """Run the room from its own device: who has sealed, the countdown, injects, dice,
    pause, codes, seating, and resolving the turn."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resolve('stand_pat')", "Resolve (missing stand pat)"),
        Binding("R", "resolve('computer')", "Resolve (stand-ins play)"),
        Binding("p", "pause", "Pause/resume"),
        # Shown only while a countdown runs (see check_action).
        Binding("plus,equals_sign", "add_time(60)", "1 min", key_display="+/-"),
        Binding("minus", "add_time(-60)", "1 min less", show=False),
    ]

    def __init__(self, state: dict[str, Any]) -> None:
        super().__init__()
        self.state = state

    @property
    def remote(self) -> RemoteApp:
        return cast(RemoteApp, self.app)

    def compose(self) -> ComposeResult:
        st = self.state
        yield TitleBar(Content.assemble(("Facilitator", "bold"), "  ", st["title"]), id="fac-title")
        seats = [(x["name"], x["id"]) for x in st["seats"]]
        with VerticalScroll(id="control"):
            yield Static(id="fac-status")
            yield Static(id="fac-seats")
            with Horizontal(classes="buttons"):
                yield Button("Resolve: missing stand pat (r)", id="resolve", variant="primary", compact=True)
                yield Button("Resolve: stand-ins play (R)", id="resolve-computer", compact=True)
                yield Button("Pause / resume (p)", id="pause", compact=True)
            with Horizontal(classes="buttons"):
                yield Checkbox("Resolve when all are in", value=st["settings"]["auto_resolve"], id="auto", compact=True)
                yield Static("  At time-up ", classes="hint")
                yield Select(
                    [("keep waiting", "wait"), ("missing seats stand pat", "stand_pat"), ("stand-ins play", "computer")],
                    value=st["settings"]["on_timeout"], allow_blank=False, id="on-timeout", compact=True,
                )
            with Horizontal(classes="buttons"):
                yield Input(placeholder="minutes", type="number", id="minutes", max_length=5, compact=True)
                yield Button("Start countdown", id="countdown", compact=True)
                yield Button("Stop", id="countdown-stop", compact=True)
            yield Static(heading("Chance rolls of the sealed orders (Enter cycles roll / success / failure)"), classes="section")
            yield OptionList(id="rolls", compact=True)
            yield Static(heading("Fire an inject"), classes="section")
            events = [Option(Content.assemble(e["name"] or e["id"], ("  (inject)" if e["inject"] else "  (event)", MUTED)), id=e["id"]) for e in st["inject_events"]]
            yield OptionList(*events, id="events", compact=True)
            yield Input(placeholder="Or write one: what happens (the news everyone reads)", id="inject-text", compact=True)
            yield Input(placeholder="Effects, e.g. tension += 1; separate with ;", id="inject-effects", compact=True)
            yield Button("Fire written inject", id="fire", variant="warning", compact=True)
            yield Static(heading("Codes and seats"), classes="section")
            with Horizontal(classes="buttons"):
                yield Select([*seats, ("Projector", "projector")], prompt="seat", id="code-role", compact=True)
                yield Button("Revoke code", id="revoke", compact=True)
                yield Button("Issue new code", id="reissue", compact=True)
            with Horizontal(classes="buttons"):
                yield Select(seats, prompt="seat", id="reseat-seat", compact=True)
                programs = " | ".join(f"agent:{n}" for n in st.get("programs", []))
                yield Input(placeholder="human | random | doctrine:NAME | lookahead" + (f" | {programs}" if programs else ""), id="reseat-spec", compact=True)
                yield Button("Re-seat", id="reseat", compact=True)
            yield Static(id="fac-code")
            yield Static(id="fac-notices", classes="section")
            yield Static(id="fac-report", classes="section")
            yield Static(id="fac-tracks", classes="section")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.state)

    def show(self, st: dict[str, Any]) -> None:
        self.state = st
        self.query_one("#fac-title", TitleBar).set_text(Content.assemble(("Facilitator", "bold"), "  ", st["turn_label"]), st["title"])
        left = self.remote.countdown_left()
        status = [Content.assemble(("Exercise ", MUTED), st["exercise"])]
        if st["over"]:
            status.append(Content.styled(f"The game is over: {st['ending']['title'] if st['ending'] else ''}", "bold $accent"))
        if st["paused"]:
            status.append(Content.styled("⏸ paused", WARN))
        if left is not None:
            mins, secs = divmod(int(left + 0.999), 60)
            status.append(Content.styled(f"⏱ {mins}:{secs:02d} left", WARN if left <= 60 else "bold"))
        self.query_one("#fac-status", Static).update(Content("   ").join(status))
        self.refresh_bindings()  # the +/- keys show while a countdown runs
        lines = [heading("Seats")]
        for x in st["seats"]:
            mark = ("✓ sealed", GOOD) if x["sealed"] else ("… choosing", WARN)
            online = ("  ● connected", GOOD) if x["connected"] else ("  ○ not connected" if x["human"] else "", MUTED)
            code = "" if x["code"] or not x["human"] else "  (no code: revoked)"
            lines.append(Content.assemble((x["name"], "bold"), "  ", mark, online, (f"  {x['label']}{code}", MUTED)))
            for i, name in enumerate(x["orders"]):
                why = x["reasons"][i] if i < len(x["reasons"]) else ""
                lines.append(Content.assemble("    • ", name, (f" — {why}" if why else "", MUTED)))
        scores = st["scores"]
        lines.append(Content.assemble(("Points now: ", MUTED), ", ".join(f"{x['short']} {scores[x['id']]['total']:g}" for x in st["seats"])))
        self.query_one("#fac-seats", Static).update(Content("\n").join(lines))
        rolls = self.query_one("#rolls", OptionList)
        highlighted = rolls.highlighted
        rolls.clear_options()
        state_word = {None: ("roll the dice", MUTED), True: ("force success", GOOD), False: ("force failure", BAD)}
        if st["pending_rolls"]:
            rolls.add_options(
                Option(Content.assemble(r["label"], (f"  {percent(r['chance'])}  → ", MUTED), state_word[r["forced"]]), id=r["key"])
                for r in st["pending_rolls"]
            )
            rolls.highlighted = min(highlighted or 0, len(st["pending_rolls"]) - 1)
        else:
            rolls.add_option(Option(Content.styled("No chance rolls among the sealed orders yet.", MUTED), disabled=True))
        notes = [heading("Notices")] + [Content(n) for n in st["notices"][-8:]] if st["notices"] else []
        notes += waiting_offers(st)
        if st["injects"]:
            notes += [heading("Injects queued this turn")] + [Content("★ " + (i["text"] or i["event"] or "")) for i in st["injects"]]
        self.query_one("#fac-notices", Static).update(Content("\n").join(notes))
        deck = DeckSketch(st)
        report = st["report"]
        if report:
            self.query_one("#fac-report", Static).update(
                Content("\n").join([heading(f"Results of {st['turn_name']} {report['turn']}")] + [news_block([_news(n) for n in report["news"]], cast(Any, deck), show_audience=True)])
            )
        tracks = [_track({**t, "label": deck.slot_label(i)}) for i, t in enumerate(st["tracks"])]
        self.query_one("#fac-tracks", Static).update(Content("\n").join([heading("Tracks (everything)"), tracks_block(tracks, 22, 14, names=False)]))

    def send(self, message: dict[str, Any]) -> None:
        self.remote.send(message)

    def action_resolve(self, missing: str) -> None:
        self.send({"type": "resolve", "missing": missing})

    def action_pause(self) -> None:
        self.send({"type": "resume" if self.state["paused"] else "pause"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_time":
            return self.state.get("countdown") is not None
        return True

    def action_add_time(self, seconds: int) -> None:
        """A minute more or less for this turn; the host sends every screen the new time."""
        self.send({"type": "add_time", "seconds": seconds})

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        b = event.button.id
        if b == "resolve":
            self.action_resolve("stand_pat")
        elif b == "resolve-computer":
            self.action_resolve("computer")
        elif b == "pause":
            self.action_pause()
        elif b == "countdown":
            try:
                minutes = float(self.query_one("#minutes", Input).value)
            except ValueError:
                self.notify("Type the countdown's length in minutes.", severity="warning", markup=False)
                return
            self.send({"type": "countdown", "minutes": minutes})
        elif b == "countdown-stop":
            self.send({"type": "countdown", "minutes": 0})
        elif b == "fire":
            text = self.query_one("#inject-text", Input).value
            effects = [e.strip() for e in self.query_one("#inject-effects", Input).value.split(";") if e.strip()]
            self.send({"type": "inject", "text": text, "effects": effects})
        elif b in {"revoke", "reissue"}:
            role = self.query_one("#code-role", Select).value
            if isinstance(role, str):
                self.send({"type": b, "role": role})
        elif b == "reseat":
            seat = self.query_one("#reseat-seat", Select).value
            spec = self.query_one("#reseat-spec", Input).value.strip()
            if isinstance(seat, str) and spec:
                self.send({"type": "reseat", "seat": seat, "spec": spec})

    @on(OptionList.OptionSelected, "#events")
    def fire_event(self, event: OptionList.OptionSelected) -> None:
        self.send({"type": "inject", "event": event.option.id})

    @on(OptionList.OptionSelected, "#rolls")
    def cycle_roll(self, event: OptionList.OptionSelected) -> None:
        roll = next((r for r in self.state["pending_rolls"] if r["key"] == event.option.id), None)
        if roll is not None:
            nxt = {None: True, True: False, False: None}[roll["forced"]]
            self.send({"type": "override", "key": roll["key"], "outcome": nxt})

    @on(Checkbox.Changed, "#auto")
    def auto_changed(self, event: Checkbox.Changed) -> None:
        if event.value != self.state["settings"]["auto_resolve"]:
            self.send({"type": "settings", "auto_resolve": event.value})

    @on(Select.Changed, "#on-timeout")
    def timeout_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.state["settings"]["on_timeout"]:
            self.send({"type": "settings", "on_timeout": event.value})


class RemoteApp(App[None]):
    """One client of a hosted exercise."""

    TITLE = "wargame"
    CSS_PATH = ["app.tcss", "orders.tcss", "resolution.tcss", "dashboard.tcss", "facilitator.tcss", "projector.tcss", "end.tcss", "remote.tcss"]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, url: str, code: str = "") -> None:
        super().__init__()
        self.url = url
        self.code = code
        self.client: Client | None = None
        self.role = ""
        self.remote: RemoteSession | None = None
        self.state: dict[str, Any] = {}
        self._state_at = time.monotonic()
        self._shown_results = 0
        """The last resolved turn whose results this seat has been shown."""
        self._reading_results = False
        self._clock: Timer | None = None
        self.thinking = False

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.close()

    def on_mount(self) -> None:
        if self.code:
            self.push_screen(CodeScreen(self.url, "Joining…"))
            self.join(self.code)
        else:
            self.push_screen(CodeScreen(self.url))

    # -- the connection ----------------------------------------------------------------
    @work(exclusive=True, group="connection")
    async def join(self, code: str) -> None:
        """Connect with `code`, then render every state the host pushes; rejoin on a drop."""
        attempt = 0
        joined = False
        while True:
            client = Client(self.url)
            try:
                welcome = await client.connect(code)
            except HostError as exc:
                await client.close()
                refused = "cannot reach" not in str(exc) and "did not answer" not in str(exc) and "closed" not in str(exc)
                if not joined or refused:
                    self.code = ""
                    await self._back_to_code(str(exc))
                    return
                attempt += 1
                self._status(f"Connection lost: rejoining (attempt {attempt})…")
                await asyncio.sleep(RETRY[min(attempt, len(RETRY)) - 1])
                continue
            joined, attempt = True, 0
            self.code, self.client, self.role = code, client, welcome["role"]
            if self.remote is not None:
                self.notify("Rejoined the exercise.", markup=False)
            try:
                while True:
                    msg = await client.next()
                    self.on_host_message(msg)
                    if msg.get("type") == "closed":
                        await client.close()
                        self.client = None
                        self.code = ""
                        await self._back_to_code(str(msg.get("message", "the host closed the connection")))
                        return
            except HostError:
                self.client = None
                await client.close()
                self._status("Connection lost: rejoining…")
                await asyncio.sleep(RETRY[0])

    async def _back_to_code(self, message: str) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.remote = None
        await self.push_screen(CodeScreen(self.url, message))

    def _status(self, text: str) -> None:
        self.notify(text, severity="warning", markup=False, timeout=3)

    def send(self, message: dict[str, Any]) -> None:
        client = self.client
        if client is None:
            self.notify("Not connected to the host right now: try again in a moment.", severity="error", markup=False)
            return

        async def go() -> None:
            try:
                await client.send({"v": 1, **message})
            except (HostError, ConnectionError) as exc:
                self.notify(f"Could not send: {exc}", severity="error", markup=False)

        self.run_worker(go(), group="send")

    def countdown_left(self) -> float | None:
        left = self.state.get("countdown")
        if left is None:
            return None
        if not self.state.get("countdown_running"):
            return float(left)
        return max(0.0, float(left) - (time.monotonic() - self._state_at))

    # -- what the host says ------------------------------------------------------------
    def on_host_message(self, msg: dict[str, Any]) -> None:
        kind = msg.get("type")
        if kind == "state":
            self.state = msg
            self._state_at = time.monotonic()
            self._show_state(msg)
            self._clock_if_needed()
        elif kind == "error":
            self.notify(str(msg.get("message")), severity="error", markup=False, timeout=8)
        elif kind == "code":
            text = f"New code for {msg['role']}: {msg['code']} (the old one no longer works)"
            for screen in self.screen_stack:
                if isinstance(screen, FacilitatorConsole):
                    screen.query_one("#fac-code", Static).update(Content.styled(text, "bold $accent"))
            self.notify(text, markup=False, timeout=30)
        elif kind == "ok" and msg.get("of") == "orders":
            self.notify("Orders sealed.", markup=False)

    def _show_state(self, st: dict[str, Any]) -> None:
        if self.role == "facilitator":
            self._show_single(FacilitatorConsole, st)
            return
        if self.role == "projector":
            self._show_single(ProjectorView, st)
            return
        first = self.remote is None
        if self.remote is None:
            self.remote = RemoteSession(st)
            self._shown_results = self.remote.resolved
        else:
            self.remote.update(st)
        s = self.remote
        if s.resolved > self._shown_results and not first:
            self._shown_results = s.resolved
            self._reading_results = True
            self._replace(ResolutionScreen(_as_session(s), s.resolved, Viewer.seat(s.seat)))
            return
        if self._reading_results:
            self._refresh()
            return
        self._next_screen(s)

    def _next_screen(self, s: RemoteSession) -> None:
        if s.is_over:
            self._replace(RemoteEndScreen(s))
        elif st_computer(s):
            self._replace(WaitScreen(s, "A computer plays your seat", "The facilitator handed your seat to a computer."), same_turn=True)
        elif s.sealed:
            self._replace(WaitScreen(s, "Orders sealed"), same_turn=True)
        elif isinstance(self.screen, RemoteOrdersScreen) and self.screen.turn == s.turn:
            self._refresh()
        else:
            self._replace(RemoteOrdersScreen(s))

    def _show_single(self, kind: type[FacilitatorConsole | ProjectorView], st: dict[str, Any]) -> None:
        screen = next((x for x in self.screen_stack if isinstance(x, kind)), None)
        if screen is None:
            self._replace(kind(st))
        elif screen.is_mounted:
            screen.show(st)

    def _replace(self, screen: Screen[None], same_turn: bool = False) -> None:
        current = self.screen
        if same_turn and type(current) is type(screen) and getattr(current, "title_text", None) == getattr(screen, "title_text", None):
            self._refresh()
            return

        async def go() -> None:
            while len(self.screen_stack) > 2:
                await self.pop_screen()
            if len(self.screen_stack) < 2:
                await self.push_screen(screen)
            else:
                await self.switch_screen(screen)

        self.call_later(go)

    def _refresh(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, GameScreen) and screen.is_mounted:
                screen.refresh_view()

    def _clock_if_needed(self) -> None:
        running = bool(self.state.get("countdown_running"))
        if running and self._clock is None:
            self._clock = self.set_interval(1.0, self._tick)
        elif not running and self._clock is not None:
            self._clock.stop()
            self._clock = None

    def _tick(self) -> None:
        """Once a second while a countdown runs: redraw it (the host says when time is up)."""
        self._refresh()
        for screen in self.screen_stack:
            if isinstance(screen, FacilitatorConsole) and screen.is_mounted:
                screen.show(self.state)

    # -- messages from the reused screens ----------------------------------------------
    @on(RemoteOrdersScreen.Confirmed)
    def orders_confirmed(self, message: RemoteOrdersScreen.Confirmed) -> None:
        if self.remote is None:
            return
        self.send({"type": "orders", "turn": self.remote.turn, "orders": list(message.orders)})

    @on(ResolutionScreen.Continue)
    def results_read(self) -> None:
        self._reading_results = False
        if self.remote is not None:
            self._next_screen(self.remote)

    def action_dashboard(self) -> None:
        from wargame.tui.screens.dashboard import DashboardScreen

        if self.remote is None or isinstance(self.screen, DashboardScreen):
            return
        self.push_screen(DashboardScreen(_as_session(self.remote), Viewer.seat(self.remote.seat)))

    def action_projector(self) -> None:
        self.notify("The public view is on the room's projector.", markup=False)


def st_computer(s: RemoteSession) -> bool:
    return bool(s.state.get("computer"))


def run_remote(url: str, code: str) -> None:
    """Run the join app in this terminal (or, under textual-serve, in a browser tab)."""
    RemoteApp(url, code).run()



