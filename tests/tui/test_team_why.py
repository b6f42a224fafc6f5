"""A team types a one-line why with its sealed orders: kept in the save, shown in its own
debrief and the facilitator's, never to the other seat or the public."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList
from tui_helpers import make_app, new_game, screen_name, settle

from wargame.observe.build import observe
from wargame.saves.store import read_save, replay, verify


async def test_the_why_typed_with_the_orders_is_kept_for_the_debrief(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        assert screen_name(app) == "OrdersScreen"
        moves = app.screen.query_one("#moves", OptionList)
        moves.highlighted = 0
        await pilot.press("space", "c")
        await pilot.pause()
        assert screen_name(app) == "ReviewScreen"
        await pilot.press("w")
        assert isinstance(app.focused, Input)
        await pilot.press(*"only a show of strength, yes")  # y and n type while the box has the keys
        assert screen_name(app) == "ReviewScreen"
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "ResolutionScreen"
        session = app.session
        assert session is not None and session.save_path is not None
        path = session.save_path
    save = read_save(path)
    assert save.history[0].reasons["red"] == ["only a show of strength, yes"]
    assert verify(save).ok
    game = replay(save)
    for who, sees in (("red", True), ("facilitator", True), ("blue", False), ("public", False)):
        said = [o.reason for s in observe(game, who, seats=save.seats).turns[0].orders if s.actor == "red" for o in s.orders]
        assert ("only a show of strength, yes" in said) == sees, who


async def test_enter_seals_at_once_with_no_why(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        await pilot.press("space", "c")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert screen_name(app) == "ResolutionScreen"
        session = app.session
        assert session is not None and session.save_path is not None
        assert read_save(session.save_path).history[0].reasons.get("red", []) == []
