"""Two branches of a game side by side, as a file an instructor prints or projects:
Markdown (`wargame compare A B`, or `-o FILE.md`) or one self-contained HTML page with each
track of both games on one chart (`-o FILE.html`).

Everything comes from a `branches.Comparison` built for one viewer; this module only lays
it out, and escapes every text from a deck or a save (hostile: it must not make markup).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wargame.errors import WargameError
from wargame.files import write_output
from wargame.observe.labels import format_value
from wargame.observe.visibility import Viewer
from wargame.play.branches import ComparedTurn, Comparison, Side, TrackPair, compare
from wargame.play.debrief import SeatOrders, TurnDebrief
from wargame.play.timeline import SavedGame
from wargame.report.model import clean
from wargame.report.svg import Chart, Line, line_chart
from wargame.report.templates import html_escape, md_escape
from wargame.saves.store import Verification

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:70rem;margin:1rem auto;padding:0 1rem;color:#1b1b1b}"
    "table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    ".warning{background:#ffe4e4;color:#8a1f1f;border-left:4px solid #b42318;padding:.5rem .7rem;font-weight:600}"
    ".charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{width:32rem;max-width:100%;height:auto}"
    "svg .ct{font-size:16px;font-weight:600}svg .yl{font-size:14px;text-anchor:end;fill:#555}svg .xl{font-size:14px;text-anchor:middle;fill:#555}"
    "svg .lg{font-size:11px}svg .grid{stroke:#eee}svg .series{stroke-width:2.5}.note{color:#555}"
)
"""The comparison page's own style (the page loads nothing)."""

FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def side_name(side: Side, letter: str) -> str:
    """`A (korea.json)`: how a game is named in the comparison's columns."""
    return f"{letter} ({side.path.name})" if side.path is not None else letter


def seat_orders(row: SeatOrders | None) -> str:
    """A seat's orders in one game's turn, as the viewer may see them (plain text)."""
    if row is None:
        return "—"
    moves = ", ".join(label for label, _secret, _why in row.orders)
    if row.visible:
        return moves or "no orders"
    return f"{moves} (what came to light; its orders were sealed)" if moves else "sealed (not shown in this view)"


def turn_lines(t: TurnDebrief | None, c: Comparison, side: Side) -> tuple[str, str]:
    """(what came of the turn: events and the ending, in one line) for one game."""
    if t is None:
        return ("", f"ended before this {c.unit}" if side.ending else f"not played past {c.unit} {side.played}")
    events = "; ".join(name for name, _inject in t.events)
    ending = f"ends: {t.ending.title}" if t.ending is not None else ""
    return (events, ending)


def _orders_by_actor(t: TurnDebrief | None) -> dict[str, SeatOrders]:
    return {row.actor: row for row in t.orders} if t is not None else {}


@dataclass(frozen=True)
class TurnRow:
    """A row of a turn's table, in plain text: each format escapes it and lays it out, and
    writes "—" in a cell that is empty (or comes out empty once cleaned)."""

    label: str
    a: str
    b: str
    about_turn: bool = False
    """A row about the turn (its events, its ending) rather than a seat's orders."""


def turn_rows(c: Comparison, t: ComparedTurn) -> list[TurnRow]:
    """A turn of both games as rows: each seat's orders, then the events and the ending
    where either game has any."""
    oa, ob = _orders_by_actor(t.a), _orders_by_actor(t.b)
    rows = [
        TurnRow(name, seat_orders(oa.get(actor)) if t.a else "—", seat_orders(ob.get(actor)) if t.b else "—")
        for actor, name in c.actor_names.items()
    ]
    ea, ena = turn_lines(t.a, c, c.a)
    eb, enb = turn_lines(t.b, c, c.b)
    for label, in_a, in_b in (("Events", ea, eb), ("Ending", ena, enb)):
        if in_a or in_b:
            rows.append(TurnRow(label, in_a, in_b, about_turn=True))
    return rows


