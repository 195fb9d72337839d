"""Merging reports from several OSes, backends and Python versions into one matrix.

Owns: the matrix model. A row is a scenario step (in catalog order), a column is an OS or a
platform variant of one (``linux+gvisor``, ``linux[net.core.somaxconn=4]``, each after its OS;
a variant's expected cell is its own where the tables give one, else its OS's, so a
difference shows as ``unexpected``), and a
cell holds what real runs observed, what the simulator produced, what the table expects with
its evidence, which of those the cell rests on (its ``outcome``; a simulated one is a
prediction), and its category. A row ``differs`` when its cells' outcomes are not all the same.
Categories:

* ``as expected``: the outcome the cell rests on agrees with the table;
* ``unexpected``: it contradicts the table's evidence;
* ``new``: the table has no entry, or says ``unknown``: a first observation;
* ``known gap``: a simulated outcome the table marks as a known simulator gap;
* ``not run``: no report covers this OS; only the table speaks.

The matrix also carries the tables' evidence counts (OS x evidence level, from
``sockbehave.evidence``), which its header shows.

Observations are judged again against the current tables (as ``sockbehave check`` does), so a
matrix never mixes verdicts from different catalog versions; reports made with another catalog
version are listed as stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Optional

from ..catalog import Catalog
from ..evidence import EvidenceSummary, summarise
from ..platforms import base_os
from ..tables import OSES, Cell, cell_for
from ..verdict import Observation as _Obs
from ..verdict import judge_one
from .model import Report

__all__ = ["CATEGORIES", "Matrix", "MatrixCell", "MatrixRow", "Seen", "build_matrix"]

CATEGORIES = ("as expected", "unexpected", "new", "known gap", "not run")
_CATEGORY = {
    "match": "as expected",
    "mismatch": "unexpected",
    "new": "new",
    "known-gap": "known gap",
    "error": "unexpected",
}
RESTS_ON = {"real": "observed on a real OS", "sim": "simulated", "none": "documented only"}


@dataclass(frozen=True)
class Seen:
    """One outcome from one or more reports of one backend."""

    outcome: str
    category: str
    runs: tuple[str, ...]  # "CPython 3.12 on Linux 6.8 (linux-real.json)"


@dataclass
class MatrixCell:
    expected: Optional[Cell]
    real: list[Seen] = field(default_factory=list)
    sim: list[Seen] = field(default_factory=list)

    @property
    def rests_on(self) -> str:
        return RESTS_ON["real" if self.real else "sim" if self.sim else "none"]

    @property
    def category(self) -> str:
        seen = self.real or self.sim
        if not seen:
            return "not run"
        for worst in ("unexpected", "known gap", "new"):
            if any(s.category == worst for s in seen):
                return worst
        return "as expected"

    @property
    def varies(self) -> bool:
        return len({s.outcome for s in self.real}) > 1

    @property
    def outcome(self) -> str:
        """The outcome the cell rests on: what real runs saw, else the simulator's prediction,
        else the table's expectation (``unknown`` where the table has none)."""
        seen = self.real or self.sim
        if seen:
            return " | ".join(dict.fromkeys(s.outcome for s in seen))
        if self.expected is None or self.expected.is_unknown:
            return "unknown"
        return " | ".join(self.expected.outcomes)

    @property
    def predicted(self) -> bool:
        """The cell rests on the simulator: its outcome is a prediction, not an observation."""
        return not self.real and bool(self.sim)


@dataclass
class MatrixRow:
    scenario: str
    step: str
    topic: str
    title: str
    cells: dict[str, MatrixCell]

    @property
    def differs(self) -> bool:
        """Do the OSes' outcomes (as each cell rests on it) differ in this row?"""
        return len({cell.outcome for cell in self.cells.values()}) > 1


@dataclass
class Matrix:
    rows: list[MatrixRow]
    sources: list[dict[str, str]]  # one per input report
    catalog_version: str
    tool_version: str
    stale: list[str]
    #: the tables' evidence counts and weak cells (the current catalog's, not the reports')
    evidence: Optional[EvidenceSummary] = None
    #: the columns, in order: every OS, each followed by the variants of it the reports hold
    columns: tuple[str, ...] = OSES

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(CATEGORIES, 0)
        for row in self.rows:
            for cell in row.cells.values():
                out[cell.category] += 1
        return out


