"""AF_UNIX names on a simulated host: what a path or an abstract name given to ``bind`` or
``connect`` refers to (``Kernel.unix_bind``, ``Kernel.unix_connect`` take the key made here).

Owns: checking an AF_UNIX address as CPython does, and the file system's part. A path is a
file, on the real file system, as on a real host: ``bind`` makes the socket file (it binds a
real AF_UNIX socket there, never listening, and closes it again; the file stays, as it does
after a real socket closes), so ``os.path.exists``, ``os.stat`` and ``os.unlink`` see what they
would, and the file system's own errors (EADDRINUSE for a file already there, ENOENT, EACCES)
are the real ones. The file's inode is the key. ``connect`` looks the file up: missing is
ENOENT, not a socket is ECONNREFUSED, a socket file this simulation made whose socket is gone
is ECONNREFUSED, and a socket file of a real process is ``NotImplementedError`` (the
simulation cannot reach it). An abstract name (a leading NUL byte) exists only where the
profile says (``UnixPairFacts.abstract_names``, Linux) and only inside the simulation.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
from typing import Any

from .kernel import Kernel, KernelError, NotModelled

__all__ = ["bind_key", "connect_key"]

_REAL_SOCKET = socket.socket


def _name(kernel: Kernel, address: Any, what: str) -> tuple[str, bool]:
    """The address as CPython takes it (str or bytes-like, at most ``sun_path`` bytes): the
    name, and whether it is abstract."""
    if isinstance(address, str):
        raw = os.fsencode(address)
    elif isinstance(address, (bytes, bytearray, memoryview)):
        raw = bytes(address)
    else:
        raise TypeError(f"{what}(): AF_UNIX address must be str or bytes, not {type(address).__name__}")
    facts = kernel.profile.unix_pairs
    assert facts is not None
    if len(raw) > facts.sun_path:
        raise OSError("AF_UNIX path too long")
    abstract = raw[:1] == b"\0"
    if abstract and not facts.abstract_names:
        raise NotModelled(f"an AF_UNIX name with a leading NUL byte on {kernel.profile.name}")
    if not raw or (not abstract and b"\0" in raw):
        raise NotModelled(f"the AF_UNIX address {address!r} given to {what}()")
    return os.fsdecode(raw), abstract


def _file_error(kernel: Kernel, exc: OSError) -> Exception:
    """A real file-system error, by name (the socket layer raises it as the simulated OS does)."""
    name = errno.errorcode.get(exc.errno or 0, "")
    if name not in kernel.profile.errnos:
        return NotModelled(f"the file-system error {name or exc.errno} of an AF_UNIX path on {kernel.profile.name}")
    return KernelError(name)


def bind_key(kernel: Kernel, address: Any) -> tuple[object, str]:
    """The key and the shown name for ``bind``; a path's socket file is made here."""
    name, abstract = _name(kernel, address, "bind")
    if abstract:
        return ("abstract", name), name
    host_family = getattr(socket, "AF_UNIX", None)
    if host_family is None:  # a Windows host's CPython: no real socket file can be made
        raise NotModelled(f"an AF_UNIX path ({name!r}) on a host whose Python has no AF_UNIX")
    placeholder = _REAL_SOCKET(host_family, socket.SOCK_STREAM)
    try:
        placeholder.bind(name)
        st = os.stat(name)
    except OSError as exc:
        raise _file_error(kernel, exc) from None
    finally:
        placeholder.close()
    return (st.st_dev, st.st_ino), name


def connect_key(kernel: Kernel, address: Any, what: str = "connect") -> object:
    """The key of the name ``connect`` (or a datagram socket's ``sendto``) asks for."""
    name, abstract = _name(kernel, address, what)
    if abstract:
        key: object = ("abstract", name)
        if not kernel.unix_bound(key):
            raise KernelError("ECONNREFUSED")
        return key
    try:
        st = os.stat(name)
    except OSError as exc:
        raise _file_error(kernel, exc) from None
    key = (st.st_dev, st.st_ino)
    if not stat.S_ISSOCK(st.st_mode):
        raise KernelError("ECONNREFUSED")
    if key not in kernel.unix_made:
        raise NotModelled(f"{what}() to {name!r}, an AF_UNIX socket of a real process outside the simulation")
    return key
