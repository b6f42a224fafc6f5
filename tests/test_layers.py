"""The layer rules of DESIGN.md as import contracts, checked on every module of `wargame/`.

Imports are read from the source (every `import` statement, also those inside functions and
under TYPE_CHECKING), so a lazy import cannot slip past. A rule today's code still breaks is
written anyway, with its known exceptions listed below: the check wants that list exactly,
so a new breach fails and so does an exception that has gone (the list can only shrink).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wargame"

LAYERS: list[set[str]] = [
    {"deck"},
    {"engine"},
    # The observation layer: who may know what, and the one Observation per viewer.
    {"observe"},
    {"saves", "bots"},
    {"play", "analysis", "report"},
    {"net", "tui", "cli", "__main__"},
]
"""Innermost first. A module may import its own layer and the ones inside it, never one outside."""
BASE = {"__init__", "errors", "text", "words", "files", "procs"}
"""Helpers under every layer (the error family, safe text, the game's words, atomic files,
worker processes that end with their parent): they import no layer at all."""
OPTIONAL: set[str] = set()
"""Layers that may have no package yet."""

UI_LIBRARIES = {"textual", "rich", "click", "aiohttp"}
"""Talking to a person or a socket: only the outermost layer (net, tui, cli) does."""
UI_LAYERS = LAYERS[-1]

KNOWN_EXCEPTIONS: dict[str, set[tuple[str, str]]] = {
    # Every rule, and the imports known to break it: none since the one-view redesign (the
    # TUI reads Observations through the client seam; nothing below the observation layer
    # imports it). A rule broken on purpose would be listed here, with why.
    "the TUI does not import the engine": set(),
    "layers": set(),
    "inner layers import no UI library": set(),
    "helpers import no layer": set(),
}


@dataclass(frozen=True)
class Import:
    """One module importing another (`imported` is a module of ours, or a library's top name)."""

    importer: str
    imported: str
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path) -> list[Import]:
    """Every import in every module under the package folder `root`, resolved to module names."""
    modules = {module_name(p, root) for p in root.rglob("*.py")}
    found: list[Import] = []
    for path in sorted(root.rglob("*.py")):
        name = module_name(path, root)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.extend(Import(name, alias.name, node.lineno) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    # `from wargame.engine import game` imports the module wargame.engine.game.
                    full = f"{base}.{alias.name}"
                    found.append(Import(name, full if full in modules else base, node.lineno))
    return found


def part(module: str) -> str:
    """The top-level part of the package a module of ours is in: `engine`, `cli`, `errors`."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def rank(module: str) -> int | None:
    """The layer a module of ours is in (0 innermost), None for the helpers."""
    top = part(module)
    for i, layer in enumerate(LAYERS):
        if top in layer:
            return i
    return None


def breaches(found: list[Import], package: str = "wargame") -> dict[str, set[tuple[str, str]]]:
    """Every import that breaks a rule, by rule: (importer, imported) pairs."""
    out: dict[str, set[tuple[str, str]]] = {rule: set() for rule in KNOWN_EXCEPTIONS}
    for imp in found:
        ours = imp.imported == package or imp.imported.startswith(package + ".")
        if not ours:
            if imp.imported.split(".")[0] in UI_LIBRARIES and part(imp.importer) not in UI_LAYERS:
                out["inner layers import no UI library"].add((imp.importer, imp.imported.split(".")[0]))
            continue
        pair = (imp.importer, imp.imported)
        here, there = rank(imp.importer), rank(imp.imported)
        if here is None and there is not None:
            out["helpers import no layer"].add(pair)
        elif here is not None and there is not None and there > here:
            out["layers"].add(pair)
        if part(imp.importer) == "tui" and part(imp.imported) == "engine":
            out["the TUI does not import the engine"].add(pair)
    return out


def circles(found: list[Import], package: str = "wargame") -> list[tuple[str, ...]]:
    """Every circle of our modules importing each other (each import counts, also one inside
    a function: hidden there, a circle is still one), as the sorted modules of each set in
    which every module imports every other through the rest (Tarjan's strongly connected
    components); a module importing itself is a circle of one."""
    graph: dict[str, set[str]] = {}
    for imp in found:
        if imp.imported == package or imp.imported.startswith(package + "."):
            graph.setdefault(imp.importer, set()).add(imp.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[tuple[str, ...]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph.get(module, ())):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            members = []
            while not members or members[-1] != module:
                members.append(stack.pop())
            if len(members) > 1 or module in graph.get(module, ()):
                out.append(tuple(sorted(members)))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(out)


@pytest.fixture(scope="module")
def found() -> list[Import]:
    return imports_of(PACKAGE)


def test_every_part_of_the_package_is_in_a_layer(found: list[Import]) -> None:
    parts = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir() if (p.suffix == ".py" or (p / "__init__.py").exists())}
    placed = set().union(*LAYERS) | BASE
    assert parts - placed == set(), "place each new package or module in LAYERS (or BASE) in this test"
    # Every layer named is real.
    assert placed - parts - OPTIONAL == set()


@pytest.mark.parametrize("rule", sorted(KNOWN_EXCEPTIONS))
def test_imports_keep_the_layer_rules(found: list[Import], rule: str) -> None:
    actual = breaches(found)[rule]
    known = KNOWN_EXCEPTIONS[rule]
    lines = {(i.importer, i.imported): i.line for i in found}
    new = sorted(actual - known)
    assert not new, f"{rule}: " + "; ".join(f"{a} (line {lines.get((a, b), '?')}) imports {b}" for a, b in new)
    gone = sorted(known - actual)
    assert not gone, f"{rule}: no longer true, remove from KNOWN_EXCEPTIONS: {gone}"


def test_the_check_sees_each_kind_of_breach(tmp_path: Path) -> None:
    """A made-up package with one breach of each rule, imported in each way we write imports."""
    pkg = tmp_path / "wargame"
    files = {
        "__init__.py": "",
        "errors.py": "from wargame.engine import state\n",
        "deck/__init__.py": "def f():\n    from ..tui import app\n",
        "engine/__init__.py": "",
        "engine/state.py": "import click\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from wargame.observe import seat\n",
        "observe/__init__.py": "",
        "observe/seat.py": "def f():\n    from wargame.engine.state import X\n",
        "tui/__init__.py": "",
        "tui/app.py": "from wargame.engine.state import X\nimport textual\n",
    }
    for rel, text in files.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    got = breaches(imports_of(pkg))
    assert got["layers"] == {("wargame.deck", "wargame.tui.app"), ("wargame.engine.state", "wargame.observe.seat")}
    assert got["helpers import no layer"] == {("wargame.errors", "wargame.engine.state")}
    assert got["inner layers import no UI library"] == {("wargame.engine.state", "click")}
    assert got["the TUI does not import the engine"] == {("wargame.tui.app", "wargame.engine.state")}
    # engine.state imports observe.seat (for its types), which imports it back in a function.
    assert circles(imports_of(pkg)) == [("wargame.engine.state", "wargame.observe.seat")]


def test_no_modules_import_each_other_in_a_circle(found: list[Import]) -> None:
    """An interface never imports what implements it, nor a screen the screens it opens: the
    outer module fills a registry or does the opening (the store's `opener`, the app's
    messages and team actions). Each import counts, also one put inside a function."""
    found_circles = circles(found)
    edges = {f"{i.importer} (line {i.line}) imports {i.imported}" for i in found if any(i.importer in c and i.imported in c for c in found_circles)}
    assert found_circles == [], "; ".join(sorted(edges))


# What really loads: a library could pull in a UI library that no import of ours names.
PROBE = """
import importlib, json, pkgutil, sys
import wargame.deck, wargame.engine, wargame.observe, wargame.saves
names = []
for package in (wargame.deck, wargame.engine, wargame.observe, wargame.saves):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)
ui = sorted(m for m in sys.modules if m.split(".")[0] in {"textual", "click", "rich", "aiohttp"})
json.dump({"imported": names, "ui": ui}, sys.stdout)
"""


def test_deck_engine_observe_and_saves_load_no_ui_library() -> None:
    """Checked in a fresh interpreter, since the test process itself has click loaded."""
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["ui"] == []
    # The probe really walked the layers (a broken walk would pass vacuously).
    for module in ["wargame.deck.loader", "wargame.deck.expr", "wargame.engine.game", "wargame.observe.view", "wargame.saves.store"]:
        assert module in result["imported"]


def test_the_probe_would_notice_a_ui_import() -> None:
    leaky = PROBE.replace("import wargame.deck,", "import click, wargame.deck,")
    out = subprocess.run([sys.executable, "-c", leaky], capture_output=True, text=True, check=True)
    assert "click" in json.loads(out.stdout)["ui"]
