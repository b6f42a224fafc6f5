"""The dashboard, in reach from every game screen: turn and date, the tracks as bars with
their named thresholds, a chart of any track over the turns so far, each actor, the log.

It shows what its audience may see: the seat at the keyboard, the public on a shared
screen, or everything for the facilitator.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Select, Static

from wargame.engine.offers import OfferRecord
from wargame.observe.visibility import Viewer
from wargame.play.control import Session
from wargame.play.readmodel import ReadModel
from wargame.tui.render import HEAD, MUTED, heading, news_block, offers_block
from wargame.tui.widgets import TitleBar, TrackChart, TracksView


class DashboardScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,d", "app.pop_screen", "Back"),
    ]

    def __init__(self, session: Session, audience: Viewer) -> None:
        super().__init__()
        self.session = session
        self.audience = audience

    def _chart_tracks(self) -> list[tuple[str, str]]:
        s = self.session
        out = [(t.label, t.name) for t in s.read(self.audience).tracks() if t.value is not None]
        for actor in s.deck.actors:
            for t in s.read(self.audience).tracks(actor):
                if t.value is not None:
                    out.append((f"{s.actor_name(actor)}: {t.label}", t.name))
        return out

    def compose(self) -> ComposeResult:
        from wargame.tui.render import audience_name

        s = self.session
        deck = s.deck
        yield TitleBar(Content.assemble(("Dashboard", "bold"), "  ", s.turn_label()), audience_name(deck, self.audience))
        with VerticalScroll(id="dash"):
            yield TracksView(s.read(self.audience).tracks(), "Tracks", id="dash-tracks")
            tracks = self._chart_tracks()
            first = "tension" if any(n == "tension" for _, n in tracks) else (tracks[0][1] if tracks else "")
            if tracks:
                with Horizontal(id="chart-row"):
                    yield TrackChart(s, self.audience, first, id="chart")
                    yield Select([(Content(label), name) for label, name in tracks], value=first, allow_blank=False, id="chart-track", compact=True)
            with Horizontal(id="dash-actors"):
                longest = max((len(t.label) for t in s.read(self.audience).tracks(deck.actors[0])), default=8)
                for actor in deck.actors:
                    with Vertical(classes="actor-panel"):
                        yield Static(Content("\n").join([Content.styled(s.actor_name(actor), HEAD), Content.styled(s.seat_label(actor), MUTED)]))
                        yield TracksView(s.read(self.audience).tracks(actor), names=False, longest=longest)
                        yield Static(self._plays(actor))
            offers = self._offers()
            if offers is not None:
                yield Static(offers, id="dash-offers")
            yield Static(self._log(), id="dash-log")
        yield Footer()

    def _plays(self, actor: str) -> Content:
        s = self.session
        unit = s.deck.turn_name
        lines = []
        plays = [p for p in s.read(self.audience).plays() if p.actor == actor]
        if plays:
            lines.append(Content.styled("Played:", MUTED))
            for p in plays[-6:]:
                move = s.deck.moves[s.deck.move_index[p.move]]
                secret = " (secret)" if p.secret else ""
                lines.append(Content.assemble(f"{unit[:1]}{p.turn} ", move.name, (secret, MUTED)))
        return Content("\n").join(lines)

    def _offers(self) -> Content | None:
        """The offers this audience may know of, waiting ones first (None: the deck has none
        or none has been made)."""
        read = self.session.read(self.audience)
        if isinstance(read, ReadModel):
            records = read.offers() if read.deck.offers else []
        else:  # a joined seat: the offers the host sent it (built from its read model there)
            records = [
                OfferRecord(-1, o["move"], o["name"], o["maker"], o["recipient"], o["made"], o["deadline"], o["status"], o["closed"], o["secret"])
                for o in read.offers()
            ]
        if not records:
            return None
        # A joined seat's deck sketch has the actors' names and the turn's name: all it reads.
        return Content("\n").join([heading("Offers"), offers_block(records, read.deck, self.audience.actor)])

    def _log(self) -> Content:
        s = self.session
        news = s.read(self.audience).news()
        lines = [heading("Log")]
        if not news:
            lines.append(Content.styled("Nothing has happened yet.", MUTED))
        turns = sorted({n.turn for n in news}, reverse=True)
        for turn in turns:
            lines.append(Content.styled(s.turn_label(turn), "bold"))
            lines.append(news_block([n for n in news if n.turn == turn], s.deck, show_audience=True))
        return Content("\n").join(lines)

    @on(Select.Changed, "#chart-track")
    def pick_track(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#chart", TrackChart).show_track(event.value)
