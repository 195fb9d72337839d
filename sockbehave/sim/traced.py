"""``TracedSocket``: a ``SimSocket`` that writes each socket call it makes into the network's trace.

Owns: which calls are recorded (the ones a lesson would show beside the segments: bind, listen,
connect, accept, send, recv, shutdown, close and their variants) and how a result or an exception
is summarised in a few words. ``Network(trace=True)`` hands these out instead of ``SimSocket``;
an untraced network never sees this class, so tracing costs it nothing.

Only the outermost call is recorded: ``connect_ex`` calling ``connect`` is one call. Sockets a
program makes with ``socket.socket(...)`` inside ``patched()`` are plain ``SimSocket`` and
their calls are not recorded (their segments are: the kernel records those).
"""

from __future__ import annotations

import builtins
import functools
import socket
from typing import Any, Callable, TypeVar, cast

from .simsocket import SimSocket

__all__ = ["TracedSocket", "summary"]

F = TypeVar("F", bound=Callable[..., Any])


def summary(value: Any) -> str:
    """A call's return value in a few words: ``b''``, ``5 bytes``, ``0``, ``ok``."""
    if value is None:
        return "ok"
    if isinstance(value, (bytes, bytearray)):
        return "b''" if not value else f"{len(value)} bytes"
    if isinstance(value, tuple) and value and isinstance(value[0], (bytes, bytearray)):
        return summary(value[0])  # recvfrom: the data is what matters
    if isinstance(value, tuple) and value and isinstance(value[0], socket.socket):
        return "new connection"
    return str(value)


def _recorded(method: F) -> F:
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self: TracedSocket, *args: Any, **kwargs: Any) -> Any:
        if self._in_call:
            return method(self, *args, **kwargs)
        self._in_call = True
        fd = self._fd
        try:
            value = method(self, *args, **kwargs)
        except Exception as exc:
            self._record(name, fd, self._exception(exc), raised=True)
            raise
        finally:
            self._in_call = False
        self._record(name, fd, summary(value))
        return value

    return cast(F, wrapper)


class TracedSocket(SimSocket):
    """A simulated socket whose calls appear in ``net.trace`` (see the module docstring)."""

    _in_call = False

    def _record(self, name: str, fd: int, result: str, raised: bool = False) -> None:
        trace = self._net.kernel.trace
        if trace is not None:
            trace.call(self._net.clock(), name, fd, self._k.local, result, raised)

    def _exception(self, exc: Exception) -> str:
        if isinstance(exc, socket.timeout) and not getattr(exc, "errno", None):
            return "timeout"
        if isinstance(exc, OSError) and exc.errno is not None:
            return f"{type(exc).__name__} {self._net.errno_name(exc.errno)}"
        return type(exc).__name__

    def _plain_class(self) -> builtins.type[SimSocket]:
        return TracedSocket  # accepted connections are traced too

    bind = _recorded(SimSocket.bind)
    listen = _recorded(SimSocket.listen)
    accept = _recorded(SimSocket.accept)
    connect = _recorded(SimSocket.connect)
    connect_ex = _recorded(SimSocket.connect_ex)
    setsockopt = _recorded(SimSocket.setsockopt)
    shutdown = _recorded(SimSocket.shutdown)
    close = _recorded(SimSocket.close)
    send = _recorded(SimSocket.send)
    sendall = _recorded(SimSocket.sendall)
    sendto = _recorded(SimSocket.sendto)
    recv = _recorded(SimSocket.recv)
    recvfrom = _recorded(SimSocket.recvfrom)
    recv_into = _recorded(SimSocket.recv_into)
    recvfrom_into = _recorded(SimSocket.recvfrom_into)
