"""Small widgets shared by the screens: the title bar, the seats strip, tracks, a chart.

They render what an `Observation` says (attributes down) and hold no game state.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.widgets import Static

from wargame.observe.labels import format_value
from wargame.observe.model import Observation, TrackInfo
from wargame.tui.render import DISABLED, GOOD, MUTED, WARN, Line, chart, heading, tracks_block


class Prose(Static):
    """Text whose (lead, text) lines wrap under their own text (`render.Line`): an objective
    too long for the line goes on under its first word, its mark and points left in their
    column. Wrapped here, at the width the widget has, so the height asked for is the
    height drawn."""

    DEFAULT_CSS = "Prose { height: auto; }"

    def __init__(self, lines: Sequence[Line] = (), *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.lines: tuple[Line, ...] = tuple(lines)

    def show(self, lines: Sequence[Line]) -> None:
        self.lines = tuple(lines)
        self.refresh(layout=True)

    def wrapped(self, width: int) -> list[Content]:
        """Every line at `width` cells, a (lead, text) line's text wrapped under itself (or
        the whole line under the edge when the lead leaves less than a third of the room)."""
        out: list[Content] = []
        for line in self.lines:
            if isinstance(line, Content):
                out += line.wrap(width) if width > 0 else [line]
                continue
            lead, text = line
            room = width - lead.cell_length
            if width <= 0 or room * 3 < width:
                out += (lead + text).wrap(width) if width > 0 else [lead + text]
                continue
            first, *rest = text.wrap(room)
            pad = Content(" " * lead.cell_length)
            out += [lead + first, *(pad + more for more in rest)]
        return out

    def render(self) -> Content:
        return Content("\n").join(self.wrapped(self.content_size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.wrapped(width))


class TitleBar(Static):
    """One line at the top: what this screen is, for whom, and when in the game."""

    DEFAULT_CLASSES = "title-bar"

    def __init__(self, left: str | Content, right: str | Content = "", *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.left = left
        self.right = right

    def on_mount(self) -> None:
        self.set_text(self.left, self.right)

    def set_text(self, left: str | Content, right: str | Content = "") -> None:
        self.left, self.right = left, right
        head = left if isinstance(left, Content) else Content.styled(left, "bold")
        tail = right if isinstance(right, Content) else Content(right)
        self.update(Content.assemble(head, ("  ·  ", MUTED), tail) if tail else head)


def clock_text(left: float | None, paused: bool) -> list[tuple[str, str]]:
    if paused:
        return [("   ⏸ paused", WARN)]
    if left is not None:
        mins, secs = divmod(int(left + 0.999), 60)
        return [(f"   ⏱ {mins}:{secs:02d} left", WARN if left <= 60 else "bold")]
    return []


class SeatStrip(Static):
    """Who has sealed orders, who is still choosing, which computers are thinking, and the
    facilitator's countdown. Shows no orders, so it is safe on every screen."""

    DEFAULT_CLASSES = "seat-strip"

    observation: reactive[Observation | None] = reactive(None, always_update=True)

    def __init__(self, observation: Observation, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.set_reactive(SeatStrip.observation, observation)

    def on_mount(self) -> None:
        self.watch_observation(self.observation)

    def watch_observation(self, obs: Observation | None) -> None:
        if obs is None or obs.room is None:
            return
        parts: list[str | Content | tuple[str, str]] = []
        computers = {a.id for a in obs.actors if a.seat.kind != "human"}
        for seat in obs.room.seats:
            if parts:
                parts.append(("  ", ""))
            name = obs.actor_short(seat.actor)
            if obs.game.over:
                parts += [name, (" ✓ done", MUTED)]
            elif seat.sealed and seat.covered:
                parts += [name, (f" ⚠ {seat.covered}: stand-in", WARN)]
            elif seat.sealed:
                parts += [name, (" ✓ sealed", GOOD)]
            elif seat.actor in computers:
                parts += [name, (" … thinking" if seat.thinking else " waiting", WARN if seat.thinking else MUTED)]
            else:
                parts += [name, (" choosing", MUTED)]
        if obs.room.save_error:
            parts += [("   ⚠ not saved (ctrl+r)", "bold $error")]
        parts += clock_text(obs.room.countdown, obs.room.paused)
        self.update(Content.assemble(*parts))


class TracksView(Static):
    """Tracks as labelled bars that use the width they are given (wider bars on big screens)."""

    DEFAULT_CLASSES = "tracks-view"

    def __init__(
        self,
        readings: Sequence[TrackInfo],
        title: str | Content = "",
        names: bool = True,
        *,
        longest: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`longest`: the label length to make room for, so several views line up."""
        super().__init__(id=id, classes=classes, markup=False)
        self.readings = list(readings)
        self.longest = longest
        self.heading_text = title
        self.names = names

    def on_resize(self) -> None:
        self.refresh_view()

    def on_mount(self) -> None:
        self.refresh_view()

    def set_readings(self, readings: Sequence[TrackInfo]) -> None:
        self.readings = list(readings)
        self.refresh_view()

    def refresh_view(self) -> None:
        width = self.content_region.width or 40
        longest = self.longest or max((len(r.label) for r in self.readings), default=8)
        # label, space, bar, space, "10/10": labels get the room they need while a bar of 6
        # still fits; a longer label is shortened (`short_label`), never wrapped: at 80x24 a
        # label on a line of its own above its bar pushed the last tracks out of sight.
        # The number is as wide as the widest value shown now ("4.75/10" is wider than
        # "10/10"): one that ran past the edge wrapped, and the panel lost its last track.
        number = max((len(f"{format_value(x)}/{format_value(r.hi)}") for r in self.readings
                      for x in (r.hi, r.lo, r.value if r.value is not None else r.hi)), default=5)
        label_width = max(6, min(longest, width - 2 - number - 6))
        room = width - label_width - 2 - number
        # Keep room for the words after the number ("working majority", "(secret)") when the
        # bar can spare it; otherwise they go on a line of their own.
        tail = max((len(f" {r.level}" if r.level else "") + (9 if r.secret else 0) for r in self.readings), default=0)
        bar_width = max(4, min(30, room - tail if room - tail >= 8 else room))
        body = tracks_block(self.readings, label_width, bar_width, self.names, width)
        if self.heading_text:
            title = self.heading_text if isinstance(self.heading_text, Content) else heading(self.heading_text)
            body = Content("\n").join([title, body])
        self.update(body)


class TrackChart(Static):
    """A track over the turns so far, as a small column chart."""

    DEFAULT_CLASSES = "track-chart"

    track: reactive[str] = reactive("")

    def __init__(self, observation: Observation, track: str, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.observation = observation
        self.set_reactive(TrackChart.track, track)

    def on_mount(self) -> None:
        self.refresh_view()

    def watch_track(self, _track: str) -> None:
        self.refresh_view()

    def show(self, observation: Observation) -> None:
        self.observation = observation
        self.refresh_view()

    def refresh_view(self) -> None:
        obs = self.observation
        if not self.track:
            return
        t = obs.track(self.track)
        values = t.history
        if all(v is None for v in values):
            self.update(Content.styled("Hidden from this view.", DISABLED))
            return
        title = Content.assemble((t.full_label, "bold"), (f" over the {obs.game.turn_name}s so far (0 = start)", MUTED))
        self.update(Content("\n").join([title, chart(values, t.lo, t.hi, obs.game.turns)]))
