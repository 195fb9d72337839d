"""Simulated pipes (``sim/pipes.py``): ``os.pipe()`` inside the simulation.

The Linux tests are differential: the same plain program runs on the host's real pipes and
inside ``patched("linux")`` and must give the same answers (values, exception types and
messages); inside the block every pipe must be a simulated one. The other profiles' tests
check their facts against the sources ``sim/pipefacts.py`` names, and every refusal.
Nothing sleeps: a program that waits for another thread's progress polls with a zero timeout
and a bounded number of tries (a poll point in virtual time, a spin on the real stack).
"""

from __future__ import annotations

import asyncio
import errno
import io
import os
import select
import selectors
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sockbehave.platform_info import current_os
from sockbehave.sim import Network, patched
from sockbehave.sim.kernel import FD_BASE

fcntl = pytest.importorskip("fcntl")

linux_only = pytest.mark.skipif(current_os() != "linux", reason="the differential reference is the real Linux stack")


def both(program: Callable[[], Any]) -> tuple[Any, Any]:
    """(real, simulated) results of ``program``; inside the block ``os.pipe`` must be simulated."""
    real = program()
    with patched("linux"):
        r, w = os.pipe()
        assert r >= FD_BASE and w >= FD_BASE, "os.pipe() gave real descriptors inside the simulation"
        os.close(r)
        os.close(w)
        simulated = program()
    return real, simulated


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except OSError as exc:
        return (type(exc).__name__, exc.errno, exc.strerror)
    except (TypeError, ValueError) as exc:
        return (type(exc).__name__, str(exc))


