"""The headless commands of issue 2: validate, autoplay, simulate, replay.

Most checks run in-process with click's `CliRunner`; a few run `python -m wargame` in a
subprocess end to end. Bad input of any kind must print a message on stderr, exit 2
and never show a Python traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli_run import run
from wargame.saves.format import FORMAT_VERSION
from wargame.saves.store import read_save, verify

ROOT = Path(__file__).resolve().parents[2]
DECKS = ROOT / "decks"
BROKEN = ROOT / "tests" / "decks_broken"
TUTORIAL = str(DECKS / "tutorial.toml")


def fails_cleanly(result: Result, *fragments: str) -> None:
    """Exit 2, a message on stderr naming every fragment, nothing on stdout, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stderr.strip()
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.fixture
def save(tmp_path: Path) -> Path:
    path = tmp_path / "game.json"
    result = run("autoplay", TUTORIAL, "--seed", "7", "--save", str(path), "--quiet")
    assert result.exit_code == 0, result.output
    return path


# -- validate ---------------------------------------------------------------------------


def test_validate_valid_decks_prints_ok_and_exits_0() -> None:
    paths = sorted(str(p) for p in DECKS.glob("*.toml"))
    result = run("validate", *paths)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(paths)
    for path, line in zip(paths, lines, strict=True):
        assert line.startswith(f"{path}: ok (")


def test_validate_finds_decks_by_name() -> None:
    result = run("validate", "tutorial")
    assert result.exit_code == 0 and ": ok (2 actors, 9 moves" in result.stdout


def test_validate_reports_every_problem_of_every_file() -> None:
    paths = sorted(str(p) for p in BROKEN.glob("*.toml"))
    result = run("validate", *paths, TUTORIAL)
    assert result.exit_code == 2
    out = result.stdout.splitlines()
    # One line per expected problem (the expectations are in each file's first lines),
    # one line for the empty file, one `ok` for the valid deck at the end.
    expected = 0
    for path in paths:
        for line in Path(path).read_bytes().split(b"\n"):
            match = re.match(rb"# expect: (\d+|-) (\S+): ", line)
            if not match:
                break
            expected += 1
            where = match[2].decode()
            prefix = f"{path}:{match[1].decode()}: " if match[1] != b"-" else f"{path}: "
            prefix += f"{where}: " if where != "-" else ""
            assert any(o.startswith(prefix) for o in out), prefix
    assert len(out) == expected + 2
    assert out[-1].startswith(f"{TUTORIAL}: ok")


def test_validate_a_deck_with_three_problems_prints_three_lines() -> None:
    path = str(BROKEN / "three-problems.toml")
    result = run("validate", path)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"{path}:7: deck.turn: is not a known field (did you mean 'turns'?)",
        f"{path}:29: moves[0].category: must be one of 'diplomatic', 'information', 'economic' or 'military' (got 'naval')",
        f"{path}:37: moves[1].chance: must be between 0 and 1 (got 2)",
    ]


