"""Messages between seats through the one controller: who reads what (live, in the save, the
debrief and every report perspective), closed and muted channels, and that talk never
touches the game (same hashes, a save without talk written as before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DECKS, korea_channels
from wargame.bots.agent import parse_answer
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.errors import DeckError, WargameError
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.commands import MuteChannel, PostAsThirdParty, SendMessage
from wargame.play.control import Session
from wargame.play.debrief import Debrief
from wargame.play.timeline import SavedGame
from wargame.report.data import build_report
from wargame.report.templates import render_report
from wargame.saves.store import read_save, verify


@pytest.fixture(scope="module")
def korea(decks: dict[str, CompiledDeck]) -> CompiledDeck:
    return decks["korea-2022"]


@pytest.fixture(scope="module")
def channelled() -> CompiledDeck:
    return korea_channels()


def humans(deck: CompiledDeck, tmp_path: Path | None = None, facilitator: bool = False) -> Session:
    return Session.new(deck, dict.fromkeys(deck.actors, "human"), seed=3, save_dir=tmp_path, facilitator=facilitator,
                       facilitator_pin="2468" if facilitator else None)


def texts(session: Session, who: str) -> list[str]:
    return [m.text for m in session.observe(who).messages]


def test_a_deck_without_channels_has_one_private_direct_channel(korea: CompiledDeck) -> None:
    assert [(c.name, c.members, c.public, c.when) for c in korea.channels] == [("direct", tuple(korea.actors), False, None)]
    session = humans(korea)
    obs = session.observe("dprk")
    assert [(c.name, c.open, c.public) for c in obs.channels] == [("direct", True, False)]
    assert session.observe(PUBLIC).channels == []  # nothing public by default


def test_a_private_message_reaches_only_its_recipients_and_the_facilitator(korea: CompiledDeck) -> None:
    session = humans(korea)
    reply = session.apply("us", SendMessage(channel="direct", to=["china"], text="Talk first? \x1b[2J"))
    assert reply.ok, reply.message
    assert texts(session, "us") == texts(session, "china") == texts(session, "facilitator") == ["Talk first? \\x1b[2J"]
    assert texts(session, "dprk") == texts(session, "rok") == texts(session, "public") == []
    m = session.observe("china").messages[0]
    assert (m.sender, m.sender_name, m.to, m.channel, m.turn) == ("us", "United States", ["china"], "direct", 1)
    # Several recipients at once; the sender is never its own recipient.
    session.apply("dprk", SendMessage(channel="direct", to=["rok", "china", "dprk"], text="Both of you: listen."))
    assert texts(session, "us") == ["Talk first? \\x1b[2J"]
    assert "Both of you: listen." in texts(session, "rok") and "Both of you: listen." in texts(session, "china")


def test_a_closed_channel_refuses_with_one_line(channelled: CompiledDeck) -> None:
    session = humans(channelled)
    hotline = next(c for c in session.observe("us").channels if c.name == "hotline")
    assert not hotline.open  # tension starts at 4: no crisis yet
    reply = session.apply("us", SendMessage(channel="hotline", text="Stand down."))
    assert not reply.ok and "\n" not in reply.message
    assert reply.message.startswith("The hotline (hotline) is closed")
    # Not a member: refused, and the channel is not even listed for that seat.
    reply = session.apply("dprk", SendMessage(channel="allies", text="Let me in."))
    assert not reply.ok and "may not write" in reply.message
    assert [c.name for c in session.observe("dprk").channels] == ["statements"]
    # A member may not address a stranger to the channel.
    assert not session.apply("us", SendMessage(channel="allies", to=["china"], text="x")).ok
    assert session.talk.messages == []


def test_the_facilitator_mutes_posts_as_a_third_party_and_reads_everything(channelled: CompiledDeck) -> None:
    session = humans(channelled)
    assert not session.apply("us", MuteChannel(channel="allies")).ok  # the facilitator's alone
    assert not session.apply("us", PostAsThirdParty(channel="allies", sender="A journalist", text="x")).ok
    assert session.apply("facilitator", MuteChannel(channel="allies")).ok
    reply = session.apply("us", SendMessage(channel="allies", text="Hold the line."))
    assert not reply.ok and "muted" in reply.message
    assert session.apply("facilitator", MuteChannel(channel="allies", muted=False)).ok
    assert session.apply("us", SendMessage(channel="allies", text="Hold the line.")).ok
    reply = session.apply("facilitator", PostAsThirdParty(channel="allies", sender="A journalist", to=["rok"], text="Any comment?"))
    assert reply.ok, reply.message
    assert not session.apply("facilitator", PostAsThirdParty(channel="allies", sender="United States", text="forged")).ok
    assert texts(session, "facilitator") == ["Hold the line.", "Any comment?"]
    assert texts(session, "us") == ["Hold the line."]
    post = session.observe("rok").messages[1]
    assert (post.sender, post.sender_name) == ("A journalist", "A journalist")
    # A public statement: every seat and the projector read it.
    assert session.apply("dprk", SendMessage(channel="statements", text="We will respond.")).ok
    for who in [*channelled.actors, "public", "facilitator"]:
        assert "We will respond." in texts(session, who)


def test_talk_is_kept_in_the_save_and_never_touches_the_game(korea: CompiledDeck, tmp_path: Path) -> None:
    quiet, talky = humans(korea, tmp_path / "a"), humans(korea, tmp_path / "b")
    for turn in range(3):
        talky.send_message("us", "direct", ["dprk"], f"turn {turn}: talk?")
        talky.send_message("dprk", "direct", [], "to everyone")
        for s in (quiet, talky):
            for actor in korea.actors:
                s.submit(actor, [])
            s.resolve()
    assert quiet.state_hash == talky.state_hash
    assert talky.save_path is not None and quiet.save_path is not None
    save, plain = read_save(talky.save_path), read_save(quiet.save_path)
    assert [t.state_hash for t in save.history] == [t.state_hash for t in plain.history]
    assert len(save.messages) == 6 and verify(save).ok
    assert "messages" not in json.loads(quiet.save_path.read_text(encoding="utf-8"))  # written as before talk
    # Resumed, the talk is there; replayed for a debrief, each seat sees its own.
    again = Session.resume(talky.save_path)
    assert texts(again, "us") == texts(talky, "us")
    saved = SavedGame(save)
    end = saved.turns_played + 1
    assert [m.text for m in saved.observe("us", 2).messages] == ["turn 0: talk?", "to everyone", "turn 1: talk?", "to everyone"]
    assert [m.text for m in saved.observe("rok", end).messages] == ["to everyone"] * 3
    assert saved.observe("public", end).messages == []
    assert len(saved.observe(FACILITATOR_VIEWER, end).messages) == 6


def test_every_report_perspective_holds_only_its_own_messages(korea: CompiledDeck, tmp_path: Path) -> None:
    session = humans(korea, tmp_path)
    session.send_message("us", "direct", ["china"], "SECRET-HOTLINE-WORDS")
    session.send_message("rok", "direct", ["us"], "allies only <b>bold</b>")
    for actor in korea.actors:
        session.submit(actor, [])
    session.resolve()
    assert session.save_path is not None
    save = read_save(session.save_path)
    readers = {"SECRET-HOTLINE-WORDS": {"us", "china", "facilitator"}, "allies only": {"us", "rok", "facilitator"}}
    for who in [*korea.actors, "facilitator", "public"]:
        data = build_report(save, who)
        for fmt in ("markdown", "html"):
            text = render_report(data, fmt)
            for words, allowed in readers.items():
                assert (words in text) == (who in allowed), (who, fmt, words)
            if fmt == "html" and who == "rok":
                assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text


def test_an_agent_answer_carries_messages_and_a_bad_one_leaves_the_orders(korea: CompiledDeck) -> None:
    session = humans(korea)
    legal = session.game.available_moves("us")
    line = json.dumps({"orders": [legal[0].id], "messages": [{"channel": "direct", "to": ["china"], "text": "hi"}, "oops",
                                                               {"channel": "nope", "text": "x"}]})
    decision = parse_answer(line.encode(), legal, 1, "the program for United States", 1)
    assert decision.orders == (legal[0].id,)
    assert [s.channel for s in decision.messages] == ["direct", "nope"]
    assert len(decision.unsent) == 1 and "message 2" in decision.unsent[0]


def test_a_deck_with_a_bad_channel_is_refused_with_its_place() -> None:
    text = (DECKS / "korea-2022.toml").read_text(encoding="utf-8")
    bad = text + '\n[[channels]]\nname = "x"\ntitle = "X"\nmembers = ["us", "mars"]\n'
    with pytest.raises(DeckError, match="mars"):
        load_deck_text(bad, "bad.toml")
    leaky = text + '\n[[channels]]\nname = "x"\ntitle = "X"\nmembers = ["us", "china"]\nwhen = "rok.covert >= 1"\n'
    with pytest.raises(DeckError, match="whether the channel is open would give it away"):
        load_deck_text(leaky, "leaky.toml")


SENDERS = ["dprk", "us", "rok", "china", "facilitator"]


@settings(max_examples=40)
@given(traffic=st.lists(st.tuples(st.sampled_from(SENDERS), st.sampled_from(["direct", "hotline", "statements", "allies", "x"]),
                                  st.lists(st.sampled_from(["dprk", "us", "rok", "china", "public"]), max_size=4),
                                  st.booleans(), st.booleans()), max_size=25))
def test_no_seat_ever_sees_a_message_it_was_not_sent(channelled: CompiledDeck, traffic: list[tuple[str, str, list[str], bool, bool]]) -> None:
    """Random traffic (any sender, channel, recipients; mutes and turns in between): every
    seat's view, live and in the save's debrief, holds exactly the messages sent by it, to
    it, or on a public channel; the projector only the public ones."""
    session = humans(channelled)
    sent: list[tuple[int, str, tuple[str, ...], bool]] = []
    for n, (sender, channel, to, mute, resolve) in enumerate(traffic):
        if mute:
            session.apply("facilitator", MuteChannel(channel=channel if channel != "x" else "allies", muted=n % 2 == 0))
        reply = session.apply(sender, SendMessage(channel=channel, to=to, text=f"m{n}"))
        if reply.ok:
            m = session.talk.messages[-1]
            sent.append((m.id, m.sender, m.to, m.public))
        if resolve and not session.is_over:
            session.resolve_now()
    saved = SavedGame(session._current_save())
    for actor in channelled.actors:
        mine = {i for i, sender, to, public in sent if public or sender == actor or actor in to}
        assert {m.id for m in session.observe(Viewer.seat(actor)).messages} == mine
        assert {m.id for m in saved.observe(actor, saved.turns_played + 1).messages} <= mine
    assert {m.id for m in session.observe(PUBLIC).messages} == {i for i, _s, _t, public in sent if public}
    assert {m.id for m in session.observe(FACILITATOR_VIEWER).messages} == {i for i, *_ in sent}


def test_a_team_split_is_kept_and_shown_to_the_seat_and_the_facilitator_only(korea: CompiledDeck, tmp_path: Path) -> None:
    from wargame.play.commands import Agree, Comment, Object, Orders, Propose

    session = humans(korea, tmp_path)
    assert [session.join_team("us", n) for n in ("Ana", "Ben\x1b[2J", "Cy")] == ["Ana", "Ben\\x1b[2J", "Cy"]
    session.talk.team_cap = 3
    with pytest.raises(WargameError, match="team is full"):
        session.join_team("us", "Dee")
    assert session.join_team("us", "Cy") == "Cy"  # rejoining is not joining again
    moves = [m.id for m in session.game.available_moves("us") if m.answer is None]
    assert session.apply("us", Propose(orders=[moves[0]], text="sanctions now"), "Ana").ok
    assert session.apply("us", Propose(orders=[moves[1]]), "Cy").ok
    assert not session.apply("us", Propose(orders=["launch-everything"]), "Cy").ok
    assert not session.apply("us", Agree(proposal=1), "Mallory").ok  # not a member
    assert session.apply("us", Object(proposal=1, text="TOO-RISKY"), "Cy").ok
    assert session.apply("us", Agree(proposal=1), "Ben\\x1b[2J").ok
    assert session.apply("us", Comment(text="fine", proposal=1), "Ben\\x1b[2J").ok
    refused = session.apply("us", Orders(turn=1, orders=[moves[0]]), "Cy")
    assert not refused.ok and "only the team's sealer (Ana)" in refused.message
    assert session.apply("us", Orders(turn=1, orders=[moves[0]]), "Ana").ok
    (team,) = session.observe("us").teams
    seal = team.splits()[0]
    assert (seal.agreed, seal.objected, seal.proposal) == (["Ana", "Ben\\x1b[2J"], ["Cy"], 1)
    assert session.observe("facilitator").teams == [team]
    for other in ("dprk", "rok", "china", "public"):
        assert session.observe(other).teams == []
    for actor in ("dprk", "rok", "china"):
        session.submit(actor, [])
    session.resolve()
    assert session.save_path is not None
    save = read_save(session.save_path)
    assert (save.teams["us"].notes[-1].agreed, save.teams["us"].notes[-1].objected) == (["Ana", "Ben\\x1b[2J"], ["Cy"])
    for who in [*korea.actors, "facilitator", "public"]:
        text = render_report(build_report(save, who), "markdown")
        assert ("the team split 2–1" in text and "TOO-RISKY" in text) == (who in {"us", "facilitator"}), who
        notes = Debrief(SavedGame(save)).turn(who, 1).team  # the debrief's turn, per perspective
        assert bool(notes) == (who in {"us", "facilitator"}) and all(seat == "us" for seat, _ in notes)
    resumed = Session.resume(session.save_path)
    assert resumed.talk.teams["us"].members == ["Ana", "Ben\\x1b[2J", "Cy"] and resumed.talk.team_cap == 3
    # The sealer (or the facilitator) hands sealing over; nobody else may.
    from wargame.play.commands import ChooseSealer

    assert not resumed.apply("us", ChooseSealer(member="Cy"), "Cy").ok
    assert resumed.apply("us", ChooseSealer(member="Cy"), "Ana").ok
    assert resumed.apply("facilitator", ChooseSealer(member="Ana", seat="us")).ok
    assert resumed.talk.teams["us"].sealer == "Ana"


def test_a_teams_notes_are_numbered_within_the_team(korea: CompiledDeck) -> None:
    # Found in the three-team trial: China's first proposal was "#14", counted over every
    # team, which told China how much the US team had said.
    from wargame.play.commands import Comment, Orders, Propose

    session = humans(korea)
    session.join_team("us", "Ana")
    session.join_team("china", "Li")
    us = [m.id for m in session.game.available_moves("us") if m.answer is None]
    china = [m.id for m in session.game.available_moves("china") if m.answer is None]
    for text in ("one", "two", "three"):
        assert session.apply("us", Comment(text=text), "Ana").ok
    assert session.apply("us", Propose(orders=[us[0]]), "Ana").ok
    assert session.apply("china", Propose(orders=[china[0]]), "Li").ok
    (team,) = session.observe("china").teams
    assert [p.id for p in team.proposals(1)] == [1]
    assert [n.id for n in session.talk.teams["us"].notes] == [1, 2, 3, 4]
    # The sealer who seals a teammate's proposal counts as agreeing (the trial's China team
    # read "split 1–0" when Li sealed Wu's proposal).
    session.join_team("china", "Wu")
    assert session.apply("china", Propose(orders=[china[1]]), "Wu").ok
    assert session.apply("china", Orders(turn=1, orders=[china[1]]), "Li").ok
    seal = session.observe("china").teams[0].splits()[0]
    assert (seal.agreed, seal.objected) == (["Li", "Wu"], [])


def test_a_seal_that_answers_an_offer_still_stands_on_the_teams_proposal(decks: dict[str, CompiledDeck]) -> None:
    # A proposal never holds an answer to an offer (the team proposes orders; the sealer
    # answers offers in the seal dialog), so matching the seal's whole orders against the
    # proposals found none: the record said the sealer had sealed orders nobody proposed.
    from wargame.play.commands import Object, Orders, Propose

    tutorial = decks["tutorial"]
    session = humans(tutorial)
    for name in ("Ana", "Ben", "Cy"):
        session.join_team("red", name)
    assert session.apply("blue", Orders(turn=1, orders=["fishing-deal@red"])).ok
    assert session.apply("red", Orders(turn=1, orders=[]), "Ana").ok
    session.resolve()
    assert "fishing-deal@red/accept" in {m.id for m in session.game.available_moves("red")}  # the offer waits
    assert session.apply("red", Propose(orders=["patrol"], text="show the flag"), "Ben").ok
    assert session.apply("red", Object(proposal=session.talk.teams["red"].notes[-1].id, text="too much"), "Cy").ok
    proposal = next(n for n in session.talk.teams["red"].notes if n.kind == "propose")
    assert session.apply("red", Orders(turn=2, orders=["patrol", "fishing-deal@red/accept"]), "Ana").ok
    seal = session.talk.teams["red"].notes[-1]
    assert seal.kind == "seal" and seal.orders == ("patrol", "fishing-deal@red/accept")  # the answer is sealed with the orders
    assert (seal.proposal, seal.agreed, seal.objected) == (proposal.id, ("Ana", "Ben"), ("Cy",))
    (team,) = session.observe("red").teams
    split = team.splits()[-1]  # turn 1's seal (nothing, no proposal) comes first
    assert (split.turn, split.proposal, split.agreed, split.objected) == (2, proposal.id, ["Ana", "Ben"], ["Cy"])


def test_the_same_orders_are_proposed_once_a_turn(decks: dict[str, CompiledDeck]) -> None:
    # Proposing the orders of a proposal again (the p key pressed twice, or a teammate's
    # picks) made a second proposal: the seal stood on the latest, and the objections to
    # the first dropped out of the split. Now it is one line, and nothing is kept.
    from wargame.play.commands import Object, Orders, Propose

    session = humans(decks["korea-2022"])
    for name in ("Ana", "Ben", "Cy"):
        session.join_team("us", name)
    moves = [m.id for m in session.game.available_moves("us") if m.answer is None][:2]  # the US gives two a month
    assert session.apply("us", Propose(orders=moves), "Ben").ok
    first = session.talk.teams["us"].notes[-1]
    assert session.apply("us", Object(proposal=first.id, text="too much"), "Cy").ok
    kept = len(session.talk.teams["us"].notes)
    again = session.apply("us", Propose(orders=moves), "Ben")
    assert not again.ok and again.message == (
        f"these orders are proposal #{first.id} already (proposed by you): agree with it or object to it instead")
    reordered = session.apply("us", Propose(orders=list(reversed(moves))), "Ana")  # the same moves in another order
    assert not reordered.ok and f"#{first.id} already (proposed by Ben)" in reordered.message
    assert len(session.talk.teams["us"].notes) == kept  # nothing was kept
    assert session.apply("us", Propose(orders=moves[:1]), "Ana").ok  # other orders are another proposal
    assert session.apply("us", Orders(turn=1, orders=moves), "Ana").ok
    seal = session.talk.teams["us"].notes[-1]
    assert (seal.proposal, seal.objected) == (first.id, ("Cy",))  # the objection stays on the record
    # Next turn, the same orders are a new proposal.
    from wargame.observe.talk import team_note

    later = team_note(session.talk, "us", "Ben", "propose", turn=2, at="", orders=moves)
    assert later.kind == "propose" and later.id != first.id
