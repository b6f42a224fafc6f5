"""Games with computer seats, headless: `autoplay` (one game, saved), `simulate` (many,
summarised) and `sweep` (every combination of the deck's doctrines).

Thin click wrappers over `wargame.analysis`; bad input prints one line and exits 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wargame.cli.common import load, names_save, user_errors
from wargame.cli.params import (
    Seating,
    SeatsParam,
    agent_option,
    cluster_option,
    engine_option,
    programs_for,
    say_engine,
)
from wargame.cli.progress import progress_option, showing_progress
from wargame.errors import WargameError
from wargame.files import check_output, write_output
from wargame.text import safe_text

if TYPE_CHECKING:
    from wargame.analysis.simulate import Engine
    from wargame.engine.game import Game

HEADLESS_SEATS = SeatsParam(no_humans="headless games have no human seats")


@click.command()
@click.argument("deck", required=False)
@click.option("--seed", type=int, default=None, help="Seed of the game (random if omitted).")
@click.option("--save", "save_path", type=click.Path(dir_okay=False), default=None, help="Where to write the save (default: saves/DECK-TIME.json; with --from, the save itself).")
@click.option("--seats", type=HEADLESS_SEATS, default="", help="Computer seats, e.g. dprk=doctrine:hardliner,us=lookahead:200 (others random).")
@click.option("--turns", type=click.IntRange(1, 200), default=None, help="Number of turns (default: the deck's).")
@click.option("--from", "from_save", type=click.Path(dir_okay=False), default=None,
              help="Finish this saved game (a branch, say) instead of starting one: its computer seats play on as they were, and each team's computer stand-in plays its turns (the save names it so).")
@click.option("--quiet", is_flag=True, help="Print only the result line.")
@click.option("--force", is_flag=True, help="Replace the --save file if it exists.")
@agent_option
@user_errors
@names_save("from_save")
def autoplay(deck: str | None, seed: int | None, save_path: str | None, seats: Seating, turns: int | None, from_save: str | None, quiet: bool,
             force: bool, agents: tuple[str, ...]) -> None:
    """Play one game with computer seats to its end and save it (DECK), or finish a saved
    one (--from SAVE)."""
    from collections import Counter

    from wargame.analysis.report import program_lines
    from wargame.analysis.simulate import play_game
    from wargame.saves.catalogue import autosave_path, new_seed
    from wargame.saves.store import DEFAULT_SAVE_DIR, new_save, write_save

    if from_save is not None:
        if deck is not None or seed is not None or turns is not None or seats.text():
            raise WargameError("--from: the save decides the deck, seed, turns and seats (give none of them)")
        _finish(from_save, save_path, quiet, force, agents)
        return
    if deck is None:
        raise WargameError("name a DECK to play, or --from SAVE to finish a saved game")
    if save_path:
        check_output(save_path, force=force)  # before the game, not after it
    compiled = load(deck)
    seat_map = seats.for_deck(compiled)
    seed = seed if seed is not None else new_seed()
    failures: Counter[tuple[str, str]] = Counter()
    game = play_game(compiled, seed, seat_map, turns, programs=programs_for(agents, seats), failures=failures)
    by_actor: dict[str, dict[str, int]] = {}
    for (actor, how), count in sorted(failures.items()):
        by_actor.setdefault(actor, {})[how] = count
    for line in program_lines(compiled, by_actor):
        click.echo(f"note: {line} (the save's reasons say so)", err=True)
    all_seats = {a: seat_map.get(a, "random") for a in compiled.actors}
    save = new_save(game, all_seats)
    path = Path(save_path) if save_path else autosave_path(DEFAULT_SAVE_DIR, compiled.id)
    write_save(save, path)
    _played(game, path, quiet)


def _played(game: Game, path: Path, quiet: bool, since: int = 0) -> None:
    """What autoplay prints of a game it played (the turns after `since`) and where it is saved."""
    unit = game.deck.turn_name
    if not quiet:
        for rec in game.records[since:]:
            click.echo(f"-- {unit} {rec.turn}")
            for item in rec.news:
                secret = " [secret]" if item.audience is not None else ""
                click.echo(f"   {safe_text(item.text)}{secret}")
    assert game.ending is not None
    scores = ", ".join(f"{a} {s.total:g}" for a, s in game.scores().items())
    click.echo(f"ending: {game.ending.id} after {len(game.records)} turns; scores: {scores}; seed {game.seed}")
    click.echo(f"saved: {safe_text(path, one_line=True)}")


def _finish(from_save: str, save_path: str | None, quiet: bool, force: bool, agents: tuple[str, ...]) -> None:
    """Play a saved game on to its end: its computers decide as before, and each seat a team
    played is given to its computer stand-in, as when a team does not seal in time (its
    reasons say so, and its choices are not marked). Written to `save_path`, or back."""
    from wargame.play.control import Session
    from wargame.saves.store import read_save_bytes, resume

    path = Path(from_save)
    if save_path:
        # The save is read and checked before the copy is written: a save that cannot be
        # finished leaves no copy behind, and an existing file given with --force is kept.
        check_output(save_path, force=force)
        save, raw = read_save_bytes(path)
        if resume(save).is_over:
            raise WargameError(f"{from_save}: the game is already over")
        path = write_output(save_path, raw, force=force)
    session = Session.resume(path, programs=programs_for(agents))
    if session.is_over:
        raise WargameError(f"{from_save}: the game is already over")
    for note in session.notes:
        click.echo(f"note: {note}", err=True)
    since = len(session.game.records)
    while not session.is_over:
        session.run_bots()
        session.resolve_now("stand-in")
    session.autosave()
    if session.save_error:
        raise WargameError(session.save_error)
    _played(session.game, path, quiet, since)


@click.command()
@click.argument("deck")
@click.option("--games", type=click.IntRange(1, 10_000_000), default=1000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--seats",
    type=HEADLESS_SEATS,
    default="",
    help="Computer seats, e.g. dprk=doctrine:hardliner,us=lookahead:200 (others random). "
    "Kinds: random, doctrine:NAME, lookahead[:easy|normal|hard|PLAYOUTS|MSms]. "
    "Actors not named play their first doctrine (random if they have none).",
)
@click.option("--turns", type=click.IntRange(1, 200), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None, help="Also write the summary as CSV to this file.")
@click.option("--force", is_flag=True, help="Replace the CSV file if it exists.")
@click.option("--save-dir", type=click.Path(file_okay=False), default=None, help="Save every game here (off by default).")
@engine_option
@cluster_option
@progress_option
@agent_option
@user_errors
def simulate(deck: str, games: int, seed: int, jobs: int, seats: Seating, turns: int | None, as_json: bool, csv_path: str | None,
             force: bool, save_dir: str | None, engine: Engine, cluster: str | None, progress: bool | None, agents: tuple[str, ...]) -> None:
    """Run many games with computer seats and summarise endings, scores, tracks and moves.

    Game i of a run is the same game whatever --jobs is, so the summary is too. Nothing
    is kept per game unless --save-dir is given (then one save per game).
    """
    from wargame.analysis.report import summary_csv, summary_text
    from wargame.analysis.simulate import default_seats, engine_for
    from wargame.analysis.simulate import simulate as run

    if csv_path:
        check_output(csv_path, force=force)  # before the run, not after it
    compiled = load(deck)
    seat_map = default_seats(compiled, seats.for_deck(compiled))
    programs = programs_for(agents, seats)
    used, note = engine_for(engine, seat_map, saves=save_dir is not None)
    with showing_progress(progress) as bar:
        summary = run(compiled, games, seed, seat_map, jobs, turns, save_dir, bar.counter("simulating", games), programs=programs,
                      engine=used, cluster=cluster)
    say_engine(engine, note)  # after the run: a run that fails says only why
    if csv_path:
        write_output(csv_path, summary_csv(summary), force=force)
    if as_json:
        click.echo(json.dumps(summary.to_json(), indent=1))
    else:
        click.echo(summary_text(compiled, summary))


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
@click.option("--force", is_flag=True, help="Replace the CSV file if it exists.")
@engine_option
@cluster_option
@progress_option
@user_errors
def sweep(deck_path: str, games: int, chosen: tuple[str, ...], seed: int, jobs: int, turns: int | None,
          as_json: bool, csv_path: str | None, force: bool, engine: Engine, cluster: str | None, progress: bool | None) -> None:
    """Play every combination of the deck's doctrines and tabulate ending rates (with 95%
    intervals) and mean scores: how to see that one doctrine is exploitable or that an
    ending is out of reach under sensible play. The same whatever --jobs is."""
    from wargame.analysis.sweep import combinations, parse_doctrines, sweep_csv, sweep_text
    from wargame.analysis.sweep import sweep as run

    if csv_path:
        check_output(csv_path, force=force)  # before the run, not after it
    compiled = load(deck_path)
    wanted = parse_doctrines(chosen)
    combos = combinations(compiled, wanted)
    label = f"{len(combos)} combination{'s' if len(combos) != 1 else ''}"
    with showing_progress(progress) as bar:
        result = run(compiled, games, seed, wanted, jobs, turns, bar.counter(label, games * len(combos)), engine=engine, cluster=cluster)
    say_engine(engine, None)
    if csv_path:
        write_output(csv_path, sweep_csv(result), force=force)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=1))
    else:
        click.echo(sweep_text(compiled, result))


COMMANDS = (autoplay, simulate, sweep)
"""Registered on `wargame` by `wargame.cli` (every command module has its COMMANDS)."""
