"""The check behind the network secrecy tests: does a message for one viewer hold any
secret that viewer may not know? Shared by the property test and the live-host tests."""

from __future__ import annotations

import json
from typing import Any

from wargame.engine.game import Game
from wargame.engine.state import NewsItem
from wargame.observe.view import PlayerView
from wargame.observe.visibility import Viewer, sees_news


def leaks(game: Game, viewer: str | None, message: dict[str, Any] | str) -> list[str]:
    """What in `message` (sent to seat `viewer`, or to the public when None) the viewer may
    not know: other seats' secret track values, and unrevealed secret moves (ids, names,
    news). Empty when the message is clean."""
    text = message if isinstance(message, str) else json.dumps(message)
    data = json.loads(text)
    deck = game.deck
    seats = [viewer] if viewer is not None else list(deck.actors)
    views = [PlayerView(game, s) for s in seats]
    problems = []
    # Secret tracks: the value and history of a track owned by someone else are absent.
    hidden = set().union(*(v.hidden_slots for v in views))
    hidden_names = {deck.slot_names[s] for s in hidden}
    hidden_labels = {deck.slot_label(s) for s in hidden}
    view = data.get("view", data)
    for t in view.get("tracks", []):
        if t["name"] in hidden_names:
            if t["value"] is not None:
                problems.append(f"value of {t['name']}")
            if any(h is not None for h in t.get("history", [None])):
                problems.append(f"history of {t['name']}")
    for turn in view.get("turns_resolved", []) + ([view["report"]] if view.get("report") else []):
        for change in turn["changes"]:
            label = change["label"] if isinstance(change, dict) else change[0]
            if label in hidden_labels:
                problems.append(f"change of {label}")
    # Odds computed from something hidden from the viewer are hidden too.
    if viewer is not None:
        by_id = {m.id: m for m in deck.moves_by_actor[viewer]}
        for m in view.get("moves", []):
            move = by_id[m["id"]]
            if move.chance_const is None and deck.hidden_from(viewer, move.chance_reads) and m["chance"] is not None:
                problems.append(f"chance of {m['id']} reads a hidden input")
    # Secret moves of other seats that the viewer has not seen played (or revealed).
    seen = set.intersection(*({p.move for p in v.plays} for v in views))
    own = {m.id for s in seats for m in deck.moves_by_actor[s]} if viewer is not None else set()
    def visible(n: NewsItem) -> bool:
        return all(sees_news(Viewer.seat(s), n, deck.actors) for s in seats)

    visible_text = {n.text for n in game.news if visible(n)}
    for move in deck.moves:
        if not move.secret or move.id in own or move.id in seen:
            continue
        if f'"{move.id}"' in text:
            problems.append(f"id of secret move {move.id}")
        if move.name in text and not any(move.name in v for v in visible_text):
            problems.append(f"name of secret move {move.name}")
    for n in game.news:
        if not visible(n) and n.text not in visible_text and n.text in text:
            problems.append(f"secret news {n.text!r}")
    return problems
