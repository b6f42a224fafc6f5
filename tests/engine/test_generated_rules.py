"""The rules the engine runs as generated code say exactly what the written rules say.

`Game.available_moves`, the events and endings checked each turn and each order's
resolution run as flat functions generated per deck from its intermediate form
(`wargame.deck.codegen`): one call where the written rules (`availability`,
`events_due`, the endings loop, the steps of `_resolve_move`) make one per move, event
or effect. On every deck the project ships or tests with, at states that real games
reach and at those states stirred (tracks, flags and history moved at random), each
generated rule must give the written rule's answer and leave the same state behind.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import deck_corpus
from wargame.analysis.simulate import play_game
from wargame.bots.base import Decision, RandomBot, quiet_decider
from wargame.bots.make import make_bot
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import (
    Game,
    _plan,
    _resolution,
    availability,
    event_fields,
    events_due,
    move_fields,
)
from wargame.engine.state import Play, State, TurnRecord

ROOT = Path(__file__).resolve().parents[2]


DECKS = [load_deck(path) for path in deck_corpus()]
BY_NAME = {f"{i}-{deck.id}": deck for i, deck in enumerate(DECKS)}


def _states(deck: CompiledDeck, seed: int) -> list[State]:
    """The states a random game of `deck` passes through, and each one stirred."""
    rng = random.Random(seed)
    history: list[list[float]] = []
    game = play_game(deck, seed, {}, log=True, history=history)
    states = [rec.start for rec in game.records if rec.start is not None] + [game.state]
    stirred = []
    for state in states:
        s = state.copy()
        s.v = [rng.uniform(lo - 1, hi + 1) if rng.random() < 0.5 else x for x, lo, hi in zip(s.v, deck.lo, deck.hi, strict=True)]
        s.f = [rng.random() < 0.5 for _ in s.f]
        s.counts = [rng.choice((0, 0, 1, 2)) for _ in s.counts]
        s.wins = [min(c, rng.choice((0, 1, 2))) for c in s.counts]
        s.last = [rng.randint(0, s.turn) if c else -1 for c in s.counts]
        s.revealed = [rng.random() < 0.3 for _ in s.revealed]
        s.fired = [rng.choice((0, 0, 1)) for _ in s.fired]
        s.fired_last = [rng.randint(0, s.turn) if n else -1 for n in s.fired]
        s.offers = [rng.choice((-1, -1, max(0, s.turn - 1))) for _ in s.offers]
        s.turn = rng.randint(1, s.turns)
        stirred.append(s)
    return states + stirred


def _snapshot(s: State) -> tuple[object, ...]:
    return (s.v, s.f, s.turn, s.counts, s.wins, s.last, s.ordered, s.revealed, s.fired, s.fired_last, s.offers, s.reveal_requests)


@pytest.mark.parametrize("name", list(BY_NAME))
@given(seed=st.integers(0, 2**32))
def test_generated_rules_answer_as_the_written_rules(name: str, seed: int) -> None:
    deck = BY_NAME[name]
    plan = _plan(deck)
    events = tuple(e for e in deck.events if not e.inject and e.at != 0)
    endings = [e for e in deck.endings if e.when is not None]
    bounds = {slot: (deck.lo[slot], deck.hi[slot]) for slot in range(len(deck.lo))}
    draws = random.Random(seed)
    for state in _states(deck, seed):
        for actor, moves in deck.moves_by_actor.items():
            rule, picks = plan.available[actor]
            assert rule(state, picks) == availability(tuple(map(move_fields, moves)), state), actor
        due: list[str] = []
        rule_e, listed = plan.events_rule
        rule_e(state, listed, lambda e, due=due: due.append(e.id))
        written = [e.id for e in events_due(tuple(event_fields(e) for e in events if e.at is None or e.at == state.turn), state)]
        assert due == written
        rule_end, ends = plan.endings_rule
        reached = rule_end(state)
        first = next((e for e in endings if e.when is not None and e.when(state)), None)
        assert (ends[reached] if reached >= 0 else None) is first
        for move in deck.moves:
            draw = draws.random()
            a, b = state.copy(), state.copy()
            asked: list[tuple[str, float]] = []

            def roll(m: object, p: float, asked: list[tuple[str, float]] = asked, draw: float = draw) -> bool:
                asked.append((getattr(m, "id", ""), p))
                return draw < p

            over = draws.random() < 0.2
            generated = plan.resolutions[move.index](a, move, roll, over)
            asked_generated = list(asked)
            asked.clear()
            written_ok = _written_resolution(move, b, roll, over)
            assert generated == written_ok, move.id
            assert asked_generated == asked, move.id
            assert _snapshot(a) == _snapshot(b), move.id
            assert a.digest() == b.digest()
        _quiet_rules_answer_as_the_written_rules(deck, state, draws)
    # The generic fallbacks are the written rules too: a move compiled without its
    # intermediate form resolves the same way.
    assert all(callable(_resolution(m, bounds)) for m in deck.moves)


class _Dice:
    """One fixed number for every roll, and the rolls asked, in order."""

    def __init__(self, number: float) -> None:
        self.number = number
        self.asked: list[tuple[str, str]] = []

    def draw(self, kind: str, key: str) -> float:
        self.asked.append((kind, key))
        return self.number

    def roll(self, first: bytes) -> float:
        """The generated rules' draw, by the bytes of a first roll (`KIND:KEY#0`)."""
        kind, key = first.decode().removesuffix("#0").split(":", 1)
        return self.draw(kind, key)


