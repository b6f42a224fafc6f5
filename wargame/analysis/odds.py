"""Live odds: each ending's chance from where a game being played stands, for the facilitator.

Thousands of continuations from the full state now (the turn's queued injects included),
every seat played by its computer stand-in, by the batched engine in fast mode: a fraction
of a second, computed off the UI thread and the host's event loop (`OddsJob`, run by the
controller's clients like a computer seat's decision). The odds read the full state, so
only the facilitator's console is shown them (`ControlInfo.odds`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wargame.analysis.batch import FirstTurn, play
from wargame.analysis.intervals import wilson
from wargame.analysis.rollout import continuation_seed
from wargame.bots.batch import batchable
from wargame.bots.seats import SeatSpec, default_computer
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.engine.state import Inject, State
from wargame.observe.model import EndingOdds, OddsInfo

LIVE_GAMES = 2000
"""Continuations behind the live odds: a 95% interval of about ±2 points at 50%."""

def live_stand_ins(deck: CompiledDeck, seats: Mapping[str, SeatSpec]) -> dict[str, str]:
    """Who plays each seat in the continuations: a random or doctrine computer as seated,
    anyone else (a team, a program, a lookahead) the actor's default computer."""
    return {a: str(spec) if batchable(spec) else str(default_computer(deck, a)) for a, spec in seats.items()}


def live_odds(deck: CompiledDeck, state: State, turns: int, seed: int, stand_ins: Mapping[str, str],
              injects: Sequence[Inject] = (), games: int = LIVE_GAMES) -> Counter[str]:
    """How `games` continuations from `state` end (ending id to count)."""
    seeds = [continuation_seed(seed, state.turn, i) for i in range(games)]
    b = play(deck, seeds, stand_ins, turns, "fast", start=state, first=FirstTurn({}, injects))
    ids = [e.id for e in deck.endings] + [deck.turn_limit_ending.id]
    return Counter(ids[k] for k in b.ending.tolist())


def odds_info(deck: CompiledDeck, turn: int, counts: Mapping[str, int], games: int, injects: int = 0,
              previous: OddsInfo | None = None) -> OddsInfo:
    """The odds as the console shows them: every ending in deck order with its share, its
    95% interval and its change since `previous` (the odds before the last turn)."""
    before = {e.id: e.p for e in previous.endings} if previous is not None else {}
    out = []
    for ending in (*deck.endings, deck.turn_limit_ending):
        n = counts.get(ending.id, 0)
        p = n / games if games else 0.0
        low, high = wilson(n, games)
        out.append(EndingOdds(id=ending.id, title=ending.title, p=p, low=low, high=high,
                              change=p - before[ending.id] if ending.id in before else None))
    return OddsInfo(turn=turn, games=games, endings=out, injects=injects)


@dataclass
class OddsJob:
    """The live odds of one moment of a game, to be computed off the lock: `run()` in any
    thread, then hand the result to the controller (`Session.odds_done`)."""

    key: tuple[object, ...]
    """The moment (turn, turns resolved, injects queued): a result for another is dropped."""
    game: Game
    """A log-free copy of the game (`Game.fork`), taken under the controller's lock."""
    seed: int
    stand_ins: dict[str, str]
    injects: tuple[Inject, ...]
    previous: OddsInfo | None
    games: int | None = None
    """Continuations to play (None: `LIVE_GAMES`)."""

    @property
    def deck(self) -> CompiledDeck:
        return self.game.deck

    def run(self) -> OddsInfo:
        games = self.games or LIVE_GAMES
        counts = live_odds(self.deck, self.game.state, self.game.turns, self.seed, self.stand_ins, self.injects, games)
        return odds_info(self.deck, self.game.turn, counts, games, len(self.injects), self.previous)

    def safe_run(self) -> OddsInfo | None:
        """`run`, for a worker thread whose failure must not end the game: None (the console
        then shows no odds) and the error logged."""
        try:
            return self.run()
        except Exception:
            logging.getLogger("wargame").exception("live odds could not be computed")
            return None


__all__ = ["LIVE_GAMES", "OddsJob", "live_odds", "live_stand_ins", "odds_info"]
