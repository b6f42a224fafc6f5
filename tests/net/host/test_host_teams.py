"""A team on several devices: three named members on one seat (terminal clients over the
WebSocket), two proposals, an objection, a seal by the team's sealer with the split kept in
the save; the other seats' clients and the projector never receive any of it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from test_live_host import state, url

from wargame.deck.compile import CompiledDeck
from wargame.net.client import Client, HostError
from wargame.net.exercise import Exercise
from wargame.net.server import Host
from wargame.net.store import FACILITATOR, PROJECTOR, open_store
from wargame.saves.store import parse_save, verify

OBJECTION = "OBJECTION-TOO-RISKY"
PROPOSAL_TEXT = "PROPOSAL-SANCTIONS-NOW"


def team_of(s: dict[str, Any]) -> dict[str, Any] | None:
    teams = s["observation"]["teams"]
    return teams[0] if teams else None


async def reply(c: Client, of: str) -> dict[str, Any]:
    return await c.wait_for(lambda m: m.get("type") in {"ok", "error"} and m.get("of") == of, timeout=20)


async def test_three_members_propose_object_and_the_sealer_seals(tmp_path: Path, decks: dict[str, CompiledDeck]) -> None:
    deck = decks["korea-2022"]
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "teams", deck, {"dprk": "random", "rok": "random"}, seed=9, facilitator=True)
    host = Host(ex)
    seen: list[tuple[str, str]] = []
    host.on_send = lambda role, text: seen.append((role, text))
    server = TestServer(await host.make_app())
    await server.start_server()
    clients: list[Client] = []
    try:
        members: dict[str, Client] = {}
        for name in ("Ana", "Ben", "Cy"):
            c = Client(url(server))
            welcome = await c.connect(codes["us"], name=name)
            assert welcome["member"] == name and welcome["seat"] == "us"
            members[name] = c
            clients.append(c)
        china, fac, proj = Client(url(server)), Client(url(server)), Client(url(server))
        clients += [china, fac, proj]
        await china.connect(codes["china"])
        await fac.connect(codes[FACILITATOR])
        await proj.connect(codes[PROJECTOR])
        # A device without a name cannot take a seat its team plays.
        with pytest.raises(HostError, match="played by a team of named members"):
            await Client(url(server)).connect(codes["us"])
        first = await state(members["Cy"], lambda s: team_of(s) is not None and len(team_of(s)["members"]) == 3)  # type: ignore[index]
        team = team_of(first)
        assert team is not None and team["members"] == ["Ana", "Ben", "Cy"] and team["sealer"] == "Ana"
        moves = [m["id"] for m in first["observation"]["seat"]["moves"] if m["available"] and m["answer"] is None]
        a, b = moves[0], moves[1]
        await members["Ben"].send({"type": "propose", "orders": [a], "text": PROPOSAL_TEXT})
        assert (await reply(members["Ben"], "propose"))["type"] == "ok"
        await members["Cy"].send({"type": "propose", "orders": [b], "text": "or this"})
        await reply(members["Cy"], "propose")
        # Every member sees both proposals at once.
        got = await state(members["Ana"], lambda s: len([n for n in (team_of(s) or {}).get("notes", []) if n["kind"] == "propose"]) == 2)
        proposals = [n for n in team_of(got)["notes"] if n["kind"] == "propose"]  # type: ignore[index]
        pa = next(p["id"] for p in proposals if p["orders"] == [a])
        await members["Cy"].send({"type": "object", "proposal": pa, "text": OBJECTION})
        await reply(members["Cy"], "object")
        await members["Ana"].send({"type": "agree", "proposal": pa})
        await reply(members["Ana"], "agree")
        await members["Ana"].send({"type": "comment", "proposal": pa, "text": "Going with Ben's."})
        await reply(members["Ana"], "comment")
        turn = got["observation"]["game"]["turn"]
        # Only the sealer seals.
        await members["Ben"].send({"type": "orders", "turn": turn, "orders": [a]})
        refused = await members["Ben"].wait_for(lambda m: m.get("type") == "error")
        assert "only the team's sealer (Ana)" in refused["message"]
        await members["Ana"].send({"type": "orders", "turn": turn, "orders": [a]})
        await members["Ana"].wait_for(lambda m: m.get("type") in {"ok", "error"} and m.get("of", "orders") == "orders")
        sealed = await state(members["Cy"], lambda s: any(n["kind"] == "seal" for n in (team_of(s) or {}).get("notes", [])))
        split = next(n for n in team_of(sealed)["notes"] if n["kind"] == "seal")  # type: ignore[index]
        assert (split["member"], split["proposal"], split["agreed"], split["objected"]) == ("Ana", pa, ["Ana", "Ben"], ["Cy"])
        # A member who drops and rejoins loses nothing.
        await members["Cy"].close()
        again = Client(url(server))
        clients.append(again)
        await again.connect(codes["us"], name="Cy")
        back = await state(again)
        assert any(n["text"] == OBJECTION for n in team_of(back)["notes"])  # type: ignore[index]
        # The facilitator reads the team; nobody else ever received any of it.
        fac_state = await state(fac, lambda s: any(t["seat"] == "us" and any(n["kind"] == "seal" for n in t["notes"]) for t in s["observation"]["teams"]))
        assert fac_state["observation"]["teams"][0]["members"] == ["Ana", "Ben", "Cy"]
        await china.send({"type": "orders", "turn": turn, "orders": []})
        await fac.send({"type": "resolve"})
        await state(china, lambda s: s["observation"]["game"]["resolved"] >= 1)
        await asyncio.sleep(0.2)
        for role, text in seen:
            if role not in {"us", FACILITATOR}:
                for secret in (OBJECTION, PROPOSAL_TEXT, "Going with Ben", '"Ana"', '"Cy"'):
                    assert secret not in text, (role, secret)
        assert any(OBJECTION in text for role, text in seen if role == "us")
    finally:
        for c in clients:
            await c.close()
        await server.close()
    save = parse_save(store.load_exercise("teams").save_json.encode(), "teams")
    store.close()
    assert verify(save).ok
    team = save.teams["us"]
    assert team.members == ["Ana", "Ben", "Cy"] and team.sealer == "Ana"
    seal = next(n for n in team.notes if n.kind == "seal")
    assert (seal.agreed, seal.objected) == (["Ana", "Ben"], ["Cy"])
    assert [n.kind for n in team.notes].count("propose") == 2 and any(n.text == OBJECTION for n in team.notes)
