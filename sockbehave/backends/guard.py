"""The loopback guard's policy and its second layer: audit hooks for code that bypasses ``net``.

Owns: what counts as a loopback address; which scenario a thread belongs to; and one
``sys.addaudithook`` hook (installed once per process, the first time a real-backend scenario
starts) that watches code calling ``socket``, ``subprocess`` and ``os`` directly. The first
layer, the guarded socket class behind ``net.socket()``, is ``loopback_socket``; killing child
processes is ``children``; the per-scenario bookkeeping is ``RealNet``'s (``real``).

While at least one scenario is active (between ``RealNet.enter()`` and ``RealNet.close()``):

========================================  ==============================================
audit event (all exist on 3.9-3.13)        what the hook does
========================================  ==============================================
``socket.bind/connect/sendto/sendmsg``     refuses an AF_INET/AF_INET6 address that is not
                                           loopback, and any family but those and AF_UNIX;
                                           binds an unbound socket to loopback port 0
                                           before ``sendto``/``sendmsg`` (the kernel would
                                           pick the wildcard)
``socket.getaddrinfo``, ``gethostbyname``  refuses a name that is not ``localhost`` or a
(``_ex``), ``gethostbyaddr``,              loopback literal: resolving it can send a DNS
``getnameinfo``                            query off the machine
``socket.__new__``                         refuses raw (``SOCK_RAW``) and non-IP, non-UNIX
                                           sockets; counts the scenario's sockets against
                                           its descriptor budget
``subprocess.Popen``                       adopts the ``Popen`` object (found in the calling
                                           frame, ``Popen._execute_child``'s ``self``) so
                                           ``RealNet.close()`` kills it
``os.system``, ``os.exec``, ``os.fork``,   refused: a shell's children cannot be tracked, and
``os.forkpty``, ``os.posix_spawn``,        forking or replacing a multi-threaded runner is
``os.spawn`` (Windows), ``os.startfile``   unsafe (``posix_spawn`` from inside
                                           ``subprocess.Popen`` is allowed: it is adopted)
========================================  ==============================================

Two calls the guard needs have no audit event on every supported Python, so while a scenario
is active the guard also wraps them on their classes, and puts the originals back when the
last scenario ends: ``socket.socket.listen`` binds a never-bound IP socket to loopback port 0
first (the kernel would bind the wildcard), and ``threading.Thread.start`` marks the new
thread as belonging to the starting thread's scenario.

Refusing raises ``LoopbackOnlyError`` (an address) or ``ForbiddenCallError`` (a call) *and*
records the refusal on the scenario's net, so the scenario is reported as an error naming the
call even if its code swallows the exception.

Attribution is by thread: ``RealNet.enter()`` and ``RealNet.spawn`` register theirs, and a
``threading.Thread`` inherits its starter's scenario. A call from a thread the guard cannot
attribute while scenarios run (one started with ``_thread`` directly, or one that existed
before the scenario) gets the strictest treatment: what needs an owner (starting a process) is
refused, and every refusal is recorded on *every* active scenario, each message saying it came
from an unattributed thread. A thread whose scenario already ended (a runaway) stays attributed
to it, so what needs a live owner is refused to it too.

When no scenario is active the hook returns after one truth test of a module global (about
0.1 us per audit event, ``benchmarks/guard_overhead.py``), and pytest, pytest-xdist and the simulator never
see it act. Audit hooks are a safety net against mistakes and casual bypasses, not a sandbox
(PEP 578): in-process code that sets out to defeat them can (``ctypes``, for one), and a few
calls raise no event at all (``setsockopt`` on a socket made without ``net``; a process started
through ``_posixsubprocess`` directly, as multiprocessing's spawn and forkserver methods do).
Run a catalog you do not trust inside a network namespace or a container as well.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any, Callable, Protocol

from ..errors import ForbiddenCallError, LoopbackOnlyError, ScenarioError

__all__ = ["Guarded", "activate", "attribute", "deactivate", "internal", "is_loopback_host", "loopback_host"]

#: Address families whose traffic stays on the machine when the address is checked.
_IP_FAMILIES = (socket.AF_INET, socket.AF_INET6)
_LOCAL_FAMILIES = tuple(f for f in (getattr(socket, "AF_UNIX", None),) if f is not None)
#: Flags a socket type may carry on top of its kind (Linux).
_TYPE_FLAGS = getattr(socket, "SOCK_NONBLOCK", 0) | getattr(socket, "SOCK_CLOEXEC", 0)
#: Socket kinds a scenario may not create: they bypass ports and can forge headers.
_REFUSED_TYPES = frozenset(t for t in (getattr(socket, "SOCK_RAW", None), getattr(socket, "SOCK_PACKET", None)) if t)


class Guarded(Protocol):
    """What the guard needs from a scenario's net (``RealNet`` provides it)."""

    scenario_id: str

    def refuse(self, message: str) -> None:
        """Record a refused call; the net reports it when the scenario ends."""
        ...

    def adopt_child(self, proc: subprocess.Popen[Any]) -> bool:
        """Take charge of a process the scenario started; False if the scenario is over."""
        ...

    def adopt_socket(self, sock: socket.socket, fresh: bool) -> None:
        """Count a socket made outside ``net.socket()``; raise if a fresh one breaks the budget."""
        ...


