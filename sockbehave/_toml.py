"""TOML reading on every supported Python (``tomllib`` from 3.11, ``tomli`` before), and the one
way a catalog file (a table, ``claims.toml``) is read: a ``CatalogError`` naming the file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

from .display import path_text, printable
from .errors import CatalogError

if sys.version_info >= (3, 11):
    import tomllib as toml
else:  # pragma: no cover - exercised by the py39/py310 tox environments
    import tomli as toml

__all__ = ["read_toml", "toml"]


def read_toml(path: Path, data: Optional[bytes] = None) -> dict[str, Any]:
    """The TOML file at ``path`` (or ``data``, its bytes already read); one ``CatalogError``
    line when it cannot be read or parsed."""
    try:
        raw = path.read_bytes() if data is None else data
        return toml.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path_text(path)}: cannot read: {printable(exc)}") from None
    except toml.TOMLDecodeError as exc:
        raise CatalogError(f"{path_text(path)}: not valid TOML: {printable(exc)}") from None
