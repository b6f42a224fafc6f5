"""Turn session data (moves, tracks, news, dice) into styled `Content` for the screens.

Deck text goes in as plain text parts, never through markup, so `[bold]` or
`[@click=...]` written in a deck is shown literally and cannot style or run anything.
Styles use the theme's variables, so light and dark themes both read well.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from textual.content import Content

from wargame.deck.compile import CompiledDeck
from wargame.deck.describe import MoveWords
from wargame.engine.game import ObjectiveResult, Score
from wargame.engine.offers import OfferRecord
from wargame.engine.state import NewsItem
from wargame.engine.visibility import Viewer
from wargame.play.control import PendingRoll
from wargame.play.readmodel import (
    ChangeLine,
    MoveChoice,
    RollLine,
    TrackReading,
    TurnReport,
    format_value,
)
from wargame.play.sheet import OfferTerms, OfferToAnswer, SheetLine, offer_line
from wargame.words import count, plural, possessive, sentence

MUTED = "$text-muted"
DISABLED = "$text-disabled"
GOOD = "$text-success"
BAD = "$text-error"
WARN = "$text-warning"
HEAD = "bold $text-accent"


def percent(p: float) -> str:
    return f"{p * 100:.0f}%"


def heading(text: str) -> Content:
    return Content.styled(text, HEAD)


def audience_name(deck: CompiledDeck, audience: Viewer) -> str:
    if audience.is_public:
        return "public view"
    if audience.is_facilitator or audience.actor is None:
        return "facilitator: everything"
    return f"{possessive(deck.actor_name(audience.actor))} view"


def bar(reading: TrackReading, width: int) -> Content:
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


def track_line(reading: TrackReading, label_width: int = 16, bar_width: int = 12, names: bool = True, width: int | None = None) -> Content:
    """`Tension          ████████░░░░  7/10 crisis` (value hidden as `?`).

    Given the `width` it must fit, a label longer than `label_width` gets a line of its own
    (never cut to "Talks mo…") and words that would run past the edge start a new line
    under the bar; without it, a long label is cut.
    """
    indent = " " * (label_width + 1)
    value = "?" if reading.value is None else format_value(reading.value)
    parts: list[str | Content | tuple[str, str]] = []
    if len(reading.label) <= label_width:
        parts.append(reading.label.ljust(label_width))
    elif width is not None:
        parts += [reading.label, "\n", " " * label_width]
    else:
        parts.append(reading.label[: label_width - 1] + "…")
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


def tracks_block(readings: Sequence[TrackReading], label_width: int = 16, bar_width: int = 12, names: bool = True, width: int | None = None) -> Content:
    return Content("\n").join(track_line(r, label_width, bar_width, names, width) for r in readings)


def objectives_block(results: Sequence[ObjectiveResult], met_word: str = "met now") -> Content:
    lines = []
    for o in results:
        mark = ("✓ ", GOOD) if o.met else ("· ", MUTED)
        lines.append(Content.assemble(mark, o.text, (f"  {format_value(o.points)} {plural(o.points, 'pt')}", MUTED)))
    if not lines:
        return Content.styled("No objectives.", MUTED)
    return Content("\n").join(lines)


def move_prompt(choice: MoveChoice, picked: bool) -> Content:
    """One line of the order sheet: a check box, the name, and why not if unavailable."""
    move = choice.move
    if not choice.available:
        return Content.assemble(("✗ ", DISABLED), (move.name, DISABLED), (f" — {choice.reason}", DISABLED))
    box = ("[x] ", f"bold {GOOD}") if picked else ("[ ] ", MUTED)
    meta = f"  {move.category}"
    if choice.chance is None:
        meta += " · odds hidden"
    elif choice.chance < 1:
        meta += f" · {percent(choice.chance)}"
    if move.secret:
        meta += " · secret"
    return Content.assemble(box, (move.name, "bold" if picked else ""), (meta, MUTED))


_FIELD = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
"""A value to fill in a news template (`{defcon}`), not a doubled literal brace."""


def move_detail(choice: MoveChoice, deck: CompiledDeck, words: MoveWords | None = None) -> Content:
    """Everything about one move: description, chance, effects, escalation, visibility.

    `words` is the move in plain words for the viewer (`ReadModel.move_words`); without it
    the deck's own expressions are shown (the facilitator's and author's view)."""
    move = choice.move
    unit = deck.turn_name
    parts: list[str | Content | tuple[str, str]] = [(move.name, "bold"), "\n"]
    vis = "secret" if move.secret else "public"
    if move.secret and move.detection:
        vis += f" (found out {percent(move.detection)} of the time)"
    elif move.secret and move.detection_fn is not None:
        vis += " (may be found out; the odds change with the situation)"
    parts += [(f"{move.category} · escalation {move.escalation} · {vis}", MUTED), "\n"]
    if not choice.available:
        parts += [("Not available: ", BAD), choice.reason, "\n"]
    if move.description:
        parts += [move.description, "\n"]
    if choice.chance is None:
        chance = f"Chance of success: {choice.chance_note}"
    else:
        chance = f"Chance of success: {percent(choice.chance)}"
        if move.chance_source:
            chance += f" now ({words.chance if words is not None else move.chance_source})"
    parts += [chance, "\n"]
    for key, title in (("success", "On success"), ("failure", "On failure"), ("always", "Either way")):
        effects = move.effect_text.get(key, []) if words is None else list(getattr(words, key))
        news = {"success": move.success_news, "failure": move.failure_news, "always": move.always_news}[key]
        if news and (getattr(move, "success_tpl", None) or getattr(move, "failure_tpl", None)):
            # News with values is filled in when it happens: before, its values are "…".
            news = _FIELD.sub("…", news).replace("{{", "{").replace("}}", "}")
        if key == "failure" and choice.chance is not None and choice.chance >= 1:
            continue
        if not effects and not news:
            continue
        parts += [(f"{title}: ", "bold"), "; ".join(effects) or "no effect on the tracks"]
        if news:
            parts += [("  “", MUTED), (news, MUTED), ("”", MUTED)]
        parts.append("\n")
    limits = []
    if move.once:
        limits.append("once per game")
    if move.cooldown:
        limits.append(f"after playing it, wait {count(move.cooldown, unit)}")
    # The deck's requirement is a sentence of its own ("Needs a prepared test site."): quote
    # it as written rather than behind a "needs:" of ours; else say it in plain words.
    said = [sentence("; ".join(limits))] if limits else []
    own_text = move.requires_own
    if own_text:
        said.append(sentence(own_text))
    elif words is not None and words.requires:
        said.append(sentence(words.requires))
    elif move.requires_text:
        said.append(sentence(move.requires_text))
    if said:
        parts += [("Limits: ", "bold"), " ".join(said), "\n"]
    return Content.assemble(*parts).rstrip()


