"""The end screen: the ending, each actor's objectives met or missed, and the scores."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Static

from wargame.engine.state import FACILITATOR
from wargame.play.control import Session
from wargame.tui.render import MUTED, score_block
from wargame.tui.screens.base import GameScreen
from wargame.tui.widgets import TitleBar
from wargame.words import count


class EndScreen(GameScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "app.debrief_game", "Debrief"),
        Binding("s", "app.save_copy", "Save"),
        Binding("n", "app.new_game", "New game"),
        Binding("l", "app.load_game", "Load"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, session: Session) -> None:
        # At the end every secret is out: the debrief starts from the whole picture.
        super().__init__(session, FACILITATOR)

    def compose(self) -> ComposeResult:
        s = self.session
        ending = s.ending
        assert ending is not None
        unit = s.deck.turn_name
        played = len(s.game.records)
        yield TitleBar(Content.assemble(("The game ends: ", "bold"), (ending.title, "bold $accent")), f"after {count(played, unit)}")
        with VerticalScroll(id="end-box"):
            yield Static(Content(ending.text or ending.title), id="ending-text")
            scores = s.scores()
            ranked = sorted(scores.values(), key=lambda sc: -sc.total)
            yield Static(Content("\n\n").join(score_block(sc, s.deck) for sc in ranked), id="scores")
            if s.save_path is not None:
                yield Static(Content.assemble(("Saved as ", MUTED), str(s.save_path)), id="saved-as")
            with Horizontal(classes="buttons"):
                if s.save_path is not None:
                    yield Button("Debrief (b)", id="debrief")
                yield Button("Save a copy (s)", id="save")
                yield Button("New game (n)", id="new", variant="primary")
                yield Button("Quit (q)", id="quit")
        yield Footer()

    def on_mount(self) -> None:
        # Nothing pressable has focus: an Enter meant for the last results does not
        # start a new game by accident.
        self.query_one("#end-box").focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        action = {"debrief": "app.debrief_game", "save": "app.save_copy", "new": "app.new_game", "quit": "app.quit"}.get(event.button.id or "")
        if action:
            self.call_later(self.run_action, action)
