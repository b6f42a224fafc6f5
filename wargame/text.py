"""Text from files is data, never terminal commands: find and neutralise control characters.

Deck text with an ESC or OSC sequence could clear a player's screen or retitle the
terminal; saves are only checked structurally, so everything printed from one goes
through `safe_text`. Tabs and newlines are the only control characters text may hold.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""C0 controls except tab and newline, DEL, C1 controls (CSI, OSC...), Unicode line and
paragraph separators, and the bidirectional overrides that can make text read backwards."""
_CONTROL_ONE_LINE = re.compile(_CONTROL.pattern[:-1] + r"\t\n]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def first_control(text: str) -> int:
    """The index of the first control character `safe_text` would neutralise, or -1."""
    found = _CONTROL.search(text)
    return found.start() if found else -1


def control_name(char: str) -> str:
    """A control character as a reader can name it: `U+001B (ESC)`."""
    names = {0x1B: "ESC", 0x07: "BEL", 0x08: "BS", 0x0D: "CR", 0x7F: "DEL", 0x9B: "CSI", 0x9D: "OSC", 0x00: "NUL"}
    code = ord(char)
    name = names.get(code)
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def safe_text(text: object, limit: int | None = None, *, one_line: bool = False) -> str:
    """`text` with control characters shown as `\\x1b`-style escapes, cut to `limit` characters.

    `one_line` also escapes tabs and newlines (for a title or a message on one line).
    """
    s = str(text)
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    pattern = _CONTROL_ONE_LINE if one_line else _CONTROL
    return pattern.sub(_escape, s)


def cut(text: object, limit: int = 80) -> str:
    """User input quoted in a message: one line, no control characters, at most `limit` characters."""
    return safe_text(text, limit, one_line=True)
