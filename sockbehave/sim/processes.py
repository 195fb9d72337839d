"""Real processes from a simulated thread: what stays real, what is noted, what is refused.

Owns: the swaps of ``os.fork``/``forkpty``, ``subprocess.Popen``'s start, ``wait`` and ``poll``,
and ``signal.signal`` for SIGCHLD, in a thread of a patched simulation (``patching`` installs
them). A real process runs in real time outside the simulation; the simulation's clock is
virtual, so anything that measures one against the other would be a silently wrong answer:

- ``os.fork``/``forkpty`` would copy the process with its simulation mid-step (the child would
  need a network and a scheduler of its own): refused.
- ``Popen.wait(timeout)`` would count a real process's run time in virtual seconds (it polls
  with ``time.sleep``): refused; ``wait()`` without a timeout stays real.
- A program's ``Popen.poll()`` while the process still runs: refused, since a loop of
  ``poll()`` and a virtual ``time.sleep`` gives up on a child that had barely started
  (tornado's import test did). A ``poll()`` after the process ended gives its code, and
  ``kill``/``terminate`` (which poll first, inside ``subprocess``) work.
- A SIGCHLD handler beside a running real child: the child's exit comes as a real signal at a
  real moment that virtual time cannot place, and its byte never reaches a simulated wakeup
  socket (asyncio's and tornado's ``add_signal_handler``), so a program waiting for it with a
  timeout timed out in no time (tornado's ``Subprocess`` tests). Starting a process while a
  Python handler for SIGCHLD is set, and setting one while a process started in this
  simulation still runs, are refused.
- Starting a process otherwise stays real, but is noted as not modelled (``note_not_modelled``,
  without raising): its sockets reach the real host, not the simulated one, and a run that
  goes on is not what that OS would do (``sockbehave simulate`` says so). Reading its pipes
  with ``communicate`` is a wait on real descriptors, which ``readiness`` refuses. The one
  exception is ``ctypes.util.find_library``'s search (``ldconfig -p``, ``gcc``, ``ld``), which
  reads the host's libraries and touches no network (trio runs it when imported).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import weakref
from collections.abc import Callable
from typing import Any, Optional

from .callers import called_from
from .clock import note_not_modelled
from .kernel import NotModelled, refusing

__all__ = ["replacements"]

Dispatch = Callable[[Callable[..., Any], Callable[..., Any]], Callable[..., Any]]

_SIGCHLD: Optional[int] = getattr(signal, "SIGCHLD", None)  # none on Windows hosts
#: Per simulation (its network): the real processes started in it.
_CHILDREN: weakref.WeakKeyDictionary[Any, weakref.WeakSet[subprocess.Popen[Any]]] = weakref.WeakKeyDictionary()


def _python_handler(handler: Any) -> bool:
    return callable(handler) and handler not in (signal.SIG_DFL, signal.SIG_IGN)


def replacements(dispatch: Dispatch) -> list[tuple[object, str, Any]]:
    """(owner, name, replacement) for ``patching``; ``dispatch(real, simulated)`` calls
    ``simulated(net, ...)`` in a simulated thread and ``real`` anywhere else."""
    swaps: list[tuple[object, str, Any]] = [
        (os, name, dispatch(getattr(os, name), refusing(f"os.{name}() in a simulated thread")))
        for name in ("fork", "forkpty")
        if hasattr(os, name)
    ]
    real_wait, real_poll = subprocess.Popen.wait, subprocess.Popen.poll
    real_start = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def wait(net: Any, process: subprocess.Popen[Any], timeout: Optional[float] = None) -> int:
        if timeout is not None:
            raise NotModelled(
                "subprocess.Popen.wait() with a timeout in a simulated thread (a real process runs in real time)"
            )
        return real_wait(process)

    def poll(net: Any, process: subprocess.Popen[Any]) -> Optional[int]:
        code = real_poll(process)
        # subprocess's own check (send_signal, so kill and terminate, polls first) stays real:
        # frame 1 is the dispatching wrapper, frame 2 the caller
        if code is None and sys._getframe(2).f_globals.get("__name__") != "subprocess":
            raise NotModelled(
                "subprocess.Popen.poll() of a running process in a simulated thread (a real process runs in"
                " real time, the simulation's clock in virtual time)"
            )
        return code

    def start(net: Any, process: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> Any:
        if _SIGCHLD is not None and _python_handler(signal.getsignal(_SIGCHLD)):
            raise NotModelled(
                "a real process started from a simulated thread while a SIGCHLD handler is set (its exit would"
                " come as a real signal, at a real moment virtual time cannot place)"
            )
        if not _library_search():
            note_not_modelled(
                "a real process started from a simulated thread (it runs outside the simulation: its sockets reach"
                " the real host, its time is real)"
            )
        result = real_start(process, *args, **kwargs)
        _CHILDREN.setdefault(net, weakref.WeakSet()).add(process)
        return result

    def _library_search() -> bool:
        """Whether the process is started by ``ctypes.util``'s search for a shared library: its
        caller, past ``subprocess`` and the dispatching wrappers (a few frames up)."""
        return called_from(("ctypes.util",), 8, skip=3)  # past this function and its caller

    real_signal = signal.signal

    def set_handler(net: Any, signalnum: Any, handler: Any) -> Any:
        if signalnum == _SIGCHLD and _python_handler(handler):
            running = [p.pid for p in _CHILDREN.get(net, ()) if real_poll(p) is None]
            if running:
                raise NotModelled(
                    f"a SIGCHLD handler set in a simulated thread while a real process it started (pid {running[0]})"
                    " runs (its exit would come as a real signal, at a real moment virtual time cannot place)"
                )
        return real_signal(signalnum, handler)

    return [
        *swaps,
        (subprocess.Popen, "wait", dispatch(real_wait, wait)),
        (subprocess.Popen, "poll", dispatch(real_poll, poll)),
        (subprocess.Popen, "_execute_child", dispatch(real_start, start)),
        (signal, "signal", dispatch(real_signal, set_handler)),
    ]
