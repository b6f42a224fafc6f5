"""What if, and play from here: other orders at one turn, and branching a saved game.

A what-if replays the save to the state before a turn and plays many continuations for
the orders one seat actually gave and for alternatives (others' orders and the
facilitator's injects stay as they were), every choice on the same dice, and compares
their endings and mean scores. A branch is a new save that keeps the turns before the
fork and names its parent; the parent file is never written.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wargame.analysis.cache import cached, of_save, save_hash, store_entry
from wargame.analysis.intervals import wilson
from wargame.analysis.rollout import (
    Checkpoints,
    Opening,
    Runner,
    Task,
    chunk_size,
    default_stand_ins,
    split,
)
from wargame.analysis.simulate import Engine
from wargame.analysis.turning import turn_title, waiting_offers
from wargame.bots.seats import NO_PROGRAMS, Programs, SeatSpec, safe_seat
from wargame.deck.compile import COffer, CompiledDeck
from wargame.deck.labels import play_name
from wargame.engine.game import Game
from wargame.engine.state import Inject
from wargame.errors import SaveError, WargameError
from wargame.files import check_output
from wargame.saves.format import SaveModel
from wargame.saves.store import branch, read_save, with_seats, write_save
from wargame.words import possessive

MAX_ALTERNATIVES = 64
"""Order sets tried by `--all` before falling back to each move on its own."""


@dataclass(frozen=True)
class Choice:
    """One set of orders for the seat, and how its continuations ended."""

    orders: tuple[str, ...]
    label: str
    actual: bool
    """True for the orders the seat actually gave."""
    games: int
    endings: dict[str, int]
    scores: dict[str, tuple[float, float, float]]
    """Actor to (mean final score, 95% interval low, high)."""

    def p(self, ending: str) -> float:
        return self.endings.get(ending, 0) / self.games if self.games else 0.0

    def interval(self, ending: str) -> tuple[float, float]:
        return wilson(self.endings.get(ending, 0), self.games)


@dataclass(frozen=True)
class WhatIf:
    """The comparison of a seat's choices at one turn."""

    turn: int
    label: str
    seat: str
    seat_name: str
    games: int
    seed: int
    stand_ins: dict[str, str]
    endings: tuple[str, ...]
    titles: dict[str, str]
    choices: tuple[Choice, ...]
    left_out: int = 0
    """Order sets `all` did not try (more than `MAX_ALTERNATIVES`): only single moves were."""

    def to_json(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "label": self.label,
            "seat": self.seat,
            "seat_name": self.seat_name,
            "games": self.games,
            "seed": self.seed,
            "stand_ins": self.stand_ins,
            "endings": list(self.endings),
            "titles": self.titles,
            "left_out": self.left_out,
            "choices": [
                {
                    "orders": list(c.orders),
                    "label": c.label,
                    "actual": c.actual,
                    "games": c.games,
                    "endings": c.endings,
                    "p": {e: c.p(e) for e in self.endings},
                    "interval": {e: list(c.interval(e)) for e in self.endings},
                    "scores": {a: list(v) for a, v in c.scores.items()},
                }
                for c in self.choices
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WhatIf:
        """The inverse of `to_json`; raises KeyError/TypeError/ValueError on bad data."""
        return cls(
            turn=int(data["turn"]),
            label=str(data["label"]),
            seat=str(data["seat"]),
            seat_name=str(data["seat_name"]),
            games=int(data["games"]),
            seed=int(data["seed"]),
            stand_ins={str(k): str(v) for k, v in data["stand_ins"].items()},
            endings=tuple(str(e) for e in data["endings"]),
            titles={str(k): str(v) for k, v in data["titles"].items()},
            left_out=int(data.get("left_out", 0)),
            choices=tuple(
                Choice(
                    orders=tuple(str(o) for o in c["orders"]),
                    label=str(c["label"]),
                    actual=bool(c["actual"]),
                    games=int(c["games"]),
                    endings={str(k): int(v) for k, v in c["endings"].items()},
                    scores={str(a): (float(v[0]), float(v[1]), float(v[2])) for a, v in c["scores"].items()},
                )
                for c in data["choices"]
            ),
        )


def orders_label(deck: CompiledDeck, orders: Sequence[str], waiting: Sequence[COffer] = ()) -> str:
    """`Warn Bravo + Accept Alpha's offer (...)`; each offer in `waiting` that the orders
    leave unanswered is said so, since leaving it is a choice too."""
    parts = [play_name(deck, deck.moves[deck.move_index[m]]) if m in deck.move_index else m for m in orders]
    answered = {deck.moves[deck.move_index[m]].gate for m in orders if m in deck.move_index}
    for offer in waiting:
        if offer.index not in answered:
            parts.append(f"{'no' if parts else 'No'} answer to {possessive(deck.actor_name(offer.maker))} offer ({deck.moves[offer.move].name})")
    return " + ".join(parts) if parts else "(no orders)"


def answer_sets(game: Game, seat: str) -> list[tuple[str, ...]]:
    """Every way `seat` may answer the offers waiting for it now: each offer accepted,
    refused or left unanswered (the first set answers none)."""
    deck = game.deck
    choices = [((), (deck.moves[o.accept].id,), (deck.moves[o.refuse].id,)) for o in waiting_offers(game, seat)]
    return [tuple(m for part in combo for m in part) for combo in itertools.product(*choices)]


def _check_turn(cp: Checkpoints, turn: int) -> None:
    played = len(cp.save.history)
    last = played if cp.game.ending is not None else played + 1
    if not 1 <= turn <= last:
        raise WargameError(f"--turn: no turn {turn} to change: the save's turns are 1..{last}")


def legal_alternatives(cp: Checkpoints, turn: int, seat: str, cap: int = MAX_ALTERNATIVES) -> tuple[list[tuple[str, ...]], int]:
    """Every order set `seat` could have given before `turn` (from no orders up to its
    limit), or, when there are more than `cap`, no orders and each move on its own.
    Returns (order sets, how many were left out)."""
    game = cp.fork(turn, 0)
    # Answers to offers cost no order and an offer is answered once: the ordinary order
    # sets, each with every way of answering what waits (accept, refuse or not at all).
    legal = [m.id for m in game.available_moves(seat) if m.answer is None]
    answers = answer_sets(game, seat)
    allowed = game.orders_allowed(seat)
    ordinary: list[tuple[str, ...]] = []
    for k in range(min(allowed, len(legal)) + 1):
        ordinary += list(itertools.combinations(legal, k))
    sets = [o + a for o in ordinary for a in answers]
    if len(sets) <= cap:
        return sets, 0
    small: list[tuple[str, ...]] = [(), *((m,) for m in legal), *(a for a in answers if a)]
    return small[:cap], len(sets) - len(small[:cap])


def what_if(
    save: SaveModel,
    turn: int,
    seat: str,
    alternatives: Sequence[Sequence[str]] = (),
    *,
    every: bool = False,
    answers: bool = False,
    games: int = 200,
    seed: int = 0,
    jobs: int = 1,
    stand_ins: Mapping[str, str] | None = None,
    cap: int = MAX_ALTERNATIVES,
    progress: Callable[[int, int], None] | None = None,
    checkpoints: Checkpoints | None = None,
    engine: Engine = "reference",
) -> WhatIf:
    """Compare `seat`'s actual orders at `turn` with `alternatives` (or, with `every`,
    with every legal order set up to `cap`; with `answers`, with every way of answering
    the offers waiting for it then, its other orders as given): `games` continuations
    each, on the same dice.

    The result depends only on its inputs, never on `jobs`. Raises `WargameError` for an
    unknown seat, a turn outside the save, or an alternative that was not legal then.
    """
    if not 1 <= games <= 1_000_000:
        raise WargameError(f"--games must be between 1 and 1,000,000, not {games}")
    cp = checkpoints or Checkpoints(save)
    deck = cp.deck
    if seat not in deck.actors:
        raise WargameError(f"--seat: unknown actor '{seat}' (actors: {', '.join(deck.actors)})")
    _check_turn(cp, turn)
    chosen = default_stand_ins(save, deck, stand_ins)
    record = save.history[turn - 1] if turn <= len(save.history) else None
    actual = tuple(record.orders.get(seat, ())) if record else None
    probe = cp.fork(turn, 0)
    sets: list[tuple[str, ...]] = []
    left_out = 0
    if every:
        sets, left_out = legal_alternatives(cp, turn, seat, cap)
    waiting = waiting_offers(probe, seat)
    if answers:
        if not waiting:
            raise WargameError(f"--answers: no offer waits for {possessive(deck.actor_name(seat))} answer in {deck.turn_name} {turn}")
        given = [m for m in (actual or ()) if deck.moves[deck.move_index[m]].answer is None]
        for a in answer_sets(probe, seat):
            option = tuple(given) + a
            # The actual orders may list the answer first: the same set is the actual one.
            sets.append(actual if actual is not None and sorted(option) == sorted(actual) else option)
    for alt in alternatives:
        orders = tuple(alt)
        probe.submit(seat, orders)  # raises IllegalOrderError (a WargameError) with the reason
        sets.append(orders)
    if actual is not None:
        sets = [actual] + [s for s in sets if s != actual]
    # The same set named twice is tried once; the order within a set is kept as given.
    seen: set[tuple[str, ...]] = set()
    unique = [s for s in sets if not (s in seen or seen.add(s))]  # type: ignore[func-returns-value]
    if not unique or (len(unique) == 1 and actual is not None and not alternatives and not every and not answers):
        raise WargameError("nothing to compare: name other orders with --orders, or use --all")
    others = {a: tuple(record.orders.get(a, ())) for a in deck.actors if a != seat} if record else {}
    injects = tuple(Inject(event=i.event, text=i.text, effects=tuple(i.effects)) for i in record.injects) if record else ()
    overrides = dict(record.overrides) if record else {}
    tasks: list[Task] = []
    with Runner(cp, chosen, seed, jobs, engine) as runner:
        chunk = chunk_size(games, runner.jobs)
        for i, orders in enumerate(unique):
            opening = Opening.of({**others, seat: orders}, injects, overrides)
            tasks += split(("choice", i), turn, opening, games, chunk)
        results = runner.run(tasks, progress)
    endings = tuple(e.id for e in (*deck.endings, deck.turn_limit_ending))
    choices = []
    for i, orders in enumerate(unique):
        out = results[("choice", i)]
        choices.append(
            Choice(
                orders=orders,
                label=orders_label(deck, orders, waiting),
                actual=orders == actual,
                games=out.games,
                endings=dict(sorted(out.endings.items())),
                scores={a: (out.mean_score(a), *out.score_interval(a)) for a in deck.actors},
            )
        )
    return WhatIf(
        turn=turn,
        label=turn_title(deck, turn),
        seat=seat,
        seat_name=deck.actor_name(seat),
        games=games,
        seed=seed,
        stand_ins=chosen,
        endings=endings,
        titles={e.id: e.title for e in (*deck.endings, deck.turn_limit_ending)},
        choices=tuple(choices),
        left_out=left_out,
    )


def recorded_what_if(save: SaveModel, save_path: str | Path | None, turn: int, seat: str, alternatives: Sequence[Sequence[str]] = (), **kwargs: Any) -> WhatIf:
    """`what_if`, and keep the result in the save's sidecar so the report can show it
    (the same question asked again is answered from there)."""
    cp = Checkpoints(save)
    key = {
        "save_hash": save_hash(save),
        "turn": turn,
        "seat": seat,
        "alternatives": [list(a) for a in alternatives],
        "every": bool(kwargs.get("every", False)),
        **({"answers": True} if kwargs.get("answers") else {}),  # keeps older cache keys
        "games": int(kwargs.get("games", 200)),
        "seed": int(kwargs.get("seed", 0)),
        "stand_ins": default_stand_ins(save, cp.deck, kwargs.get("stand_ins")),
        "cap": int(kwargs.get("cap", MAX_ALTERNATIVES)),
        **({"engine": "fast"} if kwargs.get("engine") == "fast" else {}),  # exact is the reference's result
    }
    found = cached(save_path, "whatifs", key, WhatIf.from_json)
    if found is not None:
        return found
    result = what_if(save, turn, seat, alternatives, checkpoints=cp, **kwargs)
    if save_path is not None:
        store_entry(save_path, "whatifs", key, result.to_json())
    return result


def recorded_what_ifs(save: SaveModel, save_path: str | Path) -> list[WhatIf]:
    """The what-ifs run on this very save (same turns), oldest first."""
    return of_save(save, save_path, "whatifs", WhatIf.from_json)


@dataclass(frozen=True)
class Branched:
    """A branch written by `play_from_here`: where, and what its reader should be told."""

    path: Path
    notes: tuple[str, ...] = ()
    """A line for each seat a program played in the parent: a computer plays it in the branch."""


def play_from_here(
    save_path: str | Path, turn: int, new_path: str | Path, seats: Mapping[str, str] | None = None, *,
    force: bool = False, title: str = "", programs: Programs = NO_PROGRAMS,
) -> Branched:
    """Branch the save at `save_path` before `turn` into a new save at `new_path`, ready to
    resume (`wargame.saves.store.resume`): the turns before it kept, the parent named, the
    parent file never written. `seats` changes who plays (actor to `human`, `random`,
    `doctrine:NAME`, `lookahead[:BUDGET]`, or `agent:PROGRAM` when `programs`, this run's
    own list, names it). A seat the parent says a program played is never copied into the
    branch as a program: the actor's default computer plays it, and `notes` says so.

    Raises `WargameError` if `new_path` exists (unless `force`), is the parent itself or
    is in a missing or read-only folder (`wargame.files.check_output`), or for a turn
    outside the save or a bad seat.
    """
    parent = Path(save_path)
    target = Path(new_path)
    try:
        same = target.resolve() == parent.resolve()
    except OSError:
        same = False
    if same:
        raise WargameError(f"{target}: that is the save being branched; a branch is a new file")
    check_output(target, force=force)
    save = read_save(parent)
    played = len(save.history)
    if not 1 <= turn <= played + 1:
        raise WargameError(f"--turn: cannot branch before turn {turn}: the save's turns are 1..{played + 1}")
    child, game = branch(save, turn - 1, str(parent))
    kept: dict[str, str] = {}
    notes: list[str] = []
    for actor in game.deck.actors:
        kept[actor], note = safe_seat(child.seats.get(actor, "human"), game.deck, actor)
        if note and actor not in (seats or {}):
            notes.append(note)
    child = with_seats(child, kept)
    if seats:
        from wargame.bots.make import make_bot

        new_seats = dict(child.seats)
        for actor, spec_text in seats.items():
            if actor not in game.deck.actors:
                raise WargameError(f"--seats: unknown actor '{actor}' (actors: {', '.join(game.deck.actors)})")
            spec = SeatSpec.parse(spec_text)
            if not spec.is_human:
                bot = make_bot(spec, game.deck, actor, 0, programs=programs)
                close = getattr(bot, "close", None)
                if close is not None:
                    close()  # started only to check it
            new_seats[actor] = str(spec)
        child = with_seats(child, new_seats)
    child = child.model_copy(update={"title": title or f"{save.title} (branch before {turn_title(game.deck, turn).lower()})"})
    if game.is_over:
        raise SaveError(f"cannot play on from turn {turn}: the game had already ended")
    return Branched(write_save(child, target), tuple(notes))
