"""Unit tests of the expansion of targeted moves and offers (`wargame.deck.targets`):
ids, names, the `target.` rewrite, group ids in played/count/since/ordered/revealed,
doctrine weights per target, and no change at all to a deck without targets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck, load_deck_text
from wargame.deck.schema import Deck
from wargame.deck.targets import expand, fill_target, rewrite
from wargame.engine.game import Game

ROOT = Path(__file__).resolve().parents[2]
DECK_PATH = ROOT / "tests" / "decks_format" / "offers.toml"


@pytest.fixture(scope="module")
def deck() -> CompiledDeck:
    return load_deck(DECK_PATH)


def test_ids_names_bases_and_targets(deck: CompiledDeck) -> None:
    by_id = {m.id: m for m in deck.moves}
    assert by_id["warn@b"].name == "Warn Bravo"
    assert (by_id["warn@b"].base, by_id["warn@b"].target, by_id["warn@b"].answer) == ("warn", "b", None)
    assert by_id["talks@c"].name == "Offer talks to Charlie"
    accept = by_id["talks@c/accept"]
    assert (accept.actor, accept.base, accept.target, accept.answer) == ("c", "talks", "c", "accept")
    assert accept.name == "Accept Alpha's offer (Offer talks to Charlie)"
    assert by_id["talks@c/refuse"].name == "Refuse Alpha's offer (Offer talks to Charlie)"
    assert by_id["wait"].base == "wait" and by_id["wait"].target is None and by_id["wait"].gate is None
    # The offer and its two answers share the offer's slot.
    offer = deck.offers[deck.moves[deck.move_index["talks@c"]].gate or 0]
    assert (offer.maker, offer.recipient, offer.expires) == ("a", "c", 2)
    assert {deck.moves[offer.accept].id, deck.moves[offer.refuse].id} == {"talks@c/accept", "talks@c/refuse"}


def test_accept_and_refuse_names_fill_the_target() -> None:
    text = DECK_PATH.read_text(encoding="utf-8").replace(
        "expires = 2", 'expires = 2\naccept_name = "Sit down with Alpha ({target})"\nrefuse_name = "Turn Alpha away"'
    )
    d = load_deck_text(text, "offers.toml")
    assert d.moves[d.move_index["talks@b/accept"]].name == "Sit down with Alpha (Bravo)"
    assert d.moves[d.move_index["talks@b/refuse"]].name == "Turn Alpha away"


def test_a_name_without_target_gets_the_target_in_brackets() -> None:
    text = DECK_PATH.read_text(encoding="utf-8").replace('name = "Warn {target}"', 'name = "Warn"')
    d = load_deck_text(text, "offers.toml")
    assert d.moves[d.move_index["warn@c"]].name == "Warn (Charlie)"


def test_target_is_rewritten_in_expressions_and_texts(deck: CompiledDeck) -> None:
    model = {m.id: m for m in deck.model.moves}
    assert model["warn@c"].requires == "c.standing > 1"
    assert model["warn@c"].success.effects == ["c.standing -= 1", "tension += 1"]
    assert model["warn@c"].success.news == "Alpha warns Charlie (standing {c.standing})."
    assert model["talks@b/accept"].success.news == "Bravo accepts talks."


def test_the_rewrite_leaves_other_names_alone() -> None:
    assert rewrite("target.standing + standing > 1", "cn", {})[0] == "cn.standing + standing > 1"
    assert rewrite("tension > 1", "cn", {}) == ("tension > 1", "")  # nothing to rewrite: as written
    assert fill_target("{target} and {target.x} and {{target}}", "cn", "China {x}", template=True) == (
        "China {{x}} and {cn.x} and {{target}}"
    )


GROUPS = {"sanction": ["sanction@cn", "sanction@kp"], "talks/accept": ["talks@kp/accept"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("played('sanction')", "played('sanction@cn') or played('sanction@kp')"),
        ("ordered('sanction')", "ordered('sanction@cn') or ordered('sanction@kp')"),
        ("revealed('sanction')", "revealed('sanction@cn') or revealed('sanction@kp')"),
        ("count('sanction') >= 2", "count('sanction@cn') + count('sanction@kp') >= 2"),
        ("succeeded('sanction')", "succeeded('sanction@cn') + succeeded('sanction@kp')"),
        ("since('sanction') <= 1", "min(since('sanction@cn'), since('sanction@kp')) <= 1"),
        ("played('talks/accept')", "played('talks@kp/accept')"),
        ("played('sanction@cn')", "played('sanction@cn')"),
        ("played('other')", "played('other')"),
    ],
)
def test_group_ids_stand_for_every_target(text: str, expected: str) -> None:
    assert rewrite(text, None, GROUPS) == (expected, "")


def test_reveal_of_a_group_needs_a_target_but_one_target_is_fine() -> None:
    _, problem = rewrite("reveal('sanction')", None, GROUPS, "exec")
    assert "needs its target, e.g. reveal('sanction@cn')" in problem
    assert rewrite("reveal('talks/accept')", None, GROUPS, "exec") == ("reveal('talks@kp/accept')", "")


def test_group_ids_behave_in_play(deck: CompiledDeck) -> None:
    """`played('talks/accept')` in the deck's ending holds after either target accepts."""
    game = Game(deck, 5)
    for actor, orders in {"a": ["talks@c"], "b": [], "c": []}.items():
        game.submit(actor, orders)
    game.resolve()
    for actor, orders in {"a": [], "b": [], "c": ["talks@c/accept"]}.items():
        game.submit(actor, orders)
    rec = game.resolve()
    assert rec.ending == "calm"


