"""`wargame join`: one team, the facilitator or the projector of a hosted exercise, in a
terminal (or a browser tab, through textual-serve).

The app asks for a join code (unless given) and reaches the game through a
`RemoteClient`: the same screens as a game on one keyboard (orders, results, dashboard,
the facilitator's console, the projector, the end), fed the observation the host sends
this role, and the same turn flow. If the connection drops it rejoins with the same code.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from wargame.net.remote import RemoteClient, Status
from wargame.observe.talk import MAX_MEMBER_NAME
from wargame.observe.visibility import Viewer
from wargame.tui.app import CSS
from wargame.tui.flow import Keyboard, Step, next_step
from wargame.tui.game_app import GameApp
from wargame.tui.render import BAD, MUTED
from wargame.tui.screens.base import GameScreen
from wargame.tui.screens.end import EndScreen
from wargame.tui.screens.facilitator import FacilitatorScreen
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.screens.projector import ProjectorScreen
from wargame.tui.screens.resolution import ResolutionScreen
from wargame.tui.screens.wait import WaitScreen
from wargame.tui.widgets import TitleBar


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
            yield Input(placeholder="your name, if your team shares the seat", id="member", max_length=MAX_MEMBER_NAME)
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
        app = self.app
        assert isinstance(app, JoinApp)
        app.join(code, self.query_one("#member", Input).value.strip())


class JoinApp(GameApp):
    """One client of a hosted exercise."""

    TITLE = "wargame"
    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    game_version: reactive[int] = reactive(0)
    """Bumped whenever the host sends something new."""
    clock_tick: reactive[int] = reactive(0)

    def __init__(self, url: str, code: str = "", name: str = "") -> None:
        super().__init__()
        self.url = url
        self.code = code
        self.member = name
        """A team member's display name: several members share a seat, each on a device."""
        self.client: RemoteClient | None = None
        self.results_read = -1
        """The last resolved turn whose results this team has been shown (-1: not joined yet)."""
        self._shown: Step | None = None

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.set_interval(1.0, self._tick)
        if self.code:
            self.push_screen(CodeScreen(self.url, "Joining…"))
            self.join(self.code, self.member)
        else:
            self.push_screen(CodeScreen(self.url))

    def _tick(self) -> None:
        room = self.client.observe(self.client.viewer).room if self.client is not None and self.client.ready else None
        if room is not None and room.countdown_running:
            self.clock_tick += 1

    # -- the connection ----------------------------------------------------------------
    def join(self, code: str, name: str = "") -> None:
        if self.client is not None:
            self.client.close()
        self.code = code
        self.member = name
        self.results_read = -1
        client = RemoteClient(self.url, code, self._status, name=name)
        client.subscribe(self._changed)
        self.client = client
        self._connect(client)

    @work(exclusive=True, group="connection")
    async def _connect(self, client: RemoteClient) -> None:
        await client.run()

    def _status(self, kind: Status, text: str) -> None:
        if kind in {"refused", "closed"}:
            self.code = ""
            self.call_later(self._back_to_code, text)
        elif kind == "rejoined":
            self.notify("Rejoined the exercise.", markup=False)
        elif kind == "lost":
            self.notify(text, severity="warning", markup=False, timeout=3)
        elif kind == "message":
            self.notify(text, severity="error", markup=False, timeout=8)

    async def _back_to_code(self, message: str) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.client = None
        self._shown = None
        await self.push_screen(CodeScreen(self.url, message))

    def _changed(self) -> None:
        self.game_version += 1
        self.advance()

    # -- the flow ----------------------------------------------------------------------
    def home_viewer(self) -> Viewer:
        assert self.client is not None
        return self.client.viewer

    def keyboard(self) -> Keyboard:
        client = self.client
        assert client is not None
        if client.role == "facilitator":
            return Keyboard(facilitator=True, joined=True)
        if client.role == "projector":
            return Keyboard(projector=True, joined=True)
        return Keyboard(seats=(client.seat,) if client.seat else (), joined=True)

    def advance(self) -> None:
        client = self.client
        if client is None or not client.ready:
            return
        obs = client.observe(client.viewer)
        if self.results_read < 0:
            self.results_read = obs.game.resolved  # a team joining mid-game starts from now
        step = next_step(obs, self.keyboard(), self.results_read)
        if step == self._shown and any(isinstance(x, GameScreen) for x in self.screen_stack):
            return
        if step.kind == "orders" and self._shown is not None and self._shown.kind == "orders" and self._shown.turn == step.turn:
            return
        if step.kind in {"facilitator", "projector"} and self._shown is not None and self._shown.kind == step.kind:
            # The console and the projector follow the game themselves: a new turn is not a
            # new screen (that would lose an inject half written, the codes and the focus).
            return
        screen: Screen[None]
        match step.kind:
            case "results":
                screen = ResolutionScreen(client, step.turn, client.viewer)
            case "end":
                screen = EndScreen(client, client.viewer, local=False)
            case "orders":
                assert step.seat is not None
                screen = self.orders_screen(client, step.seat)
            case "wait":
                assert step.seat is not None
                screen = WaitScreen(client, step.seat, "Orders sealed")
            case "computer":
                assert step.seat is not None
                screen = WaitScreen(client, step.seat, "A computer plays your seat", "The facilitator handed your seat to a computer.")
            case "facilitator":
                screen = FacilitatorScreen(client, closable=False)
            case "projector":
                screen = ProjectorScreen(client, closable=False)
            case _:
                return
        self._shown = step
        self.call_later(self._replace, screen)

    async def _replace(self, screen: Screen[None]) -> None:
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) < 2:
            await self.push_screen(screen)
        else:
            await self.switch_screen(screen)

    # -- messages from the screens ------------------------------------------------------
    @on(OrdersScreen.Confirmed)
    def orders_confirmed(self, message: OrdersScreen.Confirmed) -> None:
        self._seal(message)

    @work(group="commands", exit_on_error=False)
    async def _seal(self, confirmed: OrdersScreen.Confirmed) -> None:
        if await self.seal(confirmed):
            self.notify("Orders sealed.", markup=False)

    @on(ResolutionScreen.Continue)
    def results_read_now(self, message: ResolutionScreen.Continue) -> None:
        self.results_read = max(self.results_read, message.turn)
        self._shown = None
        self.advance()

    def action_dashboard(self) -> None:
        from wargame.tui.screens.dashboard import DashboardScreen

        client = self.client
        if client is None or not client.ready or isinstance(self.screen, DashboardScreen) or client.role == "projector":
            return
        self.push_screen(DashboardScreen(client, client.viewer))

    def action_projector(self) -> None:
        self.notify("The public view is on the room's projector.", markup=False)


def run_remote(url: str, code: str, name: str = "") -> None:
    """Run the join app in this terminal (or, under textual-serve, in a browser tab)."""
    JoinApp(url, code, name).run()
