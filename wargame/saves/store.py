"""Writing saves atomically, reading them with clear errors, replaying and branching them.

A save is only ever replaced whole: the new text goes to a temporary file in the same
folder, is fsynced, then renamed over the old one, so a crash mid-write leaves the
previous save intact. Temporary names are short and carry the writer's pid, so a legal
255-byte save name works and the next writer can clean up after a killed one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import stat
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from wargame import ENGINE_VERSION
from wargame.deck.compile import CompiledDeck
from wargame.deck.loader import load_deck_text
from wargame.engine.game import Game
from wargame.engine.model import state_model
from wargame.engine.state import Inject, TurnRecord
from wargame.errors import DeckError, SaveError, UnreplayableSave, WargameError
from wargame.files import FileProblem, read_regular_file, write_atomic
from wargame.observe.talk import DEFAULT_TEAM_CAP, Message, Talk, Team, TeamNote
from wargame.saves import safejson
from wargame.saves.format import (
    FORMAT,
    FORMAT_VERSION,
    InjectModel,
    MessageModel,
    NewsModel,
    ParentModel,
    RollModel,
    SaveModel,
    SeatChangeModel,
    TeamModel,
    TeamNoteModel,
    TurnModel,
    seats_at,
)
from wargame.saves.migrate import migrate
from wargame.text import cut

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
        turn_name=deck.turn_name,
        deck_sha256=deck.sha256,
        deck_source=deck.source,
        seed=game.seed,
        dice=game.dice,
        starts=dict(game.starts),
        turns=game.turns,
        played=0,
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


def talk_of(save: SaveModel) -> Talk:
    """What was said in a saved game (nothing, for a save written before talk)."""
    messages = [Message(m.id, m.turn, m.at, m.channel, m.sender, m.sender_name, tuple(m.to), m.text, m.public, m.third_party, m.member)
                for m in save.messages]
    teams = {
        seat: Team(list(t.members), t.sealer, [TeamNote(n.id, n.turn, n.at, n.member, n.kind, n.proposal, tuple(n.orders), n.text,
                                                        tuple(n.agreed), tuple(n.objected)) for n in t.notes])
        for seat, t in save.teams.items()
    }
    return Talk(messages, set(save.muted), teams, save.team_cap or DEFAULT_TEAM_CAP, dict(save.team_caps))


def with_talk(save: SaveModel, talk: Talk) -> SaveModel:
    """The same save holding `talk` (beside the game: no hash reads it)."""
    messages = [MessageModel(id=m.id, turn=m.turn, at=m.at, channel=m.channel, sender=m.sender, sender_name=m.sender_name,
                             to=list(m.to), text=m.text, public=m.public, third_party=m.third_party, member=m.member)
                for m in talk.messages]
    teams = {
        seat: TeamModel(members=list(t.members), sealer=t.sealer, notes=[
            TeamNoteModel(id=n.id, turn=n.turn, at=n.at, member=n.member, kind=n.kind, proposal=n.proposal, orders=list(n.orders),
                          text=n.text, agreed=list(n.agreed), objected=list(n.objected)) for n in t.notes])
        for seat, t in talk.teams.items() if t.members
    }
    cap = talk.team_cap if talk.team_cap != DEFAULT_TEAM_CAP else None
    return save.model_copy(update={"messages": messages, "muted": sorted(talk.muted), "teams": teams, "team_cap": cap,
                                   "team_caps": dict(sorted(talk.seat_caps.items()))})


def with_seats(save: SaveModel, seats: Mapping[str, str], turn: int | None = None) -> SaveModel:
    """The same save with `seats`, each seat that changes hands recorded in `seat_changes`
    from `turn` (default: the turn in play, the one after the last recorded), so `verify`
    knows who played every turn."""
    turn = turn if turn is not None else len(save.history) + 1
    changes = list(save.seat_changes)
    for seat, spec in seats.items():
        before = save.seats.get(seat)
        if before is not None and before != spec:
            changes.append(SeatChangeModel(turn=turn, seat=seat, before=before, after=spec))
    if not changes and dict(seats) == save.seats:
        return save
    return save.model_copy(update={"seats": dict(seats), "seat_changes": changes})


def update_save(save: SaveModel, game: Game) -> SaveModel:
    """The same save with `game`'s turns, pending orders and final state."""
    have = len(save.history)
    history = list(save.history[: min(have, len(game.records))])
    for rec in game.records[len(history):]:
        history.append(turn_model(rec))
    return save.model_copy(
        update={
            "history": history,
            "played": len(history),
            "pending": {a: list(o) for a, o in game.orders.items()},
            "pending_reasons": {a: list(r) for a, r in game.reasons.items() if r and a in game.orders},
            "opening_injects": [InjectModel(event=i.event, text=i.text, effects=list(i.effects)) for i in game.opening_injects],
            "pending_injects": [InjectModel(event=i.event, text=i.text, effects=list(i.effects)) for i in game.injects],
            "pending_overrides": dict(game.overrides),
            "final_state": state_model(game.deck, game.state),
            "ending": game.ending.id if game.ending else None,
        }
    )


TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"^\.(\d+)-[0-9a-f]{8}\.tmp$")
"""A temporary save of this version: `.PID-RANDOM.tmp` (short, whatever the save's name)."""
_OLD_TEMP_NAME = re.compile(r"^\..+\.json\.[A-Za-z0-9_]{8}\.tmp$")
"""A temporary save of format-1 wargame (`.NAME.json.XXXXXXXX.tmp`, no pid)."""
STALE_TEMP_SECONDS = 60.0
"""A temporary file of a dead writer is removed once it is this old (a writer on another
machine sharing the folder has a pid we cannot check, and writes in well under a minute)."""
ORPHAN_TEMP_SECONDS = 3600.0
"""Any temporary save this old is removed, even if its pid is alive (pids are reused)."""


def write_save(save: SaveModel, path: str | Path) -> Path:
    """Write `save` to `path` atomically (temp file, fsync, rename); creates the folder.

    A save being rewritten keeps its file mode; a new one gets the umask's. Temporary
    files that killed writers left in the folder are removed on the way.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        data = save.model_dump_json(indent=1).encode("utf-8")
        clean_temp_files(target.parent)
        tmp = target.parent / f".{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"
        write_atomic(target, data, tmp)
    except OSError as exc:
        raise SaveError(f"{target}: cannot write the save: {exc.strerror or exc}") from None
    return target


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, but another user's
    except OSError:
        return False
    return True


def clean_temp_files(folder: str | Path, now: float | None = None) -> list[Path]:
    """Remove temporary saves that killed writers left in `folder`; returns what went.

    A temporary file is removed only when its writer is surely gone: its pid is dead and
    it is over a minute old, or it is over an hour old whatever its pid. A concurrent
    writer's temporary file is never touched.
    """
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or not name.endswith(TEMP_SUFFIX):
            continue
        match = _TEMP_NAME.match(name)
        if match is None and _OLD_TEMP_NAME.match(name) is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        age = now - info.st_mtime
        dead = match is not None and not _pid_alive(int(match.group(1)))
        if age > ORPHAN_TEMP_SECONDS or (dead and age > STALE_TEMP_SECONDS):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed


def read_save(path: str | Path) -> SaveModel:
    """Read and validate a save; raises `SaveError` with a clear message for any bad file."""
    return read_save_bytes(path)[0]


def read_save_bytes(path: str | Path) -> tuple[SaveModel, bytes]:
    """`read_save`, and the file's bytes as read (a copy of the save is these bytes)."""
    p = Path(path)
    try:
        # Never blocks on a FIFO, never reads past the limit (/dev/zero never ends).
        raw = read_regular_file(p, MAX_SAVE_BYTES, "save")
    except FileProblem as exc:
        message = str(exc)
        raise SaveError(f"{p}: {'no such save file' if message == 'no such file' else message}") from None
    return parse_save(raw, str(p)), raw


def parse_save(raw: bytes, name: str = "<save>") -> SaveModel:
    """Parse, migrate (from an older format version) and validate a save's bytes."""
    if not raw.strip():
        raise SaveError(f"{name}: the file is empty (not a save)")
    try:
        data = safejson.loads(raw.decode("utf-8"))
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
    except safejson.UnsafeJSON as exc:
        raise SaveError(f"{name}: not a save: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SaveError(f"{name}: not a wargame save (no \"format\": \"{FORMAT}\")")
    written = data.get("format_version")
    data = dict(migrate(_named(data, name)))
    seal = data.pop("seal", None)  # the file's seal: checked below, against what was read
    try:
        save = SaveModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)
        lines = []
        for err in first[:5]:
            where = cut(".".join(str(p) for p in err["loc"]) or "save", 120)
            lines.append(f"{name}: {where}: {cut(err['msg'].removeprefix('Value error, '), 300)}")
        more = f"\n{name}: ... and {len(first) - 5} more problems" if len(first) > 5 else ""
        raise SaveError("\n".join(lines) + more) from None
    if isinstance(written, int) and written >= 3:  # older formats had no seal to check
        save.check_seal(seal)
    if isinstance(written, int):
        save.read_as(written)
    return save


def _named(data: dict[str, object], name: str) -> dict[str, object]:
    """Check the version before migrating, so a message names the file."""
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise SaveError(
            f"{name}: this save is format version {version}, newer than this wargame reads "
            f"(up to {FORMAT_VERSION}); upgrade wargame to open it"
        )
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SaveError(f"{name}: format_version: unknown save format version {cut(version, 40)}")
    return data


