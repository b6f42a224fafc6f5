#!/usr/bin/env python3
"""Set up a local virtual environment and run the game or the tests.

The README's quick start is `python3 tasks.py play` and `python3 tasks.py test`; both
need nothing but Python 3.11+. The environment lives in `.venv/` and is reinstalled
only when `pyproject.toml` changes. Any further arguments go to the command run.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".wargame-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

USAGE = """usage: python3 tasks.py COMMAND [ARGS...]

commands:
  play [ARGS]    set up, then run `wargame play` (the terminal UI); ARGS go to it
  test [ARGS]    set up, then run the test suite with pytest on every core
                 (`-n auto`; pass -n N to choose); ARGS go to pytest
  wargame ARGS   set up, then run any `wargame` command (validate, simulate, ...)
  bench          set up, then run every benchmark in benchmarks/
  setup          only set up .venv/
"""


def _wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} {sys.version_info[:2]}"


def setup() -> None:
    """Create .venv and install the package with its test extras, once per pyproject."""
    if sys.version_info < (3, 11):
        sys.exit(f"wargame needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if STAMP.exists() and STAMP.read_text() == _wanted_stamp() and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing wargame and its dependencies into .venv ...", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-e", f"{ROOT}[test]"],
        check=True,
    )
    STAMP.write_text(_wanted_stamp())


def _parallel(args: list[str]) -> list[str]:
    """`-n auto` (pytest-xdist on every core) unless the caller chose: `-n N`,
    `--numprocesses`, `-p no:xdist`, or `--pdb`, which needs one process."""
    for i, arg in enumerate(args):
        if arg in {"-n", "--numprocesses", "--pdb"} or arg.startswith(("-n", "--numprocesses=")):
            return []
        if arg == "-p" and i + 1 < len(args) and args[i + 1] == "no:xdist":
            return []
        if arg == "-pno:xdist":
            return []
    return ["-n", "auto"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in {"play", "test", "wargame", "bench", "setup"}:
        print(f"tasks.py: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    try:
        setup()
    except subprocess.CalledProcessError as exc:
        print(f"tasks.py: setting up .venv failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    os.chdir(ROOT)
    if command == "setup":
        return 0
    if command == "play":
        cmd = [str(PYTHON), "-m", "wargame", "play", *rest]
    elif command == "wargame":
        cmd = [str(PYTHON), "-m", "wargame", *rest]
    elif command == "bench":
        for bench in sorted((ROOT / "benchmarks").glob("*.py")):
            print(f"== {bench.name}", flush=True)
            code = subprocess.call([str(PYTHON), str(bench), *rest])
            if code:
                return code
        return 0
    else:
        cmd = [str(PYTHON), "-m", "pytest", *_parallel(rest), *rest]
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
