"""TCP urgent data (``send(data, MSG_OOB)``) read inline by a receiver with SO_OOBINLINE
(``sockbehave.sim.urgent``, ``Profile.urgent``): on the linux profile one program gives the
transcript observed on the real Linux stack (compared with it where the host is Linux); the
BSD profiles follow their kernels' sources and Windows its documentation; what is not
modelled says so."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from sockbehave.platform_info import current_os
from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(not hasattr(socket, "MSG_OOB"), reason="the host's Python has no MSG_OOB")


@contextlib.contextmanager
def _connection(inline: bool = True, nodelay: bool = True) -> Iterator[tuple[socket.socket, socket.socket]]:
    """(sender, receiver), the receiver with SO_OOBINLINE set as ``inline`` says; the sender
    with TCP_NODELAY as ``nodelay`` says, so that Nagle's algorithm holds none of its writes."""
    with socket.create_server(("127.0.0.1", 0)) as srv:
        sender = socket.create_connection(srv.getsockname(), timeout=5)
        receiver, _ = srv.accept()
    with sender, receiver:
        sender.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, int(nodelay))
        receiver.settimeout(5)
        if inline:
            receiver.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
        yield sender, receiver


def _arrived(s: socket.socket) -> None:
    """Wait (at most 5 s) until ``s`` has data: loopback delivers at once, but say so."""
    assert select.select([s], [], [], 5)[0] == [s]


def _state(s: socket.socket) -> tuple[bool, ...]:
    """(readable, exceptional) by select, and POLLPRI by poll where that OS's CPython has poll."""
    readable, _, exceptional = select.select([s], [], [s], 0)
    seen = (bool(readable), bool(exceptional))
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(s, select.POLLIN | select.POLLPRI)
        seen += (any(mask & select.POLLPRI for _, mask in poller.poll(0)),)
    return seen


def program() -> list[Any]:
    """ftplib's ABOR, then urgent data amid normal data, two urgent sends, and a peek."""
    out: list[Any] = []
    with _connection() as (sender, receiver):
        sender.sendall(b"ABOR\r\n", socket.MSG_OOB)
        _arrived(receiver)
        out.append(_state(receiver))
        try:
            receiver.recv(10, socket.MSG_OOB)
        except OSError as exc:
            out.append(type(exc).__name__)
        for _ in range(2):
            out.append(receiver.recv(1024))
            out.append(_state(receiver))
        sender.sendall(b"xy")
        sender.sendall(b"12", socket.MSG_OOB)
        sender.sendall(b"zz")
        _arrived(receiver)
        out.append(receiver.recv(1024))
        out.append(receiver.recv(1024))
        sender.sendall(b"ab", socket.MSG_OOB)
        sender.sendall(b"cd", socket.MSG_OOB)  # the later urgent byte moves the mark
        _arrived(receiver)
        out.append(receiver.recv(1024))
        out.append(receiver.recv(1024))
        sender.sendall(b"pq", socket.MSG_OOB)
        _arrived(receiver)
        out.append(receiver.recv(10, socket.MSG_PEEK))
        out.append(receiver.recv(10))
        out.append(receiver.recv(10))
        out.append(_state(receiver))
    return out


#: A read ends just before the urgent byte; select's exceptional set and POLLPRI report the
#: connection until the urgent byte is read (observed on Linux; the BSDs' sources say the same).
STOP_BEFORE = [
    (True, True, True),
    "OSError",  # EINVAL: the urgent byte is in the stream
    b"ABOR\r",
    (True, True, True),  # at the mark: still exceptional
    b"\n",
    (False, False, False),
    b"xy1",
    b"2zz",
    b"abc",
    b"d",
    b"p",
    b"p",
    b"q",
    (False, False, False),
]

#: Windows' documentation: the urgent byte is read alone (three reads get past it), and with
#: SO_OOBINLINE it is only readable, never exceptional; its CPython has no select.poll.
ALONE = [
    (True, False),
    "OSError",
    b"ABOR\r",
    (True, False),
    b"\n",
    (False, False),
    b"xy1",
    b"2",  # b"zz" waits: the next read takes it with the data up to the next mark
    b"zzabc",
    b"d",
    b"p",
    b"p",
    b"q",
    (False, False),
]


def test_the_linux_profile_gives_the_transcript_of_the_real_linux_stack() -> None:
    with patched("linux"):
        assert program() == STOP_BEFORE
    if current_os() == "linux":
        assert program() == STOP_BEFORE


