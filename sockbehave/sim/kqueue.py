"""``select.kqueue`` and ``select.kevent`` over simulated descriptors (the BSD profiles).

Owns: the ``kevent`` type (CPython's argument conversions, comparisons and ``repr``), the
``kqueue`` object (``control``, ``close``, ``closed``, ``fileno``), what ``EVFILT_READ`` and
``EVFILT_WRITE`` report for a simulated socket or pipe end, the ``KQ_*`` names a simulated thread sees in
``select`` (``module_names``, from ``Profile.kqueue_constants``), and ``selectors.KqueueSelector``
(``kqueue_selector``: the interpreter's own class, compiled from its ``Lib/selectors.py`` where
the host's ``selectors`` never defined it). Like ``readiness`` it reads kernel state and never
changes it, and waits only through the scheduler.

The filters follow the socket filters of both kernels (xnu-11417.101.15
``bsd/kern/uipc_socket.c:6587-6664`` ``filt_soread_common`` and ``6773-6884``
``filt_sowrite_common``; FreeBSD 13, F-Stack/f-stack@5cb586b5 ``freebsd/kern/uipc_socket.c:3814-3849``
``filt_soread`` and ``3865-3892`` ``filt_sowrite``):

- READ on a listener: ``data`` is the number of completed connections queued; it fires while
  there is one. (FreeBSD also reports a listener's pending error as ``EV_EOF``; only the
  freebsd profile ever leaves one, ``Profile.listener_shutdown``.)
- READ otherwise: ``data`` is the bytes queued (a UDP socket: every datagram's payload); it fires
  when there are any, when a UDP socket has a pending ICMP error, and with ``EV_EOF`` (and the
  pending socket error's number in ``fflags``, 0 if none) once nothing more can be received:
  the peer's FIN, ``shutdown(SHUT_RD)``, a reset, a connect that failed.
- WRITE: ``data`` is the send buffer's space; it fires on a connected TCP socket while there is
  room, on a UDP socket always, and with ``EV_EOF`` (``fflags`` as above) once nothing more can
  be sent: ``shutdown(SHUT_WR)``, a reset, a connect that failed. Never on a listener, a
  connecting socket or one that never connected.

A pipe end's filters follow ``sys_pipe.c`` of both kernels (``_pipe``, ``PipeFacts.kevent_*``):
READ on a read end has the bytes buffered as ``data`` and fires with any, or with ``EV_EOF``
once no writer is left; WRITE on a write end fires from ``PIPE_BUF`` bytes of room (xnu: ``data``
is 16384 - the bytes buffered; FreeBSD: the buffer's size is not known, ``NotImplementedError``)
and with ``EV_EOF`` and data 0 once no reader is left (FreeBSD refuses to add it then, EPIPE).
A filter on the end that does not do it fires with ``EV_EOF`` once either end is closed (xnu)
or never (FreeBSD).

The rest is kern_event.c's (cited in ``Profile``): changes are applied in order before any
event is collected; a change that fails (``EBADF``: its descriptor is not open; ``ENOENT``:
no such knote) becomes an ``EV_ERROR`` event with the errno in ``data`` while the event list
has room, else ``control`` raises it (the changes after it are not applied); when any change
failed, only the errors are returned. ``EV_ONESHOT`` deletes a knote once it has been
returned, ``EV_DISABLE`` keeps it without reporting it. Closing a descriptor removes its
knotes (unlike epoll, where a ``dup`` keeps the registration alive).

Deviations, by design:
- Event order: real kqueue returns knotes in the order they became active and puts a
  level-triggered knote it returned back at the tail of its queue (FreeBSD
  ``kern/kern_event.c:1953``). Here ``control`` returns them in the order they were added, and a
  knote it returned moves to the back: the same every run, and no knote is starved when
  ``maxevents`` is smaller than the number ready.
- WRITE fires while the send buffer has any room, as the simulator's ``poll`` does
  (``readiness``), not only once the room reaches the send low-water mark (2048 bytes on both
  kernels), so ``data`` can be below 2048.
- A kqueue's own descriptor is not pollable, and it stays allocated after ``close`` (as
  ``SimEpoll``'s).

Not modelled (``NotImplementedError`` naming it): ``KQ_EV_CLEAR`` (edge-triggered),
``EV_RECEIPT``, ``EV_DISPATCH`` and any other flag but ``EV_ADD``/``EV_DELETE``/``EV_ENABLE``/
``EV_DISABLE``/``EV_ONESHOT``; ``EV_ADD`` with ``EV_DELETE`` and ``EV_ENABLE`` with ``EV_DISABLE``
in one change (the kernels differ); ``KQ_NOTE_LOWAT`` and any other ``fflags``; every filter
but READ and WRITE (timer, signal, proc, vnode, aio, user...); a real descriptor, or an epoll or
kqueue descriptor, in a kqueue; a TCP socket that is bound but neither listening nor connected
(one that never connected cannot be told from one whose connect failed and whose error was
read); ``kqueue.fromfd``.
"""

