"""The order sheet of a seat playing over the network (`wargame join`), offers and targets included.

It reads only what the host sent this seat (`RemoteSession`): the offers made to it that
wait for an answer come first (accept, refuse, or let them expire; answering is free), then
its moves, a targeted move once with a picker for its target. What it seals is plain move
ids (`warn@b`, `talks@b/accept`); the host checks them with the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from wargame.play.control import Session
from wargame.play.readmodel import MoveChoice
from wargame.tui.remote_session import RemoteSession
from wargame.tui.render import (
    BAD,
    DISABLED,
    GOOD,
    HEAD,
    MUTED,
    WARN,
    heading,
    move_detail,
    move_prompt,
    objectives_block,
    private_block,
)
from wargame.tui.screens.base import GameScreen
from wargame.tui.screens.review import ReviewScreen
from wargame.tui.widgets import SeatStrip, TitleBar, TracksView
from wargame.words import count

Answer = Literal["accept", "refuse"]


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the sheet: an offer to answer, a plain move, or a targeted move."""

    kind: Literal["offer", "move", "group"]
    key: str
    """The offer's move id, the move's id, or the targeted move's base id."""


def offer_lines(offer: dict[str, Any], unit: str, turn: int) -> list[Content]:
    """An offer's terms in words: who offers what, by when to answer, what each answer does."""
    when = "answer this " + unit + " (the last chance)" if offer["deadline"] <= turn else f"answer by {unit} {offer['deadline']}"
    secret = "  (secret)" if offer["secret"] else ""
    lines = [
        Content.assemble((offer["maker_name"], "bold"), " offers you: ", (offer["name"], "bold"), (secret, MUTED)),
        Content.styled(f"Made in {unit} {offer['made']} · {when}; unanswered, it expires.", MUTED),
    ]
    for key, title in (("accept", "If you accept"), ("refuse", "If you refuse"), ("expire", "If you let it expire")):
        effects = offer[f"{key}_effects"]
        news = offer.get(f"{key}_news", "")
        parts: list[str | Content | tuple[str, str]] = [(f"{title}: ", "bold"), "; ".join(effects) or "no effect on the tracks"]
        if news:
            parts += [("  “", MUTED), (news, MUTED), ("”", MUTED)]
        lines.append(Content.assemble(*parts))
    return lines


