"""The Scores panel of the replay viewer: how the game ended and the scores the perspective
may see (every actor's for the facilitator, a seat's own objectives as it knew them)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.reactive import var

from wargame.observe.visibility import FACILITATOR_VIEWER, Viewer
from wargame.play.debrief import Debrief, FinalScores
from wargame.tui.replay_render import scores_block
from wargame.tui.screens.replay.pane import PanelScroll, ReplayPane
from wargame.tui.widgets import Prose
from wargame.words import count


class ScoresPane(ReplayPane):
    """The ending and the final scores; the same whatever turn is selected."""

    debrief: var[Debrief | None] = var(None, init=False)
    viewer: var[Viewer] = var(FACILITATOR_VIEWER, init=False)

    def __init__(self) -> None:
        super().__init__("4 Scores", id="scores")

    def compose(self) -> ComposeResult:
        yield PanelScroll(Prose(id="scores-text"), id="scores-scroll")

    def watch_debrief(self) -> None:
        self.redraw()

    def watch_viewer(self) -> None:
        self.redraw()

    def read(self, debrief: Debrief) -> tuple[FinalScores, str]:
        """What this viewer may see of the scores at the end, and how the game ended."""
        saved = debrief.saved
        ending = saved.game.ending
        text = ending.title if ending is not None else f"not over (saved after {count(saved.turns_played, saved.deck.turn_name)})"
        return debrief.final_scores(self.viewer), text

    def draw(self) -> None:
        if self.debrief is None:
            return
        final, ending = self.read(self.debrief)
        self.query_one("#scores-text", Prose).show(scores_block(final, self.debrief.end(self.viewer), ending))
