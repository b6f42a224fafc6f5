"""The game store, on both backends with the same tests: nothing lost, nothing stale, nothing leaked.

Every test here runs once on SQLite and once on a real PostgreSQL server (see conftest).
They cover the interface's promises: optimistic concurrency on saves, orders only for the
open turn, codes that stop working when revoked, a gap-free ordered event log, writers in
many threads and processes at once, durability across reopening and `kill -9`, and one
host per exercise (a lease a second host is refused, that lapses, and that fences writes).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.errors import WargameError
from wargame.net.store import (
    EVENT_CODE,
    EVENT_CREATED,
    EVENT_ORDERS,
    EVENT_SAVE,
    FACILITATOR,
    CodeInUse,
    ExerciseExists,
    ExerciseHeld,
    Holder,
    LeaseLost,
    StaleTurn,
    StaleWrite,
    Store,
    StoreError,
    StoreUnavailable,
    UnknownExercise,
    export_save,
    hash_code,
    open_store,
    redact_url,
)
from wargame.net.store.lease import process_started
from wargame.saves.store import new_save, read_save, resume, verify

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).resolve().parent / "store_worker.py"


def save_json(done: int = 0, turns: int = 5, ending: str | None = None, **extra: Any) -> str:
    """The parts of a save the store reads: its history, its length and its ending."""
    return json.dumps({"history": [{"turn": i + 1} for i in range(done)], "turns": turns, "ending": ending, **extra})


def new_id() -> str:
    return f"ex-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def ex(store: Store) -> str:
    """An exercise at turn 1 with codes for seat us, seat cn and the facilitator."""
    eid = new_id()
    store.create_exercise(eid, save_json(), {"us": hash_code(f"{eid}-us"), "cn": hash_code(f"{eid}-cn"),
                                             FACILITATOR: hash_code(f"{eid}-f")})
    return eid


def worker(url: str, *args: object) -> subprocess.Popen[str]:
    env = {**os.environ, "WARGAME_STORE_URL": url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(WORKER), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == "ready\n", proc.stderr.read() if proc.stderr else line
    return proc


def finish(proc: subprocess.Popen[str]) -> list[str]:
    # Read through the same buffered pipe `worker` read "ready" from (communicate() would
    # bypass its buffer and lose lines already read into it).
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 0, err
    return out.split()


# -- exercises and saves ----------------------------------------------------------------


def test_create_load_and_list(store: Store, ex: str) -> None:
    rec = store.load_exercise(ex)
    assert (rec.exercise_id, rec.revision, rec.turn, rec.finished) == (ex, 1, 1, False)
    assert rec.save_json == save_json()
    assert store.exercise_ids() == [ex]
    assert [i.exercise_id for i in store.exercises()] == [ex]
    with pytest.raises(ExerciseExists, match=ex):
        store.create_exercise(ex, save_json(), {})
    assert store.load_exercise(ex).save_json == save_json()  # the failed create changed nothing


def test_put_save_moves_revision_and_turn(store: Store, ex: str) -> None:
    assert store.put_save(ex, save_json(1), 1) == 2
    assert store.put_save(ex, save_json(2), 2) == 3
    rec = store.load_exercise(ex)
    assert (rec.revision, rec.turn) == (3, 3)
    store.put_save(ex, save_json(3, ending="deal"), 3)
    assert store.load_exercise(ex).finished
    store.put_save(ex, save_json(5, turns=5), 4)
    assert store.load_exercise(ex).turn is None  # all turns played is over too


def test_stale_write_is_refused_and_changes_nothing(store: Store, ex: str) -> None:
    store.put_save(ex, save_json(1), 1)
    with pytest.raises(StaleWrite) as err:
        store.put_save(ex, save_json(1, note="lost"), 1)
    assert (err.value.expected, err.value.actual) == (1, 2)
    assert "expected revision 1" in str(err.value)
    rec = store.load_exercise(ex)
    assert (rec.revision, rec.save_json) == (2, save_json(1))


def test_clock_stamps_records(store_url: str) -> None:
    times = iter(dt.datetime(2030, 1, 1, 9, m, tzinfo=dt.UTC) for m in range(60))
    with open_store(store_url, clock=lambda: next(times)) as s:
        s.create_exercise("a", save_json(), {})
        s.put_save("a", save_json(1), 1)
        rec = s.load_exercise("a")
        assert rec.created == dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)
        assert rec.updated == dt.datetime(2030, 1, 1, 9, 1, tzinfo=dt.UTC)
        assert [e.at.minute for e in s.events("a")] == [0, 1]


def test_delete_exercise_removes_everything(store: Store, ex: str) -> None:
    store.submit_orders(ex, 1, "us", ["x"])
    store.delete_exercise(ex)
    assert store.exercise_ids() == []
    assert store.find_code(hash_code(f"{ex}-us")) is None
    with pytest.raises(UnknownExercise):
        store.events(ex)
    with pytest.raises(UnknownExercise):
        store.delete_exercise(ex)


@pytest.mark.parametrize("call", [
    lambda s: s.load_exercise("nope"),
    lambda s: s.put_save("nope", save_json(), 1),
    lambda s: s.submit_orders("nope", 1, "us", []),
    lambda s: s.withdraw_orders("nope", 1, "us"),
    lambda s: s.pending_orders("nope", 1),
    lambda s: s.set_code("nope", "us", hash_code("x")),
    lambda s: s.revoke_code("nope", "us"),
    lambda s: s.codes("nope"),
    lambda s: s.append_event("nope", "note", {}),
    lambda s: s.events("nope"),
    lambda s: s.last_event("nope"),
    lambda s: s.wait_for_event("nope", 0, 0),
])
def test_unknown_exercise_is_a_clear_error(store: Store, call: Any) -> None:
    with pytest.raises(UnknownExercise, match="no exercise 'nope' in the store"):
        call(store)


@pytest.mark.parametrize("call, fragment", [
    (lambda s: s.create_exercise("bad id!", save_json(), {}), "bad exercise id"),
    (lambda s: s.create_exercise("a", "{not json", {}), "not valid JSON"),
    (lambda s: s.create_exercise("a", "[]", {}), "not a wargame save"),
    (lambda s: s.create_exercise("a", save_json(), {"us": "plain-code"}), "64 lowercase hex"),
    (lambda s: s.create_exercise("a", save_json(), {"u s": hash_code("x")}), "bad role name"),
    (lambda s: s.create_exercise("a", save_json(), {"us": hash_code("x"), "cn": hash_code("x")}), "in use"),
    (lambda s: s.append_event("a", "kind", {"x": object()}), "plain JSON"),
])
def test_bad_arguments_are_store_errors(store: Store, call: Any, fragment: str) -> None:
    with pytest.raises(StoreError, match=fragment):
        call(store)
    assert store.exercise_ids() == []


# -- sealed orders ----------------------------------------------------------------------


def test_orders_are_sealed_replaced_and_withdrawn(store: Store, ex: str) -> None:
    store.submit_orders(ex, 1, "us", ["a", "b"], ["because"])
    store.submit_orders(ex, 1, "cn", [])
    store.submit_orders(ex, 1, "us", ["c"])  # a seat may change its mind before resolution
    assert store.pending_orders(ex, 1) == {"cn": ([], []), "us": (["c"], [])}
    assert store.withdraw_orders(ex, 1, "cn") is True
    assert store.withdraw_orders(ex, 1, "cn") is False
    assert store.pending_orders(ex, 1) == {"us": (["c"], [])}
    assert store.pending_orders(ex, 2) == {}


def test_stale_turn_is_refused(store: Store, ex: str) -> None:
    store.submit_orders(ex, 1, "us", ["a"])
    store.put_save(ex, save_json(1), 1)  # turn 1 resolved
    with pytest.raises(StaleTurn, match="orders for turn 1 .* came too late: the current turn is 2"):
        store.submit_orders(ex, 1, "cn", ["late"])
    with pytest.raises(StaleTurn):
        store.withdraw_orders(ex, 1, "us")
    with pytest.raises(StaleTurn):
        store.submit_orders(ex, 3, "cn", ["early"])
    assert store.pending_orders(ex, 1) == {"us": (["a"], [])}  # the record of turn 1 stands
    store.put_save(ex, save_json(2, ending="war"), 2)
    with pytest.raises(StaleTurn, match="the exercise is over") as err:
        store.submit_orders(ex, 3, "us", ["x"])
    assert err.value.current is None


# -- join codes -------------------------------------------------------------------------


def test_codes_issue_find_reissue_and_revoke(store: Store, ex: str) -> None:
    us = hash_code(f"{ex}-us")
    assert store.find_code(us) == (ex, "us")
    assert store.find_code(hash_code(f"{ex}-US")) == (ex, "us")  # case does not matter to people
    assert store.find_code(hash_code("wrong")) is None
    assert set(store.codes(ex)) == {"us", "cn", FACILITATOR}
    new = hash_code("new-us-code")
    store.set_code(ex, "us", new)  # reissue: the old code stops working at once
    assert store.find_code(new) == (ex, "us")
    assert store.find_code(us) is None
    assert store.revoked_code(us) == (ex, "us")
    assert store.revoke_code(ex, "us") is True
    assert store.revoke_code(ex, "us") is False
    assert store.find_code(new) is None
    assert store.revoked_code(new) == (ex, "us")
    assert store.revoked_code(hash_code("never issued")) is None
    assert set(store.codes(ex)) == {"cn", FACILITATOR}
    store.set_code(ex, "projector", hash_code("proj"))
    assert store.find_code(hash_code("proj")) == (ex, "projector")


def test_a_code_belongs_to_one_role_of_one_exercise(store: Store, ex: str) -> None:
    other = new_id()
    with pytest.raises(CodeInUse):
        store.create_exercise(other, save_json(), {"us": hash_code(f"{ex}-cn")})
    assert other not in store.exercise_ids()  # the whole create rolled back
    store.create_exercise(other, save_json(), {})
    with pytest.raises(CodeInUse):
        store.set_code(other, "us", hash_code(f"{ex}-us"))
    revoked = hash_code(f"{ex}-cn")
    store.revoke_code(ex, "cn")
    with pytest.raises(CodeInUse):  # a revoked code is never handed out again
        store.set_code(other, "cn", revoked)
    assert store.codes(other) == {}


def test_hash_code_never_stores_the_code() -> None:
    h = hash_code("TIGER-4821")
    assert len(h) == 64 and "TIGER" not in h and "4821" not in h
    assert hash_code("tiger 4821") == hash_code("TIGER-4821") != hash_code("TIGER-4822")


# -- the event log ----------------------------------------------------------------------


def test_event_log_order_and_paging(store: Store, ex: str) -> None:
    store.submit_orders(ex, 1, "us", ["secret-move"])
    store.append_event(ex, "inject", {"text": "a storm", "n": 1.5, "list": [1, None]})
    store.set_code(ex, "us", hash_code("fresh"))
    store.put_save(ex, save_json(1), 1)
    events = store.events(ex)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert [e.kind for e in events] == [EVENT_CREATED, EVENT_ORDERS, "inject", EVENT_CODE, EVENT_SAVE]
    assert events[1].payload == {"turn": 1, "seat": "us", "sealed": True}
    assert events[2].payload == {"text": "a storm", "n": 1.5, "list": [1, None]}
    assert events[4].payload == {"revision": 2, "turn": 2, "finished": False}
    assert [e.seq for e in store.events(ex, after=3)] == [4, 5]
    assert [e.seq for e in store.events(ex, after=1, limit=2)] == [2, 3]
    assert store.last_event(ex) == 5
    assert store.events(ex, after=5) == []


def test_failed_writes_leave_no_event(store: Store, ex: str) -> None:
    store.put_save(ex, save_json(1), 1)
    for call in (lambda: store.put_save(ex, save_json(2), 1), lambda: store.submit_orders(ex, 1, "us", [])):
        with pytest.raises(StoreError):
            call()
    assert [e.kind for e in store.events(ex)] == [EVENT_CREATED, EVENT_SAVE]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    orders=st.lists(st.text(alphabet="abcxyz0123456789 !?-", min_size=1, max_size=20), min_size=1, max_size=4),
    code=st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=8, max_size=12),
)
def test_the_event_log_holds_no_sealed_orders_or_codes(store: Store, orders: list[str], code: str) -> None:
    # The log is what a host can fan out to every screen: it must never carry what a
    # seat sealed (secret until resolution) or a code (it would open the seat).
    eid = new_id()
    code += eid[-6:].upper()  # examples share the store, and a code is never issued twice
    sealed = [f"ORDER<{o}>" for o in orders]
    store.create_exercise(eid, save_json(), {"us": hash_code(code)})
    store.submit_orders(eid, 1, "us", sealed, [f"WHY<{o}>" for o in orders])
    store.withdraw_orders(eid, 1, "us")
    store.submit_orders(eid, 1, "us", sealed)
    store.set_code(eid, "cn", hash_code(code + "X"))
    store.revoke_code(eid, "us")
    text = json.dumps([(e.kind, e.payload) for e in store.events(eid)])
    assert "ORDER<" not in text and "WHY<" not in text
    assert code not in text and hash_code(code) not in text and hash_code(code + "X") not in text


def test_wait_for_event_returns_at_once_what_is_there(store: Store, ex: str) -> None:
    assert [e.seq for e in store.wait_for_event(ex, 0, timeout=0)] == [1]
    assert store.wait_for_event(ex, 1, timeout=0) == []


def test_wait_for_event_wakes_on_a_write_in_another_thread(store: Store, ex: str) -> None:
    got: list[int] = []
    started = threading.Event()

    def wait() -> None:
        started.set()
        got.extend(e.seq for e in store.wait_for_event(ex, 1, timeout=60))

    t = threading.Thread(target=wait)
    t.start()
    started.wait()
    store.append_event(ex, "note", {"n": 1})
    t.join(timeout=60)
    assert got == [2]


def test_wait_for_event_sees_only_its_own_exercise(store: Store, ex: str) -> None:
    other = new_id()
    store.create_exercise(other, save_json(), {})
    got: list[tuple[str, int]] = []
    started = threading.Event()

    def wait() -> None:
        started.set()
        got.extend((e.exercise_id, e.seq) for e in store.wait_for_event(ex, 1, timeout=60))

    t = threading.Thread(target=wait)
    t.start()
    started.wait()
    store.append_event(other, "elsewhere", {})
    store.append_event(other, "elsewhere", {})
    store.append_event(ex, "here", {})
    t.join(timeout=60)
    assert got == [(ex, 2)]


def test_wait_for_event_wakes_on_a_write_in_another_process(store: Store, store_url: str, ex: str) -> None:
    proc = worker(store_url, "append", ex, "tick", 3)
    events = store.wait_for_event(ex, 1, timeout=60)
    assert events and events[0].kind == "tick"
    assert finish(proc) == ["2", "3", "4"]


# -- concurrency and durability ---------------------------------------------------------


def test_threads_submitting_at_once_lose_nothing(store: Store, ex: str) -> None:
    seats, each = [f"s{i}" for i in range(8)], 25
    barrier = threading.Barrier(len(seats))
    errors: list[BaseException] = []

    def seat(name: str) -> None:
        try:
            barrier.wait()
            for i in range(each):
                store.submit_orders(ex, 1, name, [f"{name}-{i}"])
                if i % 5 == 0:
                    store.append_event(ex, "note", {"seat": name, "i": i})
        except BaseException as exc:  # noqa: BLE001  # collected, asserted empty below
            errors.append(exc)

    threads = [threading.Thread(target=seat, args=(s,)) for s in seats]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.pending_orders(ex, 1) == {s: ([f"{s}-{each - 1}"], []) for s in seats}
    events = store.events(ex)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))  # gap-free, in order
    sealed = [(e.payload["seat"]) for e in events if e.kind == EVENT_ORDERS]
    assert sorted(sealed) == sorted(s for s in seats for _ in range(each))
    notes = [(e.payload["seat"], e.payload["i"]) for e in events if e.kind == "note"]
    for s in seats:  # each thread's writes appear in the order it made them
        assert [i for n, i in notes if n == s] == list(range(0, each, 5))


def test_threads_read_modify_write_lose_no_update(store: Store, ex: str) -> None:
    n_threads, each = 6, 10

    def bump() -> None:
        for _ in range(each):
            while True:
                rec = store.load_exercise(ex)
                data = json.loads(rec.save_json)
                data["count"] = data.get("count", 0) + 1
                try:
                    store.put_save(ex, json.dumps(data), rec.revision)
                    break
                except StaleWrite:
                    continue

    threads = [threading.Thread(target=bump) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rec = store.load_exercise(ex)
    assert json.loads(rec.save_json)["count"] == n_threads * each
    assert rec.revision == 1 + n_threads * each


def test_processes_submitting_at_once_lose_nothing(store: Store, store_url: str, ex: str) -> None:
    seats, each = ["p0", "p1", "p2", "p3"], 30
    procs = [worker(store_url, "submit", ex, s, each) for s in seats]
    bumpers = [worker(store_url, "increment", ex, "count", each) for _ in range(2)]
    for p in procs + bumpers:
        assert finish(p) == [str(i) for i in range(each)]
    assert store.pending_orders(ex, 1) == {s: ([f"{s}-{each - 1}"], [f"reason {each - 1}"]) for s in seats}
    events = store.events(ex)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert sum(e.kind == EVENT_ORDERS for e in events) == len(seats) * each
    assert json.loads(store.load_exercise(ex).save_json)["count"] == 2 * each


def test_reopen_after_close_keeps_everything(store_url: str) -> None:
    with open_store(store_url) as s:
        s.create_exercise("keep", save_json(), {"us": hash_code("k1")})
        s.submit_orders("keep", 1, "us", ["a"])
        s.put_save("keep", save_json(1), 1)
        s.submit_orders("keep", 2, "us", ["b"])
        before = (s.load_exercise("keep"), s.events("keep"))
    with pytest.raises(StoreError, match="closed"):
        s.exercise_ids()
    s.close()  # twice is harmless
    with open_store(store_url) as again:
        assert (again.load_exercise("keep"), again.events("keep")) == before
        assert again.pending_orders("keep", 2) == {"us": (["b"], [])}
        assert again.find_code(hash_code("k1")) == ("keep", "us")


def test_a_killed_writer_loses_nothing_committed(store: Store, store_url: str, ex: str) -> None:
    proc = worker(store_url, "append", ex, "tick", 0)  # appends until killed
    assert proc.stdout is not None
    committed = [int(proc.stdout.readline()) for _ in range(40)]
    proc.send_signal(signal.SIGKILL)  # almost surely inside a transaction: it loops on them
    rest = proc.stdout.read().split()
    proc.wait()
    committed += [int(x) for x in rest]
    store.close()
    with open_store(store_url) as s:
        events = s.events(ex)
        seqs = [e.seq for e in events]
        assert seqs == list(range(1, len(seqs) + 1))
        assert set(committed) <= set(seqs)
        # At most one commit happened after the worker's last line (killed before printing).
        assert s.last_event(ex) in {committed[-1], committed[-1] + 1}
        s.submit_orders(ex, 1, "us", ["after the crash"])  # no lock was left behind
        assert s.pending_orders(ex, 1)["us"].orders == ["after the crash"]


def test_a_writer_killed_inside_its_transaction_leaves_nothing_and_no_lock(
    store: Store, store_url: str, ex: str
) -> None:
    store.submit_orders(ex, 1, "us", ["before"])
    before = store.last_event(ex)
    proc = worker(store_url, "hold", ex, "uncommitted", 0)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "holding\n"  # its write is done but not committed
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert store.last_event(ex) == before
    assert "uncommitted" not in [e.kind for e in store.events(ex)]
    store.submit_orders(ex, 1, "cn", ["after"])  # the lock it held died with it
    assert store.pending_orders(ex, 1) == {"cn": (["after"], []), "us": (["before"], [])}
    assert store.last_event(ex) == before + 1


def test_a_writer_stuck_in_its_transaction_makes_others_give_up_with_a_message(
    store: Store, store_url: str, ex: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend_module(store), "LOCK_TIMEOUT_S", 0.5)
    proc = worker(store_url, "hold", ex, "stuck", 0)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "holding\n"
        with open_store(store_url) as other, pytest.raises(StoreUnavailable) as err:
            other.submit_orders(ex, 1, "us", ["x"])
        assert "another process" in str(err.value) and "\n" not in str(err.value)
    finally:
        proc.kill()
        proc.wait()
    store.submit_orders(ex, 1, "us", ["x"])


def test_closing_a_store_wakes_its_waiters_with_an_error(store_url: str) -> None:
    s = open_store(store_url)
    s.create_exercise("w", save_json(), {})
    outcome: list[BaseException | list[Any]] = []
    started = threading.Event()

    def wait() -> None:
        started.set()
        try:
            outcome.append(s.wait_for_event("w", 1, timeout=120))
        except StoreError as exc:
            outcome.append(exc)

    t = threading.Thread(target=wait)
    t.start()
    started.wait()
    s.close()  # whether the waiter is already blocked or about to call, it must not hang
    t.join(timeout=60)
    assert not t.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], StoreError) and "closed" in str(outcome[0])
    with pytest.raises(StoreError, match="closed"):
        s.wait_for_event("w", 1, timeout=1)


# -- schema versions --------------------------------------------------------------------


def backend_module(store: Store) -> Any:
    return sys.modules[type(store).__module__]


def test_schema_is_versioned_and_migrations_run_once(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(store_url) as s:
        mod = backend_module(s)
        assert s.schema_version() == mod.SCHEMA_VERSION == 2
        s.create_exercise("old", save_json(), {})
    ran: list[int] = []

    def upgrade(conn: Any) -> None:
        ran.append(2)
        conn.execute("CREATE TABLE extra_v3 (x integer)")

    monkeypatch.setattr(mod, "SCHEMA_VERSION", 3)
    monkeypatch.setitem(mod.MIGRATIONS, 2, upgrade)
    with open_store(store_url) as s:
        assert s.schema_version() == 3
        assert s.load_exercise("old").revision == 1
    with open_store(store_url) as s:
        assert s.schema_version() == 3
    assert ran == [2]
    monkeypatch.setattr(mod, "SCHEMA_VERSION", 2)
    with pytest.raises(StoreUnavailable, match="schema version 3, newer than this wargame reads"):
        open_store(store_url)


def test_a_version_1_store_gains_leases_and_keeps_its_exercises(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if store_url.startswith("sqlite"):
        from wargame.net.store import sqlite as mod
        cls: Any = mod.SqliteStore
    else:
        from wargame.net.store import postgres as mod
        cls = mod.PostgresStore
    # A store as wargame wrote it before leases: version 1's tables only.
    monkeypatch.setattr(mod, "SCHEMA_VERSION", 1)
    monkeypatch.setattr(cls, "_schema", lambda self: list(mod._SCHEMA_V1))
    with open_store(store_url) as old:
        assert old.schema_version() == 1
        old.create_exercise("before", save_json(), {})
    monkeypatch.undo()
    with open_store(store_url) as s:
        assert s.schema_version() == 2
        assert s.load_exercise("before").revision == 1
        lease = s.acquire_lease("before", Holder("laptop-a", 41, T0), ttl=30)
        assert s.lease("before") == lease


# -- one host at a time -----------------------------------------------------------------

T0 = dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)
LAPTOP_A = Holder("laptop-a", 4242, T0)
LAPTOP_B = Holder("laptop-b", 777, T0)


class Clock:
    """Store time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def two_hosts(store_url: str) -> Iterator[tuple[Store, Store, Clock]]:
    """Two stores on one database, as two host processes would open it, on one clock."""
    clock = Clock()
    a, b = open_store(store_url, clock=clock), open_store(store_url, clock=clock)
    try:
        a.create_exercise("room", save_json(), {"us": hash_code("room-us")})
        yield a, b, clock
    finally:
        a.close()
        b.close()


