"""A small on-disk cache of validated expected-behaviour tables, for start-up time.

Owns: where the cache lives and how an entry is keyed, read and written. Parsing and
validating the catalog's TOML tables is most of what ``sockbehave list`` and ``explain`` cost
(about 120 ms for nine tables with CPython's pure-Python ``tomllib``); a table that validated
once is kept as JSON under a key made of the table's bytes, the scenario ids beside it and the
source of the code that validates it, so a changed table or a changed validator misses.

Only tables that validated are stored, so errors are always found by the real check. The
cache is best effort: an entry that cannot be read, parsed or is not the expected shape is a
miss; a directory that cannot be written is ignored. ``SOCKBEHAVE_CACHE_DIR`` moves it (``off``
turns it off); otherwise it is ``$XDG_CACHE_HOME/sockbehave`` or ``~/.cache/sockbehave``
(``%LOCALAPPDATA%\\sockbehave`` on Windows).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Optional

__all__ = ["CACHE_ENV", "cache_dir", "get", "key", "put"]

CACHE_ENV = "SOCKBEHAVE_CACHE_DIR"
#: Entries kept; writing one more removes the oldest.
MAX_ENTRIES = 64
#: An entry larger than this is not ours (the whole catalog's tables are about 400 KB).
MAX_BYTES = 8 * 1024 * 1024


def cache_dir() -> Optional[Path]:
    """Where entries live, or ``None`` when the cache is off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return None if chosen == "off" else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    try:
        return (Path(base) if base else Path.home() / ".cache") / "sockbehave"
    except RuntimeError:  # no home directory
        return None


def key(parts: Iterable[bytes]) -> str:
    """A key for the parts (each length-prefixed, so no two lists of parts collide)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def get(name: str) -> Optional[Any]:
    """The JSON value stored under ``name``, or ``None`` (a miss) for anything unexpected."""
    where = cache_dir()
    if where is None:
        return None
    try:
        with open(where / f"{name}.json", "rb") as f:
            raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        return json.loads(raw)
    except (OSError, ValueError):
        return None


def put(name: str, value: Any) -> None:
    """Store ``value`` under ``name``, atomically; never fails the caller."""
    import tempfile  # only when writing: start-up time

    where = cache_dir()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=where)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f, ensure_ascii=True, separators=(",", ":"))
            os.replace(tmp, where / f"{name}.json")
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(where)
    except (OSError, ValueError, TypeError):
        return


def _prune(where: Path) -> None:
    entries = sorted(where.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()
