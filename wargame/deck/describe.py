"""Deck expressions and effects in plain words, for one viewer.

"Tension +1", "Sanctions pressure set to 0", "sets the flag ICBM moratorium off", "needs
Tension at least 7 and ICBM moratorium off": built from the intermediate form the compiler
keeps (no parsing here), and told what the viewer may know, so a secret move it cannot
know exists is never named and a track hidden from it is marked as such.
"""

from __future__ import annotations

import math
import re
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from wargame.deck.compile import CEvent, CMove, CompiledDeck, Hidden, lower_label
from wargame.deck.ir import (
    Arith,
    ChangeTrack,
    Clock,
    CmpOp,
    Compare,
    EffectNode,
    EventHistory,
    Fired,
    Flag,
    Func,
    IfElse,
    Logic,
    Neg,
    Node,
    Not,
    Num,
    Plays,
    Reveal,
    SetFlag,
    SetTrack,
    Track,
    Truth,
    kind_of,
)
from wargame.words import count, plural, possessive

HIDDEN = "hidden from you"
UNKNOWN_MOVE = "a secret move (hidden from you)"
"""How a move the viewer cannot know exists is named, wherever an expression reads it."""
UNKNOWN_EVENT = "an event (hidden from you)"
MINUS = "\u2212"

_ATOM, _PRODUCT, _SUM, _LOOSE = 3, 2, 1, 0
"""Binding strength of a rendered number: a looser part is put in parentheses."""
_AND, _OR = 1, 0
_CMP_WORDS: dict[CmpOp, str] = {
    ">=": "at least", "<=": "at most", ">": "above", "<": "below", "==": "equal to", "!=": "not equal to",
}
_NEGATED: dict[CmpOp, CmpOp] = {">=": "<", "<": ">=", "<=": ">", ">": "<=", "==": "!=", "!=": "=="}
_FLIPPED: dict[CmpOp, CmpOp] = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}


def number(x: float) -> str:
    """`2`, `0.5`, `−1.25`: whole numbers without a point, at most three decimals."""
    if not math.isfinite(x):  # decks cannot write nan or inf, but stay total
        return str(x)
    text = str(int(x)) if float(x).is_integer() else f"{x:.3f}".rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def signed(x: float) -> str:
    """`+1`, `−2`."""
    return f"+{number(x)}" if x >= 0 else number(x)


def _join(parts: list[str], last: str = "and") -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def depends_on(hidden: Iterable[Hidden]) -> str:
    """`depends on South Korea's covert work, hidden from you` (each phrase once), or ''."""
    phrases = list(dict.fromkeys(h.phrase for h in hidden))
    return f"depends on {_join(phrases)}, {HIDDEN}" if phrases else ""


# -- the deck's own spelling of words, for flag names -------------------------------------------

_WORD = re.compile(r"[A-Za-z]+")
_SPELLING: dict[int, tuple[weakref.ref[CompiledDeck], dict[str, str]]] = {}


def _spelling(deck: CompiledDeck) -> dict[str, str]:
    """Lowercase word to how the deck writes it when it always capitalises it (`icbm` ->
    `ICBM`, `yoon` -> `Yoon`), from the deck's prose: flags are bare identifiers."""
    entry = _SPELLING.get(id(deck))
    if entry is not None and entry[0]() is deck:
        return entry[1]
    m = deck.model
    texts: list[str] = [m.deck.title, m.deck.summary]
    texts += [t.label for t in (*m.tracks.values(), *m.actor_tracks.values())]
    texts += [t.description for t in (*m.tracks.values(), *m.actor_tracks.values())]
    for a in m.actors.values():
        texts += [a.name, a.brief, *(o.text for o in a.objectives)]
    for mv in m.moves:
        texts += [mv.name, mv.description, mv.requires_text, mv.success.news, mv.failure.news, mv.always.news]
    for ev in m.events:
        texts += [ev.name, ev.news]
    texts += [e.title for e in m.endings]
    lower: set[str] = set()
    forms: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text):
            if word.islower():
                lower.add(word)
            else:
                forms[word] += 1
    spelling: dict[str, str] = {}
    for form, _n in forms.most_common():
        key = form.lower()
        if key not in lower and key not in spelling and (form.isupper() or form[1:].islower()):
            spelling[key] = form
    _SPELLING[id(deck)] = (weakref.ref(deck), spelling)
    return spelling


