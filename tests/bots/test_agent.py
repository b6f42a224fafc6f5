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
from wargame.bots.base import make_bot
from wargame.bots.seats import Programs, SeatSpec
from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.errors import WargameError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = f"{sys.executable} {ROOT / 'examples' / 'agent.py'}"


def script(tmp_path: Path, body: str) -> str:
    path = tmp_path / "agent.py"
    path.write_text("import json, sys, time\n" + body)
    return f"{sys.executable} {path}"


def test_the_example_agent_plays_whole_games(tutorial: CompiledDeck) -> None:
    game = play_game(tutorial, 4, {"red": f"agent:{EXAMPLE}", "blue": "random"}, programs=Programs().with_inline([f"agent:{EXAMPLE}"]))
    assert game.is_over
    assert all(len(rec.orders["red"]) == 1 for rec in game.records)
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
    decision = bot.decide(game.view("blue"), game.available_moves("blue"), 1)
    assert decision.orders == ()
    bot.close()  # type: ignore[attr-defined]
    hello, turn = [json.loads(x) for x in log.read_text().splitlines()]
    assert hello == {"v": 1, "type": "hello", "seat": "blue", "deck": "tutorial"}
    view = turn["view"]
    assert view["seat"] == "blue" and {m["id"] for m in view["moves"]} <= {m.id for m in tutorial.moves_by_actor["blue"]}
    red_secret = [t for t in view["tracks"] if t["owner"] == "red" and t["secret"]]
    assert red_secret and all(t["value"] is None for t in red_secret)
    assert "deck_source" not in log.read_text() and "seed" not in log.read_text()


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
        bot.decide(game.view("red"), game.available_moves("red"), 1)
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
    bad = script(tmp_path, "for line in sys.stdin:\n    print('{\"orders\": [\"x\"]}', flush=True)\n")
    run = subprocess.run([sys.executable, "-m", "wargame", "simulate", "tutorial", "--games", "1", "--agent", f"bad={bad}", "--seats", "red=agent:bad"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    assert re.search(r"^the program for Red failed \d+ times; its stand-in, Computer \(doctrine: \w+\), played those turns$", run.stdout, re.MULTILINE)
    assert "Traceback" not in run.stderr
    assert bad not in run.stdout + run.stderr  # the command line (it may hold a key) is never printed
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
        d = alpha.decide(game.view("a"), game.available_moves("a"), 1)
        game.submit("a", d.orders)
        game.submit("b", bravo.decide(game.view("b"), game.available_moves("b"), 1).orders)
        game.submit("c", [])
        game.resolve()
        groups = json.loads(log.read_text().splitlines()[1])["view"]["move_groups"]
        assert [(g["base"], [t["move"] for t in g["targets"]]) for g in groups] == [("warn", ["warn@b", "warn@c"]), ("talks", ["talks@b", "talks@c"])]
        decision = bravo.decide(game.view("b"), game.available_moves("b"), 1)
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

