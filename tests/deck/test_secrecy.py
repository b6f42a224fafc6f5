"""What compiled expressions read, who cannot see it, and the loader's secrecy rules (issue 8, items 2 and 5).

The loader refuses preconditions and doctrine weights that read what their actor cannot
see (every play-reading function counts, `ordered` included); odds and effects that do so
load, and `secrecy_warnings` lists them for the deck linter.
"""

from __future__ import annotations

import math
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_expr import conditions, numbers, random_state

from wargame.deck.codegen import _div, _round
from wargame.deck.compile import CompiledDeck, Hidden
from wargame.deck.describe import depends_on
from wargame.deck.expr import compile_effect_code, compile_expression
from wargame.deck.ir import (
    NEVER_SINCE,
    NO_READS,
    Arith,
    ChangeTrack,
    Clock,
    Compare,
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
    Reads,
    Reveal,
    Track,
    Truth,
    reads_of,
)
from wargame.deck.loader import load_deck_text
from wargame.deck.secrecy import secrecy_warnings
from wargame.errors import DeckError, ExpressionError

# The deck of the issue: `a` has a secret `covert` track at 3; `b`'s move's odds read it.
ISSUE_DECK = """\
[deck]
id = "leak"
title = "Leak"
turns = 3

[tracks.tension]
label = "Tension"
start = 3

[actor_tracks.covert]
label = "Covert work"
max = 5
secret = true

[flags]
alert = false

[actors.a]
name = "South Korea"
start = { covert = 3 }

[actors.b]
name = "China"

[actors.c]
name = "United States"

[[moves]]
id = "a-secret"
actor = "a"
name = "Quiet sources"
category = "information"
visibility = "secret"
always = { effects = ["a.covert += 1"] }

[[moves]]
id = "a-shared"
actor = "a"
name = "A word to China"
category = "diplomatic"
visibility = "secret"
shared_with = ["b"]

[[moves]]
id = "b-move"
actor = "b"
name = "Probe"
category = "military"
chance = "0.1 + 0.2 * a.covert"
always = { effects = ["tension += 1"] }
{extra}

[[endings]]
id = "time"
title = "Time"
turn_limit = true
"""


def deck_with(extra: str = "") -> CompiledDeck:
    return load_deck_text(ISSUE_DECK.replace("{extra}", extra), "leak.toml")


@pytest.fixture(scope="module")
def leak() -> CompiledDeck:
    return deck_with()


def slot(deck: CompiledDeck, name: str) -> int:
    return deck.slot_names.index(name)


# -- what an expression reads -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "want"),
    [
        ("played('patrol')", "moves", {"patrol"}),
        ("count('patrol') > 1", "moves", {"patrol"}),
        ("succeeded('missile-test') > 0", "moves", {"missile-test"}),
        ("since('spy-op') <= 1", "moves", {"spy-op"}),
        ("not ordered('spy-op')", "moves", {"spy-op"}),
        ("revealed('spy-op')", "revealed", {"spy-op"}),
        ("fired('storm')", "events", {"storm"}),
        ("flags.hotline", "flags", {0}),
        ("tension > 3 and blue.intel < 2", "slots", "tension blue.intel"),
    ],
)
def test_each_kind_of_read_is_recorded(tutorial: CompiledDeck, text: str, field: str, want: object) -> None:
    reads = compile_expression(text, tutorial.scope, "bool").reads
    if isinstance(want, str):
        want = {slot(tutorial, name) for name in want.split()}
    assert getattr(reads, field) == want
    for other in ("slots", "flags", "moves", "revealed", "events"):
        if other != field:
            assert getattr(reads, other) == frozenset(), other
    assert not reads.turn


def test_turn_and_constants(tutorial: CompiledDeck) -> None:
    assert compile_expression("turn >= turns - 1", tutorial.scope, "bool").reads == Reads(turn=True)
    assert compile_expression("turns > 2", tutorial.scope, "bool").reads == NO_READS  # the game's length is no secret
    assert compile_expression("1 + 2", tutorial.scope, "num").reads == NO_READS


