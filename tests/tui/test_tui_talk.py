"""Messages on the terminal: a hot-seat message waits behind its recipient's curtain, is
shown there as plain text (never markup), and the other seats' screens never show it."""

from __future__ import annotations

import re
from pathlib import Path

from test_play import confirm_orders
from textual.app import App
from textual.widgets import Input, Select, Static
from tui_helpers import (
    make_app,
    new_game,
    open_facilitator,
    past_briefing,
    screen_name,
    screen_text,
)

from tests.conftest import korea_channels
from wargame.observe.visibility import as_viewer
from wargame.play.client import LocalClient
from wargame.play.commands import SendMessage
from wargame.play.control import Session
from wargame.tui.screens.talk import TalkScreen


async def test_a_hot_seat_message_waits_at_the_recipients_curtain(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", seed=1)
    async with app.run_test(size=(110, 34)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "human"})
        await pilot.press("enter")
        await pilot.pause()
        await past_briefing(pilot)
        assert app.screen.seat == "red"  # type: ignore[attr-defined]
        await pilot.press("m")
        await pilot.pause()
        assert screen_name(app) == "TalkScreen"
        assert app.screen.query_one("#talk-channel", Select).value == "direct"
        # Tab moves between the fields (the screen drops the game's keys, not Tab).
        await pilot.press("shift+tab")
        assert app.focused is not None and app.focused.id == "talk-to"
        await pilot.press("tab")
        box = app.screen.query_one("#talk-text", Input)
        assert app.focused is box
        box.value = "[bold]Meet[/bold] at dawn \x1b[2J"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert box.value == ""
        text = screen_text(app)
        assert "[bold]Meet[/bold] at dawn" in text  # shown as typed: markup is not interpreted
        await pilot.press("escape")
        await pilot.pause()
        await confirm_orders(pilot, [0])
        assert screen_name(app) == "CurtainScreen"
        assert "Meet" not in screen_text(app)  # the curtain shows nothing of it
        await pilot.press("enter")
        await pilot.pause()
        await past_briefing(pilot)
        assert app.screen.seat == "blue"  # type: ignore[attr-defined]
        assert "[bold]Meet[/bold] at dawn" in screen_text(app)  # waiting on Blue's sheet
        session = app.session
        assert session is not None
        assert [m.to for m in session.talk.messages] == [("blue",)]
        await pilot.press("v")  # the projector never shows a private message
        await pilot.pause()
        assert "Meet" not in screen_text(app)


async def test_the_facilitator_reads_every_channel_writes_as_a_third_party_and_mutes(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", seed=1)
    async with app.run_test(size=(110, 34)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "human"}, facilitator=True)
        session = app.session
        assert session is not None
        session.send_message("red", "direct", ["blue"], "RED-TO-BLUE-ONLY")
        await open_facilitator(pilot)
        assert screen_name(app) == "FacilitatorScreen"
        await pilot.press("m")
        await pilot.pause()
        assert screen_name(app) == "TalkScreen" and "RED-TO-BLUE-ONLY" in screen_text(app)
        app.screen.query_one("#talk-as", Input).value = "A journalist"
        box = app.screen.query_one("#talk-text", Input)
        box.value = "Any comment on the patrol?"
        box.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        post = session.talk.messages[-1]
        assert (post.sender, post.to, post.third_party) == ("A journalist", ("red", "blue"), True)
        await pilot.press("ctrl+o")  # mute the channel chosen
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert session.talk.muted == {"direct"}
        assert not session.apply("red", SendMessage(channel="direct", to=["blue"], text="x")).ok


async def test_a_seat_is_told_at_once_which_of_its_channels_are_closed_and_statements_are_to_everyone() -> None:
    # Found in the three-team trial: the line was written only when the game changed, never
    # when the screen opened (`is_mounted` is not yet set in on_mount).
    deck = korea_channels()
    session = Session.new(deck, dict.fromkeys(deck.actors, "human"), seed=3, save_dir=None)  # writes no save
    session.send_message("china", "statements", [], "Restraint on all sides.")

    class Talk(App[None]):
        def on_mount(self) -> None:
            self.push_screen(TalkScreen(LocalClient(session), as_viewer("us", deck)))

    app = Talk()
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#talk-status", Static).render()) == "Closed now: The hotline"
        # A closed channel is not offered to write on (the open ones, in the deck's order).
        assert [v for _, v in app.screen.query_one("#talk-channel", Select)._options] == ["statements", "allies"]
        # A public statement is to everyone, not to a list of seats naming its own sender.
        assert re.search(r"China → everyone \(public\)  month 1 · \d\d:\d\d · Public statements", screen_text(app))

