"""Upgrading saves written by older versions of wargame, one format version at a time.

`migrate` runs a chain of small steps on the raw JSON object, each taking version N to
N + 1, before the save is validated; so the model knows only the current format, and a
save from any earlier version still opens, replays and verifies as it was played.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wargame.engine.dice import TURN_STREAM
from wargame.errors import SaveError
from wargame.saves.format import FORMAT_VERSION, HEADER_FIELDS

Step = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Format 2 rolls each die from its own keyed stream; a format-1 game keeps the
    per-turn stream it was played with (`dice: 1`). Format 2 also records how many turns
    were played and the computers' reasons for pending orders, and puts the header first."""
    history = data.get("history")
    out = dict(data)
    out["format_version"] = 2
    out["dice"] = TURN_STREAM
    out["played"] = len(history) if isinstance(history, list) else 0
    out.setdefault("pending_reasons", {})
    return _header_first(out)


def _header_first(data: dict[str, Any]) -> dict[str, Any]:
    head = {k: data[k] for k in HEADER_FIELDS if k in data}
    return head | {k: v for k, v in data.items() if k not in head}


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Format 3 hashes a new facilitator's PIN with scrypt (a format-2 PBKDF2 hash is kept,
    and still opens the save) and seals the PIN's hash to the save (`format.seal_of`). A
    format-2 save has no seal to check (`parse_save` knows it was one): it is sealed when
    it is next written, so an edit made to it before then goes unnoticed."""
    out = dict(data)
    out["format_version"] = 3
    return out


STEPS: dict[int, Step] = {1: _v1_to_v2, 2: _v2_to_v3}
"""Version N to the step that upgrades it to N + 1."""


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """`data` (a save's JSON object) upgraded to the current format version.

    A current save is returned as is; the input is never modified. Raises `SaveError` for
    a version no step knows (below 1, or not a whole number).
    """
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SaveError("format_version: must be a whole number")
    if version > FORMAT_VERSION:
        raise SaveError(
            f"this save is format version {version}, newer than this wargame reads "
            f"(up to {FORMAT_VERSION}); upgrade wargame to open it"
        )
    while version < FORMAT_VERSION:
        step = STEPS.get(version)
        if step is None:
            raise SaveError(f"unknown save format version {version}")
        data = step(data)
        version = data["format_version"]
    return data