def _track_values(values: tuple[float | None, ...]) -> list[str]:
    return ["·" if v is None else format_value(v) for v in values]


def comparison_markdown(c: Comparison, warnings: tuple[str, ...] = ()) -> str:
    """The comparison as Markdown: a table a turn, the tracks from the split, both endings."""
    esc: Callable[[object], str] = lambda text: md_escape(clean(text))
    a, b = side_name(c.a, "A"), side_name(c.b, "B")
    unit = clean(c.unit)
    out = [f"# Two games compared: {esc(c.a.title)}", ""]
    out += [f"> **⚠ {esc(w)}**" for w in warnings] + ([""] if warnings else [])
    out.append(f"As {esc(c.viewer_name)} may see them. **A**: {esc(c.a.path or 'game A')}. **B**: {esc(c.b.path or 'game B')}.")
    shared = f"They share {unit}s 1–{c.split}; play split from {unit} {c.split + 1}." if c.split else f"They differ from {unit} 1."
    out += ["", shared, ""]
    for t in c.turns:
        out += [f"## {esc(t.label)}", "", f"| Seat | {esc(a)} | {esc(b)} |", "|---|---|---|"]
        for row in turn_rows(c, t):
            label = f"*{esc(row.label)}*" if row.about_turn else esc(row.label)
            out.append(f"| {label} | {esc(row.a) or '—'} | {esc(row.b) or '—'} |")
        out.append("")
    shown = [p for p in c.tracks if not p.hidden]
    if shown:
        heads = [f"{c.split} (split)" if i == 0 else str(c.split + i) for i in range(len(shown[0].a))]
        out += [f"## Tracks from the split (by {unit}; · where hidden or not played)", "",
                "| Track | Game | " + " | ".join(heads) + " |", "|---|---|" + "---:|" * len(heads)]
        for p in shown:
            mark = "" if p.differs else " (the same in both)"
            out.append(f"| {esc(p.label)}{mark} | A | " + " | ".join(_track_values(p.a)) + " |")
            out.append("| | B | " + " | ".join(_track_values(p.b)) + " |")
        out.append("")
    out += ["## Endings", ""]
    for letter, side in (("A", c.a), ("B", c.b)):
        end = f"**{esc(side.ending)}** after {side.played} {unit}s" if side.ending else f"not over: {side.played} {unit}s played"
        out.append(f"- **{letter}**: {end}" + (f". {esc(side.ending_text)}" if side.ending_text else ""))
        for s in side.scores.scores:
            out.append(f"  - {esc(c.actor_names.get(s.actor, s.actor))}: {format_value(s.total)} of {format_value(s.most)} points")
        for o in side.scores.own:
            out.append(f"  - {'met' if o.met else 'not met'}: {esc(o.text)}")
        if side.scores.note:
            out.append(f"  - *{esc(side.scores.note)}*")
    return "\n".join(out) + "\n"


def pair_chart(c: Comparison, p: TrackPair) -> Chart:
    """One track of both games on one chart, from the split."""
    x = [f"{c.split}" if i == 0 else str(c.split + i) for i in range(len(p.a))]
    lines = [Line(f"A: {clean(p.label)}", list(p.a)), Line(f"B: {clean(p.label)}", list(p.b))]
    return Chart(f"{clean(p.label)} by {clean(c.unit)}, A and B from the split", x, lines, p.lo, p.hi)