# -- what a viewer may know ------------------------------------------------------------------------


def _always(_key: object) -> bool:
    return True


@dataclass(frozen=True)
class MoveWords:
    """A move described for one viewer; empty strings and lists where there is nothing."""

    requires: str
    """`needs Tension at least 7 and ICBM moratorium off`."""
    chance: str
    """`70%`, or the formula in words: `0.1 + 0.2 × Tension`."""
    success: list[str]
    failure: list[str]
    always: list[str]
    target: str = ""
    """For a targeted move: `aimed at North Korea`."""
    offer: str = ""
    """For an offer: what becomes of it (`An offer to North Korea, who has 2 months to
    answer. If accepted: …`); for an answer to one: whose offer it answers."""


@dataclass(frozen=True)
class EventWords:
    when: str
    """`when Tension at least 6`, or `in month 3`, or '' for an inject."""
    chance: str
    effects: list[str]


class Describer:
    """Puts expressions and effects into words for a viewer.

    `knows_move(id)` says whether the viewer may know that a move exists (a secret move it
    may not know of is never named), `knows_track(slot)` whether it may see a track's value
    (if not, the track is marked "hidden from you" and an effect on it shows no amount), and
    `knows_event(id)` whether it may know of an event (a facilitator's unfired inject).
    """

    def __init__(
        self,
        deck: CompiledDeck,
        knows_move: Callable[[str], bool] = _always,
        knows_track: Callable[[int], bool] = _always,
        knows_event: Callable[[str], bool] = _always,
        *,
        turns: int | None = None,
    ) -> None:
        """`turns`: the game's length, when it is not the deck's (`Game(turns=...)`)."""
        self.deck = deck
        self.knows_move = knows_move
        self.knows_track = knows_track
        self.knows_event = knows_event
        self.unit = deck.model.deck.turn_name
        self.turns = turns or deck.turns
        self._as_turn_ends = False
        """True while wording an ending's condition: the game checks it as a turn ends."""

    @classmethod
    def for_seat(cls, deck: CompiledDeck, seat: str | None) -> Describer:
        """What a seat may know from the deck alone: public moves, its own and those shared
        with it; tracks that are not another seat's secret; events that are not injects.
        `seat=None` is the public, who knows what every seat knows. A secret move that
        has been revealed is known too: the visibility rules know which, so pass them as
        predicates to `Describer(...)` for that."""
        moves = {m.id: m for m in deck.moves}
        events = {e.id: e for e in deck.events}

        def knows_move(move_id: str) -> bool:
            m = moves.get(move_id)
            if m is None or m.audience is None:
                return m is not None
            # The public sees what every seat sees: a secret move shared with all of them.
            return seat in m.audience if seat is not None else m.audience >= set(deck.actors)

        def knows_track(slot: int) -> bool:
            owner = deck.secret_slots.get(slot)
            return owner is None or owner == seat

        def knows_event(event_id: str) -> bool:
            e = events.get(event_id)
            return e is not None and not e.inject

        return cls(deck, knows_move, knows_track, knows_event)

    # -- names -------------------------------------------------------------------------------
    def track(self, slot: int, mark: bool = True) -> str:
        """`Tension`, `North Korea's military capability`, `China's covert work (hidden from you)`."""
        name = self.deck.slot_names[slot]
        if "." in name:
            actor, track = name.split(".", 1)
            text = f"{possessive(self.deck.actor_name(actor))} {lower_label(self.deck.model.actor_tracks[track].label)}"
        else:
            text = self.deck.model.tracks[name].label
        return f"{text} ({HIDDEN})" if mark and not self.knows_track(slot) else text

    def flag(self, slot: int) -> str:
        """The flag's label (`Control systems cut off from IT`), or for a flag without one
        its name in words, spelt as the deck spells them and capitalised like a track's
        label (`ICBM moratorium` for `icbm_moratorium`, `Drills suspended`): never its id."""
        spec = self.deck.flag_spec(slot)
        if spec is not None:
            return spec.label
        spelling = _spelling(self.deck)
        words = " ".join(spelling.get(w, w) for w in self.deck.flag_names[slot].split("_") if w)
        return words[:1].upper() + words[1:]

    def move(self, move_id: str) -> str:
        if not self.knows_move(move_id) or move_id not in self.deck.move_index:
            return UNKNOWN_MOVE
        return self.deck.moves[self.deck.move_index[move_id]].name

    def event_name(self, event_id: str) -> str:
        if not self.knows_event(event_id) or event_id not in self.deck.event_index:
            return UNKNOWN_EVENT
        return self.deck.events[self.deck.event_index[event_id]].name

    def _units(self, n: float) -> str:
        return f"{number(n)} {plural(n, self.unit)}"

    # -- numbers -----------------------------------------------------------------------------
    def number(self, node: Node) -> str:
        """A number in words and symbols: `0.5 + 0.1 × the times Missile test was played`."""
        return self._num(node)[0]

    def _num(self, n: Node) -> tuple[str, int]:
        if isinstance(n, Num):
            return number(n.value), _ATOM
        if isinstance(n, Track):
            return self.track(n.slot), _ATOM
        if isinstance(n, Clock):
            return (f"the {self.unit} number" if n.which == "turn" else f"the number of {self.unit}s"), _ATOM
        if isinstance(n, Plays) and n.fn == "count":
            return f"the times {self.move(n.move)} was played", _ATOM
        if isinstance(n, Plays) and n.fn == "succeeded":
            return f"the times {self.move(n.move)} succeeded", _ATOM
        if isinstance(n, Plays) and n.fn == "since":
            return f"the {self.unit}s since {self.move(n.move)} was last played", _ATOM
        if isinstance(n, EventHistory) and n.fn == "count":
            return f"the times {self.event_name(n.event)} has happened", _ATOM
        if isinstance(n, EventHistory):
            return f"the {self.unit}s since {self.event_name(n.event)} last happened", _ATOM
        if isinstance(n, Neg):
            return f"{MINUS}{self._wrap(n.operand, _ATOM)}", _ATOM
        if isinstance(n, Arith):
            if n.op == "*":
                amount, cond = _conditional(n)
                if cond is not None:
                    return f"{self._wrap(amount, _SUM)} if {self.condition(cond)}, else 0", _LOOSE
            if n.op in {"+", "-"}:
                sym = "+" if n.op == "+" else MINUS
                return f"{self._wrap(n.left, _SUM)} {sym} {self._wrap(n.right, _PRODUCT)}", _SUM
            sym = "×" if n.op == "*" else "÷"
            return f"{self._wrap(n.left, _PRODUCT)} {sym} {self._wrap(n.right, _ATOM)}", _PRODUCT
        if isinstance(n, Func):
            args = [self._wrap(a, _SUM) for a in n.args]
            if n.fn in {"min", "max"}:
                word = ("smaller" if n.fn == "min" else "larger") if len(args) == 2 else ("smallest" if n.fn == "min" else "largest")
                return f"the {word} of {_join(args)}", _ATOM
            if n.fn == "abs":
                return f"the size of {args[0]}", _ATOM
            return f"{args[0]}, rounded", _LOOSE
        if isinstance(n, IfElse) and not is_condition(n):
            return f"{self._wrap(n.body, _SUM)} if {self.condition(n.test)}, otherwise {self._wrap(n.orelse, _SUM)}", _LOOSE
        # A condition used as a number counts 1 when it holds.
        return f"1 if {self.condition(n)}, else 0", _LOOSE

    def _wrap(self, n: Node, least: int) -> str:
        text, strength = self._num(n)
        return text if strength >= least else f"({text})"

    # -- conditions ----------------------------------------------------------------------------
    def condition(self, node: Node) -> str:
        """A condition in words: `Tension at least 7 and ICBM moratorium off`."""
        return self._cond(node)[0]

    def ending_condition(self, node: Node) -> str:
        """An ending's condition in words, read as the game checks it, once a turn's
        orders are resolved: `turn >= turns` is `the 6 weeks are up`, `turn >= 3` is
        `week 3 is over` (a move's or an event's test of the turn is `it is week 3 or later`)."""
        self._as_turn_ends = True
        try:
            return self.condition(node)
        finally:
            self._as_turn_ends = False

    def time_up(self) -> str:
        """`the 6 weeks are up`: the game's length in the deck's own unit."""
        return f"the {self._units(self.turns)} {'is' if self.turns == 1 else 'are'} up"

    def in_sentence(self, words: str) -> str:
        """A flag's words inside a sentence (`now: no hotline`): the first word lowercased,
        unless it is a name: one the deck always capitalises (`Moscow demands ...`,
        `Soviet ships ...`), an abbreviation (`ICBM`, `US`), or the start of a name of
        several words (`North Korea's test freeze holds`, `U Thant's appeal`). `No`, `Not`
        and the articles are always lowercased (`no North Korean test freeze`)."""
        first, _, rest = words.partition(" ")
        word = _WORD.match(first)
        if word is None:
            return words
        key = word.group().lower()
        small = key in {"no", "not", "a", "an", "the"}
        if not small and (key in _spelling(self.deck) or rest[:1].isupper() or len(first) > 1 and first[1].isupper()):
            return words
        return words[:1].lower() + words[1:]

    def flag_state(self, slot: int, on: bool) -> str:
        """A flag being on or off in words: `ICBM moratorium on`; for a labelled flag its
        label, or what its `off` says (`not control systems cut off from IT`)."""
        words = self.deck.flag_words(slot, on)
        return words if words is not None else f"{self.flag(slot)} {'on' if on else 'off'}"

    def _cond(self, n: Node) -> tuple[str, int]:
        if isinstance(n, Truth):
            return ("always" if n.value else "never"), _ATOM
        if isinstance(n, Flag):
            return self.flag_state(n.slot, True), _ATOM
        if isinstance(n, Plays):
            name = self.move(n.move)
            if n.fn == "ordered":
                return f"{name} ordered this {self.unit}", _ATOM
            if n.fn == "revealed":
                return f"{name} revealed", _ATOM
            if n.fn == "played":
                return f"{name} played before", _ATOM
        if isinstance(n, Fired):
            return f"{self.event_name(n.event)} has happened", _ATOM
        if isinstance(n, Not):
            return self._negate(n.operand)
        if isinstance(n, Logic):
            return self._logic(n.op, list(n.operands))
        if isinstance(n, Compare):
            return self._compare(n)
        if isinstance(n, IfElse):
            return f"{self._cwrap(n.body)} if {self._cwrap(n.test)}, otherwise {self._cwrap(n.orelse)}", _OR
        # A number where a condition is expected (never compiled; kept total).
        return f"{self.number(n)} is not 0", _ATOM

    def _cwrap(self, n: Node, joined_by: int = _ATOM) -> str:
        """A condition inside another: in parentheses unless it is a single test or is
        joined the same way as its neighbours (`a and b and c`)."""
        text, strength = self._cond(n)
        return text if strength in {_ATOM, joined_by} else f"({text})"

    def _logic(self, op: str, operands: list[Node]) -> tuple[str, int]:
        if op == "and":
            return " and ".join(self._cwrap(o, _AND) for o in operands), _AND
        return " or ".join(self._cwrap(o, _OR) for o in operands), _OR

    def _negate(self, n: Node) -> tuple[str, int]:
        if isinstance(n, Truth):
            return ("never" if n.value else "always"), _ATOM
        if isinstance(n, Flag):
            return self.flag_state(n.slot, False), _ATOM
        if isinstance(n, Plays):
            name = self.move(n.move)
            if n.fn == "ordered":
                return f"{name} not ordered this {self.unit}", _ATOM
            if n.fn == "revealed":
                return f"{name} not revealed", _ATOM
            if n.fn == "played":
                return f"{name} never played", _ATOM
        if isinstance(n, Fired):
            return f"{self.event_name(n.event)} has not happened", _ATOM
        if isinstance(n, Not):
            return self._cond(n.operand)
        if isinstance(n, Logic):
            # Not (a and b) is (not a) or (not b): say it that way round.
            flipped = "or" if n.op == "and" else "and"
            return self._logic(flipped, [Not(o) for o in n.operands])
        if isinstance(n, Compare) and len(n.ops) == 1:
            return self._compare(Compare((_NEGATED[n.ops[0]],), n.operands))
        return f"not ({self.condition(n)})", _ATOM

    def _compare(self, n: Compare) -> tuple[str, int]:
        parts = [self._pair(a, op, b) for a, op, b in zip(n.operands, n.ops, n.operands[1:], strict=False)]
        return (parts[0], _ATOM) if len(parts) == 1 else (" and ".join(parts), _AND)

    def _pair(self, a: Node, op: CmpOp, b: Node) -> str:
        if isinstance(a, Num) and not isinstance(b, Num):
            a, op, b = b, _FLIPPED[op], a
        if is_condition(a) or is_condition(b):
            for x, y in ((a, b), (b, a)):
                if isinstance(y, Truth) and op in {"==", "!="}:
                    holds = y.value == (op == "==")
                    return self.condition(x) if holds else self._negate(x)[0]
            if op in {"==", "!="}:
                same = "the same as" if op == "==" else "not the same as"
                return f"whether {self._cwrap(a)} is {same} whether {self._cwrap(b)}"
        if isinstance(a, Plays) and isinstance(b, Num):
            said = self._plays_pair(a, op, b.value)
            if said:
                return said
        said = self._clock_pair(a, op, b)
        if said:
            return said
        if isinstance(a, Plays) and isinstance(b, Plays) and a.fn == b.fn == "since" and op in {"<", ">"}:
            first, second = (a, b) if op == "<" else (b, a)
            return f"{self.move(first.move)} played more recently than {self.move(second.move)}"
        return f"{self._wrap(a, _SUM)} {_CMP_WORDS[op]} {self._wrap(b, _SUM)}"

    def _clock_pair(self, a: Node, op: CmpOp, b: Node) -> str:
        """A test of the turn in the deck's own unit, or '' for any other test: `it is week
        3 or later`, `it is the last week (week 6)`; in an ending's words (checked as a turn
        ends) `week 3 is over`, `the 6 weeks are up`."""
        turn, turns = Clock("turn"), Clock("turns")
        if a == turns and b == turn:
            a, op, b = b, _FLIPPED[op], a
        if a != turn:
            return ""
        unit, ending = self.unit, self._as_turn_ends
        if b == turns:
            if op in {">=", "=="}:
                return self.time_up() if ending else f"it is the last {unit} ({unit} {number(self.turns)})"
            if op in {"<", "!="}:
                return f"{self.time_up().removesuffix(' up')} not up yet" if ending else f"it is before the last {unit}"
            return ""  # never, or always: the plain comparison says so
        if not isinstance(b, Num) or not float(b.value).is_integer():
            return ""
        k = int(b.value)
        if op in {">", "<="}:  # whole turns: after 3 is from 4, at most 3 is before 4
            op, k = (">=" if op == ">" else "<"), k + 1
        if ending:
            return {">=": f"{unit} {k} is over", "<": f"{unit} {k} is not over yet",
                    "==": f"{unit} {k} has just ended", "!=": f"it is not the end of {unit} {k}"}[op]
        return {">=": f"it is {unit} {k} or later", "<": f"it is before {unit} {k}", "==": f"it is {unit} {k}", "!=": f"it is not {unit} {k}"}[op]

    def _plays_pair(self, a: Plays, op: CmpOp, k: float) -> str:
        """The common history tests, said the way a person would."""
        name = self.move(a.move)
        verb = {"count": "played", "succeeded": "succeeded"}.get(a.fn)
        if verb is not None and ((op == ">" and k == 0) or (op == ">=" and k == 1)):
            return f"{name} {verb} before"
        if verb is not None and ((op == "<=" and k == 0) or (op == "<" and k == 1) or (op == "==" and k == 0)):
            return f"{name} never {verb}"
        if verb is not None and float(k).is_integer() and k >= 1:
            # `succeeded('icbm-test') >= 2`: a count of times, said as one.
            how = {">=": "at least", ">": "more than", "<=": "at most", "<": "fewer than", "==": "exactly"}.get(op)
            if how is not None:
                return f"{name} {verb} {how} {count(int(k), 'time')}"
        if a.fn == "since" and float(k).is_integer():
            if op in {"<", ">="}:
                k, op = k - 1, ("<=" if op == "<" else ">")
            if op in {"<=", ">"} and k >= 0:
                if k == 0:
                    window = f"this {self.unit}"
                elif k == 1:
                    window = f"this {self.unit} or last"
                else:
                    window = f"within the last {self._units(k)}"
                return f"{name} played {window}" if op == "<=" else f"{name} not played {window}"
        return ""

    # -- effects ------------------------------------------------------------------------------
    def effect(self, node: EffectNode) -> str:
        """One effect: `Tension +1`, `Sanctions pressure set to 0`, `sets the flag X off`,
        `reveals an earlier secret move`."""
        if isinstance(node, Reveal):
            if self.knows_move(node.move) and node.move in self.deck.move_index:
                return f"reveals earlier plays of {self.move(node.move)}"
            return "reveals an earlier secret move, if there was one"
        if isinstance(node, SetFlag):
            name = self.flag(node.slot)
            if self.deck.flag_spec(node.slot) is not None:
                if isinstance(node.value, Truth):
                    return f"now: {self.in_sentence(self.flag_state(node.slot, bool(node.value.value)))}"
                return (f"now: {self.in_sentence(self.flag_state(node.slot, True))} if {self.condition(node.value)}, "
                        f"otherwise {self.in_sentence(self.flag_state(node.slot, False))}")
            if isinstance(node.value, Truth):
                return f"sets the flag {name} {'on' if node.value.value else 'off'}"
            return f"sets the flag {name} on if {self.condition(node.value)}, otherwise off"
        if not self.knows_track(node.slot):
            # Even a fixed amount would tell the viewer something about a value it may not see.
            return f"{self.track(node.slot, mark=False)} changes ({HIDDEN})"
        name = self.track(node.slot)
        if isinstance(node, SetTrack):
            return f"{name} set to {self.number(node.value)}"
        return self._change(name, node)

    def _change(self, name: str, node: ChangeTrack) -> str:
        base = 0.0
        extras: list[str] = []
        for sign, term in _terms(node.value, node.sign):
            if isinstance(term, Num):
                base += sign * term.value
                continue
            sym = "+" if sign > 0 else MINUS
            amount, cond = _conditional(term)
            if cond is None:
                extras.append(f"{sym}{self._wrap(term, _PRODUCT)}")
            elif isinstance(amount, Num):
                extras.append(f"{signed(sign * amount.value)} if {self.condition(cond)}")
            else:
                extras.append(f"{sym}{self._wrap(amount, _ATOM)} if {self.condition(cond)}")
        if not extras:
            return f"{name} {signed(base)}"
        if base == 0:
            first, rest = extras[0], extras[1:]
            return f"{name} {first}" + "".join(f", {_another(e)}" for e in rest)
        return f"{name} {signed(base)}" + "".join(f", {_another(e)}" for e in extras)

    def effects(self, nodes: Iterable[EffectNode]) -> list[str]:
        return [self.effect(n) for n in nodes]

    # -- whole moves and events ------------------------------------------------------------------
    def requires(self, move: CMove) -> str:
        """`needs Tension at least 7 and ICBM moratorium off`, or '' when it has no precondition."""
        return f"needs {self.condition(move.requires_node)}" if move.requires_node is not None else ""

    def chance(self, move: CMove | CEvent) -> str:
        """`70%`, or the formula in words (the caller decides whether the viewer may see its value)."""
        if move.chance_node is not None:
            return self.number(move.chance_node)
        return f"{number(round(100 * (move.chance_const or 0.0), 1))}%"

    def describe_move(self, move: CMove) -> MoveWords:
        return MoveWords(
            requires=self.requires(move),
            chance=self.chance(move),
            success=self.effects(move.effect_nodes.get("success", [])),
            failure=self.effects(move.effect_nodes.get("failure", [])),
            always=self.effects(move.effect_nodes.get("always", [])),
            target=self.target(move),
            offer=self.offer(move),
        )

    def target(self, move: CMove) -> str:
        """`aimed at North Korea` for a targeted move (not for an answer to an offer)."""
        if move.target is None or move.answer is not None:
            return ""
        return f"aimed at {self.deck.actor_name(move.target)}"

    def offer(self, move: CMove) -> str:
        """An offer and what becomes of it, or whose offer an answer answers, in plain words."""
        if move.gate is None or move.gate >= len(self.deck.offers):
            return ""
        offer = self.deck.offers[move.gate]
        maker = self.deck.actor_name(offer.maker)
        if move.answer is not None:
            verb = "Accepts" if move.answer == "accept" else "Refuses"
            return (f"{verb} {possessive(maker)} offer ({self.move(self.deck.moves[offer.move].id)}); "
                    "an answer costs no order and comes before every other order")
        accept = self._outcome(self.deck.moves[offer.accept].effect_nodes.get("success", []))
        refuse = self._outcome(self.deck.moves[offer.refuse].effect_nodes.get("success", []))
        expire = self._outcome(offer.expire_nodes)
        recipient = self.deck.actor_name(offer.recipient)
        return (f"An offer to {recipient}, who has {self._units(offer.expires)} to answer. "
                f"If accepted: {accept}; if refused: {refuse}; if it expires: {expire}.")

    def _outcome(self, nodes: list[EffectNode]) -> str:
        return ", ".join(self.effects(nodes)) or "no change"

    def describe_event(self, event: CEvent) -> EventWords:
        triggers = []
        if event.at is not None:
            triggers.append(f"in {self.unit} {event.at}")
        if event.when_node is not None:
            triggers.append(f"when {self.condition(event.when_node)}")
        effects = self.effects(event.effect_nodes)
        for outcome in event.outcomes:
            weight = f"weight {number(outcome.weight_const)}" if outcome.weight_const is not None else "a weight that changes"
            changes = "; ".join(self.effects(outcome.effect_nodes)) or "no change"
            effects.append(f"one of these, by weight ({weight}): {outcome.name}: {changes}")
        return EventWords(" and ".join(triggers), self.chance(event), effects)


