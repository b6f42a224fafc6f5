"""One turn of a saved game explained for a debrief, as one viewer may see it.

Orders and each computer's reasons, every chance roll with its expression, the values it
read, its probability and the number drawn, injects, events, news, fizzles, offers made,
answered or expired and those waiting, the state before and after, and secrets the
viewer only learned later. Everything comes from the
`SavedGame`'s read models and the rules in `wargame.engine.visibility`; the replay viewer
and reports render a `TurnDebrief` and decide nothing about secrecy themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wargame.bots.seats import SeatSpec, seat_label
from wargame.deck.codegen import Fn, compile_expression
from wargame.deck.compile import CEnding, CompiledDeck, Hidden
from wargame.deck.describe import depends_on
from wargame.deck.ir import Leaf, Node, Reads, names_read, reads_of, unparse
from wargame.deck.labels import offer_name, play_name, roll_label
from wargame.engine import visibility as vis
from wargame.engine.game import ObjectiveResult, Score
from wargame.engine.offers import OfferRecord
from wargame.engine.state import NewsItem, Roll, State
from wargame.engine.visibility import Viewer, as_viewer
from wargame.errors import WargameError
from wargame.play.readmodel import ReadModel, TrackReading, format_value
from wargame.play.timeline import SavedGame
from wargame.words import possessive


@dataclass(frozen=True, slots=True)
class ValueRead:
    """One thing a chance expression read, and its value then (None: hidden from the viewer)."""

    text: str
    """As written in the expression: `tension`, `us.covert`, `count('icbm-test')`."""
    value: str | None


@dataclass(frozen=True, slots=True)
class RollExplained:
    """A chance roll that explains itself: what decided the chance and what was drawn."""

    label: str
    """`North Korea: ICBM test`, `North Korea: Cyber theft (detection)`, an event's name."""
    kind: str
    """`move`, `detect` or `event` (as in the turn record)."""
    source: str
    """The chance as the deck writes it: an expression, or a fixed percentage."""
    reads: tuple[ValueRead, ...]
    chance: float | None
    """The probability of success then; None when it was computed from something hidden
    from this viewer (a number computed from a secret is itself secret)."""
    draw: float | None
    """The number drawn in [0, 1); None when the chance is hidden (it would bound it)."""
    success: bool
    forced: bool
    """The facilitator set the outcome instead of the dice."""
    inject: bool
    """The roll of an event the facilitator fired as an inject."""
    hidden: str = ""
    """Why the chance is hidden: "depends on South Korea's covert work, hidden from you"."""


@dataclass(frozen=True, slots=True)
class SeatOrders:
    """One seat's sealed orders for the turn as this viewer may see them."""

    actor: str
    name: str
    seat: str
    """Who played it: "Human", "Computer (doctrine: hardliner)", ..."""
    visible: bool
    """False: sealed orders of another seat (what it did shows in the news, if public)."""
    orders: tuple[tuple[str, bool, str], ...] = ()
    """(move name, secret move, the computer's stated reason or ""): every order when
    visible; otherwise only the plays the viewer knows of whose reasons it may read."""


@dataclass(frozen=True, slots=True)
class OfferNote:
    """One offer in one turn as a viewer may know it: made, answered, expired, or waiting
    for an answer when the turn was decided."""

    record: OfferRecord
    what: str
    """`made`, `accepted`, `refused`, `expired` or `waiting` (when the turn began)."""
    text: str
    """In words: "Alpha offers Bravo: Offer talks to Bravo (an answer is due by turn 5)"."""


@dataclass(frozen=True, slots=True)
class TrackDelta:
    """A track before and after the turn, as this viewer saw it."""

    before: TrackReading
    after: TrackReading

    @property
    def changed(self) -> bool:
        return self.before.value != self.after.value


