"""The inner layers (deck, engine, saves) import no UI library: no textual, no click.

Checked in a fresh interpreter, since the test process itself has click loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import importlib, json, pkgutil, sys
import wargame.deck, wargame.engine, wargame.observe, wargame.saves
names = []
for package in (wargame.deck, wargame.engine, wargame.observe, wargame.saves):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)
ui = sorted(m for m in sys.modules if m.split(".")[0] in {"textual", "click", "rich"})
json.dump({"imported": names, "ui": ui}, sys.stdout)
"""


def test_deck_engine_and_saves_import_no_ui_library() -> None:
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
