"""Writing output files so that a result is never lost half-way and nothing half-written stays.

Owns: checking an output location before a long run (so a bad ``--out`` fails in a second,
not after the run), writing one file or a group of files atomically (temporaries beside
them, then renames; a group is all or nothing), removing those temporaries on any failure or
interruption, and turning every write failure into one ``OutputError`` line naming the file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from .display import path_text
from .errors import OutputError

__all__ = ["atomic_write", "check_output_dir", "check_output_file", "write_all"]


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def check_output_dir(directory: Path, flag: str) -> None:
    """Fail now, in one line, if ``directory`` cannot receive files: it is a file, cannot be
    created, or is not writable (probed by creating and removing a temporary file)."""
    name = path_text(directory)
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"{flag} {name}: not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".sockbehave-probe.", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{flag} {name}: cannot write there: {_reason(exc)}") from None


def check_output_file(path: Path, flag: str) -> None:
    """Fail now if ``path`` cannot be replaced by a new file."""
    if path.is_dir():
        raise OutputError(f"{flag} {path_text(path)}: is a directory, not a file name")
    check_output_dir(path.parent, flag)


@contextlib.contextmanager
def _temporaries() -> Iterator[list[str]]:
    made: list[str] = []
    try:
        yield made
    except BaseException:  # an error, KeyboardInterrupt or the CLI's SIGTERM: leave nothing behind
        for tmp in made:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def _write_temp(path: Path, text: str, made: list[str]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    made.append(tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def write_all(files: Mapping[Path, str]) -> None:
    """Write every file, or none: all go to temporaries first and are renamed into place only
    when every one of them was written. ``OutputError`` naming the file on any failure."""
    current = next(iter(files), Path("."))
    with _temporaries() as made:
        try:
            staged = []
            for path, text in files.items():
                current = path
                staged.append((_write_temp(path, text, made), path))
            for tmp, path in staged:
                current = path
                os.replace(tmp, path)
                made.remove(tmp)
        except OSError as exc:
            raise OutputError(f"{path_text(current)}: cannot write: {_reason(exc)}") from None


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: a reader sees the old file or the whole new one."""
    write_all({path: text})
