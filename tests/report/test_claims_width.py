"""``docs/claims.md`` and ``docs/claims.zh.md`` on GitHub: rendered as GitHub renders Markdown,
with its table styles, in the 1,012 px column, no table needs a scroll bar. Skipped where no
Chromium or markdown-it-py is installed. ``SOCKBEHAVE_SCREENSHOTS=DIR`` keeps screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_html_in_browser import BROWSER, Tab
from .test_markdown_width import COLUMN_PX, _page, _widths

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium or Chrome on this machine")


@pytest.mark.parametrize("name", ["claims.md", "claims.zh.md"])
def test_every_claims_table_fits_githubs_column(tmp_path: Path, name: str) -> None:
    page = _page(tmp_path, (REPO / "docs" / name).read_text(encoding="utf-8"))
    tab = Tab(tmp_path, width=COLUMN_PX + 40, height=1400)
    try:
        tab.open(page.as_uri())
        tab.shot(name.replace(".", "-"))
        shown = _widths(tab)
        assert len(shown) > 40  # the summary and one table per tested claim
        too_wide = [w for w in shown if not 0 < w[1] <= COLUMN_PX or w[0] > w[1]]
        assert not too_wide, too_wide
    finally:
        tab.close()
