"""The turn flow of the screens: what the people at this keyboard should see next.

One rule for every way of playing: a solo game, a hot-seat class with its facilitator, a
team joined over the network, the facilitator's own device and the projector. It reads
only the observation (who has sealed, what resolved, whether it is over) and who sits
here; the game itself moves on in its controller, never here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from wargame.observe.model import Observation
from wargame.observe.visibility import FACILITATOR

StepKind = Literal["results", "end", "curtain", "orders", "thinking", "facilitator", "wait", "computer", "projector"]


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Who sits at this keyboard."""

    seats: tuple[str, ...] = ()
    """The human seats played here (a hot-seat game has several; a joined team one)."""
    facilitator: bool = False
    """The facilitator is here."""
    shared: bool = False
    """More than one person uses this screen: seats hand over behind a curtain."""
    projector: bool = False
    """This screen is the room's projector."""
    joined: bool = False
    """A client of a hosted exercise (the host resolves; a sealed team waits)."""
    facilitator_here: bool = False
    """The facilitator is at the keyboard now (its console is open): the full results of a
    turn it resolved may be shown. Otherwise a shared screen shows the room the public
    results, and each seat reads its own behind its curtain (`seat_results`)."""


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    seat: str | None = None
    """The seat a curtain, an orders screen or a waiting screen is for."""
    turn: int = 0
    """The turn of results to show, or the turn being played."""


def next_step(obs: Observation, here: Keyboard, results_read: int) -> Step:
    """What to show next, from an observation with its room (`obs.room`) and the last
    resolved turn whose results this keyboard has already been shown."""
    game = obs.game
    if here.projector:
        return Step("projector", turn=game.turn)
    if here.facilitator and here.joined:
        return Step("facilitator", turn=game.turn)
    if game.resolved > results_read:
        # A shared screen shows the room the public results during the game (`seat` None),
        # the facilitator's (everything) only while its console is open at the keyboard.
        # At the end every secret is out.
        return Step("results", FACILITATOR if here.shared and here.facilitator_here and not game.over else None, game.resolved)
    if game.over:
        return Step("end", turn=game.turn)
    room = obs.room
    sealed = {s.actor for s in room.seats if s.sealed} if room is not None else set()
    computers = [a.id for a in obs.actors if a.seat.kind != "human"]
    for seat in here.seats:
        if seat in computers:
            return Step("computer", seat, game.turn)  # the facilitator handed it to a computer
        if seat not in sealed:
            return Step("curtain" if here.shared else "orders", seat, game.turn)
    if here.joined:
        return Step("wait", here.seats[0] if here.seats else None, game.turn)
    if any(a not in sealed for a in computers):
        return Step("thinking", turn=game.turn)
    if here.facilitator:
        return Step("curtain", FACILITATOR, game.turn)
    return Step("thinking", turn=game.turn)  # all in: the turn is resolving


def seat_results(mine: Observation, public: Observation, here: Keyboard, read: int) -> int | None:
    """The resolved turn whose results a seat should read behind its curtain before its
    orders on a shared screen (`mine` is its observation; it has read up to `read`): only
    when it may see more of that turn than the room was shown (`public`), or None."""
    turn = mine.game.resolved
    if not here.shared or mine.game.over or turn <= read:
        return None
    own, room = mine.turn_info(turn), public.turn_info(turn)
    if own is None or room is None:
        return None
    differs = own.moved != room.moved or own.rolls != room.rolls or own.news != room.news or own.thresholds != room.thresholds
    return turn if differs else None


def opens_on_briefing(mine: Observation, seat: str, briefed: Collection[str]) -> bool:
    """A seat's orders screen opens on its briefing (its objectives and how the game can
    end) the first time it opens before any turn has resolved (`mine` is its observation,
    `briefed` the seats already briefed here): in a solo game, a hot-seat class and a team
    joined over the network alike."""
    return mine.game.resolved == 0 and seat not in briefed
