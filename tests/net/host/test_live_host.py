"""A live host in this process (aiohttp test server) with WebSocket and HTTP clients:
pushes on change, refusals, facilitator commands, and every message checked for secrets
at the moment it is sent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from netsecrets import leaks
from test_protocol import controls, strings

from wargame.deck.compile import CompiledDeck
from wargame.net.client import Client, HostError
from wargame.net.exercise import Exercise
from wargame.net.server import Host
from wargame.net.store import FACILITATOR, PROJECTOR, open_store


async def start(tmp_path: Path, deck: CompiledDeck, facilitator: bool = True, seats: dict[str, str] | None = None) -> tuple[Host, TestServer, dict[str, str], list[str]]:
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "live", deck, seats or {}, seed=11, facilitator=facilitator)
    host = Host(ex)
    problems: list[str] = []

    def check(role: str, text: str) -> None:
        if role != FACILITATOR:
            problems.extend(f"{role}: {p}" for p in leaks(ex.game, None if role == PROJECTOR else role, text))

    host.on_send = check
    server = TestServer(await host.make_app())
    await server.start_server()
    return host, server, codes, problems


def url(server: TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


async def state(c: Client, pred: Any = lambda s: True) -> dict[str, Any]:
    return await c.wait_for(lambda m: m.get("type") == "state" and pred(m), timeout=20)


def sealed(state: dict[str, Any]) -> bool:
    """This seat's orders for the turn are sealed (its own sheet says so)."""
    return state["observation"]["seat"]["sealed"] is not None


async def test_a_game_over_websockets_pushes_changes_and_leaks_nothing(tmp_path: Path, decks: dict[str, CompiledDeck]) -> None:
    deck = decks["korea-2022"]
    host, server, codes, problems = await start(tmp_path, deck, facilitator=True, seats={"china": "random"})
    try:
        fac = Client(url(server))
        assert (await fac.connect(codes[FACILITATOR]))["role"] == "facilitator"
        proj = Client(url(server))
        await proj.connect(codes[PROJECTOR])
        seats = {}
        for actor in ("dprk", "us", "rok"):
            seats[actor] = Client(url(server))
            welcome = await seats[actor].connect(codes[actor])
            assert welcome["seat"] == actor and welcome["role"] == "seat"
        await fac.send({"type": "settings", "auto_resolve": True})
        for turn in range(1, 4):
            views = {a: await state(c, lambda s, t=turn: s["observation"]["game"]["turn"] == t and not sealed(s)) for a, c in seats.items()}
            for a, v in views.items():
                assert v["role"] == "seat" and v["observation"]["viewer"]["seat"] == a
            # Every seat seals at once.
            await asyncio.gather(*(
                c.send({"type": "orders", "turn": turn, "orders": [next(m["id"] for m in views[a]["observation"]["seat"]["moves"] if m["available"])]})
                for a, c in seats.items()
            ))
            for c in seats.values():
                await c.wait_for(lambda m: m.get("type") in {"ok", "error"} and m.get("of", "orders") == "orders")
            await fac.send({"type": "inject", "text": f"Inject {turn}", "effects": []}) if turn == 1 else None
            if turn == 1:
                await fac.wait_for(lambda m: m.get("type") == "ok" and m.get("of") == "inject")
        # The projector was pushed each turn's public state.
        last = await state(proj, lambda s: s["observation"]["game"]["resolved"] >= 3 or s["observation"]["game"]["over"])
        assert last["role"] == PROJECTOR and last["observation"]["turns"] and last["observation"]["seat"] is None
        assert any(n["text"] == "Inject 1" for n in last["observation"]["news"])
        assert problems == []
    finally:
        for c in [fac, proj, *seats.values()]:
            await c.close()
        await server.close()
        host.exercise.store.close()


async def test_a_seat_is_sent_its_observation_only_when_it_changed(tmp_path: Path, tutorial: CompiledDeck) -> None:
    """Another seat sealing changes only the room: the message carries no observation, and
    the client keeps the one it has; resolving sends a new one."""
    host, server, codes, problems = await start(tmp_path, tutorial, facilitator=False)
    red, blue = Client(url(server)), Client(url(server))
    raw: list[dict[str, Any]] = []
    check = host.on_send
    assert check is not None

    def keep(role: str, text: str) -> None:
        check(role, text)
        if role == "red":
            raw.append(json.loads(text))

    host.on_send = keep
    try:
        await red.connect(codes["red"])
        first = await state(red)
        assert "observation" in raw[-1] and first["observation"]["game"]["turn"] == 1
        await blue.connect(codes["blue"])
        await blue.send({"type": "orders", "turn": 1, "orders": []})
        news = await state(red, lambda s: any(x["actor"] == "blue" and x["sealed"] for x in s["room"]["seats"]))
        assert "observation" not in raw[-1] and news["observation"] == first["observation"]
        await red.send({"type": "orders", "turn": 1, "orders": ["patrol"]})
        after = await state(red, lambda s: s["observation"]["game"]["turn"] == 2)
        assert "observation" in raw[-1] and after["observation"]["turns"][0]["orders"][0]["orders"][0]["move"] == "patrol"
        assert problems == []
    finally:
        await red.close()
        await blue.close()
        await server.close()
        host.exercise.store.close()


