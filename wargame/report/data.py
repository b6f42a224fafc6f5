"""What an after-action report says, gathered once for one viewer; `model.py` puts it into words.

Modelled on a tabletop exercise's after-action report: who played, a turn-by-turn timeline
(decision points: orders and the reasons given, the dice, injects, events, news), the
tracks and each side's escalation over time, objectives met or missed, key moments,
turning points, what-ifs and discussion questions. Everything is read through the
viewer's `PlayerView`, so a seat's report holds only what that seat knew by the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wargame.analysis.marks import Marks
from wargame.analysis.moments import Moment, key_moments, may_see_odds
from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import Analysis, turn_title
from wargame.analysis.whatif import WhatIf
from wargame.deck.compile import CompiledDeck, CQuestion
from wargame.errors import WargameError
from wargame.observe.build import observe_view
from wargame.observe.build import scores as final_scores
from wargame.observe.labels import roll_outcome
from wargame.observe.model import InjectInfo, Observation, OrderInfo, PlayInfo, SeatInfo, TurnInfo
from wargame.observe.view import PlayerView
from wargame.observe.visibility import FACILITATOR, Viewer, as_viewer, sees_seed
from wargame.saves.format import SaveModel
from wargame.saves.store import Verification, talk_of, verify
from wargame.words import number, possessive

ODDS_WITHHELD = (
    "Ending odds, marked choices and what-ifs are computed from the full state of the game, "
    "including other seats' secrets, so they appear only in the facilitator's report."
)


@dataclass(frozen=True)
class SeatRow:
    actor: str
    name: str
    played_by: str
    """"a person" or the computer seat, e.g. "computer (Doctrine: hardliner)"."""
    brief: str


@dataclass(frozen=True)
class OrderRow:
    """One seat's orders in a turn, as far as the viewer knows them."""

    actor: str
    name: str
    moves: tuple[str, ...]
    """Move names; a secret move carries "(secret)" or when it was revealed."""
    reasons: tuple[str, ...]
    """The computer seat's stated reasons: all of them to whoever sees its orders; to others,
    those for plays they know of that read nothing hidden from them."""
    complete: bool
    """False when the viewer saw only the plays that came to light, not the orders."""


@dataclass(frozen=True)
class RollRow:
    label: str
    chance: float | None
    """None when the chance read something hidden from the viewer (as is the draw then)."""
    draw: float | None
    success: bool
    forced: bool
    note: str = ""
    """Why the chance and draw are not shown, if they are not."""
    outcome: str = ""
    """The result in the players' words (`roll_outcome`: "not found out", "it happens")."""
    kind: str = ""
    """What the roll decided (`move`, `detect`, `event`; `outcome`: a weighted pick, whose draw
    is not held against its chance)."""


@dataclass(frozen=True)
class NewsRow:
    kind: str
    text: str
    restricted: bool
    """Seen by only some seats when it happened (marked in the facilitator's report)."""


@dataclass(frozen=True)
class TurnEntry:
    turn: int
    label: str
    orders: tuple[OrderRow, ...]
    rolls: tuple[RollRow, ...]
    injects: tuple[str, ...]
    events: tuple[str, ...]
    news: tuple[NewsRow, ...]
    changes: tuple[str, ...]
    questions: tuple[str, ...]
    waiting: tuple[str, ...] = ()
    """Offers waiting for an answer when the turn began (that the viewer knew of by the
    end): "Alpha's offer to Bravo (Offer talks to Bravo), answer due by turn 4"."""


@dataclass(frozen=True)
class OfferRow:
    """One offer the viewer may know of, and what became of it."""

    made: int
    """The turn it was made."""
    maker: str
    """The names of the actor who made it and the one it was made to."""
    recipient: str
    name: str
    """The offer move's name, marked "(secret)" for a secret offer."""
    status: str
    """`accepted`, `refused`, `expired`, `unanswered` (when the game ended), `waiting`,
    or `unknown`: a secret offer this viewer learned of but whose fate it never saw."""
    outcome: str
    """In words: "accepted in turn 6", "expired unanswered at the end of turn 4"."""
    effects: tuple[str, ...]
    """The effects of that outcome in plain words for this viewer (empty: none, or none yet)."""
    secret: bool


