"""The report model decides every sentence once, and the formats lay it out: whatever the
model says, Markdown and HTML both say (only a figure's table and its charts, and the dice
as a sentence or as table cells, differ by design), and a file's name picks its format."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from report_helpers import seeded_save

from wargame.analysis.rollout import Checkpoints
from wargame.analysis.simulate import play_game
from wargame.analysis.turning import analyse
from wargame.analysis.whatif import what_if
from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.report.data import ReportData, build_report
from wargame.report.export import report_format
from wargame.report.model import (
    Block,
    Figure,
    ItemList,
    Paragraph,
    Prompt,
    Report,
    Rolls,
    Run,
    Scores,
    Section,
    Table,
    Text,
    report_model,
)
from wargame.report.templates import (
    FORMATS,
    format_for,
    html_escape,
    md_escape,
    render,
    render_report,
)
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save

ESCAPE = {"markdown": md_escape, "html": html_escape}


def _texts(block: Block, fmt: str) -> Iterator[Text]:
    """Every text of `block` that the format `fmt` must show."""
    if isinstance(block, Paragraph | Prompt):
        yield block.text
    elif isinstance(block, ItemList):
        yield ((Run(block.label),) if block.label else ())
        for item in block.items:
            yield item.text
            yield from item.details
    elif isinstance(block, Table):
        yield from block.headers
        for row in block.rows:
            yield from row.cells
    elif isinstance(block, Figure):
        yield block.caption
        if fmt == "markdown":  # written out; HTML draws the same numbers
            yield from _texts(block.table, fmt)
    elif isinstance(block, Rolls):
        yield (Run(block.label),)
        for roll in block.rolls:
            yield roll.what
            yield roll.result
            yield roll.odds if fmt == "markdown" else (Run(roll.chance), Run(roll.draw), *roll.note)
    elif isinstance(block, Scores):
        for score in block.scores:
            yield (Run(score.name), Run(score.points))
            for o in score.objectives:
                yield (*o.text, Run(o.points), Run(o.verdict))
    elif isinstance(block, Section):
        yield block.title
        for b in block.blocks:
            yield from _texts(b, fmt)
    else:
        raise TypeError(f"a block the test does not know: {block!r}")


def _reports(tutorial: CompiledDeck, offers_save: SaveModel, korea: CompiledDeck) -> list[ReportData]:
    save = seeded_save(tutorial)
    cp = Checkpoints(save)
    analysis = analyse(save, rollouts=10, seed=1, checkpoints=cp)
    whatif = what_if(save, 2, "red", [["patrol"], []], games=10, seed=1, checkpoints=cp)
    seats = {"dprk": "doctrine:hardliner", "us": "random", "rok": "random", "china": "random"}
    korea_save = new_save(play_game(korea, 7, seats), seats)
    return [
        build_report(save, "facilitator", analysis, [whatif], cp),
        build_report(save, "blue", analysis, [whatif], cp),
        build_report(offers_save),
        build_report(offers_save, "b"),
        build_report(korea_save, "us"),
    ]


def test_both_formats_say_everything_the_model_says(tutorial: CompiledDeck, offers_save: SaveModel, decks: dict[str, CompiledDeck]) -> None:
    for data in _reports(tutorial, offers_save, decks["korea-2022"]):
        report = report_model(data)
        for fmt in ("markdown", "html"):
            out = render(report, fmt)
            esc = ESCAPE[fmt]
            for text in [(Run(report.title),), *report.facts, report.audience, report.summary]:
                for run in text:
                    assert esc(run.text) in out, (fmt, run)
            for block in report.body:
                for text in _texts(block, fmt):
                    for run in text:
                        assert esc(run.text) in out, (data.viewer, fmt, run)
            for section in _sections(report):
                if fmt == "markdown":
                    assert f"\n{'#' * section.level} " in out
                else:
                    assert f'id="{section.id}"' in out
            if fmt == "html":
                for figure in _figures(report.body):
                    for plot in figure.plots:
                        assert f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{plot.id}"' in out


def _sections(report: Report) -> Iterator[Section]:
    stack = list(report.body)
    while stack:
        block = stack.pop()
        if isinstance(block, Section):
            yield block
            stack.extend(block.blocks)


def _figures(blocks: tuple[Block, ...]) -> Iterator[Figure]:
    for block in blocks:
        if isinstance(block, Figure):
            yield block
        elif isinstance(block, Section):
            yield from _figures(block.blocks)


def test_section_ids_are_unique_anchors(tutorial: CompiledDeck, offers_save: SaveModel, decks: dict[str, CompiledDeck]) -> None:
    for data in _reports(tutorial, offers_save, decks["korea-2022"]):
        ids = [s.id for s in _sections(report_model(data))]
        assert len(ids) == len(set(ids))
        assert all(i.replace("-", "").isalnum() for i in ids)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("report.md", "markdown"), ("Report.MARKDOWN", "markdown"), ("a/b/report.html", "html"), ("report.HTM", "html"), ("report.md.html", "html")],
)
def test_the_file_name_picks_the_format(name: str, fmt: str) -> None:
    assert report_format(name) == fmt
    chosen = format_for(name)
    assert chosen is not None and chosen is FORMATS[fmt]


@pytest.mark.parametrize("name", ["report.txt", "report", "report.md.txt", "md"])
def test_a_name_that_picks_no_format_is_refused_in_one_line(name: str) -> None:
    with pytest.raises(WargameError) as info:
        report_format(name)
    message = str(info.value)
    assert message.startswith(f"{name}: a report is written as .md, .html or .slides.html") and "\n" not in message
    assert all(f.suffixes[0] in message for f in FORMATS.values())


def test_every_registered_format_renders_every_viewer(tutorial: CompiledDeck) -> None:
    game = play_game(tutorial, 2, {"red": "doctrine:bully", "blue": "doctrine:broker"})
    save = new_save(game, {"red": "human", "blue": "human"})
    for viewer in ["facilitator", "public", *tutorial.actors]:
        data = build_report(save, viewer)
        report = report_model(data)
        for fmt in FORMATS:
            out = render_report(data, fmt)
            assert out.endswith("\n") and not out.endswith("\n\n")
            assert ESCAPE[FORMATS[fmt].markup](report.title) in out
