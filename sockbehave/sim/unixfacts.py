"""Per-OS facts about AF_UNIX sockets, each with its source: stream socket pairs
(``socket.socketpair()``, ``Profile.unix_pairs``) and datagram sockets (``Profile.unix_dgrams``).

Owns: the data the kernel's socket-pair model reads (how much a pair holds or surely holds, the errors
of a pair whose other end is gone, what a close with unread data tells the other end, which
options an AF_UNIX socket refuses), and the data of the datagram model (``unixdgram``: the
longest datagram, when a receiver's queue is surely open or surely full, the errors) for each
profile. Data only: nothing here acts, and nothing branches on an OS name. Both classes'
``__post_init__`` refuses a value without a source, as ``Profile`` does.

A pair's capacity is not one number on any OS: Linux charges each write's buffers
(``skb->truesize``) against the sender's ``SO_SNDBUF``, which ``SkbCharge`` computes as Linux
does (so the Linux pair is exact); the BSDs shrink the sender's buffer as the receiver's fills
and count mbufs too, so there only what surely fits is modelled (``sure_*``), a write past it
is ``NotImplementedError``, as is asking whether an end past ``writable_*`` is writable.
``SkbCharge``'s method only computes; its numbers are the facts, with their source. Windows has no entry: its CPython's ``socketpair()`` is the loopback TCP pair of
``socket.py``'s fallback, which is what the simulation makes there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

from .sourced import build, require_sources

__all__ = [
    "BSD_UNIX_DGRAMS_DARWIN",
    "BSD_UNIX_DGRAMS_FREEBSD",
    "BSD_UNIX_PAIRS_DARWIN",
    "BSD_UNIX_PAIRS_FREEBSD",
    "LINUX_UNIX_DGRAMS",
    "LINUX_UNIX_PAIRS",
    "ScmRights",
    "SkbCharge",
    "UnixDgramFacts",
    "UnixPairFacts",
]


@dataclass(frozen=True)
class SkbCharge:
    """How Linux cuts an AF_UNIX stream write into socket buffers and charges each to the
    writer's SO_SNDBUF (``truesize``): a buffer's head, its pages, and the ``sk_buff`` itself."""

    skb: int  # SKB_DATA_ALIGN(sizeof(struct sk_buff))
    shinfo: int  # SKB_DATA_ALIGN(sizeof(struct skb_shared_info)), at the end of every head
    align: int  # SMP_CACHE_BYTES: SKB_DATA_ALIGN rounds a head up to it
    page: int  # PAGE_SIZE
    head_max: int  # SKB_MAX_HEAD(0): what a head holds before pages take the rest
    frags_max: int  # UNIX_SKB_FRAGS_SZ: pages one buffer may have
    min_alloc: int  # the smallest kmalloc cache a head lands in

    def chunk(self, left: int, sndbuf: int) -> int:
        """How much of the ``left`` bytes of a write the next buffer takes."""
        return min(left, (sndbuf >> 1) - 64, self.head_max + self.frags_max)

    def truesize(self, size: int) -> int:
        """What a buffer of ``size`` bytes charges: its pages hold what passes ``head_max``
        (in whole pages), its head the rest, allocated in a power-of-two kmalloc cache."""
        paged = min(size, -(-max(0, size - self.head_max) // self.page) * self.page)
        head = size - paged
        need = -(-head // self.align) * self.align + self.shinfo
        alloc = max(self.min_alloc, 1 << (need - 1).bit_length())
        return self.skb + alloc + -(-paged // self.page) * self.page


@dataclass(frozen=True)
class ScmRights:
    """How descriptors pass over an AF_UNIX stream socket (``SCM_RIGHTS``), as Linux passes
    them: they travel with the first buffer of the write that sent them (``SkbCharge``); a read
    takes them with the first byte of that buffer it reads and stops after it; a read that asks
    for none (``recv``, or ``recvmsg`` with no room for them) closes them."""

    header: int  # sizeof(struct cmsghdr): room for no descriptor at all
    fd_size: int  # sizeof(int): what each descriptor takes in the ancillary data
    max_fds: int  # SCM_MAX_FD: the most one message carries (more: EINVAL)


@dataclass(frozen=True)
class UnixPairFacts:
    """How one OS's AF_UNIX SOCK_STREAM socket pair behaves."""

    #: Unread bytes, and unread writes (counted since the reader last emptied its end), that
    #: surely fit; a write past either is ``NotImplementedError``.
    sure_bytes: int
    sure_writes: int
    #: A write of at most this many bytes to an end that holds nothing unread surely goes
    #: whole, past ``sure_bytes``.
    sure_first_write: int
    #: An end is surely writable (select, poll) while its peer holds at most this many unread
    #: bytes and writes; past them, asking is ``NotImplementedError``.
    writable_bytes: int
    writable_writes: int
    #: The errno name of a send once the other end is closed; None: not modelled.
    send_to_closed: Optional[str]
    #: The errno name of a send once the other end did ``shutdown(SHUT_RD)``, which also shuts
    #: the sending end's sending (poll shows it); None: neither is modelled.
    peer_shut_rd: Optional[str]
    #: What the other end's recv gets when an end closes with unread data: an errno name (once,
    #: after the other end's own queued data, then end of file), or "eof".
    close_unread: str
    #: The errno name of any option outside SOL_SOCKET (TCP_NODELAY, IP_TOS, ...); None: not modelled.
    option_error: Optional[str]
    #: ``getsockopt`` of SO_SNDBUF and SO_RCVBUF on a fresh end; None: not modelled.
    buffer_sizes: Optional[tuple[int, int]]
    #: How each write is cut into buffers and what each charges its writer's SO_SNDBUF until
    #: it is wholly read. Where known, the pair's capacity is exact and ``sure_*``/``writable_*``
    #: are not used; setting SO_SNDBUF and SO_RCVBUF is modelled only then. None: not known.
    skb_charge: Optional[SkbCharge]
    #: The errno name of ``socketpair()`` of another family (AF_INET, AF_INET6).
    other_family_error: str
    #: The size of ``sockaddr_un.sun_path``: a longer path is CPython's "AF_UNIX path too long".
    sun_path: int
    #: Whether names in the abstract namespace (a leading NUL byte) exist (Linux only).
    abstract_names: bool
    #: Whether ``getsockopt(SOL_SOCKET, SO_PEERCRED)`` answers: a ``struct ucred`` (pid, uid,
    #: gid) of the process at the other end of a pair, a connected or accepted stream socket and
    #: a listener (in a simulation, this process), and (0, -1, -1) on any other socket. False:
    #: not modelled (the BSDs ask ``LOCAL_PEERCRED`` instead).
    peercred: bool
    #: Passing descriptors (``sendmsg``/``recvmsg`` with ``SCM_RIGHTS``, ``socket.send_fds``):
    #: how, where modelled (needs ``skb_charge``); None: ancillary data is ``NotImplementedError``.
    scm_rights: Optional[ScmRights]
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_sources(self, "AF_UNIX pair facts")


