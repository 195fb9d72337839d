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

What is swapped: ``socket.socket``; the real class's ``__new__``, ``__init__`` and methods, so
that a subclass of it made before the block (PySocks' ``socksocket``) simulates in a simulated
thread (``_real_socket_new``); ``select.select``/``poll``/``epoll`` (``devpoll`` raises
``NotImplementedError``) and the copies ``selectors`` took of them,
``selectors.DefaultSelector`` and ``socketserver._ServerSelector`` (each that OS's CPython's
choice: ``KqueueSelector`` for ``DefaultSelector`` on darwin and freebsd); the class of the
``select`` and ``selectors`` modules, so that a simulated thread of a profile whose CPython has
``kqueue`` sees ``select.kqueue``, ``select.kevent``, the ``KQ_*`` constants and
``selectors.KqueueSelector`` (``kqueue``) even where the host has none, and every other thread
the host's module; a call of a name that OS's CPython lacks (``Profile.stdlib_names``: ``select.poll`` and
``signal.alarm`` on Windows, ...) is refused by name;
``threading.Lock``/``RLock``, ``_thread.allocate_lock``, ``Condition.wait``/``notify``/
``notify_all``, ``Thread.start``/``join``, ``_thread.start_new_thread``, ``queue.SimpleQueue``;
``time.sleep``/``monotonic``/``perf_counter``/``time`` (and ``_ns`` forms) and the copies
``threading``, ``queue`` and ``socketserver`` took of ``monotonic``; ``signal.alarm``/
``setitimer``/``getitimer``/``pause``/``siginterrupt``/``pthread_sigmask``/``set_wakeup_fd``;
``socket.socketpair`` (and ``socket.py``'s own name ``_socket``, for a ``socketpair`` taken
before the block) and a few details of asyncio's selector loop; the ``os`` and ``fcntl``
functions that take a descriptor (the calls ``fdcalls`` models act on a simulated socket, the
rest refuse its number) and ``io.FileIO`` (a class still: of a simulated descriptor it makes that
pipe end's or socket's raw stream); ``os.fork``/``forkpty``, ``subprocess.Popen``'s start,
``wait`` and ``poll``, and ``signal.signal`` for SIGCHLD (``processes``: what of a real process
stays real and what is refused); ``ssl.SSLSocket``'s constructor and
``SSLContext._wrap_socket`` (TLS over a simulated socket); ``os.pipe``/``pipe2`` (simulated
pipes), ``os.mkfifo``/``splice`` (refused), ``os.open`` (refused for a FIFO) and
``subprocess.Popen``'s constructor (refused with a simulated descriptor). See ``threads``,
``readiness``, ``fdcalls``, ``pipes``, ``processes``, ``signals``, ``tls`` and ``aio``.
"""

from __future__ import annotations

import _thread
import contextlib
import errno
import functools
import inspect
import io
import operator
import os
import queue
import select
import selectors
import signal
import socket
import socketserver
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Optional

from ..errors import ScenarioError
from . import absent, fdcalls, kqueue, pipes, readiness, real_listeners, threads
from .clock import Scheduler, current_task, outside
from .kernel import FD_BASE, NotModelled, refusing
from .network import Network
from .osview import errno_view, errorcode_view
from .profiles import Profile, once_per_profile
from .signals import refusing_self_signals, signal_patches
from .simsocket import MODULE_FUNCTIONS, SimSocket, module_functions, simulated_subclass, thread_net

__all__ = ["ScenarioNetwork", "held", "patched"]

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
        try:
            return real(*args, **kwargs) if net is None else simulated(net, *args, **kwargs)
        finally:  # a traceback keeps this frame (the f_back of the call that raised): not the arguments
            del args, kwargs

    call.__name__ = getattr(real, "__name__", "call")
    call.__doc__ = getattr(real, "__doc__", None)
    return call


def _where_it_exists(name: str, simulated: Callable[..., Any]) -> Callable[..., Any]:
    """``simulated``, refused in a simulation whose OS's CPython has no ``name`` at all
    (``Profile.stdlib_names``). The module is shared with the threads outside the simulation, so
    the name cannot disappear as it would there (an ``AttributeError``, or a ``hasattr`` check
    taking the other branch): the call is refused, naming what is missing and where."""

    def call(net: Network, *args: Any, **kwargs: Any) -> Any:
        if not net.profile.stdlib_names.get(name, True):  # a name the profile does not list: no such fact
            raise NotModelled(
                f"the absence of {name} on {net.profile.name}: that OS's CPython has no {name} (the source is in "
                f"Profile.stdlib_names), and the host's module keeps it, so {name}() is refused in this simulation"
            )
        return simulated(net, *args, **kwargs)

    return call


#: ``selectors``' own order of preference (python/cpython@v3.13.0 Lib/selectors.py:594-603),
#: without ``devpoll`` (Solaris: no profile has it).
_SELECTOR_PREFERENCE = (
    ("select.kqueue", "KqueueSelector"),
    ("select.epoll", "EpollSelector"),
    ("select.poll", "PollSelector"),
)


def _selector_for(net: Network, preference: tuple[tuple[str, str], ...]) -> type:
    for name, cls_name in preference:
        cls = getattr(selectors, cls_name, None)
        if cls is not None and net.stdlib_has(name):
            return cls  # type: ignore[no-any-return]
    return selectors.SelectSelector


def _dispatch_selector_class(real: type, preference: tuple[tuple[str, str], ...]) -> type:
    """A stand-in for a module's chosen selector class (``selectors.DefaultSelector``,
    ``socketserver._ServerSelector``): in a simulated thread it is the class that OS's CPython
    would have chosen (``_selector_for``), anywhere else the host's ``real``. So it makes that
    class's selectors, ``isinstance`` against it asks about that class, and a class a program
    derives from it inside the simulation derives from that class (on macOS, from
    ``KqueueSelector``). A class derived from it outside keeps the host's class behind it."""

    def now() -> type:
        net = _net()
        return real if net is None else _selector_for(net, preference)

    class ChosenMeta(type(real)):  # type: ignore[misc]  # ABCMeta
        def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> Any:
            if _net() is not None and any(base is stand_in[0] for base in bases):
                bases = tuple(now() if base is stand_in[0] else base for base in bases)
                return type(real)(name, bases, namespace, **kwargs)
            return super().__new__(mcs, name, bases, namespace, **kwargs)

        def __instancecheck__(cls, instance: Any) -> bool:
            if cls is stand_in[0]:
                return isinstance(instance, now())
            return bool(super().__instancecheck__(instance))

        def __subclasscheck__(cls, subclass: type) -> bool:
            if cls is stand_in[0]:
                return issubclass(subclass, now())
            return bool(super().__subclasscheck__(subclass))

    class Chosen(real, metaclass=ChosenMeta):  # type: ignore[misc]
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            if cls is not Chosen:  # derived from it outside the simulation: the host's class behind it
                return super().__new__(cls)
            return now()(*args, **kwargs)

    stand_in = [Chosen]
    Chosen.__name__ = Chosen.__qualname__ = real.__name__
    Chosen.__module__ = real.__module__
    return Chosen