from __future__ import annotations

import ast
import math
import operator
import os
import selectors
import sys
import warnings
from collections.abc import Mapping
from typing import Any, Optional

from .kernel import DGRAM, KSock, NotModelled
from .pipes import PipeEnd
from .readiness import DescriptorObject, Descriptors, _descriptor, _wait
from .simsocket import raise_errno, thread_net
from .threads import describe_wait

__all__ = ["SimKevent", "SimKqueue", "kqueue_selector", "module_names"]

# The values both kernels share (xnu and FreeBSD sys/event.h; Profile.kqueue_constants has them per OS).
_READ, _WRITE = -1, -2
_ADD, _DELETE, _ENABLE, _DISABLE, _ONESHOT = 0x1, 0x2, 0x4, 0x8, 0x10
_MODELLED_FLAGS = _ADD | _DELETE | _ENABLE | _DISABLE | _ONESHOT
_SYSFLAGS, _EOF, _ERROR = 0xF000, 0x8000, 0x4000
_FLAG_NAMES = {0x20: "KQ_EV_CLEAR (edge-triggered kqueue)", 0x40: "EV_RECEIPT", 0x80: "EV_DISPATCH"}
_NOTE_LOWAT = 0x1
_U64 = (1 << 64) - 1
_TIME_T_NS = (1 << 63) - 1  # CPython's PyTime_t: int64 nanoseconds


# -- CPython's argument conversions (PyArg_ParseTupleAndKeywords "h", "H", "I", "L", "K") -----------
def _int_of(value: Any) -> int:
    """``value``'s ``__index__``, with the TypeError that interpreter's C conversions give."""
    try:
        return operator.index(value)
    except TypeError:
        if sys.version_info < (3, 10):  # 3.9's getargs: "integer argument expected, got float"
            if isinstance(value, float):
                raise TypeError("integer argument expected, got float") from None
            raise TypeError(f"an integer is required (got type {type(value).__name__})") from None
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer") from None


def _short(value: Any) -> int:
    number = _int_of(value)
    if not -(1 << 63) <= number < 1 << 63:
        raise OverflowError("Python int too large to convert to C long")
    if number < -(1 << 15):
        raise OverflowError("signed short integer is less than minimum")
    if number >= 1 << 15:
        raise OverflowError("signed short integer is greater than maximum")
    return number


def _masked(bits: int) -> Any:
    def convert(value: Any) -> int:  # "H", "I": no overflow check, the low bits are kept
        return _int_of(value) & ((1 << bits) - 1)

    return convert


def _longlong(value: Any) -> int:
    number = _int_of(value)
    if not -(1 << 63) <= number < 1 << 63:
        raise OverflowError("int too big to convert")
    return number


def _udata(value: Any) -> int:
    if not isinstance(value, int):  # "K" wants an int itself, not something with __index__
        raise TypeError(f"kevent() argument 6 must be int, not {'None' if value is None else type(value).__name__}")
    return value & _U64


def _ident(value: Any) -> int:
    if isinstance(value, int):  # PyLong_AsSize_t
        if value < 0:
            raise OverflowError("can't convert negative value to size_t")
        if value > _U64:
            raise OverflowError("Python int too large to convert to C size_t")
        return int(value)
    return _descriptor(value)  # PyObject_AsFileDescriptor


_CONVERT = {
    "ident": _ident,
    "filter": _short,
    "flags": _masked(16),
    "fflags": _masked(32),
    "data": _longlong,
    "udata": _udata,
}


