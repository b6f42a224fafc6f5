"""A hosted exercise: the one controller of the game, its join codes, and the store it is
kept in.

The game itself runs through `wargame.play.control.Session`, exactly as a local game does;
here are only what a room over the network adds: join codes (who may open which seat, the
facilitator's console or the projector), a `StoreKeeper` that keeps every seal, turn,
setting and notice in the store before anyone is told, and what each role is sent: its
viewer's `Observation`, built once per moment and sent as JSON. No network code lives here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wargame.bots.seats import NO_PROGRAMS, Programs, safe_seats
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.errors import IllegalOrderError, WargameError
from wargame.net.codes import hash_code, new_code
from wargame.net.store.base import FACILITATOR, PROJECTOR, StaleTurn, Store
from wargame.observe.model import Observation, Settings
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.clock import Countdown
from wargame.play.commands import GameCommand, Reissue, Reply, Revoke
from wargame.play.control import BotJob, Session
from wargame.play.keeping import KeptGame
from wargame.saves.store import new_save, parse_save, resume, with_seats

__all__ = ["AccessError", "BotJob", "Exercise", "Role", "StoreKeeper"]

EVENT_SETTINGS = "settings"
"""Event kind the host logs when the facilitator changes its settings (restored on restart)."""
EVENT_NOTICE = "notice"


class AccessError(WargameError):
    """A join code was refused: wrong, revoked, for another exercise, or already in use."""


@dataclass(frozen=True, slots=True)
class Role:
    """Who a join code opens: a seat (an actor id), `FACILITATOR` or `PROJECTOR`."""

    name: str

    @property
    def is_seat(self) -> bool:
        return self.name not in {FACILITATOR, PROJECTOR}

    @property
    def viewer(self) -> Viewer:
        if self.name == FACILITATOR:
            return FACILITATOR_VIEWER
        if self.name == PROJECTOR:
            return PUBLIC
        return Viewer.seat(self.name)


class StoreKeeper:
    """Keeps a hosted game in the store: each seal on its own (checked against the open turn
    in one transaction), the whole save on every other change (optimistically: a second
    host writing the same exercise is refused), settings and notices as events."""

    def __init__(self, store: Store, exercise_id: str, revision: int) -> None:
        self.store = store
        self.id = exercise_id
        self.revision = revision

    def seal(self, session: KeptGame, turn: int, seat: str, orders: Sequence[str], reasons: Sequence[str]) -> None:
        try:
            self.store.submit_orders(self.id, turn, seat, list(orders), list(reasons))
        except StaleTurn:
            unit = session.deck.turn_name
            raise IllegalOrderError(f"these orders are for {unit} {turn}, but that {unit} is over: they were not sealed") from None

    def withdraw(self, session: KeptGame, turn: int, seat: str) -> None:
        self.store.withdraw_orders(self.id, turn, seat)

    def save(self, session: KeptGame) -> None:
        self.revision = self.store.put_save(self.id, session.save.model_dump_json(), self.revision)

    def log(self, session: KeptGame, kind: str, payload: dict[str, object]) -> None:
        self.store.append_event(self.id, kind, payload)


class Exercise:
    """One hosted game and its codes, kept in `store` under `exercise_id`."""

    def __init__(self, store: Store, exercise_id: str, session: Session, keeper: StoreKeeper) -> None:
        self.store = store
        self.id = exercise_id
        self.session = session
        self.keeper = keeper
        self.version = 0
        """Bumped on every change; clients are sent a new state when it moves."""
        self.listeners: list[Callable[[], None]] = []
        self.kicked: list[tuple[str, str]] = []
        """(role, reason): connections the server must close (a code revoked or reissued)."""
        self.connected: set[str] = set()
        """Roles with a live connection (kept by the server; shown to everyone, like sealing)."""
        self._texts: dict[str, tuple[tuple[object, ...], str]] = {}
        """Per role: the moment's key and its observation as JSON (see `observation_text`)."""
        session.listeners.append(self.changed)
        session.room_extra = self._room_extra

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
        wall: Callable[[], dt.datetime] | None = None,
    ) -> tuple[Exercise, dict[str, str]]:
        """Start a new exercise; returns it and the fresh codes (role -> code), shown once.

        `programs`: what this run's command line named; an `agent:` seat must be among them."""
        keeper = StoreKeeper(store, exercise_id, 1)
        session = Session(Game(deck, seed, turns, starts=deck.doctrine_starts(seats)), seats, facilitator=facilitator, programs=programs, keeper=keeper, clock=clock,
                          settings=_room_settings(facilitator), wall=wall)
        codes = {a: new_code() for a in session.humans}
        if facilitator:
            codes[FACILITATOR] = new_code()
        codes[PROJECTOR] = new_code()
        session.save = new_save(session.game, session.seat_specs, facilitator=facilitator)
        store.create_exercise(exercise_id, session.save.model_dump_json(), {r: hash_code(c) for r, c in codes.items()})
        ex = cls(store, exercise_id, session, keeper)
        keeper.log(session, EVENT_SETTINGS, session.settings_payload())
        return ex, codes

    @classmethod
    def open(
        cls, store: Store, exercise_id: str, *, clock: Callable[[], float] = time.monotonic, programs: Programs = NO_PROGRAMS,
        wall: Callable[[], dt.datetime] | None = None,
    ) -> Exercise:
        """Reopen an exercise from the store after a restart: every resolved turn, the
        orders sealed for the open one, the facilitator's settings, the countdown's time
        left and queued injects; a turn every seat had sealed but that never resolved (a
        crash in between) resolves now.

        A seat the store says a program played runs again only if this run's `programs`
        names it; otherwise its default computer plays, and the facilitator is told."""
        record = store.load_exercise(exercise_id)
        save = parse_save(record.save_json.encode("utf-8"), f"exercise {exercise_id!r}")
        game = resume(save)
        seats, notes = safe_seats(save.seats, game.deck, programs)
        save = with_seats(save, seats)  # a program's stand-in plays it from here: recorded
        keeper = StoreKeeper(store, exercise_id, record.revision)
        session = Session(game, seats, facilitator=save.facilitator, save=save, programs=programs, keeper=keeper, clock=clock,
                          settings=_room_settings(save.facilitator), wall=wall)
        ex = cls(store, exercise_id, session, keeper)
        if not game.is_over:
            for seat, sealed in store.pending_orders(exercise_id, game.turn).items():
                if seat in game.deck.actors and seat not in game.orders:
                    try:
                        game.submit(seat, sealed.orders, sealed.reasons)
                    except WargameError:
                        pass  # no longer legal: the seat chooses again
        for event in reversed(store.events(exercise_id)):
            if event.kind == EVENT_SETTINGS:
                session.restore_settings(event.payload)
                break
        for note in notes:
            session.notice(note)
        if not game.is_over:
            session.finish_pending_turn()
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

    @property
    def settings(self) -> Settings:
        return self.session.settings

    @property
    def paused(self) -> bool:
        return self.session.clock.paused

    @property
    def countdown(self) -> Countdown:
        return self.session.clock.countdown

    def clock(self) -> float:
        return self.session.clock.now()

    @property
    def notices(self) -> list[str]:
        return self.session.notices

    def changed(self) -> None:
        self.version += 1
        for fn in list(self.listeners):
            fn()

    def notice(self, text: str) -> None:
        self.session.notice(text)

    # -- the game, through its one controller -------------------------------------------
    def apply(self, role: Role, command: GameCommand, member: str = "") -> Reply:
        """Carry out a command from a client whose code opened `role` (on the device of the
        team member `member`, when a team plays the seat)."""
        match command:
            case Revoke() | Reissue() if role.name != FACILITATOR:
                return Reply(ok=False, of=command.type, message=f"{command.type}: only the facilitator may do that")
            case Revoke():
                try:
                    self.revoke(command.role)
                except WargameError as exc:
                    return Reply(ok=False, of="revoke", message=str(exc))
                return Reply(ok=True, of="revoke")
            case Reissue():
                try:
                    code = self.reissue(command.role)
                except WargameError as exc:
                    return Reply(ok=False, of="reissue", message=str(exc))
                return Reply(ok=True, of="reissue", code=code, role=command.role)
        if role.name == PROJECTOR:
            return Reply(ok=False, of=command.type, message=f"{command.type}: the projector only shows the room")
        return self.session.apply(role.name, command, member)

    def bot_jobs(self) -> list[BotJob]:
        return self.session.bot_jobs()

    def bot_decided(self, job: BotJob, decision: Any, error: BaseException | None) -> None:
        self.session.bot_decided(job, decision, error)

    def time_up(self) -> bool:
        return self.session.time_up()

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
            raise WargameError(f"no seat or role '{role[:40]}' (seats: {', '.join(self.deck.actors)}, or projector)")

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

    # -- what each role is sent ----------------------------------------------------------
    def _room_extra(self, viewer: Viewer) -> dict[str, object]:
        extra: dict[str, object] = {"hosted": True, "connected": frozenset(self.connected), "exercise": self.id}
        if viewer.is_facilitator:
            extra["codes"] = frozenset(self.store.codes(self.id))
        return extra

    def view_key(self) -> tuple[object, ...]:
        """Changes whenever anything a seat or the projector may see in the game (not the
        room) could have changed: resolution, reveals and the end each add news or a record;
        a re-seat changes who every viewer is told plays each actor."""
        game = self.game
        seats = tuple(str(spec) for spec in self.session.seats.values())
        talk = self.session.talk.revision  # a message or a mute: rebuilt for all (only readers' views change)
        return (game.turn, len(game.records), len(game.news), len(game.revealed_plays), int(game.is_over), seats, talk)

    def observation_key(self, role: Role) -> tuple[object, ...]:
        """Changes whenever `role`'s observation may have: the game's moment, a seat's own
        sealed orders, and for the facilitator any change at all (sealed orders, dice)."""
        if role.name == FACILITATOR:
            return (*self.view_key(), self.version)
        if role.is_seat:
            return (*self.view_key(), self.game.orders.get(role.name))
        return self.view_key()

    def observation(self, role: Role) -> Observation:
        """The role's observation of the game now, room included."""
        return self.session.observe(role.viewer)

    def observation_text(self, role: Role) -> str:
        """The role's observation of the game as JSON, without the room (sent apart, as
        it changes more often): rebuilt for a seat or the projector only when what they may
        see can have changed; the facilitator's (sealed orders, dice, injects) every time."""
        key = self.observation_key(role)
        cached = self._texts.get(role.name)
        if cached is not None and cached[0] == key:
            return cached[1]
        obs = self.observation(role).model_copy(update={"room": None})
        text = obs.model_dump_json()
        self._texts[role.name] = (key, text)
        return text

    def room_json(self, role: Role) -> str:
        return self.session.room(role.viewer).model_dump_json()

    def state_text(self, role: Role, *, with_observation: bool = True) -> str:
        """What a client is sent when anything changes: the room, and (when it changed or
        is asked for) the observation."""
        head = f'{{"type":"state","version":{self.version},"role":"{"seat" if role.is_seat else role.name}","room":{self.room_json(role)}'
        if not with_observation:
            return head + "}"
        return head + ',"observation":' + self.observation_text(role) + "}"


def _room_settings(facilitator: bool) -> Settings:
    """A hosted room resolves on its own when every seat is in unless a facilitator runs
    it; at time-up, missing seats stand pat unless the facilitator chooses otherwise."""
    return Settings(auto_resolve=not facilitator, on_timeout="stand-pat")
