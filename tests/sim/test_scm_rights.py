"""Passing descriptors over AF_UNIX stream sockets (``SCM_RIGHTS``, ``UnixPairFacts.scm_rights``):
the same program on the real stack and on the linux profile gives the same answers.

What is passed: real files (the simulation holds a duplicate while they are in flight) and
simulated sockets. anyio's ``send_fds``/``receive_fds`` tests pass real files this way.
"""

from __future__ import annotations

import array
import errno
import os
import socket
import sys
import tempfile
from typing import Any

import pytest

from sockbehave.sim import patched

pytestmark = pytest.mark.skipif(not hasattr(socket, "SCM_RIGHTS"), reason="the host's CPython has no SCM_RIGHTS")


def _fds(ancdata: list[Any]) -> list[int]:
    out = array.array("i")
    for level, kind, data in ancdata:
        assert (level, kind) == (socket.SOL_SOCKET, socket.SCM_RIGHTS)
        out.frombytes(data[: len(data) - len(data) % out.itemsize])
    return list(out)


def _read_file(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as f:
        f.seek(0)
        return f.read()


def passing() -> list[object]:
    seen: list[object] = []
    space = socket.CMSG_SPACE
    with tempfile.TemporaryFile() as one, tempfile.TemporaryFile() as two:
        one.write(b"Hello, ")
        two.write(b"World!")
        one.flush()
        two.flush()
        a, b = socket.socketpair()
        c, d = socket.socketpair()
        with a, b, c, d:
            # a read goes on from a plain write into the one with descriptors, and stops after it
            a.sendall(b"plain")
            socket.send_fds(a, [b"with"], [one.fileno(), c.fileno()])
            a.sendall(b"after")
            msg, anc, flags, _ = b.recvmsg(100, space(8))
            got = _fds(anc)
            seen += [msg, len(got), flags, [os.get_inheritable(fd) for fd in got]]
            seen.append(_read_file(got[0]))
            with socket.socket(fileno=got[1]) as passed:  # the passed socket is the same socket
                d.sendall(b"via")
                seen.append(passed.recv(10))
            seen.append(b.recv(100))
            # room for one of two: one, and MSG_CTRUNC
            socket.send_fds(a, [b"x"], [one.fileno(), two.fileno()])
            msg, anc, flags, _ = b.recvmsg(100, socket.CMSG_LEN(4))
            got = _fds(anc)
            seen += [msg, len(got), flags & socket.MSG_CTRUNC]
            seen.append(_read_file(got[0]))
            # recv() has no room for them
            socket.send_fds(a, [b"y"], [one.fileno()])
            seen.append(b.recv(100))
            # a peek gives copies and leaves them
            socket.send_fds(a, [b"zz"], [two.fileno()])
            for peek in (socket.MSG_PEEK, 0):
                msg, anc, flags, _ = b.recvmsg(1, space(4), peek)
                got = _fds(anc)
                seen += [msg, len(got), flags, [_read_file(fd) for fd in got]]
            msg, anc, flags, _ = b.recvmsg(10, space(4))
            seen += [msg, anc, flags]
            # an empty write passes nothing; a bad number is EBADF, too many EINVAL
            seen.append(a.sendmsg([b""], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [one.fileno()]))]))
            for fds in ([1_000_000], [one.fileno()] * 254):
                try:
                    socket.send_fds(a, [b"e"], fds)
                except OSError as exc:
                    seen.append(errno.errorcode[exc.errno or 0])
            a.sendall(b"q")
            msg, anc, flags, _ = b.recvmsg(10, space(4))
            seen += [msg, anc, flags]
            # two writes with descriptors take two reads
            socket.send_fds(a, [b"1"], [one.fileno()])
            socket.send_fds(a, [b"2"], [two.fileno()])
            for _ in range(2):
                msg, anc, _, _ = b.recvmsg(10, space(8))
                seen += [msg, [_read_file(fd) for fd in _fds(anc)]]
            # the sender's own descriptor may close while it is in flight; MSG_CMSG_CLOEXEC
            spare = os.dup(one.fileno())
            socket.send_fds(a, [b"k"], [spare])
            os.close(spare)
            msg, anc, _, _ = b.recvmsg(10, space(4), socket.MSG_CMSG_CLOEXEC)
            got = _fds(anc)
            seen += [msg, [os.get_inheritable(fd) for fd in got], [_read_file(fd) for fd in got]]
            # received by socket.recv_fds, as anyio's receive_fds does
            socket.send_fds(a, [b"r"], [two.fileno()])
            msg, fds, _, _ = socket.recv_fds(b, 10, 2)
            seen += [msg, [_read_file(fd) for fd in fds]]
    return seen


@pytest.mark.skipif(not hasattr(socket, "send_fds"), reason="socket.send_fds is new in 3.9")
def test_descriptors_pass_over_an_af_unix_pair_as_on_linux() -> None:
    with patched("linux"):
        simulated = passing()
    hello, world = b"Hello, ", b"World!"
    assert simulated == [
        *(b"plainwith", 2, 0, [True, True], hello, b"via", b"after"),
        *(b"x", 1, socket.MSG_CTRUNC, hello),
        b"y",
        *(b"z", 1, 0, [world]),
        *(b"z", 1, 0, [world]),
        *(b"z", [], 0),
        *(0, "EBADF", "EINVAL", b"q", [], 0),
        *(b"1", [hello], b"2", [world]),
        *(b"k", [False], [hello]),
        *(b"r", [world]),
    ]
    if sys.platform == "linux":
        assert passing() == simulated


def test_descriptors_left_in_flight_are_closed_with_the_simulation() -> None:
    """A real descriptor in flight is a duplicate the simulation holds: closed when its reader
    closes unread, and when the block ends."""
    with tempfile.TemporaryFile() as f:
        before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
        with patched("linux"):
            a, b = socket.socketpair()
            socket.send_fds(a, [b"x"], [f.fileno()])
            b.close()  # unread: what it carried is closed
            c, _reader = socket.socketpair()  # (held: an unread end is closed when collected)
            socket.send_fds(c, [b"y"], [f.fileno()])  # still in flight when the block ends
        if before is not None:
            assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.parametrize("profile", ["darwin", "freebsd"])
def test_passing_descriptors_is_not_modelled_on_the_bsds(profile: str) -> None:
    with patched(profile):
        a, b = socket.socketpair()
        with a, b, pytest.raises(NotImplementedError, match=f"ancillary data on an AF_UNIX stream socket on {profile}"):
            socket.send_fds(a, [b"x"], [a.fileno()])
