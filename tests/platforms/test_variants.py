"""Platform variants (issue 11 §1-2): how they are named, what may be set, the argv that re-runs
sockbehave as one, and reports, matrices, check and diff that keep them apart. Nothing here
needs root, runsc or a namespace (see test_variant_runs.py for the real runs)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.catalog import load_catalog
from sockbehave.errors import CatalogError, InputError
from sockbehave.platform_info import fingerprint
from sockbehave.platforms import (
    NETNS_SYSCTLS,
    VARIANT_ENV,
    Variant,
    base_os,
    child_argv,
    current_variant,
    enter,
    parse_sysctl,
    preflight,
)
from sockbehave.report import load_report, report_to_json, write_report
from sockbehave.report.markdown import render_markdown
from sockbehave.report.matrix import build_matrix
from sockbehave.session import run_catalog

CLI = Callable[..., tuple[int, str, str]]
LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="variants run on Linux")
CATALOG = load_catalog()
SUBSET = CATALOG.select(["empty-send"])
GVISOR = Variant("linux", "gvisor")
SOMAXCONN = Variant("linux", None, (("net.core.somaxconn", "4"), ("net.ipv4.ip_local_port_range", "40000 40000")))


def _linux(variant: str = ""):  # type: ignore[no-untyped-def]
    """A linux report (simulated outcomes, labelled real) as ``variant``."""
    return replace(
        run_catalog(CATALOG, SUBSET, backend="sim", os_name="linux", jobs=1), backend="real", variant=variant
    )


def test_variant_names_columns_and_file_names() -> None:
    assert Variant("linux").name == "linux"
    assert GVISOR.name == GVISOR.file_stem == "linux+gvisor"
    assert SOMAXCONN.name == "linux[net.core.somaxconn=4,net.ipv4.ip_local_port_range=40000_40000]"
    assert SOMAXCONN.file_stem == "linux+net.core.somaxconn=4+net.ipv4.ip_local_port_range=40000_40000"
    assert not set("[], *?") & set(SOMAXCONN.file_stem)
    assert {base_os(v.name) for v in (GVISOR, SOMAXCONN)} == {"linux"}


def test_only_allow_listed_per_namespace_sysctls_with_numeric_values() -> None:
    assert parse_sysctl("net.ipv4.tcp_rmem=4096  8192 16384") == ("net.ipv4.tcp_rmem", "4096 8192 16384")
    assert all(reason.strip() for reason in NETNS_SYSCTLS.values())
    for bad, words in [
        ("kernel.panic=1", "not a per-network-namespace"),
        ("net.core.rmem_max=1", "not a per-network-namespace"),  # global before Linux 6.x
        ("net.core.somaxconn", "expected KEY=VALUE"),
        ("net.core.somaxconn=4;reboot", "not one to three whole numbers"),
        ("../../etc/passwd=1", "expected KEY=VALUE"),
    ]:
        with pytest.raises(InputError, match=words):
            parse_sysctl(bad)


def test_preflight_says_in_one_line_what_is_missing() -> None:
    with pytest.raises(InputError, match=r"runsc not found on PATH \(apt-get install runsc\)"):
        preflight(GVISOR, which=lambda _: None, euid=0)
    with pytest.raises(InputError, match=r"runsc needs root here \(running as uid 1000\)"):
        preflight(GVISOR, which=lambda n: f"/usr/bin/{n}", euid=1000)
    with pytest.raises(InputError, match="unshare needs root"):
        preflight(SOMAXCONN, which=lambda n: f"/usr/bin/{n}", euid=1000)
    with pytest.raises(InputError, match="only on Linux"):
        preflight(Variant("darwin", "gvisor"), which=lambda n: n, euid=0)
    assert preflight(GVISOR, which=lambda n: f"/usr/bin/{n}", euid=0) == "/usr/bin/runsc"


def test_child_argv_is_a_list_for_runsc_or_unshare() -> None:
    argv = child_argv(GVISOR, "/usr/bin/runsc", ["--out", "/r"])
    assert argv[:6] == ["/usr/bin/runsc", "--network=none", "--platform=ptrace", "do", "-force-overlay=false", "--"]
    assert argv[-5:] == ["-m", "sockbehave", "run", "--out", "/r"]
    assert child_argv(SOMAXCONN, "/usr/bin/unshare", [])[:3] == ["/usr/bin/unshare", "--net", "--"]


def test_the_child_never_sets_sysctls_in_the_parents_namespace(tmp_path: Path) -> None:
    import os

    here = str(os.stat("/proc/self/ns/net").st_ino) if Path("/proc/self/ns/net").exists() else ""
    info = current_variant({VARIANT_ENV: SOMAXCONN.to_env(parent_netns=here)})
    assert info is not None
    with pytest.raises(InputError, match="refusing to set sysctls on the host"):
        enter(info, proc_sys=tmp_path)
    assert not any(tmp_path.iterdir())


@LINUX_ONLY
def test_a_child_told_gvisor_checks_it_is_on_gvisor() -> None:
    info = current_variant({VARIANT_ENV: GVISOR.to_env()})
    assert info is not None
    if Path("/proc/version").read_text(encoding="ascii", errors="replace").startswith("Linux version 4.4.0 #1 SMP"):
        pytest.skip("this test runs on gVisor itself")
    with pytest.raises(InputError, match="not gVisor's kernel"):
        enter(info)


def test_a_forged_variant_environment_is_one_line() -> None:
    for raw in ("{", '{"os": "linux"}', json.dumps({"os": "linux", "sandbox": None, "sysctls": {"kernel.panic": 1}})):
        with pytest.raises(InputError):
            current_variant({VARIANT_ENV: raw})


def test_the_fingerprint_records_what_makes_the_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIANT_ENV, GVISOR.to_env(runsc_version="0.0~20221219.0", host_release="6.18"))
    fp = fingerprint("linux")
    assert fp["variant"] == "linux+gvisor"
    assert fp["runsc_version"] == "0.0~20221219.0" and fp["host_release"] == "6.18"
    assert "fake kernel release" in fp["release_note"]
    monkeypatch.setenv(VARIANT_ENV, SOMAXCONN.to_env(host_release="6.18"))
    fp = fingerprint("linux")
    assert fp["sysctls_set"] == dict(SOMAXCONN.sysctls)
    assert "net.core.somaxconn" in fp["sysctls"]
    monkeypatch.delenv(VARIANT_ENV)
    assert fingerprint("linux")["variant"] == "linux"


def test_a_simulated_report_records_no_host_tunable(monkeypatch: pytest.MonkeyPatch) -> None:
    """No host tunable changes a simulated run, so its report lists none (the host's sysctls
    beside ``simulated_os: darwin`` read as if they mattered) and reads none: on a macOS or
    BSD host each one is a ``sysctl`` process."""
    read: list[str] = []
    monkeypatch.setattr("sockbehave.platform_info._read_proc", read.append)
    monkeypatch.setattr("sockbehave.platform_info._read_sysctl", read.append)
    catalog = load_catalog()
    chosen = catalog.select(["tcp.send-empty"])
    report = run_catalog(catalog, chosen, backend="sim", os_name="darwin")
    assert report.platform["sysctls"] == {} and report.platform["simulated_os"] == "darwin"
    assert read == []
    assert run_catalog(catalog, chosen, backend="real").platform["sysctls"]
    assert "net.core.somaxconn" in read or "kern.ipc.somaxconn" in read


def test_reports_carry_the_variant_and_version_1_reports_still_read(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    write_report(_linux("linux+gvisor"), path)
    assert load_report(path).column == "linux+gvisor"
    data = report_to_json(_linux())
    del data["variant"]
    data["schema_version"] = 1
    old = tmp_path / "v1.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    assert load_report(old).column == "linux"
    data = {**report_to_json(_linux()), "variant": "darwin+gvisor"}
    old.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="is not a variant of os linux"):
        load_report(old)


def test_a_variant_is_its_own_matrix_column_judged_against_its_os() -> None:
    gvisor = _linux("linux+gvisor")
    odd = replace(gvisor, results=tuple(replace(r, observed="EPIPE") for r in gvisor.results))
    matrix = build_matrix([("native.json", _linux()), ("gvisor.json", odd)], CATALOG, "t")
    assert matrix.columns[:2] == ("linux", "linux+gvisor")
    row = next(r for r in matrix.rows if r.scenario == "tcp.send-empty")
    assert row.cells["linux"].category == "as expected"
    assert row.cells["linux+gvisor"].category == "unexpected"
    assert row.cells["linux+gvisor"].expected == row.cells["linux"].expected
    assert "| linux | linux+gvisor | darwin |" in render_markdown(matrix)


def test_report_check_and_diff_keep_native_and_gvisor_apart(cli: CLI, tmp_path: Path) -> None:
    native, gvisor = tmp_path / "linux-real.json", tmp_path / "linux+gvisor-real.json"
    write_report(_linux(), native)
    write_report(_linux("linux+gvisor"), gvisor)
    code, out, _ = cli("report", str(native), str(gvisor), "-o", "-")
    assert code == 0 and "| linux | linux+gvisor |" in out
    code, out, _ = cli("check", str(gvisor))
    assert "linux+gvisor/real:" in out
    code, out, _ = cli("diff", str(native), str(gvisor))
    assert code == 0 and "A: linux/real" in out and "B: linux+gvisor/real" in out
    code, out, _ = cli("diff", "--json", str(native), str(gvisor))
    assert json.loads(out)["b"]["variant"] == "linux+gvisor"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--sysctl", "kernel.panic=1"], "--sysctl kernel.panic: not a per-network-namespace"),
        (["--sandbox", "gvisor", "--sysctl", "net.core.somaxconn=4"], "--sysctl cannot set them"),
        (["--sandbox", "gvisor", "--backend", "sim"], "only with the real backend"),
    ],
)
def test_bad_variant_flags_are_one_line_exit_2(cli: CLI, tmp_path: Path, argv: list[str], words: str) -> None:
    code, out, err = cli("run", "--scenario", "empty-send", "--out", str(tmp_path), *argv)
    assert code == 2 and words in err and err.count("\n") == 1 and out == ""
    assert not any(tmp_path.iterdir())


@LINUX_ONLY
def test_a_missing_runsc_is_one_line_exit_2(cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, _, err = cli("run", "--sandbox", "gvisor", "--scenario", "empty-send", "--out", str(tmp_path))
    assert code == 2 and err == "sockbehave: error: --sandbox gvisor: runsc not found on PATH (apt-get install runsc)\n"


def test_tables_may_give_a_variant_its_own_cell(make_catalog, tiny_table) -> None:  # type: ignore[no-untyped-def]
    from sockbehave.verdict import Observation, judge

    text = tiny_table() + '"linux+gvisor" = { outcome = "b\'ab\'", evidence = "observed", source = "test" }\n'
    cat = load_catalog(make_catalog(table_text=text), builtin=False)
    obs = [Observation("tcp.tiny-send", "send", "3"), Observation("tcp.tiny-send", "recv", "b'abc'")]
    on = {c: {r.step: r.verdict for r in judge(obs, cat.table, c)} for c in ("linux+gvisor", "linux[k.k=1]")}
    assert on["linux+gvisor"] == {"send": "match", "recv": "mismatch"}  # its own recv cell
    assert on["linux[k.k=1]"] == {"send": "match", "recv": "match"}  # no cell: linux's
    assert load_catalog(make_catalog(table_text=text), builtin=False).steps("tcp.tiny-send")["recv"]["linux+gvisor"]
    bad = tiny_table() + '"linux+GV!" = { outcome = "3", evidence = "observed", source = "test" }\n'
    with pytest.raises(CatalogError, match="unknown OS name"):
        load_catalog(make_catalog(table_text=bad), builtin=False)


@LINUX_ONLY
def test_a_namespace_that_cannot_be_made_is_one_line() -> None:
    with pytest.raises(InputError, match=r"^--sysctl: cannot create a network namespace: exit 1$"):
        preflight(SOMAXCONN, which=lambda _: "/bin/false", euid=0)


@LINUX_ONLY
def test_regenerate_keeps_a_committed_variant_it_cannot_rerun(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse
    import io

    from sockbehave import platforms
    from sockbehave.cli import _regenerate_variants

    def no_runsc(variant: Variant, **_: object) -> str:
        raise InputError(f"{variant.name}: runsc not found on PATH")

    monkeypatch.setattr(platforms, "preflight", no_runsc)
    write_report(_linux("linux+gvisor"), tmp_path / "linux+gvisor-real.json")
    err = io.StringIO()
    found = _regenerate_variants(argparse.Namespace(out=tmp_path, catalog=[], no_builtin=False), err)
    assert [(name, report.column, text) for name, report, text in found] == [
        ("linux+gvisor-real.json", "linux+gvisor", None)
    ]
    assert "note: kept linux+gvisor-real.json: linux+gvisor: runsc not found" in err.getvalue()
    assert err.getvalue().count("\n") == 1  # nothing to keep for the others: they are left out


def test_explain_shows_variant_cells(cli: CLI, make_catalog, tiny_table) -> None:  # type: ignore[no-untyped-def]
    text = tiny_table() + '"linux+gvisor" = { outcome = "b\'ab\'", evidence = "observed", source = "test" }\n'
    root = make_catalog(table_text=text)
    code, out, _ = cli("--catalog", str(root), "--no-builtin", "explain", "tcp.tiny-send")
    assert code == 0 and "linux+gvisor b'ab'  [observed]" in out


@LINUX_ONLY
def test_regenerate_runs_a_variant_on_its_own_topics_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_catalog: Callable[..., Path]
) -> None:
    """The tutorials' sysctl 'fixes' (REGENERATED_SCENARIOS) re-run only the topics about them,
    and not at all for a catalog without those topics; the other variants re-run the whole catalog."""
    import argparse
    import io
    import subprocess

    from sockbehave import platforms
    from sockbehave.cli import _regenerate_variants

    asked: dict[str, list[str]] = {}

    def child(variant: Variant, launcher: str, run_args: list[str]) -> subprocess.CompletedProcess[str]:
        asked[variant.name] = [a for a in run_args if a.startswith("--scenario")]
        out = Path(run_args[run_args.index("--out") + 1])
        write_report(_linux(variant.name), out / f"{variant.file_stem}-real.json")
        return subprocess.CompletedProcess([launcher], 0, "", "")

    monkeypatch.setattr(platforms, "preflight", lambda variant, **_: "launcher")
    monkeypatch.setattr(platforms, "run_child", child)
    args = argparse.Namespace(out=tmp_path, catalog=[], no_builtin=False)
    _regenerate_variants(args, io.StringIO(), CATALOG)
    assert asked["linux[net.ipv4.tcp_fin_timeout=30]"] == ["--scenario=reuseaddr-restart", "--scenario=tutorial-claims"]
    assert asked["linux+gvisor"] == [] and asked["linux[net.core.somaxconn=4]"] == []
    asked.clear()
    _regenerate_variants(args, io.StringIO(), load_catalog(make_catalog(), builtin=False))
    assert "linux+gvisor" in asked and "linux[net.ipv4.tcp_fin_timeout=30]" not in asked
