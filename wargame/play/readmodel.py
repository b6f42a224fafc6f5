"""The read model: what one viewer may see of a game, shaped for people, at one moment.

Every screen, the projector, the replay viewer, reports and network clients render a
`ReadModel`. It is built from a `PlayerView` (so from the visibility rules) of a live game
now, or of a saved game before any of its turns; it holds no secrets its viewer may not see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from wargame.deck.compile import CEnding, CMove, CompiledDeck
from wargame.deck.describe import Describer, MoveWords, turn_label
from wargame.deck.labels import roll_label
from wargame.engine import visibility as vis
from wargame.engine.game import Game, MoveOption, ObjectiveResult, level_reached
from wargame.engine.offers import OfferRecord, offer_history
from wargame.engine.reading import (
    coach_line,
    event_names,
    move_chance,
    roll_hidden_note,
)
from wargame.engine.reading import objectives as objective_results
from wargame.engine.state import NewsItem, Play, Roll
from wargame.engine.view import PlayerView
from wargame.engine.visibility import PUBLIC, Viewer


def format_value(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


@dataclass(frozen=True, slots=True)
class MoveChoice:
    """A move as a seat sees it on its order sheet, with its chance as far as the seat knows."""

    option: MoveOption
    chance: float | None
    """The move's chance of success now, computed on the seat's belief state; None when it
    depends on something hidden from the seat (the number would give it away)."""
    chance_note: str = ""
    """Why the chance is not shown: `depends on South Korea's covert work, hidden from you`."""

    @property
    def move(self) -> CMove:
        return self.option.move

    @property
    def available(self) -> bool:
        return self.option.available

    @property
    def reason(self) -> str:
        return self.option.reason


@dataclass(frozen=True, slots=True)
class TrackReading:
    """One track as a viewer sees it: its value (None when hidden) and its named levels."""

    name: str
    label: str
    value: float | None
    lo: float
    hi: float
    thresholds: tuple[tuple[float, str], ...]
    owner: str | None
    """The actor of an actor track; None for a global track."""
    secret: bool
    description: str
    descending: bool = False
    """Lower is worse (DEFCON): a level is reached from above."""

    @property
    def level(self) -> str:
        """The most severe named threshold reached, or empty."""
        if self.value is None:
            return ""
        return level_reached(self.value, self.thresholds, descending=self.descending)

    @property
    def severity(self) -> int:
        """How many named levels the value has reached (0 none; the bar's colour)."""
        if self.value is None:
            return 0
        v = self.value
        return sum(1 for level, _ in self.thresholds if (v <= level if self.descending else v >= level))


@dataclass(frozen=True, slots=True)
class RollLine:
    """A chance roll described for people."""

    label: str
    chance: float | None
    """None when the chance read something hidden from the viewer (as is the draw then)."""
    roll: float | None
    success: bool
    forced: bool
    kind: str
    note: str = ""
    """Why the chance and draw are not shown, if they are not."""


@dataclass(frozen=True, slots=True)
class ChangeLine:
    label: str
    old: float
    new: float


@dataclass(slots=True)
class TurnReport:
    """What a viewer may see of one resolved turn."""

    turn: int
    news: list[NewsItem] = field(default_factory=list)
    rolls: list[RollLine] = field(default_factory=list)
    changes: list[ChangeLine] = field(default_factory=list)
    flags: list[tuple[str, bool, bool]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    """Names of the events and deck injects that fired."""
    thresholds: list[NewsItem] = field(default_factory=list)
    ending: CEnding | None = None
    reasons: list[tuple[str, str, str]] = field(default_factory=list)
    """(actor name, move name, reason) for each computer seat's order that this
    viewer may see: all of them for the facilitator, a seat's own, none in public."""


class ReadModel:
    """What `viewer` may see of `game` at one moment, as the screens show it.

    Made with `ReadModel.now(game, viewer)` for a live game, or from any `PlayerView`
    (for a past moment of a replayed game, see `PlayerView(game, who, upto=..., state=...)`).
    """

    def __init__(self, game: Game, view: PlayerView, seats: Mapping[str, str] | None = None) -> None:
        """`seats`: who plays each actor (`human`, `doctrine:NAME`, ...), so the reasons of
        computer seats can be shown to others where the visibility rules allow."""
        self.game = game
        self.view = view
        self.viewer: Viewer = view.viewer
        self.deck: CompiledDeck = game.deck
        self.seats: dict[str, str] = dict(seats or {})

    @classmethod
    def now(cls, game: Game, who: Viewer | str, seats: Mapping[str, str] | None = None) -> ReadModel:
        return cls(game, game.view(who), seats)

    @property
    def turn(self) -> int:
        return self.view.turn

    @property
    def resolved(self) -> int:
        """How many turns had been resolved at this moment."""
        return self.view._n_records

    def turn_label(self, turn: int | None = None) -> str:
        return turn_label(self.deck, self.turn if turn is None else turn, self.view.turns)

    # -- tracks --------------------------------------------------------------------------
    def tracks(self, actor: str | None = None) -> list[TrackReading]:
        """The global tracks (or one actor's tracks), hidden values as None."""
        deck = self.deck
        hidden = self.view.hidden_slots
        values = self.view.belief.v
        out = []
        for slot, name in enumerate(deck.slot_names):
            if deck.slot_owner(slot) != actor:
                continue
            out.append(
                TrackReading(
                    name=name,
                    label=deck.track_label(slot),
                    value=None if slot in hidden else values[slot],
                    lo=deck.lo[slot],
                    hi=deck.hi[slot],
                    thresholds=tuple(deck.thresholds.get(slot, ())),
                    descending=slot in deck.descending,
                    owner=deck.slot_owner(slot),
                    secret=slot in deck.secret_slots,
                    description=deck.slot_description(slot),
                )
            )
        return out

    def history(self, name: str) -> list[float | None]:
        """A track's value at the start and after each resolved turn (None where hidden)."""
        return self.view.history(name)

    # -- news, plays, turns --------------------------------------------------------------
    def news(self) -> list[NewsItem]:
        """Every news item this viewer may see, oldest first."""
        return list(self.view.news)

    def plays(self) -> list[Play]:
        """Every resolved move this viewer may know was played, oldest first."""
        return list(self.view.plays)

    def offers(self) -> list[OfferRecord]:
        """Every offer this viewer may know of, oldest first: waiting, accepted, refused,
        expired, unanswered when the game ended, or unknown (a secret offer this viewer
        learned of from a reveal; see `wargame.engine.offers`)."""
        return offer_history(self.deck, self.view.plays, self.resolved, self.view.over, self.view.viewer)

    def offers_waiting(self) -> list[OfferRecord]:
        """Offers made to this seat that wait for its answer now (the facilitator and the
        public: every offer waiting that they may know of)."""
        seat = self.viewer.actor
        return [o for o in self.offers() if o.status == "waiting" and (seat is None or o.recipient == seat)]

    @cached_property
    def _event_names(self) -> dict[str, str]:
        return {e.id: e.name for e in self.deck.events}

    def turn_report(self, turn: int) -> TurnReport:
        """What this viewer may see of a resolved turn: news, dice, changes, events, reasons."""
        view = self.view
        deck = self.deck
        report = TurnReport(turn)
        news = [n for n in view.news if n.turn == turn]
        report.news = [n for n in news if n.kind not in {"threshold", "ending"}]
        report.thresholds = [n for n in news if n.kind == "threshold"]
        report.rolls = [self.roll_line(r) for r in view.rolls_for_turn(turn)]
        report.changes = [ChangeLine(deck.slot_label(c.slot), c.old, c.new) for c in view.changes_for_turn(turn)]
        report.events = event_names(deck, self.viewer, view.fired_for_turn(turn), self._event_names)
        report.reasons = self._reasons(turn)
        records = self.game.records
        if 1 <= turn <= min(len(records), self.resolved):
            rec = records[turn - 1]
            report.flags = list(rec.flag_changes)
            if rec.ending is not None:
                report.ending = next((e for e in [*deck.endings, deck.turn_limit_ending] if e.id == rec.ending), None)
        return report

    def _reasons(self, turn: int) -> list[tuple[str, str, str]]:
        """(actor, move, reason) for the orders of `turn` whose reasons this viewer may see:
        a seat's own, every seat's for the facilitator, and others' computer seats' for
        plays the viewer knows of when the reason reads nothing hidden from it."""
        view, deck = self.view, self.deck
        if not 1 <= turn <= self.resolved:
            return []
        rec = self.game.records[turn - 1]
        known = {(p.actor, p.move) for p in view.plays if p.turn == turn}
        out: list[tuple[str, str, str]] = []
        for actor in deck.actors:
            orders, why = rec.orders.get(actor, ()), rec.reasons.get(actor, ())
            seat = self.seats.get(actor, "")
            own = vis.sees_orders(self.viewer, actor)
            if not orders and why and own:
                out.append((deck.actor_name(actor), "no orders", why[0]))
            for move_id, reason in zip(orders, why, strict=False):
                move = deck.moves[deck.move_index[move_id]]
                if not own:
                    if seat in {"", "human"} or (actor, move_id) not in known:
                        continue
                    if not vis.sees_reason(self.viewer, deck, actor, seat, move_id, True):
                        reason = "its reasons weigh what is hidden from you"
                # Bots often open their reason with the move's name: say it once.
                out.append((deck.actor_name(actor), move.name, reason.removeprefix(f"{move.name}: ")))
        return out

    def private_report(self, turn: int) -> TurnReport:
        """What this viewer saw of a resolved turn that the public did not: its secret news,
        its hidden rolls and its secret tracks' changes (a seat's private results)."""
        mine = self.turn_report(turn)
        public = self.peer(PUBLIC).turn_report(turn)
        out = TurnReport(turn)
        out.news = [n for n in mine.news if n not in public.news]
        out.thresholds = [n for n in mine.thresholds if n not in public.thresholds]
        out.rolls = [r for r in mine.rolls if r not in public.rolls]
        out.changes = [c for c in mine.changes if c not in public.changes]
        return out

    def peer(self, who: Viewer | str) -> ReadModel:
        """The read model of another viewer at the same moment of the same game."""
        view = self.view
        if view._n_records == len(self.game.records) and view.turn == self.game.state.turn:
            return ReadModel(self.game, PlayerView(self.game, who), self.seats)
        return ReadModel(self.game, PlayerView(self.game, who, upto=view._n_records, state=view._state), self.seats)

    def roll_line(self, roll: Roll) -> RollLine:
        label = roll_label(self.deck, roll.kind, roll.key)
        note = roll_hidden_note(self.viewer, self.deck, roll)
        if note:
            return RollLine(label, None, None, roll.success, roll.forced, roll.kind, note)
        return RollLine(label, roll.chance, roll.roll, roll.success, roll.forced, roll.kind)

    # -- a seat's own sheet --------------------------------------------------------------
    def _seat(self) -> str:
        if self.viewer.actor is None:
            raise ValueError("only a seat has orders and objectives")
        return self.viewer.actor

    def moves(self) -> list[MoveChoice]:
        """Every move of this seat at this moment, available or not (with the engine's
        reason), and its chance as far as the seat knows."""
        seat = self._seat()
        belief = self.view.belief
        out = []
        for move in self.deck.moves_by_actor[seat]:
            reason = "the game is over" if self.view.over else self.game.unavailable_reason(move, belief, check_over=False)
            option = MoveOption(move, not reason, reason)
            chance, note = move_chance(self.viewer, self.deck, move, belief)
            out.append(MoveChoice(option, chance, note))
        return out

    def coach(self) -> str:
        """The deck's coach line for this viewer at this moment (the turn about to be
        ordered), or empty. Judged on the viewer's belief, and the loader has checked that
        its condition reads nothing the viewer cannot see."""
        return coach_line(self.deck, self.viewer, self.view.turn, self.view.belief, self.view.over)

    def describer(self) -> Describer:
        """Puts this deck's expressions into words for this viewer (see `PlayerView.describer`)."""
        return self.view.describer()

    def move_words(self, move: CMove) -> MoveWords:
        """A move's precondition and effects in plain words for this viewer."""
        return self.describer().describe_move(move)

    def objectives(self) -> list[ObjectiveResult]:
        """This seat's objectives, met or not as far as the seat knows at this moment."""
        return objective_results(self.deck, self._seat(), self.view.belief)
