"""The two engines play the same games (issue 16): the standing agreement test.

Every shipped deck and every deck of the test corpora that loads (the second round's
rules included: openings, doctrines' start values and waits, orders a turn from the state,
the deck's own categories and phases, unattributed moves) is played by the
reference engine and by the batched engine in exact mode (the keyed dice a replay draws),
on the same seeds, with random seats and with doctrine seats: each game must end the same
way on the same turn with the same scores, and `simulate --json` must be the same bytes.
The suite plays `GAMES` games of each; `benchmarks/agreement.py` plays the full count
and checks fast mode's figures against the reference engine's at 20,000 games.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import deck_corpus
from wargame.analysis.batch import play
from wargame.analysis.simulate import game_seed, play_game, simulate, summarise
from wargame.analysis.tally import Tally
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck

ROOT = Path(__file__).resolve().parents[2]
GAMES = 200
"""Games of each deck and seating in the suite (the benchmark plays 1,000)."""


def seatings(deck: CompiledDeck) -> list[tuple[str, dict[str, str]]]:
    """Random seats, and (when the deck has doctrines) each actor on its first doctrine,
    and on its last when that is another for some actor (doctrines with start values of
    their own or weights for waiting are often not an actor's first)."""
    out = [("random", {a: "random" for a in deck.actors})]
    if any(deck.doctrines.values()):
        out.append(("doctrine", {a: f"doctrine:{next(iter(d))}" if d else "random" for a, d in deck.doctrines.items()}))
    if any(len(d) > 1 for d in deck.doctrines.values()):
        out.append(("last-doctrine", {a: f"doctrine:{list(d)[-1]}" if d else "random" for a, d in deck.doctrines.items()}))
    return out


CASES = [(path, kind) for path in deck_corpus() for kind, _seats in seatings(load_deck(path))]


def differences(deck: CompiledDeck, seats: dict[str, str], games: int, seed: int) -> list[str]:
    """Where the batched engine in exact mode and the reference engine part, over `games`
    games from `seed`: each game that ends otherwise (ending, turn, scores, counters, final
    tracks), and `simulate --json` if it is not the same bytes. Empty when they agree."""
    seeds = [game_seed(seed, i) for i in range(games)]
    ids = [e.id for e in deck.endings] + [deck.turn_limit_ending.id]
    batch = play(deck, seeds, seats, None, "exact")
    tally = Tally()
    out = []
    for row, game_seed_ in enumerate(seeds):
        history: list[list[float]] = []
        game = play_game(deck, game_seed_, seats, log=False, history=history)
        tally.add_game(game, history)
        assert game.ending is not None
        scores = [float(sum(o.points for o in deck.objectives[a] if o.when(game.state))) for a in deck.actors]
        ours = (ids[batch.ending[row]], int(batch.played[row]), batch.score[row].tolist(), batch.counts[row].tolist(), batch.v[row].tolist())
        theirs = (game.ending.id, len(game.records), scores, game.state.counts, [float(x) for x in game.state.v])
        if ours != theirs:
            out.append(f"game {row} (seed {game_seed_}): batched {ours[:3]}, reference {theirs[:3]}")
    reference = json.dumps(summarise(deck, tally, seed, seats).to_json(), indent=1)
    exact = json.dumps(simulate(deck, games, seed, seats, engine="exact").to_json(), indent=1)
    if exact != reference:
        out.append("simulate --json differs")
    return out


@pytest.mark.parametrize(("path", "kind"), CASES, ids=[f"{p.parent.name}/{p.stem}-{k}" for p, k in CASES])
def test_both_engines_play_the_same_games(path: Path, kind: str) -> None:
    deck = load_deck(path)
    assert differences(deck, dict(seatings(deck))[kind], GAMES, 3)[:3] == []


def test_fast_mode_plays_the_same_game_on_other_dice(tutorial: CompiledDeck) -> None:
    # Fast mode's ending rates sit within the reference engine's 99% intervals (the full
    # check, 20,000 games on every shipped deck, is benchmarks/agreement.py).
    from wargame.analysis.intervals import wilson

    seats = {a: "random" for a in tutorial.actors}
    fast = simulate(tutorial, 3000, 5, seats, engine="fast")
    reference = simulate(tutorial, 3000, 5, seats, engine="reference")
    assert fast.to_json() != reference.to_json()  # other dice
    for ending, n in reference.endings.items():
        lo, hi = wilson(n, 3000, z=3.29)  # 99.9%: two runs of 3,000 each
        assert lo <= fast.endings[ending] / 3000 <= hi, ending


def test_the_same_bytes_whatever_the_jobs(tutorial: CompiledDeck) -> None:
    for engine in ("fast", "exact"):
        one = simulate(tutorial, 700, 2, engine=engine, jobs=1).to_json()  # type: ignore[arg-type]
        two = simulate(tutorial, 700, 2, engine=engine, jobs=2).to_json()  # type: ignore[arg-type]
        assert json.dumps(one) == json.dumps(two)


@pytest.mark.parametrize("engine", ["fast", "exact"])
def test_sweep_and_analyse_print_the_same_bytes_whatever_the_jobs(tutorial: CompiledDeck, engine: str) -> None:
    from wargame.analysis.sweep import sweep
    from wargame.analysis.turning import analyse
    from wargame.saves.store import new_save

    one = sweep(tutorial, 300, 2, engine=engine, jobs=1).to_json()  # type: ignore[arg-type]
    two = sweep(tutorial, 300, 2, engine=engine, jobs=2).to_json()  # type: ignore[arg-type]
    assert json.dumps(one) == json.dumps(two)
    seats = {"red": "doctrine:bully", "blue": "doctrine:broker"}
    save = new_save(play_game(tutorial, 3, seats), seats)
    alone = analyse(save, rollouts=90, seed=4, engine=engine, jobs=1).to_json()  # type: ignore[arg-type]
    pooled = analyse(save, rollouts=90, seed=4, engine=engine, jobs=2).to_json()  # type: ignore[arg-type]
    assert json.dumps(alone) == json.dumps(pooled)
