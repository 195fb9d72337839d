"""Untrusted reports and catalogs (issue 7, section 2): every reproducer ends in one line, exit 2.

Each test here failed on the code before the hardening: a traceback, a hang, a false green,
or raw control characters on the terminal.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from sockbehave.report import build_report, report_to_json
from sockbehave.verdict import Result

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)


def report_data() -> dict[str, Any]:
    results = [
        Result("tcp.send-empty", "send-empty", "0", ("0",), "observed", "here", "match", {}),
        Result("tcp.send-empty", "peer-recv", "timeout", ("timeout",), "observed", "here", "match", {}),
    ]
    platform = {"os": "linux", "system": "Linux", "release": "6", "machine": "x", "python": "3", "sysctls": {}}
    report = build_report(results, catalog_version="0" * 16, os_name="linux", backend="real", platform=platform)
    return report_to_json(report)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def make(data: Any, name: str = "r.json") -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return path

    return make


def one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2, (code, out, err)
    assert err.count("\n") == 1 and err.startswith("sockbehave: error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


COMMANDS = [("check",), ("diff", "GOOD"), ("report", "-o", "OUT.md")]


def _argv(cmd: tuple[str, ...], path: Path, good: Path) -> list[str]:
    out = str(path.parent / "out.md")
    first, *rest = cmd
    args = [first, *(str(good) if a == "GOOD" else out if a == "OUT.md" else a for a in rest)]
    return [*args, str(path)] if first != "report" else [first, str(path), "-o", out]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: c[0])
def test_a_lone_surrogate_in_a_schema_valid_report_is_refused(
    cli: CLI, cmd: tuple[str, ...], write: Callable[..., Path]
) -> None:
    data = report_data()
    data["results"][0]["source"] = "\ud800"
    good, bad = write(report_data(), "good.json"), write(data, "bad.json")
    code, out, err = cli(*_argv(cmd, bad, good))
    one_line_error(code, out, err, "bad.json", "lone surrogate")
    assert not (bad.parent / "out.md").exists()


@pytest.mark.skipif(sys.platform == "win32" or sys.platform == "darwin", reason="needs byte file names")
@pytest.mark.parametrize("cmd", ["check", "report"])
def test_a_non_utf8_file_name_is_shown_escaped(cli: CLI, cmd: str, tmp_path: Path) -> None:
    path = Path(os.fsdecode(tmp_path.as_posix().encode() + b"/bad\xffname.json"))
    path.write_text(json.dumps(report_data()), encoding="utf-8")
    argv = [cmd, str(path)] + (["-o", str(tmp_path / "m.md")] if cmd == "report" else [])
    code, out, err = cli(*argv)
    assert code in (0, 1), err
    shown = out + err
    shown.encode("utf-8")  # nothing unprintable reaches the terminal
    if cmd == "check":
        assert "bad\\xffname.json" in out


def test_dev_zero_is_not_read_until_memory_runs_out(cli: CLI) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    code, out, err = cli("check", "/dev/zero")
    one_line_error(code, out, err, "/dev/zero", "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(cli: CLI, tmp_path: Path) -> None:
    fifo = tmp_path / "r.json"
    os.mkfifo(fifo)
    code, out, err = cli("check", str(fifo))  # opening a FIFO for reading would wait for a writer
    one_line_error(code, out, err, "r.json", "not a regular file")


def test_a_file_over_the_limit_is_refused_after_reading_no_more_than_the_limit(
    cli: CLI, write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sockbehave.report import jsonio

    monkeypatch.setattr(jsonio, "MAX_REPORT_BYTES", 1000)
    path = write(" " * 5000 + json.dumps(report_data()))
    reads: list[int] = []
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        reads.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting_read)
    code, out, err = cli("check", str(path))
    one_line_error(code, out, err, "r.json", "1000 byte limit")
    assert sum(reads) <= 1001


@pytest.mark.parametrize("cmd", ["check", "diff"])
def test_control_characters_from_a_report_are_escaped_on_the_terminal(
    cli: CLI, cmd: str, write: Callable[..., Path]
) -> None:
    data = report_data()
    data["results"][0]["observed"] = "\x1b[2J\x07\x00evil\nFORGED LINE\u202e"
    data["results"][0]["verdict"] = "mismatch"
    data["results"][0]["detail"] = {"message": "\x1b]0;title\x07"}
    good, bad = write(report_data(), "good.json"), write(data, "bad.json")
    argv = ["check", str(bad)] if cmd == "check" else ["diff", str(good), str(bad)]
    code, out, err = cli(*argv)
    assert code == 1
    for raw in ("\x1b", "\x07", "\x00", "\u202e"):
        assert raw not in out + err
    assert not any(line.startswith("FORGED") for line in out.splitlines())
    assert "\\x1b[2J" in out and "\\u202e" in out


def test_diff_does_not_miss_a_change_hidden_in_a_duplicate_row(cli: CLI, write: Callable[..., Path]) -> None:
    data = report_data()
    changed = dict(data["results"][0], observed="ConnectionResetError(ECONNRESET)")
    data["results"].insert(0, changed)
    good, bad = write(report_data(), "good.json"), write(data, "bad.json")
    code, out, err = cli("diff", str(good), str(bad))
    one_line_error(code, out, err, "bad.json", "results/1 repeats scenario tcp.send-empty step send-empty")


def test_too_many_results_cost_nothing_and_say_so(
    cli: CLI, write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sockbehave.report import jsonio

    data = report_data()
    row = data["results"][0]
    data["results"] = [dict(row, scenario=f"x.id-{i}") for i in range(jsonio.MAX_RESULTS + 1)]
    path = write(data)
    code, out, err = cli("report", str(path), "-o", str(path.parent / "m.html"))
    one_line_error(code, out, err, "r.json", f"more than the {jsonio.MAX_RESULTS}")
    assert not (path.parent / "m.html").exists()


def test_too_many_distinct_scenarios_are_refused(
    cli: CLI, write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sockbehave.report import jsonio

    monkeypatch.setattr(jsonio, "MAX_SCENARIOS", 10)
    data = report_data()
    row = data["results"][0]
    data["results"] = [dict(row, scenario=f"x.id-{i}") for i in range(11)]
    code, out, err = cli("check", str(write(data)))
    one_line_error(code, out, err, "r.json", "11 distinct scenarios")


def test_an_empty_report_is_not_a_green_check(cli: CLI, write: Callable[..., Path]) -> None:
    data = report_data()
    data["results"] = []
    code, out, err = cli("check", str(write(data)))
    one_line_error(code, out, err, "r.json", "nothing to check")


HOSTILE_MODULES = {
    "exit-0": ("import sys\nsys.exit(0)\n", "called sys.exit(0)"),
    "exit-msg": ("import sys\nsys.exit('bye')\n", "called sys.exit('bye')"),
    "raise": ("raise RuntimeError('boom')\n", "failed to import: RuntimeError: boom"),
    "base-exception": ("raise GeneratorExit()\n", "failed to import: GeneratorExit"),
}


@pytest.mark.parametrize("command", [["list"], ["run", "--backend", "sim"], ["explain", "tcp.tiny-send"]])
@pytest.mark.parametrize("kind", sorted(HOSTILE_MODULES))
def test_a_catalog_module_that_exits_or_raises_is_one_line_naming_it(
    cli: CLI, kind: str, command: list[str], make_catalog: Callable[..., Path], tmp_path: Path
) -> None:
    text, needle = HOSTILE_MODULES[kind]
    root = make_catalog()
    (root / "partial-io" / "evil.py").write_text(text, encoding="utf-8")
    argv = ["--catalog", str(root), *command]
    if command[0] == "run":
        argv += ["--out", str(tmp_path / "out")]
    code, out, err = cli(*argv)
    one_line_error(code, out, err, "evil.py", needle)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_catalog_module_that_loops_at_import_times_out(make_catalog: Callable[..., Path]) -> None:
    from sockbehave.catalog import load_catalog
    from sockbehave.errors import CatalogError

    root = make_catalog()
    (root / "partial-io" / "loop.py").write_text("while True:\n    pass\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"loop\.py: importing it did not finish within 0\.5 s$"):
        load_catalog(root, import_deadline=0.5)


def test_the_pytest_plugin_reports_an_exiting_catalog_as_a_usage_error(
    pytester: pytest.Pytester, make_catalog: Callable[..., Path]
) -> None:
    root = make_catalog()
    (root / "partial-io" / "evil.py").write_text("import sys\nsys.exit('bye')\n", encoding="utf-8")
    result = pytester.runpytest_subprocess("--sockbehave", f"--sockbehave-catalog={root}", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.stderr.fnmatch_lines(["*evil.py: called sys.exit('bye') while being imported*"])
