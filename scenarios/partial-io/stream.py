"""TCP is a byte stream: short reads, merged writes, short non-blocking sends, sendall."""

from __future__ import annotations

import socket
from typing import Callable

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, SETTLE, tcp_pair
from sockbehave.scenario import Steps, scenario

#: Larger than any default socket buffer pair on loopback, so a sender must wait for a reader.
#: Built with bytes(FLOOD): zero pages from calloc that nobody touches beyond what a kernel
#: copies (b"\0" * FLOOD would write all 64 MiB first).
FLOOD = 64 * 1024 * 1024
SENDALL_BYTES = 4 * 1024 * 1024


@scenario(
    id="tcp.recv-fewer-than-asked",
    title="recv(n) returns what has arrived, often fewer than n bytes",
    claim="recv(1024) returns 1024 bytes.",
    references=("https://man7.org/linux/man-pages/man2/recv.2.html",),
)
def recv_fewer(net: Net, step: Steps) -> None:
    """``n`` in ``recv(n)`` is a maximum. The call returns as soon as *some* data is there,
    so reading a fixed-size record takes a loop.
    """
    client, server = tcp_pair(net)
    client.sendall(b"hello")
    step("recv-1024", server.recv, 1024)


@scenario(
    id="tcp.two-sends-one-recv",
    title="Two sends can arrive as one recv (the 'sticky packet' problem)",
    claim="Each send on one side matches one recv on the other.",
    references=("RFC 9293 section 3.8 (data communication is a stream)",),
)
def two_sends(net: Net, step: Steps) -> None:
    """TCP delivers bytes, not messages. Two ``send`` calls in quick succession are read back
    by a single ``recv`` here, with nothing marking where one ended. Protocols need framing:
    a delimiter or a length prefix.
    """
    client, server = tcp_pair(net)
    client.send(b"abc")
    client.send(b"def")
    net.sleep(SETTLE)
    step("recv", server.recv, 1024)


def _send_until_full(send: Callable[[bytes], int]) -> None:
    for _ in range(10_000):
        send(bytes(65536))


@scenario(
    id="tcp.nonblocking-send-partial",
    title="A non-blocking send accepts fewer bytes than it was given",
    claim="send() sends all the data you give it.",
    references=(
        "https://man7.org/linux/man-pages/man2/send.2.html (EAGAIN)",
        "https://docs.python.org/3/library/socket.html#socket.socket.send",
    ),
)
def nonblocking_partial(net: Net, step: Steps) -> None:
    """``send`` returns how many bytes it took. When the peer is not reading, a non-blocking
    socket takes what fits in the buffers and returns a smaller number; once they are full it
    raises ``BlockingIOError``. Code that ignores the return value loses data silently.
    """
    client, _server = tcp_pair(net)
    client.setblocking(False)
    sent = client.send(bytes(FLOOD))
    step.observe("first-send-was-partial", 0 < sent < FLOOD)
    step("send-when-full", _send_until_full, client.send)


@scenario(
    id="tcp.sendall-delivers-everything",
    title="sendall() keeps sending until every byte is taken",
    claim="sendall() is the same as send().",
    references=("https://docs.python.org/3/library/socket.html#socket.socket.sendall",),
)
def sendall_everything(net: Net, step: Steps) -> None:
    """``sendall`` loops over ``send`` for you and returns ``None`` only once all data is in
    the kernel's hands. With a concurrent reader, megabytes go through in one call.
    """
    client, server = tcp_pair(net)

    def read_all() -> int:
        total = 0
        while True:
            chunk = server.recv(65536)
            if not chunk:
                return total
            total += len(chunk)

    server.settimeout(5.0)
    reader = net.spawn(read_all)
    step("sendall", client.sendall, bytes(SENDALL_BYTES))
    client.shutdown(socket.SHUT_WR)
    step("peer-received", reader.join, 5.0)


@scenario(
    id="tcp.sendall-timeout-nonreading-peer",
    title="sendall() to a peer that does not read times out, with an unknown amount sent",
    claim="sendall() either sends everything or raises before sending anything.",
    references=("https://docs.python.org/3/library/socket.html#socket.socket.sendall",),
)
def sendall_timeout(net: Net, step: Steps) -> None:
    """When the peer stops reading, the buffers fill and ``sendall`` waits. With a timeout it
    raises ``TimeoutError`` (``socket.timeout``) after sending an unknown part of the data;
    the connection is then in an unknown state for the protocol and should be closed.
    """
    client, _server = tcp_pair(net)
    client.settimeout(BLOCK)
    step("sendall", client.sendall, bytes(FLOOD))