# -- addresses --------------------------------------------------------------------------
def is_loopback_host(host: object) -> bool:
    """True for ``localhost`` and any loopback literal (127/8, ``::1``, v4-mapped 127/8)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        addr = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped.is_loopback
    return addr.is_loopback


def loopback_host(family: int, towards: object = None) -> str:
    """The loopback address to bind a ``family`` socket to before it talks to ``towards``."""
    if family != socket.AF_INET6:
        return "127.0.0.1"
    return "::ffff:127.0.0.1" if isinstance(towards, str) and towards.lower().startswith("::ffff:") else "::1"


def never_bound(sock: socket.socket) -> bool:
    """True for an IP socket the kernel has not given a local address yet."""
    if sock.family not in _IP_FAMILIES:
        return False
    try:
        return bool(sock.getsockname()[1] == 0)
    except OSError:
        return False


# -- attribution --------------------------------------------------------------------------
_local = threading.local()
_lock = threading.Lock()
#: Nets of the scenarios running now. Its truth value is the hook's whole fast path.
_active: list[Guarded] = []
_installed = False
_INHERIT_ATTR = "_sockbehave_net"


def _owner() -> Guarded | None:
    net: Guarded | None = getattr(_local, "net", None)
    if net is None:
        net = getattr(threading.current_thread(), _INHERIT_ATTR, None)
    return net


def attribute(net: Guarded) -> None:
    """The calling thread belongs to ``net``'s scenario from now on."""
    _local.net = net


@contextlib.contextmanager
def internal() -> Iterator[None]:
    """Calls sockbehave itself makes on a scenario's behalf are not adopted (a peer process)
    or refused (``RealNet.resolve`` looking up the machine's own name)."""
    _local.internal = True
    try:
        yield
    finally:
        _local.internal = False


def activate(net: Guarded) -> None:
    """``net``'s scenario starts in the calling thread: install the hook once, switch it on."""
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        if net not in _active:
            if not _active:
                _patch()
            _active.append(net)
    attribute(net)


def deactivate(net: Guarded) -> None:
    """``net``'s scenario is over. Its threads, if any still run, stay attributed to it: while
    other scenarios run, whatever needs a live owner (a process) is refused to them."""
    with _lock:
        if net in _active:
            _active.remove(net)
            if not _active:
                _unpatch()
    if getattr(_local, "net", None) is net:
        _local.net = None


# -- refusing -----------------------------------------------------------------------------
def _refuse(what: str, why: str, error: type[ScenarioError]) -> ScenarioError:
    owner = _owner()
    if owner is not None:
        blamed, where = [owner], ""
    else:
        with _lock:
            blamed = list(_active)
        where = f" (from thread {threading.current_thread().name!r}, which no scenario started through net)"
    message = f"refused {what}{where}: {why}"
    for net in blamed:
        net.refuse(message)
    ids = ", ".join(n.scenario_id for n in blamed) or "?"
    return error(f"scenario {ids}: {message}")


def _check_address(event: str, sock: socket.socket, address: object) -> None:
    if address is None:  # sendmsg on a connected socket
        return
    family = sock.family
    if family in _LOCAL_FAMILIES:
        return
    what = f"{event} to {address!r}"
    if family not in _IP_FAMILIES:
        raise _refuse(what, f"address family {family!r} is not allowed on the real backend", LoopbackOnlyError)
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_loopback_host(host):
        raise _refuse(what, "the real backend touches loopback only", LoopbackOnlyError)
    if event in ("socket.sendto", "socket.sendmsg") and never_bound(sock):
        sock.bind((loopback_host(family, host), 0))


def _on_address(event: str) -> Callable[[tuple[Any, ...]], None]:
    return lambda args: _check_address(event, args[0], args[1])


def _on_name(event: str) -> Callable[[tuple[Any, ...]], None]:
    def check(args: tuple[Any, ...]) -> None:
        host = args[0][0] if event == "socket.getnameinfo" and isinstance(args[0], tuple) else args[0]
        if host is not None and not is_loopback_host(host) and not getattr(_local, "internal", False):
            raise _refuse(
                f"{event}({host!r})", "resolving a name can send a DNS query off the machine", LoopbackOnlyError
            )

    return check


def _on_new_socket(args: tuple[Any, ...]) -> None:
    sock, family, type_ = args[0], args[1], args[2]
    owner = _owner()
    if owner is None or getattr(sock, "_sockbehave_guarded", False):
        return  # unattributed threads may make sockets; net.socket() counts its own
    if family not in (-1, *_IP_FAMILIES, *_LOCAL_FAMILIES) or (type_ & ~_TYPE_FLAGS) in _REFUSED_TYPES:
        raise _refuse(
            f"socket({family!r}, {type_!r})", "only TCP, UDP and UNIX sockets are allowed", ForbiddenCallError
        )
    # A socket wrapping an existing descriptor (accept, dup, fromfd) is counted but never refused:
    # refusing it would leak the descriptor it was given.
    init = sys._getframe(2)
    fresh = not (init.f_code is _SOCKET_INIT and init.f_locals.get("fileno") is not None)
    owner.adopt_socket(sock, fresh)


