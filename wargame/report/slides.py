"""The debrief as slides for a room: one turn per screen in large type, built from the same
viewer's report data as the after-action report (so it shows no more than that viewer may know).

A slide says what happened (the turn's key moments, events and news), what each side chose
(with the marks of its choices where odds may be shown), the odds chart with the turn
marked and the discussion questions the deck places there. The words come from the
report's model (`model.py`); the template `slides.html.j2` lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass

from wargame.analysis.moments import Moment, story
from wargame.report.data import ReportData, TurnEntry, num
from wargame.report.model import (
    Block,
    Item,
    ItemList,
    Paragraph,
    Plot,
    Prompt,
    Report,
    Run,
    Text,
    clean,
    report_model,
    strong,
    tag,
    words,
)
from wargame.report.svg import PALETTE, Chart, Line
from wargame.words import count

MORE = 4
"""Key moments a turn's slide lists beyond the story's (the rest are in the report)."""


@dataclass(frozen=True)
class Slide:
    """One screen: a kicker above the title ("Week 3 of 12 · key moment"), its blocks (text
    on the left) and a chart (on the right), if any."""

    id: str
    kicker: str
    title: Text
    blocks: tuple[Block, ...]
    plot: Plot | None = None
    story: bool = False
    """A turn of the game's story (one of its key moments happened then)."""
    warning: Text = ()
    """Shown above everything on the slide: the opening's warning that the save does not
    verify (`ReportData.warning`, the words the report and the viewer use)."""

    @property
    def legend(self) -> tuple[tuple[str, str], ...]:
        """The chart's lines by name and colour, named in the slide's own large type."""
        if self.plot is None:
            return ()
        return tuple((line.label, PALETTE[k % len(PALETTE)]) for k, line in enumerate(self.plot.chart.lines))


@dataclass(frozen=True)
class SlideShow:
    """The whole debrief for one viewer: `report` for its title and facts, then the slides."""

    report: Report
    slides: tuple[Slide, ...]

    @property
    def title(self) -> str:
        return self.report.title


def slides_model(r: ReportData) -> SlideShow:
    """The slides of `r`'s debrief: the opening, what happened before the first orders
    (a deck's prologue), a slide per turn played, the ending and the questions the deck
    does not place at a turn."""
    report = report_model(r)
    told = story(r.moments)
    slides = [_opening(r, report)]
    if r.opening is not None:
        slides.append(_prologue(r.opening))
    slides.extend(_turn(r, entry, told) for entry in r.timeline)
    slides.append(_ending(r))
    unplaced = [q for q in r.questions if not q.turn_label]
    if unplaced:
        slides.append(Slide("questions", "Discussion", words("Questions for the room"),
                            (ItemList(tuple(Item(words(clean(q.text))) for q in unplaced), numbered=True),)))
    return SlideShow(report, tuple(slides))


def _opening(r: ReportData, report: Report) -> Slide:
    seats = ItemList(tuple(Item(words(strong(clean(s.name))), (words(clean(s.played_by)),)) for s in r.seats), "Seats")
    blocks: list[Block] = [Paragraph(report.summary)] if report.summary else []
    if r.parent:
        blocks.append(Paragraph(words(clean(r.parent)[:1].upper() + clean(r.parent)[1:]), note=True))  # where a branch split
    blocks.append(seats)
    blocks.append(Paragraph(words(f"{r.turns_played} of {r.turns} {clean(r.unit)}s played. "), note=True))
    blocks.append(Paragraph(report.audience, note=True))
    # A room must not take replayed values for the record: the warning leads the first slide.
    return Slide("opening", "Debrief", words(clean(r.title)), tuple(blocks), warning=report.warning)


def _prologue(entry: TurnEntry) -> Slide:
    """The deck's opening (turn 0): its events and news, as the viewer may see them."""
    happened = [Item(words(tag("event", "event"), " ", clean(e))) for e in entry.events]
    happened += [Item(words(tag("news", "news"), " ", clean(n.text))) for n in entry.news[:MORE]]
    blocks: list[Block] = [ItemList(tuple(happened), "What happened")] if happened else [Paragraph(words("Nothing came to light."), note=True)]
    return Slide("prologue", "Prologue", words(clean(entry.label)), tuple(blocks))


