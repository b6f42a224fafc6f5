"""The sidecar file beside a save that keeps its debrief analyses: `SAVE.analysis.json`.

Turning points and marked choices take seconds to minutes to compute and what-ifs are
worth keeping for the report, so all three are stored beside the save, keyed by what they depend on (the save's hash and the
run's parameters). The file is written atomically; an unreadable one is treated as empty,
never as an error, since it can always be computed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from wargame.files import write_text_atomic
from wargame.saves.catalogue import ANALYSIS_SUFFIX
from wargame.saves.format import SaveModel

if sys.platform != "win32":
    import fcntl

FORMAT = "wargame-analysis"
VERSION = 2
"""2: continuations of format-1 saves fork from the game as played (its own dice), and
stand-ins draw from streams keyed by the seed and seat: version-1 results are not reused."""
KEEP_ANALYSES = 8
"""Analyses kept per save (different rollouts, seeds or stand-ins); the oldest go first."""
KEEP_WHATIFS = 50
KEEP_MARKS = 8
KINDS = ("analyses", "whatifs", "marks")
"""The lists a sidecar holds: turning-point analyses, what-ifs, marked choices."""


def sidecar_path(save_path: str | Path) -> Path:
    p = Path(save_path)
    return p.with_name(p.name + ANALYSIS_SUFFIX) if p.suffix != ".json" else p.with_suffix(ANALYSIS_SUFFIX)


def save_hash(save: SaveModel) -> str:
    """What an analysis depends on: the deck, the seed and dice, the seats and every turn's input."""
    data = {
        "deck": save.deck_sha256,
        "seed": save.seed,
        "dice": save.dice,
        "turns": save.turns,
        "seats": save.seats,
        "history": [t.model_dump(include={"orders", "injects", "overrides"}) for t in save.history],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def read_sidecar(save_path: str | Path) -> dict[str, Any]:
    path = sidecar_path(save_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return _empty()
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        return _empty()
    for key in KINDS:
        if not isinstance(data.get(key), list):
            data[key] = []
    return data


def _empty() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, **{kind: [] for kind in KINDS}}


def write_sidecar(save_path: str | Path, data: dict[str, Any]) -> Path | None:
    """Write the sidecar atomically; None when the folder is not writable (the cache is
    an optimisation: a read-only folder still gets its analysis, just not kept)."""
    target = sidecar_path(save_path)
    data["analyses"] = data.get("analyses", [])[-KEEP_ANALYSES:]
    data["whatifs"] = data.get("whatifs", [])[-KEEP_WHATIFS:]
    data["marks"] = data.get("marks", [])[-KEEP_MARKS:]
    try:
        write_text_atomic(target, json.dumps(data, indent=1, sort_keys=True))
    except OSError:
        return None
    return target


def find_entry(entries: list[Any], key: dict[str, Any]) -> dict[str, Any] | None:
    for entry in reversed(entries):
        if isinstance(entry, dict) and entry.get("key") == key:
            return entry
    return None


T = TypeVar("T")

_DAMAGED = (KeyError, TypeError, ValueError, AttributeError)
"""What parsing a hand-edited or older sidecar entry may raise: such an entry is ignored."""


def cached(save_path: str | Path | None, kind: str, key: dict[str, Any], parse: Callable[[Any], T]) -> T | None:
    """The result kept under `key` in the sidecar's `kind` list (`parse` reads it back), or
    None: no save path, no such entry, or a damaged one (computed again by the caller)."""
    if save_path is None:
        return None
    entry = find_entry(read_sidecar(save_path)[kind], key)
    if entry is None:
        return None
    try:
        return parse(entry["result"])
    except _DAMAGED:
        return None


def of_save(save: SaveModel, save_path: str | Path, kind: str, parse: Callable[[Any], T]) -> list[T]:
    """Every `kind` result of this very save in its sidecar, whatever its parameters, oldest
    first (a damaged entry is left out)."""
    digest = save_hash(save)
    out = []
    for entry in read_sidecar(save_path)[kind]:
        try:
            if entry["key"]["save_hash"] == digest:
                out.append(parse(entry["result"]))
        except _DAMAGED:
            continue
    return out


def latest(save: SaveModel, save_path: str | Path, kind: str, parse: Callable[[Any], T]) -> T | None:
    """The most recent `kind` result of this very save in its sidecar, whatever its parameters."""
    found = of_save(save, save_path, kind, parse)
    return found[-1] if found else None


def store_entry(save_path: str | Path, kind: str, key: dict[str, Any], result: dict[str, Any]) -> Path | None:
    """Add (or replace) the entry with `key` in the sidecar's `kind` list and write it.
    One writer at a time (`_one_writer`): the replay viewer computes the odds and marks the
    choices at once, and two writers that both read the old sidecar would each write back
    only their own new entry."""
    with _one_writer(save_path):
        data = read_sidecar(save_path)
        entries = [e for e in data[kind] if not (isinstance(e, dict) and e.get("key") == key)]
        entries.append({"key": key, "result": result})
        data[kind] = entries
        return write_sidecar(save_path, data)


_WRITING = threading.Lock()
"""Held by the thread of this process that is writing a sidecar."""


@contextmanager
def _one_writer(save_path: str | Path) -> Iterator[None]:
    """Hold the sidecars beside `save_path` for one read-and-write: one thread of this
    process at a time, and (where the system has advisory locks) one process at a time,
    by a lock on the save's folder, which leaves no file behind. A folder that cannot be
    locked is written unlocked across processes, as before."""
    with _WRITING:
        folder = None
        if sys.platform != "win32":
            try:
                folder = os.open(sidecar_path(save_path).parent, os.O_RDONLY)
                fcntl.flock(folder, fcntl.LOCK_EX)
            except OSError:
                if folder is not None:
                    os.close(folder)
                    folder = None
        try:
            yield
        finally:
            if folder is not None:
                os.close(folder)  # which lets the lock go
