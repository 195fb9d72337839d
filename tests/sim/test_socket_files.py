"""A simulated socket's descriptor used as a file (``sockbehave.sim.sockfile``,
``Profile.socket_file_io``): ``os.read``/``os.write`` as ``recv``/``send``, ``os.fstat``, and
``io.open``/``os.fdopen`` over them. The linux profile gives the transcript observed on the real
Linux stack (compared with it where the host is Linux); the BSD profiles' ``fstat`` follows
their ``soo_stat``; the windows profile refuses, naming the call."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import stat
import threading
import time
from typing import Any

import pytest

from sockbehave.platform_info import current_os
from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="the host's socketpair() is no AF_UNIX pair")


def program() -> list[Any]:
    """Reads, writes, fstat, a non-blocking read with nothing there, files over the descriptors."""
    out: list[Any] = []
    a, b = socket.socketpair()
    with a, b:
        out.append(os.write(a.fileno(), b"hello"))
        out.append(b.recv(10))
        a.sendall(b"world")
        out.append(os.read(b.fileno(), 3))
        info = os.fstat(b.fileno())
        out.append((stat.S_ISSOCK(info.st_mode), oct(info.st_mode), info.st_size, info.st_nlink))
        out.append(os.read(b.fileno(), 10))
        os.set_blocking(b.fileno(), False)
        try:
            os.read(b.fileno(), 10)
        except BlockingIOError as exc:
            out.append(type(exc).__name__)
        os.set_blocking(b.fileno(), True)
        with open(a.detach(), "wb", 0) as raw:
            out.append(raw.write(b"raw\n"))
            with os.fdopen(b.fileno(), "r", closefd=False) as text:
                out.append(text.readline())
        out.append(b.recv(10))  # closing the file closed the descriptor: end of file
    return out


EXPECTED = [5, b"hello", b"wor", (True, "0o140777", 0, 1), b"ld", "BlockingIOError", 4, "raw\n", b""]


def test_the_linux_profile_gives_the_transcript_of_the_real_linux_stack() -> None:
    with patched("linux"):
        assert program() == EXPECTED
    if current_os() == "linux":
        assert program() == EXPECTED


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_fstat_on_the_bsds_shows_the_connection_state_and_the_unread_bytes(profile: str) -> None:
    """soo_stat: read bits unless nothing more can come and nothing is left, write bits unless
    nothing more can go, the unread bytes as the size, no bits on a listener."""
    with patched(profile):
        listener = socket.create_server(("127.0.0.1", 0))
        client = socket.create_connection(listener.getsockname())
        conn, _ = listener.accept()

        def mode_and_size(s: socket.socket) -> tuple[int, int]:
            info = os.fstat(s.fileno())
            assert stat.S_ISSOCK(info.st_mode)
            return stat.S_IMODE(info.st_mode), info.st_size

        assert mode_and_size(listener) == (0, 0)
        assert mode_and_size(conn) == (0o666, 0)
        client.sendall(b"12345")
        assert mode_and_size(conn) == (0o666, 5)
        client.shutdown(socket.SHUT_WR)
        assert mode_and_size(conn) == (0o666, 5)  # nothing more will come, but five bytes are left
        assert mode_and_size(client) == (0o444, 0)  # it can send no more
        conn.recv(10)
        assert mode_and_size(conn) == (0o222, 0)
        for s in (client, conn, listener):
            s.close()


def test_a_blocking_read_waits_in_virtual_time_for_the_peer() -> None:
    with patched("linux") as net:
        a, b = socket.socketpair()

        def later() -> None:
            time.sleep(2)
            a.sendall(b"late")

        sender = threading.Thread(target=later)
        sender.start()
        assert os.read(b.fileno(), 10) == b"late"
        assert net.clock() == 2.0
        sender.join()
        a.close()
        b.close()


def test_asyncio_writes_to_a_socket_through_connect_write_pipe_and_sees_its_reader_go() -> None:
    """CPython's test_write_pipe_disconnect_on_close: ``io.open(sock.detach(), 'wb')`` as a pipe."""

    async def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        reader, writer_sock = socket.socketpair()
        reader.setblocking(False)
        pipe = open(writer_sock.detach(), "wb", 1024)  # noqa: SIM115 (the transport closes it)
        lost: asyncio.Future[None] = loop.create_future()

        class Proto(asyncio.BaseProtocol):
            def connection_lost(self, exc: BaseException | None) -> None:
                lost.set_result(None)

        transport, _ = await loop.connect_write_pipe(Proto, pipe)
        transport.write(b"1234")
        await asyncio.sleep(0.5)
        got = await loop.sock_recv(reader, 1024)
        reader.close()
        await asyncio.wait_for(lost, 5)
        return [got, transport.is_closing()]

    with patched("linux"):
        assert asyncio.run(main()) == [b"1234", True]


