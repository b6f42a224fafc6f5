"""Two analyses kept beside one save at once (the replay viewer works out the odds while
the choices are marked): each one's entry is kept, neither writes over the other."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from wargame.analysis.cache import KINDS, read_sidecar, store_entry


def test_writers_in_two_threads_keep_both_entries(tmp_path: Path) -> None:
    save = tmp_path / "game.json"
    rounds = 12
    for n in range(rounds):
        start = threading.Barrier(len(KINDS))

        def write(kind: str, n: int = n, start: threading.Barrier = start) -> None:
            start.wait()
            store_entry(save, kind, {"round": n}, {"kind": kind, "padding": "x" * 20_000})

        threads = [threading.Thread(target=write, args=(kind,)) for kind in KINDS]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        data = read_sidecar(save)
        for kind in KINDS:
            assert [e["key"]["round"] for e in data[kind]][-1] == n, (kind, n)


_WRITER = """
import sys
from pathlib import Path
from wargame.analysis.cache import store_entry
save, kind, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
go.touch()
while len(list(go.parent.glob("go-*"))) < 2:  # both started: their writes overlap
    pass
for n in range(60):
    store_entry(save, kind, {"n": n}, {"padding": "x" * 20_000})
"""


def test_writers_in_two_processes_keep_both_entries(tmp_path: Path) -> None:
    save = tmp_path / "game.json"
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(save), kind, str(tmp_path / f"go-{kind}")], cwd=root) for kind in ("analyses", "marks")]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    data = read_sidecar(save)
    assert sorted(e["key"]["n"] for e in data["analyses"]) == list(range(52, 60))  # the 8 kept (KEEP_ANALYSES)
    assert sorted(e["key"]["n"] for e in data["marks"]) == list(range(52, 60))
