"""Key moments of a saved game, as one viewer may know them, ranked by what they did.

A debrief tells a story: the ending and what brought it, the turns that moved the odds
most (turning points, when an analysis is given and the viewer may see it), the plays and
events the deck marks as headlines, secrets revealed, offers accepted or refused, the most
escalatory plays, the thresholds reached (each level once, however often a track crossed
it back and forth) and the largest swings of a track. Each moment has a weight for what it
did; `story` keeps the few that tell the game (`STORY`), the rest stay one key away.
Everything is read through the viewer's `PlayerView`, so a seat's list holds only what
that seat learned by the end of the game.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import Analysis, turn_title
from wargame.deck.labels import answer_phrase, play_name
from wargame.engine.game import Game, crossed
from wargame.engine.offers import offer_history
from wargame.errors import WargameError
from wargame.observe.view import PlayerView
from wargame.observe.visibility import FACILITATOR, Viewer, offer_as_seen
from wargame.words import number, plural, possessive

SWINGS = 3
"""How many of the largest one-turn track swings to list."""
MIN_SWING_SHARE = 0.2
"""A swing counts only if it moves a track at least this share of its range."""
MIN_ESCALATION = 12
"""A play this escalatory (non-violent escalation and up on the deck's scale) is a moment
even when the deck does not mark it a headline."""
STORY = 8
"""How many moments tell a game's story at a glance (the rest are one key away)."""

WEIGHTS = {
    "ending": 1000.0,
    "turning-point": 100.0,
    "headline": 80.0,
    "reveal": 50.0,
    "offer": 50.0,
    "play": 20.0,
    "threshold": 35.0,
    "swing": 10.0,
}
"""What ranks a moment: its kind's weight, plus (for a turning point) the points the odds
moved, (for a play) its escalation score, (for a threshold) ten for each level below it on
the track's scale, (for a swing) fifty times the share of the range it moved."""


@dataclass(frozen=True)
class Moment:
    """One thing worth stopping on in a debrief."""

    turn: int
    kind: str
    """`ending`, `turning-point`, `play`, `event`, `reveal`, `offer`, `threshold` or `swing`."""
    text: str
    weight: float = 0.0
    """What it did to the game (see `WEIGHTS`): the story keeps the heaviest."""
    headline: bool = False
    """A play or an event the deck marks as a headline."""
    falling: bool = False
    """A threshold reached on the way down (a descending track, where lower is worse):
    its mark points down, as players read the track."""

    @property
    def kind_label(self) -> str:
        return {
            "threshold": "threshold", "swing": "swing", "reveal": "secret revealed", "offer": "offer",
            "ending": "ending", "turning-point": "turning point", "play": "headline" if self.headline else "escalation",
            "event": "headline" if self.headline else "event",
        }.get(self.kind, self.kind)


def story(moments: Sequence[Moment], cap: int = STORY) -> list[Moment]:
    """The `cap` moments that did most to the game, in turn order (the ending always)."""
    ranked = sorted(range(len(moments)), key=lambda i: (-moments[i].weight, moments[i].turn, i))[:cap]
    return [moments[i] for i in sorted(ranked)]


def may_see_odds(game: Game, view: PlayerView) -> bool:
    """Whether ending odds may be shown to this viewer.

    Odds are computed from the full state, so they are themselves secret to a viewer who
    could not see all of it: only the facilitator, or a viewer from which the visibility
    rules hid nothing by the end (no secret tracks of others, no unknown secret plays),
    may see them.
    """
    if view.is_facilitator:
        return True
    if view.hidden_slots:
        return False
    return len(view.plays) == len(game.plays)


def ending_trigger(cp: Checkpoints, view: PlayerView) -> str | None:
    """The order or event of the last turn without which the ending would not have come
    then (found by resolving that turn again without it), named only if `view` may know it.
    None when the game is not over, ended on the turn limit, or no single cause is found."""
    game = cp.game
    ending = game.ending
    if ending is None or ending.turn_limit or not game.records:
        return None
    deck = game.deck
    last = game.records[-1]
    turn = last.turn
    known = {(p.actor, p.move) for p in view.plays if p.turn == turn}
    candidates: list[tuple[str, str, str | None]] = []
    for seat in deck.actors:
        for move in last.orders.get(seat, ()):
            candidates.append(("move", move, seat))
    for event in last.fired:
        candidates.append(("event", event, None))
    causes: list[tuple[str, str, str | None]] = []
    for kind, ident, actor in candidates:
        trial = cp.fork(turn, game.seed)
        for a in deck.actors:
            orders = list(last.orders.get(a, ()))
            if kind == "move" and a == actor:
                orders.remove(ident)
            trial.submit(a, orders)
        for inject in last.injects:
            trial.fire_inject(event=inject.event, text=inject.text, effects=inject.effects)
        for key, outcome in last.overrides.items():
            trial.override(key, outcome)
        if kind == "event":
            trial.override(f"event:{ident}", False)
        try:
            trial.resolve()
        except WargameError:
            continue
        if trial.ending is None or trial.ending.id != ending.id:
            causes.append((kind, ident, actor))
    names = []
    for kind, ident, actor in causes:
        if kind == "move":
            assert actor is not None
            if (actor, ident) not in known:
                continue  # another seat's secret, still unknown to this viewer
            names.append(answer_phrase(deck, deck.moves[deck.move_index[ident]]))
        else:
            names.append(f"the event {deck.events[deck.event_index[ident]].name}")
    return " and ".join(names) if names else None


def key_moments(cp: Checkpoints, viewer: Viewer | str = FACILITATOR, analysis: Analysis | None = None) -> list[Moment]:
    """Every key moment of the game in `cp` as `viewer` (a `Viewer`, an actor id,
    `facilitator` or `public`) knew them by its end, in turn order, each weighed (`story`
    picks the few that tell it). Raises `WargameError` for an unknown viewer."""
    game: Game = cp.game
    view = PlayerView(game, viewer)
    out: list[Moment] = []
    out += play_moments(game, view)
    for item in view.news:
        if item.kind == "reveal":
            out.append(Moment(item.turn, "reveal", item.text, WEIGHTS["reveal"]))
    out += offer_moments(game, view)
    out += threshold_moments(game, view)
    out += swing_moments(game, view)
    if game.ending is not None and game.records:
        turn = game.records[-1].turn
        trigger = ending_trigger(cp, view)
        text = f"The game ends: {game.ending.title}"
        if game.ending.turn_limit:
            text += " (time ran out)"
        elif trigger:
            text += f", brought about by {trigger}"
        out.append(Moment(turn, "ending", text + ".", WEIGHTS["ending"]))
    if analysis is not None and may_see_odds(game, view):
        for tp in analysis.turning_points:
            out.append(Moment(tp.turn, "turning-point", tp.summary(), WEIGHTS["turning-point"] + abs(tp.swing) * 100))
    order = {"turning-point": 0, "play": 1, "event": 2, "offer": 3, "reveal": 4, "threshold": 5, "swing": 6, "ending": 7}
    out.sort(key=lambda m: (m.turn, order.get(m.kind, 9)))
    return out


def play_moments(game: Game, view: PlayerView) -> list[Moment]:
    """The plays the viewer knows of that the deck marks as headlines or that escalate far
    (`MIN_ESCALATION`), and the headline events it saw fire, each once in its turn."""
    deck = game.deck
    unit = deck.model.deck.turn_name
    out = []
    # The same move by the same actor with the same result is one moment, at its first play:
    # sanctions renewed every month tell one story, not seven.
    plays: dict[tuple[str, str, bool], list[int]] = {}
    revealed = {key for key, when in game.revealed_plays.items() if when <= len(game.records)}
    for play in view.plays:
        move = deck.moves[deck.move_index[play.move]]
        if play.secret and (play.turn, play.move) in revealed:
            continue  # its reveal is the moment ("Revealed: ... played ...")
        if move.headline or move.escalation >= MIN_ESCALATION:
            plays.setdefault((play.actor, play.move, play.success), []).append(play.turn)
    for (actor, move_id, success), turns in plays.items():
        move = deck.moves[deck.move_index[move_id]]
        weight = (WEIGHTS["headline"] if move.headline else WEIGHTS["play"]) + max(0, move.escalation)
        text = f"{deck.actor_name(actor)}: {play_name(deck, move)}" + ("" if success else " (it failed)")
        out.append(Moment(turns[0], "play", text + _again(turns, unit), weight, move.headline))
    for rec in game.records:
        for event_id in view.fired_for_turn(rec.turn):
            event = deck.events[deck.event_index[event_id]]
            if not event.headline:
                continue
            said = [n.text for n in view.news_for_turn(rec.turn) if n.kind == "event" and n.source == event_id]
            if not said and not view.is_facilitator:
                continue  # a silent event: the seats never saw it fire
            text = f"{event.name}: {said[0]}" if said else event.name
            out.append(Moment(rec.turn, "event", text, WEIGHTS["headline"], True))
    return out


def threshold_moments(game: Game, view: PlayerView) -> list[Moment]:
    """Each named level a track the viewer sees reached, once: at the first turn it was
    reached, saying how often it was reached again (a track that flips across a threshold
    every other turn is one moment, not seven)."""
    deck = game.deck
    unit = deck.model.deck.turn_name
    reached: dict[tuple[int, float], list[int]] = {}
    for rec in game.records:
        for change in view.changes_for_turn(rec.turn):
            levels = deck.thresholds.get(change.slot)
            if not levels:
                continue
            down = change.slot in deck.descending
            worse = change.new < change.old if down else change.new > change.old
            if not worse:
                continue  # falling back below a level is part of its story, not a moment
            for level, _name in levels:
                if crossed(change.old, change.new, level, descending=down):
                    reached.setdefault((change.slot, level), []).append(rec.turn)
    out = []
    for (slot, level), turns in reached.items():
        ranked = sorted(lv for lv, _ in deck.thresholds[slot])
        if slot in deck.descending:
            ranked.reverse()
        name = dict(deck.thresholds[slot])[level]
        verb = "falls to" if slot in deck.descending else "reaches"
        text = f"{deck.slot_label(slot)} {verb} {name} ({_fmt(level)})" + _again(turns, unit)
        out.append(Moment(turns[0], "threshold", text, WEIGHTS["threshold"] + 10 * ranked.index(level), falling=slot in deck.descending))
    return out


def swing_moments(game: Game, view: PlayerView) -> list[Moment]:
    """The `SWINGS` largest moves of one track in one turn (at least `MIN_SWING_SHARE` of
    its range) that the viewer saw."""
    deck = game.deck
    swings: list[tuple[float, int, str]] = []
    for rec in game.records:
        for change in view.changes_for_turn(rec.turn):
            span = deck.hi[change.slot] - deck.lo[change.slot]
            size = abs(change.new - change.old) / span if span else 0.0
            if size >= MIN_SWING_SHARE:
                way = "rises" if change.new > change.old else "falls"
                text = f"{deck.slot_label(change.slot)} {way} {number(change.old)} → {number(change.new)} in one {deck.model.deck.turn_name}"
                swings.append((size, rec.turn, text))
    swings.sort(key=lambda s: (-s[0], s[1], s[2]))
    return [Moment(turn, "swing", text, WEIGHTS["swing"] + 50 * size) for size, turn, text in swings[:SWINGS]]


def _again(turns: Sequence[int], unit: str) -> str:
    """`; again in month 5`, `; again in months 5, 8 and 9` for the turns after the first."""
    later = sorted(set(turns[1:]) - {turns[0]})
    if not later:
        return ""
    names = [str(t) for t in later]
    said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"; again in {plural(len(later), unit)} {said}"


def offer_moments(game: Game, view: PlayerView) -> list[Moment]:
    """An offer accepted or refused (a decision, like an order), or left to expire, as a
    moment of the turn it happened; only offers `view` may know of, and an expiry only
    if the viewer would have seen it (not a secret offer it learned of from a reveal)."""
    deck = game.deck
    out = []
    for rec in (offer_as_seen(view.viewer, deck, r) for r in offer_history(deck, view.plays, len(game.records), view.over)):
        offer = deck.offers[rec.slot]
        made = deck.moves[offer.move]
        name = play_name(deck, made) + (", secret" if made.secret else "")
        if rec.status in {"accepted", "refused"} and rec.closed is not None:
            verb = "accepts" if rec.status == "accepted" else "refuses"
            text = f"{deck.actor_name(rec.recipient)} {verb} {possessive(deck.actor_name(rec.maker))} offer ({name}), made in {deck.turn_name} {rec.made}"
            out.append(Moment(rec.closed, "offer", text, WEIGHTS["offer"]))
        elif rec.status == "expired" and rec.closed is not None:  # `unknown` to a viewer who could not see it expire
            text = f"{possessive(deck.actor_name(rec.maker))} offer to {deck.actor_name(rec.recipient)} ({name}) expires unanswered"
            out.append(Moment(rec.closed, "offer", text, WEIGHTS["offer"] / 2))
    return out


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


__all__ = ["STORY", "WEIGHTS", "Moment", "ending_trigger", "key_moments", "may_see_odds", "offer_moments", "story", "turn_title"]