_LINUX_SEEN = "observed here (Linux 6.18, CPython 3.11.7, socket.socketpair())"
_LINUX_AF_UNIX = "torvalds/linux net/unix/af_unix.c"
_LINUX_6_12 = "Linux 6.12.117 (Debian linux-source-6.12 6.12.117-1~deb12u1)"
_XNU = "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_usrreq.c"
_FREEBSD = "F-Stack/f-stack@5cb586b5 freebsd/kern/uipc_usrreq.c (FreeBSD 13, vendored by F-Stack)"

LINUX_UNIX_PAIRS = build(
    UnixPairFacts,
    {
        "sure_bytes": (
            65536,
            f"{_LINUX_SEEN}: non-blocking writes of 1, 100, 1000, 4096, 65536 bytes take 278, 278, 93, 44, 4 writes "
            "before EAGAIN against SO_SNDBUF 212992, so each write costs at most 2 x its length + 1024 bytes "
            f"({_LINUX_AF_UNIX} unix_stream_sendmsg charges skb->truesize to the sender); 64 writes within 65536 "
            "bytes cost at most 196608",
        ),
        "sure_writes": (64, "as sure_bytes"),
        "sure_first_write": (65536, "as sure_bytes: a single write of 65536 bytes costs at most 132096"),
        "writable_bytes": (
            16384,
            f"{_LINUX_AF_UNIX} unix_writable: writable while 4 x the sender's charged bytes <= SO_SNDBUF (212992), "
            "that is 53248; 20 writes within 16384 bytes cost at most 53248 (the cost bound of sure_bytes)",
        ),
        "writable_writes": (20, "as writable_bytes"),
        "send_to_closed": ("EPIPE", f"{_LINUX_SEEN}: send after the other end closed raises BrokenPipeError"),
        "peer_shut_rd": (
            "EPIPE",
            f"{_LINUX_SEEN}: send after the other end's shutdown(SHUT_RD) raises BrokenPipeError "
            f"({_LINUX_AF_UNIX} unix_shutdown passes the shutdown to the peer)",
        ),
        "close_unread": (
            "ECONNRESET",
            f"{_LINUX_SEEN}: the other end's recv raises ConnectionResetError ({_LINUX_AF_UNIX} unix_release_sock "
            "sets the peer's sk_err when the receive queue was not empty)",
        ),
        "option_error": (
            "EOPNOTSUPP",
            f"{_LINUX_SEEN}: setsockopt and getsockopt of TCP_NODELAY and IP_TOS raise errno 95",
        ),
        "buffer_sizes": ((212992, 212992), f"{_LINUX_SEEN}: SO_SNDBUF and SO_RCVBUF read 212992 (net.core defaults)"),
        "skb_charge": (
            SkbCharge(skb=256, shinfo=320, align=64, page=4096, head_max=3776, frags_max=32768, min_alloc=512),
            f"{_LINUX_6_12} net/unix/af_unix.c:2313-2325 (unix_stream_sendmsg: each buffer holds at most "
            "sk_sndbuf / 2 - 64 and SKB_MAX_HEAD(0) + UNIX_SKB_FRAGS_SZ bytes, what passes SKB_MAX_HEAD(0) in pages, "
            "and is allocated on the sender), net/core/sock.c:2937-2952 (sock_alloc_send_pskb: taken while "
            "sk_wmem_alloc is below sk_sndbuf, then charged to it), include/linux/skbuff.h:266-274 (SKB_TRUESIZE, "
            "SKB_MAX_HEAD), af_unix.c:2931-2946 (a buffer stops charging once wholly read), 602-606 (unix_writable: "
            "4 x sk_wmem_alloc, which starts at 1, within sk_sndbuf); the sizes (sk_buff 256, skb_shared_info 320, "
            "64-byte cache lines, 4096-byte pages, heads in kmalloc caches of at least 512) observed here "
            f"({_LINUX_SEEN}): non-blocking writes of 65536 bytes take 65536, 65536, 65536, 36544 then EAGAIN, of "
            "100000 100000, 100000, 36544; 1, 192, 193, 1000, 3776, 3777, 4096, 8192, 10000 and 36544 bytes take "
            "278, 278, 167, 93, 49, 44, 44, 24, 17 and 6 writes; with SO_SNDBUF 1 (4608) six one-byte writes; a "
            "reader's SO_RCVBUF changes nothing; select says writable while 4 x (charge + 1) <= SO_SNDBUF; "
            "python-trio/trio@60d0c2f8 src/trio/_core/_wakeup_socketpair.py:21-30 counts 6 one-byte writes with "
            "SO_SNDBUF 1 on Linux 4.8 too",
        ),
        "other_family_error": (
            "EOPNOTSUPP",
            f"{_LINUX_SEEN}: socket.socketpair(AF_INET) raises errno 95; socketpair(2) ERRORS (EOPNOTSUPP)",
        ),
        "sun_path": (108, "unix(7) (Linux man-pages 6.03): sun_path is 108 bytes (UNIX_PATH_MAX)"),
        "abstract_names": (
            True,
            "unix(7) (Linux man-pages 6.03) section Address format: abstract (a leading null byte)",
        ),
        "peercred": (
            True,
            "unix(7) (Linux man-pages 6.03) SO_PEERCRED (the credentials of the peer process, from connect, "
            f"listen or socketpair); {_LINUX_SEEN}: both ends of a stream and a datagram pair, a connected and an "
            "accepted stream socket and a listener read (pid, uid, gid) of this process, still after the peer "
            "closed; an unconnected, bound or connected datagram socket and a TCP socket read (0, -1, -1); a "
            "buffer of 4 or 8 bytes gets that many, of 20 bytes 12; setsockopt of it is ENOPROTOOPT",
        ),
        "scm_rights": (
            ScmRights(header=16, fd_size=4, max_fds=253),
            f"{_LINUX_6_12} include/net/scm.h:18 (SCM_MAX_FD 253), net/core/scm.c:74-80 and 101-102 (a message's "
            "descriptors are its SCM_RIGHTS data divided by 4, more than SCM_MAX_FD is EINVAL, a bad one EBADF), "
            "net/core/scm.c:323-372 (scm_max_fds: (msg_controllen - sizeof(struct cmsghdr)) / 4 fit; those that do "
            "not are closed and MSG_CTRUNC set), net/unix/af_unix.c:2326-2336 (unix_stream_sendmsg: the "
            "descriptors go with the first buffer), 2898-2958 (unix_stream_read_generic: a read takes a buffer's "
            "descriptors with its first byte read and stops after that buffer; MSG_PEEK gives copies); "
            f"{_LINUX_SEEN}: send_fds after a plain write reads both writes' bytes and the descriptors, inheritable "
            "(cloexec with MSG_CMSG_CLOEXEC); recv() drops them; CMSG_LEN(4) for two gives one and MSG_CTRUNC; two "
            "writes with descriptors take two reads; an empty write with descriptors sends nothing and returns 0; "
            "a descriptor the sender closed after sending still works",
        ),
    },
)

