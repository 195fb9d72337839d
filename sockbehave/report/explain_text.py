"""``sockbehave explain ID``: one scenario for a terminal, the answer first.

Owns: the text form of one scenario. It leads with one line per OS (the outcome of every step,
and the evidence behind them), then the explanation and the code, then each step with its
cells pointing at one numbered, deduplicated list of sources, so a source shared by many cells
is printed once.
"""

from __future__ import annotations

from collections import Counter

from ..catalog import Catalog
from ..outcome import MAX_LITERAL_BYTES
from ..scenario import Scenario
from ..tables import EVIDENCE, OSES, Cell, split_sources

__all__ = ["explain_text"]


def _levels(cells: list[Cell]) -> str:
    counts = Counter(c.evidence for c in cells)
    if len(counts) == 1:
        return next(iter(counts))
    return ", ".join(f"{level} {counts[level]}" for level in EVIDENCE if counts[level])


def explain_text(sc: Scenario, catalog: Catalog) -> str:
    steps = catalog.steps(sc.id)
    sources: dict[str, int] = {}

    def refs(cell: Cell) -> str:
        numbers = []
        for part in split_sources(cell.source) if cell.source else []:
            numbers.append(sources.setdefault(part, len(sources) + 1))
        return "".join(f"[{n}]" for n in numbers)

    lines = [f"{sc.id}: {sc.title}", f"topic: {sc.topic}", "", f"The claim: {sc.claim}", ""]
    names = list(steps)
    lines.append(f"The answer, per OS (steps: {' · '.join(names)}):")
    width = max((len(" · ".join(" | ".join(steps[s][o].outcomes) for s in names)) for o in OSES), default=0)
    for os_name in OSES:
        row = [steps[s][os_name] for s in names]
        answer = " · ".join(" | ".join(c.outcomes) for c in row)
        lines.append(f"  {os_name:8} {answer.ljust(min(width, 60))}  ({_levels(row)})")
    lines += ["", sc.explanation, "", "The code:", ""]
    lines += ["    " + line if line.strip() else line for line in sc.code.splitlines()]
    lines += ["", "Step by step (outcome, evidence, sources below):"]
    for step, by_os in steps.items():
        lines.append(f"  {step}")
        for os_name in by_os:  # every OS, then any variant cells (linux+gvisor)
            cell = by_os[os_name]
            lines.append(f"    {os_name:8} {' | '.join(cell.outcomes)}  [{cell.evidence}] {refs(cell)}".rstrip())
            if cell.note:
                lines.append(f"             note: {cell.note}")
    if sources:
        lines += ["", "Sources:"]
        lines += [f"  [{n}] {text}" for text, n in sources.items()]
    if sc.references:
        lines += ["", "References:"]
        lines += [f"  - {ref}" for ref in sc.references]
    lines += ["", f"Bytes are shown literally up to {MAX_LITERAL_BYTES}; errno names are POSIX-style on every OS."]
    return "\n".join(lines) + "\n"
