"""The tutorial teaches each feature in the week it becomes relevant (issue 20, item 5).

Scripted games are played as a newcomer would, and each seat's coach line before every
week is read from its Observation (what its orders screen and the results before show):
the lesson on secret moves, targeted moves, offers and detection each shows at its turn,
and none of them before.
"""

from __future__ import annotations

import re

from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.observe.build import observe

# Per week: Red's orders, Blue's orders.
Script = list[tuple[list[str], list[str]]]


def lessons(deck: CompiledDeck, script: Script, seed: int = 2) -> dict[str, list[str]]:
    """Each seat's coach line before each week of `script`, in order."""
    game = Game(deck, seed)
    seen: dict[str, list[str]] = {"red": [], "blue": []}
    for red, blue in script:
        for seat, lines in seen.items():
            lines.append(observe(game, seat).coach)
        game.submit("red", red)
        game.submit("blue", blue)
        game.resolve()
    return seen


def first_week(lines: list[str], words: str) -> int | None:
    """The first week (from 1) whose line holds `words`."""
    return next((i + 1 for i, line in enumerate(lines) if words in line), None)


def own_secret_lesson(lines: list[str]) -> int | None:
    """The week Red is told how its informer's detection roll came out (either way)."""
    return next((i + 1 for i, line in enumerate(lines) if line.startswith(("Your informer", "Blue detected your informer"))), None)


def lines_of(deck: CompiledDeck) -> list[str]:
    return [line.text for line in deck.coach]


# A first game that meets every lesson: talks, a targeted inspection, Blue's offer
# (accepted), both secret moves (seed 2 leaves both undetected), then talks to a deal.
NEWCOMER: Script = [
    (["talks-offer"], ["talks-offer-blue"]),
    (["talks-offer"], ["talks-offer-blue"]),
    (["talks-offer"], ["talks-offer-blue"]),
    (["inspect@blue"], ["fishing-deal@red"]),
    (["informer", "fishing-deal@red/accept"], ["spy-op"]),
    (["talks-offer"], ["talks-offer-blue"]),
]


def test_each_lesson_shows_in_its_week_and_none_before(tutorial: CompiledDeck) -> None:
    seen = lessons(tutorial, NEWCOMER)
    red, blue = seen["red"], seen["blue"]
    # Week by week, the lesson each seat meets.
    assert first_week(red, "Pick one order") == first_week(blue, "Pick one order") == 1
    assert first_week(red, "Both sides offered talks") == first_week(blue, "Both sides offered talks") == 2
    assert first_week(red, "Some moves are secret: Plant an informer") == 3
    assert first_week(blue, "Some moves are secret: your Intelligence operation") == 3
    assert first_week(red, "Some orders are aimed at someone") == 4
    assert first_week(blue, "An offer is aimed at someone") == 4
    assert first_week(red, "Blue has made you an offer") == 5
    assert first_week(blue, "Your offer waits for Red's answer") == 5
    assert first_week(red, "Your informer stayed secret") == 6
    assert first_week(blue, "Your operation stayed secret") == 6
    # A line that names a week names the week it shows before (the storm's, the last).
    for seat_lines in (red, blue):
        for week, line in enumerate(seat_lines, start=1):
            assert all(int(n) == week for n in re.findall(r"Week (\d) (?:may|is the last)", line)), (week, line)
    assert "o your objectives" in red[3] and "on the left" not in "".join(red + blue)


def test_a_detected_secret_move_is_its_own_lesson(tutorial: CompiledDeck) -> None:
    # Forced detection: the facilitator's override makes the roll come up.
    game = Game(tutorial, 1)
    game.submit("red", ["informer"])
    game.submit("blue", ["talks-offer-blue"])
    game.override("detect:informer", True)
    game.resolve()
    assert observe(game, "red").coach.startswith("Blue detected your informer")
    # Blue learns of it from the results, not from a coach line that reads Red's secret.
    assert "informer" not in observe(game, "blue").coach


def test_an_offer_and_a_secret_move_in_one_week_are_taught_one_after_the_other(tutorial: CompiledDeck) -> None:
    seen = lessons(tutorial, [
        (["talks-offer"], ["talks-offer-blue"]),
        (["informer"], ["fishing-deal@red"]),
        (["talks-offer", "fishing-deal@red/refuse"], ["talks-offer-blue"]),
        (["talks-offer"], ["talks-offer-blue"]),
    ])
    assert first_week(seen["red"], "Blue has made you an offer") == 3
    assert own_secret_lesson(seen["red"]) == 4


def test_a_lesson_for_a_move_already_played_is_skipped(tutorial: CompiledDeck) -> None:
    # Red planted its informer in week 1: week 3 does not introduce secret moves to it.
    seen = lessons(tutorial, [
        (["informer"], ["talks-offer-blue"]),
        (["talks-offer"], ["talks-offer-blue"]),
        (["talks-offer"], ["talks-offer-blue"]),
    ])
    assert own_secret_lesson(seen["red"]) == 2
    assert first_week(seen["red"], "Some moves are secret") is None
    assert first_week(seen["red"], "Week 3 may bring a storm") == 3


def test_every_coach_line_is_met_in_some_scripted_week(tutorial: CompiledDeck) -> None:
    """No lesson of the deck is dead: each line shows to some seat in the scripts above
    or in a few more games: pressure into a crisis, both secrets in week 1, an early offer."""
    quiet: Script = [
        (["patrol"], ["sanctions"]),
        (["patrol"], ["talks-offer-blue"]),
        (["missile-test"], ["talks-offer-blue"]),
        (["talks-offer"], ["talks-offer-blue"]),
    ]
    secrets_first: Script = [
        (["informer"], ["spy-op"]),
        (["talks-offer"], ["talks-offer-blue"]),
        (["talks-offer"], ["fishing-deal@red"]),
    ]
    offer_early: Script = [
        (["talks-offer"], ["talks-offer-blue"]),
        (["talks-offer"], ["fishing-deal@red"]),
        (["talks-offer", "fishing-deal@red/accept"], ["talks-offer-blue"]),
        (["talks-offer"], ["talks-offer-blue"]),
        (["talks-offer"], ["talks-offer-blue"]),
        (["talks-offer"], ["talks-offer-blue"]),
    ]
    game = Game(tutorial, 1)
    game.submit("red", ["informer"])
    game.submit("blue", ["spy-op"])
    game.override("detect:informer", True)
    game.override("detect:spy-op", True)
    game.resolve()
    shown = {observe(game, "red").coach, observe(game, "blue").coach}
    for script in (NEWCOMER, quiet, secrets_first, offer_early):
        for seat_lines in lessons(tutorial, script).values():
            shown.update(seat_lines)
    assert set(lines_of(tutorial)) - shown == set()
