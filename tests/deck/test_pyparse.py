"""Every parse of deck text goes through the one lock (`wargame.deck.pyparse`): CPython
3.11 fails two threads parsing at once ("AST constructor recursion depth mismatch"), and
decks load on the UI thread and in workers alike."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

from wargame.deck import pyparse
from wargame.deck.loader import load_deck

WARGAME = Path(__file__).resolve().parents[2] / "wargame"


def test_no_module_parses_python_but_through_the_lock() -> None:
    callers = []
    for path in sorted(WARGAME.rglob("*.py")):
        if path.name == "pyparse.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "parse" and isinstance(node.value, ast.Name) and node.value.id == "ast":
                callers.append(f"{path.relative_to(WARGAME)}:{node.lineno}")
    assert callers == []


def test_the_parse_is_python_s() -> None:
    assert ast.dump(pyparse.parse("a + 1", "eval")) == ast.dump(ast.parse("a + 1", mode="eval"))
    assert ast.dump(pyparse.parse("x = 1", "exec")) == ast.dump(ast.parse("x = 1", mode="exec"))


def test_decks_load_in_threads_at_once() -> None:
    deck = Path(__file__).resolve().parents[2] / "decks" / "korea-2022.toml"
    errors: list[BaseException] = []

    def load() -> None:
        try:
            for _ in range(3):
                load_deck(deck)
        except BaseException as exc:  # noqa: BLE001 (any failure is the test's answer)
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_textual_parses_action_arguments_under_the_same_lock() -> None:
    # Textual's one parse (an action's arguments, on the UI thread) races a worker's deck
    # parse like any other: once the terminal UI is imported it takes our lock.
    import textual.actions

    import wargame.tui  # noqa: F401  (hands Textual the locked parse)

    assert textual.actions.ast.literal_eval is pyparse.literal_eval
    assert textual.actions.parse.__wrapped__("pick(1, 'a')") == ("", "pick", (1, "a"))
