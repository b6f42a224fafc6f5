"""The move detail a seat reads is rendered from its observation alone (no deck at all),
for every move of every seat of every deck, and quotes the author's own requirement."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content

from wargame.deck.loader import load_deck
from wargame.engine.game import Game
from wargame.observe.build import observe
from wargame.observe.model import ObjectiveInfo, ScoreInfo, TrackInfo
from wargame.tui.render import Line, move_detail, ranked, score_block, short_label

ROOT = Path(__file__).resolve().parents[2]


def plain(lines: list[Line]) -> str:
    """Lines as text, a (lead, text) line unwrapped."""
    return "\n".join(line.plain if isinstance(line, Content) else line[0].plain + line[1].plain for line in lines)
DECKS = [*sorted((ROOT / "decks").glob("*.toml")), ROOT / "tests" / "decks_format" / "offers.toml"]


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.stem)
def test_move_detail_is_rendered_from_the_observation(path: Path) -> None:
    deck = load_deck(path)
    game = Game(deck, 7)
    shown = 0
    for actor in deck.actors:
        sheet = observe(game, actor).seat
        assert sheet is not None
        for move in sheet.moves:
            text = move_detail(move).plain
            assert text.startswith(move.name)
            compiled = deck.moves[deck.move_index[move.id]]
            # The author's own requirement is quoted as written.
            if compiled.requires_own:
                assert compiled.requires_own.rstrip(".") in text
            shown += 1
    assert shown > 0


def test_the_end_ranks_sides_by_their_points_against_their_most() -> None:
    """A side that met every objective (3 of 3) is above one with more points of a higher
    most (4 of 10), and each side's points are shown against its most."""
    deck = load_deck(DECKS[0])
    obs = observe(Game(deck, 7), "facilitator")
    full = ScoreInfo(actor=deck.actors[0], total=3, most=3, objectives=[])
    more = ScoreInfo(actor=deck.actors[1], total=4, most=10, objectives=[])
    assert ranked([more, full]) == [full, more]
    assert "3 of 3 points" in plain(score_block(full, obs)) and "4 of 10 points" in plain(score_block(more, obs))


def test_an_objectives_points_lead_its_line_so_a_long_one_never_strands_them() -> None:
    # At 80 columns "Keep the buffer state afloat (North Korean economy 2 or more)  (2)"
    # wrapped its points onto a line of their own. The points now stand in a column
    # before the objective: every objective's line starts with them, right-aligned.
    deck = load_deck(DECKS[0])
    obs = observe(Game(deck, 7), "facilitator")
    long = "Keep the buffer state afloat (North Korean economy 2 or more) " * 2
    score = ScoreInfo(actor=deck.actors[0], total=2.5, most=13.5, objectives=[
        ObjectiveInfo(text=long, points=2, met=True), ObjectiveInfo(text="Avoid war", points=10, met=False),
        ObjectiveInfo(text="Stay calm", points=1.5, met=True)])
    rows = plain(score_block(score, obs)).splitlines()[1:]
    assert rows == [f"  ✓ met      2 pts  {long}", "  ✗ missed  10 pts  Avoid war", "  ✓ met    1.5 pts  Stay calm"]


def test_the_replay_viewer_heads_turn_1_with_the_opening_each_viewer_may_see() -> None:
    # The prologue in the debrief: what happened before the first orders leads turn 1,
    # read off each viewer's own Observation (a deck without an opening shows none).
    from wargame.analysis.simulate import play_game
    from wargame.observe.visibility import PUBLIC, Viewer
    from wargame.play.timeline import SavedGame
    from wargame.saves.store import new_save
    from wargame.tui.replay_render import opening_block

    root = Path(__file__).resolve().parents[2]
    deck = load_deck(root / "tests" / "decks_format" / "opening.toml")
    seats = {a: "random" for a in deck.actors}
    saved = SavedGame(new_save(play_game(deck, 3, seats), seats))
    for viewer in (PUBLIC, Viewer.seat(deck.actors[0])):
        block = opening_block(saved.observe(viewer, 2), show_audience=not viewer.is_public)
        assert block is not None
        assert "Before the first orders" in block.plain
        assert "ransomware locks the utility's control room; 60,000 homes are without power." in block.plain
    tutorial = load_deck(root / "decks" / "tutorial.toml")
    plain = SavedGame(new_save(play_game(tutorial, 3, {a: "random" for a in tutorial.actors}), {a: "random" for a in tutorial.actors}))
    assert opening_block(plain.observe(PUBLIC, 2), show_audience=False) is None


@pytest.mark.parametrize(
    ("seats", "reasons", "heading"),
    [
        ({}, False, "Orders"),  # people at every seat, no reasons given
        ({"b": "random"}, True, "Orders, and why the computers chose them"),
        ({}, True, "Orders, and the reasons given"),  # a team's own reasons
    ],
    ids=["people", "a computer", "teams' reasons"],
)
def test_the_orders_heading_follows_who_played(seats: dict[str, str], reasons: bool, heading: str) -> None:
    """The results' orders section speaks of computers' reasons only when a computer gave
    the reasons shown: a game of people reads plain "Orders"."""
    from wargame.tui.render import report_block

    deck = load_deck(ROOT / "tests" / "decks_format" / "offers.toml")
    game = Game(deck, 7)
    for actor in deck.actors:
        move = next(m.id for m in game.available_moves(actor) if "/" not in m.id)
        why = f"{actor} had its reasons" if reasons and (not seats or actor in seats) else ""
        game.submit(actor, [move], [why] if why else [])
    game.resolve()
    full = {a: seats.get(a, "human") for a in deck.actors}
    obs = observe(game, "facilitator", seats=full)
    text = report_block(obs.turns[-1], obs, show_audience=True).plain
    headings = {h for h in ("Orders", "Orders, and why the computers chose them", "Orders, and the reasons given") if h in text.splitlines()}
    assert headings == {heading}


def test_the_stakes_say_when_the_weeks_are_up_in_the_games_own_length() -> None:
    """The endings a player reads on the briefing put the turn limit in plain words, for
    the game's length (a game may be shorter than its deck)."""
    from wargame.tui.screens.stakes import endings_block

    deck = load_deck(ROOT / "decks" / "tutorial.toml")
    text = endings_block(observe(Game(deck, 7), "red")).plain
    assert "Deal — if Talks momentum at least 5 and the 6 weeks are up" in text
    assert "Stalemate — if the 6 weeks are up with none of the above" in text
    assert "number of weeks" not in text and "week number" not in text
    short = endings_block(observe(Game(deck, 7, turns=4), "facilitator")).plain
    assert "the 4 weeks are up" in short and "6 weeks" not in short


@pytest.mark.parametrize(("name", "label", "short"), [
    ("sanctions", "Sanctions pressure", "Sanctions"),  # the deck's name for it, one of its words
    ("unsc", "UN Security Council unity", "UNSC"),  # an acronym, in capitals like the label's "UN"
    ("dprk.plan", "Strategic agenda", "Agenda"),  # a name the label does not say: its last word
    ("dprk.standing", "International standing", "Standing"),
])
def test_a_track_label_too_long_for_its_panel_shortens_to_a_word_the_reader_knows(name: str, label: str, short: str) -> None:
    reading = TrackInfo(name=name, label=label, full_label=label, owner=None, value=3, lo=0, hi=10, thresholds=[],
                        secret=False, description="", history=[])
    assert short_label(reading, 14) == short
    assert short_label(reading, 40) == label
    assert short_label(reading, 3) == label[:2] + "…"
