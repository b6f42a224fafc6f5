"""Running the command line as a person would, for the tests that read what it printed."""

from __future__ import annotations

from click.testing import CliRunner, Result

from wargame.cli import cli


def run(*args: str) -> Result:
    """`wargame ARGS` in-process: its output and exit code, never a traceback (bad input gets
    one line and an exit code, not a crash)."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result
