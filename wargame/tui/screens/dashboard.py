"""The dashboard, in reach from every game screen: turn and date, the tracks as bars with
their named thresholds, a chart of any track over the turns so far, each actor, the log.

It shows what its viewer may see: the seat at the keyboard, the public on a shared
screen, or everything for the facilitator.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Select, Static

from wargame.observe.labels import mark_after
from wargame.observe.model import Observation
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.tui.render import HEAD, MUTED, heading, news_block, offers_block
from wargame.tui.screens.base import GameScreen
from wargame.tui.widgets import TitleBar, TrackChart, TracksView


class DashboardScreen(GameScreen, inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,d", "app.pop_screen", "Back"),
    ]

    def __init__(self, client: GameClient, viewer: Viewer) -> None:
        super().__init__(client, viewer)

    def _chart_tracks(self) -> list[tuple[str, str]]:
        obs = self.obs
        out = [(t.label, t.name) for t in obs.tracks_of(None) if t.value is not None]
        for actor in obs.actors:
            out += [(f"{actor.name}: {t.label}", t.name) for t in obs.tracks_of(actor.id) if t.value is not None]
        return out

    def compose(self) -> ComposeResult:
        obs = self.obs
        yield TitleBar(Content.assemble(("Dashboard", "bold"), "  ", obs.game.turn_label), obs.viewer.label)
        with VerticalScroll(id="dash"):
            yield TracksView(obs.tracks_of(None), "Tracks", id="dash-tracks")
            tracks = self._chart_tracks()
            first = "tension" if any(n == "tension" for _, n in tracks) else (tracks[0][1] if tracks else "")
            if tracks:
                with Horizontal(id="chart-row"):
                    yield TrackChart(obs, first, id="chart")
                    yield Select([(Content(label), name) for label, name in tracks], value=first, allow_blank=False, id="chart-track", compact=True)
            with Horizontal(id="dash-actors"):
                longest = max((len(t.label) for t in obs.tracks_of(obs.actors[0].id)), default=8)
                for actor in obs.actors:
                    with Vertical(classes="actor-panel"):
                        yield Static(Content("\n").join([Content.styled(actor.name, HEAD), Content.styled(actor.seat.label, MUTED)]))
                        yield TracksView(obs.tracks_of(actor.id), names=False, longest=longest)
                        yield Static(self._plays(actor.id))
            if obs.offers:
                yield Static(Content("\n").join([heading("Offers"), offers_block(obs.offers, obs.game.turn_name)]), id="dash-offers")
            yield Static(self._log(), id="dash-log")
        yield Footer()

    def _plays(self, actor: str) -> Content:
        obs = self.obs
        unit = obs.game.turn_name
        lines = []
        plays = [p for p in obs.plays if p.actor == actor]
        if plays:
            lines.append(Content.styled("Played:", MUTED))
            for p in plays[-6:]:
                lines.append(Content.assemble(f"{unit[:1]}{p.turn} ", p.name, (mark_after(p.name, "secret", p.secret), MUTED)))
        return Content("\n").join(lines)

    def _log(self) -> Content:
        obs = self.obs
        lines = [heading("Log")]
        if not obs.news:
            lines.append(Content.styled("Nothing has happened yet.", MUTED))
        turns = sorted({n.turn for n in obs.news}, reverse=True)
        for turn in turns:
            label = obs.game.turn_labels[turn - 1] if 1 <= turn <= len(obs.game.turn_labels) else obs.opening.label if turn == 0 and obs.opening else str(turn)
            lines.append(Content.styled(label, "bold"))
            lines.append(news_block(obs.news_of(turn), obs, show_audience=True))
        return Content("\n").join(lines)

    def show(self, obs: Observation) -> None:
        super().show(obs)
        for chart in self.query(TrackChart):
            chart.show(obs)

    @on(Select.Changed, "#chart-track")
    def pick_track(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#chart", TrackChart).track = event.value
