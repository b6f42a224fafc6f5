"""Writing saves atomically, reading them with clear errors, replaying and branching them.

A save is only ever replaced whole: the new text goes to a temporary file in the same
folder, is fsynced, then renamed over the old one, so a crash mid-write leaves the
previous save intact.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from wargame import ENGINE_VERSION
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game
from wargame.engine.model import state_model
from wargame.engine.state import TurnRecord
from wargame.errors import DeckError, SaveError, WargameError
from wargame.saves.format import (
    FORMAT,
    FORMAT_VERSION,
    InjectModel,
    NewsModel,
    ParentModel,
    RollModel,
    SaveModel,
    TurnModel,
)

MAX_SAVE_BYTES = 64_000_000
DEFAULT_SAVE_DIR = Path("saves")


def new_save(game: Game, seats: dict[str, str], *, facilitator: bool = False, title: str = "") -> SaveModel:
    """A save of `game` as it stands (call again after each turn, or use `update_save`)."""
    deck = game.deck
    save = SaveModel(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        engine_version=ENGINE_VERSION,
        save_id=uuid.uuid4().hex[:12],
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        title=title or deck.title,
        deck_path=deck.path,
        deck_id=deck.id,
        deck_sha256=deck.sha256,
        deck_source=deck.source,
        seed=game.seed,
        turns=game.turns,
        seats={a: seats.get(a, "human") for a in deck.actors},
        facilitator=facilitator,
    )
    return update_save(save, game)


def turn_model(rec: TurnRecord) -> TurnModel:
    return TurnModel(
        turn=rec.turn,
        orders={a: list(o) for a, o in rec.orders.items()},
        reasons={a: list(r) for a, r in rec.reasons.items() if r},
        injects=[InjectModel(event=i.event, text=i.text, effects=list(i.effects)) for i in rec.injects],
        overrides=dict(rec.overrides),
        rolls=[RollModel(kind=r.kind, key=r.key, actor=r.actor, chance=r.chance, roll=r.roll, success=r.success, forced=r.forced) for r in rec.rolls],
        news=[NewsModel(text=n.text, kind=n.kind, audience=sorted(n.audience) if n.audience is not None else None, actor=n.actor, source=n.source) for n in rec.news],
        fired=list(rec.fired),
        ending=rec.ending,
        state_hash=rec.state_hash,
    )


def update_save(save: SaveModel, game: Game) -> SaveModel:
    """The same save with `game`'s turns, pending orders and final state."""
    have = len(save.history)
    history = list(save.history[: min(have, len(game.records))])
    for rec in game.records[len(history):]:
        history.append(turn_model(rec))
    return save.model_copy(
        update={
            "history": history,
            "pending": {a: list(o) for a, o in game.orders.items()},
            "pending_injects": [InjectModel(event=i.event, text=i.text, effects=list(i.effects)) for i in game.injects],
            "pending_overrides": dict(game.overrides),
            "final_state": state_model(game.deck, game.state),
            "ending": game.ending.id if game.ending else None,
        }
    )


