"""Choose the target of a targeted move: a modal listing every possible target, each
available or greyed with the engine's reason. It dismisses the chosen target's move id
(`sanction@cn`), or None when Esc cancels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from wargame.tui.render import MUTED, move_detail, target_prompt, terms_block
from wargame.tui.sheet import SheetLine


class TargetPickerScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        line: SheetLine,
        picks: Sequence[str],
        unit: str,
    ) -> None:
        """`unit`: what a turn is called in the deck (an offer's terms count in them)."""
        super().__init__()
        self.line = line
        self.picks = list(picks)
        self.unit = unit

    def compose(self) -> ComposeResult:
        picked = any(i in self.picks for i in self.line.ids())
        hint = "  Enter: order it (again: take it back)" if picked else "  Enter: order it against the target"
        with Vertical(classes="dialog wide", id="picker"):
            yield Static(Content.assemble(("Target: ", "bold"), (self.line.name, "bold $accent"), (hint, MUTED)), classes="dialog-title")
            options = [
                Option(target_prompt(c, c.id in self.picks), id=c.id, disabled=not c.available)
                for c in self.line.choices
            ]
            yield OptionList(*options, id="targets")
            with VerticalScroll(id="target-detail-box"):
                yield Static(id="target-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Choose (Enter)", id="choose", variant="primary", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        targets = self.query_one("#targets", OptionList)
        first = next((i for i, c in enumerate(self.line.choices) if c.available), None)
        if first is not None:
            targets.highlighted = first
        targets.focus()
        self._detail(first)

    def _detail(self, index: int | None) -> None:
        if index is None:
            self.query_one("#target-detail", Static).update(Content.styled("No target may be chosen now.", MUTED))
            return
        choice = self.line.choices[index]
        detail = move_detail(choice)
        if choice.offer is not None:
            detail = Content("\n").join([detail, terms_block(choice.offer, self.unit)])
        self.query_one("#target-detail", Static).update(detail)

    @on(OptionList.OptionHighlighted, "#targets")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail(event.option_index)

    @on(OptionList.OptionSelected, "#targets")
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#choose")
    def choose(self, event: Button.Pressed) -> None:
        event.stop()
        index = self.query_one("#targets", OptionList).highlighted
        if index is None or not self.line.choices[index].available:
            self.notify("No target is highlighted that may be chosen.", severity="warning", markup=False)
            return
        self.dismiss(self.line.choices[index].id)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
