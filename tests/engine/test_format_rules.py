"""Engine tests for the deck format extensions: descending scales, events read by since()
and count(), silent events, text with values, and coach lines as each viewer sees them.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.deck.test_format_loader import deck, load
from wargame.engine.game import Game, crossed, level_reached
from wargame.observe.build import observe

LEVELS = ((2.0, "DEFCON 2"), (3.0, "DEFCON 3"), (4.0, "DEFCON 4"))


def test_a_descending_track_at_its_start_shows_no_level() -> None:
    # The bug this fixes: a track at 5 with { 4 = "DEFCON 4" } was labelled "DEFCON 4".
    assert level_reached(5, LEVELS, descending=True) == ""
    assert level_reached(4, LEVELS, descending=True) == "DEFCON 4"
    assert level_reached(2.5, LEVELS, descending=True) == "DEFCON 3"
    assert level_reached(1, LEVELS, descending=True) == "DEFCON 2"
    assert level_reached(5, LEVELS) == "DEFCON 4"  # ascending, as before


def test_descending_thresholds_fire_on_the_way_down_at_the_right_step() -> None:
    d = load(deck())
    game = Game(d, 1)
    assert observe(game, "un").tracks_of(None)[0].level == ""
    lines = []
    for _ in range(3):
        game.submit("us", ["alert"])
        game.submit("un", [])
        rec = game.resolve()
        lines.append([n.text for n in rec.news if n.kind == "threshold"])
    assert lines == [["DEFCON falls to DEFCON 4 (4)."], ["DEFCON falls to DEFCON 3 (3)."], ["DEFCON falls to DEFCON 2 (2)."]]
    assert observe(game, "un").tracks_of(None)[0].level == "DEFCON 2"


@given(st.lists(st.integers(1, 5), min_size=2, max_size=12))
def test_a_crossing_is_exactly_a_change_of_level(values: list[int]) -> None:
    """On either kind of scale, `crossed` for some level holds exactly when the level shown changes."""
    for descending in (False, True):
        for old, new in itertools.pairwise(values):
            any_crossed = any(crossed(old, new, level, descending=descending) for level, _ in LEVELS)
            changed = level_reached(old, LEVELS, descending=descending) != level_reached(new, LEVELS, descending=descending)
            assert any_crossed == changed


def test_since_and_count_read_an_events_firings() -> None:
    d = load(deck(move="requires = \"since('first-letter') == 1 and count('first-letter') == 1\""))
    game = Game(d, 1)
    available = []
    for _ in range(4):
        available.append([m.id for m in game.available_moves("un")])
        game.submit("us", [])
        game.submit("un", [])
        game.resolve()
    # Fires in turn 2; one turn later (turn 3) since() is 1.
    assert available == [[], [], ["appeal"], []]


def test_a_silent_event_prints_nothing_and_seats_do_not_see_it() -> None:
    d = load(deck(event='news = ""\neffects = ["tension += 1"]'))
    game = Game(d, 1)
    for _ in range(2):
        game.submit("us", [])
        game.submit("un", [])
        rec = game.resolve()
    assert rec.fired == ["first-letter"]
    assert rec.news == []
    assert observe(game, "un").turns[1].events == []
    assert observe(game, "facilitator").turns[1].events == ["First letter"]


def test_an_inject_with_no_news_is_still_announced() -> None:
    d = load(deck(event='news = ""\ninject = true\nonce = false'))
    game = Game(d, 1)
    game.fire_inject("first-letter")
    game.submit("us", [])
    game.submit("un", [])
    rec = game.resolve()
    assert [n.text for n in rec.news] == ["First letter"]


def test_text_with_values_is_filled_when_it_is_news() -> None:
    d = load(deck(event='news = "Letter: DEFCON is {defcon}, tension {tension}; {{sic}}."'))
    game = Game(d, 1)
    for _ in range(2):
        game.submit("us", ["alert"])
        game.submit("un", [])
        rec = game.resolve()
    assert "Letter: DEFCON is 3, tension 3; {sic}." in [n.text for n in rec.news]


def test_a_secret_moves_news_shows_its_own_secret_value_to_its_audience_only() -> None:
    move = 'visibility = "secret"\nsuccess = { effects = ["un.covert += 2"], news = "Covert work now {un.covert}." }'
    d = load(deck(move=move))
    game = Game(d, 1)
    game.submit("us", [])
    game.submit("un", ["appeal"])
    game.resolve()
    assert "Covert work now 2." in [n.text for n in observe(game, "un").news]
    assert all("Covert" not in n.text for n in observe(game, "us").news)
    assert all("Covert" not in n.text for n in observe(game, "public").news)


COACH = """
[[coach]]
turn = 2
when = "defcon <= 4"
text = "The alert went up."

[[coach]]
turn = 2
text = "Quiet week."

