"""A hosted exercise: the one authoritative game, its join codes, and what each viewer is sent.

`Exercise` owns the `Session` (the engine's game and its seats) and the store it is kept
in. Every change (sealed orders, resolution, injects, overrides, codes, seating) goes
through here, is written to the store before anyone is told, and bumps `version`; the
server then sends each client the state built for its viewer: a seat gets only its
`SeatView`, the projector only the public view, the facilitator everything. No network
code lives here, so it is tested directly.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from wargame.bots.base import Bot, Decision, make_bot
from wargame.bots.seats import (
    COMPUTER_KINDS,
    NO_PROGRAMS,
    PROGRAM_NAME,
    Programs,
    SeatSpec,
    default_computer,
    safe_seats,
)
from wargame.bots.seatview import ViewCache, seat_view
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.engine.offers import OfferRecord
from wargame.engine.state import NewsItem
from wargame.errors import IllegalOrderError, WargameError
from wargame.net.codes import hash_code, new_code
from wargame.net.store.base import FACILITATOR, PROJECTOR, StaleTurn, Store
from wargame.observe.view import PlayerView
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.clock import Countdown
from wargame.play.control import Session
from wargame.play.readmodel import TurnReport
from wargame.saves.store import new_save, parse_save, resume
from wargame.text import cut
from wargame.words import possessive

EVENT_SETTINGS = "settings"
"""Event kind the host logs when the facilitator changes its settings (restored on restart)."""
EVENT_NOTICE = "notice"

Missing = Literal["stand_pat", "computer"]


class AccessError(WargameError):
    """A join code was refused: wrong, revoked, for another exercise, or already in use."""


@dataclass
class Settings:
    """The facilitator's choices for running the room (logged, so a restart keeps them)."""

    auto_resolve: bool = True
    """Resolve as soon as every seat has sealed (without waiting for the facilitator)."""
    on_timeout: Literal["wait", "stand_pat", "computer"] = "stand_pat"
    """When the countdown runs out: keep waiting, resolve with missing seats standing pat,
    or let their computer stand-ins play."""
    countdown_minutes: float = 0.0


@dataclass(frozen=True, slots=True)
class Role:
    """Who a join code opens: a seat (an actor id), `FACILITATOR` or `PROJECTOR`."""

    name: str

    @property
    def is_seat(self) -> bool:
        return self.name not in {FACILITATOR, PROJECTOR}


@dataclass
class BotJob:
    """A computer seat's decision to make off the event loop (a lookahead or agent can take a while)."""

    actor: str
    turn: int
    bot: Bot
    run: Callable[[], Decision]


def stand_in_spec(deck: CompiledDeck, actor: str) -> str:
    """The computer that plays a seat whose team did not seal in time: its first doctrine, or random."""
    return str(default_computer(deck, actor))


