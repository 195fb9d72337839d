"""The sockbehave command: exit statuses, JSON listing, explain, run, check, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.links import example_of

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)


def test_list_json_has_id_title_topic(cli: CLI) -> None:
    code, out, _ = cli("list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) >= 20
    assert {"id", "title", "topic"} <= set(rows[0])


def test_list_plain_groups_by_topic(cli: CLI) -> None:
    code, out, _ = cli("list")
    assert code == 0
    assert "udp-oversize" in out and "udp.largest-datagram-ipv4" in out


def test_explain_shows_claim_code_and_per_os_evidence(cli: CLI) -> None:
    code, out, _ = cli("explain", "udp.recv-buffer-smaller-than-datagram")
    assert code == 0
    example = example_of(load_catalog().by_id["udp.recv-buffer-smaller-than-datagram"])
    for part in (
        "The claim:",
        # the standalone example where there is one, else the scenario's own code
        "A standalone example (" if example else "def recv_buffer_too_small",
        "windows",
        "OSError(EMSGSIZE)",
        "documented",
        "learn.microsoft.com",
    ):
        assert part in out


def test_explain_unknown_id_suggests_and_exits_2(cli: CLI) -> None:
    code, out, err = cli("explain", "udp.recv-bufer-smaller-than-datagram")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "did you mean udp.recv-buffer-smaller-than-datagram" in err


def test_run_writes_a_report_and_exits_0(cli: CLI, tmp_path: Path) -> None:
    code, out, _ = cli("run", "--scenario", "empty-send", "--out", str(tmp_path), "--jobs", "2")
    assert code == 0, out
    [report] = tmp_path.iterdir()
    assert report.name.endswith("-real.json")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["schema_version"] == 2 and data["backend"] == "real" and data["variant"] == data["os"]
    assert {r["scenario"] for r in data["results"]} == {"tcp.send-empty", "udp.sendto-empty", "tcp.recv-zero-bytes"}
    assert "match" in out


def test_run_exits_1_on_a_mismatch_and_prints_it(cli: CLI, make_catalog, tiny_table, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog(table_text=tiny_table(send="4"))
    code, out, _ = cli("--catalog", str(root), "--no-builtin", "run", "--out", str(tmp_path / "r"))
    assert code == 1
    assert "tcp.tiny-send step 'send'" in out and "expected 4" in out and "observed 3" in out
    assert "observed: test" in out  # the evidence is shown


def test_check_rechecks_against_current_tables(cli: CLI, make_catalog, tiny_table, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog()
    assert cli("--catalog", str(root), "--no-builtin", "run", "--out", str(tmp_path))[0] == 0
    [report] = tmp_path.glob("*.json")
    assert cli("--catalog", str(root), "--no-builtin", "check", str(report))[0] == 0
    (root / "partial-io" / "expected.toml").write_text(tiny_table(recv="b'xyz'"), encoding="utf-8")
    code, out, _ = cli("--catalog", str(root), "--no-builtin", "check", str(report))
    assert code == 1 and "expected b'xyz'" in out


def test_check_rejects_a_malformed_report_in_one_line(cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "results": "<script>"}', encoding="utf-8")
    code, out, err = cli("check", str(bad))
    assert code == 2 and out == ""
    assert err.startswith("sockbehave: error: " + str(bad)) and err.count("\n") == 1


def test_a_malformed_table_exits_2_naming_the_file(cli: CLI, make_catalog) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog(table_text="[oops")
    code, _, err = cli("--catalog", str(root), "--no-builtin", "list")
    assert code == 2 and "expected.toml: not valid TOML" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ("run", "--jobs", "0"),
        ("run", "--jobs", "many"),
        ("run", "--backend", "qemu"),
        ("frobnicate",),
        (),
        ("list", "--yaml"),
    ],
)
def test_bad_usage_exits_2_with_one_line(cli: CLI, argv: tuple[str, ...]) -> None:
    code, _, _ = cli(*argv)
    assert code == 2


def test_no_matching_scenario_is_a_usage_error(cli: CLI) -> None:
    code, _, err = cli("run", "--scenario", "nothing-matches-*")
    assert code == 2 and "matches no scenario" in err


def test_python_m_sockbehave_is_the_same_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sockbehave", "run", "--jobs", "x"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_unreadable_report_path_is_exit_2(cli: CLI, tmp_path: Path) -> None:
    code, _, err = cli("check", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read" in err