def save_deck(save: SaveModel) -> CompiledDeck:
    """The deck as it was when the game was played (from the copy inside the save)."""
    try:
        return load_deck_text(save.deck_source, f"{save.deck_path} (copy in save)")
    except DeckError as exc:
        raise SaveError(f"the deck inside the save does not load:\n{exc}") from None


@dataclass(frozen=True)
class Verification:
    """What `verify` found: all well, or the first turn and field that differ."""

    ok: bool
    turns_checked: int
    """Turns that replayed and matched before the first difference."""
    first_bad_turn: int | None
    """The first turn that differs (None when `ok`, or when only the `seal` fails; `played
    + 1` for a difference in the save's ending or final state that no recorded turn explains)."""
    detail: str
    """One line: what matched, or the first turn and field that differ and how."""
    field: str | None = None
    """The first field that differs, e.g. `rolls[1].chance`, `news[0].text`, `ending`,
    `final_state.tracks.tension`, `seal` (the facilitator's PIN was edited), `reasons.dprk[0]`
    or `orders.dprk` (not what its computer gives), `seats`, `seat_changes` or `teams.dprk`
    (the record of who played); None when `ok`."""
    unchecked: tuple[str, ...] = ()
    """What was not checked, and why, a line each: a program's reasons (a program is never
    run from a save), the computers of a save written in an older format."""

    WARNING = "This save does not verify"
    """How every warning about a save that fails verify begins (screen, report, command line)."""

    def problem(self, unit: str = "turn") -> str | None:
        """What a reader of anything built from this save must be told, after `WARNING`
        and a colon (None when it verifies); `unit` is the deck's name for a turn. The
        replay viewer's banner and the report say the same."""
        if self.ok:
            return None
        if self.first_bad_turn is None and self.field != "seal":
            return f"{self.detail}. The game replays as recorded, but the record of who played it was changed by hand."
        if self.first_bad_turn is None:
            return f"{self.detail}. The game replays as recorded, but who may see what was changed by hand."
        n = self.first_bad_turn
        return (
            f"{unit} {n} differs ({self.detail}). What follows is what the engine replays from the "
            f"recorded orders; from {unit} {n} on it is not what the save records."
        )


def apply_turn(game: Game, turn: TurnModel) -> TurnRecord:
    """Re-resolve one saved turn on `game` (orders, injects, overrides as recorded)."""
    unknown = sorted(set(turn.orders) - set(game.deck.actors))
    if unknown:
        raise SaveError(f"orders for unknown actor(s) {cut(', '.join(unknown), 120)}")
    for actor in game.deck.actors:
        game.submit(actor, turn.orders.get(actor, []), turn.reasons.get(actor, []))
    for inject in turn.injects:
        game.fire_inject(event=inject.event, text=inject.text, effects=inject.effects)
    for key, outcome in turn.overrides.items():
        game.override(key, outcome)
    return game.resolve()


def new_game(save: SaveModel, deck: CompiledDeck | None = None) -> Game:
    """A fresh game of the save's deck, seed, length and dice (before any turn)."""
    injects = [Inject(event=i.event, text=i.text, effects=tuple(i.effects)) for i in save.opening_injects]
    try:
        return Game(deck or save_deck(save), save.seed, save.turns, dice=save.dice, starts=save.starts, opening_injects=injects)
    except SaveError:
        raise
    except WargameError as exc:  # a hand-edited save: the live game checked them as they were fired
        raise UnreplayableSave(f"an inject before the first orders cannot be replayed: {exc}") from None


def replay(save: SaveModel, upto: int | None = None, deck: CompiledDeck | None = None) -> Game:
    """Rebuild the game from the save by re-resolving its turns (all, or the first `upto`).

    Raises `SaveError` if a saved order is illegal on replay (a hand-edited save).
    """
    game = new_game(save, deck)
    for turn in save.history[: upto if upto is not None else len(save.history)]:
        try:
            apply_turn(game, turn)
        except WargameError as exc:
            raise UnreplayableSave(f"turn {turn.turn} of the save cannot be replayed: {exc}") from None
    return game


