"""Key moments tell a game's story: pinned for two fixed saves (a korea-2022 and a cuba-1962
game under the historical doctrines), as the facilitator and as one seat knew them, and the
rules behind them (a threshold crossed back and forth is one moment; a headline is always
listed; the story is capped, the rest kept; a seat never learns a secret from its list).

Regenerate the pinned lists with WARGAME_UPDATE_GOLDEN=1 and read the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wargame.analysis.moments import STORY, Moment, key_moments, story
from wargame.analysis.rollout import Checkpoints
from wargame.saves.store import read_save

HERE = Path(__file__).resolve().parent / "moments"
CASES = [("korea-2022-seed11", "facilitator"), ("korea-2022-seed11", "china"), ("cuba-1962-seed2", "facilitator"), ("cuba-1962-seed2", "cuba")]


def listing(moments: list[Moment]) -> str:
    told = story(moments)
    return "".join(f"{'*' if m in told else ' '} {m.turn:>2} {m.kind_label:<15} {m.text}\n" for m in moments)


@pytest.fixture(scope="module")
def checkpoints() -> dict[str, Checkpoints]:
    return {name: Checkpoints(read_save(HERE / f"{name}.json")) for name, _ in CASES}


@pytest.mark.parametrize(("name", "viewer"), CASES)
def test_key_moments_match_the_pinned_list(checkpoints: dict[str, Checkpoints], name: str, viewer: str) -> None:
    text = listing(key_moments(checkpoints[name], viewer))
    golden = HERE / f"{name}.{viewer}.txt"
    if os.environ.get("WARGAME_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_a_threshold_crossed_again_and_again_is_one_moment(checkpoints: dict[str, Checkpoints]) -> None:
    moments = key_moments(checkpoints["korea-2022-seed11"], "facilitator")
    crisis = [m for m in moments if m.kind == "threshold" and "Tension" in m.text]
    assert [m.text for m in crisis] == ["Tension reaches crisis (6); again in months 8 and 12"]


def test_headlines_tell_the_story_for_every_seat_that_saw_them(checkpoints: dict[str, Checkpoints]) -> None:
    # North Korea's ICBM launch and nuclear test are public headlines: every seat's story has them.
    for seat in ("dprk", "us", "rok", "china", "public"):
        told = [m.text for m in story(key_moments(checkpoints["korea-2022-seed11"], seat))]
        assert "North Korea: ICBM launch" in told
        assert "North Korea: Nuclear test (it failed)" in told
        assert told[-1].startswith("The game ends: Armed standoff")


def test_the_story_is_capped_and_keeps_the_ending(checkpoints: dict[str, Checkpoints]) -> None:
    for cp in checkpoints.values():
        moments = key_moments(cp, "facilitator")
        told = story(moments)
        assert len(moments) > STORY == len(told)
        assert told[-1].kind == "ending"
        assert [m.turn for m in told] == sorted(m.turn for m in told)
        assert min(m.weight for m in told) >= max(m.weight for m in moments if m not in told)


def test_a_seat_learns_no_secret_from_its_moments(checkpoints: dict[str, Checkpoints]) -> None:
    # The secret trade reached only Moscow and Washington; Cuba's list never names it.
    cuba = " ".join(m.text for m in key_moments(checkpoints["cuba-1962-seed2"], "cuba"))
    facilitator = " ".join(m.text for m in key_moments(checkpoints["cuba-1962-seed2"], "facilitator"))
    assert "secret trade: the Jupiters" in facilitator
    assert "Jupiters" not in cuba
