"""The Odds panel of the replay viewer: each ending's odds before every turn, played on from
the full state by computer stand-ins (a worker this panel runs), the turning points, and
each team's choices marked against the best it had (another worker). What it finishes goes
up to the screen, which keeps it (key moments, the timeline and the report read it too) and
hands it back down."""

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

from wargame.analysis.marks import Marks, cached_marks, human_seats
from wargame.analysis.turning import Analysis, cached_analysis
from wargame.errors import WargameError
from wargame.observe.visibility import FACILITATOR_VIEWER, Viewer
from wargame.play.timeline import SavedGame
from wargame.tui.render import BAD, GOOD, MUTED, WARN, percent
from wargame.tui.screens.replay.pane import (
    PanelList,
    PanelScroll,
    ReplayPane,
    odds_allowed,
    worker_jobs,
)
from wargame.words import fit_labels

ROLLOUTS = 500
"""Continuations per turn for the viewer's turning-point analysis (cached beside the save):
the batched engine plays them in a second or two, so the panel fills as it opens."""


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
    marks: var[Marks | None] = var(None, init=False)
    """Each team's choices marked, once computed (or found beside the save)."""
    marking: var[bool] = var(False, init=False)
    """The marks are being computed."""

    @dataclass
    class Analysed(Message):
        """The analysis finished (None: it failed, and why). The screen keeps a result."""

        analysis: Analysis | None
        error: str = ""

    @dataclass
    class Progress(Message, bubble=False):
        done: int
        total: int

    @dataclass
    class Marked(Message):
        """The marks are computed (None: it failed, and why). The screen keeps a result."""

        marks: Marks | None
        error: str = ""

    @dataclass
    class MarkProgress(Message, bubble=False):
        done: int
        total: int

    def __init__(self) -> None:
        super().__init__("5 Odds", id="odds")

    def compose(self) -> ComposeResult:
        yield PanelScroll(
            Static(id="odds-note", markup=False),
            Horizontal(Button("Run the analysis (a)", id="run-analysis", variant="primary"), ProgressBar(id="odds-progress", show_eta=False), classes="buttons"),
            Static(id="odds-chart", markup=False),
            PanelList(id="turning-list"),
            Static(id="marks-note", markup=False),
            Horizontal(Button("Mark the teams' choices (k)", id="run-marks"), ProgressBar(id="marks-progress", show_eta=False), classes="buttons"),
            PanelList(id="marks-list"),
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

    def watch_marks(self) -> None:
        self.redraw()

    def watch_marking(self) -> None:
        self.redraw()

    # -- marked choices ------------------------------------------------------------------
    def mark(self) -> bool:
        """Start marking the teams' choices (k, or the button); False if it cannot start."""
        saved = self.saved
        if saved is None or self.marking:
            return False
        if not odds_allowed(saved, self.viewer):
            self.notify("Marked choices are for the facilitator's view (f).", markup=False)
            return False
        if not human_seats(saved.save):
            self.notify("No seat was played by a person: there are no team choices to mark.", markup=False)
            return False
        self.marking = True
        self.run_marks(saved)
        return True

    @on(Button.Pressed, "#run-marks")
    def mark_pressed(self) -> None:
        self.mark()

    @work(thread=True, exclusive=True, group="marks")
    def run_marks(self, saved: SavedGame) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(self.MarkProgress(done, total))

        try:
            result = cached_marks(saved.save, saved.path, jobs=worker_jobs(), progress=progress)
        except WargameError as exc:
            self.post_message(self.Marked(None, str(exc)))
            return
        self.post_message(self.Marked(result))

    @on(MarkProgress)
    def mark_progressed(self, message: MarkProgress) -> None:
        self.query_one("#marks-progress", ProgressBar).update(total=message.total, progress=message.done)

    @on(Marked)
    def marked(self, message: Marked) -> None:
        if message.marks is None:
            self.marking = False
            self.notify(message.error, title="Marking failed", severity="error", markup=False)
        else:
            self.set_reactive(OddsPane.marking, False)
            self.notify("Choices marked; kept beside the save for next time.", markup=False)

    @on(OptionList.OptionSelected, "#marks-list")
    def mark_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(self.GoTo(int(event.option.id.partition("-")[0]), "turn"))

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

    def on_show(self) -> None:
        # The panel fills as it opens (the fast engine takes a second or two), for a
        # viewer who may see the odds; otherwise it says whose view they are for.
        saved = self.saved
        if saved is not None and self.analysis is None and not self.busy and odds_allowed(saved, self.viewer):
            self.analyse()

    @work(thread=True, exclusive=True, group="analysis")
    def run_analysis(self, saved: SavedGame, rollouts: int) -> None:
        def progress(_stage: str, done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        try:
            result = cached_analysis(saved.save, saved.path, rollouts, worker_jobs(), progress=progress, engine="fast")
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
        self.draw_marks(saved, allowed)
        if not allowed:
            note.update(Content.styled("The odds and marked choices are computed from the full state, secrets included: they are shown in the facilitator's view (f).", MUTED))
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

    def draw_marks(self, saved: SavedGame, allowed: bool) -> None:
        """The marked choices: what they are and a button to compute them, or each team's
        marks (Enter goes to the turn)."""
        note = self.query_one("#marks-note", Static)
        listed = self.query_one("#marks-list", OptionList)
        teams = human_seats(saved.save)
        self.query_one("#marks-progress", ProgressBar).display = self.marking
        self.query_one("#run-marks", Button).display = allowed and bool(teams) and not self.marking and self.marks is None
        listed.clear_options()
        if not allowed or not teams:
            note.display = listed.display = False
            return
        note.display = True
        m = self.marks
        if m is None:
            note.update(Content.assemble(
                ("Marked choices", "bold"),
                (": each team's orders against every order set it had, played on the same dice; ?? blunder, ? mistake, ?! inaccuracy, ! strong. Press k to compute them (minutes); they are kept beside the save.", MUTED),
            ))
            listed.display = False
            return
        deck = saved.deck
        note.update(Content.assemble(("Marked choices", "bold"), (f"  ({m.games} continuations a choice; Enter: go to the turn)", MUTED)))
        listed.display = True
        options = []
        for seat in m.seats:
            for x in m.of(seat):
                style = BAD if x.kind in {"blunder", "mistake"} else WARN if x.kind == "inaccuracy" else GOOD if x.kind == "strong" else MUTED
                head = Content.assemble(((x.symbol or "·").ljust(3), f"bold {style}"), (f"{deck.actor_name(seat)}, {deck.turn_name} {x.turn}: ", "bold"), x.label)
                options.append(Option(Content("\n").join([head, Content.styled("    " + x.summary(m.titles), MUTED)]), id=f"{x.turn}-{seat}"))
        listed.add_options(options or [Option(Content.styled("Nothing to mark.", MUTED), disabled=True)])
