"""`wargame deck new PATH [--actors a,b]`: write a commented starter deck.

Kept apart from `wargame.cli` so it merges beside the other deck authors' commands; it
joins the `deck` group, creating it when no other module has.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from wargame.errors import WargameError


@click.command("new")
@click.argument("path")
@click.option("--actors", default="red,blue", show_default=True, help="Actor ids, separated by commas.")
def new(path: str, actors: str) -> None:
    """Write a commented starter deck to PATH (never over an existing file)."""
    from wargame.cli import user_errors
    from wargame.deck.loader import load_deck_text
    from wargame.deck.starter import starter_deck

    @user_errors
    def run() -> None:
        target = Path(path)
        ids = [a.strip() for a in actors.split(",")]
        stem = target.stem.lower()
        deck_id = stem if stem[:1].isalpha() and all(c.isalnum() or c in "-_" for c in stem) else "my-deck"
        text = starter_deck(ids, deck_id=deck_id[:64])
        load_deck_text(text, str(target))  # the starter always loads; a bug if not
        if target.is_dir():
            raise WargameError(f"{path}: is a directory; give a file name such as {target / 'my-deck.toml'}")
        if not target.parent.is_dir():
            raise WargameError(f"{path}: folder {target.parent} does not exist")
        try:
            # Exclusive create: never replace a deck someone is writing.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            raise WargameError(f"{path}: already exists; choose another name (nothing was written)") from None
        except OSError as exc:
            raise WargameError(f"{path}: cannot write: {exc.strerror or exc}") from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"wrote {path} ({len(ids)} actors); check it with: wargame validate {path}")

    run()


def register(cli: click.Group) -> None:
    """Add `new` to the `deck` group of `cli`, making the group if it does not exist yet."""
    group = cli.commands.get("deck")
    if not isinstance(group, click.Group):
        group = click.Group("deck", help="Tools for deck authors.")
        cli.add_command(group)
    group.add_command(new)