@dataclass(frozen=True)
class MessageRow:
    """One message the viewer may read (sent by it, to it, or public; all, for the facilitator)."""

    turn: int
    channel: str
    """The channel's title."""
    sender: str
    to: str
    """The recipients' names."""
    text: str


@dataclass(frozen=True)
class SplitRow:
    """A team's sealing: what it sealed, who had agreed and who objected, and why."""

    seat: str
    """The seat's name."""
    turn: int
    orders: str
    sealer: str
    agreed: tuple[str, ...]
    objected: tuple[str, ...]
    objections: tuple[str, ...]
    """What the objectors said ("Ana: too risky")."""
    proposals: int
    """How many proposals the team weighed that turn."""
    proposer: str = ""
    """Who proposed the orders sealed (empty: no proposal had them)."""


@dataclass(frozen=True)
class TrackSeries:
    name: str
    label: str
    values: tuple[float, ...]
    """Value at the start, then after each turn."""
    lo: float
    hi: float
    thresholds: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class ObjectiveRow:
    text: str
    points: float
    met: bool


@dataclass(frozen=True)
class ScoreRow:
    actor: str
    name: str
    total: float
    best: float
    objectives: tuple[ObjectiveRow, ...]


@dataclass(frozen=True)
class QuestionRow:
    text: str
    turn: int | None
    turn_label: str


@dataclass(frozen=True)
class ReportData:
    title: str
    deck_title: str
    deck_id: str
    summary: str
    viewer: str
    viewer_label: str
    save_id: str
    seed: int | None
    """The game's seed decides every roll: shown to the facilitator only."""
    created: str
    parent: str
    unit: str
    turns_played: int
    turns: int
    facilitated: bool
    seats: tuple[SeatRow, ...]
    timeline: tuple[TurnEntry, ...]
    opening: TurnEntry | None
    """Before the first orders: the deck's opening (turn 0), None without one."""
    tracks: tuple[TrackSeries, ...]
    actor_names: dict[str, str]
    escalation: dict[str, tuple[int, ...]]
    """Actor to the summed escalation of its moves that resolved in each turn (as the viewer
    knows them). Answers to offers have escalation 0: what an acceptance changes is in
    its effects, not in a score of its own."""
    offers: tuple[OfferRow, ...]
    """Every offer this viewer may know of, oldest first (empty for a deck without offers)."""
    deck_offers: bool
    """The deck has offers (the report then has an Offers section, even if none was made)."""
    ending: str
    ending_text: str
    scores: tuple[ScoreRow, ...]
    moments: tuple[Moment, ...]
    analysis: Analysis | None
    marks: Marks | None
    """Each team's choices marked against the best it had (shown where odds are)."""
    whatifs: tuple[WhatIf, ...]
    withheld: str
    """Why odds and what-ifs are left out of this report (empty when they are shown)."""
    questions: tuple[QuestionRow, ...]
    turn_labels: tuple[str, ...]
    """"week 1 (January 2022)" for each turn played."""
    messages: tuple[MessageRow, ...] = ()
    """The messages this viewer may read, oldest first (a seat's own only)."""
    splits: tuple[SplitRow, ...] = ()
    """How its team split at each sealing (a seat's own team; every team for the facilitator)."""
    warning: str = ""
    """"This save does not verify: week 3 differs (...). ...": said at the top of the report
    (as the replay viewer's banner says it) when the save fails `verify`; empty when it passes."""


def asked_questions(deck: CompiledDeck, end: PlayerView) -> list[CQuestion]:
    """The deck's discussion questions to ask of this game, for the viewer whose view of the
    end is `end`: those whose `when` held then, as that viewer knew it (a question never
    assumes what did not happen, or what the viewer could not know)."""
    return [q for q in deck.questions if q.when is None or q.when(end.belief)]


