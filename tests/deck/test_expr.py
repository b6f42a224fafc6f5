"""The expression language: what it accepts, what it refuses, and what compiled closures compute.

Deck text is data: any text either compiles or raises `ExpressionError`, nothing outside
the grammar is ever evaluated, and a compiled expression agrees with the same arithmetic
done by Python on the same values.
"""

from __future__ import annotations

import builtins
import math
import random
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.deck.compile import CompiledDeck
from wargame.deck.expr import NEVER_SINCE, compile_effect, compile_expr
from wargame.deck.loader import load_deck
from wargame.engine.state import State
from wargame.errors import ExpressionError

# -- never code ----------------------------------------------------------------------------

ESCAPES = [
    ("__import__('os').system('echo hi')", "'__import__' is not allowed"),
    ("().__class__.__bases__[0].__subclasses__()", "'__subclasses__' is not allowed"),
    ("tension.__class__", "'__class__' is not allowed"),
    ("red.__dict__", "'__dict__' is not allowed"),
    ("red._private", "'_private' is not allowed"),
    ("_x", "'_x' is not allowed"),
    ("(lambda: 1)()", "lambda is not allowed"),
    ("lambda: 1", "lambda is not allowed"),
    ("[x for x in (1, 2)]", "a comprehension is not allowed"),
    ("any(x for x in (1, 2))", "a comprehension is not allowed"),
    ("{k: 1 for k in 'ab'}", "a comprehension is not allowed"),
    ("eval('1')", "unknown function 'eval'"),
    ("exec('x = 1')", "unknown function 'exec'"),
    ("open('/etc/passwd').read()", "calling"),
    ("getattr(red, 'standing')", "unknown function 'getattr'"),
    ("globals()", "unknown function 'globals'"),
    ("red.standing.real", "only actor.track and flags.name may use a dot"),
    ("flags.hotline.__bool__()", "is not allowed"),
    ("'abc'.upper()", "calling"),
    ("tension ** 2", "only + - * / are allowed"),
    ("9 ** 9 ** 9", "only + - * / are allowed"),
    ("tension // 2", "only + - * / are allowed"),
    ("tension % 2", "only + - * / are allowed"),
    ("tension << 2", "only + - * / are allowed"),
    ("[1, 2][0]", "is not allowed"),
    ("(x := 1)", "':=' is not allowed"),
    ("f'{tension}'", "an f-string is not allowed"),
    ("*red", "syntax error"),
    ("tension in (1, 2)", "is not allowed"),
    ("tension is 1", "is not allowed"),
    ("None", "unsupported constant"),
    ("...", "unsupported constant"),
    ("b'x'", "unsupported constant"),
    ("1j", "unsupported constant"),
    ("'text'", "can only name a move or event inside a function"),
    ("1e999", "too large"),
    ("10000000000000", "too large"),
    ("played(x)", "takes one quoted id"),
    ("played('a', 'b')", "takes one quoted id"),
    ("count(id='patrol')", "no keyword arguments"),
    ("played('nope')", "unknown move 'nope'"),
    ("fired('nope')", "unknown event 'nope'"),
    ("min(1)", "needs at least two numbers"),
    ("abs(1, 2)", "takes one number"),
    ("pressure > 2", "unknown name 'pressure'"),
    ("green.standing > 2", "unknown actor 'green'"),
    ("red.morale > 2", "actor 'red' has no track 'morale'"),
    ("flags.nope", "unknown flag 'nope'"),
    ("red > 2", "'red' is an actor"),
    ("tension >", "syntax error"),
    ("import os", "syntax error"),
    ("", "empty expression"),
    ("x" * 2001, "longer than 2000"),
    ("(" * 500 + "1" + ")" * 500, "syntax error"),
    ("1+" * 600 + "1", "nested too deeply"),
    ("\x00", "syntax error"),
]