def test_a_second_host_is_refused_in_one_line_naming_the_holder(two_hosts: tuple[Store, Store, Clock]) -> None:
    a, b, clock = two_hosts
    lease = a.acquire_lease("room", LAPTOP_A, ttl=30)
    clock.advance(4)
    with pytest.raises(ExerciseHeld) as refused:
        b.acquire_lease("room", LAPTOP_B, ttl=30)
    message = str(refused.value)
    assert message == (
        "exercise 'room' is being hosted by the host on laptop-a (pid 4242, started 2030-01-01 09:00:00 UTC), "
        "last heard from 4 s ago: stop that host first (its hold lapses 26 s from now if it has stopped without saying so)"
    )
    assert "\n" not in message
    assert b.lease("room") == lease


def test_a_store_without_the_lease_reads_but_changes_nothing(two_hosts: tuple[Store, Store, Clock]) -> None:
    a, b, _ = two_hosts
    a.acquire_lease("room", LAPTOP_A, ttl=30)
    a.submit_orders("room", 1, "us", ["patrol"])  # the holder writes as before
    writes = [
        lambda: b.submit_orders("room", 1, "us", ["launch"]),
        lambda: b.withdraw_orders("room", 1, "us"),
        lambda: b.put_save("room", save_json(1), 1),
        lambda: b.set_code("room", "cn", hash_code("room-cn")),
        lambda: b.revoke_code("room", "us"),
        lambda: b.append_event("room", "notice", {"text": "hi"}),
        lambda: b.delete_exercise("room"),
    ]
    before = a.last_event("room")
    for write in writes:
        with pytest.raises(ExerciseHeld, match="being hosted by the host on laptop-a"):
            write()
    assert b.pending_orders("room", 1) == {"us": (["patrol"], [])}
    assert b.load_exercise("room").revision == 1 and a.last_event("room") == before