def fileio_program(path: Any) -> list[Any]:
    """``io.FileIO`` of a socket's descriptor read and written both ways; of a real file, and
    through a subclass, as ever."""
    a, b = socket.socketpair()
    with a, b, io.FileIO(a.fileno(), "r+", closefd=False) as raw:
        out: list[Any] = [raw.mode, raw.write(b"ping"), b.recv(10), isinstance(raw, io.FileIO)]
        b.sendall(b"pong")
        out += [raw.read(10), raw.seekable()]

    class Logged(io.FileIO):
        pass

    with Logged(str(path), "w") as own, io.FileIO(str(path), "rb") as plain:
        out += [own.write(b"real file"), plain.read(), isinstance(own, io.FileIO), type(own).__name__]
    return out


def test_io_fileio_of_a_socket_reads_and_writes_as_on_the_real_linux_stack(tmp_path: Any) -> None:
    expected = ["rb+", 4, b"ping", True, b"pong", False, 9, b"real file", True, "Logged"]
    with patched("linux"):
        assert fileio_program(tmp_path / "sim") == expected
    if current_os() == "linux":
        assert fileio_program(tmp_path / "real") == expected


def test_the_windows_profile_refuses_and_names_the_call() -> None:
    with patched("windows"):
        s = socket.socket()
        with pytest.raises(NotImplementedError, match=r"io.FileIO\(\) on a simulated socket's descriptor on windows"):
            io.FileIO(s.fileno(), "rb")
        with pytest.raises(NotImplementedError, match=r"os.read\(\) on a simulated socket's descriptor on windows"):
            os.read(s.fileno(), 1)
        with pytest.raises(NotImplementedError, match=r"io.open\(\) on a simulated socket's descriptor on windows"):
            open(s.fileno(), "rb")  # noqa: SIM115 (refused)
        s.close()


def test_modes_that_need_a_seekable_file_are_not_modelled() -> None:
    with patched("linux"):
        a, b = socket.socketpair()
        with pytest.raises(NotImplementedError, match="mode 'r\\+b'"):
            open(a.fileno(), "r+b", closefd=False)  # noqa: SIM115 (refused)
        a.close()
        b.close()


def _connected() -> tuple[socket.socket, socket.socket, socket.socket]:
    """A loopback listener, a client connected to it, and the server's end."""
    srv = socket.create_server(("127.0.0.1", 0))
    cli = socket.create_connection(srv.getsockname())
    return srv, cli, srv.accept()[0]


def _two_lines_read_in_a_thread(f: Any) -> tuple[threading.Thread, list[bytes]]:
    """A started thread that reads two lines of ``f``, and the list they go to."""
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.extend([f.readline(), f.readline()]))
    reader.start()
    return reader, got


@pytest.mark.usefixtures("quick_stall_checks")
def test_closing_a_makefile_another_thread_is_blocked_reading_waits_for_that_read() -> None:
    """``makefile`` objects are CPython's own buffered files, whose lock waits in virtual time:
    a thread's ``close()`` of a file another thread is blocked reading waits for that read (it
    waited for real, and the simulation stalled), and each file still passes for io's."""
    with patched("linux"):
        srv, cli, conn = _connected()
        f = cli.makefile("rb")
        reader, got = _two_lines_read_in_a_thread(f)
        conn.sendall(b"one\n")
        time.sleep(0.1)  # virtual: the reader takes the first line and waits inside the second
        conn.sendall(b"tail")
        conn.close()
        f.close()
        reader.join()
        assert got == [b"one\n", b"tail"]
        with cli.makefile("r", encoding="utf-8") as text, cli.makefile("wb") as out:
            assert isinstance(f, io.BufferedReader) and isinstance(out, io.BufferedWriter)
            assert (type(f).__name__, type(out).__name__, text.mode) == ("BufferedReader", "BufferedWriter", "r")
        for s in (cli, srv):
            s.close()


@pytest.mark.usefixtures("quick_stall_checks")
def test_a_read_write_makefile_reads_in_one_thread_writes_in_another_and_closes_while_read() -> None:
    """``makefile("rwb")`` is CPython's ``BufferedRWPair``: a reader and a writer, each with its
    own lock. One thread can write while another is blocked reading (each side waits on its own
    lock), and a ``close()`` while another thread is blocked reading waits for that read in
    virtual time (it waited for real on the reader's lock, and the simulation stalled)."""
    with patched("linux"):
        srv, cli, conn = _connected()
        f = cli.makefile("rwb")
        reader, got = _two_lines_read_in_a_thread(f)
        time.sleep(0.1)  # virtual: the reader is blocked inside its first line
        f.write(b"ping\n")
        f.flush()  # the writer's side is free while the reader waits
        assert conn.recv(100) == b"ping\n"
        conn.sendall(b"pong\n")
        time.sleep(0.1)  # the reader takes that line and waits inside the second
        conn.sendall(b"tail")
        conn.close()
        f.close()
        reader.join()
        assert got == [b"pong\n", b"tail"]
        assert isinstance(f, io.BufferedRWPair) and type(f).__name__ == "BufferedRWPair"
        for s in (cli, srv):
            s.close()
