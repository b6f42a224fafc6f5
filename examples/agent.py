#!/usr/bin/env python3
"""An example wargame agent: a program that plays one seat (docs/agent-protocol.md).

Two ways to run it, same decision code:

* Seated by wargame, talking over stdin/stdout (one JSON line per message):
      wargame simulate tutorial --seats red=agent:"python examples/agent.py"
      wargame host tutorial --agent example="python examples/agent.py" --seats red=agent:example
* Over the network against a running host, with the seat's join code:
      python examples/agent.py --host http://127.0.0.1:8000 --code CODE

It uses only the standard library. Its policy is deliberately simple and readable: order
the available moves that look best by chance of success, preferring low escalation, with
a seeded random tie-break. Replace `choose` with your own (a search, a language model...).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import urllib.error
import urllib.request
from typing import Any


def choose(observation: dict[str, Any], rng: random.Random) -> tuple[list[str], list[str]]:
    """Orders (move ids) and one reason each, from the seat's observation alone.

    Offers made to this seat are answered first (answers are free: they do not count
    against `allowed`); this policy accepts an offer unless accepting raises tension.
    Targeted moves are plain moves here (`warn@b`); `seat["groups"]` groups them."""
    sheet = observation["seat"]
    orders: list[str] = []
    reasons: list[str] = []
    for offer in sheet.get("offers_waiting", []):
        worse = any("Tension +" in e for e in offer["accept_effects"])
        answer = "refuse" if worse else "accept"
        orders.append(offer[answer])
        does = "; ".join(offer[f"{answer}_effects"]) or "no effect on the tracks"
        reasons.append(f"{answer.title()} {offer['maker_name']}'s offer ({offer['name']}): {does}.")
    moves = [m for m in sheet["moves"] if m["available"] and not m.get("answer")]

    def chance(m: dict[str, Any]) -> float:
        # None when the odds depend on something hidden from this seat: assume even odds.
        return 0.5 if m["chance"] is None else float(m["chance"])

    scored = sorted(moves, key=lambda m: (chance(m) - 0.1 * m["escalation"], rng.random()), reverse=True)
    picked = scored[: sheet["allowed"]]
    orders += [m["id"] for m in picked]
    reasons += [f"{m['name']}: {chance(m):.0%} chance at escalation {m['escalation']}." for m in picked]
    return orders, reasons


def run_stdio() -> int:
    """Seated by wargame: read messages on stdin, answer each `turn` with one line."""
    rng = random.Random(0)  # a fixed seed: the same views get the same orders
    for line in sys.stdin:
        message = json.loads(line)
        if message["type"] == "turn":
            orders, reasons = choose(message["observation"], rng)
            print(json.dumps({"orders": orders, "reasons": reasons}), flush=True)
        # "hello" and any message type added later need no answer.
    return 0


class Refused(Exception):
    """The host refused a command (HTTP 409), saying why: the game goes on."""


def _call(url: str, code: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"Bearer {code}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            result: dict[str, Any] = json.load(response)
            return result
    except urllib.error.HTTPError as exc:
        try:
            problem = json.load(exc).get("message", exc.reason)
        except ValueError:
            problem = exc.reason
        if exc.code == 409:
            raise Refused(problem) from None
        raise SystemExit(f"agent: the host said: {problem}") from None  # a wrong or revoked code


def run_http(host: str, code: str) -> int:
    """Over the network: wait for each new turn (long poll), answer it, until the game ends."""
    host = host.rstrip("/")
    rng = random.Random(0)
    seen = -1
    while True:
        state = _call(f"{host}/api/v1/view?after={seen}", code)
        seen = state["version"]
        if state["role"] != "seat":
            raise SystemExit(f"agent: this code opens the {state['role']}, not a seat: use a team's code")
        observation = state["observation"]
        game = observation["game"]
        if game["over"]:
            print(f"game over: {game['ending']['title'] if game['ending'] else ''}", file=sys.stderr)
            return 0
        me = next(a for a in observation["actors"] if a["id"] == observation["viewer"]["seat"])
        if observation["seat"]["sealed"] is not None or state["room"]["paused"] or me["seat"]["kind"] != "human":
            continue  # our orders are in, the room is paused, or a computer plays our seat: wait for the next change
        orders, reasons = choose(observation, rng)
        try:
            _call(f"{host}/api/v1/orders", code, {"v": 1, "type": "orders", "turn": game["turn"], "orders": orders, "reasons": reasons})
        except Refused as exc:
            # The turn moved on (time ran out) or the room changed between the view and the
            # orders: say so, and decide again on the next view.
            print(f"agent: orders not sealed: {exc}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", help="a wargame host's URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("--code", help="the seat's join code (with --host)")
    args = parser.parse_args()
    if args.host:
        if not args.code:
            parser.error("--host needs --code")
        return run_http(args.host, args.code)
    return run_stdio()


if __name__ == "__main__":
    sys.exit(main())
