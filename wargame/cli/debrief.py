"""The debrief commands: `analyse`, `whatif`, `branch` and `report`.

Thin click wrappers over `wargame.analysis` and `wargame.report`; bad input prints one
line and exits 2, like every other command.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from wargame.cli.common import about_save, names_save, pin_option, unlock_save, user_errors
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
from wargame.text import safe_text

if TYPE_CHECKING:
    from wargame.analysis.whatif import WhatIf

if TYPE_CHECKING:
    from wargame.analysis.simulate import Engine

SPARK = "▁▂▃▄▅▆▇█"
STAND_INS = SeatsParam(no_humans="a stand-in must be a computer seat, not human")
"""Who plays a seat in continuations: a computer (the actors are checked against the save's deck)."""


def _say_notes(notes: list[str]) -> None:
    """Tell the person at the terminal what stood in for a seat the save says a program played."""
    from wargame.text import cut

    for note in notes:
        click.echo(f"note: {cut(note, 300)}", err=True)


@click.command()
@click.argument("save", type=click.Path(dir_okay=False))
@click.option("--rollouts", type=click.IntRange(1, 100_000), default=200, show_default=True, help="Continuations from each turn.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--stand-ins", type=STAND_INS, default="", help="Who plays each seat in continuations, e.g. dprk=doctrine:pragmatist (default: computers as seated, humans the deck's first doctrine).")
@click.option("--top", type=click.IntRange(0, 50), default=3, show_default=True, help="Turning points to explain.")
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON.")
@click.option("--refresh", is_flag=True, help="Compute again even if the result is cached beside the save.")
@engine_option
@cluster_option
@progress_option
@pin_option
@user_errors
@names_save("save")
def analyse(save: str, rollouts: int, jobs: int, seed: int, stand_ins: Seating, top: int, as_json: bool, refresh: bool,
            engine: Engine, cluster: str | None, progress: bool | None, pin: str | None) -> None:
    """Ending odds before every turn of a saved game, and the turning points.

    From the state before each turn, ROLLOUTS continuations are played by the seats'
    stand-ins; the turns where the odds moved most are explained by the orders given and
    the dice. The result is cached beside the save (SAVE.analysis.json) and is the same
    whatever --jobs is.
    """
    from wargame.analysis.rollout import default_stand_ins, program_notes, reference_note
    from wargame.analysis.turning import cached_analysis
    from wargame.saves.store import read_save, save_deck

    model = read_save(save)
    unlock_save(model, pin, "the analysis (every seat's orders and the dice)")
    deck = save_deck(model)
    _say_notes(program_notes(model, deck))
    note = reference_note(engine, default_stand_ins(model, deck, stand_ins.text()), any(t.overrides for t in model.history))
    with showing_progress(progress) as bar:
        result = cached_analysis(model, save, rollouts, jobs, seed, stand_ins.text(), top=top, progress=bar.stages(), refresh=refresh,
                                 engine=engine, cluster=cluster)
    say_engine(engine, note)  # after the run: a run that fails says only why
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=1, ensure_ascii=False))
        return
    titles = [result.titles[e] for e in result.endings]
    width = max(10, *(len(t) for t in titles))
    click.echo(f"Ending odds before each turn ({result.rollouts} continuations each, seed {result.seed}; 95% intervals in JSON)")
    click.echo("stand-ins: " + ", ".join(f"{a}={s}" for a, s in result.stand_ins.items()))
    click.echo("")
    click.echo(f"{'before':<8}" + "".join(f"{t[:width]:>{width + 2}}" for t in titles))
    for o in result.odds:
        label = "end" if o.final else str(o.turn)
        click.echo(f"{label:<8}" + "".join(f"{o.p(e):>{width + 2}.0%}" for e in result.endings))
    click.echo("")
    for e, t in zip(result.endings, titles, strict=True):
        line = "".join(SPARK[min(len(SPARK) - 1, int(p * len(SPARK)))] for p in result.series(e))
        click.echo(f"{t[:width]:<{width}}  {line}")
    click.echo("")
    if result.turning_points:
        click.echo("Turning points:")
        for tp in result.turning_points:
            click.echo(f"  {tp.text()}")
    else:
        click.echo("No turn moved the odds of any ending by 5 points or more.")