def _describe_run(report: Report, name: str) -> str:
    p = report.platform
    return f"CPython {p.get('python', '?')} on {p.get('system', '?')} {p.get('release', '?')} ({name})"


def build_matrix(reports: Sequence[tuple[str, Report]], catalog: Catalog, tool_version: str) -> Matrix:
    """``reports`` are (display name, validated report) pairs."""
    variants = sorted({rep.column for _, rep in reports} - set(OSES))
    columns = tuple(c for o in OSES for c in (o, *(v for v in variants if base_os(v) == o)))
    order: dict[tuple[str, str], MatrixRow] = {}
    for sc in catalog.scenarios:
        for step, cells in catalog.steps(sc.id).items():
            order[(sc.id, step)] = MatrixRow(
                sc.id, step, sc.topic, sc.title, {c: MatrixCell(cell_for(cells, c)) for c in columns}
            )
    # (scenario, step, os, simulated) -> outcome -> the runs that saw it
    seen: dict[tuple[str, str, str, bool], dict[str, list[str]]] = {}
    sources: list[dict[str, str]] = []
    stale: list[str] = []
    for name, report in reports:
        run = _describe_run(report, name)
        sources.append(
            {
                "name": name,
                "os": report.os,
                "variant": report.column,
                "backend": report.backend,
                "python": str(report.platform.get("python", "?")),
                "release": str(report.platform.get("release", "?")),
                "created": report.created,
                "tool_version": report.tool_version,
                "catalog_version": report.catalog_version,
            }
        )
        if report.catalog_version != catalog.version:
            stale.append(name)
        for r in report.results:
            if r.step == "-":
                continue
            if (r.scenario, r.step) not in order:
                order[(r.scenario, r.step)] = MatrixRow(
                    r.scenario, r.step, "", "", {c: MatrixCell(None) for c in columns}
                )
            key = (r.scenario, r.step, report.column, report.backend == "sim")
            seen.setdefault(key, {}).setdefault(r.observed, []).append(run)
    for (sid, step, os_name, simulated), outcomes in seen.items():
        cell = order[(sid, step)].cells[os_name]
        target = cell.sim if simulated else cell.real
        for outcome, runs in outcomes.items():
            verdict = judge_one(_Obs(sid, step, outcome), cell.expected, simulated).verdict
            target.append(Seen(outcome, _CATEGORY[verdict], tuple(runs)))
    evidence = summarise(catalog.table)
    return Matrix(list(order.values()), sources, catalog.version, tool_version, stale, evidence, columns)


def topics(matrix: Matrix) -> list[str]:
    return list(dict.fromkeys(row.topic for row in matrix.rows if row.topic))


def matrix_to_json(matrix: Matrix) -> dict[str, object]:
    def seen(items: Iterable[Seen]) -> list[dict[str, object]]:
        return [{"outcome": s.outcome, "category": s.category, "runs": list(s.runs)} for s in items]

    def expected(cell: Optional[Cell]) -> Optional[Mapping[str, object]]:
        if cell is None:
            return None
        return {"outcomes": list(cell.outcomes), "evidence": cell.evidence, "source": cell.source, "note": cell.note}

    return {
        "matrix_version": 1,
        "columns": list(matrix.columns),
        "tool_version": matrix.tool_version,
        "catalog_version": matrix.catalog_version,
        "reports": matrix.sources,
        "stale_reports": matrix.stale,
        "counts": matrix.counts(),
        "evidence_counts": {o: dict(c) for o, c in matrix.evidence.counts.items()} if matrix.evidence else {},
        "rows": [
            {
                "scenario": row.scenario,
                "step": row.step,
                "topic": row.topic,
                "cells": {
                    os_name: {
                        "category": cell.category,
                        "rests_on": cell.rests_on,
                        "expected": expected(cell.expected),
                        "real": seen(cell.real),
                        "sim": seen(cell.sim),
                    }
                    for os_name, cell in row.cells.items()
                },
            }
            for row in matrix.rows
        ],
    }
