"""Turn a `TurnDebrief` (one turn of a saved game, as one viewer may see it) into styled
`Content` for the replay viewer. Deck text goes in as plain text parts, never markup.

Nothing here decides what is secret: a hidden value arrives as None and is said to be
"hidden from you"; a seat's sealed orders arrive marked not visible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.content import Content

from wargame.observe.labels import draw_label, format_value
from wargame.observe.model import Observation
from wargame.play.debrief import FinalScores, RollExplained, TrackDelta, TurnDebrief
from wargame.tui.render import (
    BAD,
    DISABLED,
    GOOD,
    MUTED,
    WARN,
    Line,
    flag_change_line,
    heading,
    news_line,
    objectives_block,
    percent,
    roll_line,
    roll_result,
    scores_lines,
)

Part = str | Content | tuple[str, str]
HIDDEN = "hidden from you"


def roll_block(roll: RollExplained) -> Content:
    """A roll that explains itself: outcome, the chance and why, the number drawn."""
    result = roll_result(roll)
    head: list[Part] = [("◆ " if not roll.inject else "★ ", MUTED), (roll.label, "bold"), ("  → ", MUTED), result]
    if roll.forced:
        head.append(("  set by the facilitator", WARN))
    if roll.inject:
        head.append(("  inject", WARN))
    lines = [Content.assemble(*head)]
    if roll.chance is None:
        why: list[Part] = ["    chance ", (roll.note or HIDDEN, DISABLED), (f"  ({roll.source})", MUTED)]
    else:
        why = ["    chance ", (percent(roll.chance), "bold"), ("  = ", MUTED), (roll.source, MUTED)]
    lines.append(Content.assemble(*why))
    if roll.reads:
        parts: list[Part] = [("    read  ", MUTED)]
        for i, read in enumerate(roll.reads):
            if i:
                parts.append(("; ", MUTED))
            parts += [read.text, (" = ", MUTED), (read.value, "bold") if read.value is not None else (HIDDEN, DISABLED)]
        lines.append(Content.assemble(*parts))
    if roll.roll is not None and roll.chance is not None:
        drawn = draw_label(roll.roll)
        if roll.forced:
            note = f"    drew {drawn}; the facilitator set the outcome"
        else:
            note = f"    drew {drawn}: {'under' if roll.success else 'not under'} {roll.chance * 100:.0f} means {result[0]}"
        lines.append(Content.styled(note, MUTED))
    return Content("\n").join(lines)


def delta_line(delta: TrackDelta, label_width: int = 22) -> Content:
    """`▲ Tension                5 → 6/10  crisis` when it changed; muted when not."""
    before, after = delta.before, delta.after
    label = after.label if len(after.label) <= label_width else after.label[: label_width - 1] + "…"
    label = label.ljust(label_width) + " "
    if after.value is None:
        return Content.assemble(("  " + label, DISABLED), (HIDDEN, DISABLED))
    new = format_value(after.value)
    scale = f"/{format_value(after.hi)}"
    if not delta.changed:
        return Content.assemble(("  " + label, MUTED), (f"{new}{scale}", MUTED), (f"  {after.level}" if after.level else "", MUTED))
    old = "?" if before.value is None else format_value(before.value)
    up = before.value is not None and after.value > before.value
    # The arrow points the way the value went; the warning colour marks the worse way
    # (down on a descending track, where lower is worse).
    worse = up != after.descending
    arrow = ("▲ " if up else "▼ ", WARN if worse else "$text-accent")
    parts: list[Part] = [arrow, (label, "bold"), old, (" → ", MUTED), (f"{new}{scale}", "bold")]
    if after.level:
        parts += ["  ", (after.level, WARN)]
    if after.secret:
        parts += [("  (secret)", MUTED)]
    return Content.assemble(*parts)


def opening_block(obs: Observation, *, show_audience: bool) -> Content | None:
    """What happened before the first orders (the deck's opening, turn 0) as the viewer may
    see it, to head turn 1 in the Turn panel; None for a deck without an opening."""
    opening = obs.opening
    if opening is None:
        return None
    s: list[Content] = [Content.styled(opening.label, "bold $accent"), heading("News")]
    s += [news_line(n, obs, show_audience) for n in obs.news_of(0)] or [Content.styled("No news.", MUTED)]
    if opening.rolls:
        s += [Content(""), heading("Chance rolls"), *(roll_line(r) for r in opening.rolls)]
    return Content("\n").join(s)


def turn_block(d: TurnDebrief, obs: Observation, *, show_audience: bool, all_tracks: bool = True, marks: Mapping[str, tuple[str, str]] | None = None) -> Content:
    """The whole of one turn for the Turn panel. `marks`: seat to (symbol, words) of its
    marked choice this turn, where the viewer may see them."""
    s: list[Content] = [Content.styled(d.title, "bold $accent")]
    if d.ending is not None:
        s.append(Content.assemble(("■ ", WARN), ("The game ends: ", "bold"), (d.ending.title, f"bold {WARN}"), ("  (below)", MUTED)))

    s += [Content(""), heading("Orders")]
    for seat in d.orders:
        who = Content.assemble((seat.name, "bold"), (f"  {seat.seat}", MUTED))
        if not seat.visible:
            s.append(Content.assemble(who, ("  sealed orders: ", MUTED), (HIDDEN, DISABLED)))
            for name, _secret, reason in seat.orders:  # plays you saw, with the reason you may read
                s.append(Content.assemble("  • ", name, ("  — ", MUTED), (reason, "italic"), ("  (a play you saw)", MUTED)))
            continue
        if not seat.orders:
            s.append(Content.assemble(who, ("  no orders", MUTED)))
            continue
        s.append(who)
        for name, secret, reason in seat.orders:
            line: list[Part] = ["  • ", name]
            if secret and "secret" not in name.lower():
                line.append(("  (secret)", WARN))
            if reason:
                line += [("  — ", MUTED), (reason, "italic")]
            s.append(Content.assemble(*line))
        mark = (marks or {}).get(seat.actor)
        if mark is not None:
            symbol, said = mark
            style = BAD if symbol in {"??", "?"} else WARN if symbol == "?!" else GOOD if symbol == "!" else MUTED
            s.append(Content.assemble(("  " + (symbol or "·").ljust(3), f"bold {style}"), (said, MUTED)))

    if d.injects:
        s += [Content(""), heading("Injects (the facilitator)")]
        s += [Content.assemble(("★ ", WARN), text) for text in d.injects]

    s += [Content(""), heading("Chance rolls")]
    if d.rolls:
        s += [roll_block(r) for r in d.rolls]
    else:
        s.append(Content.styled("No chance rolls you could see.", MUTED))

    s += [Content(""), heading("News")]
    if d.news:
        s += [news_line(n, obs, show_audience) for n in d.news]
    else:
        s.append(Content.styled("No news you could see.", MUTED))
    if d.events:
        s += [Content(""), heading("Events")]
        s += [Content.assemble(("★ ", MUTED), name, ("  (fired as an inject)", WARN) if inject else "") for name, inject in d.events]
    if d.fizzles:
        s += [Content(""), heading("Orders that fizzled")]
        s += [news_line(n, obs, show_audience) for n in d.fizzles]
    if d.thresholds:
        s += [Content(""), heading("Thresholds crossed")]
        s += [news_line(n, obs, show_audience) for n in d.thresholds]

    s += [Content(""), heading("The state: before → after"), Content.styled("  changed tracks in bold; the rest muted", MUTED)]
    for group, deltas in d.tracks:
        shown = [x for x in deltas if all_tracks or x.changed]
        if not shown:
            continue
        s.append(Content.styled(group, "bold"))
        s += [delta_line(x) for x in shown]
    s += [flag_change_line(flag, bold_label=True) for flag in d.flags]

    if d.learned_later:
        s += [Content(""), heading("Learned later (hindsight)")]
        s += [Content.assemble(("! ", WARN), text) for text in d.learned_later]
    if d.ending is not None:
        s += [Content(""), heading(f"The game ends: {d.ending.title}")]
        if d.ending.text:
            s.append(Content(d.ending.text))
    return Content("\n").join(s)


def scores_block(final: FinalScores, obs: Observation, ending: str) -> list[Line]:
    parts: list[Line] = [Content.assemble(("Ending: ", "bold"), (ending, "bold $accent"))]
    if final.scores:
        parts += [Content(""), *scores_lines(final.scores, obs)]
    if final.own:
        parts += [Content(""), heading("Your objectives at the end"), *objectives_block(final.own)]
    if final.note:
        parts += [Content(""), Content.styled(final.note, MUTED)]
    return parts


def timeline_chart(values: Sequence[float | None], lo: float, hi: float, marked: int, width: int, height: int = 6) -> Content:
    """A track over the whole game (start, then after each turn) as columns, the column
    after turn `marked` highlighted and pointed at. Fits `width` cells: two per column when
    there is room, one otherwise, and a window around the marked turn when even that is
    too wide."""
    blocks = " ▁▂▃▄▅▆▇█"
    span = hi - lo or 1
    label_w = max(len(format_value(hi)), len(format_value(lo)))
    room = max(4, width - label_w - 2)
    cols = len(values)
    cell = 3 if cols * 3 <= room else 2 if cols * 2 <= room else 1
    first = 0
    if cols * cell > room:  # a window of turns around the marked one
        visible = room // cell
        first = max(0, min(cols - visible, marked - visible // 2))
    shown = list(enumerate(values))[first : first + room // cell]
    rows: list[Content] = []
    for row in range(height):
        level_top = height - row
        cells: list[Part] = [((format_value(hi) if row == 0 else format_value(lo) if row == height - 1 else "").rjust(label_w) + " ┤", MUTED)]
        for i, v in shown:
            style = "$accent" if i == marked else "$primary"
            if v is None:
                cells.append(("?".ljust(cell) if row == height - 1 else " " * cell, DISABLED))
                continue
            eighths = round((v - lo) / span * height * 8)
            full = eighths - (level_top - 1) * 8
            ch = blocks[8] if full >= 8 else blocks[max(0, full)]
            if ch == " " and row == height - 1:
                ch = "▁"  # a value at the bottom of the scale still shows
            cells.append(((ch * (cell - 1 if cell > 1 else 1)).ljust(cell), style))
        rows.append(Content.assemble(*cells))
    axis: list[Part] = [(" " * label_w + " └", MUTED)]
    for i, _ in shown:
        axis.append(("▲".ljust(cell) if i == marked else "─" * cell, "bold $accent" if i == marked else MUTED))
    rows.append(Content.assemble(*axis))
    step = 1 if cell >= 3 else 2 if cell == 2 else 5
    numbers = "".join((str(i) if i % step == 0 or i == marked else "").ljust(cell)[:cell] for i, _ in shown)
    rows.append(Content.styled(" " * (label_w + 2) + numbers, MUTED))
    return Content("\n").join(rows)
