"""The debrief's slides (`report --slides`): a slide per turn played between the opening and
the ending, each question on the slide of the turn the deck places it at, the odds chart only
for a viewer the report shows odds to, and a branch's opening says where it split."""

from __future__ import annotations

from report_helpers import seeded_save

from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import analyse
from wargame.deck.compile import CompiledDeck
from wargame.report.data import build_report
from wargame.report.model import ItemList, Paragraph, Prompt
from wargame.report.slides import slides_model
from wargame.saves.store import branch

KOREA_SEATS = {"dprk": "doctrine:hardliner", "us": "doctrine:pressure-first", "rok": "doctrine:hawkish", "china": "doctrine:status-quo"}


def _said(blocks: object) -> str:
    out = []
    for b in blocks:  # type: ignore[attr-defined]
        if isinstance(b, (Paragraph, Prompt)):
            out.append("".join(r.text for r in b.text))
        elif isinstance(b, ItemList):
            out.extend("".join(r.text for r in i.text) for i in b.items)
    return "\n".join(out)


def test_a_slide_per_turn_with_its_questions_and_odds_only_where_shown(decks: dict[str, CompiledDeck]) -> None:
    save = seeded_save(decks["korea-2022"], seed=7, seats=KOREA_SEATS)
    cp = Checkpoints(save)
    analysis = analyse(save, rollouts=8, seed=1, checkpoints=cp)
    full = build_report(save, "facilitator", analysis, (), cp)
    show = slides_model(full)
    ids = [s.id for s in show.slides]
    assert ids[0] == "opening" and ids[1 : 1 + full.turns_played] == [f"turn-{t}" for t in range(1, full.turns_played + 1)]
    assert ids[1 + full.turns_played] == "ending"
    for entry, slide in zip(full.timeline, show.slides[1:], strict=False):
        said = _said(slide.blocks)
        assert all(f"Discuss: {q}" in said for q in entry.questions)
        assert slide.plot is not None and slide.plot.id == f"chart-odds-{entry.turn}"
        assert tuple(slide.plot.chart.marks) == (entry.turn,)  # the step this turn made
    assert "Discuss: In the first month" in _said(show.slides[1].blocks)
    # A seat of this game had secret tracks hidden from it: no odds, the escalation chart instead.
    seat = slides_model(build_report(save, "us", analysis, (), cp))
    assert all(s.plot is None or s.plot.id.startswith("chart-escalation") for s in seat.slides)


def test_a_branchs_opening_says_where_it_split(tutorial: CompiledDeck) -> None:
    child, _game = branch(seeded_save(tutorial), 2, "saves/first.json")
    opening = slides_model(build_report(child)).slides[0]
    assert "Branched from save golden000001 (saves/first.json) after 2 weeks" in _said(opening.blocks)
