"""The reports committed to reports/ are current: made with this catalog, and (for the
simulated ones) exactly what the simulator produces now. Regenerate them with
``sockbehave regenerate``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.report import load_report
from sockbehave.session import run_catalog
from sockbehave.tables import OSES

REPORTS = Path(__file__).resolve().parents[2] / "reports"
CATALOG = load_catalog()
STALE = "reports/ is stale against the catalog: run `sockbehave regenerate` and commit the result"

pytestmark = pytest.mark.skipif(not REPORTS.is_dir(), reason="not a source checkout")


def test_every_committed_report_was_made_with_this_catalog() -> None:
    names = sorted(p.name for p in REPORTS.glob("*.json") if p.name != "matrix.json")
    assert "linux-real.json" in names
    assert {f"{o}-sim.json" for o in OSES if o != "linux"} <= set(names)
    for name in names:
        assert load_report(REPORTS / name).catalog_version == CATALOG.version, f"{name}: {STALE}"


def test_the_committed_linux_report_covers_every_catalog_step_and_matches() -> None:
    report = load_report(REPORTS / "linux-real.json")
    seen = {(r.scenario, r.step) for r in report.results}
    wanted = {(sid, step) for sid, steps in CATALOG.table.items() for step in steps}
    assert wanted <= seen, STALE
    assert not report.failing


@pytest.mark.parametrize("os_name", [o for o in OSES if o != "linux"])
def test_committed_simulated_reports_are_what_the_simulator_says_now(os_name: str) -> None:
    committed = load_report(REPORTS / f"{os_name}-sim.json")
    fresh = run_catalog(CATALOG, CATALOG.scenarios, backend="sim", os_name=os_name, jobs=4)
    assert [(r.scenario, r.step, r.observed, r.verdict) for r in committed.results] == [
        (r.scenario, r.step, r.observed, r.verdict) for r in fresh.results
    ], STALE


def test_the_committed_matrix_is_current() -> None:
    data = json.loads((REPORTS / "matrix.json").read_text(encoding="utf-8"))
    assert data["catalog_version"] == CATALOG.version, STALE
    assert CATALOG.version in (REPORTS / "matrix.md").read_text(encoding="utf-8"), STALE
    assert CATALOG.version in (REPORTS / "matrix.html").read_text(encoding="utf-8"), STALE
