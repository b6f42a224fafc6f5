"""The projector view: only public information, in large type, for the room.

The same screen serves the projector of a game on this keyboard (`v`) and a projector
joined to a hosted exercise; it reads the public's observation and nothing else.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Digits, Footer, Static

from wargame.observe.labels import format_value
from wargame.observe.model import Observation
from wargame.observe.visibility import PUBLIC
from wargame.play.client import GameClient
from wargame.tui.render import MUTED, WARN, bar, news_block, offers_block
from wargame.tui.screens.base import GameScreen


class ProjectorScreen(GameScreen, inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "close", "Back"),
    ]

    shown_turn: reactive[tuple[int, int]] = reactive((0, 0), recompose=True)
    """(turn, resolved): the board is laid out anew when the game moves on."""

    def __init__(self, client: GameClient, *, closable: bool = True) -> None:
        super().__init__(client, PUBLIC)
        self.closable = closable
        self.set_reactive(ProjectorScreen.shown_turn, (self.obs.game.turn, self.obs.game.resolved))

    def compose(self) -> ComposeResult:
        obs = self.obs
        with VerticalScroll(id="projector"):
            yield Static(Content.styled(obs.game.title, "bold $accent"), id="proj-title")
            yield Static(Content.styled(obs.game.turn_label, "bold"), id="proj-turn")
            text, shown = _banner(obs)
            banner = Static(text, id="proj-clock")
            banner.display = shown
            yield banner
            with Horizontal(id="proj-tracks"):
                for t in obs.tracks_of(None):
                    with Vertical(classes="proj-track"):
                        yield Static(Content.styled(t.label, "bold"), classes="proj-label")
                        yield Digits(format_value(t.value) if t.value is not None else "?")
                        scale = f" {format_value(t.value)} / {format_value(t.hi)}" if t.value is not None else " hidden"
                        yield Static(Content.assemble(bar(t, 14), (scale, MUTED), "\n", (t.level or " ", WARN)))
            if obs.game.ending is not None:
                yield Static(Content.assemble((f"The game ends: {obs.game.ending.title}", "bold"), "\n", obs.game.ending.text), id="proj-ending")
            # Offers the room may know of: public ones only (the observation is the public's).
            waiting = obs.offers_waiting()
            if waiting:
                yield Static(Content("\n").join([Content.styled("Offers waiting for an answer", MUTED), offers_block(waiting, obs.game.turn_name)]), id="proj-offers")
            last = obs.game.resolved
            news = obs.news_of(last) if last >= 1 else []
            title = f"Latest news: {obs.game.turn_name} {last}" if last >= 1 else "Latest news"
            yield Static(Content.styled(title, MUTED), id="proj-news-title")
            yield Static(news_block(news, obs, empty="The game has just begun."), id="proj-news")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.show(self.obs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close":
            return self.closable
        return True

    def action_close(self) -> None:
        if self.closable:
            self.dismiss()

    def show(self, obs: Observation) -> None:
        """The room sees the countdown and, in large letters, when the facilitator paused."""
        self.shown_turn = (obs.game.turn, obs.game.resolved)
        for banner in self.query("#proj-clock").results(Static):
            text, shown = _banner(obs)
            banner.update(text)
            banner.display = shown


def _banner(obs: Observation) -> tuple[Content, bool]:
    room = obs.room
    left = room.countdown if room is not None else None
    if room is not None and room.paused:
        return Content.styled("⏸  PAUSED BY THE FACILITATOR", "bold reverse $warning"), True
    if left is not None:
        mins, secs = divmod(int(left + 0.999), 60)
        return Content.styled(f"⏱  {mins}:{secs:02d} left to give orders", f"bold {WARN}" if left <= 60 else "bold"), True
    return Content(""), False
