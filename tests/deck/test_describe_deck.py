"""`wargame deck describe`: the whole deck in plain words, its channels included (who may
talk to whom, when a channel is open, public statements, the pairs no channel joins), for
the deck's author or as one seat may know it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from tests.conftest import korea_channels, korea_channels_text
from wargame.cli import cli
from wargame.deck.compile import CompiledDeck
from wargame.deck.describe import Describer, channels_in_words, deck_in_words

HOTLINE_WHEN = "tension >= 6 and flags.yoon_elected"
"""The hotline opens on a flag too: its description names both conditions."""


def channelled_text() -> str:
    return korea_channels_text(HOTLINE_WHEN)


def channelled() -> CompiledDeck:
    return korea_channels(HOTLINE_WHEN)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_each_channel_says_who_talks_and_when_it_is_open() -> None:
    lines = channels_in_words(channelled())
    assert lines[:3] == [
        "  The hotline (hotline): United States and China, privately; open only while Tension at least 6 and Yoon Suk Yeol elected president",
        "  Public statements (statements): in public: every seat may write, and every seat and the projector read it",
        "  Allies (allies): United States and South Korea, privately",
    ]
    # The pairs no private channel joins are named, so an author sees who cannot talk.
    assert lines[3] == ("  No private channel between North Korea and United States; North Korea and South Korea; "
                        "North Korea and China; South Korea and China.")
    assert "no effect on the game" in lines[4]


def test_a_deck_without_channels_has_the_direct_channel(decks: dict[str, CompiledDeck]) -> None:
    assert channels_in_words(decks["korea-2022"]) == [
        "  Direct messages (direct): any seat may write privately to any one or several others, at any time.",
    ]


def test_a_seat_reads_only_the_channels_it_is_on_and_no_secret() -> None:
    deck = channelled()
    lines = deck_in_words(deck, Describer.for_seat(deck, "rok"), "rok")
    text = "\n".join(lines)
    channels = lines[lines.index("Channels") + 1:]
    assert [line.split(" (")[0].strip() for line in channels[:2]] == ["Public statements", "Allies"]
    assert "hotline" not in text and "No private channel" not in text  # another pair's channel is not this seat's business
    # Its own moves only; another seat's secret track is marked, never given.
    moves = lines[lines.index("Moves") + 1:lines.index("Events")]
    assert moves[0] == "  South Korea"
    assert "  North Korea's covert work (hidden from you)" in lines
    assert "Prepare the nuclear test site" not in text


def test_the_whole_deck_in_words_for_its_author() -> None:
    lines = deck_in_words(channelled())
    assert lines[0] == "Korean Peninsula 2022: tests, sanctions, talks"
    assert "12 months; seats: North Korea, United States, South Korea and China." in lines
    assert "  Tension: 0 to 10, starts at 4; crisis at 6; brink at 9; war at 10" in lines
    assert any(line.startswith("    Prepare the nuclear test site (military, escalation 4, secret): needs North Korea's covert work below 2")
               for line in lines)
    assert "  War on the peninsula: when Tension at least 10" in lines
    assert "  Armed standoff: when the 12 months are up and no other ending has come" in lines
    assert [h for h in lines if h and not h.startswith(" ")][-6:] == ["Tracks", "Flags", "Moves", "Events", "Endings", "Channels"]


def test_the_cli_prints_it_and_refuses_an_unknown_seat_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "korea-channels.toml"
    path.write_text(channelled_text(), encoding="utf-8")
    result = run("deck", "describe", str(path))
    assert result.exit_code == 0
    assert "The hotline (hotline): United States and China, privately; open only while Tension at least 6" in result.output
    seat = run("deck", "describe", str(path), "--seat", "dprk")
    assert seat.exit_code == 0 and "Allies" not in seat.output and "Public statements" in seat.output
    bad = run("deck", "describe", str(path), "--seat", "mars")
    assert bad.exit_code == 2
    assert bad.output.strip().splitlines() == [f"error: --seat: {path} has no actor 'mars' (actors: dprk, us, rok, china)"]
