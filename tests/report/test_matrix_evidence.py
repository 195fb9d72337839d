"""The matrix shows how strong each cell's evidence is: counts in its header, a mark per cell."""

from __future__ import annotations

import re

from sockbehave.catalog import load_catalog
from sockbehave.evidence import summarise
from sockbehave.report.html import render_html
from sockbehave.report.markdown import evidence_mark, render_markdown
from sockbehave.report.matrix import build_matrix, matrix_to_json
from sockbehave.session import run_catalog
from sockbehave.tables import EVIDENCE, OSES

CATALOG = load_catalog()
COUNTS = summarise(CATALOG.table).counts


def _matrix():  # type: ignore[no-untyped-def]
    report = run_catalog(CATALOG, CATALOG.select(["empty-send"]), backend="sim", os_name="darwin", jobs=1)
    return build_matrix([("darwin-sim.json", report)], CATALOG, "t")


def test_markdown_header_shows_the_evidence_counts_per_os_and_level() -> None:
    md = render_markdown(_matrix())
    header = md.split("### ")[0]
    for level in EVIDENCE:
        row = next(line for line in header.splitlines() if line.startswith(f"| {evidence_mark(level)} |"))
        assert row == f"| {evidence_mark(level)} | " + " | ".join(str(COUNTS[o][level]) for o in OSES) + " |"
    assert "non-Linux cells tested or documented:" in header


def test_html_header_shows_the_evidence_counts_per_os_and_level() -> None:
    page = render_html(_matrix())
    table = page[
        page.index('<table class="ev-legend"') : page.index("</table>", page.index('<table class="ev-legend"'))
    ]
    for level in EVIDENCE:
        cells = re.search(rf'<tr><th><span class="lvl ev-{level}">{level}</span></th>((?:<td>\d+</td>)+)</tr>', table)
        assert cells is not None, level
        assert re.findall(r"<td>(\d+)</td>", cells.group(1)) == [str(COUNTS[o][level]) for o in OSES]


def test_each_cell_is_marked_with_its_evidence_level_and_the_levels_look_different() -> None:
    matrix = _matrix()
    page, md = render_html(matrix), render_markdown(matrix)
    darwin_tested = 'id="udp.sendto-empty/sendto-empty/darwin" class="cell as-expected ev-tested"'
    assert darwin_tested in page
    other = CATALOG.table["tcp.send-empty"]["send-empty"]["darwin"].evidence  # a level other than tested
    assert other != "tested"
    assert f'id="tcp.send-empty/send-empty/darwin" class="cell as-expected ev-{other}"' in page
    # one distinct weight and border per level in the stylesheet
    weights = {lv: re.search(rf"\.lvl\.ev-{lv} {{ font-weight: (\d+); }}", page) for lv in EVIDENCE}
    assert all(weights.values())
    values = [int(m.group(1)) for m in weights.values() if m]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(EVIDENCE)
    marks = [evidence_mark(lv) for lv in EVIDENCE]
    assert len(set(marks)) == len(EVIDENCE)
    row = next(line for line in md.splitlines() if line.startswith("| `udp.sendto-empty` · `sendto-empty` |"))
    assert evidence_mark("tested") in row and evidence_mark("observed") in row


def test_matrix_json_carries_the_evidence_counts() -> None:
    assert matrix_to_json(_matrix())["evidence_counts"] == {o: dict(COUNTS[o]) for o in OSES}