@pytest.mark.parametrize(("text", "message"), ESCAPES, ids=[t[:40] for t, _ in ESCAPES])
def test_anything_outside_the_grammar_is_refused(tutorial: CompiledDeck, text: str, message: str) -> None:
    for kind in ("bool", "num"):
        with pytest.raises(ExpressionError, match=re.escape(message)):
            compile_expr(text, tutorial.scope, kind)  # type: ignore[arg-type]


EFFECT_ESCAPES = [
    ("import os", "import is not allowed"),
    ("from os import system", "import is not allowed"),
    ("def f(): pass", "is not allowed"),
    ("tension = __import__('os')", "'__import__' is not allowed"),
    ("red.__class__ = 1", "'__class__' is not allowed"),
    ("turn = 3", "'turn' cannot be changed"),
    ("tension += 1; talks += 1", "one effect per string"),
    ("tension = talks = 1", "assign one target at a time"),
    ("tension *= 2", "only += and -= may change a track"),
    ("flags.hotline += 1", "flags can only be set with '='"),
    ("flags.hotline = 3", "expected a condition"),
    ("tension = true", "a track must be set to a number"),
    ("morale += 1", "unknown track 'morale'"),
    ("reveal('nope')", "unknown move 'nope'"),
    ("reveal(tension)", "reveal() takes one quoted move id"),
    ("print('x')", "the only effect that is a call is reveal"),
    ("tension", "an effect must look like"),
    ("del tension", "is not allowed"),
    ("global tension", "is not allowed"),
    ("while true: pass", "is not allowed"),
    ("red.standing[0] = 1", "is not allowed"),
]


@pytest.mark.parametrize(("text", "message"), EFFECT_ESCAPES, ids=[t for t, _ in EFFECT_ESCAPES])
def test_effects_outside_the_grammar_are_refused(tutorial: CompiledDeck, text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=re.escape(message)):
        compile_effect(text, tutorial.scope)


def test_deck_text_never_reaches_eval_or_exec(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("deck text reached eval/exec")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    for path in sorted((Path(__file__).resolve().parents[2] / "decks").glob("*.toml")):
        deck = load_deck(path)
        state = State(deck, deck.turns)
        for move in deck.moves:
            if move.requires:
                move.requires(state)
            for effect in (*move.success, *move.failure, *move.always):
                effect(state)


# -- any text: compiles or raises ExpressionError ------------------------------------------------

TOKENS = [
    "tension", "talks", "red.standing", "blue.intel", "flags.hotline", "turn", "turns", "true",
    "false", "True", "None", "and", "or", "not", "if", "else", "+", "-", "*", "/", "**", "%", "<",
    "<=", ">", ">=", "==", "!=", "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "+=", "-=",
    "'patrol'", "'spy-op'", "'storm'", "played(", "count(", "since(", "ordered(", "revealed(",
    "succeeded(", "fired(", "min(", "max(", "abs(", "round(", "reveal(", "lambda", "__class__",
    "__import__", "_", "os", "x", "0", "1", "2.5", "1e308", "-7", "0.0", ";", "\\n", "#", "\"",
    "'", "@", "yield", "await", "for", "in", "is", "import", ":=", "*", "...", "f'", "b'",
]


@st.composite
def token_soup(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14)))


texts = st.one_of(st.text(max_size=60), token_soup())


@given(text=texts)
def test_any_text_compiles_or_raises_expression_error(tutorial: CompiledDeck, text: str) -> None:
    for kind in ("bool", "num"):
        try:
            fn = compile_expr(text, tutorial.scope, kind)  # type: ignore[arg-type]
        except ExpressionError as exc:
            assert str(exc)
            continue
        value = fn(random_state(tutorial, random.Random(0)))
        if kind == "bool":
            assert isinstance(value, bool)
        else:
            assert isinstance(value, int | float)
    try:
        effect = compile_effect(text, tutorial.scope)
    except ExpressionError:
        return
    state = random_state(tutorial, random.Random(1))
    effect(state)
    assert_within_bounds(tutorial, state)


