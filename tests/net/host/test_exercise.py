"""The hosted exercise without the network: codes, sealing, resolving, the facilitator's
controls (as commands from a role, through the one controller), and reopening from the
store after a crash."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.net.exercise import AccessError, Exercise, Role
from wargame.net.store.base import FACILITATOR, PROJECTOR, Store
from wargame.play.commands import (
    Configure,
    Countdown,
    GameCommand,
    Inject,
    Orders,
    Pause,
    Reissue,
    RemoveInject,
    Reply,
    Reseat,
    Resolve,
    Resume,
    Revoke,
)
from wargame.saves.store import parse_save, verify

FAC = Role(FACILITATOR)


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


def seal(ex: Exercise, seat: str, turn: int, orders: list[str]) -> Reply:
    """A team seals its orders, as its client would."""
    return ex.apply(Role(seat), Orders(turn=turn, orders=orders))


def do(ex: Exercise, command: GameCommand) -> Reply:
    """The facilitator gives a command; it must be carried out."""
    reply = ex.apply(FAC, command)
    assert reply.ok, reply.message
    return reply


def sent(ex: Exercise, role: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ex.state_text(Role(role)))
    return data


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
    do(ex, Revoke(role="red"))
    assert ex.kicked == [("red", "the facilitator revoked the code for Red")]
    with pytest.raises(AccessError, match="code for Red has been revoked or replaced"):
        ex.authenticate(codes["red"])
    reply = do(ex, Reissue(role="blue"))
    assert reply.role == "blue" and reply.code is not None
    assert ex.authenticate(reply.code).name == "blue"
    with pytest.raises(AccessError, match="code for Blue has been revoked"):
        ex.authenticate(codes["blue"])
    assert ex.apply(FAC, Revoke(role="nobody")).message.startswith("no seat or role 'nobody'")
    assert ex.apply(FAC, Revoke(role="red")).message == "Red has no code to revoke"
    # The facilitator sees which seats have a working code.
    assert {s["actor"]: s["code"] for s in sent(ex, FACILITATOR)["room"]["seats"]} == {"red": False, "blue": True}


def test_only_the_facilitator_runs_the_room(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    """A seat's or the projector's code cannot resolve, revoke, re-seat or seal for others."""
    ex, codes = make(store, tutorial, clock)
    for role in (Role("red"), Role(PROJECTOR)):
        for command in (Resolve(), Pause(), Revoke(role="blue"), Reissue(role="blue"), Reseat(seat="blue", spec="random"), Countdown(minutes=1)):
            reply = ex.apply(role, command)
            assert not reply.ok and reply.code is None, (role, command)
            assert reply.message.startswith(f"{command.type}: "), reply.message
    assert ex.apply(Role(PROJECTOR), Orders(turn=1, orders=[])).message == "orders: the projector only shows the room"
    assert not ex.apply(FAC, Orders(turn=1, orders=[])).ok  # the facilitator gives no orders
    assert ex.game.turn == 1 and not ex.game.orders and not ex.paused
    assert ex.authenticate(codes["blue"]).name == "blue"


def test_sealing_is_checked_and_the_turn_resolves_when_all_are_in(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock, facilitator=False)
    assert seal(ex, "red", 2, []).message == "these orders are for week 2, but week 1 is being played now: they were not sealed"
    assert seal(ex, "red", 1, ["no-such-move"]).message == "'no-such-move' is not one of Red's moves: nothing was sealed"
    assert seal(ex, "red", 1, ["patrl"]).message == "'patrl' is not one of Red's moves (did you mean 'patrol'?): nothing was sealed"
    # Another seat's move is refused without saying whose it is (it might be a secret).
    assert seal(ex, "red", 1, ["sanctions"]).message == "'sanctions' is not one of Red's moves: nothing was sealed"
    assert seal(ex, "red", 1, first_move(ex, "red")).ok
    assert seal(ex, "red", 1, first_move(ex, "red")).ok  # a retry of the same orders is harmless
    assert "already sealed" in seal(ex, "red", 1, []).message
    assert store.pending_orders("ex1", 1)["red"].orders == ["patrol"]  # sealed in the store too
    assert seal(ex, "blue", 1, []).ok
    assert ex.game.turn == 2  # no facilitator: resolves when all are in
    # A stale submission after the turn resolved.
    assert seal(ex, "red", 1, []).message == "these orders are for week 1, but week 2 is being played now: they were not sealed"
    save = parse_save(store.load_exercise("ex1").save_json.encode(), "ex1")
    assert len(save.history) == 1 and save.history[0].orders["red"] == ["patrol"]


def test_facilitator_resolves_with_missing_seats_standing_pat_or_played(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    assert seal(ex, "red", 1, first_move(ex, "red")).ok
    assert ex.game.turn == 1  # with a facilitator, nothing resolves on its own by default
    do(ex, Resolve(missing="stand-pat"))
    assert ex.game.records[0].orders["blue"] == ()
    assert any("Blue did not seal in time: it stands pat" in n for n in ex.notices)
    do(ex, Resolve(missing="stand-in"))
    assert len(ex.game.records[1].orders["red"]) == 1 and len(ex.game.records[1].orders["blue"]) == 1
    assert any("computer stand-in played" in n for n in ex.notices)
    do(ex, Resolve(missing="computer"))  # the first release's name for a stand-in, still taken
    assert len(ex.game.records[2].orders["red"]) == 1
    # Notices are the facilitator's: no seat is sent them.
    assert sent(ex, FACILITATOR)["room"]["notices"] == ex.notices
    assert sent(ex, "red")["room"]["notices"] == [] and sent(ex, PROJECTOR)["room"]["notices"] == []


def test_countdown_time_up_follows_the_facilitators_choice(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    assert ex.settings.on_timeout == "stand-pat"  # a hosted room's default
    do(ex, Countdown(minutes=2))
    assert ex.countdown.left(clock()) == 120
    clock.advance(60)
    do(ex, Pause())
    clock.advance(500)
    assert ex.countdown.left(clock()) == 60 and not ex.time_up()
    do(ex, Resume())
    clock.advance(59)
    assert not ex.time_up()
    do(ex, Configure(on_timeout="wait"))
    clock.advance(2)
    assert not ex.time_up() and ex.game.turn == 1
    do(ex, Configure(on_timeout="stand_pat"))  # the first release's name, still taken
    assert ex.settings.on_timeout == "stand-pat"
    assert ex.time_up() and ex.game.turn == 2
    assert ex.countdown.left(clock()) == 120  # the next turn's countdown started
    do(ex, Configure(on_timeout="stand-in"))
    clock.advance(121)
    assert ex.time_up() and ex.game.turn == 3
    assert all(len(o) == 1 for o in ex.game.records[1].orders.values())  # the stand-ins played


def test_paused_game_refuses_orders(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    do(ex, Pause())
    assert "paused" in seal(ex, "red", 1, []).message
    assert sent(ex, "red")["room"]["paused"] is True


def test_reseat_hands_a_team_to_a_computer(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    do(ex, Reseat(seat="red", spec="doctrine:bully"))
    assert "played by a computer" in seal(ex, "red", 1, []).message
    jobs = ex.bot_jobs()
    assert [j.actor for j in jobs] == ["red"]
    ex.bot_decided(jobs[0], jobs[0].run(), None)
    assert "red" in ex.game.orders
    assert parse_save(store.load_exercise("ex1").save_json.encode(), "ex1").seats["red"] == "doctrine:bully"
    assert "unknown seat kind" in ex.apply(FAC, Reseat(seat="blue", spec="telepath")).message
    assert ex.apply(FAC, Reseat(seat="nobody", spec="random")).message == "unknown seat 'nobody'"


def test_a_reseat_reaches_the_seats_observation(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    """Every seat is told who plays each actor; the team handed to a computer is told so
    (its screen says a computer plays its seat), and told again when it is handed back."""
    ex, _ = make(store, tutorial, clock)

    def kinds(role: str) -> dict[str, str]:
        return {a["id"]: a["seat"]["kind"] for a in sent(ex, role)["observation"]["actors"]}

    assert kinds("red") == {"red": "human", "blue": "human"}
    do(ex, Reseat(seat="red", spec="random"))
    assert kinds("red") == kinds("blue") == kinds(PROJECTOR) == {"red": "computer", "blue": "human"}
    do(ex, Reseat(seat="red", spec="human"))
    assert kinds("red") == {"red": "human", "blue": "human"}


def test_an_agent_error_makes_the_seat_stand_pat_and_tells_the_facilitator(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock, seats={"blue": "random"})
    job = ex.bot_jobs()[0]
    ex.bot_decided(job, None, WargameError("agent for Blue ordered 'x'"))
    assert ex.game.orders["blue"] == ()
    assert "agent for Blue ordered 'x' — Blue stands pat this turn" in ex.notices[-1]


def test_reopening_after_a_crash_loses_nothing(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    wall = [dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)]
    ex, codes = make(store, tutorial, clock)
    ex.session.wall = lambda: wall[0]
    assert seal(ex, "red", 1, first_move(ex, "red")).ok
    assert seal(ex, "blue", 1, []).ok
    do(ex, Resolve())
    do(ex, Configure(auto_resolve=True, on_timeout="stand-in"))
    do(ex, Countdown(minutes=5))
    do(ex, Inject(text="A storm closes the port.", effects=["tension += 1"]))
    assert seal(ex, "red", 2, []).ok
    digest = ex.game.state.digest()
    # The process dies here: nothing is closed or flushed by hand; it is back 40 s later.
    wall[0] += dt.timedelta(seconds=40)
    again = Exercise.open(store, "ex1", clock=clock, wall=lambda: wall[0])
    assert again.game.turn == 2 and again.game.state.digest() == digest
    assert again.game.orders == {"red": ()}
    assert [i.text for i in again.game.injects] == ["A storm closes the port."]
    assert again.settings.auto_resolve and again.settings.on_timeout == "stand-in" and again.settings.countdown_minutes == 5
    left = again.countdown.left(clock())
    assert left == 260  # the countdown's time left, less the 40 s the host was down
    assert again.authenticate(codes["blue"]).name == "blue"  # the teams' codes still work
    assert seal(again, "blue", 2, []).ok
    assert again.game.turn == 3  # auto-resolve, as set before the crash
    while not again.game.is_over:
        do(again, Resolve())
    save = parse_save(store.load_exercise("ex1").save_json.encode(), "ex1")
    assert verify(save).ok


def test_a_turn_sealed_but_unresolved_at_the_crash_resolves_on_reopening(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock, facilitator=False)
    assert seal(ex, "red", 1, ["patrol"]).ok
    # Blue's seal reached the store, then the host died before the turn resolved.
    store.submit_orders("ex1", 1, "blue", [], [])
    again = Exercise.open(store, "ex1", clock=clock)
    assert again.game.turn == 2 and again.game.records[0].orders == {"red": ("patrol",), "blue": ()}


def test_the_old_time_up_names_in_the_store_are_read(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    """Settings logged by the first release (`computer`) reopen as today's `stand-in`."""
    make(store, tutorial, clock)
    store.append_event("ex1", "settings", {"auto_resolve": True, "on_timeout": "computer", "countdown_minutes": 0})
    assert Exercise.open(store, "ex1", clock=clock).settings.on_timeout == "stand-in"


