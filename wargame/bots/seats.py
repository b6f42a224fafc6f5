"""Who sits in a seat, and which outside programs this run may start.

A seat is written `human`, `random`, `doctrine:NAME`, `lookahead[:BUDGET]` or
`agent:PROGRAM` (`agent[timeout=SECONDS]:PROGRAM` for a program's own time limit). The rule that keeps a classroom host safe lives here: **a program runs
only when the person at this machine's keyboard named it**, on this run's command line
(`--agent NAME=COMMAND`, or `--seats ACTOR=agent:COMMAND`) or in a settings file they own.
An `agent:` seat read from a save, a deck, the store or a network message is never
started: `Programs` is the only way to a command line, and nothing read from data builds one.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.text import cut
from wargame.words import possessive

KINDS = ("human", "random", "doctrine", "lookahead", "agent")
COMPUTER_KINDS = ("random", "doctrine", "lookahead")
"""The computers a facilitator may seat from the console (programs need the host's list)."""
DEFAULT_TIMEOUT = 10.0
"""Seconds a program may take for one decision unless its seat says otherwise."""
TIMEOUT_RANGE = (0.1, 3600.0)
"""The time limits a seat may set (`agent[timeout=SECONDS]:PROGRAM`)."""
PROGRAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")
"""A program's name on `--agent NAME=COMMAND`: short, no spaces, safe to show."""
INLINE_PROGRAM = "(command line)"
"""What a program typed inline (`agent:python x.py`) is shown as, in place of its command."""


class UntrustedProgram(WargameError):
    """A seat names a program that the person at this machine did not name: not started."""


@functools.lru_cache(maxsize=256)
def _parse_short(text: str) -> SeatSpec:
    return SeatSpec._parse(text)


_HEAD = re.compile(r"^\s*([A-Za-z]*)\s*(?:\[([^\]]*)\])?\s*$")
"""A seat's kind and its options in brackets: `agent[timeout=120]`."""


@dataclass(frozen=True, slots=True)
class SeatSpec:
    """Who sits in a seat: `human`, `random`, `doctrine:NAME`, `lookahead[:BUDGET]` or
    `agent:PROGRAM` (an outside program, docs/agent-protocol.md), which may set its own
    time limit: `agent[timeout=120]:PROGRAM` (a language model may need minutes)."""

    kind: str
    arg: str = ""
    timeout: float | None = None
    """A program's time limit for one decision, in seconds; None: `DEFAULT_TIMEOUT`. Part of
    the spec (kept in saves), never part of a label shown to seats."""

    @classmethod
    def parse(cls, text: str) -> SeatSpec:
        """The seat `text` names (`WargameError`, one line, when it names none)."""
        if cls is SeatSpec and len(text) <= 64:  # the few specs a run repeats every game: parsed once
            return _parse_short(text)
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str) -> SeatSpec:
        head, _, arg = text.strip().partition(":")
        m = _HEAD.match(head)
        kind = (m.group(1) if m else head).strip().lower()
        if kind not in KINDS:
            raise WargameError(
                f"unknown seat kind '{cut(head.strip(), 40)}' (use human, random, doctrine:NAME, lookahead[:BUDGET] or agent:PROGRAM)"
            )
        options = m.group(2) if m else None
        timeout = None
        if options is not None:
            if kind != "agent":
                raise WargameError(f"'{cut(head.strip(), 40)}': only an agent seat takes options, e.g. agent[timeout=120]:NAME")
            timeout = _timeout_option(options)
        if kind == "doctrine" and not arg:
            raise WargameError("a doctrine seat needs a name, e.g. doctrine:hardliner")
        if kind == "agent" and not arg.strip():
            raise WargameError("an agent seat needs a program, e.g. agent:python examples/agent.py")
        return cls(kind, arg.strip(), timeout)

    def __str__(self) -> str:
        head = self.kind if self.timeout is None else f"{self.kind}[timeout={self.timeout:g}]"
        return f"{head}:{self.arg}" if self.arg else head

    @property
    def shown(self) -> str:
        """The seat as a run may print or share it: as written, but a program by its name
        (`agent:llm`), never a command line typed inline (it may hold a key): that one is
        `agent:(command line)`. Command lines stay with the person who typed them."""
        if self.is_program and not PROGRAM_NAME.match(self.arg):
            return str(SeatSpec(self.kind, INLINE_PROGRAM, self.timeout))
        return str(self)

    @property
    def time_limit(self) -> float:
        """A program's time limit for one decision, in seconds."""
        return self.timeout if self.timeout is not None else DEFAULT_TIMEOUT

    @property
    def is_human(self) -> bool:
        return self.kind == "human"

    @property
    def is_program(self) -> bool:
        return self.kind == "agent"


