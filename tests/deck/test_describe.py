"""Moves, events and expressions in plain words (issue 8, item 3).

Every form the expression language has is put into words; a secret move the viewer cannot
know exists is never named (a property over random expressions and mutated decks); a track
hidden from the viewer is marked and an effect on it shows no amount.
"""

from __future__ import annotations

import re
import typing

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_expr import conditions, numbers
from test_mutation import mutants

from wargame.deck.compile import CompiledDeck
from wargame.deck.describe import Describer, depends_on, number, signed
from wargame.deck.expr import compile_effect_code, compile_expression
from wargame.deck.ir import ChangeTrack, EffectNode, Node, SetTrack
from wargame.deck.loader import load_deck_bytes
from wargame.errors import DeckError, ExpressionError

NUMBERS = [
    ("tension", "Tension"),
    ("red.standing", "Red's standing"),
    ("turn", "the week number"),
    ("turns", "the number of weeks"),
    ("count('patrol')", "the times Naval patrol was played"),
    ("succeeded('missile-test')", "the times Missile test succeeded"),
    ("since('patrol')", "the weeks since Naval patrol was last played"),
    ("since('storm')", "the weeks since Storm season last happened"),
    ("count('storm')", "the times Storm season has happened"),
    ("-tension", "\u2212Tension"),
    ("-2.5", "\u22122.5"),
    ("+tension", "Tension"),
    ("1 + 2 * tension", "1 + 2 × Tension"),
    ("(1 + 2) * tension", "(1 + 2) × Tension"),
    ("tension / 2", "Tension ÷ 2"),
    ("tension - (talks - 1)", "Tension \u2212 (Talks momentum \u2212 1)"),
    ("min(tension, 3)", "the smaller of Tension and 3"),
    ("max(1, 2, tension)", "the largest of 1, 2 and Tension"),
    ("abs(tension - 5)", "the size of Tension \u2212 5"),
    ("round(tension / 3)", "Tension ÷ 3, rounded"),
    ("2 if flags.hotline else 1", "2 if Hotline open, otherwise 1"),
    ("2 * (tension >= 6)", "2 if Tension at least 6, else 0"),
    ("1 + 0.5 * flags.hotline * (talks < 2)", "1 + (0.5 if Hotline open and Talks momentum below 2, else 0)"),
    ("played('patrol') + 1", "(1 if Naval patrol played before, else 0) + 1"),
]

