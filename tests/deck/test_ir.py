"""The one intermediate form (`wargame.deck.ir`): its walks, its text, and the code generated
from it (`wargame.deck.codegen`).

Every reader walks the IR instead of parsing deck text again, so the walks must visit in
the documented order and `unparse` must write what the parser reads back. The generated
functions must compute what the IR means (a reference interpreter here states it), and no
deck text may ever reach the generated source: only fixed pieces, int indices and
constants passed in from a table.
"""

from __future__ import annotations

import ast
import math
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_expr import conditions, numbers, random_state

from wargame.deck import codegen
from wargame.deck.compile import CompiledDeck
from wargame.deck.expr import EffectCode, Expression, parse_effect, parse_expression
from wargame.deck.ir import (
    NEVER_SINCE,
    Arith,
    ChangeTrack,
    Clock,
    Compare,
    EffectNode,
    EventHistory,
    Fired,
    Flag,
    Func,
    IfElse,
    Logic,
    Neg,
    Node,
    Not,
    Num,
    Plays,
    Reveal,
    SetFlag,
    SetTrack,
    Track,
    Truth,
    calls,
    children,
    kind_of,
    names_read,
    reads_of,
    unparse,
    walk,
    walk_breadth,
)
from wargame.deck.loader import load_deck
from wargame.errors import DeckError, ExpressionError

ROOT = Path(__file__).resolve().parents[2]
ALL_DECK_FILES = sorted({*ROOT.glob("decks/*.toml"), *ROOT.glob("tests/**/*.toml")})


def _is_effect(node: Node | EffectNode) -> bool:
    return isinstance(node, SetTrack | ChangeTrack | SetFlag | Reveal)


def _code(deck: CompiledDeck) -> list[Expression | EffectCode]:
    return list(deck.code.values())


# -- a reference interpreter: what the IR means, as the module docstring says -----------------


def evaluate(n: Node, s: Any) -> Any:
    if isinstance(n, Num | Truth):
        return n.value
    if isinstance(n, Track):
        return s.v[n.slot]
    if isinstance(n, Flag):
        return s.f[n.slot]
    if isinstance(n, Clock):
        return s.turn if n.which == "turn" else s.turns
    if isinstance(n, Plays | EventHistory):
        counts, last = (s.counts, s.last) if isinstance(n, Plays) else (s.fired, s.fired_last)
        if n.fn == "since":
            return NEVER_SINCE if last[n.index] < 0 else min(NEVER_SINCE, s.turn - last[n.index])
        if n.fn in {"played", "count"}:
            return counts[n.index] > 0 if n.fn == "played" else counts[n.index]
        return {"succeeded": s.wins, "ordered": s.ordered, "revealed": s.revealed}[n.fn][n.index]
    if isinstance(n, Fired):
        return s.fired[n.index] > 0
    if isinstance(n, Not):
        return not evaluate(n.operand, s)
    if isinstance(n, Logic):
        values = (evaluate(o, s) for o in n.operands)
        return all(values) if n.op == "and" else any(values)
    if isinstance(n, Compare):
        values = [evaluate(o, s) for o in n.operands]
        tests = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
                 ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
        return all(tests[op](a, b) for op, a, b in zip(n.ops, values, values[1:], strict=False))
    if isinstance(n, Arith):
        a, b = evaluate(n.left, s), evaluate(n.right, s)
        if n.op == "/":
            if not b:
                return 0.0
            try:
                return a / b
            except OverflowError:
                return math.inf if (a > 0) == (b > 0) else -math.inf
        return a + b if n.op == "+" else a - b if n.op == "-" else a * b
    if isinstance(n, Neg):
        return -evaluate(n.operand, s)
    if isinstance(n, Func):
        args = [evaluate(a, s) for a in n.args]
        if n.fn in {"min", "max"}:
            return min(args) if n.fn == "min" else max(args)
        if n.fn == "abs":
            return abs(args[0])
        return args[0] if not math.isfinite(args[0]) else round(args[0])
    assert isinstance(n, IfElse)
    return evaluate(n.body, s) if evaluate(n.test, s) else evaluate(n.orelse, s)