def _until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` (each try a zero-timeout select: a poll point in the simulation)."""
    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        select.select([], [], [], 0)


def _fill(w: int, size: int) -> tuple[int, int, list[int]]:
    """Non-blocking writes of ``size`` bytes until EAGAIN: (bytes, writes, the last three counts)."""
    counts = []
    while True:
        try:
            counts.append(os.write(w, b"x" * size))
        except BlockingIOError:
            return sum(counts), len(counts), counts[-3:]


# -- Linux, against the real stack ----------------------------------------------------------------
@linux_only
def test_non_blocking_writes_fill_the_ring_of_pages_as_linux_pipe_write_does() -> None:
    """16 pages: small writes merge into the last page only if they fit whole, so 3000-byte
    writes take one page each (48000 bytes) and 5000-byte ones end with a partial write."""

    def program() -> list[Any]:
        found = []
        for size in (1, 100, 3000, 4096, 4097, 5000, 8192, 70000):
            r, w = os.pipe()
            os.set_blocking(w, False)
            found.append((size, _fill(w, size)))
            os.close(r)
            os.close(w)
        return found

    real, simulated = both(program)
    assert simulated == real
    assert dict(real)[3000][0] == 48000 and dict(real)[5000] == (54096, 11, [5000, 5000, 4096])


@linux_only
def test_a_write_merges_after_the_unread_bytes_of_a_partly_read_page() -> None:
    def program() -> list[Any]:
        r, w = os.pipe()
        os.set_blocking(w, False)
        os.write(w, b"a" * 100)
        first = os.read(r, 50)
        filled = _fill(w, 3000)
        drained = len(os.read(r, 1 << 20))
        after = _fill(w, 4000)  # the pipe is empty again: no merge into a released page
        os.close(r)
        os.close(w)
        return [len(first), filled, drained, after]

    real, simulated = both(program)
    assert simulated == real


@linux_only
def test_reads_eof_eagain_and_argument_errors_match_the_real_pipe() -> None:
    def program() -> list[Any]:
        r, w = os.pipe()
        out = [os.read(r, 0)]
        os.set_blocking(r, False)
        out.append(_outcome(lambda: os.read(r, 10)))
        out.append(_outcome(lambda: os.read(r, -1)))
        out.append(_outcome(lambda: os.read(w, 1)))
        out.append(_outcome(lambda: os.write(r, b"x")))
        out.append(_outcome(lambda: os.write(w, "text")))
        out.append(os.write(w, b""))
        out.append(os.write(w, b"hello"))
        out.append(os.read(r, 3))
        out.append(os.read(r, 100))
        os.close(w)
        out.append(os.read(r, 100))  # EOF, even non-blocking
        os.close(r)
        out.append(_outcome(lambda: os.close(r)))
        out.append(_outcome(lambda: os.read(r, 1)))
        return out

    real, simulated = both(program)
    assert simulated == real
    assert real[1] == ("BlockingIOError", errno.EAGAIN, "Resource temporarily unavailable")


@linux_only
def test_a_write_with_no_reader_raises_broken_pipe() -> None:
    def program() -> Any:
        r, w = os.pipe()
        os.close(r)
        got = _outcome(lambda: os.write(w, b"x"))
        os.close(w)
        return got

    real, simulated = both(program)
    assert simulated == real == ("BrokenPipeError", errno.EPIPE, "Broken pipe")


@linux_only
def test_a_blocking_write_waits_for_room_until_everything_is_written() -> None:
    def program() -> tuple[int, int]:
        r, w = os.pipe()
        got = [0]

        def reader() -> None:
            while data := os.read(r, 7000):
                got[0] += len(data)

        thread = threading.Thread(target=reader)
        thread.start()
        written = os.write(w, b"y" * 300_000)
        os.close(w)
        thread.join(30)
        os.close(r)
        return written, got[0]

    real, simulated = both(program)
    assert simulated == real == (300_000, 300_000)


@linux_only
def test_a_blocked_writer_gets_epipe_or_its_partial_count_when_the_reader_closes() -> None:
    """pipe_write: a writer that wrote nothing yet gets EPIPE; one that filled the pipe and
    waits for room returns what it wrote."""

    def blocked_writer(size: int, prefill: bool) -> list[Any]:
        r, w = os.pipe()
        if prefill:
            os.set_blocking(w, False)
            _fill(w, 4096)
            os.set_blocking(w, True)
        result: list[Any] = []
        thread = threading.Thread(target=lambda: result.append(_outcome(lambda: os.write(w, b"z" * size))))
        thread.start()
        _until(lambda: not select.select([], [w], [], 0)[1], "a full pipe")
        os.close(r)
        thread.join(30)
        os.close(w)
        return result

    def program() -> list[Any]:
        return [blocked_writer(100_000, False), blocked_writer(10, True)]

    real, simulated = both(program)
    assert simulated == real == [[65536], [("BrokenPipeError", errno.EPIPE, "Broken pipe")]]


@linux_only
def test_a_blocking_read_waits_for_a_writer_and_ends_at_eof() -> None:
    def program() -> list[bytes]:
        r, w = os.pipe()
        got: list[bytes] = []

        def reader() -> None:
            while True:
                data = os.read(r, 100)
                got.append(data)
                if not data:
                    return

        thread = threading.Thread(target=reader)
        thread.start()
        os.write(w, b"one")
        _until(lambda: bool(got), "the reader")
        os.close(w)
        thread.join(30)
        os.close(r)
        return got

    real, simulated = both(program)
    assert simulated == real == [b"one", b""]


@linux_only
def test_fstat_flags_and_inheritance_of_each_end() -> None:
    def program() -> list[Any]:
        r, w = os.pipe()
        st = os.fstat(r)
        out: list[Any] = [
            stat.S_ISFIFO(st.st_mode),
            st.st_mode,
            st.st_nlink,
            st.st_size,
            st.st_blksize,
            os.get_inheritable(r),
            os.get_blocking(w),
            fcntl.fcntl(r, fcntl.F_GETFL),
            fcntl.fcntl(w, fcntl.F_GETFL),
            fcntl.fcntl(w, fcntl.F_GETFD),
        ]
        os.write(w, b"abc")
        out.append(os.fstat(w).st_size)  # Linux keeps no size for a pipe
        os.set_blocking(w, False)
        out.append(fcntl.fcntl(w, fcntl.F_GETFL))
        fcntl.fcntl(w, fcntl.F_SETFL, 0)
        out.append(os.get_blocking(w))
        os.set_inheritable(r, True)
        out.append((os.get_inheritable(r), fcntl.fcntl(r, fcntl.F_GETFD)))
        w2 = os.dup(w)
        os.set_blocking(w2, False)  # one open file description: the flag is shared
        out.append((os.get_blocking(w), os.get_inheritable(w2)))
        os.close(w)
        out.append(os.read(r, 10))  # the dup keeps the write end open
        os.close(w2)
        out.append(os.read(r, 10))
        os.close(r)
        return out

    real, simulated = both(program)
    assert simulated == real
    assert real[0] is True and real[1] == stat.S_IFIFO | 0o600


@linux_only
def test_dup2_of_a_socket_onto_a_pipes_write_end_closes_that_end() -> None:
    def program() -> list[Any]:
        a, b = socket.socketpair()
        r, w = os.pipe()
        os.dup2(a.fileno(), w)
        out: list[Any] = [os.read(r, 10)]  # the write end was closed: EOF
        a.close()
        out.append(_outcome(lambda: b.recv(10, socket.MSG_DONTWAIT)))  # w keeps the socket open
        os.close(w)
        out.append(b.recv(10))  # its last descriptor closed: the peer sees EOF
        os.close(r)
        b.close()
        return out

    real, simulated = both(program)
    assert simulated == real
    assert real[0] == b"" and real[2] == b""


@linux_only
def test_select_poll_and_epoll_see_each_end_as_linux_pipe_poll_does() -> None:
    def snapshot(names: dict[int, str], poller: Any, ep: Any) -> Any:
        live = sorted(names)
        rs, ws, xs = select.select(live, live, live, 0)
        return (
            sorted(names[fd] for fd in rs),
            sorted(names[fd] for fd in ws),
            sorted(names[fd] for fd in xs),
            sorted((names[fd], ev) for fd, ev in poller.poll(0) if fd in names),
            sorted((names[fd], ev) for fd, ev in ep.poll(0) if fd in names),
        )

    def one_pipe(close_first: str) -> list[Any]:
        r, w = os.pipe()
        names = {r: "r", w: "w"}
        ep = select.epoll()
        poller = select.poll()
        for fd in (r, w):
            ep.register(fd, select.EPOLLIN | select.EPOLLOUT)
            poller.register(fd, select.POLLIN | select.POLLOUT | select.POLLPRI)
        out = [snapshot(names, poller, ep)]
        os.write(w, b"data")
        out.append(snapshot(names, poller, ep))
        os.set_blocking(w, False)
        _fill(w, 4096)
        out.append(snapshot(names, poller, ep))  # full: the write end is not writable
        gone, kept = (w, r) if close_first == "writer" else (r, w)
        ep.unregister(gone)
        poller.unregister(gone)
        os.close(gone)
        names.pop(gone)
        out.append(snapshot(names, poller, ep))  # data and EOF; or the reader gone: POLLERR
        if close_first == "writer":
            os.read(r, 1 << 20)
            out.append(snapshot(names, poller, ep))  # EOF alone: POLLHUP
        os.close(kept)
        ep.close()
        return out

    def program() -> list[Any]:
        return [one_pipe("writer"), one_pipe("reader")]

    real, simulated = both(program)
    assert simulated == real


@linux_only
def test_a_self_pipe_wakes_a_selectors_loop_watching_a_socket_too() -> None:
    """The classic self-pipe: another thread writes a byte to wake a selector that also
    watches a socket; the loop then reads the socket's data and the wake-up byte."""

    def program() -> list[Any]:
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        a, b = socket.socketpair()
        sel = selectors.DefaultSelector()
        sel.register(wake_r, selectors.EVENT_READ, "wake")
        sel.register(a, selectors.EVENT_READ, "sock")
        seen: list[Any] = []

        def poke() -> None:
            b.sendall(b"ping")
            os.write(wake_w, b"!")

        thread = threading.Thread(target=poke)
        thread.start()
        while len(seen) < 2:
            for key, _ in sel.select(timeout=30):
                if key.data == "wake":
                    seen.append(("wake", os.read(wake_r, 10)))
                else:
                    seen.append(("sock", a.recv(10)))
        thread.join(30)
        sel.close()
        for fd in (wake_r, wake_w):
            os.close(fd)
        a.close()
        b.close()
        return sorted(seen)

    real, simulated = both(program)
    assert simulated == real == [("sock", b"ping"), ("wake", b"!")]


@linux_only
def test_asyncio_read_and_write_pipe_transports() -> None:
    def program() -> list[Any]:
        async def main() -> list[Any]:
            loop = asyncio.get_running_loop()
            r, w = os.pipe()
            reader = asyncio.StreamReader()
            read_file = open(r, "rb", 0)  # noqa: SIM115 - the transport closes it
            write_file = open(w, "wb", 0)  # noqa: SIM115 - the transport closes it
            read_transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), read_file)
            write_transport, _ = await loop.connect_write_pipe(asyncio.Protocol, write_file)
            write_transport.write(b"hello ")
            write_transport.write(b"pipe" * 30_000)
            write_transport.close()
            data = await reader.read()
            read_transport.close()
            await asyncio.sleep(0)
            return [len(data), data[:10], reader.at_eof()]

        return asyncio.run(main())

    real, simulated = both(program)
    assert simulated == real == [120_006, b"hello pipe", True]


@linux_only
def test_io_open_of_a_pipe_end_reads_and_writes_text_and_bytes() -> None:
    def program() -> list[Any]:
        r, w = os.pipe()
        with open(w, "w", encoding="utf-8") as out:
            out.write("line one\nline two\n")
        with open(r, "rb") as raw:
            data = [raw.readline(), raw.read()]
        return [*data, _outcome(lambda: os.close(r))]

    real, simulated = both(program)
    assert simulated == real


@pytest.mark.usefixtures("quick_stall_checks")
def test_closing_a_file_another_thread_is_blocked_reading_waits_for_that_read() -> None:
    """websockets' test_cli: a thread blocked in ``readline()`` holds the buffered file's own
    lock; the main thread closes the write end, then the file. On a real OS the close waits for
    the reader, which gets the rest and returns; in the simulation the close used to wait for
    real on that C lock while the reader waited for the baton (stopped as a stall)."""
    with patched("linux"):
        r, w = os.pipe()
        f = open(r, "rb")  # noqa: SIM115  (closed while another thread reads it: the point)
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.extend([f.readline(), f.readline()]))
        reader.start()
        os.write(w, b"one\n")
        time.sleep(0.1)  # virtual: the reader takes the first line and waits inside the second
        os.write(w, b"tail")
        os.close(w)
        f.close()
        reader.join()
        assert got == [b"one\n", b"tail"]
        assert isinstance(f, io.BufferedReader) and type(f).__name__ == "BufferedReader"
        assert repr(type(f)) == "<class '_io.BufferedReader'>"


@linux_only
def test_io_fileio_of_pipe_ends_follows_the_modes_letters_as_the_real_one_does() -> None:
    """tornado's ``PipeIOStream`` opens each end with ``io.FileIO(fd, "r+")``: the letters only
    choose the ways (the end's own direction decides, with EBADF, when a call is made), bad
    modes are refused as FileIO refuses them, and ``isinstance`` still holds."""

    def program() -> list[Any]:
        r, w = os.pipe()
        reader, writer = io.FileIO(r, "r+"), io.FileIO(w, "a", closefd=False)
        out: list[Any] = [reader.mode, writer.mode, reader.readable(), reader.writable(), writer.readable()]
        out += [isinstance(reader, io.FileIO), reader.name == r, writer.closefd, reader.seekable()]
        out += [writer.write(b"abc"), reader.read(2), _outcome(lambda: reader.write(b"x"))]
        out += [_outcome(lambda m=mode: io.FileIO(w, m)) for mode in ("rw", "q", "", "r++")]
        out += [_outcome(lambda: io.FileIO(r, "rb", buffering=1))[0]]  # the message is CPython's own
        out += [io.FileIO(w, "xb", closefd=False).mode, io.FileIO(w, "wb+", closefd=False).mode]
        reader.close()
        os.close(w)
        out += [_outcome(lambda: os.close(r)), _outcome(lambda: io.FileIO(r))]
        return out

    real, simulated = both(program)
    assert simulated == real
    assert real[:3] == ["rb+", "ab", True] and real[10] == b"ab"


# -- other profiles, against their sources ------------------------------------------------------
def test_freebsd_fills_the_4096_bytes_every_source_guarantees_then_refuses() -> None:
    with patched("freebsd"):
        r, w = os.pipe()
        assert stat.S_IMODE(os.fstat(r).st_mode) == 0 and stat.S_ISFIFO(os.fstat(r).st_mode)  # pipe_stat: S_IFIFO
        os.set_blocking(w, False)
        assert os.write(w, b"x" * 4000) == 4000
        assert os.fstat(r).st_size == 4000  # pipe_stat: st_size is the count
        with pytest.raises(NotImplementedError, match=r"FreeBSD's pipe buffer sizes past 4096"):
            os.write(w, b"x" * 97)
        poller = select.poll()
        poller.register(r, select.POLLIN)
        assert poller.poll(0) == [(r, select.POLLIN)]
        with pytest.raises(NotImplementedError, match=r"holding 4000 bytes is writable"):
            select.select([], [w], [], 0)
        os.close(w)
        assert poller.poll(0) == [(r, select.POLLIN | select.POLLHUP)]  # pipe_poll at EOF
        assert os.read(r, 5000) == b"x" * 4000 and os.read(r, 1) == b""
        r2, w2 = os.pipe()
        os.close(r2)
        poller2 = select.poll()
        poller2.register(w2, select.POLLOUT)
        assert poller2.poll(0) == [(w2, select.POLLOUT | select.POLLHUP)]  # never POLLERR on FreeBSD
        with pytest.raises(BrokenPipeError) as caught:
            os.write(w2, b"x")
        assert caught.value.errno == 32
        r3, _ = os.pipe()
        os.set_blocking(r3, False)
        with pytest.raises(BlockingIOError) as again:
            os.read(r3, 1)
        assert again.value.errno == 35  # the BSDs' EAGAIN


def test_darwin_guarantees_only_512_bytes_and_leaves_eof_readiness_unmodelled() -> None:
    with patched("darwin"):
        r, w = os.pipe()
        assert os.fstat(w).st_mode == stat.S_IFIFO | 0o660  # xnu pipe_stat
        assert os.write(w, b"x" * 512) == 512
        with pytest.raises(NotImplementedError, match=r"macOS's pipe buffer growth past 512"):
            os.write(w, b"x")
        assert select.select([r], [w], [], 0) == ([r], [w], [])  # writable: MAX_PIPESIZE - cnt >= PIPE_BUF
        os.close(w)
        with pytest.raises(NotImplementedError, match=r"readiness of a pipe's end \(eof\)"):
            select.select([r], [], [], 0)


def test_windows_select_refuses_a_pipe_and_writes_are_not_modelled() -> None:
    with patched("windows"):
        r, w = os.pipe()
        a, b = socket.socketpair()
        with pytest.raises(OSError) as caught:
            select.select([r, a], [], [], 0)
        assert caught.value.errno == 10038 and caught.value.winerror == 10038  # type: ignore[attr-defined]
        with pytest.raises(NotImplementedError, match=r"Windows anonymous pipe's buffer"):
            os.write(w, b"x")
        with pytest.raises(
            NotImplementedError, match=r"os.set_blocking\(\) on a simulated pipe's descriptor on windows"
        ):
            os.set_blocking(r, False)
        os.close(w)
        assert os.read(r, 10) == b""  # ReadFile: ERROR_BROKEN_PIPE, which the C runtime's read turns into 0
        a.close()
        b.close()


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda r, w: os.pipe2(getattr(os, "O_DIRECT", 0o40000)), r"os.pipe2\(\) flags"),
        (lambda r, w: os.splice(r, w, 10), r"os.splice\(\)"),
        (lambda r, w: fcntl.fcntl(w, getattr(fcntl, "F_GETPIPE_SZ", 1032)), r"F_GETPIPE_SZ"),
        (lambda r, w: fcntl.fcntl(w, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20), r"F_SETPIPE_SZ"),
        (lambda r, w: select.select([r, 0], [], [], 0), r"simulated and real descriptors together"),
        (lambda r, w: os.sendfile(w, 0, 0, 1), r"os.sendfile\(\) into a simulated pipe"),
        (lambda r, w: open(r, "r+b"), r"io.open\(\) of a simulated pipe's descriptor with mode 'r\+b'"),  # noqa: SIM115
        (
            lambda r, w: subprocess.Popen([sys.executable, "-c", "pass"], pass_fds=(w,)),
            r"handed to a real child process",
        ),
        (lambda r, w: subprocess.Popen([sys.executable, "-c", "pass"], stdin=r), r"handed to a real child process"),
        (lambda r, w: os.pread(r, 1, 0), r"os.pread\(\) on a simulated pipe's descriptor"),
        (lambda r, w: os.lseek(r, 0, os.SEEK_SET), r"os.lseek\(\) on a simulated pipe's descriptor"),
    ],
    ids=[
        "pipe2-flags",
        "splice",
        "getpipe-sz",
        "setpipe-sz",
        "real-mix",
        "sendfile",
        "open-rw",
        "pass-fds",
        "stdin",
        "pread",
        "lseek",
    ],
)
def test_what_is_not_modelled_is_refused_by_name(call: Callable[[int, int], Any], named: str) -> None:
    if "splice" in named and not hasattr(os, "splice"):
        pytest.skip("this Python has no os.splice")
    with patched("linux"):
        r, w = os.pipe()
        with pytest.raises(NotImplementedError, match=named):
            call(r, w)


def test_mkfifo_and_opening_a_fifo_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # a real one, made outside the simulation
    with patched("linux"):
        with pytest.raises(NotImplementedError, match=r"os.mkfifo\(\)"):
            os.mkfifo(tmp_path / "other")
        with pytest.raises(NotImplementedError, match=r"os.open\(\) of a FIFO"):
            os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        fd = os.open(tmp_path / "plain", os.O_WRONLY | os.O_CREAT)  # a plain file stays real
        assert 0 <= fd < FD_BASE
        os.close(fd)
    assert not (tmp_path / "other").exists()


def test_a_broken_pipe_with_sigpipe_at_its_default_would_kill_the_process() -> None:
    previous = signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        with patched("linux"):
            r, w = os.pipe()
            os.close(r)
            with pytest.raises(NotImplementedError, match=r"SIGPIPE is not ignored"):
                os.write(w, b"x")
    finally:
        signal.signal(signal.SIGPIPE, previous)


def test_a_real_child_process_still_gets_its_real_pipes() -> None:
    with patched("linux"):
        r, _ = os.pipe()
        assert r >= FD_BASE
        process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"], stdin=subprocess.DEVNULL)
        assert process.wait() == 3


def _pipes_of(kernel: Any) -> Iterator[Any]:
    from sockbehave.sim.pipes import PipeEnd

    return (obj for obj in kernel.objects.values() if isinstance(obj, PipeEnd))


def test_closing_the_network_closes_every_pipe_it_made() -> None:
    with patched("linux") as net:
        _, w = os.pipe()
        os.write(w, b"left")
        ends = list(_pipes_of(net.kernel))
        assert len(ends) == 2
    assert all(end.closed for end in ends)
    assert not list(_pipes_of(net.kernel))
    from sockbehave.sim.pipes import close_all

    fresh = Network("linux")
    close_all(fresh.kernel)  # nothing to close: harmless
    fresh.close()


def test_two_runs_of_a_pipe_program_are_identical() -> None:
    def run() -> list[Any]:  # the mtime is a wall-clock time: identical when the epoch is pinned
        with patched("linux", epoch=1_800_000_000.0):
            r, w = os.pipe()
            got: list[Any] = []
            thread = threading.Thread(target=lambda: got.append(os.read(r, 100)))
            thread.start()
            os.write(w, b"same")
            thread.join()
            return [r, w, got, os.fstat(r).st_ino, os.fstat(r).st_mtime_ns, time.monotonic()]

    assert run() == run()


@pytest.mark.parametrize(
    ("profile", "pipe_buf", "capacity", "source"),
    [
        ("linux", 4096, None, "fs/pipe.c"),
        ("freebsd", 512, 4096, "sys_pipe.c"),
        ("darwin", 512, 512, "xnu"),
        ("windows", 0, None, "CreatePipe"),
    ],
)
def test_each_profile_states_its_pipe_facts_with_sources(
    profile: str, pipe_buf: int, capacity: Any, source: str
) -> None:
    from sockbehave.sim.profiles import get_profile

    facts = get_profile(profile).pipes
    assert (facts.pipe_buf, facts.byte_capacity) == (pipe_buf, capacity)
    assert source in facts.sources["byte_capacity"] + facts.sources["ring_pages"]
    assert all(facts.sources.get(name) for name in ("events", "stat_mode", "grows"))
