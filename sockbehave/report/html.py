"""The matrix as one self-contained HTML page: differences first, filterable, citable, safe to open.

Owns: the page. Cells are coloured by outcome, not by verdict: within a row the most common
outcome is drawn quietly and every other outcome in its own fill, each row says whether the
OSes differ, and rows where they all agree are folded until asked for (``?diff=all``). A
simulated outcome is labelled a prediction (light, italic and hatched where the table says
``unknown``); the verdict (unexpected, new, known gap) is a mark. The filters live in the URL
(``?topic=&os=&category=&diff=all``); a cited anchor is shown even if filtered out, scrolled
below the sticky header and highlighted. Errno names wrap only between words. The page's own
words (headers, filters, legend, verdicts, evidence levels, the script's messages) come from
``lang.label`` in its language; ids, anchors, URL parameters, data attributes, outcomes and
errno names are the same in every language.

No external resources: a Content-Security-Policy forbids every fetch, styles and the small
filter script are inline. Every scenario has a stable anchor (its id, e.g.
``#udp.recv-buffer-smaller-than-datagram``) and every cell one of its own
(``#udp.recv-buffer-smaller-than-datagram/recv-4/windows``). Reports are untrusted: every
string passes through ``html.escape``, and only http(s) sources become links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Optional

from ..evidence import GOAL, STRENGTH, EvidenceSummary, goal_share, percent
from ..lang import label
from ..tables import EVIDENCE, OSES, Cell
from .matrix import CATEGORIES, Matrix, MatrixCell, MatrixRow, Seen, topics
from .pictures import topic_pictures

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


def _column_name(column: str) -> str:
    """An OS or variant name that may break after ``[``, ``.``, ``=`` and ``+`` (a variant such as
    ``linux[net.core.somaxconn=4]`` is wider than its column) but nowhere else."""
    return re.sub(r"([\[.=+])", r"\1<wbr>", e(column))


def _code(text: str) -> str:
    """Escaped outcome text that may wrap only between words: after ``(``, ``|`` and ``,``,
    never inside an errno name such as ``ECONNREFUSED``."""
    return re.sub(r"([(|,])", r"\1<wbr>", e(text))


# Fills by outcome, not by verdict: the row's most common outcome is quiet, each other outcome
# gets its own strong fill, so the OS that behaves differently stands out.
OUTCOME_FILLS = ("#eef1f5", "#ffd8a8", "#d0bfff", "#a5e9f5", "#c3f0ca", "#fcc2d7")
MARKS = {"as expected": "✓", "unexpected": "✗", "new": "★", "known gap": "◐", "not run": "–"}


def _groups(row: MatrixRow) -> dict[str, int]:
    """Column (OS or variant) -> fill index: 0 for the outcome most columns share, then 1, 2, ..."""
    outcomes = [cell.outcome for cell in row.cells.values()]
    ranked = sorted(dict.fromkeys(outcomes), key=lambda out: -outcomes.count(out))
    return {c: min(ranked.index(cell.outcome), len(OUTCOME_FILLS) - 1) for c, cell in row.cells.items()}


def _w(lang: str, key: str) -> str:
    """One of the page's fixed phrases in ``lang`` (``lang.label``), escaped."""
    return e(label(lang, key))


def _seen(lang: str, key: str, items: list[Seen]) -> str:
    parts = []
    for s in items:
        runs = "; ".join(s.runs)
        parts.append(
            f'<div class="seen {_slug(s.category)}" title="{e(runs)}"><span class="k">{_w(lang, key)}</span> <code>{_code(s.outcome)}</code></div>'
        )
    return "".join(parts)


def _expected(cell: Optional[Cell], lang: str) -> str:
    table = f'<span class="k">{_w(lang, "m_table")}</span>'
    if cell is None:
        return f'<div class="exp">{table} <em>{_w(lang, "m_no_entry")}</em></div>'
    outcomes = (
        f"<em>{_w(lang, 'unknown')}</em>" if cell.is_unknown else f"<code>{_code(' | '.join(cell.outcomes))}</code>"
    )
    note = f"<p>{e(cell.note)}</p>" if cell.note else ""
    gap = f"<p><strong>{_w(lang, 'm_sim_gap')}</strong> {e(cell.sim_gap)}</p>" if cell.sim_gap else ""
    source = f"<p>{_source(cell.source)}</p>" if cell.source else ""
    level = _w(lang, cell.evidence)
    level = f'<span class="lvl ev-{e(cell.evidence)}" title="{_w(lang, "m_evidence")}{level}">{level}</span>'
    detail = f"<details><summary>{level}</summary>{source}{note}{gap}</details>" if source or note or gap else level
    return f'<div class="exp">{table} {outcomes} {detail}</div>'


def _cell(row: MatrixRow, os_name: str, cell: MatrixCell, group: int, lang: str) -> str:
    anchor = f"{row.scenario}/{row.step}/{os_name}"
    cat = _slug(cell.category)
    verdict = _w(lang, cell.category)
    level = cell.expected.evidence if cell.expected is not None else "none"
    # A prediction where the table knows nothing must never read as a fact.
    unverified = cell.predicted and (cell.expected is None or cell.expected.is_unknown)
    varies = f'<div class="varies">{_w(lang, "m_varies")}</div>' if cell.varies else ""
    rests = "m_prediction_unknown" if unverified else "m_prediction" if cell.predicted else cell.rests_on
    runs = "; ".join(run for seen in (cell.real or cell.sim) for run in seen.runs)
    # One outcome seen once is the cell's outcome line; several (runs disagree, or a real run
    # and a prediction) are listed one by one.
    several = len(cell.real) + len(cell.sim) > 1
    seen = f"{_seen(lang, 'm_real', cell.real)}{_seen(lang, 'm_predicted', cell.sim)}" if several else ""
    return (
        f'<td id="{e(anchor)}" class="cell {cat} ev-{e(level)}" data-fill="{group}"{" data-unverified" if unverified else ""} '
        f'data-os="{e(os_name)}" data-category="{e(cell.category)}" data-evidence="{e(level)}">'
        f'<div class="badge"><span class="mark {cat}" title="{_w(lang, "m_verdict")}{verdict}">'
        f"{MARKS.get(cell.category, '?')} {verdict}</span> · {_w(lang, rests)}</div>"
        f'<div class="out" title="{e(runs)}"><code>{_code(cell.outcome)}</code></div>'
        f"{seen}{_expected(cell.expected, lang)}{varies}"
        f'<a class="cite" href="#{e(anchor)}" title="{_w(lang, "m_cite")}">#</a></td>'
    )


_STYLE = (
    """
:root { color-scheme: light; --bad:#c62828; --new:#1565c0; --gap:#b26a00; --cite:#f59f00; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d1f23; background: #fff; }
header { position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid #ddd; padding: 10px 20px; z-index: 2; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
main { padding: 0 20px 40px; } .meta { color: #555; margin: 0 0 8px; }
figure.sb-summary { margin: 4px 0 14px; } figure.sb-summary figcaption { color: #555; font-size: 13px; }
form { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; }
label { font-weight: 600; } select, button { font: inherit; padding: 2px 4px; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 8px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #d7d7d7; padding: 6px 8px; vertical-align: top; text-align: left; }
thead th { background: #f0f0f0; } th.step { width: 18%; font-weight: 500; }
tr.scenario th { background: #f7f7fb; font-weight: 600; } tr.scenario th a.id { font-family: ui-monospace, Menlo, Consolas, monospace; }
tr.scenario .title { font-weight: 400; color: #444; }
td.cell { position: relative; } .not-run { color: #555; }
.agree { font-size: 11px; color: #777; } .agree.differ { color: #8a2be2; font-weight: 700; }
.mark { font-weight: 600; color: #2e7d32; } .mark.unexpected { color: #fff; background: var(--bad); padding: 0 4px; border-radius: 3px; }
.mark.zero { color: #777 !important; background: none !important; font-weight: 400; } .mark.new { color: var(--new); } .mark.known-gap { color: var(--gap); } .mark.not-run { color: #777; }
td.unexpected { outline: 2px solid var(--bad); outline-offset: -2px; }
.badge { font-size: 11px; text-transform: uppercase; letter-spacing: .03em; color: #444; margin-bottom: 3px; }
.out code { font-size: 14px; font-weight: 700; } td[data-unverified] .out code { font-weight: 400; font-style: italic; color: #555; }
td[data-unverified] { background-image: repeating-linear-gradient(135deg, transparent 0 8px, rgba(0,0,0,.05) 8px 10px); }
.k { display: inline-block; min-width: 32px; font-size: 11px; color: #666; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; word-break: normal; overflow-wrap: normal; }
.exp { color: #333; } details { display: inline; } summary { cursor: pointer; color: #345; display: inline; }
details[open] { display: block; background: #fff; border: 1px solid #ccc; padding: 4px 6px; margin-top: 4px; }
details p { margin: 2px 0; font-size: 12px; overflow-wrap: anywhere; } .ev { font-size: 12px; color: #345; }
.varies { font-size: 11px; color: #8a4b00; } a.cite { position: absolute; top: 2px; right: 5px; color: #999; text-decoration: none; font-size: 11px; }
.cited, tr.scenario.cited th { outline: 4px solid var(--cite) !important; outline-offset: -4px !important; box-shadow: 0 0 0 4px rgba(245,159,0,.35); }
.lvl { font-size: 12px; color: #234; } .ev-legend { border-collapse: collapse; width: auto; margin: 4px 0; }
.ev-legend th, .ev-legend td { padding: 1px 8px; font-size: 12px; text-align: right; } .ev-legend th:first-child { text-align: left; }
.folded { color: #555; margin: 4px 0 0; } #empty { font-size: 16px; padding: 16px; background: #fff8e1; border: 1px solid #f0d58c; }
"""
    + "".join(f'td[data-fill="{n}"] {{ background-color: {fill}; }}\n' for n, fill in enumerate(OUTCOME_FILLS))
    + "".join(
        f".lvl.ev-{lv} {{ font-weight: {300 + 150 * n}; }} td.ev-{lv} {{ border-left: {1 + n}px solid #456; }}\n"
        for lv, n in STRENGTH.items()
    )
    + """.lvl.ev-inferred, .lvl.ev-unknown { font-style: italic; } td.ev-unknown { border-left-style: dashed; }
.hidden { display: none !important; } footer { padding: 10px 20px 30px; color: #555; }
nav.site { display: flex; gap: 16px; font-size: 13px; margin-bottom: 2px; } nav.site .lang { margin-left: auto; font-weight: 600; }
nav.site + .meta { margin: 0; } a.page { text-decoration: none; font-weight: 700; }
"""
)

_SCRIPT = """
(function () {
  var form = document.getElementById('filters'), header = document.querySelector('header');
  var NAMES = ['topic', 'os', 'category', 'diff'];
  var forced = [];  // rows a cited anchor keeps visible whatever the filters say
  function apply() {
    var topic = form.topic.value, os = form.os.value, cat = form.category.value, all = form.diff.value === 'all';
    var total = 0, folded = 0;
    document.querySelectorAll('[data-os]').forEach(function (el) {
      el.classList.toggle('hidden', os !== '' && el.getAttribute('data-os') !== os);
    });
    document.querySelectorAll('section[data-topic]').forEach(function (sec) {
      var shown = 0, fold = 0, inTopic = topic === '' || sec.getAttribute('data-topic') === topic;
      sec.querySelectorAll('tr.step').forEach(function (tr) {
        var cells = Array.prototype.slice.call(tr.querySelectorAll('td.cell')).filter(function (td) {
          return os === '' || td.getAttribute('data-os') === os;
        });
        var ok = inTopic && (cat === '' || cells.some(function (td) { return td.getAttribute('data-category') === cat; }));
        var differs = tr.getAttribute('data-differs') === 'yes', force = forced.indexOf(tr) >= 0;
        var show = force || (ok && (all || differs));
        if (ok && !show) { fold += 1; }
        tr.classList.toggle('hidden', !show);
        if (show) { shown += 1; }
      });
      sec.querySelectorAll('tr.scenario').forEach(function (tr) {
        var sid = tr.getAttribute('data-scenario'), show = forced.indexOf(tr) >= 0;
        sec.querySelectorAll('tr.step').forEach(function (s) {
          if (s.getAttribute('data-scenario') === sid && !s.classList.contains('hidden')) { show = true; }
        });
        tr.classList.toggle('hidden', !show);
      });
      var note = sec.querySelector('.folded');
      note.querySelector('.n').textContent = String(fold);
      note.classList.toggle('hidden', fold === 0);
      sec.querySelector('table').classList.toggle('hidden', shown === 0);
      sec.classList.toggle('hidden', shown === 0 && fold === 0);
      total += shown; folded += fold;
    });
    var empty = document.getElementById('empty');
    empty.classList.toggle('hidden', total > 0);
    // The words are the page's (its language), in data attributes; {n} is the folded count.
    empty.querySelector('.why').textContent = folded > 0
      ? empty.getAttribute('data-folded').replace('{n}', String(folded))
      : empty.getAttribute('data-none');
    document.getElementById('unfold-all').classList.toggle('hidden', folded === 0);
  }
  function share() {
    // The URL carries the filters (defaults left out), so any view can be shared.
    var params = new URLSearchParams();
    NAMES.forEach(function (name) { if (form[name].value !== '') { params.set(name, form[name].value); } });
    var query = params.toString();
    try {
      history.replaceState(null, '', (query ? '?' + query : window.location.pathname) + window.location.hash);
    } catch (err) { /* some file:// setups refuse; the view still works */ }
  }
  function unfold() { form.diff.value = 'all'; apply(); share(); }
  function cite() {
    document.querySelectorAll('.cited').forEach(function (el) { el.classList.remove('cited'); });
    forced = [];
    var id = window.location.hash.slice(1), target = null;
    try { id = decodeURIComponent(id); } catch (err) { /* keep it raw */ }
    if (id !== '') { target = document.getElementById(id); }
    if (target === null) { apply(); return; }
    var row = target.closest('tr');
    if (row !== null) {
      forced.push(row);
      if (row.classList.contains('scenario')) {
        document.querySelectorAll('tr.step').forEach(function (s) {
          if (s.getAttribute('data-scenario') === row.getAttribute('data-scenario')) { forced.push(s); }
        });
      }
    }
    var os = target.getAttribute('data-os');
    if (os !== null && form.os.value !== '' && form.os.value !== os) { form.os.value = ''; share(); }
    var sec = target.closest('section[data-topic]');
    if (sec !== null && form.topic.value !== '' && form.topic.value !== sec.getAttribute('data-topic')) { form.topic.value = ''; share(); }
    apply();
    target.classList.add('cited');
    // Below the sticky header, whatever its height, not under it.
    var top = target.getBoundingClientRect().top + window.pageYOffset - header.offsetHeight - 40;
    window.scrollTo(0, Math.max(0, top));
  }
  // Filters come from the URL (?topic=backlog&os=windows&category=new&diff=all).
  var params = new URLSearchParams(window.location.search);
  NAMES.forEach(function (name) {
    var value = params.get(name);
    if (value !== null) {
      Array.prototype.forEach.call(form[name].options, function (opt) { if (opt.value === value) { form[name].value = value; } });
    }
  });
  form.addEventListener('change', function () { apply(); share(); });
  document.querySelectorAll('button.unfold').forEach(function (b) { b.addEventListener('click', unfold); });
  document.getElementById('clear').addEventListener('click', function () {
    NAMES.forEach(function (name) { form[name].value = ''; }); apply(); share();
  });
  window.addEventListener('hashchange', cite);
  window.addEventListener('load', cite);
  cite();
})();
"""


def _options(lang: str, name: str, key: str, values: list[str], shown: Mapping[str, str], default: str) -> str:
    """A filter: the option values are what the URL carries (never translated), ``shown`` their words."""
    opts = "".join(f'<option value="{e(v)}">{e(shown.get(v, v))}</option>' for v in values)
    return (
        f'<span><label for="f-{name}">{_w(lang, key)}</label> <select id="f-{name}" name="{name}">'
        f'<option value="">{_w(lang, default)}</option>{opts}</select></span>'
    )


def _goal(summary: EvidenceSummary, lang: str) -> str:
    """``evidence.goal_line`` in ``lang``."""
    cited, cells, share = goal_share(summary)
    met = label(lang, "m_met" if share >= GOAL else "m_not_met")
    return label(lang, "m_goal").format(cited=cited, cells=cells, share=percent(share), goal=f"{GOAL:.0%}", met=met)


def _evidence_table(matrix: Matrix, lang: str) -> str:
    if matrix.evidence is None:
        return ""
    counts = matrix.evidence.counts
    head = "".join(f"<th>{e(o)}</th>" for o in OSES)
    body = "".join(
        f'<tr><th><span class="lvl ev-{e(lv)}">{_w(lang, lv)}</span></th>'
        + "".join(f"<td>{counts[o][lv]}</td>" for o in OSES)
        + "</tr>"
        for lv in EVIDENCE
    )
    return (
        f'<h2 id="evidence">{_w(lang, "m_ev_title")}</h2>'
        f'<table class="ev-legend"><thead><tr><th>{_w(lang, "m_ev_head")}</th>{head}</tr></thead>'
        f'<tbody>{body}</tbody></table><p class="meta">{e(_goal(matrix.evidence, lang))}</p>'
    )


def render_html(matrix: Matrix, *, lang: str = "en", nav: str = "", pages: Optional[Mapping[str, str]] = None) -> str:
    """The page, its own wording in ``lang`` (``lang.LANGS``; ids, anchors, URL parameters,
    outcomes and errno names stay as they are). ``nav`` is trusted markup put atop the header
    (the site's links); ``pages`` maps a scenario id to the (relative) address of its page,
    linked from its row."""
    counts = matrix.counts()
    pages = pages or {}
    colon = _w(lang, "m_colon")
    legend = "".join(
        f'<span class="mark {_slug(c)}{" zero" if counts[c] == 0 else ""}">{MARKS[c]} {_w(lang, c)}{colon}{counts[c]}</span>'
        for c in CATEGORIES
    )
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
                if row.scenario in pages:
                    title += f' <a class="page" href="{e(pages[row.scenario])}" title="{_w(lang, "m_page_link")}">→</a>'
                body.append(
                    f'<tr class="scenario" id="{e(row.scenario)}" data-scenario="{e(row.scenario)}">'
                    f'<th colspan="{len(matrix.columns) + 1}"><a class="id" href="#{e(row.scenario)}">{e(row.scenario)}</a>{title}</th></tr>'
                )
            groups = _groups(row)
            cells = "".join(_cell(row, o, row.cells[o], groups[o], lang) for o in matrix.columns)
            agree = (
                f'<div class="agree differ">{_w(lang, "m_differ")}</div>'
                if row.differs
                else f'<div class="agree">{_w(lang, "m_agree")}</div>'
            )
            body.append(
                f'<tr class="step" data-scenario="{e(row.scenario)}" data-differs="{"yes" if row.differs else "no"}">'
                f'<th class="step"><code>{_code(row.step)}</code>{agree}</th>{cells}</tr>'
            )
        head = "".join(f'<th data-os="{e(c)}">{_column_name(c)}</th>' for c in matrix.columns)
        # The heading's id stays English (a stable anchor); only its words are translated.
        name = topic or label("en", "m_not_in_catalog")
        folded = _w(lang, "m_folded").format(n='<span class="n">0</span>')
        sections.append(
            f'<section data-topic="{e(topic)}"><h2 id="topic-{e(_slug(name))}">{e(topic) or _w(lang, "m_not_in_catalog")}</h2>'
            f"{topic_pictures(matrix, topic, lang)}"
            f'<table><thead><tr><th class="step">{_w(lang, "m_step_head")}</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
            f'<p class="folded">{folded} <button type="button" class="unfold">{_w(lang, "m_show_all")}</button></p></section>'
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
    report_heads = "".join(f"<th>{e(h)}</th>" for h in label(lang, "m_report_heads").split("|"))
    stale = (
        f'<p class="meta"><strong>{_w(lang, "m_stale")}</strong>{_w(lang, "m_stale_why")}{e(", ".join(matrix.stale))}</p>'
        if matrix.stale
        else ""
    )
    verdicts = {c: label(lang, c) for c in CATEGORIES}
    filters = (
        _options(lang, "topic", "m_topic", topics(matrix), {}, "m_all")
        + _options(lang, "os", "m_os", list(matrix.columns), {}, "m_all")
        + _options(lang, "category", "m_category", list(CATEGORIES), verdicts, "m_all")
        + _options(lang, "diff", "m_rows", ["all"], {"all": label(lang, "m_all_rows")}, "m_where_differ")
        + f'<button type="button" class="unfold" id="unfold-all">{_w(lang, "m_show_agree")}</button>'
    )
    intro = _w(lang, "m_intro").format(prediction=f"<em>{_w(lang, 'm_prediction')}</em>")
    meta = (
        f"sockbehave {e(matrix.tool_version)} · {_w(lang, 'm_catalog')} <code>{e(matrix.catalog_version)}</code> · "
        f"{_w(lang, 'm_reports_n').format(n=len(matrix.sources))} · {intro}"
    )
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_w(lang, "m_title")}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
{nav}<h1>{_w(lang, "m_h1")}</h1>
<p class="meta">{meta}</p>
<div class="legend">{legend}</div>
<form id="filters">{filters}</form>
</header>
<main>
{_evidence_table(matrix, lang)}
{stale}
<div id="empty" class="hidden" data-none="{_w(lang, "m_none")}" data-folded="{_w(lang, "m_none_folded")}"><span class="why">{_w(lang, "m_none")}</span>
<button type="button" class="unfold">{_w(lang, "m_show_all")}</button> <button type="button" id="clear">{_w(lang, "m_clear")}</button></div>
{"".join(sections)}
<h2 id="reports">{_w(lang, "m_reports")}</h2>
<table><thead><tr>{report_heads}</tr></thead><tbody>{reports}</tbody></table>
</main>
<footer>{_w(lang, "m_footer").format(cmd="<code>sockbehave report</code>")}</footer>
<script>{_SCRIPT}</script>
</body>
</html>
"""
