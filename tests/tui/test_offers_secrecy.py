"""A property: nothing the terminal UI shows Bravo about targeted moves and offers holds
the secret offer Charlie may make Alpha (its name, its answers, its expiry), however the
game goes. Each surface is rendered as the screens render it, from Bravo's observation."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.content import Content
from tui_helpers import ROOT

from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.observe.build import observe
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
from wargame.tui.sheet import offers_to_answer, order_sheet

DECK = load_deck(ROOT / "tests" / "decks_format" / "offers.toml")
SECRET = ("Backchannel", "backchannel", "Charlie's deal", "Charlie's offer", "Covert")


def bravo_sees(game: Game) -> str:
    """Every surface of Bravo's screens, as plain text, and Bravo's whole observation (what a
    joined Bravo is sent)."""
    obs = observe(game, "b")
    sheet = obs.seat
    assert sheet is not None
    parts: list[Content] = []
    for line in order_sheet(sheet.moves):
        assert all(c.answer is None for c in line.choices)  # answers are never moves
        parts.append(sheet_prompt(line, []))
        for c in line.choices:
            if line.targeted:
                parts.append(target_prompt(c, False))  # the picker
            parts += [move_detail(c), Content(c.label)]
    for offer in offers_to_answer(obs):
        parts += [offer_prompt(offer, None), offer_prompt(offer, "accept"), offer_detail(offer)]
    unit = obs.game.turn_name
    parts.append(offers_block(sheet.my_offers_waiting, unit))
    parts.append(offers_block(obs.offers, unit))  # the dashboard's and the results'
    parts.append(news_block(obs.news, obs, show_audience=True))  # the dashboard's log
    if obs.game.resolved:
        parts.append(report_block(obs.turns[-1], obs, show_audience=True))
        if sheet.private is not None:
            parts.append(private_block(sheet.private, obs))
    whole = obs.model_dump_json()
    for word in SECRET[:4]:  # the offer's words; a secret track's label is the deck's, not a secret
        assert word not in whole, f"{word!r} reached Bravo's observation"
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
        assert any(o.name.startswith("Backchannel") for o in observe(game, "a").offers)
