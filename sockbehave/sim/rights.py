"""Descriptors passed over AF_UNIX stream sockets (``SCM_RIGHTS``), at the socket layer.

Owns: reading ``sendmsg``'s ``SCM_RIGHTS`` items as the kernel reads them (the data is native
ints; a partial int is ignored; more than ``ScmRights.max_fds`` is EINVAL), holding a real
descriptor while it is in flight (a duplicate, so the sender may close its own), and building
``recvmsg``'s ancillary data from what a read took. The kernel carries what is passed
(``Kernel.take_rights``, ``install_rights``): a simulated socket as one more reference to it,
a real descriptor as a ``HeldDescriptor`` from here. The facts are
``UnixPairFacts.scm_rights``; where a profile has none, ancillary data stays
``NotImplementedError``, as do other kinds of it (``SCM_CREDENTIALS``, ...) and other sockets.
"""

from __future__ import annotations

import array
import os
import socket
from typing import Any

from .kernel import STREAM, Kernel, KernelError, KSock, NotModelled, Passed

__all__ = ["ancillary", "take"]

_SCM_RIGHTS = getattr(socket, "SCM_RIGHTS", 1)  # 1 on Linux and the BSDs


class _RealDescriptor:
    """A duplicate of a real descriptor, in flight (``HeldDescriptor``)."""

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def copy(self) -> _RealDescriptor:
        return _RealDescriptor(os.dup(self.fd))

    def install(self, cloexec: bool) -> int:
        """The program now owns the duplicate: inheritable, as a received descriptor is, unless
        the read asked for close-on-exec."""
        os.set_inheritable(self.fd, not cloexec)
        return self.fd

    def close(self) -> None:
        os.close(self.fd)


def _hold(fd: int) -> _RealDescriptor:
    try:
        return _RealDescriptor(os.dup(fd))
    except OSError:
        raise KernelError("EBADF") from None


def take(kernel: Kernel, ks: KSock, items: list[Any], os_name: str) -> list[Passed]:
    """The descriptors ``sendmsg``'s ancillary ``items`` pass, taken for flight; ``KernelError``
    (EINVAL, EBADF) as the kernel refuses them, before anything is sent."""
    facts = ks.tcb.unix.scm_rights if ks.tcb is not None and ks.tcb.unix is not None else None
    if facts is None or ks.kind != STREAM:
        where = "an AF_UNIX stream socket" if ks.unix else "a socket that is not AF_UNIX"
        raise NotModelled(f"sendmsg() ancillary data on {where} on {os_name}")
    fds: list[int] = []
    for level, kind, data in items:
        if level != socket.SOL_SOCKET or kind != _SCM_RIGHTS:
            raise NotModelled(f"sendmsg() ancillary data other than SCM_RIGHTS (level {level}, type {kind})")
        raw = bytes(memoryview(data))
        count = len(raw) // facts.fd_size  # a partial int is ignored
        if count > facts.max_fds or len(fds) + count > facts.max_fds:
            raise KernelError("EINVAL")
        numbers = array.array("i")
        numbers.frombytes(raw[: count * facts.fd_size])
        fds.extend(numbers)
    return kernel.take_rights(fds, _hold)


def ancillary(kernel: Kernel, ks: KSock, room: int, cloexec: bool) -> tuple[list[tuple[int, int, bytes]], bool]:
    """``recvmsg``'s ancillary data for what the read took (installed as far as ``room`` bytes
    hold them), and whether some did not fit (MSG_CTRUNC)."""
    numbers, truncated = kernel.install_rights(ks, room, cloexec)
    data = [(socket.SOL_SOCKET, _SCM_RIGHTS, array.array("i", numbers).tobytes())] if numbers else []
    return data, truncated
