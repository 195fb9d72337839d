"""Stopping a runaway Python thread from outside, where the interpreter allows it.

Owns: raising an exception asynchronously in another thread (CPython's
``PyThreadState_SetAsyncExc``), so a thread stuck in pure-Python code, such as a
``while True: pass`` in a scenario or a catalog module, ends instead of burning a core for the
rest of the process. It cannot interrupt a thread blocked inside one long C call until that
call returns, and on interpreters without the C API (PyPy) it does nothing and says so.
"""

from __future__ import annotations

import ctypes
import threading

__all__ = ["RunawayStopped", "stop_thread"]


class RunawayStopped(BaseException):
    """Raised inside a runaway thread to end it (a ``BaseException``, so ``except Exception``
    in the runaway code does not swallow it)."""


def stop_thread(thread: threading.Thread, wait: float = 1.0, attempts: int = 20) -> bool:
    """Raise ``RunawayStopped`` in ``thread`` until it ends, waiting ``wait`` seconds in all;
    True if it has ended. Repeats because code may catch even a ``BaseException``."""
    ident = thread.ident
    set_async = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if ident is None or set_async is None:
        thread.join(wait)
        return not thread.is_alive()
    for _ in range(max(1, attempts)):
        if not thread.is_alive():
            return True
        set_async(ctypes.c_ulong(ident), ctypes.py_object(RunawayStopped))
        thread.join(wait / max(1, attempts))
    if thread.is_alive():
        set_async(ctypes.c_ulong(ident), None)  # withdraw a pending exception we could not deliver
        return False
    return True
