"""The host's defences, as bookkeeping: who may hold its sockets, and how fast anyone may knock.

A connection that has not opened a role with a code (a "stranger") is capped per address
and in total, and closed when it sits idle; a code (a seat, the facilitator, the
projector) may open so many connections and so many sessions a minute; an address that
keeps being refused is slowed down; refusals are logged one line at a time, never a flood.
Everything here runs on an injected clock and touches no socket, so it is tested exactly;
`server.py` applies it to real connections.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from wargame.words import count, plural

Clock = Callable[[], float]
"""Monotonic seconds (the host's clock; tests pass one that moves only when told)."""


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket: `burst` at once, then `per_second` on average."""

    burst: float
    per_second: float


@dataclass(frozen=True, slots=True)
class Limits:
    """How much the host lets anyone take. The defaults suit a classroom; `fitted` lowers
    the stranger caps to what the process's file-handle limit can afford."""

    hello_timeout: float = 5.0
    """Seconds a new connection has to send its first request, and a WebSocket its hello
    with a code; also how long a connection with no role may sit idle between requests."""
    strangers_per_address: int = 16
    """Connections one address may hold before any of them opened a role (a browser opens
    up to six at once)."""
    strangers_total: int = 64
    """Connections without a role the host holds at once, from all addresses together."""
    connections_per_role: int = 8
    """Connections one code may hold at once (the projector may be on several screens)."""
    tabs_total: int = 16
    """Browser tabs (each a `wargame join` process of about 60 MiB) the host runs at once."""
    tab_claim_timeout: float = 30.0
    """Seconds a browser has, after its code was accepted, to open the tab's connection."""
    http_hold: float = 60.0
    """Seconds an HTTP client keeps its seat after its last request (a long poll waits 50)."""
    pushes: Rate = Rate(burst=4, per_second=4)
    """States sent to one client: a change goes out at once, but past this rate the changes
    that come meanwhile go out together, as one state (a reconnecting laptop makes a burst)."""
    opens: Rate = Rate(burst=10, per_second=1 / 3)
    """Per code: new WebSocket sessions and browser tabs (a reconnecting loop is stopped)."""
    requests: Rate = Rate(burst=200, per_second=40)
    """Per code: HTTP requests and WebSocket messages (an agent answering fast is fine)."""
    messages: Rate = Rate(burst=8, per_second=0.5)
    """Per code: messages between seats (a burst of eight, then one every two seconds): a
    team talks freely, a script cannot flood another seat's screen."""
    refusals: Rate = Rate(burst=20, per_second=1)
    """Per address: refused codes and attempts; beyond it the address is told to wait."""

    def fitted(self, file_limit: int, in_use: int, roles: int) -> Limits:
        """These limits with the stranger caps lowered to fit `file_limit` open files when
        `in_use` are open already: every connection is a file handle, and the roles' own
        connections, the tabs (a socket, three pipes and the tab's own connection each), the
        store and a burst of new connections must always find one."""
        reserve = in_use + roles * self.connections_per_role + self.tabs_total * 5 + 64
        spare = max(0, file_limit - reserve)
        total = max(4, min(self.strangers_total, spare // 2))
        if total >= self.strangers_total:
            return self
        # One laptop may hold at most half of what is left, so the others still get in.
        return replace(self, strangers_total=total, strangers_per_address=max(2, min(self.strangers_per_address, total // 2)))


def raise_file_limit(wanted: int = 4096) -> int:
    """Raise this process's soft limit on open files towards `wanted` (as far as the hard
    limit allows: a laptop's default of 256 is easily exhausted); the limit now in force."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows has no such limit
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else int(soft)


def files_in_use() -> int:
    """How many files this process has open (an estimate where /proc is missing)."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 32


class RateLimit:
    """A token bucket per key (a code's role, an address) on the host's clock."""

    MAX_KEYS = 4096
    """Buckets kept at most; full ones are forgotten first (they hold nothing)."""

    def __init__(self, rate: Rate, clock: Clock) -> None:
        self.rate = rate
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """Take one token for `key`: 0.0 if there was one, else the seconds until there is."""
        now = self.clock()
        tokens = self._level(key, now)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            self._forget_full(now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1 - tokens) / self.rate.per_second if self.rate.per_second > 0 else float("inf")

    def ready(self, key: str) -> float:
        """Seconds until `key` has a token (0.0 if it has one now); takes nothing."""
        tokens = self._level(key, self.clock())
        if tokens >= 1:
            return 0.0
        return (1 - tokens) / self.rate.per_second if self.rate.per_second > 0 else float("inf")

    def _level(self, key: str, now: float) -> float:
        held = self._buckets.get(key)
        if held is None:
            return self.rate.burst
        tokens, at = held
        return min(self.rate.burst, tokens + (now - at) * self.rate.per_second)

    def _forget_full(self, now: float) -> None:
        if len(self._buckets) <= self.MAX_KEYS:
            return
        for key in [k for k in self._buckets if self._level(k, now) >= self.rate.burst]:
            del self._buckets[key]
        while len(self._buckets) > self.MAX_KEYS:  # all busy: forget the oldest
            del self._buckets[next(iter(self._buckets))]


@dataclass(eq=False)
class Visitor:
    """One TCP connection to the host, from `address`."""

    address: str
    close: Callable[[], None]
    """Ends the connection at once (the gate calls it to evict or time out)."""
    since: float
    """When it was last busy (or connected): its idle time is counted from here."""
    role: str | None = None
    """The role a code opened on it (a seat, the facilitator, the projector), if any."""
    busy: int = 0
    """Requests in flight (a WebSocket is one request for its whole life)."""
    requests: int = 0
    """Requests it has made (a browser's idle connection has made some; a lurker none)."""
    closed: bool = field(default=False, repr=False)


class Gate:
    """The connections the host holds, and which it admits. A connection is a stranger
    until a code opens a role on it; strangers are capped (`Limits`), and closed when idle
    for `hello_timeout`. When the total cap is reached a newcomer from a quieter address
    still gets in, in place of the oldest stranger of the address holding the most."""

    def __init__(self, limits: Limits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self.visitors: list[Visitor] = []

    def strangers(self, address: str | None = None) -> list[Visitor]:
        return [v for v in self.visitors if v.role is None and (address is None or v.address == address)]

    def admit(self, address: str, close: Callable[[], None]) -> Visitor | str:
        """A new connection from `address`: its `Visitor`, or why it is refused."""
        limits = self.limits
        mine = self.strangers(address)
        if len(mine) >= limits.strangers_per_address:
            return f"{count(len(mine), 'connection')} from {address} {plural(len(mine), 'has', 'have')} not opened a seat yet, the most one address may hold"
        everyone = self.strangers()
        if len(everyone) >= limits.strangers_total:
            by_address: dict[str, list[Visitor]] = {}
            for v in everyone:
                by_address.setdefault(v.address, []).append(v)
            crowded = max(by_address.values(), key=len)
            if len(crowded) <= len(mine) + 1:
                return f"{count(len(everyone), 'connection')} {plural(len(everyone), 'has', 'have')} not opened a seat yet, the most the host holds at once"
            # Prefer one that is not in the middle of a request.
            victim = min(crowded, key=lambda v: (v.busy > 0, v.since))
            self.evict(victim)
        visitor = Visitor(address, close, self.clock())
        self.visitors.append(visitor)
        return visitor

    def evict(self, visitor: Visitor) -> None:
        self.left(visitor)
        if not visitor.closed:
            visitor.closed = True
            visitor.close()

    def opened(self, visitor: Visitor, role: str) -> str | None:
        """A code opened `role` on this connection; why not, if the role has enough already."""
        if visitor.role == role:
            return None
        held = sum(1 for v in self.visitors if v.role == role)
        if held >= self.limits.connections_per_role:
            return f"{count(held, 'connection')} {plural(held, 'is', 'are')} open with this code already, the most one code may hold"
        visitor.role = role
        return None

    def busy(self, visitor: Visitor) -> None:
        visitor.busy += 1
        visitor.requests += 1

    def idle(self, visitor: Visitor) -> None:
        visitor.busy = max(0, visitor.busy - 1)
        visitor.since = self.clock()

    def left(self, visitor: Visitor) -> None:
        if visitor in self.visitors:
            self.visitors.remove(visitor)

    def sweep(self) -> list[Visitor]:
        """Close the strangers idle for longer than `hello_timeout`; those closed."""
        now = self.clock()
        late = [v for v in self.strangers() if not v.busy and now - v.since > self.limits.hello_timeout]
        for v in late:
            self.evict(v)
        return late


class RefusalLog:
    """One line per refusal, but at most one line per address every `every` seconds (the
    rest are counted into its next line) and at most `lines` lines from all addresses in
    that time (the others are summed into one line): no flood, from one laptop or many,
    can scroll the join codes off the host's screen."""

    def __init__(self, logger: logging.Logger, clock: Clock, every: float = 10.0, lines: int = 5) -> None:
        self.logger = logger
        self.clock = clock
        self.every = every
        self.lines = lines
        self._last: dict[str, float] = {}
        self._held: dict[str, tuple[int, str]] = {}
        self._window = -float("inf")
        self._written = 0
        self._others: set[str] = set()
        self._others_count = 0

    def refused(self, address: str, why: str) -> None:
        now = self.clock()
        last = self._last.get(address)
        if last is not None and now - last < self.every:
            n, _ = self._held.get(address, (0, why))
            self._held[address] = (n + 1, why)
            return
        if now - self._window >= self.every:
            self._window, self._written = now, 0
        if self._written >= self.lines:
            self._others.add(address)
            self._others_count += 1
            return
        self._written += 1
        self._emit(address, why, "", now)

    def flush(self) -> None:
        """Write the counts held back longer than `every` (the host calls this each second)."""
        now = self.clock()
        for address in [a for a in self._held if now - self._last.get(a, now) >= self.every]:
            n, why = self._held.pop(address)
            self._emit(address, why, f" {n} more {plural(n, 'time')} in {self.every:g} s", now)
        for address in [a for a, t in self._last.items() if now - t >= self.every and a not in self._held]:
            del self._last[address]
        if self._others_count and now - self._window >= self.every:
            m = len(self._others)
            self.logger.warning(
                "refused %s from %d more %s in %g s (a flood: each is told why)",
                count(self._others_count, "connection"), m, plural(m, "address", "addresses"), self.every,
            )
            self._others, self._others_count = set(), 0

    def _emit(self, address: str, why: str, times: str, now: float) -> None:
        self._last[address] = now
        self.logger.warning("refused %s%s: %s", address, times, why)
