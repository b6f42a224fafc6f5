"""A computer seat played by an outside program: one JSON line in, one JSON line out.

The program (any language) talks over its stdin/stdout as docs/agent-protocol.md describes:
it is sent its seat's `Observation` (the one every screen and client reads, built from the
seat's view alone)
and answers with orders within the seat's time limit. It runs in a process group of its
own, with pipes we never block on, and that whole group is ended when it overruns or fails
a turn, when the game closes it, and when wargame exits or is stopped (SIGTERM, SIGHUP): no
program outlives its game. A turn it cannot play raises `AgentTimeout` or `AgentFailed`;
the caller's stand-in covers it (`cover`), and the reasons recorded say so.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import shlex
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

from wargame.bots.base import Bot, Decision, Said
from wargame.bots.seats import DEFAULT_TIMEOUT, PROGRAM_NAME
from wargame.deck.compile import CMove, CompiledDeck
from wargame.errors import WargameError
from wargame.observe.build import observe_view
from wargame.observe.model import OBSERVATION_VERSION
from wargame.observe.view import PlayerView
from wargame.text import cut

MAX_LINE = 1 << 20
"""An answer longer than this (1 MiB) is refused rather than buffered for ever."""
GRACE = 1.0
"""Seconds a program may take to stop after end-of-file before its process group is killed."""
MAX_STRIKES = 3
"""Turns in a row a program may fail before it is no longer started again for the game."""
_CHUNK = 65536


class AgentError(WargameError):
    """A program could not play its seat's turn. The message is one line naming the seat
    and the program (never its command line); the fields say what happened, for the
    controller and the save. The program's processes are already ended when it is raised."""

    kind = "failed"
    """`overran` (`AgentTimeout`) or `failed` (`AgentFailed`): for counts and notices."""

    def __init__(self, message: str, detail: str, *, seat: str = "", program: str = "") -> None:
        super().__init__(message)
        self.detail = detail
        """What happened, without the seat: "did not answer within 10 s"."""
        self.seat = seat
        """The actor whose program it is ("" when not known, as in `parse_answer`)."""
        self.program = program
        """The program's name from `--agent NAME=...` ("" for a command typed inline)."""

    @property
    def summary(self) -> str:
        """What a record of the turn says about the program (the save's reasons)."""
        return f"the program failed: {cut(self.detail, 160)}"


class AgentTimeout(AgentError):
    """The program did not read its view or did not answer within the seat's time limit."""

    kind = "overran"

    def __init__(self, message: str, detail: str, *, limit: float, seat: str = "", program: str = "") -> None:
        super().__init__(message, detail, seat=seat, program=program)
        self.limit = limit
        """The time limit it overran, in seconds."""

    @property
    def summary(self) -> str:
        return f"the program did not answer in time ({self.limit:g} s)"


class AgentFailed(AgentError):
    """The program would not start, stopped, flooded its output, or answered badly."""


def cover(error: AgentError, stand_in: Bot | None, view: PlayerView, legal: Sequence[CMove], allowed: int) -> Decision:
    """The seat's decision for a turn its program failed: the stand-in's orders (`stand_in`,
    e.g. a bot for `seats.default_computer`), or none when it is None (the seat stands pat).

    Every reason starts with what happened to the program ("(the program did not answer
    in time (10 s): Doctrine: hardliner stood in) ..."), so the save, the facilitator and
    the debrief show that the program did not choose these orders."""
    if stand_in is None:
        return Decision((), (f"({error.summary}: stood pat)",))
    decision = stand_in.decide(view, legal, allowed)
    head = f"({error.summary}: {stand_in.label} stood in)"
    return Decision(decision.orders, tuple(f"{head} {r}" for r in decision.reasons) or (head,))


# -- every program this process started, to end them all when it stops -----------------
_LIVE: set[_Run] = set()
_LIVE_LOCK = threading.Lock()
_WATCHING = {"exit": False, "signals": False}


def end_all_programs() -> None:
    """Kill the process group of every program still running (at exit, on SIGTERM/SIGHUP).

    Safe in a signal handler: takes no lock and waits for nothing."""
    for run in list(_LIVE):
        run.kill()


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    # The default action of these signals ends Python without `atexit`: end the programs
    # first, then die of the same signal (the exit status a supervisor expects).
    end_all_programs()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _watch_exit() -> None:
    """Make sure our programs end with us: at exit, and on SIGTERM or SIGHUP where nothing
    else handles them (a host's web server handles SIGTERM itself and exits normally).
    Signal handlers can be set only from the main thread: a program first started from
    another thread gets them when one is next started from the main thread."""
    if not _WATCHING["exit"]:
        _WATCHING["exit"] = True
        atexit.register(end_all_programs)
    if _WATCHING["signals"] or threading.current_thread() is not threading.main_thread():
        return
    _WATCHING["signals"] = True
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, _on_signal)


