"""Letters on the team and messages screens: typed in a box they are words, never keys. On
the team screen `a` agrees and `o` objects only on the proposals (Tab takes the keyboard
there, and the footer says so), and every action hands the keyboard back to the box, so a
member who objects and then writes a sentence full of a's and o's sends that sentence and
nothing else. One screen serves a hosted member's terminal or tab and a local seat. At
80x24, the smallest screen a classroom laptop or browser tab gives."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input
from tui_helpers import MemberClient, screen_lines, titled_app

from wargame.deck.compile import CompiledDeck
from wargame.observe.visibility import as_viewer
from wargame.play.commands import Propose
from wargame.play.control import Session
from wargame.tui.screens.talk import TalkScreen
from wargame.tui.screens.team import TeamScreen

SENTENCE = "ok, a good plan also has a way out: who talks to Moscow or Tokyo?"
"""A comment full of the letters that agree (a) and object (o) on the proposals."""


@pytest.fixture(scope="module")
def korea(decks: dict[str, CompiledDeck]) -> CompiledDeck:
    return decks["korea-2022"]


def team_of_two(deck: CompiledDeck) -> Session:
    session = Session.new(deck, dict.fromkeys(deck.actors, "human"), seed=3, save_dir=None)  # writes no save
    for name in ("Ana", "Ben"):
        session.join_team("us", name)
    moves = [m.id for m in session.game.available_moves("us") if m.answer is None]
    assert session.apply("us", Propose(orders=[moves[0]], text="now"), "Ben").ok
    return session


def footer(app: object) -> str:
    lines = screen_lines(app)  # type: ignore[arg-type]
    return lines[-1]


def said(session: Session) -> list[tuple[str, str, str, int | None]]:
    return [(n.kind, n.member, n.text, n.proposal) for n in session.talk.teams["us"].notes]


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


async def test_a_sentence_typed_after_an_objection_is_sent_as_words(korea: CompiledDeck) -> None:
    session = team_of_two(korea)
    client = MemberClient(session, "Ana")
    app = titled_app(lambda: TeamScreen(client, as_viewer("us", korea)), client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#team-text", Input)
        # The screen opens on the box; the footer says Tab reaches the proposals.
        assert app.focused is box
        assert "tab Agree or object" in footer(app) and "a Agree" not in footer(app)
        await pilot.press("tab")
        assert app.focused is screen.query_one("#team-proposals")
        assert "a Agree" in footer(app) and "o Object" in footer(app) and "tab Write" in footer(app)
        # o asks why in the box; the reason is words; Enter sends the objection.
        await pilot.press("o")
        assert app.focused is box and "Why do you object to #1?" in str(box.placeholder)
        assert "esc Do not object" in footer(app)
        await type_text(pilot, "too soon")
        await pilot.press("enter")
        await pilot.pause()
        assert said(session)[1:] == [("object", "Ana", "too soon", 1)]
        # The keyboard stays in the box: the sentence that follows is a comment, nothing else.
        assert app.focused is box and "Write a comment" in str(box.placeholder)
        assert "tab Agree or object" in footer(app)
        await type_text(pilot, SENTENCE)
        assert box.value == SENTENCE
        await pilot.press("enter")
        await pilot.pause()
        assert said(session)[1:] == [("object", "Ana", "too soon", 1), ("comment", "Ana", SENTENCE, 1)]
        assert app.focused is box and box.value == ""
        # The screen followed the game: the objection is on the proposal and in the log.
        text = "\n".join(screen_lines(app))  # type: ignore[arg-type]
        assert "object: Ana" in text and "Ana objects (on #1): too soon" in text
        assert all(len(line) <= 80 for line in screen_lines(app))  # type: ignore[arg-type]


async def test_after_agreeing_the_keyboard_is_back_in_the_box(korea: CompiledDeck) -> None:
    session = team_of_two(korea)
    client = MemberClient(session, "Ana")
    app = titled_app(lambda: TeamScreen(client, as_viewer("us", korea)), client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#team-text", Input)
        await pilot.press("tab", "a")
        await pilot.pause()
        assert said(session)[1:] == [("agree", "Ana", "", 1)]
        assert app.focused is box
        assert any("You agree with #1." in line for line in screen_lines(app))  # type: ignore[arg-type]
        await type_text(pilot, SENTENCE)
        await pilot.press("enter")
        await pilot.pause()
        assert said(session)[1:] == [("agree", "Ana", "", 1), ("comment", "Ana", SENTENCE, 1)]
        # Esc while the box asks why takes the objection back and leaves the keyboard in the box.
        await pilot.press("tab", "o", "escape")
        assert app.focused is box and "Write a comment" in str(box.placeholder)
        assert isinstance(app.screen, TeamScreen) and "esc Back" in footer(app)
        await type_text(pilot, "no objection after all")
        await pilot.press("enter")
        await pilot.pause()
        assert [k for k, *_ in said(session)] == ["propose", "agree", "comment", "comment"]
        # Esc with nothing to take back leaves the screen.
        await pilot.press("escape")
        assert not isinstance(app.screen, TeamScreen)


async def test_with_no_proposal_the_screen_says_where_proposals_come_from(korea: CompiledDeck) -> None:
    session = Session.new(korea, dict.fromkeys(korea.actors, "human"), seed=3, save_dir=None)
    session.join_team("us", "Ana")
    client = MemberClient(session, "Ana", hosted=False)  # a local seat's team: the same screen
    app = titled_app(lambda: TeamScreen(client, as_viewer("us", korea)), client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#team-text", Input)
        assert "No proposal this month yet: p on the orders screen proposes your picks." in screen_lines(app)[2]  # type: ignore[arg-type]
        # No empty frame for the proposals, and no Tab to them in the footer.
        assert not app.screen.query_one("#team-proposals").display and "tab" not in footer(app)
        await pilot.press("tab")
        assert app.focused is box
        await type_text(pilot, "any ideas, anyone?")
        await pilot.press("enter")
        await pilot.pause()
        assert said(session) == [("comment", "Ana", "any ideas, anyone?", None)]
        # A proposal arrives: the screen follows, and Tab reaches it.
        moves = [m.id for m in session.game.available_moves("us") if m.answer is None]
        assert session.apply("us", Propose(orders=[moves[0]]), "Ana").ok
        await pilot.pause()
        assert app.screen.query_one("#team-proposals").display and "tab Agree or object" in footer(app)
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#team-proposals")


async def test_the_messages_screen_keeps_the_keyboard_in_its_box(korea: CompiledDeck) -> None:
    session = team_of_two(korea)
    client = MemberClient(session, "Ana")
    app = titled_app(lambda: TalkScreen(client, as_viewer("us", korea)), client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#talk-text", Input)
        assert app.focused is box
        for text in ("Talks in Geneva?", SENTENCE):
            await type_text(pilot, text)
            await pilot.press("enter")
            await pilot.pause()
            assert app.focused is box and box.value == ""
        assert [m.text for m in session.talk.messages] == ["Talks in Geneva?", SENTENCE]
        assert isinstance(app.screen, TalkScreen) and app.screen.query_one(Footer)


async def test_up_and_down_in_the_box_choose_the_proposal_a_comment_and_a_key_are_on(korea: CompiledDeck) -> None:
    session = team_of_two(korea)
    moves = [m.id for m in session.game.available_moves("us") if m.answer is None]
    assert session.apply("us", Propose(orders=[moves[1]]), "Ben").ok
    client = MemberClient(session, "Ana")
    app = titled_app(lambda: TeamScreen(client, as_viewer("us", korea)), client)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#team-text", Input)
        await pilot.press("down", "down")  # past the last one: stays on it
        await type_text(pilot, "a better one")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("tab", "o", *"no", "enter")
        await pilot.pause()
        await pilot.press("up")
        assert app.focused is box
        await pilot.press("tab", "a")
        await pilot.pause()
        assert said(session)[2:] == [("comment", "Ana", "a better one", 2), ("object", "Ana", "no", 2), ("agree", "Ana", "", 1)]
