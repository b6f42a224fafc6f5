"""Text with values: news, ending and objective text that computes and branches.

A deck's text may hold values in braces, each an expression of the deck language with an
optional format (`{tension}`, `{outage * 10000:,}`, `{share:.0%}`), and branches
(`{if flags.ransom_paid}paid{elif turn > 3}late{else}refused{end}`). Text is parsed once
when the deck loads: every expression goes through the one IR (`wargame.deck.ir`), so the
secrecy rules see what a text reads (`Template.reads`), and filling it in is a walk over
compiled functions, never a parse. `{{` and `}}` are literal braces.

Parsing the shape of a text (`fields`, `preview`) needs no deck: the order sheet shows a
text's values as `…` before they are known.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from wargame.deck.expr import Expression, Scope, compile_expression
from wargame.deck.ir import NO_READS, Clock, Reads, Track, kind_of
from wargame.errors import ExpressionError
from wargame.words import number

FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
"""A literal brace (`{{`, `}}`) or a field (`{...}`)."""

_FORMAT = re.compile(r"^(?P<comma>,)?(?:\.(?P<places>[0-6]))?(?P<kind>[fd%])?$")
FORMATS = "',' (thousands), '.1f' (one decimal), ',d' (whole, with thousands), '%' or '.1%' (a share as a percentage)"
"""The formats a value may ask for, in words for messages and the reference."""

Keyword = Literal["if", "elif", "else", "end"]


class TextError(ValueError):
    """Text whose braces do not make sense; the message is one line for the author."""


@dataclass(frozen=True, slots=True)
class Field:
    """One `{...}` of a text, as written: a value (`expr`, `spec`) or a keyword."""

    keyword: Keyword | None
    expr: str
    """The expression (a value's, or an `if`/`elif` condition's); empty for `else`/`end`."""
    spec: str = ""
    """A value's format (the part after `:`), empty for the default."""


def parse_field(raw: str) -> Field:
    """What a field's inside says; raises `TextError` for an empty one or a bad format."""
    inner = raw.strip()
    if not inner:
        raise TextError("empty {} in the text (write {{ and }} for literal braces)")
    head, _, rest = inner.partition(" ")
    if head in {"if", "elif"}:
        if not rest.strip():
            raise TextError(f"{{{head}}} needs a condition, e.g. {{{head} flags.hotline}}")
        return Field(head, rest.strip())  # type: ignore[arg-type]  # one of the keywords
    if inner in {"else", "end"}:
        return Field(inner, "")  # type: ignore[arg-type]
    # Ids never hold a ':', and the language has no other use for one: the last ':' starts the format.
    expr, colon, spec = inner.rpartition(":") if ":" in inner else (inner, "", "")
    if colon:
        spec = spec.strip()
        if not _FORMAT.match(spec) or not spec:
            raise TextError(f"unknown format ':{spec}' in {{{inner}}} (formats: {FORMATS})")
        if not expr.strip():
            raise TextError(f"no value before ':{spec}' in {{{inner}}}")
    return Field(None, expr.strip(), spec)


def tokens(text: str) -> list[str | Field]:
    """The text as literal pieces and fields, in order; raises `TextError` for a stray brace."""
    stray = FIELD.sub("", text)
    if "{" in stray or "}" in stray:
        raise TextError("unmatched '{' or '}' in the text (write {{ and }} for literal braces)")
    out: list[str | Field] = []
    pos = 0
    literal: list[str] = []
    for match in FIELD.finditer(text):
        literal.append(text[pos:match.start()])
        pos = match.end()
        token = match.group(0)
        if token in {"{{", "}}"}:
            literal.append(token[0])
            continue
        if "".join(literal):
            out.append("".join(literal))
        literal = []
        out.append(parse_field(match.group(1)))
    literal.append(text[pos:])
    if "".join(literal):
        out.append("".join(literal))
    return out


