"""A golden playthrough of the tutorial deck, in the style of OpenSpiel's playthrough files.

A fixed seed and fixed orders (with one facilitator inject and one dice override) are
played to the end and rendered as text: each seat's legal moves and why, the orders,
every chance roll, the news and who sees it, the tracks and flags, and the state hash.
The text must equal the committed `tutorial-playthrough.txt`. When a change to the rules
is intended, regenerate with `WARGAME_UPDATE_GOLDEN=1 pytest tests/golden`, read the
diff (`git diff tests/golden`) and commit it with the change.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from wargame.deck.compile import CompiledDeck
from wargame.engine.game import Game
from wargame.engine.state import FACILITATOR
from wargame.observe.view import PlayerView

GOLDEN = Path(__file__).resolve().parent / "tutorial-playthrough.txt"
SEED = 20220106
"""Chosen (when the dice became per-roll in save format 2) so that the rolls come out as
they did before: the spy operation stays hidden in week 1 and the storm fires in week 3."""

# Per week: Red's orders, Blue's orders, facilitator actions.
SCRIPT: list[tuple[list[str], list[str], dict[str, object]]] = [
    (["missile-test"], ["spy-op"], {}),
    (["patrol"], ["sanctions"], {}),
    (["talks-offer"], ["talks-offer-blue"], {"inject": "fishing-incident"}),
    (["missile-test"], [], {"override": ("move:missile-test", False)}),
    (["talks-offer"], ["talks-offer-blue"], {"text": ("Both capitals agree to a ferry link.", ["talks += 1"])}),
    (["patrol"], ["talks-offer-blue"], {}),
]


def give_turn(game: Game, red: list[str], blue: list[str], control: dict[str, object]) -> None:
    """One turn of `SCRIPT` given to the game: both seats' orders, then the facilitator's
    inject, written inject and forced roll, if the script has them."""
    game.submit("red", red)
    game.submit("blue", blue)
    if "inject" in control:
        game.fire_inject(event=str(control["inject"]))
    if "text" in control:
        text, effects = control["text"]  # type: ignore[misc]
        game.fire_inject(text=text, effects=effects)
    if "override" in control:
        key, outcome = control["override"]  # type: ignore[misc]
        game.override(key, outcome)


def _num(x: float) -> str:
    return f"{x:g}"


def render(deck: CompiledDeck) -> str:
    game = Game(deck, SEED)
    out = [
        f"# Golden playthrough: deck {deck.id} (sha256 {deck.sha256[:16]}), seed {SEED}",
        "# Regenerate with WARGAME_UPDATE_GOLDEN=1 and read the diff before committing.",
        "",
        "start: " + " ".join(f"{n}={_num(v)}" for n, v in zip(deck.slot_names, game.state.v, strict=True)),
    ]
    for red, blue, control in SCRIPT:
        if game.is_over:
            break
        out.append("")
        out.append(f"== {deck.model.deck.turn_name} {game.turn}")
        for actor in deck.actors:
            legal = game.legal_moves(actor)
            shown = [o.move.id if o.available else f"({o.move.id}: {o.reason})" for o in legal]
            out.append(f"legal {actor}: {', '.join(shown)}")
        give_turn(game, red, blue, control)
        for key, label, p in game.pending_rolls():
            out.append(f"pending roll: {key} ({label}) p={_num(p)}")
        rec = game.resolve()
        for actor, orders in rec.orders.items():
            out.append(f"orders {actor}: {', '.join(orders) or '-'}")
        for inject in rec.injects:
            out.append(f"inject: {inject.event or ''}{inject.text} {list(inject.effects) if inject.effects else ''}".rstrip())
        for key, outcome in rec.overrides.items():
            out.append(f"override: {key} -> {'success' if outcome else 'failure'}")
        for roll in rec.rolls:
            forced = " forced" if roll.forced else ""
            result = "success" if roll.success else "failure"
            out.append(f"roll {roll.kind} {roll.key}: p={roll.chance:.4f} draw={roll.roll:.6f} {result}{forced}")
        for item in rec.news:
            who = "all" if item.audience is None else "+".join(sorted(item.audience))
            out.append(f"news [{item.kind}, {who}] {item.text}")
        for change in rec.changes:
            out.append(f"change {change.name}: {_num(change.old)} -> {_num(change.new)}")
        for name, old, new in rec.flag_changes:
            out.append(f"flag {name}: {old} -> {new}")
        if rec.fired:
            out.append(f"fired: {', '.join(rec.fired)}")
        out.append("tracks: " + " ".join(f"{n}={_num(v)}" for n, v in zip(deck.slot_names, game.state.v, strict=True)))
        out.append("flags: " + " ".join(f"{n}={f}" for n, f in zip(deck.flag_names, game.state.f, strict=True)))
        for seat in deck.actors:
            view = PlayerView(game, seat)
            out.append(f"{seat} sees: {len(view.news)} news, plays {[p.move for p in view.plays]}")
        out.append(f"hash: {rec.state_hash}")
    assert game.ending is not None, "the script must reach an ending"
    out.append("")
    out.append(f"ending: {game.ending.id} ({game.ending.title}) after {len(game.records)} {deck.model.deck.turn_name}s")
    for actor, score in game.scores().items():
        met = ", ".join(f"{'x' if o.met else ' '} {o.text}" for o in score.objectives)
        out.append(f"score {actor}: {_num(score.total)} [{met}]")
    out.append(f"facilitator sees: {len(PlayerView(game, FACILITATOR).news)} news")
    return "\n".join(out) + "\n"


def test_tutorial_playthrough_matches_the_golden_file(tutorial: CompiledDeck) -> None:
    text = render(tutorial)
    if os.environ.get("WARGAME_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(GOLDEN), "this run")
        )
        raise AssertionError(
            "the tutorial playthrough changed; if that is intended, regenerate with "
            "WARGAME_UPDATE_GOLDEN=1 and review the diff:\n" + diff
        )


def test_the_playthrough_is_the_same_every_time(tutorial: CompiledDeck) -> None:
    assert render(tutorial) == render(tutorial)
