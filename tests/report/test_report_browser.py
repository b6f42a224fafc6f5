"""The HTML report opened in a real headless Chromium: its charts render, and opening it
makes no network request (the file is self-contained).

Needs Debian's `chromium` (installed by `.ci/run` where apt is available) and the
`playwright` package (test extras); skipped, saying why, only where either is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_helpers import seeded_save

from tests.conftest import NO_CHROMIUM, find_chromium
from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import analyse
from wargame.deck.compile import CompiledDeck
from wargame.report.data import build_report
from wargame.report.templates import render_report
from wargame.saves.format import SaveModel

CHROMIUM = find_chromium()
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install -e .[test])")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory, decks: dict[str, CompiledDeck]) -> Path:
    save = seeded_save(decks["korea-2022"], seed=7, seats={"dprk": "doctrine:hardliner", "us": "doctrine:pressure-first", "rok": "doctrine:hawkish", "china": "doctrine:status-quo"})
    cp = Checkpoints(save)
    analysis = analyse(save, rollouts=20, seed=1, checkpoints=cp)
    path = tmp_path_factory.mktemp("report") / "korea.html"
    path.write_text(render_report(build_report(save, "facilitator", analysis, (), cp), "html"), encoding="utf-8")
    return path


def test_the_html_report_renders_its_charts_with_no_network(report_file: Path, tmp_path: Path) -> None:
    requests: list[str] = []
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(report_file.as_uri())
            page.wait_for_load_state("load")
            charts = page.locator("svg.chart")
            count = charts.count()
            # The odds chart, every track group, and escalation.
            assert count >= 5
            assert page.locator("#chart-odds").count() == 1 and page.locator("#chart-escalation").count() == 1
            for i in range(count):
                chart = charts.nth(i)
                box = chart.bounding_box()
                assert box is not None and box["width"] > 300 and box["height"] > 100
                assert chart.locator("polyline").count() >= 1
                line = chart.locator("polyline").first.bounding_box()
                assert line is not None and line["width"] > 50  # drawn across the turns
            assert page.locator("h2", has_text="Turning points").count() == 1
            assert page.title().startswith("After-action report:")
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert requests == [report_file.as_uri()]
    assert errors == []
    # Nothing in the file even points outside it (the page's CSP would also block it).
    text = report_file.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text, flags=re.IGNORECASE)
    assert "@import" not in text and "url(" not in text
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_the_offers_section_renders_in_a_browser(offers_save: SaveModel, tmp_path: Path) -> None:
    # Bravo's report: the public offers with their fates, no secret one, no network.
    path = tmp_path / "offers.html"
    path.write_text(render_report(build_report(offers_save, "b"), "html"), encoding="utf-8")
    requests: list[str] = []
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            assert page.locator("h2#offers").is_visible()
            rows = page.locator("tr.offer")
            assert rows.count() == 3
            cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(3)]
            assert cells[0] == ["Turn 1", "Alpha", "Charlie", "Offer talks to Charlie", "refused in turn 2", "Tension +1"]
            assert cells[1][4] == "expired unanswered at the end of turn 4" and cells[1][5] == "Alpha's standing −1"
            assert cells[2][4] == "accepted in turn 6"
            box = page.locator("h2#offers + p + table").bounding_box()
            assert box is not None and box["width"] > 300
            assert "Backchannel" not in page.content()
        finally:
            browser.close()
    assert requests == [path.as_uri()]
    assert errors == []
