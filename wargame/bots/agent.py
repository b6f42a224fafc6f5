"""A computer seat played by an outside program: one JSON line in, one JSON line out.

The program (any language) is started once per seat and talks over its stdin/stdout as
docs/agent-protocol.md describes: it is sent its seat's `Observation` (the one every
screen and client reads, built from the seat's view alone) and answers with orders
within a time limit. An
answer that is late, not JSON, or illegal stops the game with one clear `AgentError`.
"""

from __future__ import annotations

import json
import os
import selectors
import shlex
import subprocess
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from wargame.bots.base import Decision
from wargame.bots.seats import PROGRAM_NAME
from wargame.deck.compile import CMove, CompiledDeck
from wargame.errors import WargameError
from wargame.observe.build import observe_view
from wargame.observe.model import OBSERVATION_VERSION
from wargame.observe.view import PlayerView

DEFAULT_TIMEOUT = 10.0
"""Seconds an agent may take for one decision unless told otherwise."""
MAX_LINE = 1 << 20
"""An answer longer than this (1 MiB) is refused rather than buffered for ever."""


class AgentError(WargameError):
    """An agent program failed: it would not start, died, was late, or answered badly."""


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()


class AgentBot:
    """A seat whose orders come from the program `command` (a shell-style command line)."""

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
        self.command = command
        self.deck = deck
        self.actor = actor
        self.timeout = timeout
        self.clock = clock
        self.name = name
        self.label = f"Program ({name})" if PROGRAM_NAME.match(name) else "A program"
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise WargameError(f"the program for {deck.actor_name(actor)}: its command line cannot be split: {exc}") from None
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        except OSError as exc:
            raise AgentError(f"the program for {deck.actor_name(actor)} cannot start ({argv[0] if argv else 'empty command'}): {exc.strerror or exc}") from None
        self._finalizer = weakref.finalize(self, _stop, self.proc)
        self._buffer = b""
        # No seed is sent: anything derived from the game's seed would let an agent search
        # for it and foresee the dice (the seed is the facilitator's alone).
        self._send({"v": OBSERVATION_VERSION, "type": "hello", "seat": actor, "deck": deck.id})

    def _who(self) -> str:
        # Never the command line: it may hold a key, and this text reaches the facilitator's console.
        return f"the program for {self.deck.actor_name(self.actor)}" + (f" ({self.name})" if PROGRAM_NAME.match(self.name) else "")

    def _send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:  # a broken pipe: the program has gone
            code = self.proc.wait()
            raise AgentError(f"{self._who()} stopped without answering (exit status {code})") from None

    def _read_line(self) -> bytes:
        """One line from the agent, or `AgentError` when the time limit passes first."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = self.clock() + self.timeout
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - self.clock()
                if left <= 0 or not sel.select(left):
                    raise AgentError(f"{self._who()} did not answer within {self.timeout:g} s")
                chunk = os.read(fd, 65536)
                if not chunk:
                    code = self.proc.wait()
                    raise AgentError(f"{self._who()} stopped without answering (exit status {code})")
                self._buffer += chunk
                if len(self._buffer) > MAX_LINE:
                    raise AgentError(f"{self._who()} sent a line longer than {MAX_LINE} bytes")
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def decide(self, view: PlayerView, legal: Sequence[CMove], allowed: int) -> Decision:
        observation = observe_view(view)
        self._send({"v": OBSERVATION_VERSION, "type": "turn", "observation": observation.model_dump(mode="json")})
        line = self._read_line()
        return parse_answer(line, legal, allowed, self._who(), view.turn)

    def close(self) -> None:
        """Tell the agent the game is over (EOF) and wait for it briefly."""
        self._finalizer()


def parse_answer(line: bytes, legal: Sequence[CMove], allowed: int, who: str, turn: int) -> Decision:
    """Check an agent's answer line; `AgentError` says exactly what is wrong with it."""
    try:
        answer = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        shown = line[:80].decode("utf-8", "replace")
        raise AgentError(f"{who} answered turn {turn} with something that is not JSON: {shown!r}") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("orders"), list):
        raise AgentError(f"{who} answered turn {turn} without an \"orders\" list: {line[:80].decode('utf-8', 'replace')!r}")
    orders = answer["orders"]
    reasons = answer.get("reasons", [])
    if not all(isinstance(o, str) for o in orders):
        raise AgentError(f"{who}: orders must be move ids (strings), got {orders!r}")
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        raise AgentError(f"{who}: \"reasons\" must be a list of strings")
    ids = {m.id for m in legal}
    for o in orders:
        if o not in ids:
            raise AgentError(
                f"{who} ordered '{o}' on turn {turn}, which is not one of its available moves "
                f"({', '.join(sorted(ids)) or 'none'})"
            )
    if len(set(orders)) != len(orders):
        raise AgentError(f"{who} ordered the same move twice on turn {turn}")
    answers = {m.id for m in legal if m.answer is not None}
    given = sum(1 for o in orders if o not in answers)  # answers to offers cost no order
    if given > allowed:
        raise AgentError(f"{who} gave {given} orders on turn {turn}; at most {allowed} are allowed")
    padded = [str(r)[:200] for r in reasons[: len(orders)]]
    padded += ["Chosen by the agent."] * (len(orders) - len(padded))
    return Decision(tuple(orders), tuple(padded))
