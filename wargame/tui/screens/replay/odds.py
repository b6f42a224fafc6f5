"""The Odds panel of the replay viewer: each ending's odds before every turn, played on from
the full state by computer stand-ins (a worker this panel runs), and the turning points.
The analysis it finishes goes up to the screen, which keeps it (key moments and the report
read it too) and hands it back down."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import Button, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from wargame.analysis.turning import Analysis, cached_analysis
from wargame.errors import WargameError
from wargame.observe.visibility import FACILITATOR_VIEWER, Viewer
from wargame.play.timeline import SavedGame
from wargame.tui.render import MUTED, WARN, percent
from wargame.tui.screens.replay.pane import PanelScroll, ReplayPane, odds_allowed, worker_jobs
from wargame.words import fit_labels

ROLLOUTS = 200
"""Continuations per turn for the viewer's turning-point analysis (cached beside the save)."""


def odds_table(a: Analysis, marked: int, width: int) -> Content:
    """Each ending's probability before each turn as a row of shaded cells, the selected
    turn marked: readable at 80 columns, a bar chart of odds in disguise. An ending's title
    takes the columns the cells leave; one still too long is shortened by the rule that
    keeps what tells it from the others (`words.fit_labels`), and named in full below."""
    shades = " ░▒▓█"
    n = len(a.odds)
    shown = [e for e in a.endings if max(a.series(e), default=0) >= 0.01]
    full = [a.titles.get(e, e) for e in shown]
    figures = 18  # "  41% (33%–50%)"
    cell = 3 if 12 + 2 + n * 3 + figures <= width else 2 if 12 + 2 + n * 2 + figures <= width else 1
    name_w = max(8, min(max((len(t) for t in full), default=8), width - 2 - n * cell - figures))
    titles = dict(zip(shown, fit_labels(full, name_w), strict=True))
    rows: list[Content] = []
    head: list[str | tuple[str, str]] = [" " * (name_w + 1)]
    for o in a.odds:
        label = str(o.turn) if not o.final else "■"
        head.append((label.rjust(cell)[:cell] if cell > 1 or o.turn % 5 == 0 else " ", "bold $accent" if o.turn == marked else MUTED))
    rows.append(Content.assemble(*head))
    for e in shown:
        series = a.series(e)
        cells: list[str | tuple[str, str]] = [(titles[e].ljust(name_w) + " ", "bold")]
        for o, p in zip(a.odds, series, strict=True):
            ch = shades[min(4, round(p * 4))]
            style = "$accent" if o.turn == marked else "$primary"
            cells.append(((ch * (cell - 1 if cell > 1 else 1)).rjust(cell), style))
        now = next((x for x in a.odds if x.turn == marked), None)
        if now is not None:
            lo, hi = now.interval(e)
            cells.append((f"  {percent(now.p(e))} ({percent(lo)}–{percent(hi)})", MUTED))
        rows.append(Content.assemble(*cells))
    rows.append(Content.styled(f"{' ' * (name_w + 1)}shade: ░ about 25%, ▒ 50%, ▓ 75%, █ certain; figures: the odds before the marked turn, with 95% intervals", MUTED))
    cut = [f"{titles[e]} = {a.titles.get(e, e)}" for e in shown if titles[e] != a.titles.get(e, e)]
    if cut:
        rows.append(Content.styled("In full: " + "; ".join(cut), MUTED))
    return Content("\n").join(rows)


