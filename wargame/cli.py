"""The command line: validate decks, play headless games, simulate, replay saves, open the UI.

Errors a user can cause print one clear message and exit 2; there is never a traceback
for bad input. Everything here is a thin layer over the deck, engine, saves and analysis
packages.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from wargame import __version__
from wargame.errors import DeckError, WargameError
from wargame.text import cut, safe_text

F = TypeVar("F", bound=Callable[..., Any])
DECKS_DIR = Path(__file__).resolve().parent.parent / "decks"


def _fail(message: str) -> None:
    # A message may quote a file's content or an argument: each line is cut short and
    # shown without terminal control characters.
    click.echo("\n".join(cut(line, 1_000) for line in message.splitlines()[:50]), err=True)
    sys.exit(2)


def interactive() -> bool:
    """Whether a person is at a terminal (a UI may open), not a pipe or a script."""
    return sys.stdout.isatty() and sys.stdin.isatty()


def user_errors(fn: F) -> F:
    """Turn a `WargameError` into its message on stderr and exit status 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WargameError as exc:
            _fail(f"error: {exc}")
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def resolve_deck_path(deck: str) -> Path:
    """A deck path as given, or a bare name (`korea-2022`) looked up in decks/."""
    p = Path(deck)
    if p.exists() or p.suffix == ".toml" or "/" in deck:
        return p
    for candidate in (Path("decks") / f"{deck}.toml", DECKS_DIR / f"{deck}.toml"):
        if candidate.exists():
            return candidate
    return p


def load(deck: str) -> Any:
    from wargame.deck.loader import load_deck

    return load_deck(resolve_deck_path(deck))


def agent_option(fn: F) -> F:
    """`--agent NAME=COMMAND` (repeatable): a program this run may seat as `agent:NAME`."""
    return click.option(
        "--agent", "agents", multiple=True, metavar="NAME=COMMAND",
        help="A program this run may seat (as agent:NAME); repeat for more. Programs in a save, "
        "the store or a network message are never started.",
    )(fn)


def programs_for(agents: tuple[str, ...] | list[str], seats: Any = ()) -> Any:
    """The programs this run may start: the person's settings file, `--agent` options, and
    any `agent:COMMAND` they typed in this run's `--seats` (`seats`: specs)."""
    from wargame.bots.seats import Programs, programs_from_settings

    settings, warning = programs_from_settings()
    if warning:
        click.echo(f"warning: {cut(warning, 300)}", err=True)
    return settings.merged(Programs.from_options(agents)).with_inline(seats)


def parse_seats(text: str, deck: Any) -> dict[str, str]:
    """`dprk=doctrine:hardliner,us=lookahead:200` to a dict, checked against the deck."""
    from wargame.bots.seats import SeatSpec

    seats: dict[str, str] = {}
    if not text.strip():
        return seats
    for part in (p.strip() for p in text.split(",")):
        if not part:
            raise WargameError(f"--seats: empty entry in '{text}'; give ACTOR=SPEC pairs separated by commas, e.g. dprk=doctrine:hardliner")
        actor, sep, spec = part.partition("=")
        actor = actor.strip()
        if not sep:
            raise WargameError(f"--seats: '{cut(part, 60)}' should look like ACTOR=SPEC, e.g. dprk=doctrine:hardliner")
        if actor not in deck.actors:
            raise WargameError(f"--seats: unknown actor '{cut(actor, 60)}' (actors: {', '.join(deck.actors)})")
        if actor in seats:
            raise WargameError(f"--seats: '{actor}' is seated twice; give each actor one seat")
        parsed = SeatSpec.parse(spec)
        if parsed.is_human:
            raise WargameError("--seats: headless games have no human seats")
        seats[actor] = str(parsed)
    return seats


class _UsageError(click.ClickException):
    """A command-line mistake, shown as one line (click's own shows three: Usage, Try, Error)."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def _one_line(exc: click.UsageError) -> _UsageError:
    where = exc.ctx.command_path if exc.ctx is not None else "wargame"
    message = " ".join(exc.format_message().split()).rstrip(".")  # never more than one line
    return _UsageError(f"{where}: {message[:1].lower()}{message[1:]} (see '{where} --help')")


class OneLineErrors(click.Group):
    """A command group whose usage errors, its own and its subcommands', are one line
    on stderr with exit status 2. Used for the whole CLI (`cli` and its subgroups)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `wargame` alone: show the help
                raise
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                raise
            raise _one_line(exc) from None


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wargame")
def cli() -> None:
    """wargame: a policy wargame engine with a terminal UI.

    Start with `wargame play` (the terminal UI), or `wargame validate decks/*.toml`.
    """


