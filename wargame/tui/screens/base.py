"""What the screens of a game in progress share: the client they read the game through,
whose eyes they are for, the observation they render, and the keys that open the stakes
(briefing, objectives, endings), the last results, the dashboard, the projector view, the
messages and the team from anywhere (the app opens each: no screen here imports another)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from wargame.observe.model import Observation
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.tui.widgets import SeatStrip

FOCUS_KEYS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Next field", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False),
]
"""Tab and shift+tab, which Textual's `Screen` binds and a screen declared with
`inherit_bindings=False` (to drop the game keys it uses for other things) loses."""


class GameScreen(Screen[None]):
    """A screen of a game in progress, shown to `viewer` (a seat, the facilitator, or the
    public). It renders `observation`, which follows the game: the app bumps its
    `game_version` on every change and each screen fetches its own viewer's observation."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The footer has room for two at 80 columns: the stakes page names the other keys.
        Binding("o", "app.stakes", "Objectives"),
        Binding("l", "app.last_results", "Last results", show=False),
        Binding("d", "app.dashboard", "Dashboard"),
        Binding("v", "app.projector", "Projector", show=False),
        # Not in the footer (no room at 80 columns): the orders screen says it by its messages.
        Binding("m", "app.talk", "Messages", show=False),
        Binding("t", "app.team", "Team", show=False),
    ]

    observation: reactive[Observation | None] = reactive(None, init=False, always_update=True)

    def __init__(self, client: GameClient, viewer: Viewer) -> None:
        super().__init__()
        self.client = client
        self.viewer = viewer
        self.set_reactive(GameScreen.observation, client.observe(viewer))

    @property
    def obs(self) -> Observation:
        assert self.observation is not None
        return self.observation

    def on_mount(self) -> None:
        if hasattr(self.app, "game_version"):
            self.watch(self.app, "game_version", self._game_changed, init=False)
        if hasattr(self.app, "clock_tick"):
            self.watch(self.app, "clock_tick", self._clock_ticked, init=False)

    def _game_changed(self, _version: Any = None) -> None:
        self.observation = self.client.observe(self.viewer)

    def _clock_ticked(self, _tick: Any = None) -> None:
        self.observation = self.client.observe(self.viewer)

    def watch_observation(self, obs: Observation | None) -> None:
        if obs is not None and self.is_mounted:
            self.show(obs)

    def show(self, obs: Observation) -> None:
        """Render a new observation (subclasses update their widgets; the seat strip and
        the title bar follow through their own reactive attributes)."""
        for strip in self.query(SeatStrip):
            strip.observation = obs
