"""The merged matrix: categories, what a cell rests on, stale reports, and escaping of hostile input."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.report import load_report, report_to_json, write_report
from sockbehave.report.html import render_html
from sockbehave.report.markdown import code, render_markdown, text
from sockbehave.report.matrix import build_matrix, matrix_to_json
from sockbehave.session import run_catalog
from sockbehave.verdict import Result

CATALOG = load_catalog()
SUBSET = CATALOG.select(["empty-send"])

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)


def _sim(os_name: str):  # type: ignore[no-untyped-def]
    return run_catalog(CATALOG, SUBSET, backend="sim", os_name=os_name, jobs=1)


def test_cells_rest_on_real_then_sim_then_docs_and_are_categorised() -> None:
    real_like = replace(_sim("linux"), backend="real")
    matrix = build_matrix([("linux.json", real_like), ("win.json", _sim("windows"))], CATALOG, "t")
    row = next(r for r in matrix.rows if (r.scenario, r.step) == ("tcp.send-empty", "send-empty"))
    assert row.cells["linux"].rests_on == "observed on a real OS"
    assert row.cells["windows"].rests_on == "simulated"
    assert row.cells["darwin"].rests_on == "documented only"
    assert row.cells["darwin"].category == "not run"
    assert row.cells["linux"].category == "as expected"


def test_a_contradiction_is_unexpected_and_an_unknown_cell_is_new() -> None:
    report = _sim("linux")
    bent = tuple(
        replace(r, observed="OSError(EBADF)") if (r.scenario, r.step) == ("tcp.send-empty", "send-empty") else r
        for r in report.results
    )
    matrix = build_matrix([("bent.json", replace(report, results=bent))], CATALOG, "t")
    cells = {(r.scenario, r.step): r.cells["linux"] for r in matrix.rows}
    assert cells[("tcp.send-empty", "send-empty")].category == "unexpected"
    assert "❌" in render_markdown(matrix) and "expected `0`" in render_markdown(matrix)
    windows = build_matrix([("w.json", _sim("windows"))], load_catalog(), "t")
    assert "new" in {c.category for r in windows.rows for c in r.cells.values()} or windows.counts()["new"] == 0


def test_reports_from_another_catalog_version_are_listed_as_stale() -> None:
    old = replace(_sim("linux"), catalog_version="0" * 16)
    matrix = build_matrix([("old.json", old)], CATALOG, "t")
    assert matrix.stale == ["old.json"]
    assert "Stale reports" in render_markdown(matrix) and "Stale reports" in render_html(matrix)


def test_known_gaps_are_shown_as_such(make_catalog, tiny_table) -> None:  # type: ignore[no-untyped-def]
    table = tiny_table().replace(
        'windows = { outcome = "3", evidence = "observed", source = "test" }',
        'windows = { outcome = "3", evidence = "documented", source = "https://example.org/x", sim_gap = "not modelled" }',
        1,
    )
    cat = load_catalog(make_catalog(table_text=table))
    rep = run_catalog(cat, cat.scenarios, backend="sim", os_name="windows", jobs=1)
    bent = tuple(replace(r, observed="4") if r.step == "send" else r for r in rep.results)
    matrix = build_matrix([("w.json", replace(rep, results=bent))], cat, "t")
    assert matrix.rows[0].cells["windows"].category == "known gap"


HOSTILE = "<script>alert(1)</script>|`x`*[link](javascript:alert(1))\n# heading"


def _hostile_report(tmp_path: Path) -> Path:
    report = _sim("linux")
    evil = Result(HOSTILE, HOSTILE.replace("\n", " "), HOSTILE, None, "", "", "new", {"message": HOSTILE})
    path = tmp_path / "hostile.json"
    data = report_to_json(replace(report, results=(*report.results, evil)))
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_hostile_strings_are_escaped_in_html(tmp_path: Path) -> None:
    matrix = build_matrix([("h.json", load_report(_hostile_report(tmp_path)))], CATALOG, "t")
    page = render_html(matrix)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page
    assert page.count("<script>") == 1  # only the page's own filter script
    assert "default-src 'none'" in page  # nothing can be fetched
    assert " src=" not in page and "<link" not in page


def _outside_code_spans(md: str) -> str:
    return re.sub(r"(`+)(?:(?!\1).)*?\1", "", md)


def test_hostile_strings_are_escaped_in_markdown(tmp_path: Path) -> None:
    matrix = build_matrix([("h.json", load_report(_hostile_report(tmp_path)))], CATALOG, "t")
    md = render_markdown(matrix)
    bare = _outside_code_spans(md)  # code spans are rendered literally by Markdown
    assert "<script>" not in bare and "alert(1)" not in bare
    assert "](javascript" not in bare
    row = next(line for line in md.splitlines() if "alert(1)" in line)
    assert row.count(" | ") == 4  # the table structure survived: five columns, escaped pipes
    assert "\n# heading" not in md


FOLD_BREAKER = "</summary></details><img src=x onerror=alert(2)>|`RST`\n## x"


def test_hostile_strings_cannot_break_the_compact_table_or_the_folds(tmp_path: Path) -> None:
    report = _sim("linux")
    evil = Result(FOLD_BREAKER, "step", FOLD_BREAKER, None, "", "", "new", {})
    matrix = build_matrix([("h.json", replace(report, results=(*report.results, evil)))], CATALOG, "t")
    md = render_markdown(matrix)
    compact = md.split("<details>", 1)[0]
    assert "alert(2)" in compact  # the hostile row differs, so the compact table lists it
    bare = _outside_code_spans(md)
    assert "<img" not in bare and "alert(2)" not in bare and "\n## x" not in md
    assert bare.count("<details>") == bare.count("</details>") and bare.count("<summary>") == bare.count("</summary>")
    row = next(line for line in compact.splitlines() if line.startswith("| ") and "alert(2)" in line)
    assert row.count(" | ") == 4  # five columns: the pipe stayed inside its code span


def test_short_outcome_codes() -> None:
    from sockbehave.report.markdown import short_outcome

    assert short_outcome("ConnectionResetError(ECONNRESET)") == "RST"
    assert short_outcome("ConnectionRefusedError(ECONNREFUSED) @~2s") == "refused ~2s"
    assert short_outcome("OSError(EADDRINUSE) | None") == "EADDRINUSE/ok"
    assert short_outcome("(<socket>, <addr>)") == "conn"
    assert short_outcome("b'abcdefghijklmnop'") == "b'abcdefg…'"
    assert short_outcome("unknown") == "?" and short_outcome("timeout") == "timeout"


@pytest.mark.parametrize("value", ["a|b", "x`y", "``", "", "<b>", "a\nb"])
def test_markdown_code_spans_and_text_keep_one_line_and_no_raw_markup(value: str) -> None:
    for rendered in (code(value), text(value)):
        assert "\n" not in rendered
        assert "|" not in rendered.replace("\\|", "")  # a pipe would split the table cell
    assert "<b>" not in text(value)
    assert _outside_code_spans(code(value)).strip() == ""  # the whole value stays inside the span


@pytest.fixture
def two_reports(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "linux-sim.json", tmp_path / "windows-sim.json"
    write_report(_sim("linux"), a)
    write_report(_sim("windows"), b)
    return a, b


@pytest.mark.parametrize("suffix", [".md", ".html", ".json"])
def test_report_command_writes_each_format(
    cli: CLI, two_reports: tuple[Path, Path], tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"matrix{suffix}"
    status, stdout, _ = cli("report", *map(str, two_reports), "-o", str(out))
    assert status == 0 and "rows from 2 reports" in stdout
    body = out.read_text(encoding="utf-8")
    if suffix == ".json":
        assert json.loads(body)["matrix_version"] == 1
    else:
        assert "tcp.send-empty" in body


def test_a_bad_input_report_leaves_no_output_at_all(cli: CLI, two_reports: tuple[Path, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "results": []', encoding="utf-8")
    out = tmp_path / "matrix.html"
    status, stdout, err = cli("report", str(two_reports[0]), str(bad), "-o", str(out))
    assert status == 2 and stdout == "" and err.count("\n") == 1 and str(bad) in err
    assert not out.exists() and list(tmp_path.glob(".matrix*")) == []


def test_report_needs_a_known_format(cli: CLI, two_reports: tuple[Path, Path], tmp_path: Path) -> None:
    status, _, err = cli("report", str(two_reports[0]), "-o", str(tmp_path / "m.pdf"))
    assert status == 2 and "unknown format '.pdf'" in err


def test_diff_is_a_regression_gate(cli: CLI, two_reports: tuple[Path, Path]) -> None:
    a, _ = map(str, two_reports)
    status, out, _ = cli("diff", a, a)
    assert status == 0 and "0 difference(s)" in out


def test_diff_shows_what_changed(cli: CLI, two_reports: tuple[Path, Path], tmp_path: Path) -> None:
    report = load_report(two_reports[0])
    changed = tuple(replace(r, observed="timeout") if r.step == "recv-zero" else r for r in report.results)
    other = tmp_path / "other.json"
    write_report(replace(report, results=changed), other)
    status, out, _ = cli("diff", str(two_reports[0]), str(other))
    assert status == 1 and "~ tcp.recv-zero-bytes recv-zero: b'' -> timeout" in out


def test_diff_rejects_malformed_input(cli: CLI, two_reports: tuple[Path, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    assert cli("diff", str(two_reports[0]), str(bad))[0] == 2


def test_explain_markdown_is_paste_ready(cli: CLI) -> None:
    status, out, _ = cli("explain", "udp.recv-buffer-smaller-than-datagram", "--format", "md")
    assert status == 0
    for part in ("**The claim:**", "| `recv-4` |", "`OSError(EMSGSIZE)`", "<https://learn.microsoft.com/", "```python"):
        assert part in out


def test_matrix_json_round_trips_through_json() -> None:
    matrix = build_matrix([("l.json", _sim("linux"))], CATALOG, "t")
    data = json.loads(json.dumps(matrix_to_json(matrix)))
    assert data["counts"]["as expected"] > 0 and data["rows"][0]["cells"]["linux"]["rests_on"] == "simulated"
