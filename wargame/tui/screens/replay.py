"""The replay viewer: a saved game turn by turn, for an after-action review or a student alone.

A timeline of turns; for the selected turn every seat's orders and reasons, each roll
explained, injects, events, news, fizzles, the state before and after; charts of any track;
key moments; the final scores; ending odds by turn and turning points; what-ifs and play
from here. Everything shown is a `TurnDebrief` or a read model for the chosen viewer (a
seat "as it saw it when deciding", the public, or the facilitator); this screen decides
nothing about secrecy. The save is opened and verified in a worker, with Esc as a way out.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Footer,
    Input,
    LoadingIndicator,
    OptionList,
    ProgressBar,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from wargame.analysis.moments import Moment, key_moments, may_see_odds
from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import Analysis, cached_analysis, latest_cached
from wargame.analysis.whatif import (
    WhatIf,
    legal_alternatives,
    orders_label,
    play_from_here,
    recorded_what_if,
)
from wargame.bots.seats import safe_seats
from wargame.engine.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.errors import WargameError
from wargame.play.debrief import Debrief
from wargame.play.lock import pin_matches
from wargame.play.readmodel import format_value
from wargame.play.timeline import SavedGame
from wargame.report.export import export_report
from wargame.saves.store import Verification
from wargame.tui.render import BAD, DISABLED, GOOD, MUTED, WARN, heading, offers_block, percent
from wargame.tui.replay_render import scores_block, timeline_chart, turn_block
from wargame.tui.screens.pin import PinScreen
from wargame.tui.screens.replay_dialogs import (
    BranchScreen,
    GoToTurnScreen,
    HelpScreen,
    PathChoice,
    PerspectiveScreen,
)
from wargame.tui.widgets import TitleBar

TABS = ("turn", "tracks", "moments", "scores", "odds", "whatif")
ROLLOUTS = 200
"""Continuations per turn for the viewer's turning-point analysis (cached beside the save)."""
WHATIF_GAMES = 200
MOMENT_ICONS = {"threshold": "▲ ", "swing": "↕ ", "reveal": "! ", "ending": "■ ", "turning-point": "◆ "}


def perspective_label(saved: SavedGame, viewer: Viewer) -> str:
    if viewer.is_facilitator:
        return "the facilitator's full view"
    if viewer.is_public:
        return "the public view (what every seat knew)"
    assert viewer.actor is not None
    return f"as {saved.deck.actor_name(viewer.actor)} saw it when deciding"


def viewer_name(saved: SavedGame, viewer: Viewer) -> str:
    return "the facilitator" if viewer.is_facilitator else "the public" if viewer.actor is None else saved.deck.actor_name(viewer.actor)


