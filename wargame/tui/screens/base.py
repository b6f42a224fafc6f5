"""What the screens of a game in progress share: the session, whose eyes they are for,
and the keys that open the dashboard and the projector view from anywhere."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from wargame.observe.visibility import Viewer, as_viewer
from wargame.play.control import Session
from wargame.tui.widgets import SeatStrip


class GameScreen(Screen[None]):
    """A screen of a game in progress, shown to `audience`: a `Viewer` (a seat, the
    facilitator, or the public), or its name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "app.dashboard", "Dashboard"),
        Binding("v", "app.projector", "Projector"),
    ]

    def __init__(self, session: Session, audience: Viewer | str) -> None:
        super().__init__()
        self.session = session
        self.audience: Viewer = as_viewer(audience, session.deck)

    def refresh_view(self) -> None:
        """The session changed (a computer sealed its orders, a countdown ticked): re-render."""
        for strip in self.query(SeatStrip):
            strip.refresh_view()