@click.command()
@click.argument("save", type=click.Path(dir_okay=False))
@click.option("--games", type=click.IntRange(1, 100_000), default=40, show_default=True, help="Continuations for each choice a seat had.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--stand-ins", type=STAND_INS, default="", help="Who plays each seat in continuations (as for analyse).")
@click.option("--json", "as_json", is_flag=True, help="Print the marks as JSON.")
@click.option("--refresh", is_flag=True, help="Compute again even if the result is cached beside the save.")
@progress_option
@user_errors
@names_save("save")
def marks(save: str, games: int, jobs: int, seed: int, stand_ins: Seating, as_json: bool, refresh: bool, progress: bool | None) -> None:
    """Mark each team's orders in every turn, like a chess analysis board.

    Every order set the seat could have given is played GAMES times from the state before
    the turn, on the same dice, the other seats' orders as given; the orders given are
    judged against the best by the seat's mean score: ?? a blunder (a quarter of its points
    or more), ? a mistake (a tenth), ?! an inaccuracy (a twentieth), ! a strong choice (as
    good as the best where an average choice lost a tenth). Only seats a person played are
    marked. The result is cached beside the save, like analyse.
    """
    from wargame.analysis.marks import cached_marks
    from wargame.analysis.rollout import program_notes
    from wargame.analysis.turning import turn_title
    from wargame.saves.store import read_save, save_deck

    model = read_save(save)
    deck = save_deck(model)
    _say_notes(program_notes(model, deck))
    with showing_progress(progress) as bar:
        result = cached_marks(model, save, games, seed, jobs, stand_ins.text(), progress=bar.stage("marks"), refresh=refresh)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=1, ensure_ascii=False))
        return
    if not result.seats:
        click.echo("No seat was played by a person: there are no team choices to mark.")
        return
    click.echo(f"Each choice against the best the seat had: {result.games} continuations each, seed {result.seed}")
    for seat in result.seats:
        click.echo("")
        click.echo(f"{deck.actor_name(seat)}:")
        for m in result.of(seat):
            click.echo(safe_text(f"  {m.symbol:<2} {turn_title(deck, m.turn)}: {m.label}"))
            click.echo(safe_text(f"       {m.summary(result.titles)}"))
        for turn, who in result.skipped:
            if who == seat:
                click.echo(f"     {turn_title(deck, turn)}: its computer stand-in gave the orders (time ran out): not marked")


@click.command()
@click.argument("save", type=click.Path(dir_okay=False))
@click.option("--turn", type=int, required=True, help="The turn whose orders to change.")
@click.option("--seat", required=True, help="The actor whose orders to change.")
@click.option("--orders", "orders", multiple=True, help="Other orders, MOVE[,MOVE] ('none' for no orders); repeat to compare several.")
@click.option("--all", "every", is_flag=True, help="Compare every legal order set (each move alone when there are too many).")
@click.option("--answers", is_flag=True, help="Compare every way of answering the offers waiting for the seat (accept, refuse, no answer), its other orders as given.")
@click.option("--games", type=click.IntRange(1, 1_000_000), default=200, show_default=True, help="Continuations for each choice.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--stand-ins", type=STAND_INS, default="", help="Who plays each seat in continuations (as for analyse).")
@click.option("--json", "as_json", is_flag=True)
@engine_option
@progress_option
@pin_option
@user_errors
@names_save("save")
def whatif(save: str, turn: int, seat: str, orders: tuple[str, ...], every: bool, answers: bool, games: int, seed: int, jobs: int,
           stand_ins: Seating, as_json: bool, engine: Engine, progress: bool | None, pin: str | None) -> None:
    """Compare a seat's orders at one turn with other orders: endings and mean scores.

    Every choice is played GAMES times from the state before TURN, on the same dice, with
    the other seats' orders as they were given. Results are kept beside the save for the
    report. With --answers, "what if it had accepted the offer?": each way of answering
    the offers waiting for SEAT at TURN, against what it did.
    """
    from wargame.analysis.rollout import default_stand_ins, program_notes, reference_note
    from wargame.analysis.whatif import recorded_what_if
    from wargame.saves.store import read_save, save_deck

    model = read_save(save)
    unlock_save(model, pin, "a what-if (odds from the full state, and the seat's orders)")
    deck = save_deck(model)
    _say_notes(program_notes(model, deck))
    record = model.history[turn - 1] if 1 <= turn <= len(model.history) else None
    note = reference_note(engine, default_stand_ins(model, deck, stand_ins.text()), bool(record and record.overrides))
    alternatives = []
    for text in orders:
        moves = [] if text.strip().lower() == "none" else [m.strip() for m in text.split(",") if m.strip()]
        if not moves and text.strip().lower() != "none":
            raise WargameError("--orders: name at least one move, or 'none' for no orders")
        alternatives.append(moves)
    if not alternatives and not every and not answers:
        raise WargameError("name other orders with --orders MOVE[,MOVE], or use --all or --answers")
    with showing_progress(progress) as bar:
        result = recorded_what_if(
            model, save, turn, seat, alternatives, every=every, answers=answers, games=games, seed=seed, jobs=jobs,
            stand_ins=stand_ins.text(), progress=bar.stage("what-if"), engine=engine,
        )
    say_engine(engine, note)  # after the run: a run that fails says only why
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=1, ensure_ascii=False))
        return
    click.echo(f"{result.label}, {result.seat_name}: {result.games} continuations for each choice, seed {result.seed}")
    click.echo("")
    for line in whatif_table(result):
        click.echo(line)
    if result.left_out:
        click.echo(f"\n{result.left_out} order sets of two or more moves were not tried (too many); name them with --orders.")


