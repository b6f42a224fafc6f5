"""Every track and its value shows, on one line, on the orders screen at 80x24 and 120x40, for every deck
the project ships or tests with (issue 19: at 120x40 a value such as "4.5/10" wrapped in the
Tracks panel and cuba-1962's last global track, Settlement, was no longer shown).

Each panel is given its widest values (a quarter step below the top: "9.75/10") and must
then hold every track's label and value, on lines no wider than the panel. One app a deck
serves both sizes: it starts at 80x24 and its terminal is resized to 120x40 (as a player's
would be), where the panels lay themselves out again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import ROOT, make_app, new_game, screen_text

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.errors import DeckError
from wargame.observe.labels import format_value
from wargame.observe.model import TrackInfo
from wargame.tui.render import short_label
from wargame.tui.widgets import TracksView


def corpus() -> list[tuple[Path, CompiledDeck]]:
    """The shipped decks and those of the test corpora that load, loaded."""
    paths = sorted((ROOT / "decks").glob("*.toml"))
    for folder in ("decks_format", "decks_debrief", "decks_lint", "golden"):
        paths += sorted((ROOT / "tests" / folder).glob("*.toml"))
    out = []
    for path in paths:
        try:
            out.append((path, load_deck(path)))
        except DeckError:
            continue
    return out


def widest(reading: TrackInfo) -> TrackInfo:
    """The reading at its widest value: a quarter step below the top of its scale."""
    value = reading.hi - 0.25 if reading.hi - reading.lo >= 1 else reading.hi
    return reading.model_copy(update={"value": value})


DECKS = corpus()

SIZES = ((80, 24), (120, 40))
"""The sizes each deck's orders screen is checked at, in one app resized from one to the next."""


@pytest.mark.parametrize(("path", "deck"), DECKS, ids=[f"{p.parent.name}/{p.stem}" for p, _ in DECKS])
async def test_every_track_and_value_shows_in_the_orders_screens_panels(tmp_path: Path, path: Path, deck: CompiledDeck) -> None:
    # The new-game screen offers this deck alone (a folder holding a link to it), loaded
    # once above: the app loads no deck again, nor the other decks of its folder.
    offered = tmp_path / "decks"
    offered.mkdir()
    (offered / path.name).symlink_to(path)
    app = make_app(tmp_path / "saves", deck=path, decks_dirs=[offered], compiled=deck)
    async with app.run_test(size=SIZES[0]) as pilot:
        await new_game(pilot, {})
        for width, height in SIZES:
            if (app.size.width, app.size.height) != (width, height):
                await pilot.resize_terminal(width, height)
                await pilot.pause()
            assert (app.size.width, app.size.height) == (width, height)
            panels = list(app.screen.query(TracksView))
            assert panels, type(app.screen).__name__
            for panel in panels:
                panel.set_readings([widest(r) for r in panel.readings])
            await pilot.pause()
            for panel in panels:
                width_here = panel.content_region.width
                lines = str(panel.render()).splitlines()
                assert all(len(line) <= width_here for line in lines), (width, height, panel.id, width_here, lines)
                for reading in panel.readings:
                    # Label (or, where the panel is narrow, its short form) and value on ONE
                    # line: at 80x24 a long label on a line of its own pushed tracks away.
                    number = f"{format_value(reading.value or 0)}/{format_value(reading.hi)}"
                    forms = {reading.label} if width >= 120 else {short_label(reading, n) for n in range(1, len(reading.label) + 1)}
                    assert any(line.strip().startswith(f) and number in line for line in lines for f in forms), (width, height, reading.label, lines)
            # The global tracks head the left column: on screen at both sizes, every one of them.
            public = app.screen.query_one("#tracks", TracksView)
            shown = screen_text(app)
            for reading in public.readings:
                forms = {reading.label} if width >= 120 else {short_label(reading, n) for n in range(1, len(reading.label) + 1)}
                assert any(f in shown for f in forms), (width, height, reading.label)