def build_report(
    save: SaveModel,
    viewer: Viewer | str = FACILITATOR,
    analysis: Analysis | None = None,
    whatifs: Sequence[WhatIf] = (),
    checkpoints: Checkpoints | None = None,
    verification: Verification | None = None,
    marks: Marks | None = None,
) -> ReportData:
    """Everything the report shows, for `viewer` (a `Viewer`, an actor id, `facilitator`
    or `public`): read off that viewer's `Observation` of the game at its end, the one
    every screen and the debrief read, so the report decides nothing about secrecy.
    `verification`: what `saves.store.verify` found for `save`, if the caller has it (else
    it is run here); a save that fails it gets the warning at the top of the report.

    Raises `WargameError` for an unknown viewer or a save that does not replay.
    """
    check = verification if verification is not None else verify(save)
    cp = checkpoints or Checkpoints(save)
    game = cp.game
    deck = game.deck
    try:
        who = as_viewer(viewer, deck)
    except WargameError as exc:
        raise WargameError(f"--seat: {exc}") from None
    view = PlayerView(game, who, seats=save.seats, talk=talk_of(save))
    end = observe_view(view)
    unit = end.game.turn_name
    is_fac = who.is_facilitator

    def move_name(play: PlayInfo) -> str:
        if not play.secret:
            return play.name
        notes = [] if "(secret)" in play.name.lower() else ["secret"]
        if play.revealed is not None:
            notes.append(f"revealed in {unit} {play.revealed}")
        return f"{play.name} ({'; '.join(notes)})" if notes else play.name

    timeline = []
    questions_at: dict[int, list[str]] = {}
    questions: list[QuestionRow] = []
    for q in asked_questions(deck, view):
        questions.append(QuestionRow(q.text, q.turn, deck.turn_label(q.turn) if q.turn else ""))
        if q.turn is not None:
            questions_at.setdefault(q.turn, []).append(q.text)
    plays_by_turn: dict[int, list[PlayInfo]] = {}
    for play in end.plays:
        plays_by_turn.setdefault(play.turn, []).append(play)
    escalation: dict[str, list[int]] = {a.id: [] for a in end.actors}
    offer_table = offer_rows(end)
    for info in end.turns:
        t = info.turn
        plays = plays_by_turn.get(t, [])
        for actor, series in escalation.items():
            series.append(sum(p.escalation for p in plays if p.actor == actor))
        rows = []
        for seat in info.orders:
            name = end.actor_name(seat.actor)
            mine = [p for p in plays if p.actor == seat.actor]
            if seat.visible:
                # The viewer knows these orders as given (its own, or all for the facilitator).
                by_move = {p.move: p for p in mine}
                names = [move_name(by_move[o.move]) if o.move in by_move else f"{o.label} (fizzled)" for o in seat.orders]
                reasons = [_reason(end, o) for o in seat.orders if o.reason] or ([seat.note] if seat.note else [])
                rows.append(OrderRow(seat.actor, name, tuple(names), tuple(reasons), True))
            else:
                # Others' orders only as far as their plays came to light, with a computer's
                # reason for a known play where the visibility rules allow it.
                reasons = [_reason(end, o) for o in seat.orders if o.reason]
                rows.append(OrderRow(seat.actor, name, tuple(move_name(p) for p in mine), tuple(reasons), False))
        rolls = _rolls(info)
        if is_fac:
            injects = [_inject_line(i) for i in info.injects]
        else:
            injects = [n.text for n in end.news_of(t) if n.kind == "inject"]
        news = _news(end, t)
        changes = _changes(info)
        timeline.append(
            TurnEntry(t, deck.turn_label(t), tuple(rows), rolls, tuple(injects), tuple(info.events), news, changes,
                      tuple(questions_at.get(t, ())), _waiting(end, offer_table, t))
        )

    tracks = [
        TrackSeries(t.name, t.full_label, tuple(float(v) for v in t.history if v is not None), t.lo, t.hi, tuple(t.thresholds))
        for t in end.tracks
        if all(v is not None for v in t.history)  # hidden from this viewer otherwise
    ]

    # The end screen shows every actor's objectives to everyone: the report does the same.
    scores = []
    if game.ending is not None:
        for score in final_scores(game):
            objectives = tuple(ObjectiveRow(o.text, o.points, o.met) for o in score.objectives)
            scores.append(ScoreRow(score.actor, end.actor_name(score.actor), score.total, score.most, objectives))

    show_odds = may_see_odds(game, view)
    withheld = "" if show_odds or (analysis is None and marks is None and not whatifs) else ODDS_WITHHELD
    seats = tuple(SeatRow(a.id, a.name, _played_by(a.seat), deck.model.actors[a.id].brief) for a in end.actors)
    parent = ""
    if save.parent is not None:
        where = f" ({save.parent.path})" if save.parent.path else ""
        parent = f"branched from save {save.parent.save_id}{where} after {save.parent.turn} {unit}{'' if save.parent.turn == 1 else 's'}"
    return ReportData(
        title=save.title or deck.title,
        deck_title=deck.title,
        deck_id=deck.id,
        summary=deck.model.deck.summary,
        viewer=who.name,
        viewer_label=_viewer_label(who, deck),
        save_id=save.save_id,
        seed=save.seed if sees_seed(who) else None,
        created=save.created,
        parent=parent,
        unit=unit,
        turns_played=end.game.resolved,
        turns=end.game.turns,
        facilitated=save.facilitator,
        seats=seats,
        timeline=tuple(timeline),
        opening=opening_entry(end),
        tracks=tuple(tracks),
        actor_names={a.id: a.name for a in end.actors},
        escalation={a: tuple(v) for a, v in escalation.items()},
        offers=tuple(offer_table),
        messages=tuple(_message_rows(end, deck)),
        splits=tuple(_split_rows(end)),
        deck_offers=end.game.has_offers,
        ending=end.game.ending.title if end.game.ending else "",
        ending_text=(end.game.ending.text or "") if end.game.ending else "",
        scores=tuple(scores),
        moments=tuple(key_moments(cp, who, analysis if show_odds else None)),
        analysis=analysis if show_odds else None,
        marks=marks if show_odds else None,
        whatifs=tuple(whatifs) if show_odds else (),
        withheld=withheld,
        questions=tuple(questions),
        turn_labels=tuple(turn_title(deck, t.turn) for t in end.turns),
        warning=f"{check.WARNING}: {problem}" if (problem := check.problem(unit)) else "",
    )


