"""Saves: the versioned JSON format, atomic writes, loading with clear errors, replay."""

from wargame.saves.format import SaveModel
from wargame.saves.store import (
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
    "branch",
    "latest_save",
    "new_save",
    "read_save",
    "replay",
    "resume",
    "update_save",
    "verify",
    "write_save",
]
