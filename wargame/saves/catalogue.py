"""The save catalogue: the saves in a folder, described cheaply for menus.

Menus list many saves, so each is read only as far as its header (the first fields of a
save, at most `HEADER_BYTES`), parsed by a tolerant scan that stops once it has what a
menu shows. Any file at all (binary, huge, deeply nested, a FIFO, unreadable) is listed
as unreadable with the reason; nothing in a folder can stop the app from starting.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wargame.files import FileProblem, read_head, read_regular_file
from wargame.saves import safejson
from wargame.saves.format import FORMAT_VERSION, HEADER_FIELDS, MAX_ACTORS
from wargame.text import safe_text

HEADER_BYTES = 64 * 1024
"""The most a menu reads of a save (the header of a format-2 save is about 1 KB)."""
FIRST_READ = 4 * 1024
MAX_OLD_SAVE_BYTES = 8_000_000
"""A format-1 save keeps its ending at the end of the file: the catalogue reads such a
save whole, up to this size (larger ones are listed with the reason)."""
MAX_SHOWN_TEXT = 120
"""Titles, ids and seat specs are cut to this many characters for a menu."""


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
    problem: str | None = None
    """Why the file cannot be read as a save (then the other fields are placeholders);
    None for a readable save. Menus list such a file as unreadable, with this reason."""
    turn_name: str = "turn"
    """What the deck calls a turn (`month`, `week`), when the save's header says so."""
    save_id: str = ""
    """The game's id: a copy saved as a checkpoint has the id of the game it copies."""
    copy: bool = False
    """An older file of a game listed above it (`list_saves`): a copy kept as a
    checkpoint. The newest file of a game is the live one, where it goes on."""

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def progress(self) -> str:
        """`month 5 of 12` (`turn 5 of 12` when the header does not name the deck's turns)."""
        return f"{self.turn_name} {self.turn} of {self.turns}"

    @property
    def readable(self) -> bool:
        return self.problem is None


def unused_path(path: Path) -> Path:
    """`path`, or `path` with -2, -3, ... before its suffix: a new game never overwrites a save."""
    candidate = path
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def wall_clock() -> dt.datetime:
    """The local time that autosave names carry (tests and snapshots replace it)."""
    return dt.datetime.now()


