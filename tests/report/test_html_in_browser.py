"""The HTML matrix in a real headless browser: differences first (outcome colours, agreeing rows
folded), filters shared through the URL, an empty result that says so, a cited cell scrolled
below the sticky header and highlighted, errno names never broken mid-word, mismatches standing
out, and a hostile report unable to inject anything. Skipped where no Chromium is installed
(.ci/run installs Debian's chromium).

Screenshots of a scrolled page go through the DevTools protocol on a pipe (``Tab``): Chromium's
``--screenshot`` flag captures a blank image once the page has scrolled. Set
``SOCKBEHAVE_SCREENSHOTS=DIR`` to keep every screenshot for a look."""

from __future__ import annotations

import base64
import io
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

import pytest
from PIL import Image

from sockbehave.catalog import load_catalog
from sockbehave.files import replace_tree
from sockbehave.lang import load_zh
from sockbehave.report.html import render_html
from sockbehave.report.matrix import build_matrix
from sockbehave.report.site import MARKER, render_site
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
QUIET, ODD = (0xEE, 0xF1, 0xF5), (0xFF, 0xD8, 0xA8)  # a row's most common outcome, its first other one
RED = (0xC6, 0x28, 0x28)  # the "unexpected" mark and outline
CITED = (0xF5, 0x9F, 0x00)  # the highlight around a cited cell


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


def _count(img: Image.Image, rgb: tuple[int, int, int], top: int = 200) -> int:
    """Pixels of one colour below ``top`` (the sticky header, whose legend uses the marks too)."""
    body = img.crop((0, top, img.width, img.height))
    return sum(n for n, colour in body.getcolors(maxcolors=1 << 20) or [] if colour == rgb)


