"""Report and analysis files are written as saves are: a new one gets the umask's mode (a
shared course folder can open it), a rewritten one keeps its own, and nothing is left
behind. A report of 0600 beside a save of 0644 did not open for the class."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from report_helpers import seeded_save

from wargame.analysis.cache import sidecar_path, store_entry
from wargame.deck.compile import CompiledDeck
from wargame.report.export import export_report
from wargame.saves.store import write_save


def umask_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def test_reports_and_analyses_get_the_mode_a_save_gets(tutorial: CompiledDeck, tmp_path: Path) -> None:
    save = write_save(seeded_save(tutorial), tmp_path / "game.json")
    report = export_report(save, tmp_path / "game.html")
    store_entry(save, "whatifs", {"k": 1}, {"v": 1})
    for path in (save, report, sidecar_path(save)):
        assert stat.S_IMODE(path.stat().st_mode) == umask_mode(), path.name
    # Rewritten, each keeps the mode its owner gave it.
    os.chmod(report, 0o640)
    os.chmod(sidecar_path(save), 0o604)
    export_report(save, report, force=True)
    store_entry(save, "whatifs", {"k": 2}, {"v": 2})
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert stat.S_IMODE(sidecar_path(save).stat().st_mode) == 0o604
    assert sorted(p.name for p in tmp_path.iterdir()) == ["game.analysis.json", "game.html", "game.json"]
