"""The facilitator's injects before the first orders: fired during the briefing, they join
the opening (turn 0), are recorded in the save with it, and replay and `--verify` play
them again; a game that never fires one keeps its state hashes and its save's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wargame.cli import cli
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.engine.state import Inject
from wargame.errors import SaveError, WargameError
from wargame.observe.build import observe
from wargame.play.commands import Inject as InjectCommand
from wargame.play.commands import Orders, RemoveInject
from wargame.play.control import Session
from wargame.saves.store import new_save, parse_save, read_save, replay, update_save, verify

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tutorial() -> CompiledDeck:
    return load_deck(ROOT / "decks" / "tutorial.toml")


@pytest.fixture(scope="module")
def opening_deck() -> CompiledDeck:
    return load_deck(ROOT / "tests" / "decks_format" / "opening.toml")


def test_an_opening_inject_is_replayed_from_the_recorded_inputs(opening_deck: CompiledDeck) -> None:
    live = Game(opening_deck, 11)
    before = live.state.digest()
    tension = opening_deck.slot_names.index("outage")
    start = live.state.v[tension]
    live.fire_opening_inject(text="A storm closes the harbour.", effects=["outage += 1"])
    assert live.state.v[tension] == start + 1 and live.start_values[tension] == start + 1
    assert live.opening is not None and live.opening.state_hash != before
    assert [n.text for n in live.opening.news if n.kind == "inject"] == ["A storm closes the harbour."]
    again = Game(opening_deck, 11, opening_injects=live.opening_injects)
    assert again.opening is not None
    assert again.opening.state_hash == live.opening.state_hash
    assert [n.text for n in again.news] == [n.text for n in live.news]
    assert again.opening.rolls == live.opening.rolls and again.opening.changes == live.opening.changes


def test_a_deck_without_an_opening_gets_one_from_an_inject(tutorial: CompiledDeck) -> None:
    plain = Game(tutorial, 5)
    assert plain.opening is None
    plain.fire_opening_inject(event="fishing-incident")
    assert plain.opening is not None and plain.opening.fired == ["fishing-incident"]
    assert Game(tutorial, 5, opening_injects=plain.opening_injects).state.digest() == plain.state.digest()


def test_the_opening_closes_with_the_first_orders(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 5)
    game.submit("red", [])
    with pytest.raises(WargameError, match="orders are sealed for week 1: the opening is over"):
        game.fire_opening_inject(text="Too late")
    assert game.in_opening(retakable=["red"]) and not game.in_opening()
    game.submit("blue", [])
    game.resolve()
    with pytest.raises(WargameError, match="the opening is over: an inject now fires when the week resolves"):
        game.fire_opening_inject(text="Too late")


def test_a_bad_recorded_opening_inject_is_one_clear_error(tutorial: CompiledDeck) -> None:
    with pytest.raises(WargameError, match="unknown event 'nope'"):
        Game(tutorial, 5, opening_injects=[Inject(event="nope")])
    save = new_save(Game(tutorial, 5), {"red": "human", "blue": "human"})
    raw = json.loads(save.model_dump_json())
    raw["opening_injects"] = [{"event": "nope"}]
    hostile = parse_save(json.dumps(raw).encode(), "hostile.json")
    with pytest.raises(SaveError, match="an inject before the first orders cannot be replayed: unknown event 'nope'"):
        replay(hostile)
    found = verify(hostile)
    assert not found.ok and found.field == "opening_injects" and "unknown event 'nope'" in found.detail


def test_the_facilitator_fires_before_the_first_orders_and_the_save_verifies(tutorial: CompiledDeck, tmp_path: Path) -> None:
    session = Session.new(tutorial, {"red": "human", "blue": "doctrine:broker"}, seed=21, facilitator=True,
                          facilitator_pin="secret1", save_dir=tmp_path)
    session.run_bots()
    assert "blue" in session.game.orders  # the computer sealed at once
    assert session.observe("facilitator").control.in_opening  # type: ignore[union-attr]
    reply = session.apply("facilitator", InjectCommand(text="A storm closes the harbour.", effects=["tension += 2"], opening=True))
    assert reply.ok, reply.message
    assert "blue" not in session.game.orders  # taken back: it decides on the new opening
    for who in ("red", "blue", "facilitator"):
        opening = session.observe(who).opening
        assert opening is not None and any(n.text == "A storm closes the harbour." for n in opening.news)
    session.run_bots()
    assert "blue" in session.game.orders
    assert session.apply("red", Orders(turn=1, orders=[])).ok
    # A team has sealed: the opening is over for injects.
    refused = session.apply("facilitator", InjectCommand(text="Late", opening=True))
    assert not refused.ok and "the opening is over" in refused.message
    session.resolve()
    assert session.save_path is not None
    saved = read_save(session.save_path)
    assert [i.text for i in saved.opening_injects] == ["A storm closes the harbour."]
    checked = verify(saved)
    assert checked.ok, checked.detail
    replayed = replay(saved)
    assert replayed.state.digest() == session.game.state.digest()
    assert replayed.opening is not None and replayed.opening.injects == tuple(session.game.opening_injects)


def test_a_game_without_opening_injects_keeps_its_save_shape(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 3)
    text = new_save(game, {"red": "human", "blue": "human"}).model_dump_json()
    assert "opening_injects" not in text
    assert observe(game, "facilitator").opening is None


# -- withdrawing an inject from the opening ---------------------------------------------
def test_withdrawing_an_opening_inject_plays_the_opening_again_without_it(opening_deck: CompiledDeck) -> None:
    live = Game(opening_deck, 11)
    outage = opening_deck.slot_names.index("outage")
    live.fire_opening_inject(text="A second substation fails.", effects=["outage += 1"])
    live.fire_opening_inject(text="Crews arrive from the next state.", effects=["outage -= 2"])
    taken = live.withdraw_opening_inject(0)
    assert taken.text == "A second substation fails."
    assert [i.text for i in live.opening_injects] == ["Crews arrive from the next state."]
    # The game is the one its recorded inputs (the inject left) make.
    again = Game(opening_deck, 11, opening_injects=live.opening_injects)
    assert live.state.digest() == again.state.digest() and live.start_values == again.start_values
    assert live.opening is not None and again.opening is not None and live.opening.state_hash == again.opening.state_hash
    assert [n.text for n in live.news] == [n.text for n in again.news]
    assert live.opening.rolls == again.opening.rolls and live.opening.changes == again.opening.changes
    assert live.state.v[outage] == Game(opening_deck, 11).state.v[outage] - 2


def test_withdrawing_the_only_inject_gives_back_the_game_that_never_had_one(tutorial: CompiledDeck) -> None:
    plain = Game(tutorial, 5)
    game = Game(tutorial, 5)
    game.fire_opening_inject(event="fishing-incident")
    game.withdraw_opening_inject(0)
    assert game.opening is None and game.opening_injects == [] and game.news == []
    assert game.state.digest() == plain.state.digest() and game.start_values == plain.start_values
    save = new_save(plain, {"red": "human", "blue": "human"})
    assert update_save(save, game).model_dump_json() == update_save(save, plain).model_dump_json()  # byte for byte


def test_an_opening_inject_is_withdrawn_only_before_the_first_orders(tutorial: CompiledDeck) -> None:
    game = Game(tutorial, 5)
    game.fire_opening_inject(text="A storm.", effects=["tension += 1"])
    with pytest.raises(WargameError, match=r"no inject number 2 in the opening \(there are 1\)"):
        game.withdraw_opening_inject(1)
    game.submit("red", [])
    with pytest.raises(WargameError, match="orders are sealed for week 1: the opening is over and its injects stay"):
        game.withdraw_opening_inject(0)
    game.submit("blue", [])
    game.resolve()
    with pytest.raises(WargameError, match="^the opening is over and its injects stay$"):
        game.withdraw_opening_inject(0)
    assert len(game.opening_injects) == 1


def test_the_facilitator_withdraws_an_opening_inject_and_the_save_verifies(tutorial: CompiledDeck, tmp_path: Path) -> None:
    """Fired by mistake, withdrawn before any team sealed: the computer that sealed on the
    opening with it decides again, every seat reads the opening without it, the save drops
    it at once, and the finished game replays and verifies."""
    session = Session.new(tutorial, {"red": "human", "blue": "doctrine:broker"}, seed=21, facilitator=True,
                          facilitator_pin="secret1", save_dir=tmp_path)
    fire = session.apply("facilitator", InjectCommand(text="A storm closes the harbour.", effects=["tension += 2"], opening=True))
    assert fire.ok, fire.message
    assert session.apply("facilitator", InjectCommand(text="The wrong one.", effects=["flags.hotline = true"], opening=True)).ok
    session.run_bots()
    assert "blue" in session.game.orders  # sealed on the opening with the wrong inject
    assert session.save_path is not None
    assert [i.text for i in read_save(session.save_path).opening_injects] == ["A storm closes the harbour.", "The wrong one."]
    bot = session.bots["blue"]
    reply = session.apply("facilitator", RemoveInject(index=1, opening=True))
    assert reply.ok, reply.message
    assert "blue" not in session.game.orders and session.bots["blue"] is not bot  # it decides again
    assert [i.text for i in read_save(session.save_path).opening_injects] == ["A storm closes the harbour."]
    assert not session.game.state.f[tutorial.flag_names.index("hotline")]
    for who in ("red", "blue", "facilitator"):
        opening = session.observe(who).opening
        assert opening is not None and [n.text for n in opening.news] == ["A storm closes the harbour."], who
    assert any("Withdrawn from the opening: The wrong one." in n for n in session.notices)
    session.run_bots()
    assert session.apply("red", Orders(turn=1, orders=[])).ok
    refused = session.apply("facilitator", RemoveInject(index=0, opening=True))
    assert not refused.ok and refused.message == "Red sealed orders for week 1: the opening is over and its injects stay"
    session.resolve()
    saved = read_save(session.save_path)
    assert [i.text for i in saved.opening_injects] == ["A storm closes the harbour."]
    checked = verify(saved)
    assert checked.ok, checked.detail
    assert replay(saved).state.digest() == session.game.state.digest()
    refused = session.apply("facilitator", RemoveInject(index=0, opening=True))
    assert not refused.ok and refused.message == "the opening is over and its injects stay"
    # The commands a debrief starts with read the save as it is now.
    verified = CliRunner().invoke(cli, ["replay", str(session.save_path), "--verify"], catch_exceptions=False)
    assert verified.exit_code == 0 and verified.stdout.startswith(f"{session.save_path}: ok: all "), verified.output
    text = CliRunner().invoke(cli, ["replay", str(session.save_path), "--text", "--pin", "secret1"], catch_exceptions=False)
    assert text.exit_code == 0, text.output
    assert "A storm closes the harbour." in text.stdout and "The wrong one." not in text.stdout
