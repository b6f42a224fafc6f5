"""Per-seat views: the one way a seat, a bot, a hot-seat screen or a replay sees the game.

`PlayerView` filters the game for one seat: another seat's secret moves (their news,
their plays, their effect on `count()`/`played()`) and secret tracks stay out until they
are revealed. The facilitator's view holds everything.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from wargame.deck.compile import CompiledDeck
from wargame.engine.model import StateModel, state_model
from wargame.engine.state import FACILITATOR, Change, NewsItem, Play, Roll, State
from wargame.errors import WargameError

if TYPE_CHECKING:
    from wargame.engine.game import Game


class PlayerView:
    """What one seat knows at the moment the view was made. The UI renders it; bots decide from it.

    Built cheaply: the state is copied when the view is made, and the filtered parts
    (news, plays, orders, the belief state) are computed on first use from the game's
    append-only logs, cut at their length at that moment.
    """

    def __init__(self, game: Game, seat: str) -> None:
        deck = game.deck
        if seat != FACILITATOR and seat not in deck.moves_by_actor:
            raise WargameError(f"unknown seat '{seat}'")
        self.seat = seat
        self.deck: CompiledDeck = deck
        self.turn: int = game.state.turn
        self.turns: int = game.turns
        self.over: bool = game.ending is not None
        self.ending: str | None = game.ending.id if game.ending else None
        self._game = game
        self._state = game.state.copy()
        self._n_news = len(game.news)
        self._n_plays = len(game.plays)
        self._n_records = len(game.records)
        self._revealed = frozenset(game.revealed_plays)

    @property
    def is_facilitator(self) -> bool:
        return self.seat == FACILITATOR

    def _visible(self, play: Play) -> bool:
        return play.known_to(self.seat) or (play.turn, play.move) in self._revealed

    @cached_property
    def hidden_slots(self) -> frozenset[int]:
        """Track slots this seat cannot see (others' secret tracks)."""
        if self.seat == FACILITATOR:
            return frozenset()
        return frozenset(slot for slot, owner in self.deck.secret_slots.items() if owner != self.seat)

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
        return belief

    @cached_property
    def news(self) -> tuple[NewsItem, ...]:
        return tuple(n for n in self._game.news[: self._n_news] if n.visible_to(self.seat))

    @cached_property
    def plays(self) -> tuple[Play, ...]:
        return tuple(p for p in self._game.plays[: self._n_plays] if self._visible(p))

    def _by_turn(self, field: str) -> dict[int, dict[str, tuple[str, ...]]]:
        # Every seat's entry for the facilitator, only its own for a seat.
        out: dict[int, dict[str, tuple[str, ...]]] = {}
        for rec in self._game.records[: self._n_records]:
            per_actor: dict[str, tuple[str, ...]] = getattr(rec, field)
            out[rec.turn] = dict(per_actor) if self.is_facilitator else {self.seat: per_actor.get(self.seat, ())}
        return out

    @cached_property
    def orders(self) -> dict[int, dict[str, tuple[str, ...]]]:
        """Turn to the orders this seat may see for resolved turns: its own (all for the facilitator)."""
        return self._by_turn("orders")

    @cached_property
    def reasons(self) -> dict[int, dict[str, tuple[str, ...]]]:
        """Turn to the computer seats' reasons this seat may see: its own (all for the facilitator)."""
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

    def rolls_for_turn(self, turn: int) -> list[Roll]:
        """The chance rolls of a resolved turn that this seat may see: events and injects,
        public moves, its own moves, and others' secret moves once revealed."""
        records = self._game.records[: self._n_records]
        if not 1 <= turn <= len(records):
            return []
        rec = records[turn - 1]
        # A move's dice are as visible as its play (each rolled move resolved into a play).
        plays = {p.move: p for p in rec.plays}
        return [r for r in rec.rolls if r.kind not in {"move", "detect"} or self._visible(plays[r.key])]

    def changes_for_turn(self, turn: int) -> list[Change]:
        """Track changes (old -> new) of a resolved turn, without the tracks hidden from this seat."""
        records = self._game.records[: self._n_records]
        if not 1 <= turn <= len(records):
            return []
        return [c for c in records[turn - 1].changes if c.slot not in self.hidden_slots]

    def fired_for_turn(self, turn: int) -> list[str]:
        """Ids of the events and deck injects that fired in a resolved turn (always public)."""
        records = self._game.records[: self._n_records]
        return list(records[turn - 1].fired) if 1 <= turn <= len(records) else []

    def history(self, name: str) -> list[float | None]:
        """A track's value at the start and after each resolved turn (None where hidden)."""
        slot = self.deck.slot_names.index(name)
        if slot in self.hidden_slots:
            return [None] * (self._n_records + 1)
        value = self.deck.start_values[slot]
        out: list[float | None] = [value]
        for rec in self._game.records[: self._n_records]:
            for change in rec.changes:
                if change.slot == slot:
                    value = change.new
            out.append(value)
        return out
