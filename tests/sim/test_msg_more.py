"""MSG_MORE on UDP (``Profile.send_flags``): a datagram waits for a send without the flag,
every send meanwhile adds to it, and it goes where its first part was sent. trio's
``test_send_recv_variants`` relies on it. The linux profile is compared with the real stack.
"""

from __future__ import annotations

import errno
import socket
import sys

import pytest

from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(not hasattr(socket, "MSG_MORE"), reason="the host's CPython has no MSG_MORE")


def _udp() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setblocking(False)
    return s


def _read(s: socket.socket) -> list[object]:
    """Every datagram waiting on ``s`` (loopback delivers at once), by length and first bytes."""
    got: list[object] = []
    while True:
        try:
            data = s.recv(70_000)
        except BlockingIOError:
            return got
        got.append((len(data), data[:9]))


def corked() -> list[object]:
    more = socket.MSG_MORE
    seen: list[object] = []
    a, b, d = _udp(), _udp(), _udp()
    with a, b, d:
        # the datagram goes to the first part's address, the later addresses are ignored
        seen.append(a.sendto(b"xxx", more, b.getsockname()))
        seen.append(a.sendto(b"yyy", more, d.getsockname()))
        seen.append(_read(b))  # nothing yet
        seen.append(a.sendto(b"zzz", d.getsockname()))
        seen += [_read(b), _read(d)]
        # too long in all: the whole datagram is dropped, the next one starts afresh
        seen.append(a.sendto(b"x" * 65_000, more, b.getsockname()))
        try:
            a.sendto(b"x" * 508, more, b.getsockname())
        except OSError as exc:
            seen.append(errno.errorcode[exc.errno or 0])
        seen.append(a.sendto(b"y", more, b.getsockname()))
        seen.append(a.sendto(b"", b.getsockname()))
        seen.append(_read(b))
        # an empty first part, and a connected socket's send
        seen.append(a.sendto(b"", more, b.getsockname()))
        seen.append(a.sendto(b"q", b.getsockname()))
        a.connect(b.getsockname())
        seen += [a.send(b"1", more), a.send(b"2"), _read(b)]
        # a socket closed with a datagram waiting sends nothing
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as e:
            e.sendto(b"lost", more, b.getsockname())
        seen.append(_read(b))
    return seen


def test_msg_more_holds_a_udp_datagram_as_linux_does() -> None:
    with patched("linux"):
        simulated = corked()
    assert simulated == [
        *(3, 3, []),
        *(3, [(9, b"xxxyyyzzz")], []),
        *(65_000, "EMSGSIZE", 1, 0, [(1, b"y")]),
        *(0, 1, 1, 1, [(1, b"q"), (2, b"12")]),
        [],
    ]
    if sys.platform == "linux":
        assert corked() == simulated


def test_msg_more_is_not_modelled_on_tcp_and_absent_elsewhere() -> None:
    more = socket.MSG_MORE
    with patched("linux"), socket.socket() as s, pytest.raises(NotImplementedError, match="MSG_MORE on a TCP socket"):
        s.send(b"x", more)
    for profile in ("darwin", "freebsd", "windows"):  # their headers have no MSG_MORE, so their CPython neither
        refused = pytest.raises(NotImplementedError, match="flags")
        with patched(profile), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, refused:
            assert not hasattr(socket, "MSG_MORE")
            u.sendto(b"x", more, ("127.0.0.1", 9))  # the host's number, passed anyway
