"""Raising an exception in another thread, and telling which function a thread is in.

Owns: the low-level tools that stop runaway Python code: the runner's watchdog stopping a
scenario thread, and the catalog stopping a module whose import loops (``stop_thread``). The
ctypes is kept in this one place; callers decide *when* to stop a thread.

``raise_in`` uses CPython's ``PyThreadState_SetAsyncExc`` through ctypes: the exception becomes
*pending* in the target thread and is raised there at its next check between bytecodes (a pure
loop gets it within microseconds; a thread blocked in a C call only when that call returns). A
thread has one pending slot: a second call before it lands replaces the first, and
``raise_in(ident, None)`` cancels it. On implementations without that C API (PyPy, GraalPy),
``raise_in`` returns False and does nothing: the caller must say the thread could not be stopped.
"""

from __future__ import annotations

import functools
import sys
import threading
from types import CodeType
from typing import Any, Callable, Optional

__all__ = ["RunawayStopped", "can_raise_in_threads", "inside", "raise_in", "stop_thread"]


class RunawayStopped(BaseException):
    """Raised inside a runaway thread by ``stop_thread`` (a ``BaseException``, so that an
    ``except Exception`` in the runaway code does not swallow it)."""


@functools.cache
def _set_async_exc() -> Optional[Callable[..., Any]]:
    try:
        import ctypes

        fn: Callable[..., Any] = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError, OSError):  # not CPython
        return None
    return fn


def can_raise_in_threads() -> bool:
    """Whether this Python can raise an exception in another thread."""
    return _set_async_exc() is not None


def raise_in(ident: int, exc: Optional[type[BaseException]]) -> bool:
    """Make ``exc`` pending in the thread ``ident`` (``None``: cancel a pending one).
    False when this Python cannot, or no such thread exists."""
    fn = _set_async_exc()
    if fn is None:
        return False
    import ctypes

    # Untyped arguments: None is passed as NULL, which is what "cancel" needs.
    return bool(fn(ctypes.c_ulong(ident), None if exc is None else ctypes.py_object(exc)) == 1)


def inside(ident: int, code: CodeType) -> bool:
    """Whether the thread ``ident`` is running ``code`` now (anywhere on its stack)."""
    frame = sys._current_frames().get(ident)
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


def stop_thread(thread: threading.Thread, wait: float = 1.0, attempts: int = 20) -> bool:
    """Raise ``RunawayStopped`` in ``thread`` until it ends, waiting ``wait`` seconds in all;
    True if it has ended. Repeats because code may catch even a ``BaseException``."""
    for _ in range(max(1, attempts)):
        if not thread.is_alive():
            return True
        if thread.ident is None or not raise_in(thread.ident, RunawayStopped):
            thread.join(wait)
            return not thread.is_alive()
        thread.join(wait / max(1, attempts))
    if thread.is_alive() and thread.ident is not None:
        raise_in(thread.ident, None)  # withdraw a pending exception that could not be delivered
        return False
    return True