def is_condition(n: Node) -> bool:
    """Whether a node is true/false (else a number), as the parser decided."""
    return kind_of(n) == "bool"


def _terms(n: Node, sign: int) -> list[tuple[int, Node]]:
    """A sum flattened into signed terms: `1 + a - b` -> [(+1, 1), (+1, a), (-1, b)]."""
    if isinstance(n, Arith) and n.op in {"+", "-"}:
        return [*_terms(n.left, sign), *_terms(n.right, sign if n.op == "+" else -sign)]
    if isinstance(n, Neg):
        return _terms(n.operand, -sign)
    return [(sign, n)]


def _factors(n: Node) -> list[Node]:
    if isinstance(n, Arith) and n.op == "*":
        return [*_factors(n.left), *_factors(n.right)]
    return [n]


def _conditional(n: Node) -> tuple[Node, Node | None]:
    """A term that counts only while conditions hold, as (amount, condition): `k * cond`,
    `cond * k`, `cond`, `0.5 * a * b` (-> 0.5 if a and b); (n, None) for anything else."""
    if is_condition(n):
        return Num(1), n
    factors = _factors(n)
    conds = [f for f in factors if is_condition(f)]
    if not conds:
        return n, None
    amounts = [f for f in factors if not is_condition(f)]
    cond = conds[0] if len(conds) == 1 else Logic("and", tuple(conds))
    if all(isinstance(a, Num) for a in amounts):
        total = 1.0
        for a in amounts:
            assert isinstance(a, Num)
            total *= a.value
        return Num(total), cond
    amount = amounts[0]
    for a in amounts[1:]:
        amount = Arith("*", amount, a)
    return amount, cond


