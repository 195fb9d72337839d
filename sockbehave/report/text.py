"""Rendering results for a terminal: a compact table, and one line per failure.

Every string taken from a result passes through ``display.printable`` here, since results may
come from an untrusted report file.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..display import printable
from ..verdict import Result, describe
from .model import Report

__all__ = ["failures", "results_table", "summary_line"]

_MARK = {"match": "ok", "mismatch": "MISMATCH", "new": "new", "known-gap": "gap", "error": "ERROR"}


def _clip(text: str, width: int) -> str:
    text = " ".join(printable(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def results_table(results: Iterable[Result]) -> str:
    rows = [("verdict", "scenario", "step", "observed", "expected")]
    for r in results:
        expected = " | ".join(r.expected) if r.expected else "-"
        rows.append(
            (_MARK[r.verdict], _clip(r.scenario, 44), _clip(r.step, 22), _clip(r.observed, 40), _clip(expected, 40))
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary_line(report: Report) -> str:
    counts = report.summary
    scenarios = len({r.scenario for r in report.results})
    parts = ", ".join(f"{n} {v}" for v, n in counts.items())
    where = printable(f"{report.os}/{report.backend}")
    return f"{where}: {scenarios} scenarios, {len(report.results)} steps: {parts}"


def failures(report: Report) -> list[str]:
    return [printable(describe(r, report.os)) for r in report.failing]
