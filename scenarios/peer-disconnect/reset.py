"""Abortive close (RST): unread data, SO_LINGER 0, and a peer process that is killed."""

from __future__ import annotations

import socket

from sockbehave.backends.protocol import Net, PeerProcess
from sockbehave.kit import BLOCK, SETTLE, linger, listener, tcp_pair
from sockbehave.scenario import Steps, scenario

#: A child process needs an interpreter start-up before it connects; this bounds the wait.
CHILD_START = 5.0


def _child_connection(net: Net) -> tuple[PeerProcess, socket.socket]:
    """A connection to a freshly started peer process, which has sent b"hello"."""
    srv = listener(net)
    child = net.spawn_peer_process(srv.getsockname(), send=b"hello")
    srv.settimeout(CHILD_START)
    conn, _ = srv.accept()
    conn.settimeout(CHILD_START)
    return child, conn


@scenario(
    id="tcp.close-with-unread-data-sends-rst",
    title="Closing a socket with unread received data resets the connection",
    claim="Whenever the peer goes away, recv just returns b''.",
    references=(
        "RFC 2525 section 2.17 (failure to RST on close with data pending)",
        "https://github.com/torvalds/linux/blob/master/net/ipv4/tcp.c (__tcp_close)",
    ),
)
def close_with_unread_data(net: Net, step: Steps) -> None:
    """If a socket is closed while data it received is still unread, the kernel does not send
    a polite FIN; it sends RST, telling the peer the data was thrown away.

    The peer first reads whatever reached it before the reset, then its next ``recv`` raises
    ``ConnectionResetError`` (once), and after that the socket reads as closed (``b''``).
    So "the peer vanished" can surface as data, then an exception, then ``b''``.
    """
    client, server = tcp_pair(net)
    client.sendall(b"never read")
    server.sendall(b"bye")
    net.sleep(SETTLE)
    server.close()
    net.sleep(SETTLE)
    client.settimeout(BLOCK)
    step("peer-recv-pending-data", client.recv, 100)
    step("peer-recv-after-rst", client.recv, 100)
    step("peer-recv-again", client.recv, 100)
    step("peer-send-after-rst", client.send, b"x")


@scenario(
    id="tcp.linger-zero-close-sends-rst",
    title="close() with SO_LINGER on and 0 s resets the connection",
    claim="close() always ends a TCP connection gracefully.",
    references=(
        "https://man7.org/linux/man-pages/man7/socket.7.html (SO_LINGER)",
        "https://learn.microsoft.com/en-us/windows/win32/api/winsock/ns-winsock-linger",
    ),
)
def linger_zero(net: Net, step: Steps) -> None:
    """With ``SO_LINGER`` set to on with a 0 s timeout, ``close()`` discards anything unsent
    and sends RST at once instead of FIN. The socket skips TIME_WAIT, which is why people
    reach for it, and the peer gets ``ConnectionResetError`` instead of a clean end of stream.
    """
    client, server = tcp_pair(net)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger(net, True, 0))
    server.close()
    net.sleep(SETTLE)
    client.settimeout(BLOCK)
    step("peer-recv", client.recv, 100)
    step("peer-recv-again", client.recv, 100)
    step("peer-send", client.send, b"x")


@scenario(
    id="tcp.peer-process-killed",
    title="A killed peer process closes its connection normally: recv returns b''",
    claim="If the client process crashes, the server's recv raises an error (on Linux it returns b'' forever).",
    references=("https://man7.org/linux/man-pages/man7/tcp.7.html",),
)
def peer_process_killed(net: Net, step: Steps) -> None:
    """When a process dies, even by SIGKILL, the kernel closes its sockets for it, exactly as
    ``close()`` would. With nothing unread, that is an orderly FIN: the server's ``recv``
    returns ``b''``. A crash is indistinguishable from a polite goodbye here; only a dead
    *machine* or cable leaves the server waiting (and that needs keepalives or timeouts).
    """
    child, conn = _child_connection(net)
    step("recv-greeting", conn.recv, 100)
    child.kill()
    net.sleep(SETTLE)
    conn.settimeout(BLOCK)
    step("recv-after-kill", conn.recv, 100)
    step("recv-again", conn.recv, 100)


@scenario(
    id="tcp.peer-process-killed-with-unread-data",
    title="A killed peer with unread data resets the connection",
    claim="An abnormal disconnect always makes recv return b''.",
    references=("RFC 2525 section 2.17", "https://man7.org/linux/man-pages/man7/tcp.7.html"),
)
def peer_process_killed_unread(net: Net, step: Steps) -> None:
    """The kernel closes a dead process's sockets with the same rules as ``close()``: if data
    had arrived that the process never read, the connection is reset. The server then gets
    ``ConnectionResetError`` instead of ``b''``. Whether a crash looks like an error depends on
    unread data, not on the OS alone.
    """
    child, conn = _child_connection(net)
    conn.recv(100)
    conn.sendall(b"you will never read this")
    net.sleep(SETTLE)
    child.kill()
    net.sleep(SETTLE)
    conn.settimeout(BLOCK)
    step("recv-after-kill", conn.recv, 100)
    step("recv-again", conn.recv, 100)


@scenario(
    id="tcp.send-after-peer-closed",
    title="Sending to a closed peer: the first send succeeds, later ones fail",
    claim="send raises an error as soon as the other side has closed the connection.",
    references=(
        "https://man7.org/linux/man-pages/man2/send.2.html (EPIPE)",
        "https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2",
    ),
)
def send_after_peer_closed(net: Net, step: Steps) -> None:
    """FIN only says "I will send no more"; it does not say "I will read no more". So the
    first ``send`` after the peer closed is accepted by the local kernel and succeeds. The
    closed peer answers that data with RST, and only the *next* send fails (``EPIPE`` on
    Linux and macOS, a connection-aborted or -reset error on Windows). Errors from send are
    late by one round trip.
    """
    client, server = tcp_pair(net)
    server.close()
    net.sleep(SETTLE)
    step("first-send", client.send, b"first")
    net.sleep(SETTLE)
    step("second-send", client.send, b"second")
    step("third-send", client.send, b"third")
    client.settimeout(BLOCK)
    step("recv", client.recv, 100)
