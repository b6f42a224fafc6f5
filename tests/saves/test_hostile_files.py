"""Hostile files and faults (issue 8): a folder of saves can hold anything, writers get
killed, two games start at once; none of it may stop the app, lose a game or hang."""

from __future__ import annotations

import json
import os
import re
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.errors import SaveError
from wargame.saves import store
from wargame.saves.catalogue import (
    autosave_path,
    describe_save,
    latest_unfinished,
    list_saves,
    new_seed,
)
from wargame.saves.store import clean_temp_files, new_save, read_save, resume, write_save

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def header(**fields: Any) -> str:
    base: dict[str, Any] = {"format": "wargame-save", "format_version": 2, "title": "T", "deck_id": "tutorial", "turns": 6, "played": 0, "ending": None, "seats": {}, "facilitator": False}
    return json.dumps(base | fields)


def started(tutorial: CompiledDeck, folder: Path, name: str = "game.json") -> Path:
    game = Game(tutorial, 5)
    game.submit("red", ["patrol"])
    game.submit("blue", [])
    game.resolve()
    return write_save(new_save(game, {"red": "human", "blue": "random"}), folder / name)


HOSTILE: dict[str, Any] = {
    "infinite-number.json": lambda p: p.write_text(header(turns="X").replace('"X"', "1e999")),
    "huge-integer.json": lambda p: p.write_text(header(turns="X").replace('"X"', "9" * 5000)),
    "deep.json": lambda p: p.write_text('{"format": "wargame-save", "title": ' + "[" * 200_000 + "]" * 200_000 + "}"),
    "binary.json": lambda p: p.write_bytes(bytes(range(256)) * 400),
    "not-an-object.json": lambda p: p.write_text("[1, 2, 3]"),
    "empty.json": lambda p: p.write_text(""),
    "truncated.json": lambda p: p.write_text(header()[:50]),
    "nan.json": lambda p: p.write_text(header(turns="X").replace('"X"', "NaN")),
    "wrong-types.json": lambda p: p.write_text(header(played="three", seats=[1, 2])),
    "fifo.json": lambda p: os.mkfifo(p),
    "dangling-link.json": lambda p: p.symlink_to(p.parent / "nowhere"),
}


def test_the_catalogue_lists_every_hostile_file_as_unreadable(tutorial: CompiledDeck, tmp_path: Path) -> None:
    good = started(tutorial, tmp_path)
    for name, make in HOSTILE.items():
        make(tmp_path / name)
    # A 1 GB file (sparse: it costs no disk) whose header never ends.
    with (tmp_path / "huge.json").open("wb") as fh:
        fh.write(b'{"format": "wargame-save", "format_version": 2, "title": "')
        fh.truncate(1 << 30)
    saves = list_saves(tmp_path)
    assert saves[0].path == good and saves[0].readable and saves[0].turn == 2
    bad = {s.path.name: s.problem for s in saves[1:]}
    assert set(bad) == set(HOSTILE) | {"huge.json"}
    assert all(problem and len(problem) <= 120 for problem in bad.values()), bad
    assert bad["fifo.json"] == "not a regular file (a pipe, device or socket)"
    assert "1e999" in bad["infinite-number.json"] and "5,000 digits" in bad["huge-integer.json"]
    assert bad["deep.json"] == "nested too deeply"
    latest = latest_unfinished(tmp_path)
    assert latest is not None and latest.path == good


def test_describe_save_never_raises_and_reads_only_a_header(tmp_path: Path) -> None:
    path = tmp_path / "long.json"
    # A readable header followed by 20 MB: only the start is read.
    path.write_text(header(title="x" * 300, played=3, ending="deal", seats={"red": "human\x1b[2J"})[:-1] + ', "deck_source": "' + "y" * 20_000_000 + '"}')
    summary = describe_save(path)
    assert summary.readable and summary.turn == 3 and summary.ending == "deal"
    assert len(summary.title) == 120 and summary.title.endswith("…")
    assert summary.seats == {"red": "human\\x1b[2J"}  # the escape is shown, not sent


def test_a_huge_title_is_listed_as_unreadable_quickly(tmp_path: Path) -> None:
    path = tmp_path / "title.json"
    path.write_text(header(title="\x1b]0;owned\x07" + "T" * 5_000_000))
    summary = describe_save(path)
    assert not summary.readable and "64 KiB" in (summary.problem or "")


def test_a_format_1_save_is_described_from_the_whole_file() -> None:
    summary = describe_save(FIXTURES / "v1-tutorial-finished.json")
    assert (summary.readable, summary.turn, summary.turns, summary.ending) == (True, 4, 6, "clash")


