"""Saving in the terminal app: a copy under a name the person chooses (never overwriting
without asking), and the last save after a crash."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App

from wargame.errors import WargameError
from wargame.play.control import Session
from wargame.saves.catalogue import describe_save, unused_path
from wargame.tui.screens.confirm import ConfirmScreen


def save_copy(app: App[None], s: Session, save_dir: Path) -> None:
    """Ask where, then write a copy of the game so far (the autosave goes on where it was)."""
    base = s.save_path or (save_dir / f"{s.deck.id}.json")
    suggestion = unused_path(base.with_name(f"{base.stem}-turn{len(s.game.records)}.json"))

    def write(path: Path, overwrite: bool) -> None:
        try:
            written = s.save_copy(path, overwrite=overwrite)
        except FileExistsError:
            confirm_overwrite(path)
            return
        except WargameError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        app.notify(f"Saved a copy to {written}", markup=False)

    def confirm_overwrite(path: Path) -> None:
        summary = describe_save(path)  # never raises: a bad file has a `problem`
        if summary.readable:
            done = ", finished" if summary.finished else ""
            what = f'the saved game "{summary.title}" ({summary.deck_id}, {summary.progress}{done})'
        else:
            what = "a file that is not a readable save"
        app.push_screen(
            ConfirmScreen(f"Replace {path.name}?", f"{path} already holds {what}. Replacing it loses that file for good.", yes="Replace", no="Keep it"),
            lambda yes: write(path, True) if yes else None,
        )

    def chosen(path: Path | None) -> None:
        if path is not None:
            write(path, False)

    from wargame.tui.screens.save_as import SaveAsScreen

    app.push_screen(SaveAsScreen(suggestion), chosen)


def save_after_crash(session: Session | None, code: int) -> int:
    """Write the game's last autosave after the app stopped on an error; the exit status."""
    where = ""
    if session is not None:
        try:
            saved = session.autosave()
        except Exception as exc:  # noqa: BLE001 - crashing already; say why the save failed too
            where = f"; the last save could not be written ({exc})"
        else:
            if saved:
                where = f"; the game so far is saved in {saved}"
            elif session.save_error:
                where = f"; the last save could not be written ({session.save_error})"
    print(f"wargame: stopped on an error (exit status {code}){where}", file=sys.stderr)
    return code
