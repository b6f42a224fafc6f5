"""Exporting a hosted exercise to the ordinary JSON save file.

The exported file is exactly what `wargame play` writes, so `wargame replay`, `verify`
and the report work on it unchanged. It is validated first and written atomically. A
host rewrites the save only when a turn resolves and keeps each seal in the store on its
own, so an exercise exported mid-turn gets the open turn's sealed orders added to the
save's `pending` section (where a mid-turn autosave keeps them, and `resume` finds them).
"""

from __future__ import annotations

from pathlib import Path

from wargame.net.store.base import Store
from wargame.saves.format import SaveModel
from wargame.saves.store import parse_save, write_save


def exported_save(store: Store, exercise_id: str) -> SaveModel:
    """The exercise's save with the open turn's sealed orders as its pending orders.

    Raises `UnknownExercise`, or `SaveError` if the stored save does not validate."""
    record = store.load_exercise(exercise_id)
    save = parse_save(record.save_json.encode("utf-8"), f"exercise {exercise_id!r} in {store.url}")
    if record.turn is None or record.turn != len(save.history) + 1:
        return save
    sealed = {
        seat: list(s.orders)
        for seat, s in store.pending_orders(exercise_id, record.turn).items()
        if seat in save.seats
    }
    if not sealed:
        return save
    return save.model_copy(update={"pending": {**save.pending, **sealed}})


def export_save(store: Store, exercise_id: str, path: str | Path) -> Path:
    """Write the exercise's latest save to `path` (atomically; overwrites whatever is
    there, so callers ask first). Raises `UnknownExercise`, or `SaveError` if the stored
    save does not validate or the file cannot be written."""
    return write_save(exported_save(store, exercise_id), path)