_BSD_SURE = (
    "{src}: a stream pair's buffers are PIPSIZ (8192) bytes, the sender's shrinking as the receiver's fills; "
    "each write takes an mbuf and perhaps a 2048-byte cluster against the buffer's mbuf limit (8 x 8192); "
    "16 writes within 4096 bytes surely fit and leave the sender above its low-water mark (2048)"
)


def _bsd(src: str, sure_lines: str, close_lines: str, send_lines: str, un_h: str, first: str) -> UnixPairFacts:
    unknown = "not read in the source yet (a run on this OS would settle it)"
    return build(
        UnixPairFacts,
        {
            "sure_bytes": (4096, _BSD_SURE.format(src=f"{src}:{sure_lines}")),
            "sure_writes": (16, "as sure_bytes"),
            "sure_first_write": (
                8192,
                f"{src}:{sure_lines} (the sender's buffer is PIPSIZ, 8192 bytes, less what the receiver holds) and "
                f"{first}: with nothing unread the send space is 8192, so a write of up to 8192 bytes is copied and "
                "handed over whole, without waiting",
            ),
            "writable_bytes": (4096, "as sure_bytes"),
            "writable_writes": (16, "as sure_bytes"),
            "send_to_closed": (
                "EPIPE",
                f"{src}:{close_lines} (closing one end marks both ends CANTSENDMORE) and {send_lines} "
                "(a send with CANTSENDMORE is EPIPE)",
            ),
            "peer_shut_rd": (None, unknown),
            "close_unread": (
                "eof",
                f"{src}:{close_lines} (closing one end disconnects both, CANTRCVMORE: end of file after the queued "
                "data; the ECONNRESET of unp_drop is for datagram sockets and aborted connections only)",
            ),
            "option_error": (None, unknown),
            "buffer_sizes": (None, "the sender's SO_SNDBUF shrinks as the receiver's buffer fills; not modelled"),
            "skb_charge": (None, "as buffer_sizes"),
            "other_family_error": (
                "EOPNOTSUPP",
                "socketpair(2) ERRORS (EOPNOTSUPP: the protocol does not support socket pairs; TCP's "
                "pru_connect2 is pru_connect2_notsupp)",
            ),
            "sun_path": (104, f"{un_h} (struct sockaddr_un: sun_path holds 104 bytes)"),
            "abstract_names": (False, f"{un_h} (a path names a file; there is no abstract namespace)"),
            "peercred": (False, "no SO_PEERCRED: the BSDs' getpeereid and LOCAL_PEERCRED are not modelled"),
            "scm_rights": (None, "not modelled: the BSDs pass descriptors in control mbufs, read by soreceive"),
        },
    )