def test_validate_missing_files_and_folders(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.toml"), str(tmp_path))
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [f"{tmp_path / 'nope.toml'}: no such file", f"{tmp_path}: is a directory, not a deck file"]


def test_validate_needs_a_path() -> None:
    result = run("validate")
    assert result.exit_code == 2 and result.stderr.startswith("error: cli validate: missing argument 'PATHS...'")
    assert len(result.stderr.splitlines()) == 1  # one line, not click's Usage/Try/Error


# -- autoplay ---------------------------------------------------------------------------


def test_autoplay_saves_a_loadable_game(save: Path) -> None:
    model = read_save(save)
    assert model.deck_id == "tutorial" and model.seed == 7
    assert model.ending is not None and model.history
    assert model.seats == {"red": "random", "blue": "random"}
    assert verify(model).ok


def test_autoplay_prints_the_game_and_is_reproducible(tmp_path: Path) -> None:
    first = run("autoplay", "tutorial", "--seed", "3", "--save", str(tmp_path / "a.json"))
    again = run("autoplay", "tutorial", "--seed", "3", "--save", str(tmp_path / "b.json"))
    assert first.exit_code == again.exit_code == 0
    assert first.stdout.startswith("-- week 1\n")
    assert re.search(r"^ending: \w+ after \d turns; scores: red \d+, blue \d+; seed 3$", first.stdout, re.MULTILINE)
    assert first.stdout.replace("a.json", "b.json") == again.stdout
    hashes = [[t.state_hash for t in read_save(tmp_path / n).history] for n in ("a.json", "b.json")]
    assert hashes[0] == hashes[1]


def test_autoplay_with_turns_and_seats(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    result = run("autoplay", "tutorial", "--seed", "1", "--turns", "2", "--seats", "red=random", "--save", str(path), "--quiet")
    assert result.exit_code == 0
    model = read_save(path)
    assert model.turns == 2 and len(model.history) <= 2


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["autoplay", str(BROKEN / "unknown-actor.toml"), "--seed", "1"], ["unknown-actor.toml:31: moves[1].actor: unknown actor 'green'"]),
        (["autoplay", "no-such-deck", "--seed", "1"], ["no-such-deck: no such file"]),
        (["autoplay", "tutorial", "--seed", "1", "--seats", "green=random"], ["--seats: unknown actor 'green'"]),
        (["autoplay", "tutorial", "--seed", "1", "--seats", "red"], ["should look like ACTOR=SPEC"]),
        (["autoplay", "tutorial", "--seed", "1", "--seats", "red=human"], ["no human seats"]),
        (["autoplay", "tutorial", "--seed", "1", "--seats", "red=genius"], ["unknown seat kind 'genius'"]),
        (["autoplay", "tutorial", "--seed", "1", "--seats", "red=doctrine:nope"], ["no doctrine 'nope'"]),
        (["autoplay", "tutorial", "--seed", "one"], ["'one' is not a valid integer"]),
        (["autoplay", "tutorial", "--turns", "0"], ["0 is not in the range"]),
        (["simulate", str(BROKEN / "empty.toml")], ["empty.toml: file is empty"]),
        (["simulate", "tutorial", "--games", "0"], ["0 is not in the range"]),
        (["simulate", "tutorial", "--jobs", "0"], ["0 is not in the range"]),
        (["simulate", "tutorial", "--seats", "blue=doctrine:nope"], ["no doctrine 'nope'"]),
        (["replay", "no-such-save.json"], ["no-such-save.json: no such save file"]),
        (["nonsense"], ["no such command 'nonsense'"]),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_bad_input_is_a_message_and_exit_2(args: list[str], fragments: list[str]) -> None:
    fails_cleanly(run(*args), *fragments)


def test_autoplay_to_an_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    fails_cleanly(run("autoplay", "tutorial", "--seed", "1", "--save", str(blocker / "g.json"), "--quiet"), f"'{blocker}' is not a folder")


# -- simulate ---------------------------------------------------------------------------


def test_simulate_json_has_games_endings_and_scores() -> None:
    result = run("simulate", "tutorial", "--games", "60", "--seed", "5", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["games"] == 60
    assert set(data["endings"]) == {"clash", "deal", "stalemate"}
    assert sum(data["endings"].values()) == 60
    assert set(data["scores"]) == {"red", "blue"}
    assert all(isinstance(v, int | float) for v in data["scores"].values())


def test_simulate_same_seed_same_result_whatever_the_jobs() -> None:
    one = run("simulate", "tutorial", "--games", "40", "--seed", "9", "--json", "--jobs", "1")
    two = run("simulate", "tutorial", "--games", "40", "--seed", "9", "--json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0
    assert json.loads(one.stdout) == json.loads(two.stdout)
    other = run("simulate", "tutorial", "--games", "40", "--seed", "10", "--json")
    assert json.loads(other.stdout) != json.loads(one.stdout)


def test_simulate_text_and_csv(tmp_path: Path) -> None:
    csv = tmp_path / "summary.csv"
    result = run("simulate", "tutorial", "--games", "30", "--csv", str(csv))
    assert result.exit_code == 0
    assert "30 games" in result.stdout
    assert csv.read_text().strip()


# -- replay -----------------------------------------------------------------------------


def test_replay_verify_ok(save: Path) -> None:
    result = run("replay", str(save), "--verify")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{save}: ok: all ")


def test_replay_verify_names_the_turn_of_a_tampered_save(save: Path) -> None:
    data = json.loads(save.read_text())
    data["history"][0]["state_hash"] = "f" * 32
    save.write_text(json.dumps(data))
    result = run("replay", str(save), "--verify")
    assert result.exit_code != 0
    assert result.stderr.startswith(f"{save}: MISMATCH: turn 1: state_hash differs: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_replay_prints_the_game_as_a_seat_saw_it(tmp_path: Path) -> None:
    # Find a seed where Blue runs its secret operation undetected, so Red's replay must hide it.
    for seed in range(1, 200):
        path = tmp_path / f"g{seed}.json"
        run("autoplay", "tutorial", "--seed", str(seed), "--save", str(path), "--quiet")
        model = read_save(path)
        spy = [t for t in model.history if "spy-op" in t.orders["blue"]]
        if spy and not any(r.key == "spy-op" and r.kind == "detect" and r.success for r in spy[0].rolls):
            break
    else:
        pytest.fail("no seed with an undetected spy operation")
    control = run("replay", str(path))
    red = run("replay", str(path), "--seat", "red")
    assert control.exit_code == red.exit_code == 0
    assert "Blue ordered: Intelligence operation" in control.stdout
    assert "Blue's agents report" in control.stdout
    assert "Intelligence operation" not in red.stdout and "Blue's agents" not in red.stdout
    assert "Blue ordered" not in red.stdout
    assert red.stdout.count("-- week") == control.stdout.count("-- week") == len(model.history)


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (lambda raw: raw[: len(raw) // 3], "the save looks truncated"),
        (lambda raw: b"\x89PNG\r\n" + raw, "not a save"),
        (lambda raw: raw.replace(b'"format_version": ' + str(FORMAT_VERSION).encode(), b'"format_version": 99'), "format version 99"),
        (lambda raw: raw.replace(b'"seed": 7', b'"seed": "seven"'), "seed"),
        (lambda raw: raw.replace(b"Naval patrol", b"Naval patrols"), "does not match its sha256"),
        (lambda raw: b"", "the file is empty"),
    ],
    ids=["truncated", "corrupted", "future-version", "bad-field", "edited-deck", "empty"],
)
def test_replay_of_a_damaged_save_is_a_message_and_exit_2(save: Path, damage: object, fragment: str) -> None:
    raw = save.read_bytes()
    assert b'"format_version": ' + str(FORMAT_VERSION).encode() in raw
    save.write_bytes(damage(raw))  # type: ignore[operator]
    fails_cleanly(run("replay", str(save)), fragment)
    fails_cleanly(run("replay", str(save), "--verify"), fragment)


def test_replay_unknown_seat(save: Path) -> None:
    fails_cleanly(run("replay", str(save), "--seat", "green"), "--seat: unknown seat 'green'")


def test_a_save_replays_after_its_deck_file_changes(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(Path(TUTORIAL).read_text())
    path = tmp_path / "g.json"
    assert run("autoplay", str(deck), "--seed", "4", "--save", str(path), "--quiet").exit_code == 0
    deck.write_text("this is no longer a deck")
    assert run("replay", str(path), "--verify").exit_code == 0
    deck.unlink()
    assert run("replay", str(path), "--verify").exit_code == 0


# -- end to end, as a person runs it ----------------------------------------------------------


def wargame(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "wargame", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False)


def test_end_to_end_autoplay_then_verify(tmp_path: Path) -> None:
    played = wargame("autoplay", TUTORIAL, "--seed", "12", "--quiet", cwd=tmp_path)
    assert played.returncode == 0, played.stderr
    saved = Path(tmp_path / played.stdout.splitlines()[-1].removeprefix("saved: "))
    assert saved.parent == tmp_path / "saves"  # the default save folder, relative to where it runs
    checked = wargame("replay", str(saved), "--verify", cwd=tmp_path)
    assert checked.returncode == 0 and ": ok: all " in checked.stdout


def test_end_to_end_bad_input_has_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"format": "wargame-save", "format_version": 3}')
    for args, code in [
        (["validate", str(BROKEN / "dunder-injection.toml")], 2),
        (["replay", "bad.json"], 2),
        (["autoplay", str(BROKEN / "not-utf8.toml")], 2),
        (["simulate", "tutorial", "--games", "-5"], 2),
    ]:
        done = wargame(*args, cwd=tmp_path)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout
        assert (done.stderr + done.stdout).strip()


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("wargame, version ")
    helped = run("--help")
    for command in ("validate", "autoplay", "simulate", "replay", "play"):
        assert command in helped.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_files_are_refused_not_read_forever() -> None:
    checked = run("validate", "/dev/zero")
    assert checked.exit_code == 2
    # A device is refused before a byte is read: it is not a regular file.
    assert checked.stdout == "/dev/zero: not a regular file (a pipe, device or socket), so not a deck\n"
    fails_cleanly(run("replay", "/dev/zero"), "not a regular file")
