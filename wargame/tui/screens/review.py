"""Review the picked orders before sealing them, with the team's one-line why (kept in the
save and shown in the debrief, to the team and the facilitator only): a modal that dismisses
with the why to confirm (empty when none was typed), or None to go back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from wargame.observe.model import MoveInfo
from wargame.tui.render import BAD, GOOD, MUTED, WARN, percent

WHY_LENGTH = 200
"""Characters of a team's why (the session keeps a reason to one line of this length)."""


class ReviewScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "Confirm", priority=True),
        # y and n are letters of a why being typed: they confirm or go back only when the
        # why's box does not have the keys.
        Binding("y", "confirm", "Confirm", show=False),
        Binding("escape", "back", "Back"),
        Binding("n", "back", "Back", show=False),
        Binding("w", "why", "Say why", show=False),
    ]

    def __init__(
        self,
        unit: str,
        actor_name: str,
        chosen: Sequence[MoveInfo],
        answers: Sequence[tuple[str, str | None]] = (),
        team: Content | None = None,
    ) -> None:
        """`unit`: what a turn is called (`month`). `answers`: each offer waiting for this
        seat (`Alpha's offer: Offer talks`) and its answer (`accept`, `refuse`, or None).
        `team`: for a seat played by a team, what its seal will keep (the proposal behind
        the orders and the team's split: `team.seal_preview`)."""
        super().__init__()
        self.unit = unit
        self.actor_name = actor_name
        self.chosen = list(chosen)
        self.answers = list(answers)
        self.team = team

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
        with Vertical(classes="dialog wide" if self.team is not None else "dialog", id="review"):
            yield Static(Content("\n").join(lines), classes="dialog-body")
            if self.team is not None:
                # Scrolls within part of the height, so the buttons stay in view at 80x24.
                with VerticalScroll(id="review-team"):
                    yield Static(self.team, id="review-team-text")
            if self.chosen or self.answers:
                yield Input(placeholder="Why? one line for the debrief (w to type)", max_length=WHY_LENGTH, id="why")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Confirm (Enter)", id="confirm", variant="primary")
                yield Button("Back (Esc)", id="back")

    def on_mount(self) -> None:
        # The dialog opens on its buttons (Enter seals at once); the why is one key away.
        self.set_focus(self.query_one("#confirm", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.action_back()

    def action_why(self) -> None:
        for box in self.query("#why").results(Input):
            box.focus()

    def action_confirm(self) -> None:
        boxes = list(self.query("#why").results(Input))
        self.dismiss(" ".join(boxes[0].value.split()) if boxes else "")

    def action_back(self) -> None:
        self.dismiss(None)
