"""AF_UNIX datagram sockets (``sockbehave.sim.unixdgram``, ``Profile.unix_dgrams``): on the
linux profile one program gives the transcript observed on the real Linux stack (compared
with it where the host is Linux); the BSD profiles follow their kernels' sources; what the
facts leave open is ``NotImplementedError``."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from sockbehave.platform_info import current_os
from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="the host's Python has no AF_UNIX")


@contextlib.contextmanager
def _dir() -> Iterator[Any]:
    with tempfile.TemporaryDirectory() as d:
        yield lambda name: os.path.join(d, name)


def _dgram() -> socket.socket:
    return socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)


def _drain(s: socket.socket) -> None:
    s.setblocking(False)
    with contextlib.suppress(BlockingIOError):
        while True:
            s.recv(300_000)


def _error(call: Any) -> str:
    try:
        call()
    except OSError as exc:
        return f"{type(exc).__name__}: {exc.strerror}"
    return "no error"


def linux_program() -> list[Any]:
    """Names, sizes, a full queue, errors, connect and poll, truncation: each step's outcome."""
    out: list[Any] = []
    with _dir() as path, contextlib.ExitStack() as closing:
        a, unbound, b, y, z = (closing.enter_context(_dgram()) for _ in range(5))
        a.bind(path("a"))
        b.bind(path("b"))
        unbound.sendto(b"hi", path("a"))
        out.append(a.recvfrom(100))
        b.sendto(b"yo", path("a"))
        data, sender = a.recvfrom(100)
        out.append((data, os.path.basename(sender)))
        out.append(unbound.sendto(b"x" * 212960, path("a")))
        _drain(a)
        out.append(_error(lambda: unbound.sendto(b"x" * 212961, path("a"))))
        unbound.setblocking(False)
        sent = 0
        with contextlib.suppress(BlockingIOError):
            while sent < 100:
                unbound.sendto(b"x", path("a"))
                sent += 1
        out.append(sent)
        _drain(a)
        out.append(_error(lambda: unbound.sendto(b"x", path("missing"))))
        with _dgram() as gone:
            gone.bind(path("gone"))
        out.append(_error(lambda: unbound.sendto(b"x", path("gone"))))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stream:
            stream.bind(path("stream"))
            out.append(_error(lambda: unbound.sendto(b"x", path("stream"))))
        with _dgram() as fresh:
            out.append(_error(lambda: fresh.send(b"x")))
        y.connect(path("b"))
        out.append((os.path.basename(y.getpeername()), y.send(b"1"), b.recv(5)))
        out.append(_error(lambda: unbound.sendto(b"x", path("b"))) == "no error")  # b is not connected
        _drain(b)
        z.bind(path("z"))
        z.connect(path("a"))
        out.append(_error(lambda: unbound.sendto(b"x", path("z"))))  # z is connected to another socket
        unbound.sendto(b"", path("b"))
        unbound.sendto(b"hello", path("b"))
        b.setblocking(True)
        out.append((b.recvfrom(10), b.recv(2), _error(lambda: b.recv(10, socket.MSG_DONTWAIT))))
        with _dgram() as peer, _dgram() as talker:
            peer.bind(path("peer"))
            talker.connect(path("peer"))
            peer.close()
            out.append(_error(lambda: talker.send(b"2")))
    return out


LINUX = [
    (b"hi", None),
    (b"yo", "b"),
    212960,
    "OSError: Message too long",
    11,
    "FileNotFoundError: No such file or directory",
    "ConnectionRefusedError: Connection refused",
    "OSError: Protocol wrong type for socket",
    "OSError: Transport endpoint is not connected",
    ("b", 1, b"1"),
    True,
    "PermissionError: Operation not permitted",
    ((b"", None), b"he", "BlockingIOError: Resource temporarily unavailable"),
    "ConnectionRefusedError: Connection refused",
]


