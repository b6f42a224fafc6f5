"""The Markdown after-action report of a seeded tutorial game is pinned in a committed
file: any change to what the report says shows up as a diff to read.

Regenerate with WARGAME_UPDATE_GOLDEN=1 and read the diff before committing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from report_helpers import seeded_save

from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import analyse
from wargame.analysis.whatif import what_if
from wargame.deck.compile import CompiledDeck
from wargame.report.data import build_report
from wargame.report.templates import render_report

GOLDEN = Path(__file__).resolve().parent / "tutorial-report.md"


def golden_report(deck: CompiledDeck) -> str:
    save = seeded_save(deck)
    cp = Checkpoints(save)
    analysis = analyse(save, rollouts=40, seed=1, checkpoints=cp)
    whatif = what_if(save, 2, "red", [["patrol"], []], games=40, seed=1, checkpoints=cp)
    return render_report(build_report(save, "facilitator", analysis, [whatif], cp), "markdown")


def test_tutorial_report_matches_the_golden_file(tutorial: CompiledDeck) -> None:
    text = golden_report(tutorial)
    if os.environ.get("WARGAME_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(GOLDEN), "this run"))
        raise AssertionError(f"the tutorial report changed; if that is intended, regenerate with WARGAME_UPDATE_GOLDEN=1 and review the diff:\n{diff}")


def test_the_golden_report_has_every_section(tutorial: CompiledDeck) -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    for heading in ["## Seats", "## Outcome", "### Objectives", "## Key moments", "## Turning points", "## Tracks", "## Escalation by week", "## Timeline", "## What-ifs", "## Discussion questions"]:
        assert f"\n{heading}\n" in text, heading
    assert "| Red | computer (doctrine: bully) |" in text  # who played each seat
    assert "reason: " in text and "the roll was " in text  # computers' reasons, the dice
    assert "Discuss: What did each side believe" in text  # a question placed at week 1
