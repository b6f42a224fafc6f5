"""Read a deck file: size and encoding checks, TOML parsing, pydantic validation, compiling.

Every failure becomes a `DeckError` whose problems name the file, the line and the field,
so `wargame validate` can print them all and the UI can show them.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path
from typing import Any

import tomli
from pydantic import BaseModel, ValidationError

from wargame.deck.compile import CompiledDeck, compile_deck
from wargame.deck.locate import LineIndex, deep_line, format_path
from wargame.deck.schema import (
    ID_PATTERN,
    NAME_PATTERN,
    TURN_LENGTH_PATTERN,
    WEIGHT_KEY_PATTERN,
    Actor,
    Coach,
    Deck,
    DeckMeta,
    Doctrine,
    Ending,
    Event,
    EventOutcome,
    FieldError,
    FlagSpec,
    Move,
    Objective,
    Offer,
    Outcome,
    TrackSpec,
    category_context,
)
from wargame.errors import DeckError, Problem
from wargame.files import FileProblem, read_regular_file
from wargame.text import control_name, first_control

MAX_DECK_BYTES = 2_000_000
MAX_DEPTH = 24


def load_deck(path: str | Path) -> CompiledDeck:
    """Load, validate and compile the deck at `path`; raises `DeckError` listing every problem."""
    name = str(path)
    try:
        # A FIFO or device (/dev/zero, a pipe) is refused at once: it could never end.
        raw = read_regular_file(path, MAX_DECK_BYTES, "deck")
    except FileProblem as exc:
        raise DeckError([Problem(name, None, "", str(exc))]) from None
    return load_deck_bytes(raw, name)


def load_deck_bytes(raw: bytes, name: str = "<deck>") -> CompiledDeck:
    """Load a deck from its bytes; `name` is used in messages (and kept as the deck's path)."""
    if len(raw) > MAX_DECK_BYTES:
        raise DeckError([Problem(name, None, "", f"file is too large for a deck (the limit is {MAX_DECK_BYTES:,} bytes)")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DeckError([Problem(name, line, "", "file is not UTF-8 text")]) from None
    return load_deck_text(text, name)


def load_deck_text(text: str, name: str = "<deck>") -> CompiledDeck:
    """Load a deck from its source text."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DeckError([Problem(name, None, "", "file is empty; a deck needs [deck], [actors.*], [[moves]] and [[endings]]")])
    if "\x00" in text:
        raise DeckError([Problem(name, None, "", "file contains NUL bytes; it is not a TOML deck")])
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        if _looks_like_save(text):
            raise DeckError([Problem(name, None, "", "this is a wargame save, not a deck; open it with `wargame replay` or the Continue screen")]) from None
        if text.lstrip().startswith(("{", "[{")):
            raise DeckError([Problem(name, None, "", "this is a JSON file, not a TOML deck")]) from None
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        msg = getattr(exc, "msg", None) or str(exc).split(" (at ")[0]
        msg = msg[:1].lower() + msg[1:]
        if msg in {"illegal character '\\n'", "expected \"'\""}:
            # tomli reports where the line ends; the author needs to hear the quote is open.
            msg = "unterminated string: a quoted text is not closed before the end of the line"
        where = f" at column {col}" if col else ""
        raise DeckError([Problem(name, line, "", f"TOML syntax error{where}: {msg}")]) from None
    except RecursionError:
        line = deep_line(text, MAX_DEPTH)
        raise DeckError([Problem(name, line, "", f"nested more than {MAX_DEPTH} levels deep; a deck never needs that")]) from None
    if _depth(data) > MAX_DEPTH:
        line = deep_line(text, MAX_DEPTH)
        raise DeckError([Problem(name, line, "", f"nested more than {MAX_DEPTH} levels deep; a deck never needs that")])
    if "deck" not in data and "moves" not in data and "actors" not in data:
        raise DeckError([Problem(name, 1, "", "not a wargame deck: it has no [deck], [actors.*] or [[moves]] tables")])

    index = LineIndex(text)
    controls = _control_problems(data, index, name)
    if controls:
        raise DeckError(controls)
    try:
        deck = Deck.model_validate(data, context=category_context(data))
    except ValidationError as exc:
        raise DeckError(_validation_problems(exc, data, index, name)) from None
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    compiled, problems = compile_deck(deck, text, sha, name)
    if compiled is None:
        raise DeckError([Problem(name, index.line_of(p), format_path(p), msg) for p, msg in problems])
    return compiled


def _looks_like_save(text: str) -> bool:
    """Whether text that failed to parse as TOML is a save file (JSON with the save's
    format marker near its start), so `validate` can say so instead of a syntax error."""
    head = text.lstrip()[:4096]
    return head.startswith("{") and '"wargame-save"' in head


MAX_CONTROL_PROBLEMS = 20


def _control_problems(data: Any, index: LineIndex, name: str) -> list[Problem]:
    """Every string (key or value) holding a terminal control character, with its line.

    Deck text reaches every seat's screen: an ESC or OSC sequence in a move's name could
    clear the screen or rewrite the terminal's title, so only tab and newline are allowed.
    """
    problems: list[Problem] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack and len(problems) < MAX_CONTROL_PROBLEMS:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in reversed(list(node.items())):
                at = first_control(key)
                if at >= 0:
                    problems.append(Problem(name, index.line_of((*path, key)), format_path((*path, key)), f"the key contains the control character {control_name(key[at])}; only tab and newline are allowed in deck text"))
                stack.append(((*path, key), value))
        elif isinstance(node, list):
            stack.extend(((*path, i), item) for i, item in reversed(list(enumerate(node))))
        elif isinstance(node, str):
            at = first_control(node)
            if at >= 0:
                problems.append(Problem(name, index.line_of(path), format_path(path), f"contains the control character {control_name(node[at])}; only tab and newline are allowed in deck text"))
    return problems


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _data_path(loc: tuple[Any, ...], data: Any, missing: bool = False) -> tuple[str | int, ...]:
    """Keep the parts of a pydantic `loc` that walk the data (drop union tags and the like).

    For a missing field (`missing`), the last part names the key the author must add.
    """
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif missing and i == len(loc) - 1 and isinstance(node, dict) and isinstance(part, str):
            out.append(part)
            node = None
    return tuple(out)


PROBABILITY_FIELDS = {"chance", "detection"}
"""Fields holding a probability: out of range, they get one plain message."""

_PATTERNS = {
    ID_PATTERN: "must start with a lowercase letter and use only a-z, 0-9, '-' and '_'",
    NAME_PATTERN: "must start with a lowercase letter and use only a-z, 0-9 and '_' "
    "(it is a name in expressions, so no '-')",
    TURN_LENGTH_PATTERN: "must be a number and a unit: m (minutes), h (hours), d (days) or w (weeks), e.g. \"12h\"",
    WEIGHT_KEY_PATTERN: "must be a move id (a lowercase letter, then a-z, 0-9, '-' and '_'), "
    "or an offer's id with /accept, /refuse or /wait",
}


_TYPE_MESSAGES = {
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text in quotes",
    "list_type": "must be a list, e.g. [\"...\", \"...\"]",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
}


def _field_names() -> list[str]:
    """Every field name of every deck model, to suggest a fix for a misspelt key."""
    names: set[str] = set()
    for model in _MODELS:
        names.update(model.__pydantic_fields__)
    return sorted(names)


def _message(err: Any, path: tuple[str | int, ...]) -> str:
    """A plain-language message for one pydantic error (without the `(got ...)` suffix)."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    field = path[-1] if path else ""
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        others = [name for name in _FIELD_NAMES if name != field]
        close = difflib.get_close_matches(str(field), others, n=1, cutoff=0.75)
        if not close and field in _FIELD_NAMES:  # a real field, in the wrong table
            return "is not a field of this table (see docs/deck-format.md for where it belongs)"
        hint = f"did you mean '{close[0]}'?" if close else "check the spelling"
        return f"is not a known field ({hint})"
    if field in PROBABILITY_FIELDS and kind in {"less_than_equal", "greater_than_equal"}:
        return "must be between 0 and 1"
    bound = {"greater_than_equal": ("ge", "at least"), "less_than_equal": ("le", "at most"),
             "greater_than": ("gt", "more than"), "less_than": ("lt", "less than")}.get(kind)
    if bound and bound[0] in ctx:
        return f"must be {bound[1]} {ctx[bound[0]]:g}"
    if kind in {"too_long", "too_short"}:
        have = ctx.get("actual_length")
        if have is None:  # pydantic leaves it out for a table (a dict)
            value = err.get("input")
            have = len(value) if isinstance(value, dict | list) else None
        if kind == "too_long":
            count = f"{have:,} entries" if isinstance(have, int) else "too many entries"
            return f"has {count}; at most {ctx.get('max_length') or 0:,} are allowed"
        least = ctx.get("min_length", 1)
        return f"needs at least {least} entr{'y' if least == 1 else 'ies'}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        return _PATTERNS[ctx["pattern"]]
    if kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind]
    if kind.startswith(("date_", "datetime_")):
        return "must be a date like 2022-01-01"
    if kind == "enum" and "expected" in ctx:
        return f"must be one of {ctx['expected']}"
    message = str(err["msg"]).removeprefix("Value error, ")
    message = message.replace("Input should be", "must be", 1).replace("String should", "must", 1)
    return message.replace(" after validation", "")


def _union_tag(err: Any, path: tuple[str | int, ...]) -> str | None:
    """The branch of a `number | expression` union an error comes from, if any."""
    loc = err["loc"]
    extra = [part for part in loc[len(path):] if isinstance(part, str)]
    return extra[-1] if extra and extra[-1] not in {"[key]"} else None


FLAG_FORMS = "must be true or false, or a table with a label ([flags.NAME] label = \"...\")"


def _flag_errors(errors: list[Any], data: Any) -> list[Any]:
    """A flag is `NAME = false` or a `[flags.NAME]` table: pydantic tries both and fails
    each. Keep what the author meant: the table's own errors for a table (its misspelt or
    empty key, not "must be true or false"), one line for any other value; and a missing
    `label` is not said again when a misspelt key in the same table is the label."""
    flags = data.get("flags") if isinstance(data, dict) else None
    if not isinstance(flags, dict):
        return errors
    out: list[Any] = []
    for err in errors:
        loc = err["loc"]
        if len(loc) >= 3 and loc[0] == "flags" and loc[2] in {"bool", "FlagSpec"}:
            value = flags.get(loc[1])
            if isinstance(value, dict):
                if loc[2] == "bool":
                    continue
                err = {**err, "loc": (loc[0], loc[1], *loc[3:])}
            elif loc[2] == "FlagSpec":
                continue
            else:
                err = {"type": "flag_form", "loc": loc[:2], "msg": FLAG_FORMS, "input": value}
        out.append(err)
    misspelt = {(e["loc"][:2], c) for e in out if e["type"] == "extra_forbidden" and e["loc"][0] == "flags"
                for c in difflib.get_close_matches(str(e["loc"][-1]), list(FlagSpec.model_fields), n=1, cutoff=0.75)}
    return [e for e in out if not (e["type"] == "missing" and e["loc"][0] == "flags" and (e["loc"][:2], e["loc"][-1]) in misspelt)]


def _validation_problems(exc: ValidationError, data: Any, index: LineIndex, name: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    unions: dict[str, list[Any]] = {}
    errors: list[Any] = _flag_errors(list(exc.errors(include_url=False)), data)
    for err in errors:
        path = _data_path(err["loc"], data, missing=err["type"] == "missing")
        if _union_tag(err, path) is not None:
            unions.setdefault(format_path(path), []).append(err)
    for err in errors:
        error = (err.get("ctx") or {}).get("error")
        path = _data_path(err["loc"], data, missing=err["type"] == "missing")
        if isinstance(error, FieldError) and isinstance(_lookup(data, path), dict):
            # A whole-table check about one field: point at that field and its line.
            path = (*path, error.field)
        where = format_path(path)
        branches = unions.get(where)
        if branches:
            # A `number | expression` value fails once per branch: report the branch
            # that matches what the author wrote, or say what is expected.
            value = branches[0].get("input")
            want = {"str"} if isinstance(value, str) else {"float", "int"} if isinstance(value, int | float) else set()
            chosen = next((b for b in branches if (_union_tag(b, path) or "").split("-")[-1] in want), None)
            if err is not branches[0]:
                continue
            if chosen is None:
                err = {"type": "union", "msg": "must be a number or an expression in quotes", "input": value}
            else:
                err = chosen
        message = _message(err, path)
        stray = _stray_actor(err, path, data)
        if stray is not None:
            path, message = stray
            where = format_path(path)
        if err["type"] not in {"missing", "extra_forbidden", "model_type", "too_long"} and "input" in err:
            shown = repr(err["input"])
            if len(shown) <= 40 and err["input"] != "" and not isinstance(err["input"], dict | list):
                message = f"{message} (got {shown})"
        key = (where, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(name, index.line_of(path), where, message))
    return problems


def _stray_actor(err: Any, path: tuple[str | int, ...], data: Any) -> tuple[tuple[str | int, ...], str] | None:
    """A misspelt actor in a table name (`[actors.unn.doctrines.x]` for `un`) makes a new
    actor with no name; say what happened instead of "actors.unn.name is required"."""
    if err["type"] != "missing" or len(path) != 3 or path[0] != "actors" or path[2] != "name":
        return None
    actors = data.get("actors") if isinstance(data, dict) else None
    if not isinstance(actors, dict):
        return None
    stray = str(path[1])
    named = [a for a, v in actors.items() if a != stray and isinstance(v, dict) and "name" in v]
    close = difflib.get_close_matches(stray, named, n=1, cutoff=0.6)
    if not close:
        return None
    return (path[0], path[1]), f"unknown actor '{stray}', did you mean '{close[0]}'? (an actor needs a name)"


def _lookup(data: Any, path: tuple[str | int, ...]) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


_MODELS: list[type[BaseModel]] = [Coach, EventOutcome, DeckMeta, TrackSpec, Objective, Doctrine, Actor, Offer, Outcome, Move, Event, Ending, Deck]
_FIELD_NAMES = _field_names()
