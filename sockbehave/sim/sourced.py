"""Facts that carry their sources: how ``Profile`` and its fact tables (``PipeFacts``,
``UnixPairFacts``) are built from ``{field: (value, source)}`` and refused without a source.

Owns: splitting those pairs into a dataclass's values and its ``sources`` mapping, and naming
the fields that have no source. Data plumbing only: no fact lives here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from types import MappingProxyType
from typing import Any, TypeVar

__all__ = ["build", "require_sources"]

T = TypeVar("T")


def build(cls: type[T], values: dict[str, tuple[object, str]], **plain: Any) -> T:
    """``cls`` with each value of ``values`` and its source in ``sources``; ``plain`` fields have none."""
    return cls(  # type: ignore[call-arg]
        sources=MappingProxyType({k: src for k, (_, src) in values.items()}),
        **plain,
        **{k: v for k, (v, _) in values.items()},
    )


def require_sources(facts: Any, what: str, exempt: Iterable[str] = ()) -> None:
    """``ValueError`` naming ``what`` and each field of the dataclass instance ``facts`` without a
    source (``sources`` itself and ``exempt`` aside)."""
    skip = {"sources", *exempt}
    missing = [f.name for f in fields(facts) if f.name not in skip and not facts.sources.get(f.name)]
    if missing:
        raise ValueError(f"{what}: no source for {', '.join(missing)}")
