"""The facilitator's pause: a banner over every screen until dismissed; the countdown stands
still. The screen below stays in view (the facilitator keeps an eye on the room's state)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
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

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pause-box"):
            yield Static(Content.styled("⏸  Paused by the facilitator", "bold $warning"), classes="dialog-title")
            yield Static(Content.styled("Press p to resume.", MUTED), classes="dialog-body")

    def action_resume(self) -> None:
        self.dismiss(None)
