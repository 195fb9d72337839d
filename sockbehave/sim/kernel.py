"""The simulated kernel: socket table, port bindings, TCP connections and UDP datagrams.

Owns: every piece of simulated network state, and the rules that change it. It is sans-IO:
it never waits, never reads a clock of its own and never raises Python's socket exceptions.
Each call is named after the system call it models and either returns, raises
``KernelError(name)`` with a symbolic errno, or raises ``WouldBlock`` when a real kernel would
put the caller to sleep; ``sockbehave.sim.socket`` decides what waiting means.

All segments travel over a perfect loopback: they are delivered within the call that sends
them (as Linux loopback does on one CPU), so only timers need virtual time.

Nagle's algorithm and delayed ACKs are modelled for small writes only (``_transmit``): a
segment shorter than the profile's ``loopback_mss`` is acknowledged at once while the receiver
has quick ACKs left, else after ``delayed_ack`` seconds or with the receiver's next data,
whichever comes first; while it is unacknowledged a later small write without ``TCP_NODELAY``
is held back until the ACK, a FIN, or a full segment's worth queued behind it (RFC 896; Linux
tcp_nagle_check holds only a partial segment). Deviation, by design: there are no segments, so
that full segment goes with the partial rest behind it, and a bulk transfer's small tail never
holds a later write back, and an ACK is never sent just because
the application read the data (Linux may, outside its interactive mode). TCP connection
states follow RFC 9293; ``_ON_FIN_SENT`` and ``_ON_FIN_RECEIVED`` are the transition tables
for the closing half of the state machine. No TCP timestamps either: a connect() over a TIME_WAIT
pair follows ``Profile.time_wait_connect`` (Linux's takeover needs timestamps, its default).

An AF_UNIX stream socket pair (``unix_pair``, what ``socketpair()`` makes on the POSIX
profiles, and each connection of a named AF_UNIX socket: ``unix_bind``, ``unix_connect``) is
two ``Tcb``s that never send a segment: a write goes straight to the other end's receive
buffer, with no Nagle, no ACKs and no TIME_WAIT: in Linux's socket buffers, charged to the
writer's SO_SNDBUF (``UnixPairFacts.skb_charge``), or as far as ``Profile.unix_pairs`` says it
surely fits (the BSDs; past that, ``NotModelled``). Their addresses carry the name the
socket layer shows (a path, or ``''``) and a placeholder port below zero, never bound; a name
is a key the socket layer made (``unixpaths``: a socket file's inode, an abstract name).

Per-OS differences come only from the ``Profile``; nothing here branches on an OS name.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import random
import struct
import sys
from collections import deque
from collections.abc import Callable
from typing import Any, Optional, Protocol, Union

from .buffers import EMPTY, ByteQueue
from .clock import Clock, note_not_modelled
from .profiles import Profile
from .trace import Trace
from .unixfacts import SkbCharge, UnixPairFacts

__all__ = ["KSock", "Kernel", "KernelError", "NotModelled", "Tcb", "WouldBlock"]

#: The first simulated descriptor number: above Linux's default ``nr_open`` (2**20) and any
#: RLIMIT_NOFILE a process normally has, so it can never be one of the process's real ones.
FD_BASE = 1 << 30

Addr = tuple[str, int]
STREAM, DGRAM = "tcp", "udp"


class KernelError(Exception):
    """A call failed with the symbolic errno ``name`` (``"ECONNRESET"``)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class WouldBlock(Exception):
    """A real kernel would make the caller wait here."""


class UnsureRoom(Exception):
    """A write to an AF_UNIX socket pair that may or may not fit on the real OS (where its buffer
    accounting is modelled only up to ``UnixPairFacts.sure_bytes``: the BSDs), and nothing of it surely
    fits now. A caller that sends all of its data (a blocking ``sendall``) waits for room, as
    the real one would at some point; one whose answer is how much was taken must refuse
    (``feature``, for ``NotModelled``)."""

    def __init__(self, feature: str) -> None:
        super().__init__(feature)
        self.feature = feature


class NotModelled(NotImplementedError):
    def __init__(self, feature: str) -> None:
        message = f"sockbehave.sim doesn't (yet) model {feature}"
        super().__init__(message)
        note_not_modelled(message)  # a deadlock report names it later: a program may catch it


def refusing(feature: str) -> Callable[..., Any]:
    """A stand-in for a call that is not modelled: it raises ``NotModelled(feature)``, whatever
    it is given (the dispatching swaps pass the network first)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NotModelled(feature)

    return refuse


#: The largest UDP payload IP itself carries: RFC 791 (65535 - 20 - 8), RFC 8200 (65535 - 8).
_IP_UDP_MAX_V4, _IP_UDP_MAX_V6 = 65507, 65527
#: TCP keepalive's tunables (``Profile.keepalive_tunables``).
_KEEPALIVE_OPTIONS = frozenset({"TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT"})
#: The buffer-size options, in the (receive, send) order of the profile's buffer pairs.
_BUFFER_OPTIONS = ("SO_RCVBUF", "SO_SNDBUF")


class _NeverQueued(deque[Any]):
    """The accept queue of a socket that never listened and the datagram queue of a TCP
    socket: both stay empty (only a listener, found in ``_listeners``, is queued to; only a UDP
    socket receives datagrams), so every socket shares this one, which saves two deques of 64
    slots per socket. Adding to it is a bug, not something to model."""

    def append(self, item: Any) -> None:
        raise AssertionError("queued to a socket that cannot have a queue (kernel._NOTHING_QUEUED)")

    appendleft = append


_NOTHING_QUEUED: deque[Any] = _NeverQueued()

# RFC 9293 closing transitions, with the ACK of a FIN delivered at once over loopback.
_ON_FIN_SENT = {"ESTABLISHED": "FIN_WAIT_2", "CLOSE_WAIT": "CLOSED", "SYN_RECEIVED": "FIN_WAIT_2"}
_FIN_WAIT = frozenset({"FIN_WAIT_1", "FIN_WAIT_2"})
_ON_FIN_RECEIVED = {"ESTABLISHED": "CLOSE_WAIT", "FIN_WAIT_2": "TIME_WAIT", "FIN_WAIT_1": "TIME_WAIT"}


# Tcb and KSock are hand-written ``__slots__`` classes, not dataclasses: one of each (two
# Tcbs) is made per connection, and a dataclass's default factories and per-instance dict made
# construction a large share of a simulated connect (benchmarks/sim_scale.py). Identity is
# equality, as ``eq=False`` gave: both are used as keys of the kernel's indexes.
class Tcb:
    """One end of a TCP connection (the transmission control block)."""

    __slots__ = (
        "ack_due",
        "error",
        "fin_queued",
        "fin_received",
        "fin_sent",
        "has_sent",
        "held",
        "last_rcv",
        "local",
        "nodelay",
        "orphan",
        "pingpong",
        "quick_acks",
        "rcv",
        "rcv_cap",
        "read_shut",
        "remote",
        "reset",
        "reset_error",
        "reuse",
        "reuseport",
        "shut_by_app",
        "snd",
        "snd_cap",
        "state",
        "unix",
        "unix_charge",
        "unix_rights",
        "unix_skbs",
        "unix_writes",
        "urg_mark",
    )

    def __init__(
        self,
        local: Addr,
        remote: Addr,
        rcv_cap: int,
        snd_cap: int,
        state: str = "ESTABLISHED",
        reuse: bool = False,
    ) -> None:
        self.local = local
        self.remote = remote
        self.rcv_cap = rcv_cap
        self.snd_cap = snd_cap
        self.state = state
        # Each buffer is the shared empty one until its first byte arrives (``send``, ``_pump``):
        # most connections in a busy accept queue never carry any, and one in TIME_WAIT never will.
        self.rcv = EMPTY
        self.snd = EMPTY
        self.fin_queued = False  # the application is done sending (close or SHUT_WR)
        self.fin_sent = False
        self.fin_received = False
        self.shut_by_app = False  # our own shutdown(SHUT_WR)
        self.read_shut = False
        self.error: Optional[str] = None  # pending error, reported once (sk_err / so_error)
        self.reset = False
        self.reset_error: Optional[str] = None  # the error the reset left (Profile.reset_error_sticky)
        self.orphan = False  # the application closed its socket; the kernel finishes alone
        self.reuse = reuse
        self.reuseport = False
        # Nagle's algorithm and delayed ACKs (cross-thread: tcp.nagle-delayed-ack)
        self.nodelay = False  # TCP_NODELAY on the socket that sends from here
        self.ack_due: Optional[float] = None  # when the peer acknowledges our small data in flight
        self.held = False  # Nagle holds the bytes in ``snd`` until that ACK
        self.quick_acks: Optional[int] = None  # quick ACKs left for segments we receive (None: not yet set)
        self.has_sent = False  # we have transmitted data
        self.last_rcv: Optional[float] = None  # when data last reached this end
        self.pingpong = False  # Linux's interactive mode: we replied within delayed_ack of receiving
        #: An end of an AF_UNIX stream socket pair (``Kernel.unix_pair``): its OS's facts; None for TCP.
        self.unix: Optional[UnixPairFacts] = None
        self.unix_writes = 0  # writes queued to this end since its reader last emptied it
        #: Where ``UnixPairFacts.skb_charge`` is known: the buffers queued here, each [bytes left
        #: unread, its truesize], and what they charge their writer's SO_SNDBUF (all of a buffer's
        #: truesize until it is wholly read).
        self.unix_skbs: Optional[deque[list[int]]] = None
        self.unix_charge = 0
        #: Descriptors in flight (``UnixPairFacts.scm_rights``), by the ``id`` of the buffer in
        #: ``unix_skbs`` they travel with; None: none.
        self.unix_rights: Optional[dict[int, list[Passed]]] = None
        #: Received urgent data read inline (``urgent``): the bytes of ``rcv`` before the urgent
        #: byte (0: the next byte is it); -1: none.
        self.urg_mark = -1


class Netlink:
    """A Linux netlink socket (AF_NETLINK, ``Profile.netlink_sockets``) in the descriptor table:
    it can be made and closed; nothing it would do is modelled (the socket layer refuses)."""

    __slots__ = ()


class HeldDescriptor(Protocol):
    """A real descriptor in flight in an SCM_RIGHTS message: the socket layer's duplicate of
    it, which the kernel only carries, copies (MSG_PEEK), installs or drops."""

    def copy(self) -> HeldDescriptor: ...

    def install(self, cloexec: bool) -> int: ...

    def close(self) -> None: ...


class KSock:
    """A socket as the kernel sees it."""

    __slots__ = (
        "addr_only",
        "closed",
        "connect_error",
        "connect_error_read",
        "connect_unreported",
        "connecting",
        "cork",
        "dgram_bytes",
        "dgrams",
        "error",
        "family",
        "fd",
        "kind",
        "listening",
        "local",
        "nonblock",
        "opts",
        "port_locked",
        "queue",
        "queue_limit",
        "read_shut",
        "refs",
        "remote",
        "rights_in",
        "rights_out",
        "tcb",
        "unix",
        "unix_id",
        "unix_paired",
        "unix_peer",
        "unknown_opts",
        "write_shut",
    )

    def __init__(self, fd: int, family: int, kind: str) -> None:
        self.fd = fd
        self.family = family
        self.kind = kind
        self.local: Optional[Addr] = None
        #: The address of a bind() that took no port (IP_BIND_ADDRESS_NO_PORT): the first
        #: connect, listen or send takes one there (``local`` stays None until then).
        self.addr_only: Optional[str] = None
        self.remote: Optional[Addr] = None
        self.closed = False
        self.opts: dict[str, Any] = {}
        self.listening = False
        self.queue_limit = 0
        self.queue: deque[Tcb] = _NOTHING_QUEUED  # listen() gives a listener its own
        self.tcb: Optional[Tcb] = None
        self.connect_error: Optional[str] = None  # a pending connect's result, when it fails later
        self.connect_unreported = False  # a connect returned in progress; no connect() has reported its end
        self.connect_error_read = False  # SO_ERROR has given connect_error
        self.port_locked = False  # bound to an explicit port: keeps it even once its connection is closed
        self.connecting = False
        self.refs = 1  # descriptors (dup, fromfd) that refer to this socket
        #: O_NONBLOCK of the open file description, shared by every descriptor of it (``dup``);
        #: ``None`` where the profile does not know it (``Profile.accept_inherits_nonblock``).
        self.nonblock: Optional[bool] = False
        self.dgrams: deque[tuple[bytes, Addr]] = deque() if kind == DGRAM else _NOTHING_QUEUED
        self.dgram_bytes = 0
        #: UDP: a datagram sent with MSG_MORE, waiting for a send without it (its parts, and
        #: where the first part was sent: ``Kernel.sendto``)
        self.cork: Optional[tuple[list[bytes], str, int]] = None
        self.error: Optional[str] = None  # UDP: a pending ICMP error
        self.unix = False  # an AF_UNIX socket: its names and connections are ``unix_*`` (``unixdgram``)
        #: Options an accepted socket's listener set whose copying the profile does not know
        #: (``Profile.accept_copies``): reading one is ``NotModelled`` until the socket sets it.
        self.unknown_opts: frozenset[str] = frozenset()
        #: An AF_UNIX datagram socket: its sender number (0 until it sends), and the name it is
        #: connected to (``unixdgram``).
        self.unix_id = 0
        self.unix_peer: object = None
        self.unix_paired = False  # an end of socketpair(AF_UNIX, SOCK_DGRAM): it has its peer's credentials
        self.write_shut = False  # a datagram socket's shutdown(SHUT_WR)
        #: SCM_RIGHTS (``Kernel.take_rights``): what the send in progress passes, until its first
        #: buffer takes it; what the read in progress took, until the socket layer installs it.
        self.rights_out: Optional[list[Passed]] = None
        self.rights_in: Optional[list[Passed]] = None
        self.read_shut = False  # a datagram socket's shutdown(SHUT_RD) (Profile.udp_shut_rd)

    @property
    def reuse(self) -> bool:
        return bool(self.opts.get("SO_REUSEADDR"))

    @property
    def reuseport(self) -> bool:
        return bool(self.opts.get("SO_REUSEPORT"))


#: What an SCM_RIGHTS message carries: a simulated socket (one reference), or a real descriptor.
Passed = Union[HeldDescriptor, KSock]


@functools.lru_cache(maxsize=1024)  # parsing addresses was most of a connection's cost
def _norm(host: str) -> str:
    """A numeric address in canonical form (names are resolved before they reach the kernel)."""
    address = ipaddress.ip_address(host.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        raise NotModelled(f"IPv4-mapped IPv6 addresses such as {host} (dual-stack sockets)")
    return str(address)


@functools.lru_cache(maxsize=1024)
def _mapped_ipv4(host: str) -> Optional[str]:
    """The IPv4 address in a v4-mapped IPv6 address (``::ffff:127.0.0.1``), else ``None``."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return None