def write_save(save: SaveModel, path: str | Path) -> Path:
    """Write `save` to `path` atomically (temp file, fsync, rename); creates the folder."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        data = save.model_dump_json(indent=1).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        try:
            dir_fd = os.open(target.parent, os.O_RDONLY)
        except OSError:
            return target
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise SaveError(f"{target}: cannot write the save: {exc.strerror or exc}") from None
    return target


def read_save(path: str | Path) -> SaveModel:
    """Read and validate a save; raises `SaveError` with a clear message for any bad file."""
    p = Path(path)
    try:
        if p.is_dir():
            raise SaveError(f"{p}: is a directory, not a save file")
        size = p.stat().st_size
        if size > MAX_SAVE_BYTES:
            raise SaveError(f"{p}: too large to be a save ({size:,} bytes)")
        with p.open("rb") as fh:  # bounded: a device like /dev/zero never ends
            raw = fh.read(MAX_SAVE_BYTES + 1)
        if len(raw) > MAX_SAVE_BYTES:
            raise SaveError(f"{p}: too large to be a save (the limit is {MAX_SAVE_BYTES:,} bytes)")
    except FileNotFoundError:
        raise SaveError(f"{p}: no such save file") from None
    except OSError as exc:
        raise SaveError(f"{p}: cannot read: {exc.strerror or exc}") from None
    return parse_save(raw, str(p))


def parse_save(raw: bytes, name: str = "<save>") -> SaveModel:
    if not raw.strip():
        raise SaveError(f"{name}: the file is empty (not a save)")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SaveError(f"{name}: not a save: the file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        # A save always ends with its closing brace; a file cut short mid-string is
        # reported by json at the string's start, so look at the end as well.
        text = raw.lstrip()
        if not text.startswith(b"{"):
            raise SaveError(f"{name}: not a wargame save (a save is a JSON object)") from None
        if exc.pos >= len(raw.rstrip()) - 1 or not raw.rstrip().endswith(b"}"):
            last = raw.count(b"\n") + 1
            raise SaveError(f"{name}:{last}: not valid JSON: the save looks truncated (it stops mid-way, at line {last})") from None
        raise SaveError(f"{name}:{exc.lineno}: not valid JSON at column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise SaveError(f"{name}: not a save: nested too deeply") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SaveError(f"{name}: not a wargame save (no \"format\": \"{FORMAT}\")")
    version = data.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise SaveError(
            f"{name}: this save is format version {version}, newer than this wargame reads "
            f"(up to {FORMAT_VERSION}); upgrade wargame to open it"
        )
    try:
        return SaveModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)
        lines = []
        for err in first[:5]:
            where = ".".join(str(p) for p in err["loc"]) or "save"
            lines.append(f"{name}: {where}: {err['msg'].removeprefix('Value error, ')}")
        more = f"\n{name}: ... and {len(first) - 5} more problems" if len(first) > 5 else ""
        raise SaveError("\n".join(lines) + more) from None


def save_deck(save: SaveModel) -> CompiledDeck:
    """The deck as it was when the game was played (from the copy inside the save)."""
    try:
        return load_deck_text(save.deck_source, f"{save.deck_path} (copy in save)")
    except DeckError as exc:
        raise SaveError(f"the deck inside the save does not load:\n{exc}") from None


@dataclass(frozen=True)
class Verification:
    ok: bool
    turns_checked: int
    first_bad_turn: int | None
    detail: str


def apply_turn(game: Game, turn: TurnModel) -> TurnRecord:
    """Re-resolve one saved turn on `game` (orders, injects, overrides as recorded)."""
    unknown = sorted(set(turn.orders) - set(game.deck.actors))
    if unknown:
        raise SaveError(f"orders for unknown actor(s) {', '.join(unknown)}")
    for actor in game.deck.actors:
        game.submit(actor, turn.orders.get(actor, []), turn.reasons.get(actor, []))
    for inject in turn.injects:
        game.fire_inject(event=inject.event, text=inject.text, effects=inject.effects)
    for key, outcome in turn.overrides.items():
        game.override(key, outcome)
    return game.resolve()


def replay(save: SaveModel, upto: int | None = None, deck: CompiledDeck | None = None) -> Game:
    """Rebuild the game from the save by re-resolving its turns (all, or the first `upto`).

    Raises `SaveError` if a saved order is illegal on replay (a hand-edited save).
    """
    deck = deck or save_deck(save)
    game = Game(deck, save.seed, save.turns)
    for turn in save.history[: upto if upto is not None else len(save.history)]:
        try:
            apply_turn(game, turn)
        except WargameError as exc:
            raise SaveError(f"turn {turn.turn} of the save cannot be replayed: {exc}") from None
    return game


def verify(save: SaveModel) -> Verification:
    """Re-resolve every turn and compare chance rolls and state hashes with the save."""
    deck = save_deck(save)
    game = Game(deck, save.seed, save.turns)
    for turn in save.history:
        try:
            rec = apply_turn(game, turn)
        except WargameError as exc:
            return Verification(False, turn.turn - 1, turn.turn, f"cannot be replayed: {exc}")
        saved_rolls = [(r.kind, r.key, r.success, round(r.roll, 12)) for r in turn.rolls]
        got_rolls = [(r.kind, r.key, r.success, round(r.roll, 12)) for r in rec.rolls]
        if saved_rolls != got_rolls:
            return Verification(False, turn.turn - 1, turn.turn, "chance outcomes differ from the save")
        if rec.state_hash != turn.state_hash:
            return Verification(False, turn.turn - 1, turn.turn, f"state hash {rec.state_hash} differs from the saved {turn.state_hash}")
    return Verification(True, len(save.history), None, f"all {len(save.history)} turns match")


def branch(save: SaveModel, turn: int, parent_path: str = "") -> tuple[SaveModel, Game]:
    """A new save that keeps the first `turn` turns of `save`: play diverges from there."""
    if not 0 <= turn <= len(save.history):
        raise SaveError(f"cannot branch at turn {turn}: the save has turns 0..{len(save.history)}")
    game = replay(save, upto=turn)
    child = save.model_copy(
        update={
            "save_id": uuid.uuid4().hex[:12],
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "parent": ParentModel(save_id=save.save_id, path=parent_path, turn=turn),
            "history": list(save.history[:turn]),
            "pending": {},
            "pending_injects": [],
            "pending_overrides": {},
        }
    )
    return update_save(child, game), game


def resume(save: SaveModel) -> Game:
    """The game a save holds, ready to continue: its turns replayed, and the current turn's
    confirmed orders, queued injects and dice overrides restored."""
    game = replay(save)
    if game.is_over:
        return game
    for actor, orders in save.pending.items():
        if actor in game.deck.actors:
            try:
                game.submit(actor, orders)
            except WargameError:
                pass  # a pending order that is no longer legal is simply dropped
    for inject in save.pending_injects:
        try:
            game.fire_inject(event=inject.event, text=inject.text, effects=inject.effects)
        except WargameError:
            pass
    for key, outcome in save.pending_overrides.items():
        try:
            game.override(key, outcome)
        except WargameError:
            pass
    return game


def default_save_path(save_dir: str | Path, deck_id: str, stamp: str | None = None) -> Path:
    stamp = stamp or dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(save_dir) / f"{deck_id}-{stamp}.json"


def latest_save(save_dir: str | Path) -> Path | None:
    """The most recently modified save in `save_dir`, if any."""
    d = Path(save_dir)
    if not d.is_dir():
        return None
    saves = [p for p in d.glob("*.json") if p.is_file() and not p.name.startswith(".")]
    return max(saves, key=lambda p: p.stat().st_mtime, default=None)