def test_the_linux_profile_gives_the_transcript_of_the_real_linux_stack() -> None:
    with patched("linux"):
        assert linux_program() == LINUX
    if current_os() == "linux":
        assert linux_program() == LINUX  # the real stack, where the expectations were observed


def test_a_full_receiver_blocks_a_blocking_sender_until_it_reads() -> None:
    import threading
    import time

    with patched("linux"), _dir() as path, _dgram() as receiver, _dgram() as sender:
        receiver.bind(path("r"))
        for _ in range(11):
            sender.sendto(b"x", path("r"))
        reader = threading.Thread(target=lambda: (time.sleep(2.0), receiver.recv(1)))
        reader.start()
        started = time.monotonic()
        sender.sendto(b"y", path("r"))  # waits for the reader's recv, two virtual seconds later
        assert time.monotonic() - started == pytest.approx(2.0)
        reader.join()


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_the_bsds_refuse_what_their_buffers_cannot_take(profile: str) -> None:
    with patched(profile), _dir() as path, _dgram() as receiver, _dgram() as sender:
        receiver.bind(path("r"))
        assert _error(lambda: sender.sendto(b"x" * 2049, path("r"))) == "OSError: Message too long"
        sender.sendto(b"x" * 2048, path("r"))
        # 2 x 2048 bytes and two addresses of at least 16 bytes pass the 4096-byte receive buffer
        assert _error(lambda: sender.sendto(b"x" * 2048, path("r"))) == "OSError: No buffer space available"
        assert receiver.recvfrom(4096) == (b"x" * 2048, "")  # an unbound sender shows as ''
        for _ in range(12):  # surely within the buffer and its mbuf limit: 12 x (1 byte and an address)
            sender.sendto(b"y", path("r"))
        with pytest.raises(NotImplementedError, match=f"AF_UNIX datagram receiver on {profile} takes one more"):
            sender.sendto(b"y", path("r"))  # a 13th: whether the mbuf limit allows it is not modelled


def test_what_is_not_modelled_says_so() -> None:
    with patched("windows"), pytest.raises(AttributeError, match="has no attribute 'AF_UNIX'"):
        _dgram()  # Windows' CPython has no socket.AF_UNIX (Profile.stdlib_names)
    with patched("darwin"), _dgram() as s, pytest.raises(NotImplementedError, match="SO_RCVBUF on an AF_UNIX datagram"):
        s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    with patched("linux"), pytest.raises(NotImplementedError, match="socketpair"):
        socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)


def send_buffer_program() -> list[Any]:
    """anyio's UDP back-pressure fixture: a sender with SO_SNDBUF set sends small datagrams,
    connected or not, until EAGAIN, asking select whether it is writable before each; the
    receiver drains them. Then the longest datagram that SO_SNDBUF allows."""
    got: list[Any] = []
    with _dir() as path:
        for n, (sndbuf, size, connect) in enumerate(
            [(1024, 64, False), (1024, 64, True), (None, 64, False), (None, 64, True), (3000, 192, True)]
        ):
            with _dgram() as receiver, _dgram() as sender:
                receiver.bind(path(f"r{n}"))
                receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)  # plays no part
                if sndbuf is not None:
                    sender.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
                got.append(sender.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF))
                if connect:
                    sender.connect(path(f"r{n}"))
                sender.setblocking(False)
                sent = writable = 0
                while True:
                    if select.select([], [sender], [], 0)[1]:
                        writable = sent
                    try:
                        sender.send(b"d" * size) if connect else sender.sendto(b"d" * size, path(f"r{n}"))
                    except BlockingIOError:
                        break
                    sent += 1
                _drain(receiver)
                got += [sent, writable, select.select([], [sender], [], 0)[1] == [sender]]
        with _dgram() as receiver, _dgram() as sender:
            receiver.bind(path("big"))
            sender.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1024)
            sender.sendto(b"b" * 4576, path("big"))
            got.append(_error(lambda: sender.sendto(b"b" * 4577, path("big"))))
    return got