def apply(n: EffectNode, s: Any, bounds: dict[int, tuple[float, float]]) -> None:
    if isinstance(n, Reveal):
        s.reveal_requests.append(n.index)
        return
    if isinstance(n, SetFlag):
        s.f[n.slot] = bool(evaluate(n.value, s))
        return
    lo, hi = bounds[n.slot]
    x = evaluate(n.value, s) if isinstance(n, SetTrack) else s.v[n.slot] + n.sign * evaluate(n.value, s)
    s.v[n.slot] = lo if math.isnan(x) else min(hi, max(lo, x))


def same(a: Any, b: Any) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


# -- walks ------------------------------------------------------------------------------------


def test_walks_visit_in_written_order_depth_first_and_breadth_first(tutorial: CompiledDeck) -> None:
    node = parse_expression("tension > 2 and (played('patrol') or red.standing < turn)", tutorial.scope, "bool")
    assert isinstance(node, Logic)
    written = [type(n).__name__ for n in walk(node)]
    assert written == ["Logic", "Compare", "Track", "Num", "Logic", "Plays", "Compare", "Track", "Clock"]
    levels = [type(n).__name__ for n in walk_breadth(node)]
    assert levels == ["Logic", "Compare", "Logic", "Track", "Num", "Plays", "Compare", "Track", "Clock"]
    assert children(node) == node.operands
    assert children(Num(1)) == ()


def test_names_read_lists_each_value_once_in_written_order(tutorial: CompiledDeck) -> None:
    node = parse_expression("min(tension, 3) + count('patrol') * tension - turn + since('storm')", tutorial.scope, "num")
    scope = tutorial.scope
    assert names_read(node) == [
        Track(scope.tracks["tension"]),
        Plays("count", "patrol", scope.moves["patrol"]),
        Clock("turn"),
        EventHistory("since", "storm", scope.events["storm"]),
    ]
    assert [type(c).__name__ for c in calls(node)] == ["Func", "Plays", "EventHistory"]
    effect = parse_effect("reveal('spy-op')", scope)
    assert calls(effect) == [Reveal("spy-op", scope.moves["spy-op"])] and names_read(effect) == []


@given(text=st.one_of(numbers(), conditions()))
def test_kind_reads_and_text_agree_with_the_parser(tutorial: CompiledDeck, text: str) -> None:
    node = parse_expression(text, tutorial.scope, "num")
    try:
        parse_expression(text, tutorial.scope, "bool")
        kind = "bool"
    except ExpressionError:
        kind = "num"
    assert kind_of(node) == kind
    # What is written back parses to the same form (so lint and the debrief may quote it).
    again = unparse(node, tutorial.slot_names, tutorial.flag_names)
    assert parse_expression(again, tutorial.scope, "num") == node
    assert reads_of(parse_expression(again, tutorial.scope, "num")) == reads_of(node)


@pytest.mark.parametrize("path", sorted(ROOT.glob("decks/*.toml")), ids=lambda p: p.stem)
def test_every_shipped_expression_is_written_back_as_python_would(path: Path) -> None:
    # Lint quotes parts of expressions with `unparse`; before the IR it quoted them with
    # `ast.unparse` of the text, and its messages must not change.
    deck = load_deck(path)
    compared = 0
    for where, code in deck.code.items():
        text = code.text.strip()
        tree = ast.parse(text, mode="exec" if _is_effect(code.node) else "eval")
        if any(isinstance(n, ast.UAdd) or (isinstance(n, ast.Name) and n.id in {"True", "False"}) for n in ast.walk(tree)):
            continue  # `True` and unary plus are read, but written back as `true` and without
        assert unparse(code.node, deck.slot_names, deck.flag_names) == ast.unparse(tree), where
        compared += 1
        reparsed = parse_effect(text, deck.scope) if _is_effect(code.node) else parse_expression(text, deck.scope, "num")
        assert reparsed == code.node
    assert compared > len(deck.code) // 2


