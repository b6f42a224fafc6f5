"""Who played each seat, checked by `verify`: the save's record of seats is consistent (every
actor seated once, each seat one this wargame reads, each change of hands following the one
before, a team's sealer among its members and its sealed orders those recorded), and each
computer seat's recorded orders and reasons are those the same computer gives when it is
replayed on the same views.

A program (`agent:`) is never run from a save (nothing runs from data): its reasons cannot
be recomputed, and the check says they were not. Nor are orders recorded with no reasons at
all under a computer's name (given by hand or a script: a computer always says why). Nor are the reasons of a save written in an
older format (older computers drew and worded differently), or of a lookahead that plays to
a time limit (a replay need not get as far).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from wargame.bots.base import Bot, Decision
from wargame.bots.make import make_bot
from wargame.bots.seats import COMPUTER_KINDS, SeatSpec, default_computer, seat_label
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.errors import WargameError
from wargame.observe.labels import STAND_IN_MARK
from wargame.observe.view import PlayerView
from wargame.saves.format import SaveModel, TurnModel, seats_at
from wargame.text import cut

FAILED = ("stood pat: its orders were refused", "stood pat: its computer failed", "stood pat: no orders before the turn was resolved")
"""How the controller records a computer seat's turn that its computer did not play (its
orders refused, its computer failing, or no orders at time-up): nothing to recompute."""


@dataclass(frozen=True)
class Finding:
    """The first thing about who played that does not hold: its turn (None: the whole
    record), the field, and one line saying what and whose."""

    turn: int | None
    field: str
    detail: str


def _spec(text: str) -> SeatSpec | None:
    try:
        return SeatSpec.parse(text)
    except WargameError:
        return None


def _seat_error(deck: CompiledDeck, actor: str, text: str) -> str | None:
    """Why a seat's text is not a seat this deck can be played by (None: it is)."""
    try:
        spec = SeatSpec.parse(text)
    except WargameError as exc:
        return str(exc)
    if spec.kind == "doctrine" and spec.arg not in deck.doctrines.get(actor, {}):
        return f"{deck.actor_name(actor)} has no doctrine '{cut(spec.arg, 40)}'"
    if spec.kind == "lookahead":
        from wargame.bots.lookahead import parse_budget

        try:
            parse_budget(spec.arg)
        except WargameError as exc:
            return str(exc)
    return None


def record_problem(save: SaveModel, deck: CompiledDeck) -> Finding | None:
    """The first inconsistency in the save's record of who played each seat, or None."""
    for actor in save.seats:
        if actor not in deck.actors:
            return Finding(None, "seats", f"seats: a seat for '{cut(actor, 40)}', which is not an actor of the deck")
    for actor in deck.actors:
        if actor not in save.seats:
            return Finding(None, "seats", f"seats: no seat for {deck.actor_name(actor)}: who played it is not recorded")
    seats = dict(save.seats)
    for change in reversed(save.seat_changes):  # back to the seats at the start
        if change.seat not in seats:
            return Finding(change.turn, "seat_changes", f"seat_changes: a change of hands of '{cut(change.seat, 40)}', which is not an actor of the deck")
        if seats[change.seat] != change.after:
            return Finding(change.turn, "seat_changes", f"seat_changes: {deck.actor_name(change.seat)} went to {cut(change.after, 60)} in turn {change.turn}, "
                                                        f"but the next record has it played by {cut(seats[change.seat], 60)}")
        seats[change.seat] = change.before
    last = 0
    for change in save.seat_changes:
        if not last <= change.turn <= save.played + 1:
            return Finding(change.turn, "seat_changes", f"seat_changes: a change of hands of {deck.actor_name(change.seat)} in turn {change.turn}, out of order")
        last = change.turn
    for actor, text in [*((a, seats[a]) for a in deck.actors), *((c.seat, c.after) for c in save.seat_changes)]:
        problem = _seat_error(deck, actor, text)
        if problem is not None:
            return Finding(None, "seats", f"seats: {deck.actor_name(actor)}: {cut(problem, 200)}")
    for actor in save.team_caps:
        if actor not in deck.actors:
            return Finding(None, "team_caps", f"team_caps: a cap for '{cut(actor, 40)}', which is not an actor of the deck")
    for actor, team in save.teams.items():
        if actor not in deck.actors:
            return Finding(None, "teams", f"teams: a team for '{cut(actor, 40)}', which is not an actor of the deck")
        if team.sealer and team.sealer not in team.members:
            return Finding(None, "teams", f"teams: {possessive_name(deck, actor)} sealer {cut(team.sealer, 40)} is not one of its members")
        sealed = {n.turn: n for n in team.notes if n.kind == "seal"}  # one seal a turn: the last stands
        for turn, note in sorted(sealed.items()):
            if turn > save.played:
                continue
            record = save.history[turn - 1]
            if _stood_in(record.reasons.get(actor, [])):
                continue
            recorded = list(record.orders.get(actor, []))
            if list(note.orders) != recorded:
                return Finding(turn, f"teams.{actor}", f"turn {turn}: {possessive_name(deck, actor)} team sealed {_show(note.orders)} "
                                                      f"but the save records {_show(recorded)} as its orders")
    return None


