"""``signal.alarm``/``setitimer``/``getitimer`` (``ITIMER_REAL``) in virtual time.

Owns: the real-time interval timer of one simulated process (a ``Network`` inside
``patched()``) and how its SIGALRM reaches the program. Arming it puts a timer on the
simulation's clock; when virtual time reaches it, the kernel's part is decided at once from
the disposition (``SIG_IGN``: nothing happens) and Python's part is queued for the *root*
task, the simulation's main thread, which runs the handler where it waits in a simulated
call (``Scheduler.wait_until``): a handler that raises makes the interrupted call raise, one
that returns lets the call resume with what is left of its timeout (PEP 475). Several
expiries before the root runs make one delivery (standard signals are not queued).

Values follow Linux (kernel/time/itimer.c): ``alarm`` returns the old timer's remaining
seconds rounded to the nearest second, but at least 1 while one is armed; a value of 0
disarms whatever the interval; a positive value below a microsecond still arms (CPython
rounds up to a microsecond); a negative value or another timer is ``EINVAL``.

``signal.pause()`` waits (in virtual time) until a handler has run in the root task; in
another thread it waits for ever, as a process-directed signal goes to the main thread.

Not modelled (``NotImplementedError`` naming it): ``ITIMER_VIRTUAL``/``ITIMER_PROF`` (no
CPU time in a simulation), SIGALRM with the default disposition (it would end the process),
a repeating interval under ``MIN_INTERVAL`` (a real one floods the process), and a
``pthread_sigmask`` that blocks SIGALRM (for other signals it acts on the real process).
``siginterrupt(SIGALRM, False)`` (``SA_RESTART``, which asyncio's ``add_signal_handler`` sets)
is modelled as signal(7) says: a blocking socket's or pipe's read, write, accept or connect
is restarted and the handler runs when it returns; ``select``, ``poll``, ``epoll``, sleeps and
lock waits are interrupted as without it.

``set_wakeup_fd`` takes a simulated socket (asyncio's ``add_signal_handler``, trio's wake-up
pair): a simulated SIGALRM writes its number there, as CPython's C-level handler does, and so
does ``signal.raise_signal``, which is modelled while one is set (the handler runs in the main
thread, at once or where its task next waits). A real signal cannot: ``os.kill`` and
``pthread_kill`` to this process are refused while one is set (a signal directed at the main
thread would run its handler in the middle of the simulator's own code), and a signal from
outside (SIGCHLD of a real child) never reaches it.
Deviation: an alarm still armed when the simulation closes is dropped with it.
"""

from __future__ import annotations

import errno
import math
import operator
import os
import signal
import sys
import threading
import types
from typing import Any, Callable, Optional

from .clock import Scheduler
from .kernel import FD_BASE, KernelError, NotModelled, WouldBlock
from .simsocket import _c_int, o_nonblock, raise_errno

__all__ = ["MIN_INTERVAL", "ItimerReal", "refusing_self_signals", "signal_patches"]

#: The shortest repeating interval modelled, in seconds: a program that waits for ever waits
#: out the virtual time limit one expiry at a time, each a handler call (about 9 us of real
#: time here: 1 ms intervals took 31 s to reach the 3600 s report, 10 ms intervals 3.4 s).
MIN_INTERVAL = 1e-2


def _usec_ceil(seconds: float) -> float:
    """CPython converts the float to a ``timeval`` rounding up (a tiny positive value arms);
    the float's own error (0.05 is 50000.000000000004 us) is not rounded up."""
    return max(1, math.ceil(seconds * 1e6 - 1e-6)) / 1e6 if seconds > 0 else 0.0


