"""``sockbehave site -o DIR`` (issue 12, section 3): a self-contained static site, written as a
whole or not at all, that refuses to overwrite a directory it did not write, with stable
relative links in English and Chinese, and reports' strings escaped."""

from __future__ import annotations

import errno
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

import pytest

from sockbehave.catalog import default_root, load_catalog
from sockbehave.report.site import MARKER

CLI = Callable[..., tuple[int, str, str]]
REPORTS = Path(__file__).resolve().parents[2] / "reports"
CATALOG = load_catalog()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".old")))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.fetches: list[str] = []  # anything the page would load by itself

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.hrefs.append(str(a["href"]))
        if tag in ("script", "img", "link", "iframe", "object", "embed", "source") and (a.get("src") or a.get("href")):
            self.fetches.append(f"{tag} {a.get('src') or a.get('href')}")


def _parse(page: Path) -> _Links:
    links = _Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sockbehave.cli import main

    out = tmp_path_factory.mktemp("site") / "site"
    import io

    assert main(["site", str(REPORTS), "-o", str(out)], out=io.StringIO(), err=io.StringIO()) == 0
    return out


def test_the_site_has_an_index_a_page_per_scenario_and_claims_in_both_languages(site: Path) -> None:
    for prefix in ("", "zh/"):
        assert (site / f"{prefix}index.html").is_file()
        assert (site / f"{prefix}claims.html").is_file()
        for sc in CATALOG.scenarios:
            assert (site / f"{prefix}s/{sc.id}.html").is_file(), sc.id
    assert (site / MARKER).is_file()
    page = (site / "zh/s/tcp.orderly-close-reads-empty.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "对方正常关闭后，每次 recv 都返回 b&#x27;&#x27;" in page
    assert 'id="lang-switch" hreflang="en" href="../../s/tcp.orderly-close-reads-empty.html"' in page
    index = (site / "zh/index.html").read_text(encoding="utf-8")
    assert "对方正常关闭后" in index and 'href="s/tcp.orderly-close-reads-empty.html"' in index


def test_every_link_is_relative_and_lands_on_a_page_and_anchor_that_exist(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 2 * (2 + len(CATALOG.scenarios))
    parsed = {p: _parse(p) for p in pages}
    checked = 0
    for page, links in parsed.items():
        assert links.fetches == [], (page, links.fetches)  # nothing loaded from anywhere
        text = page.read_text(encoding="utf-8")
        assert "default-src 'none'" in text and not re.search(r"url\((?!#)|@import", text)  # url(#id): in-page
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                continue  # a source's link, followed only when clicked
            assert not parts.scheme and not parts.netloc and not href.startswith("/"), (page, href)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file() and site in target.parents, (page, href)
            if parts.fragment:
                assert unquote(parts.fragment) in parsed[target].ids, (page, href)
            checked += 1
    assert checked > 1000  # every answer cell links its matrix cell


def test_a_rerun_replaces_the_site_it_wrote(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cli("site", str(REPORTS / "linux-real.json"), "-o", str(out))[0] == 0
    (out / "stale.html").write_text("old", encoding="utf-8")
    code, said, err = cli("site", str(REPORTS / "linux-real.json"), "-o", str(out))
    assert code == 0, err
    assert said == f"{out}: {2 * (2 + len(CATALOG.scenarios))} pages from 1 reports; open index.html\n"
    assert not (out / "stale.html").exists()  # the whole tree was replaced
    assert leftovers(tmp_path) == []


def test_an_empty_directory_is_fine_and_reports_default_to_those_beside_the_catalog(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    code, _, err = cli("site", "-o", str(out))
    assert code == 0
    if (default_root().parent / "reports").is_dir():  # a checkout: the committed reports
        assert "skipped" in err and "matrix.json" in err  # it read reports/ and skipped the matrix
        assert "windows-sim.json" in (out / "index.html").read_text(encoding="utf-8")
    else:  # an installed wheel has none: the tables alone
        assert err == "sockbehave: note: no reports: the matrix shows the tables' expectations alone\n"
    assert (out / "s" / "tcp.send-empty.html").is_file()


def test_a_non_empty_directory_it_did_not_write_is_refused_and_left_alone(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, said, err = cli("site", str(REPORTS / "linux-real.json"), "-o", str(out))
    assert code == 2 and said == ""
    assert err.startswith(f"sockbehave: error: -o {out}: exists and is not empty, and is not a site written before")
    assert err.count("\n") == 1
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert leftovers(tmp_path) == []


def test_an_unwritable_place_is_one_line(cli: CLI, tmp_path: Path) -> None:
    if not Path("/proc/sys").is_dir():
        pytest.skip("no /proc/sys")
    code, _, err = cli("site", str(REPORTS / "linux-real.json"), "-o", "/proc/sys/sockbehave-site")
    assert code == 2
    assert err.startswith("sockbehave: error: -o /proc/sys/sockbehave-site: cannot write there: ")
    assert err.count("\n") == 1
    afile = tmp_path / "file"
    afile.write_text("x", encoding="utf-8")
    code, _, err = cli("site", str(REPORTS / "linux-real.json"), "-o", str(afile))
    assert code == 2 and err == f"sockbehave: error: -o {afile}: not a directory\n"
    assert afile.read_text(encoding="utf-8") == "x"


def test_a_failure_while_swapping_keeps_the_old_site_and_leaves_nothing(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    assert cli("site", str(REPORTS / "linux-real.json"), "-o", str(out))[0] == 0
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    real = os.rename
    calls = []

    def full(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:  # the new tree moving into place
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", full)
    code, _, err = cli("site", str(REPORTS / "linux-real.json"), "-o", str(out))
    assert code == 2 and err.startswith(f"sockbehave: error: -o {out}: cannot write: ") and err.count("\n") == 1
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert leftovers(tmp_path) == []


def test_a_hostile_report_is_escaped_everywhere(cli: CLI, tmp_path: Path) -> None:
    data = json.loads((REPORTS / "linux-real.json").read_text(encoding="utf-8"))
    evil = '<script>alert(1)</script><img src=x onerror="x">'
    data["results"][0]["observed"] = evil
    data["results"][1]["scenario"] = evil
    hostile = tmp_path / "evil.json"
    hostile.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "site"
    code, _, err = cli("site", str(hostile), "-o", str(out))
    assert code == 0, err
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img" not in text and "alert(1)</script>" not in text, page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "index.html").read_text(encoding="utf-8")


def test_the_chinese_scenario_page_draws_its_pictures_in_chinese(site: Path) -> None:
    from sockbehave.lang import label

    zh = (site / "zh/s/tcp.backlog-1.html").read_text(encoding="utf-8")
    pictures = zh.split('<section id="pictures">', 1)[1].split("</section>", 1)[0]
    for key in ("t_axis", "p_completed", "p_backlog_caption"):
        assert label("zh", key) in pictures, key
    assert "linux（模拟）：" in pictures and "virtual time" not in pictures and "Drawn from" not in pictures
    en = (site / "s/tcp.backlog-1.html").read_text(encoding="utf-8")
    assert "virtual time / socket call → result" in en and label("zh", "t_axis") not in en
