"""Turn an `Observation` (moves, tracks, news, dice, offers) into styled `Content`.

Deck text goes in as plain text parts, never through markup, so `[bold]` or
`[@click=...]` written in a deck is shown literally and cannot style or run anything.
Styles use the theme's variables, so light and dark themes both read well. Everything
here renders what the observation already says in words; it decides nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

from textual.content import Content

from wargame.observe.labels import draw_label, format_value, percent, roll_outcome, stood_in
from wargame.observe.model import (
    ChangeInfo,
    FlagChange,
    MovedInfo,
    MoveInfo,
    NewsInfo,
    ObjectiveInfo,
    Observation,
    OfferInfo,
    OfferTermsInfo,
    PendingRollInfo,
    RollInfo,
    ScoreInfo,
    TrackInfo,
    TurnInfo,
)
from wargame.tui.sheet import OfferToAnswer, SheetLine
from wargame.words import count, plural

__all__ = ["format_value", "percent"]

Line = Content | tuple[Content, Content]
"""A line of a `Prose` widget (widgets.py): a paragraph, or (its lead, its text) whose text,
too long for the line, wraps under itself rather than under the lead (`✓ met    2 pts  `
then an objective, the points left standing in their column)."""

MUTED = "$text-muted"
DISABLED = "$text-disabled"
GOOD = "$text-success"
BAD = "$text-error"
WARN = "$text-warning"
HEAD = "bold $text-accent"
STRESS = {"": "", "strong": "bold", "warning": "bold $warning", "muted": MUTED, "head": HEAD, "said": ""}
"""The style of each part of a line about talk (`labels.note_words`): players' words plain."""


def clock_time(at: str) -> str:
    """`14:05`: the wall time a thing was said (`at`, UTC ISO seconds) on this machine's
    clock; empty when none was kept (or it does not read as a time)."""
    try:
        when = dt.datetime.fromisoformat(at)
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone().strftime("%H:%M")


def said_when(turn_name: str, turn: int, at: str) -> str:
    """`week 3 · 14:05`: when a message or a team's note was written, in the game's terms
    (the turn it was written in) and by the clock, when the time was kept."""
    clock = clock_time(at)
    return f"{turn_name} {turn} · {clock}" if clock else f"{turn_name} {turn}"


def heading(text: str) -> Content:
    return Content.styled(text, HEAD)


def bar(reading: TrackInfo, width: int) -> Content:
    """A track as a bar: filled to its value, coloured by the named level it has reached."""
    if reading.value is None:
        return Content.styled("?" * width, DISABLED)
    span = reading.hi - reading.lo or 1
    filled = round((reading.value - reading.lo) / span * width)
    filled = max(0, min(width, filled))
    levels = [lvl for lvl, _ in reading.thresholds]
    colour = "$primary"
    severity = reading.severity
    if levels and severity == len(levels):
        colour = "$error"
    elif severity:
        colour = "$warning"
    # A tick where each named level starts (the top of the scale needs none).
    marks = {max(0, math.ceil((lvl - reading.lo) / span * width) - 1) for lvl in levels if lvl < reading.hi}
    cells: list[tuple[str, str]] = []
    for i in range(width):
        if i < filled:
            cells.append(("█", colour))
        elif i in marks:
            cells.append(("▏" if i else "░", WARN))
        else:
            cells.append(("░", MUTED))
    return Content.assemble(*cells)


def short_label(reading: TrackInfo, room: int) -> str:
    """A track's label in `room` columns, for a narrow panel: the label itself if it fits;
    else the track's name in the deck read as a word (`sanctions` for "Sanctions pressure",
    `unsc` for "UN Security Council unity", in capitals like the label's own "UN"), which the
    deck's author chose short, or the label's last word when the name is not one of its
    words ("Agenda" for "Strategic agenda", named `plan`); else the label cut ("Talks mo…")."""
    if len(reading.label) <= room:
        return reading.label
    word = reading.name.rpartition(".")[2].replace("_", " ").replace("-", " ").strip()
    acronyms = [w for w in reading.label.split() if len(w) > 1 and w.isupper()]
    if len(word) <= 4 and word.isalpha() and acronyms and word.lower() not in reading.label.lower():
        word = word.upper()
    else:
        if word.lower() not in reading.label.lower():
            # A name the label does not say ("plan" for "Strategic agenda") would not match
            # the words the objectives and the dashboard use: the label's last word instead.
            word = next(reversed(reading.label.split()), word)
        word = word[:1].upper() + word[1:]
    if word and len(word) <= room:
        return word
    return reading.label[: max(1, room - 1)] + "…"