def _insert(index: dict[Any, dict[Any, None]], key: Any, item: Any) -> None:
    """Add ``item`` to the set ``index[key]`` (``setdefault`` would build a dict on every call)."""
    held = index.get(key)
    if held is None:
        index[key] = {item: None}
    else:
        held[item] = None


def _discard(index: dict[Any, dict[Any, None]], key: Any, item: Any) -> None:
    """Remove ``item`` from the set ``index[key]``, dropping the key once its set is empty."""
    held = index.get(key)
    if held is not None and item in held:
        del held[item]
        if not held:
            del index[key]


@functools.lru_cache(maxsize=1024)
def _is_multicast(host: str) -> bool:
    return ipaddress.ip_address(host.split("%", 1)[0]).is_multicast


@functools.lru_cache(maxsize=1024)
def _is_loopback(host: str) -> bool:
    return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback


def _wildcard(host: str) -> bool:
    return host in ("0.0.0.0", "::")  # noqa: S104 - simulated addresses, nothing is bound


def _bind_mode(opts: dict[str, Any]) -> str:
    """How a socket asked to share its address, as a profile's ``live_bind_table`` keys it."""
    if opts.get("SO_EXCLUSIVEADDRUSE"):
        return "excl"
    return "reuse" if opts.get("SO_REUSEADDR") else "none"


@functools.lru_cache(maxsize=64)  # parsing them was a third of making a network
def _addresses(
    lan_address: str, lan_prefix: int, hostname_addresses: tuple[str, ...], loopback_broadcast: Optional[bool]
) -> tuple[frozenset[str], frozenset[str]]:
    """A host's addresses off loopback, and its broadcast addresses: the limited one, the
    LAN's, and loopback's where it is one (``Kernel.host_addresses``, ``Kernel.broadcasts``)."""
    local = frozenset(_norm(a) for a in (lan_address, *hostname_addresses) if not _is_loopback(a))
    lan = ipaddress.ip_interface(f"{lan_address}/{lan_prefix}").network
    broadcasts = {"255.255.255.255", str(lan.broadcast_address)} | (
        {"127.255.255.255"} if loopback_broadcast else set()
    )
    return local, frozenset(broadcasts)


