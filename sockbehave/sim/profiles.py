"""Per-OS profiles for the simulator: every OS-specific number and rule, each with its source.

Owns: the data that makes the simulated stack behave like Linux, macOS, FreeBSD or Windows.
The kernel reads these fields and never branches on an OS name. ``Profile.sources`` names a
source for every field; ``Profile.__post_init__`` refuses a profile with an unsourced field.
Where a value is inferred rather than documented, its source says so.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Optional, TypeVar

from .pipefacts import DARWIN_PIPES, FREEBSD_PIPES, LINUX_PIPES, WINDOWS_PIPES, PipeFacts
from .sourced import build, require_sources
from .unixfacts import (
    BSD_UNIX_DGRAMS_DARWIN,
    BSD_UNIX_DGRAMS_FREEBSD,
    BSD_UNIX_PAIRS_DARWIN,
    BSD_UNIX_PAIRS_FREEBSD,
    LINUX_UNIX_DGRAMS,
    LINUX_UNIX_PAIRS,
    UnixDgramFacts,
    UnixPairFacts,
)
from .urgentfacts import BSD_URGENT_DARWIN, BSD_URGENT_FREEBSD, LINUX_URGENT, WINDOWS_URGENT, UrgentFacts

__all__ = ["PROFILES", "Profile", "get_profile"]

Errnos = Mapping[str, tuple[int, str]]

_LINUX_ERRNO: Errnos = {
    "EPERM": (1, "Operation not permitted"),
    "ENOBUFS": (105, "No buffer space available"),
    "ENOENT": (2, "No such file or directory"),
    "EBADF": (9, "Bad file descriptor"),
    "EAGAIN": (11, "Resource temporarily unavailable"),
    "EACCES": (13, "Permission denied"),
    "ENOTDIR": (20, "Not a directory"),
    "EINVAL": (22, "Invalid argument"),
    "EROFS": (30, "Read-only file system"),
    "EPIPE": (32, "Broken pipe"),
    "ENAMETOOLONG": (36, "File name too long"),
    "ELOOP": (40, "Too many levels of symbolic links"),
    "ENOTSOCK": (88, "Socket operation on non-socket"),
    "EDESTADDRREQ": (89, "Destination address required"),
    "EMSGSIZE": (90, "Message too long"),
    "EPROTOTYPE": (91, "Protocol wrong type for socket"),
    "ENOPROTOOPT": (92, "Protocol not available"),
    "EOPNOTSUPP": (95, "Operation not supported"),
    "EAFNOSUPPORT": (97, "Address family not supported by protocol"),
    "EADDRINUSE": (98, "Address already in use"),
    "EADDRNOTAVAIL": (99, "Cannot assign requested address"),
    "ECONNABORTED": (103, "Software caused connection abort"),
    "ECONNRESET": (104, "Connection reset by peer"),
    "EISCONN": (106, "Transport endpoint is already connected"),
    "ENOTCONN": (107, "Transport endpoint is not connected"),
    "ESHUTDOWN": (108, "Cannot send after transport endpoint shutdown"),
    "ETIMEDOUT": (110, "Connection timed out"),
    "ECONNREFUSED": (111, "Connection refused"),
    "EALREADY": (114, "Operation already in progress"),
    "EINPROGRESS": (115, "Operation now in progress"),
    "EFAULT": (14, "Bad address"),
    "ENETUNREACH": (101, "Network is unreachable"),
    "EHOSTUNREACH": (113, "No route to host"),
}

_BSD_ERRNO: Errnos = {
    "EPERM": (1, "Operation not permitted"),
    "ENOBUFS": (55, "No buffer space available"),
    "ENOENT": (2, "No such file or directory"),
    "EBADF": (9, "Bad file descriptor"),
    "EACCES": (13, "Permission denied"),
    "ENOTDIR": (20, "Not a directory"),
    "EINVAL": (22, "Invalid argument"),
    "EROFS": (30, "Read-only file system"),
    "EPIPE": (32, "Broken pipe"),
    "EAGAIN": (35, "Resource temporarily unavailable"),
    "EINPROGRESS": (36, "Operation now in progress"),
    "EALREADY": (37, "Operation already in progress"),
    "ENOTSOCK": (38, "Socket operation on non-socket"),
    "EDESTADDRREQ": (39, "Destination address required"),
    "EMSGSIZE": (40, "Message too long"),
    "EPROTOTYPE": (41, "Protocol wrong type for socket"),
    "ENOPROTOOPT": (42, "Protocol not available"),
    "EOPNOTSUPP": (45, "Operation not supported"),
    "EAFNOSUPPORT": (47, "Address family not supported by protocol family"),
    "EADDRINUSE": (48, "Address already in use"),
    "EADDRNOTAVAIL": (49, "Can't assign requested address"),
    "ECONNABORTED": (53, "Software caused connection abort"),
    "ECONNRESET": (54, "Connection reset by peer"),
    "EISCONN": (56, "Socket is already connected"),
    "ENOTCONN": (57, "Socket is not connected"),
    "ESHUTDOWN": (58, "Can't send after socket shutdown"),
    "ETIMEDOUT": (60, "Operation timed out"),
    "ECONNREFUSED": (61, "Connection refused"),
    "ELOOP": (62, "Too many levels of symbolic links"),
    "ENAMETOOLONG": (63, "File name too long"),
    "EFAULT": (14, "Bad address"),
    "ENETUNREACH": (51, "Network is unreachable"),
    "EHOSTUNREACH": (65, "No route to host"),
}
# macOS numbers EOPNOTSUPP 102 (ENOTSUP is 45 there).
_DARWIN_ERRNO: Errnos = {**_BSD_ERRNO, "EOPNOTSUPP": (102, "Operation not supported on socket")}

_WINDOWS_ERRNO: Errnos = {
    # The Winsock codes: what getsockopt(SO_ERROR), connect_ex and an exception's winerror give.
    # An exception's errno is the same number, except where exception_errnos says (WSAEACCES,
    # 10013, is errno 13, hence PermissionError).
    "EACCES": (10013, "An attempt was made to access a socket in a way forbidden by its access permissions"),
    "EBADF": (10009, "The file handle supplied is not valid"),
    "EINVAL": (10022, "An invalid argument was supplied"),
    "EWOULDBLOCK": (10035, "A non-blocking socket operation could not be completed immediately"),
    "EINPROGRESS": (10036, "A blocking operation is currently executing"),
    "EALREADY": (
        10037,
        "An operation was attempted on a non-blocking socket that already had an operation in progress",
    ),
    "ENOTSOCK": (10038, "An operation was attempted on something that is not a socket"),
    "EDESTADDRREQ": (10039, "A required address was omitted from an operation on a socket"),
    "EMSGSIZE": (
        10040,
        "A message sent on a datagram socket was larger than the internal message buffer or some other network limit, or the buffer used to receive a datagram into was smaller than the datagram itself",
    ),
    "EPROTOTYPE": (
        10041,
        "A protocol was specified in the socket function call that does not support the semantics of the socket type requested",
    ),
    "ENOPROTOOPT": (
        10042,
        "An unknown, invalid, or unsupported option or level was specified in a getsockopt or setsockopt call",
    ),
    "EOPNOTSUPP": (10045, "The attempted operation is not supported for the type of object referenced"),
    "EAFNOSUPPORT": (10047, "An address incompatible with the requested protocol was used"),
    "EADDRINUSE": (
        10048,
        "Only one usage of each socket address (protocol/network address/port) is normally permitted",
    ),
    "EADDRNOTAVAIL": (10049, "The requested address is not valid in its context"),
    "ECONNABORTED": (10053, "An established connection was aborted by the software in your host machine"),
    "ECONNRESET": (10054, "An existing connection was forcibly closed by the remote host"),
    "EISCONN": (10056, "A connect request was made on an already connected socket"),
    "ENOTCONN": (10057, "A request to send or receive data was disallowed because the socket is not connected"),
    "ESHUTDOWN": (
        10058,
        "A request to send or receive data was disallowed because the socket had already been shut down in that direction with a previous shutdown call",
    ),
    "ETIMEDOUT": (
        10060,
        "A connection attempt failed because the connected party did not properly respond after a period of time",
    ),
    "ECONNREFUSED": (10061, "No connection could be made because the target machine actively refused it"),
    "EFAULT": (
        10014,
        "The system detected an invalid pointer address in attempting to use a pointer argument in a call",
    ),
    "ENETUNREACH": (10051, "A socket operation was attempted to an unreachable network"),
    "EHOSTUNREACH": (10065, "A socket operation was attempted to an unreachable host"),
}

_ERRNO_SOURCES = {
    "linux": "Linux include/uapi/asm-generic/errno-base.h and errno.h; messages from glibc strerror",
    "darwin": "apple-oss-distributions/xnu bsd/sys/errno.h; messages from macOS strerror",
    "freebsd": "FreeBSD sys/sys/errno.h; messages from FreeBSD strerror",
    "windows": "https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2 (WSA codes and texts)",
}


@dataclass(frozen=True)
class Profile:
    """One OS's socket semantics. Field docs say what the kernel does with each value."""

    name: str
    #: symbolic name -> (number, message) for every error the kernel raises.
    errnos: Errnos
    #: CPython sets ``winerror`` too (Windows only): the OS's number (``errnos``), printed as
    #: ``[WinError N]``.
    sets_winerror: bool
    #: The errno an exception carries where it is not the OS's number: CPython on Windows gives
    #: six Winsock codes the C runtime's errno (WSAEINVAL, 10022: errno 22, winerror 10022).
    exception_errnos: Mapping[str, int]
    #: Names the kernel uses that this OS spells differently (Windows: EAGAIN is WSAEWOULDBLOCK).
    errno_aliases: Mapping[str, str]
    #: Option constants this OS does not have at all (setsockopt gives ENOPROTOOPT).
    missing_options: tuple[str, ...]
    #: listen() on an unbound socket: EINVAL (True) or bind an ephemeral port (False).
    listen_needs_bind: bool
    #: A non-blocking connect() in progress (even on loopback).
    nonblocking_connect_error: str
    #: send() on a TCP socket that never connected.
    send_unconnected_error: str
    #: Ephemeral port range, inclusive.
    ephemeral_ports: tuple[int, int]
    #: Largest backlog; larger (and, per ``backlog_zero_means_max``, zero) becomes this.
    somaxconn: int
    backlog_zero_means_max: bool
    #: How full the accept queue may get: completed-or-pending connections allowed is
    #: ``floor(backlog * backlog_num / backlog_den) + backlog_extra``.
    backlog_num: int
    backlog_den: int
    backlog_extra: int
    #: What a SYN to a full queue gets: "drop" (client retries until its timeout), "refuse"
    #: (RST; client gives up after ``refused_after``), "accept-then-reset" (the handshake
    #: completes, then the connection is reset).
    backlog_overflow: str
    #: Seconds ``connect`` takes to report a refusal (Windows retries the SYN).
    refused_after: float
    #: Seconds an unanswered SYN is retried before ETIMEDOUT.
    connect_give_up_after: float
    #: Seconds a connection stays in TIME_WAIT.
    time_wait: float
    #: Who must set SO_REUSEADDR to bind over TIME_WAIT: "both", "new" or "nobody" (ignored).
    time_wait_bind: str
    #: Binding a port another live socket has. ``None``: the POSIX rule (EADDRINUSE unless
    #: SO_REUSEPORT is set on both). Otherwise a table: (first socket's mode, second's mode)
    #: -> errno name, or ``None`` for success; modes are "none", "reuse" (SO_REUSEADDR) and
    #: "excl" (SO_EXCLUSIVEADDRUSE).
    live_bind_table: Optional[Mapping[tuple[str, str], Optional[str]]]
    #: Linux also lets two non-listening sockets share a port when both set SO_REUSEADDR.
    reuseaddr_shares_nonlistening: bool
    #: The BSDs' bind: a new socket with SO_REUSEADDR or SO_REUSEPORT conflicts only with an
    #: unconnected socket bound to exactly its address (not a wildcard overlap, not a connection,
    #: not TIME_WAIT), and not when both set SO_REUSEPORT. Without either option, every overlap
    #: conflicts.
    reuse_binds_exact_only: bool
    #: close() with unread received data: "rst" or "fin" (discarding the data).
    close_with_unread: str
    #: What shutdown(SHUT_RD) does with received data still queued: "keep" (recv still reads
    #: it) or "discard"; None: not modelled.
    shut_rd_queued: Optional[str]
    #: Data that reaches an end after its shutdown(SHUT_RD), (outside FIN_WAIT, in FIN_WAIT_1/2
    #: after its own FIN): "keep" (queued for recv), "discard" (acknowledged and dropped),
    #: "reset" (the end aborts with the profile's reset error, and answers with an RST) or
    #: "close-reset" (the end closes without an error, and answers with an RST); None: not modelled.
    shut_rd_arriving: Optional[tuple[str, str]]
    #: A TCP socket after its own shutdown(SHUT_RD): the errno name of a recv started afterwards
    #: (None: it reads what is queued, then b''), and whether a recv already waiting when the
    #: shutdown came wakes with b'' (True) or keeps waiting for the peer's data or FIN (False).
    shut_rd_recv_error: Optional[str]
    shut_rd_wakes_waiting: bool
    #: getpeername() of a TCP socket (error when both directions are shut, error once the
    #: connection is closed by a reset or the closing handshake); a None first item: the address
    #: while not closed; a None second item: not modelled once closed. None: not modelled for
    #: such sockets.
    getpeername_errors: Optional[tuple[Optional[str], Optional[str]]]
    #: The error an RST leaves pending, by the receiver's state.
    reset_error_established: str
    reset_error_close_wait: str
    #: After a reset's error has been reported, every later recv and send fails with it again
    #: (True), or the error is reported once and a recv then reads end of file (False).
    reset_error_sticky: bool
    #: send() after the connection is gone: report the pending error first ("error-first",
    #: Linux sk_err) or the can't-send-more state first ("cantsend-first", BSD sosend).
    send_error_order: str
    #: recv() after the peer's FIN and a later RST: end of stream first (True) or the error.
    recv_eof_before_error: bool
    #: send() when nothing more can be sent and no error is pending.
    send_after_close_error: str
    #: send() after our own shutdown(SHUT_WR) (a TCP socket, or a connected UDP one).
    send_after_shutdown_error: str
    #: Error for any call on a closed socket object.
    closed_socket_error: str
    #: recv with a buffer smaller than the datagram: "truncate" or "error" (datagram consumed either way).
    udp_truncation: str
    #: shutdown() of a UDP socket that is not connected: "error-and-shut" (ENOTCONN, and the
    #: shutdown takes effect all the same), "error" (ENOTCONN, nothing changes) or "shut" (done,
    #: no error).
    udp_shutdown_unconnected: str
    #: A UDP socket after shutdown(SHUT_RD): "keep" (queued and later datagrams are still read;
    #: with none queued a blocking recv returns b'' at once and a non-blocking one fails with
    #: EAGAIN; select and poll report it readable all the while), "flush" (the queued datagrams
    #: and every later one are dropped; every recv returns b''), "refuse" (every recv fails with
    #: ESHUTDOWN; a recv already waiting, and select/poll, are ``NotImplementedError``); None: not
    #: modelled.
    udp_shut_rd: Optional[str]
    #: Largest UDP payload sendto() accepts, IPv4 and IPv6.
    udp_max_ipv4: int
    udp_max_ipv6: int
    #: Whether SO_SNDBUF, once set, is a UDP socket's largest datagram instead (the BSDs: a
    #: datagram must fit the send buffer; IP's own limit stays on top). ``None``: not known
    #: (a datagram larger than a set SO_SNDBUF is ``NotModelled``).
    udp_max_is_sndbuf: Optional[bool]
    #: Which UDP sockets learn of an ICMP port unreachable: "connected" or "all", and as what.
    icmp_unreachable_to: str
    icmp_unreachable_error: str
    #: Socket buffer defaults and what setsockopt(SO_RCVBUF, n) stores.
    tcp_sndbuf: int
    tcp_rcvbuf: int
    udp_rcvbuf: int
    rcvbuf_set_factor: int
    #: IPV6_V6ONLY default.
    v6only_default: int
    #: struct linger layout for SO_LINGER.
    linger_format: str
    #: What ``getsockopt`` reads back for an on/off option that is on (set to any nonzero
    #: value), by option name; for SO_LINGER, its ``l_onoff``. Linux says 1; the BSDs say the
    #: option's flag bit. ``None``: not known (reading it back while on is ``NotModelled``).
    option_on_value: Mapping[str, Optional[int]]
    #: SO_LINGER set with l_onoff 0: whether the l_linger given is kept (and read back) or the
    #: time the socket had stays; ``None``: not known (reading it back is ``NotModelled``).
    linger_kept_when_off: Optional[bool]
    #: What ``getsockopt(SOL_SOCKET, SO_ACCEPTCONN)`` reads on a listening socket (0 on any
    #: other); ``None``: the OS does not answer it (the call fails with ENOPROTOOPT).
    acceptconn_listening: Optional[int]
    #: Whether ``getsockopt(SOL_SOCKET, SO_DOMAIN)`` and ``SO_PROTOCOL`` answer (the socket's
    #: family, and its protocol: 6 for TCP, 17 for UDP, 0 for AF_UNIX) or fail with ENOPROTOOPT
    #: (False); an option not listed is ``NotModelled``. Both are read-only.
    identity_options: Mapping[str, bool]
    #: Whether ``TCP_NOTSENT_LOWAT`` is modelled here: stored, read back (0 before any set), and
    #: a socket with it set is writable only while twice its unsent bytes are below it; a send
    #: that could leave that many unsent is ``NotImplementedError``. False: not modelled.
    notsent_lowat: bool
    #: On/off options of which the OS reads only the value's first byte (so 256 sets them off),
    #: where the others look at the whole int.
    one_byte_options: frozenset[str]
    #: TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT, by name: (what a socket reads before any set,
    #: the lowest and highest value accepted (outside: EINVAL), whether 0 means "the default" and
    #: reads it back). ``None``: not known (setting or reading it is ``NotModelled``). Probes are
    #: never sent: every simulated peer answers, so these never end a connection.
    keepalive_tunables: Mapping[str, Optional[tuple[int, int, int, bool]]]
    #: select() with no descriptor at all: None (a plain timeout) or the errno it fails with.
    select_empty_error: Optional[str]
    #: select() given a descriptor that is not a socket (standard input, a file, a pipe): None
    #: where select takes any descriptor, else the errno it fails with (Winsock's WSAENOTSOCK).
    select_non_socket_error: Optional[str]
    #: Where select() reports a connect that failed: "read-write" (readable and writable) or "except".
    select_failed_connect: str
    #: CPython's ``selectors.SelectSelector`` on that OS passes its write set as the exceptional
    #: set too and reports both as writable (Windows), rather than calling ``select`` as it is.
    selector_select_merges_exceptional: bool
    #: Whether ``IP_BIND_ADDRESS_NO_PORT`` (IPPROTO_IP) is modelled: set, a ``bind()`` to port 0
    #: takes only the address (``getsockname`` shows port 0, a second bind may change it) and
    #: the first connect, listen or send takes a port there. False: not modelled.
    bind_address_no_port: bool
    #: Whether ``socket(AF_NETLINK, SOCK_DGRAM or SOCK_RAW)`` (protocol 0, NETLINK_ROUTE) makes
    #: a socket: it has a descriptor and can be closed; anything it would do is
    #: ``NotImplementedError``. False: AF_NETLINK is not modelled.
    netlink_sockets: bool
    #: setsockopt with a buffer shorter than the option's C type.
    short_option_error: str
    #: ``setsockopt(level, name, None, optlen)``, a NULL buffer of ``optlen`` bytes, at SOL_SOCKET
    #: and IPPROTO_TCP: the options that take a NULL buffer of length 0 as "no value" (Linux:
    #: ``SO_BINDTODEVICE`` unbinds the socket; binding to a device is not modelled). Any other
    #: option fails as with a short buffer (``short_option_error``) below the size of a C int,
    #: and with EFAULT (the buffer is not in the process's memory) from there; a negative length
    #: is EINVAL. ``None``: the NULL form is not modelled, and neither is ``SO_BINDTODEVICE``.
    null_optval: Optional[tuple[str, ...]]
    #: A blocking send() on TCP (no timeout) waits until every byte is queued (True), or
    #: returns after queuing what fits (False). With a timeout CPython waits for room, then
    #: makes one non-blocking send, so a short count is possible on every OS.
    blocking_send_waits_for_all: bool
    #: A TCP send that finds room in the send buffer takes all of its data, however much
    #: (True: the buffer may overshoot its size, and the next send waits until it drains below
    #: it), or only what fits (False).
    send_takes_whole: bool
    #: A blocking send() that queued part of its data and then met an error (a reset):
    #: "count" returns the bytes queued, "error" raises, "unknown" is not modelled.
    send_error_after_partial: str
    #: Where packets to an address that is not this host's go: "blackhole" (sent, never
    #: answered: connect times out, datagrams vanish) or "unreachable" (ENETUNREACH at once).
    offhost_route: str
    #: ``socket.gethostname()`` on the simulated host, and the addresses that name resolves to.
    hostname: str
    hostname_addresses: tuple[str, ...]
    #: The host's own address on its LAN (it is local: connecting to it reaches this host).
    lan_address: str
    #: The LAN's prefix length: its last address is the LAN's broadcast address.
    lan_prefix: int
    #: A datagram sent to a broadcast address (255.255.255.255, the LAN's) without SO_BROADCAST:
    #: the errno name it fails with. With SO_BROADCAST it is ``NotModelled`` (where copies go).
    broadcast_without_flag_error: str
    #: Whether 127.255.255.255 is a broadcast address (as the LAN's is); ``None``: not known
    #: (sending to it is ``NotModelled``).
    loopback_broadcast: Optional[bool]
    #: What ``getaddrinfo("localhost", ...)`` returns, in order (AF_UNSPEC).
    localhost_addresses: tuple[str, ...]
    #: ``socket.gaierror`` for a name that does not resolve: (errno, message).
    gai_noname: tuple[int, str]
    #: ``getaddrinfo`` of a numeric port above 65535: how many low bits of it the OS keeps
    #: (glibc: 16, so 123456 is port 57920); None: not modelled (``NotImplementedError``).
    gai_port_bits: Optional[int]
    #: ``socket.gaierror`` for a negative port (CPython passes -1 as the service "-1"):
    #: (errno, message); None: not modelled.
    gai_bad_service: Optional[tuple[int, str]]
    #: ``socket.gaierror`` for a service name (not a number) with ``AI_NUMERICSERV``: (errno,
    #: message); None: not modelled.
    gai_numericserv_name: Optional[tuple[int, str]]
    #: ``getaddrinfo`` with ``AF_INET6`` and ``AI_V4MAPPED``: True where a host with no IPv6
    #: address gives its IPv4 addresses as v4-mapped IPv6 ones (with ``AI_ALL`` too, after its
    #: IPv6 ones); None: the flag is not modelled.
    gai_v4mapped: Optional[bool]
    #: ``socket.gaierror`` for a socket type the resolver does not know (not 0, stream, datagram
    #: or raw, nor SOCK_SEQPACKET or DCCP, which are not modelled): (errno, message); None: not modelled.
    gai_bad_socktype: Optional[tuple[int, str]]
    #: Whether ``getaddrinfo`` takes a service name: looked up per socket type (tcp, udp) in the
    #: host's services database, as ``getservbyname`` is; a type without it is left out, and a
    #: name no type has fails with ``gai_bad_service``. False: not modelled.
    gai_service_names: bool
    #: A name only DNS could answer: the simulated host's nameserver is off the host, where
    #: nothing answers (``offhost_route``), so the lookup waits for the resolver to give up:
    #: (seconds, ``gaierror`` (errno, message) of a forward lookup, ``herror`` (code, message)
    #: of a reverse one); None: not modelled (``NotImplementedError`` naming the name).
    dns_no_answer: Optional[tuple[float, tuple[int, str], tuple[int, str]]]
    #: Names whose number in the ``errno`` module differs from the socket error of that name
    #: (Windows: the C runtime's EINVAL is 22, the socket error WSAEINVAL is 10022).
    errno_module_crt: Mapping[str, int]
    #: ``sys.platform`` and ``os.name`` on that OS (shown only with ``platform=True``).
    sys_platform: str
    os_name: str
    #: The address recvfrom()/recvmsg() give on a TCP socket: "none" (``None``) or "unknown".
    tcp_recvfrom_address: str
    #: asyncio's default event loop class there: "SelectorEventLoop" or "ProactorEventLoop" (the
    #: simulator runs the selector loop everywhere and says so where the OS's default differs).
    asyncio_default_loop: str
    # -- cross-thread --
    #: A recv or accept blocked in one thread while another thread closes its socket: ``None``
    #: when it keeps waiting (the call holds its own reference, so the socket stays open, FIN
    #: unsent, until the call returns); otherwise the call's name -> the errno it is woken with.
    close_wakes_blocked: Optional[Mapping[str, str]]
    #: shutdown() on a listening socket: "stop" (it succeeds; SHUT_RD stops the listener, so a
    #: waiting accept fails EINVAL and clients are refused), "enotconn-abort" (it fails ENOTCONN,
    #: yet SHUT_RD wakes a waiting accept with ECONNABORTED; still listening), "enotconn" (it
    #: fails ENOTCONN and changes nothing).
    listener_shutdown: str
    #: Delayed ACKs: seconds the receiver of a small segment waits before acknowledging it, which
    #: is how long Nagle's algorithm holds the sender's next small write (TCP_NODELAY unset).
    delayed_ack: float
    #: Segments acknowledged at once at the start of a connection, before ACKs are delayed.
    quick_acks: int
    #: Quick ACKs end while the receiver is in "pingpong" mode (Linux): it sent data within
    #: ``delayed_ack`` seconds of receiving some (a reply), until one of its ACKs is delayed
    #: to the timer instead of riding on its data.
    quick_acks_end_on_reply: bool
    #: A segment this long is full-sized: acknowledged at once, never held by Nagle's algorithm.
    loopback_mss: int
    # tutorial-claims
    #: connect() from an explicitly bound port whose (local, remote) pair is still in TIME_WAIT:
    #: "reuse" (the TIME_WAIT connection is recycled), an errno name, or "unknown" (not modelled).
    time_wait_connect: str
    #: connect() again on a TCP socket whose non-blocking connect failed (refused, timed out)
    #: before any connect() reported it: "pending-error" (the failure, once; ECONNABORTED if
    #: SO_ERROR already took it; then the socket connects afresh), or "unknown" (not modelled).
    connect_after_unreported_failure: str
    #: Standard-library names the catalog asks about (``Net.stdlib_has``) -> whether that OS's
    #: CPython defines them; a name not listed is not modelled.
    stdlib_names: Mapping[str, bool]
    # stack-limits
    #: (SO_RCVBUF, SO_SNDBUF) a new TCP socket reports, and a connected one; ``None`` where not
    #: known (reading them there is ``NotModelled``). What a connection can hold is
    #: ``tcp_rcvbuf``/``tcp_sndbuf``: the reported numbers are only what getsockopt says.
    tcp_buffers_fresh: Optional[tuple[int, int]]
    tcp_buffers_connected: Optional[tuple[int, int]]
    #: setsockopt(SO_SNDBUF, n) stores ``n * sndbuf_set_factor`` (``rcvbuf_set_factor`` for
    #: SO_RCVBUF), raised to at least (receive, send) ``sockbuf_minimums``.
    sndbuf_set_factor: int
    sockbuf_minimums: tuple[int, int]
    #: The largest (receive, send) size setsockopt takes, before the factor; None: not known.
    sockbuf_maximums: Optional[tuple[int, int]]
    #: A size outside those bounds: "clamp" (Linux: the int is read as unsigned, clamped to the
    #: maximum, multiplied, then raised to the minimum), "refuse" (EINVAL below the minimum,
    #: ENOBUFS above the maximum), "cap" (EINVAL below the minimum; above the maximum the
    #: maximum, or ENOBUFS once the buffer has it); None: such a size is ``NotModelled``.
    sockbuf_out_of_range: Optional[str]
    #: Seconds between a connect's SYN retransmissions, in order; past the end each wait doubles.
    syn_retry_waits: tuple[float, ...]
    #: bind() of a v4-mapped address (``::ffff:127.0.0.1``) on an AF_INET6 socket with
    #: IPV6_V6ONLY set: the errno, or ``None`` where not known (``NotModelled``).
    v4mapped_bind_v6only_error: Optional[str]
    # per-call flags (CPython's test_socket)
    #: The per-call flags the receiving calls (recv, recvfrom, recv_into, recvfrom_into,
    #: recvmsg, recvmsg_into) and the sending calls (send, sendall, sendto, sendmsg) accept
    #: there and the simulator models: "MSG_PEEK" (return the data without consuming it),
    #: "MSG_DONTWAIT" (this one call does not block). Any other flag is ``NotModelled``.
    recv_flags: tuple[str, ...]
    send_flags: tuple[str, ...]
    # descriptor flags
    #: Whether a socket's number is a descriptor that ``fcntl.fcntl`` (F_GETFL/F_SETFL with
    #: O_NONBLOCK, F_GETFD/F_SETFD with FD_CLOEXEC), ``os.get_blocking``/``set_blocking`` and
    #: ``os.get_inheritable``/``set_inheritable`` act on there; ``False``: not modelled.
    socket_descriptor_flags: bool
    #: What ``os.read``/``os.write`` (``recv``/``send`` with no flags), ``os.fstat`` and
    #: ``io.open``/``os.fdopen`` do on a socket's descriptor (``sockfile``): None where a socket
    #: is no such descriptor (not modelled); else how ``fstat`` builds ``st_mode`` and
    #: ``st_size``: "fixed" (``S_IFSOCK`` with every permission bit, size 0) or "by-state"
    #: (``S_IFSOCK``; read bits unless nothing more can be received and nothing is left, write
    #: bits unless nothing more can be sent, none on a listener; size: the unread bytes).
    socket_file_io: Optional[str]
    #: ``os.fchmod`` of a socket's descriptor: "no-effect" (it succeeds and changes nothing the
    #: simulation models: not the mode of a bound AF_UNIX path), an errno name it fails with,
    #: or None (not modelled).
    socket_fchmod: Optional[str]
    #: Whether a socket accept() returns takes the listening socket's O_NONBLOCK (before
    #: CPython's own ``socket.accept`` adjusts it); ``None`` where not known (a call that would
    #: wait on such a socket with no timeout is ``NotModelled``).
    accept_inherits_nonblock: Optional[bool]
    #: Whether a socket accepted from a listener with TCP_NODELAY set has it too (None: not known;
    #: Nagle's algorithm holding one of its writes is then ``NotModelled``).
    accept_inherits_nodelay: Optional[bool]
    #: The other options an accepted socket takes from its listener, by name: True (the
    #: listener's value) or False (its own default). One not listed is not known: reading it on
    #: a socket accepted from a listener that set it is ``NotModelled``.
    accept_copies: Mapping[str, bool]
    #: Whether that OS's CPython has ``os.sendfile``: ``socket.sendfile`` tries it first for a
    #: regular file (``_sendfile_use_sendfile``); without it, it gives up at once and sends.
    os_sendfile: bool
    #: Whether that OS's CPython refuses a wakeup socket in blocking mode in
    #: ``signal.set_wakeup_fd`` (``ValueError``); Windows' cannot test a socket's mode.
    wakeup_fd_must_be_nonblocking: bool
    #: Anonymous pipes (``os.pipe()``): capacity, PIPE_BUF, readiness, fstat (``pipefacts``).
    pipes: PipeFacts
    #: AF_UNIX stream socket pairs, ``socket.socketpair()``'s default (``unixfacts``); None where
    #: that OS's CPython makes a loopback TCP pair instead (Windows).
    unix_pairs: Optional[UnixPairFacts]
    #: AF_UNIX datagram sockets (``unixfacts``, ``unixdgram``); None where they are not modelled.
    unix_dgrams: Optional[UnixDgramFacts]
    #: TCP urgent data (``MSG_OOB``) read inline by a receiver with SO_OOBINLINE set
    #: (``urgentfacts``); None where ``MSG_OOB`` is not modelled.
    urgent: Optional[UrgentFacts]
    # select.kqueue (the BSDs)
    #: The ``KQ_*`` names that OS's CPython's ``select`` module defines, with their values there
    #: (``sys/event.h``); empty where its CPython has no ``select.kqueue``.
    kqueue_constants: Mapping[str, int]
    #: The input flags (less ``EV_SYSFLAGS``) a knote keeps from the ``EV_ADD`` that made it and
    #: reports in every event it returns (xnu keeps ``EV_ADD``; FreeBSD drops the actions).
    kqueue_event_flags_mask: int
    #: The input flags a change that failed keeps beside ``EV_ERROR`` in its error event (xnu
    #: ORs ``EV_ERROR`` in; FreeBSD replaces the flags with it).
    kqueue_error_flags_mask: int
    #: ``EVFILT_WRITE``'s ``data`` for a UDP socket: its send buffer's space, which a datagram
    #: never occupies (``sbspace`` of an empty ``so_snd``), until ``SO_SNDBUF`` is set. ``None``: no kqueue.
    kqueue_udp_send_space: Optional[int]
    #: A change for a descriptor that is not open: ``EBADF`` whatever it asks (True: the
    #: descriptor is looked up first), or ``ENOENT`` unless it has ``EV_ADD`` (False: the knote is
    #: looked up first, and closing the descriptor removed it).
    kqueue_descriptor_checked_first: bool
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_sources(self, f"profile {self.name}", exempt=("name",))

    def lacks(self, module: str, name: str) -> bool:
        """Whether this OS's CPython lacks ``module.name`` (``stdlib_names``; a method of
        ``socket.socket`` is ``module`` "socket.socket"), or the socket option ``name``
        (``missing_options``)."""
        if module in ("socket", "_socket") and name in self.missing_options:
            return True
        return self.stdlib_names.get(f"{module}.{name}") is False


