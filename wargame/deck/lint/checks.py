"""The lint checks: each takes the `Context` and warns of what a valid deck gets wrong.

They reason over the deck's expressions in intermediate form and over what can happen
in its games (`wargame.deck.lint.reachability`), never over text and never by playing;
`wargame.analysis.playtest` adds what only playing shows. The list they run in is
`wargame.deck.lint.registry.CHECKS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from wargame.deck.compile import CMove, CompiledDeck
from wargame.deck.ir import (
    NEVER_SINCE,
    Arith,
    ChangeTrack,
    Compare,
    EffectNode,
    EventHistory,
    Func,
    Node,
    Plays,
    Reveal,
    SetFlag,
    SetTrack,
    unparse,
    walk,
    walk_breadth,
)
from wargame.deck.lint.context import Context
from wargame.deck.lint.interpreter import Interpreter, chance
from wargame.deck.lint.reachability import move_chance, outcome_possible, reachable
from wargame.deck.lint.readwrite import Write, expression_sites, node_at, reads
from wargame.deck.locate import Path
from wargame.deck.schema import Doctrine, Objective, Visibility
from wargame.deck.secrecy import secrecy_findings
from wargame.words import possessive


def check_actors(c: Context) -> None:
    for actor_id, actor in c.deck.model.actors.items():
        if not c.deck.moves_by_actor.get(actor_id):
            c.warn("actor-without-moves", ("actors", actor_id), f"{actor.name} has no moves, so its seat can never do anything")
        elif actor.orders_per_turn == 0 or (actor_id in c.deck.orders_nodes and c.eval(c.deck.orders_nodes[actor_id]).hi < 1):
            # Answers to offers cost no order: such an actor can still answer.
            answers = " (it may still answer offers made to it)" if c.deck.answers_for(actor_id) else ""
            c.warn("actor-without-moves", ("actors", actor_id, "orders_per_turn"),
                   f"{actor.name} may give 0 orders a turn, so its moves can never be played{answers}")


def check_moves(c: Context) -> None:
    model = c.deck.model
    for i, move in enumerate(model.moves):
        if model.actors[move.actor].orders_per_turn == 0 or i in c.reach.moves or c.deck.moves[i].answer is not None:
            continue  # an answer is there whenever its offer is: the offer's warning says it
        c.warn("move-never-legal", ("moves", i, "requires"),
               f"'{move.id}' can never be ordered: its precondition is false in every reachable state")
    for i, move in enumerate(model.moves):
        if i not in c.reach.moves:
            continue
        _lo, hi = move_chance(c.interpreter(), i)
        if hi <= 0 and (move.success.effects or move.success.news):
            c.warn("move-never-succeeds", ("moves", i, "chance"), f"'{move.id}' can never succeed: its chance is 0 in every reachable state, so its success effects never apply")


def check_events(c: Context) -> None:
    for i, event in enumerate(c.deck.model.events):
        if event.inject or i in c.reach.events:
            continue
        compiled = c.deck.events[i]
        turn = (float(event.at),) * 2 if event.at is not None else None
        if compiled.when_node is not None and not c.eval(compiled.when_node, turn).t:
            where = f"at turn {event.at} " if event.at is not None else ""
            c.warn("event-never-fires", ("events", i, "when"),
                   f"'{event.id}' can never fire: its trigger is false {where}in every reachable state")
        elif chance(c.interpreter(), compiled.chance_const, compiled.chance_node).hi <= 0:
            c.warn("event-never-fires", ("events", i, "chance"), f"'{event.id}' can never fire: its chance is 0 in every reachable state")
    for i, event in enumerate(c.deck.model.events):
        if event.headline and not event.news and not any(o.news for o in event.outcomes):
            c.warn("silent-headline", ("events", i, "headline"),
                   f"'{event.id}' is a headline but a silent event (no news): seats never see it fire, so only the facilitator's debrief can list it; give it news, or drop `headline`")


def check_endings_and_objectives(c: Context) -> None:
    for i, ending in enumerate(c.deck.model.endings):
        when = node_at(c.deck, ("endings", i, "when"))
        if when is not None and not c.eval(when).t:
            c.warn("ending-never-reached", ("endings", i, "when"), f"'{ending.id}' can never happen: its condition is false in every reachable state")
    for actor_id, actor in c.deck.model.actors.items():
        written: list[tuple[tuple[str, ...], str, list[Objective]]] = [(("actors", actor_id), possessive(actor.name), actor.objectives)]
        written += [(("actors", actor_id, "doctrines", name), f"the {name} doctrine's", doc.objectives) for name, doc in actor.doctrines.items()]
        for base, whose, objectives in written:
            for j, obj in enumerate(objectives):
                value = c.eval(node_at(c.deck, (*base, "objectives", j, "when")))
                if not value.t:
                    c.warn("objective-never-met", (*base, "objectives", j, "when"),
                           f"{whose} objective \"{obj.text}\" can never be met: its condition is false in every reachable state")


def check_channels(c: Context) -> None:
    """A channel whose condition never holds is a line nobody can ever talk on."""
    for i, channel in enumerate(c.deck.model.channels):
        when = node_at(c.deck, ("channels", i, "when"))
        if when is not None and not c.eval(when).t:
            c.warn("channel-never-open", ("channels", i, "when"),
                   f"channel '{channel.name}' can never open: its condition is false in every reachable state")


def check_tracks_and_flags(c: Context) -> None:
    deck = c.deck
    live = [w for w in c.writes if w.target is not None and _live(c, w)]
    changed = {w.target for w in live}
    for name in deck.model.tracks:
        slot = deck.scope.tracks[name]
        if ("slot", slot) not in changed:
            c.warn("track-never-changes", ("tracks", name), f"nothing ever changes track '{name}': it stays at {_fmt(deck.start_values[slot])} all game")
    for name in deck.model.actor_tracks:
        # An actor track may belong to some actors only (`actors = [...]`).
        slots = [deck.scope.actor_tracks[a][name] for a in deck.actors if name in deck.scope.actor_tracks[a]]
        if not any(("slot", s) in changed for s in slots):
            c.warn("track-never-changes", ("actor_tracks", name), f"nothing ever changes actor track '{name}' of any actor: it stays at its start all game")
    for i, name in enumerate(deck.flag_names):
        if ("flag", i) not in changed:
            c.warn("flag-never-changes", ("flags", name), f"nothing ever changes flag '{name}': it stays {'true' if deck.flag_start[i] else 'false'} all game")
        elif not any(_flag_value(c, w) != deck.flag_start[i] for w in live if w.target == ("flag", i)):
            c.warn("flag-never-changes", ("flags", name), f"flag '{name}' is only ever set to its start value ({'true' if deck.flag_start[i] else 'false'}), so it never changes")


def _flag_value(c: Context, w: Write) -> bool | None:
    """The value an effect sets a flag to, when it is always the same; None otherwise."""
    assert w.value is not None
    v = c.interpreter().expr(w.value)
    if v.t and not v.f:
        return True
    if v.f and not v.t:
        return False
    return None


def _live(c: Context, w: Write) -> bool:
    kind, index = w.source
    if kind == "event":
        return index in c.reach.events
    return index in c.reach.moves and outcome_possible(c.interpreter(), index, w.outcome)


def check_effects(c: Context) -> None:
    deck = c.deck
    for w in c.writes:
        if w.target is None or w.target[0] != "slot" or w.value is None or not _live(c, w):
            continue
        slot = w.target[1]
        value = c.interpreter().expr(w.value)
        lo, hi = c.reach.slots[slot]
        name = deck.slot_names[slot]
        if w.op == "=":
            if value.lo > deck.hi[slot] or value.hi < deck.lo[slot]:
                c.warn("effect-clamped", w.path, f"sets {name} outside its range {_fmt(deck.lo[slot])}..{_fmt(deck.hi[slot])}: the value is always clamped to the bound")
            continue
        up = (value.lo > 0) if w.op == "+=" else (value.hi < 0)
        down = (value.hi < 0) if w.op == "+=" else (value.lo > 0)
        if up and lo >= deck.hi[slot]:
            c.warn("effect-clamped", w.path, f"raises {name}, which is always at its max ({_fmt(deck.hi[slot])}) when this can happen: the change is clamped away")
        elif down and hi <= deck.lo[slot]:
            c.warn("effect-clamped", w.path, f"lowers {name}, which is always at its min ({_fmt(deck.lo[slot])}) when this can happen: the change is clamped away")


_LARGE_TRUE = frozenset({">", ">=", "!="})
"""Comparisons `since(x) OP k` that the never-played value (large) makes true."""
_SMALL_TRUE = frozenset({"<", "<=", "!="})
"""Comparisons `k OP since(x)` that the never-played value makes true."""


def check_since(c: Context) -> None:
    for site in expression_sites(c.deck):
        guarded = _guards(site.node)
        flagged: set[str] = set()
        # Breadth first, as lint has always looked: the first finding per move is the one said.
        for node in walk_breadth(site.node):
            for ids, how in _unguarded_since(node, c.deck):
                moves = c.deck.scope.moves
                if all(i in guarded for i in ids) or any(i not in moves for i in ids):
                    continue
                # A targeted move's id stands for all its targets (`min(since(...), ...)`).
                move = _written(c.deck.moves[moves[ids[0]]]) if len(ids) > 1 else ids[0]
                if move in flagged:
                    continue
                if site.kind in {"requires", "when", "objective"} and not _true_unplayed(c, site.node, frozenset(moves[i] for i in ids)):
                    continue  # e.g. a flag only that move sets also guards it
                flagged.add(move)
                fix = f"add `played('{move}') and ...` if that is not meant" if how.endswith("is true") else f"guard it with played('{move}')"
                c.warn("since-unplayed", site.path,
                       f"since('{move}') is {NEVER_SINCE} until '{move}' has been played, so {how} from the first turn; {fix}")


def _true_unplayed(c: Context, node: Node | EffectNode, moves: frozenset[int]) -> bool:
    """Whether a condition can hold in a game where `moves` have not been played yet."""
    cache = c.cache.setdefault("unplayed", {})
    if moves not in cache:
        cache[moves] = reachable(c.deck, moves)
    assert not isinstance(node, SetTrack | ChangeTrack | SetFlag | Reveal)
    return Interpreter(c.deck, cache[moves]).expr(node).t


def _since_arg(node: Node) -> tuple[str, ...] | None:
    """The id of `since('x')` (a move's or an event's); for a targeted move's id, which the
    expansion wrote as `min(since('x@a'), since('x@b'))`, the id of every target's move."""
    if isinstance(node, Plays) and node.fn == "since":
        return (node.move,)
    if isinstance(node, EventHistory) and node.fn == "since":
        return (node.event,)
    if isinstance(node, Func) and node.fn == "min" and len(node.args) > 1:
        parts = [_since_arg(a) for a in node.args]
        if all(p is not None and len(p) == 1 and "@" in p[0] for p in parts):
            return tuple(p[0] for p in parts if p is not None)
    return None


