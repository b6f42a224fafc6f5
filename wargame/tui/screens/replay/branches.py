"""The replay viewer's branches: the save's family as a tree (t), and two games side by side
from their split (c on a branch of the tree).

The tree lists the saves in the save's folder whose parents lead to this one's (its parent,
its siblings, its branches and theirs), each with where it split; Enter opens one in the
viewer. The comparison renders a `branches.Comparison` built for the viewer's perspective:
each seat's orders in both games, each track of both games on one chart, both endings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static, Tree
from textual.widgets.tree import TreeNode

from wargame.observe.labels import format_value
from wargame.play.branches import Branch, BranchTree, Comparison, TrackPair
from wargame.report.compare import seat_orders, side_name, turn_lines
from wargame.text import safe_text
from wargame.tui.render import DISABLED, MUTED, WARN, heading

Part = str | tuple[str, str]

A_STYLE = "bold $primary"
B_STYLE = f"bold {WARN}"


class BranchesScreen(ModalScreen[tuple[str, Path] | None]):
    """The save's family as a tree: Enter opens the game picked, c compares it with this
    one; dismisses `("open", path)`, `("compare", path)` or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,t", "cancel", "Close"),
        Binding("c", "compare", "Compare with this game"),
    ]

    def __init__(self, tree: BranchTree) -> None:
        super().__init__()
        self.family = tree

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="branches-box"):
            yield Static(Content.styled("This game and its branches", "bold"), classes="dialog-title")
            nodes = self.family.walk()
            root = nodes[0][1]
            tree: Tree[Branch] = Tree(self._label(root), data=root, id="branch-tree")
            tree.show_root = True
            parents = {root.save_id: tree.root}
            for _depth, node in nodes[1:]:
                parent = parents[node.parent_id or root.save_id]
                parents[node.save_id] = parent.add(self._label(node), data=node, expand=True)
            tree.root.expand_all()
            yield tree
            alone = len(nodes) == 1
            hint = ("No branch of this game is in its folder: `wargame branch`, or b here, makes one." if alone
                    else "Enter opens the game picked  ·  c compares it with this one  ·  Esc back")
            yield Static(Content.styled(hint, MUTED), id="branches-hint")

    def _label(self, node: Branch) -> Text:
        # A Text, never a str: the tree reads a str as markup, and file names are anyone's.
        here = "● this game: " if node.save_id == self.family.current else ""
        return Text(safe_text(here + node.label(), 200, one_line=True))

    def on_mount(self) -> None:
        tree = self.query_one("#branch-tree", Tree)
        tree.focus()
        line = next((n.line for n in _nodes(tree) if n.data is not None and n.data.save_id == self.family.current), 0)
        tree.move_cursor_to_line(max(0, line))

    def picked(self) -> Branch | None:
        node = self.query_one("#branch-tree", Tree).cursor_node
        return node.data if node is not None else None

    @on(Tree.NodeSelected)
    def selected(self, event: Tree.NodeSelected[Branch]) -> None:
        event.stop()
        node = event.node.data
        if node is None or node.path is None:
            self.notify("That save is not in this folder.", markup=False)
        elif node.save_id == self.family.current:
            self.dismiss(None)
        else:
            self.dismiss(("open", node.path))

    def action_compare(self) -> None:
        node = self.picked()
        if node is None or node.path is None:
            self.notify("Pick a save in this folder to compare with.", markup=False)
        elif node.save_id == self.family.current:
            self.notify("Pick another game of the tree: this is the one open.", markup=False)
        else:
            self.dismiss(("compare", node.path))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _nodes(tree: Tree[Branch]) -> list[TreeNode[Branch]]:
    out: list[TreeNode[Branch]] = []
    stack = [tree.root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out


def pair_chart(pair: TrackPair, first: int, width: int, height: int = 6) -> Content:
    """A track of both games on one chart: a column a turn from the split (`first`), A's
    value ●, B's ◆, both ◉ where they are equal; ? where hidden or not played."""
    span = pair.hi - pair.lo or 1
    label_w = max(len(format_value(pair.hi)), len(format_value(pair.lo)))
    cell = 3
    cols = list(zip(pair.a, pair.b, strict=True))[: max(1, (width - label_w - 2) // cell)]

    def level(v: float | None) -> int | None:
        return None if v is None else round((v - pair.lo) / span * (height - 1))

    rows: list[Content] = []
    for row in range(height):
        at = height - 1 - row
        parts: list[Part] = [((format_value(pair.hi) if row == 0 else format_value(pair.lo) if row == height - 1 else "").rjust(label_w) + " ┤", MUTED)]
        for a, b in cols:
            la, lb = level(a), level(b)
            if la == at and lb == at:
                parts.append(("◉".ljust(cell), "bold"))
            elif la == at:
                parts.append(("●".ljust(cell), A_STYLE))
            elif lb == at:
                parts.append(("◆".ljust(cell), B_STYLE))
            elif row == height - 1 and (a is None or b is None):
                parts.append(("?".ljust(cell), DISABLED))
            else:
                parts.append((" " * cell, ""))
        rows.append(Content.assemble(*parts))
    rows.append(Content.styled(" " * label_w + " └" + "─" * (cell * len(cols)), MUTED))
    rows.append(Content.styled(" " * (label_w + 2) + "".join(str(first + i).ljust(cell)[:cell] for i in range(len(cols))), MUTED))
    return Content("\n").join(rows)


def comparison_content(c: Comparison, width: int) -> Content:
    """The comparison as the viewer's screen shows it."""
    a, b = side_name(c.a, "A"), side_name(c.b, "B")
    unit = c.unit
    name_w = min(24, max(len(n) for n in c.actor_names.values()) + 2)
    col = max(16, (width - name_w - 3) // 2)
    out: list[Content] = [
        Content.assemble(("Seeing: ", MUTED), (c.viewer_name, "bold"), ("   ·   ", MUTED), (a, A_STYLE), ("  vs  ", MUTED), (b, B_STYLE)),
        Content.styled(f"They share {unit}s 1–{c.split}; play split from {unit} {c.split + 1}." if c.split else f"They differ from {unit} 1.", MUTED),
        Content(""),
    ]
    for t in c.turns:
        out.append(heading(t.label))
        oa = {row.actor: row for row in t.a.orders} if t.a else {}
        ob = {row.actor: row for row in t.b.orders} if t.b else {}
        for actor, name in c.actor_names.items():
            left = seat_orders(oa.get(actor)) if t.a else "—"
            right = seat_orders(ob.get(actor)) if t.b else "—"
            differ = left != right
            out.append(Content.assemble((name[: name_w - 1].ljust(name_w), "bold"), (_fit(left, col), A_STYLE if differ else ""),
                                        (" │ ", MUTED), (_fit(right, col), B_STYLE if differ else "")))
        ea, ena = turn_lines(t.a, c, c.a)
        eb, enb = turn_lines(t.b, c, c.b)
        for what, x, y in (("events", ea, eb), ("ending", ena, enb)):
            if x or y:
                out.append(Content.assemble((what.ljust(name_w), MUTED), _fit(x or "—", col), (" │ ", MUTED), _fit(y or "—", col)))
        out.append(Content(""))
    shown = [p for p in c.tracks if not p.hidden]
    if shown:
        out.append(heading(f"Tracks from the split ({a} ●, {b} ◆, the same ◉)"))
        for p in shown:
            if p.differs:
                out.append(Content.styled(p.label, "bold"))
                out.append(pair_chart(p, c.split, width))
        same = [p.label for p in shown if not p.differs]
        if same:
            out.append(Content.styled("The same in both games: " + ", ".join(same), MUTED))
        out.append(Content(""))
    out.append(heading("Endings"))
    for letter, side, style in (("A", c.a, A_STYLE), ("B", c.b, B_STYLE)):
        end = f"{side.ending} after {side.played} {unit}s" if side.ending else f"not over: {side.played} {unit}s played"
        out.append(Content.assemble((f"{letter}: ", style), (end, "bold"), (f"  {side.ending_text}" if side.ending_text else "", "")))
        for s in side.scores.scores:
            out.append(Content(f"   {c.actor_names.get(s.actor, s.actor)}: {format_value(s.total)} of {format_value(s.most)} points"))
        for o in side.scores.own:
            out.append(Content(f"   {'met' if o.met else 'not met'}: {o.text}"))
        if side.scores.note:
            out.append(Content.styled(f"   {side.scores.note}", MUTED))
    return Content("\n").join(out)


def _fit(text: str, width: int) -> str:
    """Text in a column: cut with … when longer (the full orders are in `wargame compare`)."""
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


class CompareScreen(Screen[None]):
    """Two games side by side from their split, for the viewer's perspective."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "leave", "Back to the viewer")]

    DEFAULT_CSS = """
    CompareScreen #compare-scroll { height: 1fr; padding: 0 2; }
    CompareScreen .banner { background: $error 30%; padding: 0 1; }
    """

    def __init__(self, comparison: Comparison, warnings: Sequence[str] = ()) -> None:
        super().__init__()
        self.comparison = comparison
        self.warnings = tuple(warnings)

    def compose(self) -> ComposeResult:
        for w in self.warnings:
            yield Static(Content.assemble(("⚠ ", "bold"), w), classes="banner")
        yield VerticalScroll(Static(id="compare-text", markup=False), id="compare-scroll")
        yield Footer()

    def on_mount(self) -> None:
        self.draw()
        self.query_one("#compare-scroll").focus()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        width = max(60, self.size.width - 6)
        self.query_one("#compare-text", Static).update(comparison_content(self.comparison, width))

    def action_leave(self) -> None:
        self.dismiss(None)

