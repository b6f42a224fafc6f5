"""A property: nothing the terminal UI shows Bravo about targeted moves and offers holds
the secret offer Charlie may make Alpha (its name, its answers, its expiry), however the
game goes. Each surface is rendered as the screens render it, from Bravo's read model."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.content import Content
from tui_helpers import ROOT

from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.play.readmodel import ReadModel
from wargame.play.sheet import offers_to_answer, order_label, order_sheet, own_offers_waiting
from wargame.tui.render import (
    move_detail,
    news_block,
    offer_detail,
    offer_prompt,
    offers_block,
    private_block,
    report_block,
    sheet_prompt,
    target_prompt,
)

DECK = load_deck(ROOT / "tests" / "decks_format" / "offers.toml")
SECRET = ("Backchannel", "backchannel", "Charlie's deal", "Charlie's offer", "Covert")


def bravo_sees(game: Game) -> str:
    """Every new surface of Bravo's screens, as plain text."""
    read = ReadModel.now(game, "b")
    parts: list[Content] = []
    choices = read.moves()
    words = {c.move.id: read.move_words(c.move) for c in choices}
    for line in order_sheet(choices):
        assert all(c.move.answer is None for c in line.choices)  # answers are never moves
        parts.append(sheet_prompt(line, [], DECK))
        for c in line.choices:
            if line.targeted:
                parts.append(target_prompt(c, False, DECK))  # the picker
            parts += [move_detail(c, DECK, words[c.move.id]), Content(order_label(c.move, DECK))]
    for offer in offers_to_answer(read):
        parts += [offer_prompt(offer, None), offer_prompt(offer, "accept"), offer_detail(offer)]
    parts.append(offers_block(own_offers_waiting(read), DECK, "b"))
    parts.append(offers_block(read.offers(), DECK, "b"))  # the dashboard's and the results'
    parts.append(news_block(read.news(), DECK, show_audience=True))  # the dashboard's log
    if read.resolved:
        parts.append(report_block(read.turn_report(read.resolved), DECK, show_audience=True))
        parts.append(private_block(read.private_report(read.resolved), DECK))
    return "\n".join(p.plain for p in parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**16), data=st.data())
def test_bravo_never_sees_the_secret_offer(seed: int, data: st.DataObject) -> None:
    game = Game(DECK, seed)
    made_secret = False
    while not game.is_over:
        for actor in DECK.actors:
            legal = [m.id for m in game.available_moves(actor)]
            plain = [m for m in legal if "/" not in m]
            answers = [m for m in legal if "/" in m]
            orders = data.draw(st.lists(st.sampled_from(plain), max_size=1)) if plain else []
            by_offer: dict[str, list[str]] = {}
            for m in answers:
                by_offer.setdefault(m.rsplit("/", 1)[0], []).append(m)
            for options in by_offer.values():
                orders += data.draw(st.lists(st.sampled_from(options), max_size=1))
            made_secret |= "backchannel@a" in orders
            game.submit(actor, orders)
        game.resolve()
        text = bravo_sees(game)
        for word in SECRET:
            assert word not in text, f"{word!r} reached Bravo:\n{text}"
    if made_secret:
        # The property is not empty: the secret offer was made and Alpha heard of it.
        assert any(o.name.startswith("Backchannel") for o in ReadModel.now(game, "a").offers())
