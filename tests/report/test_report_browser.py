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
from wargame.report.data import ReportData, build_report
from wargame.report.templates import render_report, script_hash
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
def korea_report(decks: dict[str, CompiledDeck]) -> ReportData:
    save = seeded_save(decks["korea-2022"], seed=7, seats={"dprk": "doctrine:hardliner", "us": "doctrine:pressure-first", "rok": "doctrine:hawkish", "china": "doctrine:status-quo"})
    cp = Checkpoints(save)
    analysis = analyse(save, rollouts=20, seed=1, checkpoints=cp)
    return build_report(save, "facilitator", analysis, (), cp)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory, korea_report: ReportData) -> Path:
    path = tmp_path_factory.mktemp("report") / "korea.html"
    path.write_text(render_report(korea_report, "html"), encoding="utf-8")
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


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_slides_fit_a_projector_with_nothing_cut_off(korea_report: ReportData, size: tuple[int, int], tmp_path: Path) -> None:
    """Every slide of a korea-2022 debrief (the facilitator's, with the odds chart) shows
    whole on a 16:9 projector: no element beyond the screen or clipped by its slide; the
    arrow keys step through them; the page loads nothing and runs only its own script."""
    path = tmp_path / "korea.slides.html"
    page_text = render_report(korea_report, "slides")
    path.write_text(page_text, encoding="utf-8")
    # The one script runs by its hash in the page's policy: no other script could.
    [script] = re.findall(r'<script id="slide-keys">(.*?)</script>', page_text, flags=re.DOTALL)
    assert f"script-src '{script_hash(script)}'" in page_text
    width, height = size
    requests: list[str] = []
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            slides = page.locator("section.slide")
            count = slides.count()
            assert count >= 14  # the opening, 12 months, the ending
            seen = []
            for i in range(count):
                shown = page.evaluate(OVERFLOW)
                assert shown["cut"] == [], (shown["id"], shown["cut"])
                assert shown["size"] >= 60, shown  # still large type
                seen.append(shown["id"])
                if shown["id"] in {"opening", "turn-1", "ending"}:
                    page.screenshot(path=str(tmp_path / f"{shown['id']}.png"))
                page.keyboard.press("ArrowRight")
            assert seen[:2] == ["opening", "turn-1"] and len(set(seen)) == count
            page.keyboard.press("Home")
            assert page.evaluate("document.querySelector('section.slide.current').id") == "opening"
            assert page.locator("#turn-1 svg.chart .mark").count() == 1  # the turn marked on its chart
        finally:
            browser.close()
    assert requests == [path.as_uri()]
    assert errors == []
    assert all((tmp_path / f"{name}.png").stat().st_size > 10_000 for name in ("opening", "turn-1", "ending"))


OVERFLOW = """() => {
  const slide = document.querySelector('section.slide.current');
  const fit = slide.querySelector('.fit');
  const box = fit.getBoundingClientRect();
  const cut = [];
  if (fit.scrollHeight > fit.clientHeight + 1 || fit.scrollWidth > fit.clientWidth + 1) cut.push('the slide scrolls');
  for (const el of slide.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const outside = r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5 || r.left < -0.5 || r.top < -0.5;
    const clipped = fit.contains(el) && (r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5);
    if (outside || clipped) cut.push(el.tagName + '.' + el.getAttribute('class') + ': ' + (el.textContent || '').slice(0, 40));
  }
  return {id: slide.id, cut: cut, size: parseFloat(fit.style.fontSize || '100')};
}"""

