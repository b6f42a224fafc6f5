"""Agent seats: an outside program answers its seat's view with orders, within a time limit;
a late, broken or illegal answer stops with one clear `AgentError`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wargame.analysis.simulate import play_game
from wargame.bots.agent import AgentBot, AgentError, parse_answer
from wargame.bots.make import make_bot
from wargame.bots.seats import Programs, SeatSpec
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.errors import WargameError
from wargame.observe.build import observe
from wargame.observe.model import Observation
from wargame.observe.view import PlayerView

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = f"{sys.executable} {ROOT / 'examples' / 'agent.py'}"


def script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "agent.py"
    path.write_text("import json, sys, time\n" + body)
    return f"{sys.executable} {path}"


def test_the_example_agent_plays_whole_games(tutorial: CompiledDeck) -> None:
    game = play_game(tutorial, 4, {"red": f"agent:{EXAMPLE}", "blue": "random"}, programs=Programs().with_inline([f"agent:{EXAMPLE}"]))
    assert game.is_over
    # One ordinary order a week; answers to Blue's fishing deal cost no order.
    assert all(len([o for o in rec.orders["red"] if "/" not in o]) == 1 for rec in game.records)
    assert "red" in game.records[0].reasons


def test_agent_is_sent_its_seats_view_and_nothing_else(tmp_path: Path, tutorial: CompiledDeck) -> None:
    log = tmp_path / "seen.jsonl"
    cmd = script(tmp_path, f"""
for line in sys.stdin:
    open({str(log)!r}, "a").write(line)
    if json.loads(line)["type"] == "turn":
        print(json.dumps({{"orders": []}}), flush=True)
