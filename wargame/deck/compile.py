"""Compile a validated `Deck` into the engine's flat, fast `CompiledDeck`.

Cross-reference checks live here (unknown actors, duplicate ids, expressions naming
things that do not exist): every problem is collected with its path in the TOML, so the
loader can report them all at once with file and line.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from wargame.deck.codegen import Effect, Fn, compile_effects
from wargame.deck.expr import (
    EffectCode,
    Expression,
    Scope,
    compile_effect,
    compile_effect_code,
    compile_expression,
)
from wargame.deck.expr import (
    suggest as _suggest,
)
from wargame.deck.ir import NO_READS, EffectNode, Node, Reads
from wargame.deck.schema import (
    CATEGORY_ORDER,
    RESERVED_NAMES,
    Deck,
    Doctrine,
    EventOutcome,
    FlagSpec,
    Move,
    Objective,
    TrackSpec,
    Visibility,
    turn_length,
    unknown_category,
)
from wargame.deck.targets import Expansion, expand
from wargame.deck.text import Template, TextError, compile_text
from wargame.errors import ExpressionError
from wargame.words import possessive

PathT = tuple[str | int, ...]

MAX_ORDERS = 10
"""The most orders an actor may give a turn."""


@dataclass(frozen=True, slots=True)
class Hidden:
    """One thing an expression reads that a seat cannot see, with words to say so."""

    kind: Literal["track", "move"]
    owner: str
    """The actor whose secret it is."""
    phrase: str
    """What is hidden, in words: "South Korea's covert work", "whether China played a
    secret move" (never the secret move's name)."""
    slot: int | None = None
    """For a secret track: its slot."""
    move: str | None = None
    """For a secret move's plays: its id (for the program; never show it to the seat)."""


def lower_label(label: str) -> str:
    """A label inside a sentence: `Covert work` -> `covert work`, but `UN unity` stays."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


@dataclass(slots=True)
class CMove:
    """A move in compiled form. `requires`/`chance` are functions of the engine state."""

    index: int
    id: str
    actor: str
    actor_index: int
    name: str
    description: str
    category: str
    """Its category's id (`military`, or one of the deck's own)."""
    escalation: int
    secret: bool
    audience: frozenset[str] | None
    """Who learns of a play when it resolves: None for public moves; for secret and
    unattributed moves the actor and its `shared_with` actors."""
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
    requires_node: Node | None = None
    """`requires` in intermediate form (for plain-word descriptions)."""
    requires_reads: Reads = NO_READS
    chance_node: Node | None = None
    chance_reads: Reads = NO_READS
    detection_reads: Reads = NO_READS
    """What the detection chance reads: nothing while it is a constant."""
    effect_nodes: dict[str, list[EffectNode]] = field(default_factory=dict)
    """Outcome ("success", "failure", "always") to its effects in intermediate form."""
    effect_reads: Reads = NO_READS
    """What the amounts of all its effects read."""
    detection_fn: Fn | None = None
    """The detection chance when it is an expression (`detection` is then 0)."""
    detection_node: Node | None = None
    requires_own: str = ""
    """The deck author's own `requires_text` (empty when the deck gave none)."""
    success_tpl: Template | None = None
    """`success_text` with values to fill in when it is news (None: plain text)."""
    failure_tpl: Template | None = None
    base: str = ""
    """The id the deck author wrote: `sanction` for the targeted move `sanction@cn`, the
    offer's id for its answers; the move's own id otherwise."""
    target: str | None = None
    """The actor a targeted move is aimed at (for an answer: the recipient of the offer)."""
    gate: int | None = None
    """For an offer and its two answers: the offer's slot in `State.offers`. An offer may be
    ordered only while it is not waiting for an answer; an answer only while it is."""
    answer: str | None = None
    """`accept` or `refuse` for an answer to an offer (orders that cost no order slot)."""
    silence_matters: bool = False
    """For an answer: its offer says what happens when it is left unanswered (an `expire`
    outcome with effects or news), so a random seat tries leaving it, too."""
    unattributed: bool = False
    """Everyone sees its effects and its news, not who played it (`secret` is true too: the
    play itself is known only to `audience` until detected or revealed)."""
    category_label: str = ""
    """Its category as players read it (the id itself for the four default categories)."""
    base_name: str = ""
    """The name the deck author wrote (`Sanction`, `Warn {target}`): for an order sheet that
    lists a targeted move once and picks its target apart."""
    headline: bool = False
    """The deck marks it as making the story of a game (the debrief's key moments)."""


@dataclass(slots=True)
class COffer:
    """An offer made to one actor, and what becomes of it (see `wargame.deck.targets`)."""

    index: int
    """Its slot in `State.offers` (the turn it was made while it waits, else -1)."""
    move: int
    """The offer move's index."""
    maker: str
    recipient: str
    expires: int
    """Turns the recipient has to answer."""
    accept: int
    """The index of the recipient's move that accepts it."""
    refuse: int
    expire: list[Effect]
    """Effects when it expires unanswered."""
    expire_news: str
    expire_tpl: Template | None = None
    expire_nodes: list[EffectNode] = field(default_factory=list)


@dataclass(slots=True)
class COutcome:
    """One outcome of a weighted one-of event."""

    name: str
    weight_const: float | None
    weight: Fn | None
    effects: list[Effect]
    news: str
    news_tpl: Template | None = None
    effect_nodes: list[EffectNode] = field(default_factory=list)
    weight_node: Node | None = None
    """The weight in intermediate form, when it is an expression."""
    weight_reads: Reads = NO_READS

    def weight_in(self, state: object) -> float:
        if self.weight_const is not None:
            return self.weight_const
        assert self.weight is not None
        w = float(self.weight(state))
        return w if w > 0 else 0.0  # negative and nan weigh nothing


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
    when_node: Node | None = None
    when_reads: Reads = NO_READS
    chance_node: Node | None = None
    chance_reads: Reads = NO_READS
    effect_nodes: list[EffectNode] = field(default_factory=list)
    effect_reads: Reads = NO_READS
    news_tpl: Template | None = None
    failure_tpl: Template | None = None
    outcomes: list[COutcome] = field(default_factory=list)
    outcome_reads: Reads = NO_READS
    """What the outcomes' weights read (the odds shown with the roll)."""
    headline: bool = False
    """The deck marks it as making the story of a game (the debrief's key moments)."""


@dataclass(slots=True)
class CEnding:
    id: str
    title: str
    when: Fn | None
    turn_limit: bool
    text: str
    when_node: Node | None = None
    when_reads: Reads = NO_READS
    text_tpl: Template | None = None


@dataclass(slots=True)
class CCoach:
    """A coach line in compiled form (see `wargame.deck.schema.Coach`)."""

    text: str
    turn: int | None
    actor: str | None
    when: Fn | None
    when_reads: Reads = NO_READS

    def applies(self, turn: int, seat: str | None, state: object) -> bool:
        """Whether this line is for `turn` and `seat` (None: the public) in `state`."""
        if self.turn is not None and self.turn != turn:
            return False
        if self.actor is not None and self.actor != seat:
            return False
        return self.when is None or bool(self.when(state))


