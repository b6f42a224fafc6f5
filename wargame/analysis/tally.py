"""The counts a run of many games keeps (`Tally`) and the small sums it reads off a finished
game. Below every engine that fills a tally: the reference engine's runs (`simulate`) and
the batched engine's (`batch`) alike, so neither imports the other for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import ne

from wargame.analysis.escalation import EscalationTally
from wargame.engine.game import Game
from wargame.engine.offers import offer_history

__all__ = ["Tally", "cents", "final_scores", "own_scores"]


@dataclass
class Tally:
    """Order-independent counts over finished games (merging two tallies is addition).

    Everything is a count, never a float sum, so a merged tally is the same whatever
    order the chunks finish in; and its size is bounded by the deck, not the games.
    """

    games: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    scores: Counter[tuple[str, float]] = field(default_factory=Counter)
    """(actor, final score) to games."""
    moves: Counter[int] = field(default_factory=Counter)
    """Move index to times resolved (played: succeeded or failed, not fizzled)."""
    ordered: Counter[int] = field(default_factory=Counter)
    """Move index to times ordered (resolved or fizzled)."""
    fired: Counter[int] = field(default_factory=Counter)
    """Event index to times fired."""
    fired_games: Counter[int] = field(default_factory=Counter)
    """Event index to games in which it fired at least once."""
    ending_turns: Counter[tuple[str, int]] = field(default_factory=Counter)
    """(ending id, the turn it happened on) to games."""
    tracks: Counter[tuple[int, float, int, int]] = field(default_factory=Counter)
    """(slot, value, first turn, last turn) to games: a run of turns at whose end the track
    held that value (rounded to 1/100). A game counts only on the turns it was played, so
    the figures for a late turn describe the games still running then."""
    move_scores: Counter[tuple[int, bool, float]] = field(default_factory=Counter)
    """(move index, played at least once, its actor's final score) to games; kept only
    when `by_move` is set (the playtest's dominance check), empty otherwise."""
    offers: Counter[tuple[int, str]] = field(default_factory=Counter)
    """(offer slot, `made` or how it ended: `accepted`, `refused`, `expired`, `unanswered`)
    to times; empty for a deck without offers."""
    programs: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(actor, `overran` or `failed`) to turns its program could not play (its stand-in
    played them); empty when no program failed."""
    escalation: EscalationTally = field(default_factory=EscalationTally)
    """Each actor's escalation per turn and highest move (`wargame.analysis.escalation`)."""
    own_scores: Counter[tuple[str, float]] = field(default_factory=Counter)
    """(actor, score on its doctrine's own objectives) to games, for actors seated with a
    doctrine that has objectives of its own: whether it won on its own terms."""
    turns_sum: int = 0
    by_move: bool = False

    def add_game(self, game: Game, history: list[list[float]] | None = None, seats: Mapping[str, str] | None = None) -> None:
        """Count a finished game. `history` (track values after each turn) is needed when
        the game kept no log; otherwise the values are rebuilt from its turn records.
        `seats` (actor to seat) lets a doctrine with objectives of its own be scored on them."""
        assert game.ending is not None
        self.games += 1
        if seats:
            for actor, points in own_scores(game, seats).items():
                self.own_scores[(actor, points)] += 1
        self.endings[game.ending.id] += 1
        self.ending_turns[(game.ending.id, len(game.records))] += 1
        # Scores are floats in every key: a Counter keeps the first key it saw, and `0`
        # (an empty sum) and `0.0` would otherwise print differently run to run.
        scores = final_scores(game)
        for actor, total in scores.items():
            self.scores[(actor, total)] += 1
        moves = self.moves
        counts = game.state.counts
        for i, count in enumerate(counts):
            if count:
                moves[i] += count
        # Counted by id in C (Counter over a flat list), then once per distinct move.
        ordered = self.ordered
        index = game.deck.move_index
        for move_id, n in Counter(chain.from_iterable([o for rec in game.records for o in rec.orders.values()])).items():
            ordered[index[move_id]] += n
        for i, count in enumerate(game.state.fired):
            if count:
                self.fired[i] += count
                self.fired_games[i] += 1
        if self.by_move:
            for move in game.deck.moves:
                self.move_scores[(move.index, counts[move.index] > 0, scores[move.actor])] += 1
        if game.deck.offers:
            for offer in offer_history(game.deck, game.plays, len(game.records), True):
                self.offers[(offer.slot, "made")] += 1
                self.offers[(offer.slot, offer.status)] += 1
        self.escalation.add_game(game.deck, game.plays, len(game.records))
        self.turns_sum += len(game.records)
        if history is None:
            if not game.log:
                raise ValueError("a game played with log=False needs its track history")
            history = _history(game)
        self._add_tracks(game, history)

    def _add_tracks(self, game: Game, history: list[list[float]]) -> None:
        # Runs rather than one entry per turn and track: most tracks hold still most
        # turns, so this is a few dozen counts per game instead of hundreds. The finished
        # runs are gathered in a list and counted by one `Counter.update` (in C): a `+=`
        # per run goes through `Counter.__missing__` in Python and cost more than the game.
        prev = game.start_values
        values = [float(round(x, 2)) for x in prev]
        since = [1] * len(values)
        runs: list[tuple[int, float, int, int]] = []
        slots = range(len(values))
        for turn, now in enumerate(history, 1):
            # Only the slots whose exact value moved this turn (`!=`, so nan counts as moved),
            # picked out in C.
            for slot in compress(slots, map(ne, prev, now)):
                new = cents(now[slot])
                if new != values[slot]:
                    if turn > since[slot]:
                        runs.append((slot, values[slot], since[slot], turn - 1))
                    values[slot] = new
                    since[slot] = turn
            prev = now
        last = len(history)  # the turn the game ended on: later turns did not happen
        runs.extend((slot, value, since[slot], last) for slot, value in enumerate(values))
        self.tracks.update(runs)

    def merge(self, other: Tally) -> None:
        self.games += other.games
        self.endings.update(other.endings)
        self.scores.update(other.scores)
        self.moves.update(other.moves)
        self.ordered.update(other.ordered)
        self.fired.update(other.fired)
        self.fired_games.update(other.fired_games)
        self.ending_turns.update(other.ending_turns)
        self.tracks.update(other.tracks)
        self.move_scores.update(other.move_scores)
        self.offers.update(other.offers)
        self.programs.update(other.programs)
        self.escalation.merge(other.escalation)
        self.own_scores.update(other.own_scores)
        self.turns_sum += other.turns_sum


def cents(x: float) -> float:
    """`float(round(x, 2))`, the same float, faster for the usual values of a track.

    A value whose quadruple is a whole number (a whole number, or a half or a quarter) has
    at most two decimals, so rounding it to two gives it back exactly; `round(x, 2)` of
    a float is correctly rounded through its decimal digits, several times slower."""
    return float(x) if (x * 4.0).is_integer() else float(round(x, 2))


def final_scores(game: Game) -> dict[str, float]:
    """Each actor's final score as a float: the sum `Game.scores()` gives, in the same order
    (so the same float), without filling in the objectives' texts nobody reads here."""
    s = game.state
    objectives = game.deck.objectives
    return {actor: float(sum(o.points for o in objectives[actor] if o.when(s))) for actor in game.deck.actors}


def own_scores(game: Game, seats: Mapping[str, str]) -> dict[str, float]:
    """Each actor seated with a doctrine that has objectives of its own: its points on them
    at the end of `game` (`[actors.X.doctrines.Y] objectives`)."""
    s = game.state
    out = {}
    for actor, spec in seats.items():
        kind, _, name = str(spec).partition(":")
        doctrine = game.deck.doctrines.get(actor, {}).get(name) if kind == "doctrine" else None
        if doctrine is not None and doctrine.objectives:
            out[actor] = float(sum(o.points for o in doctrine.objectives if o.when(s)))
    return out


def _history(game: Game) -> list[list[float]]:
    """Track values after each turn, rebuilt from the turn records' changes."""
    values = list(game.start_values)
    out = []
    for rec in game.records:
        for change in rec.changes:
            values[change.slot] = change.new
        out.append(list(values))
    return out
