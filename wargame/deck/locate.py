"""Map a path inside a parsed TOML document back to a line of its source text.

TOML parsers return plain dicts with no positions, so to report `decks/x.toml:41:
moves[3].chance: ...` we scan the text once for table headers and keys. The scan is
deliberately forgiving: when a path cannot be found exactly, the line of its nearest
ancestor is used.
"""

from __future__ import annotations

import re

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
        in_multiline: str | None = None
        depth = 0  # bracket depth of a multi-line array or inline table value
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            if depth > 0:
                depth += _bracket_delta(line)
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
                rest = line[key.end():]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote
                depth = max(0, _bracket_delta(rest))

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


def _bracket_delta(text: str) -> int:
    delta = 0
    quote: str | None = None
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            delta += 1
        elif ch in "]}":
            delta -= 1
    return delta


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