CELL = 18
"""The width of a figure's column in `whatif`: "100% (98%-100%)" and room to breathe."""
LABEL = 48
"""The most a what-if's orders column takes; a longer label wraps."""


def whatif_table(result: WhatIf) -> list[str]:
    """A what-if as lines of text: each choice's orders, then its odds of each ending and the
    seat's mean score. Nothing is cut: an ending's title wraps in its column's head, and
    orders (an answer names the offer it answers, and rows differ in what they answer)
    wrap in theirs, the figures on the first line."""
    import textwrap

    titles = [result.titles[e] for e in result.endings]
    label_w = min(LABEL, max(len(c.label) + 10 for c in result.choices))
    heads = [textwrap.wrap(t, CELL - 2, break_long_words=False, break_on_hyphens=False) or [""] for t in titles] + [["mean score"]]
    depth = max(len(h) for h in heads)
    lines = []
    for row in range(depth):
        first = "orders" if row == depth - 1 else ""
        cells = "".join(f"{h[row - depth + len(h)] if row >= depth - len(h) else '':>{CELL}}" for h in heads[:-1])
        last = heads[-1][0] if row == depth - 1 else ""
        lines.append((f"{first:<{label_w}}" + cells + f"{last:>{CELL + 4}}").rstrip())
    for c in result.choices:
        mark = " (actual)" if c.actual else ""
        wrapped = textwrap.wrap(c.label + mark, label_w - 1, break_long_words=False, break_on_hyphens=False, subsequent_indent="  ") or [""]
        cells = "".join(f"{f'{c.p(e):.0%} ({c.interval(e)[0]:.0%}-{c.interval(e)[1]:.0%})':>{CELL}}" for e in result.endings)
        mean, lo, hi = c.scores[result.seat]
        lines.append(f"{wrapped[0]:<{label_w}}{cells}{f'{mean:.2f} ({lo:.2f}-{hi:.2f})':>{CELL + 4}}")
        lines += [part.rstrip() for part in wrapped[1:]]
    return lines


@click.command()
@click.argument("save", type=click.Path(dir_okay=False))
@click.option("--turn", type=int, required=True, help="Play on from the state before this turn.")
@click.option("--save", "new", type=click.Path(dir_okay=False), required=True, help="The new save file.")
@click.option("--seats", type=SeatsParam(), default="", help="Change who plays, e.g. dprk=human,us=doctrine:engagement-first.")
@click.option("--force", is_flag=True, help="Replace NEW if it exists.")
@agent_option
@user_errors
@names_save("save")
def branch(save: str, turn: int, new: str, seats: Seating, force: bool, agents: tuple[str, ...]) -> None:
    """Start a new game from the state before TURN of a saved game ("play from here").

    The new save keeps the turns before TURN and names its parent; the parent file is
    never changed. Continue it with `wargame play` (load) like any save.
    """
    from wargame.analysis.whatif import play_from_here

    written = play_from_here(save, turn, new, seats.text(), force=force, programs=programs_for(agents, seats))
    _say_notes(list(written.notes))
    click.echo(f"branched before turn {turn}: {written.path}")


@click.command()
@click.argument("save", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), required=True, help="FILE.md or FILE.html.")
@click.option("--seat", default="facilitator", show_default=True, help="Whose report: an actor id (only what that seat knew), public (what every seat knew), or facilitator.")
@click.option("--rollouts", type=click.IntRange(1, 100_000), default=None,
              help="Continuations per turn behind the odds chart and turning points (default 2,000 for the facilitator's report, by the fast engine; cached beside the save).")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--marks", "mark", is_flag=True, help="Include each team's choices marked against the best it had (as `wargame marks`; cached beside the save).")
