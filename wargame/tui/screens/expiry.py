"""When the countdown runs out: the facilitator decides what happens to seats still choosing."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wargame.tui.render import MUTED


class ExpiryScreen(ModalScreen[str | None]):
    """Dismisses `stand-pat`, `stand-in`, `extend` or None (keep waiting)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('stand-pat')", "Stand pat"),
        Binding("c", "choose('stand-in')", "Computer plays"),
        Binding("e", "choose('extend')", "Extend 2 min"),
        Binding("escape,w", "choose('')", "Keep waiting"),
    ]

    def __init__(self, waiting: list[str]) -> None:
        super().__init__()
        self.waiting = waiting

    def compose(self) -> ComposeResult:
        names = ", ".join(self.waiting) or "nobody"
        with Vertical(classes="dialog", id="expiry-box"):
            yield Static(Content.styled("⏱  Time is up", "bold $warning"), classes="dialog-title")
            yield Static(Content.assemble("Still choosing: ", (names, "bold"), ("\nThe facilitator decides:", MUTED)), classes="dialog-body")
            yield Button("Resolve now: they stand pat (s)", id="stand-pat", variant="warning")
            yield Button("Resolve now: a computer plays them (c)", id="stand-in")
            yield Button("Extend by 2 minutes (e)", id="extend", variant="primary")
            yield Button("Keep waiting (Esc)", id="wait")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose("" if event.button.id == "wait" else event.button.id or "")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)
