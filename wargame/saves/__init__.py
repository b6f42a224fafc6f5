"""Saves: the versioned JSON format, atomic writes, loading with clear errors, replay,
verification of the whole record, and migration from older format versions."""

from wargame.saves.format import SaveModel
from wargame.saves.migrate import migrate
from wargame.saves.store import (
    Verification,
    branch,
    latest_save,
    new_save,
    read_save,
    replay,
    resume,
    update_save,
    verify,
    write_save,
)

__all__ = [
    "SaveModel",
    "Verification",
    "branch",
    "latest_save",
    "migrate",
    "new_save",
    "read_save",
    "replay",
    "resume",
    "update_save",
    "verify",
    "write_save",
]
