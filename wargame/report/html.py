"""The after-action report as one self-contained HTML file: inline CSS and SVG charts.

It opens from a USB stick on a classroom projector with no network: no external style
sheets, scripts, fonts or images. Every string from a deck or a save is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from wargame.report.data import ReportData, num, pct
from wargame.report.svg import Chart, Line, line_chart
from wargame.words import possessive

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ccd;padding-bottom:.2rem;margin-top:2rem}
h3{margin-bottom:.3rem}.meta{color:#555;margin:.2rem 0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}th,td{border:1px solid #ccd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef}td.n{text-align:right;font-variant-numeric:tabular-nums}
.met{color:#1a7f37}.missed{color:#b42318}.tag{display:inline-block;font-size:.75rem;padding:0 .35rem;border-radius:.3rem;background:#eef;color:#334;margin-right:.3rem}
.inject{background:#fff1cc;color:#7a4b00}.restricted{background:#f3e8ff;color:#5b2b8a}.forced{background:#ffe4e4;color:#8a1f1f}
.turn{border-left:4px solid #ccd;padding-left:.8rem;margin:1rem 0}.reason{color:#555;font-size:.9rem}
.discuss{background:#eef6ff;border-left:4px solid #1f77b4;padding:.4rem .6rem}
.note{color:#555;font-style:italic}
.warning{background:#ffe4e4;color:#8a1f1f;border-left:4px solid #b42318;padding:.5rem .7rem;font-weight:600}
svg.chart{max-width:100%;height:auto;background:#fff;border:1px solid #e3e3ea;margin:.4rem 0}
svg .ct{font-size:13px;font-weight:600}svg .yl{font-size:10px;text-anchor:end;fill:#555}svg .xl{font-size:10px;text-anchor:middle;fill:#555}
svg .lg{font-size:11px}svg .rl{font-size:9px;fill:#888}svg .grid{stroke:#eee}svg .ref{stroke:#aaa;stroke-dasharray:4 3}
svg .mark{fill:#f0a000;opacity:.18}svg .series{stroke-width:2}svg .band{opacity:.15}
@media print{body{margin:0}.turn{break-inside:avoid}}
"""


def e(text: object) -> str:
    return escape(str(text), quote=True)