def _another(extra: str) -> str:
    # The first amount is the base; each conditional one comes on top of it.
    return f"another {extra}" if " if " in extra else extra


def turn_label(deck: CompiledDeck, turn: int, turns: int) -> str:
    """`Week 3 of 6 · 17 January 2022`: a turn as headers, menus and seats' views write it."""
    name = deck.turn_name
    text = f"{name[:1].upper()}{name[1:]} {turn} of {turns}"
    shown = deck.turn_when(turn)
    return f"{text} · {shown}" if shown else text


# -- the whole deck in words -------------------------------------------------------------------


def deck_in_words(deck: CompiledDeck, words: Describer | None = None, seat: str | None = None) -> list[str]:
    """The deck as a reader meets it, in plain words, one line each: its seats, tracks,
    moves, events, endings and channels (who may talk to whom, and when). `words` says what
    the reader may know (default: everything, the deck's author); `seat`, if given, is the
    seat it reads for: its moves only, and only the channels it is on or reads."""
    w = words or Describer(deck)
    m = deck.model
    unit = deck.turn_name
    lines = [m.deck.title, *([m.deck.summary.strip()] if m.deck.summary.strip() else [])]
    lines.append(f"{number(deck.turns)} {plural(deck.turns, unit)}; seats: {_join([deck.actor_name(a) for a in deck.actors])}.")

    lines += ["", "Tracks"]
    for slot, name in enumerate(deck.slot_names):
        spec = m.actor_tracks[name.split(".", 1)[1]] if "." in name else m.tracks[name]
        if not w.knows_track(slot):
            lines.append(f"  {w.track(slot)}")
            continue
        levels = "".join(f"; {text} at {key}" for key, text in spec.thresholds.items())
        secret = "; secret: only its seat (and the facilitator) sees it" if slot in deck.secret_slots else ""
        lines.append(f"  {w.track(slot)}: {number(deck.lo[slot])} to {number(deck.hi[slot])}, starts at {number(deck.start_values[slot])}{levels}{secret}")
    if deck.flag_names:
        lines += ["", "Flags"]
        for i, on in enumerate(deck.flag_start):
            off = deck.flag_words(i, False)  # a labelled flag: its words for off too
            lines.append(f"  {w.flag(i)}{f' (off: {off})' if off is not None else ''}: starts {'on' if on else 'off'}")

    lines += ["", "Moves"]
    for actor in deck.actors:
        if seat is not None and actor != seat:
            continue
        known = [mv for mv in deck.moves_by_actor.get(actor, []) if mv.answer is None and w.knows_move(mv.id)]
        if not known:
            continue
        lines.append(f"  {deck.actor_name(actor)}")
        for mv in known:
            lines += [f"    {line}" for line in _move_lines(w, mv)]

    events = [e for e in deck.events if w.knows_event(e.id)]
    if events:
        lines += ["", "Events"]
        for e in events:
            said = w.describe_event(e)
            chance = "" if e.chance_node is None and (e.chance_const or 0.0) >= 1 else f", chance {said.chance}"
            when = said.when or ("when the facilitator fires it" if e.inject else "every " + unit)
            lines.append(f"  {e.name}: {when}{chance}{', once a game' if e.once else ''}")
            lines += [f"    {effect}" for effect in said.effects]

    lines += ["", "Endings"]
    for ending in deck.endings:
        when = "when the last " + unit + " is played" if ending.turn_limit else (f"when {w.ending_condition(ending.when_node)}" if ending.when_node is not None else "")
        lines.append(f"  {ending.title}" + (f": {when}" if when else ""))
    last = deck.turn_limit_ending
    lines.append(f"  {last.title}: when {w.time_up()} and no other ending has come")

    lines += ["", "Channels", *channels_in_words(deck, w, seat)]
    return lines


