"""Every chance roll of a saved game explains itself: the replay keeps the state each roll
was drawn on, that state gives back the roll's chance, and every surface names the roll
in words, never by its key (issue 14: the replay viewer crashed on a turn with a weighted
one-of event, whose draw bypassed the roll path, and the report printed `letters-read#1`).

Decks are found, not named: every deck in decks/ and every test corpus deck with a
weighted one-of event.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.deck.labels import roll_label
from wargame.deck.loader import load_deck
from wargame.engine.state import Roll, State
from wargame.errors import DeckError
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.debrief import Debrief
from wargame.play.timeline import SavedGame
from wargame.report.data import build_report
from wargame.saves.store import new_save

ROOT = Path(__file__).resolve().parents[2]


def _weighted(path: Path) -> bool:
    """Whether a corpus file is a deck that loads and has a weighted one-of event."""
    if "outcomes" not in path.read_text(encoding="utf-8", errors="replace"):
        return False
    try:
        return any(e.outcomes for e in load_deck(path).events)
    except DeckError:
        return False


DECK_FILES = sorted({*ROOT.glob("decks/*.toml"), *filter(_weighted, ROOT.glob("tests/**/*.toml"))})
SEEDS = (0, 1, 2, 3)


@pytest.fixture(scope="module")
def games() -> dict[Path, list[SavedGame]]:
    """Each deck's games with random seats (seed 1 of cuba-1962 is the game of the issue)."""
    out = {}
    for path in DECK_FILES:
        deck = load_deck(path)
        out[path] = [SavedGame(new_save(play_game(deck, seed, {}), {})) for seed in SEEDS]
    return out


def _clamped(p: float) -> float:
    return p if 0.0 <= p <= 1.0 else 1.0 if p > 1 else 0.0


def chance_in(deck: CompiledDeck, roll: Roll, state: State) -> float:
    """The chance a roll had, worked out again from the state it was drawn on."""
    if roll.kind == "outcome":
        event_id, _, index = roll.key.partition("#")
        event = deck.events[deck.event_index[event_id]]
        weights = [o.weight_in(state) for o in event.outcomes]
        return weights[int(index)] / sum(weights)
    if roll.kind in {"move", "detect"}:
        move = deck.moves[deck.move_index[roll.key]]
        if roll.kind == "move":
            return move.chance_const if move.chance is None else _clamped(float(move.chance(state)))  # type: ignore[return-value]
        return move.detection if move.detection_fn is None else _clamped(float(move.detection_fn(state)))
    event = deck.events[deck.event_index[roll.key]]
    return event.chance_const if event.chance is None else _clamped(float(event.chance(state)))  # type: ignore[return-value]


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.stem)
def test_every_roll_of_every_turn_is_explained_by_the_state_it_read(path: Path, games: dict[Path, list[SavedGame]]) -> None:
    outcomes = 0
    for saved in games[path]:
        deck = saved.deck
        for turn in range(1, saved.turns_played + 1):
            explained = saved.roll_states(turn)
            assert [roll for roll, _state in explained] == saved.record(turn).rolls
            for roll, state in explained:
                assert chance_in(deck, roll, state) == pytest.approx(roll.chance, abs=1e-12), (turn, roll)
                outcomes += roll.kind == "outcome"
    if any(e.outcomes for e in games[path][0].deck.events):
        assert outcomes, "no weighted one-of event was drawn: the games explain nothing of them"


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.stem)
def test_every_roll_is_named_in_words_on_every_surface(path: Path, games: dict[Path, list[SavedGame]]) -> None:
    def plain(label: str) -> bool:
        return bool(label) and "#" not in label and "@" not in label

    for saved in games[path][:2]:
        deck = saved.deck
        debrief = Debrief(saved)
        viewers = [FACILITATOR_VIEWER, PUBLIC, *(Viewer.seat(a) for a in deck.actors)]
        for turn in range(1, saved.turns_played + 1):
            for roll in saved.record(turn).rolls:
                assert plain(roll_label(deck, roll.kind, roll.key)), roll
            for viewer in viewers:  # the replay viewer's turn, for each perspective
                for explained in debrief.turn(viewer, turn).rolls:
                    assert plain(explained.label), (viewer, turn, explained.label)
        report = build_report(saved.save)
        for entry in report.timeline:
            for row in entry.rolls:
                assert plain(row.label), (entry, row.label)


def test_the_games_weighted_pick_is_named_by_its_event_and_outcome() -> None:
    # The game of the issue: `wargame autoplay decks/cuba-1962.toml --seed 1`, day 5.
    deck = load_deck(ROOT / "decks" / "cuba-1962.toml")
    saved = SavedGame(new_save(play_game(deck, 1, {}), {}))
    picks = [(turn, r) for turn in range(1, saved.turns_played + 1) for r in saved.record(turn).rolls if r.kind == "outcome"]
    assert picks, "the game of the issue draws a weighted outcome"
    turn, roll = picks[0]
    event = deck.events[deck.event_index[roll.key.partition("#")[0]]]
    outcome = event.outcomes[int(roll.key.partition("#")[2])]
    label = f"{event.name}: {outcome.name}"
    assert roll_label(deck, roll.kind, roll.key) == label
    assert label in [r.label for r in Debrief(saved).turn(FACILITATOR_VIEWER, turn).rolls]
    rows = next(e for e in build_report(saved.save).timeline if e.turn == turn).rolls
    assert label in [r.label for r in rows]


def test_a_key_the_deck_does_not_know_is_said_as_it_is(tutorial: CompiledDeck) -> None:
    # A hand-edited save may name what the deck lacks: the label says so rather than crash.
    assert roll_label(tutorial, "outcome", "nope#3") == "nope#3"
    assert roll_label(tutorial, "move", "nope") == "nope"
    assert roll_label(tutorial, "event", "storm") == tutorial.events[tutorial.event_index["storm"]].name