def _timeout_option(options: str) -> float:
    """`timeout=SECONDS` from an agent seat's brackets, checked."""
    key, sep, value = options.partition("=")
    lo, hi = TIMEOUT_RANGE
    if key.strip().lower() != "timeout" or not sep:
        raise WargameError(f"agent[{cut(options, 40)}]: the one option is timeout=SECONDS, e.g. agent[timeout=120]:NAME")
    try:
        seconds = float(value.strip())
    except ValueError:
        seconds = float("nan")
    if not lo <= seconds <= hi:  # also refuses nan and inf
        raise WargameError(f"agent[{cut(options, 40)}]: the time limit must be a number of seconds from {lo:g} to {hi:g}")
    return seconds


def default_computer(deck: CompiledDeck, actor: str) -> SeatSpec:
    """The computer that plays an actor when nobody chose one: its first doctrine, else random.

    Used for stand-ins (a team out of time, a continuation, a program not run) everywhere."""
    first = next(iter(deck.doctrines.get(actor, {})), None)
    return SeatSpec("doctrine", first) if first else SeatSpec("random")


@dataclass(frozen=True, slots=True)
class Programs:
    """The outside programs this run may start: name -> command line.

    Built only from what the person at the keyboard wrote: this run's command line and
    their own settings file. A command typed inline in `--seats` (`agent:python x.py`) is
    its own name. Picklable, so worker processes get the same list."""

    commands: Mapping[str, str] = field(default_factory=dict)

    def command(self, name: str) -> str | None:
        """The command line for `name`, or None when this run was not told of it."""
        return self.commands.get(name)

    def names(self) -> list[str]:
        return list(self.commands)

    def __bool__(self) -> bool:
        return bool(self.commands)

    def with_inline(self, specs: Iterable[SeatSpec | str]) -> Programs:
        """These programs plus every `agent:COMMAND` among `specs` that is not a known name
        (commands the person typed on this run's command line)."""
        out = dict(self.commands)
        for raw in specs:
            spec = raw if isinstance(raw, SeatSpec) else SeatSpec.parse(raw)
            if spec.is_program and spec.arg not in out:
                out[spec.arg] = spec.arg
        return Programs(out)

    @classmethod
    def from_options(cls, agents: Iterable[str]) -> Programs:
        """`--agent NAME=COMMAND` options (each checked; a bad one is a `WargameError`)."""
        out: dict[str, str] = {}
        for text in agents:
            name, sep, command = text.partition("=")
            name, command = name.strip(), command.strip()
            if not sep or not command:
                raise WargameError(f"--agent: '{cut(text, 60)}' should look like NAME=COMMAND, e.g. llm='python examples/llm_agent.py'")
            if not PROGRAM_NAME.match(name):
                raise WargameError(f"--agent: '{cut(name, 40)}' is not a program name (a letter, then letters, digits, '.', '_' or '-'; at most 40)")
            if name in out:
                raise WargameError(f"--agent: '{name}' is named twice")
            out[name] = command
        return cls(out)

    def merged(self, other: Programs) -> Programs:
        """Both lists; `other` wins where a name is in both (the command line over settings)."""
        return Programs({**self.commands, **other.commands})


NO_PROGRAMS = Programs()
"""A run that may start no program (the default everywhere a save or the network is read)."""


def settings_path() -> Path:
    """The person's own settings file: `$WARGAME_SETTINGS`, else `$XDG_CONFIG_HOME/wargame/settings.toml`."""
    explicit = os.environ.get("WARGAME_SETTINGS")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "wargame" / "settings.toml"


def programs_from_settings(path: Path | None = None) -> tuple[Programs, str | None]:
    """The `[agents]` table of the settings file (NAME = "COMMAND"), and a warning when the
    file was ignored. A file someone else could have written (not owned by this user, or
    writable by group or others) is ignored: it would let them choose what runs here."""
    import tomllib

    path = path or settings_path()
    try:
        info = path.stat()
    except OSError:
        return NO_PROGRAMS, None
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
        return NO_PROGRAMS, f"{path}: ignored (not owned by you, or writable by others): its programs are not offered"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return NO_PROGRAMS, f"{path}: cannot be read ({cut(exc, 120)}): its programs are not offered"
    agents = data.get("agents", {})
    if not isinstance(agents, dict) or not all(isinstance(v, str) for v in agents.values()):
        return NO_PROGRAMS, f"{path}: [agents] should map names to command lines: its programs are not offered"
    try:
        return Programs.from_options(f"{k}={v}" for k, v in agents.items()), None
    except WargameError as exc:
        return NO_PROGRAMS, f"{path}: {exc}"


def seat_from_record(spec: SeatSpec | str, deck: CompiledDeck, actor: str, programs: Programs = NO_PROGRAMS) -> tuple[SeatSpec, str | None]:
    """A seat read from a save or the store, made safe to play: an `agent:` seat whose
    program this run was not told of becomes the actor's default computer.

    Returns the seat to play and, when it was replaced, a line saying so."""
    spec = spec if isinstance(spec, SeatSpec) else SeatSpec.parse(spec)
    if not spec.is_program or programs.command(spec.arg) is not None:
        return spec, None
    stand_in = default_computer(deck, actor)
    return stand_in, (
        f"{deck.actor_name(actor)} was played by a program, which is not run from a saved game: "
        f"{seat_label(stand_in)} stands in"
    )


