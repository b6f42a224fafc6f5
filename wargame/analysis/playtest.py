"""Seeded playtests for `wargame deck lint --playtest N`: what static reasoning cannot show.

N games with random seats (every legal move gets tried) and N with the deck's doctrines
(how computer seats actually play, each actor rotating through its doctrines), counted
like `simulate` counts them. The findings name a file, line and field like lint's: moves
never played or always fizzling, events that never fired, endings never reached, and
moves that look dominant (playing them goes with a much higher score).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wargame.analysis.simulate import Chunk, Engine, make_chunks, run_chunks
from wargame.analysis.tally import Tally
from wargame.deck.compile import CMove, CompiledDeck
from wargame.deck.lint import LintWarning, allowed
from wargame.deck.locate import LineIndex, Path, format_path
from wargame.observe.labels import mark_after
from wargame.words import possessive

DOMINANT_SHARE = 0.25
"""A move is noted as possibly dominant when, in random play, its actor's mean score in games
where it was played beats games where it was not by this share of the actor's points."""
DOMINANT_MIN_GAMES = 20
"""Both sides of that comparison need at least this many games to say anything."""


@dataclass(frozen=True)
class Playtest:
    """The counts of a playtest and what they show."""

    deck: str
    seed: int
    games: int
    """Games per kind of seat (random, doctrine)."""
    rotations: list[dict[str, str]]
    """The doctrine seats of each rotation (empty when no actor has a doctrine)."""
    random: Tally
    doctrine: Tally
    findings: list[LintWarning]

    def to_json(self, deck: CompiledDeck) -> dict[str, Any]:
        def moves(t: Tally) -> dict[str, dict[str, int]]:
            return {
                m.id: {"ordered": t.ordered.get(m.index, 0), "played": t.moves.get(m.index, 0),
                       "fizzled": t.ordered.get(m.index, 0) - t.moves.get(m.index, 0)}
                for m in deck.moves
            }

        def endings(t: Tally) -> dict[str, dict[str, Any]]:
            out: dict[str, dict[str, Any]] = {}
            for e in (*deck.endings, deck.turn_limit_ending):
                turns = {str(turn): n for (ending, turn), n in sorted(t.ending_turns.items()) if ending == e.id}
                out[e.id] = {"games": t.endings.get(e.id, 0), "turns": turns}
            return out

        def kind(t: Tally) -> dict[str, Any]:
            out = {
                "games": t.games,
                "moves": moves(t),
                "events": {e.id: {"fired": t.fired.get(e.index, 0), "games": t.fired_games.get(e.index, 0)} for e in deck.events},
                "endings": endings(t),
            }
            if deck.offers:
                out["offers"] = {deck.moves[o.move].id: {k: t.offers.get((o.index, k), 0) for k in OFFER_FATES} for o in deck.offers}
            return out

        return {
            "seed": self.seed,
            "games": self.games,
            "random": kind(self.random),
            "doctrine": kind(self.doctrine) | {"rotations": self.rotations},
            "findings": [f.to_json() for f in self.findings],
        }


OFFER_FATES = ("made", "accepted", "refused", "expired", "unanswered")
"""How often an offer was made, and how each ended (`unanswered`: the game ended first)."""


OFFER_MIN_MADE = 20
"""An offer made this often and never accepted is worth a look (random seats accept half);
made this often by doctrine seats and never left to expire, its `expire` outcome is untested."""
FIZZLE_MIN_ORDERED = 20
FIZZLE_SHARE = 0.5
"""A move ordered at least `FIZZLE_MIN_ORDERED` times that fizzled in this share of them is
mostly wasted orders: usually a move of another category resolving first changes things."""
OBJECTIVES_EASY_SHARE = 0.95
OBJECTIVES_MIN_GAMES = 20
"""An actor scoring this share of its points on average over at least this many games meets
its objectives whatever it does: they cannot tell a good game from a bad one."""


