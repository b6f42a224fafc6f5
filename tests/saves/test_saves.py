"""Saves: replay reproduces every turn, writes are atomic, bad files give clear errors.

A save is the game's log plus a state hash per turn; these tests play games, write and
read them back, then break them in the ways files get broken (truncated, corrupted,
hand-edited, from a newer wargame) and check what the reader says.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import DECK_NAMES
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.errors import SaveError
from wargame.saves import store
from wargame.saves.format import FORMAT_VERSION, SaveModel
from wargame.saves.store import (
    branch,
    latest_save,
    new_save,
    read_save,
    replay,
    resume,
    update_save,
    verify,
    write_save,
)

Drive = Callable[..., Any]

# Orders that make a fixed tutorial game: (red, blue) per week.
SCRIPT = [
    (["missile-test"], ["spy-op"]),
    (["patrol"], ["sanctions"]),
    (["talks-offer"], ["talks-offer-blue"]),
    (["missile-test"], []),
    ([], ["talks-offer-blue"]),
    (["patrol"], []),
]


def scripted_game(deck: CompiledDeck, seed: int = 11, turns: int | None = None) -> Game:
    game = Game(deck, seed)
    for red, blue in SCRIPT[:turns]:
        if game.is_over:
            break
        game.submit("red", red)
        game.submit("blue", blue)
        game.resolve()
    return game


@pytest.fixture
def saved(tutorial: CompiledDeck, tmp_path: Path) -> Path:
    game = scripted_game(tutorial)
    assert len(game.records) >= 4, "the script should last at least four weeks"
    return write_save(new_save(game, {"red": "random", "blue": "random"}), tmp_path / "game.json")


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("name", DECK_NAMES)
@given(seed=st.integers(0, 2**63 - 1), data=st.data())
def test_replay_reproduces_every_turn(decks: dict[str, CompiledDeck], drive: Drive, name: str, seed: int, data: st.DataObject) -> None:
    deck = decks[name]
    game = Game(deck, seed)
    while not game.is_over:
        drive(game, data.draw, True)
    save = new_save(game, {a: "random" for a in deck.actors}, facilitator=True)
    with tempfile.TemporaryDirectory() as folder:
        path = write_save(save, Path(folder) / "saves" / "game.json")
        loaded = read_save(path)
        assert os.listdir(path.parent) == ["game.json"]
    assert loaded == save
    result = verify(loaded)
    assert (result.ok, result.turns_checked, result.first_bad_turn) == (True, len(game.records), None)
    again = replay(loaded)
    assert [r.state_hash for r in again.records] == [t.state_hash for t in loaded.history]
    assert [r.state_hash for r in again.records] == [r.state_hash for r in game.records]
    assert again.state.digest() == game.state.digest()
    assert again.ending is not None and again.ending.id == loaded.ending == game.ending.id  # type: ignore[union-attr]


def test_a_save_holds_what_the_issue_lists(saved: Path, tutorial: CompiledDeck) -> None:
    data = json.loads(saved.read_text())
    assert data["format"] == "wargame-save" and data["format_version"] == FORMAT_VERSION
    assert data["engine_version"] and data["seed"] == 11
    assert data["deck_source"] == tutorial.source and data["deck_sha256"] == tutorial.sha256
    assert data["seats"] == {"red": "random", "blue": "random"}
    first = data["history"][0]
    assert first["orders"] == {"red": ["missile-test"], "blue": ["spy-op"]}
    assert {r["key"] for r in first["rolls"]} == {"missile-test", "spy-op"}
    assert all(len(t["state_hash"]) == 32 for t in data["history"])
    assert data["final_state"]["tracks"]["tension"] >= 0


# -- atomic writes ---------------------------------------------------------------------


@pytest.mark.parametrize("broken", ["replace", "fsync"])
def test_a_crash_mid_write_leaves_the_previous_save(saved: Path, tutorial: CompiledDeck, monkeypatch: pytest.MonkeyPatch, broken: str) -> None:
    before = saved.read_bytes()
    longer = new_save(scripted_game(tutorial, seed=12), {})

    def crash(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, broken, crash)
    with pytest.raises(SaveError, match="cannot write the save: No space left on device"):
        write_save(longer, saved)
    monkeypatch.undo()
    assert saved.read_bytes() == before
    assert sorted(os.listdir(saved.parent)) == ["game.json"], "no temporary file may be left behind"
    assert verify(read_save(saved)).ok


def test_an_interrupted_write_cleans_up_and_lets_the_interrupt_through(saved: Path, tutorial: CompiledDeck, monkeypatch: pytest.MonkeyPatch) -> None:
    before = saved.read_bytes()

    def interrupt(*args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_save(new_save(scripted_game(tutorial, seed=12), {}), saved)
    monkeypatch.undo()
    assert saved.read_bytes() == before
    assert os.listdir(saved.parent) == ["game.json"]


def test_write_save_creates_the_folder_and_overwrites_whole(tutorial: CompiledDeck, tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "game.json"
    write_save(new_save(scripted_game(tutorial, turns=4), {}), target)
    write_save(new_save(scripted_game(tutorial, turns=1), {}), target)
    assert len(read_save(target).history) == 1


def test_an_unwritable_folder_is_a_save_error(tutorial: CompiledDeck, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SaveError, match="cannot write the save"):
        write_save(new_save(scripted_game(tutorial, turns=1), {}), blocker / "game.json")


# -- reading bad files -------------------------------------------------------------------


def test_truncated_save(saved: Path) -> None:
    raw = saved.read_bytes()
    saved.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(SaveError, match=r"not valid JSON.*the save looks truncated") as info:
        read_save(saved)
    assert str(saved) in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"\xff\xfe\x00garbage\x89PNG", "not UTF-8"),
        (b"{ this is not json", "not valid JSON"),
        (b"[1, 2, 3]", "not a wargame save"),
        (b'{"format": "something-else"}', "not a wargame save"),
        (b"[" * 100_000 + b"]" * 100_000, "not a save"),
    ],
    ids=["empty", "blank", "binary", "not-json", "json-list", "other-format", "deep"],
)
def test_corrupted_save(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SaveError, match=message):
        read_save(path)


def test_corrupted_bytes_in_the_middle(saved: Path) -> None:
    raw = bytearray(saved.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 8] = b"\x00}{]\"\x01[,"
    saved.write_bytes(bytes(raw))
    with pytest.raises(SaveError, match=str(saved)):
        read_save(saved)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="no such save file"):
        read_save(tmp_path / "nope.json")
    with pytest.raises(SaveError, match="is a directory"):
        read_save(tmp_path)


def test_future_version_save(saved: Path) -> None:
    edit(saved, lambda d: d.update(format_version=FORMAT_VERSION + 98))
    with pytest.raises(SaveError, match=f"format version {FORMAT_VERSION + 98}.*upgrade wargame"):
        read_save(saved)


def test_hand_edited_deck_copy_no_longer_matches_its_hash(saved: Path) -> None:
    edit(saved, lambda d: d.update(deck_source=d["deck_source"].replace("max = 10", "max = 11", 1)))
    with pytest.raises(SaveError, match="does not match its sha256"):
        read_save(saved)


def test_hand_edited_fields_are_named(saved: Path) -> None:
    def scramble(d: dict[str, Any]) -> None:
        d["seed"] = "eleven"
        d["history"][1]["turn"] = 7
        d["surprise"] = True

    edit(saved, scramble)
    with pytest.raises(SaveError) as info:
        read_save(saved)
    text = str(info.value)
    assert "seed" in text and "surprise" in text
    assert all(line.startswith(str(saved)) for line in text.splitlines())


def test_edited_orders_make_verify_report_the_first_differing_turn(saved: Path) -> None:
    # Week 2: Red patrolled; make it offer talks instead (legal then, so it replays).
    def change(d: dict[str, Any]) -> None:
        assert d["history"][1]["orders"]["red"] == ["patrol"]
        d["history"][1]["orders"]["red"] = ["talks-offer"]

    result = verify(read_save(edit(saved, change)))
    assert not result.ok
    assert result.first_bad_turn == 2 and result.turns_checked == 1
    assert "turn 2" in result.detail


def test_an_order_that_is_no_longer_legal_is_reported_at_its_turn(saved: Path) -> None:
    # Red tested a missile in week 1; in week 2 it is cooling down, so no replay can order it.
    edit(saved, lambda d: d["history"][1]["orders"].update(red=["missile-test"]))
    result = verify(read_save(saved))
    assert (result.ok, result.first_bad_turn, result.turns_checked) == (False, 2, 1)
    assert "turn 2: cannot be replayed: Missile test is not available: cooling down" in result.detail
    with pytest.raises(SaveError, match="turn 2 of the save cannot be replayed"):
        replay(read_save(saved))


def test_edited_dice_are_caught(saved: Path) -> None:
    edit(saved, lambda d: d["history"][0]["rolls"][0].update(roll=0.999))
    result = verify(read_save(saved))
    assert (result.ok, result.first_bad_turn, result.field) == (False, 1, "rolls[0].roll")
    assert result.detail.startswith("turn 1: rolls[0].roll differs: 0.999 in the save, ")


def test_an_edited_state_hash_is_caught_at_its_turn(saved: Path) -> None:
    edit(saved, lambda d: d["history"][2].update(state_hash="0" * 32))
    result = verify(read_save(saved))
    assert (result.ok, result.first_bad_turn, result.turns_checked, result.field) == (False, 3, 2, "state_hash")
    assert 'state_hash differs: "000' in result.detail


def test_a_save_replays_from_its_own_deck_copy(tmp_path: Path) -> None:
    deck_path = tmp_path / "my-deck.toml"
    source = (Path(__file__).resolve().parents[2] / "decks" / "tutorial.toml").read_text()
    deck_path.write_text(source)
    game = scripted_game(load_deck(deck_path))
    path = write_save(new_save(game, {}), tmp_path / "game.json")
    # The deck changes on disk (talks now need 9 to end in a deal), then disappears.
    deck_path.write_text(source.replace('when = "talks >= 5"', 'when = "talks >= 9"'))
    assert verify(read_save(path)).ok
    deck_path.unlink()
    save = read_save(path)
    assert save.deck_path == str(deck_path)
    assert verify(save).ok
    assert [r.state_hash for r in replay(save).records] == [r.state_hash for r in game.records]


def test_a_save_whose_deck_copy_no_longer_loads(saved: Path) -> None:
    import hashlib

    def break_deck(d: dict[str, Any]) -> None:
        d["deck_source"] = d["deck_source"].replace('id = "patrol"', 'id = "Patrol!"')
        d["deck_sha256"] = hashlib.sha256(d["deck_source"].encode()).hexdigest()

    save = read_save(edit(saved, break_deck))
    result = verify(save)
    assert (result.ok, result.field) == (False, "deck_source")
    assert result.detail.startswith("the deck inside the save does not load")
    with pytest.raises(SaveError, match="the deck inside the save does not load"):
        replay(save)


# -- branching, resuming, updating ---------------------------------------------------------


def test_branch_keeps_the_first_turns_and_names_its_parent(saved: Path) -> None:
    parent = read_save(saved)
    child, game = branch(parent, 2, str(saved))
    assert child.parent is not None
    assert (child.parent.save_id, child.parent.turn, child.parent.path) == (parent.save_id, 2, str(saved))
    assert child.save_id != parent.save_id
    assert child.history == parent.history[:2]
    assert game.turn == 3 and not game.is_over
    # The branch plays on differently and is a valid save of its own.
    game.submit("red", ["patrol"])
    game.submit("blue", ["talks-offer-blue"])
    game.resolve()
    child = update_save(child, game)
    assert verify(child).ok
    with pytest.raises(SaveError, match="cannot branch at turn 99"):
        branch(parent, 99)


def test_resume_reseals_pending_orders(tutorial: CompiledDeck, tmp_path: Path) -> None:
    game = scripted_game(tutorial, turns=2)
    game.submit("red", ["patrol"])
    save = read_save(write_save(new_save(game, {"red": "human", "blue": "random"}), tmp_path / "g.json"))
    assert save.pending == {"red": ["patrol"]}
    again = resume(save)
    assert again.turn == 3 and again.orders == {"red": ("patrol",)}
    assert again.waiting_for() == ["blue"]


def test_latest_save_is_the_newest_file(tutorial: CompiledDeck, tmp_path: Path) -> None:
    assert latest_save(tmp_path / "none") is None
    older = write_save(new_save(scripted_game(tutorial, turns=1), {}), tmp_path / "a.json")
    newer = write_save(new_save(scripted_game(tutorial, turns=2), {}), tmp_path / "b.json")
    os.utime(older, (1_000_000, 1_000_000))
    assert latest_save(tmp_path) == newer


def test_save_model_rejects_inconsistent_history(saved: Path) -> None:
    data = json.loads(saved.read_text())
    data["turns"] = 2
    with pytest.raises(ValueError, match="turns but the game has only 2"):
        SaveModel.model_validate(data)
    assert store.MAX_SAVE_BYTES > 1_000_000


def test_injects_and_overrides_are_saved_and_replayed(tutorial: CompiledDeck, tmp_path: Path) -> None:
    game = Game(tutorial, 11)
    game.submit("red", ["missile-test"])
    game.submit("blue", ["spy-op"])
    game.override("move:missile-test", False)
    game.override("detect:spy-op", True)
    game.fire_inject(event="fishing-incident")
    game.fire_inject(text="A ferry sinks.", effects=["talks += 1", "flags.hotline = true"])
    game.resolve()
    path = write_save(new_save(game, {}, facilitator=True), tmp_path / "g.json")
    saved = read_save(path)
    turn = saved.history[0]
    assert turn.overrides == {"move:missile-test": False, "detect:spy-op": True}
    assert [(i.event, i.text, i.effects) for i in turn.injects] == [
        ("fishing-incident", "", []),
        (None, "A ferry sinks.", ["talks += 1", "flags.hotline = true"]),
    ]
    again = replay(saved)
    assert again.state.digest() == game.state.digest() and verify(saved).ok
    assert again.records[0].rolls == game.records[0].rolls
    # Without the facilitator's hand, the same orders give another game: replay uses both.
    for strip in ({"overrides": {}}, {"injects": []}):
        edited = saved.model_copy(update={"history": [turn.model_copy(update=strip)]})
        result = verify(edited)
        assert (result.ok, result.first_bad_turn) == (False, 1), strip


EDIT_VALUES = [None, True, False, 0, -1, 1.5, 10**30, 1e308, "", "x", "patrol", "spy-op", "0" * 32, [], {}, [1], {"a": 1}, "tension += 1", "__import__('os')"]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@given(data=st.data())
def test_any_hand_edit_loads_and_replays_or_is_a_save_error(tutorial: CompiledDeck, data: st.DataObject) -> None:
    game = scripted_game(tutorial)
    original = json.loads(new_save(game, {}).model_dump_json())
    # Pin what differs between runs (a fresh id, the clock) so every example is reproducible.
    original |= {"save_id": "0123456789ab", "created": "2022-01-01T00:00:00+00:00"}
    edited = json.loads(json.dumps(original))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from([p for p in _paths(edited) if p[0] != "deck_source"]))
        node = edited
        for key in path[:-1]:
            node = node[key]
        # A copy: the drawn value may be edited inside later, and must not change EDIT_VALUES.
        node[path[-1]] = json.loads(json.dumps(data.draw(st.sampled_from(EDIT_VALUES))))
    try:
        save = store.parse_save(json.dumps(edited).encode(), "edited.json")
        verify(save)
        replay(save)
        resume(save)
    except SaveError as exc:
        assert str(exc).strip()
