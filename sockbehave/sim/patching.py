"""``patched()``: unmodified programs on the simulated stack, scoped to the simulation's threads.

Owns: what ``patched()`` swaps in the standard library, when, and for whom. The swaps are
installed once for the whole process while at least one ``patched()`` block is open, and
each replacement dispatches on the calling thread: a thread that is a task of a patched
simulation gets the simulated socket, readiness, threading and time of *its* ``Network``;
every other thread (pytest's, pytest-xdist's, a logging handler's, another block's) keeps the
real ones. The block's own thread becomes the simulation's root task; threads it starts
become tasks too.

At the end of the block the simulation settles: non-daemon threads are waited for (in
virtual time, as the interpreter waits for them at exit), every thread that can still run
runs until it blocks, and a thread still blocked after that is an error naming it and what
it waits on. Then every simulated thread is ended (``SimAborted``), so none outlives the block.

What is swapped: ``socket.socket``; ``select.select``/``poll``/``epoll`` (``kqueue`` and
``devpoll`` raise ``NotImplementedError``) and the copies ``selectors`` took of them;
``threading.Lock``/``RLock``, ``_thread.allocate_lock``, ``Condition.wait``/``notify``/
``notify_all``, ``Thread.start``/``join``, ``_thread.start_new_thread``, ``queue.SimpleQueue``;
``time.sleep``/``monotonic``/``perf_counter``/``time`` (and ``_ns`` forms) and the copies
``threading`` and ``queue`` took of ``monotonic``; ``socket.socketpair`` and two details of
asyncio's selector loop. See ``threads``, ``readiness`` and ``aio``.
"""

from __future__ import annotations

import _thread
import contextlib
import queue
import select
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Optional

from ..errors import ScenarioError
from . import aio, readiness, threads
from .clock import Scheduler, current_task
from .kernel import NotModelled
from .network import Network

__all__ = ["patched"]

_MISSING = object()
_install_lock = threading.Lock()
_blocks = 0  # open patched() blocks
_saved: list[tuple[object, str, Any]] = []
#: The network of every open patched() block, by its scheduler.
_NETS: dict[Scheduler, Network] = {}


def _net() -> Optional[Network]:
    """The patched network the calling thread belongs to, if any."""
    task = current_task()
    return None if task is None or task.scheduler is None else _NETS.get(task.scheduler)


def _dispatch(real: Callable[..., Any], simulated: Callable[..., Any]) -> Callable[..., Any]:
    """A function that calls ``simulated(net, *args)`` in a patched simulation's thread, else ``real``."""

    def call(*args: Any, **kwargs: Any) -> Any:
        net = _net()
        return real(*args, **kwargs) if net is None else simulated(net, *args, **kwargs)

    call.__name__ = getattr(real, "__name__", "call")
    call.__doc__ = getattr(real, "__doc__", None)
    return call


def _not_modelled(feature: str) -> Callable[..., Any]:
    def refuse(net: Network, *args: Any, **kwargs: Any) -> Any:
        raise NotModelled(feature)

    return refuse