def news_line(item: NewsItem, deck: CompiledDeck, show_audience: bool = False) -> Content:
    """A news item; with `show_audience`, a secret item says who may see it (a seat sees only
    its own secrets, the facilitator everyone's, the public none)."""
    icon = {"move": "• ", "fizzle": "· ", "reveal": "! ", "event": "★ ", "inject": "★ ", "threshold": "▲ ", "ending": "■ ", "expire": "○ "}.get(item.kind, "• ")
    # An offer left to expire is news, but a quiet kind: nobody did anything.
    style = {"threshold": WARN, "reveal": WARN, "ending": "bold", "fizzle": MUTED, "expire": "italic"}.get(item.kind, "")
    parts: list[str | Content | tuple[str, str]] = [(icon, MUTED), (item.text, style)]
    if show_audience and item.audience is not None:
        who = ", ".join(deck.actor_name(a) for a in sorted(item.audience))
        parts.append((f"  (secret: {who})", MUTED))
    return Content.assemble(*parts)


def news_block(items: Sequence[NewsItem], deck: CompiledDeck, show_audience: bool = False, empty: str = "No news.") -> Content:
    if not items:
        return Content.styled(empty, MUTED)
    return Content("\n").join(news_line(n, deck, show_audience) for n in items)


def roll_line(roll: RollLine) -> Content:
    result = ("chosen", GOOD) if roll.kind == "outcome" else ("success", GOOD) if roll.success else ("failure", BAD)
    if roll.chance is None or roll.roll is None:
        odds = f"  (odds {roll.note}) → " if roll.note else "  → "
    else:
        odds = f"  {percent(roll.chance)} chance: rolled {int(roll.roll * 100)} of 100 → "
    parts: list[str | Content | tuple[str, str]] = [roll.label, (odds, MUTED), result]
    if roll.forced:
        parts.append((" (set by the facilitator)", WARN))
    return Content.assemble(*parts)


