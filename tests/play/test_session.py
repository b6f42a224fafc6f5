"""The UI-independent game session: seats, autosave and resume, views by audience, facilitator.

Everything the terminal UI shows comes through `Session`, so the rules that keep seats
apart (what a shared screen may show) and that keep a game safe (autosave, resume) are
tested here, headless.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from play_helpers import stated_reasons

from wargame.bots.seats import seat_options
from wargame.deck.compile import CompiledDeck
from wargame.engine.state import FACILITATOR
from wargame.errors import ExpressionError, IllegalOrderError, WargameError
from wargame.observe.visibility import PUBLIC, Viewer
from wargame.play.clock import Countdown
from wargame.play.control import Session
from wargame.saves.catalogue import latest_unfinished, list_saves
from wargame.saves.store import read_save, verify


def hot_seat(tutorial: CompiledDeck, tmp_path: Path, **kw: object) -> Session:
    return Session.new(tutorial, {"red": "human", "blue": "human"}, seed=11, save_dir=tmp_path, **kw)  # type: ignore[arg-type]


def test_new_session_writes_a_save_that_verifies(tutorial: CompiledDeck, tmp_path: Path) -> None:
    session = Session.new(tutorial, {"red": "human", "blue": "random"}, seed=5, save_dir=tmp_path)
    assert session.save_path is not None and session.save_path.parent == tmp_path
    session.run_bots()
    session.submit("red", ["patrol"])
    session.resolve()
    save = read_save(session.save_path)
    assert len(save.history) == 1
    assert save.seats == {"red": "human", "blue": "random"}
    assert verify(save).ok


def test_resume_mid_turn_keeps_confirmed_orders_only(tutorial: CompiledDeck, tmp_path: Path) -> None:
    session = hot_seat(tutorial, tmp_path)
    session.submit("red", ["patrol"])
    session.submit("blue", ["sanctions"])
    session.resolve()
    session.submit("red", ["talks-offer"])  # confirmed: autosaved as pending
    # Blue is still choosing when the terminal closes: Blue's choice is all that is lost.
    assert session.save_path is not None
    again = Session.resume(session.save_path)
    assert again.state_hash == session.state_hash
    assert again.turn == 2
    assert again.has_orders("red") and not again.has_orders("blue")
    assert again.next_human() == "blue"
    # Both games then play the same turn identically.
    for s in (session, again):
        s.submit("blue", ["talks-offer-blue"])
        s.resolve()
    assert again.state_hash == session.state_hash


def test_resume_mid_turn_keeps_the_facilitators_injects_and_overrides(tutorial: CompiledDeck, tmp_path: Path) -> None:
    session = hot_seat(tutorial, tmp_path)
    session.submit("red", ["missile-test"])
    session.fire_inject(text="A trawler sinks.", effects=["tension += 2"])
    session.override("move:missile-test", False)
    # The terminal closes before the turn resolves: nothing the facilitator did is lost.
    assert session.save_path is not None
    again = Session.resume(session.save_path)
    assert [i.text for i in again.injects] == ["A trawler sinks."]
    assert again.game.overrides == {"move:missile-test": False}
    for s in (session, again):
        s.submit("blue", ["sanctions"])
        rec = s.resolve()
        assert [r.success for r in rec.rolls if r.key == "missile-test"] == [False]
    assert again.state_hash == session.state_hash


def test_a_removed_inject_stays_removed_after_continue_and_replays_without_it(tutorial: CompiledDeck, tmp_path: Path) -> None:
    session = hot_seat(tutorial, tmp_path)
    plain = hot_seat(tutorial, tmp_path / "plain")
    session.fire_inject(text="A trawler sinks.", effects=["tension += 2"])
    session.fire_inject(text="A ferry is found.", effects=["tension -= 1"])
    removed = session.remove_inject(0)
    assert removed.text == "A trawler sinks."
    assert [i.text for i in session.injects] == ["A ferry is found."]
    with pytest.raises(WargameError, match="no queued inject number 2"):
        session.remove_inject(1)
    assert session.save_path is not None
    again = Session.resume(session.save_path)
    assert [i.text for i in again.injects] == ["A ferry is found."]
    plain.fire_inject(text="A ferry is found.", effects=["tension -= 1"])
    for s in (session, again, plain):
        s.submit("red", ["missile-test"])
        s.submit("blue", ["sanctions"])
        s.resolve()
    # The removed inject left no trace: the game is the one where it was never fired.
    assert session.state_hash == again.state_hash == plain.state_hash
    assert verify(read_save(session.save_path)).ok


@given(seed=st.integers(0, 10_000), stop=st.integers(0, 6))
def test_resume_after_any_turn_reproduces_the_state(tutorial: CompiledDeck, tmp_path_factory: pytest.TempPathFactory, seed: int, stop: int) -> None:
    tmp = tmp_path_factory.mktemp("saves")
    session = Session.new(tutorial, {"red": "random", "blue": "random"}, seed=seed, save_dir=tmp)
    for _ in range(stop):
        if session.is_over:
            break
        session.run_bots()
        session.resolve()
    assert session.save_path is not None
    again = Session.resume(session.save_path)
    assert again.state_hash == session.state_hash
    assert again.is_over == session.is_over
    assert [r.state_hash for r in again.game.records] == [r.state_hash for r in session.game.records]


def test_seats_and_turn_flow(tutorial: CompiledDeck) -> None:
    session = Session.new(tutorial, {"red": "human", "blue": "random"}, seed=3, save_dir=None)
    assert session.humans == ["red"] and session.computers == ["blue"]
    assert not session.shared_screen and session.viewer == Viewer.seat("red")
    assert session.next_human() == "red"
    assert session.bots_waiting() == ["blue"]
    decisions = session.run_bots()
    assert set(decisions) == {"blue"} and session.bots_waiting() == []
    assert not session.ready
    session.submit("red", [])
    assert session.ready and session.next_human() is None


def test_shared_screen_audience(tutorial: CompiledDeck) -> None:
    two = Session.new(tutorial, {"red": "human", "blue": "human"}, seed=1, save_dir=None)
    assert two.shared_screen and two.viewer == PUBLIC
    control = Session.new(tutorial, {"red": "human", "blue": "random"}, seed=1, facilitator=True, facilitator_pin="246810", save_dir=None)
    assert control.shared_screen and control.viewer.is_facilitator


def test_illegal_orders_are_refused(tutorial: CompiledDeck) -> None:
    session = Session.new(tutorial, {"red": "human", "blue": "human"}, seed=1, save_dir=None)
    with pytest.raises(IllegalOrderError):
        session.submit("red", ["patrol", "talks-offer"])  # one order a week
    with pytest.raises(IllegalOrderError):
        session.submit("red", ["sanctions"])  # Blue's move
    assert not session.has_orders("red")


def test_unavailable_moves_carry_the_engine_reason(tutorial: CompiledDeck) -> None:
    session = Session.new(tutorial, {"red": "human", "blue": "human"}, seed=1, save_dir=None)
    session.submit("red", ["missile-test"])
    session.submit("blue", ["spy-op"])
    session.resolve()
    red = {m.id: m for m in session.observe("red").seat.moves}  # type: ignore[union-attr]
    assert not red["missile-test"].available and "cooling down" in red["missile-test"].reason
    assert red["patrol"].available and red["patrol"].reason == ""
    assert 0 < red["missile-test"].chance < 1
    blue = {m.id: m for m in session.observe("blue").seat.moves}  # type: ignore[union-attr]
    assert not blue["spy-op"].available and "once" in blue["spy-op"].reason


def secret_game(tutorial: CompiledDeck) -> Session:
    """Blue's spy operation succeeds and stays undetected (the facilitator forces the dice)."""
    session = Session.new(tutorial, {"red": "human", "blue": "human"}, seed=2, save_dir=None)
    session.submit("red", ["patrol"])
    session.submit("blue", ["spy-op"])
    session.override("detect:spy-op", False)
    session.resolve()
    return session


