"""The debrief commands: analyse, whatif, branch and report. Good input does what it says;
bad input prints one line on stderr, exits 2 and never shows a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli_run import run
from wargame.analysis.cache import sidecar_path
from wargame.saves.store import read_save

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = str(ROOT / "decks" / "tutorial.toml")


def one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def save(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("debrief") / "game.json"
    result = run("autoplay", TUTORIAL, "--seed", "3", "--seats", "red=doctrine:bully,blue=doctrine:broker", "--save", str(path), "--quiet")
    assert result.exit_code == 0, result.output
    return path


def test_analyse_prints_the_odds_and_the_turning_points(save: Path) -> None:
    result = run("analyse", str(save), "--rollouts", "30", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "Ending odds before each turn" in result.stdout
    assert "Stalemate" in result.stdout and "end" in result.stdout
    assert sidecar_path(save).exists()
    as_json = json.loads(run("analyse", str(save), "--rollouts", "30", "--json").stdout)
    assert as_json["rollouts"] == 30 and len(as_json["odds"]) == len(read_save(save).history) + 1


def test_whatif_compares_the_actual_orders_with_alternatives(save: Path) -> None:
    result = run("whatif", str(save), "--turn", "2", "--seat", "red", "--orders", "patrol", "--orders", "none", "--games", "20", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "(actual)" in result.stdout and "Naval patrol" in result.stdout and "(no orders)" in result.stdout
    data = json.loads(run("whatif", str(save), "--turn", "2", "--seat", "red", "--all", "--games", "10", "--json").stdout)
    assert data["seat"] == "red" and len(data["choices"]) >= 3


def test_branch_writes_a_new_save_and_refuses_to_overwrite(save: Path, tmp_path: Path) -> None:
    before = save.read_bytes()
    child = tmp_path / "child.json"
    result = run("branch", str(save), "--turn", "3", "--save", str(child), "--seats", "red=human")
    assert result.exit_code == 0, result.output
    assert read_save(child).parent is not None
    one_line_error(run("branch", str(save), "--turn", "3", "--save", str(child)), "already exists (--force overwrites it)")
    assert run("branch", str(save), "--turn", "2", "--save", str(child), "--force").exit_code == 0
    assert save.read_bytes() == before


def test_report_writes_markdown_and_html(save: Path, tmp_path: Path) -> None:
    md = tmp_path / "r.md"
    assert run("report", str(save), "-o", str(md)).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# After-action report:")
    page = tmp_path / "r.html"
    assert run("report", str(save), "-o", str(page), "--seat", "blue").exit_code == 0
    assert "only what this seat knew" in page.read_text(encoding="utf-8")
    one_line_error(run("report", str(save), "-o", str(md)), "already exists")


def test_report_writes_slides_as_asked_or_as_named(save: Path, tmp_path: Path) -> None:
    for page, flag in ((tmp_path / "deck.html", ["--slides"]), (tmp_path / "deck.slides.html", [])):
        assert run("report", str(save), "-o", str(page), "--seat", "public", *flag).exit_code == 0
        text = page.read_text(encoding="utf-8")
        assert '<section class="slide' in text and 'id="turn-1"' in text and 'id="ending"' in text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["analyse", "{missing}"], "no such save file"),
        (["analyse", "{save}", "--stand-ins", "green=random"], "unknown actor 'green'"),
        (["analyse", "{save}", "--stand-ins", "red=human"], "must be a computer seat"),
        (["analyse", "{save}", "--stand-ins", "red"], "should look like ACTOR=SPEC"),
        (["whatif", "{save}", "--turn", "2", "--seat", "red"], "name other orders with --orders"),
        (["whatif", "{save}", "--turn", "2", "--seat", "green", "--orders", "patrol"], "unknown actor 'green'"),
        (["whatif", "{save}", "--turn", "0", "--seat", "red", "--orders", "patrol"], "no turn 0"),
        (["whatif", "{save}", "--turn", "2", "--seat", "red", "--orders", "nope"], "unknown move 'nope'"),
        (["whatif", "{save}", "--turn", "2", "--seat", "red", "--orders", ","], "name at least one move"),
        (["branch", "{save}", "--turn", "99", "--save", "{new}"], "cannot branch before turn 99"),
        (["branch", "{save}", "--turn", "2", "--save", "{save}"], "the save being branched"),
        (["branch", "{save}", "--turn", "2", "--save", "{new}", "--seats", "red=wizard"], "unknown seat kind"),
        (["report", "{save}", "-o", "{new}.txt"], "written as .md, .html or .slides.html"),
        (["report", "{save}", "-o", "{new}.md", "--slides"], "slides are written as .html"),
        (["report", "{save}", "-o", "{new}.md", "--seat", "green"], "unknown seat 'green'"),
        (["report", "{notsave}", "-o", "{new}.md"], "not a wargame save"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(save: Path, tmp_path: Path, args: list[str], fragment: str) -> None:
    notsave = tmp_path / "notes.json"
    notsave.write_text('{"hello": 1}', encoding="utf-8")
    values = {"save": str(save), "missing": str(tmp_path / "missing.json"), "new": str(tmp_path / "new"), "notsave": str(notsave)}
    one_line_error(run(*(a.format(**values) for a in args)), fragment)


@pytest.fixture(scope="module")
def offers_file(offers_save: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wargame.saves.store import write_save

    return write_save(offers_save, tmp_path_factory.mktemp("offers") / "offers.json")  # type: ignore[arg-type]


def test_whatif_answers_compares_each_way_of_answering(offers_file: Path) -> None:
    result = run("whatif", str(offers_file), "--turn", "6", "--seat", "b", "--answers", "--games", "10", "--no-progress")
    assert result.exit_code == 0, result.output
    # A long row wraps in its column (never cut): read it with its line breaks undone.
    rows = re.sub(r" {2,}\d+% \(.*\n {2}(?=\S)", " ", result.output)
    assert "Accept Alpha's offer (Offer talks to Bravo) (actual)" in rows
    assert "No answer to Alpha's offer (Offer talks to Bravo)" in rows and "Refuse Alpha's offer (Offer talks to Bravo)" in rows
    assert "…" not in result.output
    one_line_error(run("whatif", str(offers_file), "--turn", "1", "--seat", "b", "--answers", "--games", "10"), "--answers: no offer waits for Bravo's answer in turn 1")


def test_a_seat_report_of_an_offers_game_leaves_out_secret_offers(offers_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "bravo.md"
    assert run("report", str(offers_file), "-o", str(out), "--seat", "b").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "## Offers" in text and "| Turn 5 | Alpha | Bravo | Offer talks to Bravo | accepted in turn 6 | Tension −2 |" in text
    assert "Backchannel" not in text


def test_autoplay_from_a_branch_finishes_it_with_computers(tmp_path: Path) -> None:
    """A branch of a game two teams played, finished by `autoplay --from`: the computers' stand-ins
    play the teams' turns after the split (their reasons say so), the turns before keep the
    teams' own orders, and the save verifies and still names its parent."""
    from wargame.deck.loader import load_deck
    from wargame.engine.game import Game
    from wargame.observe.labels import STAND_IN_MARK
    from wargame.saves.store import new_save, verify, write_save

    game = Game(load_deck(TUTORIAL), 4)
    for _ in range(2):
        for actor in ("red", "blue"):
            game.submit(actor, [game.available_moves(actor)[0].id], ["our own choice"])
        game.resolve()
    parent = write_save(new_save(game, {"red": "human", "blue": "human"}), tmp_path / "teams.json")
    branch_path = tmp_path / "branch.json"
    assert run("branch", str(parent), "--turn", "2", "--save", str(branch_path)).exit_code == 0
    done = tmp_path / "done.json"
    result = run("autoplay", "--from", str(branch_path), "--save", str(done), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ending: ") and f"saved: {done}" in result.output
    save = read_save(done)
    assert save.ending is not None and verify(save).ok
    # Branched before week 2: week 1 is the teams', the rest their stand-ins'.
    assert save.parent is not None and save.parent.turn == 1 and save.seats == {"red": "human", "blue": "human"}
    assert save.history[0].reasons["red"] == ["our own choice"] and len(save.history) > 2
    assert all(r.startswith(STAND_IN_MARK) for t in save.history[1:] for r in t.reasons["red"])
    assert read_save(branch_path).ending is None  # the branch itself is left as it was
    one_line_error(run("autoplay", "--from", str(done)), "already over")
    # Refused before any copy is written to --save, so a second try is not told the file
    # "already exists".
    again = tmp_path / "again.json"
    one_line_error(run("autoplay", "--from", str(done), "--save", str(again)), "already over")
    assert not again.exists()
    # Nor is a file given with --force lost to a save that cannot be finished.
    again.write_text("keep me")
    one_line_error(run("autoplay", "--from", str(done), "--save", str(again), "--force"), "already over")
    assert again.read_text() == "keep me"
    one_line_error(run("autoplay", TUTORIAL, "--from", str(branch_path)), "give none of them")
    one_line_error(run("autoplay"), "name a DECK")