def _selector_swaps(real_select: Callable[..., Any]) -> list[tuple[object, str, Any]]:
    """``selectors.DefaultSelector`` and ``socketserver``'s copy of its choice, per simulated
    OS; and ``SelectSelector``'s call of ``select``, which on Windows' CPython reports the
    exceptional set as writable (``Profile.selector_select_merges_exceptional``)."""

    def selector_select(net: Network, r: Any, w: Any, x: Any, timeout: Optional[float] = None) -> Any:
        if net.profile.selector_select_merges_exceptional:
            r, w, x = readiness.select(net, real_select, r, w, w, timeout)
            return r, w + x, []
        return readiness.select(net, real_select, r, w, x, timeout)

    server_preference = (("select.poll", "PollSelector"),)  # python/cpython@v3.13.0 Lib/socketserver.py:149-152
    return [
        (selectors.SelectSelector, "_select", staticmethod(_dispatch(real_select, selector_select))),
        (selectors, "DefaultSelector", _dispatch_selector_class(selectors.DefaultSelector, _SELECTOR_PREFERENCE)),
        (socketserver, "_ServerSelector", _dispatch_selector_class(socketserver._ServerSelector, server_preference)),  # type: ignore[attr-defined]
    ]


def _module_view(
    module: types.ModuleType, names_of: Callable[[Network], Mapping[str, Any]], names: frozenset[str]
) -> tuple[str, Any]:
    """The swap that makes a shared module (``select``, ``selectors``) show a simulated thread
    the names its OS's CPython has there and the host's may not (``select.kqueue`` and the
    ``KQ_*`` constants on a Linux host): ``names_of(net)`` gives them; every other thread, and
    every other name, gets the module's own attribute (an ``AttributeError`` where the host has
    none). Where the host has none of ``names`` (Linux, Windows) the swap is a module
    ``__getattr__`` (PEP 562), which only a failed lookup calls, so every other ``select.X``
    stays a plain lookup (a class with ``__getattr__`` made every lookup go through it: 13 ns
    became 91 ns here). On a BSD host its own kqueue names are shadowed per thread by a class."""

    def simulated(name: str) -> Any:
        net = _net() if name in names else None
        return _MISSING if net is None else names_of(net).get(name, _MISSING)

    def missing(name: str) -> Any:
        found = simulated(name)
        if found is _MISSING:
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
        return found

    if not any(name in vars(module) for name in names):
        return "__getattr__", missing

    class View(types.ModuleType):  # a BSD host: its own kqueue names are shadowed per thread
        def __getattribute__(self, name: str) -> Any:
            found = simulated(name)
            return super().__getattribute__(name) if found is _MISSING else found

        def __getattr__(self, name: str) -> Any:
            return missing(name)

    return "__class__", View


_KQ_NAMES: dict[int, tuple[Profile, dict[str, Any]]] = {}


def _select_names(net: Network) -> Mapping[str, Any]:
    """``select.kqueue``, ``select.kevent`` and the ``KQ_*`` constants of ``net``'s OS (none where its CPython has no kqueue)."""
    return once_per_profile(_KQ_NAMES, net.profile, lambda: kqueue.module_names(net.profile.kqueue_constants))


def _selectors_names(net: Network) -> Mapping[str, Any]:
    return {"KqueueSelector": kqueue.kqueue_selector()} if net.profile.kqueue_constants else {}


def _view_swaps() -> list[tuple[object, str, Any]]:
    from .profiles import PROFILES

    kq_names = frozenset(["kqueue", "kevent", *(n for p in PROFILES.values() for n in p.kqueue_constants)])
    return [
        (select, *_module_view(select, _select_names, kq_names)),
        (selectors, *_module_view(selectors, _selectors_names, frozenset(["KqueueSelector"]))),
    ]


class _StandInMeta(type):
    """``isinstance`` and ``issubclass`` of a class installed in a module in place of a real
    one (``socket.socket``, ``io.FileIO``) keep their meaning for every thread: they answer for
    the classes it stands for (``_STANDS_FOR``), so a real socket is still a ``socket.socket``.
    A subclass a program makes of it is checked as any class is."""

    def __instancecheck__(cls, obj: object) -> bool:
        real = _STANDS_FOR.get(cls)
        return isinstance(obj, real) if real is not None else type.__instancecheck__(cls, obj)

    def __subclasscheck__(cls, sub: type) -> bool:
        real = _STANDS_FOR.get(cls)
        return issubclass(sub, real) if real is not None else type.__subclasscheck__(cls, sub)