def test_the_facilitator_reads_why_each_computer_chose(tutorial: CompiledDeck) -> None:
    session = Session.new(tutorial, {"red": "human", "blue": "doctrine:broker"}, seed=3, save_dir=None, facilitator=True, facilitator_pin="246810")
    session.run_bots()
    session.submit("red", ["patrol"])
    session.resolve()
    (blue_order,) = session.game.records[0].orders["blue"]
    (reason,) = session.game.records[0].reasons["blue"]
    move = tutorial.moves[tutorial.move_index[blue_order]]
    assert stated_reasons(session.observe(FACILITATOR), 1) == [("Blue", move.name, reason.removeprefix(f"{move.name}: "))] and "broker" in reason
    # A public play's reason that reads nothing secret is explained to the seats and the room
    # too (solo players learn why the computers chose).
    shown = ("Blue", move.name, reason.removeprefix(f"{move.name}: "))
    assert not move.secret
    assert stated_reasons(session.observe(PUBLIC), 1) == [shown]
    assert stated_reasons(session.observe("red"), 1) == [shown]


def test_public_report_hides_secret_moves(tutorial: CompiledDeck) -> None:
    session = secret_game(tutorial)
    public = session.observe(PUBLIC).turns[0]
    assert all(n.source != "spy-op" for n in public.news)
    assert all("Intelligence" not in c.label for c in public.changes)
    assert all("Intelligence operation" not in r.label for r in public.rolls)
    red = session.observe("red").turns[0]
    assert all(n.source != "spy-op" for n in red.news)
    blue = session.observe("blue").turns[0]
    assert any(n.source == "spy-op" for n in blue.news)
    assert any(c.label == "Blue: Intelligence" and c.new == 3 for c in blue.changes)
    control = session.observe(FACILITATOR).turns[0]
    assert any(r.label.endswith("(detection)") and r.forced for r in control.rolls)
    assert [t.value for t in session.observe(PUBLIC).tracks_of("blue") if t.name == "blue.intel"] == [None]
    assert [t.value for t in session.observe("blue").tracks_of("blue") if t.name == "blue.intel"] == [3]
    assert session.observe(PUBLIC).track("blue.intel").history == [None, None]
    assert session.observe("blue").track("blue.intel").history == [0, 3]
    assert session.observe(PUBLIC).track("tension").history == [4, 5]


