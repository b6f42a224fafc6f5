"""Prose: a (lead, text) line too long for its width wraps under its own text, so an
objective's mark and points stay in their column on the end screen, the briefing and the
replay's scores at 80 columns, and the widget is exactly as tall as what it draws."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.content import Content
from tui_helpers import screen_lines

from wargame.tui.widgets import Prose

LEAD = Content("  ✓ met    2 pts  ")
TEXT = "Keep the buffer state afloat (North Korean economy 2 or more) and the border quiet all year"


class OneProse(App[None]):
    def compose(self) -> ComposeResult:
        yield Prose([Content("Heading"), (LEAD, Content(TEXT)), Content("after")])


async def test_a_long_objective_wraps_under_its_own_words() -> None:
    app = OneProse()
    async with app.run_test(size=(50, 10)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
    lead = LEAD.cell_length
    assert lines[0] == "Heading"
    assert lines[1].startswith("  ✓ met    2 pts  Keep the")
    body = lines[2 : lines.index("after")]
    assert len(body) >= 2, lines  # the objective takes three lines at 50 columns
    for line in body:  # every line after the first starts under the objective's first word
        assert line[:lead] == " " * lead and line[lead] != " ", line
    words = " ".join([lines[1][lead:], *(line[lead:] for line in body)]).split()
    assert words == TEXT.split()
    assert lines.index("after") == 2 + len(body)  # as tall as drawn: no gap, nothing cut


def test_a_lead_that_leaves_little_room_wraps_the_whole_line_at_the_edge() -> None:
    lines = Prose([(LEAD, Content(TEXT))]).wrapped(24)
    assert [str(line) for line in lines][:2] == ["  ✓ met    2 pts  Keep", "the buffer state afloat"]


@given(
    words=st.lists(st.text(alphabet="abcdefghij()", min_size=1, max_size=12), min_size=1, max_size=30),
    lead=st.integers(0, 20),
    width=st.integers(30, 120),
)
def test_every_line_fits_and_keeps_every_word_in_order(words: list[str], lead: int, width: int) -> None:
    text = " ".join(words)
    lines = Prose([(Content("·" * lead), Content(text)), Content(text)]).wrapped(width)
    assert all(line.cell_length <= width for line in lines)
    drawn = " ".join(str(line) for line in lines).replace("·", " ").split()
    assert drawn == words + words
