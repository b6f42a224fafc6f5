"""Deck lint: silent mistakes a valid deck can still hold, found without playing it.

Every check reasons over the deck's expressions in their intermediate form: an abstract
interpretation over intervals (each track's reachable range, which flags can change,
which moves and events can ever happen), grown to a fixed point from the start state. A
claim such as "this move can never be ordered" therefore holds for every game, seeded or
not. Pure: no I/O, no engine; `wargame.analysis.playtest` adds what only playing shows.

The package: `interpreter` (intervals), `readwrite` (where expressions are, what effects
write and expressions read), `reachability` (the fixed point), `context` (what a check
gets, and warnings), `checks` and `ordering` (the checks), `registry` (running them).
"""

from __future__ import annotations

from wargame.deck.lint.codes import CODES
from wargame.deck.lint.context import Context, LintWarning
from wargame.deck.lint.interpreter import AV, TOP, Interpreter, Reach
from wargame.deck.lint.reachability import reachable
from wargame.deck.lint.readwrite import Site, Write, expression_sites, reads, writes
from wargame.deck.lint.registry import CHECKS, Check, allowed, lint_deck

__all__ = [
    "AV",
    "CHECKS",
    "CODES",
    "TOP",
    "Check",
    "Context",
    "Interpreter",
    "LintWarning",
    "Reach",
    "Site",
    "Write",
    "allowed",
    "expression_sites",
    "lint_deck",
    "reachable",
    "reads",
    "writes",
]
