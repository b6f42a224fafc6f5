"""A test agent that talks: seated by wargame (stdin/stdout) or over HTTP with a code.

Each turn it orders its first available move, writes one message to `--to` on the
`direct` channel, and appends every message it was shown (one JSON line each) to `--log`,
so a test can check what reached it. Standard library only, like examples/agent.py."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any


def answer(observation: dict[str, Any], to: str, log: str) -> dict[str, Any]:
    with open(log, "a", encoding="utf-8") as f:
        f.writelines(json.dumps({"seat": observation["viewer"]["seat"], **m}) + "\n" for m in observation["messages"])
    seat = observation["seat"]
    first = next((m["id"] for m in seat["moves"] if m["available"] and m["answer"] is None), None)
    turn = observation["game"]["turn"]
    heard = len(observation["messages"])
    channels = {c["name"]: c for c in observation["channels"]}
    said = [{"channel": "direct", "to": [to], "text": f"turn {turn}: I have heard {heard} messages"}]
    said.append({"channel": "no-such-channel", "text": "refused, orders stand"})
    assert channels["direct"]["open"] != observation["game"]["over"]  # closed at the end
    return {"orders": [first] if first else [], "reasons": ["talks, then acts"], "messages": said}


def call(url: str, code: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Authorization": f"Bearer {code}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            result: dict[str, Any] = json.load(response)
            return result
    except urllib.error.HTTPError as exc:
        return {"type": "error", "status": exc.code, "message": json.load(exc).get("message", "")}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--to", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--host", default="")
    p.add_argument("--code", default="")
    args = p.parse_args()
    if not args.host:
        for line in sys.stdin:
            message = json.loads(line)
            if message["type"] == "turn":
                print(json.dumps(answer(message["observation"], args.to, args.log)), flush=True)
        return 0
    host, seen = args.host.rstrip("/"), -1
    while True:
        state = call(f"{host}/api/v1/view?after={seen}", args.code)
        seen = state["version"]
        observation = state["observation"]
        if observation["game"]["over"]:
            answer(observation, args.to, args.log)
            print("game over", file=sys.stderr)
            return 0
        if observation["seat"]["sealed"] is not None:
            continue
        reply = answer(observation, args.to, args.log)
        for m in reply["messages"]:
            got = call(f"{host}/api/v1/orders", args.code, {"v": 1, "type": "message", **m})
            print(f"message: {got.get('type')} {got.get('message', '')}", file=sys.stderr)
        turn = observation["game"]["turn"]
        call(f"{host}/api/v1/orders", args.code, {"v": 1, "type": "orders", "turn": turn, "orders": reply["orders"]})


if __name__ == "__main__":
    sys.exit(main())
