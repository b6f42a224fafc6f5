"""Commands for deck authors: `wargame deck lint` (and `--playtest`) and `wargame sweep`.

Kept apart from `wargame.cli` so each command family stays small; `cli.py` registers
them. `deck` is a group so further authoring commands (`deck new`) slot in beside lint.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from wargame.cli import OneLineErrors, load, user_errors
from wargame.errors import DeckError, WargameError


@contextmanager
def progress_bar(show: bool, total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A progress callback (games done so far) drawing a bar on stderr, or None."""
    if not show:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        done = [0]

        def tick(n: int) -> None:
            bar.update(n - done[0])
            done[0] = n

        yield tick


@click.group(cls=OneLineErrors)
def deck() -> None:
    """Tools for deck authors: lint a deck for silent mistakes."""


@deck.command()
@click.argument("path")
@click.option("--playtest", "games", type=click.IntRange(1, 1_000_000), default=None,
              help="Also play N games with random seats and N with the deck's doctrines, and report what they show.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the playtest games.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes for the playtest.")
@click.option("--json", "as_json", is_flag=True, help="Print the warnings (and playtest counts) as JSON.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
@user_errors
def lint(path: str, games: int | None, seed: int, jobs: int, as_json: bool, progress: bool | None) -> None:
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

        show = progress if progress is not None else sys.stderr.isatty()
        with progress_bar(show, games * 2, "playtesting") as tick:
            report = playtest(compiled, games, seed, jobs, tick, known={(w.code, w.where) for w in found})
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


@click.command()
@click.argument("deck_path", metavar="DECK")
@click.option("--games", type=click.IntRange(1, 1_000_000), default=200, show_default=True, help="Games per combination of doctrines.")
@click.option("--doctrines", "chosen", multiple=True, metavar="ACTOR=A,B",
              help="Only these doctrines of ACTOR (repeat for more actors; `random` is allowed). Default: every doctrine.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--turns", type=click.IntRange(1, 200), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None, help="Also write the table as CSV to this file.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
@user_errors
def sweep(deck_path: str, games: int, chosen: tuple[str, ...], seed: int, jobs: int, turns: int | None,
          as_json: bool, csv_path: str | None, progress: bool | None) -> None:
    """Play every combination of the deck's doctrines and tabulate ending rates (with 95%
    intervals) and mean scores: how to see that one doctrine is exploitable or that an
    ending is out of reach under sensible play. The same whatever --jobs is."""
    from wargame.analysis.sweep import combinations, parse_doctrines, sweep_csv, sweep_text
    from wargame.analysis.sweep import sweep as run

    compiled = load(deck_path)
    wanted = parse_doctrines(chosen)
    combos = combinations(compiled, wanted)
    show = progress if progress is not None else sys.stderr.isatty()
    label = f"{len(combos)} combination{'s' if len(combos) != 1 else ''}"
    with progress_bar(show, games * len(combos), label) as tick:
        result = run(compiled, games, seed, wanted, jobs, turns, tick)
    if csv_path:
        try:
            Path(csv_path).write_text(sweep_csv(result), encoding="utf-8")
        except OSError as exc:
            raise WargameError(f"{csv_path}: cannot write: {exc.strerror or exc}") from None
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=1))
    else:
        click.echo(sweep_text(compiled, result))
