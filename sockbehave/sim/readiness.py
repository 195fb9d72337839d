"""Readiness over simulated descriptors: ``select.select``, ``select.poll``, ``select.epoll``.

Owns: the simulated descriptor table (``Descriptors``: numbers that can never be mistaken for
a descriptor this process really has), what "readable", "writable" and "in error" mean for a
simulated socket (``poll_events``; a simulated pipe's end answers for itself, by its
profile's ``pipes`` facts), and the three readiness calls with their timeouts in
virtual time (``select.kqueue`` is ``kqueue``'s). ``selectors`` (every selector class) and
``socketserver`` run unchanged on top,
because ``patching`` points them at these. It reads kernel state and never changes it (apart
from ``Kernel.writable``'s own bookkeeping), and never waits except through the scheduler.

Deviations, by design:
- Readiness follows Linux's ``tcp_poll``/``udp_poll`` (net/ipv4/tcp.c, net/ipv4/udp.c) on
  every profile, except for what the profile says about ``select``: where a failed connect
  is reported (``select_failed_connect``: Winsock puts it in the exceptional set) and whether
  a ``select`` with no descriptor, or with one that is not a socket, fails
  (``select_empty_error``, ``select_non_socket_error``: Winsock's WSAEINVAL, WSAENOTSOCK). A TCP
  socket is writable while its send buffer has room (not Linux's "free >= queued/2" or BSD's
  low-water mark). ``POLLPRI`` (select's exceptional set) marks urgent data not yet read
  where the profile says so (``Profile.urgent``). A socket shut down for reading is readable,
  except where its OS does not document what select says then (Windows: UDP after
  ``udp_shut_rd`` "refuse", TCP after ``shut_rd_recv_error``), which is ``NotImplementedError``.
- ``select.poll`` and ``select.epoll`` exist only where that OS's CPython has them
  (``Profile.stdlib_names``): ``patching`` refuses them elsewhere, and picks
  ``selectors.DefaultSelector`` per OS. ``select.kqueue`` (darwin, freebsd) is ``kqueue``'s,
  on the readiness defined here.
- Simulated descriptor numbers start at ``Descriptors.BASE`` (2**30) and are never reused,
  except by ``os.dup2`` onto a closed one (as a program asks).
- ``epoll`` is level-triggered, with ``EPOLLONESHOT`` (a registration that reported an event
  reports nothing until ``modify`` re-arms it, epoll(7)); ``EPOLLET`` and ``EPOLLEXCLUSIVE``
  raise ``NotImplementedError``, as does ``select.devpoll``.
- A simulated thread may not wait on real descriptors (that would stop the simulation for
  real time): a call that names both kinds, or real ones with a timeout, raises
  ``NotImplementedError`` saying so. A call with a zero timeout on real descriptors only is
  passed to the real function.
"""

from __future__ import annotations

import errno
import math
import os
import stat
from collections.abc import Callable, Iterable
from typing import Any, Optional, Protocol, Union

from . import unixdgram
from .clock import Scheduler
from .kernel import DGRAM, FD_BASE, Kernel, KSock, NotModelled
from .oserrors import exception_for
from .pipes import PipeEnd
from .threads import describe_wait

__all__ = [
    "POLLERR",
    "POLLHUP",
    "POLLIN",
    "POLLNVAL",
    "POLLOUT",
    "POLLPRI",
    "POLLRDHUP",
    "DescriptorObject",
    "Descriptors",
    "SimEpoll",
    "SimPoll",
    "poll_events",
    "select",
]

#: What a closed descriptor number looks up to: a socket that is closed (POLLNVAL, EBADF),
#: whatever became of the socket it named (a ``dup`` may keep that one open).
CLOSED = KSock(-1, 0, DGRAM)
CLOSED.closed = True


# Linux's values (include/uapi/asm-generic/poll.h, uapi/linux/eventpoll.h); epoll shares them.
POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDHUP = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x2000
EPOLLEXCLUSIVE, EPOLLONESHOT, EPOLLET = 1 << 28, 1 << 30, 1 << 31
_READ_SET = POLLIN | POLLHUP | POLLERR  # fs/select.c POLLIN_SET
_WRITE_SET = POLLOUT | POLLERR  # fs/select.c POLLOUT_SET
_FAILED_CONNECT = 1 << 16  # a private event bit for Winsock's select: only the exceptional set takes it
_EXCEPT_SET = POLLPRI | _FAILED_CONNECT  # fs/select.c POLLEX_SET


