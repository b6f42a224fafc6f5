"""Pick a save to load: the saves folder, newest first, or any path typed in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wargame.saves.catalogue import SaveSummary, list_saves
from wargame.tui.render import MUTED
from wargame.tui.screens.save_as import PathDialog


def save_prompt(s: SaveSummary) -> Content:
    when = dt.datetime.fromtimestamp(s.modified).strftime("%Y-%m-%d %H:%M")
    if s.problem is not None:
        return Content.assemble((s.title, "bold"), ("  unreadable", "$text-error"), "\n", (f"  {s.problem} · {when}", MUTED))
    state = f"ended: {s.ending}" if s.ending else s.progress
    kind = " · a copy (checkpoint) of a game listed above" if s.copy else "" if s.ending else " · the live game"
    return Content.assemble((s.title, "bold"), (f"  {state}", "$text-accent"), "\n", (f"  {s.path.name} · {when}{kind}", MUTED))


class LoadSaveScreen(PathDialog):

    def __init__(self, save_dir: Path, title: str = "Load a save") -> None:
        super().__init__()
        self.save_dir = save_dir
        self.title_text = title
        self.saves = list_saves(save_dir)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="load-box"):
            yield Static(Content.styled(self.title_text, "bold"), classes="dialog-title")
            if self.saves:
                yield OptionList(*(Option(save_prompt(s), id=str(i)) for i, s in enumerate(self.saves)), id="saves")
            else:
                yield Static(Content.styled(f"No saves in {self.save_dir}/ yet.", MUTED), classes="dialog-body")
            yield Input(placeholder="…or type the path of a save file and press Enter", id="save-path")

    @on(OptionList.OptionSelected, "#saves")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.saves[int(event.option.id or 0)].path)