@dataclass(slots=True)
class TurnDebrief:
    """Everything a viewer may see of one resolved turn, ready to render."""

    turn: int
    title: str
    """`Month 4 of 12 · April 2022`."""
    orders: list[SeatOrders] = field(default_factory=list)
    rolls: list[RollExplained] = field(default_factory=list)
    injects: list[str] = field(default_factory=list)
    """The facilitator's injects, as text (with their effects for the facilitator)."""
    events: list[tuple[str, bool]] = field(default_factory=list)
    """(name, fired as an inject) of the events that fired."""
    news: list[NewsItem] = field(default_factory=list)
    fizzles: list[NewsItem] = field(default_factory=list)
    thresholds: list[NewsItem] = field(default_factory=list)
    tracks: list[tuple[str, list[TrackDelta]]] = field(default_factory=list)
    """(group title, tracks): the global tracks, then each actor's."""
    flags: list[tuple[str, bool, bool]] = field(default_factory=list)
    ending: CEnding | None = None
    learned_later: list[str] = field(default_factory=list)
    """Secret plays of this turn the viewer did not know of then, revealed later (only
    with hindsight)."""
    waiting: list[OfferNote] = field(default_factory=list)
    """Offers waiting for an answer when the turn was decided, as far as the viewer knew."""
    offers: list[OfferNote] = field(default_factory=list)
    """Offers made, accepted, refused or expired in this turn that the viewer may know of
    (an expiry only if it would have seen it: not a secret offer it learned of later)."""


@dataclass(frozen=True, slots=True)
class FinalScores:
    """Scores at the end for a viewer: every actor's for the facilitator, a seat's own
    (as far as it knew) for a seat, none for the public (objectives read secret tracks)."""

    scores: tuple[Score, ...]
    own: tuple[ObjectiveResult, ...] = ()
    note: str = ""


class _Reader:
    """What a chance expression read, as written, with a function for each value: from
    the intermediate form the deck was compiled to (each compiled once per debrief)."""

    def __init__(self, deck: CompiledDeck) -> None:
        self.deck = deck
        self._cache: dict[Leaf, tuple[str, Fn, Reads]] = {}

    def leaves(self, node: Node | None) -> list[tuple[str, Fn, Reads]]:
        """(as written, its function, what it reads) for each value `node` reads, in order."""
        out = []
        for leaf in names_read(node) if node is not None else ():
            if leaf not in self._cache:
                text = unparse(leaf, self.deck.slot_names, self.deck.flag_names)
                self._cache[leaf] = (text, compile_expression(leaf), reads_of(leaf))
            out.append(self._cache[leaf])
        return out


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return format_value(float(value))
    return str(value)


