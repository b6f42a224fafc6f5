"""Monte Carlo runs: the same seed gives the same summary whatever the number of worker
processes, the figures are consistent, exports carry them, and saves are only written
when asked for, then load and verify."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from wargame.analysis import simulate as simulate_module
from wargame.analysis.report import summary_csv, summary_text
from wargame.analysis.simulate import game_seed, play_game, simulate
from wargame.analysis.tally import Tally
from wargame.bots.base import Bot, Decision, RandomBot, bot_seed
from wargame.bots.make import make_bot
from wargame.deck.compile import CMove, CompiledDeck
from wargame.engine.game import Game
from wargame.observe.view import PlayerView
from wargame.saves.store import read_save, verify

SEATS = {"red": "doctrine:bully", "blue": "doctrine:broker"}


@pytest.fixture(scope="module")
def summary(tutorial: CompiledDeck) -> dict:  # type: ignore[type-arg]
    return simulate(tutorial, 300, seed=9, seats=SEATS).to_json()


def test_same_seed_same_summary_whatever_the_jobs(tutorial: CompiledDeck, summary: dict) -> None:  # type: ignore[type-arg]
    two = simulate(tutorial, 300, seed=9, seats=SEATS, jobs=2).to_json()
    # The same bytes, not merely equal values: `10` and `10.0` are equal but print apart.
    assert json.dumps(two) == json.dumps(summary)
    other = simulate(tutorial, 300, seed=10, seats=SEATS).to_json()
    assert other != summary


def test_lookahead_seats_are_the_same_whatever_the_jobs(tutorial: CompiledDeck) -> None:
    seats = {"red": "lookahead:10", "blue": "random"}
    one = simulate(tutorial, 12, seed=3, seats=seats, jobs=1).to_json()
    two = simulate(tutorial, 12, seed=3, seats=seats, jobs=2).to_json()
    assert one == two


def test_endings_add_up_and_intervals_hold_the_share(tutorial: CompiledDeck, summary: dict) -> None:  # type: ignore[type-arg]
    assert summary["games"] == 300
    assert sum(summary["endings"].values()) == 300
    assert set(summary["endings"]) == {"clash", "deal", "stalemate"}
    for ending, count in summary["endings"].items():
        lo, hi = summary["ending_intervals"][ending]
        assert 0 <= lo <= count / 300 <= hi <= 1
        if 0 < count < 300:
            assert hi - lo < 0.15  # 300 games pin a share to within a few points


def test_scores_are_the_mean_of_the_score_counts(tutorial: CompiledDeck, summary: dict) -> None:  # type: ignore[type-arg]
    for actor in tutorial.actors:
        counts = summary["score_counts"][actor]
        assert sum(counts.values()) == 300
        mean = sum(float(score) * n for score, n in counts.items()) / 300
        assert summary["scores"][actor] == pytest.approx(mean)
        best = sum(o.points for o in tutorial.objectives[actor])
        assert 0 <= summary["scores"][actor] <= best


def test_tracks_have_percentiles_for_every_turn_within_bounds(tutorial: CompiledDeck, summary: dict) -> None:  # type: ignore[type-arg]
    assert set(summary["tracks"]) == set(tutorial.slot_names)
    for name, rows in summary["tracks"].items():
        slot = tutorial.slot_names.index(name)
        assert [r["turn"] for r in rows] == list(range(1, tutorial.turns + 1))
        for r in rows:
            assert tutorial.lo[slot] <= r["p10"] <= r["median"] <= r["p90"] <= tutorial.hi[slot]


def test_every_move_of_every_actor_is_listed_with_orders_plays_and_fizzles(tutorial: CompiledDeck, summary: dict) -> None:  # type: ignore[type-arg]
    for actor, moves in summary["moves"].items():
        assert [m["move"] for m in moves] == [m.id for m in tutorial.moves_by_actor[actor]]
        for m in moves:
            assert m["ordered"] == m["played"] + m["fizzled"] and m["fizzled"] >= 0
            assert m["per_game"] == pytest.approx(m["played"] / 300)
    # Bully and broker each give one order a turn: orders add up to turns played (answers
    # to an offer cost no order, so they are left out of the count).
    answers = {m.id for m in tutorial.moves if m.answer is not None}
    for actor in tutorial.actors:
        assert sum(m["ordered"] for m in summary["moves"][actor] if m["move"] not in answers) == round(summary["mean_turns"] * 300)


def test_events_and_ending_turns_add_up(tutorial: CompiledDeck, summary: dict) -> None:  # type: ignore[type-arg]
    assert [e["event"] for e in summary["events"]] == [e.id for e in tutorial.events]
    for e in summary["events"]:
        assert 0 <= e["games"] <= e["fired"] and e["rate"] == pytest.approx(e["games"] / 300)
    storm = next(e for e in summary["events"] if e["event"] == "storm")
    assert 0.3 < storm["rate"] < 0.7  # a 50% roll on week 3, in games that reach week 3
    for ending, turns in summary["ending_turns"].items():
        assert sum(turns.values()) == summary["endings"][ending]
    assert set(summary["ending_turns"]["stalemate"]) <= {str(tutorial.turns)}


def test_track_rows_count_only_the_games_still_running(tutorial: CompiledDeck, summary: dict) -> None:  # type: ignore[type-arg]
    ended_by: Counter[int] = Counter()
    for turns in summary["ending_turns"].values():
        for turn, n in turns.items():
            ended_by[int(turn)] += n
    for rows in summary["tracks"].values():
        for r in rows:
            assert r["games"] == 300 - sum(n for t, n in ended_by.items() if t < r["turn"])


def test_track_percentiles_match_counting_every_game_turn_by_turn(tutorial: CompiledDeck) -> None:
    # The tally stores runs of turns; expanding them must give the plain per-turn counts.
    tally = Tally()
    plain: Counter[tuple[int, int, float]] = Counter()
    for i in range(60):
        game = play_game(tutorial, game_seed(4, i), SEATS)
        tally.add_game(game)
        values = list(tutorial.start_values)
        for rec in game.records:
            for change in rec.changes:
                values[change.slot] = change.new
            for slot, value in enumerate(values):
                plain[(slot, rec.turn, round(value, 2))] += 1
    expanded: Counter[tuple[int, int, float]] = Counter()
    for (slot, value, first, last), n in tally.tracks.items():
        for turn in range(first, last + 1):
            expanded[(slot, turn, value)] += n
    assert expanded == plain


def test_a_game_without_a_log_plays_exactly_the_same(tutorial: CompiledDeck, decks: dict[str, CompiledDeck]) -> None:
    # A quiet game seals the bots' orders without `submit`'s checks: the loud one checks
    # them, so an illegal order from any bot (random or doctrine, offers answered) fails here.
    for deck in decks.values():
        for seed, seats in [(s, {a: f"doctrine:{next(iter(d))}" for a, d in deck.doctrines.items() if d}) for s in range(10)] + [(s, {}) for s in range(10)]:
            history: list[list[float]] = []
            quiet = play_game(deck, seed, seats, log=False, history=history)
            loud = play_game(deck, seed, seats)
            assert quiet.state.digest() == loud.state.digest()
            assert quiet.plays == loud.plays and quiet.ending == loud.ending
            assert [r.orders for r in quiet.records] == [r.orders for r in loud.records]
            assert quiet.news == [] and all(not r.rolls and not r.state_hash for r in quiet.records)
            a, b = Tally(), Tally()
            a.add_game(quiet, history)
            b.add_game(loud)
            assert a == b


def test_memory_stays_flat_as_games_grow(tutorial: CompiledDeck) -> None:
    # Nothing is kept per game: every key of the tally is bounded by the deck (an ending,
    # an actor and score, a move, or a track value over a run of turns).
    small, big = Tally(), Tally()
    for i in range(400):
        history: list[list[float]] = []
        game = play_game(tutorial, game_seed(1, i), {}, log=False, history=history)
        if i < 100:
            small.add_game(game, history)
        big.add_game(game, history)
    assert big.games == 400
    for slot, value, first, last in big.tracks:
        assert tutorial.lo[slot] <= value <= tutorial.hi[slot]
        assert 1 <= first <= last <= tutorial.turns
    # Four times the games, far less than four times the keys.
    assert len(big.tracks) < 2 * len(small.tracks)
    assert len(big.moves) <= len(tutorial.moves)
    assert len(big.endings) <= len(tutorial.endings) + 1


def test_no_saves_unless_asked_and_asked_for_saves_load_and_verify(tutorial: CompiledDeck, tmp_path: Path) -> None:
    simulate(tutorial, 5, seed=2, seats=SEATS)
    assert not list(tmp_path.iterdir())
    out = tmp_path / "games"
    with_saves = simulate(tutorial, 6, seed=2, seats=SEATS, jobs=2, save_dir=out)
    files = sorted(out.glob("*.json"))
    assert len(files) == 6
    assert with_saves.to_json() == simulate(tutorial, 6, seed=2, seats=SEATS).to_json()
    endings = Counter()
    for path in files:
        save = read_save(path)
        assert save.seats == {"red": "doctrine:bully", "blue": "doctrine:broker"}
        assert verify(save).ok
        assert save.history and all(turn.reasons for turn in save.history if any(turn.orders.values()))
        endings[save.ending] += 1
    assert dict(endings) == {k: v for k, v in with_saves.endings.items() if v}


def test_csv_carries_the_same_figures_as_the_json(tutorial: CompiledDeck) -> None:
    s = simulate(tutorial, 50, seed=5, seats=SEATS)
    data = s.to_json()
    rows = list(csv.DictReader(io.StringIO(summary_csv(s))))
    by = lambda section: [r for r in rows if r["section"] == section]
    assert {r["key"]: int(r["value"]) for r in by("ending")} == data["endings"]
    assert {r["key"]: float(r["value"]) for r in by("score")} == data["scores"]
    assert {r["key"]: (float(r["low"]), float(r["high"])) for r in by("ending")} == {k: tuple(v) for k, v in data["ending_intervals"].items()}
    tracks = {(r["key"], int(r["turn"])): (float(r["value"]), float(r["low"]), float(r["high"])) for r in by("track")}
    assert tracks == {(n, r["turn"]): (r["median"], r["p10"], r["p90"]) for n, rows_ in data["tracks"].items() for r in rows_}
    moves = {r["key"]: int(r["value"]) for r in by("move")}
    assert moves == {f"{a}:{m['move']}": m["played"] for a, ms in data["moves"].items() for m in ms}
    fizzled = {r["key"]: int(r["value"]) for r in by("move_fizzled")}
    assert fizzled == {f"{a}:{m['move']}": m["fizzled"] for a, ms in data["moves"].items() for m in ms}
    assert {r["key"]: int(r["value"]) for r in by("event")} == {e["event"]: e["games"] for e in data["events"]}
    turns = {(r["key"], r["turn"]): int(r["value"]) for r in by("ending_turn")}
    assert turns == {(k, t): c for k, d in data["ending_turns"].items() for t, c in d.items()}
    counts = {r["key"]: int(r["value"]) for r in by("score_count")}
    assert counts == {f"{a}:{k}": v for a, d in data["score_counts"].items() for k, v in d.items()}
    run = {r["key"]: r["value"] for r in by("run")}
    assert run["games"] == "50" and run["seed"] == "5" and float(run["mean_turns"]) == data["mean_turns"]
    assert {r["key"]: r["value"] for r in by("seat")} == data["seats"]


def test_text_report_names_endings_scores_tracks_and_moves(tutorial: CompiledDeck) -> None:
    s = simulate(tutorial, 40, seed=5, seats=SEATS)
    text = summary_text(tutorial, s)
    for needle in ("95% interval", "Stalemate", "mean score", "Red", "tension", "blue.intel", "ordered / played / fizzled", "Naval patrol", "Storm season", "when each ending happened"):
        assert needle in text


def test_a_game_of_a_run_is_the_game_of_its_seed(tutorial: CompiledDeck) -> None:
    # Game i of a run is play_game(seed_i): a debrief can replay any game of a run.
    s = simulate(tutorial, 1, seed=77, seats=SEATS)
    game = play_game(tutorial, game_seed(77, 0), SEATS)
    assert game.ending is not None and s.endings[game.ending.id] == 1
    assert isinstance(game, Game)


def test_a_bot_that_keeps_its_views_sees_each_at_its_own_turn(decks: dict[str, CompiledDeck], monkeypatch: pytest.MonkeyPatch) -> None:
    # The simulator hands seats lazy views (no copy of the state unless read) and settles
    # the ones a bot kept before the turn resolves: read later, each still shows its turn.
    deck = decks["korea-2022"]
    keeper = deck.actors[0]
    kept: list[PlayerView] = []

    class Keeper(RandomBot):
        def decide(self, view: PlayerView, legal: Sequence[CMove], allowed: int) -> Decision:
            kept.append(view)  # read nothing now
            return super().decide(view, legal, allowed)

    def bots(spec: str, deck: CompiledDeck, actor: str, seed: int, **kw: object) -> Bot:
        return Keeper(bot_seed(seed, actor)) if actor == keeper else make_bot(spec, deck, actor, seed)

    monkeypatch.setattr(simulate_module, "make_bot", bots)
    for seed in range(5):
        kept.clear()
        history: list[list[float]] = []
        game = play_game(deck, seed, {}, log=False, history=history)
        assert len(kept) == len(game.records) > 1
        before = [list(deck.start_values), *history]
        for turn, view in enumerate(kept, 1):
            assert view.turn == view.belief.turn == turn
            shown = [x for slot, x in enumerate(view.belief.v) if slot not in view.hidden_slots]
            assert shown == [x for slot, x in enumerate(before[turn - 1]) if slot not in view.hidden_slots]
        monkeypatch.undo()
        again = play_game(deck, seed, {}, log=False)  # keeping views changes no game
        monkeypatch.setattr(simulate_module, "make_bot", bots)
        assert again.state.digest() == game.state.digest() and again.plays == game.plays
