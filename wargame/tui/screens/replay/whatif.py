"""The What if panel of the replay viewer: other orders a seat could have given in the
selected turn, each played on many times beside the actual ones on the same dice (a worker
this panel runs and whose result it keeps), and "play from here"."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import Button, Input, ProgressBar, SelectionList, Static

from wargame.analysis.rollout import Checkpoints
from wargame.analysis.whatif import WhatIf, legal_alternatives, orders_label, recorded_what_if
from wargame.errors import WargameError
from wargame.observe.visibility import FACILITATOR_VIEWER, Viewer
from wargame.play.timeline import SavedGame
from wargame.tui.render import GOOD, MUTED, heading, percent
from wargame.tui.screens.replay.pane import (
    PanelScroll,
    PanelSelectionList,
    ReplayPane,
    odds_allowed,
    worker_jobs,
)
from wargame.words import possessive

WHATIF_GAMES = 200
"""Continuations per choice offered for a what-if."""

Orders = tuple[str, ...]


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
            lines.append(Content.styled(f"    {possessive(r.seat_name)} mean score {mean[0]:.1f} (95%: {mean[1]:.1f}–{mean[2]:.1f})", MUTED))
    return Content("\n").join(lines)


class WhatIfPane(ReplayPane):
    """The seat's legal alternatives to tick, the number of games, Run, Play from here,
    and the result of the last what-if run here for this turn and seat."""

    saved: var[SavedGame | None] = var(None, init=False)
    checkpoints: var[Checkpoints | None] = var(None, init=False)
    viewer: var[Viewer] = var(FACILITATOR_VIEWER, init=False)
    turn: var[int] = var(1, init=False)
    seat_index: var[int] = var(0, init=False)
    """In the facilitator's or the public view, which actor's orders to vary ([ and ])."""
    result: var[WhatIf | None] = var(None, init=False)
    busy: var[bool] = var(False, init=False)

    @dataclass
    class Done(Message, bubble=False):
        result: WhatIf | None
        error: str = ""

    @dataclass
    class Progress(Message, bubble=False):
        done: int
        total: int

    def __init__(self) -> None:
        super().__init__("6 What if", id="whatif")
        self._alternatives: list[Orders] = []

    def compose(self) -> ComposeResult:
        yield PanelScroll(
            Static(id="whatif-note", markup=False),
            PanelSelectionList(id="whatif-choices"),
            Horizontal(
                Input(str(WHATIF_GAMES), id="whatif-games", type="integer"),
                Button("Run (r)", id="run-whatif", variant="primary"),
                Button("Play from here (b)", id="branch", action="screen.branch"),
                ProgressBar(id="whatif-progress", show_eta=False),
                classes="buttons",
            ),
            Static(id="whatif-result", markup=False),
            id="whatif-scroll",
        )

    def watch_saved(self) -> None:
        self.redraw()

    def watch_checkpoints(self) -> None:
        self.redraw()

    def watch_viewer(self) -> None:
        self.set_reactive(WhatIfPane.result, None)  # a what-if belongs to the perspective it was run in
        self.redraw()

    def watch_turn(self) -> None:
        self.redraw()

    def watch_seat_index(self) -> None:
        self.set_reactive(WhatIfPane.result, None)
        self.redraw()

    def watch_result(self) -> None:
        self.redraw()

    def watch_busy(self) -> None:
        self.redraw()

    def seat(self) -> str:
        """The seat whose orders vary: the perspective's own, else the one [ and ] picked."""
        assert self.saved is not None
        if self.viewer.actor is not None:
            return self.viewer.actor
        actors = self.saved.deck.actors
        return actors[self.seat_index % len(actors)]

    def step(self, delta: int) -> None:
        """[ and ]: the previous or next seat (in a view that is not a seat's own)."""
        if self.saved is not None and self.viewer.actor is None:
            self.seat_index = (self.seat_index + delta) % len(self.saved.deck.actors)

    # -- running -----------------------------------------------------------------------
    def run(self) -> None:
        """r, or Run: play the ticked alternatives on beside the actual orders."""
        saved = self.saved
        if saved is None or self.busy or not odds_allowed(saved, self.viewer):
            return
        choices = self.query_one("#whatif-choices", SelectionList)
        picked = [self._alternatives[i] for i in choices.selected if i < len(self._alternatives)]
        if not picked:
            self.notify("Tick at least one alternative (space).", markup=False)
            return
        try:
            games = int(self.query_one("#whatif-games", Input).value)
        except ValueError:
            games = WHATIF_GAMES
        self.busy = True
        self.run_whatif(saved, self.turn, self.seat(), picked, max(10, min(100_000, games)))

    @on(Button.Pressed, "#run-whatif")
    def pressed(self) -> None:
        self.run()

    @work(thread=True, exclusive=True, group="whatif")
    def run_whatif(self, saved: SavedGame, turn: int, seat: str, sets: list[Orders], games: int) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        try:
            # Recorded beside the save, so the after-action report can show it.
            result = recorded_what_if(saved.save, saved.path, turn, seat, sets, games=games, jobs=worker_jobs(), progress=progress)
        except WargameError as exc:
            self.post_message(self.Done(None, str(exc)))
            return
        self.post_message(self.Done(result))

    @on(Progress)
    def progressed(self, message: Progress) -> None:
        self.query_one("#whatif-progress", ProgressBar).update(total=message.total, progress=message.done)

    @on(Done)
    def done(self, message: Done) -> None:
        if message.result is None:
            self.busy = False
            self.notify(message.error, title="The what-if failed", severity="error", markup=False)
        else:
            self.set_reactive(WhatIfPane.busy, False)  # drawn once, with the result
            self.result = message.result

    # -- drawing -----------------------------------------------------------------------
    def alternatives(self, saved: SavedGame, checkpoints: Checkpoints, seat: str) -> tuple[list[Orders], Orders]:
        """The orders `seat` could have given in the selected turn besides its actual
        ones, and the actual ones."""
        sets, _left = legal_alternatives(checkpoints, self.turn, seat)
        actual = tuple(saved.save.history[self.turn - 1].orders.get(seat, ()))
        return [s for s in sets if s != actual], actual

    def draw(self) -> None:
        saved, checkpoints = self.saved, self.checkpoints
        if saved is None or checkpoints is None:
            return
        note = self.query_one("#whatif-note", Static)
        choices = self.query_one("#whatif-choices", SelectionList)
        shown = self.query_one("#whatif-result", Static)
        self.query_one("#whatif-progress", ProgressBar).display = self.busy
        allowed = odds_allowed(saved, self.viewer)
        for widget in (choices, self.query_one("#run-whatif"), self.query_one("#whatif-games")):
            widget.display = allowed
        if not allowed:
            note.update(Content.styled("What-ifs play on from the full state, secrets included: run them in the facilitator's view (f). Play from here (b) works in any view.", MUTED))
            shown.update("")
            return
        deck = saved.deck
        seat = self.seat()
        note.update(
            Content.assemble(
                ("What if ", "bold"),
                (deck.actor_name(seat), "bold $accent"),
                (f" had ordered otherwise in {deck.turn_name} {self.turn}? ", "bold"),
                ("Tick alternatives (space), then Run: each is played on many times beside the actual orders, on the same dice. ", MUTED),
                ("The seat is the perspective's; in the facilitator's view, [ and ] change it.", MUTED) if self.viewer.is_facilitator else "",
            )
        )
        sets, actual = self.alternatives(saved, checkpoints, seat)
        if sets != self._alternatives:  # the same list keeps what is ticked
            self._alternatives = sets
            choices.clear_options()
            choices.add_options([(orders_label(deck, s), i) for i, s in enumerate(sets)])
        r = self.result
        if r is not None and r.turn == self.turn and r.seat == seat:
            shown.update(whatif_table(r))
        else:
            shown.update(Content.assemble(("Actual orders: ", MUTED), orders_label(deck, actual)))
