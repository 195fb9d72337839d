"""TOML reading on every supported Python (``tomllib`` from 3.11, ``tomli`` before)."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib as toml
else:  # pragma: no cover - exercised by the py39/py310 tox environments
    import tomli as toml

__all__ = ["toml"]
