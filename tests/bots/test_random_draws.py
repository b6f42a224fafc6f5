"""A random seat's quiet decision draws exactly what `pick_uniform` draws.

`RandomBot.quiet` writes out the one or two draws of the usual turn
(`Random._randbelow_with_getrandbits` inline), a call less per draw on the simulator's
hot path. Seeded games must not change: for every list length and allowance, the orders
it gives and where it leaves its stream are those of `pick_uniform` on the same stream.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from wargame.bots.base import RandomBot, pick_uniform


@dataclass(frozen=True)
class _Move:
    id: str
    answer: None = None


@given(seed=st.integers(0, 2**64), n=st.integers(0, 25), allowed=st.integers(0, 4))
def test_a_random_seat_draws_what_pick_uniform_draws(seed: int, n: int, allowed: int) -> None:
    legal = [_Move(f"m{i}") for i in range(n)]
    bot = RandomBot(seed, answers=False)
    decision = bot.quiet(None, legal, allowed)  # type: ignore[arg-type]
    reference = random.Random(seed)
    k = min(n, allowed)
    expected = tuple(m.id for m in pick_uniform(reference, legal, k)) if k else ()  # type: ignore[arg-type]
    assert decision.orders == expected
    assert len(decision.reasons) == max(1, len(expected))
    assert bot.rng.getstate() == reference.getstate()  # the stream is left where pick_uniform leaves it


def test_the_written_out_draw_is_pythons_randbelow() -> None:
    # What `quiet` writes out is `Random._randbelow` as this Python has it: were a Python
    # to draw below n otherwise, seeded games would change, and this fails first.
    for n in (1, 2, 3, 7, 16, 17, 21):
        a, b = random.Random(n), random.Random(n)
        for _ in range(200):
            bits = n.bit_length()
            r = a.getrandbits(bits)
            while r >= n:
                r = a.getrandbits(bits)
            assert r == b._randbelow(n)  # type: ignore[attr-defined]
