"""The orders screen: one seat's briefing, objectives and tracks, and its order sheet.

Every move of the seat is listed; unavailable ones are greyed with the engine's reason
and cannot be picked. A targeted move is listed once and its target chosen in a picker.
Offers waiting for the seat's answer come first, in a section of their own: answers use
no order. Picks stay on this screen until confirmed: only confirmed orders reach the
session (and the save).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import DescendantFocus
from textual.message import Message
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from wargame.play.control import Session
from wargame.play.readmodel import MoveChoice, ReadModel
from wargame.play.sheet import (
    OfferToAnswer,
    SheetLine,
    answers_for,
    offer_terms,
    offers_to_answer,
    order_label,
    order_sheet,
    own_offers_waiting,
)
from wargame.tui.render import (
    HEAD,
    MUTED,
    answer_word,
    heading,
    move_detail,
    objectives_block,
    offer_detail,
    offer_prompt,
    offers_block,
    private_block,
    sheet_prompt,
    target_prompt,
    terms_block,
)
from wargame.tui.screens.answer import AnswerScreen
from wargame.tui.screens.base import GameScreen
from wargame.tui.screens.review import ReviewScreen
from wargame.tui.screens.target_picker import TargetPickerScreen
from wargame.tui.widgets import SeatStrip, TitleBar, TracksView
from wargame.words import possessive


class OffersList(OptionList):
    """The offers waiting for an answer: a, r and u answer the highlighted one at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer (it has no room at 80 columns): the detail beside says them.
        Binding("a", "answer('accept')", "Accept", show=False),
        Binding("r", "answer('refuse')", "Refuse", show=False),
        Binding("u", "answer('leave')", "Leave it", show=False),
    ]

    @dataclass
    class Answered(Message):
        index: int
        answer: str

    def action_answer(self, answer: str) -> None:
        if self.highlighted is not None:
            self.post_message(self.Answered(self.highlighted, answer))


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
        self.by_id = {c.move.id: c for c in self.choices}
        self.sheet: list[SheetLine] = order_sheet(self.choices)
        # Plain words for each move, as this seat may know them (never naming a secret
        # move it cannot know of).
        self.words = {c.move.id: read.move_words(c.move) for c in self.choices}
        self.coach = read.coach()
        self.allowed = session.allowed(seat)
        self.picks: list[str] = []
        # A networked seat's read model knows no offers yet: its sheet is plain moves.
        local = isinstance(read, ReadModel)
        self.offers: list[OfferToAnswer] = offers_to_answer(read) if local else []
        self.own_offers = own_offers_waiting(read) if local else []
        self.terms = offer_terms(read) if local else {}
        self.answers: dict[int, str] = {}
        """Offer slot to `accept` or `refuse` (no entry: no answer this turn)."""

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
                if self.own_offers:
                    yield Static(Content("\n").join([heading("Your offers"), offers_block(self.own_offers, deck, seat)]), id="own-offers")
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
                if self.offers:
                    yield Static(heading("Offers waiting for your answer"), id="offers-title")
                    yield OffersList(*self._offer_options(), id="offers")
                yield Static(id="moves-title")
                yield OptionList(*self._options(), id="moves")
                with VerticalScroll(id="detail-box"):
                    yield Static(id="detail")
        yield Static(id="picks")
        yield SeatStrip(s)
        yield Footer()

    def on_mount(self) -> None:
        moves = self.query_one("#moves", OptionList)
        first = next((i for i, line in enumerate(self.sheet) if line.available), 0)
        moves.highlighted = first
        if self.offers:
            # An offer must be answered in time: it comes first.
            offers = self.query_one("#offers", OptionList)
            offers.highlighted = 0
            offers.focus()
            self._show_offer(0)
        else:
            moves.focus()
            self._show_detail(first)
        self._show_picks()

    # -- the lists -----------------------------------------------------------------------
    def _options(self) -> list[Option]:
        return [Option(sheet_prompt(line, self.picks, self.session.deck), id=line.key) for line in self.sheet]

    def _offer_options(self) -> list[Option]:
        return [Option(offer_prompt(o, self.answers.get(o.slot)), id=f"offer-{o.slot}") for o in self.offers]

    def _refresh_options(self) -> None:
        moves = self.query_one("#moves", OptionList)
        for i, line in enumerate(self.sheet):
            moves.replace_option_prompt_at_index(i, sheet_prompt(line, self.picks, self.session.deck))
        if self.offers:
            offers = self.query_one("#offers", OptionList)
            for i, o in enumerate(self.offers):
                offers.replace_option_prompt_at_index(i, offer_prompt(o, self.answers.get(o.slot)))

    def _show_detail(self, index: int | None) -> None:
        if index is None or not self.sheet:
            return
        line = self.sheet[index]
        deck = self.session.deck
        if not line.targeted:
            choice = line.choices[0]
            self.query_one("#detail", Static).update(move_detail(choice, deck, self.words.get(choice.move.id)))
            return
        # A targeted move: its targets, then one of them in full as an example.
        parts: list[Content] = [Content.assemble((line.name, "bold"), ("  Enter: choose the target", MUTED))]
        for c in line.choices:
            parts.append(Content.assemble("  ", target_prompt(c, c.move.id in self.picks, deck)))
        example = next((c for c in line.choices if c.move.id in self.picks), None)
        example = example or next((c for c in line.choices if c.available), line.choices[0])
        parts += [Content(""), move_detail(example, deck, self.words.get(example.move.id))]
        terms = self.terms.get(example.move.id)
        if terms is not None:
            parts.append(terms_block(terms, deck.turn_name))
        self.query_one("#detail", Static).update(Content("\n").join(parts))

    def _show_offer(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.offers):
            self.query_one("#detail", Static).update(offer_detail(self.offers[index]))

    def _show_picks(self) -> None:
        deck = self.session.deck
        names = [order_label(self.by_id[m].move, deck) for m in self.picks]
        unit = deck.turn_name
        title = Content.assemble(("Moves", HEAD), (f" — pick up to {self.allowed} this {unit}", MUTED))
        self.query_one("#moves-title", Static).update(title)
        parts: list[str | Content | tuple[str, str]] = [
            ("Orders: ", "bold"),
            ", ".join(names) if names else ("none yet", MUTED),
            (f"  ({len(names)} of {self.allowed})", MUTED),
        ]
        if self.offers:
            parts.append(("   Answers: ", "bold"))
            for i, o in enumerate(self.offers):
                parts += [(", " if i else "", MUTED), f"{possessive(o.maker)} offer: ", answer_word(self.answers.get(o.slot))]
        self.query_one("#picks", Static).update(Content.assemble(*parts))

    @on(OptionList.OptionHighlighted, "#moves")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(event.option_index)

    @on(OptionList.OptionHighlighted, "#offers")
    def offer_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_offer(event.option_index)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # The detail box follows the list in use.
        if event.widget.id == "moves":
            self._show_detail(self.query_one("#moves", OptionList).highlighted)
        elif event.widget.id == "offers":
            self._show_offer(self.query_one("#offers", OptionList).highlighted)

    @on(OptionList.OptionSelected, "#moves")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.toggle(event.option_index)

    @on(OptionList.OptionSelected, "#offers")
    def offer_selected(self, event: OptionList.OptionSelected) -> None:
        self.ask_answer(event.option_index)

    @on(OffersList.Answered)
    def offer_answered(self, event: OffersList.Answered) -> None:
        self.set_answer(event.index, event.answer)

    def action_pick(self) -> None:
        focused = self.focused
        if focused is not None and focused.id == "offers":
            index = self.query_one("#offers", OptionList).highlighted
            if index is not None:
                self.ask_answer(index)
            return
        index = self.query_one("#moves", OptionList).highlighted
        if index is not None:
            self.toggle(index)

    # -- offers ----------------------------------------------------------------------------
    def ask_answer(self, index: int) -> None:
        offer = self.offers[index]

        def answered(answer: str | None) -> None:
            if answer is not None:
                self.set_answer(index, answer)

        self.app.push_screen(AnswerScreen(offer, self.answers.get(offer.slot)), answered)

    def set_answer(self, index: int, answer: str) -> None:
        offer = self.offers[index]
        if answer == "leave":
            self.answers.pop(offer.slot, None)
        else:
            choice = offer.answer_move(answer)
            if not choice.available:
                self.notify(f"{choice.move.name} is not available: {choice.reason}", severity="warning", markup=False)
                return
            self.answers[offer.slot] = answer
        self._refresh_options()
        self._show_picks()

    # -- orders ----------------------------------------------------------------------------
    def toggle(self, index: int) -> None:
        line = self.sheet[index]
        if not line.targeted:
            self.toggle_move(line.key)
            return
        if not line.available:
            self.notify(f"{line.name} is not available: {line.reason}", severity="warning", markup=False)
            return

        def chosen(move_id: str | None) -> None:
            if move_id is not None:
                self.toggle_move(move_id)

        self.app.push_screen(TargetPickerScreen(line, self.session.deck, self.picks, self.words, self.terms), chosen)

    def toggle_move(self, move_id: str) -> None:
        """Pick the move (one target of a targeted move), or take it back if picked."""
        choice = self.by_id[move_id]
        label = order_label(choice.move, self.session.deck)
        if move_id in self.picks:
            self.picks.remove(move_id)
        elif not choice.available:
            self.notify(f"{label} is not available: {choice.reason}", severity="warning", markup=False)
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
        moves = self.query_one("#moves", OptionList)
        if moves.has_focus:
            self._show_detail(moves.highlighted)

    def action_review(self) -> None:
        deck = self.session.deck
        chosen = [self.by_id[m] for m in self.picks]
        labels = {m: order_label(self.by_id[m].move, deck) for m in self.picks}
        answers = []
        for o in self.offers:
            # Leaving an offer on its last turn lets it expire: say so before sealing.
            expires = " (it expires after this " + o.unit + ")" if o.last_chance and o.slot not in self.answers else ""
            answers.append((f"{possessive(o.maker)} offer: {o.offer.name}{expires}", self.answers.get(o.slot)))
        self.app.push_screen(ReviewScreen(deck, self.session.actor_name(self.seat), chosen, labels, answers), self._reviewed)

    def _reviewed(self, confirmed: bool | None) -> None:
        if confirmed:
            orders = (*self.picks, *answers_for(self.offers, self.answers))
            self.post_message(self.Confirmed(self.seat, orders))
