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

from wargame.analysis.moments import Moment, key_moments, may_see_odds
from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import Analysis, turn_title
from wargame.analysis.whatif import WhatIf
from wargame.bots.base import make_bot
from wargame.bots.seats import SeatSpec
from wargame.deck.compile import CompiledDeck
from wargame.deck.describe import Describer
from wargame.deck.labels import offer_name, play_name, roll_label
from wargame.engine.offers import OfferRecord, offer_history
from wargame.engine.reading import roll_hidden_note
from wargame.engine.state import Play, Roll
from wargame.engine.visibility import (
    FACILITATOR,
    Viewer,
    as_viewer,
    sees_reason,
    sees_seed,
)
from wargame.errors import WargameError
from wargame.saves.format import SaveModel
from wargame.saves.store import Verification, verify
from wargame.words import possessive

ODDS_WITHHELD = (
    "Ending odds and what-ifs are computed from the full state of the game, including "
    "other seats' secrets, so they appear only in the facilitator's report."
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
    whatifs: tuple[WhatIf, ...]
    withheld: str
    """Why odds and what-ifs are left out of this report (empty when they are shown)."""
    questions: tuple[QuestionRow, ...]
    turn_labels: tuple[str, ...]
    """"week 1 (January 2022)" for each turn played."""
    warning: str = ""
    """"This save does not verify: week 3 differs (...). ...": said at the top of the report
    (as the replay viewer's banner says it) when the save fails `verify`; empty when it passes."""


def _played_by(spec_text: str, deck: CompiledDeck, actor: str) -> str:
    try:
        spec = SeatSpec.parse(spec_text)
    except WargameError:
        return spec_text
    if spec.is_human:
        return "a person"
    if spec.is_program:
        return "a program (not run)"  # a report never starts a program, nor names its command
    try:
        return f"computer ({make_bot(spec, deck, actor, 0).label})"
    except WargameError:
        return f"computer ({spec})"


def build_report(
    save: SaveModel,
    viewer: Viewer | str = FACILITATOR,
    analysis: Analysis | None = None,
    whatifs: Sequence[WhatIf] = (),
    checkpoints: Checkpoints | None = None,
    verification: Verification | None = None,
) -> ReportData:
    """Everything the report shows, for `viewer` (a `Viewer`, an actor id, `facilitator`
    or `public`), all of it through the engine's visibility rules. `verification`: what
    `saves.store.verify` found for `save`, if the caller has it (else it is run here); a
    save that fails it gets the warning at the top of the report.

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
    view = game.view(who)
    unit = deck.model.deck.turn_name
    is_fac = view.is_facilitator

    # When each secret play this viewer knows of came to light, if it did.
    revealed_at = {key: when for key, when in game.revealed_plays.items()}

    def move_name(play: Play) -> str:
        name = play_name(deck, deck.moves[deck.move_index[play.move]])
        if not play.secret:
            return name
        when = revealed_at.get((play.turn, play.move))
        notes = [] if "(secret)" in name.lower() else ["secret"]
        if when is not None:
            notes.append(f"revealed in {unit} {when}")
        return f"{name} ({'; '.join(notes)})" if notes else name

    timeline = []
    questions_at: dict[int, list[str]] = {}
    belief = view.belief
    questions: list[QuestionRow] = []
    for q in deck.questions:
        if q.when is not None and not q.when(belief):
            continue
        questions.append(QuestionRow(q.text, q.turn, deck.turn_label(q.turn) if q.turn else ""))
        if q.turn is not None:
            questions_at.setdefault(q.turn, []).append(q.text)
    plays_by_turn: dict[int, list[Play]] = {}
    for play in view.plays:
        plays_by_turn.setdefault(play.turn, []).append(play)
    escalation: dict[str, list[int]] = {a: [] for a in deck.actors}
    offers = offer_history(deck, view.plays, len(game.records), view.over, view.viewer)
    offer_table = offer_rows(deck, who, offers, view.describer(), game.turns)
    for rec, turn_model in zip(game.records, save.history, strict=True):
        t = rec.turn
        plays = plays_by_turn.get(t, [])
        for actor in deck.actors:
            escalation[actor].append(sum(deck.moves[deck.move_index[p.move]].escalation for p in plays if p.actor == actor))
        known_orders = view.orders.get(t, {})
        known_reasons = view.reasons.get(t, {})
        rows = []
        for actor in deck.actors:
            if actor in known_orders:
                # The viewer knows these orders as given (its own, or all for the facilitator).
                by_move = {p.move: p for p in plays if p.actor == actor}
                names = []
                for move_id in known_orders[actor]:
                    resolved = by_move.get(move_id)
                    move = deck.moves[deck.move_index[move_id]]
                    names.append(f"{play_name(deck, move)} (fizzled)" if resolved is None else move_name(resolved))
                rows.append(OrderRow(actor, deck.actor_name(actor), tuple(names), tuple(known_reasons.get(actor, ())), True))
            else:
                # Others' orders only as far as their plays came to light, with a computer's
                # reason for a known play where the visibility rules allow it.
                seen_plays = [p for p in plays if p.actor == actor]
                spec = save.seats.get(actor, "human")
                why = dict(zip(rec.orders.get(actor, ()), rec.reasons.get(actor, ()), strict=False))
                reasons = []
                if spec not in {"", "human"}:
                    for p in seen_plays:
                        reason = why.get(p.move)
                        if reason is None:
                            continue
                        if not sees_reason(who, deck, actor, spec, p.move, True):
                            reason = f"{play_name(deck, deck.moves[deck.move_index[p.move]])}: its reasons weigh what is hidden from you"
                        reasons.append(reason)
                seen = tuple(move_name(p) for p in seen_plays)
                rows.append(OrderRow(actor, deck.actor_name(actor), seen, tuple(reasons), False))
        rolls = tuple(_roll_row(who, deck, r) for r in view.rolls_for_turn(t))
        if is_fac:
            injects = []
            for inject in turn_model.injects:
                if inject.event and inject.event in deck.event_index:
                    injects.append(f"{deck.events[deck.event_index[inject.event]].name} (deck event fired by hand)")
                else:
                    effects = "; ".join(inject.effects)
                    injects.append((inject.text or "An on-the-spot inject") + (f" [effects: {effects}]" if effects else ""))
        else:
            injects = [n.text for n in view.news_for_turn(t) if n.kind == "inject"]
        events = tuple(deck.events[deck.event_index[e]].name for e in view.fired_for_turn(t) if e in deck.event_index)
        news = tuple(NewsRow(n.kind, n.text, n.audience is not None) for n in view.news_for_turn(t))
        changes = tuple(
            f"{deck.slot_label(c.slot)} {num(c.old)} → {num(c.new)}" for c in view.changes_for_turn(t)
        )
        timeline.append(
            TurnEntry(t, deck.turn_label(t), tuple(rows), rolls, tuple(injects), events, news, changes, tuple(questions_at.get(t, ())),
                      _waiting(deck, offers, offer_table, t, game.turns))
        )

    tracks = []
    for slot, name in enumerate(deck.slot_names):
        history = view.history(name)
        if any(v is None for v in history):
            continue  # hidden from this viewer
        tracks.append(
            TrackSeries(
                name,
                deck.slot_label(slot),
                tuple(float(v) for v in history if v is not None),
                deck.lo[slot],
                deck.hi[slot],
                tuple(deck.thresholds.get(slot, ())),
            )
        )

    # The end screen shows every actor's objectives to everyone: the report does the same.
    scores = []
    if game.ending is not None:
        for actor, score in game.scores().items():
            best = sum(o.points for o in deck.objectives[actor])
            objectives = tuple(ObjectiveRow(o.text, o.points, o.met) for o in score.objectives)
            scores.append(ScoreRow(actor, deck.actor_name(actor), score.total, best, objectives))

    show_odds = may_see_odds(game, view)
    withheld = "" if show_odds or (analysis is None and not whatifs) else ODDS_WITHHELD
    seats = tuple(
        SeatRow(a, deck.actor_name(a), _played_by(save.seats.get(a, "human"), deck, a), deck.model.actors[a].brief)
        for a in deck.actors
    )
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
        turns_played=len(game.records),
        turns=game.turns,
        facilitated=save.facilitator,
        seats=seats,
        timeline=tuple(timeline),
        tracks=tuple(tracks),
        actor_names={a: deck.actor_name(a) for a in deck.actors},
        escalation={a: tuple(v) for a, v in escalation.items()},
        offers=tuple(offer_table),
        deck_offers=bool(deck.offers),
        ending=game.ending.title if game.ending else "",
        ending_text=(game.ending.text or "") if game.ending else "",
        scores=tuple(scores),
        moments=tuple(key_moments(cp, who, analysis if show_odds else None)),
        analysis=analysis if show_odds else None,
        whatifs=tuple(whatifs) if show_odds else (),
        withheld=withheld,
        questions=tuple(questions),
        turn_labels=tuple(turn_title(deck, r.turn) for r in game.records),
        warning=f"{check.WARNING}: {problem}" if (problem := check.problem(unit)) else "",
    )


def _waiting(deck: CompiledDeck, records: Sequence[OfferRecord], rows: Sequence[OfferRow], turn: int, turns: int) -> tuple[str, ...]:
    """The offers waiting for an answer when `turn` began, in words (not one whose fate the
    viewer never saw: it cannot say how long it waited)."""
    out = []
    for rec, row in zip(records, rows, strict=True):
        if row.status == "unknown" or not rec.made < turn or (rec.closed is not None and rec.closed < turn):
            continue
        name = offer_name(deck, deck.moves[deck.move_index[rec.move]])
        due = f", answer due by {deck.turn_name} {rec.deadline}" if rec.deadline <= turns else ""
        secret = "secret " if rec.secret else ""
        out.append(f"{possessive(row.maker)} {secret}offer to {row.recipient} ({name}){due}")
    return tuple(out)


def offer_rows(deck: CompiledDeck, who: Viewer, records: Sequence[OfferRecord], describer: Describer, turns: int) -> list[OfferRow]:
    """The report's rows for the offers in `records` (already only those `who` may know
    of), each outcome's effects put into words by `describer` (the viewer's); `turns` is
    the game's length (a deadline past it goes unsaid)."""
    unit = deck.turn_name
    out = []
    for rec in records:
        offer = deck.offers[rec.slot]
        move = deck.moves[offer.move]
        status: str = rec.status  # `unknown` to a viewer who learned of it from a reveal
        effects: list[str] = []
        if status == "accepted":
            outcome = f"accepted in {unit} {rec.closed}"
            effects = describer.describe_move(deck.moves[offer.accept]).success
        elif status == "refused":
            outcome = f"refused in {unit} {rec.closed}"
            effects = describer.describe_move(deck.moves[offer.refuse]).success
        elif status == "expired":
            outcome = f"expired unanswered at the end of {unit} {rec.closed}"
            effects = describer.effects(offer.expire_nodes)
        elif status == "unanswered":
            outcome = "unanswered when the game ended"
            if rec.deadline <= turns:
                outcome += f" (it could have been answered until {unit} {rec.deadline})"
        elif status == "waiting":
            outcome = f"waiting for an answer (until {unit} {rec.deadline})"
        else:
            outcome = "what became of it did not come to light"
        name = offer_name(deck, move)  # the recipient has a column of its own
        if rec.secret and "(secret)" not in name.lower():
            name += " (secret)"
        out.append(OfferRow(rec.made, deck.actor_name(rec.maker), deck.actor_name(rec.recipient), name, status, outcome, tuple(effects), rec.secret))
    return out


def _roll_row(who: Viewer, deck: CompiledDeck, roll: Roll) -> RollRow:
    # The roll named as every screen names it. A chance computed from what the viewer may
    # not see is itself secret, and so is the draw beside it (the two together would give
    # the chance away).
    label = roll_label(deck, roll.kind, roll.key)
    note = roll_hidden_note(who, deck, roll)
    if note:
        return RollRow(label, None, None, roll.success, roll.forced, note)
    return RollRow(label, roll.chance, roll.roll, roll.success, roll.forced)


def _viewer_label(who: Viewer, deck: CompiledDeck) -> str:
    if who.is_facilitator:
        return "the facilitator (everything)"
    if who.is_public:
        return "the public (only what every seat knew)"
    assert who.actor is not None
    return f"{deck.actor_name(who.actor)} (only what this seat knew)"


def num(x: float) -> str:
    """A value as the report writes it: whole numbers bare, others to one decimal."""
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def pct(p: float) -> str:
    """A probability as a whole percentage."""
    return f"{p:.0%}"
