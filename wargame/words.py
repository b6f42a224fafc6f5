"""Small English helpers shared by every layer: possessives and counted nouns.

One place, so "United States's" and "1 minutes" cannot creep back one screen at a time.
"""

from __future__ import annotations

from collections.abc import Sequence


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


FILLER = frozenset({"a", "an", "the", "of", "to", "for", "with", "and", "in", "on", "at", "by", "from"})
"""Small words a label can lose first when it must be shortened (never its first word)."""


def fit_labels(labels: Sequence[str], width: int) -> list[str]:
    """Each of `labels` in at most `width` characters, shortened by a rule that keeps what
    tells it from the others (labels that fit are left alone):

    1. words every label shares at its start, then at its end, are left out (`…`): of
       "Warn Bravo + Accept Alpha's offer (talks)" and "Warn Bravo + Refuse Alpha's offer
       (talks)" what remains is "… Accept …" and "… Refuse …";
    2. then small words (`of`, `the`, `a`, ...) go, but never the first;
    3. then the longest words are cut to four letters and a full stop, one at a time;
    4. then the end is cut (`…`).

    No two different labels come out the same: two that would are shown from where they
    first differ ("…secret trade"). The full text belongs one key or a hover away.
    """
    width = max(4, width)
    groups = [s.split() for s in labels]
    out = [s if len(s) <= width else _shorten(s, groups, width) for s in labels]
    return _distinct(list(labels), out, width)


def _common(groups: Sequence[Sequence[str]], from_end: bool) -> int:
    """How many words every label shares at its start (or end), leaving each at least one."""
    if len(groups) < 2:
        return 0
    n = 0
    shortest = min(len(g) for g in groups) - 1
    while n < shortest:
        at = -1 - n if from_end else n
        if len({g[at] for g in groups}) != 1:
            break
        n += 1
    return n


def _shorten(label: str, groups: Sequence[Sequence[str]], width: int) -> str:
    words = label.split()
    head = _common(groups, from_end=False)
    tail = _common([g[head:] for g in groups], from_end=True)
    lead = bool(head)
    words = words[head:]
    trail = False

    def joined() -> str:
        return ("… " if lead else "") + " ".join(words) + (" …" if trail else "")

    # Shared words at the end go one at a time, from the end, only as far as needed.
    while len(joined()) > width and tail > 0 and len(words) > 1:
        words.pop()
        tail -= 1
        trail = True
    if len(joined()) <= width:
        return joined()
    kept = [w for i, w in enumerate(words) if i == 0 or w.lower() not in FILLER]
    words = kept if kept else words
    while len(joined()) > width:
        longest = max(range(len(words)), key=lambda i: (len(words[i].rstrip(".")), -i))
        if len(words[longest]) <= 5 or words[longest].endswith("."):
            break
        words[longest] = words[longest][:4] + "."
    text = joined()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _distinct(labels: list[str], out: list[str], width: int) -> list[str]:
    """`out` with every pair of different labels that came out the same told apart, by
    showing each from just before where the labels first differ."""
    for _round in range(3):
        seen: dict[str, list[int]] = {}
        for i, text in enumerate(out):
            seen.setdefault(text, []).append(i)
        clashes = [ix for ix in seen.values() if len({labels[i] for i in ix}) > 1]
        if not clashes:
            return out
        for ix in clashes:
            originals = [labels[i] for i in ix]
            first = min(next((k for k, (a, b) in enumerate(zip(x, y, strict=False)) if a != b), min(len(x), len(y)))
                        for x in originals for y in originals if x != y)
            for i in ix:
                text = labels[i]
                start = text.rfind(" ", 0, max(0, first - 2)) + 1
                window = ("…" if start else "") + text[start:]
                if _round == 1:
                    window = "…" + text[-(width - 1):]
                elif _round == 2:
                    window = f"{out[i][: width - 4]}…#{ix.index(i) + 1}"
                out[i] = window if len(window) <= width else window[: width - 1] + "…"
    return out