def _p(name: str, values: dict[str, tuple[object, str]]) -> Profile:
    return build(Profile, values, name=name)


# tutorial-claims: what the catalog asks of the standard library (Net.stdlib_has).
_SOCKETSERVER_FORK = (
    "python/cpython@v3.13.0 Lib/socketserver.py:551-552 (ForkingMixIn is defined only if hasattr(os, 'fork')); "
    "python/cpython@v3.13.0 Lib/socketserver.py:713-718 (so are ForkingTCPServer and ForkingUDPServer; "
    "ThreadingTCPServer always is)"
)
#: Names that exist only where CPython's socket module has AF_UNIX.
_UNIX_NAMES = (
    "socket.AF_UNIX",
    *(
        f"socketserver.{prefix}Unix{kind}Server"
        for prefix in ("", "Threading", "Forking")
        for kind in ("Stream", "Datagram")
    ),
)
_STDLIB_POSIX: Mapping[str, bool] = MappingProxyType(
    {
        "os.fork": True,
        "socketserver.ForkingMixIn": True,
        "socketserver.ForkingTCPServer": True,
        "socketserver.ThreadingTCPServer": True,
        # patched(): what a simulated thread may call (a call of a name its OS lacks is refused)
        "select.poll": True,
        "select.devpoll": False,
        "signal.alarm": True,
        "signal.setitimer": True,
        "signal.getitimer": True,
        "signal.pause": True,
        "signal.siginterrupt": True,
        "signal.pthread_sigmask": True,
        "signal.pthread_kill": True,
        # AF_UNIX, and the socketserver classes defined only where it exists
        **{name: True for name in _UNIX_NAMES},
        # the socket calls of ancillary data (CMSG_LEN): a method name is "socket.socket.NAME"
        **{name: True for name in ("socket.CMSG_LEN", "socket.CMSG_SPACE", "socket.send_fds", "socket.recv_fds")},
        **{f"socket.socket.{name}": True for name in ("sendmsg", "recvmsg", "recvmsg_into")},
    }
)
_READINESS_APIS = (
    "https://docs.python.org/3/library/select.html (select.epoll: Availability: Linux; select.kqueue: Availability: "
    "BSD; select.devpoll: Availability: Solaris and derivatives); python/cpython@v3.13.0 Modules/selectmodule.c "
    "(poll is compiled only where configure found a working poll(), HAVE_POLL, which the Windows build, "
    "PC/pyconfig.h, does not define)"
)
_SIGNAL_APIS = (
    "https://docs.python.org/3/library/signal.html (alarm, setitimer, getitimer, pause, siginterrupt, "
    "pthread_sigmask, pthread_kill: each Availability: Unix)"
)
_NO_AF_UNIX = (
    "python/cpython@v3.13.5 Modules/socketmodule.h:90-94 (AF_UNIX is undefined without sys/un.h), PC/pyconfig.h.in:666 "
    "(the Windows build does not define HAVE_SYS_UN_H), Lib/socketserver.py:725-740 (the Unix servers exist only where "
    "socket has AF_UNIX); a later CPython may include afunix.h on Windows (python/cpython main Modules/socketmodule.h), "
    "so from 3.14 these names are not listed (not modelled)"
)
_SOCKET_MSG_APIS = (
    "python/cpython@v3.13.5 Modules/socketmodule.h:56-62 (on Windows CMSG_LEN is undefined while the socket "
    "module builds) and Modules/socketmodule.c:5242-5249 (recvmsg, recvmsg_into, sendmsg are methods only "
    "#ifdef CMSG_LEN), 7307-7313 (so are the CMSG_LEN and CMSG_SPACE functions); Lib/socket.py:551-583 "
    "(send_fds and recv_fds exist only where _socket.socket has sendmsg and recvmsg); "
    "https://docs.python.org/3/library/socket.html (each of them: Availability: Unix)"
)
_STDLIB_POSIX_SOURCE = (
    "https://docs.python.org/3/library/os.html#os.fork (Availability: POSIX); "
    + _SOCKETSERVER_FORK
    + "; "
    + _READINESS_APIS
    + "; "
    + _SIGNAL_APIS
    + "; "
    + _SOCKET_MSG_APIS
)
_STDLIB_LINUX: Mapping[str, bool] = MappingProxyType({**_STDLIB_POSIX, "select.epoll": True, "select.kqueue": False})
_STDLIB_BSD: Mapping[str, bool] = MappingProxyType({**_STDLIB_POSIX, "select.epoll": False, "select.kqueue": True})
#: Constants the socket module has only where the OS's headers define them (CPython adds each
#: one #ifdef), and that only Linux's define among the four: the simulated options and flags.
_LINUX_ONLY = {"socket.MSG_MORE": False, "socket.IP_BIND_ADDRESS_NO_PORT": False, "socket.AF_NETLINK": False}
_LINUX_ONLY_SOURCE = (
    "https://docs.python.org/3/library/socket.html#constants (many constants may not be available on all "
    "platforms); netlink(7) (a Linux interface); apple-oss-distributions/xnu@xnu-11417.101.15 bsd/sys/socket.h:613-642 (the MSG_ flags: no "
    "MSG_MORE), bsd/netinet/in.h:416-632 (the IP_ options: no IP_BIND_ADDRESS_NO_PORT; bsd/sys/socket.h does define "
    "SO_BINDTODEVICE); F-Stack/f-stack@5cb586b5 (FreeBSD 13) freebsd/sys/socket.h:442-472 (no MSG_MORE), 129-192 "
    "(the SO_ options: no SO_BINDTODEVICE), freebsd/netinet/in.h:409-615 (no IP_BIND_ADDRESS_NO_PORT)"
)
_STDLIB_DARWIN: Mapping[str, bool] = MappingProxyType({**_STDLIB_BSD, **_LINUX_ONLY})
_STDLIB_FREEBSD: Mapping[str, bool] = MappingProxyType({**_STDLIB_DARWIN, "socket.SO_BINDTODEVICE": False})
#: How CPython's ``selectors.SelectSelector`` calls ``select``: on Windows it passes the write
#: set as the exceptional set too and reports both as writable (so a failed connect, which
#: Winsock reports as exceptional, reaches the selector as writable).
_SELECTOR_MERGE = "python/cpython@v3.13.0 Lib/selectors.py:303-308 (SelectSelector._select: the merge only where sys.platform == 'win32')"