@dataclass(slots=True)
class CChannel:
    """A channel in compiled form (see `wargame.deck.schema.Channel`)."""

    name: str
    title: str
    members: tuple[str, ...]
    """Who may write on it and read it, in deck order."""
    public: bool
    """Every seat and the projector read it."""
    when: Fn | None
    """Open only while this holds (None: always)."""
    when_node: Node | None = None
    """The same condition as the compiler read it (put into words by `deck.describe`)."""


DIRECT = "direct"
"""The name of the one private channel a deck without `[[channels]]` gets."""


@dataclass(slots=True)
class CObjective:
    text: str
    when: Fn
    points: float
    when_node: Node | None = None
    when_reads: Reads = NO_READS
    text_tpl: Template | None = None


@dataclass(slots=True)
class CDoctrine:
    id: str
    summary: str
    weights: list[Fn]
    """One weight function per move of the actor, in the actor's move order."""
    weight_source: list[str]
    temperature: float
    orders: int | None
    weight_reads: list[Reads] = field(default_factory=list)
    """What each weight reads, in the same order as `weights` (no reads for a number)."""
    weight_nodes: list[Node | None] = field(default_factory=list)
    """Each weight in intermediate form, in the same order (None for a number)."""
    waits: dict[int, Wait] = field(default_factory=dict)
    """Offer slot (`CompiledDeck.offers`) to the weight of leaving that offer, made to
    this actor, unanswered for a turn (`OFFER/wait`); an offer not listed weighs 0."""
    start: dict[str, float] = field(default_factory=dict)
    """Start values it asks for, by track name (`crew.capability`), when seated from turn 1."""
    objectives: list[CObjective] = field(default_factory=list)
    """Its own objectives (scored by simulate and sweep on its own terms)."""


@dataclass(slots=True)
class Wait:
    """A doctrine's weight for leaving one offer unanswered this turn."""

    fn: Fn
    source: str
    node: Node | None = None
    reads: Reads = NO_READS


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
    orders_fns: dict[str, Fn] = field(default_factory=dict)
    """Actor to its `orders_per_turn` expression (only actors whose allowance is one)."""
    orders_nodes: dict[str, Node] = field(default_factory=dict)
    move_index: dict[str, int] = field(default_factory=dict)
    event_index: dict[str, int] = field(default_factory=dict)
    questions: list[CQuestion] = field(default_factory=list)
    """The debrief's discussion questions, in deck order."""
    descending: frozenset[int] = frozenset()
    """Slots of tracks where lower is worse: their thresholds are reached from above."""
    coach: list[CCoach] = field(default_factory=list)
    channels: list[CChannel] = field(default_factory=list)
    """Who may talk to whom: the deck's `[[channels]]`, or one private `direct` channel
    among all actors when it declares none."""
    offers: list[COffer] = field(default_factory=list)
    """Every (offer, recipient) pair, in deck order; empty for a deck without offers."""
    expansion: Expansion | None = None
    """How targeted moves and offers were expanded (for paths in the deck file)."""
    code: dict[PathT, Expression | EffectCode] = field(default_factory=dict)
    """Every expression and effect of the deck, parsed once, by its path in `model` (the
    expanded deck): what lint and the debrief read instead of parsing text again."""

    def source_path(self, path: PathT) -> PathT:
        """The path in the deck file of `path` in the compiled deck's model."""
        return self.expansion.source_path(path) if self.expansion is not None else path

    @property
    def written_moves(self) -> int:
        """How many `[[moves]]` the deck file has (a targeted move and its answers count once)."""
        return len({o.source for o in self.expansion.origins}) if self.expansion is not None else len(self.moves)

    def doctrine_starts(self, seats: Mapping[str, object]) -> dict[str, float]:
        """The start values the doctrines seated from turn 1 ask for (`doctrine:NAME` seats),
        by track name: what `Game(starts=...)` takes and a save records."""
        out: dict[str, float] = {}
        for actor, spec in seats.items():
            kind, _, name = str(spec).partition(":")
            doctrine = self.doctrines.get(actor, {}).get(name) if kind.strip() == "doctrine" else None
            if doctrine is not None:
                out.update(doctrine.start)
        return out

    def answers_for(self, actor: str) -> list[CMove]:
        """`actor`'s answers to offers made to it (whether or not one is waiting now)."""
        return [m for m in self.moves_by_actor[actor] if m.answer is not None]

    @cached_property
    def answering(self) -> frozenset[str]:
        """The actors with an answer to some offer (`answers_for` not empty): a seat built
        per game asks, and the deck never changes."""
        return frozenset(a for a in self.actors if self.answers_for(a))

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

    @cached_property
    def _orders_fixed(self) -> dict[str, int]:
        """Each actor's allowance where the deck gives a number, read off the model once
        (every seat is asked it every turn)."""
        out: dict[str, int] = {}
        for actor in self.actors:
            fixed = self.model.actors[actor].orders_per_turn
            if isinstance(fixed, int):
                out[actor] = fixed
        return out

    def orders_per_turn(self, actor: str, state: object | None = None) -> int:
        """How many orders `actor` may give in `state`: the deck's number, or its expression
        computed on the state (rounded down, within 0..10); without a state, at most that."""
        fn = self.orders_fns.get(actor)
        if fn is None:
            return self._orders_fixed[actor]
        if state is None:
            return MAX_ORDERS
        x = float(fn(state))
        return int(x) if 0 <= x <= MAX_ORDERS else MAX_ORDERS if x > MAX_ORDERS else 0  # nan is 0

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

    def turn_time(self, turn: int) -> dt.datetime | None:
        """When a turn starts on the clock, for a deck with a `turn_length` (short turns:
        shifts, hours); None otherwise."""
        meta = self.model.deck
        if meta.turn_length is None or meta.start is None:
            return None
        start = meta.start if isinstance(meta.start, dt.datetime) else dt.datetime.combine(meta.start, dt.time())
        return start + (turn - 1) * turn_length(meta.turn_length)

    def turn_date(self, turn: int) -> dt.date | None:
        """The calendar date a turn starts on, when the deck has a start date and a
        calendar turn name (day, week, month, quarter, year) or a `turn_length`."""
        start = self.model.deck.start
        if start is None:
            return None
        clock = self.turn_time(turn)
        if clock is not None:
            return clock.date()
        if isinstance(start, dt.datetime):
            start = start.date()
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

    def turn_when(self, turn: int) -> str:
        """When a turn is, in words: `16:00, 2 Feb 2024` for clock turns, `March 2022` for
        a month, `17 January 2022` for a day or a week; empty when the deck has no dates."""
        clock = self.turn_time(turn)
        if clock is not None:
            length = turn_length(self.model.deck.turn_length or "1d")
            day = f"{clock.day} {clock:%b %Y}"
            return day if length >= dt.timedelta(days=1) and clock.time() == dt.time() else f"{clock:%H:%M}, {day}"
        date = self.turn_date(turn)
        if date is None:
            return ""
        unit = self.model.deck.turn_name.lower()
        return date.strftime("%B %Y") if unit in {"month", "quarter"} else str(date.year) if unit == "year" else f"{date.day} {date:%B %Y}"

    def turn_label(self, turn: int) -> str:
        """`month 3 (March 2022)`: the turn name and number, with the date when known."""
        base = f"{self.model.deck.turn_name} {turn}"
        date = self.turn_date(turn)
        if date is None:
            return base
        if self.turn_time(turn) is not None:
            return f"{base} ({self.turn_when(turn)})"
        unit = self.model.deck.turn_name.lower()
        shown = date.strftime("%B %Y") if unit in {"month", "quarter"} else str(date.year) if unit == "year" else date.isoformat()
        return f"{base} ({shown})"

    def actor_name(self, actor: str) -> str:
        return self.model.actors[actor].name

    def flag_spec(self, slot: int) -> FlagSpec | None:
        """The flag's words, when the deck gave it a label (`[flags.NAME]`); None for `NAME = false`."""
        spec = self.model.flags[self.flag_names[slot]]
        return None if isinstance(spec, bool) else spec

    def flag_words(self, slot: int, on: bool) -> str | None:
        """What holds while a labelled flag is on or off, as players read it: its label, or
        its `off` words (`not ` and the label when it has none); None for a flag without a
        label (`deck.describe` then says its name in words and `on` or `off`)."""
        spec = self.flag_spec(slot)
        if spec is None:
            return None
        if on:
            return spec.label
        return spec.off or f"not {lower_label(spec.label)}"

    def slot_label(self, slot: int) -> str:
        name = self.slot_names[slot]
        if "." in name:
            actor, track = name.split(".", 1)
            return f"{self.model.actors[actor].name}: {self.model.actor_tracks[track].label}"
        return self.model.tracks[name].label

    def hidden_from(self, actor: str | None, reads: Reads) -> list[Hidden]:
        """What in `reads` the seat `actor` cannot see: other actors' secret tracks, and the
        plays of secret moves neither its own nor shared with it. `actor=None` is the
        public (a projector in the room), who sees what every seat sees. The facilitator
        sees everything, so there is nothing to ask for it."""
        return hidden_reads(self.model, self.scope, self.slot_names, self.secret_slots, actor, reads)

    def compile_inject(self, effects: list[str]) -> list[Effect]:
        """Compile a facilitator's on-the-spot effects; raises `ExpressionError`."""
        return [compile_effect(text, self.scope) for text in effects]


