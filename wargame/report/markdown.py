"""The after-action report as Markdown: readable as plain text, rendered anywhere.

Every string that comes from a deck or a save is escaped (`md`), so a move called
`*[click](x)*` or a news line with a pipe cannot change the document's structure.
Charts become tables here; the HTML report draws them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wargame.report.data import ReportData, num, pct
from wargame.words import possessive

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!{}])")


def md(text: str) -> str:
    """Deck or save text made inert in Markdown: special characters escaped, one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


ANSWERS_NOTE = " Answering an offer scores 0: what an acceptance or a refusal changed is in the Offers section."


def render_markdown(r: ReportData) -> str:
    out: list[str] = []
    add = out.append
    add(f"# After-action report: {md(r.title)}")
    add("")
    if r.warning:
        add(f"> **⚠ {md(r.warning)}**")
        add("")
    add(f"- Deck: {md(r.deck_title)} (`{md(r.deck_id)}`)")
    add(f"- Save: {md(r.save_id)}, created {md(r.created)}" + (f", seed {r.seed}" if r.seed is not None else ""))
    if r.parent:
        add(f"- {md(r.parent)}")
    add(f"- Played: {r.turns_played} of {r.turns} {md(r.unit)}s" + (", with a facilitator" if r.facilitated else ""))
    add(f"- This report is for {md(r.viewer_label)}")
    if r.summary:
        add("")
        add(md(r.summary))
    add("")
    add("## Seats")
    add("")
    add("| Actor | Played by | Brief |")
    add("| --- | --- | --- |")
    for seat in r.seats:
        add(f"| {md(seat.name)} | {md(seat.played_by)} | {md(seat.brief)} |")
    add("")
    add("## Outcome")
    add("")
    if r.ending:
        add(f"**{md(r.ending)}** after {r.turns_played} {md(r.unit)}s. {md(r.ending_text)}".rstrip())
    else:
        add(f"The game is not over: {r.turns_played} of {r.turns} {md(r.unit)}s played.")
    add("")
    if r.scores:
        add("### Objectives")
        add("")
        for score in r.scores:
            add(f"**{md(score.name)}**: {num(score.total)} of {num(score.best)} points")
            add("")
            for o in score.objectives:
                add(f"- {'met' if o.met else 'missed'}: {md(o.text)} ({num(o.points)})")
            add("")
    add("## Key moments")
    add("")
    if r.moments:
        for m in r.moments:
            add(f"- **{md(r.turn_labels[m.turn - 1] if 0 < m.turn <= len(r.turn_labels) else str(m.turn))}** ({m.kind_label}): {md(m.text)}")
    else:
        add("Nothing stood out.")
    add("")
    _odds(r, add)
    _tracks(r, add)
    _escalation(r, add)
    _offers(r, add)
    add("## Timeline")
    add("")
    for entry in r.timeline:
        add(f"### {md(entry.label[:1].upper() + entry.label[1:])}")
        add("")
        if entry.waiting:
            add("Offers waiting for an answer: " + "; ".join(md(w) for w in entry.waiting))
            add("")
        add("Orders:")
        add("")
        for row in entry.orders:
            if row.complete:
                moves = ", ".join(md(m) for m in row.moves) or "(no orders)"
                add(f"- {md(row.name)}: {moves}")
            else:
                moves = ", ".join(md(m) for m in row.moves) or "nothing"
                add(f"- {md(row.name)}, as far as it came to light: {moves}")
            for reason in row.reasons:
                add(f"  - reason: {md(reason)}")
        add("")
        if entry.rolls:
            add("Dice:")
            add("")
            for roll in entry.rolls:
                result = "success" if roll.success else "failure"
                forced = ", forced by the facilitator" if roll.forced else ""
                if roll.chance is None or roll.draw is None:
                    odds = f"chance and draw not shown ({md(roll.note)})"
                else:
                    odds = f"{pct(roll.chance)} chance, drew {roll.draw:.2f}"
                add(f"- {md(roll.label)}: {odds}: {result}{forced}")
            add("")
        if entry.injects:
            add("Injects:")
            add("")
            for text in entry.injects:
                add(f"- INJECT: {md(text)}")
            add("")
        if entry.events:
            add("Events: " + ", ".join(md(e) for e in entry.events))
            add("")
        if entry.news:
            add("News:")
            add("")
            for n in entry.news:
                tag = " (not public)" if n.restricted else ""
                add(f"- {md(n.text)}{tag}")
            add("")
        if entry.changes:
            add("Changes: " + "; ".join(md(c) for c in entry.changes))
            add("")
        for text in entry.questions:
            add(f"> Discuss: {md(text)}")
            add("")
    if r.whatifs:
        add("## What-ifs")
        add("")
        for w in r.whatifs:
            add(f"### {md(w.label)}: {md(possessive(w.seat_name))} orders ({w.games} continuations each)")
            add("")
            titles = [w.titles.get(e, e) for e in w.endings]
            add("| Orders | " + " | ".join(md(t) for t in titles) + f" | {md(w.seat_name)} mean score |")
            add("| --- |" + " --- |" * (len(titles) + 1))
            for c in w.choices:
                cells = []
                for e in w.endings:
                    lo, hi = c.interval(e)
                    cells.append(f"{pct(c.p(e))} ({pct(lo)}-{pct(hi)})")
                mean, lo_s, hi_s = c.scores.get(w.seat, (0.0, 0.0, 0.0))
                label = md(c.label) + (" (actual)" if c.actual else "")
                add(f"| {label} | " + " | ".join(cells) + f" | {mean:.2f} ({lo_s:.2f} to {hi_s:.2f}) |")
            if w.left_out:
                add("")
                add(f"{w.left_out} order sets of two or more moves were not tried.")
            add("")
    if r.withheld:
        add(f"_{md(r.withheld)}_")
        add("")
    add("## Discussion questions")
    add("")
    if r.questions:
        for i, q in enumerate(r.questions, 1):
            where = f" ({md(q.turn_label)})" if q.turn_label else ""
            add(f"{i}. {md(q.text)}{where}")
    else:
        add("The deck sets none. What did each side intend, what did it know when it decided, and what would it do differently?")
    add("")
    return "\n".join(out)