def _message_rows(end: Observation, deck: CompiledDeck) -> list[MessageRow]:
    titles = {c.name: c.title for c in deck.channels}
    return [MessageRow(m.turn, titles.get(m.channel, m.channel), m.sender_name, ", ".join(end.actor_name(a) for a in m.to), m.text)
            for m in end.messages]


def _split_rows(end: Observation) -> list[SplitRow]:
    rows = []
    for team in end.teams:
        for seal in team.splits():
            said = [n for n in team.notes if n.kind == "object" and n.proposal == seal.proposal and n.proposal is not None and n.text]
            rows.append(SplitRow(
                end.actor_name(team.seat), seal.turn, ", ".join(seal.order_names) or "no orders", seal.member, tuple(seal.agreed),
                tuple(seal.objected), tuple(f"{n.member}: {n.text}" for n in said), len(team.proposals(seal.turn)),
                team.proposer(seal.proposal),
            ))
    return rows


def _reason(end: Observation, order: OrderInfo) -> str:
    """A reason under a seat's orders: the move it is for, then the reason as the report's
    viewer reads it (the arithmetic only in the facilitator's report)."""
    return f"{order.name}: {end.reason_words(order)}"


def _inject_line(inject: InjectInfo) -> str:
    """A facilitator's inject as the facilitator's report lists it."""
    if inject.event:
        return f"{inject.name} (deck event fired by hand)"
    text = "An on-the-spot inject" if inject.name == "The facilitator changes the situation." else inject.name
    return text + (f" [effects: {'; '.join(inject.effects)}]" if inject.effects else "")