def _first_difference(saved: object, got: object, where: str) -> tuple[str, str] | None:
    """The first place two JSON-like values differ: (path, "X in the save, Y on replay")."""
    if isinstance(saved, dict) and isinstance(got, dict):
        for key in list(saved) + [k for k in got if k not in saved]:
            if key not in got:
                return f"{where}.{key}".lstrip("."), f"{_show(saved[key])} in the save, absent on replay"
            if key not in saved:
                return f"{where}.{key}".lstrip("."), f"absent in the save, {_show(got[key])} on replay"
            found = _first_difference(saved[key], got[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(saved, list) and isinstance(got, list):
        for i, (a, b) in enumerate(zip(saved, got, strict=False)):
            found = _first_difference(a, b, f"{where}[{i}]")
            if found:
                return found
        if len(saved) != len(got):
            return where.lstrip("."), f"{len(saved)} entries in the save, {len(got)} on replay"
        return None
    if saved != got:
        return where.lstrip("."), f"{_show(saved)} in the save, {_show(got)} on replay"
    return None


def _show(value: object) -> str:
    return cut(json.dumps(value, ensure_ascii=False), 60)


def verify(save: SaveModel) -> Verification:
    """Re-resolve every turn and compare everything the save records with the replay.

    Checks every field of every turn record (orders, reasons, injects, overrides, each
    roll's kind, key, actor, chance, number, outcome and forced flag, the news, the
    events fired, the ending, the state hash), that no turn is missing (a save that
    records an ending has every turn up to it), the final state and ending, and the seal
    of the facilitator's PIN (`SaveModel.check_seal`, for a save read from a file). It
    also checks who played (`seating`): the record of seats, changes of hands and teams,
    and that each computer seat's orders and reasons are those its computer gives on
    replay. A program is never run: what could not be checked is in `unchecked`.
    """
    from wargame.saves.seating import Computers, record_problem

    try:
        deck = save_deck(save)
    except SaveError as exc:
        return Verification(False, 0, 1, f"the deck inside the save does not load: {cut(exc, 200)}", "deck_source")
    try:
        game = new_game(save, deck)
    except SaveError as exc:
        return Verification(False, 0, 1, cut(exc, 200), "opening_injects")
    found_seats = record_problem(save, game.deck)
    if found_seats is not None:
        at = found_seats.turn if found_seats.turn is not None and 1 <= found_seats.turn <= len(save.history) else None
        return Verification(False, (at or 1) - 1, at, found_seats.detail, found_seats.field)
    older = len(save.history) if save.migrated_from is not None else min(save.older_turns, len(save.history))
    computers = Computers(save, game.deck)
    unchecked: tuple[str, ...] = ()
    if older:
        source = f"the save was written in format {save.migrated_from}" if save.migrated_from is not None else "its parent was written in an older format"
        unit = game.deck.turn_name
        unchecked = (f"computers' reasons of {unit}s 1-{older}: not checked ({source}, by an older wargame whose computers drew and worded differently)",)

    def failed(done: int, bad: int | None, detail: str, where: str) -> Verification:
        return Verification(False, done, bad, detail, where, unchecked + tuple(computers.unchecked.values()))

    for turn in save.history:
        if game.is_over:
            return failed(turn.turn - 1, turn.turn, f"turn {turn.turn}: the game ended at turn {turn.turn - 1}; this turn should not exist", "turn")
        try:
            finding = computers.check(game, turn) if turn.turn > older else None
        except WargameError as exc:
            return failed(turn.turn - 1, turn.turn, f"turn {turn.turn}: cannot be replayed: {cut(exc, 200)}", "orders")
        if finding is not None:
            return failed(turn.turn - 1, turn.turn, finding.detail, finding.field)
        try:
            rec = apply_turn(game, turn)
        except WargameError as exc:
            return failed(turn.turn - 1, turn.turn, f"turn {turn.turn}: cannot be replayed: {cut(exc, 200)}", "orders")
        found = _first_difference(turn.model_dump(mode="json"), turn_model(rec).model_dump(mode="json"), "")
        if found:
            where, how = found
            return failed(turn.turn - 1, turn.turn, f"turn {turn.turn}: {where} differs: {how}", where)
    played = len(save.history)
    after = played + 1
    ending = game.ending.id if game.ending else None
    if save.ending != ending:
        if save.ending is not None and ending is None:
            detail = f"the save records the ending {_show(save.ending)} but its {played} turns end in none: turns are missing"
        else:
            detail = f"the save records the ending {_show(save.ending)}, the replay gives {_show(ending)}"
        return failed(played, after, detail, "ending")
    if save.final_state is not None:
        found = _first_difference(save.final_state.model_dump(mode="json"), state_model(game.deck, game.state).model_dump(mode="json"), "final_state")
        if found:
            where, how = found
            return failed(played, after, f"{where} differs: {how}", where)
    if save.seal_problem is not None:  # the game replays as recorded; who may see it was edited
        return failed(played, None, save.seal_problem, "seal")
    return Verification(True, played, None, f"all {played} turns match", None, unchecked + tuple(computers.unchecked.values()))


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
            # Seated as when the next turn began in the parent (later changes of hands are its own).
            "seats": seats_at(save, turn + 1),
            "seat_changes": [c for c in save.seat_changes if c.turn <= turn],
            "older_turns": turn if save.migrated_from is not None else min(save.older_turns, turn),
            "history": list(save.history[:turn]),
            "pending": {},
            "pending_reasons": {},
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
                game.submit(actor, orders, save.pending_reasons.get(actor, ()))
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
