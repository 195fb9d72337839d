"""Per-OS profiles for the simulator: every OS-specific number and rule, each with its source.

Owns: the data that makes the simulated stack behave like Linux, macOS, FreeBSD or Windows.
The kernel reads these fields and never branches on an OS name. ``Profile.sources`` names a
source for every field; ``Profile.__post_init__`` refuses a profile with an unsourced field.
Where a value is inferred rather than documented, its source says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Optional

__all__ = ["PROFILES", "Profile", "get_profile"]

Errnos = Mapping[str, tuple[int, str]]

_LINUX_ERRNO: Errnos = {
    "EPERM": (1, "Operation not permitted"),
    "EBADF": (9, "Bad file descriptor"),
    "EAGAIN": (11, "Resource temporarily unavailable"),
    "EACCES": (13, "Permission denied"),
    "EINVAL": (22, "Invalid argument"),
    "EPIPE": (32, "Broken pipe"),
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
    "EBADF": (9, "Bad file descriptor"),
    "EACCES": (13, "Permission denied"),
    "EINVAL": (22, "Invalid argument"),
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
    "EFAULT": (14, "Bad address"),
    "ENETUNREACH": (51, "Network is unreachable"),
    "EHOSTUNREACH": (65, "No route to host"),
}
# macOS numbers EOPNOTSUPP 102 (ENOTSUP is 45 there).
_DARWIN_ERRNO: Errnos = {**_BSD_ERRNO, "EOPNOTSUPP": (102, "Operation not supported on socket")}

_WINDOWS_ERRNO: Errnos = {
    # CPython on Windows raises OSError with errno == winerror == the WSA code; WSAEACCES is the
    # exception: it is mapped to EACCES (13), hence PermissionError (research notes, item 8).
    "EACCES": (13, "An attempt was made to access a socket in a way forbidden by its access permissions"),
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
    #: CPython sets ``winerror`` too (Windows only).
    sets_winerror: bool
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
    #: close() with unread received data: "rst" or "fin" (discarding the data).
    close_with_unread: str
    #: The error an RST leaves pending, by the receiver's state.
    reset_error_established: str
    reset_error_close_wait: str
    #: send() after the connection is gone: report the pending error first ("error-first",
    #: Linux sk_err) or the can't-send-more state first ("cantsend-first", BSD sosend).
    send_error_order: str
    #: recv() after the peer's FIN and a later RST: end of stream first (True) or the error.
    recv_eof_before_error: bool
    #: send() when nothing more can be sent and no error is pending.
    send_after_close_error: str
    #: send() after our own shutdown(SHUT_WR).
    send_after_shutdown_error: str
    #: Error for any call on a closed socket object.
    closed_socket_error: str
    #: recv with a buffer smaller than the datagram: "truncate" or "error" (datagram consumed either way).
    udp_truncation: str
    #: Largest UDP payload sendto() accepts, IPv4 and IPv6.
    udp_max_ipv4: int
    udp_max_ipv6: int
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
    #: setsockopt with a buffer shorter than the option's C type.
    short_option_error: str
    #: A blocking send() on TCP (no timeout) waits until every byte is queued (True), or
    #: returns after queuing what fits (False). With a timeout CPython waits for room, then
    #: makes one non-blocking send, so a short count is possible on every OS.
    blocking_send_waits_for_all: bool
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
    #: What ``getaddrinfo("localhost", ...)`` returns, in order (AF_UNSPEC).
    localhost_addresses: tuple[str, ...]
    #: ``socket.gaierror`` for a name that does not resolve: (errno, message).
    gai_noname: tuple[int, str]
    #: Names whose number in the ``errno`` module differs from the socket error of that name
    #: (Windows: the C runtime's EINVAL is 22, the socket error WSAEINVAL is 10022).
    errno_module_crt: Mapping[str, int]
    #: ``sys.platform`` and ``os.name`` on that OS (shown only with ``platform=True``).
    sys_platform: str
    os_name: str
    #: The address recvfrom()/recvmsg() give on a TCP socket: "none" (``None``) or "unknown".
    tcp_recvfrom_address: str
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [f.name for f in fields(self) if f.name not in ("name", "sources") and not self.sources.get(f.name)]
        if missing:
            raise ValueError(f"profile {self.name}: no source for {', '.join(missing)}")


def _p(name: str, values: dict[str, tuple[object, str]]) -> Profile:
    return Profile(
        name=name,
        sources=MappingProxyType({k: src for k, (_, src) in values.items()}),
        **{k: v for k, (v, _) in values.items()},  # type: ignore[arg-type]
    )


# The simulated host itself, the same on every profile.
_HOST: dict[str, tuple[object, str]] = {
    "offhost_route": (
        "blackhole",
        "inferred: a host with a default route sends the SYN to a foreign address; nothing in the simulation answers",
    ),
    "lan_address": ("192.0.2.10", "deterministic by design: RFC 5737 TEST-NET-1 stands for the LAN address"),
}

LINUX = _p(
    "linux",
    {
        **_HOST,
        "errnos": (_LINUX_ERRNO, _ERRNO_SOURCES["linux"]),
        "sets_winerror": (False, "CPython Objects/exceptions.c: winerror exists only on Windows"),
        "errno_aliases": ({}, "errno(3): EWOULDBLOCK is EAGAIN on Linux; Python's errno.errorcode names 11 EAGAIN"),
        "missing_options": (
            ("SO_EXCLUSIVEADDRUSE",),
            "socket(7), ipv6(7): SO_REUSEPORT exists since 3.9; SO_EXCLUSIVEADDRUSE is Windows-only",
        ),
        "listen_needs_bind": (False, "inet_listen autobinds an unbound socket (inet_csk_get_port with port 0)"),
        "nonblocking_connect_error": (
            "EINPROGRESS",
            "connect(2) ERRORS: EINPROGRESS; research notes item 15 (observed)",
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
        "close_with_unread": ("rst", "net/ipv4/tcp.c __tcp_close (RFC 2525 2.17); observed here"),
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
        "icmp_unreachable_to": ("connected", "udp(7) ERRORS; observed by udp.*-port-unreachable here"),
        "icmp_unreachable_error": ("ECONNREFUSED", "udp(7): ICMP port unreachable is reported as ECONNREFUSED"),
        "tcp_sndbuf": (4194304, "tcp(7) tcp_wmem max default 4194304; observed here"),
        "tcp_rcvbuf": (6291456, "tcp(7) tcp_rmem max default 6291456"),
        "udp_rcvbuf": (212992, "socket(7) rmem_default 212992; observed here"),
        "rcvbuf_set_factor": (2, "socket(7) SO_RCVBUF: the kernel doubles the value"),
        "v6only_default": (0, "ipv6(7) IPV6_V6ONLY default from net.ipv6.bindv6only = 0; observed here"),
        "linger_format": ("ii", "socket(7): struct linger { int l_onoff; int l_linger; }"),
        "short_option_error": (
            "EINVAL",
            "net/core/sock.c sk_setsockopt: optlen < sizeof(int) or < sizeof(struct linger) -> EINVAL",
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
        "errno_module_crt": ({}, "CPython Modules/errnomodule.c: the errno module has the C library's numbers"),
        "sys_platform": ("linux", "https://docs.python.org/3/library/sys.html#sys.platform"),
        "os_name": ("posix", "https://docs.python.org/3/library/os.html#os.name"),
        "tcp_recvfrom_address": (
            "none",
            "observed here: recvfrom on TCP returns (data, None) (the kernel fills no msg_name)",
        ),
    },
)

_BSD_COMMON: dict[str, tuple[object, str]] = {
    **_HOST,
    "sets_winerror": (False, "CPython Objects/exceptions.c: winerror exists only on Windows"),
    "errno_aliases": ({}, "sys/errno.h: EWOULDBLOCK is defined as EAGAIN (35)"),
    "missing_options": (
        ("SO_EXCLUSIVEADDRUSE",),
        "setsockopt(2): SO_REUSEPORT exists on the BSDs; SO_EXCLUSIVEADDRUSE is Windows-only",
    ),
    "listen_needs_bind": (False, "inferred: BSD tcp_usr_listen binds an unbound socket to an ephemeral port"),
    "send_unconnected_error": ("ENOTCONN", "FreeBSD send(2) ERRORS: ENOTCONN"),
    "nonblocking_connect_error": ("EINPROGRESS", "FreeBSD connect(2) ERRORS: EINPROGRESS"),
    "backlog_overflow": ("drop", "inferred: BSD tcp_input drops a SYN when sonewconn refuses"),
    "refused_after": (
        0.0,
        "inferred: research notes, macOS reports errno 61 at once; RFC 9293 3.10.7.1 (RST for a closed port)",
    ),
    "time_wait_bind": (
        "new",
        "research notes on xnu/FreeBSD in_pcbbind: TIME_WAIT conflicts only with a new socket without SO_REUSEADDR",
    ),
    "live_bind_table": (None, "FreeBSD setsockopt(2): duplicate bindings need SO_REUSEPORT on every socket"),
    "reuseaddr_shares_nonlistening": (
        False,
        "inferred from in_pcbbind: SO_REUSEADDR alone does not allow duplicate unicast bindings",
    ),
    "reset_error_established": ("ECONNRESET", "BSD tcp_input: RST sets so_error = ECONNRESET"),
    "reset_error_close_wait": (
        "ECONNRESET",
        "BSD tcp_input: RST sets so_error = ECONNRESET in every synchronized state",
    ),
    "send_error_order": ("cantsend-first", "FreeBSD sosend_generic checks SBS_CANTSENDMORE (EPIPE) before so_error"),
    "send_after_close_error": ("EPIPE", "FreeBSD send(2) ERRORS: EPIPE"),
    "recv_eof_before_error": (
        False,
        "FreeBSD sys/kern/uipc_socket.c soreceive: so_error is checked before SBS_CANTRCVMORE",
    ),
    "send_after_shutdown_error": ("EPIPE", "FreeBSD send(2) ERRORS: EPIPE"),
    "closed_socket_error": ("EBADF", "CPython Modules/socketmodule.c: a closed socket has fd -1, the OS answers EBADF"),
    "udp_truncation": ("truncate", "FreeBSD recv(2): excess bytes of a datagram are discarded (MSG_TRUNC)"),
    "udp_max_ipv4": (9216, "FreeBSD and xnu udp_usrreq.c udp_sendspace = 9216 (net.inet.udp.maxdgram)"),
    "udp_max_ipv6": (9216, "FreeBSD and xnu udp6_usrreq.c use udp_sendspace too"),
    "icmp_unreachable_to": (
        "connected",
        "research notes on BSD udp_ctlinput: ICMP errors only reach connected sockets",
    ),
    "icmp_unreachable_error": ("ECONNREFUSED", "BSD inetctlerrmap: PRC_UNREACH_PORT -> ECONNREFUSED"),
    "tcp_sndbuf": (131072, "inferred: net.inet.tcp.sendspace and autotuning; the exact maximum is not in the catalog"),
    "tcp_rcvbuf": (131072, "inferred: net.inet.tcp.recvspace and autotuning; the exact maximum is not in the catalog"),
    "rcvbuf_set_factor": (1, "research notes: SO_RCVBUF is stored as given on the BSDs"),
    "linger_format": ("ii", "sys/socket.h struct linger { int l_onoff; int l_linger; }"),
    "short_option_error": (
        "EINVAL",
        "FreeBSD and xnu uipc_socket.c sooptcopyin: a value shorter than the option's minimum -> EINVAL",
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
        "FreeBSD and macOS netdb.h EAI_NONAME = 8; gai_strerror(3)",
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
        **_BSD_COMMON,
        "errnos": (_DARWIN_ERRNO, _ERRNO_SOURCES["darwin"]),
        "ephemeral_ports": ((49152, 65535), "macOS defaults net.inet.ip.portrange.first/last = 49152/65535"),
        "somaxconn": (128, "xnu bsd/kern/uipc_socket.c somaxconn = SOMAXCONN (128); kern.ipc.somaxconn"),
        "backlog_zero_means_max": (True, "xnu solisten: backlog <= 0 or > somaxconn becomes somaxconn"),
        "backlog_num": (1, "xnu uipc_socket2.c sonewconn_internal, soqlimitcompat = 1 by default"),
        "backlog_den": (1, "xnu sonewconn_internal: refuses when so_qlen >= so_qlimit"),
        "backlog_extra": (0, "xnu sonewconn_internal: so_qlen counts incomplete and complete connections"),
        "connect_give_up_after": (75.0, "xnu tcp_timer.c tcp_keepinit = 75 s (net.inet.tcp.keepinit)"),
        "time_wait": (30.0, "xnu tcp_timer.h: 2 * MSL with net.inet.tcp.msl = 15000 ms"),
        "close_with_unread": (
            "rst",
            "research notes on xnu tcp_usrreq.c tcp_disconnect: data left in so_rcv drops the connection",
        ),
        "udp_rcvbuf": (786896, "xnu udp_usrreq.c udp_recvspace default; large enough for the catalog's datagrams"),
        "v6only_default": (0, "research notes: net.inet6.ip6.v6only = 0 on macOS"),
        "blocking_send_waits_for_all": (
            True,
            "xnu bsd/kern/uipc_socket.c sosend: without SS_NBIO or MSG_DONTWAIT it sleeps in sbwait until the whole uio is queued",
        ),
        "hostname": ("sim-darwin", "deterministic by design: the simulated host's name"),
        "sys_platform": ("darwin", "https://docs.python.org/3/library/sys.html#sys.platform"),
    },
)

FREEBSD = _p(
    "freebsd",
    {
        **_BSD_COMMON,
        "errnos": (_BSD_ERRNO, _ERRNO_SOURCES["freebsd"]),
        "ephemeral_ports": ((10000, 65535), "FreeBSD ip(4): net.inet.ip.portrange.first/last defaults 10000/65535"),
        "somaxconn": (128, "FreeBSD sys/kern/uipc_socket.c somaxconn = SOMAXCONN (kern.ipc.soacceptqueue)"),
        "backlog_zero_means_max": (False, "FreeBSD solisten_proto: only backlog < 0 or > somaxconn becomes somaxconn"),
        "backlog_num": (
            3,
            "FreeBSD listen(2): the queue is 1.5 x backlog; uipc_socket.c: sol_qlen > 3 * sol_qlimit / 2",
        ),
        "backlog_den": (2, "FreeBSD uipc_socket.c solisten_clone"),
        "backlog_extra": (1, "solisten_clone refuses only when sol_qlen > 3 * qlimit / 2, so one more fits"),
        "backlog_overflow": (
            "accept-then-reset",
            "inferred from FreeBSD tcp_syncache.c: the syncache answers the SYN; syncache_expand fails when the queue is full and resets (net.inet.tcp.syncache.rst_on_sock_fail = 1)",
        ),
        "connect_give_up_after": (75.0, "FreeBSD tcp_timer.c tcp_keepinit = 75 s (net.inet.tcp.keepinit)"),
        "time_wait": (60.0, "FreeBSD tcp_timer.h: 2 * MSL with net.inet.tcp.msl = 30000 ms"),
        "close_with_unread": ("fin", "research notes on FreeBSD tcp_usrreq.c tcp_disconnect: flushes so_rcv, then FIN"),
        "udp_rcvbuf": (42080, "FreeBSD udp_usrreq.c udp_recvspace = 40 * (1024 + sizeof(struct sockaddr_in6))"),
        "v6only_default": (1, "FreeBSD ip6(4): net.inet6.ip6.v6only = 1 by default"),
        "blocking_send_waits_for_all": (
            True,
            "FreeBSD sys/kern/uipc_socket.c sosend_generic: without SS_NBIO or MSG_DONTWAIT it sleeps in sbwait until the whole uio is queued",
        ),
        "hostname": ("sim-freebsd", "deterministic by design: the simulated host's name"),
        "sys_platform": (
            "freebsd14",
            "https://docs.python.org/3/library/sys.html#sys.platform (freebsd + major version)",
        ),
    },
)

# Winsock's table for a second bind to a specific address another socket holds (the page in
# the source below): (first socket's mode, second's) -> errno name, None for success.
_WINSOCK_BIND: Mapping[tuple[str, str], Optional[str]] = {
    ("none", "none"): "EADDRINUSE",
    ("reuse", "none"): "EACCES",
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
        **_HOST,
        "errnos": (_WINDOWS_ERRNO, _ERRNO_SOURCES["windows"]),
        "errno_aliases": (
            {"EAGAIN": "EWOULDBLOCK"},
            "CPython on Windows names 10035 WSAEWOULDBLOCK (errno.errorcode); Winsock has no EAGAIN",
        ),
        "sets_winerror": (
            True,
            "CPython Modules/socketmodule.c set_error: PyErr_SetExcFromWindowsErr(WSAGetLastError())",
        ),
        "missing_options": (
            ("SO_REUSEPORT",),
            "https://docs.python.org/3/library/socket.html#constants: SO_REUSEPORT is not available on Windows",
        ),
        "listen_needs_bind": (
            True,
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-listen (WSAEINVAL: the socket has not been bound)",
        ),
        "send_unconnected_error": (
            "ENOTCONN",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-send (WSAENOTCONN)",
        ),
        "nonblocking_connect_error": (
            "EAGAIN",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-connect (WSAEWOULDBLOCK); CPython socketmodule.c SOCK_INPROGRESS_ERR",
        ),
        "ephemeral_ports": (
            (49152, 65535),
            "https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/default-dynamic-port-range-tcpip-chang",
        ),
        "somaxconn": (2147483647, "winsock2.h SOMAXCONN = 0x7fffffff: the provider picks a reasonable maximum"),
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
            "libuv/libuv#2896, curl/curl#14144: about 2 s of SYN retries before WSAECONNREFUSED, even on loopback",
        ),
        "connect_give_up_after": (
            21.0,
            "SciQLop/speasy#344: measured 21 s connect ceiling with MaxSynRetransmissions = 4 on CI runners",
        ),
        "time_wait": (
            120.0,
            "https://learn.microsoft.com/en-us/troubleshoot/windows-client/networking/tcp-ip-port-exhaustion-troubleshooting (TcpTimedWaitDelay default 120 s)",
        ),
        "time_wait_bind": ("nobody", "libuv/libuv#1360, curl/curl#8528: Windows does not check TIME_WAIT at bind"),
        "live_bind_table": (
            _WINSOCK_BIND,
            "https://learn.microsoft.com/en-us/windows/win32/winsock/using-so-reuseaddr-and-so-exclusiveaddruse "
            "(second bind to a specific address another socket holds)",
        ),
        "reuseaddr_shares_nonlistening": (False, "the Winsock table decides instead"),
        "close_with_unread": ("rst", "libuv/libuv#3034: RST observed when closing with unread data"),
        "reset_error_established": (
            "ECONNRESET",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recv (WSAECONNRESET)",
        ),
        "reset_error_close_wait": ("ECONNRESET", "inferred: the recv page lists WSAECONNRESET for a reset circuit"),
        "send_error_order": ("error-first", "inferred: Winsock reports the reset on the next call"),
        "send_after_close_error": (
            "ECONNABORTED",
            "research notes: a send after the peer's RST usually gives WSAECONNABORTED (10053)",
        ),
        "recv_eof_before_error": (
            False,
            "inferred: the Winsock recv page lists WSAECONNRESET without saying what a prior FIN changes",
        ),
        "send_after_shutdown_error": (
            "ESHUTDOWN",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown (WSAESHUTDOWN)",
        ),
        "closed_socket_error": (
            "ENOTSOCK",
            "CPython on Windows: a closed socket has an invalid handle, Winsock answers WSAENOTSOCK",
        ),
        "udp_truncation": (
            "error",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom (WSAEMSGSIZE, excess data lost)",
        ),
        "udp_max_ipv4": (
            65507,
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-sendto (WSAEMSGSIZE); RFC 791",
        ),
        "udp_max_ipv6": (65527, "inferred from RFC 8200; not documented for Winsock"),
        "icmp_unreachable_to": (
            "all",
            "https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls (SIO_UDP_CONNRESET on by default)",
        ),
        "icmp_unreachable_error": (
            "ECONNRESET",
            "https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-ioctls (WSAECONNRESET)",
        ),
        "tcp_sndbuf": (65536, "inferred: Winsock default SO_SNDBUF; autotuning not modelled"),
        "tcp_rcvbuf": (65536, "inferred: Winsock default SO_RCVBUF; autotuning not modelled"),
        "udp_rcvbuf": (65536, "inferred: Winsock default SO_RCVBUF"),
        "rcvbuf_set_factor": (1, "research notes: Windows stores SO_RCVBUF as given"),
        "v6only_default": (
            1,
            "https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ipv6-socket-options (IPV6_V6ONLY on by default)",
        ),
        "linger_format": (
            "HH",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/ns-winsock-linger (u_short l_onoff, l_linger)",
        ),
        "short_option_error": (
            "EFAULT",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-setsockopt (WSAEFAULT: optlen too small)",
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
            "inferred: Windows resolves its own computer name to its interfaces' addresses (the LAN address)",
        ),
        "localhost_addresses": (
            ("::1", "127.0.0.1"),
            "inferred: Windows' resolver answers localhost itself with ::1 and 127.0.0.1, IPv6 first (RFC 6724)",
        ),
        "gai_noname": (
            (11001, "getaddrinfo failed"),
            "WSAHOST_NOT_FOUND (winsock error codes page); '[Errno 11001] getaddrinfo failed' as CPython on Windows shows it",
        ),
        "errno_module_crt": (
            {"EAGAIN": 11, "EINVAL": 22, "EBADF": 9, "EFAULT": 14, "EACCES": 13},
            "CPython Modules/errnomodule.c on MS_WINDOWS: the socket names are redefined to their WSA numbers "
            "(errno.ECONNREFUSED == 10061); EAGAIN, EINVAL, EBADF, EFAULT keep the C runtime's numbers",
        ),
        "sys_platform": ("win32", "https://docs.python.org/3/library/sys.html#sys.platform"),
        "os_name": ("nt", "https://docs.python.org/3/library/os.html#os.name"),
        "tcp_recvfrom_address": (
            "unknown",
            "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recvfrom: 'from' is ignored "
            "for connection-oriented sockets; what CPython then shows is not documented",
        ),
    },
)

PROFILES: Mapping[str, Profile] = MappingProxyType({p.name: p for p in (LINUX, DARWIN, FREEBSD, WINDOWS)})


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        from ..errors import InputError

        raise InputError(f"sim: unknown profile {name!r} (choose from {', '.join(PROFILES)})") from None
