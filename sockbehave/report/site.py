"""``sockbehave site``: the matrix, a page per scenario and the claims, in English and Chinese.

Owns: the pages of the static site and their addresses (``sockbehave.links``)::

    index.html            the differences matrix (``render_html``), each scenario row linking its page
    s/<id>.html           one scenario: the claim, the answer per OS with evidence and sources,
                          the explanation, pictures, the standalone example (else the scenario's code)
    claims.html           what tutorials claim, and where each claim is tested
    zh/...                the same pages in Chinese; every page has a language switch

It returns the files as text by relative path; ``files.replace_tree`` writes them. Every page
works from ``file://`` with no network: styles are inline, links are relative, nothing is
fetched (the Content-Security-Policy forbids it), and the matrix's anchors stay as they are
(``index.html#<id>/<step>/<os>``). Report and catalog strings are escaped with the matrix
page's ``e``; only http(s) sources become links.

Two parts come from other modules: the pictures (``report.timeline.scenario_timelines`` and
``report.pictures.topic_pictures``) and the claims table (``report.claims_doc.claims_html``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..catalog import Catalog
from ..lang import LANGS, Text, heading, label, text_of
from ..links import example_of, page_path
from ..outcome import MAX_LITERAL_BYTES
from ..scenario import Scenario
from ..tables import OSES, Cell, split_sources
from .html import _code, _source, e, render_html
from .matrix import Matrix
from .model import Report

__all__ = ["MARKER", "render_site"]

#: The file that marks a directory as a sockbehave site (``site -o`` replaces only such a one).
MARKER = ".sockbehave-site"

_STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 0; color: #1d1f23; background: #fff; }
header { position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid #ddd; padding: 8px 20px; z-index: 2; }
main { max-width: 980px; padding: 0 20px 40px; margin: 0 auto; }
h1 { font-size: 22px; margin: 18px 0 4px; } h2 { font-size: 18px; margin: 26px 0 8px; }
nav.site { display: flex; gap: 16px; font-size: 14px; } nav.site a { color: #234; }
nav.site .lang { margin-left: auto; font-weight: 600; }
.id { font-family: ui-monospace, Menlo, Consolas, monospace; color: #555; }
.claim { border-left: 4px solid #c62828; background: #fff5f5; padding: 6px 12px; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #d7d7d7; padding: 5px 8px; vertical-align: top; text-align: left; }
thead th { background: #f0f0f0; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
td code { word-break: normal; overflow-wrap: normal; }
pre { background: #f6f8fa; border: 1px solid #ddd; padding: 10px 12px; overflow-x: auto; line-height: 1.45; }
.lvl { font-size: 12px; color: #345; } .note { font-size: 12px; color: #555; }
ol.sources li { overflow-wrap: anywhere; font-size: 13px; } .meta { color: #555; font-size: 13px; }
sup a { text-decoration: none; }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _rel(here: str, there: str) -> str:
    """``there`` (a path from the site's root) as a link from the page at ``here``."""
    return posixpath.relpath(there, posixpath.dirname(here) or ".")


def _gap(lang: str) -> str:
    """After a heading's colon: a space in English, none after Chinese full-width punctuation."""
    return "" if lang == "zh" else " "


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def _in_lang(path: str, lang: str) -> str:
    """The site path of an English page's ``lang`` version."""
    return f"zh/{path}" if lang == "zh" else path


def _nav(here: str, lang: str, twin: str) -> str:
    """The links atop every page: the matrix, the claims, and the same page in the other language."""
    links = [
        f'<a href="{e(_rel(here, _in_lang("index.html", lang)))}">{e(label(lang, "home"))}</a>',
        f'<a href="{e(_rel(here, _in_lang("claims.html", lang)))}">{e(label(lang, "claims"))}</a>',
        f'<a class="lang" id="lang-switch" hreflang="{"en" if lang == "zh" else "zh-CN"}" '
        f'href="{e(_rel(here, twin))}">{e(label(lang, "language"))}</a>',
    ]
    return f'<nav class="site">{"".join(links)}</nav>'


def _page(here: str, lang: str, twin: str, title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>{_nav(here, lang, twin)}</header>
<main>
{body}
</main>
</body>
</html>
"""


def prose_html(text: str) -> str:
    """A docstring-style explanation as HTML: paragraphs at blank lines, ````code```` spans, *emphasis*."""
    paragraphs = []
    for para in re.split(r"\n\s*\n", text.strip()):
        parts = para.split("``")
        html = "".join(
            f"<code>{e(p)}</code>" if i % 2 else re.sub(r"\*([^*\s][^*]*)\*", r"<em>\1</em>", e(p))
            for i, p in enumerate(parts)
        )
        paragraphs.append(f"<p>{html}</p>")
    return "".join(paragraphs)


def _answer(sc: Scenario, catalog: Catalog, here: str, lang: str) -> tuple[str, str]:
    """The per-OS answer (rows: steps; columns: OSes) with evidence and numbered sources, and
    the sources list. Each outcome links to its cell in the matrix."""
    sources: dict[str, int] = {}
    matrix = _rel(here, _in_lang("index.html", lang))

    def refs(cell: Cell) -> str:
        out = []
        for part in split_sources(cell.source) if cell.source else []:
            n = sources.setdefault(part, len(sources) + 1)
            out.append(f'<sup><a href="#source-{n}">[{n}]</a></sup>')
        return "".join(out)

    rows = []
    for step, by_os in catalog.steps(sc.id).items():
        cells = []
        for os_name in OSES:
            cell = by_os[os_name]
            anchor = f"{matrix}#{sc.id}/{step}/{os_name}"
            outcome = "<em>unknown</em>" if cell.is_unknown else f"<code>{_code(' | '.join(cell.outcomes))}</code>"
            note = f'<div class="note">{e(cell.note)}</div>' if cell.note else ""
            cells.append(
                f'<td data-os="{e(os_name)}"><a href="{e(anchor)}">{outcome}</a> '
                f'<span class="lvl ev-{e(cell.evidence)}">{e(cell.evidence)}</span>{refs(cell)}{note}</td>'
            )
        rows.append(f"<tr><th><code>{_code(step)}</code></th>{''.join(cells)}</tr>")
    head = "".join(f"<th>{e(o)}</th>" for o in OSES)
    table = (
        f'<table class="answer"><thead><tr><th>{e(label(lang, "step"))}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    listed = "".join(f'<li id="source-{n}">{_source(text)}</li>' for text, n in sources.items())
    return table, f'<ol class="sources">{listed}</ol>' if listed else ""


def _pictures(sc: Scenario, catalog: Catalog, matrix: Matrix, lang: str) -> str:
    """The scenario's packet timeline per OS and its topic's summary picture, as inline SVG in ``lang``."""
    from .pictures import topic_pictures
    from .timeline import scenario_timelines

    return scenario_timelines(catalog, sc.id, OSES, lang) + topic_pictures(matrix, sc.topic, lang)


def _scenario_page(sc: Scenario, catalog: Catalog, matrix: Matrix, words: Text, lang: str) -> str:
    here = page_path(sc.id, lang)
    table, sources = _answer(sc, catalog, here, lang)
    example = example_of(sc)
    if example is not None:
        code_head = f'{e(label(lang, "example"))} <span class="meta">({e(example.path.name)}{e(label(lang, "and"))}{e(label(lang, "example_note"))})</span>'
        code = example.code
    else:
        code_head = f'{e(label(lang, "code"))} <span class="meta">({e(label(lang, "code_note"))} {e(sc.id)})</span>'
        code = sc.code
    pictures = _pictures(sc, catalog, matrix, lang)
    references = "".join(f"<li>{_source(r)}</li>" for r in sc.references)
    body = [
        f'<h1 id="title">{e(words.title)}</h1>',
        f'<p class="id">{e(sc.id)} · {e(sc.topic)} · <a href="{e(_rel(here, _in_lang("index.html", lang)))}#{e(sc.id)}">'
        f"{e(label(lang, 'matrix'))}</a></p>",
        f'<p class="claim"><strong>{e(heading(lang, "claim"))}</strong>{_gap(lang)}{e(words.claim)}</p>',
        f'<h2 id="answer">{e(label(lang, "answer"))}</h2>{table}',
        f'<h2 id="explanation">{e(label(lang, "what_happens"))}</h2>{prose_html(words.explanation)}',
        f'<section id="pictures"><h2>{e(label(lang, "pictures"))}</h2>{pictures}</section>' if pictures else "",
        f'<h2 id="code">{code_head}</h2><pre><code class="language-python">{e(code)}</code></pre>',
        f'<h2 id="sources">{e(label(lang, "sources"))}</h2>{sources}' if sources else "",
        f'<h2 id="references">{e(label(lang, "references"))}</h2><ul>{references}</ul>' if references else "",
        f'<p class="meta">{e(label(lang, "bytes").format(n=MAX_LITERAL_BYTES))}</p>',
    ]
    return _page(here, lang, page_path(sc.id, _other(lang)), f"{words.title} · sockbehave", "".join(body))


def _claims_page(catalog: Catalog, reports: Sequence[tuple[str, Report]], lang: str) -> str:
    here = _in_lang("claims.html", lang)
    from .claims_doc import claims_html

    table = claims_html(catalog, reports, lang)
    body = f"<h1>{e(label(lang, 'claims_title'))}</h1><p>{e(label(lang, 'claims_intro'))}</p>{table}"
    return _page(here, lang, _in_lang("claims.html", _other(lang)), label(lang, "claims_title"), body)


def _index(matrix: Matrix, catalog: Catalog, zh: Mapping[str, Text], lang: str) -> str:
    here = _in_lang("index.html", lang)
    if lang == "zh":
        titles = {sc.id: text_of(sc, lang, zh).title for sc in catalog.scenarios}
        matrix = replace(matrix, rows=[replace(r, title=titles.get(r.scenario, r.title)) for r in matrix.rows])
    pages = {sc.id: _rel(here, page_path(sc.id, lang)) for sc in catalog.scenarios}
    nav = _nav(here, lang, _in_lang("index.html", _other(lang)))
    nav += f'<p class="meta">{e(label(lang, "index_intro"))}</p>'
    return render_html(matrix, lang=lang, nav=nav, pages=pages)


def render_site(
    matrix: Matrix, reports: Sequence[tuple[str, Report]], catalog: Catalog, zh: Mapping[str, Text]
) -> dict[str, str]:
    """Every file of the site, by path relative to its root (``/``-separated). ``matrix`` is
    built from ``reports`` (name, report) and ``catalog``; ``zh`` is ``lang.load_zh(catalog)``."""
    files: dict[str, str] = {MARKER: "A static site written by 'sockbehave site'; 'site -o' may replace it.\n"}
    for lang in LANGS:
        files[_in_lang("index.html", lang)] = _index(matrix, catalog, zh, lang)
        files[_in_lang("claims.html", lang)] = _claims_page(catalog, reports, lang)
        for sc in catalog.scenarios:
            files[page_path(sc.id, lang)] = _scenario_page(sc, catalog, matrix, text_of(sc, lang, zh), lang)
    return files