def track_line(reading: TrackInfo, label_width: int = 16, bar_width: int = 12, names: bool = True, width: int | None = None) -> Content:
    """`Tension          ████████░░░░  7/10 crisis` (value hidden as `?`).

    A label longer than `label_width` is shortened (`short_label`: "Sanctions" for
    "Sanctions pressure"), so each track keeps to one line in a narrow panel (the dashboard
    and the track's chart give the whole label). Given the `width` it must fit, words that
    would run past the edge start a new line under the bar.
    """
    indent = " " * (label_width + 1)
    value = "?" if reading.value is None else format_value(reading.value)
    parts: list[str | Content | tuple[str, str]] = [short_label(reading, label_width).ljust(label_width)]
    number = f"{value}/{format_value(reading.hi)}"
    parts += [" ", bar(reading, bar_width), " ", (number, "bold")]
    used = label_width + 2 + bar_width + len(number)
    extras: list[tuple[str, str]] = []
    if reading.level:
        extras.append((reading.level, WARN))
    if reading.secret and reading.value is not None:
        extras.append(("(secret)", MUTED))
    for text, style in extras:
        if width is not None and used + 1 + len(text) > width:
            under = indent if len(indent) + len(text) <= width else "  "
            parts += ["\n", under, (text, style)]
            used = len(under) + len(text)
        else:
            parts += [" ", (text, style)]
            used += 1 + len(text)
    if names and reading.thresholds:
        levels = ", ".join(f"{n} {format_value(v)}" for v, n in reading.thresholds)
        parts += ["\n", indent, (levels, MUTED)]
    return Content.assemble(*parts)


def tracks_block(readings: Sequence[TrackInfo], label_width: int = 16, bar_width: int = 12, names: bool = True, width: int | None = None) -> Content:
    return Content("\n").join(track_line(r, label_width, bar_width, names, width) for r in readings)


def objectives_block(results: Sequence[ObjectiveInfo]) -> list[Line]:
    """A seat's objectives, each after its mark (`✓` met, `·` not yet) and wrapping under
    its own words, its points after it."""
    lines: list[Line] = []
    for o in results:
        mark = Content.styled("✓ ", GOOD) if o.met else Content.styled("· ", MUTED)
        lines.append((mark, Content.assemble(o.text, (f"  {format_value(o.points)} {plural(o.points, 'pt')}", MUTED))))
    return lines or [Content.styled("No objectives.", MUTED)]


def move_prompt(move: MoveInfo, picked: bool) -> Content:
    """One line of the order sheet: a check box, the name, and why not if unavailable."""
    if not move.available:
        return Content.assemble(("✗ ", DISABLED), (move.name, DISABLED), (f" — {move.reason}", DISABLED))
    box = ("[x] ", f"bold {GOOD}") if picked else ("[ ] ", MUTED)
    meta = f"  {move.category_label or move.category}"
    if move.chance is None:
        meta += " · odds hidden"
    elif move.chance < 1:
        meta += f" · {percent(move.chance)}"
    if move.secret:
        meta += " · unattributed" if move.unattributed else " · secret"
    return Content.assemble(box, (move.name, "bold" if picked else ""), (meta, MUTED))


def move_detail(move: MoveInfo) -> Content:
    """Everything about one move, in the seat's words: description, chance, effects,
    escalation, visibility, limits."""
    parts: list[str | Content | tuple[str, str]] = [(move.name, "bold"), "\n"]
    parts += [(f"{move.category_label or move.category} · escalation {move.escalation} · {move.visibility}", MUTED), "\n"]
    if not move.available:
        parts += [("Not available: ", BAD), move.reason, "\n"]
    if move.description:
        parts += [move.description, "\n"]
    if move.chance is None:
        chance = f"Chance of success: {move.chance_note}"
    else:
        chance = f"Chance of success: {percent(move.chance)}"
        if move.chance_words:
            chance += f" now ({move.chance_words})"
    parts += [chance, "\n"]
    for key, title in (("success", "On success"), ("failure", "On failure"), ("always", "Either way")):
        effects = move.effects.get(key, [])
        news = move.news.get(key, "")
        if key == "failure" and move.chance is not None and move.chance >= 1:
            continue
        if not effects and not news:
            continue
        parts += [(f"{title}: ", "bold"), "; ".join(effects) or "no effect on the tracks"]
        if news:
            parts += [("  “", MUTED), (news, MUTED), ("”", MUTED)]
        parts.append("\n")
    if move.limits:
        parts += [("Limits: ", "bold"), move.limits, "\n"]
    return Content.assemble(*parts).rstrip()


