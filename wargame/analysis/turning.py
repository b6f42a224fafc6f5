"""Turning points: the odds of every ending before each turn, and what moved them.

Like a chess engine's evaluation graph: from the state before each turn, many
continuations played by the seats' stand-ins estimate each ending's probability (with
Wilson 95% intervals). The turns where the odds moved most are marked, and the swing is
split between the orders given (each seat's actual orders against its stand-in's choice
from the same state) and chance (each roll's actual outcome against its expectation).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wargame.analysis.cache import cached, latest, save_hash, store_entry
from wargame.analysis.intervals import wilson
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
from wargame.analysis.simulate import Engine
from wargame.deck.compile import COffer, CompiledDeck
from wargame.deck.labels import answer_phrase, play_name, roll_label
from wargame.engine.game import Game
from wargame.engine.state import Inject
from wargame.errors import WargameError
from wargame.saves.format import SaveModel, TurnModel
from wargame.words import possessive

Progress = Callable[[str, int, int], None]
"""`progress(stage, done, total)`: stage is "odds" then "attribution"; counts are continuations."""

MIN_SWING = 0.05
"""A turn is a turning point only if some ending's odds moved by at least this much."""
MIN_FACTOR_POINTS = 1.0
"""Factors smaller than this (in percentage points) are left out of the sentence."""


@dataclass(frozen=True)
class Odds:
    """The chance of each ending from one point of the game, estimated from continuations.

    `turn` is the turn about to be played (1 is the start); one past the last played turn
    is where the game stands now, which for a finished game is its actual ending.
    """

    turn: int
    games: int
    counts: dict[str, int]
    final: bool = False
    """True for the finished game's actual ending (certain, not estimated)."""

    def p(self, ending: str) -> float:
        return self.counts.get(ending, 0) / self.games if self.games else 0.0

    def interval(self, ending: str) -> tuple[float, float]:
        if self.final:
            p = self.p(ending)
            return (p, p)
        return wilson(self.counts.get(ending, 0), self.games)


@dataclass(frozen=True)
class Factor:
    """One part of a turning point's swing, in percentage points of the focus ending."""

    kind: str
    """`orders` (a seat's orders against its stand-in's), `answer` (a seat's answers to
    offers against its stand-in's, its other orders as given), `inject` (the
    facilitator's injects against none) or `chance` (a roll's actual outcome against its
    odds)."""
    actor: str | None
    key: str
    """The move ids (comma-separated) for orders and answers; `kind:id` of the roll for chance."""
    label: str
    """In words: "North Korea's ICBM launch", "the miscalculation roll"."""
    points: float

    def text(self) -> str:
        return f"{self.label} ({self.points:+.0f} pts)"


@dataclass(frozen=True)
class TurningPoint:
    """A turn where the odds of some ending moved most, and why."""

    turn: int
    label: str
    """The turn in words, e.g. "Month 4"."""
    ending: str
    ending_title: str
    before: float
    after: float
    factors: tuple[Factor, ...]
    orders_points: float
    """How far the turn's orders moved the focus ending, dice averaged (points)."""
    chance_points: float
    """How far that turn's actual dice moved it beyond what the orders made likely."""

    @property
    def swing(self) -> float:
        return self.after - self.before

    def text(self) -> str:
        """"Month 4: War 12% → 41%; North Korea's ICBM launch (+18 pts), the miscalculation roll (+9 pts)"."""
        return f"{self.label}: {self.summary()}"

    def summary(self) -> str:
        """`text` without the turn: "War 12% → 41%; North Korea's ICBM launch (+18 pts)"."""
        head = f"{self.ending_title} {self.before:.0%} → {self.after:.0%}"
        shown = [f.text() for f in self.factors if abs(f.points) >= MIN_FACTOR_POINTS][:3]
        return head + ("; " + ", ".join(shown) if shown else "")