class Debrief:
    """A saved game explained turn by turn for any viewer. Cheap to ask again: the saved
    game keeps its states, and each turn's roll states are computed once."""

    def __init__(self, saved: SavedGame) -> None:
        self.saved = saved
        self.deck = saved.deck
        self._reader = _Reader(saved.deck)
        self._event_names = {e.id: e.name for e in self.deck.events}

    def viewers(self) -> list[Viewer]:
        """The perspectives a debrief offers: the facilitator, the public, each seat."""
        return [vis.FACILITATOR_VIEWER, vis.PUBLIC, *(Viewer.seat(a) for a in self.deck.actors)]

    def seat_label(self, actor: str) -> str:
        try:
            spec = SeatSpec.parse(self.saved.save.seats.get(actor, "human"))
        except WargameError:
            return "Unknown (the file's seat cannot be read)"
        if spec.is_program:
            return "Program (not run)"  # a debrief never starts one, nor shows its command
        return seat_label(spec)

    # -- rolls -------------------------------------------------------------------------
    def _chance_source(self, roll: Roll) -> tuple[str, Node | None]:
        """The chance behind a move's or an event's roll as the deck writes it, and in
        intermediate form; nothing for a fixed chance or any other roll."""
        deck = self.deck
        if roll.kind == "move":
            move = deck.moves[deck.move_index[roll.key]]
            return move.chance_source or "", move.chance_node
        if roll.kind != "event" or roll.key not in deck.event_index:
            return "", None
        index = deck.event_index[roll.key]
        chance = deck.model.events[index].chance
        return (chance, deck.events[index].chance_node) if isinstance(chance, str) else ("", None)

    def explain(self, viewer: Viewer, roll: Roll, state: State, injected: frozenset[str]) -> RollExplained:
        """A roll as `viewer` may see it (the roll itself must be one the viewer sees).
        Each value read is shown only if the viewer may see what it reads; the chance and
        the draw only if it may see everything the expression reads."""
        deck = self.deck
        source, node = self._chance_source(roll)
        shown: list[ValueRead] = []
        hidden: list[Hidden] = []
        reads = vis.roll_reads(deck, roll)
        if reads is not None:
            hidden = vis.hidden_inputs(viewer, deck, reads)
        if source:
            for text, fn, leaf_reads in self._reader.leaves(node):
                ok = not vis.hidden_inputs(viewer, deck, leaf_reads)
                shown.append(ValueRead(text, _show(fn(state)) if ok else None))
        else:
            source = f"fixed {roll.chance * 100:.0f}%"
        return RollExplained(
            label=roll_label(deck, roll.kind, roll.key),
            kind=roll.kind,
            source=source,
            reads=tuple(shown),
            chance=None if hidden else roll.chance,
            draw=None if hidden else roll.roll,
            success=roll.success,
            forced=roll.forced,
            inject=roll.kind == "event" and roll.key in injected,
            hidden=depends_on(hidden) if hidden else "",
        )

    # -- a turn ------------------------------------------------------------------------
    def turn(self, who: Viewer | str, turn: int, *, hindsight: bool = False) -> TurnDebrief:
        """Resolved turn `turn` as `who` saw it: deciding it (the state before) and reading
        its results (after). With `hindsight`, also the secret plays of the turn it only
        learned of later, each marked with when it came out."""
        saved = self.saved
        deck = self.deck
        viewer = as_viewer(who, deck)
        if not 1 <= turn <= saved.turns_played:
            raise WargameError(f"no turn {turn} in this save (turns 1..{saved.turns_played})")
        before = saved.read(viewer, turn)
        after = saved.read(viewer, turn + 1)
        rec = saved.record(turn)
        out = TurnDebrief(turn, before.turn_label(turn))
        report = after.turn_report(turn)

        orders = after.view.orders.get(turn, {})
        reasons = after.view.reasons.get(turn, {})
        for actor in deck.actors:
            name = deck.actor_name(actor)
            if actor not in orders:
                # Sealed orders stay sealed; a computer's reason for a play the viewer knows
                # of comes with it where the visibility rules allow (the read model says).
                known = tuple((move, False, why) for who, move, why in report.reasons if who == name)
                out.orders.append(SeatOrders(actor, name, self.seat_label(actor), False, known))
                continue
            why = reasons.get(actor, ())
            lines = []
            for i, move_id in enumerate(orders[actor]):
                move = deck.moves[deck.move_index[move_id]]
                reason = why[i].removeprefix(f"{move.name}: ") if i < len(why) else ""
                lines.append((play_name(deck, move), move.secret, reason))
            out.orders.append(SeatOrders(actor, name, self.seat_label(actor), True, tuple(lines)))

        injected = frozenset(i.event for i in rec.injects if i.event is not None)
        seen = set(map(tuple, after.view.rolls_for_turn(turn)))
        rolls = saved.roll_states(turn) if seen else []
        out.rolls = [self.explain(viewer, roll, state, injected) for roll, state in rolls if tuple(roll) in seen]

        for inject in rec.injects:
            if inject.event is not None:
                out.injects.append(f"fired the event {self._event_names.get(inject.event, inject.event)}")
            else:
                text = inject.text or "The facilitator changes the situation."
                if inject.effects and vis.sees_inject_effects(viewer):
                    text += f"  [{'; '.join(inject.effects)}]"
                out.injects.append(text)
        fired = after.view.fired_for_turn(turn)
        out.events = [(self._event_names.get(e, e), e in injected) for e in fired]
        out.news = [n for n in report.news if n.kind != "fizzle"]
        out.fizzles = [n for n in report.news if n.kind == "fizzle"]
        out.thresholds = report.thresholds
        out.flags = report.flags
        out.ending = report.ending
        out.tracks = self._tracks(before, after)
        out.waiting, out.offers = self._offers(viewer, turn, before, after)
        if hindsight:
            unit = deck.turn_name
            for reveal in saved.later_reveals(viewer, turn + 1):
                if reveal.turn == turn:
                    move = deck.moves[deck.move_index[reveal.move]]
                    out.learned_later.append(f"{deck.actor_name(reveal.actor)} played {move.name} (revealed in {unit} {reveal.revealed_in})")
        return out

    def _offers(self, viewer: Viewer, turn: int, before: ReadModel, after: ReadModel) -> tuple[list[OfferNote], list[OfferNote]]:
        """(waiting when `turn` began, what happened to offers in it) for `viewer`: from the
        read models' offers, so a secret offer reaches only those it was made among."""
        deck = self.deck
        unit = deck.turn_name

        def names(rec: OfferRecord) -> tuple[str, str, str]:
            return deck.actor_name(rec.maker), deck.actor_name(rec.recipient), offer_name(deck, deck.moves[deck.move_index[rec.move]])

        waiting = []
        for rec in before.offers():
            if rec.status == "waiting":
                maker, recipient, name = names(rec)
                waiting.append(OfferNote(rec, "waiting", f"{possessive(maker)} offer to {recipient} waits for an answer (until {unit} {rec.deadline}): {name}"))
        happened = []
        for rec in after.offers():
            maker, recipient, name = names(rec)
            if rec.made == turn:
                happened.append(OfferNote(rec, "made", f"{maker} offers {recipient}: {name} (an answer is due by {unit} {rec.deadline})"))
            if rec.closed != turn:
                continue
            if rec.status in {"accepted", "refused"}:
                verb = "accepts" if rec.status == "accepted" else "refuses"
                happened.append(OfferNote(rec, rec.status, f"{recipient} {verb} {possessive(maker)} offer: {name}"))
            elif rec.status == "expired":  # `unknown` to a viewer who could not see it expire
                happened.append(OfferNote(rec, "expired", f"{possessive(maker)} offer to {recipient} expires unanswered: {name}"))
        return waiting, happened

    def _tracks(self, before: ReadModel, after: ReadModel) -> list[tuple[str, list[TrackDelta]]]:
        deck = self.deck
        groups: list[tuple[str, list[TrackDelta]]] = []
        for actor in [None, *deck.actors]:
            pairs = [TrackDelta(b, a) for b, a in zip(before.tracks(actor), after.tracks(actor), strict=True)]
            if pairs:
                groups.append(("The situation" if actor is None else deck.actor_name(actor), pairs))
        return groups

    # -- the whole game ----------------------------------------------------------------
    def history(self, who: Viewer | str, track: str) -> list[float | None]:
        """A track at the start and after each turn, None where hidden from `who`."""
        return self.saved.read(who, self.saved.turns_played + 1).history(track)

    def final_scores(self, who: Viewer | str) -> FinalScores:
        """What `who` may see of the scores at the end (see `FinalScores`)."""
        saved = self.saved
        viewer = as_viewer(who, self.deck)
        end = saved.read(viewer, saved.turns_played + 1)
        if viewer.is_facilitator:
            return FinalScores(tuple(sorted(saved.game.scores().values(), key=lambda s: -s.total)))
        if viewer.is_public:
            return FinalScores((), note="Objectives can read secret tracks: the scores are in the facilitator's view.")
        return FinalScores((), tuple(end.objectives()), note="As far as this seat knew at the end; the facilitator's view has every score.")


__all__ = ["Debrief", "FinalScores", "OfferNote", "RollExplained", "SeatOrders", "TrackDelta", "TurnDebrief", "ValueRead"]
