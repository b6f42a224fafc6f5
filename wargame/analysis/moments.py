"""Key moments of a saved game, as one viewer may know them.

Thresholds crossed, the largest swings of a track in one turn, secrets revealed, offers
accepted, refused or left to expire, the move or event that brought the ending, and (when
an analysis is given and the viewer may see it) the turning points. Everything is read through the viewer's `PlayerView`, so a seat's
list holds only what that seat learned by the end of the game.
"""

from __future__ import annotations

from dataclasses import dataclass

from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import Analysis, turn_title
from wargame.deck.labels import answer_phrase, play_name
from wargame.engine.game import Game
from wargame.engine.offers import offer_history
from wargame.errors import WargameError
from wargame.observe.view import PlayerView
from wargame.observe.visibility import FACILITATOR, Viewer, in_audience
from wargame.words import number, possessive

SWINGS = 3
"""How many of the largest one-turn track swings to list."""
MIN_SWING_SHARE = 0.2
"""A swing counts only if it moves a track at least this share of its range."""


@dataclass(frozen=True)
class Moment:
    """One thing worth stopping on in a debrief."""

    turn: int
    kind: str
    """`threshold`, `swing`, `reveal`, `offer`, `ending` or `turning-point`."""
    text: str

    @property
    def kind_label(self) -> str:
        return {"threshold": "threshold", "swing": "swing", "reveal": "secret revealed", "offer": "offer", "ending": "ending", "turning-point": "turning point"}.get(self.kind, self.kind)


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
    """The key moments of the game in `cp` as `viewer` (a `Viewer`, an actor id,
    `facilitator` or `public`) knew them by its end, in turn order. Raises `WargameError`
    for an unknown viewer."""
    game: Game = cp.game
    view = PlayerView(game, viewer)
    deck = game.deck
    out: list[Moment] = []
    for item in view.news:
        if item.kind == "threshold":
            out.append(Moment(item.turn, "threshold", item.text))
        elif item.kind == "reveal":
            out.append(Moment(item.turn, "reveal", item.text))
    out += offer_moments(game, view)
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
    out += [Moment(turn, "swing", text) for _size, turn, text in swings[:SWINGS]]
    if game.ending is not None and game.records:
        turn = game.records[-1].turn
        trigger = ending_trigger(cp, view)
        text = f"The game ends: {game.ending.title}"
        if game.ending.turn_limit:
            text += " (time ran out)"
        elif trigger:
            text += f", brought about by {trigger}"
        out.append(Moment(turn, "ending", text + "."))
    if analysis is not None and may_see_odds(game, view):
        for tp in analysis.turning_points:
            out.append(Moment(tp.turn, "turning-point", tp.summary()))
    order = {"turning-point": 0, "offer": 1, "threshold": 2, "reveal": 3, "swing": 4, "ending": 5}
    out.sort(key=lambda m: (m.turn, order.get(m.kind, 9)))
    return out


def offer_moments(game: Game, view: PlayerView) -> list[Moment]:
    """An offer accepted or refused (a decision, like an order), or left to expire, as a
    moment of the turn it happened; only offers `view` may know of, and an expiry only
    if the viewer would have seen it (not a secret offer it learned of from a reveal)."""
    deck = game.deck
    out = []
    for rec in offer_history(deck, view.plays, len(game.records), view.over):
        offer = deck.offers[rec.slot]
        made = deck.moves[offer.move]
        name = play_name(deck, made) + (", secret" if made.secret else "")
        if rec.status in {"accepted", "refused"} and rec.closed is not None:
            verb = "accepts" if rec.status == "accepted" else "refuses"
            text = f"{deck.actor_name(rec.recipient)} {verb} {possessive(deck.actor_name(rec.maker))} offer ({name}), made in {deck.turn_name} {rec.made}"
            out.append(Moment(rec.closed, "offer", text))
        elif rec.status == "expired" and rec.closed is not None and in_audience(view.viewer, made.audience, deck.actors):
            text = f"{possessive(deck.actor_name(rec.maker))} offer to {deck.actor_name(rec.recipient)} ({name}) expires unanswered"
            out.append(Moment(rec.closed, "offer", text))
    return out


__all__ = ["Moment", "ending_trigger", "key_moments", "may_see_odds", "offer_moments", "turn_title"]