""")
    game = Game(tutorial, 2)
    bot = make_bot(SeatSpec.parse(f"agent:{cmd}"), tutorial, "blue", 2, programs=Programs({"spy": cmd}).with_inline([f"agent:{cmd}"]))
    decision = bot.decide(PlayerView(game, "blue"), game.available_moves("blue"), 1)
    assert decision.orders == ()
    bot.close()  # type: ignore[attr-defined]
    hello, turn = [json.loads(x) for x in log.read_text().splitlines()]
    assert hello == {"v": 2, "type": "hello", "seat": "blue", "deck": "tutorial", "time_limit": 10.0}  # and no seed
    assert set(turn) == {"v", "type", "observation"} and (turn["v"], turn["type"]) == (2, "turn")
    obs = turn["observation"]
    assert obs["viewer"]["seat"] == "blue" and {m["id"] for m in obs["seat"]["moves"]} <= {m.id for m in tutorial.moves_by_actor["blue"]}
    red_secret = [t for t in obs["tracks"] if t["owner"] == "red" and t["secret"]]
    assert red_secret and all(t["value"] is None and set(t["history"]) == {None} for t in red_secret)
    assert obs["control"] is None and "deck_source" not in log.read_text() and "seed" not in log.read_text()
    # Exactly the seat's observation, as the one builder makes it.
    assert Observation.model_validate(obs) == observe(game, "blue")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("for line in sys.stdin:\n    print('{\"orders\": [\"launch\"]}', flush=True)\n", "ordered 'launch' on turn 1, which is not one of its available moves"),
        ("for line in sys.stdin:\n    print('orders please', flush=True)\n", "answered turn 1 with something that is not JSON"),
        ("for line in sys.stdin:\n    print('{\"moves\": []}', flush=True)\n", 'without an "orders" list'),
        ("sys.stdin.readline()\nsys.exit(3)\n", "stopped without answering (exit status 3)"),
        ("for line in sys.stdin:\n    time.sleep(30)\n", "did not answer within 0.5 s"),
    ],
)
def test_bad_agents_fail_with_one_clear_line(tmp_path: Path, tutorial: CompiledDeck, body: str, message: str) -> None:
    game = Game(tutorial, 1)
    bot = AgentBot(script(tmp_path, body), tutorial, "red", 1, timeout=0.5)
    with pytest.raises(AgentError, match="the program for Red") as err:
        bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)
    assert message in str(err.value) and "\n" not in str(err.value)
    bot.close()


def test_answers_are_checked_against_the_allowance() -> None:
    class M:
        def __init__(self, id: str) -> None:
            self.id = id
            self.answer = None  # not an answer to an offer: it costs an order

    legal = [M("a"), M("b")]
    assert parse_answer(b'{"orders": ["a"], "reasons": ["why"]}', legal, 1, "agent", 1).reasons == ("why",)  # type: ignore[arg-type]
    with pytest.raises(AgentError, match="gave 2 orders on turn 1; at most 1 are allowed"):
        parse_answer(b'{"orders": ["a", "b"]}', legal, 1, "agent", 1)  # type: ignore[arg-type]
    with pytest.raises(AgentError, match="the same move twice"):
        parse_answer(b'{"orders": ["a", "a"]}', legal, 2, "agent", 1)  # type: ignore[arg-type]


def test_seat_specs_for_agents() -> None:
    assert str(SeatSpec.parse("agent:python examples/agent.py")) == "agent:python examples/agent.py"
    with pytest.raises(WargameError, match="an agent seat needs a program"):
        SeatSpec.parse("agent:")


def test_a_missing_program_is_a_clear_error(tutorial: CompiledDeck) -> None:
    with pytest.raises(AgentError, match=r"cannot start \(no-such-program-xyz\)"):
        AgentBot("no-such-program-xyz", tutorial, "red", 1)


def test_simulate_seats_an_agent_and_goes_on_past_a_bad_one(tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "wargame", "simulate", "tutorial", "--games", "2", "--seats", f"red=agent:{EXAMPLE}"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "the program for Red" not in ok.stdout  # it played every turn itself
    assert EXAMPLE not in ok.stdout + ok.stderr and "Red played agent:(command line)" in ok.stdout  # a command line stays with who typed it
    bad = script(tmp_path, "for line in sys.stdin:\n    print('{\"orders\": [\"x\"]}', flush=True)\n")
    run = subprocess.run([sys.executable, "-m", "wargame", "simulate", "tutorial", "--games", "1", "--agent", f"bad={bad}", "--seats", "red=agent:bad"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    assert re.search(r"^the program for Red failed \d+ times; its stand-in, Computer \(doctrine: \w+\), played those turns$", run.stdout, re.MULTILINE)
    assert "Traceback" not in run.stderr
    assert bad not in run.stdout + run.stderr  # the command line (it may hold a key) is never printed
    assert "Red played agent:bad" in run.stdout  # a program by its name
    missing = subprocess.run([sys.executable, "-m", "wargame", "simulate", "tutorial", "--games", "1", "--seats", "red=agent:no-such-program-xyz"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert missing.returncode == 2 and missing.stderr.startswith("error: the program for Red") and "cannot start" in missing.stderr


def test_an_agent_answers_an_offer_made_to_its_seat(tmp_path: Path) -> None:
    """The example agent, seated as Bravo, is sent Alpha's offer with what each answer does,
    accepts it (an answer costs no order, so it still orders a move), and the game ends in
    talks; Alpha's agent is sent its targeted moves grouped by the move the deck wrote."""
    from wargame.deck.loader import load_deck

    deck = load_deck(ROOT / "tests" / "decks_format" / "offers.toml")
    log = tmp_path / "alpha.jsonl"
    alpha_cmd = script(tmp_path, f"""
for line in sys.stdin:
    open({str(log)!r}, "a").write(line)
    if json.loads(line)["type"] == "turn":
        print(json.dumps({{"orders": ["talks@b"]}}), flush=True)
""")
    game = Game(deck, 3)
    programs = Programs({"alpha": alpha_cmd, "bravo": EXAMPLE})
    alpha = make_bot(SeatSpec.parse("agent:alpha"), deck, "a", 3, programs=programs)
    bravo = make_bot(SeatSpec.parse("agent:bravo"), deck, "b", 3, programs=programs)
    try:
        d = alpha.decide(PlayerView(game, "a"), game.available_moves("a"), 1)
        game.submit("a", d.orders)
        game.submit("b", bravo.decide(PlayerView(game, "b"), game.available_moves("b"), 1).orders)
        game.submit("c", [])
        game.resolve()
        groups = json.loads(log.read_text().splitlines()[1])["observation"]["seat"]["groups"]
        assert [(g["base"], [t["move"] for t in g["targets"]]) for g in groups] == [("warn", ["warn@b", "warn@c"]), ("talks", ["talks@b", "talks@c"])]
        decision = bravo.decide(PlayerView(game, "b"), game.available_moves("b"), 1)
        assert decision.orders == ("talks@b/accept", "wait")
        assert decision.reasons[0] == "Accept Alpha's offer (Offer talks to Bravo): Tension −2."
        game.submit("b", decision.orders)
        game.submit("a", [])
        game.submit("c", [])
        game.resolve()
        assert game.is_over and game.ending is not None and game.ending.id == "calm"
    finally:
        alpha.close()  # type: ignore[attr-defined]
        bravo.close()  # type: ignore[attr-defined]