def test_facilitator_override_changes_the_outcome(tutorial: CompiledDeck) -> None:
    outcomes = {}
    for forced in (True, False):
        session = Session.new(tutorial, {"red": "human", "blue": "human"}, seed=4, save_dir=None)
        session.submit("red", ["missile-test"])
        session.submit("blue", [])
        [pending] = session.pending_rolls()
        assert pending.key == "move:missile-test" and pending.forced is None
        session.override(pending.key, forced)
        assert session.pending_rolls()[0].forced is forced
        session.resolve()
        outcomes[forced] = {t.name: t.value for t in session.observe(FACILITATOR).tracks_of("red")}["red.standing"]
    assert outcomes == {True: 6, False: 4}


def test_facilitator_injects(tutorial: CompiledDeck) -> None:
    session = Session.new(tutorial, {"red": "random", "blue": "random"}, seed=4, save_dir=None)
    ids = [e[0] for e in session.inject_events()]
    assert ids[0] == "fishing-incident"  # injects are offered first
    with pytest.raises(ExpressionError):
        session.fire_inject(text="A rumour", effects=["tenson += 1"])
    with pytest.raises(WargameError):
        session.fire_inject(text=" ", effects=[" "])
    assert session.injects == []
    session.fire_inject(text="A [bold]rumour[/bold]", effects=["talks += 1", ""])
    session.run_bots()
    session.resolve()
    report = session.observe(PUBLIC).turns[0]
    assert any(n.kind == "inject" and n.text == "A [bold]rumour[/bold]" for n in report.news)
    assert session.observe(PUBLIC).track("talks").history[1] >= 1  # type: ignore[operator]
    assert read_save_free(session)


def read_save_free(session: Session) -> bool:
    """Injects are recorded in the save model (even without a file)."""
    return session.save.history[0].injects[0].effects == ["talks += 1"]


def test_turn_label_has_the_date(tutorial: CompiledDeck) -> None:
    session = Session.new(tutorial, {}, seed=1, save_dir=None)
    assert session.turn_label() == "Week 1 of 6 · 3 January 2022"
    assert session.turn_label(2) == "Week 2 of 6 · 10 January 2022"


def test_saves_listing(tutorial: CompiledDeck, tmp_path: Path) -> None:
    done = Session.new(tutorial, {"red": "random", "blue": "random"}, seed=9, save_dir=tmp_path)
    while not done.is_over:
        done.run_bots()
        done.resolve()
    (tmp_path / "notes.json").write_text(json.dumps({"hello": 1}))
    (tmp_path / "broken.json").write_text("{")
    assert latest_unfinished(tmp_path) is None
    ongoing = Session.new(tutorial, {"red": "human", "blue": "random"}, seed=10, save_dir=tmp_path)
    saves = list_saves(tmp_path)
    assert {s.path for s in saves if s.readable} == {done.save_path, ongoing.save_path}
    # Files that are not saves are listed last, as unreadable, with the reason.
    assert {(s.path.name, s.problem) for s in saves[2:]} == {("notes.json", "not a wargame save"), ("broken.json", "not a wargame save (cut short)")}
    latest = latest_unfinished(tmp_path)
    assert latest is not None and latest.path == ongoing.save_path
    assert latest.turn == 1 and latest.turns == 6 and latest.seats["red"] == "human"
    assert list_saves(tmp_path / "missing") == []


