"""Every roll in the report is named as the screens name it: a weighted outcome of an event
reads "ExComm reads the second letter: the hawks' reading", never its key `letters-read#1`."""

from __future__ import annotations

import html
import re

from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.report.data import build_report
from wargame.report.model import clean
from wargame.report.templates import md_escape, render_report
from wargame.saves.store import new_save


def test_a_weighted_outcome_roll_reads_as_the_event_and_its_outcome(decks: dict[str, CompiledDeck]) -> None:
    deck = decks["cuba-1962"]
    # Seed 14: random seats reach ExComm's reading of the second letter, and the hawks win it.
    game = play_game(deck, 14, {}, None)
    save = new_save(game, dict.fromkeys(deck.actors, "random"))
    rolls = [roll for rec in game.records for roll in rec.rolls]
    assert any(roll.kind == "outcome" for roll in rolls)  # the case this test is about
    keys = {roll.key for roll in rolls}
    ids = keys | {m.id for m in deck.moves} | set(deck.event_index)
    for viewer in ["facilitator", "public", *deck.actors]:
        data = build_report(save, viewer)
        labels = [row.label for entry in data.timeline for row in entry.rolls]
        assert labels, viewer
        for label in labels:
            assert "#" not in label and label not in ids, (viewer, label)
        texts = {"markdown": render_report(data, "markdown"), "html": render_report(data, "html")}
        for fmt, text in texts.items():
            for key in keys:
                # No roll key, raw or escaped for the format, anywhere in the report.
                assert key not in text and md_escape(clean(key)) not in text, (viewer, fmt, key)
        # The one roll line of each format holds the label the screens show.
        for label in labels:
            assert re.search(rf"^- {re.escape(md_escape(clean(label)))}: ", texts["markdown"], flags=re.MULTILINE), (viewer, label)
            assert f"<td>{html.escape(label, quote=True)}</td>" in texts["html"], (viewer, label)
    # The case from the bug report, word for word as the screens say it.
    facilitator = build_report(save)
    assert "ExComm reads the second letter: the hawks' reading" in [row.label for entry in facilitator.timeline for row in entry.rolls]
