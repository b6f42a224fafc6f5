"""Answer an offer: a modal that says who offered what, by when, and what accepting,
refusing or leaving it does, in plain words. It dismisses `accept`, `refuse`, `leave`
(no answer this turn), or None when Esc keeps the answer as it was."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wargame.tui.render import offer_detail
from wargame.tui.sheet import OfferToAnswer


class AnswerScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "answer('accept')", "Accept"),
        Binding("r", "answer('refuse')", "Refuse"),
        Binding("u", "answer('leave')", "Leave unanswered"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, offer: OfferToAnswer, current: str | None) -> None:
        super().__init__()
        self.offer = offer
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="answer"):
            yield Static(Content.styled("Answer the offer", "bold"), classes="dialog-title")
            with VerticalScroll(id="answer-detail-box"):
                yield Static(offer_detail(self.offer), id="answer-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Accept (a)", id="accept", variant="success", compact=True)
                yield Button("Refuse (r)", id="refuse", variant="error", compact=True)
                yield Button("Leave unanswered (u)", id="leave", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{self.current or 'leave'}", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