@pytest.mark.parametrize(
    ("profile", "expected"), [("darwin", STOP_BEFORE), ("freebsd", STOP_BEFORE), ("windows", ALONE)]
)
def test_each_profile_reads_urgent_data_as_its_sources_say(profile: str, expected: list[Any]) -> None:
    with patched(profile):
        assert program() == expected


def test_windows_reads_what_follows_the_urgent_byte_in_a_third_read() -> None:
    with patched("windows"), _connection() as (sender, receiver):
        sender.sendall(b"xy")
        sender.sendall(b"12", socket.MSG_OOB)
        sender.sendall(b"zz")
        assert [receiver.recv(1024) for _ in range(3)] == [b"xy1", b"2", b"zz"]


def _after_a_held_write(sender: socket.socket, receiver: socket.socket) -> list[bytes]:
    sender.sendall(b"a")
    assert receiver.recv(10) == b"a"  # its ACK is delayed, so Nagle's algorithm holds the next small write
    sender.sendall(b"xy")
    assert select.select([receiver], [], [], 0)[0] == []
    sender.sendall(b"!", socket.MSG_OOB)
    return [receiver.recv(10), receiver.recv(10)]


def test_an_urgent_send_goes_at_once_with_the_write_nagle_held_on_freebsd() -> None:
    with patched("freebsd"), _connection(nodelay=False) as (sender, receiver):
        assert _after_a_held_write(sender, receiver) == [b"xy", b"!"]


def test_an_urgent_send_behind_a_held_write_is_not_modelled_on_windows() -> None:
    refused = pytest.raises(NotImplementedError, match="Nagle's algorithm holds small writes on windows")
    with patched("windows"), _connection(nodelay=False) as (sender, receiver), refused:
        _after_a_held_write(sender, receiver)


def test_recv_of_urgent_data_inline_is_einval_with_the_oses_number() -> None:
    with patched("windows"), _connection() as (sender, receiver):
        sender.sendall(b"!", socket.MSG_OOB)
        with pytest.raises(OSError) as caught:
            receiver.recv(1, socket.MSG_OOB)
        # WSAEINVAL: winerror 10022, and errno 22 (EINVAL), as Windows' CPython reports it
        assert (caught.value.errno, getattr(caught.value, "winerror", None)) == (22, 10022)


def test_an_ftp_abort_reaches_a_server_reading_inline_in_another_thread() -> None:
    """ftplib's ``abort()``: the client sends ABOR with MSG_OOB, a server thread reads lines."""

    def server(conn: socket.socket, seen: list[bytes]) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"220 ready\r\n")
            seen.append(lines.readline())
            conn.sendall(b"226 aborted\r\n")

    with patched("linux"), socket.create_server(("127.0.0.1", 0)) as srv:
        client = socket.create_connection(srv.getsockname())
        conn, _ = srv.accept()
        seen: list[bytes] = []
        worker = threading.Thread(target=server, args=(conn, seen))
        worker.start()
        with client, client.makefile("rb") as replies:
            assert replies.readline() == b"220 ready\r\n"
            client.sendall(b"ABOR\r\n", socket.MSG_OOB)
            assert replies.readline() == b"226 aborted\r\n"
        worker.join()
        assert seen == [b"ABOR\r\n"]


def test_what_is_not_modelled_says_so() -> None:
    with patched("linux"):
        with _connection(inline=False) as (sender, receiver):
            with pytest.raises(NotImplementedError, match="without SO_OOBINLINE"):
                sender.send(b"!", socket.MSG_OOB)
            with pytest.raises(NotImplementedError, match=r"recv\(MSG_OOB\) on a socket without SO_OOBINLINE"):
                receiver.recv(1, socket.MSG_OOB)
        with _connection() as (sender, receiver):
            sender.sendall(b"xy", socket.MSG_OOB)
            receiver.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 0)
            with pytest.raises(NotImplementedError, match="after SO_OOBINLINE was turned off"):
                receiver.recv(10)
        with _connection() as (sender, receiver):
            sender.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                while True:
                    sender.send(b"x" * 65536)
            with pytest.raises(NotImplementedError, match="waits in the send buffer"):
                sender.send(b"!", socket.MSG_OOB)
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with udp, pytest.raises(NotImplementedError, match="MSG_OOB on a datagram socket"):
            udp.sendto(b"x", socket.MSG_OOB, ("127.0.0.1", 9))
