"""CLI habits (issue 12, section 4): quiet and JSON output, uncut step names, colour that
honours NO_COLOR, progress only on long runs, --fail-on, directories of reports, ``-o -``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from sockbehave.cli import _Progress
from sockbehave.runner import ScenarioRun

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)

LONG_STEP = "a-step-name-much-longer-than-twenty-two-characters"


def test_quiet_prints_only_the_summary_and_failures(cli: CLI, make_catalog, tiny_table, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog(table_text=tiny_table(send="4"))
    code, out, err = cli("--catalog", str(root), "--no-builtin", "run", "-q", "--out", str(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("here/real") or lines[0].startswith("linux/real")
    assert "verdict" not in out  # no table
    assert any("tcp.tiny-send step 'send'" in line for line in lines)
    assert err == ""


def test_the_verdict_column_is_coloured_on_a_terminal_unless_no_color_and_step_names_are_never_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sockbehave.cli import _print_results
    from sockbehave.report import build_report
    from sockbehave.verdict import Result

    report = build_report(
        [Result("s.x", LONG_STEP, "1", ("2",), "observed", "here", "mismatch", {})],
        catalog_version="0" * 16,
        os_name="linux",
        backend="real",
        platform={},
    )

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    out = Terminal()
    _print_results(report, out)
    assert "\x1b[1;31mMISMATCH" in out.getvalue()
    assert LONG_STEP in out.getvalue()  # never cut
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    _print_results(report, out)
    assert "\x1b[" not in out.getvalue()
    plain = io.StringIO()  # not a terminal: no colour either
    monkeypatch.delenv("NO_COLOR")
    _print_results(report, plain)
    assert "\x1b[" not in plain.getvalue()


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run(sid: str) -> ScenarioRun:
    return ScenarioRun(sid, (), None, 0.01)


@pytest.mark.parametrize("tty", [False, True])
def test_progress_appears_only_after_a_second(tty: bool) -> None:
    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    err = Stream()
    progress = _Progress("here/real", 3, err, enabled=True)
    clock = _Clock()
    progress._clock = clock
    progress._start = 0.0
    progress(_run("a.first"))
    assert err.getvalue() == ""  # a short run prints no progress at all
    clock.now = 1.5
    progress(_run("a.second"))
    progress.finish()
    shown = err.getvalue()
    if tty:
        assert shown == "\r\x1b[K[here/real 2/3] a.second done\r\x1b[K"
    else:
        assert shown == "[here/real 2/3] a.second done (0.01 s)\n"


@pytest.mark.parametrize(
    ("evidence", "fail_on", "status"),
    [
        ("inferred", "mismatch", 1),
        ("inferred", "contradiction", 0),
        ("observed", "contradiction", 1),
        ("observed", "never", 0),
    ],
)
def test_fail_on(  # type: ignore[no-untyped-def]
    cli: CLI, make_catalog, tiny_table, tmp_path: Path, evidence: str, fail_on: str, status: int
) -> None:
    table = tiny_table(send="4")
    if evidence == "inferred":
        table = table.replace(
            'linux = { outcome = "4", evidence = "observed", source = "test" }',
            'linux = { outcome = "4", evidence = "inferred", source = "inferred from a test fixture" }',
            1,
        )
    root = make_catalog(table_text=table)
    code, out, _ = cli(
        "--catalog", str(root), "--no-builtin", "run", "--fail-on", fail_on, "--out", str(tmp_path / "out")
    )
    assert code == status, out
    assert "tcp.tiny-send step 'send'" in out  # reported whatever the policy
    code, out, err = cli("--catalog", str(root), "--no-builtin", "check", "--fail-on", fail_on, str(tmp_path / "out"))
    assert code == status, out + err


def test_run_json(cli: CLI, make_catalog, tiny_table, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog(table_text=tiny_table(send="4"))
    code, out, _ = cli(
        "--catalog",
        str(root),
        "--no-builtin",
        "run",
        "--json",
        "--backend",
        "sim",
        "--os",
        "linux,windows",
        "--out",
        str(tmp_path),
    )
    assert code == 1
    data: list[dict[str, Any]] = json.loads(out)
    assert [d["os"] for d in data] == ["linux", "windows"]
    assert data[0]["summary"]["mismatch"] == 1 and data[0]["failed"] is True
    assert data[0]["failing"][0]["step"] == "send" and data[0]["failing"][0]["expected"] == ["4"]
    assert data[0]["file"].endswith("linux-sim.json")


def test_check_and_diff_json(cli: CLI, make_catalog, tiny_table, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog()
    cli(
        "--catalog",
        str(root),
        "--no-builtin",
        "run",
        "--backend",
        "sim",
        "--os",
        "linux,windows",
        "--out",
        str(tmp_path),
    )
    linux = tmp_path / "linux-sim.json"
    code, out, _ = cli("--catalog", str(root), "--no-builtin", "check", "--json", str(linux))
    assert code == 0
    [entry] = json.loads(out)
    assert entry["file"] == str(linux) and entry["stale"] is False and entry["failing"] == []
    code, out, _ = cli("diff", "--json", str(linux), str(linux))
    assert code == 0 and json.loads(out)["changes"] == []


def test_check_and_report_take_a_directory_and_skip_the_matrix(  # type: ignore[no-untyped-def]
    cli: CLI, make_catalog, tmp_path: Path
) -> None:
    root = make_catalog()
    folder = tmp_path / "reports"
    cli("--catalog", str(root), "--no-builtin", "run", "--backend", "sim", "--os", "linux,darwin", "--out", str(folder))
    code, _, err = cli("--catalog", str(root), "--no-builtin", "report", str(folder), "-o", str(folder / "matrix.json"))
    assert code == 0, err
    code, out, err = cli("--catalog", str(root), "--no-builtin", "check", str(folder))
    assert code == 0, err
    assert (
        err
        == f"sockbehave: note: skipped {folder / 'matrix.json'}: not a run report (a JSON object with no schema_version)\n"
    )
    assert out.count("/sim: 1 scenarios") == 2
    code, out, err = cli("--catalog", str(root), "--no-builtin", "check", str(folder / "matrix.json"))
    assert code == 2 and "not a run report" in err and err.count("\n") == 1


def test_report_to_standard_output(cli: CLI, make_catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_catalog()
    folder = tmp_path / "out"
    cli("--catalog", str(root), "--no-builtin", "run", "--backend", "sim", "--out", str(folder))
    code, out, err = cli("--catalog", str(root), "--no-builtin", "report", str(folder), "-o", "-")
    assert code == 0
    assert out.startswith("#") and "tcp.tiny-send" in out
    assert err.startswith("-: ")
    assert sorted(p.name for p in folder.iterdir()) == ["linux-sim.json"]
