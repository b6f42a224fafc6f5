"""Whole games played through the terminal UI with Pilot: solo, hot-seat, facilitated.

Each test drives the app with keys, as a player would, and checks what matters to that
player: the game reaches its end, the curtain hides one seat's orders from the next,
the facilitator's inject and dice change the outcome, and a quit loses nothing confirmed.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList, Static
from tui_helpers import (
    PIN,
    TUTORIAL,
    FakeClock,
    make_app,
    new_game,
    open_facilitator,
    past_briefing,
    screen_lines,
    screen_name,
    screen_text,
    settle,
    shows,
    to_orders,
)

from wargame.observe.visibility import Viewer
from wargame.play.control import Session
from wargame.saves.store import read_save, verify
from wargame.tui.app import WargameApp


async def confirm_orders(pilot, picks: list[int]) -> None:  # type: ignore[no-untyped-def]
    """On an orders screen (past the briefing it opens on the first time): pick the moves
    at these list positions, review, confirm."""
    await to_orders(pilot)
    moves = pilot.app.screen.query_one("#moves", OptionList)
    for index in picks:
        moves.highlighted = index
        await pilot.press("space")
    await pilot.press("c")
    await pilot.pause()
    assert screen_name(pilot.app) == "ReviewScreen"
    await pilot.press("enter")
    await settle(pilot)


async def test_solo_game_against_computers_to_the_end(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        assert screen_name(app) == "StartScreen"
        await new_game(pilot, {"red": "human", "blue": "random"})
        session = app.session
        assert session is not None and not session.shared_screen
        turns = 0
        answered: list[int] = []
        while screen_name(app) != "EndScreen":
            assert screen_name(app) == "OrdersScreen", screen_text(app)
            await to_orders(pilot)
            if app.screen.offers:  # type: ignore[attr-defined]
                # The computer Blue proposed a fishing deal: the offers list has the focus,
                # Space opens the answer dialog; Red refuses, then goes on to its moves.
                await pilot.press("space")
                await pilot.pause()
                assert screen_name(app) == "AnswerScreen"
                assert "fishing deal" in screen_text(app)
                await pilot.press("r")
                await pilot.pause()
                assert screen_name(app) == "OrdersScreen"
                await pilot.press("tab")  # from the offers to the moves
                answered.append(turns)
            await confirm_orders(pilot, [0])
            assert screen_name(app) == "ResolutionScreen"
            assert "Results of week" in screen_text(app)
            await pilot.press("enter")
            await settle(pilot)
            turns += 1
            assert turns <= 6
        assert session.is_over and session.ending is not None
        text = screen_text(app)
        assert session.ending.title in text
        assert "Red" in text and "Blue" in text and "points" in text
        assert session.save_path is not None
        save = read_save(session.save_path)
        assert len(save.history) == turns and save.ending == session.ending.id
        assert verify(save).ok
        # Red always patrolled (the first move of its list) and refused each fishing deal it
        # was offered (an answer costs no order): every turn's record says so.
        assert answered  # this game meets the offer: what the refusals below rely on
        for number, t in enumerate(save.history):
            refusal = ["fishing-deal@red/refuse"] if number in answered else []
            assert t.orders["red"] == ["patrol", *refusal]


async def test_hot_seat_curtain_hides_the_previous_seats_orders(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "human"})
        assert screen_name(app) == "CurtainScreen"
        assert "Pass to Red" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "StakesScreen" and "Red: your briefing" in screen_text(app)  # the game opens on it
        await past_briefing(pilot)
        assert screen_name(app) == "OrdersScreen" and app.screen.seat == "red"  # type: ignore[attr-defined]
        await confirm_orders(pilot, [1])  # Red orders a missile test
        # The curtain is back: it says Red has sealed, and shows nothing of what.
        assert screen_name(app) == "CurtainScreen"
        text = screen_text(app)
        assert "Pass to Blue" in text and "Red's orders are sealed." in text
        assert "Missile test" not in text
        # No screen still holds Red's order sheet.
        assert not any(type(s).__name__ == "OrdersScreen" for s in app.screen_stack)
        await pilot.press("d")  # the dashboard from the curtain is the public one
        await pilot.pause()
        assert "public view" in screen_text(app) and "Missile test" not in screen_text(app)
        await pilot.press("escape")
        await pilot.press("enter")
        await pilot.pause()
        await past_briefing(pilot)
        assert app.screen.seat == "blue"  # type: ignore[attr-defined]
        assert "Missile test" not in screen_text(app)
        await confirm_orders(pilot, [2])  # Blue's secret intelligence operation
        assert screen_name(app) == "ResolutionScreen"
        session = app.session
        assert session is not None
        revealed = any(n.kind == "reveal" for n in session.game.records[0].news)
        assert not revealed  # this seed keeps the operation hidden: what the checks below rely on
        text = screen_text(app)
        assert "public view" in text
        assert "Missile test" in text or "missile" in text  # public moves are news
        assert "Intelligence operation" not in text and "agents" not in text
        await pilot.press("v")  # the projector shows only public information too
        await pilot.pause()
        assert "agents" not in screen_text(app)
        await pilot.press("escape")
        await pilot.press("enter")
        await settle(pilot)
        assert "Pass to Red" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        # Behind its curtain Red reads its own results (its own order named as such), and
        # nothing of Blue's secret operation.
        assert screen_name(app) == "ResolutionScreen" and app.screen.viewer == Viewer.seat("red")  # type: ignore[attr-defined]
        assert "Intelligence operation" not in screen_text(app) and "agents" not in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "OrdersScreen"
        assert "Intelligence operation" not in screen_text(app)  # Red's order sheet
        assert "agents" not in screen_text(app)
        await confirm_orders(pilot, [0])
        await pilot.press("enter")
        await pilot.pause()
        # Blue's own results, behind its curtain: its secret operation is there, for Blue.
        assert screen_name(app) == "ResolutionScreen" and app.screen.viewer == Viewer.seat("blue")  # type: ignore[attr-defined]
        assert "Intelligence operation" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        # Blue's sheet tells Blue, and only Blue, what its operation found.
        text = screen_text(app)
        assert app.screen.seat == "blue"  # type: ignore[attr-defined]
        assert "Only you know" in text and "Blue's agents report on Red's" in text
        # Its private results too: the hidden detection roll and its secret track's change.
        private = str(app.screen.query_one("#secret-news", Static).render())
        assert "Intelligence operation (detection)" in private and "Intel" in private


async def facilitated_turn(tmp_path: Path, force: bool, inject: bool) -> Session:
    """One facilitated turn: Red tests a missile; the facilitator sets the dice and maybe fires
    the fishing incident; the turn resolves."""
    app = make_app(tmp_path / f"saves-{force}-{inject}", seed=8)
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        assert "Pass to Red" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        await confirm_orders(pilot, [1])
        assert "Pass to the facilitator" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "PinScreen"
        app.screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "FacilitatorScreen"
        text = screen_text(app)
        assert "Missile test" in text  # the facilitator sees every seat's sealed orders
        rolls = app.screen.query_one("#rolls", OptionList)
        rolls.focus()
        rolls.highlighted = 0
        await pilot.press("enter")  # roll the dice → force success
        if not force:
            await pilot.press("enter")  # → force failure
        await pilot.pause()
        assert ("force success" if force else "force failure") in screen_text(app)
        if inject:
            events = app.screen.query_one("#events", OptionList)
            events.focus()
            events.highlighted = 0  # the deck's inject comes first
            await pilot.press("enter")
            await pilot.pause()
            # A preview in plain words first; nothing is queued until the facilitator says so.
            assert screen_name(app) == "ConfirmScreen"
            preview = screen_text(app)
            assert "Queue “Fishing incident”?" in preview and "Tension" in preview and "A Red trawler rams" in preview
            assert app.session is not None and app.session.injects == []
            await pilot.press("y")
            await pilot.pause()
        await pilot.press("r")
        await settle(pilot)
        assert screen_name(app) == "ResolutionScreen"
        text = screen_text(app)
        assert "facilitator: everything" in text and "set by the facilitator" in text
        assert ("A Red trawler rams a Blue patrol boat." in text) == inject
        session = app.session
        assert session is not None
        return session


async def test_facilitator_inject_and_override_change_the_outcome(tmp_path: Path) -> None:
    plain = await facilitated_turn(tmp_path, force=False, inject=False)
    forced = await facilitated_turn(tmp_path, force=True, inject=True)

    def value(s: Session, name: str) -> float:
        return s.game.state.v[s.deck.slot_names.index(name)]

    # Same seed, same computer orders: only the facilitator's choices differ.
    assert plain.game.records[0].orders == forced.game.records[0].orders
    assert value(forced, "red.standing") == value(plain, "red.standing") + 2  # +1 on success, not -1
    assert value(forced, "tension") == value(plain, "tension") + 2  # the fishing incident
    assert forced.game.records[0].overrides == {"move:missile-test": True}
    saved = read_save(forced.save_path)  # type: ignore[arg-type]
    assert saved.history[0].injects[0].event == "fishing-incident"
    assert verify(saved).ok


async def test_facilitator_inject_written_on_the_spot_is_checked(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        await open_facilitator(pilot)
        assert screen_name(app) == "FacilitatorScreen"
        app.screen.query_one("#inject-text", Input).value = "A [bold]rumour[/bold] spreads"
        effects = app.screen.query_one("#inject-effects", Input)
        effects.value = "tenson += 1"
        effects.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "unknown" in screen_text(app) and "tenson" in screen_text(app)
        assert app.session is not None and app.session.injects == []
        effects.value = "talks += 1; tension -= 1"
        effects.focus()
        await pilot.press("enter")
        await pilot.pause()
        [inject] = app.session.injects
        assert inject.text == "A [bold]rumour[/bold] spreads"
        assert inject.effects == ("talks += 1", "tension -= 1")
        assert "A [bold]rumour[/bold] spreads" in screen_text(app)  # shown literally
        app.screen.query_one("#events", OptionList).focus()  # letters typed in a field are text
        await pilot.press("p")  # pause the room
        await pilot.pause()
        assert screen_name(app) == "PauseScreen" and app.session.clock.paused
        assert "Paused by the facilitator" in screen_text(app)
        await pilot.press("p")  # only the facilitator lifts it: the PIN first
        await pilot.pause()
        assert app.session.clock.paused and screen_name(app) == "PinScreen"
        app.screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await settle(pilot)
        assert not app.session.clock.paused
        await pilot.press("r")  # Red has not given orders yet: nothing resolves
        await pilot.pause()
        assert app.session.turn == 1 and screen_name(app) == "FacilitatorScreen"


async def test_facilitator_previews_an_inject_and_can_take_a_queued_one_back(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        await open_facilitator(pilot)
        events = app.screen.query_one("#events", OptionList)
        events.focus()
        events.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")  # changed their mind: nothing queued
        await pilot.pause()
        session = app.session
        assert session is not None and session.injects == []
        await pilot.press("enter", "y")
        await pilot.pause()
        assert [i.event for i in session.injects] == ["fishing-incident"]
        queued = app.screen.query_one("#queued", OptionList)
        assert queued.display and queued.option_count == 1
        queued.focus()
        queued.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen" and "Take back this inject?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert session.injects == []
        assert session.save_path is not None and read_save(session.save_path).pending_injects == []
        assert not app.screen.query_one("#queued", OptionList).display


async def test_the_countdown_stops_only_when_the_facilitator_confirms(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves", now=FakeClock())
    async with app.run_test(size=(100, 40)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        await open_facilitator(pilot)
        session = app.session
        assert session is not None
        minutes = app.screen.query_one("#minutes", Input)
        minutes.value = "5"
        minutes.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert session.clock.countdown.active
        await pilot.press("tab", "enter")  # tab lands on "Start countdown"; tab again is Stop
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert session.clock.countdown.active  # a stray Enter on Stop only asks
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause()
        assert session.clock.countdown.active
        app.screen.query_one("#countdown-stop", Button).press()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not session.clock.countdown.active


async def test_countdown_warns_the_seats(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path / "saves", now=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        await open_facilitator(pilot)
        minutes = app.screen.query_one("#minutes", Input)
        minutes.value = "2"
        minutes.focus()
        await pilot.press("enter")
        await pilot.pause()
        session = app.session
        assert session is not None and session.clock.countdown.active
        await pilot.press("escape", "enter")  # back to the curtain, then Red's orders
        await pilot.pause()
        await past_briefing(pilot)
        assert "2:00 left" in screen_text(app)
        clock.t += 61  # the last minute: the seat is warned once
        app.tick()
        app.tick()
        await pilot.pause()
        await shows(pilot, "0:59 left")
        messages = [n.message for n in app._notifications]
        assert messages.count("One minute left to give orders.") == 1
        clock.t += 60
        app.tick()
        app.tick()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages.count("Time is up: confirm your orders now.") == 1
        # The facilitator is asked what to do with the seats still choosing.
        assert screen_name(app) == "ExpiryScreen" and "Red" in screen_text(app)


async def test_when_time_is_up_the_facilitator_lets_missing_seats_stand_pat(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path / "saves", now=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        session = app.session
        assert session is not None
        session.clock.start(60)
        app.action_start_clock()
        clock.t += 61
        app.tick()
        await pilot.pause()
        assert screen_name(app) == "ExpiryScreen"
        await pilot.press("s")  # stand pat
        await pilot.pause()
        app.screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await settle(pilot)
        # Red's screen was at the keyboard: the room sees the public results.
        assert screen_name(app) == "ResolutionScreen" and "public view" in screen_text(app)
        assert session.game.records[0].orders["red"] == ()
        assert "stood pat" in session.game.records[0].reasons["red"][0]


async def test_when_time_is_up_the_facilitator_can_extend(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path / "saves", now=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        session = app.session
        assert session is not None
        session.clock.start(60)
        clock.t += 61
        app.tick()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await pilot.pause()
        assert session.clock.left() == 120 and session.turn == 1


async def test_a_wrong_pin_is_refused_and_shown_to_the_facilitator(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path / "saves", now=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        # A seat's curtain offers no facilitator key, and `f` does nothing there.
        assert "Facilitator" not in screen_lines(app)[-1]
        await pilot.press("f")
        await pilot.pause()
        assert screen_name(app) == "CurtainScreen"
        await open_facilitator(pilot, pin="1111")  # e.g. from the palette, with a guess
        assert screen_name(app) == "CurtainScreen"
        assert app.session is not None and app.session.lock.failures == [1]
        saved = read_save(app.session.save_path)  # type: ignore[arg-type]
        assert saved.pin_failures == [1] and PIN not in saved.model_dump_json()
        clock.t += 2  # the wait after a wrong PIN
        await open_facilitator(pilot)
        assert screen_name(app) == "FacilitatorScreen"
        assert any("wrong facilitator PIN once" in n.message for n in app._notifications)


async def test_save_a_copy_never_overwrites_without_asking(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    app = make_app(saves)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        other = saves / "other-game.json"
        other.write_text("precious")
        app.action_save_copy()
        await pilot.pause()
        assert screen_name(app) == "SaveAsScreen"
        suggested = app.screen.query_one("#save-path", Input).value
        assert not Path(suggested).exists()  # the suggestion is always unused
        assert "Save" in screen_text(app) and "Cancel" in screen_text(app)
        app.screen.query_one("#save-path", Input).value = str(other)
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen" and "other-game.json" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert other.read_text() == "precious"
        app.action_save_copy()
        await pilot.pause()
        app.screen.query_one("#save-path", Input).value = str(other)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert read_save(other).deck_id == "tutorial"


async def test_a_failed_autosave_is_reported_and_never_desyncs_the_game(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    app = make_app(saves)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        session = app.session
        assert session is not None and session.save_path is not None
        good = session.save_path
        session.save_path = tmp_path / "no-such-dir" / "file" / "x.json"
        (tmp_path / "no-such-dir").write_text("a file where a folder should be")
        await pilot.press("space", "c", "enter")
        await settle(pilot)
        # The turn resolved and its results show; the failure is said plainly.
        assert screen_name(app) == "ResolutionScreen" and session.turn == 2
        assert session.save_error and "not saved" in screen_text(app)
        assert any(n.title == "Autosave failed" for n in app._notifications)
        session.save_path = good
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert session.save_error is None and len(read_save(good).history) == 1
        await pilot.press("enter")  # the next orders go into turn 2
        await settle(pilot)
        await pilot.press("space", "c", "enter")
        await settle(pilot)
        assert len(session.game.records) == 2


async def test_autosave_mid_game_resumes_to_the_same_state(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    app = make_app(saves, seed=13)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "human"})
        for picks in ([0], [0]):
            await pilot.press("enter")
            await pilot.pause()
            await confirm_orders(pilot, picks)  # Red
            await pilot.press("enter")
            await pilot.pause()
            await confirm_orders(pilot, picks)  # Blue
            await pilot.press("enter")  # past the results
            await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await confirm_orders(pilot, [2])  # Red confirms turn 3; Blue is still to choose
        first = app.session
        assert first is not None and first.turn == 3 and first.has_orders("red")
        hash_before = first.state_hash
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0

    again = make_app(saves, seed=13)
    async with again.run_test(size=(100, 30)) as pilot:
        assert "Continue" in screen_text(again)
        await pilot.press("c")
        await settle(pilot)
        second = again.session
        assert second is not None and second is not first
        assert second.state_hash == hash_before
        assert second.turn == 3 and second.has_orders("red") and not second.has_orders("blue")
        assert second.game.orders["red"] == first.game.orders["red"]
        assert "Pass to Blue" in screen_text(again)
        # Both games play on identically.
        await pilot.press("enter")
        await pilot.pause()
        await confirm_orders(pilot, [0])
    first.submit("blue", second.game.records[-1].orders["blue"])
    # A hot-seat game without a facilitator resolves as soon as every seat has sealed.
    assert len(first.game.records) == len(second.game.records)
    assert first.state_hash == second.state_hash


async def test_quitting_mid_game_asks_first(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")  # nothing to lose on the start screen: no question
        await pilot.pause()
    assert app.return_code == 0

    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert screen_name(app) == "ConfirmScreen"
        assert "Quit the game?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert screen_name(app) == "OrdersScreen" and app.is_running


async def test_unavailable_moves_are_greyed_with_the_engine_reason(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(120, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        await confirm_orders(pilot, [1])  # a missile test: one week of cooldown follows
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Missile test — cooling down: available again in 1 week" in text
        moves = app.screen.query_one("#moves", OptionList)
        moves.highlighted = 1  # highlighted for its details, but it cannot be picked
        await pilot.press("space")
        await pilot.pause()
        assert app.screen.picks == []  # type: ignore[attr-defined]
        assert "Not available: cooling down" in screen_text(app)


MARKUP_DECK_CHANGES = {
    'title = "Tutorial: the harbour standoff"': 'title = "[i]Markup[/i] test [@click=app.quit]deck[/]"',
    'name = "Red"': 'name = "[bold red]Red[/]"',
    'brief = "You hold the harbour.': 'brief = "[link=https://example.com]click[/link] You hold the harbour.',
    'name = "Naval patrol"': 'name = "Patrol [b]now[/b]"',
    'news = "Red warships patrol the harbour mouth."': 'news = "[blink]Red warships[/blink] patrol [on red]now[/]."',
}


async def test_deck_text_is_shown_literally(tmp_path: Path) -> None:
    source = TUTORIAL.read_text(encoding="utf-8")
    for old, new in MARKUP_DECK_CHANGES.items():
        assert old in source
        source = source.replace(old, new, 1)
    decks = tmp_path / "decks"
    decks.mkdir()
    deck = decks / "markup.toml"
    deck.write_text(source, encoding="utf-8")
    app = make_app(tmp_path / "saves", deck=deck)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await shows(pilot, "[i]Markup[/i] test [@click=app.quit]deck[/]")
        await pilot.press("escape")
        await pilot.pause()
        await new_game(pilot, {"red": "human", "blue": "random"})
        text = screen_text(app)
        assert "[bold red]Red[/] — orders" in text
        assert "[link=https://example.com]click[/link]" in text
        assert "Patrol [b]now[/b]" in text
        await confirm_orders(pilot, [0])
        text = screen_text(app)
        assert "[blink]Red warships[/blink] patrol [on red]now[/]." in text
        await pilot.press("d")
        await pilot.pause()
        await shows(pilot, "[bold red]Red[/]")
        assert app.is_running


async def test_command_palette_has_the_main_actions(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"toggle light")
        await pilot.pause(0.3)
        assert "Toggle light/dark theme" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "textual-light"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"new game")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "NewGameScreen"


async def test_load_a_save_from_the_menu(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    from wargame.deck.loader import load_deck

    done = Session.new(load_deck(TUTORIAL), {"red": "random", "blue": "random"}, seed=3, save_dir=saves)
    while not done.is_over:
        done.run_bots()
        done.resolve()
    (saves / "junk.json").write_text("{")
    app = make_app(saves)
    async with app.run_test(size=(100, 30)) as pilot:
        assert "Continue" not in screen_text(app)  # a finished game is not continued
        await pilot.press("l")
        await pilot.pause()
        assert screen_name(app) == "LoadSaveScreen"
        assert done.save_path is not None and done.save_path.name in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "EndScreen"
        assert app.session is not None and app.session.state_hash == done.state_hash
        await pilot.press("l")  # a bad file: a message, and the game stays
        await pilot.pause()
        path_input = app.screen.query_one("#save-path", Input)
        path_input.value = str(saves / "junk.json")
        path_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "EndScreen"
        assert any("Cannot load the save" == (n.title or "") for n in app._notifications)


@pytest.mark.parametrize("seat", ["doctrine:bully", "lookahead:easy"])
async def test_every_kind_of_computer_seat_plays_in_a_worker(tmp_path: Path, seat: str) -> None:
    pytest.importorskip(f"wargame.bots.{seat.split(':')[0]}")
    app: WargameApp = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": seat, "blue": "human"})
        assert screen_name(app) == "OrdersScreen"
        await confirm_orders(pilot, [0])
        assert screen_name(app) == "ResolutionScreen"
        assert app.session is not None and len(app.session.game.records) == 1
        assert app.session.game.records[0].reasons["red"]  # computers say why


async def test_orders_by_mouse(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        moves = app.screen.query_one("#moves", OptionList)
        await pilot.click(moves, offset=(4, 2))  # the second move: the missile test
        await pilot.pause()
        assert app.screen.picks == ["missile-test"]  # type: ignore[attr-defined]
        assert "Chance of success: 50%" in screen_text(app)  # its details are shown
        await pilot.click(moves, offset=(4, 1))  # one order a week: a click swaps the pick
        await pilot.pause()
        assert app.screen.picks == ["patrol"]  # type: ignore[attr-defined]
        await pilot.press("c")
        await pilot.pause()
        await pilot.click("#confirm")
        await settle(pilot)
        assert screen_name(app) == "ResolutionScreen"
        assert app.session is not None and app.session.game.records[0].orders["red"] == ("patrol",)


async def test_computers_think_in_a_worker_while_the_seat_chooses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wargame.play.control
    from wargame.bots.base import Decision, RandomBot

    release = threading.Event()

    class SlowBot(RandomBot):
        def decide(self, view, legal, allowed):  # type: ignore[no-untyped-def]
            # Blue thinks until the test lets it answer, however slow the machine is (the
            # finally below lets it go if the test fails first).
            release.wait()
            return Decision(("sanctions",), ("Slow but sure.",))

    monkeypatch.setattr(wargame.play.control, "make_bot", lambda spec, deck, actor, seed, **kw: SlowBot(seed))
    app = make_app(tmp_path / "saves")
    try:
        await _think_while_choosing(app, release)
    finally:
        release.set()


async def _think_while_choosing(app: WargameApp, release: threading.Event) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")  # the default seats: Red human, Blue a computer
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await past_briefing(pilot)
        assert screen_name(app) == "OrdersScreen" and app.thinking
        assert "BLUE … thinking" in screen_text(app)
        await pilot.press("space")  # the UI answers while Blue thinks
        await pilot.pause()
        assert app.screen.picks == ["patrol"]  # type: ignore[attr-defined]
        await pilot.press("c", "enter")
        await pilot.pause()
        assert screen_name(app) == "CurtainScreen"
        assert "choosing their orders" in screen_text(app)
        release.set()
        await settle(pilot)
        assert screen_name(app) == "ResolutionScreen"
        assert app.session is not None and app.session.game.records[0].orders["blue"] == ("sanctions",)


async def test_a_seat_cannot_open_the_facilitator_controls(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        await pilot.press("enter")
        await pilot.pause()
        await past_briefing(pilot)
        assert screen_name(app) == "OrdersScreen"
        app.action_facilitator()  # e.g. from the command palette
        await pilot.pause()
        assert screen_name(app) == "OrdersScreen"
        assert "Computer (random)" not in screen_text(app)


async def test_dashboard_from_a_dialog_shows_the_seat_view(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        await pilot.press("enter")  # Red's order sheet (past its briefing), then the review dialog
        await pilot.pause()
        await past_briefing(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert screen_name(app) == "ReviewScreen"
        app.action_dashboard()  # e.g. from the command palette
        await pilot.pause()
        assert screen_name(app) == "DashboardScreen"
        assert "Red's view" in screen_text(app)


async def test_ctrl_f_seats_a_facilitator_from_anywhere_on_the_new_game_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#seed", Input).focus()  # even while typing the seed
        await pilot.press("ctrl+f")
        app.screen.query_one("#facilitator-pin", Input).value = PIN
        await pilot.press("ctrl+s")
        await settle(pilot)
        # A facilitated game starts at the curtain (a seat's: it offers no facilitator key).
        assert screen_name(app) == "CurtainScreen"
        assert app.session is not None and app.session.facilitator and app.session.lock.locked


async def test_projector_shows_the_countdown_and_the_pause_and_the_pause_leaves_the_facilitator_in_view(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path / "saves", now=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"}, facilitator=True)
        session = app.session
        assert session is not None
        session.clock.start(120)
        app.action_start_clock()
        await pilot.press("v")
        await pilot.pause()
        assert screen_name(app) == "ProjectorScreen"
        text = screen_text(app)
        assert "2:00 left to give orders" in text
        assert " of 10" not in text and "/ 10" in text  # "Tension ... 3 / 10", never "Tension of 10"
        clock.t += 30
        app.tick()
        await pilot.pause()
        await shows(pilot, "1:30 left to give orders")
        app.action_pause()  # e.g. from the command palette: the facilitator's PIN first
        await pilot.pause()
        assert screen_name(app) == "PinScreen"
        app.screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "PAUSED BY THE FACILITATOR" in text and "Paused by the facilitator" in text
        await pilot.press("p")  # lifting it needs the PIN too
        await pilot.pause()
        app.screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await settle(pilot)
        assert "PAUSED" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await open_facilitator(pilot)
        assert screen_name(app) == "FacilitatorScreen"
        app.screen.query_one("#events", OptionList).focus()
        await pilot.press("p")
        await pilot.pause()
        assert screen_name(app) == "PauseScreen"
        text = screen_text(app)
        # The pause is a banner: the facilitator still sees their controls beneath it.
        assert "Paused by the facilitator" in text and "Seats and their sealed orders" in text


async def test_the_keys_help_closes_with_escape(tmp_path: Path) -> None:
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        assert screen_name(app) == "OrdersScreen"
        app.action_show_help_panel()
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("HelpPanel") and screen_name(app) == "OrdersScreen"


async def test_a_save_opens_off_the_ui_thread_and_esc_gives_up_waiting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import wargame.tui.app as app_module

    saves = tmp_path / "saves"
    app = make_app(saves)
    release = threading.Event()
    real_resume = app_module.Session.resume

    def slow_resume(path: Path) -> Session:
        release.wait(10)  # a huge save: the screen must stay alive meanwhile
        return real_resume(path)

    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"red": "human", "blue": "random"})
        assert app.session is not None and app.session.save_path is not None
        path = app.session.save_path
        app.action_show_start()
        await pilot.pause()
        monkeypatch.setattr(app_module.Session, "resume", staticmethod(slow_resume))
        app.load(path)
        await pilot.pause()
        assert screen_name(app) == "OpeningScreen" and "Opening the saved game" in screen_text(app)
        await pilot.press("escape")  # the way out
        await pilot.pause()
        assert screen_name(app) == "StartScreen"
        release.set()
        await settle(pilot)
        assert screen_name(app) == "StartScreen" and app.session is None  # the late result is ignored
        monkeypatch.setattr(app_module.Session, "resume", staticmethod(real_resume))
        app.load(path)
        await settle(pilot)
        assert app.session is not None and screen_name(app) in {"OrdersScreen", "CurtainScreen"}


async def test_a_long_actor_name_keeps_its_seat_row_to_one_line(tmp_path: Path) -> None:
    # The seat names' column widens to the longest name, up to 22 cells: a name that fits is
    # shown in full; a longer one by the actor's short name (RED), never cut; each row one line.
    for number, (name, shown) in enumerate(
        [("Red Harbour Republic", "Red Harbour Republic"), ("The Democratic Republic of the Red Harbour and its Islands", "RED")]
    ):
        deck = tmp_path / f"decks{number}" / "long.toml"
        deck.parent.mkdir()
        text = TUTORIAL.read_text(encoding="utf-8").replace('name = "Red"', f'name = "{name}"', 1)
        assert name in text
        deck.write_text(text, encoding="utf-8")
        app = make_app(tmp_path / f"saves{number}", deck=deck)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("n")
            await pilot.pause()
            lines = screen_lines(app)
            row = next(i for i, line in enumerate(lines) if "Human" in line)
            assert lines[row].lstrip().startswith(f"{shown} ") and lines[row + 1].lstrip().startswith("Blue")
            assert "Democratic" not in lines[row]  # the short name, not a cut long one


async def test_the_screenshot_goes_beside_the_saves_when_there_is_no_downloads_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wargame.tui.app as app_module

    monkeypatch.setattr(app_module, "user_downloads_path", lambda: tmp_path / "no-such-downloads")
    app = make_app(tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        written = app.deliver_screenshot()  # what the palette's Screenshot calls
        await pilot.pause()
        assert written is not None and Path(written).parent == tmp_path / "saves" and Path(written).read_text().startswith("<svg")
        assert any(f"Saved a screenshot to {written}" in n.message for n in app._notifications)
        (tmp_path / "blocked").write_text("a file, not a folder")
        assert app.deliver_screenshot(path=str(tmp_path / "blocked")) is None
        await pilot.pause()
        assert any("Could not save the screenshot in" in n.message for n in app._notifications)