def news_line(item: NewsInfo, obs: Observation, show_audience: bool = False) -> Content:
    """A news item; with `show_audience`, a secret item says who may see it (a seat sees only
    its own secrets, the facilitator everyone's, the public none)."""
    # A threshold may be crossed going down ("falls below"): its mark points neither way.
    icon = {"move": "• ", "fizzle": "· ", "reveal": "! ", "event": "★ ", "inject": "★ ", "threshold": "◆ ", "ending": "■ ", "expire": "○ "}.get(item.kind, "• ")
    # An offer left to expire is news, but a quiet kind: nobody did anything.
    style = {"threshold": WARN, "reveal": WARN, "ending": "bold", "fizzle": MUTED, "expire": "italic"}.get(item.kind, "")
    parts: list[str | Content | tuple[str, str]] = [(icon, MUTED), (item.text, style)]
    if show_audience and item.audience is not None:
        who = ", ".join(obs.actor_name(a) for a in sorted(item.audience))
        parts.append((f"  (secret: {who})", MUTED))
    return Content.assemble(*parts)


def news_block(items: Sequence[NewsInfo], obs: Observation, show_audience: bool = False, empty: str = "No news.") -> Content:
    if not items:
        return Content.styled(empty, MUTED)
    return Content("\n").join(news_line(n, obs, show_audience) for n in items)


def roll_result(roll: RollInfo) -> tuple[str, str]:
    """A roll's result in words (`roll_outcome`) and its colour: a detection that finds a
    move out is a warning, one that does not and an event that does not happen are quiet."""
    text = roll_outcome(roll.kind, roll.success)
    if roll.kind == "detect":
        return text, WARN if roll.success else MUTED
    if roll.kind in ("outcome", "event"):
        return text, GOOD if roll.success else MUTED
    return text, GOOD if roll.success else BAD


def roll_line(roll: RollInfo) -> Content:
    result = roll_result(roll)
    if roll.chance is None or roll.roll is None:
        odds = f"  (odds {roll.note}) → " if roll.note else "  → "
    else:
        odds = f"  {percent(roll.chance)} chance: drew {draw_label(roll.roll)} → "
    parts: list[str | Content | tuple[str, str]] = [roll.label, (odds, MUTED), result]
    if roll.forced:
        parts.append((" (set by the facilitator)", WARN))
    return Content.assemble(*parts)


def change_line(change: ChangeInfo) -> Content:
    arrow = ("▲", "$text-accent") if change.new > change.old else ("▼", "$text-accent")
    return Content.assemble(
        arrow, " ", change.label, "  ", format_value(change.old), (" → ", MUTED), (format_value(change.new), "bold")
    )


def signed(x: float) -> str:
    """`+0.5`, `−1` (a true minus sign), `0`."""
    return f"+{format_value(x)}" if x > 0 else f"−{format_value(-x)}" if x < 0 else "0"


def moved_line(moved: MovedInfo) -> Content:
    """A track a turn moved, then each cause with its amount, in the order they resolved:
    `▼ Tension  6 → 5` over `+1 Blue's order: Sanctions` and `−2 event: Storm season`."""
    if moved.new > moved.old:
        head: list[str | Content | tuple[str, str]] = [("▲", "$text-accent"), " ", moved.label, "  ", format_value(moved.old), (" → ", MUTED),
                                                        (format_value(moved.new), "bold")]
    elif moved.new < moved.old:
        head = [("▼", "$text-accent"), " ", moved.label, "  ", format_value(moved.old), (" → ", MUTED), (format_value(moved.new), "bold")]
    else:
        head = [("=", MUTED), " ", moved.label, "  ", (format_value(moved.new), "bold"), ("  (no change in the end)", MUTED)]
    lines = [Content.assemble(*head)]
    for cause in moved.causes:
        style = MUTED if cause.kind == "hidden" else ""
        lines.append(Content.assemble("    ", (signed(cause.delta).rjust(5), "bold"), " ", (cause.text, style)))
    return Content("\n").join(lines)


