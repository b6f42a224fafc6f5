"""Agent seats are held to their time limit for real: a program that never reads its view,
floods its output or never answers is cut off within the limit, its whole process group
ends (on a failed turn, on close, when wargame is stopped), and the game goes on with the
seat's stand-in, the save saying so.

No test here measures time: each asserts what happened (the outcome, the processes left).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from wargame.analysis.report import summary_csv, summary_text
from wargame.analysis.simulate import play_game, simulate
from wargame.bots.agent import MAX_STRIKES, AgentBot, AgentFailed, AgentTimeout
from wargame.bots.make import make_bot
from wargame.bots.seats import DEFAULT_TIMEOUT, Programs, SeatSpec, default_computer, seat_label
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.errors import WargameError
from wargame.observe.view import PlayerView
from wargame.saves.store import new_save, verify

ROOT = Path(__file__).resolve().parents[2]
F_SETPIPE_SZ = 1031  # Linux: set a pipe's capacity (the smallest is one page)


def script(tmp_path: Path, body: str, name: str = "agent.py") -> str:
    path = tmp_path / name
    path.write_text("import json, os, subprocess, sys, time\n" + body)
    return f"{sys.executable} {path}"


def group_members(pgid: int) -> list[int]:
    """The live processes (not zombies) in process group `pgid`."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in {"Z", "X"}:
            out.append(int(entry.name))
    return out


def gone(pgid: int) -> bool:
    """Whether every process of the group has died (SIGKILL is delivered at once, but a
    process takes a moment to be torn down: look again a few times before saying no)."""
    for _ in range(500):
        if not group_members(pgid):
            return True
        time.sleep(0.01)
    return False


def wait_for(path: Path) -> str:
    for _ in range(3000):
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.01)
    raise AssertionError(f"{path} never appeared")


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")

# The program starts a child (in its group, as a shell or a model server would), writes its
# pid, then never reads its input. `{ready}` is written once the pipe is as small as it gets.
NEVER_READS = """
import fcntl
fcntl.fcntl(0, {setpipe}, 4096)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
open({ready!r}, "w").write(str(os.getpid()))
time.sleep(600)
"""


@needs_proc
def test_an_agent_that_never_reads_its_view_is_cut_off_and_its_group_ended(tmp_path: Path) -> None:
    """Our write of a view larger than its pipe used to block for ever (the host stalled at
    turn 3 for good): it is now non-blocking and bounded by the same time limit."""
    korea = load_deck(ROOT / "decks" / "korea-2022.toml")
    ready = tmp_path / "ready"
    bot = AgentBot(script(tmp_path, NEVER_READS.format(setpipe=F_SETPIPE_SZ, ready=str(ready))), korea, korea.actors[0], 1, timeout=0.5)
    pid = int(wait_for(ready))
    assert len(group_members(pid)) == 2  # it and its child
    game = Game(korea, 1)
    actor = korea.actors[0]
    with pytest.raises(AgentTimeout) as err:
        bot.decide(PlayerView(game, actor), game.available_moves(actor), game.orders_allowed(actor))
    assert err.value.detail == "did not read its view within 0.5 s"
    assert err.value.kind == "overran" and err.value.seat == actor and err.value.limit == 0.5
    assert gone(pid)
    bot.close()


@needs_proc
@pytest.mark.parametrize(
    ("body", "error", "detail"),
    [
        # A torrent with no newline: refused at 1 MiB, never buffered for ever.
        ("while True:\n    sys.stdout.buffer.write(b'x' * 65536)\n    sys.stdout.flush()\n", AgentFailed, "sent a line longer than 1048576 bytes"),
        # A trickle that never ends its line: cut off at the time limit.
        ("while True:\n    sys.stdout.buffer.write(b'x')\n    sys.stdout.flush()\n    time.sleep(0.01)\n", AgentTimeout, "did not answer within 0.5 s"),
        # Reads every view, answers none, and holds a child.
        ("child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\nfor line in sys.stdin:\n    pass\n", AgentTimeout, "did not answer within 0.5 s"),
    ],
    ids=["flood", "trickle", "silent"],
)
def test_a_flooding_or_silent_agent_is_cut_off_and_leaves_no_process(tmp_path: Path, tutorial: CompiledDeck, body: str, error: type, detail: str) -> None:
    pidfile = tmp_path / "pid"
    bot = AgentBot(script(tmp_path, f"open({str(pidfile)!r}, 'w').write(str(os.getpid()))\n" + body), tutorial, "red", 1, timeout=0.5)
    pid = int(wait_for(pidfile))
    game = Game(tutorial, 1)
    with pytest.raises(error) as err:
        bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)
    assert err.value.detail == detail
    assert "\n" not in str(err.value) and str(err.value).startswith("the program for Red ")
    assert gone(pid)
    bot.close()