def map_expressions(text: str, change: Callable[[str], str]) -> str:
    """`text` with `change` applied to every expression in its fields (values and
    conditions), the rest kept as written. Text whose braces do not parse comes back as it
    is, for the compiler to report."""
    if "{" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)
        try:
            f = parse_field(match.group(1))
        except TextError:
            return match.group(0)
        if f.keyword in {"else", "end"}:
            return match.group(0)
        new = change(f.expr)
        if new == f.expr:
            return match.group(0)
        if f.keyword is not None:
            return "{" + f"{f.keyword} {new}" + "}"
        return "{" + new + (f":{f.spec}" if f.spec else "") + "}"

    return FIELD.sub(one, text)


# -- compiled text ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    """A value to fill in: an expression's result, formatted."""

    expression: Expression
    spec: str
    condition: bool
    """A condition prints `yes` or `no`."""

    def show(self, state: object) -> str:
        x = self.expression.fn(state)
        if self.condition:
            return "yes" if x else "no"
        return format_number(float(x), self.spec)


@dataclass(frozen=True, slots=True)
class Branch:
    """`{if A}...{elif B}...{else}...{end}`: the first case whose condition holds."""

    cases: tuple[tuple[Expression | None, tuple[Part, ...]], ...]
    """(condition, parts); the condition is None for `{else}`."""


Part = str | Value | Branch


@dataclass(frozen=True, slots=True)
class Template:
    """Text with values and branches, parsed and compiled once (`compile_text`)."""

    text: str
    parts: tuple[Part, ...]
    reads: Reads = NO_READS
    """Everything its values and conditions read (what the secrecy rules check)."""
    slots: tuple[int, ...] = ()
    """The track slots its values read, in written order (conditions excluded)."""

    def fill(self, state: object) -> str:
        """The text as it reads in `state`."""
        return _fill(self.parts, state)

    def expressions(self) -> list[Expression]:
        """Every expression it holds (values and conditions), in written order."""
        out: list[Expression] = []
        _collect(self.parts, out)
        return out


def _fill(parts: tuple[Part, ...], state: object) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Value):
            out.append(part.show(state))
        else:
            for condition, body in part.cases:
                if condition is None or condition.fn(state):
                    out.append(_fill(body, state))
                    break
    return "".join(out)


def _collect(parts: tuple[Part, ...], out: list[Expression]) -> None:
    for part in parts:
        if isinstance(part, Value):
            out.append(part.expression)
        elif isinstance(part, Branch):
            for condition, body in part.cases:
                if condition is not None:
                    out.append(condition)
                _collect(body, out)


def format_number(x: float, spec: str) -> str:
    """`x` in a text's format (`FORMATS`); the default is `wargame.words.number`."""
    if not spec or not math.isfinite(x):
        return number(x)
    m = _FORMAT.match(spec)
    assert m is not None  # checked when the text was compiled
    comma = "," if m["comma"] else ""
    kind = m["kind"]
    if kind == "%":
        return f"{x:{comma}.{m['places'] or 0}%}"
    if kind == "d":
        return f"{round(x):{comma}d}"
    if kind == "f" or m["places"] is not None:
        return f"{x:{comma}.{m['places'] or 0}f}"
    # `,` alone: as `number` writes it, with thousands separators.
    text = number(x)
    whole, dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{dot}{frac}"