class _Run:
    """One run of the program: a process group of its own and non-blocking pipes.

    Only the thread that owns the run (the one deciding, or closing when none decides)
    closes its pipes: another thread only kills the group, which makes any read or write
    in progress fail at once (a pipe closed under a waiting thread could be reused)."""

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, start_new_session=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin
        self.stdout = self.proc.stdout
        os.set_blocking(self.stdin.fileno(), False)
        os.set_blocking(self.stdout.fileno(), False)
        self.buffer = b""
        self.ended = False
        _LIVE.add(self)

    def kill(self) -> None:
        """SIGKILL to the whole group, at once, from any thread. The leader is not reaped
        here, so its pid (the group's id) cannot be reused before the group is gone."""
        if self.proc.returncode is not None:
            return  # reaped: its pid may belong to someone else now
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def exited(self) -> bool:
        """Whether the leader has exited (without reaping it)."""
        try:
            return os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def end(self, grace: float) -> int:
        """End the run (its owner only): end-of-file on its input, up to `grace` seconds for
        the leader to stop, then every process left in its group killed and the leader
        reaped. Returns the leader's exit status (negative: the signal that ended it).
        Idempotent."""
        with _LIVE_LOCK:
            first = not self.ended
            self.ended = True
            _LIVE.discard(self)
        if first:
            try:
                self.stdin.close()
            except OSError:
                pass
            waited = 0.0
            while waited < grace and not self.exited():
                time.sleep(0.01)  # a real pause, not a measurement: polls the exit
                waited += 0.01
            self.kill()  # its children too, even when the leader stopped by itself
        code = self.proc.wait()
        try:
            self.stdout.close()
        except OSError:
            pass
        return code


def _end_run(holder: list[_Run | None]) -> None:
    run = holder[0]
    holder[0] = None
    if run is not None:
        run.end(GRACE)