def test_effects_record_what_their_amount_reads_not_their_target(tutorial: CompiledDeck) -> None:
    code = compile_effect_code("red.standing -= 1 + count('spy-op')", tutorial.scope)
    assert code.reads == Reads(moves=frozenset({"spy-op"}))
    assert code.node == ChangeTrack(slot(tutorial, "red.standing"), -1, Arith("+", Num(1), Plays("count", "spy-op", tutorial.move_index["spy-op"])))
    assert compile_effect_code("reveal('spy-op')", tutorial.scope).node == Reveal("spy-op", tutorial.move_index["spy-op"])
    assert compile_effect_code("reveal('spy-op')", tutorial.scope).reads == NO_READS


_CALL = re.compile(r"\b(played|count|succeeded|since|ordered|revealed|fired)\('([^']+)'\)")


@given(text=st.one_of(numbers(), conditions()))
def test_reads_are_exactly_the_names_the_text_uses(tutorial: CompiledDeck, text: str) -> None:
    kind = "bool" if text in {"true", "false"} or not _is_number(tutorial, text) else "num"
    expression = compile_expression(text, tutorial.scope, kind)  # type: ignore[arg-type]
    reads = expression.reads
    calls = _CALL.findall(text)
    assert reads.moves == {m for f, m in calls if f not in {"revealed", "fired"}}
    assert reads.revealed == {m for f, m in calls if f == "revealed"}
    assert reads.events == {m for f, m in calls if f == "fired"}
    names = set(re.findall(r"(?<![\w.'])([a-z]+(?:\.[a-z]+)?)(?![\w'(])", text))
    assert reads.slots == {slot(tutorial, n) for n in names if n in tutorial.slot_names}
    assert reads.flags == ({0} if "flags.hotline" in text else set())
    assert reads.turn == bool(re.search(r"\bturn\b", text))
    assert reads_of(expression.node) == reads


def _is_number(deck: CompiledDeck, text: str) -> bool:
    try:
        compile_expression(text, deck.scope, "bool")
    except ExpressionError:
        return True
    return False


def _evaluate(node: Node, s: object) -> object:
    """A reference evaluator of the intermediate form: it must agree with the compiled closure,
    so describing the intermediate form describes what the game computes."""
    st_: object = s
    if isinstance(node, Num | Truth):
        return node.value
    if isinstance(node, Track):
        return st_.v[node.slot]  # type: ignore[attr-defined]
    if isinstance(node, Flag):
        return st_.f[node.slot]  # type: ignore[attr-defined]
    if isinstance(node, Clock):
        return getattr(st_, node.which)
    if isinstance(node, Plays):
        i = _MOVES[node.move]
        if node.fn == "played":
            return st_.counts[i] > 0  # type: ignore[attr-defined]
        if node.fn == "count":
            return st_.counts[i]  # type: ignore[attr-defined]
        if node.fn == "succeeded":
            return st_.wins[i]  # type: ignore[attr-defined]
        if node.fn == "ordered":
            return st_.ordered[i]  # type: ignore[attr-defined]
        if node.fn == "revealed":
            return st_.revealed[i]  # type: ignore[attr-defined]
        last = st_.last[i]  # type: ignore[attr-defined]
        return NEVER_SINCE if last < 0 else min(NEVER_SINCE, st_.turn - last)  # type: ignore[attr-defined]
    if isinstance(node, Fired):
        return st_.fired[_EVENTS[node.event]] > 0  # type: ignore[attr-defined]
    if isinstance(node, Not):
        return not _evaluate(node.operand, s)
    if isinstance(node, Logic):
        values = [_evaluate(o, s) for o in node.operands]
        return all(values) if node.op == "and" else any(values)
    if isinstance(node, Compare):
        values = [_evaluate(o, s) for o in node.operands]
        ops = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
               ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
        return all(ops[op](a, b) for op, a, b in zip(node.ops, values, values[1:], strict=False))  # type: ignore[no-untyped-call]
    if isinstance(node, Arith):
        a, b = _evaluate(node.left, s), _evaluate(node.right, s)
        if node.op == "+":
            return a + b  # type: ignore[operator]
        if node.op == "-":
            return a - b  # type: ignore[operator]
        if node.op == "*":
            return a * b  # type: ignore[operator]
        return _div(a, b)  # type: ignore[arg-type]
    if isinstance(node, Neg):
        return -_evaluate(node.operand, s)  # type: ignore[operator]
    if isinstance(node, Func):
        args = [_evaluate(a, s) for a in node.args]
        if node.fn == "min":
            return min(args)  # type: ignore[type-var]
        if node.fn == "max":
            return max(args)  # type: ignore[type-var]
        if node.fn == "abs":
            return abs(args[0])  # type: ignore[arg-type]
        return _round(args[0])  # type: ignore[arg-type]
    assert isinstance(node, IfElse)
    return _evaluate(node.body, s) if _evaluate(node.test, s) else _evaluate(node.orelse, s)