def test_a_lapsed_lease_is_taken_over_only_after_it_expires_and_the_old_host_is_fenced(two_hosts: tuple[Store, Store, Clock]) -> None:
    a, b, clock = two_hosts
    old = a.acquire_lease("room", LAPTOP_A, ttl=30)
    clock.advance(20)
    old = a.renew_lease(old, ttl=30)  # renewed: good for 30 s more
    clock.advance(29)
    with pytest.raises(ExerciseHeld):
        b.acquire_lease("room", LAPTOP_B, ttl=30)
    clock.advance(2)  # 31 s since it was last heard from: lapsed
    new = b.acquire_lease("room", LAPTOP_B, ttl=30)
    assert new.token > old.token and new.holder == LAPTOP_B
    # The old host, back from a network outage, changes nothing and is told who took over.
    with pytest.raises(LeaseLost, match="no longer holds exercise 'room': the host on laptop-b"):
        a.submit_orders("room", 1, "us", ["patrol"])
    with pytest.raises(LeaseLost):
        a.put_save("room", save_json(1), 1)
    with pytest.raises(LeaseLost, match="laptop-b"):
        a.renew_lease(old, ttl=30)
    b.submit_orders("room", 1, "us", ["talks"])
    assert a.pending_orders("room", 1) == {"us": (["talks"], [])}


