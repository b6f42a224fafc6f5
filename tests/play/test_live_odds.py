"""Live odds on the facilitator's console (issue 16): computed off the lock when a turn
resolves or an inject lands, shown to the facilitator alone (they read the full state).

The client's worker threads are replaced by a queue the test drains by hand, so each test
sees the console between "the odds are out of date" and "the odds came back"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.analysis.odds import (
    LIVE_GAMES,
    OddsJob,
    live_odds,
    live_stand_ins,
)
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.play.client import LocalClient
from wargame.play.control import Session


class Queue:
    """A client's `spawn` that keeps the jobs until `drain` runs them (and any they start)."""

    def __init__(self) -> None:
        self.jobs: list[Callable[[], None]] = []

    def __call__(self, fn: Callable[[], None]) -> None:
        self.jobs.append(fn)

    def drain(self) -> None:
        while self.jobs:
            self.jobs.pop(0)()


def session(deck: CompiledDeck, seed: int = 7, facilitator: bool = True, seats: dict[str, str] | None = None) -> tuple[Session, LocalClient, Queue]:
    s = Session(Game(deck, seed), seats or {"red": "human", "blue": "random"}, facilitator=facilitator)
    queue = Queue()
    client = LocalClient(s, spawn=queue)
    client.start()
    queue.drain()
    return s, client, queue


def play_turn(s: Session, queue: Queue) -> None:
    """Red stands pat, the turn resolves; the computer seat and the odds catch up."""
    s.submit("red", [])
    s.resolve()
    queue.drain()


def ending_ids(deck: CompiledDeck) -> list[str]:
    return [e.id for e in (*deck.endings, deck.turn_limit_ending)]


def test_the_facilitator_sees_the_odds_and_their_change(tutorial: CompiledDeck) -> None:
    s, _client, queue = session(tutorial)
    first = s.observe("facilitator").control
    assert first is not None and first.odds is not None and not first.odds_pending
    odds = first.odds
    assert odds.turn == 1 and odds.games == LIVE_GAMES and odds.injects == 0
    assert [e.id for e in odds.endings] == ending_ids(tutorial)
    assert abs(sum(e.p for e in odds.endings) - 1) < 1e-9
    assert all(e.low <= e.p <= e.high and e.change is None for e in odds.endings)
    play_turn(s, queue)
    after = s.observe("facilitator").control
    assert after is not None and after.odds is not None and after.odds.turn == 2
    for e, before in zip(after.odds.endings, odds.endings, strict=True):
        assert e.change is not None and abs(e.change - (e.p - before.p)) < 1e-12


def test_the_odds_are_the_continuations_from_the_full_state(tutorial: CompiledDeck) -> None:
    """What the console shows is the batched engine's count from the game's own state, the
    seats played by their stand-ins: the same whenever it is computed (one seed per moment)."""
    s, _client, queue = session(tutorial, seed=11)
    play_turn(s, queue)
    control = s.observe("facilitator").control
    assert control is not None and control.odds is not None
    counts = live_odds(tutorial, s.game.state.copy(), s.game.turns, s.game.seed, live_stand_ins(tutorial, s.seats))
    assert {e.id: round(e.p * LIVE_GAMES) for e in control.odds.endings} == {i: counts.get(i, 0) for i in ending_ids(tutorial)}


def test_a_deck_of_the_second_round_gets_the_batched_engines_odds_from_its_state() -> None:
    """grid-ransom-2024 has an opening, waits on offers, categories of its own...: the
    batched engine plays those rules as the reference engine does (the agreement test), so
    its live odds are the batched engine's continuations from the game's state, and still
    change as the game goes."""
    deck = load_deck(Path(__file__).resolve().parents[2] / "decks" / "grid-ransom-2024.toml")
    seats = {a: "human" if i == 0 else "random" for i, a in enumerate(deck.actors)}
    human = deck.actors[0]
    s, _client, queue = session(deck, seed=5, seats=seats)
    first = s.observe("facilitator").control
    assert first is not None and first.odds is not None and first.odds.games == LIVE_GAMES
    s.submit(human, [])
    s.resolve()
    queue.drain()
    control = s.observe("facilitator").control
    assert control is not None and control.odds is not None and control.odds.turn == 2
    counts = live_odds(deck, s.game.state.copy(), s.game.turns, s.game.seed, live_stand_ins(deck, s.seats))
    assert {e.id: round(e.p * LIVE_GAMES) for e in control.odds.endings} == {i: counts.get(i, 0) for i in ending_ids(deck)}
    assert all(e.change is not None for e in control.odds.endings)


def test_stale_until_a_turn_resolves_and_recomputed_once(tutorial: CompiledDeck) -> None:
    s, _client, queue = session(tutorial)
    s.submit("red", [])
    s.resolve()
    pending = s.observe("facilitator").control
    assert pending is not None and pending.odds_pending
    assert pending.odds is None  # last turn's odds are not passed off as this turn's
    assert s.odds_job() is None  # already being computed: not a second time
    queue.drain()
    control = s.observe("facilitator").control
    assert control is not None and control.odds is not None and control.odds.turn == 2 and not control.odds_pending
    assert s.odds_job() is None  # up to date: nothing to compute