def _replacements() -> list[tuple[object, str, Any]]:
    real_socket = socket.socket

    def make_socket(
        net: Network, family: int = socket.AF_INET, type: int = socket.SOCK_STREAM, proto: int = 0, fileno: Any = None
    ) -> Any:
        if fileno is not None:
            raise NotModelled("socket.socket(fileno=...)")
        return net.socket(family, type)

    swaps: list[tuple[object, str, Any]] = [(socket, "socket", _dispatch(real_socket, make_socket))]

    real_select = select.select
    dispatch_select = _dispatch(real_select, lambda net, *a: readiness.select(net, real_select, *a))
    swaps += [(select, "select", dispatch_select), (selectors.SelectSelector, "_select", staticmethod(dispatch_select))]
    if hasattr(select, "poll"):
        real_poll = select.poll
        dispatch_poll = _dispatch(real_poll, lambda net: readiness.SimPoll(net, real_poll))
        swaps += [(select, "poll", dispatch_poll)]
        if hasattr(selectors, "PollSelector"):
            swaps += [(selectors.PollSelector, "_selector_cls", staticmethod(dispatch_poll))]
    if hasattr(select, "epoll"):
        dispatch_epoll = _dispatch(select.epoll, readiness.SimEpoll)
        swaps += [(select, "epoll", dispatch_epoll)]
        if hasattr(selectors, "EpollSelector"):
            swaps += [(selectors.EpollSelector, "_selector_cls", staticmethod(dispatch_epoll))]
    for name, cls_name in (("kqueue", "KqueueSelector"), ("devpoll", "DevpollSelector")):
        if hasattr(select, name):
            refuse = _dispatch(getattr(select, name), _not_modelled(f"select.{name}"))
            swaps += [(select, name, refuse)]
            if hasattr(selectors, cls_name):
                swaps += [(getattr(selectors, cls_name), "_selector_cls", staticmethod(refuse))]

    swaps += [
        (threading, "Lock", threads.make_lock),
        (threading, "RLock", threads.make_rlock),
        (_thread, "allocate_lock", threads.make_lock),
        (_thread, "start_new_thread", threads.start_new_thread_patch(_thread.start_new_thread)),
        (queue, "SimpleQueue", threads.SimpleQueue),
    ]
    swaps += [(threading.Condition, k, v) for k, v in threads.condition_patches(threading.Condition).items()]
    swaps += [
        (threading.Thread, k, v)
        for k, v in threads.thread_patches(threading.Thread.start, threading.Thread.join).items()
    ]
    names = ("sleep", "monotonic", "perf_counter", "time", "monotonic_ns", "perf_counter_ns", "time_ns")
    clocks = threads.time_patches({name: getattr(time, name) for name in names})
    swaps += [(time, name, fn) for name, fn in clocks.items()]
    swaps += [(threading, "_time", clocks["monotonic"]), (queue, "time", clocks["monotonic"])]
    swaps += aio.replacements(_dispatch)
    return [(owner, name, new) for owner, name, new in swaps if hasattr(owner, name)]


def _install() -> None:
    global _blocks
    with _install_lock:
        _blocks += 1
        if _blocks > 1:
            return
        for owner, name, new in _replacements():
            _saved.append((owner, name, vars(owner).get(name, _MISSING)))
            setattr(owner, name, new)


def _uninstall() -> None:
    global _blocks
    with _install_lock:
        _blocks -= 1
        if _blocks:
            return
        while _saved:
            owner, name, old = _saved.pop()
            if old is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, old)


def _settle(net: Network) -> None:
    """The block's body has ended: let the simulation finish, then name what is still blocked."""
    sched = net.scheduler
    root = sched.root

    def others() -> list[Any]:
        return [t for t in sched.tasks() if t is not root]

    sched.wait_until(
        lambda: all(t.daemon for t in others()), None, "the end of the patched() block (waiting for non-daemon threads)"
    )
    sched.wait_until(lambda: not sched.ready_besides(root), None, "the end of the patched() block")
    blocked = others()
    if blocked:
        named = "; ".join(f"{t.name} ({t.what or 'not started'})" for t in blocked)
        raise ScenarioError(f"sim: thread(s) still blocked when the patched() block ended: {named}")


@contextlib.contextmanager
def patched(profile: str = "linux", seed: int = 0) -> Iterator[Network]:
    """Run unmodified code on the simulated stack: inside the block, the calling thread and
    every thread it starts use simulated sockets, ``select``/``selectors``, threading
    primitives, queues and thread pools, and virtual time (see the module docstring).
    ``socket.create_connection``, ``socketserver`` and ``concurrent.futures`` work on top.
    """
    if _net() is not None:
        raise NotModelled("a patched() block inside another one in the same thread")
    net = Network(profile, seed=seed, name=f"patched-{profile}")
    net.enter()  # this thread is the root task
    net.scheduler.patched = True
    _NETS[net.scheduler] = net
    _install()
    body_ok = False
    try:
        yield net
        body_ok = True
        _settle(net)
    finally:
        try:
            if body_ok:
                net.close()
            else:
                with contextlib.suppress(ScenarioError):  # the body's own exception matters more
                    net.close()
        finally:
            _NETS.pop(net.scheduler, None)
            _uninstall()