def possessive_name(deck: CompiledDeck, actor: str) -> str:
    from wargame.words import possessive

    return possessive(deck.actor_name(actor))


def _show(orders: Sequence[str]) -> str:
    return cut(", ".join(orders) or "no orders", 120)


def _stood_in(reasons: Sequence[str]) -> bool:
    return bool(reasons) and all(r.startswith(STAND_IN_MARK) for r in reasons)


def _rng(bot: Bot) -> random.Random:
    """A computer's own seeded stream (random, doctrine and lookahead computers each keep one)."""
    rng = getattr(bot, "rng", None)
    assert isinstance(rng, random.Random), bot
    return rng


def possible_seats(save: SaveModel, turn: int, actor: str) -> list[str]:
    """Who may have given `actor`'s orders in `turn`: its seat when the turn began, and any
    it was handed to during the turn."""
    out = [seats_at(save, turn).get(actor, "human")]
    out += [c.after for c in save.seat_changes if c.turn == turn and c.seat == actor and c.after not in out]
    return out


def earlier_flag_words(deck: CompiledDeck) -> list[tuple[str, str]]:
    """How doctrine seats said a labelled flag in their reasons before they said its state
    in the deck's words, and what they say now: (`Quarantine in force: yes`, `Quarantine
    in force`), (`Quarantine in force: no`, `No quarantine`), longest first. A save written
    then records the older words, and `verify` still holds its computers to them."""
    pairs: list[tuple[str, str]] = []
    for slot in range(len(deck.flag_names)):
        on, off = deck.flag_words(slot, True), deck.flag_words(slot, False)
        if on is not None and off is not None:
            pairs += [(f"{on}: yes", on), (f"{on}: no", off)]
    return sorted(pairs, key=lambda p: -len(p[0]))


def _reword(reason: str, earlier: list[tuple[str, str]]) -> str:
    for old, new in earlier:
        reason = reason.replace(old, new)
    return reason