CONDITIONS = [
    ("true", "always"),
    ("false", "never"),
    ("not true", "never"),
    ("flags.hotline", "Hotline open"),
    ("not flags.hotline", "No hotline"),
    ("played('patrol')", "Naval patrol played before"),
    ("not played('patrol')", "Naval patrol never played"),
    ("ordered('patrol')", "Naval patrol ordered this week"),
    ("not ordered('patrol')", "Naval patrol not ordered this week"),
    ("revealed('spy-op')", "Intelligence operation revealed"),
    ("not revealed('spy-op')", "Intelligence operation not revealed"),
    ("fired('storm')", "Storm season has happened"),
    ("not fired('storm')", "Storm season has not happened"),
    ("not not flags.hotline", "Hotline open"),
    ("tension >= 7", "Tension at least 7"),
    ("tension <= 7", "Tension at most 7"),
    ("tension > 7", "Tension above 7"),
    ("tension < 7", "Tension below 7"),
    ("tension == 7", "Tension equal to 7"),
    ("tension != 7", "Tension not equal to 7"),
    ("3 < tension", "Tension above 3"),
    ("1 < tension <= 5", "Tension above 1 and Tension at most 5"),
    ("not tension >= 7", "Tension below 7"),
    ("not 1 < tension < 5", "not (Tension above 1 and Tension below 5)"),
    ("not (flags.hotline and tension > 2)", "No hotline or Tension at most 2"),
    ("flags.hotline and (tension > 2 or talks < 1)", "Hotline open and (Tension above 2 or Talks momentum below 1)"),
    ("flags.hotline or tension > 2 and talks < 1", "Hotline open or (Tension above 2 and Talks momentum below 1)"),
    ("flags.hotline and tension > 2 and talks < 1", "Hotline open and Tension above 2 and Talks momentum below 1"),
    ("count('patrol') > 0", "Naval patrol played before"),
    ("count('patrol') == 0", "Naval patrol never played"),
    ("succeeded('missile-test') >= 1", "Missile test succeeded before"),
    ("count('patrol') >= 3", "Naval patrol played at least 3 times"),
    ("succeeded('missile-test') >= 2", "Missile test succeeded at least 2 times"),
    ("count('patrol') < 2", "Naval patrol played fewer than 2 times"),
    ("count('patrol') == 1", "Naval patrol played exactly 1 time"),
    ("since('patrol') < 1", "Naval patrol played this week"),
    ("since('patrol') <= 1", "Naval patrol played this week or last"),
    ("since('patrol') <= 3", "Naval patrol played within the last 3 weeks"),
    ("since('patrol') >= 2", "Naval patrol not played this week or last"),
    ("since('patrol') > 0", "Naval patrol not played this week"),
    ("since('patrol') < since('missile-test')", "Naval patrol played more recently than Missile test"),
    ("since('patrol') > since('missile-test')", "Missile test played more recently than Naval patrol"),
    ("turn >= 3", "it is week 3 or later"),
    ("turn > 3", "it is week 4 or later"),
    ("3 <= turn", "it is week 3 or later"),
    ("turn < 3", "it is before week 3"),
    ("turn <= 3", "it is before week 4"),
    ("turn == 2", "it is week 2"),
    ("turn != 2", "it is not week 2"),
    ("not turn >= 3", "it is before week 3"),
    ("turn >= turns", "it is the last week (week 6)"),
    ("turns <= turn", "it is the last week (week 6)"),
    ("turn < turns", "it is before the last week"),
    ("turn >= turns - 1", "the week number at least the number of weeks − 1"),
    ("turn >= 2.5", "the week number at least 2.5"),
    ("flags.hotline == false", "No hotline"),
    ("true == flags.hotline", "Hotline open"),
    ("flags.hotline != played('patrol')", "whether Hotline open is not the same as whether Naval patrol played before"),
    ("flags.hotline if tension > 5 else played('patrol')", "Hotline open if Tension above 5, otherwise Naval patrol played before"),
    ("not (flags.hotline if tension > 5 else false)", "not (Hotline open if Tension above 5, otherwise never)"),
]

EFFECTS = [
    ("tension += 1", "Tension +1"),
    ("tension -= 2", "Tension \u22122"),
    ("tension += -1", "Tension \u22121"),
    ("tension = 0", "Tension set to 0"),
    ("tension = talks + 1", "Tension set to Talks momentum + 1"),
    ("red.standing -= 2", "Red's standing \u22122"),
    ("flags.hotline = false", "now: no hotline"),
    ("flags.hotline = true", "now: hotline open"),
    ("flags.hotline = tension > 5", "now: hotline open if Tension above 5, otherwise no hotline"),
    ("reveal('spy-op')", "reveals earlier plays of Intelligence operation"),
    ("talks += 2 * ordered('talks-offer-blue')", "Talks momentum +2 if Offer talks ordered this week"),
    ("tension -= 1 + 0.5 * flags.hotline", "Tension \u22121, another \u22120.5 if Hotline open"),
    ("tension += 0.1 * talks", "Tension +0.1 × Talks momentum"),
    ("tension += 1 - 0.1 * talks", "Tension +1, \u22120.1 × Talks momentum"),
    ("tension += (talks + 1) * flags.hotline", "Tension +(Talks momentum + 1) if Hotline open"),
    ("talks += played('patrol') - ordered('patrol')", "Talks momentum +1 if Naval patrol played before, another \u22121 if Naval patrol ordered this week"),
]


