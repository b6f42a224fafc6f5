"""Every track and its value shows on the orders screen at 80x24 and 120x40, for every deck
the project ships or tests with (issue 19: at 120x40 a value such as "4.5/10" wrapped in the
Tracks panel and cuba-1962's last global track, Settlement, was no longer shown).

Each panel is given its widest values (a quarter step below the top: "9.75/10") and must
then hold every track's label and value, on lines no wider than the panel.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import ROOT, make_app, new_game, screen_text

from wargame.deck.loader import load_deck
from wargame.errors import DeckError
from wargame.observe.labels import format_value
from wargame.observe.model import TrackInfo
from wargame.tui.widgets import TracksView


def corpus() -> list[Path]:
    """The shipped decks and those of the test corpora that load."""
    paths = sorted((ROOT / "decks").glob("*.toml"))
    for folder in ("decks_format", "decks_debrief", "decks_lint", "golden"):
        paths += sorted((ROOT / "tests" / folder).glob("*.toml"))
    out = []
    for path in paths:
        try:
            load_deck(path)
        except DeckError:
            continue
        out.append(path)
    return out


def widest(reading: TrackInfo) -> TrackInfo:
    """The reading at its widest value: a quarter step below the top of its scale."""
    value = reading.hi - 0.25 if reading.hi - reading.lo >= 1 else reading.hi
    return reading.model_copy(update={"value": value})


CASES = [(path, size) for path in corpus() for size in ((80, 24), (120, 40))]


@pytest.mark.parametrize(("path", "size"), CASES, ids=[f"{p.parent.name}/{p.stem}-{w}x{h}" for p, (w, h) in CASES])
async def test_every_track_and_value_shows_in_the_orders_screens_panels(tmp_path: Path, path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path / "saves", deck=path)
    async with app.run_test(size=size) as pilot:
        await new_game(pilot, {})
        panels = list(app.screen.query(TracksView))
        assert panels, type(app.screen).__name__
        for panel in panels:
            panel.set_readings([widest(r) for r in panel.readings])
        await pilot.pause()
        for panel in panels:
            width = panel.content_region.width
            lines = str(panel.render()).splitlines()
            assert all(len(line) <= width for line in lines), (panel.id, width, lines)
            text = "\n".join(lines)
            for reading in panel.readings:
                assert reading.label in text, reading.label
                assert f"{format_value(reading.value or 0)}/{format_value(reading.hi)}" in text, reading.label
        # The global tracks head the left column: on screen at both sizes, every one of them.
        public = app.screen.query_one("#tracks", TracksView)
        shown = screen_text(app)
        for reading in public.readings:
            assert reading.label in shown, reading.label