def orders_lines(turn: TurnInfo, obs: Observation) -> list[Content]:
    """Every seat's orders of a turn as this viewer may know them, each computer's reason
    beside its order as this viewer reads it (`Observation.reason_words`). A seat none of
    whose orders this viewer may know says so (it never vanishes)."""
    full = obs.viewer.kind == "facilitator"
    plays = [p for p in obs.plays if p.turn == turn.turn]
    out = []
    for seat in turn.orders:
        name = obs.actor_name(seat.actor)
        if seat.actor == obs.viewer.seat:
            name += " (you)"
        lines: list[tuple[str, str]] = []
        if seat.visible:
            lines = [(o.label, obs.reason_words(o)) for o in seat.orders]
            if not seat.orders:
                lines = [("no orders", seat.note if full else "")]
        else:
            said = {o.move: o for o in seat.orders}
            for p in plays:
                if p.actor == seat.actor:
                    order = said.get(p.move)
                    lines.append((p.name, obs.reason_words(order) if order is not None else ""))
        if not lines:
            out.append(Content.assemble((name, "bold"), (": no order you could see", MUTED)))
            continue
        for label, why in lines:
            parts: list[str | tuple[str, str]] = [(name, "bold"), ": ", label]
            if why:
                parts += [(" — ", MUTED), why]
            out.append(Content.assemble(*parts))
    return out


def orders_heading(turn: TurnInfo, obs: Observation) -> str:
    """The orders section's heading, from who gave the reasons this viewer reads beside
    them: `Orders, and why the computers chose them` when every one is a computer's (a
    computer seat's or a stand-in's), `Orders, and the reasons given` when a team gave one
    too, plain `Orders` when none is shown (people played, or the reasons are sealed)."""
    computer = {a.id for a in obs.actors if a.seat.kind != "human"}
    by_people = by_computers = False
    for seat in turn.orders:
        for order in seat.orders:
            if not obs.reason_words(order):
                continue
            if seat.actor in computer or stood_in([order.reason, order.plain]):
                by_computers = True
            else:
                by_people = True
    if by_people:
        return "Orders, and the reasons given"
    return "Orders, and why the computers chose them" if by_computers else "Orders"


def flag_change_line(f: FlagChange, *, bold_label: bool = False) -> Content:
    """A flag that changed this turn: a labelled one in the deck's words, `⚑ ICBM
    moratorium in force → ICBM moratorium over`; one without a label as its name in words
    and `on` or `off`, `⚑ Drills suspended  off → on`."""
    if f.was and f.now:
        return Content.assemble("⚑ ", f.was, (" → ", MUTED), (f.now, "bold"))
    label = (f.label, "bold") if bold_label else f.label
    return Content.assemble("⚑ ", label, "  ", "on" if f.old else "off", (" → ", MUTED), ("on" if f.new else "off", "bold"))


def report_block(turn: TurnInfo, obs: Observation, show_audience: bool) -> Content:
    """A resolved turn as sections: news, what moved each track and why, dice, flags,
    events, thresholds, every seat's orders, the ending."""
    sections: list[Content] = [heading("News"), news_block(turn.news, obs, show_audience, "Nothing public happened.")]
    sections += [Content(""), heading("What moved, and why")]
    lines = [moved_line(m) for m in turn.moved] if turn.moved else [change_line(c) for c in turn.changes]
    lines += [flag_change_line(f) for f in turn.flags]
    sections.append(Content("\n").join(lines) if lines else Content.styled("No track moved.", MUTED))
    sections += [Content(""), heading("Dice")]
    sections.append(Content("\n").join(roll_line(r) for r in turn.rolls) if turn.rolls else Content.styled("No chance rolls.", MUTED))
    if turn.events:
        sections += [Content(""), heading("Events"), Content("\n").join(Content.assemble(("★ ", MUTED), e) for e in turn.events)]
    if turn.thresholds:
        sections += [Content(""), heading("Thresholds crossed"), news_block(turn.thresholds, obs, show_audience)]
    orders = orders_lines(turn, obs)
    if orders:
        sections += [Content(""), heading(orders_heading(turn, obs)), Content("\n").join(orders)]
    if turn.ending is not None:
        sections += [Content(""), heading(f"The game ends: {turn.ending.title}")]
        if turn.ending.text:
            sections.append(Content(turn.ending.text))
    return Content("\n").join(sections)


def private_block(turn: TurnInfo, obs: Observation) -> Content:
    """A seat's private results of a turn: its secret news, hidden dice and secret tracks."""
    lines: list[Content] = [news_line(n, obs) for n in [*turn.news, *turn.thresholds]]
    lines += [roll_line(r) for r in turn.rolls]
    lines += [change_line(c) for c in turn.changes]
    return Content("\n").join(lines)


