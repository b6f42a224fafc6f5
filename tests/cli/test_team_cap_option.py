"""`wargame host --team-cap`: one number for every seat, SEAT=N for one, or both; a mistake
is one line and exit status 2, before anything is written to the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import DECKS
from wargame.cli import cli
from wargame.cli.params import TeamCaps, TeamCapsParam


@pytest.mark.parametrize(("text", "caps"), [
    ("4", TeamCaps(4, {})),
    ("us=3,china=5", TeamCaps(None, {"us": 3, "china": 5})),
    (" 4 , us = 3 ", TeamCaps(4, {"us": 3})),
])
def test_caps_read_from_the_command_line(text: str, caps: TeamCaps) -> None:
    assert TeamCapsParam().convert(text, None, None) == caps


@pytest.mark.parametrize(("text", "message"), [
    ("0", "--team-cap: 0 members is out of range (1 to 100)"),
    ("four", "--team-cap: 'four' is not a whole number; e.g. 4 (every seat), us=3,china=5, or 4,us=3"),
    ("4,5", "--team-cap: two caps for every seat (4 and 5); give one"),
    ("us=3,us=4", "--team-cap: 'us' is capped twice; give each seat one cap"),
    ("=3", "--team-cap: '=3' should be N or SEAT=N; e.g. 4 (every seat), us=3,china=5, or 4,us=3"),
    ("atlantis=3", "error: --team-cap: unknown seat 'atlantis' (seats: dprk, us, rok, china)"),
])
def test_a_bad_cap_is_one_line_and_nothing_is_hosted(tmp_path: Path, text: str, message: str) -> None:
    store = tmp_path / "s.sqlite3"
    result = CliRunner().invoke(cli, ["host", str(DECKS / "korea-2022.toml"), "--store", str(store), "--no-browser", "--team-cap", text])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].endswith(message), result.output


def test_a_port_in_use_is_one_line_and_creates_no_exercise(tmp_path: Path) -> None:
    # A host that cannot listen writes nothing: an exercise created then, its codes never
    # shown, would resume on the next try with no code for anyone.
    import socket

    from wargame.net.store import open_store

    store = tmp_path / "s.sqlite3"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["host", str(DECKS / "korea-2022.toml"), "--store", str(store), "--no-browser",
                                          "--port", str(port), "--exercise", "monday"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: --port {port}: cannot listen there"), result.output
    assert "monday" not in open_store(str(store)).exercise_ids()