_SOCKET_INIT = socket.socket.__init__.__code__


def _popen_in_stack() -> subprocess.Popen[Any] | None:
    frame = sys._getframe(2)
    for _ in range(6):
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, subprocess.Popen):
            return candidate
        if frame.f_back is None:
            break
        frame = frame.f_back
    return None


def _on_popen(args: tuple[Any, ...]) -> None:
    if getattr(_local, "internal", False):
        return
    what = f"subprocess.Popen({args[1]!r})"
    owner = _owner()
    if owner is None:
        raise _refuse(
            what, "a process must be started by a scenario's own thread, so it can be killed", ForbiddenCallError
        )
    proc = _popen_in_stack()
    if proc is None:
        raise _refuse(what, "the guard could not find the Popen object to kill later", ForbiddenCallError)
    if not owner.adopt_child(proc):
        raise _refuse(what, "the scenario is over", ForbiddenCallError)


def _call_text(event: str, args: tuple[Any, ...]) -> str:
    shown = (os.fsdecode(a) if isinstance(a, bytes) else a for a in args[:2])
    return f"{event}({', '.join(repr(a) for a in shown)})"


def _on_forbidden(event: str, why: str) -> Callable[[tuple[Any, ...]], None]:
    def refuse(args: tuple[Any, ...]) -> None:
        raise _refuse(_call_text(event, args), why, ForbiddenCallError)

    return refuse


_SHELL = "a shell's children cannot be tracked and killed; use subprocess.Popen with an argv list"
_FORK = "forking or replacing a multi-threaded runner is unsafe; use subprocess.Popen"


def _on_posix_spawn(args: tuple[Any, ...]) -> None:
    caller = sys._getframe(2)
    if caller.f_code.co_name == "_posix_spawn" and caller.f_globals.get("__name__") == "subprocess":
        return  # subprocess.Popen chose posix_spawn; the Popen event before it adopted the process
    raise _refuse(_call_text("os.posix_spawn", args), _FORK, ForbiddenCallError)


_HANDLERS: dict[str, Callable[[tuple[Any, ...]], None]] = {
    **{e: _on_address(e) for e in ("socket.bind", "socket.connect", "socket.sendto", "socket.sendmsg")},
    **{e: _on_name(e) for e in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr")},
    "socket.getnameinfo": _on_name("socket.getnameinfo"),
    "socket.__new__": _on_new_socket,
    "subprocess.Popen": _on_popen,
    "os.system": _on_forbidden("os.system", _SHELL),
    "os.startfile": _on_forbidden("os.startfile", _SHELL),
    **{e: _on_forbidden(e, _FORK) for e in ("os.exec", "os.fork", "os.forkpty", "os.spawn")},
    "os.posix_spawn": _on_posix_spawn,
}


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active:
        return
    handler = _HANDLERS.get(event)
    if handler is not None:
        handler(args)


# -- the two calls without an audit event -----------------------------------------------------
def _guarded_listen(self: socket.socket, *backlog: int) -> None:
    if _active and never_bound(self):
        self.bind((loopback_host(self.family), 0))
    _ORIGINALS[socket.socket, "listen"](self, *backlog)


def _guarded_start(self: threading.Thread) -> None:
    owner = _owner()
    if owner is not None:
        setattr(self, _INHERIT_ATTR, owner)
    _ORIGINALS[threading.Thread, "start"](self)


#: (class, method) -> the guard's wrapper, installed while at least one scenario is active.
_WRAPPERS: dict[tuple[type, str], Callable[..., None]] = {
    (socket.socket, "listen"): _guarded_listen,
    (threading.Thread, "start"): _guarded_start,
}
#: (class, method) -> what the class had before (its own attribute, or None if inherited).
_OWN_BEFORE: dict[tuple[type, str], Any] = {}
#: (class, method) -> the function the wrapper calls.
_ORIGINALS: dict[tuple[type, str], Callable[..., None]] = {key: getattr(*key) for key in _WRAPPERS}


def _patch() -> None:
    for (cls, name), wrapper in _WRAPPERS.items():
        _OWN_BEFORE[cls, name] = vars(cls).get(name)
        _ORIGINALS[cls, name] = getattr(cls, name)
        setattr(cls, name, wrapper)


def _unpatch() -> None:
    for (cls, name), wrapper in _WRAPPERS.items():
        if vars(cls).get(name) is not wrapper:
            continue  # someone replaced it since: leave theirs alone
        before = _OWN_BEFORE.pop((cls, name), None)
        if before is None:
            delattr(cls, name)
        else:
            setattr(cls, name, before)