BSD_UNIX_PAIRS_DARWIN = _bsd(
    _XNU,
    "949-961, 660-672",
    "1700-1714",
    "614-637",
    "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/sys/un.h:79",
    "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:2066-2079 (sosendcheck: a write waits "
    "only when the send space is less than it)",
)
BSD_UNIX_PAIRS_FREEBSD = _bsd(
    _FREEBSD,
    "146-158",
    "1763-1771",
    "1089-1093",
    "F-Stack/f-stack@5cb586b5 freebsd/sys/un.h:60 (FreeBSD 13, SUNPATHLEN)",
    "F-Stack/f-stack@5cb586b5 freebsd/kern/uipc_usrreq.c:1153-1154 (the sender stops only once the receiver holds its "
    "8192 bytes), freebsd/sys/sockbuf.h:228-240 (sbspace) and freebsd/kern/uipc_socket.c:1652-1675 (sosend_generic: "
    "a write waits only when the send space is less than it)",
)


@dataclass(frozen=True)
class UnixDgramFacts:
    """How one OS's AF_UNIX SOCK_DGRAM sockets behave (``unixdgram``). A receiver's queue is
    modelled only where it surely takes a datagram or surely refuses it; between the two, a
    send is ``NotImplementedError`` (the OS counts buffer overhead the model does not)."""

    #: The longest datagram a send takes; a longer one is EMSGSIZE.
    max_dgram: int
    #: A datagram surely fits while its receiver holds fewer than ``sure_dgrams``, and both the
    #: receiver's bytes with it (each datagram counted with ``sure_overhead`` bytes more) and its
    #: sender's unread bytes with it are within ``sure_bytes``. (A datagram to an empty queue
    #: from a sender with nothing unread always fits.)
    sure_dgrams: int
    sure_bytes: int
    sure_overhead: int
    #: The receiver is surely full once it holds ``full_dgrams`` datagrams (unless it is
    #: connected to the sender: Linux's unix_dgram_sendmsg checks the queue's length only for
    #: a receiver whose peer is another socket; a datagram pair's ends hold 278 here), or once its
    #: datagrams and the new one, each counted with ``full_overhead`` bytes more, would pass
    #: ``full_bytes`` (None: no such rule).
    full_dgrams: Optional[int]
    full_bytes: Optional[int]
    full_overhead: int
    #: A send to a full receiver: "wait" (EAGAIN when non-blocking), or an errno name.
    when_full: str
    #: What recvfrom shows as an unbound sender's address: None (no address) or "".
    unbound_sender: Optional[str]
    #: The errno name of a send to (or a connect to) a name whose socket is not a datagram one.
    wrong_type_error: str
    #: The errno name of a send to a socket connected to another one; None: not modelled.
    connected_elsewhere_error: Optional[str]
    #: The errno name of a send on a connected socket whose peer closed; None: not modelled.
    peer_closed_error: Optional[str]
    #: ``getsockopt`` of SO_SNDBUF and SO_RCVBUF on a fresh socket; None: not modelled. A set
    #: SO_SNDBUF moves the longest datagram (``max_dgram``) by as much as it moved.
    buffer_sizes: Optional[tuple[int, int]]
    #: (size, charge): a datagram of at most ``size`` bytes charges its sender's SO_SNDBUF exactly
    #: ``charge`` until it is read. While every unread datagram of a sender is that small, a small
    #: send goes while they charge less than SO_SNDBUF and finds it full (EAGAIN, or a wait) once
    #: they charge it all, and the sender is writable while 4 x their charge is within SO_SNDBUF.
    #: None: setting SO_SNDBUF or SO_RCVBUF is not modelled.
    small_dgrams: Optional[tuple[int, int]]
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_sources(self, "AF_UNIX datagram facts")

    def small(self, size: int) -> bool:
        """Whether a datagram of ``size`` bytes charges exactly ``small_dgrams``' amount."""
        return self.small_dgrams is not None and size <= self.small_dgrams[0]


