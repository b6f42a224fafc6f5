"""The orders screen: one seat's briefing, objectives and tracks, and its order sheet.

Every move of the seat is listed; unavailable ones are greyed with the engine's reason
and cannot be picked. A targeted move is listed once and its target chosen in a picker.
Offers waiting for the seat's answer come first, in a section of their own: answers use
no order. Picks stay on this screen until confirmed: only confirmed orders reach the
session (and the save).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import DescendantFocus
from textual.message import Message
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from wargame.observe.model import MoveInfo, ObjectiveInfo, Observation
from wargame.observe.visibility import Viewer
from wargame.play.client import GameClient
from wargame.play.commands import GameCommand
from wargame.tui.render import (
    HEAD,
    MUTED,
    Line,
    answer_word,
    heading,
    move_detail,
    news_block,
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
from wargame.tui.sheet import OfferToAnswer, SheetLine, answers_for, offers_to_answer, order_sheet
from wargame.tui.widgets import Prose, SeatStrip, TitleBar, TracksView
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
        # A team sharing the seat proposes first (only its sealer confirms); said on the sheet.
        Binding("p", "propose", "Propose to the team", show=False),
    ]

    @dataclass
    class Confirmed(Message):
        seat: str
        orders: tuple[str, ...]
        turn: int = 0
        why: str = ""
        """The team's one line on why (empty: none), kept with its first order."""

        @property
        def reasons(self) -> list[str]:
            """The why as the orders' reasons: with the first order, none with the others."""
            return [self.why] if self.why and self.orders else []

    def __init__(self, client: GameClient, seat: str, *, brief: bool = False) -> None:
        """`brief`: open on the seat's briefing first (`flow.opens_on_briefing`)."""
        super().__init__(client, Viewer.seat(seat))
        self.seat = seat
        self.brief = brief
        obs = self.obs
        sheet = obs.seat
        assert sheet is not None, "an orders screen is a seat's"
        self.turn = obs.game.turn
        self.resolved = obs.game.resolved
        self.choices: list[MoveInfo] = list(sheet.moves)
        self.by_id = {c.id: c for c in self.choices}
        self.sheet: list[SheetLine] = order_sheet(self.choices)
        self.coach = sheet.coach
        self.allowed = sheet.allowed
        self.objectives = list(sheet.objectives)
        self.picks: list[str] = []
        self.offers: list[OfferToAnswer] = offers_to_answer(obs)
        self.own_offers = list(sheet.my_offers_waiting)
        self.answers: dict[int, str] = {}
        """Offer slot to `accept` or `refuse` (no entry: no answer this turn)."""

    def compose(self) -> ComposeResult:
        obs = self.obs
        sheet = obs.seat
        assert sheet is not None
        seat = self.seat
        unit = obs.game.turn_name
        yield TitleBar(Content.assemble((obs.actor_name(seat), "bold"), " — orders"), obs.game.turn_label)
        with Horizontal(id="orders-body"):
            with VerticalScroll(id="brief"):
                # What changes turn to turn comes first, so it shows even at 80x24.
                if self.coach:
                    yield Static(Content.assemble(("Coach: ", "bold"), self.coach), id="coach")
                public, own = obs.tracks_of(None), obs.tracks_of(seat)
                longest = max(len(t.label) for t in [*public, *own])
                yield TracksView(public, "Tracks", names=False, longest=longest, id="tracks")
                yield TracksView(own, Content.styled(obs.actor_name(seat), HEAD), names=False, longest=longest, id="own-tracks")
                team = Static(self._team_block(obs), id="team")
                team.display = bool(obs.teams)
                yield team
                talk = Static(self._messages_block(obs), id="messages")
                talk.display = bool(obs.messages)
                yield talk
                if self.own_offers:
                    yield Static(Content("\n").join([heading("Your offers"), offers_block(self.own_offers, unit)]), id="own-offers")
                private = sheet.private
                if private is not None and (private.news or private.rolls or private.changes or private.thresholds):
                    yield Static(
                        Content("\n").join([heading(f"Only you know ({unit} {private.turn})"), private_block(private, obs)]),
                        id="secret-news",
                    )
                yield Prose(self._objectives(sheet.objectives), id="objectives")
                yield Static(self._briefing(), id="brief-text")
            with Vertical(id="moves-col"):
                if self.offers:
                    yield Static(heading("Offers waiting for your answer"), id="offers-title")
                    yield OffersList(*self._offer_options(), id="offers")
                yield Static(id="moves-title")
                yield OptionList(*self._options(), id="moves")
                with VerticalScroll(id="detail-box"):
                    yield Static(id="detail")
        yield Static(id="picks")
        yield SeatStrip(obs)
        yield Footer()

    def _team_block(self, obs: Observation) -> Content:
        """The team sharing this seat: members, who seals, this turn's proposals."""
        from wargame.tui.screens.team import proposal_line, team_of, team_summary

        team = team_of(obs, self.seat)
        if team is None:
            return Content("")
        from wargame.tui.screens.team import note_line

        turn = obs.game.turn
        lines = [team_summary(team), *(proposal_line(p) for p in team.proposals(turn))]
        # The latest words said this turn (an objection's reason matters before sealing).
        lines += [note_line(n) for n in [n for n in team.notes if n.turn == turn and n.kind in {"comment", "object"}][-2:]]
        sealer = "you confirm" if team.sealer == self.client.member else f"{team.sealer} confirms"
        lines.append(Content.styled(f"p proposes your picks · t to discuss, agree or object · {sealer} (c)", MUTED))
        return Content("\n").join([heading("Your team"), *lines])

    def action_propose(self) -> None:
        from wargame.play.commands import Propose

        if not self.obs.teams:
            self.notify("No team shares this seat: confirm your orders with c.", markup=False)
            return
        self._propose(Propose(orders=list(self.picks)))

    @work(group="team", exit_on_error=False)
    async def _propose(self, command: GameCommand) -> None:
        reply = await self.client.send(command, self.seat)
        if reply.ok:
            self.notify("Proposed to your team.", markup=False)
        else:
            self.notify(reply.message, severity="error", markup=False, timeout=8)

    def _messages_block(self, obs: Observation) -> Content:
        """The latest messages this seat may read (they waited behind its curtain); m opens all."""
        from wargame.tui.screens.talk import message_block

        titles = {c.name: c.title for c in obs.channels}
        latest = [message_block(m, obs, titles) for m in obs.messages[-3:]]
        if not latest:
            return Content("")
        return Content("\n").join([Content.assemble(heading("Messages"), (f"  {len(obs.messages)} · m to read all and write", MUTED)), *latest])

    @staticmethod
    def _objectives(objectives: Sequence[ObjectiveInfo]) -> list[Line]:
        return [Content.assemble(heading("Objectives"), ("  ✓ met now", MUTED)), *objectives_block(objectives)]

    def _briefing(self) -> Content:
        sheet = self.obs.seat
        return Content("\n").join([heading("Briefing"), *self._opening(), Content(sheet.brief if sheet is not None and sheet.brief else "No briefing.")])

    def _opening(self) -> list[Content]:
        """Before the first orders, the scenario's opening news leads the briefing."""
        opening = self.obs.opening
        if opening is None or self.obs.game.resolved or not (opening.news or opening.thresholds):
            return []
        return [news_block([*opening.news, *opening.thresholds], self.obs), Content("")]

    def on_mount(self) -> None:
        super().on_mount()
        if self.brief:
            # A game opens on the seat's briefing: its objectives and how the game can end.
            self.call_later(self.app.run_action, "stakes(True)")
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
        return [Option(sheet_prompt(line, self.picks), id=line.key) for line in self.sheet]

    def _offer_options(self) -> list[Option]:
        return [Option(offer_prompt(o, self.answers.get(o.slot)), id=f"offer-{o.slot}") for o in self.offers]

    def _refresh_options(self) -> None:
        moves = self.query_one("#moves", OptionList)
        for i, line in enumerate(self.sheet):
            moves.replace_option_prompt_at_index(i, sheet_prompt(line, self.picks))
        if self.offers:
            offers = self.query_one("#offers", OptionList)
            for i, o in enumerate(self.offers):
                offers.replace_option_prompt_at_index(i, offer_prompt(o, self.answers.get(o.slot)))

    def _show_detail(self, index: int | None) -> None:
        if index is None or not self.sheet:
            return
        line = self.sheet[index]
        unit = self.obs.game.turn_name
        if not line.targeted:
            choice = line.choices[0]
            parts: list[Content] = [move_detail(choice)]
            if choice.offer is not None:
                parts.append(terms_block(choice.offer, unit))
            self.query_one("#detail", Static).update(Content("\n").join(parts))
            return
        # A targeted move: its targets, then one of them in full as an example.
        parts = [Content.assemble((line.name, "bold"), ("  Enter: choose the target", MUTED))]
        for c in line.choices:
            parts.append(Content.assemble("  ", target_prompt(c, c.id in self.picks)))
        example = next((c for c in line.choices if c.id in self.picks), None)
        example = example or next((c for c in line.choices if c.available), line.choices[0])
        parts += [Content(""), move_detail(example)]
        if example.offer is not None:
            parts.append(terms_block(example.offer, unit))
        self.query_one("#detail", Static).update(Content("\n").join(parts))

    def _show_offer(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.offers):
            self.query_one("#detail", Static).update(offer_detail(self.offers[index]))

    def _show_picks(self) -> None:
        names = [self.by_id[m].label for m in self.picks]
        unit = self.obs.game.turn_name
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
                self.notify(f"{choice.name} is not available: {choice.reason}", severity="warning", markup=False)
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

        self.app.push_screen(TargetPickerScreen(line, self.picks, self.obs.game.turn_name), chosen)

    def toggle_move(self, move_id: str) -> None:
        """Pick the move (one target of a targeted move), or take it back if picked."""
        choice = self.by_id[move_id]
        label = choice.label
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
        obs = self.obs
        from wargame.tui.screens.team import team_of

        team = team_of(obs, self.seat)
        if team is not None and self.client.member and self.client.member != team.sealer:
            # Only the sealer's seal counts: said now, not after a dialog and a typed reason.
            self.notify(f"{team.sealer} seals for your team: p proposes your picks to them (t to discuss).", markup=False, timeout=8)
            return
        chosen = [self.by_id[m] for m in self.picks]
        answers = []
        for o in self.offers:
            # Leaving an offer on its last turn lets it expire: say so before sealing.
            expires = " (it expires after this " + o.unit + ")" if o.last_chance and o.slot not in self.answers else ""
            answers.append((f"{possessive(o.maker)} offer: {o.offer.move_name or o.name}{expires}", self.answers.get(o.slot)))
        preview = None
        if team is not None and team.members:
            from wargame.tui.screens.team import seal_preview

            sealer = self.client.member or team.sealer
            preview = seal_preview(team, obs.game.turn, self.picks, sealer, obs.game.turn_name)
        self.app.push_screen(ReviewScreen(obs.game.turn_name, obs.actor_name(self.seat), chosen, answers, preview), self._reviewed)

    def _reviewed(self, why: str | None) -> None:
        if why is not None:
            orders = (*self.picks, *answers_for(self.offers, self.answers))
            self.post_message(self.Confirmed(self.seat, orders, self.turn, why))

    def show(self, obs: Observation) -> None:
        """The game moved on while this sheet is open (a computer sealed, the clock ticked):
        the strip follows; the picks stay (but those no longer available, `_follow_moves`)."""
        super().show(obs)
        self.query_one("#brief-text", Static).update(self._briefing())  # an inject may join the opening
        self._follow_moves(obs)
        team = self.query_one("#team", Static)
        team.display = bool(obs.teams)
        if obs.teams:
            team.update(self._team_block(obs))
        talk = self.query_one("#messages", Static)
        talk.display = bool(obs.messages)
        if obs.messages:
            talk.update(self._messages_block(obs))

    # -- the turn's moves changing under the sheet -----------------------------------------
    def _follow_moves(self, obs: Observation) -> None:
        """The seat's moves or tracks changed while this sheet is open in the same turn (an
        inject joined the opening, or was withdrawn from it: a flag set or a track moved
        makes moves available or not): the sheet shows them at once. The picks (and the
        answers) still available stay; those no longer available are dropped and said in
        one line; a dialog opened on the old moves (the review, a target picker) closes."""
        sheet = obs.seat
        game = obs.game
        if sheet is None or game.turn != self.turn or game.resolved != self.resolved or game.over:
            return  # the turn moved on: the next screen shows it
        public, own = obs.tracks_of(None), obs.tracks_of(self.seat)
        for view_id, readings in (("#tracks", public), ("#own-tracks", own)):
            view = self.query_one(view_id, TracksView)
            if view.readings != readings:
                view.set_readings(readings)
        if sheet.objectives != self.objectives:
            self.objectives = list(sheet.objectives)
            self.query_one("#objectives", Prose).show(self._objectives(sheet.objectives))
        offers = offers_to_answer(obs)
        same_offers = [o.slot for o in offers] == [o.slot for o in self.offers]
        if list(sheet.moves) == self.choices and sheet.allowed == self.allowed and (not same_offers or offers == self.offers):
            return
        before = {c.id: c.available for c in self.choices}
        old = self.by_id
        self.choices = list(sheet.moves)
        self.by_id = {c.id: c for c in self.choices}
        self.sheet = order_sheet(self.choices)
        self.allowed = sheet.allowed
        if sheet.coach and self.coach and sheet.coach != self.coach:
            self.coach = sheet.coach
            self.query_one("#coach", Static).update(Content.assemble(("Coach: ", "bold"), self.coach))
        unit = game.turn_name
        dropped: list[str] = []
        kept: list[str] = []
        for move_id in self.picks:
            choice = self.by_id.get(move_id)
            if choice is None or not choice.available:
                why = choice.reason if choice is not None else "no longer a move of yours"
                dropped.append(f"{old[move_id].label} ({why.rstrip('.')})")
            elif len(kept) >= self.allowed:
                dropped.append(f"{choice.label} (at most {self.allowed} orders this {unit} now)")
            else:
                kept.append(move_id)
        self.picks = kept
        if same_offers:  # offers come and go only as turns resolve: their answers follow here
            self.offers = offers
            for o in offers:
                answer = self.answers.get(o.slot)
                move = o.answer_move(answer) if answer is not None else None
                if move is not None and not move.available:
                    del self.answers[o.slot]
                    dropped.append(f"{move.name} ({move.reason.rstrip('.')})")
        self._rebuild_moves()
        self._close_dialogs()
        if dropped:
            self.notify(f"No longer available, taken off your orders: {'; '.join(dropped)}", severity="warning", markup=False, timeout=15)
        elif any(before.get(c.id) != c.available for c in self.choices):
            self.notify("The moves you may order have changed: the sheet shows them now.", markup=False)

    def _rebuild_moves(self) -> None:
        """The move list anew from `self.sheet`, the highlight kept on the same move."""
        moves = self.query_one("#moves", OptionList)
        index = moves.highlighted
        key = moves.get_option_at_index(index).id if index is not None and index < moves.option_count else None
        moves.clear_options()
        moves.add_options(self._options())
        keys = [line.key for line in self.sheet]
        moves.highlighted = keys.index(key) if key in keys else next((i for i, line in enumerate(self.sheet) if line.available), 0)
        if self.offers:
            offers = self.query_one("#offers", OptionList)
            for i, o in enumerate(self.offers):
                offers.replace_option_prompt_at_index(i, offer_prompt(o, self.answers.get(o.slot)))
        focused = self.focused
        if focused is not None and focused.id == "offers":
            self._show_offer(self.query_one("#offers", OptionList).highlighted)
        else:
            self._show_detail(moves.highlighted)
        self._show_picks()

    def _close_dialogs(self) -> None:
        """Close a dialog on this sheet that shows the old moves: the review (sealing from it
        would seal other picks than it lists), a target picker, an answer."""
        stack = self.app.screen_stack
        top = stack[-1]
        if len(stack) >= 2 and stack[-2] is self and isinstance(top, ReviewScreen | TargetPickerScreen | AnswerScreen):
            top.dismiss(None)
