"""Every lint warning's code, with what it means: the one list `# lint: allow CODE` is
checked against (a misspelt code is itself a warning), and what the deck reference lists.

Static checks (`wargame.deck.lint.checks`) and playtests (`wargame.analysis.playtest`)
both warn with codes from here; a test keeps the list and the code in step.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    "actor-without-moves": "an actor can never give an order",
    "move-never-legal": "a move's precondition is false in every reachable state",
    "move-never-succeeds": "a move's chance is 0 wherever it can be ordered",
    "event-never-fires": "an event's trigger can never hold",
    "ending-never-reached": "an ending's condition can never hold",
    "objective-never-met": "an objective's condition can never hold",
    "track-never-changes": "nothing changes a track",
    "flag-never-changes": "nothing changes a flag, or only to its start value",
    "effect-clamped": "an effect always pushes a track past its bounds",
    "since-unplayed": "since() of a move not yet played is 99, so the test holds from turn 1",
    "event-cleared-above": "an event reads what an event above it clears the same turn",
    "event-order-dependence": "an event sees another's same-turn effects (a note)",
    "text-looks-like-template": "text shown as written has braces that look like values",
    "secret-move-public-change": "a secret move changes what everyone sees",
    "unattributed-without-news": "an unattributed move has no news everyone may read",
    "secret-input": "a seat sees a result whose inputs it cannot see",
    "offer-answer-changes-nothing": "an offer's answers change nothing",
    "offer-never-answered": "no doctrine of the recipient ever accepts an offer (a note)",
    "coach-never-shown": "a coach line is hidden by one above it",
    "silent-headline": "a headline event has no news, so no seat ever sees it fire",
    "channel-never-open": "a channel's condition can never hold",
    "name-marks-visibility": "a name says (secret) or (inject), which the screens add themselves",
    "unknown-lint-code": "a `# lint: allow` comment names no lint code",
    "playtest-move-never-played": "playtest: a move was never ordered",
    "playtest-move-always-fizzles": "playtest: a move fizzled every time it was ordered",
    "playtest-move-mostly-fizzles": "playtest: a move fizzled in most of the times it was ordered",
    "playtest-offer-never-accepted": "playtest: an offer was never accepted",
    "playtest-offer-never-expires": "playtest: doctrines never let an offer expire",
    "playtest-event-never-fired": "playtest: an event never fired",
    "playtest-ending-never-reached": "playtest: an ending was never reached",
    "playtest-objectives-always-met": "playtest: a seat meets its objectives in almost every game",
    "playtest-dominant-move": "playtest: a move goes with a much higher score (a note)",
}
"""Code to what it means, in one line."""

__all__ = ["CODES"]