def _shown(node: Node, ids: tuple[str, ...] | None, deck: CompiledDeck) -> str:
    """An operand as the author wrote it (`since('x')` for a targeted move's expansion)."""
    if ids is not None and len(ids) > 1 and ids[0] in deck.scope.moves:
        return f"since('{_written(deck.moves[deck.scope.moves[ids[0]]])}')"
    return unparse(node, deck.slot_names, deck.flag_names)


def _written(move: CMove) -> str:
    """The id the author wrote for an expanded move: `warn`, or `talks/accept` for an answer."""
    return f"{move.base}/{move.answer}" if move.answer is not None else move.base


def _unguarded_since(node: Node | EffectNode, deck: CompiledDeck) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(node, Compare):
        for op, left, right in zip(node.ops, node.operands, node.operands[1:], strict=False):
            a, b = _since_arg(left), _since_arg(right)
            shown = f"`{_shown(left, a, deck)} {op} {_shown(right, b, deck)}` is true"
            if a and not b and op in _LARGE_TRUE:
                yield a, shown
            if b and not a and op in _SMALL_TRUE:
                yield b, shown
    elif isinstance(node, Arith):
        for side in (node.left, node.right):
            move = _since_arg(side)
            if move:
                yield move, f"the arithmetic `{unparse(node, deck.slot_names, deck.flag_names)}` uses {NEVER_SINCE}"


