"""Computers' reasons in plain sentences for players, built once for every screen.

A computer seat records its reason as it worked it out (a doctrine's weight, rank and
expression; a lookahead's playout averages): the facilitator's and the debrief's detail.
A player reads `OrderInfo.plain` instead, made here from the IR of the doctrine's weight
(which of its conditions held when the seat decided, in the deck's own words) and from
the seat's kind; never a doctrine's internal name, a weight or an expression.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator

from wargame.deck.codegen import Fn, compile_expression
from wargame.deck.compile import CompiledDeck
from wargame.deck.describe import Describer, is_condition
from wargame.deck.ir import Arith, IfElse, Neg, Node, reads_of
from wargame.engine.state import State
from wargame.observe.labels import HIDDEN_REASON as HIDDEN_REASON_LABEL
from wargame.words import sentence

__all__ = ["HIDDEN_REASON", "LOOKED_AHEAD", "plain_reason"]

HIDDEN_REASON = sentence(HIDDEN_REASON_LABEL)
"""What a player is told of a reason that reads something hidden from it."""

LOOKED_AHEAD = "It played the game forward from what it knows, many times over, and chose what served its objectives best."
"""A lookahead's reason as any player may read it: how it decides, and nothing it read."""

_RANK = re.compile(r"\((\d+)(?:st|nd|rd|th) of (\d+) available, (\d+)% share\)")
"""The rank a doctrine's recorded reason gives its pick (`(1st of 9 available, 18% share)`)."""
_ANSWER_SHARE = re.compile(r"\((\d+)% chance of this answer\)")
_TOGETHER = re.compile(r"^.*?: chosen together with (.+) \(see its reason\)\.$")
_PLAYOUTS = re.compile(r"averaged (-?[\d.]+) objective points(?: vs (-?[\d.]+) for the next best \((.+?)\))?")


def _conditions(node: Node) -> Iterator[Node]:
    """The conditions a weight counts on, outermost first: through sums, products and
    if-else, stopping at each condition (`3 * (tension < 8)` -> `tension < 8`)."""
    if is_condition(node):
        yield node
    elif isinstance(node, Arith):
        yield from _conditions(node.left)
        yield from _conditions(node.right)
    elif isinstance(node, Neg):
        yield from _conditions(node.operand)
    elif isinstance(node, IfElse):
        yield node.test


_FNS: dict[int, tuple[weakref.ref[CompiledDeck], dict[Node, Fn]]] = {}
"""Per deck (by identity, checked with a weak reference): each condition compiled once."""


def _holds(deck: CompiledDeck, node: Node, state: State) -> bool:
    entry = _FNS.get(id(deck))
    if entry is None or entry[0]() is not deck:
        entry = _FNS[id(deck)] = (weakref.ref(deck), {})
    fn = entry[1].get(node)
    if fn is None:
        fn = entry[1][node] = compile_expression(node)
    return bool(fn(state))


def _doctrine(deck: CompiledDeck, actor: str, doctrine: str, move_id: str, reason: str, state: State | None) -> str:
    docs = deck.doctrines.get(actor, {})
    doc = docs.get(doctrine)
    own = [m.id for m in deck.moves_by_actor.get(actor, [])]
    if doc is None or move_id not in own:
        return ""
    node = doc.weight_nodes[own.index(move_id)] if own.index(move_id) < len(doc.weight_nodes) else None
    words = Describer(deck)
    said: list[str] = []
    if node is not None and state is not None:
        held = [c for c in _conditions(node) if _holds(deck, c, state)]
        said = [words.condition(c) for c in dict.fromkeys(held)]
    if said:
        why = f"Its style of play favours this now: {'; '.join(said)}."
    elif node is not None and reads_of(node).slots:
        tracks = sorted({deck.slot_label(s) for s in reads_of(node).slots})
        why = f"Its style of play weighs {' and '.join(tracks)} in choosing this."
    else:
        why = "A standing choice of its style of play."
    rank = _RANK.search(reason)
    if rank is not None:
        first, of, share = int(rank.group(1)), int(rank.group(2)), int(rank.group(3))
        if of <= 1:
            how = "It was the only move it would consider."
        elif first == 1:
            how = f"It was its likeliest choice of {of} (about {share}% of the time)."
        else:
            how = f"It was a less likely choice (about {share}% of the time), drawn by chance."
        why = f"{why} {how}"
    answer = _ANSWER_SHARE.search(reason)
    if answer is not None:
        why = f"{why} It weighed accepting against refusing: this answer was {answer.group(1)}% likely."
    return why


def _lookahead(reason: str, owner: bool) -> str:
    together = _TOGETHER.match(reason)
    if together is not None:
        return f"Chosen together with {together.group(1)}."
    if not owner:
        return LOOKED_AHEAD
    scores = _PLAYOUTS.search(reason)
    if scores is None:
        return LOOKED_AHEAD
    best, other, runner = scores.group(1), scores.group(2), scores.group(3)
    head = f"It played the game forward many times from what it knows: this scored {best} of its objective points on average"
    if other is not None:
        head += f", against {other} for its next best choice ({runner})"
    if "toss-up" in reason:
        head += "; a close call"
    return head + "."


def plain_reason(
    deck: CompiledDeck, actor: str, seat: str, move_id: str, reason: str, state: State | None, *, readable: bool, owner: bool
) -> str:
    """A computer's (or a team's) reason for ordering `move_id`, in a plain sentence.

    `seat` is who plays the actor (`doctrine:NAME`, `lookahead`, `random`, `human`, ...);
    `reason` as it was recorded; `state` the state the seat decided on (None: unknown);
    `readable`: the viewer may read this reason (`visibility.sees_reason`); `owner`: the
    viewer sees this seat's orders (the seat itself or the facilitator)."""
    if not reason:
        return ""
    kind, _, arg = seat.strip().partition(":")
    kind = kind.partition("[")[0].lower()
    if kind == "lookahead":
        return _lookahead(reason, owner)  # how it decides: never what it read
    if not readable:
        return HIDDEN_REASON
    if kind == "random":
        return "It picked this at random."
    if kind == "doctrine":
        return _doctrine(deck, actor, arg, move_id, reason, state) or sentence(reason)
    return sentence(reason)  # a team's own words, or a program's