SEND_BUFFER = [
    *(4608, 6, 1, True, 4608, 6, 1, True),  # 6 x 768 bytes fill 4608; writable while 4 x 768 x 1 fits
    *(212992, 11, 11, True, 212992, 11, 10, True),  # the receiver's queue limit (11) first
    *(6000, 8, 1, True),
    "OSError: Message too long",  # longer than SO_SNDBUF - 32
]


def test_a_set_send_buffer_bounds_a_senders_small_datagrams_as_on_linux() -> None:
    with patched("linux"):
        assert send_buffer_program() == SEND_BUFFER
    if current_os() == "linux":
        assert send_buffer_program() == SEND_BUFFER  # the real stack, where they were observed


def test_past_small_datagrams_a_set_send_buffer_is_not_modelled() -> None:
    with patched("linux"), _dir() as path, _dgram() as receiver, _dgram() as sender:
        receiver.bind(path("r"))
        sender.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1024)
        sender.sendto(b"L" * 193, path("r"))  # the first surely goes
        with pytest.raises(NotImplementedError, match="AF_UNIX datagram receiver on linux takes one more"):
            sender.sendto(b"L" * 193, path("r"))  # real Linux takes 4: 193 bytes charge more than 768
    with patched("freebsd"), _dgram() as s, pytest.raises(NotImplementedError, match="SO_SNDBUF on an AF_UNIX"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1024)


def pair_program() -> list[Any]:
    out: list[Any] = []
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b:
        out.append((a.getsockname(), a.getpeername(), a.type == socket.SOCK_DGRAM))
        a.send(b"1")
        b.send(b"2")
        out.append((b.recvfrom(10), a.recvfrom(10)))
        a.setblocking(False)
        for _ in range(11):
            a.send(b"x")
        out.append(select.select([], [a], [], 0)[1] == [a])  # ends connected to each other: no count limit
        b.close()
        out.append((_error(lambda: a.send(b"3")), _error(lambda: a.recv(10))))
    return out


PAIR_LINUX = [
    ("", "", True),
    ((b"1", None), (b"2", None)),
    True,
    ("ConnectionRefusedError: Connection refused", "BlockingIOError: Resource temporarily unavailable"),
]


def test_a_datagram_socket_pair_is_two_unnamed_sockets_connected_to_each_other() -> None:
    with patched("linux"):
        assert pair_program() == PAIR_LINUX
        # An end whose receiver is connected back has no queue-length limit, only its send
        # buffer's: one-byte datagrams charge 768 bytes each, so 278 fit 212992
        assert datagrams_a_pair_takes() == 278
    if current_os() == "linux":
        assert pair_program() == PAIR_LINUX
        assert datagrams_a_pair_takes() == 278


def datagrams_a_pair_takes() -> int:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with a, b:
        a.setblocking(False)
        sent = 0
        with contextlib.suppress(BlockingIOError):
            while sent < 1000:
                a.send(b"x")
                sent += 1
        return sent


def dontwait_program() -> list[str]:
    with _dir() as path, _dgram() as receiver, _dgram() as sender:
        receiver.bind(path("r"))
        sender.connect(path("r"))
        for _ in range(11):
            sender.send(b"x")
        # a blocking socket: MSG_DONTWAIT makes this one call fail instead of waiting
        return [
            _error(lambda: sender.send(b"y", socket.MSG_DONTWAIT)),
            _error(lambda: sender.sendto(b"y", socket.MSG_DONTWAIT, path("r"))),
        ]


def test_msg_dontwait_makes_a_send_to_a_full_receiver_fail_at_once() -> None:
    expected = ["BlockingIOError: Resource temporarily unavailable"] * 2
    with patched("linux"):
        assert dontwait_program() == expected
    if current_os() == "linux":
        assert dontwait_program() == expected
