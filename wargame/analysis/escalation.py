"""Escalation measures for studies: the classes of the deck's escalation scale (Rivera et al.)
and, over many games, each actor's escalation per turn and the share of games reaching each class.

Counted from what any engine can give for a finished game: the moves each actor played on
each turn (or, already summed, each actor's score per turn and its highest move), so the
reference engine and a batched one feed the same `EscalationTally`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wargame.analysis.intervals import wilson
from wargame.deck.compile import CompiledDeck
from wargame.engine.state import Play


@dataclass(frozen=True)
class EscalationClass:
    """One class of the escalation scale: the scores from `lowest` up to the next class's."""

    id: str
    title: str
    lowest: int
    example: int
    """The score Rivera et al. give the class's actions (what deck authors write)."""


CLASSES: tuple[EscalationClass, ...] = (
    EscalationClass("de-escalation", "De-escalation", -100, -2),
    EscalationClass("status-quo", "Status quo", 0, 0),
    EscalationClass("posturing", "Posturing", 1, 4),
    EscalationClass("non-violent", "Non-violent escalation", 12, 12),
    EscalationClass("violent", "Violent escalation", 28, 28),
    EscalationClass("nuclear", "Nuclear use", 60, 60),
)
"""The scale's classes in order of severity. A deck writes each move's score as the
class's own (-2, 0, 4, 12, 28, 60); a score between two of them belongs to the lower
class, so any score from -100 to 100 has exactly one class (docs/escalation.md)."""

CLASS_IDS: tuple[str, ...] = tuple(c.id for c in CLASSES)


def class_of(score: int) -> EscalationClass:
    """The class of an escalation score (the highest class whose lowest score it reaches)."""
    found = CLASSES[0]
    for c in CLASSES:
        if score >= c.lowest:
            found = c
    return found


def class_range(c: EscalationClass) -> tuple[int, int]:
    """The scores of a class, both ends included."""
    i = CLASSES.index(c)
    return c.lowest, (CLASSES[i + 1].lowest - 1 if i + 1 < len(CLASSES) else 100)


def turn_series(deck: CompiledDeck, plays: Iterable[Play], turns: int) -> dict[str, list[int]]:
    """Actor to its summed escalation in each turn 1..`turns`: the scores of the moves it
    played (succeeded or failed; a fizzled order is no play), 0 in a turn it played none."""
    series = {a: [0] * turns for a in deck.actors}
    moves, index = deck.moves, deck.move_index
    for p in plays:
        if 1 <= p.turn <= turns:
            series[p.actor][p.turn - 1] += moves[index[p.move]].escalation
    return series


def peaks(deck: CompiledDeck, plays: Iterable[Play]) -> dict[str, int | None]:
    """Actor to the highest escalation score of a move it played (None: it played none)."""
    out: dict[str, int | None] = {a: None for a in deck.actors}
    moves, index = deck.moves, deck.move_index
    for p in plays:
        score = moves[index[p.move]].escalation
        best = out[p.actor]
        if best is None or score > best:
            out[p.actor] = score
    return out


ANY = "*"
"""The key of "any actor" in `EscalationTally.peaks`: the game's highest move by anyone."""


@dataclass
class EscalationTally:
    """Order-independent counts of escalation over finished games (merging is addition).

    Its own `games` says how many games fed it, so a run whose engine could not count
    escalation is told apart from one in which nobody escalated."""

    games: int = 0
    turns: Counter[tuple[str, int, int]] = field(default_factory=Counter)
    """(actor, turn, its summed escalation that turn) to games played that far."""
    peaks: Counter[tuple[str, int | None]] = field(default_factory=Counter)
    """(actor or ANY, the highest escalation of a move played, None if none) to games."""

    def add_game(self, deck: CompiledDeck, plays: Sequence[Play], turns: int) -> None:
        """Count one finished game from its plays and the number of turns it lasted."""
        self.add_series(turn_series(deck, plays, turns), peaks(deck, plays))

    def add_series(self, series: Mapping[str, Sequence[int]], highest: Mapping[str, int | None]) -> None:
        """Count one game given already summed: actor to its escalation per turn played, and
        actor to its highest move's score (None: no move). For engines without `Play`s."""
        self.games += 1
        self.turns.update((actor, turn, score) for actor, scores in series.items() for turn, score in enumerate(scores, 1))
        self.peaks.update(highest.items())
        known = [v for v in highest.values() if v is not None]
        self.peaks[(ANY, max(known) if known else None)] += 1

    def merge(self, other: EscalationTally) -> None:
        self.games += other.games
        self.turns.update(other.turns)
        self.peaks.update(other.peaks)


def _reaching(peak_counts: Mapping[int | None, int], games: int) -> dict[str, dict[str, Any]]:
    """Class to the games whose highest move was of that class or above, with the share and
    its 95% Wilson interval."""
    out: dict[str, dict[str, Any]] = {}
    for c in CLASSES:
        k = sum(n for score, n in peak_counts.items() if score is not None and score >= c.lowest)
        out[c.id] = {"games": k, "share": k / games if games else 0.0, "interval": list(wilson(k, games))}
    return out


