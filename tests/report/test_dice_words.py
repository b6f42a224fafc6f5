"""A roll's draw reads the same everywhere: the replay viewer said "drew 27 of 100" where the
report said "drew 0.28" (rounded the other way) for the same roll. One label, from the
observation layer, for the viewer, the results screen and the report."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from report_helpers import seeded_save

from wargame.deck.compile import CompiledDeck
from wargame.observe.labels import draw_label, draw_needed
from wargame.play.debrief import Debrief
from wargame.play.timeline import SavedGame
from wargame.report.data import build_report
from wargame.report.templates import render_report
from wargame.tui.render import roll_line
from wargame.tui.replay_render import roll_block


def test_draw_label_rounds_down_as_the_dice_compare() -> None:
    assert draw_label(0.279) == "27 of 100"
    assert draw_label(0.0) == "0 of 100"
    assert draw_label(0.999) == "99 of 100"


def test_a_failed_roll_says_what_it_needed() -> None:
    # "90% chance, drew 90 of 100: failure" read like a success to instructors.
    from wargame.report.data import RollRow
    from wargame.report.model import _roll

    roll = _roll(RollRow("Red: Missile test", 0.9, 0.905, False, False, outcome="failure", kind="move"))
    assert "".join(r.text for r in roll.odds) == "90% chance; the roll was 90 of 100 (needed 89 or under)"
    assert _roll(RollRow("Storm", 0.355, 0.3, True, False, outcome="it happens", kind="event")).draw == "30 of 100 (needed under 35.5)"
    # A weighted outcome's draw picks among outcomes; nothing was "needed".
    assert _roll(RollRow("Storm: outcome", 0.25, 0.7, True, False, outcome="chosen", kind="outcome")).draw == "70 of 100"


@given(st.integers(1, 99), st.floats(0.0, 1.0, exclude_max=True), st.floats(0.0, 1.0, exclude_min=True, exclude_max=True))
def test_the_words_follow_the_engines_rule(percent: int, draw: float, chance: float) -> None:
    # The engine: a roll succeeds when its draw is under the chance (`draw < p`, `Game._roll`).
    # A reader comparing the printed draw with the printed need must reach the same answer.
    shown = int(draw_label(draw).split()[0])
    whole = re.fullmatch(r"needed (\d+) or under", draw_needed(percent / 100))
    assert whole is not None and (shown <= int(whole[1])) == (draw < percent / 100)
    under = re.fullmatch(r"needed under ([\d.]+)", draw_needed(chance))
    if under is not None and shown != int(float(under[1])):  # the same whole number: the label cannot tell
        assert (shown < float(under[1])) == (draw < chance)


# Tutorial game 17 rolls every kind the tutorial has: detection rolls both ways (Red's
# informer not found out, Blue's spy op found out), the storm event's roll and the
# missile tests' own rolls; 5 draws in all.
DICE_SEED = 17


def test_the_viewer_the_results_and_the_report_say_the_same_draw(tutorial: CompiledDeck) -> None:
    save = seeded_save(tutorial, seed=DICE_SEED)
    debrief = Debrief(SavedGame(save))
    report = render_report(build_report(save, "facilitator"), "markdown")
    seen = 0
    for turn in range(1, len(save.history) + 1):
        for roll in debrief.turn("facilitator", turn).rolls:
            if roll.roll is None or roll.chance is None:
                continue
            said = f"drew {draw_label(roll.roll)}"
            assert said in roll_block(roll).plain
            assert said in roll_line(roll).plain
            assert f"the roll was {draw_label(roll.roll)}" in report
            seen += 1
    assert seen >= 3
    assert "drew 0." not in report


def test_the_viewer_the_results_and_the_report_say_a_rolls_result_in_the_players_words(tutorial: CompiledDeck) -> None:
    # A detection roll that fails means "not found out", good news for the actor, not
    # "failure"; an event's roll says whether it happened (issue 19).
    from wargame.observe.labels import roll_outcome

    save = seeded_save(tutorial, seed=DICE_SEED)
    debrief = Debrief(SavedGame(save))
    report = render_report(build_report(save, "facilitator"), "markdown")
    kinds = set()
    said: set[str] = set()
    for turn in range(1, len(save.history) + 1):
        for roll in debrief.turn("facilitator", turn).rolls:
            words = roll_outcome(roll.kind, roll.success)
            assert f"→ {words}" in roll_block(roll).plain and f"means {words}" in roll_block(roll).plain
            assert f"→ {words}" in roll_line(roll).plain
            if roll.roll is not None and roll.chance is not None:
                assert f"the roll was {draw_label(roll.roll)} ({draw_needed(roll.chance)}): {words}" in report
            kinds.add(roll.kind)
            said.add(words)
    assert {"detect", "event", "move"} <= kinds
    # The detection roll read both ways in this game, never as "success" or "failure".
    assert {"found out", "not found out"} <= said
    assert roll_outcome("detect", False) == "not found out" and roll_outcome("event", True) == "it happens"


def test_the_report_opens_with_what_happened_before_the_first_orders() -> None:
    from pathlib import Path

    from wargame.analysis.simulate import play_game
    from wargame.deck.loader import load_deck
    from wargame.saves.store import new_save

    deck = load_deck(Path(__file__).resolve().parents[1] / "decks_format" / "opening.toml")
    seats = {a: "random" for a in deck.actors}
    save = new_save(play_game(deck, 3, seats), seats)
    report = render_report(build_report(save, "facilitator"), "markdown")
    opening = report.index("### Before the first orders")
    assert opening < report.index(f"### {deck.turn_label(1).capitalize()}")
    assert "ransomware locks the utility's control room; 60,000 homes are without power." in report[opening:]
    assert "Ransomware hits the control room" in report[opening:]
    without = load_deck(Path(__file__).resolve().parents[2] / "decks" / "tutorial.toml")
    plain = new_save(play_game(without, 3, {a: "random" for a in without.actors}), {a: "random" for a in without.actors})
    assert "Before the first orders" not in render_report(build_report(plain, "facilitator"), "markdown")


def test_the_slides_show_the_prologue_after_the_title() -> None:
    from pathlib import Path

    from wargame.analysis.simulate import play_game
    from wargame.deck.loader import load_deck
    from wargame.report.slides import slides_model
    from wargame.saves.store import new_save

    deck = load_deck(Path(__file__).resolve().parents[1] / "decks_format" / "opening.toml")
    seats = {a: "random" for a in deck.actors}
    show = slides_model(build_report(new_save(play_game(deck, 3, seats), seats), "public"))
    assert [s.id for s in show.slides[:3]] == ["opening", "prologue", "turn-1"]
    page = render_report(build_report(new_save(play_game(deck, 3, seats), seats), "public"), "slides")
    assert 'id="prologue"' in page and "60,000 homes are without power" in page
