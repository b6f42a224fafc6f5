"""`wargame host` and `wargame join`: a classroom over the network.

`host` starts (or, after a crash, resumes) an exercise kept in a store and serves it;
`join` opens a seat, the facilitator's console or the projector in the terminal. Bad
input prints one line and exits 2, like every other command.
"""

from __future__ import annotations

import datetime as dt
import shlex
import socket
import sys
from pathlib import Path

import click

from wargame.cli.common import load, user_errors
from wargame.cli.params import (
    Seating,
    SeatsParam,
    TeamCaps,
    TeamCapsParam,
    agent_option,
    programs_for,
)
from wargame.errors import WargameError

EXAMPLE_AGENT = Path(__file__).resolve().parents[2] / "examples" / "agent.py"
"""The example agent of the source tree (`examples/` is not in the installed package)."""


def example_agent() -> str:
    """How the banner names the example agent: its absolute path, so the line works pasted
    into any terminal and folder; where wargame was installed without its examples, the
    path in the source tree, said as such."""
    if EXAMPLE_AGENT.is_file():
        return shlex.quote(str(EXAMPLE_AGENT))
    return "examples/agent.py (in wargame's source tree)"


def lan_address() -> str:
    """This machine's address on the local network (for --public), without sending anything."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


@click.command()
@click.argument("deck", required=False)
@click.option("--seats", type=SeatsParam(), default="", help="ACTOR=SPEC,...: human (default), random, doctrine:NAME, lookahead[:BUDGET], agent:NAME (a program named with --agent).")
@click.option("--facilitator/--no-facilitator", default=True, show_default=True, help="Issue a facilitator's code (the facilitator resolves turns).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--store", "store_url", envvar="WARGAME_STORE", default="", help="Where the exercise is kept: a SQLite file (default saves/exercises.sqlite3) or postgresql://... (or set WARGAME_STORE).")
@click.option("--public", is_flag=True, help="Listen on every network interface (default: this machine only, 127.0.0.1).")
@click.option("--exercise", "exercise_id", default="", help="The exercise's name in the store; if it exists, it is resumed.")
@click.option("--seed", type=int, default=None)
@click.option("--turns", type=int, default=None)
@click.option("--new-codes", is_flag=True, help="When resuming: issue fresh codes for every seat, the facilitator and the projector.")
@click.option("--no-browser", is_flag=True, help="Serve only the API (no Textual app for browsers).")
@click.option("--team-cap", "team_caps", type=TeamCapsParam(), default=None, help="How many members a seat's team may have: N for every seat, SEAT=N for one (e.g. 4,us=3); default 6. Also when resuming (the facilitator's console changes it later).")
@click.option("--max-tabs", type=click.IntRange(1, 500), default=16, show_default=True, help="Browser tabs the host runs at once (each an app of about 60 MiB); past it the page says the room is full.")
@agent_option
@user_errors
def host(
    deck: str | None, seats: Seating, facilitator: bool, port: int, store_url: str, public: bool, exercise_id: str,
    seed: int | None, turns: int | None, new_codes: bool, no_browser: bool, team_caps: TeamCaps | None, max_tabs: int,
    agents: tuple[str, ...],
) -> None:
    """Host an exercise: teams join from a browser or `wargame join`, each with its own code.

    Restart the same command (or `--exercise ID` alone) after a crash: the game resumes
    from the store where it stopped, and the teams' codes still work. One host holds an
    exercise at a time: a second one on the same store says which holds it, and stops.
    """
    from wargame.net.exercise import Exercise
    from wargame.net.guard import Limits
    from wargame.net.server import Host, browser_command
    from wargame.net.store import FACILITATOR, PROJECTOR, open_store
    from wargame.net.store.lease import LEASE_TTL_S, Holder, Lease
    from wargame.saves.catalogue import new_seed

    store = open_store(store_url or None)
    lease: Lease | None = None
    try:
        # The port first: a host that cannot listen writes nothing to the store (an exercise
        # created here, its codes never shown, would resume later with no code to give).
        bind = "0.0.0.0" if public else "127.0.0.1"
        address = lan_address() if public else "127.0.0.1"
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((bind, port))
            except OSError as exc:
                raise WargameError(f"--port {port}: cannot listen there ({exc.strerror}); choose another port") from None
            if port == 0:
                port = probe.getsockname()[1]
        codes: dict[str, str] = {}
        if exercise_id and exercise_id in store.exercise_ids():
            # Held before anything is read or written: a second host changes nothing.
            lease = store.acquire_lease(exercise_id, Holder.this_process(), LEASE_TTL_S)
            programs = programs_for(agents)
            ex = Exercise.open(store, exercise_id, programs=programs)
            for note in ex.notices:
                click.echo(f"note: {note.split(' ', 1)[-1]}", err=True)
            click.echo(f"Resuming exercise {exercise_id} at {ex.session.turn_label()} (store: {store.url})")
            if new_codes:
                roles = [*ex.session.humans, PROJECTOR] + ([FACILITATOR] if ex.session.facilitator else [])
                codes = ex.new_codes_for(*roles)
            else:
                click.echo(
                    "The join codes issued before still work; the host keeps only their hashes, so it cannot show them again.\n"
                    "A team that lost its code: stop this host and run the same command with --new-codes (fresh codes for everyone),\n"
                    "or give it a fresh one from the facilitator's console (Codes and seats: Issue new code)."
                )
        else:
            if deck is None:
                raise WargameError(f"no exercise '{exercise_id}' in {store.url}: give a DECK to start one" if exercise_id else "give a DECK to host (or --exercise ID to resume one)")
            compiled = load(deck)
            if team_caps is not None:
                team_caps.for_deck(compiled)  # before anything is written to the store
            seed = seed if seed is not None else new_seed()
            exercise_id = exercise_id or f"{compiled.id}-{dt.datetime.now():%Y%m%d-%H%M%S}"
            seat_map = seats.for_deck(compiled)
            programs = programs_for(agents, seats)
            ex, codes = Exercise.create(store, exercise_id, compiled, seat_map, seed=seed, turns=turns, facilitator=facilitator, programs=programs)
            lease = store.acquire_lease(exercise_id, Holder.this_process(), LEASE_TTL_S)
            # Never the seed: anyone who sees the banner (often projected) would know every roll.
            click.echo(f"Exercise {exercise_id}: {compiled.title} (store: {store.url})")
        if team_caps is not None:
            team_caps.for_deck(ex.deck)
            if team_caps.every is not None:
                ex.session.set_team_cap(team_caps.every)
            for seat, members in team_caps.seats.items():
                ex.session.set_team_cap(members, seat)
        url = f"http://{address}:{port}"
        local_api = f"http://127.0.0.1:{port}"
        server = Host(ex, browser_command=None if no_browser else browser_command(local_api), limits=Limits(tabs_total=max_tabs), lease=lease)
        lease = None  # the host renews it while it runs, and gives it back when it stops
        if not no_browser:
            try:
                import textual_serve  # noqa: F401
            except ImportError:
                server.browser_command = None
                click.echo("(textual-serve is not installed: no browser app, terminal clients only)")
        click.echo("")
        if server.browser_command:
            click.echo(f"  Teams in a browser:   {url}/")
        click.echo(f"  Teams in a terminal:  wargame join {url} --code CODE")
        click.echo(f"  Agents over HTTP:     python3 {example_agent()} --host {url} --code CODE")
        if PROJECTOR in codes:
            click.echo(f"  Projector (public):   {url}/projector?code={codes[PROJECTOR]}")
        else:
            click.echo(f"  Projector (public):   {url}/projector (the projector's page from before reconnects on its own)")
        if not public:
            click.echo("  (this machine only: restart with --public to let other laptops join)")
        if codes:
            click.echo("\nJoin codes (give each team only its own):")
            for role, code in codes.items():
                if role == PROJECTOR:
                    continue
                name = "Facilitator" if role == FACILITATOR else ex.deck.actor_name(role)
                click.echo(f"  {name:<22} {code}")
        click.echo("\nPress Ctrl+C to stop; run the same command with --exercise " f"{ex.id} to resume.", err=False)
        sys.stdout.flush()

        server.run(bind, port)
    finally:
        if lease is not None:  # it did not get as far as serving
            store.release_lease(lease)
        store.close()


@click.command()
@click.argument("url")
@click.option("--code", envvar="WARGAME_CODE", default="", help="Your join code (asked for when not given; or set WARGAME_CODE).")
@click.option("--name", envvar="WARGAME_NAME", default="", help="Your display name, when your team shares its seat on several devices (or set WARGAME_NAME).")
@user_errors
def join(url: str, code: str, name: str) -> None:
    """Open your seat (or the facilitator's console, or the projector) of a hosted exercise."""
    from wargame.net.client import check_url
    from wargame.procs import end_with_starter

    end_with_starter()  # a browser tab's: it ends with the host that started it
    from wargame.tui.join import run_remote

    run_remote(check_url(url), code, name)


COMMANDS = (host, join)
"""Registered on `wargame` by `wargame.cli` (every command module has its COMMANDS)."""
