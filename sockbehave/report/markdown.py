"""The matrix as Markdown: for a GitHub job summary, or pasting into teaching material.

Owns: the job-summary layout and Markdown escaping. ``render_markdown`` leads with a compact
table of only the steps where the OSes differ, in short outcome codes (``RST``, ``refused``,
``timeout``, ``b''``, counts) with a legend of the codes it used, so it fits GitHub's 1,012 px
summary column with four OSes; every topic's full table (each cell's outcome, what it rests on,
its evidence, the expectation it contradicts) follows in a ``<details>`` block, as do the
evidence counts and the list of reports.

Escaping: Reports are untrusted: every string from them lands either in a code
span (``code``) or in escaped text (``text``), never raw, so a hostile report cannot inject
links, HTML or table structure.
"""

from __future__ import annotations

import re

from ..evidence import STRENGTH, goal_line
from ..tables import EVIDENCE, OSES
from .matrix import CATEGORIES, Matrix, MatrixCell, topics

__all__ = ["code", "prose", "render_markdown", "short_outcome", "text"]

ICON = {"as expected": "✅", "unexpected": "❌", "new": "🆕", "known gap": "🕳️", "not run": "▫️"}
RESTS = {"observed on a real OS": "real", "simulated": "sim", "documented only": "docs"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+")
#: errno names with a shorter, better known name in the compact table.
_ERRNO_SHORT = {"ECONNRESET": "RST", "ECONNREFUSED": "refused", "ECONNABORTED": "aborted"}
_EXCEPTION = re.compile(r"^[A-Za-z]*(?:Error|Exception)\((E[A-Z0-9]+)\)$")
_TIME = {"immediate": "now"}
#: The marks the compact table adds to a cell, by category.
_COMPACT_MARK = {"unexpected": " ❌", "new": " 🆕", "known gap": " 🕳️"}


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


def short_outcome(outcome: str) -> str:
    """A short code for an outcome: ``ConnectionResetError(ECONNRESET)`` -> ``RST``,
    ``ConnectionRefusedError(ECONNREFUSED) @~2s`` -> ``refused ~2s``, ``None`` -> ``ok``,
    ``(<socket>, <addr>)`` -> ``conn``, ``unknown`` -> ``?``; long byte strings are cut."""
    parts = [p.strip() for p in outcome.split(" | ")]
    if len(parts) > 1:
        return "/".join(short_outcome(p) for p in parts)
    value, _, when = outcome.partition(" @")
    when = _TIME.get(when, when)
    m = _EXCEPTION.match(value)
    if m:
        value = _ERRNO_SHORT.get(m.group(1), m.group(1))
    elif value == "None":
        value = "ok"
    elif value == "unknown":
        value = "?"
    elif value == "not-reached":
        value = "not reached"
    elif value.startswith("(<socket>"):
        value = "conn"
    elif value.startswith("(b'") and value.endswith(", <addr>)"):
        value = value[1 : -len(", <addr>)")] + "+addr"
    if value.startswith("b'") and len(value) > 12:
        value = value[:9] + "…'"
    return f"{value} {when}" if when else value


def _compact_cell(cell: MatrixCell, legend: dict[str, set[str]]) -> str:
    full = cell.outcome
    short = short_outcome(full)
    if short != full:
        legend.setdefault(short, set()).add(full)
    shown = code(short)
    if cell.predicted:
        shown = f"*{shown}*"
    return shown + _COMPACT_MARK.get(cell.category, "")


def _compact(matrix: Matrix) -> list[str]:
    """The table of the steps where the OSes differ, in short codes, and its legend."""
    rows = [r for r in matrix.rows if r.differs]
    cols = matrix.columns
    if not rows:
        return [f"All {len(matrix.rows)} steps agree across {', '.join(text(c) for c in cols)}.", ""]
    legend: dict[str, set[str]] = {}
    lines = [
        f"**{len(rows)} of {len(matrix.rows)} steps differ between the OSes** (the rest agree; "
        "every step is in the full tables below).",
        "",
        "| scenario · step | " + " | ".join(text(c) for c in cols) + " |",
        "|---|" + "---|" * len(cols),
    ]
    for row in rows:
        head = f"{code(row.scenario)} · {code(row.step)}"
        lines.append(f"| {head} | " + " | ".join(_compact_cell(row.cells[c], legend) for c in cols) + " |")
    codes = "; ".join(
        f"{code(short)} = " + " or ".join(code(f) for f in sorted(fulls)) for short, fulls in sorted(legend.items())
    )
    lines += [
        "",
        "<sub>*Italic*: predicted by the simulator, not observed. ❌ contradicts the table, 🆕 the table says "
        "`unknown` or has no entry, 🕳️ a known simulator gap. `?`: nothing observed and the table says unknown."
        + (f" Codes: {codes}.</sub>" if codes else "</sub>"),
        "",
    ]
    return lines


def _details(summary: str, body: list[str]) -> list[str]:
    """A folded block; ``summary`` must already be escaped. Blank lines let Markdown render inside."""
    return [f"<details><summary>{summary}</summary>", "", *body, "", "</details>", ""]


def render_markdown(matrix: Matrix) -> str:
    counts = matrix.counts()
    lines = [
        "## sockbehave: socket behaviour by OS",
        "",
        f"sockbehave {text(matrix.tool_version)} · catalog {code(matrix.catalog_version)} · "
        + ", ".join(f"{ICON[c]} {c}: {counts[c]}" for c in CATEGORIES),
        "",
        *_compact(matrix),
    ]
    if matrix.stale:
        lines += [
            "> **Stale reports** (made with another catalog version): " + ", ".join(text(s) for s in matrix.stale),
            "",
        ]
    full = [
        "Each cell shows the outcome it rests on (<sub>real</sub> observed on a real OS, "
        "<sub>sim</sub> simulated, <sub>docs</sub> the table's expectation only) and the evidence "
        "level of the table's cell, heavier for stronger evidence: observed (run there), tested (an "
        "upstream test suite asserts it on that OS), documented (a primary document), inferred, unknown.",
        "",
        *_evidence_table(matrix),
    ]
    lines += _details("How to read the full tables, and the evidence behind them", full)
    for topic in [*topics(matrix), ""]:
        rows = [r for r in matrix.rows if r.topic == topic]
        if not rows:
            continue
        name = text(topic) if topic else "not in the current catalog"
        differ = sum(r.differs for r in rows)
        cols = matrix.columns
        table = [
            f"### {name}",
            "",
            "| scenario · step | " + " | ".join(text(c) for c in cols) + " |",
            "|---|" + "---|" * len(cols),
        ]
        for row in rows:
            head = f"{code(row.scenario)} · {code(row.step)}"
            table.append(f"| {head} | " + " | ".join(_cell(row.cells[c]) for c in cols) + " |")
        lines += _details(f"{name}: all {len(rows)} steps ({differ} differ)", table)
    reports = [
        "| report | OS (variant) | backend | Python | kernel | created |",
        "|---|---|---|---|---|---|",
    ]
    for s in matrix.sources:
        reports.append(
            "| " + " | ".join(code(s[k]) for k in ("name", "variant", "backend", "python", "release", "created")) + " |"
        )
    lines += _details(f"Reports ({len(matrix.sources)})", reports)
    return "\n".join(lines) + "\n"
