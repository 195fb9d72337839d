"""The exception CPython raises for a socket error on the simulated OS.

Owns: ``exception_for(profile, name)``, for an errno name of the profile:

- the ``OSError`` subclass CPython picks from the errno (Objects/exceptions.c, ``errnomap``);
- its ``errno``: the OS's number (``Profile.errnos``), except where ``Profile.exception_errnos``
  says otherwise (CPython on Windows gives WSAEINVAL, 10022, errno 22);
- on Windows (``Profile.sets_winerror``), ``winerror`` (the Winsock code) and the arguments
  ``PyErr_SetExcFromWindowsErr`` gives, (errno, message, None, winerror, None), so ``repr``
  reads as there.

Not the text: a Windows build prints ``[WinError 10061] No connection could be made ...``
(Objects/exceptions.c ``OSError_str``, a branch only Windows compiles); here it is
``[Errno 10061] ...``. Only a subclass could print it, and ``type(e) is ConnectionRefusedError``
would then be false: a program's behaviour matters more than its message (docs/simulator.md).
"""

from __future__ import annotations

from typing import Any

from .profiles import Profile

__all__ = ["exception_for"]

# CPython picks the OSError subclass from the errno (Objects/exceptions.c, errnomap).
_CLASSES: dict[str, type[OSError]] = {
    "EAGAIN": BlockingIOError,
    "EWOULDBLOCK": BlockingIOError,
    "EALREADY": BlockingIOError,
    "EINPROGRESS": BlockingIOError,
    "EPIPE": BrokenPipeError,
    "ESHUTDOWN": BrokenPipeError,
    "ECONNABORTED": ConnectionAbortedError,
    "ECONNREFUSED": ConnectionRefusedError,
    "ECONNRESET": ConnectionResetError,
    "EACCES": PermissionError,
    "EPERM": PermissionError,
    "ETIMEDOUT": TimeoutError,
}


def exception_for(profile: Profile, name: str) -> OSError:
    """What CPython raises on ``profile``'s OS for errno ``name`` (the caller raises it)."""
    name = profile.errno_aliases.get(name, name)
    number, message = profile.errnos[name]
    cls = _CLASSES.get(name, OSError)
    if not profile.sets_winerror:
        return cls(number, message)
    args: tuple[Any, ...] = (profile.exception_errnos.get(name, number), message, None, number, None)
    exc = cls(*args)
    exc.winerror = number  # type: ignore[attr-defined]  # a member of OSError on Windows builds only
    return exc
