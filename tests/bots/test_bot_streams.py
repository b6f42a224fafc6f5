"""Computer seats' random streams: keyed from the whole game seed and the seat through the
dice's keyed hash, so what a seat's public plays give away about its stream says nothing
about the seed (and so nothing about the dice)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wargame.bots.base import RandomBot, bot_seed
from wargame.bots.make import make_bot
from wargame.deck.compile import CompiledDeck
from wargame.engine.dice import stream_seed

seeds = st.integers(0, 2**63 - 1)


def draws(bot: object) -> list[float]:
    assert isinstance(bot, RandomBot)
    return [bot.rng.random() for _ in range(4)]


@given(seed=seeds, bit=st.integers(0, 62))
def test_every_bit_of_the_seed_changes_a_seats_stream(tutorial: CompiledDeck, seed: int, bit: int) -> None:
    """Before, the stream came from the seed cut to 32 bits: seeds that differ only above
    bit 31 gave every seat the same stream, and recovering it gave away 32 of the seed's bits."""
    other = seed ^ (1 << bit)
    assert draws(make_bot("random", tutorial, "red", seed)) != draws(make_bot("random", tutorial, "red", other))


@given(seed=seeds)
def test_each_seat_has_its_own_stream_keyed_like_the_dice(tutorial: CompiledDeck, seed: int) -> None:
    assert bot_seed(seed, "red") == stream_seed(seed, "seat:red")
    assert bot_seed(seed, "red") != bot_seed(seed, "blue")
    assert bot_seed(seed, "red").bit_length() > 64  # more than the seed itself: nothing is cut
    assert draws(make_bot("random", tutorial, "red", seed)) == draws(make_bot("random", tutorial, "red", seed))  # pure

