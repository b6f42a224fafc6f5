"""The facilitator's pause: covers every screen until dismissed; the countdown stands still."""

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
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p,escape,enter", "resume", "Resume"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pause-box"):
            yield Static(Content.styled("⏸  Paused by the facilitator", "bold $warning"), classes="dialog-title")
            yield Static(Content.styled("Press p to resume.", MUTED), classes="dialog-body")

    def action_resume(self) -> None:
        self.dismiss(None)