#: The SOL_SOCKET on/off options the simulator stores (SO_LINGER: its l_onoff).
_ON_OFF_SOCKET_OPTIONS = ("SO_REUSEADDR", "SO_REUSEPORT", "SO_KEEPALIVE", "SO_BROADCAST", "SO_OOBINLINE", "SO_LINGER")
# accept_copies: the options (of those the simulator stores) an accepted socket may take from its listener
_ACCEPT_COPIES_BSD = (*_ON_OFF_SOCKET_OPTIONS, "SO_RCVBUF", "SO_SNDBUF")
_ACCEPT_COPIES_LINUX = (*_ACCEPT_COPIES_BSD, "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "IPV6_V6ONLY")
_ACCEPT_COPIES_WINDOWS = (*(name for name in _ACCEPT_COPIES_BSD if name != "SO_REUSEPORT"), "SO_EXCLUSIVEADDRUSE")

# on/off options read back (option_on_value)
_ON_VALUE_LINUX = (
    "torvalds/linux@v6.12 net/core/sock.c sk_getsockopt (SO_REUSEADDR: sk_reuse, SK_CAN_REUSE = 1; SO_REUSEPORT: "
    "sk_reuseport; SO_KEEPALIVE, SO_BROADCAST, SO_OOBINLINE and SO_LINGER's l_onoff: sock_flag(), a bool), net/ipv4/tcp.c "
    "do_tcp_getsockopt (TCP_NODELAY: !!(nonagle & TCP_NAGLE_OFF)), net/ipv6/ipv6_sockglue.c (IPV6_V6ONLY: "
    "sk_ipv6only); observed here: each set to 5 reads back 1 (Linux 6.18, CPython 3.11.7)"
)
_ON_VALUE_BSD = {
    "SO_REUSEADDR": 0x4,
    "SO_KEEPALIVE": 0x8,
    "SO_BROADCAST": 0x20,
    "SO_OOBINLINE": 0x100,
    "SO_REUSEPORT": 0x200,
}
_ON_VALUE_BSD_TCP = {"TCP_NODELAY": 0x4, "IPV6_V6ONLY": 1}
_ON_VALUE_XNU = (
    "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:5952-5979 (sogetoptlock: SO_LINGER's "
    "l_onoff is 1 or 0; SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST, SO_OOBINLINE, SO_REUSEPORT read so_options & the "
    "option, its flag bit), bsd/sys/socket.h:126-139 (the bits: 0x4, 0x8, 0x20, 0x100, 0x200), bsd/netinet/tcp_usrreq.c:2828-2829 "
    "(TCP_NODELAY reads t_flags & TF_NODELAY), bsd/netinet/tcp_var.h:394 (TF_NODELAY 0x4), "
    "bsd/netinet6/ip6_output.c:2548, 2969-2970 (IPV6_V6ONLY: OPTBIT, 1 or 0)"
)
_ON_VALUE_FREEBSD = (
    "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:3245-3270 (sogetopt: SO_LINGER's l_onoff is "
    "so_options & SO_LINGER, 0x80; SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST, SO_OOBINLINE, SO_REUSEPORT read so_options "
    "& the option), sys/socket.h:129-141 (the bits: SO_REUSEADDR 0x4, SO_KEEPALIVE 0x8, SO_BROADCAST 0x20, SO_LINGER 0x80, "
    "SO_OOBINLINE 0x100, SO_REUSEPORT 0x200), netinet/tcp_usrreq.c:2485 (TCP_NODELAY reads t_flags & TF_NODELAY), netinet/tcp_var.h:373 "
    "(TF_NODELAY 0x4), netinet6/ip6_output.c:1810, 2238 (IPV6_V6ONLY: OPTBIT, 1 or 0)"
)
#: Wine's Winsock tests, which Wine's CI runs on Windows 10 (wine-10.0 tools/gitlab/test.yml:166-192);
#: the lines cited are plain assertions there (todo_wine applies on Wine only: include/wine/test.h:143-144).
_WINE_OPTSIZE = "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c"


# keepalive_tunables
_KEEPALIVE_LINUX = (
    "https://docs.kernel.org/networking/ip-sysctl.html (tcp_keepalive_time 7200, tcp_keepalive_intvl 75, "
    "tcp_keepalive_probes 9: the defaults a socket reads); torvalds/linux@v6.12 net/ipv4/tcp.c do_tcp_setsockopt "
    "(TCP_KEEPIDLE and TCP_KEEPINTVL: 1 to MAX_TCP_KEEPIDLE/MAX_TCP_KEEPINTVL, 32767; TCP_KEEPCNT: 1 to "
    "MAX_TCP_KEEPCNT, 127; else EINVAL); observed here: 0, -1, 32768 and a count of 128 are EINVAL (Linux 6.18)"
)
_KEEPALIVE_FREEBSD = (
    "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_usrreq.c:2285-2341 (an unsigned value; TCP_KEEPIDLE "
    "and TCP_KEEPINTVL above UINT_MAX / hz are EINVAL, so is a negative one; TCP_KEEPCNT takes any), 2563-2581 "
    "(reading gives TP_KEEPIDLE/hz etc.), netinet/tcp_timer.h:86-88 and 184-186 (0 means the default: 7200 s, 75 s, "
    "8 probes), kern/subr_param.c:65-69 (hz is 1000 on amd64 and arm64)"
)
_KEEPALIVE_XNU = (
    "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/tcp_usrreq.c:2480-2516 (TCP_KEEPINTVL: 0 to "
    "UINT32_MAX / TCP_RETRANSHZ, TCP_KEEPCNT: 0 to INT32_MAX, else EINVAL) and 2841-2854 (0 reads the default), "
    "bsd/netinet/tcp_timer.h:186-187 (75 s, 8 probes), bsd/netinet/tcp_var.h:91 (TCP_RETRANSHZ 1000); macOS has no "
    "TCP_KEEPIDLE (bsd/netinet/tcp.h names the idle time TCP_KEEPALIVE), so CPython there has no socket.TCP_KEEPIDLE"
)


# descriptor flags: what the POSIX profiles share.
_OS_SENDFILE = "https://docs.python.org/3/library/os.html#os.sendfile (Availability: Unix, not WASI)"
_OS_SENDFILE_UNIX = _OS_SENDFILE + "; python/cpython@v3.13.0 Lib/socket.py:348 (socket.sendfile uses it when os has it)"

_WAKEUP_POSIX = (
    "python/cpython@v3.13.5 Modules/signalmodule.c:806-820 (signal_set_wakeup_fd outside Windows: ValueError "
    "'the fd N must be in non-blocking mode' for a descriptor in blocking mode)"
)

_FCNTL_POSIX = (
    "fcntl(2) (Linux man-pages 6.03; FreeBSD fcntl(2), Nov 15, 2018): F_GETFL/F_SETFL read and set O_NONBLOCK, "
    "F_GETFD/F_SETFD read and set FD_CLOEXEC (Linux's page adds that F_SETFL ignores the access mode bits; FreeBSD "
    "lists O_NONBLOCK, O_APPEND, O_DIRECT and O_ASYNC as the F_SETFL flags); python/cpython@v3.13.5 "
    "Modules/socketmodule.c:729-780 (internal_setblocking sets O_NONBLOCK through FIONBIO or F_SETFL) and "
    "1035-1070 (init_sockobject: set for SOCK_NONBLOCK or a default timeout); PEP 446 (new descriptors are "
    "non-inheritable, with FD_CLOEXEC); observed here: F_GETFL gives O_RDWR, O_RDWR|O_NONBLOCK with a timeout"
)


# select.kqueue: the names CPython defines (python/cpython@v3.13.5 Modules/selectmodule.c:2754-2825; the same
# list in 3.9: KQ_FILTER_NETDEV and KQ_NOTE_LINK* only where EVFILT_NETDEV exists, which neither OS has).
_KQ_COMMON = {
    "KQ_FILTER_READ": -1,
    "KQ_FILTER_WRITE": -2,
    "KQ_FILTER_AIO": -3,
    "KQ_FILTER_VNODE": -4,
    "KQ_FILTER_PROC": -5,
    "KQ_FILTER_SIGNAL": -6,
    "KQ_FILTER_TIMER": -7,
    "KQ_EV_ADD": 0x1,
    "KQ_EV_DELETE": 0x2,
    "KQ_EV_ENABLE": 0x4,
    "KQ_EV_DISABLE": 0x8,
    "KQ_EV_ONESHOT": 0x10,
    "KQ_EV_CLEAR": 0x20,
    "KQ_EV_SYSFLAGS": 0xF000,
    "KQ_EV_FLAG1": 0x2000,
    "KQ_EV_EOF": 0x8000,
    "KQ_EV_ERROR": 0x4000,
    "KQ_NOTE_LOWAT": 0x1,
    "KQ_NOTE_DELETE": 0x1,
    "KQ_NOTE_WRITE": 0x2,
    "KQ_NOTE_EXTEND": 0x4,
    "KQ_NOTE_ATTRIB": 0x8,
    "KQ_NOTE_LINK": 0x10,
    "KQ_NOTE_RENAME": 0x20,
    "KQ_NOTE_REVOKE": 0x40,
    "KQ_NOTE_EXIT": 0x80000000,
    "KQ_NOTE_FORK": 0x40000000,
    "KQ_NOTE_EXEC": 0x20000000,
    "KQ_NOTE_PDATAMASK": 0x000FFFFF,
    "KQ_NOTE_TRACK": 0x1,
    "KQ_NOTE_TRACKERR": 0x2,
    "KQ_NOTE_CHILD": 0x4,
}
_KQ_EV_ACTIONS = 0x1 | 0x2 | 0x4 | 0x8  # EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE
_KQ_EV_SYSFLAGS = 0xF000
_KQUEUE_NONE: dict[str, tuple[object, str]] = {
    "kqueue_constants": ({}, "no select.kqueue in that OS's CPython (stdlib_names: select.kqueue)"),
    "kqueue_event_flags_mask": (0, "no select.kqueue in that OS's CPython (stdlib_names: select.kqueue)"),
    "kqueue_error_flags_mask": (0, "no select.kqueue in that OS's CPython (stdlib_names: select.kqueue)"),
    "kqueue_udp_send_space": (None, "no select.kqueue in that OS's CPython (stdlib_names: select.kqueue)"),
    "kqueue_descriptor_checked_first": (False, "no select.kqueue in that OS's CPython (stdlib_names: select.kqueue)"),
}
_XNU_EVENT = "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/kern_event.c"
_FREEBSD_EVENT = "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/kern_event.c"
_KQUEUE_XNU: dict[str, tuple[object, str]] = {
    "kqueue_constants": (
        # ~NOTE_PDATAMASK is a signed int there, so CPython's constant is negative
        {**_KQ_COMMON, "KQ_NOTE_PCTRLMASK": ~0x000FFFFF},
        "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/sys/event.h:70-76 (EVFILT_READ -1 ... EVFILT_TIMER -7), "
        "144-151 (EV_ADD 0x1 ... EV_CLEAR 0x20), 169-175 (EV_SYSFLAGS 0xF000, EV_FLAG1 0x2000, EV_EOF 0x8000, "
        "EV_ERROR 0x4000), 234 (NOTE_LOWAT 0x1), 242-248 (NOTE_DELETE 0x1 ... NOTE_REVOKE 0x40), 268-270 "
        "(NOTE_EXIT 0x80000000, NOTE_FORK 0x40000000, NOTE_EXEC 0x20000000), 276-277 (NOTE_PDATAMASK 0x000fffff, "
        "NOTE_PCTRLMASK (~NOTE_PDATAMASK), an int: -1048576), 367-369 (NOTE_TRACK 0x1, NOTE_TRACKERR 0x2, "
        "NOTE_CHILD 0x4); python/cpython@v3.13.5 Modules/selectmodule.c:2754-2825 (which names CPython defines)",
    ),
    "kqueue_event_flags_mask": (
        0xFFFF & ~_KQ_EV_SYSFLAGS,
        _XNU_EVENT + ":7507-7543 (kevent's copyin clears EV_SYSFLAGS), 4119 (a new knote copies the kevent, "
        "its flags included: kn_kevent = *kev), 957-1000 (an event returned is the knote's kevent, so EV_ADD stays)",
    ),
    "kqueue_error_flags_mask": (
        0xFFFF & ~_KQ_EV_SYSFLAGS,
        _XNU_EVENT + ":4280-4284 (kevent_register: kev->flags |= EV_ERROR, data = the errno), 8189-8203 "
        "(kevent_internal copies that kevent out while there is room, else fails with the errno)",
    ),
    "kqueue_udp_send_space": (
        9216,
        "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/udp_usrreq.c:2243 (udp_sendspace = 9216) and 2308 "
        "(soreserve with it); bsd/kern/uipc_socket.c:6773-6776 (EVFILT_WRITE's data is sbspace(&so->so_snd))",
    ),
    "kqueue_descriptor_checked_first": (
        False,
        _XNU_EVENT + ":4052 (kevent_register finds the knote by its descriptor number first), 4062-4075 (none and "
        "no EV_ADD: ENOENT), 4087 (only a new knote looks the descriptor up: EBADF)",
    ),
}
_KQUEUE_FREEBSD: dict[str, tuple[object, str]] = {
    "kqueue_constants": (
        {**_KQ_COMMON, "KQ_NOTE_PCTRLMASK": 0xF0000000},
        "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) sys/event.h:37-43 (EVFILT_READ -1 ... EVFILT_TIMER -7), "
        "135-154 (EV_ADD 0x1 ... EV_DISPATCH 0x80, EV_SYSFLAGS 0xF000, EV_FLAG1 0x2000, EV_EOF 0x8000, EV_ERROR "
        "0x4000), 178 (NOTE_LOWAT 0x1), 184-190 (NOTE_DELETE 0x1 ... NOTE_REVOKE 0x40), 201-205 (NOTE_EXIT "
        "0x80000000, NOTE_FORK, NOTE_EXEC, NOTE_PCTRLMASK 0xf0000000, NOTE_PDATAMASK 0x000fffff), 208-210 "
        "(NOTE_TRACK, NOTE_TRACKERR, NOTE_CHILD); python/cpython@v3.13.5 Modules/selectmodule.c:2754-2825",
    ),
    "kqueue_event_flags_mask": (
        0xFFFF & ~_KQ_EV_SYSFLAGS & ~_KQ_EV_ACTIONS & ~0x100,
        _FREEBSD_EVENT + ":1232 (kqueue_kevent clears EV_SYSFLAGS), 1536-1538 (a new knote keeps the kevent's flags "
        "less EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE and EV_FORCEONESHOT 0x100)",
    ),
    "kqueue_error_flags_mask": (
        0,
        _FREEBSD_EVENT + ":1234-1241 (kqueue_kevent: a change that failed is copied out with flags = EV_ERROR and "
        "data = the errno while there is room, else kevent fails with it)",
    ),
    "kqueue_udp_send_space": (
        9216,
        "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/udp_usrreq.c:131 (udp_sendspace = 9216) and 1561 "
        "(soreserve with it); kern/uipc_socket.c:3875 (EVFILT_WRITE's data is sbspace(&so->so_snd))",
    ),
    "kqueue_descriptor_checked_first": (
        True,
        _FREEBSD_EVENT + ":1413-1421 (kqueue_register looks the descriptor up with fget before it looks for the "
        "knote: EBADF), 1556-1560 (no knote and no EV_ADD: ENOENT)",
    ),
}


# The simulated host itself, the same on every profile.
_HOST: dict[str, tuple[object, str]] = {
    "offhost_route": (
        "blackhole",
        "inferred: a host with a default route sends the SYN to a foreign address; nothing in the simulation answers",
    ),
    "lan_address": ("192.0.2.10", "deterministic by design: RFC 5737 TEST-NET-1 stands for the LAN address"),
    "lan_prefix": (24, "deterministic by design: the simulated LAN is 192.0.2.0/24, so 192.0.2.255 is its broadcast"),
    "asyncio_default_loop": (
        "SelectorEventLoop",
        "https://docs.python.org/3/library/asyncio-eventloop.html#event-loop-implementations "
        "(SelectorEventLoop is the default on Unix)",
    ),
}

#: What CPython does the same way on every POSIX profile (descriptor flags, os.sendfile, the
#: signal wakeup fd's check).
_CPYTHON_POSIX: dict[str, tuple[object, str]] = {
    "socket_descriptor_flags": (True, _FCNTL_POSIX),
    "os_sendfile": (True, _OS_SENDFILE_UNIX),
    "wakeup_fd_must_be_nonblocking": (True, _WAKEUP_POSIX),
    "selector_select_merges_exceptional": (False, _SELECTOR_MERGE),
}

LINUX = _p(
    "linux",
    {
        **_KQUEUE_NONE,
        **_HOST,
        **_CPYTHON_POSIX,
        "pipes": (LINUX_PIPES, "sockbehave/sim/pipefacts.py (PipeFacts.sources names the source of each fact)"),
        "unix_pairs": (
            LINUX_UNIX_PAIRS,
            "sockbehave/sim/unixfacts.py (UnixPairFacts.sources names the source of each fact)",
        ),
        "unix_dgrams": (
            LINUX_UNIX_DGRAMS,
            "sockbehave/sim/unixfacts.py (UnixDgramFacts.sources names the source of each fact)",
        ),
        "urgent": (LINUX_URGENT, "sockbehave/sim/urgentfacts.py (UrgentFacts.sources names the source of each fact)"),
        "errnos": (_LINUX_ERRNO, _ERRNO_SOURCES["linux"]),
        "sets_winerror": (False, "CPython Objects/exceptions.c: winerror exists only on Windows"),
        "exception_errnos": ({}, "CPython Modules/socketmodule.c set_error: PyErr_SetFromErrno, errno as it is"),
        "errno_aliases": ({}, "errno(3): EWOULDBLOCK is EAGAIN on Linux; Python's errno.errorcode names 11 EAGAIN"),
        "missing_options": (
            ("SO_EXCLUSIVEADDRUSE",),
            "socket(7), ipv6(7): SO_REUSEPORT exists since 3.9; SO_EXCLUSIVEADDRUSE is Windows-only",
        ),
        "listen_needs_bind": (False, "inet_listen autobinds an unbound socket (inet_csk_get_port with port 0)"),
        "nonblocking_connect_error": (
            "EINPROGRESS",
            "connect(2) ERRORS: EINPROGRESS; net/ipv4/af_inet.c __inet_stream_connect returns -EINPROGRESS "
            "when it may not wait; observed here: non-blocking connect to 127.0.0.1, CPython 3.11.7, Linux 6.18",
        ),
        "send_unconnected_error": (
            "EPIPE",
            "net/core/stream.c sk_stream_wait_connect returns EPIPE for a socket that never connected",
        ),
        "ephemeral_ports": (
            (32768, 60999),
            "ip(7) ip_local_port_range default; observed here: net.ipv4.ip_local_port_range = 32768 60999",
        ),
        "somaxconn": (4096, "listen(2) NOTES: net.core.somaxconn, 4096 since Linux 5.4; observed here"),
        "backlog_zero_means_max": (False, "net/socket.c __sys_listen: only values above somaxconn are clamped"),
        "backlog_num": (1, "include/net/sock.h sk_acceptq_is_full: ack_backlog > max_ack_backlog"),
        "backlog_den": (1, "include/net/sock.h sk_acceptq_is_full"),
        "backlog_extra": (1, "sk_acceptq_is_full compares with >, so backlog + 1 fit; observed by tcp.backlog-* here"),
        "backlog_overflow": (
            "drop",
            "net/ipv4/tcp_input.c tcp_conn_request drops the SYN when the accept queue is full (tcp_abort_on_overflow = 0); observed here",
        ),
        "refused_after": (0.0, "observed here: ConnectionRefusedError in about 1 ms (tcp.connect-closed-port-refused)"),
        "connect_give_up_after": (127.0, "tcp(7) tcp_syn_retries = 6: 1+2+4+8+16+32+64 s of SYN retries"),
        "time_wait": (60.0, "include/net/tcp.h TCP_TIMEWAIT_LEN (60 s)"),
        "time_wait_bind": (
            "both",
            "socket(7) SO_REUSEADDR and net/ipv4/inet_connection_sock.c inet_csk_bind_conflict; observed by tcp.restart-* here",
        ),
        "live_bind_table": (
            None,
            "net/ipv4/inet_connection_sock.c: a listening socket always conflicts unless SO_REUSEPORT is set on both",
        ),
        "reuseaddr_shares_nonlistening": (
            True,
            "inet_csk_bind_conflict: sk_reuse on both and neither listening means no conflict",
        ),
        "reuse_binds_exact_only": (
            False,
            "torvalds/linux@v6.12 net/ipv4/inet_connection_sock.c inet_bind_conflict (a wildcard and a specific "
            "address on the same port conflict unless both set SO_REUSEADDR and neither listens); observed here",
        ),
        "close_with_unread": ("rst", "net/ipv4/tcp.c __tcp_close (RFC 2525 2.17); observed here"),
        "shut_rd_queued": (
            "keep",
            "net/ipv4/tcp.c tcp_recvmsg_locked (queued data is copied before RCV_SHUTDOWN ends the read); observed "
            "here by tests/conformance/test_readiness_differential.py",
        ),
        "getpeername_errors": (
            (None, "ENOTCONN"),
            "net/ipv4/af_inet.c inet_getname (ENOTCONN for the peer in TCP_CLOSE or TCP_SYN_SENT); observed here by "
            "tests/conformance/test_readiness_differential.py (after a reset)",
        ),
        "shut_rd_arriving": (
            ("keep", "reset"),
            "net/ipv4/tcp_input.c tcp_rcv_state_process (TCP_FIN_WAIT1/2 with RCV_SHUTDOWN and new data: tcp_reset, "
            "'RFC 1122 says we MUST send a reset'; in other states the data is queued); observed here by "
            "tests/conformance/test_readiness_differential.py",
        ),
        "reset_error_established": ("ECONNRESET", "net/ipv4/tcp_input.c tcp_reset"),
        "reset_error_close_wait": (
            "EPIPE",
            "net/ipv4/tcp_input.c tcp_reset: EPIPE in CLOSE_WAIT; observed by tcp.send-after-peer-closed here",
        ),
        "send_error_order": (
            "error-first",
            "net/ipv4/tcp.c tcp_sendmsg_locked -> sk_stream_error: a pending sk_err is returned first",
        ),
        "send_after_close_error": ("EPIPE", "net/core/stream.c sk_stream_error"),
        "recv_eof_before_error": (
            True,
            "net/ipv4/tcp.c tcp_recvmsg_locked: SOCK_DONE (set by tcp_fin) is checked before sk_err; found by the differential test",
        ),
        "send_after_shutdown_error": ("EPIPE", "send(2) ERRORS: EPIPE; observed by tcp.half-close-shutdown-wr here"),
        "closed_socket_error": (
            "EBADF",
            "CPython Modules/socketmodule.c: a closed socket has fd -1, the OS answers EBADF",
        ),
        "udp_truncation": ("truncate", "udp(7): excess bytes are discarded and MSG_TRUNC is set; observed here"),
        "udp_max_ipv4": (65507, "RFC 791 total length 65535 - 20 - 8; observed here"),
        "udp_max_ipv6": (65527, "RFC 8200 payload length 65535 - 8; observed here"),
        "udp_max_is_sndbuf": (
            False,
            "observed here: with SO_SNDBUF read back as 4608, a 20000-byte datagram is sent and received (Linux 6.18)",
        ),
        "icmp_unreachable_to": ("connected", "udp(7) ERRORS; observed by udp.*-port-unreachable here"),
        "icmp_unreachable_error": ("ECONNREFUSED", "udp(7): ICMP port unreachable is reported as ECONNREFUSED"),
        "tcp_sndbuf": (
            3845120,
            "observed here (Linux 6.18, tcp.nonblocking-send-capacity): non-blocking sends to a loopback peer that "
            "reads nothing take 3910656 bytes in all (one send of 12 MiB takes 3919467); modelled as this send queue "
            "plus tcp_rcvbuf in the receiver (the split between the two is an approximation)",
        ),
        "tcp_rcvbuf": (
            65536,
            "inferred: what a loopback receiver that never reads holds (its initial window); see tcp_sndbuf",
        ),
        "udp_rcvbuf": (212992, "socket(7) rmem_default 212992; observed here"),
        "rcvbuf_set_factor": (2, "socket(7) SO_RCVBUF: the kernel doubles the value"),
        "v6only_default": (0, "ipv6(7) IPV6_V6ONLY default from net.ipv6.bindv6only = 0; observed here"),
        "linger_format": ("ii", "socket(7): struct linger { int l_onoff; int l_linger; }"),
        "option_on_value": (
            dict.fromkeys((*_ON_OFF_SOCKET_OPTIONS, "TCP_NODELAY", "IPV6_V6ONLY"), 1),
            _ON_VALUE_LINUX,
        ),
        "one_byte_options": (
            frozenset(),
            "torvalds/linux@v6.12 net/core/sock.c sk_setsockopt (valbool = val ? 1 : 0, on the whole int); observed "
            "here: SO_KEEPALIVE and TCP_NODELAY set to 256 read back 1",
        ),
        "keepalive_tunables": (
            {
                "TCP_KEEPIDLE": (7200, 1, 32767, False),
                "TCP_KEEPINTVL": (75, 1, 32767, False),
                "TCP_KEEPCNT": (9, 1, 127, False),
            },
            _KEEPALIVE_LINUX,
        ),
        "linger_kept_when_off": (
            False,
            "torvalds/linux@v6.12 net/core/sock.c sk_setsockopt SO_LINGER (sk_lingertime is set only when l_onoff is "
            "nonzero); observed here: (0, 3) on a new socket reads back (0, 0) (Linux 6.18)",
        ),
        "notsent_lowat": (
            True,
            "observed here (Linux 6.18, CPython 3.11.7): getsockopt(IPPROTO_TCP, TCP_NOTSENT_LOWAT) reads 0 before any "
            "set and 16384 after setting 16384; torvalds/linux@v6.12 include/net/tcp.h tcp_stream_memory_free (writable "
            "while notsent bytes << wake are below the mark) and net/ipv4/tcp.c tcp_sendmsg_locked (a send stops at an "
            "skb boundary once notsent reaches it: how far past it a send goes is not modelled)",
        ),
        "acceptconn_listening": (
            1,
            "socket(7) SO_ACCEPTCONN (0 for a socket that is not listening, 1 for one that is; read-only); "
            "torvalds/linux@v6.12 net/core/sock.c sk_getsockopt (v.val = sk->sk_state == TCP_LISTEN); observed here: "
            "0 before listen(), 1 after, 0 on a UDP socket, setsockopt fails ENOPROTOOPT (Linux 6.18, CPython 3.11.7)",
        ),
        "identity_options": (
            {"SO_DOMAIN": True, "SO_PROTOCOL": True},
            "socket(7) (Linux man-pages 6.03) SO_DOMAIN and SO_PROTOCOL (read-only, since Linux 2.6.32); observed "
            "here: 2 and 6 for AF_INET TCP, 10 and 17 for AF_INET6 UDP, 1 and 0 for AF_UNIX; setting either is "
            "ENOPROTOOPT",
        ),
        "broadcast_without_flag_error": (
            "EACCES",
            "ip(7) ERRORS (EACCES: sending to a broadcast address without the SO_BROADCAST flag); observed in a private "
            "network namespace with a veth LAN 192.0.2.10/24 (Linux 6.18): sendto 255.255.255.255 and 192.0.2.255, "
            "and a UDP connect() to either, raise PermissionError EACCES",
        ),
        "loopback_broadcast": (
            True,
            "observed here: Linux's local routing table holds 'broadcast 127.255.255.255 dev lo', and sendto it without "
            "SO_BROADCAST raises EACCES (Linux 6.18)",
        ),
        "select_empty_error": (None, "select(2): with no descriptors, select waits for the timeout"),
        "select_non_socket_error": (
            None,
            "https://pubs.opengroup.org/onlinepubs/9699919799/functions/select.html (DESCRIPTION: select supports "
            "regular files, terminals, pseudo-terminals, STREAMS-based files, FIFOs, pipes and sockets); observed here "
            "(a real pipe in select inside patched('linux'): tests/sim/test_readiness.py)",
        ),
        "select_failed_connect": (
            "read-write",
            "net/ipv4/tcp.c tcp_poll (EPOLLERR, EPOLLHUP) and fs/select.c: POLLERR is in the read and write sets",
        ),
        "short_option_error": (
            "EINVAL",
            "net/core/sock.c sk_setsockopt: optlen < sizeof(int) or < sizeof(struct linger) -> EINVAL",
        ),
        "bind_address_no_port": (
            True,
            "ip(7) (Linux man-pages 6.03) IP_BIND_ADDRESS_NO_PORT (since Linux 4.2: the port is allocated at "
            "connect); observed here (CPython 3.11.7, Linux 6.18): reads 0, then 1 once set to any nonzero value; "
            "bind(('127.0.0.2', 0)) shows port 0 and a second bind to 127.0.0.3 succeeds; connect, listen and a UDP "
            "sendto then take a port at that address; a bind to the wildcard takes the route's address at "
            "connect; an AF_INET6 socket accepts it too",
        ),
        "netlink_sockets": (
            True,
            "netlink(7) (Linux man-pages 6.03): SOCK_RAW and SOCK_DGRAM are valid, NETLINK_ROUTE is protocol 0; "
            "observed here (CPython 3.11.7, Linux 6.18): socket(AF_NETLINK, SOCK_DGRAM) and SOCK_RAW are made and "
            "close",
        ),
        "null_optval": (
            ("SO_BINDTODEVICE",),
            "Linux 6.12.117 (Debian linux-source-6.12) net/socket.c:2286-2287 (do_sock_setsockopt: optlen < 0 -> "
            "EINVAL), net/core/sock.c:1186-1192 (sk_setsockopt: SO_BINDTODEVICE goes to sock_setbindtodevice; for "
            "every other option optlen < sizeof(int) -> EINVAL, then copy_from_sockptr of the int -> EFAULT), "
            "net/core/sock.c:672-700 (sock_setbindtodevice: an option length of zero leaves the socket unbound), "
            "net/ipv4/tcp.c:3798-3801 (do_tcp_setsockopt: the same two checks); observed here (CPython 3.11.7, Linux "
            "6.18): SO_BINDTODEVICE with None and 0 succeeds, with 1 to 100 EFAULT; SO_REUSEADDR, SO_LINGER, "
            "SO_RCVBUF, SO_RCVTIMEO and TCP_NODELAY with 0 to 3 EINVAL, with 4 or more EFAULT; -1 EINVAL",
        ),
        "blocking_send_waits_for_all": (
            True,
            "send(2): when the message does not fit into the send buffer, send() normally blocks; "
            "net/ipv4/tcp.c tcp_sendmsg_locked sleeps in sk_stream_wait_memory until all is copied; "
            "observed here (tests/conformance/test_socket_semantics.py)",
        ),
        "send_error_after_partial": (
            "count",
            "net/ipv4/tcp.c tcp_sendmsg_locked: on an error after some bytes were copied it returns the count",
        ),
        "hostname": ("sim-linux", "deterministic by design: the simulated host's name"),
        "hostname_addresses": (
            ("127.0.1.1",),
            "Debian Reference 5.1.1 'The hostname resolution': /etc/hosts maps the host name to 127.0.1.1",
        ),
        "localhost_addresses": (
            ("::1", "127.0.0.1"),
            "Debian /etc/hosts (127.0.0.1 and ::1 localhost) sorted by glibc getaddrinfo (RFC 6724: ::1 first)",
        ),
        "gai_noname": ((-2, "Name or service not known"), "glibc netdb.h EAI_NONAME = -2; gai_strerror(3)"),
        "gai_port_bits": (
            16,
            "observed here (Linux 6.18, glibc, CPython 3.11.7, inside unshare -n): getaddrinfo('127.0.0.1', p) gives "
            "port 57920 for 123456 and '123456', 0 for 65536, 4464 for 70000, 5 for 2**32 + 5 (the low 16 bits)",
        ),
        "gai_bad_service": (
            (-8, "Servname not supported for ai_socktype"),
            "observed here (as gai_port_bits): port -1 with SOCK_STREAM raises gaierror(-8, 'Servname not supported "
            "for ai_socktype'), and so does any port with SOCK_RAW (0 too; None gives the address); glibc netdb.h EAI_SERVICE = -8",
        ),
        "gai_bad_socktype": (
            (-7, "ai_socktype not supported"),
            "observed here (Linux 6.18, glibc, CPython 3.11.7): getaddrinfo('::1', '12345', type=-1), type=99 and "
            "SOCK_STREAM | SOCK_NONBLOCK raise gaierror(-7, 'ai_socktype not supported'), EAI_SOCKTYPE; trio's "
            "test_socket.py test_getaddrinfo expects EAI_SOCKTYPE for type=-1 on Linux with glibc",
        ),
        "gai_service_names": (
            True,
            "observed here (Linux 6.18, glibc, CPython 3.11.7, Debian's netbase /etc/services): getaddrinfo("
            "'127.0.0.1', 'http') gives SOCK_STREAM port 80 only, 'domain' SOCK_STREAM and SOCK_DGRAM 53, 'ntp' "
            "SOCK_DGRAM 123 only, 'http' with SOCK_DGRAM and 'nosuchsvc' or 'HTTP' gaierror(-8); getaddrinfo(3): "
            "service is looked up in the services database (services(5))",
        ),
        "gai_numericserv_name": (
            (-2, "Name or service not known"),
            "observed here (Linux 6.18, glibc, CPython 3.11.7): getaddrinfo('127.0.0.1', 'port', flags=AI_NUMERICSERV) "
            "raises gaierror(-2, 'Name or service not known'), EAI_NONAME; getaddrinfo(3): AI_NUMERICSERV 'inhibits the "
            "invocation of a name resolution service'",
        ),
        "gai_v4mapped": (
            True,
            "getaddrinfo(3) (Linux man-pages 6.03) AI_V4MAPPED and AI_ALL; observed here (Linux 6.18, glibc, CPython "
            "3.11.7): getaddrinfo('1.2.3.4', 80, AF_INET6, flags=AI_V4MAPPED) gives ('::ffff:1.2.3.4', 80, 0, 0), with "
            "AI_ALL or AI_NUMERICHOST too, and with a service name; '::1' stays ::1; without the flag EAI_ADDRFAMILY",
        ),
        "dns_no_answer": (
            (10.0, (-3, "Temporary failure in name resolution"), (2, "Host name lookup failure")),
            "observed here (Linux 6.18, glibc 2.36, CPython 3.11.7, inside unshare -n with a default route through a "
            "veth whose other end answers nothing, resolv.conf with one nameserver and no options): getaddrinfo, "
            "gethostbyname, gethostbyname_ex and create_connection(timeout=1) of a name each take 10.01 s and raise "
            "gaierror(-3, 'Temporary failure in name resolution'); gethostbyaddr('198.51.100.7') takes 10.01 s and "
            "raises herror(2, 'Host name lookup failure'); resolv.conf(5): timeout 5 s and attempts 2 by default; "
            "glibc netdb.h EAI_AGAIN = -3, TRY_AGAIN = 2",
        ),
        "errno_module_crt": ({}, "CPython Modules/errnomodule.c: the errno module has the C library's numbers"),
        "sys_platform": ("linux", "https://docs.python.org/3/library/sys.html#sys.platform"),
        "os_name": ("posix", "https://docs.python.org/3/library/os.html#os.name"),
        "tcp_recvfrom_address": (
            "none",
            "observed here: recvfrom on TCP returns (data, None) (the kernel fills no msg_name)",
        ),
        # -- cross-thread --
        "close_wakes_blocked": (
            None,
            "torvalds/linux fs/open.c close_fd and fs/file_table.c fput: close drops the descriptor's reference, "
            "the socket is released only with the last one, and a recv or accept in progress holds one (fdget); "
            "observed here by tcp.close-while-recv-blocked and tcp.close-while-accept-blocked",
        ),
        "listener_shutdown": (
            "stop",
            "torvalds/linux net/ipv4/af_inet.c inet_shutdown: SHUT_RD on a TCP_LISTEN socket disconnects it "
            "(tcp_disconnect stops listening) and wakes waiters; observed here by tcp.shutdown-rd-listener-wakes-accept",
        ),
        "delayed_ack": (
            0.04,
            "torvalds/linux include/net/tcp.h TCP_DELACK_MIN (HZ/25 = 40 ms); observed here by tcp.nagle-delayed-ack",
        ),
        "quick_acks": (
            16,
            "torvalds/linux include/net/tcp.h TCP_MAX_QUICKACKS (16) and net/ipv4/tcp_input.c tcp_incr_quickack",
        ),
        "quick_acks_end_on_reply": (
            True,
            "torvalds/linux net/ipv4/tcp_output.c tcp_event_data_sent enters pingpong mode when data is sent within "
            "the ACK timeout (ato, TCP_ATO_MIN 40 ms at first) of the last data received, net/ipv4/tcp_timer.c "
            "tcp_delack_timer_handler leaves it when a delayed ACK fires, and include/net/inet_connection_sock.h: "
            "no quick ACKs in pingpong mode; observed here: the first request of tcp.nagle-delayed-ack is answered "
            "at once, the next ones wait about 40 ms, and a side that sent before it received anything still "
            "acknowledges at once (tests/conformance/test_readiness_differential.py)",
        ),
        "loopback_mss": (32741, "observed here: getsockopt(TCP_MAXSEG) on a connected loopback socket, Linux 6.18"),
        # tutorial-claims
        "time_wait_connect": (
            "reuse",
            "torvalds/linux@v6.12 net/ipv4/tcp_ipv4.c tcp_twsk_unique (with no twp, the bind()-then-connect() path, "
            "a TIME_WAIT pair that saw TCP timestamps is taken over whatever tcp_tw_reuse says); observed here "
            "(tcp.tw-reuse-outgoing-connect, also with tcp_tw_reuse=0; EADDRNOTAVAIL with tcp_timestamps=0)",
        ),
        "connect_after_unreported_failure": (
            "pending-error",
            "torvalds/linux@v6.12 net/ipv4/af_inet.c __inet_stream_connect (a socket still SS_CONNECTING whose "
            "sk_state is TCP_CLOSE goes to sock_error: sock_error(sk) or -ECONNABORTED, then SS_UNCONNECTED); observed "
            "here, Linux 6.18: a second connect_ex after a refused non-blocking one gives ECONNREFUSED, after reading "
            "SO_ERROR ECONNABORTED, and a third EINPROGRESS (tests/sim/test_socket_semantics.py)",
        ),
        "stdlib_names": (_STDLIB_LINUX, _STDLIB_POSIX_SOURCE),
        # stack-limits
        "tcp_buffers_fresh": (
            (131072, 16384),
            "tcp(7) tcp_rmem and tcp_wmem: their middle (default) values; observed here (Linux 6.18, tcp.buffer-defaults)",
        ),
        "tcp_buffers_connected": (
            (131072, 3939840),
            "observed here (Linux 6.18, BBR, tcp.buffer-defaults): the send buffer grows once the connection is "
            "established; this models a fresh TCP metrics cache (no reordering learned for 127.0.0.1), not the 4194304 "
            "a host reads once its cache has one (see the tcp.buffer-defaults table)",
        ),
        "sndbuf_set_factor": (2, "socket(7) SO_SNDBUF: the kernel doubles the value"),
        "sockbuf_minimums": (
            (2304, 4608),
            "socket(7) SO_RCVBUF/SO_SNDBUF: the doubled value has a minimum; observed here (Linux 6.18, tcp.buffer-minimums)",
        ),
        "sockbuf_maximums": (
            (212992, 212992),
            "net.core.rmem_max and wmem_max: Debian linux-source-6.12 6.12.117-1~deb12u1 (stable 6.12.117) net/core/sock.c:282-287 sets them to SK_RMEM_MAX and "
            "SK_WMEM_MAX, include/net/sock.h:2895-2898 SKB_TRUESIZE(256) x 256, 212992 with x86_64's struct sizes "
            "(computed; wmem_default, the same macro, reads 212992 here); a host that raises the sysctls clamps there "
            "instead (this machine's wmem_max 4194304: setsockopt(SO_SNDBUF, 10**7) reads back 8388608, observed)",
        ),
        "sockbuf_out_of_range": (
            "clamp",
            "Debian linux-source-6.12 6.12.117-1~deb12u1 (stable 6.12.117) net/core/sock.c:1314-1331 (SO_SNDBUF: min_t(u32, val, wmem_max), doubled, at least "
            "SOCK_MIN_SNDBUF; no error, 'treated in BSD as hints') and 1346-1353, 958-977 (SO_RCVBUF with rmem_max); "
            "socket(7) SO_RCVBUF/SO_SNDBUF (the maximum is rmem_max/wmem_max); observed here: -1 reads back 2 x "
            "wmem_max (u32), 0 the minimum",
        ),
        "syn_retry_waits": (
            (1.0, 1.0, 1.0, 1.0, 1.0),
            "https://docs.kernel.org/networking/ip-sysctl.html (tcp_syn_linear_timeouts, 4 by default: the first SYN "
            "retransmissions keep the 1 s timeout, later ones double); observed here (tcp.syn-retry-schedule-full-queue: "
            "a dropped client gets in at 1, 2, 3 and 5 s for accepts at 0.5, 1.5, 2.5 and 4.5 s)",
        ),
        "v4mapped_bind_v6only_error": (
            "EINVAL",
            "observed here (Linux 6.18, tcp.ipv6-v6only-default under --sysctl net.ipv6.bindv6only=1): OSError EINVAL",
        ),
        # per-call flags
        "recv_flags": (
            ("MSG_PEEK", "MSG_DONTWAIT", "MSG_CMSG_CLOEXEC"),
            "recv(2) (Linux man-pages 6.03): MSG_PEEK returns data from the beginning of the queue without removing it; "
            "MSG_DONTWAIT enables non-blocking operation for this call (EAGAIN or EWOULDBLOCK); MSG_CMSG_CLOEXEC "
            "sets close-on-exec on descriptors received with SCM_RIGHTS (and changes nothing else)",
        ),
        "send_flags": (
            ("MSG_DONTWAIT", "MSG_MORE"),
            "send(2) (Linux man-pages 6.03): MSG_DONTWAIT enables non-blocking operation (EAGAIN or EWOULDBLOCK); "
            "CPython's SendmsgStreamTests.testSendmsgDontWait asserts it on Linux only; MSG_MORE (UDP only: on TCP "
            "it is NotImplementedError) holds a datagram until a send without it: Linux 6.12.117 (Debian "
            "linux-source-6.12) net/ipv4/udp.c:1140 (corkreq), 1158-1170 (a pending datagram takes the next send's "
            "data before its address is read), 1361-1369 (an error drops the pending datagram; a send without "
            "MSG_MORE sends it); observed here: sendto(b'xxx', MSG_MORE, B), sendto(b'yyy', MSG_MORE, D), "
            "sendto(b'zzz', D) give B one datagram b'xxxyyyzzz', D none; 65,000 then 508 bytes: EMSGSIZE, and the "
            "65,000 are dropped",
        ),
        # descriptor flags
        "socket_fchmod": (
            "no-effect",
            "torvalds/linux@v6.12 net/socket.c sockfs_setattr (simple_setattr on the socket's own sockfs inode, "
            "not the path it is bound to); observed here: os.fchmod of an AF_UNIX and an AF_INET socket returns None, "
            "Linux 6.18",
        ),
        "socket_file_io": (
            "fixed",
            "recv(2) and send(2) (Linux man-pages 6.03): with no flags they are read(2) and write(2); observed here "
            "(Linux 6.18, CPython 3.11.7): os.read/os.write on a socket pair's descriptor receive and send, fstat gives "
            "st_mode 0o140777 and st_size 0 with bytes unread (sockfs), tests/sim/test_socket_files.py",
        ),
        "udp_shutdown_unconnected": (
            "error-and-shut",
            "observed here (Linux 6.18, CPython 3.11.7, tests/sim/test_udp_shutdown.py compares the simulation with it): shutdown() of an unbound or unconnected UDP socket raises ENOTCONN, yet a thread blocked in its "
            "recvfrom wakes with (b'', None) and a sendto after SHUT_WR fails with EPIPE; torvalds/linux "
            "net/ipv4/af_inet.c inet_shutdown (TCP_CLOSE: ENOTCONN, then sets sk_shutdown anyway)",
        ),
        "udp_shut_rd": (
            "keep",
            "observed here (Linux 6.18, CPython 3.11.7, tests/sim/test_udp_shutdown.py compares the simulation with it): after SHUT_RD the queued datagram and a later one are received, select and poll report "
            "POLLIN|POLLRDHUP with nothing queued, a blocking recvfrom then returns (b'', None), a non-blocking one "
            "and one with a timeout get EAGAIN (CPython then waits out the timeout); torvalds/linux "
            "net/core/datagram.c __skb_wait_for_more_packets (RCV_SHUTDOWN ends a blocking wait)",
        ),
        "shut_rd_recv_error": (
            None,
            "observed here (tests/conformance/test_readiness_differential.py: after SHUT_RD a recv reads what is "
            "queued, then b'')",
        ),
        "shut_rd_wakes_waiting": (
            True,
            "observed here (tcp.shutdown-while-recv-blocked: a recv blocked in another thread returns b'' at once)",
        ),
        "send_takes_whole": (
            False,
            "observed here (tcp.nonblocking-send-partial, tcp.nonblocking-send-capacity: a non-blocking send takes "
            "what fits and returns its count)",
        ),
        "reset_error_sticky": (
            False,
            "observed here (tcp.linger-zero-close-sends-rst: the peer's second recv after ECONNRESET returns b'')",
        ),
        "accept_inherits_nonblock": (
            False,
            "accept(2) (Linux man-pages 6.03), NOTES: on Linux the new socket does not inherit file status flags "
            "such as O_NONBLOCK from the listening socket; observed here (tests/conformance/test_socket_semantics.py)",
        ),
        "accept_inherits_nodelay": (
            True,
            "observed here: TCP_NODELAY set on a listener reads back 1 on the accepted socket, Linux 6.18 "
            "(tests/conformance/test_socket_semantics.py); net/ipv4/inet_connection_sock.c inet_csk_clone_lock: "
            "the accepted socket is a copy of the listener",
        ),
        "accept_copies": (
            dict.fromkeys(_ACCEPT_COPIES_LINUX, True),
            "observed here: each set on a listener reads back the same on the accepted socket, Linux 6.18, CPython "
            "3.11.7 (tests/conformance/test_socket_semantics.py); torvalds/linux@v6.12 "
            "net/ipv4/inet_connection_sock.c inet_csk_clone_lock (the accepted socket is a copy of the listener)",
        ),
    },
)

_BSD_COMMON: dict[str, tuple[object, str]] = {
    **_HOST,
    **_CPYTHON_POSIX,
    "sets_winerror": (False, "CPython Objects/exceptions.c: winerror exists only on Windows"),
    "exception_errnos": ({}, "CPython Modules/socketmodule.c set_error: PyErr_SetFromErrno, errno as it is"),
    "errno_aliases": ({}, "sys/errno.h: EWOULDBLOCK is defined as EAGAIN (35)"),
    "missing_options": (
        ("SO_EXCLUSIVEADDRUSE",),
        "setsockopt(2): SO_REUSEPORT exists on the BSDs; SO_EXCLUSIVEADDRUSE is Windows-only",
    ),
    "listen_needs_bind": (
        False,
        "xnu (xnu-11417.101.15) bsd/netinet/tcp_usrreq.c:389 tcp_usr_listen binds an unbound socket to an ephemeral port",
    ),
    "send_unconnected_error": ("ENOTCONN", "FreeBSD send(2) ERRORS: ENOTCONN"),
    "nonblocking_connect_error": (
        "EINPROGRESS",
        "FreeBSD connect(2) ERRORS: EINPROGRESS; on loopback too, even when the port is closed: the RST comes "
        "back through a queue after connect returned (inferred: FreeBSD 13's if_simloop hands the segment to "
        "netisr_queue, F-Stack/f-stack@5cb586b5 freebsd/net/if_loop.c:365; xnu's lo_output hands it to "
        "ifnet_input_extended, apple-oss-distributions/xnu@xnu-11417.101.15 bsd/net/if_loop.c:329, whose default "
        "strategy is the DLIL worker thread, bsd/net/dlil_input.c:94)",
    ),
    "backlog_overflow": (
        "drop",
        "xnu (xnu-11417.101.15) bsd/netinet/tcp_input.c:2723-2735: the SYN is dropped when sonewconn refuses",
    ),
    "refused_after": (
        0.0,
        "an RST in SYN_SENT fails connect at once with ECONNREFUSED: xnu (xnu-11417.101.15) bsd/netinet/tcp_input.c:3725-3749, "
        "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_input.c:2004-2008",
    ),
    "time_wait_bind": (
        "new",
        "in_pcbbind: a TIME_WAIT connection conflicts only with a new socket without SO_REUSEADDR: xnu (xnu-11417.101.15) "
        "bsd/netinet/in_pcb.c:890-892, 2383-2402; FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/in_pcb.c:1029-1030, 1125-1139",
    ),
    "live_bind_table": (None, "FreeBSD setsockopt(2): duplicate bindings need SO_REUSEPORT on every socket"),
    "reuseaddr_shares_nonlistening": (
        False,
        "inferred from in_pcbbind: SO_REUSEADDR alone does not allow duplicate unicast bindings",
    ),
    "reuse_binds_exact_only": (
        True,
        "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/in_pcb.c:890-892 (the conflict lookup is a "
        "wildcard one only without SO_REUSEADDR and SO_REUSEPORT), 1087-1113 (EADDRINUSE unless both have "
        "SO_REUSEPORT), 2383-2408 (the exact lookup finds only an unconnected pcb on the same address and port); "
        "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/in_pcb.c:1029-1030, 1125-1145, 2086-2115 (the same); "
        "found by an audit of the profiles, 2026-11-23 (before, every overlap conflicted)",
    ),
    "reset_error_established": (
        "ECONNRESET",
        "RST sets so_error = ECONNRESET: xnu (xnu-11417.101.15) bsd/netinet/tcp_input.c:4235-4250; FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_input.c:2174-2180",
    ),
    "reset_error_close_wait": (
        "ECONNRESET",
        "RST in CLOSE_WAIT sets so_error = ECONNRESET: xnu (xnu-11417.101.15) bsd/netinet/tcp_input.c:4248-4250; "
        "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_input.c:2177-2180",
    ),
    "send_error_order": (
        "cantsend-first",
        "EPIPE is checked before so_error: xnu (xnu-11417.101.15) bsd/kern/uipc_socket.c:2032-2051; FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:1617-1627",
    ),
    "send_after_close_error": ("EPIPE", "FreeBSD send(2) ERRORS: EPIPE"),
    "recv_eof_before_error": (
        False,
        "soreceive checks so_error before end of stream: xnu (xnu-11417.101.15) bsd/kern/uipc_socket.c:3535-3561; "
        "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:1958-1979",
    ),
    "send_after_shutdown_error": ("EPIPE", "FreeBSD send(2) ERRORS: EPIPE"),
    "closed_socket_error": ("EBADF", "CPython Modules/socketmodule.c: a closed socket has fd -1, the OS answers EBADF"),
    "udp_truncation": (
        "truncate",
        "FreeBSD 12.2 recv(2) DESCRIPTION; xnu (xnu-11417.101.15) bsd/kern/uipc_socket.c:3962-3968; FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:2340-2343",
    ),
    "udp_max_ipv4": (
        9216,
        "udp_sendspace = 9216: xnu (xnu-11417.101.15) bsd/netinet/udp_usrreq.c:2243; FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/udp_usrreq.c:131",
    ),
    "udp_max_is_sndbuf": (
        True,
        "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:2065-2073 (sosendcheck: an atomic send "
        "larger than so_snd.sb_hiwat is EMSGSIZE); FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) "
        "kern/uipc_socket.c:1448-1460 (sosend_dgram: larger than the send buffer's space, EMSGSIZE); so "
        "udp_max_ipv4/6 are the default send buffer (found by the profile audit, 2026-11-23)",
    ),
    "udp_max_ipv6": (
        9216,
        "udp6 reserves udp_sendspace: xnu (xnu-11417.101.15) bsd/netinet6/udp6_usrreq.c:820; FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet6/udp6_usrreq.c:1046",
    ),
    "icmp_unreachable_to": (
        "connected",
        "ICMP errors reach only an exactly matching (connected) socket: xnu (xnu-11417.101.15) bsd/netinet/udp_usrreq.c:986-1007; "
        "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/udp_usrreq.c:808-817",
    ),
    "icmp_unreachable_error": ("ECONNREFUSED", "BSD inetctlerrmap: PRC_UNREACH_PORT -> ECONNREFUSED"),
    "tcp_sndbuf": (131072, "inferred: net.inet.tcp.sendspace and autotuning; the exact maximum is not in the catalog"),
    "tcp_rcvbuf": (131072, "inferred: net.inet.tcp.recvspace and autotuning; the exact maximum is not in the catalog"),
    "rcvbuf_set_factor": (
        1,
        "SO_RCVBUF is stored as given: xnu (xnu-11417.101.15) bsd/kern/uipc_socket.c:4991 and uipc_socket2.c:816",
    ),
    "linger_format": ("ii", "sys/socket.h struct linger { int l_onoff; int l_linger; }"),
    "select_empty_error": (None, "FreeBSD sys_generic.c kern_select / xnu select: nd = 0 just sleeps for the timeout"),
    "select_non_socket_error": (
        None,
        "FreeBSD 12.2 select(2) DESCRIPTION (select examines I/O descriptor sets, of descriptors of any kind); "
        "https://pubs.opengroup.org/onlinepubs/9699919799/functions/select.html (DESCRIPTION: select supports regular "
        "files, terminals, pseudo-terminals, STREAMS-based files, FIFOs, pipes and sockets)",
    ),
    "select_failed_connect": (
        "read-write",
        "sys/sys/socketvar.h soreadable()/sowriteable(): true while so_error is set (FreeBSD and xnu)",
    ),
    "short_option_error": (
        "EINVAL",
        "FreeBSD and xnu uipc_socket.c sooptcopyin: a value shorter than the option's minimum -> EINVAL",
    ),
    "bind_address_no_port": (False, "not modelled: a Linux option (ip(7)); the BSDs have no IP_BIND_ADDRESS_NO_PORT"),
    "netlink_sockets": (
        False,
        "netlink(7) is a Linux interface: xnu's and FreeBSD's sys/socket.h define no AF_NETLINK",
    ),
    "null_optval": (
        None,
        "not modelled: sooptcopyin checks the length first (EINVAL), as for a short buffer, but what each BSD's "
        "SO_BINDTODEVICE (xnu) and option minimums make of a NULL buffer was not checked",
    ),
    "send_error_after_partial": (
        "error",
        "FreeBSD sys/kern/uipc_syscalls.c kern_sendit and xnu uipc_syscalls.c sendit: after a partial "
        "transfer only ERESTART, EINTR and EWOULDBLOCK are turned into a count; other errors are returned",
    ),
    "hostname_addresses": (
        ("192.0.2.10",),
        "inferred: the BSDs' /etc/hosts has no entry for the host name, so it resolves (DNS, mDNS) to the LAN address",
    ),
    "localhost_addresses": (
        ("::1", "127.0.0.1"),
        "FreeBSD and macOS /etc/hosts (::1 and 127.0.0.1 localhost); getaddrinfo sorts by RFC 6724: ::1 first",
    ),
    "gai_noname": (
        (8, "nodename nor servname provided, or not known"),
        "macOS netdb.h EAI_NONAME = 8; macOS gai_strerror(3) (FreeBSD's text differs: its profile)",
    ),
    "gai_port_bits": (
        None,
        "not modelled: what macOS's and FreeBSD's getaddrinfo do with a numeric port above 65535 (keep low bits, or "
        "refuse with EAI_SERVICE) is not established here; getaddrinfo('127.0.0.1', 123456) there would settle it",
    ),
    "gai_bad_service": (None, "not modelled: as gai_port_bits, for port -1"),
    "gai_numericserv_name": (None, "not modelled: no source read for a service name with AI_NUMERICSERV"),
    "gai_v4mapped": (None, "not modelled: how that OS's getaddrinfo answers AI_V4MAPPED was not read"),
    "gai_bad_socktype": (None, "not modelled: no source read for an unknown socket type in getaddrinfo"),
    "gai_service_names": (False, "not modelled: how that OS's getaddrinfo answers a service name was not read"),
    "dns_no_answer": (
        None,
        "not modelled: how long the resolver waits for a nameserver that never answers, and what it then raises, is "
        "not established here for this OS; a lookup of a name on a host whose nameserver is unreachable would settle it",
    ),
    "errno_module_crt": ({}, "CPython Modules/errnomodule.c: the errno module has the C library's numbers"),
    "os_name": ("posix", "https://docs.python.org/3/library/os.html#os.name"),
    "tcp_recvfrom_address": (
        "none",
        "inferred: FreeBSD and xnu soreceive return an address only for PR_ADDR protocols (UDP), so CPython shows None",
    ),
}

DARWIN = _p(
    "darwin",
    {
        **_KQUEUE_XNU,
        **_BSD_COMMON,
        "pipes": (DARWIN_PIPES, "sockbehave/sim/pipefacts.py (PipeFacts.sources names the source of each fact)"),
        "unix_pairs": (
            BSD_UNIX_PAIRS_DARWIN,
            "sockbehave/sim/unixfacts.py (UnixPairFacts.sources names the source of each fact)",
        ),
        "unix_dgrams": (
            BSD_UNIX_DGRAMS_DARWIN,
            "sockbehave/sim/unixfacts.py (UnixDgramFacts.sources names the source of each fact)",
        ),
        "urgent": (
            BSD_URGENT_DARWIN,
            "sockbehave/sim/urgentfacts.py (UrgentFacts.sources names the source of each fact)",
        ),
        "option_on_value": ({**_ON_VALUE_BSD, **_ON_VALUE_BSD_TCP, "SO_LINGER": 1}, _ON_VALUE_XNU),
        "keepalive_tunables": (
            {"TCP_KEEPINTVL": (75, 0, (2**32 - 1) // 1000, True), "TCP_KEEPCNT": (8, 0, 2**31 - 1, True)},
            _KEEPALIVE_XNU,
        ),
        "missing_options": (
            ("SO_EXCLUSIVEADDRUSE", "TCP_KEEPIDLE"),
            "setsockopt(2): SO_REUSEPORT exists on the BSDs; SO_EXCLUSIVEADDRUSE is Windows-only; "
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/tcp.h:226 (the idle time is TCP_KEEPALIVE: there "
            "is no TCP_KEEPIDLE, so CPython on macOS has no socket.TCP_KEEPIDLE)",
        ),
        "one_byte_options": (
            frozenset(),
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:4951-4959 (sosetoptlock: an int "
            "optval, nonzero sets the flag)",
        ),
        "linger_kept_when_off": (
            True,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:4916-4932 (sosetoptlock: so_linger "
            "takes l_linger whatever l_onoff is)",
        ),
        "notsent_lowat": (
            False,
            "not modelled: xnu has TCP_NOTSENT_LOWAT (apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/tcp.h) "
            "with rules of its own; a run on macOS of the linux profile's test would settle them",
        ),
        "acceptconn_listening": (
            None,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:5962-5976 (sogetoptlock: the "
            "so_options flags it reads back do not include SO_ACCEPTCONN) and 6329-6330 (any other SOL_SOCKET option "
            'is ENOPROTOOPT); trio\'s SocketListener catches the OSError ("SO_ACCEPTCONN fails on macOS")',
        ),
        "identity_options": (
            {},
            "not modelled: xnu (xnu-11417.101.15) bsd/sys/socket.h defines neither, so macOS's CPython has neither "
            "socket.SO_DOMAIN nor SO_PROTOCOL",
        ),
        "broadcast_without_flag_error": (
            "EACCES",
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/ip_output.c:1095-1108 (a broadcast without IP_ALLOWBROADCAST, which SO_BROADCAST sets, is EACCES)",
        ),
        "loopback_broadcast": (
            None,
            "not known: lo0 has no IFF_BROADCAST, and what a datagram to 127.255.255.255 does was not checked",
        ),
        "errnos": (_DARWIN_ERRNO, _ERRNO_SOURCES["darwin"]),
        "ephemeral_ports": (
            (49152, 65535),
            "xnu (xnu-11417.101.15) bsd/netinet/in_pcb.c:181-182, bsd/netinet/in.h:295-296",
        ),
        "somaxconn": (128, "xnu (xnu-11417.101.15) bsd/sys/socket.h:597 SOMAXCONN = 128 (kern.ipc.somaxconn)"),
        "backlog_zero_means_max": (True, "xnu (xnu-11417.101.15) bsd/kern/uipc_socket.c:1071-1075 solisten"),
        "backlog_num": (1, "xnu (xnu-11417.101.15) bsd/kern/uipc_socket2.c:133 soqlimitcompat = 1 by default"),
        "backlog_den": (1, "xnu (xnu-11417.101.15) bsd/kern/uipc_socket2.c:358-360: refuses when so_qlen >= so_qlimit"),
        "backlog_extra": (
            0,
            "xnu (xnu-11417.101.15) bsd/kern/uipc_socket2.c:337-342: so_qlen counts incomplete and complete",
        ),
        "connect_give_up_after": (75.0, "xnu (xnu-11417.101.15) bsd/netinet/tcp_timer.h:184 TCPTV_KEEP_INIT = 75 s"),
        "time_wait": (30.0, "xnu (xnu-11417.101.15) bsd/netinet/tcp_timer.h:175: 2 * MSL, TCPTV_MSL = 15 s"),
        "close_with_unread": (
            "rst",
            "xnu (xnu-11417.101.15) bsd/netinet/tcp_usrreq.c:3155-3157 tcp_disconnect: data left in so_rcv means tcp_drop (RST)",
        ),
        "shut_rd_queued": (
            "discard",
            "xnu (xnu-11417.101.15) bsd/kern/uipc_socket.c:4472-4485 (soshutdownlock_final: SHUT_RD calls sorflush, "
            "which drops the receive buffer)",
        ),
        "getpeername_errors": (
            ("EINVAL", "ENOTCONN"),
            "xnu (xnu-11417.101.15) bsd/kern/uipc_syscalls.c:3227-3237 (getpeername: EINVAL once both SS_CANTRCVMORE "
            "and SS_CANTSENDMORE are set, checked first; then ENOTCONN without SS_ISCONNECTED)",
        ),
        "shut_rd_arriving": (
            ("close-reset", "close-reset"),
            "xnu (xnu-11417.101.15) bsd/netinet/tcp_input.c:4457-4490 (a segment with data for a socket with "
            "SS_CANTRCVMORE, in any state: tcp_close, then dropwithreset)",
        ),
        "udp_rcvbuf": (
            786896,
            "xnu (xnu-11417.101.15) bsd/netinet/udp_usrreq.c:252-256 (786896 when the mbuf cluster pool is >= 96 MB; else the "
            "static 196724 of line 2245); either holds the catalog's datagrams",
        ),
        "v6only_default": (0, "xnu (xnu-11417.101.15) bsd/netinet6/in6_proto.c:456 ip6_v6only = 0"),
        "blocking_send_waits_for_all": (
            True,
            "xnu bsd/kern/uipc_socket.c sosend: without SS_NBIO or MSG_DONTWAIT it sleeps in sbwait until the whole uio is queued",
        ),
        "hostname": ("sim-darwin", "deterministic by design: the simulated host's name"),
        "sys_platform": ("darwin", "https://docs.python.org/3/library/sys.html#sys.platform"),
        # -- cross-thread --
        "close_wakes_blocked": (
            {"recv": "EBADF", "accept": "ECONNABORTED"},
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/kern_descrip.c:1643-1648 (close drains a file "
            "other threads are using: fo_drain), bsd/kern/sys_socket.c:421-434 (soo_drain marks the socket "
            "SS_DRAINING and wakes its waiters), bsd/kern/uipc_socket2.c:593-596 (sbwait then fails EBADF), "
            "bsd/kern/uipc_syscalls.c:534-536 (accept then fails ECONNABORTED)",
        ),
        "listener_shutdown": (
            "enotconn",
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:4453-4456 (soshutdown: a socket "
            "neither connected nor connecting gets ENOTCONN, and nothing is shut down)",
        ),
        "delayed_ack": (
            0.1,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/tcp_timer.c:344 (tcp_delack = TCP_RETRANSHZ / 10)",
        ),
        "quick_acks": (
            16,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/tcp_subr.c:1197 (a new connection starts with "
            "TCP_FORCED_ACKS_COUNT forced ACKs, 16 in tcp_var.h:517) and bsd/netinet/tcp_cc.c:197 (ACKs are delayed "
            "only once none is left)",
        ),
        "quick_acks_end_on_reply": (
            False,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/tcp_cc.c:197 (only the forced-ACK count decides)",
        ),
        "loopback_mss": (16344, "inferred: lo0's MTU is 16384 on macOS (ifconfig lo0), less 40 bytes of headers"),
        # tutorial-claims
        "time_wait_connect": (
            "EADDRINUSE",
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/tcp_usrreq.c:1511-1537 (tcp_connect: a pcb on "
            "the same address pair is closed only in TIME_WAIT with TF_RCVD_CC, else EADDRINUSE); "
            "bsd/netinet/tcp_var.h:1117 (TF_RCVD_CC, a T/TCP flag nothing in bsd/netinet sets any more)",
        ),
        "connect_after_unreported_failure": (
            "unknown",
            "not read yet: what the BSDs' soconnect and tcp_usr_connect do with a socket whose connection attempt was "
            "dropped (a run of tests/sim/test_socket_semantics.py's probe there would settle it)",
        ),
        "stdlib_names": (_STDLIB_DARWIN, _STDLIB_POSIX_SOURCE + "; " + _LINUX_ONLY_SOURCE),
        # stack-limits
        "tcp_buffers_fresh": (
            (131072, 131072),
            "xnu (xnu-11417.101.15) bsd/netinet/tcp_usrreq.c:3014-3015 (compiled-in tcp_recvspace = 1448 * 384, "
            "tcp_sendspace = 1448 * 256), scaled at boot by nmbclusters / NMBCLUSTERS (at least 32768 / 512) and "
            "capped at 128 * 1024 by bsd/dev/unix_startup.c:178-193 (uipc_mbuf.c:2185-2221, i386/param.h:117), "
            "reserved by tcp_attach (tcp_usrreq.c:3090-3091); a sysctl of net.inet.tcp.sendspace/recvspace changes it",
        ),
        "tcp_buffers_connected": (None, "not known: autotuning may change them once connected; no source read so far"),
        "sndbuf_set_factor": (
            1,
            "SO_SNDBUF is stored as given: xnu (xnu-11417.101.15) bsd/kern/uipc_socket2.c:804-822",
        ),
        "sockbuf_minimums": (
            (1, 1),
            "xnu (xnu-11417.101.15) bsd/kern/uipc_socket.c:4966-4995 (below 1 is EINVAL) and uipc_socket2.c:804-822 "
            "(sbreserve stores the request, no minimum)",
        ),
        "sockbuf_maximums": (
            (8388608, 8388608),
            "xnu (xnu-11417.101.15) bsd/sys/socketvar.h:199 (SB_MAX 8 MiB, kern.ipc.maxsockbuf) and bsd/kern/uipc_mbuf.c:2501-2515 "
            "(boot only lowers it, for a small cluster pool)",
        ),
        "sockbuf_out_of_range": (
            "cap",
            "xnu (xnu-11417.101.15) bsd/kern/uipc_socket.c:4980-4993 (below 1 is EINVAL; sbreserve failing is ENOBUFS) and "
            "uipc_socket2.c:804-822 (above sb_max the size becomes sb_max, and fails only when the buffer already "
            "has it); xnu-10002.81.5 and earlier refused above sb_max x 2048 / 2304 (7456540) with ENOBUFS instead "
            "(uipc_socket2.c:819 there), so older macOS differs",
        ),
        "syn_retry_waits": (
            (1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 64.0, 64.0),
            "xnu (xnu-11417.101.15) bsd/netinet/tcp_timer.c:883-884 (tcp_syn_backoff) and 1257-1264 (SYN_SENT uses it), "
            "with the 1 s TCPTV_RTOBASE of bsd/netinet/tcp_timer.h:177",
        ),
        "v4mapped_bind_v6only_error": (None, "not known: no source read so far says which error xnu gives"),
        # per-call flags
        "recv_flags": (
            ("MSG_PEEK", "MSG_DONTWAIT"),
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_syscalls.c:2503 (recvfrom accepts MSG_PEEK and "
            "MSG_DONTWAIT) and bsd/kern/uipc_socket.c:3578-3582 (soreceive returns EWOULDBLOCK instead of waiting "
            "when MSG_DONTWAIT is set)",
        ),
        "send_flags": (
            (),
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:2092-2094 (sosendcheck waits for room "
            "unless the socket is non-blocking or MSG_NBIO is set: MSG_DONTWAIT is not checked there), and CPython's "
            "testSendmsgDontWait is skipped off Linux ('MSG_DONTWAIT not known to work on this platform when "
            "sending'): not modelled",
        ),
        # descriptor flags
        "socket_fchmod": (
            "EINVAL",
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/vfs/vfs_syscalls.c:7979-7988 (fchmod1 asks file_vnode "
            "for the descriptor's vnode) and bsd/kern/kern_descrip.c:2060-2080 (file_vnode: EINVAL when the "
            "descriptor is no vnode, as a socket's is not)",
        ),
        "socket_file_io": (
            "by-state",
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/sys_socket.c:102-103 (a socket's fileops read and "
            "write), 113-153 (soo_read/soo_write: soreceive/sosend with no flags), 348-392 (soo_stat: S_IFSOCK, read "
            "bits unless SS_CANTRCVMORE with nothing left, write bits unless SS_CANTSENDMORE, st_size the unread bytes)",
        ),
        "udp_shutdown_unconnected": (
            "error",
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:4442-4469 (soshutdown: ENOTCONN "
            "when the socket is not connected, without calling soshutdownlock)",
        ),
        "udp_shut_rd": (
            "flush",
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:4479-4485 (SHUT_RD calls sorflush), "
            "4577-4625 (sorflush: CANTRCVMORE, the queue dropped, SB_DROP set), 3545-3561 (soreceive: CANTRCVMORE with "
            "nothing queued returns 0 before the non-blocking check) and bsd/kern/uipc_socket2.c:1374-1380 "
            "(sbappendaddr drops a datagram once SB_DROP is set)",
        ),
        "shut_rd_recv_error": (
            None,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:3545-3561 (soreceive: SS_CANTRCVMORE "
            "with nothing queued returns 0)",
        ),
        "shut_rd_wakes_waiting": (
            True,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:4479-4486 (SHUT_RD: sorflush marks "
            "the socket SS_CANTRCVMORE and wakes the reader)",
        ),
        "send_takes_whole": (
            False,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_syscalls.c:1373-1385 (a send that took some "
            "bytes before it would block returns the count taken)",
        ),
        "reset_error_sticky": (
            False,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:3535-3561 (soreceive reports a "
            "pending so_error once, clearing it, then 0 while the socket cannot receive more)",
        ),
        "accept_inherits_nonblock": (
            True,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_syscalls.c:618 and 637 (accept_nocancel "
            "copies the listening file's f_flag, FNONBLOCK included, to the new file)",
        ),
        "accept_inherits_nodelay": (
            True,
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/netinet/tcp_input.c:2883 (the new connection's tcpcb "
            "takes TF_NOPUSH, TF_NOOPT and TF_NODELAY from the listener's)",
        ),
        "accept_copies": (
            dict.fromkeys((*_ACCEPT_COPIES_BSD, "TCP_KEEPINTVL", "TCP_KEEPCNT"), True),
            "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket2.c:375-376 (sonewconn_internal: the "
            "listener's so_options, which hold SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_BROADCAST, SO_OOBINLINE "
            "and SO_LINGER's flag, and its so_linger), 414 (soreserve with the listener's buffer sizes: SO_SNDBUF, "
            "SO_RCVBUF), bsd/netinet/tcp_input.c:2886-2887 (t_keepcnt, t_keepintvl: TCP_KEEPCNT, TCP_KEEPINTVL); "
            "IPV6_V6ONLY: not known",
        ),
    },
)

FREEBSD = _p(
    "freebsd",
    {
        **_KQUEUE_FREEBSD,
        **_BSD_COMMON,
        "pipes": (FREEBSD_PIPES, "sockbehave/sim/pipefacts.py (PipeFacts.sources names the source of each fact)"),
        "unix_pairs": (
            BSD_UNIX_PAIRS_FREEBSD,
            "sockbehave/sim/unixfacts.py (UnixPairFacts.sources names the source of each fact)",
        ),
        "unix_dgrams": (
            BSD_UNIX_DGRAMS_FREEBSD,
            "sockbehave/sim/unixfacts.py (UnixDgramFacts.sources names the source of each fact)",
        ),
        "urgent": (
            BSD_URGENT_FREEBSD,
            "sockbehave/sim/urgentfacts.py (UrgentFacts.sources names the source of each fact)",
        ),
        "option_on_value": ({**_ON_VALUE_BSD, **_ON_VALUE_BSD_TCP, "SO_LINGER": 0x80}, _ON_VALUE_FREEBSD),
        "gai_noname": (
            (8, "Name does not resolve"),
            "freebsd/freebsd-src@2ceac01124bcc9d5ea6c8c9f6914dd28d4353c52 lib/libc/net/gai_strerror.c (ai_errlist: "
            "EAI_NONAME is 'Name does not resolve'; a tree without $FreeBSD$ tags, so after August 2023); "
            "rakshasa/libtorrent#409 (its FreeBSD CI, 2025, expects that text); older FreeBSD said 'hostname nor "
            "servname provided, or not known' (freebsd/freebsd-src@039ea811 lib/libc/net/gai_strerror.c); the macOS "
            "text this profile had was never FreeBSD's (corrected 2026-11-23, found by an audit)",
        ),
        "keepalive_tunables": (
            {
                "TCP_KEEPIDLE": (7200, 0, (2**32 - 1) // 1000, True),
                "TCP_KEEPINTVL": (75, 0, (2**32 - 1) // 1000, True),
                "TCP_KEEPCNT": (8, -(2**31), 2**31 - 1, True),
            },
            _KEEPALIVE_FREEBSD,
        ),
        "one_byte_options": (
            frozenset(),
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:3048-3056 (sosetopt: an int optval, "
            "nonzero sets the flag)",
        ),
        "linger_kept_when_off": (
            True,
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:3015-3032 (sosetopt: so_linger takes "
            "l_linger whatever l_onoff is)",
        ),
        "notsent_lowat": (
            False,
            "not modelled: whether FreeBSD's CPython has TCP_NOTSENT_LOWAT at all is not established here",
        ),
        "acceptconn_listening": (
            2,
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:3263 and 3269 (sogetopt: SO_ACCEPTCONN "
            "reads so_options & SO_ACCEPTCONN, which listen sets, kern/uipc_socket.c:969), sys/socket.h:130 "
            "(SO_ACCEPTCONN is 0x2)",
        ),
        "identity_options": (
            {},
            "not modelled: FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) sys/socket.h:170-174 numbers SO_PROTOCOL "
            "0x1016 and SO_DOMAIN 0x1019, not Linux's 38 and 39, which the host's constants carry",
        ),
        "broadcast_without_flag_error": (
            "EACCES",
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/ip_output.c:657-669 (a broadcast without IP_ALLOWBROADCAST, which SO_BROADCAST sets, is EACCES)",
        ),
        "loopback_broadcast": (
            None,
            "not known: lo0 has no IFF_BROADCAST, and what a datagram to 127.255.255.255 does was not checked",
        ),
        "errnos": (_BSD_ERRNO, _ERRNO_SOURCES["freebsd"]),
        "ephemeral_ports": (
            (10000, 65535),
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/in.h:325 IPPORT_EPHEMERALFIRST 10000, through 65535",
        ),
        "somaxconn": (128, "FreeBSD sys/kern/uipc_socket.c somaxconn = SOMAXCONN (kern.ipc.soacceptqueue)"),
        "backlog_zero_means_max": (
            False,
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:972-974: only backlog < 0 or > somaxconn is raised",
        ),
        "backlog_num": (
            3,
            "FreeBSD 12.2 listen(2) DESCRIPTION: the queue is 1.5 x backlog; FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:609",
        ),
        "backlog_den": (
            2,
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:609 sonewconn: sol_qlen > 3 * sol_qlimit / 2",
        ),
        "backlog_extra": (
            1,
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:609: refused only when sol_qlen > 3 * qlimit / 2, so one more fits",
        ),
        "backlog_overflow": (
            "accept-then-reset",
            "inferred from FreeBSD tcp_syncache.c: the syncache answers the SYN; syncache_expand fails when the queue is full and resets (net.inet.tcp.syncache.rst_on_sock_fail = 1)",
        ),
        "connect_give_up_after": (75.0, "FreeBSD tcp_timer.c tcp_keepinit = 75 s (net.inet.tcp.keepinit)"),
        "time_wait": (
            60.0,
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_timer.h:77: 2 * MSL, TCPTV_MSL = 30 s",
        ),
        "close_with_unread": (
            "fin",
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_usrreq.c:2673-2678 tcp_disconnect: flushes so_rcv, then FIN",
        ),
        "shut_rd_queued": (
            "discard",
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:2853-2854 (soshutdown: SHUT_RD and "
            "SHUT_RDWR call sorflush, which drops the receive buffer)",
        ),
        "getpeername_errors": (
            (None, "ENOTCONN"),
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_syscalls.c:1480-1483 (kern_getpeername: ENOTCONN "
            "without SS_ISCONNECTED, which soisdisconnected clears after a reset or the closing handshake)",
        ),
        "shut_rd_arriving": (
            ("discard", "discard"),
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_input.c:1918 and 3143 (with SBS_CANTRCVMORE "
            "the data is freed, m_freem, and acknowledged; only a socket without a descriptor, SS_NOFDREF, resets: "
            "2320-2335)",
        ),
        "udp_rcvbuf": (
            42080,
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/udp_usrreq.c:135-137 udp_recvspace = 40 * (1024 + sizeof(sockaddr_in6))",
        ),
        "v6only_default": (1, "FreeBSD 12.2 inet6(4) section MIB Variables: ip6.v6only defaults to on"),
        "blocking_send_waits_for_all": (
            True,
            "FreeBSD sys/kern/uipc_socket.c sosend_generic: without SS_NBIO or MSG_DONTWAIT it sleeps in sbwait until the whole uio is queued",
        ),
        "hostname": ("sim-freebsd", "deterministic by design: the simulated host's name"),
        "sys_platform": (
            "freebsd14",
            "https://docs.python.org/3/library/sys.html#sys.platform (freebsd + major version)",
        ),
        # -- cross-thread --
        "close_wakes_blocked": (
            None,
            "F-Stack/f-stack@5cb586b5 freebsd/kern/kern_descrip.c:2846-2888 (FreeBSD 13, vendored by F-Stack: "
            "closef drops the descriptor's reference) and :3596-3607 (_fdrop closes the socket only with the last "
            "reference); freebsd/kern/uipc_syscalls.c:933-942, 1049 (recv holds a reference, getsock_cap to fdrop, "
            "for the whole call)",
        ),
        "listener_shutdown": (
            "enotconn-abort",
            "F-Stack/f-stack@5cb586b5 freebsd/kern/uipc_socket.c:2828-2847 (FreeBSD 13, vendored by F-Stack: "
            "soshutdown on a listening socket sets so_error = ECONNABORTED and wakes accept for SHUT_RD, then "
            "returns ENOTCONN) and freebsd/kern/uipc_syscalls.c:1218-1227 (kern_shutdown keeps ENOTCONN for "
            "current binaries)",
        ),
        "delayed_ack": (
            0.04,
            "F-Stack/f-stack@5cb586b5 freebsd/netinet/tcp_timer.h:122 (TCPTV_DELACK is hz/25, 40 ms)",
        ),
        "quick_acks": (
            0,
            "F-Stack/f-stack@5cb586b5 freebsd/netinet/tcp_input.c:525-529 (DELAY_ACK: any segment up to the MSS is "
            "acknowledged late while delayed ACKs are enabled; no quick-ACK phase)",
        ),
        "quick_acks_end_on_reply": (
            False,
            "F-Stack/f-stack@5cb586b5 freebsd/netinet/tcp_input.c:525-529 (no quick-ACK phase)",
        ),
        "loopback_mss": (16344, "inferred: lo0's MTU is 16384 on FreeBSD (loop(4)), less 40 bytes of headers"),
        # tutorial-claims
        "time_wait_connect": (
            "EADDRINUSE",
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_usrreq.c:1609-1622 (tcp_connect: an earlier "
            "incarnation of the pair, TIME_WAIT included, makes connect fail with EADDRINUSE) and netinet/in_pcb.c:1564-1573",
        ),
        "connect_after_unreported_failure": (
            "unknown",
            "not read yet: what the BSDs' soconnect and tcp_usr_connect do with a socket whose connection attempt was "
            "dropped (a run of tests/sim/test_socket_semantics.py's probe there would settle it)",
        ),
        "stdlib_names": (_STDLIB_FREEBSD, _STDLIB_POSIX_SOURCE + "; " + _LINUX_ONLY_SOURCE),
        # stack-limits
        "tcp_buffers_fresh": (
            (65536, 32768),
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_input.c:225 (tcp_recvspace = 1024*64), "
            "netinet/tcp_output.c:118 (tcp_sendspace = 1024*32), reserved by tcp_usrreq.c:176",
        ),
        "tcp_buffers_connected": (
            (81720, 49032),
            "inferred: FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_input.c:3828-3868 rounds the default "
            "buffers up to whole 16344-byte MSS units on lo0 (MTU 16384, net/if_loop.c:84) when the SYN-ACK arrives",
        ),
        "sndbuf_set_factor": (
            1,
            "SO_SNDBUF is stored as given: FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_sockbuf.c:610-640",
        ),
        "sockbuf_minimums": (
            (1, 1),
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:3086-3105 (below 1 is EINVAL) and "
            "kern/uipc_sockbuf.c:610-640 (sbreserve_locked stores the request, no minimum)",
        ),
        "sockbuf_maximums": (
            (1864135, 1864135),
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_sockbuf.c:67-69 (sb_max_adj = SB_MAX x MCLBYTES / (MSIZE + MCLBYTES)), sys/sockbuf.h:67 "
            "(SB_MAX 2 MiB, kern.ipc.maxsockbuf), sys/param.h:177-185 (MSIZE 256, MCLBYTES 2048): 1864135; "
            "getsockopt(2) (FreeBSD 12.2) names kern.ipc.maxsockbuf as the absolute maximum",
        ),
        "sockbuf_out_of_range": (
            "refuse",
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:3099-3101 (below 1 is EINVAL), kern/uipc_sockbuf.c:624-625 (sbreserve_locked "
            "refuses more than sb_max_adj) and 698-700 (sbsetopt: ENOBUFS)",
        ),
        "syn_retry_waits": (
            (1.0,),
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_timer.c:260-261 and 702-703: a SYN's timeout "
            "is tcp_rexmit_initial (1 s) times tcp_backoff 1, 2, 4, ... (doubling)",
        ),
        "v4mapped_bind_v6only_error": (
            "EADDRNOTAVAIL",
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) netinet/tcp_usrreq.c:432-453 binds a v4-mapped "
            "address as IPv4 only with IPV6_V6ONLY off; otherwise netinet6/in6_pcb.c:186-192 finds it on no "
            "interface: EADDRNOTAVAIL",
        ),
        # per-call flags
        "recv_flags": (
            ("MSG_PEEK", "MSG_DONTWAIT"),
            "FreeBSD recv(2) (August 19, 2018): MSG_PEEK peeks at the incoming message, leaving it queued; "
            "MSG_DONTWAIT returns when the call would block, with EAGAIN",
        ),
        "send_flags": (
            ("MSG_DONTWAIT",),
            "FreeBSD send(2) (April 27, 2020): MSG_DONTWAIT requests the call to return when it would block otherwise",
        ),
        # descriptor flags
        "socket_fchmod": (
            "EINVAL",
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/vfs_syscalls.c:2907 (fchmod calls the file's fo_chmod), "
            "kern/sys_socket.c:114 (a socket's is invfo_chmod) and kern/kern_descrip.c:5113-5117 (invfo_chmod: EINVAL)",
        ),
        "socket_file_io": (
            "by-state",
            "F-Stack/f-stack@5cb586b5 freebsd/kern/sys_socket.c:106-112 (a socket's fileops read, write and stat), "
            "125-152 (soo_read/soo_write: soreceive/sosend with no flags), 307-345 (soo_stat: S_IFSOCK, no bits on a "
            "listener, read bits unless SBS_CANTRCVMORE with nothing left, write bits unless SBS_CANTSENDMORE, st_size "
            "the unread bytes) (FreeBSD 13, vendored by F-Stack)",
        ),
        "udp_shutdown_unconnected": (
            "error-and-shut",
            "F-Stack/f-stack@5cb586b5 freebsd/kern/uipc_socket.c:2825-2859 (soshutdown: a datagram socket that is "
            "not connected is shut down all the same and gets ENOTCONN, 'to unblock process waiting in recvXXX(2)') "
            "(FreeBSD 13, vendored by F-Stack)",
        ),
        "udp_shut_rd": (
            "flush",
            "F-Stack/f-stack@5cb586b5 freebsd/kern/uipc_socket.c:2853-2854 (SHUT_RD calls sorflush), 2869-2910 "
            "(sorflush: CANTRCVMORE, the queue dropped, the buffer zeroed, so its high-water mark is 0), 2669-2678 "
            "(soreceive_dgram: CANTRCVMORE with nothing queued returns 0 before the non-blocking check) and "
            "freebsd/netinet/udp_usrreq.c:379-387 (a datagram that finds no room is dropped) (FreeBSD 13)",
        ),
        "shut_rd_recv_error": (
            None,
            "FreeBSD 12.2 recv(2) section RETURN VALUES (0 once no more data can be received)",
        ),
        "shut_rd_wakes_waiting": (
            True,
            "F-Stack/f-stack@5cb586b5 freebsd/kern/uipc_socket.c:2853-2854, 2869-2890 (FreeBSD 13: SHUT_RD calls "
            "sorflush, whose socantrcvmore wakes the reader)",
        ),
        "send_takes_whole": (
            False,
            "F-Stack/f-stack@5cb586b5 freebsd/kern/uipc_syscalls.c:805-818 (FreeBSD 13: a send that took some bytes "
            "before it would block returns the count taken)",
        ),
        "reset_error_sticky": (
            False,
            "F-Stack/f-stack@5cb586b5 freebsd/kern/uipc_socket.c:1958-1979 (FreeBSD 13: soreceive_generic reports a "
            "pending so_error once, clearing it, then 0 while the socket cannot receive more)",
        ),
        "accept_inherits_nonblock": (
            False,
            "FreeBSD accept(2) (October 9, 2014; freebsd-manpages 12.2): accept() inherits O_NONBLOCK, but accept4(), "
            "in FreeBSD since 10.0, takes it from SOCK_NONBLOCK; python/cpython@v3.13.5 Modules/socketmodule.c:2919-2932 "
            "(sock_accept calls accept4(fd, ..., SOCK_CLOEXEC) wherever HAVE_ACCEPT4 and SOCK_CLOEXEC are defined) and "
            "configure.ac:5113-5114 (accept4 is probed on every platform): so CPython's accept on FreeBSD makes a "
            "blocking descriptor (corrected 2026-11-23: this said True, from accept() alone)",
        ),
        "accept_inherits_nodelay": (
            True,
            "F-Stack/f-stack@5cb586b5 freebsd/netinet/tcp_syncache.c:1057 (FreeBSD 13, vendored by F-Stack: "
            "syncache_socket gives the new tcpcb the listener's TF_NOPUSH and TF_NODELAY)",
        ),
        "accept_copies": (
            dict.fromkeys((*_ACCEPT_COPIES_BSD, "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT"), True),
            "FreeBSD 13 (F-Stack/f-stack@5cb586b5 freebsd/) kern/uipc_socket.c:723, 736, 759 (sonewconn: the listener's "
            "so_linger, its buffer sizes (soreserve: SO_SNDBUF, SO_RCVBUF) and its so_options, which hold "
            "SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_BROADCAST, SO_OOBINLINE and SO_LINGER's flag), "
            "netinet/tcp_syncache.c:1112-1115 (t_keepinit, t_keepidle, t_keepintvl, t_keepcnt from the listener's "
            "tcpcb); IPV6_V6ONLY: not known",
        ),
    },
)

# Winsock's table for a second bind to a specific address another socket holds (the page in
# the source below): (first socket's mode, second's) -> errno name, None for success.
_WINSOCK_BIND: Mapping[tuple[str, str], Optional[str]] = {
    ("none", "none"): "EADDRINUSE",
    # Winsock's table says INUSE; the kernel-mode (WSK) table says DENIED (EACCES): see the source.
    ("reuse", "none"): "EADDRINUSE",
    ("excl", "none"): "EADDRINUSE",
    ("none", "reuse"): "EACCES",
    ("reuse", "reuse"): None,
    ("excl", "reuse"): "EACCES",
    ("none", "excl"): "EADDRINUSE",
    ("reuse", "excl"): "EADDRINUSE",
    ("excl", "excl"): "EADDRINUSE",
}

WINDOWS = _p(
    "windows",
    {
        **_KQUEUE_NONE,
        **_HOST,
        "pipes": (WINDOWS_PIPES, "sockbehave/sim/pipefacts.py (PipeFacts.sources names the source of each fact)"),
        "unix_pairs": (
            None,
            "Lib/socket.py (CPython 3.11): on Windows socketpair() is the Python fallback, a connected pair of "
            "loopback TCP sockets (AF_INET by default)",
        ),
        "unix_dgrams": (
            None,
            "python/cpython@v3.13.5 Modules/socketmodule.h:90-94 (without sys/un.h AF_UNIX is undefined: Windows' "
            "CPython has no AF_UNIX sockets)",
        ),
        "urgent": (WINDOWS_URGENT, "sockbehave/sim/urgentfacts.py (UrgentFacts.sources names the source of each fact)"),
        "errnos": (_WINDOWS_ERRNO, _ERRNO_SOURCES["windows"]),
        "errno_aliases": (
            {"EAGAIN": "EWOULDBLOCK"},
            "CPython on Windows names 10035 WSAEWOULDBLOCK (errno.errorcode); Winsock has no EAGAIN",
        ),
        "sets_winerror": (
            True,
            "CPython Modules/socketmodule.c set_error: PyErr_SetExcFromWindowsErr(WSAGetLastError())",
        ),
        "exception_errnos": (
            {"EINTR": 4, "EBADF": 9, "EACCES": 13, "EFAULT": 14, "EINVAL": 22, "EMFILE": 24},
            "python/cpython@121bcec508a0862018964e8d7d6ea4ea7e2d4700 PC/errmap.h winerror_to_errno (Winsock codes "
            "are errno values, except WSAEINTR, WSAEBADF, WSAEACCES, WSAEFAULT, WSAEINVAL and WSAEMFILE: the code "
            "less 10000), which Objects/exceptions.c oserror_parse_args applies to every winerror since "
            "python/cpython#90931 (bpo-46775; 3.9.13, 3.10.5, 3.11)",
        ),
        "missing_options": (
            ("SO_REUSEPORT",),
            "MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/sol-socket-socket-options.md:25-73 "
            "(no SO_REUSEPORT among the SOL_SOCKET options); python/cpython@v3.13.5 Modules/socketmodule.c:7938-7939 "
            "(socket.SO_REUSEPORT exists only where the headers define it)",
        ),
        "listen_needs_bind": (
            True,
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-listen (WSAEINVAL: the socket has not been bound); "
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:4216-4219 (ok: listen on an unbound TCP socket fails with WSAEINVAL)",
        ),
        "send_unconnected_error": (
            "ENOTCONN",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-send (WSAENOTCONN)",
        ),
        "nonblocking_connect_error": (
            "EAGAIN",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-connect (WSAEWOULDBLOCK); "
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:8815-8817 (ok: a non-blocking connect on loopback fails with WSAEWOULDBLOCK); CPython socketmodule.c SOCK_INPROGRESS_ERR",
        ),
        "ephemeral_ports": (
            (49152, 65535),
            "https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/default-dynamic-port-range-tcpip-chang",
        ),
        "somaxconn": (
            2147483647,
            "winsock2.h SOMAXCONN = 0x7fffffff (as in wine-mirror/wine@wine-10.0 include/winsock2.h:433): the provider picks a reasonable maximum",
        ),
        "backlog_zero_means_max": (False, "inferred: the listen page does not say what backlog 0 means"),
        "backlog_num": (1, "inferred from the listen page: the backlog is the maximum length of the pending queue"),
        "backlog_den": (1, "inferred from the listen page"),
        "backlog_extra": (0, "inferred from the listen page; not observed"),
        "backlog_overflow": (
            "refuse",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-listen: a full backlog refuses with WSAECONNREFUSED",
        ),
        "refused_after": (
            2.0,
            "libuv/libuv#2896, curl/curl#14144: about 2 s of SYN retries before WSAECONNREFUSED, even on loopback; "
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:8469-8471 (comment: even on w10pro64 a refused connect takes over 2 seconds to be reported)",
        ),
        "connect_give_up_after": (
            21.0,
            "SciQLop/speasy#344: measured 21 s connect ceiling with MaxSynRetransmissions = 4 on CI runners",
        ),
        "time_wait": (
            120.0,
            "https://learn.microsoft.com/en-us/troubleshoot/windows-client/networking/tcp-ip-port-exhaustion-troubleshooting (TcpTimedWaitDelay default 120 s); "
            "curl/curl#8528 says 30 s; not re-checked, and no catalog step depends on it (time_wait_bind is nobody)",
        ),
        "time_wait_bind": (
            "nobody",
            "inferred: joyent/libuv#1360 (a libuv maintainer: sockets in TIME_WAIT are not checked when binding), curl/curl#8528 "
            "(bind() returns 0 with the port in TIME_WAIT); using-so-reuseaddr-and-so-exclusiveaddruse.md:136 names only "
            "SO_EXCLUSIVEADDRUSE sockets as blocked by a lingering connection",
        ),
        "live_bind_table": (
            _WINSOCK_BIND,
            "MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/using-so-reuseaddr-and-so-exclusiveaddruse.md:155-230 "
            "(Windows Server 2003 and later, the Specific rows and columns); wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:2293-2302, 2326-2334, 2489-2490 and the "
            "SO_EXCLUSIVEADDRUSE table at 2140-2247 run by 2570-2609 agree where they assert an error code. (reuse, none) follows "
            "Winsock's table (INUSE); the kernel-mode table, https://learn.microsoft.com/en-us/windows-hardware/drivers/network/"
            "sharing-transport-addresses, says DENIED (EACCES) there, and Wine's test (2326-2327) only asserts that it fails",
        ),
        "reuseaddr_shares_nonlistening": (False, "the Winsock table decides instead"),
        "reuse_binds_exact_only": (False, "the Winsock table decides instead"),
        "close_with_unread": (
            "rst",
            "MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/winsock-tracing-event-details.md:141-149 "
            "(AFD aborts a connection whose socket is closed with unread receive data buffered)",
        ),
        "shut_rd_queued": (
            None,
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown (Remarks: with SD_RECEIVE, "
            "data still queued, or arriving later, resets the connection); what each end then reports is not "
            "documented",
        ),
        "getpeername_errors": (
            (None, None),
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:9514-9567 (test_shutdown, run on Windows: after "
            "shutdown(SD_BOTH) on both ends of a loopback connection, getpeername succeeds on each and gives the other "
            "end's address); once the connection is reset or closed: not documented (the getpeername page lists "
            "WSAENOTCONN for a socket that is not connected), so not modelled",
        ),
        "shut_rd_arriving": (
            None,
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown (Remarks: data arriving "
            "after SD_RECEIVE resets the connection); what each end then reports is not documented",
        ),
        "reset_error_established": (
            "ECONNRESET",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recv (WSAECONNRESET); "
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:10730-10742 (ok: WSARecv after the peer's abortive close fails with WSAECONNRESET)",
        ),
        "reset_error_close_wait": (
            "ECONNABORTED",
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:9572-9588 (ok on Windows, todo_wine: after the peer's FIN, one send and the peer's RST, recv fails with WSAECONNABORTED)",
        ),
        "send_error_order": (
            "error-first",
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:13821-13824 (ok: send after a reset fails with the reset's WSAECONNRESET)",
        ),
        "send_after_close_error": (
            "ECONNRESET",
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:13821-13824 and 10619-10628 (ok: sends after a reset fail with WSAECONNRESET). Winsock keeps the reset error "
            "for every later call; the simulator reports a pending error once, so this is what later sends get",
        ),
        "recv_eof_before_error": (
            False,
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:9582-9588 (ok: recv after the peer's FIN and a later RST fails instead of returning 0)",
        ),
        "send_after_shutdown_error": (
            "ESHUTDOWN",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown (WSAESHUTDOWN); "
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:9436-9439 (ok: send after shutdown(SD_SEND) fails with WSAESHUTDOWN)",
        ),
        "closed_socket_error": (
            "ENOTSOCK",
            "CPython on Windows: a closed socket has an invalid handle, Winsock answers WSAENOTSOCK; "
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:6324-6327 (ok: WSASend on INVALID_SOCKET fails with WSAENOTSOCK)",
        ),
        "udp_truncation": (
            "error",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom (WSAEMSGSIZE, excess data lost)",
        ),
        "udp_max_ipv4": (
            65507,
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-sendto (WSAEMSGSIZE); RFC 791; "
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:5259-5263 (ok: SO_MAX_MSG_SIZE of a UDP/IPv4 socket is 65507, or 65527 on some versions); "
            "MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/sol-socket-socket-options.md:50 "
            "(SO_MAX_MSG_SIZE is the maximum outbound message size)",
        ),
        "udp_max_ipv6": (65527, "inferred from RFC 8200; not documented for Winsock"),
        "udp_max_is_sndbuf": (None, "not known: no source says whether SO_SNDBUF limits a datagram's size on Windows"),
        "icmp_unreachable_to": (
            "all",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom (WSAECONNRESET: on a UDP socket a "
            "previous send drew an ICMP Port Unreachable; recvfrom is used on unconnected sockets); the SIO_UDP_CONNRESET entry "
            "of winsock-ioctls says reporting can be switched off but gives no default",
        ),
        "icmp_unreachable_error": (
            "ECONNRESET",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recv and nf-winsock-recvfrom (Return value: WSAECONNRESET)",
        ),
        "tcp_sndbuf": (
            65536,
            "inferred: Winsock default SO_SNDBUF; autotuning not modelled. A send that finds the buffer not full takes "
            "all of its data (send_takes_whole)",
        ),
        "tcp_rcvbuf": (65536, "inferred: Winsock default SO_RCVBUF; autotuning not modelled"),
        "udp_rcvbuf": (65536, "inferred: Winsock default SO_RCVBUF"),
        "rcvbuf_set_factor": (
            1,
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:1301-1318 (ok: SO_RCVBUF set to 4096 or 0 reads back unchanged)",
        ),
        "v6only_default": (
            1,
            "https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ipv6-socket-options (IPV6_V6ONLY on by default); "
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:7347-7350 (ok: a new AF_INET6 TCP socket reports IPV6_V6ONLY = 1)",
        ),
        "linger_format": (
            "HH",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/ns-winsock-linger (u_short l_onoff, l_linger)",
        ),
        "option_on_value": (
            {
                **dict.fromkeys(("SO_REUSEADDR", "SO_BROADCAST", "SO_KEEPALIVE", "TCP_NODELAY"), 1),
                **dict.fromkeys(("SO_EXCLUSIVEADDRUSE", "SO_LINGER", "IPV6_V6ONLY", "SO_OOBINLINE")),
            },
            _WINE_OPTSIZE
            + ":1185-1232 with 1667-1706 (test_optsize: SO_REUSEADDR, SO_BROADCAST, SO_KEEPALIVE and TCP_NODELAY set "
            "to 1 read back 1), 1630-1634 and 1661-1662 (SO_REUSEADDR and SO_BROADCAST set to 0x100 read back 1), "
            "5169-5176 and 5213-5219 (read through a zeroed int, as CPython reads them); SO_EXCLUSIVEADDRUSE, SO_LINGER's "
            "l_onoff and IPV6_V6ONLY: not known (a run on Windows would settle them)",
        ),
        "one_byte_options": (
            frozenset({"SO_KEEPALIVE", "TCP_NODELAY"}),
            _WINE_OPTSIZE
            + ":1205 and 1213 (both read back one byte), 1452-1458 (TCP_NODELAY set to 0x100 reads back 0: off), "
            "1630-1632 with 1661 (SO_KEEPALIVE likewise); what a first byte other than 0 or 1 reads back is not tested",
        ),
        "linger_kept_when_off": (None, "not known: the linger structure page does not say what l_linger is kept"),
        "notsent_lowat": (
            False,
            "not modelled: Winsock's IPPROTO_TCP options are not known here to include TCP_NOTSENT_LOWAT",
        ),
        "acceptconn_listening": (
            1,
            "MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/"
            'socket-options-and-ioctls-2.md:29-35 (SO_ACCEPTCONN: a BOOL, "Socket is listening", FALSE unless listen '
            "has been performed)",
        ),
        "identity_options": ({}, "not modelled: Windows' CPython has neither socket.SO_DOMAIN nor SO_PROTOCOL"),
        "keepalive_tunables": (
            dict.fromkeys(("TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT")),
            "not known: MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/"
            "ipproto-tcp-socket-options.md:64-68, 99-120 give no default and no accepted range (TCP_KEEPCNT above 255 "
            "is 'illegal', with no error named)",
        ),
        "broadcast_without_flag_error": (
            "EACCES",
            "MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/"
            "windows-sockets-error-codes-2.md:30 (WSAEACCES: sendto a broadcast address without SO_BROADCAST set)",
        ),
        "loopback_broadcast": (
            None,
            "not known: no source says whether 127.255.255.255 is a broadcast address on Windows",
        ),
        "select_empty_error": (
            "EINVAL",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-select (WSAEINVAL when no set"
            " holds a socket); https://docs.python.org/3/library/select.html#select.select (three empty lists do not"
            " work on Windows)",
        ),
        "select_non_socket_error": (
            "ENOTSOCK",
            "MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/windows-sockets-error-codes-2.md:37 "
            "(WSAENOTSOCK: for select, a member of an fd_set was not valid); "
            "https://docs.python.org/3/library/select.html#select.select (on Windows select is WinSock's and does not "
            "handle file descriptors that don't originate from WinSock)",
        ),
        "selector_select_merges_exceptional": (True, _SELECTOR_MERGE),
        "select_failed_connect": (
            "except",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-select (exceptfds: a"
            " nonblocking connect that failed; writefds: one that succeeded)",
        ),
        "short_option_error": (
            "EFAULT",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-setsockopt (WSAEFAULT: optlen too small)",
        ),
        "bind_address_no_port": (
            False,
            "not modelled: a Linux option (ip(7)); the Winsock IPPROTO_IP options page has no IP_BIND_ADDRESS_NO_PORT",
        ),
        "netlink_sockets": (False, "netlink(7) is a Linux interface: Winsock's address families have no AF_NETLINK"),
        "null_optval": (
            None,
            "not modelled: the setsockopt page gives WSAEFAULT for an optval outside the process's memory or an "
            "optlen too small, but not what a NULL optval with optlen 0 does",
        ),
        "blocking_send_waits_for_all": (
            True,
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsasend (Remarks: a blocking "
            "socket blocks until all of the application buffer contents have been consumed); send is inferred to match",
        ),
        "send_error_after_partial": (
            "unknown",
            "not documented: the Winsock send page does not say what a reset after a partial blocking send returns",
        ),
        "hostname": ("SIM-WINDOWS", "deterministic by design: the simulated host's name (NetBIOS style, upper case)"),
        "hostname_addresses": (
            ("192.0.2.10",),
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/protocol.c:2573-2595, 2628-2637 (run on Windows: the "
            "computer name resolves to the adapters' addresses, the default route's first; to 127.0.0.1 only when "
            "no adapter has an address)",
        ),
        "localhost_addresses": (
            ("::1", "127.0.0.1"),
            "inferred: Windows' resolver answers localhost itself with ::1 and 127.0.0.1, IPv6 first (RFC 6724)",
        ),
        "gai_noname": (
            (11001, "getaddrinfo failed"),
            "WSAHOST_NOT_FOUND (winsock error codes page); '[Errno 11001] getaddrinfo failed' as CPython on Windows shows it",
        ),
        "gai_port_bits": (
            None,
            "not modelled: what Windows' getaddrinfo does with a numeric port above 65535 is not established here; "
            "getaddrinfo('127.0.0.1', 123456) there would settle it",
        ),
        "gai_bad_service": (None, "not modelled: as gai_port_bits, for port -1"),
        "gai_numericserv_name": (None, "not modelled: no source read for a service name with AI_NUMERICSERV"),
        "gai_v4mapped": (None, "not modelled: how that OS's getaddrinfo answers AI_V4MAPPED was not read"),
        "gai_bad_socktype": (None, "not modelled: no source read for an unknown socket type in getaddrinfo"),
        "gai_service_names": (False, "not modelled: how that OS's getaddrinfo answers a service name was not read"),
        "dns_no_answer": (
            None,
            "not modelled: how long the resolver waits for a nameserver that never answers, and what it then raises, is "
            "not established here for this OS; a lookup of a name on a host whose nameserver is unreachable would settle it",
        ),
        "errno_module_crt": (
            {"EAGAIN": 11, "EINVAL": 22, "EBADF": 9, "EFAULT": 14, "EACCES": 13},
            "CPython Modules/errnomodule.c on MS_WINDOWS: the socket names are redefined to their WSA numbers "
            "(errno.ECONNREFUSED == 10061); EAGAIN, EINVAL, EBADF, EFAULT keep the C runtime's numbers",
        ),
        "sys_platform": ("win32", "https://docs.python.org/3/library/sys.html#sys.platform"),
        "os_name": ("nt", "https://docs.python.org/3/library/os.html#os.name"),
        "asyncio_default_loop": (
            "ProactorEventLoop",
            "https://docs.python.org/3/library/asyncio-platforms.html#windows (ProactorEventLoop is the default "
            "on Windows since Python 3.8)",
        ),
        "tcp_recvfrom_address": (
            "unknown",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom: 'from' is ignored "
            "for connection-oriented sockets; what CPython then shows is not documented",
        ),
        # -- cross-thread --
        "close_wakes_blocked": (
            {"recv": "ENOTSOCK", "accept": "ENOTSOCK"},
            "inferred: https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket "
            "(Remarks: pending blocking calls are canceled) and the Windows Sockets 2 specification section 2.7 "
            "(the blocking call fails with WSAEINTR); CPython retries a call failing with WSAEINTR "
            "(Modules/socketmodule.c sock_call_ex, CHECK_ERRNO(EINTR)) on the closed socket's INVALID_SOCKET, "
            "which fails WSAENOTSOCK",
        ),
        "listener_shutdown": (
            "enotconn",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown (Return value: "
            "WSAENOTCONN when the socket is not connected, which a listening socket is not)",
        ),
        "delayed_ack": (
            0.2,
            "MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/tcp-ip-characteristics-2.md:19 "
            "(delayed ACKs wait up to 200 ms)",
        ),
        "quick_acks": (
            0,
            "inferred: MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/"
            "tcp-ip-specific-issues-2.md:29-31 (send-send-receive costs RTT + 200 ms, with no quick-ACK phase described)",
        ),
        "quick_acks_end_on_reply": (False, "inferred: no quick-ACK phase (see quick_acks)"),
        "loopback_mss": (65495, "inferred: the Windows loopback interface's MTU is reported as 65535 (netsh), less 40"),
        # tutorial-claims
        "time_wait_connect": (
            "unknown",
            "not documented: the Winsock connect and SO_REUSEADDR pages do not say what connect() from a port whose "
            "pair is in TIME_WAIT does",
        ),
        "connect_after_unreported_failure": (
            "unknown",
            "not documented: the Winsock connect page says only that error codes from repeated connect calls "
            "while a connection is pending vary among implementations, and advises against using them",
        ),
        "stdlib_names": (
            {
                **{name: False for name in _STDLIB_POSIX if name not in _UNIX_NAMES or sys.version_info < (3, 14)},
                "socketserver.ThreadingTCPServer": True,
                "select.epoll": False,
                "select.kqueue": False,
                **_LINUX_ONLY,
                "socket.SO_BINDTODEVICE": False,
            },
            "https://docs.python.org/3/library/os.html#os.fork (Availability: POSIX: not on Windows); "
            + _SOCKETSERVER_FORK
            + "; "
            + _READINESS_APIS
            + "; "
            + _SIGNAL_APIS
            + "; "
            + _SOCKET_MSG_APIS
            + "; "
            + _NO_AF_UNIX
            + "; "
            + _LINUX_ONLY_SOURCE
            + "; https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options (no SO_BINDTODEVICE)",
        ),
        # stack-limits
        "tcp_buffers_fresh": (
            (65536, 65536),
            "inferred, as tcp_rcvbuf and tcp_sndbuf: Winsock documents no default; not confirmed on Windows",
        ),
        "tcp_buffers_connected": (None, "not known: no source says what a connected socket reports"),
        "sndbuf_set_factor": (
            1,
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:1291-1299 (SO_SNDBUF set to 4096 reads back 4096)",
        ),
        "sockbuf_minimums": (
            (0, 0),
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:1301-1318 (SO_RCVBUF set to 0 reads back 0) and "
            "5172-5173, 5212-5219 (SO_SNDBUF 0x123 reads back 0x123); that SO_SNDBUF has no minimum at all is inferred",
        ),
        "sockbuf_maximums": (
            None,
            "not documented: Microsoft's SOL_SOCKET socket options page (SO_RCVBUF, SO_SNDBUF) and setsockopt page "
            "give none, and wine-mirror/wine tests set at most 4096 (dlls/ws2_32/tests/sock.c:1291-1318, wine-9.7); "
            "a larger size is stored as given (inferred)",
        ),
        "sockbuf_out_of_range": (
            None,
            "not documented: a negative size is not modelled (the setsockopt page's WSAEINVAL names only an "
            "invalid optval)",
        ),
        "syn_retry_waits": (
            (1.0,),
            "not known for Windows: the simulator keeps https://datatracker.ietf.org/doc/html/rfc6298 (section 2: an "
            "initial 1 s, doubled on each retry); Windows refuses a full accept queue (backlog_overflow), so no catalog "
            "scenario depends on it",
        ),
        "v4mapped_bind_v6only_error": (
            None,
            "not known: https://learn.microsoft.com/en-us/windows/win32/winsock/dual-stack-sockets says only that it fails",
        ),
        # per-call flags
        "recv_flags": (
            ("MSG_PEEK",),
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-recv (flags: MSG_PEEK, MSG_OOB, "
            "MSG_WAITALL; there is no MSG_DONTWAIT, and Windows CPython's socket module has none)",
        ),
        "send_flags": (
            (),
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-send (flags: MSG_DONTROUTE, "
            "MSG_OOB only)",
        ),
        # descriptor flags
        "socket_descriptor_flags": (
            False,
            "https://docs.python.org/3/library/fcntl.html (Availability: Unix: Windows' CPython has no fcntl module); "
            "https://docs.python.org/3/library/os.html#os.set_blocking (on Windows only for pipes, since 3.12); "
            "python/cpython@v3.13.0 Lib/socket.py:531 (on Windows socket.get_inheritable uses os.get_handle_inheritable: "
            "a socket is a handle, not a C descriptor): not modelled",
        ),
        "socket_fchmod": (
            None,
            "not modelled: a Windows socket is a handle, not a C descriptor (see socket_descriptor_flags)",
        ),
        "socket_file_io": (
            None,
            "python/cpython@v3.13.0 Lib/socket.py:531 (on Windows a socket is a handle, not a C runtime descriptor: "
            "os.read, os.write and os.fstat take C runtime descriptors); what they do with a socket's number there is "
            "not modelled",
        ),
        "udp_shutdown_unconnected": (
            "shut",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown (Return value: "
            "WSAENOTCONN applies only to a connection-oriented socket); wine-mirror/wine@wine-10.0 "
            "dlls/ws2_32/tests/sock.c:9678-9699 (run on Windows: SD_RECEIVE and SD_SEND on unconnected UDP sockets "
            "succeed, and a later sendto fails with WSAESHUTDOWN)",
        ),
        "udp_shut_rd": (
            "refuse",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown (SD_RECEIVE: later recv "
            "calls are disallowed; for UDP sockets incoming datagrams are accepted and queued); "
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recv (WSAESHUTDOWN after "
            "shutdown with SD_RECEIVE or SD_BOTH); wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:9665-9688 (run "
            "on Windows: SD_RECEIVE on a bound, unconnected UDP socket succeeds, its recvfrom then fails with "
            "WSAESHUTDOWN, and a datagram sent to it is accepted); whether a recv already waiting wakes, and what "
            "select reports then, are not documented (NotImplementedError; a run on Windows would settle it)",
        ),
        "shut_rd_recv_error": (
            "ESHUTDOWN",
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:9446-9453 and 9614-9617 (run on Windows: a recv after "
            "shutdown(SD_RECEIVE) fails with WSAESHUTDOWN, even after the peer's FIN); "
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recv (WSAESHUTDOWN)",
        ),
        "shut_rd_wakes_waiting": (
            False,
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:9602-9628 (run on Windows: a receive pending when "
            "shutdown(SD_RECEIVE) is called is not cancelled and completes with the data the peer sends later); "
            "epics-base/epics-base@R7.0.8.1 modules/libcom/test/blockingSockTest.cpp:266-292 (run on Windows in "
            "EPICS's CI: a recv blocked in another thread is still blocked 1 s after shutdown(SHUT_RDWR))",
        ),
        "send_takes_whole": (
            True,
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:14316-14324 (test_send_buffering, run on Windows: "
            "non-blocking sends of 50 MiB to a peer that does not read each return the full 50 MiB until one fails "
            "with WSAEWOULDBLOCK, and at least one succeeds)",
        ),
        "reset_error_sticky": (
            True,
            "wine-mirror/wine@wine-10.0 dlls/ws2_32/tests/sock.c:13816-13824 (test_tcp_reset, run on Windows: after the "
            "reset failed a pending receive, a new WSARecv and a send both fail with WSAECONNRESET) and 9582-9588 "
            "(after the peer's FIN, a send and the peer's RST, recv fails with WSAECONNABORTED rather than returning 0)",
        ),
        "accept_inherits_nonblock": (
            True,
            "inferred: https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-accept (Remarks: the "
            "new socket has the same properties as the listening socket, including the events WSAAsyncSelect or "
            "WSAEventSelect registered, which themselves make a socket non-blocking; MicrosoftDocs/sdk-api@ea42082f "
            "sdk-api-src/content/winsock2/nf-winsock2-accept.md) and tokio-rs/mio#1247 (mio's Windows accept relies on "
            "the accepted socket inheriting the listener's non-blocking mode, from those Remarks); the page does not "
            "name FIONBIO, and a run on Windows would settle it",
        ),
        "accept_inherits_nodelay": (
            None,
            "not known: https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-accept says the new "
            "socket has the same properties as the listening one without naming TCP_NODELAY, and Wine's sock.c tests "
            "do not check it",
        ),
        "accept_copies": (
            dict.fromkeys(_ACCEPT_COPIES_WINDOWS, True),
            "inferred from https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-accept (Remarks: "
            "the new socket has the same properties as the listening socket), taken to cover the SOL_SOCKET options; "
            "the TCP-level keepalive times and IPV6_V6ONLY: not known (a run on Windows would settle them)",
        ),
        "os_sendfile": (
            False,
            _OS_SENDFILE + "; python/cpython@v3.13.0 Lib/socket.py:414-417 (without it socket.sendfile gives up on "
            "os.sendfile at once: 'os.sendfile() not available on this platform')",
        ),
        "wakeup_fd_must_be_nonblocking": (
            False,
            "python/cpython@v3.13.5 Modules/signalmodule.c:788-792 (signal_set_wakeup_fd on Windows: a socket is "
            "accepted without a test of its mode, since Windows has no function to read it)",
        ),
    },
)

PROFILES: Mapping[str, Profile] = MappingProxyType({p.name: p for p in (LINUX, DARWIN, FREEBSD, WINDOWS)})


T = TypeVar("T")


def once_per_profile(cache: dict[int, tuple[Profile, T]], profile: Profile, make: Callable[[], T]) -> T:
    """``make()``'s value for ``profile``, made once: ``cache`` is keyed by ``id(profile)`` and
    keeps the profile, so an id is never reused while its entry lives (profiles are not hashable)."""
    cached = cache.get(id(profile))
    if cached is None or cached[0] is not profile:
        cached = cache[id(profile)] = (profile, make())
    return cached[1]


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        from ..errors import InputError

        raise InputError(f"sim: unknown profile {name!r} (choose from {', '.join(PROFILES)})") from None
