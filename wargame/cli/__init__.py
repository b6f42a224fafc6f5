"""The command line: validate decks, play headless games, simulate, replay saves, debrief,
host a classroom, open the UI.

One module per family of commands; each lists its top-level commands in `COMMANDS`, and
this module registers them all on the `wargame` group (the only place that does). Errors
a user can cause print one clear line and exit 2; there is never a traceback for bad input.
"""

from __future__ import annotations

import click

from wargame import __version__
from wargame.cli import debrief, deck, net, play, simulate, store
from wargame.cli.common import OneLineErrors, fail
from wargame.errors import WargameError

COMMAND_MODULES = (play, simulate, deck, debrief, net, store)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wargame")
def cli() -> None:
    """wargame: a policy wargame engine with a terminal UI.

    Start with `wargame play` (the terminal UI), or `wargame validate decks/*.toml`.
    """


for _module in COMMAND_MODULES:
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """The `wargame` program (and `python -m wargame`)."""
    try:
        cli.main(prog_name="wargame", standalone_mode=True)
    except WargameError as exc:  # pragma: no cover - commands catch their own
        fail(f"error: {exc}")