@needs_proc
def test_close_ends_a_program_that_ignores_end_of_file_and_its_children(tmp_path: Path, tutorial: CompiledDeck) -> None:
    pidfile = tmp_path / "pid"
    body = f"""
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
open({str(pidfile)!r}, "w").write(str(os.getpid()))
for line in sys.stdin:
    print(json.dumps({{"orders": []}}), flush=True)
time.sleep(600)  # deaf to end-of-file
"""
    bot = AgentBot(script(tmp_path, body), tutorial, "red", 1, timeout=5)
    game = Game(tutorial, 1)
    assert bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1).orders == ()
    pid = int(wait_for(pidfile))
    assert len(group_members(pid)) == 2
    bot.close()
    assert gone(pid)
    bot.close()  # twice is harmless
    with pytest.raises(AgentFailed, match="was closed"):
        bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)


@needs_proc
@pytest.mark.parametrize(
    ("sig", "jobs"),
    [(signal.SIGTERM, 1), (signal.SIGHUP, 1), (signal.SIGTERM, 2)],
    ids=["SIGTERM", "SIGHUP", "SIGTERM-two-workers"],
)
def test_stopping_wargame_ends_its_programs(tmp_path: Path, sig: signal.Signals, jobs: int) -> None:
    """`wargame simulate` stopped by a signal while its programs think: every program (in
    a process group of its own, so the terminal's signals do not reach it) ends too, also
    those that its worker processes started."""
    cmd = script(tmp_path, f"""
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
for line in sys.stdin:
    if json.loads(line)["type"] == "turn":
        open(os.path.join({str(tmp_path)!r}, f"pid-{{os.getpid()}}"), "w").write(str(os.getpid()))
        time.sleep(600)
""")
    proc = subprocess.Popen(
        [sys.executable, "-m", "wargame", "simulate", "tutorial", "--games", str(jobs), "--jobs", str(jobs),
         "--agent", f"slow={cmd}", "--seats", "red=agent[timeout=600]:slow"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        for _ in range(3000):
            if len(list(tmp_path.glob("pid-*"))) == jobs:
                break
            time.sleep(0.01)
        pids = [int(wait_for(p)) for p in tmp_path.glob("pid-*")]
        assert len(pids) == jobs and all(len(group_members(pid)) == 2 for pid in pids)
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == -sig
        assert all(gone(pid) for pid in pids)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


SILENT = "for line in sys.stdin:\n    pass\n"  # reads every view, answers none, stops at end-of-file


def test_a_turn_the_program_overruns_is_played_by_the_stand_in_and_the_save_says_so(tmp_path: Path, tutorial: CompiledDeck) -> None:
    cmd = script(tmp_path, SILENT)
    failures: Counter[tuple[str, str]] = Counter()
    game = play_game(tutorial, 5, {"red": "agent[timeout=0.5]:silent", "blue": "random"}, programs=Programs({"silent": cmd}), failures=failures)
    assert game.is_over
    turns = len(game.records)
    assert turns > MAX_STRIKES
    stand_in = make_bot(default_computer(tutorial, "red"), tutorial, "red", 5)
    for rec in game.records[:MAX_STRIKES]:
        assert all(r.startswith(f"(the program did not answer in time (0.5 s): {stand_in.label} stood in) ") for r in rec.reasons["red"])
    for rec in game.records[MAX_STRIKES:]:
        # Not started again after failing three turns in a row: the stand-in plays on.
        assert all(r.startswith(f"(the program failed: failed {MAX_STRIKES} turns in a row and is not started again this game: {stand_in.label} stood in)") for r in rec.reasons["red"])
    assert failures == Counter({("red", "overran"): MAX_STRIKES, ("red", "failed"): turns - MAX_STRIKES})
    save = new_save(game, {"red": "agent[timeout=0.5]:silent", "blue": "random"})
    assert verify(save).ok
    assert all(cmd not in r for rec in save.history for rs in rec.reasons.values() for r in rs)  # never the command line


def test_simulate_goes_on_and_reports_the_turns_a_program_could_not_play(tmp_path: Path, tutorial: CompiledDeck) -> None:
    programs = Programs({"silent": script(tmp_path, SILENT), "confused": script(tmp_path, "for line in sys.stdin:\n    if json.loads(line)['type'] == 'turn':\n        print('{\"orders\": [\"launch\"]}', flush=True)\n", "confused.py")})
    seats = {"red": "agent[timeout=0.5]:silent", "blue": "agent:confused"}
    summary = simulate(tutorial, 2, seed=3, seats=seats, programs=programs)
    assert summary.games == 2
    red, blue = summary.programs["red"], summary.programs["blue"]
    assert red["overran"] == 2 * MAX_STRIKES and red["failed"] == summary.mean_turns * 2 - 2 * MAX_STRIKES
    assert set(blue) == {"failed"} and blue["failed"] == summary.mean_turns * 2
    text = summary_text(tutorial, summary)
    stand_in = seat_label(default_computer(tutorial, "red"))
    assert f"the program for Red overran {2 * MAX_STRIKES} times and failed {red['failed']} times; its stand-in, {stand_in}, played those turns" in text
    assert "the program for Blue failed" in text
    assert summary.to_json()["programs"] == summary.programs
    assert f"program_overran,red,,{2 * MAX_STRIKES}" in summary_csv(summary)


def test_the_cli_simulate_goes_on_when_a_program_overruns(tmp_path: Path) -> None:
    cmd = script(tmp_path, SILENT)
    run = subprocess.run(
        [sys.executable, "-m", "wargame", "simulate", "tutorial", "--games", "1", "--agent", f"silent={cmd}", "--seats", "red=agent[timeout=0.5]:silent"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert f"the program for Red overran {MAX_STRIKES} times" in run.stdout and "its stand-in" in run.stdout
    assert cmd not in run.stdout + run.stderr


def test_a_seat_sets_its_own_time_limit() -> None:
    spec = SeatSpec.parse("agent[timeout=120]:llm")
    assert (spec.kind, spec.arg, spec.timeout, spec.time_limit) == ("agent", "llm", 120.0, 120.0)
    assert str(spec) == "agent[timeout=120]:llm" and SeatSpec.parse(str(spec)) == spec
    assert SeatSpec.parse(" Agent [ timeout = 0.5 ] :python x.py").timeout == 0.5
    assert SeatSpec.parse("agent:llm").time_limit == DEFAULT_TIMEOUT and str(SeatSpec.parse("agent:llm")) == "agent:llm"
    assert seat_label(spec) == "Computer (a program)" and "120" not in seat_label(spec, facilitator=True)
    for bad, message in [
        ("agent[timeout=0]:llm", "from 0.1 to 3600"),
        ("agent[timeout=nan]:llm", "from 0.1 to 3600"),
        ("agent[timeout=soon]:llm", "from 0.1 to 3600"),
        ("agent[budget=3]:llm", "the one option is timeout=SECONDS"),
        ("doctrine[timeout=3]:hardliner", "only an agent seat takes options"),
        ("agent[timeout=3:llm", "unknown seat kind"),
    ]:
        with pytest.raises(WargameError, match=message):
            SeatSpec.parse(bad)


def test_make_bot_gives_the_program_its_seats_time_limit(tmp_path: Path, tutorial: CompiledDeck) -> None:
    cmd = script(tmp_path, SILENT)
    bot = make_bot("agent[timeout=0.7]:silent", tutorial, "red", 1, programs=Programs({"silent": cmd}))
    try:
        assert isinstance(bot, AgentBot) and bot.timeout == 0.7
    finally:
        bot.close()


@needs_proc
def test_close_from_another_thread_stops_a_decision_under_way(tmp_path: Path, tutorial: CompiledDeck) -> None:
    """The host decides in a worker thread; the game ending (or the seat changing hands)
    closes the bot from the loop thread: the decision fails at once, the group ends."""
    import threading

    turn = tmp_path / "turn"
    body = f"""
for line in sys.stdin:
    if json.loads(line)["type"] == "turn":
        open({str(turn)!r}, "w").write(str(os.getpid()))
        time.sleep(600)
"""
    bot = AgentBot(script(tmp_path, body), tutorial, "red", 1, timeout=600)
    game = Game(tutorial, 1)
    outcome: list[BaseException] = []

    def decide() -> None:
        try:
            bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=decide, daemon=True)
    worker.start()
    pid = int(wait_for(turn))
    bot.close()
    worker.join(timeout=60)
    assert not worker.is_alive()
    [err] = outcome
    assert isinstance(err, AgentFailed) and err.detail == "was closed: the game is over or the seat changed hands"
    assert gone(pid)


def test_a_program_is_started_afresh_after_an_overrun_and_keeps_running_after_a_refused_answer(tmp_path: Path, tutorial: CompiledDeck) -> None:
    """Turn 1 it sleeps past the limit (ended, restarted with a new hello); then it answers
    with a move that does not exist (refused, kept running); then it answers well."""
    log = tmp_path / "log"
    body = f"""
for line in sys.stdin:
    msg = json.loads(line)
    open({str(log)!r}, "a").write(f"{{os.getpid()}} {{msg['type']}}\\n")
    if msg["type"] != "turn":
        continue
    turns = sum(1 for l in open({str(log)!r}) if l.split()[1] == "turn")
    if turns == 1:
        time.sleep(600)
    print(json.dumps({{"orders": ["launch"] if turns == 2 else []}}), flush=True)
"""
    bot = AgentBot(script(tmp_path, body), tutorial, "red", 1, timeout=0.5)
    game = Game(tutorial, 1)

    def decide() -> object:
        return bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)

    with pytest.raises(AgentTimeout):
        decide()
    with pytest.raises(AgentFailed, match="ordered 'launch' on turn 1"):
        decide()
    assert decide() == bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)  # stands pat, twice
    bot.close()
    seen = [line.split() for line in log.read_text().splitlines()]
    first, second = seen[0][0], seen[2][0]
    assert first != second  # a new process after the overrun
    assert seen == [[first, "hello"], [first, "turn"], [second, "hello"], [second, "turn"], [second, "turn"], [second, "turn"]]
    assert bot.strikes == 0


def test_after_three_failed_turns_in_a_row_the_program_is_not_started_again(tmp_path: Path, tutorial: CompiledDeck) -> None:
    count = tmp_path / "starts"
    body = f"""
open({str(count)!r}, "a").write("x")
for line in sys.stdin:
    if json.loads(line)["type"] == "turn":
        print("not json", flush=True)
"""
    bot = AgentBot(script(tmp_path, body), tutorial, "red", 1, timeout=5)
    game = Game(tutorial, 1)
    for _ in range(MAX_STRIKES):
        with pytest.raises(AgentFailed, match="something that is not JSON"):
            bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)
    with pytest.raises(AgentFailed, match=f"failed {MAX_STRIKES} turns in a row and is not started again this game"):
        bot.decide(PlayerView(game, "red"), game.available_moves("red"), 1)
    assert count.read_text() == "x"  # one start: a refused answer does not restart it
    bot.close()


def test_autoplay_goes_on_and_says_which_turns_the_stand_in_played(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from wargame.cli import cli
    from wargame.saves.store import read_save

    cmd = script(tmp_path, SILENT)
    out = tmp_path / "game.json"
    result = CliRunner().invoke(
        cli, ["autoplay", "tutorial", "--seed", "5", "--quiet", "--save", str(out), "--agent", f"silent={cmd}", "--seats", "red=agent[timeout=0.5]:silent"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"note: the program for Red overran {MAX_STRIKES} times and failed" in result.stderr
    save = read_save(out)
    assert save.seats["red"] == "agent[timeout=0.5]:silent"
    assert save.history[0].reasons["red"][0].startswith("(the program did not answer in time (0.5 s): ")
    assert verify(save).ok
