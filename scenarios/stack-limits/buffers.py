"""Socket buffers: the sizes a fresh socket reports, the smallest it accepts, and how much a
non-blocking send takes before it would block. Numbers that tell one TCP stack from another."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import tcp_pair
from sockbehave.scenario import Steps, scenario

_SOCKET_7 = "https://man7.org/linux/man-pages/man7/socket.7.html (SO_RCVBUF, SO_SNDBUF: the kernel doubles the value)"
_TCP_7 = "https://man7.org/linux/man-pages/man7/tcp.7.html (tcp_rmem, tcp_wmem)"
_WINSOCK_OPTS = "https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options"

#: One non-blocking send offers this many bytes; what it accepts is reported as a size class.
PROBE = 12 * 1024 * 1024
#: The size classes (upper bounds, exclusive), four to six times wide. One non-blocking send
#: of 12 MiB takes 3919467 bytes on native Linux 6.x here ("3 MiB..12 MiB") and exactly
#: 1048576, gVisor's send buffer, under gVisor ("512 KiB..3 MiB"), run after run, idle or
#: with both cores busy. (The total before the first EAGAIN of a loop of smaller sends is not
#: stable under gVisor, which hands bytes to the receiver in the background: 1.2 to 3.9 MB.)
CAPACITY_CLASSES = (
    (512 * 1024, "under 512 KiB"),
    (3 * 1024 * 1024, "512 KiB..3 MiB"),
    (PROBE, "3 MiB..12 MiB"),
)
#: Then sends of this size fill the buffers up, at most ``PROBE`` bytes more.
CHUNK = 64 * 1024


def capacity_class(total: int) -> str:
    """The size class of ``total`` bytes (``CAPACITY_CLASSES``)."""
    for bound, label in CAPACITY_CLASSES:
        if total < bound:
            return label
    return "all 12 MiB"


def _one_send(sock: socket.socket) -> str:
    return capacity_class(sock.send(bytes(PROBE)))


@scenario(
    id="tcp.buffer-defaults",
    title="The default SO_RCVBUF and SO_SNDBUF of a TCP socket, before and after it connects",
    claim="A TCP socket's buffers are 8 KiB (or 64 KiB) everywhere, and getsockopt tells you how much you can send.",
    references=(_SOCKET_7, _TCP_7, _WINSOCK_OPTS),
)
def buffer_defaults(net: Net, step: Steps) -> None:
    """Tutorials quote one buffer size as if it were a constant of TCP. It is a setting of the
    stack, and even one stack reports different numbers at different times.

    Linux gives a fresh socket ``tcp_rmem[1]`` (131072) and ``tcp_wmem[1]`` (16384), then grows
    the send buffer as soon as the connection is established: to about 3.9 MB on loopback
    here, or to the 4 MiB cap (``tcp_wmem[2]``) once the kernel's per-destination metrics
    cache has recorded that earlier connections to 127.0.0.1 saw reordering. So even the
    connected number depends on the machine's history (``ip tcp_metrics show``), and the
    number you read before ``connect`` says little about what a send will take.
    gVisor's own TCP stack reports 1 MiB for both, before and after. macOS, FreeBSD and
    Windows have their own defaults and their own autotuning.
    """
    fresh = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    step("rcvbuf-default", fresh.getsockopt, socket.SOL_SOCKET, socket.SO_RCVBUF)
    step("sndbuf-default", fresh.getsockopt, socket.SOL_SOCKET, socket.SO_SNDBUF)
    client, _server = tcp_pair(net)
    step("rcvbuf-connected", client.getsockopt, socket.SOL_SOCKET, socket.SO_RCVBUF)
    step("sndbuf-connected", client.getsockopt, socket.SOL_SOCKET, socket.SO_SNDBUF)


@scenario(
    id="tcp.buffer-minimums",
    title="Setting SO_RCVBUF or SO_SNDBUF to 1 and reading it back",
    claim="getsockopt(SO_RCVBUF) returns the value you just set with setsockopt.",
    references=(_SOCKET_7, _WINSOCK_OPTS),
)
def buffer_minimums(net: Net, step: Steps) -> None:
    """``setsockopt`` takes a buffer size as a request. Linux doubles it (to leave room for its
    own bookkeeping) and raises it to a minimum, so asking for 1 byte reads back as 2304
    (receive) and 4608 (send). gVisor raises both to 4096. Code that sets a size and then
    checks it with ``getsockopt`` "fails" on every stack, each in its own way.
    """
    sock = net.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1)
    step("rcvbuf-set-1", sock.getsockopt, socket.SOL_SOCKET, socket.SO_RCVBUF)
    step("sndbuf-set-1", sock.getsockopt, socket.SOL_SOCKET, socket.SO_SNDBUF)


@scenario(
    id="tcp.nonblocking-send-capacity",
    title="How many bytes one non-blocking send accepts while the peer reads nothing",
    claim="A non-blocking send takes at most SO_SNDBUF bytes, then fails with EWOULDBLOCK.",
    references=(_TCP_7, "https://man7.org/linux/man-pages/man2/send.2.html (EAGAIN or EWOULDBLOCK)"),
)
def send_capacity(net: Net, step: Steps) -> None:
    """A non-blocking ``send`` returns how much it took, and that can be far more or far less
    than you expect. On native Linux one ``send`` of 12 MiB takes about 3.9 MB at once (the
    send buffer grows on connect, and loopback moves bytes into the peer's receive buffer
    while the call runs); gVisor takes exactly its 1 MiB send buffer; Windows takes the whole
    12 MiB while its buffer is not yet full. Only once the buffers are full does a send fail
    with ``EWOULDBLOCK`` (``send-when-full``). The first step reports a size class, because
    the exact count is a stack's setting, not a law: code that ignores ``send``'s return
    value loses the rest, and a server that assumes "send never blocks for small replies"
    works until a slow client makes its buffers fill.
    """
    client, _server = tcp_pair(net)
    client.setblocking(False)
    step("one-send-accepts", _one_send, client)
    queued = 0
    while queued < PROBE:
        try:
            queued += client.send(bytes(CHUNK))
        except BlockingIOError:
            break
    step("send-when-full", client.send, b"x")
