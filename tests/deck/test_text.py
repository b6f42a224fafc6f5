"""Text that computes and branches (`wargame.deck.text`): values with formats, `{if}`
branches, quarter steps shown exactly, the secrecy check over everything a text reads,
targets in fields, and one clear line for every malformed text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.deck.expr import Scope
from wargame.deck.loader import load_deck_text
from wargame.deck.text import TextError, compile_text, format_number, preview
from wargame.engine.game import Game
from wargame.errors import DeckError, ExpressionError

DECK = """\
[deck]
id = "grid"
title = "Grid"
turns = 4

[tracks.outage]
label = "Outage"
max = 100
start = 2.25

[actor_tracks.access]
label = "Access"
secret = true

[flags]
ransom_paid = false

[actors.utility]
name = "Utility"

[actors.crew]
name = "Crew"

[[moves]]
id = "pay"
actor = "utility"
name = "Pay the ransom"
category = "economic"
success = {{ effects = ["flags.ransom_paid = true", "outage -= 1"], news = "{news}" }}

[[moves]]
id = "implant"
actor = "crew"
name = "Implant"
category = "information"
visibility = "secret"
success = {{ effects = ["crew.access += 1"] }}

[[endings]]
id = "limit"
title = "Time runs out"
turn_limit = true
"""


def _news(news: str) -> str:
    deck = load_deck_text(DECK.format(news=news.replace('"', '\\"')), "grid.toml")
    game = Game(deck, 1)
    game.submit("utility", ["pay"])
    game.submit("crew", [])
    return game.resolve().news[0].text


@pytest.mark.parametrize(("news", "shown"), [
    ("Outage {outage}.", "Outage 1.25."),
    ("{outage * 10000:,} homes", "12,500 homes"),
    ("{outage * 1000000:,d} homes", "1,250,000 homes"),
    ("{outage / 100:.1%} of the grid", "1.2% of the grid"),
    ("{outage / 100:%}", "1%"),
    ("{outage:.2f}", "1.25"),
    ("{if flags.ransom_paid}Paid{else}Refused{end}.", "Paid."),
    ("{if outage > 5}worse{elif outage > 1}bad{else}fine{end}", "bad"),
    ("{if outage > 5}worse{elif outage > 3}bad{end}!", "!"),
    ("Paid: {flags.ransom_paid}; turn {turn} of {turns}", "Paid: yes; turn 1 of 4"),
    ("{if not flags.ransom_paid}x{else}{if outage < 2}nested {outage}{end}{end}", "nested 1.25"),
    ("Braces {{as written}}", "Braces {as written}"),
])
def test_values_and_branches_are_filled_in(news: str, shown: str) -> None:
    assert _news(news) == shown


@pytest.mark.parametrize(("x", "spec", "shown"), [
    (0.25, "", "0.25"), (4.5, "", "4.5"), (1 / 3, "", "0.3"), (-0.75, "", "-0.75"), (1234.5, ",", "1,234.5"),
    (-1234567.0, ",", "-1,234,567"), (2.5, "d", "2"), (0.123, ".1%", "12.3%"), (float("inf"), ",", "inf"),
])
def test_numbers_print_as_people_read_them(x: float, spec: str, shown: str) -> None:
    assert format_number(x, spec) == shown


@pytest.mark.parametrize(("news", "message"), [
    ("{outage:q}", "unknown format ':q' in {outage:q}"),
    ("{if flags.ransom_paid}paid", "{if flags.ransom_paid} needs an {end}"),
    ("paid{end}", "{end} without an {if ...} before it"),
    ("{if flags.ransom_paid}a{else}b{elif outage > 1}c{end}", "{elif} after {else}"),
    ("{if outage}x{end}", "{if outage}: expected a condition"),
    ("{}", "empty {} in the text"),
    ("{outge}", "unknown value '{outge}' in the text (did you mean '{outage}'?)"),
    ("{outage +}", "{outage +}: syntax error"),
    ("{flags.ransom_paid:,}", "a condition prints yes or no and takes no format"),
    ("{if}x{end}", "{if} needs a condition"),
])
def test_a_malformed_text_is_one_clear_line(news: str, message: str) -> None:
    with pytest.raises(DeckError) as err:
        load_deck_text(DECK.format(news=news), "grid.toml")
    assert message in str(err.value)
    assert "moves[0].success.news" in str(err.value)


def test_a_public_text_may_not_read_a_secret_even_in_a_condition() -> None:
    with pytest.raises(DeckError) as err:
        load_deck_text(DECK.format(news="{if crew.access > 0}The crew is in.{end}"), "grid.toml")
    assert "shows a secret track of Crew that Utility cannot see" in str(err.value)
    with pytest.raises(DeckError) as err:
        load_deck_text(DECK.format(news="Implants so far: {count('implant')}"), "grid.toml")
    assert "reads the plays of 'implant', a secret move of Crew that Utility cannot know of" in str(err.value)


def test_a_secret_moves_text_may_read_its_own_actors_secrets() -> None:
    deck = DECK.format(news="x").replace('success = { effects = ["crew.access += 1"] }',
                                         'success = { effects = ["crew.access += 1"], news = "Access {crew.access * 2:.1f}; {if count(\'implant\') > 1}again{end}" }')
    compiled = load_deck_text(deck, "grid.toml")
    game = Game(compiled, 1)
    game.submit("utility", [])
    game.submit("crew", ["implant"])
    assert game.resolve().news[0].text == "Access 2.0; "


def test_target_and_group_ids_work_inside_fields() -> None:
    deck = load_deck_text("""\
[deck]
id = "t"
title = "T"
turns = 3
[actor_tracks.standing]
label = "Standing"
start = 4
[actors.a]
name = "Alpha"
[actors.b]
name = "Bravo"
[actors.c]
name = "Charlie"
[[moves]]
id = "warn"
actor = "a"
name = "Warn {target}"
category = "information"
targets = "others"
success = { effects = ["target.standing -= 1"], news = "{target} is warned{if target.standing < 4} (standing {target.standing * 10:,}){end}; warnings: {count('warn')}." }
[[events]]
id = "tally"
when = "played('warn')"
news = "Warnings so far: {count('warn')}."
[[endings]]
id = "limit"
title = "Time"
turn_limit = true
""", "t.toml")
    game = Game(deck, 3)
    game.submit("a", ["warn@c"])
    game.submit("b", [])
    game.submit("c", [])
    assert [n.text for n in game.resolve().news] == ["Charlie is warned (standing 30); warnings: 1.", "Warnings so far: 1."]


def test_preview_shows_values_as_ellipses_and_branches_side_by_side() -> None:
    assert preview("Outage {outage:,} homes, {if flags.paid}paid{else}refused{end}.") == "Outage … homes, paid / refused."
    assert preview("{if a}{if b}x{end}{end}y {{z}}") == "xy {z}"
    assert preview("broken {") == "broken {"


@given(st.text(alphabet="{}abc:,.%if elsend()+'1 ", max_size=40))
def test_any_text_compiles_or_says_why(text: str) -> None:
    scope = Scope(tracks={"a": 0}, flags={"b": 0})
    try:
        compile_text(text, scope)
    except (TextError, ExpressionError) as exc:
        assert str(exc)
        assert "\n" not in str(exc)
    preview(text)