class SimKevent:
    """``select.kevent``: ``kevent(ident, filter=KQ_FILTER_READ, flags=KQ_EV_ADD, fflags=0, data=0, udata=0)``."""

    __slots__ = ("data", "fflags", "filter", "flags", "ident", "udata")

    ident: int
    filter: int
    flags: int
    fflags: int
    data: int
    udata: int

    def __init__(
        self, ident: Any, filter: Any = _READ, flags: Any = _ADD, fflags: Any = 0, data: Any = 0, udata: Any = 0
    ) -> None:
        for name, value in zip(_CONVERT, (ident, filter, flags, fflags, data, udata)):
            setattr(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        convert = _CONVERT.get(name)
        object.__setattr__(self, name, value if convert is None else convert(value))

    def _key(self) -> tuple[int, ...]:
        udata = self.udata - (1 << 64) if self.udata >= 1 << 63 else self.udata  # compared as intptr_t
        return (self.ident, self.filter, self.flags, self.fflags, self.data, udata)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, SimKevent) else NotImplemented

    def __ne__(self, other: object) -> bool:
        return self._key() != other._key() if isinstance(other, SimKevent) else NotImplemented

    def __lt__(self, other: object) -> bool:
        return self._key() < other._key() if isinstance(other, SimKevent) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self._key() <= other._key() if isinstance(other, SimKevent) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self._key() > other._key() if isinstance(other, SimKevent) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self._key() >= other._key() if isinstance(other, SimKevent) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # CPython's kevent has a rich compare and no hash

    def __repr__(self) -> str:
        return (
            f"<select.kevent ident={self.ident} filter={self.filter} flags=0x{self.flags:x} "
            f"fflags=0x{self.fflags:x} data=0x{self.data & _U64:x} udata=0x{self.udata:x}>"
        )


SimKevent.__name__ = SimKevent.__qualname__ = "kevent"
SimKevent.__module__ = "select"


def _event(ident: int, filt: int, flags: int, fflags: int, data: int, udata: int) -> SimKevent:
    """A kevent the kernel fills in (no argument conversion: the values are already C values)."""
    kev = object.__new__(SimKevent)
    for name, value in zip(_CONVERT, (ident, filt, flags, fflags, data, udata)):
        object.__setattr__(kev, name, value)
    return kev


class _Knote:
    __slots__ = ("enabled", "flags", "oneshot", "sock", "udata")

    def __init__(self, sock: KSock | PipeEnd, flags: int, udata: int, enabled: bool, oneshot: bool) -> None:
        self.sock = sock
        self.flags = flags  # what every event it returns carries (Profile.kqueue_event_flags_mask)
        self.udata = udata
        self.enabled = enabled
        self.oneshot = oneshot


# -- the socket filters (see the module docstring) ---------------------------------------------------
Fired = tuple[bool, int, bool, Optional[str]]  # (fires, data, EV_EOF, pending error's name for fflags)


def _unconnected(ks: KSock) -> Fired:
    if ks.connect_error is not None:  # a failed connect: soisdisconnected, both directions shut
        return True, 0, True, None if ks.connect_error_read else ks.connect_error  # SO_ERROR took it
    if ks.local is not None:
        raise NotModelled(
            "kqueue on a TCP socket that is bound but neither listening nor connected (the simulator does not tell one "
            "that never connected from one whose connect failed and whose error was read)"
        )
    return False, 0, False, None


def _read(ks: KSock) -> Fired:
    if ks.kind == DGRAM:
        if ks.read_shut:  # SBS_CANTRCVMORE after shutdown(SHUT_RD)
            return True, ks.dgram_bytes, True, ks.error
        return bool(ks.dgrams) or ks.error is not None, ks.dgram_bytes, False, None
    if ks.listening:
        queued = len(ks.queue)
        if ks.error is not None:  # FreeBSD filt_soread: a listener's so_error is EV_EOF
            return True, queued, True, ks.error
        return queued > 0, queued, False, None
    t = ks.tcb
    if ks.connecting:
        return False, 0, False, None
    if t is None:
        return _unconnected(ks)
    queued = len(t.rcv)
    if t.reset or t.state == "CLOSED" or t.fin_received or t.read_shut:  # SBS_CANTRCVMORE
        return True, queued, True, t.error
    return queued > 0 or t.error is not None, queued, False, None


