"""The check behind the network secrecy tests: does a message for one viewer hold any
secret that viewer may not know? Shared by the property tests and the live-host tests.

It reads a message as the host sends it (a `state` with the room and the viewer's
`Observation`, or a bare observation, or any other reply) and judges it against the game
itself, through `PlayerView`s, never through the builder whose output it checks.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.engine.state import NewsItem
from wargame.observe.view import PlayerView
from wargame.observe.visibility import Viewer, sees_news


def observation_of(data: dict[str, Any]) -> dict[str, Any]:
    """The observation in a message: a state's, or the message itself if it is one."""
    if "observation" in data:
        obs: dict[str, Any] = data["observation"]
        return obs
    return data if "viewer" in data else {}


def leaks(game: Game, viewer: str | None, message: dict[str, Any] | str) -> list[str]:
    """What in `message` (sent to seat `viewer`, or to the public when None) the viewer may
    not know: the facilitator's console, notices and settings; an observation built for
    someone else; other seats' secret track values and changes, odds computed from them;
    other seats' sealed orders; unrevealed secret moves (ids, names, news) and offers it
    was not party to. Empty when the message is clean."""
    text = message if isinstance(message, str) else json.dumps(message)
    data = json.loads(text)
    deck = game.deck
    seats = [viewer] if viewer is not None else list(deck.actors)
    views = [PlayerView(game, s) for s in seats]
    problems = []
    obs = observation_of(data) if isinstance(data, dict) else {}
    room = data.get("room") if isinstance(data, dict) else None
    if obs.get("room") is not None:
        room = obs["room"]
    # Built for this viewer, and none of the facilitator's own data.
    if obs:
        want = {"kind": "seat", "seat": viewer} if viewer is not None else {"kind": "public", "seat": None}
        got = {"kind": obs["viewer"]["kind"], "seat": obs["viewer"].get("seat")}
        if got != want:
            problems.append(f"an observation for {got}")
        if obs.get("control") is not None:
            problems.append("the facilitator's console")
        sheet = obs.get("seat")
        if viewer is None and sheet is not None:
            problems.append("a seat's sheet sent to the public")
    if isinstance(room, dict):
        for key in ("settings", "notices", "programs", "exercise", "team_cap"):
            if room.get(key):
                problems.append(f"the facilitator's {key}")
        if any(s.get("code") is not None for s in room.get("seats", [])):
            problems.append("which seats have codes")
    # Secret tracks: the value and history of a track owned by someone else are absent.
    hidden = set().union(*(v.hidden_slots for v in views))
    hidden_names = {deck.slot_names[s] for s in hidden}
    for t in obs.get("tracks", []):
        if t["name"] in hidden_names:
            if t["value"] is not None:
                problems.append(f"value of {t['name']}")
            if any(h is not None for h in t.get("history", [None])):
                problems.append(f"history of {t['name']}")
    sheet = obs.get("seat") or {}
    turns = list(obs.get("turns", [])) + ([sheet["private"]] if sheet.get("private") else [])
    for turn in turns:
        for change in turn["changes"]:
            if change["name"] in hidden_names:
                problems.append(f"change of {change['name']} in turn {turn['turn']}")
    # Odds computed from something hidden from the viewer are hidden too.
    if viewer is not None:
        by_id = {m.id: m for m in deck.moves_by_actor[viewer]}
        for m in sheet.get("moves", []):
            move = by_id.get(m["id"])
            if move is None:
                problems.append(f"move {m['id']} of another seat on the sheet")
                continue
            if move.chance_const is None and deck.hidden_from(viewer, move.chance_reads) and m["chance"] is not None:
                problems.append(f"chance of {m['id']} reads a hidden input")
    # Other seats' orders: only plays the viewer knows of, never their sealed orders.
    known = set.intersection(*({(p.turn, p.actor, p.move) for p in v.plays} for v in views))
    for turn in obs.get("turns", []):
        for seat_orders in turn.get("orders", []):
            if seat_orders["actor"] in ([viewer] if viewer is not None else []):
                continue
            if seat_orders["visible"]:
                problems.append(f"{seat_orders['actor']}'s orders of turn {turn['turn']}")
            for order in seat_orders["orders"]:
                if (turn["turn"], seat_orders["actor"], order["move"]) not in known:
                    problems.append(f"{seat_orders['actor']}'s unknown order {order['move']} in turn {turn['turn']}")
    # Offers: only those whose making the viewer knows of.
    for offer in _offers(obs):
        if (offer["made"], offer["maker"], offer["move"]) not in known:
            problems.append(f"offer {offer['move']} the viewer does not know of")
    # Secret moves of other seats that the viewer has not seen played (or revealed).
    seen = {move for _turn, _actor, move in known}
    # An offer the viewer knows of names its answers (what accepting it would do): not a play.
    for offer in _offers(obs):
        if (offer["made"], offer["maker"], offer["move"]) in known:
            seen |= {offer["accept"], offer["refuse"]}
    # So does an offer the viewer made, after it closed: its maker learns how it was answered
    # (and a result line may name the answer as what moved the maker's own tracks).
    made_by_viewer = {move for _turn, actor, move in known if actor in seats}
    for offer in deck.offers:
        if deck.moves[offer.move].id in made_by_viewer:
            seen |= {deck.moves[offer.accept].id, deck.moves[offer.refuse].id}
    own = {m.id for s in seats for m in deck.moves_by_actor[s]} if viewer is not None else set()

    def visible(n: NewsItem) -> bool:
        return all(sees_news(Viewer.seat(s), n, deck.actors) for s in seats)

    visible_text = {n.text for n in game.news if visible(n)}
    for move in deck.moves:
        if not move.secret or move.id in own or move.id in seen:
            continue
        if viewer is not None and move.audience is not None and set(seats) <= move.audience:
            continue  # a secret move the viewer is in the audience of (the answer to its own secret offer): it may know it exists
        if f'"{move.id}"' in text:
            problems.append(f"id of secret move {move.id}")
        if move.name in text and not any(move.name in v for v in visible_text):
            problems.append(f"name of secret move {move.name}")
    said = list(_strings(_without_answer_news(data, deck, known)))
    for n in game.news:
        if not visible(n) and n.text not in visible_text and any(n.text in s for s in said):
            problems.append(f"secret news {n.text!r}")
    return problems


def _offers(obs: dict[str, Any]) -> list[dict[str, Any]]:
    sheet = obs.get("seat") or {}
    return [*obs.get("offers", []), *sheet.get("offers_waiting", []), *sheet.get("my_offers_waiting", [])]


def _without_answer_news(data: Any, deck: CompiledDeck, known: set[tuple[int, str, str]]) -> Any:
    """`data` less what each offer the viewer knows of says its answers announce (the
    deck's news of accepting and refusing it, `OfferInfo.accept_news`). That text describes
    the offer to all who know of it, whatever became of it: it tells nothing of the answer.
    The news of a secret offer's answer has the same words, and reaches only those the
    offer was made among, even once revealed (a reveal is news of its own): those words
    anywhere else in a message are still a leak."""
    data = copy.deepcopy(data)
    for offer in _offers(observation_of(data) if isinstance(data, dict) else {}):
        if (offer["made"], offer["maker"], offer["move"]) not in known:
            continue  # flagged above
        for answer, field in ((offer["accept"], "accept_news"), (offer["refuse"], "refuse_news")):
            index = deck.move_index.get(answer)
            if index is not None and offer.get(field) == deck.moves[index].success_news:
                offer[field] = ""
    return data


def _strings(data: Any) -> Iterator[str]:
    """Every text in a message, as sent (unescaped): keys and values."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