def _guards(node: Node | EffectNode) -> set[str]:
    """Moves whose having been played the expression also tests (`played('x')`,
    `count('x') > 0`, `succeeded('x')`): its `since('x')` is then meant."""
    out: set[str] = set()
    for n in walk(node):
        if isinstance(n, Plays) and n.fn in {"played", "count", "succeeded"}:
            out.add(n.move)
        elif isinstance(n, EventHistory) and n.fn == "count":
            out.add(n.event)
    return out


_TEMPLATE = re.compile(r"(?<!\{)\{\s*(?:(?:if|elif)\s+[^{}]+|else|end|[A-Za-z_][A-Za-z0-9_.]*(?:\s*:[^{}]*)?)\s*\}")


def check_templates(c: Context) -> None:
    model = c.deck.model
    texts: list[tuple[Path, str]] = []
    for i, move in enumerate(model.moves):
        for outcome in ("success", "failure", "always"):
            texts.append((("moves", i, outcome, "news"), getattr(move, outcome).news))
        texts.append((("moves", i, "requires_text"), move.requires_text))
    for i, event in enumerate(model.events):
        texts.append((("events", i, "news"), event.news))
        texts.append((("events", i, "failure_news"), event.failure_news))
    for i, ending in enumerate(model.endings):
        texts.append((("endings", i, "text"), ending.text))
        texts.append((("endings", i, "title"), ending.title))
    for actor_id, actor in model.actors.items():
        for j, obj in enumerate(actor.objectives):
            texts.append((("actors", actor_id, "objectives", j, "text"), obj.text))
    for i, event in enumerate(model.events):
        for k, one in enumerate(event.outcomes):
            texts.append((("events", i, "outcomes", k, "news"), one.news))
    for path, text in texts:
        match = _TEMPLATE.search(text or "")
        if match and template_enabled(c.deck, path) is False:
            c.warn("text-looks-like-template", path, f"{match.group(0)} looks like a placeholder, but this text is shown as written (values are not filled in)")


