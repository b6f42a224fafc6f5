"""The replay viewer's timeline: the turns of the game in a row, the selected one
highlighted, key moments, the ending and the teams' marked choices (?? ? ?! !) beneath,
turns that fail verification in red. Drawn from its reactive attributes to fit its width;
a click posts the turn picked."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from wargame.tui.render import BAD, MUTED, WARN

Cell = tuple[int, int, int]
"""A turn on the timeline: (first x, x past its end, the turn)."""


class Timeline(Widget):
    """The turns of the game in a row: click one, or step with the keys. When they do not
    all fit, a window of turns around the selected one, with ◀ ▶ for the rest."""

    DEFAULT_CLASSES = "timeline"

    turn: reactive[int] = reactive(1)
    """The selected turn."""
    marks: reactive[frozenset[int]] = reactive(frozenset())
    """Turns with a key moment (★)."""
    symbols: reactive[dict[int, str]] = reactive(dict)
    """Turn to the mark of the worst team choice in it (`??`, `?`, `?!`, `!`)."""

    @dataclass
    class Picked(Message):
        turn: int

    def __init__(self, last: int, *, bad_from: int | None = None, ending_turn: int | None = None, id: str | None = None) -> None:
        """`last`: the last turn; `bad_from`: the first turn that fails verification;
        `ending_turn`: the turn the game ended in (■)."""
        super().__init__(id=id)
        self.last = last
        self.bad_from = bad_from
        self.ending_turn = ending_turn

    @property
    def _cells(self) -> list[Cell]:
        """The turns shown at the present width, left to right."""
        width = self.content_region.width or 78
        cell = max(len(str(self.last)) + 2, 1 + max((len(x) for x in self.symbols.values()), default=0) + 1)
        room = max(cell, width - 4)
        visible = max(1, room // cell)
        first = 1 if self.last <= visible else max(1, min(self.last - visible + 1, self.turn - visible // 2))
        return [(2 + i * cell, 2 + (i + 1) * cell, t) for i, t in enumerate(range(first, min(self.last, first + visible - 1) + 1))]

    def render(self) -> Content:
        cells = self._cells
        top: list[str | tuple[str, str]] = [("◀ " if cells and cells[0][2] > 1 else "  ", MUTED)]
        bottom: list[str | tuple[str, str]] = ["  "]
        for start, end, t in cells:
            text = str(t).center(end - start)
            bad = self.bad_from is not None and t >= self.bad_from
            if t == self.turn:
                style = "bold reverse $error" if bad else "bold reverse $accent"
            else:
                style = BAD if bad else "$text"
            top.append((text, style))
            mark = "■" if t == self.ending_turn else "★" if t in self.marks else ""
            symbol = self.symbols.get(t, "")
            style = WARN if not symbol else BAD if symbol in {"??", "?"} else "$text-success" if symbol == "!" else WARN
            bottom.append(((mark + symbol).center(end - start), style))
        top.append((" ▶" if cells and cells[-1][2] < self.last else "", MUTED))
        return Content.assemble(*top) + "\n" + Content.assemble(*bottom)

    def on_click(self, event: events.Click) -> None:
        cells = self._cells
        for start, end, turn in cells:
            if start <= event.x < end:
                self.post_message(self.Picked(turn))
                return
        if event.x < 2 and cells:
            self.post_message(self.Picked(max(1, cells[0][2] - 1)))
        elif cells and event.x >= cells[-1][1]:
            self.post_message(self.Picked(min(self.last, cells[-1][2] + 1)))