def node_of(deck: CompiledDeck, text: str) -> Node:
    kind = "bool" if any(text == t for t, _ in CONDITIONS) else "num"
    return compile_expression(text, deck.scope, kind).node  # type: ignore[arg-type]


def effect_of(deck: CompiledDeck, text: str) -> EffectNode:
    return compile_effect_code(text, deck.scope).node


@pytest.mark.parametrize(("text", "words"), NUMBERS, ids=[t for t, _ in NUMBERS])
def test_numbers_in_words(tutorial: CompiledDeck, text: str, words: str) -> None:
    assert Describer(tutorial).number(node_of(tutorial, text)) == words


@pytest.mark.parametrize(("text", "words"), CONDITIONS, ids=[t for t, _ in CONDITIONS])
def test_conditions_in_words(tutorial: CompiledDeck, text: str, words: str) -> None:
    assert Describer(tutorial).condition(node_of(tutorial, text)) == words


@pytest.mark.parametrize(("text", "words"), EFFECTS, ids=[t for t, _ in EFFECTS])
def test_effects_in_words(tutorial: CompiledDeck, text: str, words: str) -> None:
    assert Describer(tutorial).effect(effect_of(tutorial, text)) == words


ENDING_CONDITIONS = [
    ("talks >= 5 and turn >= turns", "Talks momentum at least 5 and the 6 weeks are up"),
    ("turn == turns", "the 6 weeks are up"),
    ("turn < turns", "the 6 weeks are not up yet"),
    ("turn >= 3", "week 3 is over"),
    ("turn > 3", "week 4 is over"),
    ("turn < 3", "week 3 is not over yet"),
    ("turn == 3", "week 3 has just ended"),
    ("tension >= 10", "Tension at least 10"),
]


@pytest.mark.parametrize(("text", "words"), ENDING_CONDITIONS, ids=[t for t, _ in ENDING_CONDITIONS])
def test_an_endings_test_of_the_turn_reads_as_the_turn_ends(tutorial: CompiledDeck, text: str, words: str) -> None:
    """An ending is checked once a turn is resolved: its turn limit reads `the 6 weeks are
    up`, never `the week number at least the number of weeks`; other words are unchanged."""
    words_ = Describer(tutorial)
    node = compile_expression(text, tutorial.scope, "bool").node
    assert words_.ending_condition(node) == words
    if "turn" in text:
        assert words_.condition(node) != words  # a move's or an event's test reads `it is ...`


def test_the_turn_limit_reads_in_each_decks_own_unit_and_length() -> None:
    from pathlib import Path

    from wargame.deck.loader import load_deck

    root = Path(__file__).resolve().parents[2]
    for path in sorted((root / "decks").glob("*.toml")):
        deck = load_deck(path)
        node = compile_expression("turn >= turns", deck.scope, "bool").node
        units = f"{deck.turns} {deck.turn_name}s"
        assert Describer(deck).ending_condition(node) == f"the {units} are up", path.name
        assert Describer(deck, turns=3).time_up() == f"the 3 {deck.turn_name}s are up"
        assert Describer(deck, turns=1).time_up() == f"the 1 {deck.turn_name} is up"
        assert Describer(deck).condition(node) == f"it is the last {deck.turn_name} ({deck.turn_name} {deck.turns})"


def _types(node: object) -> set[type]:
    out = {type(node)}
    for name in getattr(node, "__slots__", ()):
        value = getattr(node, name)
        for child in value if isinstance(value, tuple) else (value,):
            if hasattr(child, "__slots__"):
                out |= _types(child)
    return out


def test_the_tables_cover_every_form_of_the_language(tutorial: CompiledDeck) -> None:
    seen: set[type] = set()
    for text, _ in [*NUMBERS, *CONDITIONS]:
        seen |= _types(node_of(tutorial, text))
    for text, _ in EFFECTS:
        seen |= _types(effect_of(tutorial, text))
    every = set(typing.get_args(Node)) | set(typing.get_args(EffectNode))
    assert every <= seen, every - seen
    fns = {n.fn for t, _ in [*NUMBERS, *CONDITIONS] for n in _walk(node_of(tutorial, t)) if hasattr(n, "fn")}
    assert fns >= {"played", "count", "succeeded", "since", "ordered", "revealed", "min", "max", "abs", "round"}


