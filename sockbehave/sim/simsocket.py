"""The thin layer that makes a simulated kernel socket a ``socket.socket``.

Owns: Python's socket semantics on top of the kernel. ``SimSocket`` subclasses
``socket.socket`` without ever opening a real descriptor (CPython's ``socket.__new__`` leaves
the descriptor at -1 until ``__init__``, which ``SimSocket`` never passes on), so
``isinstance`` checks, subclasses, ``makefile`` and ``ssl``'s import all see a real class.
Every public method of ``socket.socket`` is overridden here, implemented or raising
``NotImplementedError`` naming itself; none reaches the C socket. It owns timeouts (``None``
blocks, ``0.0`` is non-blocking, a number waits that long in virtual time), CPython's argument
validation (the same exception types and messages), address tuples and name resolution
through ``resolver``, option constants, ``sendall``, closing on garbage collection (with
CPython's ``ResourceWarning``). ``raise_errno`` gives the exception CPython raises on the
simulated OS for a kernel errno (built by ``oserrors``).

For ``patched()`` it provides ``thread_net()`` (the simulation the calling thread belongs to,
which a ``SimSocket`` made by ``socket.socket(...)`` lives on) and ``module_functions(net)``
(``getaddrinfo``, ``gethostname``, ``socketpair``, ``dup``, ...) to swap into the module.
"""

from __future__ import annotations

import _socket
import builtins
import contextlib
import io
import math
import operator
import os
import socket
import stat
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Optional, Protocol, TypeVar, cast

from . import buffered, rights, unixdgram, unixpaths, urgent
from .buffers import bytes_view
from .captured import refuse_outside_imports
from .clock import Scheduler, current_task
from .kernel import DGRAM, FD_BASE, STREAM, Kernel, KernelError, KSock, Netlink, NotModelled, UnsureRoom, WouldBlock
from .oserrors import exception_for
from .profiles import Profile
from .resolver import Resolver


class SimHost(Protocol):
    """What a simulated socket needs from its host (``network.Network`` provides it), so this
    module imports only the layers below it."""

    profile: Profile
    kernel: Kernel
    scheduler: Scheduler
    resolver: Resolver
    real_listener: Optional[Callable[[str, int], Optional[str]]]

    def enter(self) -> None: ...

    def track(self, sock: SimSocket) -> None: ...

    def hold(self, sock: SimSocket) -> None: ...

    def unhold(self, sock: SimSocket) -> None: ...

    def clock(self) -> float: ...

    def errno_name(self, number: int) -> str: ...


__all__ = [
    "SO_EXCLUSIVEADDRUSE",
    "SO_REUSEPORT",
    "SimSocket",
    "module_functions",
    "o_nonblock",
    "raise_errno",
]

T = TypeVar("T")

#: Windows' SO_EXCLUSIVEADDRUSE (``~SO_REUSEADDR`` there); the host may not define it.
SO_EXCLUSIVEADDRUSE: int = getattr(socket, "SO_EXCLUSIVEADDRUSE", -5)
#: SO_REUSEPORT, with Linux's value where the host has none (a Windows host simulating Linux).
SO_REUSEPORT: int = getattr(socket, "SO_REUSEPORT", 15)
_NONBLOCK: int = getattr(socket, "SOCK_NONBLOCK", 0)
_CLOEXEC: int = getattr(socket, "SOCK_CLOEXEC", 0)
_NO_FLAGS = ~(_NONBLOCK | _CLOEXEC)
#: The per-call flags a profile may model (``Profile.recv_flags``/``send_flags``), by name; a
#: host without one (a Windows host has no MSG_DONTWAIT) cannot pass it either.
#: Plain ints: a ``socket.MsgFlag`` in ``&`` costs microseconds of enum code on every call.
_CALL_FLAGS: dict[str, int] = {
    n: int(getattr(socket, n))
    for n in ("MSG_PEEK", "MSG_DONTWAIT", "MSG_OOB", "MSG_MORE", "MSG_CMSG_CLOEXEC")
    if hasattr(socket, n)
}
_PEEK = _CALL_FLAGS.get("MSG_PEEK", 0)
_DONTWAIT = _CALL_FLAGS.get("MSG_DONTWAIT", 0)
_OOB = _CALL_FLAGS.get("MSG_OOB", 0)
_MORE = _CALL_FLAGS.get("MSG_MORE", 0)
_CMSG_CLOEXEC = _CALL_FLAGS.get("MSG_CMSG_CLOEXEC", 0)
_INT_MAX = 2**31 - 1

#: Options getsockopt reads and setsockopt refuses (``NotImplementedError``, by name).
_READ_ONLY_OPTIONS = ("SO_TYPE", "SO_ACCEPTCONN", "SO_DOMAIN", "SO_PROTOCOL", "SO_PEERCRED")
_OPTIONS: dict[tuple[int, int], str] = {
    (socket.SOL_SOCKET, socket.SO_REUSEADDR): "SO_REUSEADDR",
    (socket.SOL_SOCKET, SO_REUSEPORT): "SO_REUSEPORT",
    (socket.SOL_SOCKET, socket.SO_LINGER): "SO_LINGER",
    (socket.SOL_SOCKET, socket.SO_KEEPALIVE): "SO_KEEPALIVE",  # stored only: no keepalive probe is modelled
    (socket.SOL_SOCKET, socket.SO_BROADCAST): "SO_BROADCAST",  # permits sending to a broadcast address (kernel.py)
    (socket.SOL_SOCKET, socket.SO_OOBINLINE): "SO_OOBINLINE",  # how urgent data is read (urgent)
    (socket.SOL_SOCKET, socket.SO_RCVBUF): "SO_RCVBUF",
    (socket.SOL_SOCKET, socket.SO_SNDBUF): "SO_SNDBUF",
    (socket.SOL_SOCKET, socket.SO_ERROR): "SO_ERROR",
    (socket.SOL_SOCKET, socket.SO_TYPE): "SO_TYPE",  # read-only (ssl's wrap_socket asks it)
    # read-only: whether the socket listens (trio's SocketListener asks it); Profile.acceptconn_listening
    **({(socket.SOL_SOCKET, socket.SO_ACCEPTCONN): "SO_ACCEPTCONN"} if hasattr(socket, "SO_ACCEPTCONN") else {}),
    # read-only: the socket's family and protocol (trio's fromfd asks them); Profile.identity_options
    **{
        (socket.SOL_SOCKET, getattr(socket, name)): name
        for name in ("SO_DOMAIN", "SO_PROTOCOL")
        if hasattr(socket, name)
    },
    # read-only: the peer process's credentials (cheroot's peercreds); UnixPairFacts.peercred
    **({(socket.SOL_SOCKET, socket.SO_PEERCRED): "SO_PEERCRED"} if hasattr(socket, "SO_PEERCRED") else {}),
    (socket.SOL_SOCKET, SO_EXCLUSIVEADDRUSE): "SO_EXCLUSIVEADDRUSE",
    # only unbinding is modelled (Profile.null_optval): binding to a device is NotImplementedError
    **({(socket.SOL_SOCKET, socket.SO_BINDTODEVICE): "SO_BINDTODEVICE"} if hasattr(socket, "SO_BINDTODEVICE") else {}),
    (socket.IPPROTO_IPV6, socket.IPV6_V6ONLY): "IPV6_V6ONLY",
    # bind() takes an address and no port (Profile.bind_address_no_port; trio sets it; Linux's
    # number where the host's CPython has none)
    (socket.IPPROTO_IP, getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)): "IP_BIND_ADDRESS_NO_PORT",
    (socket.IPPROTO_TCP, socket.TCP_NODELAY): "TCP_NODELAY",  # turns off Nagle's algorithm (kernel.py)
    # when a socket counts as writable, and how much a send takes (Profile.notsent_lowat; trio sets it)
    **(
        {(socket.IPPROTO_TCP, socket.TCP_NOTSENT_LOWAT): "TCP_NOTSENT_LOWAT"}
        if hasattr(socket, "TCP_NOTSENT_LOWAT")
        else {}
    ),
    # stored and read back (Profile.keepalive_tunables): no keepalive probe is ever sent
    **{
        (socket.IPPROTO_TCP, getattr(socket, name)): name
        for name in ("TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT")
        if hasattr(socket, name)
    },
}
OPTION_VALUES = {name: opt for (_, opt), name in _OPTIONS.items()}
_KINDS: dict[int, str] = {int(socket.SOCK_STREAM): STREAM, int(socket.SOCK_DGRAM): DGRAM}
_SOCKET_KINDS = {int(k): k for k in (socket.SOCK_STREAM, socket.SOCK_DGRAM)}
_FAMILIES = {int(f): f for f in (socket.AF_INET, socket.AF_INET6)}
#: Linux's AF_NETLINK (``Profile.netlink_sockets``), with Linux's number where the host has none.
_NETLINK: Any = getattr(socket, "AF_NETLINK", 16)
_NETLINK_KINDS = (int(socket.SOCK_DGRAM), int(getattr(socket, "SOCK_RAW", 3)))
_NETLINK_REFUSAL = "what an AF_NETLINK socket does (making and closing one is modelled, nothing else)"
_PROTOS: dict[str, tuple[int, ...]] = {STREAM: (0, socket.IPPROTO_TCP), DGRAM: (0, socket.IPPROTO_UDP)}


