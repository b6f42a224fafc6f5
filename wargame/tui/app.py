"""The Textual app behind `wargame play`: it owns the flow from seat to seat.

Screens post messages up (orders confirmed, ready behind the curtain, resolve); the app
asks the `Session` what comes next and shows it. Computer seats decide in a thread
worker while people give orders, and the seats strip says they are thinking.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.state import FACILITATOR
from wargame.errors import WargameError
from wargame.play.control import Session
from wargame.saves.catalogue import describe_save, latest_unfinished, new_seed, unused_path
from wargame.tui.commands import WargameCommands
from wargame.tui.screens.base import GameScreen
from wargame.tui.screens.confirm import ConfirmScreen
from wargame.tui.screens.curtain import CurtainScreen
from wargame.tui.screens.end import EndScreen
from wargame.tui.screens.new_game import NewGameScreen, find_decks
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.screens.resolution import ResolutionScreen
from wargame.tui.screens.start import StartScreen
from wargame.words import possessive

PACKAGE_DECKS = Path(__file__).resolve().parent.parent.parent / "decks"
DARK, LIGHT = "textual-dark", "textual-light"


class WargameApp(App[None]):
    """`deck` is the deck offered first for a new game; saves go to `save_dir`."""

    TITLE = "wargame"
    CSS_PATH = [  # noqa: RUF012  (the type App declares)
        "app.tcss",
        "start.tcss",
        "new_game.tcss",
        "curtain.tcss",
        "orders.tcss",
        "resolution.tcss",
        "dashboard.tcss",
        "facilitator.tcss",
        "projector.tcss",
        "end.tcss",
        "replay.tcss",
    ]
    COMMANDS = App.COMMANDS | {WargameCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+r", "retry_save", "Retry save", show=False),
        # Esc closes the keys help (opened from the palette) before anything else it means.
        Binding("escape", "close_help", "Close help", show=False, priority=True),
    ]

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
    ) -> None:
        """`now` is the clock the facilitator's countdown reads (tests give a fake one).
        `replay`: open the debrief of this save instead of the start screen (leaving it
        quits)."""
        super().__init__()
        self.now = now
        self.replay_path = replay
        self.deck_path = deck
        self.compiled = compiled
        self.save_dir = save_dir
        self.fixed_seed = seed
        """A seed to offer instead of a random one (tests and snapshots)."""
        folders = list(decks_dirs) if decks_dirs is not None else [p for p in (deck.parent if deck else None, PACKAGE_DECKS) if p]
        self.decks_dirs = folders
        self.session: Session | None = None
        self.thinking = False
        """A worker is running the computer seats' decisions."""
        self._awaiting_bots = False
        """The waiting curtain is up: when the computers are done, move on."""
        self._clock: Timer | None = None

    # -- showing screens -------------------------------------------------------------
    def on_mount(self) -> None:
        self.theme = DARK
        if self.replay_path is not None:
            from wargame.tui.screens.replay import ReplayScreen

            self.push_screen(ReplayScreen(self.replay_path, exit_on_close=True))
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
        self.call_later(self._show, screen)

    def refresh_screen(self) -> None:
        from wargame.tui.screens.projector import ProjectorScreen

        for screen in self.screen_stack:
            if isinstance(screen, GameScreen | ProjectorScreen) and screen.is_mounted:
                screen.refresh_view()

    # -- the flow of a game ----------------------------------------------------------
    def begin(self, session: Session) -> None:
        self.session = session
        session.clock.now = self.now
        self.thinking = False
        self._awaiting_bots = False
        if session.clock.countdown.active:
            self.action_start_clock()
        for note in session.notes:  # e.g. a program seat from the save that is not run
            self.notify(note, title="Stand-in", severity="warning", markup=False, timeout=15)
        self.advance()

    def advance(self, note: str = "") -> None:
        """Show whatever the game needs next: a seat's curtain or orders, the computers
        thinking, the facilitator, the results, or the end."""
        s = self.session
        self._awaiting_bots = False
        if s is None:
            self.show(StartScreen(self.save_dir))
            return
        if s.is_over:
            self.show(EndScreen(s))
            return
        self.start_bots()
        human = s.next_human()
        if human is not None:
            self.show(CurtainScreen(s, human, note) if s.shared_screen else OrdersScreen(s, human))
        elif s.bots_waiting():
            self._awaiting_bots = True
            self.show(CurtainScreen(s, None, note))
        elif s.facilitator:
            self.show(CurtainScreen(s, FACILITATOR, note))
        else:
            self.resolve_turn()

    def resolve_turn(self) -> None:
        s = self.session
        if s is None:
            return
        try:
            rec = s.resolve()
        except WargameError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.check_saved()
        self.show(ResolutionScreen(s, rec.turn, s.viewer))

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
        self.refresh_screen()

    def action_retry_save(self) -> None:
        s = self.session
        if s is None or not s.save_error:
            return
        if s.retry_save():
            self.notify(f"Saved to {s.save_path}", markup=False)
        self.check_saved()

    def start_bots(self) -> None:
        s = self.session
        if s is None or self.thinking or not s.bots_waiting():
            return
        self.thinking = True
        self.think(s)

    @work(thread=True, group="bots")
    def think(self, session: Session) -> None:
        """The computer seats decide off the UI thread (a lookahead bot can take a while)."""
        try:
            session.run_bots()
        finally:
            # post_message is thread-safe and does not wait (unlike call_from_thread, which
            # would block for ever if the app closed while the computers were thinking).
            self.post_message(self.BotsDone(session))

    @dataclass
    class BotsDone(Message):
        """The computer seats have sealed their orders."""

        session: Session

    def on_wargame_app_bots_done(self, message: BotsDone) -> None:
        self.bots_done(message.session)

    def bots_done(self, session: Session) -> None:
        if session is not self.session:
            return  # a game left behind while its computers were thinking
        self.thinking = False
        if session.save_error:
            self.check_saved()
        if self._awaiting_bots:
            self.advance()
        else:
            self.refresh_screen()

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
        self.begin(session)

    @on(CurtainScreen.Ready)
    def curtain_ready(self, message: CurtainScreen.Ready) -> None:
        s = self.session
        if s is None:
            return
        if message.seat == FACILITATOR:
            self.action_facilitator()
        elif not s.has_orders(message.seat):
            self.show(OrdersScreen(s, message.seat))

    @on(OrdersScreen.Confirmed)
    def orders_confirmed(self, message: OrdersScreen.Confirmed) -> None:
        s = self.session
        if s is None:
            return
        try:
            s.submit(message.seat, message.orders)
        except WargameError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if s.save_error:
            self.check_saved()
        self.advance(f"{possessive(s.actor_name(message.seat))} orders are sealed.")

    @on(ResolutionScreen.Continue)
    def resolution_continue(self) -> None:
        if self.session is not None:
            # The next turn's clock starts once the room has read the results.
            self.session.clock.restart()
        self.advance()

    def on_facilitator_screen_countdown_changed(self) -> None:
        """Save the time left at once (a restart keeps it) and show it on every screen."""
        if self.session is not None:
            self.session.autosave()
        self.check_saved()

    def on_facilitator_screen_resolve(self) -> None:
        self.resolve_turn()

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
        self.show(NewGameScreen(decks, self.deck_path, seed))

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
        s = self.session
        if s is None:
            self.notify("There is no game to save yet.", markup=False)
            return
        base = s.save_path or (self.save_dir / f"{s.deck.id}.json")
        suggestion = unused_path(base.with_name(f"{base.stem}-turn{len(s.game.records)}.json"))

        def write(path: Path, overwrite: bool) -> None:
            try:
                written = s.save_copy(path, overwrite=overwrite)
            except FileExistsError:
                confirm_overwrite(path)
                return
            except WargameError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(f"Saved a copy to {written}", markup=False)

        def confirm_overwrite(path: Path) -> None:
            summary = describe_save(path)  # never raises: a bad file has a `problem`
            if summary.readable:
                done = ", finished" if summary.finished else ""
                what = f'the saved game "{summary.title}" ({summary.deck_id}, {summary.progress}{done})'
            else:
                what = "a file that is not a readable save"
            self.push_screen(
                ConfirmScreen(f"Replace {path.name}?", f"{path} already holds {what}. Replacing it loses that file for good.", yes="Replace", no="Keep it"),
                lambda yes: write(path, True) if yes else None,
            )

        def chosen(path: Path | None) -> None:
            if path is not None:
                write(path, False)

        from wargame.tui.screens.save_as import SaveAsScreen

        self.push_screen(SaveAsScreen(suggestion), chosen)

    def action_dashboard(self) -> None:
        from wargame.tui.screens.dashboard import DashboardScreen

        s = self.session
        if s is None or isinstance(self.screen, DashboardScreen):
            return
        # Whoever is at the keyboard: the audience of the game screen under any dialogs.
        under = next((x for x in reversed(self.screen_stack) if isinstance(x, GameScreen)), None)
        self.push_screen(DashboardScreen(s, under.audience if under else s.viewer))

    def action_projector(self) -> None:
        from wargame.tui.screens.projector import ProjectorScreen

        if self.session is None or isinstance(self.screen, ProjectorScreen):
            return
        self.push_screen(ProjectorScreen(self.session))

    def action_facilitator(self) -> None:
        from wargame.tui.screens.facilitator import FacilitatorScreen

        s = self.session
        if s is None or not s.facilitator or s.is_over or isinstance(self.screen, FacilitatorScreen):
            return
        if any(isinstance(screen, OrdersScreen) for screen in self.screen_stack):
            # A seat is at the keyboard: the controls show every seat's orders.
            self.notify("The facilitator's controls open from the curtain, between seats.", markup=False)
            return
        self.as_facilitator(lambda: self.push_screen(FacilitatorScreen(s)))

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
            if s.lock.check(pin, s.turn):
                then()
                return
            s.autosave()
            self.notify("Wrong PIN. The facilitator will see that someone tried.", severity="error", markup=False)

        self.push_screen(PinScreen(), answered)

    def action_pause(self) -> None:
        from wargame.tui.screens.pause import PauseScreen

        s = self.session
        if s is None or s.clock.paused:
            return
        s.clock.pause()
        self.refresh_screen()

        def resumed(_: None) -> None:
            s.clock.resume()
            self.refresh_screen()

        self.push_screen(PauseScreen(), resumed)

    def action_start_clock(self) -> None:
        if self._clock is None:
            self._clock = self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """Once a second while a countdown runs: update it and warn the seats."""
        s = self.session
        if s is None or not s.clock.countdown.active:
            if self._clock is not None:
                self._clock.stop()
                self._clock = None
            self.refresh_screen()
            return
        warning = s.clock.due_warning()
        if warning == 60:
            self.notify("One minute left to give orders.", title="Countdown", severity="warning", markup=False)
        elif warning == 0:
            self.notify("Time is up: confirm your orders now.", title="Countdown", severity="error", markup=False, timeout=10)
            if s.facilitator and s.waiting_for():
                self.time_is_up(s)
        self.refresh_screen()

    def time_is_up(self, s: Session) -> None:
        """The facilitator chooses: missing seats stand pat, a computer plays them, or more time."""
        from wargame.tui.screens.expiry import ExpiryScreen

        def chosen(choice: str | None) -> None:
            if choice is None or s is not self.session or s.is_over:
                return
            if choice == "extend":

                def extend() -> None:
                    s.clock.extend(120)
                    self.refresh_screen()

                self.as_facilitator(extend)
                return

            def seal() -> None:
                if not s.waiting_for():
                    return
                names = ", ".join(s.actor_name(a) for a in s.seal_missing(choice))
                self.notify(f"Sealed for {names}: {'no orders' if choice == 'stand-pat' else 'a computer chose'}.", markup=False)
                self.check_saved()
                if s.ready:
                    self.resolve_turn()

            self.as_facilitator(seal)

        names = [s.actor_name(a) for a in s.waiting_for()]
        self.push_screen(ExpiryScreen(names), chosen)

    def action_close_help(self) -> None:
        if not self.screen.query("HelpPanel"):
            raise SkipAction  # Esc keeps its meaning on this screen
        self.action_hide_help_panel()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

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


def run_replay(save: Path, save_dir: Path) -> None:
    """Open the replay viewer on `save` (it is opened and checked inside the app)."""
    WargameApp(None, save_dir, replay=save).run()


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
        raise SystemExit(save_after_crash(app, code))


def save_after_crash(app: WargameApp, code: int) -> int:
    """Write the game's last autosave after the app stopped on an error; the exit status."""
    session = app.session
    where = ""
    if session is not None:
        try:
            saved = session.autosave()
        except Exception as exc:  # noqa: BLE001 - crashing already; say why the save failed too
            where = f"; the last save could not be written ({exc})"
        else:
            if saved:
                where = f"; the game so far is saved in {saved}"
            elif getattr(session, "save_error", None):
                where = f"; the last save could not be written ({session.save_error})"
    print(f"wargame: stopped on an error (exit status {code}){where}", file=sys.stderr)
    return code