class Kernel:
    """The simulated stack of one host. Loopback only."""

    def __init__(self, profile: Profile, clock: Clock, seed: int = 0) -> None:
        self.profile = profile
        self.clock = clock
        self._rng = random.Random(seed)  # noqa: S311 - deterministic by design; real kernels randomise ports
        # Descriptor numbers start far above any real descriptor of the process, so a simulated
        # number is never mistaken for a real one (select, poll, socket(fileno=)); only ``dup2`` reuses one.
        self._next_fd = FD_BASE
        #: descriptor number -> socket; several numbers may share one socket (``dup``).
        self.fds: dict[int, KSock] = {}
        #: descriptor number -> a non-socket object with a descriptor (an epoll instance, a pipe end).
        self.objects: dict[int, object] = {}
        #: descriptor numbers that were closed (only ``dup2`` gives one a socket again). Only the numbers: a
        #: closed number is closed whatever became of its socket (another ``dup`` may keep that
        #: open), and keeping the sockets made every garbage collection of a long run slower.
        self.released: set[int] = set()
        #: descriptor numbers without FD_CLOEXEC (every new one has it: PEP 446).
        self.inheritable: set[int] = set()
        self.conns: dict[tuple[Addr, Addr], Tcb] = {}  # (local, remote) -> live or lingering Tcb
        # Indexes that keep set-up, teardown and port lookup O(1): open bound sockets by
        # (kind, port), listeners by port, and kernel-owned connections (TIME_WAIT, orphans)
        # by local port. Insertion-ordered dicts used as sets, so iteration is deterministic.
        self._bound: dict[tuple[str, int], dict[KSock, None]] = {}
        self._listeners: dict[int, dict[KSock, None]] = {}
        self._orphans: dict[int, dict[Tcb, None]] = {}
        self._deferred: deque[int] = deque()  # descriptors the garbage collector closed
        self._pairs = 0  # AF_UNIX socket pairs made: their placeholder ports count down from -1
        #: AF_UNIX names (a key the socket layer made: a socket file's inode, an abstract name)
        #: -> the socket bound to it, and back; ``unix_made``: every key ever bound here.
        self._unix_names: dict[object, KSock] = {}
        self._unix_keys: dict[KSock, object] = {}
        self.unix_made: set[object] = set()
        #: Bytes each AF_UNIX datagram sender (by ``KSock.unix_id``) has queued and not yet read.
        self.unix_unread: dict[int, int] = {}
        #: ... and how many datagrams, and how many of them are not small (``UnixDgramFacts.small_dgrams``).
        self.unix_unread_dgrams: dict[int, list[int]] = {}
        #: The packet trace, when the network asked for one (``trace.py``); every hook is one test of this.
        self.trace: Optional[Trace] = None
        #: Addresses of this host that are not loopback (the LAN address, what the host
        #: name resolves to), where connecting is local as on a real host; and the broadcast
        #: addresses (IPv4).
        self.host_addresses, self.broadcasts = _addresses(
            profile.lan_address, profile.lan_prefix, profile.hostname_addresses, profile.loopback_broadcast
        )

    def _seg(self, kind: str, src: Addr, dst: Addr, length: int = 0, note: str = "") -> None:
        """Record a segment (call only when ``self.trace`` is set)."""
        assert self.trace is not None
        self.trace.segment(self.clock.now, kind, src, dst, length, note)

    # -- errors ---------------------------------------------------------------------------
    def fail(self, name: str) -> KernelError:
        if self.profile.errno_aliases.get(name, name) not in self.profile.errnos:
            raise NotModelled(f"errno {name} on {self.profile.name}")
        return KernelError(name)

    def check_open(self, s: KSock) -> None:
        if s.closed:
            raise self.fail(self.profile.closed_socket_error)

    # -- descriptors --------------------------------------------------------------------------
    def _new_fd(self, s: KSock) -> int:
        fd = self._next_fd
        self._next_fd += 1
        self.fds[fd] = s
        return fd

    def new_object_fd(self, obj: object) -> int:
        """A descriptor number for a non-socket object (an epoll instance), from the same space."""
        fd = self._next_fd
        self._next_fd += 1
        self.objects[fd] = obj
        return fd

    def socket(self, family: int, kind: str, unix: bool = False) -> KSock:
        s = KSock(0, family, kind)
        s.unix = unix
        s.fd = self._new_fd(s)
        return s

    def dup(self, fd: int) -> int:
        """A second descriptor for the socket behind ``fd`` (dup(2))."""
        s = self.fds.get(fd)
        if s is None or s.closed:
            raise self.fail("EBADF")
        s.refs += 1
        return self._new_fd(s)

    def dup2(self, fd: int, fd2: int) -> None:
        """Make ``fd2`` a descriptor of the socket behind ``fd`` (dup2(2)), closing what ``fd2``
        was; a closed number comes back to life, as a real kernel reuses it."""
        s = self.fds.get(fd)
        if s is None or s.closed or fd2 < FD_BASE:
            raise self.fail("EBADF")
        if fd2 == fd:
            return
        self.release(fd2)
        self.released.discard(fd2)
        s.refs += 1
        self.fds[fd2] = s
        self.reserve(fd2)

    def reserve(self, fd: int) -> None:
        """``fd`` was given a socket or an object by number (``dup2``): never hand it out again."""
        self._next_fd = max(self._next_fd, fd + 1)

    def set_inheritable(self, fd: int, inheritable: bool) -> None:
        """Clear (``inheritable``) or set FD_CLOEXEC on descriptor ``fd``."""
        if inheritable:
            self.inheritable.add(fd)
        else:
            self.inheritable.discard(fd)

    def release(self, fd: int) -> None:
        """Close the descriptor ``fd``; the socket closes with its last descriptor."""
        s = self.fds.pop(fd, None)
        if s is None:
            if isinstance(self.objects.get(fd), Netlink):
                del self.objects[fd]
                self.released.add(fd)
            return
        self.released.add(fd)  # not reused (but by dup2): a later select/poll on it sees it closed
        self.inheritable.discard(fd)
        s.refs -= 1
        if s.refs <= 0:
            self.close(s)

    def begin_wait(self, s: KSock) -> None:
        """A call is about to wait on ``s``. Where closing does not wake it, the call holds a
        reference of its own, as the descriptor table does (Linux fdget, BSD fget), so a close
        from another thread leaves the socket open until the call returns."""
        if self.profile.close_wakes_blocked is None:
            s.refs += 1

    def end_wait(self, s: KSock) -> None:
        """The call that ``begin_wait`` announced has returned: drop its reference."""
        if self.profile.close_wakes_blocked is None:
            s.refs -= 1
            if s.refs <= 0:
                self.close(s)

    def check_woken(self, s: KSock, call: str) -> None:
        """After a wait: a socket closed meanwhile by another thread fails the call as the
        profile says (``close_wakes_blocked``); a UDP socket shut down for reading meanwhile
        where the profile refuses its reads (``udp_shut_rd`` "refuse") is ``NotModelled`` (whether
        the waiting call wakes is not known); otherwise nothing happens."""
        woken = self.profile.close_wakes_blocked
        if s.closed and woken is not None:
            raise self.fail(woken.get(call, self.profile.closed_socket_error))
        if s.read_shut and s.kind == DGRAM and self.profile.udp_shut_rd == "refuse":
            raise NotModelled(
                f"whether a {call}() already waiting wakes when its UDP socket is shut down for reading on {self.profile.name}"
            )

    def release_later(self, fd: int) -> None:
        """``release`` from a finalizer, which may run in any thread: done by the next
        simulated call (``flush``), which always runs in the task holding the baton."""
        self._deferred.append(fd)  # one atomic operation: safe from any thread

    def flush(self) -> None:
        """Do the closes ``release_later`` queued (call only while holding the baton)."""
        while self._deferred:
            self.release(self._deferred.popleft())

    # -- bind -------------------------------------------------------------------------------
    def _holders(self, kind: str, port: int) -> list[tuple[str, dict[str, Any], bool, bool, bool]]:
        """(host, options, listening, in TIME_WAIT, connected) for everything that holds ``port``."""
        found = []
        for s in self._bound.get((kind, port), ()):
            if s.tcb is not None and s.tcb.state == "CLOSED" and not s.port_locked:
                # A closed connection gives its port back (Linux tcp_set_state -> inet_put_port
                # unless SOCK_BINDPORT_LOCK; BSD tcp_close -> in_pcbdrop). Found by the differential test.
                continue
            assert s.local is not None
            connected = s.tcb is not None or (kind == DGRAM and s.remote is not None)
            found.append((s.local[0], s.opts, s.listening, False, connected))
        if kind == STREAM:
            for t in self._orphans.get(port, ()):
                opts = {"SO_REUSEADDR": t.reuse, "SO_REUSEPORT": t.reuseport}
                found.append((t.local[0], opts, False, t.state == "TIME_WAIT", True))
        return found

    def _bind_error(self, s: KSock, host: str, port: int) -> Optional[str]:
        p = self.profile
        exact_only = p.reuse_binds_exact_only and (s.reuse or s.reuseport)
        for other_host, opts, listening, time_wait, connected in self._holders(s.kind, port):
            if exact_only:
                if other_host != host or connected:
                    continue  # the BSDs' exact lookup sees only an unconnected socket on this very address
            elif not self._overlap(host, s.opts, other_host, opts):
                continue
            if time_wait:
                if p.time_wait_bind == "nobody":
                    continue
                if p.time_wait_bind == "new" and s.reuse:
                    continue
                if p.time_wait_bind == "both" and s.reuse and opts.get("SO_REUSEADDR"):
                    continue
                return "EADDRINUSE"
            if p.live_bind_table is not None:
                verdict = p.live_bind_table[(_bind_mode(opts), _bind_mode(s.opts))]
                if verdict is None:
                    continue
                return verdict
            if s.reuseport and opts.get("SO_REUSEPORT"):
                continue
            if p.reuseaddr_shares_nonlistening and s.reuse and opts.get("SO_REUSEADDR") and not listening:
                continue
            return "EADDRINUSE"
        return None

    def _dual(self, host: str, opts: dict[str, Any]) -> bool:
        """An IPv6 wildcard that takes IPv4 traffic too: ``::`` with IPV6_V6ONLY off."""
        return host == "::" and not int(opts.get("IPV6_V6ONLY", self.profile.v6only_default))

    def _overlap(self, host: str, opts: dict[str, Any], other_host: str, other_opts: dict[str, Any]) -> bool:
        """Whether two local addresses claim the same traffic, so that binding both to one port
        is a conflict. Within a family: the same address, or either is the wildcard. Across
        families only through a dual-stack ``::``: an IPv6-only socket and an IPv4 one may share
        a port (ipv6(7) and IPV6_V6ONLY(2const); RFC 3493 section 5.3; Microsoft's "Dual-Stack
        Sockets for IPv6 Winsock Applications"; Linux net/ipv4/inet_connection_sock.c
        ipv6_rcv_saddr_equal; FreeBSD 13 netinet6/in6_pcb.c in6_pcbbind checks IPv4 holders
        only for a ``::`` without IN6P_IPV6_V6ONLY). Hosts are canonical: one with a colon is IPv6."""
        if (":" in host) == (":" in other_host):
            return host == other_host or _wildcard(host) or _wildcard(other_host)
        if ":" in host:
            return self._dual(host, opts)
        return self._dual(other_host, other_opts)

    def _receives(self, s: KSock, host: str) -> bool:
        """Whether ``s``'s local address takes traffic sent to ``host`` (canonical): the very
        address, its family's wildcard, or a dual-stack ``::`` for an IPv4 ``host``."""
        assert s.local is not None
        local = s.local[0]
        if local == host:
            return True
        if ":" in host:
            return local == "::"
        return local == "0.0.0.0" or self._dual(local, s.opts)  # noqa: S104 - simulated addresses

    def _unmap(self, s: KSock, host: str) -> str:
        """The address an AF_INET6 socket binding ``host`` really takes: a v4-mapped address
        (``::ffff:127.0.0.1``) is its IPv4 address, allowed only while IPV6_V6ONLY is off.
        Only bind knows them; anywhere else they are ``NotModelled`` (``_norm``)."""
        ipv4 = _mapped_ipv4(host)
        if ipv4 is None:
            return _norm(host)
        if int(s.opts.get("IPV6_V6ONLY", self.profile.v6only_default)):
            error = self.profile.v4mapped_bind_v6only_error
            if error is None:
                raise NotModelled(f"binding a v4-mapped address to an IPV6_V6ONLY socket on {self.profile.name}")
            raise self.fail(error)
        return ipv4

    def _ephemeral(self, s: KSock) -> int:
        low, high = self.profile.ephemeral_ports
        span = high - low + 1
        start = self._rng.randrange(span)
        for i in range(span):
            port = low + (start + i) % span
            # An automatic port is one nothing holds (so no bind rule can object to it). Most
            # ports are in no index at all; the rest may be held only by closed connections,
            # which give their port back (``_holders``).
            if (s.kind, port) not in self._bound and (s.kind != STREAM or port not in self._orphans):
                return port
            if not self._holders(s.kind, port):
                return port
        raise self.fail("EADDRNOTAVAIL")

    def bind(self, s: KSock, host: str, port: int) -> None:
        self.check_open(s)
        if s.local is not None:
            raise self.fail("EINVAL")
        host = self._unmap(s, host)
        if not (_wildcard(host) or self.is_local(host)):
            raise self.fail("EADDRNOTAVAIL")  # not an address of this host (every OS: bind(2), Winsock bind)
        if port == 0 and s.opts.get("IP_BIND_ADDRESS_NO_PORT"):  # (Profile.bind_address_no_port)
            s.addr_only = host  # a later bind() may still change it, as nothing holds a port yet
            return
        self._take_port(s, host, port)

    def _take_port(self, s: KSock, host: str, port: int) -> None:
        """The part of ``bind`` after the address is checked (``host`` is canonical and local)."""
        if port == 0:
            port = self._ephemeral(s)
        else:
            error = self._bind_error(s, host, port)
            if error:
                raise self.fail(error)
            s.port_locked = True
        s.local = (host, port)
        _insert(self._bound, (s.kind, port), s)

    def _route_source(self, peer_host: str) -> str:
        """The source address of a packet to ``peer_host``: the address of the interface its
        route leaves by (canonical and local, so bind's checks of it would pass)."""
        if _is_loopback(peer_host):
            return "::1" if ":" in peer_host else "127.0.0.1"
        if ":" in peer_host:
            return "::1"  # deviation: the simulated host has no IPv6 address off loopback
        return _norm(self.profile.lan_address)  # the route out is the LAN interface

    def _autobind(self, s: KSock, peer_host: str) -> None:
        """Before a socket's first packet to ``peer_host``: an unbound one takes the route's
        source address and an automatic port."""
        if s.local is None:
            self._take_port(s, self._route_source(peer_host) if s.addr_only is None else s.addr_only, 0)

    def _source(self, s: KSock, peer_host: str) -> Addr:
        """Where a packet of bound socket ``s`` to ``peer_host`` comes from: one bound to the
        wildcard address sends from the route's source address, with its own port."""
        assert s.local is not None
        host, port = s.local
        return (self._route_source(peer_host), port) if _wildcard(host) else s.local

    def _connect_source(self, s: KSock, peer_host: str) -> None:
        """A connect fixes the local address of a socket bound to the wildcard: the route's
        source (Linux ``ip4_datagram_connect`` and ``tcp_v4_connect``, the BSDs'
        ``in_pcbconnect``, Winsock's getsockname page: the address of a socket bound to
        INADDR_ANY is known once it is connected); ``getsockname`` then says it."""
        if s.local is None:
            self._autobind(s, peer_host)
        else:
            s.local = self._source(s, peer_host)

    def is_local(self, host: str) -> bool:
        """``host`` (numeric, canonical) is an address of this host."""
        return _is_loopback(host) or host in self.host_addresses

    # -- listen, connect, accept ------------------------------------------------------------
    def listen(self, s: KSock, backlog: int) -> None:
        self.check_open(s)
        p = self.profile
        if s.kind != STREAM:
            raise self.fail("EOPNOTSUPP")
        if s.tcb is not None or s.connecting:
            raise self.fail("EINVAL")
        if s.unix:
            self._unix_listen(s, backlog)
            return
        if s.addr_only is not None and s.local is None:
            self._take_port(s, s.addr_only, 0)
        if s.local is None:
            if p.listen_needs_bind:
                raise self.fail("EINVAL")
            self._take_port(s, "127.0.0.1", 0)  # bind()'s checks would pass: an automatic port
        backlog = max(backlog, 0)
        if backlog > p.somaxconn or (backlog == 0 and p.backlog_zero_means_max):
            backlog = p.somaxconn
        s.queue_limit = backlog * p.backlog_num // p.backlog_den + p.backlog_extra
        if s.queue is _NOTHING_QUEUED:
            s.queue = deque()
        s.listening = True
        assert s.local is not None
        _insert(self._listeners, s.local[1], s)

    def _listener(self, addr: Addr) -> Optional[KSock]:
        """The listener a SYN to ``addr`` reaches: one bound to that very address before one bound
        to the wildcard (every OS's lookup prefers the more specific; the BSDs let both exist)."""
        found = None
        for exact in (True, False):
            for s in self._listeners.get(addr[1], ()):
                if s.local is not None and (s.local[0] == addr[0] if exact else self._receives(s, addr[0])):
                    if found is not None:
                        raise NotModelled("how connections are spread across several SO_REUSEPORT listeners")
                    found = s
            if found is not None:
                return found
        return None

    def unreached(self, host: str, port: int) -> bool:
        """Whether a TCP connect to loopback ``host`` on ``port`` would find no listener here."""
        host = _norm(host)
        return _is_loopback(host) and self._listener((host, port)) is None

    def connect(self, s: KSock, host: str, port: int, nonblocking: bool = False) -> None:
        """Start (and on loopback usually finish) a connection. Raises WouldBlock while the
        outcome is still pending; ``connect_done`` then says when to look again. A
        ``nonblocking`` caller is told of a refusal later, even one that came at once (the
        error waits in ``connect_error``: ``SO_ERROR``, readiness, the next connect)."""
        self.check_open(s)
        host = _norm(host)
        self._not_to_a_group(host, "connect()")
        if s.kind == DGRAM:
            self._check_route(host)
            self._connect_source(s, host)
            s.remote = (host, port)
            return
        if s.listening:
            raise self.fail("EINVAL")
        if s.tcb is not None:
            raise self.fail("EISCONN")
        if s.connecting:
            raise self.fail("EALREADY")
        if s.connect_unreported:
            self._report_failed_connect(s)
        local = self._check_route(host)
        remote = (host, port)
        if s.local is None:
            # An automatic port is one nothing held (``_ephemeral``), so no TIME_WAIT pair has it.
            self._autobind(s, host)
            if s.addr_only is not None:  # the wildcard address of an address-only bind: the route's
                self._connect_source(s, host)
        else:
            self._connect_source(s, host)
            self._connect_over_time_wait(s, remote)
        s.remote = remote
        s.connecting = True
        s.connect_error = None
        if not local:
            # Off this host: the SYN leaves and nothing ever answers (the profile's route is
            # a black hole); the client retries until its connect timeout.
            if self.trace is not None:
                assert s.local is not None
                self._seg("SYN", s.local, s.remote, note="no answer: off this host (retries not modelled)")
            self._finish_connect_later(s, "ETIMEDOUT", self.profile.connect_give_up_after)
            s.connect_unreported = True
            raise WouldBlock
        self._try_handshake(s, first_try=True)
        if s.connecting or (nonblocking and s.connect_error):
            # Even a refusal on loopback comes after a non-blocking connect returned: Linux
            # __inet_stream_connect returns EINPROGRESS once the SYN is sent (observed here).
            s.connect_unreported = True
            raise WouldBlock
        self.finish_connect(s)

    def _report_failed_connect(self, s: KSock) -> None:
        """connect() on a socket whose earlier connect returned in progress and then failed:
        ``Profile.connect_after_unreported_failure``."""
        rule = self.profile.connect_after_unreported_failure
        if rule == "unknown":
            raise NotModelled(f"connect() again after a non-blocking connect failed, on {self.profile.name}")
        s.connect_unreported = False
        error = "ECONNABORTED" if s.connect_error_read or not s.connect_error else s.connect_error
        s.connect_error = None
        raise self.fail(error)

    def _connect_over_time_wait(self, s: KSock, remote: Addr) -> None:
        """A socket bound to a port whose pair with ``remote`` is still in TIME_WAIT (it bound
        the port itself: an automatic port never collides): ``Profile.time_wait_connect``."""
        assert s.local is not None
        tw = self.conns.get((s.local, remote))
        if tw is None or tw.state != "TIME_WAIT":
            return
        rule = self.profile.time_wait_connect
        if rule == "unknown":
            raise NotModelled(f"connect() over a TIME_WAIT connection on {self.profile.name}")
        if rule != "reuse":
            raise self.fail(rule)
        self._destroy(tw)  # deviation: Linux also needs TCP timestamps on that connection (on by default)

    def _not_to_a_group(self, host: str, call: str) -> None:
        """Broadcast and multicast destinations are ``NotModelled`` past the SO_BROADCAST check:
        which of this host's sockets get a copy (Linux delivers a broadcast, and a datagram to
        224.0.0.1, to its own sockets bound to the port: observed in a namespace) is not modelled."""
        if host in self.broadcasts:
            raise NotModelled(f"{call} to the broadcast address {host} (the copies this host's own sockets get)")
        if host == "127.255.255.255" and self.profile.loopback_broadcast is None:
            raise NotModelled(f"{call} to 127.255.255.255 on {self.profile.name} (whether it is a broadcast address)")
        if _is_multicast(host):
            raise NotModelled(f"{call} to the multicast address {host} (group membership and its copies to this host)")

    def _check_route(self, host: str) -> bool:
        """Where a packet to ``host`` goes: this host (True), or the profile's ``offhost_route``."""
        local = self.is_local(host)
        if not local and self.profile.offhost_route == "unreachable":
            raise self.fail("ENETUNREACH")
        return local

    def _syn_wait(self, retry: int) -> float:
        """Seconds before SYN retransmission number ``retry`` (0 = the first), per the profile."""
        waits = self.profile.syn_retry_waits
        if retry < len(waits):
            return waits[retry]
        return float(waits[-1] * 2 ** (retry - len(waits) + 1))

    def _try_handshake(self, s: KSock, first_try: bool, retry: int = 0, started: float = -1.0) -> None:
        p = self.profile
        started = self.clock.now if started < 0 else started
        assert s.remote is not None and s.local is not None
        listener = self._listener(s.remote)
        full = listener is not None and len(listener.queue) >= listener.queue_limit
        if self.trace is not None:
            dropped = full and p.backlog_overflow == "drop"
            self._seg("SYN", s.local, s.remote, note="dropped: accept queue full" if dropped else "")
        if listener is None or (full and p.backlog_overflow == "refuse"):
            if self.trace is not None:
                self._seg(
                    "RST",
                    s.remote,
                    s.local,
                    note="refused"
                    + (f"; connect fails after {p.refused_after:g} s" if first_try and p.refused_after else ""),
                )
            self._finish_connect_later(s, "ECONNREFUSED", p.refused_after if first_try else 0.0)
            return
        if full and p.backlog_overflow == "drop":
            # The SYN is dropped; the client retransmits on the profile's schedule.
            rto = self._syn_wait(retry)
            if self.clock.now + rto - started > p.connect_give_up_after:
                self._finish_connect_later(s, "ETIMEDOUT", p.connect_give_up_after - (self.clock.now - started))
                return
            self.clock.call_at(self.clock.now + rto, lambda: self._retry(s, retry + 1, started))
            return
        client = self._establish(s, listener, queue=not full)
        if full:  # accept-then-reset: the syncache completed it, the queue cannot take it
            if self.trace is not None:
                self._seg("RST", client.remote, client.local, note="accept queue full")
            self._deliver_rst(client)

    def _retry(self, s: KSock, retry: int, started: float) -> None:
        if s.connecting and not s.closed:
            self._try_handshake(s, first_try=False, retry=retry, started=started)

    def _finish_connect_later(self, s: KSock, error: str, delay: float) -> None:
        def done() -> None:
            if s.connecting:
                s.connecting = False
                s.connect_error, s.connect_error_read = error, False
                s.remote = None

        if delay <= 0:
            done()
        else:
            self.clock.call_at(self.clock.now + delay, done)

    def _establish(self, client: KSock, listener: KSock, queue: bool) -> Tcb:
        assert client.local is not None and client.remote is not None and listener.local is not None
        server_addr = (client.remote[0], listener.local[1])
        rcv, snd, reuse, _ = self._inherited(client)
        ours = Tcb(client.local, server_addr, rcv, snd, reuse=reuse)  # (the client's SO_REUSEPORT is not)
        rcv, snd, reuse, reuseport = self._inherited(listener)
        theirs = Tcb(server_addr, client.local, rcv, snd, reuse=reuse)
        theirs.reuseport = reuseport
        self.conns[(ours.local, ours.remote)] = ours
        self.conns[(theirs.local, theirs.remote)] = theirs
        client.tcb, client.connecting = ours, False
        if self.trace is not None:
            self._seg("SYN-ACK", server_addr, client.local)
            self._seg("ACK", client.local, server_addr)
        if queue:
            listener.queue.append(theirs)
        else:
            self._adopt(theirs)
            theirs.orphan = True
        return ours

    def connect_done(self, s: KSock) -> bool:
        self.flush()  # readiness is polled by waiting tasks: collected sockets close first
        return not s.connecting

    def finish_connect(self, s: KSock) -> None:
        """After ``connect`` raised WouldBlock and ``connect_done``: the final result."""
        s.connect_unreported = False
        if s.connect_error:
            error, s.connect_error = s.connect_error, None
            raise self.fail(error)

    def accept(self, s: KSock) -> tuple[KSock, Addr]:
        self.check_open(s)
        if not s.listening:
            raise self.fail("EINVAL")
        if s.error:  # a listener's pending error (FreeBSD: shutdown(SHUT_RD) leaves ECONNABORTED)
            error, s.error = s.error, None
            raise self.fail(error)
        if not s.queue:
            raise WouldBlock
        tcb = s.queue.popleft()
        conn = self.socket(s.family, STREAM, s.unix)
        conn.local, conn.remote, conn.tcb = tcb.local, tcb.remote, tcb
        _insert(self._bound, (STREAM, tcb.local[1]), conn)
        copies = self.profile.accept_copies
        conn.opts = {k: v for k, v in s.opts.items() if copies.get(k)}
        conn.unknown_opts = frozenset(k for k in s.opts if k not in copies and k != "TCP_NODELAY")
        if s.opts.get("TCP_NODELAY"):
            inherits = self.profile.accept_inherits_nodelay
            conn.opts["TCP_NODELAY"] = s.opts["TCP_NODELAY"] if inherits else None if inherits is None else 0
        conn.nonblock = self.profile.accept_inherits_nonblock if s.nonblock else False
        return conn, tcb.remote

    def acceptable(self, s: KSock) -> bool:
        self.flush()  # readiness is polled by waiting tasks: collected sockets close first
        return s.closed or bool(s.queue) or not s.listening or s.error is not None

    # -- TCP data -----------------------------------------------------------------------------
    def _inherited(self, s: KSock) -> tuple[int, int, bool, bool]:
        """What a connection of ``s`` takes from it: (receive buffer, send buffer, SO_REUSEADDR,
        SO_REUSEPORT)."""
        if not s.opts:  # no option set, the usual case: the profile's sizes, without lookups
            return self.profile.tcp_rcvbuf, self.profile.tcp_sndbuf, False, False
        return self._rcvbuf(s), self._sndbuf(s), s.reuse, s.reuseport

    def _rcvbuf(self, s: KSock) -> int:
        return int(s.opts.get("SO_RCVBUF", self.profile.tcp_rcvbuf))

    def _sndbuf(self, s: KSock) -> int:
        return int(s.opts.get("SO_SNDBUF", self.profile.tcp_sndbuf))

    def peer(self, t: Tcb) -> Optional[Tcb]:
        """The other end of connection end ``t``, while it exists."""
        return self.conns.get((t.remote, t.local))

    def _pump(self, t: Tcb) -> None:
        """Move queued bytes (and then the FIN) from ``t`` to its peer, as far as it has room."""
        peer = self.conns.get((t.remote, t.local))  # peer(), inline: every close and send comes here
        if peer is None:
            return
        if t.snd:
            if t.held and not t.fin_queued:
                return  # Nagle: wait for the ACK of our small data in flight (a FIN goes at once)
            if peer.orphan:
                # Data for a socket whose application has closed it: RFC 9293 3.10.7.4, answer RST.
                if self.trace is not None:
                    self._seg("data", t.local, t.remote, len(t.snd), note="to a closed socket")
                    self._seg("RST", peer.local, peer.remote)
                t.snd.clear()
                self._destroy(peer)
                self._deliver_rst(t)
                return
            if peer.read_shut and self._arrives_after_shut_rd(t, peer):
                return
            room = peer.rcv_cap - len(peer.rcv) if t.snd else 0  # nothing left once discarded
            if room > 0:
                if peer.rcv is EMPTY:
                    peer.rcv = ByteQueue()
                moved = t.snd.move_to(peer.rcv, room)
                if self.trace is not None:
                    self._seg("data", t.local, t.remote, moved)
                self._transmit(t, peer, moved)
        if t.fin_queued and not t.fin_sent and not t.snd:
            if self.trace is not None:
                self._seg("FIN", t.local, t.remote)
            t.fin_sent = True
            t.state = _ON_FIN_SENT.get(t.state, t.state)
            peer.fin_received = True
            peer.state = _ON_FIN_RECEIVED.get(peer.state, peer.state)
            if peer.state == "TIME_WAIT":
                self._enter_time_wait(peer)
            if t.state == "CLOSED":
                self._destroy(t)

    def _arrives_after_shut_rd(self, t: Tcb, peer: Tcb) -> bool:
        """``t``'s queued data reaches ``peer``, which did shutdown(SHUT_RD):
        ``Profile.shut_rd_arriving``. True when nothing is left to deliver."""
        rules = self.profile.shut_rd_arriving
        if rules is None:
            raise NotModelled(f"data reaching a socket on {self.profile.name} after its shutdown(SHUT_RD)")
        rule = rules[peer.state in _FIN_WAIT]
        if rule == "keep":
            return False
        if self.trace is not None:
            self._seg("data", t.local, t.remote, len(t.snd), note="after the receiver's SHUT_RD")
        if rule == "discard":
            n = len(t.snd)
            t.snd.clear()
            self._transmit(t, peer, n)  # acknowledged, then dropped
            return False  # a queued FIN still goes
        if self.trace is not None:
            self._seg("RST", peer.local, peer.remote)
        t.snd.clear()
        if rule == "reset":
            self._deliver_rst(peer)  # the receiver aborts itself (Linux tcp_reset) ...
        else:
            self._destroy(peer)  # ... or closes quietly (xnu tcp_close) ...
        self._deliver_rst(t)  # ... and answers with an RST
        return True

    def _transmit(self, t: Tcb, peer: Tcb, n: int) -> None:
        """``n`` bytes just went from ``t`` to ``peer``: the ACKs they cause (sources in profiles.py)."""
        if n <= 0:
            return
        p = self.profile
        now = self.clock.now
        t.has_sent = True
        t.held = False
        if t.last_rcv is not None and now - t.last_rcv < p.delayed_ack:
            t.pingpong = True  # a reply (Linux tcp_event_data_sent)
        peer.last_rcv = now
        if peer.quick_acks is None:
            peer.quick_acks = p.quick_acks
        quick = peer.quick_acks > 0 and not (p.quick_acks_end_on_reply and peer.pingpong)
        if n >= p.loopback_mss or p.delayed_ack <= 0 or quick:
            if quick:
                peer.quick_acks -= 1
            t.ack_due = None
        elif t.ack_due is None:
            t.ack_due = self.clock.now + p.delayed_ack
        if peer.ack_due is not None:  # our data carries the ACK of what the peer has in flight
            peer.ack_due = None
            if peer.held:  # which releases the peer's held write (and its data acknowledges ours)
                peer.held = False
                self._pump(peer)

    def _nagle_unknown(self, t: Tcb, more: int) -> None:
        """A socket accepted from a listener with TCP_NODELAY, where the profile does not know
        whether accept copies it (``accept_inherits_nodelay``): only a write Nagle would hold tells."""
        if t.ack_due is not None and t.ack_due > self.clock.now and len(t.snd) + more < self.profile.loopback_mss:
            raise NotModelled(
                f"whether a socket accepted on {self.profile.name} has the listener's TCP_NODELAY (a small write "
                "that Nagle's algorithm would hold without it)"
            )

    def _nagle_holds(self, t: Tcb) -> bool:
        """RFC 896: a write shorter than a full segment waits while earlier data is unacknowledged."""
        return self._nagle(t.nodelay, t, len(t.snd))

    def nagle_would_hold(self, s: KSock, t: Tcb, n: int) -> bool:
        """Whether Nagle's algorithm would hold a send of ``n`` bytes by ``s`` with nothing queued."""
        return self._nagle(bool(s.opts.get("TCP_NODELAY")), t, n)

    def _nagle(self, nodelay: bool, t: Tcb, queued: int) -> bool:
        return (
            not nodelay and t.ack_due is not None and t.ack_due > self.clock.now and queued < self.profile.loopback_mss
        )

    def _ack_arrives(self, t: Tcb, due: float) -> None:
        """The delayed-ACK timer for ``t``'s data fired (unless data already carried the ACK)."""
        if t.ack_due == due:
            t.ack_due = None
            receiver = self.conns.get((t.remote, t.local))
            if receiver is not None:
                receiver.pingpong = False  # Linux tcp_delack_timer_handler: a delayed ACK missed its data
            if t.held:
                t.held = False
                self._pump(t)

    def _enter_time_wait(self, t: Tcb) -> None:
        """TIME_WAIT belongs to the kernel, not to the socket: an application's socket is
        CLOSED from here on (Linux tcp_time_wait hands it to a timewait object, BSD calls
        soisdisconnected), while the lingering connection still holds the port."""
        # A small record without buffers, like Linux's inet_timewait_sock: thousands of them
        # linger for a minute after a busy server's connections, and each object costs the
        # garbage collector time (the scale benchmark measured it).
        tw = Tcb(t.local, t.remote, 0, 0, "TIME_WAIT", t.reuse)
        tw.fin_sent = tw.fin_received = tw.orphan = True
        tw.reuseport = t.reuseport
        if t.orphan:
            _discard(self._orphans, t.local[1], t)
        t.state = "CLOSED"
        self.conns[(t.local, t.remote)] = tw
        self._adopt(tw)
        self.clock.call_at(self.clock.now + self.profile.time_wait, functools.partial(self._destroy, tw))

    def _adopt(self, t: Tcb) -> None:
        """The kernel, not an application, now holds ``t`` (and so its port)."""
        _insert(self._orphans, t.local[1], t)

    def _destroy(self, t: Tcb) -> None:
        t.state = "CLOSED"
        if self.conns.get((t.local, t.remote)) is t:
            del self.conns[(t.local, t.remote)]
        _discard(self._orphans, t.local[1], t)

    def _deliver_rst(self, t: Tcb) -> None:
        """``t`` receives a reset."""
        if t.state in ("CLOSED", "TIME_WAIT"):
            return
        if t.orphan:
            self._destroy(t)
            return
        p = self.profile
        t.error = t.reset_error = p.reset_error_close_wait if t.state == "CLOSE_WAIT" else p.reset_error_established
        t.reset = True
        t.snd.clear()
        self._destroy(t)

    def _send_rst_from(self, t: Tcb) -> None:
        if self.trace is not None:
            self._seg("RST", t.local, t.remote)
        peer = self.peer(t)
        self._destroy(t)
        if peer is not None:
            self._deliver_rst(peer)

    def _connected_tcb(self, s: KSock, unconnected: str) -> Tcb:
        self.check_open(s)
        if s.tcb is None:
            raise self.fail(unconnected)
        return s.tcb

    def send(
        self, s: KSock, data: bytes | memoryview, push: bool = False, whole: bool = False, more: bool = False
    ) -> int:
        """Queue what fits of ``data`` (all of it where ``Profile.send_takes_whole``) and send it
        as far as the peer has room; with ``push``, even where Nagle's algorithm would hold it
        (urgent data, ``urgent.send``). ``whole``: the caller sends on until all of ``data`` is
        queued (a blocking ``sendall``), so an AF_UNIX pair takes what surely fits and raises
        ``UnsureRoom`` when nothing does, where another caller gets ``NotModelled``. ``more``:
        MSG_MORE, on UDP only (``sendto``)."""
        if s.kind == DGRAM:
            if s.remote is None and s.cork is None:
                raise self.fail("EDESTADDRREQ")
            host, port = s.remote or ("", 0)
            return self.sendto(s, data, host, port, more)
        t = self._connected_tcb(s, self.profile.send_unconnected_error)
        if t.unix is not None:
            return self._unix_send(s, t, t.unix, data, whole)
        cant_send = t.shut_by_app or t.fin_queued or t.reset or t.state == "CLOSED"
        cant_error = self.profile.send_after_shutdown_error if t.shut_by_app else self.profile.send_after_close_error
        if self.profile.send_error_order == "error-first" and t.error:
            error, t.error = t.error, None
            raise self.fail(error)
        if t.reset and self.profile.reset_error_sticky and t.reset_error:
            t.error = None
            raise self.fail(t.reset_error)
        if cant_send:
            raise self.fail(cant_error)
        if t.error:
            error, t.error = t.error, None
            raise self.fail(error)
        if not len(data):
            return 0
        room = t.snd_cap - len(t.snd)
        if room <= 0:
            self._pump(t)
            room = t.snd_cap - len(t.snd)
            if room <= 0:
                raise WouldBlock
        taken = memoryview(data) if self.profile.send_takes_whole else memoryview(data)[:room]
        nodelay = s.opts.get("TCP_NODELAY")
        lowat = s.opts.get("TCP_NOTSENT_LOWAT")
        if lowat:
            self._notsent_lowat_send(t, int(lowat), len(taken), bool(nodelay))
        t.nodelay = bool(nodelay)
        if nodelay is None and "TCP_NODELAY" in s.opts:  # accepted where the profile does not know
            self._nagle_unknown(t, len(taken))
        if t.ack_due is not None and t.ack_due <= self.clock.now:
            self._ack_arrives(t, t.ack_due)
        if t.snd is EMPTY:
            t.snd = ByteQueue()
        t.snd.append(taken)
        if push or (t.held and len(t.snd) >= self.profile.loopback_mss):
            t.held = False  # MSG_OOB's push, or a full segment's worth: Nagle holds less (RFC 896)
        elif not t.held and self._nagle_holds(t):
            assert t.ack_due is not None
            t.held = True
            self.clock.call_at(t.ack_due, functools.partial(self._ack_arrives, t, t.ack_due))
        self._pump(t)
        return len(taken)

    def _notsent_lowat_send(self, t: Tcb, lowat: int, size: int, nodelay: bool) -> None:
        """A send of ``size`` bytes on a socket with TCP_NOTSENT_LOWAT set: modelled (it goes as
        without the option) while the bytes left unsent after it, counted as if none of them
        could be delivered unless Nagle is off, stay below the mark; past it, Linux stops at a
        segment boundary the model does not know (``Profile.notsent_lowat``)."""
        self._pump(t)
        peer = self.peer(t)
        deliverable = 0
        if nodelay and not t.held and peer is not None and not peer.read_shut:
            deliverable = max(0, peer.rcv_cap - len(peer.rcv) - len(t.snd))
        left = len(t.snd) + max(0, size - deliverable)
        if left >= lowat:
            raise NotModelled(
                f"how much a send takes on {self.profile.name} with TCP_NOTSENT_LOWAT {lowat} once {left} bytes"
                " would wait unsent (it stops at a segment boundary)"
            )

    def writable(self, s: KSock) -> bool:
        self.flush()  # readiness is polled by waiting tasks: collected sockets close first
        t = s.tcb
        if s.closed or t is None or t.error or t.reset or t.state == "CLOSED":
            return True
        if t.unix is not None:
            return self._unix_writable(s, t, t.unix)
        self._pump(t)
        lowat = s.opts.get("TCP_NOTSENT_LOWAT")  # include/net/tcp.h tcp_stream_memory_free, as poll asks (wake 1)
        return len(t.snd) < t.snd_cap and (not lowat or 2 * len(t.snd) < int(lowat))

    def recv(self, s: KSock, n: int, peek: bool = False, waited: bool = False) -> bytes:
        """Up to ``n`` received bytes; with ``peek`` (MSG_PEEK) they stay queued. ``waited``: the
        calling recv has waited already, so it began before any shutdown for reading that came
        since (a recv begun after one fails at once where ``Profile.shut_rd_recv_error`` says so)."""
        if s.kind == DGRAM:
            return self.recvmsg(s, n, peek)[0]
        t = self._connected_tcb(s, "ENOTCONN")
        if n < 0:
            raise self.fail("EINVAL")
        if n == 0:
            return b""
        shut_error = self.profile.shut_rd_recv_error if t.read_shut and t.unix is None else None
        pending = shut_error is not None and waited
        if shut_error is not None and not pending:
            raise self.fail(shut_error)
        if t.rcv:
            mark = t.urg_mark
            if mark >= 0:
                n = self._to_urgent_mark(s, mark, n)
            if t.unix_rights:
                n = self._read_rights(s, t, n, peek)
            if peek:
                return t.rcv.peek(n)
            data = t.rcv.take(n)
            if mark >= 0:
                t.urg_mark = mark - len(data) if len(data) <= mark else -1  # -1: the urgent byte is read
            if t.unix_skbs:
                self._unix_consumed(t, len(data))
            if not t.rcv:
                t.unix_writes = 0
            peer = self.peer(t)
            if peer is not None:
                self._pump(peer)
            return data
        if t.fin_received and self.profile.recv_eof_before_error and t.unix is None:
            return b""
        if t.error:
            error, t.error = t.error, None
            raise self.fail(error)
        if t.reset and self.profile.reset_error_sticky and t.reset_error:
            raise self.fail(t.reset_error)
        if t.fin_received or t.reset or (t.read_shut and not pending) or t.state == "CLOSED":
            return b""
        raise WouldBlock

    def _to_urgent_mark(self, s: KSock, mark: int, n: int) -> int:
        """How much of ``n`` a read may take with urgent data ``mark`` bytes ahead, read inline
        (``Profile.urgent``: a read never runs past the urgent byte, and on some OSes takes it alone)."""
        facts = self.profile.urgent
        assert facts is not None, "only a profile with urgent facts marks urgent data (urgent.send)"
        if not s.opts.get("SO_OOBINLINE"):
            raise NotModelled("reading urgent data (MSG_OOB) after SO_OOBINLINE was turned off")
        if mark > 0:
            return min(n, mark)
        return 1 if facts.read_at_mark == "alone" else n

    def owner(self, t: Tcb) -> Optional[KSock]:
        """The socket that holds connection end ``t``; None while it waits in an accept queue,
        or once its socket is closed."""
        for s in self._bound.get((STREAM, t.local[1]), ()):
            if s.tcb is t and not s.closed:
                return s
        return None

    def _dgram_eof(self, s: KSock, dontwait: bool = False) -> bool:
        """Whether a recv on UDP socket ``s`` with nothing queued returns b'' at once: after
        shutdown(SHUT_RD), always where the queue is flushed, and Linux only for a call that
        may block (``Profile.udp_shut_rd``)."""
        if not s.read_shut:
            return False
        rule = self.profile.udp_shut_rd
        if rule == "refuse":  # a recv fails at once; one that was already waiting asks check_woken
            return True
        return rule == "flush" or not (s.nonblock or dontwait)

    def readable(self, s: KSock) -> bool:
        self.flush()  # readiness is polled by waiting tasks: collected sockets close first
        if s.closed:
            return True
        if s.kind == DGRAM:
            return bool(s.dgrams) or s.error is not None or self._dgram_eof(s)
        t = s.tcb
        woken = t is not None and t.read_shut and (self.profile.shut_rd_wakes_waiting or t.unix is not None)
        return t is None or bool(t.rcv) or t.error is not None or t.fin_received or t.reset or woken

    def peer_address(self, s: KSock) -> Addr:
        """getpeername(): the peer, or ``Profile.getpeername_errors`` for a TCP connection shut
        down both ways or closed."""
        self.check_open(s)
        t = s.tcb
        connected = t is not None if s.kind == STREAM else s.remote is not None
        if not connected or s.remote is None:
            raise self.fail("ENOTCONN")
        if t is None or t.unix is not None:
            return s.remote
        closed = t.state == "CLOSED"
        if not closed and not ((t.fin_received or t.read_shut) and (t.shut_by_app or t.fin_queued)):
            return s.remote
        rules = self.profile.getpeername_errors
        if rules is None:
            raise NotModelled(f"getpeername() on {self.profile.name} of a connection shut down both ways or closed")
        shut_error, closed_error = rules
        if shut_error is not None:
            raise self.fail(shut_error)
        if closed:
            if closed_error is None:
                raise NotModelled(f"getpeername() on {self.profile.name} of a connection that was reset or closed")
            raise self.fail(closed_error)
        return s.remote

    def shutdown(self, s: KSock, how: int) -> None:
        self.check_open(s)
        if s.kind == DGRAM:
            self._shutdown_dgram(s, how)
            return
        if s.listening:
            self._shutdown_listener(s, how)
            return
        t = self._connected_tcb(s, "ENOTCONN")
        if t.state == "CLOSED":  # reset, or its TIME_WAIT handed to the kernel
            raise self.fail("ENOTCONN")
        if t.unix is not None:
            self._unix_shutdown(t, how)
            return
        if how in (0, 2):  # SHUT_RD, SHUT_RDWR
            self._shut_reading(t)
        if how in (1, 2):  # SHUT_WR, SHUT_RDWR
            t.shut_by_app = True
            t.fin_queued = True
            self._pump(t)

    def _shutdown_dgram(self, s: KSock, how: int) -> None:
        """shutdown() of a UDP socket: ``Profile.udp_shutdown_unconnected`` for one that is not
        connected, ``Profile.udp_shut_rd`` for what SHUT_RD does."""
        p = self.profile
        if s.unix:
            raise NotModelled(f"shutdown() of an AF_UNIX datagram socket on {p.name}")
        unconnected = s.remote is None and p.udp_shutdown_unconnected != "shut"
        if unconnected and p.udp_shutdown_unconnected == "error":
            raise self.fail("ENOTCONN")
        if how in (0, 2):  # SHUT_RD, SHUT_RDWR
            if p.udp_shut_rd is None:
                raise NotModelled(f"shutdown(SHUT_RD) of a UDP socket on {p.name}")
            s.read_shut = True
            if p.udp_shut_rd == "flush":  # the BSDs' sorflush: what is queued goes, and all that comes later
                s.dgrams.clear()
                s.dgram_bytes = 0
        if how in (1, 2):
            s.write_shut = True  # a later send fails as a TCP socket's does (send_after_shutdown_error)
        if unconnected:  # "error-and-shut": done, and ENOTCONN all the same
            raise self.fail("ENOTCONN")

    def _shut_reading(self, t: Tcb) -> None:
        """shutdown(SHUT_RD): what becomes of data already received (``Profile.shut_rd_queued``)."""
        rule = self.profile.shut_rd_queued
        if t.rcv and rule != "keep":
            if rule is None:
                raise NotModelled(f"shutdown(SHUT_RD) on {self.profile.name} with received data still queued")
            t.rcv.clear()  # "discard": the BSDs' sorflush
            t.unix_writes = t.unix_charge = 0
            t.unix_skbs = None
            self._drop_unread_rights(t)
            t.urg_mark = -1
        t.read_shut = True

    def _shutdown_listener(self, s: KSock, how: int) -> None:
        """shutdown() on a listening socket, as the profile's ``listener_shutdown`` says."""
        rule = self.profile.listener_shutdown
        reading = how in (0, 2)  # SHUT_RD, SHUT_RDWR
        if rule == "stop":
            if reading:
                self._stop_listening(s)
            return
        if rule == "enotconn-abort" and reading:
            s.error = "ECONNABORTED"
        raise self.fail("ENOTCONN")

    def _stop_listening(self, s: KSock) -> None:
        """The socket stops listening but keeps its port; what it never accepted is reset."""
        for queued in list(s.queue):
            self._drop_unread_rights(queued)
            self._send_rst_from(queued)
        s.queue.clear()
        s.listening = False
        if s.local is not None:
            _discard(self._listeners, s.local[1], s)

    def close(self, s: KSock) -> None:
        if s.closed:
            return
        s.closed = True
        if s.listening:  # only a listener has a queue, or is in ``_listeners``
            self._stop_listening(s)  # a closed listener resets what it never accepted
        if s.local is not None:  # ``_stop_listening`` took it out of ``_listeners``
            _discard(self._bound, (s.kind, s.local[1]), s)
        if s.unix and s in self._unix_keys:
            del self._unix_names[self._unix_keys.pop(s)]
        while s.unix and s.dgrams:  # a closed datagram socket's queue is freed: its senders' bytes too
            self.unix_dgram_taken(*s.dgrams.popleft())
        t = s.tcb
        if t is None or t.state == "CLOSED":
            return
        if t.unix is not None:
            self._unix_close(t, t.unix)
            return
        onoff, seconds = s.opts.get("SO_LINGER", (0, 0))
        if onoff and seconds == 0:
            self._send_rst_from(t)
            return
        if t.rcv:
            if self.profile.close_with_unread == "rst":
                self._send_rst_from(t)
                return
            t.rcv.clear()
        t.orphan = True
        self._adopt(t)
        t.fin_queued = True
        self._pump(t)

    # -- AF_UNIX stream sockets: pairs and names -------------------------------------------------
    def unix_pair(self, family: int) -> tuple[KSock, KSock]:
        """``socketpair(AF_UNIX, SOCK_STREAM)``: two connected ends (``Profile.unix_pairs``)."""
        facts = self._unix_facts()
        self._pairs += 1
        ends = (("", 1 - 2 * self._pairs), ("", -2 * self._pairs))
        made = []
        for local, remote in (ends, ends[::-1]):
            s = self.socket(family, STREAM, unix=True)
            s.tcb, s.local, s.remote = self._unix_tcb(local, remote, facts), local, remote
            made.append(s)
        return made[0], made[1]

    def _unix_tcb(self, local: Addr, remote: Addr, facts: UnixPairFacts) -> Tcb:
        t = Tcb(local, remote, facts.sure_bytes, 0)
        t.unix = facts
        t.nodelay = True
        self.conns[(local, remote)] = t
        return t

    def _unix_facts(self) -> UnixPairFacts:
        facts = self.profile.unix_pairs
        assert facts is not None, "the socket layer makes AF_UNIX sockets only where the profile has them"
        return facts

    def unix_can_bind(self, s: KSock) -> None:
        """bind()'s checks before a name is made: a socket binds once (EINVAL)."""
        self.check_open(s)
        if s.local is not None:
            raise self.fail("EINVAL")
        if s in self._unix_keys:
            raise NotModelled(f"bind() of an AF_UNIX socket pair's end on {self.profile.name}")

    def unix_bind(self, s: KSock, key: object, shown: str) -> None:
        """Give ``s`` the AF_UNIX name ``key`` (shown as ``shown``); an abstract name in use is
        EADDRINUSE (a path in use fails before, at the file)."""
        self.unix_can_bind(s)
        if key in self._unix_names:
            raise self.fail("EADDRINUSE")
        self._pairs += 1
        s.local = (shown, -2 * self._pairs)
        self._unix_names[key] = s
        self._unix_keys[s] = key
        self.unix_made.add(key)

    def unix_bound(self, key: object) -> bool:
        """Whether a socket of this simulation holds ``key`` now."""
        return key in self._unix_names

    def unix_socket(self, key: object) -> Optional[KSock]:
        """The socket of this simulation that holds the AF_UNIX name ``key``, if any."""
        return self._unix_names.get(key)

    def unix_name_unnamed(self, s: KSock) -> object:
        """A key for a socket that has no name (a socket pair's end) by which its peer finds
        it; nothing a program passes can make it, and ``bind`` of such a socket is not modelled."""
        s.unix_id = self.new_unix_id()
        key = ("unnamed", s.unix_id)
        self._unix_names[key] = s
        self._unix_keys[s] = key
        return key

    def new_unix_id(self) -> int:
        """A number no AF_UNIX address of this simulation has (a datagram sender's, ``unixdgram``)."""
        self._pairs += 1
        return -2 * self._pairs

    def unix_dgram_taken(self, data: bytes, sender: Addr) -> None:
        """An AF_UNIX datagram left its receiver's queue: its sender has that much less unread,
        and one datagram fewer (``unix_unread_dgrams``)."""
        self.unix_unread[sender[1]] -= len(data)
        counts = self.unix_unread_dgrams[sender[1]]
        counts[0] -= 1
        facts = self.profile.unix_dgrams
        if facts is None or not facts.small(len(data)):
            counts[1] -= 1

    def _unix_listen(self, s: KSock, backlog: int) -> None:
        if s.tcb is not None:
            raise self.fail("EINVAL")
        if s.local is None:
            raise NotModelled(f"listen() on an unbound AF_UNIX socket on {self.profile.name} (autobind)")
        s.queue_limit = min(max(backlog, 0), self.profile.somaxconn)
        if s.queue is _NOTHING_QUEUED:
            s.queue = deque()
        s.listening = True

    def unix_connect(self, s: KSock, key: object) -> None:
        """Connect to the listener named ``key``: its connection is queued at once, and the
        connect completes (a stream socket's connect never waits for accept while there is room)."""
        self.check_open(s)
        if s.listening:
            raise self.fail("EINVAL")
        if s.tcb is not None:
            raise self.fail("EISCONN")
        listener = self._unix_names.get(key)
        if listener is None or not listener.listening:
            raise self.fail("ECONNREFUSED")
        if len(listener.queue) >= listener.queue_limit:
            raise NotModelled(
                f"a connect() on {self.profile.name} to an AF_UNIX listener whose queue holds its backlog "
                f"({listener.queue_limit}): whether it waits, fails or is queued"
            )
        assert listener.local is not None
        facts = self._unix_facts()
        self._pairs += 1
        mine = s.local if s.local is not None else ("", 1 - 2 * self._pairs)
        theirs = (listener.local[0], -2 * self._pairs)
        s.tcb, s.local, s.remote = self._unix_tcb(mine, theirs, facts), mine, theirs
        listener.queue.append(self._unix_tcb(theirs, mine, facts))

    def _unix_send(self, s: KSock, t: Tcb, facts: UnixPairFacts, data: bytes | memoryview, whole: bool = False) -> int:
        """A write goes straight into the other end's buffer, if it surely fits there (with
        ``whole``, what surely fits of it; see ``send``)."""
        if t.shut_by_app:
            raise self.fail(self.profile.send_after_shutdown_error)
        peer = self.peer(t)
        if peer is None or peer.read_shut:
            error, why = (
                (facts.send_to_closed, "is closed") if peer is None else (facts.peer_shut_rd, "shut down reading")
            )
            if error is None:
                raise NotModelled(f"a send on {self.profile.name} to an AF_UNIX socket pair whose other end {why}")
            raise self.fail(error)
        if not len(data):
            return 0
        if facts.skb_charge is not None:
            sndbuf = self.unix_buffer_size(s, "SO_SNDBUF") or 0
            return self._unix_send_skbs(s, peer, facts.skb_charge, sndbuf, data)
        room = self._unix_room(peer, facts)
        if len(data) > room:
            feature = (
                f"how much an AF_UNIX socket pair holds on {self.profile.name} past {facts.sure_bytes} unread bytes "
                f"or {facts.sure_writes} unread writes (it depends on each write's buffer overhead)"
            )
            if not whole:
                raise NotModelled(feature)
            if not room:
                raise UnsureRoom(feature)
            data = data[:room]
        self._unix_queue(peer, data)
        return len(data)

    @staticmethod
    def _unix_queue(peer: Tcb, data: bytes | memoryview) -> None:
        if peer.rcv is EMPTY:
            peer.rcv = ByteQueue()
        peer.rcv.append(data)
        peer.unix_writes += 1

    def _unix_send_skbs(self, s: KSock, peer: Tcb, skbs: SkbCharge, sndbuf: int, data: bytes | memoryview) -> int:
        """Linux's unix_stream_sendmsg: the write goes in buffers (``SkbCharge.chunk``), each
        taken while what the unread ones charge is below the writer's SO_SNDBUF; the count of
        what went, or (nothing went) ``WouldBlock``. Descriptors the send passes
        (``s.rights_out``) go with its first buffer."""
        sent = 0
        while sent < len(data):
            if peer.unix_charge >= sndbuf:
                if sent:
                    break
                raise WouldBlock
            chunk = skbs.chunk(len(data) - sent, sndbuf)
            self._unix_queue(peer, data[sent : sent + chunk])
            if peer.unix_skbs is None:
                peer.unix_skbs = deque()
            truesize = skbs.truesize(chunk)
            skb = [chunk, truesize]
            peer.unix_skbs.append(skb)
            if s.rights_out is not None:
                if peer.unix_rights is None:
                    peer.unix_rights = {}
                peer.unix_rights[id(skb)], s.rights_out = s.rights_out, None
            peer.unix_charge += truesize
            sent += chunk
        return sent

    @staticmethod
    def _unix_consumed(t: Tcb, n: int) -> None:
        """``n`` bytes of ``t``'s buffers were read: each wholly read one stops charging."""
        skbs = t.unix_skbs
        while n and skbs:
            first = skbs[0]
            used = min(n, first[0])
            first[0] -= used
            n -= used
            if not first[0]:
                t.unix_charge -= first[1]
                skbs.popleft()

    # -- descriptors in flight (SCM_RIGHTS, ``UnixPairFacts.scm_rights``) ------------------------
    def take_rights(self, fds: list[int], real: Callable[[int], HeldDescriptor]) -> list[Passed]:
        """What a message passing ``fds`` carries: a simulated socket with one more reference,
        a real descriptor as ``real`` holds it (a duplicate); EBADF for a number nothing has."""
        passed: list[Passed] = []
        try:
            for fd in fds:
                ks = self.fds.get(fd)
                if ks is not None:
                    ks.refs += 1
                    passed.append(ks)
                elif fd in self.objects:
                    raise NotModelled("passing a simulated pipe or epoll descriptor (SCM_RIGHTS)")
                elif fd >= FD_BASE or fd < 0:
                    raise self.fail("EBADF")
                else:
                    passed.append(real(fd))
        except BaseException:
            self.drop_rights(passed)
            raise
        return passed

    def drop_rights(self, passed: list[Passed]) -> None:
        """Descriptors in flight that nobody installs: each reference goes (a simulated socket
        closes with its last one)."""
        for item in passed:
            if isinstance(item, KSock):
                item.refs -= 1
                if item.refs <= 0:
                    self.close(item)
            else:
                item.close()

    def install_rights(self, s: KSock, room: int, cloexec: bool) -> tuple[list[int], bool]:
        """The descriptors the last read on ``s`` took, installed as this process's as far as
        ``room`` bytes of ancillary buffer hold them (Linux scm_detach_fds); the rest are closed.
        Their numbers, and whether some did not fit (MSG_CTRUNC). Without ``cloexec``
        (MSG_CMSG_CLOEXEC) they are inheritable."""
        passed, s.rights_in = s.rights_in or [], None
        facts = s.tcb.unix.scm_rights if s.tcb is not None and s.tcb.unix is not None else None
        assert facts is not None, "only a socket whose profile passes descriptors reads any"
        fit = (room - facts.header) // facts.fd_size if room > facts.header else 0
        numbers = []
        for item in passed[:fit]:
            if isinstance(item, KSock):
                fd = self._new_fd(item)  # the reference in flight is now the descriptor's
                if not cloexec:
                    self.inheritable.add(fd)
            else:
                fd = item.install(cloexec)
            numbers.append(fd)
        self.drop_rights(passed[fit:])
        return numbers, len(passed) > fit

    def _read_rights(self, s: KSock, t: Tcb, n: int, peek: bool) -> int:
        """How much of ``n`` a read of AF_UNIX stream end ``t`` takes where descriptors travel
        (Linux unix_stream_read_generic): it goes on from buffer to buffer, takes the
        descriptors of the first one it reads into (copies of them with ``peek``), and stops
        after that buffer. What it takes goes to ``s.rights_in``."""
        rights, skbs = t.unix_rights, t.unix_skbs
        assert rights is not None and skbs is not None
        limit = 0
        for skb in skbs:
            take = min(skb[0], n - limit)
            limit += take
            held = rights.get(id(skb))
            if held is not None:
                if peek:
                    held = [self._copy_right(item) for item in held]
                else:
                    del rights[id(skb)]
                s.rights_in = (s.rights_in or []) + held
                break
            if take < skb[0] or limit == n:
                break
        return limit

    def _copy_right(self, item: Passed) -> Passed:
        if isinstance(item, KSock):
            item.refs += 1
            return item
        return item.copy()

    def _drop_unread_rights(self, t: Tcb) -> None:
        """``t``'s unread data is discarded: the descriptors travelling with it are closed."""
        if t.unix_rights:
            for held in t.unix_rights.values():
                self.drop_rights(held)
        t.unix_rights = None

    def drop_all_rights(self) -> None:
        """The network closes: every descriptor still in flight is closed (real duplicates too)."""
        for t in list(self.conns.values()):
            self._drop_unread_rights(t)

    def unix_buffer_size(self, s: KSock, name: str) -> Optional[int]:
        """SO_SNDBUF or SO_RCVBUF of AF_UNIX socket ``s``: as set, else a fresh one's (its pair's
        or the datagram facts' ``buffer_sizes``); None where that is not known."""
        facts = s.tcb.unix if s.tcb is not None else (self.profile.unix_dgrams if s.unix and s.kind == DGRAM else None)
        sizes = facts.buffer_sizes if facts is not None else None
        return None if sizes is None else int(s.opts.get(name, sizes[name == "SO_RCVBUF"]))

    @staticmethod
    def _unix_room(peer: Tcb, facts: UnixPairFacts) -> int:
        """How many bytes one write to ``peer`` surely fits: up to ``sure_first_write`` when it
        holds nothing unread, up to ``sure_bytes`` unread in fewer than ``sure_writes`` writes."""
        first = 0 if peer.rcv else facts.sure_first_write
        more = facts.sure_bytes - len(peer.rcv) if peer.unix_writes < facts.sure_writes else 0
        return max(first, more, 0)

    def unix_send_can_go_on(self, s: KSock) -> bool:
        """Whether a ``whole`` send on AF_UNIX pair end ``s`` can go on: part of a write surely
        fits, or the send fails at once (closed, shut down, no peer)."""
        t = s.tcb
        if s.closed or t is None or t.unix is None or t.shut_by_app:
            return True
        peer = self.peer(t)
        return peer is None or peer.read_shut or self._unix_room(peer, t.unix) > 0

    def _unix_writable(self, s: KSock, t: Tcb, facts: UnixPairFacts) -> bool:
        peer = self.peer(t)
        if peer is None or t.shut_by_app or peer.read_shut:
            return True  # a send fails at once
        if facts.skb_charge is not None:  # Linux's unix_writable: 4 x sk_wmem_alloc (charge + 1) within it
            return 4 * (peer.unix_charge + 1) <= (self.unix_buffer_size(s, "SO_SNDBUF") or 0)
        if len(peer.rcv) <= facts.writable_bytes and peer.unix_writes <= facts.writable_writes:
            return True
        raise NotModelled(
            f"whether an AF_UNIX socket pair end is writable on {self.profile.name} while the other end holds "
            f"{len(peer.rcv)} unread bytes in {peer.unix_writes} writes"
        )

    def _unix_shutdown(self, t: Tcb, how: int) -> None:
        """Each half closes at both ends: the other end reads EOF after SHUT_WR (every OS), and
        where ``UnixPairFacts.peer_shut_rd`` is known SHUT_RD shuts the other end's sending too."""
        peer = self.peer(t)
        if how in (0, 2):  # SHUT_RD, SHUT_RDWR
            self._shut_reading(t)  # a socket-level rule (the BSDs' soshutdown), for AF_UNIX too
            if peer is not None and t.unix is not None and t.unix.peer_shut_rd is not None:
                peer.fin_queued = True  # Linux unix_shutdown: the peer's SEND_SHUTDOWN (poll: its POLLHUP)
        if how in (1, 2):  # SHUT_WR, SHUT_RDWR
            t.shut_by_app = True
            if peer is not None:
                peer.fin_received = True

    def _unix_close(self, t: Tcb, facts: UnixPairFacts) -> None:
        """The other end reads its queued data, then (``close_unread``) an error if this end
        dropped unread data, then EOF; it can send no more. No linger, no TIME_WAIT."""
        peer = self.peer(t)
        self._destroy(t)
        self._drop_unread_rights(t)
        if peer is not None:
            if t.rcv and facts.close_unread != "eof":
                peer.error = facts.close_unread
            peer.fin_received = peer.fin_queued = True
        t.rcv = EMPTY

    def _unix_option(self, s: KSock, name: str, setting: bool) -> None:
        """Options an AF_UNIX pair end refuses or the model does not know (``UnixPairFacts``);
        on an AF_UNIX datagram socket, only the SOL_SOCKET ones other than the buffer sizes."""
        if s.unix and s.kind == DGRAM and (name in _BUFFER_OPTIONS or not name.startswith("SO_")):
            dgram_facts = self.profile.unix_dgrams
            known = dgram_facts is not None and (dgram_facts.small_dgrams if setting else dgram_facts.buffer_sizes)
            if name not in _BUFFER_OPTIONS or not known:
                raise NotModelled(f"{name} on an AF_UNIX datagram socket on {self.profile.name}")
            return
        facts = s.tcb.unix if s.tcb is not None else None
        if facts is None:
            return
        if not name.startswith("SO_"):
            if facts.option_error is None:
                raise NotModelled(f"{name} on an AF_UNIX socket on {self.profile.name}")
            raise self.fail(facts.option_error)
        if name in _BUFFER_OPTIONS and (facts.buffer_sizes is None or (setting and facts.skb_charge is None)):
            raise NotModelled(
                f"{'setting' if setting else 'reading'} {name} of an AF_UNIX socket pair on {self.profile.name}"
            )

    # -- UDP ----------------------------------------------------------------------------------
    def _udp_receiver(self, host: str, port: int, sender: Addr) -> Optional[KSock]:
        for s in self._bound.get((DGRAM, port), ()):
            if s.local is None:
                continue
            if not self._receives(s, host):
                continue
            if s.remote is not None and s.remote != sender:
                continue
            return s
        return None

    def sendto(self, s: KSock, data: bytes | memoryview, host: str, port: int, more: bool = False) -> int:
        """Send a datagram (a TCP socket sends as ``send``). ``more``: MSG_MORE, on a UDP socket
        where the profile lists the flag: the datagram waits for a send without it, and every
        send meanwhile adds to it, whatever address it names (Linux udp_sendmsg, the corked
        path: ``Profile.send_flags`` says where)."""
        self.check_open(s)
        if s.write_shut:
            raise self.fail(self.profile.send_after_shutdown_error)
        if s.cork is not None:
            return self._add_to_cork(s, s.cork, data, more)
        if s.kind != DGRAM:
            if s.tcb is None:
                raise NotModelled("sendto() on an unconnected TCP socket")
            # A connection-mode socket ignores the address: POSIX sendto() DESCRIPTION
            # (https://pubs.opengroup.org/onlinepubs/9699919799/functions/sendto.html), Windows'
            # sendto page (Remarks: for connection-oriented sockets to and tolen are ignored),
            # and CPython's InterruptedSendTimeoutTest.testInterruptedSendtoTimeout, which sends
            # with sendto() on a connected TCP socket on Linux, macOS and FreeBSD until it blocks.
            return self.send(s, data)
        host = _norm(host)
        self._check_route(host)
        if host in self.broadcasts and not s.opts.get("SO_BROADCAST"):
            raise self.fail(self.profile.broadcast_without_flag_error)
        self._not_to_a_group(host, "sendto()")
        self._autobind(s, host)
        source = self._source(s, host)
        limit = self._udp_limit(s, ":" in host, len(data))
        if len(data) > limit:
            raise self.fail("EMSGSIZE")
        if more:
            s.cork = ([bytes(data)], host, port)
            return len(data)
        return self._deliver_udp(s, data, host, port, source)

    def _add_to_cork(self, s: KSock, cork: tuple[list[bytes], str, int], data: bytes | memoryview, more: bool) -> int:
        """A send while a MSG_MORE datagram waits: its data joins that datagram, which goes where
        the first part was sent once a send comes without MSG_MORE. One that makes it too long
        fails and drops the whole datagram (``udp_flush_pending_frames``)."""
        parts, host, port = cork
        total = sum(map(len, parts)) + len(data)
        if total > self._udp_limit(s, ":" in host, total):
            s.cork = None
            raise self.fail("EMSGSIZE")
        parts.append(bytes(data))
        if not more:
            s.cork = None
            self._deliver_udp(s, b"".join(parts), host, port, self._source(s, host))
        return len(data)

    def _deliver_udp(self, s: KSock, data: bytes | memoryview, host: str, port: int, source: Addr) -> int:
        """A datagram from ``source`` reaches ``host``'s socket at ``port`` (or nobody, or a black hole)."""
        if not self.is_local(host):
            if self.trace is not None:
                self._seg("UDP", source, (host, port), len(data), note="no answer: off this host")
            return len(data)  # off this host: gone, and nothing answers (black hole route)
        receiver = self._udp_receiver(host, port, source)
        if receiver is None:
            reported = self.profile.icmp_unreachable_to == "all" or s.remote is not None
            if self.trace is not None:
                self._seg("UDP", source, (host, port), len(data))
                note = "reported to the socket" if reported else "not reported to an unconnected socket"
                self._seg("ICMP port unreachable", (host, port), source, note=note)
            if reported:
                s.error = self.profile.icmp_unreachable_error
            return len(data)
        cap = int(receiver.opts.get("SO_RCVBUF", self.profile.udp_rcvbuf))
        fits = receiver.dgram_bytes + len(data) <= cap and not (
            receiver.read_shut and self.profile.udp_shut_rd == "flush"
        )
        if self.trace is not None:
            self._seg("UDP", source, (host, port), len(data), note="" if fits else "dropped: receive buffer full")
        if fits:  # else dropped silently, as UDP does
            receiver.dgrams.append((bytes(data), source))
            receiver.dgram_bytes += len(data)
        return len(data)

    def _udp_limit(self, s: KSock, v6: bool, size: int) -> int:
        """The largest datagram ``s`` may send: the profile's, or (the BSDs) its SO_SNDBUF once set,
        under IP's own limit."""
        p = self.profile
        limit = p.udp_max_ipv6 if v6 else p.udp_max_ipv4
        sndbuf = s.opts.get("SO_SNDBUF")
        if sndbuf is None or p.udp_max_is_sndbuf is False:
            return limit
        if p.udp_max_is_sndbuf is None:
            if size > sndbuf and size <= limit:
                raise NotModelled(f"whether SO_SNDBUF ({sndbuf}) limits a UDP datagram's size on {p.name}")
            return limit
        return min(int(sndbuf), _IP_UDP_MAX_V6 if v6 else _IP_UDP_MAX_V4)

    def recvmsg(
        self, s: KSock, n: int, peek: bool = False, dontwait: bool = False, waited: bool = False
    ) -> tuple[bytes, Optional[Addr], bool]:
        """(data, sender, truncated); a stream socket names no sender. With ``peek`` (MSG_PEEK)
        the datagram stays queued, even when it is too long for ``n``; ``dontwait``: MSG_DONTWAIT;
        ``waited``: as ``recv``'s."""
        self.check_open(s)
        if s.kind != DGRAM:
            return self.recv(s, n, peek, waited), None, False
        if s.error:
            error, s.error = s.error, None
            raise self.fail(error)
        if s.read_shut and self.profile.udp_shut_rd == "refuse":
            raise self.fail("ESHUTDOWN")
        if not s.dgrams:
            if self._dgram_eof(s, dontwait):
                return b"", None, False
            raise WouldBlock
        if peek:
            data, sender = s.dgrams[0]
        else:
            data, sender = s.dgrams.popleft()
            s.dgram_bytes -= len(data)
            if s.unix:
                self.unix_dgram_taken(data, sender)
        if len(data) > n and self.profile.udp_truncation == "error":
            raise self.fail("EMSGSIZE")
        return data[:n], sender, len(data) > n

    # -- options ------------------------------------------------------------------------------
    def setsockopt_null(self, s: KSock, name: str, length: int) -> None:
        """``setsockopt`` of ``name`` with a NULL buffer of ``length`` bytes (``Profile.null_optval``)."""
        self.check_open(s)
        accepted = self.profile.null_optval
        # SOL_SOCKET on every socket, IPPROTO_TCP on TCP: what the profile's rule covers
        if accepted is None or not (
            name.startswith("SO_") or (name.startswith("TCP_") and s.kind == STREAM and not s.unix)
        ):
            raise NotModelled(f"setsockopt({name}, None, {length}) on {self.profile.name}")
        if length < 0:
            raise self.fail("EINVAL")
        if name in accepted:
            if length:  # the option copies what it is given: from a NULL buffer
                raise self.fail("EFAULT")
            return  # no value: SO_BINDTODEVICE leaves the socket unbound, as every simulated one is
        raise self.fail(self.profile.short_option_error if length < 4 else "EFAULT")

    def setsockopt(self, s: KSock, name: str, value: int | bytes) -> None:
        self.check_open(s)
        if name in self.profile.missing_options:
            raise self.fail("ENOPROTOOPT")
        if name == "SO_BINDTODEVICE":
            self._unbound_device(value)
            return
        self._unix_option(s, name, True)
        s.unknown_opts -= {name}
        if name == "SO_LINGER":
            size = struct.calcsize(self.profile.linger_format)
            # An int is passed as a 4-byte C int (CPython setsockopt), so it is short too.
            if not isinstance(value, bytes) or len(value) < size:
                raise self.fail(self.profile.short_option_error)
            onoff, linger = struct.unpack(self.profile.linger_format, value[:size])  # extra bytes ignored
            if not onoff and not self.profile.linger_kept_when_off:
                # Linux keeps the time it had (None: what this OS keeps is not known)
                linger = None if self.profile.linger_kept_when_off is None else s.opts.get(name, (0, 0))[1]
            s.opts[name] = (onoff, linger)
            return
        self._notsent_lowat_known(s, name)
        self._no_port_known(s, name)
        if isinstance(value, bytes):  # an int option given as a buffer: the kernel reads a C int
            if len(value) < 4:
                raise self.fail(self.profile.short_option_error)
            value = int.from_bytes(value[:4], sys.byteorder, signed=True)
        if name == "IP_BIND_ADDRESS_NO_PORT":
            value = int(bool(value))  # a flag bit: any nonzero value reads back 1
        if name in self.profile.one_byte_options:
            value &= 0xFF  # the OS reads one byte: 256 sets the option off
        if name in _KEEPALIVE_OPTIONS:
            _, lowest, highest, _ = self._keepalive_rule(name)
            if not lowest <= value <= highest:
                raise self.fail("EINVAL")
        if name in _BUFFER_OPTIONS:
            value = self._buffer_request(s, name, value)
            if s.tcb is not None and s.tcb.unix is None:  # a connected socket's changes at once (socket(7): sk_sndbuf)
                if name == "SO_RCVBUF":
                    s.tcb.rcv_cap = value
                else:
                    s.tcb.snd_cap = value
        s.opts[name] = value

    def _peercred(self, s: KSock) -> bytes:
        """SO_PEERCRED (``UnixPairFacts.peercred``): this process's credentials where a peer's
        were taken (every simulated socket belongs to this process), else (0, -1, -1)."""
        facts = self.profile.unix_pairs
        getuid, getgid = getattr(os, "getuid", None), getattr(os, "getgid", None)
        if facts is None or not facts.peercred or getuid is None or getgid is None:
            raise NotModelled(f"SO_PEERCRED on {self.profile.name}")
        taken = s.unix and (s.tcb is not None or s.listening or s.unix_paired)
        return struct.pack("3i", *((os.getpid(), getuid(), getgid()) if taken else (0, -1, -1)))

    def _buffer_request(self, s: KSock, name: str, value: int) -> int:
        """What setsockopt(SO_RCVBUF or SO_SNDBUF, value) stores (``Profile.sockbuf_out_of_range``)."""
        p = self.profile
        which = _BUFFER_OPTIONS.index(name)
        factor = p.rcvbuf_set_factor if name == "SO_RCVBUF" else p.sndbuf_set_factor
        lowest, highest = p.sockbuf_minimums[which], (p.sockbuf_maximums or (None, None))[which]
        rule = p.sockbuf_out_of_range
        if rule == "clamp":  # read as unsigned, clamped, then multiplied
            value %= 2**32
            return max(min(value, highest if highest is not None else value) * factor, lowest)
        if value * factor >= lowest and (highest is None or value <= highest):
            return value * factor
        if rule in ("refuse", "cap") and value * factor < lowest:
            raise self.fail("EINVAL")
        if rule == "refuse" or (rule == "cap" and s.opts.get(name) == highest):
            raise self.fail("ENOBUFS")
        if rule == "cap":
            assert highest is not None  # only a known maximum is exceeded
            return highest * factor
        raise NotModelled(f"setsockopt({name}, {value}) on {p.name}: a size outside what is known to be stored")

    def getsockopt(self, s: KSock, name: str) -> int | bytes:
        self.check_open(s)
        if name in self.profile.missing_options:
            raise self.fail("ENOPROTOOPT")
        self._unix_option(s, name, False)
        if name in s.unknown_opts:
            raise NotModelled(f"whether a socket accepted on {self.profile.name} has its listener's {name}")
        if name in _BUFFER_OPTIONS and ((s.tcb is not None and s.tcb.unix is not None) or (s.unix and s.kind == DGRAM)):
            size = self.unix_buffer_size(s, name)
            assert size is not None  # _unix_option refused it otherwise
            return size
        if name == "SO_ERROR":
            unread_connect_error = None if s.connect_error_read else s.connect_error
            pending = s.error or (s.tcb.error if s.tcb else None) or unread_connect_error
            s.error = None
            if pending is not None and pending == unread_connect_error:
                # Taken (sock_error, every OS); the socket still shows a failed connect to readiness.
                s.connect_error_read = True
            if s.tcb is not None and pending == s.tcb.error:
                s.tcb.error = None  # reading SO_ERROR clears it (socket(7) SO_ERROR: sock_error)
            return self.profile.errnos[self.profile.errno_aliases.get(pending, pending)][0] if pending else 0
        if name == "SO_LINGER":
            onoff, linger = s.opts.get(name, (0, 0))
            if linger is None:
                raise NotModelled(f"the linger time SO_LINGER reads back on {self.profile.name} after it was set off")
            return struct.pack(self.profile.linger_format, self._on_value(name) if onoff else 0, linger)
        self._notsent_lowat_known(s, name)
        self._no_port_known(s, name)
        if name == "SO_ACCEPTCONN":
            listening = self.profile.acceptconn_listening
            if listening is None:
                raise self.fail("ENOPROTOOPT")
            return listening if s.listening else 0
        if name == "SO_PEERCRED":
            return self._peercred(s)
        if name == "SO_BINDTODEVICE":
            self._unbound_device(None)
            return b""  # the device name of an unbound socket: empty (CPython reads 0 without buflen)
        if name in ("SO_DOMAIN", "SO_PROTOCOL"):
            answered = self.profile.identity_options.get(name)
            if answered is None:
                raise NotModelled(f"getsockopt({name}) on {self.profile.name}")
            if not answered:
                raise self.fail("ENOPROTOOPT")
            if name == "SO_DOMAIN":
                return s.family
            return 0 if s.unix else (6 if s.kind == STREAM else 17)  # IPPROTO_TCP, IPPROTO_UDP everywhere
        if name == "SO_TYPE":
            # the socket's type: socket(7) (Linux man-pages 6.03), getsockopt(2) (FreeBSD, macOS),
            # and learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options all
            # list it; SOCK_STREAM is 1 and SOCK_DGRAM 2 on all four (Linux include/linux/net.h
            # outside MIPS, FreeBSD and xnu sys/socket.h, Windows ws2def.h)
            return 1 if s.kind == STREAM else 2
        if name in _KEEPALIVE_OPTIONS:
            default, _, _, zero_is_default = self._keepalive_rule(name)
            value = int(s.opts.get(name, 0 if zero_is_default else default))
            return default if value == 0 and zero_is_default else value
        defaults: dict[str, Callable[[], int]] = {
            "SO_RCVBUF": lambda: self._reported_buffer(s, 0) if s.kind == STREAM else self.profile.udp_rcvbuf,
            "SO_SNDBUF": lambda: self._reported_buffer(s, 1) if s.kind == STREAM else self._sndbuf(s),
            "IPV6_V6ONLY": lambda: self.profile.v6only_default,
        }
        if name in s.opts:
            if s.opts[name] is None:
                raise NotModelled(
                    f"the {name} a socket accepted on {self.profile.name} reads (copied from the listener?)"
                )
            value = int(s.opts[name])
            return self._on_value(name, value) if value and name in self.profile.option_on_value else value
        return defaults[name]() if name in defaults else 0

    def _unbound_device(self, value: Optional[int | bytes]) -> None:
        """SO_BINDTODEVICE: only an empty device name (the socket stays unbound) is modelled
        (``Profile.null_optval``); ``value`` None: getsockopt."""
        accepted = self.profile.null_optval
        if accepted is None or "SO_BINDTODEVICE" not in accepted:
            raise NotModelled(f"SO_BINDTODEVICE on {self.profile.name}")
        if value is not None and not (isinstance(value, bytes) and value[:1] in (b"", b"\0")):
            raise NotModelled("binding a socket to a network device (SO_BINDTODEVICE)")

    def _no_port_known(self, s: KSock, name: str) -> None:
        if name == "IP_BIND_ADDRESS_NO_PORT" and (not self.profile.bind_address_no_port or s.unix):
            kind = " of an AF_UNIX socket" if s.unix else ""
            raise NotModelled(f"IP_BIND_ADDRESS_NO_PORT{kind} on {self.profile.name}")

    def _notsent_lowat_known(self, s: KSock, name: str) -> None:
        if name == "TCP_NOTSENT_LOWAT" and (not self.profile.notsent_lowat or s.kind != STREAM):
            kind = "" if s.kind == STREAM else " of a datagram socket"
            raise NotModelled(f"TCP_NOTSENT_LOWAT{kind} on {self.profile.name}")

    def _keepalive_rule(self, name: str) -> tuple[int, int, int, bool]:
        rule = self.profile.keepalive_tunables.get(name)
        if rule is None:
            raise NotModelled(f"{name} on {self.profile.name} (its default and the values it accepts)")
        return rule

    def _on_value(self, name: str, given: int = 1) -> int:
        """What getsockopt reads back for the on/off option ``name`` while it is on (set to ``given``)."""
        value = self.profile.option_on_value.get(name)
        if value is None or (given != 1 and name in self.profile.one_byte_options):
            raise NotModelled(f"what getsockopt({name}) reads back on {self.profile.name} once it is set to {given}")
        return value

    def _reported_buffer(self, s: KSock, which: int) -> int:
        """What getsockopt says a TCP socket's (receive, send) buffer is, before anyone set it."""
        connected = s.tcb is not None
        sizes = self.profile.tcp_buffers_connected if connected else self.profile.tcp_buffers_fresh
        if sizes is None:
            state = "a connected" if connected else "a new"
            raise NotModelled(f"the {_BUFFER_OPTIONS[which]} {state} TCP socket reports on {self.profile.name}")
        return sizes[which]
