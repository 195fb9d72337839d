"""Per-OS facts about TCP urgent data (``send(..., MSG_OOB)``) read inline, each with its source
(``Profile.urgent``).

Owns: the data the kernel's urgent-data model reads, for a receiver with ``SO_OOBINLINE`` set
(ftplib's ``abort()`` sends its ``ABOR`` this way, and its servers read it inline): how a
``recv`` treats the urgent byte, whether ``select``'s exceptional set and ``POLLPRI`` report it
until it is read, and what ``recv(MSG_OOB)`` gives. Every profile takes the BSD reading of the
urgent pointer, so the urgent byte is the last byte of the send. Data only: nothing here acts,
and nothing branches on an OS name. A receiver without ``SO_OOBINLINE`` (the byte taken out of
the stream, read with ``recv(MSG_OOB)``) is not modelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

from .sourced import build, require_sources

__all__ = ["BSD_URGENT_DARWIN", "BSD_URGENT_FREEBSD", "LINUX_URGENT", "WINDOWS_URGENT", "UrgentFacts"]


@dataclass(frozen=True)
class UrgentFacts:
    """How one OS delivers TCP urgent data to a receiver with ``SO_OOBINLINE`` set."""

    #: How a ``recv`` meets the urgent byte: "stop-before" (a read ends just before it; the next
    #: read starts with it and goes on past it) or "alone" (it comes in a read of its own: the
    #: data before it, the urgent byte, the data after it take three reads).
    read_at_mark: str
    #: Whether the exceptional set of ``select`` and ``POLLPRI`` report the connection from the
    #: urgent byte's arrival until a read takes it; False: only as readable, as normal data.
    exceptional: bool
    #: The errno name of ``recv(MSG_OOB)`` on a socket with ``SO_OOBINLINE`` set.
    recv_oob_inline_error: str
    #: Whether an urgent send goes at once where Nagle's algorithm would hold a small write;
    #: None: not known (such a send is ``NotImplementedError``).
    bypasses_nagle: Optional[bool]
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_sources(self, "urgent data facts")
        if self.read_at_mark not in ("stop-before", "alone"):
            raise ValueError(f"urgent data facts: read_at_mark {self.read_at_mark!r} is not 'stop-before' or 'alone'")


_LINUX_SEEN = (
    "observed here (Linux 6.18, CPython 3.11.7, loopback, receiver with SO_OOBINLINE: tests/sim/test_urgent.py "
    "compares the simulation with it)"
)
_LINUX_TCP = "torvalds/linux net/ipv4/tcp.c"

LINUX_URGENT = build(
    UrgentFacts,
    {
        "read_at_mark": (
            "stop-before",
            f"{_LINUX_SEEN}: b'xy' then b'12' with MSG_OOB then b'zz' read as b'xy1' and b'2zz'; {_LINUX_TCP} "
            "tcp_recvmsg_locked stops a read at tp->urg_seq",
        ),
        "exceptional": (
            True,
            f"{_LINUX_SEEN}: select's exceptional set and POLLPRI report it until the urgent byte is read; "
            f"{_LINUX_TCP} tcp_poll sets EPOLLPRI while urg_data is valid, whatever SOCK_URGINLINE says",
        ),
        "recv_oob_inline_error": (
            "EINVAL",
            f"{_LINUX_SEEN}: recv(1, MSG_OOB) raises errno 22; {_LINUX_TCP} tcp_recv_urg returns -EINVAL "
            "when SOCK_URGINLINE is set",
        ),
        "bypasses_nagle": (
            True,
            "torvalds/linux net/ipv4/tcp_output.c tcp_nagle_test (the Nagle rule is not applied to urgent data)",
        ),
    },
)


def _bsd(
    root: str, read_lines: str, poll_lines: str, select_src: str, urg_lines: str, oob_lines: str, out_lines: str
) -> UrgentFacts:
    """The BSDs' facts: ``root`` is the source tree's prefix, then each line range in it."""
    return build(
        UrgentFacts,
        {
            "read_at_mark": (
                "stop-before",
                f"{root}kern/uipc_socket.c:{read_lines} (soreceive cuts a read at so_oobmark, then marks the socket "
                f"at the mark and stops; the next read clears that and reads on) and {root}netinet/tcp_input.c:"
                f"{urg_lines} (so_oobmark counts the bytes before the urgent byte, whatever SO_OOBINLINE says)",
            ),
            "exceptional": (
                True,
                f"{root}kern/uipc_socket.c:{poll_lines} (POLLPRI and POLLRDBAND while so_oobmark is set or the "
                f"socket is at the mark) and {root}{select_src}",
            ),
            "recv_oob_inline_error": (
                "EINVAL",
                f"{root}netinet/tcp_usrreq.c:{oob_lines} (tcp_usr_rcvoob: EINVAL when SO_OOBINLINE is set)",
            ),
            "bypasses_nagle": (
                True,
                f"{root}netinet/tcp_output.c:{out_lines} (tcp_output sends when urgent data is unacknowledged, "
                "after the small-segment rules that would hold it)",
            ),
        },
    )


BSD_URGENT_DARWIN = _bsd(
    "apple-oss-distributions/xnu@xnu-11417.101.15 bsd/",
    "3728-3731, 3864-3875",
    "6516-6519",
    "kern/sys_socket.c:331-337 (select's exceptional set: so_oobmark set or at the mark)",
    "5716-5722",
    "1368-1372",
    "1730-1743",
)
BSD_URGENT_FREEBSD = _bsd(
    "F-Stack/f-stack@5cb586b5 (FreeBSD 13, vendored by F-Stack) freebsd/",
    "2187-2188, 2282-2293",
    "3561-3564",
    "kern/sys_generic.c:1248-1252 (select's exceptional set is POLLRDBAND)",
    "3061-3066",
    "1505-1509",
    "700-709",
)

_WINDOWS_OOB = (
    "MicrosoftDocs/win32@47e64c189dcb1c1a42c221380ccf0ec81cc82d4b desktop-src/WinSock/"
    "protocol-independent-out-of-band-data-2.md"
)

WINDOWS_URGENT = build(
    UrgentFacts,
    {
        "read_at_mark": (
            "alone",
            f"{_WINDOWS_OOB}:33 (with SO_OOBINLINE, three reads get past the OOB data: the data before it, the OOB "
            "data, the data after it) and ipproto-tcp-socket-options.md:36-41 (TCP_BSDURGENT, on by default: the "
            "BSD reading, so the OOB byte is the last byte sent)",
        ),
        "exceptional": (
            False,
            f"{_WINDOWS_OOB}:31 (with SO_OOBINLINE, OOB data is normal data for select: readfds, not exceptfds)",
        ),
        "recv_oob_inline_error": (
            "EINVAL",
            f"{_WINDOWS_OOB}:32 (recv with MSG_OOB and SO_OOBINLINE set returns WSAEINVAL)",
        ),
        "bypasses_nagle": (
            None,
            "not documented on the OOB data or TCP_NODELAY pages; a run on Windows with a small write in flight "
            "would settle it",
        ),
    },
)
