"""Injects before the first orders, in the terminal UI of a game on one keyboard: an open
orders screen follows the opening as the facilitator changes it (its moves, what the seat
picked), and the facilitator's console lists the injects fired into the opening and
withdraws one, asked first."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Checkbox, Input, OptionList
from tui_helpers import (
    make_app,
    new_game,
    open_facilitator,
    past_briefing,
    screen_name,
    screen_text,
    settle,
)

from wargame.play.commands import GameCommand, RemoveInject
from wargame.play.commands import Inject as InjectCommand
from wargame.saves.store import read_save
from wargame.tui.app import WargameApp
from wargame.tui.screens.orders import OrdersScreen

HOTLINE = InjectCommand(text="The hotline opens early.", effects=["flags.hotline = true"], opening=True)
"""An inject into the opening that makes Blue's Sanctions unavailable ("Not while the hotline is open.")."""


def line(screen: OrdersScreen, name: str) -> str:
    """The order sheet's line for a move, as the seat reads it."""
    moves = screen.query_one("#moves", OptionList)
    index = next(i for i, x in enumerate(screen.sheet) if x.name == name)
    return str(moves.get_option_at_index(index).prompt)


async def pick(pilot, screen: OrdersScreen, name: str) -> None:  # type: ignore[no-untyped-def]
    moves = screen.query_one("#moves", OptionList)
    moves.focus()
    moves.highlighted = next(i for i, x in enumerate(screen.sheet) if x.name == name)
    await pilot.press("space")
    await pilot.pause()


async def facilitator_does(pilot, app: WargameApp, command: GameCommand) -> None:  # type: ignore[no-untyped-def]
    """The opening changes while Blue's sheet is open. On one keyboard the console opens
    only between seats, so the change reaches the app the way every change does: from
    its session, through its client."""
    assert app.client is not None
    reply = await app.client.send(command, "facilitator")
    assert reply.ok, reply.message
    await settle(pilot)


def notices(app: WargameApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_an_open_orders_screen_follows_the_opening_as_injects_land_and_are_withdrawn(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(120, 40)) as pilot:
        await new_game(pilot, {"red": "doctrine:bully", "blue": "human"}, facilitator=True)
        await pilot.press("enter")  # Blue's curtain
        await settle(pilot)
        await past_briefing(pilot)
        screen = app.screen
        assert isinstance(screen, OrdersScreen) and screen.seat == "blue"
        assert "Not while the hotline is open" not in line(screen, "Sanctions")
        # A pick still available stays, and nothing is said to be dropped.
        await pick(pilot, screen, "Offer talks")
        await facilitator_does(pilot, app, HOTLINE)
        assert app.screen is screen
        assert "Not while the hotline is open" in line(screen, "Sanctions")
        assert screen.picks == ["talks-offer-blue"]
        assert "Orders: Offer talks" in screen_text(app)
        assert not any("taken off your orders" in n for n in notices(app))
        # Withdrawn: Sanctions is available again at once.
        await facilitator_does(pilot, app, RemoveInject(index=0, opening=True))
        assert "Not while the hotline is open" not in line(screen, "Sanctions")
        assert screen.picks == ["talks-offer-blue"]
        # A pick no longer available is dropped, and said in one line.
        await pick(pilot, screen, "Sanctions")
        assert screen.picks == ["sanctions"]
        await facilitator_does(pilot, app, HOTLINE)
        assert app.screen is screen and screen.picks == []
        assert "No longer available, taken off your orders: Sanctions (Not while the hotline is open)" in notices(app)
        assert "Orders: none yet" in screen_text(app)
        # What the seat confirms now is what the sheet shows: no orders, not Sanctions.
        await pilot.press("c")
        await pilot.pause()
        assert screen_name(app) == "ReviewScreen" and app.screen.chosen == []  # type: ignore[attr-defined]
        assert "No orders this week: you stand pat." in screen_text(app)


async def test_a_review_open_on_picks_that_are_no_longer_available_closes(tmp_path: Path) -> None:
    """Sealing from a review that lists a pick the opening took away would seal other
    orders than it shows: it closes, and the sheet says what was dropped."""
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(120, 40)) as pilot:
        await new_game(pilot, {"red": "doctrine:bully", "blue": "human"}, facilitator=True)
        await pilot.press("enter")
        await settle(pilot)
        await past_briefing(pilot)
        screen = app.screen
        assert isinstance(screen, OrdersScreen)
        await pick(pilot, screen, "Sanctions")
        await pilot.press("c")
        await pilot.pause()
        assert screen_name(app) == "ReviewScreen"
        await facilitator_does(pilot, app, HOTLINE)
        assert app.screen is screen and screen.picks == []
        assert app.session is not None and "blue" not in app.session.game.orders


async def test_the_console_withdraws_an_opening_inject_after_asking(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(120, 50)) as pilot:
        await new_game(pilot, {"red": "doctrine:bully", "blue": "human"}, facilitator=True)
        await open_facilitator(pilot)
        console = app.screen
        session = app.session
        assert session is not None and session.save_path is not None
        assert not console.query_one("#opening-injects", OptionList).display
        console.query_one("#inject-opening", Checkbox).value = True
        for text, effects in (("A storm closes the harbour.", "tension += 2"), ("The wrong one.", "flags.hotline = true")):
            console.query_one("#inject-text", Input).value = text
            console.query_one("#inject-effects", Input).value = effects
            console.query_one("#fire-custom", Button).press()
            await settle(pilot)
        assert [i.text for i in session.game.opening_injects] == ["A storm closes the harbour.", "The wrong one."]
        listed = console.query_one("#opening-injects", OptionList)
        assert listed.display and listed.option_count == 2
        assert "Injects fired into the opening" in screen_text(app)
        # The last one, from its button: asked first; "no" keeps it.
        console.query_one("#withdraw-last", Button).press()
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen" and "Withdraw this inject from the opening?" in screen_text(app)
        assert "The wrong one." in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert len(session.game.opening_injects) == 2
        console.query_one("#withdraw-last", Button).press()
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert [i.text for i in session.game.opening_injects] == ["A storm closes the harbour."]
        assert not session.game.state.f[session.deck.flag_names.index("hotline")]
        assert "Inject withdrawn: the opening is played again without it." in notices(app)
        # Any one, from the list.
        await settle(pilot)
        listed.focus()
        listed.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen" and "A storm closes the harbour." in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert session.game.opening_injects == [] and session.game.opening is None
        assert not listed.display
        assert read_save(session.save_path).opening_injects == []
