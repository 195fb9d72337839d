"""The matrix as Markdown: for a GitHub job summary, or pasting into teaching material.

Owns: Markdown escaping. Reports are untrusted: every string from them lands either in a code
span (``code``) or in escaped text (``text``), never raw, so a hostile report cannot inject
links, HTML or table structure.
"""

from __future__ import annotations

import re

from ..evidence import STRENGTH, goal_line
from ..tables import EVIDENCE, OSES
from .matrix import CATEGORIES, Matrix, MatrixCell, topics

__all__ = ["code", "prose", "render_markdown", "text"]

ICON = {"as expected": "✅", "unexpected": "❌", "new": "🆕", "known gap": "🕳️", "not run": "▫️"}
RESTS = {"observed on a real OS": "real", "simulated": "sim", "documented only": "docs"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+")


def _escape(flat: str) -> str:
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", flat)


def text(value: str) -> str:
    """Plain text safe in Markdown (and in a table cell): markup characters are escaped, and
    http(s) URLs become autolinks (the only links a report can produce). Runs of white space
    become one space (a newline would end a table row)."""
    flat = re.sub(r"\s+", " ", str(value))
    out, last = [], 0
    for m in _URL.finditer(flat):
        url = m.group(0).rstrip(".,;)")
        out.append(_escape(flat[last : m.start()]))
        out.append(f"<{url}>")
        last = m.start() + len(url)
    out.append(_escape(flat[last:]))
    return "".join(out)


def prose(value: str) -> str:
    """Text whose ``double-backtick`` spans (reST style, as in scenario docstrings) become code."""
    parts = str(value).split("``")
    return "".join(code(p) if i % 2 else text(p) for i, p in enumerate(parts))


def code(value: str) -> str:
    """A code span that survives backticks, pipes and newlines in ``value``."""
    flat = " ".join(str(value).split()).replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def evidence_mark(level: str) -> str:
    """The level drawn by its weight: filled squares for strength, bold for the levels a
    reader can cite (observed, tested), italics for the weak ones (inferred, unknown)."""
    strength = STRENGTH.get(level, 0)
    marks = "■" * strength + "□" * (max(STRENGTH.values()) - strength)
    label = text(level)
    label = f"**{label}**" if strength >= STRENGTH["tested"] else f"*{label}*" if strength < 2 else label
    return f"{marks} {label}"


def _evidence_table(matrix: Matrix) -> list[str]:
    if matrix.evidence is None:
        return []
    counts = matrix.evidence.counts
    lines = ["| evidence (table cells) | " + " | ".join(OSES) + " |", "|---|" + "---:|" * len(OSES)]
    lines += [f"| {evidence_mark(lv)} | " + " | ".join(str(counts[o][lv]) for o in OSES) + " |" for lv in EVIDENCE]
    return [*lines, "", text(goal_line(matrix.evidence)), ""]


def _cell(cell: MatrixCell) -> str:
    seen = cell.real or cell.sim
    if seen:
        shown = " / ".join(code(s.outcome) for s in seen)
    elif cell.expected is not None:
        shown = " \\| ".join(code(o) for o in cell.expected.outcomes)
    else:
        shown = "–"
    evidence = f" · {evidence_mark(cell.expected.evidence)}" if cell.expected is not None else " · no table entry"
    out = f"{ICON[cell.category]} {shown} <sub>{RESTS[cell.rests_on]}{evidence}</sub>"
    if cell.category == "unexpected" and cell.expected is not None:
        out += " <sub>expected " + " \\| ".join(code(o) for o in cell.expected.outcomes) + "</sub>"
    if cell.varies:
        out += " <sub>varies by run</sub>"
    return out


def render_markdown(matrix: Matrix) -> str:
    counts = matrix.counts()
    lines = [
        "## sockbehave: socket behaviour by OS",
        "",
        f"sockbehave {text(matrix.tool_version)} · catalog {code(matrix.catalog_version)} · "
        + ", ".join(f"{ICON[c]} {c}: {counts[c]}" for c in CATEGORIES),
        "",
        "Each cell shows the outcome it rests on (<sub>real</sub> observed on a real OS, "
        "<sub>sim</sub> simulated, <sub>docs</sub> the table's expectation only) and the evidence "
        "level of the table's cell, heavier for stronger evidence: observed (run there), tested (an "
        "upstream test suite asserts it on that OS), documented (a primary document), inferred, unknown.",
        "",
        *_evidence_table(matrix),
    ]
    if matrix.stale:
        lines += [
            "> **Stale reports** (made with another catalog version): " + ", ".join(text(s) for s in matrix.stale),
            "",
        ]
    for topic in [*topics(matrix), ""]:
        rows = [r for r in matrix.rows if r.topic == topic]
        if not rows:
            continue
        lines += [f"### {text(topic) if topic else 'not in the current catalog'}", ""]
        cols = matrix.columns
        lines += ["| scenario · step | " + " | ".join(text(c) for c in cols) + " |", "|---|" + "---|" * len(cols)]
        for row in rows:
            head = f"{code(row.scenario)} · {code(row.step)}"
            lines.append(f"| {head} | " + " | ".join(_cell(row.cells[c]) for c in cols) + " |")
        lines.append("")
    lines += [
        "#### Reports",
        "",
        "| report | OS (variant) | backend | Python | kernel | created |",
        "|---|---|---|---|---|---|",
    ]
    for s in matrix.sources:
        lines.append(
            "| " + " | ".join(code(s[k]) for k in ("name", "variant", "backend", "python", "release", "created")) + " |"
        )
    return "\n".join(lines) + "\n"
