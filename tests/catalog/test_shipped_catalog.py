"""The shipped catalog: its shape, its evidence rules, and what it observes on this machine."""

from __future__ import annotations

import pytest

from sockbehave.catalog import TOPICS, load_catalog
from sockbehave.platform_info import current_os
from sockbehave.session import run_catalog
from sockbehave.tables import OSES

CATALOG = load_catalog()


def test_at_least_twenty_scenarios_covering_every_topic() -> None:
    assert len(CATALOG.scenarios) >= 20
    assert {s.topic for s in CATALOG.scenarios} == set(TOPICS)


def test_every_scenario_has_metadata_for_learners() -> None:
    for sc in CATALOG.scenarios:
        assert sc.title and sc.claim and sc.explanation and sc.references, sc.id


def test_every_linux_cell_is_observed() -> None:
    for sid, steps in CATALOG.table.items():
        for step, cells in steps.items():
            assert cells["linux"].evidence == "observed", f"{sid} {step}"


def test_every_other_cell_has_a_source_or_says_unknown() -> None:
    for sid, steps in CATALOG.table.items():
        for step, cells in steps.items():
            for os_name in OSES:
                cell = cells[os_name]
                assert cell.evidence == "unknown" or cell.source, f"{sid} {step} {os_name}"
                assert os_name == "linux" or cell.evidence != "observed" or "observed" in cell.source


def test_the_catalog_version_is_stable() -> None:
    assert load_catalog().version == CATALOG.version


def test_the_whole_catalog_matches_this_os_column() -> None:
    """The central check: what this machine's stack does agrees with the table for its OS."""
    report = run_catalog(CATALOG, CATALOG.scenarios)
    assert report.os == current_os()
    problems = [
        f"{r.scenario} {r.step}: expected {r.expected} observed {r.observed} {dict(r.detail)}" for r in report.failing
    ]
    assert not problems, "\n".join(problems)
    if report.os == "linux":
        assert report.summary["new"] == 0


@pytest.mark.parametrize("pattern", ["backlog", "tcp.restart-*"])
def test_selection_by_topic_and_glob(pattern: str) -> None:
    chosen = CATALOG.select([pattern])
    assert chosen
    assert all(s.topic == pattern or s.id.startswith("tcp.restart-") for s in chosen)
