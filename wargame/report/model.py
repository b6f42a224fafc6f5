"""The after-action report as one model that every format renders: each sentence decided once.

`report_model` turns a viewer's `ReportData` into sections of plain typed blocks (headings,
paragraphs of text runs, lists, tables, charts as data), with every word, number and note
on what is withheld settled here. The templates in `wargame/report/templates/` only lay the
model out: markup, escaping and layout are all that differ between Markdown and HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from wargame.analysis.marks import Marks
from wargame.analysis.moments import Moment, story
from wargame.analysis.turning import Analysis
from wargame.analysis.whatif import WhatIf
from wargame.observe.labels import draw_label, draw_needed
from wargame.report.data import OfferRow, ReportData, RollRow, ScoreRow, TurnEntry, num, pct
from wargame.report.svg import Chart, Line
from wargame.text import safe_text
from wargame.words import count, possessive

Style = Literal["", "strong", "code", "label", "tag", "aside"]
"""How a run of text stands out: plain; `strong` (emphasis); `code` (an identifier); `label`
(the lead-in of a line, "Events", set off where the format can); `tag` (a short mark after
a thing, "not public", "actual": a badge, or in parentheses); `aside` (secondary figures,
an interval after a percentage)."""


@dataclass(frozen=True)
class Run:
    """A piece of a sentence in one style."""

    text: str
    style: Style = ""
    kind: str = ""
    """What a tag marks (`restricted`, `forced`): a format may colour it by this."""


Text = tuple[Run, ...]
"""A sentence or a phrase: runs read one after another."""


def clean(value: object) -> str:
    """Deck or save text as the report prints it: on one line, runs of white space made one
    space, control characters shown as escapes (the text is hostile: it must not start a new
    Markdown block or drive a terminal that shows the file)."""
    return safe_text(" ".join(str(value).split()))


def words(*parts: str | Run) -> Text:
    """A `Text` from plain strings (already cleaned, or the report's own words) and runs."""
    return tuple(Run(p) if isinstance(p, str) else p for p in parts if not isinstance(p, str) or p)


def strong(text: str) -> Run:
    return Run(text, "strong")


def tag(text: str, kind: str = "") -> Run:
    return Run(text, "tag", kind)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; a `note` is about the report itself (how figures were made, what is left out)."""

    block: ClassVar[str] = "paragraph"
    text: Text
    note: bool = False


@dataclass(frozen=True)
class Item:
    text: Text
    details: tuple[Text, ...] = ()
    """Lines under the item (a computer seat's reasons under its orders)."""


@dataclass(frozen=True)
class ItemList:
    """A list of items, under a `label` ("Orders") when it has one."""

    block: ClassVar[str] = "list"
    items: tuple[Item, ...]
    label: str = ""
    numbered: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Text, ...]
    kind: str = ""
    """What the row is (`offer accepted`): a format may mark or style rows by it."""


@dataclass(frozen=True)
class Table:
    block: ClassVar[str] = "table"
    headers: tuple[Text, ...]
    rows: tuple[Row, ...]
    numeric: frozenset[int] = frozenset()
    """Columns of figures (aligned right where a format can)."""


@dataclass(frozen=True)
class Plot:
    """One line chart, drawn by `svg.line_chart` for the formats that draw."""

    id: str
    chart: Chart


@dataclass(frozen=True)
class Figure:
    """Figures over the turns: `table` for formats that write them out, `plots` (the same
    numbers as charts) for formats that draw; `caption` says what they are, for both."""

    block: ClassVar[str] = "figure"
    table: Table
    plots: tuple[Plot, ...]
    caption: Text = ()


@dataclass(frozen=True)
class Roll:
    """One chance roll of a turn, as the viewer may know it."""

    what: Text
    chance: str
    """"60%", or empty when it is not shown (nor is the draw)."""
    draw: str
    """The draw and what it had to be: "17 of 100 (needed 59 or under)"."""
    note: Text
    """Why the chance and draw are not shown, when they are not."""
    odds: Text
    """The chance and the draw in words: "60% chance; the roll was 17 of 100 (needed 59 or
    under)", or why they are not shown."""
    result: Text
    """"success" or "failure", tagged when the facilitator forced it."""


@dataclass(frozen=True)
class Rolls:
    """A turn's dice: a line each, or a table with `columns`."""

    block: ClassVar[str] = "rolls"
    label: str
    columns: tuple[str, str, str, str]
    rolls: tuple[Roll, ...]


@dataclass(frozen=True)
class Objective:
    text: Text
    points: str
    met: bool
    verdict: str
    """"met" or "missed"."""


@dataclass(frozen=True)
class Score:
    name: str
    points: str
    """"3 of 4 points"."""
    objectives: tuple[Objective, ...]


@dataclass(frozen=True)
class Scores:
    """Each actor's objectives, met or missed, and its points."""

    block: ClassVar[str] = "scores"
    scores: tuple[Score, ...]
    columns: tuple[str, str, str, str]
    none: str
    """What an actor without objectives has, where a table needs a cell for it."""


@dataclass(frozen=True)
class Prompt:
    """A question put to the room at this point of the debrief."""

    block: ClassVar[str] = "prompt"
    text: Text


@dataclass(frozen=True)
class Section:
    """A headed part of the report: `level` 2 for the report's sections, 3 within them."""

    block: ClassVar[str] = "section"
    id: str
    """Unique in the report, safe as an anchor: `offers`, `turn-3`."""
    title: Text
    level: int
    blocks: tuple[Block, ...]
    kind: str = ""
    """`turn` for a turn of the timeline (a format may set each one apart)."""


Block = Paragraph | ItemList | Table | Figure | Rolls | Scores | Prompt | Section


@dataclass(frozen=True)
class Report:
    """The whole report for one viewer."""

    title: str
    facts: tuple[Text, ...]
    """Deck, save, branch, turns played: a line each."""
    audience: Text
    """Whom the report is for, and so what it holds."""
    summary: Text
    body: tuple[Block, ...]
    warning: Text = ()
    """"This save does not verify: ...", first under the title; empty when it verifies."""


NO_QUESTIONS = "The deck sets none. What did each side intend, what did it know when it decided, and what would it do differently?"
ANSWERS_NOTE = " Answering an offer scores 0: what an acceptance or a refusal changed is in the Offers section."
OFFERS_NOTE = "Each offer waited for its recipient's answer (answering cost no order) until it was accepted, refused or expired."
ESCALATION_NOTE = "The summed escalation scores of each side's moves that resolved (negative is de-escalation)."
WHATIF_NOTE = "Each choice was played on the same dice, the other seats' orders as given."


def report_model(r: ReportData) -> Report:
    """Everything `r`'s report says, in order, for any format."""
    unit = clean(r.unit)
    facts = [
        words("Deck: ", clean(r.deck_title), " (", Run(clean(r.deck_id), "code"), ")"),
        words("Save: ", clean(r.save_id), ", created ", clean(r.created), f", seed {r.seed}" if r.seed is not None else ""),
    ]
    if r.parent:
        facts.append(words(_capital(clean(r.parent))))
    facts.append(words(f"Played: {r.turns_played} of {r.turns} {unit}s", ", with a facilitator" if r.facilitated else ""))
    body: list[Block] = [_seats(r), _outcome(r, unit), _moments(r)]
    if r.analysis is not None:
        body.append(_odds(r, r.analysis, unit))
    if r.marks is not None:
        body.append(_marks(r, r.marks))
    if r.tracks:
        body.append(_tracks(r))
    body.append(_escalation(r, unit))
    if r.deck_offers:
        body.append(_offers(r, unit))
    if r.messages:
        body.append(_messages(r))
    if r.splits:
        body.append(_splits(r))
    opening = (_turn(r.opening),) if r.opening is not None else ()
    body.append(Section("timeline", words("Timeline"), 2, opening + tuple(_turn(entry, r.marks) for entry in r.timeline)))
    if r.whatifs:
        body.append(Section("what-ifs", words("What-ifs"), 2, tuple(_whatif(i, w) for i, w in enumerate(r.whatifs, 1))))
    if r.withheld:
        body.append(Paragraph(words(clean(r.withheld)), note=True))
    body.append(_questions(r))
    return Report(
        title=f"After-action report: {clean(r.title)}",
        facts=tuple(facts),
        audience=words("This report is for ", clean(r.viewer_label)),
        summary=words(clean(r.summary)),
        body=tuple(body),
        warning=words(clean(r.warning)),
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _turn_label(r: ReportData, turn: int) -> str:
    """`Week 3`: a turn as the key moments and the offers name it."""
    return clean(r.turn_labels[turn - 1]) if 0 < turn <= len(r.turn_labels) else f"{_capital(clean(r.unit))} {turn}"


def _seats(r: ReportData) -> Section:
    rows = tuple(Row((words(clean(s.name)), words(clean(s.played_by)), words(clean(s.brief)))) for s in r.seats)
    return Section("seats", words("Seats"), 2, (Table((words("Actor"), words("Played by"), words("Brief")), rows),))


def _outcome(r: ReportData, unit: str) -> Section:
    if r.ending:
        text = words(strong(clean(r.ending)), f" after {count(r.turns_played, unit)}.")
        ending_text = clean(r.ending_text)
        if ending_text:
            text += words(" ", ending_text)
    else:
        text = words(f"The game is not over: {r.turns_played} of {r.turns} {unit}s played.")
    blocks: list[Block] = [Paragraph(text)]
    if r.scores:
        scores = Scores(tuple(_score(s) for s in r.scores), ("Actor", "Objective", "Points", ""), "(no objectives)")
        blocks.append(Section("objectives", words("Objectives"), 3, (scores,)))
    return Section("outcome", words("Outcome"), 2, tuple(blocks))


def _score(s: ScoreRow) -> Score:
    objectives = tuple(
        Objective(words(clean(o.text)), num(o.points), o.met, "met" if o.met else "missed") for o in s.objectives
    )
    return Score(clean(s.name), f"{num(s.total)} of {num(s.best)} points", objectives)


def _moments(r: ReportData) -> Section:
    if not r.moments:
        return Section("key-moments", words("Key moments"), 2, (Paragraph(words("Nothing stood out.")),))
    told = story(r.moments)
    blocks: list[Block] = [ItemList(tuple(_moment(r, m) for m in told))]
    rest = [m for m in r.moments if m not in told]
    if rest:
        blocks.append(Section("more-moments", words("More moments"), 3, (ItemList(tuple(_moment(r, m) for m in rest)),)))
    return Section("key-moments", words("Key moments"), 2, tuple(blocks))


def _moment(r: ReportData, m: Moment) -> Item:
    return Item(words(strong(_turn_label(r, m.turn)), " ", tag(clean(m.kind_label)), ": ", clean(m.text)))


def _interval(p: float, lo: float, hi: float) -> Text:
    """A chance with its 95% interval: "18% (9%-32%)"."""
    return words(pct(p), " ", Run(f"({pct(lo)}-{pct(hi)})", "aside"))


def _odds(r: ReportData, a: Analysis, unit: str) -> Section:
    blocks: list[Block] = []
    if a.turning_points:
        blocks.append(ItemList(tuple(Item(words(clean(tp.text()))) for tp in a.turning_points)))
    else:
        blocks.append(Paragraph(words("No turn moved the odds of any ending by 5 points or more.")))
    now = r.turns_played + 1
    rows = []
    for o in a.odds:
        label = "end" if o.final else "now" if o.turn == now else f"{unit} {o.turn}" if o.turn < now else str(o.turn)
        cells = [words(pct(o.p(e))) if o.final else _interval(o.p(e), *o.interval(e)) for e in a.endings]
        rows.append(Row((words(label), *cells)))
    table = Table((words("Before"), *(words(clean(a.titles.get(e, e))) for e in a.endings)), tuple(rows))
    x_labels = ["end" if o.final else "now" if o.turn == now else str(o.turn) for o in a.odds]
    lines = [Line(clean(a.titles.get(e, e)), [o.p(e) for o in a.odds], [o.interval(e) for o in a.odds]) for e in a.endings]
    marks = [tp.turn for tp in a.turning_points]  # the point after the turn that moved the odds
    chart = Chart(f"Ending odds before each {unit} (95% intervals shaded)", x_labels, lines, 0.0, 1.0, "{:.0%}", (), marks)
    stand = ", ".join(f"{clean(r.actor_names.get(k, k))}: {clean(v)}" for k, v in a.stand_ins.items())
    caption = words(f"Ending odds before each {unit} ({a.rollouts} continuations each, seed {a.seed}; stand-ins {stand}), with 95% intervals:")
    blocks.append(Figure(table, (Plot("chart-odds", chart),), caption))
    return Section("turning-points", words("Turning points"), 2, tuple(blocks))


def _tracks(r: ReportData) -> Section:
    played = range(1, r.turns_played + 1)
    table = Table(
        (words("Track"), words("start"), *(words(str(i)) for i in played)),
        tuple(Row((words(clean(t.label)), *(words(num(v)) for v in t.values))) for t in r.tracks),
    )
    # One chart per track, and one for a track every actor has ("Standing by actor").
    x_labels = ["start", *(str(i) for i in played)]
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(r.tracks):
        groups.setdefault(t.name.split(".", 1)[1] if "." in t.name else t.name, []).append(i)
    plots = []
    for n, (key, members) in enumerate(groups.items()):
        tracks = [r.tracks[i] for i in members]
        first = tracks[0]
        if "." in first.name:
            title = clean(first.label).split(": ", 1)[-1] + " by actor"
            lines = [Line(clean(t.label).split(": ", 1)[0], t.values) for t in tracks]
        else:
            title = clean(first.label)
            lines = [Line(title, first.values)]
        lo = min(t.lo for t in tracks)
        hi = max(t.hi for t in tracks)
        refs = [(level, clean(name)) for level, name in first.thresholds] if "." not in first.name else []
        plots.append(Plot(f"chart-track-{n}-{key}", Chart(title, x_labels, lines, lo, hi, "{:g}", refs)))
    return Section("tracks", words("Tracks"), 2, (Figure(table, tuple(plots)),))


def _escalation(r: ReportData, unit: str) -> Section:
    played = range(1, r.turns_played + 1)
    table = Table(
        (words("Actor"), *(words(str(i)) for i in played), words("total")),
        tuple(Row((words(clean(r.actor_names[a])), *(words(str(v)) for v in vs), words(str(sum(vs))))) for a, vs in r.escalation.items()),
    )
    values = [v for vs in r.escalation.values() for v in vs]
    lines = [Line(clean(r.actor_names[a]), list(vs)) for a, vs in r.escalation.items()]
    chart = Chart(f"Escalation score by {unit}", [str(i) for i in played], lines, min([0, *values]), max([1, *values]))
    caption = words(ESCALATION_NOTE + (ANSWERS_NOTE if r.deck_offers else ""))
    return Section("escalation", words(f"Escalation by {unit}"), 2, (Figure(table, (Plot("chart-escalation", chart),), caption),))


def _offers(r: ReportData, unit: str) -> Section:
    if not r.offers:
        known = "" if r.viewer == "facilitator" else " that this report's reader knew of"
        return Section("offers", words("Offers"), 2, (Paragraph(words(f"No offer was made{known}.")),))
    rows = tuple(Row(_offer_cells(r, o), f"offer {o.status}") for o in r.offers)
    headers = tuple(words(h) for h in ("Made", "From", "To", "Offer", "Outcome", "What followed"))
    return Section("offers", words("Offers"), 2, (Paragraph(words(OFFERS_NOTE)), Table(headers, rows)))


def _messages(r: ReportData) -> Section:
    """What was said, as this report's reader saw it (its own messages only, for a seat)."""
    rows = tuple(Row((words(_turn_label(r, m.turn)), words(clean(m.channel)), words(clean(m.sender)), words(clean(m.to)),
                      words(clean(m.text)))) for m in r.messages)
    headers = tuple(words(h) for h in ("When", "Channel", "From", "To", "Message"))
    note = "Messages have no effect on the game: a binding deal is an offer." + (
        "" if r.viewer == "facilitator" else " Only the messages this report's reader sent, received or read in public are here.")
    return Section("messages", words("Messages"), 2, (Paragraph(words(note)), Table(headers, rows)))


def _splits(r: ReportData) -> Section:
    """How each team split when it sealed ("the team split 2–1 on ...; the objection was ...")."""
    items = []
    for s in r.splits:
        line = f"{clean(s.seat)}, {_turn_label(r, s.turn).lower()}: the team split {len(s.agreed)}–{len(s.objected)} on {clean(s.orders)}"
        on = f", on {possessive(clean(s.proposer))} proposal" if s.proposer else " (no proposal had these orders)"
        details = [words(f"Sealed by {clean(s.sealer)}{on}; agreed: {', '.join(clean(m) for m in s.agreed) or 'nobody'}; "
                         f"objected: {', '.join(clean(m) for m in s.objected) or 'nobody'}; {count(s.proposals, 'proposal')} weighed.")]
        details += [words("The objection was ", clean(o)) for o in s.objections]
        items.append(Item(words(line), tuple(details)))
    return Section("teams", words("How the team decided"), 2, (ItemList(tuple(items)),))


def _offer_cells(r: ReportData, o: OfferRow) -> tuple[Text, ...]:
    name = clean(o.name)
    # The data marks a secret offer's name "(secret)": a mark, where the format has marks.
    offer = words(name.removesuffix(" (secret)"), " ", tag("secret", "restricted")) if o.secret and name.endswith(" (secret)") else words(name)
    followed = "; ".join(clean(x) for x in o.effects) or ("no change" if o.status in {"accepted", "refused", "expired"} else "—")
    return (words(_turn_label(r, o.made)), words(clean(o.maker)), words(clean(o.recipient)), offer, words(clean(o.outcome)), words(followed))


MARKS_NOTE = (
    "Each team's orders in each turn against every order set it could have given, {games} "
    "continuations each on the same dice, the other seats' orders as given; a choice is worth "
    "the seat's mean final score. ?? a blunder costs a quarter of the seat's points or more, "
    "? a mistake a tenth, ?! an inaccuracy a twentieth (and more than chance explains); ! a "
    "strong choice is as good as the best where an average choice cost a tenth."
)


def _marks(r: ReportData, marks: Marks) -> Section:
    if not marks.seats:
        return Section("marks", words("Marked choices"), 2, (Paragraph(words("No seat was played by a person: there are no team choices to mark.")),))
    blocks: list[Block] = [Paragraph(words(MARKS_NOTE.format(games=marks.games)), note=True)]
    headers = (words("Turn"), words("Orders"), words("Mark"), words("Cost (points)"), words("Best choice found"))
    for seat in marks.seats:
        rows = []
        for m in marks.of(seat):
            mark = words(tag(f"{m.symbol} {m.kind}" if m.kind else "sound", m.kind or "sound"))
            cost = f"{m.cost:.1f} of {num(m.most)}" if m.kind in {"blunder", "mistake", "inaccuracy"} else "—"
            best = clean(m.best_label) if m.best != m.orders else "the orders given"
            rows.append(Row((words(_turn_label(r, m.turn)), words(clean(m.label)), mark, words(cost), words(best)), m.kind))
        nouns = {"blunder": ("blunder", None), "mistake": ("mistake", None), "inaccuracy": ("inaccuracy", "inaccuracies"), "strong": ("strong choice", None)}
        tally = {k: sum(1 for m in marks.of(seat) if m.kind == k) for k in nouns}
        shown = [count(n, *nouns[k]) for k, n in tally.items() if n]
        summary = words(f"{clean(r.actor_names.get(seat, seat))}: " + (", ".join(shown) if shown else "no mark: every choice sound"))
        blocks.append(Section(f"marks-{seat}", words(clean(r.actor_names.get(seat, seat))), 3,
                              (Paragraph(summary), Table(headers, tuple(rows)))))
        stood = [t for t, who in marks.skipped if who == seat]
        if stood:
            blocks.append(Paragraph(words(f"Not marked: {', '.join(_turn_label(r, t) for t in stood)}, where its computer stand-in gave the orders."), note=True))
    return Section("marks", words("Marked choices"), 2, tuple(blocks))


def _turn(entry: TurnEntry, marks: Marks | None = None) -> Section:
    blocks: list[Block] = []
    if entry.waiting:
        blocks.append(Paragraph(words(Run("Offers waiting for an answer", "label"), ": ", "; ".join(clean(w) for w in entry.waiting))))
    orders = []
    for row in entry.orders:
        moves = ", ".join(clean(m) for m in row.moves)
        if row.complete:
            text = words(clean(row.name), ": ", moves or "(no orders)")
        else:
            text = words(clean(row.name), ", as far as it came to light: ", moves or "nothing")
        details = [words("reason: ", clean(reason)) for reason in row.reasons]
        mark = next((m for m in marks.at(entry.turn) if m.seat == row.actor), None) if marks is not None else None
        if mark is not None and mark.kind:
            text += words(" ", tag(f"{mark.symbol} {mark.kind}", mark.kind))
            details.append(words(clean(mark.summary(marks.titles if marks is not None else {}))))
        orders.append(Item(text, tuple(details)))
    if entry.turn:  # the opening (turn 0) comes before anyone's orders
        blocks.append(ItemList(tuple(orders), "Orders"))
    if entry.rolls:
        blocks.append(Rolls("Dice", ("Roll", "Chance", "Rolled", "Result"), tuple(_roll(roll) for roll in entry.rolls)))
    if entry.injects:
        blocks.append(ItemList(tuple(Item(words(clean(text))) for text in entry.injects), "Injects"))
    if entry.events:
        blocks.append(Paragraph(words(Run("Events", "label"), ": ", ", ".join(clean(e) for e in entry.events))))
    if entry.news:
        news = [Item(words(clean(n.text), *((" ", tag("not public", "restricted")) if n.restricted else ()))) for n in entry.news]
        blocks.append(ItemList(tuple(news), "News"))
    if entry.changes:
        blocks.append(Paragraph(words(Run("Changes", "label"), ": ", "; ".join(clean(c) for c in entry.changes))))
    blocks.extend(Prompt(words("Discuss: ", clean(q))) for q in entry.questions)
    return Section(f"turn-{entry.turn}", words(_capital(clean(entry.label))), 3, tuple(blocks), "turn")


def _roll(roll: RollRow) -> Roll:
    result = words(roll.outcome, *((" ", tag("forced by the facilitator", "forced")) if roll.forced else ()))
    if roll.chance is None or roll.draw is None:
        note = clean(roll.note)
        return Roll(words(clean(roll.label)), "", "", words(note), words(f"chance and draw not shown ({note})"), result)
    chance, draw = pct(roll.chance), draw_label(roll.draw)
    if roll.kind != "outcome":  # a weighted pick's draw is not held against its chance
        draw += f" ({draw_needed(roll.chance)})"  # why a 90% chance and a 90 fail
    return Roll(words(clean(roll.label)), chance, draw, (), words(f"{chance} chance; the roll was {draw}"), result)


def _whatif(i: int, w: WhatIf) -> Section:
    seat = clean(w.seat_name)
    headers = (words("Orders"), *(words(clean(w.titles.get(e, e))) for e in w.endings), words(f"{seat} mean score"))
    rows = []
    for c in w.choices:
        label = words(clean(c.label), *((" ", tag("actual")) if c.actual else ()))
        mean, lo, hi = c.scores.get(w.seat, (0.0, 0.0, 0.0))
        cells = [_interval(c.p(e), *c.interval(e)) for e in w.endings]
        rows.append(Row((label, *cells, words(f"{mean:.2f}", " ", Run(f"({lo:.2f} to {hi:.2f})", "aside")))))
    blocks: list[Block] = [Paragraph(words(WHATIF_NOTE), note=True), Table(headers, tuple(rows), frozenset(range(1, len(headers))))]
    if w.left_out:
        blocks.append(Paragraph(words(f"{w.left_out} order sets of two or more moves were not tried."), note=True))
    title = words(f"{clean(w.label)}: {possessive(seat)} orders ({w.games} continuations each)")
    return Section(f"what-if-{i}", title, 3, tuple(blocks))


def _questions(r: ReportData) -> Section:
    if not r.questions:
        return Section("questions", words("Discussion questions"), 2, (Paragraph(words(NO_QUESTIONS)),))
    items = tuple(Item(words(clean(q.text), *((" ", tag(clean(q.turn_label))) if q.turn_label else ()))) for q in r.questions)
    return Section("questions", words("Discussion questions"), 2, (ItemList(items, numbered=True),))

