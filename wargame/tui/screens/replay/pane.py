"""What the replay viewer's panels share: a tab that draws itself from reactive attributes
the screen binds to it (attributes down), draws only while it is the tab shown, and asks the
screen to go to a turn with a message (messages up); and the small helpers two panels use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import OptionList, SelectionList, TabPane

from wargame.analysis.moments import may_see_odds
from wargame.observe.visibility import Viewer
from wargame.play.timeline import SavedGame


def perspective_label(saved: SavedGame, viewer: Viewer) -> str:
    """Whose eyes the debrief shows, as a phrase: "as North Korea saw it when deciding"."""
    if viewer.is_facilitator:
        return "the facilitator's full view"
    if viewer.is_public:
        return "the public view (what every seat knew)"
    assert viewer.actor is not None
    return f"as {saved.deck.actor_name(viewer.actor)} saw it when deciding"


def viewer_name(saved: SavedGame, viewer: Viewer) -> str:
    return "the facilitator" if viewer.is_facilitator else "the public" if viewer.actor is None else saved.deck.actor_name(viewer.actor)


def odds_allowed(saved: SavedGame, viewer: Viewer) -> bool:
    """Whether `viewer` may see figures played on from the full state (odds, what-ifs):
    the facilitator, or a viewer from whom nothing was hidden by the end."""
    return may_see_odds(saved.game, saved.view(viewer, saved.turns_played + 1))


def screen_closed(node: Widget) -> bool:
    """Whether `node`'s replay screen was left (Esc, or the app quitting) while opening
    a save: its widgets are being removed, some never composed, and there is nothing more
    to draw, mount or focus on it."""
    return not node.is_attached or node.screen not in node.app.screen_stack


def worker_jobs() -> int:
    """Processes for a panel's continuations: leave a core to the interface, use at most four."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


class PanelScroll(VerticalScroll, inherit_bindings=False):
    """A scrolling panel that leaves ←/→ and Home/End to the timeline."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
    ]


_LIST_KEYS: list[BindingType] = [b for b in OptionList.BINDINGS if isinstance(b, Binding) and b.key not in {"home", "end"}]


class PanelList(OptionList, inherit_bindings=False):
    """A panel's list (tracks, moments, turning points, marks): ↑/↓, PageUp/PageDown and
    Enter, leaving Home/End (the first and the last turn) to the timeline, since a panel
    shown gives its list the keys."""

    BINDINGS: ClassVar[list[BindingType]] = _LIST_KEYS


class PanelSelectionList(SelectionList[int], inherit_bindings=False):
    """The What if panel's alternatives to tick (space), with a panel list's keys."""

    BINDINGS: ClassVar[list[BindingType]] = [*_LIST_KEYS, *SelectionList.BINDINGS]


class ReplayPane(TabPane):
    """One panel of the replay viewer. A subclass declares as reactive attributes what it
    shows (the screen binds them to its own), calls `redraw()` from their watchers and
    draws in `draw()`. A change while the panel is hidden is drawn when it is next shown,
    so stepping through turns costs only the panel on screen."""

    shown_tab: var[str] = var("", init=False)
    """The id of the tab the screen shows."""

    @dataclass
    class GoTo(Message):
        """Go to `turn` (a key moment, a turning point), and show the tab `tab` if given."""

        turn: int
        tab: str | None = None

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(title, id=id)
        self._stale = True

    def watch_shown_tab(self) -> None:
        if self._stale:
            self.redraw()

    def redraw(self) -> None:
        """What this panel shows has changed: draw it now if it is shown, else on showing."""
        self._stale = True
        if self.shown_tab == self.id and not screen_closed(self):
            self._stale = False
            self.draw()

    def draw(self) -> None:
        """Fill the panel's widgets from its attributes (each subclass draws its own)."""
        raise NotImplementedError