def _write(net: Any, ks: KSock) -> Fired:
    kernel = net.kernel
    if ks.kind == DGRAM:
        space = int(ks.opts.get("SO_SNDBUF", kernel.profile.kqueue_udp_send_space))
        return True, space, ks.write_shut, None  # EV_EOF once SBS_CANTSENDMORE (shutdown(SHUT_WR))
    if ks.listening or ks.connecting:
        return False, 0, False, None
    t = ks.tcb
    if t is None:
        fired = _unconnected(ks)
        return fired[0], int(ks.opts.get("SO_SNDBUF", kernel.profile.tcp_sndbuf)), fired[2], fired[3]
    if t.unix is not None:
        # the BSDs shrink the sender's buffer as the receiver's fills (unixfacts): its space is not known
        raise NotModelled(f"EVFILT_WRITE on an AF_UNIX socket pair end on {kernel.profile.name} (its free space)")
    space = max(t.snd_cap - len(t.snd), 0)
    if t.reset or t.state == "CLOSED" or t.shut_by_app or t.fin_queued:  # SBS_CANTSENDMORE
        return True, space, True, t.error
    if t.error is not None:
        return True, space, False, None
    return kernel.writable(ks), space, False, None


def _pipe(net: Any, end: PipeEnd, filt: int) -> Fired:
    """A pipe end's filters (``PipeFacts.kevent_*``, from xnu's and FreeBSD's ``sys_pipe.c``):
    READ on a read end has the bytes buffered as ``data`` and fires with them, or with EV_EOF
    once no writer is left; WRITE on a write end has the room as ``data`` and fires with at
    least PIPE_BUF of it, or with EV_EOF (data 0) once no reader is left."""
    facts, pipe = net.profile.pipes, end.pipe
    if end.reading != (filt == _READ):  # the filter the end does not do
        return facts.kevent_other_end == "eof" and not (pipe.writers and pipe.readers), 0, True, None
    if end.reading:
        return pipe.count > 0 or not pipe.writers, pipe.count, not pipe.writers, None
    size = facts.kevent_write_size
    if size is None:
        raise NotModelled(
            f"EVFILT_WRITE on a pipe's write end on {net.profile.name}: {facts.sources['kevent_write_size']}"
        )
    if not pipe.readers:
        return True, 0, True, None
    room = size - pipe.count
    return room >= facts.pipe_buf, room, False, None


# -- select.kqueue ---------------------------------------------------------------------------------
def _maxevents(value: Any) -> int:
    number = _int_of(value)
    if not -(1 << 31) <= number < 1 << 31:
        raise OverflowError("Python int too large to convert to C int")
    if number < 0:
        raise ValueError(f"Length of eventlist must be 0 or positive, got {number}")
    return number


def _timeout(value: Any) -> Optional[float]:
    """CPython's conversion: any failure of ``_PyTime_FromSecondsObject`` (not a number, NaN,
    beyond PyTime_t's int64 nanoseconds) is this TypeError; a negative one is a ValueError."""
    if value is None:
        return None
    bad = TypeError(f"timeout argument must be a number or None, got {type(value).__name__}")
    if isinstance(value, float):
        if math.isnan(value) or abs(value) * 1e9 >= _TIME_T_NS:
            raise bad
        seconds = value
    else:
        try:
            seconds = operator.index(value)
        except TypeError:
            raise bad from None
        if abs(seconds) * 10**9 > _TIME_T_NS:
            raise bad
    if seconds < 0:
        raise ValueError("timeout must be positive or None")
    return float(seconds)


def _changes(changelist: Any) -> list[SimKevent]:
    if changelist is None:
        return []
    try:
        changes = list(changelist)
    except TypeError:
        raise TypeError("changelist is not iterable") from None
    if not all(isinstance(change, SimKevent) for change in changes):
        raise TypeError("changelist must be an iterable of select.kevent objects")
    return changes