def rotations(deck: CompiledDeck) -> list[dict[str, str]]:
    """Rotation k seats every actor on its k-th doctrine (wrapping round; random if it
    has none), so every doctrine plays and each against several others."""
    k = max((len(d) for d in deck.doctrines.values()), default=0)
    out = []
    for r in range(k):
        seats = {}
        for actor in deck.actors:
            names = list(deck.doctrines.get(actor, {}))
            seats[actor] = f"doctrine:{names[r % len(names)]}" if names else "random"
        out.append(seats)
    return out


def playtest(
    deck: CompiledDeck,
    games: int,
    seed: int = 0,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    known: set[tuple[str, str]] | None = None,
    *,
    engine: Engine = "reference",
) -> Playtest:
    """Play `games` random-seat games and `games` doctrine-seat games; find what they show.

    `known` holds (code, where) pairs static lint already reported, so a move it proved
    never legal is not reported again as never played. Deterministic for a seed, whatever
    `jobs` is. `progress(games done)` is called as work finishes.
    """
    rots = rotations(deck)
    chunks: list[Chunk] = make_chunks(0, games, jobs, seed, {a: "random" for a in deck.actors}, None, by_move=True, engine=engine)
    for r, seats in enumerate(rots):
        share = games // len(rots) + (1 if r < games % len(rots) else 0)
        if share:
            chunks.extend(make_chunks(r + 1, share, jobs, seed + r + 1, seats, None, engine=engine))
    tallies = run_chunks(deck, chunks, jobs, progress)
    random_tally = tallies.get(0, Tally(by_move=True))
    doctrine_tally = Tally()
    for r in range(len(rots)):
        if r + 1 in tallies:
            doctrine_tally.merge(tallies[r + 1])
    findings = _findings(deck, random_tally, doctrine_tally, games, known or set())
    return Playtest(deck.id, seed, games, rots, random_tally, doctrine_tally, findings)