async def test_refusals_are_clear(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes, _ = await start(tmp_path, tutorial)
    try:
        with pytest.raises(HostError, match="wrong code"):
            await Client(url(server)).connect("ZZZZ-ZZZZ-ZZZZ")
        red = Client(url(server))
        await red.connect(codes["red"])
        with pytest.raises(HostError, match="Red's seat is already open on another device"):
            await Client(url(server)).connect(codes["red"])
        await red.send({"type": "resolve"})
        assert (await red.wait_for(lambda m: m["type"] == "error"))["message"] == "resolve: only the facilitator may do that"
        await red.send({"type": "orders", "turn": "x", "orders": []})
        assert "turn: Input should be a valid integer" in (await red.wait_for(lambda m: m["type"] == "error"))["message"]
        fac = Client(url(server))
        await fac.connect(codes[FACILITATOR])
        await fac.send({"type": "revoke", "role": "red"})
        closed = await red.wait_for(lambda m: m["type"] == "closed")
        assert closed["message"] == "the facilitator revoked the code for Red"
        await red.close()
        with pytest.raises(HostError, match="code for Red has been revoked"):
            await Client(url(server)).connect(codes["red"])
        await fac.send({"type": "reissue", "role": "red"})
        new = (await fac.wait_for(lambda m: m["type"] == "code"))["code"]
        again = Client(url(server))
        assert (await again.connect(new))["seat"] == "red"
        await again.close()
        await fac.close()
    finally:
        await server.close()
        host.exercise.store.close()


async def test_http_agents_long_poll_and_submit(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes, problems = await start(tmp_path, tutorial, facilitator=False)
    try:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {codes['red']}"}) as http:
            async with http.get(f"{url(server)}/api/v1/view") as r:
                first = await r.json()
            assert first["observation"]["viewer"]["seat"] == "red" and first["observation"]["game"]["turn"] == 1
            # A program over HTTP holds its seat while it asks (and a minute after): connected.
            assert first["room"]["seats"] == [{"actor": "red", "sealed": False, "thinking": False, "covered": "", "connected": True, "code": None},
                                              {"actor": "blue", "sealed": False, "thinking": False, "covered": "", "connected": False, "code": None}]
            # A long poll for the next version waits until something changes.
            poll = asyncio.ensure_future(http.get(f"{url(server)}/api/v1/view?after={first['version']}"))
            await asyncio.sleep(0.2)
            assert not poll.done()
            async with http.post(f"{url(server)}/api/v1/orders", json={"type": "orders", "turn": 1, "orders": ["patrol"]}) as r:
                assert (await r.json())["type"] == "ok"
            async with await poll as r:
                answer = await r.json()
            assert [o["move"] for o in answer["observation"]["seat"]["sealed"]] == ["patrol"] and answer["version"] > first["version"]
            async with http.post(f"{url(server)}/api/v1/orders", json={"type": "orders", "turn": 1, "orders": ["talks-offer"]}) as r:
                assert r.status == 409 and "already sealed" in (await r.json())["message"]
        async with aiohttp.ClientSession() as anon, anon.get(f"{url(server)}/api/v1/view", headers={"Authorization": "Bearer nope"}) as r:
            assert r.status == 403 and (await r.json())["message"].startswith("wrong code")
        assert problems == []
    finally:
        await server.close()
        host.exercise.store.close()


async def test_an_inject_with_escape_sequences_reaches_no_screen_as_a_command(tmp_path: Path, tutorial: CompiledDeck) -> None:
    host, server, codes, _ = await start(tmp_path, tutorial)
    sent: list[str] = []
    host.on_send = lambda role, text: sent.append(text)
    hostile = "Storm\x1b]0;pwned\x07\x1b[2J\x1b[H\u202ewarning"
    clients: list[Client] = []
    try:
        fac = Client(url(server))
        clients.append(fac)
        await fac.connect(codes[FACILITATOR])
        red = Client(url(server))
        clients.append(red)
        await red.connect(codes["red"])
        await fac.send({"type": "inject", "text": hostile, "effects": []})
        await fac.wait_for(lambda m: m.get("type") == "ok" and m.get("of") == "inject")
        shown = await state(fac, lambda s: s["observation"]["control"]["injects"])
        assert shown["observation"]["control"]["injects"][0]["name"] == "Storm\\x1b]0;pwned\\x07\\x1b[2J\\x1b[H\\u202ewarning"
        await fac.send({"type": "resolve"})
        after = await state(red, lambda s: s["observation"]["game"]["turn"] == 2)
        assert any("pwned" in n["text"] for n in after["observation"]["news"])
        # Nothing the host sent, to anyone, carries a control character once decoded.
        assert sent and not [t for t in sent if any(controls(x, lines=True) for x in strings(json.loads(t)))]
    finally:
        for c in clients:
            await c.close()
        await server.close()
        host.exercise.store.close()