class Tab:
    """One headless Chromium page driven over the DevTools protocol on a pipe
    (``--remote-debugging-pipe``: fd 3 in, fd 4 out, NUL-separated JSON). Every wait is bounded."""

    def __init__(self, tmp_path: Path, width: int = 1300, height: int = 1000) -> None:
        assert BROWSER is not None
        self.width, self.height, self._ids, self._buf = width, height, 0, b""
        self.requests: list[str] = []  # every URL the page asked for, once Network is enabled
        to_chrome, self._out = os.pipe()
        self._in, from_chrome = os.pipe()

        def wire() -> None:  # in the child: the pipe ends become fds 3 and 4
            a, b = os.dup(to_chrome), os.dup(from_chrome)
            os.dup2(a, 3)
            os.dup2(b, 4)

        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
        flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
        self._proc = subprocess.Popen(
            [BROWSER, *flags, "--remote-debugging-pipe", f"--user-data-dir={tmp_path / 'cdp-profile'}", "about:blank"],
            preexec_fn=wire,
            pass_fds=(3, 4),  # kept open after wire() has put the pipe ends there
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome)
        os.close(from_chrome)
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self._call("Page.enable", session=True)
        self._call("Network.enable", session=True)
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        self._call("Emulation.setDeviceMetricsOverride", metrics, session=True)

    def _send(self, method: str, params: Optional[dict[str, Any]], session: bool) -> int:
        self._ids += 1
        msg: dict[str, Any] = {"id": self._ids, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self._session
        os.write(self._out, json.dumps(msg).encode() + b"\0")
        return self._ids

    def _wait(self, match: Any, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                msg: dict[str, Any] = json.loads(raw)
                if msg.get("method") == "Network.requestWillBeSent":
                    self.requests.append(msg["params"]["request"]["url"])
                if match(msg):
                    assert "error" not in msg, msg
                    return msg
            left = deadline - time.monotonic()
            assert left > 0, "Chromium did not answer within 60 s"
            if select.select([self._in], [], [], left)[0]:
                chunk = os.read(self._in, 1 << 20)
                assert chunk, "Chromium closed the DevTools pipe"
                self._buf += chunk

    def _call(self, method: str, params: Optional[dict[str, Any]] = None, session: bool = False) -> dict[str, Any]:
        n = self._send(method, params, session)
        result: dict[str, Any] = self._wait(lambda m: m.get("id") == n)["result"]
        return result

    def open(self, url: str) -> None:
        self._send("Page.navigate", {"url": url}, True)
        self._wait(lambda m: m.get("method") == "Page.loadEventFired")
        self.js("0")

    def follow(self, selector: str) -> None:
        """Click the link ``selector`` and wait for the page it leads to. (Not through ``js``:
        its wait for two painted frames can outlive the page, and DevTools then answers
        "Inspected target navigated or closed".)"""
        click = {"expression": f"document.querySelector({json.dumps(selector)}).click()", "returnByValue": True}
        answer = self._call("Runtime.evaluate", click, session=True)
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        self._wait(lambda m: m.get("method") == "Page.loadEventFired")
        self.js("0")

    def js(self, expression: str) -> Any:
        """The value of ``expression`` after the page has painted twice (so layout has settled)."""
        settled = f"new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r({expression}))))"
        params = {"expression": settled, "awaitPromise": True, "returnByValue": True}
        answer = self._call("Runtime.evaluate", params, session=True)
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        return answer["result"].get("value")

    def shot(self, name: str) -> Image.Image:
        data = base64.b64decode(self._call("Page.captureScreenshot", {"format": "png"}, session=True)["data"])
        keep = os.environ.get("SOCKBEHAVE_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            (Path(keep) / f"{name}.png").write_bytes(data)
        return Image.open(io.BytesIO(data)).convert("RGB")

    def close(self) -> None:
        try:
            self._send("Browser.close", None, False)
            self._proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait(timeout=30)
        finally:
            os.close(self._out)
            os.close(self._in)


@pytest.fixture
def tab(tmp_path: Path) -> Iterator[Tab]:
    t = Tab(tmp_path)
    try:
        yield t
    finally:
        t.close()


def _page(tmp_path: Path, bend: bool = False, oses: tuple[str, ...] = ("linux",)) -> Path:
    reports = []
    for os_name in oses:
        report = run_catalog(CATALOG, CATALOG.scenarios, backend="sim", os_name=os_name, jobs=4)
        if bend and os_name == "linux":
            report = replace(
                report,
                results=tuple(
                    replace(r, observed="OSError(EBADF)") if r.step == "second-send" else r for r in report.results
                ),
            )
        reports.append((f"{os_name}.json", report))
    matrix = build_matrix(reports, CATALOG, "test")
    page = tmp_path / "matrix.html"
    page.write_text(render_html(matrix), encoding="utf-8")
    return page


ALL = ("linux", "darwin", "freebsd", "windows")
TOTAL = len(build_matrix([], CATALOG, "t").rows)  # every step of the catalog
VISIBLE_ROWS = "[...document.querySelectorAll('tr.step')].filter(r => r.offsetParent !== null)"


def _differing() -> int:
    reports = [(o, run_catalog(CATALOG, CATALOG.scenarios, backend="sim", os_name=o, jobs=4)) for o in ALL]
    return sum(row.differs for row in build_matrix(reports, CATALOG, "t").rows)


def test_the_default_view_shows_only_rows_where_the_oses_differ(tmp_path: Path, tab: Tab) -> None:
    tab.open(_page(tmp_path, oses=ALL).as_uri())
    img = tab.shot("default-view")
    differing = _differing()
    assert 0 < differing < TOTAL
    rows = tab.js(f"{VISIBLE_ROWS}.map(r => r.getAttribute('data-differs'))")
    assert rows == ["yes"] * differing  # every row on show differs, and all of them are on show
    assert tab.js(f"{VISIBLE_ROWS}.every(r => r.querySelector('.agree').textContent === 'OSes differ')")
    folded = tab.js(
        "[...document.querySelectorAll('.folded')].filter(p => p.offsetParent).map(p => +p.querySelector('.n').textContent)"
    )
    assert sum(folded) == TOTAL - differing
    # outcome colours: the odd one out in a row is drawn in a strong fill, the common outcome quietly
    assert _count(img, ODD) > 3000 and _count(img, QUIET) > 3000
    # one click shows the rest, and the URL says so
    tab.js("document.querySelector('.folded:not(.hidden) button').click()")
    assert tab.js(f"{VISIBLE_ROWS}.length") == TOTAL
    assert tab.js("location.search") == "?diff=all"


def test_a_filtered_view_lives_in_the_url_and_an_empty_one_says_so(tmp_path: Path, tab: Tab) -> None:
    page = _page(tmp_path, oses=ALL)
    tab.open(page.as_uri() + "?os=windows&category=new&diff=all")
    img = tab.shot("filtered-windows-new")
    assert tab.js("[document.getElementById('f-os').value, document.getElementById('f-category').value]") == [
        "windows",
        "new",
    ]
    cells = tab.js(
        "[...document.querySelectorAll('td.cell')].filter(c => c.offsetParent).map(c => c.getAttribute('data-os') + ':' + c.getAttribute('data-category'))"
    )
    assert cells and set(cells) == {"windows:new"}
    assert _count(img, QUIET) + _count(img, ODD) > 1000  # the cells are on screen
    assert tab.js("document.getElementById('empty').offsetParent") is None
    # changing a filter rewrites the URL, so the view can be shared
    tab.js(
        "(() => { const s = document.getElementById('f-os'); s.value = 'darwin'; s.dispatchEvent(new Event('change', {bubbles: true})); return 0; })()"
    )
    assert tab.js("location.search") == "?os=darwin&category=new&diff=all"
    tab.open(page.as_uri() + "?category=unexpected&diff=all")  # a pure simulated run has no mismatch
    tab.shot("filtered-empty")
    assert tab.js(f"{VISIBLE_ROWS}.length") == 0
    assert tab.js("document.getElementById('empty').offsetParent !== null")
    assert tab.js("document.querySelector('#empty .why').textContent") == "No row matches these filters."


CITED_CELL = "udp.recv-buffer-smaller-than-datagram/recv-4/windows"
AGREEING_CELL = "tcp.send-empty/send-empty/darwin"  # every OS returns 0: folded by default
# and a whole scenario ("tcp.send-empty", every row folded by default) is cited the same way


@pytest.mark.parametrize("anchor", [CITED_CELL, AGREEING_CELL, "tcp.send-empty"])
def test_a_cited_cell_scrolls_below_the_header_and_is_highlighted(tmp_path: Path, tab: Tab, anchor: str) -> None:
    tab.open(_page(tmp_path, oses=ALL).as_uri() + "?os=linux#" + anchor)
    img = tab.shot("cited-" + anchor.replace("/", "_"))
    where = tab.js(
        f"(() => {{ const c = document.getElementById({json.dumps(anchor)}).getBoundingClientRect();"
        " const h = document.querySelector('header').getBoundingClientRect();"
        " return {top: c.top, bottom: c.bottom, header: h.bottom, scrolled: window.scrollY, height: innerHeight,"
        f" cited: document.getElementById({json.dumps(anchor)}).classList.contains('cited')}}; }})()"
    )
    assert where["scrolled"] > 0, where
    assert where["header"] < where["top"] < where["bottom"] < where["height"], where  # on screen, not under the header
    assert where["cited"], where
    assert _count(img, CITED, top=int(where["header"])) > 1000  # the highlight is drawn
    assert (
        _count(img, CITED, top=0) - _count(img, CITED, top=int(where["top"]) - 6) < 50
    )  # nothing of it above the cell


def test_errno_names_never_break_mid_word(tmp_path: Path) -> None:
    tab = Tab(tmp_path, width=760)
    try:
        tab.open(_page(tmp_path, oses=ALL).as_uri() + "?diff=all")
        tab.shot("narrow")
        broken = tab.js(
            r"""(() => { const out = [];
              for (const code of document.querySelectorAll('td.cell code')) {
                if (code.offsetParent === null) continue;
                const walk = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
                for (let t = walk.nextNode(); t; t = walk.nextNode()) {
                  for (const m of t.data.matchAll(/E[A-Z]{3,}/g)) {
                    const r = document.createRange(); r.setStart(t, m.index); r.setEnd(t, m.index + m[0].length);
                    const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
                    if (lines.size > 1) out.push(m[0]);
                  } } }
              return out; })()"""
        )
        checked = tab.js(
            "[...document.querySelectorAll('td.cell code')].filter(c => /ECONNREFUSED/.test(c.textContent)).length"
        )
    finally:
        tab.close()
    assert checked > 0
    assert broken == []


def test_a_mismatch_stands_out_and_the_category_filter_isolates_it(tmp_path: Path, tab: Tab) -> None:
    tab.open(_page(tmp_path, bend=True).as_uri() + "?os=linux&category=unexpected")
    filtered = tab.shot("mismatch")
    assert _count(filtered, RED) > 300  # the red outline and mark are on screen
    cats = tab.js(
        "[...document.querySelectorAll('td.cell')].filter(c => c.offsetParent).map(c => c.getAttribute('data-category'))"
    )
    assert cats and set(cats) == {"unexpected"}  # every expected row was filtered out


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


def test_a_hostile_url_cannot_inject_markup_either(tmp_path: Path, tab: Tab) -> None:
    evil = "<img src=x onerror=document.title='pwned'>"
    tab.open(_page(tmp_path).as_uri() + "?os=" + evil + "&category=" + evil + "#" + evil)
    assert tab.js("document.title") == "sockbehave: socket behaviour by OS"
    assert tab.js("document.querySelectorAll('img').length") == 0
    assert tab.js("document.getElementById('f-os').value") == ""  # an unknown value selects nothing


# The static site (``sockbehave site``), from file:// with no network, in English and Chinese.
SITE_PAGE = "tcp.orderly-close-reads-empty"
HAN = "[\\u4e00-\\u9fff]"


def _site(tmp_path: Path) -> Path:
    reports = [(f"{o}.json", run_catalog(CATALOG, CATALOG.scenarios, backend="sim", os_name=o, jobs=4)) for o in ALL]
    out = tmp_path / "site"
    files = render_site(build_matrix(reports, CATALOG, "test"), reports, CATALOG, load_zh(CATALOG))
    replace_tree(out, files, MARKER, "-o")
    return out


def _cited(tab: Tab, anchor: str) -> dict[str, Any]:
    return dict(
        tab.js(
            f"(() => {{ const el = document.getElementById({json.dumps(anchor)}); const c = el.getBoundingClientRect();"
            " const h = document.querySelector('header').getBoundingClientRect();"
            " return {top: c.top, bottom: c.bottom, header: h.bottom, height: innerHeight, cited: el.classList.contains('cited')}; })()"
        )
    )


def test_the_site_index_filters_and_cited_anchor_work_from_file_urls(tmp_path: Path, tab: Tab) -> None:
    site = _site(tmp_path)
    tab.open((site / "index.html").as_uri())
    tab.shot("site-index")
    assert tab.js(f"{VISIBLE_ROWS}.length") == _differing()  # differences first, as the matrix page
    assert tab.js("[...document.querySelectorAll('nav.site a')].map(a => a.textContent)") == [
        "Matrix",
        "Claims",
        "中文",
    ]
    tab.open((site / "index.html").as_uri() + "?os=windows&category=new&diff=all")
    tab.shot("site-filtered")
    cells = tab.js(
        "[...document.querySelectorAll('td.cell')].filter(c => c.offsetParent).map(c => c.getAttribute('data-os') + ':' + c.getAttribute('data-category'))"
    )
    assert cells and set(cells) == {"windows:new"}
    tab.open((site / "index.html").as_uri() + "#" + CITED_CELL)
    img = tab.shot("site-cited")
    where = _cited(tab, CITED_CELL)
    assert where["header"] < where["top"] < where["bottom"] < where["height"] and where["cited"], where
    assert _count(img, CITED, top=int(where["header"])) > 1000
    # the scenario row links its page, and the page's answer links back to each cell
    tab.follow('tr.scenario[data-scenario="udp.recv-buffer-smaller-than-datagram"] a.page')
    assert tab.js("location.pathname").endswith("/s/udp.recv-buffer-smaller-than-datagram.html")
    tab.follow('table.answer td[data-os="windows"] a')
    assert tab.js("decodeURIComponent(location.hash)") == "#" + CITED_CELL
    assert _cited(tab, CITED_CELL)["cited"]
    assert [u for u in tab.requests if not u.startswith(("file://", "data:", "about:"))] == []


def test_the_chinese_matrix_speaks_chinese_and_still_filters_and_cites(tmp_path: Path, tab: Tab) -> None:
    """zh/index.html: the matrix's own words in Chinese; ids, anchors, URL parameters and outcomes as in English."""
    site = _site(tmp_path)
    tab.open((site / "zh" / "index.html").as_uri())
    tab.shot("site-index-zh-matrix")
    assert tab.js("document.querySelector('h1').textContent") == "各操作系统上的套接字行为"
    assert tab.js("[...document.querySelectorAll('#filters label')].map(l => l.textContent)") == [
        "主题",
        "操作系统",
        "判定",
        "显示",
    ]
    assert tab.js("[...document.getElementById('f-category').options].map(o => o.value + '=' + o.textContent)") == [
        "=全部",
        "as expected=符合预期",
        "unexpected=不符合预期",
        "new=新结果",
        "known gap=已知差距",
        "not run=未运行",
    ]
    assert tab.js("document.querySelector('.legend').textContent").startswith("✓ 符合预期：")
    assert tab.js(f"{VISIBLE_ROWS}.length") == _differing()  # differences first, as in English
    assert tab.js(f"{VISIBLE_ROWS}.every(r => r.querySelector('.agree').textContent === '各系统不同')")
    assert tab.js("document.querySelector('.folded:not(.hidden)').textContent").startswith("另有 ")
    header = tab.js("document.querySelector('header').innerText")
    assert not any(word in header for word in ("Socket behaviour", "Topic", "Category", "where OSes differ", "reports"))
    # the same URL parameters filter the same cells, and a filter change still goes into the URL
    tab.open((site / "zh" / "index.html").as_uri() + "?os=windows&category=new&diff=all")
    tab.shot("site-filtered-zh")
    cells = tab.js(
        "[...document.querySelectorAll('td.cell')].filter(c => c.offsetParent).map(c => c.getAttribute('data-os') + ':' + c.getAttribute('data-category'))"
    )
    assert cells and set(cells) == {"windows:new"}
    assert (
        tab.js("[...document.querySelectorAll('td.cell')].find(c => c.offsetParent).querySelector('.mark').textContent")
        == "★ 新结果"
    )
    tab.js(
        "(() => { const s = document.getElementById('f-os'); s.value = 'darwin'; s.dispatchEvent(new Event('change', {bubbles: true})); return 0; })()"
    )
    assert tab.js("location.search") == "?os=darwin&category=new&diff=all"
    # an empty result says so in Chinese, counting the folded rows
    tab.open((site / "zh" / "index.html").as_uri() + "?category=unexpected")
    tab.shot("site-empty-zh")
    assert tab.js(f"{VISIBLE_ROWS}.length") == 0
    assert tab.js("document.querySelector('#empty .why').textContent") == "没有符合这些筛选条件的行。"
    tab.open((site / "zh" / "index.html").as_uri() + "?topic=empty-send")  # every OS agrees on all its rows
    assert tab.js(f"{VISIBLE_ROWS}.length") == 0
    folded = tab.js("document.querySelector('section[data-topic=\"empty-send\"] .folded .n').textContent")
    assert int(folded) > 0
    assert tab.js("document.querySelector('#empty .why').textContent") == (
        f"没有符合这些筛选条件、且各系统结果不同的行；另有 {folded} 行各系统结果一致，已折叠。"
    )
    # a cited cell: the same anchor, shown below the header and highlighted
    tab.open((site / "zh" / "index.html").as_uri() + "#" + CITED_CELL)
    img = tab.shot("site-cited-zh")
    where = _cited(tab, CITED_CELL)
    assert where["header"] < where["top"] < where["bottom"] < where["height"] and where["cited"], where
    assert _count(img, CITED, top=int(where["header"])) > 1000
    assert [u for u in tab.requests if not u.startswith(("file://", "data:", "about:"))] == []


def test_the_site_scenario_pages_in_english_and_chinese(tmp_path: Path, tab: Tab) -> None:
    site = _site(tmp_path)
    tab.open((site / "s" / f"{SITE_PAGE}.html").as_uri())
    tab.shot("site-scenario-en")
    assert (
        tab.js("document.querySelector('h1').textContent")
        == "After the peer closes normally, recv returns b'' every time"
    )
    assert tab.js("document.querySelectorAll('table.answer tbody tr').length") == 3
    tab.follow("#lang-switch")
    assert tab.js("location.pathname").endswith(f"/zh/s/{SITE_PAGE}.html")
    img = tab.shot("site-scenario-zh")
    assert tab.js("document.documentElement.lang") == "zh-CN"
    title = tab.js("document.querySelector('h1').textContent")
    assert title == "对方正常关闭后，每次 recv 都返回 b''"
    # real glyphs, not tofu: two different Han strings draw differently (missing glyphs draw one box)
    drawn = tab.js(
        "(() => { const c = document.createElement('canvas'); c.width = 160; c.height = 60; const x = c.getContext('2d');"
        " const font = getComputedStyle(document.querySelector('h1')).fontFamily;"
        " return ['对方', '关闭', '\\ue000\\ue001'].map(t => { x.clearRect(0, 0, 160, 60); x.font = '40px ' + font;"
        " x.fillText(t, 0, 45); return c.toDataURL(); }); })()"
    )
    assert len(set(drawn)) == 3, "Chinese is drawn as boxes: install a CJK font (fonts-noto-cjk)"
    assert _count(img, (0xC6, 0x28, 0x28), top=0) > 100  # the claim's red rule is on screen
    tab.follow("#lang-switch")
    assert tab.js("location.pathname").endswith(f"/s/{SITE_PAGE}.html") and "/zh/" not in tab.js("location.pathname")
    tab.open((site / "zh" / "index.html").as_uri() + "?diff=all#" + SITE_PAGE)
    tab.shot("site-index-zh")
    assert tab.js(
        f"new RegExp('{HAN}').test(document.querySelector('tr.scenario[data-scenario=\"{SITE_PAGE}\"] .title').textContent)"
    )
    assert _cited(tab, SITE_PAGE)["cited"]
    tab.open((site / "zh" / "claims.html").as_uri())
    tab.shot("site-claims-zh")
    assert (
        tab.js("document.querySelectorAll('ul.claims li, table').length") >= len(CATALOG.scenarios)
        or tab.js("document.querySelector('main').textContent.length") > 1000
    )
    assert [u for u in tab.requests if not u.startswith(("file://", "data:", "about:"))] == []