UNATTRIBUTED_WHO = "Unattributed"
"""Who an unattributed move's default news line names: nobody."""


def _news_line(actor: str, move: str, headline: str, always: str, success: bool) -> str:
    """A move's news: its outcome's text (plus the `always` text), or who did what."""
    if headline:
        return f"{headline} {always}" if always else headline
    if always:
        return f"{actor}: {move}. {always}"
    return f"{actor}: {move}" + ("" if success else " (fails)")


def hidden_reads(
    deck: Deck, scope: Scope, slot_names: list[str], secret_slots: dict[int, str], actor: str | None, reads: Reads
) -> list[Hidden]:
    """The rule behind `CompiledDeck.hidden_from`, usable before the deck is built."""
    out: list[Hidden] = []
    for slot in sorted(reads.slots):
        owner = secret_slots.get(slot)
        if owner is not None and owner != actor:
            track = slot_names[slot].split(".", 1)[1]
            phrase = f"{possessive(_who(deck, owner))} {lower_label(deck.actor_tracks[track].label)}"
            out.append(Hidden("track", owner, phrase, slot=slot))
    for index in sorted(scope.moves[m] for m in reads.moves if m in scope.moves):
        move = deck.moves[index]
        if move.visibility == Visibility.PUBLIC:
            continue
        audience = {move.actor, *move.shared_with}
        # The public sees what every seat sees: a secret move shared with all of them.
        known = actor in audience if actor is not None else audience >= set(deck.actors)
        if not known:
            out.append(Hidden("move", move.actor, f"whether {_who(deck, move.actor)} played a secret move", move=move.id))
    return out


def template_of(text: str, scope: Scope) -> Template | None | str:
    """A `Template` for text with values or branches in braces, None for plain text, or
    the problem with it in words (`wargame.deck.text`)."""
    try:
        return compile_text(text, scope)
    except (TextError, ExpressionError) as exc:
        return str(exc)


def _who(deck: Deck, actor: str) -> str:
    return deck.actors[actor].name if actor in deck.actors else actor


def _zero(s: object) -> float:
    return 0.0


def _constant(value: float) -> Fn:
    return lambda s: value


class _Collector:
    """The problems found while compiling, and every expression compiled, by path."""

    def __init__(self) -> None:
        self.problems: list[tuple[PathT, str]] = []
        self.code: dict[PathT, Expression | EffectCode] = {}

    def add(self, path: PathT, message: str) -> None:
        self.problems.append((path, message))

    def expr(self, text: str, scope: Scope, kind: Literal["num", "bool"], path: PathT) -> Expression | None:
        try:
            compiled = self.code[path] = compile_expression(text, scope, kind)
        except ExpressionError as exc:
            self.add(path, str(exc))
            return None
        return compiled

    def effects(self, texts: list[str], scope: Scope, path: PathT) -> list[EffectCode]:
        out: list[EffectCode] = []
        for i, text in enumerate(texts):
            try:
                code = self.code[(*path, i)] = compile_effect_code(text, scope)
            except ExpressionError as exc:
                self.add((*path, i), str(exc))
                continue
            out.append(code)
        return out

    def text(
        self, text: str, scope: Scope, path: PathT, deck: Deck, slot_names: list[str], secret_slots: dict[int, str],
        readers: frozenset[str] | None,
    ) -> Template | None:
        """Check text with `{values}` and `{if}` branches: known names, and nothing its
        `readers` (None: everyone, the public included) may not see. A branch's condition
        counts: the words it picks would give its value away."""
        tpl = template_of(text, scope)
        if isinstance(tpl, str):
            self.add(path, tpl)
            return None
        if tpl is None:
            return None
        seats = list(deck.actors) if readers is None else [a for a in deck.actors if a in readers]
        blind: dict[Hidden, list[str]] = {}
        for seat in seats:
            for h in hidden_reads(deck, scope, slot_names, secret_slots, seat, tpl.reads):
                blind.setdefault(h, []).append(_who(deck, seat))
        for h, who in blind.items():
            if h.slot is not None:
                self.add(path, f"shows a secret track of {_who(deck, h.owner)} that {', '.join(who)} cannot see; "
                         "text may show only values all its readers see")
            else:
                self.add(path, f"reads the plays of '{h.move}', a secret move of {_who(deck, h.owner)} that "
                         f"{', '.join(who)} cannot know of; text may show only what all its readers know")
        return tpl

    def secrecy(
        self, hidden: list[Hidden], path: PathT, deck: Deck, slot_names: list[str], actor: str, what: str, why: str
    ) -> None:
        """One problem per secret an expression `what` reads that `actor` cannot see."""
        who = _who(deck, actor)
        for h in hidden:
            if h.slot is not None:
                self.add(path, f"reads {slot_names[h.slot]}, a secret track {who} cannot see; {what} may only use what its actor knows{why}")
            else:
                self.add(path, f"reads the plays of '{h.move}', a secret move {who} does not learn of; {what} may only use what its actor knows{why}")


