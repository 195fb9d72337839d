"""Cooperative threading for simulated tasks: locks, condition variables, threads, virtual time.

Owns: what a simulated thread gets when it uses ``threading``, ``_thread``, ``queue`` and
``time``. The standard library's pure-Python primitives (``Condition``, ``Event``,
``Semaphore``, ``BoundedSemaphore``, ``Barrier``, ``Timer``, ``queue.Queue`` and its
subclasses, ``queue``'s pure-Python ``SimpleQueue``, ``concurrent.futures``) are all built on
four things: ``Lock``/``RLock``, ``Condition.wait``/``notify``, ``time.monotonic`` and
``Thread.start``/``join``. This module supplies simulated versions of exactly those (plus
``_thread.start_new_thread`` and ``time.sleep``/``time``/``perf_counter``), so the standard
library's own code runs unchanged on top of them, with CPython's semantics, and every object
keeps its real class. Each replacement dispatches on the calling thread: a simulated task
(``clock.current_task()``) waits in virtual time under its scheduler; any other thread
(pytest's, a logging handler's) gets the real thing. ``patching`` decides when they are
installed; nothing here touches a module.

Deviations, by design:
- A lock created *outside* a simulated thread (at import time, say) is a real lock. A
  simulated thread that blocks on one while another simulated thread holds it blocks for
  real, holding the baton; the scheduler stops such a simulation after a bounded real time
  and names the thread (``Scheduler._blocked_for_real``). The standard library only holds
  such locks for a few instructions.
- A simulated thread waiting on something only a thread outside the simulation can do
  (notify a condition, release a lock) is reported as a deadlock when nothing else can run:
  the simulation cannot know when, in real time, that will happen.
- ``time.time()`` is the network's ``epoch`` plus virtual seconds (the real wall clock read
  once when the network was made, unless pinned: ``patched(epoch=...)``),
  ``monotonic``/``perf_counter`` are the virtual seconds themselves.
- An exception escaping a ``_thread.start_new_thread`` function is printed as CPython's
  default unraisable hook prints it; a custom ``sys.unraisablehook`` is not called.
- ``Thread.start()`` runs the new thread until it first waits (CPython's waits for the
  thread's start-up, and the GIL usually lets a short thread finish first); a real stack
  would preempt a thread that runs longer than the switch interval (5 ms).
"""

from __future__ import annotations

import _thread
import contextlib
import functools
import os
import queue
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable
from types import FrameType, GenericAlias
from typing import Any, Optional

from .clock import Scheduler, current_task, outside

__all__ = [
    "SimLock",
    "SimRLock",
    "SimpleQueue",
    "condition_patches",
    "describe_wait",
    "make_lock",
    "make_rlock",
    "start_new_thread_patch",
    "thread_patches",
    "time_patches",
]

_real_allocate_lock = _thread.allocate_lock
_real_rlock: Callable[[], Any] = threading.RLock
_WAITERS = "_sockbehave_sim_waiters"
_TASK = "_sockbehave_sim_task"

_THREAD_ENTRIES = frozenset({"run", "run_task", "_bootstrap", "_bootstrap_inner"})
#: Taken at import, as the scheduler's lock method (clock._acquire): naming a wait is the
#: simulator's own bookkeeping, which a tool that wraps os.path later must not see.
_abspath, _normcase = os.path.abspath, os.path.normcase
_OWN_DIR = os.path.normcase(os.path.dirname(os.path.abspath(__file__)))
_PLUMBING_DIRS = (
    _OWN_DIR,
    os.path.normcase(os.path.join(os.path.dirname(os.path.abspath(threading.__file__)), "concurrent")),
)
_STDLIB = os.path.dirname(os.path.abspath(threading.__file__))
_PLUMBING = {
    os.path.normcase(os.path.join(_STDLIB, name))
    for name in ("threading.py", "queue.py", "selectors.py", "socketserver.py", "socket.py")
}


@functools.cache
def _frame_kind(filename: str) -> int:
    """0: the program's own code; 1: standard-library plumbing; 2: sockbehave.sim itself."""
    path = _normcase(_abspath(filename))
    if path.startswith(_OWN_DIR):
        return 2
    return 1 if path in _PLUMBING or path.startswith(_PLUMBING_DIRS) else 0


