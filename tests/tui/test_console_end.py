"""The facilitator's console once the game is over: the ending, every seat done, and no
live odds (a finished game's ending is no longer a chance)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.widgets import Button, Static

from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.play.client import LocalClient
from wargame.play.control import Session
from wargame.tui.app import CSS
from wargame.tui.screens.facilitator import FacilitatorScreen
from wargame.tui.widgets import SeatStrip


class Console(App[None]):
    CSS_PATH = CSS

    def __init__(self, client: LocalClient) -> None:
        super().__init__()
        self.client = client

    def on_mount(self) -> None:
        self.push_screen(FacilitatorScreen(self.client))


async def test_the_console_after_the_end_shows_the_ending_and_no_one_choosing(tutorial: CompiledDeck) -> None:
    jobs: list[Callable[[], None]] = []
    s = Session(Game(tutorial, 7), {"red": "human", "blue": "random"}, facilitator=True)
    client = LocalClient(s, spawn=jobs.append)
    client.start()
    while jobs:
        jobs.pop(0)()
    while not s.is_over:
        s.submit("red", [])
        s.resolve()
        while jobs:
            jobs.pop(0)()
    control = s.observe("facilitator").control
    assert control is not None and control.odds is None and not control.odds_pending
    async with Console(client).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, FacilitatorScreen)
        ending = s.game.ending
        assert ending is not None and ending.title in str(screen.query_one("#fac-status", Static).render())
        seats = str(screen.query_one("#fac-seats", Static).render())
        assert "still choosing" not in seats and seats.count("done: the game is over") == 2
        assert not screen.query_one("#fac-odds", Static).display
        strip = str(screen.query_one(SeatStrip).render())
        assert "choosing" not in strip and strip.count("✓ done") == 2
        assert screen.query_one("#resolve", Button).disabled
