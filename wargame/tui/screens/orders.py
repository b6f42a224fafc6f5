"""The orders screen: one seat's briefing, objectives and tracks, and its order sheet.

Every move of the seat is listed; unavailable ones are greyed with the engine's reason
and cannot be picked. The highlighted move's details show beside the list. Picks stay
on this screen until confirmed: only confirmed orders reach the session (and the save).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from wargame.play.control import Session
from wargame.play.readmodel import MoveChoice
from wargame.tui.render import (
    HEAD,
    MUTED,
    heading,
    move_detail,
    move_prompt,
    objectives_block,
    private_block,
)
from wargame.tui.screens.base import GameScreen
from wargame.tui.screens.review import ReviewScreen
from wargame.tui.widgets import SeatStrip, TitleBar, TracksView


class OrdersScreen(GameScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "pick", "Pick"),
        Binding("c", "review", "Review & confirm"),
    ]

    @dataclass
    class Confirmed(Message):
        seat: str
        orders: tuple[str, ...]

    def __init__(self, session: Session, seat: str) -> None:
        super().__init__(session, seat)
        self.seat = seat
        read = session.read(seat)
        self.choices: list[MoveChoice] = read.moves()
        # Plain words for each move, as this seat may know them (never naming a secret
        # move it cannot know of).
        self.words = {c.move.id: read.move_words(c.move) for c in self.choices}
        self.coach = read.coach()
        self.allowed = session.allowed(seat)
        self.picks: list[str] = []

    def compose(self) -> ComposeResult:
        s = self.session
        seat = self.seat
        deck = s.deck
        yield TitleBar(Content.assemble((s.actor_name(seat), "bold"), " — orders"), s.turn_label())
        with Horizontal(id="orders-body"):
            with VerticalScroll(id="brief"):
                # What changes turn to turn comes first, so it shows even at 80x24.
                read = s.read(seat)
                if self.coach:
                    yield Static(Content.assemble(("Coach: ", "bold"), self.coach), id="coach")
                public, own = read.tracks(), read.tracks(seat)
                longest = max(len(t.label) for t in [*public, *own])
                yield TracksView(public, "Tracks", names=False, longest=longest, id="tracks")
                yield TracksView(own, Content.styled(s.actor_name(seat), HEAD), names=False, longest=longest, id="own-tracks")
                if s.turn > 1:
                    private = read.private_report(s.turn - 1)
                    if private.news or private.rolls or private.changes or private.thresholds:
                        unit = deck.turn_name
                        yield Static(
                            Content("\n").join([heading(f"Only you know ({unit} {s.turn - 1})"), private_block(private, deck)]),
                            id="secret-news",
                        )
                yield Static(Content("\n").join([Content.assemble(heading("Objectives"), ("  ✓ met now", MUTED)), objectives_block(read.objectives())]), id="objectives")
                yield Static(Content("\n").join([heading("Briefing"), Content(deck.actor_brief(seat) or "No briefing.")]), id="brief-text")
            with Vertical(id="moves-col"):
                yield Static(id="moves-title")
                yield OptionList(*self._options(), id="moves")
                with VerticalScroll(id="detail-box"):
                    yield Static(id="detail")
        yield Static(id="picks")
        yield SeatStrip(s)
        yield Footer()

    def on_mount(self) -> None:
        moves = self.query_one("#moves", OptionList)
        first = next((i for i, c in enumerate(self.choices) if c.available), 0)
        moves.highlighted = first
        moves.focus()
        self._show_detail(first)
        self._show_picks()

    def _options(self) -> list[Option]:
        return [Option(move_prompt(c, c.move.id in self.picks), id=c.move.id) for c in self.choices]

    def _refresh_options(self) -> None:
        moves = self.query_one("#moves", OptionList)
        for i, c in enumerate(self.choices):
            moves.replace_option_prompt_at_index(i, move_prompt(c, c.move.id in self.picks))

    def _show_detail(self, index: int | None) -> None:
        if index is None or not self.choices:
            return
        choice = self.choices[index]
        self.query_one("#detail", Static).update(move_detail(choice, self.session.deck, self.words.get(choice.move.id)))

    def _show_picks(self) -> None:
        names = [self.session.deck.moves[self.session.deck.move_index[m]].name for m in self.picks]
        unit = self.session.deck.turn_name
        title = Content.assemble(
            ("Moves", HEAD), (f" — pick up to {self.allowed} this {unit}", MUTED)
        )
        self.query_one("#moves-title", Static).update(title)
        picked = Content.assemble(
            ("Orders: ", "bold"),
            ", ".join(names) if names else ("none yet", MUTED),
            (f"  ({len(names)} of {self.allowed})", MUTED),
        )
        self.query_one("#picks", Static).update(picked)

    @on(OptionList.OptionHighlighted, "#moves")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(event.option_index)

    @on(OptionList.OptionSelected, "#moves")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.toggle(event.option_index)

    def action_pick(self) -> None:
        index = self.query_one("#moves", OptionList).highlighted
        if index is not None:
            self.toggle(index)

    def toggle(self, index: int) -> None:
        choice = self.choices[index]
        move_id = choice.move.id
        if move_id in self.picks:
            self.picks.remove(move_id)
        elif not choice.available:
            self.notify(f"{choice.move.name} is not available: {choice.reason}", severity="warning", markup=False)
            return
        elif len(self.picks) >= self.allowed:
            if self.allowed == 1:
                self.picks = [move_id]  # with one order a turn, picking another swaps it
            else:
                self.notify(
                    f"You may give at most {self.allowed} orders: unpick one first.", severity="warning", markup=False
                )
                return
        else:
            self.picks.append(move_id)
        self._refresh_options()
        self._show_picks()

    def action_review(self) -> None:
        deck = self.session.deck
        chosen = [c for m in self.picks for c in self.choices if c.move.id == m]
        self.app.push_screen(ReviewScreen(deck, self.session.actor_name(self.seat), chosen), self._reviewed)

    def _reviewed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.post_message(self.Confirmed(self.seat, tuple(self.picks)))