def raise_errno(net: SimHost, name: str) -> OSError:
    """The exception CPython raises on ``net``'s OS for errno ``name`` (to be raised by the caller)."""
    return exception_for(net.profile, name)


def _would_block() -> None:
    raise WouldBlock


def _c_int(value: Any) -> int:
    """``value`` read as a C integer, with the TypeError this CPython gives for a non-integer."""
    try:
        return operator.index(value)
    except TypeError:
        if sys.version_info < (3, 10):  # CPython 3.9's PyLong_AsLong message
            raise TypeError(f"an integer is required (got type {value.__class__.__name__})") from None
        raise


def _option_value(value: Any) -> int | bytes:
    """``setsockopt``'s value as CPython reads it: a C int if it is an integer that fits one,
    else a buffer (its TypeError names the type, for an integer out of range too)."""
    with contextlib.suppress(TypeError):
        number = operator.index(value)
        if -(2**31) <= number < 2**31:
            return number
    try:
        return bytes(memoryview(value))
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(value).__name__}'") from None


def _ssize(value: Any) -> int:
    """``value`` read as CPython's "n" argument (a C ``Py_ssize_t``), with its errors."""
    if sys.version_info < (3, 10) and isinstance(value, float):
        raise TypeError("integer argument expected, got float")
    number = operator.index(value)  # "'float' object cannot be interpreted as an integer"
    if not -(2**63) <= number < 2**63:
        raise OverflowError("Python int too large to convert to C ssize_t")
    return number


def _buffer_size(value: Any, what: str) -> int:
    """A receive size, converted and checked as CPython's ``recv`` family does first."""
    number = _ssize(value)
    if number < 0:
        raise ValueError(f"negative buffersize in {what}")
    return number


def _ancillary_items(ancdata: Any) -> list[Any]:
    """CPython's checks on ``sendmsg``'s ancillary data (``Modules/socketmodule.c``
    sock_sendmsg: an iterable of (int level, int type, bytes-like data) sequences), with its
    exception types, before anything is sent: malformed data is a ``TypeError`` as on a real
    socket, well-formed data is what the simulator does not model."""
    try:
        items = list(ancdata)
    except TypeError:
        raise TypeError("sendmsg() argument 2 must be an iterable") from None
    for item in items:
        if not isinstance(item, Sequence) or len(item) != 3:
            raise TypeError(
                "[sendmsg() ancillary data items]() argument must be sequence of length 3, "
                f"not {item.__class__.__name__}"
            )
        _c_int(item[0])
        _c_int(item[1])
        bytes_view(item[2])
    return items


_AF_UNIX = getattr(socket, "AF_UNIX", None)
#: What a socket pair's ends say their family is (``Kernel.unix_pair``): the host's AF_UNIX, or
#: 1 (every POSIX system's number) on a host whose CPython has none.
_UNIX_FAMILY: Any = socket.AF_UNIX if _AF_UNIX is not None else 1


def _is_real_descriptor(fd: int) -> bool:
    """Whether this process really has descriptor ``fd`` open (a number below ``FD_BASE``)."""
    try:
        os.fstat(fd)
    except (OSError, OverflowError):
        return False
    return True


def _is_real_socket(fd: int) -> bool:
    """Whether this process's open descriptor ``fd`` is a socket (one that cannot be asked counts as one)."""
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return True


