"""The start screen: new game, continue the latest autosave, load a save, debrief one, quit."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from wargame.saves.catalogue import latest_unfinished
from wargame.tui.render import MUTED

LOGO = """\
╻ ╻┏━┓┏━┓┏━╸┏━┓┏┳┓┏━╸
┃╻┃┣━┫┣┳┛┃╺┓┣━┫┃┃┃┣╸ 
┗┻┛╹ ╹╹┗╸┗━┛╹ ╹╹ ╹┗━╸"""


class StartScreen(Screen[None]):
    """The first screen. Each entry runs an app action, so the command palette and the
    menu do the same thing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.new_game", "New game"),
        Binding("c", "app.continue_game", "Continue", show=False),
        Binding("l", "app.load_game", "Load"),
        Binding("d", "app.debrief", "Debrief"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, save_dir: Path) -> None:
        super().__init__()
        self.save_dir = save_dir

    def compose(self) -> ComposeResult:
        options = [Option(Content.assemble(("N", "bold underline"), "ew game"), id="new_game")]
        latest = latest_unfinished(self.save_dir)
        if latest is not None:
            label = Content.assemble(
                ("C", "bold underline"), "ontinue: ", latest.title, (f"  ({latest.progress})", MUTED)
            )
            options.append(Option(label, id="continue_game"))
        options.append(Option(Content.assemble(("L", "bold underline"), "oad a save…"), id="load_game"))
        options.append(Option(Content.assemble(("D", "bold underline"), "ebrief a saved game…"), id="debrief"))
        options.append(Option(Content.assemble(("Q", "bold underline"), "uit"), id="quit"))
        with Vertical(id="start-box"):
            with Center():
                yield Static(Content.styled(LOGO, "bold $accent"), id="logo")
            yield Static(Content.styled("A policy wargame: play solo, hot-seat, or run a classroom exercise.", MUTED), id="tagline")
            yield OptionList(*options, id="start-menu")
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.call_later(self.run_action, f"app.{event.option.id}")
