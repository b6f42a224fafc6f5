"""The stakes: the scenario, the seat's briefing, its objectives (points so far out of the
most it can make) and every way the game can end. A game opens on it, and `o` brings it
back from any screen of the game, so nobody is surprised by an ending or a goal.

Its viewer decides what it holds: a seat's own briefing and objectives; every side's for
the facilitator; the scenario and the endings only for the public (a shared screen).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer

from wargame.observe.model import ObjectiveInfo, Observation
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.tui.render import MUTED, Line, format_value, heading, objectives_block, score_block
from wargame.tui.screens.base import GameScreen
from wargame.tui.widgets import Prose, TitleBar
from wargame.words import plural


def points_so_far(objectives: list[ObjectiveInfo]) -> str:
    """`2 of 3 points met now`."""
    met = sum(o.points for o in objectives if o.met)
    most = sum(o.points for o in objectives)
    return f"{format_value(met)} of {format_value(most)} {plural(most, 'point')} met now"


def endings_block(obs: Observation) -> Content:
    """Every way the game can end, with what brings it about and what it means."""
    lines = []
    for e in obs.game.endings:
        parts: list[str | tuple[str, str]] = [("■ ", MUTED), (e.title, "bold")]
        if e.when:
            parts += [(" — if ", MUTED), e.when]
        lines.append(Content.assemble(*parts))
        if e.text:
            lines.append(Content.styled(f"  {e.text}", MUTED))
    return Content("\n").join(lines)


class StakesScreen(GameScreen, inherit_bindings=False):
    """The briefing, the objectives and the endings for `viewer`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,o", "close", "Back to the game"),
    ]

    def __init__(self, client: GameClient, viewer: Viewer, *, opening: bool = False) -> None:
        """`opening`: shown as the game opens for this seat (says how to bring it back)."""
        super().__init__(client, viewer)
        self.opening = opening

    def compose(self) -> ComposeResult:
        obs = self.obs
        seat = obs.seat
        title = f"{obs.viewer.name}: your briefing" if seat is not None else "The stakes"
        yield TitleBar(Content.assemble((title, "bold")), obs.game.turn_label)
        with VerticalScroll(id="stakes"):
            yield Prose(self._body(obs), id="stakes-body")
        yield Footer()

    def _body(self, obs: Observation) -> list[Line]:
        parts: list[Line] = []
        if obs.game.summary:
            parts += [heading(obs.game.title), Content(obs.game.summary), Content("")]
        seat = obs.seat
        if seat is not None:
            parts += [heading("Your briefing"), Content(seat.brief or "No briefing."), Content("")]
            parts += [Content.assemble(heading("Your objectives"), ("  " + points_so_far(seat.objectives), "bold")),
                      *objectives_block(seat.objectives), Content.styled("  ✓ met now  · not yet: the points count where the game ends", MUTED), Content("")]
        elif obs.control is not None:
            parts.append(heading("Every side's objectives"))
            for score in obs.control.scores:
                parts += [*score_block(score, obs), Content("")]
        turns = f"{obs.game.turns} {plural(obs.game.turns, obs.game.turn_name)}"
        parts += [Content.assemble(heading("How the game can end"), (f"  checked after every {obs.game.turn_name}; at most {turns}", MUTED)), endings_block(obs)]
        parts += [Content(""), heading("Keys on every screen of the game"),
                  Content.styled("o this page · l the last results again · d the dashboard (tracks, chart, log) · v the projector view · ctrl+p everything else", MUTED)]
        if self.opening:
            parts += [Content(""), Content.styled("Press Enter to give your orders.", "bold $accent")]
        return parts

    def show(self, obs: Observation) -> None:
        super().show(obs)
        if self.is_mounted:
            self.query_one("#stakes-body", Prose).show(self._body(obs))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#stakes").focus()

    def action_close(self) -> None:
        self.dismiss()
