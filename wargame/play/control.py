"""Game control: the one controller every game runs through, local or hosted.

A `Session` owns the engine's `Game`, who sits in each seat, the computer seats, the
facilitator's clock (countdown, pause), what happens at time-up, the stand-ins, injects,
overrides and re-seating, and keeping the game (through a `Keeper`: a save file here, the
exercise store for `wargame host`). Every change goes through it, under a lock, so
computer seats can decide in worker threads while people give orders; listeners are told
after each change. What anyone is shown comes from `observe(viewer)`. Nothing here
imports textual or aiohttp.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wargame.bots.base import Bot, Decision
from wargame.bots.make import make_bot
from wargame.bots.seats import (
    COMPUTER_KINDS,
    NO_PROGRAMS,
    PROGRAM_NAME,
    Programs,
    SeatSpec,
    default_computer,
    safe_seats,
)
from wargame.deck.compile import CEnding, CMove, CompiledDeck
from wargame.deck.describe import turn_label
from wargame.engine.game import Game, Score
from wargame.engine.state import Inject, TurnRecord
from wargame.errors import IllegalOrderError, KeeperLost, SaveError, WargameError
from wargame.observe.build import TurnCache, observe
from wargame.observe.labels import STAND_IN_MARK
from wargame.observe.model import Observation, OddsInfo, RoomInfo, RoomSeat, Settings, TimeUp
from wargame.observe.talk import (
    FACILITATOR_SENDER,
    Message,
    Talk,
    TalkError,
    TeamNote,
    admits,
    choose_sealer,
    compose,
    join,
    member_name,
    seal_note,
    team_note,
)
from wargame.observe.talk import channel as find_channel
from wargame.observe.view import PlayerView
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer, as_viewer, home_viewer
from wargame.play.clock import Clock
from wargame.play.commands import (
    FACILITATOR_ONLY,
    AddTime,
    Agree,
    ChooseSealer,
    Comment,
    Configure,
    Countdown,
    GameCommand,
    Missing,
    MuteChannel,
    Object,
    Orders,
    Override,
    Pause,
    PostAsThirdParty,
    Propose,
    RemoveInject,
    Reply,
    Reseat,
    Resolve,
    Resume,
    SendMessage,
    TeamCap,
)
from wargame.play.commands import (
    Inject as InjectCommand,
)
from wargame.play.keeping import FileKeeper, Keeper
from wargame.play.lock import FacilitatorLock, hash_pin
from wargame.saves.catalogue import autosave_path, new_seed
from wargame.saves.format import (
    MAX_EXPR,
    MAX_INJECT_EFFECTS,
    MAX_INJECTS,
    MAX_OVERRIDES,
    CountdownModel,
    SaveModel,
)
from wargame.saves.store import (
    DEFAULT_SAVE_DIR,
    new_save,
    read_save,
    resume,
    talk_of,
    update_save,
    with_seats,
    with_talk,
    write_save,
)
from wargame.text import cut, safe_text
from wargame.words import possessive

if TYPE_CHECKING:
    from wargame.analysis.odds import OddsJob

MAX_NOTICES = 20
log = logging.getLogger("wargame.talk")
"""Where a computer seat's refused message is said (the host's log)."""


@dataclass(frozen=True, slots=True)
class PendingRoll:
    """A chance roll the sealed orders will make, and the facilitator's override of it."""

    key: str
    label: str
    chance: float
    forced: bool | None


@dataclass
class BotJob:
    """A computer seat's decision, to be made off the lock (a lookahead or a program can
    take a while): `run()` in any thread, then `Session.bot_decided` with the result."""

    actor: str
    turn: int
    bot: Bot
    view: PlayerView
    legal: list[CMove]
    allowed: int

    def run(self) -> Decision:
        return self.bot.decide(self.view, self.legal, self.allowed)