def comparison_html(c: Comparison, warnings: tuple[str, ...] = ()) -> str:
    """The comparison as one self-contained HTML page (no script, nothing loaded)."""
    h: Callable[[object], str] = lambda text: html_escape(clean(text))
    a, b = side_name(c.a, "A"), side_name(c.b, "B")
    unit = clean(c.unit)
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>Two games compared: {h(c.a.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Two games compared: {h(c.a.title)}</h1>",
    ]
    out += [f'<p class="warning" role="alert">⚠ {h(w)}</p>' for w in warnings]
    out.append(f"<p>As {h(c.viewer_name)} may see them. <strong>A</strong>: {h(c.a.path or 'game A')}. <strong>B</strong>: {h(c.b.path or 'game B')}.</p>")
    out.append(f"<p>{'They share ' + unit + 's 1–' + str(c.split) + '; play split from ' + unit + ' ' + str(c.split + 1) if c.split else 'They differ from ' + unit + ' 1'}.</p>")
    for t in c.turns:
        out += [f"<h2>{h(t.label)}</h2>", f"<table><tr><th>Seat</th><th>{h(a)}</th><th>{h(b)}</th></tr>"]
        for row in turn_rows(c, t):
            label = f"<em>{h(row.label)}</em>" if row.about_turn else h(row.label)
            out.append(f"<tr><td>{label}</td><td>{h(row.a) or '—'}</td><td>{h(row.b) or '—'}</td></tr>")
        out.append("</table>")
    shown = [p for p in c.tracks if not p.hidden]
    if shown:
        out.append(f'<h2>Tracks from the split</h2><p class="note">Each chart holds one track of both games, by {h(unit)}; '
                   "a track the two games share is listed under the charts.</p><div class=\"charts\">")
        out += [line_chart(pair_chart(c, p), f"track-{i}") for i, p in enumerate(shown) if p.differs]
        out.append("</div>")
        same = [h(p.label) for p in shown if not p.differs]
        if same:
            out.append(f"<p class=\"note\">The same in both games: {', '.join(same)}.</p>")
    out.append("<h2>Endings</h2><ul>")
    for letter, side in (("A", c.a), ("B", c.b)):
        end = f"<strong>{h(side.ending)}</strong> after {side.played} {h(unit)}s" if side.ending else f"not over: {side.played} {h(unit)}s played"
        items = [f"<li>{h(c.actor_names.get(s.actor, s.actor))}: {format_value(s.total)} of {format_value(s.most)} points</li>" for s in side.scores.scores]
        items += [f"<li>{'met' if o.met else 'not met'}: {h(o.text)}</li>" for o in side.scores.own]
        if side.scores.note:
            items.append(f'<li class="note">{h(side.scores.note)}</li>')
        text = f". {h(side.ending_text)}" if side.ending_text else ""
        out.append(f"<li><strong>{letter}</strong>: {end}{text}" + (f"<ul>{''.join(items)}</ul>" if items else "") + "</li>")
    out.append("</ul></body></html>")
    return "\n".join(out) + "\n"


def comparison_format(path: str | Path) -> str:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise WargameError(f"{path}: a comparison is written as .md or .html (the name says which)")
    return fmt


def render_comparison(c: Comparison, fmt: str, warnings: tuple[str, ...] = ()) -> str:
    return comparison_html(c, warnings) if fmt == "html" else comparison_markdown(c, warnings)


def build_comparison(a: SavedGame, b: SavedGame, viewer: Viewer | str) -> tuple[Comparison, tuple[str, ...]]:
    """Both games compared for `viewer`, and a warning for each that does not verify (in
    the words of the report and the viewer)."""
    warnings = []
    for letter, g in (("A", a), ("B", b)):
        check: Verification = g.verification
        problem = check.problem(g.deck.turn_name)
        if problem is not None:
            warnings.append(f"{letter}: {check.WARNING}: {problem}")
    return compare(a, b, viewer), tuple(warnings)


def export_comparison(c: Comparison, out_path: str | Path, warnings: tuple[str, ...] = (), *, force: bool = False) -> Path:
    """Write `c` to `out_path` (.md or .html), never over a file unless `force`
    (`wargame.files.write_output`)."""
    out = Path(out_path)
    fmt = comparison_format(out)
    return write_output(out, render_comparison(c, fmt, warnings), force=force)