class Exercise:
    """One hosted game and its codes, persisted in `store` under `exercise_id`."""

    def __init__(
        self, store: Store, exercise_id: str, session: Session, revision: int, *,
        clock: Callable[[], float] = time.monotonic, programs: Programs = NO_PROGRAMS,
    ) -> None:
        self.store = store
        self.programs = programs
        """The programs this host was started with (`--agent NAME=COMMAND`): the only ones a
        facilitator may seat; never sent to anyone."""
        self.id = exercise_id
        self.session = session
        self.revision = revision
        self.clock = clock
        self.version = 0
        """Bumped on every change; clients are sent a new state when it moves."""
        self.settings = Settings(auto_resolve=not session.facilitator)
        self.countdown = Countdown()
        self.paused = False
        self.notices: list[str] = []
        """Things the facilitator should know (an agent's bad answer, a stand-in's move)."""
        self.listeners: list[Callable[[], None]] = []
        self.kicked: list[tuple[str, str]] = []
        """(role, reason): connections the server must close (a code revoked or reissued)."""
        self.stand_ins: dict[str, Bot] = {}
        self._views: dict[str, tuple[tuple[int, ...], str]] = {}
        """Per seat: the key of the game's moment and its view as JSON text (see `seat_text`)."""
        self._view_caches: dict[str, ViewCache] = {}
        self._shared_news: ViewCache = ViewCache()
        self.connected: set[str] = set()
        """Roles with a live connection (kept by the server; shown to everyone, like sealing)."""
        self._thinking: set[str] = set()

    # -- making and reopening ----------------------------------------------------------
    @classmethod
    def create(
        cls,
        store: Store,
        exercise_id: str,
        deck: CompiledDeck,
        seats: Mapping[str, str],
        *,
        seed: int,
        turns: int | None = None,
        facilitator: bool = True,
        clock: Callable[[], float] = time.monotonic,
        programs: Programs = NO_PROGRAMS,
    ) -> tuple[Exercise, dict[str, str]]:
        """Start a new exercise; returns it and the fresh codes (role -> code), shown once.

        `programs`: what this run's command line named; an `agent:` seat must be among them."""
        session = Session(Game(deck, seed, turns), seats, facilitator=facilitator, save_path=None, programs=programs)
        codes = {a: new_code() for a in session.humans}
        if facilitator:
            codes[FACILITATOR] = new_code()
        codes[PROJECTOR] = new_code()
        session.save = new_save(session.game, session.seat_specs, facilitator=facilitator)
        store.create_exercise(exercise_id, session.save.model_dump_json(), {r: hash_code(c) for r, c in codes.items()})
        ex = cls(store, exercise_id, session, 1, clock=clock, programs=programs)
        ex._log_settings()
        return ex, codes

    @classmethod
    def open(cls, store: Store, exercise_id: str, *, clock: Callable[[], float] = time.monotonic, programs: Programs = NO_PROGRAMS) -> Exercise:
        """Reopen an exercise from the store after a restart: every resolved turn, the
        orders sealed for the open one, the facilitator's settings and queued injects.

        A seat the store says a program played runs again only if this run's `programs`
        names it; otherwise its default computer plays, and the facilitator is told."""
        record = store.load_exercise(exercise_id)
        save = parse_save(record.save_json.encode("utf-8"), f"exercise {exercise_id!r}")
        game = resume(save)
        seats, notes = safe_seats(save.seats, game.deck, programs)
        if seats != save.seats:
            save = save.model_copy(update={"seats": seats})
        session = Session(game, seats, facilitator=save.facilitator, save_path=None, save=save, programs=programs)
        ex = cls(store, exercise_id, session, record.revision, clock=clock, programs=programs)
        for note in notes:
            ex.notice(note)
        if not game.is_over:
            for seat, sealed in store.pending_orders(exercise_id, game.turn).items():
                if seat in game.deck.actors and seat not in game.orders:
                    try:
                        game.submit(seat, sealed.orders, sealed.reasons)
                    except WargameError:
                        pass  # no longer legal: the seat chooses again
        for event in reversed(store.events(exercise_id)):
            if event.kind == EVENT_SETTINGS:
                p = event.payload
                ex.settings = Settings(bool(p.get("auto_resolve", True)), p.get("on_timeout", "stand_pat"), float(p.get("countdown_minutes", 0)))
                break
        if ex.settings.countdown_minutes > 0 and not game.is_over:
            ex.countdown.start(ex.settings.countdown_minutes * 60, clock())
        return ex

    def new_codes_for(self, *roles: str) -> dict[str, str]:
        """Issue fresh codes (old ones stop working); returns role -> code."""
        out = {}
        for role in roles:
            code = new_code()
            self.store.set_code(self.id, role, hash_code(code))
            out[role] = code
        return out

    # -- plumbing ----------------------------------------------------------------------
    @property
    def deck(self) -> CompiledDeck:
        return self.session.deck

    @property
    def game(self) -> Game:
        return self.session.game

    def changed(self) -> None:
        self.version += 1
        for fn in list(self.listeners):
            fn()

    def _persist(self) -> None:
        """Write the save to the store (optimistic: a second host writing the same exercise is refused)."""
        self.session.autosave()
        self.revision = self.store.put_save(self.id, self.session.save.model_dump_json(), self.revision)

    def _log_settings(self) -> None:
        self.store.append_event(self.id, EVENT_SETTINGS, asdict(self.settings))

    def notice(self, text: str) -> None:
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.notices = [*self.notices[-19:], f"{stamp} {text}"]
        self.store.append_event(self.id, EVENT_NOTICE, {"text": text})

    # -- codes -------------------------------------------------------------------------
    def authenticate(self, code: str) -> Role:
        """The role a code opens here, or `AccessError` saying plainly why not."""
        h = hash_code(code)
        found = self.store.find_code(h)
        if found is not None:
            exercise, role = found
            if exercise != self.id:
                raise AccessError("this code is for another exercise, not this one: check which host you joined")
            return Role(role)
        gone = self.store.revoked_code(h)
        if gone is not None and gone[0] == self.id:
            who = self._role_name(gone[1])
            raise AccessError(f"this code for {who} has been revoked or replaced: ask the facilitator for the new one")
        raise AccessError("wrong code: check it (letters and digits, e.g. K7QM-2XHT-9ABP) and try again")

    def _role_name(self, role: str) -> str:
        if role == FACILITATOR:
            return "the facilitator"
        if role == PROJECTOR:
            return "the projector"
        return self.deck.actor_name(role) if role in self.deck.actors else role

    def _check_role(self, role: str) -> None:
        if role != PROJECTOR and role not in self.deck.actors:
            raise WargameError(f"no seat or role '{role}' (seats: {', '.join(self.deck.actors)}, or projector)")

    def revoke(self, role: str) -> None:
        self._check_role(role)
        if not self.store.revoke_code(self.id, role):
            raise WargameError(f"{self._role_name(role)} has no code to revoke")
        self.kicked.append((role, f"the facilitator revoked the code for {self._role_name(role)}"))
        self.changed()

    def reissue(self, role: str) -> str:
        self._check_role(role)
        code = self.new_codes_for(role)[role]
        self.kicked.append((role, f"the facilitator issued a new code for {self._role_name(role)}"))
        self.changed()
        return code

    # -- seats -------------------------------------------------------------------------
    def reseat(self, seat: str, spec_text: str) -> None:
        """Hand a seat to a computer, or back to its team (`human`).

        The spec comes over the network: it may name a computer (random, doctrine,
        lookahead) or `agent:NAME` for a program this host was started with, never a
        command line."""
        s = self.session
        if seat not in self.deck.actors:
            raise WargameError(f"unknown seat '{cut(seat, 40)}'")
        spec = SeatSpec.parse(spec_text)
        if spec.is_program:
            if not PROGRAM_NAME.match(spec.arg) or self.programs.command(spec.arg) is None or spec.arg != spec.arg.strip():
                known = ", ".join(n for n in self.programs.names() if PROGRAM_NAME.match(n)) or "none"
                raise WargameError(
                    f"a seat can be given only to a program this host was started with (--agent NAME=COMMAND); programs: {known}"
                )
        elif not spec.is_human and spec.kind not in COMPUTER_KINDS:
            raise WargameError(f"unknown seat kind '{cut(spec.kind, 40)}'")
        if spec.is_human:
            s.bots.pop(seat, None)
        else:
            s.bots[seat] = make_bot(spec, self.deck, seat, self.game.seed, programs=self.programs)
        s.seats[seat] = spec
        s.save = s.save.model_copy(update={"seats": s.seat_specs})
        self._persist()
        self.notice(f"{self.deck.actor_name(seat)} is now played by: {s.seat_label(seat, facilitator=True)}")
        self.changed()

    def bot_jobs(self) -> list[BotJob]:
        """The computer seats still to decide this turn, not already deciding."""
        if self.game.is_over or self.paused:
            return []
        jobs = []
        for actor in self.session.bots_waiting():
            if actor in self._thinking:
                continue
            bot = self.session.bots[actor]
            view = PlayerView(self.game, actor)
            legal = self.game.available_moves(actor)
            allowed = self.game.orders_allowed(actor)
            self._thinking.add(actor)
            jobs.append(BotJob(actor, self.game.turn, bot, functools.partial(bot.decide, view, legal, allowed)))
        return jobs

    def bot_decided(self, job: BotJob, decision: Decision | None, error: Exception | None) -> None:
        """A computer seat's decision came back (in the loop thread)."""
        self._thinking.discard(job.actor)
        if job.turn != self.game.turn or self.game.is_over or self.session.bots.get(job.actor) is not job.bot:
            return  # the turn moved on or the seat changed hands meanwhile
        if error is not None:
            if not isinstance(error, WargameError):
                raise error
            self.notice(f"{error} — {self.deck.actor_name(job.actor)} stands pat this turn")
            decision = Decision((), ())
        assert decision is not None
        try:
            self._seal(job.actor, decision.orders, decision.reasons)
        except WargameError as exc:
            self.notice(f"{self.deck.actor_name(job.actor)}: {exc} — stands pat")
            self._seal(job.actor, (), ())
        self.after_change()

    # -- orders ------------------------------------------------------------------------
    def _seal(self, seat: str, orders: tuple[str, ...] | list[str], reasons: tuple[str, ...] | list[str]) -> None:
        game = self.game
        turn = game.turn
        game.submit(seat, list(orders), list(reasons))  # raises IllegalOrderError first
        try:
            # Durable on its own (and checked against the open turn in one transaction):
            # the whole save is rewritten only when the turn resolves.
            self.store.submit_orders(self.id, turn, seat, list(orders), list(reasons))
        except StaleTurn:
            del game.orders[seat]
            raise

    def submit(self, seat: str, turn: int, orders: list[str]) -> None:
        """A team seals its orders for `turn`; refused if stale, already sealed, or illegal."""
        game = self.game
        unit = self.deck.turn_name
        if game.is_over:
            raise IllegalOrderError("the game is over: no more orders")
        if turn != game.turn:
            raise IllegalOrderError(f"these orders are for {unit} {turn}, but {unit} {game.turn} is being played now: they were not sealed")
        if seat in self.session.bots:
            raise IllegalOrderError(f"{self.deck.actor_name(seat)} is played by a computer now (the facilitator re-seated it)")
        if self.paused:
            raise IllegalOrderError("the game is paused by the facilitator: try again when it resumes")
        if seat in game.orders:
            if list(game.orders[seat]) == list(orders):
                return  # the same orders again (a client retrying): already done
            raise IllegalOrderError(f"your orders for {unit} {turn} are already sealed and cannot be changed")
        self._check_ids(seat, orders)
        self._seal(seat, orders, ())
        self.after_change()

    def _check_ids(self, seat: str, orders: list[str]) -> None:
        """Every order must be one of the seat's own move ids. Said here rather than by the
        engine, whose message names the actor a move belongs to: over the network that
        would confirm to a guessing team that another seat's secret move exists."""
        own = [m.id for m in self.deck.moves_by_actor[seat]]
        for order in orders:
            if order in own:
                continue
            close = difflib.get_close_matches(order, own, n=1, cutoff=0.75)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            shown = order if len(order) <= 60 else order[:57] + "..."
            raise IllegalOrderError(f"'{shown}' is not one of {possessive(self.deck.actor_name(seat))} moves{hint}: nothing was sealed")

    def after_change(self) -> None:
        """Tell the clients, and resolve if every seat is in and nobody need be waited for."""
        if not self.game.is_over and not self.paused and not self.game.waiting_for() and self.settings.auto_resolve:
            self.resolve()
            return
        self.changed()

    def resolve(self, missing: Missing = "stand_pat") -> None:
        """Resolve the turn now; seats that have not sealed stand pat or their stand-in plays."""
        game = self.game
        if game.is_over:
            raise WargameError("the game is over")
        for seat in game.waiting_for():
            if missing == "computer":
                bot = self.stand_ins.get(seat) or make_bot(stand_in_spec(self.deck, seat), self.deck, seat, game.seed)
                self.stand_ins[seat] = bot
                d = bot.decide(PlayerView(game, seat), game.available_moves(seat), game.orders_allowed(seat))
                self._seal(seat, d.orders, d.reasons)
                self.notice(f"{self.deck.actor_name(seat)} did not seal in time: its computer stand-in played")
            else:
                self._seal(seat, (), ())
                self.notice(f"{self.deck.actor_name(seat)} did not seal in time: it stands pat")
        self.session.resolve()
        self._thinking.clear()
        self._persist()
        if self.settings.countdown_minutes > 0 and not game.is_over:
            self.countdown.start(self.settings.countdown_minutes * 60, self.clock())
        else:
            self.countdown.stop()
        self.changed()

    def time_up(self) -> bool:
        """The countdown ran out: act as the facilitator chose. True if the turn resolved."""
        if self.game.is_over or self.paused or self.settings.on_timeout == "wait":
            return False
        left = self.countdown.left(self.clock())
        if left is None or left > 0:
            return False
        self.countdown.stop()
        self.resolve("computer" if self.settings.on_timeout == "computer" else "stand_pat")
        return True

    # -- the facilitator ---------------------------------------------------------------
    def pause(self) -> None:
        self.paused = True
        self.countdown.pause(self.clock())
        self.changed()

    def resume(self) -> None:
        self.paused = False
        self.countdown.resume(self.clock())
        self.after_change()

    def set_countdown(self, minutes: float) -> None:
        self.settings.countdown_minutes = minutes
        if minutes > 0:
            self.countdown.start(minutes * 60, self.clock())
        else:
            self.countdown.stop()
        if self.paused:
            self.countdown.pause(self.clock())
        self._log_settings()
        self.changed()

    def add_time(self, seconds: float) -> None:
        """More time for this turn (less, with a negative number; never below none left),
        sent to every client at once; later turns keep the set length. Raises
        `WargameError` when no countdown runs."""
        self.countdown.adjust(seconds, self.clock())
        self.changed()

    def configure(self, auto_resolve: bool | None, on_timeout: Literal["wait", "stand_pat", "computer"] | None) -> None:
        if auto_resolve is not None:
            self.settings.auto_resolve = auto_resolve
        if on_timeout is not None:
            self.settings.on_timeout = on_timeout
        self._log_settings()
        self.after_change()

    def inject(self, event: str | None, text: str, effects: list[str]) -> None:
        self.session.fire_inject(event=event, text=text, effects=effects)
        self._persist()
        self.changed()

    def override(self, key: str, outcome: bool | None) -> None:
        self.session.override(key, outcome)
        self._persist()
        self.changed()

    # -- what each viewer is sent ------------------------------------------------------
    def _seats_public(self) -> list[dict[str, Any]]:
        s = self.session
        return [
            {
                "id": a,
                "name": s.actor_name(a),
                "short": self.deck.actor_short(a),
                "human": s.seats[a].is_human,
                "label": s.seat_label(a),
                "sealed": a in self.game.orders,
                "connected": a in self.connected,
            }
            for a in self.deck.actors
        ]

    def _clock_state(self) -> dict[str, Any]:
        left = self.countdown.left(self.clock())
        return {"paused": self.paused, "countdown": left, "countdown_running": self.countdown.deadline is not None}

    def view_key(self) -> tuple[int, ...]:
        """Changes whenever anything a seat may see in its view could have changed."""
        game = self.game
        return (game.turn, len(game.records), len(game.news), len(game.revealed_plays), int(game.is_over))

    def _view_text(self, seat: str) -> str:
        """The seat's view as JSON text, rebuilt only when something it may see has changed.

        Within a turn, other seats sealing, injects and overrides change nothing a seat
        sees; resolution, reveals and the end do, and each adds news or a record."""
        game = self.game
        key = self.view_key()
        cached = self._views.get(seat)
        if cached is not None and cached[0] == key:
            return cached[1]
        cache = self._view_caches.get(seat)
        if cache is None:
            shared = self._shared_news  # news and plays are the same objects for every seat
            cache = self._view_caches[seat] = ViewCache(news=shared.news, plays=shared.plays)
        view = seat_view(PlayerView(game, seat), game.legal_moves(seat), game.orders_allowed(seat), cache)
        text = view.model_dump_json()
        self._views[seat] = (key, text)
        return text

    def seat_text(self, seat: str, with_view: bool = True) -> str:
        """`seat_state` as the JSON text sent over the wire (the view part is cached).

        Without the view when the client already has this moment's view: another seat
        sealing changes only the room (who has sealed, the clock), not what this seat sees."""
        head = json.dumps(self._seat_envelope(seat), separators=(",", ":"))
        if not with_view:
            return head
        return head[:-1] + ',"view":' + self._view_text(seat) + "}"

    def seat_state(self, seat: str) -> dict[str, Any]:
        """What a seat's client is sent: its own view and the public bits of the room."""
        return {**self._seat_envelope(seat), "view": json.loads(self._view_text(seat))}

    def _seat_envelope(self, seat: str) -> dict[str, Any]:
        game = self.game
        return {
            "type": "state",
            "role": "seat",
            "version": self.version,
            "seats": self._seats_public(),
            "sealed": seat in game.orders,
            "my_orders": list(game.orders.get(seat, ())),
            "computer": seat in self.session.bots,
            **self._clock_state(),
        }

    def public_state(self) -> dict[str, Any]:
        """The projector's view: what every seat may see."""
        return {
            "type": "state",
            "role": "projector",
            "version": self.version,
            **self._common(PUBLIC),
            **self._clock_state(),
        }

    def facilitator_state(self) -> dict[str, Any]:
        """Everything, for the facilitator's console."""
        s = self.session
        game = self.game
        seats = self._seats_public()
        codes = self.store.codes(self.id)
        for row in seats:
            a = row["id"]
            sealed = s.sealed(a)
            row["orders"] = list(sealed[0]) if sealed else []
            row["reasons"] = list(sealed[1]) if sealed else []
            row["code"] = a in codes
            spec = s.seats[a]
            # A program's command line may hold a key: the console gets its name only.
            row["spec"] = f"agent:{spec.arg}" if spec.is_program and PROGRAM_NAME.match(spec.arg) else ("agent" if spec.is_program else str(spec))
            row["stand_in"] = stand_in_spec(self.deck, a)
        return {
            "type": "state",
            "role": "facilitator",
            "version": self.version,
            **self._common(FACILITATOR_VIEWER),
            "seats": seats,
            "projector_code": PROJECTOR in codes,
            "pending_rolls": [asdict(r) for r in s.pending_rolls()] if not game.is_over else [],
            "injects": [{"event": i.event, "text": i.text, "effects": list(i.effects)} for i in game.injects],
            "inject_events": [{"id": e, "name": n, "inject": i} for e, n, i in s.inject_events()],
            "scores": {a: {"total": sc.total, "objectives": [asdict(o) for o in sc.objectives]} for a, sc in s.scores().items()},
            "settings": asdict(self.settings),
            "programs": [n for n in self.programs.names() if PROGRAM_NAME.match(n)],
            "notices": list(self.notices),
            "exercise": self.id,
            **self._clock_state(),
        }

    def _common(self, viewer: Viewer) -> dict[str, Any]:
        """What the projector and the facilitator share, from the read model of `viewer`."""
        s = self.session
        game = self.game
        model = s.read(viewer)
        last = len(game.records)
        tracks = [asdict(t) for t in model.tracks()]
        for a in self.deck.actors:
            tracks += [asdict(t) for t in model.tracks(a)]
        ending = game.ending
        return {
            "title": self.deck.title,
            "turn": game.turn,
            "turns": game.turns,
            "turn_label": s.turn_label(),
            "turn_name": self.deck.turn_name,
            "over": game.is_over,
            "ending": {"id": ending.id, "title": ending.title, "text": ending.text} if ending else None,
            "seats": self._seats_public(),
            "tracks": tracks,
            "news": [_news(n) for n in model.news()],
            "report": _report(model.turn_report(last)) if last else None,
            # The read model gives each viewer only the offers it may know of: the public
            # never a secret one, the facilitator all of them.
            "offers": [_offer(self.deck, o) for o in model.offers()],
        }


def _news(n: NewsItem) -> dict[str, Any]:
    return {"turn": n.turn, "text": n.text, "kind": n.kind, "audience": sorted(n.audience) if n.audience is not None else None, "actor": n.actor}


def _offer(deck: CompiledDeck, o: OfferRecord) -> dict[str, Any]:
    return {
        "move": o.move, "name": o.name, "maker": o.maker, "maker_name": deck.actor_name(o.maker),
        "recipient": o.recipient, "recipient_name": deck.actor_name(o.recipient), "made": o.made,
        "deadline": o.deadline, "status": o.status, "closed": o.closed, "secret": o.secret,
    }


def _report(r: TurnReport) -> dict[str, Any]:
    return {
        "turn": r.turn,
        "news": [_news(n) for n in r.news],
        "rolls": [asdict(x) for x in r.rolls],
        "changes": [asdict(x) for x in r.changes],
        "flags": [list(f) for f in r.flags],
        "events": list(r.events),
        "thresholds": [_news(n) for n in r.thresholds],
        "reasons": [list(x) for x in r.reasons],
        "ending": {"id": r.ending.id, "title": r.ending.title, "text": r.ending.text} if r.ending else None,
    }