class SimKqueue(DescriptorObject):
    """``select.kqueue()`` for a simulated thread of a profile whose CPython has it."""

    _KIND = "kqueue"
    _knotes: dict[tuple[int, int], _Knote]  # (ident, filter) -> knote, in the order returned

    def __new__(cls, *args: Any, **kwargs: Any) -> SimKqueue:
        if args:
            raise TypeError("kqueue() takes no positional arguments")
        if kwargs:
            raise TypeError("kqueue() takes no keyword arguments")
        net: Any = thread_net()
        if net is None or not net.profile.kqueue_constants:
            raise NotModelled("select.kqueue() outside a simulated thread of a profile whose CPython has it")
        self = super().__new__(cls)
        self._net = net
        self._knotes = {}
        net.descriptors.number(self)  # kqueue() takes a descriptor at once
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @classmethod
    def fromfd(cls, fd: int) -> SimKqueue:
        raise NotModelled("select.kqueue.fromfd()")

    def _current(self, ident: int) -> KSock | PipeEnd | None:
        """The socket or pipe end descriptor ``ident`` names now, open or not."""
        kernel = self._net.kernel
        found: KSock | None = kernel.fds.get(ident)
        if found is None:
            end = kernel.objects.get(ident)
            return end if isinstance(end, PipeEnd) else None
        return found

    def _socket(self, ident: int) -> KSock | PipeEnd | None:
        """The open socket or pipe end behind descriptor ``ident``; None when no descriptor
        ``ident`` is open."""
        kernel = self._net.kernel
        found = self._current(ident)
        if found is not None:
            return found if not found.closed else None
        if ident in kernel.objects:
            raise NotModelled(f"kqueue on descriptor {ident}, an epoll or kqueue object (only sockets and pipes)")
        if ident < Descriptors.BASE:
            try:
                os.fstat(ident)  # a real descriptor goes to the real call, as readiness._is_socket asks
            except (OSError, OverflowError):
                return None  # no such descriptor open in this process: EBADF, as kevent(2) says
            raise NotModelled(
                f"a real descriptor ({ident}) in a simulated kqueue: a simulated thread cannot wait for it"
            )
        return None  # closed, or never opened: EBADF

    def _register(self, change: SimKevent) -> Optional[str]:
        """Apply one change; the errno name it fails with, if it does."""
        profile = self._net.profile
        flags = change.flags & ~_SYSFLAGS
        if change.filter not in (_READ, _WRITE):
            names = [
                n for n, v in profile.kqueue_constants.items() if n.startswith("KQ_FILTER_") and v == change.filter
            ]
            raise NotModelled(
                f"kqueue filter {names[0] if names else change.filter} (only KQ_FILTER_READ and KQ_FILTER_WRITE)"
            )
        other = flags & ~_MODELLED_FLAGS
        if other:
            low = other & -other
            raise NotModelled(f"kevent flag {_FLAG_NAMES.get(low, hex(low))}")
        for pair, both in (
            ((_ADD | _DELETE), "EV_ADD and EV_DELETE"),
            ((_ENABLE | _DISABLE), "EV_ENABLE and EV_DISABLE"),
        ):
            if flags & pair == pair:
                raise NotModelled(f"kevent flags {both} in one change (xnu and FreeBSD differ)")
        if change.fflags:
            raise NotModelled("KQ_NOTE_LOWAT" if change.fflags & _NOTE_LOWAT else f"kevent fflags {change.fflags:#x}")
        key = (change.ident, change.filter)
        ks = self._socket(change.ident)
        knote = self._knotes.get(key)
        if knote is not None and knote.sock is not ks:
            del self._knotes[key]  # its descriptor was closed: closing removed it
            knote = None
        if ks is None and (profile.kqueue_descriptor_checked_first or flags & _ADD):
            return "EBADF"
        if knote is None:
            if not flags & _ADD:
                return "ENOENT"
            assert ks is not None
            refused: str = profile.pipes.kevent_write_no_reader
            reader_gone = isinstance(ks, PipeEnd) and not ks.reading and not ks.pipe.readers
            if reader_gone and change.filter == _WRITE and refused != "eof":
                return refused  # FreeBSD pipe_kqfilter: EPIPE
            kept = flags & profile.kqueue_event_flags_mask
            self._knotes[key] = _Knote(ks, kept, change.udata, not flags & _DISABLE, bool(flags & _ONESHOT))
            return None
        if flags & _DELETE:
            del self._knotes[key]
            return None
        knote.udata = change.udata  # any change but a delete sets it (both kernels' touch)
        if flags & _ENABLE:
            knote.enabled = True
        elif flags & _DISABLE:
            knote.enabled = False
        return None

    def _collect(self, maxevents: int) -> list[tuple[tuple[int, int], SimKevent]]:
        net = self._net
        kernel = net.kernel
        kernel.flush()  # sockets the garbage collector closed close first
        found = []
        for key, knote in list(self._knotes.items()):
            ident, filt = key
            sock = knote.sock
            if self._current(ident) is not sock or sock.closed:
                del self._knotes[key]  # closing a descriptor removes its knotes
                continue
            if not knote.enabled:
                continue
            if isinstance(sock, PipeEnd):
                fires, data, eof, error = _pipe(net, sock, filt)
            else:
                fires, data, eof, error = _read(sock) if filt == _READ else _write(net, sock)
            if fires:
                fflags = net.profile.errnos[error][0] if eof and error else 0
                flags = knote.flags | (_EOF if eof else 0)
                found.append((key, _event(ident, filt, flags, fflags, data, knote.udata)))
                if len(found) == maxevents:
                    break
        return found

    def control(self, changelist: Any, maxevents: Any, timeout: Any = None, /) -> list[SimKevent]:
        """``kevent(2)``: apply ``changelist``, then return up to ``maxevents`` events, waiting
        up to ``timeout`` seconds (None: for ever) in virtual time."""
        self._check()
        count = _maxevents(maxevents)
        seconds = _timeout(timeout)
        errors: list[SimKevent] = []
        mask = self._net.profile.kqueue_error_flags_mask
        for change in _changes(changelist):
            failed = self._register(change)
            if failed is None:
                continue
            if len(errors) == count:
                raise raise_errno(self._net, failed)
            number = self._net.profile.errnos[failed][0]
            errors.append(
                _event(change.ident, change.filter, change.flags & mask | _ERROR, change.fflags, number, change.udata)
            )
        if errors or count == 0:
            return errors
        _wait(self._net, lambda: bool(self._collect(1)), seconds, describe_wait("kqueue.control()"))
        found = self._collect(count)
        for key, _ in found:
            if self._knotes[key].oneshot:
                del self._knotes[key]
            else:
                self._knotes[key] = self._knotes.pop(key)  # returned: to the back, as the kernel requeues it
        return [kev for _, kev in found]