_MOVES: dict[str, int] = {}
_EVENTS: dict[str, int] = {}


@given(text=st.one_of(numbers(), conditions()), seed=st.integers(0, 10**6))
def test_the_intermediate_form_computes_what_the_closure_computes(tutorial: CompiledDeck, text: str, seed: int) -> None:
    _MOVES.update(tutorial.move_index)
    _EVENTS.update(tutorial.event_index)
    kind = "num" if _is_number(tutorial, text) else "bool"
    expression = compile_expression(text, tutorial.scope, kind)  # type: ignore[arg-type]
    state = random_state(tutorial, random.Random(seed))
    got, want = _evaluate(expression.node, state), expression.fn(state)
    assert got == want or (math.isnan(got) and math.isnan(want)), (text, got, want)  # type: ignore[arg-type]


def test_compiled_moves_events_doctrines_and_objectives_carry_their_reads(decks: dict[str, CompiledDeck], leaky_korea: CompiledDeck) -> None:
    korea = decks["korea-2022"]
    moves = {m.id: m for m in korea.moves}
    covert = {a: slot(korea, f"{a}.covert") for a in korea.actors}
    test = moves["nuclear-test"]
    assert test.requires_reads == Reads(slots=frozenset({covert["dprk"]}), flags=frozenset({korea.flag_names.index("nuclear_moratorium")}))
    assert moves["counter-fire"].chance_reads == NO_READS  # public odds since issue 9
    leaky = {m.id: m for m in leaky_korea.moves}
    assert covert["china"] in leaky["nuclear-test"].effect_reads.slots
    assert leaky["counter-fire"].chance_reads.slots == {covert["rok"]}
    assert moves["counter-fire"].effect_reads.moves == {"grey-zone"}
    assert moves["backchannel-offer"].detection_reads == NO_READS
    assert moves["accept-talks"].requires_reads.moves == {"backchannel-offer", "nuclear-test"}
    assert any(e.when_reads.revealed == {"prepare-test-site"} for e in korea.events)
    assert any(e.when_reads.revealed == {"cyber-theft"} for e in korea.events)
    # A doctrine's reads line up with its moves; a number reads nothing.
    for actor, doctrines in korea.doctrines.items():
        own = korea.moves_by_actor[actor]
        for doctrine in doctrines.values():
            assert len(doctrine.weight_reads) == len(own) == len(doctrine.weights)
            for move, source, reads in zip(own, doctrine.weight_source, doctrine.weight_reads, strict=True):
                if _CALL.search(source):
                    assert reads.moves | reads.revealed, (move.id, source)
                try:
                    float(source)
                    assert reads == NO_READS
                except ValueError:
                    pass
    dprk_objectives = korea.objectives["dprk"]
    assert any(o.when_reads.moves == {"icbm-test"} for o in dprk_objectives)


# -- who cannot see it ----------------------------------------------------------------------------


def test_hidden_from_names_another_seats_secret_track(leak: CompiledDeck) -> None:
    probe = leak.moves[leak.move_index["b-move"]]
    [hidden] = leak.hidden_from("b", probe.chance_reads)
    assert hidden == Hidden("track", "a", "South Korea's covert work", slot=slot(leak, "a.covert"))
    assert depends_on([hidden]) == "depends on South Korea's covert work, hidden from you"
    assert leak.hidden_from("a", probe.chance_reads) == []  # its own track
    assert [h.owner for h in leak.hidden_from(None, probe.chance_reads)] == ["a"]  # the public sees no secret track