# -- generated code ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(ROOT.glob("decks/*.toml")), ids=lambda p: p.stem)
def test_generated_functions_compute_what_the_ir_means(path: Path) -> None:
    deck = load_deck(path)
    rng = random.Random(path.stem)
    for _ in range(40):
        state = random_state(deck, rng)
        state.fired_last = [rng.randint(1, state.turn) if n else -1 for n in state.fired]
        for where, code in deck.code.items():
            if isinstance(code, Expression):
                assert same(code.fn(state), evaluate(code.node, state)), (where, code.text)
                continue
            mine, theirs = state.copy(), state.copy()
            code.fn(mine)
            apply(code.node, theirs, deck.scope.bounds)
            assert (mine.v, mine.f, mine.reveal_requests) == (theirs.v, theirs.f, theirs.reveal_requests), (where, code.text)


@given(text=st.one_of(numbers(), conditions()), seed=st.integers(0, 10**6))
def test_generated_functions_agree_with_the_ir_on_any_expression(tutorial: CompiledDeck, text: str, seed: int) -> None:
    node = parse_expression(text, tutorial.scope, "num")
    state = random_state(tutorial, random.Random(seed))
    assert same(codegen.compile_expression(node)(state), evaluate(node, state)), text


def test_deep_expressions_compile_to_functions_that_nest_no_deeper_than_python_allows(tutorial: CompiledDeck) -> None:
    # Python's parser stops at 200 nested parentheses; a deep part becomes its own function.
    depth = codegen.NEST_LIMIT * 3
    text = "not " * depth + "flags.hotline"
    node = parse_expression(text, tutorial.scope, "bool")
    fn = codegen.compile_expression(node)
    state = random_state(tutorial, random.Random(1))
    assert fn(state) == evaluate(node, state)
    source, _consts = codegen.expression_source(node)
    assert max(len(line) - len(line.lstrip("(")) for line in source.splitlines()) < 200
    chained = "+".join(["turn"] * 300)  # a long flat sum nests as deep as it is long
    assert codegen.compile_expression(parse_expression(chained, tutorial.scope, "num"))(state) == 300 * state.turn


_VOCABULARY = {
    "def", "return", "if", "else", "and", "or", "not", "_build", "compiled", "s", "x",
    "v", "f", "turn", "turns", "counts", "wins", "last", "ordered", "revealed", "fired", "fired_last",
    "reveal_requests", "append", "div", "round_", "min", "max", "abs", "bool",
}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _only_our_words(source: str) -> None:
    """A generated source holds no string, no float and no name outside the generator's own."""
    assert "'" not in source and '"' not in source and "." not in source.replace("s.", "").replace("reveal_requests.append", "")
    for word in _WORD.findall(source):
        assert word in _VOCABULARY or re.fullmatch(r"[ktp]\d+", word), word


def test_generated_source_holds_only_the_generators_own_words(decks: dict[str, CompiledDeck]) -> None:
    for deck in decks.values():
        for code in deck.code.values():
            if isinstance(code, Expression):
                source, consts = codegen.expression_source(code.node)
            else:
                source, consts = codegen.effect_source(code.node, deck.scope.bounds)
            _only_our_words(source)
            assert all(type(c) in {int, float, bool} for c in consts)


