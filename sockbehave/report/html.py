"""The matrix as one self-contained HTML page: filterable, citable, safe to open.

Owns: the page. No external resources: a Content-Security-Policy forbids every fetch, styles
and the small filter script are inline. Every scenario has a stable anchor (its id, e.g.
``#udp.recv-buffer-smaller-than-datagram``) and every cell one of its own
(``#udp.recv-buffer-smaller-than-datagram/recv-4/windows``). Reports are untrusted: every
string passes through ``html.escape``, and only http(s) sources become links.
"""

from __future__ import annotations

import html
import re
from typing import Optional

from ..evidence import STRENGTH, goal_line
from ..tables import EVIDENCE, OSES, Cell
from .matrix import CATEGORIES, Matrix, MatrixCell, MatrixRow, Seen, topics

__all__ = ["render_html"]

_URL = re.compile(r"https?://[^\s<>\"')]+")


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _source(text: str) -> str:
    """Escaped text in which http(s) URLs become links (nothing else can)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(e(text[last : m.start()]))
        url = m.group(0)
        out.append(f'<a href="{e(url)}" rel="noopener noreferrer">{e(url)}</a>')
        last = m.end()
    out.append(e(text[last:]))
    return "".join(out)


def _seen(label: str, items: list[Seen]) -> str:
    parts = []
    for s in items:
        runs = "; ".join(s.runs)
        parts.append(
            f'<div class="seen {_slug(s.category)}" title="{e(runs)}"><span class="k">{e(label)}</span> <code>{e(s.outcome)}</code></div>'
        )
    return "".join(parts)


def _expected(cell: Optional[Cell]) -> str:
    if cell is None:
        return '<div class="exp"><span class="k">table</span> <em>no entry</em></div>'
    outcomes = "<em>unknown</em>" if cell.is_unknown else f"<code>{e(' | '.join(cell.outcomes))}</code>"
    note = f"<p>{e(cell.note)}</p>" if cell.note else ""
    gap = f"<p><strong>known simulator gap:</strong> {e(cell.sim_gap)}</p>" if cell.sim_gap else ""
    source = f"<p>{_source(cell.source)}</p>" if cell.source else ""
    label = f'<span class="lvl ev-{e(cell.evidence)}" title="evidence: {e(cell.evidence)}">{e(cell.evidence)}</span>'
    detail = f"<details><summary>{label}</summary>{source}{note}{gap}</details>" if source or note or gap else label
    return f'<div class="exp"><span class="k">table</span> {outcomes} {detail}</div>'


def _cell(row: MatrixRow, os_name: str, cell: MatrixCell) -> str:
    anchor = f"{row.scenario}/{row.step}/{os_name}"
    cat = _slug(cell.category)
    level = cell.expected.evidence if cell.expected is not None else "none"
    varies = '<div class="varies">varies by run</div>' if cell.varies else ""
    return (
        f'<td id="{e(anchor)}" class="cell {cat} ev-{e(level)}" data-os="{e(os_name)}" '
        f'data-category="{e(cell.category)}" data-evidence="{e(level)}">'
        f'<div class="badge">{e(cell.category)} · {e(cell.rests_on)}</div>'
        f"{_seen('real', cell.real)}{_seen('sim', cell.sim)}{_expected(cell.expected)}{varies}"
        f'<a class="cite" href="#{e(anchor)}" title="link to this cell">#</a></td>'
    )


_STYLE = (
    """
