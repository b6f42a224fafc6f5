"""Targeted moves and offers played through the terminal UI with Pilot, keys only.

Alpha offers talks to Bravo (a target chosen in the picker), Charlie makes Alpha a secret
backchannel offer; next turn the recipients answer in the "Offers waiting for your answer"
section, which uses no order. Bravo never sees a trace of the backchannel.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static
from tui_helpers import (
    PIN,
    ROOT,
    make_app,
    new_game,
    screen_name,
    screen_text,
    settle,
    shows,
    to_orders,
)

from wargame.saves.store import read_save, verify
from wargame.tui.app import WargameApp

OFFERS = ROOT / "tests" / "decks_format" / "offers.toml"
SIZES = [(80, 24), (120, 40)]
SECRET = ("Backchannel", "backchannel", "Charlie's deal", "Charlie's offer")
"""Words of the secret offer between Charlie and Alpha (its name, its answers' news)."""


def offers_app(save_dir: Path, deck: Path = OFFERS, seed: int = 3) -> WargameApp:
    return make_app(save_dir, deck=deck, decks_dirs=[deck.parent], seed=seed)


def assert_no_secret(text: str) -> None:
    for word in SECRET:
        assert word not in text, f"{word!r} shown to Bravo:\n{text}"


async def seal(pilot) -> None:  # type: ignore[no-untyped-def]
    """Review and confirm the orders on screen."""
    await pilot.press("c")
    await pilot.pause()
    assert screen_name(pilot.app) == "ReviewScreen"
    await pilot.press("enter")
    await settle(pilot)


async def pass_to(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    assert f"Pass to {name}" in screen_text(pilot.app)
    await pilot.press("enter")
    await pilot.pause()
    await to_orders(pilot)
    assert screen_name(pilot.app) == "OrdersScreen"


async def first_turn(pilot) -> None:  # type: ignore[no-untyped-def]
    """Alpha offers talks to Bravo, Bravo stands pat, Charlie makes the secret offer."""
    app = pilot.app
    await pass_to(pilot, "Alpha")
    text = screen_text(app)
    # A targeted move is listed once, without a target; answers are not moves.
    assert text.count("Offer talks to") == 1 and "Accept" not in text
    await pilot.press("down", "enter")  # Offer talks to … → the picker
    await pilot.pause()
    assert screen_name(app) == "TargetPickerScreen"
    picker = screen_text(app)
    assert "Target: Offer talks to …" in picker and "Bravo" in picker and "Charlie" in picker
    await pilot.press("enter")  # Bravo, the first target
    await pilot.pause()
    assert screen_name(app) == "OrdersScreen"
    assert "Orders: Offer talks to Bravo" in screen_text(app)
    await pilot.press("c")
    await pilot.pause()
    await shows(pilot, "1. Offer talks to Bravo")
    await pilot.press("enter")
    await settle(pilot)

    await pass_to(pilot, "Bravo")
    text = screen_text(app)
    assert_no_secret(text)
    assert "Accept" not in text and "Refuse" not in text  # no offer to answer: no answers
    await seal(pilot)

    await pass_to(pilot, "Charlie")
    await pilot.press("enter")  # Backchannel deal with … (its only target: Alpha)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await shows(pilot, "Orders: Backchannel deal with Alpha")
    await seal(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_an_offer_made_through_the_picker_is_accepted_next_turn(tmp_path: Path, size: tuple[int, int]) -> None:
    app = offers_app(tmp_path / "saves")
    async with app.run_test(size=size) as pilot:
        await new_game(pilot, {"a": "human", "b": "human", "c": "human"})
        await first_turn(pilot)
        assert screen_name(app) == "ResolutionScreen"
        results = screen_text(app)  # the room's results: public
        assert "Alpha: Offer talks to Bravo" in results
        assert_no_secret(results)
        await pilot.press("enter")
        await settle(pilot)

        # Alpha: the secret offer waits for its answer, in a section of its own, first.
        await pass_to(pilot, "Alpha")
        text = screen_text(app)
        assert "Offers waiting for your answer" in text
        assert "Charlie: Backchannel deal with Alpha" in text
        own = str(app.screen.query_one("#own-offers", Static).render())  # wrapped at 80×24
        assert "Your offer to Bravo: waiting, answer due by turn 3" in own
        # The offer it made waits: the picker says so for Bravo; Esc changes nothing.
        await pilot.press("tab", "down", "enter")  # to the moves, Offer talks to …
        await pilot.pause()
        assert screen_name(app) == "TargetPickerScreen"
        assert "Bravo — your offer is still waiting for an answer" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert screen_name(app) == "OrdersScreen" and "Orders: none yet" in screen_text(app)
        await pilot.press("shift+tab", "r")  # back to the offers; refuse
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        review = screen_text(app)
        assert "Answers to offers" in review and "Refuse — Charlie's offer: Backchannel deal with Alpha" in review
        assert "you stand pat" in review  # the answer used no order
        await pilot.press("enter")
        await settle(pilot)

        # Bravo answers through the dialog: what each answer does, in plain words.
        await pass_to(pilot, "Bravo")
        text = screen_text(app)
        assert "Offers waiting for your answer" in text and "Alpha: Offer talks to Bravo" in text
        assert_no_secret(text)
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "AnswerScreen"
        dialog = screen_text(app)
        assert "Accept (a): Tension −2" in dialog and "Refuse (r): Tension +1" in dialog
        assert_no_secret(dialog)
        await pilot.press("a")
        await pilot.pause()
        await shows(pilot, "Answers: Alpha's offer: accept")
        await pilot.press("c")
        await pilot.pause()
        await shows(pilot, "Accept — Alpha's offer: Offer talks to Bravo")
        await pilot.press("enter")
        await settle(pilot)

        await pass_to(pilot, "Charlie")
        await seal(pilot)
        assert screen_name(app) == "ResolutionScreen"
        results = screen_text(app)
        assert "Bravo accepts talks." in results and "Calm" in results
        assert_no_secret(results)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "EndScreen"

        session = app.session
        assert session is not None and session.save_path is not None
        save = read_save(session.save_path)
        assert save.history[0].orders == {"a": ["talks@b"], "b": [], "c": ["backchannel@a"]}
        assert save.history[1].orders == {"a": ["backchannel@a/refuse"], "b": ["talks@b/accept"], "c": []}
        assert verify(save).ok


async def test_one_move_against_two_targets_in_a_turn(tmp_path: Path) -> None:
    deck = tmp_path / "decks" / "offers.toml"
    deck.parent.mkdir()
    deck.write_text(OFFERS.read_text().replace('name = "Alpha"', 'name = "Alpha"\norders_per_turn = 2'))
    app = offers_app(tmp_path / "saves", deck)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot, {"a": "human", "b": "random", "c": "random"})
        assert screen_name(app) == "OrdersScreen"
        await pilot.press("enter", "enter")  # Warn … → Bravo
        await pilot.pause()
        await pilot.press("enter")  # Warn … again: Bravo is ticked; Charlie is next
        await pilot.pause()
        await shows(pilot, "[x] Bravo")
        await pilot.press("down", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Orders: Warn Bravo, Warn Charlie  (2 of 2)" in text
        assert "[x] Warn Bravo and Charlie" in text
        await pilot.press("down", "enter", "enter")  # a third order is one too many
        await pilot.pause()
        await shows(pilot, "Orders: Warn Bravo, Warn Charlie  (2 of 2)")
        await pilot.press("c")
        await pilot.pause()
        review = screen_text(app)
        assert "1. Warn Bravo" in review and "2. Warn Charlie" in review
        await pilot.press("enter")
        await settle(pilot)
        assert app.session is not None
        assert app.session.game.records[0].orders["a"] == ("warn@b", "warn@c")


async def test_the_picker_by_mouse(tmp_path: Path) -> None:
    app = offers_app(tmp_path / "saves")
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot, {"a": "human", "b": "random", "c": "random"})
        moves = app.screen.query_one("#moves", OptionList)
        await pilot.click(moves, offset=(4, 2))  # the second line: Offer talks to …
        await pilot.pause()
        assert screen_name(app) == "TargetPickerScreen"
        await pilot.click("#targets", offset=(4, 2))  # Charlie
        await pilot.pause()
        assert screen_name(app) == "OrdersScreen"
        assert app.screen.picks == ["talks@c"]  # type: ignore[attr-defined]
        await pilot.click(moves, offset=(4, 2))
        await pilot.pause()
        await pilot.click("#cancel")
        await pilot.pause()
        assert screen_name(app) == "OrdersScreen" and app.screen.picks == ["talks@c"]  # type: ignore[attr-defined]


async def test_the_facilitator_sees_every_offer_and_the_room_only_public_ones(tmp_path: Path) -> None:
    app = offers_app(tmp_path / "saves")
    async with app.run_test(size=(120, 40)) as pilot:
        await new_game(pilot, {"a": "human", "b": "human", "c": "human"}, facilitator=True)
        await first_turn(pilot)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        # Turn 2: Alpha leaves the secret offer unanswered (told it then expires); Bravo accepts.
        await pass_to(pilot, "Alpha")
        await pilot.press("c")
        await pilot.pause()
        review = str(app.screen.query_one(".dialog-body", Static).render())  # wrapped on screen
        assert "No answer yet — Charlie's offer: Backchannel deal with Alpha (it expires after this turn)" in review
        await pilot.press("enter")
        await settle(pilot)
        await pass_to(pilot, "Bravo")
        await pilot.press("a")
        await seal(pilot)
        await pass_to(pilot, "Charlie")
        await seal(pilot)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "FacilitatorScreen"
        text = screen_text(app)
        assert "Alpha's offer to Bravo: waiting, answer due by turn 3" in text
        assert "Charlie's offer to Alpha: waiting, answer due by turn 2" in text
        assert "Bravo has sealed: accept" in text and "Alpha has sealed no answer" in text
        assert "answer to an offer: no order used" in text
        await pilot.press("v")
        await pilot.pause()
        assert screen_name(app) == "ProjectorScreen"
        room = screen_text(app)
        assert "Alpha's offer to Bravo: waiting" in room
        assert_no_secret(room)


async def test_the_replay_viewer_shows_answers_and_expiries(tmp_path: Path) -> None:
    from wargame.deck.loader import load_deck
    from wargame.engine.game import Game
    from wargame.observe.visibility import Viewer
    from wargame.saves.store import new_save, write_save
    from wargame.tui.screens.replay import ReplayScreen

    deck = load_deck(OFFERS)
    game = Game(deck, 3)
    turns = [
        {"a": ["talks@b"], "b": [], "c": ["backchannel@a"]},
        {"a": [], "b": [], "c": []},  # nobody answers: the backchannel expires
        {"a": [], "b": ["talks@b/refuse"], "c": []},
    ]
    for orders in turns:
        for actor, moves in orders.items():
            game.submit(actor, moves)
        game.resolve()
    path = tmp_path / "offers.json"
    write_save(new_save(game, dict.fromkeys(deck.actors, "human")), path)
    app = WargameApp(None, tmp_path, replay=path, decks_dirs=[OFFERS.parent])
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await pilot.press("right")
        await pilot.pause()
        turn = str(screen.query_one("#turn-text", Static).render())
        assert "Charlie's offer to Alpha expires unanswered" in turn
        assert "Charlie's offer to Alpha: expired unanswered after turn 2" in turn
        assert "Alpha's offer to Bravo: waiting, answer due by turn 3" in turn
        await pilot.press("right")
        await pilot.pause()
        turn = str(screen.query_one("#turn-text", Static).render())
        assert "Refuse Alpha's offer (Offer talks to Bravo)" in turn  # the answer, among the orders
        assert "Alpha's offer to Bravo: refused in turn 3" in turn
        screen.set_viewer(Viewer.seat("b"))
        await pilot.pause()
        for step in ("home", "right", "right"):
            await pilot.press(step)
            await pilot.pause()
            assert_no_secret(str(screen.query_one("#turn-text", Static).render()))
        assert "Alpha's offer to you: refused in turn 3" in str(screen.query_one("#turn-text", Static).render())
