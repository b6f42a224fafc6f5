"""Deck lint: each fixture deck in tests/decks_lint/ gets exactly the warnings its marked
lines promise, the shipped decks lint clean, and every "can never" claim is sound (random
games never do what lint says cannot happen)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_mutation import mutants  # tests/deck is on the path: the mutation strategy lives there

from tests.conftest import DECK_NAMES
from wargame.deck.compile import CompiledDeck
from wargame.deck.lint import CHECKS, LintWarning, lint_deck, reachable
from wargame.deck.loader import load_deck, load_deck_text
from wargame.engine.game import Game
from wargame.errors import DeckError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "decks_lint"
STATIC = sorted(p for p in FIXTURES.glob("*.toml") if not p.stem.startswith("playtest-"))
_MARK = re.compile(r'#\s*lint:\s*(?P<code>[a-z-]+)\s+"(?P<fragment>(?:[^"\\]|\\.)*)"')

def marks(path: Path) -> set[tuple[int, str, str]]:
    """(line, code, fragment) for every `# lint: CODE "fragment"` mark below the header."""
    out = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#"):
            continue  # the header explains the format
        for m in _MARK.finditer(line):
            out.add((number, m["code"], m["fragment"].replace('\\"', '"')))
    return out


@pytest.mark.parametrize("path", STATIC, ids=lambda p: p.stem)
def test_each_fixture_gets_exactly_the_warnings_its_lines_promise(path: Path) -> None:
    deck = load_deck(path)
    found = lint_deck(deck)
    expected = marks(path)
    assert {(w.line, w.code) for w in found} == {(line, code) for line, code, _ in expected}, "\n".join(map(str, found))
    for line, code, fragment in expected:
        w = next(w for w in found if (w.line, w.code) == (line, code))
        assert fragment in w.message, str(w)
        assert w.file == str(path) and w.where  # file, line and field, like the loader's problems
        assert str(w).startswith(f"{path}:{line}: ")


def test_every_kind_of_static_warning_has_a_fixture() -> None:
    codes = {code for path in STATIC for _line, code, _ in marks(path)}
    assert codes >= {
        "move-never-legal", "move-never-succeeds", "event-never-fires", "ending-never-reached", "objective-never-met",
        "track-never-changes", "flag-never-changes", "effect-clamped", "actor-without-moves",
        "since-unplayed", "event-cleared-above", "event-order-dependence", "text-looks-like-template",
        "secret-move-public-change", "secret-input", "offer-answer-changes-nothing", "offer-never-answered",
        "silent-headline",
        "channel-never-open",
        "coach-never-shown", "name-marks-visibility",
    }
    assert marks(FIXTURES / "clean.toml") == set()


@pytest.mark.parametrize("name", DECK_NAMES)
def test_shipped_decks_lint_clean(name: str, decks: dict[str, CompiledDeck]) -> None:
    found = [w for w in lint_deck(decks[name]) if w.severity == "warning"]
    assert found == [], "\n".join(map(str, found))


def test_an_author_can_allow_a_warning_they_mean() -> None:
    from wargame.deck.lint import allowed

    source = ROOT.joinpath("decks", "cuba-1962.toml").read_text(encoding="utf-8")
    deck = load_deck_text(source, "cuba.toml")
    # Cuba lets two secrets out on purpose and says so with `# lint: allow secret-input`.
    assert [w for w in lint_deck(deck) if w.code == "secret-input"] == []
    bare = source.replace("# lint: allow secret-input", "# (pragma removed)")
    found = [w for w in lint_deck(load_deck_text(bare, "cuba.toml")) if w.code == "secret-input"]
    assert sorted(w.where for w in found) == ["endings[3].when", "events[15].when"]
    # Only the named code is allowed, and only on its line or the line above.
    w = found[0]
    assert not allowed(source.replace("allow secret-input", "allow since-unplayed"), w)


def test_a_misspelt_or_missing_code_in_an_allow_comment_is_a_warning_on_its_line() -> None:
    source = ROOT.joinpath("decks", "cuba-1962.toml").read_text(encoding="utf-8")
    typo = source.replace("# lint: allow secret-input -- meant: an invasion", "# lint: allow secert-input -- meant: an invasion")
    line = typo.splitlines().index(next(x for x in typo.splitlines() if "allow secert-input" in x)) + 1
    found = lint_deck(load_deck_text(typo, "cuba.toml"))
    unknown = [w for w in found if w.code == "unknown-lint-code"]
    assert [(w.line, w.message) for w in unknown] == [
        (line, "`# lint: allow secert-input`: no lint warning has the code 'secert-input' (did you mean 'secret-input'?)")]
    # and the warning it meant to allow is not allowed by the misspelt one
    assert any(w.code == "secret-input" for w in found)
    bare = source.replace("# lint: allow secret-input -- meant: an invasion", "# lint: allow -- meant: an invasion")
    assert [w.message for w in lint_deck(load_deck_text(bare, "cuba.toml")) if w.code == "unknown-lint-code"] == [
        "`# lint: allow` names no code: write `# lint: allow CODE -- why`"]


def test_every_code_a_check_can_give_is_listed_once_with_its_meaning() -> None:
    from wargame.deck.lint import CODES

    sources = [*ROOT.joinpath("wargame", "deck", "lint").glob("*.py"), ROOT / "wargame" / "analysis" / "playtest.py"]
    used = {m for p in sources for m in re.findall(r'(?:warn|LintWarning)\(\s*"([a-z-]+)"', p.read_text(encoding="utf-8"))}
    assert used and used <= set(CODES), used - set(CODES)
    assert "secret-input" in used and "playtest-move-mostly-fizzles" in used
    assert all(meaning and "\n" not in meaning for meaning in CODES.values())


def test_the_tutorial_has_not_even_a_note(tutorial: CompiledDeck) -> None:
    assert lint_deck(tutorial) == []


def test_lint_is_deterministic(decks: dict[str, CompiledDeck]) -> None:
    for deck in decks.values():
        again = load_deck_text(deck.source, deck.path)
        assert lint_deck(deck) == lint_deck(again)


def test_a_check_list_can_be_given_and_extended(tutorial: CompiledDeck) -> None:
    # Where the secrecy check plugs in: any function of the Context that calls warn().
    def everything_is_wrong(c):  # type: ignore[no-untyped-def]
        c.warn("custom", ("moves", 0, "id"), "a custom check")

    found = lint_deck(tutorial, [*CHECKS, everything_is_wrong])
    assert [w.code for w in found] == ["custom"]
    assert found[0].where == "moves[0].id" and found[0].line == tutorial.source.splitlines().index('id = "patrol"') + 1


def test_a_warning_reads_like_a_problem_and_serialises() -> None:
    w = LintWarning("since-unplayed", "d.toml", 3, "moves[0].requires", "text")
    assert str(w) == "d.toml:3: moves[0].requires: text [since-unplayed]"
    assert w.to_json()["severity"] == "warning" and w.problem.line == 3


def _lint_decks() -> list[CompiledDeck]:
    return [load_deck(p) for p in [*STATIC, FIXTURES / "playtest-only.toml", ROOT / "decks" / "tutorial.toml", ROOT / "decks" / "korea-2022.toml",
                                   ROOT / "tests" / "decks_format" / "offers.toml"]]


LINT_DECKS = _lint_decks()
_REACH = [reachable(d) for d in LINT_DECKS]
_NEVER_ENDS = [{w.where for w in lint_deck(d) if w.code == "ending-never-reached"} for d in LINT_DECKS]


@settings(max_examples=40)
@given(st.sampled_from(range(len(LINT_DECKS))), st.integers(0, 2**32))
def test_what_lint_says_cannot_happen_never_happens_in_a_game(which: int, seed: int) -> None:
    # Soundness of the reachability analysis: random play (every deck inject fired on
    # some turns too) stays within the ranges, flags, moves and events lint found possible.
    deck = LINT_DECKS[which]
    reach = _REACH[which]
    game = Game(deck, seed)
    import random

    rng = random.Random(seed)
    while not game.is_over:
        for actor in deck.actors:
            legal = game.available_moves(actor)
            k = min(len(legal), game.orders_allowed(actor))
            if k:
                assert {m.index for m in legal} <= reach.moves, (deck.id, [m.id for m in legal])
            ordinary = [m for m in legal if m.answer is None]
            # Answers cost no order; each waiting offer is accepted, refused or left.
            choice = {m.gate: rng.choice(["accept", "refuse", None]) for m in legal if m.answer is not None}
            answers = [m.id for m in legal if m.answer is not None and m.answer == choice[m.gate]]
            k = min(len(ordinary), game.orders_allowed(actor))
            game.submit(actor, [m.id for m in rng.sample(ordinary, rng.randint(0, k))] + answers)
        for event in deck.events:
            if event.inject and not (event.once and game.state.fired[event.index]) and rng.random() < 0.2:
                game.fire_inject(event=event.id)
        game.resolve()
        s = game.state
        for slot, value in enumerate(s.v):
            lo, hi = reach.slots[slot]
            assert lo <= value <= hi, (deck.id, deck.slot_names[slot], value, (lo, hi))
        for i, value in enumerate(s.f):
            may_true, may_false = reach.flags[i]
            assert may_true if value else may_false, (deck.id, deck.flag_names[i])
        assert {i for i, n in enumerate(s.fired) if n} <= reach.events
        assert {i for i, n in enumerate(s.counts) if n} <= reach.moves
    ending = game.ending
    assert ending is not None
    never = _NEVER_ENDS[which]
    index = next((i for i, e in enumerate(deck.model.endings) if e.id == ending.id), None)
    assert f"endings[{index}].when" not in never


@settings(max_examples=30)
@given(st.data())
def test_any_deck_that_loads_lints_without_crashing(data: st.DataObject) -> None:
    # Lint reads whatever a valid deck may hold: every mutant of the shipped decks that
    # still loads gets warnings (or none) with a line inside the file, never an exception.
    name, text = data.draw(mutants())
    try:
        deck = load_deck_text(text.decode("utf-8"), f"{name}.toml")
    except (DeckError, UnicodeDecodeError):
        return
    lines = text.count(b"\n") + 1
    for w in lint_deck(deck):
        assert w.message and w.code and w.file == f"{name}.toml"
        assert w.line is None or 1 <= w.line <= lines


# -- targeted moves and offers -----------------------------------------------------------------

OFFERS = ROOT / "tests" / "decks_format" / "offers.toml"


def test_targeted_warnings_are_said_once_at_the_authors_line() -> None:
    path = FIXTURES / "targets-and-offers.toml"
    found = lint_deck(load_deck(path))
    keys = [(w.line, w.code, w.message) for w in found]
    assert len(keys) == len(set(keys))
    assert len([w for w in found if w.code == "since-unplayed"]) == 1  # two targets, one warning
    for w in found:
        assert "@" not in w.where and "@" not in w.message, str(w)  # no expanded ids


def test_the_offers_test_deck_lints_clean() -> None:
    assert lint_deck(load_deck(OFFERS)) == []


def test_a_secret_read_in_a_targeted_move_names_each_target_it_holds_for() -> None:
    text = OFFERS.read_text(encoding="utf-8")
    # Bravo cannot see Alpha's or Charlie's covert dealings: a chance reading the target's.
    text = text.replace('id = "wait"\nactor = "b"', 'id = "probe"\nactor = "b"\nname = "Probe {target}"\n'
                        'category = "information"\ntargets = ["a", "c"]\nchance = "0.5 + 0.1 * target.covert"\n\n'
                        '[[moves]]\nid = "wait"\nactor = "b"')
    deck = load_deck_text(text, "probe.toml")
    found = [w for w in lint_deck(deck) if w.code == "secret-input"]
    line = text.splitlines().index('chance = "0.5 + 0.1 * target.covert"') + 1
    assert [(w.line, w.where) for w in found] == [(line, "moves[3].chance")] * 2
    assert sorted(w.message.rsplit("(", 1)[1] for w in found) == ["for the target Alpha)", "for the target Charlie)"]


def test_an_offer_nobody_can_make_has_answers_nobody_can_give() -> None:
    text = OFFERS.read_text(encoding="utf-8").replace(
        'targets = ["b", "c"]\n[moves.offer]', 'targets = ["b", "c"]\nrequires = "tension > 50"\n[moves.offer]')
    deck = load_deck_text(text, "never.toml")
    reach = reachable(deck)
    assert not {m.index for m in deck.moves if m.base == "talks"} & reach.moves
    never = [w for w in lint_deck(deck) if w.code == "move-never-legal"]
    assert [(w.where, w.message) for w in never] == [
        ("moves[1].requires", "'talks' can never be ordered: its precondition is false in every reachable state")]


def test_answers_are_reachable_once_their_offer_is_even_for_an_actor_with_no_orders() -> None:
    text = OFFERS.read_text(encoding="utf-8").replace('[actors.b]\nname = "Bravo"', '[actors.b]\nname = "Bravo"\norders_per_turn = 0')
    deck = load_deck_text(text, "no-orders.toml")
    reach = reachable(deck)
    assert deck.move_index["talks@b/accept"] in reach.moves
    assert deck.move_index["wait"] not in reach.moves


def test_an_offers_expire_effects_count_as_changes() -> None:
    # `a.standing` changes only when talks expire unanswered (and through warn, on b and c).
    deck = load_deck(OFFERS)
    slot = deck.scope.actor_tracks["a"]["standing"]
    assert reachable(deck).slots[slot][0] < deck.start_values[slot]


def test_an_actor_with_no_orders_may_still_answer_offers() -> None:
    text = OFFERS.read_text(encoding="utf-8").replace('[actors.b]\nname = "Bravo"', '[actors.b]\nname = "Bravo"\norders_per_turn = 0')
    [w] = [w for w in lint_deck(load_deck_text(text, "no-orders.toml")) if w.code == "actor-without-moves"]
    assert w.message == "Bravo may give 0 orders a turn, so its moves can never be played (it may still answer offers made to it)"


def test_since_of_an_offers_answers_is_checked_and_named_as_written() -> None:
    text = OFFERS.read_text(encoding="utf-8").replace(
        "when = \"tension <= 0 or played('talks/accept')\"", "when = \"tension <= 0 or since('talks/accept') >= 2\"")
    [w] = lint_deck(load_deck_text(text, "since.toml"))
    assert (w.code, w.where) == ("since-unplayed", "endings[0].when")
    assert w.message.startswith("since('talks/accept') is 99 until 'talks/accept' has been played")
    # Guarded as the message suggests, it is meant.
    guarded = text.replace("since('talks/accept') >= 2", "played('talks/accept') and since('talks/accept') >= 2")
    assert lint_deck(load_deck_text(guarded, "since.toml")) == []


def test_an_opening_event_does_not_share_a_turn_with_the_others() -> None:
    # The opening (at = 0) fires only its own events, and they fire nowhere else: an event
    # that reads what the opening changed is not order-dependent on it (issue 19's deck
    # written from the docs got this note for its crest at at = 0).
    text = (ROOT / "tests" / "decks_format" / "opening.toml").read_text(encoding="utf-8")
    deck = load_deck_text(text + '\n[[events]]\nid = "flooding"\nwhen = "outage >= 6"\nonce = false\nnews = "Still dark."\n', "opening.toml")
    assert not [w for w in lint_deck(deck) if w.code in ("event-order-dependence", "event-cleared-above")]
