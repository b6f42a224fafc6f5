"""Compile a validated `Deck` into the engine's flat, fast `CompiledDeck`.

Cross-reference checks live here (unknown actors, duplicate ids, expressions naming
things that do not exist): every problem is collected with its path in the TOML, so the
loader can report them all at once with file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from wargame.deck.expr import Effect, Fn, Scope, compile_effect, compile_expr
from wargame.deck.schema import CATEGORY_ORDER, RESERVED_NAMES, Deck, Visibility
from wargame.errors import ExpressionError

PathT = tuple[str | int, ...]


@dataclass(slots=True)
class CMove:
    """A move in compiled form. `requires`/`chance` are closures over the engine state."""

    index: int
    id: str
    actor: str
    actor_index: int
    name: str
    description: str
    category: str
    escalation: int
    secret: bool
    audience: frozenset[str] | None
    """Who learns of a play when it resolves: None for public moves; for secret moves the
    actor and its `shared_with` actors."""
    detection: float
    requires: Fn | None
    requires_text: str
    chance_const: float | None
    chance: Fn | None
    chance_source: str | None
    success: list[Effect]
    failure: list[Effect]
    always: list[Effect]
    success_news: str
    failure_news: str
    always_news: str
    effect_text: dict[str, list[str]]
    success_text: str
    """The news line when the move succeeds (built once here, not in the turn loop)."""
    failure_text: str
    once: bool
    cooldown: int
    order_key: tuple[int, int]


@dataclass(slots=True)
class CEvent:
    index: int
    id: str
    name: str
    at: int | None
    when: Fn | None
    chance_const: float | None
    chance: Fn | None
    once: bool
    inject: bool
    effects: list[Effect]
    effect_text: list[str]
    news: str
    failure_news: str


@dataclass(slots=True)
class CEnding:
    id: str
    title: str
    when: Fn | None
    turn_limit: bool
    text: str


@dataclass(slots=True)
class CObjective:
    text: str
    when: Fn
    points: float


@dataclass(slots=True)
class CDoctrine:
    id: str
    summary: str
    weights: list[Fn]
    """One weight closure per move of the actor, in the actor's move order."""
    weight_source: list[str]
    temperature: float
    orders: int | None


@dataclass(slots=True)
class CQuestion:
    """A debrief discussion question: asked at `turn` (or at the end), if `when` holds."""

    text: str
    turn: int | None
    when: Fn | None


