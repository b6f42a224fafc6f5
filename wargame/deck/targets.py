"""Targeted moves and offers, expanded into plain moves before the deck is compiled.

A **targeted move** (`targets = ["cn", "kp"]` or `"others"`) is written once and played
against an actor picked when ordering. It becomes one move per target, with the id
`MOVE@TARGET` (`sanction@cn`): `target` in its expressions stands for that actor
(`target.standing` is `cn.standing`), and `{target}` in its texts for the actor's name.

An **offer** (`[moves.offer]`, on a targeted move) also gives its recipient two answers
per target, the moves `MOVE@TARGET/accept` and `MOVE@TARGET/refuse`, which the engine
makes available only while the offer waits for an answer (`wargame.engine.game`).

Everything after this module (the compiler, the engine, saves, replays, bots, lint and
the describer) works on plain moves, so a targeted play is recorded, replayed, verified
and explained like any other. Elsewhere in the deck the id the author wrote stands for
all its targets: `played('sanction')` is `played('sanction@cn') or played('sanction@kp')`,
`count()` and `succeeded()` add up, and `since()` takes the most recent. Problems found
in an expanded move are reported at the move the author wrote (`Expansion.source_path`).
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from wargame.deck import pyparse
from wargame.deck.schema import Deck, Move, Offer, Outcome, Visibility
from wargame.deck.text import map_expressions
from wargame.words import possessive

PathT = tuple[str | int, ...]
Answer = Literal["accept", "refuse"]

_BOOL_FUNCS = {"played", "ordered", "revealed"}
_SUM_FUNCS = {"count", "succeeded"}
_MOVE_FUNCS = _BOOL_FUNCS | _SUM_FUNCS | {"since"}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an expanded move came from."""

    source: int
    """Its index among the deck file's `[[moves]]`."""
    base: str
    """The id the author wrote (`sanction`)."""
    target: str | None = None
    """The actor it is aimed at, for a targeted move."""
    answer: Answer | None = None
    """For a recipient's answer to an offer: which answer it is."""


@dataclass
class Expansion:
    """A deck with its targeted moves and offers expanded, and the way back to the file."""

    deck: Deck
    origins: list[Origin]
    """One per expanded move, in the same order."""
    weight_keys: dict[str, str] = field(default_factory=dict)
    """Expanded doctrine weight key (`sanction@cn`) to the key the author wrote."""
    problems: list[tuple[PathT, str]] = field(default_factory=list)

    def targeted(self, path: PathT) -> bool:
        """Whether `path` (in the expanded deck) is in a move made for one target."""
        if len(path) >= 2 and path[0] == "moves" and isinstance(path[1], int) and path[1] < len(self.origins):
            return self.origins[path[1]].target is not None
        return len(path) >= 6 and path[0] == "actors" and path[4] == "weights" and str(path[5]) in self.weight_keys

    def source_path(self, path: PathT) -> PathT:
        """The path in the deck file of a problem found at `path` in the expanded deck."""
        if len(path) >= 2 and path[0] == "moves" and isinstance(path[1], int) and path[1] < len(self.origins):
            origin = self.origins[path[1]]
            rest = path[2:]
            if origin.answer is not None:
                if rest[:1] == ("success",):
                    rest = ("offer", origin.answer, *rest[1:])
                elif rest[:1] == ("name",):
                    rest = ("offer", f"{origin.answer}_name")
                else:
                    rest = ("offer",)
            return ("moves", origin.source, *rest)
        if len(path) >= 6 and path[0] == "actors" and path[2] == "doctrines" and path[4] == "weights":
            key = self.weight_keys.get(str(path[5]), path[5])
            return (*path[:5], key, *path[6:])
        return path


class _Rewrite(ast.NodeTransformer):
    """Puts the target's id for `target` in `target.track`, and spells out every group id
    (a targeted move's own id) in `played('id')` and its kin."""

    def __init__(self, target: str | None, groups: dict[str, list[str]]) -> None:
        self.target = target
        self.groups = groups
        self.problem = ""

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if self.target is not None and isinstance(node.value, ast.Name) and node.value.id == "target":
            return ast.copy_location(ast.Attribute(ast.Name(self.target, ast.Load()), node.attr, node.ctx), node)
        return self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Name) and len(node.args) == 1 and not node.keywords):
            return node
        arg = node.args[0]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value in self.groups):
            return node
        name = node.func.id
        members = self.groups[arg.value]
        if name == "reveal" and len(members) > 1:
            self.problem = (f"reveal() of the targeted move '{arg.value}' needs its target, "
                            f"e.g. reveal('{members[0]}')")
            return node
        if name not in _MOVE_FUNCS and name != "reveal":
            return node
        calls: list[ast.expr] = [ast.Call(ast.Name(name, ast.Load()), [ast.Constant(m)], []) for m in members]
        if len(calls) == 1:
            return ast.copy_location(calls[0], node)
        if name in _BOOL_FUNCS:
            return ast.copy_location(ast.BoolOp(ast.Or(), calls), node)
        if name == "since":
            return ast.copy_location(ast.Call(ast.Name("min", ast.Load()), calls, []), node)
        total = calls[0]
        for call in calls[1:]:
            total = ast.BinOp(total, ast.Add(), call)
        return ast.copy_location(total, node)


