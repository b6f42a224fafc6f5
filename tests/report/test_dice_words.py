"""A roll's draw reads the same everywhere: the replay viewer said "drew 27 of 100" where the
report said "drew 0.28" (rounded the other way) for the same roll. One label, from the
observation layer, for the viewer, the results screen and the report."""

from __future__ import annotations

from report_helpers import seeded_save

from wargame.deck.compile import CompiledDeck
from wargame.observe.labels import draw_label
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


def test_the_viewer_the_results_and_the_report_say_the_same_draw(tutorial: CompiledDeck) -> None:
    save = seeded_save(tutorial)
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
            assert said in report
            seen += 1
    assert seen >= 3
    assert "drew 0." not in report
