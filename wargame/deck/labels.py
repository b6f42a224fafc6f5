"""How plays of targeted moves and answers to offers are named outside the order sheet.

The order sheet lists `Sanction (China)`; a timeline, a report or a turning point reads
better as `Sanction → China`, and an answer as `Bravo's acceptance of Alpha's offer (...)`.
Names only: no secrecy is decided here (callers name only plays their viewer may know).
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


__all__ = ["answer_phrase", "offer_of", "play_name"]