def _turn(r: ReportData, entry: TurnEntry, told: list[Moment]) -> Slide:
    unit = clean(r.unit)
    moments = [m for m in r.moments if m.turn == entry.turn]
    shown = [m for m in moments if m in told] + [m for m in moments if m not in told][:MORE]
    happened = [Item(words(tag(clean(m.kind_label), m.kind), " ", clean(m.text))) for m in shown]
    if len(moments) > len(shown):
        happened.append(Item(words(Run(f"and {len(moments) - len(shown)} more in the report", "aside"))))
    if not moments:
        happened.extend(Item(words(tag("event", "event"), " ", clean(e))) for e in entry.events)
        happened.extend(Item(words(tag("news", "news"), " ", clean(n.text))) for n in entry.news[:MORE])
    blocks: list[Block] = [ItemList(tuple(happened), "What happened")] if happened else [Paragraph(words("Nothing came to light."), note=True)]
    chose = []
    for row in entry.orders:
        moves = ", ".join(clean(m) for m in row.moves) or ("no orders" if row.complete else "nothing came to light")
        text = words(strong(clean(row.name)), ": ", moves)
        if r.marks is not None:
            mark = next((m for m in r.marks.at(entry.turn) if m.seat == row.actor), None)
            if mark is not None and mark.kind:
                text += words(" ", tag(f"{mark.symbol} {mark.kind}", mark.kind))
        chose.append(Item(text))
    blocks.append(ItemList(tuple(chose), "What each side chose" if all(row.complete for row in entry.orders) else "What each side chose, as far as it came to light"))
    blocks.extend(Prompt(words("Discuss: ", clean(q))) for q in entry.questions)
    kicker = f"{unit.capitalize()} {entry.turn} of {r.turns_played}" + (" · key moment" if any(m in told for m in moments) else "")
    title = words(clean(entry.label)[:1].upper() + clean(entry.label)[1:])
    return Slide(f"turn-{entry.turn}", kicker, title, tuple(blocks), _plot(r, entry.turn), any(m in told for m in moments))


def _plot(r: ReportData, turn: int) -> Plot | None:
    """The odds chart with `turn` marked where the viewer may see odds, else the escalation
    chart with the turn marked."""
    a = r.analysis
    if a is not None and a.odds:
        # Point i is the odds before turn i+1 (or at the end): turn t moved them from
        # point t-1 to point t.
        now = r.turns_played + 1
        x_labels = ["end" if o.final else "now" if o.turn == now else str(o.turn) for o in a.odds]
        lines = [Line(clean(a.titles.get(e, e)), [o.p(e) for o in a.odds], [o.interval(e) for o in a.odds]) for e in a.endings]
        chart = Chart(f"Ending odds before each {clean(r.unit)}, {clean(r.unit)} {turn} shaded", x_labels, lines, 0.0, 1.0, "{:.0%}", (), (turn,), legend=False)
        return Plot(f"chart-odds-{turn}", chart)
    played = range(1, r.turns_played + 1)
    lines = [Line(clean(r.actor_names[a]), [float(v) for v in vs]) for a, vs in r.escalation.items()]
    values = [v for vs in r.escalation.values() for v in vs]
    # The escalation chart has a point per turn: shading from the turn before to this one.
    chart = Chart(f"Escalation score by {clean(r.unit)}, {clean(r.unit)} {turn} shaded", [str(i) for i in played], lines,
                  min([0, *values]), max([1, *values]), "{:g}", (), (turn - 1,) if turn > 1 else (), legend=False)
    return Plot(f"chart-escalation-{turn}", chart)


def _ending(r: ReportData) -> Slide:
    unit = clean(r.unit)
    if r.ending:
        head = words(strong(clean(r.ending)), f" after {count(r.turns_played, unit)}.")
        if r.ending_text:
            head += words(" ", clean(r.ending_text))
    else:
        head = words(f"The game is not over: {r.turns_played} of {r.turns} {unit}s played.")
    blocks: list[Block] = [Paragraph(head)]
    if r.scores:
        blocks.append(ItemList(tuple(Item(words(strong(clean(s.name)), f": {num(s.total)} of {num(s.best)} points")) for s in r.scores), "Objectives"))
    if r.marks is not None and r.marks.seats:
        rows = []
        for seat in r.marks.seats:
            marked = [m for m in r.marks.of(seat) if m.kind in {"blunder", "mistake", "inaccuracy", "strong"}]
            text = words(strong(clean(r.actor_names.get(seat, seat))), ": ")
            text += tuple(x for m in marked for x in words(tag(f"{m.symbol} {m.kind}", m.kind), f" {clean(r.unit)} {m.turn} "))
            rows.append(Item(text if marked else words(strong(clean(r.actor_names.get(seat, seat))), ": every choice sound")))
        blocks.append(ItemList(tuple(rows), "Marked choices"))
    return Slide("ending", "The ending", words("How it ended"), tuple(blocks))