def _rolls(info: TurnInfo) -> tuple[RollRow, ...]:
    return tuple(RollRow(r.label, r.chance, r.roll, r.success, r.forced, r.note, roll_outcome(r.kind, r.success), r.kind) for r in info.rolls)


def _news(end: Observation, turn: int) -> tuple[NewsRow, ...]:
    return tuple(NewsRow(n.kind, n.text, n.audience is not None) for n in end.news_of(turn))


def _changes(info: TurnInfo) -> tuple[str, ...]:
    return tuple(f"{c.label} {num(c.old)} → {num(c.new)}" for c in info.changes)


def opening_entry(end: Observation) -> TurnEntry | None:
    """What happened before the first orders (the deck's opening, turn 0) as the viewer may
    see it: its news, dice, events and changes; None for a deck without an opening."""
    info = end.opening
    if info is None:
        return None
    return TurnEntry(0, info.label, (), _rolls(info), (), tuple(info.events), _news(end, 0), _changes(info), ())


def _waiting(end: Observation, rows: Sequence[OfferRow], turn: int) -> tuple[str, ...]:
    """The offers waiting for an answer when `turn` began, in words (not one whose fate the
    viewer never saw: it cannot say how long it waited)."""
    out = []
    for offer, row in zip(end.offers, rows, strict=True):
        if row.status == "unknown" or not offer.made < turn or (offer.closed is not None and offer.closed < turn):
            continue
        due = f", answer due by {end.game.turn_name} {offer.deadline}" if offer.deadline <= end.game.turns else ""
        secret = "secret " if offer.secret else ""
        out.append(f"{possessive(row.maker)} {secret}offer to {row.recipient} ({offer.name}){due}")
    return tuple(out)


def offer_rows(end: Observation) -> list[OfferRow]:
    """The report's rows for the offers a viewer knew of by the end, each outcome's effects
    in that viewer's words (the observation has only what it may know)."""
    unit = end.game.turn_name
    out = []
    for offer in end.offers:
        status: str = offer.status
        effects: list[str] = []
        if status == "accepted":
            outcome = f"accepted in {unit} {offer.closed}"
            effects = offer.accept_effects
        elif status == "refused":
            outcome = f"refused in {unit} {offer.closed}"
            effects = offer.refuse_effects
        elif status == "expired":
            outcome = f"expired unanswered at the end of {unit} {offer.closed}"
            effects = offer.expire_effects
        elif status == "unanswered":
            outcome = "unanswered when the game ended"
            if offer.deadline <= end.game.turns:
                outcome += f" (it could have been answered until {unit} {offer.deadline})"
        elif status == "waiting":
            outcome = f"waiting for an answer (until {unit} {offer.deadline})"
        else:
            outcome = "what became of it did not come to light"
        name = offer.name  # the recipient has a column of its own
        if offer.secret and "(secret)" not in name.lower():
            name += " (secret)"
        out.append(OfferRow(offer.made, offer.maker_name, offer.recipient_name, name, status, outcome, tuple(effects), offer.secret))
    return out


def _played_by(seat: SeatInfo) -> str:
    """Who played a seat, as the report says it: a person, a computer, a program not run."""
    if seat.kind == "human":
        return "a person"
    if seat.kind == "program":
        return "a program (not run)"  # a report never starts a program, nor names its command
    return "computer (" + seat.label.removeprefix("Computer (").removesuffix(")") + ")"


def _viewer_label(who: Viewer, deck: CompiledDeck) -> str:
    if who.is_facilitator:
        return "the facilitator (everything)"
    if who.is_public:
        return "the public (only what every seat knew)"
    assert who.actor is not None
    return f"{deck.actor_name(who.actor)} (only what this seat knew)"


def num(x: float) -> str:
    """A value as the report writes it (`wargame.words.number`)."""
    return number(x)


def pct(p: float) -> str:
    """A probability as a whole percentage."""
    return f"{p:.0%}"
