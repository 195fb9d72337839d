"""shutdown() of a UDP socket (``Kernel.shutdown``, ``Profile.udp_shutdown_unconnected`` and
``Profile.udp_shut_rd``): the linux profile gives the transcript observed on the real Linux
stack (compared with it where the host is Linux), the BSD profiles follow their kernels'
sources, and what Windows does not document is ``NotImplementedError``."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from typing import Any

import pytest

from sockbehave.platform_info import current_os
from sockbehave.sim import patched


def _error(call: Any) -> Any:
    try:
        return call()
    except socket.timeout:  # TimeoutError's own name only from CPython 3.10 on
        return "TimeoutError"
    except OSError as exc:
        return type(exc).__name__


def _udp() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s


def program() -> list[Any]:
    """Unblocking a receiver with shutdown(), and reading after SHUT_RD."""
    out: list[Any] = []
    with contextlib.ExitStack() as closing:
        receiver, sender = (closing.enter_context(_udp()) for _ in range(2))
        got: list[Any] = []
        ready = threading.Event()

        def receive() -> None:
            ready.set()
            got.append(receiver.recvfrom(100))

        blocked = threading.Thread(target=receive)
        blocked.start()
        ready.wait(5)
        out.append(_error(lambda: receiver.shutdown(socket.SHUT_RD)))  # not connected
        blocked.join(1)
        out.append(blocked.is_alive())
        if blocked.is_alive():  # shutdown did not wake it: a datagram does
            sender.sendto(b"wake", receiver.getsockname())
            blocked.join(5)
        out.append(got[0][0])
        sender.sendto(b"later", receiver.getsockname())
        out.append(select.select([receiver], [], [], 0)[0] == [receiver])
        out.append(receiver.recvfrom(100)[0])
        out.append(select.select([receiver], [], [], 0)[0] == [receiver])  # nothing queued now
        out.append(receiver.recvfrom(100))
        receiver.setblocking(False)
        out.append(_error(lambda: receiver.recvfrom(100)))
        receiver.settimeout(0.2)
        out.append(_error(lambda: receiver.recvfrom(100)))
        writer = closing.enter_context(_udp())
        out.append(_error(lambda: writer.shutdown(socket.SHUT_WR)))  # not connected
        out.append(_error(lambda: writer.sendto(b"x", receiver.getsockname())))
    return out


LINUX = [
    "OSError",  # ENOTCONN, yet it is shut down
    False,  # and the blocked recvfrom woke
    b"",
    True,
    b"later",  # a datagram that came after SHUT_RD is read
    True,  # readable with nothing queued
    (b"", None),  # a blocking recvfrom returns at once
    "BlockingIOError",  # a non-blocking one does not
    "TimeoutError",  # nor one with a timeout: CPython waits it out
    "OSError",
    "BrokenPipeError",
]

FREEBSD = [
    "OSError",
    False,
    b"",
    True,
    b"",  # the later datagram was dropped: end of file at once
    True,
    (b"", None),
    (b"", None),  # ... even non-blocking
    (b"", None),
    "OSError",
    "BrokenPipeError",
]


def test_the_linux_profile_gives_the_transcript_of_the_real_linux_stack() -> None:
    with patched("linux"):
        assert program() == LINUX
    if current_os() == "linux":
        assert program() == LINUX


def test_freebsd_flushes_and_drops_and_reads_end_of_file() -> None:
    with patched("freebsd"):
        assert program() == FREEBSD


def test_darwin_refuses_an_unconnected_socket_and_leaves_it_as_it_was() -> None:
    """xnu's soshutdown: ENOTCONN, and no shutdown: a blocked receiver stays blocked."""
    with patched("darwin"), contextlib.ExitStack() as closing:
        receiver, sender = (closing.enter_context(_udp()) for _ in range(2))
        got: list[Any] = []
        blocked = threading.Thread(target=lambda: got.append(receiver.recvfrom(100)[0]))
        blocked.start()
        with pytest.raises(OSError) as caught:
            receiver.shutdown(socket.SHUT_RDWR)
        assert caught.value.errno == 57  # ENOTCONN on macOS
        blocked.join(1)
        assert blocked.is_alive()
        sender.sendto(b"wake", receiver.getsockname())
        blocked.join(5)
        assert got == [b"wake"]
        assert sender.sendto(b"x", receiver.getsockname()) == 1  # SHUT_WR did nothing either


def test_darwin_flushes_a_connected_socket_on_shut_rd() -> None:
    with patched("darwin"), contextlib.ExitStack() as closing:
        receiver, sender = (closing.enter_context(_udp()) for _ in range(2))
        receiver.connect(sender.getsockname())
        sender.sendto(b"queued", receiver.getsockname())
        receiver.shutdown(socket.SHUT_RD)
        sender.sendto(b"later", receiver.getsockname())
        receiver.setblocking(False)
        assert receiver.recv(100) == b""  # both dropped; end of file, even non-blocking


def test_windows_refuses_recv_after_sd_receive_and_leaves_the_undocumented_unmodelled() -> None:
    """Wine's ws2_32 tests, run on Windows: SD_RECEIVE and SD_SEND on unconnected UDP sockets
    succeed, recvfrom then fails with WSAESHUTDOWN, sendto too. Not documented: whether a recv
    already waiting wakes, and what select says."""
    with patched("windows"), contextlib.ExitStack() as closing:
        writer, receiver, waiting = (closing.enter_context(_udp()) for _ in range(3))
        writer.shutdown(socket.SHUT_WR)  # WSAENOTCONN is for connection-oriented sockets only
        with pytest.raises(OSError) as caught:
            writer.sendto(b"x", receiver.getsockname())
        assert caught.value.winerror == 10058  # type: ignore[attr-defined]  # WSAESHUTDOWN
        receiver.shutdown(socket.SHUT_RD)
        with pytest.raises(OSError) as caught:
            receiver.recvfrom(100)
        assert caught.value.winerror == 10058  # type: ignore[attr-defined]
        with pytest.raises(NotImplementedError, match="select/poll of a UDP socket shut down for reading on windows"):
            select.select([receiver], [], [], 0)
        outcome: list[Any] = []

        def blocked() -> None:
            try:
                waiting.recvfrom(100)
            except NotImplementedError as exc:
                outcome.append(str(exc))

        thread = threading.Thread(target=blocked)
        thread.start()
        thread.join(0.5)
        waiting.shutdown(socket.SHUT_RD)
        thread.join(5)
        assert len(outcome) == 1 and "recvfrom() already waiting wakes" in outcome[0]


def test_kqueue_reports_end_of_file_on_a_shut_down_udp_socket() -> None:
    """FreeBSD's filt_soread and filt_sowrite: EV_EOF once the direction is shut."""
    with patched("freebsd"), contextlib.ExitStack() as closing:
        s, peer = (closing.enter_context(_udp()) for _ in range(2))
        s.connect(peer.getsockname())
        kq = select.kqueue()  # the simulated FreeBSD's (patched() shows it to this thread)
        closing.callback(kq.close)
        changes = [select.kevent(s, select.KQ_FILTER_READ), select.kevent(s, select.KQ_FILTER_WRITE)]
        assert [e.flags & select.KQ_EV_EOF for e in kq.control(changes, 2, 0)] == [0]  # writable only
        s.shutdown(socket.SHUT_RDWR)
        fired = kq.control(None, 2, 0)
        assert sorted(e.filter for e in fired) == sorted([select.KQ_FILTER_READ, select.KQ_FILTER_WRITE])
        assert all(e.flags & select.KQ_EV_EOF for e in fired)