_LINUX_DGRAM_SEEN = "observed here (Linux 6.18, CPython 3.11.7, AF_UNIX SOCK_DGRAM sockets bound to paths)"

LINUX_UNIX_DGRAMS = build(
    UnixDgramFacts,
    {
        "max_dgram": (
            212960,
            f"{_LINUX_DGRAM_SEEN}: 212960 bytes are sent, 212961 raise EMSGSIZE ({_LINUX_AF_UNIX} "
            "unix_dgram_sendmsg: longer than sk_sndbuf - 32, with SO_SNDBUF 212992)",
        ),
        "sure_dgrams": (
            11,
            f"{_LINUX_DGRAM_SEEN}: a receiver takes 11 datagrams of 1 or of 20000 bytes, then the sender gets EAGAIN "
            f"({_LINUX_AF_UNIX} unix_recvq_full: full once the queue is longer than net.unix.max_dgram_qlen, 10 here)",
        ),
        "sure_bytes": (
            65536,
            f"{_LINUX_AF_UNIX}: each unread datagram charges its truesize (its length and at most about 1 KiB) to "
            "the sender's SO_SNDBUF (212992), and a send waits only once that is used up; 11 datagrams within "
            "65536 bytes stay far below it",
        ),
        "sure_overhead": (0, "as sure_bytes"),
        "full_dgrams": (11, "as sure_dgrams"),
        "full_bytes": (None, "the sender's SO_SNDBUF is not modelled beyond sure_bytes"),
        "full_overhead": (0, "as full_bytes"),
        "when_full": (
            "wait",
            f"{_LINUX_DGRAM_SEEN}: a non-blocking send to a full receiver raises EAGAIN ({_LINUX_AF_UNIX} "
            "unix_wait_for_peer: a blocking one waits)",
        ),
        "unbound_sender": (None, f"{_LINUX_DGRAM_SEEN}: recvfrom from an unbound sender gives (data, None)"),
        "wrong_type_error": (
            "EPROTOTYPE",
            f"{_LINUX_DGRAM_SEEN}: sendto to a bound SOCK_STREAM socket raises errno 91",
        ),
        "connected_elsewhere_error": (
            "EPERM",
            f"{_LINUX_DGRAM_SEEN}: sendto to a socket connected to another one raises errno 1",
        ),
        "peer_closed_error": (
            "ECONNREFUSED",
            f"{_LINUX_DGRAM_SEEN}: send on a connected socket whose peer closed raises errno 111",
        ),
        "buffer_sizes": (
            (212992, 212992),
            f"{_LINUX_DGRAM_SEEN}: SO_SNDBUF and SO_RCVBUF read 212992 (net.core defaults); with SO_SNDBUF set to 1024 "
            "(read back 4608) a 4576-byte datagram is sent and a 4577-byte one raises EMSGSIZE",
        ),
        "small_dgrams": (
            (192, 768),
            f"{_LINUX_DGRAM_SEEN}: with SO_SNDBUF 1024 (4608) a sender takes 6 datagrams of 1, 64 or 192 bytes and 4 of "
            "193 before EAGAIN, 8 of 64 bytes with SO_SNDBUF 3000 (6000), 11 with 20000 (the receiver's queue limit "
            "first), whether connected or not and whatever the receiver's SO_RCVBUF; select says writable while 1 is "
            "unread with 4608, and after the receiver drained them. Linux 6.12.117 (Debian linux-source-6.12) "
            "net/unix/af_unix.c unix_dgram_sendmsg allocates each datagram on the sender (sock_alloc_send_pskb, "
            "net/core/sock.c:2937: it fails once the charge reaches sk_sndbuf), and unix_dgram_poll asks "
            "unix_writable (af_unix.c:602-606: (charge << 2) <= sk_sndbuf); the charge is the stream pair's "
            "(UnixPairFacts.small_writes)",
        ),
    },
)


