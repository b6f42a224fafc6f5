"""Every deliberately broken deck in tests/decks_broken/ gives the messages it promises.

Each file's first lines say what `wargame validate` must report, one problem a line:
`# expect: LINE FIELD: TEXT` (`-` for no line or no field). Files that cannot carry a
comment (the empty file) and files too big to commit are described in `GENERATED`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.deck.compile import CompiledDeck
from wargame.deck.expr import compile_effect, compile_expr
from wargame.deck.loader import MAX_DECK_BYTES, MAX_DEPTH, load_deck, load_deck_text
from wargame.errors import DeckError, ExpressionError, Problem

BROKEN = Path(__file__).resolve().parent.parent / "decks_broken"
MINI = (BROKEN / "chance-above-one.toml").read_text().replace("chance = 1.5", "chance = 0.5")
"""A valid two-actor deck (a broken one, repaired), to build generated cases from."""

_EXPECT = re.compile(r"^# expect: (?P<line>\d+|-) (?P<where>\S+): (?P<text>.+)$")


@dataclass(frozen=True)
class Expect:
    line: int | None
    where: str
    text: str


def expectations(raw: bytes) -> list[Expect]:
    out = []
    for line in raw.split(b"\n"):
        match = _EXPECT.match(line.decode("ascii", "replace"))
        if not match:
            break
        out.append(
            Expect(
                None if match["line"] == "-" else int(match["line"]),
                "" if match["where"] == "-" else match["where"],
                match["text"],
            )
        )
    return out


def _deep(tmp: Path) -> tuple[Path, list[Expect]]:
    # A value nested 30 deep on line 2: parsed fine, refused by the depth check.
    path = tmp / "deep-nesting.toml"
    path.write_text("[deck]\nextra = " + "[" * 30 + "1" + "]" * 30 + "\n")
    return path, [Expect(2, "", f"nested more than {MAX_DEPTH} levels deep")]


def _very_deep(tmp: Path) -> tuple[Path, list[Expect]]:
    # Deep enough that the TOML parser itself runs out of stack.
    path = tmp / "very-deep.toml"
    path.write_text(MINI + "\n[extra]\nvalue = " + "[" * 5000 + "]" * 5000 + "\n")
    line = MINI.count("\n") + 3
    return path, [Expect(line, "", f"nested more than {MAX_DEPTH} levels deep")]


def _huge(tmp: Path) -> tuple[Path, list[Expect]]:
    path = tmp / "huge.toml"
    path.write_text(MINI + "# " + "x" * MAX_DECK_BYTES + "\n")
    return path, [Expect(None, "", "file is too large for a deck")]


def _too_many_moves(tmp: Path) -> tuple[Path, list[Expect]]:
    # Under the size limit, over the schema's limit of 2,000 moves.
    moves = "".join(
        f'\n[[moves]]\nid = "m{i}"\nactor = "red"\nname = "M"\ncategory = "military"\n' for i in range(2001)
    )
    path = tmp / "too-many-moves.toml"
    path.write_text(MINI + moves)
    first_move = MINI.splitlines().index("[[moves]]") + 1
    return path, [Expect(first_move, "moves", "has 2,003 entries; at most 2,000 are allowed")]


def _empty(tmp: Path) -> tuple[Path, list[Expect]]:
    return BROKEN / "empty.toml", [Expect(None, "", "file is empty")]


GENERATED: dict[str, Callable[[Path], tuple[Path, list[Expect]]]] = {
    "empty": _empty,
    "deep-nesting": _deep,
    "very-deep": _very_deep,
    "huge": _huge,
    "too-many-moves": _too_many_moves,
}
COMMITTED = sorted(p for p in BROKEN.glob("*.toml") if p.name != "empty.toml")


def test_the_folder_has_the_cases_the_issue_lists() -> None:
    names = {p.stem for p in COMMITTED} | set(GENERATED)
    assert len(names) >= 15
    for required in [
        "toml-syntax-error", "empty", "not-utf8", "not-a-deck", "unknown-key-typo",
        "missing-required-field", "start-outside-bounds", "min-greater-than-max",
        "chance-above-one", "unknown-actor", "duplicate-move-id", "unknown-name-in-expression",
        "bad-expression-syntax", "dunder-injection", "flag-set-to-number",
        "doctrine-weight-other-actor", "no-turn-limit-ending", "event-after-last-turn",
        "deep-nesting", "huge",
    ]:
        assert required in names
    for path in COMMITTED:
        assert expectations(path.read_bytes()), f"{path.name} has no '# expect:' line"


def _case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, list[Expect]]:
    param = request.param
    if isinstance(param, Path):
        return param, expectations(param.read_bytes())
    return GENERATED[param](tmp_path)


@pytest.fixture(params=[*COMMITTED, *GENERATED], ids=lambda p: p.stem if isinstance(p, Path) else p)
def case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, list[Expect]]:
    return _case(request, tmp_path)


def test_broken_deck_reports_file_line_and_field(case: tuple[Path, list[Expect]]) -> None:
    path, expected = case
    with pytest.raises(DeckError) as info:
        load_deck(path)
    problems: list[Problem] = info.value.problems
    got = [(p.line, p.where) for p in problems]
    assert got == [(e.line, e.where) for e in expected], "\n".join(map(str, problems))
    for problem, want in zip(problems, expected, strict=True):
        assert problem.file == str(path)
        assert want.text in problem.message, str(problem)
        # The printed form is what an author reads: file:line: field: message.
        prefix = f"{path}:{want.line}" if want.line else f"{path}"
        prefix += f": {want.where}: " if want.where else ": "
        assert str(problem).startswith(prefix)
    # The error's own message lists every problem, one a line.
    assert str(info.value).splitlines() == [str(p) for p in problems]


# -- every expression's line, in the committed decks -------------------------------------------

DECK_TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted((BROKEN.parent.parent / "decks").glob("*.toml"))}
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def _kind(text: str, deck: CompiledDeck) -> str | None:
    """`expression` or `effect` if a string of the deck compiles as one (so it is one)."""
    for kind, compile_one in (
        ("expression", lambda: compile_expr(text, deck.scope, "num")),
        ("effect", lambda: compile_effect(text, deck.scope)),
    ):
        try:
            compile_one()
            return kind
        except ExpressionError:
            pass
    return None


def _spots() -> list[tuple[str, int, int, int, str]]:
    out = []
    for name, text in DECK_TEXTS.items():
        deck = load_deck_text(text, name)
        for number, line in enumerate(text.splitlines(), start=1):
            for match in _STRING.finditer(line.split(" #")[0]):
                kind = _kind(match.group()[1:-1], deck)
                if kind:
                    out.append((name, number, match.start(), match.end(), kind))
    return out


SPOTS = _spots()
BAD = {
    "expression": ('"nonexistent_zz > 1"', "unknown name 'nonexistent_zz'"),
    "effect": ('"nonexistent_zz += 1"', "unknown track 'nonexistent_zz'"),
}


def test_there_are_expressions_to_check() -> None:
    for name in DECK_TEXTS:
        kinds = {spot[4] for spot in SPOTS if spot[0] == name}
        assert kinds == {"expression", "effect"}, name


@given(spot=st.sampled_from(SPOTS))
def test_a_bad_expression_anywhere_is_reported_at_its_own_line(spot: tuple[str, int, int, int, str]) -> None:
    # Put an unknown name into one expression or effect of a valid deck: the problem
    # must name the very line it is on (inline tables and multi-line arrays included).
    name, number, start, end, kind = spot
    bad, message = BAD[kind]
    lines = DECK_TEXTS[name].splitlines()
    lines[number - 1] = lines[number - 1][:start] + bad + lines[number - 1][end:]
    with pytest.raises(DeckError) as info:
        load_deck_text("\n".join(lines), f"{name}.toml")
    hits = [p for p in info.value.problems if message in p.message]
    assert [p.line for p in hits] == [number], "\n".join(map(str, info.value.problems))


def test_multi_line_arrays_are_located_element_by_element() -> None:
    text = DECK_TEXTS["tutorial"].replace('when = "tension < 10", points = 1', 'when = "tension < 10", points = "one"')
    with pytest.raises(DeckError) as info:
        load_deck_text(text, "tutorial.toml")
    [problem] = info.value.problems
    assert problem.where == "actors.red.objectives[1].points"
    assert text.splitlines()[problem.line - 1].strip().startswith('{ text = "Avoid a clash"')  # type: ignore[operator]
