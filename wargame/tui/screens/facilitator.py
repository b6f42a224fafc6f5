"""The facilitator's control screen: sees everything, fires injects, sets the dice,
runs a countdown, pauses the room, and resolves the turn.

Injects written on the spot are checked exactly as deck text is (the engine compiles
them); a mistake shows its message here and nothing is queued.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from wargame.deck.describe import Describer
from wargame.engine.offers import OfferRecord
from wargame.engine.state import FACILITATOR
from wargame.errors import WargameError
from wargame.play.control import Session
from wargame.play.sheet import order_label
from wargame.tui.render import BAD, GOOD, MUTED, WARN, heading, offers_block, pending_roll_prompt
from wargame.tui.screens.base import GameScreen
from wargame.tui.screens.confirm import ConfirmScreen
from wargame.tui.widgets import SeatStrip, TitleBar
from wargame.words import count


class FacilitatorScreen(GameScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "resolve", "Resolve"),
        Binding("p", "app.pause", "Pause"),
        # Shown only while a countdown runs (see check_action); one footer entry for both,
        # so Quit stays in view at 80 columns.
        Binding("plus,equals_sign", "adjust_time(60)", "1 min", key_display="+/-"),
        Binding("minus", "adjust_time(-60)", "1 min less", show=False),
    ]

    class Resolve(Message):
        """The facilitator resolves the turn."""

    class CountdownChanged(Message):
        """The facilitator changed the time left: save it and show it everywhere at once."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, FACILITATOR)

    def compose(self) -> ComposeResult:
        s = self.session
        yield TitleBar(Content.assemble(("Facilitator", "bold"), "  ", s.turn_label()), "you see everything")
        with VerticalScroll(id="control"):
            yield Static(id="fac-seats")
            yield Static(id="fac-offers")
            yield Static(heading("Chance rolls of the sealed orders"), classes="section")
            yield Static(Content.styled("Enter on a roll cycles: roll the dice → force success → force failure.", MUTED), classes="hint")
            yield OptionList(id="rolls", compact=True)
            yield Static(heading("Fire an inject from the deck"), classes="section")
            events = [
                Option(Content.assemble(name or eid, ("  (inject)" if inject else "  (event)", MUTED)), id=eid)
                for eid, name, inject in s.inject_events()
            ]
            yield OptionList(*events, id="events", compact=True)
            yield Static(heading("Write an inject"), classes="section")
            yield Input(placeholder="What happens (the news everyone reads)", id="inject-text", compact=True)
            yield Input(placeholder=f"Effects, e.g. {self._example_effects()}", id="inject-effects", compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Fire inject", id="fire-custom", variant="warning", compact=True)
            yield Static(id="inject-error")
            yield Static(id="queued-title")
            yield OptionList(id="queued", compact=True)
        # Below the scrolling controls: the countdown, the pause and Resolve are always in
        # view, however many seats, rolls and injects the deck has.
        with Horizontal(id="fac-bar"):
            yield Input(placeholder="minutes", type="number", id="minutes", max_length=5, compact=True)
            yield Button("Start countdown", id="countdown-start", compact=True)
            yield Button("Stop", id="countdown-stop", compact=True)
            yield Button("Pause (p)", id="pause", compact=True)
            yield Button("Resolve (r)", id="resolve", variant="primary", compact=True)
        yield SeatStrip(s)
        yield Footer()

    def _example_effects(self) -> str:
        """Effects in this deck's own names, as a hint of the syntax."""
        names = self.session.deck.slot_names
        glob = next((n for n in names if "." not in n), None)
        own = next((n for n in names if "." in n), None)
        parts = [f"{glob} += 1" if glob else "", f"{own} -= 1" if own else ""]
        return "; ".join(p for p in parts if p) or "flags.name = true"

    def on_mount(self) -> None:
        tries = self.session.lock.unseen_failures()
        if tries:
            unit = self.session.deck.turn_name
            when = ", ".join(f"{unit} {t}" for t in sorted(set(tries)))
            self.notify(f"Someone entered a wrong facilitator PIN {count(len(tries), 'time')} ({when}).", title="Warning", severity="warning", markup=False, timeout=15)
        self.refresh_view()
        self.query_one("#rolls" if self.session.ready else "#events", OptionList).focus()

    def refresh_view(self) -> None:
        super().refresh_view()
        s = self.session
        lines = [heading("Seats and their sealed orders")]
        for actor in s.deck.actors:
            sealed = s.sealed(actor)
            who = Content.assemble((s.actor_name(actor), "bold"), (f"  {s.seat_label(actor)}", MUTED))
            lines.append(who)
            if sealed is None:
                lines.append(Content.styled("  still choosing", WARN))
                continue
            names, reasons = sealed
            ids = s.sealed_ids(actor) or ()
            if not names:
                lines.append(Content.styled("  no orders", MUTED))
            for i, name in enumerate(names):
                # Bots open their reasons with the move's name: say it once.
                why = reasons[i].removeprefix(f"{name}: ") if i < len(reasons) else ""
                move = s.deck.moves[s.deck.move_index[ids[i]]] if i < len(ids) else None
                shown = order_label(move, s.deck) if move is not None else name
                answer: tuple[str, str] = ("  (answer to an offer: no order used)" if move is not None and move.answer else "", MUTED)
                lines.append(Content.assemble("  • ", shown, answer, (f" — {why}" if why else "", MUTED)))
        self.query_one("#fac-seats", Static).update(Content("\n").join(lines))
        offers = self.query_one("#fac-offers", Static)
        offers.update(self._offers())
        offers.display = bool(s.deck.offers)
        rolls = self.query_one("#rolls", OptionList)
        highlighted = rolls.highlighted
        rolls.clear_options()
        pending = s.pending_rolls()
        if pending:
            rolls.add_options(Option(pending_roll_prompt(r), id=r.key) for r in pending)
            rolls.highlighted = min(highlighted or 0, len(pending) - 1)
        else:
            rolls.add_option(Option(Content.styled("No chance rolls among the sealed orders yet.", MUTED), disabled=True))
        title = Content.assemble(heading("Injects queued this turn"), ("  Enter on one takes it back.", MUTED))
        self.query_one("#queued-title", Static).update(title if s.injects else Content(""))
        queued = self.query_one("#queued", OptionList)
        queued.clear_options()
        for i, inject in enumerate(s.injects):
            if inject.event:
                name = next((n for e, n, _ in s.inject_events() if e == inject.event), inject.event)
                queued.add_option(Option(Content.assemble("★ ", name), id=str(i)))
            else:
                label = Content.assemble("★ ", inject.text or "(no text)", (f"  {'; '.join(inject.effects)}", MUTED))
                queued.add_option(Option(label, id=str(i)))
        queued.display = bool(s.injects)
        resolve = self.query_one("#resolve", Button)
        resolve.disabled = not s.ready
        unit = s.deck.turn_name
        resolve.label = Content(f"Resolve {unit} {s.turn} (r)" if s.ready else "Waiting for sealed orders…")
        self.refresh_bindings()  # the +1 min / −1 min keys show while a countdown runs

    def _offers(self) -> Content:
        """Every offer, secret ones too, and under each waiting one the answer its recipient
        has sealed this turn (if any)."""
        s = self.session
        records = s.read(FACILITATOR).offers()

        def pending(rec: OfferRecord) -> Content | None:
            if rec.status != "waiting":
                return None
            offer = s.deck.offers[rec.slot]
            sealed = s.sealed_ids(rec.recipient)
            who = s.actor_name(rec.recipient)
            if sealed is None:
                return Content.styled(f"{who} is still choosing", WARN)
            if s.deck.moves[offer.accept].id in sealed:
                return Content.styled(f"{who} has sealed: accept", GOOD)
            if s.deck.moves[offer.refuse].id in sealed:
                return Content.styled(f"{who} has sealed: refuse", BAD)
            return Content.styled(f"{who} has sealed no answer", MUTED)

        return Content("\n").join([heading("Offers"), offers_block(records, s.deck, None, "No offer made yet.", pending)])

    @on(OptionList.OptionSelected, "#rolls")
    def cycle_roll(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        if key is None:
            return
        current = next((r.forced for r in self.session.pending_rolls() if r.key == key), None)
        following = {None: True, True: False, False: None}[current]
        self.session.override(key, following)
        self.refresh_view()

    @on(OptionList.OptionSelected, "#events")
    def preview_event(self, event: OptionList.OptionSelected) -> None:
        """Show what the inject would do, in plain words, and queue it only when confirmed."""
        event_id = event.option.id
        if event_id is None:
            return
        deck = self.session.deck
        deck_event = deck.events[deck.event_index[event_id]]
        words = Describer(deck).describe_event(deck_event)  # the facilitator may know everything
        lines = []
        if deck_event.news:
            lines.append(f"News: “{deck_event.news}”")
        lines += [f"• {effect}" for effect in words.effects] or ["• no effect on the tracks"]
        if deck_event.chance is not None or (deck_event.chance_const is not None and deck_event.chance_const < 1):
            lines.append(f"Chance it happens: {words.chance}")
        if deck_event.once:
            lines.append("Once per game.")
        lines.append(f"It fires when the {deck.turn_name} resolves.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.fire_event(event_id)

        self.app.push_screen(ConfirmScreen(f"Queue “{deck_event.name}”?", "\n".join(lines), yes="Queue it", no="Cancel"), answered)

    def fire_event(self, event_id: str) -> None:
        try:
            self.session.fire_inject(event=event_id)
        except WargameError as exc:
            self._error(str(exc))
            return
        self._error("")
        self.notify(f"Inject queued: it fires when the {self.session.deck.turn_name} resolves.", markup=False)
        self.refresh_view()

    @on(OptionList.OptionSelected, "#queued")
    def ask_remove_inject(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        index = int(event.option.id)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.session.remove_inject(index)
            except WargameError as exc:
                self._error(str(exc))
                return
            self.notify("Inject taken back: it will not fire.", markup=False)
            self.refresh_view()

        self.app.push_screen(ConfirmScreen("Take back this inject?", str(event.option.prompt), yes="Take it back", no="Keep it"), answered)

    @on(Button.Pressed, "#fire-custom")
    @on(Input.Submitted, "#inject-text,#inject-effects")
    def fire_custom(self) -> None:
        text_input = self.query_one("#inject-text", Input)
        effects_input = self.query_one("#inject-effects", Input)
        effects = [e.strip() for e in effects_input.value.split(";")]
        try:
            self.session.fire_inject(text=text_input.value.strip(), effects=effects)
        except WargameError as exc:
            self._error(str(exc))
            return
        self._error("")
        text_input.value = ""
        effects_input.value = ""
        self.notify("Inject queued.", markup=False)
        self.refresh_view()

    def _error(self, message: str) -> None:
        self.query_one("#inject-error", Static).update(Content.styled(message, BAD) if message else Content(""))

    @on(Button.Pressed, "#countdown-start")
    @on(Input.Submitted, "#minutes")
    def start_countdown(self) -> None:
        try:
            minutes = float(self.query_one("#minutes", Input).value)
            self.session.clock.start(minutes * 60)
        except (ValueError, WargameError):
            self.notify("Give the countdown a number of minutes, e.g. 5.", severity="error", markup=False)
            return
        self.call_later(self.run_action, "app.start_clock")
        self.notify(f"Countdown started: {count(minutes, 'minute')} a turn.", markup=False)
        self.refresh_view()

    @on(Button.Pressed, "#countdown-stop")
    def stop_countdown(self) -> None:
        """Stopping is asked, never done by a stray Enter while moving between fields."""
        if not self.session.clock.countdown.active:
            self.notify("No countdown is running.", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.session.clock.stop()
                self.refresh_view()

        self.app.push_screen(ConfirmScreen("Stop the countdown?", "The seats will have no time limit this turn.", yes="Stop it", no="Keep it"), answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "adjust_time":
            return self.session.clock.countdown.active
        return True

    def action_adjust_time(self, seconds: int) -> None:
        """More (or less) time for the seats this turn; the next turns keep the set length."""
        try:
            left = self.session.clock.adjust(seconds)
        except WargameError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        mins, secs = divmod(int(left + 0.999), 60)
        said = "One more minute" if seconds > 0 else "A minute less"
        self.notify(f"{said}: {mins}:{secs:02d} left this {self.session.deck.turn_name}.", markup=False)
        self.post_message(self.CountdownChanged())

    @on(Button.Pressed, "#pause")
    def pause(self) -> None:
        self.call_later(self.run_action, "app.pause")

    @on(Button.Pressed, "#resolve")
    def resolve_pressed(self) -> None:
        self.action_resolve()

    def action_resolve(self) -> None:
        if not self.session.ready:
            waiting = ", ".join(self.session.actor_name(a) for a in self.session.waiting_for())
            self.notify(f"Waiting for orders from {waiting}.", severity="warning", markup=False)
            return
        self.post_message(self.Resolve())