class SimNet(Protocol):
    """What readiness needs from a ``Network``."""

    kernel: Kernel
    scheduler: Scheduler
    descriptors: Descriptors


class Descriptors:
    """Simulated descriptor numbers: a view on the kernel's table (``kernel.FD_BASE`` and up,
    never a real descriptor of the process unless its ``RLIMIT_NOFILE`` was raised past 2**30;
    Linux's ``nr_open`` defaults to 2**20). Sockets have the numbers the kernel gave them
    (``dup`` adds more); other objects with a descriptor (epoll) get one from the same space."""

    BASE = FD_BASE

    def __init__(self, kernel: Kernel) -> None:
        self._kernel = kernel
        self._number: dict[int, int] = {}  # id(object) -> number, for non-socket objects

    def number(self, obj: Any) -> int:
        """The descriptor number of ``obj`` (a kernel socket: its first descriptor; an epoll
        object: one allocated the first time it is asked for)."""
        if isinstance(obj, KSock):
            return obj.fd
        found = self._number.get(id(obj))
        if found is None:
            found = self._number[id(obj)] = self._kernel.new_object_fd(obj)
        return found

    def lookup(self, number: int) -> Any:
        """The object behind a simulated number, else None."""
        kernel = self._kernel
        found: Any = kernel.fds.get(number)
        if found is None:
            found = kernel.objects.get(number) or (CLOSED if number in kernel.released else None)
        return found


#: What a simulated thread can wait on: a socket, or a pipe's end (``pipes``, per profile).
Waitable = Union[KSock, PipeEnd]


def poll_events(kernel: Kernel, ks: Waitable) -> int:
    """The ``poll`` revents of a simulated socket, by Linux's rules (see the module docstring),
    or of a pipe's end, by its profile's (``PipeEnd.poll_events``)."""
    if isinstance(ks, PipeEnd):
        return ks.poll_events()
    if ks.closed:
        return POLLNVAL
    if ks.kind == DGRAM:
        out = POLLOUT if not ks.unix or unixdgram.pollout(kernel, ks) else 0
        events = out | (POLLIN if ks.dgrams else 0) | (POLLERR if ks.error else 0)
        if ks.read_shut:  # datagram_poll: readable from then on, whatever a recv finds
            if kernel.profile.udp_shut_rd == "refuse":
                raise NotModelled(f"select/poll of a UDP socket shut down for reading on {kernel.profile.name}")
            events |= POLLIN | POLLRDHUP | (POLLHUP if ks.write_shut else 0)
        return events
    if ks.listening:
        return POLLIN if ks.queue else 0
    if ks.connecting:
        return 0  # SYN_SENT: nothing yet
    t = ks.tcb
    if t is None:  # TCP_CLOSE: a fresh socket, or a connect that failed
        if not ks.connect_error:
            return POLLOUT | POLLHUP
        return POLLOUT | POLLHUP | POLLIN | POLLRDHUP | (0 if ks.connect_error_read else POLLERR)  # SO_ERROR took it
    if t.read_shut and t.unix is None and kernel.profile.shut_rd_recv_error is not None:
        raise NotModelled(f"select/poll of a TCP socket shut down for reading on {kernel.profile.name}")
    gone = t.reset or t.state == "CLOSED"
    read_shut = gone or t.fin_received or t.read_shut
    write_shut = gone or t.shut_by_app or t.fin_queued
    events = POLLIN | POLLRDHUP if read_shut else (POLLIN if t.rcv else 0)
    if write_shut or kernel.writable(ks):
        events |= POLLOUT
    if read_shut and write_shut:
        events |= POLLHUP
    if t.error:
        events |= POLLERR
    if 0 <= t.urg_mark < len(t.rcv) and kernel.profile.urgent is not None and kernel.profile.urgent.exceptional:
        events |= POLLPRI  # urgent data not yet read (``urgent``)
    return events


def _descriptor(obj: Any) -> int:
    """CPython's ``PyObject_AsFileDescriptor``: an int, or the int its ``fileno()`` returns."""
    if isinstance(obj, int):
        fd = int(obj)
    else:
        fileno = getattr(obj, "fileno", None)
        if fileno is None:
            raise TypeError("argument must be an int, or have a fileno() method.")
        fd = fileno()
        if not isinstance(fd, int):
            raise TypeError("fileno() returned a non-integer")
    if fd < 0:
        raise ValueError(f"file descriptor cannot be a negative integer ({fd})")
    return fd