# -- what compiled expressions compute ------------------------------------------------------------


def random_state(deck: CompiledDeck, rng: random.Random) -> State:
    state = State(deck, deck.turns)
    state.turn = rng.randint(1, deck.turns)
    state.v = [rng.choice([lo, hi, rng.uniform(lo, hi), float(rng.randint(int(lo), int(hi)))]) for lo, hi in zip(deck.lo, deck.hi, strict=True)]
    state.f = [rng.random() < 0.5 for _ in state.f]
    state.counts = [rng.randint(0, 3) for _ in state.counts]
    state.wins = [rng.randint(0, c) for c in state.counts]
    state.last = [rng.randint(1, state.turn) if c else -1 for c in state.counts]
    state.ordered = [rng.random() < 0.3 for _ in state.ordered]
    state.revealed = [rng.random() < 0.3 for _ in state.revealed]
    state.fired = [rng.randint(0, 1) for _ in state.fired]
    return state


def assert_within_bounds(deck: CompiledDeck, state: State) -> None:
    for slot, value in enumerate(state.v):
        assert deck.lo[slot] <= value <= deck.hi[slot], (deck.slot_names[slot], value)


def reference_namespace(deck: CompiledDeck, state: State) -> dict[str, Any]:
    """The same names, as plain Python values and functions, for Python to evaluate."""
    ns: dict[str, Any] = {"turn": state.turn, "turns": state.turns, "true": True, "false": False}
    for name, slot in deck.scope.tracks.items():
        ns[name] = state.v[slot]
    for actor, tracks in deck.scope.actor_tracks.items():
        ns[actor] = SimpleNamespace(**{t: state.v[s] for t, s in tracks.items()})
    ns["flags"] = SimpleNamespace(**{f: state.f[i] for f, i in deck.scope.flags.items()})
    m, e = deck.move_index, deck.event_index
    ns["played"] = lambda i: state.counts[m[i]] > 0
    ns["count"] = lambda i: state.counts[m[i]]
    ns["succeeded"] = lambda i: state.wins[m[i]]
    ns["ordered"] = lambda i: state.ordered[m[i]]
    ns["revealed"] = lambda i: state.revealed[m[i]]
    ns["since"] = lambda i: NEVER_SINCE if state.last[m[i]] < 0 else min(NEVER_SINCE, state.turn - state.last[m[i]])
    ns["fired"] = lambda i: state.fired[e[i]] > 0
    return ns


@st.composite
def numbers(draw: st.DrawFn, depth: int = 3) -> str:
    leaves = st.one_of(
        st.integers(0, 20).map(str),
        st.floats(0, 100, allow_nan=False).map(lambda x: repr(round(x, 3))),
        st.sampled_from(["tension", "talks", "red.standing", "blue.intel", "turn", "turns"]),
        st.sampled_from(["count", "succeeded", "since"]).flatmap(
            lambda f: st.sampled_from(["patrol", "missile-test", "spy-op"]).map(lambda i: f"{f}('{i}')")
        ),
    )
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(leaves)
    a = draw(numbers(depth - 1))
    b = draw(numbers(depth - 1))
    form = draw(st.sampled_from(["+", "-", "*", "/", "neg", "min", "max", "abs", "round", "if"]))
    if form == "/":
        return f"({a} / {draw(st.integers(1, 9))})"
    if form == "neg":
        return f"(-{a})"
    if form in {"min", "max"}:
        return f"{form}({a}, {b})"
    if form in {"abs", "round"}:
        return f"{form}({a})"
    if form == "if":
        return f"({a} if {draw(conditions(depth - 1))} else {b})"
    return f"({a} {form} {b})"


