"""The facilitator's clock: adding and taking away time from a running countdown.

Time comes from a fake clock the test moves by hand; nothing reads the wall clock.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.errors import WargameError
from wargame.play.clock import Clock


class FakeNow:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def running(seconds: float = 300) -> tuple[Clock, FakeNow]:
    now = FakeNow()
    clock = Clock(now=now)
    clock.start(seconds)
    return clock, now


def test_time_added_or_taken_away_changes_this_turn_only() -> None:
    clock, now = running(300)
    now.t += 100
    assert clock.adjust(60) == 260 and clock.left() == 260
    assert clock.adjust(-120) == 140 and clock.left() == 140
    now.t += 40
    assert clock.left() == 100  # it keeps running from the new time
    clock.restart()  # the next turn: the length the facilitator set, not the adjusted one
    assert clock.left() == 300 and clock.countdown.seconds == 300


def test_taking_away_more_than_is_left_ends_the_time() -> None:
    clock, now = running(120)
    assert clock.adjust(-500) == 0
    assert clock.expired and clock.due_warning() == 0
    assert clock.adjust(90) == 90 and not clock.expired  # and time can be given back
    now.t += 31
    assert clock.due_warning() == 60  # the warnings come again for the time added
    now.t += 60
    assert clock.due_warning() == 0


def test_a_paused_countdown_can_be_adjusted_and_stays_paused() -> None:
    clock, now = running(200)
    now.t += 50
    clock.pause()
    assert clock.adjust(60) == 210
    now.t += 1000
    assert clock.left() == 210 and clock.paused
    clock.resume()
    now.t += 10
    assert clock.left() == 200


def test_no_countdown_no_adjustment() -> None:
    clock = Clock(now=FakeNow())
    with pytest.raises(WargameError, match="no countdown is running"):
        clock.adjust(60)


def test_a_save_restores_the_adjusted_time() -> None:
    clock, now = running(300)
    now.t += 20
    clock.adjust(-100)
    clock.pause()
    saved = clock.snapshot()
    assert saved == {"seconds": 300, "left": 180, "paused": True}
    later = Clock(now=FakeNow())
    later.restore(saved)
    assert later.left() == 180 and later.paused and later.countdown.seconds == 300


@given(
    length=st.integers(min_value=1, max_value=3600),
    steps=st.lists(st.tuples(st.integers(min_value=-900, max_value=900), st.integers(min_value=0, max_value=600)), max_size=12),
    paused=st.booleans(),
)
def test_time_left_is_the_time_given_minus_the_time_gone_never_below_zero(
    length: int, steps: list[tuple[int, int]], paused: bool
) -> None:
    clock, now = running(length)
    if paused:
        clock.pause()
    expected = float(length)
    for delta, wait in steps:
        assert clock.adjust(delta) == pytest.approx(max(0.0, expected + delta))
        expected = max(0.0, expected + delta)
        now.t += wait
        if not paused:
            expected = max(0.0, expected - wait)
        left = clock.left()
        assert left is not None and left >= 0 and left == pytest.approx(expected)
    # A save and a restore later, the same time is left.
    again = Clock(now=FakeNow())
    again.restore(clock.snapshot())
    assert again.left() == pytest.approx(expected) and again.paused == paused
