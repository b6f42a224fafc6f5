"""Loader tests for the deck format extensions: events in expressions, descending scales,
silent events, text with values, coach lines, strict types and the syntax-error hints.

Each case builds a small deck from one base and checks the one line the author gets.
"""

from __future__ import annotations

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.errors import DeckError

BASE = """\
[deck]
id = "mini"
title = "Mini"
turns = 6

[tracks.defcon]
label = "DEFCON"
min = 1
max = 5
start = 5
descending = true
thresholds = { 4 = "DEFCON 4", 3 = "DEFCON 3", 2 = "DEFCON 2" }

[tracks.tension]
label = "Tension"
start = 3

[actor_tracks.covert]
label = "Covert work"
secret = true

[actors.un]
name = "UN"

[actors.us]
name = "United States"

[[moves]]
id = "alert"
actor = "us"
name = "Raise the alert"
category = "military"
always = { effects = ["defcon -= 1"] }

[[moves]]
id = "appeal"
actor = "un"
name = "Appeal"
category = "diplomatic"
{MOVE}

[[events]]
id = "first-letter"
name = "First letter"
at = 2
{EVENT}

[[endings]]
id = "limit"
title = "Time runs out"
turn_limit = true
{TAIL}
"""


def deck(move: str = "", event: str = 'news = "A letter arrives."', tail: str = "") -> str:
    return BASE.replace("{MOVE}", move).replace("{EVENT}", event).replace("{TAIL}", tail)


def load(text: str) -> CompiledDeck:
    return load_deck_text(text, "mini.toml")


def problems(text: str) -> list[str]:
    with pytest.raises(DeckError) as info:
        load(text)
    return [f"{p.line}: {p.where}: {p.message}" for p in info.value.problems]


def test_the_base_deck_loads() -> None:
    d = load(deck())
    assert d.descending == frozenset({0})


@pytest.mark.parametrize("expr", ["since('first-letter') <= 1", "count('first-letter') >= 1", "fired('first-letter')"])
def test_events_can_be_read_by_since_count_and_fired(expr: str) -> None:
    load(deck(move=f'requires = "{expr}"'))


def test_a_move_function_on_an_event_says_which_to_use() -> None:
    [line] = problems(deck(move="requires = \"ordered('first-letter')\""))
    assert "moves[1].requires" in line
    assert "'first-letter' is an event, not a move" in line
    assert "fired('first-letter'), count('first-letter') or since('first-letter')" in line


def test_fired_on_a_move_says_it_is_a_move() -> None:
    [line] = problems(deck(move="requires = \"fired('alert')\""))
    assert "'alert' is a move, not an event" in line


def test_an_unknown_move_gets_a_suggestion() -> None:
    [line] = problems(deck(move="requires = \"played('alertt')\""))
    assert "unknown move 'alertt' (did you mean 'alert'?)" in line


@pytest.mark.parametrize(
    ("expr", "said"),
    [
        ("tensoin > 3", "unknown name 'tensoin' (did you mean 'tension'?)"),
        ("us.covret > 1", "actor 'us' has no track 'covret' (did you mean 'covert'?)"),
        ("uss.covert > 1", "unknown actor 'uss' (did you mean 'us'?)"),
        ("covert > 1", "'covert' is an actor's track; write ACTOR.covert (e.g. un.covert)"),
    ],
)
def test_a_misspelt_name_in_an_expression_gets_a_suggestion(expr: str, said: str) -> None:
    [line] = problems(deck(move=f'requires = "{expr}"'))
    assert line.startswith("40: moves[1].requires: ") and said in line


def test_a_misspelt_flag_gets_a_suggestion_and_a_bare_flag_is_pointed_to_flags() -> None:
    text = deck(move='requires = "flags.hotlien"').replace("[actors.un]", "[flags]\nhotline = false\n\n[actors.un]")
    [line] = problems(text)
    assert "unknown flag 'hotlien' (did you mean 'hotline'?)" in line
    [line] = problems(text.replace("flags.hotlien", "hotline"))
    assert "'hotline' is a flag; write flags.hotline" in line


def test_an_unterminated_string_in_an_expression_says_so_and_where_it_opens() -> None:
    [line] = problems(deck(move="requires = \"played('alert) and tension > 2\""))
    assert line == ("40: moves[1].requires: unterminated string: the quote at column 8 is never closed "
                    "in \"played('alert) and tension > 2\"")


def test_an_unterminated_toml_string_says_so_on_its_line() -> None:
    [line] = problems(deck().replace('title = "Mini"', 'title = "Mini'))
    assert line == "3: : TOML syntax error at column 14: unterminated string: a quoted text is not closed before the end of the line"


@pytest.mark.parametrize(
    ("expr", "hint"),
    [
        ("defcon = 5", "did you mean '==' to compare?"),
        ("defcon == 5 && tension > 2", "did you mean 'and' instead of '&&'?"),
        ("defcon == 5 || tension > 2", "did you mean 'or' instead of '||'?"),
        ("!(defcon == 5)", "did you mean 'not' instead of '!'?"),
        ("tension > 3 and defcon = 2", "did you mean '==' to compare?"),
    ],
)
def test_syntax_errors_get_a_hint(expr: str, hint: str) -> None:
    [line] = problems(deck(move=f'requires = "{expr}"'))
    assert line.startswith("40: moves[1].requires: syntax error")
    assert hint in line


