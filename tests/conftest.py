"""Shared test setup: hypothesis profiles, the committed decks, and a random-game driver.

`HYPOTHESIS_PROFILE=ci` (set by `.ci/run`) keeps property tests small, fixes their
examples and drops the per-example deadline, since CI machines are slow and shared;
"dev" is the default.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from wargame.bots.answers import split_answers
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck, load_deck_text
from wargame.engine.game import Game
from wargame.engine.state import TurnRecord
from wargame.errors import DeckError, IllegalOrderError
from wargame.saves.format import SaveModel
from wargame.saves.store import new_save

ROOT = Path(__file__).resolve().parent.parent
DECKS = ROOT / "decks"

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=15,
    deadline=None,
    # CI must pass or fail for a reason in the code, not the draw: the same examples every
    # run. Local runs ("dev") keep exploring new examples.
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

DECK_NAMES = sorted(p.stem for p in DECKS.glob("*.toml"))


def deck_corpus() -> list[Path]:
    """Every deck the project ships or tests with, that loads (the engines' agreement and
    the generated rules are held on all of them)."""
    paths = [*sorted(DECKS.glob("*.toml"))]
    for folder in ("decks_format", "decks_lint", "golden"):
        paths += sorted((ROOT / "tests" / folder).glob("*.toml"))
    out = []
    for path in paths:
        try:
            load_deck(path)
        except DeckError:
            continue
        out.append(path)
    return out
"""Every committed deck (the tutorial, korea-2022, ...): property tests run on all of them,
found in decks/ so a new deck is covered the day it is added."""
SCENARIO_NAMES = [name for name in DECK_NAMES if name != "tutorial"]
"""The shipped scenarios: every deck but the tutorial, which teaches the rules and has no
history behind it."""


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Collect the garbage of the whole run now, and freeze what is left.

    After its last test a pytest-xdist worker has 5 s to finish, or execnet interrupts it
    (a KeyboardInterrupt traceback after "passed"); pytest then runs five full garbage
    collections over everything the run built (2.5 to 4.3 s each measured on a loaded
    machine). Collected here, before the worker says it is done, they are quick: frozen
    objects are not scanned again. Finalizers still run under pytest's watch."""
    gc.collect()
    gc.freeze()


CHROMIUM_PLACES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium")
"""Where the system packages put Chromium, for a PATH that lacks their folder."""
NO_CHROMIUM = "no chromium on this machine (apt-get install chromium; .ci/run does it where apt is available)"


def find_chromium() -> str | None:
    """The system's Chromium for the browser tests (never a downloaded one): on PATH, or
    where the packages install it. A run under a PATH without /usr/bin (some CI and tool
    environments) found none on PATH and skipped the tests though Chromium was there."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in CHROMIUM_PLACES if os.access(p, os.X_OK)), None)


@pytest.fixture(scope="session")
def decks() -> dict[str, CompiledDeck]:
    """Every committed deck, loaded once (a compiled deck is never changed by a game)."""
    return {name: load_deck(DECKS / f"{name}.toml") for name in DECK_NAMES}


@pytest.fixture(scope="session")
def tutorial(decks: dict[str, CompiledDeck]) -> CompiledDeck:
    return decks["tutorial"]


def leaky_korea_text() -> str:
    """korea-2022 with two secret reads it had before issue 9: counter-fire's odds read
    South Korea's own secret covert work (hidden from the other seats as meant: lint is
    silent on it since issue 19), and the nuclear test's effects read China's (a leak: the
    change every seat sees tells of it). The shipped deck has neither; tests of the
    machinery that marks, hides and warns about such reads need a deck that does."""
    text = (DECKS / "korea-2022.toml").read_text(encoding="utf-8")
    start = text.index('id = "counter-fire"')
    at = text.index("chance = 0.85", start)
    text = text[:at] + 'chance = "min(0.95, 0.85 + 0.05 * rok.covert)"' + text[at + len("chance = 0.85") :]
    plain = '"dprk.economy -= 1", "china.standing -= 1",'
    assert text.count(plain) == 1
    return text.replace(plain, '"dprk.economy -= 1 + (china.covert >= 1)", "china.standing -= 1 + (china.covert >= 1)",')


@pytest.fixture(scope="session")
def leaky_korea() -> CompiledDeck:
    """See `leaky_korea_text`."""
    return load_deck_text(leaky_korea_text(), "korea-2022-leaky.toml")


def korea_channels_text(hotline_when: str = "tension >= 6") -> str:
    """korea-2022 with three channels: the hotline between the US and China (open while
    `hotline_when` holds), public statements, and the allies (the US and South Korea). For
    the tests of talk, and of the deck's description of its channels."""
    channels = f'''

[[channels]]
name = "hotline"
title = "The hotline"
members = ["us", "china"]
when = "{hotline_when}"

[[channels]]
name = "statements"
title = "Public statements"
public = true

[[channels]]
name = "allies"
title = "Allies"
members = ["us", "rok"]
'''
    return (DECKS / "korea-2022.toml").read_text(encoding="utf-8") + channels


def korea_channels(hotline_when: str = "tension >= 6") -> CompiledDeck:
    """See `korea_channels_text`."""
    return load_deck_text(korea_channels_text(hotline_when), "korea-channels.toml")


Draw = Callable[[st.SearchStrategy[Any]], Any]


