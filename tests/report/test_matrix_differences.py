"""Differences first: a row knows whether its OSes differ, cells are coloured by outcome (not by
verdict), and a simulated outcome is labelled a prediction, never a fact where the table says
``unknown``."""

from __future__ import annotations

import re
from dataclasses import replace

from sockbehave.catalog import load_catalog
from sockbehave.report.html import render_html
from sockbehave.report.matrix import build_matrix
from sockbehave.session import run_catalog

CATALOG = load_catalog()
OSES = ("linux", "darwin", "freebsd", "windows")


def _matrix(real_linux: bool = False):  # type: ignore[no-untyped-def]
    reports = []
    for o in OSES:
        report = run_catalog(CATALOG, CATALOG.scenarios, backend="sim", os_name=o, jobs=2)
        reports.append((f"{o}.json", replace(report, backend="real") if real_linux and o == "linux" else report))
    return build_matrix(reports, CATALOG, "t")


def _row(matrix, scenario: str, step: str):  # type: ignore[no-untyped-def]
    return next(r for r in matrix.rows if (r.scenario, r.step) == (scenario, step))


def _td(page: str, anchor: str) -> str:
    start = page.index(f'<td id="{anchor}"')
    return page[start : page.index("</td>", start)]


def test_a_row_says_whether_the_oses_differ() -> None:
    matrix = _matrix()
    assert not _row(matrix, "tcp.send-empty", "send-empty").differs  # 0 everywhere
    differing = _row(matrix, "udp.recv-buffer-smaller-than-datagram", "recv-4")
    assert differing.differs  # windows raises EMSGSIZE, the others truncate
    assert differing.cells["windows"].outcome == "OSError(EMSGSIZE)"
    page = render_html(matrix)
    assert re.search(
        r'data-differs="yes"><th class="step"><code>recv-4</code><div class="agree differ">OSes differ', page
    )
    assert re.search(
        r'data-differs="no"><th class="step"><code>send-empty</code><div class="agree">all OSes agree', page
    )


def test_cells_share_a_fill_by_outcome_and_the_odd_one_out_gets_its_own() -> None:
    page = render_html(_matrix())
    fills = {
        o: re.search(r'data-fill="(\d)"', _td(page, f"udp.recv-buffer-smaller-than-datagram/recv-4/{o}")).group(1)  # type: ignore[union-attr]
        for o in OSES
    }
    assert fills == {"linux": "0", "darwin": "0", "freebsd": "0", "windows": "1"}
    assert {re.search(r'data-fill="(\d)"', _td(page, f"tcp.send-empty/send-empty/{o}")).group(1) for o in OSES} == {"0"}  # type: ignore[union-attr]


def test_a_simulated_outcome_is_a_prediction_and_never_a_fact_where_the_table_says_unknown() -> None:
    matrix = _matrix(real_linux=True)
    unknown = next(
        (r, o)
        for r in matrix.rows
        for o in OSES
        if r.cells[o].expected is not None and r.cells[o].expected.is_unknown and r.cells[o].predicted
    )
    row, os_name = unknown
    cell = _td(render_html(matrix), f"{row.scenario}/{row.step}/{os_name}")
    assert "data-unverified" in cell.split(">", 1)[0]  # drawn light, italic and hatched
    assert "prediction, table: unknown" in cell
    assert "observed on a real OS" not in cell
    linux = _td(render_html(matrix), "tcp.send-empty/send-empty/linux")
    assert "observed on a real OS" in linux and "prediction" not in linux and "unverified" not in linux
    darwin = _td(render_html(matrix), "tcp.send-empty/send-empty/darwin")
    assert "· prediction</div>" in darwin and "unverified" not in darwin.split(">", 1)[0]


def test_errno_names_may_wrap_only_between_words() -> None:
    page = render_html(_matrix())
    assert "ConnectionRefusedError(<wbr>ECONNREFUSED)" in page
    assert "word-break: break-word" not in page and "overflow-wrap: anywhere; }\n" not in page.split("details p")[0]


def test_the_chinese_page_translates_the_words_and_keeps_every_id_anchor_and_value() -> None:
    """``render_html(lang="zh")``: the page's own words in Chinese; its ids, anchors, filter
    values, data attributes, outcomes and errno names exactly as in English."""
    matrix = _matrix()
    en, zh = render_html(matrix), render_html(matrix, lang="zh")
    keep = re.compile(r'(?:id|href|value|data-[a-z]+|class)="[^"]*"|<code>.*?</code>')
    kept = [m for m in keep.findall(zh) if not m.startswith(("data-none=", "data-folded="))]
    assert kept == [m for m in keep.findall(en) if not m.startswith(("data-none=", "data-folded="))]

    def words(page: str) -> str:  # what a reader sees, less the pictures (report.pictures draws them)
        page = re.sub(r"<script>.*?</script>|<figure.*?</figure>", " ", page, flags=re.S)
        return re.sub(r"<[^>]+>", " ", page)

    for phrase in (
        "Socket behaviour by OS",
        "OSes differ",
        "all OSes agree",
        "show all rows",
        "clear filters",
        "scenario · step",
        "Evidence behind the tables",
        "as expected",
        "prediction",
        "No row matches these filters.",
        "rows where every OS agrees are folded",
        "Reports",
        "tested or documented",
    ):
        assert phrase in words(en), phrase
        assert phrase not in words(zh), phrase
    assert '<div class="agree differ">各系统不同</div>' in zh and "没有符合这些筛选条件的行。" in zh
    assert '<option value="new">新结果</option>' in zh and '<option value="all">全部行</option>' in zh
