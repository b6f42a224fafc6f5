"""The commands that open the terminal UI: `play` (a new or saved game) and `replay` (the
replay viewer, or a saved game as text, or its verification).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wargame.cli.common import interactive, pin_option, resolve_deck_path, unlock_save, user_errors
from wargame.errors import WargameError
from wargame.text import cut, safe_text


@click.command()
@click.argument("save")
@click.option("--verify", is_flag=True, help="Re-resolve every turn and compare with the save.")
@click.option("--text", is_flag=True, help="Print the game turn by turn instead of opening the viewer (the default when output is not a terminal).")
@click.option("--seat", default="facilitator", show_default=True, help="Whose view to print with --text (an actor id, facilitator, or public).")
@click.option("--save-dir", type=click.Path(file_okay=False), default="saves", show_default=True, help="The saves folder of the game UI that play-from-here opens (a branch is written beside SAVE unless you name another path).")
@click.option("--present", is_flag=True, help="Open the viewer in presentation mode: one turn per screen for a room (s in the viewer).")
@pin_option
@user_errors
def replay(save: str, verify: bool, text: bool, seat: str, save_dir: str, present: bool, pin: str | None) -> None:
    """Debrief a saved game in the replay viewer; --text prints it, --verify checks it.

    A game with a facilitator's PIN is printed in any view but the public one only with
    its PIN (--pin, or at the prompt): the viewer asks for it the same way."""
    from wargame.observe.visibility import FACILITATOR, PUBLIC_NAME
    from wargame.saves.store import read_save
    from wargame.saves.store import replay as run_replay
    from wargame.saves.store import verify as run_verify

    model = read_save(save)
    if verify:
        result = run_verify(model)
        name = cut(save, 200)
        for line in result.unchecked:  # what verify could not check, and why (a program is never run)
            click.echo(f"{name}: note: {cut(line, 300)}", err=True)
        if result.ok:
            click.echo(f"{name}: ok: {result.detail}")
            return
        # One line: the first turn and field that differ (the detail names both).
        click.echo(f"{name}: MISMATCH: {cut(result.detail, 400)}", err=True)
        sys.exit(1)
    if not text and interactive():
        from wargame.tui.app import run_replay as open_viewer

        open_viewer(Path(save), Path(save_dir), present=present)
        return
    game = run_replay(model)
    if seat not in (FACILITATOR, PUBLIC_NAME) and seat not in game.deck.actors:
        raise WargameError(f"--seat: unknown seat '{cut(seat, 60)}' (actors: {', '.join(game.deck.actors)}, facilitator, or public)")
    if seat != PUBLIC_NAME:
        unlock_save(model, pin, "the facilitator's view" if seat == FACILITATOR else f"{game.deck.actor_name(seat)}'s view")
    from wargame.observe.build import observe

    obs = observe(game, seat, seats=model.seats)  # what that seat (or the facilitator) knew by the end
    unit = obs.game.turn_name
    if obs.opening is not None:  # the deck's opening and the facilitator's injects before the first orders
        click.echo(f"-- {safe_text(obs.opening.label)}")
        for item in obs.news_of(0):
            click.echo(f"   {safe_text(item.text)}")
    for info in obs.turns:
        click.echo(f"-- {unit} {info.turn}")
        for orders in info.orders:
            if orders.visible:
                names = [o.label for o in orders.orders]
                click.echo(safe_text(f"   {obs.actor_name(orders.actor)} ordered: {', '.join(names) or '(nothing)'}"))
        for item in obs.news_of(info.turn):
            click.echo(f"   {safe_text(item.text)}")
    if game.ending:
        click.echo(f"ending: {safe_text(game.ending.title)}")


@click.command()
@click.argument("deck", required=False, default="korea-2022")
@click.option("--save-dir", type=click.Path(file_okay=False), default="saves", show_default=True, help="Where games are saved.")
@user_errors
def play(deck: str, save_dir: str) -> None:
    """Open the terminal UI (korea-2022 by default)."""
    from wargame.tui.app import run_app

    run_app(deck=str(resolve_deck_path(deck)), save_dir=Path(save_dir))


COMMANDS = (play, replay)
"""Registered on `wargame` by `wargame.cli` (every command module has its COMMANDS)."""
