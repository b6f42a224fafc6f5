"""Small widgets shared by the screens: the title bar, the seats strip, a track chart.

They render what the session says (attributes down) and hold no game state; screens
call `refresh_view()` when the session changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from wargame.observe.visibility import Viewer
from wargame.play.control import Session
from wargame.play.readmodel import TrackReading, format_value
from wargame.tui.render import DISABLED, GOOD, MUTED, WARN, chart, heading, tracks_block

if TYPE_CHECKING:
    from wargame.tui.app import WargameApp


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


class SeatStrip(Static):
    """Who has sealed orders, who is still choosing, which computers are thinking, and the
    facilitator's countdown. Shows no orders, so it is safe on every screen."""

    DEFAULT_CLASSES = "seat-strip"

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.session = session

    def on_mount(self) -> None:
        self.refresh_view()

    @property
    def wargame(self) -> WargameApp:
        return self.app  # type: ignore[return-value]

    def refresh_view(self) -> None:
        s = self.session
        thinking = getattr(self.app, "thinking", False)
        parts: list[str | Content | tuple[str, str]] = []
        for actor in s.deck.actors:
            if parts:
                parts.append(("  ", ""))
            name = s.deck.actor_short(actor)
            if s.has_orders(actor):
                parts += [name, (" ✓ sealed", GOOD)]
            elif actor in s.computers:
                parts += [name, (" … thinking" if thinking else " waiting", WARN if thinking else MUTED)]
            else:
                parts += [name, (" choosing", MUTED)]
        left = s.clock.left()
        if s.save_error:
            parts += [("   ⚠ not saved (ctrl+r)", "bold $error")]
        if s.clock.paused:
            parts += [("   ⏸ paused", WARN)]
        elif left is not None:
            mins, secs = divmod(int(left + 0.999), 60)
            parts += [(f"   ⏱ {mins}:{secs:02d} left", WARN if left <= 60 else "bold")]
        self.update(Content.assemble(*parts))


class TracksView(Static):
    """Tracks as labelled bars that use the width they are given (wider bars on big screens)."""

    DEFAULT_CLASSES = "tracks-view"

    def __init__(
        self,
        readings: Sequence[TrackReading],
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

    def refresh_view(self) -> None:
        width = self.content_region.width or 40
        longest = self.longest or max((len(r.label) for r in self.readings), default=8)
        # label, space, bar, space, "10/10": labels get the room they need while a bar of 6
        # still fits; a longer label takes a line of its own above its bar.
        number = max((len(f"{format_value(r.hi)}/{format_value(r.hi)}") for r in self.readings), default=5)
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

    def __init__(self, session: Session, audience: Viewer, track: str, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.session = session
        self.audience = audience
        self.track = track

    def on_mount(self) -> None:
        self.refresh_view()

    def show_track(self, track: str) -> None:
        self.track = track
        self.refresh_view()

    def refresh_view(self) -> None:
        s = self.session
        slot = s.deck.slot_names.index(self.track)
        values = s.read(self.audience).history(self.track)
        if all(v is None for v in values):
            self.update(Content.styled("Hidden from this view.", DISABLED))
            return
        title = Content.assemble((s.deck.slot_label(slot), "bold"), (f" over the {s.deck.turn_name}s so far (0 = start)", MUTED))
        self.update(Content("\n").join([title, chart(values, s.deck.lo[slot], s.deck.hi[slot], s.turns)]))