SimKqueue.__name__ = SimKqueue.__qualname__ = "kqueue"
SimKqueue.__module__ = "select"


def module_names(profile_constants: Mapping[str, int]) -> dict[str, Any]:
    """What a simulated thread of a profile with ``kqueue`` sees in ``select`` beyond the host's."""
    if not profile_constants:
        return {}
    return {"kqueue": SimKqueue, "kevent": SimKevent, **profile_constants}


_SELECTOR: list[type] = []


def kqueue_selector() -> type:
    """``selectors.KqueueSelector``: the host's own class where its ``selectors`` defined one
    (it calls ``select.kqueue`` through the module, so a simulated thread gets the simulated
    one); otherwise the class from the interpreter's own ``Lib/selectors.py``, compiled in a
    copy of that module's namespace (its ``select`` is the shared module, where a simulated
    thread of a BSD profile sees ``kqueue``), so it is CPython's code for that Python version."""
    if _SELECTOR:
        return _SELECTOR[0]
    found: Optional[type] = vars(selectors).get("KqueueSelector")  # (not getattr: the view would ask us)
    if found is None:
        path = str(getattr(selectors, "__file__", None))
        try:
            with open(path, encoding="utf-8") as source:
                tree = ast.parse(source.read(), path)
        except (OSError, SyntaxError, ValueError) as exc:
            raise NotModelled(
                f"selectors.KqueueSelector: the standard library's selectors.py cannot be read ({exc})"
            ) from None
        body: list[ast.stmt] = [
            node
            for branch in tree.body
            if isinstance(branch, ast.If)
            for node in branch.body
            if isinstance(node, ast.ClassDef) and node.name == "KqueueSelector"
        ]
        if len(body) != 1:
            raise NotModelled(f"selectors.KqueueSelector: no such class in {path}")
        namespace = dict(vars(selectors))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(ast.Module(body=body, type_ignores=[]), path, "exec"), namespace)  # noqa: S102 - the stdlib's own class
        found = namespace["KqueueSelector"]
    assert found is not None
    _SELECTOR.append(found)
    return found