@dataclass
class Computers:
    """Replays the computer seats of a save beside `verify`'s replay of its turns.

    A computer keeps its own seeded stream from the moment it is seated (the start, a
    resume, a re-seat, a branch), so a decision is matched against every stream that can
    have given it: each still alive from earlier turns, and a new one seated now. The ones
    that give the recorded orders and reasons live on."""

    save: SaveModel
    deck: CompiledDeck
    unchecked: dict[str, str] = field(default_factory=dict)
    """Seat to why its reasons were not checked (one line each)."""
    bots: dict[tuple[str, str], list[Bot]] = field(default_factory=dict)
    _earlier: list[tuple[str, str]] | None = None

    def check(self, game: Game, turn: TurnModel) -> Finding | None:
        """Before `turn` is re-resolved on `game`: do its computers' orders and reasons hold?"""
        for actor in self.deck.actors:
            found = self._seat(game, turn, actor)
            if found is not None:
                return found
        return None

    def _seat(self, game: Game, turn: TurnModel, actor: str) -> Finding | None:
        orders = tuple(turn.orders.get(actor, ()))
        reasons = tuple(turn.reasons.get(actor, ()))
        specs = [s for s in (_spec(t) for t in possible_seats(self.save, turn.turn, actor)) if s is not None]
        name = self.deck.actor_name(actor)
        if any(s.is_program for s in specs):
            self.unchecked.setdefault(actor, f"{name}: played by a program in {self.deck.turn_name} {turn.turn} or later, "
                                             "and a program is never run from a save: its reasons are not checked")
            return None
        if reasons and reasons[0].startswith(FAILED) and len(reasons) == 1 and not orders:
            return None
        if not reasons and any(s.kind in COMPUTER_KINDS for s in specs):
            # A computer always says why (even to stand pat): orders without a word were
            # given by hand or by a script under a computer's name, with nothing to compare.
            # Its streams still move on where they give these orders, for the turns after.
            self.unchecked.setdefault(actor, f"{name}: orders recorded without reasons in {self.deck.turn_name} {turn.turn} "
                                             "(a computer always gives some): not checked against its computer")
            view = PlayerView(game, actor, seats=self.save.seats)
            for spec in specs:
                if spec.kind in COMPUTER_KINDS and not spec.arg.strip().lower().endswith("ms"):
                    self._match(actor, str(spec), spec, partial(make_bot, spec, self.deck, actor, self.save.seed), view, game, orders, None)
            return None
        if _stood_in(reasons):
            stand_in = default_computer(self.deck, actor)
            got = [r[len(STAND_IN_MARK):] for r in reasons]
            seed = self.save.seed + turn.turn  # a stand-in is made when first needed (the controller's)
            ok, first = self._match(actor, "stand-in", stand_in, lambda: make_bot(stand_in, self.deck, actor, seed),
                                    PlayerView(game, actor), game, orders, tuple(got))
            if ok:
                return None
            return self._differs(turn.turn, actor, f"its computer stand-in ({seat_label(stand_in)})", orders, tuple(got), first)
        computers = [s for s in specs if s.kind in COMPUTER_KINDS]
        if not computers:
            return None  # a person's orders and words are theirs
        timed = [s for s in computers if s.kind == "lookahead" and s.arg.strip().lower().endswith("ms")]
        if timed:
            self.unchecked.setdefault(actor, f"{name}: played by a lookahead with a time limit ({timed[0].arg}), which a replay "
                                             "need not match: its reasons are not checked")
            return None
        firsts: list[Decision | None] = []
        view = PlayerView(game, actor, seats=self.save.seats)
        for spec in computers:
            ok, first = self._match(actor, str(spec), spec, partial(make_bot, spec, self.deck, actor, self.save.seed), view, game, orders, reasons)
            if ok:
                return None
            firsts.append(first)
        if any(s.is_human for s in specs):
            return None  # handed to a person during the turn: the orders may be theirs
        return self._differs(turn.turn, actor, f"its computer ({seat_label(computers[0])})", orders, reasons, firsts[0])

    def _match(self, actor: str, key: str, spec: SeatSpec, fresh: Callable[[], Bot], view: PlayerView, game: Game,
               orders: tuple[str, ...], reasons: tuple[str, ...] | None) -> tuple[bool, Decision | None]:
        """Whether a stream of this computer gives `orders` and `reasons` (None: any) now
        (those that do live on); and the decision of the longest-lived stream, to say how
        it differs."""
        legal = game.available_moves(actor)
        allowed = game.orders_allowed(actor)
        pool = self.bots.get((actor, key), [])
        saved = [_rng(b).getstate() for b in pool]
        alive: list[Bot] = []
        first: Decision | None = None
        for bot in pool:
            d = bot.decide(view, legal, allowed)
            first = first or d
            if d.orders == orders and self._same(reasons, d.reasons):
                alive.append(bot)
        # A computer seated now (a resume, a re-seat, a branch) starts its stream afresh; a
        # lookahead is costly, so it is tried only when no stream alive gives the record.
        if not alive or spec.kind != "lookahead":
            bot = fresh()
            d = bot.decide(view, legal, allowed)
            first = first or d
            if d.orders == orders and self._same(reasons, d.reasons):
                alive.append(bot)
        if not alive:
            for bot, state in zip(pool, saved, strict=True):
                _rng(bot).setstate(state)  # not this computer's turn after all
            return False, first
        seen: set[object] = set()
        unique = []
        for bot in alive:
            state = _rng(bot).getstate()
            if state not in seen:
                seen.add(state)
                unique.append(bot)
        self.bots[(actor, key)] = unique
        return True, first

    def _same(self, saved: tuple[str, ...] | None, given: tuple[str, ...]) -> bool:
        """Whether the recorded reasons are those the computer gives now (None: any), also
        when they say a labelled flag in the words doctrine seats used before they said its
        state (`Quarantine in force: no` for `No quarantine`): the same reasons, worded so."""
        if saved is None or saved == given:
            return True
        if self._earlier is None:
            self._earlier = earlier_flag_words(self.deck)
        if not self._earlier or len(saved) != len(given):
            return False
        return all(_reword(r, self._earlier) == g for r, g in zip(saved, given, strict=True))

    def _differs(self, turn: int, actor: str, who: str, orders: tuple[str, ...], reasons: tuple[str, ...], d: Decision | None) -> Finding:
        name = self.deck.actor_name(actor)
        if d is not None and d.orders != orders:
            how = f"{_show(orders)} in the save, {_show(d.orders)} on replay"
            return Finding(turn, f"orders.{actor}", f"turn {turn}: {possessive_name(self.deck, actor)} orders are not what {who} gives on replay: {how}")
        at = next((i for i, (a, b) in enumerate(zip(reasons, d.reasons if d else (), strict=False)) if a != b), min(len(reasons), len(d.reasons) if d else 0))
        saved = cut(reasons[at], 100) if at < len(reasons) else "nothing"
        got = cut(d.reasons[at], 100) if d is not None and at < len(d.reasons) else "nothing"
        return Finding(turn, f"reasons.{actor}[{at}]", f"turn {turn}: {possessive_name(self.deck, actor)} reasons are not what {who} gives on "
                                                       f"replay ({name} is recorded as a computer): \"{saved}\" in the save, \"{got}\" on replay")