def describe_wait(default: str) -> str:
    """``"Queue.get() at prog.py:12"``: the outermost library call the caller is inside, and
    where the program called it. ``default`` names the call when only sockbehave is involved."""
    api = default
    frame: Optional[FrameType] = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        kind = _frame_kind(code.co_filename)
        if not kind:
            return f"{api} at {os.path.basename(code.co_filename)}:{frame.f_lineno}"
        if code.co_name in _THREAD_ENTRIES:  # the bottom of a thread: nothing of the program's own below
            return api
        if kind == 1 and not code.co_name.startswith("_"):
            owner = frame.f_locals.get("self")
            api = f"{type(owner).__name__}.{code.co_name}()" if owner is not None else f"{code.co_name}()"
        frame = frame.f_back
    return api


def _scheduler() -> Optional[Scheduler]:
    """The scheduler of the calling thread, if it is a task of a patched simulation."""
    task = current_task()
    sched = None if task is None else task.scheduler
    return sched if sched is not None and sched.patched else None


# -- locks ----------------------------------------------------------------------------------
class SimLock:
    """``threading.Lock`` for a simulated thread: a real lock that waits cooperatively.

    Uncontended, it is a real lock. A simulated thread that finds it held waits in virtual
    time until it is free; a thread outside the simulation waits for real (the holder is
    released by the simulation's own progress)."""

    __slots__ = ("__weakref__", "_real")

    def __init__(self) -> None:
        self._real = _real_allocate_lock()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if timeout < 0 and timeout != -1:
            raise ValueError("timeout value must be a non-negative number")
        if self._real.acquire(False):
            return True
        if not blocking:
            return False
        sched = _scheduler()
        if sched is None:
            return bool(self._real.acquire(True, timeout))
        deadline = None if timeout == -1 else sched.clock.now + timeout
        what = describe_wait("Lock.acquire()")
        while True:
            if not sched.wait_until(lambda: not self._real.locked(), deadline, what):
                return False
            if self._real.acquire(False):
                return True

    acquire_lock = acquire

    def release(self) -> None:
        self._real.release()

    release_lock = release

    def locked(self) -> bool:
        return bool(self._real.locked())

    locked_lock = locked

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _at_fork_reinit(self) -> None:
        self._real = _real_allocate_lock()

    def __repr__(self) -> str:
        state = "locked" if self.locked() else "unlocked"
        return f"<{state} sockbehave.sim lock object at {id(self):#x}>"


class SimRLock:
    """``threading.RLock`` for a simulated thread: an owner and a count over a ``SimLock``.
    Its class says it comes from ``_thread``, as the C lock ``threading.RLock()`` makes does
    (trio asserts that its lock is that signal-safe one, not ``threading._PyRLock``)."""

    __module__ = "_thread"
    __slots__ = ("__weakref__", "_count", "_lock", "_owner")

    def __init__(self) -> None:
        self._lock = SimLock()
        self._owner: Optional[int] = None
        self._count = 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        me = threading.get_ident()
        if self._owner == me:
            self._count += 1
            return True
        if not self._lock.acquire(blocking, timeout):
            return False
        self._owner, self._count = me, 1
        return True

    def release(self) -> None:
        if self._owner != threading.get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if not self._count:
            self._owner = None
            self._lock.release()

    __enter__ = acquire

    def __exit__(self, *exc: object) -> None:
        self.release()

    # What threading.Condition uses when its lock has them.
    def _is_owned(self) -> bool:
        return self._owner == threading.get_ident()

    def _release_save(self) -> tuple[int, Optional[int]]:
        if self._count == 0:
            raise RuntimeError("cannot release un-acquired lock")
        state = (self._count, self._owner)
        self._owner, self._count = None, 0
        self._lock.release()
        return state

    def _acquire_restore(self, state: tuple[int, Optional[int]]) -> None:
        self._lock.acquire()
        self._count, self._owner = state

    def _at_fork_reinit(self) -> None:
        self._lock = SimLock()
        self._owner, self._count = None, 0

    def __repr__(self) -> str:
        state = "locked" if self._lock.locked() else "unlocked"
        return f"<{state} sockbehave.sim RLock object owner={self._owner} count={self._count} at {id(self):#x}>"