#: Each stand-in class of ``_StandInMeta`` -> the classes it answers for.
_STANDS_FOR: dict[type, tuple[type, ...]] = {}


_REAL_SOCKET = socket.socket


def real_socket_class() -> type[socket.socket]:
    """The real ``socket.socket`` (while swaps are in, the module attribute is a stand-in)."""
    return _REAL_SOCKET


_DISPATCH: list[type] = []


def _dispatch_socket_class() -> Optional[type]:
    return _DISPATCH[0] if _DISPATCH else None


def _make_dispatch_socket_class() -> type:
    """``socket.socket`` while blocks are open: a class (``isinstance`` works, and a subclass
    made inside a block makes simulated sockets), whose instances are simulated sockets of the
    calling thread's network, or real sockets in a thread outside every simulation."""

    class socket_(SimSocket, metaclass=_StandInMeta):
        __doc__ = _REAL_SOCKET.__doc__

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            if thread_net() is None:
                if cls is _dispatch_socket_class():
                    return _REAL_SOCKET(*args, **kwargs)  # not a simulated thread: the real thing
                raise NotModelled(f"a subclass of socket.socket ({cls.__qualname__}) instantiated outside patched()")
            return super().__new__(cls)

    socket_.__name__ = socket_.__qualname__ = "socket"
    socket_.__module__ = "socket"
    _STANDS_FOR[socket_] = (_REAL_SOCKET,)
    return socket_


def _real_socket_new() -> staticmethod[..., Any]:
    """``socket.socket.__new__`` of the real class while blocks are open. A class that
    subclassed the real ``socket.socket`` before the block (PySocks' ``socksocket``, say) is not
    a subclass of the stand-in: in a simulated thread its instances would be real sockets,
    reaching the machine's real ports from inside the simulation. There it makes an instance
    of a class derived from it and ``SimSocket`` (``_sim_subclass``): the program's methods
    first, the simulated socket under them. Simulated sockets and other threads get the real
    allocation."""
    real_new = _REAL_SOCKET.__new__

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        if cls is not _REAL_SOCKET and not issubclass(cls, SimSocket) and thread_net() is not None:
            cls = _sim_subclass(cls)  # (the real class itself: the simulator's own placeholders)
        return real_new(cls, *args, **kwargs)

    return staticmethod(__new__)


def _real_socket_init() -> Callable[..., None]:
    """``socket.socket.__init__`` of the real class while blocks are open: for a simulated
    socket, ``SimSocket``'s. A subclass made before the block may call the real class's
    ``__init__`` by name (PySocks' ``_BaseSocket`` does) rather than through ``super()``."""
    real_init = _REAL_SOCKET.__init__

    def __init__(self: socket.socket, *args: Any, **kwargs: Any) -> None:
        if isinstance(self, SimSocket):
            SimSocket.__init__(self, *args, **kwargs)
        else:
            real_init(self, *args, **kwargs)

    return __init__


#: Not swapped by ``_real_socket_methods``: swapped on their own, or wrapped by others while
#: they are in use (``listen``: the real backend's loopback guard and ``real_listeners``).
_OWN_OR_SHARED = frozenset({"__init__", "__new__", "__del__", "listen"})


def _real_socket_methods() -> list[tuple[object, str, Any]]:
    """The real class's methods while blocks are open, for a simulated socket ``SimSocket``'s:
    a subclass made before the block may call them by name (PySocks' ``socksocket.bind`` calls
    ``_orig_socket.bind(self, ...)``), which would reach the C socket under the simulated one."""
    swaps: list[tuple[object, str, Any]] = []
    for name, ours in vars(SimSocket).items():
        if not inspect.isfunction(ours) or name in _OWN_OR_SHARED or not hasattr(_REAL_SOCKET, name):
            continue
        if name.startswith("__") and name not in ("__enter__", "__exit__", "__repr__"):
            continue
        swaps.append((_REAL_SOCKET, name, _either(getattr(_REAL_SOCKET, name), ours)))
    return swaps


