"""Caps on team members per seat: the one number for every seat (the command line, the
console, saves written before per-seat caps) and a cap for one seat's team, through the one
controller, in the save and back; a message signed by the team member who wrote it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.observe.talk import DEFAULT_TEAM_CAP
from wargame.play.commands import SendMessage, TeamCap
from wargame.play.control import Session
from wargame.saves.store import parse_save, read_save, verify


@pytest.fixture(scope="module")
def korea(decks: dict[str, CompiledDeck]) -> CompiledDeck:
    return decks["korea-2022"]


def humans(deck: CompiledDeck, tmp_path: Path | None = None) -> Session:
    return Session.new(deck, dict.fromkeys(deck.actors, "human"), seed=3, save_dir=tmp_path, facilitator=True, facilitator_pin="246810")


def fill(session: Session, seat: str, n: int) -> None:
    for i in range(n):
        session.join_team(seat, f"M{i}")


def test_a_seat_gets_its_own_cap_and_one_number_caps_every_seat_again(korea: CompiledDeck) -> None:
    session = humans(korea)
    assert session.apply("facilitator", TeamCap(members=2, seat="us")).ok
    assert session.apply("facilitator", TeamCap(members=4, seat="china")).ok
    fill(session, "us", 2)
    with pytest.raises(WargameError, match=r"this team is full \(2 members\)"):
        session.join_team("us", "Dee")
    fill(session, "china", 4)
    fill(session, "dprk", DEFAULT_TEAM_CAP)  # every other seat keeps the cap for every seat
    with pytest.raises(WargameError, match="full"):
        session.join_team("dprk", "Extra")
    room = session.observe("facilitator").room
    assert room is not None and (room.team_cap, room.seat_caps) == (DEFAULT_TEAM_CAP, {"us": 2, "china": 4})
    assert {t.seat: t.cap for t in session.observe("facilitator").teams} == {"us": 2, "china": 4, "dprk": DEFAULT_TEAM_CAP}
    # The caps are the facilitator's: a seat reads its own team's cap, never the room's caps.
    seat_room = session.observe("us").room
    assert seat_room is not None and (seat_room.team_cap, seat_room.seat_caps) == (None, {})
    assert [t.cap for t in session.observe("us").teams] == [2]
    # The one-number form is every seat's: it replaces the seats' own caps.
    assert session.apply("facilitator", TeamCap(members=3)).ok
    assert (session.talk.team_cap, session.talk.seat_caps) == (3, {})
    with pytest.raises(WargameError, match=r"4 members; the facilitator allows 3"):
        session.join_team("china", "Zed")
    # A seat capped at the number every seat has needs no cap of its own.
    assert session.apply("facilitator", TeamCap(members=3, seat="rok")).ok and session.talk.seat_caps == {}


def test_a_cap_is_refused_with_one_line(korea: CompiledDeck) -> None:
    session = humans(korea)
    reply = session.apply("facilitator", TeamCap(members=3, seat="atlantis"))
    assert not reply.ok and reply.message == "team cap: unknown seat 'atlantis' (seats: " + ", ".join(korea.actors) + ")"
    reply = session.apply("us", TeamCap(members=30, seat="us"))
    assert not reply.ok and reply.message == "team_cap: only the facilitator may do that"
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        TeamCap(members=0, seat="us")
    assert (session.talk.team_cap, session.talk.seat_caps) == (DEFAULT_TEAM_CAP, {})


def test_caps_round_trip_through_the_save_and_older_saves_read_as_before(korea: CompiledDeck, tmp_path: Path) -> None:
    session = humans(korea, tmp_path)
    session.set_team_cap(4)
    session.set_team_cap(2, "us")
    session.autosave()
    assert session.save_path is not None
    raw = json.loads(session.save_path.read_text(encoding="utf-8"))
    assert (raw["team_cap"], raw["team_caps"]) == (4, {"us": 2})
    resumed = Session.resume(session.save_path)
    assert (resumed.talk.team_cap, resumed.talk.seat_caps) == (4, {"us": 2})
    assert verify(read_save(session.save_path)).ok
    # A save written before per-seat caps holds one number, `team_cap`: every seat's.
    del raw["team_caps"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(raw), encoding="utf-8")
    older = Session.resume(old)
    assert (older.talk.team_cap, older.talk.seat_caps) == (4, {}) and all(older.talk.cap(a) == 4 for a in korea.actors)
    assert verify(read_save(old)).ok
    # And one with no cap at all: the default for every seat; written back without either field.
    del raw["team_cap"]
    old.write_text(json.dumps(raw), encoding="utf-8")
    oldest = Session.resume(old)
    assert all(oldest.talk.cap(a) == DEFAULT_TEAM_CAP for a in korea.actors)
    oldest.autosave()
    assert oldest.save_path is not None
    rewritten = json.loads(oldest.save_path.read_text(encoding="utf-8"))
    assert "team_cap" not in rewritten and "team_caps" not in rewritten


def test_a_cap_for_a_seat_the_deck_does_not_have_fails_verify(korea: CompiledDeck, tmp_path: Path) -> None:
    session = humans(korea, tmp_path)
    session.set_team_cap(2, "us")
    session.autosave()
    assert session.save_path is not None
    raw = json.loads(session.save_path.read_text(encoding="utf-8"))
    raw["team_caps"] = {"atlantis": 2}
    result = verify(parse_save(json.dumps(raw).encode(), "edited.json"))
    assert not result.ok and result.field == "team_caps" and "'atlantis', which is not an actor of the deck" in result.detail
    raw["team_caps"] = {"us": 0}
    with pytest.raises(WargameError, match="team_caps"):
        parse_save(json.dumps(raw).encode(), "edited.json")


def test_a_message_is_signed_by_the_member_who_wrote_it(korea: CompiledDeck, tmp_path: Path) -> None:
    session = humans(korea, tmp_path)
    session.join_team("us", "Ana")
    assert session.apply("us", SendMessage(channel="direct", to=["china"], text="talks?"), "Ana").ok
    # A name that is not on the seat's team signs nothing: no author is made up.
    assert session.apply("us", SendMessage(channel="direct", to=["china"], text="forged"), "Mallory").ok
    assert session.apply("china", SendMessage(channel="direct", to=["us"], text="yes")).ok
    assert [m.member for m in session.talk.messages] == ["Ana", "", ""]
    assert [(m.member, m.sender_name, m.at != "") for m in session.observe("china").messages] == [
        ("Ana", "United States", True), ("", "United States", True), ("", "China", True)]
    session.autosave()
    assert session.save_path is not None
    raw = json.loads(session.save_path.read_text(encoding="utf-8"))
    # Written only when there is one, so other messages keep their shape.
    assert [m.get("member") for m in raw["messages"]] == ["Ana", None, None]
    assert [m.member for m in Session.resume(session.save_path).talk.messages] == ["Ana", "", ""]
