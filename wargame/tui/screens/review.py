"""Review the picked orders before sealing them: a modal that dismisses True to confirm."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wargame.observe.model import MoveInfo
from wargame.tui.render import BAD, GOOD, MUTED, WARN, percent


class ReviewScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "confirm", "Confirm", priority=True),
        Binding("escape,n", "back", "Back"),
    ]

    def __init__(
        self,
        unit: str,
        actor_name: str,
        chosen: Sequence[MoveInfo],
        answers: Sequence[tuple[str, str | None]] = (),
    ) -> None:
        """`unit`: what a turn is called (`month`). `answers`: each offer waiting for this
        seat (`Alpha's offer: Offer talks`) and its answer (`accept`, `refuse`, or None)."""
        super().__init__()
        self.unit = unit
        self.actor_name = actor_name
        self.chosen = list(chosen)
        self.answers = list(answers)

    def compose(self) -> ComposeResult:
        unit = self.unit
        lines = [Content.assemble(("Seal the orders of ", "bold"), (self.actor_name, "bold $accent"), ("?", "bold"))]
        if not self.chosen:
            lines.append(Content.styled(f"No orders this {unit}: you stand pat.", "$text-warning"))
        for i, c in enumerate(self.chosen, 1):
            extra = f"  {c.category_label or c.category}, escalation {c.escalation}"
            if c.chance is None:
                extra += ", odds hidden from you"
            elif c.chance < 1:
                extra += f", {percent(c.chance)} chance"
            if c.secret:
                extra += ", secret"
            lines.append(Content.assemble(f"{i}. ", (c.label, "bold"), (extra, MUTED)))
        if self.answers:
            lines.append(Content.assemble(("Answers to offers", "bold"), ("  (they use no orders)", MUTED)))
            for offer, answer in self.answers:
                word = {"accept": ("Accept", f"bold {GOOD}"), "refuse": ("Refuse", f"bold {BAD}")}.get(answer or "", ("No answer yet", WARN))
                lines.append(Content.assemble("• ", word, (" — ", MUTED), offer))
        lines.append(Content.styled("Once sealed, orders cannot be changed this " + unit + ".", MUTED))
        with Vertical(classes="dialog"):
            yield Static(Content("\n").join(lines), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Confirm (Enter)", id="confirm", variant="primary")
                yield Button("Back (Esc)", id="back")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)
