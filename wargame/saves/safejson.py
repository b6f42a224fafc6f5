"""Parsing JSON from a file nobody vouches for: numbers a save may hold, bounded depth.

Python's `json` turns `1e999` into infinity, `NaN` into a float, raises ValueError on an
integer over 4,300 digits and RecursionError on deep nesting; each of those would surface
later as a traceback. Here each is one `UnsafeJSON` with a plain message instead.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_INT_DIGITS = 4_300
"""Python's own limit on converting digits to an int (`sys.get_int_max_str_digits`)."""


class UnsafeJSON(ValueError):
    """JSON that parses, but holds something no save holds (a plain-language message)."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise UnsafeJSON(f"a number has {len(text.lstrip('-')):,} digits (at most {MAX_INT_DIGITS:,})")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnsafeJSON(f"the number {text[:40]} is too large")
    return value


def _constant(text: str) -> Any:
    raise UnsafeJSON(f"{text} is not a number a save may hold")


DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)


def loads(text: str) -> Any:
    """Parse `text`; raises `json.JSONDecodeError`, or `UnsafeJSON` for what no save holds."""
    try:
        return DECODER.decode(text)
    except RecursionError:
        raise UnsafeJSON("nested too deeply") from None


def raw_decode(text: str, index: int) -> tuple[Any, int]:
    """One JSON value starting at `index`, and where it ends (errors as `loads`)."""
    try:
        return DECODER.raw_decode(text, index)
    except RecursionError:
        raise UnsafeJSON("nested too deeply") from None