[[coach]]
actor = "us"
text = "Only for the United States."
"""


def test_the_first_coach_line_that_applies_is_shown_to_each_viewer() -> None:
    d = load(deck(tail=COACH))
    game = Game(d, 1)
    assert observe(game, "un").coach == ""
    assert observe(game, "us").coach == "Only for the United States."
    game.submit("us", ["alert"])
    game.submit("un", [])
    game.resolve()
    assert observe(game, "un").coach == "The alert went up."
    assert observe(game, "public").coach == "The alert went up."
    assert observe(game, "facilitator").coach == ""


@settings(max_examples=50)
@given(st.integers(0, 10), st.integers(0, 10))
def test_a_coach_line_never_depends_on_another_seats_secret(un_covert: int, us_covert: int) -> None:
    """What a seat's coach says is the same whatever the other seat's secret track holds."""
    tail = COACH + '\n[[coach]]\nactor = "un"\nwhen = "un.covert >= 5"\ntext = "Your covert work is paying off."\n'
    d = load(deck(tail=tail))
    seen = []
    for other in (0, us_covert):
        game = Game(d, 1)
        game.state.v[d.slot_names.index("un.covert")] = un_covert
        game.state.v[d.slot_names.index("us.covert")] = other
        seen.append(observe(game, "un").coach)
    assert seen[0] == seen[1]
    assert (seen[0] == "Your covert work is paying off.") == (un_covert >= 5)


def test_a_detection_expression_is_rolled_on_the_state_after_the_moves_effects() -> None:
    move = 'visibility = "secret"\ndetection = "0.5 * un.covert"\nsuccess = { effects = ["un.covert += 2"] }'
    d = load(deck(move=move))
    game = Game(d, 3)
    game.submit("us", [])
    game.submit("un", ["appeal"])
    rec = game.resolve()
    # covert goes 0 -> 2 first, so detection is certain: no die is needed and it is revealed.
    assert [n.kind for n in rec.news if n.kind == "reveal"] == ["reveal"]
    game2 = Game(load(deck(move=move.replace("0.5 *", "0.2 *"))), 3)
    game2.submit("us", [])
    game2.submit("un", ["appeal"])
    game2.resolve()
    [roll] = [r for r in game2.records[0].rolls if r.kind == "detect"]
    assert roll.chance == 0.4
    # The United States cannot see UN's covert work, so it is not shown the odds.
    from wargame.observe import visibility as vis

    assert vis.hidden_inputs(vis.Viewer.seat("us"), game2.deck, vis.roll_reads(game2.deck, roll) or game2.deck.moves[0].chance_reads)


OUTCOMES = '''news = "A letter arrives."
outcomes = [
  { name = "conciliatory", weight = "3 * (defcon >= 4)", effects = ["tension -= 1"], news = "It is conciliatory." },
  { name = "hard-line", weight = 1, effects = ["tension += 1"], news = "It is hard-line ({tension})." },
  { name = "never", weight = 0, effects = ["tension = 0"] },
]'''


@given(st.integers(0, 10_000))
@settings(max_examples=60)
def test_a_weighted_one_of_event_picks_exactly_one_outcome_and_records_why(seed: int) -> None:
    d = load(deck(event=OUTCOMES))
    game = Game(d, seed)
    for _ in range(2):
        game.submit("us", [])
        game.submit("un", [])
        rec = game.resolve()
    [roll] = [r for r in rec.rolls if r.kind == "outcome"]
    chosen = int(roll.key.partition("#")[2])
    assert roll.key.startswith("first-letter#") and chosen in (0, 1)  # weight 0 is never picked
    assert roll.chance == (0.75 if chosen == 0 else 0.25)
    assert (roll.roll < 0.75) == (chosen == 0)  # the draw explains the pick
    texts = [n.text for n in rec.news]
    assert texts[0] == "A letter arrives."
    assert texts[1] == ("It is conciliatory." if chosen == 0 else "It is hard-line (4).")
    assert game.state.v[d.slot_names.index("tension")] == (2 if chosen == 0 else 4)
    [line] = observe(game, "public").turns[-1].rolls
    assert line.label == f"First letter: {'conciliatory' if chosen == 0 else 'hard-line'}"
    assert line.chance == roll.chance


def test_a_weighted_event_replays_and_verifies(tmp_path: object) -> None:
    from pathlib import Path

    from wargame.saves.store import new_save, read_save, verify, write_save

    d = load(deck(event=OUTCOMES))
    game = Game(d, 11)
    while not game.is_over:
        game.submit("us", ["alert"])
        game.submit("un", [])
        game.resolve()
    path = Path(str(tmp_path)) / "g.json"
    write_save(new_save(game, {"us": "random", "un": "random"}), path)
    report = verify(read_save(path))
    assert report.ok and report.turns_checked == 6, report
