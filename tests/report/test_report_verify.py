"""A report of a save that does not verify says so at its top, in the words of the replay
viewer's banner (`Verification.problem`), so nobody reads replayed values as the record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.report.data import build_report
from wargame.report.export import export_report
from wargame.report.templates import md_escape, render_report
from wargame.saves.pin import hash_pin
from wargame.saves.store import new_save, read_save, verify, write_save

SEATS = {"red": "doctrine:bully", "blue": "doctrine:broker"}


@pytest.fixture
def saved(tmp_path: Path, tutorial: CompiledDeck) -> Path:
    path = tmp_path / "game.json"
    write_save(new_save(play_game(tutorial, 3, SEATS), SEATS, facilitator=True), path)
    return path


def edit(path: Path, change: object) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_save_that_verifies_has_no_warning(saved: Path) -> None:
    data = build_report(read_save(saved))
    assert data.warning == ""
    assert "does not verify" not in render_report(data, "markdown") and 'class="warning"' not in render_report(data, "html")


def test_an_edited_turn_is_reported_with_the_viewers_warning(saved: Path, tmp_path: Path) -> None:
    edit(saved, lambda d: d["history"][1].update(state_hash="0" * 32))
    save = read_save(saved)
    check = verify(save)
    assert not check.ok and check.first_bad_turn == 2
    data = build_report(save, "public")
    assert data.warning == f"This save does not verify: {check.problem('week')}"
    assert data.warning.startswith("This save does not verify: week 2 differs (turn 2: state_hash differs:")
    assert "from week 2 on it is not what the save records" in data.warning
    text = render_report(data, "markdown")
    assert text.splitlines()[2] == f"> **⚠ {md_escape(data.warning)}**"  # first thing under the title
    html = render_report(data, "html")
    assert '<p class="warning" role="alert">⚠ This save does not verify: week 2 differs' in html
    assert html.index('class="warning"') < html.index("<h2")
    out = export_report(saved, tmp_path / "report.md")
    assert out.read_text(encoding="utf-8").splitlines()[2].startswith("> **⚠ This save does not verify")


def test_a_save_whose_pin_was_deleted_is_reported_with_a_warning(saved: Path) -> None:
    write_save(read_save(saved).model_copy(update={"facilitator_pin": hash_pin("harbour7", log_n=10)}), saved)
    edit(saved, lambda d: d.update(facilitator_pin=None))
    data = build_report(read_save(saved))
    assert data.warning.startswith("This save does not verify: the seal does not match: the facilitator's PIN")


def test_the_opening_slide_leads_with_the_warning(saved: Path) -> None:
    from wargame.report.slides import slides_model

    edit(saved, lambda d: d["history"][1].update(state_hash="0" * 32))
    data = build_report(read_save(saved), "public")
    opening = slides_model(data).slides[0]
    assert opening.id == "opening"
    assert "".join(r.text for r in opening.warning) == data.warning != ""
    assert all(not s.warning for s in slides_model(data).slides[1:])  # said once, first
    page = render_report(data, "slides")
    first = page.index('<section class="slide')
    alert = page.index('<p class="warning" role="alert">⚠ This save does not verify: week 2 differs')
    assert first < alert < page.index("<h2", first)  # above the opening's title
    assert page.count('class="warning"') == 1


def test_a_verified_saves_slides_have_no_warning(saved: Path) -> None:
    from wargame.report.slides import slides_model

    data = build_report(read_save(saved))
    assert all(not s.warning for s in slides_model(data).slides)
    assert 'class="warning"' not in render_report(data, "slides")