def test_views_carry_only_their_viewers_data(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    ex, _ = make(store, tutorial, clock)
    red = sent(ex, "red")
    obs = red["observation"]
    assert red["role"] == "seat" and obs["viewer"] == {"kind": "seat", "seat": "red", "name": "Red", "label": "Red's view"}
    assert {m["id"] for m in obs["seat"]["moves"]} <= {m.id for m in tutorial.moves if m.actor == "red"}  # its own moves only
    assert "deck_source" not in str(red) and "[[moves]]" not in str(red) and '"seed"' not in json.dumps(red)
    blue_intel = next(t for t in obs["tracks"] if t["name"] == "blue.intel")
    assert blue_intel["value"] is None and set(blue_intel["history"]) == {None}
    assert obs["control"] is None and red["room"]["settings"] is None
    public = sent(ex, PROJECTOR)
    assert public["role"] == PROJECTOR and public["observation"]["seat"] is None
    assert all(t["value"] is None for t in public["observation"]["tracks"] if t["secret"])
    fac = sent(ex, FACILITATOR)
    assert next(t for t in fac["observation"]["tracks"] if t["name"] == "blue.intel")["value"] is not None
    assert fac["observation"]["control"]["seed"] == 7 and fac["room"]["settings"]["on_timeout"] == "stand-pat"


def test_an_inject_beyond_the_saves_limit_is_refused_in_one_line(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    """The save format holds 50 injects a turn: the 51st is refused when it is sent, so the
    exercise can always be resumed and exported."""
    from wargame.saves.format import MAX_INJECTS

    ex, _ = make(store, tutorial, clock)
    for i in range(MAX_INJECTS):
        assert do(ex, Inject(text=f"Inject {i}")).ok
    reply = ex.apply(Role(FACILITATOR), Inject(text="one too many"))
    assert not reply.ok and reply.message.startswith(f"at most {MAX_INJECTS} injects a week") and "\n" not in reply.message
    reopened = Exercise.open(store, "ex1", clock=clock)
    assert len(reopened.game.injects) == MAX_INJECTS
    assert store_export_ok(store)


def store_export_ok(store: Store) -> bool:
    from wargame.saves.store import parse_save

    parse_save(store.load_exercise("ex1").save_json.encode(), "ex1")
    return True


def test_an_inject_before_the_first_orders_joins_the_opening_and_survives_a_restart(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    """Hosted, the facilitator fires an inject during the briefing: every seat is sent it
    with the opening, the computer's orders sealed before it are withdrawn from the store
    (it decides again on the new opening), and a reopened exercise replays it."""
    ex, _ = make(store, tutorial, clock, seats={"blue": "doctrine:broker"})
    ex.session.run_bots()
    assert "blue" in store.pending_orders("ex1", 1)
    assert sent(ex, FACILITATOR)["observation"]["control"]["in_opening"]
    do(ex, Inject(text="A storm closes the harbour.", effects=["tension += 2"], opening=True))
    assert "blue" not in store.pending_orders("ex1", 1)
    for role in ("red", "blue", PROJECTOR):
        news = [n["text"] for n in sent(ex, role)["observation"]["news"] if n["turn"] == 0]
        assert news == ["A storm closes the harbour."], role
    ex.session.run_bots()
    assert seal(ex, "red", 1, []).ok
    assert not sent(ex, FACILITATOR)["observation"]["control"]["in_opening"]
    refused = ex.apply(FAC, Inject(text="Late", opening=True))
    assert not refused.ok and "Red sealed orders for week 1: the opening is over" in refused.message
    again = Exercise.open(store, "ex1", clock=clock)
    assert again.game.state.digest() == ex.game.state.digest()
    assert [i.text for i in again.game.opening_injects] == ["A storm closes the harbour."]
    do(again, Resolve(missing="stand-pat"))
    saved = parse_save(store.load_exercise("ex1").save_json.encode(), "ex1")
    assert verify(saved).ok


def test_an_opening_inject_is_withdrawn_and_stays_withdrawn_after_a_restart(store: Store, tutorial: CompiledDeck, clock: FakeClock) -> None:
    """Hosted, the facilitator withdraws an inject fired into the opening by mistake: the
    computer's orders sealed on it are withdrawn from the store (it decides again), every
    seat is sent the opening without it, the notice is logged, and a reopened exercise
    (from the store) replays the opening without it; once a team has sealed, it is refused."""
    ex, _ = make(store, tutorial, clock, seats={"blue": "doctrine:broker"})
    do(ex, Inject(text="A storm closes the harbour.", effects=["tension += 2"], opening=True))
    do(ex, Inject(event="hotline", opening=True))
    ex.session.run_bots()
    assert "blue" in store.pending_orders("ex1", 1)
    do(ex, RemoveInject(index=1, opening=True))
    assert "blue" not in store.pending_orders("ex1", 1)
    for role in ("red", "blue", PROJECTOR):
        news = [n["text"] for n in sent(ex, role)["observation"]["news"] if n["turn"] == 0]
        assert news == ["A storm closes the harbour."], role
    assert any("Withdrawn from the opening: Hotline opens" in n for n in sent(ex, FACILITATOR)["room"]["notices"])
    again = Exercise.open(store, "ex1", clock=clock)
    assert again.game.state.digest() == ex.game.state.digest()
    assert [i.text for i in again.game.opening_injects] == ["A storm closes the harbour."]
    again.session.run_bots()
    assert seal(again, "red", 1, []).ok
    refused = again.apply(FAC, RemoveInject(index=0, opening=True))
    assert not refused.ok and refused.message == "Red sealed orders for week 1: the opening is over and its injects stay"
    do(again, Resolve(missing="stand-pat"))
    saved = parse_save(store.load_exercise("ex1").save_json.encode(), "ex1")
    assert [i.text for i in saved.opening_injects] == ["A storm closes the harbour."]
    assert verify(saved).ok