def test_a_lapsed_lease_nobody_took_is_renewed(two_hosts: tuple[Store, Store, Clock]) -> None:
    a, _, clock = two_hosts
    lease = a.acquire_lease("room", LAPTOP_A, ttl=30)
    clock.advance(120)  # the store was out of reach for two minutes
    again = a.renew_lease(lease, ttl=30)
    assert again.token == lease.token and again.expires == clock.now + dt.timedelta(seconds=30)
    a.submit_orders("room", 1, "us", ["patrol"])


def test_a_released_lease_is_free_at_once_and_tokens_keep_growing(two_hosts: tuple[Store, Store, Clock]) -> None:
    a, b, _ = two_hosts
    first = a.acquire_lease("room", LAPTOP_A, ttl=30)
    a.release_lease(first)
    second = b.acquire_lease("room", LAPTOP_B, ttl=30)
    b.release_lease(second)
    third = a.acquire_lease("room", LAPTOP_A, ttl=30)
    assert first.token < second.token < third.token
    a.submit_orders("room", 1, "us", ["patrol"])
    with pytest.raises(LeaseLost):
        b.renew_lease(second, ttl=30)


def test_a_holder_on_this_machine_whose_process_died_lets_go_at_once(two_hosts: tuple[Store, Store, Clock]) -> None:
    a, b, _ = two_hosts
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        started = process_started(proc.pid)
        assert started is not None or not sys.platform.startswith("linux")
        there = Holder(socket.gethostname(), proc.pid, started or T0)
        a.acquire_lease("room", there, ttl=30)
        with pytest.raises(ExerciseHeld, match=f"pid {proc.pid}"):
            b.acquire_lease("room", LAPTOP_B, ttl=30)  # its process runs: the lease holds
    finally:
        proc.kill()
        proc.wait()
    assert b.acquire_lease("room", LAPTOP_B, ttl=30).holder == LAPTOP_B  # killed: free at once


