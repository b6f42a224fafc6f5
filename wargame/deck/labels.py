"""How plays of targeted moves, answers to offers and chance rolls are named outside the order sheet.

The order sheet lists `Sanction (China)`; a timeline, a report or a turning point reads
better as `Sanction → China`, and an answer as `Bravo's acceptance of Alpha's offer (...)`.
A chance roll is named one way on every surface (`roll_label`). Names only: no secrecy
is decided here (callers name only plays and rolls their viewer may know).
"""

from __future__ import annotations

from wargame.deck.compile import CMove, COffer, CompiledDeck
from wargame.words import possessive


def play_name(deck: CompiledDeck, move: CMove) -> str:
    """A move's name in a timeline: a targeted move whose name does not say its target
    (the loader then adds ` (China)`) as `Sanction → China`; any other as named."""
    bare = offer_name(deck, move)
    return move.name if bare == move.name else f"{bare} → {deck.actor_name(move.target or '')}"


def offer_name(deck: CompiledDeck, move: CMove) -> str:
    """A targeted move's name without the target the loader added (`Sanction` for
    `Sanction (China)`): where the target is said apart ("to China"); any other as named."""
    if move.target is None or move.answer is not None:
        return move.name
    suffix = f" ({deck.actor_name(move.target)})"
    if move.name.endswith(suffix) and len(move.name) > len(suffix):
        return move.name[: -len(suffix)]
    return move.name


def group_name(move: CMove) -> str:
    """A targeted move's name before its target is picked (order sheets, pickers): `Warn …`
    for `Warn {target}`, `Sanction → …` for `Sanction`."""
    base = move.base_name or move.name
    if "{target}" in base:
        return " ".join(base.replace("{target}", "…").split())
    return f"{base} → …"


def offer_of(deck: CompiledDeck, move: CMove) -> COffer | None:
    """The offer a move makes or answers (None for any other move)."""
    if move.gate is None or not 0 <= move.gate < len(deck.offers):
        return None
    return deck.offers[move.gate]


def answer_phrase(deck: CompiledDeck, move: CMove) -> str:
    """An answer as a noun phrase: `Bravo's acceptance of Alpha's offer (Offer talks to
    Bravo)`; any other move as `Alpha's Warn Bravo` (for "brought about by ...")."""
    offer = offer_of(deck, move)
    if move.answer is None or offer is None:
        return f"{possessive(deck.actor_name(move.actor))} {play_name(deck, move)}"
    what = "acceptance" if move.answer == "accept" else "refusal"
    made = deck.moves[offer.move]
    return f"{possessive(deck.actor_name(move.actor))} {what} of {possessive(deck.actor_name(offer.maker))} offer ({made.name})"


def roll_label(deck: CompiledDeck, kind: str, key: str) -> str:
    """What a chance roll was for, in words, for every screen, report and debrief: a
    move's roll `North Korea: ICBM test`, its detection `Blue: Spy operation (detection)`,
    an event's name, and a weighted one-of event's pick as the event and the outcome
    drawn (`ExComm reads the letter: the hawks' reading`). `kind` and `key` are the
    recorded roll's; a key the deck does not know (a hand-edited save) is said as it is."""
    if kind in {"move", "detect"} and key in deck.move_index:
        move = deck.moves[deck.move_index[key]]
        label = f"{deck.actor_name(move.actor)}: {play_name(deck, move)}"
        return f"{label} (detection)" if kind == "detect" else label
    if kind == "outcome":
        event_id, _, index = key.rpartition("#")
        event = deck.events[deck.event_index[event_id]] if event_id in deck.event_index else None
        if event is not None and index.isdigit() and int(index) < len(event.outcomes):
            return f"{event.name}: {event.outcomes[int(index)].name}"
    if key in deck.event_index:
        return deck.events[deck.event_index[key]].name
    return key


__all__ = ["answer_phrase", "group_name", "offer_of", "play_name", "roll_label"]
