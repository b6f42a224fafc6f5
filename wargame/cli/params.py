"""Command-line values shared by several commands: seats (`ACTOR=SPEC,...`), and the
outside programs a run may start (`--agent NAME=COMMAND`).

Seats are read by one click type, so `--seats` and `--stand-ins` mean and check the same
everywhere; a command that has a deck checks the actors against it with `Seating.for_deck`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import click

from wargame.bots.seats import Programs, SeatSpec, programs_from_settings
from wargame.cli.common import LineError
from wargame.errors import WargameError
from wargame.text import cut

if TYPE_CHECKING:
    from wargame.deck.compile import CompiledDeck

F = TypeVar("F", bound=Callable[..., Any])
EXAMPLE = "dprk=doctrine:hardliner"


@dataclass(frozen=True)
class Seating:
    """Seats written on the command line: actor -> seat, in the order given. `option` is
    the option they came from, for messages."""

    option: str
    specs: dict[str, SeatSpec] = field(default_factory=dict)

    def for_deck(self, deck: CompiledDeck) -> dict[str, str]:
        """The seats as text, every actor checked against `deck` (a `WargameError` names
        an unknown one)."""
        for actor in self.specs:
            if actor not in deck.actors:
                raise WargameError(f"{self.option}: unknown actor '{cut(actor, 60)}' (actors: {', '.join(deck.actors)})")
        return self.text()

    def text(self) -> dict[str, str]:
        """The seats as text (`doctrine:hardliner`), for a command whose deck is read later
        (from a save), which checks the actors itself."""
        return {actor: str(spec) for actor, spec in self.specs.items()}


class SeatsParam(click.ParamType[Seating]):
    """`ACTOR=SPEC,...` (e.g. `dprk=doctrine:hardliner,us=lookahead:200`) to a `Seating`.

    Each actor once, no empty entries, each SPEC a seat `SeatSpec` can read; human seats
    only where `no_humans` is None (otherwise it is the message that refuses them). A
    mistake is one line naming the option, exit status 2."""

    # Shown as TEXT in --help, as it was before seats had their own type.
    name = "text"

    def __init__(self, *, no_humans: str | None = None) -> None:
        self.no_humans = no_humans

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Seating:
        option = _option_name(param)
        if isinstance(value, Seating):
            return value
        text = str(value)
        specs: dict[str, SeatSpec] = {}
        if not text.strip():
            return Seating(option, specs)
        for part in (p.strip() for p in text.split(",")):
            if not part:
                raise LineError(f"{option}: empty entry in '{cut(text, 60)}'; give ACTOR=SPEC pairs separated by commas, e.g. {EXAMPLE}")
            actor, sep, spec = part.partition("=")
            actor = actor.strip()
            if not sep or not actor:
                raise LineError(f"{option}: '{cut(part, 60)}' should look like ACTOR=SPEC, e.g. {EXAMPLE}")
            if actor in specs:
                raise LineError(f"{option}: '{cut(actor, 60)}' is seated twice; give each actor one seat")
            try:
                parsed = SeatSpec.parse(spec)
            except WargameError as exc:
                raise LineError(f"{option}: {exc}") from None
            if parsed.is_human and self.no_humans is not None:
                raise LineError(f"{option}: {self.no_humans}")
            specs[actor] = parsed
        return Seating(option, specs)


def _option_name(param: click.Parameter | None) -> str:
    """`--seats`: the long name of the option, as a person typed it."""
    if param is None:
        return "seats"
    names = [o for o in param.opts if o.startswith("--")] or list(param.opts) or [str(param.name)]
    return names[0]


def agent_option(fn: F) -> F:
    """`--agent NAME=COMMAND` (repeatable): a program this run may seat as `agent:NAME`."""
    return click.option(
        "--agent", "agents", multiple=True, metavar="NAME=COMMAND",
        help="A program this run may seat (as agent:NAME); repeat for more. Programs in a save, "
        "the store or a network message are never started.",
    )(fn)


def programs_for(agents: Iterable[str], seating: Seating | None = None) -> Programs:
    """The programs this run may start: the person's settings file, `--agent` options, and
    any `agent:COMMAND` they typed in this run's `seating`."""
    settings, warning = programs_from_settings()
    if warning:
        click.echo(f"warning: {cut(warning, 300)}", err=True)
    return settings.merged(Programs.from_options(agents)).with_inline(seating.specs.values() if seating else ())


