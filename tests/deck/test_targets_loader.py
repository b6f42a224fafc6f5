"""Loader tests for targeted moves and offers: each mistake an author can make gets one
line naming the file, the line and the field the author wrote (never an expanded
`MOVE@TARGET` path, and once, not once per target).

Every case edits one line of `tests/decks_format/offers.toml`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from wargame.cli import cli
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.errors import DeckError

DECK_PATH = Path(__file__).resolve().parents[1] / "decks_format" / "offers.toml"
BASE = DECK_PATH.read_text(encoding="utf-8")


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the only line holding `fragment`."""
    [n] = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    return n


def load(text: str) -> CompiledDeck:
    return load_deck_text(text, "offers.toml")


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DeckError) as info:
        load(text)
    for p in info.value.problems:
        assert p.file == "offers.toml"
        assert "@" not in p.where, "a path in the expanded deck leaked out"
    return [(p.line, p.where, p.message) for p in info.value.problems]


WAIT_B = 'id = "wait"\nactor = "b"'


def plain(extra: str) -> str:
    """The deck with `extra` added to Bravo's plain (untargeted) move."""
    return edit(WAIT_B, f"{WAIT_B}\n{extra}")


def test_the_test_deck_loads_with_one_move_per_target_and_two_answers_per_offer() -> None:
    d = load(BASE)
    ids = [m.id for m in d.moves]
    assert ids == [
        "warn@b", "warn@c",
        "talks@b", "talks@b/accept", "talks@b/refuse", "talks@c", "talks@c/accept", "talks@c/refuse",
        "backchannel@a", "backchannel@a/accept", "backchannel@a/refuse",
        "wait", "wait-c",
    ]
    assert d.written_moves == 5


def test_an_unknown_target_gets_a_suggestion_and_nothing_else() -> None:
    text = edit('targets = ["b", "c"]', 'targets = ["bb", "c"]')
    [(line, where, message)] = problems(text)
    assert line == line_of(text, 'targets = ["bb", "c"]')
    assert where == "moves[1].targets[0]"
    assert "unknown actor 'bb', did you mean 'b'?" in message


def test_a_move_cannot_target_its_own_actor() -> None:
    text = edit('targets = ["b", "c"]', 'targets = ["a", "c"]')
    [(line, where, message)] = problems(text)
    assert (where, message) == ("moves[1].targets[0]", "a move cannot target its own actor")
    assert line == line_of(text, 'targets = ["a", "c"]')


def test_a_target_listed_twice() -> None:
    [(_, where, message)] = problems(edit('targets = ["b", "c"]', 'targets = ["b", "b"]'))
    assert (where, message) == ("moves[1].targets[1]", "'b' is listed twice")


def test_an_offer_without_targets_is_one_line() -> None:
    text = edit('targets = ["b", "c"]\n', "")
    [(line, where, message)] = problems(text)
    assert where == "moves[1].offer"
    assert "an offer needs `targets`" in message
    assert line == line_of(text, "expires = 2") - 1  # the [moves.offer] header of talks


def test_target_in_a_plain_move_says_it_is_only_for_targeted_moves() -> None:
    text = plain('requires = "target.standing > 1"')
    [(line, where, message)] = problems(text)
    assert where == "moves[3].requires"
    assert "'target' (the actor a move is aimed at) works only in a move with `targets`" in message
    # The warn move has the same line: the one reported is the second, Bravo's.
    assert line == [i for i, t in enumerate(text.splitlines(), 1) if t == 'requires = "target.standing > 1"'][1]


def test_bare_target_in_a_plain_move() -> None:
    [(_, where, message)] = problems(plain('chance = "0.5 if target else 1"'))
    assert where == "moves[3].chance"
    assert "works only in a move with `targets`" in message


def test_target_in_a_plain_moves_news_says_so() -> None:
    text = plain('success = { news = "{target} waits." }')
    [(line, where, message)] = problems(text)
    assert where == "moves[3].success.news"
    assert "'{target}' works only in the texts of a move with `targets`" in message
    assert line == line_of(text, "{target} waits.")


def test_target_in_an_event_news_says_so() -> None:
    text = BASE.replace("[[endings]]", '[[events]]\nid = "e"\nat = 2\nnews = "Word of {target.standing}."\n\n[[endings]]', 1)
    [(_, where, message)] = problems(text)
    assert where == "events[0].news"
    assert "'{target.standing}' works only in the texts of a move with `targets`" in message


def test_reveal_of_a_targeted_move_needs_its_target() -> None:
    text = plain("success = { effects = [\"reveal('warn')\"] }")
    [(line, where, message)] = problems(text)
    assert where == "moves[3].success.effects[0]"
    assert "reveal() of the targeted move 'warn' needs its target, e.g. reveal('warn@b')" in message
    assert line == line_of(text, "reveal('warn')")


def test_reveal_of_one_target_loads() -> None:
    load(plain("success = { effects = [\"reveal('warn@c')\"] }"))