def template_enabled(deck: CompiledDeck, path: Path) -> bool:
    """Whether the text at `path` has its `{name}` placeholders filled in: news (of moves,
    events and outcomes), ending text and objective text do (the loader checks their
    names); `requires_text` and titles are shown as written."""
    return path[-1] in {"news", "failure_news", "text"}


def check_secret_effects(c: Context) -> None:
    deck = c.deck
    for w in c.writes:
        kind, index = w.source
        if kind != "move" or w.target is None:
            continue
        move = deck.model.moves[index]
        if move.visibility != Visibility.SECRET:
            continue  # an unattributed move's effects are everyone's to see by design
        target_kind, i = w.target
        if target_kind == "flag":
            c.warn("secret-move-public-change", w.path,
                   f"secret move '{move.id}' changes flags.{deck.flag_names[i]}, which every seat sees: the change gives the move away"
                   f"{_UNATTRIBUTED_HINT}")
            continue
        owner = deck.secret_slots.get(i)
        name = deck.slot_names[i]
        if owner is None:
            c.warn("secret-move-public-change", w.path,
                   f"secret move '{move.id}' changes {name}, a public track: every seat sees it change, which gives the move away"
                   f"{_UNATTRIBUTED_HINT}")
        elif owner != move.actor and owner not in move.shared_with:
            c.warn("secret-move-public-change", w.path,
                   f"secret move '{move.id}' changes {name}, a secret track that {deck.actor_name(owner)} sees: the change tells {deck.actor_name(owner)} of the move")


_UNATTRIBUTED_HINT = " (if everyone is meant to see what it does but not who did it, make it visibility = \"unattributed\")"


def check_unattributed(c: Context) -> None:
    """An unattributed move with no news of its own: everyone reads its name as the news."""
    for i, move in enumerate(c.deck.model.moves):
        if move.visibility != Visibility.UNATTRIBUTED or c.deck.moves[i].answer is not None:
            continue
        if not (move.success.news or move.always.news):
            c.warn("unattributed-without-news", ("moves", i, "success"),
                   f"unattributed move '{move.id}' has no news of its own, so every seat reads "
                   f"\"{c.deck.moves[i].success_text}\": write the news everyone sees (without naming who did it)")


