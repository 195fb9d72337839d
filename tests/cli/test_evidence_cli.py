"""``sockbehave evidence``: the table OS x evidence level, the goal line, and the weak cells."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from sockbehave.catalog import load_catalog
from sockbehave.cli import main
from sockbehave.tables import EVIDENCE, OSES


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _catalog(make_catalog, tiny_table) -> Path:  # type: ignore[no-untyped-def]
    """The tiny catalog with darwin tested/inferred and freebsd unknown on its two steps."""
    text = tiny_table()
    cells = {
        "darwin": (
            '{ outcome = "3", evidence = "tested", source = "a/b@v1.0 t/s.c:12 (ok: send returns 3)" }',
            '{ outcome = "b\'abc\'", evidence = "inferred", source = "from the send step" }',
        ),
        "freebsd": ('{ outcome = "unknown", evidence = "unknown", note = "a run on FreeBSD 14 would settle it" }',) * 2,
    }
    for os_name, (send, recv) in cells.items():
        text = text.replace(
            f'{os_name} = {{ outcome = "3", evidence = "observed", source = "test" }}', f"{os_name} = {send}", 1
        )
        text = text.replace(
            f'{os_name} = {{ outcome = "b\'abc\'", evidence = "observed", source = "test" }}', f"{os_name} = {recv}", 1
        )
    return make_catalog(table_text=text)  # type: ignore[no-any-return]


def test_evidence_prints_counts_goal_and_weak_cells(make_catalog, tiny_table) -> None:  # type: ignore[no-untyped-def]
    status, out, err = _run("--catalog", str(_catalog(make_catalog, tiny_table)), "--no-builtin", "evidence")
    assert status == 0 and not err
    lines = out.splitlines()
    assert lines[0].split() == ["OS", *EVIDENCE, "total"]
    rows = {ln.split()[0]: [int(n) for n in ln.split()[1:]] for ln in lines[2:6]}
    assert rows == {
        "linux": [2, 0, 0, 0, 0, 2],
        "darwin": [0, 1, 0, 1, 0, 2],
        "freebsd": [0, 0, 0, 0, 2, 2],
        "windows": [2, 0, 0, 0, 0, 2],
    }
    assert "non-Linux cells tested or documented: 1 of 6 (16.6%; goal 80%: not met)" in out
    assert "inferred cells (1)" in out and "tcp.tiny-send recv darwin: b'abc'\n      from the send step" in out
    assert "unknown cells (2)" in out and "tcp.tiny-send send freebsd: unknown\n      a run on FreeBSD 14" in out


def test_evidence_json_has_counts_share_and_weak_cells(make_catalog, tiny_table) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = _run("--catalog", str(_catalog(make_catalog, tiny_table)), "--no-builtin", "evidence", "--json")
    assert status == 0
    data = json.loads(out)
    assert set(data) == {"levels", "counts", "non_linux", "weak"}
    assert data["levels"] == list(EVIDENCE)
    assert data["counts"]["darwin"] == {
        "observed": 0,
        "tested": 1,
        "documented": 0,
        "inferred": 1,
        "unknown": 0,
        "total": 2,
    }
    assert data["non_linux"] == {"cells": 6, "tested_or_documented": 1, "share": 0.1667}
    assert [(w["step"], w["os"], w["evidence"]) for w in data["weak"]] == [
        ("send", "freebsd", "unknown"),
        ("recv", "darwin", "inferred"),
        ("recv", "freebsd", "unknown"),
    ]
    assert data["weak"][0] == {
        "scenario": "tcp.tiny-send",
        "step": "send",
        "os": "freebsd",
        "evidence": "unknown",
        "outcomes": ["unknown"],
        "why": "a run on FreeBSD 14 would settle it",
    }


def test_evidence_on_the_shipped_catalog_prints_the_goal_numbers() -> None:
    status, out, _ = _run("evidence")
    data = json.loads(_run("evidence", "--json")[1])
    assert status == 0
    steps = sum(len(steps) for steps in load_catalog().table.values())
    assert all(data["counts"][o]["total"] == steps for o in OSES)
    assert data["counts"]["linux"]["observed"] == steps
    cited = data["non_linux"]["tested_or_documented"]
    m = re.search(r"non-Linux cells tested or documented: (\d+) of (\d+) \(([\d.]+)%", out)
    assert m is not None and (int(m.group(1)), int(m.group(2))) == (cited, 3 * steps)
    assert len(data["weak"]) == sum(data["counts"][o][lv] for o in OSES for lv in ("inferred", "unknown"))


def test_evidence_on_a_malformed_table_is_exit_2_naming_the_file(make_catalog, tiny_table) -> None:  # type: ignore[no-untyped-def]
    text = tiny_table().replace('evidence = "observed", source = "test"', 'evidence = "tested", source = "sock.c"', 1)
    root = make_catalog(table_text=text)
    status, out, err = _run("--catalog", str(root), "--no-builtin", "evidence")
    assert status == 2 and not out
    assert err.count("\n") == 1 and str(root / "partial-io" / "expected.toml") in err and "tested source" in err
