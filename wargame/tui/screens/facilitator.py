"""The facilitator's console: sees everything, fires injects, sets the dice, runs a
countdown, pauses the room, and resolves the turn. The same screen for a class on one
keyboard and for a hosted exercise, where it also shows who is connected, the room's
settings, codes and re-seating, and the teams sharing a seat on several devices (how many
members a seat may have, and who seals for each team).

Every change goes to the game as a command through the client; an inject written on the
spot is checked exactly as deck text is, and a mistake shows its message here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from wargame.observe.labels import mark_after
from wargame.observe.model import InjectEventInfo, InjectInfo, Observation, OfferInfo
from wargame.observe.visibility import FACILITATOR, FACILITATOR_VIEWER
from wargame.play.client import GameClient
from wargame.play.commands import (
    AddTime,
    ChooseSealer,
    Configure,
    Countdown,
    GameCommand,
    Inject,
    Override,
    Pause,
    Reissue,
    RemoveInject,
    Reply,
    Reseat,
    Resolve,
    Resume,
    Revoke,
    TeamCap,
)
from wargame.tui.render import (
    BAD,
    GOOD,
    MUTED,
    WARN,
    heading,
    news_block,
    offers_block,
    pending_roll_prompt,
    tracks_block,
)
from wargame.tui.screens.base import GameScreen
from wargame.tui.screens.confirm import ConfirmScreen
from wargame.tui.screens.team import team_of, team_summary
from wargame.tui.widgets import SeatStrip, TitleBar, clock_text
from wargame.words import count


def caps_line(obs: Observation) -> str:
    """`at most 6 members a seat; United States 3, China 4`: the caps on members (the
    facilitator's room only; empty otherwise)."""
    room = obs.room
    if room is None or room.team_cap is None:
        return ""
    line = f"at most {count(room.team_cap, 'member')} a seat"
    own = [f"{obs.actor_short(a.id)} {room.seat_caps[a.id]}" for a in obs.actors if a.id in room.seat_caps]
    return line + (f"; {', '.join(own)}" if own else "")


TIME_UP = [("keep waiting", "wait"), ("missing seats stand pat", "stand-pat"), ("stand-ins play", "stand-in")]


class FacilitatorScreen(GameScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("r", "resolve('stand-pat')", "Resolve"),
        Binding("R", "resolve('stand-in')", "Resolve (stand-ins play)", show=False),
        Binding("p", "pause", "Pause"),
        # Shown only while a countdown runs (see check_action); one footer entry for both,
        # so Quit stays in view at 80 columns.
        Binding("plus,equals_sign", "adjust_time(60)", "1 min", key_display="+/-"),
        Binding("minus", "adjust_time(-60)", "1 min less", show=False),
        # Hosted only: the Teams row is far down a long console; T takes the keys there.
        Binding("T", "team_controls", "Teams", show=False),
    ]

    _queued_shown: tuple[tuple[str, tuple[str, ...]], ...] | None = None

    def __init__(self, client: GameClient, *, pin_warning: str = "", closable: bool = True) -> None:
        """`pin_warning`: what to tell of wrong PINs typed at this keyboard (told once, see
        `FacilitatorLock.warning`); `closable`: Esc goes back (a console joined over the
        network is the whole app)."""
        super().__init__(client, FACILITATOR_VIEWER)
        self.pin_warning = pin_warning
        self.closable = closable

    @property
    def hosted(self) -> bool:
        room = self.obs.room
        return room is not None and room.hosted

    def compose(self) -> ComposeResult:
        obs = self.obs
        control = obs.control
        yield TitleBar(Content.assemble(("Facilitator", "bold"), "  ", obs.game.turn_label), "you see everything", id="fac-title")
        with VerticalScroll(id="control"):
            yield Static(id="fac-status")
            yield Static(id="fac-seats")
            yield Static(id="fac-offers")
            yield Static(id="fac-odds")
            if self.hosted:
                settings = obs.room.settings if obs.room is not None else None
                with Horizontal(classes="buttons", id="fac-room"):
                    yield Checkbox("Resolve when all are in", value=bool(settings and settings.auto_resolve), id="auto", compact=True)
                    yield Static("  At time-up ", classes="hint")
                    yield Select(TIME_UP, value=settings.on_timeout if settings else "stand-pat", allow_blank=False, id="on-timeout", compact=True)
                with Horizontal(classes="buttons"):
                    yield Button("Resolve now, stand-ins play for the missing (R)", id="resolve-computer", compact=True)
            yield Static(heading("Chance rolls of the sealed orders"), classes="section")
            yield Static(Content.styled("Enter on a roll cycles: roll the dice → force success → force failure.", MUTED), classes="hint")
            yield OptionList(id="rolls", compact=True)
            with Horizontal(classes="buttons", id="inject-head"):
                yield Static(heading("Fire an inject from the deck"))
                # Only before the first orders: fire now, into the opening, not queued.
                yield Checkbox("now, into the opening", False, id="inject-opening", compact=True)
            events = [
                Option(Content.assemble(e.name or e.id, (" " + mark_after(e.name or e.id, "inject" if e.inject else "event"), MUTED)), id=e.id)
                for e in (control.inject_events if control is not None else [])
            ]
            yield OptionList(*events, id="events", compact=True)
            yield Static(heading("Write an inject"), classes="section")
            yield Input(placeholder="What happens (the news everyone reads)", id="inject-text", compact=True)
            example = control.example_effects if control is not None else "tension += 1"
            yield Input(placeholder=f"Effects, e.g. {example}", id="inject-effects", compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Fire inject", id="fire-custom", variant="warning", compact=True)
            yield Static(id="inject-error")
            yield Static(id="queued-title")
            yield OptionList(id="queued", compact=True)
            # Only before the first orders: the injects fired into the opening, to withdraw one.
            yield Static(id="opening-title")
            yield OptionList(id="opening-injects", compact=True)
            with Horizontal(classes="buttons", id="opening-buttons"):
                yield Button("Withdraw the last", id="withdraw-last", compact=True)
            if self.hosted:
                yield Static(heading("Codes and seats"), classes="section")
                seats = [(a.name, a.id) for a in obs.actors]
                with Horizontal(classes="buttons"):
                    yield Select([*seats, ("Projector", "projector")], prompt="seat", id="code-role", compact=True)
                    yield Button("Revoke code", id="revoke", compact=True)
                    yield Button("Issue new code", id="reissue", compact=True)
                with Horizontal(classes="buttons"):
                    yield Select(seats, prompt="seat", id="reseat-seat", compact=True)
                    programs = " | ".join(f"agent:{n}" for n in (obs.room.programs if obs.room is not None else []))
                    yield Input(placeholder="human | random | doctrine:NAME | lookahead" + (f" | {programs}" if programs else ""), id="reseat-spec", compact=True)
                    yield Button("Re-seat", id="reseat", compact=True)
                yield Static(id="fac-code")
                yield Static(id="fac-teams", classes="section")
                with Horizontal(classes="buttons"):
                    yield Select(seats, prompt="seat", id="sealer-seat", compact=True)
                    yield Select([], prompt="member", id="sealer-member", compact=True)
                    yield Button("Make sealer", id="make-sealer", compact=True)
                with Horizontal(classes="buttons"):
                    yield Static("Members a team may have ", classes="hint")
                    yield Input(placeholder="e.g. 4", type="integer", id="team-cap", max_length=3, compact=True)
                    yield Button("Cap this seat", id="set-seat-cap", compact=True)
                    yield Button("Cap every seat", id="set-cap", compact=True)
                yield Static(id="fac-notices", classes="section")
                yield Static(id="fac-report", classes="section")
                yield Static(id="fac-tracks", classes="section")
        # Below the scrolling controls: the countdown, the pause and Resolve are always in
        # view, however many seats, rolls and injects the deck has.
        with Horizontal(id="fac-bar"):
            yield Input(placeholder="minutes", type="number", id="minutes", max_length=5, compact=True)
            yield Button("Start countdown", id="countdown-start", compact=True)
            yield Button("Stop", id="countdown-stop", compact=True)
            yield Button("Pause (p)", id="pause", compact=True)
            yield Button("Resolve (r)", id="resolve", variant="primary", compact=True)
        yield SeatStrip(obs)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        if self.pin_warning:
            self.notify(self.pin_warning, title="Warning", severity="warning", markup=False, timeout=15)
        self.show(self.obs)
        ready = self.obs.room is not None and all(s.sealed for s in self.obs.room.seats)
        # The keys go to the rolls or the injects, but the console opens at its top: the
        # seats (who is connected, each team, what is sealed) are what a facilitator reads first.
        self.query_one("#rolls" if ready else "#events", OptionList).focus(scroll_visible=False)

    # -- rendering --------------------------------------------------------------------
    def show(self, obs: Observation) -> None:
        super().show(obs)
        control = obs.control
        room = obs.room
        self.query_one("#fac-title", TitleBar).set_text(Content.assemble(("Facilitator", "bold"), "  ", obs.game.turn_label), "you see everything")
        status = self.query_one("#fac-status", Static)
        parts: list[Content] = []
        if room is not None and room.hosted:
            parts.append(Content.assemble(("Exercise ", MUTED), room.exercise))
        if obs.game.over and obs.game.ending is not None:
            parts.append(Content.styled(f"The game is over: {obs.game.ending.title}", "bold $accent"))
        if room is not None:
            parts += [Content.assemble(*clock_text(room.countdown, room.paused))] if (room.paused or room.countdown is not None) else []
        status.update(Content("   ").join(parts))
        status.display = bool(parts)
        self.query_one("#fac-seats", Static).update(self._seats(obs))
        offers = self.query_one("#fac-offers", Static)
        offers.update(self._offers(obs))
        offers.display = obs.game.has_offers
        odds = self.query_one("#fac-odds", Static)
        odds.update(self._odds(obs))
        odds.display = control is not None and (control.odds is not None or control.odds_pending)
        rolls = self.query_one("#rolls", OptionList)
        highlighted = rolls.highlighted
        rolls.clear_options()
        pending = control.pending_rolls if control is not None else []
        if pending:
            rolls.add_options(Option(pending_roll_prompt(r), id=r.key) for r in pending)
            rolls.highlighted = min(highlighted or 0, len(pending) - 1)
        else:
            rolls.add_option(Option(Content.styled("No chance rolls among the sealed orders yet.", MUTED), disabled=True))
        injects = control.injects if control is not None else []
        title = Content.assemble(heading("Injects queued this turn"), ("  Enter on one takes it back.", MUTED))
        self.query_one("#queued-title", Static).update(title if injects else Content(""))
        queued = self.query_one("#queued", OptionList)
        shown = tuple((i.name, tuple(i.effects)) for i in injects)
        if shown != self._queued_shown:  # rebuilt only when the injects change
            self._queued_shown = shown
            self._fill_queued(queued, injects)
        queued.display = bool(injects)
        self.query_one("#inject-opening", Checkbox).display = control is not None and control.in_opening
        self._show_opening(obs)

        ready = room is not None and all(s.sealed for s in room.seats) and not obs.game.over
        resolve = self.query_one("#resolve", Button)
        resolve.disabled = not ready and not self.hosted
        unit = obs.game.turn_name
        if obs.game.over:
            resolve.disabled = True
            resolve.label = Content("The game is over")
        elif self.hosted:
            resolve.label = Content(f"Resolve {unit} {obs.game.turn} (r)" if ready else "Resolve now (r)")
        else:
            resolve.label = Content(f"Resolve {unit} {obs.game.turn} (r)" if ready else "Waiting for orders…")
        if self.hosted:
            self._show_hosted(obs)
        self.refresh_bindings()  # the +1 min / −1 min keys show while a countdown runs

    _opening_shown: tuple[tuple[str, tuple[str, ...]], ...] | None = None

    def _show_opening(self, obs: Observation) -> None:
        """The injects fired into the opening, while one may still be withdrawn (no team has
        sealed the first orders)."""
        control = obs.control
        opening = obs.opening.injects if control is not None and control.in_opening and obs.opening is not None else []
        title = Content.assemble(heading("Injects fired into the opening"), ("  Enter on one withdraws it.", MUTED))
        head = self.query_one("#opening-title", Static)
        head.update(title)
        head.display = bool(opening)
        listed = self.query_one("#opening-injects", OptionList)
        shown = tuple((i.name, tuple(i.effects)) for i in opening)
        if shown != self._opening_shown:
            self._opening_shown = shown
            self._fill_queued(listed, opening)
        listed.display = bool(opening)
        self.query_one("#opening-buttons", Horizontal).display = bool(opening)

    @staticmethod
    def _fill_queued(queued: OptionList, injects: list[InjectInfo]) -> None:
        highlighted = queued.highlighted
        queued.clear_options()
        for i, inject in enumerate(injects):
            if inject.event:
                queued.add_option(Option(Content.assemble("★ ", inject.name), id=str(i)))
            else:
                queued.add_option(Option(Content.assemble("★ ", inject.name or "(no text)", (f"  {'; '.join(inject.effects)}", MUTED)), id=str(i)))
        if injects and highlighted is not None:
            queued.highlighted = min(highlighted, len(injects) - 1)

    def _seats(self, obs: Observation) -> Content:
        control = obs.control
        lines = [heading("Seats and their sealed orders")]
        sealed = {s.actor: s for s in control.sealed} if control is not None else {}
        for actor in obs.actors:
            room = obs.room_seat(actor.id)
            who: list[str | Content | tuple[str, str]] = [(actor.name, "bold"), (f"  {actor.seat.label}", MUTED)]
            if room is not None and room.connected is not None and actor.seat.kind == "human":
                who.append(("  ● connected", GOOD) if room.connected else ("  ○ not connected", MUTED))
            if room is not None and room.code is False and actor.seat.kind == "human":
                who.append(("  (no working code: issue one below)", MUTED))
            lines.append(Content.assemble(*who))
            team = team_of(obs, actor.id)
            if team is not None and team.members:
                lines.append(Content.assemble("  ", team_summary(team)))
            orders = sealed.get(actor.id)
            if obs.game.over:
                lines.append(Content.styled("  done: the game is over", MUTED))
                continue
            if orders is None or not orders.visible:
                lines.append(Content.styled("  still choosing", WARN))
                continue
            if not orders.orders:
                lines.append(Content.styled("  no orders" + (f" — {orders.note}" if orders.note else ""), MUTED))
            for order in orders.orders:
                answer: tuple[str, str] = ("  (answer to an offer: no order used)" if order.answer else "", MUTED)
                lines.append(Content.assemble("  • ", order.label, answer, (f" — {obs.reason_words(order)}" if order.reason else "", MUTED)))
        if control is not None and control.scores:
            lines.append(Content.assemble(("Points now: ", MUTED), ", ".join(f"{obs.actor_short(s.actor)} {s.total:g}" for s in control.scores)))
        return Content("\n").join(lines)

    @staticmethod
    def _odds(obs: Observation) -> Content:
        """Each ending's live odds from now, its 95% interval and its change since the last
        turn (computed by the controller from the full state: the facilitator's alone)."""
        control = obs.control
        odds = control.odds if control is not None else None
        if odds is None:
            return Content.assemble(heading("Odds of each ending"), ("  computing…", MUTED))
        unit = obs.game.turn_name
        queued = f", the {count(odds.injects, 'inject')} queued included" if odds.injects else ""
        title = Content.assemble(heading("Odds of each ending"), (f"  {odds.games:,} continuations from now{queued}; 95% intervals", MUTED))
        lines = [title]
        width = max(len(e.title) for e in odds.endings)
        for e in odds.endings:
            change: tuple[str, str] = ("", MUTED)
            if e.change is not None and round(e.change * 100) != 0:
                change = (f"  {e.change * 100:+.0f} pts since last {unit}", MUTED)
            lines.append(Content.assemble(f"  {e.title:<{width}}  ", (f"{e.p:>4.0%}", "bold"), (f"  ({e.low:.0%}–{e.high:.0%})", MUTED), change))
        if control is not None and control.odds_pending:
            lines.append(Content.styled("  recomputing…", MUTED))
        return Content("\n").join(lines)

    def _offers(self, obs: Observation) -> Content:
        """Every offer, secret ones too, and under each waiting one the answer its recipient
        has sealed this turn (if any)."""
        control = obs.control
        sealed = {s.actor: s for s in control.sealed} if control is not None else {}

        def pending(rec: OfferInfo) -> Content | None:
            if rec.status != "waiting" or obs.game.over:
                return None
            orders = sealed.get(rec.recipient)
            who = rec.recipient_name
            if orders is None or not orders.visible:
                return Content.styled(f"{who} is still choosing", WARN)
            ids = {o.move for o in orders.orders}
            if rec.accept in ids:
                return Content.styled(f"{who} has sealed: accept", GOOD)
            if rec.refuse in ids:
                return Content.styled(f"{who} has sealed: refuse", BAD)
            return Content.styled(f"{who} has sealed no answer", MUTED)

        return Content("\n").join([heading("Offers"), offers_block(obs.offers, obs.game.turn_name, "No offer made yet.", pending)])

    def _show_hosted(self, obs: Observation) -> None:
        room = obs.room
        assert room is not None
        if room.settings is not None:
            auto = self.query_one("#auto", Checkbox)
            if auto.value != room.settings.auto_resolve:
                with auto.prevent(Checkbox.Changed):
                    auto.value = room.settings.auto_resolve
            timeout = self.query_one("#on-timeout", Select)
            if timeout.value != room.settings.on_timeout:
                with timeout.prevent(Select.Changed):
                    timeout.value = room.settings.on_timeout
        self._show_teams(obs)
        notes = [heading("Notices"), *(Content(n) for n in room.notices[-8:])] if room.notices else []
        self.query_one("#fac-notices", Static).update(Content("\n").join(notes))
        last = obs.turn_info(obs.game.resolved)
        report = self.query_one("#fac-report", Static)
        if last is not None:
            report.update(Content("\n").join([heading(f"Results of {obs.game.turn_name} {last.turn}"), news_block(last.news, obs, show_audience=True)]))
        self.query_one("#fac-tracks", Static).update(Content("\n").join([heading("Tracks (everything)"),
                                                                          tracks_block([t.model_copy(update={"label": t.full_label}) for t in obs.tracks], 22, 14, names=False)]))

    def _show_teams(self, obs: Observation) -> None:
        """The teams' section: the caps on members, and the members of the seat chosen to
        pick a sealer from (the choice is kept while the clock ticks)."""
        lines = [Content.assemble(heading("Teams"), (f"  {caps_line(obs)}", MUTED))]
        if not [t for t in obs.teams if t.members]:
            lines.append(Content.styled("No team has joined with names yet: members give their name when they join a seat.", MUTED))
        lines.append(Content.styled("T comes here. Choose a seat: one of its members to seal for the team, or a cap "
                                    "for that seat (or every seat); a new cap keeps the members already in.", MUTED))
        self.query_one("#fac-teams", Static).update(Content("\n").join(lines))
        seat = self.query_one("#sealer-seat", Select).value
        team = team_of(obs, seat) if isinstance(seat, str) else None
        options = [(f"{m} (seals)" if team is not None and m == team.sealer else m, m) for m in (team.members if team else [])]
        member = self.query_one("#sealer-member", Select)
        if options != self._member_options:
            self._member_options = options
            current = member.value
            with member.prevent(Select.Changed):
                member.set_options(options)
                if any(value == current for _, value in options):
                    member.value = current

    _member_options: list[tuple[str, str]] | None = None

    # -- commands ---------------------------------------------------------------------
    def send(self, command: GameCommand, then: Callable[[Reply], None] | None = None) -> None:
        """Send a command as the facilitator; a refusal is shown, `then` gets a success."""
        self._send(command, then)

    @work(group="facilitator", exit_on_error=False)
    async def _send(self, command: GameCommand, then: Callable[[Reply], None] | None) -> None:
        reply = await self.client.send(command, FACILITATOR)
        if not reply.ok:
            if command.type == "inject":
                self._error(reply.message)
            else:
                self.notify(reply.message, severity="error", markup=False, timeout=8)
            return
        if then is not None:
            then(reply)

    @on(OptionList.OptionSelected, "#rolls")
    def cycle_roll(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        control = self.obs.control
        if key is None or control is None:
            return
        current = next((r.forced for r in control.pending_rolls if r.key == key), None)
        following = {None: True, True: False, False: None}[current]
        self.send(Override(key=key, outcome=following))

    @on(OptionList.OptionSelected, "#events")
    def preview_event(self, event: OptionList.OptionSelected) -> None:
        """Show what the inject would do, in plain words, and queue it only when confirmed."""
        control = self.obs.control
        info = next((e for e in control.inject_events if e.id == event.option.id), None) if control is not None else None
        if info is None:
            return
        lines = self._preview(info)

        def answered(yes: bool | None) -> None:
            if yes:
                self.fire_event(info.id)

        if self._into_opening():
            self.app.push_screen(ConfirmScreen(f"Fire “{info.name}” now?", "\n".join(lines), yes="Fire it now", no="Cancel"), answered)
        else:
            self.app.push_screen(ConfirmScreen(f"Queue “{info.name}”?", "\n".join(lines), yes="Queue it", no="Cancel"), answered)

    def _preview(self, info: InjectEventInfo) -> list[str]:
        lines = []
        if info.news:
            lines.append(f"News: “{info.news}”")
        lines += [f"• {effect}" for effect in info.effects] or ["• no effect on the tracks"]
        if info.chance:
            lines.append(f"Chance it happens: {info.chance}")
        if info.once:
            lines.append("Once per game.")
        if self._into_opening():
            lines.append("It fires now, before the first orders: every seat reads it with the opening.")
        else:
            lines.append(f"It fires when the {self.obs.game.turn_name} resolves.")
        return lines

    def _into_opening(self) -> bool:
        """The facilitator chose to fire injects into the opening, and it is still open."""
        control = self.obs.control
        return control is not None and control.in_opening and self.query_one("#inject-opening", Checkbox).value

    def fire_event(self, event_id: str) -> None:
        opening = self._into_opening()

        def done(_: Reply) -> None:
            self._error("")
            self.notify(self._fired_words(opening), markup=False)

        self.send(Inject(event=event_id, opening=opening), done)

    def _fired_words(self, opening: bool) -> str:
        if opening:
            return "Inject fired: it is part of the opening, before the first orders."
        return f"Inject queued: it fires when the {self.obs.game.turn_name} resolves."

    @on(OptionList.OptionSelected, "#queued")
    def ask_remove_inject(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        index = int(event.option.id)

        def answered(yes: bool | None) -> None:
            if yes:
                self.send(RemoveInject(index=index), lambda _: self.notify("Inject taken back: it will not fire.", markup=False))

        self.app.push_screen(ConfirmScreen("Take back this inject?", str(event.option.prompt), yes="Take it back", no="Keep it"), answered)

    @on(OptionList.OptionSelected, "#opening-injects")
    def ask_withdraw(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._ask_withdraw(int(event.option.id), str(event.option.prompt))

    @on(Button.Pressed, "#withdraw-last")
    def ask_withdraw_last(self) -> None:
        listed = self.query_one("#opening-injects", OptionList)
        if listed.option_count:
            last = listed.option_count - 1
            self._ask_withdraw(last, str(listed.get_option_at_index(last).prompt))

    def _ask_withdraw(self, index: int, name: str) -> None:
        """Withdraw an inject fired into the opening, once confirmed."""

        def answered(yes: bool | None) -> None:
            if yes:
                self.send(RemoveInject(index=index, opening=True),
                          lambda _: self.notify("Inject withdrawn: the opening is played again without it.", markup=False))

        body = (f"{name}\n\nThe opening is played again without it: every seat reads the opening without it, "
                "the computers decide again, and the save no longer holds it.")
        self.app.push_screen(ConfirmScreen("Withdraw this inject from the opening?", body, yes="Withdraw it", no="Keep it"), answered)

    @on(Button.Pressed, "#fire-custom")
    @on(Input.Submitted, "#inject-text,#inject-effects")
    def fire_custom(self) -> None:
        text_input = self.query_one("#inject-text", Input)
        effects_input = self.query_one("#inject-effects", Input)
        effects = [e.strip() for e in effects_input.value.split(";") if e.strip()]
        if not text_input.value.strip() and not effects:
            self._error("an inject needs a text or at least one effect")
            return

        opening = self._into_opening()

        def done(_: Reply) -> None:
            self._error("")
            text_input.value = ""
            effects_input.value = ""
            self.notify(self._fired_words(opening), markup=False)

        self.send(Inject(text=text_input.value.strip(), effects=effects, opening=opening), done)

    def _error(self, message: str) -> None:
        self.query_one("#inject-error", Static).update(Content.styled(message, BAD) if message else Content(""))

    @on(Button.Pressed, "#countdown-start")
    @on(Input.Submitted, "#minutes")
    def start_countdown(self) -> None:
        try:
            minutes = float(self.query_one("#minutes", Input).value)
            if not 0 < minutes <= 600:
                raise ValueError
        except ValueError:
            self.notify("Give the countdown a number of minutes, e.g. 5.", severity="error", markup=False)
            return
        self.send(Countdown(minutes=minutes), lambda _: self.notify(f"Countdown started: {count(minutes, 'minute')} a turn.", markup=False))

    @on(Button.Pressed, "#countdown-stop")
    def stop_countdown(self) -> None:
        """Stopping is asked, never done by a stray Enter while moving between fields."""
        room = self.obs.room
        if room is None or room.countdown is None:
            self.notify("No countdown is running.", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.send(Countdown(minutes=0))

        self.app.push_screen(ConfirmScreen("Stop the countdown?", "The seats will have no time limit this turn.", yes="Stop it", no="Keep it"), answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        room = self.obs.room
        if action == "adjust_time":
            return room is not None and room.countdown is not None
        if action == "back":
            return self.closable or isinstance(self.focused, Input)
        if action == "resolve" and parameters and parameters[0] == "stand-in":
            return self.hosted
        if action == "team_controls":
            return self.hosted
        return True

    def action_team_controls(self) -> None:
        """Keys to the Teams row: the seat whose sealer to choose first."""
        self.query_one("#sealer-seat", Select).focus()

    def action_back(self) -> None:
        """Esc leaves a text box first (so r, p, m and t are keys again, not letters typed
        into an inject or a cap); then, on a console that can close, goes back."""
        if isinstance(self.focused, Input):
            self.query_one("#events", OptionList).focus(scroll_visible=False)
            return
        if self.closable:
            self.app.pop_screen()

    def action_adjust_time(self, seconds: int) -> None:
        """More (or less) time for the seats this turn; the next turns keep the set length."""
        room = self.obs.room
        left = room.countdown if room is not None else None

        def done(_: Reply) -> None:
            new = max(0.0, (left or 0.0) + seconds)
            mins, secs = divmod(int(new + 0.999), 60)
            said = "One more minute" if seconds > 0 else "A minute less"
            self.notify(f"{said}: {mins}:{secs:02d} left this {self.obs.game.turn_name}.", markup=False)

        self.send(AddTime(seconds=seconds), done)

    @on(Button.Pressed, "#pause")
    def pause_pressed(self) -> None:
        self.action_pause()

    def action_pause(self) -> None:
        if self.hosted:
            room = self.obs.room
            self.send(Resume() if room is not None and room.paused else Pause())
            return
        self.call_later(self.run_action, "app.pause(True)")  # the facilitator's own console: no PIN again

    @on(Button.Pressed, "#resolve")
    def resolve_pressed(self) -> None:
        self.action_resolve("stand-pat")

    @on(Button.Pressed, "#resolve-computer")
    def resolve_computer_pressed(self) -> None:
        self.action_resolve("stand-in")

    def action_resolve(self, missing: str = "stand-pat") -> None:
        room = self.obs.room
        waiting = [self.obs.actor_name(s.actor) for s in room.seats if not s.sealed] if room is not None else []
        if waiting and not self.hosted:
            self.notify(f"Waiting for orders from {', '.join(waiting)}.", severity="warning", markup=False)
            return
        self.send(Resolve(missing="stand-in" if missing == "stand-in" else "stand-pat"))

    @on(Checkbox.Changed, "#auto")
    def auto_changed(self, event: Checkbox.Changed) -> None:
        self.send(Configure(auto_resolve=event.value))

    @on(Select.Changed, "#on-timeout")
    def timeout_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.send(Configure(on_timeout=event.value))  # type: ignore[arg-type]

    @on(Button.Pressed, "#revoke,#reissue")
    def code_pressed(self, event: Button.Pressed) -> None:
        role = self.query_one("#code-role", Select).value
        if not isinstance(role, str):
            self.notify("Choose whose code first.", severity="warning", markup=False)
            return
        if event.button.id == "revoke":
            self.send(Revoke(role=role), lambda _: self.notify("Code revoked: that device is closed.", markup=False))
            return

        def shown(reply: Reply) -> None:
            text = f"New code for {reply.role}: {reply.code} (the old one no longer works)"
            self.query_one("#fac-code", Static).update(Content.styled(text, "bold $accent"))
            self.notify(text, markup=False, timeout=30)

        self.send(Reissue(role=role), shown)

    @on(Select.Changed, "#sealer-seat")
    def sealer_seat_changed(self) -> None:
        self._show_teams(self.obs)

    @on(Button.Pressed, "#make-sealer")
    def make_sealer(self) -> None:
        seat = self.query_one("#sealer-seat", Select).value
        member = self.query_one("#sealer-member", Select).value
        if not isinstance(seat, str):
            self.notify("Choose the seat first.", severity="warning", markup=False)
            return
        if not isinstance(member, str):
            self.notify(f"Choose which member of {self.obs.actor_name(seat)} seals (nobody has joined it by name yet?)", severity="warning", markup=False)
            return
        self.send(ChooseSealer(seat=seat, member=member),
                  lambda _: self.notify(f"{member} seals for {self.obs.actor_name(seat)} from now on.", markup=False))

    @on(Button.Pressed, "#set-cap,#set-seat-cap")
    @on(Input.Submitted, "#team-cap")
    def set_cap(self, event: Button.Pressed | Input.Submitted) -> None:
        """The cap in the box for the seat chosen in the Teams row (Enter in the box, or
        "Cap this seat"), or for every seat ("Cap every seat")."""
        box = self.query_one("#team-cap", Input)
        every = isinstance(event, Button.Pressed) and event.button.id == "set-cap"
        chosen = self.query_one("#sealer-seat", Select).value
        seat = None if every else chosen if isinstance(chosen, str) else None
        if not every and seat is None:
            self.notify("Choose the seat to cap first (or Cap every seat).", severity="warning", markup=False)
            return
        try:
            members = int(box.value)
            if not 1 <= members <= 100:
                raise ValueError
        except ValueError:
            self.notify("Give the number of members a team may have, from 1 to 100.", severity="error", markup=False)
            return
        whose = "Every seat" if seat is None else self.obs.actor_name(seat)

        def done(_: Reply) -> None:
            box.value = ""
            self.notify(f"{whose} may have at most {count(members, 'member')}; those already in stay.", markup=False)

        self.send(TeamCap(members=members, seat=seat), done)

    @on(Button.Pressed, "#reseat")
    def reseat_pressed(self) -> None:
        seat = self.query_one("#reseat-seat", Select).value
        spec = self.query_one("#reseat-spec", Input).value.strip()
        if isinstance(seat, str) and spec:
            self.send(Reseat(seat=seat, spec=spec))
