"""The terminal side of the browser team test, in its own process: Cy joins Red's team
from a terminal client, objects to Ana's proposal once there are two, and prints the split
when the sealer seals; Blue's client and the projector's record everything they receive.

Usage: team_terminal.py URL RED_CODE BLUE_CODE PROJECTOR_CODE OUT.json"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from wargame.net.client import Client


def notes(m: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    teams = (m.get("observation") or {}).get("teams") or []
    return [n for t in teams for n in t["notes"] if n["kind"] == kind]


async def main(url: str, red: str, blue_code: str, projector: str, out: str) -> None:
    cy, blue, proj = Client(url), Client(url), Client(url)
    await cy.connect(red, name="Cy")
    await blue.connect(blue_code)
    await proj.connect(projector)
    received: dict[str, list[str]] = {"blue": [], "projector": []}

    async def record(c: Client, key: str) -> None:
        while True:
            received[key].append(json.dumps(await c.next()))

    tasks = [asyncio.ensure_future(record(blue, "blue")), asyncio.ensure_future(record(proj, "projector"))]
    print("joined", flush=True)
    state = await cy.wait_for(lambda m: m.get("type") == "state" and len(notes(m, "propose")) >= 2, timeout=180)
    ana = next(n for n in notes(state, "propose") if n["member"] == "Ana")
    await cy.send({"type": "object", "proposal": ana["id"], "text": "TOO-RISKY-SAYS-CY"})
    await cy.wait_for(lambda m: m.get("of") == "object", timeout=30)
    await blue.send({"type": "orders", "turn": 1, "orders": []})
    print("objected", flush=True)
    sealed = await cy.wait_for(lambda m: m.get("type") == "state" and bool(notes(m, "seal")), timeout=180)
    print("split " + json.dumps(notes(sealed, "seal")[0]), flush=True)
    def resolved(m: dict[str, Any]) -> bool:
        return m.get("type") == "state" and (m.get("observation") or {}).get("game", {}).get("resolved", 0) >= 1

    if not resolved(sealed):  # the seal and the turn's resolution may come in one state
        await cy.wait_for(resolved, timeout=60)
    await asyncio.sleep(1.0)
    for t in tasks:
        t.cancel()
    Path(out).write_text(json.dumps(received), encoding="utf-8")
    for c in (cy, blue, proj):
        await c.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