class ItimerReal:
    """The ``ITIMER_REAL`` of one simulated process: one pending expiry on the clock at most."""

    def __init__(self, sched: Scheduler) -> None:
        self._sched = sched
        self._timer: Any = None  # the clock's _Timer of the next expiry
        self._when = 0.0
        self._interval = 0.0
        #: Handlers run so far (``pause`` waits for the next one).
        self.delivered = 0

    def get(self) -> tuple[float, float]:
        if self._timer is None or self._timer.cancelled:
            return 0.0, 0.0
        return max(0.0, self._when - self._sched.clock.now), self._interval

    def set(self, seconds: float, interval: float) -> tuple[float, float]:
        if seconds < 0 or interval < 0:
            raise signal.ItimerError(errno.EINVAL, os.strerror(errno.EINVAL))
        value, interval = _usec_ceil(seconds), _usec_ceil(interval)
        if value and interval and interval < MIN_INTERVAL:
            raise NotModelled(f"signal.setitimer() with a repeating interval under {MIN_INTERVAL:g} s")
        old = self.get()
        if self._timer is not None:
            self._timer.cancelled = True
            self._timer = None
        self._interval = interval if value else 0.0
        if value:
            self._arm(self._sched.clock.now + value)
        return old

    def _arm(self, when: float) -> None:
        self._when = when
        self._timer = self._sched.clock.call_at(when, self._expire)

    def _expire(self) -> None:
        self._timer = None
        if self._interval:
            self._arm(self._when + self._interval)
        disposition = signal.getsignal(signal.SIGALRM)
        if disposition == signal.SIG_IGN:
            return
        _write_wakeup(self._sched.net, signal.SIGALRM)  # CPython's C handler, at the signal's arrival
        self._sched.interrupt_root(self._deliver)

    def _deliver(self) -> None:
        """Runs in the root task: Python's handler, as the main thread runs it."""
        handler = signal.getsignal(signal.SIGALRM)
        if not callable(handler):  # SIG_DFL, or a handler not installed from Python
            raise NotModelled("SIGALRM with the default disposition (it ends the process) in virtual time")
        self.delivered += 1
        handler(signal.SIGALRM, _program_frame())


def _wakeup(net: Any) -> list[Any]:
    """The simulated process's wakeup socket: ``[descriptor or -1, warn_on_full_buffer]``."""
    state: list[Any] = net.__dict__.setdefault("_wakeup_fd", [-1, True])
    return state


def _write_wakeup(net: Any, signum: int) -> None:
    """What CPython's C-level handler does when a signal arrives (Modules/signalmodule.c,
    ``trip_signal``): write the signal number as one byte to the wakeup socket; a full socket
    is reported through ``sys.unraisablehook`` only with ``warn_on_full_buffer``."""
    fd, warn = _wakeup(net)
    ks = net.kernel.fds.get(fd) if fd != -1 else None
    if ks is None:
        return
    try:
        net.kernel.send(ks, bytes([signum]))
    except (WouldBlock, KernelError) as exc:
        name = "EAGAIN" if isinstance(exc, WouldBlock) else exc.name
        if warn or name != "EAGAIN":
            error = raise_errno(net, name)
            sys.unraisablehook(
                types.SimpleNamespace(  # the fields of sys.UnraisableHookArgs
                    exc_type=type(error),
                    exc_value=error,
                    exc_traceback=None,
                    err_msg="Exception ignored when trying to write to the signal wakeup fd",
                    object=None,
                )
            )


def _program_frame() -> Optional[types.FrameType]:
    """The innermost frame outside the simulator: what the handler sees as interrupted."""
    frame: Optional[types.FrameType] = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("sockbehave.sim"):
        frame = frame.f_back
    return frame


def _itimer(net: Any) -> ItimerReal:
    timer = net.__dict__.get("_itimer_real")
    if timer is None:
        timer = net.__dict__["_itimer_real"] = ItimerReal(net.scheduler)
    return timer  # type: ignore[no-any-return]


def _which(which: Any) -> None:
    which = operator.index(which)
    if which == signal.ITIMER_REAL:
        return
    names = {getattr(signal, n, None): n for n in ("ITIMER_VIRTUAL", "ITIMER_PROF")}
    if which in names:
        raise NotModelled(f"signal.{names[which]} in virtual time (no CPU time in a simulation)")
    raise signal.ItimerError(errno.EINVAL, os.strerror(errno.EINVAL))


