"""Doctrine sweeps: every combination of the deck's computer personalities, many games each.

How an author sees that one doctrine is exploitable or that an ending is unreachable under
sensible play. Game i of every combination uses the same seed (common random numbers), and
all combinations share one pool of workers; the result never depends on `jobs`.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wargame.analysis.escalation import CLASS_IDS, summarise_escalation
from wargame.analysis.intervals import wilson
from wargame.analysis.simulate import (
    Engine,
    check_seats,
    engine_for,
    make_chunks,
    mean_own_scores,
    run_chunks,
)
from wargame.analysis.tally import Tally
from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError

MAX_COMBINATIONS = 4096
"""More than this is a typo or a deck with many doctrines per actor: ask for a subset."""


def combinations(deck: CompiledDeck, chosen: Mapping[str, Sequence[str]] | None = None) -> list[dict[str, str]]:
    """Every combination of seats: for each actor its doctrines named in `chosen` (all of
    its doctrines when not named; `random` when it has none). Actors vary in deck order,
    the last fastest. Raises `WargameError` for an unknown actor or doctrine."""
    chosen = dict(chosen or {})
    for actor, names in chosen.items():
        if actor not in deck.actors:
            raise WargameError(f"--doctrines: unknown actor '{actor}' (actors: {', '.join(deck.actors)})")
        if not names:
            raise WargameError(f"--doctrines: no doctrines given for '{actor}'")
        if len(set(names)) != len(names):
            raise WargameError(f"--doctrines: a doctrine of '{actor}' is named twice")
        for name in names:
            if name != "random" and name not in deck.doctrines.get(actor, {}):
                have = ", ".join(deck.doctrines.get(actor, {})) or "none"
                raise WargameError(f"--doctrines: '{actor}' has no doctrine '{name}' (its doctrines: {have}; or random)")
    options: list[list[str]] = []
    for actor in deck.actors:
        names = list(chosen.get(actor) or deck.doctrines.get(actor) or ["random"])
        options.append([n if n == "random" else f"doctrine:{n}" for n in names])
    total = math.prod(len(o) for o in options)
    if total > MAX_COMBINATIONS:
        raise WargameError(f"{total:,} combinations of doctrines is too many (at most {MAX_COMBINATIONS:,}); choose some with --doctrines")
    return [dict(zip(deck.actors, combo, strict=True)) for combo in itertools.product(*options)]


def parse_doctrines(values: Sequence[str]) -> dict[str, list[str]]:
    """`["dprk=hardliner,pragmatist", "us=pressure-first"]` to a dict (checked later
    against the deck by `combinations`)."""
    out: dict[str, list[str]] = {}
    for value in values:
        actor, sep, names = value.partition("=")
        actor = actor.strip()
        if not sep or not actor:
            raise WargameError(f"--doctrines: '{value}' should look like ACTOR=NAME[,NAME...], e.g. dprk=hardliner,pragmatist")
        if actor in out:
            raise WargameError(f"--doctrines: '{actor}' is given twice; list all its doctrines in one option")
        parts = [n.strip() for n in names.split(",")]
        if any(not n for n in parts):
            raise WargameError(f"--doctrines: empty doctrine name in '{value}'")
        out[actor] = parts
    return out


@dataclass(frozen=True)
class SweepRow:
    """The games of one combination of seats."""

    seats: dict[str, str]
    games: int
    endings: dict[str, int]
    """Ending id to games, every ending of the deck in deck order."""
    intervals: dict[str, tuple[float, float]]
    """Ending id to the 95% Wilson interval of its share."""
    scores: dict[str, float]
    """Actor to mean final score."""
    mean_turns: float
    escalation: dict[str, Any] | None = None
    """Escalation of the moves played (`summarise_escalation`); None if not counted."""
    own_scores: dict[str, float] = field(default_factory=dict)
    """Actor to its mean score on its doctrine's own objectives (doctrines that have some)."""

    def to_json(self) -> dict[str, Any]:
        n = self.games
        return {
            "seats": self.seats,
            "games": n,
            "mean_turns": self.mean_turns,
            "endings": self.endings,
            "ending_rates": {k: v / n if n else 0.0 for k, v in self.endings.items()},
            "ending_intervals": {k: list(v) for k, v in self.intervals.items()},
            "scores": self.scores,
            "escalation": self.escalation,
            **({"own_scores": self.own_scores} if self.own_scores else {}),
        }


@dataclass(frozen=True)
class Sweep:
    """A whole sweep: one row per combination, in `combinations` order."""

    deck: str
    games: int
    """Games per combination."""
    seed: int
    actors: list[str]
    ending_ids: list[str]
    rows: list[SweepRow]

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.deck,
            "games_per_combination": self.games,
            "seed": self.seed,
            "combinations": [row.to_json() for row in self.rows],
        }


def _row(deck: CompiledDeck, seats: dict[str, str], tally: Tally, ending_ids: list[str]) -> SweepRow:
    n = tally.games
    endings = {e: tally.endings.get(e, 0) for e in ending_ids}
    per_actor: dict[str, list[tuple[float, int]]] = {a: [] for a in deck.actors}
    for (actor, score), count in sorted(tally.scores.items()):
        per_actor[actor].append((score, count))
    scores = {a: math.fsum(s * c for s, c in rows) / n if n else 0.0 for a, rows in per_actor.items()}
    return SweepRow(
        seats=seats,
        games=n,
        endings=endings,
        intervals={e: wilson(c, n) for e, c in endings.items()},
        scores=scores,
        mean_turns=tally.turns_sum / n if n else 0.0,
        escalation=summarise_escalation(deck, tally.escalation, n),
        own_scores=mean_own_scores(tally),
    )


