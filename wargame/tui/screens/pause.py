"""The facilitator's pause: a banner over every screen until the facilitator lifts it (with
the PIN: a student cannot); the countdown stands still. The screen below stays in view (the
facilitator keeps an eye on the room's state)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from wargame.tui.render import MUTED


class PauseScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    PauseScreen {
        align: center top;
        background: $background 15%;
    }
    PauseScreen #pause-box {
        margin-top: 2;
        width: 48;
        padding: 0 2;
    }
    PauseScreen #pause-box .dialog-title {
        margin-bottom: 0;
    }
    PauseScreen #pause-box .dialog-body {
        margin-bottom: 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p,escape,enter", "resume", "Resume"),
    ]

    def __init__(self, resume: Callable[[Screen[None]], None]) -> None:
        """`resume` asks for the lift (the facilitator's PIN) and dismisses this banner."""
        super().__init__()
        self.resume = resume

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pause-box"):
            yield Static(Content.styled("⏸  Paused by the facilitator", "bold $warning"), classes="dialog-title")
            yield Static(Content.styled("Only the facilitator can resume: press p and give the PIN.", MUTED), classes="dialog-body")

    def action_resume(self) -> None:
        self.resume(self)
