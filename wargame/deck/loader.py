"""Read a deck file: size and encoding checks, TOML parsing, pydantic validation, compiling.

Every failure becomes a `DeckError` whose problems name the file, the line and the field,
so `wargame validate` can print them all and the UI can show them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import tomli
from pydantic import ValidationError

from wargame.deck.compile import CompiledDeck, compile_deck
from wargame.deck.locate import LineIndex, format_path
from wargame.deck.schema import Deck
from wargame.errors import DeckError, Problem

MAX_DECK_BYTES = 2_000_000
MAX_DEPTH = 24


def load_deck(path: str | Path) -> CompiledDeck:
    """Load, validate and compile the deck at `path`; raises `DeckError` listing every problem."""
    name = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise DeckError([Problem(name, None, "", "is a directory, not a deck file")])
        size = p.stat().st_size
        if size > MAX_DECK_BYTES:
            raise DeckError([Problem(name, None, "", f"file is too large for a deck ({size:,} bytes; the limit is {MAX_DECK_BYTES:,})")])
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DeckError([Problem(name, None, "", "no such file")]) from None
    except OSError as exc:
        raise DeckError([Problem(name, None, "", f"cannot read: {exc.strerror or exc}")]) from None
    return load_deck_bytes(raw, name)


def load_deck_bytes(raw: bytes, name: str = "<deck>") -> CompiledDeck:
    """Load a deck from its bytes; `name` is used in messages (and kept as the deck's path)."""
    if len(raw) > MAX_DECK_BYTES:
        raise DeckError([Problem(name, None, "", f"file is too large for a deck ({len(raw):,} bytes)")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DeckError([Problem(name, line, "", "file is not UTF-8 text")]) from None
    return load_deck_text(text, name)


def load_deck_text(text: str, name: str = "<deck>") -> CompiledDeck:
    """Load a deck from its source text."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise DeckError([Problem(name, None, "", "file is empty; a deck needs [deck], [actors.*], [[moves]] and [[endings]]")])
    if "\x00" in text:
        raise DeckError([Problem(name, None, "", "file contains NUL bytes; it is not a TOML deck")])
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        msg = getattr(exc, "msg", None) or str(exc).split(" (at ")[0]
        where = f"column {col}" if col else ""
        raise DeckError([Problem(name, line, "", f"TOML syntax error{': ' + where if where else ''}: {msg}")]) from None
    except RecursionError:
        raise DeckError([Problem(name, None, "", "file is nested too deeply to be a deck")]) from None
    if _depth(data) > MAX_DEPTH:
        raise DeckError([Problem(name, None, "", f"file is nested more than {MAX_DEPTH} levels deep")])
    if "deck" not in data and "moves" not in data and "actors" not in data:
        raise DeckError([Problem(name, 1, "", "not a wargame deck: it has no [deck], [actors.*] or [[moves]] tables")])

    index = LineIndex(text)
    try:
        deck = Deck.model_validate(data)
    except ValidationError as exc:
        raise DeckError(_validation_problems(exc, data, index, name)) from None
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    compiled, problems = compile_deck(deck, text, sha, name)
    if compiled is None:
        raise DeckError([Problem(name, index.line_of(p), format_path(p), msg) for p, msg in problems])
    return compiled


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[str | int, ...]:
    """Keep the parts of a pydantic `loc` that walk the data (drop union tags and the like)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part != "[key]":
            # A missing key: name it, it is what the author must add.
            out.append(part)
            node = None
    return tuple(out)


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field (check the spelling)",
}


def _validation_problems(exc: ValidationError, data: Any, index: LineIndex, name: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        path = _data_path(err["loc"], data)
        message = _MESSAGES.get(err["type"], err["msg"])
        message = message.removeprefix("Value error, ")
        if err["type"] not in _MESSAGES and "input" in err and err["type"] != "model_type":
            shown = repr(err["input"])
            if len(shown) <= 40 and not isinstance(err["input"], dict | list):
                message = f"{message} (got {shown})"
        where = format_path(path)
        key = (where, message)
        # A union (number or expression) reports once per branch: keep the first.
        if any(w == where for w, _ in seen) and err["type"] in {"string_type", "float_type", "int_type", "float_parsing"}:
            continue
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(name, index.line_of(path), where, message))
    return problems
