"""Length-prefix framing: the standard cure for TCP's missing message boundaries."""

from __future__ import annotations

import socket
import struct

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, SETTLE, tcp_pair
from sockbehave.scenario import Steps, scenario

HEADER = struct.Struct("!I")
MESSAGES = (b"one", b"", b"three" * 20)


def frame(message: bytes) -> bytes:
    """A 4-byte big-endian length, then the message."""
    return HEADER.pack(len(message)) + message


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    """Read exactly ``n`` bytes, however they arrive; ``EOFError`` if the stream ends first."""
    parts = []
    while n:
        chunk = sock.recv(n)
        if not chunk:
            raise EOFError("stream ended inside a frame")
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def recv_message(sock: socket.socket) -> bytes:
    (length,) = HEADER.unpack(recv_exactly(sock, HEADER.size))
    return recv_exactly(sock, length)


@scenario(
    id="tcp.length-prefix-framing",
    title="Length-prefix framing recovers messages however the bytes are split",
    claim="To receive a message, call recv once with a big enough buffer.",
    references=("RFC 9293 section 3.8", "https://docs.python.org/3/howto/sockets.html"),
)
def length_prefix(net: Net, step: Steps) -> None:
    """Without framing, three messages sent back to back come out as one blob. With a length
    prefix and a "read exactly n bytes" loop, the receiver gets the same three messages back,
    even when the sender dribbles the bytes out in awkward pieces (a header split in two, a
    message split across writes). An empty message survives too.
    """
    client, server = tcp_pair(net)
    server.settimeout(BLOCK)
    for message in MESSAGES:
        client.sendall(message)
    net.sleep(SETTLE)
    step("unframed-recv", lambda: len(server.recv(4096)))

    wire = b"".join(frame(m) for m in MESSAGES)
    for cut in (0, 2, 5, 11, 40, len(wire)):  # awkward split points, including mid-header
        client.sendall(wire[:cut])
        wire = wire[cut:]
        net.sleep(0.005)
    client.sendall(wire)
    step("framed-recv", lambda: [recv_message(server) for _ in MESSAGES] == list(MESSAGES))