def compile_text(text: str, scope: Scope) -> Template | None:
    """Parse and compile `text`: None for plain text (no braces at all). Raises `TextError`
    (braces, formats, branches) or `ExpressionError` (an expression in a field) with a
    message naming what is wrong."""
    if "{" not in text and "}" not in text:
        return None
    items = tokens(text)
    pos = 0

    def block(until: frozenset[str]) -> tuple[tuple[Part, ...], Field | None]:
        nonlocal pos
        parts: list[Part] = []
        while pos < len(items):
            item = items[pos]
            pos += 1
            if isinstance(item, str):
                parts.append(item)
                continue
            if item.keyword is None:
                parts.append(_value(item, scope))
                continue
            if item.keyword == "if":
                parts.append(branch(item))
                continue
            if item.keyword in until:
                return tuple(parts), item
            raise TextError(f"{{{item.keyword}}} without an {{if ...}} before it")
        return tuple(parts), None

    def branch(opening: Field) -> Branch:
        cases: list[tuple[Expression | None, tuple[Part, ...]]] = []
        condition: Expression | None = _condition(opening, scope)
        while True:
            body, closing = block(frozenset({"elif", "else", "end"}))
            cases.append((condition, body))
            if closing is None:
                raise TextError(f"{{if {opening.expr}}} needs an {{end}}")
            if closing.keyword == "end":
                return Branch(tuple(cases))
            if condition is None:
                raise TextError(f"{{{closing.keyword}}} after {{else}} (an {{if}} has one {{else}}, last)")
            condition = _condition(closing, scope) if closing.keyword == "elif" else None

    parts, stray = block(frozenset())
    assert stray is None
    expressions: list[Expression] = []
    _collect(parts, expressions)
    slots: list[int] = []
    for part in _values(parts):
        if isinstance(part.expression.node, Track):
            slots.append(part.expression.node.slot)
    return Template(text, parts, Reads.union([e.reads for e in expressions]), tuple(slots))


def _values(parts: tuple[Part, ...]) -> list[Value]:
    out: list[Value] = []
    for part in parts:
        if isinstance(part, Value):
            out.append(part)
        elif isinstance(part, Branch):
            for _c, body in part.cases:
                out.extend(_values(body))
    return out


def _value(f: Field, scope: Scope) -> Value:
    try:
        expression = compile_expression(f.expr, scope, "num")
    except ExpressionError as exc:
        raise _explained(f.expr, scope, exc) from None
    condition = kind_of(expression.node) == "bool"
    if condition and f.spec:
        raise TextError(f"{{{f.expr}:{f.spec}}}: a condition prints yes or no and takes no format")
    if isinstance(expression.node, Clock) and f.spec:
        pass  # `{turn:,}` is odd but harmless
    return Value(expression, f.spec, condition)


def _condition(f: Field, scope: Scope) -> Expression:
    try:
        return compile_expression(f.expr, scope, "bool")
    except ExpressionError as exc:
        raise ExpressionError(f"{{{f.keyword} {f.expr}}}: {exc}") from None


def _explained(expr: str, scope: Scope, exc: ExpressionError) -> ExpressionError | TextError:
    """A bare name the deck lacks reads as before (`unknown value '{tensoin}' ...`), with a
    suggestion among the deck's values; any other mistake names the field."""
    name = expr.strip()
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?", name):
        if name == "target" or name.startswith("target."):
            return TextError(f"'{{{name}}}' works only in the texts of a move with `targets` (the actor it is aimed at)")
        known = [*scope.tracks, *(f"{a}.{t}" for a, ts in scope.actor_tracks.items() for t in ts), "turn", "turns"]
        if not name.startswith("flags.") and name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f" (did you mean '{{{close[0]}}}'?)" if close else " (a track or actor.track; write {{ and }} for braces)"
            return TextError(f"unknown value '{{{name}}}' in the text{hint}")
    return ExpressionError(f"{{{expr}}}: {exc}")


def preview(text: str) -> str:
    """How a text reads before its values are known: each value as `…`, each branch as its
    cases side by side (`paid / refused`). Text whose braces do not parse is returned as is."""
    try:
        items = tokens(text)
    except TextError:
        return text
    out: list[str] = []
    stack: list[list[list[str]]] = []  # per open `if`: its cases' pieces
    for item in items:
        target = stack[-1][-1] if stack else out
        if isinstance(item, str):
            target.append(item)
        elif item.keyword is None:
            target.append("…")
        elif item.keyword == "if":
            stack.append([[]])
        elif item.keyword in {"elif", "else"} and stack:
            stack[-1].append([])
        elif item.keyword == "end" and stack:
            cases = ["".join(c).strip() for c in stack.pop()]
            shown = " / ".join(c for c in cases if c) or "…"
            (stack[-1][-1] if stack else out).append(shown)
    return "".join(out)


__all__ = ["FORMATS", "Branch", "Field", "Template", "TextError", "Value", "compile_text", "format_number",
           "map_expressions", "parse_field", "preview", "tokens"]
