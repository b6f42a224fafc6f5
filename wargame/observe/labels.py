"""The one place for how things are named to people: a roll, a turn, a value, a viewer, a
seat, an order and an offer's story.

Names only: no secrecy is decided here (callers name only what their viewer may know, and
`visibility` says what that is). Every screen, the host, the debrief and the report take
their labels from here, so the same roll reads the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

from wargame.deck.compile import CMove, CompiledDeck
from wargame.deck.describe import turn_label
from wargame.deck.labels import offer_name, play_name
from wargame.deck.labels import roll_label as deck_roll_label
from wargame.engine.offers import OfferRecord
from wargame.engine.state import Roll
from wargame.observe.model import MessageInfo, Observation, TeamInfo, TeamNoteInfo
from wargame.observe.visibility import Viewer
from wargame.words import number, possessive

__all__ = [
    "APART",
    "HIDDEN_REASON",
    "STAND_IN_MARK",
    "draw_label",
    "format_value",
    "mark_after",
    "message_author",
    "message_to",
    "note_words",
    "order_label",
    "percent",
    "roll_label",
    "roll_outcome",
    "seat_kind",
    "seat_label",
    "stood_in",
    "turn_label",
    "viewer_label",
    "viewer_name",
]


def format_value(x: float) -> str:
    """A track's value as people read it: `7`, `4.5`, `0.25` (`wargame.words.number`)."""
    return number(x)


def percent(p: float) -> str:
    return f"{p * 100:.0f}%"


def draw_label(roll: float) -> str:
    """The number a chance roll drew, as every screen and the report say it: `27 of 100`.

    Whole hundredths, rounded down, so the number reads against the chance the way the
    dice work (a roll succeeds when it is under the chance: 27 of 100 under 28%)."""
    return f"{int(roll * 100)} of 100"


def draw_needed(chance: float) -> str:
    """What a roll's draw had to be to succeed, in `draw_label`'s numbers: a roll succeeds when
    its draw is under the chance (`Game._roll`: `draw < p`), so at 90% a draw of 90 of 100
    fails and the words are `needed 89 or under`; a chance of no whole percent (35.5%) reads
    `needed under 35.5`. Not for a weighted outcome's draw, which picks rather than passes."""
    hundredths = chance * 100
    whole = round(hundredths)
    if abs(hundredths - whole) < 1e-9:
        return f"needed {whole - 1} or under"
    # Cut, not rounded, to hundredths: 54.999 must not read as "under 55" for a draw of 54.
    cut = f"{math.floor(hundredths * 100) / 100:.2f}".rstrip("0").rstrip(".")
    return f"needed under {cut}"


def roll_label(deck: CompiledDeck, roll: Roll | tuple[str, str]) -> str:
    """What a chance roll was for, in words (`Red: Spy operation (detection)`, an event's
    name, a weighted outcome's): the deck's one roll label, for a `Roll` or its (kind, key)."""
    kind, key = (roll.kind, roll.key) if isinstance(roll, Roll) else roll
    return deck_roll_label(deck, kind, key)


HIDDEN_REASON = "its reasons weigh what is hidden from you"
"""What a viewer reads for a computer's reason computed from what it may not see."""

STAND_IN_MARK = "(a computer stood in when time ran out) "
"""How a seat's reasons say its computer stand-in gave its orders (the team did not seal
in time): the save keeps the stand-in's reasons with this in front of each."""


def mark_after(name: str, mark: str, on: bool = True) -> str:
    """What follows a name to mark it, " (secret)" or " (inject)", or nothing when the name
    says it already (a deck's own "… (secret)", which lint warns about): no screen reads
    "(secret) (secret)"."""
    return "" if not on or f"({mark})" in name.lower() else f" ({mark})"


def roll_outcome(kind: str, success: bool) -> str:
    """A roll's result in the players' words, not the engine's: a detection roll that
    succeeds finds the secret move out (its "failure" means nobody caught it), an event's
    roll says whether it happened, a weighted outcome was chosen, a move succeeds or fails."""
    if kind == "outcome":
        return "chosen"
    if kind == "detect":
        return "found out" if success else "not found out"
    if kind == "event":
        return "it happens" if success else "it does not happen"
    return "success" if success else "failure"


def stood_in(reasons: Sequence[str]) -> bool:
    """Whether a seat's orders of a turn were given by its computer stand-in (its reasons
    carry `STAND_IN_MARK`)."""
    return any(r.startswith(STAND_IN_MARK) for r in reasons)


def order_label(deck: CompiledDeck, move: CMove) -> str:
    """An order as it reads once picked: `Sanction → China`; the author's own wording when
    the name places the target (`Warn Bravo`); an answer or a plain move by its name."""
    if move.target is None or move.answer is not None:
        return move.name
    return play_name(deck, move)


def viewer_name(deck: CompiledDeck, viewer: Viewer) -> str:
    """`North Korea`, `the facilitator`, `the public`."""
    if viewer.is_facilitator:
        return "the facilitator"
    if viewer.is_public or viewer.actor is None:
        return "the public"
    return deck.actor_name(viewer.actor)


def viewer_label(deck: CompiledDeck, viewer: Viewer) -> str:
    """What a screen's corner says of whose eyes it is for."""
    if viewer.is_public:
        return "public view"
    if viewer.is_facilitator or viewer.actor is None:
        return "facilitator: everything"
    return f"{possessive(deck.actor_name(viewer.actor))} view"