class PanelScroll(VerticalScroll, inherit_bindings=False):
    """A scrolling panel that leaves ←/→ and Home/End to the timeline."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
    ]


class Timeline(Static):
    """The turns of the game in a row: click one, or step with the keys. Key moments are
    marked beneath their turn, turns that fail verification in red."""

    DEFAULT_CLASSES = "timeline"

    @dataclass
    class Picked(Message):
        turn: int

    def __init__(self, last: int, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.last = last
        self.turn = 1
        self.marks: set[int] = set()
        self.bad_from: int | None = None
        self.ending_turn: int | None = None
        self._cells: list[tuple[int, int, int]] = []

    def on_mount(self) -> None:
        self.refresh_view()

    def on_resize(self) -> None:
        self.refresh_view()

    def show(self, turn: int, marks: set[int] | None = None) -> None:
        self.turn = turn
        if marks is not None:
            self.marks = marks
        self.refresh_view()

    def refresh_view(self) -> None:
        width = self.content_region.width or 78
        cell = len(str(self.last)) + 2
        room = max(cell, width - 4)
        visible = max(1, room // cell)
        first = 1 if self.last <= visible else max(1, min(self.last - visible + 1, self.turn - visible // 2))
        turns = range(first, min(self.last, first + visible - 1) + 1)
        top: list[str | tuple[str, str]] = [("◀ " if first > 1 else "  ", MUTED)]
        bottom: list[str | tuple[str, str]] = ["  "]
        self._cells = []
        x = 2
        for t in turns:
            text = str(t).center(cell)
            bad = self.bad_from is not None and t >= self.bad_from
            if t == self.turn:
                style = "bold reverse $error" if bad else "bold reverse $accent"
            else:
                style = BAD if bad else "$text"
            top.append((text, style))
            mark = "■" if t == self.ending_turn else "★" if t in self.marks else ""
            bottom.append((mark.center(cell), WARN))
            self._cells.append((x, x + cell, t))
            x += cell
        top.append((" ▶" if turns and turns[-1] < self.last else "", MUTED))
        self.update(Content.assemble(*top) + "\n" + Content.assemble(*bottom))

    def on_click(self, event: events.Click) -> None:
        for start, end, turn in self._cells:
            if start <= event.x < end:
                self.post_message(self.Picked(turn))
                return
        if event.x < 2 and self._cells:
            self.post_message(self.Picked(max(1, self._cells[0][2] - 1)))
        elif self._cells and event.x >= self._cells[-1][1]:
            self.post_message(self.Picked(min(self.last, self._cells[-1][2] + 1)))


class ChartView(Static):
    """A track over the whole game with the selected turn marked; re-fits on resize."""

    DEFAULT_CLASSES = "replay-chart"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.title: Content = Content("")
        self.values: list[float | None] = []
        self.lo = 0.0
        self.hi = 1.0
        self.marked = 0

    def show(self, title: Content, values: list[float | None], lo: float, hi: float, marked: int) -> None:
        self.title, self.values, self.lo, self.hi, self.marked = title, values, lo, hi, marked
        self.refresh_view()

    def on_resize(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        if not self.values:
            return
        if all(v is None for v in self.values):
            self.update(Content.assemble(self.title, "\n", ("Hidden from this view.", DISABLED)))
            return
        width = self.content_region.width or 50
        # The screen less its bars, the chart's title and axis, and the line below it.
        height = max(4, min(14, self.screen.size.height - 14))
        self.update(Content("\n").join([self.title, timeline_chart(self.values, self.lo, self.hi, self.marked, width, height)]))


class ReplayScreen(Screen[None]):
    """The debrief of the save at `path`. `exit_on_close`: leaving the viewer quits the app
    (it was opened from the command line)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,comma", "step(-1)", "Prev"),
        Binding("right,full_stop", "step(1)", "Next"),
        Binding("home", "jump('first')", "First", show=False),
        Binding("end", "jump('last')", "End"),
        Binding("g", "go_to", "Go to"),
        Binding("p", "perspective", "Perspective"),
        Binding("f", "facilitator", "Facilitator", show=False),
        Binding("h", "hindsight", "Hindsight", show=False),
        Binding("1", "tab('turn')", "Turn", show=False),
        Binding("2", "tab('tracks')", "Tracks", show=False),
        Binding("3", "tab('moments')", "Moments", show=False),
        Binding("4", "tab('scores')", "Scores", show=False),
        Binding("5", "tab('odds')", "Odds", show=False),
        Binding("6", "tab('whatif')", "What if", show=False),
        Binding("left_square_bracket", "track(-1)", "Prev track", show=False),
        Binding("right_square_bracket", "track(1)", "Next track", show=False),
        Binding("a", "analyse", "Analyse", show=False),
        Binding("r", "run_whatif", "Run what-if", show=False),
        Binding("b", "branch", "Play from here", show=False),
        Binding("x", "export", "Export report", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("escape,q", "close", "Back"),
    ]

    @dataclass
    class Loaded(Message):
        saved: SavedGame | None
        error: str = ""

    @dataclass
    class MomentsReady(Message):
        viewer: Viewer
        moments: list[Moment]

    @dataclass
    class AnalysisDone(Message):
        analysis: Analysis | None
        error: str = ""

    @dataclass
    class AnalysisProgress(Message):
        stage: str
        done: int
        total: int

    @dataclass
    class Exported(Message):
        path: Path | None
        error: str = ""

    @dataclass
    class WhatIfDone(Message):
        result: WhatIf | None
        error: str = ""

    def __init__(self, path: Path, *, exit_on_close: bool = False, saved: SavedGame | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.exit_on_close = exit_on_close
        self.saved: SavedGame | None = saved
        self.debrief: Debrief | None = None
        self.viewer: Viewer = FACILITATOR_VIEWER
        self.turn = 1
        self.hindsight = True
        self.track_index = 0
        self.moments: dict[Viewer, list[Moment]] = {}
        self.analysis: Analysis | None = None
        self.checkpoints: Checkpoints | None = None
        self.whatif_result: WhatIf | None = None
        self._whatif_sets: list[tuple[str, ...]] = []
        self._busy: set[str] = set()
        self._tabs: TabbedContent | None = None
        self._head: tuple[Viewer, str] | None = None
        self.unlocked = True
        """False until the facilitator's PIN is given, for a save that has one."""
        self.rollouts = ROLLOUTS
        """Continuations per turn for the turning-point analysis."""

    # -- opening the save --------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleBar(Content.assemble(("Debrief", "bold")), str(self.path), id="replay-title")
        with Vertical(id="replay-loading"):
            yield Static(Content.assemble("Opening ", (str(self.path), "bold"), "… replaying and checking every turn."), id="loading-text")
            yield LoadingIndicator()
            yield Static(Content.styled("Esc to go back", MUTED))
        yield Vertical(id="replay-body")
        yield Footer()

    def on_mount(self) -> None:
        if self.saved is not None:
            self.post_message(self.Loaded(self.saved))
        else:
            self.load()

    @work(thread=True, exclusive=True, group="replay-open")
    def load(self) -> None:
        """Replay and verify the save off the UI thread (a long game takes a moment)."""
        worker = get_current_worker()
        try:
            saved = SavedGame.open(self.path)
            saved.verification  # noqa: B018  (computed here, off the UI thread)
        except WargameError as exc:
            if not worker.is_cancelled:
                self.post_message(self.Loaded(None, str(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(saved))

    @on(Loaded)
    async def loaded(self, message: Loaded) -> None:
        loading = self.query_one("#replay-loading")
        if message.saved is None:
            loading.remove_children()
            await loading.mount(
                Static(Content.assemble(("Cannot open this save: ", f"bold {BAD}"), message.error), id="replay-error"),
                Static(Content.styled("Esc to go back", MUTED)),
            )
            return
        await loading.remove()
        saved = self.saved = message.saved
        self.debrief = Debrief(saved)
        if saved.save.facilitator_pin is not None:
            # A game guarded by a facilitator's PIN opens in the public view: every other
            # perspective shows some seat's secrets, so it asks for the PIN first.
            self.unlocked = False
            self.viewer = PUBLIC
        self.turn = 1
        await self.query_one("#replay-body").mount_all(self._body(saved))
        self._tabs = self.query_one(TabbedContent)
        self.query_one(TabbedContent).query_one(Tabs).can_focus = False
        self.query_one("#turn-scroll").focus()
        self.refresh_all()
        self.find_moments(self.viewer)
        if saved.path is not None:
            cached = latest_cached(saved.save, saved.path)
            if cached is not None:
                self.analysis = cached
                self.refresh_odds()

    def _body(self, saved: SavedGame) -> list[Static | Timeline | TabbedContent | Vertical]:
        deck = saved.deck
        check: Verification = saved.verification
        banner = Static(id="verify-banner", classes="banner")
        if check.ok:
            banner.display = False
        else:
            banner.update(
                Content.assemble((f"⚠ {check.WARNING}: ", "bold"), check.problem(deck.turn_name) or "")
            )
        timeline = Timeline(saved.turns_played, id="timeline")
        if not check.ok:
            timeline.bad_from = check.first_bad_turn
        if saved.game.ending is not None:
            timeline.ending_turn = saved.turns_played
        tabs = TabbedContent(id="replay-tabs")
        for pane in self._panes():
            tabs.compose_add_child(pane)
        return [banner, Static(id="perspective-line"), timeline, tabs]

    # -- panes -----------------------------------------------------------------------
    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        self.refresh_pane()

    def _panes(self) -> list[TabPane]:
        return [
            TabPane("1 Turn", PanelScroll(Static(id="turn-text", markup=False), id="turn-scroll"), id="turn"),
            TabPane(
                "2 Tracks",
                Horizontal(OptionList(id="track-list"), PanelScroll(ChartView(id="chart"), Static(id="track-history", markup=False), id="chart-scroll"), id="tracks-box"),
                id="tracks",
            ),
            TabPane("3 Moments", Vertical(Static(id="moments-note", markup=False), OptionList(id="moment-list"), id="moments-box"), id="moments"),
            TabPane("4 Scores", PanelScroll(Static(id="scores-text", markup=False), id="scores-scroll"), id="scores"),
            TabPane(
                "5 Odds",
                PanelScroll(
                    Static(id="odds-note", markup=False),
                    Horizontal(Button("Run the analysis (a)", id="run-analysis", variant="primary"), ProgressBar(id="odds-progress", show_eta=False), classes="buttons"),
                    Static(id="odds-chart", markup=False),
                    OptionList(id="turning-list"),
                    id="odds-scroll",
                ),
                id="odds",
            ),
            TabPane(
                "6 What if",
                PanelScroll(
                    Static(id="whatif-note", markup=False),
                    SelectionList[int](id="whatif-choices"),
                    Horizontal(
                        Input(str(WHATIF_GAMES), id="whatif-games", type="integer"),
                        Button("Run (r)", id="run-whatif", variant="primary"),
                        Button("Play from here (b)", id="branch"),
                        ProgressBar(id="whatif-progress", show_eta=False),
                        classes="buttons",
                    ),
                    Static(id="whatif-result", markup=False),
                    id="whatif-scroll",
                ),
                id="whatif",
            ),
        ]

    # -- rendering ---------------------------------------------------------------------
    def refresh_all(self) -> None:
        saved = self.saved
        if saved is None:
            return
        deck = saved.deck
        hind = "" if self.viewer.actor is None else ("  ·  hindsight on (h)" if self.hindsight else "  ·  hindsight off (h)")
        head = (self.viewer, hind)
        if head != self._head:  # unchanged bars are not redrawn (a jump stays cheap)
            self._head = head
            title = self.query_one("#replay-title", TitleBar)
            title.set_text(Content.assemble(("Debrief: ", "bold"), (saved.save.title or deck.title, "bold $accent")), f"{saved.turns_played} {deck.turn_name}s · {self.path.name}")
            self.query_one("#perspective-line", Static).update(
                Content.assemble(("Seeing: ", MUTED), (perspective_label(saved, self.viewer), "bold"), (hind, MUTED), ("  ·  p to change", MUTED))
            )
        marks = {m.turn for m in self.moments.get(self.viewer, [])}
        self.query_one(Timeline).show(self.turn, marks)
        self.refresh_pane()

    def refresh_pane(self) -> None:
        if self._tabs is None or self.saved is None:
            return
        active = self._tabs.active
        if active == "turn":
            self.refresh_turn()
        elif active == "tracks":
            self.refresh_tracks()
        elif active == "moments":
            self.refresh_moments()
        elif active == "scores":
            self.refresh_scores()
        elif active == "odds":
            self.refresh_odds()
        elif active == "whatif":
            self.refresh_whatif()

    def refresh_turn(self) -> None:
        assert self.debrief is not None and self.saved is not None
        d = self.debrief.turn(self.viewer, self.turn, hindsight=self.hindsight)
        body = turn_block(d, self.saved.deck, show_audience=not self.viewer.is_public)
        if self.saved.deck.offers:
            # The offers this viewer knew of once the turn was resolved: made, answered or
            # expired in it, and those still waiting.
            known = self.saved.read(self.viewer, self.turn + 1).offers()
            shown = [o for o in known if self.turn in {o.made, o.closed} or o.status in {"waiting", "unanswered"}]
            if shown:
                body = Content("\n").join([body, Content(""), heading("Offers after this turn"), offers_block(shown, self.saved.deck, self.viewer.actor)])
        self.query_one("#turn-text", Static).update(body)

    def _tracks(self) -> list[tuple[str, str]]:
        assert self.saved is not None
        deck = self.saved.deck
        out = []
        for slot, name in enumerate(deck.slot_names):
            owner = deck.slot_owner(slot)
            out.append((name, deck.track_label(slot) if owner is None else f"{deck.actor_short(owner)}: {deck.track_label(slot)}"))
        return out

    def refresh_tracks(self) -> None:
        assert self.debrief is not None and self.saved is not None
        deck = self.saved.deck
        tracks = self._tracks()
        ol = self.query_one("#track-list", OptionList)
        if ol.option_count != len(tracks):
            ol.clear_options()
            ol.add_options([Option(label, id=name) for name, label in tracks])
        self.track_index %= len(tracks)
        if ol.highlighted != self.track_index:
            ol.highlighted = self.track_index
        name, _label = tracks[self.track_index]
        slot = deck.slot_names.index(name)
        values = self.debrief.history(self.viewer, name)
        title = Content.assemble((deck.slot_label(slot), "bold"), (f"  by {deck.turn_name} (0 = start; ▲ after {deck.turn_name} {self.turn})", MUTED))
        self.query_one("#chart", ChartView).show(title, values, deck.lo[slot], deck.hi[slot], self.turn)
        before, after = values[self.turn - 1], values[self.turn]
        if before is None or after is None:
            line = Content.styled("Hidden from this view.", DISABLED)
        else:
            move = "unchanged" if before == after else f"{format_value(before)} → {format_value(after)}"
            levels = ", ".join(f"{n} {format_value(v)}" for v, n in deck.thresholds.get(slot, ()))
            line = Content.assemble(f"{deck.turn_name.capitalize()} {self.turn}: ", (move, "bold"), (f"   levels: {levels}" if levels else "", MUTED))
        self.query_one("#track-history", Static).update(line)

    def refresh_moments(self) -> None:
        note = self.query_one("#moments-note", Static)
        ol = self.query_one("#moment-list", OptionList)
        moments = self.moments.get(self.viewer)
        if moments is None:
            note.update(Content.styled("Finding the key moments…", MUTED))
            ol.clear_options()
            return
        assert self.saved is not None
        unit = self.saved.deck.turn_name.capitalize()
        note.update(
            Content.assemble(
                ("Key moments", "bold"),
                (f" as {viewer_name(self.saved, self.viewer)} knew them by the end. ", MUTED),
                ("▲ threshold  ↕ swing  ! secret revealed  ◆ turning point  ■ ending · Enter: go there", MUTED),
            )
        )
        if ol.option_count != len(moments) or getattr(ol, "_for", None) != self.viewer:
            ol.clear_options()
            width = len(f"{unit} {self.saved.turns_played}") + 2
            ol.add_options(
                [Option(Content.assemble((f"{unit} {m.turn}".ljust(width), "bold"), (MOMENT_ICONS.get(m.kind, "• "), WARN), m.text), id=str(i)) for i, m in enumerate(moments)]
                or [Option(Content.styled("No key moments.", MUTED), disabled=True)]
            )
            ol._for = self.viewer  # type: ignore[attr-defined]

    def refresh_scores(self) -> None:
        assert self.debrief is not None and self.saved is not None
        ending = self.saved.game.ending
        text = ending.title if ending is not None else f"not over (saved after {self.saved.turns_played} {self.saved.deck.turn_name}s)"
        self.query_one("#scores-text", Static).update(scores_block(self.debrief.final_scores(self.viewer), self.saved.deck, text))

    def _odds_allowed(self) -> bool:
        assert self.saved is not None
        view = self.saved.view(self.viewer, self.saved.turns_played + 1)
        return may_see_odds(self.saved.game, view)

    def refresh_odds(self) -> None:
        if self.saved is None or not self.query("#odds-note"):
            return
        note = self.query_one("#odds-note", Static)
        chart = self.query_one("#odds-chart", Static)
        tps = self.query_one("#turning-list", OptionList)
        bar = self.query_one("#odds-progress", ProgressBar)
        bar.display = "analysis" in self._busy
        self.query_one("#run-analysis", Button).display = self._odds_allowed() and "analysis" not in self._busy and self.analysis is None
        if not self._odds_allowed():
            note.update(Content.styled("The odds are computed from the full state, secrets included: they are shown in the facilitator's view (f).", MUTED))
            chart.update("")
            tps.clear_options()
            tps.display = False
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
            tps.display = False
            return
        deck = self.saved.deck
        note.update(Content.assemble(("Ending odds before each turn", "bold"), (f"  ({a.rollouts} continuations a turn; ▲ {deck.turn_name} {self.turn})", MUTED)))
        chart.update(odds_table(a, self.turn, self.query_one("#odds-scroll").content_region.width or 70))
        tps.display = True
        tps.clear_options()
        if a.turning_points:
            tps.add_options([Option(Content.assemble(("◆ ", WARN), tp.text()), id=str(tp.turn)) for tp in a.turning_points])
        else:
            tps.add_options([Option(Content.styled("No turning points: the odds never moved much.", MUTED), disabled=True)])

    def refresh_whatif(self) -> None:
        saved = self.saved
        if saved is None:
            return
        note = self.query_one("#whatif-note", Static)
        choices = self.query_one("#whatif-choices", SelectionList)
        result = self.query_one("#whatif-result", Static)
        self.query_one("#whatif-progress", ProgressBar).display = "whatif" in self._busy
        seat = self._whatif_seat()
        if not self.viewer.is_facilitator and not self._odds_allowed():
            note.update(Content.styled("What-ifs play on from the full state, secrets included: run them in the facilitator's view (f). Play from here (b) works in any view.", MUTED))
            choices.display = False
            self.query_one("#run-whatif", Button).display = False
            self.query_one("#whatif-games", Input).display = False
            result.update("")
            return
        choices.display = True
        self.query_one("#run-whatif", Button).display = True
        self.query_one("#whatif-games", Input).display = True
        deck = saved.deck
        name = deck.actor_name(seat)
        note.update(
            Content.assemble(
                ("What if ", "bold"),
                (name, "bold $accent"),
                (f" had ordered otherwise in {deck.turn_name} {self.turn}? ", "bold"),
                ("Tick alternatives (space), then Run: each is played on many times beside the actual orders, on the same dice. ", MUTED),
                ("The seat is the perspective's; in the facilitator's view, [ and ] change it.", MUTED) if self.viewer.is_facilitator else "",
            )
        )
        if self.checkpoints is None:
            self.checkpoints = Checkpoints(saved.save, saved.deck)
        sets, _left = legal_alternatives(self.checkpoints, self.turn, seat)
        actual = tuple(saved.save.history[self.turn - 1].orders.get(seat, ()))
        sets = [s for s in sets if s != actual]
        if sets != self._whatif_sets:
            self._whatif_sets = sets
            choices.clear_options()
            choices.add_options([(orders_label(deck, s), i) for i, s in enumerate(sets)])
        r = self.whatif_result
        if r is not None and r.turn == self.turn and r.seat == seat:
            result.update(whatif_table(r))
        else:
            result.update(Content.assemble(("Actual orders: ", MUTED), orders_label(deck, actual)))

    def _whatif_seat(self) -> str:
        assert self.saved is not None
        if self.viewer.actor is not None:
            return self.viewer.actor
        actors = self.saved.deck.actors
        return actors[self.track_index % len(actors)] if self._active() == "whatif" else actors[0]

    def _active(self) -> str:
        return self._tabs.active if self._tabs is not None else ""

    # -- workers -----------------------------------------------------------------------
    @work(thread=True, group="moments")
    def find_moments(self, viewer: Viewer) -> None:
        saved = self.saved
        if saved is None or viewer in self.moments:
            return
        cp = self.checkpoints or Checkpoints(saved.save, saved.deck)
        self.checkpoints = cp
        found = key_moments(cp, viewer.name, self.analysis)
        self.post_message(self.MomentsReady(viewer, found))

    @on(MomentsReady)
    def moments_ready(self, message: MomentsReady) -> None:
        self.moments[message.viewer] = message.moments
        if message.viewer == self.viewer:
            self.refresh_all()

    @work(thread=True, exclusive=True, group="analysis")
    def run_analysis(self) -> None:
        saved = self.saved
        assert saved is not None
        jobs = max(1, min(4, (os.cpu_count() or 2) - 1))

        def progress(stage: str, done: int, total: int) -> None:
            self.post_message(self.AnalysisProgress(stage, done, total))

        try:
            result = cached_analysis(saved.save, saved.path, self.rollouts, jobs, progress=progress)
        except WargameError as exc:
            self.post_message(self.AnalysisDone(None, str(exc)))
            return
        self.post_message(self.AnalysisDone(result))

    @on(AnalysisProgress)
    def analysis_progress(self, message: AnalysisProgress) -> None:
        if self.query("#odds-progress"):
            self.query_one("#odds-progress", ProgressBar).update(total=message.total, progress=message.done)

    @on(AnalysisDone)
    def analysis_done(self, message: AnalysisDone) -> None:
        self._busy.discard("analysis")
        if message.analysis is None:
            self.notify(message.error, title="The analysis failed", severity="error", markup=False)
        else:
            self.analysis = message.analysis
            self.moments.clear()  # turning points join the key moments
            self.find_moments(self.viewer)
            self.notify("Turning points found; kept beside the save for next time.", markup=False)
        self.refresh_odds()

    @work(thread=True, exclusive=True, group="whatif")
    def run_whatif(self, turn: int, seat: str, sets: list[tuple[str, ...]], games: int) -> None:
        saved = self.saved
        assert saved is not None

        def progress(done: int, total: int) -> None:
            self.post_message(self.AnalysisProgress("whatif", done, total))

        try:
            # Recorded beside the save, so the after-action report can show it.
            result = recorded_what_if(saved.save, saved.path, turn, seat, sets, games=games, jobs=max(1, min(4, (os.cpu_count() or 2) - 1)), progress=progress)
        except WargameError as exc:
            self.post_message(self.WhatIfDone(None, str(exc)))
            return
        self.post_message(self.WhatIfDone(result))

    @on(WhatIfDone)
    def whatif_done(self, message: WhatIfDone) -> None:
        self._busy.discard("whatif")
        if message.result is None:
            self.notify(message.error, title="The what-if failed", severity="error", markup=False)
        else:
            self.whatif_result = message.result
        self.refresh_whatif()

    # -- actions -----------------------------------------------------------------------
    def go(self, turn: int) -> None:
        if self.saved is None:
            return
        turn = max(1, min(self.saved.turns_played, turn))
        if turn != self.turn:
            self.turn = turn
            self.refresh_all()
            if self._active() == "turn":
                self.query_one("#turn-scroll").scroll_home(animate=False)

    def action_step(self, delta: int) -> None:
        self.go(self.turn + delta)

    def action_jump(self, where: str) -> None:
        if self.saved is not None:
            self.go(1 if where == "first" else self.saved.turns_played)

    def action_go_to(self) -> None:
        if self.saved is None:
            return

        def chosen(turn: object) -> None:
            if isinstance(turn, int):
                self.go(turn)

        self.app.push_screen(GoToTurnScreen(self.saved.turns_played, self.saved.deck.turn_name), chosen)

    def action_perspective(self) -> None:
        if self.saved is None or self.debrief is None:
            return
        saved = self.saved
        choices = []
        for v in self.debrief.viewers():
            label = perspective_label(saved, v)
            choices.append((v, label[0].upper() + label[1:]))

        def chosen(viewer: object) -> None:
            if isinstance(viewer, Viewer):
                self.set_viewer(viewer)

        self.app.push_screen(PerspectiveScreen(choices, self.viewer), chosen)

    def set_viewer(self, viewer: Viewer) -> None:
        if not viewer.is_public and not self.unlocked:
            self._ask_pin(lambda: self.set_viewer(viewer))
            return
        self.viewer = viewer
        self.whatif_result = None
        self.find_moments(viewer)
        self.refresh_all()

    def _ask_pin(self, then: Callable[[], None]) -> None:
        """The facilitator's PIN, once per viewing; a wrong one is refused (the save being
        debriefed is never written, so it is not recorded there)."""
        saved = self.saved
        assert saved is not None and saved.save.facilitator_pin is not None
        stored = saved.save.facilitator_pin

        def answered(pin: str | None) -> None:
            if pin is None:
                return
            if pin_matches(stored, pin):
                self.unlocked = True
                then()
            else:
                self.notify("Wrong PIN: the public view stays.", severity="error", markup=False)

        self.app.push_screen(PinScreen("This game has a facilitator's PIN, and the seats' views and the full view show secrets."), answered)

    def action_facilitator(self) -> None:
        self.set_viewer(PUBLIC if self.viewer.is_facilitator else FACILITATOR_VIEWER)

    def action_hindsight(self) -> None:
        self.hindsight = not self.hindsight
        self.refresh_all()

    def action_tab(self, tab: str) -> None:
        if self._tabs is not None:
            self._tabs.active = tab
            self.refresh_pane()

    def action_track(self, delta: int) -> None:
        self.track_index += delta
        self.whatif_result = None if self._active() == "whatif" else self.whatif_result
        self.refresh_pane()

    def action_analyse(self) -> None:
        if self.saved is None or "analysis" in self._busy:
            return
        if not self._odds_allowed():
            self.notify("The odds are for the facilitator's view (f).", markup=False)
            return
        self.action_tab("odds")
        self._busy.add("analysis")
        self.refresh_odds()
        self.run_analysis()

    def action_run_whatif(self) -> None:
        if self.saved is None or "whatif" in self._busy or self._active() != "whatif":
            return
        if not self.viewer.is_facilitator and not self._odds_allowed():
            return
        picked = [self._whatif_sets[i] for i in self.query_one("#whatif-choices", SelectionList).selected if i < len(self._whatif_sets)]
        if not picked:
            self.notify("Tick at least one alternative (space).", markup=False)
            return
        try:
            games = int(self.query_one("#whatif-games", Input).value)
        except ValueError:
            games = WHATIF_GAMES
        games = max(10, min(100_000, games))
        self._busy.add("whatif")
        self.refresh_whatif()
        self.run_whatif(self.turn, self._whatif_seat(), picked, games)

    def action_branch(self) -> None:
        saved = self.saved
        if saved is None or saved.path is None:
            return
        turn = self.turn
        suggestion = saved.path.with_name(f"{saved.path.stem}-from-{saved.deck.turn_name}{turn}.json")
        detail = f"A new game starts before {saved.deck.turn_name} {turn}, with the {turn - 1} earlier {saved.deck.turn_name}s as played; this save is never changed. It then opens to play."

        def chosen(answer: object) -> None:
            if not isinstance(answer, tuple):
                return
            path, overwrite, seats = answer
            try:
                written = play_from_here(saved.path or self.path, turn, path, seats, force=bool(overwrite))
            except WargameError as exc:
                self.notify(str(exc), title="Cannot branch", severity="error", markup=False)
                return
            self.notify(f"Branched into {written.path}", markup=False)
            for note in written.notes:
                self.notify(note, title="Stand-in", severity="warning", markup=False, timeout=15)
            opener = getattr(self.app, "play_branch", None)
            if callable(opener):
                opener(written.path)

        # A program named in the save is never offered again: its default computer is.
        seats, _ = safe_seats(saved.save.seats, saved.deck)
        self.app.push_screen(BranchScreen("Play from here", detail, suggestion, saved.deck, seats), chosen)

    def action_export(self) -> None:
        """Write the after-action report, as the current perspective sees the game."""
        saved = self.saved
        if saved is None or saved.path is None:
            return
        viewer = self.viewer
        who = "" if viewer.is_facilitator else f"-{viewer.name}"
        suggestion = saved.path.with_name(f"{saved.path.stem}-report{who}.md")
        detail = (
            f"The after-action report as {viewer_name(saved, viewer)} may see it: scenario and seats, the timeline, "
            "charts, turning points, what-ifs run here, objectives, key moments and discussion questions. "
            "Name it .md (Markdown) or .html (one self-contained page)."
        )

        def chosen(answer: object) -> None:
            if isinstance(answer, tuple):
                path, overwrite = answer
                self.notify(f"Writing the report to {path}…", markup=False)
                self.export(path, viewer, bool(overwrite))

        self.app.push_screen(PathChoice("Export an after-action report", detail, suggestion), chosen)

    @work(thread=True, group="export")
    def export(self, path: Path, viewer: Viewer, overwrite: bool) -> None:
        saved = self.saved
        assert saved is not None and saved.path is not None
        try:
            written = export_report(saved.path, path, viewer, self.analysis, force=overwrite, verification=saved.verification)
        except WargameError as exc:
            self.post_message(self.Exported(None, str(exc)))
            return
        self.post_message(self.Exported(written))

    @on(Exported)
    def exported(self, message: Exported) -> None:
        if message.path is None:
            self.notify(message.error, title="Cannot write the report", severity="error", markup=False)
        else:
            self.notify(f"Report written to {message.path}", markup=False)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_close(self) -> None:
        for worker in self.workers:
            worker.cancel()
        if self.exit_on_close and len(self.app.screen_stack) <= 2:
            self.app.exit()
        else:
            self.dismiss()

    # -- mouse and lists ---------------------------------------------------------------
    @on(Timeline.Picked)
    def picked(self, message: Timeline.Picked) -> None:
        self.go(message.turn)

    @on(OptionList.OptionHighlighted, "#track-list")
    def track_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.track_index:
            self.track_index = event.option_index
            self.refresh_tracks()

    @on(OptionList.OptionSelected, "#moment-list")
    def moment_chosen(self, event: OptionList.OptionSelected) -> None:
        moments = self.moments.get(self.viewer, [])
        i = int(event.option.id or 0)
        if i < len(moments):
            self.go(moments[i].turn)
            self.action_tab("turn")

    @on(OptionList.OptionSelected, "#turning-list")
    def turning_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.go(int(event.option.id))

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        action = {"run-analysis": self.action_analyse, "run-whatif": self.action_run_whatif, "branch": self.action_branch}.get(event.button.id or "")
        if action is not None:
            action()


def odds_table(a: Analysis, marked: int, width: int) -> Content:
    """Each ending's probability before each turn as a row of shaded cells, the selected
    turn marked: readable at 80 columns, a bar chart of odds in disguise."""
    shades = " ░▒▓█"
    name_w = min(18, max(len(a.titles.get(e, e)) for e in a.endings))
    n = len(a.odds)
    cell = 3 if name_w + 2 + n * 3 <= width else 2 if name_w + 2 + n * 2 <= width else 1
    rows: list[Content] = []
    head: list[str | tuple[str, str]] = [" " * (name_w + 1)]
    for o in a.odds:
        label = str(o.turn) if not o.final else "■"
        head.append((label.rjust(cell)[:cell] if cell > 1 or o.turn % 5 == 0 else " ", "bold $accent" if o.turn == marked else MUTED))
    rows.append(Content.assemble(*head))
    for e in a.endings:
        series = a.series(e)
        if max(series, default=0) < 0.01:
            continue
        title = a.titles.get(e, e)
        title = title if len(title) <= name_w else title[: name_w - 1] + "…"
        cells: list[str | tuple[str, str]] = [(title.ljust(name_w) + " ", "bold")]
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
    return Content("\n").join(rows)


def whatif_table(r: WhatIf) -> Content:
    """The choices side by side: each ending's share and each actor's mean score."""
    endings = [e for e in r.endings if any(c.p(e) > 0 for c in r.choices)]
    lines: list[Content] = [heading(f"{r.label}: {r.seat_name}, {r.games} continuations each")]
    for c in r.choices:
        parts: list[str | tuple[str, str]] = [("● " if c.actual else "○ ", GOOD if c.actual else MUTED), (c.label, "bold"), ("  (actual)" if c.actual else "", MUTED)]
        lines.append(Content.assemble(*parts))
        odds = "  ".join(f"{r.titles.get(e, e)} {percent(c.p(e))}" for e in endings)
        lines.append(Content.styled(f"    endings: {odds}", ""))
        mean = c.scores.get(r.seat)
        if mean is not None:
            lines.append(Content.styled(f"    {r.seat_name}'s mean score {mean[0]:.1f} (95%: {mean[1]:.1f}–{mean[2]:.1f})", MUTED))
    return Content("\n").join(lines)