def _sockets(net: SimNet, call: str, fds: Iterable[int], timeout_zero: bool) -> Optional[dict[int, Waitable]]:
    """The simulated sockets and pipe ends behind ``fds``; None when every one is real and the call may go
    to the real function (zero timeout). Raises for mixes, foreign numbers, real waits."""
    found: dict[int, Waitable] = {}
    real: list[int] = []
    for fd in fds:
        obj = net.descriptors.lookup(fd)
        if isinstance(obj, (PipeEnd, KSock)):
            found[fd] = obj
        elif fd >= Descriptors.BASE:
            raise NotModelled(f"{call} on descriptor {fd}, which is not a socket of this simulation")
        else:
            real.append(fd)
    if real and found:
        raise NotModelled(
            f"{call} on simulated and real descriptors together (real: {', '.join(map(str, real))}):"
            " a simulated thread cannot wait for both"
        )
    if real:
        if timeout_zero:
            return None
        raise NotModelled(
            f"{call} waiting (a timeout other than 0) on real descriptors ({', '.join(map(str, real))}) in a simulated"
            " thread: it would stop the simulation for real time"
        )
    return found


def _is_socket(net: SimNet, fd: int) -> bool:
    """Whether ``fd`` is an open socket: a simulated one, or a real descriptor of a socket (not
    standard input, a file, a pipe, simulated or real, nor a closed socket's number)."""
    if fd >= Descriptors.BASE:
        found = net.descriptors.lookup(fd)
        return isinstance(found, KSock) and not found.closed
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False


def _ebadf() -> OSError:
    """A closed descriptor's error, worded as the OS words it (trio's tests match the text)."""
    return OSError(errno.EBADF, os.strerror(errno.EBADF))


def _wait(net: SimNet, ready: Callable[[], bool], timeout: Optional[float], what: str) -> None:
    """Wait in virtual time until ``ready()`` or ``timeout`` seconds (None: no limit). A zero
    timeout that finds nothing is a poll point: a polling loop lets the others run; so is every
    ``READY_SPINS``-th call that finds something at once (``Scheduler.ready_at_once``)."""
    sched = net.scheduler
    if ready():
        sched.ready_at_once(what)
        return
    if timeout == 0:
        sched.poll_point(what)
        return
    deadline = None if timeout is None else sched.clock.now + timeout
    sched.wait_until(ready, deadline, what)


# -- select.select ---------------------------------------------------------------------------------
def select(
    net: SimNet, real: Callable[..., Any], rlist: Any, wlist: Any, xlist: Any, timeout: Optional[float] = None
) -> tuple[list[Any], list[Any], list[Any]]:
    """``select.select`` for a simulated thread."""
    if timeout is not None:
        if not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a float or None")
        if math.isnan(timeout):
            raise ValueError("Invalid value NaN (not a number)")
        if timeout < 0:
            raise ValueError("timeout must be non-negative")
    sets = []
    for given in (rlist, wlist, xlist):
        try:
            items = list(given)
        except TypeError:
            raise TypeError("arguments 1-3 must be sequences") from None
        sets.append([(obj, _descriptor(obj)) for obj in items])
    fds = [fd for entries in sets for _, fd in entries]
    profile = net.kernel.profile
    if not fds and profile.select_empty_error:
        raise exception_for(profile, profile.select_empty_error)
    if profile.select_non_socket_error and not all(_is_socket(net, fd) for fd in fds):
        raise exception_for(profile, profile.select_non_socket_error)  # Winsock's select takes sockets only
    socks = _sockets(net, "select()", fds, timeout == 0)
    if socks is None:
        return real(rlist, wlist, xlist, 0)  # type: ignore[no-any-return]
    if any(ks.closed for ks in socks.values()):
        raise _ebadf()

    failed_connect_is_exceptional = profile.select_failed_connect == "except"

    def result() -> tuple[list[Any], list[Any], list[Any]]:
        events = {fd: poll_events(net.kernel, ks) for fd, ks in socks.items()}
        if failed_connect_is_exceptional:  # Winsock: a failed connect is neither readable nor writable
            for fd, ks in socks.items():
                if isinstance(ks, KSock) and ks.connect_error and ks.tcb is None:
                    events[fd] = _FAILED_CONNECT
        return tuple(  # type: ignore[return-value]
            [obj for obj, fd in entries if events[fd] & mask]
            for entries, mask in zip(sets, (_READ_SET, _WRITE_SET, _EXCEPT_SET))
        )

    _wait(net, lambda: any(result()), timeout, describe_wait("select.select()"))
    return result()


