"""The Textual app behind `wargame play`: a game on this keyboard, through the one client.

The app starts, loads and saves games; what the people at the keyboard see next is
`flow.next_step`, from the game's observation. The game runs in its controller behind a
`LocalClient`: computer seats decide in worker threads, every change bumps `game_version`,
and each screen fetches its own viewer's observation. Screens send commands up; nothing
here changes the game but through the client.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import ClassVar

from platformdirs import user_downloads_path
from textual import on, work
from textual.actions import SkipAction
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.errors import WargameError
from wargame.observe.visibility import FACILITATOR, FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.client import LocalClient
from wargame.play.commands import GameCommand, Pause, Resume
from wargame.play.control import Session
from wargame.saves.catalogue import latest_unfinished, new_seed
from wargame.tui.clock import Ticker
from wargame.tui.commands import WargameCommands
from wargame.tui.flow import Keyboard, Step, next_step, seat_results
from wargame.tui.game_app import GameApp
from wargame.tui.saving import save_after_crash, save_copy
from wargame.tui.screens.confirm import ConfirmScreen
from wargame.tui.screens.curtain import CurtainScreen
from wargame.tui.screens.end import EndScreen
from wargame.tui.screens.new_game import LastSetup, NewGameScreen, find_decks
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.screens.resolution import ResolutionScreen
from wargame.tui.screens.start import StartScreen
from wargame.words import possessive

PACKAGE_DECKS = Path(__file__).resolve().parent.parent.parent / "decks"
DARK, LIGHT = "textual-dark", "textual-light"
CSS: list[str | PurePath] = [
    Path(__file__).parent / name
    for name in ("app.tcss", "start.tcss", "new_game.tcss", "curtain.tcss", "orders.tcss", "resolution.tcss",
                 "dashboard.tcss", "facilitator.tcss", "projector.tcss", "end.tcss", "replay.tcss", "remote.tcss")
]
"""Every screen's stylesheet (the join app, and any app showing these screens, uses the same)."""


