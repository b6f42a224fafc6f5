"""Secrecy warnings for deck authors: expressions whose result a seat sees but whose inputs it cannot.

They load (odds may depend on what a seat cannot know; the visibility rules then hide the
number from it), but an author should know: the deck linter lists them with file and line.
Preconditions and doctrine weights that read hidden things are load errors instead
(`wargame.deck.compile`).
"""

from __future__ import annotations

from wargame.deck.compile import CompiledDeck, Hidden, PathT
from wargame.deck.ir import NO_READS, EffectNode, Reads, Reveal, SetFlag, reads_of
from wargame.deck.locate import LineIndex, format_path
from wargame.errors import Problem
from wargame.words import possessive

_ODDS = "their screens will not show the odds"
_CHANGE = "the change they see tells them something about it"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _what(deck: CompiledDeck, hidden: Hidden) -> str:
    if hidden.slot is not None:
        return f"{deck.slot_names[hidden.slot]} (secret to {deck.actor_name(hidden.owner)})"
    return f"the plays of '{hidden.move}', {possessive(deck.actor_name(hidden.owner))} secret move"


def _effect_watchers(deck: CompiledDeck, node: EffectNode) -> list[str]:
    """The seats that see what an effect changes: everyone for a public track or a flag,
    the owner alone for a secret track."""
    if isinstance(node, Reveal):
        return []
    if isinstance(node, SetFlag):
        return list(deck.actors)
    owner = deck.secret_slots.get(node.slot)
    return [owner] if owner is not None else list(deck.actors)


def _checks(deck: CompiledDeck) -> list[tuple[PathT, Reads, list[str], str, str | None]]:
    """(path, what it reads, the seats that see its result, what they see, and whose
    secrets it may read without a word: the acting seat's own, for a move's odds)."""
    everyone = list(deck.actors)
    out: list[tuple[PathT, Reads, list[str], str, str | None]] = []
    for move in deck.moves:
        p: PathT = ("moves", move.index)
        # The actor sees the odds on its orders screen; whoever sees the play sees its roll.
        # Odds that read the acting seat's own secrets are hidden from the others by the
        # visibility rules, as meant ("depends on ..., hidden from you"): no warning then.
        seers = sorted(move.audience, key=deck.actors.index) if move.audience is not None else everyone
        out.append(((*p, "chance"), move.chance_reads, seers, _ODDS, move.actor))
        out.append(((*p, "detection"), move.detection_reads, seers, _ODDS, move.actor))
        for outcome, nodes in move.effect_nodes.items():
            for i, node in enumerate(nodes):
                out.append(((*p, outcome, "effects", i), reads_of(node), _effect_watchers(deck, node), _CHANGE, None))
    for event in deck.events:
        p = ("events", event.index)
        # Events are public: every seat sees one fire, its roll and its effects.
        out.append(((*p, "when"), event.when_reads, everyone, "when it fires, they learn something about it", None))
        out.append(((*p, "chance"), event.chance_reads, everyone, _ODDS, None))
        for i, node in enumerate(event.effect_nodes):
            out.append(((*p, "effects", i), reads_of(node), _effect_watchers(deck, node), _CHANGE, None))
    for i, ending in enumerate(deck.model.endings):
        compiled = next((e for e in [*deck.endings, deck.turn_limit_ending] if e.id == ending.id), None)
        reads = compiled.when_reads if compiled is not None else NO_READS
        out.append((("endings", i, "when"), reads, everyone, "when the game ends this way, they learn something about it", None))
    return out


def _named_in_fizzles(deck: CompiledDeck) -> list[tuple[PathT, str]]:
    """Preconditions with no `requires_text`: their fizzle news quotes the expression, which
    must then not name a secret move some seat in the news' audience cannot know of."""
    out: list[tuple[PathT, str]] = []
    for move, spec in zip(deck.moves, deck.model.moves, strict=True):
        if spec.requires is None or spec.requires_text:
            continue
        seers = sorted(move.audience, key=deck.actors.index) if move.audience is not None else list(deck.actors)
        for other_id in sorted(move.requires_reads.moves | move.requires_reads.revealed):
            other = deck.moves[deck.move_index[other_id]]
            if other.audience is None:
                continue
            blind = [deck.actor_name(a) for a in seers if a not in other.audience]
            if blind:
                out.append(((*_path(move.index), "requires"), (
                    f"names '{other_id}', a secret move {_names(blind)} cannot know of, and the move has "
                    "no requires_text: its fizzle news would quote the expression; write a requires_text"
                )))
    return out


def _path(index: int) -> PathT:
    return ("moves", index)


def secrecy_findings(deck: CompiledDeck) -> list[tuple[PathT, str]]:
    """(path in the compiled deck, message) for each expression whose result some seat
    sees while it reads what that seat cannot, and each precondition whose quoted text
    would name a secret move to a seat. Paths of targeted moves are in the expanded deck
    (`CompiledDeck.source_path` leads back to the file)."""
    out = list(_named_in_fizzles(deck))
    for path, reads, seers, consequence, own in _checks(deck):
        if not reads.slots and not reads.moves:
            continue  # flags, events, turn and reveals are public
        blind: dict[Hidden, list[str]] = {}
        for seat in seers:
            for hidden in deck.hidden_from(seat, reads):
                if hidden.owner != own:
                    blind.setdefault(hidden, []).append(deck.actor_name(seat))
        for hidden, seats in blind.items():
            out.append((path, f"reads {_what(deck, hidden)}, which {_names(seats)} cannot see; {consequence}"))
    return out


def secrecy_warnings(deck: CompiledDeck) -> list[Problem]:
    """`secrecy_findings` at the lines the author wrote, once each (a targeted move's
    finding is said once, not per target), in deck order."""
    index: LineIndex | None = None
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for path, message in secrecy_findings(deck):
        index = index or LineIndex(deck.source)
        source = deck.source_path(path)
        where = format_path(source)
        if (where, message) not in seen:
            seen.add((where, message))
            out.append(Problem(deck.path, index.line_of(source), where, message))
    return sorted(out, key=lambda p: p.line or 0)