def sweep(
    deck: CompiledDeck,
    games: int,
    seed: int,
    chosen: Mapping[str, Sequence[str]] | None = None,
    jobs: int = 1,
    turns: int | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    engine: Engine = "reference",
    cluster: str | None = None,
) -> Sweep:
    """Play `games` games of every combination of doctrines and tabulate them.

    `progress(games done over all combinations)` is called as work finishes. The result
    depends on (deck, games, seed, chosen, turns, engine), never on `jobs` or `cluster`.
    """
    if games < 1:
        raise WargameError("a sweep needs at least one game per combination")
    combos = combinations(deck, chosen)
    for combo in combos:
        check_seats(deck, combo, seed)
    chunks = []
    for key, combo in enumerate(combos):
        used = engine_for(engine, {a: combo.get(a, "random") for a in deck.actors})[0]
        chunks.extend(make_chunks(key, games, max(1, jobs), seed, combo, turns, engine=used))
    tallies = run_chunks(deck, chunks, jobs, progress, cluster)
    ending_ids = [e.id for e in (*deck.endings, deck.turn_limit_ending)]
    rows = [_row(deck, combo, tallies[key], ending_ids) for key, combo in enumerate(combos)]
    return Sweep(deck.id, games, seed, list(deck.actors), ending_ids, rows)


def _short(spec: str) -> str:
    return spec.removeprefix("doctrine:")


def sweep_text(deck: CompiledDeck, s: Sweep) -> str:
    """The table a person reads: one line per combination, ending shares with their 95%
    intervals, then each actor's mean score."""
    titles = {e.id: e.title for e in (*deck.endings, deck.turn_limit_ending)}
    widths = {a: max(len(deck.model.actors[a].short or a), *(len(_short(r.seats[a])) for r in s.rows)) for a in s.actors}
    head = "  ".join(f"{(deck.model.actors[a].short or a):<{widths[a]}}" for a in s.actors)
    cells = [f"{titles[e][:17]:>17}" for e in s.ending_ids]
    scores = [f"{(deck.model.actors[a].short or a)[:7]:>7}" for a in s.actors]
    lines = [
        (f"{deck.title}: {len(s.rows)} combination{'s' if len(s.rows) != 1 else ''} of doctrines, "
         f"{s.games} games each, seed {s.seed}"),
        "ending shares with 95% intervals; mean scores on the right",
        "",
        f"{head}  {' '.join(cells)}  |{' '.join(scores)}",
    ]
    for row in s.rows:
        who = "  ".join(f"{_short(row.seats[a]):<{widths[a]}}" for a in s.actors)
        shares = []
        for e in s.ending_ids:
            lo, hi = row.intervals[e]
            share = row.endings[e] / row.games if row.games else 0.0
            shares.append(f"{share:4.0%} ({lo:3.0%}-{hi:4.0%})".rjust(17))
        means = [f"{row.scores[a]:7.2f}" for a in s.actors]
        own = ", ".join(f"{(deck.model.actors[a].short or a)} {row.own_scores[a]:.2f}" for a in s.actors if a in row.own_scores)
        lines.append(f"{who}  {' '.join(shares)}  |{' '.join(means)}" + (f"  | own terms: {own}" if own else ""))
    if any(row.own_scores for row in s.rows):
        lines.append("")
        lines.append("own terms: a doctrine's mean score on its own objectives, beside its actor's")
    lines += ["", "escalation (Rivera et al. scale): each actor's mean total a game, and the share of games in which",
              "it reached posturing / non-violent / violent escalation / nuclear use (a move of that class or above)"]
    for row in s.rows:
        who = "  ".join(f"{_short(row.seats[a]):<{widths[a]}}" for a in s.actors)
        if row.escalation is None:
            lines.append(f"{who}  not counted by this run's engine")
            continue
        said = []
        for a in s.actors:
            f = row.escalation["actors"][a]
            reached = "/".join(f"{f['reaching'][c]['share']:.0%}" for c in CLASS_IDS[2:])
            said.append(f"{(deck.model.actors[a].short or a)[:7]} {f['mean_per_game']:6.1f} {reached}")
        lines.append(f"{who}  " + "  ".join(said))
    return "\n".join(lines)


def sweep_csv(s: Sweep) -> str:
    """One row per combination: the seats, then games, rate and interval of each ending,
    then each actor's mean score."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    header = ["combination", *(f"seat:{a}" for a in s.actors), "games", "mean_turns"]
    for e in s.ending_ids:
        header += [f"{e}:games", f"{e}:rate", f"{e}:low", f"{e}:high"]
    header += [f"score:{a}" for a in s.actors]
    header += [f"escalation:{a}" for a in s.actors]
    header += [f"reaching:{a}:{c}" for a in s.actors for c in CLASS_IDS]
    own = [a for a in s.actors if any(a in row.own_scores for row in s.rows)]
    header += [f"own:{a}" for a in own]
    w.writerow(header)
    for i, row in enumerate(s.rows, 1):
        cells: list[Any] = [i, *(row.seats[a] for a in s.actors), row.games, repr(row.mean_turns)]
        for e in s.ending_ids:
            lo, hi = row.intervals[e]
            cells += [row.endings[e], repr(row.endings[e] / row.games if row.games else 0.0), repr(lo), repr(hi)]
        cells += [repr(row.scores[a]) for a in s.actors]
        esc = row.escalation
        cells += [repr(esc["actors"][a]["mean_per_game"]) if esc else "" for a in s.actors]
        cells += [repr(esc["actors"][a]["reaching"][c]["share"]) if esc else "" for a in s.actors for c in CLASS_IDS]
        cells += [repr(row.own_scores[a]) if a in row.own_scores else "" for a in own]
        w.writerow(cells)
    return out.getvalue()