def _findings(deck: CompiledDeck, rnd: Tally, doc: Tally, games: int, known: set[tuple[str, str]]) -> list[LintWarning]:
    index = LineIndex(deck.source)
    out: list[LintWarning] = []
    total = rnd.games + doc.games
    played_in = f"{total} playtest games"

    said: set[tuple[str, str, str]] = set()

    def warn(code: str, path: Path, message: str) -> None:
        # A targeted move's finding is said once, at the move the author wrote.
        source = deck.source_path(path)
        where = format_path(source)
        if (code, where, message) not in said:
            said.add((code, where, message))
            out.append(LintWarning(code, deck.path, index.line_of(source), where, message))

    static = {where for _code, where in known}
    # A targeted move is one move per target: counted together, and by target when only
    # some targets are never ordered. Answers are counted with their offers below.
    groups: dict[Path, list[CMove]] = {}
    for move in deck.moves:
        if move.answer is None:
            groups.setdefault(deck.source_path(("moves", move.index))[:2], []).append(move)
    for path, members in groups.items():
        if format_path((*path, "requires")) in static or format_path(path) in static:
            continue
        first = members[0]
        written = first.base if first.target is not None else first.id
        ordered = {m.target: rnd.ordered.get(m.index, 0) + doc.ordered.get(m.index, 0) for m in members}
        played = {m.target: rnd.moves.get(m.index, 0) + doc.moves.get(m.index, 0) for m in members}
        never = [t for t, n in ordered.items() if n == 0 and t is not None]
        at: Path = (*path, "requires") if deck.model.moves[first.index].requires else (*path, "id")
        if sum(ordered.values()) == 0:
            warn("playtest-move-never-played", at,
                 f"'{written}' was never ordered in {played_in} (random seats try every legal move): check when it is available")
        elif sum(played.values()) == 0:
            warn("playtest-move-always-fizzles", (*path, "requires"),
                 f"'{written}' was ordered {sum(ordered.values())} times in {played_in} and fizzled every time: its precondition never holds at resolution")
        elif never:
            whom = ", ".join(deck.actor_name(t) for t in never)
            warn("playtest-move-never-played", at,
                 f"'{written}' was never ordered against {whom} in {played_in} (random seats try every legal move): check when it is available")
        if sum(played.values()) > 0 and sum(ordered.values()) >= FIZZLE_MIN_ORDERED and (
                sum(ordered.values()) - sum(played.values()) >= FIZZLE_SHARE * sum(ordered.values())):
            n, fizzled = sum(ordered.values()), sum(ordered.values()) - sum(played.values())
            warn("playtest-move-mostly-fizzles", at,
                 f"'{written}' fizzled {fizzled} of the {n} times it was ordered in {played_in}: its precondition no longer "
                 "held when it resolved, usually because an order resolving before it (an answer, or an earlier category) "
                 "changed what it reads; see 'How a turn resolves'")
    for offer in deck.offers:
        made = rnd.offers.get((offer.index, "made"), 0) + doc.offers.get((offer.index, "made"), 0)
        accepted = rnd.offers.get((offer.index, "accepted"), 0) + doc.offers.get((offer.index, "accepted"), 0)
        if made >= OFFER_MIN_MADE and accepted == 0:
            move = deck.moves[offer.move]
            warn("playtest-offer-never-accepted", ("moves", offer.move, "offer"),
                 f"'{move.base}' was made to {deck.actor_name(offer.recipient)} {made} times in {played_in} and never accepted")
        # Random seats try silence; what matters is whether the doctrines ever do.
        by_doctrine = doc.offers.get((offer.index, "made"), 0)
        says = deck.model.moves[offer.move].offer
        if (deck.doctrines.get(offer.recipient) and says is not None and (says.expire.effects or says.expire.news)
                and by_doctrine >= OFFER_MIN_MADE and doc.offers.get((offer.index, "expired"), 0) == 0):
            move = deck.moves[offer.move]
            warn("playtest-offer-never-expires", ("moves", offer.move, "offer", "expire"),
                 f"'{move.base}' was made to {deck.actor_name(offer.recipient)} {by_doctrine} times in {doc.games} doctrine "
                 f"games and never left to expire, so its expire outcome never ran: give {possessive(deck.actor_name(offer.recipient))} "
                 f"doctrines a '{move.base}/wait' weight")
    for event in deck.events:
        if event.inject:
            continue
        path = ("events", event.index)
        if any(w.startswith(format_path(path)) for w in static):
            continue
        if rnd.fired.get(event.index, 0) + doc.fired.get(event.index, 0) == 0:
            field = "when" if event.when is not None else "at" if event.at is not None else "chance"
            warn("playtest-event-never-fired", (*path, field), f"'{event.id}' never fired in {played_in}")
    limit = deck.turn_limit_ending
    for i, ending in enumerate(deck.model.endings):
        path = ("endings", i)
        if any(w.startswith(format_path(path)) for w in static):
            continue
        if rnd.endings.get(ending.id, 0) + doc.endings.get(ending.id, 0) == 0:
            field = "when" if ending.id != limit.id else "turn_limit"
            warn("playtest-ending-never-reached", (*path, field), f"'{ending.id}' was never reached in {played_in}")
    for actor in deck.actors:
        best = sum(o.points for o in deck.objectives[actor])
        scores = [(score, n) for t in (rnd, doc) for (a, score), n in t.scores.items() if a == actor]
        games_scored = sum(n for _score, n in scores)
        if best <= 0 or games_scored < OBJECTIVES_MIN_GAMES:
            continue
        mean = sum(score * n for score, n in sorted(scores)) / games_scored
        if mean >= OBJECTIVES_EASY_SHARE * best:
            warn("playtest-objectives-always-met", ("actors", actor, "objectives"),
                 f"{deck.actor_name(actor)} scored {mean:.2f} of {best:g} point{'' if best == 1 else 's'} on average in {played_in}: its objectives "
                 "are met whatever it does, so they cannot tell a good game from a bad one; make them harder to reach")
    out.extend(_dominant(deck, rnd, index))
    out.sort(key=lambda w: (w.line or 0, w.where, w.code))
    return [w for w in out if not allowed(deck.source, w)]


