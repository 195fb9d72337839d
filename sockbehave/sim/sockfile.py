"""A simulated socket's descriptor used as a file: ``os.read``, ``os.write``, ``os.fstat``,
``io.FileIO`` and ``io.open``/``os.fdopen``/``open`` of the number (``fdcalls`` routes them here).

Owns: what those calls do on a socket's number where that OS's sockets are file descriptors
(``Profile.socket_file_io``, with its source): ``read`` is ``recv`` with no flags and ``write``
is ``send`` with no flags, as read(2) and write(2) on a socket are (waiting in virtual time on a
blocking socket, ``EAGAIN`` on one with O_NONBLOCK, a blocking stream write waiting for all of
its bytes where the profile's blocking ``send`` does); ``fstat`` gives ``S_IFSOCK`` and the size
as that OS builds them; ``io.open`` layers the standard buffered and text classes over a raw
stream of these calls, as ``FileIO`` is layered over the real ones. asyncio's
``connect_write_pipe`` over a socket (``io.open(sock.detach(), 'wb')``) runs on them.

Not the OS's, by design: ``st_ino`` is the socket's first descriptor number, ``st_dev`` 0, the
times 0 (Linux's and the BSDs' are 0 too), ``st_blksize`` 4096 (Linux's, observed; the BSDs give
the send buffer's size). Refused (``NotImplementedError``): the windows profile (a socket is a
handle there, not a C runtime descriptor), modes with ``+`` or ``a``, and ``fstat`` of a socket
whose connection is being made or failed on the BSDs.
"""

from __future__ import annotations

import operator
import os
import stat
from collections.abc import Callable
from typing import Any, Optional

from . import pipes, unixdgram
from .buffers import bytes_view
from .kernel import DGRAM, KernelError, KSock, NotModelled, WouldBlock
from .simsocket import SimHost, o_nonblock, raise_errno, returns_count_after_error

__all__ = ["MODELS", "socket_of"]


def _socket(net: SimHost, fd: int, call: str) -> KSock:
    if net.profile.socket_file_io is None:
        raise NotModelled(f"{call} on a simulated socket's descriptor on {net.profile.name}")
    return socket_of(net, fd, call)


def socket_of(net: SimHost, fd: int, call: str) -> KSock:
    """The socket behind descriptor ``fd`` for ``call``: EBADF for a closed number, and
    ``NotImplementedError`` for a simulated number that is no socket."""
    net.enter()
    ks = net.kernel.fds.get(fd)
    if ks is None:
        if fd in net.kernel.released:
            raise raise_errno(net, "EBADF")
        raise NotModelled(f"{call} on a simulated descriptor that is not a socket")
    return ks


def _call(net: SimHost, ks: KSock, fd: int, what: str, op: Callable[[], Any], ready: Callable[[], bool]) -> Any:
    """``op`` as a system call on descriptor ``fd``: EAGAIN with O_NONBLOCK, else a wait in
    virtual time (restarted after a signal handler, as read(2)/write(2) are with SA_RESTART)."""
    waited = False
    while True:
        try:
            result = op()
        except KernelError as exc:
            raise raise_errno(net, exc.name) from None
        except WouldBlock:
            if o_nonblock(net, ks):
                net.scheduler.poll_point(f"{what} on the socket descriptor {fd}, which would block")
                raise raise_errno(net, "EAGAIN") from None
            net.scheduler.wait_until(ready, None, f"{what} on the socket descriptor {fd}", restartable=True)
            waited = True
            continue
        if waited:
            net.scheduler.run_interrupts()  # handlers SA_RESTART held back
        return result


def read(net: SimHost, fd: int, n: Any) -> bytes:
    """``os.read``: ``recv(n)`` with no flags."""
    n = operator.index(n)
    if n < 0:
        raise OSError(22, os.strerror(22))  # os_read_impl: EINVAL before any system call
    ks = _socket(net, fd, "os.read()")
    k = net.kernel
    data: bytes = _call(net, ks, fd, "os.read()", lambda: k.recv(ks, n), lambda: k.readable(ks))
    return data


def write(net: SimHost, fd: int, data: Any) -> int:
    """``os.write``: ``send`` with no flags (a blocking stream write waits for all of it where
    the profile's blocking ``send`` does, ``Profile.blocking_send_waits_for_all``)."""
    with bytes_view(data) as view:  # held only during the call (see bytes_view)
        return _write(net, _socket(net, fd, "os.write()"), fd, view)


