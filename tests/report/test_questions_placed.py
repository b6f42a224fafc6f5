"""Discussion questions are asked only of games where what they assume happened: the
korea-2022 question about Yoon's election appeared in a game Lee Jae-myung won."""

from __future__ import annotations

from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.report.data import build_report
from wargame.saves.store import new_save

SEATS = {"dprk": "doctrine:hardliner", "us": "doctrine:pressure-first", "rok": "doctrine:hawkish", "china": "doctrine:status-quo"}


def questions_of(deck: CompiledDeck, seed: int) -> tuple[bool, list[str]]:
    game = play_game(deck, seed, SEATS, 4)
    yoon = game.state.f[deck.flag_names.index("yoon_elected")]
    report = build_report(new_save(game, SEATS), "public")
    return bool(yoon), [q.text for q in report.questions if q.turn == 3]


def test_the_election_question_follows_who_won(decks: dict[str, CompiledDeck]) -> None:
    deck = decks["korea-2022"]
    seen = set()
    for seed in range(12):
        yoon, asked = questions_of(deck, seed)
        assert len(asked) == 1
        assert ("changes its government" in asked[0]) == yoon
        assert ("Lee Jae-myung narrowly won" in asked[0]) == (not yoon)
        seen.add(yoon)
    assert seen == {True, False}  # both results came up


def test_no_election_question_before_the_election(decks: dict[str, CompiledDeck]) -> None:
    game = play_game(decks["korea-2022"], 1, SEATS, 2)
    report = build_report(new_save(game, SEATS), "facilitator")
    assert [q for q in report.questions if q.turn == 3] == []


def test_every_shipped_deck_has_discussion_questions(decks: dict[str, CompiledDeck]) -> None:
    assert [name for name, deck in decks.items() if not deck.questions] == []


def test_cuba_questions_follow_what_happened(decks: dict[str, CompiledDeck]) -> None:
    # A question on the withdrawal, the air strike or the standoff is asked only of a game
    # where it happened, whatever the seats played.
    deck = decks["cuba-1962"]
    flag = {name: deck.flag_names.index(name) for name in ("withdrawal", "air_strike", "invasion", "nuclear_use")}
    seen = set()
    for seed, seats in enumerate([{"us": "doctrine:excomm", "ussr": "doctrine:khrushchev", "cuba": "doctrine:castro"},
                                  {"us": "doctrine:joint-chiefs", "ussr": "doctrine:hardliner", "cuba": "doctrine:castro"}] * 4):
        game = play_game(deck, seed, seats)
        asked = " ".join(q.text for q in build_report(new_save(game, seats), "public").questions)
        withdrew, bombed = bool(game.state.f[flag["withdrawal"]]), bool(game.state.f[flag["air_strike"]])
        assert ("Moscow announced that the missiles would leave" in asked) == withdrew
        assert ("US aircraft bombed the missile sites" in asked) == bombed
        assert "On the first day only Washington knew" in asked
        seen.add(withdrew)
    assert seen == {True, False}  # both kinds of game came up
