"""Offers in the after-action report: a scripted game of the offers test deck, pinned as a
golden Markdown report (every fate an offer can meet), each seat's report without the
secret offers it was not party to, and targeted plays named as people say them.

Regenerate the golden file with WARGAME_UPDATE_GOLDEN=1 and read the diff before committing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from wargame.analysis.rollout import Checkpoints
from wargame.analysis.turning import analyse
from wargame.analysis.whatif import what_if
from wargame.deck.compile import CompiledDeck
from wargame.deck.labels import answer_phrase, play_name
from wargame.deck.loader import load_deck_text
from wargame.report.data import build_report
from wargame.report.templates import render_report
from wargame.saves.format import SaveModel

GOLDEN = Path(__file__).resolve().parent / "offers-report.md"


def golden_offers_report(save: SaveModel) -> str:
    cp = Checkpoints(save)
    analysis = analyse(save, rollouts=40, seed=1, checkpoints=cp)
    # "What if Bravo had refused, or let the offer wait?"
    whatif = what_if(save, 6, "b", answers=True, games=40, seed=1, checkpoints=cp)
    return render_report(build_report(save, "facilitator", analysis, [whatif], cp), "markdown")


def test_offers_report_matches_the_golden_file(offers_save: SaveModel) -> None:
    text = golden_offers_report(offers_save)
    if os.environ.get("WARGAME_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(GOLDEN), "this run"))
        raise AssertionError(f"the offers report changed; if that is intended, regenerate with WARGAME_UPDATE_GOLDEN=1 and review the diff:\n{diff}")


def test_the_offers_section_tells_each_offers_fate(offers_save: SaveModel) -> None:
    data = build_report(offers_save)
    fates = [(o.made, o.maker, o.recipient, o.status, o.outcome) for o in data.offers]
    assert fates == [
        (1, "Alpha", "Charlie", "refused", "refused in turn 2"),
        (1, "Charlie", "Alpha", "accepted", "accepted in turn 2"),
        (2, "Alpha", "Bravo", "expired", "expired unanswered at the end of turn 4"),
        (3, "Charlie", "Alpha", "expired", "expired unanswered at the end of turn 4"),
        (5, "Alpha", "Bravo", "accepted", "accepted in turn 6"),
        # Made in the last turn: its deadline lies past the game, so it goes unsaid.
        (6, "Charlie", "Alpha", "unanswered", "unanswered when the game ended"),
    ]
    # The effects that followed, in plain words (the deck's accept/refuse/expire outcomes).
    assert [o.effects for o in data.offers] == [
        ("Tension +1",),
        ("Charlie's covert deals +1", "Alpha's covert deals +1"),
        ("Alpha's standing −1",),
        (),
        ("Tension −2",),
        (),
    ]
    assert [o.secret for o in data.offers] == [False, True, False, True, False, True]
    text = render_report(data, "markdown")
    assert "| Turn 2 | Alpha | Bravo | Offer talks to Bravo | expired unanswered at the end of turn 4 | Alpha's standing −1 |" in text
    # Answers cost no order and carry no escalation of their own: the table says so.
    assert all(v == 0 for vs in data.escalation.values() for v in vs)
    assert "Answering an offer scores 0" in text
    # Each turn says which offers waited for an answer when it began.
    assert [entry.waiting for entry in data.timeline][2:4] == [
        ("Alpha's offer to Bravo (Offer talks to Bravo), answer due by turn 4",),
        ("Alpha's offer to Bravo (Offer talks to Bravo), answer due by turn 4",
         "Charlie's secret offer to Alpha (Backchannel deal with Alpha), answer due by turn 4"),
    ]
    assert data.timeline[0].waiting == () and data.timeline[4].waiting == ()


def test_a_seat_report_holds_only_the_offers_it_was_party_to(offers_save: SaveModel) -> None:
    for seat, secret_expected in {"a": True, "b": False, "c": True}.items():
        data = build_report(offers_save, seat)
        assert any(o.secret for o in data.offers) == secret_expected, seat
        texts = [render_report(data, "markdown"), render_report(data, "html")]
        if not secret_expected:
            assert all("Backchannel" not in w for entry in data.timeline for w in entry.waiting)
            for text in texts:
                assert "Backchannel" not in text and "Covert deals" not in text and "covert deals" not in text
                assert "Charlie's deal" not in text
    public = build_report(offers_save, "public")
    assert [o.maker for o in public.offers] == ["Alpha", "Alpha", "Alpha"]
    assert all("Backchannel" not in m.text for m in public.moments)


def test_a_deck_without_offers_has_no_offers_section(decks: dict[str, CompiledDeck]) -> None:
    korea = decks["korea-2022"]
    from report_helpers import seeded_save

    data = build_report(seeded_save(korea, seats={a: "random" for a in korea.actors}))  # korea-2022 has no offers
    assert data.offers == () and not data.deck_offers
    assert "## Offers" not in render_report(data, "markdown") and "<h2 id=\"offers\">" not in render_report(data, "html")
    assert "Answering an offer" not in render_report(data, "markdown")


def test_key_moments_name_answers_and_expiries(offers_save: SaveModel) -> None:
    data = build_report(offers_save)
    offers = [(m.turn, m.text) for m in data.moments if m.kind == "offer"]
    assert (6, "Bravo accepts Alpha's offer (Offer talks to Bravo), made in turn 5") in offers
    assert (2, "Charlie refuses Alpha's offer (Offer talks to Charlie), made in turn 1") in offers
    assert (4, "Alpha's offer to Bravo (Offer talks to Bravo) expires unanswered") in offers
    ending = next(m for m in data.moments if m.kind == "ending")
    assert ending.text == "The game ends: Calm, brought about by Bravo's acceptance of Alpha's offer (Offer talks to Bravo)."


def test_targeted_plays_read_as_move_and_target(offers_deck: CompiledDeck) -> None:
    # A targeted move whose name does not say its target: the loader names it
    # "Sanction (Bravo)"; a timeline says "Sanction → Bravo".
    source = offers_deck.source.replace('name = "Warn {target}"', 'name = "Sanction"')
    source = source.replace('news = "Alpha warns {target} (standing {target.standing})."', 'news = ""')
    deck = load_deck_text(source, "offers-sanction.toml")
    move = deck.moves[deck.move_index["warn@b"]]
    assert move.name == "Sanction (Bravo)" and play_name(deck, move) == "Sanction → Bravo"
    assert play_name(offers_deck, offers_deck.moves[offers_deck.move_index["warn@b"]]) == "Warn Bravo"
    accept = offers_deck.moves[offers_deck.move_index["talks@b/accept"]]
    assert play_name(offers_deck, accept) == accept.name
    assert answer_phrase(offers_deck, accept) == "Bravo's acceptance of Alpha's offer (Offer talks to Bravo)"
    from wargame.engine.game import Game
    from wargame.saves.store import new_save

    game = Game(deck, 1)
    for orders in ({"a": ["warn@b"], "b": [], "c": []}, {"a": [], "b": [], "c": []}):
        for actor, given in orders.items():
            game.submit(actor, given)
        game.resolve()
    data = build_report(new_save(game, dict.fromkeys(deck.actors, "human")))
    alpha = next(r for r in data.timeline[0].orders if r.actor == "a")
    assert alpha.moves == ("Sanction → Bravo",)


def test_a_revealed_secret_offer_keeps_its_fate_to_those_it_was_made_among(offers_deck: CompiledDeck) -> None:
    # The facilitator reveals Charlie's secret offer; Alpha lets it expire. Bravo now
    # knows the offer was made, but its expiry went only to Alpha and Charlie: Bravo's
    # report must not say "expired" (nor guess anything else).
    from wargame.engine.game import Game
    from wargame.saves.store import new_save

    game = Game(offers_deck, 5)
    for turn, orders in enumerate(({"a": [], "b": [], "c": ["backchannel@a"]}, {"a": [], "b": [], "c": []}, {"a": [], "b": [], "c": []}), 1):
        for actor, given in orders.items():
            game.submit(actor, given)
        if turn == 2:
            game.fire_inject(text="A leak.", effects=["reveal('backchannel@a')"])
        game.resolve()
    save = new_save(game, dict.fromkeys(offers_deck.actors, "human"))
    bravo = build_report(save, "b")
    assert [(o.name, o.status, o.outcome, o.effects) for o in bravo.offers] == [
        ("Backchannel deal with Alpha (secret)", "unknown", "what became of it did not come to light", ())
    ]
    assert not [m for m in bravo.moments if m.kind == "offer"]
    assert all(entry.waiting == () for entry in bravo.timeline)
    alpha = build_report(save, "a")
    assert [(o.status, o.outcome) for o in alpha.offers] == [("expired", "expired unanswered at the end of turn 2")]