def chart(values: Sequence[float | None], lo: float, hi: float, turns: int, height: int = 5) -> Content:
    """A small column chart of a track over the turns so far (start, then after each turn)."""
    blocks = " ▁▂▃▄▅▆▇█"
    span = hi - lo or 1
    label_w = max(len(format_value(hi)), len(format_value(lo)))
    cols = len(values)
    rows: list[Content] = []
    for row in range(height):
        level_top = height - row  # in rows
        cells: list[tuple[str, str] | str] = []
        axis = format_value(hi) if row == 0 else format_value(lo) if row == height - 1 else ""
        cells.append((axis.rjust(label_w) + " ┤", MUTED))
        for v in values:
            if v is None:
                cells.append(("?  " if row == height - 1 else "   ", DISABLED))
                continue
            eighths = round((v - lo) / span * height * 8)
            full = eighths - (level_top - 1) * 8
            ch = blocks[8] if full >= 8 else blocks[max(0, full)]
            cells.append((ch * 2 + " ", "$primary"))
        rows.append(Content.assemble(*cells))
    axis_line = " " * label_w + " └" + "───" * cols
    numbers = " " * (label_w + 2) + "".join(str(i).ljust(3) for i in range(cols))
    rows.append(Content.styled(axis_line, MUTED))
    rows.append(Content.styled(numbers, MUTED))
    return Content("\n").join(rows)


def ranked(scores: Sequence[ScoreInfo]) -> list[ScoreInfo]:
    """The sides best first, by their points against their own most (`ScoreInfo.share`):
    a side that met every objective ranks above one with more points of a higher most."""
    return sorted(scores, key=lambda sc: (-sc.share(), -sc.total))


def score_block(score: ScoreInfo, obs: Observation) -> list[Line]:
    """An actor's score at the end: its points, then each objective met or missed. The
    points stand in a column before each objective, and an objective too long for the line
    wraps under its own words, never under the column."""
    points = f"{format_value(score.total)} of {format_value(score.most)} {plural(score.most, 'point')}"
    lines: list[Line] = [Content.assemble((obs.actor_name(score.actor), "bold"), (f"  {points}", HEAD))]
    worth = [f"{format_value(o.points)} {plural(o.points, 'pt')}" for o in score.objectives]
    width = max(map(len, worth), default=0)
    for o, pts in zip(score.objectives, worth, strict=True):
        mark = ("✓ met    ", GOOD) if o.met else ("✗ missed ", BAD)
        lines.append((Content.assemble("  ", mark, (pts.rjust(width), MUTED), "  "), Content(o.text)))
    return lines


def scores_lines(scores: Sequence[ScoreInfo], obs: Observation) -> list[Line]:
    """Every actor's score at the end, highest first, a blank line between."""
    lines: list[Line] = []
    for i, score in enumerate(ranked(scores)):
        lines += [Content("")] * bool(i) + score_block(score, obs)
    return lines


def pending_roll_prompt(roll: PendingRollInfo) -> Content:
    state = {None: ("roll the dice", MUTED), True: ("force success", GOOD), False: ("force failure", BAD)}[roll.forced]
    return Content.assemble(roll.label, (f"  {percent(roll.chance)}  ", MUTED), ("→ ", MUTED), state)


# -- targeted moves and offers -------------------------------------------------------------
def sheet_prompt(line: SheetLine, picks: Sequence[str]) -> Content:
    """One line of the order sheet; a targeted move names its picked targets, or says a
    target is to be chosen."""
    if not line.targeted:
        return move_prompt(line.choices[0], line.key in picks)
    if not line.available:
        return Content.assemble(("✗ ", DISABLED), (line.name, DISABLED), (f" — {line.reason}", DISABLED))
    chosen = [c.target_name or "" for c in line.choices if c.id in picks and c.target]
    box = ("[x] ", f"bold {GOOD}") if chosen else ("[ ] ", MUTED)
    meta = f"  {line.move.category_label or line.move.category}"
    if line.move.secret:
        meta += " · unattributed" if line.move.unattributed else " · secret"
    if chosen:
        # The targets take the place of the "…": `Warn Bravo, Charlie`, `Sanction → China`.
        head, _, tail = line.name.partition("…")
        return Content.assemble(box, (head, "bold"), (" and ".join(chosen) if len(chosen) == 2 else ", ".join(chosen), "bold"), (tail, "bold"), (meta, MUTED))
    return Content.assemble(box, line.name, (meta, MUTED))