def inject_effects(deck: CompiledDeck) -> st.SearchStrategy[list[str]]:
    """Effects a facilitator might type: any track, any amount (often out of bounds), flags, reveals."""
    numbers = st.one_of(st.integers(-50, 50), st.floats(-1e6, 1e6, allow_nan=False))
    track = st.sampled_from(deck.slot_names)
    effect = st.one_of(
        st.builds(lambda t, n: f"{t} += {n!r}", track, numbers),
        st.builds(lambda t, n: f"{t} -= {n!r}", track, numbers),
        st.builds(lambda t, n: f"{t} = {n!r}", track, numbers),
        *(
            [st.builds(lambda f, b: f"flags.{f} = {'true' if b else 'false'}", st.sampled_from(deck.flag_names), st.booleans())]
            if deck.flag_names
            else []
        ),
        st.builds(lambda m: f"reveal('{m.id}')", st.sampled_from([m for m in deck.moves if m.secret] or deck.moves)),
    )
    return st.lists(effect, min_size=1, max_size=3)


def play_turn(game: Game, draw: Draw, facilitator: bool = True) -> TurnRecord:
    """Resolve one turn of `game` with orders (and, if `facilitator`, injects and dice
    overrides) drawn by hypothesis from what is legal now."""
    for actor in game.actors:
        available = game.available_moves(actor)
        options = game.legal_moves(actor)
        assert [o.move for o in options if o.available] == available
        for option in options:
            # Every unavailable move says why, and ordering it is refused with that reason.
            if not option.available:
                assert option.reason
                with pytest.raises(IllegalOrderError, match=re.escape(option.reason)):
                    game.submit(actor, [option.move.id])
        # Ordinary orders up to the limit, and to each offer waiting one answer or none
        # (answers cost no order; accepting and refusing the same offer is refused).
        ordinary, pending = split_answers(available)
        k = draw(st.integers(0, min(len(ordinary), game.orders_allowed(actor))))
        picks = draw(st.permutations([m.id for m in ordinary]))[:k] if k else []
        for offer in pending:
            answer = draw(st.sampled_from([offer.accept, offer.refuse, None]))
            if answer is not None:
                picks.append(answer.id)
        game.submit(actor, picks)
    if facilitator:
        deck = game.deck
        for _ in range(draw(st.integers(0, 2))):
            # Any deck event may be fired by hand, except a `once` event that already fired.
            ready = [
                e.id
                for e in deck.events
                if not (e.once and (game.state.fired[e.index] or any(i.event == e.id for i in game.injects)))
            ]
            if ready and draw(st.booleans()):
                game.fire_inject(event=draw(st.sampled_from(ready)))
            else:
                game.fire_inject(text="The facilitator intervenes.", effects=draw(inject_effects(deck)))
        for key, _label, _p in game.pending_rolls():
            if draw(st.integers(0, 3)) == 0:
                game.override(key, draw(st.booleans()))
    return game.resolve()


@pytest.fixture(scope="session")
def drive() -> Callable[[Game, Draw, bool], TurnRecord]:
    """`drive(game, data.draw, facilitator)` plays one turn with hypothesis-drawn input."""
    return play_turn


OFFERS_DECK = ROOT / "tests" / "decks_format" / "offers.toml"

OFFERS_SCRIPT: tuple[dict[str, list[str]], ...] = (
    # Turn 1: Alpha offers Charlie talks; Charlie secretly offers Alpha a backchannel deal.
    {"a": ["talks@c"], "b": ["wait"], "c": ["backchannel@a"]},
    # Turn 2: Charlie refuses the talks; Alpha quietly accepts the deal and offers Bravo talks.
    {"a": ["talks@b", "backchannel@a/accept"], "b": [], "c": ["talks@c/refuse"]},
    # Turn 3: Bravo lets the offer wait; Alpha warns Charlie; Charlie offers the deal again.
    {"a": ["warn@c"], "b": ["wait"], "c": ["backchannel@a"]},
    # Turn 4: nobody answers: Bravo's talks and Charlie's second deal expire.
    {"a": ["warn@b"], "b": [], "c": ["wait-c"]},
    # Turn 5: Alpha offers Bravo talks again.
    {"a": ["talks@b"], "b": ["wait"], "c": []},
    # Turn 6: Bravo accepts (calm); Charlie's third deal is left unanswered at the end.
    {"a": [], "b": ["talks@b/accept"], "c": ["backchannel@a"]},
)
"""A short game of the offers test deck in which offers meet every fate: refused (public),
accepted (secret, then public), expired (public and secret), unanswered at the end."""


@pytest.fixture(scope="session")
def offers_deck() -> CompiledDeck:
    """tests/decks_format/offers.toml: a targeted move, a public offer and a secret one."""
    return load_deck(OFFERS_DECK)


@pytest.fixture(scope="session")
def offers_save(offers_deck: CompiledDeck) -> SaveModel:
    """`OFFERS_SCRIPT` played (human seats), saved with a fixed id and date."""
    game = Game(offers_deck, 11)
    for orders in OFFERS_SCRIPT:
        for actor, given in orders.items():
            game.submit(actor, given)
        game.resolve()
    assert game.is_over and len(game.records) == len(OFFERS_SCRIPT)
    save = new_save(game, dict.fromkeys(offers_deck.actors, "human"))
    return save.model_copy(update={"save_id": "golden000002", "created": "2022-01-03T09:00:00+00:00"})