def test_a_save_header_comes_first_in_the_file(tutorial: CompiledDeck, tmp_path: Path) -> None:
    raw = started(tutorial, tmp_path).read_bytes()
    assert raw.index(b'"facilitator"') < raw.index(b'"deck_source"') < raw.index(b'"history"')
    assert raw.index(b'"played": 1') < 1024 and raw.index(b'"ending": null') < 1024


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (header(turns="X").replace('"X"', "9" * 5000), "5,000 digits"),
        (header(turns="X").replace('"X"', "1e999"), "1e999 is too large"),
        (header(turns="X").replace('"X"', "-Infinity"), "-Infinity is not a number"),
        ('{"format": "wargame-save", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ],
    ids=["huge-integer", "1e999", "infinity", "deep"],
)
def test_read_save_turns_every_json_oddity_into_a_save_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(SaveError, match=message):
        read_save(path)


def test_a_fifo_given_as_a_save_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    outcome: list[str] = []

    def attempt() -> None:
        try:
            read_save(fifo)
        except SaveError as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "read_save hung on a FIFO"
    assert outcome == [f"{fifo}: not a regular file (a pipe, device or socket), so not a save"]


# -- limits inside a save --------------------------------------------------------------------


def edited(path: Path, change: Any) -> Path:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


def test_the_deck_copy_inside_a_save_has_the_deck_size_limit(tutorial: CompiledDeck, tmp_path: Path) -> None:
    import hashlib

    def grow(d: dict[str, Any]) -> None:
        d["deck_source"] += "#" * 2_000_001
        d["deck_sha256"] = hashlib.sha256(d["deck_source"].encode()).hexdigest()

    with pytest.raises(SaveError, match="deck_source"):
        read_save(edited(started(tutorial, tmp_path), grow))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["history"][0].update(injects=[{"text": "x"}] * 51), "history.0.injects"),
        (lambda d: d["history"][0].update(injects=[{"text": "x", "effects": ["tension += 1"] * 51}]), "history.0.injects.0.effects"),
        (lambda d: d.update(pending_injects=[{"text": "x"}] * 51), "pending_injects"),
        (lambda d: d["history"][0].update(news=[{"text": "x", "kind": "move"}] * 10_001), "history.0.news"),
        (lambda d: d["history"][0].update(reasons={"red": ["r"] * 51}), "history.0.reasons.red"),
        (lambda d: d.update(pending={"red": ["patrol"] * 11}), "pending.red"),
        (lambda d: d.update(title="t" * 201), "title"),
        (lambda d: d["history"][0].update(orders={"x" * 10_000_000: []}), "history.0.orders"),
    ],
    ids=["injects", "inject-effects", "pending-injects", "news", "reasons", "orders", "title", "10MB-id"],
)
def test_lists_and_texts_inside_a_save_are_limited(tutorial: CompiledDeck, tmp_path: Path, change: Any, where: str) -> None:
    path = edited(started(tutorial, tmp_path), change)
    with pytest.raises(SaveError) as caught:
        read_save(path)
    message = str(caught.value)
    assert f": {where}" in message and len(message) < 400


def test_a_seed_may_be_huge_but_not_beyond_json_numbers(tutorial: CompiledDeck, tmp_path: Path) -> None:
    path = write_save(new_save(Game(tutorial, 2**200), {}), tmp_path / "big-seed.json")
    assert read_save(path).seed == 2**200


# -- computers' reasons survive Continue (item 8) ---------------------------------------------


def test_pending_orders_keep_their_reasons_across_a_resume(tutorial: CompiledDeck, tmp_path: Path) -> None:
    game = Game(tutorial, 5)
    game.submit("blue", ["sanctions"], ["Sanctions: Red is isolated", "talks would look weak"])
    path = write_save(new_save(game, {"red": "human", "blue": "doctrine:broker"}), tmp_path / "mid-turn.json")
    assert json.loads(path.read_text())["pending_reasons"] == {"blue": ["Sanctions: Red is isolated", "talks would look weak"]}
    again = resume(read_save(path))
    assert again.orders == {"blue": ("sanctions",)}
    assert again.reasons == {"blue": ("Sanctions: Red is isolated", "talks would look weak")}
    again.submit("red", [])
    assert again.resolve().reasons["blue"] == ("Sanctions: Red is isolated", "talks would look weak")


# -- writing: names, modes, temporary files, races ---------------------------------------------


def test_a_legal_255_byte_save_name_works(tutorial: CompiledDeck, tmp_path: Path) -> None:
    name = "s" * 250 + ".json"
    assert len(name.encode()) == 255
    path = started(tutorial, tmp_path, name)
    assert read_save(path).played == 1