def change_line(change: ChangeLine) -> Content:
    arrow = ("▲", "$text-accent") if change.new > change.old else ("▼", "$text-accent")
    return Content.assemble(
        arrow, " ", change.label, "  ", format_value(change.old), (" → ", MUTED), (format_value(change.new), "bold")
    )


def report_block(report: TurnReport, deck: CompiledDeck, show_audience: bool) -> Content:
    """A resolved turn as sections: news, dice, track changes, events, thresholds, ending."""
    sections: list[Content] = [heading("News"), news_block(report.news, deck, show_audience, "Nothing public happened.")]
    sections += [Content(""), heading("Dice")]
    sections.append(Content("\n").join(roll_line(r) for r in report.rolls) if report.rolls else Content.styled("No chance rolls.", MUTED))
    sections += [Content(""), heading("Changes")]
    lines = [change_line(c) for c in report.changes]
    lines += [Content.assemble("⚑ ", name, "  ", "on" if old else "off", (" → ", MUTED), ("on" if new else "off", "bold")) for name, old, new in report.flags]
    sections.append(Content("\n").join(lines) if lines else Content.styled("No track moved.", MUTED))
    if report.events:
        sections += [Content(""), heading("Events"), Content("\n").join(Content.assemble(("★ ", MUTED), e) for e in report.events)]
    if report.thresholds:
        sections += [Content(""), heading("Thresholds crossed"), news_block(report.thresholds, deck, show_audience)]
    if report.reasons:
        sections += [Content(""), heading("Why the computers chose")]
        sections.append(Content("\n").join(Content.assemble((f"{actor}: {move}", "bold"), (" — ", MUTED), reason) for actor, move, reason in report.reasons))
    if report.ending is not None:
        sections += [Content(""), heading(f"The game ends: {report.ending.title}")]
        if report.ending.text:
            sections.append(Content(report.ending.text))
    return Content("\n").join(sections)


def private_block(report: TurnReport, deck: CompiledDeck) -> Content:
    """A seat's private results of a turn: its secret news, hidden dice and secret tracks."""
    lines: list[Content] = [news_line(n, deck) for n in [*report.news, *report.thresholds]]
    lines += [roll_line(r) for r in report.rolls]
    lines += [change_line(c) for c in report.changes]
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


def score_block(score: Score, deck: CompiledDeck) -> Content:
    points = f"{format_value(score.total)} {plural(score.total, 'point')}"
    lines = [Content.assemble((deck.actor_name(score.actor), "bold"), (f"  {points}", HEAD))]
    for o in score.objectives:
        mark = ("✓ met    ", GOOD) if o.met else ("✗ missed ", BAD)
        lines.append(Content.assemble("  ", mark, o.text, (f"  ({format_value(o.points)})", MUTED)))
    return Content("\n").join(lines)


def pending_roll_prompt(roll: PendingRoll) -> Content:
    state = {None: ("roll the dice", MUTED), True: ("force success", GOOD), False: ("force failure", BAD)}[roll.forced]
    return Content.assemble(roll.label, (f"  {percent(roll.chance)}  ", MUTED), ("→ ", MUTED), state)


