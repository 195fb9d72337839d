"""Per-OS facts about AF_UNIX stream socket pairs (``socket.socketpair()``), each with its
source: ``Profile.unix_pairs``.

Owns: the data the kernel's socket-pair model reads (how much a pair surely holds, the errors
of a pair whose other end is gone, what a close with unread data tells the other end, which
options an AF_UNIX socket refuses) for each profile. Data only: nothing here acts, and
nothing branches on an OS name. ``UnixPairFacts.__post_init__`` refuses a value without a
source, as ``Profile`` does.

A pair's capacity is not one number on any OS: Linux charges each write's buffer overhead
(``skb->truesize``) against the sender's ``SO_SNDBUF``, the BSDs shrink the sender's buffer as
the receiver's fills and count mbufs too. So only what surely fits is modelled (``sure_*``); a
write past it is ``NotImplementedError``, as is asking whether an end past ``writable_*`` is
writable. Windows has no entry: its CPython's ``socketpair()`` is the loopback TCP pair of
``socket.py``'s fallback, which is what the simulation makes there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

from .sourced import build, require_sources

__all__ = ["BSD_UNIX_PAIRS_DARWIN", "BSD_UNIX_PAIRS_FREEBSD", "LINUX_UNIX_PAIRS", "UnixPairFacts"]


@dataclass(frozen=True)
class UnixPairFacts:
    """How one OS's AF_UNIX SOCK_STREAM socket pair behaves."""

    #: Unread bytes, and unread writes (counted since the reader last emptied its end), that
    #: surely fit; a write past either is ``NotImplementedError``.
    sure_bytes: int
    sure_writes: int
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
    #: The errno name of ``socketpair()`` of another family (AF_INET, AF_INET6).
    other_family_error: str
    #: The size of ``sockaddr_un.sun_path``: a longer path is CPython's "AF_UNIX path too long".
    sun_path: int
    #: Whether names in the abstract namespace (a leading NUL byte) exist (Linux only).
    abstract_names: bool
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_sources(self, "AF_UNIX pair facts")


_LINUX_SEEN = "observed here (Linux 6.18, CPython 3.11.7, socket.socketpair())"
_LINUX_AF_UNIX = "torvalds/linux net/unix/af_unix.c"
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
        "other_family_error": (
            "EOPNOTSUPP",
            f"{_LINUX_SEEN}: socket.socketpair(AF_INET) raises errno 95; socketpair(2) ERRORS (EOPNOTSUPP)",
        ),
        "sun_path": (108, "unix(7) (Linux man-pages 6.03): sun_path is 108 bytes (UNIX_PATH_MAX)"),
        "abstract_names": (
            True,
            "unix(7) (Linux man-pages 6.03) section Address format: abstract (a leading null byte)",
        ),
    },
)

_BSD_SURE = (
    "{src}: a stream pair's buffers are PIPSIZ (8192) bytes, the sender's shrinking as the receiver's fills; "
    "each write takes an mbuf and perhaps a 2048-byte cluster against the buffer's mbuf limit (8 x 8192); "
    "16 writes within 4096 bytes surely fit and leave the sender above its low-water mark (2048)"
)


def _bsd(src: str, sure_lines: str, close_lines: str, send_lines: str, un_h: str) -> UnixPairFacts:
    unknown = "not read in the source yet (a run on this OS would settle it)"
    return build(
        UnixPairFacts,
        {
            "sure_bytes": (4096, _BSD_SURE.format(src=f"{src}:{sure_lines}")),
            "sure_writes": (16, "as sure_bytes"),
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
            "other_family_error": (
                "EOPNOTSUPP",
                "socketpair(2) ERRORS (EOPNOTSUPP: the protocol does not support socket pairs; TCP's "
                "pru_connect2 is pru_connect2_notsupp)",
            ),
            "sun_path": (104, f"{un_h} (struct sockaddr_un: sun_path holds 104 bytes)"),
            "abstract_names": (False, f"{un_h} (a path names a file; there is no abstract namespace)"),
        },
    )


BSD_UNIX_PAIRS_DARWIN = _bsd(
    _XNU, "949-961, 660-672", "1700-1714", "614-637", "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/sys/un.h:79"
)
BSD_UNIX_PAIRS_FREEBSD = _bsd(
    _FREEBSD,
    "146-158",
    "1763-1771",
    "1089-1093",
    "F-Stack/f-stack@5cb586b5 freebsd/sys/un.h:60 (FreeBSD 13, SUNPATHLEN)",
)
