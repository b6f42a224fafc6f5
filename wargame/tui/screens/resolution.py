"""The resolution screen: what happened this turn, as its viewer may see it.

News as a feed, every chance roll with its result, each track change old → new, events
that fired, thresholds crossed. The facilitator sees everything, secret items marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static

from wargame.observe.model import Observation
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.tui.render import heading, offers_block, report_block
from wargame.tui.screens.base import GameScreen
from wargame.tui.widgets import TitleBar


class ResolutionScreen(GameScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Continue"),
        Binding("escape", "close", "Back", show=False),
    ]

    @dataclass
    class Continue(Message):
        turn: int
        seat: str | None = None
        """The seat that read its own results behind its curtain (a shared screen)."""

    def __init__(self, client: GameClient, turn: int, viewer: Viewer, *, seat: str | None = None, reopened: bool = False) -> None:
        """`seat`: a seat reading its own results behind its curtain; `reopened`: the last
        results opened again from another screen (Enter or Esc goes back to it)."""
        super().__init__(client, viewer)
        self.turn = turn
        self.seat = seat
        self.reopened = reopened

    def compose(self) -> ComposeResult:
        obs = self.obs
        unit = obs.game.turn_name
        yield TitleBar(Content.styled(f"Results of {unit} {self.turn}", "bold"), obs.viewer.label)
        yield Static(id="save-warning")
        coach = obs.coach
        if coach:
            # The line is for the turn about to be ordered: say so, or "this week" in it
            # reads as the week whose results these are.
            yield Static(Content.assemble((f"Coach for {unit} {obs.game.turn}: ", "bold"), coach), id="coach")
        with VerticalScroll(id="report-box"):
            turn = obs.turn_info(self.turn)
            if turn is not None:
                yield Static(report_block(turn, obs, show_audience=True), id="report")
            waiting = obs.offers_waiting()
            if waiting:
                yield Static(Content("\n").join([heading("Offers waiting for an answer"), offers_block(waiting, unit)]), id="report-offers")
        yield Footer()

    def show(self, obs: Observation) -> None:
        super().show(obs)
        warning = self.query_one("#save-warning", Static)
        error = obs.room.save_error if obs.room is not None else ""
        warning.display = bool(error)
        warning.update(Content.styled("⚠ This turn is not saved: the autosave failed. Press ctrl+r to try again.", "bold $error") if error else "")

    def on_mount(self) -> None:
        super().on_mount()
        self.show(self.obs)
        self.query_one("#report-box").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close":
            return self.reopened
        return True

    def action_close(self) -> None:
        if self.reopened:
            self.dismiss()

    def action_next(self) -> None:
        if self.reopened:
            self.dismiss()
            return
        self.post_message(self.Continue(self.turn, self.seat))