def rewrite(text: str, target: str | None, groups: dict[str, list[str]], mode: Literal["eval", "exec"] = "eval") -> tuple[str, str]:
    """`text` with `target` and group ids spelt out, and a problem (empty when none).

    Text that mentions neither is returned as written, so ordinary decks compile (and
    report errors) exactly as before; text that does not parse is left for the compiler
    to report."""
    if (target is None or "target" not in text) and not any(f"'{g}'" in text or f'"{g}"' in text for g in groups):
        return text, ""
    try:
        tree = pyparse.parse(text.strip(), mode)
    except (SyntaxError, ValueError):
        return text, ""
    rewriter = _Rewrite(target, groups)
    new = ast.fix_missing_locations(rewriter.visit(tree))
    if rewriter.problem:
        return text, rewriter.problem
    return ast.unparse(new), ""


_TARGET_FIELD = re.compile(r"\{\s*target\s*([.}])")
_TARGET_TEMPLATE_FIELD = re.compile(r"\{\{|\}\}|\{\s*target\s*([.}])")
"""In template text `{{` and `}}` are literal braces: `{{target}}` prints as written."""


def fill_target(text: str, target: str, name: str, *, template: bool) -> str:
    """`{target}` as the target's name and `{target.track}` as `{cn.track}`. In template
    text (news) braces in the name are doubled so they print as written, and `target`
    anywhere in a field's expression (`{if target.standing > 3}`) stands for the target."""
    if "target" not in text:
        return text
    shown = name.replace("{", "{{").replace("}", "}}") if template else name

    def one(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)  # an escaped brace
        return shown if match.group(1) == "}" else "{" + target + "."

    filled = (_TARGET_TEMPLATE_FIELD if template else _TARGET_FIELD).sub(one, text)
    if template and "target" in filled:
        filled = map_expressions(filled, lambda e: rewrite(e, target, {})[0])
    return filled


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class _Expander:
    def __init__(self, deck: Deck) -> None:
        self.deck = deck
        self.actors = list(deck.actors)
        self.problems: list[tuple[PathT, str]] = []
        self.groups: dict[str, list[str]] = {}
        self.targets: dict[int, list[str]] = {}

    def name_of(self, actor: str) -> str:
        return self.deck.actors[actor].name if actor in self.deck.actors else actor

    def plan(self) -> None:
        """Each targeted move's targets, and the group ids expressions may use."""
        for i, move in enumerate(self.deck.moves):
            if move.offer is not None and move.targets is None:
                self.problems.append((("moves", i, "offer"), "an offer needs `targets`: the actor (or actors) it may be made to"))
            if move.targets is None:
                continue
            if move.targets == "others":
                chosen = [a for a in self.actors if a != move.actor]
            else:
                chosen = []
                for j, actor in enumerate(move.targets):
                    if actor not in self.deck.actors:
                        close = difflib.get_close_matches(actor, self.actors, n=1, cutoff=0.6)
                        hint = f", did you mean '{close[0]}'?" if close else ""
                        self.problems.append((("moves", i, "targets", j), f"unknown actor '{actor}'{hint} (actors: {', '.join(self.actors)})"))
                    elif actor == move.actor:
                        self.problems.append((("moves", i, "targets", j), "a move cannot target its own actor"))
                    elif actor in chosen:
                        self.problems.append((("moves", i, "targets", j), f"'{actor}' is listed twice"))
                    else:
                        chosen.append(actor)
            if not chosen:
                self.problems.append((("moves", i, "targets"), "no actor to target"))
                continue
            self.targets[i] = chosen
            self.groups[move.id] = [f"{move.id}@{t}" for t in chosen]
            if move.offer is not None:
                for answer in ("accept", "refuse"):
                    self.groups[f"{move.id}/{answer}"] = [f"{move.id}@{t}/{answer}" for t in chosen]

    def expr(self, text: str, target: str | None, path: PathT, mode: Literal["eval", "exec"] = "eval") -> str:
        new, problem = rewrite(text, target, self.groups, mode)
        if problem:
            self.problems.append((path, problem))
        return new

    def maybe(self, value: object, target: str | None, path: PathT) -> object:
        """A `number | expression` field: rewrite it when it is an expression."""
        return self.expr(value, target, path) if isinstance(value, str) else value

    def text(self, text: str) -> str:
        """Template text with group ids spelt out in its fields (`{count('warn')}`)."""
        if not self.groups or "{" not in text:
            return text
        return map_expressions(text, lambda e: rewrite(e, None, self.groups)[0])

    def outcome(self, outcome: Outcome, target: str | None, path: PathT) -> Outcome:
        effects = [self.expr(e, target, (*path, "effects", j), "exec") for j, e in enumerate(outcome.effects)]
        news = outcome.news if target is None else fill_target(outcome.news, target, self.name_of(target), template=True)
        news = self.text(news)
        if effects == outcome.effects and news == outcome.news:
            return outcome
        return outcome.model_copy(update={"effects": effects, "news": news})

    def move(self, move: Move, i: int, target: str | None) -> Move:
        """The move for one target (or a plain move with its group ids spelt out)."""
        p: PathT = ("moves", i)
        update: dict[str, object] = {
            "requires": self.expr(move.requires, target, (*p, "requires")) if move.requires else None,
            "chance": self.maybe(move.chance, target, (*p, "chance")),
            "detection": self.maybe(move.detection, target, (*p, "detection")),
            "success": self.outcome(move.success, target, (*p, "success")),
            "failure": self.outcome(move.failure, target, (*p, "failure")),
            "always": self.outcome(move.always, target, (*p, "always")),
        }
        if target is not None:
            tname = self.name_of(target)
            name = fill_target(move.name, target, tname, template=False)
            shared = [target if a == "target" else a for a in move.shared_with]
            if move.offer is not None and move.visibility == Visibility.SECRET and target not in shared:
                shared.append(target)  # a secret offer still reaches the actor it is made to
            offer = move.offer
            if offer is not None:
                offer = offer.model_copy(update={
                    "accept": self.outcome(offer.accept, target, (*p, "offer", "accept")),
                    "refuse": self.outcome(offer.refuse, target, (*p, "offer", "refuse")),
                    "expire": self.outcome(offer.expire, target, (*p, "offer", "expire")),
                })
            update |= {
                "id": f"{move.id}@{target}",
                "name": name if name != move.name else f"{move.name} ({tname})",
                "description": fill_target(move.description, target, tname, template=False),
                "requires_text": fill_target(move.requires_text, target, tname, template=False),
                "shared_with": shared,
                "offer": offer,
            }
        return move.model_copy(update=update)

    def answer(self, offer_move: Move, offer: Offer, answer: Answer, target: str) -> Move:
        """The recipient's answer to one expanded offer: a plain move of the recipient."""
        maker = self.name_of(offer_move.actor)
        recipient = self.name_of(target)
        chosen = offer.accept if answer == "accept" else offer.refuse
        own_name = offer.accept_name if answer == "accept" else offer.refuse_name
        offer_words = f"{possessive(maker)} offer ({offer_move.name})"
        name = fill_target(own_name, target, recipient, template=False) if own_name else f"{answer.title()} {offer_words}"
        verb = "accepts" if answer == "accept" else "refuses"
        news = chosen.news or _escape(f"{recipient} {verb} {offer_words}.")
        secret = offer_move.visibility == Visibility.SECRET
        return Move.model_construct(
            id=f"{offer_move.id}/{answer}",
            actor=target,
            name=name,
            description=f"{answer.title()} the offer {maker} made: {offer_move.name}.",
            category=offer_move.category,
            escalation=0,
            visibility=offer_move.visibility,
            detection=0.0,
            shared_with=sorted({offer_move.actor, *offer_move.shared_with} - {target}) if secret else [],
            requires=None,
            requires_text="",
            chance=1.0,
            success=Outcome.model_construct(effects=list(chosen.effects), news=news),
            failure=Outcome(),
            always=Outcome(),
            once=False,
            cooldown=0,
            targets=None,
            offer=None,
        )

    def run(self) -> Expansion:
        self.plan()
        moves: list[Move] = []
        origins: list[Origin] = []
        for i, move in enumerate(self.deck.moves):
            if i not in self.targets:
                moves.append(self.move(move, i, None) if self.groups else move)
                origins.append(Origin(i, move.id))
                continue
            for target in self.targets[i]:
                expanded = self.move(move, i, target)
                moves.append(expanded)
                origins.append(Origin(i, move.id, target))
                if expanded.offer is not None:
                    answers: tuple[Answer, ...] = ("accept", "refuse")
                    for answer in answers:
                        moves.append(self.answer(expanded, expanded.offer, answer, target))
                        origins.append(Origin(i, move.id, target, answer))
        expansion = Expansion(self.deck, origins, problems=self.problems)
        if not self.groups:
            return expansion
        expansion.deck = self.deck.model_copy(update={
            "moves": moves,
            "actors": {a: self.actor(a, expansion) for a in self.deck.actors},
            "events": [self.event(e, j) for j, e in enumerate(self.deck.events)],
            "endings": [e.model_copy(update={"when": self.expr(e.when, None, ("endings", j, "when")) if e.when else None,
                                             "text": self.text(e.text)}) for j, e in enumerate(self.deck.endings)],
            "coach": [c.model_copy(update={"when": self.expr(c.when, None, ("coach", j, "when"))}) if c.when else c
                      for j, c in enumerate(self.deck.coach)],
            "debrief": self.deck.debrief.model_copy(update={"questions": [
                q.model_copy(update={"when": self.expr(q.when, None, ("debrief", "questions", j, "when"))}) if q.when else q
                for j, q in enumerate(self.deck.debrief.questions)]}),
        })
        return expansion

    def event(self, event: object, j: int) -> object:
        from wargame.deck.schema import Event

        assert isinstance(event, Event)
        p: PathT = ("events", j)
        return event.model_copy(update={
            "when": self.expr(event.when, None, (*p, "when")) if event.when else None,
            "chance": self.maybe(event.chance, None, (*p, "chance")),
            "effects": [self.expr(e, None, (*p, "effects", k), "exec") for k, e in enumerate(event.effects)],
            "news": self.text(event.news),
            "failure_news": self.text(event.failure_news),
            "outcomes": [o.model_copy(update={
                "news": self.text(o.news),
                "weight": self.maybe(o.weight, None, (*p, "outcomes", k, "weight")),
                "effects": [self.expr(e, None, (*p, "outcomes", k, "effects", n), "exec") for n, e in enumerate(o.effects)],
            }) for k, o in enumerate(event.outcomes)],
        })

    def actor(self, actor_id: str, expansion: Expansion) -> object:
        """An actor with its objectives' group ids spelt out and doctrine weights given per
        expanded move (a targeted move's weight applies to each target, reading `target`)."""
        actor = self.deck.actors[actor_id]
        base = ("actors", actor_id)
        objectives = [o.model_copy(update={"when": self.expr(o.when, None, (*base, "objectives", j, "when")), "text": self.text(o.text)})
                      for j, o in enumerate(actor.objectives)]
        doctrines = {}
        for name, doc in actor.doctrines.items():
            p = (*base, "doctrines", name)
            weights: dict[str, object] = {}
            for key, value in doc.weights.items():
                offer_id, _slash, answer = key.partition("/")
                if answer == "wait" and offer_id in self.groups:
                    # Waiting is no move: one weight per offer made to this actor, by the
                    # offer's expanded id (`ceasefire@north/wait`).
                    made = [m for m in self.groups[offer_id] if m.split("@", 1)[1] == actor_id]
                    for member in made:
                        weights[f"{member}/wait"] = self.maybe(value, actor_id, (*p, "weights", key))
                        expansion.weight_keys[f"{member}/wait"] = key
                    if not made:
                        weights[key] = value
                    continue
                # An answer's weight is the recipient's: only its own answers take it.
                members = [m for m in self.groups.get(key, ()) if "/" not in m or m.split("@", 1)[1].split("/", 1)[0] == actor_id]
                if not members:
                    weights[key] = self.maybe(value, None, (*p, "weights", key))
                    continue
                for member in members:
                    target = member.split("@", 1)[1].split("/", 1)[0]
                    weights[member] = self.maybe(value, target, (*p, "weights", key))
                    expansion.weight_keys[member] = key
            default = self.maybe(doc.default_weight, None, (*p, "default_weight"))
            own = [o.model_copy(update={"when": self.expr(o.when, None, (*p, "objectives", j, "when")), "text": self.text(o.text)})
                   for j, o in enumerate(doc.objectives)]
            doctrines[name] = doc.model_copy(update={"weights": weights, "default_weight": default, "objectives": own})
        orders = self.maybe(actor.orders_per_turn, None, (*base, "orders_per_turn"))
        return actor.model_copy(update={"objectives": objectives, "doctrines": doctrines, "orders_per_turn": orders})


def expand(deck: Deck) -> Expansion:
    """Expand `deck`'s targeted moves and offers (a deck with neither comes back as is)."""
    return _Expander(deck).run()