def test_a_misspelt_actor_in_a_table_name_is_named_with_a_suggestion() -> None:
    text = deck().replace("[actors.us]", "[actors.unn.doctrines.calm]\nsummary = \"calm\"\n\n[actors.us]")
    [line] = problems(text)
    assert line.startswith("25: actors.unn: unknown actor 'unn', did you mean 'un'?")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("turns", '"6"', "deck.turns: must be a whole number"),
        ("turns", "true", "deck.turns: must be a whole number"),
        ("version", "1.5", "deck.version: must be a whole number"),
    ],
)
def test_types_are_strict(field: str, value: str, message: str) -> None:
    text = deck().replace("turns = 6", "turns = 6\nversion = 1" if field == "version" else "turns = 6")
    text = text.replace(f"{field} = {'6' if field == 'turns' else '1'}\n", f"{field} = {value}\n", 1)
    [line] = problems(text)
    assert message in line


def test_points_as_text_or_a_boolean_is_refused() -> None:
    for value in ('"3"', "true"):
        text = deck().replace('name = "UN"', f'name = "UN"\nobjectives = [{{ text = "x", when = "true", points = {value} }}]')
        lines = problems(text)
        assert lines and all("actors.un.objectives[0].points" in line for line in lines), lines
        assert "must be a number" in lines[0] or "must be a whole number" in lines[0]


def test_a_field_of_another_table_is_named_as_misplaced() -> None:
    [line] = problems(deck(event='news = "x"\npoints = 3'))
    assert "events[0].points: is not a field of this table" in line


def test_text_with_values_loads_and_an_unknown_name_is_an_error() -> None:
    load(deck(event='news = "DEFCON is now {defcon}; {{braces}} stay."'))
    [line] = problems(deck(event='news = "DEFCON is now {defcn}."'))
    assert "events[0].news: unknown value '{defcn}' in the text (did you mean '{defcon}'?)" in line


def test_unmatched_braces_are_an_error() -> None:
    [line] = problems(deck(event='news = "DEFCON {defcon"'))
    assert "unmatched '{' or '}'" in line


def test_public_text_may_not_show_a_secret_value() -> None:
    [line] = problems(deck(event='news = "Covert work at {us.covert}."'))
    assert "events[0].news: shows a secret track of United States that UN cannot see" in line


def test_a_secret_moves_news_may_show_its_actors_own_secret_value() -> None:
    move = (
        'visibility = "secret"\nsuccess = { effects = ["un.covert += 1"], news = "Covert work now {un.covert}." }'
    )
    load(deck(move=move))
    leaky = move.replace("{un.covert}", "{us.covert}")
    [line] = problems(deck(move=leaky))
    assert "moves[1].success.news: shows a secret track of United States that UN cannot see" in line


def test_a_coach_line_is_checked() -> None:
    load(deck(tail='[[coach]]\nturn = 2\nwhen = "defcon <= 4"\ntext = "Hi"'))
    lines = problems(deck(tail='[[coach]]\nturn = 9\nactor = "uk"\ntext = "Hi"'))
    assert any("coach[0].turn: turn 9 is after the last turn (6)" in line for line in lines)
    assert any("coach[0].actor: unknown actor 'uk'" in line for line in lines)


def test_a_coach_condition_may_not_read_a_secret() -> None:
    [line] = problems(deck(tail='[[coach]]\nwhen = "us.covert > 2"\ntext = "Hi"'))
    assert "coach[0].when: reads United States' covert work, which every seat cannot see" in line
    # Its own seat may read it.
    load(deck(tail='[[coach]]\nactor = "us"\nwhen = "us.covert > 2"\ntext = "Hi"'))


def test_an_actor_track_can_belong_to_some_actors() -> None:
    text = deck().replace("[actors.un]", '[actor_tracks.readiness]\nlabel = "Readiness"\nactors = ["us"]\n\n[actors.un]')
    d = load(text)
    assert "us.readiness" in d.slot_names and "un.readiness" not in d.slot_names
    [line] = problems(text.replace('category = "diplomatic"', 'category = "diplomatic"\nrequires = "un.readiness > 1"', 1))
    assert "actor 'un' has no track 'readiness'" in line
    [line] = problems(text.replace('actors = ["us"]', 'actors = ["uss"]'))
    assert "actor_tracks.readiness.actors[0]: unknown actor 'uss', did you mean 'us'?" in line
    [line] = problems(text.replace('name = "UN"', 'name = "UN"\nstart = { readiness = 2 }'))
    assert "actors.un.start.readiness: un has no track 'readiness' (it belongs to us)" in line


def test_detection_may_be_an_expression() -> None:
    d = load(deck(move='visibility = "secret"\ndetection = "0.2 * un.covert"'))
    move = d.moves[d.move_index["appeal"]]
    assert move.detection_fn is not None and move.detection == 0.0
    assert move.detection_reads.slots == frozenset({d.slot_names.index("un.covert")})
    [line] = problems(deck(move='detection = "0.2 * tension"'))
    assert "only secret and unattributed moves can have a detection chance" in line