def safe_seat(text: str, deck: CompiledDeck, actor: str, programs: Programs = NO_PROGRAMS) -> tuple[str, str | None]:
    """`seat_from_record` for a seat as text, which may not even parse (a hand-edited file)."""
    try:
        spec, note = seat_from_record(text, deck, actor, programs)
    except WargameError:
        spec = default_computer(deck, actor)
        note = f"{possessive(deck.actor_name(actor))} seat in the file cannot be read: {seat_label(spec)} stands in"
    return str(spec), note


def safe_seats(seats: Mapping[str, str], deck: CompiledDeck, programs: Programs = NO_PROGRAMS) -> tuple[dict[str, str], list[str]]:
    """Seats read from a save or the store, with every program this run was not told of
    replaced by the actor's default computer; and a line for each replacement."""
    out: dict[str, str] = {}
    notes: list[str] = []
    for actor in deck.actors:
        out[actor], note = safe_seat(seats.get(actor, "human"), deck, actor, programs)
        if note:
            notes.append(note)
    return out, notes


def seat_label(spec: SeatSpec, *, facilitator: bool = False) -> str:
    """How a seat is described to people: "Human", "Computer (random)", "Computer (a program)".

    A program's command line is never shown (it may hold a key); the facilitator sees the
    program's name when it has one."""
    if spec.kind == "human":
        return "Human"
    if spec.kind == "random":
        return "Computer (random)"
    if spec.kind == "doctrine":
        return f"Computer (doctrine: {spec.arg})"
    if spec.kind == "agent":
        if facilitator and PROGRAM_NAME.match(spec.arg):
            return f"Computer (program {spec.arg})"
        return "Computer (a program)"
    return f"Computer ({spec.kind}: {spec.arg or 'normal'})"


def check_program_seats(seats: Mapping[str, SeatSpec | str], programs: Programs) -> None:
    """Refuse (one line) any `agent:` seat among `seats` that `programs` does not name."""
    for actor, raw in seats.items():
        spec = raw if isinstance(raw, SeatSpec) else SeatSpec.parse(raw)
        if spec.is_program and programs.command(spec.arg) is None:
            raise UntrustedProgram(untrusted_message(actor, spec.arg, programs))


def untrusted_message(actor: str, name: str, programs: Programs) -> str:
    known = ", ".join(programs.names()) if programs else "none"
    return (
        f"{actor}: the program '{cut(name, 60)}' was not named on this run's command line "
        f"(--agent NAME=COMMAND) or in your settings, so it is not started (programs: {known})"
    )


LOOKAHEAD_LEVELS = ("easy", "normal", "hard")


LOOKAHEAD_STYLES = {
    "easy": "tries a few futures before it picks",
    "normal": "tries several futures of each move before it picks",
    "hard": "tries many futures of each move before it picks",
}
"""How each lookahead level plays, in a player's words."""


def seat_summary(deck: CompiledDeck, actor: str, spec: str) -> str:
    """What a seat choice plays like, in a sentence for the new-game screen: a doctrine's
    own summary from the deck, or what a random or lookahead opponent does."""
    kind, _, name = spec.partition(":")
    if kind == "human":
        return "a person at the keyboard"
    if kind == "random":
        return "picks among its allowed moves at random"
    if kind == "doctrine":
        doctrine = deck.doctrines.get(actor, {}).get(name)
        return doctrine.summary if doctrine is not None and doctrine.summary else f"plays the deck's {name} doctrine"
    if kind == "lookahead":
        return f"plays out what may follow each move and picks the best for its objectives; {LOOKAHEAD_STYLES.get(name, name)}"
    return f"the program {name}, which decides on its own"


def seat_options(deck: CompiledDeck, actor: str, programs: Programs = NO_PROGRAMS) -> list[tuple[str, str]]:
    """The seat choices for an actor: (label, spec). Only bots this version has are offered,
    and programs only as this run's command line or settings name them."""
    import importlib.util

    out = [("Human", "human"), ("Computer: random", "random")]
    if importlib.util.find_spec("wargame.bots.doctrine") is not None:
        for name in deck.doctrines.get(actor, {}):
            out.append((f"Computer: doctrine {name}", f"doctrine:{name}"))
    if importlib.util.find_spec("wargame.bots.lookahead") is not None:
        for level in LOOKAHEAD_LEVELS:
            out.append((f"Computer: lookahead ({level})", f"lookahead:{level}"))
    for name in programs.names():
        if PROGRAM_NAME.match(name):
            out.append((f"Program: {name}", f"agent:{name}"))
    return out