def _fns(codes: list[EffectCode], scope: Scope) -> list[Effect]:
    """What the engine applies for `codes`: each effect's function, or, for two or more, one
    function applying them all in order (`codegen.compile_effects`: one call, not one per
    effect, each time they apply)."""
    if len(codes) < 2:
        return [code.fn for code in codes]
    return [compile_effects([code.node for code in codes], scope.bounds)]


def _nodes(codes: list[EffectCode]) -> list[EffectNode]:
    return [code.node for code in codes]


def _reads(codes: list[EffectCode]) -> Reads:
    return Reads.union([code.reads for code in codes])


def compile_deck(deck: Deck, source: str, sha256: str, path: str) -> tuple[CompiledDeck | None, list[tuple[PathT, str]]]:
    """Check cross-references and compile. Returns (deck or None, problems).

    Targeted moves and offers are first expanded into plain moves (`wargame.deck.targets`);
    problems are reported at the paths the author wrote."""
    original = deck
    expansion = expand(deck)
    deck = expansion.deck
    compiled, problems = _compile(deck, original, expansion, source, sha256, path)
    if compiled is not None:
        return compiled, []
    out: list[tuple[PathT, str]] = []
    seen: set[tuple[PathT, str]] = set()
    said: set[PathT] = set()
    # The expansion's own problems are already at the author's paths; the compiler's are
    # in the expanded deck.
    mapped_problems = [(w, w, m) for w, m in expansion.problems] + [(w, expansion.source_path(w), m) for w, m in problems]
    # A field the expansion found wrong (reveal() of a group) needs no second line.
    by_expansion = {w for w, _ in expansion.problems}
    # An offer whose targets are wrong has no answers yet: weights and expressions naming
    # them follow from that one mistake and are not said again.
    unanswerable = {original.moves[w[1]].id for w, _ in expansion.problems
                    if len(w) >= 3 and w[0] == "moves" and isinstance(w[1], int) and w[2] in {"targets", "offer"}}
    for n, (where, mapped, message) in enumerate(mapped_problems):
        # One target's message stands for all: "actor 'cn' has no track" once, not per target,
        # and it quotes the expression as the author wrote it (`target.x`, not `cn.x`).
        per_target = expansion.targeted(where)
        if (mapped, message) in seen or (per_target and mapped in said) or (
            n >= len(expansion.problems) and (mapped in by_expansion or any(f"'{u}/" in message for u in unanswerable))
        ):
            continue
        if per_target:
            target = expansion.origins[where[1]].target if where[0] == "moves" and isinstance(where[1], int) else None
            message = _as_written(message, _value_at(deck, where), _value_at(original, mapped), target)
        seen.add((mapped, message))
        said.add(mapped)
        out.append((mapped, message))
    return None, out


def _not_own(key: str, actor_id: str, original: Deck) -> str:
    """Why a doctrine weight's key is none of the actor's moves (answers get their own words)."""
    base, slash, _ = key.partition("/")
    if not slash:
        own = [m.id for m in original.moves if m.actor == actor_id]
        return f"'{key}' is not one of {actor_id}'s moves{_suggest(key, own)}"
    move = next((m for m in original.moves if m.id == base), None)
    if move is None:
        offers = [m.id for m in original.moves if m.offer is not None]
        return f"'{key}': there is no offer '{base}'{_suggest(base, offers)}"
    if move.offer is None:
        return f"'{key}': '{base}' is not an offer, so it has no answers to weigh"
    if move.actor == actor_id:
        return f"'{key}': '{base}' is {actor_id}'s own offer; its answers are the recipient's to weigh"
    return f"'{key}': the offer '{base}' is not made to {actor_id} (see its `targets`)"


def _value_at(model: object, path: PathT) -> object:
    """The value at `path` in a deck model (None when there is none)."""
    node: object = model
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            node = getattr(node, part, None)
        if node is None:
            return None
    return node


def _as_written(message: str, expanded: object, written: object, target: str | None) -> str:
    """`message` about an expanded expression, quoting the text the author wrote instead
    (and calling the target the target)."""
    if isinstance(expanded, str) and isinstance(written, str) and expanded != written:
        message = message.replace(f"'{expanded}'", f"'{written}'").replace(f'"{expanded}"', f'"{written}"')
        if target is not None:
            message = message.replace(f"actor '{target}' has", f"the target '{target}' has")
            if "{target." in written:  # a text's `{target.x}` was filled in as `{cn.x}`
                message = message.replace("{" + target + ".", "{target.")
    return message


class _Build:
    """What the steps of compiling one deck share: the expanded deck, the problems found
    so far and the layout of slots the steps fill in (see `_compile` for the steps)."""

    def __init__(self, deck: Deck, original: Deck, expansion: Expansion) -> None:
        self.deck = deck
        self.original = original
        """The deck as written (before targeted moves and offers were expanded)."""
        self.expansion = expansion
        self.c = _Collector()
        self.actors = list(deck.actors)
        self.scope = Scope()
        self.slot_names: list[str] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.start: list[float] = []
        self.thresholds: dict[int, list[tuple[float, str]]] = {}
        self.secret_slots: dict[int, str] = {}
        self.descending: set[int] = set()
        self.offers: list[COffer] = []

    def who(self, actor: str) -> str:
        return _who(self.deck, actor)

    @property
    def categories(self) -> list[str]:
        """The deck's categories in resolution order (its own, or the four defaults)."""
        return list(self.deck.categories) if self.deck.categories else [c.value for c in CATEGORY_ORDER]

    def category_order(self, category: str) -> int:
        cats = self.categories
        return cats.index(category) if category in cats else len(cats)

    def category_label(self, category: str) -> str:
        spec = self.deck.categories.get(category)
        return spec.label if spec is not None else category

    def hidden(self, actor: str | None, reads: Reads) -> list[Hidden]:
        return hidden_reads(self.deck, self.scope, self.slot_names, self.secret_slots, actor, reads)

    def text(self, text: str, path: PathT, readers: frozenset[str] | None) -> Template | None:
        return self.c.text(text, self.scope, path, self.deck, self.slot_names, self.secret_slots, readers)

    def add_slot(self, name: str, lo: float, hi: float, start: float, spec: TrackSpec) -> int:
        # A track's value is a float from the start, whatever the deck wrote: effects keep
        # it one (their bounds and whole numbers are floats), and the generated rules
        # compare floats with floats (`codegen._as_track`).
        lo, hi, start = float(lo), float(hi), float(start)
        slot = len(self.slot_names)
        self.scope.bounds[slot] = (lo, hi)
        self.slot_names.append(name)
        self.lo.append(lo)
        self.hi.append(hi)
        self.start.append(start)
        if spec.thresholds:
            self.thresholds[slot] = spec.threshold_levels()
        if spec.descending:
            self.descending.add(slot)
        return slot


