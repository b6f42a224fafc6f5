"""The Turn panel of the replay viewer: one turn as the perspective saw it, with every
seat's orders and reasons, each roll explained, injects, news, the state before and after,
and the offers known once it was resolved."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

from wargame.engine.offers import OfferRecord
from wargame.engine.visibility import FACILITATOR_VIEWER, Viewer
from wargame.play.debrief import Debrief, TurnDebrief
from wargame.tui.render import heading, offers_block
from wargame.tui.replay_render import turn_block
from wargame.tui.screens.replay.pane import PanelScroll, ReplayPane


class TurnPane(ReplayPane):
    """The selected turn, whole; scrolled back to its top when the turn changes."""

    debrief: var[Debrief | None] = var(None, init=False)
    viewer: var[Viewer] = var(FACILITATOR_VIEWER, init=False)
    turn: var[int] = var(1, init=False)
    hindsight: var[bool] = var(True, init=False)

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

    def read(self, debrief: Debrief) -> tuple[TurnDebrief, list[OfferRecord]]:
        """The turn as this viewer saw it, and the offers it knew of once the turn was
        resolved: made, answered or expired in it, and those still waiting."""
        turn, viewer = self.turn, self.viewer
        d = debrief.turn(viewer, turn, hindsight=self.hindsight)
        if not debrief.deck.offers:
            return d, []
        known = debrief.saved.read(viewer, turn + 1).offers()
        return d, [o for o in known if turn in {o.made, o.closed} or o.status in {"waiting", "unanswered"}]

    def draw(self) -> None:
        debrief = self.debrief
        if debrief is None:
            return
        d, offers = self.read(debrief)
        body = turn_block(d, debrief.deck, show_audience=not self.viewer.is_public)
        if offers:
            body = Content("\n").join([body, Content(""), heading("Offers after this turn"), offers_block(offers, debrief.deck, self.viewer.actor)])
        self.query_one("#turn-text", Static).update(body)
        if self.turn != self._drawn_turn:  # a new turn is read from its top
            self._drawn_turn = self.turn
            self.query_one("#turn-scroll").scroll_home(animate=False)