class AgentBot:
    """A seat whose orders come from the program `command` (a shell-style command line).

    `decide` raises `AgentTimeout` or `AgentFailed` for a turn the program cannot play.
    One that overran, stopped or flooded its output is ended at once and started afresh
    (a new `hello`) for its next turn; one whose answer came in time but was refused keeps
    running. After `MAX_STRIKES` failed turns in a row it is ended and not started again:
    every later `decide` raises `AgentFailed` at once. `close` ends it; it may be called
    from another thread while `decide` waits (which then raises `AgentFailed` at once)."""

    explain = True

    def __init__(
        self,
        command: str,
        deck: CompiledDeck,
        actor: str,
        seed: int,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        name: str = "",
    ) -> None:
        """Start `command`. Only `make_bot` calls this, with a command from `Programs`
        (this run's command line or the person's settings), never one read from data."""
        if not command.strip():
            raise WargameError("an agent seat needs a command, e.g. agent:python examples/agent.py")
        self.deck = deck
        self.actor = actor
        self.timeout = timeout
        self.clock = clock
        self.name = name if PROGRAM_NAME.match(name) else ""
        self.label = f"Program ({self.name})" if self.name else "A program"
        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise WargameError(f"the program for {deck.actor_name(actor)}: its command line cannot be split: {exc}") from None
        if not self.argv:
            raise WargameError("an agent seat needs a command, e.g. agent:python examples/agent.py")
        self.strikes = 0
        """Turns failed in a row (reset by a good answer)."""
        self.closed = False
        self._busy = False
        self._hello: bytes | None = None
        self._holder: list[_Run | None] = [None]
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _end_run, self._holder)
        with self._lock:
            self._holder[0] = self._start()

    # -- the program's runs ---------------------------------------------------------------
    def _who(self) -> str:
        # Never the command line: it may hold a key, and this text reaches the facilitator's console.
        return f"the program for {self.deck.actor_name(self.actor)}" + (f" ({self.name})" if self.name else "")

    def _failed(self, detail: str) -> AgentFailed:
        return AgentFailed(f"{self._who()} {detail}", detail, seat=self.actor, program=self.name)

    def _start(self) -> _Run:
        _watch_exit()
        try:
            run = _Run(self.argv)
        except OSError as exc:
            raise self._failed(f"cannot start ({cut(self.argv[0], 60)}): {exc.strerror or exc}") from None
        # No seed is sent: anything derived from the game's seed would let an agent search
        # for it and foresee the dice (the seed is the facilitator's alone).
        # The time limit is said up front: a program calling a language model can budget its
        # turn (a shorter prompt, fewer retries) instead of discovering the limit by overrunning.
        self._hello = _line({"v": OBSERVATION_VERSION, "type": "hello", "seat": self.actor, "deck": self.deck.id, "time_limit": self.timeout})
        return run

    def _claim(self) -> tuple[_Run, bytes]:
        """The running program for this turn (started again after a failed turn), marked
        busy, and what it must be sent before the turn's view (its `hello`, once a run)."""
        with self._lock:
            if self.closed:
                raise self._failed("was closed: the game is over or the seat changed hands")
            if self._busy:
                raise self._failed("was asked for two decisions at once")
            run = self._holder[0]
            if run is None:
                if self.strikes >= MAX_STRIKES:
                    raise self._failed(f"failed {self.strikes} turns in a row and is not started again this game")
                self.strikes += 1  # counted now: a program that cannot start is a failed turn too
                run = self._holder[0] = self._start()
                self.strikes -= 1
            self._busy = True
        hello, self._hello = self._hello or b"", None
        return run, hello

    def _release(self, run: _Run, *, end: bool) -> None:
        """The turn is over: end the run if asked, or if the bot was closed meanwhile."""
        with self._lock:
            self._busy = False
            end = end or self.closed
            if end and self._holder[0] is run:
                self._holder[0] = None
        if end:
            run.end(0.0)

    # -- one turn -------------------------------------------------------------------------
    def decide(self, view: PlayerView, legal: Sequence[CMove], allowed: int) -> Decision:
        observation = observe_view(view)
        run, hello = self._claim()
        message = hello + _line({"v": OBSERVATION_VERSION, "type": "turn", "observation": observation.model_dump(mode="json")})
        out_of_step = True  # until an answer line came back in time
        try:
            line = self._exchange(run, message)
            out_of_step = False
            # An answer that came in time but is refused leaves the program in step with
            # us: it keeps running (and may do better next turn).
            decision = parse_answer(line, legal, allowed, self._who(), view.turn)
        except AgentError as exc:
            self.strikes += 1
            self._release(run, end=out_of_step or self.strikes >= MAX_STRIKES)
            exc.seat, exc.program = self.actor, self.name
            raise
        except BaseException:
            self._release(run, end=True)
            raise
        self.strikes = 0
        self._release(run, end=False)
        return decision

    def _exchange(self, run: _Run, message: bytes) -> bytes:
        """Write `message` and read one line back, both within the time limit, never
        blocking on a program that does not read or does not write."""
        deadline = self.clock() + self.timeout
        out_fd, in_fd = run.stdin.fileno(), run.stdout.fileno()
        view = memoryview(message)
        sent = 0
        with selectors.DefaultSelector() as sel:
            sel.register(in_fd, selectors.EVENT_READ)
            if message:
                sel.register(out_fd, selectors.EVENT_WRITE)
            # The answer counts only once the whole view is written: a line sent before
            # that is kept (bounded) and read as the answer afterwards.
            while sent < len(message) or b"\n" not in run.buffer:
                left = deadline - self.clock()
                if left <= 0:
                    raise self._late(sent < len(message))
                for key, _ in sel.select(left):
                    if key.fd == out_fd:
                        try:
                            sent += os.write(out_fd, view[sent : sent + _CHUNK])
                        except BlockingIOError:
                            continue
                        except OSError:  # a broken pipe: it closed its input or stopped
                            raise self._stopped(run) from None
                        if sent == len(message):
                            sel.unregister(out_fd)
                        continue
                    try:
                        chunk = os.read(in_fd, _CHUNK)
                    except BlockingIOError:
                        continue
                    except OSError:
                        raise self._stopped(run) from None
                    if not chunk:
                        raise self._stopped(run)
                    run.buffer += chunk
                    if b"\n" not in run.buffer and len(run.buffer) > MAX_LINE:
                        raise self._failed(f"sent a line longer than {MAX_LINE} bytes")
        line, _, run.buffer = run.buffer.partition(b"\n")
        if len(line) > MAX_LINE:
            raise self._failed(f"sent a line longer than {MAX_LINE} bytes")
        return line

    def _late(self, writing: bool) -> AgentTimeout:
        detail = (
            f"did not read its view within {self.timeout:g} s" if writing else f"did not answer within {self.timeout:g} s"
        )
        return AgentTimeout(f"{self._who()} {detail}", detail, limit=self.timeout, seat=self.actor, program=self.name)

    def _stopped(self, run: _Run) -> AgentFailed:
        if self.closed:
            return self._failed("was closed: the game is over or the seat changed hands")
        # Its output closed: give the leader a moment to exit so its status can be told.
        with self._lock:
            if self._holder[0] is run:
                self._holder[0] = None
        code = run.end(min(GRACE, self.timeout))
        how = f"exit status {code}" if code >= 0 else f"ended by signal {-code}"
        return self._failed(f"stopped without answering ({how})")

    def close(self) -> None:
        """The game is over for this seat: end-of-file, a moment to stop, then its whole
        process group is killed. Idempotent, from any thread; no later `decide` starts it
        again. A `decide` under way in another thread fails at once (its group is killed
        here) and ends the run itself."""
        with self._lock:
            self.closed = True
            busy = self._busy
            run = self._holder[0]
        if busy:
            if run is not None:
                run.kill()
            return
        self._finalizer()


