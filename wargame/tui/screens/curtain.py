"""The pass-the-keyboard curtain: shown between seats so nobody sees another's orders.

It shows only what every seat may see (whose orders are sealed, never what they are).
The same screen says "computer seats are thinking" while the UI waits for a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, LoadingIndicator, Static

from wargame.observe.visibility import FACILITATOR, Viewer
from wargame.play.client import GameClient
from wargame.tui.render import MUTED
from wargame.tui.screens.base import GameScreen
from wargame.tui.widgets import SeatStrip, TitleBar


class CurtainScreen(GameScreen):
    """`seat` is the next to take the keyboard: an actor, `FACILITATOR`, or None while the
    computer seats are still thinking."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "ready", "I'm ready"),
        Binding("f", "facilitator", "Facilitator"),
    ]

    @dataclass
    class Ready(Message):
        seat: str

    def __init__(self, client: GameClient, viewer: Viewer, seat: str | None, note: str = "", *, facilitator: bool = False) -> None:
        """`viewer`: whose eyes the curtain is for (the public on a shared keyboard);
        `facilitator`: the game has a facilitator (whose own curtain offers the controls)."""
        super().__init__(client, viewer)
        self.seat = seat
        self.note = note
        self.facilitated = facilitator

    def compose(self) -> ComposeResult:
        obs = self.obs
        yield TitleBar(Content(obs.game.title), obs.game.turn_label)
        with Center(id="curtain-center"), Vertical(id="curtain-box"):
            if self.note:
                yield Static(Content.styled(self.note, MUTED), id="curtain-note")
            if self.seat is None:
                yield Static(Content.styled("The computer seats are choosing their orders…", "bold"), id="curtain-title")
                yield LoadingIndicator(id="thinking")
            else:
                who = "the facilitator" if self.seat == FACILITATOR else obs.actor_name(self.seat)
                yield Static(Content.assemble(("Pass to ", "bold"), (who, "bold $accent")), id="curtain-title")
                yield Static(Content.styled("press Enter when ready", MUTED), id="curtain-hint")
                if self.seat != FACILITATOR:
                    yield Static(Content.styled("(everyone else, please look away)", MUTED), id="curtain-away")
        yield SeatStrip(obs)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "ready":
            return self.seat is not None
        if action == "facilitator":
            # Only the facilitator's own curtain offers the controls; a seat's never does
            # (the facilitator can still open them from the palette, with the PIN).
            return self.facilitated and self.seat == FACILITATOR
        return True

    def action_facilitator(self) -> None:
        self.call_later(self.run_action, "app.facilitator")

    def action_ready(self) -> None:
        if self.seat is not None:
            self.post_message(self.Ready(self.seat))