:root { color-scheme: light; --ok:#e7f5ea; --bad:#fde2e1; --new:#e3eefc; --gap:#fff1d6; --none:#f3f3f3; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d1f23; background: #fff; }
header { position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid #ddd; padding: 10px 20px; z-index: 2; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
main { padding: 0 20px 40px; } .meta { color: #555; margin: 0 0 8px; }
form { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; }
label { font-weight: 600; } select { font: inherit; padding: 2px 4px; }
.legend span { display: inline-block; padding: 1px 8px; border-radius: 10px; margin-right: 6px; border: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #d7d7d7; padding: 6px 8px; vertical-align: top; text-align: left; }
thead th { background: #f0f0f0; } th.step { width: 18%; font-weight: 500; }
tr.scenario th { background: #f7f7fb; font-weight: 600; } tr.scenario th a.id { font-family: ui-monospace, Menlo, Consolas, monospace; }
tr.scenario .title { font-weight: 400; color: #444; }
td.cell { position: relative; } .as-expected { background: var(--ok); } .unexpected { background: var(--bad); }
.new { background: var(--new); } .known-gap { background: var(--gap); } .not-run { background: var(--none); color: #555; }
td.unexpected { outline: 2px solid #c62828; outline-offset: -2px; }
.badge { font-size: 11px; text-transform: uppercase; letter-spacing: .03em; color: #444; margin-bottom: 3px; }
.k { display: inline-block; min-width: 32px; font-size: 11px; color: #666; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; word-break: break-word; }
.seen code { font-weight: 600; } .exp { color: #333; } details { display: inline; } summary { cursor: pointer; color: #345; display: inline; }
details[open] { display: block; background: #fff; border: 1px solid #ccc; padding: 4px 6px; margin-top: 4px; }
details p { margin: 2px 0; font-size: 12px; } .ev { font-size: 12px; color: #345; }
.varies { font-size: 11px; color: #8a4b00; } a.cite { position: absolute; top: 2px; right: 5px; color: #999; text-decoration: none; font-size: 11px; }
.lvl { font-size: 12px; color: #234; } .ev-legend { border-collapse: collapse; width: auto; margin: 4px 0; }
.ev-legend th, .ev-legend td { padding: 1px 8px; font-size: 12px; text-align: right; } .ev-legend th:first-child { text-align: left; }
"""
    + "".join(
        f".lvl.ev-{lv} {{ font-weight: {300 + 150 * n}; }} td.ev-{lv} {{ border-left: {1 + n}px solid #456; }}\n"
        for lv, n in STRENGTH.items()
    )
    + """.lvl.ev-inferred, .lvl.ev-unknown { font-style: italic; } td.ev-unknown { border-left-style: dashed; }
.hidden { display: none; } footer { padding: 10px 20px 30px; color: #555; }
"""
)

_SCRIPT = """
(function () {
  var form = document.getElementById('filters');
  function apply() {
    var topic = form.topic.value, os = form.os.value, cat = form.category.value;
    document.querySelectorAll('[data-os]').forEach(function (el) {
      el.classList.toggle('hidden', os !== '' && el.getAttribute('data-os') !== os);
    });
    document.querySelectorAll('section[data-topic]').forEach(function (sec) {
      var anyVisible = false;
      sec.querySelectorAll('tr.step').forEach(function (tr) {
        var cells = Array.prototype.slice.call(tr.querySelectorAll('td.cell')).filter(function (td) {
          return os === '' || td.getAttribute('data-os') === os;
        });
        var ok = cat === '' || cells.some(function (td) { return td.getAttribute('data-category') === cat; });
        tr.classList.toggle('hidden', !ok);
        anyVisible = anyVisible || ok;
      });
      sec.querySelectorAll('tr.scenario').forEach(function (tr) {
        var sid = tr.getAttribute('data-scenario'), show = false;
        sec.querySelectorAll('tr.step').forEach(function (s) {
          if (s.getAttribute('data-scenario') === sid && !s.classList.contains('hidden')) { show = true; }
        });
        tr.classList.toggle('hidden', !show);
      });
      sec.classList.toggle('hidden', !anyVisible || (topic !== '' && sec.getAttribute('data-topic') !== topic));
    });
  }
  // Filters can be preset from the URL (?topic=backlog&os=windows&category=new), so a
  // filtered view can be cited too.
  var params = new URLSearchParams(window.location.search);
  ['topic', 'os', 'category'].forEach(function (name) {
    var value = params.get(name);
    if (value !== null) {
      Array.prototype.forEach.call(form[name].options, function (opt) { if (opt.value === value) { form[name].value = value; } });
    }
  });
  form.addEventListener('change', apply);
  apply();
})();
"""


def _options(name: str, label: str, values: list[str]) -> str:
    opts = "".join(f'<option value="{e(v)}">{e(v)}</option>' for v in values)
    return f'<span><label for="f-{name}">{e(label)}</label> <select id="f-{name}" name="{name}"><option value="">all</option>{opts}</select></span>'


def _evidence_table(matrix: Matrix) -> str:
    if matrix.evidence is None:
        return ""
    counts = matrix.evidence.counts
    head = "".join(f"<th>{e(o)}</th>" for o in OSES)
    body = "".join(
        f'<tr><th><span class="lvl ev-{e(lv)}">{e(lv)}</span></th>'
        + "".join(f"<td>{counts[o][lv]}</td>" for o in OSES)
        + "</tr>"
        for lv in EVIDENCE
    )
    return (
        '<h2 id="evidence">Evidence behind the tables</h2>'
        f'<table class="ev-legend"><thead><tr><th>evidence (table cells)</th>{head}</tr></thead>'
        f'<tbody>{body}</tbody></table><p class="meta">{e(goal_line(matrix.evidence))}</p>'
    )


def render_html(matrix: Matrix) -> str:
    counts = matrix.counts()
    legend = "".join(f'<span class="{_slug(c)}">{e(c)}: {counts[c]}</span>' for c in CATEGORIES)
    sections = []
    for topic in [*topics(matrix), ""]:
        rows = [r for r in matrix.rows if r.topic == topic]
        if not rows:
            continue
        body, current = [], None
        for row in rows:
            if row.scenario != current:
                current = row.scenario
                title = f' <span class="title">{e(row.title)}</span>' if row.title else ""
                body.append(
                    f'<tr class="scenario" id="{e(row.scenario)}" data-scenario="{e(row.scenario)}">'
                    f'<th colspan="{len(matrix.columns) + 1}"><a class="id" href="#{e(row.scenario)}">{e(row.scenario)}</a>{title}</th></tr>'
                )
            cells = "".join(_cell(row, c, row.cells[c]) for c in matrix.columns)
            body.append(
                f'<tr class="step" data-scenario="{e(row.scenario)}"><th class="step"><code>{e(row.step)}</code></th>{cells}</tr>'
            )
        head = "".join(f'<th data-os="{e(c)}">{e(c)}</th>' for c in matrix.columns)
        name = topic or "not in the current catalog"
        sections.append(
            f'<section data-topic="{e(topic)}"><h2 id="topic-{e(_slug(name))}">{e(name)}</h2>'
            f'<table><thead><tr><th class="step">scenario · step</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></section>'
        )
    reports = "".join(
        "<tr>"
        + "".join(
            f"<td><code>{e(s[k])}</code></td>"
            for k in ("name", "variant", "backend", "python", "release", "created", "catalog_version")
        )
        + "</tr>"
        for s in matrix.sources
    )
    stale = (
        f'<p class="meta"><strong>Stale reports</strong> (made with another catalog version): {e(", ".join(matrix.stale))}</p>'
        if matrix.stale
        else ""
    )
    filters = (
        _options("topic", "Topic", topics(matrix))
        + _options("os", "OS", list(matrix.columns))
        + _options("category", "Category", list(CATEGORIES))
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sockbehave: socket behaviour by OS</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>Socket behaviour by OS</h1>
<p class="meta">sockbehave {e(matrix.tool_version)} · catalog <code>{e(matrix.catalog_version)}</code> · {len(matrix.sources)} reports ·
each cell rests on a real run, else the simulator, else the table's expectation, whose evidence level is drawn
heavier the stronger it is (observed, tested by an upstream suite on that OS, documented, inferred, unknown).</p>
<div class="legend">{legend}</div>
<form id="filters">{filters}</form>
</header>
<main>
{_evidence_table(matrix)}
{stale}
{"".join(sections)}
<h2 id="reports">Reports</h2>
<table><thead><tr><th>report</th><th>OS (variant)</th><th>backend</th><th>Python</th><th>kernel</th><th>created</th><th>catalog</th></tr></thead><tbody>{reports}</tbody></table>
</main>
<footer>Cite a cell by its link (the # in its corner). Generated by <code>sockbehave report</code>.</footer>
<script>{_SCRIPT}</script>
</body>
</html>
"""
