"""Text and CSV renderings of a simulation summary (the JSON form is `Summary.to_json`)."""

from __future__ import annotations

import csv
import io

from wargame.analysis.simulate import Summary
from wargame.deck.compile import CompiledDeck


def _num(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.2f}"


def summary_text(deck: CompiledDeck, s: Summary) -> str:
    titles = {e.id: e.title for e in (*deck.endings, deck.turn_limit_ending)}
    lines = [f"{deck.title}: {s.games} games, seed {s.seed}, mean {s.mean_turns:.1f} turns"]
    lines.append("seats: " + ", ".join(f"{a}={spec}" for a, spec in s.seats.items()))
    lines.append("")
    lines.append("endings                     games   share   95% interval")
    for ending, count in sorted(s.endings.items(), key=lambda kv: -kv[1]):
        lo, hi = s.ending_intervals[ending]
        share = count / s.games if s.games else 0.0
        lines.append(f"  {titles.get(ending, ending)[:24]:<24} {count:>7}  {share:6.1%}   {lo:6.1%} - {hi:6.1%}")
    lines.append("")
    lines.append("mean score")
    for actor, score in s.scores.items():
        lines.append(f"  {deck.actor_name(actor):<24} {score:6.2f}")
    lines.append("")
    lines.append("tracks by turn: median (10th-90th percentile)")
    for name, rows in s.tracks.items():
        if "." in name:
            continue
        cells = " ".join(f"{_num(r['median'])}({_num(r['p10'])}-{_num(r['p90'])})" for r in rows)
        lines.append(f"  {name:<14} {cells}")
    lines.append("")
    lines.append("most played moves")
    for actor, moves in s.top_moves.items():
        names = ", ".join(f"{deck.moves[deck.move_index[m]].name} ({c})" for m, c in moves)
        lines.append(f"  {deck.actor_name(actor)}: {names}")
    return "\n".join(lines)


def summary_csv(s: Summary) -> str:
    """One table with a `section` column: endings, scores, tracks, moves."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["section", "key", "turn", "value", "low", "high"])
    for ending, count in s.endings.items():
        lo, hi = s.ending_intervals[ending]
        w.writerow(["ending", ending, "", count, f"{lo:.4f}", f"{hi:.4f}"])
    for actor, score in s.scores.items():
        w.writerow(["score", actor, "", f"{score:.4f}", "", ""])
    for name, rows in s.tracks.items():
        for r in rows:
            w.writerow(["track", name, int(r["turn"]), r["median"], r["p10"], r["p90"]])
    for actor, moves in s.top_moves.items():
        for move, count in moves:
            w.writerow(["move", f"{actor}:{move}", "", count, "", ""])
    return out.getvalue()
