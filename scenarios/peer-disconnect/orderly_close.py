"""Orderly close and half-close: what FIN means to the reader."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net
from sockbehave.kit import BLOCK, SETTLE, tcp_pair
from sockbehave.scenario import Steps, scenario


@scenario(
    id="tcp.orderly-close-reads-empty",
    title="After the peer closes normally, recv returns b'' every time",
    claim="After the peer disconnects, recv returns b'' once; calling it again raises an error.",
    references=("https://man7.org/linux/man-pages/man2/recv.2.html", "RFC 9293 section 3.6"),
)
def orderly_close(net: Net, step: Steps) -> None:
    """A normal ``close()`` sends FIN. FIN is "end of stream", and end of stream is sticky:
    every later ``recv`` returns ``b''`` immediately, forever. A loop that does not stop on
    ``b''`` spins at full CPU rather than getting an error.
    """
    client, server = tcp_pair(net)
    server.close()
    net.sleep(SETTLE)
    client.settimeout(BLOCK)
    step("recv", client.recv, 100)
    step("recv-again", client.recv, 100)
    step("recv-third", client.recv, 100)


@scenario(
    id="tcp.half-close-shutdown-wr",
    title="shutdown(SHUT_WR) ends one direction; the other keeps working",
    claim="shutdown() closes the connection.",
    references=("https://man7.org/linux/man-pages/man2/shutdown.2.html", "RFC 9293 section 3.6"),
)
def half_close(net: Net, step: Steps) -> None:
    """``shutdown(SHUT_WR)`` sends FIN but keeps the socket open for reading. The peer sees
    end of stream (``b''``) and can still send a reply, which the half-closed side reads.
    Writing after your own ``SHUT_WR`` fails with EPIPE. This is how a client says "that is
    my whole request" and still waits for the answer.
    """
    client, server = tcp_pair(net)
    client.sendall(b"request")
    step("shutdown-wr", client.shutdown, socket.SHUT_WR)
    server.settimeout(BLOCK)
    client.settimeout(BLOCK)
    step("peer-recv-request", server.recv, 100)
    step("peer-recv-eof", server.recv, 100)
    step("peer-send-reply", server.send, b"reply")
    step("recv-reply", client.recv, 100)
    step("send-after-shutdown", client.send, b"more")
