"""``sockbehave simulate``: a user's own programs, unmodified, on one simulated host of another
OS (``sockbehave/sim/programs.py``): output, input, how a run ends, and bad input."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from sockbehave.sim import get_profile

CLI = Callable[..., tuple[int, str, str]]  # the ``cli`` fixture (tests/conftest.py)

SERVER = """
import socket
srv = socket.socket()
srv.bind(("127.0.0.1", 9000))
srv.listen(5)
print("listening")
while True:
    conn, addr = srv.accept()
    data = conn.recv(100)
    conn.sendall(data.upper())
    conn.close()
"""

CLIENT = """
import socket
c = socket.create_connection(("127.0.0.1", 9000))
c.sendall(b"hello")
print(c.recv(100))
c.close()
"""

#: A connect to a port nobody listens on: the errno and how long the refusal takes.
REFUSED = """
import socket, time
started = time.monotonic()
try:
    socket.create_connection(("127.0.0.1", 9))
except OSError as exc:
    print(type(exc).__name__, exc.errno, round(time.monotonic() - started, 3))
"""


def write(folder: Path, name: str, source: str) -> str:
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return str(path)


def test_a_server_and_its_clients_run_together_and_a_waiting_server_ends_the_run(cli: CLI, tmp_path: Path) -> None:
    server, client = write(tmp_path, "server.py", SERVER), write(tmp_path, "client.py", CLIENT)
    code, out, err = cli("simulate", "--os", "windows", server, client, client)
    assert out.splitlines() == [
        "server.py | listening",
        "client.py | b'HELLO'",
        "client.py#2 | b'HELLO'",
    ]
    assert code == 3, err  # the real server would wait for ever for its next client
    assert "simulated windows" in err and "accept() on" in err and "server.py" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert cli("simulate", "--os", "windows", server, client, client)[1] == out  # the same every run


@pytest.mark.parametrize("os_name", ["linux", "darwin", "freebsd", "windows"])
def test_a_refused_connect_takes_as_long_as_on_that_os(cli: CLI, tmp_path: Path, os_name: str) -> None:
    program = write(tmp_path, "refused.py", REFUSED)
    code, out, err = cli("simulate", "--os", os_name, program)
    assert (code, err.startswith(f"sockbehave: simulated {os_name} (virtual clock at ")) == (0, True), err
    errno = {"linux": 111, "darwin": 61, "freebsd": 61, "windows": 10061}[os_name]
    assert out == f"ConnectionRefusedError {errno} {round(get_profile(os_name).refused_after, 3)}\n"


def test_input_lines_come_from_a_file_and_end_with_eof(cli: CLI, tmp_path: Path) -> None:
    program = write(
        tmp_path,
        "chat.py",
        """
        while True:
            try:
                line = input("> ")
            except EOFError:
                print("bye")
                break
            print(line.upper())
        """,
    )
    lines = tmp_path / "lines.txt"
    lines.write_text("hello\nworld\n", encoding="utf-8")
    assert cli("simulate", "--os", "linux", "--input", str(lines), program) == (
        0,
        "> hello\nHELLO\n> world\nWORLD\nbye\n",
        "sockbehave: simulated linux (virtual clock at 0 s): every program finished\n",
    )
    code, _, err = cli("simulate", "--os", "linux", program)  # no --input: the terminal is not modelled
    assert code == 4 and "input() in chat.py without --input" in err


def test_a_client_that_raises_beside_a_waiting_server_says_both(cli: CLI, tmp_path: Path) -> None:
    """The tutorial's client reads lines until input() ends the stream (EOFError) while its
    server waits for the next client: status 1 (a program raised), and both are said. The
    traceback is the program's own, without the simulator's input() frame (a built-in)."""
    server = write(tmp_path, "server.py", SERVER)
    client = write(
        tmp_path,
        "client.py",
        """
        import socket
        c = socket.create_connection(("127.0.0.1", 9000))
        c.sendall(input("> ").encode())
        print(c.recv(100))
        input("> ")
        """,
    )
    lines = tmp_path / "lines.txt"
    lines.write_text("hi\n", encoding="utf-8")
    code, out, err = cli("simulate", "--os", "freebsd", "--input", f"client.py={lines}", server, client)
    assert code == 1 and out.splitlines() == ["server.py | listening", "client.py | > hi", "client.py | b'HI'"]
    assert err.splitlines()[-1].startswith("sockbehave: simulated freebsd (virtual clock at ")
    assert "client.py raised an exception; the programs were left waiting for ever" in err and "accept()" in err
    assert "client.py | EOFError: EOF when reading a line" in err and "programs.py" not in err


def test_a_program_that_raises_shows_its_own_traceback(cli: CLI, tmp_path: Path) -> None:
    program = write(tmp_path, "broken.py", "import socket\n\nsocket.socket().recv(-1)\n")
    code, out, err = cli("simulate", "--os", "darwin", program)
    assert code == 1 and out == ""
    assert err.startswith(f'Traceback (most recent call last):\n  File "{program}", line 3, in <module>')
    assert "ValueError: negative buffersize in recv" in err and "broken.py raised an exception" in err


def test_daemon_threads_are_dropped_and_siblings_import_and_the_process_state_comes_back(
    cli: CLI, tmp_path: Path
) -> None:
    write(tmp_path, "helper.py", "GREETING = 'hi'\n")
    program = write(
        tmp_path,
        "main.py",
        """
        import socket, sys, threading
        from helper import GREETING
        srv = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=srv.accept, daemon=True).start()  # waits for ever, as a daemon may
        print(GREETING, sys.argv[0].endswith("main.py"), sys.platform)
        """,
    )
    argv, path = sys.argv[:], sys.path[:]
    assert cli("simulate", "--os", "windows", "--platform", program)[:2] == (0, "hi True win32\n")
    assert (sys.argv, sys.path) == (argv, path)
    sys.modules.pop("helper", None)


def test_a_thread_that_raises_prints_to_its_programs_error_output_and_the_run_goes_on(cli: CLI, tmp_path: Path) -> None:
    program = write(
        tmp_path,
        "worker.py",
        """
        import threading

        def work():
            1 / 0

        t = threading.Thread(target=work, name="worker")
        t.start()
        t.join()
        print("joined")
        """,
    )
    other = write(tmp_path, "other.py", "print('other')\n")
    code, out, err = cli("simulate", "--os", "windows", program, other)
    assert code == 0 and out.splitlines() == ["worker.py | joined", "other.py | other"]
    shown = [line for line in err.splitlines() if line.startswith("worker.py | ")]
    assert (
        shown[0] == "worker.py | Exception in thread worker:"
        and shown[-1] == "worker.py | ZeroDivisionError: division by zero"
    )
    assert f'File "{program}", line 5, in work' in err and "clock.py" not in err  # not the simulator's frames


def test_a_busy_loop_that_waits_for_another_thread_ends_as_not_modelled(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sockbehave.sim import clock

    monkeypatch.setattr(clock, "_RECHECK_S", 0.05)  # the stall checks at once, not after 20 s
    monkeypatch.setattr(clock, "_BUSY_S", 0.3)
    program = write(
        tmp_path,
        "spin.py",
        """
        import threading
        flag = []
        threading.Timer(1.0, flag.append, [1]).start()
        while not flag:  # a real OS would preempt this loop; one simulated thread runs at a time
            pass
        print("done")
        """,
    )
    code, out, err = cli("simulate", "--os", "linux", program)
    assert (code, out) == (4, "")
    assert err.count("\n") == 1 and "doesn't (yet) model preemption: simulated thread spin.py" in err
    # the loop's line: its test (5) or its body (6), wherever the thread was when it was stopped
    assert re.search(r"spin\.py:[56] in <module>", err), err


def test_the_unmodelled_is_reported_even_when_the_program_catches_it(cli: CLI, tmp_path: Path) -> None:
    program = write(
        tmp_path,
        "raw.py",
        """
        import socket
        try:
            socket.socket(socket.AF_INET, socket.SOCK_RAW)
        except Exception as exc:
            print("caught", type(exc).__name__)
        """,
    )
    code, out, err = cli("simulate", "--os", "linux", program)
    assert (code, out) == (4, "caught NotModelled\n")  # a NotImplementedError
    assert "does not model" in err and "SOCK_RAW" in err


@pytest.mark.skipif(sys.platform != "linux", reason="ctypes.util runs ldconfig on Linux")
def test_a_shared_library_search_starts_real_processes_without_a_note(cli: CLI, tmp_path: Path) -> None:
    """ctypes.util.find_library runs ``ldconfig -p`` (trio calls it when imported): a real
    process that reads the host's libraries and touches no network, so it is no not-modelled
    note; any other real process is one."""
    program = write(
        tmp_path,
        "libs.py",
        """
        import ctypes.util
        print(ctypes.util.find_library("c") is not None)
        """,
    )
    other = write(tmp_path, "other.py", "import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'pass'])\n")
    code, out, err = cli("simulate", "--os", "linux", program)
    assert (code, out) == (0, "True\n") and "every program finished" in err
    code, out, err = cli("simulate", "--os", "linux", other)
    assert code == 4 and "a real process started from a simulated thread" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.py"], "missing.py: cannot read the program"),
        (["bad.py"], "bad.py:2: not a Python program"),
        (["--os", "plan9", "ok.py"], "unknown OS name plan9"),
        (["--os", "all,windows", "ok.py"], "unknown OS name all"),
        (["--gap", "-1", "ok.py"], "must be from 0 to 3600 seconds"),
        (["--input", "lines.txt", "ok.py", "ok.py"], "say which program reads it"),
        (["--input", "other.py=lines.txt", "ok.py"], "no program is called 'other.py'"),
        (["--input", "nothing.txt", "ok.py"], "nothing.txt: cannot read the input"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli: CLI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "ok.py", "print('never run')\n")
    write(tmp_path, "bad.py", "x = 1\ndef (:\n")
    (tmp_path / "lines.txt").write_text("a\n", encoding="utf-8")
    code, out, err = cli("simulate", *argv)
    err += capsys.readouterr().err  # argparse writes its own usage errors
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert err.count("\n") == 1 or err.splitlines()[0].startswith("usage:")  # argparse: usage, then the line


def test_trace_draws_the_segments_the_programs_exchanged(cli: CLI, tmp_path: Path) -> None:
    server, client = write(tmp_path, "server.py", SERVER), write(tmp_path, "client.py", CLIENT)
    refused = write(tmp_path, "refused.py", 'import socket\nsocket.socket().connect_ex(("127.0.0.1", 9))\n')
    picture = tmp_path / "out.svg"
    code, _, _ = cli("simulate", "--os", "windows", "--trace", str(picture), server, client, refused)
    drawn = picture.read_text(encoding="utf-8")
    assert code == 3 and drawn.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "server.py, client.py, refused.py on simulated windows" in drawn
    for segment in (">SYN<", ">SYN-ACK<", ">data 5<", ">FIN<", ">RST (refused; connect fails after 2 s)<"):
        assert segment in drawn, segment
    assert "each socket call" not in drawn  # a program's own sockets record no calls: not promised


def test_an_unwritable_trace_fails_before_the_programs_run(cli: CLI, tmp_path: Path) -> None:
    program = write(tmp_path, "loud.py", "print('ran')\n")
    code, out, err = cli("simulate", "--trace", str(tmp_path / "loud.py" / "out.svg"), program)  # under a file
    assert (code, out) == (2, "") and err.startswith("sockbehave: error: --trace") and err.count("\n") == 1


def test_several_oses_show_each_output_as_its_difference_from_the_first(cli: CLI, tmp_path: Path) -> None:
    program = write(tmp_path, "refused.py", REFUSED)
    code, out, err = cli("simulate", "--os", "linux,freebsd,windows", program)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "== simulated linux (virtual clock at 0 s): every program finished",
        "ConnectionRefusedError 111 0.0",
        "== simulated freebsd (virtual clock at 0 s): every program finished",
        "   its output, as a difference from linux's:",
        "--- linux",
        "+++ freebsd",
        "@@ -1 +1 @@",
        "-ConnectionRefusedError 111 0.0",
        "+ConnectionRefusedError 61 0.0",
        "== simulated windows (virtual clock at 2 s): every program finished",
        "   its output, as a difference from linux's:",
        "--- linux",
        "+++ windows",
        "@@ -1 +1 @@",
        "-ConnectionRefusedError 111 0.0",
        "+ConnectionRefusedError 10061 2.0",
    ]


def test_each_os_imports_the_programs_own_modules_afresh(cli: CLI, tmp_path: Path) -> None:
    """A module of the programs' folder that makes a socket when imported makes it on each
    run's own host (a cached module would hand the second run the first host's socket)."""
    write(tmp_path, "listening.py", "import socket\nLISTENER = socket.create_server(('127.0.0.1', 8000))\n")
    program = write(tmp_path, "main.py", "from listening import LISTENER\nprint(LISTENER.getsockname())\n")
    code, out, _ = cli("simulate", "--os", "all", program)
    assert code == 0 and out.count("the same output as linux") == 3, out
    assert "listening" not in sys.modules


def test_trace_draws_one_os_only(cli: CLI, tmp_path: Path) -> None:
    program = write(tmp_path, "ok.py", "print('never run')\n")
    code, out, err = cli("simulate", "--os", "all", "--trace", str(tmp_path / "t.svg"), program)
    assert (code, out) == (2, "") and "--trace: draws the run on one OS only" in err and err.count("\n") == 1
