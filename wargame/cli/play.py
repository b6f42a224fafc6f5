"""The commands that open the terminal UI: `play` (a new or saved game) and `replay` (the
replay viewer, or a saved game as text, or its verification).
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wargame.cli.common import (
    interactive,
    names_save,
    pin_option,
    resolve_deck_path,
    unlock_save,
    user_errors,
)
from wargame.errors import WargameError
from wargame.text import cut, safe_text
from wargame.words import possessive

if TYPE_CHECKING:
    from wargame.observe.model import Observation
    from wargame.play.debrief import Said


@click.command()
@click.argument("save")
@click.option("--verify", is_flag=True, help="Re-resolve every turn and compare with the save.")
@click.option("--text", is_flag=True, help="Print the game turn by turn instead of opening the viewer (the default when output is not a terminal).")
@click.option("--seat", default="facilitator", show_default=True, help="Whose view to print with --text (an actor id, facilitator, or public).")
@click.option("--save-dir", type=click.Path(file_okay=False), default="saves", show_default=True, help="The saves folder of the game UI that play-from-here opens (a branch is written beside SAVE unless you name another path).")
@click.option("--present", is_flag=True, help="Open the viewer in presentation mode: one turn per screen for a room (s in the viewer).")
@pin_option
@user_errors
@names_save("save")
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
        unlock_save(model, pin, "the facilitator's view" if seat == FACILITATOR else f"{possessive(game.deck.actor_name(seat))} view")
    from wargame.observe.build import observe
    from wargame.saves.store import talk_of

    # What that seat (or the facilitator) knew by the end, and what it may read of what was said.
    obs = observe(game, seat, seats=model.seats, talk=talk_of(model))
    for line in printout(obs):
        click.echo(line)


WIDTH = 80
"""The printout's width: a terminal's, a page's, a projector's."""


def _wrapped(text: str, indent: str = "   ", hang: str = "     ") -> list[str]:
    """`text` (made safe already) in lines of at most `WIDTH` columns: the first after
    `indent`, the rest after `hang`; line breaks in a player's words are kept."""
    out: list[str] = []
    for n, paragraph in enumerate(text.split("\n")):
        lead = indent if n == 0 else hang
        out += textwrap.wrap(paragraph, WIDTH, initial_indent=lead, subsequent_indent=hang, break_on_hyphens=False) or [lead.rstrip()]
    return out


def _safe(parts: Iterable[tuple[str, str]]) -> str:
    """A line about talk made of its parts (`labels.note_words`): a player's own words may
    break lines; every other part (names, orders) stays on one, and the next part after
    `APART` starts a line of its own (a seal's split under its orders)."""
    from wargame.observe.labels import APART

    return "".join("\n" if text == APART else safe_text(text) if stress == "said" else cut(text, 300) for text, stress in parts)


def said_lines(obs: Observation, said: Said) -> list[str]:
    """What was said while one turn was decided, as `obs`'s viewer may read it (`said`,
    from `debrief.said_in`): messages, then the team's talk; each line led by its team's
    name only where several teams' may mix."""
    from wargame.observe.labels import message_author, message_to, note_words

    out: list[str] = []
    if said.messages:
        titles = {c.name: c.title for c in obs.channels}
        out.append("   Messages:")
        for m in said.messages:
            head = f"{message_author(m)} → {message_to(m, obs)}, on {titles.get(m.channel, m.channel)}: "
            out += _wrapped(_safe([(head, ""), (m.text, "said")]), "     ", "       ")
    if said.team:
        teams = {t.seat: t for t in obs.teams}
        out.append("   The teams' discussions:" if said.teams_named else "   The team's discussion:")
        for seat, n in said.team:
            lead = [(f"{obs.actor_short(seat)}: ", "")] if said.teams_named else []
            out += _wrapped(_safe([*lead, *note_words(n, teams.get(seat))]), "     ", "       ")
    return out


def printout(obs: Observation) -> Iterator[str]:
    """A saved game turn by turn as `obs`'s viewer knew it by the end, at most `WIDTH`
    columns a line: each turn's orders it may see, its news, and what was said (messages it
    may read, its team's talk); what was said in a turn still being decided, last."""
    from wargame.play.debrief import said_in

    unit = obs.game.turn_name
    if obs.opening is not None:  # the deck's opening and the facilitator's injects before the first orders
        yield from _wrapped(f"-- {safe_text(obs.opening.label)}", "", "   ")
        for item in obs.news_of(0):
            yield from _wrapped(safe_text(item.text))
    for info in obs.turns:
        yield f"-- {unit} {info.turn}"
        for orders in info.orders:
            if orders.visible:
                names = [o.label for o in orders.orders]
                yield from _wrapped(safe_text(f"{obs.actor_name(orders.actor)} ordered: {', '.join(names) or '(nothing)'}"))
        for item in obs.news_of(info.turn):
            yield from _wrapped(safe_text(item.text))
        yield from said_lines(obs, said_in(obs, info.turn))
    if not obs.game.over:
        pending = said_in(obs, obs.game.turn)
        if pending.messages or pending.team:
            yield f"-- {unit} {obs.game.turn} (still being decided when the game was saved)"
            yield from said_lines(obs, pending)
    if obs.game.ending is not None:
        yield from _wrapped(f"ending: {safe_text(obs.game.ending.title)}", "", "   ")


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