def make_lock() -> Any:
    """``threading.Lock()``: a ``SimLock`` in a simulated thread, else a real lock."""
    return SimLock() if _scheduler() is not None else _real_allocate_lock()


def make_rlock(*args: Any, **kwargs: Any) -> Any:
    """``threading.RLock()``: a ``SimRLock`` in a simulated thread, else a real one."""
    return SimRLock() if _scheduler() is not None else _real_rlock(*args, **kwargs)


# -- condition variables ---------------------------------------------------------------------
class _Waiter:
    __slots__ = ("notified",)

    def __init__(self) -> None:
        self.notified = False


def _sim_waiters(cond: threading.Condition) -> deque[_Waiter]:
    found: Optional[deque[_Waiter]] = cond.__dict__.get(_WAITERS)
    if found is None:
        found = cond.__dict__[_WAITERS] = deque()
    return found


def condition_patches(cls: type[threading.Condition]) -> dict[str, Any]:
    """Replacements for ``Condition.wait``, ``notify`` and ``notify_all`` (and ``notifyAll``):
    a simulated thread waits under the scheduler; real waiters are notified as before."""
    real_wait, real_notify = cls.wait, cls.notify

    def wait(self: threading.Condition, timeout: Optional[float] = None) -> bool:
        sched = _scheduler()
        if sched is None:
            return real_wait(self, timeout)
        if not self._is_owned():  # type: ignore[attr-defined]
            raise RuntimeError("cannot wait on un-acquired lock")
        waiter = _Waiter()
        waiters = _sim_waiters(self)
        waiters.append(waiter)
        what = describe_wait("Condition.wait()")
        saved = self._release_save()  # type: ignore[attr-defined]
        try:
            deadline = None if timeout is None else sched.clock.now + max(0.0, timeout)
            return sched.wait_until(lambda: waiter.notified, deadline, what)
        finally:
            self._acquire_restore(saved)  # type: ignore[attr-defined]
            if not waiter.notified:
                with contextlib.suppress(ValueError):
                    waiters.remove(waiter)

    def notify(self: threading.Condition, n: int = 1) -> None:
        waiters: Optional[deque[_Waiter]] = self.__dict__.get(_WAITERS)
        if not waiters:
            real_notify(self, n)
            return
        if not self._is_owned():  # type: ignore[attr-defined]
            raise RuntimeError("cannot notify on un-acquired lock")
        real = self._waiters  # type: ignore[attr-defined]
        before = len(real)
        real_notify(self, n)
        left = n - (before - len(real))
        while left > 0 and waiters:
            waiters.popleft().notified = True
            left -= 1

    def notify_all(self: threading.Condition) -> None:
        sim = self.__dict__.get(_WAITERS)
        notify(self, len(self._waiters) + (len(sim) if sim else 0))  # type: ignore[attr-defined]

    return {"wait": wait, "notify": notify, "notify_all": notify_all, "notifyAll": notify_all}


# -- threads ----------------------------------------------------------------------------------
def _report_thread_error(thread: threading.Thread, exc: BaseException) -> None:
    """What CPython's ``Thread._bootstrap_inner`` does with an escaping exception."""
    try:
        threading.excepthook(threading.ExceptHookArgs([type(exc), exc, exc.__traceback__, thread]))
    except Exception as hook_error:  # as CPython: a failing hook is reported by sys.excepthook
        sys.excepthook(type(hook_error), hook_error, hook_error.__traceback__)


def _report_unraisable(function: object, exc: BaseException) -> None:
    if isinstance(exc, SystemExit):
        return
    print(f"Exception ignored in thread started by: {function!r}", file=sys.stderr)
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)