def test_a_holder_on_another_machine_is_never_assumed_gone() -> None:
    assert not Holder("some-other-laptop", 1, T0).is_gone()
    assert not Holder.this_process().is_gone()
    earlier = Holder(socket.gethostname(), os.getpid(), T0)  # this pid, used by an earlier process
    assert earlier.is_gone() == sys.platform.startswith("linux")


def test_hosts_racing_for_one_exercise_get_it_once(store_url: str) -> None:
    with open_store(store_url) as s:
        s.create_exercise("race", save_json(), {})
    stores = [open_store(store_url) for _ in range(6)]
    won: list[Holder] = []
    refused: list[str] = []
    barrier = threading.Barrier(len(stores))

    def take(i: int) -> None:
        barrier.wait()
        try:
            won.append(stores[i].acquire_lease("race", Holder(f"laptop-{i}", i + 1, T0), ttl=30).holder)
        except ExerciseHeld as exc:
            refused.append(str(exc))

    threads = [threading.Thread(target=take, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for s in stores:
        s.close()
    assert len(won) == 1 and len(refused) == len(stores) - 1
    assert all(f"hosted by the host on {won[0].host} " in r for r in refused)


# -- export -----------------------------------------------------------------------------


@pytest.fixture
def played() -> Iterator[str]:
    deck = load_deck(ROOT / "decks" / "tutorial.toml")
    game = Game(deck, 7)
    while not game.is_over and len(game.records) < 3:
        for actor in deck.actors:
            game.submit(actor, [])
        game.resolve()
    yield new_save(game, {a: "human" for a in deck.actors}).model_dump_json()


def test_export_writes_an_ordinary_save_that_verifies(store: Store, played: str, tmp_path: Path) -> None:
    store.create_exercise("class-1", played, {})
    path = export_save(store, "class-1", tmp_path / "out" / "class-1.json")
    save = read_save(path)
    assert verify(save).ok
    assert len(save.history) == 3
    assert json.loads(path.read_text()) == json.loads(played)
    with pytest.raises(UnknownExercise):
        export_save(store, "nope", tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_export_mid_turn_carries_the_sealed_orders(store: Store, played: str, tmp_path: Path) -> None:
    store.create_exercise("class-2", played, {})
    save = read_save(export_save(store, "class-2", tmp_path / "before.json"))
    game = resume(save)
    actor = next(a for a in sorted(save.seats) if game.available_moves(a))
    move = game.available_moves(actor)[0].id
    store.submit_orders("class-2", 4, actor, [], ["first thoughts"])
    store.submit_orders("class-2", 4, "not-an-actor", ["x"])  # never lands in a save's pending
    store.submit_orders("class-2", 4, actor, [move], ["on reflection"])  # the last seal counts
    after = read_save(export_save(store, "class-2", tmp_path / "after.json"))
    assert after.pending == {**save.pending, actor: [move]}
    assert verify(after).ok
    assert list(resume(after).orders[actor]) == [move]


# -- opening stores ---------------------------------------------------------------------


def test_open_store_by_path_and_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store() as s:
        assert s.url == "sqlite://saves/exercises.sqlite3"
    assert (tmp_path / "saves" / "exercises.sqlite3").exists()
    with open_store("classes/a.sqlite3") as s:
        s.create_exercise("x", save_json(), {})
    for url in (f"sqlite://{tmp_path}/classes/a.sqlite3", f"sqlite:///{tmp_path}/classes/a.sqlite3"):
        with open_store(url) as s:
            assert s.exercise_ids() == ["x"]
            assert s.url == f"sqlite://{tmp_path}/classes/a.sqlite3"
    with open_store(tmp_path / "classes" / "a.sqlite3") as s:
        assert s.exercise_ids() == ["x"]


@pytest.mark.parametrize("setup, fragment", [
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: p.write_bytes(b"hello, not a database" * 100), "not a wargame store"),
])
def test_bad_sqlite_files_are_one_clear_line(tmp_path: Path, setup: Any, fragment: str) -> None:
    target = tmp_path / "store.sqlite3"
    setup(target)
    with pytest.raises(StoreUnavailable, match=fragment) as err:
        open_store(target)
    assert "\n" not in str(err.value)


def test_an_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    import sqlite3

    target = tmp_path / "other.db"
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE customers (id integer)")
    with pytest.raises(StoreUnavailable, match="not a wargame store"):
        open_store(target)


def test_unknown_scheme(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="unknown store URL 'mysql://u:\\*\\*\\*@h/db'"):
        open_store("mysql://u:hunter2@h/db")


def test_redact_url() -> None:
    assert redact_url("postgresql://ann:s3cret@db.example:5433/wg") == "postgresql://ann:***@db.example:5433/wg"
    assert redact_url("postgresql://ann@db/wg") == "postgresql://ann@db/wg"
    assert redact_url("sqlite:///x") == "sqlite:///x"
    assert redact_url("postgresql://ann@db/wg?sslmode=require&password=s3cret") == (
        "postgresql://ann@db/wg?sslmode=require&password=***")
    assert redact_url("postgresql://ann:pw@db/wg?password=s3cret&x=1") == "postgresql://ann:***@db/wg?password=***&x=1"


@pytest.mark.parametrize("damage, fragment", [
    (lambda u, pw: u.replace(pw, "WRONG-pass"), "refused the login for user 'postgres' (wrong password?)"),
    (lambda u, pw: u.rsplit("/", 1)[0] + "/no_such_db", "has no database 'no_such_db'"),
    (lambda u, pw: u.replace("postgres:", "nobody:"), "refused the login for user 'nobody'"),
    (lambda u, pw: u.split("@")[0] + "@127.0.0.1:1/x", "cannot reach PostgreSQL at 127.0.0.1:1"),
])
def test_postgresql_errors_are_one_line_without_the_password(
    pg_url: str, pg_cluster: Any, damage: Any, fragment: str
) -> None:
    url = damage(pg_url, pg_cluster.password)
    with pytest.raises(StoreUnavailable) as err:
        open_store(url)
    message = str(err.value)
    assert fragment in message
    assert "\n" not in message
    assert pg_cluster.password not in message and "WRONG-pass" not in message
    assert isinstance(err.value, WargameError)


def test_the_store_url_never_shows_the_password(pg_url: str, pg_cluster: Any) -> None:
    with open_store(pg_url) as s:
        assert pg_cluster.password not in s.url and pg_cluster.password not in repr(s)
        assert ":***@" in s.url


def test_two_postgresql_stores_share_one_database(pg_url: str) -> None:
    # Several host processes behind one address: each has its own Store on the same database.
    with open_store(pg_url) as a, open_store(pg_url) as b:
        a.create_exercise("shared", save_json(), {"us": hash_code("s1")})
        assert b.find_code(hash_code("s1")) == ("shared", "us")
        b.submit_orders("shared", 1, "us", ["x"])
        assert a.pending_orders("shared", 1) == {"us": (["x"], [])}
        rev = a.load_exercise("shared").revision
        b.put_save("shared", save_json(1), rev)
        with pytest.raises(StaleWrite):
            a.put_save("shared", save_json(1), rev)
        assert [e.kind for e in a.wait_for_event("shared", 2, timeout=30)] == [EVENT_SAVE]


def test_a_dropped_postgresql_connection_fails_once_then_reconnects(pg_url: str) -> None:
    import psycopg

    with open_store(pg_url) as s:
        s.create_exercise("drop", save_json(), {})
        with psycopg.connect(pg_url, autocommit=True) as admin:  # the server drops every client
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE pid <> pg_backend_pid() AND datname = current_database()")
        try:
            s.load_exercise("drop")  # may land on the dropped pooled connection
        except StoreUnavailable as exc:
            assert "\n" not in str(exc)
        assert s.load_exercise("drop").revision == 1  # the broken connection was not reused
        s.submit_orders("drop", 1, "us", ["x"])
        assert s.pending_orders("drop", 1) == {"us": (["x"], [])}