def _walk(node: object) -> list[object]:
    out = [node]
    for name in getattr(node, "__slots__", ()):
        value = getattr(node, name)
        for child in value if isinstance(value, tuple) else (value,):
            if hasattr(child, "__slots__"):
                out += _walk(child)
    return out


def test_number_formatting() -> None:
    assert [number(x) for x in (2, 2.0, 0.5, -1.25, 1 / 3)] == ["2", "2", "0.5", "\u22121.25", "0.333"]
    assert [signed(x) for x in (1, 0, -0.5)] == ["+1", "+0", "\u22120.5"]


# -- what a viewer may know ------------------------------------------------------------------------


def test_a_secret_move_the_viewer_cannot_know_is_never_named(tutorial: CompiledDeck) -> None:
    red, blue = Describer.for_seat(tutorial, "red"), Describer.for_seat(tutorial, "blue")
    reveal = effect_of(tutorial, "reveal('spy-op')")
    assert red.effect(reveal) == "reveals an earlier secret move, if there was one"
    assert blue.effect(reveal) == "reveals earlier plays of Intelligence operation"
    cond = node_of(tutorial, "not played('spy-op')")
    assert red.condition(cond) == "a secret move (hidden from you) never played"
    assert blue.condition(cond) == "Intelligence operation never played"


def test_a_hidden_track_is_marked_and_an_effect_on_it_shows_no_amount(tutorial: CompiledDeck) -> None:
    red = Describer.for_seat(tutorial, "red")
    assert red.effect(effect_of(tutorial, "blue.intel = 0")) == "Blue's intelligence changes (hidden from you)"
    assert red.effect(effect_of(tutorial, "tension += blue.intel")) == "Tension +Blue's intelligence (hidden from you)"
    assert red.effect(effect_of(tutorial, "red.intel += 2")) == "Red's intelligence +2"
    assert Describer.for_seat(tutorial, "blue").effect(effect_of(tutorial, "blue.intel = 0")) == "Blue's intelligence set to 0"
    public = Describer.for_seat(tutorial, None)
    assert public.effect(effect_of(tutorial, "red.intel += 2")) == "Red's intelligence changes (hidden from you)"


def test_an_unfired_inject_is_not_named_to_a_seat(tutorial: CompiledDeck) -> None:
    cond = compile_expression("fired('fishing-incident')", tutorial.scope, "bool").node
    assert Describer.for_seat(tutorial, "red").condition(cond) == "an event (hidden from you) has happened"
    assert Describer(tutorial).condition(cond) == "Fishing incident has happened"


# -- korea-2022, as its seats read it --------------------------------------------------------------


@pytest.fixture(scope="module")
def korea(decks: dict[str, CompiledDeck]) -> CompiledDeck:
    return decks["korea-2022"]


def words(deck: CompiledDeck, seat: str | None, move_id: str) -> list[str]:
    w = Describer.for_seat(deck, seat).describe_move(deck.moves[deck.move_index[move_id]])
    return [w.requires, w.chance, *w.success, *w.failure, *w.always]


def test_korea_moratorium_moves_read_plainly(korea: CompiledDeck) -> None:
    assert words(korea, "us", "end-icbm-moratorium") == [
        "needs ICBM moratorium in force", "100%",
        "now: ICBM moratorium over", "Tension +0.5", "Talks momentum \u22121.5",
        "North Korea's international standing \u22121", "North Korea's domestic support +0.5",
    ]
    assert words(korea, "us", "end-nuclear-moratorium")[0] == "needs Nuclear-test moratorium in force and ICBM moratorium over"
    assert words(korea, "us", "icbm-test")[:2] == [
        "needs ICBM moratorium over", "the smaller of 0.85 and 0.5 + 0.15 × the times ICBM launch was played",
    ]