@dataclass(frozen=True)
class Analysis:
    """Ending odds by turn and the turning points of one saved game."""

    save_hash: str
    rollouts: int
    seed: int
    stand_ins: dict[str, str]
    endings: tuple[str, ...]
    titles: dict[str, str]
    odds: tuple[Odds, ...]
    """One entry per turn played (the odds before it), then where the game stands."""
    actual: str | None
    """The ending the game reached, if it is over."""
    turning_points: tuple[TurningPoint, ...] = field(default=())

    def series(self, ending: str) -> list[float]:
        return [o.p(ending) for o in self.odds]

    def to_json(self) -> dict[str, Any]:
        return {
            "save_hash": self.save_hash,
            "rollouts": self.rollouts,
            "seed": self.seed,
            "stand_ins": self.stand_ins,
            "endings": list(self.endings),
            "titles": self.titles,
            "actual": self.actual,
            "odds": [
                {
                    "turn": o.turn,
                    "games": o.games,
                    "final": o.final,
                    "counts": o.counts,
                    "p": {e: o.p(e) for e in self.endings},
                    "interval": {e: list(o.interval(e)) for e in self.endings},
                }
                for o in self.odds
            ],
            "turning_points": [
                {
                    "turn": tp.turn,
                    "label": tp.label,
                    "ending": tp.ending,
                    "ending_title": tp.ending_title,
                    "before": tp.before,
                    "after": tp.after,
                    "orders_points": tp.orders_points,
                    "chance_points": tp.chance_points,
                    "text": tp.text(),
                    "factors": [
                        {"kind": f.kind, "actor": f.actor, "key": f.key, "label": f.label, "points": f.points}
                        for f in tp.factors
                    ],
                }
                for tp in self.turning_points
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Analysis:
        """The inverse of `to_json` (for the cache); raises KeyError/TypeError/ValueError on bad data."""
        return cls(
            save_hash=str(data["save_hash"]),
            rollouts=int(data["rollouts"]),
            seed=int(data["seed"]),
            stand_ins={str(k): str(v) for k, v in data["stand_ins"].items()},
            endings=tuple(str(e) for e in data["endings"]),
            titles={str(k): str(v) for k, v in data["titles"].items()},
            actual=None if data["actual"] is None else str(data["actual"]),
            odds=tuple(
                Odds(int(o["turn"]), int(o["games"]), {str(k): int(v) for k, v in o["counts"].items()}, bool(o["final"]))
                for o in data["odds"]
            ),
            turning_points=tuple(
                TurningPoint(
                    turn=int(t["turn"]),
                    label=str(t["label"]),
                    ending=str(t["ending"]),
                    ending_title=str(t["ending_title"]),
                    before=float(t["before"]),
                    after=float(t["after"]),
                    orders_points=float(t["orders_points"]),
                    chance_points=float(t["chance_points"]),
                    factors=tuple(
                        Factor(str(f["kind"]), None if f["actor"] is None else str(f["actor"]), str(f["key"]), str(f["label"]), float(f["points"]))
                        for f in t["factors"]
                    ),
                )
                for t in data["turning_points"]
            ),
        )


def turn_title(deck: CompiledDeck, turn: int) -> str:
    """"Month 4": the deck's turn name, capitalised, and the number."""
    name = deck.model.deck.turn_name
    return f"{name[:1].upper()}{name[1:]} {turn}"


def _injects(turn: TurnModel) -> tuple[Inject, ...]:
    return tuple(Inject(event=i.event, text=i.text, effects=tuple(i.effects)) for i in turn.injects)


def actual_opening(
    deck: CompiledDeck, turn: TurnModel, *, without: str | None = None, injects: bool = True, track_rolls: bool = False, half: str | None = None
) -> Opening:
    """The saved turn's input as an opening: every seat's orders (but `without`'s, left to
    its stand-in), the facilitator's injects and overrides. With `half` (`answers` or
    `orders`), `without` keeps the other half of its orders and its stand-in decides only
    that half (see `Opening.stand_in`)."""
    orders = {a: tuple(turn.orders.get(a, ())) for a in deck.actors if a != without}
    stand_in: dict[str, str] = {}
    if without is not None and half is not None:
        ordinary, answers = split_answers(deck, turn.orders.get(without, ()))
        orders[without] = tuple(ordinary if half == "answers" else answers)
        stand_in[without] = half
    return Opening.of(orders, _injects(turn) if injects else (), turn.overrides, track_rolls=track_rolls, stand_in=stand_in)


def split_answers(deck: CompiledDeck, orders: Sequence[str]) -> tuple[list[str], list[str]]:
    """A seat's orders split into its ordinary orders and its answers to offers."""
    ordinary: list[str] = []
    answers: list[str] = []
    for m in orders:
        is_answer = m in deck.move_index and deck.moves[deck.move_index[m]].answer is not None
        (answers if is_answer else ordinary).append(m)
    return ordinary, answers


def _orders_label(deck: CompiledDeck, actor: str, orders: list[str]) -> str:
    who = deck.actor_name(actor)
    if not orders:
        return f"{who} giving no orders"
    names = [play_name(deck, deck.moves[deck.move_index[m]]) for m in orders if m in deck.move_index]
    return f"{possessive(who)} {' and '.join(names)}"


def waiting_offers(game: Game, seat: str) -> list[COffer]:
    """The offers waiting for `seat`'s answer in `game` now."""
    return [o for o in game.deck.offers if o.recipient == seat and game.state.offers[o.index] >= 0]


def _answers_label(deck: CompiledDeck, actor: str, answers: list[str], waiting: list[COffer]) -> str:
    """`Bravo's acceptance of Alpha's offer (Offer talks to Bravo)`; an offer waiting that
    was not answered: `Bravo leaving Alpha's offer (Offer talks to Bravo) unanswered`."""
    parts = [answer_phrase(deck, deck.moves[deck.move_index[m]]) for m in answers]
    answered = {deck.moves[deck.move_index[m]].gate for m in answers}
    for offer in waiting:
        if offer.index not in answered:
            parts.append(f"{deck.actor_name(actor)} leaving {possessive(deck.actor_name(offer.maker))} offer ({deck.moves[offer.move].name}) unanswered")
    return " and ".join(parts)


def _roll_label(deck: CompiledDeck, kind: str, key: str, success: bool, chance: float) -> str:
    how = f"{'came off' if success else 'failed'} at {chance:.0%}"
    if kind in {"move", "detect"} and key in deck.move_index:
        name = play_name(deck, deck.moves[deck.move_index[key]])
        if kind == "detect":
            return f"the detection roll for {name} ({'found out' if success else 'not found'} at {chance:.0%})"
        return f"the {name} roll ({how})"
    return f"the {roll_label(deck, kind, key)} roll ({how})"


def _inject_label(turn: TurnModel, deck: CompiledDeck) -> str:
    parts = []
    for inject in turn.injects:
        if inject.event and inject.event in deck.event_index:
            parts.append(deck.events[deck.event_index[inject.event]].name)
        else:
            text = inject.text.strip() or "an on-the-spot inject"
            parts.append(text if len(text) <= 40 else text[:39] + "…")
    return "the facilitator's inject" + ("s" if len(parts) > 1 else "") + f" ({'; '.join(parts)})"


def analyse(
    save: SaveModel,
    rollouts: int = 200,
    jobs: int = 1,
    seed: int = 0,
    stand_ins: Mapping[str, str] | None = None,
    *,
    top: int = 3,
    progress: Progress | None = None,
    checkpoints: Checkpoints | None = None,
    engine: Engine = "reference",
    cluster: str | None = None,
) -> Analysis:
    """Ending odds before every turn of `save`, and its `top` turning points, explained.

    The result depends only on (save, rollouts, seed, stand-ins, top, engine), never on
    `jobs` or `cluster`; the `exact` engine gives the reference engine's result.
    Raises `WargameError` for bad arguments or a save that does not replay.
    """
    if not 1 <= rollouts <= 1_000_000:
        raise WargameError(f"rollouts must be between 1 and 1,000,000, not {rollouts}")
    if not 1 <= jobs <= 64:
        raise WargameError(f"jobs must be between 1 and 64, not {jobs}")
    cp = checkpoints or Checkpoints(save)
    deck = cp.deck
    chosen = default_stand_ins(save, deck, stand_ins)
    played = len(save.history)
    over = cp.game.ending is not None
    endings = tuple(e.id for e in (*deck.endings, deck.turn_limit_ending))
    titles = {e.id: e.title for e in (*deck.endings, deck.turn_limit_ending)}
    with Runner(cp, chosen, seed, jobs, engine, cluster) as runner:
        chunk = chunk_size(rollouts, runner.jobs)
        last = played if over else played + 1
        tasks: list[Task] = []
        for turn in range(1, last + 1):
            tasks += split(("odds", turn), turn, Opening(), rollouts, chunk)
        stage: Callable[[int, int], None] | None = (lambda d, t: progress("odds", d, t)) if progress else None
        results = runner.run(tasks, stage)
        odds = [Odds(t, results[("odds", t)].games, dict(sorted(results[("odds", t)].endings.items()))) for t in range(1, last + 1)]
        if over:
            assert cp.game.ending is not None
            odds.append(Odds(played + 1, rollouts, {cp.game.ending.id: rollouts}, final=True))
        picks = _pick_turning_points(odds, endings, played, top)
        tps = _attribute(cp, runner, save, picks, odds, rollouts, chunk, titles, progress)
    return Analysis(
        save_hash=save_hash(save),
        rollouts=rollouts,
        seed=seed,
        stand_ins=chosen,
        endings=endings,
        titles=titles,
        odds=tuple(odds),
        actual=cp.game.ending.id if cp.game.ending else None,
        turning_points=tps,
    )


def _pick_turning_points(odds: list[Odds], endings: tuple[str, ...], played: int, top: int) -> list[tuple[int, str]]:
    """The `top` turns (with the ending whose odds moved most) by size of the swing."""
    swings: list[tuple[float, int, str]] = []
    for turn in range(1, played + 1):
        before, after = odds[turn - 1], odds[turn]
        best = max(endings, key=lambda e: (abs(after.p(e) - before.p(e)), -endings.index(e)))
        size = abs(after.p(best) - before.p(best))
        if size >= MIN_SWING:
            swings.append((size, turn, best))
    swings.sort(key=lambda s: (-s[0], s[1]))
    return sorted((turn, ending) for _size, turn, ending in swings[:top])


def _attribute(
    cp: Checkpoints,
    runner: Runner,
    save: SaveModel,
    picks: list[tuple[int, str]],
    odds: list[Odds],
    rollouts: int,
    chunk: int,
    titles: dict[str, str],
    progress: Progress | None,
) -> tuple[TurningPoint, ...]:
    deck = cp.deck
    tasks: list[Task] = []
    plans: dict[int, list[tuple[str, str | None, str, str, tuple[object, ...]]]] = {}
    for turn, _ending in picks:
        record = save.history[turn - 1]
        tasks += split(("actual", turn), turn, actual_opening(deck, record, track_rolls=True), rollouts, chunk)
        plan: list[tuple[str, str | None, str, str, tuple[object, ...]]] = []
        start = cp.fork(turn, 0) if deck.offers else None
        for actor in deck.actors:
            without: tuple[object, ...] = ("without", turn, actor)
            orders = record.orders.get(actor, [])
            ordinary, answers = split_answers(deck, orders)
            waiting = waiting_offers(start, actor) if start is not None else []
            if not answers and not waiting:
                tasks += split(without, turn, actual_opening(deck, record, without=actor), rollouts, chunk)
                plan.append(("orders", actor, ",".join(orders), _orders_label(deck, actor, orders), without))
                continue
            # Answers to offers (or leaving one waiting) are credited like orders, each half
            # against the stand-in's choice for that half with the other half as given.
            without_orders: tuple[object, ...] = ("without-orders", turn, actor)
            tasks += split(without_orders, turn, actual_opening(deck, record, without=actor, half="orders"), rollouts, chunk)
            plan.append(("orders", actor, ",".join(ordinary), _orders_label(deck, actor, ordinary), without_orders))
            without_answers: tuple[object, ...] = ("without-answers", turn, actor)
            tasks += split(without_answers, turn, actual_opening(deck, record, without=actor, half="answers"), rollouts, chunk)
            plan.append(("answer", actor, ",".join(answers), _answers_label(deck, actor, answers, waiting), without_answers))
        if record.injects:
            no_injects: tuple[object, ...] = ("no-injects", turn)
            tasks += split(no_injects, turn, actual_opening(deck, record, injects=False), rollouts, chunk)
            plan.append(("inject", None, "injects", _inject_label(record, deck), no_injects))
        seen: set[str] = set()
        for roll in record.rolls:
            ident = f"{roll.kind}:{roll.key}"
            if roll.forced or not 0 < roll.chance < 1 or ident in seen or ident in record.overrides:
                continue
            seen.add(ident)
            # Read from the "actual" continuations: those whose roll came out as it did.
            plan.append(("chance", roll.actor, ident, _roll_label(deck, roll.kind, roll.key, roll.success, roll.chance), (roll.success,)))
        plans[turn] = plan
    stage: Callable[[int, int], None] | None = (lambda d, t: progress("attribution", d, t)) if progress else None
    results = runner.run(tasks, stage) if tasks else {}
    out = []
    for turn, ending in picks:
        actual: Outcomes = results[("actual", turn)]
        a = actual.share(ending)
        factors = []
        for kind, who, ident, label, rkey in plans[turn]:
            if kind == "chance":
                # The roll's actual outcome against its odds: the continuations in which it
                # came out as it did, against all of them.
                given = actual.given_roll(ident, bool(rkey[0]), ending)
                if given is None:
                    continue
                points = given[0] - a
            else:
                # Orders, answers and injects: giving them against leaving them out (the
                # stand-in's choice from the same state, or no inject), on the same dice.
                points = a - results[rkey].share(ending)
            factors.append(Factor(kind, who, ident, label, round(points * 100, 1)))
        factors.sort(key=lambda f: (-abs(f.points), f.kind, f.key))
        before, after = odds[turn - 1].p(ending), odds[turn].p(ending)
        out.append(
            TurningPoint(
                turn=turn,
                label=turn_title(deck, turn),
                ending=ending,
                ending_title=titles[ending],
                before=before,
                after=after,
                factors=tuple(factors),
                orders_points=round((a - before) * 100, 1),
                chance_points=round((after - a) * 100, 1),
            )
        )
    return tuple(out)


def cached_analysis(
    save: SaveModel,
    save_path: str | Path | None,
    rollouts: int = 200,
    jobs: int = 1,
    seed: int = 0,
    stand_ins: Mapping[str, str] | None = None,
    *,
    top: int = 3,
    progress: Progress | None = None,
    refresh: bool = False,
    engine: Engine = "reference",
    cluster: str | None = None,
    checkpoints: Checkpoints | None = None,
) -> Analysis:
    """`analyse`, answered from the save's sidecar when it was run before with the same
    save and parameters (instant), and stored there otherwise. `checkpoints`: the save
    already replayed, if the caller has it."""
    cp = checkpoints or Checkpoints(save)
    deck_stand_ins = default_stand_ins(save, cp.deck, stand_ins)
    key: dict[str, object] = {"save_hash": save_hash(save), "rollouts": rollouts, "seed": seed, "stand_ins": deck_stand_ins, "top": top}
    if engine == "fast":  # the reference and exact engines give the same result, under the key they always had
        key["engine"] = engine
    found = None if refresh else cached(save_path, "analyses", key, Analysis.from_json)
    if found is not None:
        return found
    result = analyse(save, rollouts, jobs, seed, deck_stand_ins, top=top, progress=progress, checkpoints=cp, engine=engine, cluster=cluster)
    if save_path is not None:
        store_entry(save_path, "analyses", key, result.to_json())
    return result


def latest_cached(save: SaveModel, save_path: str | Path) -> Analysis | None:
    """The most recent analysis of this very save in its sidecar, whatever its parameters."""
    return latest(save, save_path, "analyses", Analysis.from_json)