# -- select.poll ---------------------------------------------------------------------------------
def _mask(eventmask: int) -> int:
    if not isinstance(eventmask, int):
        raise TypeError(f"'{type(eventmask).__name__}' object cannot be interpreted as an integer")
    if not 0 <= eventmask <= 0xFFFF:
        raise OverflowError("Python int too large to convert to C unsigned short")
    return eventmask


def _not_found() -> OSError:
    return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))


class SimPoll:
    """``select.poll()`` for a simulated thread; ``poll(timeout)`` takes milliseconds."""

    def __init__(self, net: SimNet, real: Callable[[], Any]) -> None:
        self._net = net
        self._real = real
        self._registered: dict[int, int] = {}

    def register(self, fd: Any, eventmask: int = POLLIN | POLLPRI | POLLOUT) -> None:
        self._registered[_descriptor(fd)] = _mask(eventmask)

    def modify(self, fd: Any, eventmask: int) -> None:
        number = _descriptor(fd)
        if number not in self._registered:
            raise _not_found()
        self._registered[number] = _mask(eventmask)

    def unregister(self, fd: Any) -> None:
        number = _descriptor(fd)
        if number not in self._registered:
            raise KeyError(number)
        del self._registered[number]

    def poll(self, timeout: Optional[float] = None) -> list[tuple[int, int]]:
        seconds = None if timeout is None or timeout < 0 else math.ceil(timeout) / 1000.0
        socks = _sockets(self._net, "poll()", self._registered, seconds == 0)
        if socks is None:
            real = self._real()
            for fd, mask in self._registered.items():
                real.register(fd, mask)
            return real.poll(0)  # type: ignore[no-any-return]
        # CPython's poll() passes poll(2) an array made at the call: a descriptor another thread
        # registers, modifies or unregisters meanwhile counts from the next call on.
        watched = dict(self._registered)

        def result() -> list[tuple[int, int]]:
            found = []
            for fd, mask in watched.items():
                revents = poll_events(self._net.kernel, socks[fd]) & (mask | POLLERR | POLLHUP | POLLNVAL)
                if revents:
                    found.append((fd, revents))
            return found

        _wait(self._net, lambda: bool(result()), seconds, describe_wait("poll.poll()"))
        return result()


# -- select.epoll ---------------------------------------------------------------------------------
class DescriptorObject:
    """What an epoll and a kqueue object share: a descriptor from the simulated number space
    (``fileno``), ``close`` and ``closed``, and CPython's ValueError once it is closed."""

    _KIND = "epoll"
    _net: Any
    _closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        self._closed = True

    def _check(self) -> None:
        if self._closed:
            raise ValueError(f"I/O operation on closed {self._KIND} object")

    def fileno(self) -> int:
        self._check()
        return self._net.descriptors.number(self)  # type: ignore[no-any-return]


