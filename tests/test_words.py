"""The word helpers every screen and printout shares."""

from __future__ import annotations

from wargame.words import count, plural, possessive, sentence


def test_possessive_of_a_name_ending_in_s_takes_a_bare_apostrophe() -> None:
    assert possessive("United States") == "United States'"
    assert possessive("China") == "China's"
    assert possessive("UNITED STATES") == "UNITED STATES'"


def test_one_is_singular_and_everything_else_plural() -> None:
    assert count(1, "minute") == "1 minute"
    assert count(2, "minute") == "2 minutes"
    assert count(0, "minute") == "0 minutes"
    assert count(1.0, "minute") == "1 minute"
    assert count(1.5, "minute") == "1.5 minutes"
    assert plural(3, "child", "children") == "children"
    assert plural(1, "month") == "month"


def test_sentence_capitalises_and_ends_once() -> None:
    assert sentence("needs talks 2 or more") == "Needs talks 2 or more."
    assert sentence("Needs a prepared test site.") == "Needs a prepared test site."
    assert sentence("") == ""
