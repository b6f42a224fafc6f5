"""Any mutation of a valid deck either loads or raises `DeckError`, never another exception.

Hypothesis edits the text of the committed decks the ways people and accidents do:
deleting, duplicating and swapping lines, changing numbers, strings and ids, swapping
value types, perturbing expressions and dropping in random bytes. A mutant that still
loads must also play a whole game without crashing and keep its tracks within bounds.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from wargame.bots.base import RandomBot
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_bytes
from wargame.engine.game import Game
from wargame.errors import DeckError
from wargame.observe.view import PlayerView

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {p.stem: p.read_bytes() for p in sorted((ROOT / "decks").glob("*.toml"))}
SOURCES["mini"] = (ROOT / "tests" / "decks_broken" / "chance-above-one.toml").read_bytes().replace(b"chance = 1.5", b"chance = 0.5")
SOURCES["offers"] = (ROOT / "tests" / "decks_format" / "offers.toml").read_bytes()  # targeted moves and offers

NUMBER = re.compile(rb"(?<![\w.-])-?\d+(\.\d+)?(?![\w-])")
STRING = re.compile(rb'"[^"\n]*"')
ID = re.compile(rb"(?<=[\"'])[a-z][a-z0-9_-]*(?=[\"'])")
EXPR_TOKEN = re.compile(rb"(>=|<=|==|!=|\+=|-=|\band\b|\bor\b|\bnot\b|[<>+*/=-])")
ODD_NUMBERS = [b"0", b"-1", b"1.5", b"-0.0", b"1e308", b"-1e308", b"inf", b"nan", b"99999999999999999999", b"0.5", b"201", b"3"]
ODD_STRINGS = [b'""', b'"   "', b'"__import__(\'os\')"', b'"().__class__"', b'"tension >="', b'"x" * 3', b'"\\u0000"', b'"\xc3\xa9"', b'"lambda: 1"', b'"1 +"', b'"count(\'nope\')"']
EXPR_NOISE = [b" ** ", b" // ", b" __class__ ", b" ( ", b" ) ", b" lambda ", b" [0] ", b" . ", b" and ", b" not ", b"'", b" 1e999 ", b" flags.", b" turn ", b" = "]


KINDS = ["delete-line", "duplicate-line", "swap-lines", "number", "string", "id", "bytes", "type", "expression", "truncate"]
REPLACEMENTS: dict[str, tuple[re.Pattern[bytes], list[bytes]]] = {
    "number": (NUMBER, ODD_NUMBERS + [str(n).encode() for n in (-1000, -3, 2, 7, 12, 100, 1000)]),
    "string": (STRING, ODD_STRINGS),
    "id": (ID, [b"red", b"blue", b"dprk", b"us", b"patrol", b"nope", b"Bad Id", b"", b"storm", b"tension", b"others", b"target", b"a", b"talks"]),
    "type": (re.compile(rb"(?<== )(\"[^\"\n]*\"|-?\d[\d.]*|true|false)"), [b"[1]", b"{}", b"true", b"7", b'"7"', b"[]", b"1979-05-27", b"{ x = 1 }"]),
    "expression": (EXPR_TOKEN, EXPR_NOISE),
}


def mutate(text: bytes, kind: str, pick: Callable[[int], int], noise: Callable[[], bytes]) -> bytes:
    """One edit of `kind`; `pick(n)` chooses an index below n, `noise()` gives random bytes."""
    lines = text.split(b"\n")
    i = pick(len(lines))
    if kind == "delete-line":
        del lines[i]
    elif kind == "duplicate-line":
        lines.insert(i, lines[i])
    elif kind == "swap-lines":
        j = pick(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        return text[: pick(len(text) + 1)]
    elif kind == "bytes":
        at = pick(len(text) + 1)
        return text[:at] + noise() + text[at:]
    else:
        pattern, replacements = REPLACEMENTS[kind]
        matches = [(n, m) for n, line in enumerate(lines) for m in pattern.finditer(line)]
        if not matches:
            return text
        n, match = matches[pick(len(matches))]
        line = lines[n]
        lines[n] = line[: match.start()] + replacements[pick(len(replacements))] + line[match.end() :]
    return b"\n".join(lines)


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SOURCES)))
    text = SOURCES[name]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(KINDS))
        text = mutate(text, kind, lambda n: draw(st.integers(0, max(0, n - 1))), lambda: draw(st.binary(min_size=1, max_size=8)))
    return name, text


def play_through(deck: CompiledDeck, seed: int) -> None:
    """A whole game with random seats: it must neither crash nor leave the tracks' bounds."""
    game = Game(deck, seed)
    bots = {a: RandomBot(seed + i) for i, a in enumerate(deck.actors)}
    while not game.is_over:
        for actor, bot in bots.items():
            decision = bot.decide(PlayerView(game, actor), game.available_moves(actor), game.orders_allowed(actor))
            game.submit(actor, decision.orders)
        game.resolve()
        assert all(lo <= v <= hi for lo, v, hi in zip(deck.lo, game.state.v, deck.hi, strict=True))
    game.scores()


@given(case=mutants(), seed=st.integers(0, 2**32))
def test_a_mutated_deck_loads_or_raises_deck_error(case: tuple[str, bytes], seed: int) -> None:
    name, text = case
    try:
        deck = load_deck_bytes(text, f"{name}.toml")
    except DeckError as exc:
        event("refused")
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == f"{name}.toml" and problem.message
            assert problem.line is None or 1 <= problem.line <= text.count(b"\n") + 1
        return
    event("loads and plays")
    play_through(deck, seed)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_unmutated_decks_load_and_play(name: str) -> None:
    deck = load_deck_bytes(SOURCES[name], f"{name}.toml")
    for seed in range(3):
        play_through(deck, seed)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_mutation_bites(kind: str) -> None:
    # Guard against a vacuous property: every kind of edit changes the text, and across
    # a few hundred edits some mutants still load while others are refused.
    rng = random.Random(kind)
    outcomes = {"loads": 0, "refused": 0}
    changed = 0
    for _ in range(60):
        name = rng.choice(sorted(SOURCES))
        text = mutate(SOURCES[name], kind, rng.randrange, lambda: rng.randbytes(4))
        changed += text != SOURCES[name]
        try:
            load_deck_bytes(text, name)
            outcomes["loads"] += 1
        except DeckError:
            outcomes["refused"] += 1
    assert changed >= 40
    assert outcomes["refused"] > 0
    if kind not in {"truncate", "bytes", "type"}:
        assert outcomes["loads"] > 0
