"""Small English helpers shared by every layer: possessives and counted nouns.

One place, so "United States's" and "1 minutes" cannot creep back one screen at a time.
"""

from __future__ import annotations


def possessive(name: str) -> str:
    """`China's`, `United States'` (a name ending in s takes a bare apostrophe)."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def plural(n: float, noun: str, many: str | None = None) -> str:
    """The noun for `n` of it: `minute` for 1, `minutes` otherwise (or `many` when given)."""
    if n == 1:
        return noun
    return many if many is not None else f"{noun}s"


def count(n: float, noun: str, many: str | None = None) -> str:
    """`1 minute`, `2 minutes`, `1.5 minutes` (the number as written, `2.0` as `2`)."""
    shown = f"{n:g}" if isinstance(n, float) else str(n)
    return f"{shown} {plural(n, noun, many)}"


def number(x: float) -> str:
    """A value as people read it: `7`, `4.5`, `0.25`, `3.3`. Whole numbers bare; quarter
    steps exactly (a track moved by 0.25 shows `0.25`, never a rounded `0.2`); anything
    else to one decimal. Every screen, news line, reason and report writes numbers here."""
    x = float(x)
    if x.is_integer():
        return str(int(x))
    if (x * 4).is_integer():
        return f"{x:.2f}".rstrip("0")
    return f"{x:.1f}"


def sentence(text: str) -> str:
    """A phrase as a sentence: capital first letter, ending with a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