def test_korea_nuclear_test_as_each_seat_reads_it(korea: CompiledDeck, leaky_korea: CompiledDeck) -> None:
    # The shipped deck's nuclear test reads no one's secret; the leaky variant's effects
    # read China's covert work (as korea-2022 did before issue 9).
    assert "North Korea's economy \u22121" in words(korea, "us", "nuclear-test")
    korea = leaky_korea
    us = words(korea, "us", "nuclear-test")
    assert us[0] == "needs Nuclear-test moratorium over and North Korea's covert work (hidden from you) at least 2"
    assert "North Korea's economy \u22121, another \u22121 if China's covert work (hidden from you) at least 1" in us
    assert "Talks momentum \u22123, another \u22122 if North Korea's test freeze holds" in us
    assert "United States' covert work set to 0" in us
    dprk = words(korea, "dprk", "nuclear-test")
    assert dprk[0] == "needs Nuclear-test moratorium over and North Korea's covert work at least 2"
    assert "United States' covert work changes (hidden from you)" in dprk


def test_korea_treasury_move_does_not_name_north_koreas_secret_theft(korea: CompiledDeck) -> None:
    # The example: `revealed('cyber-theft')` on a Treasury move.
    us = words(korea, "us", "treasury-designations")
    assert "North Korea's economy \u22120.5, another \u22120.5 if a secret move (hidden from you) revealed" in us
    assert not any("theft" in w.lower() or "cyber" in w for w in us)
    assert "North Korea's economy \u22120.5, another \u22120.5 if Cryptocurrency theft revealed" in words(korea, "dprk", "treasury-designations")


def test_korea_backchannel_is_named_to_its_parties_only(korea: CompiledDeck) -> None:
    for seat, named in (("us", True), ("dprk", True), ("rok", False), ("china", False), (None, False)):
        text = " | ".join(words(korea, seat, "accept-talks"))
        assert ("Backchannel" in text) is named, seat
        if not named:
            assert "a secret move (hidden from you) succeeded before" in text


def test_korea_counter_fire_odds_mark_south_koreas_secret(korea: CompiledDeck, leaky_korea: CompiledDeck) -> None:
    # Fixed in the shipped deck (its odds are public): the leaky variant keeps the example.
    assert Describer.for_seat(korea, "us").chance(korea.moves[korea.move_index["counter-fire"]]) == "85%"
    korea = leaky_korea
    move = korea.moves[korea.move_index["counter-fire"]]
    assert Describer.for_seat(korea, "us").chance(move) == "the smaller of 0.95 and 0.85 + 0.05 × South Korea's covert work (hidden from you)"
    assert Describer.for_seat(korea, "rok").chance(move) == "the smaller of 0.95 and 0.85 + 0.05 × South Korea's covert work"
    assert depends_on(korea.hidden_from("us", move.chance_reads)) == "depends on South Korea's covert work, hidden from you"


def test_korea_events_read_plainly(korea: CompiledDeck) -> None:
    us = Describer.for_seat(korea, "us")
    by_name = {e.name: us.describe_event(e) for e in korea.events}
    assert by_name["South Korean presidential election"].when == "in month 3"
    assert by_name["South Korean presidential election"].chance == "55%"
    assert by_name["South Korean presidential election"].effects[:2] == ["now: Yoon Suk Yeol elected president", "now: Seoul has left the peace process"]
    review = by_name["Politburo reviews the moratorium"]
    assert review.when == "when ICBM moratorium in force and Treasury designations played this month or last and Tension at least 5"
    assert by_name["Russia ships oil"].when == ""  # an inject


# -- never naming what the viewer cannot know: properties -------------------------------------------


def _vocabulary(deck: CompiledDeck, known: set[str], d: Describer) -> list[str]:
    """Words a description may contain for other reasons than naming a move."""
    m = deck.model
    out = [mv.name for mv in m.moves if mv.id in known] + [mv.id for mv in m.moves if mv.id in known]
    out += [t.label for t in (*m.tracks.values(), *m.actor_tracks.values())]
    out += [a.name for a in m.actors.values()] + [e.name for e in m.events] + [deck.model.deck.turn_name]
    out += [d.flag(i) for i in range(len(deck.flag_names))]
    return [v.lower() for v in out]


