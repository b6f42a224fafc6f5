#!/usr/bin/env python3
"""Set up a local virtual environment and run the game or the tests.

The README's quick start is `python3 tasks.py play` and `python3 tasks.py test`; both
need nothing but Python 3.11+. The environment lives in `.venv/`: `play` installs what the
game needs, `test` adds the test tools (the `test` extra), and each installs again only
when `pyproject.toml` changes. Any further arguments go to the command run.
"""

from __future__ import annotations

import hashlib
import json
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
  play [ARGS]    set up the game, then run `wargame play` (the terminal UI); ARGS go to it
  test [ARGS]    set up the game and its test tools, check the code (ruff, mypy --strict),
                 then run the test suite with pytest on every core (`-n auto`; pass -n N
                 to choose); ARGS go to pytest
  wargame ARGS   set up the game, then run any `wargame` command (validate, simulate, ...)
  bench          set up with the test tools and OpenSpiel (the engine benchmark's yardstick),
                 then run every benchmark in benchmarks/
  setup          only set up .venv/ (with the test tools, for development)
"""

EXTRAS = {"play": (), "wargame": (), "test": ("test",), "bench": ("test", "bench"), "setup": ("test",)}
"""The optional dependencies each command needs beyond the game's own (pyproject.toml)."""
CHECKS = (
    ("ruff", ["-m", "ruff", "check", "--quiet", "wargame", "tests", "benchmarks", "tasks.py"]),
    ("mypy --strict", ["-m", "mypy", "wargame"]),
)
"""What `test` runs before pytest (mypy is strict through pyproject.toml's [tool.mypy])."""


def _environment() -> dict[str, str]:
    """What the installed packages were made for: this pyproject.toml and this Python."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return {"pyproject": digest, "python": ".".join(map(str, sys.version_info[:2]))}


def installed_extras(stamp: str | None, environment: dict[str, str]) -> set[str] | None:
    """The extras the stamp says are installed for `environment` (an empty set: the game
    alone), or None when nothing current is (no stamp, another pyproject or Python)."""
    try:
        data = json.loads(stamp or "")
    except ValueError:
        return None
    if not isinstance(data, dict) or any(data.get(k) != v for k, v in environment.items()):
        return None
    extras = data.get("extras")
    return set(extras) if isinstance(extras, list) else None


def to_install(stamp: str | None, environment: dict[str, str], wanted: tuple[str, ...]) -> list[str] | None:
    """The extras to install for a command that needs `wanted`, with those already there
    (pip then adds only what is missing); None when everything wanted is installed."""
    have = installed_extras(stamp, environment)
    if have is not None and set(wanted) <= have:
        return None
    return sorted(set(wanted) | (have or set()))


def setup(extras: tuple[str, ...] = ("test",)) -> None:
    """Create .venv and install the package with `extras`, once per pyproject."""
    if sys.version_info < (3, 11):
        sys.exit(f"wargame needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    environment = _environment()
    stamp = STAMP.read_text() if STAMP.exists() and PYTHON.exists() else None
    install = to_install(stamp, environment, extras)
    if install is None:
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    what = "wargame, its dependencies and its test tools" if "test" in install else "wargame and its dependencies"
    print(f"Installing {what} into .venv ...", flush=True)
    target = f"{ROOT}[{','.join(install)}]" if install else str(ROOT)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target],
        check=True,
    )
    STAMP.write_text(json.dumps({**environment, "extras": install}))


def check() -> int:
    """ruff and mypy --strict over the code: one line when clean, their findings when not."""
    for name, args in CHECKS:
        result = subprocess.run([str(PYTHON), *args], check=False, capture_output=True, text=True)
        if result.returncode:
            print((result.stdout + result.stderr).rstrip(), file=sys.stderr)
            print(f"tasks.py: {name} found problems (above); the tests did not run", file=sys.stderr)
            return result.returncode
    print(f"checks: {' and '.join(name for name, _ in CHECKS)} clean", flush=True)
    return 0


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
    if command not in EXTRAS:
        print(f"tasks.py: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    try:
        setup(EXTRAS[command])
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
        code = check()
        if code:
            return code
        cmd = [str(PYTHON), "-m", "pytest", *_parallel(rest), *rest]
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
