"""What the ``errno`` module and ``sys.platform``/``os.name`` say on the simulated OS.

Owns: two small views derived from a profile, for ``patched()`` to swap in. ``errno_view``
gives the ``errno`` module's numbers there: every socket error of the profile (on Windows the
WSA numbers, ``errno.ECONNREFUSED == 10061``, as CPython's Modules/errnomodule.c redefines
them), except the names the C runtime keeps (``Profile.errno_module_crt``: Windows' EINVAL is
22). Names the profile does not list keep the host's numbers (a documented deviation: the
simulator models socket errors, not the whole errno table). ``platform_view`` gives
``sys.platform`` and ``os.name``; it is shown only on request (``platform=True``), because it
changes what other libraries do (``subprocess``, ``asyncio``, ``os.path`` choose their code by
it), which is far more than a socket simulation should change unasked.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
from typing import TYPE_CHECKING, Any

from .profiles import Profile
from .simsocket import module_functions, socket_class_for

if TYPE_CHECKING:
    from .network import Network

__all__ = ["errno_view", "errorcode_view", "module_patches", "platform_view"]


def errno_view(profile: Profile) -> dict[str, int]:
    """``{name: number}`` to set on the ``errno`` module (only the names that differ from the host)."""
    numbers = {name: number for name, (number, _) in profile.errnos.items()}
    if "EWOULDBLOCK" not in numbers and "EAGAIN" in numbers:
        numbers["EWOULDBLOCK"] = numbers["EAGAIN"]  # POSIX systems define it as EAGAIN
    numbers.update(profile.errno_module_crt)
    return {name: number for name, number in numbers.items() if getattr(errno, name, None) != number}


def errorcode_view(profile: Profile) -> dict[int, str]:
    """``errno.errorcode`` on that OS: the host's table with the profile's numbers put in."""
    table = dict(errno.errorcode)
    view = errno_view(profile)
    for name in view:
        host = getattr(errno, name, None)
        if host is not None and table.get(host) == name:
            del table[host]
    table.update({number: name for name, number in view.items()})
    return table


def platform_view(profile: Profile) -> dict[str, str]:
    """``{"sys.platform": ..., "os.name": ...}`` on that OS."""
    return {"sys.platform": profile.sys_platform, "os.name": profile.os_name}


def module_patches(net: Network, platform: bool = False) -> list[tuple[Any, str, Any]]:
    """Every ``(module, attribute, value)`` the socket layer needs swapped in for ``net``:
    ``socket.socket`` (a class), the resolver and descriptor functions of the ``socket``
    module, the ``errno`` numbers of the simulated OS, and with ``platform`` also
    ``sys.platform`` and ``os.name``. ``patched()`` applies them and restores the originals."""
    patches: list[tuple[Any, str, Any]] = [(socket, "socket", socket_class_for(net))]
    patches += [(socket, name, fn) for name, fn in module_functions(net).items() if hasattr(socket, name)]
    numbers = errno_view(net.profile)
    patches += [(errno, name, number) for name, number in numbers.items()]
    patches.append((errno, "errorcode", errorcode_view(net.profile)))
    # socket.SocketIO (makefile) returns None on these: Lib/socket.py computes them at import.
    would_block = {numbers.get(n, getattr(errno, n)) for n in ("EAGAIN", "EWOULDBLOCK")}
    if hasattr(socket, "_blocking_errnos"):
        patches.append((socket, "_blocking_errnos", would_block))
    if platform:
        patches += [(sys, "platform", net.profile.sys_platform), (os, "name", net.profile.os_name)]
    return patches