def thread_patches(real_start: Callable[[threading.Thread], None], real_join: Callable[..., None]) -> dict[str, Any]:
    """Replacements for ``Thread.start`` and ``Thread.join``."""

    def start(self: threading.Thread) -> None:
        sched = _scheduler()
        if sched is None:
            real_start(self)
            return
        if _TASK in self.__dict__:
            raise RuntimeError("threads can only be started once")
        new = sched.new_task(self.name, daemon=self.daemon)
        self.__dict__[_TASK] = new
        body = self.run
        self.run = lambda: sched.run_task(new, body, lambda exc: _report_thread_error(self, exc))  # type: ignore[method-assign]
        with outside():  # wait for the OS thread to exist with real primitives, not the scheduler
            self._started = threading.Event()  # type: ignore[attr-defined]
            real_start(self)
        sched.run_first(new, f"Thread.start() of {self.name}")

    def join(self: threading.Thread, timeout: Optional[float] = None) -> None:
        task = self.__dict__.get(_TASK)
        sched = _scheduler()
        if task is None or sched is None or task.scheduler is not sched:
            real_join(self, timeout)
            return
        if self is threading.current_thread():
            raise RuntimeError("cannot join current thread")
        deadline = None if timeout is None else sched.clock.now + max(0.0, timeout)
        if sched.wait_until(lambda: task.done, deadline, describe_wait(f"Thread.join() of {self.name}")):
            real_join(self)  # past its last simulated step: the OS thread is ending

    return {"start": start, "join": join}


def start_new_thread_patch(real: Callable[..., int]) -> Callable[..., int]:
    """Replacement for ``_thread.start_new_thread``."""
    counter = iter(range(1, sys.maxsize))

    def start_new_thread(function: Callable[..., Any], args: Any, kwargs: Any = None) -> int:
        sched = _scheduler()
        if sched is None:
            return int(real(function, args) if kwargs is None else real(function, args, kwargs))
        if not isinstance(args, tuple):
            raise TypeError("2nd arg must be a tuple")
        if kwargs is not None and not isinstance(kwargs, dict):
            raise TypeError("optional 3rd arg must be a dictionary")
        new = sched.new_task(f"_thread-{next(counter)}", daemon=True)
        call = (lambda: function(*args, **kwargs)) if kwargs else (lambda: function(*args))
        return int(real(sched.run_task, (new, call, lambda exc: _report_unraisable(function, exc))))

    return start_new_thread


# -- queue.SimpleQueue ---------------------------------------------------------------------------
_real_simple_queue: type = queue.SimpleQueue


class _SimpleQueueType(type):
    def __call__(cls) -> Any:
        if _scheduler() is None:
            return _real_simple_queue()
        return queue._PySimpleQueue()  # type: ignore[attr-defined]

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, (_real_simple_queue, queue._PySimpleQueue))  # type: ignore[attr-defined]


class SimpleQueue(metaclass=_SimpleQueueType):
    """``queue.SimpleQueue()``: the standard library's pure-Python one (built on a Semaphore)
    in a simulated thread, since the C one blocks for real; the C one elsewhere.
    ``isinstance`` accepts both."""

    __class_getitem__: Any = classmethod(GenericAlias)


# -- time -------------------------------------------------------------------------------------------
def time_patches(real: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Replacements for ``time.sleep``, ``monotonic``, ``perf_counter``, ``time`` and their
    ``_ns`` forms, given the real functions by name."""

    def virtual(name: str, wall: bool, scale: float, kind: type) -> Callable[[], Any]:
        """``wall``: the virtual seconds from the network's epoch, else from 0."""
        real_fn = real[name]

        def now() -> Any:
            sched = _scheduler()
            if sched is None:
                return real_fn()
            seconds = sched.read_clock()
            return kind(((sched.epoch + seconds) if wall else seconds) * scale)

        now.__name__ = name
        return now

    real_sleep = real["sleep"]

    def sleep(seconds: float) -> None:
        sched = _scheduler()
        if sched is None:
            real_sleep(seconds)
            return
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if seconds == 0:  # sleep(0) gives the other threads a turn
            sched.poll_point("time.sleep(0)")
        else:
            sched.wait_until(lambda: False, sched.clock.now + seconds, f"time.sleep({seconds:g})")

    return {
        "sleep": sleep,
        "monotonic": virtual("monotonic", False, 1.0, float),
        "perf_counter": virtual("perf_counter", False, 1.0, float),
        "time": virtual("time", True, 1.0, float),
        "monotonic_ns": virtual("monotonic_ns", False, 1e9, int),
        "perf_counter_ns": virtual("perf_counter_ns", False, 1e9, int),
        "time_ns": virtual("time_ns", True, 1e9, int),
    }