def test_countdown() -> None:
    c = Countdown()
    assert not c.active and c.left(0) is None and c.due_warning(0) is None
    c.start(120, now=1000)
    assert c.left(1000) == 120 and c.due_warning(1000) is None
    assert c.due_warning(1061) == 60 and c.due_warning(1062) is None
    c.pause(1100)
    assert c.left(5000) == 20 and c.due_warning(5000) is None  # paused: time stands still
    c.resume(5000)
    assert c.due_warning(5020) == 0 and c.due_warning(5030) is None
    c.restart(6000)
    assert c.left(6000) == 120
    c.stop()
    assert not c.active
    with pytest.raises(WargameError):
        c.start(0, now=0)


def test_seat_options_offer_the_deck_doctrines(tutorial: CompiledDeck) -> None:
    specs = [spec for _, spec in seat_options(tutorial, "red")]
    assert specs[:2] == ["human", "random"]
    try:
        import wargame.bots.doctrine  # noqa: F401
    except ImportError:
        assert not any(s.startswith("doctrine:") for s in specs)
    else:
        assert "doctrine:bully" in specs and "doctrine:broker" not in specs


def test_doctrine_seats_play(tutorial: CompiledDeck) -> None:
    pytest.importorskip("wargame.bots.doctrine")
    session = Session.new(tutorial, {"red": "doctrine:bully", "blue": "doctrine:broker"}, seed=1, save_dir=None)
    assert next(a.seat.label for a in session.observe("red").actors if a.id == "red") == "Computer (doctrine: bully)"
    while not session.is_over:
        decisions = session.run_bots()
        assert all(len(d.orders) == len(d.reasons) for d in decisions.values())
        session.resolve()
    assert session.ending is not None


def test_lookahead_seats_play(tutorial: CompiledDeck) -> None:
    pytest.importorskip("wargame.bots.lookahead")
    session = Session.new(tutorial, {"red": "lookahead:easy", "blue": "random"}, seed=1, save_dir=None)
    session.run_bots()
    assert session.ready


def test_unknown_seat_actor(tutorial: CompiledDeck) -> None:
    with pytest.raises(WargameError):
        Session.new(tutorial, {"green": "random"}, seed=1, save_dir=None)


def test_session_imports_no_ui_library() -> None:
    """The session is the UI-independent layer: importing it pulls in neither textual nor click."""
    import subprocess
    import sys

    code = "import sys, wargame.play.control, wargame.play.client, wargame.play.clock; print(sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'click'}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_copy_is_a_checkpoint_and_continue_resumes_the_live_game(tutorial: CompiledDeck, tmp_path: Path) -> None:
    """Save a copy, quit, Continue: the game that was being played, not the copy (the
    newest file); the list names the copy as one, and the app's analysis sidecar is no
    unreadable save."""
    session = hot_seat(tutorial, tmp_path)
    session.submit("red", ["patrol"])
    session.submit("blue", ["sanctions"])
    session.resolve()
    copy = session.save_copy(tmp_path / "checkpoint.json")
    (tmp_path / "checkpoint.analysis.json").write_text(json.dumps({"format": "wargame-analysis"}))
    latest = latest_unfinished(tmp_path)
    assert latest is not None and latest.path == session.save_path and not latest.copy
    listed = {s.path.name: s for s in list_saves(tmp_path)}
    assert set(listed) == {session.save_path.name, copy.name}  # type: ignore[union-attr]
    assert listed[copy.name].copy and listed[copy.name].readable
    # Loading the copy and playing on makes it the live game; the old file is the copy now.
    resumed = Session.resume(copy)
    resumed.submit("red", ["patrol"])
    assert resumed.autosave() == copy
    latest = latest_unfinished(tmp_path)
    assert latest is not None and latest.path == copy
    assert {s.path.name for s in list_saves(tmp_path) if s.copy} == {session.save_path.name}  # type: ignore[union-attr]