def _move_lines(w: Describer, mv: CMove) -> list[str]:
    said = w.describe_move(mv)
    tags = [mv.category, f"escalation {mv.escalation}", *(["secret"] if mv.secret else [])]
    head = f"{mv.name} ({', '.join(tags)})"
    parts = [p for p in (said.target, said.requires) if p]
    sure = mv.chance_node is None and (mv.chance_const or 0.0) >= 1
    if not sure:
        parts.append(f"chance {said.chance}")
    out = [head + (": " + "; ".join(parts) if parts else "")]
    for label, effects in (("if it succeeds", said.success), ("if it fails", said.failure), ("always" if not sure else "", said.always)):
        if effects:
            out.append(f"  {label + ': ' if label else ''}{', '.join(effects)}")
    if said.offer:
        out.append(f"  {said.offer}")
    return out


def channels_in_words(deck: CompiledDeck, words: Describer | None = None, seat: str | None = None) -> list[str]:
    """Who may talk to whom, one line a channel (`The hotline (hotline): United States and
    China, privately; open only while Tension at least 6`), then the pairs of seats no private
    channel joins. `seat`: only the channels that seat writes on or reads."""
    w = words or Describer(deck)
    if not deck.model.channels:
        return ["  Direct messages (direct): any seat may write privately to any one or several others, at any time."]
    lines = []
    for c in deck.channels:
        if seat is not None and not c.public and seat not in c.members:
            continue
        names = _join([deck.actor_name(a) for a in c.members]) if c.members else "nobody"
        if c.public:
            every = set(c.members) == set(deck.actors)
            who = f"in public: {'every seat' if every else names} may write, and every seat and the projector read it"
        else:
            who = f"{names}, privately"
        when = f"; open only while {w.condition(c.when_node)}" if c.when_node is not None else ""
        lines.append(f"  {c.title} ({c.name}): {who}{when}")
    if seat is None:
        private = [set(c.members) for c in deck.channels if not c.public]
        apart = [f"{deck.actor_name(a)} and {deck.actor_name(b)}" for i, a in enumerate(deck.actors) for b in deck.actors[i + 1:]
                 if not any(a in members and b in members for members in private)]
        if apart:
            lines.append(f"  No private channel between {'; '.join(apart)}.")
    lines.append("  Messages have no effect on the game: a binding deal is a formal offer. The facilitator reads every channel and may mute one.")
    return lines
