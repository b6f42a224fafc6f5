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
