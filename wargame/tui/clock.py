"""The facilitator's clock in a game on this keyboard: a tick once a second while a
countdown runs, the warnings to the seats, and the facilitator's choice when time is up."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.timer import Timer

from wargame.observe.visibility import FACILITATOR
from wargame.play.commands import AddTime, GameCommand, Resolve
from wargame.play.control import Session


class Ticker:
    """Ticks `app` once a second while `session`'s countdown runs; `on_tick` redraws."""

    def __init__(
        self,
        app: App[None],
        on_tick: Callable[[], None],
        as_facilitator: Callable[[Callable[[], object]], None],
        command: Callable[[GameCommand, str], None],
    ) -> None:
        self.app = app
        self.on_tick = on_tick
        self.as_facilitator = as_facilitator
        self.command = command
        self.session: Session | None = None
        self._timer: Timer | None = None

    def follow(self, session: Session | None) -> None:
        """Tick while this session's countdown runs (start it now if it does)."""
        self.session = session
        if session is not None and session.clock.countdown.active:
            self.start()

    def start(self) -> None:
        if self._timer is None:
            self._timer = self.app.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """Once a second while a countdown runs: update it and warn the seats."""
        s = self.session
        if s is None or not s.clock.countdown.active:
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self.on_tick()
            return
        warning = s.clock.due_warning()
        if warning == 60:
            self.app.notify("One minute left to give orders.", title="Countdown", severity="warning", markup=False)
        elif warning == 0:
            self.app.notify("Time is up: confirm your orders now.", title="Countdown", severity="error", markup=False, timeout=10)
            if s.facilitator and s.waiting_for():
                self.time_is_up(s)
        self.on_tick()

    def time_is_up(self, s: Session) -> None:
        """The facilitator chooses: missing seats stand pat, a computer plays them, or more time."""
        from wargame.tui.screens.expiry import ExpiryScreen

        def chosen(choice: str | None) -> None:
            if choice is None or s is not self.session or s.is_over:
                return
            if choice == "extend":
                self.as_facilitator(lambda: self.command(AddTime(seconds=120), FACILITATOR))
                return

            def seal() -> None:
                if not s.waiting_for():
                    return
                names = ", ".join(s.actor_name(a) for a in s.waiting_for())
                self.app.notify(f"Sealed for {names}: {'no orders' if choice == 'stand-pat' else 'a computer chose'}.", markup=False)
                self.command(Resolve(missing="stand-in" if choice == "stand-in" else "stand-pat"), FACILITATOR)

            self.as_facilitator(seal)

        names = [s.actor_name(a) for a in s.waiting_for()]
        self.app.push_screen(ExpiryScreen(names), chosen)
