"""Branches side by side: a save's family in its folder as a tree, where two games split,
and their comparison from the split, which shows a seat nothing of either game that the
seat's own replay of that game does not show it."""

from __future__ import annotations

from pathlib import Path

import pytest
from branch_helpers import family_folder, parent_save, played_branch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame.deck.compile import CompiledDeck
from wargame.errors import WargameError
from wargame.play.branches import compare, family, split_turn
from wargame.play.debrief import Debrief
from wargame.play.timeline import SavedGame
from wargame.report.compare import comparison_html, comparison_markdown
from wargame.saves.store import read_save


def _tree(tree: object) -> list[tuple[int, str]]:
    return [(depth, node.path.name if node.path else f"<{node.save_id}>") for depth, node in tree.walk()]  # type: ignore[attr-defined]


def test_a_saves_family_is_its_ancestors_branches_as_a_tree(tmp_path: Path, tutorial: CompiledDeck) -> None:
    paths = family_folder(tmp_path, tutorial)
    tree = family(paths["aa"])
    # Branches sorted by where they split; the unrelated game and the file that is no save are left out.
    assert _tree(tree) == [(0, "root.json"), (1, "b.json"), (1, "a.json"), (2, "aa.json")]
    assert tree.current == read_save(paths["aa"]).save_id
    nodes = {n.path.name: n for _d, n in tree.walk() if n.path}
    assert (nodes["a.json"].split, nodes["b.json"].split, nodes["aa.json"].split, nodes["root.json"].split) == (2, 1, 4, None)
    assert "split after week 2" in nodes["a.json"].label() and "ended (" in nodes["a.json"].label()
    # Seen from the parent, the same tree; a game with no branches is a tree of one.
    assert _tree(family(paths["root"])) == _tree(tree)
    assert _tree(family(paths["other"])) == [(0, "other.json")]


def test_branches_of_a_parent_not_in_the_folder_are_siblings(tmp_path: Path, tutorial: CompiledDeck) -> None:
    paths = family_folder(tmp_path, tutorial)
    root_id = read_save(paths["root"]).save_id
    paths["root"].unlink()
    tree = family(paths["b"])
    assert _tree(tree) == [(0, f"<{root_id}>"), (1, "b.json"), (1, "a.json"), (2, "aa.json")]
    assert "not in this folder" in tree.walk()[0][1].label()


def test_the_split_is_where_one_names_the_other_or_what_both_recorded(tutorial: CompiledDeck) -> None:
    root = parent_save(tutorial)
    a = played_branch(root, 2, {"red": "random", "blue": "doctrine:broker"})
    b = played_branch(root, 1, {"red": "doctrine:bully", "blue": "random"})
    aa = played_branch(a, 4, {"red": "random", "blue": "random"})
    assert split_turn(root, a) == split_turn(a, root) == 2
    assert split_turn(root, b) == 1
    assert split_turn(a, b) == 1  # siblings: the earlier of their splits
    assert split_turn(a, aa) == 4
    assert split_turn(root, aa) <= 4  # a branch of a branch: the turns both recorded alike
    with pytest.raises(WargameError, match="not branches of one game"):
        split_turn(root, parent_save(tutorial, seed=99))


def test_a_comparison_shows_both_games_turn_by_turn_from_the_split(tutorial: CompiledDeck) -> None:
    root = parent_save(tutorial)
    a = played_branch(root, 2, {"red": "random", "blue": "doctrine:broker"})
    ga, gb = SavedGame(root), SavedGame(a)
    c = compare(ga, gb, "facilitator")
    assert c.split == 2
    assert [t.turn for t in c.turns] == list(range(3, max(ga.turns_played, gb.turns_played) + 1))
    da, db = Debrief(ga), Debrief(gb)
    for t in c.turns:
        assert t.a == (da.turn("facilitator", t.turn) if t.turn <= ga.turns_played else None)
        assert t.b == (db.turn("facilitator", t.turn) if t.turn <= gb.turns_played else None)
    tension = next(p for p in c.tracks if p.name == "tension")
    assert tension.a[0] == tension.b[0] == ga.state_before(3).v[0]  # the value both games shared
    assert list(tension.a[: ga.turns_played - 1]) == da.history("facilitator", "tension")[2:]
    assert c.a.ending == (ga.game.ending.title if ga.game.ending else None)
    assert c.b.ending == (gb.game.ending.title if gb.game.ending else None)
    md = comparison_markdown(c)
    assert "They share weeks 1–2; play split from week 3." in md and "## Endings" in md
    html = comparison_html(c)
    assert html.count("<svg") == sum(1 for p in c.tracks if p.differs and not p.hidden)


def _said(debrief: Debrief, seat: str, turns: range) -> str:
    return "\n".join(repr(debrief.turn(seat, t)) for t in turns) + repr(debrief.final_scores(seat)) + repr(debrief.end(seat).game)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), at=st.integers(0, 3), seat=st.sampled_from(["red", "blue", "public"]))
def test_a_seats_comparison_shows_nothing_its_own_replays_do_not(tutorial: CompiledDeck, seed: int, at: int, seat: str) -> None:
    root = parent_save(tutorial, seed=seed)
    at = min(at, root.played - 1)
    other = played_branch(root, at, {"red": "random", "blue": "random"})
    ga, gb = SavedGame(root), SavedGame(other)
    c = compare(ga, gb, seat)
    da, db = Debrief(ga), Debrief(gb)
    # Each game's side is exactly that game's debrief for the seat: same orders, rolls, news.
    for t in c.turns:
        assert t.a == (da.turn(seat, t.turn) if t.turn <= ga.turns_played else None)
        assert t.b == (db.turn(seat, t.turn) if t.turn <= gb.turns_played else None)
    for p in c.tracks:
        ha, hb = da.history(seat, p.name), db.history(seat, p.name)
        assert [v for v in p.a if v is not None] == [v for v in ha[c.split:] if v is not None]
        assert [v for v in p.b if v is not None] == [v for v in hb[c.split:] if v is not None]
    assert c.a.scores == da.final_scores(seat) and c.b.scores == db.final_scores(seat)
    # And what is printed names no move the seat's own replays of the two games do not.
    own = _said(da, seat, range(1, ga.turns_played + 1)) + _said(db, seat, range(1, gb.turns_played + 1))
    printed = comparison_markdown(c) + comparison_html(c)
    for move in tutorial.moves:
        if move.name in printed:
            assert move.name in own, (seat, move.name)
    if seat != "blue":  # Blue's intelligence track is Blue's (and the facilitator's) alone
        intel = next(p for p in c.tracks if p.name == "blue.intel")
        assert intel.hidden and "Blue: Intelligence" not in printed
