"""The batched engine's shortcuts give what the long way gives (issue 16's speed work).

Fast mode's games are pinned only statistically (tests/engine/test_batch_agreement.py), so
each shortcut taken for speed is held here to the plain computation it replaces, on inputs
the shipped decks never produce: seat keys against the reference bots' seeds, the turn's
cached dice words against `uniform`, a constant change's one-sided clamp against the
`where` clamp (tracks out of range, nan, zeros of either sign), and the track runs counted
in whole arrays against `Tally`'s game-by-game count (values that are not quarters).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.analysis.batch import _count_tracks
from wargame.analysis.tally import Tally
from wargame.bots.base import bot_seed
from wargame.bots.batch import seat_keys
from wargame.deck.arrays import compile_array_effect
from wargame.deck.compile import CompiledDeck
from wargame.deck.ir import ChangeTrack, Num
from wargame.engine.batch import TurnUniform, game_keys, uniform


def test_seat_keys_are_the_reference_bots_seeds() -> None:
    seeds = [0, 1, -5, 7 * 100_003 + 11, 2**63 - 1, 2**70 + 3, 2**600]
    keys = seat_keys(seeds, ["red", "blue"])
    for actor in ("red", "blue"):
        assert keys[actor].tolist() == game_keys([bot_seed(s, actor) for s in seeds]).tolist()


def test_the_turns_cached_words_draw_what_uniform_draws() -> None:
    keys = game_keys(range(50))
    rows = np.arange(3, 40, 2)
    occurrence = np.arange(len(rows)) % 3
    cached = TurnUniform(keys)
    cached.start_turn(4)
    assert cached.draw(rows, 9, occurrence).tolist() == uniform(keys[rows], 4, 9, occurrence).tolist()
    assert cached.draw(slice(None), 9).tolist() == uniform(keys, 4, 9).tolist()
    assert cached.draw_after(0, rows, 2).tolist() == uniform(keys[rows], 4, 0, 2).tolist()
    assert cached.draw_after(0, slice(None), 2).tolist() == uniform(keys, 4, 0, 2).tolist()
    assert (keys == game_keys(range(50))).all()  # drawing leaves the keys as they were


def _where_clamp(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.where(x > hi, hi, np.where(x >= lo, x, lo))


@pytest.mark.parametrize("step", [2, -3, 0.5, -0.25, 0, 0.0])
@pytest.mark.parametrize(("lo", "hi"), [(0.0, 10.0), (-5.0, 5.0), (-math.inf, math.inf), (2.0, 2.0)])
def test_a_constant_change_clamps_as_the_where_chain(step: float, lo: float, hi: float) -> None:
    effect = compile_array_effect(ChangeTrack(slot=0, sign=1, value=Num(value=step)), {0: (lo, hi)})
    start = np.array([lo, hi, (lo + hi) / 2 if math.isfinite(lo + hi) else 0.0, -0.0, 0.0, 1.5, lo - 1, hi + 1, math.nan])
    rows = np.array([0, 2, 3, 4, 5, 6, 7, 8])
    for bounded in (True, False):
        values = start[(start >= lo) & (start <= hi)] if bounded else start  # a bounded state holds no others
        state = SimpleNamespace(v=np.asfortranarray(values.reshape(-1, 1)), bounded=bounded)
        inside = rows[rows < len(values)]
        want = state.v[:, 0].copy()
        want[inside] = _where_clamp(want[inside] + step, lo, hi)
        effect(state, inside)  # type: ignore[arg-type]
        got = state.v[:, 0]
        assert [(repr(a), math.copysign(1, a)) for a in got.tolist()] == [(repr(a), math.copysign(1, a)) for a in want.tolist()]


_VALUES = st.sampled_from([0.0, 0.25, 0.5, 1.0, 0.501, 0.502, 0.499, 1 / 3, 0.335, 2.675, -0.004, 7.125])


@given(st.lists(st.lists(st.lists(_VALUES, min_size=3, max_size=3), min_size=1, max_size=6), min_size=1, max_size=6))
def test_track_runs_in_whole_arrays_are_the_tallys(games: list[list[list[float]]]) -> None:
    # Each game: its tracks after each turn it played (games of different lengths); the
    # turns a game did not play hold values that must not be read.
    n, slots, turns = len(games), 3, max(len(g) for g in games)
    values = np.full((turns, slots, n), 99.5)
    for r, g in enumerate(games):
        values[: len(g), :, r] = g
    batch = SimpleNamespace(played=np.array([len(g) for g in games]))
    ours = Tally()
    _count_tracks(ours, batch, values)  # type: ignore[arg-type]
    theirs = Tally()
    for g in games:
        theirs._add_tracks(SimpleNamespace(start_values=g[0]), g)  # type: ignore[arg-type]
    assert ours.tracks == theirs.tracks


def test_track_runs_counted_in_blocks_are_counted_whole(decks: dict[str, CompiledDeck], monkeypatch: pytest.MonkeyPatch) -> None:
    from wargame.analysis import batch

    history = batch.TrackHistory()
    b = batch.play(decks["korea-2022"], list(range(300)), {}, None, "fast", history=history)
    whole = Tally()
    batch._count_tracks(whole, b, history.played)
    monkeypatch.setattr(batch, "TRACK_BLOCK", 7)
    blocks = Tally()
    batch._count_tracks(blocks, b, history.played)
    assert blocks.tracks == whole.tracks and len(whole.tracks) > 100
