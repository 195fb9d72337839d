"""asyncio on the simulated stack: what the standard selector event loop needs on top of the runtime layer.

Owns: the few swaps that let ``asyncio.run(main())`` run unchanged inside ``patched(os)``.
The event loop is CPython's own ``SelectorEventLoop``: ``selector_events.py`` needs only a
selector (``selectors.DefaultSelector``, already simulated by ``readiness``: ``KqueueSelector``
over ``kqueue`` on darwin and freebsd, as there), non-blocking
sockets, ``time.monotonic`` (virtual, ``threads``), a self-pipe (``socket.socketpair``, the
socket layer's: an AF_UNIX pair on the POSIX profiles, a loopback TCP pair on windows) and
threads for ``run_in_executor`` (simulated ``ThreadPoolExecutor``). Every swap here dispatches
on the calling thread like the rest of ``patching``: threads outside the simulation keep the
real functions.

What is swapped, and why:
- ``BaseSelectorEventLoop._sock_connect_cb``: CPython builds the error of a failed
  non-blocking connect as ``OSError(SO_ERROR, ...)``, and the *host's* errno table picks the
  subclass, so a Windows ``10061`` would be a bare ``OSError`` on a Linux host. In a simulated
  thread the subclass is picked with the simulated OS's table (``ConnectionRefusedError``),
  as CPython does on that OS; the rest is CPython's code.
- ``_SelectorSocketTransport.__init__`` (3.12+): asyncio decides once, at import, whether
  transports write with ``sendmsg`` (``_HAS_SENDMSG``, from the host). A transport over a
  simulated socket of an OS whose CPython has no ``sendmsg`` (Windows: ``Profile.stdlib_names``)
  writes with ``send``, CPython's own path there.
- ``_UnixSelectorEventLoop._sock_sendfile_native`` (``loop.sendfile``, ``loop.sock_sendfile``):
  where that OS's CPython has no ``os.sendfile`` (``Profile.os_sendfile``: Windows), its
  selector loop is the base one, which never sends natively and falls back to ``send``; on the
  other profiles CPython's own code runs over ``fdcalls.sendfile``.
- ``BaseSelectorEventLoop._make_self_pipe`` (run by the loop's constructor): on the windows
  profile it warns (``SelectorLoopWarning``, see below); on every profile it makes a
  ``SimDeadlock`` raised in the loop's selector name the loop's tasks and what each awaits.

The windows profile runs the selector loop, not the Proactor. Windows' CPython defaults to
``ProactorEventLoop`` (IOCP); ``WindowsSelectorEventLoopPolicy`` gives the selector loop, which
is what this simulation runs on every profile (``EVENT_LOOP``). The socket-level facts (errno
numbers, the ~2 s refused connect, ``winerror``, UDP ICMP reports) are the windows profile's;
what only the Proactor does (``[WinError 1225]`` for a refused connect, ``[WinError 64]``
for a reset, overlapped ``WSARecv`` sizes) is not modelled. docs/simulator.md says why.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import warnings
import weakref
from asyncio import selector_events
from collections.abc import Callable
from typing import Any, Optional

from .clock import SimDeadlock
from .network import Network
from .simsocket import raise_errno

__all__ = ["EVENT_LOOP", "SelectorLoopWarning", "replacements"]

#: Frames that are asyncio's or sockbehave's, not the program's.
_SKIPPED = (os.path.dirname(selector_events.__file__), os.path.dirname(os.path.dirname(__file__)))

#: The event loop asyncio gets inside ``patched()``, on every profile.
EVENT_LOOP = "selector"


class SelectorLoopWarning(UserWarning):
    """The simulation runs asyncio's selector loop where the simulated OS defaults to another."""


Dispatch = Callable[[Callable[..., Any], Callable[..., Any]], Callable[..., Any]]


def _connect_cb_patch(real: Callable[..., None], dispatch: Dispatch) -> Callable[..., None]:
    def simulated(net: Network, loop: Any, fut: Any, sock: Any, address: Any) -> None:
        if fut.done():
            return
        try:
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err != 0:
                name = net.errno_name(err)
                cls = type(raise_errno(net, name)) if name in net.profile.errnos else OSError
                raise cls(err, f"Connect call failed {address}")
        except (BlockingIOError, InterruptedError):
            pass
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            fut.set_exception(exc)
        else:
            fut.set_result(None)
        finally:
            fut = None  # as CPython's (gh-124859): the error's traceback must not keep the future alive

    return dispatch(real, simulated)