def render_html(r: ReportData) -> str:
    out: list[str] = []
    add = out.append
    add("<!DOCTYPE html>")
    add('<html lang="en"><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    # No network: forbid every external load, so the file behaves the same offline.
    add("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
    add(f"<title>After-action report: {e(r.title)}</title>")
    add(f"<style>{CSS}</style></head><body>")
    add(f"<h1>After-action report: {e(r.title)}</h1>")
    if r.warning:
        add(f'<p class="warning" role="alert">⚠ {e(r.warning)}</p>')
    meta = [
        f"Deck: {e(r.deck_title)} (<code>{e(r.deck_id)}</code>)",
        f"save {e(r.save_id)}, created {e(r.created)}" + (f", seed {r.seed}" if r.seed is not None else ""),
        f"{r.turns_played} of {r.turns} {e(r.unit)}s played" + (", with a facilitator" if r.facilitated else ""),
    ]
    add(f'<p class="meta">{" · ".join(meta)}</p>')
    if r.parent:
        add(f'<p class="meta">{e(r.parent[:1].upper() + r.parent[1:])}.</p>')
    add(f'<p class="meta">This report is for <strong>{e(r.viewer_label)}</strong>.</p>')
    if r.summary:
        add(f"<p>{e(r.summary)}</p>")

    add("<h2>Seats</h2><table><tr><th>Actor</th><th>Played by</th><th>Brief</th></tr>")
    for seat in r.seats:
        add(f"<tr><td>{e(seat.name)}</td><td>{e(seat.played_by)}</td><td>{e(seat.brief)}</td></tr>")
    add("</table>")

    add("<h2>Outcome</h2>")
    if r.ending:
        add(f"<p><strong>{e(r.ending)}</strong> after {r.turns_played} {e(r.unit)}s. {e(r.ending_text)}</p>")
    else:
        add(f"<p>The game is not over: {r.turns_played} of {r.turns} {e(r.unit)}s played.</p>")
    if r.scores:
        add("<h3>Objectives</h3><table><tr><th>Actor</th><th>Objective</th><th>Points</th><th></th></tr>")
        for s in r.scores:
            first = True
            for o in s.objectives:
                who = f'<td rowspan="{len(s.objectives)}">{e(s.name)}<br><strong>{num(s.total)}</strong> of {num(s.best)}</td>' if first else ""
                first = False
                cls = "met" if o.met else "missed"
                add(f'<tr>{who}<td>{e(o.text)}</td><td class="n">{num(o.points)}</td><td class="{cls}">{"✓ met" if o.met else "✗ missed"}</td></tr>')
            if not s.objectives:
                add(f"<tr><td>{e(s.name)}</td><td colspan=3>(no objectives)</td></tr>")
        add("</table>")

    add("<h2>Key moments</h2>")
    if r.moments:
        add("<ul>")
        for m in r.moments:
            label = r.turn_labels[m.turn - 1] if 0 < m.turn <= len(r.turn_labels) else str(m.turn)
            add(f'<li><strong>{e(label)}</strong> <span class="tag">{e(m.kind_label)}</span>{e(m.text)}</li>')
        add("</ul>")
    else:
        add("<p>Nothing stood out.</p>")

    _odds(r, add)
    _tracks(r, add)
    _escalation(r, add)
    _offers(r, add)
    _timeline(r, add)
    _whatifs(r, add)
    if r.withheld:
        add(f'<p class="note">{e(r.withheld)}</p>')

    add("<h2>Discussion questions</h2>")
    if r.questions:
        add("<ol>")
        for q in r.questions:
            where = f' <span class="tag">{e(q.turn_label)}</span>' if q.turn_label else ""
            add(f"<li>{e(q.text)}{where}</li>")
        add("</ol>")
    else:
        add("<p>The deck sets none. What did each side intend, what did it know when it decided, and what would it do differently?</p>")
    add("</body></html>")
    return "\n".join(out) + "\n"


def _odds(r: ReportData, add: Callable[[str], None]) -> None:
    a = r.analysis
    if a is None:
        return
    emit = add
    emit("<h2>Turning points</h2>")
    x_labels = [("end" if o.final else ("now" if o.turn == r.turns_played + 1 else str(o.turn))) for o in a.odds]
    lines = [
        Line(a.titles.get(end, end), [o.p(end) for o in a.odds], [o.interval(end) for o in a.odds])
        for end in a.endings
    ]
    marks = [tp.turn for tp in a.turning_points]  # the point after the turn that moved the odds
    chart = Chart(f"Ending odds before each {r.unit} (95% intervals shaded)", x_labels, lines, 0.0, 1.0, "{:.0%}", (), marks)
    emit(line_chart(chart, "chart-odds"))
    if a.turning_points:
        emit("<ul>")
        for tp in a.turning_points:
            emit(f"<li><strong>{e(tp.label)}</strong>: {e(tp.summary())}</li>")
        emit("</ul>")
    else:
        emit("<p>No turn moved the odds of any ending by 5 points or more.</p>")
    stand = ", ".join(f"{e(r.actor_names.get(k, k))}: {e(v)}" for k, v in a.stand_ins.items())
    emit(f'<p class="note">{a.rollouts} continuations from each point, seed {a.seed}; stand-ins {stand}.</p>')


def _tracks(r: ReportData, add: Callable[[str], None]) -> None:
    emit = add
    if not r.tracks:
        return
    emit("<h2>Tracks</h2>")
    x_labels = ["start", *(str(i) for i in range(1, r.turns_played + 1))]
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(r.tracks):
        groups.setdefault(t.name.split(".", 1)[1] if "." in t.name else t.name, []).append(i)
    for n, (key, members) in enumerate(groups.items()):
        tracks = [r.tracks[i] for i in members]
        first = tracks[0]
        if "." in first.name:
            title = first.label.split(": ", 1)[-1] + " by actor"
            lines = [Line(t.label.split(": ", 1)[0], t.values) for t in tracks]
        else:
            title = first.label
            lines = [Line(first.label, first.values)]
        lo = min(t.lo for t in tracks)
        hi = max(t.hi for t in tracks)
        refs = [(level, name) for level, name in first.thresholds] if "." not in first.name else []
        emit(line_chart(Chart(title, x_labels, lines, lo, hi, "{:g}", refs), f"chart-track-{n}-{key}"))


def _escalation(r: ReportData, add: Callable[[str], None]) -> None:
    emit = add
    emit(f"<h2>Escalation by {e(r.unit)}</h2>")
    note = " Answering an offer scores 0: what an acceptance or a refusal changed is in the Offers section." if r.deck_offers else ""
    emit(f"<p>The summed escalation scores of each side's moves that resolved (negative is de-escalation).{note}</p>")
    values = [v for vs in r.escalation.values() for v in vs]
    lo = min([0, *values])
    hi = max([1, *values])
    lines = [Line(r.actor_names[a], list(vs)) for a, vs in r.escalation.items()]
    x_labels = [str(i) for i in range(1, r.turns_played + 1)]
    emit(line_chart(Chart(f"Escalation score by {r.unit}", x_labels, lines, lo, hi), "chart-escalation"))


def _offers(r: ReportData, add: Callable[[str], None]) -> None:
    emit = add
    if not r.deck_offers:
        return
    emit('<h2 id="offers">Offers</h2>')
    if not r.offers:
        emit("<p>No offer was made" + ("" if r.viewer == "facilitator" else " that this report's reader knew of") + ".</p>")
        return
    emit("<p>Each offer waited for its recipient's answer (answering cost no order) until it was accepted, refused or expired.</p>")
    emit("<table><tr><th>Made</th><th>From</th><th>To</th><th>Offer</th><th>Outcome</th><th>What followed</th></tr>")
    for o in r.offers:
        secret = ' <span class="tag restricted">secret</span>' if o.secret else ""
        name = o.name.removesuffix(" (secret)") if o.secret else o.name
        followed = "; ".join(e(x) for x in o.effects) or ("no change" if o.status in {"accepted", "refused", "expired"} else "—")
        made = r.turn_labels[o.made - 1] if 0 < o.made <= len(r.turn_labels) else f"{r.unit} {o.made}"
        emit(f'<tr class="offer {e(o.status)}"><td>{e(made)}</td><td>{e(o.maker)}</td><td>{e(o.recipient)}</td>'
             f"<td>{e(name)}{secret}</td><td>{e(o.outcome)}</td><td>{followed}</td></tr>")
    emit("</table>")


def _timeline(r: ReportData, add: Callable[[str], None]) -> None:
    emit = add
    emit("<h2>Timeline</h2>")
    for entry in r.timeline:
        emit(f'<section class="turn" id="turn-{entry.turn}"><h3>{e(entry.label[:1].upper() + entry.label[1:])}</h3>')
        if entry.waiting:
            emit(f"<p><strong>Offers waiting for an answer</strong>: {'; '.join(e(w) for w in entry.waiting)}</p>")
        emit("<p><strong>Orders</strong></p><ul>")
        for row in entry.orders:
            if row.complete:
                moves = ", ".join(e(m) for m in row.moves) or "(no orders)"
                emit(f"<li>{e(row.name)}: {moves}")
            else:
                moves = ", ".join(e(m) for m in row.moves) or "nothing"
                emit(f"<li>{e(row.name)}, as far as it came to light: {moves}")
            for reason in row.reasons:
                emit(f'<div class="reason">Reason: {e(reason)}</div>')
            emit("</li>")
        emit("</ul>")
        if entry.rolls:
            emit("<p><strong>Dice</strong></p><table><tr><th>Roll</th><th>Chance</th><th>Drew</th><th>Result</th></tr>")
            for roll in entry.rolls:
                forced = ' <span class="tag forced">forced by the facilitator</span>' if roll.forced else ""
                if roll.chance is None or roll.draw is None:
                    odds = f'<td colspan="2" class="note">{e(roll.note)}</td>'
                else:
                    odds = f'<td class="n">{pct(roll.chance)}</td><td class="n">{roll.draw:.2f}</td>'
                emit(f"<tr><td>{e(roll.label)}</td>{odds}<td>{'success' if roll.success else 'failure'}{forced}</td></tr>")
            emit("</table>")
        if entry.injects:
            emit("<ul>")
            for text in entry.injects:
                emit(f'<li><span class="tag inject">inject</span>{e(text)}</li>')
            emit("</ul>")
        if entry.events:
            emit(f"<p><strong>Events</strong>: {', '.join(e(x) for x in entry.events)}</p>")
        if entry.news:
            emit("<p><strong>News</strong></p><ul>")
            for n in entry.news:
                tag = ' <span class="tag restricted">not public</span>' if n.restricted else ""
                emit(f"<li>{e(n.text)}{tag}</li>")
            emit("</ul>")
        if entry.changes:
            emit(f"<p><strong>Changes</strong>: {'; '.join(e(c) for c in entry.changes)}</p>")
        for q in entry.questions:
            emit(f'<p class="discuss">Discuss: {e(q)}</p>')
        emit("</section>")


def _whatifs(r: ReportData, add: Callable[[str], None]) -> None:
    emit = add
    if not r.whatifs:
        return
    emit("<h2>What-ifs</h2>")
    for w in r.whatifs:
        emit(f"<h3>{e(w.label)}: {e(possessive(w.seat_name))} orders</h3>")
        emit(f'<p class="note">{w.games} continuations for each choice, on the same dice; others\' orders as given.</p>')
        head = "".join(f"<th>{e(w.titles.get(x, x))}</th>" for x in w.endings)
        emit(f"<table><tr><th>Orders</th>{head}<th>{e(w.seat_name)} mean score</th></tr>")
        for c in w.choices:
            cells = "".join(
                f'<td class="n">{pct(c.p(x))} <small>({pct(c.interval(x)[0])}–{pct(c.interval(x)[1])})</small></td>' for x in w.endings
            )
            mean, lo, hi = c.scores.get(w.seat, (0.0, 0.0, 0.0))
            label = e(c.label) + (' <span class="tag">actual</span>' if c.actual else "")
            emit(f'<tr><td>{label}</td>{cells}<td class="n">{mean:.2f} <small>({lo:.2f} to {hi:.2f})</small></td></tr>')
        emit("</table>")
        if w.left_out:
            emit(f'<p class="note">{w.left_out} order sets of two or more moves were not tried.</p>')