def _dominant(deck: CompiledDeck, rnd: Tally, index: LineIndex) -> list[LintWarning]:
    out = []
    best = {a: sum(o.points for o in deck.objectives[a]) for a in deck.actors}
    sums: dict[tuple[int, bool], float] = {}
    counts: Counter[tuple[int, bool]] = Counter()
    for (index_, played, score), n in sorted(rnd.move_scores.items()):  # sorted: sums in a fixed order
        sums[(index_, played)] = sums.get((index_, played), 0.0) + score * n
        counts[(index_, played)] += n
    for move in deck.moves:
        yes, no = counts[(move.index, True)], counts[(move.index, False)]
        if yes < DOMINANT_MIN_GAMES or no < DOMINANT_MIN_GAMES or best[move.actor] <= 0:
            continue
        with_it, without = sums.get((move.index, True), 0.0) / yes, sums.get((move.index, False), 0.0) / no
        if with_it - without >= DOMINANT_SHARE * best[move.actor]:
            path = deck.source_path(("moves", move.index, "id"))
            if move.answer is not None:
                label = f"'{move.base}/{move.answer}'"
            elif move.target is not None:
                label = f"'{move.base}' against {deck.actor_name(move.target)}"
            else:
                label = f"'{move.id}'"
            out.append(LintWarning(
                "playtest-dominant-move", deck.path, index.line_of(path), format_path(path),
                f"{label} looks dominant: in random play {deck.actor_name(move.actor)} scores {with_it:.2f} on average "
                f"in games where it was played and {without:.2f} where it was not (of {best[move.actor]:g} points); "
                "a hint, not proof: the games also differ in other ways",
                "note",
            ))
    return out


def playtest_text(deck: CompiledDeck, p: Playtest) -> str:
    """The counts a person reads: per move, event and ending, random and doctrine seats."""
    r, d = p.random, p.doctrine
    unit = deck.model.deck.turn_name
    lines = [f"playtest: {r.games} games with random seats, {d.games} with doctrine seats, seed {p.seed}"]
    for k, seats in enumerate(p.rotations, 1):
        lines.append(f"  rotation {k}: " + ", ".join(f"{a}={s.removeprefix('doctrine:')}" for a, s in seats.items()))
    lines.append("")
    lines.append(f"{'moves (ordered / fizzled)':<44}{'random':>15}{'doctrine':>15}")
    for actor in deck.actors:
        lines.append(f"  {deck.actor_name(actor)}")
        for m in deck.moves_by_actor[actor]:
            cells = []
            for t in (r, d):
                o = t.ordered.get(m.index, 0)
                f = o - t.moves.get(m.index, 0)
                cells.append(f"{o:>8} / {f:<4}")
            lines.append(f"    {m.name[:38]:<40}{cells[0]:>15}{cells[1]:>15}")
    if deck.events:
        lines.append("")
        lines.append(f"{'events (games fired in)':<44}{'random':>15}{'doctrine':>15}")
        for e in deck.events:
            lines.append(f"  {(e.name + mark_after(e.name, 'inject', e.inject))[:40]:<42}{r.fired_games.get(e.index, 0):>15}{d.fired_games.get(e.index, 0):>15}")
    if deck.offers:
        lines.append("")
        lines.append("offers (times made; then accepted / refused / expired / unanswered at the end, of those made)")
        for offer in deck.offers:
            lines.append(f"  {deck.actor_name(offer.maker)}: {deck.moves[offer.move].name}"[:74])
            for label, t in (("random", r), ("doctrine", d)):
                made = t.offers.get((offer.index, "made"), 0)
                fates = " / ".join(f"{_share(t.offers.get((offer.index, k), 0), made):>4}" for k in OFFER_FATES[1:])
                lines.append(f"    {label:<10}{made:>8}   {fates}")
    lines.append("")
    lines.append(f"endings (games; {unit}s they happened on)")
    for end in (*deck.endings, deck.turn_limit_ending):
        n = r.endings.get(end.id, 0) + d.endings.get(end.id, 0)
        turns: Counter[int] = Counter()
        for t in (r, d):
            for (ending, turn), c in t.ending_turns.items():
                if ending == end.id:
                    turns[turn] += c
        when = f"{unit}s {min(turns)}-{max(turns)}" if turns else "never"
        lines.append(f"  {end.title[:40]:<42}{n:>8}   {when}")
    return "\n".join(lines)


def _share(n: int, of: int) -> str:
    """`n` as a whole share of `of` (`40%`); `-` when there is nothing to share."""
    return f"{n / of:.0%}" if of else "-"