def test_hostile_deck_text_never_reaches_the_generated_source(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real = compile

    def spy(source: str, *args: Any, **kwargs: Any) -> Any:
        compiled.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(codegen, "compile", spy, raising=False)
    codegen._builder.cache_clear()
    hostile = sorted(ROOT.glob("tests/decks_broken/*injection*.toml"))
    assert hostile
    for path in hostile:
        with pytest.raises(DeckError):
            load_deck(path)
    for path in ALL_DECK_FILES:  # every deck the tests hold, broken or not
        try:
            load_deck(path)
        except DeckError:
            pass
    assert compiled
    for source in compiled:
        _only_our_words(source)
        assert "__" not in source and "import" not in source


@pytest.mark.parametrize(
    ("node", "error"),
    [
        (Num("__import__('os').system('echo pwned')"), TypeError),  # type: ignore[arg-type]
        (Num(True), TypeError),  # a number must be a number, not a condition
        (Track("0] or __import__('os') or s.v[0"), TypeError),  # type: ignore[arg-type]
        (Track(-1), ValueError),
        (Flag(1.5), TypeError),  # type: ignore[arg-type]
        (Clock("__class__"), ValueError),  # type: ignore[arg-type]
        (Compare(("is",), (Num(1), Num(2))), ValueError),  # type: ignore[arg-type]
        (Arith("**", Num(9), Num(9)), ValueError),  # type: ignore[arg-type]
        (Logic("xor", (Truth(True), Truth(False))), ValueError),  # type: ignore[arg-type]
        (Func("eval", (Num(1),)), ValueError),  # type: ignore[arg-type]
        (Plays("count", "x", "1; import os"), TypeError),  # type: ignore[arg-type]
    ],
)
def test_a_malformed_ir_is_refused_before_any_code_is_made(node: Node, error: type[Exception]) -> None:
    with pytest.raises(error):
        codegen.compile_expression(node)


def test_ids_and_names_stay_out_of_the_source_even_when_they_look_like_code() -> None:
    node = Logic("or", (Plays("played", "x') or __import__('os') #", 2), Fired("y\nimport os", 0)))
    source, consts = codegen.expression_source(node)
    _only_our_words(source)
    assert consts == []
    state = type("S", (), {"counts": [0, 0, 1], "fired": [0]})()
    assert codegen.compile_expression(node)(state) is True
    with pytest.raises(TypeError):
        codegen.compile_effect(SetTrack("0] = 1; import os; v[0", Num(1)), {})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sign"):
        codegen.compile_effect(ChangeTrack(0, 2, Num(1)), {0: (0.0, 1.0)})  # type: ignore[arg-type]


_QUIET_WORDS = _VOCABULARY | {"draw", "plays", "reveal", "new", "es", "fire", "ids", "ok", "p", "offers", "float", "True", "False", "None", "pass"}


def test_a_quiet_games_rules_hold_only_the_generators_own_words() -> None:
    # A quiet game's resolutions and events rule take a draw's key and a play's fields (ids,
    # names, audiences) as values handed in, like the deck's numbers: none of them, and no
    # deck text, is ever spelt into their source, on any deck the tests hold.
    from tests.conftest import deck_corpus
    from wargame.engine.game import Play, _quiet_event_rows, _quiet_events_rule, _quiet_row

    for path in deck_corpus():
        deck = load_deck(path)
        bounds = {slot: (deck.lo[slot], deck.hi[slot]) for slot in range(len(deck.lo))}
        sources = []
        for m in deck.moves:
            row = _quiet_row(m)
            assert row is not None
            source, values = codegen.quiet_resolution_source(row, bounds)
            sources.append(source)
            assert m.id in values and m.actor in values and Play in values  # handed in, never written out
        events = tuple(e for e in deck.events if not e.inject and e.at != 0)
        assert _quiet_events_rule(events, bounds) is not None
        rows = _quiet_event_rows(events)
        assert rows is not None
        sources.append(codegen.quiet_events_source(rows, bounds)[0])
        for source in sources:
            assert "'" not in source and '"' not in source and "__" not in source and "import" not in source
            for word in _WORD.findall(source):
                assert word in _QUIET_WORDS or re.fullmatch(r"[ktp]\d+", word), (path.name, word)
