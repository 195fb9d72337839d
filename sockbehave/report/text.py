"""Rendering results for a terminal: a compact table, and one line per failure.

Every string taken from a result passes through ``display.printable`` here, since results may
come from an untrusted report file.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..display import printable
from ..verdict import Result, describe, fails
from .model import Report

__all__ = ["failures", "results_table", "summary_line"]

_MARK = {"match": "ok", "mismatch": "MISMATCH", "new": "new", "known-gap": "gap", "error": "ERROR"}
#: ANSI colours for the verdict column on a terminal (``color=True``; the CLI honours NO_COLOR).
_COLOUR = {"match": "32", "mismatch": "1;31", "new": "36", "known-gap": "33", "error": "1;31"}


def _clip(text: str, width: int = 0) -> str:
    text = " ".join(printable(text).split())
    return text if not width or len(text) <= width else text[: width - 1] + "…"


def results_table(results: Iterable[Result], color: bool = False) -> str:
    """One row per step. Scenario ids and step names are never cut (a cut name cannot be
    searched for); observed and expected outcomes are clipped to 40 characters."""
    rows = [("verdict", "scenario", "step", "observed", "expected")]
    verdicts = [""]
    for r in results:
        expected = " | ".join(r.expected) if r.expected else "-"
        rows.append((_MARK[r.verdict], _clip(r.scenario), _clip(r.step), _clip(r.observed, 40), _clip(expected, 40)))
        verdicts.append(r.verdict)
    widths = [max(len(row[i]) for row in rows) for i in range(5)]

    def cell(i: int, text: str, verdict: str) -> str:
        padded = text.ljust(widths[i])
        return f"\x1b[{_COLOUR[verdict]}m{padded}\x1b[0m" if color and i == 0 and verdict else padded

    lines = ["  ".join(cell(i, c, v) for i, c in enumerate(row)).rstrip() for row, v in zip(rows, verdicts)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary_line(report: Report) -> str:
    counts = report.summary
    scenarios = len({r.scenario for r in report.results})
    parts = ", ".join(f"{n} {v}" for v, n in counts.items())
    where = printable(f"{report.column}/{report.backend}")
    return f"{where}: {scenarios} scenarios, {len(report.results)} steps: {parts}"


def failures(report: Report, fail_on: str = "mismatch") -> list[str]:
    """One line per failing result; under a lenient ``fail_on`` the ones that do not fail the
    run are still listed, marked as such."""
    lines = []
    for r in report.failing:
        mark = "" if fails(r, fail_on) else "(not failing under --fail-on " + fail_on + ") "
        lines.append(mark + printable(describe(r, report.column)))
    return lines