class _WhereCPythonHasIt:
    """A method of ``socket.socket`` that some OS's CPython lacks (``Profile.stdlib_names``,
    key ``socket.socket.NAME``: Windows' has no ``sendmsg``, ``recvmsg`` or ``recvmsg_into``).
    In a simulation of such an OS reading it raises ``AttributeError``, as there, so ``hasattr``
    takes the other branch; everywhere else it is the plain method."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self._func = func
        self.__doc__ = func.__doc__

    def __get__(self, obj: Optional[SimSocket], owner: Optional[type] = None) -> Any:
        net = thread_net() if obj is None else obj._net
        if net is not None and net.profile.lacks("socket.socket", self._func.__name__):
            what = "type object 'socket'" if obj is None else "'socket' object"
            raise AttributeError(f"{what} has no attribute '{self._func.__name__}'")
        return self._func if obj is None else self._func.__get__(obj, owner)


class SimSocket(socket.socket):
    """``socket.socket`` on a simulated kernel. Made by ``Network.socket()``, or by
    ``socket.socket(...)`` inside ``patched()`` (the calling thread's simulation)."""

    #: Held open by its network until it closes (``Network.hold``); what it accepts or
    #: duplicates is held too.
    _net_held = False

    def __init__(self, family: int = -1, type: int = -1, proto: int = -1, fileno: Optional[int] = None) -> None:
        net = thread_net()
        if net is None:
            raise TypeError("SimSocket objects come from Network.socket() or socket.socket inside patched()")
        refuse_outside_imports()
        if fileno is None:
            self._setup(net, None, family, type, proto)
        else:  # socket.socket(fileno=...) and socket.fromfd: a descriptor of this simulation
            if _c_int(fileno) < 0:
                raise ValueError("negative file descriptor")
            net.enter()
            ks = net.kernel.fds.get(fileno)
            if ks is None or ks.closed:
                if fileno < FD_BASE and _is_real_descriptor(fileno):
                    if not _is_real_socket(fileno):  # CPython reads the family from it first: ENOTSOCK
                        raise raise_errno(net, "ENOTSOCK")
                    raise NotModelled("socket(fileno=) of a real socket in a simulated thread")
                raise raise_errno(net, "EBADF")
            kinds = {v: k for k, v in _KINDS.items()}
            # AF_UNIX over a simulated descriptor: socket.py's own socketpair() re-wrapping a
            # pair it asked for as AF_UNIX (the POSIX default): the descriptor's own family
            given = -1 if family == _AF_UNIX else family
            self._setup(
                net,
                (ks, fileno),
                ks.family if given == -1 else given,
                kinds[ks.kind] if type == -1 else type,
                proto,
            )

    @classmethod
    def _wrap(cls, net: SimHost, ks: KSock, family: int) -> SimSocket:
        """A socket object for a kernel socket made by another call (``Kernel.unix_pair``,
        ``unixdgram.pair``)."""
        sock = cls.__new__(cls)
        sock._setup(net, (ks, ks.fd), family, socket.SOCK_STREAM if ks.kind == STREAM else socket.SOCK_DGRAM, 0)
        return sock

    @classmethod
    def _create(cls, net: SimHost, family: int, type: int, proto: int = 0) -> SimSocket:
        """A new socket on ``net`` (``Network.socket``), whatever thread calls it."""
        sock = cls.__new__(cls)
        sock._setup(net, None, family, type, proto)
        return sock

    def _setup(self, net: SimHost, existing: Optional[tuple[KSock, int]], family: int, type: int, proto: int) -> None:
        family = socket.AF_INET if family == -1 else family
        if family == _NETLINK and existing is None and net.profile.netlink_sockets:
            self._setup_netlink(net, type, proto)
            return
        type = socket.SOCK_STREAM if type == -1 else type
        proto = 0 if proto == -1 else proto
        fam = _FAMILIES.get(family)
        if fam is None and family == _UNIX_FAMILY and net.profile.unix_pairs is not None:
            kinds = (
                (socket.SOCK_STREAM, socket.SOCK_DGRAM)
                if net.profile.unix_dgrams is not None
                else (socket.SOCK_STREAM,)
            )
            if type & _NO_FLAGS not in kinds:
                raise NotModelled(f"AF_UNIX sockets other than {' and '.join(k.name for k in kinds)}")
            fam = _UNIX_FAMILY  # a pair's end (Kernel.unix_pair), a named socket (unixpaths), a datagram one
        if fam is None:
            raise NotModelled(f"address family {_name(socket.AddressFamily, family)}")
        bare = type & _NO_FLAGS  # CPython 3.7+ hides the flags in .type
        kind = _KINDS.get(bare)
        if kind is None:
            raise NotModelled(f"socket type {_name(socket.SocketKind, bare)}")
        if proto not in _PROTOS[kind]:
            raise NotModelled(f"protocol {proto} for {kind.upper()} sockets")
        self._net = net
        self._family = fam
        self._type = _SOCKET_KINDS[bare]
        self._proto = proto
        self._timeout: Optional[float] = 0.0 if type & _NONBLOCK else socket.getdefaulttimeout()
        self._io_refs = 0
        self._closed = False
        if existing is None:
            net.enter()
            self._k = net.kernel.socket(family, kind, unix=fam == _UNIX_FAMILY)
            self._fd = self._k.fd
            self._k.nonblock = self._timeout is not None  # socket(SOCK_NONBLOCK), or set as CPython does
        else:
            self._k, self._fd = existing
            if self._timeout is not None and not type & _NONBLOCK:  # CPython's init_sockobject
                self._k.nonblock = True
        net.track(self)

    def _setup_netlink(self, net: SimHost, type: int, proto: int) -> None:
        """An AF_NETLINK socket: a descriptor and its identity; everything it would do refuses
        (``_NetlinkSide``), closing it does not."""
        bare = type & _NO_FLAGS
        if bare not in _NETLINK_KINDS or proto not in (0, -1):
            raise NotModelled("AF_NETLINK sockets other than SOCK_DGRAM or SOCK_RAW of NETLINK_ROUTE (protocol 0)")
        net.enter()
        self._net = net
        self._family = _NETLINK
        self._type = socket.SocketKind(bare)
        self._proto = 0
        self._timeout = 0.0 if type & _NONBLOCK else socket.getdefaulttimeout()
        self._io_refs = 0
        self._closed = False
        self._k = cast(KSock, _NetlinkSide(self._timeout is not None))
        self._fd = net.kernel.new_object_fd(Netlink())
        net.track(self)

    # -- identity -------------------------------------------------------------------------
    @property
    def family(self) -> socket.AddressFamily:
        return self._family

    @property
    def type(self) -> socket.SocketKind:
        return self._type

    @property
    def proto(self) -> int:
        return self._proto

    @property
    def timeout(self) -> Optional[float]:
        return self._timeout

    def fileno(self) -> int:
        return self._fd

    def __repr__(self) -> str:
        # CPython's format (Lib/socket.py socket.__repr__) over the simulated fileno(), family,
        # type, getsockname() and getpeername(), so a program that prints a socket prints what it
        # would. An address the simulation does not know is shown so: CPython's repr catches only
        # OSError, and repr() must not raise (warnings and logs print sockets).
        cls = type(self)
        parts = [
            f"<{cls.__module__}.{cls.__qualname__}{' [closed]' if self._closed else ''} fd={self.fileno()}",
            f"family={self.family!s}",
            f"type={self.type!s}",
            f"proto={self.proto}",
        ]
        if not self._closed:
            for label, ask in (("laddr", self.getsockname), ("raddr", self.getpeername)):
                try:
                    address = ask()
                except OSError:
                    continue
                except NotImplementedError:
                    address = f"<not modelled on {self._net.profile.name}>"
                if address:
                    parts.append(f"{label}={address}")
        return ", ".join(parts) + ">"

    def _described(self) -> str:
        """The repr, tagged with the simulated OS, for the simulator's own messages."""
        return repr(self)[:-1] + f" (sim {self._net.profile.name})>"

    def __del__(self) -> None:
        fd = self.__dict__.get("_fd", -1)
        if fd == -1:
            return
        with contextlib.suppress(Exception):  # a finalizer must not raise (interpreter shutdown)
            warnings.warn(f"unclosed {self._finalizer_repr()}", ResourceWarning, stacklevel=2, source=self)
        self._fd = -1
        self._net.kernel.release_later(fd)

    def _finalizer_repr(self) -> str:
        """CPython's repr, built without entering the scheduler: a finalizer runs in whatever
        thread the garbage collector interrupts, at any point (even in the middle of a
        hand-off), so it must never wait for the baton (that lost a hand-off and hung)."""
        k = self.__dict__.get("_k")
        parts = [f"fd={self.__dict__.get('_fd', -1)}", f"family={int(self._family)}", f"type={int(self._type)}"]
        parts.append(f"proto={self._proto}")
        if k is not None and k.local is not None:
            parts.append(f"laddr={self._shown(k.local)}")
        if k is not None and k.remote is not None:
            parts.append(f"raddr={self._shown(k.remote)}")
        return f"<socket.socket {', '.join(parts)}>"

    def _abandon(self) -> None:
        """The network is gone: forget the descriptor without a warning or a kernel call."""
        self._fd = -1
        self._closed = True

    # -- plumbing -----------------------------------------------------------------------
    def _ks(self) -> KSock:
        """This socket's kernel socket, entering the simulation; a closed one fails as the OS does."""
        net = self._net
        # Only the scheduler's baton check: the network itself was entered when this socket
        # was set up (``_setup``; a network's first ``enter`` may do more, see ``patching``).
        net.scheduler.enter()
        net.kernel.flush()
        if self._fd == -1:
            raise raise_errno(net, net.profile.closed_socket_error)
        return self._k

    def _kernel(self, fn: Callable[[KSock], T]) -> T:
        ks = self._ks()
        try:
            return fn(ks)
        except KernelError as exc:
            raise raise_errno(self._net, exc.name) from None

    def _deadline(self) -> Optional[float]:
        return None if self._timeout is None else self._net.clock() + self._timeout

    def _returns_at_once(self, flags: int = 0) -> bool:
        """Whether a call that cannot complete fails at once instead of waiting: timeout 0, or
        no timeout with MSG_DONTWAIT or with O_NONBLOCK on the descriptor (``fcntl``,
        ``os.set_blocking``, an inheriting accept), where CPython makes the system call and
        raises its error (Modules/socketmodule.c sock_call_ex, internal_connect)."""
        if self._timeout is not None:
            return self._timeout == 0.0
        return bool(flags & _DONTWAIT) or o_nonblock(self._net, self._k)

    def _wait(
        self,
        ready: Callable[[], bool],
        deadline: Optional[float],
        what: str,
        flags: int = 0,
        restartable: bool = True,
        unsure: Optional[str] = None,
    ) -> None:
        """Wait for ``ready`` as the timeout allows: EAGAIN when non-blocking, else a timeout.
        MSG_DONTWAIT in ``flags`` makes a blocking socket's call non-blocking; with a timeout,
        CPython waits for readiness before each try (sock_call_ex), so the flag changes nothing.
        ``unsure``: the real OS may not have made this wait (room in an AF_UNIX pair past what
        the model knows): only other threads may run meanwhile, and where time would have to
        move on, or the call would not wait, ``unsure`` is not modelled."""
        if unsure is not None and self._returns_at_once(flags):
            raise NotModelled(unsure)
        if self._returns_at_once(flags):
            # A call that found nothing to do: a poll (see Scheduler.poll_point), so a loop
            # that retries it cannot starve the thread it waits for. (No socket in the text: a
            # task polling is never waiting when a deadlock is reported, and a repr costs.)
            self._net.scheduler.poll_point(f"{what}() that would block")
            raise raise_errno(self._net, "EAGAIN")
        if self._timeout is not None and not self._k.nonblock:
            # CPython would make a blocking system call after select(): it may wait past the timeout
            raise NotModelled(f"{what}() with a timeout on a descriptor made blocking by fcntl or os.set_blocking")
        # A blocking call (no timeout) is one system call, which SA_RESTART restarts; with a
        # timeout CPython waits in poll() first, which a signal always interrupts (signal(7)).
        restartable = restartable and self._timeout is None
        stalled = (
            f"{unsure}: a blocking {what}() found no room, and no other thread could make some without time moving on"
        )
        on_stall = None if unsure is None else (lambda: NotModelled(stalled))
        if not self._net.scheduler.wait_until(
            ready, deadline, f"{what}() on {self._described()}", restartable, on_stall
        ):
            if unsure is not None:
                raise NotModelled(stalled)
            raise socket.timeout("timed out")

    def _blocking(self, what: str, attempt: Callable[[KSock], T], ready: Callable[[KSock], bool], flags: int = 0) -> T:
        """Try ``attempt``; while the kernel says WouldBlock, wait as the timeout allows."""
        ks = self._ks()
        deadline = self._deadline()
        k = self._net.kernel
        waited = False
        k.begin_wait(ks)  # a close from another thread meanwhile: the profile says what happens
        try:
            while True:
                try:
                    if waited:
                        k.check_woken(ks, what)
                    result = attempt(ks)
                    if waited:
                        self._net.scheduler.run_interrupts()  # handlers SA_RESTART held back
                    return result
                except KernelError as exc:
                    raise raise_errno(self._net, exc.name) from None
                except WouldBlock:
                    self._wait(lambda: ready(ks), deadline, what, flags)
                    waited = True
        finally:
            k.end_wait(ks)

    def _host(self, host: Any, what: str) -> str:
        if type(host) is not str:  # a plain str (most calls) needs neither check
            if isinstance(host, (bytes, bytearray)):
                host = self._net.resolver.bytes_host(bytes(host))
            if not isinstance(host, str):
                raise TypeError(f"str, bytes or bytearray expected, not {host.__class__.__name__}")
        if host == "":
            return "::" if self._family == socket.AF_INET6 else "0.0.0.0"  # noqa: S104 - simulated
        if host == "<broadcast>":
            raise NotModelled("broadcast ('<broadcast>')")
        return self._net.resolver.address(host, self._family)

    def _address(self, address: Any, what: str) -> tuple[str, int]:
        """CPython's getsockaddrarg: the same checks, exception types and messages."""
        if self._family == _UNIX_FAMILY:
            raise NotModelled(f"AF_UNIX addresses (a path given to {what}())")
        if self._family == _NETLINK:
            raise NotModelled(_NETLINK_REFUSAL)
        if not isinstance(address, tuple):
            fam = "AF_INET6" if self._family == socket.AF_INET6 else "AF_INET"
            raise TypeError(f"{what}(): {fam} address must be tuple, not {address.__class__.__name__}")
        if self._family == socket.AF_INET6:
            if not 2 <= len(address) <= 4:
                raise TypeError("AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])")
            if len(address) > 2 and not 0 <= int(address[2]) <= 0xFFFFF:
                raise OverflowError(f"{what}(): flowinfo must be 0-1048575.")
        elif len(address) != 2:
            raise TypeError("AF_INET address must be a pair (host, port)")
        port = address[1]
        if type(port) is not int:  # an exact int needs no conversion (most calls)
            port = _c_int(port)  # CPython's TypeError for a port that is not an integer
        if not 0 <= port <= 0xFFFF:
            raise OverflowError(f"{what}(): port must be 0-65535.")
        return self._host(address[0], what), port

    def _shown(self, addr: Optional[tuple[str, int]]) -> Any:
        if self._family == _UNIX_FAMILY:
            # CPython's makesockaddr: a path as str, an abstract name (Linux) as bytes, '' unnamed
            name = addr[0] if addr is not None else ""
            return os.fsencode(name) if name[:1] == "\0" else name
        if addr is None:
            addr = ("::", 0) if self._family == socket.AF_INET6 else ("0.0.0.0", 0)  # noqa: S104
        if self._family != socket.AF_INET6:
            return addr
        # an AF_INET6 socket bound to a v4-mapped address holds its IPv4 address in the kernel
        host = addr[0] if ":" in addr[0] else f"::ffff:{addr[0]}"
        return (host, addr[1], 0, 0)

    def _option(self, level: int, optname: int) -> str:
        name = _OPTIONS.get((level, optname))
        if name is None:
            raise NotModelled(f"socket option {_option_name(level, optname)}")
        return name

    def _flags(self, flags: int, what: str, modelled: tuple[str, ...]) -> int:
        """A call's ``flags`` as an int, when every flag in it is one ``modelled`` names."""
        given = int(_c_int(flags))  # CPython's TypeError for flags that are not an integer
        if not given:
            return 0
        rest = given
        for name in modelled:
            rest &= ~_CALL_FLAGS.get(name, 0)
        if rest:
            raise NotModelled(f"{what}() flags ({flags}) on {self._net.profile.name}")
        return given

    def _send_flags(self, flags: int, what: str) -> int:
        return self._flags(flags, what, self._call_flags(self._net.profile.send_flags))

    def _recv_flags(self, flags: int, what: str) -> int:
        return self._flags(flags, what, self._call_flags(self._net.profile.recv_flags))

    def _call_flags(self, flags: tuple[str, ...]) -> tuple[str, ...]:
        """The profile's flags, and MSG_OOB where it has urgent-data facts (``urgent``)."""
        return flags if self._net.profile.urgent is None else (*flags, "MSG_OOB")

    # -- connections --------------------------------------------------------------------------
    def bind(self, address: Any, /) -> None:
        if self._family == _UNIX_FAMILY:
            k = self._net.kernel

            def unix_bind(ks: KSock) -> None:
                k.unix_can_bind(ks)
                key, shown = unixpaths.bind_key(k, address)
                k.unix_bind(ks, key, shown)

            self._kernel(unix_bind)
            return
        host, port = self._address(address, "bind")
        self._kernel(lambda ks: self._net.kernel.bind(ks, host, port))

    def listen(self, backlog: int = min(socket.SOMAXCONN, 128), /) -> None:
        backlog = _c_int(backlog)
        if backlog > _INT_MAX:
            raise OverflowError("signed integer is greater than maximum")
        if backlog < -_INT_MAX - 1:
            raise OverflowError("signed integer is less than minimum")
        self._kernel(lambda ks: self._net.kernel.listen(ks, max(backlog, 0)))  # CPython: negative -> 0

    def _plain_class(self) -> builtins.type[SimSocket]:
        """What ``accept``/``dup`` create: the ``socket.socket`` of this simulation, as CPython's
        accept creates a plain ``socket.socket`` even for a subclass."""
        for cls in type(self).__mro__:
            if cls is SimSocket:
                break
            if (cls.__module__, cls.__qualname__) == ("socket", "socket"):
                return cls  # patched()'s dispatching socket.socket
        return SimSocket

    def accept(self) -> tuple[SimSocket, Any]:
        k = self._net.kernel
        conn, addr = self._blocking("accept", k.accept, k.acceptable)
        wrapped = self._sibling(conn, conn.fd)
        if socket.getdefaulttimeout() is None and self._timeout:  # as socket.socket.accept
            wrapped.setblocking(True)
        return wrapped, self._shown(addr)

    def _accept(self) -> tuple[int, Any]:
        """The C socket's ``_accept``, which ``socket.socket.accept`` wraps and trio calls
        itself: the accepted connection's descriptor and the peer's address (``socket(fileno=)``
        of that descriptor makes its socket object, as with a real one)."""
        k = self._net.kernel
        conn, addr = self._blocking("accept", k.accept, k.acceptable)
        return conn.fd, self._shown(addr)

    def connect(self, address: Any, /) -> None:
        if self._family == _UNIX_FAMILY:
            k = self._net.kernel
            if self._k.kind == DGRAM:
                self._kernel(lambda ks: unixdgram.connect(k, ks, unixpaths.connect_key(k, address)))
            else:
                self._kernel(lambda ks: k.unix_connect(ks, unixpaths.connect_key(k, address)))
            return
        host, port = self._address(address, "connect")
        k = self._net.kernel
        ks = self._ks()
        if self._net.real_listener is not None and ks.kind == STREAM and k.unreached(host, port):
            where = self._net.real_listener(host, port)
            if where is not None:
                raise NotModelled(
                    f"connect() to {host}:{port}, where a real socket of this process listens ({where}, made outside"
                    " the simulation): a simulated socket cannot reach a real one (under pytest --sockbehave-sim,"
                    " --sockbehave-sim-scope=session simulates the servers that broader fixtures start)"
                )
        try:
            k.connect(ks, host, port, nonblocking=self._returns_at_once())
            if ks.kind == STREAM and self._returns_at_once():
                raise raise_errno(self._net, self._net.profile.nonblocking_connect_error)
            return
        except KernelError as exc:
            raise raise_errno(self._net, exc.name) from None
        except WouldBlock:
            if self._returns_at_once():
                raise raise_errno(self._net, self._net.profile.nonblocking_connect_error) from None
        self._blocking(
            "connect",
            lambda ks: k.finish_connect(ks) if k.connect_done(ks) else _would_block(),
            k.connect_done,
        )

    def connect_ex(self, address: Any, /) -> int:
        try:
            self.connect(address)
        except socket.timeout:
            return self._net.profile.errnos[self._net.profile.errno_aliases.get("EAGAIN", "EAGAIN")][0]
        except socket.gaierror:
            raise  # CPython raises resolution errors from connect_ex too
        except OSError as exc:  # on Windows the Winsock code itself (CPython's internal_connect)
            return int(getattr(exc, "winerror", None) or exc.errno or 0)
        return 0

    def shutdown(self, how: int, /) -> None:
        how = _c_int(how)
        if not -_INT_MAX - 1 <= how <= _INT_MAX:
            raise OverflowError("Python int too large to convert to C int")  # as CPython's C int
        self._kernel(lambda ks: self._net.kernel.shutdown(ks, how) if how in (0, 1, 2) else _einval(self._net))

    def _real_close(self, _ss: Any = None) -> None:
        fd, self._fd = self._fd, -1
        if self._net_held:
            self._net.unhold(self)
        if fd != -1 and not self._net.scheduler.closed:  # once the network is gone, so are its sockets
            _release(self._net, fd)  # (asyncio's transports close theirs in __del__, maybe later)

    def detach(self) -> int:
        self._closed = True
        fd, self._fd = self._fd, -1
        if self._net_held:
            self._net.unhold(self)
        return fd

    # socket.socket.makefile itself, with buffered files whose own lock waits in virtual time
    # (``buffered``): a thread's close() of a file another thread is blocked reading.
    makefile = buffered.makefile

    def dup(self) -> SimSocket:
        ks = self._ks()
        fd = self._kernel(lambda _: self._net.kernel.dup(self._fd))
        sock = self._sibling(ks, fd)
        sock.settimeout(self._timeout)  # as socket.socket.dup
        return sock

    def _sibling(self, ks: KSock, fd: int) -> SimSocket:
        """A socket object of this one's kind for descriptor ``fd`` (an accepted connection, a
        duplicate), held by the network as this one is (``Network.hold``)."""
        cls = self._plain_class()
        sock = cls.__new__(cls)
        sock._setup(self._net, (ks, fd), self._family, self._type, self._proto)
        if self._net_held:
            self._net.hold(sock)
        return sock

    # -- sending --------------------------------------------------------------------------
    def _stream_send(self, view: memoryview, what: str, whole: bool, partial_rule: str, flags: int = 0) -> int:
        """Queue ``view``; with ``whole``, until all of it is queued (``sendall``, and a blocking
        ``send`` where the profile says so). ``partial_rule`` says what an error after a partial
        transfer gives: "error", "count" or "unknown" (profiles.py)."""
        k = self._net.kernel
        ks = self._ks()
        deadline = self._deadline()
        sent = 0
        waited = False
        while True:  # send at least once (an empty send too), until nothing is left
            try:
                with view[sent:] as rest:  # released even when the kernel raises (see bytes_view)
                    sent += urgent.send(k, ks, rest) if flags & _OOB else k.send(ks, rest, whole=whole)
            except KernelError as exc:
                if sent and returns_count_after_error(self._net, what, partial_rule):
                    return sent
                raise raise_errno(self._net, exc.name) from None
            except UnsureRoom as unsure:
                # An AF_UNIX pair full as far as the model knows: the real one may have room.
                # Waiting is right only while another thread drains it at this very instant.
                self._wait(lambda: k.unix_send_can_go_on(ks), deadline, what, flags, not sent, unsure.feature)
                waited = True
                continue
            except WouldBlock:
                if sent and not whole:
                    return sent
                # after a partial transfer a signal ends the system call with its count, and
                # CPython runs the handler before sending on: only a first wait is restarted
                self._wait(lambda: k.writable(ks), deadline, what, flags, restartable=not sent)
                waited = True
                continue
            if waited:
                self._net.scheduler.run_interrupts()  # handlers SA_RESTART held back
            if sent >= len(view) or not whole:
                return sent

    def send(self, data: Any, flags: int = 0, /) -> int:
        flags = self._send_flags(flags, "send")
        with bytes_view(data) as view:  # no copy: the kernel copies only what it takes
            return self._send(view, flags)

    def _more(self, flags: int) -> bool:
        """Whether a send has MSG_MORE (where the profile lists it): modelled on UDP only."""
        if not flags & _MORE:
            return False
        if self._k.kind == STREAM or self._k.unix:
            raise NotModelled(f"MSG_MORE on {'an AF_UNIX' if self._k.unix else 'a TCP'} socket")
        return True

    def _send(self, view: memoryview, flags: int) -> int:
        more = self._more(flags)
        if self._k.kind == STREAM:
            # MSG_DONTWAIT: the kernel queues what fits and returns (send(2)), never waits for all
            # (O_NONBLOCK not known, None: waits, until a wait asks _returns_at_once)
            waits_for_all = (
                self._timeout is None
                and self._net.profile.blocking_send_waits_for_all
                and not flags & _DONTWAIT
                and not self._k.nonblock
            )
            rule = self._net.profile.send_error_after_partial if waits_for_all else "error"
            return self._stream_send(view, "send", waits_for_all, rule, flags)
        k = self._net.kernel
        if flags & _OOB:
            raise NotModelled("MSG_OOB on a datagram socket")
        if self._k.unix:
            return self._unix_dgram_send("send", view, None, flags)
        return self._blocking("send", lambda ks: k.send(ks, view, more=more), k.writable, flags)

    def _unix_dgram_send(self, what: str, view: memoryview, key: object, flags: int) -> int:
        """An AF_UNIX datagram to the socket named ``key`` (None: the connected one), waiting
        for room as the timeout and ``flags`` allow (``unixdgram``)."""
        k = self._net.kernel
        return self._blocking(
            what, lambda ks: unixdgram.send(k, ks, view, key), lambda ks: unixdgram.has_room(k, ks, key), flags
        )

    def sendall(self, data: Any, flags: int = 0, /) -> None:
        # CPython's sendall passes the flags to every send; with MSG_DONTWAIT on a blocking
        # socket the first send that would block raises, whatever went before it.
        flags = self._send_flags(flags, "sendall")
        with bytes_view(data) as view:
            if self._k.kind == STREAM:
                self._stream_send(view, "sendall", True, "error", flags)
            else:
                self._send(view, flags)

    def sendto(self, data: Any, /, *args: Any) -> int:
        if len(args) not in (1, 2):
            raise TypeError(f"sendto() takes 2 or 3 arguments ({len(args) + 1} given)")
        flags = self._send_flags(args[0], "sendto") if len(args) == 2 else 0
        if flags & _OOB and self._k.kind != STREAM:
            raise NotModelled("MSG_OOB on a datagram socket")
        with bytes_view(data) as payload:
            if self._k.unix and self._k.kind == DGRAM:
                self._more(flags)
                k = self._net.kernel
                key = self._kernel(lambda _: unixpaths.connect_key(k, args[-1], "sendto"))
                return self._unix_dgram_send("sendto", payload, key, flags)
            host, port = self._address(args[-1], "sendto")
            if self._k.kind == STREAM and self._k.tcb is not None:
                # A connected TCP socket ignores the address (Kernel.sendto says where that is
                # documented) and sends as send() does, waiting for room as its timeout allows.
                return self._send(payload, flags)
            more = self._more(flags)
            return self._kernel(lambda ks: self._net.kernel.sendto(ks, payload, host, port, more))

    @_WhereCPythonHasIt
    def sendmsg(
        self, buffers: Iterable[Any], ancdata: Iterable[Any] = (), flags: int = 0, address: Any = None, /
    ) -> int:
        items = _ancillary_items(ancdata)
        data = b"".join(bytes_view(b) for b in buffers)
        if not items:
            return self.send(data, flags) if address is None else self.sendto(data, flags, address)
        if address is not None:
            raise NotModelled("sendmsg() with both ancillary data and an address")
        k = self._net.kernel
        # taken before anything is sent (an EBADF or EINVAL sends nothing); the send's first
        # buffer takes them (Kernel._unix_send_skbs), and what nothing took is closed again
        self._k.rights_out = self._kernel(lambda ks: rights.take(k, ks, items, self._net.profile.name))
        try:
            return self.send(data, flags)
        finally:
            left, self._k.rights_out = self._k.rights_out, None
            if left:
                k.drop_rights(left)

    def sendmsg_afalg(self, *args: Any, **kwargs: Any) -> int:
        raise NotModelled("sendmsg_afalg() (AF_ALG sockets)")

    def sendfile(self, file: Any, offset: int = 0, count: Optional[int] = None) -> int:
        # CPython falls back to send() when os.sendfile cannot be used; there is no real
        # descriptor here, so the fallback is the whole story.
        fallback: Callable[..., int] = socket.socket._sendfile_use_send  # type: ignore[attr-defined]
        return fallback(self, file, offset, count)

    def _sendfile_use_sendfile(self, file: Any, offset: int = 0, count: Optional[int] = None) -> int:
        """CPython's, up to its first ``os.sendfile``: where that OS's CPython has none, or the
        file is no regular file, it gives up (``_GiveupOnSendfile``: the caller then sends); an
        empty file sends nothing; the copy itself is not modelled."""
        giveup: type[Exception] = socket._GiveupOnSendfile  # type: ignore[attr-defined]
        if not self._net.profile.os_sendfile:
            raise giveup("os.sendfile() not available on this platform")
        self._check_sendfile_params(file, offset, count)  # type: ignore[attr-defined]
        try:
            fileno = file.fileno()
        except (AttributeError, io.UnsupportedOperation) as err:
            raise giveup(err) from err
        try:
            size = os.fstat(fileno).st_size
        except OSError as err:
            raise giveup(err) from err
        if not size:
            return 0
        if self.gettimeout() == 0:
            raise ValueError("non-blocking sockets are not supported")
        raise NotModelled("os.sendfile on a simulated socket")

    # -- receiving ----------------------------------------------------------------------------
    def _recv_from(
        self, bufsize: int, what: str, flags: int, with_rights: bool = False
    ) -> tuple[bytes, Optional[tuple[str, int]], bool]:
        """One read; descriptors it took (``rights``) are closed unless ``with_rights`` (recvmsg)."""
        k = self._net.kernel
        if flags & _OOB:
            return self._kernel(lambda ks: urgent.recv(k, ks)), None, False
        peek, dontwait = bool(flags & _PEEK), bool(flags & _DONTWAIT)
        tries = 0

        def attempt(ks: KSock) -> tuple[bytes, Optional[tuple[str, int]], bool]:
            nonlocal tries
            tries += 1  # a retry follows a wait (Kernel.recv's ``waited``)
            return k.recvmsg(ks, bufsize, peek, dontwait, waited=tries > 1)

        got = self._blocking(what, attempt, k.readable, flags)
        if self._k.rights_in is not None and not with_rights:  # a read with no room for them
            taken, self._k.rights_in = self._k.rights_in, None
            k.drop_rights(taken)
        return got

    def recv(self, bufsize: int, flags: int = 0, /) -> bytes:
        bufsize = _buffer_size(bufsize, "recv")
        flags = self._recv_flags(flags, "recv")
        if bufsize == 0:  # CPython makes no system call for this (strace)
            return b""
        return self._recv_from(bufsize, "recv", flags)[0]

    def recvfrom(self, bufsize: int, flags: int = 0, /) -> tuple[bytes, Any]:
        bufsize = _buffer_size(bufsize, "recvfrom")
        flags = self._recv_flags(flags, "recvfrom")
        data, addr, _ = self._recv_from(bufsize, "recvfrom", flags)
        return data, self._peer_shown(addr)

    def _peer_shown(self, addr: Optional[tuple[str, int]]) -> Any:
        if self._family == _UNIX_FAMILY:
            if self._k.kind == STREAM or addr is None:
                return None  # a stream socket's recvfrom gives no address (observed on Linux)
            if not addr[0]:  # an unbound datagram sender
                facts = self._net.profile.unix_dgrams
                assert facts is not None
                return facts.unbound_sender
            return self._shown(addr)
        if addr is not None:
            return self._shown(addr)
        if self._net.profile.tcp_recvfrom_address == "unknown":
            raise NotModelled(f"the address recvfrom/recvmsg give on a TCP socket on {self._net.profile.name}")
        return None

    def _into(
        self, buffer: Any, nbytes: int, flags: int, what: str, too_small: str
    ) -> tuple[int, Optional[tuple[str, int]]]:
        nbytes = _buffer_size(nbytes, what)
        flags = self._recv_flags(flags, what)
        with memoryview(buffer).cast("B") as view:  # held only during the call (see bytes_view)
            if view.readonly:
                raise TypeError(
                    f"{what}() argument 1 must be read-write bytes-like object, not {buffer.__class__.__name__}"
                )
            if nbytes > len(view):
                raise ValueError(too_small)
            if not (nbytes or len(view)):
                return 0, None  # as recv(0)
            data, addr, _ = self._recv_from(nbytes or len(view), what, flags)
            view[: len(data)] = data
        return len(data), addr

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        return self._into(buffer, nbytes, flags, "recv_into", "buffer too small for requested bytes")[0]

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, Any]:
        n, addr = self._into(buffer, nbytes, flags, "recvfrom_into", "nbytes is greater than the length of the buffer")
        return n, self._peer_shown(addr)

    @_WhereCPythonHasIt
    def recvmsg(self, bufsize: int, ancbufsize: int = 0, flags: int = 0, /) -> tuple[bytes, list[Any], int, Any]:
        bufsize, ancbufsize = _ssize(bufsize), _ssize(ancbufsize)
        flags = self._recv_flags(flags, "recvmsg")
        if bufsize < 0:
            raise ValueError("negative buffer size in recvmsg()")
        if ancbufsize < 0:
            raise ValueError("invalid ancillary data buffer length")
        data, addr, truncated = self._recv_from(bufsize, "recvmsg", flags, with_rights=True)
        msg_flags = int(socket.MSG_TRUNC) if truncated else 0
        ancdata: list[Any] = []
        if self._k.rights_in is not None:  # descriptors came with the data (SCM_RIGHTS)
            ancdata, cut = rights.ancillary(self._net.kernel, self._k, ancbufsize, bool(flags & _CMSG_CLOEXEC))
            msg_flags |= int(socket.MSG_CTRUNC) if cut else 0
        return data, ancdata, msg_flags, self._peer_shown(addr)

    @_WhereCPythonHasIt
    def recvmsg_into(
        self, buffers: Iterable[Any], ancbufsize: int = 0, flags: int = 0, /
    ) -> tuple[int, list[Any], int, Any]:
        views = [memoryview(b).cast("B") for b in buffers]
        try:  # held only during the call (see bytes_view)
            if any(v.readonly for v in views):  # checked before anything is received, as CPython
                raise TypeError("recvmsg_into() argument 1 must be an iterable of single-segment read-write buffers")
            data, anc, msg_flags, addr = self.recvmsg(sum(len(v) for v in views), ancbufsize, flags)
            at = 0
            for view in views:
                chunk = data[at : at + len(view)]
                view[: len(chunk)] = chunk
                at += len(chunk)
        finally:
            for view in views:
                view.release()
        return len(data), anc, msg_flags, addr

    # -- options and modes ----------------------------------------------------------------------
    def setsockopt(self, level: int, optname: int, value: Any, optlen: Optional[int] = None, /) -> None:
        if value is None:
            self._setsockopt_null(level, optname, optlen)
            return
        if optlen is not None:  # CPython's message: only the None form takes a length
            raise TypeError("setsockopt() takes exactly 3 arguments (4 given)")
        value = _option_value(value)
        name = self._option(level, optname)
        if name in _READ_ONLY_OPTIONS:
            raise NotModelled(f"setsockopt() of {name} (a read-only option)")
        self._kernel(lambda ks: self._net.kernel.setsockopt(ks, name, value))

    def _setsockopt_null(self, level: int, optname: int, optlen: Any) -> None:
        """``setsockopt(level, optname, None, optlen)``: CPython passes a NULL buffer of ``optlen``
        bytes, read as a C unsigned int (masked, never an overflow), which the kernel sees as an int."""
        if optlen is None:  # setsockopt(level, optname, None): no form of CPython's takes that
            raise TypeError("a bytes-like object is required, not 'NoneType'")
        try:
            length = operator.index(optlen) % 2**32
        except TypeError:  # CPython tried the "iiO!I" form, then reports the buffer form's arity
            raise TypeError("setsockopt() takes exactly 3 arguments (4 given)") from None
        name = self._option(level, optname)
        self._kernel(
            lambda ks: self._net.kernel.setsockopt_null(ks, name, length - 2**32 if length >= 2**31 else length)
        )

    def getsockopt(self, level: int, optname: int, buflen: Optional[int] = None, /) -> Any:
        if buflen is not None and not 0 <= buflen <= 1024:
            raise OSError("getsockopt buflen out of range")
        name = self._option(level, optname)
        value = self._kernel(lambda ks: self._net.kernel.getsockopt(ks, name))
        if not buflen:  # none, or 0: CPython reads an int (Modules/socketmodule.c sock_getsockopt)
            if isinstance(value, bytes):  # CPython returns an int read from the buffer
                return int.from_bytes(value[:4], sys.byteorder, signed=True)
            return value
        if isinstance(value, int):
            value = value.to_bytes(4, sys.byteorder, signed=True)
        return value[:buflen]

    def settimeout(self, value: Optional[float], /) -> None:
        if type(value) is float and value >= 0.0:  # the common case (NaN compares False): nothing to check
            self._timeout = value
            self._set_o_nonblock(True)
            return
        if value is not None:
            if not isinstance(value, float):
                value = _c_int(value)  # CPython reads a non-float as an integer (its TypeError)
            if math.isnan(value):
                raise ValueError("Invalid value NaN (not a number)")
            if value < 0:
                raise ValueError("Timeout value out of range")
        self._timeout = None if value is None else float(value)
        self._set_o_nonblock(value is not None)

    def _set_o_nonblock(self, nonblock: bool) -> None:
        """CPython's internal_setblocking, after the timeout is stored: O_NONBLOCK whenever there
        is a timeout; on a closed socket (descriptor -1) the OS refuses, the timeout stays set."""
        if self._fd == -1:
            raise raise_errno(self._net, self._net.profile.closed_socket_error)
        self._k.nonblock = nonblock

    def gettimeout(self) -> Optional[float]:
        return self._timeout

    def setblocking(self, flag: bool, /) -> None:
        self._timeout = None if flag else 0.0
        self._set_o_nonblock(not flag)

    def getblocking(self) -> bool:
        return self._timeout != 0.0

    def get_inheritable(self) -> bool:
        self._ks()
        return self._fd in self._net.kernel.inheritable

    def set_inheritable(self, inheritable: bool) -> None:
        # Recorded only (FD_CLOEXEC, for fcntl): the simulation has no child processes to inherit anything.
        self._ks()
        self._net.kernel.set_inheritable(self._fd, inheritable)

    def getsockname(self) -> Any:
        ks = self._ks()
        if ks.local is None and ks.addr_only is not None:  # bound to an address, no port yet
            return self._shown((ks.addr_only, 0))
        return self._shown(ks.local)

    def getpeername(self) -> Any:
        return self._shown(self._kernel(self._net.kernel.peer_address))

    if hasattr(socket.socket, "ioctl"):  # Windows hosts only, as CPython

        def ioctl(self, control: int, option: Any) -> Any:
            raise NotModelled("ioctl()")

    if hasattr(socket.socket, "share"):

        def share(self, process_id: int) -> bytes:
            raise NotModelled("share()")


