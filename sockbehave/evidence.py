"""How strong the tables' evidence is: counts per OS and evidence level, and the weak cells.

Owns: the counting behind ``sockbehave evidence`` and the matrix header. It reads a loaded
catalog's tables and never judges a run: a cell's evidence is what its table says, whatever a
report observed. "Weak" cells are those a reader cannot yet cite as a fact: ``inferred`` (the
source says what they are inferred from) and ``unknown`` (the note says what would settle it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .tables import EVIDENCE, OSES, UNKNOWN, Cell

__all__ = [
    "GOAL",
    "STRENGTH",
    "STRONG",
    "WEAK",
    "EvidenceSummary",
    "WeakCell",
    "counts_text",
    "goal_line",
    "goal_share",
    "percent",
    "render_text",
    "summarise",
]

#: Levels a teacher can cite as a fact about an OS without running it there.
STRONG = ("observed", "tested", "documented")
WEAK = ("inferred", UNKNOWN)
#: How much weight each level carries (renderers draw this many marks, or this font weight).
STRENGTH = {level: len(EVIDENCE) - 1 - i for i, level in enumerate(EVIDENCE)}
#: Issue 10's goal: this share of the non-Linux cells tested or documented.
GOAL = 0.8


@dataclass(frozen=True)
class WeakCell:
    scenario: str
    step: str
    os: str
    evidence: str
    #: inferred: what the outcome is inferred from; unknown: what would settle it.
    why: str
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceSummary:
    #: os -> evidence level -> number of cells (every level present, in ``EVIDENCE`` order)
    counts: Mapping[str, Mapping[str, int]]
    weak: tuple[WeakCell, ...]

    def total(self, os_name: str) -> int:
        return sum(self.counts[os_name].values())

    def cited(self, oses: tuple[str, ...], levels: tuple[str, ...] = ("tested", "documented")) -> tuple[int, int]:
        """(cells at one of ``levels``, all cells) over ``oses``."""
        return sum(self.counts[o][lv] for o in oses for lv in levels), sum(self.total(o) for o in oses)

    def to_json(self) -> dict[str, object]:
        others = tuple(o for o in OSES if o != "linux")
        cited, cells = self.cited(others)
        return {
            "levels": list(EVIDENCE),
            "counts": {o: {**self.counts[o], "total": self.total(o)} for o in OSES},
            "non_linux": {
                "cells": cells,
                "tested_or_documented": cited,
                "share": round(cited / cells, 4) if cells else 0,
            },
            "weak": [
                {
                    "scenario": w.scenario,
                    "step": w.step,
                    "os": w.os,
                    "evidence": w.evidence,
                    "outcomes": list(w.outcomes),
                    "why": w.why,
                }
                for w in self.weak
            ],
        }


def _why(cell: Cell) -> str:
    if cell.is_unknown:
        return cell.note or cell.source
    return cell.source + (f" (note: {cell.note})" if cell.note else "")


def summarise(table: Mapping[str, Mapping[str, Mapping[str, Cell]]]) -> EvidenceSummary:
    """Count ``table``'s cells per OS and evidence level, and list the weak ones in table order."""
    counts = {o: dict.fromkeys(EVIDENCE, 0) for o in OSES}
    weak = []
    for sid, steps in table.items():
        for step, cells in steps.items():
            for os_name in OSES:
                cell = cells.get(os_name)
                if cell is None:
                    continue
                counts[os_name][cell.evidence] += 1
                if cell.evidence in WEAK:
                    weak.append(WeakCell(sid, step, os_name, cell.evidence, _why(cell), cell.outcomes))
    return EvidenceSummary(counts, tuple(weak))


def goal_share(summary: EvidenceSummary) -> tuple[int, int, float]:
    """The non-Linux cells tested or documented, all non-Linux cells, and their share."""
    cited, cells = summary.cited(tuple(o for o in OSES if o != "linux"))
    return cited, cells, cited / cells if cells else 0.0


def percent(share: float) -> str:
    """A share as a percentage with one decimal, rounded down, so that a share just below the
    goal never reads as the goal itself (333 of 417 is 79.8%, not "80%; not met")."""
    return f"{math.floor(share * 1000 + 1e-9) / 10:.1f}%"


def goal_line(summary: EvidenceSummary) -> str:
    cited, cells, share = goal_share(summary)
    met = "met" if share >= GOAL else "not met"
    return f"non-Linux cells tested or documented: {cited} of {cells} ({percent(share)}; goal {GOAL:.0%}: {met})"


def counts_text(summary: EvidenceSummary) -> str:
    """The table OS x evidence level and the goal line (as the README shows them)."""
    head = ["OS", *EVIDENCE, "total"]
    rows = [[o, *(str(summary.counts[o][lv]) for lv in EVIDENCE), str(summary.total(o))] for o in OSES]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cols: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cols, widths))).rstrip()

    out = [line(head), line(["-" * w for w in widths]), *(line(r) for r in rows), "", goal_line(summary)]
    return "\n".join(out) + "\n"


def render_text(summary: EvidenceSummary) -> str:
    """``counts_text``, then every weak cell with what it is inferred from or what would settle it."""
    out = [counts_text(summary).rstrip("\n")]
    for level, label in (("inferred", "inferred from"), (UNKNOWN, "would be settled by")):
        cells = [w for w in summary.weak if w.evidence == level]
        out += ["", f"{level} cells ({len(cells)}): scenario, step, OS, outcome, {label}"]
        out += [f"  {w.scenario} {w.step} {w.os}: {' | '.join(w.outcomes)}\n      {w.why}" for w in cells]
    return "\n".join(out) + "\n"
