"""Messages over the wire: a private message reaches only its recipients and the
facilitator (checked on every message the host sends, at the moment it is sent), a closed
channel refuses with one line, and a flood of messages is slowed by the host."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from aiohttp.test_utils import TestServer
from test_live_host import state, url

from tests.conftest import DECKS
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.net.client import Client
from wargame.net.exercise import Exercise
from wargame.net.server import Host
from wargame.net.store import FACILITATOR, PROJECTOR, open_store

SECRET = "MEET-AT-PANMUNJOM"

HOTLINE = '''
[[channels]]
name = "direct"
title = "Direct messages"

[[channels]]
name = "hotline"
title = "The hotline"
members = ["us", "china"]
when = "tension >= 9"
'''


async def start(tmp_path: Path, deck: CompiledDeck) -> tuple[Host, TestServer, dict[str, str], list[tuple[str, str]]]:
    store = open_store(tmp_path / "s.sqlite3")
    ex, codes = Exercise.create(store, "talk", deck, {}, seed=5, facilitator=True)
    host = Host(ex)
    seen: list[tuple[str, str]] = []
    host.on_send = lambda role, text: seen.append((role, text))
    server = TestServer(await host.make_app())
    await server.start_server()
    return host, server, codes, seen


async def test_a_private_message_reaches_only_its_recipients_and_the_facilitator(tmp_path: Path) -> None:
    deck = load_deck_text((DECKS / "korea-2022.toml").read_text(encoding="utf-8") + HOTLINE, "korea-talk.toml")
    host, server, codes, seen = await start(tmp_path, deck)
    clients: dict[str, Client] = {}
    try:
        for role in [*deck.actors, FACILITATOR, PROJECTOR]:
            clients[role] = Client(url(server))
            await clients[role].connect(codes[role])
        us = clients["us"]
        await us.send({"type": "message", "channel": "direct", "to": ["china"], "text": SECRET})
        assert (await us.wait_for(lambda m: m["type"] in {"ok", "error"}))["of"] == "message"
        for role in ("us", "china", FACILITATOR):
            got = await state(clients[role], lambda s: any(m["text"] == SECRET for m in s["observation"]["messages"]))
            message = next(m for m in got["observation"]["messages"] if m["text"] == SECRET)
            assert (message["sender"], message["to"], message["channel"]) == ("us", ["china"], "direct")
        # A closed channel: one line, and nothing sent.
        await us.send({"type": "message", "channel": "hotline", "text": "Stand down"})
        error = await us.wait_for(lambda m: m["type"] == "error")
        assert error["of"] == "message" and error["message"].startswith("The hotline (hotline) is closed") and "\n" not in error["message"]
        # The facilitator mutes a channel; a seat on it is refused.
        await clients[FACILITATOR].send({"type": "mute", "channel": "direct"})
        await clients[FACILITATOR].wait_for(lambda m: m.get("of") == "mute")
        await clients["dprk"].send({"type": "message", "channel": "direct", "text": "anyone?"})
        assert "muted" in (await clients["dprk"].wait_for(lambda m: m["type"] == "error"))["message"]
        await asyncio.sleep(0.2)  # let the pushes of the mute go out
        for role, text in seen:
            if role not in {"us", "china", FACILITATOR}:
                assert SECRET not in text, role
        assert any(SECRET in text for role, text in seen if role == "china")
        assert "Stand down" not in "".join(text for _, text in seen)
    finally:
        for c in clients.values():
            await c.close()
        await server.close()
        host.exercise.store.close()


async def test_a_flood_of_messages_is_slowed(tmp_path: Path, decks: dict[str, CompiledDeck]) -> None:
    host, server, codes, _ = await start(tmp_path, decks["korea-2022"])
    try:
        dprk = Client(url(server))
        await dprk.connect(codes["dprk"])
        for n in range(12):
            await dprk.send({"type": "message", "channel": "direct", "to": ["us"], "text": f"spam {n}"})
        replies = [await dprk.wait_for(lambda m: m["type"] in {"ok", "error"}) for _ in range(12)]
        slowed = [r for r in replies if r["type"] == "error"]
        assert slowed and all("too many messages from North Korea" in r["message"] for r in slowed)
        assert len(host.exercise.session.talk.messages) == 12 - len(slowed)
        await dprk.close()
    finally:
        await server.close()
        host.exercise.store.close()


def test_agents_that_talk_play_a_whole_hosted_game_in_separate_processes(tmp_path: Path) -> None:
    """The host in its own process seats the United States with a talking program (stdin/
    stdout); China's talking agent plays over HTTP from another process. Each reads what the
    other wrote, a message on a channel that does not exist is refused with one line while
    its orders stand, and no other seat is ever sent their talk."""
    import subprocess
    import sys

    from hostproc import ROOT, HostProcess

    from wargame.net.store import open_store as store_at
    from wargame.saves.store import parse_save, verify

    script = ROOT / "tests" / "net" / "host" / "talking_agent.py"
    us_log, china_log = tmp_path / "us.jsonl", tmp_path / "china.jsonl"
    store = tmp_path / "s.sqlite3"
    seated = f"{sys.executable} {script} --to china --log {us_log}"
    host = HostProcess(["korea-2022", "--no-facilitator", "--port", "0", "--store", str(store), "--exercise", "t1", "--seed", "5",
                        "--turns", "3", "--no-browser", "--agent", f"talker={seated}",
                        "--seats", "us=agent[timeout=60]:talker,dprk=random,rok=random"], tmp_path)
    try:
        assert set(host.codes) == {"China"}
        china = subprocess.run([sys.executable, str(script), "--to", "us", "--log", str(china_log), "--host", host.url,
                                "--code", host.codes["China"]], capture_output=True, text=True, timeout=240, check=False)
        assert china.returncode == 0, china.stderr
        assert "message: ok" in china.stderr
        assert "message: error there is no channel 'no-such-channel'" in china.stderr
    finally:
        host.stop()
    with store_at(store) as s:
        save = parse_save(s.load_exercise("t1").save_json.encode(), "t1")
    assert save.ending is not None and verify(save).ok
    assert all(len(t.orders.get("us", [])) == 1 for t in save.history)  # its orders stood every turn
    senders = {(m.sender, tuple(m.to)) for m in save.messages}
    assert senders == {("us", ("china",)), ("china", ("us",))}
    us_heard = [json.loads(line) for line in us_log.read_text().splitlines()]
    china_heard = [json.loads(line) for line in china_log.read_text().splitlines()]
    assert any(m["sender"] == "china" for m in us_heard) and any(m["sender"] == "us" for m in china_heard)
    assert all({m["sender"], *m["to"]} <= {"us", "china"} for m in us_heard + china_heard)