@click.option("--slides", is_flag=True, help="Write the debrief as slides for a projector (one turn per screen, arrow keys step) to FILE.html; a name ending .slides.html asks for them too.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists, and exit 0 for a save that does not verify (the report still says so at its top).")
@pin_option
@user_errors
@names_save("save")
def report(save: str, output: str, seat: str, rollouts: int | None, jobs: int, seed: int, mark: bool, slides: bool, force: bool, pin: str | None) -> None:
    """Write the after-action report of a saved game as Markdown or self-contained HTML,
    or (--slides) as slides to lead the debrief in front of a room.

    Without --rollouts the latest analysis cached beside the save (from `wargame
    analyse`) is used, if any, and so are marked choices (`wargame marks`). What-ifs run
    with `wargame whatif` are included. A game with a facilitator's PIN is reported for
    anyone but the public only with its PIN. A save that does not verify is reported with
    that warning at the top, and the command exits with status 1 unless --force.
    """
    import sys

    from wargame.analysis.marks import cached_marks
    from wargame.analysis.turning import Analysis, cached_analysis
    from wargame.observe.visibility import PUBLIC_NAME
    from wargame.report.export import REPORT_ROLLOUTS, export_report, report_format
    from wargame.saves.store import read_save, verify
    from wargame.text import cut

    fmt = "slides" if slides else report_format(output)
    if slides and report_format(output) not in {"html", "slides"}:
        raise WargameError(f"{output}: slides are written as .html")
    model = read_save(save)
    if seat != PUBLIC_NAME:
        unlock_save(model, pin, "the facilitator's report" if seat == "facilitator" else f"the report for '{cut(seat, 40)}'")
    check = verify(model)
    analysis: Analysis | None = None
    if rollouts is not None:
        analysis = cached_analysis(model, save, rollouts, jobs, seed, engine="fast")
    marked = cached_marks(model, save, jobs=jobs, seed=seed) if mark else None
    path = export_report(save, output, seat, analysis, force=force, verification=check, marks=marked, fmt=fmt,
                         rollouts=rollouts if rollouts is not None else REPORT_ROLLOUTS)
    click.echo(f"wrote {path}")
    problem = check.problem(model.turn_name)
    if problem is not None:
        click.echo(f"warning: {cut(f'{check.WARNING}: {problem}', 600)} (the report says so at its top)", err=True)
        if not force:
            sys.exit(1)


@click.command()
@click.argument("first", type=click.Path(dir_okay=False))
@click.argument("second", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None, help="FILE.md or FILE.html (default: Markdown on the terminal).")
@click.option("--seat", default="facilitator", show_default=True, help="Whose eyes: an actor id (only what that seat knew in each game), public, or facilitator.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists, and exit 0 when a save does not verify (the comparison still says so at its top).")
@pin_option
@user_errors
def compare(first: str, second: str, output: str | None, seat: str, force: bool, pin: str | None) -> None:
    """Two branches of one game side by side, turn by turn from where they split: each
    seat's orders (as the chosen seat may see them), every track of both games, and both
    endings. As Markdown on the terminal, or to FILE.md or FILE.html (one chart a track).

    A game with a facilitator's PIN is compared for anyone but the public only with its PIN.
    """
    import sys
    from pathlib import Path

    from wargame.observe.visibility import PUBLIC_NAME
    from wargame.play.timeline import SavedGame
    from wargame.report.compare import (
        build_comparison,
        comparison_format,
        export_comparison,
        render_comparison,
    )
    from wargame.saves.store import read_save
    from wargame.text import cut

    if output is not None:
        comparison_format(output)  # a bad name fails before any save is replayed
    games = []
    for path in (first, second):
        model = read_save(path)
        if seat != PUBLIC_NAME:
            unlock_save(model, pin, "the facilitator's comparison" if seat == "facilitator" else f"the comparison for '{cut(seat, 40)}'")
        with about_save(path):
            games.append(SavedGame(model, Path(path)))
    result, warnings = build_comparison(games[0], games[1], seat)
    if output is None:
        click.echo(render_comparison(result, "markdown", warnings), nl=False)
    else:
        click.echo(f"wrote {export_comparison(result, output, warnings, force=force)}")
    for warning in warnings:
        click.echo(f"warning: {cut(warning, 600)} (the comparison says so at its top)", err=True)
    if warnings and not force:
        sys.exit(1)


COMMANDS = (analyse, marks, whatif, branch, report, compare)
"""Registered on `wargame` by `wargame.cli` (every command module has its COMMANDS)."""
