"""The variant reports committed to reports/ (docs/platforms.md): every variant ``sockbehave
regenerate`` makes is there, named as its variant, made with this catalog (the staleness check
in tests/catalog/ covers every *.json), with the facts that make it that variant, and the
committed matrix gives each its own column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sockbehave.platforms import REGENERATED, Variant
from sockbehave.report import load_report

REPORTS = Path(__file__).resolve().parents[2] / "reports"
WANTED = [Variant("linux", sandbox, sysctls) for sandbox, sysctls in REGENERATED]
STALE = "reports/ lacks a variant: run `sockbehave regenerate` as root with runsc and commit the result"

pytestmark = pytest.mark.skipif(not REPORTS.is_dir(), reason="not a source checkout")


@pytest.mark.parametrize("variant", WANTED, ids=[v.name for v in WANTED])
def test_each_regenerated_variant_is_committed_with_what_makes_it(variant: Variant) -> None:
    path = REPORTS / f"{variant.file_stem}-real.json"
    assert path.is_file(), STALE
    report = load_report(path)
    assert (report.column, report.os, report.backend) == (variant.name, "linux", "real")
    p = report.platform
    if variant.sandbox == "gvisor":
        assert p["release"] == "4.4.0" and p["runsc_version"] and p["host_release"] != "4.4.0"
    else:
        assert p["sysctls_set"] == dict(variant.sysctls)
        assert {k: p["sysctls"][k] for k, _ in variant.sysctls} == dict(variant.sysctls)


def test_the_committed_matrix_has_a_column_per_variant() -> None:
    columns = json.loads((REPORTS / "matrix.json").read_text(encoding="utf-8"))["columns"]
    assert columns[: 1 + len(WANTED)] == ["linux", *sorted(v.name for v in WANTED)], STALE
