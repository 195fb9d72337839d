"""Normalising what a socket call did into a canonical, comparable outcome.

Owns: the outcome vocabulary used by tables, reports and both backends.

An outcome is a short string plus a detail mapping:

* a returned value, rendered literally (``0``, ``b'abc'``, ``None``, ``True``); bytes longer
  than ``MAX_LITERAL_BYTES`` become ``<N bytes>``, addresses become ``<addr>`` and sockets
  ``<socket>``, because those differ between runs;
* a raised exception, as ``ClassName(ERRNO_NAME)``. The errno *name* is symbolic and POSIX
  style on every OS: Windows' ``WSAECONNRESET`` is written ``ECONNRESET``, and the number
  (10054 there, 104 on Linux, 54 on macOS) goes in the detail;
* ``timeout``: the call blocked until the bounded timeout the scenario set;
* ``not-reached``: the scenario ended before this step (set by the checker, not here).

A step that is *timed* gets a time class appended: ``ConnectionRefusedError(ECONNREFUSED)
@immediate`` or ``... @~2s``. ``timeout`` never gets one: how long it took is the bound the
scenario chose, not something the OS did (the detail keeps ``elapsed_s``).
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "IMMEDIATE_BELOW",
    "MAX_LITERAL_BYTES",
    "NOT_REACHED",
    "TIMEOUT",
    "Outcome",
    "errno_name",
    "from_exception",
    "from_value",
    "render_value",
    "time_class",
]

MAX_LITERAL_BYTES = 32
TIMEOUT = "timeout"
NOT_REACHED = "not-reached"
#: A call that returns within this many seconds is "immediate". Large enough to stay right
#: with both cores busy; small enough to tell apart Windows' ~2 s connection-refused retries.
IMMEDIATE_BELOW = 0.25


@dataclass(frozen=True)
class Outcome:
    """One step's canonical outcome (``text``) and what was left out of it (``detail``)."""

    text: str
    detail: Mapping[str, Any] = field(default_factory=dict)


def errno_name(number: int) -> str:
    """The symbolic, POSIX-style name of an errno number on this OS (``E?`` plus the number
    when the OS has no name for it)."""
    name = errno.errorcode.get(number)
    if name is None:
        return f"E?{number}"
    # CPython on Windows reports WSA codes (10054) and names them WSAE...; the POSIX name
    # is the portable spelling, and the number stays in the detail.
    if name.startswith("WSAE"):
        return name[3:]
    return name


def time_class(seconds: float) -> str:
    """``immediate``, or ``~N s`` rounded to the nearest half second."""
    if seconds < IMMEDIATE_BELOW:
        return "immediate"
    halves = max(1, round(seconds * 2))
    value = halves / 2
    return f"~{value:g}s"


def _looks_like_address(value: tuple[Any, ...]) -> bool:
    return len(value) in (2, 4) and isinstance(value[0], str) and isinstance(value[1], int)


def render_value(value: Any) -> str:
    """Render a returned value canonically (see the module docstring)."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        size = memoryview(value).nbytes  # without a copy: a step may return megabytes
        if size <= MAX_LITERAL_BYTES:
            return repr(bytes(value))
        return f"<{size} bytes>"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, tuple):
        if _looks_like_address(value):
            return "<addr>"
        return "(" + ", ".join(render_value(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(render_value(v) for v in value) + "]"
    if hasattr(value, "fileno") and hasattr(value, "family"):
        return "<socket>"
    return f"<{type(value).__name__}>"


def from_value(value: Any) -> Outcome:
    detail: dict[str, Any] = {}
    if isinstance(value, (bytes, bytearray, memoryview)):
        detail["length"] = memoryview(value).nbytes
    elif isinstance(value, tuple) and value and isinstance(value[0], (bytes, bytearray)):
        detail["length"] = len(value[0])
    return Outcome(render_value(value), detail)


def from_exception(exc: BaseException, name_errno: Callable[[int], str] = errno_name) -> Outcome:
    """Normalise an exception raised by a socket call; ``name_errno`` names errno numbers the
    way the OS that raised it does (the simulator shows other OSes' numbers)."""
    if isinstance(exc, socket.timeout) and getattr(exc, "errno", None) is None:
        return Outcome(TIMEOUT, {"message": str(exc)})
    cls = type(exc).__name__
    number = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    if isinstance(number, int):
        detail: dict[str, Any] = {"errno": number, "message": getattr(exc, "strerror", None) or str(exc)}
        winerror = getattr(exc, "winerror", None)
        if winerror is not None:
            detail["winerror"] = winerror
        return Outcome(f"{cls}({name_errno(number)})", detail)
    return Outcome(cls, {"message": str(exc)})