def _odds(r: ReportData, add: Callable[[str], None]) -> None:
    a = r.analysis
    if a is None:
        return
    emit = add
    emit("## Turning points")
    emit("")
    if a.turning_points:
        for tp in a.turning_points:
            emit(f"- {md(tp.text())}")
    else:
        emit("No turn moved the odds of any ending by 5 points or more.")
    emit("")
    stand = ", ".join(f"{md(r.actor_names.get(k, k))}: {md(v)}" for k, v in a.stand_ins.items())
    emit(f"Ending odds before each {md(r.unit)} ({a.rollouts} continuations each, seed {a.seed}; stand-ins {stand}), with 95% intervals:")
    emit("")
    emit("| Before | " + " | ".join(md(a.titles.get(e, e)) for e in a.endings) + " |")
    emit("| --- |" + " --- |" * len(a.endings))
    for o in a.odds:
        label = "end" if o.final else (f"{md(r.unit)} {o.turn}" if o.turn <= r.turns_played + 1 else str(o.turn))
        if not o.final and o.turn == r.turns_played + 1:
            label = "now"
        cells = []
        for e in a.endings:
            lo, hi = o.interval(e)
            cells.append(pct(o.p(e)) if o.final else f"{pct(o.p(e))} ({pct(lo)}-{pct(hi)})")
        emit(f"| {label} | " + " | ".join(cells) + " |")
    emit("")


def _tracks(r: ReportData, add: Callable[[str], None]) -> None:
    emit = add
    if not r.tracks:
        return
    emit("## Tracks")
    emit("")
    emit("| Track | start | " + " | ".join(str(i) for i in range(1, r.turns_played + 1)) + " |")
    emit("| --- | --- |" + " --- |" * r.turns_played)
    for t in r.tracks:
        emit(f"| {md(t.label)} | " + " | ".join(num(v) for v in t.values) + " |")
    emit("")


def _escalation(r: ReportData, add: Callable[[str], None]) -> None:
    emit = add
    emit(f"## Escalation by {md(r.unit)}")
    emit("")
    emit("The summed escalation scores of each side's moves that resolved (negative is de-escalation)." + (ANSWERS_NOTE if r.deck_offers else ""))
    emit("")
    emit("| Actor | " + " | ".join(str(i) for i in range(1, r.turns_played + 1)) + " | total |")
    emit("| --- |" + " --- |" * (r.turns_played + 1))
    for actor, values in r.escalation.items():
        emit(f"| {md(r.actor_names[actor])} | " + " | ".join(str(v) for v in values) + f" | {sum(values)} |")
    emit("")


def _offers(r: ReportData, add: Callable[[str], None]) -> None:
    emit = add
    if not r.deck_offers:
        return
    emit("## Offers")
    emit("")
    if not r.offers:
        emit("No offer was made" + ("" if r.viewer == "facilitator" else " that this report's reader knew of") + ".")
        emit("")
        return
    emit("Each offer waited for its recipient's answer (answering cost no order) until it was accepted, refused or expired.")
    emit("")
    emit("| Made | From | To | Offer | Outcome | What followed |")
    emit("| --- | --- | --- | --- | --- | --- |")
    for o in r.offers:
        followed = "; ".join(md(x) for x in o.effects) or ("no change" if o.status in {"accepted", "refused", "expired"} else "—")
        emit(f"| {md(_turn(r, o.made))} | {md(o.maker)} | {md(o.recipient)} | {md(o.name)} | {md(o.outcome)} | {followed} |")
    emit("")


def _turn(r: ReportData, turn: int) -> str:
    """`Turn 3` (the deck's word for a turn, capitalised)."""
    return r.turn_labels[turn - 1] if 0 < turn <= len(r.turn_labels) else f"{r.unit[:1].upper()}{r.unit[1:]} {turn}"
