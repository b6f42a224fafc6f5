"""Helpers for the tests of game control and the debrief."""

from __future__ import annotations

from typing import Any


def stated_reasons(obs: Any, turn: int) -> list[tuple[str, str, str]]:
    """(actor name, move name, reason) for the orders of `turn` whose stated reasons an
    observation lets its viewer read (as the results screen lists them)."""
    out = []
    for seat in obs.turns[turn - 1].orders:
        for order in seat.orders:
            if order.reason:
                out.append((obs.actor_name(seat.actor), order.name, order.why()))
    return out