def _add_store_commands() -> None:
    from wargame.cli_store import store  # `wargame store ...` lives in its own module

    cli.add_command(store)


_add_store_commands()


@cli.command()
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


@cli.command()
@click.argument("deck")
@click.option("--seed", type=int, default=None, help="Seed of the game (random if omitted).")
@click.option("--save", "save_path", type=click.Path(dir_okay=False), default=None, help="Where to write the save (default: saves/DECK-TIME.json).")
@click.option("--seats", default="", help="Computer seats, e.g. dprk=doctrine:hardliner,us=lookahead:200 (others random).")
@click.option("--turns", type=click.IntRange(1, 200), default=None, help="Number of turns (default: the deck's).")
@click.option("--quiet", is_flag=True, help="Print only the result line.")
@agent_option
@user_errors
def autoplay(deck: str, seed: int | None, save_path: str | None, seats: str, turns: int | None, quiet: bool, agents: tuple[str, ...]) -> None:
    """Play one game with computer seats to its end and save it."""
    from wargame.analysis.simulate import play_game
    from wargame.saves.catalogue import autosave_path, new_seed
    from wargame.saves.store import DEFAULT_SAVE_DIR, new_save, write_save

    compiled = load(deck)
    seat_map = parse_seats(seats, compiled)
    seed = seed if seed is not None else new_seed()
    game = play_game(compiled, seed, seat_map, turns, programs=programs_for(agents, seat_map.values()))
    all_seats = {a: seat_map.get(a, "random") for a in compiled.actors}
    save = new_save(game, all_seats)
    path = Path(save_path) if save_path else autosave_path(DEFAULT_SAVE_DIR, compiled.id)
    write_save(save, path)
    if not quiet:
        for rec in game.records:
            click.echo(f"-- {compiled.turn_name} {rec.turn}")
            for item in rec.news:
                secret = " [secret]" if item.audience is not None else ""
                click.echo(f"   {safe_text(item.text)}{secret}")
    assert game.ending is not None
    scores = ", ".join(f"{a} {s.total:g}" for a, s in game.scores().items())
    click.echo(f"ending: {game.ending.id} after {len(game.records)} turns; scores: {scores}; seed {seed}")
    click.echo(f"saved: {safe_text(path, one_line=True)}")


@cli.command()
@click.argument("deck")
@click.option("--games", type=click.IntRange(1, 10_000_000), default=1000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--seats",
    default="",
    help="Computer seats, e.g. dprk=doctrine:hardliner,us=lookahead:200 (others random). "
    "Kinds: random, doctrine:NAME, lookahead[:easy|normal|hard|PLAYOUTS|MSms]. "
    "Actors not named play their first doctrine (random if they have none).",
)
@click.option("--turns", type=click.IntRange(1, 200), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None, help="Also write the summary as CSV to this file.")
@click.option("--save-dir", type=click.Path(file_okay=False), default=None, help="Save every game here (off by default).")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
@agent_option
@user_errors
def simulate(deck: str, games: int, seed: int, jobs: int, seats: str, turns: int | None, as_json: bool, csv_path: str | None, save_dir: str | None, progress: bool | None, agents: tuple[str, ...]) -> None:
    """Run many games with computer seats and summarise endings, scores, tracks and moves.

    Game i of a run is the same game whatever --jobs is, so the summary is too. Nothing
    is kept per game unless --save-dir is given (then one save per game).
    """
    from wargame.analysis.report import summary_csv, summary_text
    from wargame.analysis.simulate import default_seats
    from wargame.analysis.simulate import simulate as run

    compiled = load(deck)
    seat_map = default_seats(compiled, parse_seats(seats, compiled))
    programs = programs_for(agents, seat_map.values())
    show = progress if progress is not None else sys.stderr.isatty()
    if show:
        with click.progressbar(length=games, label="simulating", file=sys.stderr) as bar:
            done = [0]

            def tick(n: int) -> None:
                bar.update(n - done[0])
                done[0] = n

            summary = run(compiled, games, seed, seat_map, jobs, turns, save_dir, tick, programs=programs)
    else:
        summary = run(compiled, games, seed, seat_map, jobs, turns, save_dir, programs=programs)
    if csv_path:
        try:
            Path(csv_path).write_text(summary_csv(summary), encoding="utf-8")
        except OSError as exc:
            raise WargameError(f"{csv_path}: cannot write: {exc.strerror or exc}") from None
    if as_json:
        click.echo(json.dumps(summary.to_json(), indent=1))
    else:
        click.echo(summary_text(compiled, summary))


