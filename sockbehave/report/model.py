"""The in-memory report: what ran, where, against which catalog, and every judged result."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..verdict import VERDICTS, Result

__all__ = ["Report", "build_report"]


@dataclass(frozen=True)
class Report:
    tool_version: str
    catalog_version: str
    created: str
    os: str
    backend: str
    platform: Mapping[str, Any]
    results: tuple[Result, ...]
    #: the platform variant (``linux+gvisor``, ``linux[net.core.somaxconn=4]``); empty: just ``os``
    variant: str = ""

    @property
    def column(self) -> str:
        """The matrix column and the name ``check``, ``diff`` and ``report`` show: the variant."""
        return self.variant or self.os

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        for r in self.results:
            counts[r.verdict] += 1
        return counts

    @property
    def failing(self) -> list[Result]:
        return [r for r in self.results if r.failing]


def build_report(
    results: Sequence[Result],
    *,
    catalog_version: str,
    os_name: str,
    backend: str,
    platform: Mapping[str, Any],
    variant: str = "",
) -> Report:
    created = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Report(__version__, catalog_version, created, os_name, backend, dict(platform), tuple(results), variant)
