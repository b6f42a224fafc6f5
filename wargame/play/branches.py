"""Branches of a saved game side by side: the family of saves in one folder (a branch names
its parent and the turn it split at) as a tree, and two games compared turn by turn from
their split.

A comparison is read off each game's `Debrief` for one viewer, so a seat is shown no more
of either game than its own replay of that game shows it: the same orders, tracks (None
where hidden), ending and scores. Nothing here decides secrecy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wargame.errors import SaveError, WargameError
from wargame.observe.labels import viewer_name
from wargame.observe.visibility import Viewer, as_viewer
from wargame.play.debrief import Debrief, FinalScores, TurnDebrief
from wargame.play.timeline import SavedGame
from wargame.saves.format import SaveModel
from wargame.saves.store import read_save

MAX_FAMILY_FILES = 500
"""Saves read from one folder when looking for a game's branches (a course folder holds a
few dozen; a folder of thousands is not read whole for a tree)."""


@dataclass(frozen=True)
class Branch:
    """One save of a family: where it is, and where it split from its parent."""

    save_id: str
    path: Path | None
    """None for a parent that is not in the folder (known only by the id its branches name)."""
    title: str
    parent_id: str | None
    split: int | None
    """The turns kept from the parent (play diverged from the next one); None: no parent."""
    played: int
    turns: int
    ending: str | None
    unit: str = "turn"

    def label(self) -> str:
        """One line for a tree: `korea-2022-a.json · 7 months, ended (war) · split after month 3`."""
        if self.path is None:
            return f"parent save {self.save_id} (not in this folder)"
        state = f"ended ({self.ending})" if self.ending else f"{self.played} of {self.turns} {self.unit}s played"
        split = f" · split after {self.unit} {self.split}" if self.split is not None else ""
        return f"{self.path.name} · {state}{split}"


@dataclass(frozen=True)
class BranchTree:
    """A save's family: its ancestors in the folder, their branches and theirs."""

    nodes: dict[str, Branch]
    children: dict[str, list[str]]
    root: str
    current: str

    def walk(self) -> list[tuple[int, Branch]]:
        """Every node, depth first from the root: (depth, node)."""
        out: list[tuple[int, Branch]] = []
        stack = [(0, self.root)]
        while stack:
            depth, node = stack.pop()
            out.append((depth, self.nodes[node]))
            stack.extend((depth + 1, c) for c in reversed(self.children.get(node, [])))
        return out


def _branch_of(save: SaveModel, path: Path | None) -> Branch:
    parent = save.parent
    return Branch(save.save_id, path, save.title, parent.save_id if parent else None, parent.turn if parent else None,
                  save.played, save.turns, save.ending, save.turn_name)


def family(path: str | Path, save: SaveModel | None = None) -> BranchTree:
    """The family of the save at `path` among the saves in its folder: every save whose
    chain of parents meets this one's. Files that are not saves are passed over (a
    report, an analysis beside a save), and so is a save that does not read."""
    here = Path(path)
    save = save or read_save(here)
    nodes: dict[str, Branch] = {save.save_id: _branch_of(save, here)}
    try:
        candidates = sorted(p for p in here.parent.glob("*.json") if p.is_file() and not p.name.startswith("."))
    except OSError:
        candidates = []
    for other in candidates[:MAX_FAMILY_FILES]:
        if other.resolve() == here.resolve() or other.name.endswith((".analysis.json", ".marks.json", ".whatif.json")):
            continue
        try:
            model = read_save(other)
        except SaveError:
            continue
        if model.deck_sha256 == save.deck_sha256 and model.seed == save.seed and model.save_id not in nodes:
            nodes[model.save_id] = _branch_of(model, other)

    def top(node: str) -> str:
        seen = {node}
        while (parent := nodes[node].parent_id) is not None and parent in nodes and parent not in seen:
            node = parent
            seen.add(node)
        return node

    def key(node: str) -> str:
        t = top(node)
        return nodes[t].parent_id or t  # branches of a parent not in the folder are siblings

    mine = key(save.save_id)
    kept = {n: b for n, b in nodes.items() if key(n) == mine}
    root = mine
    if root not in kept:  # the common parent is not here: a placeholder names it
        first = next(b for b in kept.values() if b.parent_id == root)
        kept[root] = Branch(root, None, "", None, None, first.split or 0, first.turns, None, first.unit)
    children: dict[str, list[str]] = {}
    for n, b in sorted(kept.items(), key=lambda kv: (kv[1].split or 0, str(kv[1].path))):
        if n != root and b.parent_id is not None and b.parent_id in kept:
            children.setdefault(b.parent_id, []).append(n)
    return BranchTree(kept, children, root, save.save_id)