class Session:
    """One game being played: the engine's `Game`, who sits in each seat, the room's
    clock and settings, and where it is kept. The one controller of every game."""

    def __init__(
        self,
        game: Game,
        seats: Mapping[str, str | SeatSpec],
        *,
        facilitator: bool = False,
        save_path: Path | None = None,
        save: SaveModel | None = None,
        title: str = "",
        facilitator_pin: str | None = None,
        programs: Programs = NO_PROGRAMS,
        keeper: Keeper | None = None,
        clock: Callable[[], float] | None = None,
        settings: Settings | None = None,
        wall: Callable[[], dt.datetime] | None = None,
    ) -> None:
        """`facilitator_pin`: the PIN (in clear) that guards the facilitator's screens on a
        shared keyboard; only its hash is kept. A resumed game takes it from `save`.

        `programs`: the outside programs this run may start (named on its command line
        or in the person's settings); an `agent:` seat not among them is refused.
        `keeper`: where the game is kept (default: the save file at `save_path`)."""
        deck = game.deck
        self.game = game
        self.deck: CompiledDeck = deck
        self.seats: dict[str, SeatSpec] = {}
        unknown = set(seats) - set(deck.actors)
        if unknown:
            raise WargameError(f"unknown actor(s) in seats: {', '.join(sorted(unknown))}")
        for actor in deck.actors:
            spec = seats.get(actor, "human")
            self.seats[actor] = spec if isinstance(spec, SeatSpec) else SeatSpec.parse(spec)
        self.facilitator = facilitator
        self.save_path = save_path
        self.programs = programs
        self._lock = threading.RLock()
        self.bots: dict[str, Bot] = {}
        for actor, spec in self.seats.items():
            if not spec.is_human:
                self.bots[actor] = self._make_bot(spec, actor)
        self.save = save or new_save(game, self.seat_specs, facilitator=facilitator, title=title)
        self.clock = Clock()
        """The facilitator's countdown and pause."""
        if clock is not None:
            self.clock.now = clock
        self.lock = FacilitatorLock()
        """The facilitator's PIN, asked before any screen that shows everything."""
        if save is not None:
            self.lock = FacilitatorLock(save.facilitator_pin, list(save.pin_failures), len(save.pin_failures))
            self.clock.restore(save.countdown.model_dump() if save.countdown else None)
        elif facilitator and facilitator_pin:
            self.lock = FacilitatorLock(hash_pin(facilitator_pin))
        # The wait between PIN guesses reads the game's clock (a test's fake one too).
        self.lock.now = lambda: self.clock.now()
        minutes = save.countdown.seconds / 60 if save is not None and save.countdown is not None else 0.0
        self.settings = settings or Settings(auto_resolve=False, on_timeout="wait", countdown_minutes=minutes)
        """How the room runs: resolve when all are in, and what happens at time-up. A
        bare session resolves only when told; the terminal app and the host set these."""
        self.clock_waits_for_results = False
        """The next turn's countdown starts when the room has read the results
        (`start_turn_clock`), not the moment the turn resolves (the shared keyboard)."""
        self.keeper: Keeper = keeper or FileKeeper()
        self.wall = wall or _utc_now
        """The wall clock, read only to carry a countdown over a host's restart."""
        self.save_error: str | None = None
        """Why the last save failed (the game itself went on); None when saved."""
        self.notes: list[str] = []
        """What the person opening this game should be told (a program seat stood in for)."""
        self.notices: list[str] = []
        """What the facilitator should know (a program's bad answer, a stand-in's move)."""
        self.listeners: list[Callable[[], None]] = []
        """Called after every change (from the thread that made it)."""
        self.thinking: set[str] = set()
        """Computer seats deciding right now."""
        self.covered: dict[str, str] = {}
        """Computer seats whose orders this turn a stand-in gave (`overran`, `failed`)."""
        self.stand_ins: dict[str, Bot] = {}
        self.turn_cache = TurnCache()
        """Resolved turns already put into words for each viewer (see `observe`)."""
        self.room_extra: Callable[[Viewer], dict[str, object]] | None = None
        """What a host adds to the room a viewer is shown (connections, codes)."""
        self.odds: OddsInfo | None = None
        """The live odds of each ending, for the facilitator's console (see `odds_job`)."""
        self._odds_key: tuple[object, ...] | None = None
        """The moment `odds` are for; `_odds_running`: the moment being computed."""
        self._odds_running: tuple[object, ...] | None = None
        self._odds_by_turn: dict[int, OddsInfo] = {}
        """The latest odds before each turn: the change shown is against the last turn's."""
        self.talk: Talk = talk_of(save) if save is not None else Talk()
        """What the seats have said to each other (kept beside the game, in the save)."""

    # -- making and resuming ------------------------------------------------------------
    @classmethod
    def new(
        cls,
        deck: CompiledDeck,
        seats: Mapping[str, str | SeatSpec],
        *,
        seed: int | None = None,
        turns: int | None = None,
        facilitator: bool = False,
        facilitator_pin: str | None = None,
        save_dir: Path | None = DEFAULT_SAVE_DIR,
        programs: Programs = NO_PROGRAMS,
    ) -> Session:
        """Start a game and write its first autosave (unless `save_dir` is None).

        A facilitated game with human seats needs a `facilitator_pin`: the seats share the
        keyboard, and the facilitator's screens show their secrets."""
        seed = seed if seed is not None else new_seed()
        game = Game(deck, seed, turns, starts=deck.doctrine_starts(seats))
        path = None
        if save_dir is not None:
            path = autosave_path(save_dir, deck.id)  # no seed in the name; created exclusively
        session = cls(game, seats, facilitator=facilitator, save_path=path, facilitator_pin=facilitator_pin, programs=programs)
        if facilitator and session.humans and not session.lock.locked:
            raise WargameError("choose a facilitator PIN: the seats share this keyboard, and the facilitator's screens show their secrets")
        session.autosave()
        if session.save_error:
            raise SaveError(session.save_error)
        return session

    @classmethod
    def resume(cls, path: str | Path, *, programs: Programs = NO_PROGRAMS) -> Session:
        """Continue a saved game where its save left off: every resolved turn, and the
        orders confirmed for the current one. Only unconfirmed orders are lost.

        A seat the save says a program played is never started from the file: unless
        `programs` (this run's own list) names it, the actor's default computer stands in
        from now on, and `notes` says so."""
        save = read_save(path)
        game = resume(save)
        seats, notes = safe_seats(save.seats, game.deck, programs)
        save = with_seats(save, seats)  # a program's stand-in plays it from here: recorded
        session = cls(game, seats, facilitator=save.facilitator, save_path=Path(path), save=save, programs=programs)
        session.notes = notes
        return session

    def _make_bot(self, spec: SeatSpec, actor: str) -> Bot:
        try:
            return make_bot(spec, self.deck, actor, self.game.seed, programs=self.programs)
        except ImportError:
            raise WargameError(f"{spec.kind} computer seats are not available in this version") from None

    @property
    def seat_specs(self) -> dict[str, str]:
        return {a: str(s) for a, s in self.seats.items()}

    # -- keeping ------------------------------------------------------------------------
    def _current_save(self) -> SaveModel:
        save = with_talk(update_save(self.save, self.game), self.talk)
        # A seat that changed hands (re-seated) is recorded from the turn in play.
        save = with_seats(save, self.seat_specs, len(self.game.records) + 1)
        countdown = self.clock.snapshot()
        return save.model_copy(
            update={
                "facilitator_pin": self.lock.pin_hash,
                "pin_failures": list(self.lock.failures),
                "countdown": CountdownModel.model_validate(countdown) if countdown else None,
            }
        )

    def autosave(self) -> Path | None:
        """Keep everything so far (the save file is rewritten atomically); the file, or None."""
        with self._lock:
            self.save = self._current_save()
            self.keeper.save(self)
            return self.save_path if self.save_error is None and self.save_path is not None else None

    def retry_save(self) -> bool:
        """Try keeping the game again after a failure; True when it is kept now."""
        self.autosave()
        return self.save_error is None

    def save_copy(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the game so far to another file (the autosave goes on where it was).

        Refuses to replace an existing file unless `overwrite` (the UI asks first)."""
        target = Path(path)
        if self.save_path is not None and target.resolve() == Path(self.save_path).resolve():
            raise WargameError(f"{target} is this game's own autosave; choose another name")
        if target.exists() and not overwrite:
            raise FileExistsError(str(target))
        with self._lock:
            written = write_save(self._current_save(), target)
        # The live game stays the newest file of this game: Continue resumes it, and the
        # load list names the copy as a checkpoint (`catalogue.list_saves`).
        self.autosave()
        return written

    def changed(self) -> None:
        """Tell every listener that something changed."""
        for fn in list(self.listeners):
            fn()

    def notice(self, text: str) -> None:
        """Something the facilitator should know, kept (a host logs it in the store)."""
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.notices = [*self.notices[-(MAX_NOTICES - 1):], f"{stamp} {text}"]
        self.keeper.log(self, "notice", {"text": text})

    @property
    def state_hash(self) -> str:
        return self.game.state.digest()

    # -- who plays ----------------------------------------------------------------------
    @property
    def humans(self) -> list[str]:
        return [a for a, s in self.seats.items() if s.is_human]

    @property
    def computers(self) -> list[str]:
        return [a for a, s in self.seats.items() if not s.is_human]

    @property
    def shared_screen(self) -> bool:
        """More than one person uses this screen, so seats hand over behind a curtain."""
        return len(self.humans) + (1 if self.facilitator else 0) > 1

    @property
    def viewer(self) -> Viewer:
        """Whose eyes the shared screens (results, dashboard) are for: the facilitator when
        there is one, the only human when one plays alone, otherwise the public."""
        return home_viewer(self.facilitator, self.humans) or PUBLIC

    def actor_name(self, actor: str) -> str:
        return self.deck.actor_name(actor)

    def has_orders(self, actor: str) -> bool:
        return actor in self.game.orders

    def waiting_for(self) -> list[str]:
        with self._lock:
            return self.game.waiting_for()

    def next_human(self) -> str | None:
        """The first human seat, in deck order, still to give orders this turn."""
        if self.is_over:
            return None
        with self._lock:
            return next((a for a in self.humans if a not in self.game.orders), None)

    def bots_waiting(self) -> list[str]:
        if self.is_over:
            return []
        with self._lock:
            return [a for a in self.computers if a not in self.game.orders]

    @property
    def ready(self) -> bool:
        """Every seat has sealed its orders: the turn can be resolved."""
        return not self.is_over and not self.waiting_for()

    @property
    def is_over(self) -> bool:
        return self.game.is_over

    @property
    def ending(self) -> CEnding | None:
        return self.game.ending

    @property
    def turn(self) -> int:
        return self.game.turn

    @property
    def turns(self) -> int:
        return self.game.turns

    def turn_label(self, turn: int | None = None) -> str:
        """`Week 3 of 6 · 17 January 2022`: for headers."""
        return turn_label(self.deck, self.turn if turn is None else turn, self.turns)

    def allowed(self, seat: str) -> int:
        return self.game.orders_allowed(seat)

    def scores(self) -> dict[str, Score]:
        with self._lock:
            return self.game.scores()

    @property
    def injects(self) -> list[Inject]:
        return list(self.game.injects)

    def pending_rolls(self) -> list[PendingRoll]:
        with self._lock:
            rolls = self.game.pending_rolls()
            forced = dict(self.game.overrides)
        return [PendingRoll(key, label, p, forced.get(key)) for key, label, p in rolls]

    # -- what each viewer is shown -------------------------------------------------------
    def program_names(self) -> dict[str, str]:
        """Actor -> the name of the program playing it (never its command line)."""
        return {a: s.arg for a, s in self.seats.items() if s.is_program and PROGRAM_NAME.match(s.arg)}

    def room(self, viewer: Viewer) -> RoomInfo:
        """The room as `viewer` is shown it: who has sealed (never what), who is thinking,
        the clock; the settings, notices and programs for the facilitator only."""
        with self._lock:
            return self._room(viewer)

    def _room(self, viewer: Viewer) -> RoomInfo:
        extra = self.room_extra(viewer) if self.room_extra is not None else {}
        connected = extra.get("connected")
        codes = extra.get("codes")
        seats = []
        for a in self.deck.actors:
            seats.append(RoomSeat(
                actor=a, sealed=a in self.game.orders, thinking=a in self.thinking, covered=self.covered.get(a, ""),
                connected=(a in connected) if isinstance(connected, set | frozenset) else None,
                code=(a in codes) if isinstance(codes, set | frozenset) and viewer.is_facilitator else None,
            ))
        fac = viewer.is_facilitator
        return RoomInfo(
            seats=seats,
            paused=self.clock.paused,
            countdown=self.clock.left(),
            countdown_running=self.clock.countdown.deadline is not None,
            settings=self.settings if fac else None,
            notices=list(self.notices) if fac else [],
            programs=[n for n in self.programs.names() if PROGRAM_NAME.match(n)] if fac else [],
            hosted=bool(extra.get("hosted", False)),
            exercise=str(extra.get("exercise", "")) if fac else "",
            save_error=self.save_error or "",
            team_cap=self.talk.team_cap if fac else None,
            seat_caps=dict(self.talk.seat_caps) if fac else {},
        )

    def observe(self, who: Viewer | str) -> Observation:
        """What `who` may know of the game now, with the room as it is shown to them (and,
        for the facilitator alone, the live odds)."""
        with self._lock:
            viewer = as_viewer(who, self.deck)
            odds = self.odds_shown(viewer)
            return observe(
                self.game, viewer, seats=self.seat_specs, room=self._room(viewer),
                programs=self.program_names() if viewer.is_facilitator else None, cache=self.turn_cache, odds=odds, talk=self.talk,
            )

    # -- live odds (the facilitator's) -----------------------------------------------------
    def odds_shown(self, viewer: Viewer) -> tuple[OddsInfo | None, bool] | None:
        """The live odds as `viewer` is shown them (the facilitator alone, in a game with
        one): the latest for this turn, if any, and whether they are being computed again.
        None once the game is over: its ending is no longer a chance."""
        if not (viewer.is_facilitator and self.facilitator) or self.game.is_over:
            return None
        return (self.odds if self.odds is not None and self.odds.turn == self.game.turn else None, self._odds_key != self._moment())

    def _moment(self) -> tuple[object, ...]:
        """What the odds depend on: the turn, the turns resolved, the injects queued and
        those fired into the opening (fired or withdrawn, the state before turn 1 changed)."""
        return (self.game.turn, len(self.game.records), tuple(self.game.injects), tuple(self.game.opening_injects))

    def odds_job(self) -> OddsJob | None:
        """The live odds to compute, when they are out of date (a turn resolved, an inject
        landed or was taken back) and this game has a facilitator to show them to: a job
        to run off the lock (it takes a fraction of a second), then `odds_done`."""
        from wargame.analysis.odds import OddsJob, live_stand_ins

        with self._lock:
            moment = self._moment()
            if not self.facilitator or self.game.is_over or moment in (self._odds_key, self._odds_running):
                return None
            self._odds_running = moment
            turn = self.game.turn
            return OddsJob(moment, self.game.fork(self.game.seed), self.game.seed,
                           live_stand_ins(self.deck, self.seats), tuple(self.game.injects), self._odds_by_turn.get(turn - 1))

    def odds_done(self, job: OddsJob, odds: OddsInfo | None) -> None:
        """The live odds of `job` came back (None: they could not be computed); kept if the
        game is still at that moment, and the facilitator's console is told."""
        with self._lock:
            if self._odds_running == job.key:
                self._odds_running = None
            if odds is None or job.key != self._moment():
                return
            self.odds = odds
            self._odds_key = job.key
            self._odds_by_turn[odds.turn] = odds
        self.changed()

    def view(self, who: Viewer | str) -> PlayerView:
        """A viewer's window onto the game now (what computer seats decide from)."""
        with self._lock:
            return PlayerView(self.game, who)

    # -- commands -----------------------------------------------------------------------
    def apply(self, role: str, command: GameCommand, member: str = "") -> Reply:
        """Carry out `command` from `role` (an actor, or `facilitator`): the one path for
        every client, local or remote. `member`: the team member who sent it (a hosted seat
        played by a team). A command `role` may not give, or one that cannot be done now, is
        refused with one line."""
        kind = command.type
        try:
            if kind in FACILITATOR_ONLY and role != FACILITATOR_VIEWER.name:
                raise WargameError(f"{kind}: only the facilitator may do that")
            match command:
                case Orders():
                    if role not in self.deck.actors:
                        raise WargameError("orders: only a seat gives orders")
                    self.seal_orders(role, command.turn, list(command.orders), list(command.reasons), member=member)
                case Propose() | Comment() | Agree() | Object():
                    self.team_says(role, member, command)
                case ChooseSealer():
                    self.choose_sealer(role, member, command.member, command.seat)
                case TeamCap():
                    self.set_team_cap(command.members, command.seat)
                case Resolve():
                    self.resolve_now(command.missing)
                case Pause():
                    self.pause()
                case Resume():
                    self.unpause()
                case Countdown():
                    self.set_countdown(command.minutes)
                case AddTime():
                    self.add_time(command.seconds)
                case Configure():
                    self.configure(command.auto_resolve, command.on_timeout)
                case InjectCommand() if command.opening:
                    self.fire_opening_inject(command.event, command.text, command.effects)
                case InjectCommand():
                    self.fire_inject(command.event, command.text, command.effects)
                case RemoveInject() if command.opening:
                    self.withdraw_opening_inject(command.index)
                case RemoveInject():
                    self.remove_inject(command.index)
                case Override():
                    self.override(command.key, command.outcome)
                case Reseat():
                    self.reseat(command.seat, command.spec)
                case SendMessage():
                    self.send_message(role, command.channel, command.to, command.text, member=member)
                case PostAsThirdParty():
                    self.send_message(role, command.channel, command.to, command.text, third_party=command.sender)
                case MuteChannel():
                    self.mute(command.channel, command.muted)
                case _:
                    raise WargameError(f"{kind}: not possible in this game")
        except KeeperLost:
            raise
        except WargameError as exc:
            return Reply(ok=False, of=kind, message=str(exc))
        return Reply(ok=True, of=kind)

    # -- talk ---------------------------------------------------------------------------
    def send_message(self, sender: str, channel: str, to: Sequence[str], text: str, *, third_party: str = "", member: str = "") -> Message:
        """`sender` (an actor, or `facilitator`) writes on `channel` (`member`: the team
        member who wrote it, when a team plays the seat); `TalkError` (one line) if it may
        not. Kept at once (a crash loses no message); no effect on the game."""
        if sender != FACILITATOR_SENDER and sender not in self.deck.actors:
            raise TalkError("message: only a seat or the facilitator writes messages")
        if third_party and sender != FACILITATOR_SENDER:
            raise TalkError("post: only the facilitator may write as a third party")
        with self._lock:
            message = self._post(sender, channel, to, text, third_party, member)
            self.autosave()
        self.changed()
        return message

    def _post(self, sender: str, channel: str, to: Sequence[str], text: str, third_party: str = "", member: str = "") -> Message:
        message = compose(
            self.deck, self.talk, self.game.state, self.game.is_over, sender=sender, channel_name=channel, to=to,
            text=text, turn=self.game.turn, at=self.wall().isoformat(timespec="seconds"), third_party=third_party, member=member,
        )
        self.talk.messages.append(message)
        return message

    def mute(self, channel: str, muted: bool = True) -> None:
        """The facilitator mutes a channel (nobody may write on it) or opens it again."""
        with self._lock:
            c = find_channel(self.deck, channel)
            if muted:
                self.talk.muted.add(c.name)
            else:
                self.talk.muted.discard(c.name)
            self.autosave()
        self.changed()

    def _send_said(self, actor: str, decision: Decision) -> None:
        """Send what a computer seat wrote with its orders (under the lock; the seal that
        follows keeps them); one refused is one line in the facilitator's notices (and the
        host's log), and its orders stand."""
        name = self.deck.actor_name(actor)
        refused = [f"{name}: its message was not sent: {why}" for why in decision.unsent]
        for said in decision.messages:
            try:
                self._post(actor, said.channel, said.to, said.text)
            except TalkError as exc:
                refused.append(f"{name}: its message was not sent: {exc}")
        for line in refused:
            log.warning("%s", line)
            self.notice(line)
        if decision.messages:
            self.autosave()

    # -- teams ------------------------------------------------------------------------------
    def join_team(self, seat: str, name: str) -> str:
        """A member named `name` opens `seat` (again, after a drop: nothing is lost); the
        first member seals for the team. Their display name as kept; `TalkError` when full."""
        if seat not in self.deck.actors:
            raise TalkError(f"unknown seat '{cut(seat, 40)}'")
        with self._lock:
            team = join(self.talk, seat, name)
            self.autosave()
        self.changed()
        clean = member_name(name)
        assert clean in team.members
        return clean

    def may_join_team(self, seat: str, name: str) -> None:
        """`TalkError` (one line) if `name` could not join `seat`'s team now (it is full);
        nothing changes."""
        with self._lock:
            admits(self.talk, seat, name)

    def team_says(self, seat: str, member: str, command: Propose | Comment | Agree | Object) -> TeamNote:
        """A member's proposal, comment, agreement or objection, kept (seat and facilitator only)."""
        if seat not in self.deck.actors:
            raise TalkError(f"{command.type}: only a team's member does that")
        at = self.wall().isoformat(timespec="seconds")
        with self._lock:
            turn = self.game.turn
            if self.game.is_over:
                raise TalkError("the game is over")
            match command:
                case Propose():
                    self._check_ids(seat, command.orders)
                    note = team_note(self.talk, seat, member, "propose", turn=turn, at=at, orders=command.orders, text=command.text)
                case Comment():
                    note = team_note(self.talk, seat, member, "comment", turn=turn, at=at, proposal=command.proposal, text=command.text)
                case Agree():
                    note = team_note(self.talk, seat, member, "agree", turn=turn, at=at, proposal=command.proposal)
                case Object():
                    note = team_note(self.talk, seat, member, "object", turn=turn, at=at, proposal=command.proposal, text=command.text)
            self.autosave()
        self.changed()
        return note

    def choose_sealer(self, role: str, member: str, new: str, seat: str | None = None) -> None:
        """The team's sealer (or the facilitator, naming `seat`) hands sealing to `new`."""
        facilitator = role == FACILITATOR_VIEWER.name
        target = seat if facilitator and seat else role
        if target not in self.deck.actors:
            raise TalkError("sealer: name the seat whose sealer you choose")
        with self._lock:
            team = self.talk.teams.get(target)
            if not facilitator and (team is None or member != team.sealer):
                raise TalkError(f"only the team's sealer{f' ({team.sealer})' if team else ''} or the facilitator chooses who seals")
            choose_sealer(self.talk, target, new, turn=self.game.turn, at=self.wall().isoformat(timespec="seconds"))
            self.autosave()
        self.changed()

    def set_team_cap(self, members: int, seat: str | None = None) -> None:
        """The facilitator's cap on members: for `seat` alone, or (None) for every seat,
        which replaces every seat's own cap. Members already in stay."""
        if seat is not None and seat not in self.deck.actors:
            raise TalkError(f"team cap: unknown seat '{cut(seat, 40)}' (seats: {', '.join(self.deck.actors)})")
        with self._lock:
            self.talk.set_cap(members, seat)
            self.autosave()
        self.changed()

    # -- orders -------------------------------------------------------------------------
    def submit(self, seat: str, orders: Sequence[str], reasons: Sequence[str] = ()) -> None:
        """Seal a seat's orders for this turn (the local keyboard's path; see `seal_orders`
        for the checks a command over the network gets)."""
        with self._lock:
            self._seal(seat, orders, reasons)
        self.after_change()

    def seal_orders(self, seat: str, turn: int, orders: list[str], reasons: list[str], *, member: str = "") -> None:
        """A team seals its orders for `turn`; refused, with one line, if the turn has moved
        on, the game is over or paused, a computer plays the seat, or they are illegal. The
        same orders sent again (a client retrying) are taken as already done."""
        unit = self.deck.turn_name
        with self._lock:
            game = self.game
            if game.is_over:
                raise IllegalOrderError("the game is over: no more orders")
            if turn != game.turn:
                raise IllegalOrderError(f"these orders are for {unit} {turn}, but {unit} {game.turn} is being played now: they were not sealed")
            if seat in self.bots:
                raise IllegalOrderError(f"{self.deck.actor_name(seat)} is played by a computer now (the facilitator re-seated it)")
            if self.clock.paused:
                raise IllegalOrderError("the game is paused by the facilitator: try again when it resumes")
            if seat in game.orders:
                if list(game.orders[seat]) == list(orders):
                    return
                raise IllegalOrderError(f"your orders for {unit} {turn} are already sealed and cannot be changed")
            self._check_ids(seat, orders)
            team = self.talk.teams.get(seat)
            if team is not None and team.members and member != team.sealer:
                raise IllegalOrderError(f"only the team's sealer ({team.sealer}) seals its orders: propose them instead")
            self._seal(seat, orders, [safe_text(r, 200, one_line=True) for r in reasons[: len(orders)]])
            if team is not None and team.members:
                deck = self.deck
                moves = [o for o in orders if o not in deck.move_index or deck.moves[deck.move_index[o]].answer is None]
                seal_note(self.talk, seat, member, orders, turn=turn, at=self.wall().isoformat(timespec="seconds"), moves=moves)
                self.autosave()  # the split at sealing is kept with the orders
        self.after_change()

    def _check_ids(self, seat: str, orders: Sequence[str]) -> None:
        """Every order must be one of the seat's own move ids. Said here rather than by the
        engine, whose message names the actor a move belongs to: that would confirm to a
        guessing team that another seat's secret move exists."""
        own = [m.id for m in self.deck.moves_by_actor[seat]]
        for order in orders:
            if order in own:
                continue
            close = difflib.get_close_matches(order, own, n=1, cutoff=0.75)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise IllegalOrderError(f"'{cut(order, 60)}' is not one of {possessive(self.deck.actor_name(seat))} moves{hint}: nothing was sealed")

    def _seal(self, seat: str, orders: Sequence[str], reasons: Sequence[str]) -> None:
        """Seal in the game, then make it durable; a keeper that refuses undoes the seal."""
        game = self.game
        turn = game.turn
        game.submit(seat, list(orders), list(reasons))  # raises IllegalOrderError first
        try:
            self.save = self._current_save()
            self.keeper.seal(self, turn, seat, list(orders), list(reasons))
        except WargameError:
            game.orders.pop(seat, None)
            game.reasons.pop(seat, None)
            raise

    # -- computer seats -----------------------------------------------------------------
    def bot_jobs(self) -> list[BotJob]:
        """The computer seats still to decide this turn and not already deciding: each a
        job to run off the lock, then hand to `bot_decided`."""
        with self._lock:
            if self.game.is_over or self.clock.paused:
                return []
            jobs = []
            for actor in self.computers:
                if actor in self.game.orders or actor in self.thinking:
                    continue
                self.thinking.add(actor)
                view = PlayerView(self.game, actor, seats=self.seat_specs, talk=self.talk)
                jobs.append(BotJob(actor, self.game.turn, self.bots[actor], view, self.game.available_moves(actor),
                                   self.game.orders_allowed(actor)))
            return jobs

    def bot_decided(self, job: BotJob, decision: Decision | None, error: BaseException | None = None) -> None:
        """A computer seat's decision came back. A program's failure makes the seat stand
        pat this turn (the facilitator is told); the turn moving on or the seat changing
        hands meanwhile makes the decision moot."""
        with self._lock:
            self.thinking.discard(job.actor)
            if job.turn != self.game.turn or self.game.is_over or self.bots.get(job.actor) is not job.bot:
                return
            name = self.deck.actor_name(job.actor)
            if error is not None:
                if not isinstance(error, WargameError):
                    raise error
                decision = self._cover(job, error)
            assert decision is not None
            self._send_said(job.actor, decision)
            try:
                self._seal(job.actor, decision.orders, decision.reasons)
            except KeeperLost:
                raise
            except WargameError as exc:
                self.notice(f"{name}: {exc} — stands pat")
                self._seal(job.actor, (), ("stood pat: its orders were refused",))
        self.after_change()

    def _cover(self, job: BotJob, error: WargameError) -> Decision:
        """A turn a computer seat could not play: a program that overran or failed is covered
        by the actor's stand-in (its reasons say so, in the save and the debrief); any other
        failure stands the seat pat. The facilitator is told either way."""
        from wargame.bots.agent import AgentError, cover

        name = self.deck.actor_name(job.actor)
        if isinstance(error, AgentError):
            stand_in = self.stand_ins.get(job.actor) or make_bot(default_computer(self.deck, job.actor), self.deck, job.actor, self.game.seed + self.turn)
            self.stand_ins[job.actor] = stand_in
            self.covered[job.actor] = error.kind
            self.notice(f"{error.summary} — {name}: its stand-in played this turn")
            return cover(error, stand_in, job.view, job.legal, job.allowed)
        self.covered[job.actor] = "failed"
        self.notice(f"{error} — {name} stands pat this turn")
        return Decision((), (f"stood pat: its computer failed ({cut(error, 160)})",))

    def run_bots(self) -> dict[str, Decision]:
        """Let every computer seat still waiting decide and seal its orders, here and now
        (each decides outside the lock). For tests, scripts and the simulator-like paths."""
        out: dict[str, Decision] = {}
        for job in self.bot_jobs():
            try:
                decision = job.run()
            except WargameError as exc:
                self.bot_decided(job, None, exc)
                continue
            self.bot_decided(job, decision)
            out[job.actor] = decision
        return out

    def close_bots(self) -> None:
        """End every program a computer seat runs (the game is over, or being left)."""
        for bot in self.bots.values():
            close = getattr(bot, "close", None)
            if close is not None:
                close()

    def _stand_in(self, actor: str) -> Decision:
        bot = self.stand_ins.get(actor)
        if bot is None:
            bot = self.stand_ins[actor] = make_bot(default_computer(self.deck, actor), self.deck, actor, self.game.seed + self.turn)
        return bot.decide(PlayerView(self.game, actor), self.game.available_moves(actor), self.game.orders_allowed(actor))

    def seal_missing(self, how: Missing | str) -> list[str]:
        """Seal the orders of every seat still choosing: `stand-pat` (no orders this turn)
        or `stand-in` (the actor's first doctrine, or random, plays them). The seats."""
        how = {"stand_pat": "stand-pat", "computer": "stand-in"}.get(how, how)
        if how not in {"stand-pat", "stand-in"}:
            raise WargameError(f"unknown way to seal missing orders: {how!r}")
        with self._lock:
            missing = self.game.waiting_for()
            for actor in missing:
                if how == "stand-pat":
                    self._seal(actor, [], ["stood pat: no orders before the turn was resolved"])
                    self.notice(f"{self.deck.actor_name(actor)} did not seal in time: it stands pat")
                else:
                    d = self._stand_in(actor)
                    self._seal(actor, d.orders, [f"{STAND_IN_MARK}{r}" for r in d.reasons])
                    self.notice(f"{self.deck.actor_name(actor)} did not seal in time: its computer stand-in played")
        return missing

    # -- resolving ----------------------------------------------------------------------
    def after_change(self) -> None:
        """Resolve if every seat is in and nobody need be waited for; tell the listeners."""
        if not self.is_over and not self.clock.paused and self.settings.auto_resolve and self.ready:
            self.resolve()
            return
        self.changed()

    def resolve(self) -> TurnRecord:
        """Resolve the turn (every seat must have sealed) and keep the game."""
        with self._lock:
            rec = self.game.resolve()
            self.thinking.clear()
            self.stand_ins.clear()
            self.covered.clear()
            if self.game.is_over:
                self.close_bots()
            if self.game.is_over:
                self.clock.stop()
            elif not self.clock_waits_for_results:
                self.start_turn_clock()
            self.autosave()
        self.changed()
        return rec

    def resolve_now(self, missing: Missing = "stand-pat") -> TurnRecord:
        """The facilitator resolves: seats still choosing stand pat or their stand-in plays."""
        with self._lock:
            if self.game.is_over:
                raise WargameError("the game is over")
            self.seal_missing(missing)
            return self.resolve()

    def time_up(self) -> bool:
        """The countdown ran out: act as the settings say. True if the turn resolved."""
        with self._lock:
            if self.is_over or self.clock.paused or self.settings.on_timeout == "wait" or not self.clock.expired:
                return False
            self.resolve_now(self.settings.on_timeout)
            return True

    def start_turn_clock(self) -> None:
        """This turn's countdown, at the set length (none when none is set)."""
        with self._lock:
            if self.settings.countdown_minutes > 0 and not self.is_over:
                self.clock.start(self.settings.countdown_minutes * 60)
                if self.clock.paused:
                    self.clock.countdown.pause(self.clock.now())
            else:
                self.clock.stop()

    def finish_pending_turn(self) -> bool:
        """On reopening (a host restarted after a crash): a turn whose every seat had sealed
        while it should have resolved on its own resolves now. True if it did."""
        if self.settings.auto_resolve and self.ready and not self.clock.paused:
            self.resolve()
            return True
        return False

    # -- the facilitator ----------------------------------------------------------------
    def pause(self) -> None:
        with self._lock:
            self.clock.pause()
            self.keeper.log(self, "settings", self.settings_payload())
        self.changed()

    def unpause(self) -> None:
        with self._lock:
            self.clock.resume()
            self.keeper.log(self, "settings", self.settings_payload())
        self.after_change()

    def set_countdown(self, minutes: float) -> None:
        """A countdown of `minutes` for this turn and the next ones; 0 stops it."""
        with self._lock:
            self.settings = self.settings.model_copy(update={"countdown_minutes": minutes})
            if minutes > 0:
                self.clock.start(minutes * 60)
                if self.clock.paused:
                    self.clock.countdown.pause(self.clock.now())
            else:
                self.clock.stop()
            self.keeper.log(self, "settings", self.settings_payload())
        self.changed()

    def add_time(self, seconds: float) -> float:
        """More time for this turn (less, with a negative number; never below none left);
        later turns keep the set length. The time left; `WargameError` with no countdown."""
        with self._lock:
            left = self.clock.adjust(seconds)
            self.keeper.log(self, "settings", self.settings_payload())
        self.changed()
        return left

    def configure(self, auto_resolve: bool | None = None, on_timeout: TimeUp | None = None) -> None:
        with self._lock:
            update: dict[str, object] = {}
            if auto_resolve is not None:
                update["auto_resolve"] = auto_resolve
            if on_timeout is not None:
                update["on_timeout"] = on_timeout
            self.settings = self.settings.model_copy(update=update)
            self.keeper.log(self, "settings", self.settings_payload())
        self.after_change()

    def settings_payload(self) -> dict[str, object]:
        snap = self.clock.snapshot()
        return {**self.settings.model_dump(), "clock": snap, "paused": self.clock.paused,
                "at": self.wall().isoformat(timespec="seconds")}

    def restore_settings(self, payload: Mapping[str, object]) -> None:
        """Settings as a keeper logged them (a restarted host), the countdown going on from
        the time left then, less the time the host was down."""
        on_timeout = {"stand_pat": "stand-pat", "computer": "stand-in"}.get(str(payload.get("on_timeout")), payload.get("on_timeout"))
        self.settings = Settings(
            auto_resolve=bool(payload.get("auto_resolve", self.settings.auto_resolve)),
            on_timeout=on_timeout if on_timeout in {"wait", "stand-pat", "stand-in"} else self.settings.on_timeout,
            countdown_minutes=float(payload.get("countdown_minutes", 0) or 0),  # type: ignore[arg-type]
        )
        clock = payload.get("clock")
        if isinstance(clock, dict) and not self.is_over:
            left = clock.get("left")
            if left is not None and not clock.get("paused"):
                at = payload.get("at")
                try:
                    gone = (self.wall() - dt.datetime.fromisoformat(str(at))).total_seconds() if at else 0.0
                except ValueError:
                    gone = 0.0
                clock = {**clock, "left": max(0.0, float(left) - max(0.0, gone))}
            self.clock.restore(clock)
        elif self.settings.countdown_minutes > 0 and not self.is_over:
            self.clock.start(self.settings.countdown_minutes * 60)
        self.clock.paused = bool(payload.get("paused", False))

    def inject_events(self) -> list[tuple[str, str, bool]]:
        """The deck's events a facilitator may fire: (id, name, is an inject), injects first."""
        events = sorted(self.deck.events, key=lambda e: not e.inject)
        return [(e.id, e.name, e.inject) for e in events]

    def fire_inject(self, event: str | None = None, text: str = "", effects: Iterable[str] = ()) -> Inject:
        """Queue a facilitator inject for this turn; bad effects raise `ExpressionError`.
        Its text is shown to every seat: control characters are neutralised."""
        effects = self._inject_effects(effects, self.game.injects)
        with self._lock:
            inject = self.game.fire_inject(event=event, text=safe_text(text.strip(), 2000), effects=effects)
            self.autosave()  # a crash before the turn resolves must not lose the inject
        self.changed()
        return inject

    @property
    def in_opening(self) -> bool:
        """Before the first orders: no turn resolved and no team has sealed turn 1's orders
        (a computer's sealed orders are taken back by an opening inject)."""
        return self.game.in_opening(self.computers)

    def fire_opening_inject(self, event: str | None = None, text: str = "", effects: Iterable[str] = ()) -> Inject:
        """Fire a facilitator inject now, as part of the opening that every seat reads before
        the first orders (the save records it with the opening, so replay and `--verify`
        play it again). Only `in_opening`: the computers' sealed orders are taken back, and
        each computer decides afresh on the new opening, as a replay's computer would."""
        effects = self._inject_effects(effects, self.game.opening_injects)
        unit = self.deck.turn_name
        clean = safe_text(text.strip(), 2000)
        return self._change_opening(
            lambda game: game.fire_opening_inject(event=event, text=clean, effects=effects),
            f"the opening is over (queue the inject for {unit} 1 instead)",
            f"the opening is over: an inject now fires when the {unit} resolves",
        )

    def withdraw_opening_inject(self, index: int) -> Inject:
        """Take back the `index`-th inject fired into the opening (the wrong one was fired):
        the opening is played again without it, and the save's `opening_injects` drops it.
        Only `in_opening`: as for firing one, the computers' sealed orders are taken back
        and each decides afresh on the opening as it now is."""
        inject = self._change_opening(
            lambda game: game.withdraw_opening_inject(index),
            "the opening is over and its injects stay",
            "the opening is over and its injects stay",
        )
        event = self.deck.events[self.deck.event_index[inject.event]] if inject.event is not None else None
        said = event.name or event.id if event is not None else inject.text or "; ".join(inject.effects)
        self.notice(f"Withdrawn from the opening: {cut(said, 80)}")
        return inject

    def _change_opening(self, change: Callable[[Game], Inject], sealed: str, over: str) -> Inject:
        """Change the opening (`change` fires or withdraws an inject, playing it again) while
        no team has sealed turn 1's orders: refused in one line naming the teams that have
        (`sealed`), or `over` once a turn has resolved. The computers' sealed orders are
        taken back (from the keeper too) and each computer decides afresh, as a replay's
        computer would; the game is kept at once."""
        unit = self.deck.turn_name
        with self._lock:
            game = self.game
            if not self.in_opening:
                teams = [self.deck.actor_name(a) for a in game.orders if a not in self.computers]
                if teams and not game.records:
                    raise WargameError(f"{', '.join(teams)} sealed orders for {unit} 1: {sealed}")
                raise WargameError(over)
            taken = {a: (game.orders.pop(a), game.reasons.pop(a, ())) for a in list(game.orders)}
            try:
                inject = change(game)
            except WargameError:
                for a, (orders, reasons) in taken.items():
                    game.orders[a], game.reasons[a] = orders, reasons
                raise
            for actor in self.computers:  # they decided on the opening as it was: afresh now
                old = self.bots.get(actor)
                close = getattr(old, "close", None)
                if close is not None:
                    close()
                self.bots[actor] = self._make_bot(self.seats[actor], actor)
                self.thinking.discard(actor)
                if actor in taken:
                    self.keeper.withdraw(self, 1, actor)
            self.autosave()
        self.after_change()
        return inject

    def _inject_effects(self, effects: Iterable[str], queued: Sequence[Inject]) -> list[str]:
        """An inject's effects, within the save format's limits (checked now: an inject
        accepted here must be one the save, and so a restart, an export, a debrief, can hold)."""
        effects = [e for e in effects if e.strip()]
        if len(queued) >= MAX_INJECTS:
            unit = self.deck.turn_name
            raise WargameError(f"at most {MAX_INJECTS} injects a {unit}: resolve the {unit} or take one back first")
        if len(effects) > MAX_INJECT_EFFECTS:
            raise WargameError(f"an inject has at most {MAX_INJECT_EFFECTS} effects, not {len(effects)}")
        if any(len(e) > MAX_EXPR for e in effects):
            raise WargameError(f"an inject's effect is at most {MAX_EXPR} characters long")
        return effects

    def remove_inject(self, index: int) -> Inject:
        """Take back a queued inject, so a restart does not bring it back."""
        with self._lock:
            inject = self.game.remove_inject(index)
            self.autosave()
        self.changed()
        return inject

    def override(self, key: str, outcome: bool | None) -> None:
        with self._lock:
            if outcome is not None and key not in self.game.overrides and len(self.game.overrides) >= MAX_OVERRIDES:
                raise WargameError(f"at most {MAX_OVERRIDES} forced rolls a {self.deck.turn_name}")
            self.game.override(key, outcome)
            self.autosave()
        self.changed()

    def reseat(self, seat: str, spec_text: str) -> None:
        """Hand a seat to a computer, to a program this run was started with (by name), or
        back to its team (`human`). Never a command line: a spec may come over the network."""
        if seat not in self.deck.actors:
            raise WargameError(f"unknown seat '{cut(seat, 40)}'")
        spec = SeatSpec.parse(spec_text)
        if spec.is_program:
            if not PROGRAM_NAME.match(spec.arg) or self.programs.command(spec.arg) is None:
                known = ", ".join(n for n in self.programs.names() if PROGRAM_NAME.match(n)) or "none"
                raise WargameError(f"a seat can be given only to a program this host was started with (--agent NAME=COMMAND); programs: {known}")
        elif not spec.is_human and spec.kind not in COMPUTER_KINDS:
            raise WargameError(f"unknown seat kind '{cut(spec.kind, 40)}'")
        with self._lock:
            old = self.bots.pop(seat, None)
            close = getattr(old, "close", None)
            if close is not None:
                close()  # a program that played the seat ends now
            if not spec.is_human:
                self.bots[seat] = self._make_bot(spec, seat)
            self.seats[seat] = spec
            self.thinking.discard(seat)
            self.autosave()
            self.notice(f"{self.deck.actor_name(seat)} is now played by: {_label(spec)}")
        self.after_change()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _label(spec: SeatSpec) -> str:
    from wargame.bots.seats import seat_label

    return seat_label(spec, facilitator=True)
