"""The facilitator's PIN, asked before any screen that shows every seat's secrets."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from wargame.tui.render import MUTED


class PinScreen(ModalScreen[str | None]):
    """Dismisses the PIN typed (the app checks it), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, why: str = "The facilitator's controls show every seat's secrets.") -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled("Facilitator only", "bold"), classes="dialog-title")
            yield Static(Content.styled(f"{self.why} Enter the facilitator's PIN.", MUTED), classes="dialog-body")
            yield Input(password=True, id="pin", max_length=64, placeholder="PIN")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open", id="open", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def typed(self) -> None:
        self.dismiss(self.query_one("#pin", Input).value)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "open":
            self.dismiss(self.query_one("#pin", Input).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
