"""Which real sockets of this process listen, so that a simulated client never gets a false answer.

Owns: a record of the real (not simulated) sockets this process put in the listening state
since ``watch()`` (``socket.socket.listen``, wrapped once, when the first ``patched()`` block
opens, or when a pytest session run with ``--sockbehave-sim`` starts; asyncio's and
socketserver's servers listen through it), and the question ``listening(host, port)``. A
server started outside the simulation (by a class- or module-scoped pytest fixture, say, or
between two ``patched()`` blocks) is real, and a simulated socket cannot reach it: in the simulation nothing listens on that port, so a
connect would be refused, which is not what the program would see. ``patched()`` asks here
first and raises ``NotImplementedError`` naming the real server instead. (A server started
before the first block of a plain script is not known: its port is refused as any other.)

Only this process's own listeners count, never the machine's: an unrelated program listening
on a port must not change what a simulated program sees.
"""

from __future__ import annotations

import socket
import weakref
from typing import Any, Optional

__all__ = ["listening", "watch"]

_LISTENING: weakref.WeakSet[socket.socket] = weakref.WeakSet()
_watching = False
#: The attribute of the installed wrapper that holds its record, so that a second copy of this
#: module (pytest's pytester re-imports modules) records into the same set.
_RECORD = "_sockbehave_listening"


def watch(real_class: type[socket.socket]) -> None:
    """Start recording the listening sockets of ``real_class`` (the real ``socket.socket``),
    for the rest of the process; idempotent. Not while another wrapper of ``listen`` is on
    (the real backend's loopback guard, which puts back what it found when it is done): this
    one would cover it, so ``patched()`` tries again when its next block opens."""
    global _LISTENING, _watching
    if _watching:
        return
    current = vars(real_class).get("listen")
    if current is not None:
        record = getattr(current, _RECORD, None)
        if record is not None:  # installed by another copy of this module: share its record
            _LISTENING, _watching = record, True
        return  # else another wrapper is on now (the loopback guard's): not over it
    real = real_class.listen
    record = _LISTENING

    def listen(self: socket.socket, *args: Any) -> None:
        real(self, *args)
        record.add(self)

    listen.__doc__ = real.__doc__
    setattr(listen, _RECORD, record)
    real_class.listen = listen  # type: ignore[method-assign,assignment]
    _watching = True


def listening(host: str, port: int) -> Optional[str]:
    """``"host:port"`` of a live real listener of this process that a TCP connection to
    ``host`` (a loopback address) on ``port`` would reach, or None."""
    for sock in list(_LISTENING):
        try:
            bound = sock.getsockname()
        except OSError:  # closed
            continue
        if isinstance(bound, tuple) and bound[1] == port and _reaches(sock, bound[0], host):
            return f"{bound[0]}:{bound[1]}"
    return None


def _reaches(sock: socket.socket, bound: str, host: str) -> bool:
    if bound == host:
        return True
    to_v6 = ":" in host
    if sock.family == socket.AF_INET:
        return not to_v6 and bound == "0.0.0.0"  # noqa: S104 - compared with, not bound to
    if sock.family != socket.AF_INET6 or bound != "::":
        return False
    if to_v6:
        return True
    try:  # a dual-stack wildcard takes IPv4 too
        return not sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
    except (OSError, AttributeError):
        return True  # not known: say the real server may be there rather than refuse
