"""The Moments panel of the replay viewer: the key moments of the game as the perspective
knew them by the end, the few that tell its story first (`m` lists every one); Enter goes
to one. The screen finds them, since the timeline marks them too."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import var
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wargame.analysis.moments import Moment, story
from wargame.observe.visibility import FACILITATOR_VIEWER, Viewer
from wargame.play.timeline import SavedGame
from wargame.tui.render import MUTED, WARN
from wargame.tui.screens.replay.pane import PanelList, ReplayPane, viewer_name


def moment_icon(moment: Moment) -> str:
    """A moment's mark: a threshold's arrow points the way its track went (down for a
    descending track, where reaching a level means falling to it)."""
    if moment.kind == "threshold" and moment.falling:
        return "▼ "
    return MOMENT_ICONS.get(moment.kind, "• ")


MOMENT_ICONS = {"threshold": "▲ ", "swing": "↕ ", "reveal": "! ", "ending": "■ ", "turning-point": "◆ ", "play": "» ", "event": "★ ", "offer": "✉ "}


class MomentsPane(ReplayPane):
    """The list of key moments, or a note while they are being found."""

    saved: var[SavedGame | None] = var(None, init=False)
    viewer: var[Viewer] = var(FACILITATOR_VIEWER, init=False)
    moments: var[list[Moment] | None] = var(None, init=False)
    """This viewer's key moments; None while they are being found."""
    show_all: var[bool] = var(False, init=False)
    """Every moment, not only those that tell the story."""

    def __init__(self) -> None:
        super().__init__("3 Moments", id="moments")

    def compose(self) -> ComposeResult:
        yield Vertical(Static(id="moments-note", markup=False), PanelList(id="moment-list"), id="moments-box")

    def watch_saved(self) -> None:
        self.redraw()

    def watch_viewer(self) -> None:
        self.redraw()

    def watch_moments(self) -> None:
        self.redraw()

    def watch_show_all(self) -> None:
        self.redraw()

    @property
    def listed(self) -> list[Moment]:
        """The moments the list shows, in turn order."""
        moments = self.moments or []
        return list(moments) if self.show_all else story(moments)

    @on(OptionList.OptionSelected, "#moment-list")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        moments = self.listed
        i = int(event.option.id or 0)
        if i < len(moments):
            self.post_message(self.GoTo(moments[i].turn, "turn"))

    def draw(self) -> None:
        saved, moments = self.saved, self.moments
        if saved is None:
            return
        note = self.query_one("#moments-note", Static)
        listed = self.query_one("#moment-list", OptionList)
        listed.clear_options()
        if moments is None:
            note.update(Content.styled("Finding the key moments…", MUTED))
            return
        every = self.moments or []
        moments = self.listed
        more = len(every) - len(moments)
        which = f"every moment ({len(every)}; m: only the story)" if self.show_all else f"the {len(moments)} that tell the story" + (f" (m: all {len(every)})" if more else "")
        note.update(
            Content.assemble(
                ("Key moments", "bold"),
                (f" as {viewer_name(saved, self.viewer)} knew them by the end: {which}. ", MUTED),
                (f"» play  ★ event  ✉ offer  {'▲▼' if any(m.falling for m in every) else '▲'} threshold  ↕ swing  ! secret revealed  ◆ turning point  ■ ending · Enter: go there", MUTED),
            )
        )
        unit = saved.deck.turn_name.capitalize()
        width = len(f"{unit} {saved.turns_played}") + 2
        listed.add_options(
            [Option(Content.assemble((f"{unit} {m.turn}".ljust(width), "bold"), (moment_icon(m), WARN), m.text), id=str(i)) for i, m in enumerate(moments)]
            or [Option(Content.styled("No key moments.", MUTED), disabled=True)]
        )