@cli.command()
@click.argument("save")
@click.option("--verify", is_flag=True, help="Re-resolve every turn and compare with the save.")
@click.option("--text", is_flag=True, help="Print the game turn by turn instead of opening the viewer (the default when output is not a terminal).")
@click.option("--seat", default="facilitator", show_default=True, help="Whose view to print with --text (an actor id, or facilitator).")
@click.option("--save-dir", type=click.Path(file_okay=False), default="saves", show_default=True, help="The saves folder of the game UI that play-from-here opens (a branch is written beside SAVE unless you name another path).")
@user_errors
def replay(save: str, verify: bool, text: bool, seat: str, save_dir: str) -> None:
    """Debrief a saved game in the replay viewer; --text prints it, --verify checks it."""
    from wargame.engine.state import FACILITATOR
    from wargame.saves.store import read_save
    from wargame.saves.store import replay as run_replay
    from wargame.saves.store import verify as run_verify

    model = read_save(save)
    if verify:
        result = run_verify(model)
        name = cut(save, 200)
        if result.ok:
            click.echo(f"{name}: ok: {result.detail}")
            return
        # One line: the first turn and field that differ (the detail names both).
        click.echo(f"{name}: MISMATCH: {cut(result.detail, 400)}", err=True)
        sys.exit(1)
    if not text and interactive():
        from wargame.tui.app import run_replay as open_viewer

        open_viewer(Path(save), Path(save_dir))
        return
    game = run_replay(model)
    if seat != FACILITATOR and seat not in game.deck.actors:
        raise WargameError(f"--seat: unknown seat '{cut(seat, 60)}' (actors: {', '.join(game.deck.actors)}, or facilitator)")
    view = PlayerView(game, seat)
    unit = game.deck.turn_name
    for rec in game.records:
        click.echo(f"-- {unit} {rec.turn}")
        for actor, orders in view.orders.get(rec.turn, {}).items():
            names = [game.deck.moves[game.deck.move_index[o]].name for o in orders]
            click.echo(safe_text(f"   {game.deck.actor_name(actor)} ordered: {', '.join(names) or '(nothing)'}"))
        for item in view.news_for_turn(rec.turn):
            click.echo(f"   {safe_text(item.text)}")
    if game.ending:
        click.echo(f"ending: {safe_text(game.ending.title)}")


@cli.command()
@click.argument("deck", required=False, default="korea-2022")
@click.option("--save-dir", type=click.Path(file_okay=False), default="saves", show_default=True, help="Where games are saved.")
@user_errors
def play(deck: str, save_dir: str) -> None:
    """Open the terminal UI (korea-2022 by default)."""
    from wargame.tui.app import run_app

    run_app(deck=str(resolve_deck_path(deck)), save_dir=Path(save_dir))


# Registered last: wargame.cli_deck builds on the helpers above.
from wargame.cli_deck import deck, sweep

cli.add_command(deck)
cli.add_command(sweep)

# Imported here, at the end: the debrief commands use the helpers above.
from wargame.cli_debrief import analyse, branch, report, whatif

for _command in (analyse, whatif, branch, report):
    cli.add_command(_command)


def _add_net_commands() -> None:
    from wargame.cli_net import host, join  # the network commands live in their own module

    cli.add_command(host)
    cli.add_command(join)


_add_net_commands()


def main() -> None:
    try:
        cli.main(prog_name="wargame", standalone_mode=True)
    except WargameError as exc:  # pragma: no cover - commands catch their own
        _fail(f"error: {exc}")


# `wargame deck new` joins the deck authors' group (wargame.cli_new).
from wargame.cli_new import register as _register_deck_new
from wargame.observe.view import PlayerView

_register_deck_new(cli)