def _compile(
    deck: Deck, original: Deck, expansion: Expansion, source: str, sha256: str, path: str
) -> tuple[CompiledDeck | None, list[tuple[PathT, str]]]:
    """The steps of compiling, in the order their problems are reported."""
    b = _Build(deck, original, expansion)
    _check_names(b)
    _lay_out_tracks(b)
    _lay_out_flags(b)
    _index_moves_and_events(b)
    moves = _compile_moves(b)
    offers = b.offers = _compile_offers(b, moves)
    events = _compile_events(b)
    endings, limit = _compile_endings(b)
    objectives, doctrines = _compile_actors(b)
    orders = _compile_orders(b)
    questions = _compile_questions(b)
    coach = _compile_coach(b)
    channels = _compile_channels(b)
    if b.c.problems or expansion.problems:
        return None, b.c.problems
    assert limit is not None
    moves_by_actor: dict[str, list[CMove]] = {a: [] for a in b.actors}
    for m in moves:
        moves_by_actor[m.actor].append(m)
    scope = b.scope
    return (
        CompiledDeck(
            model=deck,
            source=source,
            sha256=sha256,
            path=path,
            scope=scope,
            actors=b.actors,
            slot_names=b.slot_names,
            lo=b.lo,
            hi=b.hi,
            start_values=b.start,
            secret_slots=b.secret_slots,
            thresholds=b.thresholds,
            flag_names=list(deck.flags),
            flag_start=[v if isinstance(v, bool) else v.start for v in deck.flags.values()],
            moves=moves,
            moves_by_actor=moves_by_actor,
            events=events,
            endings=endings,
            turn_limit_ending=limit,
            objectives=objectives,
            doctrines=doctrines,
            orders_fns={a: e.fn for a, e in orders.items()},
            orders_nodes={a: e.node for a, e in orders.items()},
            move_index=dict(scope.moves),
            event_index=dict(scope.events),
            questions=questions,
            descending=frozenset(b.descending),
            coach=coach,
            channels=channels,
            offers=offers,
            expansion=expansion if expansion.origins and expansion.deck is not original else None,
            code=b.c.code,
        ),
        [],
    )


def _check_names(b: _Build) -> None:
    """Reserved words, and a track named like an actor."""
    deck = b.deck
    for table, names in (("tracks", deck.tracks), ("actor_tracks", deck.actor_tracks), ("flags", deck.flags), ("actors", b.actors)):
        for name in names:
            if name in RESERVED_NAMES:
                b.c.add((table, name), f"'{name}' is a reserved word and cannot name a track, flag or actor")
    for name in deck.tracks:
        if name in deck.actors:
            b.c.add(("tracks", name), f"track '{name}' has the same name as an actor")


def _lay_out_tracks(b: _Build) -> None:
    """A slot for each global track, then for each actor's tracks, with bounds and starts."""
    deck, c, actors = b.deck, b.c, b.actors
    for name, spec in deck.tracks.items():
        b.scope.tracks[name] = b.add_slot(name, spec.min, spec.max, spec.start if spec.start is not None else spec.min, spec)
        if spec.secret:
            c.add(("tracks", name, "secret"), "only actor tracks can be secret")
        if spec.actors is not None:
            c.add(("tracks", name, "actors"), "only actor tracks can belong to some actors")
    for name, spec in deck.actor_tracks.items():
        for j, holder in enumerate(spec.actors or ()):
            if holder not in deck.actors:
                close = difflib.get_close_matches(holder, actors, n=1, cutoff=0.6)
                hint = f", did you mean '{close[0]}'?" if close else ""
                c.add(("actor_tracks", name, "actors", j), f"unknown actor '{holder}'{hint} (actors: {', '.join(actors)})")
    for actor_id, actor in deck.actors.items():
        b.scope.actor_tracks[actor_id] = {}
        for key, value in actor.start.items():
            known = deck.actor_tracks.get(key)
            if known is None:
                c.add(("actors", actor_id, "start", key), f"unknown actor track '{key}'")
            elif known.actors is not None and actor_id not in known.actors:
                c.add(("actors", actor_id, "start", key), f"{actor_id} has no track '{key}' (it belongs to {', '.join(known.actors)})")
            elif not known.min <= value <= known.max:
                c.add(("actors", actor_id, "start", key), f"start {value} is outside {known.min}..{known.max}")
        for name, spec in deck.actor_tracks.items():
            if spec.actors is not None and actor_id not in spec.actors:
                continue  # a track only some actors have
            value = actor.start.get(name, spec.start if spec.start is not None else spec.min)
            slot = b.add_slot(f"{actor_id}.{name}", spec.min, spec.max, min(max(value, spec.min), spec.max), spec)
            b.scope.actor_tracks[actor_id][name] = slot
            if spec.secret:
                b.secret_slots[slot] = actor_id


def _lay_out_flags(b: _Build) -> None:
    """Each flag gets its slot; a labelled flag's words must tell its two states, and it
    from every other flag, apart (players read the words, never the flag's name)."""
    b.scope.flags = {name: i for i, name in enumerate(b.deck.flags)}
    said: dict[str, str] = {}
    for name, spec in b.deck.flags.items():
        if isinstance(spec, bool):
            continue
        if spec.off.strip().casefold() == spec.label.strip().casefold():
            b.c.add(("flags", name, "off"), f"says the same as the label ('{spec.label}'): say what holds while the flag is off")
            continue
        for key, words in (("label", spec.label), ("off", spec.off)):
            if not words:
                continue
            other = said.setdefault(words.strip().casefold(), name)
            if other != name:
                b.c.add(("flags", name, key), f"'{words}' is what flag '{other}' says too: players could not tell the two apart")


def _index_moves_and_events(b: _Build) -> None:
    """Ids must be unique and actors known; then each id gets its index."""
    deck, c, actors = b.deck, b.c, b.actors
    seen: dict[str, int] = {}
    for i, move in enumerate(b.original.moves):  # as written: a targeted move's id is one id
        if move.id in seen:
            b.expansion.problems.append((("moves", i, "id"), f"duplicate move id '{move.id}' (also moves[{seen[move.id]}])"))
        else:
            seen[move.id] = i
    for i, move in enumerate(deck.moves):
        if move.actor not in deck.actors:
            close = difflib.get_close_matches(move.actor, actors, n=1, cutoff=0.6)
            hint = f", did you mean '{close[0]}'?" if close else ""
            c.add(("moves", i, "actor"), f"unknown actor '{move.actor}'{hint} (actors: {', '.join(actors)})")
    b.scope.moves = {m.id: i for i, m in enumerate(deck.moves)}
    seen_events: dict[str, int] = {}
    for i, event in enumerate(deck.events):
        if event.id in seen_events:
            c.add(("events", i, "id"), f"duplicate event id '{event.id}'")
        seen_events[event.id] = i
    b.scope.events = {e.id: i for i, e in enumerate(deck.events)}


