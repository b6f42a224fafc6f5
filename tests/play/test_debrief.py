"""The debrief of a saved game: every roll explains itself, and a seat's perspective never
shows what that seat did not know then (nor, with hindsight, what it never learned)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.content import Content

from tests.conftest import DECK_NAMES
from wargame.analysis.simulate import play_game
from wargame.deck.compile import CompiledDeck
from wargame.deck.expr import compile_expr
from wargame.engine.game import Game
from wargame.observe.visibility import FACILITATOR_VIEWER, PUBLIC, Viewer
from wargame.play.debrief import Debrief
from wargame.play.timeline import SavedGame
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save
from wargame.tui.replay_render import turn_block


def _saved(deck: CompiledDeck, draw: Any, drive: Callable[..., Any], seed: int, facilitator: bool) -> SavedGame:
    game = Game(deck, seed)
    while not game.is_over:
        drive(game, draw, facilitator)
    return SavedGame(new_save(game, dict.fromkeys(deck.actors, "random"), facilitator=facilitator))


def _plain(content: Content) -> str:
    return content.plain


@settings(max_examples=12, deadline=None)
@given(data=st.data(), name=st.sampled_from(DECK_NAMES), seed=st.integers(0, 10_000), facilitator=st.booleans())
def test_every_roll_explains_itself(decks: dict[str, CompiledDeck], drive: Callable[..., Any], data: st.DataObject, name: str, seed: int, facilitator: bool) -> None:
    deck = decks[name]
    saved = _saved(deck, data.draw, drive, seed, facilitator)
    debrief = Debrief(saved)
    for turn in range(1, saved.turns_played + 1):
        rec = saved.record(turn)
        explained = debrief.turn(FACILITATOR_VIEWER, turn).rolls
        # The facilitator sees every roll, with the chance and draw the record holds.
        assert [(r.chance, r.roll, r.success, r.forced) for r in explained] == [(r.chance, r.roll, r.success, r.forced) for r in rec.rolls]
        for (roll, state), shown in zip(saved.roll_states(turn), explained, strict=True):
            if roll.kind != "move":
                continue
            move = deck.moves[deck.move_index[roll.key]]
            if move.chance is None:
                assert shown.source.startswith("fixed ")
                continue
            # The state kept for the roll is the one its chance was computed on...
            p = float(move.chance(state))
            assert min(1.0, max(0.0, p)) == roll.chance
            # ...and every value shown is that expression's leaf, evaluated on it.
            assert shown.source == move.chance_source
            for read in shown.reads:
                value = compile_expr(read.text, deck.scope, "num")(state)
                assert read.value is not None
                expected = ("yes" if value else "no") if isinstance(value, bool) else read.value
                assert read.value == expected


def _forbidden(saved: SavedGame, seat: str, turn: int, hindsight: bool) -> tuple[set[str], set[str]]:
    """(secret move names, news texts) a seat's debrief of `turn` must not show: others'
    secret plays up to that turn it did not know of after it (or, with hindsight, never
    learned), and news not addressed to it."""
    deck = saved.deck
    viewer = Viewer.seat(seat)
    known_then = {(p.turn, p.move) for p in saved.view(viewer, turn + 1).plays}
    known_end = {(p.turn, p.move) for p in saved.view(viewer, saved.turns_played + 1).plays}
    known = known_end if hindsight else known_then
    names: set[str] = set()
    for play in saved.game.plays:
        if play.turn <= turn and play.secret and (play.turn, play.move) not in known:
            names.add(deck.moves[deck.move_index[play.move]].name)
    # A name the seat could legitimately read elsewhere (its own moves, a public move or a
    # play it knows of) is not evidence of a leak.
    allowed = {m.name for m in deck.moves if not m.secret or m.actor == seat}
    allowed |= {deck.moves[deck.move_index[m]].name for _t, m in known}
    seen_news = {n.text for n in saved.view(viewer, saved.turns_played + 1).news}
    hidden_news = {n.text for n in saved.game.news if n.turn <= turn and n.text not in seen_news}
    return names - allowed, hidden_news


@settings(max_examples=15, deadline=None)
@given(data=st.data(), name=st.sampled_from(DECK_NAMES), seed=st.integers(0, 10_000), facilitator=st.booleans(), hindsight=st.booleans())
def test_a_seat_perspective_never_shows_what_the_seat_did_not_know(
    decks: dict[str, CompiledDeck], drive: Callable[..., Any], data: st.DataObject, name: str, seed: int, facilitator: bool, hindsight: bool
) -> None:
    deck = decks[name]
    saved = _saved(deck, data.draw, drive, seed, facilitator)
    debrief = Debrief(saved)
    for seat in deck.actors:
        viewer = Viewer.seat(seat)
        hidden_slots = {slot for slot, owner in deck.secret_slots.items() if owner != seat}
        for turn in range(1, saved.turns_played + 1):
            d = debrief.turn(viewer, turn, hindsight=hindsight)
            text = _plain(turn_block(d, deck, show_audience=True))
            names, news = _forbidden(saved, seat, turn, hindsight)
            for secret in names:
                assert secret not in text, f"{seat} sees {secret!r} in {name} turn {turn}"
            for line in news:
                assert line not in text, f"{seat} sees news {line!r} in {name} turn {turn}"
            # Others' secret tracks: no value, before or after, and never in a roll's reads.
            for _group, deltas in d.tracks:
                for delta in deltas:
                    if deck.slot_names.index(delta.after.name) in hidden_slots:
                        assert delta.before.value is None and delta.after.value is None
            for roll in d.rolls:
                for read in roll.reads:
                    if any(read.text == deck.slot_names[s] for s in hidden_slots):
                        assert read.value is None and roll.chance is None and roll.roll is None
            # Other seats' sealed orders and the computers' reasons for them stay sealed.
            for orders in d.orders:
                assert orders.visible == (orders.actor == seat)
            if not hindsight:
                assert not d.learned_later
        # At the end a seat sees its own objectives as far as it knew, nobody's scores
        # (objectives may read secret tracks).
        final = debrief.final_scores(viewer)
        assert final.scores == ()
        assert [o.text for o in final.own] == [o.text for o in deck.objectives[seat]]
        assert final.own == tuple(saved.observe(viewer, saved.turns_played + 1).seat.objectives)  # type: ignore[union-attr]


@settings(max_examples=6, deadline=None)
@given(data=st.data(), name=st.sampled_from(DECK_NAMES), seed=st.integers(0, 10_000))
def test_the_public_sees_no_orders_and_no_secret_at_all(decks: dict[str, CompiledDeck], drive: Callable[..., Any], data: st.DataObject, name: str, seed: int) -> None:
    deck = decks[name]
    saved = _saved(deck, data.draw, drive, seed, True)
    debrief = Debrief(saved)
    for turn in range(1, saved.turns_played + 1):
        d = debrief.turn(PUBLIC, turn, hindsight=True)
        assert not any(o.visible for o in d.orders)
        assert not d.injects or all("[" not in i for i in d.injects)  # no inject effects
        for _group, deltas in d.tracks:
            for delta in deltas:
                if delta.after.secret:
                    assert delta.after.value is None
        text = _plain(turn_block(d, deck, show_audience=False))
        public_news = {n.text for n in saved.view(PUBLIC, saved.turns_played + 1).news}
        for n in saved.game.news:
            if n.turn <= turn and n.audience is not None and n.text not in public_news:
                assert n.text not in text


def test_later_reveals_are_marked_with_when_they_came_out(decks: dict[str, CompiledDeck]) -> None:
    deck = decks["tutorial"]
    secret = next(m for m in deck.moves if m.secret)
    other = next(a for a in deck.actors if a != secret.actor)
    game = Game(deck, 1)
    game.submit(secret.actor, [secret.id])
    game.submit(other, [])
    game.override(f"detect:{secret.id}", False)
    game.resolve()
    for actor in deck.actors:
        game.submit(actor, [])
    game.fire_inject(text="A leak.", effects=[f"reveal('{secret.id}')"])
    game.resolve()
    saved = SavedGame(new_save(game, dict.fromkeys(deck.actors, "random"), facilitator=True))
    debrief = Debrief(saved)
    then = debrief.turn(other, 1, hindsight=False)
    later = debrief.turn(other, 1, hindsight=True)
    assert secret.name not in turn_block(then, deck, show_audience=True).plain
    assert later.learned_later == [f"{deck.actor_name(secret.actor)} played {secret.name} (revealed in {deck.turn_name} 2)"]
    # The facilitator knew all along: nothing is "learned later".
    assert not debrief.turn(FACILITATOR_VIEWER, 1, hindsight=True).learned_later
    # The inject's effects are the facilitator's; a seat reads its news only.
    assert debrief.turn(FACILITATOR_VIEWER, 2).injects == [f"A leak.  [reveal('{secret.id}')]"]
    assert debrief.turn(other, 2).injects == ["A leak."]


def test_each_turn_says_which_offers_were_made_answered_expired_and_waiting(offers_save: SaveModel) -> None:
    debrief = Debrief(SavedGame(offers_save))
    facilitator = [debrief.turn(FACILITATOR_VIEWER, t) for t in range(1, 7)]
    assert [(n.what, n.offer.move) for n in facilitator[1].offers] == [
        ("refused", "talks@c"), ("accepted", "backchannel@a"), ("made", "talks@b")
    ]
    assert [n.text for n in facilitator[3].offers] == [
        "Alpha's offer to Bravo expires unanswered: Offer talks to Bravo",
        "Charlie's offer to Alpha expires unanswered: Backchannel deal with Alpha",
    ]
    assert [n.text for n in facilitator[5].waiting] == ["Alpha's offer to Bravo waits for an answer (until turn 7): Offer talks to Bravo"]
    assert facilitator[5].offers[0].text == "Bravo accepts Alpha's offer: Offer talks to Bravo"
    assert facilitator[0].offers[0].text == "Alpha offers Charlie: Offer talks to Charlie (an answer is due by turn 3)"
    # Bravo and the public never hear of Charlie's secret deal with Alpha; Alpha does.
    for who in ("b", PUBLIC):
        for t in range(1, 7):
            turn = debrief.turn(who, t)
            assert all(not n.offer.secret and "Backchannel" not in n.text for n in [*turn.offers, *turn.waiting]), (who, t)
    alpha = debrief.turn("a", 2)
    assert ("accepted", "backchannel@a") in [(n.what, n.offer.move) for n in alpha.offers]


@settings(max_examples=15, deadline=None)
@given(data=st.data(), seed=st.integers(0, 10_000))
def test_no_turn_shows_a_seat_an_offer_it_was_not_party_to(offers_deck: CompiledDeck, drive: Callable[..., Any], data: st.DataObject, seed: int) -> None:
    saved = _saved(offers_deck, data.draw, drive, seed, False)
    debrief = Debrief(saved)
    for t in range(1, saved.turns_played + 1):
        for who in debrief.viewers():
            turn = debrief.turn(who, t, hindsight=True)
            known = {(p.turn, p.move) for p in saved.view(who, t + 1).plays}
            for note in [*turn.offers, *turn.waiting]:
                # Every offer shown is one whose making the viewer knows of.
                assert (note.offer.made, note.offer.move) in known, (who, t, note)
                if note.offer.secret and not who.is_facilitator:
                    assert who.actor in {"a", "c"}


def _solo(deck: CompiledDeck) -> SavedGame:
    """A solo game: Red played by a person, Blue by a doctrine whose reasons are recorded
    with their arithmetic (Red's orders stand in for the person's, who gave no reasons)."""
    game = play_game(deck, 3, {"red": "doctrine:bully", "blue": "doctrine:broker"})
    for record in game.records:
        record.reasons.pop("red", None)
    return SavedGame(new_save(game, {"red": "human", "blue": "doctrine:broker"}))


def test_a_solo_debrief_opens_on_the_players_seat_and_words_reasons_for_it(decks: dict[str, CompiledDeck]) -> None:
    debrief = Debrief(_solo(decks["tutorial"]))
    assert debrief.opening_viewer() == Viewer.seat("red")
    seat_reasons = [r for t in range(1, debrief.saved.turns_played + 1) for s in debrief.turn("red", t).orders if s.actor == "blue" for _, _, r in s.orders]
    full_reasons = [r for t in range(1, debrief.saved.turns_played + 1) for s in debrief.turn(FACILITATOR_VIEWER, t).orders if s.actor == "blue" for _, _, r in s.orders]
    # The player reads the computer's reasons in plain sentences; the arithmetic stays the facilitator's.
    assert any(r for r in seat_reasons)
    assert not any("weight" in r or "`" in r or "share)" in r for r in seat_reasons)
    assert any("doctrine weight" in r for r in full_reasons)


def test_a_debrief_with_a_facilitator_or_several_players_opens_on_the_whole_picture(decks: dict[str, CompiledDeck]) -> None:
    deck = decks["tutorial"]
    game = play_game(deck, 3, dict.fromkeys(deck.actors, "random"))
    for seats, facilitator in [({"red": "human", "blue": "random"}, True), (dict.fromkeys(deck.actors, "human"), False), (dict.fromkeys(deck.actors, "random"), False)]:
        assert Debrief(SavedGame(new_save(game, seats, facilitator=facilitator))).opening_viewer() == FACILITATOR_VIEWER
