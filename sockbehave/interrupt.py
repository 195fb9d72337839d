"""Raising an exception in another thread, and telling which function a thread is in.

Owns: the two low-level tools the runner's watchdog uses to stop a runaway scenario thread, kept
apart so that the ctypes is in one place. It makes no decision about *when* to stop a thread.

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
from types import CodeType
from typing import Any, Callable, Optional

__all__ = ["can_raise_in_threads", "inside", "raise_in"]


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
