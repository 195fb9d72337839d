"""The HTML matrix in a real headless browser: it renders, the filters work, mismatches stand
out, and a hostile report cannot inject anything. Skipped where no Chromium is installed
(.ci/run installs Debian's chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from sockbehave.catalog import load_catalog
from sockbehave.report.html import render_html
from sockbehave.report.matrix import build_matrix
from sockbehave.session import run_catalog

BROWSER = next(
    (
        shutil.which(n)
        for n in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
        if shutil.which(n)
    ),
    None,
)
if BROWSER is None and os.environ.get("SOCKBEHAVE_REQUIRE_BROWSER"):
    pytest.fail("SOCKBEHAVE_REQUIRE_BROWSER is set but no Chromium or Chrome was found", pytrace=False)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium or Chrome on this machine")

CATALOG = load_catalog()
GREEN, RED = (0xE7, 0xF5, 0xEA), (0xFD, 0xE2, 0xE1)  # the "as expected" and "unexpected" fills


def _browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1300,1000",
        "--virtual-time-budget=3000",
    ]
    return subprocess.run([BROWSER, *flags, *args], capture_output=True, text=True, timeout=120, check=False)


def _screenshot(tmp_path: Path, page: Path, query: str = "") -> Image.Image:
    out = tmp_path / "shot.png"
    done = _browser(tmp_path, f"--screenshot={out}", page.as_uri() + query)
    assert out.exists(), done.stderr[-2000:]
    return Image.open(out).convert("RGB")


def _count(img: Image.Image, rgb: tuple[int, int, int]) -> int:
    """Pixels of one fill colour below the sticky header (whose legend chips use the fills too)."""
    body = img.crop((0, 200, img.width, img.height))
    return sum(n for n, colour in body.getcolors(maxcolors=1 << 20) or [] if colour == rgb)


def _page(tmp_path: Path, bend: bool = False) -> Path:
    report = run_catalog(CATALOG, CATALOG.scenarios, backend="sim", os_name="linux", jobs=4)
    if bend:
        report = replace(
            report,
            results=tuple(
                replace(r, observed="OSError(EBADF)") if r.step == "second-send" else r for r in report.results
            ),
        )
    page = tmp_path / "matrix.html"
    page.write_text(render_html(build_matrix([("linux.json", report)], CATALOG, "test")), encoding="utf-8")
    return page


def test_the_page_renders_with_its_colours(tmp_path: Path) -> None:
    img = _screenshot(tmp_path, _page(tmp_path))
    assert len(img.getcolors(maxcolors=1 << 20) or []) > 50  # text, tables, fills: not a blank page
    assert _count(img, GREEN) > 5000
    assert _count(img, RED) == 0


def test_a_mismatch_stands_out_and_the_category_filter_isolates_it(tmp_path: Path) -> None:
    page = _page(tmp_path, bend=True)
    filtered = _screenshot(tmp_path, page, "?os=linux&category=unexpected")
    assert _count(filtered, RED) > 3000  # the red cell is on screen
    assert _count(filtered, GREEN) == 0  # every expected row was filtered out


def test_a_hostile_report_cannot_inject_markup(tmp_path: Path) -> None:
    report = run_catalog(CATALOG, CATALOG.select(["empty-send"]), backend="sim", os_name="linux", jobs=1)
    evil = replace(report.results[0], scenario='<img src=x onerror="document.title=1">', observed="<b id=evil>x</b>")
    page = tmp_path / "evil.html"
    page.write_text(
        render_html(build_matrix([("e.json", replace(report, results=(evil,)))], CATALOG, "t")), encoding="utf-8"
    )
    dom = _browser(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<title>sockbehave: socket behaviour by OS</title>" in dom  # onerror never ran
    assert 'id="evil"' not in dom and "<img" not in dom
    assert "&lt;b id=evil&gt;" in dom
