"""Marked choices, like a chess analysis board: each human seat's orders in each turn against
the best it could have given, on the same dice.

For every turn a team gave orders, every legal order set it had (as `whatif --all` tries
them) is played on many times from the state before that turn, the other seats' orders
and the facilitator's injects as they were, every choice on the same dice. A choice's
value is the seat's mean final score; its cost is how far the best choice's value is above
it. The cost is judged against the seat's most points (its objectives) and only when it is
clear of the noise of the continuations (a 95% interval on the game-by-game difference,
widened for the number of choices compared, since the best of many is lucky as often as
good):

- a **blunder** costs a quarter of the seat's points or more (`BLUNDER`);
- a **mistake** a tenth or more (`MISTAKE`);
- an **inaccuracy** a twentieth or more (`INACCURACY`);
- a **strong** choice is as good as the best while the other choices, on average, would
  have cost a tenth of the points or more (`STRONG`).

Continuations are computed from the full state (secrets included), so marks are shown
only where the odds are. Results are kept beside the save, like the turning points.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

from wargame.analysis.cache import cached, latest, save_hash, store_entry
from wargame.analysis.rollout import (
    Checkpoints,
    Opening,
    Outcomes,
    Runner,
    Task,
    chunk_size,
    default_stand_ins,
    split,
)
from wargame.analysis.turning import waiting_offers
from wargame.analysis.whatif import MAX_ALTERNATIVES, legal_alternatives, orders_label
from wargame.bots.seats import SeatSpec
from wargame.engine.state import Inject
from wargame.errors import WargameError
from wargame.observe.labels import stood_in
from wargame.saves.format import SaveModel

BLUNDER = 0.25
"""A choice that costs this share of the seat's most points, or more, is a blunder."""
MISTAKE = 0.10
INACCURACY = 0.05
STRONG = 0.10
"""A choice as good as the best is strong when the others would, on average, have cost
this share of the seat's most points or more."""
CONFIDENCE = 0.95
GAMES = 40
"""Continuations for each choice by default."""

KINDS = ("blunder", "mistake", "inaccuracy", "strong")
SYMBOLS = {"blunder": "??", "mistake": "?", "inaccuracy": "?!", "strong": "!", "": ""}
"""The chess annotator's marks, for the timeline."""
WORDS = {"blunder": "a blunder", "mistake": "a mistake", "inaccuracy": "an inaccuracy", "strong": "a strong choice", "": "a sound choice"}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Mark:
    """One seat's orders in one turn, judged against the best it could have given."""

    turn: int
    seat: str
    kind: str
    """`blunder`, `mistake`, `inaccuracy`, `strong`, or empty for a sound choice."""
    orders: tuple[str, ...]
    label: str
    """The orders given, in words."""
    best: tuple[str, ...]
    best_label: str
    """The best choice found (the orders given themselves when nothing beat them)."""
    value: float
    """The seat's mean final score after the orders given."""
    best_value: float
    mean_value: float
    """The mean of every choice's value (how good an average choice was)."""
    margin: float
    """Half the width of the interval on the cost (points): a smaller cost is noise."""
    most: float
    """The most points the seat's objectives can give."""
    choices: int
    """How many order sets were compared."""
    endings: dict[str, tuple[float, float]]
    """Ending to (its odds after the orders given, after the best choice)."""

    @property
    def cost(self) -> float:
        """Points of the seat's mean score lost against the best choice (0 if none beat it)."""
        return max(0.0, self.best_value - self.value)

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.kind]

    @property
    def words(self) -> str:
        return WORDS[self.kind]

    def summary(self, titles: Mapping[str, str]) -> str:
        """"a blunder: 3.2 of 11 points below Freeze long-range tests (Interim agreement 40% → 12%)"."""
        if self.kind in {"blunder", "mistake", "inaccuracy"}:
            moved = sorted(self.endings.items(), key=lambda kv: -abs(kv[1][1] - kv[1][0]))
            odds = [f"{titles.get(e, e)} {a:.0%} against {b:.0%}" for e, (a, b) in moved if abs(b - a) >= 0.05][:2]
            return (f"{self.words}: {self.cost:.1f} of {_pts(self.most)} points below the best choice found: {self.best_label}"
                    + (f" ({'; '.join(odds)})" if odds else ""))
        if self.kind == "strong":
            return f"{self.words}: as good as any, where an average choice scored {self.value - self.mean_value:.1f} points less"
        return f"{self.words}: none of the {self.choices} choices was clearly better"


