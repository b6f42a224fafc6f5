"""The Turn panel of the replay viewer: one turn as the perspective saw it, with every
seat's orders and reasons, each roll explained, injects, news, the state before and after,
and the offers known once it was resolved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from wargame.analysis.marks import Marks
from wargame.observe.model import Observation, OfferInfo
from wargame.observe.visibility import FACILITATOR_VIEWER, Viewer
from wargame.play.debrief import Debrief, TurnDebrief
from wargame.tui.render import heading, offers_block
from wargame.tui.replay_render import opening_block, turn_block
from wargame.tui.screens.replay.pane import PanelScroll, ReplayPane, odds_allowed


class TurnPane(ReplayPane):
    """The selected turn, whole; scrolled back to its top when the turn changes."""

    debrief: var[Debrief | None] = var(None, init=False)
    viewer: var[Viewer] = var(FACILITATOR_VIEWER, init=False)
    turn: var[int] = var(1, init=False)
    hindsight: var[bool] = var(True, init=False)
    marks: var[Marks | None] = var(None, init=False)
    """The teams' marked choices, shown under their orders where odds may be shown."""

    def __init__(self) -> None:
        super().__init__("1 Turn", id="turn")
        self._drawn_turn = 0

    def compose(self) -> ComposeResult:
        yield PanelScroll(Static(id="turn-text", markup=False), id="turn-scroll")

    def watch_debrief(self) -> None:
        self.redraw()

    def watch_viewer(self) -> None:
        self.redraw()

    def watch_turn(self) -> None:
        self.redraw()

    def watch_hindsight(self) -> None:
        self.redraw()

    def watch_marks(self) -> None:
        self.redraw()

    def read(self, debrief: Debrief) -> tuple[TurnDebrief, Observation, list[OfferInfo]]:
        """The turn as this viewer saw it, what it knew once the turn was resolved, and
        the offers it knew of then: made, answered or expired in it, and those waiting."""
        turn, viewer = self.turn, self.viewer
        d = debrief.turn(viewer, turn, hindsight=self.hindsight)
        after = debrief.saved.observe(viewer, turn + 1)
        offers = [o for o in after.offers if turn in {o.made, o.closed} or o.status in {"waiting", "unanswered"}]
        return d, after, offers

    def draw(self) -> None:
        debrief = self.debrief
        if debrief is None:
            return
        d, after, offers = self.read(debrief)
        marks = self.marks
        shown = None
        if marks is not None and odds_allowed(debrief.saved, self.viewer):
            shown = {m.seat: (m.symbol, m.summary(marks.titles)) for m in marks.at(self.turn)}
        body = turn_block(d, after, show_audience=not self.viewer.is_public, marks=shown)
        if self.turn == 1 and (opening := opening_block(after, show_audience=not self.viewer.is_public)) is not None:
            body = Content("\n").join([opening, Content(""), body])
        if offers:
            body = Content("\n").join([body, Content(""), heading("Offers after this turn"), offers_block(offers, after.game.turn_name)])
        if d.messages:
            from wargame.tui.screens.talk import message_block

            titles = {c.name: c.title for c in after.channels}
            said = [message_block(m, after, titles) for m in d.messages]
            body = Content("\n").join([body, Content(""), heading("Messages (as this viewer read them)"), *said])
        if d.team:
            from wargame.tui.screens.team import note_line

            teams = {t.seat: t for t in after.teams}
            # A seat reads its own team's notes alone: its name before each would say nothing.
            notes = [Content.assemble((f"{after.actor_short(seat)}: " if d.teams_named else "", "bold"),
                                      note_line(n, after.game.turn_name, teams.get(seat))) for seat, n in d.team]
            body = Content("\n").join([body, Content(""), heading("The team's discussion"), *notes])
        self.query_one("#turn-text", Static).update(body)
        if self.turn != self._drawn_turn:  # a new turn is read from its top
            self._drawn_turn = self.turn
            self.query_one("#turn-scroll").scroll_home(animate=False)
