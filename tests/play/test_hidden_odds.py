"""A number computed from a secret is itself secret: a move's odds and a roll's chance and
draw are shown to a viewer only when it may see everything they read (issue: a chance
display leaked another actor's secret track)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game
from wargame.observe.build import observe
from wargame.observe.model import MoveInfo, Observation
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer

DECK = """
[deck]
id = "odds"
title = "Odds"
turns = 3

[tracks.tension]
label = "Tension"
start = 3

[actor_tracks.covert]
label = "Covert work"
max = 5
secret = true

[actors.a]
name = "South Korea"
start = { covert = 3 }

[actors.a.doctrines.sly]
weights = { dig = 1, bluster = "1 + a.covert" }

[actors.b]
name = "North Korea"

[actors.b.doctrines.plain]
weights = { fire = 1 }

[[moves]]
id = "dig"
actor = "a"
name = "Dig"
category = "information"
visibility = "secret"
success = { effects = ["a.covert += 1"] }

[[moves]]
id = "bluster"
actor = "a"
name = "Bluster"
category = "information"
always = { effects = ["tension += 1"] }

[[moves]]
id = "fire"
actor = "b"
name = "Counter-fire"
category = "military"
chance = "0.1 + 0.2 * a.covert"
always = { effects = ["tension += 1"] }

[[endings]]
id = "time"
title = "Time"
turn_limit = true
"""


def moves(obs: Observation) -> list[MoveInfo]:
    assert obs.seat is not None
    return obs.seat.moves


def reasons(obs: Observation, turn: int) -> dict[str, str]:
    """Move name -> the stated reason this viewer may read, for the orders of `turn`."""
    return {o.name: o.reason for seat in obs.turns[turn - 1].orders for o in seat.orders if o.reason}


def _deck() -> CompiledDeck:
    return load_deck_text(DECK, "odds.toml")


def test_a_seat_sees_no_odds_computed_from_anothers_secret_track() -> None:
    deck = _deck()
    game = Game(deck, 1)
    fire = next(m for m in moves(observe(game, "b")) if m.id == "fire")
    assert fire.chance is None
    assert fire.chance_note == "depends on South Korea's covert work, hidden from you"
    # Its owner and the facilitator may see the number.
    assert next(m for m in moves(observe(game, "a")) if m.id == "dig").chance == 1
    game.submit("a", [])
    game.submit("b", ["fire"])
    game.resolve()
    for who in ("b", PUBLIC):
        [line] = observe(game, who).turns[0].rolls
        assert line.chance is None and line.roll is None and "hidden from you" in line.note
    [line] = observe(game, "a").turns[0].rolls
    assert line.chance == pytest.approx(0.7) and line.roll is not None
    [line] = observe(game, FACILITATOR_VIEWER).turns[0].rolls
    assert line.chance == pytest.approx(0.7)


@settings(max_examples=30)
@given(seed=st.integers(0, 10_000), turns=st.integers(0, 11), owner=st.integers(0, 3), data=st.data())
def test_what_a_seat_is_shown_never_depends_on_others_secret_tracks(
    decks: dict[str, CompiledDeck], seed: int, turns: int, owner: int, data: st.DataObject
) -> None:
    """Play the same turn twice, the second time with one actor's secret tracks changed:
    every other seat (and the public) is shown the same odds and the same dice, apart from
    outcomes (which are public). korea-2022 has public moves whose odds read a secret track."""
    deck = decks["korea-2022"]
    games = [Game(deck, seed), Game(deck, seed)]
    orders: list[dict[str, list[str]]] = []
    for _ in range(turns + 1):
        legal = {a: games[0].available_moves(a) for a in deck.actors}
        orders.append({a: [m[seed % len(m)].id] if (m := legal[a]) else [] for a in deck.actors})
        if _ == turns or games[0].is_over:
            break
        for game in games:
            for actor, given_orders in orders[-1].items():
                game.submit(actor, given_orders)
            game.resolve()
    if games[0].is_over:
        return
    secret_owner = deck.actors[owner]
    for slot, who in deck.secret_slots.items():
        if who == secret_owner:
            games[1].state.v[slot] = data.draw(st.integers(int(deck.lo[slot]), int(deck.hi[slot])))
    viewers = [PUBLIC, *(Viewer.seat(a) for a in deck.actors if a != secret_owner)]
    for viewer in viewers:
        shown = [[(m.id, m.chance, m.chance_note) for m in moves(observe(g, viewer))] for g in games] if viewer.actor else [[], []]
        assert shown[0] == shown[1]
    # Its own secrets decide what the owner may order: it gives the same order in both
    # games (one legal in both), since a different public order would rightly change what
    # the others see.
    both = [m.id for m in games[0].available_moves(secret_owner) if m.id in {n.id for n in games[1].available_moves(secret_owner)}]
    for game in games:
        for actor, given_orders in orders[-1].items():
            if actor == secret_owner:
                given_orders = [both[seed % len(both)]] if both else []
            game.submit(actor, given_orders)
        game.resolve()
    turn = len(games[0].records)
    for viewer in viewers:
        lines = [[(r.label, r.chance, r.roll) for r in observe(g, viewer).turns[turn - 1].rolls if r.kind == "move"] for g in games]
        # Only rolls both games made are comparable (an outcome may change what follows).
        assert [x for x in lines[0] if x[0] in {y[0] for y in lines[1]}] == [y for y in lines[1] if y[0] in {x[0] for x in lines[0]}]


def test_a_computers_reason_is_shown_to_others_only_when_it_reads_nothing_hidden() -> None:
    from wargame.play.control import Session

    deck = _deck()
    session = Session.new(deck, {"a": "doctrine:sly", "b": "doctrine:plain"}, seed=4, save_dir=None)
    for _ in range(3):
        session.run_bots()
        rec = session.resolve()
        if "bluster" in rec.orders["a"]:
            break
    else:
        raise AssertionError("South Korea never blustered in 3 turns")
    turn = rec.turn
    mine = reasons(session.observe("a"), turn)
    theirs = reasons(session.observe("b"), turn)
    # Its own seat reads the weight (and the secret value it quotes); North Korea does not.
    assert "covert" in mine["Bluster"].lower()
    assert theirs["Bluster"] == "its reasons weigh what is hidden from you"
    # North Korea's own reason for a public move reads nothing secret: South Korea sees it.
    if rec.orders["b"]:
        assert "plain doctrine" in reasons(session.observe("a"), turn)["Counter-fire"]


def test_others_see_a_teams_public_plays_but_never_its_why() -> None:
    """The public view (and the other seat) lists a human team's public plays as it lists a
    computer's; the team's own one-line why stays with the team and the facilitator, and its
    secret play is listed to no one else."""
    deck = _deck()
    game = Game(deck, 2)
    for order, why in (("bluster", "to look busy"), ("dig", "we dig while they watch")):
        game.submit("a", [order], [why])
        game.submit("b", [])
        game.resolve()
    seats = {"a": "human", "b": "human"}
    for who in (PUBLIC, "b"):
        turns = observe(game, who, seats=seats).turns
        theirs = [[(o.name, o.reason) for s in t.orders if s.actor == "a" and not s.visible for o in s.orders] for t in turns]
        assert theirs == [[("Bluster", "")], []]
    for who in ("a", FACILITATOR_VIEWER):
        obs = observe(game, who, seats=seats)
        assert (reasons(obs, 1), reasons(obs, 2)) == ({"Bluster": "to look busy"}, {"Dig": "we dig while they watch"})
