"""Map a path inside a parsed TOML document back to a line of its source text.

TOML parsers return plain dicts with no positions, so to report `decks/x.toml:41:
moves[3].chance: ...` we scan the text once for table headers and keys. The scan is
deliberately forgiving: when a path cannot be found exactly, the line of its nearest
ancestor is used.
"""

from __future__ import annotations

import re
from typing import Any

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")


def _split_key(key: str) -> list[str]:
    parts: list[str] = []
    for match in re.finditer(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""", key):
        parts.append(next(g for g in match.groups() if g is not None))
    return parts


class LineIndex:
    """Line numbers of the tables and keys of one TOML text."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        array_counts: dict[tuple[str, ...], int] = {}
        current: Path = ()
        value: _Value | None = None  # a value still open at the end of its key's line
        for number, line in enumerate(text.splitlines(), start=1):
            if value is not None:
                value.feed(line, number)
                if not value.open:
                    value = None
                continue
            header = _HEADER.match(line)
            if header and "=" not in header.group(2):
                names = tuple(_split_key(header.group(2)))
                if header.group(1) == "[[":
                    index = array_counts.get(names, 0)
                    array_counts[names] = index + 1
                    current = (*names, index)
                else:
                    current = self._resolve(names, array_counts)
                # The first header under a table also locates the table itself, so a
                # problem with `endings` or `tracks` as a whole still gets a line.
                for end in range(1, len(current)):
                    self.lines.setdefault(current[:end], number)
                self.lines.setdefault(current, number)
                continue
            key = _KEY.match(line)
            if key:
                path = (*current, *_split_key(key.group(1)))
                self.lines.setdefault(path, number)
                scan = _Value(self.lines, path)
                scan.feed(line[key.end():], number)
                if scan.open:
                    value = scan

    @staticmethod
    def _resolve(names: tuple[str, ...], arrays: dict[tuple[str, ...], int]) -> Path:
        # `[moves.success]` after `[[moves]]` refers to the latest element of `moves`.
        out: list[str | int] = []
        for i, name in enumerate(names):
            out.append(name)
            prefix = names[: i + 1]
            if prefix in arrays and i + 1 < len(names):
                out.append(arrays[prefix] - 1)
        return tuple(out)

    def line_of(self, path: Path) -> int | None:
        """The line of `path` or of its nearest ancestor that the scan found."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


_INLINE_KEY = re.compile(r"""((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=(?!=)""")


class _Value:
    """Walks one value (array, inline table, string) across lines, recording the line
    where each array element and inline-table key starts, e.g. `objectives[1].when`
    on the second line of a multi-line array of inline tables."""

    def __init__(self, lines: dict[Path, int], path: Path) -> None:
        self.lines = lines
        self.root = path
        self.stack: list[tuple[str, Path, list[Any]]] = []
        """Open brackets: kind (`[` or `{`), path, and [element index] or [current key]."""
        self.string: str | None = None
        """The closing quote of a multi-line string still open at the end of a line."""

    @property
    def open(self) -> bool:
        return bool(self.stack) or self.string is not None

    def _slot(self) -> Path:
        if not self.stack:
            return self.root
        kind, path, at = self.stack[-1]
        if kind == "[":
            return (*path, at[0])
        return (*path, *at[0]) if at[0] else path

    def feed(self, text: str, number: int) -> None:
        i, n = 0, len(text)
        if self.string is not None:
            close = text.find(self.string)
            if close < 0:
                return
            i, self.string = close + 3, None
        while i < n:
            ch = text[i]
            if ch in " \t\r":
                i += 1
            elif ch == "#":
                return
            elif ch in "[{":
                path = self._slot()
                self.lines.setdefault(path, number)
                self.stack.append((ch, path, [0 if ch == "[" else None]))
                i += 1
            elif ch in "]}":
                if self.stack:
                    self.stack.pop()
                i += 1
            elif ch == ",":
                if self.stack:
                    kind, _path, at = self.stack[-1]
                    at[0] = at[0] + 1 if kind == "[" else None
                i += 1
            else:
                if self.stack and self.stack[-1][0] == "{" and self.stack[-1][2][0] is None:
                    key = _INLINE_KEY.match(text, i)
                    if key:
                        parts = tuple(_split_key(key.group(1)))
                        self.stack[-1][2][0] = parts
                        self.lines.setdefault((*self.stack[-1][1], *parts), number)
                        i = key.end()
                        continue
                if self.stack:
                    self.lines.setdefault(self._slot(), number)
                i = self._skip_scalar(text, i)

    def _skip_scalar(self, text: str, i: int) -> int:
        """The index just past the scalar (string, number, date, boolean) starting at `i`."""
        for quote in ('"""', "'''"):
            if text.startswith(quote, i):
                close = text.find(quote, i + 3)
                if close < 0:
                    self.string = quote
                    return len(text)
                return close + 3
        if text[i] == "'":
            close = text.find("'", i + 1)
            return len(text) if close < 0 else close + 1
        if text[i] == '"':
            j = i + 1
            while j < len(text):
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == '"':
                    return j + 1
                j += 1
            return len(text)
        j = i
        while j < len(text) and text[j] not in ",]}#":
            j += 1
        return max(j, i + 1)


def format_path(path: Path) -> str:
    """`('moves', 3, 'chance')` -> `moves[3].chance`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}" if re.fullmatch(r"[A-Za-z0-9_]+", part) else f'."{part}"'
        else:
            out = part
    return out


def deep_line(text: str, limit: int) -> int | None:
    """The first line where brackets or a dotted table header nest deeper than `limit`.

    Used to point at the culprit when a file is too deeply nested to parse; strings and
    comments are skipped roughly (a bracket inside a multi-line string may be counted).
    """
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if depth == 0 and header and len(_split_key(header.group(2))) > limit:
            return number
        delta = 0
        peak = 0
        quote: str | None = None
        for ch in line:
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                break
            elif ch in "[{":
                delta += 1
                peak = max(peak, delta)
            elif ch in "]}":
                delta -= 1
        if header is None and depth + peak > limit:
            return number
        if header is None:
            depth = max(0, depth + delta)
    return None
