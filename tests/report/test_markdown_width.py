"""The job-summary Markdown in headless Chromium: rendered to HTML (markdown-it, CommonMark plus
tables, as GitHub renders it) with GitHub's table and code styles in a 1,012 px column, the
compact differences table fits without a scroll bar; the full tables sit folded in <details>.
Skipped where no Chromium or markdown-it-py is installed. ``SOCKBEHAVE_SCREENSHOTS=DIR`` keeps a
screenshot."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from sockbehave.report.markdown import render_markdown
from sockbehave.report.matrix import build_matrix
from sockbehave.session import run_catalog
from sockbehave.tables import OSES

from .test_html_in_browser import BROWSER, CATALOG, Tab

markdown_it = pytest.importorskip("markdown_it")
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium or Chrome on this machine")

#: GitHub's job summary column, and the rules of github-markdown-css that decide a table's width.
COLUMN_PX = 1012
GITHUB_CSS = f"""
body {{ margin: 0; }}
.markdown-body {{ width: {COLUMN_PX}px; box-sizing: border-box; word-wrap: break-word;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  font-size: 16px; line-height: 1.5; color: #1f2328; }}
.markdown-body table {{ display: block; width: max-content; max-width: 100%; overflow: auto;
  border-spacing: 0; border-collapse: collapse; }}
.markdown-body table th, .markdown-body table td {{ padding: 6px 13px; border: 1px solid #d0d7de; }}
.markdown-body code {{ padding: .2em .4em; margin: 0; font-size: 85%; white-space: break-spaces;
  background-color: rgba(175,184,193,.2); border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }}
.markdown-body sub {{ font-size: 75%; }}
"""


def _page(tmp_path: Path, markdown: str) -> Path:
    body = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    page = tmp_path / "summary.html"
    page.write_text(
        f'<!doctype html><meta charset="utf-8"><title>{html.escape("job summary")}</title>'
        f'<style>{GITHUB_CSS}</style><article class="markdown-body">{body}</article>',
        encoding="utf-8",
    )
    return page


def _widths(tab: Tab) -> list[list[int]]:
    """[scrollWidth, clientWidth, inside a <details>] of every table on show."""
    result: list[list[int]] = tab.js(
        "[...document.querySelectorAll('table')].filter(t => t.checkVisibility())"
        ".map(t => [t.scrollWidth, t.clientWidth, t.closest('details') ? 1 : 0])"
    )
    return result


def test_the_compact_summary_fits_githubs_column(tmp_path: Path) -> None:
    reports = [
        (f"{o}-sim.json", run_catalog(CATALOG, CATALOG.scenarios, backend="sim", os_name=o, jobs=4)) for o in OSES
    ]
    markdown = render_markdown(build_matrix(reports, CATALOG, "test"))
    page = _page(tmp_path, markdown)
    tab = Tab(tmp_path, width=COLUMN_PX + 40, height=1400)
    try:
        tab.open(page.as_uri())
        tab.shot("job-summary")
        shown = _widths(tab)
        assert [w for w in shown if not w[2]], "the compact table is missing"
        assert all(not w[2] for w in shown)  # the full tables are folded
        for scroll, client, _ in shown:
            assert 0 < client <= COLUMN_PX and scroll <= client, shown
        # unfolded, the full tables are still there (wider, as the old summary was)
        tab.js("(() => { document.querySelectorAll('details').forEach(d => d.open = true); return 0; })()")
        tab.shot("job-summary-unfolded")
        assert len(_widths(tab)) > len(shown)
    finally:
        tab.close()
