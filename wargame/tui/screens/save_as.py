"""Save a copy of the game under a name of the player's choosing."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from wargame.tui.render import MUTED


class PathDialog(ModalScreen[Path | None]):
    """A dialog with a path input (`#save-path`): Enter dismisses the path, Escape None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    @on(Input.Submitted, "#save-path")
    def typed(self, event: Input.Submitted) -> None:
        self._done(event.value)

    @on(Button.Pressed, "#ok")
    def ok_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._done(self.query_one("#save-path", Input).value)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def _done(self, value: str) -> None:
        if value.strip():
            self.dismiss(Path(value.strip()).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)


class SaveAsScreen(PathDialog):

    def __init__(self, suggestion: Path) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(Content.styled("Save a copy of the game", "bold"), classes="dialog-title")
            yield Static(Content.styled("The game also saves itself after every turn; this writes a second file.", MUTED), classes="dialog-body")
            yield Input(str(self.suggestion), id="save-path")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="ok", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")
