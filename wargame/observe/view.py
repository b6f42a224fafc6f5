"""Views: what one viewer (a seat, the facilitator, the public) knows of a game at one moment.

A `PlayerView` is the only window onto a game for screens, bots, replays and reports. It
applies the rules of `wargame.observe.visibility` to the game's append-only logs, cut at a
moment: now (a live game), or before any earlier turn (a replayed one, "as the seat saw
it when deciding").
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING

from wargame.deck.compile import CompiledDeck
from wargame.deck.describe import Describer
from wargame.deck.ir import Reads
from wargame.engine.model import StateModel, state_model
from wargame.engine.state import Change, NewsItem, Play, Roll, State, TurnRecord
from wargame.errors import WargameError
from wargame.observe import visibility as vis
from wargame.observe.talk import Talk
from wargame.observe.visibility import Viewer, as_viewer

if TYPE_CHECKING:
    from wargame.engine.game import Game


class PlayerView:
    """What one viewer knows at one moment. The UI renders it; bots decide from it.

    Built cheaply: the state is copied when the view is made, and the filtered parts
    (news, plays, orders, the belief state) are computed on first use from the game's
    append-only logs, cut at that moment.
    """

    def __init__(
        self, game: Game, who: Viewer | str, *, upto: int | None = None, state: State | None = None, lazy: bool = False,
        seats: Mapping[str, str] | None = None, talk: Talk | None = None,
    ) -> None:
        """`upto`: see the game as it stood after that many resolved turns (before turn
        `upto + 1` was decided); `state` must then be the game's state at that moment.
        Without `upto`, the game as it stands now.

        `lazy` (without `upto`): copy the game's state only when it is first wanted (the
        belief). For the simulator, whose random seats never read their view: copying the
        state for each seat each turn cost more than their decision. The caller must
        `settle()` a lazy view it may not have seen the last of before the game's state
        next changes.

        `seats`: who plays each actor (`human`, `doctrine:NAME`, ...), when the caller knows:
        an observation built from this view says so (programs reading it want to know)."""
        deck = game.deck
        self.seats: Mapping[str, str] = seats or {}
        self.talk: Talk | None = talk.copy() if talk is not None else None
        """What was said so far (a copy, taken with the view), when the caller keeps talk:
        an observation built from this view shows the messages its viewer may read."""
        self.viewer: Viewer = as_viewer(who, deck)
        self.seat: str = self.viewer.name
        self.deck: CompiledDeck = deck
        self.turns: int = game.turns
        self._game = game
        self._own: State | None = None
        if upto is None:
            n = len(game.records)
            self._source = game.state
            if not lazy:
                self._own = game.state.copy()
            self._n_news = len(game.news)
            self._n_plays = len(game.plays)
            # Reveals are appended to `revealed_plays` in the order they happen, so the
            # ones known now are its first entries: their count is all a view must keep.
            self._n_revealed = len(game.revealed_plays)
        else:
            if not 0 <= upto <= len(game.records) or state is None:
                raise WargameError(f"no such moment: after {upto} of {len(game.records)} resolved turns")
            n = upto
            self._source = state
            self._own = state.copy()
            self._n_news = _count_upto(game.news, upto)
            self._n_plays = _count_upto(game.plays, upto)
            self._n_revealed = sum(1 for when in game.revealed_plays.values() if when <= upto)

        self._n_records = n
        self.turn: int = self._source.turn
        last = game.records[n - 1] if n else None
        self.ending: str | None = last.ending if last is not None else None
        self.over: bool = self.ending is not None

    @cached_property
    def _revealed_at(self) -> dict[tuple[int, str], int]:
        """(turn, move) of each secret play revealed by this moment, to the turn it came out."""
        return dict(islice(self._game.revealed_plays.items(), self._n_revealed))

    @cached_property
    def _revealed(self) -> frozenset[tuple[int, str]]:
        """(turn, move) of each secret play revealed by this moment."""
        return frozenset(self._revealed_at)

    @property
    def _state(self) -> State:
        """This view's own copy of the state at its moment (taken now if the view is lazy)."""
        if self._own is None:
            self._own = self._source.copy()
        return self._own

    def reading(self, reads: Reads) -> State:
        """The state on which to evaluate a deck expression that reads `reads`, for this viewer.

        Its `belief`, unless nothing in `reads` is hidden from this viewer (a doctrine's
        weights, which the loader holds to what their seat sees): belief and state then
        agree on every value the expression reads, so the state itself is handed over, at
        no cost (no copy, no pass over the plays). The caller only reads it."""
        if _sees_all(self.deck, self.viewer, reads):
            return self._source
        return self.belief

    def settle(self) -> None:
        """Take this view's copy of the state now, if it is lazy and has not yet: call it
        before the game's state changes while the view may still be read."""
        if self._own is None:
            self._own = self._source.copy()

    @property
    def is_facilitator(self) -> bool:
        return self.viewer.is_facilitator

    def describer(self) -> Describer:
        """Puts the deck's expressions into words for this viewer at this moment: never
        naming a secret move it cannot know of (unless a play of it was revealed by then),
        no amounts on tracks hidden from it."""
        if self.viewer.is_facilitator:
            return Describer(self.deck, turns=self.turns)
        base = Describer.for_seat(self.deck, self.viewer.actor)
        revealed = {move for _turn, move in self._revealed}
        hidden = self.hidden_slots

        def knows_move(move_id: str) -> bool:
            return move_id in revealed or base.knows_move(move_id)

        return Describer(self.deck, knows_move, lambda slot: slot not in hidden, base.knows_event, turns=self.turns)

    def _visible(self, play: Play) -> bool:
        return vis.knows_play(self.viewer, play, self._revealed, self.deck.actors)

    @cached_property
    def hidden_slots(self) -> frozenset[int]:
        """Track slots this viewer cannot see (others' secret tracks)."""
        return vis.hidden_slots(self.viewer, self.deck)

    @cached_property
    def belief(self) -> State:
        """The state as this seat knows it: hidden tracks at their start values, and others'
        unrevealed secret plays left out of counts. Deck expressions evaluate against it."""
        belief = self._state
        deck = self.deck
        for slot in self.hidden_slots:
            belief.v[slot] = deck.start_values[slot]
        plays = self._game.plays[: self._n_plays]
        # One pass over the plays (views are made every turn for every seat, so this is
        # hot): most plays are public and skip the visibility check.
        unknown: set[int] = set()
        for p in plays:
            if p.secret and not self._visible(p):
                i = deck.move_index[p.move]
                belief.counts[i] -= 1
                if p.success:
                    belief.wins[i] -= 1
                unknown.add(i)
        if unknown:
            # The last turn a move was played, counting only the plays this seat knows of.
            last = dict.fromkeys(unknown, -1)
            for p in plays:
                i = deck.move_index[p.move]
                if i in last and p.turn > last[i] and self._visible(p):
                    last[i] = p.turn
            for i, turn in last.items():
                belief.last[i] = turn
        if belief.offers and not self.viewer.is_facilitator:
            # A secret offer waiting for an answer is known to its audience only.
            for offer in deck.offers:
                audience = deck.moves[offer.move].audience
                if belief.offers[offer.index] >= 0 and audience is not None and not vis.in_audience(self.viewer, audience, deck.actors):
                    belief.offers[offer.index] = -1
        return belief

    @cached_property
    def news(self) -> tuple[NewsItem, ...]:
        """The news this viewer sees; an unattributed move's news without who played it,
        unless the viewer may know (`visibility.attributes_news`)."""
        actors = self.deck.actors
        out = []
        for n in self._game.news[: self._n_news]:
            if not vis.sees_news(self.viewer, n, actors):
                continue
            if n.actor is not None and n.kind == "move" and not vis.attributes_news(self.viewer, self.deck, n, self._revealed):
                n = n._replace(actor=None, source=None)
            out.append(n)
        return tuple(out)

    @cached_property
    def plays(self) -> tuple[Play, ...]:
        return tuple(p for p in self._game.plays[: self._n_plays] if self._visible(p))

    def _by_turn(self, field: str) -> dict[int, dict[str, tuple[str, ...]]]:
        out: dict[int, dict[str, tuple[str, ...]]] = {}
        for rec in self._game.records[: self._n_records]:
            per_actor: dict[str, tuple[str, ...]] = getattr(rec, field)
            out[rec.turn] = {a: per_actor.get(a, ()) for a in self.deck.actors if vis.sees_orders(self.viewer, a)}
        return out

    @cached_property
    def orders(self) -> dict[int, dict[str, tuple[str, ...]]]:
        """Turn to the orders this viewer may see for resolved turns: a seat's own, all of
        them for the facilitator, none for the public."""
        return self._by_turn("orders")

    @cached_property
    def reasons(self) -> dict[int, dict[str, tuple[str, ...]]]:
        """Turn to the computer seats' reasons this viewer may see (as private as orders)."""
        return self._by_turn("reasons")

    def value(self, name: str) -> float | None:
        """A track's value by name (`tension`, `dprk.capability`); None if hidden."""
        slot = self.deck.slot_names.index(name)
        return None if slot in self.hidden_slots else self.belief.v[slot]

    def flag(self, name: str) -> bool:
        return self.belief.f[self.deck.flag_names.index(name)]

    @cached_property
    def state(self) -> StateModel:
        """The validated pydantic form of what this seat sees (for the UI and saves)."""
        return state_model(self.deck, self.belief, self.hidden_slots)

    def news_for_turn(self, turn: int) -> list[NewsItem]:
        return [n for n in self.news if n.turn == turn]

    def _record(self, turn: int) -> TurnRecord | None:
        """The record of a resolved turn at this view's moment; turn 0 is the opening."""
        if turn == 0:
            return self._game.opening
        return self._game.records[turn - 1] if 1 <= turn <= self._n_records else None

    def rolls_for_turn(self, turn: int) -> list[Roll]:
        """The chance rolls of a resolved turn (0: the opening) that this seat may see:
        events and injects, public moves, its own moves, and others' secret moves once revealed."""
        rec = self._record(turn)
        if rec is None:
            return []
        # A move's dice are as visible as its play (each rolled move resolved into a play).
        plays = {p.move: p for p in rec.plays}
        return [r for r in rec.rolls if vis.sees_roll(self.viewer, r, r.kind not in {"move", "detect"} or self._visible(plays[r.key]))]

    def changes_for_turn(self, turn: int) -> list[Change]:
        """Track changes (old -> new) of a resolved turn (0: the opening), without the tracks
        hidden from this seat."""
        rec = self._record(turn)
        return [c for c in rec.changes if c.slot not in self.hidden_slots] if rec is not None else []

    def fired_for_turn(self, turn: int) -> list[str]:
        """Ids of the events and deck injects that fired in a resolved turn (0: the opening)."""
        rec = self._record(turn)
        return list(rec.fired) if rec is not None else []

    def history(self, name: str) -> list[float | None]:
        """A track's value before turn 1 (after the opening) and after each resolved turn
        (None where hidden)."""
        slot = self.deck.slot_names.index(name)
        if slot in self.hidden_slots:
            return [None] * (self._n_records + 1)
        value = self._game.start_values[slot]
        out: list[float | None] = [value]
        for rec in self._game.records[: self._n_records]:
            for change in rec.changes:
                if change.slot == slot:
                    value = change.new
            out.append(value)
        return out


_SEES_ALL: dict[int, tuple[weakref.ref[CompiledDeck], dict[int, tuple[Reads, dict[Viewer, bool]]]]] = {}
"""Per deck (by identity, checked with a weak reference): whether a viewer sees all of some
reads, by the reads' identity (checked too). Asked every turn by every doctrine seat about
its doctrine's reads, so it must cost less than hashing them."""


def _sees_all(deck: CompiledDeck, viewer: Viewer, reads: Reads) -> bool:
    entry = _SEES_ALL.get(id(deck))
    if entry is None or entry[0]() is not deck:
        entry = _SEES_ALL[id(deck)] = (weakref.ref(deck), {})
    known = entry[1].get(id(reads))
    if known is None or known[0] is not reads:
        known = entry[1][id(reads)] = (reads, {})
    answer = known[1].get(viewer)
    if answer is None:
        answer = known[1][viewer] = not vis.hidden_inputs(viewer, deck, reads)
    return answer


def _count_upto(items: list[NewsItem] | list[Play], turns: int) -> int:
    """How many items of a turn-ordered log belong to the first `turns` turns."""
    n = 0
    for item in items:
        if item.turn > turns:
            break
        n += 1
    return n
