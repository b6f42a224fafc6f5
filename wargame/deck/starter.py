"""The commented starter deck `wargame deck new` writes: small, valid and lint clean.

It is built as text (not from the models) so that its comments can teach each table;
a test loads it for several actor lists. No I/O here: the command writes the file.
"""

from __future__ import annotations

import re

from wargame.deck.schema import NAME_PATTERN, RESERVED_NAMES
from wargame.errors import WargameError
from wargame.words import possessive

DEFAULT_ACTORS = ("red", "blue")
_NAME = re.compile(NAME_PATTERN)


def check_actor_ids(actors: list[str]) -> None:
    """Refuse actor ids a deck could not use, with one clear line."""
    if not 2 <= len(actors) <= 16:
        raise WargameError(f"--actors: give between 2 and 16 actors, not {len(actors)}")
    seen: set[str] = set()
    for actor in actors:
        if not _NAME.match(actor):
            raise WargameError(
                f"--actors: '{actor}' is not a usable actor id (a lowercase letter, then a-z, 0-9 or '_')"
            )
        if actor in RESERVED_NAMES or actor in {"tension", "talks"}:
            raise WargameError(f"--actors: '{actor}' is a reserved word or a track of the starter deck")
        if actor in seen:
            raise WargameError(f"--actors: '{actor}' is given twice")
        seen.add(actor)


def _title(actor: str) -> str:
    return actor.replace("_", " ").title()


