"""`RemoteSession`: the methods the game screens call on a `Session`, answered from the
host's JSON instead of a local game, so a networked seat reuses the same screens.

It holds only what the host sent this seat (its `SeatView`), so nothing secret can be on
this machine. `DeckSketch` stands in for the compiled deck with the few things the screens
read from it: names, the seat's own moves, track labels and bounds. No deck source.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from wargame.deck.describe import MoveWords
from wargame.engine.game import MoveOption, ObjectiveResult
from wargame.engine.state import NewsItem, Play
from wargame.play.clock import Clock, Countdown
from wargame.play.readmodel import ChangeLine, MoveChoice, RollLine, TrackReading, TurnReport


@dataclass
class MoveSketch:
    """A move with the attributes the order sheet shows (a `CMove` look-alike)."""

    id: str
    name: str
    description: str = ""
    category: str = ""
    escalation: int = 0
    secret: bool = False
    detection: float = 0.0
    chance_source: str | None = None
    effect_text: dict[str, list[str]] = field(default_factory=dict)
    success_news: str = ""
    failure_news: str = ""
    always_news: str = ""
    once: bool = False
    cooldown: int = 0
    requires_text: str = ""
    requires_own: str = ""
    """The requirement as the host sent it (the deck's words, or plain words)."""
    detection_fn: None = None
    """The host sends a secret move's detection chance as a number only."""
    base: str = ""
    """The move the deck wrote (`warn` for `warn@b`); see `CMove.base`."""
    target: str | None = None
    answer: str | None = None
    """`accept` or `refuse` for an answer to an offer."""


@dataclass
class EndingSketch:
    id: str
    title: str
    text: str


class DeckSketch:
    """What the screens read from a deck, built from one seat's view (or the public's)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.title: str = data["title"]
        self.id = "remote"
        self.actors: list[str] = [a["id"] for a in data.get("actors", data.get("seats", []))]
        self._names: dict[str, str] = {a["id"]: a["name"] for a in data.get("actors", data.get("seats", []))}
        shorts: dict[str, str] = {a["id"]: a.get("short", "") for a in data.get("actors", data.get("seats", []))}
        briefs: dict[str, str] = {data.get("seat", ""): data.get("brief", "")}
        self.model = SimpleNamespace(
            deck=SimpleNamespace(turn_name=data.get("turn_name", "turn")),
            actors={a: SimpleNamespace(short=shorts.get(a, ""), brief=briefs.get(a, ""), name=self._names[a]) for a in self.actors},
        )
        self.moves_by_actor: dict[str, list[MoveSketch]] = {a: [] for a in self.actors}
        """Only the seat's own moves (other seats' move lists are not sent)."""
        self._shorts = {a: shorts.get(a) or self._names[a] for a in self.actors}
        self._briefs = briefs
        self.moves: list[MoveSketch] = []
        self.move_index: dict[str, int] = {}
        tracks = data.get("tracks", [])
        self.slot_names: list[str] = [t["name"] for t in tracks]
        self._labels: list[str] = [f"{self._names.get(t['owner'], t['owner'])}: {t['label']}" if t["owner"] else t["label"] for t in tracks]
        self.lo: list[float] = [t["lo"] for t in tracks]
        self.hi: list[float] = [t["hi"] for t in tracks]

    def add_move(self, move: MoveSketch) -> None:
        if move.id not in self.move_index:
            self.move_index[move.id] = len(self.moves)
            self.moves.append(move)

    @property
    def turn_name(self) -> str:
        return str(self.model.deck.turn_name)

    def actor_name(self, actor: str) -> str:
        return self._names.get(actor, actor)

    def actor_short(self, actor: str) -> str:
        return self._shorts.get(actor, actor)

    def actor_brief(self, actor: str) -> str:
        return self._briefs.get(actor, "")

    def slot_label(self, slot: int) -> str:
        return self._labels[slot]


def remote_countdown(left: float | None, running: bool, now: float) -> Countdown:
    """The host's countdown as last reported, as a local `Countdown` that runs on between
    updates (the host still decides when time is up)."""
    countdown = Countdown()
    if left is None:
        return countdown
    countdown.seconds = max(left, 1.0)
    if running:
        countdown.deadline = now + left
    else:
        countdown.left_when_paused = left
    return countdown


def _news(n: dict[str, Any]) -> NewsItem:
    aud = n.get("audience")
    return NewsItem(n["turn"], n["text"], n["kind"], frozenset(aud) if aud is not None else None, n.get("actor"))


def _track(t: dict[str, Any]) -> TrackReading:
    return TrackReading(
        name=t["name"], label=t["label"], value=t["value"], lo=t["lo"], hi=t["hi"],
        thresholds=tuple((float(a), str(b)) for a, b in t["thresholds"]), owner=t["owner"], secret=t["secret"],
        description=t.get("description", ""),
    )


class RemoteSession:
    """One seat's game as the host reports it; `update(state)` with each pushed state.

    `read(who)` returns itself: the only read model a seat's client has is its own."""

    facilitator = False
    shared_screen = False
    save_path = None
    save_error: str | None = None
    """The host keeps the game; a client has no save of its own to fail."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.update(state)

    def update(self, state: dict[str, Any]) -> None:
        self.state = state
        view: dict[str, Any] = state["view"]
        self.view = view
        self.seat: str = view["seat"]
        self.audience = self.seat
        deck = DeckSketch(view)
        for m in view["moves"]:
            deck.add_move(
                MoveSketch(
                    id=m["id"], name=m["name"], description=m["description"], category=m["category"],
                    escalation=m["escalation"], secret=m["secret"], detection=m["detection"], chance_source=m["chance_source"],
                    effect_text=m["effects"], success_news=m["news"].get("success", ""), failure_news=m["news"].get("failure", ""),
                    always_news=m["news"].get("always", ""), once=m["once"], cooldown=m["cooldown"], requires_text=m["requires"], requires_own=m["requires"],
                    base=m.get("base") or m["id"], target=m.get("target"), answer=m.get("answer"),
                )
            )
        for p in view["plays"]:
            deck.add_move(MoveSketch(id=p["move"], name=p["name"], secret=p["secret"]))
        self.deck = deck
        self.paused: bool = bool(state.get("paused"))
        self.clock = Clock(
            countdown=remote_countdown(state.get("countdown"), bool(state.get("countdown_running")), time.monotonic()),
            paused=self.paused,
        )
        self._seats = {s["id"]: s for s in state.get("seats", [])}
        self._reports = {t["turn"]: t for t in view["turns_resolved"]}

    # -- what the screens ask ----------------------------------------------------------
    def read(self, who: object = None) -> RemoteSession:
        return self

    @property
    def turn(self) -> int:
        return int(self.view["turn"])

    @property
    def turns(self) -> int:
        return int(self.view["turns"])

    @property
    def is_over(self) -> bool:
        return bool(self.view["over"])

    @property
    def ending(self) -> EndingSketch | None:
        e = self.view["ending"]
        return EndingSketch(e["id"], e["title"], e["text"]) if e else None

    @property
    def sealed(self) -> bool:
        return bool(self.state.get("sealed"))

    @property
    def computers(self) -> list[str]:
        return [a for a, s in self._seats.items() if not s["human"]]

    @property
    def resolved(self) -> int:
        """How many turns have resolved."""
        return len(self._reports)

    def actor_name(self, actor: str) -> str:
        return self.deck.actor_name(actor)

    def seat_label(self, actor: str) -> str:
        return str(self._seats.get(actor, {}).get("label", ""))

    def turn_label(self, turn: int | None = None) -> str:
        labels: list[str] = self.view["turn_labels"]
        turn = self.turn if turn is None else turn
        return labels[turn - 1] if 1 <= turn <= len(labels) else self.view["turn_label"]

    def has_orders(self, actor: str) -> bool:
        return bool(self._seats.get(actor, {}).get("sealed"))

    def waiting_for(self) -> list[str]:
        return [a for a, s in self._seats.items() if not s["sealed"]]

    def allowed(self, seat: str) -> int:
        return int(self.view["allowed"])

    def moves(self, seat: str | None = None) -> list[MoveChoice]:
        out = []
        for m in self.view["moves"]:
            move = self.deck.moves[self.deck.move_index[m["id"]]]
            out.append(MoveChoice(MoveOption(cast(Any, move), m["available"], m["reason"]), m["chance"], m.get("chance_note", "")))
        return out

    def objectives(self, seat: str | None = None) -> list[ObjectiveResult]:
        return [ObjectiveResult(o["text"], o["points"], o["met"]) for o in self.view["objectives"]]

    def tracks(self, actor: str | None = None) -> list[TrackReading]:
        return [_track(t) for t in self.view["tracks"] if t["owner"] == actor]

    def history(self, name: str, audience: object = None) -> list[float | None]:
        for t in self.view["tracks"]:
            if t["name"] == name:
                return list(t["history"])
        return []

    def news(self, audience: object = None) -> list[NewsItem]:
        return [_news(n) for n in self.view["news"]]

    def plays(self, audience: object = None) -> list[Play]:
        return [Play(p["turn"], p["actor"], p["move"], p["secret"], p["success"]) for p in self.view["plays"]]

    def move_words(self, move: MoveSketch) -> MoveWords:
        """A move in words: the host already sent its effects described for this seat."""
        e = move.effect_text
        return MoveWords(move.requires_own, "", list(e.get("success", [])), list(e.get("failure", [])), list(e.get("always", [])))

    def coach(self) -> str:
        """The deck's coach line for this seat this turn, as the host worked it out."""
        return str(self.view.get("coach", ""))

    def move_groups(self) -> list[dict[str, Any]]:
        """The seat's targeted moves, each with its targets (`SeatView.move_groups`)."""
        return list(self.view.get("move_groups", []))

    def offers_waiting(self) -> list[dict[str, Any]]:
        """Offers made to this seat that wait for its answer (`SeatView.offers_waiting`)."""
        return list(self.view.get("offers_waiting", []))

    def my_offers_waiting(self) -> list[dict[str, Any]]:
        """This seat's own offers still waiting for an answer."""
        return list(self.view.get("my_offers_waiting", []))

    def offers(self) -> list[dict[str, Any]]:
        """Every offer this seat knows of, with what became of it."""
        return list(self.view.get("offers", []))

    def private_report(self, turn: int) -> TurnReport:
        """What this seat saw of a resolved turn that not everyone did: its secret news and
        its secret tracks' changes (worked out here from the seat's own view)."""
        full = self.turn_report(turn)
        secret_labels = {self.deck.slot_label(i) for i, t in enumerate(self.view["tracks"]) if t["secret"]}
        out = TurnReport(turn)
        out.news = [n for n in full.news if n.audience is not None]
        out.thresholds = [n for n in full.thresholds if n.audience is not None]
        out.changes = [c for c in full.changes if c.label in secret_labels]
        return out

    def turn_report(self, turn: int, audience: object = None) -> TurnReport:
        report = TurnReport(turn)
        data = self._reports.get(turn)
        if data is None:
            return report
        news = [_news(n) for n in self.view["news"] if n["turn"] == turn]
        report.news = [n for n in news if n.kind not in {"threshold", "ending"}]
        report.thresholds = [n for n in news if n.kind == "threshold"]
        report.rolls = [RollLine(r["label"], r["chance"], r["roll"], r["success"], r["forced"], r["kind"], r.get("note", "")) for r in data["rolls"]]
        report.changes = [ChangeLine(c["label"], c["old"], c["new"]) for c in data["changes"]]
        report.flags = [(str(f[0]), bool(f[1]), bool(f[2])) for f in data["flags"]]
        report.events = list(data["events"])
        if turn == max(self._reports) and self.ending is not None:
            report.ending = cast(Any, self.ending)
        return report
