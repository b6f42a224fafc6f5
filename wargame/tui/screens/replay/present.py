"""Presenting the debrief to a room from the replay viewer (s, or `wargame replay --present`):
one turn per screen with nothing else on it, spaced for a projector, as the perspective allows.

A screen says what happened (the turn's key moments), what each side chose (with the mark
of its choice where odds may be shown), the odds before each turn with this one marked
(likewise), and the discussion questions the deck places there. The arrow keys step;
Esc goes back to the viewer at the turn shown. The browser's slides (`wargame report
--slides`) say the same of each turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from wargame.analysis.marks import Marks
from wargame.analysis.moments import Moment, story
from wargame.analysis.turning import Analysis
from wargame.deck.compile import CQuestion
from wargame.observe.visibility import Viewer
from wargame.play.debrief import Debrief
from wargame.tui.render import BAD, GOOD, MUTED, WARN, heading
from wargame.tui.screens.replay.odds import odds_table
from wargame.tui.screens.replay.pane import odds_allowed, perspective_label

MORE = 4
"""Moments of a turn shown beyond the story's (the Moments panel lists them all)."""


@dataclass(frozen=True)
class Presented:
    """What the presentation shows, for one perspective: read once from the viewer."""

    debrief: Debrief
    viewer: Viewer
    moments: list[Moment]
    analysis: Analysis | None
    marks: Marks | None
    questions: list[CQuestion]


def present_turn(p: Presented, turn: int, width: int) -> Content:
    """One turn as the room sees it."""
    saved = p.debrief.saved
    d = p.debrief.turn(p.viewer, turn, hindsight=True)
    told = story(p.moments)
    here = [m for m in p.moments if m.turn == turn]
    shown = [m for m in here if m in told] + [m for m in here if m not in told][:MORE]
    unit = saved.deck.turn_name
    key = any(m in told for m in here)
    s: list[Content] = [Content.assemble((d.title, "bold $accent"), ("  ★ a key moment" if key else "", f"bold {WARN}")), Content("")]
    s.append(heading("What happened"))
    for m in shown:
        s.append(Content.assemble("  ", (f"{m.kind_label}: ", f"bold {WARN}" if m in told else "bold"), m.text))
    if len(here) > len(shown):
        s.append(Content.styled(f"  and {len(here) - len(shown)} more (the Moments panel)", MUTED))
    if not here:
        s += [Content.assemble("  ", ("event: ", "bold"), name) for name, _inject in d.events] or [Content.styled("  Nothing came to light.", MUTED)]
    s += [Content(""), heading("What each side chose")]
    allowed = odds_allowed(saved, p.viewer)
    marked = {m.seat: m for m in p.marks.at(turn)} if p.marks is not None and allowed else {}
    for seat in d.orders:
        names = [name for name, _secret, _reason in seat.orders]
        what = ", ".join(names) if names else "no orders" if seat.visible else "sealed orders"
        line: list[str | tuple[str, str]] = ["  ", (seat.name, "bold"), ": ", what]
        mark = marked.get(seat.actor)
        if mark is not None and mark.kind:
            style = BAD if mark.symbol in {"??", "?"} else WARN if mark.symbol == "?!" else GOOD
            line.append((f"  {mark.symbol} {mark.kind}", f"bold {style}"))
        s.append(Content.assemble(*line))
    if p.analysis is not None and allowed:
        s += [Content(""), heading(f"The odds before each {unit}, {unit} {turn} marked"), odds_table(p.analysis, turn, width)]
    for q in p.questions:
        if q.turn == turn:
            s += [Content(""), Content.assemble(("Discuss: ", f"bold {WARN}"), (q.text, "bold"))]
    if d.ending is not None:
        s += [Content(""), Content.assemble(("The game ends: ", "bold"), (d.ending.title, f"bold {WARN}"))]
    return Content("\n").join(s)


class PresentScreen(Screen[int]):
    """The debrief one turn per screen; dismissed with the turn shown."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,down,pagedown,space,full_stop", "step(1)", "Next"),
        Binding("left,up,pageup,comma", "step(-1)", "Prev"),
        Binding("home", "jump(1)", "First", show=False),
        Binding("end", "jump(0)", "Last", show=False),
        Binding("escape,q,s", "leave", "Back to the viewer"),
    ]

    DEFAULT_CSS = """
    PresentScreen { align: center middle; }
    PresentScreen #present-scroll { width: 1fr; max-width: 120; height: 1fr; padding: 1 4; }
    PresentScreen #present-who { width: 1fr; max-width: 120; height: 1; padding: 0 4; color: $text-muted; }
    """

    def __init__(self, presented: Presented, turn: int) -> None:
        super().__init__()
        self.presented = presented
        self.turn = turn

    def compose(self) -> ComposeResult:
        saved = self.presented.debrief.saved
        who = perspective_label(saved, self.presented.viewer)
        yield Static(Content(f"Presenting {who}  ·  ← → step  ·  Esc back to the viewer"), id="present-who")
        yield VerticalScroll(Static(id="present-text", markup=False), id="present-scroll")
        yield Footer()

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        scroll = self.query_one("#present-scroll", VerticalScroll)
        width = max(40, min(120, self.size.width) - 8)
        self.query_one("#present-text", Static).update(present_turn(self.presented, self.turn, width))
        scroll.scroll_home(animate=False)

    def action_step(self, delta: int) -> None:
        self.action_jump(self.turn + delta)

    def action_jump(self, turn: int) -> None:
        last = self.presented.debrief.saved.turns_played
        turn = last if turn <= 0 else turn
        self.turn = max(1, min(last, turn))
        self.draw()

    def action_leave(self) -> None:
        self.dismiss(self.turn)