class WargameApp(GameApp):
    """`deck` is the deck offered first for a new game; saves go to `save_dir`."""

    TITLE = "wargame"
    CSS_PATH = CSS
    COMMANDS = App.COMMANDS | {WargameCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+r", "retry_save", "Retry save", show=False),
        # Esc closes the keys help (opened from the palette) before anything else it means.
        Binding("escape", "close_help", "Close help", show=False, priority=True),
    ]

    game_version: reactive[int] = reactive(0)
    """Bumped on every change of the game: each game screen fetches its observation anew."""
    clock_tick: reactive[int] = reactive(0)
    """Bumped once a second while a countdown runs."""

    def __init__(
        self,
        deck: Path | None = None,
        save_dir: Path = Path("saves"),
        *,
        compiled: CompiledDeck | None = None,
        seed: int | None = None,
        decks_dirs: Sequence[Path] | None = None,
        now: Callable[[], float] = time.monotonic,
        replay: Path | None = None,
        present: bool = False,
    ) -> None:
        """`now` is the clock the facilitator's countdown reads (tests give a fake one).
        `replay`: open the debrief of this save instead of the start screen (leaving it
        quits); `present`: open it in presentation mode."""
        super().__init__()
        self.now = now
        self.replay_path = replay
        self.present = present
        self.deck_path = deck
        self.compiled = compiled
        self.save_dir = save_dir
        self.fixed_seed = seed
        """A seed to offer instead of a random one (tests and snapshots)."""
        folders = list(decks_dirs) if decks_dirs is not None else [p for p in (deck.parent if deck else None, PACKAGE_DECKS) if p]
        self.decks_dirs = folders
        self.session: Session | None = None
        self.client: LocalClient | None = None
        self.results_read = 0
        """The last resolved turn whose results the room has been shown."""
        self.seats_read: dict[str, int] = {}
        """On a shared screen: the last resolved turn whose results each seat has read."""
        self._note = ""
        self._shown: Step | None = None
        self.ticker = Ticker(self, self._ticked, self.as_facilitator, self.command)

    # -- showing screens -------------------------------------------------------------
    def on_mount(self) -> None:
        self.theme = DARK
        if self.replay_path is not None:
            from wargame.tui.screens.replay import ReplayScreen

            self.push_screen(ReplayScreen(self.replay_path, exit_on_close=True, present=self.present))
            return
        self.push_screen(StartScreen(self.save_dir))

    async def _show(self, screen: Screen[None]) -> None:
        """Replace the current flow screen (closing any dialogs or views above it)."""
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if len(self.screen_stack) < 2:
            await self.push_screen(screen)
        else:
            await self.switch_screen(screen)

    def show(self, screen: Screen[None]) -> None:
        self._shown = None
        self.call_later(self._show, screen)

    @property
    def thinking(self) -> bool:
        """Computer seats are deciding right now."""
        return self.session is not None and bool(self.session.thinking)

    # -- the flow of a game ----------------------------------------------------------
    def begin(self, session: Session, *, new: bool = False) -> None:
        """Play `session` here; `new`: a game just set up, whose seats open on their briefing."""
        if self.client is not None:
            self.client.close()
        if self.session is not None and self.session is not session:
            self.session.close_bots()  # the game left behind ends its programs
        self.session = session
        session.clock.now = self.now
        # A game on one keyboard: it resolves on its own unless a facilitator runs it, the
        # facilitator decides at time-up, and the next countdown starts once the room has
        # read the results.
        session.settings = session.settings.model_copy(update={"auto_resolve": not session.facilitator, "on_timeout": "wait"})
        session.clock_waits_for_results = True
        self.client = LocalClient(session, spawn=self._spawn)
        def changed() -> None:
            self.post_message(self.GameChanged(session))

        self.client.subscribe(changed)
        self.results_read = len(session.game.records)
        self.seats_read = dict.fromkeys(session.humans, self.results_read)
        self.briefed = set() if new else set(session.humans)
        self._note = ""
        self.ticker.follow(session)
        for note in session.notes:  # e.g. a program seat from the save that is not run
            self.notify(note, title="Stand-in", severity="warning", markup=False, timeout=15)
        self.client.start()
        if not session.settings.auto_resolve or not session.ready:
            self.advance()
        else:
            session.after_change()  # every seat was sealed when it was saved

    def _spawn(self, fn: Callable[[], None]) -> None:
        self.run_worker(fn, thread=True, group="bots")

    @dataclass
    class GameChanged(Message):
        """Something changed in the game (posted from any thread)."""

        session: Session

    def on_wargame_app_game_changed(self, message: GameChanged) -> None:
        if message.session is not self.session:
            return  # a game left behind while its computers were thinking
        self.game_version += 1
        if self.session.save_error:
            self.check_saved()
        if self.session.clock.countdown.active:
            self.ticker.start()
        self.advance()

    def keyboard(self) -> Keyboard:
        s = self.session
        assert s is not None
        from wargame.tui.screens.facilitator import FacilitatorScreen

        here = any(isinstance(x, FacilitatorScreen) for x in self.screen_stack)
        return Keyboard(seats=tuple(s.humans), facilitator=s.facilitator, shared=s.shared_screen, facilitator_here=here)

    def advance(self, note: str = "") -> None:
        """Show whatever the game needs next: a seat's curtain or orders, the computers
        thinking, the facilitator, the results, or the end."""
        s, client = self.session, self.client
        if s is None or client is None:
            self.show(StartScreen(self.save_dir))
            return
        if note:
            self._note = note
        step = next_step(client.observe(PUBLIC), self.keyboard(), self.results_read)
        if self._same_results(step) or step == self._shown and self._on_flow_screen() or self._seat_at_keyboard(step):
            return  # already showing it: the screen follows the game on its own
        if step.kind == "curtain" and self._shown == Step("orders", step.seat, step.turn) and self._on_flow_screen():
            return  # the seat is past its curtain (a message it sent, say, changed the game)
        screen: Screen[None]
        match step.kind:
            case "results":
                # On a shared screen the room sees the public results (the facilitator's only
                # with its console open at the keyboard; everything at the end).
                room = PUBLIC if s.shared_screen and not s.is_over else s.viewer
                screen = ResolutionScreen(client, step.turn, FACILITATOR_VIEWER if step.seat == FACILITATOR else room)
            case "end":
                screen = EndScreen(client, Viewer("facilitator"), save_path=s.save_path)
            case "orders":
                assert step.seat is not None
                screen = self.orders_screen(client, step.seat)
            case "curtain" | "thinking" | "computer":
                viewer = PUBLIC if s.shared_screen else s.viewer
                seat = step.seat if step.kind == "curtain" else None
                screen = CurtainScreen(client, viewer, seat, self._note, facilitator=s.facilitator)
            case _:
                return
        self._note = ""
        self.show(screen)
        self._shown = step

    def _same_results(self, step: Step) -> bool:
        """These results are showing already: the facilitator's, opened from its console,
        stay up after the console closes under them (the room does not swap them)."""
        shown = self._shown
        return step.kind == "results" and shown is not None and shown.kind == "results" and shown.turn == step.turn and self._on_flow_screen()

    def _seat_at_keyboard(self, step: Step) -> bool:
        """The seat a curtain would be for is past it already (reading its results or giving
        its orders): a change elsewhere in the game does not send it back."""
        if step.kind != "curtain" or step.seat is None:
            return False
        seat = Viewer.seat(step.seat)
        return any(
            isinstance(x, OrdersScreen) and x.viewer == seat and x.turn == step.turn
            or isinstance(x, ResolutionScreen) and x.viewer == seat and x.turn == step.turn - 1
            for x in self.screen_stack
        )

    def _on_flow_screen(self) -> bool:
        """The screen of the current step is under any dialogs (not replaced by a view)."""
        return any(isinstance(x, ResolutionScreen | EndScreen | OrdersScreen | CurtainScreen) for x in self.screen_stack)

    def check_saved(self) -> None:
        """Say so plainly when the autosave failed (the game goes on in memory)."""
        s = self.session
        if s is not None and s.save_error:
            self.notify(
                f"{s.save_error}. The game goes on; press ctrl+r to try saving again.",
                title="Autosave failed",
                severity="error",
                markup=False,
                timeout=30,
            )
        self.game_version += 1

    def action_retry_save(self) -> None:
        s = self.session
        if s is None or not s.save_error:
            return
        if s.retry_save():
            self.notify(f"Saved to {s.save_path}", markup=False)
        self.check_saved()

    def _ticked(self) -> None:
        self.clock_tick += 1

    def command(self, command: GameCommand, role: str) -> None:
        """Send a command to the game; a refusal is shown in one line."""
        self._command(command, role)

    @work(group="commands", exit_on_error=False)
    async def _command(self, command: GameCommand, role: str) -> None:
        if self.client is None:
            return
        reply = await self.client.send(command, role)
        if not reply.ok:
            self.notify(reply.message, severity="error", markup=False)

    # -- messages from the screens ------------------------------------------------------
    @on(NewGameScreen.Start)
    def new_game_start(self, message: NewGameScreen.Start) -> None:
        try:
            session = Session.new(
                message.deck,
                message.seats,
                seed=message.seed,
                turns=message.turns,
                facilitator=message.facilitator,
                facilitator_pin=message.pin or None,
                save_dir=self.save_dir,
            )
        except WargameError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if message.deck.path:
            LastSetup(Path(message.deck.path), message.seats, message.turns, message.facilitator).write(self.save_dir)
        self.begin(session, new=True)

    @on(CurtainScreen.Ready)
    def curtain_ready(self, message: CurtainScreen.Ready) -> None:
        s, client = self.session, self.client
        if s is None or client is None:
            return
        if message.seat == FACILITATOR:
            self.action_facilitator()
            return
        turn = seat_results(client.observe(Viewer.seat(message.seat)), client.observe(PUBLIC), self.keyboard(), self.seats_read.get(message.seat, 0))
        if turn is not None:
            # Behind its curtain, the seat reads its own results first (as it may see them).
            self._shown = Step("curtain", message.seat, s.turn)
            self.call_later(self._show, ResolutionScreen(client, turn, Viewer.seat(message.seat), seat=message.seat))
        elif not s.has_orders(message.seat):
            self._shown = Step("orders", message.seat, s.turn)
            self.call_later(self._show, self.orders_screen(client, message.seat))

    @on(OrdersScreen.Confirmed)
    def orders_confirmed(self, message: OrdersScreen.Confirmed) -> None:
        self._seal(message)

    @work(group="commands", exit_on_error=False)
    async def _seal(self, confirmed: OrdersScreen.Confirmed) -> None:
        s = self.session
        if s is None or not await self.seal(confirmed):
            return
        if s.save_error:
            self.check_saved()
        self._shown = None
        self.advance(f"{possessive(s.actor_name(confirmed.seat))} orders are sealed.")

    @on(ResolutionScreen.Continue)
    def resolution_continue(self, message: ResolutionScreen.Continue) -> None:
        s, client = self.session, self.client
        if s is None or client is None:
            return
        if message.seat is not None:
            # A seat has read its own results behind its curtain: on to its orders.
            self.seats_read[message.seat] = max(self.seats_read.get(message.seat, 0), message.turn)
            if not s.has_orders(message.seat) and not s.is_over:
                self._shown = Step("orders", message.seat, s.turn)
                self.call_later(self._show, self.orders_screen(client, message.seat))
            else:
                self._shown = None
                self.advance()
            return
        self.results_read = max(self.results_read, message.turn)
        s.start_turn_clock()  # the next turn's clock starts once the room has read the results
        self.ticker.follow(s)
        self.advance()

    # -- actions (keys, menus and the command palette) ---------------------------------
    def _in_game(self) -> bool:
        return self.session is not None and not self.session.is_over

    def _leave_game(self, then: str, question: str) -> None:
        """Run action `then`, asking first if a game is in progress."""
        if not self._in_game():
            self.call_later(self.run_action, then)
            return
        detail = "It is saved: every turn and every confirmed order. Orders not yet confirmed are lost."

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_later(self.run_action, then)

        self.push_screen(ConfirmScreen(question, detail), answered)

    def action_new_game(self) -> None:
        self._leave_game("open_new_game", "Leave this game for a new one?")

    def action_open_new_game(self) -> None:
        known = {}
        if self.compiled is not None and self.deck_path is not None:
            known[self.deck_path.resolve()] = self.compiled
        decks = find_decks(self.decks_dirs, known)
        seed = self.fixed_seed if self.fixed_seed is not None else new_seed()
        self.show(NewGameScreen(decks, self.deck_path, seed, LastSetup.read(self.save_dir)))

    def action_show_start(self) -> None:
        self.session = None
        self.show(StartScreen(self.save_dir))

    def action_continue_game(self) -> None:
        latest = latest_unfinished(self.save_dir)
        if latest is None:
            self.notify("There is no game to continue.", markup=False)
            return
        self.load(latest.path)

    def action_load_game(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self._leave_game_then_load(path)

        from wargame.tui.screens.load_save import LoadSaveScreen

        self.push_screen(LoadSaveScreen(self.save_dir), chosen)

    def action_debrief(self) -> None:
        """Pick a save and open it in the replay viewer."""

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.open_replay(path)

        from wargame.tui.screens.load_save import LoadSaveScreen

        self.push_screen(LoadSaveScreen(self.save_dir, title="Debrief a saved game"), chosen)

    def action_debrief_game(self) -> None:
        """The replay viewer on the game just played (from the end screen)."""
        s = self.session
        if s is None or s.save_path is None:
            self.notify("This game has no save to debrief.", markup=False)
            return
        self.open_replay(s.save_path)

    def open_replay(self, path: Path) -> None:
        from wargame.tui.screens.replay import ReplayScreen

        self.push_screen(ReplayScreen(path))

    def play_branch(self, path: Path) -> None:
        """A branch made in the replay viewer: play it in the normal game UI."""
        self.replay_path = None  # from now on the app is a game like any other
        self.load(path)

    def _leave_game_then_load(self, path: Path) -> None:
        if not self._in_game():
            self.load(path)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.load(path)

        self.push_screen(ConfirmScreen("Leave this game for the saved one?", "This game is saved up to its last confirmed orders."), answered)

    def load(self, path: Path) -> None:
        """Open a save: read and replayed in a worker (a large save never freezes the
        screen), with an "Opening…" dialog that Esc cancels."""
        from wargame.tui.screens.opening import OpeningScreen

        opening = OpeningScreen(path)
        self.push_screen(opening)
        self.open_save(path, opening)

    @work(thread=True, exclusive=True, group="open-save")
    def open_save(self, path: Path, opening: Screen[None]) -> None:
        try:
            result: Session | str = Session.resume(path)
        except WargameError as exc:
            result = str(exc)
        self.post_message(self.SaveOpened(path, result, opening))

    @dataclass
    class SaveOpened(Message):
        """A save has been read (a `Session`), or why not (a message)."""

        path: Path
        result: Session | str
        opening: Screen[None]

    def on_wargame_app_save_opened(self, message: SaveOpened) -> None:
        opening = message.opening
        if getattr(opening, "cancelled", False):
            return  # the person gave up waiting: leave things as they are
        if opening.is_attached and self.screen is opening:
            opening.dismiss(None)
        if isinstance(message.result, str):
            self.notify(message.result, title="Cannot load the save", severity="error", markup=False, timeout=10)
            return
        self.notify(f"Loaded {message.path}", markup=False)
        self.begin(message.result)

    def action_save_copy(self) -> None:
        if self.session is None:
            self.notify("There is no game to save yet.", markup=False)
            return
        save_copy(self, self.session, self.save_dir)

    def home_viewer(self) -> Viewer:
        assert self.session is not None
        return self.session.viewer

    def action_dashboard(self) -> None:
        from wargame.tui.screens.dashboard import DashboardScreen

        if self.client is None or isinstance(self.screen, DashboardScreen):
            return
        self.push_screen(DashboardScreen(self.client, self.viewer_here()))

    def action_projector(self) -> None:
        from wargame.tui.screens.projector import ProjectorScreen

        if self.client is None or isinstance(self.screen, ProjectorScreen):
            return
        self.push_screen(ProjectorScreen(self.client))

    def action_facilitator(self) -> None:
        from wargame.tui.screens.facilitator import FacilitatorScreen

        s, client = self.session, self.client
        if s is None or client is None or not s.facilitator or s.is_over or isinstance(self.screen, FacilitatorScreen):
            return
        if any(isinstance(screen, OrdersScreen) for screen in self.screen_stack):
            # A seat is at the keyboard: the controls show every seat's orders.
            self.notify("The facilitator's controls open from the curtain, between seats.", markup=False)
            return
        self.as_facilitator(lambda: self.push_screen(FacilitatorScreen(client, pin_warning=s.lock.warning(s.deck.turn_name))))

    def as_facilitator(self, then: Callable[[], object]) -> None:
        """Run `then` once the facilitator's PIN is given (at once when there is none).

        A wrong PIN is refused, recorded and autosaved; the facilitator sees it next time."""
        s = self.session
        if s is None:
            return
        if not s.lock.locked:
            then()
            return
        from wargame.tui.screens.pin import PinScreen

        def answered(pin: str | None) -> None:
            if pin is None or self.session is not s:
                return
            wait = s.lock.wait()
            if wait > 0:
                self.notify(f"Too soon after a wrong PIN: wait {math.ceil(wait)} seconds and try again.", severity="error", markup=False)
                return
            if s.lock.check(pin, s.turn):
                then()
                return
            s.autosave()
            self.notify(f"Wrong PIN. The facilitator will see that someone tried. Wait {math.ceil(s.lock.wait())} seconds before trying again.",
                        severity="error", markup=False)

        self.push_screen(PinScreen(), answered)

    def action_pause(self, trusted: bool = False) -> None:
        """The facilitator pauses the room: with the PIN, unless asked from the facilitator's
        own console (`trusted`). Only the facilitator lifts it, with the PIN again."""
        from wargame.tui.screens.pause import PauseScreen

        s = self.session
        if s is None or s.clock.paused:
            return

        def pause() -> None:
            if self.session is not s or s.clock.paused:
                return
            self.command(Pause(), FACILITATOR)
            self.push_screen(PauseScreen(self.ask_resume))

        if trusted:
            pause()
        else:
            self.as_facilitator(pause)

    def ask_resume(self, banner: Screen[None]) -> None:
        """Lift the facilitator's pause: the PIN first (a student cannot)."""

        def resume() -> None:
            self.command(Resume(), FACILITATOR)
            if banner.is_attached:
                banner.dismiss(None)

        self.as_facilitator(resume)

    def action_start_clock(self) -> None:
        self.ticker.start()

    def tick(self) -> None:
        """One second of the countdown (the ticker calls it; tests with a fake clock too)."""
        self.ticker.tick()

    def action_close_help(self) -> None:
        if not self.screen.query("HelpPanel"):
            raise SkipAction  # Esc keeps its meaning on this screen
        self.action_hide_help_panel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without the keys help open, Esc is the screen's own: off here, the screen's
        # binding is the one the footer shows ("esc Back"), not hidden behind this one.
        if action == "close_help" and not self.screen.query("HelpPanel"):
            return False
        return super().check_action(action, parameters)

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None, time_format: str | None = None) -> str | None:
        """The palette's Screenshot: an SVG of the screen in the Downloads folder, or beside
        the saves where there is none (a fresh machine may have no ~/Downloads, where
        Textual's own fails without a reason); where it went, or why not, in one line."""
        folder = Path(path) if path is not None else user_downloads_path()
        if path is None and not folder.is_dir():
            folder = self.save_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
            written = self.save_screenshot(filename, str(folder), time_format)
        except OSError as exc:
            self.notify(f"Could not save the screenshot in {folder}: {exc.strerror or exc}", title="Screenshot", severity="error", markup=False)
            return None
        self.notify(f"Saved a screenshot to {written}", title="Screenshot", markup=False)
        return written

    async def action_quit(self) -> None:
        if not self._in_game():
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                "Quit the game?",
                "It is saved: every turn and every confirmed order. Orders not yet confirmed are lost. "
                "Choose Continue on the start screen to pick it up again.",
                yes="Quit",
                no="Keep playing",
            ),
            answered,
        )


def run_replay(save: Path, save_dir: Path, *, present: bool = False) -> None:
    """Open the replay viewer on `save` (it is opened and checked inside the app), in
    presentation mode if asked."""
    WargameApp(None, save_dir, replay=save, present=present).run()


def run_app(deck: str, save_dir: Path) -> None:
    """Open the terminal UI with `deck` offered first; raises `DeckError` if it does not load.

    After a crash, saves what it can and exits with the app's non-zero status (a script
    or a shell must see that it failed).
    """
    path = Path(deck)
    compiled = load_deck(path)
    app = WargameApp(path, save_dir, compiled=compiled)
    app.run()
    code = app.return_code or 0
    if code:
        raise SystemExit(save_after_crash(app.session, code))
