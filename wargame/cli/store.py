"""`wargame store ...`: look into a hosted-exercise store and export its games as saves.

A store is named by `--store URL` (a file path, sqlite:///PATH or postgresql://...) or the
WARGAME_STORE environment variable, which keeps a database password out of shell history.
"""

from __future__ import annotations

from pathlib import Path

import click

from wargame.cli.common import OneLineErrors, user_errors
from wargame.files import check_output
from wargame.net.store import DEFAULT_STORE_PATH, open_store
from wargame.net.store.base import utc_now

STORE_OPTION = click.option(
    "--store", "store_url", envvar="WARGAME_STORE", default=str(DEFAULT_STORE_PATH), show_default=True,
    help="The store: a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB (or set WARGAME_STORE).",
)


@click.group(cls=OneLineErrors)
def store() -> None:
    """The store of hosted exercises: list them, export one to an ordinary save."""


@store.command("list")
@STORE_OPTION
@user_errors
def list_exercises(store_url: str) -> None:
    """List the store's exercises, most recently updated first, and which host holds each."""
    with open_store(store_url, create=False) as s:
        infos = s.exercises()
        if not infos:
            click.echo(f"{s.url}: no exercises")
            return
        now = utc_now()
        for info in infos:
            state = "finished" if info.finished else f"turn {info.turn}"
            stamp = info.updated.strftime("%Y-%m-%d %H:%M UTC")
            lease = s.lease(info.exercise_id)
            held = f"  hosted by {lease.holder}" if lease is not None and lease.live(now) else ""
            click.echo(f"{info.exercise_id}  {state}  revision {info.revision}  updated {stamp}{held}")


@store.command("export")
@click.argument("exercise")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@STORE_OPTION
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@user_errors
def export(exercise: str, path: str | None, store_url: str, force: bool) -> None:
    """Write EXERCISE's latest save to PATH (default saves/EXERCISE.json), for replay,
    verify and the report."""
    from wargame.net.store import export_save

    target = Path(path) if path else Path("saves") / f"{exercise}.json"
    if path or target.parent.is_dir():  # saves/ is ours to make, as for autosaves; a folder named never is
        check_output(target, force=force)
    with open_store(store_url, create=False) as s:
        written = export_save(s, exercise, target)
    click.echo(f"exported {exercise} to {written}")


COMMANDS = (store,)
"""Registered on `wargame` by `wargame.cli` (every command module has its COMMANDS)."""
