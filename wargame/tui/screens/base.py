"""What the screens of a game in progress share: the session, whose eyes they are for,
and the keys that open the dashboard and the projector view from anywhere."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen

from wargame.session import Audience, Session
from wargame.tui.widgets import SeatStrip


class GameScreen(Screen[None]):
    """A screen of a game in progress, shown to `audience` (a seat, the facilitator, or public)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "app.dashboard", "Dashboard"),
        Binding("v", "app.projector", "Projector"),
    ]

    def __init__(self, session: Session, audience: Audience) -> None:
        super().__init__()
        self.session = session
        self.audience = audience

    def refresh_view(self) -> None:
        """The session changed (a computer sealed its orders, a countdown ticked): re-render."""
        for strip in self.query(SeatStrip):
            strip.refresh_view()
