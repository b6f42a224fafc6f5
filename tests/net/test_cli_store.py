"""`wargame store list|export`: what a facilitator runs after class (and during it: which
host holds which exercise), on both backends.

An exported exercise must be an ordinary save that `wargame replay --verify` accepts; bad
input (an unknown exercise, a missing store, a wrong password) is one line and exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.cli_run import run
from wargame.cli import cli
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.net.store import Holder, hash_code, open_store
from wargame.saves.store import new_save, read_save

ROOT = Path(__file__).resolve().parents[2]


def fails_cleanly(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    for fragment in fragments:
        assert fragment in result.stderr
    assert result.stdout == ""


@pytest.fixture
def filled(store_url: str) -> str:
    """A store holding one finished-turn-2 exercise of the tutorial deck."""
    deck = load_deck(ROOT / "decks" / "tutorial.toml")
    game = Game(deck, 3)
    for _ in range(2):
        for actor in deck.actors:
            game.submit(actor, [])
        game.resolve()
    with open_store(store_url) as s:
        s.create_exercise("class-7", new_save(game, {}).model_dump_json(), {"red": hash_code("r1")})
    return store_url


def test_list_shows_each_exercise(filled: str) -> None:
    result = run("store", "list", "--store", filled)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("class-7  turn 3  revision 1  updated ")


def test_list_names_the_host_holding_an_exercise(filled: str) -> None:
    with open_store(filled) as s:
        lease = s.acquire_lease("class-7", Holder("laptop-7", 4242, dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)), ttl=3600)
        held = run("store", "list", "--store", filled)
        assert held.stdout.rstrip().endswith("hosted by the host on laptop-7 (pid 4242, started 2030-01-01 09:00:00 UTC)")
        s.release_lease(lease)
    assert "hosted by" not in run("store", "list", "--store", filled).stdout


def test_list_takes_the_store_from_the_environment(filled: str) -> None:
    result = CliRunner(env={"WARGAME_STORE": filled}).invoke(cli, ["store", "list"])
    assert result.exit_code == 0 and "class-7" in result.stdout


def test_export_then_verify(filled: str, tmp_path: Path) -> None:
    out = tmp_path / "class-7.json"
    result = run("store", "export", "class-7", str(out), "--store", filled)
    assert result.exit_code == 0, result.output
    assert f"exported class-7 to {out}" in result.stdout
    assert len(read_save(out).history) == 2
    verified = run("replay", str(out), "--verify")
    assert verified.exit_code == 0, verified.output
    again = run("store", "export", "class-7", str(out), "--store", filled)
    fails_cleanly(again, f"{out}: already exists (--force overwrites it)")  # the words of every output
    nowhere = tmp_path / "nowhere" / "x.json"
    fails_cleanly(run("store", "export", "class-7", str(nowhere), "--store", filled), f"{nowhere}: no such folder '{nowhere.parent}'")
    assert not nowhere.parent.exists()  # a folder named is never made (saves/, the default, is)
    out.write_text("{}")
    assert run("store", "export", "class-7", str(out), "--store", filled, "--force").exit_code == 0
    assert json.loads(out.read_text())["format"] == "wargame-save"


def test_export_defaults_to_the_saves_folder(filled: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("store", "export", "class-7", "--store", filled).exit_code == 0
    assert read_save(tmp_path / "saves" / "class-7.json").deck_id


def test_export_an_unknown_exercise(filled: str, tmp_path: Path) -> None:
    fails_cleanly(run("store", "export", "nope", str(tmp_path / "x.json"), "--store", filled), "no exercise 'nope'")
    assert not (tmp_path / "x.json").exists()


def test_a_missing_store_is_not_created(tmp_path: Path) -> None:
    fails_cleanly(run("store", "list", "--store", str(tmp_path / "none.sqlite3")), "no such store file")
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_wrong_password_is_one_line_without_it(pg_url: str, pg_cluster: object) -> None:
    password = pg_cluster.password  # type: ignore[attr-defined]
    bad = pg_url.replace(password, "not-the-password")
    result = run("store", "list", "--store", bad)
    fails_cleanly(result, "refused the login")
    assert "not-the-password" not in result.stderr and password not in result.stderr


def test_an_empty_postgresql_database_is_not_a_store(pg_url: str) -> None:
    fails_cleanly(run("store", "list", "--store", pg_url), "no wargame store in this database yet")
