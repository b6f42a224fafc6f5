"""The deck reference's examples load, and the starter deck `wargame deck new` writes
loads for any usable actor list and is never written over an existing file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomli
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from wargame.cli import cli
from wargame.deck.loader import load_deck_text
from wargame.deck.schema import RESERVED_NAMES
from wargame.deck.starter import starter_deck
from wargame.engine.game import Game
from wargame.errors import WargameError

DOC = Path(__file__).resolve().parents[2] / "docs" / "deck-format.md"
BLOCKS = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_the_reference_has_examples() -> None:
    assert len(BLOCKS) >= 2
    assert any("[deck]" in b for b in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_every_example_in_the_reference_is_valid_toml_and_whole_decks_load(block: str) -> None:
    data = tomli.loads(block)
    if "deck" in data:
        deck = load_deck_text(block, "docs/deck-format.md")
        game = Game(deck, 7)  # and plays to the end
        while not game.is_over:
            for actor in deck.actors:
                game.submit(actor, [m.id for m in game.available_moves(actor)[:1]])
            game.resolve()
    else:
        # A fragment: it loads when added to the worked example.
        whole = next(b for b in BLOCKS if "[deck]" in b)
        load_deck_text(whole + "\n" + block, "docs/deck-format.md")


_IDS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda s: s not in RESERVED_NAMES | {"tension", "talks"})


@given(st.lists(_IDS, min_size=2, max_size=6, unique=True))
def test_the_starter_deck_loads_for_any_usable_actors(actors: list[str]) -> None:
    deck = load_deck_text(starter_deck(actors), "new.toml")
    assert deck.actors == actors
    assert all(deck.doctrines[a] for a in actors)


@pytest.mark.parametrize("bad", [["red"], ["red", "red"], ["red", "Blue"], ["red", "turn"], ["red", "as"]])
def test_bad_actor_lists_are_refused(bad: list[str]) -> None:
    with pytest.raises(WargameError):
        starter_deck(bad)


def test_deck_new_writes_a_deck_that_validates_and_never_overwrites(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "cuba.toml"
    result = runner.invoke(cli, ["deck", "new", str(path), "--actors", "us,ussr,cuba"])
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert 'id = "cuba"' in text
    assert load_deck_text(text, str(path)).actors == ["us", "ussr", "cuba"]
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
    path.write_text("mine")
    again = runner.invoke(cli, ["deck", "new", str(path)])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert path.read_text() == "mine"


def test_deck_new_refuses_bad_actors_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["deck", "new", str(tmp_path / "x.toml"), "--actors", "us,US"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert not (tmp_path / "x.toml").exists()


@pytest.mark.parametrize("actors", [["red", "blue"], ["us", "ussr", "cuba"], ["a", "b", "c", "d", "e"]])
def test_the_starter_deck_lints_clean_and_shows_a_targeted_move_and_an_offer(actors: list[str]) -> None:
    from wargame.deck.lint import lint_deck

    text = starter_deck(actors)
    deck = load_deck_text(text, "new.toml")
    assert lint_deck(deck) == []
    first, second = actors[0], actors[1]
    assert f"{first}-warn@{second}" in deck.move_index
    assert f"{first}-ceasefire@{second}/accept" in deck.move_index
    assert len(deck.offers) == len(actors) * (len(actors) - 1)
    assert "targets = " in text and "[moves.offer]" in text
    # The doctrine weighs answers to another side's offer, as the comment says.
    assert deck.model.actors[second].doctrines["cautious"].weights[f"{first}-ceasefire@{second}/accept"] == "1 + 2 * (tension >= 6)"


def test_the_reference_offer_timeline_holds() -> None:
    """The worked timeline in the reference: made in turn 3 with expires = 2, answerable in
    turns 4 and 5, expired at the end of turn 5, made again from turn 6."""
    whole = next(b for b in BLOCKS if "[deck]" in b)
    fragment = next(b for b in BLOCKS if "[moves.offer]" in b)
    deck = load_deck_text(whole + "\n" + fragment, "docs/deck-format.md")
    game = Game(deck, 1)

    def turn(orders: dict[str, list[str]]) -> list[tuple[str, str]]:
        for actor in deck.actors:
            game.submit(actor, orders.get(actor, []))
        return [(n.kind, n.text) for n in game.resolve().news]

    answers = {"ceasefire@north/accept", "ceasefire@north/refuse"}
    turn({})
    turn({})
    assert ("move", "South proposes a ceasefire to North.") in turn({"south": ["ceasefire@north"]})
    for _turn in (4, 5):
        assert answers <= {m.id for m in game.available_moves("north")}
        assert "ceasefire@north" not in {m.id for m in game.available_moves("south")}
        news = turn({})
    assert ("expire", "South's ceasefire proposal lapses unanswered.") in news
    assert not answers & {m.id for m in game.available_moves("north")}
    assert "ceasefire@north" in {m.id for m in game.available_moves("south")}


# -- what the reference says happens, happens --------------------------------------------------


def _with(fragment_marker: str) -> str:
    """The worked example with the reference's fragment that contains `fragment_marker`."""
    whole = next(b for b in BLOCKS if "[deck]" in b)
    return whole + "\n" + next(b for b in BLOCKS if fragment_marker in b and "[deck]" not in b)


@pytest.mark.parametrize(("phase", "played"), [("", 0), ('phase = "diplomatic"\n', 1)])
def test_the_resolution_order_gotcha_plays_out_as_the_reference_says(phase: str, played: int) -> None:
    text = _with('id = "ultimatum"').replace('category = "military"\nrequires = "tension >= 3"',
                                               f'category = "military"\n{phase}requires = "tension >= 3"')
    deck = load_deck_text(text, "docs/deck-format.md")
    game = Game(deck, 7)
    game.submit("north", ["ultimatum"])
    game.submit("south", ["talks-south"])
    game.resolve()
    # Without a phase South's talks resolve first and the ultimatum fizzles; with one it lands.
    assert game.state.counts[deck.move_index["ultimatum"]] == played


def test_the_opening_fires_before_the_first_orders() -> None:
    deck = load_deck_text(_with('id = "incident"'), "docs/deck-format.md")
    game = Game(deck, 7)
    assert game.opening is not None and game.state.turn == 1
    assert game.state.v[deck.scope.tracks["tension"]] == 5  # 3, and the opening's +2
    assert any("Tension stands at 5" in n.text for n in game.opening.news)


def test_coach_lines_in_the_wrong_order_are_what_lint_reports() -> None:
    from wargame.deck.lint import lint_deck

    whole = next(b for b in BLOCKS if "[deck]" in b)
    coach = next(b for b in BLOCKS if 'when = "tension <= 2"' in b)
    first, second = coach.split("\n\n")
    assert [w for w in lint_deck(load_deck_text(whole + "\n" + coach, "d.toml")) if w.code == "coach-never-shown"] == []
    swapped = lint_deck(load_deck_text(whole + "\n" + second.strip() + "\n\n" + first, "d.toml"))
    assert [w.code for w in swapped if w.code == "coach-never-shown"] == ["coach-never-shown"]


def test_the_reference_lists_every_lint_code() -> None:
    from wargame.deck.lint import CODES

    text = DOC.read_text(encoding="utf-8")
    assert [c for c in CODES if f"| `{c}` |" not in text] == []
