"""Offers and targeted moves over the network, on tests/decks_format/offers.toml.

Alpha offers Bravo talks from its join app (picking the target), Bravo's join app shows
the offer waiting for its answer and accepts it, and both see what became of it; every
message the live host sends is checked for secrets as it goes out. A malformed answer is
one clear line, coach lines arrive, and (a property test) nothing sent to Bravo or the
projector ever holds Charlie's secret backchannel offer to Alpha, its answers or expiry.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from hypothesis import given, settings
from hypothesis import strategies as st
from netsecrets import leaks
from waiting import seal, sheet_ready, shown, to_sheet, until

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck, load_deck_text
from wargame.engine.game import Game
from wargame.engine.state import TurnRecord
from wargame.net.client import Client
from wargame.net.exercise import Exercise, Role
from wargame.net.server import Host
from wargame.net.store import FACILITATOR, PROJECTOR, Store, open_store
from wargame.observe.model import Observation, SeatSheet
from wargame.play.commands import Orders
from wargame.tui.join import JoinApp
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.screens.resolution import ResolutionScreen
from wargame.tui.screens.target_picker import TargetPickerScreen
from wargame.tui.sheet import answers_for

DECK = Path(__file__).resolve().parents[2] / "decks_format" / "offers.toml"
SECRET_WORDS = ("backchannel", "Backchannel", "Charlie's deal")
"""Anything of Charlie's secret offer to Alpha: its ids, its name, its answers' news and
its expiry news (`Charlie's offer to Alpha expires unanswered: Backchannel deal ...`)."""


@pytest.fixture(scope="module")
def offers_deck() -> CompiledDeck:
    return load_deck(DECK)


async def serve(tmp_path: Path, deck: CompiledDeck) -> tuple[Host, TestServer, dict[str, str], list[str]]:
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "offers", deck, {}, seed=5, facilitator=False)
    host = Host(ex)
    problems: list[str] = []

    def check(role: str, text: str) -> None:
        problems.extend(f"{role}: {p}" for p in leaks(ex.game, None if role == PROJECTOR else role, text))
        # (An error reply may quote back what the seat itself sent: that is not a leak.)
        if role in {"b", PROJECTOR} and json.loads(text).get("type") != "error":
            problems.extend(f"{role}: {w!r}" for w in SECRET_WORDS if w in text)

    host.on_send = check
    server = TestServer(await host.make_app())
    await server.start_server()
    return host, server, codes, problems


def obs(app: JoinApp) -> Observation:
    """What the app's client holds now (the host's latest for its seat)."""
    assert app.client is not None and app.client.ready
    return app.client.observe(app.client.viewer)


def sheet_of(app: JoinApp) -> SeatSheet:
    sheet = obs(app).seat
    assert sheet is not None
    return sheet


async def test_an_offer_made_and_accepted_from_two_join_apps(tmp_path: Path, offers_deck: CompiledDeck) -> None:
    host, server, codes, problems = await serve(tmp_path, offers_deck)
    url = str(server.make_url("")).rstrip("/")
    ex = host.exercise

    async def charlie_stands_pat(turn: int) -> None:
        # Over plain HTTP: a WebSocket nobody reads would stop answering the host's pings.
        auth = {"Authorization": f"Bearer {codes['c']}"}
        async with aiohttp.ClientSession(headers=auth) as http, http.post(f"{url}/api/v1/orders", json={"type": "orders", "turn": turn, "orders": []}) as r:
            assert (await r.json())["type"] == "ok"

    try:
        alpha, bravo = JoinApp(url, codes["a"]), JoinApp(url, codes["b"])
        async with alpha.run_test(size=(120, 40)) as a_pilot, bravo.run_test(size=(120, 40)) as b_pilot:
            await to_sheet(a_pilot, "Alpha's order sheet")
            await to_sheet(b_pilot, "Bravo's order sheet")
            sheet = alpha.screen
            assert isinstance(sheet, OrdersScreen)
            # Each targeted move is one line; its targets are picked from a list.
            assert [line.key for line in sheet.sheet] == ["warn", "talks"] and all(line.targeted for line in sheet.sheet)
            await a_pilot.press("down", "enter")
            await until(a_pilot, lambda: shown(alpha, TargetPickerScreen), "the target picker")
            await a_pilot.press("enter")  # the first target: Bravo
            await until(a_pilot, lambda: sheet.picks == ["talks@b"], "the pick")
            await seal(a_pilot)
            await seal(b_pilot)  # Bravo stands pat
            await charlie_stands_pat(1)
            await until(a_pilot, lambda: ex.game.turn == 2, "the first turn to resolve")
            assert ex.game.records[0].orders["a"] == ("talks@b",)

            # Bravo is sent the offer, with what each answer does in plain words.
            await until(b_pilot, lambda: shown(bravo, ResolutionScreen), "Bravo's results")
            (offer,) = sheet_of(bravo).offers_waiting
            assert (offer.maker, offer.accept, offer.deadline) == ("a", "talks@b/accept", 3)
            assert offer.accept_effects == ["Tension −2"] and offer.expire_effects == ["Alpha's standing −1"]
            assert [o.move for o in sheet_of(alpha).my_offers_waiting] == ["talks@b"]
            await b_pilot.press("enter")
            await until(b_pilot, lambda: sheet_ready(bravo, 2), "Bravo's second sheet")
            b_sheet = bravo.screen
            assert isinstance(b_sheet, OrdersScreen)
            # The offer comes first, in a list of its own, and has the focus.
            assert [o.offer.move for o in b_sheet.offers] == ["talks@b"]
            await until(b_pilot, lambda: b_sheet.is_mounted and b_sheet.focused is b_sheet.query_one("#offers"), "the offers to have the focus")
            await b_pilot.press("a")
            assert b_sheet.answers == {offer.slot: "accept"} and answers_for(b_sheet.offers, b_sheet.answers) == ["talks@b/accept"]
            await seal(b_pilot)
            await until(a_pilot, lambda: shown(alpha, ResolutionScreen), "Alpha's results")
            await a_pilot.press("enter")
            await until(a_pilot, lambda: sheet_ready(alpha, 2), "Alpha's second sheet")
            await seal(a_pilot)
            await charlie_stands_pat(2)
            await until(a_pilot, lambda: ex.game.is_over, "the second turn to resolve")
            # Answers cost no order: Bravo answered and could still have ordered a move.
            assert ex.game.records[1].orders["b"] == ("talks@b/accept",)
            # Both sides see what became of the offer, in their observation and their news.
            for app in (alpha, bravo):
                await until(b_pilot, lambda app=app: obs(app).game.over, "the end")
                assert [(o.move, o.status, o.closed) for o in obs(app).offers] == [("talks@b", "accepted", 2)]
                assert any(n.text == "Bravo accepts talks." for n in obs(app).news)
        assert problems == []
    finally:
        await server.close()
        ex.store.close()


async def test_a_malformed_answer_gets_one_clear_line(tmp_path: Path, offers_deck: CompiledDeck) -> None:
    host, server, codes, problems = await serve(tmp_path, offers_deck)
    url = str(server.make_url("")).rstrip("/")
    bravo = Client(url)
    try:
        await bravo.connect(codes["b"])

        async def refused(orders: Any) -> str:
            await bravo.send({"v": 1, "type": "orders", "turn": 1, "orders": orders})
            reply = await bravo.wait_for(lambda m: m["type"] in {"error", "ok"})
            assert reply["type"] == "error", reply
            message = str(reply["message"])
            assert "\n" not in message and "Traceback" not in message
            return message

        assert await refused(["talks@b/acept"]) == "'talks@b/acept' is not one of Bravo's moves (did you mean 'talks@b/accept'?): nothing was sealed"
        assert await refused(["talks@b/accept"]) == "Accept Alpha's offer (Offer talks to Bravo) is not available: there is no offer to answer"
        # Another seat's secret answer is refused without confirming it exists.
        assert await refused(["backchannel@a/accept"]) == "'backchannel@a/accept' is not one of Bravo's moves: nothing was sealed"
        assert (await refused("talks@b/accept")).startswith("orders: orders: Input should be a valid list")
        assert (await refused([{"answer": "accept"}])).startswith("orders: orders.0: Input should be a valid string")
        assert "b" not in host.exercise.game.orders  # nothing was sealed
        assert problems == []
    finally:
        await bravo.close()
        await server.close()
        host.exercise.store.close()


COACHED = DECK.read_text(encoding="utf-8") + """
[[coach]]
turn = 1
actor = "b"
text = "Bravo: wait and see what Alpha offers."

