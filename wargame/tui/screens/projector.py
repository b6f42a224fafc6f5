"""The projector view: only public information, in large type, for the room."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Digits, Footer, Static

from wargame.observe.visibility import PUBLIC
from wargame.play.control import Session
from wargame.play.readmodel import format_value
from wargame.tui.render import MUTED, WARN, bar, news_block, offers_block


class ProjectorScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "app.pop_screen", "Back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        s = self.session
        with VerticalScroll(id="projector"):
            yield Static(Content.styled(s.deck.title, "bold $accent"), id="proj-title")
            yield Static(Content.styled(s.turn_label(), "bold"), id="proj-turn")
            yield Static(id="proj-clock")
            with Horizontal(id="proj-tracks"):
                for t in s.read(PUBLIC).tracks():
                    with Vertical(classes="proj-track"):
                        yield Static(Content.styled(t.label, "bold"), classes="proj-label")
                        yield Digits(format_value(t.value) if t.value is not None else "?")
                        scale = f" {format_value(t.value)} / {format_value(t.hi)}" if t.value is not None else " hidden"
                        yield Static(Content.assemble(bar(t, 14), (scale, MUTED), "\n", (t.level or " ", WARN)))
            # Offers the room may know of: public ones only (the read model is the public's).
            waiting = [o for o in s.read(PUBLIC).offers() if o.status == "waiting"]
            if waiting:
                yield Static(Content("\n").join([Content.styled("Offers waiting for an answer", MUTED), offers_block(waiting, s.deck, None)]), id="proj-offers")
            last = s.turn - 1 if not s.is_over else len(s.game.records)
            news = [n for n in s.read(PUBLIC).news() if n.turn == last] if last >= 1 else []
            title = f"Latest news: {s.deck.turn_name} {last}" if last >= 1 else "Latest news"
            yield Static(Content.styled(title, MUTED), id="proj-news-title")
            yield Static(news_block(news, s.deck, empty="The game has just begun."), id="proj-news")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        """The room sees the countdown and, in large letters, when the facilitator paused."""
        clock = self.session.clock
        banner = self.query_one("#proj-clock", Static)
        left = clock.left()
        if clock.paused:
            banner.update(Content.styled("⏸  PAUSED BY THE FACILITATOR", "bold reverse $warning"))
        elif left is not None:
            mins, secs = divmod(int(left + 0.999), 60)
            banner.update(Content.styled(f"⏱  {mins}:{secs:02d} left to give orders", f"bold {WARN}" if left <= 60 else "bold"))
        banner.display = clock.paused or left is not None
