"""Who wrote each message and when, on the messages and team screens; what the sealer's
seal dialog shows before they confirm; and the facilitator's cap for one seat's team. At
80x24, the smallest screen a classroom laptop or browser tab gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, Select, Static
from tui_helpers import MemberClient, screen_text, titled_app

from tests.conftest import DECKS
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer, as_viewer
from wargame.play.client import LocalClient
from wargame.play.commands import (
    Agree,
    Comment,
    Object,
    Orders,
    Propose,
    SendMessage,
)
from wargame.play.control import Session
from wargame.tui.render import clock_time
from wargame.tui.screens.facilitator import FacilitatorScreen
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.screens.review import ReviewScreen
from wargame.tui.screens.talk import TalkScreen, message_block
from wargame.tui.screens.team import TeamScreen, note_line

CHANNELS = '''

[[channels]]
name = "statements"
title = "Public statements"
public = true

[[channels]]
name = "allies"
title = "Allies"
members = ["us", "rok"]
'''

MEMBERS = {"us": ["Ana", "Ben"], "china": ["Li", "Wu"]}
"""Seats played by teams of named members; the other two are played by one keyboard each."""


@pytest.fixture(scope="module")
def channelled() -> CompiledDeck:
    text = (DECKS / "korea-2022.toml").read_text(encoding="utf-8") + CHANNELS
    return load_deck_text(text, "korea-channels.toml")


@pytest.fixture(scope="module")
def korea(decks: dict[str, CompiledDeck]) -> CompiledDeck:
    return decks["korea-2022"]


def teams_session(deck: CompiledDeck) -> Session:
    session = Session.new(deck, dict.fromkeys(deck.actors, "human"), seed=3, save_dir=None)  # writes no save
    for seat, names in MEMBERS.items():
        for name in names:
            session.join_team(seat, name)
    return session


SEATS = ["dprk", "us", "rok", "china"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(traffic=st.lists(st.tuples(
    st.sampled_from([*SEATS, "facilitator"]), st.integers(0, 2), st.sampled_from(["direct", "statements", "allies"]),
    st.lists(st.sampled_from(SEATS), max_size=3), st.booleans(), st.booleans()), max_size=20))
def test_a_viewer_is_shown_only_its_own_messages_each_with_its_real_author(
    channelled: CompiledDeck, traffic: list[tuple[str, int, str, list[str], bool, bool]],
) -> None:
    """Random traffic between seats (some played by named members, who also talk inside
    their team), rendered as the messages and team screens render it for every viewer:
    nobody reads a message of a channel or team they are not on, every message they may
    read is there, and each names the author who really wrote it (the member and the seat;
    a seat's name alone when nobody signed it)."""
    session = teams_session(channelled)
    authors: dict[str, str] = {}
    """A message's words to the author a reader should be shown, from what was sent."""
    sent: dict[str, tuple[str, str, tuple[str, ...], bool]] = {}
    team_said: dict[str, str] = {}
    for n, (sender, who, channel, to, in_team, resolve) in enumerate(traffic):
        names = MEMBERS.get(sender, [])
        member = names[who] if who < len(names) else ""  # index 2: a name not on the team
        if in_team and names:
            word = f"team{n}"
            if session.apply(sender, Comment(text=word), names[who % len(names)]).ok:
                team_said[word] = sender
        word = f"msg{n}"
        if session.apply(sender, SendMessage(channel=channel, to=to, text=word), member).ok:
            m = session.talk.messages[-1]
            seat = "The facilitator" if sender == "facilitator" else channelled.actor_name(sender)
            authors[word] = f"{member} ({seat})" if member else seat
            sent[word] = (sender, channel, m.to, m.public)
        if resolve and not session.is_over:
            session.resolve_now()
    for viewer in [*(Viewer.seat(a) for a in SEATS), PUBLIC, FACILITATOR_VIEWER]:
        obs = session.observe(viewer)
        titles = {c.name: c.title for c in obs.channels}
        blocks = [message_block(m, obs, titles).plain for m in obs.messages]
        notes = [note_line(n, obs.game.turn_name).plain for t in obs.teams for n in t.notes]
        shown = set()
        for block in blocks:
            (word,) = re.findall(r"^msg\d+$", block, re.MULTILINE)
            sender, channel, to, public = sent[word]
            members = next(c.members for c in channelled.channels if c.name == channel)
            if not viewer.is_facilitator:
                assert public or (viewer.actor in members and (viewer.actor == sender or viewer.actor in to)), (viewer, word)
            assert block.startswith(f"{authors[word]} → "), (block, authors[word])
            shown.add(word)
        reads = {w for w, (sender, _c, to, public) in sent.items()
                 if viewer.is_facilitator or public or viewer.actor == sender or viewer.actor in to}
        assert shown == reads, viewer
        said = {w for line in notes for w in re.findall(r"team\d+", line)}
        assert said == {w for w, seat in team_said.items() if viewer.is_facilitator or viewer.actor == seat}, viewer


async def test_the_messages_screen_names_the_member_and_the_time_at_80_columns(korea: CompiledDeck) -> None:
    session = teams_session(korea)
    assert session.apply("us", SendMessage(channel="direct", to=["china", "rok"], text="Talks in Geneva?"), "Ben").ok
    assert session.apply("rok", SendMessage(channel="direct", to=["us"], text="We are in.")).ok
    clock = clock_time(session.talk.messages[0].at)
    app = titled_app(lambda: TalkScreen(MemberClient(session, "Li"), as_viewer("china", korea)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)  # type: ignore[arg-type]
        lines = text.splitlines()
        # Who (the member, for their seat), to whom, when (the turn and the clock) and where.
        assert any(line.strip() == f"Ben (United States) → ROK, PRC  month 1 · {clock} · Direct messages" for line in lines), text
        assert "Talks in Geneva?" in text
        assert "We are in." not in text  # sent to the United States only
        assert all(len(line) <= 80 for line in lines)


def test_a_header_too_long_for_the_screen_breaks_before_the_when(korea: CompiledDeck) -> None:
    session = teams_session(korea)
    assert session.apply("us", SendMessage(channel="direct", text="To all."), "Ben").ok
    obs = session.observe("facilitator")
    clock = clock_time(session.talk.messages[0].at)
    block = message_block(obs.messages[0], obs, {"direct": "Direct messages"}, width=50).plain
    assert block.splitlines() == ["Ben (United States) → DPRK, ROK, PRC", f"month 1 · {clock} · Direct messages", "To all."]
    wide = message_block(obs.messages[0], obs, {"direct": "Direct messages"}, width=120).plain
    assert wide.splitlines()[0] == f"Ben (United States) → DPRK, ROK, PRC  month 1 · {clock} · Direct messages"


async def test_the_team_screen_says_when_each_word_was_said(korea: CompiledDeck) -> None:
    session = teams_session(korea)
    moves = [m.id for m in session.game.available_moves("us") if m.answer is None]
    assert session.apply("us", Propose(orders=[moves[0]]), "Ben").ok
    assert session.apply("us", Object(proposal=1, text="too soon"), "Ana").ok
    assert session.apply("us", Comment(text="then what?"), "Ben").ok
    clock = clock_time(session.talk.teams["us"].notes[0].at)
    app = titled_app(lambda: TeamScreen(MemberClient(session, "Ana"), as_viewer("us", korea)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)  # type: ignore[arg-type]
        assert f"#1 Ben, {clock}: " in text
        assert f"month 1 · {clock}  Ana objects (on #1): too soon" in text
        assert f"month 1 · {clock}  Ben: then what?" in text


async def test_the_seal_dialog_shows_the_proposal_and_the_split_before_the_sealer_confirms(korea: CompiledDeck) -> None:
    session = teams_session(korea)
    session.join_team("us", "Cy")
    moves = [m.id for m in session.game.available_moves("us") if m.answer is None]
    assert session.apply("us", Propose(orders=[moves[0]], text="now"), "Ben").ok
    assert session.apply("us", Propose(orders=[moves[1]]), "Cy").ok
    assert session.apply("us", Object(proposal=1, text="risky"), "Cy").ok
    client = MemberClient(session, "Ana")  # the first to join seals
    app = titled_app(lambda: OrdersScreen(client, "us"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OrdersScreen)
        screen.picks = [moves[0]]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)  # type: ignore[arg-type]
        preview = str(app.screen.query_one("#review-team-text", Static).render())
        assert "These are #1, proposed by Ben at " in preview
        # Ana seals Ben's proposal: she agrees with it by sealing; Cy objected.
        assert "The seal records the team split 2–1: agreed Ana, Ben; objected Cy." in preview
        assert "Other proposals this month:" in preview and "#2 Cy" in preview
        # At 80x24 the buttons stay in view under the preview.
        assert "Confirm (Enter)" in text and "Back (Esc)" in text
        await pilot.press("escape")
    # The split the seal kept is the one previewed.
    assert session.apply("us", Orders(turn=1, orders=[moves[0]]), "Ana").ok
    (seal,) = [n for n in session.talk.teams["us"].notes if n.kind == "seal"]
    assert (seal.proposal, seal.agreed, seal.objected) == (1, ("Ana", "Ben"), ("Cy",))


async def test_the_seal_dialog_says_when_no_proposal_matches(korea: CompiledDeck) -> None:
    session = teams_session(korea)
    moves = [m.id for m in session.game.available_moves("us") if m.answer is None]
    assert session.apply("us", Propose(orders=[moves[0]]), "Ben").ok
    assert session.apply("us", Agree(proposal=1), "Ana").ok
    app = titled_app(lambda: OrdersScreen(MemberClient(session, "Ana"), "us"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OrdersScreen)
        screen.picks = [moves[2]]
        await pilot.press("c")
        await pilot.pause()
        preview = str(app.screen.query_one("#review-team-text", Static).render())
        assert "No proposal this month has exactly these orders" in preview
        assert "The seal records the team split 1–0: agreed Ana; objected nobody; no word from Ben." in preview
        assert "#1 Ben" in preview  # the proposal passed over is still in view


async def test_a_seat_without_a_team_seals_as_before(korea: CompiledDeck) -> None:
    session = Session.new(korea, dict.fromkeys(korea.actors, "human"), seed=3, save_dir=None)
    app = titled_app(lambda: OrdersScreen(LocalClient(session), "us"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and not app.screen.query("#review-team")


async def test_the_console_caps_one_seats_team(korea: CompiledDeck) -> None:
    session = teams_session(korea)
    session.room_extra = lambda viewer: {"hosted": True}
    app = titled_app(lambda: FacilitatorScreen(LocalClient(session)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        console = app.screen
        await pilot.press("T")
        assert app.focused is console.query_one("#sealer-seat", Select)
        console.query_one("#team-cap", Input).value = "3"
        console.query_one("#set-seat-cap").press()  # type: ignore[attr-defined]
        await pilot.pause()
        assert session.talk.seat_caps == {}  # no seat chosen: nothing capped
        console.query_one("#sealer-seat", Select).value = "us"
        console.query_one("#set-seat-cap").press()  # type: ignore[attr-defined]
        await pilot.pause()
        assert (session.talk.team_cap, session.talk.seat_caps) == (6, {"us": 3})
        console._game_changed()  # type: ignore[attr-defined]  # (the app tells a screen the game changed)
        await pilot.pause()
        assert "at most 6 members a seat; US 3" in str(console.query_one("#fac-teams", Static).render())
        console.query_one("#team-cap", Input).value = "4"
        console.query_one("#set-cap").press()  # type: ignore[attr-defined]
        await pilot.pause()
        assert (session.talk.team_cap, session.talk.seat_caps) == (4, {})


async def test_the_seal_dialog_of_a_member_alone_on_the_team_reads_naturally(korea: CompiledDeck) -> None:
    # A team of one read "No proposal ... sealing them, you agree to your own" and "the team
    # split 1–0": nobody else to propose or to agree with.
    session = Session.new(korea, dict.fromkeys(korea.actors, "human"), seed=3, save_dir=None)
    session.join_team("us", "Ana")
    moves = [m.id for m in session.game.available_moves("us") if m.answer is None]
    assert session.apply("us", Propose(orders=[moves[0]]), "Ana").ok
    app = titled_app(lambda: OrdersScreen(MemberClient(session, "Ana"), "us"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OrdersScreen)
        for picks, first in (([moves[2]], "You are the team's only member so far"), ([moves[0]], "These are #1, proposed by you at ")):
            screen.picks = picks
            await pilot.press("c")
            await pilot.pause()
            preview = str(app.screen.query_one("#review-team-text", Static).render())
            assert preview.splitlines()[1].startswith(first), preview
            assert "You are the team's only member so far: the seal records these orders as yours alone." in preview
            assert "No proposal" not in preview and "split" not in preview
            await pilot.press("escape")
            await pilot.pause()


async def test_the_seal_record_names_the_proposal_and_who_proposed_it(decks: dict[str, CompiledDeck], tmp_path: Path) -> None:
    # The trial's replay read "Ana sealed: Naval patrol · the team split 2–0" three lines
    # under two proposals of other orders: which one was sealed, and whose, was left to guess.
    from tui_helpers import TUTORIAL, settle

    from wargame.play.debrief import Debrief
    from wargame.play.timeline import SavedGame
    from wargame.report.data import build_report
    from wargame.report.templates import render_report
    from wargame.saves.store import read_save
    from wargame.tui.app import WargameApp
    from wargame.tui.screens.replay import ReplayScreen

    tutorial = decks["tutorial"]
    session = Session.new(tutorial, {"red": "human", "blue": "random"}, seed=3, save_dir=tmp_path)
    for name in ("Ana", "Ben"):
        session.join_team("red", name)
    assert session.apply("red", Propose(orders=["talks-offer"]), "Ben").ok
    assert session.apply("red", Propose(orders=["patrol"]), "Ben").ok
    assert session.apply("red", Orders(turn=1, orders=["patrol"]), "Ana").ok
    session.resolve_now()
    assert session.save_path is not None
    (team,) = session.observe("red").teams
    seal = team.splits()[0]
    assert note_line(seal, team=team).plain.startswith("Ana sealed Ben's proposal #2: Naval patrol  ·  the team split 2–0")
    assert note_line(seal).plain.startswith("Ana sealed #2: Naval patrol")  # without the team's notes: the number alone
    save = read_save(session.save_path)
    report = render_report(build_report(save, "red"), "markdown")
    assert "Sealed by Ana, on Ben's proposal; agreed: Ana, Ben; objected: nobody; 2 proposals weighed." in report
    assert Debrief(SavedGame(save)).turn("red", 1).team  # the debrief's turn holds the team's notes
    app = WargameApp(None, tmp_path, replay=session.save_path, decks_dirs=[TUTORIAL.parent])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReplayScreen)
        assert "1 week · " in screen_text(app)  # not "1 weeks"
        text = str(app.screen.query_one("#turn-text", Static).render())
        assert "The team's discussion" in text and "Ben proposed #2: Naval patrol" in text
        # Red's own view: every line is Red's, so none is led by the team's name.
        said = [line for line in text.splitlines() if "Ben proposed #" in line or "Ana sealed " in line]
        assert len(said) == 3 and all(line.startswith("week 1") for line in said), said  # not "RED: week 1 · ..."
        assert "Ana sealed Ben's proposal #2: Naval patrol  ·  the team split 2–0 (agreed: Ana, Ben; objected: nobody)" in text
