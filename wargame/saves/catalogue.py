"""The save catalogue: the saves in a folder, described cheaply for menus.

Menus list many saves, so each is read only as far as the few fields they show; a file
that is not a save is listed as unreadable or left out, never allowed to stop the app.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from wargame.errors import SaveError


@dataclass(frozen=True, slots=True)
class SaveSummary:
    """A save described cheaply (without validating it) for menus."""

    path: Path
    title: str
    deck_id: str
    turn: int
    turns: int
    ending: str | None
    seats: dict[str, str]
    facilitator: bool
    modified: float
    turn_name: str = "turn"
    """What the deck calls a turn (`month`, `week`), so menus speak as the game does."""

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def progress(self) -> str:
        """`month 5 of 12`."""
        return f"{self.turn_name} {self.turn} of {self.turns}"


_TURN_NAME = re.compile(r'^\s*turn_name\s*=\s*"([^"\\\n]{1,40})"', re.MULTILINE)


def _turn_name(deck_source: object) -> str:
    """The deck's `turn_name`, read cheaply from the deck copy (a menu must not compile decks)."""
    if isinstance(deck_source, str):
        found = _TURN_NAME.search(deck_source)
        if found and found.group(1).isprintable():
            return found.group(1)
    return "turn"


def unused_path(path: Path) -> Path:
    """`path`, or `path` with -2, -3, ... before its suffix: a new game never overwrites a save."""
    candidate = path
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 1_000_000)


def describe_save(path: Path) -> SaveSummary:
    """Read the few fields a menu shows, without validating the whole save."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != "wargame-save":
            raise ValueError
        history = data.get("history") or []
        ending = data.get("ending")
        turns = int(data.get("turns", 0))
        turn = len(history) + (0 if ending else 1)
        return SaveSummary(
            path=path,
            title=str(data.get("title") or data.get("deck_id") or path.stem),
            deck_id=str(data.get("deck_id", "")),
            turn=min(turn, turns) if turns else turn,
            turns=turns,
            ending=ending,
            seats={str(k): str(v) for k, v in (data.get("seats") or {}).items()},
            facilitator=bool(data.get("facilitator")),
            modified=path.stat().st_mtime,
            turn_name=_turn_name(data.get("deck_source")),
        )
    except (OSError, ValueError, TypeError, AttributeError):
        raise SaveError(f"{path}: not a wargame save") from None


def list_saves(save_dir: Path, limit: int = 50) -> list[SaveSummary]:
    """The saves in `save_dir`, newest first (files that are not saves are left out)."""
    if not save_dir.is_dir():
        return []
    paths = [p for p in save_dir.glob("*.json") if p.is_file() and not p.name.startswith(".")]
    paths.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    out = []
    for p in paths[:limit]:
        try:
            out.append(describe_save(p))
        except SaveError:
            continue
    return out


def latest_unfinished(save_dir: Path) -> SaveSummary | None:
    """The most recent save of a game that has not ended: what "continue" resumes."""
    return next((s for s in list_saves(save_dir) if not s.finished), None)
