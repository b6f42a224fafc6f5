"""At the end of an exercise the host serves the debrief's slides (`/debrief?code=CODE`), each
code opening its own perspective (a seat's what it knew, the projector's what every seat
knew); before the end, and without a good code, nothing."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from wargame.deck.compile import CompiledDeck
from wargame.net.exercise import Exercise, Role
from wargame.net.server import Host
from wargame.net.store import open_store
from wargame.net.store.base import PROJECTOR
from wargame.play.commands import Orders
from wargame.report.data import build_report
from wargame.report.templates import render_report


async def test_the_debrief_slides_open_at_the_end_for_each_code(tmp_path: Path, tutorial: CompiledDeck) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "debrief", tutorial, {}, seed=5, facilitator=False)
    server = TestServer(await Host(ex).make_app())
    await server.start_server()
    url = str(server.make_url("/debrief"))
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(url, params={"code": codes["red"]}) as r:
                assert r.status == 409 and "not over" in (await r.json())["message"]
            while not ex.game.is_over:
                turn = ex.game.turn
                for seat in tutorial.actors:
                    reply = ex.apply(Role(seat), Orders(turn=turn, orders=[ex.game.available_moves(seat)[-1].id]))
                    assert reply.ok, reply.message
            async with http.get(url, params={"code": "AAAA-BBBB-CCCC"}) as r:
                assert r.status == 403
            for role, viewer in (("red", "red"), ("blue", "blue"), (PROJECTOR, "public")):
                async with http.get(url, params={"code": codes[role]}) as r:
                    assert r.status == 200 and r.content_type == "text/html"
                    page = await r.text()
                # Exactly the slides of that perspective (whose secrecy the report's tests hold).
                assert page == render_report(build_report(ex.session.save, viewer), "slides")
                assert '<section class="slide' in page
    finally:
        await server.close()
        store.close()