# -- targeted moves and offers -------------------------------------------------------------
def sheet_prompt(line: SheetLine, picks: Sequence[str], deck: CompiledDeck) -> Content:
    """One line of the order sheet; a targeted move names its picked targets, or says a
    target is to be chosen."""
    if not line.targeted:
        return move_prompt(line.choices[0], line.key in picks)
    if not line.available:
        return Content.assemble(("✗ ", DISABLED), (line.name, DISABLED), (f" — {line.reason}", DISABLED))
    chosen = [deck.actor_name(c.move.target) for c in line.choices if c.move.id in picks and c.move.target]
    box = ("[x] ", f"bold {GOOD}") if chosen else ("[ ] ", MUTED)
    meta = f"  {line.move.category}"
    if line.move.secret:
        meta += " · secret"
    if chosen:
        # The targets take the place of the "…": `Warn Bravo, Charlie`, `Sanction → China`.
        head, _, tail = line.name.partition("…")
        return Content.assemble(box, (head, "bold"), (" and ".join(chosen) if len(chosen) == 2 else ", ".join(chosen), "bold"), (tail, "bold"), (meta, MUTED))
    return Content.assemble(box, line.name, (meta, MUTED))


def target_prompt(choice: MoveChoice, picked: bool, deck: CompiledDeck) -> Content:
    """A target in the picker: its name, the odds, or why it may not be chosen now."""
    name = deck.actor_name(choice.move.target or "")
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
    rec = offer.record
    parts: list[str | Content | tuple[str, str]] = [
        (f"{offer.maker} offers: {offer.name}", "bold"), "\n",
        (f"made in {offer.unit} {rec.made}; answer by {offer.deadline}" + (" (secret)" if rec.secret else ""), MUTED), "\n",
    ]
    if offer.offer.description:
        parts += [offer.offer.description, "\n"]
    parts += [("Accept (a): ", f"bold {GOOD}"), _does(offer.accept_does), "\n"]
    parts += [("Refuse (r): ", f"bold {BAD}"), _does(offer.refuse_does), "\n"]
    later = "if still unanswered after " + offer.deadline
    parts += [("Leave it (u): ", "bold"), f"nothing now; {later}: {_does(offer.expire_does)}" if offer.expire_does else f"nothing now; {later} it expires"]
    parts += ["\n", ("Answers use none of your orders.", MUTED)]
    return Content.assemble(*parts)


def terms_block(terms: OfferTerms, unit: str) -> Content:
    """An offer's terms for its maker: what each answer, or none, would do."""
    return Content.assemble(
        ("An offer: ", "bold"), f"{terms.recipient} has {count(terms.expires, unit)} to answer.", "\n",
        ("If accepted: ", f"bold {GOOD}"), _does(terms.accept_does), "\n",
        ("If refused: ", f"bold {BAD}"), _does(terms.refuse_does), "\n",
        ("If unanswered: ", "bold"), _does(terms.expire_does) if terms.expire_does else "it expires, with no effect on the tracks",
    )


def offers_block(
    records: Sequence[OfferRecord],
    deck: CompiledDeck,
    seat: str | None,
    empty: str = "No offers yet.",
    extra: Callable[[OfferRecord], Content | None] | None = None,
) -> Content:
    """Offers, waiting ones first: `offer_line`, under it the offer's name, and any `extra`
    line for it (the facilitator's: the answer sealed this turn)."""
    if not records:
        return Content.styled(empty, MUTED)
    ordered = sorted(records, key=lambda r: (r.status != "waiting", -r.made))
    style = {"waiting": WARN, "accepted": GOOD, "refused": BAD}
    unit = deck.turn_name
    lines = []
    for r in ordered:
        mark = {"waiting": "◇ ", "accepted": "✓ ", "refused": "✗ ", "expired": "○ ", "unanswered": "○ ", "unknown": "? "}[r.status]
        lines.append(Content.assemble((mark, style.get(r.status, MUTED)), offer_line(r, deck, seat)))
        secret = ", secret" if r.secret else ""
        lines.append(Content.styled(f"  {r.name} ({unit} {r.made}{secret})", MUTED))
        more = extra(r) if extra is not None else None
        if more is not None:
            lines.append(Content.assemble("  ", more))
    return Content("\n").join(lines)
