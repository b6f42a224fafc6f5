"""The replay viewer's screen: a saved game turn by turn, for an after-action review or a
student alone. This is the frame: the save opened and verified in a worker (Esc leaves
meanwhile), the verify banner, the perspective, the timeline, the tabs and the keys.

The screen holds what every part shows as reactive attributes (the save, the perspective,
the turn, hindsight, the tab shown, the analysis, the key moments) and binds them to the
timeline and the six panels, which redraw themselves when they change. Everything shown
is a `TurnDebrief` or a read model for the chosen viewer (a seat "as it saw it when
deciding", the public, or the facilitator); this screen decides nothing about secrecy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive, var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, LoadingIndicator, OptionList, Static, TabbedContent, Tabs
from textual.worker import get_current_worker

from wargame.analysis.marks import KINDS, SYMBOLS, Marks, latest_marks
from wargame.analysis.moments import Moment, key_moments, story
from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import Analysis, latest_cached
from wargame.analysis.whatif import WhatIf, play_from_here
from wargame.bots.seats import safe_seats
from wargame.errors import WargameError
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.branches import BranchTree, Comparison, family
from wargame.play.debrief import Debrief
from wargame.play.lock import pin_matches
from wargame.play.timeline import SavedGame
from wargame.report.compare import build_comparison
from wargame.report.data import asked_questions
from wargame.report.export import export_report
from wargame.text import safe_text
from wargame.tui.render import BAD, MUTED
from wargame.tui.screens.pin import PinScreen
from wargame.tui.screens.replay.branches import BranchesScreen, CompareScreen
from wargame.tui.screens.replay.dialogs import (
    BranchScreen,
    GoToTurnScreen,
    HelpScreen,
    PathChoice,
    PerspectiveScreen,
)
from wargame.tui.screens.replay.moments import MomentsPane
from wargame.tui.screens.replay.odds import ROLLOUTS, OddsPane
from wargame.tui.screens.replay.pane import (
    ReplayPane,
    odds_allowed,
    perspective_label,
    screen_closed,
    viewer_name,
)
from wargame.tui.screens.replay.present import Presented, PresentScreen
from wargame.tui.screens.replay.scores import ScoresPane
from wargame.tui.screens.replay.timeline import Timeline
from wargame.tui.screens.replay.tracks import TracksPane
from wargame.tui.screens.replay.turn import TurnPane
from wargame.tui.screens.replay.whatif import WhatIfPane
from wargame.tui.widgets import TitleBar
from wargame.words import count


class PerspectiveLine(Widget):
    """One line under the title: whose eyes the debrief shows, and how to change them."""

    saved: reactive[SavedGame | None] = reactive(None)
    viewer: reactive[Viewer] = reactive(FACILITATOR_VIEWER)
    hindsight: reactive[bool] = reactive(True)

    def render(self) -> Content:
        if self.saved is None:
            return Content("")
        hind = "" if self.viewer.actor is None else ("  ·  hindsight on (h)" if self.hindsight else "  ·  hindsight off (h)")
        return Content.assemble(("Seeing: ", MUTED), (perspective_label(self.saved, self.viewer), "bold"), (hind, MUTED), ("  ·  p to change", MUTED))


def split_from(saved: SavedGame) -> str:
    """` · a branch of first.json after week 3` for a branch (where it split), else ""."""
    parent = saved.save.parent
    if parent is None:
        return ""
    name = safe_text(Path(parent.path).name if parent.path else f"save {parent.save_id}", 80, one_line=True)
    return f" · a branch of {name} after {saved.deck.turn_name} {parent.turn}"


class ReplayScreen(Screen[None]):
    """The debrief of the save at `path` (or of `saved`, already open). `exit_on_close`:
    leaving the viewer quits the app (it was opened from the command line)."""

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
        Binding("m", "all_moments", "All moments", show=False),
        Binding("a", "analyse", "Analyse", show=False),
        Binding("k", "mark_choices", "Mark choices", show=False),
        Binding("r", "run_whatif", "Run what-if", show=False),
        Binding("b", "branch", "Play from here", show=False),
        Binding("x", "export", "Export report", show=False),
        Binding("s", "present", "Present", show=False),
        Binding("t", "branches", "Branches", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("escape,q", "close", "Back"),
    ]

    saved: var[SavedGame | None] = var(None, init=False)
    """The save, replayed and verified (None while it opens)."""
    debrief: var[Debrief | None] = var(None, init=False)
    """The save explained turn by turn for any viewer."""
    checkpoints: var[Checkpoints | None] = var(None, init=False)
    """The save replayed with the game before each turn, to play on from (key moments, what-ifs)."""
    viewer: var[Viewer] = var(FACILITATOR_VIEWER, init=False)
    """The perspective: whose eyes the whole debrief shows."""
    turn: var[int] = var(1, init=False)
    """The selected turn."""
    hindsight: var[bool] = var(True, init=False)
    """In a seat's view, also show the secret moves of a turn it only learned of later."""
    tab: var[str] = var("turn", init=False)
    """The id of the panel shown."""
    analysis: var[Analysis | None] = var(None, init=False)
    """The turning-point analysis, once run (or found beside the save)."""
    rollouts: var[int] = var(ROLLOUTS, init=False)
    """Continuations per turn for the turning-point analysis."""
    key_moments: var[list[Moment] | None] = var(None, init=False)
    """The perspective's key moments; None while they are being found."""
    marks: var[frozenset[int]] = var(frozenset())
    """The turns the timeline marks with a key moment (of those that tell the story)."""
    choices: var[Marks | None] = var(None, init=False)
    """Each team's choices marked against the best it had (once computed, or found beside the save)."""
    symbols: var[dict[int, str]] = var(dict)
    """The timeline's mark for each turn (the worst team choice in it), where odds may be shown."""
    all_moments: var[bool] = var(False, init=False)
    """The Moments panel lists every moment, not only the story's."""

    @dataclass
    class Loaded(Message):
        saved: SavedGame | None
        checkpoints: Checkpoints | None = None
        analysis: Analysis | None = None
        error: str = ""
        marks: Marks | None = None

    @dataclass
    class MomentsReady(Message):
        viewer: Viewer
        analysis: Analysis | None
        """The analysis whose turning points they include."""
        moments: list[Moment]

    @dataclass
    class FamilyFound(Message):
        tree: BranchTree | None
        error: str = ""

    @dataclass
    class Compared(Message):
        comparison: Comparison | None
        warnings: tuple[str, ...] = ()
        error: str = ""

    @dataclass
    class Exported(Message):
        path: Path | None
        error: str = ""

    def __init__(self, path: Path, *, exit_on_close: bool = False, saved: SavedGame | None = None, present: bool = False) -> None:
        super().__init__()
        self.path = Path(path)
        self.exit_on_close = exit_on_close
        self.present_on_open = present
        """Open in presentation mode (`wargame replay --present`) once the key moments are found."""
        self._given = saved
        self.moments: dict[Viewer, list[Moment]] = {}
        """The key moments found so far, by perspective (for the analysis the screen holds)."""
        self.unlocked = True
        """False until the facilitator's PIN is given, for a save that has one."""

    def compute_marks(self) -> frozenset[int]:
        return frozenset(m.turn for m in story(self.key_moments or ()))

    def compute_symbols(self) -> dict[int, str]:
        saved, marks = self.saved, self.choices
        if saved is None or marks is None or not odds_allowed(saved, self.viewer):
            return {}
        worst: dict[int, str] = {}
        for m in marks.marks:
            if m.kind and (m.turn not in worst or KINDS.index(m.kind) < KINDS.index(worst[m.turn])):
                worst[m.turn] = m.kind
        return {turn: SYMBOLS[kind] for turn, kind in worst.items()}

    def validate_turn(self, turn: int) -> int:
        return max(1, min(self.saved.turns_played if self.saved is not None else 1, turn))

    @property
    def whatif_result(self) -> WhatIf | None:
        """The what-if last run in the What if panel (for this perspective)."""
        panes = self.query(WhatIfPane)
        return panes.first().result if panes else None

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
        self.load()

    @work(thread=True, exclusive=True, group="replay-open")
    def load(self) -> None:
        """Replay and verify the save off the UI thread (a long game takes a moment), with
        what the panels will play on from and any analysis kept beside it."""
        worker = get_current_worker()
        try:
            saved = self._given or SavedGame.open(self.path)
            saved.verification  # noqa: B018  (computed here, off the UI thread)
            checkpoints = Checkpoints(saved.save, saved.deck)
            analysis = latest_cached(saved.save, saved.path) if saved.path is not None else None
            marks = latest_marks(saved.save, saved.path) if saved.path is not None else None
        except WargameError as exc:
            if not worker.is_cancelled:
                self.post_message(self.Loaded(None, error=str(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(saved, checkpoints, analysis, marks=marks))

    @on(Loaded)
    async def loaded(self, message: Loaded) -> None:
        # Each await below lets Esc (an action run from the app's loop) close the screen
        # meanwhile: after it, nothing more is mounted, shown or focused.
        if screen_closed(self):
            return
        loading = self.query_one("#replay-loading")
        if message.saved is None:
            loading.remove_children()
            await loading.mount(
                Static(Content.assemble(("Cannot open this save: ", f"bold {BAD}"), message.error), id="replay-error"),
                Static(Content.styled("Esc to go back", MUTED)),
            )
            return
        await loading.remove()
        if screen_closed(self):
            return
        saved = message.saved
        debrief = Debrief(saved)
        if saved.save.facilitator_pin is not None:
            # A game guarded by a facilitator's PIN opens in the public view: every other
            # perspective shows some seat's secrets, so it asks for the PIN first.
            self.unlocked = False
            self.viewer = PUBLIC
        else:
            self.viewer = debrief.opening_viewer()
        self.checkpoints = message.checkpoints
        self.analysis = message.analysis
        self.choices = message.marks
        self.debrief = debrief
        self.saved = saved
        self.query_one("#replay-title", TitleBar).set_text(
            Content.assemble(("Debrief: ", "bold"), (saved.save.title or saved.deck.title, "bold $accent")),
            f"{count(saved.turns_played, saved.deck.turn_name)} · {self.path.name}{split_from(saved)}",
        )
        await self.query_one("#replay-body").mount_all(self._body(saved))
        if screen_closed(self):
            return  # the panels were never composed
        self.query_one(TabbedContent).query_one(Tabs).can_focus = False
        self.query_one("#turn-scroll").focus()
        self.show_key_moments()

    def _body(self, saved: SavedGame) -> list[Widget]:
        """The frame under the title, each part bound to the screen's attributes it shows."""
        check = saved.verification
        banner = Static(id="verify-banner", classes="banner")
        if check.ok:
            banner.display = False
        else:
            banner.update(Content.assemble((f"⚠ {check.WARNING}: ", "bold"), check.problem(saved.deck.turn_name) or ""))
        S = ReplayScreen
        line = PerspectiveLine(id="perspective-line").data_bind(S.viewer, S.hindsight, S.saved)
        timeline = Timeline(
            saved.turns_played,
            bad_from=None if check.ok else check.first_bad_turn,
            ending_turn=saved.turns_played if saved.game.ending is not None else None,
            id="timeline",
        ).data_bind(S.turn, S.marks, S.symbols)
        # Each panel is bound to what it shows, the save last: it draws once all is there.
        panes: list[ReplayPane] = [
            TurnPane().data_bind(shown_tab=S.tab, viewer=S.viewer, turn=S.turn, hindsight=S.hindsight, marks=S.choices, debrief=S.debrief),
            TracksPane().data_bind(shown_tab=S.tab, viewer=S.viewer, turn=S.turn, debrief=S.debrief),
            MomentsPane().data_bind(shown_tab=S.tab, viewer=S.viewer, moments=S.key_moments, saved=S.saved, show_all=S.all_moments),
            ScoresPane().data_bind(shown_tab=S.tab, viewer=S.viewer, debrief=S.debrief),
            OddsPane().data_bind(shown_tab=S.tab, viewer=S.viewer, turn=S.turn, analysis=S.analysis, rollouts=S.rollouts, marks=S.choices, saved=S.saved),
            WhatIfPane().data_bind(shown_tab=S.tab, viewer=S.viewer, turn=S.turn, checkpoints=S.checkpoints, saved=S.saved),
        ]
        tabs = TabbedContent(id="replay-tabs")
        for pane in panes:
            tabs.compose_add_child(pane)
        return [banner, line, timeline, tabs]

    # -- what changes ------------------------------------------------------------------
    def watch_viewer(self) -> None:
        self.show_key_moments()
        self.call_after_refresh(self.focus_panel)  # a perspective can show or hide a panel's list

    def watch_analysis(self) -> None:
        self.moments.clear()  # turning points join the key moments
        self.show_key_moments()

    def watch_tab(self, tab: str) -> None:
        for tabs in self.query(TabbedContent):
            tabs.active = tab
        self.call_after_refresh(self.focus_panel)

    def focus_panel(self) -> None:
        """Give the keys to the panel shown: its list (the alternatives to tick, the
        moments, the tracks, the turning points: what ↑/↓, space and Enter act on), else its
        scroll. Focus left on a panel no longer shown would leave every key but the
        screen's own dead until Tab."""
        if screen_closed(self) or self.app.screen is not self:
            return
        pane = next((p for p in self.query(ReplayPane) if p.id == self.tab), None)
        if pane is None:
            return
        inside = [w for w in self.focus_chain if pane in w.ancestors]
        if self.focused in inside:
            return
        lists = [w for w in inside if isinstance(w, OptionList)]  # a SelectionList is one too
        if lists:
            if lists[0].highlighted is None and lists[0].option_count:
                lists[0].highlighted = 0  # Enter or space acts at once
            lists[0].focus()
        elif inside:
            inside[0].focus()

    @on(TabbedContent.TabActivated)
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab clicked (or switched to by `watch_tab`). An activation that arrives after
        the tabs have moved on is stale and ignored: taken, two quick switches on a busy
        machine bounced the panel between their tabs for ever."""
        event.stop()
        if event.pane.id and event.tabbed_content.active == event.pane.id:
            self.tab = event.pane.id

    # -- key moments (the timeline marks them, the Moments panel lists them) ----------
    def show_key_moments(self) -> None:
        """The perspective's key moments, found in a worker the first time."""
        if self.saved is None:
            return
        found = self.moments.get(self.viewer)
        self.key_moments = found
        if found is None:
            self.find_moments(self.viewer, self.analysis)

    @work(thread=True, group="moments")
    def find_moments(self, viewer: Viewer, analysis: Analysis | None) -> None:
        checkpoints = self.checkpoints
        assert checkpoints is not None
        self.post_message(self.MomentsReady(viewer, analysis, key_moments(checkpoints, viewer.name, analysis)))

    @on(MomentsReady)
    def moments_ready(self, message: MomentsReady) -> None:
        if message.analysis is not self.analysis:
            return  # found before the analysis came: its turning points are missing
        self.moments[message.viewer] = message.moments
        if message.viewer == self.viewer:
            self.key_moments = message.moments
            if self.present_on_open:
                self.present_on_open = False
                self.action_present()

    @on(OddsPane.Analysed)
    def analysed(self, message: OddsPane.Analysed) -> None:
        if message.analysis is not None:
            self.analysis = message.analysis

    @on(OddsPane.Marked)
    def choices_marked(self, message: OddsPane.Marked) -> None:
        if message.marks is not None:
            self.choices = message.marks

    # -- actions -----------------------------------------------------------------------
    def action_present(self) -> None:
        """s: the debrief one turn per screen, for a room (from the turn selected)."""
        saved, debrief = self.saved, self.debrief
        if saved is None or debrief is None:
            return
        if self.key_moments is None:
            self.notify("Finding the key moments first: press s again in a moment.", markup=False)
            return
        end = saved.view(self.viewer.name, saved.turns_played + 1)
        presented = Presented(debrief, self.viewer, self.key_moments, self.analysis, self.choices, asked_questions(saved.deck, end))

        def back(turn: int | None) -> None:
            if turn is not None:
                self.go(turn)

        self.app.push_screen(PresentScreen(presented, self.turn), back)

    # -- branches ----------------------------------------------------------------------
    def action_branches(self) -> None:
        """t: this game with its branches (and its parent's) as a tree."""
        if self.saved is not None and self.saved.path is not None:
            self.find_family()

    @work(thread=True, exclusive=True, group="branches")
    def find_family(self) -> None:
        saved = self.saved
        assert saved is not None and saved.path is not None
        try:
            self.post_message(self.FamilyFound(family(saved.path, saved.save)))
        except WargameError as exc:
            self.post_message(self.FamilyFound(None, str(exc)))

    @on(FamilyFound)
    def family_found(self, message: FamilyFound) -> None:
        if message.tree is None:
            self.notify(message.error, title="Cannot list the branches", severity="error", markup=False)
            return

        def chosen(answer: tuple[str, Path] | None) -> None:
            if answer is None:
                return
            what, path = answer
            if what == "open":
                self.app.push_screen(ReplayScreen(path))
            else:
                self.notify(f"Comparing with {path.name}…", markup=False)
                self.compare_with(path, self.viewer)

        self.app.push_screen(BranchesScreen(message.tree), chosen)

    @work(thread=True, exclusive=True, group="branches")
    def compare_with(self, path: Path, viewer: Viewer) -> None:
        """Both games side by side as this perspective may see them. The other save's
        secrets are shown only when it has no PIN or the PIN given here (a branch keeps its
        parent's); otherwise the comparison is the public's."""
        saved = self.saved
        assert saved is not None
        try:
            other = SavedGame.open(path)
            pin = other.save.facilitator_pin
            if not viewer.is_public and pin is not None and (pin != saved.save.facilitator_pin or not self.unlocked):
                viewer = PUBLIC
            comparison, warnings = build_comparison(saved, other, viewer)
        except WargameError as exc:
            self.post_message(self.Compared(None, error=str(exc)))
            return
        self.post_message(self.Compared(comparison, warnings))

    @on(Compared)
    def compared(self, message: Compared) -> None:
        if message.comparison is None:
            self.notify(message.error, title="Cannot compare", severity="error", markup=False)
            return
        if message.comparison.viewer != self.viewer:
            self.notify("The other game has its own facilitator's PIN: compared in the public view.", markup=False)
        self.app.push_screen(CompareScreen(message.comparison, message.warnings))

    def go(self, turn: int) -> None:
        if self.saved is not None:
            self.turn = turn

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

    def action_tab(self, tab: str) -> None:
        if self.saved is not None:
            self.tab = tab

    def action_track(self, delta: int) -> None:
        """[ and ]: the track charted in Tracks, or the seat of a what-if in What if."""
        if self.tab == "tracks":
            self.query_one(TracksPane).step(delta)
        elif self.tab == "whatif":
            self.query_one(WhatIfPane).step(delta)

    def action_all_moments(self) -> None:
        """m: the Moments panel with every moment, or back to those that tell the story."""
        if self.saved is None:
            return
        if self.tab == "moments":
            self.all_moments = not self.all_moments
        else:
            self.all_moments = True
            self.tab = "moments"

    def action_analyse(self) -> None:
        if self.saved is not None and self.query_one(OddsPane).analyse():
            self.tab = "odds"

    def action_mark_choices(self) -> None:
        if self.saved is not None and self.query_one(OddsPane).mark():
            self.tab = "odds"

    def action_run_whatif(self) -> None:
        if self.saved is not None and self.tab == "whatif":
            self.query_one(WhatIfPane).run()

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
            "Name it .md (Markdown), .html (one self-contained page) or .slides.html (slides to lead the debrief in front of a room)."
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

    # -- messages from the timeline and the panels -------------------------------------
    @on(Timeline.Picked)
    def picked(self, message: Timeline.Picked) -> None:
        self.go(message.turn)

    @on(ReplayPane.GoTo)
    def go_to(self, message: ReplayPane.GoTo) -> None:
        self.go(message.turn)
        if message.tab is not None:
            self.tab = message.tab