def simulated_subclass(cache: dict[type, type], cls: type, base: type) -> type:
    """A class derived from a program's ``cls`` and a simulated ``base`` (``cls``'s methods
    first, the simulated socket under them), named as ``cls``; made once per ``cache``. A
    layout the two cannot share raises ``TypeError``."""
    made = cache.get(cls)
    if made is None:
        made = type(cls.__name__, (cls, base), {"__module__": cls.__module__})
        made.__qualname__ = cls.__qualname__
        cache[cls] = made
    return made


# The C allocation itself (the descriptor stays -1), not the real class's ``__new__``, which
# ``patching`` swaps while blocks are open (``_real_socket_new``): a socket is made per call.
SimSocket.__new__ = _socket.socket.__new__  # type: ignore[method-assign]


_OPTION_PREFIXES = {
    socket.SOL_SOCKET: "SO_",
    socket.IPPROTO_TCP: "TCP_",
    socket.IPPROTO_IP: "IP_",
    socket.IPPROTO_IPV6: "IPV6_",
}


def _option_name(level: int, optname: int) -> str:
    """``SO_KEEPALIVE`` for (SOL_SOCKET, 9): the host's constant names, for messages."""
    prefix = _OPTION_PREFIXES.get(level)
    names = [
        n
        for n in dir(socket)
        if prefix and n.startswith(prefix) and not n.startswith("SO_J1939_") and getattr(socket, n) == optname
    ]  # (SO_J1939_* share the prefix but are options of SOL_CAN_J1939)
    return (
        f"{'/'.join(sorted(names))} (level={level}, optname={optname})" if names else f"level={level} optname={optname}"
    )