def split_turn(a: SaveModel, b: SaveModel) -> int:
    """The turns two saves of one game share: where one names the other as its parent, the
    turn it split at; otherwise (siblings, or a branch of a branch) the turns they both
    recorded alike. Raises `WargameError` for two different games."""
    if a.deck_sha256 != b.deck_sha256 or a.seed != b.seed or a.dice != b.dice or a.turns != b.turns:
        raise WargameError("these saves are not branches of one game (their decks, seeds or lengths differ)")
    same = 0
    for ta, tb in zip(a.history, b.history, strict=False):
        if ta.model_dump(mode="json") != tb.model_dump(mode="json"):
            break
        same += 1
    recorded = [s.parent.turn for s, other in ((b, a), (a, b)) if s.parent is not None and s.parent.save_id == other.save_id]
    if a.parent is not None and b.parent is not None and a.parent.save_id == b.parent.save_id:
        recorded.append(min(a.parent.turn, b.parent.turn))
    return min([same, *recorded])


@dataclass(frozen=True)
class ComparedTurn:
    """One turn after the split in both games, each as the viewer may see it (None where
    that game had ended before it, or stops before it)."""

    turn: int
    label: str
    a: TurnDebrief | None
    b: TurnDebrief | None


@dataclass(frozen=True)
class TrackPair:
    """One track in both games, at the split and after each later turn (None where hidden
    from the viewer, or where that game has no such turn)."""

    name: str
    label: str
    lo: float
    hi: float
    a: tuple[float | None, ...]
    b: tuple[float | None, ...]

    @property
    def differs(self) -> bool:
        return self.a != self.b

    @property
    def hidden(self) -> bool:
        return all(v is None for v in self.a + self.b)


@dataclass(frozen=True)
class Side:
    """One game of a comparison: which save, and how it ended as the viewer may see it."""

    title: str
    path: Path | None
    played: int
    ending: str | None
    """The ending's title (public: every seat learns how the game ended)."""
    ending_text: str
    scores: FinalScores


@dataclass(frozen=True)
class Comparison:
    """Two games of one deck and seed, from the turn they split, for one viewer."""

    viewer: Viewer
    viewer_name: str
    unit: str
    split: int
    a: Side
    b: Side
    turns: list[ComparedTurn] = field(default_factory=list)
    tracks: list[TrackPair] = field(default_factory=list)
    actor_names: dict[str, str] = field(default_factory=dict)


def _side(saved: SavedGame, debrief: Debrief, viewer: Viewer) -> Side:
    end = debrief.end(viewer)
    ending = end.game.ending
    return Side(saved.save.title or saved.deck.title, saved.path, saved.turns_played, ending.title if ending else None,
                ending.text if ending else "", debrief.final_scores(viewer))


def compare(a: SavedGame, b: SavedGame, who: Viewer | str) -> Comparison:
    """Games `a` and `b` side by side from their split, as `who` may see each."""
    split = split_turn(a.save, b.save)
    da, db = Debrief(a), Debrief(b)
    deck = a.deck
    viewer = as_viewer(who, deck)
    out = Comparison(viewer, viewer_name(deck, viewer), deck.turn_name, split, _side(a, da, viewer), _side(b, db, viewer),
                     actor_names={x: deck.actor_name(x) for x in deck.actors})
    last = max(a.turns_played, b.turns_played)
    for turn in range(split + 1, last + 1):
        ta = da.turn(viewer, turn) if turn <= a.turns_played else None
        tb = db.turn(viewer, turn) if turn <= b.turns_played else None
        label = (ta or tb).title if (ta or tb) is not None else f"{deck.turn_name} {turn}"  # type: ignore[union-attr]
        out.turns.append(ComparedTurn(turn, label, ta, tb))
    for slot, name in enumerate(deck.slot_names):
        ha, hb = da.history(viewer, name), db.history(viewer, name)
        # From the split (the value both games shared) to the last turn of the longer game.
        pa = tuple(ha[split:]) + (None,) * (last + 1 - len(ha))
        pb = tuple(hb[split:]) + (None,) * (last + 1 - len(hb))
        owner = deck.slot_owner(slot)
        label = deck.slot_label(slot) if owner is None else f"{deck.actor_name(owner)}: {deck.track_label(slot)}"
        out.tracks.append(TrackPair(name, label, deck.lo[slot], deck.hi[slot], pa, pb))
    return out

