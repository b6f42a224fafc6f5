"""Nothing is cut where choices differ: every shipped deck's endings and the rows of a
what-if over each of its offers, rendered where they are shown at 80 columns (the viewer's
odds panel, the HTML chart's legend, `wargame whatif`), never read the same as another.

An ending's title cut at 16 characters ("Deal: a public t", "Deal with a secr") or an
answer row cut before the offer it answers ("…+ no answe…") no longer tells a student
which choice a figure belongs to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import DECKS, ROOT
from wargame.analysis.turning import Analysis, Odds
from wargame.analysis.whatif import Choice, WhatIf, orders_label
from wargame.cli.debrief import whatif_table
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.report.svg import Chart, Line, line_chart
from wargame.tui.screens.replay.odds import odds_table

DECK_FILES = sorted(DECKS.glob("*.toml")) + sorted((ROOT / "tests" / "decks_format").glob("*.toml"))


@pytest.fixture(scope="module", params=DECK_FILES, ids=lambda p: p.stem)
def deck(request: pytest.FixtureRequest) -> CompiledDeck:
    path: Path = request.param
    return load_deck(path)


def endings(deck: CompiledDeck) -> list[tuple[str, str]]:
    return [(e.id, e.title) for e in (*deck.endings, deck.turn_limit_ending)]


def test_the_odds_panel_at_80_columns_tells_every_ending_apart(deck: CompiledDeck) -> None:
    ids = [e for e, _ in endings(deck)]
    titles = dict(endings(deck))
    odds = tuple(Odds(t, 100, {e: 100 // len(ids) for e in ids}) for t in range(1, deck.turns + 2))
    a = Analysis("", 100, 0, {}, tuple(ids), titles, odds, None)
    text = odds_table(a, 3, 80).plain.splitlines()
    width = len(text[0]) - len(text[0].lstrip(" ")) - 1  # the name column, as wide as the head's margin
    names = [line[:width].rstrip() for line in text[1 : 1 + len(ids)]]
    assert len(names) == len(ids) and len(set(names)) == len(names), names
    for name, full in zip(names, titles.values(), strict=True):
        assert name == full or f"{name} = {full}" in text[-1]  # shortened: named in full below


def test_the_charts_legend_tells_every_ending_apart_and_hovers_the_full_name(deck: CompiledDeck) -> None:
    titles = [t for _, t in endings(deck)]
    svg = line_chart(Chart("odds", ["1", "2"], [Line(t, [0.1, 0.2]) for t in titles], 0, 1), "c")
    legend = re.findall(r'<text [^>]*class="lg">(?:<title>([^<]*)</title>)?([^<]*)</text>', svg)
    shown = [s for _, s in legend]
    assert len(shown) == len(titles) and len(set(shown)) == len(shown)
    for (hover, short), full in zip(legend, titles, strict=True):
        assert short == full.replace("&", "&amp;") or hover == full.replace("&", "&amp;")


def answer_rows(deck: CompiledDeck) -> list[list[str]]:
    """For each offer of the deck, the rows a what-if over its answers shows (with one
    ordinary order beside them, as a seat usually gives)."""
    out = []
    for offer in deck.offers:
        ordinary = [m.id for m in deck.moves_by_actor[offer.recipient] if m.answer is None][:1]
        sets = [ordinary, [*ordinary, deck.moves[offer.accept].id], [*ordinary, deck.moves[offer.refuse].id]]
        out.append([orders_label(deck, s, [offer]) for s in sets])
    return out


def test_whatif_rows_over_each_offer_are_printed_whole(deck: CompiledDeck) -> None:
    rows = answer_rows(deck)
    if not rows:
        pytest.skip("the deck has no offers")
    ids = [e for e, _ in endings(deck)]
    for labels in rows:
        choices = tuple(Choice((str(i),), label, i == 0, 10, {ids[0]: 10}, {"x": (1.0, 0.5, 1.5)}) for i, label in enumerate(labels))
        result = WhatIf(1, "Turn 1", "x", "X", 10, 0, {}, tuple(ids), dict(endings(deck)), choices)
        lines = whatif_table(result)
        start = next(i for i, line in enumerate(lines) if line.startswith("orders")) + 1
        shown: list[str] = []
        for line in lines[start:]:
            if line.startswith("  "):
                shown[-1] += " " + line.strip()  # a label wrapped onto the next line
            else:
                shown.append(re.sub(r"\s{2,}\d+% \(.*$", "", line).strip())
        expected = [label + (" (actual)" if i == 0 else "") for i, label in enumerate(labels)]
        assert shown == expected  # wrapped, never cut
        assert "…" not in "".join(lines)
        # The head: every ending's title whole (wrapped in its column).
        head = lines[:start]
        for _, title in endings(deck):
            for word in title.split():
                assert any(word in h for h in head)