def _write(net: SimHost, ks: KSock, fd: int, view: memoryview) -> int:
    k, p = net.kernel, net.profile
    if ks.kind == DGRAM:
        if ks.unix:
            return int(
                _call(
                    net,
                    ks,
                    fd,
                    "os.write()",
                    lambda: unixdgram.send(k, ks, view, None),
                    lambda: unixdgram.has_room(k, ks, None),
                )
            )
        return int(_call(net, ks, fd, "os.write()", lambda: k.send(ks, view), lambda: k.writable(ks)))
    whole = p.blocking_send_waits_for_all and not o_nonblock(net, ks)
    sent = 0
    while True:
        try:
            with view[sent:] as rest:
                sent += int(_call(net, ks, fd, "os.write()", lambda: k.send(ks, rest), lambda: k.writable(ks)))
        except OSError:
            if sent and returns_count_after_error(net, "os.write", p.send_error_after_partial):
                return sent
            raise
        if sent >= len(view) or not whole:
            return sent


def fstat(net: SimHost, fd: int) -> os.stat_result:
    """``os.fstat``: ``S_IFSOCK``, with the permission bits and size as ``Profile.socket_file_io`` says."""
    ks = _socket(net, fd, "os.fstat()")
    mode, size = _mode_and_size(net, ks)
    fields = (mode, ks.fd, 0, 1, os.getuid(), os.getgid(), size, 0, 0, 0)
    return os.stat_result(fields, {"st_blksize": 4096, "st_blocks": 0, "st_rdev": 0})


def _mode_and_size(net: SimHost, ks: KSock) -> tuple[int, int]:
    if net.profile.socket_file_io == "fixed":
        return stat.S_IFSOCK | 0o777, 0
    # "by-state": read bits unless nothing more can be received (and nothing is left), write
    # bits unless nothing more can be sent, size the unread bytes; a listener gets neither.
    if ks.listening:
        return stat.S_IFSOCK, 0
    if ks.kind == DGRAM:
        readable = 0 if ks.read_shut and not ks.dgrams else 0o444
        return stat.S_IFSOCK | readable | (0 if ks.write_shut else 0o222), ks.dgram_bytes
    t = ks.tcb
    if t is None:
        if ks.connecting or ks.connect_error:
            raise NotModelled(f"os.fstat() of a socket whose connection is being made or failed on {net.profile.name}")
        return stat.S_IFSOCK | 0o666, 0
    gone = t.reset or t.state == "CLOSED"
    no_more_in = gone or t.fin_received or t.read_shut
    no_more_out = gone or t.shut_by_app or t.fin_queued
    mode = stat.S_IFSOCK | (0 if no_more_in and not t.rcv else 0o444) | (0 if no_more_out else 0o222)
    return mode, len(t.rcv)


class _SocketIO(pipes.DescriptorIO):
    """``io.open(fd)`` of a socket's descriptor."""

    def _read(self, n: int) -> bytes:
        return read(self._net, self.fileno(), n)

    def _write(self, data: Any) -> int:
        return write(self._net, self.fileno(), data)

    def _close(self) -> None:
        if self._fd in self._net.kernel.fds:
            self._net.kernel.release(self._fd)


def open_fd(
    net: SimHost,
    fd: int,
    mode: str = "r",
    buffering: int = -1,
    encoding: Optional[str] = None,
    errors: Optional[str] = None,
    newline: Optional[str] = None,
    closefd: bool = True,
    opener: Any = None,
) -> Any:
    """``io.open(fd, ...)``/``os.fdopen``/``open``: ``io.open``'s layering (raw, buffered, text)
    over a raw stream of the socket's descriptor."""
    _socket(net, fd, "io.open()")
    raw = _SocketIO(net, fd, pipes.one_way(mode, "socket") + "b", closefd)
    return pipes.layered(raw, mode, buffering, encoding, errors, newline)


def file_io(net: SimHost, fd: int, mode: str = "r", closefd: bool = True, opener: Any = None) -> Any:
    """``io.FileIO(fd, mode)`` of a socket's descriptor: a raw stream of ``os.read`` and
    ``os.write`` on it, as ``mode`` says (``pipes.file_mode``)."""
    _socket(net, fd, "io.FileIO()")
    return _SocketIO(net, fd, pipes.file_mode(mode), closefd)


def fdopen(net: SimHost, fd: int, mode: str = "r", buffering: int = -1, *args: Any, **kwargs: Any) -> Any:
    return open_fd(net, fd, mode, buffering, *args, **kwargs)


#: "module.function" -> its model on a socket's descriptor, called as ``model(net, fd, *rest)``.
MODELS: dict[str, Callable[..., Any]] = {
    "os.read": read,
    "os.write": write,
    "os.fstat": fstat,
    "os.fdopen": fdopen,
    "io.open": open_fd,
    "builtins.open": open_fd,
    "io.FileIO": file_io,
}