def assert_names_no_unknown_move(deck: CompiledDeck, text: str, unknown: set[str], d: Describer) -> None:
    known = set(deck.move_index) - unknown
    vocabulary = _vocabulary(deck, known, d)
    for move in deck.model.moves:
        if move.id not in unknown:
            continue
        for name in (move.id, move.name.strip()):
            if not re.search(r"[A-Za-z]", name) or any(name.lower() in v for v in vocabulary):
                continue  # also a known move's name, a track's label...: no evidence either way
            assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE), (name, text)


MOVE_IDS = ["patrol", "missile-test", "talks-offer", "talks-offer-blue", "sanctions", "spy-op"]


@given(
    text=st.one_of(numbers(), conditions()),
    effect_target=st.sampled_from(["tension", "talks", "red.standing", "blue.intel", "flags.hotline", "reveal"]),
    unknown=st.sets(st.sampled_from(MOVE_IDS)),
    hidden_tracks=st.sets(st.integers(0, 5)),
)
def test_random_expressions_never_name_a_move_the_viewer_cannot_know(
    tutorial: CompiledDeck, text: str, effect_target: str, unknown: set[str], hidden_tracks: set[int]
) -> None:
    d = Describer(tutorial, lambda m: m not in unknown, lambda s: s not in hidden_tracks)
    kind = "bool" if _is_condition(tutorial, text) else "num"
    node = compile_expression(text, tutorial.scope, kind).node  # type: ignore[arg-type]
    said = [d.condition(node) if kind == "bool" else d.number(node)]
    if effect_target == "reveal":
        effect = f"reveal('{min(unknown) if unknown else 'spy-op'}')"
    elif effect_target == "flags.hotline":
        effect = f"flags.hotline = {text if kind == 'bool' else 'true'}"
    else:
        effect = f"{effect_target} += {text if kind == 'num' else '1'}"
    said.append(d.effect(compile_effect_code(effect, tutorial.scope).node))
    for sentence in said:
        assert sentence and "  " not in sentence
        assert_names_no_unknown_move(tutorial, sentence, unknown, d)


def _is_condition(deck: CompiledDeck, text: str) -> bool:
    try:
        compile_expression(text, deck.scope, "bool")
        return True
    except ExpressionError:
        return False


@given(case=mutants(), data=st.data())
def test_mutated_decks_never_name_a_move_the_viewer_cannot_know(case: tuple[str, bytes], data: st.DataObject) -> None:
    name, text = case
    try:
        deck = load_deck_bytes(text, f"{name}.toml")
    except DeckError:
        return
    seat = data.draw(st.sampled_from([*deck.actors, None]))
    static = Describer.for_seat(deck, seat)
    unknown = data.draw(st.sets(st.sampled_from(sorted(deck.move_index))))
    for d, hidden in (
        (static, {m.id for m in deck.moves if not static.knows_move(m.id)}),
        (Describer(deck, lambda m: m not in unknown, static.knows_track, static.knows_event), unknown),
    ):
        for move in deck.moves:
            w = d.describe_move(move)
            for sentence in [w.requires, w.chance, *w.success, *w.failure, *w.always]:
                assert_names_no_unknown_move(deck, sentence, hidden, d)
        for event in deck.events:
            w2 = d.describe_event(event)
            for sentence in [w2.when, w2.chance, *w2.effects]:
                assert_names_no_unknown_move(deck, sentence, hidden, d)
        # An effect on a track hidden from the viewer never shows an amount.
        for move in deck.moves:
            for nodes in move.effect_nodes.values():
                for node in nodes:
                    if isinstance(node, SetTrack | ChangeTrack) and not d.knows_track(node.slot):
                        assert d.effect(node).endswith("changes (hidden from you)")
