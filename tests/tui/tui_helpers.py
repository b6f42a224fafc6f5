"""Helpers for driving the app through its screens in Pilot tests, as a player would."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Select

from wargame.deck.compile import CompiledDeck
from wargame.play.client import LocalClient
from wargame.play.commands import GameCommand, Reply
from wargame.play.control import Session
from wargame.tui.app import WargameApp

ROOT = Path(__file__).resolve().parents[2]
DECKS = ROOT / "decks"
TUTORIAL = DECKS / "tutorial.toml"

_TEXT = re.compile(r'<text[^>]*x="([\d.]+)"[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>([^<]*)</text>')


PIN = "246810"
"""The facilitator's PIN in tests."""


class FakeClock:
    """A monotonic clock the test moves by hand: no test reads the wall clock."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


async def open_facilitator(pilot: Pilot[None], pin: str = PIN) -> None:
    """Press `f` on the curtain (or ask the palette) and give the PIN."""
    await pilot.app.run_action("facilitator")
    await pilot.pause()
    pilot.app.screen.query_one("#pin", Input).value = pin
    await pilot.press("enter")
    await pilot.pause()


def make_app(
    save_dir: Path,
    deck: Path = TUTORIAL,
    seed: int = 42,
    decks_dirs: list[Path] | None = None,
    now: Callable[[], float] | None = None,
    compiled: CompiledDeck | None = None,
) -> WargameApp:
    """The app on `deck` (`compiled`: that deck already loaded, as `wargame play` passes it)."""
    dirs = decks_dirs if decks_dirs is not None else [deck.parent]
    if now is None:
        return WargameApp(deck, save_dir, seed=seed, decks_dirs=dirs, compiled=compiled)
    return WargameApp(deck, save_dir, seed=seed, decks_dirs=dirs, now=now, compiled=compiled)


CELL_WIDTH = 12.2
"""The width of one terminal cell in Textual's SVG screenshots."""


def screen_lines(app: App[None]) -> list[str]:
    """The text on the screen, line by line, as a person would read it."""
    svg = app.export_screenshot()
    rows: dict[int, list[str]] = {}
    for x, line, text in _TEXT.findall(svg):
        row = rows.setdefault(int(line), [])
        col = round(float(x) / CELL_WIDTH)
        row.extend(" " * (col - len(row)))
        row[col:] = list(html.unescape(text).replace("\xa0", " "))
    return ["".join(rows.get(i, [])).rstrip() for i in range(max(rows, default=-1) + 1)]


def screen_text(app: App[None]) -> str:
    return "\n".join(screen_lines(app))


async def shows(pilot: Pilot[None], *texts: str, pauses: int = 20) -> None:
    """Assert that the screen comes to show every one of `texts`. Each pause waits for the
    app to go idle, which a loaded machine can cut short before the screen has repainted:
    so look again after each of up to `pauses` more, and fail with the screen as it was."""
    text = screen_text(pilot.app)
    for _ in range(pauses):
        if all(t in text for t in texts):
            return
        await pilot.pause()
        text = screen_text(pilot.app)
    missing = [t for t in texts if t not in text]
    assert not missing, f"never shown: {missing!r}\n{text}"


async def settle(pilot: Pilot[None]) -> None:
    """Let workers (computer seats) finish and the screens they lead to appear."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def new_game(pilot: Pilot[None], seats: dict[str, str], facilitator: bool = False, deck_index: int = 0) -> None:
    """From the start screen: open New game, choose the deck and seats, start."""
    await pilot.press("n")
    await pilot.pause()
    app = pilot.app
    if deck_index:
        app.screen.query_one("#deck", Select).value = deck_index
        await pilot.pause()
    for actor, spec in seats.items():
        app.screen.query_one(f"#seat-{actor}", Select).value = spec
    app.screen.query_one("#facilitator", Checkbox).value = facilitator
    if facilitator:
        app.screen.query_one("#facilitator-pin", Input).value = PIN
    await pilot.pause()
    await pilot.press("ctrl+s")
    await settle(pilot)
    await past_briefing(pilot)


async def past_briefing(pilot: Pilot[None]) -> None:
    """A seat's first orders screen opens on its briefing (the stakes): read, Enter."""
    if type(pilot.app.screen).__name__ == "StakesScreen":
        await pilot.press("enter")
        await pilot.pause()


async def to_orders(pilot: Pilot[None]) -> None:
    """Past what a seat reads behind its curtain before its orders on a shared screen: its
    own results of the last turn (when it may see more than the room did), and its
    briefing the first time."""
    screen = pilot.app.screen
    if type(screen).__name__ == "ResolutionScreen" and getattr(screen, "seat", None) is not None:
        await pilot.press("enter")
        await pilot.pause()
    await past_briefing(pilot)


def screen_name(app: WargameApp) -> str:
    return type(app.screen).__name__


class MemberClient(LocalClient):
    """A team member's device in this process: what a hosted tab or terminal sends, with
    the member's name, through the same controller."""

    def __init__(self, session: Session, member: str, hosted: bool = True) -> None:
        super().__init__(session)
        self.member = member
        self.hosted = hosted

    async def send(self, command: GameCommand, role: str) -> Reply:
        return self.session.apply(role, command, self.member)


def titled_app(screen_factory: Callable[[], Screen[None]], client: LocalClient | None = None) -> App[None]:
    """An app showing one screen; with `client`, every change to its game bumps the app's
    `game_version`, which the screen follows, as in the game's own apps."""

    class One(App[None]):
        game_version: reactive[int] = reactive(0)

        def on_mount(self) -> None:
            if client is not None:
                client.subscribe(self._changed)
            self.push_screen(screen_factory())

        def _changed(self) -> None:
            self.game_version += 1

    return One()