class OddsPane(ReplayPane):
    """The odds chart and turning points once analysed; before that, what the analysis
    does and a button to run it. Only for a viewer who may see figures from secrets."""

    saved: var[SavedGame | None] = var(None, init=False)
    viewer: var[Viewer] = var(FACILITATOR_VIEWER, init=False)
    turn: var[int] = var(1, init=False)
    analysis: var[Analysis | None] = var(None, init=False)
    rollouts: var[int] = var(ROLLOUTS, init=False)
    """Continuations per turn for an analysis started here."""
    busy: var[bool] = var(False, init=False)
    """The analysis is running."""

    @dataclass
    class Analysed(Message):
        """The analysis finished (None: it failed, and why). The screen keeps a result."""

        analysis: Analysis | None
        error: str = ""

    @dataclass
    class Progress(Message, bubble=False):
        done: int
        total: int

    def __init__(self) -> None:
        super().__init__("5 Odds", id="odds")

    def compose(self) -> ComposeResult:
        yield PanelScroll(
            Static(id="odds-note", markup=False),
            Horizontal(Button("Run the analysis (a)", id="run-analysis", variant="primary"), ProgressBar(id="odds-progress", show_eta=False), classes="buttons"),
            Static(id="odds-chart", markup=False),
            OptionList(id="turning-list"),
            id="odds-scroll",
        )

    def watch_saved(self) -> None:
        self.redraw()

    def watch_viewer(self) -> None:
        self.redraw()

    def watch_turn(self) -> None:
        self.redraw()

    def watch_analysis(self) -> None:
        self.redraw()

    def watch_rollouts(self) -> None:
        self.redraw()

    def watch_busy(self) -> None:
        self.redraw()

    # -- the analysis ------------------------------------------------------------------
    def analyse(self) -> bool:
        """Start the turning-point analysis (a, or the button); False if it cannot start
        (one is running, or this viewer may not see odds: then it says so)."""
        saved = self.saved
        if saved is None or self.busy:
            return False
        if not odds_allowed(saved, self.viewer):
            self.notify("The odds are for the facilitator's view (f).", markup=False)
            return False
        self.busy = True
        self.run_analysis(saved, self.rollouts)
        return True

    @on(Button.Pressed, "#run-analysis")
    def pressed(self) -> None:
        self.analyse()

    @work(thread=True, exclusive=True, group="analysis")
    def run_analysis(self, saved: SavedGame, rollouts: int) -> None:
        def progress(_stage: str, done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        try:
            result = cached_analysis(saved.save, saved.path, rollouts, worker_jobs(), progress=progress)
        except WargameError as exc:
            self.post_message(self.Analysed(None, str(exc)))
            return
        self.post_message(self.Analysed(result))

    @on(Progress)
    def progressed(self, message: Progress) -> None:
        self.query_one("#odds-progress", ProgressBar).update(total=message.total, progress=message.done)

    @on(Analysed)
    def analysed(self, message: Analysed) -> None:
        if message.analysis is None:
            self.busy = False
            self.notify(message.error, title="The analysis failed", severity="error", markup=False)
        else:
            # Drawn when the screen hands the analysis back down: no glimpse of the Run
            # button in between.
            self.set_reactive(OddsPane.busy, False)
            self.notify("Turning points found; kept beside the save for next time.", markup=False)

    @on(OptionList.OptionSelected, "#turning-list")
    def turning_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(self.GoTo(int(event.option.id)))

    # -- drawing -----------------------------------------------------------------------
    def draw(self) -> None:
        saved = self.saved
        if saved is None:
            return
        note = self.query_one("#odds-note", Static)
        chart = self.query_one("#odds-chart", Static)
        turning = self.query_one("#turning-list", OptionList)
        allowed = odds_allowed(saved, self.viewer)
        self.query_one("#odds-progress", ProgressBar).display = self.busy
        self.query_one("#run-analysis", Button).display = allowed and not self.busy and self.analysis is None
        if not allowed:
            note.update(Content.styled("The odds are computed from the full state, secrets included: they are shown in the facilitator's view (f).", MUTED))
            chart.update("")
            turning.clear_options()
            turning.display = False
            return
        a = self.analysis
        if a is None:
            note.update(
                Content.assemble(
                    ("Ending odds by turn", "bold"),
                    (f": from the state before each turn, {self.rollouts} continuations played by computer stand-ins. Press a to run it; the result is kept beside the save.", MUTED),
                )
            )
            chart.update("")
            turning.display = False
            return
        deck = saved.deck
        note.update(Content.assemble(("Ending odds before each turn", "bold"), (f"  ({a.rollouts} continuations a turn; ▲ {deck.turn_name} {self.turn})", MUTED)))
        chart.update(odds_table(a, self.turn, self.query_one("#odds-scroll").content_region.width or 70))
        turning.display = True
        turning.clear_options()
        if a.turning_points:
            turning.add_options([Option(Content.assemble(("◆ ", WARN), tp.text()), id=str(tp.turn)) for tp in a.turning_points])
        else:
            turning.add_options([Option(Content.styled("No turning points: the odds never moved much.", MUTED), disabled=True)])