def test_hidden_from_names_the_owner_of_secret_plays_never_the_move(leak: CompiledDeck) -> None:
    reads = compile_expression("played('a-secret') or since('a-shared') < 2", leak.scope, "bool").reads
    assert leak.hidden_from("a", reads) == []
    [only] = leak.hidden_from("b", reads)  # a-shared is shared with b
    assert (only.kind, only.move, only.owner) == ("move", "a-secret", "a")
    assert only.phrase == "whether South Korea played a secret move"
    assert "Quiet" not in only.phrase and "a-secret" not in only.phrase
    assert [h.move for h in leak.hidden_from("c", reads)] == ["a-secret", "a-shared"]
    # Two secret moves of one actor read the same to a seat: said once.
    assert depends_on(leak.hidden_from("c", reads)) == "depends on whether South Korea played a secret move, hidden from you"
    # The public sees what every seat sees: no secret move shared with only some of them.
    assert [h.move for h in leak.hidden_from(None, reads)] == ["a-secret", "a-shared"]
    shared_all = load_deck_text(ISSUE_DECK.replace("{extra}", "").replace('shared_with = ["b"]', 'shared_with = ["b", "c"]'), "leak.toml")
    assert [h.move for h in shared_all.hidden_from(None, reads)] == ["a-secret"]
    # Reveals, flags, events and public tracks are seen by all.
    public = compile_expression("revealed('a-secret') and flags.alert and tension > 1", leak.scope, "bool").reads
    assert leak.hidden_from("c", public) == []


def test_possessives_of_names_ending_in_s(decks: dict[str, CompiledDeck]) -> None:
    korea = decks["korea-2022"]
    [hidden] = korea.hidden_from("dprk", Reads(slots=frozenset({slot(korea, "us.covert")})))
    assert hidden.phrase == "United States' covert work"


# -- the loader's rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "requires",
    ["played('a-secret')", "count('a-secret') > 0", "succeeded('a-secret') > 0", "since('a-secret') < 3",
     "not ordered('a-secret')", "a.covert > 2"],
)
def test_a_precondition_may_not_read_another_seats_secret_by_any_function(requires: str) -> None:
    extra = f'\n[[moves]]\nid = "c-move"\nactor = "c"\nname = "Watch"\ncategory = "information"\nrequires = "{requires}"\n'
    with pytest.raises(DeckError) as info:
        deck_with(extra)
    [problem] = info.value.problems
    assert problem.where == "moves[3].requires"
    assert problem.line == ISSUE_DECK.replace("{extra}", extra).splitlines().index(f'requires = "{requires}"') + 1
    assert "United States" in problem.message and ("a-secret" in problem.message or "a.covert" in problem.message)


@pytest.mark.parametrize("requires", ["not ordered('a-shared')", "revealed('a-secret')", "played('b-move')", "tension > 2"])
def test_a_precondition_may_read_what_its_actor_knows(requires: str) -> None:
    # b learns of a-shared; a reveal is public news; b-move is public.
    extra = f'\n[[moves]]\nid = "b-watch"\nactor = "b"\nname = "Watch"\ncategory = "information"\nrequires = "{requires}"\n'
    assert deck_with(extra).moves[3].requires_reads


def test_a_doctrine_weight_reading_what_its_actor_cannot_see_is_refused() -> None:
    ok = '\n[actors.b.doctrines.calm]\nweights = { b-move = "1 + played(\'a-shared\') + (tension > 2)" }\n'
    text = ISSUE_DECK.replace("{extra}", "").replace('[actors.c]', ok + '\n[actors.c]')
    deck = load_deck_text(text, "leak.toml")
    assert deck.doctrines["b"]["calm"].weight_reads[0].moves == {"a-shared"}
    bad = '\n[actors.b.doctrines.nosy]\ndefault_weight = "1 + a.covert"\n'
    text = ISSUE_DECK.replace("{extra}", "").replace('[actors.c]', bad + '\n[actors.c]')
    with pytest.raises(DeckError) as info:
        load_deck_text(text, "leak.toml")
    [problem] = info.value.problems
    assert problem.where == "actors.b.doctrines.nosy.default_weight"
    assert "reads a.covert, a secret track China cannot see" in problem.message


