"""`replay --text` prints what was said in each turn, as the viewer asked for may read it:
a seat its own team's talk and the messages it sent, received or read in public, the
facilitator everything, the public only what was said in public. A seat's own team's lines
are not led by the team's name; the facilitator's, where several teams mix, are. Read
back from a saved game, through the command, as an instructor would print it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import korea_channels
from wargame.cli import cli
from wargame.deck.compile import CompiledDeck
from wargame.play.commands import Agree, Comment, Object, Orders, Propose, SendMessage
from wargame.play.control import Session
from wargame.saves.store import write_save

MEMBERS = {"us": ["Ana", "Ben"], "china": ["Li", "Wu"], "rok": ["Min"]}
"""Seats played by teams of named members; North Korea is one keyboard, with no team."""
SEATS = ["dprk", "us", "rok", "china"]
SHORT = {"dprk": "DPRK", "us": "US", "rok": "ROK", "china": "PRC"}
WORD = re.compile(r"zq\d+zq")
"""The words each piece of talk is written with, found again in a printout."""


@pytest.fixture(scope="module")
def channelled() -> CompiledDeck:
    return korea_channels("tension >= 0")  # the hotline (US and China) open from the start


def teams_game(deck: CompiledDeck) -> Session:
    session = Session.new(deck, dict.fromkeys(deck.actors, "human"), seed=3, save_dir=None)  # writes no save of its own
    for seat, names in MEMBERS.items():
        for name in names:
            session.join_team(seat, name)
    return session


def printout(session: Session, path: Path, *seats: str) -> dict[str, str]:
    """Each seat's `replay --text` of the game saved at `path`."""
    write_save(session._current_save(), path)
    out = {}
    for seat in seats:
        result = CliRunner().invoke(cli, ["replay", str(path), "--text", "--seat", seat], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        out[seat] = result.stdout
    return out


ACTS = st.tuples(
    st.sampled_from([*SEATS, "facilitator"]),
    st.sampled_from(["propose", "propose", "object", "agree", "comment", "comment", "message", "message", "message", "seal", "resolve"]),
    st.integers(0, 1), st.sampled_from(["hotline", "statements", "allies"]), st.lists(st.sampled_from(SEATS), max_size=2),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(acts=st.lists(ACTS, min_size=4, max_size=30))
def test_a_seats_printout_never_holds_another_teams_or_channels_words(
    channelled: CompiledDeck, tmp_path_factory: pytest.TempPathFactory, acts: list[tuple[str, str, int, str, list[str]]],
) -> None:
    """Random team traffic (proposals with reasons, objections, agreements, comments and
    seals in three teams; messages on every channel, the facilitator's too; turns resolved
    in between), saved and printed for every viewer: a seat's printout holds exactly its
    own team's words and the messages it sent, received or read in public, never one of
    another team or of a channel it does not read; the facilitator's holds every word, the
    public's only the public statements. A seat's team lines are never led by a team's name."""
    session = teams_game(channelled)
    team_words: dict[str, str] = {}
    """A word to the seat whose team said it."""
    message_words: dict[str, tuple[str, tuple[str, ...], bool]] = {}
    """A word to (its sender, its recipients, on a public channel)."""
    for n, (seat, act, who, channel, to) in enumerate(acts):
        word = f"zq{n}zq"
        names = MEMBERS.get(seat, [])
        member = names[who % len(names)] if names else ""
        team = session.talk.teams.get(seat)
        proposals = [x.id for x in team.notes if x.kind == "propose" and x.turn == session.game.turn] if team else []
        moves = [m.id for m in session.game.available_moves(seat) if m.answer is None] if seat in SEATS else []
        if act == "resolve":
            if not session.is_over:
                session.resolve_now()
            continue
        if act == "message":
            if session.apply(seat, SendMessage(channel=channel, to=to, text=f"about {word} now"), member).ok:
                m = session.talk.messages[-1]
                message_words[word] = (m.sender, m.to, m.public)
            continue
        if not member or session.is_over:
            continue  # a seat without a team has no team talk
        command = {
            "propose": Propose(orders=moves[who::2][:1], text=f"because {word}"),
            "object": Object(proposal=proposals[-1], text=f"no: {word}") if proposals else None,
            "agree": Agree(proposal=proposals[-1]) if proposals else None,
            "comment": Comment(text=f"I think {word}", proposal=proposals[0] if proposals and who else None),
            "seal": Orders(turn=session.game.turn, orders=moves[:1]),
        }[act]
        if command is not None and session.apply(seat, command, session.talk.teams[seat].sealer if act == "seal" else member).ok and act not in {"agree", "seal"}:
            team_words[word] = seat
    shown = printout(session, tmp_path_factory.mktemp("talk") / "game.json", *SEATS, "facilitator", "public")
    for viewer, text in shown.items():
        printed = set(WORD.findall(text))
        if viewer == "facilitator":
            allowed = set(team_words) | set(message_words)
        else:
            allowed = {w for w, seat in team_words.items() if seat == viewer}
            allowed |= {w for w, (sender, to, public) in message_words.items() if public or sender == viewer or viewer in to}
        assert printed == allowed, (viewer, printed - allowed, allowed - printed)
        if viewer in SEATS:  # its own team's lines, not led by a team's name
            assert not re.search(rf"^ +({'|'.join(SHORT.values())}): ", text, re.MULTILINE), text
        assert all(len(line) <= 80 for line in text.splitlines()), text


def test_the_facilitator_reads_every_team_and_channel_the_public_none_of_them(channelled: CompiledDeck, tmp_path: Path) -> None:
    session = teams_game(channelled)
    us = [m.id for m in session.game.available_moves("us") if m.answer is None]
    assert session.apply("us", Propose(orders=us[:1], text="US-REASON"), "Ana").ok
    assert session.apply("us", Object(proposal=1, text="US-OBJECTION"), "Ben").ok
    assert session.apply("china", Comment(text="CHINA-COMMENT"), "Wu").ok
    assert session.apply("us", SendMessage(channel="allies", text="ALLIES-WORDS"), "Ana").ok
    assert session.apply("china", SendMessage(channel="hotline", text="HOTLINE-WORDS"), "Li").ok
    assert session.apply("dprk", SendMessage(channel="statements", text="PUBLIC-WORDS")).ok
    assert session.apply("us", Orders(turn=1, orders=us[:1]), "Ana").ok
    session.resolve_now()
    shown = printout(session, tmp_path / "game.json", "facilitator", "public", "us", "china")
    secret = ["US-REASON", "US-OBJECTION", "CHINA-COMMENT", "ALLIES-WORDS", "HOTLINE-WORDS"]
    assert all(words in shown["facilitator"] for words in [*secret, "PUBLIC-WORDS"])
    assert "The teams' discussions:" in shown["facilitator"] and "the team split 1–1" in shown["facilitator"]
    # The public reads what was said in public, and nothing of a team or a private channel.
    assert "PUBLIC-WORDS" in shown["public"] and not any(words in shown["public"] for words in secret)
    assert "discussion" not in shown["public"]
    # China: its own team and the hotline it was on; never the US team's words or the allies'.
    assert "CHINA-COMMENT" in shown["china"] and "HOTLINE-WORDS" in shown["china"]
    assert not any(words in shown["china"] for words in ["US-REASON", "US-OBJECTION", "ALLIES-WORDS"])


def test_a_seats_own_team_lines_drop_the_team_name_the_facilitators_keep_it(channelled: CompiledDeck, tmp_path: Path) -> None:
    session = teams_game(channelled)
    us = [m.id for m in session.game.available_moves("us") if m.answer is None]
    china = [m.id for m in session.game.available_moves("china") if m.answer is None]
    assert session.apply("us", Propose(orders=us[:1], text="sanctions first"), "Ana").ok
    assert session.apply("china", Propose(orders=china[:1]), "Li").ok
    assert session.apply("us", Orders(turn=1, orders=us[:1]), "Ana").ok
    session.resolve_now()
    proposed = f"Ana proposed #1: {session.observe('us').teams[0].notes[0].order_names[0]} — sanctions first"
    shown = printout(session, tmp_path / "game.json", "us", "facilitator")
    assert "   The team's discussion:\n" in shown["us"]
    assert f"\n     {proposed}" in shown["us"] and "US: " not in shown["us"]
    assert "   The teams' discussions:\n" in shown["facilitator"]
    assert f"\n     US: {proposed}" in shown["facilitator"] and "\n     PRC: Li proposed #1: " in shown["facilitator"]


def test_talk_from_a_hand_edited_save_prints_neutralised_and_indented(channelled: CompiledDeck, tmp_path: Path) -> None:
    """A save is only checked for its shape: a member's name or words holding an escape
    sequence or a line that looks like a turn's heading print as visible text, inside
    their own indented lines. Talk in the turn being decided when the game was saved
    prints last, under its own heading."""
    import json

    session = teams_game(channelled)
    assert session.apply("us", Comment(text="first line\n-- month 9\nUS: forged"), "Ana").ok
    session.resolve_now()
    assert session.apply("us", Comment(text="PENDING-WORDS"), "Ben").ok
    path = tmp_path / "game.json"
    write_save(session._current_save(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    note = data["teams"]["us"]["notes"][0]
    note["member"] = "Ana\x1b]0;owned\x07\n-- month 7"
    note["text"] += " \x1b[2J\x9b"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["replay", str(path), "--text", "--seat", "us"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "     Ana\\x1b]0;owned\\x07\\x0a-- month 7: first line" in text
    assert "\n       -- month 9\n       US: forged \\x1b[2J\\x9b\n" in text
    assert [line for line in text.splitlines() if line.startswith("--")] == ["-- month 1", "-- month 2 (still being decided when the game was saved)"]
    assert text.rstrip().endswith("-- month 2 (still being decided when the game was saved)\n   The team's discussion:\n     Ben: PENDING-WORDS")
