"""No state the host sends a seat (or the projector) holds another seat's unrevealed secret,
and what it sends each role is exactly the one builder's observation for that viewer.

Games are driven with hypothesis-drawn orders, injects and dice overrides; after every
turn each seat's message and the projector's are checked by `netsecrets.leaks`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netsecrets import leaks

from tests.conftest import DECK_NAMES
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.engine.state import TurnRecord
from wargame.net.exercise import Exercise, Role
from wargame.net.store import FACILITATOR, PROJECTOR, Store, open_store
from wargame.observe.build import observe
from wargame.observe.model import Observation, RoomInfo
from wargame.observe.visibility import PUBLIC
from wargame.play.commands import Orders, Resolve


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(Path(tmp_path_factory.mktemp("secrecy")) / "s.sqlite3") as s:
        yield s


def sent(ex: Exercise, role: str) -> str:
    """What the host sends `role` when anything changes (the room and its observation)."""
    return ex.state_text(Role(role))


@pytest.mark.parametrize("deck_name", DECK_NAMES)
@settings(max_examples=min(25, settings.default.max_examples))  # whole games: ~1 s each
@given(data=st.data(), seed=st.integers(0, 2**31))
def test_no_message_to_a_seat_holds_another_seats_secret(
    deck_name: str,
    decks: dict[str, CompiledDeck],
    shared_store: Store,
    drive: Callable[[Game, object, bool], TurnRecord],
    data: st.DataObject,
    seed: int,
) -> None:
    deck = decks[deck_name]
    ex, _ = Exercise.create(shared_store, uuid.uuid4().hex[:16], deck, {}, seed=seed, turns=data.draw(st.integers(1, 6)))
    while True:
        for seat in deck.actors:
            assert leaks(ex.game, seat, sent(ex, seat)) == [], seat
        assert leaks(ex.game, None, sent(ex, PROJECTOR)) == []
        if ex.game.is_over:
            break
        drive(ex.game, data.draw, True)


@pytest.mark.parametrize("deck_name", ["tutorial", "korea-2022"])
@settings(max_examples=min(10, settings.default.max_examples))
@given(data=st.data(), seed=st.integers(0, 2**31))
def test_what_is_sent_is_the_one_builders_observation(
    deck_name: str,
    decks: dict[str, CompiledDeck],
    shared_store: Store,
    drive: Callable[[Game, object, bool], TurnRecord],
    data: st.DataObject,
    seed: int,
) -> None:
    """Each role's message holds exactly `observe(game, viewer)` (the room apart) and the
    controller's room for it: nothing is added, dropped or changed on the way."""
    deck = decks[deck_name]
    ex, _ = Exercise.create(shared_store, uuid.uuid4().hex[:16], deck, {}, seed=seed, turns=data.draw(st.integers(1, 4)))
    while True:
        for role in [*deck.actors, PROJECTOR, FACILITATOR]:
            message = json.loads(sent(ex, role))
            viewer = Role(role).viewer
            assert message["type"] == "state" and message["role"] == ("seat" if role in deck.actors else role)
            got = Observation.model_validate(message["observation"])
            want = observe(ex.game, viewer, seats=ex.session.seat_specs, programs=ex.session.program_names() if role == FACILITATOR else None,
                           odds=ex.session.odds_shown(viewer), talk=ex.session.talk)
            assert got == want.model_copy(update={"room": None}), role
            assert RoomInfo.model_validate(message["room"]) == ex.session.room(viewer), role
        if ex.game.is_over:
            break
        drive(ex.game, data.draw, True)


def test_mid_turn_messages_hold_no_seats_sealed_orders(tutorial: CompiledDeck, shared_store: Store) -> None:
    """While a turn is open, a seat's message says who has sealed, never what (but its own)."""
    ex, _ = Exercise.create(shared_store, uuid.uuid4().hex[:16], tutorial, {}, seed=3)
    assert ex.apply(Role("blue"), Orders(turn=1, orders=["spy-op"])).ok
    red = json.loads(sent(ex, "red"))
    assert [(s["actor"], s["sealed"]) for s in red["room"]["seats"]] == [("red", False), ("blue", True)]
    assert red["observation"]["seat"]["sealed"] is None
    assert leaks(ex.game, "red", red) == [] and "spy-op" not in json.dumps(red)
    assert leaks(ex.game, None, sent(ex, PROJECTOR)) == []
    blue = json.loads(sent(ex, "blue"))
    assert [o["move"] for o in blue["observation"]["seat"]["sealed"]] == ["spy-op"]


