"""Descriptor-level calls on a simulated number: the flags a program reads and sets, and sendfile.

Owns: what ``fcntl.fcntl`` (F_GETFL/F_SETFL with O_NONBLOCK, F_GETFD/F_SETFD with FD_CLOEXEC),
``os.get_blocking``/``set_blocking``, ``os.get_inheritable``/``set_inheritable``,
``os.close``/``dup``/``dup2`` (between simulated descriptors; a closed number may be given a
socket again, as a real kernel reuses numbers) and ``os.sendfile`` (a real file into a
non-blocking TCP socket) do when a simulated thread passes them a simulated socket's
descriptor (``patching`` routes them here). The flag calls act on a simulated pipe's end too
(O_NONBLOCK on the end, F_GETFL with its access mode); ``model_of`` sends every other call on a
pipe's number (``os.read``, ``os.write``, ``os.close``, ``os.fstat``, ``io.open``...) to ``pipes``.
The state lives in the kernel: O_NONBLOCK on the socket (``KSock.nonblock``, shared by ``dup``'d
descriptors, as a real open file description), FD_CLOEXEC per descriptor
(``Kernel.inheritable``). CPython's ``setblocking``/``settimeout`` set O_NONBLOCK whenever the
socket has a timeout (``simsocket``); a flag set here changes what later calls do at the OS
level while ``gettimeout()`` keeps saying what it said, as on a real socket.

Flag numbers are the host's ``os``/``fcntl`` constants: those are what the program compares
against. Never modelled here: any other ``fcntl`` command, the other F_SETFL flags (O_APPEND,
O_ASYNC, O_DIRECT, O_NOATIME), ``ioctl``, ``flock``, ``lockf``, and every call on a profile
whose sockets are no descriptors (``Profile.socket_descriptor_flags``): they raise
``NotImplementedError`` naming themselves.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable
from typing import Any, Optional

from . import pipes, sockfile
from .kernel import FD_BASE, STREAM, KernelError, KSock, NotModelled, WouldBlock
from .pipes import PipeEnd
from .simsocket import SimHost, o_nonblock, raise_errno

__all__ = ["model_of"]

#: F_SETFL flags a real kernel would change besides O_NONBLOCK (fcntl(2)); the host's values.
_OTHER_STATUS_FLAGS = 0
for _name in ("O_APPEND", "O_ASYNC", "O_DIRECT", "O_NOATIME"):
    _OTHER_STATUS_FLAGS |= getattr(os, _name, 0)


def _socket(net: SimHost, fd: int, call: str) -> KSock:
    if not net.profile.socket_descriptor_flags:
        raise NotModelled(f"{call} on a simulated socket's descriptor on {net.profile.name}")
    return sockfile.socket_of(net, fd, call)


def _flagged(net: SimHost, fd: int, call: str) -> KSock | PipeEnd:
    """The socket or pipe end whose flags ``call`` reads or sets."""
    net.enter()
    end = pipes.end_of(net, fd)
    if end is None:
        return _socket(net, fd, call)
    if not net.profile.pipes.flags:
        raise NotModelled(f"{call} on a simulated pipe's descriptor on {net.profile.name}")
    return end


def _nonblock(net: SimHost, found: KSock | PipeEnd) -> bool:
    return found.nonblock if isinstance(found, PipeEnd) else o_nonblock(net, found)


#: Linux's pipe-size commands (include/uapi/linux/fcntl.h: F_LINUX_SPECIFIC_BASE 1024 + 8 and + 7;
#: ``fcntl.F_GETPIPE_SZ``/``F_SETPIPE_SZ`` from Python 3.10), named when refused.
_PIPE_SIZE_COMMANDS = {1032: "F_GETPIPE_SZ", 1031: "F_SETPIPE_SZ"}


def fcntl(net: SimHost, fd: int, cmd: int, arg: Any = 0) -> int:
    import fcntl as host  # only called where the host has it (patching swaps nothing else)

    found = _flagged(net, fd, "fcntl.fcntl()")
    what = "a simulated pipe's" if isinstance(found, PipeEnd) else "a simulated socket's"
    if cmd == host.F_GETFL:
        access = found.access if isinstance(found, PipeEnd) else os.O_RDWR
        return access | (os.O_NONBLOCK if _nonblock(net, found) else 0)
    if cmd == host.F_GETFD:
        return 0 if fd in net.kernel.inheritable else host.FD_CLOEXEC
    if cmd not in (host.F_SETFL, host.F_SETFD):
        named = _PIPE_SIZE_COMMANDS.get(cmd, f"command {cmd}")
        raise NotModelled(f"fcntl.fcntl() {named} on {what} descriptor")
    if not isinstance(arg, int):
        raise NotModelled(f"fcntl.fcntl() command {cmd} with a buffer argument on {what} descriptor")
    if cmd == host.F_SETFD:
        net.kernel.set_inheritable(fd, not arg & host.FD_CLOEXEC)
        return 0
    if arg & _OTHER_STATUS_FLAGS:
        raise NotModelled(
            f"fcntl F_SETFL flags {arg & _OTHER_STATUS_FLAGS:#o} (other than O_NONBLOCK) on {what} descriptor"
        )
    found.nonblock = bool(arg & os.O_NONBLOCK)  # the access mode and creation flags are ignored (fcntl(2))
    return 0


def get_blocking(net: SimHost, fd: int) -> bool:
    return not _nonblock(net, _flagged(net, fd, "os.get_blocking()"))


def set_blocking(net: SimHost, fd: int, blocking: bool) -> None:
    _flagged(net, fd, "os.set_blocking()").nonblock = not blocking


def get_inheritable(net: SimHost, fd: int) -> bool:
    _flagged(net, fd, "os.get_inheritable()")
    return fd in net.kernel.inheritable


def set_inheritable(net: SimHost, fd: int, inheritable: bool) -> None:
    _flagged(net, fd, "os.set_inheritable()")
    net.kernel.set_inheritable(fd, inheritable)


def sendfile(net: SimHost, out_fd: int, in_fd: int, offset: Optional[int], count: int) -> int:
    """``os.sendfile`` from a real file into a simulated TCP socket with O_NONBLOCK set (what
    asyncio's ``loop.sendfile`` does): as sendfile(2), it takes what fits in the send buffer,
    or fails with EAGAIN when nothing does, and reads the file at ``offset`` (the file position
    stays) or, with ``offset=None``, at its position, which moves by what was sent."""
    if not net.profile.os_sendfile:
        raise NotModelled(f"os.sendfile() on {net.profile.name}, whose CPython has none")
    if pipes.end_of(net, out_fd) is not None:
        raise NotModelled("os.sendfile() into a simulated pipe")
    ks = _socket(net, out_fd, "os.sendfile()")
    if in_fd >= FD_BASE:
        raise NotModelled("os.sendfile() from a simulated socket's descriptor")
    if ks.kind != STREAM or not o_nonblock(net, ks):
        raise NotModelled("os.sendfile() into a blocking or datagram simulated socket")
    start = os.lseek(in_fd, 0, os.SEEK_CUR) if offset is None else offset
    data = os.pread(in_fd, count, start)
    if not data:
        return 0
    try:
        sent = net.kernel.send(ks, data)
    except WouldBlock:
        raise raise_errno(net, "EAGAIN") from None
    except KernelError as exc:
        raise raise_errno(net, exc.name) from None
    if offset is None:
        os.lseek(in_fd, start + sent, os.SEEK_SET)
    return sent


def close(net: SimHost, fd: int) -> None:
    """``os.close``: the descriptor goes; the socket closes with its last one (a socket object
    still holding the number then fails its own close with EBADF, as on a real socket)."""
    _socket(net, fd, "os.close()")
    net.kernel.release(fd)


def dup(net: SimHost, fd: int) -> int:
    """``os.dup``: a new, non-inheritable number for the same socket (PEP 446)."""
    _socket(net, fd, "os.dup()")
    return net.kernel.dup(fd)


def dup2(net: SimHost, fd: int, fd2: int, inheritable: bool = True) -> int:
    """``os.dup2`` between simulated descriptors: ``fd2`` (closed first if open, even a number
    that was closed before) names ``fd``'s socket, inheritable unless ``inheritable=False``.
    Onto a real descriptor (``dup2(sock.fileno(), 1)``, an inetd-style redirect) is refused."""
    _socket(net, fd, "os.dup2()")
    if fd2 != fd:
        pipes.vacate(net, fd2, "socket")  # what fd2 was, a pipe's end too, is closed
    try:
        net.kernel.dup2(fd, fd2)
    except KernelError as exc:
        raise raise_errno(net, exc.name) from None
    net.kernel.set_inheritable(fd2, bool(inheritable))
    return fd2


def fchmod(net: SimHost, fd: int, mode: int) -> None:
    """``os.fchmod`` of a socket's descriptor, as ``Profile.socket_fchmod`` says (Linux: it
    succeeds on the socket's own inode, and a bound AF_UNIX path keeps its mode; the BSDs:
    EINVAL, a socket has no vnode)."""
    mode = operator.index(mode)  # CPython's "i" argument: TypeError for anything else
    _socket(net, fd, "os.fchmod()")
    rule = net.profile.socket_fchmod
    if rule is None:
        raise NotModelled(f"os.fchmod() of a socket's descriptor on {net.profile.name}")
    if rule != "no-effect":
        raise raise_errno(net, rule)


#: "module.function" -> its model, called as ``model(net, fd, *rest_of_the_arguments)``.
_MODELLED: dict[str, Callable[..., Any]] = {
    "os.close": close,
    "os.dup": dup,
    "os.dup2": dup2,
    "os.sendfile": sendfile,
    "os.fchmod": fchmod,
    "fcntl.fcntl": fcntl,
    "os.get_blocking": get_blocking,
    "os.set_blocking": set_blocking,
    "os.get_inheritable": get_inheritable,
    "os.set_inheritable": set_inheritable,
    **sockfile.MODELS,
}


def model_of(module: str, name: str) -> Callable[..., Any]:
    """The model of ``module.name`` on a simulated descriptor: a pipe end's number goes to
    ``pipes`` where it models the call, anything else to the socket model (the flag calls
    take both); a call neither models raises ``NotImplementedError`` naming the kind of
    descriptor, and on a closed number EBADF."""
    key = f"{module}.{name}"
    if key == "os.stat":
        return _stat_of_a_descriptor(model_of("os", "fstat"))
    on_socket, on_pipe = _MODELLED.get(key), pipes.MODELS.get(key)

    def call(net: SimHost, fd: int, *args: Any, **kwargs: Any) -> Any:
        net.enter()
        end = pipes.end_of(net, fd)
        if end is not None and on_pipe is not None:
            return on_pipe(net, end, fd, *args, **kwargs)
        if end is not None and on_socket is None:
            raise NotModelled(f"{key}() on a simulated pipe's descriptor")
        if on_socket is None:
            if fd in net.kernel.released:
                raise raise_errno(net, "EBADF")
            raise NotModelled(f"{key}() on a simulated socket's descriptor")
        return on_socket(net, fd, *args, **kwargs)

    return call


def _stat_of_a_descriptor(fstat: Callable[..., Any]) -> Callable[..., Any]:
    """``os.stat(fd)`` is ``os.fstat(fd)`` (os.stat: "path may be ... an open file descriptor"),
    with its keywords checked as CPython's path_converter checks them."""

    def stat(net: SimHost, fd: int, *, dir_fd: Optional[int] = None, follow_symlinks: bool = True) -> Any:
        if dir_fd is not None:
            raise ValueError("stat: can't specify both dir_fd and fd")
        if not follow_symlinks:
            raise ValueError("stat: cannot use fd and follow_symlinks together")
        return fstat(net, fd)

    return stat