def _self_pipe_patch(real: Callable[[Any], None], dispatch: Dispatch) -> Callable[[Any], None]:
    def simulated(net: Network, loop: Any) -> None:
        real(loop)
        _name_tasks_in_deadlocks(loop)
        if net.profile.asyncio_default_loop == "SelectorEventLoop":  # per-OS fact: the profile's
            return
        try:
            warnings.warn(
                f"sockbehave.sim runs asyncio's {EVENT_LOOP} event loop on the {net.profile.name} profile, "
                f"not the {net.profile.asyncio_default_loop} that OS uses by default; "
                "see 'asyncio' in docs/simulator.md",
                SelectorLoopWarning,
                stacklevel=_callers_level(),
            )
        except BaseException:
            # Raised as an error (filterwarnings = error), the warning ends the loop's __init__
            # half-way: close what it has made, or the half-made loop fails again when collected
            # (an unraisable AttributeError, which ended httpx's run with an INTERNALERROR).
            selector_events.BaseSelectorEventLoop.close(loop)
            raise

    return dispatch(real, simulated)


def _name_tasks_in_deadlocks(loop: Any) -> None:
    """Make a ``SimDeadlock`` raised while ``loop`` waits in its selector name the loop's tasks.
    The wrapper, an attribute of the selector, holds the selector and the loop by weak
    references: strong ones would be a cycle that only the garbage collector frees (tornado's
    ``circlerefs_test`` counts such cycles, and a real loop makes none)."""
    selector_ref, loop_ref = weakref.ref(loop._selector), weakref.ref(loop)
    select = type(loop._selector).select

    def select_naming_tasks(timeout: Optional[float] = None) -> Any:
        try:
            return select(selector_ref(), timeout)  # alive: this is its attribute being called
        except SimDeadlock as exc:
            loop = loop_ref()
            tasks = sorted((t for t in asyncio.all_tasks(loop) if not t.done()), key=lambda t: t.get_name())
            named = "; ".join(_awaiting(t) for t in tasks) or "none"
            outside = sorted(
                signal.Signals(n).name for n in getattr(loop, "_signal_handlers", {}) if n != signal.SIGALRM
            )
            hint = (
                f"; it also has handlers for {', '.join(outside)}: a real signal, such as SIGCHLD from a real"
                " child process, does not reach the simulated wakeup socket"
                if outside
                else ""
            )
            raise SimDeadlock(f"{exc}; the asyncio loop waits for its tasks: {named}{hint}") from None

    loop._selector.select = select_naming_tasks


def _awaiting(task: asyncio.Task[Any]) -> str:
    """``"Task-1: main() at prog.py:6, awaiting StreamReader.read()"``."""
    where, inner = "", ""
    coro: Any = task.get_coro()
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        name = getattr(coro, "__qualname__", type(coro).__name__).rsplit("<locals>.", 1)[-1]
        if frame is not None and not frame.f_code.co_filename.startswith(_SKIPPED):
            where = f"{name}() at {os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}"
            inner = ""
        elif not inner:
            inner = f"{name}()" if frame is not None else "a Future"
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return f"{task.get_name()}: {where or 'not started'}" + (f", awaiting {inner}" if inner else "")


def _callers_level() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside asyncio and sockbehave."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_SKIPPED):
        frame, level = frame.f_back, level + 1
    return level


def replacements(dispatch: Dispatch) -> list[tuple[object, str, Any]]:
    """The swaps asyncio needs, as ``(owner, name, new)`` for ``patching``."""
    loop_cls: Any = selector_events.BaseSelectorEventLoop
    swaps: list[tuple[object, str, Any]] = [
        (loop_cls, "_sock_connect_cb", _connect_cb_patch(loop_cls._sock_connect_cb, dispatch)),
        (loop_cls, "_make_self_pipe", _self_pipe_patch(loop_cls._make_self_pipe, dispatch)),
    ]
    unix_loop: Any = getattr(asyncio, "unix_events", None)  # not on Windows hosts
    if unix_loop is not None:
        unix_cls = unix_loop._UnixSelectorEventLoop
        swaps.append((unix_cls, "_sock_sendfile_native", _sendfile_patch(unix_cls._sock_sendfile_native, dispatch)))
    if hasattr(selector_events, "_HAS_SENDMSG"):  # 3.12+: transports write with sendmsg where it exists
        transport_cls: Any = vars(selector_events)["_SelectorSocketTransport"]
        swaps.append((transport_cls, "__init__", _write_with_send_patch(transport_cls.__init__, dispatch)))
    return swaps


def _sendfile_patch(real: Callable[..., Any], dispatch: Dispatch) -> Callable[..., Any]:
    def simulated(net: Network, loop: Any, *args: Any) -> Any:
        if net.profile.os_sendfile:
            return real(loop, *args)
        return asyncio.BaseEventLoop._sock_sendfile_native(loop, *args)  # type: ignore[attr-defined]

    return dispatch(real, simulated)


def _write_with_send_patch(real: Callable[..., None], dispatch: Dispatch) -> Callable[..., None]:
    def simulated(net: Network, transport: Any, *args: Any, **kwargs: Any) -> None:
        real(transport, *args, **kwargs)
        if not hasattr(transport._sock, "sendmsg"):  # that OS's CPython has none (module docstring)
            transport._write_ready = transport._write_send

    return dispatch(real, simulated)
