"""The facilitator's code is not a shell on the host: a re-seat over the network may name a
computer or a program the host was started with, never a command; a program seat kept in
the store is not started again by a host that was not told of it; and no seat or the
projector is ever sent a program's command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from wargame.bots.seats import Programs
from wargame.deck.compile import CompiledDeck
from wargame.net.client import Client
from wargame.net.exercise import Exercise, Role
from wargame.net.guard import Limits
from wargame.net.server import Host
from wargame.net.store import FACILITATOR, PROJECTOR, Store, open_store
from wargame.play.commands import Reseat

FAC = Role(FACILITATOR)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = f"{sys.executable} {ROOT / 'examples' / 'agent.py'}"


def test_reseat_refuses_a_command_and_takes_a_listed_program(store: Store, tutorial: CompiledDeck, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    ex, _ = Exercise.create(store, "ex1", tutorial, {}, seed=7, programs=Programs.from_options([f"helper={EXAMPLE}"]))
    for spec in (f"agent:sh -c 'touch {canary}'", f"agent:touch {canary}", "agent:touch", f"agent:{EXAMPLE}"):
        reply = ex.apply(FAC, Reseat(seat="red", spec=spec))
        assert not reply.ok and "only to a program this host was started with" in reply.message
        assert EXAMPLE not in reply.message
    assert not canary.exists()
    assert ex.apply(FAC, Reseat(seat="red", spec="agent:helper")).ok
    fac = ex.state_text(Role(FACILITATOR))
    assert json.loads(fac)["room"]["programs"] == ["helper"]
    red = next(a for a in json.loads(fac)["observation"]["actors"] if a["id"] == "red")
    assert red["seat"] == {"kind": "program", "label": "Computer (program helper)"} and EXAMPLE not in fac
    for role in ("blue", PROJECTOR):
        text = ex.state_text(Role(role))
        assert EXAMPLE not in text and "helper" not in text
        assert next(a for a in json.loads(text)["observation"]["actors"] if a["id"] == "red")["seat"]["label"] == "Computer (a program)"
    # The program plays the seat from its Observation (the example agent, over stdio).
    (job,) = ex.bot_jobs()
    ex.bot_decided(job, job.run(), None)
    assert len(ex.game.orders["red"]) == 1 and "chance at escalation" in ex.game.reasons["red"][0]
    ex.session.bots["red"].close()  # type: ignore[attr-defined]


def test_a_program_in_the_store_is_not_started_by_a_host_not_told_of_it(tmp_path: Path, tutorial: CompiledDeck) -> None:
    canary = tmp_path / "canary"
    command = f"sh -c 'touch {canary}'"
    store = open_store(tmp_path / "s.sqlite3")
    try:
        first, _ = Exercise.create(store, "ex1", tutorial, {"red": f"agent:{command}"}, seed=7, programs=Programs().with_inline([f"agent:{command}"]))
        run = first.session.bots["red"]._holder[0]  # type: ignore[attr-defined]
        run.proc.wait(timeout=60)  # the program exits at once, having touched its canary
        assert canary.exists()  # named on that run's command line: it ran
        first.session.close_bots()
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