def test_odds_may_read_what_the_actor_cannot_see(leak: CompiledDeck) -> None:
    # The issue's deck loads: odds are a display matter (the seat is not shown the number).
    assert leak.moves[leak.move_index["b-move"]].chance_source == "0.1 + 0.2 * a.covert"


# -- warnings for the linter ----------------------------------------------------------------------


def test_secrecy_warnings_name_the_field_its_line_and_who_cannot_see(leak: CompiledDeck) -> None:
    [warning] = secrecy_warnings(leak)
    assert warning.file == "leak.toml"
    assert warning.where == "moves[2].chance"
    assert warning.line == ISSUE_DECK.splitlines().index('chance = "0.1 + 0.2 * a.covert"') + 1
    assert "reads a.covert (secret to South Korea), which China and United States cannot see" in warning.message
    assert str(warning).startswith(f"leak.toml:{warning.line}: moves[2].chance: ")


def test_secrecy_warnings_cover_effects_events_and_endings() -> None:
    extra = """
[[events]]
id = "tip-off"
when = "played('a-secret')"
chance = "a.covert / 10"
effects = ["tension += a.covert", "a.covert -= 1 + played('a-shared')"]
"""
    text = ISSUE_DECK.replace("{extra}", extra).replace(
        'always = { effects = ["tension += 1"] }', 'always = { effects = ["tension += 1 + played(\'a-shared\')"] }'
    ).replace("turn_limit = true", 'turn_limit = true\n\n[[endings]]\nid = "exposed"\ntitle = "Exposed"\nwhen = "a.covert >= 5"')
    deck = load_deck_text(text, "leak.toml")
    got = {(w.where, w.message.split(", which ")[1].split(" cannot")[0]) for w in secrecy_warnings(deck)}
    assert got == {
        ("moves[2].chance", "China and United States"),
        ("moves[2].always.effects[0]", "United States"),  # b's public move reveals a-shared to c
        ("events[0].when", "China and United States"),
        ("events[0].chance", "China and United States"),
        ("events[0].effects[0]", "China and United States"),
        ("endings[1].when", "China and United States"),
    }
    # A change to a.covert is seen by its owner alone, who knows of a-shared.
    assert all(w.where != "events[0].effects[1]" for w in secrecy_warnings(deck))


def test_secrecy_warnings_on_the_shipped_decks(decks: dict[str, CompiledDeck], leaky_korea: CompiledDeck) -> None:
    assert secrecy_warnings(decks["tutorial"]) == []
    assert secrecy_warnings(decks["korea-2022"]) == []  # fixed in issue 9
    korea = secrecy_warnings(leaky_korea)
    where = {w.where: w.message for w in korea}
    index = {m.id: m.index for m in leaky_korea.moves}
    # Counter-fire's odds read South Korea's own secret covert work: the other seats are
    # shown "odds hidden", as meant, so lint says nothing (issue 19: a false alarm before).
    assert f"moves[{index['counter-fire']}].chance" not in where
    # The nuclear test's effects read China's secret: the change every seat sees tells of it.
    assert any("china.covert (secret to China)" in m for m in where.values())
    assert all(w.line is not None and w.file == leaky_korea.path for w in korea)


def test_a_precondition_quoted_in_public_fizzle_news_must_not_name_a_secret_move() -> None:
    # b knows of a-shared, so the rule lets its precondition read it; but with no
    # requires_text, the public fizzle news would quote "played('a-shared')" to c.
    extra = '\n[[moves]]\nid = "b-follow"\nactor = "b"\nname = "Follow up"\ncategory = "diplomatic"\nrequires = "played(\'a-shared\')"\n'
    deck = deck_with(extra)
    [warning] = [w for w in secrecy_warnings(deck) if w.where == "moves[3].requires"]
    assert "names 'a-shared', a secret move United States cannot know of" in warning.message
    assert warning.line == ISSUE_DECK.replace("{extra}", extra).splitlines().index("requires = \"played('a-shared')\"") + 1
    with_text = deck_with(extra + 'requires_text = "Only after a word from South Korea."\n')
    assert [w.where for w in secrecy_warnings(with_text)] == ["moves[2].chance"]
