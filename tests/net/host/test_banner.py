"""What `wargame host` prints, often on a projected screen: never the game's seed (anyone who
saw it would know every roll); after a restart the real addresses and how to get codes
again, never a placeholder; and the store named by WARGAME_STORE, as the `store` commands do."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from hostproc import HostProcess

from wargame.net.store import open_store


def test_the_banner_never_shows_the_seed_and_a_restart_prints_real_addresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("WARGAME_STORE", str(store))
    args = ["tutorial", "--seats", "blue=random", "--port", "0", "--exercise", "ex", "--seed", "424242"]
    host = HostProcess(args, tmp_path)
    try:
        first = host.banner
        assert "424242" not in first
        assert not re.search(r"\bseed\b", first, re.IGNORECASE), first
        assert set(host.codes) == {"Red", "Facilitator"} and host.projector_code
    finally:
        host.stop()
    # WARGAME_STORE chose the store (no --store on the command line).
    with open_store(store) as kept:
        assert kept.exercise_ids() == ["ex"]
    assert not (tmp_path / "saves" / "exercises.sqlite3").exists()

    host.start()  # the same command again: it resumes
    try:
        again = host.banner
        assert "Resuming exercise ex" in again
        assert "424242" not in again and "PROJECTOR-CODE" not in again
        assert f"{host.url}/projector" in again and "wargame join http://" in again
        assert "--new-codes" in again and "Issue new code" in again
        assert host.codes == {}, "codes are kept only as hashes: a restart cannot print them"
    finally:
        host.stop()


def test_the_agent_line_works_from_any_folder(tmp_path: Path) -> None:
    # The host runs in a folder without examples/; the line a facilitator copies must still work.
    host = HostProcess(["tutorial", "--seats", "blue=random", "--port", "0"], tmp_path)
    try:
        line = next(x for x in host.banner.splitlines() if "Agents over HTTP:" in x)
    finally:
        host.stop()
    words = shlex.split(line.split(":", 1)[1])
    assert words[0] == "python3" and words[2:] == ["--host", host.url, "--code", "CODE"], line
    agent = Path(words[1])
    assert agent.is_absolute() and agent.is_file() and agent.name == "agent.py", line