[[coach]]
turn = 2
actor = "b"
text = "Bravo: an offer waits for your answer; answering costs no order."
"""


async def test_coach_lines_arrive_and_show_in_the_join_app(tmp_path: Path) -> None:
    deck = load_deck_text(COACHED, "offers-coached.toml")
    host, server, codes, problems = await serve(tmp_path, deck)
    url = str(server.make_url("")).rstrip("/")
    alpha = Client(url)
    try:
        await alpha.connect(codes["a"])
        first = await alpha.wait_for(lambda m: m["type"] == "state" and "observation" in m)
        assert first["observation"]["seat"]["coach"] == ""  # the lines are Bravo's
        await alpha.close()  # (a WebSocket left unread would stop answering the host's pings)
        bravo = JoinApp(url, codes["b"])
        async with bravo.run_test(size=(120, 40)) as pilot:
            await to_sheet(pilot, "Bravo's order sheet")
            assert sheet_of(bravo).coach == "Bravo: wait and see what Alpha offers."
            assert "wait and see what Alpha offers" in str(bravo.screen.query_one("#coach").render())
        assert problems == []
    finally:
        await alpha.close()
        await server.close()
        host.exercise.store.close()


# -- the property: Bravo and the projector never learn of the backchannel ----------------
@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(Path(tmp_path_factory.mktemp("offers")) / "s.sqlite3") as s:
        yield s


@settings(max_examples=min(40, settings.default.max_examples))
@given(data=st.data(), seed=st.integers(0, 2**31))
def test_nothing_sent_to_bravo_or_the_projector_holds_the_secret_offer(
    offers_deck: CompiledDeck,
    shared_store: Store,
    drive: Callable[[Game, object, bool], TurnRecord],
    data: st.DataObject,
    seed: int,
) -> None:
    ex, _ = Exercise.create(shared_store, uuid.uuid4().hex[:16], offers_deck, {}, seed=seed, turns=data.draw(st.integers(1, 6)))
    game = ex.game
    while True:
        sent = {"b": ex.state_text(Role("b")), PROJECTOR: ex.state_text(Role(PROJECTOR))}
        for role, text in sent.items():
            for word in SECRET_WORDS:
                assert word not in text, (role, word)
            assert leaks(game, None if role == PROJECTOR else role, text) == []
        # Charlie and Alpha, who are party to it, do learn of it when it is made.
        made = [p for p in game.plays if p.move == "backchannel@a" and p.success]
        if made:
            assert "Backchannel deal with Alpha" in ex.state_text(Role("a")) and "Backchannel deal with Alpha" in ex.state_text(Role("c"))
        if game.is_over:
            break
        drive(game, data.draw, False)  # no injects: a facilitator's reveal() would rightly tell Bravo


@pytest.mark.parametrize("answer", ["backchannel@a/accept", "backchannel@a/refuse", None])
def test_the_secret_offer_answered_or_expired_stays_between_charlie_and_alpha(offers_deck: CompiledDeck, shared_store: Store, answer: str | None) -> None:
    """The property above, for each way the backchannel can end (the draws may miss one)."""
    ex, _ = Exercise.create(shared_store, uuid.uuid4().hex[:16], offers_deck, {}, seed=1, turns=4, facilitator=False)
    plan = [{"a": [], "b": [], "c": ["backchannel@a"]}, {"a": [answer] if answer else [], "b": [], "c": []}, {"a": [], "b": [], "c": []}]
    for turn, orders in enumerate(plan, 1):
        for seat, ordered in orders.items():
            assert ex.apply(Role(seat), Orders(turn=turn, orders=ordered)).ok
        assert ex.game.turn == turn + 1
        for role, text in {"b": ex.state_text(Role("b")), PROJECTOR: ex.state_text(Role(PROJECTOR))}.items():
            assert [w for w in SECRET_WORDS if w in text] == [], (role, turn)
            assert leaks(ex.game, None if role == PROJECTOR else role, text) == []
    # Alpha knows what became of it.
    alpha = json.loads(ex.state_text(Role("a")))["observation"]
    (offer,) = alpha["offers"]
    assert offer["status"] == {"backchannel@a/accept": "accepted", "backchannel@a/refuse": "refused", None: "expired"}[answer]
    assert any("Charlie's deal" in n["text"] or "expires unanswered" in n["text"] for n in alpha["news"])


def test_the_projector_sees_public_offers_and_the_facilitator_all(offers_deck: CompiledDeck, shared_store: Store) -> None:
    ex, _ = Exercise.create(shared_store, uuid.uuid4().hex[:16], offers_deck, {}, seed=1, facilitator=False)
    for seat, orders in {"a": ["talks@b"], "b": [], "c": ["backchannel@a"]}.items():
        assert ex.apply(Role(seat), Orders(turn=1, orders=orders)).ok

    def offers(role: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(ex.state_text(Role(role)))["observation"]["offers"]
        return found

    assert [(o["move"], o["status"], o["deadline"]) for o in offers(PROJECTOR)] == [("talks@b", "waiting", 3)]
    assert [(o["move"], o["secret"]) for o in offers(FACILITATOR)] == [("talks@b", False), ("backchannel@a", True)]
    assert [o["move"] for o in offers("a")] == ["talks@b", "backchannel@a"] and [o["move"] for o in offers("b")] == ["talks@b"]


def test_an_offer_is_answered_once_and_answers_are_free(offers_deck: CompiledDeck, shared_store: Store) -> None:
    ex, _ = Exercise.create(shared_store, uuid.uuid4().hex[:16], offers_deck, {}, seed=1, facilitator=False)
    for seat, orders in {"a": ["talks@b"], "b": [], "c": []}.items():
        assert ex.apply(Role(seat), Orders(turn=1, orders=orders)).ok
    reply = ex.apply(Role("b"), Orders(turn=2, orders=["talks@b/accept", "talks@b/refuse"]))
    assert reply.message == "Refuse Alpha's offer (Offer talks to Bravo): an offer is answered once (accept or refuse, not both)"
    assert ex.apply(Role("b"), Orders(turn=2, orders=["talks@b/refuse", "wait"])).ok  # an answer and a move, with one order a turn
    assert ex.game.orders["b"] == ("talks@b/refuse", "wait")
