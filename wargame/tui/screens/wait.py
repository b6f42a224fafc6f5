"""Waiting for the others: a team's orders are sealed (or a computer plays its seat), and
it sees who is still choosing, its own sealed orders and the latest news."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from wargame.observe.model import Observation
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.tui.render import MUTED, WARN, heading, news_block
from wargame.tui.screens.base import GameScreen
from wargame.tui.widgets import SeatStrip, TitleBar


class WaitScreen(GameScreen):
    def __init__(self, client: GameClient, seat: str, title: str, note: str = "") -> None:
        super().__init__(client, Viewer.seat(seat))
        self.seat = seat
        self.title_text = title
        self.note = note

    def compose(self) -> ComposeResult:
        obs = self.obs
        yield TitleBar(Content.assemble((obs.actor_name(self.seat), "bold"), " — ", self.title_text), obs.game.turn_label, id="wait-title")
        with VerticalScroll(id="wait-box"):
            yield Static(id="wait-text")
            yield Static(id="wait-orders")
            yield Static(id="wait-news")
        yield SeatStrip(obs)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.show(self.obs)

    def show(self, obs: Observation) -> None:
        super().show(obs)
        self.query_one("#wait-title", TitleBar).set_text(Content.assemble((obs.actor_name(self.seat), "bold"), " — ", self.title_text), obs.game.turn_label)
        room = obs.room
        waiting = [obs.actor_name(s.actor) for s in room.seats if not s.sealed] if room is not None else []
        lines = [Content.styled(self.title_text, "bold $accent")]
        if self.note:
            lines.append(Content.styled(self.note, MUTED))
        if room is not None and room.paused:
            lines.append(Content.styled("The facilitator has paused the game.", WARN))
        elif waiting:
            lines.append(Content.assemble(("Waiting for: ", MUTED), ", ".join(waiting)))
        else:
            lines.append(Content.styled("Every seat has sealed: waiting for the facilitator to resolve.", MUTED))
        self.query_one("#wait-text", Static).update(Content("\n").join(lines))
        sheet = obs.seat
        mine = sheet.sealed if sheet is not None and sheet.sealed is not None else []
        names = [o.label for o in mine]
        out = [heading("Your sealed orders"), Content(", ".join(names) if names else "none: you stand pat")]
        unit = obs.game.turn_name
        offers = sheet.my_offers_waiting if sheet is not None else []
        if offers:
            out.append(heading("Your offers waiting for an answer"))
            out += [Content.assemble("• ", (o.name, "bold"), (f"  answer due by {unit} {o.deadline}", MUTED)) for o in offers]
        self.query_one("#wait-orders", Static).update(Content("\n").join(out))
        last = obs.news_of(obs.game.resolved) if obs.game.resolved else []
        self.query_one("#wait-news", Static).update(Content("\n").join([heading("Latest news"), news_block(last, obs, show_audience=True)]))