def check_offers(c: Context) -> None:
    """Offers whose answers make no difference, and offers computer seats never accept."""
    deck = c.deck
    if not deck.offers:
        return
    read: set[int] = set()
    for site in expression_sites(deck):
        read |= {i for kind, i in reads(site.node) if kind == "move"}
    for offer in deck.offers:
        move = deck.moves[offer.move]
        spec = deck.model.moves[offer.move].offer
        assert spec is not None
        accept, refuse = deck.moves[offer.accept], deck.moves[offer.refuse]
        recipient = deck.actor_name(offer.recipient)
        if (not accept.success and not refuse.success and not spec.accept.news and not spec.refuse.news
                and offer.accept not in read and offer.refuse not in read):
            c.warn("offer-answer-changes-nothing", ("moves", offer.move, "offer"),
                   f"accepting or refusing '{move.id}' changes nothing: neither answer has effects or news of its own, "
                   f"and nothing reads played('{move.base}/accept'); give the answers consequences")
        doctrines = deck.model.actors[offer.recipient].doctrines
        if not doctrines or offer.move not in c.reach.moves:
            continue
        never_accept, never_refuse = (_weighs_nothing(doctrines.values(), m.id) for m in (accept, refuse))
        if never_accept and never_refuse:
            c.warn("offer-never-answered", ("moves", offer.move, "offer"),
                   f"no doctrine of {recipient} weighs accepting or refusing '{move.id}' above 0, so a computer seat "
                   "never answers it and it always expires", "note")
        elif never_accept:
            c.warn("offer-never-answered", ("moves", offer.move, "offer"),
                   f"no doctrine of {recipient} weighs accepting '{move.id}' above 0, so only a human seat can ever accept it", "note")


def _weighs_nothing(doctrines: Iterable[Doctrine], key: str) -> bool:
    """Whether every doctrine gives the move `key` a constant weight of 0 or less."""
    return all(not isinstance(w := d.weights.get(key, d.default_weight), str) and w <= 0 for d in doctrines)


_MARKS = re.compile(r"\((secret|unattributed|inject|event)\)", re.IGNORECASE)
"""What the screens write after a name themselves."""


def check_names(c: Context) -> None:
    """A move or event name that says "(secret)" or "(inject)": the screens mark secret and
    unattributed moves and injects themselves, so players would read it twice."""
    for i, move in enumerate(c.deck.model.moves):
        m = _MARKS.search(move.name)
        if m:
            c.warn("name-marks-visibility", ("moves", i, "name"),
                   f"the name says '{m.group(0)}', which the screens already show beside it: take it out of the name")
    for i, event in enumerate(c.deck.model.events):
        m = _MARKS.search(event.name)
        if m:
            c.warn("name-marks-visibility", ("events", i, "name"),
                   f"the name says '{m.group(0)}', which the screens already show beside it: take it out of the name")


def check_coach(c: Context) -> None:
    """A coach line no seat can ever see: each seat is shown the first line that applies,
    so a line below one for the same seats and turn whose condition always holds (or that
    has none) never shows. The usual slip: a seat's own line after the general one."""
    lines = c.deck.model.coach
    for j, later in enumerate(lines):
        for i, earlier in enumerate(lines[:j]):
            if earlier.actor not in (None, later.actor) or earlier.turn not in (None, later.turn):
                continue
            when = node_at(c.deck, ("coach", i, "when")) if earlier.when is not None else None
            if when is not None and c.eval(when).f:
                continue
            for_whom = f"for {c.deck.actor_name(later.actor)} " if later.actor is not None else ""
            on_turn = f"on turn {later.turn}" if later.turn is not None else "on any turn"
            c.warn("coach-never-shown", ("coach", j, "text"), (
                f"this coach line {for_whom}{on_turn} never shows: the coach line at line {c.index.line_of(('coach', i))} comes first and always "
                "applies then (each seat sees the first line that applies); put the more particular line first"))
            break


def check_secrecy(c: Context) -> None:
    """Expressions whose result a seat sees while they read what it cannot (a chance
    computed from another actor's secret track, ...): `wargame.deck.secrecy` decides."""
    for path, message in secrecy_findings(c.deck):
        c.warn("secret-input", path, message)


def _fmt(x: float) -> str:
    return f"{x:g}"
