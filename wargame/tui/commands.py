"""The command palette's game actions (ctrl+p): new game, save, load, theme, views."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from wargame.play.control import Session


class PaletteApp(Protocol):
    """What the palette's commands call on the app (`WargameApp` is one): named here, so
    the app that registers the palette and the palette do not import each other."""

    session: Session | None

    def action_new_game(self) -> None: ...
    def action_save_copy(self) -> None: ...
    def action_load_game(self) -> None: ...
    def action_toggle_theme(self) -> None: ...
    def action_stakes(self, opening: bool = False) -> None: ...
    def action_last_results(self) -> None: ...
    def action_dashboard(self) -> None: ...
    def action_projector(self) -> None: ...
    def action_facilitator(self) -> None: ...
    def action_pause(self, trusted: bool = False) -> None: ...


class WargameCommands(Provider):
    """The main actions of the game, found by name in the command palette."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = cast(PaletteApp, self.app)  # registered only by an app that has these actions
        yield "New game", "Choose a deck and seats and start a game", app.action_new_game
        yield "Save a copy of the game", "Write the game so far to a file you name", app.action_save_copy
        yield "Load a save", "Continue a saved game", app.action_load_game
        yield "Toggle light/dark theme", "Switch between the light and the dark theme", app.action_toggle_theme
        if app.session is not None:
            yield "Objectives and briefing (o)", "Your briefing, your points so far and how the game can end", app.action_stakes
            yield "Last results (l)", "What happened last turn, and what moved each track", app.action_last_results
            yield "Dashboard", "Tracks, chart, actors and the log", app.action_dashboard
            yield "Projector view", "Public information in large type, for the room", app.action_projector
            if app.session.facilitator:
                yield "Facilitator controls", "Injects, dice, countdown and resolving the turn", app.action_facilitator
                yield "Pause the game (facilitator's PIN)", "Cover every screen until the facilitator resumes", app.action_pause

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
