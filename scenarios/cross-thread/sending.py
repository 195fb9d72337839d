"""Small writes on a request/response connection (Nagle and delayed ACKs), and short sends."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, tcp_pair
from sockbehave.scenario import Steps, scenario

HEADER = b"LEN:0100"
BODY = b"b" * 100
RESPONSE = b"OK"
#: Request/response rounds per connection. The first is often acknowledged at once (Linux starts
#: a connection in quick-ACK mode, macOS forces the first ACKs), so only the five later ones
#: count, by their median: a busy machine that slows one or two rounds down (or, replying late,
#: makes Linux leave its interactive mode for a round) does not change the answer.
ROUNDS = 6
#: Upper bounds of the delay classes, in seconds: a loopback round trip, a delayed ACK of tens
#: of milliseconds (Linux 40 ms, FreeBSD 40 ms), one of hundreds (Windows 200 ms). The middle
#: bound sits between 40 and 200 ms with room on both sides (a median of 40 ms rounds slowed
#: past 100 ms once, in a full test suite beside other jobs).
CLASSES = ((0.015, "immediate"), (0.15, "tens-of-ms"), (1.0, "hundreds-of-ms"))
#: More than any OS's send buffer takes in one non-blocking send, in a pattern a reader can check.
PATTERN = bytes(range(256)) * (64 * 1024)  # 16 MiB


def delay_class(seconds: float) -> str:
    """The class of a round trip's duration (``CLASSES``), stable with both cores busy."""
    for bound, name in CLASSES:
        if seconds < bound:
            return name
    return "seconds"


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("stream ended early")
        data += chunk
    return data


def _round_trip_class(net: Net, nodelay: bool) -> str:
    """The delay class of the median round trip of requests 2 to ``ROUNDS``."""
    client, server = tcp_pair(net)
    if nodelay:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.settimeout(5 * BLOCK)
    server.settimeout(5 * BLOCK)

    def serve() -> None:
        for _ in range(ROUNDS):
            recv_exactly(server, len(HEADER) + len(BODY))
            server.sendall(RESPONSE)

    peer = net.spawn(serve)
    times = []
    for _ in range(ROUNDS):
        start = net.clock()
        client.send(HEADER)  # write, write, read: the pattern Nagle's algorithm punishes
        client.send(BODY)
        recv_exactly(client, len(RESPONSE))
        times.append(net.clock() - start)
    peer.join(BLOCK)
    client.close()
    server.close()
    later = sorted(times[1:])
    return delay_class(later[len(later) // 2])


@scenario(
    id="tcp.nagle-delayed-ack",
    title="Write, write, read costs a delayed ACK per request unless TCP_NODELAY is set",
    claim="Two small sends followed by a read cost no more than one send on loopback.",
    references=(
        "https://www.rfc-editor.org/rfc/rfc896 (Nagle's algorithm)",
        "https://www.rfc-editor.org/rfc/rfc1122 (section 4.2.3.2: delayed ACKs)",
        "https://man7.org/linux/man-pages/man7/tcp.7.html (TCP_NODELAY, TCP_QUICKACK)",
        "https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/registry-entry-control-tcp-acknowledgment-behavior",
    ),
)
def nagle_delayed_ack(net: Net, step: Steps) -> None:
    """A client sends a request as a header and a body in two ``send`` calls, then waits for
    the answer. Nagle's algorithm holds the small body back until the header is acknowledged,
    and the server delays that ACK hoping to piggyback it on data it never sends before it has
    the whole request. Each request then waits for the delayed-ACK timer: about 40 ms on Linux,
    200 ms on Windows, on loopback. ``TCP_NODELAY`` on the client (or one ``sendall`` of the
    whole request) removes the wait. Each step is the delay class (``immediate``, ``tens-of-ms``
    or ``hundreds-of-ms``) of the median round trip of requests 2 to 6 on one connection.
    """
    step("round-trip-without-nodelay", _round_trip_class, net, False)
    step("round-trip-with-nodelay", _round_trip_class, net, True)


@scenario(
    id="tcp.send-short-count",
    title="send() may take fewer bytes than given; exactly that many reach the peer",
    claim="If send() returns, all the data was sent; if it was not, it raises.",
    references=(
        "https://docs.python.org/3/library/socket.html#socket.socket.send",
        "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html",
    ),
)
def send_short_count(net: Net, step: Steps) -> None:
    """``send`` returns the number of bytes it took, and that number is the whole truth: the
    first ``n`` bytes will reach the peer, none of the rest. Here the socket has a timeout (as
    most Python programs set one), the peer is not reading yet, and 16 MiB is more than the
    buffers hold: the call returns a short count instead of raising or losing data. The peer
    then reads everything until the end of the stream and gets exactly the bytes counted,
    in order. Code that ignores the count silently drops the rest; ``sendall`` loops for you.
    """
    client, server = tcp_pair(net)
    client.settimeout(BLOCK)
    sent = client.send(PATTERN)
    step.observe("send-returned-short", 0 < sent < len(PATTERN))
    client.shutdown(socket.SHUT_WR)
    server.settimeout(5 * BLOCK)

    def drain() -> bytes:
        parts: list[bytes] = []
        while True:
            chunk = server.recv(1 << 20)
            if not chunk:
                return b"".join(parts)
            parts.append(chunk)

    received = drain()
    step.observe("peer-received-exactly-sent", received == PATTERN[:sent])