class _NetlinkSide:
    """The kernel side of an AF_NETLINK socket, as ``SimSocket`` reads its ``_k``: only the
    descriptor's O_NONBLOCK is kept; anything else an operation reads is ``NotImplementedError``."""

    def __init__(self, nonblock: bool) -> None:
        self.nonblock = nonblock

    def __getattr__(self, name: str) -> Any:
        raise NotModelled(_NETLINK_REFUSAL)


def _release(net: SimHost, fd: int) -> None:
    """Close descriptor ``fd``: an unknown one (closed twice through two socket objects, as
    ``socket(fileno=s.fileno())`` makes) fails as the OS does, which CPython's close reports.
    A close from a thread that does not hold the baton can only be a finalizer (an unreferenced
    ``makefile`` object closing its socket) running at an arbitrary point: it is deferred to
    the next simulated call, never made to wait for the baton."""
    me = current_task()
    if me is None or net.scheduler._current is not me:
        net.kernel.release_later(fd)
        return
    net.scheduler.enter()  # this thread holds the baton: only the check that the network is open remains
    if fd not in net.kernel.fds and not isinstance(net.kernel.objects.get(fd), Netlink):
        raise raise_errno(net, net.profile.closed_socket_error)
    net.kernel.release(fd)


def returns_count_after_error(net: SimHost, what: str, rule: str) -> bool:
    """Whether a blocking send that queued some bytes and then met an error returns their count
    (``rule`` "count", ``Profile.send_error_after_partial``) rather than raising ("error");
    "unknown" is ``NotModelled``."""
    if rule == "unknown":
        raise NotModelled(
            f"what a blocking {what}() returns on {net.profile.name} when an error follows a partial transfer"
        )
    return rule == "count"