def _c_int_argument(value: Any) -> int:
    """``value`` as an ``int`` argument of a C function, with this CPython's TypeError: 3.9's
    argument parser refuses a float in its own words before reading an integer (``_c_int``)."""
    if sys.version_info < (3, 10) and isinstance(value, float):
        raise TypeError("integer argument expected, got float")
    return _c_int(value)


def _seconds(value: Any) -> float:
    if isinstance(value, (str, bytes)):  # CPython's own message for a non-number
        raise TypeError(f"{type(value).__name__!r} object cannot be interpreted as an integer")
    return float(value)


def _to_this_process(name: str, args: tuple[Any, ...]) -> bool:
    if name == "signal.pthread_kill":  # a thread of this process (a simulated thread's is too)
        return True
    if name == "os.kill":
        return bool(args) and operator.index(args[0]) in (0, os.getpid())
    return True  # raise_signal


def refusing_self_signals(real_fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``name`` (``os.kill``, ``signal.raise_signal``, ``signal.pthread_kill``) as ``fn(net,
    *args)``: refused for this process while a simulated socket is the wakeup fd (the real
    signal's C handler would write to a descriptor this process does not have, and the loop
    waiting on the socket would never hear of it), else the real call."""

    def call(net: Any, *args: Any) -> Any:
        if _wakeup(net)[0] != -1 and _to_this_process(name, args):
            raise NotModelled(
                f"{name}() to this process while signal.set_wakeup_fd() holds a simulated socket"
                " (the real signal handler cannot write to it)"
            )
        return real_fn(*args)

    return call


def _raising(real_fn: Callable[[int], None]) -> Callable[..., None]:
    """``signal.raise_signal`` as ``fn(net, signalnum)``. While a simulated socket is the wakeup
    fd, what CPython does is done in the simulation: its C-level handler writes the signal's
    number there (``_write_wakeup``), then the Python handler runs in the main thread: at once
    when the main thread raised it (``raise_signal`` checks for signals before it returns),
    else where the simulation's main task next waits. An ignored signal does nothing; one with
    the default disposition is ``NotImplementedError`` (it would end or stop the process).
    Otherwise the real call."""

    def raise_signal(net: Any, signalnum: Any) -> None:
        signum = _c_int_argument(signalnum)
        if _wakeup(net)[0] == -1:
            real_fn(signum)
            return
        handler = signal.getsignal(signum)  # its ValueError for a number out of range
        if handler == signal.SIG_IGN:
            return
        if not callable(handler):  # SIG_DFL, or a handler not installed from Python
            name = signal.Signals(signum).name if signum in signal.valid_signals() else str(signum)
            raise NotModelled(
                f"signal.raise_signal({name}) with the default disposition while set_wakeup_fd() holds a simulated socket"
            )
        _write_wakeup(net, signum)
        sched: Scheduler = net.scheduler
        if threading.current_thread() is threading.main_thread():
            handler(signum, _program_frame())
        elif sched.root is not None and sched.root.thread is threading.main_thread():
            frame = _program_frame()
            sched.interrupt_root(lambda: handler(signum, frame))
        else:
            raise NotModelled("signal.raise_signal() from a thread while the main thread is outside the simulation")

    return raise_signal


def signal_patches() -> dict[str, Callable[..., Any]]:
    """The simulated ``alarm``, ``setitimer``, ``getitimer``, ``pause``, ``siginterrupt`` and
    ``pthread_sigmask``, each ``fn(net, *args)`` (the last two pass other signals to the real
    ones, taken now: call this before swapping)."""
    real = {name: getattr(signal, name, None) for name in ("siginterrupt", "pthread_sigmask", "set_wakeup_fd")}

    def setitimer(net: Any, which: Any, seconds: Any, interval: Any = 0.0) -> tuple[float, float]:
        _which(which)
        return _itimer(net).set(_seconds(seconds), _seconds(interval))

    def getitimer(net: Any, which: Any) -> tuple[float, float]:
        _which(which)
        return _itimer(net).get()

    def alarm(net: Any, seconds: Any) -> int:
        seconds = _c_int_argument(seconds)
        if not -(2**31) <= seconds < 2**31:
            raise OverflowError("Python int too large to convert to C int")
        remaining, _ = _itimer(net).set(float(seconds % 2**32), 0.0)  # C alarm() takes an unsigned int
        whole = int(remaining)
        return whole + 1 if remaining - whole >= 0.5 or (remaining and not whole) else whole

    def pause(net: Any) -> None:
        sched, timer = net.scheduler, _itimer(net)
        seen = timer.delivered
        in_root = sched.enter() is sched.root
        sched.wait_until(lambda: in_root and timer.delivered > seen, None, "signal.pause()")

    def siginterrupt(net: Any, signalnum: Any, flag: Any) -> None:
        if operator.index(signalnum) != signal.SIGALRM:
            real["siginterrupt"](signalnum, flag)  # type: ignore[misc]
            return None
        # SA_RESTART (flag false): a blocking socket's or pipe's call is restarted, and the
        # handler runs when it returns (Scheduler.wait_until's restartable waits); select,
        # poll, epoll, sleep and lock waits are interrupted either way (signal(7)).
        # CPython's signal.signal() installs a handler without SA_RESTART: the flag lasts as
        # long as the handler it was set on.
        handler = signal.getsignal(signal.SIGALRM)
        net.scheduler.restart_sigalrm = None if flag else (lambda: signal.getsignal(signal.SIGALRM) is handler)
        return None

    def pthread_sigmask(net: Any, how: Any, mask: Any) -> Any:
        mask = set(mask)
        if signal.SIGALRM in mask and how in (signal.SIG_BLOCK, signal.SIG_SETMASK):
            raise NotModelled("signal.pthread_sigmask() blocking SIGALRM in virtual time")
        return real["pthread_sigmask"](how, mask)  # type: ignore[misc]

    def set_wakeup_fd(net: Any, fd: Any, *, warn_on_full_buffer: bool = True) -> int:
        fd = operator.index(fd)
        state = _wakeup(net)
        if threading.current_thread() is not threading.main_thread() or (fd < FD_BASE and state[0] == -1):
            # CPython's ValueError outside the main thread; a real descriptor is the real call's
            return real["set_wakeup_fd"](fd, warn_on_full_buffer=warn_on_full_buffer)  # type: ignore[misc,no-any-return]
        if fd >= FD_BASE:
            ks = net.kernel.fds.get(fd)
            if ks is None:
                raise raise_errno(net, "EBADF")
            if net.profile.wakeup_fd_must_be_nonblocking and not o_nonblock(net, ks):
                raise ValueError(f"the fd {fd} must be in non-blocking mode")
        old = state[0]
        if fd < FD_BASE:  # back from a simulated socket to -1 or a real descriptor
            real["set_wakeup_fd"](fd, warn_on_full_buffer=warn_on_full_buffer)  # type: ignore[misc]
            fd = -1
        state[:] = [fd, bool(warn_on_full_buffer)]
        return int(old)

    refusals = {
        name: refusing_self_signals(getattr(signal, name), f"signal.{name}")
        for name in ("pthread_kill",)
        if hasattr(signal, name)
    }
    return {
        **refusals,
        "raise_signal": _raising(signal.raise_signal),
        "set_wakeup_fd": set_wakeup_fd,
        "setitimer": setitimer,
        "getitimer": getitimer,
        "alarm": alarm,
        "pause": pause,
        "siginterrupt": siginterrupt,
        "pthread_sigmask": pthread_sigmask,
    }
