"""Opening a saved game: the save is read and replayed off the UI thread, and Esc leaves."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import LoadingIndicator, Static

from wargame.tui.render import MUTED


class OpeningScreen(ModalScreen[None]):
    """Shown while a save is read and replayed in a worker; Esc gives up waiting (the
    worker's result is then ignored)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.cancelled = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="opening-box"):
            yield Static(Content.styled("Opening the saved game…", "bold"), classes="dialog-title")
            yield Static(Content.assemble((str(self.path), MUTED), ("\nEsc to cancel", MUTED)), classes="dialog-body")
            yield LoadingIndicator()

    def action_cancel(self) -> None:
        self.cancelled = True
        self.dismiss(None)
