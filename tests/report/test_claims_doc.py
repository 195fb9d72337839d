"""``docs/claims.md`` and ``docs/claims.zh.md`` are generated: each must equal what the command
writes today (so a changed claim, table or report cannot leave them stale), and the page is
safe to show whatever the reports hold."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.claims import judge_claims, load_claims
from sockbehave.report import build_report
from sockbehave.report.claims_doc import COMMAND, claims_html, claims_markdown
from sockbehave.verdict import Result

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)
REPO = Path(__file__).resolve().parents[2]
PAGES = {"en": REPO / "docs" / "claims.md", "zh": REPO / "docs" / "claims.zh.md"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_committed_claims_page_is_not_stale(cli: CLI, lang: str) -> None:
    code, fresh, err = cli("claims", str(REPO / "reports"), "--lang", lang)
    assert code == 0, err
    committed = PAGES[lang].read_text(encoding="utf-8")
    assert committed == fresh, f"{PAGES[lang].name} is stale: run `{COMMAND[lang]}` at the top of the repository"


HOSTILE = "<script>alert(1)</script> | [x](javascript:alert(1)) `` *b* \x1b[31m"


def _hostile_reports() -> list[tuple[str, object]]:
    results = [
        Result("tcp.send-empty", "peer-recv", HOSTILE, ("timeout",), "observed", HOSTILE, "mismatch", {}),
        Result("udp.sendto-empty", "recvfrom", HOSTILE, None, "observed", "", "new", {}),
    ]
    platform = {
        "os": "linux",
        "system": "<b>Linux</b>",
        "release": HOSTILE,
        "machine": "x",
        "python": "3",
        "sysctls": {},
    }
    report = build_report(
        results, catalog_version="0" * 16, os_name="linux", backend="real", platform=platform, variant="linux+gvisor"
    )
    return [(f"reports/{HOSTILE}.json", report)]


def test_hostile_report_content_is_escaped_in_html_and_markdown() -> None:
    catalog = load_catalog()
    reports = _hostile_reports()
    page = claims_html(catalog, reports, "en")  # type: ignore[arg-type]
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "href=" not in page and "\x1b" not in page  # no link can be injected, no raw escape code
    assert page.count("<code>") == page.count("</code>")
    md = claims_markdown(judge_claims(load_claims(catalog), catalog, reports), "en", reports)  # type: ignore[arg-type]
    rows = [line for line in md.splitlines() if line.startswith("| linux+gvisor |")]
    assert len(rows) >= 2 and all(row.count(" | ") == 3 for row in rows)  # no injected table cells
    assert "\x1b" not in md and HOSTILE.split(".json")[0] not in md  # report paths are never shown
    hostile_row = next(row for row in rows if "script" in row)
    assert "```<script>" in hostile_row  # inside a code span, where GitHub shows it as text
