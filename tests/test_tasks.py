"""`tasks.py`, the README's two commands: what each installs, and when it installs again.

`play` installs the game alone; `test` adds the test tools; a stamp in .venv says which
are there, for which pyproject.toml and Python, so neither installs twice.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tasks() -> ModuleType:
    sys.path.insert(0, str(ROOT))
    try:
        import tasks as module
    finally:
        sys.path.remove(str(ROOT))
    return module


ENV = {"pyproject": "abc", "python": "3.11"}


def stamp(extras: list[str], **changes: str) -> str:
    return json.dumps({**ENV, **changes, "extras": extras})


def test_play_installs_the_game_alone_and_test_adds_its_tools(tasks: ModuleType) -> None:
    assert tasks.EXTRAS["play"] == () and tasks.EXTRAS["wargame"] == ()
    assert tasks.EXTRAS["test"] == ("test",) and tasks.EXTRAS["bench"] == ("test", "bench")
    assert tasks.to_install(None, ENV, tasks.EXTRAS["play"]) == []  # a fresh .venv: the game only
    assert tasks.to_install(None, ENV, tasks.EXTRAS["test"]) == ["test"]


def test_test_after_play_installs_the_rest_and_play_after_test_nothing(tasks: ModuleType) -> None:
    assert tasks.to_install(stamp([]), ENV, ("test",)) == ["test"]
    assert tasks.to_install(stamp(["test"]), ENV, ()) is None
    assert tasks.to_install(stamp(["test"]), ENV, ("test",)) is None
    assert tasks.to_install(stamp([]), ENV, ()) is None


def test_a_new_pyproject_or_python_installs_again(tasks: ModuleType) -> None:
    assert tasks.to_install(stamp(["test"], pyproject="other"), ENV, ()) == []
    assert tasks.to_install(stamp(["test"], python="3.12"), ENV, ("test",)) == ["test"]
    # A stamp from before extras were recorded, or one that cannot be read: install again.
    for old in ("0123abcd (3, 11)", "", "[]", json.dumps(ENV)):
        assert tasks.to_install(old, ENV, ()) == []


def test_the_test_command_checks_the_code_first(tasks: ModuleType) -> None:
    names = [name for name, _ in tasks.CHECKS]
    assert names == ["ruff", "mypy --strict"]
    ruff = dict(tasks.CHECKS)["ruff"]
    assert ruff[:4] == ["-m", "ruff", "check", "--quiet"] and {"wargame", "tests", "benchmarks"} <= set(ruff)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "strict = true" in pyproject and '"ruff>=' in pyproject and '"mypy>=' in pyproject