def test_an_inject_recomputes_them_and_taking_it_back_too(tutorial: CompiledDeck) -> None:
    s, _client, queue = session(tutorial)
    event = next(e for e in tutorial.events if e.inject)
    s.fire_inject(event=event.id)
    pending = s.observe("facilitator").control
    assert pending is not None and pending.odds_pending and pending.odds is not None and pending.odds.injects == 0
    queue.drain()
    control = s.observe("facilitator").control
    assert control is not None and control.odds is not None and control.odds.injects == 1 and not control.odds_pending
    s.remove_inject(0)
    assert (c := s.observe("facilitator").control) is not None and c.odds_pending
    queue.drain()
    control = s.observe("facilitator").control
    assert control is not None and control.odds is not None and control.odds.injects == 0 and not control.odds_pending


def test_an_opening_inject_recomputes_them_and_withdrawing_it_too(tutorial: CompiledDeck) -> None:
    """Fired into the opening or withdrawn from it, an inject changes the state before the
    first orders: the odds from it are computed again (before, they stood as they were)."""
    s, _client, queue = session(tutorial)
    before = s.observe("facilitator").control
    assert before is not None and before.odds is not None and not before.odds_pending
    s.fire_opening_inject(text="A storm.", effects=["tension += 5"])
    assert (c := s.observe("facilitator").control) is not None and c.odds_pending
    queue.drain()
    fired = s.observe("facilitator").control
    assert fired is not None and fired.odds is not None and not fired.odds_pending
    counts = live_odds(tutorial, s.game.state.copy(), s.game.turns, s.game.seed, live_stand_ins(tutorial, s.seats))
    assert {e.id: round(e.p * LIVE_GAMES) for e in fired.odds.endings} == {i: counts.get(i, 0) for i in ending_ids(tutorial)}
    s.withdraw_opening_inject(0)
    assert (c := s.observe("facilitator").control) is not None and c.odds_pending
    queue.drain()
    withdrawn = s.observe("facilitator").control
    assert withdrawn is not None and withdrawn.odds is not None and not withdrawn.odds_pending
    assert [e.p for e in withdrawn.odds.endings] == [e.p for e in before.odds.endings]


def test_odds_that_come_back_too_late_are_dropped(tutorial: CompiledDeck) -> None:
    """A computation overtaken by an inject must not show odds without it."""
    s, _client, queue = session(tutorial)
    s.fire_inject(event=next(e for e in tutorial.events if e.inject).id)
    assert len(queue.jobs) == 1
    stale = queue.jobs.pop()  # the odds with the inject, finishing after it was taken back
    s.remove_inject(0)
    queue.drain()  # the odds without it were already up to date: nothing to compute
    before = s.observe("facilitator").control
    assert before is not None and before.odds is not None and before.odds.injects == 0
    stale()
    after = s.observe("facilitator").control
    assert after is not None and after.odds == before.odds and not after.odds_pending


def test_odds_that_cannot_be_computed_leave_the_game_going(tutorial: CompiledDeck) -> None:
    s, _client, queue = session(tutorial)
    s.submit("red", [])
    s.resolve()
    job = s.odds_job()
    assert job is None and len(queue.jobs) >= 1
    broken = OddsJob(("not", "a", "moment"), s.game.fork(s.game.seed), s.game.seed, {"red": "no-such-seat", "blue": "random"}, (), None)
    assert broken.safe_run() is None  # logged, not raised
    s.odds_done(broken, None)
    queue.drain()
    control = s.observe("facilitator").control
    assert control is not None and control.odds is not None and control.odds.turn == 2


def test_no_odds_without_a_facilitator_nor_once_the_game_is_over(tutorial: CompiledDeck) -> None:
    s, _client, _queue = session(tutorial, facilitator=False)
    assert s.odds_job() is None and s.odds is None
    s, _client, queue = session(tutorial)
    while not s.is_over:
        play_turn(s, queue)
    assert s.odds_job() is None


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**31), st.integers(0, 3), st.booleans())
def test_no_seat_and_not_the_public_is_shown_the_odds(seed: int, turns: int, inject: bool) -> None:
    deck = load_deck(Path(__file__).resolve().parents[2] / "decks" / "tutorial.toml")
    s, _client, queue = session(deck, seed)
    for _ in range(turns):
        if s.is_over:
            break
        play_turn(s, queue)
    if inject and not s.is_over:
        s.fire_inject(event=next(e for e in deck.events if e.inject).id)
        queue.drain()
    assert s.observe("facilitator").control is not None
    for who in ("red", "blue", "public"):
        obs = s.observe(who)
        assert obs.control is None
        assert '"odds' not in obs.model_dump_json()