class SimEpoll(DescriptorObject):
    """``select.epoll()`` for a simulated thread, level-triggered; ``poll(timeout)`` takes seconds.

    A real descriptor is registered on a real epoll of the host (``real``), which checks it as
    Linux does (``EPERM`` for a regular file, ``EBADF``, ``EEXIST``); a ``poll`` then follows the
    module's rule for real descriptors (``_sockets``): with simulated ones too, or with a timeout,
    it raises ``NotImplementedError``; with a zero timeout it asks the real epoll. The refusal
    comes at ``poll``, as for ``select.poll``, and not at ``register``: asyncio registers inside a
    callback, whose exception its loop would log and swallow."""

    def __init__(
        self, net: SimNet, sizehint: int = -1, flags: int = 0, *, real: Optional[Callable[[], Any]] = None
    ) -> None:
        if sizehint == 0 or sizehint < -1:
            raise ValueError("negative sizehint")
        self._net = net
        self._registered: dict[int, int] = {}
        #: EPOLLONESHOT registrations that reported an event: silent until ``modify`` re-arms them.
        self._disarmed: set[int] = set()
        self._real_factory = real
        self._real: Any = None  # the host's epoll for real descriptors, made at the first one
        self._real_fds: set[int] = set()

    def close(self) -> None:
        if self._real is not None:
            self._real.close()
        super().close()

    def _is_real(self, fd: int) -> bool:
        """Whether ``fd`` is a real descriptor; a simulated number that is no socket or pipe is refused."""
        if isinstance(self._net.descriptors.lookup(fd), (PipeEnd, KSock)):
            return False
        if fd >= Descriptors.BASE:
            raise NotModelled(f"epoll on descriptor {fd}, which is not a socket of this simulation")
        return True

    def _check_open(self, number: int) -> None:
        """epoll_ctl(2) on a closed descriptor fails with EBADF, whatever the operation."""
        found = self._net.descriptors.lookup(number)
        if isinstance(found, (PipeEnd, KSock)) and found.closed:
            raise _ebadf()

    def _real_epoll(self) -> Any:
        if self._real is None:
            if self._real_factory is None:
                raise NotModelled("epoll on a real descriptor in a simulated thread on a host without epoll")
            self._real = self._real_factory()
        return self._real

    @classmethod
    def fromfd(cls, fd: int) -> SimEpoll:
        raise NotModelled("epoll.fromfd()")

    def _events(self, eventmask: int) -> int:
        unsupported = eventmask & (EPOLLET | EPOLLEXCLUSIVE)
        if unsupported:
            raise NotModelled(
                f"epoll {'EPOLLET' if unsupported & EPOLLET else 'EPOLLEXCLUSIVE'} (only level-triggered epoll)"
            )
        return eventmask

    def register(self, fd: Any, eventmask: int = POLLIN | POLLPRI | POLLOUT) -> None:
        self._check()
        number = _descriptor(fd)
        if self._is_real(number):
            self._real_epoll().register(number, self._events(eventmask))
            self._real_fds.add(number)
            return
        self._check_open(number)
        if number in self._registered:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
        self._registered[number] = self._events(eventmask)
        self._disarmed.discard(number)

    def modify(self, fd: Any, eventmask: int) -> None:
        self._check()
        number = _descriptor(fd)
        if number in self._real_fds:
            self._real.modify(number, self._events(eventmask))
            return
        self._check_open(number)
        if number not in self._registered:
            raise _not_found()
        self._registered[number] = self._events(eventmask)
        self._disarmed.discard(number)  # EPOLL_CTL_MOD re-arms a one-shot registration

    def unregister(self, fd: Any) -> None:
        self._check()
        number = _descriptor(fd)
        if number in self._real_fds:
            self._real_fds.discard(number)
            self._real.unregister(number)
            return
        self._check_open(number)
        if number not in self._registered:
            raise _not_found()
        del self._registered[number]
        self._disarmed.discard(number)

    def _sockets_of(self, fds: Iterable[int]) -> dict[int, Waitable]:
        socks = _sockets(self._net, "epoll", fds, timeout_zero=False)
        assert socks is not None
        return socks

    def poll(self, timeout: Optional[float] = None, maxevents: int = -1) -> list[tuple[int, int]]:
        self._check()
        if maxevents == 0 or maxevents < -1:
            raise ValueError(f"maxevents must be greater than 0, got {maxevents}")
        seconds = None if timeout is None or timeout < 0 else math.ceil(timeout * 1000) / 1000.0
        if self._real_fds:
            _sockets(self._net, "epoll.poll()", [*self._real_fds, *self._registered], seconds == 0)
            return self._real.poll(0, maxevents)  # type: ignore[no-any-return]
        socks = self._sockets_of(self._registered)

        def result() -> list[tuple[int, int]]:
            found = []
            for fd, mask in list(self._registered.items()):
                ks = socks.get(fd)
                if ks is None:  # registered by another thread during this wait: epoll(7) reports it
                    socks.update(self._sockets_of([fd]))
                    ks = socks[fd]
                if ks.closed:  # closing a descriptor removes it from every epoll set
                    del self._registered[fd]
                    self._disarmed.discard(fd)
                    continue
                if fd in self._disarmed:  # epoll(7): a one-shot fd reports nothing, not even errors
                    continue
                revents = poll_events(self._net.kernel, ks) & ((mask & ~EPOLLONESHOT) | POLLERR | POLLHUP)
                if revents:
                    found.append((fd, revents))
            return found if maxevents == -1 else found[:maxevents]

        _wait(self._net, lambda: bool(result()), seconds, describe_wait("epoll.poll()"))
        found = result()
        self._disarmed.update(fd for fd, _ in found if self._registered[fd] & EPOLLONESHOT)
        return found

    def __enter__(self) -> SimEpoll:
        self._check()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
