"""The hosted exercise without the network: codes, sealing, resolving, the facilitator's
controls, and reopening from the store after a crash."""

from __future__ import annotations

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.errors import IllegalOrderError, WargameError
from wargame.net.exercise import AccessError, Exercise
from wargame.net.store.base import FACILITATOR, PROJECTOR, Store
from wargame.saves.store import parse_save, verify


class FakeClock:
    """Monotonic time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(store: Store, deck: CompiledDeck, clock: FakeClock, facilitator: bool = True, seats: dict[str, str] | None = None) -> tuple[Exercise, dict[str, str]]:
    return Exercise.create(store, "ex1", deck, seats or {}, seed=7, facilitator=facilitator, clock=clock)


def first_move(ex: Exercise, seat: str) -> list[str]:
    return [ex.game.available_moves(seat)[0].id]


def test_codes_open_only_their_own_role(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, codes = make(store, tutorial, clock)
    assert set(codes) == {"red", "blue", FACILITATOR, PROJECTOR}
    assert len(set(codes.values())) == 4
    for role, code in codes.items():
        assert ex.authenticate(code).name == role
        assert ex.authenticate(code.lower().replace("-", " ")).name == role  # as a team might type it
    assert all(code not in str(store.codes("ex1")) for code in codes.values())  # only hashes are kept
    with pytest.raises(AccessError, match="wrong code"):
        ex.authenticate("AAAA-BBBB-CCCC")


def test_revoked_and_reissued_codes_are_refused_by_name(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, codes = make(store, tutorial, clock)
    ex.revoke("red")
    assert ex.kicked == [("red", "the facilitator revoked the code for Red")]
    with pytest.raises(AccessError, match="code for Red has been revoked or replaced"):
        ex.authenticate(codes["red"])
    new = ex.reissue("blue")
    assert ex.authenticate(new).name == "blue"
    with pytest.raises(AccessError, match="code for Blue has been revoked"):
        ex.authenticate(codes["blue"])
    with pytest.raises(WargameError, match="no seat or role 'nobody'"):
        ex.revoke("nobody")


def test_a_code_for_another_exercise_is_refused(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    _other, other_codes = Exercise.create(store, "ex2", tutorial, {}, seed=1, clock=clock)
    with pytest.raises(AccessError, match="another exercise"):
        ex.authenticate(other_codes["red"])


def test_sealing_is_checked_and_the_turn_resolves_when_all_are_in(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock, facilitator=False)
    with pytest.raises(IllegalOrderError, match="week 2, but week 1 is being played"):
        ex.submit("red", 2, [])
    with pytest.raises(IllegalOrderError, match="'no-such-move' is not one of Red's moves: nothing was sealed"):
        ex.submit("red", 1, ["no-such-move"])
    with pytest.raises(IllegalOrderError, match=r"'patrl' is not one of Red's moves \(did you mean 'patrol'\?\)"):
        ex.submit("red", 1, ["patrl"])
    # Another seat's move is refused without saying whose it is (it might be a secret).
    with pytest.raises(IllegalOrderError, match="'sanctions' is not one of Red's moves: nothing was sealed"):
        ex.submit("red", 1, ["sanctions"])
    ex.submit("red", 1, first_move(ex, "red"))
    ex.submit("red", 1, first_move(ex, "red"))  # a retry of the same orders is harmless
    with pytest.raises(IllegalOrderError, match="already sealed"):
        ex.submit("red", 1, [])
    assert store.pending_orders("ex1", 1)["red"].orders == ["patrol"]  # sealed in the store too
    ex.submit("blue", 1, [])
    assert ex.game.turn == 2  # no facilitator: resolves when all are in
    with pytest.raises(IllegalOrderError, match="week 1, but week 2 is being played now"):
        ex.submit("red", 1, [])  # a stale submission after the turn resolved
    save = parse_save(store.load_exercise("ex1").save_json.encode(), "ex1")
    assert len(save.history) == 1 and save.history[0].orders["red"] == ["patrol"]


def test_facilitator_resolves_with_missing_seats_standing_pat_or_played(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    ex.submit("red", 1, first_move(ex, "red"))
    assert ex.game.turn == 1  # with a facilitator, nothing resolves on its own by default
    ex.resolve("stand_pat")
    assert ex.game.records[0].orders["blue"] == ()
    assert any("Blue did not seal in time: it stands pat" in n for n in ex.notices)
    ex.resolve("computer")
    assert len(ex.game.records[1].orders["red"]) == 1 and len(ex.game.records[1].orders["blue"]) == 1
    assert any("computer stand-in played" in n for n in ex.notices)


def test_countdown_time_up_follows_the_facilitators_choice(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    ex.set_countdown(2)
    assert ex.countdown.left(clock()) == 120
    clock.advance(60)
    ex.pause()
    clock.advance(500)
    assert ex.countdown.left(clock()) == 60 and not ex.time_up()
    ex.resume()
    clock.advance(59)
    assert not ex.time_up()
    ex.configure(None, "wait")
    clock.advance(2)
    assert not ex.time_up() and ex.game.turn == 1
    ex.configure(None, "stand_pat")
    assert ex.time_up() and ex.game.turn == 2
    assert ex.countdown.left(clock()) == 120  # the next turn's countdown started


def test_paused_game_refuses_orders(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    ex.pause()
    with pytest.raises(IllegalOrderError, match="paused"):
        ex.submit("red", 1, [])


def test_reseat_hands_a_team_to_a_computer(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    ex.reseat("red", "doctrine:bully")
    with pytest.raises(IllegalOrderError, match="played by a computer"):
        ex.submit("red", 1, [])
    jobs = ex.bot_jobs()
    assert [j.actor for j in jobs] == ["red"]
    ex.bot_decided(jobs[0], jobs[0].run(), None)
    assert "red" in ex.game.orders
    assert parse_save(store.load_exercise("ex1").save_json.encode(), "ex1").seats["red"] == "doctrine:bully"
    with pytest.raises(WargameError, match="unknown seat kind"):
        ex.reseat("blue", "telepath")


def test_an_agent_error_makes_the_seat_stand_pat_and_tells_the_facilitator(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock, seats={"blue": "random"})
    job = ex.bot_jobs()[0]
    ex.bot_decided(job, None, WargameError("agent for Blue ordered 'x'"))
    assert ex.game.orders["blue"] == ()
    assert "agent for Blue ordered 'x' — Blue stands pat this turn" in ex.notices[-1]


def test_reopening_after_a_crash_loses_nothing(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, codes = make(store, tutorial, clock)
    ex.submit("red", 1, first_move(ex, "red"))
    ex.submit("blue", 1, [])
    ex.resolve()
    ex.configure(True, "computer")
    ex.set_countdown(5)
    ex.inject(None, "A storm closes the port.", ["tension += 1"])
    ex.submit("red", 2, [])
    digest = ex.game.state.digest()
    # The process dies here: nothing is closed or flushed by hand.
    again = Exercise.open(store, "ex1", clock=clock)
    assert again.game.turn == 2 and again.game.state.digest() == digest
    assert again.game.orders == {"red": ()}
    assert [i.text for i in again.game.injects] == ["A storm closes the port."]
    assert again.settings.auto_resolve and again.settings.on_timeout == "computer" and again.settings.countdown_minutes == 5
    assert again.authenticate(codes["blue"]).name == "blue"  # the teams' codes still work
    again.submit("blue", 2, [])
    assert again.game.turn == 3  # auto-resolve, as set before the crash
    while not again.game.is_over:
        again.resolve()
    save = parse_save(store.load_exercise("ex1").save_json.encode(), "ex1")
    assert verify(save).ok


def test_views_carry_only_their_viewers_data(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    red = ex.seat_state("red")
    assert red["view"]["seat"] == "red" and all(m["id"] in {"patrol", "missile-test", "talks-offer"} for m in red["view"]["moves"])
    assert "deck_source" not in str(red) and "[[moves]]" not in str(red)
    blue_intel = next(t for t in red["view"]["tracks"] if t["name"] == "blue.intel")
    assert blue_intel["value"] is None and set(blue_intel["history"]) == {None}
    public = ex.public_state()
    assert all(t["value"] is None for t in public["tracks"] if t["secret"])
    fac = ex.facilitator_state()
    assert next(t for t in fac["tracks"] if t["name"] == "blue.intel")["value"] is not None
