"""Text and CSV renderings of a simulation summary (the JSON form is `Summary.to_json`).

The CSV carries everything the JSON does, as one long table with a `section` column, so
a spreadsheet can filter it; the text is what a person reads in the terminal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from wargame.analysis.escalation import escalation_csv_rows, escalation_text
from wargame.analysis.simulate import Summary
from wargame.deck.compile import CompiledDeck


def _num(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.2f}".rstrip("0")


def summary_text(deck: CompiledDeck, s: Summary) -> str:
    titles = {e.id: e.title for e in (*deck.endings, deck.turn_limit_ending)}
    unit = deck.turn_name
    lines = [f"{deck.title}: {s.games} games, seed {s.seed}, {s.mean_turns:.1f} {unit}s on average"]
    lines.append("seats: " + ", ".join(f"{deck.actor_name(a)} played {spec}" for a, spec in s.seats.items()))
    lines.extend(program_lines(deck, s.programs))
    lines.append("")
    lines.append(f"{'endings':<28}{'games':>7}  {'share':>6}   95% interval")
    for ending, count in sorted(s.endings.items(), key=lambda kv: (-kv[1], kv[0])):
        lo, hi = s.ending_intervals[ending]
        share = count / s.games if s.games else 0.0
        lines.append(f"  {titles.get(ending, ending)[:26]:<26}{count:>7}  {share:6.1%}   {lo:6.1%} - {hi:6.1%}")
    lines.append("")
    lines.append("mean score (of the points each actor's objectives are worth)")
    for actor, score in s.scores.items():
        best = sum(o.points for o in deck.objectives[actor])
        lines.append(f"  {deck.actor_name(actor):<26}{score:6.2f} of {_num(best)}")
    if s.own_scores:
        lines.append("")
        lines.append("on its doctrine's own terms (the doctrine's own objectives)")
        for actor, score in s.own_scores.items():
            name = s.seats[actor].removeprefix("doctrine:")
            best = sum(o.points for o in deck.doctrines[actor][name].objectives)
            lines.append(f"  {(deck.actor_name(actor) + ' (' + name + ')')[:26]:<26}{score:6.2f} of {_num(best)}")
    lines.append("")
    lines.append(f"tracks at the end of each {unit} (games still running): median (10th-90th percentile)")
    width = max((len(n) for n in s.tracks), default=10)
    for name, rows in s.tracks.items():
        cells = " ".join(
            _num(r["median"]) if r["p10"] == r["p90"] else f"{_num(r['median'])}({_num(r['p10'])}-{_num(r['p90'])})"
            for r in rows
        )
        lines.append(f"  {name:<{width}} {cells}")
    running = next(iter(s.tracks.values()), [])
    if running and any(r["games"] != s.games for r in running):
        lines.append(f"  {'games':<{width}} " + " ".join(str(int(r["games"])) for r in running))
    lines.append("")
    lines.append(f"when each ending happened ({unit}: games)")
    for ending, turns in s.ending_turns.items():
        if turns:
            cells = ", ".join(f"{t}: {c}" for t, c in turns.items())
            lines.append(f"  {titles.get(ending, ending)[:26]:<26}{cells}")
    lines.append("")
    lines.append("moves: times per game ordered / played / fizzled")
    for actor, moves in s.moves.items():
        lines.append(f"  {deck.actor_name(actor)}")
        for m in moves:
            name = deck.moves[deck.move_index[m["move"]]].name
            n = s.games or 1
            fizzled = f"{m['fizzled'] / n:6.2f}" if m["fizzled"] else f"{'-':>6}"
            lines.append(f"    {name[:40]:<40}{m['ordered'] / n:6.2f} {m['played'] / n:6.2f} {fizzled}")
    if s.events:
        lines.append("")
        lines.append("events: share of games in which each fired")
        for e in s.events:
            event = deck.events[deck.event_index[e["event"]]]
            note = " (inject: only the facilitator fires it)" if event.inject else ""
            lines.append(f"  {event.name[:40]:<40}{e['rate']:6.1%}{note}")
    lines.append("")
    lines.extend(escalation_text(deck, s.escalation, unit))
    return "\n".join(lines)


def program_lines(deck: CompiledDeck, programs: Mapping[str, Mapping[str, int]]) -> list[str]:
    """"the program for Red overran 3 times; its stand-in, ..., played those turns": one
    line per seat whose program could not play some turns (late, stopped or refused);
    `programs`: actor to `overran`/`failed` to turns (`Summary.programs`)."""
    from wargame.bots.seats import default_computer, seat_label

    out = []
    for actor, kinds in programs.items():
        said = [f"{how} {_times(kinds[how])}" for how in ("overran", "failed") if kinds.get(how)]
        stand_in = seat_label(default_computer(deck, actor))
        out.append(f"the program for {deck.actor_name(actor)} {' and '.join(said)}; its stand-in, {stand_in}, played those turns")
    return out


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def summary_csv(s: Summary) -> str:
    """One table, `section,key,turn,value,low,high`: the same figures as the JSON."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["section", "key", "turn", "value", "low", "high"])
    w.writerow(["run", "deck", "", s.deck, "", ""])
    w.writerow(["run", "games", "", s.games, "", ""])
    w.writerow(["run", "seed", "", s.seed, "", ""])
    w.writerow(["run", "turns", "", s.turns, "", ""])
    w.writerow(["run", "mean_turns", "", repr(s.mean_turns), "", ""])
    for actor, spec in s.seats.items():
        w.writerow(["seat", actor, "", spec, "", ""])
    for ending, count in s.endings.items():
        lo, hi = s.ending_intervals[ending]
        w.writerow(["ending", ending, "", count, repr(lo), repr(hi)])
    for actor, score in s.scores.items():
        w.writerow(["score", actor, "", repr(score), "", ""])
    for actor, dist in s.score_counts.items():
        for value, count in dist.items():
            w.writerow(["score_count", f"{actor}:{value:g}", "", count, "", ""])
    for ending, turns in s.ending_turns.items():
        for turn, count in turns.items():
            w.writerow(["ending_turn", ending, turn, count, "", ""])
    for name, rows in s.tracks.items():
        for r in rows:
            w.writerow(["track", name, int(r["turn"]), r["median"], r["p10"], r["p90"]])
            w.writerow(["track_games", name, int(r["turn"]), int(r["games"]), "", ""])
    for actor, moves in s.moves.items():
        for m in moves:
            key = f"{actor}:{m['move']}"
            w.writerow(["move", key, "", m["played"], "", ""])
            w.writerow(["move_ordered", key, "", m["ordered"], "", ""])
            w.writerow(["move_fizzled", key, "", m["fizzled"], "", ""])
    for e in s.events:
        w.writerow(["event", e["event"], "", e["games"], "", ""])
        w.writerow(["event_fired", e["event"], "", e["fired"], "", ""])
    for actor, kinds in s.programs.items():
        for how, count in kinds.items():
            w.writerow([f"program_{how}", actor, "", count, "", ""])
    w.writerows(escalation_csv_rows(s.escalation))
    return out.getvalue()