ENGINE_HELP = (
    "fast: the batched engine with its own dice (other dice than a replay would draw); "
    "exact: the batched engine on the dice a replay draws (the reference engine's results, slower); "
    "reference: the game-by-game engine. Lookahead seats, programs, saved games and forced dice "
    "always play in the reference engine (the output says so)."
)


def engine_option(fn: F) -> F:
    """`--engine fast|exact|reference`: which engine plays a statistics run's games."""
    return click.option(
        "--engine", type=click.Choice(["fast", "exact", "reference"]), default="fast", show_default=True, help=ENGINE_HELP,
    )(fn)


def cluster_option(fn: F) -> F:
    """`--cluster ADDRESS|local`: run the chunks on a Dask distributed cluster."""
    return click.option(
        "--cluster", metavar="ADDRESS", default=None,
        help="Run on a Dask cluster: a scheduler's address (tcp://host:8786), or `local` to start one on "
        "this machine. Needs `pip install 'wargame[cluster]'`; the output is the same bytes as a local run.",
    )(fn)


def say_engine(asked: str, note: str | None) -> None:
    """Tell the person (on standard error, so JSON output stays clean) which engine played
    a run, when it was not the one asked for, and that fast mode's dice are its own."""
    if note:
        click.echo(f"note: {note}", err=True)
    elif asked == "fast":
        click.echo("note: the fast engine draws its own dice, not the ones a replay of these games would draw "
                   "(--engine exact for those)", err=True)


MAX_TEAM_CAP = 100
"""The most members a seat may be allowed (the `TeamCap` command's limit)."""


@dataclass(frozen=True)
class TeamCaps:
    """Caps on team members written on the command line: one number for every seat
    (`every`, None when not given) and the seats given their own."""

    every: int | None = None
    seats: dict[str, int] = field(default_factory=dict)

    def for_deck(self, deck: CompiledDeck) -> TeamCaps:
        """The same caps, every seat checked against `deck` (a `WargameError` names an unknown one)."""
        for actor in self.seats:
            if actor not in deck.actors:
                raise WargameError(f"--team-cap: unknown seat '{cut(actor, 60)}' (seats: {', '.join(deck.actors)})")
        return self


class TeamCapsParam(click.ParamType[TeamCaps]):
    """`N`, `SEAT=N,...` or both (`4,us=3`): how many members each seat's team may have."""

    name = "caps"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> TeamCaps:
        if isinstance(value, TeamCaps):
            return value
        text = str(value)
        every: int | None = None
        seats: dict[str, int] = {}
        example = "e.g. 4 (every seat), us=3,china=5, or 4,us=3"
        for part in (p.strip() for p in text.split(",")):
            seat, sep, number = part.rpartition("=")
            seat = seat.strip()
            if not part or (sep and not seat):
                raise LineError(f"--team-cap: '{cut(part, 60)}' should be N or SEAT=N; {example}")
            try:
                members = int(number)
            except ValueError:
                raise LineError(f"--team-cap: '{cut(number.strip(), 60)}' is not a whole number; {example}") from None
            if not 1 <= members <= MAX_TEAM_CAP:
                raise LineError(f"--team-cap: {members} members is out of range (1 to {MAX_TEAM_CAP})")
            if not sep:
                if every is not None:
                    raise LineError(f"--team-cap: two caps for every seat ({every} and {members}); give one")
                every = members
            elif seat in seats:
                raise LineError(f"--team-cap: '{cut(seat, 60)}' is capped twice; give each seat one cap")
            else:
                seats[seat] = members
        return TeamCaps(every, seats)
