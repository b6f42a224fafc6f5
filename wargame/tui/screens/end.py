"""The end screen: the ending, the objectives met or missed, and the scores, as its viewer
may see them: every side's for the facilitator (at the end every secret is out for the
debrief), a seat's own objectives and last results for a team playing over the network."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Static

from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.tui.render import MUTED, heading, objectives_block, report_block, scores_lines
from wargame.tui.screens.base import GameScreen
from wargame.tui.widgets import Prose, TitleBar
from wargame.words import count


class EndScreen(GameScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "local('debrief_game')", "Debrief"),
        Binding("s", "local('save_copy')", "Save"),
        Binding("n", "local('new_game')", "New game"),
        Binding("l", "local('load_game')", "Load"),
        Binding("q", "app.quit", "Quit", show=False),
        # The objectives are on this screen and the dashboard is one key away still: off
        # the footer, so "^q Quit" fits at 80 columns.
        Binding("o", "app.stakes", "Objectives", show=False),
        Binding("d", "app.dashboard", "Dashboard", show=False),
    ]

    def __init__(self, client: GameClient, viewer: Viewer, *, save_path: Path | None = None, local: bool = True) -> None:
        """`local`: a game on this keyboard (it can be saved, debriefed and replaced here);
        `save_path`: where it was saved."""
        super().__init__(client, viewer)
        self.save_path = save_path
        self.local = local

    def compose(self) -> ComposeResult:
        obs = self.obs
        ending = obs.game.ending
        title = ending.title if ending is not None else "the game is over"
        played = obs.game.resolved
        right = f"after {count(played, obs.game.turn_name)}" if self.local else obs.viewer.name
        yield TitleBar(Content.assemble(("The game ends: ", "bold"), (title, "bold $accent")), right)
        with VerticalScroll(id="end-box"):
            yield Static(Content((ending.text or ending.title) if ending is not None else ""), id="ending-text")
            if obs.control is not None:
                yield Prose(scores_lines(obs.control.scores, obs), id="scores")
            elif obs.seat is not None:
                yield Prose([heading("Your objectives"), *objectives_block(obs.seat.objectives)], id="scores")
            if not self.local:
                last = obs.turn_info(played)
                if last is not None:
                    yield Static(report_block(last, obs, show_audience=True), classes="section")
                yield Static(Content.styled("The facilitator has the full picture for the debrief. Press q to leave.", MUTED), classes="section")
            if self.save_path is not None:
                yield Static(Content.assemble(("Saved as ", MUTED), str(self.save_path)), id="saved-as")
            if self.local:
                with Horizontal(classes="buttons"):
                    if self.save_path is not None:
                        yield Button("Debrief (b)", id="debrief")
                    yield Button("Save a copy (s)", id="save")
                    yield Button("New game (n)", id="new", variant="primary")
                    yield Button("Quit (q)", id="quit")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "local":
            return self.local
        return True

    async def action_local(self, action: str) -> None:
        """What only a game on this keyboard offers at its end (the app does it)."""
        if self.local:
            await self.app.run_action(action)

    def on_mount(self) -> None:
        super().on_mount()
        # Nothing pressable has focus: an Enter meant for the last results does not
        # start a new game by accident.
        self.query_one("#end-box").focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        action = {"debrief": "app.debrief_game", "save": "app.save_copy", "new": "app.new_game", "quit": "app.quit"}.get(event.button.id or "")
        if action:
            self.call_later(self.run_action, action)