def test_a_rewritten_save_keeps_its_file_mode(tutorial: CompiledDeck, tmp_path: Path) -> None:
    path = started(tutorial, tmp_path)
    os.chmod(path, 0o640)
    write_save(read_save(path), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    fresh = started(tutorial, tmp_path, "fresh.json")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0o600


def dead_pid() -> int:
    pid = os.getpid() + 100_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid += 1


def test_temporary_files_of_killed_writers_are_cleaned_on_the_next_write(tutorial: CompiledDeck, tmp_path: Path) -> None:
    hour_ago = time.time() - 3_700
    two_minutes_ago = time.time() - 120
    dead_old = tmp_path / f".{dead_pid()}-0123abcd.tmp"
    dead_new = tmp_path / f".{dead_pid()}-89abcdef.tmp"
    live = tmp_path / f".{os.getpid()}-00000000.tmp"  # a concurrent writer: never touched
    live_ancient = tmp_path / f".{os.getpid()}-11111111.tmp"
    old_style = tmp_path / ".game.json.k3j4h5g6.tmp"  # format-1 wargame's temporary names
    unrelated = tmp_path / ".notes.tmp"
    for p in (dead_old, dead_new, live, live_ancient, old_style, unrelated):
        p.write_text("{")
    os.utime(dead_old, (two_minutes_ago, two_minutes_ago))
    os.utime(live, (two_minutes_ago, two_minutes_ago))
    os.utime(live_ancient, (hour_ago, hour_ago))
    os.utime(old_style, (hour_ago, hour_ago))
    os.utime(unrelated, (hour_ago, hour_ago))
    started(tutorial, tmp_path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([dead_new.name, live.name, unrelated.name, "game.json"])


def test_clean_temp_files_takes_an_injected_clock(tmp_path: Path) -> None:
    tmp = tmp_path / f".{dead_pid()}-0123abcd.tmp"
    tmp.write_text("")
    now = tmp.stat().st_mtime
    assert clean_temp_files(tmp_path, now=now + 30) == []
    assert clean_temp_files(tmp_path, now=now + 61) == [tmp]


def test_a_failed_write_leaves_no_temporary_file(tutorial: CompiledDeck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save = read_save(started(tutorial, tmp_path))

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "fsync", full)
    with pytest.raises(SaveError, match="No space left on device"):
        write_save(save, tmp_path / "game.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["game.json"]


def test_autosave_names_hold_no_seed_and_are_created_exclusively(tmp_path: Path) -> None:
    import datetime as dt

    now = dt.datetime(2026, 12, 2, 9, 30, 0)
    paths: list[Path] = []
    barrier = threading.Barrier(16)

    def start() -> None:
        barrier.wait()
        paths.append(autosave_path(tmp_path / "saves", "korea-2022", now))

    threads = [threading.Thread(target=start) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(paths)) == 16
    assert all(p.exists() and p.parent == tmp_path / "saves" for p in paths)
    assert sorted(p.name for p in paths)[:2] == ["korea-2022-20261202-093000-10.json", "korea-2022-20261202-093000-11.json"]
    assert "korea-2022-20261202-093000.json" in {p.name for p in paths}


def test_two_sessions_started_at_once_with_one_seed_get_two_files(tutorial: CompiledDeck, tmp_path: Path) -> None:
    from wargame.play.control import Session

    a = Session.new(tutorial, {"red": "human", "blue": "random"}, seed=77, save_dir=tmp_path)
    b = Session.new(tutorial, {"red": "human", "blue": "random"}, seed=77, save_dir=tmp_path)
    assert a.save_path != b.save_path
    assert a.save_path is not None and b.save_path is not None
    for path in (a.save_path, b.save_path):
        assert re.fullmatch(r"tutorial-\d{8}-\d{6}(-\d+)?\.json", path.name), path.name  # no seed
        assert read_save(path).seed == 77


def test_new_seeds_are_63_bit_and_random() -> None:
    seeds = {new_seed() for _ in range(64)}
    assert len(seeds) == 64 and all(1 <= s < 2**63 for s in seeds)
    assert max(seeds) > 2**40  # the old seeds never passed 1,000,000


def test_computers_reasons_survive_continue(tutorial: CompiledDeck, tmp_path: Path) -> None:
    # Item 8: a computer seat decides, the app dies before the turn resolves, Continue.
    from wargame.play.control import Session

    session = Session.new(tutorial, {"red": "human", "blue": "doctrine:broker"}, seed=8, save_dir=tmp_path)
    decided = session.run_bots()
    reasons = tuple(decided["blue"].reasons)
    assert reasons  # the doctrine bot says why
    assert session.save_path is not None
    again = Session.resume(session.save_path)
    assert again.game.orders == {"blue": tuple(decided["blue"].orders)}
    assert again.game.reasons["blue"] == reasons
    again.game.submit("red", [])
    assert again.resolve().reasons["blue"] == reasons


def test_menus_say_the_decks_own_word_for_a_turn(tmp_path: Path) -> None:
    """The start screen's Continue and the Load list read "month 3 of 12", as the game does."""
    from wargame.deck.loader import load_deck
    from wargame.engine.game import Game
    from wargame.saves.catalogue import describe_save
    from wargame.saves.store import new_save, write_save

    deck = load_deck(Path(__file__).resolve().parents[2] / "decks" / "korea-2022.toml")
    game = Game(deck, 3)
    for _ in range(2):
        for actor in deck.actors:
            game.submit(actor, [])
        game.resolve()
    path = write_save(new_save(game, {}), tmp_path / "k.json")
    summary = describe_save(path)
    assert summary.problem is None and summary.progress == "month 3 of 12"
