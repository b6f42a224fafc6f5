"""Snapshots at 80×24 of the target picker and of the "Offers waiting for your answer"
section (the offers test deck, fixed seed; see test_snapshots.py for how to update)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import ROOT, make_app, new_game, settle, to_orders

OFFERS = ROOT / "tests" / "decks_format" / "offers.toml"


async def picker(pilot: Pilot[None]) -> None:
    """Alpha opens the picker of `Offer talks to …`."""
    await new_game(pilot, {"a": "human", "b": "random", "c": "random"})
    await pilot.press("down", "enter")
    await pilot.pause()


async def offers(pilot: Pilot[None]) -> None:
    """Bravo's orders in turn 2, with Alpha's offer of talks waiting for its answer."""
    await new_game(pilot, {"a": "human", "b": "human", "c": "random"})
    await curtain_to_orders(pilot)  # Alpha
    await pilot.press("down", "enter", "enter", "c", "enter")  # talks → Bravo, sealed
    await settle(pilot)
    await curtain_to_orders(pilot)  # Bravo
    await pilot.press("c", "enter")  # Bravo stands pat
    await settle(pilot)
    await pilot.press("enter")  # the results
    await settle(pilot)
    await curtain_to_orders(pilot)  # Alpha, turn 2
    await pilot.press("c", "enter")
    await settle(pilot)
    await curtain_to_orders(pilot)  # Bravo, turn 2


async def curtain_to_orders(pilot: Pilot[None]) -> None:
    """From a seat's curtain to its orders (past its own results and its first briefing)."""
    await pilot.press("enter")
    await pilot.pause()
    await to_orders(pilot)


SCREENS: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {"picker": picker, "offers": offers}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_offers_screen(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, screen: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    app = make_app(Path("saves"), deck=OFFERS, decks_dirs=[OFFERS.parent], seed=5)
    assert snap_compare(app, terminal_size=(80, 24), run_before=SCREENS[screen])