@dataclass
class CompiledDeck:
    """Everything the engine needs, flat and index-based. Built once per deck load."""

    model: Deck
    source: str
    sha256: str
    path: str
    scope: Scope
    actors: list[str]
    slot_names: list[str]
    lo: list[float]
    hi: list[float]
    start_values: list[float]
    secret_slots: dict[int, str]
    """Slot of a secret actor track to its owning actor."""
    thresholds: dict[int, list[tuple[float, str]]]
    flag_names: list[str]
    flag_start: list[bool]
    moves: list[CMove]
    moves_by_actor: dict[str, list[CMove]]
    events: list[CEvent]
    endings: list[CEnding]
    turn_limit_ending: CEnding
    objectives: dict[str, list[CObjective]]
    doctrines: dict[str, dict[str, CDoctrine]]
    move_index: dict[str, int] = field(default_factory=dict)
    event_index: dict[str, int] = field(default_factory=dict)
    questions: list[CQuestion] = field(default_factory=list)
    """The debrief's discussion questions, in deck order."""

    @property
    def id(self) -> str:
        return self.model.deck.id

    @property
    def title(self) -> str:
        return self.model.deck.title

    @property
    def turns(self) -> int:
        return self.model.deck.turns

    @property
    def turn_name(self) -> str:
        """What a turn is called in this deck: `month`, `week`, `day`, ..."""
        return self.model.deck.turn_name

    @property
    def summary(self) -> str:
        return self.model.deck.summary.strip()

    def orders_per_turn(self, actor: str) -> int:
        return self.model.actors[actor].orders_per_turn

    def actor_short(self, actor: str) -> str:
        """The actor's short name for narrow places (its full name when it has none)."""
        return self.model.actors[actor].short or self.actor_name(actor)

    def actor_brief(self, actor: str) -> str:
        return self.model.actors[actor].brief

    def track_label(self, slot: int) -> str:
        """The label of the track in `slot`, without its actor's name."""
        name = self.slot_names[slot]
        if "." in name:
            return self.model.actor_tracks[name.split(".", 1)[1]].label
        return self.model.tracks[name].label

    def slot_description(self, slot: int) -> str:
        """The deck's description of the track in `slot` (empty when it has none)."""
        name = self.slot_names[slot]
        if "." in name:
            return self.model.actor_tracks[name.split(".", 1)[1]].description
        return self.model.tracks[name].description

    def slot_owner(self, slot: int) -> str | None:
        """The actor of an actor track; None for a global track."""
        name = self.slot_names[slot]
        return name.split(".", 1)[0] if "." in name else None

    def turn_date(self, turn: int) -> dt.date | None:
        """The calendar date a turn starts on, when the deck has a start date and a
        calendar turn name (day, week, month, quarter, year)."""
        start = self.model.deck.start
        if start is None:
            return None
        unit = self.model.deck.turn_name.lower()
        n = turn - 1
        if unit == "day":
            return start + dt.timedelta(days=n)
        if unit == "week":
            return start + dt.timedelta(weeks=n)
        months = {"month": 1, "quarter": 3, "year": 12}.get(unit)
        if months is None:
            return None
        total = start.month - 1 + n * months
        return dt.date(start.year + total // 12, total % 12 + 1, 1 if start.day > 28 else start.day)

    def turn_label(self, turn: int) -> str:
        """`month 3 (March 2022)`: the turn name and number, with the date when known."""
        base = f"{self.model.deck.turn_name} {turn}"
        date = self.turn_date(turn)
        if date is None:
            return base
        unit = self.model.deck.turn_name.lower()
        shown = date.strftime("%B %Y") if unit in {"month", "quarter"} else str(date.year) if unit == "year" else date.isoformat()
        return f"{base} ({shown})"

    def actor_name(self, actor: str) -> str:
        return self.model.actors[actor].name

    def slot_label(self, slot: int) -> str:
        name = self.slot_names[slot]
        if "." in name:
            actor, track = name.split(".", 1)
            return f"{self.model.actors[actor].name}: {self.model.actor_tracks[track].label}"
        return self.model.tracks[name].label

    def compile_inject(self, effects: list[str]) -> list[Effect]:
        """Compile a facilitator's on-the-spot effects; raises `ExpressionError`."""
        return [compile_effect(text, self.scope) for text in effects]


def _news_line(actor: str, move: str, headline: str, always: str, success: bool) -> str:
    """A move's news: its outcome's text (plus the `always` text), or who did what."""
    if headline:
        return f"{headline} {always}" if always else headline
    if always:
        return f"{actor}: {move}. {always}"
    return f"{actor}: {move}" + ("" if success else " (fails)")


def _who(deck: Deck, actor: str) -> str:
    return deck.actors[actor].name if actor in deck.actors else actor


def _zero(s: object) -> float:
    return 0.0


def _constant(value: float) -> Fn:
    return lambda s: value


class _Collector:
    def __init__(self) -> None:
        self.problems: list[tuple[PathT, str]] = []

    def add(self, path: PathT, message: str) -> None:
        self.problems.append((path, message))

    def expr(self, text: str, scope: Scope, kind: str, path: PathT, reads: set[tuple[str, int]] | None = None) -> Fn | None:
        try:
            return compile_expr(text, scope, kind, reads)  # type: ignore[arg-type]
        except ExpressionError as exc:
            self.add(path, str(exc))
            return None

    def effects(self, texts: list[str], scope: Scope, path: PathT) -> list[Effect]:
        out: list[Effect] = []
        for i, text in enumerate(texts):
            try:
                out.append(compile_effect(text, scope))
            except ExpressionError as exc:
                self.add((*path, i), str(exc))
        return out


def compile_deck(deck: Deck, source: str, sha256: str, path: str) -> tuple[CompiledDeck | None, list[tuple[PathT, str]]]:
    """Check cross-references and compile. Returns (deck or None, problems)."""
    c = _Collector()
    actors = list(deck.actors)
    scope = Scope()
    slot_names: list[str] = []
    lo: list[float] = []
    hi: list[float] = []
    start: list[float] = []
    thresholds: dict[int, list[tuple[float, str]]] = {}
    secret_slots: dict[int, str] = {}

    for table, names in (("tracks", deck.tracks), ("actor_tracks", deck.actor_tracks), ("flags", deck.flags), ("actors", actors)):
        for name in names:
            if name in RESERVED_NAMES:
                c.add((table, name), f"'{name}' is a reserved word and cannot name a track, flag or actor")
    for name in deck.tracks:
        if name in deck.actors:
            c.add(("tracks", name), f"track '{name}' has the same name as an actor")

    for name, spec in deck.tracks.items():
        slot = len(slot_names)
        scope.tracks[name] = slot
        scope.bounds[slot] = (spec.min, spec.max)
        slot_names.append(name)
        lo.append(spec.min)
        hi.append(spec.max)
        start.append(spec.start if spec.start is not None else spec.min)
        if spec.thresholds:
            thresholds[slot] = spec.threshold_levels()
        if spec.secret:
            c.add(("tracks", name, "secret"), "only actor tracks can be secret")
    for actor_id, actor in deck.actors.items():
        scope.actor_tracks[actor_id] = {}
        for key, value in actor.start.items():
            known = deck.actor_tracks.get(key)
            if known is None:
                c.add(("actors", actor_id, "start", key), f"unknown actor track '{key}'")
            elif not known.min <= value <= known.max:
                c.add(("actors", actor_id, "start", key), f"start {value} is outside {known.min}..{known.max}")
        for name, spec in deck.actor_tracks.items():
            slot = len(slot_names)
            scope.actor_tracks[actor_id][name] = slot
            scope.bounds[slot] = (spec.min, spec.max)
            slot_names.append(f"{actor_id}.{name}")
            lo.append(spec.min)
            hi.append(spec.max)
            value = actor.start.get(name, spec.start if spec.start is not None else spec.min)
            start.append(min(max(value, spec.min), spec.max))
            if spec.thresholds:
                thresholds[slot] = spec.threshold_levels()
            if spec.secret:
                secret_slots[slot] = actor_id
    flag_names = list(deck.flags)
    scope.flags = {name: i for i, name in enumerate(flag_names)}

    seen: dict[str, int] = {}
    for i, move in enumerate(deck.moves):
        if move.id in seen:
            c.add(("moves", i, "id"), f"duplicate move id '{move.id}' (also moves[{seen[move.id]}])")
        else:
            seen[move.id] = i
        if move.actor not in deck.actors:
            c.add(("moves", i, "actor"), f"unknown actor '{move.actor}' (actors: {', '.join(actors)})")
    scope.moves = {m.id: i for i, m in enumerate(deck.moves)}
    seen_events: dict[str, int] = {}
    for i, event in enumerate(deck.events):
        if event.id in seen_events:
            c.add(("events", i, "id"), f"duplicate event id '{event.id}'")
        seen_events[event.id] = i
    scope.events = {e.id: i for i, e in enumerate(deck.events)}

    moves: list[CMove] = []
    for i, move in enumerate(deck.moves):
        p: PathT = ("moves", i)
        reads: set[tuple[str, int]] = set()
        requires = c.expr(move.requires, scope, "bool", (*p, "requires"), reads) if move.requires else None
        # A precondition decides which moves a seat is offered, so it may only look at what
        # that seat can see; otherwise the order list would leak another seat's secrets.
        for what, index in sorted(reads):
            if what == "slot" and index in secret_slots and secret_slots[index] != move.actor:
                c.add((*p, "requires"), f"reads {slot_names[index]}, a secret track {_who(deck, move.actor)} cannot see; a precondition may only use what its actor knows")
            elif what == "move":
                other = deck.moves[index]
                if other.visibility == Visibility.SECRET and other.actor != move.actor and move.actor not in other.shared_with:
                    c.add((*p, "requires"), f"reads the plays of '{other.id}', a secret move {_who(deck, move.actor)} does not learn of; a precondition may only use what its actor knows")
        chance_const: float | None = None
        chance_fn: Fn | None = None
        if isinstance(move.chance, str):
            chance_fn = c.expr(move.chance, scope, "num", (*p, "chance"))
        else:
            chance_const = float(move.chance)
        if move.visibility != Visibility.SECRET and move.detection:
            c.add((*p, "detection"), "only secret moves can have a detection chance")
        if move.visibility != Visibility.SECRET and move.shared_with:
            c.add((*p, "shared_with"), "only secret moves can be shared with some actors")
        for j, recipient in enumerate(move.shared_with):
            if recipient not in deck.actors:
                c.add((*p, "shared_with", j), f"unknown actor '{recipient}' (actors: {', '.join(actors)})")
        actor_index = actors.index(move.actor) if move.actor in deck.actors else 0
        moves.append(
            CMove(
                index=i,
                id=move.id,
                actor=move.actor,
                actor_index=actor_index,
                name=move.name,
                description=move.description,
                category=move.category.value,
                escalation=move.escalation,
                secret=move.visibility == Visibility.SECRET,
                audience=frozenset((move.actor, *move.shared_with)) if move.visibility == Visibility.SECRET else None,
                detection=move.detection,
                requires=requires,
                requires_text=move.requires_text or (f"needs {move.requires}" if move.requires else ""),
                chance_const=chance_const,
                chance=chance_fn,
                chance_source=move.chance if isinstance(move.chance, str) else None,
                success=c.effects(move.success.effects, scope, (*p, "success", "effects")),
                failure=c.effects(move.failure.effects, scope, (*p, "failure", "effects")),
                always=c.effects(move.always.effects, scope, (*p, "always", "effects")),
                success_news=move.success.news,
                failure_news=move.failure.news,
                always_news=move.always.news,
                effect_text={
                    "success": list(move.success.effects),
                    "failure": list(move.failure.effects),
                    "always": list(move.always.effects),
                },
                success_text=_news_line(_who(deck, move.actor), move.name, move.success.news, move.always.news, True),
                failure_text=_news_line(_who(deck, move.actor), move.name, move.failure.news, move.always.news, False),
                once=move.once,
                cooldown=move.cooldown,
                order_key=(CATEGORY_ORDER[move.category], actor_index),
            )
        )
    moves_by_actor: dict[str, list[CMove]] = {a: [] for a in actors}
    for m in moves:
        if m.actor in moves_by_actor:
            moves_by_actor[m.actor].append(m)

    events: list[CEvent] = []
    for i, event in enumerate(deck.events):
        p = ("events", i)
        when = c.expr(event.when, scope, "bool", (*p, "when")) if event.when else None
        if event.at is not None and event.at > deck.deck.turns:
            c.add((*p, "at"), f"turn {event.at} is after the last turn ({deck.deck.turns})")
        events.append(
            CEvent(
                index=i,
                id=event.id,
                name=event.name or event.id,
                at=event.at,
                when=when,
                chance_const=None if isinstance(event.chance, str) else float(event.chance),
                chance=c.expr(event.chance, scope, "num", (*p, "chance")) if isinstance(event.chance, str) else None,
                once=event.once,
                inject=event.inject,
                effects=c.effects(event.effects, scope, (*p, "effects")),
                effect_text=list(event.effects),
                news=event.news,
                failure_news=event.failure_news,
            )
        )

    endings: list[CEnding] = []
    seen_endings: set[str] = set()
    limit: CEnding | None = None
    for i, ending in enumerate(deck.endings):
        p = ("endings", i)
        if ending.id in seen_endings:
            c.add((*p, "id"), f"duplicate ending id '{ending.id}'")
        seen_endings.add(ending.id)
        compiled = CEnding(
            id=ending.id,
            title=ending.title,
            when=c.expr(ending.when, scope, "bool", (*p, "when")) if ending.when else None,
            turn_limit=ending.turn_limit,
            text=ending.text,
        )
        if ending.turn_limit:
            if limit is not None:
                c.add((*p, "turn_limit"), "only one ending can be the turn-limit ending")
            limit = compiled
        else:
            endings.append(compiled)
    if limit is None:
        c.add(("endings",), "one ending needs `turn_limit = true` (what happens when time runs out)")

    objectives: dict[str, list[CObjective]] = {}
    doctrines: dict[str, dict[str, CDoctrine]] = {}
    for actor_id, actor in deck.actors.items():
        objectives[actor_id] = []
        for j, obj in enumerate(actor.objectives):
            fn = c.expr(obj.when, scope, "bool", ("actors", actor_id, "objectives", j, "when"))
            if fn is not None:
                objectives[actor_id].append(CObjective(obj.text, fn, float(obj.points)))
        doctrines[actor_id] = {}
        own = [mv for mv in deck.moves if mv.actor == actor_id]
        for name, doc in actor.doctrines.items():
            p = ("actors", actor_id, "doctrines", name)
            own_ids = {mv.id for mv in own}
            for move_id in doc.weights:
                if move_id not in own_ids:
                    c.add((*p, "weights", move_id), f"'{move_id}' is not one of {actor_id}'s moves")
            weights: list[Fn] = []
            sources: list[str] = []
            for mv in own:
                raw = doc.weights.get(mv.id, doc.default_weight)
                if isinstance(raw, str):
                    where = (*p, "weights", mv.id) if mv.id in doc.weights else (*p, "default_weight")
                    fn = c.expr(raw, scope, "num", where)
                    weights.append(fn or _zero)
                    sources.append(raw)
                else:
                    if raw < 0:
                        c.add((*p, "weights", mv.id), "weights cannot be negative")
                    weights.append(_constant(float(raw)))
                    sources.append(str(raw))
            doctrines[actor_id][name] = CDoctrine(name, doc.summary, weights, sources, doc.temperature, doc.orders)

    questions: list[CQuestion] = []
    for i, question in enumerate(deck.debrief.questions):
        p = ("debrief", "questions", i)
        if question.turn is not None and question.turn > deck.deck.turns:
            c.add((*p, "turn"), f"turn {question.turn} is after the last turn ({deck.deck.turns})")
        when = c.expr(question.when, scope, "bool", (*p, "when")) if question.when else None
        questions.append(CQuestion(question.text, question.turn, when))

    if c.problems:
        return None, c.problems
    assert limit is not None
    return (
        CompiledDeck(
            model=deck,
            source=source,
            sha256=sha256,
            path=path,
            scope=scope,
            actors=actors,
            slot_names=slot_names,
            lo=lo,
            hi=hi,
            start_values=start,
            secret_slots=secret_slots,
            thresholds=thresholds,
            flag_names=flag_names,
            flag_start=[deck.flags[n] for n in flag_names],
            moves=moves,
            moves_by_actor=moves_by_actor,
            events=events,
            endings=endings,
            turn_limit_ending=limit,
            objectives=objectives,
            doctrines=doctrines,
            move_index=dict(scope.moves),
            event_index=dict(scope.events),
            questions=questions,
        ),
        [],
    )