@dataclass(frozen=True)
class Marks:
    """Every human seat's choices in a saved game, marked."""

    save_hash: str
    games: int
    seed: int
    stand_ins: dict[str, str]
    seats: tuple[str, ...]
    """The seats marked (those a person played)."""
    titles: dict[str, str]
    marks: tuple[Mark, ...]
    skipped: tuple[tuple[int, str], ...] = ()
    """(turn, seat) a computer stood in for (the team did not seal in time): not marked."""

    def of(self, seat: str) -> list[Mark]:
        return [m for m in self.marks if m.seat == seat]

    def at(self, turn: int) -> list[Mark]:
        return [m for m in self.marks if m.turn == turn]

    def to_json(self) -> dict[str, Any]:
        return {
            "save_hash": self.save_hash, "games": self.games, "seed": self.seed, "stand_ins": self.stand_ins,
            "seats": list(self.seats), "titles": self.titles, "skipped": [list(s) for s in self.skipped],
            "marks": [
                {
                    "turn": m.turn, "seat": m.seat, "kind": m.kind, "orders": list(m.orders), "label": m.label,
                    "best": list(m.best), "best_label": m.best_label, "value": m.value, "best_value": m.best_value,
                    "mean_value": m.mean_value, "margin": m.margin, "most": m.most, "choices": m.choices,
                    "endings": {e: list(v) for e, v in m.endings.items()},
                }
                for m in self.marks
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Marks:
        """The inverse of `to_json`; raises KeyError/TypeError/ValueError on bad data."""
        return cls(
            save_hash=str(data["save_hash"]), games=int(data["games"]), seed=int(data["seed"]),
            stand_ins={str(k): str(v) for k, v in data["stand_ins"].items()},
            seats=tuple(str(s) for s in data["seats"]), titles={str(k): str(v) for k, v in data["titles"].items()},
            skipped=tuple((int(t), str(s)) for t, s in data.get("skipped", [])),
            marks=tuple(
                Mark(
                    turn=int(m["turn"]), seat=str(m["seat"]), kind=str(m["kind"]) if m["kind"] in KINDS else "",
                    orders=tuple(str(o) for o in m["orders"]), label=str(m["label"]), best=tuple(str(o) for o in m["best"]),
                    best_label=str(m["best_label"]), value=float(m["value"]), best_value=float(m["best_value"]),
                    mean_value=float(m["mean_value"]), margin=float(m["margin"]), most=float(m["most"]), choices=int(m["choices"]),
                    endings={str(e): (float(v[0]), float(v[1])) for e, v in m["endings"].items()},
                )
                for m in data["marks"]
            ),
        )


def judge(value: float, best_value: float, mean_value: float, margin: float, most: float) -> str:
    """The mark for a choice worth `value` where the best was worth `best_value` and an
    average choice `mean_value` (all the seat's mean points), a cost smaller than
    `margin` being noise, out of `most` points."""
    if most <= 0:
        return ""
    cost = best_value - value
    if cost > margin:
        share = cost / most
        if share >= BLUNDER:
            return "blunder"
        if share >= MISTAKE:
            return "mistake"
        if share >= INACCURACY:
            return "inaccuracy"
        return ""
    if value - mean_value >= STRONG * most:
        return "strong"
    return ""


def human_seats(save: SaveModel) -> list[str]:
    """The seats a person played (whose choices a debrief marks)."""
    out = []
    for actor, spec in save.seats.items():
        try:
            if SeatSpec.parse(spec).is_human:
                out.append(actor)
        except WargameError:
            continue
    return out


def mark_choices(
    save: SaveModel,
    games: int = GAMES,
    seed: int = 0,
    jobs: int = 1,
    stand_ins: Mapping[str, str] | None = None,
    *,
    seats: Sequence[str] | None = None,
    cap: int = MAX_ALTERNATIVES,
    progress: Progress | None = None,
    checkpoints: Checkpoints | None = None,
) -> Marks:
    """Mark every turn's orders of each seat in `seats` (default: the seats a person
    played): each legal order set it had then (up to `cap`; each move alone beyond it),
    `games` continuations each on the same dice. Depends only on its inputs, never on
    `jobs`. Raises `WargameError` for bad arguments or a save that does not replay."""
    if not 1 <= games <= 100_000:
        raise WargameError(f"--games must be between 1 and 100,000, not {games}")
    cp = checkpoints or Checkpoints(save)
    deck = cp.deck
    chosen = default_stand_ins(save, deck, stand_ins)
    marked = list(seats) if seats is not None else human_seats(save)
    for actor in marked:
        if actor not in deck.actors:
            raise WargameError(f"--seat: unknown actor '{actor}' (actors: {', '.join(deck.actors)})")
    final = cp.game.scores()
    most = {a: sum(o.points for o in final[a].objectives if o.points > 0) for a in deck.actors}
    plans: list[tuple[int, str, list[tuple[str, ...]], tuple[str, ...]]] = []
    skipped: list[tuple[int, str]] = []
    tasks: list[Task] = []
    with Runner(cp, chosen, seed, jobs) as runner:
        chunk = chunk_size(games, runner.jobs)
        for record in save.history:
            turn = record.turn
            injects = tuple(Inject(event=i.event, text=i.text, effects=tuple(i.effects)) for i in record.injects)
            for actor in marked:
                if stood_in(record.reasons.get(actor, ())):
                    skipped.append((turn, actor))
                    continue
                actual = tuple(record.orders.get(actor, ()))
                sets, _left = legal_alternatives(cp, turn, actor, cap)
                # The orders as given (their order within the turn matters), then every other set.
                options = [actual] + [s for s in sets if sorted(s) != sorted(actual)]
                others = {a: tuple(record.orders.get(a, ())) for a in deck.actors if a != actor}
                for i, orders in enumerate(options):
                    opening = Opening.of({**others, actor: orders}, injects, record.overrides, per_game=actor)
                    tasks += split(("mark", turn, actor, i), turn, opening, games, chunk)
                plans.append((turn, actor, options, actual))
        results = runner.run(tasks, progress)
    titles = {e.id: e.title for e in (*deck.endings, deck.turn_limit_ending)}
    out = []
    for turn, actor, options, actual in plans:
        outcomes = [results[("mark", turn, actor, i)] for i in range(len(options))]
        out.append(_mark(cp, turn, actor, options, outcomes, most[actor], titles))
    return Marks(save_hash(save), games, seed, chosen, tuple(marked), titles, tuple(out), tuple(skipped))


def _mark(cp: Checkpoints, turn: int, actor: str, options: list[tuple[str, ...]], outcomes: list[Outcomes], most: float, titles: Mapping[str, str]) -> Mark:
    deck = cp.deck
    values = [o.mean_score(actor) for o in outcomes]
    best = max(range(len(options)), key=lambda i: (values[i], i == 0, -i))
    actual = outcomes[0]
    # The cost of the orders given against the best, game by game on the same dice: its
    # spread says how much of the cost is noise, widened for the number of choices.
    diffs = [outcomes[best].by_game[k] - actual.by_game[k] for k in sorted(actual.by_game)]
    n = len(diffs)
    mean = math.fsum(diffs) / n if n else 0.0
    sd = math.sqrt(math.fsum((d - mean) ** 2 for d in diffs) / (n - 1)) if n > 1 else 0.0
    z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / (2 * max(1, len(options) - 1)))
    margin = z * sd / math.sqrt(n) if n else 0.0
    mean_value = math.fsum(values) / len(values)
    kind = judge(values[0], values[best], mean_value, margin, most)
    waiting = waiting_offers(cp.fork(turn, 0), actor)
    return Mark(
        turn=turn, seat=actor, kind=kind, orders=options[0], label=orders_label(deck, options[0], waiting),
        best=options[best], best_label=orders_label(deck, options[best], waiting), value=values[0], best_value=values[best],
        mean_value=mean_value, margin=margin, most=most, choices=len(options),
        endings={e: (actual.share(e), outcomes[best].share(e)) for e in titles},
    )


def cached_marks(
    save: SaveModel,
    save_path: str | Path | None,
    games: int = GAMES,
    seed: int = 0,
    jobs: int = 1,
    stand_ins: Mapping[str, str] | None = None,
    *,
    progress: Progress | None = None,
    refresh: bool = False,
) -> Marks:
    """`mark_choices`, answered from the save's sidecar when it was run before with the
    same save and parameters, and kept there otherwise."""
    cp = Checkpoints(save)
    chosen = default_stand_ins(save, cp.deck, stand_ins)
    key = {"save_hash": save_hash(save), "games": games, "seed": seed, "stand_ins": chosen, "cap": MAX_ALTERNATIVES}
    found = None if refresh else cached(save_path, "marks", key, Marks.from_json)
    if found is not None:
        return found
    result = mark_choices(save, games, seed, jobs, chosen, progress=progress, checkpoints=cp)
    if save_path is not None:
        store_entry(save_path, "marks", key, result.to_json())
    return result


def latest_marks(save: SaveModel, save_path: str | Path) -> Marks | None:
    """The most recent marks of this very save in its sidecar, whatever their parameters."""
    return latest(save, save_path, "marks", Marks.from_json)


def _pts(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


__all__ = ["BLUNDER", "INACCURACY", "MISTAKE", "STRONG", "Mark", "Marks", "cached_marks", "judge", "latest_marks", "mark_choices"]