def _line(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def parse_answer(line: bytes, legal: Sequence[CMove], allowed: int, who: str, turn: int) -> Decision:
    """Check an agent's answer line; `AgentFailed` says exactly what is wrong with it."""

    def bad(detail: str) -> AgentFailed:
        return AgentFailed(f"{who} {detail}", detail)

    try:
        answer = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        shown = line[:80].decode("utf-8", "replace")
        raise bad(f"answered turn {turn} with something that is not JSON: {shown!r}") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("orders"), list):
        raise bad(f"answered turn {turn} without an \"orders\" list: {line[:80].decode('utf-8', 'replace')!r}")
    orders = answer["orders"]
    reasons = answer.get("reasons", [])
    if not all(isinstance(o, str) for o in orders):
        raise bad(f"answered turn {turn} with orders that are not move ids (strings): {cut(repr(orders), 80)}")
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        raise bad(f"answered turn {turn} with \"reasons\" that are not a list of strings")
    ids = {m.id for m in legal}
    for o in orders:
        if o not in ids:
            raise bad(f"ordered '{cut(o, 60)}' on turn {turn}, which is not one of its available moves ({', '.join(sorted(ids)) or 'none'})")
    if len(set(orders)) != len(orders):
        raise bad(f"ordered the same move twice on turn {turn}")
    answers = {m.id: m for m in legal if m.answer is not None}
    given = sum(1 for o in orders if o not in answers)  # answers to offers cost no order
    gates = [answers[o].gate for o in orders if o in answers]
    if len(set(gates)) != len(gates):
        # Refused here, in Game.submit's words, so the stand-in plays instead of the game failing.
        raise bad(f"answered one offer twice on turn {turn}: an offer is answered once (accept or refuse, not both)")
    if given > allowed:
        raise bad(f"gave {given} orders on turn {turn}; at most {allowed} are allowed")
    padded = [str(r)[:200] for r in reasons[: len(orders)]]
    padded += ["Chosen by the agent."] * (len(orders) - len(padded))
    said, unsent = _messages(answer.get("messages", []), turn)
    return Decision(tuple(orders), tuple(padded), said, unsent)


MAX_SAID = 20
"""Messages a program may write in one answer (more are refused, one line for the lot)."""


def _messages(raw: object, turn: int) -> tuple[tuple[Said, ...], tuple[str, ...]]:
    """The messages an answer carries, and one line for each that is malformed: a bad
    message is refused on its own, never the orders beside it."""
    if not isinstance(raw, list):
        return (), (f"turn {turn}: \"messages\" is not a list; no message was sent",)
    said: list[Said] = []
    unsent: list[str] = []
    for i, item in enumerate(raw):
        if i >= MAX_SAID:
            unsent.append(f"turn {turn}: more than {MAX_SAID} messages in one answer; the rest were not sent")
            break
        if not isinstance(item, dict):
            unsent.append(f"turn {turn}: message {i + 1} is not an object; it was not sent")
            continue
        channel, to, text = item.get("channel"), item.get("to", []), item.get("text")
        if not isinstance(channel, str) or not isinstance(text, str) or not isinstance(to, list) or not all(isinstance(t, str) for t in to):
            unsent.append(f"turn {turn}: message {i + 1} needs \"channel\" and \"text\" strings and a \"to\" list of actor ids; it was not sent")
            continue
        said.append(Said(cut(channel, 200), tuple(cut(t, 200) for t in to[:16]), text))
    return tuple(said), tuple(unsent)
