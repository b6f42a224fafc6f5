"""The replay viewer's dialogs: whose eyes to see the game through, go to a turn, the keys,
play from here (branch into a new save), and export a report."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from wargame.bots.seats import seat_options
from wargame.deck.compile import CompiledDeck
from wargame.observe.visibility import Viewer
from wargame.tui.render import MUTED, WARN

HELP = """\
←/→  or  ,/.    previous / next turn         (or click a turn on the timeline)
Home / End      first turn / the last turn (the ending)
g               go to a turn by number
p               perspective: a seat as it saw the game, the public, the facilitator
f               the facilitator's full view
h               hindsight: show a seat's secrets it only learned later
1 … 6           panels: Turn, Tracks, Moments, Scores, Odds, What if
[ / ]           the track charted in Tracks (or click one)
Enter           on a key moment or turning point: go to its turn
a               Odds: run the turning-point analysis (cached beside the save)
r               What if: run the continuations for the picked orders
b               play from here: branch a new game before this turn (never changes this save)
t               this game and its branches as a tree: open one, or c to compare it with this one
m               Moments: every moment, or only those that tell the story
k               mark each team's choices against the best it had (cached beside the save)
x               export an after-action report (Markdown, HTML, or slides)
s               present: one turn per screen for a room (also: replay --present)
?               this help          Esc / q  back"""


class _Dialog(ModalScreen[object]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(_Dialog):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "cancel", "Close")]

    def compose(self) -> ComposeResult:
        # It scrolls (↑/↓, PageUp/PageDown, the wheel): at 80x24 the keys are taller than the screen.
        with VerticalScroll(classes="dialog wide", id="replay-help"):
            yield Static(Content.styled("The replay viewer: keys", "bold"), classes="dialog-title")
            with Vertical(classes="dialog-body"):
                for line in HELP.splitlines():  # a key, then what it does, wrapped beside the key
                    with Horizontal(classes="help-row"):
                        yield Static(Content(line[:16].rstrip()), classes="help-key")
                        yield Static(Content(line[16:].strip()), classes="help-text")
            yield Static(Content.styled("The mouse works too: click turns, tabs, tracks and moments.", MUTED))


class PerspectiveScreen(_Dialog):
    """Pick a `Viewer`: each seat as it saw the game when deciding, the public, the facilitator."""

    def __init__(self, choices: list[tuple[Viewer, str]], current: Viewer) -> None:
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="perspective-box"):
            yield Static(Content.styled("See the game through whose eyes?", "bold"), classes="dialog-title")
            options = [Option(("● " if v == self.current else "  ") + label, id=str(i)) for i, (v, label) in enumerate(self.choices)]
            yield OptionList(*options, id="perspectives")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = next((i for i, (v, _) in enumerate(self.choices) if v == self.current), 0)
        ol.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)][0])


class GoToTurnScreen(_Dialog):
    def __init__(self, last: int, unit: str) -> None:
        super().__init__()
        self.last = last
        self.unit = unit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="goto-box"):
            yield Static(Content.styled(f"Go to which {self.unit}? (1 to {self.last})", "bold"), classes="dialog-title")
            yield Input(placeholder=f"1 … {self.last}", id="goto-turn", type="integer")
            yield Static("", id="goto-error")

    @on(Input.Submitted)
    def typed(self, event: Input.Submitted) -> None:
        try:
            turn = int(event.value.strip())
        except ValueError:
            turn = 0
        if 1 <= turn <= self.last:
            self.dismiss(turn)
            return
        self.query_one("#goto-error", Static).update(Content.styled(f"Type a number from 1 to {self.last}.", WARN))


class PathChoice(_Dialog):
    """A path to write, which never overwrites a file without a second, explicit yes."""

    def __init__(self, title: str, detail: str, suggestion: Path, *, extra: Content | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.detail = detail
        self.suggestion = suggestion
        self.extra = extra
        self._confirm_for: Path | None = None

    def compose(self) -> ComposeResult:
        box = VerticalScroll(classes="dialog wide", id="path-choice")  # never cut off: it scrolls,
        box.can_focus = False  # following the focus (the path first, Tab to the buttons)
        with box:
            yield Static(Content.styled(self.title_text, "bold"), classes="dialog-title")
            yield Static(Content.styled(self.detail, MUTED), classes="dialog-body")
            if self.extra is not None:
                yield Static(self.extra, classes="dialog-body")
            yield Input(str(self.suggestion), id="target-path")
            yield Static("", id="path-warning")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Write", id="write", variant="primary")

    def _submit(self) -> None:
        text = self.query_one("#target-path", Input).value.strip()
        if not text:
            return
        path = Path(text).expanduser()
        if path.exists() and self._confirm_for != path:
            self._confirm_for = path
            self.query_one("#path-warning", Static).update(Content.styled(f"{path} exists. Press Write (or Enter) again to replace it.", WARN))
            return
        self.dismiss(self.answer(path, path.exists()))

    def answer(self, path: Path, overwrite: bool) -> object:
        """What the dialog dismisses with: (path, whether to replace an existing file)."""
        return (path, overwrite)

    @on(Input.Changed)
    def changed(self) -> None:
        self._confirm_for = None
        self.query_one("#path-warning", Static).update("")

    @on(Input.Submitted)
    def submitted(self) -> None:
        self._submit()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "write":
            self._submit()
        else:
            self.dismiss(None)


class BranchScreen(PathChoice):
    """Play from here: where the new save goes, and who sits in each seat (the parent's
    seats to start with; take one yourself by making it Human)."""

    def __init__(self, title: str, detail: str, suggestion: Path, deck: CompiledDeck, seats: dict[str, str]) -> None:
        super().__init__(title, detail, suggestion)
        self.deck = deck
        self.seats = seats

    def on_mount(self) -> None:
        box = self.query_one("#path-choice")
        rows = []
        for actor in self.deck.actors:
            options = [(Content(label), spec) for label, spec in seat_options(self.deck, actor)]
            current = self.seats.get(actor, "human")
            if current not in {spec for _, spec in options}:
                options.append((Content(current), current))
            rows.append(Horizontal(Label(self.deck.actor_name(actor), classes="seat-label"), Select(options, value=current, allow_blank=False, id=f"branch-seat-{actor}", compact=True), classes="seat-row"))
        box.mount_all(rows, before="#target-path")
        self.query_one("#target-path", Input).focus()

    def answer(self, path: Path, overwrite: bool) -> object:
        seats = {actor: str(self.query_one(f"#branch-seat-{actor}", Select).value) for actor in self.deck.actors}
        return (path, overwrite, seats)