def _compile_moves(b: _Build) -> list[CMove]:
    return [_compile_move(b, i, move) for i, move in enumerate(b.deck.moves)]


def _compile_move(b: _Build, i: int, move: Move) -> CMove:
    deck, c, scope = b.deck, b.c, b.scope
    p: PathT = ("moves", i)
    requires = c.expr(move.requires, scope, "bool", (*p, "requires")) if move.requires else None
    # A precondition decides which moves a seat is offered, and a fizzle is news to the
    # move's audience, so it may only look at what its actor can see (every function
    # that reads plays counts, `ordered` included); otherwise the order list or the
    # fizzle news would leak another seat's secrets.
    if requires is not None:
        c.secrecy(b.hidden(move.actor, requires.reads), (*p, "requires"), deck, b.slot_names, move.actor, "a precondition", "")
    chance_const: float | None = None
    chance: Expression | None = None
    if isinstance(move.chance, str):
        chance = c.expr(move.chance, scope, "num", (*p, "chance"))
    else:
        chance_const = float(move.chance)
    detection: Expression | None = None
    if isinstance(move.detection, str):
        detection = c.expr(move.detection, scope, "num", (*p, "detection"))
    success = c.effects(move.success.effects, scope, (*p, "success", "effects"))
    failure = c.effects(move.failure.effects, scope, (*p, "failure", "effects"))
    always = c.effects(move.always.effects, scope, (*p, "always", "effects"))
    for key in ("category", "phase"):
        value = getattr(move, key)
        if value is not None and value not in b.categories:
            c.add((*p, key), f"{unknown_category(value, b.categories)} (got '{value}')")
    hidden_play = move.visibility != Visibility.PUBLIC
    if not hidden_play and move.detection:
        c.add((*p, "detection"), "only secret and unattributed moves can have a detection chance")
    if not hidden_play and move.shared_with:
        c.add((*p, "shared_with"), "only secret and unattributed moves can be shared with some actors")
    unattributed = move.visibility == Visibility.UNATTRIBUTED
    if unattributed and b.expansion.origins[i].answer is None and move.offer is not None:
        c.add((*p, "visibility"), "an offer cannot be unattributed: its recipient must know whom to answer (make it secret)")
    for j, recipient in enumerate(move.shared_with):
        if recipient not in deck.actors:
            c.add((*p, "shared_with", j), f"unknown actor '{recipient}' (actors: {', '.join(b.actors)})")
    actor_index = b.actors.index(move.actor) if move.actor in deck.actors else 0
    secret = hidden_play
    audience = frozenset((move.actor, *move.shared_with)) if secret else None
    # An unattributed move's news is everyone's: its values must be public.
    readers = None if unattributed else audience
    has_values = False
    for key in ("success", "failure", "always"):
        if b.text(getattr(move, key).news, (*p, key, "news"), readers) is not None:
            has_values = True
    # Nobody is named in an unattributed move's own news line.
    who = UNATTRIBUTED_WHO if unattributed else b.who(move.actor)
    success_line = _news_line(who, move.name, move.success.news, move.always.news, True)
    failure_line = _news_line(who, move.name, move.failure.news, move.always.news, False)
    success_tpl = template_of(success_line, scope) if has_values else None
    failure_tpl = template_of(failure_line, scope) if has_values else None
    origin = b.expansion.origins[i]
    compiled = CMove(
        index=i,
        id=move.id,
        actor=move.actor,
        actor_index=actor_index,
        name=move.name,
        description=move.description,
        category=move.category,
        category_label=b.category_label(move.category),
        escalation=move.escalation,
        secret=secret,
        audience=audience,
        unattributed=unattributed,
        detection=0.0 if isinstance(move.detection, str) else float(move.detection),
        requires=requires.fn if requires else None,
        requires_text=move.requires_text or (f"needs {move.requires}" if move.requires else ""),
        requires_own=move.requires_text,
        chance_const=chance_const,
        chance=chance.fn if chance else None,
        chance_source=move.chance if isinstance(move.chance, str) else None,
        success=_fns(success, b.scope),
        failure=_fns(failure, b.scope),
        always=_fns(always, b.scope),
        success_news=move.success.news,
        failure_news=move.failure.news,
        always_news=move.always.news,
        effect_text={
            "success": list(move.success.effects),
            "failure": list(move.failure.effects),
            "always": list(move.always.effects),
        },
        success_text=success_line,
        failure_text=failure_line,
        once=move.once,
        cooldown=move.cooldown,
        order_key=(b.category_order(move.phase or move.category), actor_index),
        requires_node=requires.node if requires else None,
        requires_reads=requires.reads if requires else NO_READS,
        chance_node=chance.node if chance else None,
        chance_reads=chance.reads if chance else NO_READS,
        effect_nodes={"success": _nodes(success), "failure": _nodes(failure), "always": _nodes(always)},
        effect_reads=_reads(success) | _reads(failure) | _reads(always),
        detection_fn=detection.fn if detection else None,
        detection_node=detection.node if detection else None,
        detection_reads=detection.reads if detection else NO_READS,
        success_tpl=success_tpl if isinstance(success_tpl, Template) else None,
        failure_tpl=failure_tpl if isinstance(failure_tpl, Template) else None,
        base=origin.base if origin.target is not None else move.id,
        target=origin.target,
        base_name=b.original.moves[origin.source].name,
        headline=move.headline,
    )
    if origin.answer is not None:
        compiled.answer = origin.answer
        compiled.order_key = (-1, actor_index)  # answers resolve before every other order
    return compiled


def _compile_offers(b: _Build, moves: list[CMove]) -> list[COffer]:
    """One offer per (offer move, recipient); its move and two answers learn their gate."""
    deck, c, origins = b.deck, b.c, b.expansion.origins
    offers: list[COffer] = []
    for i, move in enumerate(deck.moves):
        offer = move.offer
        if offer is None or origins[i].target is None or move.actor not in deck.actors:
            continue
        p = ("moves", i, "offer", "expire")
        expire = c.effects(offer.expire.effects, b.scope, (*p, "effects"))
        readers = frozenset((move.actor, *move.shared_with)) if move.visibility == Visibility.SECRET else None
        recipient = origins[i].target or ""
        news = offer.expire.news or f"{possessive(b.who(move.actor))} offer to {b.who(recipient)} expires unanswered: {move.name}."
        k = len(offers)
        offers.append(COffer(k, i, move.actor, recipient, offer.expires, i + 1, i + 2, _fns(expire, b.scope), news,
                             b.text(offer.expire.news, (*p, "news"), readers), _nodes(expire)))
        for j in (i, i + 1, i + 2):
            moves[j].gate = k
        for j in (i + 1, i + 2):
            moves[j].silence_matters = bool(offer.expire.effects or offer.expire.news)
    return offers


