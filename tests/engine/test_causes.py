"""What a logged game records of each step's cause (`TurnRecord.causes`).

A logged game keeps copies of the track values around each step of a turn and works the
causes out when they are first read (most logged games are never read for them). These
tests hold what is read to what the steps did: every step that moved tracks is one cause,
in resolution order, with the deltas of the tracks it moved, and together the causes of a
turn explain each track's change.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.conftest import deck_corpus
from tests.golden.test_playthrough import SCRIPT, SEED, give_turn
from wargame.analysis.simulate import play_game
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.engine.state import TurnRecord

ROOT = Path(__file__).resolve().parents[2]


def _records(game: Game) -> list[TurnRecord]:
    return ([game.opening] if game.opening is not None else []) + game.records


@pytest.mark.parametrize("path", deck_corpus(), ids=lambda p: p.stem)
def test_a_turns_causes_explain_its_changes(path: Path) -> None:
    deck = load_deck(path)
    for seed in (1, 2):
        game = play_game(deck, seed, {})
        for rec in _records(game):
            causes = rec.causes
            moved: dict[int, list[float]] = {}
            for cause in causes:
                slots = [slot for slot, _delta in cause.deltas]
                assert slots and slots == sorted(set(slots)), cause  # each track once, in slot order
                assert all(delta != 0 for _slot, delta in cause.deltas), cause
                for slot, delta in cause.deltas:
                    moved.setdefault(slot, []).append(delta)
            changes = {c.slot: c.new - c.old for c in rec.changes}
            for slot, deltas in moved.items():
                assert math.isclose(math.fsum(deltas), changes.get(slot, 0.0), abs_tol=1e-9), (deck.id, rec.turn, slot)
            assert set(changes) <= set(moved), (deck.id, rec.turn)  # no change without a cause
            # The move causes follow the turn's plays (those that moved tracks), in order.
            played = [p.move for p in rec.plays]
            order = [c.source for c in causes if c.kind == "move"]
            assert order == [m for m in played if m in order], (deck.id, rec.turn)
            assert rec.causes == causes  # read again: the same causes


def test_the_golden_playthroughs_causes() -> None:
    # The tutorial's golden script: orders, a deck event fired as an inject, a forced roll
    # and a written inject. Each cause as the results name it: the step, then what it moved.
    deck = load_deck(ROOT / "decks" / "tutorial.toml")
    game = Game(deck, SEED)
    seen = []
    for red, blue, control in SCRIPT:
        give_turn(game, red, blue, control)
        rec = game.resolve()
        for c in rec.causes:
            deltas = " ".join(f"{deck.slot_names[slot]}{delta:+g}" for slot, delta in c.deltas)
            seen.append(f"{rec.turn} {c.kind} {c.source or '-'} {c.actor or '-'} (turn {c.turn}): {deltas}")
    assert seen == [
        "1 move spy-op blue (turn 1): blue.intel+3",
        "1 move missile-test red (turn 1): tension+2 red.standing+1",
        "2 move sanctions blue (turn 2): tension+1 red.standing-2 blue.standing-1",
        "2 move patrol red (turn 2): tension+1 red.standing+1",
        "3 move talks-offer red (turn 3): tension-1 talks+1",
        "3 move talks-offer-blue blue (turn 3): tension-1 talks+1",
        "3 inject fishing-incident - (turn 3): tension+2",
        "3 event hotline - (turn 3): tension-1",
        "3 event storm - (turn 3): tension-1",
        "4 move missile-test red (turn 4): tension+2 talks-1 red.standing-1",
        "5 move talks-offer red (turn 5): tension-1 talks+1",
        "5 move talks-offer-blue blue (turn 5): tension-1 talks+1",
        "5 inject - - (turn 5): talks+1",
        "6 move talks-offer-blue blue (turn 6): tension-1",
        "6 move patrol red (turn 6): tension+1 red.standing+1",
    ]


def test_a_quiet_game_records_no_causes() -> None:
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    game = play_game(deck, 3, {}, log=False)
    assert all(not rec.causes and not rec.steps and not rec.values for rec in game.records)


def test_reading_the_causes_leaves_what_another_reader_took_whole() -> None:
    # Two threads may read a record's causes at once (a report's worker and the screen):
    # each works them out from the copies it took, which the other's read must leave whole.
    deck = load_deck(ROOT / "decks" / "korea-2022.toml")
    rec = play_game(deck, 3, {}).records[0]
    steps, values = rec.steps, rec.values
    held = (list(steps), list(values))
    assert steps and rec.causes
    assert (steps, values) == held
