"""A seat's Observation, as agents and network clients are sent it: the one builder's, and
holding exactly what the visibility rules let that seat know.

`observe` is the only builder; these tests hold its output for a seat against the rules
(`wargame.observe.visibility`, through the seat's `PlayerView`) and against the engine
(what the seat may order), and check that what goes over a wire or a pipe reads back as
the same observation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DECK_NAMES
from tests.deck.test_format_loader import deck, load
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.engine.state import TurnRecord
from wargame.observe import labels
from wargame.observe import visibility as vis
from wargame.observe.build import observe, observe_view
from wargame.observe.model import CauseInfo, MovedInfo, Observation, TurnInfo
from wargame.observe.view import PlayerView
from wargame.observe.visibility import FACILITATOR_VIEWER, Viewer


def test_a_silent_event_is_not_told_to_a_seat() -> None:
    """Seats are not told a silent event (the author's bookkeeping) fired, on any screen or
    to any program; the facilitator is."""
    d = load(deck(event='news = ""\neffects = ["tension += 1"]'))
    game = Game(d, 1)
    for _ in range(2):
        game.submit("us", [])
        game.submit("un", [])
        game.resolve()
    assert game.records[1].fired == ["first-letter"]
    assert [t.events for t in observe_view(PlayerView(game, "un")).turns] == [[], []]
    assert [t.events for t in observe(game, "un").turns] == [[], []]
    assert observe(game, FACILITATOR_VIEWER).turns[1].events != []


OFFERS = load_deck(Path(__file__).resolve().parents[1] / "decks_format" / "offers.toml")


def check_seat(game: Game, seat: str, obs: Observation) -> None:
    """`obs` holds what the rules let `seat` know of `game` now, and nothing else."""
    deck = game.deck
    view = PlayerView(game, seat)
    viewer = Viewer.seat(seat)
    assert (obs.viewer.kind, obs.viewer.seat) == ("seat", seat) and obs.control is None
    assert obs.seat is not None
    # Tracks: another seat's secret is None, everywhere.
    hidden = {deck.slot_names[s] for s in view.hidden_slots}
    for t in obs.tracks:
        assert (t.value is None) == (t.name in hidden) and (set(t.history) == {None}) == (t.name in hidden), t.name
    # The order sheet: what the engine lets the seat order, with odds only where they read
    # nothing hidden from it.
    options = {o.move.id: o for o in game.legal_moves(seat)}
    for m in obs.seat.moves:
        move, option = options[m.id].move, options[m.id]
        assert (m.available, m.reason) == (option.available, option.reason), m.id
        secret_odds = move.chance_const is None and bool(vis.hidden_inputs(viewer, deck, move.chance_reads))
        assert (m.chance is None) == secret_odds and bool(m.chance_note) == secret_odds, m.id
    listed = {m.id for m in obs.seat.moves}
    assert {i for i, o in options.items() if o.move.answer is None} <= listed  # every move but answers not due
    assert [o.points for o in obs.seat.objectives] == [o.points for o in deck.objectives[seat]]
    # News, plays and offers: only what the seat knows of.
    assert [n.text for n in obs.news] == [n.text for n in view.news]
    assert all(vis.sees_news(viewer, n, deck.actors) for n in view.news)
    known = {(p.turn, p.actor, p.move) for p in view.plays}
    assert {(p.turn, p.actor, p.move) for p in obs.plays} == known
    assert all((o.made, o.maker, o.move) in known for o in [*obs.offers, *obs.seat.offers_waiting, *obs.seat.my_offers_waiting])
    assert [o.move for o in obs.seat.offers_waiting] == [o.move for o in obs.offers if o.status == "waiting" and o.recipient == seat]
    # Each resolved turn: the dice it may see (hidden odds blanked), the changes of tracks it
    # sees, the events that were not silent, and others' orders only as plays it knows of.
    for info in obs.turns:
        rolls = view.rolls_for_turn(info.turn)
        assert [r.label for r in info.rolls] == [labels.roll_label(deck, r) for r in rolls]
        for shown, roll in zip(info.rolls, rolls, strict=True):
            secret = bool(vis.roll_hidden_note(viewer, deck, roll))
            assert (shown.chance is None, shown.roll is None, bool(shown.note)) == (secret, secret, secret)
            assert shown.success == roll.success
        assert [(c.name, c.old, c.new) for c in info.changes] == [(deck.slot_names[c.slot], c.old, c.new) for c in view.changes_for_turn(info.turn)]
        assert all(c.name not in hidden for c in info.changes)
        event_names = {e.id: e.name for e in deck.events}
        assert info.events == [event_names.get(e, e) for e in view.fired_for_turn(info.turn) if vis.sees_event_fired(viewer, deck, e)]
        check_causes(game, seat, info, hidden, known)
        for orders in info.orders:
            assert orders.visible == (orders.actor == seat)
            assert all("`" not in o.plain for o in orders.orders)  # a reason in words, never an expression
            if orders.actor != seat:
                assert all((info.turn, orders.actor, o.move) in known for o in orders.orders)


def check_causes(game: Game, seat: str, info: TurnInfo, hidden: set[str], known: set[tuple[int, str, str]]) -> None:
    """A result line names only causes the seat may know of: its own orders, orders it
    knows were played, events it sees fire, offers it was among, the facilitator's
    injects; all else is one "something you cannot see" that says nothing of what. The
    named causes and that one together explain the whole change of every track it sees."""
    deck, viewer = game.deck, Viewer.seat(seat)
    played = {(actor, move) for _, actor, move in known}
    moved = {m.name: m for m in info.moved}
    for m in info.moved:
        assert m.name not in hidden and m.causes, m.name
        assert abs(sum(c.delta for c in m.causes) - (m.new - m.old)) < 1e-6, m.name  # every step, named or not
        assert [c.kind for c in m.causes].count("hidden") <= 1 and all(c.kind != "hidden" for c in m.causes[:-1])
        for c in m.causes:
            if c.kind == "hidden":
                assert (c.text, c.source, c.actor, c.secret) == ("something you cannot see", None, None, False)
            elif c.kind == "yours":
                assert c.actor == seat and (seat, c.source) in played, c.source
            elif c.kind == "theirs":
                assert c.actor != seat and (c.actor, c.source) in played, c.source
            elif c.kind == "event":
                assert c.source is not None and vis.sees_event_fired(viewer, deck, c.source), c.source
            elif c.kind == "expire":
                index = deck.move_index[c.source or ""]
                assert vis.in_audience(viewer, deck.moves[index].audience, deck.actors), c.source
    for change in info.changes:  # no track the seat sees changes without a cause
        assert change.name in moved, change.name
        assert (moved[change.name].old, moved[change.name].new) == (change.old, change.new)


@pytest.mark.parametrize("deck_name", [*DECK_NAMES, "offers"])
@settings(max_examples=min(10, settings.default.max_examples))
@given(data=st.data(), seed=st.integers(0, 2**31))
def test_a_seats_observation_holds_what_the_rules_give_it(
    deck_name: str, decks: dict[str, CompiledDeck], drive: Callable[[Game, object, bool], TurnRecord], data: st.DataObject, seed: int
) -> None:
    """Each seat's odds, moves, news, plays, offers, dice, changes and events, turn after
    turn; and what a program or a client is sent (a computer seat's observation, in JSON)
    is the one builder's observation, read back unchanged."""
    deck = OFFERS if deck_name == "offers" else decks[deck_name]
    game = Game(deck, seed, data.draw(st.integers(1, 5)))
    seats = {a: "random" for a in deck.actors}
    while True:
        for seat in deck.actors:
            obs = observe(game, seat, seats=seats)
            check_seat(game, seat, obs)
            sent = observe_view(PlayerView(game, seat, seats=seats))
            assert sent == obs
            assert Observation.model_validate_json(sent.model_dump_json()) == obs
        if game.is_over:
            break
        drive(game, data.draw, True)


def test_the_check_catches_another_viewers_observation(tutorial: CompiledDeck) -> None:
    """Blue's secret spy operation, its intel and its odds are in Blue's observation and
    the facilitator's: the check must refuse either as Red's."""
    game = Game(tutorial, 3)
    game.submit("red", [])
    game.submit("blue", ["spy-op"])
    game.override("detect:spy-op", False)
    game.resolve()
    check_seat(game, "red", observe(game, "red"))
    for wrong in (observe(game, "blue"), observe(game, FACILITATOR_VIEWER)):
        with pytest.raises(AssertionError):
            check_seat(game, "red", wrong)
    # Red's own observation with Blue's secret track filled in is refused too.
    obs = observe(game, "red")
    leaked = obs.model_copy(update={"tracks": [t.model_copy(update={"value": 1.0}) if t.name == "blue.intel" else t for t in obs.tracks]})
    with pytest.raises(AssertionError):
        check_seat(game, "red", leaked)
    # ... and so is a result line naming Blue's secret operation as a cause Red saw.
    turn = obs.turns[0]
    named = CauseInfo(kind="theirs", text="Blue's order: Intelligence operation", delta=0.0, actor="blue", source="spy-op", secret=True)
    line = MovedInfo(name="tension", label="Tension", old=4.0, new=4.0, causes=[named])
    leaked = obs.model_copy(update={"turns": [turn.model_copy(update={"moved": [*turn.moved, line]})]})
    with pytest.raises(AssertionError, match="spy-op"):
        check_seat(game, "red", leaked)
