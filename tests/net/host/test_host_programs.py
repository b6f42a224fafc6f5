"""The facilitator's code is not a shell on the host: a re-seat over the network may name a
computer or a program the host was started with, never a command; a program seat kept in
the store is not started again by a host that was not told of it; and no seat or the
projector is ever sent a program's command line."""

from __future__ import annotations

import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from wargame.bots.seats import Programs
from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.net.client import Client
from wargame.net.exercise import Exercise
from wargame.net.guard import Limits
from wargame.net.server import Host
from wargame.net.store.base import FACILITATOR, PROJECTOR, Store, open_store

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = f"{sys.executable} {ROOT / 'examples' / 'agent.py'}"


def test_reseat_refuses_a_command_and_takes_a_listed_program(store: Store, tutorial: CompiledDeck, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    ex, _ = Exercise.create(store, "ex1", tutorial, {}, seed=7, programs=Programs.from_options([f"helper={EXAMPLE}"]))
    for spec in (f"agent:sh -c 'touch {canary}'", f"agent:touch {canary}", "agent:touch", f"agent:{EXAMPLE}"):
        with pytest.raises(WargameError, match="only to a program this host was started with"):
            ex.reseat("red", spec)
    assert not canary.exists()
    ex.reseat("red", "agent:helper")
    assert ex.facilitator_state()["programs"] == ["helper"]
    row = next(r for r in ex.facilitator_state()["seats"] if r["id"] == "red")
    assert row["spec"] == "agent:helper" and EXAMPLE not in str(ex.facilitator_state())
    assert EXAMPLE not in ex.seat_text("blue") and EXAMPLE not in str(ex.public_state())
    assert "Computer (a program)" in ex.seat_text("blue")
    ex.session.bots["red"].close()  # type: ignore[attr-defined]


def test_a_program_in_the_store_is_not_started_by_a_host_not_told_of_it(tmp_path: Path, tutorial: CompiledDeck) -> None:
    canary = tmp_path / "canary"
    command = f"sh -c 'touch {canary}'"
    store = open_store(tmp_path / "s.sqlite3")
    try:
        Exercise.create(store, "ex1", tutorial, {"red": f"agent:{command}"}, seed=7, programs=Programs().with_inline([f"agent:{command}"]))
        assert canary.exists()  # named on that run's command line: it ran
        canary.unlink()
        again = Exercise.open(store, "ex1")  # a restart without it on the command line
        assert str(again.session.seats["red"]) == "doctrine:bully"
        assert any("not run from a saved game" in n for n in again.notices)
        assert not canary.exists()
    finally:
        store.close()


async def test_reseat_over_websocket_and_http_runs_nothing(tmp_path: Path, tutorial: CompiledDeck) -> None:
    canary = tmp_path / "canary"
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "live", tutorial, {}, seed=11)
    host = Host(ex, limits=Limits(http_hold=0))  # the console opens over HTTP, then over a WebSocket
    server = TestServer(await host.make_app())
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    fac = Client(base)
    try:
        async with aiohttp.ClientSession() as http, http.post(
            f"{base}/api/v1/command?code={codes[FACILITATOR]}", json={"type": "reseat", "seat": "blue", "spec": f"agent:touch {canary}"}
        ) as r:
            assert r.status == 409 and "only to a program" in (await r.json())["message"]
        await fac.connect(codes[FACILITATOR])
        await fac.send({"type": "reseat", "seat": "red", "spec": f"agent:sh -c 'id > {canary}'"})
        reply = await fac.wait_for(lambda m: m.get("type") in {"ok", "error"}, timeout=20)
        assert reply["type"] == "error" and "only to a program this host was started with" in reply["message"]
        assert not canary.exists() and all(not s.is_program for s in ex.session.seats.values())
        assert PROJECTOR in codes
    finally:
        await fac.close()
        await server.close()
        store.close()