@pytest.mark.parametrize("revealed", [("jupiter-assurance@ussr",), ("jupiter-assurance@ussr", "jupiter-assurance@ussr/accept")],
                         ids=["the-offer", "the-offer-and-its-answer"])
def test_a_revealed_secret_offer_says_what_its_answers_announce(decks: dict[str, CompiledDeck], shared_store: Store, revealed: tuple[str, ...]) -> None:
    """Washington's secret trade offer to Moscow, accepted, then revealed by the facilitator:
    Cuba learns of the offer and, as all who know of an offer, reads what its answers
    announce (the deck's words, whatever became of it: accepting them is no news of how it
    was answered). The news of Moscow's acceptance itself stays Washington's and Moscow's,
    even once the acceptance is revealed: the same words anywhere else are a leak."""
    ex, _ = Exercise.create(shared_store, uuid.uuid4().hex[:16], decks["cuba-1962"], {}, seed=1)
    game = ex.game
    for orders in ({"us": ["address-the-nation"]}, {"us": ["jupiter-assurance@ussr"]}, {"ussr": ["jupiter-assurance@ussr/accept"]}):
        for actor in game.actors:
            game.submit(actor, orders.get(actor, []))
        if "jupiter-assurance@ussr" in orders.get("us", []):
            game.override("detect:jupiter-assurance@ussr", False)  # no leak by chance
        if "ussr" in orders:
            game.fire_inject(text="A columnist digs.", effects=[f"reveal('{m}')" for m in revealed])
        game.resolve()
    accepted = next(n for n in game.news if n.source == "jupiter-assurance@ussr/accept")
    assert accepted.audience == {"us", "ussr"}
    cuba = json.loads(sent(ex, "cuba"))
    [offer] = cuba["observation"]["offers"]
    assert offer["status"] == ("accepted" if len(revealed) == 2 else "unknown")
    assert offer["accept_news"] == accepted.text and offer["refuse_news"]
    assert accepted.text not in [n["text"] for n in cuba["observation"]["news"]]
    assert leaks(game, "cuba", cuba) == []
    cuba["observation"]["news"].append({"turn": 3, "text": accepted.text, "kind": "move", "audience": None, "actor": None, "source": None})
    assert leaks(game, "cuba", cuba) == [f"secret news {accepted.text!r}"]
    cuba["observation"]["news"].pop()
    cuba["observation"]["offers"][0]["description"] = accepted.text
    assert leaks(game, "cuba", cuba) == [f"secret news {accepted.text!r}"]


def test_the_checker_catches_a_leak(tutorial: CompiledDeck, shared_store: Store) -> None:
    """The facilitator's message holds every secret: the checker must flag it for a seat."""
    ex, _ = Exercise.create(shared_store, "leaky", tutorial, {}, seed=3)
    ex.apply(Role("red"), Orders(turn=1, orders=[]))
    ex.apply(Role("blue"), Orders(turn=1, orders=["spy-op"]))
    fac = sent(ex, FACILITATOR)
    found = leaks(ex.game, "red", fac)
    assert "the facilitator's console" in found and "an observation for {'kind': 'facilitator', 'seat': None}" in found
    assert any("blue.intel" in p for p in found)
    assert "id of secret move spy-op" in found  # blue's sealed orders, on the console
    ex.apply(Role(FACILITATOR), Resolve())
    found = leaks(ex.game, "red", sent(ex, FACILITATOR))
    assert any("blue.intel" in p for p in found) and "blue's orders of turn 1" in found
    # A seat's observation sent to the public (or to another seat) is flagged too.
    blue = sent(ex, "blue")
    assert "a seat's sheet sent to the public" in leaks(ex.game, None, blue)
    assert any(p.startswith("an observation for") for p in leaks(ex.game, "red", blue))
    assert leaks(ex.game, None, observe(ex.game, PUBLIC).model_dump_json()) == []