class TargetPicker(ModalScreen[str | None]):
    """Pick the target of a targeted move; unavailable targets show why. Dismisses the move
    id to order (`warn@b`), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Back")]

    def __init__(self, group: dict[str, Any], picked: list[str]) -> None:
        super().__init__()
        self.group = group
        self.picked = picked

    def compose(self) -> ComposeResult:
        options = []
        for t in self.group["targets"]:
            if t["available"]:
                box = ("[x] ", f"bold {GOOD}") if t["move"] in self.picked else ("[ ] ", MUTED)
                options.append(Option(Content.assemble(box, (t["target_name"], "bold")), id=t["move"]))
            else:
                options.append(Option(Content.assemble(("✗ ", DISABLED), (t["target_name"], DISABLED), (f" — {t['reason']}", DISABLED)), id=t["move"], disabled=True))
        with Vertical(classes="dialog"):
            yield Static(Content.assemble(("Target of ", "bold"), (self.group["name"], "bold $accent"), ("  (Enter picks or unpicks, Esc goes back)", MUTED)), classes="dialog-body")
            yield OptionList(*options, id="targets")

    def on_mount(self) -> None:
        targets = self.query_one("#targets", OptionList)
        first = next((i for i, t in enumerate(self.group["targets"]) if t["available"]), None)
        if first is not None:
            targets.highlighted = first
        targets.focus()

    @on(OptionList.OptionSelected, "#targets")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RemoteOrdersScreen(GameScreen):
    """A networked seat's orders: answers to offers, moves, targets; review and seal."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "pick", "Pick / answer"),
        Binding("a", "answer('accept')", "Accept offer"),
        Binding("r", "answer('refuse')", "Refuse offer"),
        Binding("c", "review", "Review & confirm"),
    ]

    @dataclass
    class Confirmed(Message):
        seat: str
        orders: tuple[str, ...]

    def __init__(self, session: RemoteSession) -> None:
        super().__init__(cast(Session, session), session.seat)
        self.remote = session
        self.seat = session.seat
        self.turn = session.turn
        self.picks: list[str] = []
        """Move ids picked (targets included), in order: these use order slots."""
        self.answers: dict[str, Answer] = {}
        """Offer move id -> the answer picked (answers are free)."""
        self._load()

    def _load(self) -> None:
        s = self.remote
        self.allowed = s.allowed(self.seat)
        self.choices: dict[str, MoveChoice] = {c.move.id: c for c in s.moves()}
        self.offers: dict[str, dict[str, Any]] = {o["move"]: o for o in s.offers_waiting()}
        self.groups: dict[str, dict[str, Any]] = {g["base"]: g for g in s.move_groups()}
        grouped = {t["move"] for g in self.groups.values() for t in g["targets"]}
        self.rows: list[Row | None] = []
        """None: a heading line."""
        if self.offers:
            self.rows.append(None)
            self.rows += [Row("offer", k) for k in self.offers]
            self.rows.append(None)
        seen: set[str] = set()
        for c in self.choices.values():
            move = c.move
            if getattr(move, "answer", None) is not None:
                continue  # answered through the offers above
            if move.id in grouped:
                base = getattr(move, "base", move.id)
                if base not in seen:
                    seen.add(base)
                    self.rows.append(Row("group", base))
                continue
            self.rows.append(Row("move", move.id))
        # Keep what is still possible after an update (an inject can change the sheet).
        self.picks = [m for m in self.picks if m in self.choices and self.choices[m].available]
        self.answers = {k: v for k, v in self.answers.items() if k in self.offers}

    # -- drawing ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        s = self.remote
        seat = self.seat
        yield TitleBar(Content.assemble((s.actor_name(seat), "bold"), " — orders"), s.turn_label())
        with Horizontal(id="orders-body"):
            with VerticalScroll(id="brief"):
                yield Static(id="coach")
                public, own = s.tracks(), s.tracks(seat)
                longest = max((len(t.label) for t in [*public, *own]), default=8)
                yield TracksView(public, "Tracks", names=False, longest=longest, id="tracks")
                yield TracksView(own, Content.styled(s.actor_name(seat), HEAD), names=False, longest=longest, id="own-tracks")
                yield Static(id="my-offers")
                yield Static(id="secret-news")
                yield Static(Content("\n").join([Content.assemble(heading("Objectives"), ("  ✓ met now", MUTED)), objectives_block(s.objectives())]), id="objectives")
                yield Static(Content("\n").join([heading("Briefing"), Content(s.deck.actor_brief(seat) or "No briefing.")]), id="brief-text")
            with Vertical(id="moves-col"):
                yield Static(id="moves-title")
                yield OptionList(*self._options(), id="moves")
                with VerticalScroll(id="detail-box"):
                    yield Static(id="detail")
        yield Static(id="picks")
        yield SeatStrip(cast(Session, s))
        yield Footer()

    def on_mount(self) -> None:
        self._draw_brief()
        moves = self.query_one("#moves", OptionList)
        first = self._first_row()
        moves.highlighted = first
        moves.focus()
        self._show_detail(first)
        self._show_picks()

    def _first_row(self) -> int:
        """An offer to answer first, else the first move that may be ordered."""
        for i, row in enumerate(self.rows):
            if row is not None and (row.kind == "offer" or self._row_available(row)):
                return i
        return next((i for i, row in enumerate(self.rows) if row is not None), 0)

    def _row_available(self, row: Row) -> bool:
        if row.kind == "move":
            return self.choices[row.key].available
        if row.kind == "group":
            return bool(self.groups[row.key]["available"])
        return True

    def _draw_brief(self) -> None:
        s = self.remote
        coach = s.coach()
        widget = self.query_one("#coach", Static)
        widget.display = bool(coach)
        widget.update(Content.assemble(("Coach: ", "bold"), coach) if coach else "")
        unit = s.deck.turn_name
        mine = s.my_offers_waiting()
        lines = [heading("Your offers waiting for an answer")]
        for o in mine:
            lines.append(Content.assemble("• ", (o["name"], "bold"), (f"  answer due by {unit} {o['deadline']}", MUTED)))
        block = self.query_one("#my-offers", Static)
        block.display = bool(mine)
        block.update(Content("\n").join(lines))
        private = s.private_report(s.turn - 1) if s.turn > 1 else None
        secret = self.query_one("#secret-news", Static)
        shown = private is not None and bool(private.news or private.rolls or private.changes or private.thresholds)
        secret.display = shown
        if private is not None and shown:
            secret.update(Content("\n").join([heading(f"Only you know ({unit} {s.turn - 1})"), private_block(private, cast(Any, s.deck))]))

    def _prompt(self, row: Row | None, index: int) -> Content:
        if row is None:
            first = index == 0 and bool(self.offers)
            return heading("Offers waiting for your answer (free)" if first else "Moves")
        if row.kind == "offer":
            o = self.offers[row.key]
            answer = self.answers.get(row.key)
            mark = {"accept": ("[accept] ", f"bold {GOOD}"), "refuse": ("[refuse] ", f"bold {BAD}"), None: ("[ ? ] ", WARN)}[answer]
            unit = self.remote.deck.turn_name
            due = f"  last {unit} to answer" if o["deadline"] <= self.remote.turn else f"  answer by {unit} {o['deadline']}"
            return Content.assemble(mark, (o["maker_name"], "bold"), ": ", o["name"], (due, MUTED))
        if row.kind == "group":
            g = self.groups[row.key]
            picked = [t["target_name"] for t in g["targets"] if t["move"] in self.picks]
            if not g["available"]:
                reasons = sorted({t["reason"] for t in g["targets"]})
                return Content.assemble(("✗ ", DISABLED), (g["name"], DISABLED), (f" — {'; '.join(reasons)}", DISABLED))
            box = ("[x] ", f"bold {GOOD}") if picked else ("[ ] ", MUTED)
            target = f" → {', '.join(picked)}" if picked else "  (pick a target)"
            sample = self.choices[g["targets"][0]["move"]]
            return Content.assemble(box, (g["name"], "bold" if picked else ""), (target, "bold" if picked else MUTED), (f"  {sample.move.category}", MUTED))
        choice = self.choices[row.key]
        return move_prompt(choice, row.key in self.picks)

    def _options(self) -> list[Option]:
        return [Option(self._prompt(row, i), disabled=row is None) for i, row in enumerate(self.rows)]

    def _refresh_options(self) -> None:
        moves = self.query_one("#moves", OptionList)
        for i, row in enumerate(self.rows):
            moves.replace_option_prompt_at_index(i, self._prompt(row, i))

    def _show_detail(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        if row is None:
            return
        s = self.remote
        detail = self.query_one("#detail", Static)
        if row.kind == "offer":
            o = self.offers[row.key]
            lines = offer_lines(o, s.deck.turn_name, s.turn)
            lines.append(Content.styled("Press a to accept, r to refuse, space to change your answer; "
                                        "answering uses none of your orders.", MUTED))
            detail.update(Content("\n").join(lines))
            return
        if row.kind == "group":
            g = self.groups[row.key]
            shown = next((t for t in g["targets"] if t["move"] in self.picks), None) or next((t for t in g["targets"] if t["available"]), g["targets"][0])
            lines = [move_detail(self.choices[shown["move"]], cast(Any, s.deck), s.move_words(cast(Any, self.choices[shown["move"]].move)))]
            lines.append(heading("Targets (Enter or space to pick)"))
            for t in g["targets"]:
                if t["available"]:
                    lines.append(Content.assemble(("✓ " if t["move"] in self.picks else "· ", GOOD if t["move"] in self.picks else MUTED), t["target_name"]))
                else:
                    lines.append(Content.assemble(("✗ ", DISABLED), (t["target_name"], DISABLED), (f" — {t['reason']}", DISABLED)))
            detail.update(Content("\n").join(lines))
            return
        choice = self.choices[row.key]
        detail.update(move_detail(choice, cast(Any, s.deck), s.move_words(cast(Any, choice.move))))

    def _show_picks(self) -> None:
        deck = self.remote.deck
        unit = deck.turn_name
        self.query_one("#moves-title", Static).update(Content.assemble(("Moves", HEAD), (f" — pick up to {self.allowed} this {unit}", MUTED)))
        names = [self.choices[m].move.name for m in self.picks]
        parts: list[str | Content | tuple[str, str]] = [
            ("Orders: ", "bold"),
            ", ".join(names) if names else ("none yet", MUTED),
            (f"  ({len(names)} of {self.allowed})", MUTED),
        ]
        if self.offers:
            answered = [f"{a} {self.offers[k]['maker_name']}'s offer" for k, a in self.answers.items()]
            left = len(self.offers) - len(answered)
            parts += [("   Answers: ", "bold"), "; ".join(answered) if answered else ("none yet", MUTED)]
            if left:
                parts.append((f"  ({count(left, 'offer')} unanswered)", WARN))
        self.query_one("#picks", Static).update(Content.assemble(*parts))

    def refresh_view(self) -> None:
        """A new state from the host: redraw (picks still possible are kept)."""
        super().refresh_view()
        if not self.is_mounted:
            return
        before = list(self.rows)
        self._load()
        self._draw_brief()
        moves = self.query_one("#moves", OptionList)
        if self.rows != before:
            highlighted = moves.highlighted
            moves.clear_options()
            moves.add_options(self._options())
            moves.highlighted = min(highlighted or 0, max(0, len(self.rows) - 1))
        else:
            self._refresh_options()
        self._show_detail(moves.highlighted)
        self._show_picks()

    # -- choosing --------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#moves")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(event.option_index)

    @on(OptionList.OptionSelected, "#moves")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.activate(event.option_index)

    def action_pick(self) -> None:
        index = self.query_one("#moves", OptionList).highlighted
        if index is not None:
            self.activate(index)

    def activate(self, index: int) -> None:
        row = self.rows[index]
        if row is None:
            return
        if row.kind == "offer":
            nxt: dict[Answer | None, Answer | None] = {None: "accept", "accept": "refuse", "refuse": None}
            self._set_answer(row.key, nxt[self.answers.get(row.key)])
        elif row.kind == "group":
            g = self.groups[row.key]
            if not g["available"]:
                reasons = "; ".join(sorted({t["reason"] for t in g["targets"]}))
                self.notify(f"{g['name']} is not available: {reasons}", severity="warning", markup=False)
                return
            self.app.push_screen(TargetPicker(g, self.picks), self._target_picked)
        else:
            self.toggle(row.key)

    def action_answer(self, answer: Answer) -> None:
        index = self.query_one("#moves", OptionList).highlighted
        row = self.rows[index] if index is not None and 0 <= index < len(self.rows) else None
        if row is None or row.kind != "offer":
            if not self.offers:
                self.notify("No offer is waiting for your answer.", markup=False)
            else:
                self.notify("Highlight an offer first (they are at the top of the list).", markup=False)
            return
        self._set_answer(row.key, None if self.answers.get(row.key) == answer else answer)

    def _set_answer(self, offer: str, answer: Answer | None) -> None:
        if answer is None:
            self.answers.pop(offer, None)
        else:
            self.answers[offer] = answer
        self._redraw()

    def _target_picked(self, move_id: str | None) -> None:
        if move_id is not None:
            self.toggle(move_id)

    def toggle(self, move_id: str) -> None:
        choice = self.choices[move_id]
        if move_id in self.picks:
            self.picks.remove(move_id)
        elif not choice.available:
            self.notify(f"{choice.move.name} is not available: {choice.reason}", severity="warning", markup=False)
            return
        elif len(self.picks) >= self.allowed:
            if self.allowed == 1:
                self.picks = [move_id]  # with one order a turn, picking another swaps it
            else:
                self.notify(f"You may give at most {self.allowed} orders: unpick one first.", severity="warning", markup=False)
                return
        else:
            self.picks.append(move_id)
        self._redraw()

    def _redraw(self) -> None:
        self._refresh_options()
        self._show_detail(self.query_one("#moves", OptionList).highlighted)
        self._show_picks()

    def orders(self) -> tuple[str, ...]:
        """What is sealed: the answers (free), then the picked moves."""
        answers = [self.offers[k][v] for k, v in self.answers.items()]
        return (*answers, *self.picks)

    def action_review(self) -> None:
        left = [self.offers[k] for k in self.offers.keys() - self.answers.keys()]
        if left:
            # Said before sealing, so leaving an offer unanswered is a choice, not an oversight.
            unit = self.remote.deck.turn_name
            names = "; ".join(f"{o['maker_name']}'s ({o['name']}, expires after {unit} {o['deadline']})" for o in left)
            self.notify(f"Unanswered: {names}. Press a or r on it to answer.", severity="warning", markup=False, timeout=8)
        chosen = [self.choices[m] for m in self.orders()]
        self.app.push_screen(ReviewScreen(cast(Any, self.remote.deck), self.remote.actor_name(self.seat), chosen), self._reviewed)

    def _reviewed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.post_message(self.Confirmed(self.seat, self.orders()))