def _bsd_dgrams(src: str, space: str, noname: str, enobufs: str, emsgsize: str, prototype: str) -> UnixDgramFacts:
    unknown = "not read in the source yet (a run on this OS would settle it)"
    return build(
        UnixDgramFacts,
        {
            "max_dgram": (
                2048,
                f"{src}:{space} (unpdg_sendspace, 2 KiB: 'really max datagram size') and {emsgsize} (sosend: an "
                "atomic send longer than the send buffer is EMSGSIZE)",
            ),
            "sure_dgrams": (
                12,
                f"{src}:{space} (unpdg_recvspace, 4 KiB, and an mbuf limit 8 times that): 12 datagrams of at most "
                "2048 bytes take at most 12 x 2560 bytes of mbufs",
            ),
            "sure_bytes": (4096, "as sure_dgrams: the receive buffer counts each datagram's data and sender address"),
            "sure_overhead": (106, "as sure_dgrams: a sender's address is at most 106 bytes (sun_len)"),
            "full_dgrams": (None, "no count limit: only the receive buffer's bytes"),
            "full_bytes": (4096, "as sure_dgrams"),
            "full_overhead": (16, f"{src}:{noname} (the smallest sender address, sun_noname, is 16 bytes)"),
            "when_full": ("ENOBUFS", f"{src}:{enobufs} (a datagram the receive buffer cannot take: ENOBUFS)"),
            "unbound_sender": (
                "",
                f"{src}:{noname} (an unbound sender's address is sun_noname, 16 bytes of AF_LOCAL with an empty "
                "path, which CPython's makesockaddr shows as '')",
            ),
            "wrong_type_error": (
                "EPROTOTYPE",
                f"{src}:{prototype} (unp_connect: a socket of another type is EPROTOTYPE)",
            ),
            "connected_elsewhere_error": (None, unknown),
            "peer_closed_error": (None, unknown),
            "buffer_sizes": (None, unknown),
            "small_dgrams": (
                None,
                "not read in the source yet: the buffers count mbufs (a run on this OS would settle it)",
            ),
        },
    )


BSD_UNIX_DGRAMS_DARWIN = _bsd_dgrams(
    _XNU,
    "962-963",
    "193-197, 561-564",
    "566-576 with apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket2.c:1433-1446",
    "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/kern/uipc_socket.c:2071-2073",
    "1394-1397",
)
BSD_UNIX_DGRAMS_FREEBSD = _bsd_dgrams(
    _FREEBSD,
    "159-160",
    "128, 1050-1053",
    "1055-1064",
    "F-Stack/f-stack@5cb586b5 freebsd/kern/uipc_socket.c:1655-1658",
    "1599-1601",
)
