"""Python's parser, one thread at a time.

Deck expressions are parsed with `ast.parse` (`wargame.deck.expr`, `wargame.deck.targets`),
and decks are loaded on the UI thread and in workers alike (the replay viewer opens a save
in one). CPython 3.11 keeps the depth count it checks while building a parsed tree in state
that every thread shares, so two threads parsing at once can fail with "SystemError: AST
constructor recursion depth mismatch" (python/cpython#106905): a deck that loads alone
would fail to load. Every parse of ours goes through this lock, and so does the one
Textual makes on the UI thread (an action's arguments, `ast.literal_eval`): `wargame.tui`
hands Textual `literal_eval` below.
"""

from __future__ import annotations

import ast
import threading
from typing import Literal

_LOCK = threading.Lock()


def parse(text: str, mode: Literal["eval", "exec"]) -> ast.AST:
    """`ast.parse(text, mode=mode)`, never at the same time as another thread's."""
    with _LOCK:
        return ast.parse(text, mode=mode)


def literal_eval(text: str) -> object:
    """`ast.literal_eval(text)`, never at the same time as another thread's parse."""
    with _LOCK:
        return ast.literal_eval(text)
