"""What every command shares: one-line errors (exit status 2, never a traceback for bad
input), the command group class that makes click's usage errors one line too, and finding
a deck by path or by name.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from wargame.errors import SaveError, UnreplayableSave, WargameError
from wargame.text import cut

if TYPE_CHECKING:
    from wargame.deck.compile import CompiledDeck
    from wargame.saves.format import SaveModel

F = TypeVar("F", bound=Callable[..., Any])
DECKS_DIR = Path(__file__).resolve().parents[2] / "decks"
"""The shipped decks, found by bare name (`korea-2022`) from any working directory."""


def fail(message: str) -> None:
    """Print `message` on stderr and exit 2."""
    # A message may quote a file's content or an argument: each line is cut short and
    # shown without terminal control characters.
    click.echo("\n".join(cut(line, 1_000) for line in message.splitlines()[:50]), err=True)
    sys.exit(2)


def interactive() -> bool:
    """Whether a person is at a terminal (a UI may open), not a pipe or a script."""
    return sys.stdout.isatty() and sys.stdin.isatty()


def pin_option(fn: F) -> F:
    """`--pin`: the facilitator's PIN of a save that has one (also `$WARGAME_PIN`, which no
    process list shows); asked at the prompt when neither is given at a terminal."""
    return click.option(
        "--pin", envvar="WARGAME_PIN", default=None, metavar="PIN",
        help="The facilitator's PIN, for a save that has one and an output beyond the public view "
        "(or $WARGAME_PIN; asked for at a terminal).",
    )(fn)


def _stdin_is_a_terminal() -> bool:
    return sys.stdin.isatty()


def unlock_save(save: SaveModel, pin: str | None, what: str) -> None:
    """Let `what` (an output beyond the public view) be printed from `save`: a save without
    a facilitator's PIN at once; one with a PIN needs it, from `--pin`, or asked with
    hidden typing when a person is at the terminal (even when the output is piped).
    Without it, or with a wrong one: `PinNeeded` or `WrongPin` (one line, exit 2)."""
    from wargame.saves.pin import unlock

    if save.facilitator_pin is not None and pin is None and _stdin_is_a_terminal():
        pin = click.prompt(f"This game has a facilitator's PIN, and {what} shows secrets. PIN", hide_input=True, default="", show_default=False, err=True) or None
    unlock(save, pin, what)


@contextmanager
def about_save(path: str) -> Iterator[None]:
    """A recorded turn of the save at `path` that does not replay is reported with the
    file's name (`game.json: turn 3 of the save cannot be replayed: ...`): a command may
    be given two saves, and the replay itself does not know the file."""
    try:
        yield
    except UnreplayableSave as exc:
        raise SaveError(f"{path}: {exc}") from None


def names_save(param: str) -> Callable[[F], F]:
    """`about_save` around a whole command, for the save named by its argument `param`."""

    def wrap(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            path = kwargs.get(param)
            if path is None:
                return fn(*args, **kwargs)
            with about_save(str(path)):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return wrap


def user_errors(fn: F) -> F:
    """Turn a `WargameError` into its message on stderr and exit status 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WargameError as exc:
            fail(f"error: {exc}")
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def resolve_deck_path(deck: str) -> Path:
    """A deck path as given, or a bare name (`korea-2022`) looked up in decks/."""
    p = Path(deck)
    if p.exists() or p.suffix == ".toml" or "/" in deck:
        return p
    for candidate in (Path("decks") / f"{deck}.toml", DECKS_DIR / f"{deck}.toml"):
        if candidate.exists():
            return candidate
    return p


def load(deck: str) -> CompiledDeck:
    """The deck named on the command line, loaded and compiled (a `DeckError` if it is bad)."""
    from wargame.deck.loader import load_deck

    return load_deck(resolve_deck_path(deck))


class LineError(click.ClickException):
    """A command-line mistake, shown as one line (click's own shows three: Usage, Try, Error)."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def _one_line(exc: click.UsageError) -> LineError:
    where = exc.ctx.command_path if exc.ctx is not None else "wargame"
    message = " ".join(exc.format_message().split()).rstrip(".")  # never more than one line
    return LineError(f"{where}: {message[:1].lower()}{message[1:]} (see '{where} --help')")


class OneLineErrors(click.Group):
    """A command group whose usage errors, its own and its subcommands', are one line
    on stderr with exit status 2. Used for the whole CLI (`cli` and its subgroups)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `wargame` alone: show the help
                raise
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                raise
            raise _one_line(exc) from None
