"""``sockbehave explain ID --format md``: a paste-ready block for teaching material.

Owns: the Markdown form of one scenario: the claim, what each OS really does with the
evidence behind it, the sources as links, a link to the scenario in the published matrix, and
the code (the standalone example when the scenario has one). In Chinese with ``lang="zh"``
(the scenario's text and the labels; outcomes and sources stay as they are).
"""

from __future__ import annotations

from typing import Optional

from ..catalog import Catalog
from ..lang import Text, heading, label, text_of
from ..links import Example, page_path, site_url
from ..scenario import Scenario
from ..tables import OSES
from .markdown import code, prose, text

__all__ = ["explain_markdown"]


def _fence(source: str) -> str:
    """A code fence longer than any run of backticks in ``source``."""
    longest = max((len(run.strip()) for run in source.split("\n") if set(run.strip()) == {"`"}), default=0)
    return "`" * max(3, longest + 1)


def _bold(lang: str, key: str) -> str:
    """A bold lead-in. In Chinese the full-width colon stays outside the ``**``: CommonMark does
    not close emphasis after punctuation that a letter follows (``**说法：**在`` stays literal)."""
    if lang == "zh":
        return f"**{label(lang, key)}**："
    return f"**{label(lang, key)}:** "


def explain_markdown(
    sc: Scenario,
    catalog: Catalog,
    *,
    lang: str = "en",
    words: Optional[Text] = None,
    example: Optional[Example] = None,
    base: Optional[str] = None,
) -> str:
    steps = catalog.steps(sc.id)
    said = words or text_of(sc, "en", {})
    sources: list[str] = []

    def ref(source: str) -> str:
        if not source:
            return ""
        if source not in sources:
            sources.append(source)
        return f"<sup>[{sources.index(source) + 1}]</sup>"

    lines = [
        f"#### {code(sc.id)}: {text(said.title)}",
        "",
        f"{_bold(lang, 'claim')}{text(said.claim)}",
        "",
        f"{_bold(lang, 'what_happens')}{prose(said.explanation)}",
        "",
        f"| {label(lang, 'step')} | " + " | ".join(OSES) + " |",
        "|---|" + "---|" * len(OSES),
    ]
    for step, cells in steps.items():
        row = []
        for os_name in OSES:
            cell = cells[os_name]
            shown = " / ".join(code(o) for o in cell.outcomes)
            row.append(f"{shown} <sub>{text(cell.evidence)}</sub>{ref(cell.source)}")
        lines.append(f"| {code(step)} | " + " | ".join(row) + " |")
    lines += ["", heading(lang, "sources"), ""]
    lines += [f"{i}. {text(s)}" for i, s in enumerate(sources, 1)]
    if base is not None:
        lines += [
            "",
            heading(lang, "matrix", then=f"<{site_url(base, sc.id, lang)}>")
            + " · "
            + heading(lang, "page", then=f"<{base}{page_path(sc.id, lang)}>"),
        ]
    if example is not None:
        title = heading(
            lang, "example", code(example.path.name) + label(lang, "and") + text(label(lang, "example_note"))
        )
        body = example.code
    else:
        title = heading(lang, "code", f"{text(label(lang, 'code_note'))} {code(sc.id)}")
        body = sc.code
    fence = _fence(body)
    lines += ["", title, "", f"{fence}python", body.rstrip(), fence, ""]
    return "\n".join(lines)