def _compile_events(b: _Build) -> list[CEvent]:
    deck, c, scope = b.deck, b.c, b.scope
    events: list[CEvent] = []
    for i, event in enumerate(deck.events):
        p = ("events", i)
        when = c.expr(event.when, scope, "bool", (*p, "when")) if event.when else None
        event_chance = c.expr(event.chance, scope, "num", (*p, "chance")) if isinstance(event.chance, str) else None
        effects = c.effects(event.effects, scope, (*p, "effects"))
        outcomes = [_compile_outcome(b, (*p, "outcomes", j), outcome) for j, outcome in enumerate(event.outcomes)]
        if event.at is not None and event.at > deck.deck.turns:
            c.add((*p, "at"), f"turn {event.at} is after the last turn ({deck.deck.turns})")
        events.append(
            CEvent(
                index=i,
                id=event.id,
                name=event.name or event.id,
                at=event.at,
                when=when.fn if when else None,
                chance_const=None if isinstance(event.chance, str) else float(event.chance),
                chance=event_chance.fn if event_chance else None,
                once=event.once,
                inject=event.inject,
                effects=_fns(effects, scope),
                effect_text=list(event.effects),
                news=event.news,
                failure_news=event.failure_news,
                when_node=when.node if when else None,
                when_reads=when.reads if when else NO_READS,
                chance_node=event_chance.node if event_chance else None,
                chance_reads=event_chance.reads if event_chance else NO_READS,
                effect_nodes=_nodes(effects),
                effect_reads=_reads(effects),
                news_tpl=b.text(event.news, (*p, "news"), None),
                failure_tpl=b.text(event.failure_news, (*p, "failure_news"), None),
                outcomes=outcomes,
                outcome_reads=Reads.union([o.weight_reads for o in outcomes]),
                headline=event.headline,
            )
        )
    return events


def _compile_outcome(b: _Build, q: PathT, outcome: EventOutcome) -> COutcome:
    c = b.c
    weight = c.expr(outcome.weight, b.scope, "num", (*q, "weight")) if isinstance(outcome.weight, str) else None
    if not isinstance(outcome.weight, str) and outcome.weight < 0:
        c.add((*q, "weight"), "weights cannot be negative")
    codes = c.effects(outcome.effects, b.scope, (*q, "effects"))
    return COutcome(
        outcome.name,
        None if isinstance(outcome.weight, str) else float(outcome.weight),
        weight.fn if weight else None,
        _fns(codes, b.scope),
        outcome.news,
        b.text(outcome.news, (*q, "news"), None),
        _nodes(codes),
        weight.node if weight else None,
        weight.reads if weight else NO_READS,
    )


def _compile_endings(b: _Build) -> tuple[list[CEnding], CEnding | None]:
    """The endings in deck order, and the one turn-limit ending apart."""
    c = b.c
    endings: list[CEnding] = []
    seen: set[str] = set()
    limit: CEnding | None = None
    for i, ending in enumerate(b.deck.endings):
        p = ("endings", i)
        if ending.id in seen:
            c.add((*p, "id"), f"duplicate ending id '{ending.id}'")
        seen.add(ending.id)
        when = c.expr(ending.when, b.scope, "bool", (*p, "when")) if ending.when else None
        compiled = CEnding(
            id=ending.id,
            title=ending.title,
            when=when.fn if when else None,
            turn_limit=ending.turn_limit,
            text=ending.text,
            when_node=when.node if when else None,
            when_reads=when.reads if when else NO_READS,
            text_tpl=b.text(ending.text, (*p, "text"), None),
        )
        if ending.turn_limit:
            if limit is not None:
                c.add((*p, "turn_limit"), "only one ending can be the turn-limit ending")
            limit = compiled
        else:
            endings.append(compiled)
    if limit is None:
        c.add(("endings",), "one ending needs `turn_limit = true` (what happens when time runs out)")
    return endings, limit


def _compile_actors(b: _Build) -> tuple[dict[str, list[CObjective]], dict[str, dict[str, CDoctrine]]]:
    """Each actor's objectives, then its doctrines."""
    objectives: dict[str, list[CObjective]] = {}
    doctrines: dict[str, dict[str, CDoctrine]] = {}
    for actor_id, actor in b.deck.actors.items():
        objectives[actor_id] = _compile_objectives(b, actor_id, actor.objectives, ("actors", actor_id))
        doctrines[actor_id] = {name: _compile_doctrine(b, actor_id, name, doc) for name, doc in actor.doctrines.items()}
    return objectives, doctrines


def _compile_objectives(b: _Build, actor_id: str, written: list[Objective], base: PathT) -> list[CObjective]:
    """An actor's (or one of its doctrines') objectives; `base` is where they are written."""
    out: list[CObjective] = []
    for j, obj in enumerate(written):
        p = (*base, "objectives", j)
        objective = b.c.expr(obj.when, b.scope, "bool", (*p, "when"))
        # Objectives are shown to their seat, and to everyone at the end.
        text_tpl = b.text(obj.text, (*p, "text"), None)
        if objective is not None:
            out.append(CObjective(obj.text, objective.fn, float(obj.points), objective.node, objective.reads, text_tpl))
    return out