def test_doctrine_weights_per_target_and_answers_only_for_the_recipient(deck: CompiledDeck) -> None:
    model = deck.model.actors
    assert model["a"].doctrines["talker"].weights == {"talks@b": 3, "talks@c": 3, "warn@b": 1, "warn@c": 1}
    # Bravo's answer weights apply to Bravo's own answers only, not to Charlie's.
    assert model["b"].doctrines["open"].weights == {"talks@b/accept": 3, "talks@b/refuse": 1}
    assert deck.expansion is not None
    assert deck.expansion.weight_keys["talks@b/accept"] == "talks/accept"


def test_a_weight_expression_reads_each_target() -> None:
    text = DECK_PATH.read_text(encoding="utf-8").replace(
        "weights = { talks = 3, warn = 1 }", 'weights = { talks = 3, warn = "target.standing" }'
    )
    d = load_deck_text(text, "offers.toml")
    weights = d.model.actors["a"].doctrines["talker"].weights
    assert (weights["warn@b"], weights["warn@c"]) == ("b.standing", "c.standing")


def test_source_paths_lead_back_to_the_author(deck: CompiledDeck) -> None:
    ids = [m.id for m in deck.moves]
    at = ids.index
    assert deck.source_path(("moves", at("warn@c"), "requires")) == ("moves", 0, "requires")
    assert deck.source_path(("moves", at("talks@c/accept"), "success", "effects", 0)) == ("moves", 1, "offer", "accept", "effects", 0)
    assert deck.source_path(("moves", at("talks@c/refuse"), "name")) == ("moves", 1, "offer", "refuse_name")
    assert deck.source_path(("moves", at("wait"), "requires")) == ("moves", 3, "requires")
    assert deck.source_path(("actors", "a", "doctrines", "talker", "weights", "warn@c")) == (
        "actors", "a", "doctrines", "talker", "weights", "warn")


WITHOUT_TARGETS = [p for p in sorted((ROOT / "decks").glob("*.toml")) if "targets =" not in p.read_text(encoding="utf-8")]


def test_the_decks_without_targets_are_the_ones_played_before_targets_existed() -> None:
    # The tutorial has a targeted move and an offer since it teaches them (issue 20).
    assert {p.stem for p in WITHOUT_TARGETS} == {"korea-2022"}


@pytest.mark.parametrize("path", WITHOUT_TARGETS, ids=lambda p: p.stem)
def test_a_deck_without_targets_is_not_changed_at_all(path: Path) -> None:
    """A deck with no targets or offers (korea-2022) comes back from the
    expansion as the very same object, so its compiled expressions, hashes and saves are
    as before targets existed."""
    d = load_deck(path)
    original = Deck.model_validate(__import__("tomli").loads(path.read_text(encoding="utf-8")))
    expansion = expand(original)
    assert expansion.deck is original
    assert expansion.problems == []
    assert d.expansion is None and d.offers == []
    assert d.written_moves == len(d.moves)
    assert all(m.base == m.id and m.target is None and m.gate is None for m in d.moves)
