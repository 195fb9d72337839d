"""``sockbehave explain ID --format md``: a paste-ready block for teaching material.

Owns: the Markdown form of one scenario: the claim, what each OS really does with the
evidence behind it, the sources as links, and the minimal code.
"""

from __future__ import annotations

from ..catalog import Catalog
from ..scenario import Scenario
from ..tables import OSES
from .markdown import code, prose, text

__all__ = ["explain_markdown"]


def explain_markdown(sc: Scenario, catalog: Catalog) -> str:
    steps = catalog.steps(sc.id)
    sources: list[str] = []

    def ref(source: str) -> str:
        if not source:
            return ""
        if source not in sources:
            sources.append(source)
        return f"<sup>[{sources.index(source) + 1}]</sup>"

    lines = [
        f"#### {code(sc.id)}: {text(sc.title)}",
        "",
        f"**The claim:** {text(sc.claim)}",
        "",
        f"**What really happens:** {prose(sc.explanation)}",
        "",
        "| step | " + " | ".join(OSES) + " |",
        "|---|" + "---|" * len(OSES),
    ]
    for step, cells in steps.items():
        row = []
        for os_name in OSES:
            cell = cells[os_name]
            shown = " / ".join(code(o) for o in cell.outcomes)
            row.append(f"{shown} <sub>{text(cell.evidence)}</sub>{ref(cell.source)}")
        lines.append(f"| {code(step)} | " + " | ".join(row) + " |")
    lines += ["", "Sources:", ""]
    lines += [f"{i}. {text(s)}" for i, s in enumerate(sources, 1)]
    lines += [
        "",
        "Minimal code (runs on `sockbehave run --scenario " + sc.id + "`):",
        "",
        "```python",
        sc.code.rstrip(),
        "```",
        "",
    ]
    return "\n".join(lines)
