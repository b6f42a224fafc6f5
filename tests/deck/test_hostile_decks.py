"""Hostile deck files (issue 8): terminal control characters, too many actors, FIFOs and
huge ids each give clear problems with file and line, never a traceback or a hang."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from wargame.deck.loader import load_deck, load_deck_text
from wargame.errors import DeckError

TUTORIAL = (Path(__file__).resolve().parents[2] / "decks" / "tutorial.toml").read_text()


def problems(text: str) -> list[str]:
    with pytest.raises(DeckError) as caught:
        load_deck_text(text, "deck.toml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


@pytest.mark.parametrize(
    ("original", "hostile", "where"),
    [
        ('title = "Tutorial: the harbour standoff"', 'title = "Tutorial\\u001b]0;owned\\u0007"', "deck.title"),
        ('name = "Red"', 'name = "Red\\u001b[2J"', "actors.red.name"),
        ('news = "A hotline opens between the two capitals."', 'news = "A hotline\\u009b2J opens."', "events[0].news"),
        ('label = "Tension"', 'label = "Ten\\rsion"', "tracks.tension.label"),
        ('label = "Tension"', 'label = "Ten\\u202esion"', "tracks.tension.label"),
        ('[actors.red]', '["actors"."red\\u001b"]', 'actors."red\\x1b"'),
    ],
    ids=["osc-in-title", "csi-in-name", "c1-in-news", "carriage-return", "bidi-override", "escape-in-a-key"],
)
def test_control_characters_are_refused_at_their_line(original: str, hostile: str, where: str) -> None:
    assert original in TUTORIAL
    text = TUTORIAL.replace(original, hostile, 1)
    found = problems(text)
    line = line_of(text, hostile)
    assert len(found) == 1, found
    assert found[0].startswith(f"deck.toml:{line}: {where}: ")
    assert "control character U+" in found[0]
    assert "\x1b" not in found[0] and "\x9b" not in found[0]


def test_tabs_and_newlines_are_fine() -> None:
    text = TUTORIAL.replace('name = "Red"', 'name = "Red\\tNation"', 1)
    assert load_deck_text(text, "deck.toml").actor_name("red") == "Red\tNation"


def test_every_control_character_in_a_deck_is_reported() -> None:
    text = TUTORIAL.replace('name = "Red"', 'name = "R\\u001bed"', 1).replace('name = "Blue"', 'name = "B\\u0007lue"', 1)
    assert [p.split(": ")[1] for p in problems(text)] == ["actors.red.name", "actors.blue.name"]


def test_a_deck_with_more_than_16_actors_is_one_clear_problem() -> None:
    extra = "".join(f'\n[actors.x{i}]\nname = "X{i}"\nbrief = "b"\n' for i in range(16))
    text = TUTORIAL.replace("[actors.red]", extra + "\n[actors.red]", 1)
    assert problems(text) == [f"deck.toml:{line_of(text, '[actors.x0]')}: actors: has 18 entries; at most 16 are allowed"]


def test_a_huge_id_gives_a_short_message() -> None:
    text = TUTORIAL.replace('actor = "red"', 'actor = "' + "r" * 1_900_000 + '"', 1)
    found = problems(text)
    assert found and all(len(p) < 800 for p in found)


def test_a_fifo_given_as_a_deck_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "deck.toml"
    os.mkfifo(fifo)
    outcome: list[str] = []

    def attempt() -> None:
        try:
            load_deck(fifo)
        except DeckError as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "load_deck hung on a FIFO"
    assert outcome == [f"{fifo}: not a regular file (a pipe, device or socket), so not a deck"]
