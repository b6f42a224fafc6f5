"""The word helpers every screen and printout shares."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wargame.words import count, fit_labels, plural, possessive, sentence


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


# -- shortening labels without losing what tells them apart ------------------------------------

CUBA_ENDINGS = ["Nuclear war", "War in the Caribbean", "Deal: a public trade", "Deal with a secret trade",
                "Deal: missiles for a pledge", "Soviet climb-down", "The quarantine goes on"]


def test_labels_that_fit_are_left_alone() -> None:
    assert fit_labels(CUBA_ENDINGS, 30) == CUBA_ENDINGS


def test_what_every_answer_row_shares_goes_first() -> None:
    rows = [f"Warn Bravo + {a} Alpha's offer (Offer talks to Bravo)" for a in ("Accept", "Refuse", "no answer to")]
    assert fit_labels(rows, 30) == ["… Accept Alpha's offer …", "… Refuse Alpha's offer …", "… no answer to Alpha's offer …"]
    assert fit_labels(rows, 12) == ["… Accept …", "… Refuse …", "… no answ. …"]


def test_the_cuban_deals_stay_three_different_deals() -> None:
    # Cut to 16 characters they read "Deal: a public t", "Deal with a secr", "Deal: missiles f".
    short = fit_labels(CUBA_ENDINGS, 16)
    assert short[3] == "Deal secr. trade" and short[1] == "War Caribbean"
    assert all(len(s) <= 16 for s in short) and len(set(short)) == len(short)


words = st.text(alphabet="abc ABC:+'()", min_size=1, max_size=40)


@given(st.lists(words, min_size=1, max_size=8), st.integers(min_value=4, max_value=40))
def test_shortened_labels_fit_and_stay_apart(labels: list[str], width: int) -> None:
    out = fit_labels(labels, width)
    assert len(out) == len(labels)
    for label, short in zip(labels, out, strict=True):
        assert len(short) <= width
        if len(label) <= width:
            assert short == label
    # Different labels never come out the same.
    pairs = {(a, b) for a, b in zip(labels, out, strict=True)}
    by_short: dict[str, set[str]] = {}
    for a, b in pairs:
        by_short.setdefault(b, set()).add(a)
    assert all(len(v) == 1 for v in by_short.values()), by_short


def test_results_name_another_seats_order_with_a_proper_possessive() -> None:
    # "What moved, and why" under a turn's results: "United States' order: ...", never
    # "United States's order" (korea-2022's United States moves tracks every game).
    from pathlib import Path

    from wargame.analysis.simulate import play_game
    from wargame.deck.loader import load_deck
    from wargame.observe.build import observe
    from wargame.observe.visibility import Viewer

    deck = load_deck(Path(__file__).resolve().parents[1] / "decks" / "korea-2022.toml")
    game = play_game(deck, 1, {})
    obs = observe(game, Viewer.seat("dprk"))
    causes = [c.text for turn in obs.turns for m in turn.moved for c in m.causes if c.actor == "us"]
    assert causes, "the United States moved no track North Korea saw"
    assert all(c.startswith("United States' order: ") for c in causes if c.startswith("United States")), causes


def test_no_module_writes_a_display_names_possessive_by_hand() -> None:
    # An actor's display name may end in s ("United States"): its possessive goes through
    # `possessive`, never a hand-written `{...}'s` after the name.
    import re
    from pathlib import Path

    by_hand = re.compile(r"\{[^{}]*(actor_name\([^{}]*\)|seat_name|actor\.name)\}'s\b")
    root = Path(__file__).resolve().parents[1] / "wargame"
    found = [f"{p.relative_to(root)}:{i}" for p in root.rglob("*.py") for i, line in enumerate(p.read_text().splitlines(), 1) if by_hand.search(line)]
    assert not found, found