@st.composite
def conditions(draw: st.DrawFn, depth: int = 3) -> str:
    leaves = st.one_of(
        st.sampled_from(["true", "false", "flags.hotline"]),
        st.sampled_from(["played", "ordered", "revealed"]).flatmap(
            lambda f: st.sampled_from(["patrol", "talks-offer", "spy-op"]).map(lambda i: f"{f}('{i}')")
        ),
        st.just("fired('storm')"),
    )
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(leaves)
    form = draw(st.sampled_from(["cmp", "chain", "not", "and", "or", "if"]))
    if form == "cmp":
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        return f"({draw(numbers(depth - 1))} {op} {draw(numbers(depth - 1))})"
    if form == "chain":
        return f"({draw(numbers(0))} <= {draw(numbers(depth - 1))} < {draw(numbers(0))})"
    if form == "not":
        return f"(not {draw(conditions(depth - 1))})"
    if form == "if":
        return f"({draw(conditions(depth - 1))} if {draw(conditions(depth - 1))} else {draw(conditions(depth - 1))})"
    return f"({draw(conditions(depth - 1))} {form} {draw(conditions(depth - 1))})"


@given(text=numbers(), seed=st.integers(0, 10**6))
def test_numbers_compute_what_python_computes(tutorial: CompiledDeck, text: str, seed: int) -> None:
    state = random_state(tutorial, random.Random(seed))
    got = compile_expr(text, tutorial.scope, "num")(state)
    want = eval(text, {"__builtins__": {"min": min, "max": max, "abs": abs, "round": round}}, reference_namespace(tutorial, state))  # test oracle: Python on our own generated text
    assert got == want or math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)


@given(text=conditions(), seed=st.integers(0, 10**6))
def test_conditions_compute_what_python_computes(tutorial: CompiledDeck, text: str, seed: int) -> None:
    state = random_state(tutorial, random.Random(seed))
    got = compile_expr(text, tutorial.scope, "bool")(state)
    want = eval(text, {"__builtins__": {"min": min, "max": max, "abs": abs, "round": round}}, reference_namespace(tutorial, state))  # test oracle: Python on our own generated text
    assert got is bool(want)


@given(
    target=st.sampled_from(["tension", "talks", "red.standing", "blue.intel"]),
    op=st.sampled_from(["=", "+=", "-="]),
    amount=numbers(),
    seed=st.integers(0, 10**6),
)
def test_effects_keep_tracks_within_bounds(tutorial: CompiledDeck, target: str, op: str, amount: str, seed: int) -> None:
    rng = random.Random(seed)
    state = random_state(tutorial, rng)
    effect = compile_effect(f"{target} {op} {amount}", tutorial.scope)
    slot = tutorial.slot_names.index(target)
    before = state.v[slot]
    delta = eval(amount, {"__builtins__": {"min": min, "max": max, "abs": abs, "round": round}}, reference_namespace(tutorial, state))
    effect(state)
    assert_within_bounds(tutorial, state)
    raw = delta if op == "=" else before + delta if op == "+=" else before - delta
    assert state.v[slot] == min(max(raw, tutorial.lo[slot]), tutorial.hi[slot])


def test_arithmetic_edge_cases_stay_finite_and_in_bounds(tutorial: CompiledDeck) -> None:
    state = State(tutorial, tutorial.turns)
    assert compile_expr("tension / 0", tutorial.scope, "num")(state) == 0
    # inf - inf is nan: an effect must not store it, a chance must not use it.
    huge = "(" + " * ".join(["1000000000000.0"] * 30) + ")"
    for text in [f"tension = {huge} - {huge}", f"tension += round({huge})", f"tension -= {huge} / 0.000001"]:
        compile_effect(text, tutorial.scope)(state)
        assert_within_bounds(tutorial, state)


def test_since_counts_turns_and_caps(tutorial: CompiledDeck) -> None:
    state = State(tutorial, tutorial.turns)
    since = compile_expr("since('patrol')", tutorial.scope, "num")
    assert since(state) == NEVER_SINCE
    state.last[tutorial.move_index["patrol"]] = 2
    state.turn = 5
    assert since(state) == 3
