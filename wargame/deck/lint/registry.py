"""Running lint: every check in order, warnings said once, sorted by line, acknowledged ones dropped.

`CHECKS` is the list `wargame deck lint` runs; a check added to the package is added here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wargame.deck.compile import CompiledDeck
from wargame.deck.expr import suggest
from wargame.deck.lint.checks import (
    check_actors,
    check_channels,
    check_coach,
    check_effects,
    check_endings_and_objectives,
    check_events,
    check_moves,
    check_names,
    check_offers,
    check_secrecy,
    check_secret_effects,
    check_since,
    check_templates,
    check_tracks_and_flags,
    check_unattributed,
)
from wargame.deck.lint.codes import CODES
from wargame.deck.lint.context import Context, LintWarning, with_targets
from wargame.deck.lint.ordering import check_event_order
from wargame.deck.lint.reachability import reachable
from wargame.deck.lint.readwrite import writes
from wargame.deck.locate import LineIndex

Check = Callable[[Context], None]

CHECKS: list[Check] = [
    check_actors,
    check_moves,
    check_events,
    check_endings_and_objectives,
    check_channels,
    check_tracks_and_flags,
    check_effects,
    check_since,
    check_event_order,
    check_templates,
    check_secret_effects,
    check_unattributed,
    check_offers,
    check_secrecy,
    check_coach,
    check_names,
]
"""Every static check. A check takes the `Context` and calls `Context.warn`; warnings
are listed by line whatever the order here."""


def lint_deck(deck: CompiledDeck, checks: list[Check] | None = None) -> list[LintWarning]:
    """Every warning for a loaded deck, sorted by line. Deterministic; no I/O."""
    c = Context(deck, LineIndex(deck.source), reachable(deck), writes(deck))
    for check in checks if checks is not None else CHECKS:
        check(c)
    with_targets(c)
    seen: set[tuple[str, str, str]] = set()
    out: list[LintWarning] = []
    for w in c.out:
        key = (w.code, w.where, w.message)
        if key not in seen:
            seen.add(key)
            out.append(w)
    out.extend(unknown_allowed_codes(deck))
    out.sort(key=lambda w: (w.line or 0, w.where, w.code))
    return [w for w in out if not allowed(deck.source, w)]


_ALLOW = re.compile(r"#\s*lint:\s*allow\b(?P<codes>[^#]*)")


def _allowed_codes(line: str) -> list[str] | None:
    """The codes a `# lint: allow CODE[, CODE] -- why` comment on `line` names (None: no
    such comment). The reason after `--` is the author's and is not read."""
    m = _ALLOW.search(line)
    if m is None:
        return None
    return [c for c in re.split(r"[,\s]+", m["codes"].split("--")[0]) if c]


def allowed(source: str, w: LintWarning) -> bool:
    """Whether the deck's author acknowledged this warning: a `# lint: allow CODE` comment
    on its line or on the line just above (like a linter's `noqa`), for a disclosure that
    is meant, say. The reason belongs in the same comment, after `--`. Static and playtest
    warnings alike."""
    if not w.line:
        return False
    lines = source.splitlines()
    for n in (w.line, w.line - 1):
        if 1 <= n <= len(lines):
            codes = _allowed_codes(lines[n - 1])
            if codes and w.code in codes:
                return True
    return False


def unknown_allowed_codes(deck: CompiledDeck) -> list[LintWarning]:
    """A warning for each `# lint: allow` comment naming no lint code (a misspelt code
    would otherwise allow nothing, silently), or naming none at all."""
    out = []
    for number, line in enumerate(deck.source.splitlines(), start=1):
        codes = _allowed_codes(line)
        if codes is None:
            continue
        if not codes:
            out.append(LintWarning("unknown-lint-code", deck.path, number, "",
                                   "`# lint: allow` names no code: write `# lint: allow CODE -- why`"))
        for code in codes:
            if code not in CODES:
                out.append(LintWarning("unknown-lint-code", deck.path, number, "",
                                       f"`# lint: allow {code}`: no lint warning has the code '{code}'{suggest(code, CODES)}"))
    return out


__all__ = ["CHECKS", "Check", "allowed", "lint_deck", "unknown_allowed_codes"]
