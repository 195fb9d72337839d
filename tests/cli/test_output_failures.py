"""Output failures and interruptions (issue 7, section 3): a result is never lost to an output
error, nothing half-written or temporary is left, and signals end in one line."""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from sockbehave import files

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp")


def test_run_out_a_regular_file_fails_before_running(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    code, out, err = cli("run", "--backend", "sim", "--out", str(target))
    assert code == 2 and out == ""
    assert err == f"sockbehave: error: --out {target}: not a directory\n"


def test_run_out_where_nothing_can_be_created_fails_before_running(cli: CLI) -> None:
    if not Path("/proc/sys").is_dir():
        pytest.skip("no /proc/sys")
    code, out, err = cli("run", "--backend", "sim", "--out", "/proc/sys/sockbehave")
    assert code == 2 and out == ""
    assert (
        err.startswith("sockbehave: error: --out /proc/sys/sockbehave: cannot write there: ") and err.count("\n") == 1
    )


def test_a_full_disk_after_the_run_still_shows_the_results(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def full(fd: int) -> None:
        if os.fstat(fd).st_size:  # the probe file is empty; the report is not
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    code, out, err = cli("run", "--backend", "sim", "--scenario", "tcp.send-empty", "--out", str(tmp_path), "-q")
    assert code == 2
    assert out.startswith("linux/sim: 1 scenarios, 4 steps: 4 match")  # the results came first
    assert err.startswith(f"sockbehave: error: {tmp_path / 'linux-sim.json'}: cannot write: ") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_report_to_a_directory_is_one_line(cli: CLI, tmp_path: Path) -> None:
    reports = Path(__file__).resolve().parents[2] / "reports" / "linux-real.json"
    target = tmp_path / "matrix.html"
    target.mkdir()
    code, out, err = cli("report", str(reports), "-o", str(target))
    assert code == 2 and out == ""
    assert err == f"sockbehave: error: -o {target}: is a directory, not a file name\n"


def test_regenerate_writes_every_file_or_none(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_catalog: Callable[..., Path]
) -> None:
    root = make_catalog()
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    (out_dir / "matrix.md").write_text("old", encoding="utf-8")
    real_write = files._write_temp
    calls = []

    def fifth_fails(path: Path, text: str, made: list[str]) -> str:
        calls.append(path.name)
        if len(calls) == 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(path, text, made)

    monkeypatch.setattr(files, "_write_temp", fifth_fails)
    code, _, err = cli("--catalog", str(root), "--no-builtin", "regenerate", "--out", str(out_dir))
    assert code == 2, err
    assert "cannot write: No space left on device" in err and err.count("\n") == 1
    assert sorted(p.name for p in out_dir.iterdir()) == ["matrix.md"]
    assert (out_dir / "matrix.md").read_text(encoding="utf-8") == "old"


def test_sigterm_while_writing_removes_the_temporary_and_exits_143(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def terminated(fd: int) -> None:
        if os.fstat(fd).st_size:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives while the report's temporary exists
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", terminated)
    before = signal.getsignal(signal.SIGTERM)
    code, _, err = cli("run", "--backend", "sim", "--scenario", "tcp.send-empty", "--out", str(tmp_path), "-q")
    assert code == 143
    assert err == "sockbehave: terminated\n"
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is only there while a command runs


def test_ctrl_c_while_the_cli_is_imported_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sockbehave import _console

    class Interrupting:
        def find_spec(self, name: str, *args: object) -> None:
            if name == "sockbehave.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "sockbehave.cli")
    monkeypatch.setattr(sys, "meta_path", [Interrupting(), *sys.meta_path])
    assert _console.main() == 130
    assert capsys.readouterr().err == "sockbehave: interrupted\n"


def _start(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sockbehave", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("sig", "status", "line"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]
)
def test_a_signal_during_a_run_is_one_line_and_leaves_nothing(sig: int, status: int, line: str, tmp_path: Path) -> None:
    proc = _start("run", "--jobs", "1", "--scenario", "tcp.*", "--out", str(tmp_path))
    assert proc.stderr is not None
    first = proc.stderr.readline()  # a progress line: the run is under way
    assert first.startswith("[here/real"), first
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    # (seen once, in a full -n 2 run: the child ran to the end, exit 0, most likely an interrupt
    # swallowed in a __del__, which the next test covers; the parent's signal state is part of
    # the message so that a next time also says whether the child inherited it blocked)
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set()) if hasattr(signal, "pthread_sigmask") else "?"
    assert proc.returncode == status, f"{err}\nparent: handler {signal.getsignal(sig)!r}, blocked {blocked!r}"
    assert "Traceback" not in err
    assert err.rstrip("\n").splitlines()[-1] == f"sockbehave: {line}"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes and SIGPIPE status")
def test_a_closed_pipe_ends_quietly() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first byte (``sockbehave list --json | head -c 0``)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sockbehave", "list", "--json"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 141, proc.stderr
    assert proc.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed interrupt, as shown
def test_a_ctrl_c_swallowed_on_its_way_still_stops_the_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The KeyboardInterrupt SIGINT raises is lost when it lands in a ``__del__`` or weakref
    callback (CPython prints and drops it), which the garbage collector runs anywhere: a run
    then went on to its end and exited 0 (seen once, in the subprocess test above). The CLI
    remembers the signal and stops at the next scenario's end."""
    from sockbehave import cli

    class Finalized:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)  # its handler runs here, inside __del__
            for _ in range(1000):  # bytecode for the handler to run at
                pass

    shown = cli._Progress.__call__
    calls = []

    def progress(self: Any, run: Any) -> None:
        calls.append(run.scenario_id)
        if len(calls) == 1:
            Finalized()  # collected at once: the interrupt is swallowed in its __del__
        shown(self, run)

    monkeypatch.setattr(cli._Progress, "__call__", progress)
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["run", "--backend", "sim", "--jobs", "1", "--out", str(tmp_path / "out")], out, err)
    assert status == 130, calls
    assert err.getvalue().rstrip("\n").splitlines()[-1] == "sockbehave: interrupted"
    assert len(calls) == 1  # stopped at the first scenario's end, not after the whole catalog
    assert leftovers(tmp_path) == []