def o_nonblock(net: SimHost, ks: KSock) -> bool:
    """O_NONBLOCK of ``ks``'s open file description; ``NotModelled`` where the profile does not
    know it (``Profile.accept_inherits_nonblock``)."""
    if ks.nonblock is None:
        raise NotModelled(
            f"whether a socket accepted from a non-blocking listener is non-blocking on {net.profile.name}"
        )
    return ks.nonblock


def _einval(net: SimHost) -> None:
    raise net.kernel.fail("EINVAL")


def _name(enum: Any, value: int) -> str:
    try:
        return str(enum(value).name)
    except ValueError:
        return str(value)


def thread_net() -> Optional[SimHost]:
    """The network of the ``patched()`` simulation the calling thread belongs to, if any."""
    task = current_task()
    sched = None if task is None else task.scheduler
    return sched.net if sched is not None and sched.patched else None


#: The ``socket`` module functions ``module_functions`` provides (``patched()`` swaps these).
MODULE_FUNCTIONS = (
    "getaddrinfo",
    "gethostname",
    "gethostbyname",
    "gethostbyname_ex",
    "gethostbyaddr",
    "socketpair",
    "dup",
    "close",
    "sethostname",
)


def _socket_class() -> type[SimSocket]:
    """What ``socketpair`` makes: the ``socket.socket`` of ``patched()`` while it is installed."""
    plain: Any = socket.socket
    return plain if isinstance(plain, type) and issubclass(plain, SimSocket) else SimSocket


