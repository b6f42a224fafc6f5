"""Exporting a hosted exercise to the ordinary JSON save file.

The exported file is exactly what `wargame play` writes, so `wargame replay`, `verify`
and the report work on it unchanged. It is validated first and written atomically.
"""

from __future__ import annotations

from pathlib import Path

from wargame.net.store.base import Store
from wargame.saves.store import parse_save, write_save


def export_save(store: Store, exercise_id: str, path: str | Path) -> Path:
    """Write the exercise's latest save to `path` (atomically; overwrites whatever is
    there, so callers ask first). Raises `UnknownExercise`, or `SaveError` if the stored
    save does not validate or the file cannot be written."""
    record = store.load_exercise(exercise_id)
    save = parse_save(record.save_json.encode("utf-8"), f"exercise {exercise_id!r} in {store.url}")
    return write_save(save, path)