def test_a_bad_answer_weight_key() -> None:
    text = edit('"talks/refuse" = 1', '"talks/maybe" = 1')
    [(line, where, message)] = problems(text)
    assert where == 'actors.b.doctrines.open.weights."talks/maybe"'
    assert "/accept, /refuse or /wait" in message
    assert line == line_of(text, "talks/maybe")


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("warn/accept", "'warn' is not an offer, so it has no answers to weigh"),
        ("nothing/accept", "there is no offer 'nothing'"),
        ("backchannel/accept", "the offer 'backchannel' is not made to b"),
    ],
)
def test_answer_weights_that_cannot_apply_say_why(key: str, fragment: str) -> None:
    text = edit('"talks/refuse" = 1', f'"{key}" = 1')
    [(_, where, message)] = problems(text)
    assert where == f'actors.b.doctrines.open.weights."{key}"'
    assert fragment in message


def test_an_offer_makers_weight_on_its_own_answers_says_whose_they_are() -> None:
    text = edit("weights = { talks = 3, warn = 1 }", 'weights = { talks = 3, warn = 1, "talks/accept" = 2 }')
    [(_, _, message)] = problems(text)
    assert "'talks' is a's own offer; its answers are the recipient's to weigh" in message


def test_a_problem_in_a_targeted_moves_expression_is_reported_once_as_written() -> None:
    text = edit('requires = "target.standing > 1"', 'requires = "target.standin > 1"')
    [(line, where, message)] = problems(text)
    assert where == "moves[0].requires"
    assert line == line_of(text, "target.standin >")
    assert "'target.standin > 1'" in message and "no track 'standin'" in message
    assert "the target 'b'" in message


def test_a_problem_in_a_targeted_moves_effects_is_reported_once() -> None:
    text = edit('effects = ["target.standing -= 1", "tension += 1"]', 'effects = ["target.standing -= 1", "tenson += 1"]')
    [(line, where, message)] = problems(text)
    assert where == "moves[0].success.effects[1]"
    assert line == line_of(text, "tenson")
    assert "unknown track 'tenson'" in message


@pytest.mark.parametrize(
    ("old", "new", "where", "fragment"),
    [
        ('effects = ["tension -= 2"]', 'effects = ["tension -= 2", "tensio += 1"]', "moves[1].offer.accept.effects[1]", "tensio +="),
        ('refuse = { effects = ["tension += 1"] }', 'refuse = { effects = ["tension += x"] }', "moves[1].offer.refuse.effects[0]", "tension += x"),
        ('expire = { effects = ["a.standing -= 1"] }', 'expire = { effects = ["a.standin -= 1"] }', "moves[1].offer.expire.effects[0]", "a.standin"),
        ('news = "{target} accepts talks."', 'news = "{target} accepts talks {tensio}."', "moves[1].offer.accept.news", "{tensio}"),
        ('expire = { effects = ["a.standing -= 1"] }', 'expire = { news = "Gone {nope}." }', "moves[1].offer.expire.news", "{nope}"),
        ('refuse = { news = "{target} turns', 'refuse = { effects = ["b.covert += 1"], news = "{target} turns', "moves[2].offer.refuse.effects[0]", '"b.covert += 1"'),
    ],
)
def test_problems_in_offer_outcomes_are_reported_at_the_offer(old: str, new: str, where: str, fragment: str) -> None:
    text = edit(old, new)
    [(line, got, message)] = problems(text)
    assert got == where, message
    assert line == line_of(text, fragment)


def test_an_offers_expires_must_be_at_least_one() -> None:
    text = edit("expires = 2", "expires = 0")
    [(line, where, message)] = problems(text)
    assert where == "moves[1].offer.expires"
    assert "at least 1" in message
    assert line == line_of(text, "expires = 0")


def test_an_unknown_field_in_an_offer_gets_a_suggestion() -> None:
    [(_, where, message)] = problems(edit("expires = 2", "expire_in = 2"))
    assert where == "moves[1].offer.expire_in"
    assert "is not a known field" in message


def test_target_values_in_a_targeted_moves_texts_load() -> None:
    d = load(edit('news = "{target} accepts talks."', 'news = "{target} accepts talks at {target.standing}."'))
    accept = d.moves[d.move_index["talks@b/accept"]]
    assert accept.success_news == "Bravo accepts talks at {b.standing}."


def test_validate_counts_moves_as_written_and_as_played() -> None:
    result = CliRunner().invoke(cli, ["validate", str(DECK_PATH)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "3 actors, 5 moves (13 with targets and answers), 0 events" in result.stdout


def test_an_unknown_target_value_in_a_text_is_quoted_as_written() -> None:
    text = edit('news = "{target} accepts talks."', 'news = "{target} accepts talks {target.standin}."')
    [(line, where, message)] = problems(text)
    assert where == "moves[1].offer.accept.news"
    assert message == "unknown value '{target.standin}' in the text (did you mean '{target.standing}'?)"
    assert line == line_of(text, "{target.standin}")


def test_a_track_only_some_targets_have_is_an_error_naming_the_target() -> None:
    # covert belongs to Charlie and Alpha: warn (at Bravo and Charlie) cannot read Bravo's.
    text = edit('requires = "target.standing > 1"', 'requires = "target.covert > 1"')
    [(_, where, message)] = problems(text)
    assert where == "moves[0].requires"
    assert message == "the target 'b' has no track 'covert' in 'target.covert > 1'"
