"""Reading a file a person named (a deck, a save) without hanging or running out of memory,
and writing one atomically (saves, reports and analyses alike, with the same file mode).

A FIFO, a device or a socket is refused at once (opening a FIFO to read would wait for a
writer forever), and no more than a limit is ever read, whatever the file claims its size is.
Every file a command writes where a person said (`report -o`, `--csv`, `branch --save`,
`store export`, `deck new`...) goes through `check_output` and `write_output`, so each is
refused for the same reasons in the same words.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from wargame.errors import WargameError


class FileProblem(Exception):
    """Why a file could not be read, in words (without the path: the caller adds it)."""


def read_regular_file(path: str | Path, limit: int, what: str = "deck") -> bytes:
    """The bytes of the regular file at `path`, if no more than `limit`.

    Raises `FileProblem` for a missing file, a directory, anything that is not a regular
    file, a file over the limit, or an OS error; never blocks on a FIFO.
    """
    try:
        # O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileProblem("no such file") from None
    except IsADirectoryError:
        raise FileProblem(f"is a directory, not a {what} file") from None
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem(f"is a directory, not a {what} file")
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(f"not a regular file (a pipe, device or socket), so not a {what}")
        if info.st_size > limit:
            raise FileProblem(f"file is too large for a {what} ({info.st_size:,} bytes; the limit is {limit:,})")
        chunks = []
        left = limit + 1  # one byte past the limit tells a file that grew while read
        while left > 0:
            try:
                chunk = os.read(fd, min(left, 1 << 20))
            except BlockingIOError:  # pragma: no cover - regular files never block
                continue
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        raw = b"".join(chunks)
        if len(raw) > limit:
            raise FileProblem(f"file is too large for a {what} (the limit is {limit:,} bytes)")
        return raw
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_head(path: str | Path, size: int) -> tuple[bytes, int]:
    """The first `size` bytes of a regular file, and its full size (`FileProblem` as above)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileProblem("no such file") from None
    except IsADirectoryError:
        raise FileProblem("is a directory") from None
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem("not a regular file (a pipe, device or socket)")
        return os.read(fd, size), info.st_size
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, temp: Path | None = None, *, replace: bool = True) -> None:
    """Write `data` to `path` so that a reader sees the old file or the whole new one,
    never a part: a temporary file beside it, fsynced, renamed over it, the folder synced.

    A file being rewritten keeps its mode; a new one gets the umask's, like any file a
    program creates (mkstemp's 0600 would hide a report or a save from the rest of a
    shared course folder). `temp` names the temporary file (a save's writer picks a name it
    can clean up after); by default a random hidden name beside `path`. Without `replace`,
    a file that appears at `path` meanwhile is kept (`FileExistsError`). Raises `OSError`
    (the caller says what could not be written); no temporary file is left behind.
    """
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = temp or path.parent / f".{path.name[:80]}.{secrets.token_hex(4)}.tmp"
    # 0o666 is filtered by the umask, as for any new file.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            _place_new(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _place_new(tmp: Path, path: Path) -> None:
    """Move the written `tmp` to `path` only if no file is there: a hard link fails at once
    on an existing name, where a rename would replace it. A file system without hard links
    falls back to a check and a rename."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(path):
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)
        return
    tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """`write_atomic` for text (UTF-8): reports and the analyses kept beside a save are
    written as saves are, with the same file mode."""
    write_atomic(path, text.encode("utf-8"))


def exists_message(path: str | Path) -> str:
    """The one line that refuses to write over a file (a dialog that asks first never shows it)."""
    return f"{path}: already exists (--force overwrites it)"


def check_output(path: str | Path, *, force: bool = False) -> Path:
    """The file a command is to write at `path`, if it may: raises `WargameError` in one
    line naming it for a folder given as the file, a folder that does not exist or cannot
    be written into (never created: a mistyped folder is said, not made), or a file there
    already unless `force`. Called before the work, so a long run is not lost at the end."""
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise WargameError(f"{path}: is a folder, not a file")
    if not folder.is_dir():
        missing = not os.path.lexists(folder)
        raise WargameError(f"{path}: no such folder '{folder}'" if missing else f"{path}: '{folder}' is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WargameError(f"{path}: cannot write into the folder '{folder}' (read-only)")
    if os.path.lexists(target) and not force:
        raise WargameError(exists_message(path))
    return target


def write_output(path: str | Path, data: str | bytes, *, force: bool = False) -> Path:
    """Write `data` (text as UTF-8) to the file at `path` atomically (a temporary file in the
    same folder, renamed over it), after `check_output`; without `force` an existing file is
    never replaced, not even one that appears meanwhile. `WargameError` in one line if it
    cannot be written."""
    target = check_output(path, force=force)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        write_atomic(target, raw, replace=force)
    except FileExistsError:
        raise WargameError(exists_message(path)) from None
    except OSError as exc:
        raise WargameError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return target