def test_answers_cost_an_agent_no_order() -> None:
    """`parse_answer` counts only the moves that are not answers against the allowance."""
    from wargame.deck.loader import load_deck

    deck = load_deck(ROOT / "tests" / "decks_format" / "offers.toml")
    legal = [deck.moves[deck.move_index[m]] for m in ("talks@b/accept", "wait")]
    assert parse_answer(b'{"orders": ["talks@b/accept", "wait"]}', legal, 1, "agent", 2).orders == ("talks@b/accept", "wait")
    with pytest.raises(AgentError, match="not one of its available moves"):
        parse_answer(b'{"orders": ["talks@b/refuse"]}', legal, 1, "agent", 2)



@pytest.mark.parametrize("case", ["refused", "paused", "computer"])
def test_the_example_agent_over_http_goes_on_when_it_should_not_or_cannot_seal(case: str, tutorial: CompiledDeck) -> None:
    """`examples/agent.py --host`: orders refused (the turn moved on between the view and
    the orders) are reported and the agent waits for the next view; a paused room, or a
    seat the facilitator gave to a computer, gets no orders; the end ends it cleanly.
    (A whole game against a real host: tests/net/host/test_processes.py.)"""
    import asyncio

    from aiohttp import web
    from aiohttp.test_utils import TestServer

    from wargame.observe.model import RoomInfo, RoomSeat

    game = Game(tutorial, 5)
    seats = {"red": "random" if case == "computer" else "human", "blue": "human"}
    first = observe(game, "red", seats=seats).model_dump(mode="json")
    while not game.is_over:
        game.submit("red", [])
        game.submit("blue", [])
        game.resolve()
    last = observe(game, "red", seats=seats).model_dump(mode="json")
    room = RoomInfo(seats=[RoomSeat(actor="red", sealed=False), RoomSeat(actor="blue", sealed=False)], paused=case == "paused").model_dump(mode="json")
    posted: list[dict[str, object]] = []
    asked: list[str] = []

    async def view(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == "Bearer K7QM-2XHT-9ABP"
        after = int(request.query["after"])
        asked.append(str(after))
        state = {"type": "state", "version": 1 if after < 1 else 2, "role": "seat", "room": room, "observation": first if after < 1 else last}
        return web.json_response(state)

    async def orders(request: web.Request) -> web.Response:
        posted.append(await request.json())
        return web.json_response({"type": "error", "message": "these orders are for week 1, but week 2 is being played now: they were not sealed"}, status=409)

    async def run() -> tuple[int, str]:
        app = web.Application()
        app.add_routes([web.get("/api/v1/view", view), web.post("/api/v1/orders", orders)])
        server = TestServer(app)
        await server.start_server()
        try:
            url = str(server.make_url("")).rstrip("/")
            proc = await asyncio.create_subprocess_exec(sys.executable, str(ROOT / "examples" / "agent.py"), "--host", url, "--code", "K7QM-2XHT-9ABP",
                                                        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            _out, err = await asyncio.wait_for(proc.communicate(), 60)
            assert proc.returncode is not None
            return proc.returncode, err.decode()
        finally:
            await server.close()

    code, err = asyncio.run(run())
    assert code == 0, err
    assert asked == ["-1", "1"] and "game over" in err and "Traceback" not in err
    if case == "refused":
        assert [p["turn"] for p in posted] == [1] and len(posted[0]["orders"]) == 1  # type: ignore[arg-type]
        assert "orders not sealed: these orders are for week 1" in err
    else:
        assert posted == []


def test_an_agent_answering_one_offer_twice_is_refused_in_one_line() -> None:
    """Accept and refuse of the same offer: refused by the agent's check (so its stand-in
    plays), in the engine's words, not left for `Game.submit` to fail the game."""
    from wargame.deck.loader import load_deck

    deck = load_deck(ROOT / "tests" / "decks_format" / "offers.toml")
    legal = [deck.moves[deck.move_index[m]] for m in ("talks@b/accept", "talks@b/refuse", "wait")]
    with pytest.raises(AgentError, match="answered one offer twice on turn 2: an offer is answered once") as err:
        parse_answer(b'{"orders": ["talks@b/accept", "talks@b/refuse"]}', legal, 1, "agent", 2)
    assert "\n" not in str(err.value)
