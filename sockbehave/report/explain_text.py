"""``sockbehave explain ID``: one scenario for a terminal, the answer first.

Owns: the text form of one scenario. It leads with one line per OS (the outcome of every step,
and the evidence behind them) and the scenario's address in the published matrix, then the
explanation and the code (the standalone example beside the scenario when there is one, else
the scenario's own function), then each step with its cells pointing at one numbered,
deduplicated list of sources, so a source shared by many cells is printed once. In Chinese
(``lang="zh"``) the title, claim, explanation and labels are Chinese; outcomes, errno names,
step names and sources stay as they are.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Optional

from ..catalog import Catalog
from ..display import path_text
from ..lang import Text, heading, label, text_of
from ..links import Example, page_path, site_url
from ..outcome import MAX_LITERAL_BYTES
from ..scenario import Scenario
from ..tables import EVIDENCE, OSES, Cell, split_sources

__all__ = ["example_location", "explain_text"]


def _levels(cells: list[Cell]) -> str:
    counts = Counter(c.evidence for c in cells)
    if len(counts) == 1:
        return next(iter(counts))
    return ", ".join(f"{level} {counts[level]}" for level in EVIDENCE if counts[level])


def example_location(example: Example) -> str:
    """Where the example is, as a reader can find it: relative to here when it is below, else in full."""
    try:
        return path_text(example.path.resolve().relative_to(Path(os.getcwd()).resolve()))
    except (ValueError, OSError):
        return path_text(example.path)


def explain_text(
    sc: Scenario,
    catalog: Catalog,
    *,
    lang: str = "en",
    words: Optional[Text] = None,
    example: Optional[Example] = None,
    base: Optional[str] = None,
) -> str:
    """``words`` is the scenario's text in ``lang`` (default: its own English); ``base`` the
    published site, to link the scenario's rows and page."""
    steps = catalog.steps(sc.id)
    said = words or text_of(sc, "en", {})
    sources: dict[str, int] = {}

    def refs(cell: Cell) -> str:
        numbers = []
        for part in split_sources(cell.source) if cell.source else []:
            numbers.append(sources.setdefault(part, len(sources) + 1))
        return "".join(f"[{n}]" for n in numbers)

    lines = [f"{sc.id}: {said.title}", f"topic: {sc.topic}", "", heading(lang, "claim", then=said.claim), ""]
    names = list(steps)
    lines.append(heading(lang, "answer", heading(lang, "steps", then=" · ".join(names))))
    width = max((len(" · ".join(" | ".join(steps[s][o].outcomes) for s in names)) for o in OSES), default=0)
    for os_name in OSES:
        row = [steps[s][os_name] for s in names]
        answer = " · ".join(" | ".join(c.outcomes) for c in row)
        lines.append(f"  {os_name:8} {answer.ljust(min(width, 60))}  ({_levels(row)})")
    if base is not None:
        lines += [
            "",
            heading(lang, "matrix", then=site_url(base, sc.id, lang)),
            heading(lang, "page", then=base + page_path(sc.id, lang)),
        ]
    lines += ["", said.explanation, ""]
    if example is not None:
        lines += [
            heading(lang, "example", example_location(example) + label(lang, "and") + label(lang, "example_note")),
            "",
        ]
        code = example.code
    else:
        lines += [heading(lang, "code", f"{label(lang, 'code_note')} {sc.id}"), ""]
        code = sc.code
    lines += ["    " + line if line.strip() else "" for line in code.splitlines()]
    lines += ["", heading(lang, "step_by_step")]
    for step, by_os in steps.items():
        lines.append(f"  {step}")
        for os_name in by_os:  # every OS, then any variant cells (linux+gvisor)
            cell = by_os[os_name]
            lines.append(f"    {os_name:8} {' | '.join(cell.outcomes)}  [{cell.evidence}] {refs(cell)}".rstrip())
            if cell.note:
                lines.append("             " + heading(lang, "note", then=cell.note))
    if sources:
        lines += ["", heading(lang, "sources")]
        lines += [f"  [{n}] {text}" for text, n in sources.items()]
    if sc.references:
        lines += ["", heading(lang, "references")]
        lines += [f"  - {ref}" for ref in sc.references]
    lines += ["", label(lang, "bytes").format(n=MAX_LITERAL_BYTES)]
    return "\n".join(lines) + "\n"