def target_prompt(choice: MoveInfo, picked: bool) -> Content:
    """A target in the picker: its name, the odds, or why it may not be chosen now."""
    name = choice.target_name or ""
    if not choice.available:
        return Content.assemble(("✗ ", DISABLED), (name, DISABLED), (f" — {choice.reason}", DISABLED))
    box = ("[x] ", f"bold {GOOD}") if picked else ("[ ] ", MUTED)
    meta = ""
    if choice.chance is None:
        meta = "  odds hidden"
    elif choice.chance < 1:
        meta = f"  {percent(choice.chance)}"
    return Content.assemble(box, (name, "bold" if picked else ""), (meta, MUTED))


def answer_word(answer: str | None) -> tuple[str, str]:
    return {"accept": ("accept", GOOD), "refuse": ("refuse", BAD)}.get(answer or "", ("no answer yet", MUTED))


def offer_prompt(offer: OfferToAnswer, answer: str | None) -> Content:
    """An offer in the "waiting for your answer" list: the answer chosen so far, who offered
    what, and by when."""
    box = {"accept": ("[accept] ", f"bold {GOOD}"), "refuse": ("[refuse] ", f"bold {BAD}")}.get(answer or "", ("[ ] ", MUTED))
    due = (f"  answer this {offer.unit} or it expires", WARN) if offer.last_chance else (f"  answer by {offer.deadline}", MUTED)
    return Content.assemble(box, (offer.maker, "bold"), ": ", offer.name, due)


def _does(words: Sequence[str]) -> str:
    return "; ".join(words) if words else "no effect on the tracks"


def offer_detail(offer: OfferToAnswer) -> Content:
    """What an offer is and what each answer does, in plain words."""
    rec = offer.offer
    parts: list[str | Content | tuple[str, str]] = [
        (f"From {offer.maker}: {offer.name}", "bold"), "\n",
        (f"made in {offer.unit} {rec.made}; answer by {offer.deadline}" + (" (secret)" if rec.secret else ""), MUTED), "\n",
    ]
    if rec.description:
        parts += [rec.description, "\n"]
    parts += [("Accept (a): ", f"bold {GOOD}"), _does(rec.accept_effects), "\n"]
    parts += [("Refuse (r): ", f"bold {BAD}"), _does(rec.refuse_effects), "\n"]
    later = "if still unanswered after " + offer.deadline
    parts += [("Leave it (u): ", "bold"), f"nothing now; {later}: {_does(rec.expire_effects)}" if rec.expire_effects else f"nothing now; {later} it expires"]
    parts += ["\n", ("Answers use none of your orders.", MUTED)]
    return Content.assemble(*parts)


def terms_block(terms: OfferTermsInfo, unit: str) -> Content:
    """An offer's terms for its maker: what each answer, or none, would do."""
    return Content.assemble(
        ("An offer: ", "bold"), f"{terms.recipient_name} has {count(terms.expires, unit)} to answer.", "\n",
        ("If accepted: ", f"bold {GOOD}"), _does(terms.accept_effects), "\n",
        ("If refused: ", f"bold {BAD}"), _does(terms.refuse_effects), "\n",
        ("If unanswered: ", "bold"), _does(terms.expire_effects) if terms.expire_effects else "it expires, with no effect on the tracks",
    )


def offers_block(
    offers: Sequence[OfferInfo],
    unit: str,
    empty: str = "No offers yet.",
    extra: Callable[[OfferInfo], Content | None] | None = None,
) -> Content:
    """Offers, waiting ones first: each one's story from the viewer's side, under it the
    offer's name, and any `extra` line for it (the facilitator's: the answer sealed)."""
    if not offers:
        return Content.styled(empty, MUTED)
    ordered = sorted(offers, key=lambda r: (r.status != "waiting", -r.made))
    style = {"waiting": WARN, "accepted": GOOD, "refused": BAD}
    lines = []
    for r in ordered:
        mark = {"waiting": "◇ ", "accepted": "✓ ", "refused": "✗ ", "expired": "○ ", "unanswered": "○ ", "unknown": "? "}[r.status]
        lines.append(Content.assemble((mark, style.get(r.status, MUTED)), r.story))
        secret = ", secret" if r.secret else ""
        lines.append(Content.styled(f"  {r.move_name or r.name} ({unit} {r.made}{secret})", MUTED))
        more = extra(r) if extra is not None else None
        if more is not None:
            lines.append(Content.assemble("  ", more))
    return Content("\n").join(lines)
