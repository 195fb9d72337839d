"""Descriptor flags of a simulated socket per profile (``sim/fdcalls.py``): what differs from
Linux, and what is refused. Linux itself is compared with the real stack in
``tests/conformance/test_socket_semantics.py``."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from sockbehave.sim import patched

fcntl = pytest.importorskip("fcntl")


@contextlib.contextmanager
def _accepted_from_non_blocking_listener() -> Iterator[tuple[socket.socket, socket.socket]]:
    """``(client, accepted)`` from a listener in non-blocking mode; all three closed after."""
    with socket.create_server(("127.0.0.1", 0)) as srv:
        cli = socket.create_connection(srv.getsockname(), timeout=10)
        srv.setblocking(False)
        conn, _ = srv.accept()
        with cli, conn:
            yield cli, conn


def test_an_accepted_socket_inherits_o_nonblock_on_macos() -> None:
    """bpo-7995: with no default timeout and a listener of timeout 0, CPython's accept leaves
    the new socket as the kernel made it; xnu's accept copies O_NONBLOCK, so a recv() that
    would wait fails at once although gettimeout() says None."""
    with patched("darwin"), _accepted_from_non_blocking_listener() as (cli, conn):
        assert conn.gettimeout() is None and conn.getblocking()
        assert fcntl.fcntl(conn, fcntl.F_GETFL) & os.O_NONBLOCK
        with pytest.raises(BlockingIOError):
            conn.recv(1)
        conn.setblocking(True)  # as a portable program does
        assert os.get_blocking(conn.fileno())
        cli.sendall(b"x")
        assert conn.recv(1) == b"x"


@pytest.mark.parametrize("profile", ["linux", "freebsd"])
def test_accept4_does_not_inherit_o_nonblock(profile: str) -> None:
    """CPython accepts with accept4(SOCK_CLOEXEC) where the OS has it: Linux, and FreeBSD since
    10.0, whose accept4 takes O_NONBLOCK from its flags, not from the listener."""
    with patched(profile), _accepted_from_non_blocking_listener() as (_, conn):
        assert not fcntl.fcntl(conn, fcntl.F_GETFL) & os.O_NONBLOCK


def test_windows_has_no_descriptor_flags_for_sockets() -> None:
    with patched("windows"):
        s = socket.socket()
        with s:
            calls: list[tuple[Any, str]] = [
                (
                    lambda: fcntl.fcntl(s, fcntl.F_GETFL),
                    r"fcntl\.fcntl\(\) on a simulated socket's descriptor on windows",
                ),
                (lambda: os.get_blocking(s.fileno()), r"os\.get_blocking\(\) .* on windows"),
                (lambda: os.set_inheritable(s.fileno(), True), r"os\.set_inheritable\(\) .* on windows"),
            ]
            for call, message in calls:
                with pytest.raises(NotImplementedError, match=message):
                    call()
            s.set_inheritable(True)  # the socket method itself works there
            assert s.get_inheritable() is True


def test_windows_accept_from_a_non_blocking_listener_takes_its_mode() -> None:
    """Winsock's accept gives the new socket the listener's properties (inferred for its
    non-blocking mode: Profile.accept_inherits_nonblock), so a call that would wait fails at
    once although CPython's socket object says blocking; until the eighth session of
    2026-11-23 that call was refused as not modelled."""
    with patched("windows"), _accepted_from_non_blocking_listener() as (cli, conn):
        cli.sendall(b"ab")
        assert conn.recv(1) == b"a"
        assert conn.send(b"c") == 1
        assert conn.recv(1) == b"b"
        assert conn.gettimeout() is None
        with pytest.raises(BlockingIOError):
            conn.recv(1)
        conn.settimeout(None)  # CPython sets the mode itself
        cli.sendall(b"d")
        assert conn.recv(1) == b"d"


def test_a_timeout_on_a_descriptor_made_blocking_is_not_modelled() -> None:
    """With a timeout CPython waits in select() and then makes the system call; on a
    descriptor made blocking behind its back that call can wait past the timeout."""
    with patched("linux"):
        a, b = socket.socketpair()
        try:
            a.settimeout(5.0)
            os.set_blocking(a.fileno(), True)
            b.sendall(b"x")
            assert a.recv(1) == b"x"  # no wait needed: the same on a real stack
            with pytest.raises(NotImplementedError, match=r"recv\(\) with a timeout on a descriptor made blocking"):
                a.recv(1)
        finally:
            a.close()
            b.close()


def test_a_descriptor_that_is_not_a_socket_is_refused() -> None:
    import select

    if not hasattr(select, "epoll"):
        pytest.skip("no epoll here")
    with patched("linux"):
        ep = select.epoll()
        try:
            with pytest.raises(NotImplementedError, match="not a socket"):
                os.get_blocking(ep.fileno())
        finally:
            ep.close()


def test_open_of_a_simulated_socket_descriptor_is_a_file_over_the_socket() -> None:
    """``open(fd)`` (``io.open``) is a descriptor function too: before, the host's ``EBADF``
    (CPython's test_asyncio ``test_write_pipe_disconnect_on_close``), then ``NotImplementedError``;
    now a file over ``os.read``/``os.write`` of the socket (``sockfile``, tests/sim/test_socket_files.py)."""
    import io

    with patched("linux"):
        a, b = socket.socketpair()
        for opener in (open, io.open):
            with opener(a.fileno(), "wb", closefd=False) as f:
                f.write(b"x")
            assert b.recv(1) == b"x"
        a.close()
        b.close()


def test_dup2_between_a_real_and_a_simulated_descriptor_is_not_modelled() -> None:
    """An inetd-style redirect (``dup2(sock.fileno(), 1)``) or the reverse would mix a real
    descriptor table with the simulated one: refused by name, never the host's EBADF for a
    number no real process has, nor a real descriptor silently left unchanged."""
    r, w = os.pipe()
    try:
        with patched("linux"):
            s = socket.socket()
            with s:
                for call in (
                    lambda: os.dup2(s.fileno(), w),
                    lambda: os.dup2(w, s.fileno()),
                    lambda: os.sendfile(w, s.fileno(), 0, 1),
                ):
                    with pytest.raises(NotImplementedError, match="real descriptor"):
                        call()
                assert os.dup2(w, r) == r  # two real ones: the real call
    finally:
        os.close(r)
        os.close(w)


def test_os_dup_and_close_on_windows_sockets_are_not_modelled() -> None:
    """A Windows socket is a handle, not a C runtime descriptor (``socket_descriptor_flags``)."""
    with patched("windows"):
        s = socket.socket()
        with s:
            for call in (lambda: os.dup(s.fileno()), lambda: os.close(s.fileno())):
                with pytest.raises(NotImplementedError, match="on windows"):
                    call()


def test_every_os_call_on_a_descriptor_is_modelled_or_refused_by_name_never_the_hosts_ebadf() -> None:
    """A simulated number given to the host's call is EBADF there: a wrong answer a program
    catches as an ordinary OSError (cheroot's fchmod of its AF_UNIX listener fell back to a
    path and failed elsewhere). ``os.stat(fd)`` is ``os.fstat(fd)``."""
    with patched("linux"), socket.socket() as s:
        fd = s.fileno()
        assert os.stat(fd).st_mode == os.fstat(fd).st_mode
        with pytest.raises(ValueError, match="cannot use fd and follow_symlinks together"):
            os.stat(fd, follow_symlinks=False)
        assert os.fchmod(fd, 0o777) is None  # Linux: the socket's own inode (Profile.socket_fchmod)
        calls = [
            lambda: os.chmod(fd, 0o777),
            lambda: os.fchown(fd, -1, -1),
            lambda: os.fstatvfs(fd),
            lambda: os.fdatasync(fd),
            lambda: os.fpathconf(fd, "PC_PIPE_BUF"),
        ]
        for call in calls:
            with pytest.raises(NotImplementedError, match="on a simulated socket's descriptor"):
                call()


def test_fchmod_of_a_socket_succeeds_on_linux_and_is_einval_on_the_bsds() -> None:
    def fchmod() -> object:
        with socket.socket() as s:
            try:
                return os.fchmod(s.fileno(), 0o777)
            except OSError as exc:
                return errno.errorcode[exc.errno or 0]

    real = fchmod() if sys.platform == "linux" else None
    with patched("linux"):
        assert fchmod() is real is None
    for profile in ("darwin", "freebsd"):
        with patched(profile):
            assert fchmod() == "EINVAL"  # Profile.socket_fchmod: no vnode to change
