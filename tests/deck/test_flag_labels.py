"""Flags read as the deck's words for them on every surface: each shipped deck labels every
flag (what holds while it is on, and while it is off), and the briefing, the computers'
reasons, the results and the deck's description say those words, never the flag's id
("ICBM moratorium over", not "icbm moratorium is off")."""

from __future__ import annotations

import pytest

from tests.conftest import DECK_NAMES
from wargame.bots.make import make_bot
from wargame.deck.compile import CompiledDeck
from wargame.deck.describe import Describer
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game
from wargame.observe.build import observe
from wargame.observe.view import PlayerView
from wargame.tui.render import report_block
from wargame.tui.screens.stakes import endings_block


@pytest.mark.parametrize("name", DECK_NAMES)
def test_every_flag_of_a_shipped_deck_has_words_for_on_and_off(decks: dict[str, CompiledDeck], name: str) -> None:
    deck = decks[name]
    for slot, flag in enumerate(deck.flag_names):
        spec = deck.flag_spec(slot)
        assert spec is not None, f"{name}: flag '{flag}' has no label: players would read its id in words"
        assert spec.off, f"{name}: flag '{flag}' has no words for off (players would read 'not {spec.label.lower()}')"
        assert "_" not in spec.label + spec.off


def test_the_briefing_says_a_flag_in_the_decks_words(decks: dict[str, CompiledDeck]) -> None:
    text = endings_block(observe(Game(decks["korea-2022"], 1), "dprk")).plain
    assert "Interim agreement — if Talks momentum at least 8 and North Korea's test freeze holds and" in text
    assert "Test freeze" not in text and "test freeze on" not in text


def _reasons(deck: CompiledDeck, game: Game, seat: str, doctrine: str, move: str) -> str:
    """The reason a doctrine seat gives for `move` on this game's state (the first seed
    that draws it)."""
    for seed in range(200):
        bot = make_bot(f"doctrine:{doctrine}", deck, seat, seed)
        decision = bot.decide(PlayerView(game, seat), game.available_moves(seat), game.orders_allowed(seat))
        for order, reason in zip(decision.orders, decision.reasons, strict=True):
            if order == move:
                return reason
    pytest.fail(f"{doctrine} never ordered {move}")


def test_a_computers_reason_says_what_a_flag_means_now(decks: dict[str, CompiledDeck]) -> None:
    korea = decks["korea-2022"]
    game = Game(korea, 5)
    # China's status-quo doctrine weighs its private warning by `not flags.icbm_moratorium`.
    reason = _reasons(korea, game, "china", "status-quo", "private-warning")
    assert reason.endswith("; ICBM moratorium in force."), reason
    assert "icbm moratorium is" not in reason.lower()
    game.submit("dprk", ["end-icbm-moratorium"])
    for seat in ("us", "rok", "china"):
        game.submit(seat, [])
    game.resolve()
    assert _reasons(korea, game, "china", "status-quo", "private-warning").endswith("; ICBM moratorium over.")


def test_the_results_say_a_flag_changing_in_the_decks_words(decks: dict[str, CompiledDeck]) -> None:
    game = Game(decks["korea-2022"], 5)
    game.submit("dprk", ["end-icbm-moratorium"])
    for seat in ("us", "rok", "china"):
        game.submit(seat, [])
    game.resolve()
    obs = observe(game, "us")
    text = report_block(obs.turns[-1], obs, show_audience=False).plain
    assert "⚑ ICBM moratorium in force → ICBM moratorium over" in text.splitlines()


def test_a_flag_without_a_label_still_reads_as_its_name_and_on_or_off(decks: dict[str, CompiledDeck]) -> None:
    """A deck may still write `NAME = false` (tests/decks_format and older decks do), and a
    save keeps the deck it was played with: such a flag reads as it always has."""
    source = decks["tutorial"].source
    table = source[source.index("[flags.hotline]"):source.index("[actor_tracks.standing]")]
    source = source.replace(table, "[flags]\nhotline = false\n\n", 1)
    deck = load_deck_text(source, "tutorial-unlabelled.toml")
    assert deck.flag_spec(0) is None and deck.flag_words(0, True) is None
    assert Describer(deck).flag_state(0, True) == "Hotline on"


@pytest.mark.parametrize(
    ("deck", "flag", "on", "off"),
    [
        ("korea-2022", "test_freeze", "North Korea's test freeze holds", "no North Korean test freeze"),
        ("korea-2022", "drills_suspended", "combined field drills suspended", "combined field drills not suspended"),
        ("korea-2022", "yoon_elected", "Yoon Suk Yeol elected president", "Yoon Suk Yeol not elected"),
        ("cuba-1962", "un_appeal", "U Thant's appeal on the table", "no UN appeal on the table"),
        ("cuba-1962", "subs_forward", "Soviet submarines at the quarantine line", "no Soviet submarines at the line"),
        ("cuba-1962", "nuclear_use", "a nuclear weapon fired", "no nuclear weapon fired"),
        ("tutorial", "hotline", "hotline open", "no hotline"),
    ],
)
def test_a_flag_set_by_an_effect_reads_in_a_sentence_with_its_names_capitalised(
    decks: dict[str, CompiledDeck], deck: str, flag: str, on: str, off: str
) -> None:
    d = decks[deck]
    words = Describer(d)
    slot = d.flag_names.index(flag)
    assert words.in_sentence(words.flag_state(slot, True)) == on
    assert words.in_sentence(words.flag_state(slot, False)) == off
