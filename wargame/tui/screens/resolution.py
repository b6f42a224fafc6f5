"""The resolution screen: what happened this turn, as the audience may see it.

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

from wargame.observe.visibility import Viewer
from wargame.play.control import Session
from wargame.play.readmodel import ReadModel
from wargame.tui.render import audience_name, heading, offers_block, report_block
from wargame.tui.screens.base import GameScreen
from wargame.tui.widgets import TitleBar


class ResolutionScreen(GameScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Continue"),
    ]

    @dataclass
    class Continue(Message):
        turn: int

    def __init__(self, session: Session, turn: int, audience: Viewer) -> None:
        super().__init__(session, audience)
        self.turn = turn

    def compose(self) -> ComposeResult:
        s = self.session
        unit = s.deck.turn_name
        yield TitleBar(Content.styled(f"Results of {unit} {self.turn}", "bold"), audience_name(s.deck, self.audience))
        read = s.read(self.audience)
        report = read.turn_report(self.turn)
        yield Static(id="save-warning")
        coach = read.coach()
        if coach:
            yield Static(Content.assemble(("Coach: ", "bold"), coach), id="coach")
        with VerticalScroll(id="report-box"):
            yield Static(report_block(report, s.deck, show_audience=True), id="report")
            waiting = [o for o in read.offers() if o.status == "waiting"] if isinstance(read, ReadModel) else []
            if waiting:
                seat = self.audience.actor
                yield Static(Content("\n").join([heading("Offers waiting for an answer"), offers_block(waiting, s.deck, seat)]), id="report-offers")
        yield Footer()

    def refresh_view(self) -> None:
        super().refresh_view()
        warning = self.query_one("#save-warning", Static)
        error = self.session.save_error
        warning.display = bool(error)
        warning.update(Content.styled("⚠ This turn is not saved: the autosave failed. Press ctrl+r to try again.", "bold $error") if error else "")

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one("#report-box").focus()

    def action_next(self) -> None:
        self.post_message(self.Continue(self.turn))
