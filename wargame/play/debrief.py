"""One turn of a saved game explained for a debrief, as one viewer may see it.

Orders and each computer's reasons, every chance roll with its expression, the values it
read, its probability and the number drawn, injects, events, news, fizzles, offers made,
answered or expired and those waiting, the state before and after, and secrets the viewer
only learned later. All of it is read off two `Observation`s of the saved game (before the
turn was decided, and after it resolved, with its rolls explained): the replay viewer and
the report render a `TurnDebrief` and decide nothing about secrecy themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.observe.labels import seat_kind
from wargame.observe.model import (
    EndingInfo,
    FlagChange,
    MessageInfo,
    NewsInfo,
    ObjectiveInfo,
    Observation,
    OfferInfo,
    RollInfo,
    ScoreInfo,
    TeamNoteInfo,
    TrackInfo,
    ValueRead,
)
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer, as_viewer, home_viewer
from wargame.play.timeline import SavedGame
from wargame.words import possessive

__all__ = ["Debrief", "FinalScores", "OfferNote", "RollExplained", "Said", "SeatOrders", "TrackDelta", "TurnDebrief", "ValueRead", "said_in"]

RollExplained = RollInfo
"""A chance roll that explains itself (the debrief's rolls carry `source` and `reads`)."""


@dataclass(frozen=True, slots=True)
class SeatOrders:
    """One seat's sealed orders for the turn as this viewer may see them."""

    actor: str
    name: str
    seat: str
    """Who played it: "Human", "Computer (doctrine: hardliner)", "Program (not run)"."""
    visible: bool
    """False: sealed orders of another seat (what it did shows in the news, if public)."""
    orders: tuple[tuple[str, bool, str], ...] = ()
    """(order, secret move, the stated reason or ""): every order when visible; otherwise
    only the plays the viewer knows of whose reasons it may read."""


@dataclass(frozen=True, slots=True)
class OfferNote:
    """One offer in one turn as a viewer may know it: made, answered, expired, or waiting
    for an answer when the turn was decided."""

    offer: OfferInfo
    what: str
    """`made`, `accepted`, `refused`, `expired` or `waiting` (when the turn began)."""
    text: str
    """In words: "Alpha offers Bravo: Offer talks to Bravo (an answer is due by turn 5)"."""


@dataclass(frozen=True, slots=True)
class TrackDelta:
    """A track before and after the turn, as this viewer saw it."""

    before: TrackInfo
    after: TrackInfo

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
    rolls: list[RollInfo] = field(default_factory=list)
    injects: list[str] = field(default_factory=list)
    """The facilitator's injects, as text (with their effects for the facilitator)."""
    events: list[tuple[str, bool]] = field(default_factory=list)
    """(name, fired as an inject) of the events that fired."""
    news: list[NewsInfo] = field(default_factory=list)
    fizzles: list[NewsInfo] = field(default_factory=list)
    thresholds: list[NewsInfo] = field(default_factory=list)
    tracks: list[tuple[str, list[TrackDelta]]] = field(default_factory=list)
    """(group title, tracks): the global tracks, then each actor's."""
    flags: list[FlagChange] = field(default_factory=list)
    ending: EndingInfo | None = None
    learned_later: list[str] = field(default_factory=list)
    """Secret plays of this turn the viewer did not know of then, revealed later (only
    with hindsight)."""
    waiting: list[OfferNote] = field(default_factory=list)
    """Offers waiting for an answer when the turn was decided, as far as the viewer knew."""
    offers: list[OfferNote] = field(default_factory=list)
    """Offers made, accepted, refused or expired in this turn that the viewer may know of."""
    messages: list[MessageInfo] = field(default_factory=list)
    """Messages sent while the turn was decided that the viewer may read (its own only)."""
    team: list[tuple[str, TeamNoteInfo]] = field(default_factory=list)
    """(seat, note): what the viewer's team (every team, for the facilitator) said and
    did while deciding the turn, and its split at sealing."""
    teams_named: bool = False
    """Whether each of `team`'s notes is led by its team's name (see `Said`)."""


@dataclass(frozen=True, slots=True)
class Said:
    """What was said while one turn was decided, as one viewer may read it: the messages
    it sent, received or read in public, and its team's talk (every team's, for the
    facilitator). Read off the viewer's `Observation`, which holds only what
    `visibility.sees_message` and `visibility.sees_team` let it read."""

    messages: list[MessageInfo]
    team: list[tuple[str, TeamNoteInfo]]
    """(seat, note), oldest first within each team."""
    teams_named: bool
    """Whether a note is led by its team's name: where several teams' notes may mix (the
    facilitator's view). A seat reads only its own team's, where the name says nothing."""


def said_in(obs: Observation, turn: int) -> Said:
    """What `obs`'s viewer may read of what was said while `turn` was decided: the one
    selection for the replay viewer's turn and its printout (`replay --text`)."""
    return Said(
        messages=[m for m in obs.messages if m.turn == turn],
        team=[(t.seat, n) for t in obs.teams for n in t.notes if n.turn == turn],
        teams_named=obs.viewer.seat is None,
    )


@dataclass(frozen=True, slots=True)
class FinalScores:
    """Scores at the end for a viewer: every actor's for the facilitator, a seat's own
    (as far as it knew) for a seat, none for the public (objectives read secret tracks)."""

    scores: tuple[ScoreInfo, ...]
    own: tuple[ObjectiveInfo, ...] = ()
    note: str = ""


class Debrief:
    """A saved game explained turn by turn for any viewer. Cheap to ask again: the saved
    game keeps its states, and each turn's roll states are computed once."""

    def __init__(self, saved: SavedGame) -> None:
        self.saved = saved
        self.deck: CompiledDeck = saved.deck

    def opening_viewer(self) -> Viewer:
        """The perspective the debrief opens on: the one the game's own screens were for (a
        solo player's own seat, where its computers' reasons read as plain sentences; the
        facilitator's), else the whole picture: after the game every secret is out."""
        humans = [actor for actor, spec in self.saved.save.seats.items() if seat_kind(spec) == "human"]
        return home_viewer(self.saved.save.facilitator, humans) or FACILITATOR_VIEWER

    def viewers(self) -> list[Viewer]:
        """The perspectives a debrief offers: the facilitator, the public, each seat."""
        return [FACILITATOR_VIEWER, PUBLIC, *(Viewer.seat(a) for a in self.deck.actors)]

    def seat_label(self, obs: Observation, actor: str) -> str:
        info = next(a.seat for a in obs.actors if a.id == actor)
        if info.kind == "program":
            return "Program (not run)"  # a debrief never starts one, nor shows its command
        return info.label

    # -- a turn ------------------------------------------------------------------------
    def turn(self, who: Viewer | str, turn: int, *, hindsight: bool = False) -> TurnDebrief:
        """Resolved turn `turn` as `who` saw it: deciding it (the state before) and reading
        its results (after). With `hindsight`, also the secret plays of the turn it only
        learned of later, each marked with when it came out."""
        saved = self.saved
        viewer = as_viewer(who, self.deck)
        if not 1 <= turn <= saved.turns_played:
            raise WargameError(f"no turn {turn} in this save (turns 1..{saved.turns_played})")
        before = saved.observe(viewer, turn)
        after = saved.observe(viewer, turn + 1, explain=True)
        info = after.turns[turn - 1]
        out = TurnDebrief(turn, info.label)
        for seat in info.orders:
            name = after.actor_name(seat.actor)
            lines = tuple((o.label, o.secret, after.reason_words(o)) for o in seat.orders)
            out.orders.append(SeatOrders(seat.actor, name, self.seat_label(after, seat.actor), seat.visible, lines))
        out.rolls = list(info.rolls)
        injected = {i.name for i in info.injects if i.event is not None}
        for inject in info.injects:
            if inject.event is not None:
                out.injects.append(f"fired the event {inject.name}")
            else:
                out.injects.append(inject.name + (f"  [{'; '.join(inject.effects)}]" if inject.effects else ""))
        out.events = [(name, name in injected) for name in info.events]
        out.news = [n for n in info.news if n.kind != "fizzle"]
        out.fizzles = [n for n in info.news if n.kind == "fizzle"]
        out.thresholds = list(info.thresholds)
        out.flags = list(info.flags)
        out.ending = info.ending
        out.tracks = self._tracks(before, after)
        out.waiting, out.offers = self._offers(turn, before, after)
        said = said_in(after, turn)
        out.messages, out.team, out.teams_named = said.messages, said.team, said.teams_named
        if hindsight:
            end = saved.observe(viewer, saved.turns_played + 1)
            known = {(p.turn, p.move) for p in after.plays}
            unit = self.deck.turn_name
            for reveal in saved.later_reveals(viewer, turn + 1):
                if reveal.turn == turn and (reveal.turn, reveal.move) not in known:
                    play = next((p for p in end.plays if p.turn == reveal.turn and p.move == reveal.move), None)
                    what = play.name if play is not None else reveal.move
                    out.learned_later.append(f"{end.actor_name(reveal.actor)} played {what} (revealed in {unit} {reveal.revealed_in})")
        return out

    def _offers(self, turn: int, before: Observation, after: Observation) -> tuple[list[OfferNote], list[OfferNote]]:
        """(waiting when `turn` began, what happened to offers in it), as the viewer knew
        them: the observations hold only the offers it may know of."""
        unit = self.deck.turn_name
        waiting = [
            OfferNote(o, "waiting", f"{possessive(o.maker_name)} offer to {o.recipient_name} waits for an answer (until {unit} {o.deadline}): {o.name}")
            for o in before.offers if o.status == "waiting"
        ]
        happened = []
        for o in after.offers:
            if o.made == turn:
                happened.append(OfferNote(o, "made", f"{o.maker_name} offers {o.recipient_name}: {o.name} (an answer is due by {unit} {o.deadline})"))
            if o.closed != turn:
                continue
            if o.status in {"accepted", "refused"}:
                verb = "accepts" if o.status == "accepted" else "refuses"
                happened.append(OfferNote(o, o.status, f"{o.recipient_name} {verb} {possessive(o.maker_name)} offer: {o.name}"))
            elif o.status == "expired":
                happened.append(OfferNote(o, "expired", f"{possessive(o.maker_name)} offer to {o.recipient_name} expires unanswered: {o.name}"))
        return waiting, happened

    def _tracks(self, before: Observation, after: Observation) -> list[tuple[str, list[TrackDelta]]]:
        groups: list[tuple[str, list[TrackDelta]]] = []
        for actor in [None, *self.deck.actors]:
            pairs = [TrackDelta(b, a) for b, a in zip(before.tracks_of(actor), after.tracks_of(actor), strict=True)]
            if pairs:
                groups.append(("The situation" if actor is None else self.deck.actor_name(actor), pairs))
        return groups

    # -- the whole game ----------------------------------------------------------------
    def end(self, who: Viewer | str) -> Observation:
        """What `who` knew at the end of the saved game."""
        return self.saved.observe(who, self.saved.turns_played + 1)

    def history(self, who: Viewer | str, track: str) -> list[float | None]:
        """A track at the start and after each turn, None where hidden from `who`."""
        return list(self.end(who).track(track).history)

    def final_scores(self, who: Viewer | str) -> FinalScores:
        """What `who` may see of the scores at the end (see `FinalScores`)."""
        from wargame.observe.build import scores

        saved = self.saved
        viewer = as_viewer(who, self.deck)
        if viewer.is_facilitator:
            return FinalScores(tuple(sorted(scores(saved.game), key=lambda s: -s.total)))
        if viewer.is_public:
            return FinalScores((), note="Objectives can read secret tracks: the scores are in the facilitator's view.")
        end = self.end(viewer)
        own = tuple(end.seat.objectives) if end.seat is not None else ()
        return FinalScores((), own, note="As far as this seat knew at the end; the facilitator's view has every score.")
