"""The host's defences as bookkeeping, on a clock that moves only when told: stranger caps
per address and in total (a quiet newcomer still gets in), idle strangers closed, token
buckets, caps that fit a file-handle limit, and refusals logged a line at a time."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.net.guard import Gate, Limits, Rate, RateLimit, RefusalLog, Visitor

PROJ = "projector"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def admit(gate: Gate, address: str, closed: list[str]) -> Visitor | str:
    return gate.admit(address, lambda: closed.append(address))


def test_strangers_are_capped_per_address(clock: Clock) -> None:
    gate = Gate(Limits(strangers_per_address=3, strangers_total=10), clock)
    closed: list[str] = []
    held = [admit(gate, "10.0.0.7", closed) for _ in range(3)]
    assert all(isinstance(v, Visitor) for v in held)
    refused = admit(gate, "10.0.0.7", closed)
    assert refused == "3 connections from 10.0.0.7 have not opened a seat yet, the most one address may hold"
    assert isinstance(admit(gate, "10.0.0.8", closed), Visitor)  # another laptop is not affected
    # A connection whose code opened a role is no longer a stranger: room for one more.
    first = held[0]
    assert isinstance(first, Visitor) and gate.opened(first, "red") is None
    assert isinstance(admit(gate, "10.0.0.7", closed), Visitor)
    assert closed == []


def test_a_full_host_lets_a_quiet_address_in_at_the_expense_of_the_crowded_one(clock: Clock) -> None:
    gate = Gate(Limits(strangers_per_address=5, strangers_total=8), clock)
    closed: list[str] = []
    flood = [admit(gate, "10.0.0.66", closed) for _ in range(5)]
    for _ in range(3):
        clock.now += 1
        admit(gate, "10.0.0.67", closed)
    assert len(gate.strangers()) == 8
    clock.now += 1
    seat = admit(gate, "10.0.0.5", closed)
    assert isinstance(seat, Visitor)
    assert closed == ["10.0.0.66"] and flood[0] not in gate.visitors  # its oldest gave way
    # Fairness, not a free-for-all: a newcomer from an address that has its share is refused.
    assert admit(gate, "10.0.0.67", closed) == "8 connections have not opened a seat yet, the most the host holds at once"


def test_a_busy_stranger_is_the_last_to_give_way(clock: Clock) -> None:
    gate = Gate(Limits(strangers_per_address=4, strangers_total=4), clock)
    closed: list[str] = []
    visitors = [admit(gate, "10.0.0.66", closed) for _ in range(4)]
    assert all(isinstance(v, Visitor) for v in visitors)
    downloading = visitors[0]
    assert isinstance(downloading, Visitor)
    gate.busy(downloading)
    assert isinstance(admit(gate, "10.0.0.5", closed), Visitor)
    assert downloading in gate.visitors and visitors[1] not in gate.visitors


def test_idle_strangers_are_closed_after_the_hello_timeout(clock: Clock) -> None:
    gate = Gate(Limits(hello_timeout=5), clock)
    closed: list[str] = []
    idle, working, seated = (admit(gate, a, closed) for a in ("10.0.0.1", "10.0.0.2", "10.0.0.3"))
    assert isinstance(idle, Visitor) and isinstance(working, Visitor) and isinstance(seated, Visitor)
    gate.busy(working)
    gate.opened(seated, "blue")
    clock.now += 5
    assert gate.sweep() == []  # not yet: 5 s is allowed
    clock.now += 0.5
    assert gate.sweep() == [idle] and closed == ["10.0.0.1"]
    gate.idle(working)  # its request ended now: it has its own 5 s again
    clock.now += 5
    assert gate.sweep() == []
    clock.now += 1
    assert gate.sweep() == [working]
    assert gate.visitors == [seated]


def test_a_code_holds_a_bounded_number_of_connections(clock: Clock) -> None:
    gate = Gate(Limits(connections_per_role=2), clock)
    closed: list[str] = []
    a, b, c = (admit(gate, "10.0.0.9", closed) for _ in range(3))
    assert isinstance(a, Visitor) and isinstance(b, Visitor) and isinstance(c, Visitor)
    assert gate.opened(a, PROJ) is None and gate.opened(b, PROJ) is None
    assert gate.opened(c, PROJ) == "2 connections are open with this code already, the most one code may hold"


def test_a_token_bucket_lets_a_burst_through_then_a_steady_rate(clock: Clock) -> None:
    limit = RateLimit(Rate(burst=3, per_second=0.5), clock)
    assert [limit.take("red") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limit.take("red") == pytest.approx(2.0)
    assert limit.ready("red") == pytest.approx(2.0)
    assert limit.take("blue") == 0.0  # per key
    clock.now += 2
    assert limit.ready("red") == 0.0 and limit.take("red") == 0.0 and limit.take("red") > 0


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.floats(0, 5)), max_size=60))
def test_a_bucket_never_lets_more_through_than_its_rate_allows(steps: list[tuple[str, float]]) -> None:
    clock = Clock()
    start = clock.now
    limit = RateLimit(Rate(burst=4, per_second=2), clock)
    passed: dict[str, int] = {}
    for key, pause in steps:
        clock.now += pause
        if limit.take(key) == 0.0:
            passed[key] = passed.get(key, 0) + 1
    for count in passed.values():
        assert count <= 4 + 2 * (clock.now - start) + 1e-9


def test_a_bucket_forgets_full_keys_so_addresses_cannot_fill_memory(clock: Clock) -> None:
    limit = RateLimit(Rate(burst=2, per_second=1), clock)
    limit.MAX_KEYS = 100
    for i in range(1000):
        limit.take(f"10.0.{i // 256}.{i % 256}")
        clock.now += 1
    assert len(limit._buckets) <= 101


def test_the_caps_fit_the_file_handle_limit() -> None:
    limits = Limits(strangers_total=64, strangers_per_address=16, tabs_total=16, connections_per_role=8)
    roomy = limits.fitted(file_limit=4096, in_use=20, roles=6)
    assert (roomy.strangers_total, roomy.strangers_per_address) == (64, 16)
    laptop = limits.fitted(file_limit=256, in_use=20, roles=6)
    # 20 open + 6 roles x 8 + 16 tabs x 5 + 64 spare = 212: half of the 44 left.
    assert (laptop.strangers_total, laptop.strangers_per_address) == (22, 11)
    tiny = limits.fitted(file_limit=64, in_use=20, roles=6)
    assert (tiny.strangers_total, tiny.strangers_per_address) == (4, 2)


def test_refusals_are_logged_a_line_at_a_time(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.refusals")
    log = RefusalLog(logger, clock, every=10)
    with caplog.at_level(logging.WARNING, logger="test.refusals"):
        for _ in range(300):
            log.refused("10.0.0.66", "16 connections from 10.0.0.66 have not opened a seat yet")
            clock.now += 0.01
        log.refused("10.0.0.5", "wrong code")
        clock.now += 10
        log.flush()
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "refused 10.0.0.66: 16 connections from 10.0.0.66 have not opened a seat yet",
        "refused 10.0.0.5: wrong code",
        "refused 10.0.0.66 299 more times in 10 s: 16 connections from 10.0.0.66 have not opened a seat yet",
    ]
    assert all(r.exc_info is None for r in caplog.records)


def test_a_flood_from_many_addresses_is_summed_into_one_line(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.refusals.many")
    log = RefusalLog(logger, clock, every=10, lines=3)
    with caplog.at_level(logging.WARNING, logger="test.refusals.many"):
        for i in range(250):
            log.refused(f"10.0.1.{i}", "the host is full")
            log.refused(f"10.0.1.{i}", "the host is full")
            clock.now += 0.01
        clock.now += 10
        log.flush()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[:3] == [f"refused 10.0.1.{i}: the host is full" for i in range(3)]
    assert lines[3:6] == [f"refused 10.0.1.{i} 1 more time in 10 s: the host is full" for i in range(3)]
    assert lines[6:] == ["refused 494 connections from 247 more addresses in 10 s (a flood: each is told why)"]
