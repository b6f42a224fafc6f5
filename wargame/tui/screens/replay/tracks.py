"""The Tracks panel of the replay viewer: any track over the whole game as a chart with the
selected turn marked, picked from a list (or with [ and ]), and its move in that turn."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.reactive import reactive, var
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wargame.observe.labels import format_value
from wargame.observe.visibility import FACILITATOR_VIEWER, Viewer
from wargame.play.debrief import Debrief
from wargame.tui.render import DISABLED, MUTED
from wargame.tui.replay_render import timeline_chart
from wargame.tui.screens.replay.pane import PanelList, PanelScroll, ReplayPane


@dataclass(frozen=True)
class Chart:
    """A track over the whole game: its title, its value at the start and after each turn
    (None where hidden), its scale, and the turn to mark."""

    title: Content
    values: tuple[float | None, ...]
    lo: float
    hi: float
    marked: int


class ChartView(Widget):
    """A `Chart`, drawn to fit the width it has and the height of the screen."""

    DEFAULT_CLASSES = "replay-chart"

    chart: reactive[Chart | None] = reactive(None, layout=True)

    def render(self) -> Content:
        c = self.chart
        if c is None:
            return Content("")
        if all(v is None for v in c.values):
            return Content.assemble(c.title, "\n", ("Hidden from this view.", DISABLED))
        width = self.content_region.width or 50
        # The screen less its bars, the chart's title and axis, and the line below it.
        height = max(4, min(14, self.screen.size.height - 14))
        return Content("\n").join([c.title, timeline_chart(c.values, c.lo, c.hi, c.marked, width, height)])


class TracksPane(ReplayPane):
    """The chart of the track picked in the list, and the selected turn's move of it."""

    debrief: var[Debrief | None] = var(None, init=False)
    viewer: var[Viewer] = var(FACILITATOR_VIEWER, init=False)
    turn: var[int] = var(1, init=False)
    track: var[int] = var(0, init=False)
    """The index of the charted track in the deck's tracks."""

    def __init__(self) -> None:
        super().__init__("2 Tracks", id="tracks")

    def compose(self) -> ComposeResult:
        yield Horizontal(
            PanelList(id="track-list"),
            PanelScroll(ChartView(id="track-chart"), Static(id="track-history", markup=False), id="chart-scroll"),
            id="tracks-box",
        )

    def watch_debrief(self) -> None:
        self.redraw()

    def watch_viewer(self) -> None:
        self.redraw()

    def watch_turn(self) -> None:
        self.redraw()

    def watch_track(self) -> None:
        self.redraw()

    def step(self, delta: int) -> None:
        """[ and ]: the previous or next track."""
        if self.debrief is not None:
            self.track = (self.track + delta) % len(self.debrief.deck.slot_names)

    @on(OptionList.OptionHighlighted, "#track-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.track = event.option_index

    def on_resize(self, _event: Resize) -> None:
        self.query_one(ChartView).refresh(layout=True)  # its height follows the screen's

    def history(self, debrief: Debrief, track: str) -> list[float | None]:
        """The track at the start and after each turn, as this viewer may see it."""
        return debrief.history(self.viewer, track)

    def draw(self) -> None:
        debrief = self.debrief
        if debrief is None:
            return
        deck = debrief.deck
        tracks = self.query_one("#track-list", OptionList)
        if tracks.option_count != len(deck.slot_names):
            labels = []
            for slot, name in enumerate(deck.slot_names):
                owner = deck.slot_owner(slot)
                labels.append(Option(deck.track_label(slot) if owner is None else f"{deck.actor_short(owner)}: {deck.track_label(slot)}", id=name))
            tracks.clear_options()
            tracks.add_options(labels)
        slot, turn = self.track, self.turn
        if tracks.highlighted != slot:
            tracks.highlighted = slot
        values = self.history(debrief, deck.slot_names[slot])
        title = Content.assemble((deck.slot_label(slot), "bold"), (f"  by {deck.turn_name} (0 = start; ▲ after {deck.turn_name} {turn})", MUTED))
        self.query_one(ChartView).chart = Chart(title, tuple(values), deck.lo[slot], deck.hi[slot], turn)
        before, after = values[turn - 1], values[turn]
        if before is None or after is None:
            line = Content.styled("Hidden from this view.", DISABLED)
        else:
            move = "unchanged" if before == after else f"{format_value(before)} → {format_value(after)}"
            levels = ", ".join(f"{n} {format_value(v)}" for v, n in deck.thresholds.get(slot, ()))
            line = Content.assemble(f"{deck.turn_name.capitalize()} {turn}: ", (move, "bold"), (f"   levels: {levels}" if levels else "", MUTED))
        self.query_one("#track-history", Static).update(line)