def autosave_path(save_dir: str | Path, deck_id: str, now: dt.datetime | None = None) -> Path:
    """A new, unused autosave file for a game of `deck_id`, created empty and exclusively.

    The name holds the deck and the time, never the seed (which seats must not learn).
    The file is created with O_EXCL, so two games started at once in the same folder
    always get different files; the caller then writes the save over it.
    """
    folder = Path(save_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from wargame.errors import SaveError

        raise SaveError(f"{folder}: cannot create the saves folder: {exc.strerror or exc}") from None
    stamp = (now or wall_clock()).strftime("%Y%m%d-%H%M%S")
    stem = f"{deck_id[:100]}-{stamp}"
    n = 1
    while True:
        candidate = folder / (f"{stem}.json" if n == 1 else f"{stem}-{n}.json")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            n += 1
            continue
        except OSError as exc:
            from wargame.errors import SaveError

            raise SaveError(f"{candidate}: cannot create the save: {exc.strerror or exc}") from None
        os.close(fd)
        return candidate


def new_seed() -> int:
    """A random seed for a new game: 63 bits, so nobody can guess it or try them all."""
    return random.SystemRandom().randrange(1, 1 << 63)


class _Unreadable(Exception):
    """Why a file is not a readable save (its message is shown in the menu)."""


class _Incomplete(Exception):
    """The header scan ran out of bytes before it found every field."""


def scan_header(text: str, keep: frozenset[str], stop: frozenset[str], complete: bool) -> dict[str, Any]:
    """The `keep` top-level fields of the JSON object that `text` begins with.

    Tolerant: unless `complete`, `text` is only the start of a file and may stop
    anywhere (then `_Incomplete`). The scan ends as soon as it has every `stop` field or
    at the end of the object, and skips other fields' values without keeping them.
    Raises `_Unreadable` if `text` is not a JSON object.
    """
    found: dict[str, Any] = {}
    n = len(text)
    i = _skip_ws(text, 0)
    if i >= n:
        raise _Incomplete
    if text[i] != "{":
        raise _Unreadable("not a wargame save (not a JSON object)")
    i = _skip_ws(text, i + 1)
    while True:
        if i >= n:
            raise _Incomplete
        if text[i] == "}":
            return found
        key, i = _decode(text, i, complete)
        if not isinstance(key, str):
            raise _Unreadable("not a wargame save (not valid JSON)")
        i = _skip_ws(text, i)
        if i >= n:
            raise _Incomplete
        if text[i] != ":":
            raise _Unreadable("not a wargame save (not valid JSON)")
        value, i = _decode(text, _skip_ws(text, i + 1), complete)
        if key in keep:
            found[key] = value
            if stop <= found.keys():
                return found
        i = _skip_ws(text, i)
        if i >= n:
            raise _Incomplete
        if text[i] == ",":
            i = _skip_ws(text, i + 1)
        elif text[i] != "}":
            raise _Unreadable("not a wargame save (not valid JSON)")


def _skip_ws(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in " \t\n\r":
        i += 1
    return i


def _decode(text: str, i: int, complete: bool) -> tuple[Any, int]:
    try:
        return safejson.raw_decode(text, i)
    except json.JSONDecodeError:
        # In the start of a file, a value that does not parse may just be cut short.
        if not complete:
            raise _Incomplete from None
        raise _Unreadable("not a wargame save (not valid JSON)") from None


_HEADER = frozenset(HEADER_FIELDS) - {"engine_version", "save_id", "created", "turn_name"}
_KEEP = _HEADER | {"history", "turn_name", "save_id"}
"""Format-1 saves have no `played`: their history is counted instead. `turn_name` is read
when present (it comes before `turns`) but older saves lack it; `save_id` tells a copy of
a game from the game (`list_saves`)."""
_VERSION = frozenset({"format", "format_version"})


def describe_save(path: Path) -> SaveSummary:
    """Read the few fields a menu shows from the save's header, without validating it.

    Never raises: a file that is not a readable save gives a summary whose `problem`
    says why.
    """
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0
    try:
        return _summary(path, _read_header(path), modified)
    except (FileProblem, safejson.UnsafeJSON, _Unreadable) as exc:
        return _unreadable(path, str(exc), modified)
    except UnicodeDecodeError:
        return _unreadable(path, "not a wargame save (not UTF-8 text)", modified)
    except (ValueError, TypeError, OverflowError, RecursionError, _Incomplete) as exc:
        message = str(exc) if isinstance(exc, ValueError) and str(exc) else "not a wargame save"
        return _unreadable(path, message, modified)


def _read_header(path: Path) -> dict[str, Any]:
    for size in (FIRST_READ, HEADER_BYTES):
        head, total = read_head(path, size)
        complete = len(head) >= total
        # Only the last, cut character may be a broken UTF-8 sequence.
        text = head.decode("utf-8") if complete else head[: len(head) - 4].decode("utf-8") + head[len(head) - 4 :].decode("utf-8", errors="ignore")
        if not text.strip():
            if complete:
                raise _Unreadable("the file is empty")
            continue
        try:
            return scan_header(text, _KEEP, _HEADER, complete)
        except _Incomplete:
            if complete:
                raise _Unreadable("not a wargame save (cut short)") from None
    # Not in the first 64 KiB: a format-1 save (its ending comes last), or not a save.
    try:
        first = scan_header(text, _VERSION, _VERSION, False)
    except _Incomplete:
        raise _Unreadable("not a wargame save (no header in its first 64 KiB)") from None
    if first.get("format") != "wargame-save":
        raise _Unreadable("not a wargame save")
    if first.get("format_version") != 1:
        raise _Unreadable("not a wargame save (no header in its first 64 KiB)")
    raw = read_regular_file(path, MAX_OLD_SAVE_BYTES, "menu (open an older save this large with `wargame replay`)")
    whole = safejson.loads(raw.decode("utf-8"))
    if not isinstance(whole, dict):
        raise _Unreadable("not a wargame save")
    return whole


def _text(value: object, default: str = "") -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        value = str(value) if isinstance(value, int | float | bool) else default
    return safe_text(value, MAX_SHOWN_TEXT, one_line=True)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Unreadable("not a wargame save (a count is not a whole number)")
    if not 0 <= value <= 10_000:
        raise _Unreadable(f"not a wargame save (a count of {_text(value)} is out of range)")
    return value


def _summary(path: Path, data: dict[str, Any], modified: float) -> SaveSummary:
    if data.get("format") != "wargame-save":
        raise _Unreadable("not a wargame save")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _Unreadable("not a wargame save (no format version)")
    if version > FORMAT_VERSION:
        raise _Unreadable(f"a save of format version {_text(version)}, newer than this wargame reads")
    if "played" in data:
        played = _count(data["played"])
    else:
        history = data.get("history")
        played = len(history) if isinstance(history, list) else 0
    ending = data.get("ending")
    turns = _count(data.get("turns", 0))
    turn = played + (0 if ending else 1)
    seats = data.get("seats") or {}
    if not isinstance(seats, dict):
        raise _Unreadable("not a wargame save (seats is not a table)")
    return SaveSummary(
        path=path,
        title=_text(data.get("title")) or _text(data.get("deck_id")) or _text(path.stem),
        deck_id=_text(data.get("deck_id")),
        turn=min(turn, turns) if turns else turn,
        turns=turns,
        ending=_text(ending) if ending is not None else None,
        seats={_text(k): _text(v) for k, v in list(seats.items())[:MAX_ACTORS]},
        facilitator=data.get("facilitator") is True,
        modified=modified,
        turn_name=_text(data.get("turn_name")) or "turn",
        save_id=_text(data.get("save_id")),
    )


def _unreadable(path: Path, problem: str, modified: float) -> SaveSummary:
    return SaveSummary(
        path=path,
        title=safe_text(path.name, MAX_SHOWN_TEXT, one_line=True),
        deck_id="",
        turn=0,
        turns=0,
        ending=None,
        seats={},
        facilitator=False,
        modified=modified,
        problem=safe_text(problem, MAX_SHOWN_TEXT, one_line=True),
    )


ANALYSIS_SUFFIX = ".analysis.json"
"""The app's own sidecar beside a save (`wargame.analysis.cache`): not a save, never listed."""


def list_saves(save_dir: Path, limit: int = 50) -> list[SaveSummary]:
    """The `*.json` files in `save_dir`, each described (never raises): readable saves
    newest first, then the files that are not readable saves, with their `problem`. An
    older file of a game listed above it is marked a `copy` (a checkpoint); the app's
    analysis sidecars are left out.
    """
    entries: list[tuple[float, Path]] = []
    try:
        with os.scandir(save_dir) as it:
            for entry in it:
                if entry.name.startswith(".") or not entry.name.endswith(".json") or entry.name.endswith(ANALYSIS_SUFFIX):
                    continue
                try:
                    info = entry.stat()
                except OSError:
                    entries.append((0.0, Path(entry.path)))
                    continue
                if stat.S_ISDIR(info.st_mode):
                    continue
                entries.append((info.st_mtime, Path(entry.path)))
    except OSError:
        return []
    entries.sort(key=lambda e: (e[0], e[1].name), reverse=True)
    described = [describe_save(p) for _, p in entries[:limit]]
    readable: list[SaveSummary] = []
    seen: set[str] = set()
    for s in described:
        if s.readable:
            readable.append(replace(s, copy=True) if s.save_id and s.save_id in seen else s)
            seen.add(s.save_id)
    return readable + [s for s in described if not s.readable]


def latest_unfinished(save_dir: Path) -> SaveSummary | None:
    """The most recent readable save of a game that has not ended, not a copy kept as a
    checkpoint: what "continue" resumes."""
    return next((s for s in list_saves(save_dir) if s.readable and not s.finished and not s.copy), None)