def _either(real: Callable[..., Any], ours: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return (ours if isinstance(self, SimSocket) else real)(self, *args, **kwargs)

    method.__name__, method.__doc__ = getattr(real, "__name__", ""), real.__doc__
    return method


_SIM_SUBCLASSES: dict[type, type] = {}


def _sim_subclass(cls: type) -> type:
    try:
        return simulated_subclass(_SIM_SUBCLASSES, cls, SimSocket)
    except TypeError as exc:  # a layout SimSocket cannot share (its own __slots__, say)
        raise NotModelled(f"{cls.__module__}.{cls.__qualname__}, a subclass of socket.socket ({exc})") from None


#: Functions that take a descriptor (or an object with ``fileno()``) first. A simulated socket's
#: number (``kernel.FD_BASE`` and up) is no real descriptor: in a simulated thread the flag calls
#: ``fdcalls`` models act on the simulated socket, and the rest raise ``NotImplementedError``
#: for it instead of the host's ``EBADF`` (or acting on a real file).
_FD_FUNCTIONS = (
    ("os", ("get_inheritable", "set_inheritable", "get_blocking", "set_blocking", "fstat", "read", "write")),
    ("os", ("close", "dup", "dup2", "fsync", "ftruncate", "lseek", "isatty", "ttyname", "fdopen", "sendfile")),
    ("os", ("readv", "writev", "pread", "pwrite")),
    # the rest of os that takes a descriptor (cheroot fchmods its AF_UNIX listener), and the
    # calls that take one in place of a path: the host's EBADF for a simulated number was a
    # wrong answer; they are refused by name (fdcalls models none of them)
    ("os", ("fchmod", "fchown", "fstatvfs", "fdatasync", "fchdir", "fpathconf", "device_encoding")),
    ("os", ("posix_fadvise", "posix_fallocate", "stat", "chmod", "chown", "utime", "statvfs", "pathconf")),
    ("os", ("truncate", "listdir", "scandir")),
    ("fcntl", ("fcntl", "ioctl", "flock", "lockf")),
    ("io", ("open",)),  # open(fd) too: builtins.open is io.open
    ("builtins", ("open",)),
)


def _descriptor_of(value: object) -> Optional[int]:
    if isinstance(value, int):
        return value
    fileno = getattr(value, "fileno", None)
    if fileno is None:
        return None
    try:
        fd = fileno()
    except Exception:
        return None
    return fd if isinstance(fd, int) else None


#: Functions whose second argument is a descriptor too (``dup2(fd, fd2)``, ``sendfile(out, in, ...)``).
_SECOND_DESCRIPTOR = frozenset({"os.dup2", "os.sendfile"})


def _fd_guard(module: types.ModuleType, name: str) -> Callable[..., Any]:
    real = getattr(module, name)
    model = fdcalls.model_of(module.__name__, name)  # it refuses, by name, what it does not model
    takes_objects = module.__name__ == "fcntl"  # os functions take an int only (the real one's TypeError)
    second_is_fd = f"{module.__name__}.{name}" in _SECOND_DESCRIPTOR

    def simulated(net: Network, *args: Any, **kwargs: Any) -> Any:
        first = args[0] if args else None
        fd = _descriptor_of(first) if takes_objects or isinstance(first, int) else None
        if fd is not None and fd >= FD_BASE:
            return model(net, fd, *args[1:], **kwargs)
        if second_is_fd and len(args) > 1 and isinstance(args[1], int) and args[1] >= FD_BASE:
            raise NotModelled(f"{module.__name__}.{name}() between a real descriptor and a simulated socket's")
        return real(*args, **kwargs)

    return _dispatch(real, simulated)


def _fd_swaps() -> list[tuple[object, str, Any]]:
    swaps: list[tuple[object, str, Any]] = []
    for module_name, names in _FD_FUNCTIONS:
        try:
            module = __import__(module_name)
        except ImportError:  # fcntl: not on Windows hosts
            continue
        swaps += [(module, name, _fd_guard(module, name)) for name in names if hasattr(module, name)]
    return swaps


_REAL_FILE_IO = io.FileIO


def _make_dispatch_file_io_class() -> type:
    """``io.FileIO`` while blocks are open: in a simulated thread, ``FileIO(fd)`` of a simulated
    descriptor is that pipe end's or socket's raw stream (``fdcalls``); anything else, and
    every other thread, gets the host's class."""
    model = fdcalls.model_of("io", "FileIO")

    class FileIO(_REAL_FILE_IO, metaclass=_StandInMeta):  # type: ignore[metaclass]  # (typeshed: ABCMeta; at run time FileIO is a plain type)
        __doc__ = _REAL_FILE_IO.__doc__

        def __new__(cls, file: Any, mode: str = "r", closefd: bool = True, opener: Any = None) -> Any:
            net = _net()
            simulated = isinstance(file, int) and file >= FD_BASE and net is not None
            if cls is not _DISPATCH_FILE_IO[0]:
                if simulated:
                    raise NotModelled(f"a subclass of io.FileIO ({cls.__qualname__}) over a simulated descriptor")
                return super().__new__(cls, file, mode, closefd, opener)  # type: ignore[call-arg]
            if simulated:
                return model(net, file, mode, closefd, opener)
            return _REAL_FILE_IO(file, mode, closefd, opener)

    FileIO.__module__ = "_io"
    _STANDS_FOR[FileIO] = (_REAL_FILE_IO, pipes.DescriptorIO)  # what io.FileIO(fd) makes of a simulated one
    return FileIO


_DISPATCH_FILE_IO: list[Optional[type]] = [None]


def _replacements() -> list[tuple[object, str, Any]]:
    cls = _make_dispatch_socket_class()
    _DISPATCH[:] = [cls]
    swaps: list[tuple[object, str, Any]] = [(socket, "socket", cls), (_REAL_SOCKET, "__new__", _real_socket_new())]
    swaps.append((_REAL_SOCKET, "__init__", _real_socket_init()))
    swaps += _real_socket_methods()
    # The resolver and descriptor functions of the socket module, per calling thread's network.
    for name in MODULE_FUNCTIONS:
        if hasattr(socket, name):
            real = getattr(socket, name)
            swaps.append((socket, name, _dispatch(real, _module_function(name))))

    swaps += _c_module_swap()
    real_select = select.select
    dispatch_select = _dispatch(real_select, lambda net, *a: readiness.select(net, real_select, *a))
    swaps += [(select, "select", dispatch_select)]
    swaps += _selector_swaps(real_select)
    swaps += _view_swaps()
    if hasattr(select, "poll"):
        real_poll = select.poll
        dispatch_poll = _dispatch(
            real_poll, _where_it_exists("select.poll", lambda net: readiness.SimPoll(net, real_poll))
        )
        swaps += [(select, "poll", dispatch_poll)]
        if hasattr(selectors, "PollSelector"):
            swaps += [(selectors.PollSelector, "_selector_cls", staticmethod(dispatch_poll))]
    if hasattr(select, "epoll"):
        real_epoll = select.epoll
        dispatch_epoll = _dispatch(
            real_epoll,
            _where_it_exists("select.epoll", lambda net, *a, **k: readiness.SimEpoll(net, *a, **k, real=real_epoll)),
        )
        swaps += [(select, "epoll", dispatch_epoll)]
        if hasattr(selectors, "EpollSelector"):
            swaps += [(selectors.EpollSelector, "_selector_cls", staticmethod(dispatch_epoll))]
    # A BSD host's own kqueue: a simulated thread of darwin or freebsd gets the simulated one
    # through the module view (``_view_swaps``); one of linux or windows is refused here.
    for name, cls_name in (("kqueue", None), ("devpoll", "DevpollSelector")):
        if hasattr(select, name):
            refuse = _dispatch(getattr(select, name), _where_it_exists(f"select.{name}", refusing(f"select.{name}")))
            swaps += [(select, name, refuse)]
            if cls_name is not None and hasattr(selectors, cls_name):
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
    # modules that took time.monotonic at import (``from time import monotonic as time``)
    swaps += [(m, n, clocks["monotonic"]) for m, n in ((threading, "_time"), (queue, "time"), (socketserver, "time"))]
    swaps += _fd_swaps()
    _DISPATCH_FILE_IO[0] = file_io = _make_dispatch_file_io_class()
    swaps.append((io, "FileIO", file_io))
    swaps += [
        (signal, n, _dispatch(getattr(signal, n), _where_it_exists(f"signal.{n}", fn)))
        for n, fn in signal_patches().items()
        if hasattr(signal, n)
    ]
    if hasattr(os, "kill"):
        swaps.append((os, "kill", _dispatch(os.kill, refusing_self_signals(os.kill, "os.kill"))))
    from . import processes  # imported on first use: subprocess only when a block opens

    swaps += processes.replacements(_dispatch)
    swaps += _ssl_swap()
    from . import aio  # imported on first use: asyncio (and ssl with it) only when a block opens

    swaps += aio.replacements(_dispatch)
    swaps += pipes.replacements(_dispatch)
    kept = [
        (owner, name, new) for owner, name, new in swaps if name in ("__class__", "__getattr__") or hasattr(owner, name)
    ]
    return [
        (owner, name, _in_place_of(new, getattr(owner, name, None)))
        if isinstance(owner, types.ModuleType) and isinstance(new, types.FunctionType)
        else (owner, name, new)
        for owner, name, new in kept
    ]


def _in_place_of(swap: types.FunctionType, real: object) -> object:
    """A module function's swap, made to pass for the real one:
    - with its names, so code that finds a function again by them (pytest-benchmark's timer
      option: ``time.perf_counter``, by module and name) finds the swap while the swaps are in;
    - with its signature (``__wrapped__``: trio's tests bind ``getaddrinfo``'s arguments by it);
    - where the real one is a builtin or a class (``threading.Lock`` is one from Python 3.13),
      not a method when stored on a class, as neither is (werkzeug's ``lock_class =
      threading.Lock``, then ``self.lock_class()``): the swap wrapped in a
      ``functools.partial``, which does not bind."""
    if not callable(real):
        return swap
    # a Python function binds as a method, and so does the swap; a partial (C code, cheap to
    # call) does not
    passing: Any = swap if isinstance(real, types.FunctionType) else functools.partial(swap)
    for attr in ("__module__", "__name__", "__qualname__"):
        value = getattr(real, attr, None)
        if isinstance(value, str):
            setattr(passing, attr, value)
    passing.__doc__ = swap.__doc__
    passing.__wrapped__ = real  # inspect.signature() follows it: the real one's parameters
    return passing


class _CModule(types.ModuleType):
    """``socket.py``'s own name for the C module ``_socket``, with ``socketpair`` dispatched.
    ``socket.socketpair`` (Python code on POSIX hosts) calls ``_socket.socketpair`` and wraps
    the result in ``socket(...)``, both looked up when it runs; so a reference to it taken
    before the block (``from socket import socketpair``, as CPython's test_selectors does)
    makes a simulated pair in a simulated thread, and a real pair anywhere else."""

    def __init__(self, real: types.ModuleType, socketpair: Callable[..., Any]) -> None:
        super().__init__(real.__name__, real.__doc__)
        self._real = real
        self.socketpair = socketpair

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _c_module_swap() -> list[tuple[object, str, Any]]:
    real: Any = getattr(socket, "_socket", None)
    if real is None or not hasattr(real, "socketpair"):  # Windows hosts: the portable fallback
        return []
    return [(socket, "_socket", _CModule(real, _dispatch(real.socketpair, _module_function("socketpair"))))]


def _ssl_swap() -> list[tuple[object, str, Any]]:
    """``ssl.SSLSocket`` over a simulated socket (``SSLContext.wrap_socket``): CPython's
    ``SSLSocket`` code, with TLS through memory BIOs moved over the simulated socket (``tls``).
    A real socket, in any thread, gets CPython's own."""
    try:
        import ssl  # imported on first use, as asyncio (which imports it) is below
    except ImportError:  # a Python built without OpenSSL
        return []
    from . import tls

    real = vars(ssl.SSLSocket)["_create"].__func__

    def create(cls: type, sock: Any, *args: Any, **kwargs: Any) -> Any:
        return real(tls.sim_sslsocket_class(cls) if isinstance(sock, SimSocket) else cls, sock, *args, **kwargs)

    return [
        (ssl.SSLSocket, "_create", classmethod(create)),
        (ssl.SSLContext, "_wrap_socket", tls.wrap_socket_dispatch(ssl.SSLContext._wrap_socket)),  # type: ignore[attr-defined]
    ]


def _module_function(name: str) -> Callable[..., Any]:
    def call(net: Network, *args: Any, **kwargs: Any) -> Any:
        functions = net.__dict__.get("_module_functions")
        if functions is None:
            functions = net.__dict__["_module_functions"] = module_functions(net)
        return functions[name](*args, **kwargs)

    return call


_REPLACEMENTS: list[tuple[object, str, Any]] = []
# What ``_reassert`` looks at, per owner of swaps: its namespace (a live view, taken once), a
# getter of the swapped names, the names and the swaps in the same order, and the owner. Every
# scenario's block opens with the check, so it compares in C, a tuple per owner.
_WATCHED: list[
    tuple[Mapping[str, Any], Callable[[Mapping[str, Any]], Any], tuple[str, ...], tuple[Any, ...], object]
] = []


def _watch(replacements: list[tuple[object, str, Any]]) -> None:
    by_owner: dict[int, tuple[object, dict[str, Any]]] = {}
    for owner, name, new in replacements:
        if name != "__class__":
            by_owner.setdefault(id(owner), (owner, {}))[1][name] = new
    for owner, swaps in by_owner.values():
        _WATCHED.append((vars(owner), operator.itemgetter(*swaps), tuple(swaps), tuple(swaps.values()), owner))


def _install() -> None:
    global _blocks
    with _install_lock:
        _blocks += 1
        if _blocks > 1:
            _reassert()
            return
        # As a thread outside the simulation: what the host has and what each module really
        # holds, not what this thread's simulated OS shows (``_hiding_class``). Saving a name a
        # shown module hid as missing deleted it from the real module when the block closed.
        with outside():
            if not _REPLACEMENTS:  # built once: the swaps dispatch on the calling thread, so they can be reused
                _REPLACEMENTS.extend(_replacements())
                _watch(_REPLACEMENTS)
            for owner, name, new in _REPLACEMENTS:
                _saved.append((owner, name, type(owner) if name == "__class__" else vars(owner).get(name, _MISSING)))
                setattr(owner, name, new)


def _reassert() -> None:
    """Put back a swap that something replaced while the swaps were in: pytest-socket sets the
    real ``socket.socket`` back before each test (``enable_socket``), which, with the swaps
    held for a whole run (``--sockbehave-sim``), made real sockets inside the next block. What
    the swaps put back at the end stays what they found at first."""
    for namespace, get, names, swaps, owner in _WATCHED:
        if not _unchanged(namespace, get, swaps):
            for name, new in zip(names, swaps):
                if namespace.get(name, _MISSING) is not new:
                    setattr(owner, name, new)


def _unchanged(namespace: Mapping[str, Any], get: Callable[[Mapping[str, Any]], Any], swaps: tuple[Any, ...]) -> bool:
    """Whether an owner's swapped names all still hold their swaps (the common case, checked in C:
    a tuple compares each element by identity first)."""
    try:
        got = get(namespace)
        return bool((got if len(swaps) > 1 else (got,)) == swaps)  # itemgetter of one name: the value itself
    except Exception:  # a swapped name deleted, or an odd __eq__: the caller looks one by one
        return False


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


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Keep the swaps installed for a batch of ``ScenarioNetwork`` runs (``run_catalog`` on
    the simulator), so that each scenario's ``enter``/``close`` only counts instead of
    swapping some eighty attributes in and out (the ``errno`` view stays on too). Harmless to other threads: every swap
    dispatches on the calling thread, and outsiders get the real function."""
    global _view_holds
    _install()
    with _install_lock:
        _view_holds += 1
        if _view_holds == 1 and not _VIEWS:
            _view_on()
    try:
        yield
    finally:
        with _install_lock:
            _view_holds -= 1
            if not _view_holds and not _VIEWS:
                _view_off()
        _uninstall()


#: Virtual seconds that daemon threads waiting with a timeout get, once a ``patched()`` block's
#: body has ended, to end on their own: a thread pool's idle workers (trio's and anyio's wait
#: 10 s for work before they exit).
DAEMON_GRACE = 60.0


def _settle(net: Network, daemons_too: bool = True, end: str = "the end of the patched() block") -> None:
    """The block's body has ended: let the simulation finish, then name what is still blocked
    (daemon threads too, unless not ``daemons_too``: the interpreter's exit does not wait for
    them). Daemon threads that wait with a timeout get ``DAEMON_GRACE`` virtual seconds first."""
    sched = net.scheduler
    root = sched.root

    def others() -> list[Any]:
        return [t for t in sched.tasks() if t is not root]

    sched.wait_until(lambda: all(t.daemon for t in others()), None, f"{end} (waiting for non-daemon threads)")
    if not daemons_too:
        return
    sched.wait_until(lambda: not sched.ready_besides(root), None, end)
    if any(t.deadline is not None for t in others()):
        waiting = f"{end} (giving daemon threads that wait with a timeout {DAEMON_GRACE:g} s to end)"
        sched.wait_until(lambda: not others(), sched.clock.now + DAEMON_GRACE, waiting)
    blocked = others()
    if blocked:
        named = "; ".join(f"{t.name} ({t.what or 'not started'})" for t in blocked)
        raise ScenarioError(f"sim: thread(s) still blocked when the patched() block ended: {named}")


class _ErrnoModule(types.ModuleType):
    """The ``errno`` module's class while blocks are open: a simulated thread reads its OS's
    numbers (``errno.ECONNREFUSED == 10061`` on windows), every other thread the host's."""

    def __getattribute__(self, name: str) -> Any:
        net = thread_net()
        if net is not None:
            view = _ERRNO_VIEWS.get(net.profile.name)
            if view is not None and name in view:
                return view[name]
        return super().__getattribute__(name)


_HOST_EAI_NONAME: int = socket.EAI_NONAME


class _SocketModule(types.ModuleType):
    """The ``socket`` module's class while blocks are open: ``socket.EAI_NONAME`` is the number
    of a simulated thread's OS (``Profile.gai_noname``, the number its ``gaierror`` carries), so
    ``exc.errno == socket.EAI_NONAME`` holds there as on that OS; every other thread reads the
    host's. A property of the class, not ``__getattribute__``: every other ``socket.X`` stays a
    plain lookup."""

    @property
    def EAI_NONAME(self) -> int:
        net = thread_net()
        return _HOST_EAI_NONAME if net is None else net.profile.gai_noname[0]


_ERRNO_VIEWS: dict[str, dict[str, Any]] = {}  # profile name -> {attribute: value}
_VIEWS: list[tuple[Network, bool]] = []  # open blocks: (net, platform shown)
_HOST_VIEW: list[tuple[object, str, Any]] = []  # what the platform view and _blocking_errnos replaced
_view_holds = 0  # open held() batches: the errno view stays on between their networks


_ERRNO_CACHE: dict[int, tuple[Profile, tuple[dict[str, Any], frozenset[int]]]] = {}
#: The host's numbers for the errnos ``socket.SocketIO`` treats as "would block".
_HOST_BLOCKING = {name: getattr(errno, name) for name in ("EAGAIN", "EWOULDBLOCK")}


def _errno_views_of(net: Network) -> tuple[dict[str, Any], frozenset[int]]:
    """The ``errno`` module view of ``net``'s profile and its "would block" numbers (to add to
    ``socket._blocking_errnos``), computed once per profile."""

    def make() -> tuple[dict[str, Any], frozenset[int]]:
        numbers = errno_view(net.profile)
        view: dict[str, Any] = dict(numbers)
        view["errorcode"] = errorcode_view(net.profile)
        return view, frozenset(numbers.get(name, host) for name, host in _HOST_BLOCKING.items())

    return once_per_profile(_ERRNO_CACHE, net.profile, make)


def _apply_view(net: Network, platform: bool) -> None:
    """The ``errno`` module, per calling thread; ``sys.platform``/``os.name`` with ``platform``
    (values, not functions: they are the block's for every thread while it is open, so two
    blocks showing different platforms at once are refused)."""
    view, blocking = _errno_views_of(net)
    with _install_lock:
        if _VIEWS and (platform or any(shown for _, shown in _VIEWS)):
            others = [o.profile.name for o, _ in _VIEWS if o.profile.name != net.profile.name]
            if others:
                raise NotModelled(
                    f"patched({net.profile.name!r}, platform=True) while a patched({others[0]!r}) block is open "
                    "in another thread: sys.platform can show one OS at a time"
                )
        if not _VIEWS and not _view_holds:
            _view_on()
        _ERRNO_VIEWS[net.profile.name] = view
        # socket.SocketIO (makefile) computed these at import; added once (held() keeps them)
        if hasattr(socket, "_blocking_errnos") and not blocking <= socket._blocking_errnos:
            socket._blocking_errnos = set(socket._blocking_errnos) | blocking
        if platform and not any(shown for _, shown in _VIEWS):
            _HOST_VIEW.extend([(sys, "platform", sys.platform), (os, "name", os.name)])
            sys.platform = net.profile.sys_platform
            os.name = net.profile.os_name
        _VIEWS.append((net, platform))
        absent.hide(net, _net)


def _restore_view(net: Network) -> None:
    with _install_lock:
        if any(o is net for o, _ in _VIEWS):
            absent.show(net)
        _VIEWS[:] = [(o, shown) for o, shown in _VIEWS if o is not net]
        if not any(o.profile.name == net.profile.name for o, _ in _VIEWS):
            _ERRNO_VIEWS.pop(net.profile.name, None)
        if not any(shown for _, shown in _VIEWS):
            for owner, name, old in reversed(_HOST_VIEW[1:]):
                setattr(owner, name, old)
            del _HOST_VIEW[1:]
        if not _VIEWS and not _view_holds:
            _view_off()


def _view_on() -> None:
    errno.__class__ = _ErrnoModule
    if type(socket) is types.ModuleType:  # (before absent.hide, whose class derives from this one)
        socket.__class__ = _SocketModule
    _HOST_VIEW[:] = [(socket, "_blocking_errnos", vars(socket).get("_blocking_errnos", _MISSING))]


def _view_off() -> None:
    errno.__class__ = types.ModuleType
    if type(socket) is _SocketModule:
        socket.__class__ = types.ModuleType  # type: ignore[assignment]
    for owner, name, old in _HOST_VIEW:
        if old is _MISSING:
            if hasattr(owner, name):
                delattr(owner, name)
        else:
            setattr(owner, name, old)
    _HOST_VIEW.clear()


@contextlib.contextmanager
def patched(
    profile: str = "linux", seed: int = 0, platform: bool = False, trace: bool = False, epoch: Optional[float] = None
) -> Iterator[Network]:
    """Run unmodified code on the simulated stack: inside the block, the calling thread and
    every thread it starts use simulated sockets, ``select``/``selectors``, threading
    primitives, queues and thread pools, name resolution and virtual time (see the module
    docstring). ``socket.create_connection``, ``socketserver`` and ``concurrent.futures`` work
    on top. The ``errno`` module has the simulated OS's numbers while the block is open;
    ``platform=True`` also shows its ``sys.platform`` and ``os.name`` (off by default: other
    libraries change what they do by them). ``trace=True`` records the segments the block's
    sockets exchange in ``net.trace`` (``sim/trace.py``; not their calls: ``sim/traced.py``).
    ``time.time()`` starts at the real wall clock when the block opens and then moves in
    virtual time; ``epoch`` pins where it starts (seconds since 1970), for byte-identical runs.
    """
    net, default_timeout = _open(profile, seed, platform, trace, epoch, f"patched-{profile}")
    body_ok = False
    try:
        yield net
        body_ok = not net.scheduler.closed  # a simulation stopped in the body has said why there
        if body_ok:
            _settle(net)
    finally:
        _close(net, body_ok, default_timeout)


def _open(
    profile: str, seed: int, platform: bool, trace: bool, epoch: Optional[float], name: str
) -> tuple[Network, Optional[float]]:
    """Make a network and run the calling thread in it as its root task, with the swaps in place;
    also what ``socket.getdefaulttimeout()`` was, for ``_close``."""
    if _net() is not None:
        raise NotModelled("a patched() block inside another one in the same thread")
    net = Network(profile, seed=seed, name=name, trace=trace, epoch=epoch)
    real_listeners.watch(_REAL_SOCKET)  # from the first block on: the real servers this process starts
    net.real_listener = real_listeners.listening
    _apply_view(net, platform)
    default_timeout = socket.getdefaulttimeout()
    net.enter()  # this thread is the root task
    net.scheduler.patched = True
    _NETS[net.scheduler] = net
    _install()
    return net, default_timeout


def _close(net: Network, body_ok: bool, default_timeout: Optional[float]) -> None:
    """End ``net`` (``Network.close``: every simulated thread ends) and take the swaps back."""
    try:
        if body_ok:
            net.close()
        else:
            with contextlib.suppress(ScenarioError):  # the body's own exception matters more
                net.close()
    finally:
        _NETS.pop(net.scheduler, None)
        _uninstall()
        socket.setdefaulttimeout(default_timeout)  # a program's setdefaulttimeout stays inside
        _restore_view(net)


@contextlib.contextmanager
def stepped_out(net: Network) -> Iterator[None]:
    """Run a stretch of the block's own thread (its root task) outside the simulation, on
    the real modules, while every simulated thread stays where it waits: for what must outlive
    the block (a broader pytest fixture set up in the middle of a test's block)."""
    net.scheduler.step_out()
    try:
        yield
    finally:
        net.scheduler.step_in()


class LongSimulation:
    """One simulated host that outlives a ``patched()`` block. ``span()`` runs the calling
    thread on it, as a block's body runs; between spans that thread is outside it (the real
    modules) while the simulated threads it started stay where they wait, holding their
    sockets, and virtual time stands still. Every span must come from the thread of the first.
    At the end of a span the simulated threads that can run, run until each waits (a server
    finishes with the client that just left), so a span ends with only the caller running.
    ``close()`` waits, in virtual time, for the threads that are not daemons and ends the rest.

    For the pytest plugin's ``--sockbehave-sim-scope=session``: fixtures of every scope, and
    every test, on one simulated host, as a suite runs on one real machine."""

    def __init__(self, profile: str = "linux", seed: int = 0, epoch: Optional[float] = None) -> None:
        self.profile, self._seed, self._epoch = profile, seed, epoch
        self.net: Optional[Network] = None
        self._default_timeout: Optional[float] = None
        self._closed = False

    @contextlib.contextmanager
    def span(self) -> Iterator[Network]:
        """Run the calling thread on the simulated host until the ``with`` block ends."""
        if self._closed:
            raise ScenarioError(f"sim: this LongSimulation of {self.profile} was closed")
        if self.net is None:
            self.net, self._default_timeout = _open(
                self.profile, self._seed, False, False, self._epoch, f"session-{self.profile}"
            )
        else:
            if _net() is not None:
                raise NotModelled("a LongSimulation span inside a patched() block in the same thread")
            if self.net.scheduler.closed:
                why = self.net.scheduler.stuck or "it was closed"
                raise ScenarioError(f"sim: the simulated {self.profile} host was stopped in an earlier span: {why}")
            with _install_lock:
                _reassert()
            self.net.scheduler.step_in()
        net, sched = self.net, self.net.scheduler
        # A span's waits get the whole limit, whatever earlier spans used: one test that waits
        # for an hour must not leave every later test at the limit.
        limit = sched.max_virtual_time - sched.limit_start
        sched.limit_start = net.clock()
        sched.max_virtual_time = sched.limit_start + limit
        try:
            yield net
        finally:
            try:
                if not sched.closed:
                    sched.wait_until(
                        lambda: not sched.ready_besides(sched.root),
                        None,
                        "the end of a span (the other threads run until each waits)",
                    )
            finally:
                sched.step_out()  # even when it was stopped (a thread blocked in real code): the next span says why

    def close(self) -> None:
        """End the simulation once every thread that is not a daemon has finished, in virtual
        time; ``SimDeadlock`` names those that never can (a real interpreter would wait for
        them at exit for ever). Daemon threads still waiting end, as at a real exit."""
        if self._closed or self.net is None:
            self._closed = True
            return
        self._closed = True
        net = self.net
        ok = False
        try:
            if not net.scheduler.closed:
                net.scheduler.step_in()
                _settle(net, daemons_too=False, end="the end of the simulation")
            ok = True
        finally:
            _close(net, ok, self._default_timeout)


class ScenarioNetwork(Network):
    """A ``Network`` for a catalog scenario on ``--backend sim``: from the scenario's first
    ``enter()`` (in its own thread) until ``close()``, library code the scenario calls that
    uses ``socket.socket``, ``select``, ``time.sleep`` and the rest directly runs on this
    simulated host too, as inside ``patched()``; other threads keep the real modules."""

    _scoped = False
    # A scenario's sockets stay open until the net closes, as on the real backend: a helper's,
    # or the scenario's own once its function returns, were closed by the garbage collector
    # first (with a ResourceWarning each, a tenth of the catalog's time).
    holds_sockets = True

    def enter(self) -> None:
        self.scheduler.enter()  # Network.enter, without a second call: this runs on most simulated calls
        if not self._scoped:
            self._scoped = True
            self.scheduler.patched = True
            _NETS[self.scheduler] = self
            _apply_view(self, False)
            _install()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._scoped:
                self._scoped = False
                _NETS.pop(self.scheduler, None)
                _uninstall()
                _restore_view(self)
