"""The pictures in headless Chromium: the summary pictures render inside their topic's section of
the HTML matrix (visible, within the page's width) and a scenario's timelines render as figures.
Skipped where no Chromium is installed; ``SOCKBEHAVE_SCREENSHOTS=DIR`` keeps the screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from sockbehave.report.html import render_html
from sockbehave.report.matrix import build_matrix
from sockbehave.report.pictures import PICTURE_TOPICS
from sockbehave.report.timeline import scenario_timelines

from .test_html_in_browser import BROWSER, CATALOG, Tab

pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium or Chrome on this machine")


def test_summary_pictures_and_timelines_render(tmp_path: Path) -> None:
    page = tmp_path / "matrix.html"
    page.write_text(render_html(build_matrix([], CATALOG, "t")), encoding="utf-8")
    timelines = tmp_path / "timelines.html"
    fragment = scenario_timelines(CATALOG, "tcp.close-with-unread-data-sends-rst")
    timelines.write_text(f'<!doctype html><meta charset="utf-8"><title>t</title>{fragment}', encoding="utf-8")
    tab = Tab(tmp_path)
    try:
        tab.open(page.as_uri() + "?diff=all#topic-reuseaddr-restart")
        tab.shot("pictures-reuseaddr")
        for topic in PICTURE_TOPICS:
            box = tab.js(
                f"(() => {{ const s = document.querySelector('section[data-topic=\"{topic}\"] figure svg');"
                " const r = s.getBoundingClientRect(); return [r.width, r.height, document.body.clientWidth]; })()"
            )
            width, height, page_width = box
            assert 300 < width <= page_width and height > 100, (topic, box)
        tab.open(timelines.as_uri())
        tab.shot("timelines")
        sizes = tab.js(
            "[...document.querySelectorAll('figure.sb-timeline svg')].map(s => s.getBoundingClientRect().height)"
        )
        assert len(sizes) == 4 and min(sizes) > 200
    finally:
        tab.close()