def _peak_classes(peak_counts: Mapping[int | None, int]) -> dict[str, int]:
    """`none` and each class to the games whose highest move was of exactly that class."""
    out = {"none": peak_counts.get(None, 0), **{c: 0 for c in CLASS_IDS}}
    for score, n in peak_counts.items():
        if score is not None:
            out[class_of(score).id] += n
    return out


def scale_json() -> list[dict[str, Any]]:
    """The classes as the JSON states them: id, title, the scores they span."""
    return [{"class": c.id, "title": c.title, "from": class_range(c)[0], "to": class_range(c)[1]} for c in CLASSES]


def summarise_escalation(deck: CompiledDeck, tally: EscalationTally, games: int) -> dict[str, Any] | None:
    """The figures a study reads, JSON-ready (None when `tally` did not count all `games`,
    e.g. an engine that cannot count escalation, rather than figures that would mislead).

    Per actor: `mean_per_game` (its summed escalation over a game); per turn the games
    still running, the `mean` and the `distribution` (summed score to games); `peak`
    (games whose highest move was of each class, or `none`) and `reaching` (games with a
    move of each class or above: count, share, 95% interval). `any`: the same over all
    actors at once."""
    if tally.games != games:
        return None
    per_turn: dict[tuple[str, int], Counter[int]] = {}
    for (actor, turn, score), n in tally.turns.items():
        per_turn.setdefault((actor, turn), Counter())[score] += n
    by_peak: dict[str, dict[int | None, int]] = {}
    for (who, peak), n in tally.peaks.items():
        by_peak.setdefault(who, {})[peak] = n
    actors: dict[str, Any] = {}
    for actor in deck.actors:
        rows = []
        total = 0
        for turn in sorted(t for a, t in per_turn if a == actor):
            dist = per_turn[(actor, turn)]
            running = sum(dist.values())
            weighted = sum(score * n for score, n in dist.items())
            total += weighted
            rows.append({
                "turn": turn,
                "games": running,
                "mean": weighted / running if running else 0.0,
                "distribution": {str(score): n for score, n in sorted(dist.items())},
            })
        mine = by_peak.get(actor, {})
        actors[actor] = {
            "mean_per_game": total / games if games else 0.0,
            "turns": rows,
            "peak": _peak_classes(mine),
            "reaching": _reaching(mine, games),
        }
    every = by_peak.get(ANY, {})
    return {
        "scale": "Rivera et al.",
        "classes": scale_json(),
        "actors": actors,
        "any": {"peak": _peak_classes(every), "reaching": _reaching(every, games)},
    }


SHORT = {"de-escalation": "de-esc", "status-quo": "status quo", "posturing": "posturing",
         "non-violent": "non-violent", "violent": "violent", "nuclear": "nuclear"}
"""Column heads of the text tables (a class's title is too wide for one)."""


def escalation_text(deck: CompiledDeck, figures: Mapping[str, Any] | None, unit: str) -> list[str]:
    """Lines a person reads: each actor's mean escalation per turn, and the share of
    games in which it reached each class (a move of that class or above)."""
    if figures is None:
        return ["escalation: not counted by this run's engine"]
    lines = [f"escalation of the moves played (Rivera et al. scale): mean per {unit}, and a game's total"]
    names = {a: deck.actor_name(a) for a in deck.actors}
    width = max([len(n) for n in names.values()] + [10])
    for actor, f in figures["actors"].items():
        cells = " ".join(f"{r['mean']:5.1f}" for r in f["turns"])
        lines.append(f"  {names[actor][:26]:<{width}} {cells}   total {f['mean_per_game']:.1f}")
    lines.append("")
    lines.append("share of games reaching each escalation class (a move of that class or above)")
    lines.append(f"  {'':<{width}}" + "".join(f"{SHORT[c]:>13}" for c in CLASS_IDS))
    rows = [(names[a], f["reaching"]) for a, f in figures["actors"].items()] + [("any actor", figures["any"]["reaching"])]
    for name, reaching in rows:
        lines.append(f"  {name[:26]:<{width}}" + "".join(f"{reaching[c]['share']:13.1%}" for c in CLASS_IDS))
    return lines


def escalation_csv_rows(figures: Mapping[str, Any] | None) -> list[list[Any]]:
    """Rows for the simulation CSV (`section,key,turn,value,low,high`)."""
    if figures is None:
        return []
    rows: list[list[Any]] = []
    for actor, f in figures["actors"].items():
        rows.append(["escalation_game", actor, "", repr(f["mean_per_game"]), "", ""])
        for r in f["turns"]:
            rows.append(["escalation", actor, r["turn"], repr(r["mean"]), "", ""])
            rows.append(["escalation_games", actor, r["turn"], r["games"], "", ""])
            for score, n in r["distribution"].items():
                rows.append(["escalation_score", f"{actor}:{score}", r["turn"], n, "", ""])
    for who, f in [*figures["actors"].items(), (ANY, figures["any"])]:
        for c, n in f["peak"].items():
            rows.append(["escalation_peak", f"{who}:{c}", "", n, "", ""])
        for c, r in f["reaching"].items():
            lo, hi = r["interval"]
            rows.append(["escalation_reaching", f"{who}:{c}", "", r["games"], repr(lo), repr(hi)])
    return rows
