"""Commands for deck authors: `wargame validate`, `wargame deck lint` (and `--playtest`),
`wargame deck describe` and `wargame deck new`.

`deck` is a group so further authoring commands slot in beside lint and new.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wargame.cli.common import OneLineErrors, load, resolve_deck_path, user_errors
from wargame.cli.params import engine_option, say_engine
from wargame.cli.progress import progress_option, showing_progress
from wargame.errors import DeckError, WargameError
from wargame.files import write_output

if TYPE_CHECKING:
    from wargame.analysis.simulate import Engine


@click.command()
@click.argument("paths", nargs=-1, required=True)
def validate(paths: tuple[str, ...]) -> None:
    """Check decks: print `ok` or every problem, with file, line and field."""
    from wargame.deck.loader import load_deck

    bad = 0
    for path in paths:
        try:
            deck = load_deck(resolve_deck_path(path))
        except DeckError as exc:
            bad += 1
            for problem in exc.problems:
                click.echo(str(problem))
            continue
        moves = f"{deck.written_moves} moves" + (f" ({len(deck.moves)} with targets and answers)" if deck.written_moves != len(deck.moves) else "")
        click.echo(f"{path}: ok ({len(deck.actors)} actors, {moves}, {len(deck.events)} events, {deck.turns} turns)")
    sys.exit(2 if bad else 0)


@click.group(cls=OneLineErrors)
def deck() -> None:
    """Tools for deck authors: lint a deck, describe it in plain words, start a new one."""


@deck.command()
@click.argument("path")
@click.option("--playtest", "games", type=click.IntRange(1, 1_000_000), default=None,
              help="Also play N games with random seats and N with the deck's doctrines, and report what they show.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the playtest games.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes for the playtest.")
@click.option("--json", "as_json", is_flag=True, help="Print the warnings (and playtest counts) as JSON.")
@engine_option
@progress_option
@user_errors
def lint(path: str, games: int | None, seed: int, jobs: int, as_json: bool, engine: Engine, progress: bool | None) -> None:
    """Find mistakes a valid deck can still hold: moves that can never be ordered, events
    that never fire, endings never reached, since() on unplayed moves and more.

    Exit status: 0 clean (notes allowed), 1 warnings, 2 the deck does not load.
    """
    from wargame.deck.lint import lint_deck

    try:
        compiled = load(path)
    except DeckError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    found = lint_deck(compiled)
    report = None
    if games:
        from wargame.analysis.playtest import playtest, playtest_text

        with showing_progress(progress) as bar:
            report = playtest(compiled, games, seed, jobs, bar.counter("playtesting", games * 2), known={(w.code, w.where) for w in found},
                              engine=engine)
        say_engine(engine, None)
        found = sorted([*found, *report.findings], key=lambda w: (w.line or 0, w.where, w.code))
    warnings = [w for w in found if w.severity == "warning"]
    if as_json:
        data: dict[str, Any] = {"deck": compiled.path, "warnings": [w.to_json() for w in found]}
        if report is not None:
            data["playtest"] = report.to_json(compiled)
        click.echo(json.dumps(data, indent=1))
    else:
        for w in found:
            click.echo(str(w))
        if report is not None:
            click.echo("")
            click.echo(playtest_text(compiled, report))
            click.echo("")
        notes = len(found) - len(warnings)
        summary = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
        if notes:
            summary += f", {notes} note{'s' if notes != 1 else ''}"
        click.echo(f"{path}: {summary}" if found else f"{path}: clean")
    sys.exit(1 if warnings else 0)


@deck.command()
@click.argument("path")
@click.option("--seat", default=None, help="Describe it as this seat may know it (an actor id): its own moves, the channels it is on.")
@user_errors
def describe(path: str, seat: str | None) -> None:
    """The deck in plain words: seats, tracks, moves, events, endings, and its channels (who
    may talk to whom, and when)."""
    from wargame.deck.describe import Describer, deck_in_words

    compiled = load(path)
    if seat is not None and seat not in compiled.actors:
        raise WargameError(f"--seat: {path} has no actor '{seat}' (actors: {', '.join(compiled.actors)})")
    words = Describer.for_seat(compiled, seat) if seat is not None else None
    click.echo("\n".join(deck_in_words(compiled, words, seat)))


@deck.command("new")
@click.argument("path")
@click.option("--actors", default="red,blue", show_default=True, help="Actor ids, separated by commas.")
@click.option("--force", is_flag=True, help="Replace PATH if it exists (a deck you wrote there is lost).")
@user_errors
def new(path: str, actors: str, force: bool) -> None:
    """Write a commented starter deck to PATH (never over an existing file unless --force)."""
    from wargame.deck.loader import load_deck_text
    from wargame.deck.starter import starter_deck

    target = Path(path)
    if target.is_dir():
        raise WargameError(f"{path}: is a folder, not a file; give a file name such as {target / 'my-deck.toml'}")
    ids = [a.strip() for a in actors.split(",")]
    stem = target.stem.lower()
    deck_id = stem if stem[:1].isalpha() and all(c.isalnum() or c in "-_" for c in stem) else "my-deck"
    text = starter_deck(ids, deck_id=deck_id[:64])
    load_deck_text(text, str(target))  # the starter always loads; a bug if not
    # Without --force, never replace a deck, not even one someone saves meanwhile.
    write_output(target, text, force=force)
    click.echo(f"wrote {path} ({len(ids)} actors); check it with: wargame validate {path}")


COMMANDS = (validate, deck)
"""Registered on `wargame` by `wargame.cli` (every command module has its COMMANDS)."""