def _tcp_pair(net: SimHost, family: int, type: int, proto: int) -> tuple[SimSocket, SimSocket]:
    """CPython's portable ``socketpair`` (Lib/socket.py, what Windows uses): a loopback TCP pair,
    with its checks and messages."""
    if family not in (socket.AF_INET, socket.AF_INET6):
        raise ValueError("Only AF_INET and AF_INET6 socket address families are supported")
    if type != socket.SOCK_STREAM:
        raise ValueError("Only SOCK_STREAM socket type is supported")
    if proto != 0:
        raise ValueError("Only protocol zero is supported")
    host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    made = _socket_class()  # as Lib/socket.py: its accept() makes the other end of that class too
    lsock = made._create(net, family, type, proto)
    try:
        lsock.bind((host, 0))
        lsock.listen()
        a = made._create(net, family, type, proto)
        a.connect(lsock.getsockname())
        b, _ = lsock.accept()
    finally:
        lsock.close()
    return a, b


def module_functions(net: SimHost) -> dict[str, Callable[..., Any]]:
    """What ``patched()`` swaps into the ``socket`` module besides the class: name resolution
    on the simulated host, ``socketpair`` and ``dup`` (used by ``fromfd``) on its descriptors.
    ``create_connection``, ``create_server`` and ``fromfd`` need nothing: they call these."""
    resolver: Resolver = net.resolver

    def socketpair(family: Optional[int] = None, type: int = socket.SOCK_STREAM, proto: int = 0) -> tuple[Any, Any]:
        refuse_outside_imports()
        facts = net.profile.unix_pairs
        if facts is None:
            return _tcp_pair(net, socket.AF_INET if family is None else family, type, proto)
        if family is not None and family != _UNIX_FAMILY:
            raise raise_errno(net, facts.other_family_error)
        dgram = type == socket.SOCK_DGRAM and net.profile.unix_dgrams is not None
        if (type != socket.SOCK_STREAM and not dgram) or proto:
            raise NotModelled("socketpair() of a type other than SOCK_STREAM and SOCK_DGRAM, or with a protocol")
        net.enter()
        ends = unixdgram.pair(net.kernel, _UNIX_FAMILY) if dgram else net.kernel.unix_pair(_UNIX_FAMILY)
        return tuple(_socket_class()._wrap(net, ks, _UNIX_FAMILY) for ks in ends)  # type: ignore[return-value]

    def dup(fd: int) -> int:
        net.enter()
        try:
            return net.kernel.dup(fd)
        except KernelError as exc:
            raise raise_errno(net, exc.name) from None

    def close(fd: int) -> None:  # socket.close(fd): never a real descriptor with a simulated number
        _release(net, _c_int(fd))

    def sethostname(name: Any) -> None:
        raise NotModelled("sethostname() (it would rename the real host)")

    return {
        "getaddrinfo": resolver.getaddrinfo,
        "gethostname": resolver.gethostname,
        "gethostbyname": resolver.gethostbyname,
        "gethostbyname_ex": resolver.gethostbyname_ex,
        "gethostbyaddr": resolver.gethostbyaddr,
        "socketpair": socketpair,
        "dup": dup,
        "close": close,
        "sethostname": sethostname,
    }
