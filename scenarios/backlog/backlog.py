"""What listen(backlog) really limits: connections that complete before accept()."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import connect_clients, listener
from sockbehave.scenario import Steps, scenario

#: A client that cannot complete its handshake waits this long. Shorter than any SYN
#: retransmission (1 s on Linux, about 2 s of retries on Windows), so it shows the first answer.
CONNECT_WAIT = 0.3
#: Stop counting after this many clients: a count of 10 means "10 or more" (macOS turns
#: listen(0) into listen(128), and FreeBSD's queue is 1.5 x the backlog).
MAX_CLIENTS = 10

_REFS = (
    "https://man7.org/linux/man-pages/man2/listen.2.html",
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-listen",
    "https://man.freebsd.org/cgi/man.cgi?query=listen&sektion=2",
)


def _fill_accept_queue(net: Net, step: Steps, backlog: int) -> None:
    srv = listener(net, backlog=backlog)
    address = srv.getsockname()
    step.observe("completed-before-accept", connect_clients(net, address, MAX_CLIENTS, CONNECT_WAIT))
    late = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    late.settimeout(CONNECT_WAIT)
    step("next-client-connect", late.connect, address, timed=True)
    srv.settimeout(CONNECT_WAIT)
    step("accept", srv.accept)


@scenario(
    id="tcp.backlog-0",
    title="listen(0): how many clients connect before accept()",
    claim="listen(0) means no client can connect until the server calls accept().",
    references=_REFS,
)
def backlog_0(net: Net, step: Steps) -> None:
    """The backlog bounds the queue of connections the kernel has completed for you but you
    have not yet ``accept``-ed. It is not a limit on clients, and the kernel rounds it: Linux
    lets backlog + 1 connections complete, so even ``listen(0)`` lets one in. What the next
    client sees differs by OS: Linux drops its SYN (the client waits and retries), Windows
    refuses it.
    """
    _fill_accept_queue(net, step, 0)


@scenario(
    id="tcp.backlog-1",
    title="listen(1): how many clients connect before accept()",
    claim="listen(1) lets exactly one client connect at a time.",
    references=_REFS,
)
def backlog_1(net: Net, step: Steps) -> None:
    """With ``listen(1)`` Linux completes two handshakes before the first ``accept``. The
    clients beyond that are not refused on Linux: their SYNs are dropped, so their
    ``connect`` waits and retries (here it times out first).
    """
    _fill_accept_queue(net, step, 1)


@scenario(
    id="tcp.backlog-5",
    title="listen(5): how many clients connect before accept(), and what the next one sees",
    claim="listen(5) means the server can serve at most five clients.",
    references=_REFS,
)
def backlog_5(net: Net, step: Steps) -> None:
    """``listen(5)`` does not limit how many clients a server has: every accepted connection
    leaves the queue. It bounds only how many wait, un-accepted, at one time: six on Linux,
    and about seven on FreeBSD, which scales the backlog by one and a half.
    """
    _fill_accept_queue(net, step, 5)


@scenario(
    id="tcp.listen-backlog-above-somaxconn",
    title="A backlog above the system maximum is silently clamped",
    claim="listen() fails if the backlog is larger than the system allows.",
    references=(
        "https://man7.org/linux/man-pages/man2/listen.2.html (NOTES: somaxconn)",
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-listen (SOMAXCONN)",
    ),
)
def backlog_clamp(net: Net, step: Steps) -> None:
    """Asking for a huge backlog is not an error anywhere: the kernel quietly lowers it to its
    maximum (``net.core.somaxconn`` on Linux, ``kern.ipc.somaxconn`` on macOS,
    ``kern.ipc.soacceptqueue`` on FreeBSD). The report's platform fingerprint records that
    maximum, because the number you pass is not the number you get.
    """
    srv = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind((net.loopback(), 0))
    step("listen-1000000", srv.listen, 1_000_000)