def _compile_doctrine(b: _Build, actor_id: str, name: str, doc: Doctrine) -> CDoctrine:
    """A doctrine's weight for each of the actor's moves, in the actor's move order."""
    c = b.c
    own = [mv for mv in b.deck.moves if mv.actor == actor_id]
    p = ("actors", actor_id, "doctrines", name)
    own_ids = {mv.id for mv in own}
    # Leaving an offer unanswered is no move: its key is the offer's id and `/wait`.
    wait_slots = {f"{b.deck.moves[o.move].id}/wait": o.index for o in b.offers if o.recipient == actor_id}
    waits: dict[int, Wait] = {}
    for move_id, raw_wait in doc.weights.items():
        if move_id in wait_slots:
            waits[wait_slots[move_id]] = _compile_wait(b, actor_id, (*p, "weights", move_id), raw_wait)
        elif move_id not in own_ids:
            c.add((*p, "weights", move_id), _not_own(move_id, actor_id, b.original))
    weights: list[Fn] = []
    sources: list[str] = []
    weight_reads: list[Reads] = []
    weight_nodes: list[Node | None] = []
    # The default weight applies to every move not listed: compiled and checked once.
    done: dict[PathT, Expression | None] = {}
    for mv in own:
        raw = doc.weights.get(mv.id, doc.default_weight)
        if isinstance(raw, str):
            where = (*p, "weights", mv.id) if mv.id in doc.weights else (*p, "default_weight")
            if where in done:
                weight = done[where]
            else:
                weight = done[where] = c.expr(raw, b.scope, "num", where)
                if weight is not None:
                    # A computer seat decides from its own view, where others' secrets sit
                    # at their start values: such a weight never reacts.
                    c.secrecy(b.hidden(actor_id, weight.reads), where, b.deck, b.slot_names, actor_id, "a doctrine weight",
                              " (a computer seat decides from its own view, so this weight would never react)")
            weights.append(weight.fn if weight else _zero)
            weight_reads.append(weight.reads if weight else NO_READS)
            weight_nodes.append(weight.node if weight else None)
            sources.append(raw)
        else:
            if raw < 0:
                c.add((*p, "weights", mv.id), "weights cannot be negative")
            weights.append(_constant(float(raw)))
            weight_reads.append(NO_READS)
            weight_nodes.append(None)
            sources.append(str(raw))
    unused = (*p, "default_weight")
    if isinstance(doc.default_weight, str) and unused not in done:
        # No move weighs by the default, so it is no error when it does not hold; lint
        # still reads it, as every expression of the deck, from the intermediate form.
        try:
            c.code[unused] = compile_expression(doc.default_weight, b.scope, "num")
        except ExpressionError:
            pass
    start: dict[str, float] = {}
    for track, value in doc.start.items():
        where = (*p, "start", track)
        slot = b.scope.actor_tracks.get(actor_id, {}).get(track)
        if slot is None:
            own_tracks = list(b.scope.actor_tracks.get(actor_id, {}))
            c.add(where, f"{actor_id} has no track '{track}'{_suggest(track, own_tracks)} (a doctrine sets only its own actor's tracks)")
        elif not b.lo[slot] <= value <= b.hi[slot]:
            c.add(where, f"start {value:g} is outside {b.lo[slot]:g}..{b.hi[slot]:g}")
        else:
            start[b.slot_names[slot]] = float(value)
    objectives = _compile_objectives(b, actor_id, doc.objectives, p)
    return CDoctrine(name, doc.summary, weights, sources, doc.temperature, doc.orders, weight_reads, weight_nodes, waits,
                     start, objectives)


def _compile_wait(b: _Build, actor_id: str, where: PathT, raw: float | str) -> Wait:
    """One `OFFER/wait` weight, checked like every doctrine weight."""
    if not isinstance(raw, str):
        if raw < 0:
            b.c.add(where, "weights cannot be negative")
        return Wait(_constant(float(raw)), str(raw))
    weight = b.c.expr(raw, b.scope, "num", where)
    if weight is None:
        return Wait(_zero, raw)
    b.c.secrecy(b.hidden(actor_id, weight.reads), where, b.deck, b.slot_names, actor_id, "a doctrine weight",
                " (a computer seat decides from its own view, so this weight would never react)")
    return Wait(weight.fn, raw, weight.node, weight.reads)


def _compile_orders(b: _Build) -> dict[str, Expression]:
    """Each actor's `orders_per_turn` that is an expression: it may read only what the
    actor sees (its order sheet says how many orders it has, which would tell it)."""
    out: dict[str, Expression] = {}
    for actor_id, actor in b.deck.actors.items():
        if not isinstance(actor.orders_per_turn, str):
            continue
        where = ("actors", actor_id, "orders_per_turn")
        compiled = b.c.expr(actor.orders_per_turn, b.scope, "num", where)
        if compiled is not None:
            b.c.secrecy(b.hidden(actor_id, compiled.reads), where, b.deck, b.slot_names, actor_id, "orders_per_turn", "")
            out[actor_id] = compiled
    return out


def _compile_questions(b: _Build) -> list[CQuestion]:
    deck, c = b.deck, b.c
    questions: list[CQuestion] = []
    for i, question in enumerate(deck.debrief.questions):
        p = ("debrief", "questions", i)
        if question.turn is not None and question.turn > deck.deck.turns:
            c.add((*p, "turn"), f"turn {question.turn} is after the last turn ({deck.deck.turns})")
        when = c.expr(question.when, b.scope, "bool", (*p, "when")) if question.when else None
        questions.append(CQuestion(question.text, question.turn, when.fn if when is not None else None))
    return questions


def _compile_coach(b: _Build) -> list[CCoach]:
    deck, c = b.deck, b.c
    coach: list[CCoach] = []
    for i, line in enumerate(deck.coach):
        p = ("coach", i)
        if line.actor is not None and line.actor not in deck.actors:
            c.add((*p, "actor"), f"unknown actor '{line.actor}' (actors: {', '.join(b.actors)})")
        if line.turn is not None and line.turn > deck.deck.turns:
            c.add((*p, "turn"), f"turn {line.turn} is after the last turn ({deck.deck.turns})")
        when = c.expr(line.when, b.scope, "bool", (*p, "when")) if line.when else None
        if when is not None and (line.actor is None or line.actor in deck.actors):
            # Whether a line shows tells its seats the condition's value: it may read only
            # what they see (every seat, when it is for all of them).
            who = b.who(line.actor) if line.actor else "every seat"
            for h in b.hidden(line.actor, when.reads):
                c.add((*p, "when"), f"reads {h.phrase if h.slot is not None else repr(h.move)}, which {who} cannot see; "
                      "whether a coach line shows would give it away")
        coach.append(CCoach(line.text, line.turn, line.actor, when.fn if when else None, when.reads if when else NO_READS))
    return coach


def _compile_channels(b: _Build) -> list[CChannel]:
    """The deck's channels, or the default: one private channel among every actor."""
    deck, c = b.deck, b.c
    if not deck.channels:
        return [CChannel(DIRECT, "Direct messages", tuple(b.actors), False, None)]
    out: list[CChannel] = []
    seen: set[str] = set()
    for i, channel in enumerate(deck.channels):
        p = ("channels", i)
        if channel.name in seen:
            c.add((*p, "name"), f"duplicate channel name '{channel.name}'")
        seen.add(channel.name)
        unknown = [m for m in channel.members if m not in deck.actors]
        for m in unknown:
            c.add((*p, "members"), f"unknown actor '{m}' (actors: {', '.join(b.actors)})")
        members = tuple(a for a in b.actors if a in channel.members) if channel.members else tuple(b.actors)
        if len(members) < 2 and not channel.public and not unknown:
            c.add((*p, "members"), "a private channel needs at least two members to talk")
        when = c.expr(channel.when, b.scope, "bool", (*p, "when")) if channel.when else None
        if when is not None:
            # Whether the channel is open tells its members (every seat, for a public one)
            # the condition's value: it may read only what each of them sees.
            readers: tuple[str | None, ...] = (None,) if channel.public else members
            said: set[str] = set()
            for reader in readers:
                for h in b.hidden(reader, when.reads):
                    what = h.phrase if h.slot is not None else repr(h.move)
                    if what not in said:
                        said.add(what)
                        who = b.who(reader) if reader else "every seat"
                        c.add((*p, "when"), f"reads {what}, which {who} cannot see; whether the channel is open would give it away")
        out.append(CChannel(channel.name, channel.title, members, channel.public, when.fn if when else None, when.node if when else None))
    return out
