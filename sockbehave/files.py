"""Writing output files so that a result is never lost half-way and nothing half-written stays.

Owns: checking an output location before a long run (so a bad ``--out`` fails in a second,
not after the run), writing one file or a group of files atomically (temporaries beside
them, then renames; a group is all or nothing), removing those temporaries on any failure or
interruption, and turning every write failure into one ``OutputError`` line naming the file.
A whole directory (``replace_tree``: the static site) is built beside its place and swapped in.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from .display import path_text
from .errors import OutputError

__all__ = ["atomic_write", "check_output_dir", "check_output_file", "replace_tree", "write_all"]


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


def _owned(directory: Path, marker: str) -> bool:
    """Is ``directory`` missing, empty, or one that we wrote before (it holds ``marker``)?"""
    if not directory.exists():
        return True
    if not directory.is_dir() or directory.is_symlink():
        return False
    return (directory / marker).is_file() or not any(directory.iterdir())


def replace_tree(directory: Path, files: Mapping[str, str], marker: str, flag: str) -> None:
    """Make ``directory`` hold exactly ``files`` (relative ``/`` paths -> text), in one step as
    far as a reader can tell: the tree is written in a temporary directory beside it, then
    renamed into place (a previous tree is renamed aside first and removed after). A directory
    that is not empty and does not hold ``marker`` (which ``files`` must include) is refused;
    on any failure or interruption nothing new is left behind and the old tree stays."""
    name = path_text(directory)
    if marker not in files:
        raise ValueError(f"replace_tree: the files must include the marker {marker!r}")
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"{flag} {name}: not a directory")
    if not _owned(directory, marker):
        raise OutputError(
            f"{flag} {name}: exists and is not empty, and is not a site written before (no {marker} in it); "
            "name a new or empty directory"
        )
    parent = directory.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(f"{flag} {name}: cannot write there: {_reason(exc)}") from None
    aside = build.with_suffix(".old")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(build, 0o777 & ~umask)  # mkdtemp makes 0700; a site is for reading
        for rel, text in files.items():
            target = build.joinpath(*rel.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as fh:  # Path.write_text(newline=) is 3.10+
                fh.write(text)
        if directory.exists():
            os.rename(directory, aside)
            try:
                os.rename(build, directory)
            except BaseException:
                os.rename(aside, directory)
                raise
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.rename(build, directory)
    except OSError as exc:
        raise OutputError(f"{flag} {name}: cannot write: {_reason(exc)}") from None
    finally:
        shutil.rmtree(build, ignore_errors=True)  # gone already when it was renamed into place
