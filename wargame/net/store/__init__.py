"""The shared game store: saves, sealed orders, join codes and an event log for hosted games.

`open_store(url)` (in `opener.py`) picks the backend from the URL: a SQLite file (the
embedded default, nothing to install) or a PostgreSQL server (for several host processes
or many exercises). Both implement the one `Store` interface in `base.py`, which imports
neither; `lease.py` says who may host an exercise (one host at a time).
"""

from __future__ import annotations

from wargame.net.store.base import (
    DEFAULT_STORE_PATH,
    EVENT_CODE,
    EVENT_CREATED,
    EVENT_ORDERS,
    EVENT_SAVE,
    FACILITATOR,
    PROJECTOR,
    CodeInUse,
    ExerciseExists,
    ExerciseHeld,
    ExerciseRecord,
    LeaseLost,
    StaleTurn,
    StaleWrite,
    Store,
    StoreError,
    StoreEvent,
    StoreUnavailable,
    UnknownExercise,
    hash_code,
    redact_url,
)
from wargame.net.store.export import export_save, exported_save
from wargame.net.store.lease import LEASE_TTL_S, Holder, Lease
from wargame.net.store.opener import open_store

__all__ = [
    "DEFAULT_STORE_PATH",
    "EVENT_CODE",
    "EVENT_CREATED",
    "EVENT_ORDERS",
    "EVENT_SAVE",
    "FACILITATOR",
    "LEASE_TTL_S",
    "PROJECTOR",
    "CodeInUse",
    "ExerciseExists",
    "ExerciseHeld",
    "ExerciseRecord",
    "Holder",
    "Lease",
    "LeaseLost",
    "StaleTurn",
    "StaleWrite",
    "Store",
    "StoreError",
    "StoreEvent",
    "StoreUnavailable",
    "UnknownExercise",
    "export_save",
    "exported_save",
    "hash_code",
    "open_store",
    "redact_url",
]