def seat_kind(spec: str) -> str:
    """`human`, `computer` or `program` for a seat specification's text."""
    kind = spec.strip().partition(":")[0].partition("[")[0].lower()
    return kind if kind == "human" else "program" if kind == "agent" else "computer"


def seat_label(spec: str, *, program_name: str | None = None) -> str:
    """How a seat is described to people: `Human`, `Computer (random)`, `Computer (a program)`.

    A program's command line is never shown (it may hold a key): only the name it was
    given on the host's command line, when the caller passes `program_name`."""
    kind, _, arg = spec.strip().partition(":")
    kind = kind.partition("[")[0].lower()
    if kind == "human":
        return "Human"
    if kind == "random":
        return "Computer (random)"
    if kind == "doctrine":
        return f"Computer (doctrine: {arg})"
    if kind == "agent":
        return f"Computer (program {program_name})" if program_name else "Computer (a program)"
    return f"Computer ({kind}: {arg or 'normal'})"


def offer_story(deck: CompiledDeck, rec: OfferRecord, seat: str | None) -> str:
    """One offer's story in a sentence from `seat`'s side (None: the facilitator's or the
    room's): `Your offer to Bravo: waiting, answer due by month 3`."""
    unit = deck.turn_name
    maker, recipient = deck.actor_name(rec.maker), deck.actor_name(rec.recipient)
    if seat == rec.maker:
        head = f"Your offer to {recipient}"
    elif seat == rec.recipient:
        head = f"{possessive(maker)} offer to you"
    else:
        head = f"{possessive(maker)} offer to {recipient}"
    status = {
        "waiting": f"waiting, answer due by {unit} {rec.deadline}",
        "accepted": f"accepted in {unit} {rec.closed}",
        "refused": f"refused in {unit} {rec.closed}",
        "expired": f"expired unanswered after {unit} {rec.closed}",
        "unanswered": "never answered: the game ended first",
        "unknown": "what became of it did not come to light",
    }[rec.status]
    return f"{head}: {status}"


def offer_title(deck: CompiledDeck, move: CMove) -> str:
    """An offer as its recipient reads it, without its own name appended."""
    return offer_name(deck, move)


def event_names(deck: CompiledDeck) -> Mapping[str, str]:
    return {e.id: e.name for e in deck.events}


# -- what was said ----------------------------------------------------------------------
APART = "  ·  "
"""Between the parts of a line about talk that a narrow page may set on lines of their own
(a seal's orders, then its split)."""
Stress = Literal["", "strong", "warning", "muted", "head", "said"]
"""How a part of a line about talk is set: plain, strong (who did what), a warning (an
objection), muted (an agreement, who agreed), a heading (a team's split), or `said`: a
player's own words (plain text, never markup, that may hold line breaks)."""


def note_words(n: TeamNoteInfo, team: TeamInfo | None = None) -> list[tuple[str, Stress]]:
    """A team's note as words, part by part: a proposal, a comment, an agreement, an
    objection, a seal with its split, or a new sealer. With the `team` it is from, a seal
    names the proposal it stood on and who proposed it. The one wording for every screen,
    the debrief and the printout; each sets the parts in its own way."""
    about = f" (on #{n.proposal})" if n.proposal is not None else ""
    match n.kind:
        case "comment":
            return [(f"{n.member}{about}: ", "strong"), (n.text, "said")]
        case "object":
            return [(f"{n.member} objects{about}", "warning"), (": " if n.text else "", ""), (n.text, "said")]
        case "agree":
            return [(f"{n.member} agrees{about}", "muted")]
        case "seal":
            orders = ", ".join(n.order_names) or "no orders"
            by = team.proposer(n.proposal) if team is not None else ""
            what = f"{possessive(by)} proposal #{n.proposal}" if by else (f"#{n.proposal}" if n.proposal is not None else "")
            return [
                (f"{n.member} sealed{' ' + what if what else ''}: ", "strong"), (orders, ""),
                (APART, "head"), (f"the team split {len(n.agreed)}–{len(n.objected)}", "head"),
                (f" (agreed: {', '.join(n.agreed) or 'nobody'}; objected: {', '.join(n.objected) or 'nobody'})", "muted"),
            ]
        case "sealer":
            return [(f"{n.member} seals for the team from now on", "muted")]
        case _:
            return [(f"{n.member} proposed #{n.id}: ", "strong"), (", ".join(n.order_names) or "no orders", ""),
                    (" — " if n.text else "", ""), (n.text, "said")]


def message_author(m: MessageInfo) -> str:
    """`Ana (United States)`: who wrote a message, the team member first when one is
    recorded; the seat, the facilitator or a third party otherwise."""
    return f"{m.member} ({m.sender_name})" if m.member else m.sender_name


def message_to(m: MessageInfo, obs: Observation) -> str:
    """Whom a message was sent to, as `obs`'s viewer reads it: the seats' short names, or
    `everyone (public)` for a public statement (to the room, not a list of seats that
    names its own sender)."""
    public = any(c.name == m.channel and c.public for c in obs.channels)
    return "everyone (public)" if public else ", ".join(obs.actor_short(a) for a in m.to)