def starter_deck(actors: list[str] | tuple[str, ...] = DEFAULT_ACTORS, deck_id: str = "my-deck") -> str:
    """The starter deck's TOML for `actors` (ids), each with a pressure move and talks."""
    actors = list(actors)
    check_actor_ids(actors)
    others = {a: [b for b in actors if b != a] for a in actors}
    out: list[str] = [
        "#:schema ./deck.schema.json",
        "# A starter deck written by `wargame deck new`. Change anything; check it with",
        "#   wargame validate THIS-FILE   and   wargame deck lint THIS-FILE",
        "# docs/deck-format.md explains every field; decks/tutorial.toml shows a finished deck.",
        "",
        "[deck]",
        f'id = "{deck_id}"',
        'title = "A new scenario"',
        "version = 1",
        "turns = 8                  # how many turns a game lasts",
        'turn_name = "week"         # what a turn is called: day, week, month, ...',
        'summary = "Say in two sentences what the players face."',
        'sources = ["Name the sources the scenario draws on."]',
        "",
        "# Global tracks: numbers every seat sees. Crossing a threshold is news.",
        "[tracks.tension]",
        'label = "Tension"',
        'description = "How close the sides are to a clash. At 10 the game ends."',
        "min = 0",
        "max = 10",
        "start = 3",
        'thresholds = { 7 = "crisis", 10 = "clash" }',
        "",
        "[tracks.talks]",
        'label = "Talks"',
        'description = "Progress towards a settlement. At 6 the game ends in a deal."',
        "min = 0",
        "max = 6",
        "start = 0",
        "",
        "# Actor tracks: every actor has its own copy (written actor.standing in expressions).",
        "[actor_tracks.standing]",
        'label = "Standing"',
        "min = 0",
        "max = 10",
        "start = 5",
        "",
    ]
    for actor in actors:
        name = _title(actor)
        out += [
            f"[actors.{actor}]",
            f'name = "{name}"',
            f'brief = "What {name} wants, and what it fears."',
            "orders_per_turn = 1",
            "objectives = [",
            f'  {{ text = "Keep standing at 6 or more", when = "{actor}.standing >= 6", points = 2 }},',
            '  { text = "Avoid a clash", when = "tension < 10", points = 1 },',
            "]",
            "",
            "# A personality for computer seats: how much it likes each of its moves.",
            f"[actors.{actor}.doctrines.cautious]",
            'summary = "Talks when tension is high, pressure otherwise."',
            f"[actors.{actor}.doctrines.cautious.weights]",
            f'{actor}-pressure = "1 + 2 * (tension < 6)"',
            f'{actor}-talks = "1 + 3 * (tension >= 6)"',
            "# A targeted move's weight counts for each target and may read `target`.",
            f'{actor}-warn = "1 + (target.standing >= 6)"',
            "# OFFER/accept and OFFER/refuse weigh the answers to an offer made to this side.",
            f'"{others[actor][0]}-ceasefire/accept" = "1 + 2 * (tension >= 6)"',
            f'"{others[actor][0]}-ceasefire/refuse" = 1',
            "",
        ]
    for actor in actors:
        name = _title(actor)
        partners = " or ".join(f"ordered('{b}-talks')" for b in others[actor])
        out += [
            "[[moves]]",
            f'id = "{actor}-pressure"',
            f'actor = "{actor}"',
            'name = "Show of force"',
            'description = "Raises tension; standing rises at home. Half the time it impresses."',
            'category = "military"      # diplomatic, information, economic or military (the order they resolve in)',
            "escalation = 4",
            "chance = 0.5",
            "cooldown = 1               # turns to wait before ordering it again",
            f'success = {{ effects = ["{actor}.standing += 1"], news = "{name}\'s show of force impresses." }}',
            f'always = {{ effects = ["tension += 1"], news = "{name} puts on a show of force." }}',
            "",
            "[[moves]]",
            f'id = "{actor}-talks"',
            f'actor = "{actor}"',
            'name = "Offer talks"',
            'description = "Talks move forward only when another side offers talks in the same turn."',
            'category = "diplomatic"',
            "escalation = -2",
            'requires = "tension < 9"',
            'requires_text = "Not at the brink of a clash."',
            f'success = {{ effects = ["talks += 1 * ({partners})", "tension -= 1"], news = "{name} offers talks." }}',
            "",
            "# A targeted move: the seat picks whom it is aimed at when ordering. It becomes one",
            f"# move per target ({actor}-warn@{others[actor][0]}, ...); `target` and {{target}} stand for that actor.",
            "[[moves]]",
            f'id = "{actor}-warn"',
            f'actor = "{actor}"',
            'name = "Warn {target}"',
            'category = "information"',
            "escalation = 1",
            'targets = "others"         # or a list: ["..."]',
            'requires = "target.standing >= 2"',
            'requires_text = "Only a side with some standing left is worth warning."',
            f'success = {{ effects = ["target.standing -= 1", "tension += 1"], news = "{name} warns {{target}} publicly." }}',
            "",
            "# An offer: the target accepts or refuses in a later turn (answers cost it no order),",
            "# or lets it expire. Here the target has 2 turns to answer.",
            "[[moves]]",
            f'id = "{actor}-ceasefire"',
            f'actor = "{actor}"',
            'name = "Propose a ceasefire to {target}"',
            'category = "diplomatic"',
            "escalation = -2",
            'targets = "others"',
            f'success = {{ news = "{name} proposes a ceasefire to {{target}}." }}',
            "[moves.offer]",
            "expires = 2",
            'accept = { effects = ["tension -= 2", "talks += 1"], news = "{target} agrees to a ceasefire." }',
            f'refuse = {{ effects = ["tension += 1"], news = "{{target}} rejects {possessive(name)} ceasefire." }}',
            f'expire = {{ effects = ["{actor}.standing -= 1"], news = "{possessive(name)} ceasefire proposal lapses unanswered." }}',
            "",
        ]
    out += [
        "# Events: scheduled (at = a turn), triggered (when = a condition), or injects the",
        "# facilitator fires by hand (inject = true).",
        "# Events fire in deck order and each sees the effects of those above it.",
        "[[events]]",
        'id = "mediator"',
        'name = "A mediator steps in"',
        'when = "tension >= 7"',
        'effects = ["tension -= 1", "talks += 1"]',
        'news = "A neutral mediator offers to host talks."',
        "",
        "[[events]]",
        'id = "incident"',
        'name = "Border incident"',
        "at = 3",
        "chance = 0.5",
        'effects = ["tension += 2"]',
        'news = "An incident at the border raises tension."',
        'failure_news = "The border stays quiet."',
        "",
        "# Endings are checked in order after every turn; the turn-limit one applies when time runs out.",
        "[[endings]]",
        'id = "clash"',
        'title = "Clash"',
        'when = "tension >= 10"',
        'text = "Shots are fired. Nobody wins."',
        "",
        "[[endings]]",
        'id = "deal"',
        'title = "Deal"',
        'when = "talks >= 6"',
        'text = "The sides sign an agreement."',
        "",
        "[[endings]]",
        'id = "stalemate"',
        'title = "Stalemate"',
        "turn_limit = true",
        'text = "Time runs out with no clash and no deal."',
        "",
    ]
    return "\n".join(out)
