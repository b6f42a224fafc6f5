"""The dice (issue 8, item 4): each roll's number is its own, so the public rolls of a turn
say nothing about its hidden ones, even to someone who knows the seed."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from wargame.deck.compile import CompiledDeck
from wargame.engine.dice import KEYED, TURN_STREAM, roll_bytes, seed_key, turn_dice, turn_seed
from wargame.engine.game import Game


def first_turn(deck: CompiledDeck, seed: int, red: list[str], blue: list[str], dice: int = KEYED) -> dict[tuple[str, str], float]:
    game = Game(deck, seed, dice=dice)  # type: ignore[arg-type]
    game.submit("red", red)
    game.submit("blue", blue)
    return {(r.kind, r.key): r.roll for r in game.resolve().rolls}


@given(seed=st.integers(-(2**70), 2**70))
def test_a_public_roll_does_not_depend_on_a_hidden_one(tutorial: CompiledDeck, seed: int) -> None:
    # Red's missile test is public; Blue's spy operation is secret and rolls for
    # detection before it. Whether Blue ordered it must not move Red's number.
    alone = first_turn(tutorial, seed, ["missile-test"], [])
    with_secret = first_turn(tutorial, seed, ["missile-test"], ["spy-op"])
    assert ("detect", "spy-op") in with_secret
    assert alone[("move", "missile-test")] == with_secret[("move", "missile-test")]


def test_format_1_dice_were_one_shared_stream(tutorial: CompiledDeck) -> None:
    # What the change fixes: with the old dice, the hidden roll shifted the public one.
    shifted = [
        first_turn(tutorial, seed, ["missile-test"], [], TURN_STREAM)[("move", "missile-test")]
        != first_turn(tutorial, seed, ["missile-test"], ["spy-op"], TURN_STREAM)[("move", "missile-test")]
        for seed in range(20)
    ]
    assert all(shifted)


def test_a_key_that_rolls_twice_in_a_turn_gets_two_numbers(decks: dict[str, CompiledDeck]) -> None:
    deck = decks["korea-2022"]
    game = Game(deck, 3)
    for actor in deck.actors:
        game.submit(actor, [])
    game.fire_inject(event="unsc-vote")  # a chance event that may fire again and again
    game.fire_inject(event="unsc-vote")
    rolls = [r.roll for r in game.resolve().rolls if r.key == "unsc-vote"]
    assert len(rolls) == 2 and rolls[0] != rolls[1]


@given(seed=st.integers(0, 2**63), turn=st.integers(1, 200), key=st.text(max_size=30))
def test_draws_are_uniform_numbers_in_0_1_and_pure(seed: int, turn: int, key: str) -> None:
    a = turn_dice(KEYED, seed, turn).draw("move", key)
    b = turn_dice(KEYED, seed, turn, seed_key(seed)).draw("move", key)
    assert 0.0 <= a < 1.0 and a == b
    assert a != turn_dice(KEYED, seed + 1, turn).draw("move", key)


def test_draws_spread_over_0_1() -> None:
    draws = [turn_dice(KEYED, 7, turn).draw("event", "x") for turn in range(1, 2001)]
    buckets = [0] * 10
    for d in draws:
        buckets[int(d * 10)] += 1
    assert all(150 <= b <= 250 for b in buckets), buckets  # 200 expected each


def test_seeds_of_any_size_have_a_key() -> None:
    assert len(seed_key(2**600)) <= 64 and seed_key(-1) != seed_key(1)
    assert seed_key(2**600) != seed_key(2**600 + 1)


def test_the_format_1_turn_seed_is_unchanged() -> None:
    # Saves of format 1 replay only if this stays exactly as it was.
    assert turn_seed(42, 3) == (42 * 1_000_003 + 3 * 7_919) & 0xFFFF_FFFF_FFFF_FFFF


_KINDS = st.sampled_from(["move", "detect", "event", "outcome"])
_KEYS = st.text(st.characters(codec="utf-8"), max_size=12)


@given(seed=st.integers(-(2**70), 2**70), turn=st.integers(0, 200), rolls=st.lists(st.tuples(_KINDS, _KEYS, st.booleans()), max_size=12))
def test_a_keyed_roll_is_the_format_2_hash_however_it_is_asked(seed: int, turn: int, rolls: list[tuple[str, str, bool]]) -> None:
    # What saves of format 2 replay by, written out from the format itself: blake2b keyed
    # with the seed over the turn and `KIND:KEY#N` (N: how many times the key rolled before
    # this turn), its number the top 53 bits of the digest. The engine's long way asks
    # `draw(kind, key)`; the generated rules ask `roll(first bytes)`: mixed in one turn, each
    # roll is still that number.
    dice = turn_dice(KEYED, seed, turn)
    seen: dict[tuple[str, str], int] = {}
    for kind, key, by_bytes in rolls:
        n = seen.get((kind, key), 0)
        seen[(kind, key)] = n + 1
        h = hashlib.blake2b(key=seed_key(seed), digest_size=8, person=b"wargame-dice-v2")
        h.update(turn.to_bytes(4, "little") + f"{kind}:{key}#{n}".encode())
        expected = (int.from_bytes(h.digest(), "little") >> 11) * 2.0**-53
        assert (dice.roll(roll_bytes(kind, key)) if by_bytes else dice.draw(kind, key)) == expected
