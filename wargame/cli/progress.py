"""Progress of the long commands (simulate, sweep, playtest, analyse, what-if) on stderr.

One look for all of them: a click progress bar per stage, shown when stderr is a terminal
or on `--progress`; on a pipe it prints each stage's name once. Standard output stays the
command's result alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

F = TypeVar("F", bound=Callable[..., Any])


def progress_option(fn: F) -> F:
    """`--progress/--no-progress`: whether to show progress (default: when stderr is a terminal)."""
    return click.option(
        "--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).",
    )(fn)


class Progress:
    """Draws how much of a command's work is done; does nothing when not shown.

    Work comes in stages (`odds`, then `attribution`); each stage gets its own bar. The
    callbacks it hands out are None when progress is not shown, so the work skips them."""

    def __init__(self, show: bool) -> None:
        self.show = show
        self._bar: ProgressBar[int] | None = None
        self._stage = ""
        self._total = 0
        self._done = 0

    def update(self, stage: str, done: int, total: int) -> None:
        """`done` of `total` units of `stage` are finished (a new stage starts a new bar)."""
        if not self.show:
            return
        if self._bar is None or stage != self._stage or total != self._total:
            self.close()
            self._bar = click.progressbar(length=total, label=stage, file=sys.stderr)
            self._bar.__enter__()
            self._stage, self._total, self._done = stage, total, 0
        self._bar.update(done - self._done)
        self._done = done

    def counter(self, stage: str, total: int) -> Callable[[int], None] | None:
        """A callback `(units done so far)` for one stage of `total` units, its bar drawn
        at once; None when progress is not shown."""
        if not self.show:
            return None
        self.update(stage, 0, total)
        return lambda done: self.update(stage, done, total)

    def stage(self, name: str) -> Callable[[int, int], None] | None:
        """A callback `(done, total)` for one stage whose total the work finds out; None
        when progress is not shown."""
        if not self.show:
            return None
        return lambda done, total: self.update(name, done, total)

    def stages(self) -> Callable[[str, int, int], None] | None:
        """A callback `(stage, done, total)` for work of several stages; None when not shown."""
        return self.update if self.show else None

    def close(self) -> None:
        """Finish the bar being drawn, if any."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@contextmanager
def showing_progress(show: bool | None) -> Iterator[Progress]:
    """A `Progress` for one command; `show` None means: when stderr is a terminal."""
    bar = Progress(show if show is not None else sys.stderr.isatty())
    try:
        yield bar
    finally:
        bar.close()