def _quiet_rules_answer_as_the_written_rules(deck: CompiledDeck, state: State, draws: random.Random) -> None:
    """A quiet game's generated rules (each order's resolution with its play, the events
    fired inline) against the engine's long way (`Game._resolve_move`, `Game._fire_event`
    in a game that records nothing): the same answer, rolls, plays and state."""
    plan = _plan(deck)
    game = Game(deck, 1, log=False)
    for key, move, quiet in plan.queue_keys.values():
        assert quiet is not None, move.id  # every move of the corpus has its intermediate form
        number = draws.random()
        a, b = state.copy(), state.copy()
        dice_a, dice_b = _Dice(number), _Dice(number)
        plays: list[Play] = []
        game.state, game.revealed_plays = a, {}
        rec_a = TurnRecord(a.turn, {}, {}, (), {})
        ok = quiet(a, dice_a.roll, plays, lambda i, rec=rec_a, s=a: game._reveal_play(rec, s.turn, deck.moves[i]))
        revealed_a = game.revealed_plays
        game.state, game.revealed_plays = b, {}
        rec = TurnRecord(b.turn, {}, {}, (), {})
        game._resolve_move(move, dice_b, rec, lambda m, p, d=dice_b: d.draw("move", m.id) < p, False)
        assert (ok is None) == (not rec.plays), move.id
        assert plays == rec.plays, move.id
        assert dice_a.asked == dice_b.asked, move.id
        assert revealed_a == game.revealed_plays, move.id  # a secret move's detection
        assert _snapshot(a) == _snapshot(b), move.id
    quiet_events = plan.quiet_events
    assert quiet_events is not None
    number = draws.random()
    a, b = state.copy(), state.copy()
    dice_a, dice_b = _Dice(number), _Dice(number)
    rule, events = plan.events_rule
    game.state = a
    rec_a = TurnRecord(a.turn, {}, {}, (), {})
    quiet_events(a, events, lambda e: game._fire_event(e, dice_a, rec_a, "event"), dice_a.roll, rec_a.fired)
    game.state = b
    rec_b = TurnRecord(b.turn, {}, {}, (), {})
    rule(b, events, lambda e: game._fire_event(e, dice_b, rec_b, "event"))
    assert rec_a.fired == rec_b.fired
    assert dice_a.asked == dice_b.asked
    assert _snapshot(a) == _snapshot(b)


def _written_resolution(move: object, s: State, roll: object, over: bool) -> bool | None:
    """`Game._resolve_move`'s steps on the state, as the rules write them, through the
    compiled per-expression functions (the generic resolution)."""
    stripped = dataclasses.replace(move, effect_nodes={}, requires_node=None, chance_node=None)  # type: ignore[type-var]
    generic = _resolution(stripped, {})
    return generic(s, move, roll, over)  # type: ignore[arg-type]


def test_a_doctrine_seat_decides_without_a_view_when_it_may() -> None:
    # The hot path of simulations: a doctrine seat whose weights read nothing hidden from
    # it decides on the state itself, as a random seat does.
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    for actor, doctrines in deck.doctrines.items():
        for name in doctrines:
            bot = make_bot(f"doctrine:{name}", deck, actor, 7)
            assert quiet_decider(bot) is None  # explaining: its reasons need the view
            bot.explain = False
            assert quiet_decider(bot) is not None, (actor, name)
    random_bot = RandomBot(1)
    random_bot.explain = False
    assert quiet_decider(random_bot) is not None


def test_a_quiet_game_is_the_logged_game() -> None:
    # Quiet play takes every fast path (the draw without `_roll`, no news, no record of
    # causes): the game is the same, order for order and state for state.
    for deck in DECKS:
        for seed in (1, 2, 3):
            seats = {a: f"doctrine:{next(iter(d))}" for a, d in deck.doctrines.items() if d}
            for seating in ({}, seats):
                logged = play_game(deck, seed, seating, log=True)
                quiet = play_game(deck, seed, seating, log=False)
                assert [r.orders for r in logged.records] == [r.orders for r in quiet.records], deck.id
                assert logged.plays == quiet.plays
                assert logged.state.digest() == quiet.state.digest()
                assert (logged.ending.id if logged.ending else None) == (quiet.ending.id if quiet.ending else None)


def test_a_random_seats_decision_is_a_decision() -> None:
    bot = RandomBot(3, answers=False)
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    game = Game(deck, 3)
    decision = bot.choose(game.available_moves("us"), 2)
    assert isinstance(decision, Decision)
    assert decision == Decision(decision.orders, ("Chosen at random.",) * len(decision.orders))
    assert decision.messages == () and decision.unsent == ()
